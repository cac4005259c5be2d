#!/usr/bin/env bash
# Follow the README's "Use docctl" section from a clean clone, command for command, in a
# temporary folder: install, init, check, build, revise, approve, publish, list.
# .ci/run runs it, so the README's user section cannot drift from what docctl does.
# (It installs with --debug into a temporary root, reusing target/, to save CI a release build.)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf '\n$ %s\n' "$*"; }

say cargo install --locked --path .
CARGO_TARGET_DIR="$here/target" cargo install --quiet --locked --debug --path "$here" --root "$work/root"
export PATH="$work/root/bin:$PATH"
docctl --version

cd "$work"
say docctl init qms
docctl init qms
cd qms
say docctl check
docctl check
say docctl build
docctl build
test -s output/index.html
test -s output/procedures/QP-7.5-01.pdf
pdftotext output/procedures/QP-7.5-01.pdf - | grep -q 文件控制程序
say docctl publish
docctl publish
test -f published/ledger.json

# The daily loop: change a procedure, sign it, release it.
say docctl revise QP-7.5-01 --minor -m "增加文件评审要求" --by 张三
docctl revise QP-7.5-01 --minor -m "增加文件评审要求" --by 张三
for role in prepared:张三 reviewed:李四 approved:王五; do
  say docctl approve QP-7.5-01 --as "${role%%:*}" --name "${role#*:}"
  docctl approve QP-7.5-01 --as "${role%%:*}" --name "${role#*:}"
done
say docctl check --strict
docctl check --strict
say docctl publish
docctl publish
test -d published/QP-7.5-01/A-1
say docctl list
docctl list
test -s output/lists/受控文件清单.csv
grep -q "A/1" output/lists/受控文件清单.csv
echo
echo "quickstart: every command of the README's user section ran"
