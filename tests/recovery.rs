//! One bad YAML value no longer hides the rest of the file: each bad value is reported at its
//! line, the file's other problems are found, and nothing is reported that only follows from
//! the value left out. Each case is a folder under tests/fixtures/recovery/ laid over the
//! valid set.

mod common;

use std::fs;
use std::path::Path;

use common::{Found, build, check_json, copy_dir, docctl, fixture, found};

/// The valid set with the files of `tests/fixtures/recovery/<case>/` laid over it.
fn set(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture("valid"), tmp.path());
    copy_dir(&fixture("recovery").join(case), tmp.path());
    tmp
}

/// Check a set; return the exit code and every diagnostic of `file` as (code, line, column).
fn check_file(dir: &Path, file: &str) -> (i32, Vec<(String, u64, u64)>, Vec<Found>) {
    let (code, json) = check_json(dir, &["--today", "2026-11-27"]);
    let all = found(&json);
    let of_file = all
        .iter()
        .filter(|f| f.file == file)
        .map(|f| (f.code.clone(), f.line, f.column))
        .collect();
    (code, of_file, all)
}

fn at(code: &str, line: u64, column: u64) -> (String, u64, u64) {
    (code.to_owned(), line, column)
}

#[test]
fn a_bad_date_a_broken_citation_and_an_unknown_department_are_all_reported() {
    let dir = set("three-problems");
    let (code, problems, all) = check_file(dir.path(), "procedures/QP-7.5-01.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        problems,
        vec![
            at("invalid-value", 7, 12),
            // The unresolved citation is also not listed under related: a real second finding.
            at("ref-not-listed", 27, 14),
            at("ref-unresolved", 27, 14),
            at("dept-unknown", 29, 9),
        ],
        "{all:#?}"
    );
    // The effective date was left out, but no "effective without a date" follows from it;
    // the other documents still resolve their citations of this one (《文件控制程序》).
    assert_eq!(all.len(), problems.len(), "{all:#?}");
}

#[test]
fn every_format_lists_every_error_with_its_place() {
    let dir = set("three-problems");
    let run = |format: &str| {
        let out = docctl()
            .arg("check")
            .arg(dir.path())
            .args(["--today", "2026-11-27", "--format", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let human = run("human");
    for place in [
        "procedures/QP-7.5-01.yaml:7:12",
        "procedures/QP-7.5-01.yaml:27:14",
        "procedures/QP-7.5-01.yaml:29:9",
    ] {
        assert!(human.contains(place), "{place} in\n{human}");
    }
    assert!(human.contains("3 error(s)"), "{human}");
    let github = run("github");
    for place in ["line=7,col=12", "line=27,col=14", "line=29,col=9"] {
        assert!(github.contains(place), "{place} in\n{github}");
    }
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let mut lines: Vec<(String, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                region["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            ("dept-unknown".to_owned(), 29),
            ("invalid-value".to_owned(), 7),
            ("ref-not-listed".to_owned(), 27),
            ("ref-unresolved".to_owned(), 27),
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["summary"]["errors"], 3, "{json:#}");
}

#[test]
fn a_bad_field_type_leaves_that_field_out_and_checks_the_others() {
    let dir = set("bad-field");
    let (code, problems, all) = check_file(dir.path(), "forms/QR-7.5-01-01.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        problems,
        vec![
            at("dept-unknown", 8, 8),
            at("invalid-value", 22, 34),
            at("field-duplicate", 24, 11),
        ]
    );
    // The procedure that lists the form under records still finds it.
    assert_eq!(all.len(), problems.len(), "{all:#?}");
}

#[test]
fn two_bad_values_in_one_file_are_each_reported_once() {
    let dir = set("two-bad-values");
    let (code, problems, all) = check_file(dir.path(), "procedures/QP-7.5-02.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        problems,
        vec![
            at("unknown-key", 9, 1),
            at("invalid-value", 20, 15),
            at("dept-unknown", 22, 9),
        ]
    );
    // The first step (which cites 《文件控制程序》) was left out: no "listed but cited
    // nowhere" follows from that.
    assert_eq!(all.len(), problems.len(), "{all:#?}");
}

#[test]
fn a_required_key_with_a_bad_value_is_invalid_not_missing() {
    let dir = set("required-key");
    let (code, problems, all) = check_file(dir.path(), "procedures/QP-7.5-02.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        problems,
        vec![at("invalid-value", 6, 10), at("invalid-value", 13, 30)]
    );
    assert_eq!(all.len(), problems.len(), "{all:#?}");
    // The message says what the value should be, not how the model spells its type.
    let (_, json) = check_json(dir.path(), &["--today", "2026-11-27"]);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "expected one value, not a list or a mapping"
    );
}

#[test]
fn a_left_out_step_keeps_its_number_and_leaves_no_noise() {
    let dir = set("bad-step");
    let (code, problems, all) = check_file(dir.path(), "procedures/QP-7.5-02.yaml");
    assert_eq!(code, 1);
    // No flow-target for `next: ['5.4']` (a removed step would have renumbered the fourth
    // as 5.3) and no ref-not-cited for the citation in the step left out.
    assert_eq!(
        problems,
        vec![at("unknown-key", 21, 5), at("dept-unknown", 26, 9)]
    );
    assert_eq!(all.len(), problems.len(), "{all:#?}");
}

#[test]
fn a_left_out_record_leaves_no_link_error_on_the_form() {
    let dir = set("bad-record");
    let (code, problems, all) = check_file(dir.path(), "procedures/QP-7.5-01.yaml");
    assert_eq!(code, 1);
    assert_eq!(problems, vec![at("invalid-value", 31, 47)]);
    // Neither "the procedure does not list this form" on the form nor "cited but not listed
    // in records" on the procedure: both would only follow from the entry left out.
    assert_eq!(all.len(), problems.len(), "{all:#?}");
}

#[test]
fn a_syntax_error_still_stops_the_file_with_its_hint() {
    let dir = set("syntax");
    let (code, json) = check_json(dir.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let diagnostics: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "procedures/QP-7.5-01.yaml")
        .collect();
    assert_eq!(diagnostics.len(), 1, "{json:#}");
    let d = diagnostics[0];
    assert_eq!(
        (&d["code"], &d["line"], &d["column"]),
        (&"yaml-syntax".into(), &7.into(), &6.into())
    );
    assert_eq!(
        d["help"],
        "YAML needs an ASCII colon and a space after a key: `owner: 行政部`"
    );
}

#[test]
fn every_bad_value_of_docctl_yaml_is_reported() {
    let dir = set("config");
    let out = docctl()
        .arg("check")
        .arg(dir.path())
        .args(["--today", "2026-11-27"])
        .output()
        .unwrap();
    // A set is not checked against a configuration read without some of its values.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for place in ["docctl.yaml:5:25", "docctl.yaml:7:16", "docctl.yaml:8:7"] {
        assert!(stderr.contains(place), "{place} in\n{stderr}");
    }
    assert!(stderr.contains("3 problem(s)"), "{stderr}");
}

#[test]
fn build_does_not_render_a_document_with_bad_values() {
    let dir = set("three-problems");
    let out_dir = tempfile::TempDir::new().unwrap();
    let out = build(dir.path(), out_dir.path(), &["--to", "html,md"]);
    assert_eq!(out.status.code(), Some(1));
    let page = |p: &str| out_dir.path().join(p);
    assert!(page("procedures/QP-7.5-02.html").is_file());
    assert!(!page("procedures/QP-7.5-01.html").exists());
    assert!(!page("procedures/QP-7.5-01.md").exists());
    // The portal's problem page lists what check lists.
    let problems = fs::read_to_string(page("problems.html")).unwrap();
    assert!(problems.contains("工程部"), "{problems}");
    assert!(problems.contains("2026-9-1"), "{problems}");
}

#[test]
fn bad_values_are_reported_up_to_the_bound() {
    let dir = set("bad-step");
    let file = dir.path().join("procedures/QP-7.5-02.yaml");
    let bad_steps: String = (0..25)
        .map(|n| format!("  - {{text: 步骤{n}, parallel: 是}}\n"))
        .collect();
    let text = fs::read_to_string(&file)
        .unwrap()
        .replace("steps:\n", &format!("steps:\n{bad_steps}"));
    fs::write(&file, text).unwrap();
    let (code, problems, _) = check_file(dir.path(), "procedures/QP-7.5-02.yaml");
    assert_eq!(code, 1);
    // Twenty rounds, one bad value each; then the file is given up (not checked further).
    assert_eq!(problems.len(), 20, "{problems:#?}");
    assert!(problems.iter().all(|p| p.0 == "invalid-value"));
    assert_eq!(problems[19].1, 20 + 19);
}
