//! `docctl diff` against git revisions and with hostile text, and `docctl list` of the
//! working set (CSV that Excel reads, XLSX, HTML).

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{docctl, repo, typst_available};

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "docctl test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "docctl test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn diff_against_a_git_revision_escapes_what_the_text_says() {
    let dir = tempfile::TempDir::new().unwrap();
    let repo_dir = dir.path();
    let set = repo_dir.join("qms");
    docctl().arg("init").arg(&set).assert().success();
    git(repo_dir, &["init", "-q"]);
    git(repo_dir, &["add", "-A"]);
    git(repo_dir, &["commit", "-q", "-m", "init"]);
    let file = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let hostile = r#"旧版本标识为作废<script>alert(1)</script>#read("/etc/passwd")$x^2$"#;
    fs::write(&file, text.replace("旧版本标识为作废", hostile)).unwrap();
    // A new step, and one step's responsible department removed.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replace(
            "steps:\n",
            "steps:\n  - title: 文件的评审\n    text: 每年评审一次。\n",
        ),
    )
    .unwrap();

    let formats = if typst_available() {
        "pdf,html"
    } else {
        "html"
    };
    docctl()
        .args([
            "diff",
            "QP-7.5-01",
            "--from",
            "git:HEAD",
            "--format",
            formats,
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    let html = fs::read_to_string(set.join("output/diff/QP-7.5-01-git-HEAD-A-0.html")).unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    // 5.1 is new; the old 5.1 and 5.2 are matched by title although now 5.2 and 5.3.
    assert!(
        html.contains("<tr data-change=\"added\"><td>5.1 文件的评审</td>"),
        "{html}"
    );
    assert!(
        html.contains("<tr data-change=\"changed\"><td>5.3 文件的更改</td>"),
        "{html}"
    );
    assert_eq!(html.matches("<tr data-change=").count(), 2, "{html}");
    if typst_available() {
        let out = Command::new("pdftotext")
            .arg(set.join("output/diff/QP-7.5-01-git-HEAD-A-0.pdf"))
            .arg("-")
            .output()
            .unwrap();
        // Table cells wrap lines anywhere: compare the text without its line breaks.
        let pdf = String::from_utf8_lossy(&out.stdout).replace('\n', "");
        assert!(pdf.contains(r#"#read("/etc/passwd")"#), "{pdf}");
        assert!(pdf.contains("<script>alert(1)</script>"), "{pdf}");
        assert!(pdf.contains("$x^2$"), "{pdf}");
    }
}

#[test]
fn diff_without_a_release_says_how_to_compare() {
    let out = docctl()
        .args([
            "diff",
            "QP-7.5-01",
            "--format",
            "html",
            "--dir",
            "tests/fixtures/valid",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no released revision"));
}

#[test]
fn lists_of_the_working_set_open_in_excel() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("set");
    fs::create_dir_all(&set).unwrap();
    for entry in walkdir::WalkDir::new(repo()).max_depth(2) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo()).unwrap();
        let top = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let wanted = matches!(top.as_deref(), Some("procedures" | "forms"))
            || rel == Path::new("docctl.yaml");
        if wanted && entry.file_type().is_file() {
            fs::create_dir_all(set.join(rel).parent().unwrap()).unwrap();
            fs::copy(entry.path(), set.join(rel)).unwrap();
        }
    }
    docctl()
        .arg("list")
        .arg(&set)
        .args(["--to", "csv,xlsx,html"])
        .assert()
        .success();
    let csv = fs::read_to_string(set.join("output/lists/受控文件清单.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}序号,文件编号,文件名称,版本,生效日期,归口部门,状态,分发部门\r\n")
    );
    // 9 procedures and 16 forms, procedures first.
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 25);
    assert!(
        rows[0].starts_with("1,QP-10.2-01,纠正与预防措施管理程序,"),
        "{}",
        rows[0]
    );
    assert!(rows[9].starts_with("10,QR-"), "{}", rows[9]);
    let records = fs::read_to_string(set.join("output/lists/记录清单.csv")).unwrap();
    let row = records
        .lines()
        .find(|l| l.contains(",顾客投诉记录表,"))
        .expect("the complaint log is listed");
    assert_eq!(
        row.split(',').skip(1).collect::<Vec<_>>(),
        [
            "QR-8.2-01-02",
            "顾客投诉记录表",
            "QP-8.2-01 《顾客沟通管理程序》",
            "品质部",
            "3年"
        ]
    );
    let xlsx = fs::read(set.join("output/lists/受控文件清单.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an XLSX is a zip file");
    let html = fs::read_to_string(set.join("output/lists/记录清单.html")).unwrap();
    assert_eq!(
        html.matches("<tr>").count(),
        1 + 16,
        "header + one row per form"
    );
}

/// The redline names its sections from the outline table in the document's language: an
/// English procedure's redline says `1 Purpose`, `3.1 Responsibilities — Quality`, `6 Related
/// documents`, never the Chinese headings.
#[test]
fn an_english_redline_names_its_sections_in_english() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    common::copy_dir(&common::fixture("english"), &set);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "init"]);
    let file = set.join("procedures/QP-7.5.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let text = text
        .replace("Keep records legible", "Keep every record legible")
        .replace("Keeps the master list", "Keeps and reviews the master list")
        .replace("related: [《Corrective Action Procedure》]", "related: []");
    fs::write(&file, text).unwrap();
    docctl()
        .args(["diff", "QP-7.5", "--from", "git:HEAD", "--format", "html"])
        .arg(&set)
        .assert()
        .success();
    let html = fs::read_to_string(set.join("output/diff/QP-7.5-git-HEAD-1.0.html")).unwrap();
    for (change, section) in [
        ("changed", "1 Purpose"),
        ("changed", "3.1 Responsibilities — Quality"),
        ("removed", "6 Related documents"),
    ] {
        assert!(
            html.contains(&format!("<tr data-change=\"{change}\"><td>{section}</td>")),
            "{section}: {html}"
        );
    }
    for chinese in ["目的", "职责", "相关文件", "工作程序"] {
        assert!(!html.contains(chinese), "{chinese} in an English redline");
    }
}
