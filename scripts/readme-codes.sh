#!/usr/bin/env bash
# Regenerate the README's table of diagnostic codes, with one example per code (the output of
# `docctl check tests/fixtures/invalid/<code>`), between the codes:start and codes:end markers.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q
python3 - <<'PY'
import re, subprocess
src = open("src/diagnostic.rs").read()
block = src[src.index("pub const CODES"):]
block = block[:block.index("];")]
codes = re.findall(r'\(\s*"([a-z-]+)",\s*Severity::(\w+),\s*"((?:[^"\\]|\\.)*)",?\s*\)', block, re.S)
out = ["| code | severity | what it means |", "|---|---|---|"]
for code, sev, text in codes:
    out.append(f"| `{code}` | {sev.lower()} | {text} |")
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
start, end = "<!-- codes:start -->", "<!-- codes:end -->"
a, b = readme.index(start) + len(start), readme.index(end)
open("README.md", "w").write(readme[:a] + "\n" + "\n".join(out) + "\n" + readme[b:])
print(f"{len(codes)} codes")
PY
