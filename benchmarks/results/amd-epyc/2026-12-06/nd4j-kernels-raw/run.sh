#!/usr/bin/env bash
# Interleaved short runs: java/nd4j kernels, encoder (MiniLM batch 32 throughput, batch 1 latency) and train step.
set -u
export OMP_WAIT_POLICY=passive
JAR=/work/wt-nd4j/benchmarks/target/benchmarks.jar
for round in 1 2; do  # a third round (java, nd4j) ran the same way
  if [ $round = 1 ]; then order="java nd4j"; else order="nd4j java"; fi
  for k in $order; do
    date -u +%T
    java -cp $JAR org.openjdk.jmh.Main 'EncoderBenchmark.miniLm(Throughput|Latency)Multitag' -f 1 -wi 2 -w 5 -i 3 -r 5 \
      -p kernels=$k -rf json -rff enc-$round-$k.json > enc-$round-$k.log 2>&1
    date -u +%T
    java -cp $JAR org.openjdk.jmh.Main 'TrainStepBenchmark' -f 1 -wi 1 -w 10 -i 3 -r 10 \
      -p kernels=$k -rf json -rff train-$round-$k.json > train-$round-$k.log 2>&1
  done
done
date -u +%T
echo done
