#!/usr/bin/env bash
# Builds the benchmarks jar and runs the tokenizer benchmark (multitag vs HF tokenizers through DJL),
# writing benchmarks/results/tokenizer.md and benchmarks/results/tokenizer-jmh.json. Takes about 5-6 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl benchmarks -am package -DskipTests
exec java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.Report "$@"
