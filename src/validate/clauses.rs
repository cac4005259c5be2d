//! Clause rule: every clause a procedure or an instruction lists, and every chapter of the
//! manual, exists in ISO 9001:2015.

use crate::coverage;
use crate::diagnostic::{Code, Diagnostic};
use crate::validate::Context;

/// Check the clauses of every document against the shipped clause list.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let known = coverage::clauses();
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        for clause in loaded.doc.clauses() {
            if known.iter().any(|c| c.number == clause.as_str()) {
                continue;
            }
            let diagnostic = Diagnostic::new(
                Code::ClauseUnknown,
                &loaded.file,
                clause.pos,
                format!(
                    "`{}` is not a clause of ISO 9001:2015 (4 … 10.3)",
                    clause.value
                ),
            )
            .with_width(clause.chars().count());
            let best =
                crate::suggest::closest(clause.as_str(), known.iter().map(|c| c.number.as_str()));
            out.push(match best {
                Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
                None => diagnostic.with_help("clauses are numbered like \"8.2.1\""),
            });
        }
    }
    out
}
