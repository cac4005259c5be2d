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
            other => Err(Error::NotFound(format!(
                "`{name}` is a {}, not a form",
                other.kind().as_str()
            ))),
        },
        _ => Err(Error::NotFound(format!(
            "no form `{name}` in {}",
            library.root.display()
        ))),
    }
}

/// Read a record file, refusing one too large to be a record.
fn read_record(record: &Path) -> Result<String, Error> {
    let meta = std::fs::metadata(record).map_err(|e| Error::io(record, e))?;
    if meta.len() > crate::record::MAX_RECORD_BYTES {
        return Err(Error::Refused(format!(
            "{} is {} bytes; a record is at most {} MB",
            record.display(),
            meta.len(),
            crate::record::MAX_RECORD_BYTES / 1_048_576
        )));
    }
    std::fs::read_to_string(record).map_err(|e| Error::io(record, e))
}

/// Check a record against its form; return whether it passed.
pub fn check(dir: &Path, form: &str, record: &Path) -> Result<bool, Error> {
    let library = load::load(dir)?;
    let form = find_form(&library, form)?;
    let text = read_record(record)?;
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

/// Refuse an output path that is not a regular file docctl may replace: a device, a folder or
/// a link is never replaced; a file of the set's sources, its `output/` (where the blank form
/// lives) or its archive only with `--force` (the archive never).
fn may_write(dir: &Path, out: &Path, force: bool) -> Result<(), Error> {
    if let Ok(meta) = std::fs::symlink_metadata(out)
        && !meta.file_type().is_file()
    {
        return Err(Error::Refused(format!(
            "{} is not a regular file (a device, a folder or a link): `record fill -o` only writes or replaces regular files",
            out.display()
        )));
    }
    let Ok(root) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    let target = resolved(out);
    let Ok(inside) = target.strip_prefix(&root) else {
        return Ok(());
    };
    let first = inside
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    if first == crate::publish::ARCHIVE {
        return Err(Error::Refused(format!(
            "{} is inside the archive: only `docctl publish` writes there",
            out.display()
        )));
    }
    let guarded = ["templates", "output", load::CONFIG_FILE];
    let guarded = guarded.contains(&first.as_str())
        || crate::model::Kind::ALL
            .iter()
            .any(|k| k.folder() == first.as_str());
    if guarded && !force {
        return Err(Error::Refused(format!(
            "{} is inside the set's {first}: write the filled record elsewhere, or pass --force to replace it",
            out.display()
        )));
    }
    Ok(())
}

/// Return a path with its longest existing ancestor resolved (links and `..` included), for a
/// path that may not exist yet.
fn resolved(path: &Path) -> std::path::PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, c| {
                if c == ".." {
                    p.parent().map_or(p.clone(), Path::to_path_buf)
                } else if c == "." {
                    p
                } else {
                    p.join(c)
                }
            });
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Write a record into the form's fillable PDF (built by `docctl build`).
pub fn fill(
    dir: &Path,
    form: &str,
    record: &Path,
    out: &Path,
    pdf: Option<&Path>,
    force: bool,
) -> Result<bool, Error> {
    let library = load::load(dir)?;
    let form = find_form(&library, form)?;
    may_write(dir, out, force)?;
    let text = read_record(record)?;
    if !report(form, record, &text) {
        return Ok(false);
    }
    let source = match pdf {
        Some(path) => path.to_path_buf(),
        None => dir
            .join("output/forms")
            .join(format!("{}.pdf", form.id.value.slug())),
    };
    let bytes = std::fs::read(&source).map_err(|e| Error::NotBuilt {
        path: source.clone(),
        source: e,
    })?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::malformed(format!("{}: {e}", record.display()), e))?;
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

/// Run `docctl record check|fill` from its command line; return whether the record passed.
pub fn invoke(action: crate::cli::RecordAction) -> Result<bool, Error> {
    match action {
        crate::cli::RecordAction::Check { form, record, set } => check(set.dir(), &form, &record),
        crate::cli::RecordAction::Fill {
            form,
            record,
            out,
            set,
            pdf,
            force,
        } => fill(set.dir(), &form, &record, &out, pdf.as_deref(), force),
    }
}
