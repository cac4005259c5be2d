//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The docctl binary, run in the repository.
pub fn docctl() -> Command {
    let mut cmd = Command::cargo_bin("docctl").expect("the docctl binary is built");
    cmd.current_dir(repo());
    cmd
}

/// Run `docctl check DIR --format json ARGS` and return the exit code and the parsed JSON.
pub fn check_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let output: Output = docctl()
        .arg("check")
        .arg(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("docctl runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json printed no JSON ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), json)
}

/// One reported diagnostic, reduced to what tests compare.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub code: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
}

/// Return the diagnostics of a check as `Found` values.
pub fn found(json: &serde_json::Value) -> Vec<Found> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics is an array")
        .iter()
        .map(|d| Found {
            code: d["code"].as_str().unwrap_or_default().to_owned(),
            file: d["file"].as_str().unwrap_or_default().to_owned(),
            line: d["line"].as_u64().unwrap_or_default(),
            column: d["column"].as_u64().unwrap_or_default(),
        })
        .collect()
}

/// Return whether typst was found when the tests were built (build.rs probes it; with
/// DOCCTL_REQUIRE_TYPST=1 a missing typst fails the build). Whole tests that need typst are
/// marked `#[cfg_attr(docctl_no_typst, ignore = "needs typst …")]` instead, so cargo's summary
/// counts them as ignored; this is for the optional PDF part of a test that runs either way.
pub fn typst_available() -> bool {
    let ok = !cfg!(docctl_no_typst);
    if !ok {
        eprintln!(
            "\n*** SKIPPED: typst is not installed (run scripts/setup.sh); PDF checks did not run ***\n"
        );
    }
    ok
}

/// Run a script of tests/browser with node; panic with its output when it fails.
pub fn run_browser_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .args(args)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Copy a folder (a fixture set) into another.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Run `docctl build SET --out OUT --today 2026-11-27 EXTRA…`.
pub fn build(set: &Path, out: &Path, extra: &[&str]) -> Output {
    docctl()
        .arg("build")
        .arg(set)
        .arg("--out")
        .arg(out)
        .args(["--today", "2026-11-27"])
        .args(extra)
        .output()
        .unwrap()
}

/// `build` that must succeed (its stderr is the failure message).
pub fn build_ok(set: &Path, out: &Path, extra: &[&str]) {
    let result = build(set, out, extra);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Run docctl in a set's folder and insist that it succeeds; return its output.
pub fn run_in(set: &Path, args: &[&str]) -> Output {
    let out = docctl().args(args).current_dir(set).output().unwrap();
    assert!(
        out.status.success(),
        "docctl {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Sign a document as `role` (prepared, reviewed, approved) on `date`.
pub fn approve(set: &Path, id: &str, role: &str, name: &str, date: &str) -> Output {
    run_in(
        set,
        &["approve", id, "--as", role, "--name", name, "--date", date],
    )
}

/// The text of a PDF (or of one 1-based page) by `pdftotext`.
pub fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = std::process::Command::new("pdftotext");
    if let Some(page) = page {
        cmd.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The page count of a PDF by `pdfinfo`.
pub fn pages(pdf: &Path) -> usize {
    let out = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}
