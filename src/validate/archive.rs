//! Archive rules: the archive folder is the ledger's second witness — anything in
//! `published/` the ledger does not list is an error, never a reason to overwrite it — and a
//! released document in force cannot disappear from the set without `docctl withdraw`.

use std::collections::BTreeSet;

use crate::diagnostic::Diagnostic;
use crate::model::Pos;
use crate::publish::LEDGER;
use crate::validate::Context;

/// Report what `published/` holds beyond the ledger, and released documents gone missing.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let library = context.library;
    let mut out: Vec<Diagnostic> = library
        .archive
        .iter()
        .map(|problem| {
            Diagnostic::error(
                "archive-unlisted",
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
            Diagnostic::error(
                "release-missing",
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
    out
}
