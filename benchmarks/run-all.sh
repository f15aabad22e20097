#!/usr/bin/env bash
# Builds the benchmarks jar and runs every suite against its peer: tokenizer vs HF tokenizers (~6 min), encoder vs
# ONNX Runtime in float32 and bf16 (~16 min), fine-tuning step in float32 and bf16 vs PyTorch float32 and bf16 autocast
# (~5 min; PyTorch from Debian's python3-torch when /usr/bin/python3 has it), the gemm in both precisions (~2 min).
# About 28 minutes on two cores. Writes benchmarks/results/summary.md and ratios.png, plus each suite's own report.
# Run it on an otherwise idle machine; --render-only re-renders the last results.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl benchmarks -am package -Dmaven.test.skip=true
# ND4J's OpenMP threads must sleep between gemm calls (README "Performance settings"); the JMH forks and the
# PyTorch process inherit this.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
exec java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.BenchmarkSummary "$@"
