//! The revision record cannot be lost or forged (issue 11): one test per hole, named
//! `item_N_…` after the issue's list. Each fails on the code before the fix.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::docctl;

/// A new set from `docctl init`, in a temporary folder.
fn new_set() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    (dir, set)
}

/// Run docctl in a set's folder.
fn run(set: &Path, args: &[&str]) -> Output {
    docctl().args(args).current_dir(set).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A ledger releasing `id` at A/0 in `slug/A-0` with one YAML file.
fn ledger_with(id: &str, slug: &str) -> String {
    serde_json::json!({
        "format": 1,
        "documents": {
            id: {
                "kind": "procedure",
                "slug": slug,
                "releases": [{
                    "version": "A/0",
                    "title": "文件控制程序",
                    "effective": "2026-01-01",
                    "released": "2026-01-01",
                    "path": format!("{slug}/A-0"),
                    "content_sha256": "00",
                    "files": {format!("{slug}.yaml"): "00"}
                }]
            }
        }
    })
    .to_string()
}

/// Put QP-7.5-01's YAML into `published/QP-7.5-01/A-0/`, as a release would; return the
/// folder and the bytes.
fn release_folder(set: &Path) -> (PathBuf, Vec<u8>) {
    let release = set.join("published/QP-7.5-01/A-0");
    fs::create_dir_all(&release).unwrap();
    let yaml = fs::read(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    fs::write(release.join("QP-7.5-01.yaml"), &yaml).unwrap();
    (release, yaml)
}

#[cfg(unix)] // symbolic links: std::os::unix
#[test]
fn item_1_publish_never_deletes_what_it_did_not_write_nor_follows_links() {
    let (_dir, set) = new_set();
    let published = set.join("published");
    for folder in [".git", "scans/2025", "notes"] {
        fs::create_dir_all(published.join(folder)).unwrap();
    }
    fs::create_dir_all(set.join(".git")).unwrap();
    std::os::unix::fs::symlink("..", published.join("evil")).unwrap();
    fs::write(published.join("ledger.json"), ledger_with("evil", "evil")).unwrap();

    let out = run(&set, &["publish", "--date", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("published/evil is a symbolic link"), "{text}");
    assert!(
        text.contains("published/notes is not in the ledger"),
        "{text}"
    );
    for kept in [
        "procedures/QP-7.5-01.yaml",
        "forms",
        ".git",
        "published/.git",
        "published/scans/2025",
        "published/notes",
        "published/evil",
    ] {
        assert!(
            fs::symlink_metadata(set.join(kept)).is_ok(),
            "publish removed {kept}"
        );
    }
    // check reports the same, and verify reads nothing through the link.
    let out = run(&set, &["check", "--today", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("archive-unlisted"));
    let out = run(&set, &["publish", "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("read without following links"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn item_2_a_release_folder_missing_from_the_ledger_stops_check_and_publish() {
    let (_dir, set) = new_set();
    let (release, yaml) = release_folder(&set);
    // The entry was lost in a merge: the ledger lists nothing.
    fs::write(
        set.join("published/ledger.json"),
        "{\"format\": 1, \"documents\": {}}\n",
    )
    .unwrap();

    let out = run(&set, &["check", "--strict", "--today", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("error[archive-unlisted]: published/QP-7.5-01 is not in the ledger"),
        "{text}"
    );
    assert!(
        text.contains("restore published/ledger.json from git"),
        "{text}"
    );

    let out = run(&set, &["publish", "--date", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("docctl publish --recover"));
    assert_eq!(fs::read(release.join("QP-7.5-01.yaml")).unwrap(), yaml);
    // Nothing proves another run staged it, so --recover removes nothing either.
    let out = run(&set, &["publish", "--recover"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(release.join("QP-7.5-01.yaml").exists());
}

#[test]
fn item_13_the_ledger_cannot_point_outside_the_archive_nor_be_of_another_format() {
    let (_dir, set) = new_set();
    fs::create_dir_all(set.join("published")).unwrap();
    let mut ledger: serde_json::Value =
        serde_json::from_str(&ledger_with("QP-7.5-01", "QP-7.5-01")).unwrap();
    ledger["documents"]["QP-7.5-01"]["releases"][0]["path"] = "../../../../etc".into();
    fs::write(set.join("published/ledger.json"), ledger.to_string()).unwrap();
    for args in [
        &["publish", "--verify"][..],
        &["list", "--from-ledger"],
        &["check"],
    ] {
        let out = run(&set, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("is not the release folder `QP-7.5-01/A-0`"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    ledger["documents"]["QP-7.5-01"]["releases"][0]["path"] = "QP-7.5-01/A-0".into();
    ledger["format"] = 2.into();
    fs::write(set.join("published/ledger.json"), ledger.to_string()).unwrap();
    let out = run(&set, &["publish", "--verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ledger format 2 is not known"));

    // A release with no files listed does not verify over whatever is in its folder.
    ledger["format"] = 1.into();
    ledger["documents"]["QP-7.5-01"]["releases"][0]["files"] = serde_json::json!({});
    fs::write(set.join("published/ledger.json"), ledger.to_string()).unwrap();
    fs::create_dir_all(set.join("published/QP-7.5-01/A-0")).unwrap();
    fs::write(set.join("published/QP-7.5-01/A-0/QP-7.5-01.pdf"), "junk").unwrap();
    let out = run(&set, &["publish", "--verify"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("no archived files are listed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn item_13_verify_compares_the_folder_contents_with_the_ledger() {
    let (_dir, set) = new_set();
    let (release, yaml) = release_folder(&set);
    let doc: serde_json::Value = {
        let text = String::from_utf8(yaml.clone()).unwrap();
        let parsed = docctl::load::parse::<docctl::model::Procedure>("x", &text).unwrap();
        let hash = docctl::publish::content_hash(&docctl::model::Document::Procedure(parsed));
        let mut ledger: serde_json::Value =
            serde_json::from_str(&ledger_with("QP-7.5-01", "QP-7.5-01")).unwrap();
        let r = &mut ledger["documents"]["QP-7.5-01"]["releases"][0];
        r["content_sha256"] = hash.into();
        r["files"]["QP-7.5-01.yaml"] = docctl::publish::sha256(&yaml).into();
        ledger
    };
    fs::write(set.join("published/ledger.json"), doc.to_string()).unwrap();
    let out = run(&set, &["publish", "--verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A file the ledger does not list, in a release folder.
    fs::write(release.join("QP-7.5-01.pdf"), "junk").unwrap();
    let out = run(&set, &["publish", "--verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("QP-7.5-01.pdf is not a file the ledger lists"),
        "{}",
        stderr(&out)
    );
}

/// Replace `from` by `to` in a set's file.
fn edit(set: &Path, file: &str, from: &str, to: &str) {
    let path = set.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Return the codes of `check --format json` and its exit code.
fn check_codes(set: &Path, today: &str) -> (i32, Vec<(String, String)>) {
    let (code, json) = common::check_json(set, &["--today", today]);
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn item_3_a_version_bumped_by_hand_does_not_keep_the_old_signatures() {
    let (_dir, set) = new_set();
    let today = "2030-01-05";
    edit(
        &set,
        "procedures/QP-7.5-01.yaml",
        "旧版本标识为作废",
        "旧版本立即销毁",
    );
    edit(
        &set,
        "procedures/QP-7.5-01.yaml",
        "version: A/0",
        "version: A/1",
    );
    let text = fs::read_to_string(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    fs::write(
        set.join("procedures/QP-7.5-01.yaml"),
        format!("{text}  - {{version: A/1, date: 2030-01-05, change: 改, by: 张三}}\n"),
    )
    .unwrap();
    let (code, found) = check_codes(&set, today);
    assert_eq!(code, 1);
    let unbound: Vec<_> = found
        .iter()
        .filter(|(c, m)| c == "approval-missing" && m.contains("names no version"))
        .collect();
    assert_eq!(unbound.len(), 3, "{found:#?}");

    // Signatures that name A/0 do not count for A/1 either.
    for role in ["prepared", "reviewed", "approved"] {
        let path = set.join("procedures/QP-7.5-01.yaml");
        let text = fs::read_to_string(&path).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("  {role}: {{")))
            .unwrap();
        let bound = line.replace('}', ", version: A/0}");
        fs::write(&path, text.replace(line, &bound)).unwrap();
    }
    let (code, found) = check_codes(&set, today);
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "approval-missing" && m.contains("is for version A/0, not A/1")),
        "{found:#?}"
    );

    // Signed again through docctl, each signature names A/1 and the set checks clean.
    let path = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let start = text.find("approval:").unwrap();
    let end = text.find("distribution:").unwrap();
    let text = format!("{}approval: {{}}\n{}", &text[..start], &text[end..])
        .replace("status: effective", "status: draft");
    fs::write(&path, text).unwrap();
    common::approve(&set, "QP-7.5-01", "prepared", "张三", today);
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", today);
    common::approve(&set, "QP-7.5-01", "approved", "王五", today);
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("  approved: {name: 王五, date: 2030-01-05, version: A/1}"),
        "{text}"
    );
    let (code, found) = check_codes(&set, today);
    assert_eq!(code, 0, "{found:#?}");
}

#[test]
fn item_14_a_signature_dated_after_today_is_refused() {
    let (_dir, set) = new_set();
    let path = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("  approved: {"))
        .unwrap();
    fs::write(
        &path,
        text.replace(line, "  approved: {name: 王五, date: 9999-12-31}"),
    )
    .unwrap();
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    assert!(
        found.iter().any(|(c, m)| c == "approval-order"
            && m.contains("dated 9999-12-31, after today (2030-01-05)")),
        "{found:#?}"
    );
}

/// Add a copy of QP-7.5-01 under another id, title and file name.
fn add_copy(set: &Path, id: &str, file: &str, title: &str) {
    let text = fs::read_to_string(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    let text = text
        .replace("id: QP-7.5-01", &format!("id: '{id}'"))
        .replace("title: 文件控制程序", &format!("title: {title}"));
    fs::write(set.join("procedures").join(file), text).unwrap();
}

#[test]
fn item_4_ids_that_differ_only_in_separators_are_duplicates() {
    let (_dir, set) = new_set();
    add_copy(&set, "QP/9", "a.yaml", "甲程序");
    add_copy(&set, "QP-9", "b.yaml", "乙程序");
    add_copy(&set, "QP\\9", "c.yaml", "丙程序");
    add_copy(&set, "QP:9", "d.yaml", "丁程序");
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    let duplicates: Vec<_> = found.iter().filter(|(c, _)| c == "duplicate-id").collect();
    assert_eq!(duplicates.len(), 3, "{found:#?}");
    assert!(
        duplicates[0].1.contains("both become `QP-9`"),
        "{duplicates:#?}"
    );
}

#[test]
fn item_7_empty_and_blank_required_values_are_invalid() {
    let (_dir, set) = new_set();
    let file = "procedures/QP-7.5-01.yaml";
    edit(&set, file, "title: 文件控制程序", "title: \"\"");
    edit(
        &set,
        file,
        "purpose: 对质量",
        "purpose: \" \"\nx_purpose: 对质量",
    );
    edit(&set, file, "x_purpose: ", "# ");
    edit(
        &set,
        file,
        "reviewed: {name: 李四",
        "reviewed: {name: \"  \"",
    );
    edit(
        &set,
        file,
        "approved: {name: 王五",
        "approved: {name: \"\\u200b\"",
    );
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    let empty: Vec<&String> = found
        .iter()
        .filter(|(c, _)| c == "invalid-value")
        .map(|(_, m)| m)
        .collect();
    for what in ["title", "purpose", "reviewed name", "approved name"] {
        assert!(
            empty.iter().any(|m| **m == format!("the {what} is empty")),
            "{what}: {found:#?}"
        );
    }
    // A procedure without steps, and an empty id.
    let (_dir, set) = new_set();
    let text = fs::read_to_string(set.join(file)).unwrap();
    let start = text.find("steps:").unwrap();
    let end = text.find("related:").unwrap();
    let text =
        format!("{}steps: []\n{}", &text[..start], &text[end..]).replace("id: QP-7.5-01", "id: ''");
    fs::write(set.join(file), text).unwrap();
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "invalid-value" && m == "the procedure has no steps"),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "invalid-value" && m == "the id is empty"),
        "{found:#?}"
    );

    // The commands refuse empty names and messages.
    let (_dir, set) = new_set();
    for args in [
        &["revise", "QP-7.5-01", "--minor", "-m", "", "--by", "张三"][..],
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            "改",
            "--by",
            " \u{200b}",
        ],
    ] {
        let out = run(&set, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("is empty"), "{}", stderr(&out));
    }
    run(
        &set,
        &["revise", "QP-7.5-01", "--minor", "-m", "改", "--by", "张三"],
    );
    let out = run(
        &set,
        &["approve", "QP-7.5-01", "--as", "prepared", "--name", ""],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn item_9_invisible_characters_do_not_separate_the_approver_from_the_preparer() {
    let (_dir, set) = new_set();
    edit(
        &set,
        "procedures/QP-7.5-01.yaml",
        "approved: {name: 王五",
        "approved: {name: \"张\\u200b三\"",
    );
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    assert!(
        found.iter().any(|(c, _)| c == "approval-separation"),
        "{found:#?}"
    );
    // And through approve.
    let (_dir, set) = new_set();
    run(
        &set,
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            "改",
            "--by",
            "张三",
            "--date",
            "2030-01-02",
        ],
    );
    common::approve(&set, "QP-7.5-01", "prepared", "张三", "2030-01-02");
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", "2030-01-02");
    let out = run(
        &set,
        &[
            "approve",
            "QP-7.5-01",
            "--as",
            "approved",
            "--name",
            "张\u{200b}三 ",
            "--date",
            "2030-01-02",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("must be someone else"));
}

#[cfg(unix)] // symbolic links: std::os::unix
#[test]
fn item_6_a_link_to_a_file_outside_the_set_is_not_read() {
    let (dir, set) = new_set();
    let secret = dir.path().join("secret.yaml");
    fs::write(&secret, "id: TOP-SECRET-LINE\ntitle: 机密\n").unwrap();
    std::os::unix::fs::symlink(&secret, set.join("procedures/leak.yaml")).unwrap();
    // A link to a file inside the set is read like that file.
    fs::create_dir_all(set.join("shared")).unwrap();
    let text = fs::read_to_string(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    fs::write(
        set.join("shared/QP-7.5-09.yaml"),
        text.replace("id: QP-7.5-01", "id: QP-7.5-09")
            .replace("title: 文件控制程序", "title: 共享程序"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../shared/QP-7.5-09.yaml",
        set.join("procedures/QP-7.5-09.yaml"),
    )
    .unwrap();
    let out = run(
        &set,
        &["check", "--format", "github", "--today", "2030-01-05"],
    );
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!all.contains("TOP-SECRET-LINE"), "{all}");
    assert!(
        all.contains("is a symbolic link to a file outside the set"),
        "{all}"
    );
    // The link inside the set was read: its document is checked like any other.
    assert!(
        all.contains("file=procedures/QP-7.5-09.yaml,line=6"),
        "{all}"
    );
    assert!(!all.contains("io-error::`procedures/QP-7.5-09"), "{all}");
}

/// Run `record fill QR-7.5-01-01 record.json -o OUT` in a set, with extra arguments.
fn fill(set: &Path, record: &str, out: &Path, extra: &[&str]) -> Output {
    let path = set.join("record.json");
    fs::write(&path, record).unwrap();
    docctl()
        .args(["record", "fill", "QR-7.5-01-01", "record.json", "-o"])
        .arg(out)
        .args(extra)
        .current_dir(set)
        .output()
        .unwrap()
}

const RECORD: &str =
    r#"{"form": "QR-7.5-01-01", "version": "A/0", "values": {"doc_no.1": "QP-7.5-01"}}"#;

#[cfg(unix)] // symbolic links: std::os::unix
#[test]
fn item_8_record_fill_replaces_only_a_regular_file_outside_the_set() {
    let (dir, set) = new_set();
    fs::create_dir_all(set.join("output/forms")).unwrap();
    fs::write(set.join("output/forms/QR-7.5-01-01.pdf"), "blank form").unwrap();
    let form = fs::read(set.join("forms/QR-7.5-01-01.yaml")).unwrap();
    let out = fill(&set, RECORD, Path::new("/dev/null"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not a regular file"),
        "{}",
        stderr(&out)
    );
    assert!(!fs::metadata("/dev/null").unwrap().is_file());

    let link = dir.path().join("link.pdf");
    std::os::unix::fs::symlink(set.join("docctl.yaml"), &link).unwrap();
    let out = fill(&set, RECORD, &link, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    for inside in ["forms/QR-7.5-01-01.yaml", "output/forms/QR-7.5-01-01.pdf"] {
        let out = fill(&set, RECORD, Path::new(inside), &[]);
        assert_eq!(out.status.code(), Some(2), "{inside}");
        assert!(stderr(&out).contains("pass --force"), "{}", stderr(&out));
    }
    let out = fill(&set, RECORD, Path::new("published/x.pdf"), &["--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read(set.join("forms/QR-7.5-01-01.yaml")).unwrap(), form);
    assert_eq!(
        fs::read(set.join("output/forms/QR-7.5-01-01.pdf")).unwrap(),
        b"blank form"
    );
}

#[test]
fn item_14_a_record_value_is_limited_in_size() {
    let (dir, set) = new_set();
    let huge = "字".repeat(100_000);
    let record = RECORD.replace("\"QP-7.5-01\"", &format!("\"{huge}\""));
    let out = fill(&set, &record, &dir.path().join("filled.pdf"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds 100000 characters; a box of a form holds at most 10000"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("filled.pdf").exists());
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn item_10_a_released_document_leaves_only_through_withdraw() {
    let (_dir, set) = new_set();
    common::run_in(&set, &["publish", "--date", "2030-01-01"]);
    let file = set.join("procedures/QP-7.5-01.yaml");
    let yaml = fs::read(&file).unwrap();
    fs::remove_file(&file).unwrap();
    let (code, found) = check_codes(&set, "2030-01-05");
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "release-missing" && m.starts_with("QP-7.5-01 A/0")),
        "{found:#?}"
    );
    fs::write(&file, &yaml).unwrap();

    let out = run(&set, &["withdraw", "QP-7.5-01", "-m", "", "--by", "王五"]);
    assert_eq!(out.status.code(), Some(2));
    common::run_in(
        &set,
        &[
            "withdraw",
            "QP-7.5-01",
            "-m",
            "并入记录控制程序",
            "--by",
            "王五",
            "--date",
            "2030-01-02",
        ],
    );
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("\nstatus: obsolete\n")
    );
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    assert_eq!(
        ledger["documents"]["QP-7.5-01"]["releases"][0]["superseded"],
        serde_json::json!({"date": "2030-01-02", "reason": "并入记录控制程序", "withdrawn_by": "王五"})
    );
    fs::remove_file(&file).unwrap();
    let (_, found) = check_codes(&set, "2030-01-05");
    assert!(
        !found.iter().any(|(c, _)| c == "release-missing"),
        "{found:#?}"
    );
    common::run_in(
        &set,
        &[
            "list",
            "--from-ledger",
            "--to",
            "csv",
            "--today",
            "2030-01-05",
        ],
    );
    let csv = fs::read_to_string(set.join("output/lists/released/受控文件清单.csv")).unwrap();
    assert!(
        csv.contains("作废 · 撤销 (2030-01-02) 王五：并入记录控制程序"),
        "{csv}"
    );
}

#[test]
fn item_11_import_force_never_replaces_an_effective_document() {
    let (dir, set) = new_set();
    let seed = fs::read_to_string(common::fixture("import/000_6c6fca84e08ef85a.txt")).unwrap();
    let passage: Vec<&str> = seed.lines().collect();
    let txt = dir.path().join("one.txt");
    fs::write(&txt, passage[7..12].join("\n")).unwrap();
    let import = |force: bool| {
        let mut args = vec!["import", txt.to_str().unwrap(), "-o", "procedures"];
        if force {
            args.push("--force");
        }
        run(&set, &args)
    };
    let out = import(false);
    assert!(out.status.success(), "{}", stderr(&out));
    // Its own draft is replaced with --force.
    let out = import(true);
    assert!(out.status.success(), "{}", stderr(&out));
    let draft = fs::read_dir(set.join("procedures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            fs::read_to_string(p)
                .unwrap()
                .contains("# import: drafted by")
        })
        .unwrap();
    // Once someone made it effective, not even --force replaces it.
    let text = fs::read_to_string(&draft)
        .unwrap()
        .replace("status: draft", "status: effective");
    fs::write(&draft, &text).unwrap();
    let out = import(true);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("import replaces only drafts it wrote itself"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&draft).unwrap(), text);
}

#[test]
fn item_12_a_git_revision_is_never_passed_as_an_option() {
    let (dir, set) = new_set();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&set)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    let target = dir.path().join("written-by-git.txt");
    let from = format!("git:--output={}", target.display());
    let out = run(
        &set,
        &["diff", "QP-7.5-01", "--from", &from, "--format", "html"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not a revision"),
        "{}",
        stderr(&out)
    );
    let written: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("written-by-git"))
        .collect();
    assert!(written.is_empty(), "git wrote {written:?}");
    let out = run(
        &set,
        &[
            "diff",
            "QP-7.5-01",
            "--from",
            "git:nosuchbranch",
            "--format",
            "html",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("does not name a commit"),
        "{}",
        stderr(&out)
    );
    // A real revision still works.
    edit(
        &set,
        "procedures/QP-7.5-01.yaml",
        "旧版本标识为作废",
        "旧版本立即销毁",
    );
    let out = run(
        &set,
        &[
            "diff",
            "QP-7.5-01",
            "--from",
            "git:HEAD",
            "--format",
            "html",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn item_14_yaml_tags_are_refused_and_a_tab_is_reported_on_its_line() {
    let (_dir, set) = new_set();
    let file = "procedures/QP-7.5-01.yaml";
    let clean = fs::read_to_string(set.join(file)).unwrap();
    // Text that merely contains `!` is not a tag.
    edit(
        &set,
        file,
        "title: 文件控制程序",
        "title: '!重要' # !!not a tag\naliases: [注意!, \"!x\"]",
    );
    let (_, found) = check_codes(&set, "2030-01-05");
    assert!(!found.iter().any(|(c, _)| c == "yaml-syntax"), "{found:#?}");
    fs::write(set.join(file), &clean).unwrap();
    edit(
        &set,
        file,
        "title: 文件控制程序",
        "title: !!binary 5paH5Lu2",
    );
    let (code, json) = common::check_json(&set, &["--today", "2030-01-05"]);
    assert_eq!(code, 1);
    let found = common::found(&json);
    assert!(
        found
            .iter()
            .any(|f| f.code == "yaml-syntax" && f.line == 3 && f.column == 8),
        "{json:#}"
    );
    // A tab indenting line 24 is reported on line 24, not on the line before.
    let lines: Vec<String> = clean
        .lines()
        .map(|l| {
            if l.starts_with("    text: 文件更改") {
                format!("\t{}", &l[4..])
            } else {
                l.to_owned()
            }
        })
        .collect();
    let tab_line = lines.iter().position(|l| l.starts_with('\t')).unwrap() as u64 + 1;
    fs::write(set.join(file), lines.join("\n")).unwrap();
    let (_, json) = common::check_json(&set, &["--today", "2030-01-05"]);
    let found = common::found(&json);
    assert!(
        found
            .iter()
            .any(|f| f.code == "yaml-syntax" && f.line == tab_line && f.column == 1),
        "{json:#}"
    );
}

#[test]
fn item_14_minor_version_overflow_is_an_error() {
    let (_dir, set) = new_set();
    let file = "procedures/QP-7.5-01.yaml";
    edit(&set, file, "version: A/0", "version: A/4294967295");
    edit(&set, file, "{version: A/0,", "{version: A/4294967295,");
    let out = run(
        &set,
        &["revise", "QP-7.5-01", "--minor", "-m", "改", "--by", "张三"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no minor successor"),
        "{}",
        stderr(&out)
    );
    assert!(
        fs::read_to_string(set.join(file))
            .unwrap()
            .contains("version: A/4294967295")
    );
}

#[test]
fn item_14_a_formula_in_a_title_stays_text_in_the_csv_list() {
    let (_dir, set) = new_set();
    edit(
        &set,
        "procedures/QP-7.5-01.yaml",
        "title: 文件控制程序",
        "title: '=HYPERLINK(\"http://evil\",\"x\")'",
    );
    common::run_in(&set, &["list", "--to", "csv"]);
    let csv = fs::read_to_string(set.join("output/lists/受控文件清单.csv")).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        "{csv}"
    );
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"),
        "{csv}"
    );
}

#[test]
fn item_14_simultaneous_publishes_never_call_a_live_lock_interrupted() {
    let (_dir, set) = new_set();
    fs::create_dir_all(set.join("published")).unwrap();
    // `ack` takes the archive's lock like publish; twelve at once, five times.
    for _ in 0..5 {
        let children: Vec<_> = (0..12)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_docctl"))
                    .args(["ack", "QP-7.5-01", "--of", "QR-7.5-01-01", "--by", "张三"])
                    .current_dir(&set)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let text = stderr(&out);
            assert!(
                !text.contains("is not running"),
                "a live lock was called interrupted: {text}"
            );
        }
        assert!(!set.join("published/.lock").exists());
    }
}
