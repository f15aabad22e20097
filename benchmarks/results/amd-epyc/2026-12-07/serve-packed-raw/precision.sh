#!/usr/bin/env bash
# Packed batches in float32 and in bf16 (--precision bf16: AVX512-BF16 on this AMD EPYC, no AMX) against the ORT
# per-request peer; concurrency 1 then 16, each server driven in turn, twice. Run from the repository root after
# `mvn -q -pl cli,benchmarks -am package -Dmaven.test.skip=true`; MODEL a tagger folder, OUT a folder.
set -u
model=${MODEL:?a tagger folder}
out=${OUT:?a folder for the results}
conllu=${CONLLU:-../shared/data/ud-english-ewt/en_ewt-ud-test.conllu}
mkdir -p "$out"
export OMP_WAIT_POLICY=passive
mt() { exec java --add-modules jdk.incubator.vector -jar cli/target/multitag.jar serve --model "$model" "$@"; }
mt --port 18600 --threads 2 --precision fp32 > "$out/serve-fp32.log" 2>&1 &
fp32=$!
mt --port 18601 --threads 2 --precision bf16 > "$out/serve-bf16.log" 2>&1 &
bf16=$!
java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.OrtTagServer \
  --model "$model" --port 18602 > "$out/serve-ortp.log" 2>&1 &
ort=$!
sleep 5
for f in fp32 bf16 ortp; do
  until grep -qi listening "$out/serve-$f.log"; do sleep 1; done
done
for r in 1 2; do
  for c in 1 16; do
    for s in fp32:18600:$fp32 bf16:18601:$bf16 ortp:18602:$ort; do
      IFS=: read name port pid <<< "$s"
      java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
        --model "$model" --conllu "$conllu" --concurrency $c --warmup-s 10 --duration-s 30 --pid $pid \
        --out "$out/prec-$name-c$c-r$r.json" > "$out/prec-$name-c$c-r$r.log" 2>&1
      echo "round $r $name c=$c: $(tail -1 "$out/prec-$name-c$c-r$r.log")"
    done
  done
done
kill -TERM $fp32 $bf16 $ort; wait
