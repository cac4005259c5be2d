//! `docctl record check|fill`: a filled-in record (the JSON an HTML form saves) checked against
//! its form, or written into the form's fillable PDF.

use std::path::Path;

use crate::diagnostic;
use crate::error::Error;
use crate::load;
use crate::model::{Document, Form};
use crate::validate::Index;
use crate::write::write_atomic;

/// Find a form of the set by id or title.
fn find_form<'a>(library: &'a load::Library, name: &str) -> Result<&'a Form, Error> {
    let (index, _) = Index::build(library);
    let hit = index.resolve(name.trim_start_matches('《').trim_end_matches('》'));
    match hit.map(|h| h.target) {
        Some(crate::validate::Target::Doc(i)) => match &library.documents[i].doc {
            Document::Form(form) => Ok(form),
            Document::Procedure(_) => {
                Err(Error::Usage(format!("`{name}` is a procedure, not a form")))
            }
        },
        _ => Err(Error::Usage(format!(
            "no form `{name}` in {}",
            library.root.display()
        ))),
    }
}

/// Check a record against its form; return whether it passed.
pub fn check(dir: &Path, form: &str, record: &Path) -> Result<bool, Error> {
    let library = load::load(dir)?;
    let form = find_form(&library, form)?;
    let text = std::fs::read_to_string(record).map_err(|e| Error::io(record, e))?;
    Ok(report(form, record, &text))
}

/// Check a record's text against a form, print the problems; return whether it passed.
fn report(form: &Form, record: &Path, text: &str) -> bool {
    let file = record.display().to_string();
    let diagnostics = crate::record::check(form, &file, text);
    let mut sources = diagnostic::Sources::new();
    sources.insert(file, text.into());
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    eprint!(
        "{}",
        diagnostic::render_human(&diagnostics, &sources, color)
    );
    let (errors, warnings) = diagnostic::count(&diagnostics);
    eprintln!(
        "record for {} ({}): {errors} error(s), {warnings} warning(s)",
        form.id.value, form.title.value
    );
    errors == 0
}

/// Write a record into the form's fillable PDF (built by `docctl build`).
pub fn fill(
    dir: &Path,
    form: &str,
    record: &Path,
    out: &Path,
    pdf: Option<&Path>,
) -> Result<bool, Error> {
    let library = load::load(dir)?;
    let form = find_form(&library, form)?;
    let text = std::fs::read_to_string(record).map_err(|e| Error::io(record, e))?;
    if !report(form, record, &text) {
        return Ok(false);
    }
    let source = match pdf {
        Some(path) => path.to_path_buf(),
        None => dir
            .join("output/forms")
            .join(format!("{}.pdf", form.id.value.slug())),
    };
    let bytes = std::fs::read(&source).map_err(|e| {
        Error::Usage(format!(
            "cannot read the form PDF {} ({e}): run `docctl build` first",
            source.display()
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: {e}", record.display())))?;
    let values = json
        .get("values")
        .and_then(|v| v.as_object())
        .cloned()
        .unwrap_or_default();
    let filled = crate::acroform::fill(&bytes, &crate::record::pdf_values(form, &values))?;
    write_atomic(out, &filled)?;
    eprintln!("wrote {}", out.display());
    Ok(true)
}
