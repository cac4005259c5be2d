//! The revision record cannot be lost or forged (issue 11): one test per hole, named
//! `item_N_…` after the list. Each fails on the code before the fix.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::docctl;

/// A new set from `docctl init`, in a temporary folder.
fn new_set() -> (assert_fs::TempDir, PathBuf) {
    let dir = assert_fs::TempDir::new().unwrap();
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
    let release = set.join("published/QP-7.5-01/A-0");
    fs::create_dir_all(&release).unwrap();
    let yaml = fs::read(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    fs::write(release.join("QP-7.5-01.yaml"), &yaml).unwrap();
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
    let release = set.join("published/QP-7.5-01/A-0");
    fs::create_dir_all(&release).unwrap();
    let yaml = fs::read(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    fs::write(release.join("QP-7.5-01.yaml"), &yaml).unwrap();
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
