//! Value rules: a value the format requires is not empty or blank — an id, a title, a
//! procedure's purpose, scope and steps (once it is not a draft), a signature's name, a history entry's change.
//! Blank means nothing left after NFKC, removing format characters (Cf) and trimming.

use crate::diagnostic::{Code, Diagnostic};
use crate::fold;
use crate::model::{Document, Pos, Status};
use crate::validate::Context;

/// Report required values that are empty or blank.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        let header = loaded.doc.header();
        let mut required: Vec<(&str, &str, Pos)> = vec![
            ("id", &header.id.value.0, header.id.pos),
            ("title", &header.title.value.0, header.title.pos),
        ];
        // A draft is still being written (an import leaves gaps on purpose); once signed,
        // its body is required too.
        let draft = header.status.value == Status::Draft;
        if let (Some(outline), false) = (loaded.doc.outline(), draft) {
            let (purpose, scope) = (outline.purpose, outline.scope);
            required.push(("purpose", &purpose.value.0, purpose.pos));
            required.push(("scope", &scope.value.0, scope.pos));
            if outline.steps.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        &loaded.file,
                        header.id.pos,
                        format!("the {} has no steps", loaded.doc.kind().as_str()),
                    )
                    .with_help("add `steps:` with at least one step (`- text: …`)"),
                );
            }
        }
        if let (Document::Manual(m), false) = (&loaded.doc, draft)
            && m.chapters.is_empty()
        {
            out.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    &loaded.file,
                    header.id.pos,
                    "the manual has no chapters",
                )
                .with_help("add `chapters:` with one chapter per clause (`- clause: \"4\"`)"),
            );
        }
        if let Some(approval) = header.approval {
            for (role, signature) in [
                ("prepared name", &approval.prepared),
                ("reviewed name", &approval.reviewed),
                ("approved name", &approval.approved),
            ] {
                if let Some(s) = signature {
                    required.push((role, &s.value.name.value.0, s.value.name.pos));
                }
            }
        }
        for entry in header.history {
            required.push(("history change", &entry.change.value.0, entry.change.pos));
        }
        for (what, value, pos) in required {
            if fold::name(value).is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        &loaded.file,
                        pos,
                        format!("the {what} is empty"),
                    )
                    .with_help(format!(
                        "write the {what}; blank or invisible text does not count"
                    )),
                );
            }
        }
    }
    out
}
