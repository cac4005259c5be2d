//! The quality manual (质量手册, `manual/`) and work instructions (作业指导书, `instructions/`):
//! their PDFs, HTML and Markdown, their numbering, citing them, the master list, publishing
//! and revising them, the clause matrix they complete, and both kinds in an English set.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{build, check_json, copy_dir, docctl, found, pages, pdftotext, repo, run_in};

/// Copy the shipped set (the repository root's docctl.yaml and document folders) into a
/// temporary folder.
fn shipped_set() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("set");
    for folder in ["procedures", "forms", "manual", "instructions"] {
        copy_dir(&repo().join(folder), &set.join(folder));
    }
    fs::copy(repo().join("docctl.yaml"), set.join("docctl.yaml")).unwrap();
    (dir, set)
}

fn built(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Build a set made by `make` to `to` (pdf, html,md …); return its folder and the output folder.
fn build_to(
    make: fn() -> (tempfile::TempDir, PathBuf),
    to: &str,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (dir, set) = make();
    let out = dir.path().join("out");
    built(&build(&set, &out, &["--to", to]));
    (dir, set, out)
}

/// Text without white space: pdftotext puts spaces and line breaks where the layout has them.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_work_instruction_and_the_manual_build_to_controlled_pdfs() {
    let (_dir, _set, out) = build_to(shipped_set, "pdf");

    let wi = out.join("instructions/WI-PRD-01.pdf");
    let n = pages(&wi);
    assert!(n >= 2, "the instruction has {n} page(s)");
    let first = squeezed(&pdftotext(&wi, Some(1)));
    for word in [
        "数控车床操作指导书",
        "WI-PRD-01",
        "第1页共",
        "编制",
        "孙志刚",
        "修订记录",
        "受控文件",
        "1目的",
        "2适用范围",
        "4设备、工装与材料",
        "CK6150",
        "5作业步骤",
        "5.3.1",
        "《工艺设计管理程序》",
    ] {
        assert!(first.contains(word), "page 1 lacks {word}: {first}");
    }
    assert!(first.contains(&format!("第1页共{n}页")), "{first}");
    let all = squeezed(&pdftotext(&wi, None));
    for word in [
        "6安全注意事项",
        "7质量要点",
        "8相关文件",
        "(QP-8.3-01)",
        "《不合格品控制程序》",
        "9记录",
    ] {
        assert!(all.contains(word), "the instruction lacks {word}");
    }
    let last = squeezed(&pdftotext(&wi, Some(n)));
    assert!(last.contains(&format!("第{n}页共{n}页")), "{last}");

    let qm = out.join("manual/QM-01.pdf");
    let n = pages(&qm);
    assert!(n >= 4, "the manual has {n} page(s)");
    let first = squeezed(&pdftotext(&qm, Some(1)));
    for word in [
        "质量手册",
        "QM-01",
        &format!("第1页共{n}页"),
        "颁布令",
        "质量方针",
    ] {
        assert!(first.contains(word), "page 1 lacks {word}: {first}");
    }
    let all = squeezed(&pdftotext(&qm, None));
    for word in [
        "目录",
        "4组织环境",
        "4.1理解组织及其环境",
        "5领导作用",
        "10改进",
        "相关程序：《顾客沟通管理程序》(QP-8.2-01)",
        "《数控车床操作指导书》(WI-PRD-01)",
    ] {
        assert!(all.contains(word), "the manual lacks {word}");
    }
    // The contents list this manual's chapters only, though the set is compiled in one typst
    // run with the procedures (whose headings are 1 目的 … 7 记录).
    assert!(
        !all.contains("工作程序"),
        "another document's heading: {all}"
    );
}

#[test]
fn html_and_markdown_of_the_manual_and_an_instruction() {
    let (_dir, _set, out) = build_to(shipped_set, "html,md");

    let wi = fs::read_to_string(out.join("instructions/WI-PRD-01.html")).unwrap();
    for part in [
        "<title>WI-PRD-01 数控车床操作指导书</title>",
        r#"<h2 id="equipment">4 设备、工装与材料</h2>"#,
        r#"<h2 id="steps">5 作业步骤</h2>"#,
        r#"id="s5.3.1""#,
        r#"<h2 id="safety">6 安全注意事项</h2>"#,
        r#"<h2 id="quality">7 质量要点</h2>"#,
        r#"href="../procedures/QP-8.3-01.html""#,
    ] {
        assert!(wi.contains(part), "instruction page lacks {part}");
    }
    // Cited by the manual (被引用), at the chapters that name it.
    assert!(wi.contains("QM-01 《质量手册》"), "{wi}");
    assert!(wi.contains("质量手册 7.1、8.5"), "{wi}");

    let qm = fs::read_to_string(out.join("manual/QM-01.html")).unwrap();
    for part in [
        r#"<h2 id="contents">目录</h2>"#,
        r#"<h2 id="c4">4 组织环境</h2>"#,
        r#"<h3 id="c4.2">4.2 理解相关方的需求和期望</h3>"#,
        r#"href="../instructions/WI-PRD-01.html""#,
        r#"href="../procedures/QP-8.2-01.html""#,
        "<strong>相关程序：</strong>",
    ] {
        assert!(qm.contains(part), "manual page lacks {part}");
    }

    let md = fs::read_to_string(out.join("instructions/WI-PRD-01.md")).unwrap();
    for part in [
        "# 数控车床操作指导书",
        "| WI-PRD-01 | A/0 |",
        "## 5 作业步骤",
        "- **5.1** **开机前点检**",
        "  - **5.3.1**",
        "- 6.1 操作时必须穿工作服",
        "| 1 | 数控车床 | CK6150 |",
    ] {
        assert!(
            md.contains(part),
            "instruction Markdown lacks {part}:\n{md}"
        );
    }
    let md = fs::read_to_string(out.join("manual/QM-01.md")).unwrap();
    for part in [
        "# 质量手册",
        "\n## 4 组织环境\n",
        "\n### 4.1 理解组织及其环境\n",
        "**相关程序**：[《合同评审程序》](../procedures/QP-8.2-11.md)",
    ] {
        assert!(md.contains(part), "manual Markdown lacks {part}:\n{md}");
    }

    // The portal lists both kinds with their kind words.
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let kinds: Vec<(String, String)> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
            )
        })
        .filter(|(id, _)| id == "QM-01" || id == "WI-PRD-01")
        .collect();
    assert_eq!(
        kinds,
        [
            ("QM-01".to_owned(), "manual".to_owned()),
            ("WI-PRD-01".to_owned(), "instruction".to_owned())
        ]
    );
}

#[test]
fn the_shipped_sets_clause_matrix_covers_clauses_4_and_5() {
    let (code, json) = check_json(&repo(), &["--strict", "--today", "2026-11-27"]);
    assert_eq!(found(&json), vec![], "the shipped set is strict-clean");
    assert_eq!(code, 0);

    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("out");
    built(&build(&repo(), &out, &["--to", "html"]));
    let csv = fs::read_to_string(out.join("coverage.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |id: &str| head.iter().position(|h| *h == id).unwrap();
    let (qm, wi) = (column("QM-01"), column("WI-PRD-01"));
    for clause in ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3"] {
        let row: Vec<&str> = csv
            .lines()
            .find(|l| l.starts_with(&format!("{clause},")))
            .unwrap()
            .split(',')
            .collect();
        assert_eq!(row.last(), Some(&"已覆盖"), "{clause}: {row:?}");
        assert_eq!(row[qm], "●", "the manual's chapter {clause}");
    }
    // The instruction serves the clauses it lists (8.5.1 → 8.5).
    let row = csv.lines().find(|l| l.starts_with("8.5,")).unwrap();
    assert_eq!(row.split(',').nth(wi), Some("●"), "{row}");
    let html = fs::read_to_string(out.join("coverage.html")).unwrap();
    assert!(!html.contains("uncovered\" data-clause=\"4."), "{html}");
    assert!(!html.contains("uncovered\" data-clause=\"5."), "{html}");
}

#[test]
fn numbers_follow_the_numbering_of_their_kind() {
    let (_, json) = check_json(
        &common::fixture("invalid/id-format"),
        &["--today", "2026-11-27"],
    );
    let messages: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "id-format")
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_owned(),
                d["help"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "number `WI-PRD-01` carries the code `PRD` (生产部), but the owner is 品质部 (`QA`)"
                    .to_owned(),
                "number it with the owner's code, e.g. `WI-QA-01`".to_owned()
            ),
            (
                "number `QM-1` does not follow the numbering of a quality manual (`QM-{nn}`)"
                    .to_owned(),
                "write numbers like `QM-01` (numbering.manual in docctl.yaml)".to_owned()
            ),
        ]
    );

    // Patterns are configurable per kind; a procedure pattern checks procedures too, and a
    // pattern with an unknown placeholder is a mistake in docctl.yaml.
    let (_dir, set) = shipped_set();
    let config = fs::read_to_string(set.join("docctl.yaml")).unwrap().replace(
        "numbering:                # 文件编号: QM-01 (质量手册), WI-<部门代码>-01 (作业指导书)\n",
        "numbering:\n  instruction: \"ZY-{dept}-{nnn}\"\n  procedure: \"QP-{clause}-{nn}\"\n",
    );
    assert!(config.contains("ZY-{dept}"));
    fs::write(set.join("docctl.yaml"), config).unwrap();
    let (code, json) = check_json(&set, &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let codes: Vec<(String, String)> = found(&json).into_iter().map(|f| (f.code, f.file)).collect();
    assert_eq!(
        codes,
        [("invalid-value".to_owned(), "docctl.yaml".to_owned())],
        "{json:#}"
    );
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown placeholder `{nnn}`")
    );
    let config = fs::read_to_string(set.join("docctl.yaml"))
        .unwrap()
        .replace("{nnn}", "{nn}");
    fs::write(set.join("docctl.yaml"), config).unwrap();
    let (_, json) = check_json(&set, &["--today", "2026-11-27"]);
    let files: Vec<String> = found(&json)
        .into_iter()
        .filter(|f| f.code == "id-format")
        .map(|f| f.file)
        .collect();
    assert_eq!(files, ["instructions/WI-PRD-01.yaml"], "{json:#}");
}

#[test]
fn the_manual_and_an_instruction_are_cited_listed_and_referenced() {
    // QP-7.5-01 lists 《质量手册》; the manual cites procedures and the instruction.
    let out = docctl().args(["refs", "QM-01", "--json"]).output().unwrap();
    assert!(out.status.success());
    let refs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = refs.to_string();
    assert!(text.contains("\"WI-PRD-01\""), "{text}");
    assert!(text.contains("\"QP-7.5-01\""), "{text}");

    // A misspelt title of the instruction is offered the right one.
    let (_dir, set) = shipped_set();
    let path = set.join("procedures/QP-8.7-01.yaml");
    let text = fs::read_to_string(&path).unwrap().replacen(
        "检验中发现的不合格品，",
        "检验中（见《数控车床操做指导书》）发现的不合格品，",
        1,
    );
    assert!(text.contains("操做"));
    fs::write(&path, text).unwrap();
    let (_, json) = check_json(&set, &["--today", "2026-11-27"]);
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ref-unresolved")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(d["help"], "did you mean 《数控车床操作指导书》?");

    // The master list puts the manual first and the instruction after the procedures.
    let (_dir, set) = shipped_set();
    run_in(&set, &["list", "--today", "2026-11-27"]);
    let csv = fs::read_to_string(set.join("output/lists/受控文件清单.csv")).unwrap();
    let ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(ids[0], "QM-01");
    let wi = ids.iter().position(|id| *id == "WI-PRD-01").unwrap();
    assert!(ids[1..wi].iter().all(|id| id.starts_with("QP-")), "{ids:?}");
    assert!(
        ids[wi + 1..].iter().all(|id| id.starts_with("QR-")),
        "{ids:?}"
    );
}

fn ledger_kinds(set: &Path) -> Vec<(String, String)> {
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    ledger["documents"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, _)| id.starts_with("QM") || id.starts_with("WI"))
        .map(|(id, d)| (id.clone(), d["kind"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn publish_revise_approve_and_diff_an_instruction() {
    let (_dir, set) = shipped_set();
    run_in(&set, &["publish", "--date", "2026-12-01"]);
    assert_eq!(
        ledger_kinds(&set),
        [
            ("QM-01".to_owned(), "manual".to_owned()),
            ("WI-PRD-01".to_owned(), "instruction".to_owned())
        ]
    );
    assert!(set.join("published/WI-PRD-01/A-0/WI-PRD-01.pdf").is_file());
    let (code, _) = check_json(&set, &["--strict", "--today", "2026-12-02"]);
    assert_eq!(code, 0, "the released set is clean");

    // Editing the released instruction without a revision is caught …
    let path = set.join("instructions/WI-PRD-01.yaml");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("每加工20件抽检1件", "每加工10件抽检1件");
    fs::write(&path, &edited).unwrap();
    let (code, json) = check_json(&set, &["--today", "2026-12-02"]);
    assert_eq!(code, 1);
    assert!(
        found(&json)
            .iter()
            .any(|f| f.code == "changed-without-revision" && f.file.starts_with("instructions/")),
        "{json:#}"
    );
    // … and a revision makes it a draft of A/1 that diff compares with the release.
    run_in(
        &set,
        &[
            "revise",
            "WI-PRD-01",
            "--minor",
            "-m",
            "抽检频次改为每10件1件",
            "--by",
            "孙志刚",
        ],
    );
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("version: A/1") && text.contains("status: draft"));
    common::approve(&set, "WI-PRD-01", "prepared", "孙志刚", "2026-12-03");
    let out = run_in(&set, &["diff", "WI-PRD-01"]);
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("A/0 → A/1: 1 changed section(s)"), "{said}");
    let html = fs::read_to_string(set.join("output/diff/WI-PRD-01-A-0-A-1.html")).unwrap();
    assert!(html.contains("5.6"), "the changed step is named: {html}");
}

/// An English set with a manual and a work instruction.
fn english_set() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("set");
    copy_dir(&common::fixture("english"), &set);
    fs::create_dir_all(set.join("manual")).unwrap();
    fs::create_dir_all(set.join("instructions")).unwrap();
    fs::write(
        set.join("manual/QM-01.yaml"),
        r#"id: QM-01
title: Quality Manual
version: "1.0"
status: draft
owner: Management
preface:
  - {title: Quality Policy, text: We make what the customer ordered.}
chapters:
  - clause: "7"
    sections:
      - {clause: "7.5", text: Documents are controlled., procedures: [Control of Records]}
"#,
    )
    .unwrap();
    fs::write(
        set.join("instructions/WI-PRD-01.yaml"),
        r#"id: WI-PRD-01
title: Press Operation
version: "1.0"
status: draft
owner: Production
clauses: ["8.5.1"]
purpose: Run the press safely.
scope: The press line.
responsibilities:
  - {department: Production, duties: The operator runs the press.}
equipment:
  - {name: Hydraulic press, spec: 60 t}
steps:
  - {title: Check, text: Check the guards.}
safety: [Keep both hands on the controls.]
quality: [Measure the first part.]
"#,
    )
    .unwrap();
    (dir, set)
}

#[test]
fn the_new_kinds_in_an_english_set() {
    let (dir, set) = english_set();
    let procedures: Vec<String> = fs::read_dir(set.join("procedures"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        procedures
            .iter()
            .any(|p| p.contains("title: Control of Records")),
        "the fixture's procedure the manual cites"
    );
    let (code, json) = check_json(&set, &["--today", "2026-11-27"]);
    assert_eq!(found(&json), vec![], "{json:#}");
    assert_eq!(code, 0);
    let out = dir.path().join("out");
    built(&build(&set, &out, &["--to", "html,md"]));
    let wi = fs::read_to_string(out.join("instructions/WI-PRD-01.html")).unwrap();
    for part in [
        "5 Operating Steps",
        "6 Safety Precautions",
        "7 Quality Points",
        "4 Equipment, Tools and Materials",
        "Hydraulic press",
    ] {
        assert!(wi.contains(part), "{part}: {wi}");
    }
    assert!(!wi.contains("作业"), "no Chinese label in an English page");
    let qm = fs::read_to_string(out.join("manual/QM-01.md")).unwrap();
    // An untitled chapter takes the clause's English title.
    assert!(qm.contains("\n## 7 Support\n"), "{qm}");
    assert!(qm.contains("\n### 7.5 Documented information\n"), "{qm}");
    assert!(qm.contains("**Procedures**:"), "{qm}");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn the_new_kinds_in_an_english_set_build_to_pdf() {
    let (_dir, _set, out) = build_to(english_set, "pdf");
    let wi = out.join("instructions/WI-PRD-01.pdf");
    let text = pdftotext(&wi, None);
    for part in [
        "Press Operation",
        "WI-PRD-01",
        "Page 1 of 1",
        "Operating Steps",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    assert_eq!(pages(&wi), 1);
    let text = pdftotext(&out.join("manual/QM-01.pdf"), None);
    assert!(text.contains("7.5 Documented information"), "{text}");
}

#[test]
fn a_bad_value_in_an_instruction_does_not_hide_the_rest_of_it() {
    let (_dir, set) = shipped_set();
    let path = set.join("instructions/WI-PRD-01.yaml");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("effective: 2026-09-01", "effective: 2026-9-1")
        .replace("owner: 生产部", "owner: 生产科");
    fs::write(&path, text).unwrap();
    let (code, json) = check_json(&set, &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let codes: Vec<(String, u64)> = found(&json)
        .into_iter()
        .filter(|f| f.file == "instructions/WI-PRD-01.yaml")
        .map(|f| (f.code, f.line))
        .collect();
    assert_eq!(
        codes,
        [
            ("invalid-value".to_owned(), 8),
            ("dept-unknown".to_owned(), 9)
        ],
        "{json:#}"
    );
}
