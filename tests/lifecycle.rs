//! The life of a revision, end to end: init → build → publish A/0 → edit the text → `check`
//! fails with the gate's code → revise --minor → approve ×3 → publish A/1 → `diff` shows
//! exactly the edit → `list` shows A/1 effective and A/0 superseded → publishing A/1 again
//! with other content is refused → the archive's files still hash to the ledger.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{check_json, docctl, found};

fn pdf_text(path: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file of every release, hashed, against the ledger; and no file the ledger omits.
fn archive_hashes_to_ledger(set: &Path) -> usize {
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    let mut listed = BTreeMap::new();
    for doc in ledger["documents"].as_object().unwrap().values() {
        for release in doc["releases"].as_array().unwrap() {
            for (name, hash) in release["files"].as_object().unwrap() {
                let path = format!("{}/{name}", release["path"].as_str().unwrap());
                listed.insert(path, hash.as_str().unwrap().to_owned());
            }
        }
    }
    let mut archived = BTreeMap::new();
    for entry in walkdir::WalkDir::new(set.join("published")).min_depth(3) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(set.join("published")).unwrap();
            let bytes = fs::read(entry.path()).unwrap();
            archived.insert(
                rel.to_string_lossy().into_owned(),
                docctl::publish::sha256(&bytes),
            );
        }
    }
    assert_eq!(archived, listed);
    listed.len()
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_revision_from_init_to_the_archive() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    let file = set.join("procedures/QP-7.5-01.yaml");
    // init dates the set today; the revision follows in the next days (so no periodic
    // review falls due in between).
    let today = jiff::Zoned::now().date();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .to_string()
    };
    let (d1, d2, d3, d4) = (day(1), day(2), day(3), day(4));

    // build, then publish A/0.
    common::run_in(&set, &["build", "--today", &d1]);
    assert!(set.join("output/procedures/QP-7.5-01.pdf").is_file());
    common::run_in(&set, &["publish", "--date", &d1]);
    let a0 = set.join("published/QP-7.5-01/A-0");
    let a0_pdf = fs::read(a0.join("QP-7.5-01.pdf")).unwrap();
    // Without an archive the build was the issue: stamped 受控文件; the release is too.
    assert!(pdf_text(&set.join("output/procedures/QP-7.5-01.pdf")).contains("受控文件"));
    assert!(pdf_text(&a0.join("QP-7.5-01.pdf")).contains("受控文件"));
    assert!(pdf_text(&a0.join("QP-7.5-01.pdf")).contains("文件更改须经原审批人批准"));

    // Edit the text of the released revision: the gate fails the check.
    let original = fs::read_to_string(&file).unwrap();
    fs::write(&file, original.replace("原审批人批准", "原审批人书面批准")).unwrap();
    let (code, json) = check_json(&set, &["--today", &d2]);
    assert_eq!(code, 1);
    let codes: Vec<String> = found(&json).into_iter().map(|f| f.code).collect();
    assert_eq!(codes, ["changed-without-revision"]);
    let message = json["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("changed without a new revision: run docctl revise"),
        "{message}"
    );
    assert!(message.contains("(changed: steps)"), "{message}");

    // revise --minor, approve ×3: A/1 is effective and checks clean.
    common::run_in(
        &set,
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            "更改须书面批准",
            "--by",
            "张三",
            "--date",
            &d2,
        ],
    );
    common::approve(&set, "QP-7.5-01", "prepared", "张三", &d2);
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", &d3);
    common::approve(&set, "QP-7.5-01", "approved", "王五", &d4);
    let (code, json) = check_json(&set, &["--today", &d4]);
    assert_eq!((code, found(&json)), (0, vec![]));

    // Effective but not released: the working copy says so in its stamp, on PDF and HTML.
    common::run_in(&set, &["build", "--to", "pdf,html", "--today", &d4]);
    let stamp = |page: &str| {
        page.split("<div class=\"stamp\">")
            .nth(1)
            .and_then(|s| s.split("</div>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let page = fs::read_to_string(set.join("output/procedures/QP-7.5-01.html")).unwrap();
    assert_eq!(stamp(&page), "工作副本 · 未发布", "{page}");
    assert!(page.contains("未发布") && !page.contains("受控文件"));
    let working_pdf = pdf_text(&set.join("output/procedures/QP-7.5-01.pdf"));
    assert!(
        working_pdf.contains("工作副本") && !working_pdf.contains("受控文件"),
        "{working_pdf}"
    );

    // publish A/1: A/0 is superseded, its archived PDF unchanged.
    let out = common::run_in(&set, &["publish", "--date", &d4]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("released QP-7.5-01 A/1 → published/QP-7.5-01/A-1")
    );
    assert_eq!(fs::read(a0.join("QP-7.5-01.pdf")).unwrap(), a0_pdf);
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    let releases = &ledger["documents"]["QP-7.5-01"]["releases"];
    assert_eq!(releases[0]["superseded"]["by"], "A/1");
    assert_eq!(releases[1]["version"], "A/1");
    assert!(releases[1].get("superseded").is_none());
    // The form cites the procedure: released against A/0, it is now suspect.
    let (code, json) = check_json(&set, &["--today", &d4]);
    assert_eq!(code, 0);
    let suspect: Vec<String> = found(&json).into_iter().map(|f| f.code).collect();
    assert_eq!(suspect, ["ref-suspect"]);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "cites 《文件控制程序》 A/0, now A/1 — review"
    );

    // diff A/0 → A/1 shows exactly the edit.
    common::run_in(&set, &["diff", "QP-7.5-01", "--from", "A/0", "--to", "A/1"]);
    let html = fs::read_to_string(set.join("output/diff/QP-7.5-01-A-0-A-1.html")).unwrap();
    assert_eq!(html.matches("<tr data-change=").count(), 1, "{html}");
    assert!(
        html.contains("<tr data-change=\"changed\"><td>5.2 文件的更改</td>"),
        "{html}"
    );
    assert_eq!(
        html.matches("<ins class=\"ins\">").count(),
        1 + 2,
        "legend + table + redline"
    );
    assert!(html.contains("<ins class=\"ins\">书面</ins>"), "{html}");
    assert_eq!(
        html.matches("<del class=\"del\">").count(),
        1,
        "only the legend deletes"
    );
    let pdf = pdf_text(&set.join("output/diff/QP-7.5-01-A-0-A-1.pdf"));
    assert!(pdf.contains("修订对照表"), "{pdf}");
    assert!(pdf.contains("5.2 文件的更改"), "{pdf}");
    assert!(pdf.contains("更改须书面批准"), "{pdf}");

    // list from the ledger: A/1 effective, A/0 superseded (作废).
    common::run_in(&set, &["list", "--from-ledger", "--today", &d4]);
    let csv = fs::read_to_string(set.join("output/lists/released/受控文件清单.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let rows: Vec<&str> = csv.lines().filter(|l| l.contains("QP-7.5-01")).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains(",A/0,") && rows[0].contains("作废 · 替代版本 A/1"),
        "{csv}"
    );
    assert!(
        rows[1].contains(",A/1,") && rows[1].contains("受控 · 现行"),
        "{csv}"
    );
    let list_pdf = pdf_text(&set.join("output/lists/released/受控文件清单.pdf"));
    assert!(
        list_pdf.contains("受控文件清单") && list_pdf.contains("作废"),
        "{list_pdf}"
    );

    // The portal shows both releases: A/1 current, A/0 作废, each linking to its archived PDF.
    common::run_in(&set, &["build", "--to", "html", "--today", &d4]);
    let page_dir = set.join("output/procedures");
    let page = fs::read_to_string(page_dir.join("QP-7.5-01.html")).unwrap();
    assert!(
        page.contains("<tr class=\"current\"><td>A/1</td>"),
        "{page}"
    );
    assert!(
        page.contains("<tr class=\"superseded\"><td>A/0</td>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"void\">作废</span> · 替代版本 A/1"),
        "{page}"
    );
    assert_eq!(
        stamp(&page),
        "受控文件",
        "the current release is the controlled copy"
    );
    let a0_href = page
        .split("<tr class=\"superseded\">")
        .nth(1)
        .and_then(|row| row.split("<a href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert_eq!(a0_href, "../../published/QP-7.5-01/A-0/QP-7.5-01.pdf");
    assert_eq!(
        fs::read(page_dir.join(a0_href)).unwrap(),
        a0_pdf,
        "the link opens the released A/0 PDF"
    );

    // Publishing A/1 again with other content is refused; nothing is written.
    let ledger_before = fs::read(set.join("published/ledger.json")).unwrap();
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("旧版本标识为作废", "旧版本销毁")).unwrap();
    let out = docctl().arg("publish").current_dir(&set).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("QP-7.5-01 A/1 was released on {d4}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("a released revision is never rewritten"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(set.join("published/ledger.json")).unwrap(),
        ledger_before
    );

    // The archive's files still hash to the ledger: 3 releases × (PDF, HTML, YAML).
    assert_eq!(archive_hashes_to_ledger(&set), 9);
    common::run_in(&set, &["publish", "--verify"]);
}
