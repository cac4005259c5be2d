#!/usr/bin/env bash
# Benchmark `docctl check` on a generated set of 1,000 procedures and 2,000 forms
# (~15 references per procedure). Prints wall time and peak memory of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${CORPUS:-/tmp/docctl-bench}
cargo build --release -q
python3 bench/gen_corpus.py "$corpus" --procedures "${PROCEDURES:-1000}" --forms "${FORMS:-2000}"
bin=target/release/docctl
measure() { /usr/bin/time -f "  %e s wall, %M KB peak" "$@" >/dev/null 2>/tmp/docctl-bench.err || true; tail -1 /tmp/docctl-bench.err; }
echo "check (3 runs):"
for _ in 1 2 3; do measure $bin check "$corpus" --today 2026-11-27 --format json; done
# The CI gate: the same set with a ledger that releases every document as it is, so that
# `check` hashes the canonical content of all 3,000 and compares it with the ledger.
cargo build --release -q --example bench_ledger
target/release/examples/bench_ledger "$corpus"
echo "check with a ledger of 3,000 releases (3 runs):"
for _ in 1 2 3; do measure $bin check "$corpus" --today 2026-11-27 --format json; done
rm -f "$corpus/published/ledger.json"
