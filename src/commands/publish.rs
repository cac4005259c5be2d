//! `docctl publish`: archive every effective revision not yet released into
//! `published/<slug>/<version>/` and record it in the ledger. The ledger is the commit point:
//! new revisions are written into a staging folder inside `published/`, renamed into place,
//! and the ledger is written last, atomically; a failure before that removes what was moved,
//! and folders a killed publish left behind are not in the ledger and are removed by the next.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic;
use crate::error::Error;
use crate::load::{self, Library};
use crate::model::{Date, Document, Kind, Status};
use crate::publish::{
    self, ARCHIVE, Faults, Ledger, LedgerDoc, Lock, Release, STAGING_PREFIX, Superseded,
};
use crate::render::{self, Formats, templates::Templates};
use crate::typst::Typst;
use crate::validate::{self, Context, Index, Target};
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
    let _lock = Lock::acquire(&settings.root)?;
    let archive = settings.root.join(ARCHIVE);
    let library = load::load(&settings.root)?;
    remove_leftovers(&archive, &library.ledger)?;

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
    let (diagnostics, index) = validate::validate_indexed(&library, settings.date);
    let (errors, _) = diagnostic::count(&diagnostics);
    if errors > 0 {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!(
            "{}",
            diagnostic::render_human(&diagnostics, &library.sources, color)
        );
        eprintln!("publish stopped: {errors} error(s) in the documents; nothing was written");
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
    let releases = stage_and_move(settings, &library, &index, &plan, &mut faults)?;
    let ledger = updated_ledger(&library, &index, &plan, releases.entries, settings.date);
    let ledger_path = publish::ledger_path(&settings.root);
    faults.before_write(&ledger_path)?;
    write_durable(&ledger_path, ledger.to_json().as_bytes())?;
    let mut moved = releases.moved;
    moved.commit();
    for (id, release) in &releases.summary {
        eprintln!("released {id} {} → published/{}", release.0, release.1);
    }
    for id in &plan.withdrawn {
        eprintln!("withdrew {id}: its last release is recorded as superseded (作废)");
    }
    eprintln!(
        "published {} revision(s) ({} unchanged); commit published/ to keep the record",
        releases.summary.len(),
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
        let latest = ledger.documents.get(id).and_then(|d| d.releases.last());
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

/// Releases written into place, not yet committed by the ledger.
struct Staged {
    entries: Vec<(usize, Release)>,
    moved: Moved,
    summary: Vec<(String, (String, String))>,
}

/// Render, compile and write each new revision into a staging folder, then rename each into
/// place. Returns the ledger entries; until `Moved::commit`, dropping them removes the moved
/// folders again.
fn stage_and_move(
    settings: &PublishSettings,
    library: &Library,
    index: &Index,
    plan: &Plan,
    faults: &mut Faults,
) -> Result<Staged, Error> {
    let archive = settings.root.join(ARCHIVE);
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
        if path.ends_with(".html") {
            if let Ok(mut pages) = pages.lock() {
                pages.insert(path.to_owned(), bytes.to_vec());
            }
        }
        Ok(())
    };
    let site = render::render(library, index, &templates, formats, &[], None, &keep)?;
    let pages = pages.into_inner().unwrap_or_default();
    let work = settings.root.join("output").join(".docctl");
    let typst = Typst::locate(&work)?;
    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(&archive)
        .map_err(|e| Error::io(&archive, e))?;

    let mut entries = Vec::new();
    for &i in &plan.new {
        let loaded = &library.documents[i];
        let header = loaded.doc.header();
        let slug = header.id.value.slug();
        let path = publish::release_path(&header.id.value, &header.version.value.0);
        let dir = staging.path().join(&path);
        let mut files = BTreeMap::new();

        let source = library.sources.get(&loaded.file).map_or("", |s| s.as_ref());
        let html_path = format!("{}/{slug}.html", loaded.doc.kind().folder());
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
        let job = site
            .pdf_jobs
            .iter()
            .find(|j| j.doc == i)
            .ok_or_else(|| Error::Typst(format!("{}: no PDF was rendered", header.id.value)))?;
        let pdf = dir.join(format!("{slug}.pdf"));
        faults.before_write(&pdf)?;
        crate::commands::build::compile_pdf(&typst, job, &pdf, &work.join("publish"))?;
        // The archive must survive a crash: flush the PDF before the folder is renamed in.
        std::fs::File::open(&pdf)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&pdf, e))?;
        let bytes = std::fs::read(&pdf).map_err(|e| Error::io(&pdf, e))?;
        files.insert(format!("{slug}.pdf"), publish::sha256(&bytes));

        entries.push((
            i,
            Release {
                version: header.version.value.0.clone(),
                title: header.title.value.0.clone(),
                effective: header
                    .effective
                    .map(|d| d.value.to_string())
                    .unwrap_or_default(),
                released: settings.date.to_string(),
                path,
                content_sha256: publish::content_hash(&loaded.doc),
                files,
                cites: BTreeMap::new(),
                superseded: None,
            },
        ));
    }

    let mut moved = Moved::default();
    let mut summary = Vec::new();
    for (i, release) in &entries {
        let target = archive.join(&release.path);
        if target.exists() {
            return Err(Error::Usage(format!(
                "{} exists but is not in the ledger: remove it and publish again",
                target.display()
            )));
        }
        faults.before_write(&target)?;
        if let Some(parent) = target.parent() {
            if !parent.exists() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                moved.created.push(parent.to_path_buf());
            }
        }
        std::fs::rename(staging.path().join(&release.path), &target)
            .map_err(|e| Error::io(&target, e))?;
        moved.folders.push(target);
        let id = library.documents[*i].doc.header().id.value.to_string();
        summary.push((id, (release.version.clone(), release.path.clone())));
    }
    Ok(Staged {
        entries,
        moved,
        summary,
    })
}

/// Release folders renamed into the archive before the ledger lists them.
#[derive(Debug, Default)]
struct Moved {
    folders: Vec<PathBuf>,
    created: Vec<PathBuf>,
    committed: bool,
}

impl Moved {
    fn commit(&mut self) {
        self.committed = true;
    }
}

impl Drop for Moved {
    /// Take the moved folders out again when the ledger was not written: the archive is
    /// then as it was.
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir_all(folder);
        }
        for folder in self.created.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
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
            kind: kind_name(library.documents[i].doc.kind()).to_owned(),
            slug: header.id.value.slug(),
            releases: Vec::new(),
        });
        if let Some(previous) = entry.releases.last_mut().filter(|r| r.superseded.is_none()) {
            previous.superseded = Some(Superseded {
                by: Some(release.version.clone()),
                date: date.to_string(),
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
            });
        }
    }
    ledger
}

/// Return `procedure` or `form`.
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Procedure => "procedure",
        Kind::Form => "form",
    }
}

/// Remove what an interrupted publish left: staging folders, and release folders the ledger
/// does not list (they were moved into place but never committed).
fn remove_leftovers(archive: &Path, ledger: &Ledger) -> Result<(), Error> {
    let listed: BTreeSet<&str> = ledger.releases().map(|(_, _, r)| r.path.as_str()).collect();
    for (path, _) in leftovers(archive, &listed)? {
        std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
        eprintln!(
            "removed {}: left by an interrupted publish (not in the ledger)",
            path.display()
        );
    }
    Ok(())
}

/// List the folders of the archive that the ledger does not account for.
fn leftovers(archive: &Path, listed: &BTreeSet<&str>) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(archive) else {
        return Ok(found);
    };
    let mut slugs: Vec<_> = entries.flatten().filter(|e| e.path().is_dir()).collect();
    slugs.sort_by_key(|e| e.file_name());
    for slug in slugs {
        let name = slug.file_name().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) {
            found.push((slug.path(), name));
            continue;
        }
        let mut versions: Vec<_> = std::fs::read_dir(slug.path())
            .map_err(|e| Error::io(slug.path(), e))?
            .flatten()
            .filter(|e| e.path().is_dir())
            .collect();
        versions.sort_by_key(|e| e.file_name());
        let mut kept = 0;
        for version in &versions {
            let rel = format!("{name}/{}", version.file_name().to_string_lossy());
            if listed.contains(rel.as_str()) {
                kept += 1;
            } else {
                found.push((version.path(), rel));
            }
        }
        if kept == 0 && !listed.iter().any(|p| p.starts_with(&format!("{name}/"))) {
            found.push((slug.path(), name));
        }
    }
    // A slug folder listed as a whole makes its version folders redundant in the list.
    let whole: Vec<String> = found.iter().map(|(_, rel)| format!("{rel}/")).collect();
    found.retain(|(_, rel)| !whole.iter().any(|w| rel.starts_with(w.as_str())));
    Ok(found)
}

/// Check that every file the ledger lists is in the archive with its recorded SHA-256, and
/// that each archived YAML still has the recorded canonical content.
fn verify(root: &Path) -> Result<bool, Error> {
    let ledger = Ledger::load(root)?;
    let archive = root.join(ARCHIVE);
    let mut problems = Vec::new();
    let mut files = 0;
    for (id, doc, release) in ledger.releases() {
        for (name, hash) in &release.files {
            files += 1;
            let path = archive.join(&release.path).join(name);
            match std::fs::read(&path) {
                Ok(bytes) if publish::sha256(&bytes) == *hash => {
                    if name.ends_with(".yaml") {
                        let text = String::from_utf8_lossy(&bytes);
                        let same = parse_archived(&doc.kind, name, &text)
                            .is_some_and(|d| publish::content_hash(&d) == release.content_sha256);
                        if !same {
                            problems.push(format!(
                                "{id} {}: {name} does not hold the recorded content",
                                release.version
                            ));
                        }
                    }
                }
                Ok(_) => problems.push(format!(
                    "{id} {}: published/{}/{name} does not match its SHA-256 in the ledger",
                    release.version, release.path
                )),
                Err(e) => problems.push(format!(
                    "{id} {}: published/{}/{name}: {e}",
                    release.version, release.path
                )),
            }
        }
    }
    let listed: BTreeSet<&str> = ledger.releases().map(|(_, _, r)| r.path.as_str()).collect();
    for (_, rel) in leftovers(&archive, &listed)? {
        eprintln!(
            "note: published/{rel} is not in the ledger (left by an interrupted publish; the next publish removes it)"
        );
    }
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

/// Return the document of a ledger entry's kind, parsed from an archived YAML.
pub(crate) fn parse_archived(kind: &str, name: &str, text: &str) -> Option<Document> {
    let kind = if kind == "form" {
        Kind::Form
    } else {
        Kind::Procedure
    };
    crate::commands::revise::parse_as(kind, name, text).ok()
}
