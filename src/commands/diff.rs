//! `docctl diff ID`: a redline between two revisions of a document — from the archive, from
//! git or the working copy — as HTML and as a controlled PDF with a 修订对照表, written to
//! `output/diff/<slug>-<from>-<to>.{html,pdf}`.

use std::path::PathBuf;
use std::process::Command;

use crate::error::Error;
use crate::load::{self, Library, Loaded};
use crate::model::Document;
use crate::publish::{self, ARCHIVE};
use crate::redline;
use crate::render::markup::Lang;
use crate::render::templates::Templates;
use crate::render::view::{RedlineView, ViewBuilder};
use crate::typst::Typst;
use crate::validate::Index;
use crate::workspace::{find_document, parse_as};
use crate::write::write_atomic;

/// What `diff` needs to run.
#[derive(Debug, Clone)]
pub struct DiffSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document's id or title.
    pub id: String,
    /// The older revision: a released version, `git:REV` or `working`; default the last
    /// released version.
    pub from: Option<String>,
    /// The newer revision; default the working copy.
    pub to: Option<String>,
    /// Write the PDF.
    pub pdf: bool,
    /// Write the HTML page.
    pub html: bool,
}

/// One side of the comparison.
struct Revision {
    doc: Document,
    /// The version as the document says.
    version: String,
    /// The version as it appears in the output's file name.
    label: String,
    /// Where it came from, for the reader.
    source: String,
}

/// Run `docctl diff`; return the paths written.
pub fn run(settings: &DiffSettings) -> Result<Vec<PathBuf>, Error> {
    let library = load::load(&settings.root)?;
    let loaded = &library.documents[find_document(&library, &settings.id)?];
    let (from, to) = match (settings.from.as_deref(), settings.to.as_deref()) {
        (None, None) => default_pair(&library, loaded)?,
        (from, to) => (
            match from {
                Some(spec) => revision(&library, loaded, spec)?,
                None => last_released(&library, loaded)?,
            },
            revision(&library, loaded, to.unwrap_or("working"))?,
        ),
    };
    let header = to.doc.header();
    let lang = header.lang.unwrap_or(library.config.lang);
    let sections = redline::compare(&from.doc, &to.doc, lang);
    let codes = crate::render::view::LangCodes::of(lang);
    let last = header.history.last();
    let view = RedlineView {
        id: header.id.value.to_string(),
        title: header.title.value.to_string(),
        from: from.version.clone(),
        to: to.version.clone(),
        from_source: from.source.clone(),
        to_source: to.source.clone(),
        change: last
            .map(|h| {
                crate::render::labels::with_request(
                    lang,
                    &h.change.value,
                    h.request.as_ref().map(|r| r.value.0.as_str()),
                )
            })
            .unwrap_or_default(),
        by: last
            .and_then(|h| h.by.as_ref())
            .map(|b| b.value.to_string())
            .unwrap_or_default(),
        date: last.map(|h| h.date.value.to_string()).unwrap_or_default(),
        sections,
        lang: codes.html,
        cjk: codes.cjk,
        typst_lang: codes.typst_lang,
        typst_region: codes.typst_region,
        labels: crate::render::labels::of(lang),
    };
    let (index, _) = Index::build(&library);
    let mut context = tera::Context::new();
    context.insert(
        "site",
        &ViewBuilder::new(&library, &index, Lang::Html).site(),
    );
    context.insert("doc", &view);
    let templates = Templates::load(&settings.root)?;
    let name = format!("{}-{}-{}", header.id.value.slug(), from.label, to.label);
    let out = settings.root.join("output").join("diff");
    let mut written = Vec::new();
    if settings.html {
        let path = out.join(format!("{name}.html"));
        write_atomic(
            &path,
            templates.render("redline.html", &context)?.as_bytes(),
        )?;
        written.push(path);
    }
    if settings.pdf {
        let source = templates.render("redline.typ", &context)?;
        let work = settings.root.join("output").join(".docctl");
        let typst = Typst::locate(&work)?;
        let path = out.join(format!("{name}.pdf"));
        let job = work.join("jobs").join(format!("diff-{name}"));
        let timestamp = crate::render::timestamp(&to.doc);
        typst.compile(&job, &source, &path, timestamp, &format!("diff/{name}.pdf"))?;
        written.push(path);
    }
    eprintln!(
        "redline of {} {} → {}: {} changed section(s)",
        view.id,
        view.from,
        view.to,
        view.sections.len()
    );
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(written)
}

/// With no `--from` and `--to`: the last release against the working copy, or, when the working
/// copy holds the last release unchanged, the two last releases.
fn default_pair(library: &Library, loaded: &Loaded) -> Result<(Revision, Revision), Error> {
    let last = last_released(library, loaded)?;
    if publish::content_hash(&last.doc) != publish::content_hash(&loaded.doc) {
        return Ok((last, revision(library, loaded, "working")?));
    }
    let id = &loaded.doc.header().id.value.0;
    match library.ledger.history(id) {
        [.., before, _] => Ok((revision(library, loaded, &before.version)?, last)),
        _ => Err(Error::Refused(format!(
            "{id} {} is its only release and the working copy is the same: nothing to compare yet (after `docctl revise {id}` this shows the change; --from git:REV compares with git)",
            last.version
        ))),
    }
}

/// The last released revision of a document, from the archive.
fn last_released(library: &Library, loaded: &Loaded) -> Result<Revision, Error> {
    let id = &loaded.doc.header().id.value.0;
    let release = library.ledger.last_release(id).ok_or_else(|| {
            Error::NotFound(format!(
                "{id} has no released revision in published/ledger.json: compare with --from git:REV or --from VERSION"
            ))
        })?;
    let version = release.version.clone();
    revision(library, loaded, &version)
}

/// Resolve `working`, `git:REV` or a released version.
fn revision(library: &Library, loaded: &Loaded, spec: &str) -> Result<Revision, Error> {
    let header = loaded.doc.header();
    let id = &header.id.value;
    let kind = loaded.doc.kind();
    if spec == "working" {
        let version = header.version.value.0.clone();
        let released = library.ledger.release(&id.0, &version).is_some();
        let label = publish::version_slug(&version);
        return Ok(Revision {
            doc: loaded.doc.clone(),
            label: if released {
                format!("{label}-working")
            } else {
                label
            },
            version,
            source: format!(
                "{} {}",
                crate::render::labels::word(
                    header.lang.unwrap_or(library.config.lang),
                    "working_copy"
                ),
                loaded.file
            ),
        });
    }
    let (text, source, label) = if let Some(rev) = spec.strip_prefix("git:") {
        let text = git_show(library, rev, &loaded.file)?;
        (
            text,
            format!("git:{rev}"),
            format!("git-{}", publish::version_slug(rev)),
        )
    } else {
        let release = library.ledger.release(&id.0, spec).ok_or_else(|| {
            let released: Vec<&str> = library
                .ledger
                .documents
                .get(&id.0)
                .map(|d| d.releases.iter().map(|r| r.version.as_str()).collect())
                .unwrap_or_default();
            Error::NotFound(format!(
                "{id} {spec} is not released (released: {}); use a released version, git:REV or working",
                if released.is_empty() { "none".to_owned() } else { released.join(", ") }
            ))
        })?;
        let path = library
            .root
            .join(ARCHIVE)
            .join(&release.path)
            .join(format!("{}.yaml", id.slug()));
        let text = publish::archive::read(
            &library.root,
            &format!("{}/{}.yaml", release.path, id.slug()),
        )
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| Error::io(&path, e))?;
        (
            text,
            format!("published/{}", release.path),
            publish::version_slug(spec),
        )
    };
    let doc = parse_as(kind, &source, &text).map_err(|d| {
        Error::invalid(format!(
            "{source}: {}:{}: {} — this revision does not load",
            d.line, d.column, d.message
        ))
    })?;
    let version = doc.header().version.value.0.clone();
    Ok(Revision {
        doc,
        version,
        label,
        source,
    })
}

/// Resolve a `git:` revision to a commit id: never an option (no leading `-`, passed after
/// `--end-of-options`), and only what names a commit.
fn resolve_revision(
    git: &dyn Fn(&[&str]) -> Result<std::process::Output, Error>,
    rev: &str,
) -> Result<String, Error> {
    if rev.is_empty() || rev.starts_with('-') || rev.contains(['\0', ':']) {
        return Err(Error::Usage(format!(
            "git:{rev} is not a revision: write a commit, branch or tag (git:HEAD, git:v1.0, git:HEAD~2)"
        )));
    }
    let parsed = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &format!("{rev}^{{commit}}"),
    ])?;
    let oid = String::from_utf8_lossy(&parsed.stdout).trim().to_owned();
    if !parsed.status.success() || oid.is_empty() || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::Git(format!(
            "git:{rev} does not name a commit of this repository"
        )));
    }
    Ok(oid)
}

/// Read a file as it was at a git revision (`git show REV:path`).
fn git_show(library: &Library, rev: &str, file: &str) -> Result<String, Error> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&library.root)
            .args(args)
            .output()
            .map_err(|e| Error::Git(format!("cannot run git: {e}")))
    };
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    if !prefix.status.success() {
        return Err(Error::Git(format!(
            "{} is not in a git repository: git:{rev} needs one",
            library.root.display()
        )));
    }
    let prefix = String::from_utf8_lossy(&prefix.stdout).trim().to_owned();
    let oid = resolve_revision(&git, rev)?;
    let shown = git(&["show", "--end-of-options", &format!("{oid}:{prefix}{file}")])?;
    if !shown.status.success() {
        return Err(Error::Git(format!(
            "git show {rev}:{prefix}{file} failed: {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        )));
    }
    String::from_utf8(shown.stdout)
        .map_err(|_| Error::invalid(format!("{file} at {rev} is not UTF-8 text")))
}

/// Run `docctl diff` from its command line.
pub fn invoke(args: crate::cli::DiffArgs) -> Result<bool, Error> {
    let formats: Vec<&str> = args.formats.iter().map(|f| f.as_str()).collect();
    if let Some(other) = formats.iter().find(|f| !matches!(**f, "pdf" | "html")) {
        return Err(Error::Usage(format!(
            "unknown diff format `{other}`: use pdf and html"
        )));
    }
    run(&DiffSettings {
        root: args.set.dir().to_path_buf(),
        id: args.id,
        from: args.from,
        to: args.to,
        pdf: formats.contains(&"pdf"),
        html: formats.contains(&"html"),
    })?;
    Ok(true)
}
