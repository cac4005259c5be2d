//! Who may sign, and proof that they did: `signers` in docctl.yaml, `approve` refusing anyone
//! else, `check` reporting `signer-unauthorised` and `approval-separation`, and
//! `check --verify-signatures` against real commits in a temporary git repository.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Found, check_json, copy_dir, docctl, fixture, found};

const SIGNERS: &str = "signers:
  - {name: 张三, roles: [prepared], email: zhangsan@example.com}
  - {name: 赵六, roles: [prepared], email: zhaoliu@example.com}
  - {name: 李四, roles: [reviewed], email: lisi@example.com}
  - {name: 王五, roles: [approved], email: wangwu@example.com}
";

const DOCS: [&str; 3] = [
    "procedures/QP-7.5-01.yaml",
    "procedures/QP-7.5-02.yaml",
    "forms/QR-7.5-01-01.yaml",
];

/// Copy the valid set into `dir/qms` and append `config` to its docctl.yaml.
fn set_with(dir: &Path, config: &str) -> PathBuf {
    let set = dir.join("qms");
    copy_dir(&fixture("valid"), &set);
    let path = set.join("docctl.yaml");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("{text}{config}")).unwrap();
    set
}

/// Turn every document of the set back into an unsigned draft.
fn unsign(set: &Path) {
    for doc in DOCS {
        let path = set.join(doc);
        let text = fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| {
                !l.starts_with("approval:")
                    && !l.starts_with("effective:")
                    && !l.starts_with("  prepared:")
                    && !l.starts_with("  reviewed:")
                    && !l.starts_with("  approved:")
            })
            .collect();
        let draft = kept
            .join("\n")
            .replace("status: effective", "status: draft")
            + "\n";
        fs::write(&path, draft).unwrap();
    }
}

/// Run docctl in the set's folder, with no git configuration but the repository's own.
fn run(set: &Path, args: &[&str]) -> Output {
    docctl()
        .args(args)
        .current_dir(set)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // A temporary folder inside someone's git checkout is still outside git here.
        .env("GIT_CEILING_DIRECTORIES", set.parent().unwrap())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn sign(set: &Path, id: &str, role: &str, name: &str, date: &str, extra: &[&str]) -> Output {
    let mut args = vec!["approve", id, "--as", role, "--name", name, "--date", date];
    args.extend(extra);
    run(set, &args)
}

fn codes(set: &Path, args: &[&str], code: &str) -> Vec<Found> {
    let mut all = vec!["--today", "2026-11-27"];
    all.extend(args);
    let (_, json) = check_json(set, &all);
    found(&json)
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

fn at(code: &str, file: &str, line: u64, column: u64) -> Found {
    Found {
        code: code.to_owned(),
        file: file.to_owned(),
        line,
        column,
    }
}

#[test]
fn approve_refuses_a_signer_not_authorised_and_names_who_may_sign() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = SIGNERS.replace(
        "{name: 李四, roles: [reviewed],",
        "{name: 李四, roles: [reviewed], departments: [品质部],",
    );
    let set = set_with(dir.path(), &config);
    unsign(&set);
    let file = set.join("procedures/QP-7.5-01.yaml");
    assert!(
        sign(&set, "QP-7.5-01", "prepared", "张三", "2026-10-01", &[])
            .status
            .success()
    );
    let before = fs::read_to_string(&file).unwrap();

    // 李四 reviews only 品质部's documents; QP-7.5-01 is 行政部's.
    let out = sign(&set, "QP-7.5-01", "reviewed", "李四", "2026-10-02", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`李四` signs only for 品质部, and QP-7.5-01 is owned by 行政部"),
        "{}",
        stderr(&out)
    );
    // Someone not listed at all; the message names who may sign instead.
    let out = sign(&set, "QP-7.5-01", "reviewed", "钱七", "2026-10-02", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`钱七` is not among the signers of docctl.yaml"),
        "{}",
        stderr(&out)
    );
    // The approver is not a reviewer.
    let out = sign(&set, "QP-7.5-01", "reviewed", "王五", "2026-10-02", &[]);
    assert!(
        stderr(&out).contains("`王五` may sign only as approved, not as reviewed (审核)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        before,
        "a refusal edits nothing"
    );

    // For 品质部's QP-7.5-02 李四 is the one who may review.
    assert!(
        sign(&set, "QP-7.5-02", "prepared", "赵六", "2026-10-01", &[])
            .status
            .success()
    );
    let out = sign(&set, "QP-7.5-02", "reviewed", "钱七", "2026-10-02", &[]);
    assert!(
        stderr(&out).contains("who may sign QP-7.5-02 as reviewed (审核) on 2026-10-02: 李四"),
        "{}",
        stderr(&out)
    );
    // --commit outside git is refused before the file is edited.
    let qp2 = fs::read_to_string(set.join("procedures/QP-7.5-02.yaml")).unwrap();
    let out = sign(
        &set,
        "QP-7.5-02",
        "reviewed",
        "李四",
        "2026-10-02",
        &["--commit"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not in a git work tree"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(set.join("procedures/QP-7.5-02.yaml")).unwrap(),
        qp2
    );
    assert!(
        sign(&set, "QP-7.5-02", "reviewed", "李四", "2026-10-02", &[])
            .status
            .success()
    );
}

#[test]
fn check_reports_a_signature_by_someone_not_listed() {
    let dir = tempfile::TempDir::new().unwrap();
    // 王五 approves forms only; the two procedures carry his approval.
    let config = SIGNERS.replace(
        "{name: 王五, roles: [approved],",
        "{name: 王五, roles: [approved], kinds: [form],",
    );
    let set = set_with(dir.path(), &config);
    assert_eq!(
        codes(&set, &[], "signer-unauthorised"),
        vec![
            at("signer-unauthorised", "procedures/QP-7.5-01.yaml", 13, 20),
            at("signer-unauthorised", "procedures/QP-7.5-02.yaml", 11, 20),
        ]
    );
    // A department in `signers` must be one of the set's.
    let config_path = set.join("docctl.yaml");
    let text = fs::read_to_string(&config_path).unwrap();
    let text = text.replace(
        "roles: [reviewed],",
        "roles: [reviewed], departments: [品保部],",
    );
    fs::write(&config_path, &text).unwrap();
    let (line, source) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("品保部"))
        .unwrap();
    let column = source[..source.find("品保部").unwrap()].chars().count() as u64 + 1;
    assert_eq!(
        codes(&set, &[], "dept-unknown"),
        vec![at("dept-unknown", "docctl.yaml", line as u64 + 1, column)]
    );
    // Without `signers:` anyone may sign, as before.
    let open = dir.path().join("open");
    copy_dir(&fixture("valid"), &open);
    assert_eq!(codes(&open, &[], "signer-unauthorised"), vec![]);
}

#[test]
fn a_signer_out_of_date_is_refused_and_reported() {
    let dir = tempfile::TempDir::new().unwrap();
    // 王五 approved the set on 2026-08-25; his authority ended the day before.
    let config = SIGNERS.replace(
        "{name: 王五, roles: [approved],",
        "{name: 王五, roles: [approved], from: 2025-01-01, until: 2026-08-24,",
    );
    let set = set_with(dir.path(), &config);
    let reported = codes(&set, &[], "signer-unauthorised");
    assert_eq!(
        reported,
        vec![
            at("signer-unauthorised", "forms/QR-7.5-01-01.yaml", 15, 20),
            at("signer-unauthorised", "procedures/QP-7.5-01.yaml", 13, 20),
            at("signer-unauthorised", "procedures/QP-7.5-02.yaml", 11, 20),
        ]
    );
    let (_, json) = check_json(&set, &["--today", "2026-11-27"]);
    let message = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "signer-unauthorised")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message
            .contains("`王五` may sign only from 2025-01-01 until 2026-08-24, not on 2026-08-25"),
        "{message}"
    );

    // The last day of the authority still counts.
    let fs_config = fs::read_to_string(set.join("docctl.yaml")).unwrap();
    fs::write(
        set.join("docctl.yaml"),
        fs_config.replace("until: 2026-08-24", "until: 2026-08-25"),
    )
    .unwrap();
    assert_eq!(codes(&set, &[], "signer-unauthorised"), vec![]);

    // approve refuses a signature dated after it.
    unsign(&set);
    assert!(
        sign(&set, "QP-7.5-02", "prepared", "赵六", "2026-08-20", &[])
            .status
            .success()
    );
    assert!(
        sign(&set, "QP-7.5-02", "reviewed", "李四", "2026-08-22", &[])
            .status
            .success()
    );
    let out = sign(&set, "QP-7.5-02", "approved", "王五", "2026-08-26", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("`王五` may sign only from 2025-01-01 until 2026-08-25, not on 2026-08-26"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("nobody in docctl.yaml's signers may sign QP-7.5-02 as approved"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn self_review_is_refused_unless_the_config_allows_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = "signers:
  - {name: 张三, roles: [prepared, reviewed]}
  - {name: 赵六, roles: [prepared]}
  - {name: 李四, roles: [reviewed]}
  - {name: 王五, roles: [approved]}
";
    let set = set_with(dir.path(), config);
    let form = set.join("forms/QR-7.5-01-01.yaml");
    let text = fs::read_to_string(&form).unwrap();
    // The preparer reviews their own form; the name carries a zero-width space and a
    // full-width space, which must not make it a different person.
    fs::write(
        &form,
        text.replace(
            "reviewed: {name: 李四",
            "reviewed: {name: \"张\u{200B}三\u{3000}\"",
        ),
    )
    .unwrap();
    assert_eq!(
        codes(&set, &[], "approval-separation"),
        vec![at("approval-separation", "forms/QR-7.5-01-01.yaml", 14, 20)]
    );
    let config_path = set.join("docctl.yaml");
    let strict = fs::read_to_string(&config_path).unwrap();
    for relaxed in [
        "separate_roles: preparer-may-review\n",
        "separate_roles: false\n",
    ] {
        fs::write(&config_path, format!("{strict}{relaxed}")).unwrap();
        assert_eq!(codes(&set, &[], "approval-separation"), vec![], "{relaxed}");
    }

    // approve: 张三 may review, but not their own document, unless relaxed.
    fs::write(&config_path, &strict).unwrap();
    unsign(&set);
    assert!(
        sign(&set, "QP-7.5-01", "prepared", "张三", "2026-10-01", &[])
            .status
            .success()
    );
    let out = sign(&set, "QP-7.5-01", "reviewed", "张三", "2026-10-02", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`张三` signed QP-7.5-01 as prepared (编制)"),
        "{}",
        stderr(&out)
    );
    // 张三 may review, but is not offered for his own document.
    let out = sign(&set, "QP-7.5-01", "reviewed", "钱七", "2026-10-02", &[]);
    assert!(
        stderr(&out).contains("who may sign QP-7.5-01 as reviewed (审核) on 2026-10-02: 李四\n"),
        "{}",
        stderr(&out)
    );
    fs::write(
        &config_path,
        format!("{strict}separate_roles: preparer-may-review\n"),
    )
    .unwrap();
    let out = sign(&set, "QP-7.5-01", "reviewed", "张三", "2026-10-02", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The approver is someone else whatever the setting.
    let out = sign(&set, "QP-7.5-01", "approved", "张三", "2026-10-03", &[]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- git: who committed the signature ----

/// Run git in `dir` with only the repository's configuration; insist that it succeeds.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn identity(set: &Path, name: &str, email: &str) {
    git(set, &["config", "user.name", name]);
    git(set, &["config", "user.email", email]);
}

/// A git repository holding the set as unsigned drafts, committed by the document controller.
fn repository(dir: &Path, config: &str) -> PathBuf {
    let set = set_with(dir, config);
    unsign(&set);
    git(&set, &["init", "--quiet", "--initial-branch=main"]);
    identity(&set, "文控", "dcc@example.com");
    git(&set, &["add", "."]);
    git(&set, &["commit", "--quiet", "-m", "drafts"]);
    set
}

/// Each signer signs with `approve --commit` as themselves; `approver` signs QP-7.5-02 last.
fn sign_everything_but_one(set: &Path) {
    let signs = [
        ("QP-7.5-01", "张三"),
        ("QP-7.5-02", "赵六"),
        ("QR-7.5-01-01", "张三"),
    ];
    for (id, preparer) in signs {
        let email = if preparer == "张三" {
            "zhangsan@example.com"
        } else {
            "zhaoliu@example.com"
        };
        identity(set, preparer, email);
        let out = sign(set, id, "prepared", preparer, "2026-08-20", &["--commit"]);
        assert!(out.status.success(), "{}", stderr(&out));
        identity(set, "李四", "lisi@example.com");
        let out = sign(set, id, "reviewed", "李四", "2026-08-22", &["--commit"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    identity(set, "王五", "wangwu@example.com");
    for id in ["QP-7.5-01", "QR-7.5-01-01"] {
        let out = sign(
            set,
            id,
            "approved",
            "王五",
            "2026-08-25",
            &["--effective", "2026-09-01", "--commit"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

fn approve_last(set: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--effective", "2026-09-01"];
    args.extend(extra);
    sign(set, "QP-7.5-02", "approved", "王五", "2026-08-25", &args)
}

/// Run `check --verify-signatures`; return the exit code, the diagnostics and their messages.
fn verify(set: &Path) -> (i32, Vec<Found>, String) {
    let (code, json) = check_json(set, &["--today", "2026-11-27", "--verify-signatures"]);
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    (code, found(&json), messages.join("\n"))
}

/// The one diagnostic expected when QP-7.5-02's approval is not 王五's.
fn approval_unverified() -> Vec<Found> {
    vec![at(
        "signature-unverified",
        "procedures/QP-7.5-02.yaml",
        11,
        20,
    )]
}

#[test]
fn verify_signatures_passes_when_each_signer_committed_their_own_signature() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = repository(dir.path(), SIGNERS);
    sign_everything_but_one(&set);
    let out = approve_last(&set, &["--commit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = git(&set, &["log", "-1", "--format=%ae%n%B"]);
    assert!(log.starts_with("wangwu@example.com\n"), "{log}");
    assert!(
        log.lines()
            .any(|l| l == "Signed-as: approved QP-7.5-02 A/0"),
        "{log}"
    );

    let (code, found, messages) = verify(&set);
    assert_eq!((code, found), (0, vec![]), "{messages}");
}

#[test]
fn verify_signatures_names_the_commit_of_someone_else() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = repository(dir.path(), SIGNERS);
    sign_everything_but_one(&set);
    // 李四 types 王五's approval and commits it as himself; `--commit` refuses to, so he
    // commits by hand.
    identity(&set, "李四", "lisi@example.com");
    let out = approve_last(&set, &["--commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "git commits here as `lisi@example.com`, but 王五 signs as `wangwu@example.com`"
        ),
        "{}",
        stderr(&out)
    );
    assert!(approve_last(&set, &[]).status.success());
    git(&set, &["commit", "--quiet", "-am", "approve QP-7.5-02"]);
    let commit = git(&set, &["rev-parse", "--short=10", "HEAD"]);

    let (code, found, message) = verify(&set);
    assert_eq!((code, found), (1, approval_unverified()), "{message}");
    assert!(
        message.contains(&format!(
            "commit {commit} \"approve QP-7.5-02\" that added it is by <lisi@example.com>, not <wangwu@example.com>"
        )),
        "{message}"
    );
    // Without the option the check passes: the signatures themselves are in order.
    let (code, _) = check_json(&set, &["--today", "2026-11-27"]);
    assert_eq!(code, 0);

    // The CI script (action.yml) fails the job with an annotation on the signature.
    let bin = assert_cmd::cargo::cargo_bin("docctl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let ci = |verify: &str| {
        std::process::Command::new("bash")
            .arg(common::repo().join("scripts/ci-check.sh"))
            .current_dir(&set)
            .env("PATH", &path)
            .env("DOCCTL_SARIF", "")
            .env("DOCCTL_VERIFY_SIGNATURES", verify)
            .output()
            .unwrap()
    };
    let job = ci("true");
    assert_eq!(job.status.code(), Some(1), "{job:?}");
    let log = String::from_utf8_lossy(&job.stdout);
    assert!(
        log.contains("::error file=procedures/QP-7.5-02.yaml,line=11,col=20")
            && log.contains("signature-unverified"),
        "{log}"
    );
    assert_eq!(ci("false").status.code(), Some(0));
}

#[test]
fn verify_signatures_accepts_a_commit_signed_with_the_signers_ssh_key() {
    let dir = tempfile::TempDir::new().unwrap();
    let keys = dir.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    let key = keys.join("wangwu");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "wangwu", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen (openssh-client) is installed");
    assert!(made.success());
    let listed = std::process::Command::new("ssh-keygen")
        .arg("-lf")
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    let fingerprint = String::from_utf8_lossy(&listed.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");
    let public = fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = keys.join("allowed_signers");
    fs::write(&allowed, format!("wangwu@example.com {public}")).unwrap();

    check_signed_approval(dir.path(), &fingerprint, &|set| {
        git(set, &["config", "gpg.format", "ssh"]);
        git(
            set,
            &[
                "config",
                "gpg.ssh.allowedSignersFile",
                allowed.to_str().unwrap(),
            ],
        );
        git(set, &["config", "user.signingkey", key.to_str().unwrap()]);
    });
}

#[test]
fn verify_signatures_accepts_a_commit_signed_with_the_signers_gpg_key() {
    let dir = tempfile::TempDir::new().unwrap();
    let home = dir.path().join("gnupg");
    fs::create_dir_all(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).unwrap();
    }
    let gpg = |args: &[&str]| {
        let out = std::process::Command::new("gpg")
            .arg("--homedir")
            .arg(&home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .output()
            .expect("gpg (gnupg) is installed");
        assert!(out.status.success(), "gpg {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    gpg(&[
        "--quick-gen-key",
        "王五 <wangwu@example.com>",
        "ed25519",
        "sign",
        "never",
    ]);
    let fingerprint = gpg(&["--with-colons", "--list-secret-keys"])
        .lines()
        .find_map(|l| l.strip_prefix("fpr:::::::::"))
        .map(|f| f.trim_end_matches(':').to_owned())
        .expect("a fingerprint");
    assert_eq!(fingerprint.len(), 40, "{fingerprint}");
    // git runs gpg through a wrapper that names the key ring (git signs and verifies with it).
    let wrapper = dir.path().join("gpg-here");
    fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec gpg --homedir '{}' \"$@\"\n",
            home.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
    }
    check_signed_approval(dir.path(), &fingerprint, &|set| {
        git(set, &["config", "gpg.format", "openpgp"]);
        git(set, &["config", "gpg.program", wrapper.to_str().unwrap()]);
        git(set, &["config", "user.signingkey", &fingerprint]);
    });
}

/// With 王五's key (`fingerprint`) configured for him and git set to sign with it by
/// `configure`: his signed approval commit passes `check --verify-signatures`; the same
/// approval committed unsigned under his email does not.
fn check_signed_approval(dir: &Path, fingerprint: &str, configure: &dyn Fn(&Path)) {
    let config = SIGNERS.replace(
        "email: wangwu@example.com}",
        &format!("email: wangwu@example.com, key: \"{fingerprint}\"}}"),
    );
    let set = repository(dir, &config);
    configure(&set);
    git(&set, &["config", "commit.gpgsign", "true"]);
    sign_everything_but_one(&set);
    assert!(approve_last(&set, &["--commit"]).status.success());
    assert!(
        git(&set, &["log", "-1", "--format=%G? %GF"]).starts_with(&format!("G {fingerprint}")),
        "the approval commit is signed"
    );
    let (code, found, messages) = verify(&set);
    assert_eq!((code, found), (0, vec![]), "{messages}");

    // The same approval committed with 王五's email but without his key does not pass: the
    // key is what proves it was him.
    git(&set, &["reset", "--quiet", "--hard", "HEAD~1"]);
    git(&set, &["config", "commit.gpgsign", "false"]);
    assert!(approve_last(&set, &["--commit"]).status.success());
    let commit = git(&set, &["rev-parse", "--short=10", "HEAD"]);
    let (code, found, message) = verify(&set);
    assert_eq!((code, found), (1, approval_unverified()), "{message}");
    assert!(
        message.contains(&format!("commit {commit} ")) && message.contains("no good signature"),
        "{message}"
    );
}

#[test]
fn the_portal_shows_each_awaited_signature_with_its_command_and_pull_request() {
    let dir = tempfile::TempDir::new().unwrap();
    let config = "signers:
  - {name: 张三, roles: [prepared, reviewed]}
  - {name: 赵六, roles: [prepared]}
  - {name: 李四, roles: [reviewed], until: 2026-12-31}
  - {name: 钱七, roles: [reviewed], until: 2026-01-31}
  - {name: \"O'Brien <b>\", roles: [reviewed], kinds: [procedure]}
  - {name: 王五, roles: [approved]}
";
    let set = set_with(dir.path(), config);
    unsign(&set);
    assert!(
        sign(&set, "QP-7.5-01", "prepared", "张三", "2026-10-01", &[])
            .status
            .success()
    );
    let out = dir.path().join("out");
    let built = common::build(&set, &out, &["--to", "html"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = fs::read_to_string(out.join("signing.html")).unwrap();
    let section = |id: &str| {
        let start = page
            .find(&format!("<section class=\"awaiting\" id=\"{id}\">"))
            .unwrap();
        let end = start + page[start..].find("</section>").unwrap();
        page[start..end].to_owned()
    };
    let qp1 = section("QP-7.5-01");
    // 张三 prepared it and may not review it; 钱七's authority has ended; the quote and the
    // angle brackets of a name are quoted for the shell and escaped for HTML.
    assert!(
        qp1.contains("docctl approve QP-7.5-01 --as reviewed --name 李四 --commit\n"),
        "{qp1}"
    );
    assert!(
        qp1.contains("--name &#39;O&#39;\\&#39;&#39;Brien &lt;b&gt;&#39; --commit"),
        "{qp1}"
    );
    assert!(
        !qp1.contains("--name 张三") && !qp1.contains("钱七"),
        "{qp1}"
    );
    assert!(
        qp1.contains("Sign QP-7.5-01 A/1 《文件控制程序》 as reviewed (审核)"),
        "{qp1}"
    );
    assert!(qp1.contains("`Signed-as: reviewed QP-7.5-01 A/1`"), "{qp1}");
    assert!(
        qp1.contains("**Signed**: prepared (编制) 张三 2026-10-01"),
        "{qp1}"
    );
    // Unsigned drafts await their preparer.
    let form = section("QR-7.5-01-01");
    assert!(
        form.contains("docctl approve QR-7.5-01-01 --as prepared --name 张三 --commit\ndocctl approve QR-7.5-01-01 --as prepared --name 赵六 --commit\n"),
        "{form}"
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("<a href=\"signing.html\">待签署 (3)</a>"));
}
