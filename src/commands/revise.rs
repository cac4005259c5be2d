//! `docctl revise ID`: start the next revision of a document — the next version under the
//! set's scheme, a history entry, status back to draft, approvals and effective date cleared —
//! by editing its YAML in place.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::edit;
use crate::error::Error;
use crate::load::{self, Library};
use crate::model::{Date, Document, Form, Kind, Procedure, Status};
use crate::publish;

/// What `revise` needs to run.
#[derive(Debug, Clone)]
pub struct ReviseSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document's id or title.
    pub id: String,
    /// A major revision (A/1 → B/0) rather than a minor one (A/0 → A/1).
    pub major: bool,
    /// What changes (修订内容).
    pub message: String,
    /// Who makes the change (修订人).
    pub by: String,
    /// The date of the history entry.
    pub date: Date,
    /// The approved change request this revision is made for.
    pub request: Option<String>,
}

/// Run `docctl revise`.
pub fn run(settings: &ReviseSettings) -> Result<(), Error> {
    let library = load::load(&settings.root)?;
    let found = find_document(&library, &settings.id)?;
    let loaded = &library.documents[found];
    let header = loaded.doc.header();
    let id = header.id.value.to_string();
    match header.status.value {
        Status::Draft => {
            return Err(Error::Usage(format!(
                "{id} is already a draft (version {}): finish it with `docctl approve`; revise starts a new revision of an effective document",
                header.version.value
            )));
        }
        Status::Obsolete => {
            return Err(Error::Usage(format!(
                "{id} is obsolete (作废): an obsolete document is not revised"
            )));
        }
        Status::Effective => {}
    }
    let request = match &settings.request {
        Some(number) => Some(crate::commands::request::check_link(
            &settings.root,
            number,
            &id,
        )?),
        None => None,
    };
    let scheme = library.config.version_scheme;
    let current = header.version.value.0.as_str();
    let (major, minor) = scheme.parse(current).ok_or_else(|| {
        Error::Usage(format!(
            "{id}: version `{current}` does not follow the {} scheme, so its successor is unknown",
            scheme.name()
        ))
    })?;
    let (next_parts, which) = if settings.major {
        (major.checked_add(1).map(|m| (m, 0)), "major")
    } else {
        (minor.checked_add(1).map(|n| (major, n)), "minor")
    };
    let next = next_parts.map(|parts| scheme.format(parts));
    let Some(next) = next.filter(|next| scheme.parse(next) == next_parts) else {
        return Err(Error::Usage(format!(
            "{id}: version `{current}` has no {which} successor under the {} scheme (the numbers have run out)",
            scheme.name()
        )));
    };
    if let Some(last) = header.history.last() {
        if settings.date.0 < last.date.value.0 {
            return Err(Error::Usage(format!(
                "--date {} is earlier than the last history entry ({}): history dates never go back",
                settings.date, last.date.value
            )));
        }
    }

    let file = Source::read(&settings.root, &loaded.file, loaded.doc.kind())?;
    let doc = &file.doc;
    let header = doc.header();
    // Value replacements first, at the spans the loader kept (latest first so that earlier
    // offsets stay valid), then the line edits, which find their keys afresh.
    let mut spans = [
        (header.version.pos, next.clone()),
        (header.status.pos, Status::Draft.as_str().to_owned()),
    ];
    spans.sort_by_key(|(pos, _)| std::cmp::Reverse(pos.offset));
    let mut text = file.text.clone();
    for (pos, value) in &spans {
        text = edit::replace_scalar(&text, pos, value)?;
    }
    text = edit::remove_key(&text, "effective");
    if header.approval.is_some() {
        text = edit::set_approval(&text, &[], None, &[]);
    }
    let mut entry = vec![
        ("version", edit::scalar(&next)),
        ("date", settings.date.to_string()),
        ("change", edit::scalar(&settings.message)),
        ("by", edit::scalar(&settings.by)),
    ];
    if let Some(request) = &request {
        entry.push(("request", edit::scalar(&request.number)));
    }
    text = edit::append_to_sequence(&text, "history", &entry)?;

    let mut expected = publish::canonical_value(doc);
    let body = &mut expected["document"];
    body["version"] = json!(next);
    body["status"] = json!("draft");
    remove(body, "effective");
    remove(body, "approval");
    let mut history = json!({"version": next, "date": settings.date.to_string(), "change": settings.message, "by": settings.by});
    if let Some(request) = &request {
        history["request"] = json!(request.number);
    }
    push_history(body, history);
    file.write_verified(&text, expected)?;
    if let Some(request) = request {
        let number = request.number.clone();
        crate::commands::request::link(&settings.root, request, &next)?;
        eprintln!("linked {next} to change request {number}");
    }
    eprintln!(
        "revised {id}: {current} → {next} ({}), now a draft with its approvals cleared; sign it with `docctl approve {id} --as prepared --name …`",
        file.rel
    );
    Ok(())
}

fn remove(value: &mut Value, key: &str) {
    if let Some(map) = value.as_object_mut() {
        map.remove(key);
    }
}

fn push_history(body: &mut Value, entry: Value) {
    match body.get_mut("history").and_then(Value::as_array_mut) {
        Some(list) => list.push(entry),
        None => body["history"] = json!([entry]),
    }
}

/// Find a document by its id (exactly) or its title (after folding).
pub(crate) fn find_document(library: &Library, query: &str) -> Result<usize, Error> {
    let docs = &library.documents;
    if let Some(i) = docs.iter().position(|d| d.doc.header().id.value.0 == query) {
        return Ok(i);
    }
    let key = crate::fold::key(query.trim_matches(|c| c == '《' || c == '》'));
    if let Some(i) = docs
        .iter()
        .position(|d| crate::fold::key(&d.doc.header().title.value) == key)
    {
        return Ok(i);
    }
    if let Some(broken) = library
        .unparsed
        .iter()
        .find(|u| u.id.as_deref() == Some(query) || u.title.as_deref() == Some(query))
    {
        return Err(Error::Usage(format!(
            "{} does not load: fix it first (run `docctl check`)",
            broken.file
        )));
    }
    let names: Vec<String> = docs
        .iter()
        .flat_map(|d| {
            let h = d.doc.header();
            [h.id.value.0.clone(), h.title.value.0.clone()]
        })
        .collect();
    let hint = crate::suggest::closest(query, names.iter().map(String::as_str))
        .map(|best| format!(": did you mean `{best}`?"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no document has the id or title `{query}`{hint}"
    )))
}

/// A document's file read for editing: its exact text, and the document parsed from it.
pub(crate) struct Source {
    /// The file's path.
    pub(crate) path: PathBuf,
    /// Its path relative to the set, for messages.
    pub(crate) rel: String,
    kind: Kind,
    bom: bool,
    /// The text (without a byte-order mark).
    pub(crate) text: String,
    /// The document as parsed from `text`.
    pub(crate) doc: Document,
}

impl Source {
    /// Read and parse a document's file afresh (the positions must match this very text).
    pub(crate) fn read(root: &Path, rel: &str, kind: Kind) -> Result<Source, Error> {
        let path = root.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let body = if bom { &bytes[3..] } else { &bytes[..] };
        let text = String::from_utf8(body.to_vec())
            .map_err(|_| Error::Usage(format!("{rel} is not UTF-8 text")))?;
        let doc = parse_as(kind, rel, &text).map_err(|d| {
            Error::Usage(format!(
                "{rel}:{}:{}: {} — fix it before editing (run `docctl check`)",
                d.line, d.column, d.message
            ))
        })?;
        Ok(Source {
            path,
            rel: rel.to_owned(),
            kind,
            bom,
            text,
            doc,
        })
    }

    /// Write `text` over the file, but only if it parses and its canonical content is
    /// exactly `expected`; otherwise refuse and leave the file as it was.
    pub(crate) fn write_verified(&self, text: &str, expected: Value) -> Result<(), Error> {
        let refuse = |why: String| {
            Error::Usage(format!(
                "refusing to write {}: {why}; the file was left as it was (edit it by hand, or report this)",
                self.rel
            ))
        };
        let edited = parse_as(self.kind, &self.rel, text).map_err(|d| {
            refuse(format!(
                "the edited text would not parse ({}:{}: {})",
                d.line, d.column, d.message
            ))
        })?;
        let got = publish::canonical_value(&edited);
        if got != publish::normalize(expected) {
            return Err(refuse(
                "the edited text does not hold the intended values".to_owned(),
            ));
        }
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if self.bom {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
        }
        bytes.extend_from_slice(text.as_bytes());
        crate::write::write_atomic(&self.path, &bytes)
    }
}

/// Parse a document of a known kind from its text.
pub(crate) fn parse_as(
    kind: Kind,
    rel: &str,
    text: &str,
) -> Result<Document, crate::diagnostic::Diagnostic> {
    match kind {
        Kind::Procedure => load::parse::<Procedure>(rel, text).map(Document::Procedure),
        Kind::Form => load::parse::<Form>(rel, text).map(Document::Form),
    }
}

/// Parse a `--date`-style flag.
pub fn parse_date(flag: &str, text: Option<&str>) -> Result<Date, Error> {
    match text {
        Some(text) => text
            .parse::<Date>()
            .map_err(|why| Error::Usage(format!("{flag}: {why}"))),
        None => crate::settings::parse_today(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_that_does_not_hold_the_intended_values_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let rel = "procedures/QP-1.yaml";
        let text = "id: QP-1\ntitle: 文件控制程序\nversion: A/0\nstatus: draft\npurpose: 目的。\nscope: 范围。\nresponsibilities: []\nsteps: []\n";
        std::fs::create_dir_all(dir.path().join("procedures")).unwrap();
        std::fs::write(dir.path().join(rel), text).unwrap();
        let source = Source::read(dir.path(), rel, Kind::Procedure).unwrap();
        let mut expected = publish::canonical_value(&source.doc);
        expected["document"]["version"] = json!("A/1");
        // The text says A/2 where A/1 was meant: refused.
        let wrong = text.replace("A/0", "A/2");
        let error = source.write_verified(&wrong, expected.clone()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("does not hold the intended values")
        );
        // Text that does not parse: refused.
        let broken = text.replace("steps: []", "steps: [");
        let error = source
            .write_verified(&broken, expected.clone())
            .unwrap_err();
        assert!(error.to_string().contains("would not parse"));
        assert_eq!(std::fs::read_to_string(dir.path().join(rel)).unwrap(), text);
        // The right text is written.
        source
            .write_verified(&text.replace("A/0", "A/1"), expected)
            .unwrap();
        assert!(
            std::fs::read_to_string(dir.path().join(rel))
                .unwrap()
                .contains("version: A/1")
        );
    }
}
