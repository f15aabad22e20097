#!/usr/bin/env bash
# multitag as a dependency, as a user gets it (issue 21): installs the modules into the local Maven repository, makes
# a small model folder with a head (the demo, 4 training steps on the bundled Brown corpus: a real trained folder,
# not a quality model), then builds examples/java-api, a separate project that finds multitag only by its installed
# coordinates, runs its test on that folder and runs the program the way its README does.
# Another local repository: MAVEN_OPTS=-Dmaven.repo.local=DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
start=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The README's install command, less the benchmarks module: it installs nothing (maven.install.skip) and would only
# rebuild its 335 MB JMH jar; the test run before this compiled it.
mvn -B -ntp -q -Dstyle.color=never install -DskipTests -pl '!benchmarks'
echo "java-api example: installed in $((SECONDS - start)) s" >&2

./multitag demo --train-sentences 64 --dev-sentences 32 --test-sentences 32 --out "$work/demo" >"$work/demo.log" 2>&1 \
  || { cat "$work/demo.log" >&2; echo "java-api example: the demo could not make a model folder" >&2; exit 1; }
model="$work/demo/model"
echo "java-api example: model folder made in $((SECONDS - start)) s" >&2

mvn -B -ntp -q -Dstyle.color=never -f examples/java-api verify -Dmultitag.model="$model"

# The README's way to run it: text on standard input, one line per word back.
out="$(echo 'Jane walked to London.' | mvn -B -ntp -q -Dstyle.color=never -f examples/java-api exec:java -Dexec.args="$model")"
# (Maven 3.8 writes a colour reset around its quiet output even in batch mode: strip escapes first.)
words="$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | awk -F'\t' 'NF { printf "%s ", $1 }')"
if [ "$words" != "Jane walked to London . " ]; then
  printf 'java-api example: expected one line per word of "Jane walked to London.", got:\n%s\n' "$out" >&2
  exit 1
fi
echo "java-api example: passed in $((SECONDS - start)) s" >&2
