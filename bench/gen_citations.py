#!/usr/bin/env python3
"""Generate a set whose one procedure holds N 《…》 citations in one step (default 100,000), plus
plain-text mentions, for the linear-scanning benchmark (issue 11, item 5).

usage: gen_citations.py OUT [--citations 100000]
"""
import argparse, os, shutil

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--citations", type=int, default=100000)
args = parser.parse_args()
out = args.out
if os.path.exists(out):
    shutil.rmtree(out)
os.makedirs(f"{out}/procedures")
with open(f"{out}/docctl.yaml", "w") as f:
    f.write("company: 基准测试有限公司\ndepartments: [品质部]\nversion_scheme: letter-number\n")
head = """id: {id}
title: {title}
version: A/0
status: draft
owner: 品质部
purpose: 基准。
scope: 基准。
responsibilities:
  - {{department: 品质部, duties: 执行。}}
"""
titles = [f"基准引用管理程序{k:02d}" for k in range(10)]
for k, t in enumerate(titles):
    with open(f"{out}/procedures/B-{k:02d}.yaml", "w") as f:
        f.write(head.format(id=f"B-{k:02d}", title=t))
        f.write("steps:\n  - text: 按要求执行。\n")
parts = []
for n in range(args.citations):
    t = titles[n % len(titles)]
    # Every tenth a plain mention (按…执行), the rest in 《》.
    parts.append(f"按{t}执行," if n % 10 == 9 else f"《{t}》,")
with open(f"{out}/procedures/MANY.yaml", "w") as f:
    f.write(head.format(id="MANY", title="大量引用管理程序"))
    f.write("steps:\n  - text: \"" + "".join(parts) + "\"\n")
    f.write("related: [" + ", ".join(f"《{t}》" for t in titles) + "]\n")
