//! `docctl revise` and `docctl approve` edit the YAML in place: only the intended lines change,
//! comments and formatting elsewhere survive, and a refused edit writes nothing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{check_json, docctl, fixture, found};

/// Copy the valid fixture set into a temporary folder.
fn copy_valid() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("set");
    copy_dir(&fixture("valid"), &set);
    (dir, set)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The lines that changed between two texts: (removed, added).
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end().to_owned();
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

const COMMENTED: &str = "\
# yaml-language-server: $schema=../../../../schema/procedure.schema.json
# 文件控制程序: comments everywhere must survive an edit.
id: QP-7.5-01      # 文件编号
title: 文件控制程序
version: A/1       # 版本
status: effective  # 状态
effective: 2026-09-01
owner: 行政部
aliases: [文件管理程序]
clauses: [\"7.5\"]
approval:          # 签字
  prepared: {name: 张三, date: 2026-08-20}
  reviewed: {name: 李四, date: 2026-08-22}
  approved: {name: 王五, date: 2026-08-25}
distribution: [行政部, 品质部, 业务部]
purpose: 对体系文件进行控制,确保使用有效版本。   # 目的
scope: 适用于公司质量管理体系文件。
responsibilities:
  - {department: 行政部, duties: 负责文件的发放与回收。}
  - {department: 品质部, duties: 负责审核文件是否符合《质量管理体系 要求》。}
steps:
  # the first step
  - title: 文件的发放
    by: 行政部
    text: >-
      文件经批准后由行政部发放,发放时登记在
      《文件发放登记表》上,记录的保存按《記錄控制程序》执行。
    steps:
      - text: 作废文件加盖“作废”章后回收。
related: [《质量管理体系 要求》, 《记录控制程序》]
records:
  - {form: 《文件发放登记表》, keeper: 行政部, retention: 3年}
# 修订记录
history:
  - {version: A/0, date: 2026-01-10, change: 首次发行, by: 张三}
  - {version: A/1, date: 2026-09-01, change: 增加作废文件回收, by: 张三}   # last

# end of file
";

#[test]
fn revise_changes_only_the_intended_lines() {
    let (_dir, set) = copy_valid();
    let file = set.join("procedures/QP-7.5-01.yaml");
    fs::write(&file, COMMENTED).unwrap();
    docctl()
        .args([
            "revise",
            "QP-7.5-01",
            "--major",
            "-m",
            "改为电子发放: 见附件",
            "--by",
            "赵六",
        ])
        .args(["--date", "2026-10-01", "--dir"])
        .arg(&set)
        .assert()
        .success();
    let after = fs::read_to_string(&file).unwrap();
    let (removed, added) = changed_lines(COMMENTED, &after);
    assert_eq!(
        removed,
        [
            "version: A/1       # 版本",
            "status: effective  # 状态",
            "effective: 2026-09-01",
            "approval:          # 签字",
            "  prepared: {name: 张三, date: 2026-08-20}",
            "  reviewed: {name: 李四, date: 2026-08-22}",
            "  approved: {name: 王五, date: 2026-08-25}",
        ]
    );
    assert_eq!(
        added,
        [
            "version: B/0       # 版本",
            "status: draft  # 状态",
            "approval: {}          # 签字",
            "  - {version: B/0, date: 2026-10-01, change: \"改为电子发放: 见附件\", by: 赵六}",
        ]
    );
    // The new entry goes after the last one, before the trailing comment.
    assert!(after.contains("# last\n  - {version: B/0"), "{after}");
    assert!(after.ends_with("\n\n# end of file\n"));
}

#[test]
fn approve_three_times_makes_the_revision_effective() {
    let (_dir, set) = copy_valid();
    let file = set.join("procedures/QP-7.5-01.yaml");
    fs::write(&file, COMMENTED).unwrap();
    let run = |args: &[&str]| {
        docctl()
            .args(args)
            .arg("--dir")
            .arg(&set)
            .assert()
            .success();
    };
    run(&[
        "revise",
        "文件控制程序",
        "--minor",
        "-m",
        "修订",
        "--by",
        "张三",
        "--date",
        "2026-10-01",
    ]);
    let revised = fs::read_to_string(&file).unwrap();
    run(&[
        "approve",
        "QP-7.5-01",
        "--as",
        "prepared",
        "--name",
        "张三",
        "--date",
        "2026-10-02",
    ]);
    let prepared = fs::read_to_string(&file).unwrap();
    assert_eq!(
        changed_lines(&revised, &prepared),
        (
            vec!["approval: {}          # 签字".to_owned()],
            vec![
                "approval:          # 签字".to_owned(),
                "  prepared: {name: 张三, date: 2026-10-02, version: A/2}".to_owned()
            ]
        )
    );
    // A draft in the middle of its approval still checks clean (apart from citing drafts).
    let (code, _) = check_json(&set, &["--today", "2026-10-02"]);
    assert_eq!(code, 0);

    run(&[
        "approve",
        "QP-7.5-01",
        "--as",
        "reviewed",
        "--name",
        "李四",
        "--date",
        "2026-10-03",
    ]);
    let reviewed = fs::read_to_string(&file).unwrap();
    assert_eq!(
        changed_lines(&prepared, &reviewed),
        (
            vec![],
            vec!["  reviewed: {name: 李四, date: 2026-10-03, version: A/2}".to_owned()]
        )
    );
    run(&[
        "approve",
        "QP-7.5-01",
        "--as",
        "approved",
        "--name",
        "王五",
        "--date",
        "2026-10-04",
        "--effective",
        "2026-11-01",
    ]);
    let approved = fs::read_to_string(&file).unwrap();
    assert_eq!(
        changed_lines(&reviewed, &approved),
        (
            vec!["status: draft  # 状态".to_owned()],
            vec![
                "status: effective  # 状态".to_owned(),
                "effective: 2026-11-01".to_owned(),
                "  approved: {name: 王五, date: 2026-10-04, version: A/2}".to_owned()
            ]
        )
    );
    // Against the original, only the version, the dates and the new history line differ:
    // every comment is where it was.
    for comment in [
        "# 文件编号",
        "# 版本",
        "# 状态",
        "# 签字",
        "# 目的",
        "# the first step",
        "# 修订记录",
        "# last",
        "# end of file",
    ] {
        assert!(approved.contains(comment), "lost `{comment}`:\n{approved}");
    }
    let (code, json) = check_json(&set, &["--today", "2026-11-02", "--strict"]);
    assert_eq!(found(&json), vec![]);
    assert_eq!(code, 0);
}

#[test]
fn approvals_go_in_order_by_different_people() {
    let (_dir, set) = copy_valid();
    let file = set.join("procedures/QP-7.5-02.yaml");
    let fail = |args: &[&str], message: &str| {
        let before = fs::read_to_string(&file).unwrap();
        let out = docctl().args(args).arg("--dir").arg(&set).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            before,
            "a refusal wrote"
        );
    };
    fail(
        &["approve", "QP-7.5-02", "--as", "prepared", "--name", "赵六"],
        "only a draft is signed",
    );
    docctl()
        .args([
            "revise",
            "QP-7.5-02",
            "--minor",
            "-m",
            "x",
            "--by",
            "赵六",
            "--date",
            "2026-10-01",
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    fail(
        &["revise", "QP-7.5-02", "--minor", "-m", "x", "--by", "赵六"],
        "already a draft",
    );
    fail(
        &["approve", "QP-7.5-02", "--as", "reviewed", "--name", "李四"],
        "not yet signed as prepared",
    );
    docctl()
        .args([
            "approve",
            "QP-7.5-02",
            "--as",
            "prepared",
            "--name",
            "赵六",
            "--date",
            "2026-10-05",
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    fail(
        &[
            "approve",
            "QP-7.5-02",
            "--as",
            "reviewed",
            "--name",
            "李四",
            "--date",
            "2026-10-04",
        ],
        "earlier than the prepared date",
    );
    fail(
        &[
            "approve",
            "QP-7.5-02",
            "--as",
            "reviewed",
            "--name",
            "李四",
            "--effective",
            "2026-10-09",
        ],
        "--effective goes with the last signature",
    );
    docctl()
        .args([
            "approve",
            "QP-7.5-02",
            "--as",
            "reviewed",
            "--name",
            "李四",
            "--date",
            "2026-10-06",
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    fail(
        &[
            "approve",
            "QP-7.5-02",
            "--as",
            "approved",
            "--name",
            "趙六",
            "--date",
            "2026-10-07",
        ],
        "must be someone else",
    );
    fail(
        &["approve", "QP-7.5-99", "--as", "approved", "--name", "王五"],
        "did you mean `QP-7.5-01`?",
    );
}

#[test]
fn block_style_and_numeric_versions_are_kept() {
    let (_dir, set) = copy_valid();
    let config = set.join("docctl.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("letter-number", "numeric")).unwrap();
    let file = set.join("forms/QR-7.5-01-01.yaml");
    let block = "\
id: QR-7.5-01-01
title: 文件发放登记表
version: '1.9'
status: effective
effective: 2026-09-01
owner: 行政部
procedure: 《文件控制程序》
retention: 3年
layout: register
rows: 15
approval:
    prepared:
        name: 张三
        date: 2026-08-20
    reviewed:
        name: 李四
        date: 2026-08-22
    approved:
        name: 王五
        date: 2026-08-25
history:
-   version: '1.9'
    date: 2026-09-01
    change: 首次发行
fields:
-   {key: date, label: 发放日期, type: date, required: true}
";
    fs::write(&file, block).unwrap();
    // The other documents keep letter versions; only the form is revised here.
    docctl()
        .args([
            "revise",
            "QR-7.5-01-01",
            "--minor",
            "-m",
            "加一栏",
            "--by",
            "张三",
            "--date",
            "2026-10-01",
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    docctl()
        .args([
            "approve",
            "QR-7.5-01-01",
            "--as",
            "prepared",
            "--name",
            "张三",
            "--date",
            "2026-10-01",
            "--dir",
        ])
        .arg(&set)
        .assert()
        .success();
    let after = fs::read_to_string(&file).unwrap();
    assert!(after.contains("\nversion: '1.10'\n"), "{after}");
    assert!(
        after.contains(
            "approval:\n    prepared:\n        name: 张三\n        date: 2026-10-01\n        version: \"1.10\"\nhistory:"
        ),
        "{after}"
    );
    assert!(
        after.contains("    change: 首次发行\n-   version: \"1.10\"\n    date: 2026-10-01\n    change: 加一栏\n    by: 张三\nfields:"),
        "{after}"
    );
}
