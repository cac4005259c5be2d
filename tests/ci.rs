//! What a CI job sees: paths that code-scanning tools resolve from the repository root,
//! results that do not change with the calendar, and an empty set that fails.

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::{check_json, copy_dir, docctl, fixture};

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
    let tmp = tempfile::TempDir::new().unwrap();
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
    let tmp = tempfile::TempDir::new().unwrap();
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
    let tmp = tempfile::TempDir::new().unwrap();
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

/// The folder holding the docctl binary the tests run.
fn binary_folder() -> std::path::PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("docctl");
    bin.parent().unwrap().to_path_buf()
}

#[test]
fn the_action_script_annotates_writes_sarif_and_keeps_the_exit_code() {
    let tmp = tempfile::TempDir::new().unwrap();
    let set = repo_with_set_below_top(tmp.path());
    let outputs = tmp.path().join("github_output");
    let path = format!(
        "{}:{}",
        binary_folder().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |strict: &str| {
        Process::new("bash")
            .arg(common::repo().join("scripts/ci-check.sh"))
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env("DOCCTL_SET", "docs/qms")
            .env("DOCCTL_STRICT", strict)
            .env("DOCCTL_SARIF", tmp.path().join("out.sarif"))
            .env("GITHUB_OUTPUT", &outputs)
            .output()
            .unwrap()
    };
    let relaxed = run("false");
    assert_eq!(relaxed.status.code(), Some(0), "{relaxed:?}");
    let log = String::from_utf8_lossy(&relaxed.stdout);
    assert!(log.contains(&format!("::warning file={FILE},")), "{log}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        FILE
    );
    let said = std::fs::read_to_string(&outputs).unwrap();
    assert!(said.contains("sarif="), "{said}");
    // The same set under strict: the warning fails the job, and the SARIF is still written.
    std::fs::remove_file(tmp.path().join("out.sarif")).unwrap();
    let strict = run("true");
    assert_eq!(strict.status.code(), Some(1));
    assert!(tmp.path().join("out.sarif").is_file());
    assert_eq!(run("maybe").status.code(), Some(2));
    assert!(set.join("docctl.yaml").is_file());
}

#[test]
fn the_pre_commit_hook_runs_docctl_check_on_the_set() {
    let hooks: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(common::repo().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "docctl-check");
    assert_eq!(hook["pass_filenames"], false);
    // pre-commit runs `entry args…` from the repository's top folder.
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[0], "docctl");
    let run = |dir: &Path| {
        Process::new(assert_cmd::cargo::cargo_bin("docctl"))
            .args(&entry[1..])
            .arg(dir)
            .arg("--strict")
            .current_dir(common::repo())
            .output()
            .unwrap()
    };
    assert_eq!(run(Path::new(".")).status.code(), Some(0));
    assert_eq!(
        run(&fixture("invalid/dept-alias")).status.code(),
        Some(1),
        "a warning stops the commit under --strict"
    );
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    assert!(files.is_match("procedures/QP-8.2-01.yaml") && files.is_match("docctl.yaml"));
    assert!(!files.is_match("src/main.rs"));
}

#[test]
fn the_container_image_pins_the_typst_version_setup_installs() {
    let setup = std::fs::read_to_string(common::repo().join("scripts/setup.sh")).unwrap();
    let pinned = setup
        .lines()
        .find_map(|l| l.strip_prefix("TYPST_VERSION="))
        .unwrap();
    let dockerfile = std::fs::read_to_string(common::repo().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.contains(&format!(
            "cargo install --locked typst-cli --version {pinned}"
        )),
        "Dockerfile and scripts/setup.sh disagree on typst {pinned}"
    );
    assert!(dockerfile.contains("fonts-noto-cjk"));
    assert!(dockerfile.contains("CMD [\"check\", \".\"]"));
    let action = std::fs::read_to_string(common::repo().join("action.yml")).unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&action).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    assert!(action["runs"]["steps"].as_array().unwrap().iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.contains("upload-sarif"))
    }));
}

#[test]
fn list_due_names_what_comes_due_and_writes_nothing() {
    let tmp = tempfile::TempDir::new().unwrap();
    let set = tmp.path().join("qms");
    copy_dir(&fixture("valid"), &set);
    let due = |today: &str, days: &str| {
        let out = docctl()
            .args(["list", "--due", days, "--today", today])
            .arg(&set)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    // The valid set's documents are effective from 2026-09-01 with review_months: 12.
    let none = due("2027-07-01", "30");
    assert!(
        none.starts_with("periodic reviews due by 2027-07-31 (review_months: 12): 0\n"),
        "{none}"
    );
    let soon = due("2027-08-15", "30");
    assert!(
        soon.contains("2027-09-01  QP-7.5-01  文件控制程序  A/1"),
        "{soon}"
    );
    assert!(!soon.contains("overdue"), "{soon}");
    let late = due("2027-10-01", "0");
    assert!(
        late.contains("QP-7.5-01  文件控制程序  A/1  行政部  (overdue)"),
        "{late}"
    );
    assert!(!set.join("output").exists(), "--due writes nothing");
}

#[test]
fn the_lists_docctl_writes_can_be_cited() {
    let tmp = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture("valid"), tmp.path());
    let file = tmp.path().join("procedures/QP-7.5-01.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let cited = text
        .replace(
            "      - text: 作废文件加盖“作废”章后回收。",
            "      - text: 作废文件加盖“作废”章后回收,并更新《受控文件清單》与《记录清单》。",
        )
        .replace(
            "related: [《质量管理体系 要求》, 《记录控制程序》]",
            "related: [《质量管理体系 要求》, 《记录控制程序》, 《受控文件清单》, 《记录清单》]",
        );
    assert_ne!(cited, text);
    std::fs::write(&file, cited).unwrap();
    let (code, json) = check_json(tmp.path(), &["--today", "2026-11-27", "--strict"]);
    assert_eq!(code, 0, "{json:#}");
    // A set that keeps its own 受控文件清单 as a form cites that form instead, without a clash.
    let form = tmp.path().join("forms/QR-own-list.yaml");
    let own = std::fs::read_to_string(tmp.path().join("forms/QR-7.5-01-01.yaml"))
        .unwrap()
        .replace("id: QR-7.5-01-01", "id: QR-7.5-01-09")
        .replace("title: 文件发放登记表", "title: 受控文件清单");
    std::fs::write(&form, own).unwrap();
    let (_, json) = check_json(tmp.path(), &["--today", "2026-11-27"]);
    let codes: Vec<_> = common::found(&json).into_iter().map(|f| f.code).collect();
    assert!(
        !codes
            .iter()
            .any(|c| c == "duplicate-title" || c == "ref-unresolved"),
        "{codes:?}"
    );
}
