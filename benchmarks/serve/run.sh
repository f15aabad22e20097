#!/usr/bin/env bash
# Issue 22's serving benchmark: `multitag serve` against the ORT-per-request peer (OrtTagServer: DJL HF tokenizers +
# one ONNX Runtime session.run per request behind the same JDK HTTP server) under closed-loop load (LoadClient) at
# each concurrency, both servers on 127.0.0.1 at once and measured level by level in turn; then offline `predict`
# over the same sentences (the batch ceiling), the in-process tagger one sentence at a time (the latency reference),
# and a long run on a fresh `multitag serve` for its RSS. Writes benchmarks/results/<cpu>/<date>/serve-load.md and
# the raw JSON next to it (serve-load-raw/).
#
#   benchmarks/serve/run.sh [--model DIR] [--levels 1,4,16,64] [--warmup-s 10] [--duration-s 45] [--threads 2]
#       [--ort-threads 1] [--http-threads 16] [--long-s 600] [--long-requests 100000] [--long-concurrency 16]
#       [--conllu ../shared/data/ud-english-ewt/en_ewt-ud-test.conllu] [--input text|words] [--note TEXT]
#       [--serve-args "--max-batch-tokens 512"]   (more options for both `multitag serve` runs)
#       [--name serve-load]   (the results' name: NAME.md, NAME-raw/)   [--skip-build]   (use the jars as built)
#
# Without --model it trains a small MiniLM-L6 tagger first (400 EWT training sentences, 1 epoch, about a minute on
# two idle cores; its accuracy does not matter for speed) into benchmarks/target/serve-model. With the defaults the
# whole run takes about 25 minutes; --long-s 0 skips the long run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"

model=""
levels="1,4,16,64"
warmup=10
duration=45
threads=2
ort_threads=1   # 1 intra-op thread per run: as fast as 2 or faster on this 2-core machine at concurrency 1 and 16 (17:31 check)
http_threads=16
long_s=600
long_requests=100000
long_c=16
conllu="../shared/data/ud-english-ewt/en_ewt-ud-test.conllu"
input="text"
notes=()
serve_args=()
name="serve-load"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2" ;;
    --levels) levels="$2" ;;
    --warmup-s) warmup="$2" ;;
    --duration-s) duration="$2" ;;
    --threads) threads="$2" ;;
    --ort-threads) ort_threads="$2" ;;
    --http-threads) http_threads="$2" ;;
    --long-s) long_s="$2" ;;
    --long-requests) long_requests="$2" ;;
    --long-concurrency) long_c="$2" ;;
    --conllu) conllu="$2" ;;
    --input) input="$2" ;;
    --note) notes+=(--note "$2") ;;
    --serve-args) read -r -a serve_args <<< "$2" ;;
    --name) name="$2" ;;
    --skip-build) build=0; shift; continue ;;
    *) echo "error: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
[ -f "$conllu" ] || { echo "error: $conllu: no such file (the EWT test set; --conllu FILE)" >&2; exit 2; }

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"   # as ./multitag sets it, for every JVM here
jar="benchmarks/target/benchmarks.jar"
if [ "$build" = 1 ]; then
  echo "building the command-line and benchmarks jars..." >&2
  mvn -q -B -Dstyle.color=never -Dmaven.test.skip=true -pl cli,benchmarks -am package >&2
fi
bench() { "$java" --add-modules jdk.incubator.vector -cp "$jar" "$@"; }

if [ -z "$model" ]; then
  model="benchmarks/target/serve-model/model"
  if [ ! -f "$model/config.json" ]; then
    echo "training a small MiniLM-L6 tagger into benchmarks/target/serve-model..." >&2
    tmp="benchmarks/target/serve-data"
    mkdir -p "$tmp"
    # The first 400 training and 100 dev sentences (a sentence ends at a blank line).
    awk -v n=400 '{print} /^$/ {if (++s == n) exit}' "$(dirname "$conllu")/en_ewt-ud-train.conllu" > "$tmp/train.conllu"
    awk -v n=100 '{print} /^$/ {if (++s == n) exit}' "$(dirname "$conllu")/en_ewt-ud-dev.conllu" > "$tmp/dev.conllu"
    ./multitag train --model minilm-l6 --train "$tmp/train.conllu" --dev "$tmp/dev.conllu" \
      --out benchmarks/target/serve-model --epochs 1 --threads "$threads" >&2
  fi
fi

cpu_name="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
cpu_slug="$(echo "$cpu_name" | tr 'A-Z' 'a-z' | sed -E 's/\((r|tm)\)//g; s/(processor|cpu|[0-9]+-core).*//; s/[^a-z0-9]+/-/g; s/^-+//; s/-+$//' \
  | cut -d- -f1-2)"
out="benchmarks/results/${cpu_slug:-unknown-cpu}/$(date -u +%F)"
raw="$out/$name-raw"
mkdir -p "$raw"
rm -f "$raw"/level-*.json "$raw"/long-multitag.json "$raw"/inprocess.json "$raw"/floor-multitag.json \
  "$raw/exits.txt"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u +%H:%M)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_server LOG CMD...: starts a server in the background, waits for its "listening on http://HOST:PORT" line;
# sets $url and $pid.
start_server() {
  local log="$1"; shift
  "$@" > "$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do
    url="$(grep -o 'listening on http://[^ ]*' "$log" | head -1 | sed 's/listening on //')" || true
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || { echo "error: server exited, see $log:" >&2; tail -5 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "error: no 'listening on' line after 300 s, see $log" >&2
  exit 1
}
# stop_server PID NAME: SIGTERM (the server drains), waits, records the exit status in exits.txt.
stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  local rc=0
  wait "$1" || rc=$?
  echo "$2 (pid $1): exit status $rc after SIGTERM" | tee -a "$raw/exits.txt" >&2
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
load() { bench org.multitag.benchmarks.LoadClient --model "$model" --conllu "$conllu" --input "$input" "$@"; }

work="benchmarks/target/serve-load"   # the request bodies (derived from EWT: not committed with the results)
mkdir -p "$work"
load --write-inputs "$work/requests.jsonl"
sentences="$(wc -l < "$work/requests.jsonl")"

# 1. Both servers up; each level measured on multitag, then on the ORT peer, so both see the same machine load.
start_server "$raw/multitag-serve.log" ./multitag serve --model "$model" --host 127.0.0.1 --port "$(free_port)" \
  --threads "$threads" "${serve_args[@]}"
mt_url="$url"; mt_pid="$pid"
start_server "$raw/ort-serve.log" "$java" -cp "$jar" org.multitag.benchmarks.OrtTagServer --model "$model" \
  --port "$(free_port)" \
  --threads "$ort_threads" --http-threads "$http_threads"
ort_url="$url"; ort_pid="$pid"
echo "multitag serve at $mt_url (pid $mt_pid), ORT peer at $ort_url (pid $ort_pid)" >&2
# The HTTP round trip alone (an empty GET /health, concurrency 1): the floor under concurrency 1's latency.
load --url "$mt_url" --server "multitag GET /health" --route health --concurrency 1 --warmup-s 3 \
  --duration-s 15 --out "$raw/floor-multitag.json"
for c in ${levels//,/ }; do
  load --url "$mt_url" --server multitag --concurrency "$c" --warmup-s "$warmup" --duration-s "$duration" \
    --pid "$mt_pid" --out "$raw/level-multitag-c$c.json"
  load --url "$ort_url" --server ort-per-request --concurrency "$c" --warmup-s "$warmup" --duration-s "$duration" \
    --pid "$ort_pid" --out "$raw/level-ort-c$c.json"
done
stop_server "$mt_pid" multitag
stop_server "$ort_pid" ort-per-request

# 2. Offline predict over the same request bodies, and over one of them (JVM start and model load, taken off);
# wall time and CPU time (user + system) from bash's time.
head -1 "$work/requests.jsonl" > "$work/one.jsonl"
TIMEFORMAT='%R %U %S'
{ time ./multitag predict --model "$model" --input "$work/one.jsonl" --output "$work/predict-one.jsonl" \
    --threads "$threads" 2>/dev/null; } 2> "$raw/predict-one.time"
{ time ./multitag predict --model "$model" --input "$work/requests.jsonl" --output "$work/predict-all.jsonl" \
    --threads "$threads" 2>/dev/null; } 2> "$raw/predict-all.time"
read -r one_s one_u one_k < "$raw/predict-one.time"
read -r all_s all_u all_k < "$raw/predict-all.time"
one_cpu="$(awk -v a="$one_u" -v b="$one_k" 'BEGIN {printf "%.3f", a + b}')"
all_cpu="$(awk -v a="$all_u" -v b="$all_k" 'BEGIN {printf "%.3f", a + b}')"
rm -f "$work/predict-one.jsonl" "$work/predict-all.jsonl" "$work/one.jsonl"
echo "predict: $sentences sentences in $all_s s ($all_cpu s CPU), one in $one_s s ($one_cpu s CPU)" >&2

# 3. The in-process tagger, one sentence per call (the concurrency-1 latency reference).
bench org.multitag.benchmarks.InProcessLatency --model "$model" --conllu "$conllu" --input "$input" \
  --threads "$threads" --warmup-s "$warmup" --duration-s "$duration" --out "$raw/inprocess.json"

# 4. The long run: a fresh server, RSS after its first 1,000 answers and at the end.
if [ "$long_s" != "0" ]; then
  start_server "$raw/multitag-long.log" ./multitag serve --model "$model" --host 127.0.0.1 --port "$(free_port)" \
    --threads "$threads" "${serve_args[@]}"
  load --url "$url" --server multitag --concurrency "$long_c" --warmup-s 0 --duration-s "$long_s" \
    --max-requests "$long_requests" --pid "$pid" --rss-after 1000 --sample-s 15 --out "$raw/long-multitag.json"
  stop_server "$pid" "multitag (long run)"
fi

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
bench org.multitag.benchmarks.ServeLoadReport --raw "$raw" --out "$out/$name.md" \
  --predict-sentences "$sentences" --predict-seconds "$all_s" --predict-one-seconds "$one_s" \
  --predict-cpu-seconds "$all_cpu" --predict-one-cpu-seconds "$one_cpu" \
  --setup "Run $(date -u +%F) $started-$(date -u +%H:%M) UTC by benchmarks/serve/run.sh; load average (1, 5, 15 min) $load_start at the start, $load_end at the end." \
  --setup "Model: $model (all-MiniLM-L6-v2 encoder + token head); request mix: the $sentences sentences of $(basename "$conllu") as {\"$([ "$input" = text ] && echo text || echo tokens)\": ...} bodies, in one seeded random order." \
  --setup "multitag: \`./multitag serve --threads $threads ${serve_args[*]}\` (the service's defaults otherwise). ORT peer: OrtTagServer, DJL HF tokenizers + ONNX Runtime (ALL_OPT, intra-op threads: $ort_threads, concurrent session.run) on the same encoder exported to ONNX, the token head (sigmoid, thresholds.json, independent decoding) in Java, behind com.sun.net.httpserver with $http_threads request threads." \
  --setup "Client: LoadClient (JDK HttpClient, HTTP/1.1 keep-alive, one platform thread per connection, closed loop), ${warmup} s warm-up and ${duration} s measured per level; latency = send to whole body read; errors = anything but 200 with a prediction body. Server CPU = user + system time of the server process (/proc/PID/stat) over the measured phase, per answered request: unlike throughput, it does not depend on the share of the cores the server got." \
  "${notes[@]}"
echo "wrote $out/$name.md" >&2
