//! YAML typed on a Chinese keyboard: each slip is named at its column with the fix.

mod common;

use common::{check_json, copy_dir, fixture};

/// Apply `edit` to the valid set's QP-7.5-01 and return the first diagnostic's
/// (code, line, column, message, help).
fn slip(old: &str, new: &str) -> (String, u64, u64, String, String) {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture("valid"), tmp.path());
    let file = tmp.path().join("procedures/QP-7.5-01.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(old), "{old}");
    std::fs::write(&file, text.replacen(old, new, 1)).unwrap();
    let (code, json) = check_json(tmp.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "procedures/QP-7.5-01.yaml")
        .expect("a diagnostic on the edited file")
        .clone();
    let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
    (
        s("code"),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
        s("message"),
        s("help"),
    )
}

#[test]
fn a_full_width_colon_after_a_key() {
    let (code, line, column, message, help) = slip("owner: 行政部", "owner：行政部");
    assert_eq!((code.as_str(), line, column), ("yaml-syntax", 7, 6));
    assert_eq!(message, "full-width colon `：` after the key `owner`");
    assert_eq!(
        help,
        "YAML needs an ASCII colon and a space after a key: `owner: 行政部`"
    );
}

#[test]
fn an_ascii_colon_inside_a_sentence() {
    let (code, line, column, message, help) = slip(
        "purpose: 对体系文件进行控制",
        "purpose: 文件编号规则如下: 对体系文件进行控制",
    );
    assert_eq!((code.as_str(), line, column), ("yaml-syntax", 15, 18));
    assert!(
        message.contains("`: ` inside the text of `purpose`"),
        "{message}"
    );
    assert!(
        help.contains("`purpose: \"文件编号规则如下: …\"`"),
        "{help}"
    );
    assert!(help.contains("full-width (`：`)"), "{help}");
}

#[test]
fn full_width_spaces_in_the_indentation() {
    let (code, line, column, message, help) = slip("  prepared:", "　prepared:");
    assert_eq!((code.as_str(), line, column), ("yaml-syntax", 11, 1));
    assert_eq!(message, "full-width space `　` in the indentation");
    assert!(help.contains("ASCII spaces"), "{help}");
}

#[test]
fn typographic_quotes_used_as_yaml_quotes() {
    let (code, line, column, message, help) = slip(
        "scope: 适用于公司质量管理体系文件。",
        "scope: “适用于: 公司质量管理体系文件。”: 全部",
    );
    assert_eq!((code.as_str(), line, column), ("yaml-syntax", 16, 8));
    assert_eq!(message, "`“` does not quote a YAML value");
    assert_eq!(help, "quote with ASCII double quotes: `scope: \"…\"`");
}

#[test]
fn a_date_with_one_digit_and_a_date_off_the_calendar() {
    let (code, line, column, message, _) = slip("effective: 2026-09-01", "effective: 2026-9-1");
    assert_eq!((code.as_str(), line, column), ("invalid-value", 6, 12));
    assert!(
        message.contains("two digits for month and day (2026-09-01?)"),
        "{message}"
    );
    let (code, _, _, message, _) = slip("effective: 2026-09-01", "effective: 2026-02-30");
    assert_eq!(code, "invalid-value");
    assert!(
        message.contains("not a day of the calendar, 2026-02 has 28 days"),
        "{message}"
    );
}

#[test]
fn a_step_names_several_departments_with_the_enumeration_comma() {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture("valid"), tmp.path());
    let file = tmp.path().join("procedures/QP-7.5-01.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("    by: 行政部", "    by: 行政部、品质部", 1),
    )
    .unwrap();
    let (code, json) = check_json(tmp.path(), &["--today", "2026-11-27", "--strict"]);
    assert_eq!(code, 0, "{json:#}");
    // Each name is checked on its own, at its own column; a far name gets no suggestion.
    std::fs::write(
        &file,
        text.replacen("    by: 行政部", "    by: 行政部、工程部", 1),
    )
    .unwrap();
    let (code, json) = check_json(tmp.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "dept-unknown");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(22), Some(13))
    );
    assert_eq!(
        d["help"],
        "add it to `departments` (or `department_aliases`) in docctl.yaml"
    );
}
