//! Stage 5 driver: turn rendered PDF jobs into PDFs, many documents per typst process (typst's
//! bundle export) or one process per document, and give each form its AcroForm fields.
//!
//! Most of a typst process's time goes into finding and loading the Noto CJK collections, not
//! into laying out one document; a bundle pays that once for a whole batch. Each document stays
//! its own `.typ`, included unchanged into the bundle's `main.typ`, so it still compiles by hand
//! and a user's template override applies to both paths. The boxes of a form's inputs come out
//! of the same run as a JSON asset next to its PDF, instead of a second layout (`typst eval`).
//!
//! A bundle that fails is compiled again one document at a time, so the error names the
//! document and its line exactly as the per-document path does, and the batch's other documents
//! are still built. Documents are batched by their creation timestamp (`--creation-timestamp`
//! is one per process), which keeps each PDF byte-identical to the per-document path's.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::render::PdfJob;
use crate::render::markup::typst_string;
use crate::typst::Typst;
use crate::write::{rename_into, write_atomic};

/// The memory all typst processes of a build may use together, in MB. A bundle process takes
/// about [`PROCESS_MB`] plus [`DOCUMENT_MB`] per document (measured with `/usr/bin/time -v`
/// on the shipped set: 54 documents 458 MB, 27 documents 312 MB, 14 documents 200 MB), so the
/// batch size is what fits `MEMORY_BUDGET_MB / jobs`.
const MEMORY_BUDGET_MB: usize = 560;
/// A typst process with the Noto CJK fonts loaded and one small document, in MB.
const PROCESS_MB: usize = 90;
/// What each further document of a bundle adds, in MB.
const DOCUMENT_MB: usize = 7;
/// The batch size never goes below this (the fonts would be loaded too often) or above
/// [`MAX_BATCH`] (a failed bundle is compiled again one by one).
const MIN_BATCH: usize = 4;
/// See [`MIN_BATCH`].
const MAX_BATCH: usize = 60;

/// The largest batch that keeps `jobs` bundle processes within [`MEMORY_BUDGET_MB`].
pub fn batch_for(jobs: usize) -> usize {
    ((MEMORY_BUDGET_MB / jobs.max(1)).saturating_sub(PROCESS_MB) / DOCUMENT_MB)
        .clamp(MIN_BATCH, MAX_BATCH)
}

/// How PDFs are compiled.
#[derive(Debug, Clone, Copy)]
pub struct PdfOptions {
    /// Many documents per typst process (bundle export); `false`: one process per document.
    pub bundle: bool,
    /// How many typst processes run at once.
    pub jobs: usize,
    /// At most this many documents per bundle (bounds typst's memory).
    pub batch: usize,
}

impl PdfOptions {
    /// Options for `jobs` processes at once, the batch size from `DOCCTL_PDF_BATCH` or else
    /// what fits the memory budget ([`batch_for`]).
    pub fn new(bundle: bool, jobs: usize) -> PdfOptions {
        let batch = std::env::var("DOCCTL_PDF_BATCH")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or_else(|| batch_for(jobs));
        PdfOptions {
            bundle,
            jobs: jobs.max(1),
            batch,
        }
    }
}

/// One PDF to make: the rendered job and where its PDF goes.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The rendered document.
    pub job: &'a PdfJob,
    /// The PDF to write (replaced atomically; left as it was when the document fails).
    pub pdf: &'a Path,
}

/// Compile every target; return one result per target, in order. `work` holds the job
/// folders; `done` is called with the number of documents finished, for a progress bar.
pub fn compile(
    typst: &Typst,
    targets: &[Target<'_>],
    work: &Path,
    options: PdfOptions,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<Result<(), Error>>, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    if !options.bundle {
        return Ok(pool.install(|| {
            targets
                .par_iter()
                .map(|t| {
                    let result = compile_one(typst, t.job, t.pdf, work);
                    done(1);
                    result
                })
                .collect()
        }));
    }
    let batches = plan(targets, options);
    let outcomes: Vec<Vec<(usize, Result<(), Error>)>> = pool.install(|| {
        batches
            .par_iter()
            .enumerate()
            .map(|(number, batch)| {
                let outcome = compile_batch(typst, targets, batch, work, number);
                done(batch.len());
                outcome
            })
            .collect()
    });
    let mut results: Vec<Option<Result<(), Error>>> = targets.iter().map(|_| None).collect();
    for (i, result) in outcomes.into_iter().flatten() {
        results[i] = Some(result);
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::Typst("a PDF was not compiled".to_owned()))))
        .collect())
}

/// Split the targets into batches: documents with the same creation timestamp together, each
/// group cut into as few batches of at most `options.batch` as it takes, of even size, and at
/// least `options.jobs` batches when there are enough documents to keep every process busy.
fn plan(targets: &[Target<'_>], options: PdfOptions) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, t) in targets.iter().enumerate() {
        groups.entry(t.job.timestamp).or_default().push(i);
    }
    let mut batches = Vec::new();
    for members in groups.into_values() {
        let by_size = members.len().div_ceil(options.batch);
        let count = by_size.max(options.jobs.min(members.len() / SPLIT_BELOW).max(1));
        let size = members.len().div_ceil(count);
        batches.extend(members.chunks(size).map(<[usize]>::to_vec));
    }
    batches
}

/// Below this many documents a bundle is not split further for parallelism: typst already
/// lays out a bundle's documents on several threads, and each process loads the fonts anew.
const SPLIT_BELOW: usize = 16;

/// Compile one batch as a bundle; when it fails, compile its documents one by one.
fn compile_batch(
    typst: &Typst,
    targets: &[Target<'_>],
    batch: &[usize],
    work: &Path,
    number: usize,
) -> Vec<(usize, Result<(), Error>)> {
    let members: Vec<&Target<'_>> = batch.iter().map(|&i| &targets[i]).collect();
    let files: Vec<(String, &str)> = members
        .iter()
        .map(|t| (source_path(t.job), t.job.source.as_str()))
        .collect();
    let timestamp = members.first().map_or(0, |t| t.job.timestamp);
    let name = format!(
        "a bundle of {} PDF(s) ({} …)",
        members.len(),
        members
            .first()
            .map(|t| t.job.pdf_path())
            .unwrap_or_default()
    );
    let job_dir = work.join("bundles").join(number.to_string());
    match typst.compile_bundle(&job_dir, &files, &bundle_main(&members), timestamp, &name) {
        Ok(out) => {
            let results: Vec<(usize, Result<(), Error>)> = batch
                .iter()
                .zip(&members)
                .map(|(&i, t)| (i, finish_bundled(&out, t)))
                .collect();
            // The job folder holds a copy of every source and form PDF: keep it only when
            // something went wrong, for a look.
            if results.iter().all(|(_, r)| r.is_ok()) {
                let _ = std::fs::remove_dir_all(&job_dir);
            }
            results
        }
        Err(error) => {
            let results: Vec<(usize, Result<(), Error>)> = batch
                .iter()
                .zip(&members)
                .map(|(&i, t)| (i, compile_one(typst, t.job, t.pdf, work)))
                .collect();
            // A document that fails alone says so itself; a bundle that failed although each
            // of its documents compiles alone is worth a word (a typst bug, a template that
            // only breaks next to others).
            if results.iter().all(|(_, r)| r.is_ok()) {
                eprintln!("note: {error}\n  the documents were compiled one by one instead");
            }
            results
        }
    }
}

/// The `.typ` of a document inside a bundle's job folder.
fn source_path(job: &PdfJob) -> String {
    format!("{}/{}.typ", job.kind.folder(), job.slug)
}

/// The JSON asset that carries a form's input boxes in a bundle.
fn fields_path(job: &PdfJob) -> String {
    format!("{}/{}.fields.json", job.kind.folder(), job.slug)
}

/// The bundle's `main.typ`: every document's own `.typ` included unchanged as one `document`,
/// labelled so that each form's `<form-field>` boxes can be told apart from the next one's.
fn bundle_main(members: &[&Target<'_>]) -> String {
    let mut main = String::from(
        "// docctl: several documents compiled in one typst run (bundle export). Each is its own\n\
         // unchanged .typ; each form also gets the boxes of its inputs as a JSON asset.\n",
    );
    for (k, t) in members.iter().enumerate() {
        let _ = writeln!(
            main,
            "#document({})[#include {}] <docctl-document-{k}>",
            typst_string(&t.job.pdf_path()),
            typst_string(&source_path(t.job)),
        );
    }
    for (k, t) in members.iter().enumerate() {
        if t.job.form_fields.is_none() {
            continue;
        }
        let mut selector = format!("selector(<form-field>).after(<docctl-document-{k}>)");
        if k + 1 < members.len() {
            let _ = write!(selector, ".before(<docctl-document-{}>)", k + 1);
        }
        let _ = writeln!(
            main,
            "#context asset({}, json.encode(query({selector}).map(m => m.value)))",
            typst_string(&fields_path(t.job)),
        );
    }
    main
}

/// Move a bundled document's PDF into place, a form's with its fields added.
fn finish_bundled(out: &Path, target: &Target<'_>) -> Result<(), Error> {
    let job = target.job;
    let bundled = out
        .join(job.kind.folder())
        .join(format!("{}.pdf", job.slug));
    match &job.form_fields {
        None => rename_into(&bundled, target.pdf),
        Some(labels) => {
            let fields = out.join(fields_path(job));
            let boxes = std::fs::read_to_string(&fields).map_err(|e| Error::io(&fields, e))?;
            add_form_fields(&bundled, &boxes, labels, target.pdf)
        }
    }
}

/// Read a form's plain PDF, add an AcroForm field at each box (typst's JSON) and write `pdf`.
fn add_form_fields(
    plain: &Path,
    boxes: &str,
    labels: &BTreeMap<String, String>,
    pdf: &Path,
) -> Result<(), Error> {
    let boxes = crate::acroform::parse_boxes(boxes)?;
    let bytes = std::fs::read(plain).map_err(|e| Error::io(plain, e))?;
    let filled = crate::acroform::add_fields(&bytes, &boxes, labels)?;
    write_atomic(pdf, &filled)
}

/// Compile one document in its own typst process to `pdf`; a form is laid out once more
/// (`typst eval`) to read back its boxes, and gets its fields. The path before bundles, kept
/// for `--no-bundle` and for the documents of a failed bundle.
pub fn compile_one(typst: &Typst, job: &PdfJob, pdf: &Path, work: &Path) -> Result<(), Error> {
    let name = format!("{}-{}", job.kind.folder(), job.slug);
    let job_dir = work.join("jobs").join(&name);
    match &job.form_fields {
        None => typst.compile(&job_dir, &job.source, pdf, job.timestamp, &job.pdf_path()),
        Some(labels) => {
            let plain: PathBuf = work.join("plain").join(format!("{name}.pdf"));
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
            add_form_fields(&plain, &boxes, labels, pdf)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{PdfOptions, Target, batch_for, plan};
    use crate::model::Kind;
    use crate::render::PdfJob;

    fn job(slug: usize, timestamp: i64) -> PdfJob {
        PdfJob {
            doc: slug,
            kind: Kind::Procedure,
            slug: format!("QP-{slug}"),
            source: String::new(),
            timestamp,
            form_fields: None,
        }
    }

    #[test]
    fn batches_share_a_timestamp_and_stay_within_the_batch_size() {
        let jobs: Vec<PdfJob> = (0..100).map(|i| job(i, [1, 2, 1, 1][i % 4])).collect();
        let pdf = Path::new("x.pdf");
        let targets: Vec<Target<'_>> = jobs.iter().map(|job| Target { job, pdf }).collect();
        let options = PdfOptions {
            bundle: true,
            jobs: 2,
            batch: 20,
        };
        let batches = plan(&targets, options);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..100).collect::<Vec<_>>(), "every document once");
        for batch in &batches {
            assert!(batch.len() <= 20, "{}", batch.len());
            let first = jobs[batch[0]].timestamp;
            assert!(batch.iter().all(|&i| jobs[i].timestamp == first));
        }
        // 75 documents of timestamp 1 in 4 batches of 19, 25 of timestamp 2 in 2 of 13.
        let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [19, 19, 19, 18, 13, 12]);
        // Few documents are not split below 16 a bundle just to use both processes.
        let few = plan(&targets[..20], options);
        assert_eq!(few.iter().map(Vec::len).collect::<Vec<_>>(), [15, 5]);
    }

    #[test]
    fn more_processes_at_once_means_smaller_batches() {
        assert_eq!(batch_for(1), 60);
        assert_eq!(batch_for(2), 27);
        assert!(batch_for(4) < batch_for(2));
        assert_eq!(batch_for(64), 4);
    }
}
