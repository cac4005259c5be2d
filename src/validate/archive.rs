//! Archive rules: the archive folder is the ledger's second witness — anything in
//! `published/` the ledger does not list is an error, never a reason to overwrite it — and a
//! released document in force cannot disappear from the set without `docctl withdraw`.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Date, Pos};
use crate::publish::{ARCHIVE, LEDGER};
use crate::validate::Context;

/// Report what `published/` holds beyond the ledger, and released documents gone missing.
pub(crate) fn check(context: &Context<'_>, today: Date) -> Vec<Diagnostic> {
    let library = context.library;
    let mut out: Vec<Diagnostic> = library
        .archive
        .iter()
        .map(|problem| {
            Diagnostic::new(
                Code::ArchiveUnlisted,
                &problem.path,
                Pos::at(1, 1),
                problem.message.clone(),
            )
            .with_help(problem.help.clone())
        })
        .collect();
    let present: BTreeSet<&str> = library
        .documents
        .iter()
        .map(|d| d.doc.header().id.value.0.as_str())
        .chain(library.unparsed.iter().filter_map(|u| u.id.as_deref()))
        .collect();
    for (id, doc) in &library.ledger.documents {
        let Some(current) = library.ledger.current(id) else {
            continue;
        };
        if present.contains(id.as_str()) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::ReleaseMissing,
                &format!("published/{LEDGER}"),
                Pos::at(1, 1),
                format!(
                    "{id} {} (《{}》) is released and in force, but no document of the set has this id",
                    current.version, current.title
                ),
            )
            .with_help(format!(
                "to take it out of use run `docctl withdraw {id} -m <reason> --by <name>`; if the file was deleted by mistake, restore it from published/{}/{}.yaml",
                current.path, doc.slug
            )),
        );
    }
    out.extend(copies(context, today));
    out
}

/// Warn about controlled copies of superseded revisions not recalled within `recall_days` of
/// the day the newer revision took effect (or the document was withdrawn).
fn copies(context: &Context<'_>, today: Date) -> Vec<Diagnostic> {
    use crate::publish::distribution::{self, DISTRIBUTION, Distribution};
    let library = context.library;
    let days = library.config.recall_days;
    let file = format!("{ARCHIVE}/{DISTRIBUTION}");
    let text = library.sources.get(&file).map_or("", |t| t.as_ref());
    let mut out = Vec::new();
    for copy in &library.distribution.copies {
        if !copy.controlled || library.distribution.recall(&copy.copy).is_some() {
            continue;
        }
        let Some(superseded) = library
            .ledger
            .release(&copy.document, &copy.version)
            .and_then(|r| r.superseded.as_ref())
        else {
            continue;
        };
        let Ok(since) = superseded.date.parse::<Date>() else {
            continue;
        };
        let Ok(due) = since.0.checked_add(jiff::Span::new().days(i64::from(days))) else {
            continue;
        };
        if since.0 > today.0 || due >= today.0 {
            continue;
        }
        let why = match &superseded.by {
            Some(by) => format!("superseded by {by} on {}", superseded.date),
            None => format!("withdrawn on {}", superseded.date),
        };
        let holder = distribution::holder_line(&copy.to, &copy.holder);
        out.push(
            Diagnostic::new(
                Code::CopyNotRecalled,
                &file,
                Pos::at(Distribution::line_of(text, &copy.copy), 1),
                format!(
                    "controlled copy {} of {} {} ({holder}) is not recalled: the revision was {why}, recall was due by {due} (recall_days: {days})",
                    copy.copy, copy.document, copy.version
                ),
            )
            .with_help(format!(
                "take the copy back and run `docctl recall {} --copy {} --by <name>`",
                copy.document, copy.copy
            )),
        );
    }
    out
}
