//! `docctl publish`: an interrupted publish — a failed write at every step, or the process
//! killed part-way — leaves the archive and the ledger as they were; a second publish at the
//! same time is refused by the lock.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::docctl;

/// Every file under `published/`, with its bytes.
fn snapshot(set: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(set.join("published")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(set).unwrap();
            files.insert(
                rel.to_string_lossy().into_owned(),
                fs::read(entry.path()).unwrap(),
            );
        }
    }
    files
}

/// Assert that the release folders hold exactly the files the ledger lists, each with its
/// recorded SHA-256; return how many files there are.
fn assert_archive_matches_ledger(set: &Path) -> usize {
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    let mut listed = BTreeMap::new();
    for doc in ledger["documents"].as_object().unwrap().values() {
        for release in doc["releases"].as_array().unwrap() {
            let path = release["path"].as_str().unwrap();
            for (name, hash) in release["files"].as_object().unwrap() {
                listed.insert(
                    format!("published/{path}/{name}"),
                    hash.as_str().unwrap().to_owned(),
                );
            }
        }
    }
    let archived: BTreeMap<String, String> = snapshot(set)
        .into_iter()
        .filter(|(path, _)| path != "published/ledger.json")
        .map(|(path, bytes)| (path, docctl::publish::sha256(&bytes)))
        .collect();
    assert_eq!(archived, listed, "the archive and the ledger disagree");
    listed.len()
}

/// A new set, published once (A/0), with QP-7.5-01 revised and approved as A/1, ready for a
/// second publish.
fn set_with_a_pending_revision() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    let run = |args: &[&str]| {
        docctl().args(args).current_dir(&set).assert().success();
    };
    run(&["publish", "--date", "2030-01-01"]);
    let file = set.join("procedures/QP-7.5-01.yaml");
    run(&[
        "revise",
        "QP-7.5-01",
        "--minor",
        "-m",
        "书面批准",
        "--by",
        "张三",
        "--date",
        "2030-01-02",
    ]);
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("经原审批人批准", "经原审批人书面批准")).unwrap();
    common::approve(&set, "QP-7.5-01", "prepared", "张三", "2030-01-02");
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", "2030-01-02");
    common::approve(&set, "QP-7.5-01", "approved", "王五", "2030-01-02");
    (dir, set)
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_failed_write_at_any_step_leaves_the_archive_as_it_was() {
    let (_dir, set) = set_with_a_pending_revision();
    let before = snapshot(&set);
    assert_eq!(assert_archive_matches_ledger(&set), 6);
    // One release: the YAML, the HTML and the PDF staged, one rename, the ledger.
    let mut failures = 0;
    for n in 0.. {
        let out = docctl()
            .args(["publish", "--date", "2030-01-03"])
            .current_dir(&set)
            .env("DOCCTL_FAIL_AFTER_WRITES", n.to_string())
            .output()
            .unwrap();
        if out.status.success() {
            break;
        }
        failures += 1;
        assert_eq!(out.status.code(), Some(2), "write {n}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("injected write failure"), "{stderr}");
        assert_eq!(
            snapshot(&set),
            before,
            "failure at write {n} changed the archive"
        );
        let leftovers: Vec<_> = fs::read_dir(set.join("published"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "write {n} left {leftovers:?}");
        assert!(n < 10, "publish never succeeded");
    }
    assert_eq!(failures, 5);
    assert_eq!(assert_archive_matches_ledger(&set), 9);
}

/// Start a publish that stops before its n-th write, and wait until it says so.
fn publish_stopped_at(set: &Path, n: usize) -> std::process::Child {
    let log = set.join("publish.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_docctl"))
        .args(["publish", "--date", "2030-01-03"])
        .current_dir(set)
        .env("DOCCTL_HANG_AFTER_WRITES", n.to_string())
        .stdin(Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    loop {
        if fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("waiting to be killed")
        {
            return child;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "publish ended ({status}) before its write {n}: {}",
                fs::read_to_string(&log).unwrap()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_killed_publish_leaves_the_ledger_and_its_files_intact() {
    let (_dir, set) = set_with_a_pending_revision();
    let ledger = fs::read(set.join("published/ledger.json")).unwrap();
    // Killed while staging (before the PDF) and after the release folder was moved into
    // place but before the ledger was written.
    for n in [2, 4] {
        let mut child = publish_stopped_at(&set, n);
        // Meanwhile a second publish is refused by the lock.
        let second = docctl().arg("publish").current_dir(&set).output().unwrap();
        assert_eq!(second.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&second.stderr).contains("is publishing now"));
        child.kill().unwrap();
        child.wait().unwrap();

        assert_eq!(fs::read(set.join("published/ledger.json")).unwrap(), ledger);
        let listed = assert_archive_matches_ledger_or_leftover(&set);
        assert_eq!(listed, 6);
        // The lock of the killed process is left; the next publish explains it, and
        // --recover removes exactly what the killed run staged.
        let out = docctl().arg("publish").current_dir(&set).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("a publish was interrupted"), "{stderr}");
        assert!(stderr.contains("docctl publish --recover"), "{stderr}");
        docctl()
            .args(["publish", "--recover"])
            .current_dir(&set)
            .assert()
            .success();
        assert_eq!(assert_archive_matches_ledger(&set), 6);
        docctl()
            .args(["publish", "--verify"])
            .current_dir(&set)
            .assert()
            .success();
    }
    let out = docctl()
        .args(["publish", "--date", "2030-01-03"])
        .current_dir(&set)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(assert_archive_matches_ledger(&set), 9);
    assert!(!set.join("published/.lock").exists());
}

/// Like `assert_archive_matches_ledger`, but release folders a killed publish moved into
/// place are allowed when the ledger does not list them: the ledger is the commit point.
fn assert_archive_matches_ledger_or_leftover(set: &Path) -> usize {
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    let mut count = 0;
    for doc in ledger["documents"].as_object().unwrap().values() {
        for release in doc["releases"].as_array().unwrap() {
            let path = release["path"].as_str().unwrap();
            for (name, hash) in release["files"].as_object().unwrap() {
                let bytes = fs::read(set.join("published").join(path).join(name)).unwrap();
                assert_eq!(&docctl::publish::sha256(&bytes), hash.as_str().unwrap());
                count += 1;
            }
        }
    }
    count
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn publishing_again_is_a_no_op_and_a_changed_release_is_refused() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    docctl()
        .args(["publish", "--date", "2030-01-01"])
        .current_dir(&set)
        .assert()
        .success();
    let before = snapshot(&set);
    let again = docctl().arg("publish").current_dir(&set).output().unwrap();
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("nothing to publish: 2 released revision(s) unchanged")
    );
    assert_eq!(snapshot(&set), before);
    // Formatting and comments are not content: still nothing to publish.
    let file = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replace("title: 文件控制程序", "title: \"文件控制程序\"   # 标题"),
    )
    .unwrap();
    docctl().arg("publish").current_dir(&set).assert().success();
    assert_eq!(snapshot(&set), before);
    // A changed text under the released version is refused, and nothing is written.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("旧版本标识为作废", "旧版本立即销毁")).unwrap();
    let out = docctl().arg("publish").current_dir(&set).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("QP-7.5-01 A/0 was released on 2030-01-01"),
        "{stderr}"
    );
    assert!(
        stderr.contains("a released revision is never rewritten"),
        "{stderr}"
    );
    assert_eq!(snapshot(&set), before);
    assert!(
        !set.join("published/.lock").exists(),
        "the lock outlived a refusal"
    );
}

/// A tiny random number source (xorshift), seeded from the clock.
fn random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Make QP-7.5-01 the next pending revision (revised and signed, not published).
fn revise_again(set: &Path, round: usize) {
    common::run_in(
        set,
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            &format!("第 {round} 次修订"),
            "--by",
            "张三",
            "--date",
            "2030-01-03",
        ],
    );
    common::approve(set, "QP-7.5-01", "prepared", "张三", "2030-01-03");
    common::approve(set, "QP-7.5-01", "reviewed", "李四", "2030-01-03");
    common::approve(set, "QP-7.5-01", "approved", "王五", "2030-01-03");
}

/// `kill -9` at a random moment of a publish, ≥ 50 rounds (DOCCTL_KILL_ROUNDS to change):
/// after each, `--recover` (when a lock was left) and `--verify` succeed and the release
/// folders hold exactly the files the ledger lists with their hashes.
#[test]
#[ignore = "slow (about a second a round): cargo test --test publish -- --ignored; needs typst"]
fn random_kill_rounds_leave_a_verifiable_archive() {
    let rounds: usize = std::env::var("DOCCTL_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let (_dir, set) = set_with_a_pending_revision();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let (mut killed, mut finished) = (0, 0);
    for round in 0..rounds {
        let ledger_before = fs::read(set.join("published/ledger.json")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_docctl"))
            .args(["publish", "--date", "2030-01-03"])
            .current_dir(&set)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let wait = random(&mut seed) % 900;
        std::thread::sleep(std::time::Duration::from_millis(wait));
        match child.try_wait().unwrap() {
            Some(status) => {
                let mut log = String::new();
                if let Some(mut err) = child.stderr.take() {
                    std::io::Read::read_to_string(&mut err, &mut log).unwrap();
                }
                assert!(status.success(), "round {round}: publish failed: {log}");
                finished += 1;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
            }
        }
        let pending = fs::read_dir(set.join("published")).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".lock")
        });
        if pending {
            let recover = docctl()
                .args(["publish", "--recover"])
                .current_dir(&set)
                .output()
                .unwrap();
            assert!(
                recover.status.success(),
                "round {round} (killed after {wait} ms): {}",
                String::from_utf8_lossy(&recover.stderr)
            );
        }
        let verify = docctl()
            .args(["publish", "--verify"])
            .current_dir(&set)
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "round {round} (killed after {wait} ms): {}",
            String::from_utf8_lossy(&verify.stderr)
        );
        assert_archive_matches_ledger(&set);
        let ledger_after = fs::read(set.join("published/ledger.json")).unwrap();
        if ledger_after != ledger_before {
            revise_again(&set, round);
        }
    }
    eprintln!("{rounds} rounds: {killed} killed part-way, {finished} finished");
    assert!(killed > 0, "no round was killed part-way");
}

#[test]
fn a_malformed_ledger_stops_check_with_exit_2() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    fs::create_dir_all(set.join("published")).unwrap();
    fs::write(
        set.join("published/ledger.json"),
        "{\"format\": 1,\n<<<<<<< HEAD\n",
    )
    .unwrap();
    let out = docctl().arg("check").arg(&set).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ledger.json:2:1: the ledger is not valid"),
        "{stderr}"
    );
    assert!(stderr.contains("restore it from git"), "{stderr}");
}
