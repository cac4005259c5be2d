//! The auditor's view on the shipped set: `refs`, impact analysis, the clause matrix, and the
//! portal driven in headless Chromium (search, 《…》 links, 被引用, PDF links, phone width).

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::process::Command;

use common::{docctl, repo};
use docctl::model::{Document, Step};

fn refs_json(args: &[&str]) -> serde_json::Value {
    let out = docctl()
        .arg("refs")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn impact_of_changing_the_capa_procedure() {
    let json = refs_json(&["纠正与预防措施管理程序", "--impact"]);
    assert_eq!(json["document"]["id"], "QP-10.2-01");
    let impact = json["impact"].as_array().unwrap();
    let must: BTreeSet<&str> = impact
        .iter()
        .filter(|i| i["must_review"] == true)
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [
        // its own forms
        "QR-10.2-01-01",
        "QR-10.2-01-02",
        // every procedure that cites it
        "QP-8.2-01",
        "QP-8.7-01",
        "QP-9.1-02",
        // the quality manual, whose chapters 6.1 and 10.2 name it
        "QM-01",
    ]
    .into_iter()
    .collect();
    assert_eq!(must, expected);
    assert!(
        impact
            .iter()
            .filter(|i| i["must_review"] == true)
            .all(|i| i["effective"] == true && i["distance"] == 1)
    );
    // Documents reached only through others are listed apart, farther away.
    assert!(
        impact
            .iter()
            .any(|i| i["must_review"] == false && i["distance"].as_u64().unwrap() >= 2)
    );
    let qp = impact.iter().find(|i| i["id"] == "QP-8.2-01").unwrap();
    assert_eq!(
        qp["sections"],
        serde_json::json!(["5.2", "6.1"]),
        "the sections where QP-8.2-01 cites it"
    );
}

#[test]
fn refs_lists_both_directions_with_sections() {
    let json = refs_json(&["QP-8.2-01"]);
    let cites = json["cites"].as_array().unwrap();
    let capa = cites.iter().find(|c| c["id"] == "QP-10.2-01").unwrap();
    assert_eq!(capa["sections"], serde_json::json!(["5.2", "6.1"]));
    let cited_by = ids(&json["cited_by"]);
    assert!(
        cited_by.contains(&"QR-8.2-01-01".to_owned()),
        "its form cites it: {cited_by:?}"
    );
    assert!(ids(&json["cites_transitive"]).len() >= cites.len());
    let text = docctl().args(["refs", "QP-10.2-01"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("cited by (被引用) 6:"), "{text}");
}

#[test]
fn graph_is_written_as_dot_and_svg() {
    let dir = tempfile::TempDir::new().unwrap();
    docctl()
        .args(["refs", "--graph"])
        .arg(dir.path())
        .assert()
        .success();
    let dot = fs::read_to_string(dir.path().join("references.dot")).unwrap();
    assert!(dot.starts_with("digraph references {"));
    assert!(
        dot.contains(r#""QP-8.2-01" -> "QP-10.2-01" [label="5.2, 6.1"];"#),
        "{dot}"
    );
    let svg = fs::read_to_string(dir.path().join("references.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(
        svg.matches("<g class=\"node\"").count(),
        25,
        "one node per document"
    );
    assert!(svg.contains("<title>QP-8.2-01 → QP-10.2-01 (5.2, 6.1)</title>"));
    assert!(svg.contains("href=\"../procedures/QP-10.2-01.html\""));
}

#[test]
fn unresolved_and_draft_documents_are_marked_in_the_graph() {
    let dir = tempfile::TempDir::new().unwrap();
    docctl()
        .args(["refs", "--graph"])
        .arg(dir.path())
        .arg("--dir")
        .arg(common::fixture("invalid/ref-unresolved"))
        .assert()
        .success();
    let svg = fs::read_to_string(dir.path().join("references.svg")).unwrap();
    assert!(
        svg.contains("《记录管理程序》") && svg.contains("(未找到的引用)"),
        "{svg}"
    );
    assert!(svg.contains("stroke=\"#c00000\""));
    let dir2 = tempfile::TempDir::new().unwrap();
    docctl()
        .args(["refs", "--graph"])
        .arg(dir2.path())
        .arg("--dir")
        .arg(common::fixture("invalid/ref-draft"))
        .assert()
        .success();
    let svg = fs::read_to_string(dir2.path().join("references.svg")).unwrap();
    assert!(svg.contains("QP-7.5-02 记录控制程序 (草稿)"), "{svg}");
    let dot = fs::read_to_string(dir2.path().join("references.dot")).unwrap();
    assert!(dot.contains("style=dashed, color=\"#1f4e9e\""), "{dot}");
}

#[test]
fn clause_matrix_flags_uncovered_clauses() {
    // The shipped set's quality manual has a chapter for every clause; without it, the
    // procedures and the work instruction leave clauses uncovered.
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("set");
    for folder in ["procedures", "forms", "instructions"] {
        common::copy_dir(&repo().join(folder), &set.join(folder));
    }
    fs::copy(repo().join("docctl.yaml"), set.join("docctl.yaml")).unwrap();
    let related = fs::read_to_string(set.join("procedures/QP-7.5-01.yaml"))
        .unwrap()
        .replace("related: [《质量手册》]\n", "");
    fs::write(set.join("procedures/QP-7.5-01.yaml"), related).unwrap();
    let out = dir.path().join("out");
    let result = common::build(&set, &out, &["--to", "html"]);
    assert!(result.status.success());
    let csv = fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(csv.starts_with("\u{feff}条款,标题,QP-10.2-01,"));
    let line = |clause: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("{clause},")))
            .unwrap()
            .to_owned()
    };
    assert!(line("8.2").ends_with(",已覆盖"), "{}", line("8.2"));
    assert!(
        line("9.2").ends_with(",未覆盖"),
        "no shipped procedure covers internal audit: {}",
        line("9.2")
    );
    assert!(line("7.5").contains('●'));
    let html = fs::read_to_string(out.join("coverage.html")).unwrap();
    assert!(html.contains(r#"<tr class="l2 uncovered" data-clause="9.2">"#));
}

/// The text the portal's search covers, as the library sees it.
fn searchable(doc: &Document) -> String {
    let header = doc.header();
    let mut text = format!("{} {}", header.id.value, header.title.value);
    for a in header.aliases {
        text.push_str(a);
    }
    match doc {
        Document::Procedure(p) => {
            text.push_str(&p.purpose);
            text.push_str(&p.scope);
            for r in &p.responsibilities {
                text.push_str(&r.duties);
            }
            for d in &p.definitions {
                text.push_str(&d.term);
                text.push_str(&d.text);
            }
            fn walk(steps: &[Step], out: &mut String) {
                for s in steps {
                    for t in s.title.iter().chain(s.text.iter()) {
                        out.push_str(t);
                    }
                    walk(&s.steps, out);
                }
            }
            walk(&p.steps, &mut text);
        }
        Document::Form(f) => {
            for t in f.instructions.iter() {
                text.push_str(t);
            }
            for field in &f.fields {
                text.push_str(&field.label);
                for h in field.help.iter() {
                    text.push_str(h);
                }
            }
        }
        Document::Manual(m) => {
            for a in m.preface.iter().chain(&m.appendices) {
                text.push_str(&a.text);
            }
            fn walk(chapters: &[docctl::model::Chapter], out: &mut String) {
                for c in chapters {
                    for t in c.title.iter().chain(c.text.iter()) {
                        out.push_str(t);
                    }
                    walk(&c.sections, out);
                }
            }
            walk(&m.chapters, &mut text);
        }
        Document::Instruction(w) => {
            text.push_str(&w.purpose);
            text.push_str(&w.scope);
            for r in &w.responsibilities {
                text.push_str(&r.duties);
            }
            for e in &w.equipment {
                text.push_str(&e.name);
                for n in e.note.iter() {
                    text.push_str(n);
                }
            }
            fn walk(steps: &[Step], out: &mut String) {
                for s in steps {
                    for t in s.title.iter().chain(s.text.iter()) {
                        out.push_str(t);
                    }
                    walk(&s.steps, out);
                }
            }
            walk(&w.steps, &mut text);
            for t in w.safety.iter().chain(&w.quality) {
                text.push_str(t);
            }
            for a in &w.appendices {
                text.push_str(&a.text);
            }
        }
    }
    text
}

#[test]
#[cfg_attr(
    any(docctl_no_typst, docctl_no_browser),
    ignore = "needs typst, node, chromium and playwright-core: run scripts/setup.sh"
)]
fn portal_works_in_chromium() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("out");
    let result = common::build(&repo(), &out, &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let words = ["铅笔", "投诉", "QP-8.7", "订单号码"];
    let seen = common::run_browser_script(
        "portal.mjs",
        &[
            out.as_os_str(),
            words.join(",").as_ref(),
            "procedures/QP-8.2-01.html".as_ref(),
            "纠正与预防措施管理程序".as_ref(),
        ],
    );
    let seen: serde_json::Value = serde_json::from_str(seen.lines().last().unwrap()).unwrap();
    let library = docctl::load::load(&repo()).unwrap();
    // 1 manual, 9 procedures, 1 work instruction, 16 forms.
    assert_eq!(seen["total"], library.documents.len());
    assert_eq!(seen["total"], 27);
    assert_eq!(seen["forms"], 16, "the kind filter");

    for word in words {
        let mut expected: Vec<String> = library
            .documents
            .iter()
            .filter(|l| {
                searchable(&l.doc)
                    .to_lowercase()
                    .contains(&word.to_lowercase())
            })
            .map(|l| l.doc.header().id.value.to_string())
            .collect();
        let mut got: Vec<String> = serde_json::from_value(seen["search"][word].clone()).unwrap();
        expected.sort();
        got.sort();
        assert!(!expected.is_empty(), "{word} occurs in the set");
        assert_eq!(got, expected, "search for {word}");
    }
    assert_eq!(seen["search"]["铅笔"], serde_json::json!(["QP-7.5-01"]));

    assert_eq!(seen["docTitle"], "QP-8.2-01 顾客沟通管理程序");
    assert_eq!(
        seen["landedTitle"], "QP-10.2-01 纠正与预防措施管理程序",
        "the 《…》 link leads to the cited document"
    );
    let cited_by: Vec<String> = serde_json::from_value(seen["citedBy"].clone()).unwrap();
    let from_refs = ids(&refs_json(&["QP-10.2-01"])["cited_by"]);
    assert_eq!(cited_by.len(), from_refs.len());
    for id in &from_refs {
        assert!(
            cited_by.iter().any(|c| c.starts_with(&format!("{id} "))),
            "{id} missing from the page's 被引用 list: {cited_by:?}"
        );
    }

    let opened = seen["pdfOpened"].as_str().expect("the PDF link opened");
    let path = opened.strip_prefix("file://").unwrap();
    let bytes = fs::read(path).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "{path} is a PDF");
    let text = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("纠正与预防措施管理程序"));

    assert_eq!(
        seen["phoneFits:index.html"], true,
        "the portal fits a phone's width"
    );
    assert_eq!(
        seen["phoneFits:procedures/QP-8.2-01.html"], true,
        "a document page fits a phone's width"
    );
}

#[test]
fn problems_page_lists_the_missing_documents() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("out");
    common::build(
        &common::fixture("invalid/ref-variant-absent"),
        &out,
        &["--to", "html"],
    );
    let html = fs::read_to_string(out.join("problems.html")).unwrap();
    let table = &html[html
        .find(r#"<table id="missing">"#)
        .expect("the missing table")..];
    // The CAPA title and its misspelling are one missing document.
    assert!(
        table.contains("<td>《糾正與預防措施管理程序》</td><td>2</td><td>《糾正與預防措施管理程序》 (1：QP-8.2-02 §6.1)<br>《糾正與預防管理程序》 (1：QP-8.2-02 §5.1)</td>"),
        "{table}"
    );
    assert!(table.contains("《质量记录管理程序》"), "{table}");
}

#[test]
fn plain_text_mentions_count_in_refs_and_impact() {
    // ref-plain/: QP-8.2-01 names 不合格品控制程序 and 文件控製程序 without 《》 only.
    let dir = common::fixture("invalid/ref-plain");
    let dir = dir.to_str().unwrap();
    let json = refs_json(&["QP-8.3-01", "--dir", dir]);
    assert_eq!(ids(&json["cited_by"]), ["QP-8.2-01"]);
    let cites = refs_json(&["QP-8.2-01", "--dir", dir]);
    let sections: Vec<(String, serde_json::Value)> = cites["cites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c["sections"].clone()))
        .collect();
    assert_eq!(
        sections,
        [
            ("QP-7.5-01".to_owned(), serde_json::json!(["5.2", "6.2"])),
            ("QP-8.3-01".to_owned(), serde_json::json!(["5.1", "6.1"])),
        ]
    );
    let impact = refs_json(&["QP-7.5-01", "--impact", "--dir", dir]);
    assert_eq!(ids(&impact["impact"]), ["QP-8.2-01"]);
}
