#!/usr/bin/env bash
# Benchmark PDF output both ways, in one run, on the same sets:
#   one typst process per document (`docctl build --no-bundle`, the old path) against
#   many documents per typst process (bundles, the default),
# for the shipped set and for a generated set of 200 procedures + 100 forms.
# Each build starts from an empty output folder (`--to pdf`, -j = the number of CPUs) and is
# run twice per way; the faster of the two counts. Prints wall time, the peak memory of the
# whole process tree (docctl and every typst it runs, summed, sampled every 50 ms) and the
# largest single process (`/usr/bin/time -v`), then the ratio, and how many PDFs are
# byte-identical both ways. A no-change rebuild follows.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/docctl
today=2026-11-27

# measure CMD… → "WALL_S TREE_MB PROC_MB CPU_S" (CPU: user + system of docctl and every typst)
measure() {
  local log
  log=$(mktemp)
  local start end peak=0 sum
  start=$(date +%s.%N)
  setsid /usr/bin/time -v "$@" >/dev/null 2>"$log" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    # ps fails once the session is gone (the loop then ends).
    sum=$({ ps -o rss= --sid "$pid" 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}')
    if ((sum > peak)); then peak=$sum; fi
    sleep 0.05
  done
  if ! wait "$pid"; then
    cat "$log" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  local proc cpu
  proc=$(awk -F: '/Maximum resident set size/ {print $2}' "$log")
  cpu=$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$log")
  rm -f "$log"
  echo "$(echo "$end - $start" | bc) $((peak / 1024)) $((proc / 1024)) $cpu"
}

# best SET OUT EXTRA… → the faster of two full builds from an empty output folder
best() {
  local set=$1 out=$2
  shift 2
  local a b
  rm -rf "$out"
  a=$(measure "$bin" build "$set" --out "$out" --to pdf --today "$today" "$@")
  rm -rf "$out"
  b=$(measure "$bin" build "$set" --out "$out" --to pdf --today "$today" "$@")
  if (($(echo "${a%% *} <= ${b%% *}" | bc))); then echo "$a"; else echo "$b"; fi
}

compare() {
  local label=$1 set=$2 out=$3
  local old new
  old=$(best "$set" "$out-old" --no-bundle)
  new=$(best "$set" "$out-new")
  read -r old_s old_tree old_proc old_cpu <<<"$old"
  read -r new_s new_tree new_proc new_cpu <<<"$new"
  local total same=0 pdf
  total=$(cd "$out-old" && find procedures forms -name '*.pdf' | wc -l)
  for pdf in $(cd "$out-old" && find procedures forms -name '*.pdf'); do
    if cmp -s "$out-old/$pdf" "$out-new/$pdf"; then same=$((same + 1)); fi
  done
  echo "== $label: $total PDFs, $same of them byte-identical both ways"
  printf '  one process per document: %6.2f s wall, %6.2f s CPU, peak %4d MB (tree), %4d MB (largest process)\n' "$old_s" "$old_cpu" "$old_tree" "$old_proc"
  printf '  bundles:                  %6.2f s wall, %6.2f s CPU, peak %4d MB (tree), %4d MB (largest process)\n' "$new_s" "$new_cpu" "$new_tree" "$new_proc"
  printf '  ratio: %.2fx faster (wall), %.2fx less CPU\n' "$(echo "scale=4; $old_s / $new_s" | bc)" "$(echo "scale=4; $old_cpu / $new_cpu" | bc)"
  local again
  again=$(measure "$bin" build "$set" --out "$out-new" --to pdf --today "$today")
  read -r again_s _ _ again_cpu <<<"$again"
  printf '  no-change rebuild (bundles): %.2f s wall, %.2f s CPU\n' "$again_s" "$again_cpu"
}

compare "shipped set" . /tmp/docctl-pdfbench-shipped
python3 bench/gen_corpus.py /tmp/docctl-pdfbench-300 --procedures 200 --forms 100 >/dev/null
compare "generated: 200 procedures + 100 forms" /tmp/docctl-pdfbench-300 /tmp/docctl-pdfbench-300
