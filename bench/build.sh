#!/usr/bin/env bash
# Benchmark `docctl build`:
#  1. the shipped set: full PDF+HTML+MD build, then a no-change rebuild;
#  2. a generated set of 200 procedures: the same, plus docctl's per-document cost against a
#     bare `typst compile` of the same .typ files (both one at a time, -j 1);
#  3. HTML + Markdown of the generated 1,000-procedure + 2,000-form set.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/docctl
t() { /usr/bin/time -f "%e s wall, %M KB peak" "$@" 2>&1 >/dev/null | tail -1; }

echo "== shipped set ($(ls procedures forms | grep -c yaml) documents)"
rm -rf /tmp/docctl-shipped
echo "full build:      $(t $bin build . --out /tmp/docctl-shipped --today 2026-11-27)"
echo "no-change build: $(t $bin build . --out /tmp/docctl-shipped --today 2026-11-27)"

echo "== generated: 200 procedures"
python3 bench/gen_corpus.py /tmp/docctl-200 --procedures 200 --forms 0 >/dev/null
rm -rf /tmp/docctl-200-out
echo "full build (-j 2):  $(t $bin build /tmp/docctl-200 --out /tmp/docctl-200-out --today 2026-11-27)"
echo "no-change build:    $(t $bin build /tmp/docctl-200 --out /tmp/docctl-200-out --today 2026-11-27)"
rm -rf /tmp/docctl-200-out
start=$(date +%s.%N)
$bin build /tmp/docctl-200 --out /tmp/docctl-200-out --to pdf --today 2026-11-27 -j 1 2>/dev/null
docctl_s=$(echo "$(date +%s.%N) - $start" | bc)
fonts=/tmp/docctl-200-out/.docctl/fonts
start=$(date +%s.%N)
for typ in /tmp/docctl-200-out/procedures/*.typ; do
  typst compile --root "$(dirname "$typ")" --ignore-system-fonts --font-path "$fonts" --creation-timestamp 1788220800 "$typ" /tmp/docctl-bare.pdf
done
bare_s=$(echo "$(date +%s.%N) - $start" | bc)
echo "PDF only, one at a time: docctl ${docctl_s} s, bare typst ${bare_s} s for 200 documents"
echo "overhead: $(echo "scale=1; ($docctl_s - $bare_s) * 100 / $bare_s" | bc) %"

echo "== generated: 1,000 procedures + 2,000 forms, HTML + Markdown"
python3 bench/gen_corpus.py /tmp/docctl-bench >/dev/null
rm -rf /tmp/docctl-bench-out
echo "html,md build: $(t $bin build /tmp/docctl-bench --to html,md --out /tmp/docctl-bench-out --today 2026-11-27)"
