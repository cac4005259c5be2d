//! `docctl build`: check, then render, write and compile every document into `output/`.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostic;
use crate::error::Error;
use crate::load;
use crate::render::{self, Formats, PdfJob, templates::Templates};
use crate::typst::Typst;
use crate::validate;
use crate::write::{inside, write_atomic};

/// What `build` needs to run.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The output folder (default `root/output`).
    pub out: PathBuf,
    /// Which outputs.
    pub formats: Formats,
    /// The date periodic reviews are measured against.
    pub today: crate::model::Date,
    /// How many typst processes at once.
    pub jobs: usize,
}

/// What a build did, for the summary line and for tests.
#[derive(Debug, Default)]
pub struct Summary {
    /// Documents rendered.
    pub documents: usize,
    /// PDFs compiled by typst this time.
    pub compiled: usize,
    /// PDFs whose inputs had not changed.
    pub unchanged: usize,
}

/// Run `docctl build`; return `Ok(false)` when the documents have errors (nothing is written).
pub fn run(settings: &BuildSettings) -> Result<bool, Error> {
    let started = Instant::now();
    let library = load::load(&settings.root)?;
    let (diagnostics, index) = validate::validate_indexed(&library, settings.today);
    let color = std::io::stderr().is_terminal();
    if !diagnostics.is_empty() {
        eprint!(
            "{}",
            diagnostic::render_human(&diagnostics, &library.sources, color)
        );
    }
    let (errors, _) = diagnostic::count(&diagnostics);
    // With errors, the portal (HTML, Markdown) is still built, so that everyone can see the
    // problems where they are; controlled copies (PDF, Excel, Word) are not.
    let formats = if errors > 0 {
        render::Formats {
            pdf: false,
            xlsx: false,
            docx: false,
            ..settings.formats
        }
    } else {
        settings.formats
    };
    let templates = Templates::load(&settings.root)?;
    let out = &settings.out;
    let sink = |path: &str, bytes: &[u8]| write_atomic(&inside(out, path)?, bytes);
    let archive = archive_href(&settings.root, &settings.out);
    let site = render::render(
        &library,
        &index,
        &templates,
        formats,
        &diagnostics,
        archive.as_deref(),
        &sink,
    )?;
    let mut summary = Summary {
        documents: library.documents.len(),
        ..Summary::default()
    };
    if errors > 0 {
        eprintln!(
            "{errors} error(s) in the documents: the portal in {} shows them; no PDF, Excel or Word file was built (run `docctl check`)",
            settings.out.display()
        );
        return Ok(false);
    }
    if formats.pdf {
        let typst = Typst::locate(&settings.out.join(".docctl"))?;
        let (compiled, unchanged) = compile_all(&typst, &site.pdf_jobs, settings)?;
        summary.compiled = compiled;
        summary.unchanged = unchanged;
    }
    eprintln!(
        "built {} documents into {} ({} PDF compiled, {} unchanged) in {:.2} s",
        summary.documents,
        settings.out.display(),
        summary.compiled,
        summary.unchanged,
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}

/// Compile every PDF whose inputs changed, in parallel; return (compiled, unchanged).
fn compile_all(
    typst: &Typst,
    jobs: &[PdfJob],
    settings: &BuildSettings,
) -> Result<(usize, usize), Error> {
    let work = settings.out.join(".docctl");
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(jobs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} PDF {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let results: Vec<Result<bool, Error>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let result = compile_one(typst, job, &settings.out, &work);
                progress.inc(1);
                result
            })
            .collect()
    });
    progress.finish_and_clear();
    let mut compiled = 0;
    let mut unchanged = 0;
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(true) => compiled += 1,
            Ok(false) => unchanged += 1,
            Err(e) => failures.push(e.to_string()),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Typst(format!(
            "{} PDF(s) failed:\n{}",
            failures.len(),
            failures.join("\n")
        )));
    }
    Ok((compiled, unchanged))
}

/// Compile one document unless its cache key matches; return whether typst ran.
pub(crate) fn compile_one(
    typst: &Typst,
    job: &PdfJob,
    out: &Path,
    work: &Path,
) -> Result<bool, Error> {
    let pdf = inside(out, &job.pdf_path())?;
    let name = format!("{}-{}", job.kind.folder(), job.slug);
    let key_path = work.join("cache").join(format!("{name}.sha256"));
    let key = cache_key(typst, job);
    let cached = std::fs::read_to_string(&key_path).is_ok_and(|k| k == key);
    if cached && pdf.is_file() {
        return Ok(false);
    }
    compile_pdf(typst, job, &pdf, work)?;
    write_atomic(&key_path, key.as_bytes())?;
    Ok(true)
}

/// Compile one document's PDF to `pdf`, with a form's fields added (no cache); `publish`
/// archives PDFs made by this same function.
pub(crate) fn compile_pdf(
    typst: &Typst,
    job: &PdfJob,
    pdf: &Path,
    work: &Path,
) -> Result<(), Error> {
    let name = format!("{}-{}", job.kind.folder(), job.slug);
    let job_dir = work.join("jobs").join(&name);
    match &job.form_fields {
        None => typst.compile(&job_dir, &job.source, pdf, job.timestamp, &job.pdf_path())?,
        Some(labels) => {
            // A form: compile, read back where typst put each input box, add the fields there.
            let plain = work.join("plain").join(format!("{name}.pdf"));
            typst.compile(
                &job_dir,
                &job.source,
                &plain,
                job.timestamp,
                &job.pdf_path(),
            )?;
            let boxes = typst.eval(
                &job_dir,
                "query(<form-field>).map(m => m.value)",
                &job.pdf_path(),
            )?;
            let boxes = crate::acroform::parse_boxes(&boxes)?;
            let bytes = std::fs::read(&plain).map_err(|e| Error::io(&plain, e))?;
            let filled = crate::acroform::add_fields(&bytes, &boxes, labels)?;
            write_atomic(pdf, &filled)?;
        }
    }
    Ok(())
}

/// The build cache key: everything typst's output depends on.
fn cache_key(typst: &Typst, job: &PdfJob) -> String {
    let mut hasher = Sha256::new();
    hasher.update(typst.version.as_bytes());
    hasher.update([0]);
    hasher.update(typst.fonts_fingerprint.as_bytes());
    hasher.update([0]);
    hasher.update(job.timestamp.to_le_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update([0]);
    hasher.update(job.source.as_bytes());
    if let Some(fields) = &job.form_fields {
        for (key, label) in fields {
            hasher.update(key.as_bytes());
            hasher.update([0]);
            hasher.update(label.as_bytes());
            hasher.update([0]);
        }
    }
    format!("{:x}", hasher.finalize())
}

/// The address of the set's `published/` folder from a document page in `out/<kind>/`: a
/// relative path when both are on the same tree (the default `DIR/output`), else absolute.
fn archive_href(root: &Path, out: &Path) -> Option<String> {
    let published = root.join(crate::publish::ARCHIVE);
    if !published.is_dir() {
        return None;
    }
    let published = published.canonicalize().ok()?;
    std::fs::create_dir_all(out).ok()?;
    let page_dir = out.canonicalize().ok()?.join("procedures");
    let common = page_dir.ancestors().find(|a| published.starts_with(a))?;
    let ups = page_dir.strip_prefix(common).ok()?.components().count();
    let down = published.strip_prefix(common).ok()?;
    let mut href = "../".repeat(ups);
    href.push_str(&down.to_string_lossy());
    Some(href)
}
