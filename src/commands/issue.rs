//! `docctl issue` and `docctl recall`: numbered copies of a released revision handed out
//! (发放) with the copy stamp on every page, and controlled copies taken back (回收), recorded
//! in `published/distribution.json` under the archive's lock.

use std::path::PathBuf;

use crate::error::Error;
use crate::load::{self, Library};
use crate::model::Date;
use crate::publish::distribution::{self, Copy, Distribution, Recall};
use crate::publish::{self, Lock};
use crate::render::labels;

/// What `issue` needs to run.
#[derive(Debug, Clone)]
pub struct IssueSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document, by id or title.
    pub id: String,
    /// The receiving department (领用部门), or whoever receives an uncontrolled copy.
    pub to: String,
    /// The person receiving it (领用人).
    pub holder: String,
    /// How many copies.
    pub copies: u32,
    /// 非受控 (for reference, never recalled) instead of 受控副本.
    pub uncontrolled: bool,
    /// The day of issue.
    pub date: Date,
}

/// What `recall` needs to run.
#[derive(Debug, Clone)]
pub struct RecallSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document, by id or title.
    pub id: String,
    /// The copy: its number (3) or 发放号 (QP-7.5-01-A/1-003).
    pub copy: Option<String>,
    /// Or every outstanding copy this person or department holds.
    pub holder: Option<String>,
    /// Who took it back (回收人).
    pub by: String,
    /// The day it came back.
    pub date: Date,
}

/// Return the ledger id of a document named by id or title.
fn resolve(library: &Library, query: &str) -> Result<String, Error> {
    if library.ledger.documents.contains_key(query) {
        return Ok(query.to_owned());
    }
    let i = crate::workspace::find_document(library, query)?;
    Ok(library.documents[i].doc.header().id.value.0.clone())
}

/// Run `docctl issue`; return the copies issued.
pub fn issue(settings: &IssueSettings) -> Result<Vec<Copy>, Error> {
    if settings.to.trim().is_empty() {
        return Err(Error::Usage("--to: name who receives the copy".into()));
    }
    if settings.copies == 0 || settings.copies > 999 {
        return Err(Error::Usage(format!(
            "--copies {}: issue 1 to 999 copies at a time",
            settings.copies
        )));
    }
    let lock = Lock::acquire(&settings.root)?;
    let library = load::load(&settings.root)?;
    let ledger = &library.ledger;
    let id = resolve(&library, &settings.id)?;
    let doc = ledger.documents.get(&id).ok_or_else(|| {
        Error::NotFound(format!(
            "{id} was never released: run `docctl publish` first; copies are made of released revisions only"
        ))
    })?;
    let release = doc
        .releases
        .last()
        .filter(|r| r.superseded.is_none())
        .ok_or_else(|| {
            Error::Refused(format!(
                "{id} is withdrawn (作废): its copies are recalled, none are issued"
            ))
        })?;
    let pdf = crate::workspace::released_pdf(&settings.root, ledger, &id, release)?;
    let lang = library
        .documents
        .iter()
        .find(|d| d.doc.header().id.value.0 == id)
        .and_then(|d| d.doc.header().lang)
        .unwrap_or(library.config.lang);
    let words = labels::of(lang);
    let mut record = Distribution::load(&settings.root, ledger)?;
    let mut number = record
        .copies
        .iter()
        .filter(|c| c.document == id && c.version == release.version)
        .count() as u32;
    let mut issued = Vec::new();
    for _ in 0..settings.copies {
        number += 1;
        let copy = distribution::copy_number(&id, &release.version, number);
        let kind = if settings.uncontrolled {
            words["copy_uncontrolled"]
        } else {
            words["copy_controlled"]
        };
        let receiver = distribution::holder_line(settings.to.trim(), settings.holder.trim());
        // The stamp font has no middle dot: the parts are set apart by ideographic spaces.
        let stamp = format!(
            "{kind}\u{3000}{} {copy}\u{3000}{receiver}",
            words["copy_number"]
        )
        .replace(" · ", "\u{3000}");
        let bytes = crate::stamp::stamp(&pdf, &stamp)?;
        let entry = Copy {
            document: id.clone(),
            version: release.version.clone(),
            number,
            copy,
            to: settings.to.trim().to_owned(),
            holder: settings.holder.trim().to_owned(),
            controlled: !settings.uncontrolled,
            issued: settings.date.to_string(),
            stamp,
            sha256: publish::sha256(&bytes),
        };
        let path = distribution::copy_pdf_path(&settings.root, &doc.slug, &entry);
        crate::write::write_atomic(&path, &bytes)?;
        eprintln!("issued {} → {}", entry.copy, path.display());
        record.copies.push(entry.clone());
        issued.push(entry);
    }
    record.save(&settings.root, ledger, &lock)?;
    eprintln!(
        "recorded {} copy(ies) in {}/{}; commit it to keep the record",
        issued.len(),
        publish::ARCHIVE,
        distribution::DISTRIBUTION
    );
    Ok(issued)
}

/// Run `docctl recall`; return the 发放号 of the copies recalled.
pub fn recall(settings: &RecallSettings) -> Result<Vec<String>, Error> {
    if settings.by.trim().is_empty() {
        return Err(Error::Usage("--by: name who takes the copy back".into()));
    }
    let lock = Lock::acquire(&settings.root)?;
    let library = load::load(&settings.root)?;
    let id = resolve(&library, &settings.id)?;
    let mut record = Distribution::load(&settings.root, &library.ledger)?;
    let of_document: Vec<&Copy> = record.copies.iter().filter(|c| c.document == id).collect();
    let chosen: Vec<&Copy> = match (&settings.copy, &settings.holder) {
        (Some(copy), _) => {
            let by_number = copy.parse::<u32>().ok();
            let found: Vec<&Copy> = of_document
                .iter()
                .copied()
                .filter(|c| c.copy == *copy || Some(c.number) == by_number)
                .collect();
            let open: Vec<&Copy> = found
                .iter()
                .copied()
                .filter(|c| record.recall(&c.copy).is_none())
                .collect();
            match (found.as_slice(), open.as_slice()) {
                ([], _) => {
                    return Err(Error::NotFound(format!("{id} has no copy `{copy}`")));
                }
                ([only], []) => {
                    let recall = record
                        .recall(&only.copy)
                        .map_or_else(String::new, |r| format!(" on {} by {}", r.date, r.by));
                    return Err(Error::Refused(format!(
                        "{} was already recalled{recall}",
                        only.copy
                    )));
                }
                (_, [_, _, ..]) => {
                    let names: Vec<&str> = open.iter().map(|c| c.copy.as_str()).collect();
                    return Err(Error::Usage(format!(
                        "copy {copy} of {id} is ambiguous ({}): give the 发放号",
                        names.join(", ")
                    )));
                }
                _ => open,
            }
        }
        (None, Some(holder)) => of_document
            .iter()
            .copied()
            .filter(|c| c.holder == *holder || (c.holder.is_empty() && c.to == *holder))
            .filter(|c| c.controlled && record.recall(&c.copy).is_none())
            .collect(),
        (None, None) => {
            return Err(Error::Usage(
                "name the copy (--copy N) or the holder (--holder NAME)".into(),
            ));
        }
    };
    if let Some(free) = chosen.iter().find(|c| !c.controlled) {
        return Err(Error::Refused(format!(
            "{} is an uncontrolled copy (非受控): it is not recalled",
            free.copy
        )));
    }
    if chosen.is_empty() {
        return Err(Error::NotFound(format!(
            "{id}: {} holds no outstanding controlled copy",
            settings.holder.as_deref().unwrap_or_default()
        )));
    }
    let copies: Vec<String> = chosen.iter().map(|c| c.copy.clone()).collect();
    for copy in &copies {
        record.recalls.push(Recall {
            copy: copy.clone(),
            date: settings.date.to_string(),
            by: settings.by.trim().to_owned(),
        });
        eprintln!(
            "recalled {copy} ({} by {})",
            settings.date,
            settings.by.trim()
        );
    }
    record.save(&settings.root, &library.ledger, &lock)?;
    Ok(copies)
}

/// Run `docctl issue` from its command line.
pub fn invoke_issue(args: crate::cli::IssueArgs) -> Result<bool, Error> {
    issue(&IssueSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        id: args.id,
        to: args.to,
        holder: args.holder,
        copies: args.copies,
        uncontrolled: args.uncontrolled,
    })?;
    Ok(true)
}

/// Run `docctl recall` from its command line.
pub fn invoke_recall(args: crate::cli::RecallArgs) -> Result<bool, Error> {
    recall(&RecallSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        id: args.id,
        copy: args.copy,
        holder: args.holder,
        by: args.by,
    })?;
    Ok(true)
}
