#!/usr/bin/env bash
# Regenerates the UD English EWT slice the tests read, in dataset/src/test/resources/data/ud-english-ewt/:
#
#   en_ewt-ud-train.slice.conllu.gz   the first 600 sentences of en_ewt-ud-train.conllu, unchanged
#   en_ewt-ud-dev.slice.conllu.gz     the first 200 sentences of en_ewt-ud-dev.conllu, unchanged
#   LICENSE.txt                       EWT's licence (CC BY-SA 4.0), copied from the source folder
#   README.md                         source, UD version, which sentences, licence and attribution
#
# The tests need nothing beside the clone: they take the first N sentences of these files (TestData.ewt in the
# dataset module's test jar). The full treebank stays outside the repository; the recipe (tools/recipes/ud-ewt.sh)
# and the benchmarks read it from ../shared/data/ud-english-ewt or a path given to them.
# Re-running on the same source gives byte-identical files (gzip -n: no name, no time stamp).
#
# Usage:  tools/data/make-ewt-slice.sh [EWT folder] [output dir]
#         (defaults: ../shared/data/ud-english-ewt beside the repository, and the folder above)
# Needs: bash, awk, gzip, sha256sum. Nothing in the build or the tests runs this script; its outputs are committed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="${1:-$ROOT/../shared/data/ud-english-ewt}"
OUT="${2:-$ROOT/dataset/src/test/resources/data/ud-english-ewt}"
TRAIN_SENTENCES=600
DEV_SENTENCES=200
# The UD_English-EWT commit the source folder was built from (its README says so; UD 2.16).
EWT_COMMIT=15d613d8447b3478787d4c278730a1e48a945efb

for f in en_ewt-ud-train.conllu en_ewt-ud-dev.conllu LICENSE.txt; do
  [[ -f "$SRC/$f" ]] || { echo "error: $SRC/$f not found (give the EWT folder as the first argument)" >&2; exit 2; }
done
mkdir -p "$OUT"

# head FILE N: the first N sentences (each ends at a blank line), byte for byte.
head_sentences() {
  awk -v n="$2" '{ print } /^$/ { if (++s == n) exit }' "$1"
}
# field FILE N KEY: the value of comment "# KEY = ..." in the Nth sentence of FILE (1-based; N=-1 the last).
field() {
  awk -v n="$2" -v key="# $3 = " '
    index($0, key) == 1 { s++; v = substr($0, length(key) + 1); if (s == n) { print v; exit } }
    END { if (n < 0) print v }' "$1"
}

describe() { # SPLIT N: one README table row
  local src="$SRC/en_ewt-ud-$1.conllu" slice
  slice="$(mktemp)"
  head_sentences "$src" "$2" > "$slice"
  local got words
  got=$(grep -c '^$' "$slice")
  [[ "$got" == "$2" ]] || { echo "error: $src has only $got sentences" >&2; exit 2; }
  words=$(awk -F'\t' 'NF == 10 && $1 ~ /^[0-9]+$/' "$slice" | wc -l)
  gzip -9 -n -c "$slice" > "$OUT/en_ewt-ud-$1.slice.conllu.gz"
  printf '| `en_ewt-ud-%s.slice.conllu.gz` | `en_ewt-ud-%s.conllu` (sha256 `%s`) | the first %d (`%s` … `%s`) ' \
    "$1" "$1" "$(sha256sum "$src" | cut -d' ' -f1)" "$2" "$(field "$slice" 1 sent_id)" "$(field "$slice" -1 sent_id)"
  printf '| %d | %d |\n' \
    "$words" "$(wc -c < "$slice")"
  rm -f "$slice"
}

rows="$(describe train "$TRAIN_SENTENCES")
$(describe dev "$DEV_SENTENCES")"
cp "$SRC/LICENSE.txt" "$OUT/LICENSE.txt"
chmod 644 "$OUT/LICENSE.txt"
cat > "$OUT/README.md" <<MD
# UD English EWT: the slice the tests read

The first sentences of the Universal Dependencies English Web Treebank (EWT), unchanged, so that \`mvn test\`
needs nothing beside the clone. Made by \`tools/data/make-ewt-slice.sh\` from UD English EWT as of Universal
Dependencies 2.16: https://github.com/UniversalDependencies/UD_English-EWT, commit
\`${EWT_COMMIT}\` (2025-05-10), whose train and dev files are the ones named below (with the
sha256 of each).

| file | taken from | sentences (first … last sent_id) | words | bytes uncompressed |
|---|---|---|---|---|
${rows}

Each file is the start of its split, byte for byte (comments, multiword tokens and empty nodes included),
gzip-compressed. The tests take the first N sentences of it (\`org.multitag.data.TestData.ewt\`). The full
treebank is not in the repository: the recipe and the benchmarks read it from \`../shared/data/ud-english-ewt\`
or a path given to them.

## Licence and attribution

UD English EWT is licensed under the Creative Commons Attribution-ShareAlike 4.0 International licence
(CC BY-SA 4.0: \`LICENSE.txt\` beside this file, https://creativecommons.org/licenses/by-sa/4.0/).
Annotations © 2013-2021 The Board of Trustees of the Leland Stanford Junior University; see the treebank's
README at the source above for its authors and how to cite it. The files here are shared under the same
licence. Changes: none to the sentences; only the first sentences of the train and dev files are kept, and
they are gzip-compressed. Only the files in this folder are under CC BY-SA 4.0.
MD
echo "wrote $OUT" >&2
