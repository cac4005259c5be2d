//! Form rules: field keys are unique and usable as names, choices have options, tables have
//! columns, registers have rows.

use std::collections::HashSet;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Document, FieldType, Layout};
use crate::validate::Context;

/// Check the fields of every form.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        let Document::Form(form) = &loaded.doc else {
            continue;
        };
        let file = loaded.file.as_str();
        if let Some(layout) = &form.layout {
            let rows = form.rows.as_ref().map_or(0, |r| r.value);
            if layout.value == Layout::Register && rows == 0 {
                out.push(
                    Diagnostic::new(
                        Code::RegisterRows,
                        file,
                        layout.pos,
                        "a register needs `rows`: the number of blank lines to print",
                    )
                    .with_width(8)
                    .with_help(
                        "add e.g. `rows: 15`, or use `layout: sheet` for one record per page",
                    ),
                );
            }
        }
        let mut seen = HashSet::new();
        for field in &form.fields {
            let key = &field.key;
            if !is_name(key) {
                out.push(
                    Diagnostic::new(Code::InvalidValue, file, key.pos, format!("field key `{}` is not a name", key.value))
                        .with_width(key.chars().count())
                        .with_help("keys name the PDF field and the JSON record entry: ASCII letters, digits and `_`, e.g. `order_no`"),
                );
            }
            if !seen.insert(key.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::FieldDuplicate,
                        file,
                        key.pos,
                        format!("two fields have the key `{}`", key.value),
                    )
                    .with_width(key.chars().count())
                    .with_help("every field of a form needs its own key"),
                );
            }
            let kind = &field.kind;
            let no_options = field.options.as_ref().is_none_or(|o| o.is_empty());
            if matches!(kind.value, FieldType::Choice | FieldType::Multichoice) && no_options {
                out.push(
                    Diagnostic::new(
                        Code::FieldOptions,
                        file,
                        kind.pos,
                        format!("the field `{}` is a choice without options", key.value),
                    )
                    .with_help("add `options: [..]`"),
                );
            }
            if kind.value == FieldType::Table {
                if field.columns.as_ref().is_none_or(|c| c.is_empty()) {
                    out.push(
                        Diagnostic::new(
                            Code::FieldOptions,
                            file,
                            kind.pos,
                            format!("the table `{}` has no columns", key.value),
                        )
                        .with_help("add `columns: [{key: .., label: ..}]`"),
                    );
                }
                for column in field.columns.iter().flatten() {
                    let is_choice = column.kind.as_ref().is_some_and(|k| {
                        matches!(k.value, FieldType::Choice | FieldType::Multichoice)
                    });
                    if is_choice && column.options.as_ref().is_none_or(|o| o.is_empty()) {
                        out.push(
                            Diagnostic::new(
                                Code::FieldOptions,
                                file,
                                column.key.pos,
                                format!(
                                    "the column `{}` is a choice without options",
                                    column.key.value
                                ),
                            )
                            .with_help("add `options: [..]`"),
                        );
                    }
                }
            }
        }
    }
    out
}

fn is_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
