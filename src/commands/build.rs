//! `docctl build`: check, then render, write and compile every document into `output/`.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::diagnostic;
use crate::error::Error;
use crate::load;
use crate::pdf::{self, PdfOptions, Target};
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
    /// Many documents per typst process (`false`: `--no-bundle` or `pdf_bundle: false`).
    pub bundle: bool,
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
    // A file that already holds these bytes is left alone: a no-change rebuild then writes
    // nothing, and the files keep their times.
    let sink = |path: &str, bytes: &[u8]| {
        let file = inside(out, path)?;
        if std::fs::read(&file).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        write_atomic(&file, bytes)
    };
    let archive = archive_href(&settings.root, &settings.out);
    let site = render::render(
        &library,
        &index,
        &templates,
        formats,
        &diagnostics,
        archive.as_deref(),
        Some(settings.today),
        &sink,
    )?;
    if formats.html {
        let site_view =
            render::view::ViewBuilder::new(&library, &index, render::markup::Lang::Html).site();
        let page = render::signing::page(&library, &templates, &site_view, settings.today)?;
        sink("signing.html", page.as_bytes())?;
    }
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
        // `--no-bundle` or `pdf_bundle: false` in docctl.yaml: one typst process per document.
        let bundle = settings.bundle && library.config.pdf_bundle;
        let options = PdfOptions::new(bundle, settings.jobs);
        let (compiled, unchanged) =
            compile_all(&typst, &site.pdf_jobs, &settings.out, options, true)?;
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

/// Compile every PDF whose inputs changed (in bundles, or one process each with
/// `--no-bundle`); return (compiled, unchanged). A document that fails keeps its previous PDF
/// and fails the build after the others are written. `progress`: show a progress bar on a
/// terminal (`serve` compiles in the background without one).
pub(crate) fn compile_all(
    typst: &Typst,
    jobs: &[PdfJob],
    out: &Path,
    options: PdfOptions,
    progress: bool,
) -> Result<(usize, usize), Error> {
    let work = out.join(".docctl");
    let mut stale = Vec::new();
    for job in jobs {
        let pdf = inside(out, &job.pdf_path())?;
        let key_path =
            work.join("cache")
                .join(format!("{}-{}.sha256", job.kind.folder(), job.slug));
        let key = cache_key(typst, job);
        let cached = std::fs::read_to_string(&key_path).is_ok_and(|k| k == key);
        if !(cached && pdf.is_file()) {
            stale.push((job, pdf, key_path, key));
        }
    }
    let unchanged = jobs.len() - stale.len();
    if stale.is_empty() {
        return Ok((0, unchanged));
    }
    let progress = if progress && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(stale.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} PDF {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let targets: Vec<Target<'_>> = stale
        .iter()
        .map(|(job, pdf, _, _)| Target { job, pdf })
        .collect();
    let results = pdf::compile(typst, &targets, &work, options, &|n| {
        progress.inc(n as u64);
    })?;
    progress.finish_and_clear();
    let mut compiled = 0;
    let mut failures = Vec::new();
    for ((_, _, key_path, key), result) in stale.iter().zip(results) {
        match result {
            Ok(()) => {
                write_atomic(key_path, key.as_bytes())?;
                compiled += 1;
            }
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

/// Run `docctl build` from its command line; return whether everything was built.
pub fn invoke(args: crate::cli::BuildArgs) -> Result<bool, Error> {
    run(&BuildSettings {
        out: args
            .out
            .clone()
            .unwrap_or_else(|| args.set.dir().join("output")),
        root: args.set.dir().to_path_buf(),
        formats: crate::render::Formats::from_names(args.to.iter().map(|f| f.as_str()))?,
        today: crate::settings::today_or(args.review.today),
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        bundle: !args.no_bundle,
    })
}
