//! Windows files: a set saved with CRLF line endings and a byte order mark (as Notepad and
//! most Windows editors do) loads, builds and reports problems exactly like the same set
//! saved with LF.

mod common;

use std::fs;
use std::path::Path;

use common::{build, check_json, copy_dir, found, repo};

/// Rewrite every YAML file under `dir` as Notepad saves it: CRLF line endings, and a UTF-8
/// byte order mark before UTF-8 text.
fn to_crlf(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let bytes = fs::read(&path).unwrap();
            if bytes.contains(&b'\r') {
                continue;
            }
            let mut crlf = Vec::with_capacity(bytes.len() + 64);
            if std::str::from_utf8(&bytes).is_ok() && !bytes.starts_with(b"\xEF\xBB\xBF") {
                crlf.extend_from_slice(b"\xEF\xBB\xBF");
            }
            for b in bytes {
                if b == b'\n' {
                    crlf.push(b'\r');
                }
                crlf.push(b);
            }
            fs::write(&path, crlf).unwrap();
        }
    }
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_crlf_set_builds_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = dir.path().join("crlf");
    copy_dir(&repo().join("tests/fixtures/valid"), &crlf);
    to_crlf(&crlf);
    let (lf_out, crlf_out) = (dir.path().join("lf-out"), dir.path().join("crlf-out"));
    for (set, out) in [
        (repo().join("tests/fixtures/valid"), &lf_out),
        (crlf.clone(), &crlf_out),
    ] {
        let output = build(&set, out, &["--to", "html,md,docx"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let (lf, crlf) = (files(&lf_out), files(&crlf_out));
    assert!(lf.len() > 10, "{} files", lf.len());
    assert_eq!(lf.len(), crlf.len());
    for ((name, a), (other, b)) in lf.iter().zip(&crlf) {
        assert_eq!(name, other);
        assert!(a == b, "{name} differs between the LF and the CRLF set");
        assert!(
            !b.contains(&b'\r') || name.ends_with(".docx"),
            "{name} has a CR"
        );
    }
}

#[test]
fn crlf_problems_point_at_the_same_line_and_column() {
    let mut compared = 0;
    for entry in fs::read_dir(repo().join("tests/fixtures/invalid")).unwrap() {
        let fixture = entry.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        let crlf = dir.path().join("set");
        copy_dir(&fixture, &crlf);
        to_crlf(&crlf);
        let (lf_code, lf_json) = check_json(&fixture, &["--today", "2026-11-27"]);
        let (crlf_code, crlf_json) = check_json(&crlf, &["--today", "2026-11-27"]);
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(lf_code, crlf_code, "{name}");
        assert_eq!(found(&lf_json), found(&crlf_json), "{name}");
        compared += 1;
    }
    assert!(compared > 20, "{compared} fixtures");
}
