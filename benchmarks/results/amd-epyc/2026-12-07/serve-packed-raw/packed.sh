#!/usr/bin/env bash
# multitag serve before and after packed batches (padding not computed), one worker and two, against the ORT
# per-request peer; concurrency 16 and 1, each server driven in turn, twice. Run from the repository root after
# `mvn -q -pl cli,benchmarks -am package -Dmaven.test.skip=true`; BEFORE is the CLI jar built from the commit
# before (359d6ed), MODEL a tagger folder (benchmarks/serve/run.sh trains the one used here), OUT a folder.
set -u
model=${MODEL:?a tagger folder}
out=${OUT:?a folder for the results}
before=${BEFORE:?the CLI jar of the code before}
conllu=${CONLLU:-../shared/data/ud-english-ewt/en_ewt-ud-test.conllu}
mkdir -p "$out"
export OMP_WAIT_POLICY=passive
mt() { jar=$1; shift; exec java --add-modules jdk.incubator.vector -jar "$jar" serve --model "$model" "$@"; }
mt "$before" --port 18256 --threads 2 > "$out/serve-old1.log" 2>&1 &
old1=$!
mt cli/target/multitag.jar --port 18257 --threads 2 > "$out/serve-new1.log" 2>&1 &
new1=$!
mt "$before" --port 18258 --workers 2 --threads 1 > "$out/serve-old2.log" 2>&1 &
old2=$!
mt cli/target/multitag.jar --port 18259 --workers 2 --threads 1 > "$out/serve-new2.log" 2>&1 &
new2=$!
java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.OrtTagServer \
  --model "$model" --port 18300 > "$out/serve-ort.log" 2>&1 &
ort=$!
sleep 5
for f in old1 new1 old2 new2 ort; do
  until grep -qi listening "$out/serve-$f.log"; do sleep 1; done
done
for r in 1 2; do
  for c in 16 1; do
    for s in old1:18256:$old1 new1:18257:$new1 old2:18258:$old2 new2:18259:$new2 ort:18300:$ort; do
      IFS=: read name port pid <<< "$s"
      java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
        --model "$model" --conllu "$conllu" --concurrency $c --warmup-s 10 --duration-s 30 --pid $pid \
        --out "$out/$name-c$c-r$r.json" > "$out/$name-c$c-r$r.log" 2>&1
      echo "round $r $name c=$c: $(tail -1 "$out/$name-c$c-r$r.log")"
    done
  done
done
for s in old1:18256 new1:18257 old2:18258 new2:18259; do
  IFS=: read name port <<< "$s"
  curl -s http://127.0.0.1:$port/metrics | grep -E '^multitag_batch_(tokens|size)_(sum|count)' > "$out/$name-metrics.txt"
done
kill -TERM $old1 $new1 $old2 $new2 $ort; wait
