//! Filled-in records: the JSON a form's HTML page saves (`{"form", "version", "values"}`),
//! checked against the form definition, and mapped onto the PDF form's field names.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Field, FieldType, Form, Layout, Pos};

/// The longest value a box of a form holds: a printed form has no room for more, and a huge
/// value would make a huge PDF.
pub const MAX_VALUE_CHARS: usize = 10_000;

/// The largest record file read.
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// Check a record's JSON text against a form; return every problem, located in the JSON.
pub fn check(form: &Form, file: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let json: Value = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(e) => {
            out.push(Diagnostic::new(
                Code::RecordJson,
                file,
                Pos::at(e.line() as u32, e.column() as u32),
                format!("not valid JSON: {e}"),
            ));
            return out;
        }
    };
    let at = |needle: &str| locate(text, needle);
    // A problem of the record as a whole is placed at its start.
    let whole = |code, message: &str| Diagnostic::new(code, file, Pos::at(1, 1), message);
    let Some(object) = json.as_object() else {
        out.push(whole(
            Code::RecordJson,
            "a record is a JSON object with `form` and `values`",
        ));
        return out;
    };
    let form_id = &form.id.value.0;
    match object.get("form").and_then(Value::as_str) {
        Some(id) if id == form_id => {}
        Some(id) => out.push(
            Diagnostic::new(
                Code::RecordForm,
                file,
                at("\"form\""),
                format!("the record is for form `{id}`, not `{form_id}`"),
            )
            .with_help("check the record against the form it was filled on"),
        ),
        None => out.push(whole(
            Code::RecordForm,
            "the record does not say which form it is for (`form`)",
        )),
    }
    if let Some(version) = object.get("version").and_then(Value::as_str)
        && version != form.version.value.0
    {
        out.push(
                Diagnostic::new(
                    Code::RecordVersion,
                    file,
                    at("\"version\""),
                    format!("the record was filled on version {version}; the form is now version {}", form.version.value),
                )
                .with_help("a record stays valid on the version it was filled on; new records use the current version"),
            );
    }
    let Some(values) = object.get("values").and_then(Value::as_object) else {
        out.push(whole(Code::RecordJson, "the record has no `values` object"));
        return out;
    };

    let fields: BTreeMap<&str, &Field> = form.fields.iter().map(|f| (f.key.as_str(), f)).collect();
    let register = form
        .layout
        .as_ref()
        .is_some_and(|l| l.value == Layout::Register);
    let rows = form.rows.as_ref().map_or(0, |r| r.value);
    let mut filled_rows: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for (name, value) in values {
        let pos = at(&format!("\"{name}\""));
        let parts: Vec<&str> = name.split('.').collect();
        let Some(field) = fields.get(parts[0]).copied() else {
            let known: Vec<&str> = fields.keys().copied().collect();
            let mut diagnostic = Diagnostic::new(
                Code::RecordField,
                file,
                pos,
                if parts[0].is_empty() {
                    format!(
                        "`{name}` names no field: a key is `field`, `field.row` (a register) or \
                         `table.row.column`"
                    )
                } else if parts[0] == name {
                    format!("the form has no field `{name}`")
                } else {
                    format!("`{name}`: the form has no field `{}`", parts[0])
                },
            );
            if let Some(best) = crate::suggest::closest(parts[0], known.iter().copied()) {
                diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
            }
            out.push(diagnostic);
            continue;
        };
        let kind = field.kind.value;
        let shape_ok = match (register, kind, parts.len()) {
            (_, FieldType::Section, _) => false,
            (true, FieldType::Table, _) => false,
            (true, _, 2) => parts[1].parse::<u32>().is_ok_and(|r| r >= 1 && r <= rows),
            (false, FieldType::Table, 3) => {
                let table_rows = field.rows.as_ref().map_or(3, |r| r.value);
                let known_column = field
                    .columns
                    .iter()
                    .flatten()
                    .any(|c| c.key.as_str() == parts[2]);
                parts[1]
                    .parse::<u32>()
                    .is_ok_and(|r| r >= 1 && r <= table_rows)
                    && known_column
            }
            (false, _, 1) => kind != FieldType::Table,
            _ => false,
        };
        if !shape_ok {
            let expected = match (register, kind) {
                (true, _) => format!("`{}.N` with N from 1 to {rows} (one per row)", parts[0]),
                (false, FieldType::Table) => format!("`{}.ROW.COLUMN`", parts[0]),
                _ => format!("`{}`", parts[0]),
            };
            out.push(
                Diagnostic::new(
                    Code::RecordField,
                    file,
                    pos,
                    format!("`{name}` does not name a box of this form"),
                )
                .with_help(format!("write {expected}")),
            );
            continue;
        }
        let length = value.as_str().map_or(0, |v| v.chars().count());
        if length > MAX_VALUE_CHARS {
            out.push(
                Diagnostic::new(
                    Code::RecordField,
                    file,
                    pos,
                    format!("`{name}` holds {length} characters; a box of a form holds at most {MAX_VALUE_CHARS}"),
                )
                .with_help("shorten it, or attach the long text to the record instead"),
            );
            continue;
        }
        if is_blank(value) {
            continue;
        }
        if register {
            filled_rows
                .entry(parts[1].parse().unwrap_or(0))
                .or_default()
                .push(parts[0]);
        }
        let column_kind = if kind == FieldType::Table {
            field
                .columns
                .iter()
                .flatten()
                .find(|c| c.key.as_str() == parts[2])
                .and_then(|c| c.kind.as_ref())
                .map_or(FieldType::Text, |k| k.value)
        } else {
            kind
        };
        let options: Vec<&str> = field.options.iter().flatten().map(|o| o.as_str()).collect();
        if let Some(problem) = invalid(column_kind, value, &options) {
            out.push(Diagnostic::new(
                Code::RecordInvalid,
                file,
                pos,
                format!("`{name}` ({}): {problem}", field.label.value),
            ));
        }
    }

    // Required fields left empty: in a register, only in the rows that were filled in.
    let required: Vec<&Field> = form.fields.iter().filter(|f| f.required).collect();
    let mut missing: Vec<(String, String, &Field)> = Vec::new();
    if register {
        for (row, present) in &filled_rows {
            for field in required
                .iter()
                .filter(|f| !present.contains(&f.key.as_str()))
            {
                missing.push((
                    format!("row {row} is filled in but its required"),
                    format!("{}.{row}", field.key.value),
                    field,
                ));
            }
        }
    } else {
        for field in required
            .iter()
            .filter(|f| values.get(f.key.as_str()).is_none_or(is_blank))
        {
            missing.push((
                "the required field".to_owned(),
                field.key.to_string(),
                field,
            ));
        }
    }
    for (what, name, field) in missing {
        out.push(
            Diagnostic::new(
                Code::RecordRequired,
                file,
                Pos::at(1, 1),
                format!(
                    "{what} `{}` ({}) is empty",
                    field.key.value, field.label.value
                ),
            )
            .with_help(format!("fill `{name}`")),
        );
    }
    crate::validate::sort(&mut out);
    out
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// Return what is wrong with a value for a field type, if anything.
fn invalid(kind: FieldType, value: &Value, options: &[&str]) -> Option<String> {
    match kind {
        FieldType::Date => match value.as_str() {
            Some(s) if s.parse::<jiff::civil::Date>().is_ok() => None,
            _ => Some(format!("{value} is not a date (YYYY-MM-DD)")),
        },
        FieldType::Number => match value {
            Value::Number(_) => None,
            Value::String(s) if s.trim().parse::<f64>().is_ok() => None,
            _ => Some(format!("{value} is not a number")),
        },
        FieldType::Checkbox => value
            .as_bool()
            .is_none()
            .then(|| format!("{value} is not true or false")),
        FieldType::Choice => match value.as_str() {
            Some(s) if options.contains(&s) => None,
            _ => Some(format!("{value} is not one of {options:?}")),
        },
        FieldType::Multichoice => match value.as_array() {
            Some(items)
                if items
                    .iter()
                    .all(|i| i.as_str().is_some_and(|s| options.contains(&s))) =>
            {
                None
            }
            _ => Some(format!("{value} is not a list of options from {options:?}")),
        },
        _ => match value {
            Value::String(_) | Value::Number(_) => None,
            _ => Some(format!("{value} is not text")),
        },
    }
}

/// Find where a text first occurs in the JSON source, as a line and column.
fn locate(text: &str, needle: &str) -> Pos {
    match text.find(needle) {
        Some(at) => {
            let before = &text[..at];
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            Pos::at(line, column)
        }
        None => Pos::at(1, 1),
    }
}

/// Map a record's values onto the PDF form's field names: a sheet's multiple choice becomes
/// one check box per option (`key.N`).
pub fn pdf_values(form: &Form, values: &serde_json::Map<String, Value>) -> BTreeMap<String, Value> {
    let register = form
        .layout
        .as_ref()
        .is_some_and(|l| l.value == Layout::Register);
    let mut out = BTreeMap::new();
    for (name, value) in values {
        let field = form
            .fields
            .iter()
            .find(|f| f.key.as_str() == name.split('.').next().unwrap_or(name));
        match (field, value) {
            (Some(field), Value::Array(items))
                if !register && field.kind.value == FieldType::Multichoice =>
            {
                for (i, option) in field.options.iter().flatten().enumerate() {
                    let on = items
                        .iter()
                        .any(|item| item.as_str() == Some(option.as_str()));
                    out.insert(format!("{name}.{}", i + 1), Value::Bool(on));
                }
            }
            (_, Value::Array(items)) => {
                let joined: Vec<String> = items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect();
                out.insert(name.clone(), Value::String(joined.join("、")));
            }
            (_, Value::Null) => {}
            _ => {
                out.insert(name.clone(), value.clone());
            }
        }
    }
    out
}
