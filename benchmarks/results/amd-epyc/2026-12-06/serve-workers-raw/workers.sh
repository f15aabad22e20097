#!/usr/bin/env bash
# multitag serve with one model thread of 2 gemm threads (the default) against two workers of one thread each
# (--workers 2 --threads 1), and the ORT-per-request peer; concurrency 16 and 1, each server driven in turn, twice.
# Run from the repository root after `mvn -q -pl cli,benchmarks -am package -Dmaven.test.skip=true`;
# MODEL is a tagger folder (benchmarks/serve/run.sh trains the one used here), OUT the folder for the JSON.
set -u
model=${MODEL:?a tagger folder}
out=${OUT:?a folder for the results}
conllu=${CONLLU:-../shared/data/ud-english-ewt/en_ewt-ud-test.conllu}
mkdir -p "$out"
export OMP_WAIT_POLICY=passive
mt() { exec java --add-modules jdk.incubator.vector -jar cli/target/multitag.jar serve --model "$model" "$@"; }
mt --port 18256 --threads 2 > "$out/serve-w1.log" 2>&1 &
w1=$!
mt --port 18257 --workers 2 --threads 1 > "$out/serve-w2.log" 2>&1 &
w2=$!
java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.OrtTagServer \
  --model "$model" --port 18300 > "$out/serve-ort.log" 2>&1 &
ort=$!
sleep 5
until grep -q listening "$out/serve-w1.log" && grep -q listening "$out/serve-w2.log" \
  && grep -qi listening "$out/serve-ort.log"; do sleep 1; done
for r in 1 2; do
  for c in 16 1; do
    for s in w1:18256:$w1 w2:18257:$w2 ort:18300:$ort; do
      IFS=: read name port pid <<< "$s"
      java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
        --model "$model" --conllu "$conllu" --concurrency $c --warmup-s 10 --duration-s 30 --pid $pid \
        --out "$out/$name-c$c-r$r.json" > "$out/$name-c$c-r$r.log" 2>&1
      echo "round $r $name c=$c: $(tail -1 "$out/$name-c$c-r$r.log")"
    done
  done
done
kill -TERM $w1 $w2 $ort; wait
