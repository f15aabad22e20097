#!/usr/bin/env bash
# POST /v1/embed before and after packed batches, one worker each; concurrency 16, each server driven in turn, twice.
# Run from the repository root after `mvn -q -pl cli,benchmarks -am package -Dmaven.test.skip=true`; BEFORE is the
# CLI jar built from the commit before (359d6ed), MODEL a tagger folder, OUT a folder.
set -u
model=${MODEL:?a tagger folder}
out=${OUT:?a folder for the results}
before=${BEFORE:?the CLI jar of the code before}
conllu=${CONLLU:-../shared/data/ud-english-ewt/en_ewt-ud-test.conllu}
mkdir -p "$out"
export OMP_WAIT_POLICY=passive
mt() { jar=$1; shift; exec java --add-modules jdk.incubator.vector -jar "$jar" serve --model "$model" "$@"; }
mt "$before" --port 18700 --threads 2 > "$out/serve-embed-old.log" 2>&1 &
old=$!
mt cli/target/multitag.jar --port 18701 --threads 2 > "$out/serve-embed-new.log" 2>&1 &
new=$!
sleep 5
for f in old new; do
  until grep -qi listening "$out/serve-embed-$f.log"; do sleep 1; done
done
for r in 1 2; do
  for s in old:18700:$old new:18701:$new; do
    IFS=: read name port pid <<< "$s"
    java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:$port \
      --route embed --model "$model" --conllu "$conllu" --concurrency 16 --warmup-s 10 --duration-s 30 --pid $pid \
      --out "$out/embed-$name-c16-r$r.json" > "$out/embed-$name-c16-r$r.log" 2>&1
    echo "round $r $name c=16: $(tail -1 "$out/embed-$name-c16-r$r.log")"
  done
done
kill -TERM $old $new; wait
