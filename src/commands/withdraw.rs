//! `docctl withdraw ID -m REASON --by NAME`: take a released document out of use. The ledger
//! records its last release as superseded by nothing (作废), with the date, the reason and who
//! withdrew it; the YAML, when it is still there, becomes `status: obsolete`. Only then may
//! the file be deleted without `check` reporting `release-missing`.

use std::path::PathBuf;

use serde_json::json;

use crate::edit;
use crate::error::Error;
use crate::load;
use crate::model::{Date, Status};
use crate::publish::{self, Ledger, Lock, Superseded};
use crate::workspace::{Source, find_document};

/// What `withdraw` needs to run.
#[derive(Debug, Clone)]
pub struct WithdrawSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document's id, or its title while its YAML is still in the set.
    pub id: String,
    /// Why it is withdrawn.
    pub reason: String,
    /// Who withdraws it.
    pub by: String,
    /// When.
    pub date: Date,
}

/// Run `docctl withdraw`.
pub fn run(settings: &WithdrawSettings) -> Result<(), Error> {
    let lock = Lock::acquire(&settings.root)?;
    let library = load::load(&settings.root)?;
    let found = find_document(&library, &settings.id).ok();
    let id = match found {
        Some(i) => library.documents[i].doc.header().id.value.0.clone(),
        None => settings.id.clone(),
    };
    let mut ledger: Ledger = library.ledger.clone();
    let Some(current) = ledger.current(&id).cloned() else {
        return Err(Error::Usage(match ledger.documents.get(&id) {
            Some(_) => {
                format!("{id} is already withdrawn or superseded: nothing in force to withdraw")
            }
            None => format!(
                "{id} was never published: a draft or unpublished document is simply deleted, or set `status: obsolete`"
            ),
        }));
    };
    if let Some(last) = ledger
        .documents
        .get_mut(&id)
        .and_then(|d| d.releases.last_mut())
    {
        last.superseded = Some(Superseded {
            by: None,
            date: settings.date.to_string(),
            reason: Some(settings.reason.clone()),
            withdrawn_by: Some(settings.by.clone()),
        });
    }
    // The YAML first: if it cannot be edited, the ledger is not written either.
    let edited = match found {
        Some(i) => {
            let loaded = &library.documents[i];
            let file = Source::read(&settings.root, &loaded.file, loaded.doc.kind())?;
            let header = file.doc.header();
            if header.status.value == Status::Obsolete {
                None
            } else {
                let text = edit::replace_scalar(
                    &file.text,
                    &header.status.pos,
                    Status::Obsolete.as_str(),
                )?;
                let mut expected = publish::canonical_value(&file.doc);
                expected["document"]["status"] = json!("obsolete");
                Some((file, text, expected))
            }
        }
        None => None,
    };
    if let Some((file, text, expected)) = &edited {
        file.write_verified(text, expected.clone())?;
    }
    lock.write_ledger(&ledger)?;
    eprintln!(
        "withdrew {id} {} (作废 {}): {}; recorded in published/ledger.json{}",
        current.version,
        settings.date,
        settings.reason,
        match &edited {
            Some((file, _, _)) => format!(", {} is now status: obsolete", file.rel),
            None => String::new(),
        }
    );
    // Its controlled copies still out are recalled: each is due within recall_days, and
    // `check` warns (copy-not-recalled) about those not recorded back by then.
    let out: Vec<&str> = library
        .distribution
        .copies
        .iter()
        .filter(|c| c.document == id && c.controlled)
        .filter(|c| library.distribution.recall(&c.copy).is_none())
        .map(|c| c.copy.as_str())
        .collect();
    if !out.is_empty() {
        eprintln!(
            "recall its {} controlled copy(ies) within {} days (recall_days) and record each with `docctl recall {id} --copy N --by NAME`: {}",
            out.len(),
            library.config.recall_days,
            out.join(", ")
        );
    }
    Ok(())
}

/// Run `docctl withdraw` from its command line.
pub fn invoke(args: crate::cli::WithdrawArgs) -> Result<bool, Error> {
    run(&WithdrawSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        id: args.id,
        reason: crate::fold::required("-m", &args.message)?,
        by: crate::fold::required("--by", &args.by)?,
    })?;
    Ok(true)
}
