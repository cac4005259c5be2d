//! What a CI job sees: paths that code-scanning tools resolve from the repository root,
//! results that do not change with the calendar, and an empty set that fails.

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::{copy_dir, docctl, fixture};

/// Make a git repository holding the `dept-alias` fixture at `docs/qms`; return its top.
fn repo_with_set_below_top(top: &Path) -> std::path::PathBuf {
    let set = top.join("docs/qms");
    copy_dir(&fixture("invalid/dept-alias"), &set);
    let git = Process::new("git")
        .args(["init", "-q"])
        .current_dir(top)
        .status()
        .expect("git runs");
    assert!(git.success());
    set
}

fn check(cwd: &Path, dir: &str, format: &str, extra: &[&str]) -> String {
    let out = docctl()
        .current_dir(cwd)
        .args(["check", dir, "--format", format, "--today", "2026-11-27"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

const FILE: &str = "docs/qms/procedures/QP-7.5-02.yaml";

#[test]
fn github_paths_start_at_the_repository_root_wherever_docctl_runs() {
    let tmp = assert_fs::TempDir::new().unwrap();
    let set = repo_with_set_below_top(tmp.path());
    let from_top = check(tmp.path(), "docs/qms", "github", &[]);
    let from_inside = check(&set, ".", "github", &[]);
    let from_procedures = check(&set.join("procedures"), "..", "github", &[]);
    for out in [&from_top, &from_inside, &from_procedures] {
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("::warning file={FILE},line=7,col=8,")),
            "{first}"
        );
    }
    let explicit = check(&set, ".", "github", &["--path-prefix", "elsewhere/qms/"]);
    assert!(
        explicit.starts_with("::warning file=elsewhere/qms/procedures/QP-7.5-02.yaml,"),
        "{explicit}"
    );
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_with_its_base() {
    let tmp = assert_fs::TempDir::new().unwrap();
    let set = repo_with_set_below_top(tmp.path());
    let top = tmp.path().canonicalize().unwrap();
    for (cwd, dir) in [(tmp.path(), "docs/qms"), (set.as_path(), ".")] {
        let sarif: serde_json::Value =
            serde_json::from_str(&check(cwd, dir, "sarif", &[])).unwrap();
        let run = &sarif["runs"][0];
        let location = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uri"], FILE);
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            format!("file://{}/", top.display())
        );
    }
}

#[test]
fn outside_git_the_folder_as_given_is_the_prefix() {
    let tmp = assert_fs::TempDir::new().unwrap();
    let set = tmp.path().join("qms");
    copy_dir(&fixture("invalid/dept-alias"), &set);
    let out = docctl()
        .current_dir(tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .args([
            "check",
            "qms",
            "--format",
            "github",
            "--today",
            "2026-11-27",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("::warning file=qms/procedures/QP-7.5-02.yaml,"),
        "{stdout}"
    );
}

#[test]
fn strict_does_not_change_with_the_calendar() {
    let dir = fixture("invalid/review-overdue");
    let run = |args: &[&str]| {
        docctl()
            .arg("check")
            .arg(&dir)
            .args(["--today", "2028-01-01"])
            .args(args)
            .output()
            .unwrap()
    };
    // The reviews are overdue on 2028-01-01: a warning that --strict alone does not promote.
    let strict = run(&["--strict"]);
    assert_eq!(strict.status.code(), Some(0), "{strict:?}");
    assert!(String::from_utf8_lossy(&strict.stderr).contains("review-overdue"));
    let promoted = run(&["--strict", "--review-as-error"]);
    assert_eq!(promoted.status.code(), Some(1));
    assert_eq!(run(&["--review-as-error"]).status.code(), Some(1));
}
