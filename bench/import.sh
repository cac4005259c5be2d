#!/usr/bin/env bash
# Benchmark `docctl import` on the test corpus (tests/fixtures/import: 11 .docx, 16 .md and the
# seed) copied 20 times: one run over all 560 files, three times. Prints wall time and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${COPIES:-20}
work=${WORK:-/tmp/docctl-bench-import}
cargo build --release -q
rm -rf "$work" && mkdir -p "$work/in"
for n in $(seq -w 1 "$copies"); do
  for f in tests/fixtures/import/docx/*.docx tests/fixtures/import/md/*.md tests/fixtures/import/000_*.txt; do
    base=$(basename "$f")
    cp "$f" "$work/in/${n}_${base}"
  done
done
files=$(ls "$work/in" | wc -l)
bytes=$(du -sb "$work/in" | cut -f1)
echo "import of $files files ($bytes bytes), corpus ×$copies (3 runs):"
for _ in 1 2 3; do
  rm -rf "$work/out"
  /usr/bin/time -f "  %e s wall, %M KB peak" target/release/docctl import "$work"/in/* -o "$work/out" \
    >/dev/null 2>"$work/err" || true
  tail -1 "$work/err"
done
echo "  $(ls "$work/out" | wc -l) YAML files written; $(grep -c 'coverage: 100.0 %' "$work/err" || true) files at 100 % coverage"
