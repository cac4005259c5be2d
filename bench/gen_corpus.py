#!/usr/bin/env python3
"""Generate a benchmark documentation set: N procedures and M forms, ~15 references per
procedure (other procedures and forms, cited in step texts and listed in related/records).

usage: gen_corpus.py OUT [--procedures 1000] [--forms 2000] [--refs 15]
"""
import argparse, os, random, shutil

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--procedures", type=int, default=1000)
parser.add_argument("--forms", type=int, default=2000)
parser.add_argument("--refs", type=int, default=15)
args = parser.parse_args()

rng = random.Random(42)
out = args.out
if os.path.exists(out):
    shutil.rmtree(out)
os.makedirs(f"{out}/procedures/p")
os.makedirs(f"{out}/forms/f")
depts = ["总经理", "管理者代表", "业务部", "品质部", "生产部", "技术部", "研发部", "采购部", "仓库", "行政部"]
words = "顾客 投诉 纠正 预防 措施 记录 检验 产品 订单 合同 评审 沟通 信息 反馈 分析 改进 供方 设备 培训 文件".split()

with open(f"{out}/docctl.yaml", "w") as f:
    f.write("company: 基准测试有限公司\nsystem: 质量管理体系程序文件\n")
    f.write("departments: [" + ", ".join(depts) + "]\n")
    f.write("department_aliases: {品管部: 品质部}\nversion_scheme: letter-number\nreview_months: 12\n")

def ptitle(i): return "".join(random.Random(i).sample(words, 3)) + f"管理程序{i:04d}"
def ftitle(j): return "".join(random.Random(100000 + j).sample(words, 2)) + f"记录表{j:04d}"
titles = [ptitle(i) for i in range(args.procedures)]
ftitles = [ftitle(j) for j in range(args.forms)]
forms_of = {i: [] for i in range(args.procedures)}
for j in range(args.forms):
    forms_of[j % args.procedures].append(j)

approval = """approval:
  prepared: {name: 张三, date: 2026-08-20}
  reviewed: {name: 李四, date: 2026-08-22}
  approved: {name: 王五, date: 2026-08-25}
"""
for i in range(args.procedures):
    own = forms_of[i]
    n_proc = max(0, args.refs - len(own))
    cited = rng.sample([k for k in range(args.procedures) if k != i], n_proc) if args.procedures > n_proc else []
    steps = []
    for k, c in enumerate(cited):
        steps.append(f"  - title: 步骤{k}\n    by: {depts[k % len(depts)]}\n    text: >-\n      "
                     f"{''.join(rng.sample(words, 6))},按《{titles[c]}》的要求执行,\n      "
                     f"并将结果反馈给{depts[(k + 1) % len(depts)]}。")
    for j in own:
        steps.append(f"  - text: 结果记录在《{ftitles[j]}》上。")
    with open(f"{out}/procedures/p/QP-{i:04d}.yaml", "w") as f:
        f.write(f"id: QP-{i:04d}\ntitle: {titles[i]}\nversion: A/0\nstatus: effective\neffective: 2026-09-01\n")
        f.write(f"owner: {depts[i % len(depts)]}\n{approval}distribution: [{', '.join(depts[:4])}]\n")
        f.write(f"purpose: 规范{titles[i]}的管理。\nscope: 适用于公司各部门。\nresponsibilities:\n")
        for d in depts[:3]:
            f.write(f"  - {{department: {d}, duties: 负责本部门相关工作。}}\n")
        f.write("steps:\n" + "\n".join(steps) + "\n")
        if cited:
            f.write("related: [" + ", ".join(f"《{titles[c]}》" for c in cited) + "]\n")
        if own:
            f.write("records:\n" + "".join(f"  - {{form: 《{ftitles[j]}》, keeper: 品质部, retention: 3年}}\n" for j in own))
        f.write("history:\n  - {version: A/0, date: 2026-09-01, change: 首次发行, by: 张三}\n")
for j in range(args.forms):
    with open(f"{out}/forms/f/QR-{j:04d}.yaml", "w") as f:
        f.write(f"id: QR-{j:04d}\ntitle: {ftitles[j]}\nversion: A/0\nstatus: effective\neffective: 2026-09-01\n")
        f.write(f"owner: 品质部\nprocedure: 《{titles[j % args.procedures]}》\nretention: 3年\nlayout: register\nrows: 15\n")
        f.write(f"{approval}history:\n  - {{version: A/0, date: 2026-09-01, change: 首次发行, by: 张三}}\n")
        f.write("fields:\n  - {key: date, label: 日期, type: date, required: true}\n"
                "  - {key: item, label: 项目, type: text}\n  - {key: result, label: 结果, type: choice, options: [合格, 不合格]}\n"
                "  - {key: note, label: 备注, type: textarea, lines: 2}\n  - {key: by, label: 记录人, type: signature}\n")
print(f"wrote {args.procedures} procedures and {args.forms} forms to {out}")
