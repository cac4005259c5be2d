//! Every command that works on a set takes it the same way: as the positional DIR after its other
//! positionals, or as `--dir DIR`; both at once is a usage error (issue 12).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

/// Each subcommand that works on a set, with the arguments it needs before the set's folder.
/// The folder is an empty one, so each command stops at "no docctl.yaml in DIR" (or, for the
/// commands that write into any folder, writes there): the message names the folder only when
/// the command took it as its set.
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["build", "--to", "html"],
    &["publish"],
    &["list"],
    &["schema"],
    &["templates", "export"],
    &["revise", "QP-1", "--minor", "-m", "x", "--by", "张三"],
    &["approve", "QP-1", "--as", "prepared", "--name", "张三"],
    &["issue", "QP-1", "--to", "品质部"],
    &["recall", "QP-1", "--copy", "1", "--by", "张三"],
    &["request", "new", "QP-1", "-m", "x", "--by", "张三"],
    &["request", "approve", "CR-2026-001", "--by", "张三"],
    &["request", "reject", "CR-2026-001", "--by", "张三"],
    &["withdraw", "QP-1", "-m", "x", "--by", "张三"],
    &["ack", "QP-1", "--of", "QP-2"],
    &["diff", "QP-1"],
    &["refs", "QP-1"],
    &["refs", "--missing"],
    &["record", "check", "QR-1", "record.json"],
    &["record", "fill", "QR-1", "record.json", "-o", "filled.pdf"],
];

/// Run docctl from an unrelated empty folder (so that the default `.` is not the set).
fn run(cwd: &Path, args: &[&str], set: &[&std::ffi::OsStr]) -> std::process::Output {
    common::docctl()
        .current_dir(cwd)
        .args(args)
        .args(set)
        .output()
        .unwrap()
}

#[test]
fn every_command_takes_the_set_positionally_and_as_dir() {
    for args in COMMANDS {
        for form in ["positional", "--dir"] {
            let cwd = tempfile::TempDir::new().unwrap();
            let set = tempfile::TempDir::new().unwrap();
            let dir = set.path().join("the-set");
            std::fs::create_dir(&dir).unwrap();
            let given: Vec<&std::ffi::OsStr> = match form {
                "positional" => vec![dir.as_os_str()],
                _ => vec!["--dir".as_ref(), dir.as_os_str()],
            };
            let out = run(cwd.path(), args, &given);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let named = dir.display().to_string();
            assert!(
                stderr.contains(&named),
                "`docctl {} {form}` did not work on {named}:\n{stderr}",
                args.join(" ")
            );
            assert!(
                !stderr.contains("Usage:"),
                "`docctl {} {form}` was refused:\n{stderr}",
                args.join(" ")
            );
        }
    }
}

#[test]
fn the_set_given_twice_is_a_usage_error() {
    for args in COMMANDS.iter().chain([&["serve"][..]].iter()) {
        let cwd = tempfile::TempDir::new().unwrap();
        let out = run(
            cwd.path(),
            args,
            &["a".as_ref(), "--dir".as_ref(), "b".as_ref()],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "docctl {}: {stderr}",
            args.join(" ")
        );
        // `refs --missing a --dir b`: `a` is then a document, which --missing refuses.
        let refused = if args == &["refs", "--missing"] {
            stderr.contains("--missing lists the whole set")
        } else {
            stderr.contains("cannot be used with") && stderr.contains("--dir <DIR>")
        };
        assert!(refused, "docctl {}: {stderr}", args.join(" "));
    }
}

/// `serve` runs until stopped: its first line names the folder it serves.
#[test]
fn serve_takes_the_set_positionally_and_as_dir() {
    for form in ["positional", "--dir"] {
        let set = tempfile::TempDir::new().unwrap();
        // Its build folder goes under `tmp`, removed with it (a killed serve cannot clean up).
        let tmp = tempfile::TempDir::new().unwrap();
        let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_docctl"));
        cmd.env("TMPDIR", tmp.path())
            .args(["serve", "--port", "0", "--no-pdf"]);
        if form == "--dir" {
            cmd.arg("--dir");
        }
        let mut child = cmd
            .arg(set.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            first.contains(&format!("serving {}", set.path().display())),
            "serve {form}: {first}"
        );
    }
}

/// The document comes before the set: `refs --missing DIR` is the one command whose positional
/// document is absent, so there the lone positional is the set; with a document it is refused.
#[test]
fn refs_missing_takes_no_document() {
    let cwd = tempfile::TempDir::new().unwrap();
    let out = run(
        cwd.path(),
        &["refs", "--missing", "QP-1"],
        &["somewhere".as_ref()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--missing lists the whole set"), "{stderr}");
}
