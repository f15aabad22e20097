#!/usr/bin/env bash
# multitag serve (--max-batch-tokens 256) against the ORT-per-request peer, concurrency 16 and 1, alternating, twice.
set -u
cd /work/main
model=/tmp/serve-bench/model
OMP_WAIT_POLICY=passive java --add-modules jdk.incubator.vector -jar cli/target/multitag.jar serve --model $model \
  --port 18256 --threads 2 --max-batch-tokens 256 > /tmp/ab2/serve-mt.log 2>&1 &
mt=$!
java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.OrtTagServer \
  --model $model --port 18300 ${ORT_ARGS:-} > /tmp/ab2/serve-ort.log 2>&1 &
ort=$!
sleep 5; until grep -q listening /tmp/ab2/serve-mt.log && grep -qi listening /tmp/ab2/serve-ort.log; do sleep 1; done
for r in 1 2; do
  for c in 16 1; do
    for s in mt:18256:$mt ort:18300:$ort; do
      IFS=: read name port pid <<< "$s"
      java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
        --model $model --conllu ../shared/data/ud-english-ewt/en_ewt-ud-test.conllu --concurrency $c --warmup-s 10 \
        --duration-s 30 --pid $pid --out /tmp/ab2/$name-c$c-r$r.json > /tmp/ab2/$name-c$c-r$r.log 2>&1
      echo "round $r $name c=$c: $(tail -1 /tmp/ab2/$name-c$c-r$r.log)"
    done
  done
done
kill -TERM $mt $ort; wait
