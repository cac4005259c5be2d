//! Command-line flags resolved once into the settings the stages use; stages never see clap.

use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, Format};
use crate::error::Error;
use crate::model::Date;

/// What `check` needs to run.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// How to print.
    pub format: Format,
    /// Whether warnings fail.
    pub strict: bool,
    /// The date periodic reviews are measured against.
    pub today: Date,
    /// Whether an overdue periodic review fails the check.
    pub review_as_error: bool,
    /// Whether each signature is traced to its git commit.
    pub verify_signatures: bool,
    /// Where the set sits for code-scanning tools: the prefix of every reported path and, when
    /// the set is in a git work tree, that tree's top folder.
    pub location: Location,
}

/// The set's place in its repository, for paths that CI tools resolve from the repository root.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// Put before each set-relative path (`""` or ends with `/`).
    pub prefix: String,
    /// The git work tree's top folder, when the set is inside one.
    pub top: Option<PathBuf>,
}

impl Location {
    /// Find the set's place: `--path-prefix` when given, else its path below the git top level,
    /// else the folder as given when it is relative.
    pub fn find(root: &Path, explicit: Option<&str>) -> Location {
        let top = git_toplevel(root);
        if let Some(prefix) = explicit {
            return Location {
                prefix: as_prefix(prefix),
                top,
            };
        }
        let below_top = top.as_ref().and_then(|top| {
            let root = root.canonicalize().ok()?;
            let rel = root.strip_prefix(top).ok()?;
            Some(as_prefix(&rel.to_string_lossy()))
        });
        let prefix = below_top.unwrap_or_else(|| {
            if root.is_absolute() {
                String::new()
            } else {
                as_prefix(&root.to_string_lossy())
            }
        });
        Location { prefix, top }
    }
}

/// Turn a folder path into a path prefix: forward slashes, no `./`, one trailing `/`.
fn as_prefix(path: &str) -> String {
    let path = path.replace('\\', "/");
    let trimmed = path
        .trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}

/// Ask git for the top folder of the work tree holding `root`; `None` outside git or without it.
fn git_toplevel(root: &Path) -> Option<PathBuf> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-toplevel"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let top = String::from_utf8(out.stdout).ok()?;
    PathBuf::from(top.trim_end()).canonicalize().ok()
}

impl CheckSettings {
    /// Resolve `check`'s arguments.
    pub fn from_args(args: &CheckArgs) -> Result<Self, Error> {
        Ok(CheckSettings {
            root: args.set.dir().to_path_buf(),
            format: args.format,
            strict: args.strict,
            today: crate::settings::today_or(args.review.today),
            review_as_error: args.review_as_error,
            verify_signatures: args.verify_signatures,
            location: Location::find(args.set.dir(), args.path_prefix.as_deref()),
        })
    }
}

/// Return the date given on the command line (parsed by clap through `Date`'s `FromStr`), or
/// else today's local date.
pub fn today_or(date: Option<Date>) -> Date {
    date.unwrap_or_else(|| Date(jiff::Zoned::now().date()))
}
