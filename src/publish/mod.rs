//! The archive of released revisions and its ledger (`published/ledger.json`): what was
//! released, the fingerprint of its content and of each archived file, what it cited, what
//! superseded it; plus the lock that keeps two writers apart.
//!
//! The canonical content of a document is its model re-serialised as JSON with positions
//! dropped, keys sorted, and empty values (null, false, [], {}) removed: comments,
//! formatting, quoting, key order and spelled-out defaults do not count as changes; every
//! value the document holds does.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::model::{Date, DocId, Document, VersionScheme};

pub mod archive;
pub mod distribution;

/// The ledger format this docctl reads and writes.
pub const LEDGER_FORMAT: u32 = 1;

/// The archive's folder inside a set.
pub const ARCHIVE: &str = "published";
/// The ledger's file name inside the archive.
pub const LEDGER: &str = "ledger.json";
/// The lock file's name inside the archive.
pub const LOCK: &str = ".lock";
/// The prefix of staging folders inside the archive.
pub const STAGING_PREFIX: &str = ".publish-";

/// The ledger: every released revision of every document, and the acknowledged references.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// The ledger format (1).
    pub format: u32,
    /// Released documents by id.
    pub documents: BTreeMap<String, LedgerDoc>,
    /// Citations reviewed after the cited document was revised (`docctl ack`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgements: Vec<Acknowledgement>,
}

/// A document's released revisions, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerDoc {
    /// procedure | form.
    pub kind: crate::model::Kind,
    /// The id made safe as a folder name.
    pub slug: String,
    /// The releases, oldest first.
    pub releases: Vec<Release>,
}

/// One released revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// Its version.
    pub version: String,
    /// Its title when released.
    pub title: String,
    /// Its effective date.
    pub effective: String,
    /// The day it was published.
    pub released: String,
    /// Its folder, relative to `published/`.
    pub path: String,
    /// SHA-256 of the canonical content (see the module docs).
    pub content_sha256: String,
    /// SHA-256 of each archived file, by file name.
    pub files: BTreeMap<String, String>,
    /// The version of each cited document of the set in force when this was released, by id.
    #[serde(default)]
    pub cites: BTreeMap<String, String>,
    /// Set once a later revision replaced this one, or the document was withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded: Option<Superseded>,
}

impl Release {
    /// Whether on `today` (none: as released) this release is not yet in force: 待生效.
    pub fn pending_on(&self, today: Option<Date>) -> bool {
        today.is_some_and(|t| !self.effective.is_empty() && self.effective > t.to_string())
    }

    /// Its replacement if that has taken effect by `today` (none: whenever it takes effect).
    pub fn superseded_on(&self, today: Option<Date>) -> Option<&Superseded> {
        self.superseded
            .as_ref()
            .filter(|s| today.is_none_or(|t| s.date <= t.to_string()))
    }
}

/// When and by what a release was replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    /// The version that replaced it, or none when the document was withdrawn (obsolete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The day it was replaced.
    pub date: String,
    /// Why it was withdrawn (`docctl withdraw -m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who withdrew it (`docctl withdraw --by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
}

/// A citing document's owner reviewed it against a new revision of a cited document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The citing document's id.
    pub document: String,
    /// The citing document's version that was reviewed.
    pub version: String,
    /// The cited document's id.
    pub cites: String,
    /// The cited document's version it was reviewed against.
    pub cited_version: String,
    /// Who reviewed it.
    pub by: String,
    /// When.
    pub date: String,
}

impl Ledger {
    /// Read `published/ledger.json` of a set; an absent ledger is an empty one.
    pub fn load(root: &Path) -> Result<Ledger, Error> {
        let path = ledger_path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::new()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let ledger: Ledger = serde_json::from_str(&text).map_err(|source| Error::LedgerSyntax {
            path: path.clone(),
            source,
        })?;
        ledger
            .validate()
            .map_err(|problem| Error::LedgerInvalid { path, problem })?;
        Ok(ledger)
    }

    /// Refuse a ledger this docctl cannot trust: another format, or a release whose folder or
    /// file names are not the ones docctl writes (so no path in it leaves `published/`).
    fn validate(&self) -> Result<(), String> {
        if self.format != LEDGER_FORMAT {
            return Err(format!(
                "ledger format {} is not known to this docctl (it reads format {LEDGER_FORMAT}); use the docctl that wrote it",
                self.format
            ));
        }
        for (id, doc) in &self.documents {
            let slug = DocId(id.clone()).slug();
            if doc.slug != slug {
                return Err(format!(
                    "{id}: slug `{}` is not the id's slug `{slug}`",
                    doc.slug
                ));
            }
            for release in &doc.releases {
                let path = format!("{slug}/{}", version_slug(&release.version));
                if release.path != path {
                    return Err(format!(
                        "{id} {}: path `{}` is not the release folder `{path}`",
                        release.version, release.path
                    ));
                }
                if release.files.is_empty() {
                    return Err(format!(
                        "{id} {}: no archived files are listed",
                        release.version
                    ));
                }
                if let Some(bad) = release.files.keys().find(|name| !archive::plain_name(name)) {
                    return Err(format!(
                        "{id} {}: `{bad}` is not a file name inside the release folder",
                        release.version
                    ));
                }
            }
        }
        Ok(())
    }

    /// Return an empty ledger.
    pub fn new() -> Ledger {
        Ledger {
            format: LEDGER_FORMAT,
            ..Ledger::default()
        }
    }

    /// Return the ledger as written to disk: pretty, keys sorted, ending in a newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Return the release of `id` at `version`.
    pub fn release(&self, id: &str, version: &str) -> Option<&Release> {
        self.documents
            .get(id)?
            .releases
            .iter()
            .find(|r| r.version == version)
    }

    /// Return the releases of `id`, oldest first (none when it was never released).
    pub fn history(&self, id: &str) -> &[Release] {
        self.documents
            .get(id)
            .map(|d| d.releases.as_slice())
            .unwrap_or_default()
    }

    /// Return the last release of `id`, superseded or not.
    pub fn last_release(&self, id: &str) -> Option<&Release> {
        self.history(id).last()
    }

    /// Return the revision of `id` in force: its last release, unless it was superseded.
    pub fn current(&self, id: &str) -> Option<&Release> {
        self.last_release(id).filter(|r| r.superseded.is_none())
    }

    /// Return whether `document` at `version` was reviewed against `cited` at `cited_version`.
    pub fn acknowledged(
        &self,
        document: &str,
        version: &str,
        cited: &str,
        cited_version: &str,
    ) -> bool {
        self.acknowledgements.iter().any(|a| {
            a.document == document
                && a.version == version
                && a.cites == cited
                && a.cited_version == cited_version
        })
    }

    /// Return every release with its document's id, in id order, oldest release first.
    pub fn releases(&self) -> impl Iterator<Item = (&str, &LedgerDoc, &Release)> {
        self.documents
            .iter()
            .flat_map(|(id, doc)| doc.releases.iter().map(move |r| (id.as_str(), doc, r)))
    }
}

/// Return the ledger's path in a set.
pub fn ledger_path(root: &Path) -> PathBuf {
    root.join(ARCHIVE).join(LEDGER)
}

/// Return the folder of a release relative to `published/`: `<slug>/<version slug>`.
pub fn release_path(id: &DocId, version: &str) -> String {
    format!("{}/{}", id.slug(), version_slug(version))
}

/// Return a version made safe as a file name: `A/0` → `A-0`.
pub fn version_slug(version: &str) -> String {
    DocId(version.to_owned()).slug()
}

/// Return whether `a` is an earlier version than `b` under the scheme (text order otherwise).
pub fn earlier(scheme: VersionScheme, a: &str, b: &str) -> bool {
    match (scheme.parse(a), scheme.parse(b)) {
        (Some(a), Some(b)) => a < b,
        _ => a < b,
    }
}

/// Return the canonical content of a document as JSON text (see the module docs).
pub fn canonical(doc: &Document) -> String {
    let value = match doc {
        Document::Procedure(p) => serde_json::to_value(p),
        Document::Form(f) => serde_json::to_value(f),
        Document::Manual(m) => serde_json::to_value(m),
        Document::Instruction(w) => serde_json::to_value(w),
    }
    .unwrap_or_default();
    // serde_json's maps are BTreeMaps (its `preserve_order` feature is off), so its compact
    // output has every object's keys sorted: the canonical form. `kind` stays first, as the
    // hashes in existing ledgers were made.
    let document = serde_json::to_string(&prune(value).unwrap_or_default()).unwrap_or_default();
    format!(
        "{{\"kind\":\"{}\",\"document\":{document}}}",
        doc.kind().as_str()
    )
}

/// Return the canonical content's value tree, for comparing sections.
pub fn canonical_value(doc: &Document) -> serde_json::Value {
    serde_json::from_str(&canonical(doc)).unwrap_or_default()
}

/// Drop the empty values of a value tree, as the canonical content does.
pub fn normalize(value: serde_json::Value) -> serde_json::Value {
    prune(value).unwrap_or_default()
}

/// Return the SHA-256 of a document's canonical content.
pub fn content_hash(doc: &Document) -> String {
    sha256(canonical(doc).as_bytes())
}

/// Return the SHA-256 of bytes as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Drop empty values so that `aliases: []` and no `aliases` are the same content.
fn prune(value: serde_json::Value) -> Option<serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::Array(items) => {
            let items: Vec<Value> = items
                .into_iter()
                .map(|v| prune(v).unwrap_or(Value::Null))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map: serde_json::Map<String, Value> = map
                .into_iter()
                .filter_map(|(k, v)| prune(v).map(|v| (k, v)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other),
    }
}

/// The archive's lock: `published/.lock`, holding the writer's process id and a token for
/// this run. It appears with its content in one step (written to a private file, then
/// hard-linked into place, which fails when a lock exists), so a second writer never reads an
/// empty lock and takes a live one for an interrupted one. Removed when dropped (also when the
/// command fails), if it is still this run's.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    token: String,
}

/// What a lock file says: the process that wrote it and its run's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The process id.
    pub pid: String,
    /// The run's token (names its staging folder).
    pub token: String,
}

impl Holder {
    /// Read the lock file of a set's archive, if there is one.
    pub fn read(root: &Path) -> Option<Holder> {
        let text = std::fs::read_to_string(root.join(ARCHIVE).join(LOCK)).ok()?;
        let mut words = text.split_whitespace();
        Some(Holder {
            pid: words.next().unwrap_or_default().to_owned(),
            token: words.next().unwrap_or_default().to_owned(),
        })
    }

    /// Return whether the process that wrote the lock is still running.
    pub fn running(&self) -> bool {
        !self.pid.is_empty()
            && self.pid.bytes().all(|b| b.is_ascii_digit())
            && Path::new("/proc").join(&self.pid).exists()
    }
}

impl Lock {
    /// Take the lock of a set's archive, or explain who holds it.
    pub fn acquire(root: &Path) -> Result<Lock, Error> {
        let folder = root.join(ARCHIVE);
        archive::refuse_link(root, &folder)?;
        std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        let path = folder.join(LOCK);
        let token = new_token();
        let content = format!("{} {token}\n", std::process::id());
        // A holder that finishes while we look is not an interrupted run: look again, a few
        // times, before saying either.
        let mut state = String::new();
        for _ in 0..5 {
            let pending = folder.join(format!("{LOCK}-{token}"));
            std::fs::write(&pending, &content).map_err(|e| Error::io(&pending, e))?;
            let linked = std::fs::hard_link(&pending, &path);
            let _ = std::fs::remove_file(&pending);
            match linked {
                Ok(()) => return Ok(Lock { path, token }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            state = match Holder::read(root) {
                None => "it was released meanwhile; try again".to_owned(),
                Some(h) if h.running() => format!(
                    "process {} is publishing now; try again when it has finished",
                    h.pid
                ),
                // Dead, and still the same lock after we saw it dead: interrupted for real.
                Some(h) if Holder::read(root).is_some_and(|again| again.token == h.token) => {
                    let state = format!(
                        "process {} is not running, so a publish was interrupted; run `docctl publish --recover` to remove what it left, then publish again",
                        if h.pid.is_empty() { "?" } else { &h.pid }
                    );
                    return Err(Error::Locked { path, state });
                }
                Some(_) => "it was released meanwhile; try again".to_owned(),
            };
            if state.starts_with("process") {
                break;
            }
        }
        Err(Error::Locked { path, state })
    }

    /// Return this run's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Write the ledger atomically and durably under this lock: into
    /// `published/.publish-<token>.ledger` first (so a kill leaves only what `--recover` can
    /// prove is this run's), then renamed over `ledger.json`.
    pub fn write_ledger(&self, ledger: &Ledger) -> Result<(), Error> {
        self.write_record(LEDGER, "ledger", ledger.to_json().as_bytes())
    }

    /// Write a record of the archive (`name` inside `published/`) as [`Lock::write_ledger`]
    /// does, through `published/.publish-<token>.<suffix>`.
    pub fn write_record(&self, name: &str, suffix: &str, bytes: &[u8]) -> Result<(), Error> {
        use std::io::Write as _;
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let temp = folder.join(format!("{STAGING_PREFIX}{}.{suffix}", self.token));
        let target = folder.join(name);
        let mut file = std::fs::File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&temp, e))?;
        std::fs::rename(&temp, &target).map_err(|e| Error::io(&target, e))?;
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Return a token unlikely to repeat: the hash of the process id, the time and an address.
fn new_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let local = 0u8;
    let seed = format!("{} {nanos} {:p}", std::process::id(), &local);
    sha256(seed.as_bytes())[..16].to_owned()
}

impl Drop for Lock {
    fn drop(&mut self) {
        let ours = std::fs::read_to_string(&self.path)
            .is_ok_and(|text| text.split_whitespace().nth(1) == Some(self.token.as_str()));
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A test-support hook that makes the n-th write of the archive fail
/// (`DOCCTL_FAIL_AFTER_WRITES=n`) or stop until the process is killed
/// (`DOCCTL_HANG_AFTER_WRITES=n`), to test that an interrupted publish leaves the archive as
/// it was. Without the variables it does nothing.
#[derive(Debug)]
pub struct Faults {
    fail_after: Option<usize>,
    hang_after: Option<usize>,
    writes: usize,
}

impl Faults {
    /// Read the hook's variables.
    pub fn from_env() -> Faults {
        let read = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
        Faults {
            fail_after: read("DOCCTL_FAIL_AFTER_WRITES"),
            hang_after: read("DOCCTL_HANG_AFTER_WRITES"),
            writes: 0,
        }
    }

    /// Call before each write to the archive; fails or waits when the hook says so.
    pub fn before_write(&mut self, what: &Path) -> Result<(), Error> {
        if self.hang_after == Some(self.writes) {
            eprintln!(
                "DOCCTL_HANG_AFTER_WRITES: waiting to be killed before writing {}",
                what.display()
            );
            // Bounded, so a test that forgot to kill it does not leave it behind for long.
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        if self.fail_after == Some(self.writes) {
            return Err(Error::io(
                what,
                std::io::Error::other("injected write failure (DOCCTL_FAIL_AFTER_WRITES)"),
            ));
        }
        self.writes += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Procedure;

    fn doc(text: &str) -> Document {
        Document::Procedure(crate::load::parse::<Procedure>("x", text).unwrap())
    }

    const BASE: &str = "id: QP-1\ntitle: 文件控制程序\nversion: A/0\nstatus: draft\npurpose: 目的。\nscope: 范围。\nresponsibilities: []\nsteps:\n  - text: 发放。\n";

    #[test]
    fn formatting_and_comments_do_not_change_the_content() {
        let reformatted = "# a comment\nid: 'QP-1'\ntitle: \"文件控制程序\"   # title\nversion: A/0\nstatus: draft\naliases: []\npurpose: >-\n  目的。\nscope: 范围。\nresponsibilities: []\nsteps: [{text: 发放。}]\n";
        assert_eq!(content_hash(&doc(BASE)), content_hash(&doc(reformatted)));
    }

    #[test]
    fn a_changed_value_changes_the_content() {
        let edited = BASE.replace("发放。", "发放并登记。");
        assert_ne!(content_hash(&doc(BASE)), content_hash(&doc(&edited)));
        let canonical = canonical(&doc(BASE));
        assert!(canonical.starts_with("{\"kind\":\"procedure\",\"document\":{\"id\":\"QP-1\","));
        assert!(!canonical.contains("aliases"));
    }

    #[test]
    fn the_lock_refuses_a_second_holder_and_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let lock = Lock::acquire(dir.path()).unwrap();
        let second = Lock::acquire(dir.path()).unwrap_err().to_string();
        assert!(second.contains("is publishing now"), "{second}");
        drop(lock);
        assert!(!dir.path().join(ARCHIVE).join(LOCK).exists());
        Lock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn versions_compare_by_scheme() {
        assert!(earlier(VersionScheme::LetterNumber, "A/9", "A/10"));
        assert!(earlier(VersionScheme::Numeric, "1.9", "1.10"));
        assert!(!earlier(VersionScheme::LetterNumber, "B/0", "A/3"));
    }
}
