#!/usr/bin/env bash
# Regenerate the README's tables of diagnostic codes from src/codes.tsv (the rows of the `Code`
# enum): check's codes, with one example per code (the output of
# `docctl check tests/fixtures/invalid/<code>`), between the codes:start and codes:end markers,
# and import's codes between import-codes:start and import-codes:end. The test
# `readme_code_tables_match_the_code_enum` (tests/check.rs) fails when they disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
python3 - <<'PY'
import re, subprocess
rows = [l.rstrip("\n").split("\t") for l in open("src/codes.tsv") if l.strip() and not l.startswith("#")]
def family(name):
    return [(code, sev, text) for fam, code, sev, text in rows if fam == name]
def table(codes):
    out = ["| code | severity | what it means |", "|---|---|---|"]
    for code, sev, text in codes:
        out.append(f"| `{code}` | {sev} | {text} |")
    return out
codes = family("check")
out = table(codes)
out += ["", "<details><summary>An example of every code (the output of <code>docctl check tests/fixtures/invalid/&lt;code&gt;</code>)</summary>", ""]
for code, _, _ in codes:
    folder = f"tests/fixtures/invalid/{code}"
    expect = open(f"{folder}/expect.txt").read()
    args = ["--today", "2026-11-27"]
    for line in expect.splitlines():
        if line.startswith("# args:"):
            args = line[len("# args:"):].split()
    run = subprocess.run(["target/debug/docctl", "check", folder, *args], capture_output=True, text=True)
    keep, blocks, current = False, [], []
    for line in run.stderr.splitlines():
        if re.match(r"^(error|warning|info)\[", line):
            keep = f"[{code}]" in line
        if line.startswith("checked "):
            keep = False
        if keep:
            blocks.append(line)
    text = "\n".join(blocks).strip()
    text = re.sub(r"\n\n+", "\n\n", text)
    out += [f"#### `{code}`", "", "```text", text, "```", ""]
out.append("</details>")
readme = open("README.md").read()
def replace(readme, marker, lines):
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    a, b = readme.index(start) + len(start), readme.index(end)
    return readme[:a] + "\n" + "\n".join(lines) + "\n" + readme[b:]
readme = replace(readme, "codes", out)
readme = replace(readme, "import-codes", table(family("import")))
open("README.md", "w").write(readme)
print(f"{len(codes)} codes")
PY
