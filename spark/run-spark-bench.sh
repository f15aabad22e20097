#!/usr/bin/env bash
# Spark throughput benchmark (docs/spark.md): tags N sentences of UD English EWT (read from ../shared/data, never
# copied) single-JVM with 1 and 2 threads and on Spark local[1] and local[2], interleaved, and writes
# spark/target/bench/spark-bench.md. Then checks end to end that `./multitag spark-tag --master local[2]` gives the
# same words, labels and scores as `./multitag predict` on the same input. Arguments go to SparkThroughput
# (--sentences 2000 --reps 3 --conllu FILE). Takes about 5-10 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
mvn -q -B -pl spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/classpath-test.txt
opens=(java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent
  java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar)
args=(--add-modules jdk.incubator.vector -Djdk.reflect.useDirectMethodHandle=false -Xmx4g)
for p in "${opens[@]}"; do args+=("--add-opens=java.base/$p=ALL-UNNAMED"); done
cp="spark/target/test-classes:spark/target/classes:$(cat spark/target/classpath-test.txt)"
# The treebank beside the clone unless --conllu FILE is given (a later --conllu wins).
java "${args[@]}" -cp "$cp" org.multitag.spark.SparkThroughput --conllu ../shared/data/ud-english-ewt/en_ewt-ud-train.conllu "$@"

# End to end: the launcher's predict and spark-tag on the benchmark's input and model.
bench=spark/target/bench
rm -rf "$bench/predict.jsonl" "$bench/spark-tag.jsonl"
./multitag predict --model "$bench/model" --input "$bench/input.jsonl" --output "$bench/predict.jsonl"
./multitag spark-tag --model "$bench/model" --input "$bench/input.jsonl" --output "$bench/spark-tag.jsonl" \
  --master 'local[2]'
python3 - "$bench" <<'PY'
import json, sys, glob, decimal
bench = sys.argv[1]
want = [json.loads(l)["words"] for l in open(f"{bench}/predict.jsonl", encoding="utf-8")]
rows = []
for part in sorted(glob.glob(f"{bench}/spark-tag.jsonl/part-*")):
    rows += [json.loads(l, parse_float=decimal.Decimal) for l in open(part, encoding="utf-8")]
assert [r["row_id"] for r in rows] == list(range(len(want))), "row ids / count differ"
words = diffs = 0
for w, r in zip(want, rows):
    got = r["words"]
    assert len(w) == len(got)
    for a, b in zip(w, got):
        words += 1
        same = (a["text"], a["start"], a["end"], a["labels"]) == (b["text"], b["start"], b["end"], b["labels"]) \
            and list(a["scores"]) == list(b["scores"]) \
            and all(decimal.Decimal(str(a["scores"][k])) == b["scores"][k] for k in a["scores"])
        diffs += not same
print(f"end to end: {len(rows)} rows, {words} words; spark-tag local[2] differs from predict on {diffs} words")
sys.exit(1 if diffs else 0)
PY
