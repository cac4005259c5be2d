//! Stage 3: render every document through the Tera templates into Typst, HTML and Markdown
//! text, plus the manifest and the portal's front page. Nothing here touches the disk.

pub mod graph;
pub mod labels;
pub mod markup;
pub mod signing;
pub mod templates;
pub mod view;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::graph::Graph;
use crate::load::Library;
use crate::model::{Document, Kind, Sp};
use crate::render::markup::Lang;
use crate::render::templates::Templates;
use crate::render::view::{HeaderView, ViewBuilder};
use crate::validate::{Index, Target};
use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

/// Which outputs to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// PDF (through Typst).
    pub pdf: bool,
    /// HTML pages.
    pub html: bool,
    /// Markdown (procedures and forms).
    pub md: bool,
    /// Excel workbooks (forms).
    pub xlsx: bool,
    /// Word documents (procedures and forms).
    pub docx: bool,
}

impl Formats {
    /// Parse `pdf,html,md`.
    pub fn parse(list: &str) -> Result<Formats, Error> {
        Formats::from_names(list.split(',').map(str::trim).filter(|s| !s.is_empty()))
    }

    /// Collect the named formats (`pdf`, `html`, `md`, …).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Formats, Error> {
        let mut formats = Formats {
            pdf: false,
            html: false,
            md: false,
            xlsx: false,
            docx: false,
        };
        for item in names {
            match item {
                "pdf" => formats.pdf = true,
                "html" => formats.html = true,
                "md" | "markdown" => formats.md = true,
                "xlsx" => formats.xlsx = true,
                "docx" | "word" => formats.docx = true,
                other => {
                    return Err(Error::Usage(format!(
                        "unknown output format `{other}`: use pdf, html, md, xlsx and docx"
                    )));
                }
            }
        }
        Ok(formats)
    }
}

/// A Typst job: a document to compile to PDF.
#[derive(Debug, Clone)]
pub struct PdfJob {
    /// The document's index in the library.
    pub doc: usize,
    /// `procedures` or `forms`.
    pub kind: Kind,
    /// The slug (file name without extension).
    pub slug: String,
    /// The Typst source.
    pub source: String,
    /// Seconds since 1970 to stamp into the PDF: the effective date, so rebuilds are identical.
    pub timestamp: i64,
    /// For a form: each field key with its label, to become fillable PDF fields.
    pub form_fields: Option<std::collections::BTreeMap<String, String>>,
}

impl PdfJob {
    /// The PDF's path under `output/`.
    pub fn pdf_path(&self) -> String {
        format!("{}/{}.pdf", self.kind.folder(), self.slug)
    }
}

/// What the render stage leaves for the typst stage.
#[derive(Debug, Default)]
pub struct Site {
    /// The PDFs to compile.
    pub pdf_jobs: Vec<PdfJob>,
}

/// One row of the manifest and of the master list.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
    /// procedure | form.
    pub kind: &'static str,
    /// The version.
    pub version: String,
    /// draft | effective | obsolete.
    pub status: &'static str,
    /// The effective date, or "".
    pub effective: String,
    /// The owning department, or "".
    pub owner: String,
    /// The source file, relative to the set.
    pub source: String,
    /// The outputs, relative to `output/`.
    pub outputs: std::collections::BTreeMap<&'static str, String>,
}

/// Where rendered files go: a path under `output/` and its bytes. Called from several threads.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<(), Error> + Sync);

/// What every document's rendering shares.
struct Shared<'a> {
    library: &'a Library,
    templates: &'a Templates,
    formats: Formats,
    graph: Graph,
    problems: BTreeMap<&'a str, Vec<view::ProblemView>>,
    html: ViewBuilder<'a>,
    typst: ViewBuilder<'a>,
    markdown: ViewBuilder<'a>,
    site_view: view::SiteView,
    archive: Option<&'a str>,
    today: Option<crate::model::Date>,
}

/// Render every document in the requested formats and hand each file to `sink` as soon as it
/// is ready (documents render in parallel, so memory holds only those in flight);
/// `diagnostics` (from `check`) are shown in the portal next to the documents they concern;
/// `archive` is the address of `published/` from a document's page, to link its released
/// revisions (superseded ones marked 作废); `today` is the day the pages are made for (a
/// released revision effective after it is shown 待生效; none: as released).
/// Return the PDFs still to compile.
#[allow(clippy::too_many_arguments)]
pub fn render(
    library: &Library,
    index: &Index,
    templates: &Templates,
    formats: Formats,
    diagnostics: &[Diagnostic],
    archive: Option<&str>,
    today: Option<crate::model::Date>,
    sink: Sink<'_>,
) -> Result<Site, Error> {
    let mut problems: BTreeMap<&str, Vec<view::ProblemView>> = BTreeMap::new();
    for d in diagnostics {
        problems
            .entry(d.file.as_str())
            .or_default()
            .push(view::ProblemView::of(d));
    }
    let archived = archive.is_some();
    let html = ViewBuilder::new(library, index, Lang::Html)
        .archived(archived)
        .today(today);
    let shared = Shared {
        library,
        templates,
        formats,
        graph: Graph::build(library, index),
        problems,
        site_view: html.site(),
        html,
        typst: ViewBuilder::new(library, index, Lang::Typst)
            .archived(archived)
            .today(today),
        markdown: ViewBuilder::new(library, index, Lang::Markdown)
            .archived(archived)
            .today(today),
        today,
        archive,
    };
    let results: Vec<(ManifestEntry, IndexRow, Option<PdfJob>)> = (0..library.documents.len())
        .into_par_iter()
        .map(|i| render_one(&shared, i, sink))
        .collect::<Result<_, Error>>()?;
    let mut site = Site::default();
    let mut manifest = Vec::with_capacity(results.len());
    let mut rows = Vec::with_capacity(results.len());
    for (entry, row, job) in results {
        manifest.push(entry);
        rows.push(row);
        site.pdf_jobs.extend(job);
    }
    let site_view = &shared.site_view;
    let manifest_json = serde_json::json!({
        "company": site_view.company,
        "generator": site_view.generator,
        "documents": manifest,
    });
    sink(
        "manifest.json",
        (serde_json::to_string_pretty(&manifest_json).unwrap_or_default() + "\n").as_bytes(),
    )?;
    if formats.html {
        let owners: BTreeSet<&str> = rows
            .iter()
            .map(|r| r.owner.as_str())
            .filter(|o| !o.is_empty())
            .collect();
        let mut context = tera::Context::new();
        context.insert("site", site_view);
        context.insert("documents", &rows);
        context.insert("owners", &owners);
        context.insert("problem_count", &diagnostics.len());
        context.insert("awaiting_count", &signing::count(library));
        let requests: Vec<crate::request::Request> = crate::request::all(&library.root)?
            .into_iter()
            .filter(|r| r.status == "open")
            .collect();
        context.insert("requests", &requests);
        write_page(sink, templates, "index.html", &context)?;
        portal_pages(
            library,
            index,
            &shared.graph,
            templates,
            site_view,
            diagnostics,
            sink,
        )?;
    }
    Ok(site)
}

/// Render one document in every requested format.
fn render_one(
    shared: &Shared<'_>,
    i: usize,
    sink: Sink<'_>,
) -> Result<(ManifestEntry, IndexRow, Option<PdfJob>), Error> {
    let Shared {
        library,
        templates,
        formats,
        graph,
        problems,
        html,
        typst,
        markdown,
        site_view,
        archive,
        today,
    } = shared;
    let loaded = &library.documents[i];
    let doc = &loaded.doc;
    let header = doc.header();
    let kind = doc.kind();
    let slug = header.id.value.slug();
    let base = output_base(doc);
    let mut outputs = BTreeMap::new();
    let lang = header.lang.unwrap_or(library.config.lang);
    let words = labels::of(lang);
    let decorate = |h: &mut HeaderView| {
        if formats.pdf {
            h.pdf = format!("{slug}.pdf");
        }
        if formats.xlsx && kind == Kind::Form {
            h.xlsx = format!("{slug}.xlsx");
        }
        h.cited_by = graph
            .cited_by_grouped(i)
            .into_iter()
            .map(|(from, sections)| {
                let citing = &library.documents[from].doc;
                let header = citing.header();
                view::CitedByView {
                    id: header.id.value.to_string(),
                    title: header.title.to_string(),
                    kind: citing.kind().as_str(),
                    kind_label: words[citing.kind().label()],
                    status: header.status.value.as_str(),
                    status_label: match header.status.value {
                        crate::model::Status::Effective => "",
                        other => labels::word(lang, &format!("status_{}", other.as_str())),
                    },
                    href: html.href(Target::Doc(from)).unwrap_or_default(),
                    sections: sections
                        .iter()
                        .map(|s| section_label(words, s))
                        .collect::<Vec<_>>()
                        .join(words["list_sep"]),
                }
            })
            .collect();
        h.problems = problems
            .get(loaded.file.as_str())
            .cloned()
            .unwrap_or_default();
        if let (Some(archive), Some(released)) =
            (archive, library.ledger.documents.get(&header.id.value.0))
        {
            h.releases = released
                .releases
                .iter()
                .rev()
                .map(|r| view::ReleaseView {
                    version: r.version.clone(),
                    effective: r.effective.clone(),
                    released: r.released.clone(),
                    superseded: r.superseded_on(*today).map(|s| match &s.by {
                        Some(by) => format!("{by} ({})", s.date),
                        None => format!("{} ({})", words["withdrawn"], s.date),
                    }),
                    pending: r.pending_on(*today),
                    pdf: format!("{archive}/{}/{slug}.pdf", r.path),
                    html: format!("{archive}/{}/{slug}.html", r.path),
                })
                .collect();
        }
    };
    if formats.xlsx
        && let Document::Form(f) = doc
    {
        sink(
            &format!("{base}.xlsx"),
            &crate::xlsx::form_workbook(site_view, &html.form(doc, f))?,
        )?;
        outputs.insert("xlsx", format!("{base}.xlsx"));
    }
    let docx = match doc {
        _ if !formats.docx => None,
        Document::Procedure(p) => Some(crate::docx::procedure(
            site_view,
            &markdown.procedure(doc, p),
        )?),
        Document::Instruction(w) => Some(crate::docx::instruction(
            site_view,
            &markdown.instruction(doc, w),
        )?),
        Document::Manual(m) => Some(crate::docx::manual(site_view, &markdown.manual(doc, m))?),
        Document::Form(f) => Some(crate::docx::form(site_view, &markdown.form(doc, f))?),
    };
    if let Some(bytes) = docx {
        sink(&format!("{base}.docx"), &bytes)?;
        outputs.insert("docx", format!("{base}.docx"));
    }
    if formats.html {
        let text = render_page(templates, site_view, html, doc, "html", &decorate)?;
        sink(&format!("{base}.html"), text.as_bytes())?;
        outputs.insert("html", format!("{base}.html"));
    }
    if formats.md {
        let text = render_page(templates, site_view, markdown, doc, "md", &|_| {})?;
        sink(&format!("{base}.md"), text.as_bytes())?;
        outputs.insert("md", format!("{base}.md"));
    }
    let mut job = None;
    if formats.pdf {
        let source = render_page(templates, site_view, typst, doc, "typ", &|_| {})?;
        sink(&format!("{base}.typ"), source.as_bytes())?;
        outputs.insert("typ", format!("{base}.typ"));
        outputs.insert("pdf", format!("{base}.pdf"));
        let form_fields = match doc {
            Document::Form(f) => Some(
                f.fields
                    .iter()
                    .map(|field| (field.key.to_string(), field.label.to_string()))
                    .collect(),
            ),
            _ => None,
        };
        job = Some(PdfJob {
            doc: i,
            kind,
            slug: slug.clone(),
            source,
            timestamp: timestamp(doc),
            form_fields,
        });
    }
    let entry = ManifestEntry {
        id: header.id.value.to_string(),
        title: header.title.to_string(),
        kind: kind.as_str(),
        version: header.version.value.to_string(),
        status: header.status.value.as_str(),
        effective: or_empty(header.effective),
        owner: or_empty(header.owner),
        source: loaded.file.clone(),
        outputs,
    };
    let status = html.status_in(doc, library.config.lang);
    let row = IndexRow::new(&entry, doc, status);
    Ok((entry, row, job))
}

/// Render a document in one output language (`ext`: html, md, typ): its kind's view, decorated
/// (the portal's additions to HTML pages), through its kind's template (`instruction.html` …).
fn render_page(
    templates: &Templates,
    site: &view::SiteView,
    views: &ViewBuilder<'_>,
    doc: &Document,
    ext: &str,
    decorate: &dyn Fn(&mut HeaderView),
) -> Result<String, Error> {
    let name = format!("{}.{ext}", doc.kind().as_str());
    macro_rules! page {
        ($view:expr, $($header:ident).+) => {{
            let mut view = $view;
            decorate(&mut view.$($header).+);
            render_doc(templates, &name, site, &view)
        }};
    }
    match doc {
        Document::Procedure(p) => page!(views.procedure(doc, p), header),
        Document::Form(f) => page!(views.form(doc, f), header),
        Document::Manual(m) => page!(views.manual(doc, m), header),
        Document::Instruction(w) => page!(views.instruction(doc, w), outline.header),
    }
}

fn render_doc<T: Serialize>(
    templates: &Templates,
    name: &str,
    site: &view::SiteView,
    doc: &T,
) -> Result<String, Error> {
    let mut context = tera::Context::new();
    context.insert("site", site);
    context.insert("doc", doc);
    templates.render(name, &context)
}

/// Return an optional header value (生效日期, 归口部门) as text, "" when it is not set.
pub fn or_empty<T: std::fmt::Display>(value: Option<&Sp<T>>) -> String {
    value.map(|v| v.value.to_string()).unwrap_or_default()
}

/// Render a portal page through the template of the same name and hand it to the sink.
fn write_page(
    sink: Sink<'_>,
    templates: &Templates,
    name: &str,
    context: &tera::Context,
) -> Result<(), Error> {
    sink(name, templates.render(name, context)?.as_bytes())
}

/// Return where a document's outputs go under the output folder, without the extension:
/// `procedures/QP-7.5-01`.
pub fn output_base(doc: &Document) -> String {
    format!("{}/{}", doc.kind().folder(), doc.header().id.value.slug())
}

/// Return the HTML page, under the output folder, of a target that is a document of the set.
pub fn page_of(library: &Library, target: Target) -> Option<String> {
    let Target::Doc(i) = target else { return None };
    Some(format!("{}.html", output_base(&library.documents[i].doc)))
}

/// The PDF creation time: the effective date (or the last history date) at midnight UTC.
pub fn timestamp(doc: &Document) -> i64 {
    let header = doc.header();
    let date = header
        .effective
        .map(|d| d.value.0)
        .or_else(|| header.history.last().map(|h| h.date.value.0));
    date.map_or(315_532_800, |d| timestamp_of(crate::model::Date(d)))
}

/// A date at midnight UTC as seconds since 1970, for `typst --creation-timestamp`.
pub fn timestamp_of(date: crate::model::Date) -> i64 {
    date.0
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_or(315_532_800, |z| z.timestamp().as_second())
}

/// A row of the portal's master list.
#[derive(Debug, Clone, Serialize)]
struct IndexRow {
    id: String,
    title: String,
    kind: &'static str,
    version: String,
    effective: String,
    owner: String,
    status: view::StatusView,
    html: String,
    pdf: String,
    md: String,
    xlsx: String,
    /// Lower-case text searched by the portal's filter: id, title, aliases and body text.
    search: String,
}

impl IndexRow {
    fn new(entry: &ManifestEntry, doc: &Document, status: view::StatusView) -> Self {
        let header = doc.header();
        let mut search = format!("{} {}", entry.id, entry.title);
        for alias in header.aliases {
            search.push(' ');
            search.push_str(alias);
        }
        for text in searchable_text(doc) {
            search.push(' ');
            search.push_str(text);
        }
        let get = |k: &str| entry.outputs.get(k).cloned().unwrap_or_default();
        IndexRow {
            id: entry.id.clone(),
            title: entry.title.clone(),
            kind: entry.kind,
            version: entry.version.clone(),
            effective: entry.effective.clone(),
            owner: entry.owner.clone(),
            status,
            html: get("html"),
            pdf: get("pdf"),
            md: get("md"),
            xlsx: get("xlsx"),
            search: search.replace('\n', " "),
        }
    }
}

/// The portal's pages beyond the documents: the reference graph, the clause matrix and the
/// list of problems.
fn portal_pages(
    library: &Library,
    index: &Index,
    graph: &Graph,
    templates: &Templates,
    site_view: &view::SiteView,
    diagnostics: &[Diagnostic],
    sink: Sink<'_>,
) -> Result<(), Error> {
    let page_href = |t: Target| page_of(library, t);
    let svg = graph::svg(library, index, graph, &page_href);
    let unresolved: Vec<serde_json::Value> = graph
        .edges
        .iter()
        .filter(|e| e.to.is_none())
        .map(|e| {
            let header = library.documents[e.from].doc.header();
            let section = section_label(labels::of(library.config.lang), &e.section);
            serde_json::json!({"id": header.id.value.0, "title": header.title.value.0, "section": section, "cited": e.cited,
                "href": page_href(Target::Doc(e.from)).unwrap_or_default()})
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("site", site_view);
    context.insert("svg", &svg);
    context.insert("edges", &graph.edges.len());
    context.insert("unresolved", &unresolved);
    write_page(sink, templates, "graph.html", &context)?;
    let mut graph_svg = svg.clone();
    for kind in Kind::ALL {
        let folder = kind.folder();
        graph_svg = graph_svg.replace(
            &format!("href=\"{folder}/"),
            &format!("href=\"../{folder}/"),
        );
    }
    sink("graph/references.svg", graph_svg.as_bytes())?;
    sink(
        "graph/references.dot",
        graph::dot(library, graph).as_bytes(),
    )?;

    let matrix = crate::coverage::matrix(library);
    let mut context = tera::Context::new();
    context.insert("site", site_view);
    context.insert("matrix", &matrix);
    let columns: Vec<serde_json::Value> = library
        .documents
        .iter()
        .enumerate()
        .filter(|(_, l)| crate::coverage::is_column(&l.doc))
        .map(|(i, l)| serde_json::json!({"id": l.doc.header().id.value.0, "title": l.doc.header().title.value.0, "href": page_href(Target::Doc(i)).unwrap_or_default()}))
        .collect();
    context.insert("columns", &columns);
    write_page(sink, templates, "coverage.html", &context)?;
    sink(
        "coverage.csv",
        &crate::coverage::csv(&matrix, library.config.lang),
    )?;

    let by_file: BTreeMap<&str, String> = library
        .documents
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.file.as_str(),
                page_href(Target::Doc(i)).unwrap_or_default(),
            )
        })
        .collect();
    let problems: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(view::ProblemView::of(d)).unwrap_or_default();
            v["href"] = serde_json::Value::String(
                by_file.get(d.file.as_str()).cloned().unwrap_or_default(),
            );
            v
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("site", site_view);
    context.insert("problems", &problems);
    context.insert("missing", &crate::graph::missing(library, index, graph));
    write_page(sink, templates, "problems.html", &context)?;
    Ok(())
}

/// A citing section as a reader sees it: a form's `procedure` and `instructions` by their
/// names in the page's language, a section number or a field key as it is.
fn section_label(words: &labels::Labels, section: &str) -> String {
    match section {
        "procedure" => words["procedure_of_form"].to_owned(),
        "instructions" => words["instructions"].to_owned(),
        other => other.to_owned(),
    }
}

/// The text fields the portal's search covers, besides id, title and aliases: a procedure's
/// purpose, scope, duties, definitions and steps; a form's field labels, help and instructions.
fn searchable_text(doc: &Document) -> Vec<&str> {
    fn steps<'a>(list: &'a [crate::model::Step], out: &mut Vec<&'a str>) {
        for s in list {
            out.extend(s.title.iter().chain(s.text.iter()).map(|t| t.as_str()));
            steps(&s.steps, out);
        }
    }
    let mut out = Vec::new();
    match doc {
        Document::Procedure(p) => {
            out.push(p.purpose.as_str());
            out.push(p.scope.as_str());
            out.extend(p.responsibilities.iter().map(|r| r.duties.as_str()));
            out.extend(
                p.definitions
                    .iter()
                    .flat_map(|d| [d.term.as_str(), d.text.as_str()]),
            );
            steps(&p.steps, &mut out);
        }
        Document::Form(f) => {
            out.extend(f.instructions.iter().map(|t| t.as_str()));
            for field in &f.fields {
                out.push(field.label.as_str());
                out.extend(field.help.iter().map(|t| t.as_str()));
            }
        }
        Document::Manual(m) => {
            out.extend(
                m.all_chapters()
                    .into_iter()
                    .filter_map(|c| c.title.as_ref())
                    .map(|t| t.as_str()),
            );
            out.extend(
                crate::graph::sections(doc)
                    .into_iter()
                    .filter(|(_, _, is_entry)| !is_entry)
                    .map(|(_, text, _)| text.as_str()),
            );
        }
        Document::Instruction(w) => {
            out.extend(w.equipment.iter().map(|e| e.name.as_str()));
            out.extend(
                crate::graph::sections(doc)
                    .into_iter()
                    .filter(|(_, _, is_entry)| !is_entry)
                    .map(|(_, text, _)| text.as_str()),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Formats;

    #[test]
    fn every_output_format_parses_in_one_place() {
        let all = Formats::parse("pdf, html,md,xlsx,docx").unwrap();
        assert!(all.pdf && all.html && all.md && all.xlsx && all.docx);
        // The default of `build --to` leaves Word out.
        let default = Formats::parse("pdf,html,md,xlsx").unwrap();
        assert!(default.pdf && default.html && default.md && default.xlsx && !default.docx);
        let aliases = Formats::parse("markdown,word").unwrap();
        assert!(aliases.md && aliases.docx && !aliases.pdf);
        let error = Formats::parse("pdf,odt").unwrap_err().to_string();
        assert!(error.contains("`odt`") && error.contains("docx"), "{error}");
    }
}
