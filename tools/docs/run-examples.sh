#!/usr/bin/env bash
# Runs the shell examples of README.md and docs/*.md as written, from a fresh clone of this repository's HEAD in a
# temporary folder, and stops at the first one that fails, naming the file and line of its block.
#
# Which blocks run: every fenced ```bash block, unless the line right before its opening fence is a marker:
#   <!-- no-run: REASON -->   never run here (needs ../shared, a cluster, a running server, hours, or writes outside
#                             the clone); listed at the end as skipped, with its reason
#   <!-- slow -->             runs only with --slow (training or building: minutes each on 2 cores)
# Other fences (```java, ```xml, plain ```) are not commands and are never run.
#
# Blocks run in order (README.md first, then docs/*.md by name), each as one script in the clone's root, so a block
# may use what an earlier one wrote: the docs pages may use the README quick start's runs/brown, so name README.md
# first when naming files. Each block runs under `bash -e` without pipefail: `zcat big.gz | head` is a correct
# command whose first half dies of SIGPIPE.
#
# The clone is of the commit checked out here (uncommitted changes are not in it). It shares ~/.m2 and the model
# cache (~/.cache/multitag, or $MULTITAG_HOME) with this machine, so models imported before are not fetched again.
#
# Before running anything it checks that every relative link of those files (and CHANGELOG.md) and its #anchor
# resolve (python3).
#
# Usage: tools/docs/run-examples.sh [--slow] [--list] [--keep] [--no-links] [FILE.md ...]
#   --slow    also run the blocks marked <!-- slow -->
#   --list    print every block and what would happen to it; run nothing
#   --keep    keep the temporary clone (its path is printed at the end)
#   --no-links  skip the link check
#   FILE.md   only these files (paths from the repository root), in the order given
# Exit code: 0 when every block that ran succeeded, 1 at the first failure, 2 for bad arguments.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

slow=false list=false keep=false links=true files=()
for arg in "$@"; do
  case "$arg" in
    --slow) slow=true ;;
    --list) list=true ;;
    --keep) keep=true ;;
    --no-links) links=false ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option $arg (see --help)" >&2; exit 2 ;;
    *) [ -f "$root/$arg" ] || { echo "error: $arg: no such file under $root" >&2; exit 2; }; files+=("$arg") ;;
  esac
done
if [ ${#files[@]} -eq 0 ]; then
  files=(README.md)
  while IFS= read -r f; do files+=("$f"); done < <(cd "$root" && ls docs/*.md 2>/dev/null | sort)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/multitag-examples.XXXXXX")"
cleanup() { if $keep; then echo "run-examples: clone kept in $work/multitag" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT

# Cut the blocks out of the files as checked out here (the clone has the same committed text): one script per block
# and one index line "N<TAB>FILE<TAB>LINE<TAB>MARK<TAB>REASON" (MARK: run | slow | no-run).
mkdir -p "$work/blocks"
n=0
for f in "${files[@]}"; do
  awk -v file="$f" -v dir="$work/blocks" -v start="$n" '
    function flush() { close(out) }
    BEGIN { n = start; inblock = 0; prev = "" }
    {
      if (!inblock && $0 ~ /^```bash[ \t]*$/) {
        n++; inblock = 1; out = sprintf("%s/%04d.sh", dir, n)
        mark = "run"; reason = ""
        if (prev ~ /^<!-- *no-run/) {
          mark = "no-run"; reason = prev
          sub(/^<!-- *no-run:? */, "", reason); sub(/ *-->.*$/, "", reason)
        }
        else if (prev ~ /^<!-- *slow *-->/) { mark = "slow" }
        printf "%d\t%s\t%d\t%s\t%s\n", n, file, NR, mark, reason >> (dir "/index.tsv")
        printf "" > out
      } else if (inblock && $0 ~ /^```[ \t]*$/) {
        inblock = 0; flush()
      } else if (inblock) {
        print > out
      }
      prev = $0
    }
    END {
      if (inblock) { printf "error: %s: a ```bash block is never closed\n", file > "/dev/stderr"; exit 3 }
      print n > (dir "/count")
    }
  ' "$root/$f" || { echo "error: $f: could not read its blocks" >&2; exit 2; }
  n=$(cat "$work/blocks/count")
done
touch "$work/blocks/index.tsv"

if $list; then
  while IFS=$'\t' read -r i f line mark reason; do
    case "$mark" in
      run) what="runs" ;;
      slow) if $slow; then what="runs (slow)"; else what="skipped: slow (run with --slow)"; fi ;;
      no-run) what="skipped: $reason" ;;
    esac
    printf '%s:%s  %s\n' "$f" "$line" "$what"
    sed 's/^/    /' "$work/blocks/$(printf %04d "$i").sh"
  done < "$work/blocks/index.tsv"
  exit 0
fi

if $links; then
  # Relative links and their #anchors (GitHub's heading slugs) must resolve, before anything runs.
  if ! (cd "$root" && python3 - "${files[@]}" CHANGELOG.md <<'PY'
import os, re, sys
def slug(h):
    return re.sub(r'[^\w\- ]', '', h.strip().lower()).replace(' ', '-')
def headings(path):
    text = re.sub(r'```.*?```', '', open(path, encoding='utf-8').read(), flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r'^#+ (.*)$', text, re.M)}
bad = 0
for f in dict.fromkeys(a for a in sys.argv[1:] if os.path.exists(a)):
    for n, line in enumerate(open(f, encoding='utf-8'), 1):
        for target in re.findall(r'\]\(([^)\s]+)\)', line):
            if re.match(r'[a-z]+:', target):
                continue
            path, _, anchor = target.partition('#')
            dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
            if not os.path.exists(dest):
                print(f'{f}:{n}: link to {target}: {dest} does not exist'); bad += 1
            elif anchor and dest.endswith('.md') and anchor not in headings(dest):
                print(f'{f}:{n}: link to {target}: no heading #{anchor} in {dest}'); bad += 1
sys.exit(1 if bad else 0)
PY
  ); then
    echo "run-examples: FAILED: broken links above (--no-links skips this check)" >&2
    exit 1
  fi
fi

commit="$(git -C "$root" rev-parse HEAD)"
if [ -n "$(git -C "$root" status --porcelain -- "${files[@]}" 2>/dev/null)" ]; then
  echo "run-examples: note: uncommitted changes to the docs are not in the clone (it runs $commit)" >&2
fi
echo "run-examples: cloning $commit into $work/multitag" >&2
git clone -q --no-checkout "$root" "$work/multitag"
git -C "$work/multitag" checkout -q "$commit"

ran=0 skipped=()
while IFS=$'\t' read -r i f line mark reason; do
  script="$work/blocks/$(printf %04d "$i").sh"
  if [ "$mark" = no-run ]; then skipped+=("$f:$line  ($reason)"); continue; fi
  if [ "$mark" = slow ] && ! $slow; then skipped+=("$f:$line  (slow: run with --slow)"); continue; fi
  echo "=== $f:$line" >&2
  sed 's/^/  $ /' "$script" >&2
  start=$(date +%s)
  if (cd "$work/multitag" && bash -e "$script" < /dev/null); then
    echo "--- ok, $(( $(date +%s) - start )) s" >&2
    ran=$((ran + 1))
  else
    code=$?
    echo "run-examples: FAILED: $f:$line (exit $code, after $(( $(date +%s) - start )) s);" \
      "$ran block(s) passed before it" >&2
    keep=true
    exit 1
  fi
done < "$work/blocks/index.tsv"

echo "run-examples: $ran block(s) ran and passed; ${#skipped[@]} skipped:" >&2
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "  $s" >&2; done
