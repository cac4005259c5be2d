//! The distribution record (`published/distribution.json`): the numbered copies of released
//! revisions handed out (发放) and their recall (回收). It is kept like the ledger: written
//! atomically and durably under the archive's lock, append-only (a new record only ever adds
//! copies and recalls after the ones already there), and refused when it does not hold together
//! (a copy of a release the ledger does not list, a number out of sequence, a recall of a copy
//! that was never issued).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::publish::{ARCHIVE, Ledger, Lock};

/// The file name of the distribution record inside the archive.
pub const DISTRIBUTION: &str = "distribution.json";
/// The format this docctl reads and writes.
pub const DISTRIBUTION_FORMAT: u32 = 1;

/// Every copy issued and every recall, in the order they happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// The format (1).
    pub format: u32,
    /// The copies issued, oldest first.
    #[serde(default)]
    pub copies: Vec<Copy>,
    /// The recalls, oldest first.
    #[serde(default)]
    pub recalls: Vec<Recall>,
}

/// One numbered copy of a released revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Copy {
    /// The document's id.
    pub document: String,
    /// The released version copied.
    pub version: String,
    /// The copy's number within the release: 1, 2, 3 …
    pub number: u32,
    /// The 发放号: `<id>-<version>-<number, three digits>`.
    pub copy: String,
    /// The receiving department (领用部门).
    pub to: String,
    /// The person who holds it (领用人), if named.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub holder: String,
    /// A controlled copy (受控副本, recalled when superseded) or not (非受控, for reference).
    pub controlled: bool,
    /// The day it was issued.
    pub issued: String,
    /// The line stamped at the top of every page of the copy.
    pub stamp: String,
    /// SHA-256 of the copy's PDF (the released PDF with `stamp` on every page).
    pub sha256: String,
}

/// The return of a controlled copy (回收).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    /// The copy's 发放号.
    pub copy: String,
    /// The day it came back.
    pub date: String,
    /// Who took it back (回收人).
    pub by: String,
}

/// Return the 发放号 of copy `number` of `id` at `version`: `QP-7.5-01-A/1-003`.
pub fn copy_number(id: &str, version: &str, number: u32) -> String {
    format!("{id}-{version}-{number:03}")
}

/// Return who holds a copy in one line: the receiving department and the person, whichever
/// are named.
pub fn holder_line(to: &str, holder: &str) -> String {
    [to, holder]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Return the distribution record's path in a set.
pub fn distribution_path(root: &Path) -> PathBuf {
    root.join(ARCHIVE).join(DISTRIBUTION)
}

/// Return where a copy's PDF is written: `output/copies/<slug>/<slug>-<version>-<nnn>.pdf`.
pub fn copy_pdf_path(root: &Path, slug: &str, copy: &Copy) -> PathBuf {
    root.join("output").join("copies").join(slug).join(format!(
        "{slug}-{}-{:03}.pdf",
        crate::publish::version_slug(&copy.version),
        copy.number
    ))
}

impl Distribution {
    /// Read the record of a set, checked against its ledger; an absent record is empty.
    pub fn load(root: &Path, ledger: &Ledger) -> Result<Distribution, Error> {
        let path = distribution_path(root);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Distribution::new()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let record: Distribution = serde_json::from_str(&text).map_err(|e| {
            let message = format!(
                "{}:{}:{}: the distribution record is not valid ({e}); it is written by `docctl issue` and `docctl recall` only — restore it from git",
                path.display(),
                e.line(),
                e.column()
            );
            Error::malformed(message, e)
        })?;
        record.validate(ledger).map_err(|problem| {
            Error::invalid(format!(
                "{}: {problem}; the distribution record is written by docctl only — restore it from git",
                path.display()
            ))
        })?;
        Ok(record)
    }

    /// Return an empty record.
    pub fn new() -> Distribution {
        Distribution {
            format: DISTRIBUTION_FORMAT,
            ..Distribution::default()
        }
    }

    /// Refuse a record that does not hold together.
    pub fn validate(&self, ledger: &Ledger) -> Result<(), String> {
        if self.format != DISTRIBUTION_FORMAT {
            return Err(format!(
                "format {} is not known to this docctl (it reads format {DISTRIBUTION_FORMAT})",
                self.format
            ));
        }
        let mut next: BTreeMap<(&str, &str), u32> = BTreeMap::new();
        let mut controlled = BTreeSet::new();
        for copy in &self.copies {
            if ledger.release(&copy.document, &copy.version).is_none() {
                return Err(format!(
                    "copy {} is of {} {}, which the ledger does not list",
                    copy.copy, copy.document, copy.version
                ));
            }
            let expected = next
                .entry((copy.document.as_str(), copy.version.as_str()))
                .or_insert(1);
            if copy.number != *expected
                || copy.copy != copy_number(&copy.document, &copy.version, copy.number)
            {
                return Err(format!(
                    "copy {} is out of sequence: copy {} of {} {} is numbered {}",
                    copy.copy,
                    expected,
                    copy.document,
                    copy.version,
                    copy_number(&copy.document, &copy.version, *expected)
                ));
            }
            *expected += 1;
            if copy.controlled {
                controlled.insert(copy.copy.as_str());
            }
        }
        let mut recalled = BTreeSet::new();
        for recall in &self.recalls {
            if !controlled.contains(recall.copy.as_str()) {
                return Err(format!(
                    "recall of {}: no controlled copy has this number",
                    recall.copy
                ));
            }
            if !recalled.insert(recall.copy.as_str()) {
                return Err(format!("copy {} is recalled twice", recall.copy));
            }
        }
        Ok(())
    }

    /// Return the record as written to disk: pretty, ending in a newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Return the recall of a copy, if it came back.
    pub fn recall(&self, copy: &str) -> Option<&Recall> {
        self.recalls.iter().find(|r| r.copy == copy)
    }

    /// Return whether `newer` only adds copies and recalls after those of `self`.
    pub fn appends(&self, newer: &Distribution) -> bool {
        newer.copies.starts_with(&self.copies) && newer.recalls.starts_with(&self.recalls)
    }

    /// Return the line of a copy's record in the file's text (1 when not found).
    pub fn line_of(text: &str, copy: &str) -> u32 {
        let needle = format!("\"copy\": {}", serde_json::Value::String(copy.to_owned()));
        text.find(&needle)
            .map_or(1, |at| text[..at].matches('\n').count() as u32 + 1)
    }

    /// Write the record under the archive's lock (through its temporary file, so a kill leaves
    /// only what `publish --recover` removes), refusing anything but an append to what is on
    /// disk.
    pub fn save(&self, root: &Path, ledger: &Ledger, lock: &Lock) -> Result<(), Error> {
        let on_disk = Distribution::load(root, ledger)?;
        if !on_disk.appends(self) {
            return Err(Error::Refused(format!(
                "{}: changed while docctl was writing it (records are only ever added); nothing was written",
                distribution_path(root).display()
            )));
        }
        self.validate(ledger).map_err(Error::internal)?;
        lock.write_record(DISTRIBUTION, "distribution", self.to_json().as_bytes())
    }
}
