//! `docctl ack ID --of X`: record in the ledger that a document was reviewed against the
//! revision of a cited document now in force, which ends its `ref-suspect` warning.

use std::path::PathBuf;

use crate::error::Error;
use crate::load;
use crate::model::Date;
use crate::publish::{Acknowledgement, Lock};
use crate::workspace::find_document;

/// What `ack` needs to run.
#[derive(Debug, Clone)]
pub struct AckSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The citing document (id or title).
    pub id: String,
    /// The cited document (id or title).
    pub of: String,
    /// Who reviewed.
    pub by: String,
    /// When.
    pub date: Date,
}

/// Run `docctl ack`.
pub fn run(settings: &AckSettings) -> Result<(), Error> {
    let lock = Lock::acquire(&settings.root)?;
    let library = load::load(&settings.root)?;
    let citing = library.documents[find_document(&library, &settings.id)?]
        .doc
        .header();
    let cited = library.documents[find_document(&library, &settings.of)?]
        .doc
        .header();
    let (id, version) = (&citing.id.value.0, &citing.version.value.0);
    let cited_id = &cited.id.value.0;
    let mut ledger = library.ledger.clone();
    let release = ledger.release(id, version).ok_or_else(|| {
        Error::Usage(format!(
            "{id} {version} is not released: only a released revision has citations to acknowledge"
        ))
    })?;
    let then = release.cites.get(cited_id).ok_or_else(|| {
        Error::Usage(format!(
            "{id} {version} did not cite {cited_id} when it was released"
        ))
    })?;
    let now = ledger
        .current(cited_id)
        .map(|r| r.version.clone())
        .filter(|now| now != then)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{id} {version} cites {cited_id} {then}, which is still in force: nothing to acknowledge"
            ))
        })?;
    if ledger.acknowledged(id, version, cited_id, &now) {
        eprintln!("{id} {version} was already reviewed against {cited_id} {now}");
        return Ok(());
    }
    ledger.acknowledgements.push(Acknowledgement {
        document: id.clone(),
        version: version.clone(),
        cites: cited_id.clone(),
        cited_version: now.clone(),
        by: settings.by.clone(),
        date: settings.date.to_string(),
    });
    ledger.acknowledgements.sort();
    lock.write_ledger(&ledger)?;
    eprintln!("recorded: {id} {version} reviewed against {cited_id} {now} (published/ledger.json)");
    Ok(())
}

/// Run `docctl ack` from its command line.
pub fn invoke(args: crate::cli::AckArgs) -> Result<bool, Error> {
    run(&AckSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        id: args.id,
        of: args.of,
        by: args.by,
    })?;
    Ok(true)
}
