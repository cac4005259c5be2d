//! The archive folder's rules: what may be in `published/` (the ledger, the lock and the
//! release folders the ledger lists — nothing else), reading inside it without following
//! symbolic links, and staging a publish so that a run only ever removes what it wrote.
//!
//! A run stages its releases in `published/.publish-<token>/`, whose first file, `.run`,
//! holds the token of the lock the run took; before moving a release folder into place it
//! appends the folder to `.run`. A run that fails removes what `.run` lists and its staging
//! folder; a run that was killed leaves them, and `docctl publish --recover` removes them once
//! the lock's process is gone and the lock's token matches the staging folder's `.run`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::publish::{ARCHIVE, Faults, Holder, LEDGER, LOCK, Ledger, Lock, STAGING_PREFIX};

/// The journal (and marker) file of a staging folder.
const JOURNAL: &str = ".run";

/// Return whether a file name recorded in the ledger is a plain name inside its folder.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0']) && name != ".."
}

/// Refuse to go on when `path` (inside the set) is a symbolic link.
pub fn refuse_link(root: &Path, path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Error::Refused(format!(
            "{} is a symbolic link: docctl never follows links inside the archive; replace it with a folder",
            crate::load::relative(root, path)
        ))),
        _ => Ok(()),
    }
}

/// Read `published/<rel>` without following a symbolic link anywhere below `published/`.
pub fn read(root: &Path, rel: &str) -> std::io::Result<Vec<u8>> {
    let mut path = root.join(ARCHIVE);
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts {
        if !plain_name(part) {
            return Err(std::io::Error::other(format!("`{rel}` leaves the archive")));
        }
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.file_type().is_symlink() {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link; the archive is read without following links",
                path.display()
            )));
        }
        path.push(part);
    }
    #[cfg(unix)]
    let mut file = {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)?
    };
    // Without O_NOFOLLOW (Windows) the file itself is looked at before it is opened.
    #[cfg(not(unix))]
    let mut file = {
        if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link; the archive is read without following links",
                path.display()
            )));
        }
        std::fs::File::open(&path)?
    };
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// Something in `published/` the ledger does not account for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path relative to the set, `published/…`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// Walk `published/` without following links and list everything the ledger does not
/// account for: folders it does not list, links, staging folders left by an interrupted
/// publish, stray files. With `files`, the release folders' files are compared with the
/// ledger's list too.
pub fn survey(root: &Path, ledger: &Ledger, files: bool) -> Vec<Problem> {
    let archive = root.join(ARCHIVE);
    let mut problems = Vec::new();
    let rel = |parts: &[&str]| format!("{ARCHIVE}/{}", parts.join("/"));
    let Ok(meta) = std::fs::symlink_metadata(&archive) else {
        return problems;
    };
    if !meta.is_dir() {
        problems.push(Problem {
            path: ARCHIVE.to_owned(),
            message: format!("{ARCHIVE} is not a folder (a symbolic link or a file)"),
            help: "the archive is a real folder; docctl never follows links into it".to_owned(),
        });
        return problems;
    }
    let mut releases: BTreeMap<&str, BTreeMap<String, &BTreeMap<String, String>>> = BTreeMap::new();
    for (_, doc, release) in ledger.releases() {
        let version = release
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        releases
            .entry(doc.slug.as_str())
            .or_default()
            .insert(version, &release.files);
    }
    let unlisted = |path: String| {
        Problem {
        message: format!("{path} is not in the ledger"),
        path,
        help: "if it is a release whose ledger entry was lost (a bad merge), restore published/ledger.json from git (`git log -p -- published/ledger.json`); if an interrupted publish left it, run `docctl publish --recover`; anything else does not belong in published/: move it out. A release is never overwritten".to_owned(),
    }
    };
    // A publish running now owns its staging folder and ledger file.
    let live = Holder::read(root)
        .filter(|h| h.running() && !h.token.is_empty())
        .map(|h| format!("{STAGING_PREFIX}{}", h.token));
    for (name, kind) in entries(&archive) {
        let path = rel(&[&name]);
        if live
            .as_ref()
            .is_some_and(|live| name.starts_with(live.as_str()))
        {
            continue;
        }
        if kind.is_symlink() {
            problems.push(link(path));
            continue;
        }
        if (name == LEDGER || name == LOCK || name == super::distribution::DISTRIBUTION)
            && kind.is_file()
        {
            continue;
        }
        if name.starts_with(&format!("{LOCK}-")) && kind.is_file() {
            problems.push(Problem {
                message: format!("{path} was left by a publish killed while taking the lock"),
                path,
                help: "run `docctl publish --recover`".to_owned(),
            });
            continue;
        }
        if name.starts_with(STAGING_PREFIX) {
            problems.push(Problem {
                message: format!("{path} was left by an interrupted publish"),
                path,
                help: "run `docctl publish --recover` (it removes only what that publish staged)"
                    .to_owned(),
            });
            continue;
        }
        let Some(versions) = releases.get(name.as_str()).filter(|_| kind.is_dir()) else {
            problems.push(unlisted(path));
            continue;
        };
        for (version, kind) in entries(&archive.join(&name)) {
            let path = rel(&[&name, &version]);
            if kind.is_symlink() {
                problems.push(link(path));
                continue;
            }
            let Some(listed) = versions.get(&version).filter(|_| kind.is_dir()) else {
                problems.push(unlisted(path));
                continue;
            };
            if !files {
                continue;
            }
            let found: BTreeSet<String> = entries(&archive.join(&name).join(&version))
                .into_iter()
                .map(|(file, kind)| {
                    let path = rel(&[&name, &version, &file]);
                    if kind.is_symlink() {
                        problems.push(link(path));
                    } else if !kind.is_file() || !listed.contains_key(&file) {
                        problems.push(Problem {
                            message: format!("{path} is not a file the ledger lists for this release"),
                            path,
                            help: "a release folder holds exactly the files it was released with; move it out".to_owned(),
                        });
                    }
                    file
                })
                .collect();
            for file in listed.keys().filter(|f| !found.contains(*f)) {
                problems.push(Problem {
                    path: rel(&[&name, &version, file]),
                    message: format!("{} is missing", rel(&[&name, &version, file])),
                    help: "restore the archive from git: a released file is never rewritten"
                        .to_owned(),
                });
            }
        }
    }
    problems
}

fn link(path: String) -> Problem {
    Problem {
        message: format!("{path} is a symbolic link"),
        path,
        help: "docctl never follows links inside published/; replace the link with what it points to, or remove it".to_owned(),
    }
}

/// List a folder's entries with their types (links not followed), sorted by name.
fn entries(folder: &Path) -> Vec<(String, std::fs::FileType)> {
    let mut found: Vec<(String, std::fs::FileType)> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            Some((
                e.file_name().to_string_lossy().into_owned(),
                e.file_type().ok()?,
            ))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// A publish run's staging folder and the release folders it moved into place. Dropped
/// before [`Stage::commit`], it removes exactly those, and the staging folder.
#[derive(Debug)]
pub struct Stage {
    archive: PathBuf,
    folder: PathBuf,
    journal: std::fs::File,
    moved: Vec<PathBuf>,
    created: Vec<PathBuf>,
    committed: bool,
}

impl Stage {
    /// Create the run's staging folder `published/.publish-<token>/` and its journal.
    pub fn begin(root: &Path, lock: &Lock) -> Result<Stage, Error> {
        let archive = root.join(ARCHIVE);
        let folder = archive.join(format!("{STAGING_PREFIX}{}", lock.token()));
        std::fs::create_dir(&folder).map_err(|e| Error::io(&folder, e))?;
        let path = folder.join(JOURNAL);
        let mut journal = std::fs::OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        writeln!(journal, "token {}", lock.token())
            .and_then(|()| journal.sync_all())
            .map_err(|e| Error::io(&path, e))?;
        Ok(Stage {
            archive,
            folder,
            journal,
            moved: Vec::new(),
            created: Vec::new(),
            committed: false,
        })
    }

    /// Return where a release folder is staged.
    pub fn path(&self, release: &str) -> PathBuf {
        self.folder.join(release)
    }

    /// Move a staged release folder into place; refuse when anything is there already.
    pub fn move_into_place(&mut self, release: &str, faults: &mut Faults) -> Result<(), Error> {
        let target = self.archive.join(release);
        if std::fs::symlink_metadata(&target).is_ok() {
            return Err(Error::Refused(format!(
                "{ARCHIVE}/{release} exists but is not in the ledger: a release is never overwritten; see `docctl publish --verify`"
            )));
        }
        faults.before_write(&target)?;
        if let Some(parent) = target.parent() {
            match std::fs::symlink_metadata(parent) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Refused(format!(
                        "{} is not a folder (a link?): the archive never follows links",
                        parent.display()
                    )));
                }
                Err(_) => {
                    self.note("created", parent)?;
                    std::fs::create_dir(parent).map_err(|e| Error::io(parent, e))?;
                    self.created.push(parent.to_path_buf());
                }
            }
        }
        self.note("moved", &target)?;
        std::fs::rename(self.folder.join(release), &target).map_err(|e| Error::io(&target, e))?;
        self.moved.push(target);
        Ok(())
    }

    /// Append to the journal, durably, before the change it announces.
    fn note(&mut self, what: &str, path: &Path) -> Result<(), Error> {
        let rel = path.strip_prefix(&self.archive).unwrap_or(path);
        writeln!(self.journal, "{what} {}", rel.display())
            .and_then(|()| self.journal.sync_all())
            .map_err(|e| Error::io(self.folder.join(JOURNAL), e))
    }

    /// Keep what was moved into place: the ledger now lists it.
    pub fn commit(mut self) {
        self.committed = true;
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.committed {
            for folder in self.moved.iter().rev() {
                remove_real_dir(folder);
            }
            for folder in self.created.iter().rev() {
                let _ = std::fs::remove_dir(folder);
            }
        }
        // The journal goes first: a staging folder without it lists nothing left to undo.
        let _ = std::fs::remove_file(self.folder.join(JOURNAL));
        remove_real_dir(&self.folder);
    }
}

/// Remove a folder this run made, unless it has become a link meanwhile (remove_dir_all does
/// not follow links inside it).
fn remove_real_dir(folder: &Path) {
    if std::fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// Remove lock files a publish wrote but never linked into place (killed while taking the
/// lock): each names its token in its file name and holds it with a process id that is gone.
fn pending_locks(archive: &Path) -> Vec<String> {
    let mut removed = Vec::new();
    for (name, kind) in entries(archive) {
        let Some(token) = name.strip_prefix(&format!("{LOCK}-")) else {
            continue;
        };
        let path = archive.join(&name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut words = text.split_whitespace();
        let holder = Holder {
            pid: words.next().unwrap_or_default().to_owned(),
            token: words.next().unwrap_or_default().to_owned(),
        };
        let provable = kind.is_file() && (holder.token == token || text.is_empty());
        if provable && !holder.running() && std::fs::remove_file(&path).is_ok() {
            removed.push(format!("{ARCHIVE}/{name}"));
        }
    }
    removed
}

/// Undo what an interrupted publish left: only when its lock's process is gone, and only
/// what its staging folder's journal (holding the lock's token) lists and the ledger does not.
/// Return the paths removed, relative to the set.
pub fn recover(root: &Path, ledger: &Ledger) -> Result<Vec<String>, Error> {
    let archive = root.join(ARCHIVE);
    let mut removed = pending_locks(&archive);
    let Some(holder) = Holder::read(root) else {
        if !removed.is_empty() {
            return Ok(removed);
        }
        return Err(Error::Refused(format!(
            "no interrupted publish to recover: {ARCHIVE}/{LOCK} does not exist, so nothing proves what another publish staged; remove by hand what `docctl publish --verify` reports"
        )));
    };
    if holder.running() {
        return Err(Error::Refused(format!(
            "process {} is publishing now: nothing to recover",
            holder.pid
        )));
    }
    let stage = archive.join(format!("{STAGING_PREFIX}{}", holder.token));
    let journal = if holder.token.is_empty() || refuse_link(root, &stage).is_err() {
        None
    } else {
        std::fs::read_to_string(stage.join(JOURNAL)).ok()
    };
    let listed: BTreeSet<&str> = ledger.releases().map(|(_, _, r)| r.path.as_str()).collect();
    match journal {
        Some(journal) if journal.lines().next() == Some(&format!("token {}", holder.token)) => {
            for line in journal
                .lines()
                .skip(1)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                let (what, rel) = line.split_once(' ').unwrap_or((line, ""));
                let path = archive.join(rel);
                let inside = rel.split('/').all(plain_name);
                match what {
                    "moved"
                        if inside
                            && !listed.contains(rel)
                            && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) =>
                    {
                        std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
                        removed.push(format!("{ARCHIVE}/{rel}"));
                    }
                    "created" if inside && std::fs::remove_dir(&path).is_ok() => {
                        removed.push(format!("{ARCHIVE}/{rel}"));
                    }
                    _ => {}
                }
            }
            std::fs::remove_dir_all(&stage).map_err(|e| Error::io(&stage, e))?;
            removed.push(format!("{ARCHIVE}/{STAGING_PREFIX}{}", holder.token));
        }
        // Killed before its journal's first line, or while removing its own staging folder
        // (after the moved folders were taken out again or committed): the folder carries the
        // dead lock's token, and nothing outside it is listed to undo.
        _ if std::fs::symlink_metadata(&stage).is_ok_and(|m| m.is_dir()) => {
            std::fs::remove_dir_all(&stage).map_err(|e| Error::io(&stage, e))?;
            removed.push(format!("{ARCHIVE}/{STAGING_PREFIX}{}", holder.token));
        }
        _ => {}
    }
    // The ledger's (or the distribution record's) temporary file of the same run, if it was
    // killed while writing it.
    for suffix in ["ledger", "distribution"] {
        let temp = archive.join(format!("{STAGING_PREFIX}{}.{suffix}", holder.token));
        if !holder.token.is_empty() && std::fs::symlink_metadata(&temp).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&temp).map_err(|e| Error::io(&temp, e))?;
            removed.push(format!(
                "{ARCHIVE}/{STAGING_PREFIX}{}.{suffix}",
                holder.token
            ));
        }
    }
    let lock = archive.join(LOCK);
    std::fs::remove_file(&lock).map_err(|e| Error::io(&lock, e))?;
    removed.push(format!("{ARCHIVE}/{LOCK}"));
    Ok(removed)
}
