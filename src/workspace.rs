//! The set on disk: finding a document by id, title or former title, reading a document's
//! source for an in-place edit and writing it back only when it holds what was meant, and
//! reading archived releases. Commands share these; no command imports another.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;
use crate::load::{self, Library};
use crate::model::{Document, Kind};
use crate::publish;
use crate::validate::{Index, Target};

/// Find a document by its id (exactly), or its title or a former title (an alias), after
/// folding; otherwise fail with the closest id or title as a hint.
pub fn find_document(library: &Library, query: &str) -> Result<usize, Error> {
    let docs = &library.documents;
    if let Some(i) = docs.iter().position(|d| d.doc.header().id.value.0 == query) {
        return Ok(i);
    }
    let trimmed = query.trim().trim_matches(|c| c == '《' || c == '》');
    let key = crate::fold::key(trimmed);
    if let Some(i) = docs
        .iter()
        .position(|d| crate::fold::key(&d.doc.header().title.value) == key)
    {
        return Ok(i);
    }
    let (index, _) = Index::build(library);
    if let Some(Target::Doc(i)) = index.resolve(trimmed).map(|hit| hit.target) {
        return Ok(i);
    }
    if let Some(broken) = library
        .unparsed
        .iter()
        .find(|u| u.id.as_deref() == Some(query) || u.title.as_deref() == Some(query))
    {
        return Err(Error::invalid(format!(
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
    Err(Error::NotFound(format!(
        "no document has the id or title `{query}`{hint}"
    )))
}

/// A document's file read for editing: its exact text, and the document parsed from it.
pub struct Source {
    /// The file's path.
    pub path: PathBuf,
    /// Its path relative to the set, for messages.
    pub rel: String,
    kind: Kind,
    bom: bool,
    /// The text (without a byte-order mark).
    pub text: String,
    /// The document as parsed from `text`.
    pub doc: Document,
}

impl Source {
    /// Read and parse a document's file afresh (the positions must match this very text).
    pub fn read(root: &Path, rel: &str, kind: Kind) -> Result<Source, Error> {
        let path = root.join(rel);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let body = if bom { &bytes[3..] } else { &bytes[..] };
        let text = String::from_utf8(body.to_vec())
            .map_err(|_| Error::invalid(format!("{rel} is not UTF-8 text")))?;
        let doc = parse_as(kind, rel, &text).map_err(|d| {
            Error::invalid(format!(
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
    pub fn write_verified(&self, text: &str, expected: Value) -> Result<(), Error> {
        let refuse = |why: String| {
            Error::Edit(format!(
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
pub fn parse_as(
    kind: Kind,
    rel: &str,
    text: &str,
) -> Result<Document, crate::diagnostic::Diagnostic> {
    load::parse_kind(kind, rel, text)
}

/// Return the document of a ledger entry's kind, parsed from an archived YAML.
pub fn parse_archived(kind: Kind, name: &str, text: &str) -> Option<Document> {
    parse_as(kind, name, text).ok()
}

/// Return the released PDF of a release, checked against its SHA-256 in the ledger.
pub fn released_pdf(
    root: &Path,
    ledger: &publish::Ledger,
    id: &str,
    release: &publish::Release,
) -> Result<Vec<u8>, Error> {
    let slug = ledger
        .documents
        .get(id)
        .map(|d| d.slug.clone())
        .unwrap_or_default();
    let name = format!("{slug}.pdf");
    let rel = format!("{}/{name}", release.path);
    let bytes = publish::archive::read(root, &rel)
        .map_err(|e| Error::io(root.join(publish::ARCHIVE).join(&rel), e))?;
    if release.files.get(&name) != Some(&publish::sha256(&bytes)) {
        return Err(Error::invalid(format!(
            "{}/{rel} does not match its SHA-256 in the ledger: the archive was changed; run `docctl publish --verify`",
            publish::ARCHIVE
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
