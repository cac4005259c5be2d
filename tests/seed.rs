//! The shipped set checks clean; the seed transcribed as-is reports each of its mistakes.

mod common;

use common::{Found, check_json, fixture, found, repo};

#[test]
fn shipped_set_checks_clean() {
    let (code, json) = check_json(&repo(), &["--today", "2026-11-27", "--strict"]);
    let found = found(&json);
    assert_eq!(found, vec![], "{json:#}");
    assert_eq!(code, 0);
    assert!(
        json["summary"]["documents"].as_u64().unwrap() >= 25,
        "{}",
        json["summary"]
    );
}

#[test]
fn seed_as_is_reports_every_mistake_at_its_line() {
    let dir = fixture("seed-as-is");
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut expected: Vec<Found> = expected
        .iter()
        .map(|e| Found {
            code: e["code"].as_str().unwrap().to_owned(),
            file: e["file"].as_str().unwrap().to_owned(),
            line: e["line"].as_u64().unwrap(),
            column: e["column"].as_u64().unwrap(),
        })
        .collect();
    expected.sort();
    let (code, json) = check_json(&dir, &["--today", "2026-11-27"]);
    let mut reported = found(&json);
    reported.sort();
    assert_eq!(reported, expected);
    assert_eq!(code, 1);
    let codes: std::collections::BTreeSet<&str> =
        expected.iter().map(|e| e.code.as_str()).collect();
    for wanted in [
        "ref-unresolved",
        "ref-bracket",
        "ref-alias",
        "ref-not-listed",
        "dept-alias",
        "duplicate-title",
    ] {
        assert!(
            codes.contains(wanted),
            "the seed's mistakes include {wanted}"
        );
    }
    // The misspelt CAPA title gets a did-you-mean.
    let capa = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["code"] == "ref-unresolved"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("糾正與預防管理程序")
        })
        .expect("the misspelt 糾正與預防管理程序 is reported");
    assert!(
        capa["help"]
            .as_str()
            .unwrap()
            .contains("纠正与预防措施管理程序"),
        "{capa:#}"
    );
}

#[test]
fn human_output_gives_true_columns_on_long_lines() {
    // Line 41 of this file is 260 characters long and cites the same form twice; the `-->` line
    // must give each citation's own column, not one inside a shortened excerpt.
    let out = common::docctl()
        .args([
            "check",
            "tests/fixtures/seed-as-is",
            "--today",
            "2026-11-27",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--> procedures/QP-8.2-01.yaml:41:68"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> procedures/QP-8.2-01.yaml:41:174"),
        "{stderr}"
    );
}
