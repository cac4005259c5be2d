//! `docctl publish`: archive every effective revision not yet released into
//! `published/<slug>/<version>/` and record it in the ledger, as a short script: lock →
//! check (the documents, and the archive folder against the ledger) → plan → stage (in the
//! run's own staging folder, see [`crate::publish::archive`]) → commit the ledger. The ledger is
//! the commit point; a failure before it removes exactly what this run staged and moved, and
//! nothing else in `published/` is ever removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic;
use crate::error::Error;
use crate::load::{self, Library};
use crate::model::{Date, Status};
use crate::publish::archive::{self, Stage};
use crate::publish::{self, ARCHIVE, Faults, Ledger, LedgerDoc, Lock, Release, Superseded};
use crate::render::{self, Formats, templates::Templates};
use crate::typst::Typst;
use crate::validate::{self, Context, Index, Target};
use crate::workspace::parse_archived;
use crate::write::write_durable;

/// What `publish` needs to run.
#[derive(Debug, Clone)]
pub struct PublishSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The release date recorded in the ledger.
    pub date: Date,
    /// Only check the archive against the ledger.
    pub verify: bool,
    /// Only remove what an interrupted publish left.
    pub recover: bool,
}

/// What the plan found for the effective documents.
#[derive(Debug, Default)]
struct Plan {
    /// Documents to release now, by index.
    new: Vec<usize>,
    /// Released documents now obsolete, by id.
    withdrawn: Vec<String>,
    /// Released revisions whose content has not changed.
    unchanged: usize,
    /// Why the publish is refused.
    refused: Vec<String>,
}

/// Run `docctl publish`; return `Ok(false)` when it was refused (exit 1).
pub fn run(settings: &PublishSettings) -> Result<bool, Error> {
    if settings.verify {
        return verify(&settings.root);
    }
    if settings.recover {
        let ledger = Ledger::load(&settings.root)?;
        for path in archive::recover(&settings.root, &ledger)? {
            eprintln!("removed {path}: left by the interrupted publish");
        }
        return Ok(true);
    }
    let lock = Lock::acquire(&settings.root)?;
    let library = load::load(&settings.root)?;
    let (diagnostics, index) = validate::validate_indexed(&library, settings.date);
    let plan = plan(&library);
    if !plan.refused.is_empty() {
        for reason in &plan.refused {
            eprintln!("error: {reason}");
        }
        eprintln!(
            "publish refused: {} document(s) would rewrite a released revision; nothing was written",
            plan.refused.len()
        );
        return Ok(false);
    }
    let (errors, _) = diagnostic::count(&diagnostics);
    if errors > 0 {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!(
            "{}",
            diagnostic::render_human(&diagnostics, &library.sources, color)
        );
        eprintln!(
            "publish stopped: {errors} error(s) in the documents or the archive; nothing was written"
        );
        return Ok(false);
    }
    if plan.new.is_empty() && plan.withdrawn.is_empty() {
        eprintln!(
            "nothing to publish: {} released revision(s) unchanged",
            plan.unchanged
        );
        return Ok(true);
    }

    let mut faults = Faults::from_env();
    let mut stage = Stage::begin(&settings.root, &lock)?;
    let entries = render_releases(settings, &library, &index, &plan, &stage, &mut faults)?;
    for (_, release) in &entries {
        stage.move_into_place(&release.path, &mut faults)?;
    }
    let summary: Vec<String> = entries
        .iter()
        .map(|(i, r)| {
            let id = &library.documents[*i].doc.header().id.value;
            let pending = if r.pending_on(Some(settings.date)) {
                format!(
                    " (待生效: in force from {}; the revision before it stays in force until then)",
                    r.effective
                )
            } else {
                String::new()
            };
            format!(
                "released {id} {} → {ARCHIVE}/{}{pending}",
                r.version, r.path
            )
        })
        .collect();
    let ledger = updated_ledger(&library, &index, &plan, entries, settings.date);
    let ledger_path = publish::ledger_path(&settings.root);
    faults.before_write(&ledger_path)?;
    lock.write_ledger(&ledger)?;
    stage.commit();
    for line in &summary {
        eprintln!("{line}");
    }
    for id in &plan.withdrawn {
        eprintln!("withdrew {id}: its last release is recorded as superseded (作废)");
    }
    for line in copies_due(&library, &ledger) {
        eprintln!("{line}");
    }
    eprintln!(
        "published {} revision(s) ({} unchanged); commit published/ to keep the record",
        summary.len(),
        plan.unchanged
    );
    Ok(true)
}

/// Decide, for every effective document, whether it is new, unchanged or refused.
fn plan(library: &Library) -> Plan {
    let ledger = &library.ledger;
    let scheme = library.config.version_scheme;
    let mut plan = Plan::default();
    for (i, loaded) in library.documents.iter().enumerate() {
        let header = loaded.doc.header();
        let id = &header.id.value.0;
        let version = &header.version.value.0;
        match header.status.value {
            Status::Draft => continue,
            Status::Obsolete => {
                if ledger.current(id).is_some() {
                    plan.withdrawn.push(id.clone());
                }
                continue;
            }
            Status::Effective => {}
        }
        if let Some(release) = ledger.release(id, version) {
            if publish::content_hash(&loaded.doc) == release.content_sha256 {
                plan.unchanged += 1;
            } else {
                plan.refused.push(format!(
                    "{id} {version} was released on {} (published/{}) with different content: a released revision is never rewritten; run `docctl revise {id} --minor -m … --by …` ({})",
                    release.released, release.path, loaded.file
                ));
            }
            continue;
        }
        let latest = ledger.last_release(id);
        if let Some(latest) = latest.filter(|l| publish::earlier(scheme, version, &l.version)) {
            plan.refused.push(format!(
                "{id} {version} is older than its released version {} ({})",
                latest.version, loaded.file
            ));
            continue;
        }
        plan.new.push(i);
    }
    plan
}

/// Render, compile and write each new revision into the run's staging folder; return the
/// ledger entries.
fn render_releases(
    settings: &PublishSettings,
    library: &Library,
    index: &Index,
    plan: &Plan,
    stage: &Stage,
    faults: &mut Faults,
) -> Result<Vec<(usize, Release)>, Error> {
    let templates = Templates::load(&settings.root)?;
    let formats = Formats {
        pdf: true,
        html: true,
        md: false,
        xlsx: false,
        docx: false,
    };
    // The archived pages show the document as released, without the check's notes.
    let pages = std::sync::Mutex::new(BTreeMap::<String, Vec<u8>>::new());
    let keep = |path: &str, bytes: &[u8]| {
        if path.ends_with(".html")
            && let Ok(mut pages) = pages.lock()
        {
            pages.insert(path.to_owned(), bytes.to_vec());
        }
        Ok(())
    };
    let site = render::render(library, index, &templates, formats, &[], None, None, &keep)?;
    let pages = pages.into_inner().unwrap_or_default();
    let work = settings.root.join("output").join(".docctl");
    let typst = Typst::locate(&work)?;

    // The new revisions' PDFs, compiled together (in bundles unless `pdf_bundle: false`)
    // before anything is staged; any failure stops the publish.
    let compiled = compile_new(&typst, &site.pdf_jobs, &plan.new, library, &work)?;

    let mut entries = Vec::new();
    for &i in &plan.new {
        let loaded = &library.documents[i];
        let header = loaded.doc.header();
        let slug = header.id.value.slug();
        let path = publish::release_path(&header.id.value, &header.version.value.0);
        let dir = stage.path(&path);
        let mut files = BTreeMap::new();

        let source = library.sources.get(&loaded.file).map_or("", |s| s.as_ref());
        let html_path = format!("{}.html", render::output_base(&loaded.doc));
        let html = pages.get(&html_path).map_or(&[][..], Vec::as_slice);
        for (name, bytes) in [
            (format!("{slug}.yaml"), source.as_bytes()),
            (format!("{slug}.html"), html),
        ] {
            let file = dir.join(&name);
            faults.before_write(&file)?;
            write_durable(&file, bytes)?;
            files.insert(name, publish::sha256(bytes));
        }
        let made = compiled
            .get(&i)
            .ok_or_else(|| Error::Typst(format!("{}: no PDF was rendered", header.id.value)))?;
        let bytes = std::fs::read(made).map_err(|e| Error::io(made, e))?;
        let pdf = dir.join(format!("{slug}.pdf"));
        faults.before_write(&pdf)?;
        // The archive must survive a crash: the PDF is flushed before the folder is renamed in.
        write_durable(&pdf, &bytes)?;
        files.insert(format!("{slug}.pdf"), publish::sha256(&bytes));

        entries.push((
            i,
            Release {
                version: header.version.value.0.clone(),
                title: header.title.value.0.clone(),
                effective: render::or_empty(header.effective),
                released: settings.date.to_string(),
                path,
                content_sha256: publish::content_hash(&loaded.doc),
                files,
                cites: BTreeMap::new(),
                superseded: None,
            },
        ));
    }
    Ok(entries)
}

/// Compile the PDFs of the documents `new` (indices into the library) under `work/publish/`,
/// the fast way unless `pdf_bundle: false`; return each document's PDF, or the first failure.
fn compile_new(
    typst: &Typst,
    jobs: &[render::PdfJob],
    new: &[usize],
    library: &Library,
    work: &Path,
) -> Result<BTreeMap<usize, PathBuf>, Error> {
    let work = work.join("publish");
    let chosen: Vec<(&render::PdfJob, PathBuf)> = jobs
        .iter()
        .filter(|job| new.contains(&job.doc))
        .map(|job| (job, work.join("out").join(job.pdf_path())))
        .collect();
    let targets: Vec<crate::pdf::Target<'_>> = chosen
        .iter()
        .map(|(job, pdf)| crate::pdf::Target { job, pdf })
        .collect();
    let jobs_at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
    let options = crate::pdf::PdfOptions::new(library.config.pdf_bundle, jobs_at_once);
    let results = crate::pdf::compile(typst, &targets, &work, options, &|_| {})?;
    let mut made = BTreeMap::new();
    for ((job, pdf), result) in chosen.into_iter().zip(results) {
        result?;
        made.insert(job.doc, pdf);
    }
    Ok(made)
}

/// Return the ledger with the new releases added, what they cite recorded, and the releases
/// they replace (or the documents withdrawn) marked superseded.
fn updated_ledger(
    library: &Library,
    index: &Index,
    plan: &Plan,
    entries: Vec<(usize, Release)>,
    date: Date,
) -> Ledger {
    let mut ledger = library.ledger.clone();
    let context = Context { library, index };
    let releasing: BTreeMap<usize, String> = entries
        .iter()
        .map(|(i, r)| (*i, r.version.clone()))
        .collect();
    for (i, mut release) in entries {
        for (target, _, _) in validate::citations(&context, i) {
            let Target::Doc(j) = target else { continue };
            let cited = library.documents[j].doc.header();
            let id = cited.id.value.0.clone();
            // The version in force when this was released: what is released with it or
            // already released; a document never released is cited at its working version.
            let version = releasing
                .get(&j)
                .cloned()
                .or_else(|| ledger.current(&id).map(|r| r.version.clone()))
                .unwrap_or_else(|| cited.version.value.0.clone());
            release.cites.insert(id, version);
        }
        let header = library.documents[i].doc.header();
        let id = header.id.value.0.clone();
        let entry = ledger.documents.entry(id).or_insert_with(|| LedgerDoc {
            kind: library.documents[i].doc.kind(),
            slug: header.id.value.slug(),
            releases: Vec::new(),
        });
        if let Some(previous) = entry.releases.last_mut().filter(|r| r.superseded.is_none()) {
            // A revision released ahead of its effective date (待生效) replaces the one in
            // force on that date, not before: until then the previous revision stays in force.
            let takes_effect = std::cmp::max(date.to_string(), release.effective.clone());
            previous.superseded = Some(Superseded {
                by: Some(release.version.clone()),
                date: takes_effect,
                reason: None,
                withdrawn_by: None,
            });
        }
        entry.releases.push(release);
    }
    for id in &plan.withdrawn {
        if let Some(last) = ledger
            .documents
            .get_mut(id)
            .and_then(|d| d.releases.last_mut())
        {
            last.superseded = Some(Superseded {
                by: None,
                date: date.to_string(),
                reason: None,
                withdrawn_by: None,
            });
        }
    }
    ledger
}

/// Say which controlled copies this publish made due for recall: those still out of releases
/// the new ledger supersedes and the old one did not.
fn copies_due(library: &Library, ledger: &Ledger) -> Vec<String> {
    let record = &library.distribution;
    let mut due: BTreeMap<(String, String), (String, Vec<&str>)> = BTreeMap::new();
    for copy in &record.copies {
        let was = library.ledger.release(&copy.document, &copy.version);
        let now = ledger.release(&copy.document, &copy.version);
        let (Some(was), Some(now)) = (was, now) else {
            continue;
        };
        let Some(superseded) = now.superseded.as_ref().filter(|_| was.superseded.is_none()) else {
            continue;
        };
        if copy.controlled && record.recall(&copy.copy).is_none() {
            due.entry((copy.document.clone(), copy.version.clone()))
                .or_insert_with(|| (superseded.date.clone(), Vec::new()))
                .1
                .push(&copy.copy);
        }
    }
    due.into_iter()
        .map(|((id, version), (date, copies))| {
            format!(
                "{id} {version} is replaced on {date}: recall its {} controlled copy(ies) within {} days (recall_days) and record each with `docctl recall`: {}",
                copies.len(),
                library.config.recall_days,
                copies.join(", ")
            )
        })
        .collect()
}

/// Check the archive against the ledger: every file of every release folder (as found on
/// disk, links not followed) is one the ledger lists with its SHA-256, each archived YAML still
/// has the recorded canonical content, and nothing else is in `published/`.
fn verify(root: &std::path::Path) -> Result<bool, Error> {
    let ledger = Ledger::load(root)?;
    let mut problems: Vec<String> = archive::survey(root, &ledger, true)
        .into_iter()
        .map(|p| format!("{} ({})", p.message, p.help))
        .collect();
    let mut files = 0;
    for (id, doc, release) in ledger.releases() {
        for (name, hash) in &release.files {
            files += 1;
            let rel = format!("{}/{name}", release.path);
            let bytes = match archive::read(root, &rel) {
                Ok(bytes) => bytes,
                Err(e) => {
                    problems.push(format!("{id} {}: {ARCHIVE}/{rel}: {e}", release.version));
                    continue;
                }
            };
            if publish::sha256(&bytes) != *hash {
                problems.push(format!(
                    "{id} {}: {ARCHIVE}/{rel} does not match its SHA-256 in the ledger",
                    release.version
                ));
            } else if name.ends_with(".yaml") {
                let text = String::from_utf8_lossy(&bytes);
                let same = parse_archived(doc.kind, name, &text)
                    .is_some_and(|d| publish::content_hash(&d) == release.content_sha256);
                if !same {
                    problems.push(format!(
                        "{id} {}: {name} does not hold the recorded content",
                        release.version
                    ));
                }
            }
        }
        if !release.files.contains_key(&format!("{}.yaml", doc.slug)) {
            problems.push(format!(
                "{id} {}: the ledger lists no {}.yaml for this release",
                release.version, doc.slug
            ));
        }
    }
    problems.extend(verify_copies(root, &ledger));
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    eprintln!(
        "verified {files} archived file(s) of {} release(s): {} problem(s)",
        ledger.releases().count(),
        problems.len()
    );
    Ok(problems.is_empty())
}

/// Run `docctl publish` from its command line; return whether the set was published.
pub fn invoke(args: crate::cli::PublishArgs) -> Result<bool, Error> {
    run(&PublishSettings {
        date: crate::settings::today_or(args.date),
        root: args.set.dir().to_path_buf(),
        verify: args.verify,
        recover: args.recover,
    })
}

/// Check the distribution record: it loads and holds together, and every copy derived again
/// from its released PDF has the recorded SHA-256 (as has its PDF in output/copies/, if there).
fn verify_copies(root: &Path, ledger: &Ledger) -> Vec<String> {
    use crate::publish::distribution::{self, Distribution};
    let record = match Distribution::load(root, ledger) {
        Ok(record) => record,
        Err(e) => return vec![e.to_string()],
    };
    let mut problems = Vec::new();
    for copy in &record.copies {
        let Some(release) = ledger.release(&copy.document, &copy.version) else {
            continue;
        };
        let derived = crate::workspace::released_pdf(root, ledger, &copy.document, release)
            .and_then(|pdf| crate::stamp::stamp(&pdf, &copy.stamp));
        match derived {
            Ok(bytes) if publish::sha256(&bytes) == copy.sha256 => {}
            Ok(_) => problems.push(format!(
                "copy {}: derived again from its release it does not match its SHA-256 in {ARCHIVE}/{}",
                copy.copy,
                distribution::DISTRIBUTION
            )),
            Err(e) => problems.push(format!("copy {}: {e}", copy.copy)),
        }
        let slug = ledger
            .documents
            .get(&copy.document)
            .map(|d| d.slug.as_str())
            .unwrap_or_default();
        let path = distribution::copy_pdf_path(root, slug, copy);
        if let Ok(bytes) = std::fs::read(&path)
            && publish::sha256(&bytes) != copy.sha256
        {
            problems.push(format!(
                "copy {}: {} is not the copy that was issued (its SHA-256 differs)",
                copy.copy,
                path.display()
            ));
        }
    }
    problems
}
