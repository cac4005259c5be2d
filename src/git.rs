//! The one git wrapper: blame a line, verify a commit's signature, commit a signature.
//!
//! Every user-controlled value goes after `--end-of-options` or `--`, or as the value of an
//! option (`-C DIR`, `-m TEXT`), so that no document path or name is read as an option.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use crate::error::Error;

/// Run git in `root` with the given arguments.
fn git(root: &Path, args: &[&str]) -> Result<Output, Error> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| {
            Error::Git(format!(
                "cannot run git ({e}): install git, or leave out the option that needs it"
            ))
        })
}

/// Turn a failed git run into its first line of stderr.
fn failure(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("git failed")
        .trim()
        .to_owned()
}

/// The commit that last changed a line, as `git blame --porcelain` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame {
    /// The full commit id; all zeros when the line is not committed yet.
    pub commit: String,
    /// The author's email, without the angle brackets.
    pub author_email: String,
    /// The commit's subject line.
    pub summary: String,
}

impl Blame {
    /// Return whether the line is only in the working tree.
    pub fn uncommitted(&self) -> bool {
        self.commit.bytes().all(|b| b == b'0')
    }

    /// The abbreviated commit id, for messages.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

/// Find the commits that last changed the given lines (1-based) of `file` (relative to
/// `root`), with one `git blame` for the file.
pub fn blame(root: &Path, file: &str, lines: &[u32]) -> Result<BTreeMap<u32, Blame>, String> {
    let mut args: Vec<String> = vec!["blame".into(), "--porcelain".into()];
    for line in lines {
        args.push("-L".into());
        args.push(format!("{line},{line}"));
    }
    args.push("--".into());
    args.push(file.to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = git(root, &args).map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(failure(&out));
    }
    Ok(parse_porcelain(&String::from_utf8_lossy(&out.stdout)))
}

/// Read `git blame --porcelain`: a header line `SHA ORIG FINAL [COUNT]` per line, the commit's
/// fields the first time that commit appears, then the line itself after a tab.
fn parse_porcelain(text: &str) -> BTreeMap<u32, Blame> {
    let mut commits: BTreeMap<String, Blame> = BTreeMap::new();
    let mut found = BTreeMap::new();
    let mut current: Option<(String, u32)> = None;
    for l in text.lines() {
        if l.starts_with('\t') {
            if let Some((sha, line)) = current.take()
                && let Some(blame) = commits.get(&sha)
            {
                found.insert(line, blame.clone());
            }
            continue;
        }
        let mut fields = l.split(' ');
        let first = fields.next().unwrap_or_default();
        if current.is_none() && first.len() >= 40 && first.bytes().all(|b| b.is_ascii_hexdigit()) {
            let line = fields.nth(1).and_then(|f| f.parse().ok()).unwrap_or(0);
            commits.entry(first.to_owned()).or_insert_with(|| Blame {
                commit: first.to_owned(),
                author_email: String::new(),
                summary: String::new(),
            });
            current = Some((first.to_owned(), line));
            continue;
        }
        let Some(blame) = current.as_ref().and_then(|(sha, _)| commits.get_mut(sha)) else {
            continue;
        };
        if let Some(mail) = l.strip_prefix("author-mail ") {
            blame.author_email = mail
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
        } else if let Some(summary) = l.strip_prefix("summary ") {
            summary.clone_into(&mut blame.summary);
        }
    }
    found
}

/// What `git verify-commit` says about a commit.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Whether git reported a good signature.
    pub good: bool,
    /// The fingerprints of the key that made it (SSH `SHA256:…`; GPG signing and primary key).
    pub fingerprints: Vec<String>,
    /// git's first line of output, for messages.
    pub said: String,
}

/// Verify a commit's SSH or GPG signature (`commit` is a hex id from [`blame`]).
pub fn verify_commit(root: &Path, commit: &str) -> Result<Verification, String> {
    let out = git(
        root,
        &["verify-commit", "--raw", "--end-of-options", commit],
    )
    .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut verification = Verification {
        good: out.status.success(),
        fingerprints: Vec::new(),
        said: stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no signature")
            .trim()
            .to_owned(),
    };
    for line in stderr.lines() {
        if line.starts_with("Good \"git\" signature") {
            if let Some((_, key)) = line.rsplit_once(" key ") {
                verification.fingerprints.push(key.trim().to_owned());
            }
        } else if let Some(rest) = line.strip_prefix("[GNUPG:] VALIDSIG ") {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            verification.fingerprints.extend(
                [fields.first(), fields.last()]
                    .into_iter()
                    .flatten()
                    .map(|f| (*f).to_owned()),
            );
        }
    }
    Ok(verification)
}

/// Return whether a configured key (`SHA256:…`, or a GPG fingerprint or long key id) is one of
/// the fingerprints git reported.
pub fn key_matches(configured: &str, fingerprints: &[String]) -> bool {
    let configured = configured.trim();
    if configured.starts_with("SHA256:") {
        return fingerprints.iter().any(|f| f == configured);
    }
    let hex: String = configured
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let hex = hex.strip_prefix("0X").unwrap_or(&hex);
    hex.len() >= 16
        && fingerprints
            .iter()
            .any(|f| f.to_ascii_uppercase().ends_with(hex))
}

/// Refuse a folder outside a git work tree, before anything is edited.
pub fn expect_work_tree(root: &Path) -> Result<(), Error> {
    succeed(root, &["rev-parse", "--is-inside-work-tree"])
        .map(drop)
        .map_err(|_| {
            Error::Git(format!(
                "{} is not in a git work tree: --commit needs one (git init, or sign without --commit)",
                root.display()
            ))
        })
}

/// Return git's `user.email` for commits made in `root`.
pub fn user_email(root: &Path) -> Result<String, Error> {
    let out = git(root, &["config", "--get", "user.email"])?;
    if !out.status.success() {
        return Err(Error::Git(
            "git has no user.email here: set it with `git config user.email …`".to_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Commit one file with a message; return the new commit's id.
pub fn commit_file(root: &Path, file: &str, message: &str) -> Result<String, Error> {
    succeed(root, &["add", "--", file])?;
    succeed(
        root,
        &["commit", "--quiet", "-m", message, "--only", "--", file],
    )?;
    let head = succeed(root, &["rev-parse", "--verify", "HEAD"])?;
    Ok(String::from_utf8_lossy(&head.stdout).trim().to_owned())
}

/// Run git and turn a failure into an error naming the subcommand.
fn succeed(root: &Path, args: &[&str]) -> Result<Output, Error> {
    let out = git(root, args)?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(Error::Git(format!(
            "git {} failed: {}",
            args[0],
            failure(&out)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{key_matches, parse_porcelain};

    #[test]
    fn porcelain_gives_each_line_its_commit() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let text = format!(
            "{a} 11 11 1\nauthor 王五\nauthor-mail <wangwu@example.com>\nsummary approve\nfilename p.yaml\n\t  approved: x\n\
             {b} 12 12 1\nauthor 李四\nauthor-mail <lisi@example.com>\nsummary edit\nfilename p.yaml\n\t  y\n\
             {a} 13 14 1\nfilename p.yaml\n\t  z\n"
        );
        let found = parse_porcelain(&text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[&11].author_email, "wangwu@example.com");
        assert_eq!(found[&12].summary, "edit");
        assert_eq!(found[&14].commit, a);
        assert_eq!(found[&14].author_email, "wangwu@example.com");
    }

    #[test]
    fn keys_match_by_fingerprint() {
        let ssh = vec!["SHA256:nKAahUTrBOFgkTSqOAHkP+kPQjzSNmNklsD6MQQLfPI".to_owned()];
        assert!(key_matches(
            " SHA256:nKAahUTrBOFgkTSqOAHkP+kPQjzSNmNklsD6MQQLfPI",
            &ssh
        ));
        assert!(!key_matches("SHA256:nKAahUTrBOFgkTSqOAHkP", &ssh));
        let gpg = vec!["0123456789ABCDEF0123456789ABCDEF01234567".to_owned()];
        assert!(key_matches("89ab cdef 0123 4567", &gpg));
        assert!(!key_matches("4567", &gpg));
    }
}
