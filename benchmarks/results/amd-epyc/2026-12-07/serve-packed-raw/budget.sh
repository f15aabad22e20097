#!/usr/bin/env bash
# Packed batches: --max-batch-tokens 256 (the default), 512, 1024 and 2048 with one worker, 256 and 1024 with
# --workers 2 --threads 1; concurrency 16, each server driven in turn, twice. Run from the repository root after
# `mvn -q -pl cli,benchmarks -am package -Dmaven.test.skip=true`; MODEL a tagger folder, OUT a folder.
set -u
model=${MODEL:?a tagger folder}
out=${OUT:?a folder for the results}
conllu=${CONLLU:-../shared/data/ud-english-ewt/en_ewt-ud-test.conllu}
mkdir -p "$out"
export OMP_WAIT_POLICY=passive
mt() { exec java --add-modules jdk.incubator.vector -jar cli/target/multitag.jar serve --model "$model" "$@"; }
declare -A pids
port=18400
servers=()
for spec in w1-256:1:256 w1-512:1:512 w1-1024:1:1024 w1-2048:1:2048 w2-256:2:256 w2-1024:2:1024; do
  IFS=: read name workers budget <<< "$spec"
  if [ "$workers" = 2 ]; then
    mt --port $port --workers 2 --threads 1 --max-batch-tokens $budget > "$out/serve-$name.log" 2>&1 &
  else
    mt --port $port --threads 2 --max-batch-tokens $budget > "$out/serve-$name.log" 2>&1 &
  fi
  servers+=("$name:$port:$!")
  port=$((port + 1))
done
sleep 5
for s in "${servers[@]}"; do
  IFS=: read name port pid <<< "$s"
  until grep -qi listening "$out/serve-$name.log"; do sleep 1; done
done
for r in 1 2; do
  for s in "${servers[@]}"; do
    IFS=: read name port pid <<< "$s"
    java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
      --model "$model" --conllu "$conllu" --concurrency 16 --warmup-s 10 --duration-s 30 --pid $pid \
      --out "$out/budget-$name-r$r.json" > "$out/budget-$name-r$r.log" 2>&1
    echo "round $r $name c=16: $(tail -1 "$out/budget-$name-r$r.log")"
  done
done
for s in "${servers[@]}"; do
  IFS=: read name port pid <<< "$s"
  curl -s http://127.0.0.1:$port/metrics | grep -E '^multitag_batch_(tokens|size)_(sum|count)' > "$out/budget-$name-metrics.txt"
  kill -TERM $pid
done
wait
