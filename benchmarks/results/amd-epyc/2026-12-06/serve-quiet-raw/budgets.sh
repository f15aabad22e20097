#!/usr/bin/env bash
# Budget A/B: three `multitag serve` at once (--max-batch-tokens 256, 512, 2048), concurrency 16, alternating.
set -u
cd /work/main
model=/tmp/serve-bench/model
declare -A port=([256]=18256 [512]=18512 [2048]=12048)
pids=()
for b in 256 512 2048; do
  OMP_WAIT_POLICY=passive java --add-modules jdk.incubator.vector -jar cli/target/multitag.jar serve --model $model \
    --port ${port[$b]} --threads 2 --max-batch-tokens $b > /tmp/ab2/serve-$b.log 2>&1 &
  pids+=($!); echo "$b pid $!"
done
for b in 256 512 2048; do until grep -q listening /tmp/ab2/serve-$b.log; do sleep 1; done; done
for r in 1 2; do
  for b in 256 512 2048; do
    pid=$(pgrep -f "port ${port[$b]}" | head -1)
    java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:${port[$b]} \
      --model $model --conllu ../shared/data/ud-english-ewt/en_ewt-ud-test.conllu --concurrency 16 --warmup-s 10 \
      --duration-s 30 --pid $pid --out /tmp/ab2/b$b-r$r.json > /tmp/ab2/b$b-r$r.log 2>&1
    echo "round $r budget $b: $(tail -3 /tmp/ab2/b$b-r$r.log | tr '\n' ' ')"
  done
done
kill -TERM "${pids[@]}"; wait
