#!/usr/bin/env bash
# Reproduces a row of the UD English EWT table in docs/ewt.md from a fresh clone: fine-tunes MODEL on EWT train,
# tunes every decoding mode on dev (the best becomes the model's default), then scores the test set once, in all
# decoding modes side by side, and writes the test set back as CoNLL-U for the official CoNLL 2018 script.
#
#   tools/recipes/ud-ewt.sh MODEL EPOCHS [train options...]
#   tools/recipes/ud-ewt.sh minilm-l6 3 --lr 1e-4
#   tools/recipes/ud-ewt.sh bert-base-cased 2 --lr 3e-5
#
# Data: ../shared/data/ud-english-ewt (or $EWT). Output: runs/ewt-MODEL-EPOCHS/ (model/, train.log, test.txt,
# test-report.json, test-pred.conllu; with UD_EVAL=path/to/conll18_ud_eval.py also test-official.txt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ $# -lt 2 ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
model=$1
epochs=$2
shift 2
ewt="${EWT:-$root/../shared/data/ud-english-ewt}"
for f in train dev test; do
  [ -f "$ewt/en_ewt-ud-$f.conllu" ] || { echo "error: $ewt/en_ewt-ud-$f.conllu: not found (set EWT)" >&2; exit 2; }
done
out="runs/ewt-$(basename "$model")-$epochs"
mkdir -p "$out"
start=$(date +%s)
./multitag train --model "$model" --train "$ewt/en_ewt-ud-train.conllu" --dev "$ewt/en_ewt-ud-dev.conllu" \
    --out "$out" --epochs "$epochs" "$@" 2>&1 | tee "$out/train.log"
echo "training (with dev tuning): $(( $(date +%s) - start )) s" | tee -a "$out/train.log"
./multitag eval --model "$out/model" --data "$ewt/en_ewt-ud-test.conllu" --decode all \
    --report "$out/test-report.json" | tee "$out/test.txt"
./multitag predict --model "$out/model" --input "$ewt/en_ewt-ud-test.conllu" --input-format conllu \
    --output "$out/test-pred.conllu"
if [ -n "${UD_EVAL:-}" ]; then
  python3 "$UD_EVAL" -v "$ewt/en_ewt-ud-test.conllu" "$out/test-pred.conllu" | tee "$out/test-official.txt"
fi
