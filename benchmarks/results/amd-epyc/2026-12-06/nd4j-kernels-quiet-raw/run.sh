#!/usr/bin/env bash
# Quiet interleaved rounds (nothing else running): java/nd4j kernels, MiniLM encoder batch 32 / batch 1, train step.
set -u
export OMP_WAIT_POLICY=passive
JAR=${JAR:-benchmarks/target/benchmarks.jar}
out=${OUT:-.}
for round in 1 2; do
  if [ $round = 1 ]; then order="java nd4j"; else order="nd4j java"; fi
  for k in $order; do
    java --add-modules jdk.incubator.vector -cp $JAR org.openjdk.jmh.Main 'EncoderBenchmark.miniLm(Throughput|Latency)Multitag' -f 1 -wi 2 -w 5 -i 3 -r 5 \
      -jvmArgsAppend '--add-modules=jdk.incubator.vector' -p kernels=$k -rf json -rff $out/enc-$round-$k.json > $out/enc-$round-$k.log 2>&1
    java --add-modules jdk.incubator.vector -cp $JAR org.openjdk.jmh.Main 'TrainStepBenchmark.miniLmTrainStep$' -f 1 -wi 1 -w 10 -i 3 -r 10 \
      -jvmArgsAppend '--add-modules=jdk.incubator.vector' -p kernels=$k -rf json -rff $out/train-$round-$k.json > $out/train-$round-$k.log 2>&1
  done
done
echo done
