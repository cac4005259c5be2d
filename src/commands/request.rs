//! `docctl request`: change requests (文件更改申请), one plain YAML file each in `requests/`
//! (`requests/CR-2026-001.yaml`): what should change in which document, who asked, the
//! documents to re-review as `refs --impact` found them that day (frozen), the decision, and
//! the revisions made for it (`docctl revise ID --request CR-…`).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::load::{self, Library};
use crate::model::Date;
pub use crate::request::{Affected, Decision, REQUESTS, Request, all};

/// What `request new` needs.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The set's folder.
    pub root: PathBuf,
    /// The document, by id or title.
    pub id: String,
    /// What should change.
    pub what: String,
    /// Who asks.
    pub by: String,
    /// The day of the request.
    pub date: Date,
}

/// Run `docctl request new`; return the request written.
pub fn new(settings: &NewRequest) -> Result<Request, Error> {
    for (flag, value) in [("-m", &settings.what), ("--by", &settings.by)] {
        if value.trim().is_empty() {
            return Err(Error::Usage(format!("{flag} must not be empty")));
        }
    }
    let library = load::load(&settings.root)?;
    let found = crate::workspace::find_document(&library, &settings.id)?;
    let header = library.documents[found].doc.header();
    let impact = frozen_impact(&library, found);
    let year = settings.date.0.year();
    let prefix = format!("CR-{year}-");
    let last = all(&settings.root)?
        .iter()
        .filter_map(|r| r.number.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let request = Request {
        number: format!("{prefix}{:03}", last + 1),
        document: header.id.value.0.clone(),
        title: header.title.value.0.clone(),
        version: header.version.value.0.clone(),
        what: settings.what.trim().to_owned(),
        by: settings.by.trim().to_owned(),
        date: settings.date.to_string(),
        status: "open".to_owned(),
        impact,
        decision: None,
        revisions: Vec::new(),
    };
    let path = request.save(&settings.root, true)?;
    eprintln!(
        "requested {} for {} {} ({} document(s) to re-review) → {}",
        request.number,
        request.document,
        request.version,
        request.impact.iter().filter(|a| a.distance == 1).count(),
        path.display()
    );
    Ok(request)
}

/// The documents `refs --impact` lists for a document, nearest first.
fn frozen_impact(library: &Library, doc: usize) -> Vec<Affected> {
    let (index, _) = crate::validate::Index::build(library);
    let graph = crate::graph::Graph::build(library, &index);
    let mut out: Vec<Affected> = graph
        .reach(doc, true)
        .into_iter()
        .map(|(i, distance)| {
            let h = library.documents[i].doc.header();
            Affected {
                id: h.id.value.0.clone(),
                title: h.title.value.0.clone(),
                version: h.version.value.0.clone(),
                distance,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.distance, &a.id).cmp(&(b.distance, &b.id)));
    out
}

/// Run `docctl request approve|reject`.
pub fn decide(
    root: &Path,
    number: &str,
    approve: bool,
    by: &str,
    note: &str,
    date: Date,
) -> Result<Request, Error> {
    if by.trim().is_empty() {
        return Err(Error::Usage("--by must not be empty".into()));
    }
    let mut request = Request::load(root, number)?;
    if let Some(decision) = &request.decision {
        return Err(Error::Usage(format!(
            "{number} was already {} by {} on {}",
            request.status, decision.by, decision.date
        )));
    }
    request.status = if approve { "approved" } else { "rejected" }.to_owned();
    request.decision = Some(Decision {
        by: by.trim().to_owned(),
        date: date.to_string(),
        note: note.trim().to_owned(),
    });
    request.save(root, false)?;
    eprintln!("{number} {} by {}", request.status, by.trim());
    Ok(request)
}

/// Run `docctl request new|approve|reject` from its command line.
pub fn invoke(action: crate::cli::RequestAction) -> Result<bool, Error> {
    use crate::cli::RequestAction;
    let (args, approve) = match action {
        RequestAction::New {
            id,
            message,
            by,
            date,
            set,
        } => {
            new(&NewRequest {
                date: crate::settings::today_or(date),
                root: set.dir().to_path_buf(),
                id,
                what: message,
                by,
            })?;
            return Ok(true);
        }
        RequestAction::Approve(args) => (args, true),
        RequestAction::Reject(args) => (args, false),
    };
    let date = crate::settings::today_or(args.date);
    decide(
        args.set.dir(),
        &args.number,
        approve,
        &args.by,
        &args.message,
        date,
    )?;
    Ok(true)
}
