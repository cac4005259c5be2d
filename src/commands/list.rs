//! `docctl list`: the master lists — 受控文件清单 (every controlled document) and 记录清单
//! (every record form) — as PDF, HTML, CSV and XLSX in `output/lists/`, made from the working
//! set or, with `--from-ledger`, from the released revisions (superseded ones marked 作废).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fold;
use crate::load::{self, Library};
use crate::model::{Date, Document, Form};
use crate::publish::ARCHIVE;
use crate::render::markup::Lang;
use crate::render::templates::Templates;
use crate::render::view::{ListRow, ListView, ViewBuilder};
use crate::render::{self, labels};
use crate::typst::Typst;
use crate::validate::Index;
use crate::workspace::parse_archived;
use crate::write::write_atomic;

/// What `list` needs to run.
#[derive(Debug, Clone)]
pub struct ListSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// List the released revisions instead of the working set.
    pub from_ledger: bool,
    /// The date printed on the lists.
    pub date: Date,
    /// Which outputs: pdf, html, csv, xlsx.
    pub formats: Vec<String>,
}

/// The columns' words (keys of the label table).
const DOCUMENT_COLUMNS: [&str; 8] = [
    "serial",
    "number",
    "title",
    "version",
    "effective",
    "owner",
    "state",
    "distribution",
];
const DOCUMENT_WIDTHS: [u32; 8] = [2, 5, 8, 2, 3, 3, 4, 8];
const RECORD_COLUMNS: [&str; 6] = [
    "serial",
    "form_number",
    "record_name",
    "procedure_of_form",
    "keeper",
    "retention",
];
const RECORD_WIDTHS: [u32; 6] = [2, 5, 7, 8, 3, 3];

const COPY_COLUMNS: [&str; 10] = [
    "number",
    "copy_name",
    "version",
    "copy_number",
    "copy_to",
    "copy_holder",
    "copy_issued",
    "copy_signature",
    "copy_recalled",
    "copy_recalled_by",
];
const COPY_WIDTHS: [u32; 10] = [4, 6, 2, 6, 3, 2, 3, 3, 3, 2];

/// The rows of the 文件发放回收登记表: one per copy issued, in the order issued; 签收 is left
/// blank for the holder's signature on paper.
fn copy_rows(library: &Library, words: &labels::Labels) -> Vec<ListRow> {
    let record = &library.distribution;
    record
        .copies
        .iter()
        .map(|copy| {
            let title = library
                .ledger
                .release(&copy.document, &copy.version)
                .map(|r| r.title.clone())
                .unwrap_or_default();
            let number = if copy.controlled {
                copy.copy.clone()
            } else {
                format!(
                    "{}{}{}{}",
                    copy.copy,
                    words["paren_open"],
                    words["copy_uncontrolled"],
                    words["paren_close"]
                )
            };
            let recall = record.recall(&copy.copy);
            ListRow {
                cells: vec![
                    copy.document.clone(),
                    title,
                    copy.version.clone(),
                    number,
                    copy.to.clone(),
                    copy.holder.clone(),
                    copy.issued.clone(),
                    String::new(),
                    recall.map(|r| r.date.clone()).unwrap_or_default(),
                    recall.map(|r| r.by.clone()).unwrap_or_default(),
                ],
                obsolete: false,
                href: String::new(),
            }
        })
        .collect()
}

/// List the effective documents whose periodic review falls due within `days` of `today`,
/// soonest first, as text lines: due date, id, title, version, owner (overdue ones marked).
pub fn due(root: &Path, today: crate::model::Date, days: u32) -> Result<String, Error> {
    let library = load::load(root)?;
    let months = library.config.review_months;
    let until = today
        .0
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .map_err(|_| Error::Usage(format!("--due {days}: too far from {}", today.0)))?;
    let mut rows: Vec<(jiff::civil::Date, String)> = library
        .documents
        .iter()
        .filter_map(|loaded| {
            let header = loaded.doc.header();
            let due = crate::validate::review_due(&header, months)?;
            (due <= until).then(|| {
                let overdue = if due < today.0 { "  (overdue)" } else { "" };
                let line = format!(
                    "{due}  {}  {}  {}  {}{overdue}",
                    header.id.value,
                    header.title.value,
                    header.version.value,
                    render::or_empty(header.owner),
                );
                (due, line)
            })
        })
        .collect();
    rows.sort();
    let mut out = format!(
        "periodic reviews due by {until} (review_months: {months}): {}\n",
        rows.len()
    );
    for (_, line) in rows {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Run `docctl list`; return the paths written.
pub fn run(settings: &ListSettings) -> Result<Vec<PathBuf>, Error> {
    for format in &settings.formats {
        if !matches!(format.as_str(), "pdf" | "html" | "csv" | "xlsx") {
            return Err(Error::Usage(format!(
                "unknown list format `{format}`: use pdf, html, csv and xlsx"
            )));
        }
    }
    let library = load::load(&settings.root)?;
    let date = settings.date.to_string();
    let words = labels::of(library.config.lang);
    let (index, _) = Index::build(&library);
    let (source, documents, records, folder) = if settings.from_ledger {
        let (documents, records) = from_ledger(&library, settings.date)?;
        (
            format!("{} published/ledger.json", words["from_ledger"]),
            documents,
            records,
            "lists/released",
        )
    } else {
        let archived = library.root.join(ARCHIVE).is_dir();
        let views = ViewBuilder::new(&library, &index, Lang::Html)
            .archived(archived)
            .today(Some(settings.date));
        let (documents, records) = from_working_set(&library, &views);
        (
            words["working_copy"].to_owned(),
            documents,
            records,
            "lists",
        )
    };
    let columns = |keys: &[&str]| keys.iter().map(|k| words[k].to_owned()).collect();
    let register = (!library.distribution.copies.is_empty()).then(|| ListView {
        title: words["copy_register"].to_owned(),
        source: format!("published/{}", crate::publish::distribution::DISTRIBUTION),
        date: date.clone(),
        columns: columns(&COPY_COLUMNS),
        widths: COPY_WIDTHS.to_vec(),
        links: false,
        rows: copy_rows(&library, words),
    });
    let lists = [
        ListView {
            title: words["master_list"].to_owned(),
            source: source.clone(),
            date: date.clone(),
            columns: columns(&DOCUMENT_COLUMNS),
            widths: DOCUMENT_WIDTHS.to_vec(),
            links: settings.from_ledger,
            rows: documents,
        },
        ListView {
            title: words["record_list"].to_owned(),
            source,
            date,
            columns: columns(&RECORD_COLUMNS),
            widths: RECORD_WIDTHS.to_vec(),
            links: false,
            rows: records,
        },
    ];
    let lists: Vec<ListView> = lists.into_iter().chain(register).collect();
    let out = settings.root.join("output").join(folder);
    let site = ViewBuilder::new(&library, &index, Lang::Html).site();
    let templates = Templates::load(&settings.root)?;
    let wants = |f: &str| settings.formats.iter().any(|x| x == f);
    let mut written = Vec::new();
    let mut pdf_jobs = Vec::new();
    for list in &lists {
        let base = out.join(&list.title);
        let mut context = tera::Context::new();
        context.insert("site", &site);
        context.insert("doc", list);
        if wants("csv") {
            written.push(write(&base, "csv", &csv(list))?);
        }
        if wants("xlsx") {
            written.push(write(&base, "xlsx", &xlsx(list)?)?);
        }
        if wants("html") {
            let html = templates.render("list.html", &context)?;
            written.push(write(&base, "html", html.as_bytes())?);
        }
        if wants("pdf") {
            pdf_jobs.push((base, templates.render("list.typ", &context)?));
        }
    }
    // PDFs last: without typst the other formats are still written.
    if !pdf_jobs.is_empty() {
        let work = settings.root.join("output").join(".docctl");
        let typst = Typst::locate(&work)?;
        let timestamp = crate::render::timestamp_of(settings.date);
        for (base, source) in pdf_jobs {
            let path = base.with_extension("pdf");
            let name = base
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let job = work
                .join("jobs")
                .join(format!("list-{}", folder.replace('/', "-")));
            typst.compile(
                &job,
                &source,
                &path,
                timestamp,
                &format!("{folder}/{name}.pdf"),
            )?;
            written.push(path);
        }
    }
    for path in &written {
        eprintln!("wrote {}", path.display());
    }
    Ok(written)
}

fn write(base: &Path, extension: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    let path = base.with_extension(extension);
    write_atomic(&path, bytes)?;
    Ok(path)
}

/// Number the rows 1, 2, 3 … in their first cell.
fn numbered(rows: Vec<(Vec<String>, bool, String)>) -> Vec<ListRow> {
    rows.into_iter()
        .enumerate()
        .map(|(n, (mut cells, obsolete, href))| {
            cells.insert(0, (n + 1).to_string());
            ListRow {
                cells,
                obsolete,
                href,
            }
        })
        .collect()
}

/// The rows of a document: id, title, version, effective, owner, (status), distribution.
fn document_cells(doc: &Document) -> Vec<String> {
    let h = doc.header();
    vec![
        h.id.value.to_string(),
        h.title.value.to_string(),
        h.version.value.to_string(),
        render::or_empty(h.effective),
        render::or_empty(h.owner),
        String::new(),
        h.distribution
            .iter()
            .map(|d| d.value.0.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    ]
}

/// Order the manual, procedures, instructions, then forms, each by id.
fn ordered<'a>(docs: impl Iterator<Item = &'a Document>) -> Vec<&'a Document> {
    let mut docs: Vec<&Document> = docs.collect();
    docs.sort_by(|a, b| {
        (a.kind().list_rank(), &a.header().id.value)
            .cmp(&(b.kind().list_rank(), &b.header().id.value))
    });
    docs
}

/// The procedure (or instruction) that lists a form, its keeper and retention, from a set of
/// documents.
fn record_cells<'a>(
    form: &Form,
    procedures: impl Iterator<Item = &'a Document> + Clone,
) -> Vec<String> {
    let title_key = fold::key(&form.title.value);
    let id_key = fold::key(&form.id.value.0);
    let inner = |entry: &str| {
        let cited = crate::cite::scan(entry)
            .first()
            .map(|c| c.inner.to_owned())
            .unwrap_or_else(|| entry.trim().to_owned());
        fold::key(&cited)
    };
    let owner = procedures.clone().find_map(|p| {
        p.listed()
            .1
            .iter()
            .find(|r| {
                let key = inner(&r.form.value);
                key == title_key || key == id_key
            })
            .map(|r| (p, r))
    });
    let procedure = match (&owner, &form.procedure) {
        (Some((p, _)), _) => format!("{} 《{}》", p.header().id.value, p.header().title.value),
        (None, Some(named)) => named.value.to_string(),
        (None, None) => String::new(),
    };
    let keeper = owner
        .and_then(|(_, r)| r.keeper.as_ref())
        .map(|k| k.value.to_string())
        .unwrap_or_default();
    let retention = form
        .retention
        .as_ref()
        .map(|r| r.value.to_string())
        .or_else(|| {
            owner
                .and_then(|(_, r)| r.retention.as_ref())
                .map(|r| r.value.to_string())
        })
        .unwrap_or_default();
    vec![
        form.id.value.to_string(),
        form.title.value.to_string(),
        procedure,
        keeper,
        retention,
    ]
}

fn from_working_set(library: &Library, views: &ViewBuilder<'_>) -> (Vec<ListRow>, Vec<ListRow>) {
    let lang = library.config.lang;
    let docs = ordered(library.documents.iter().map(|l| &l.doc));
    let documents = docs
        .iter()
        .map(|doc| {
            let status = doc.header().status.value;
            let mut cells = document_cells(doc);
            cells[5] = views.status_in(doc, lang).label.to_owned();
            (
                cells,
                status == crate::model::Status::Obsolete,
                String::new(),
            )
        })
        .collect();
    let procedures = library.documents.iter().map(|l| &l.doc);
    let records = docs
        .iter()
        .filter_map(|doc| match doc {
            Document::Form(f) => Some((
                record_cells(f, procedures.clone()),
                f.status.value == crate::model::Status::Obsolete,
                String::new(),
            )),
            _ => None,
        })
        .collect();
    (numbered(documents), numbered(records))
}

fn from_ledger(library: &Library, today: Date) -> Result<(Vec<ListRow>, Vec<ListRow>), Error> {
    let archive = library.root.join(ARCHIVE);
    let mut released: Vec<(Document, bool, String, String)> = Vec::new();
    for (id, doc, release) in library.ledger.releases() {
        let path = archive
            .join(&release.path)
            .join(format!("{}.yaml", doc.slug));
        let text = crate::publish::archive::read(
            &library.root,
            &format!("{}/{}.yaml", release.path, doc.slug),
        )
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| Error::io(&path, e))?;
        let parsed = parse_archived(doc.kind, &path.to_string_lossy(), &text).ok_or_else(|| {
            Error::invalid(format!(
                "{}: the archived YAML of {id} {} does not load",
                path.display(),
                release.version
            ))
        })?;
        let words = labels::of(library.config.lang);
        let superseded = release.superseded_on(Some(today));
        let status = match superseded {
            None if release.pending_on(Some(today)) => format!(
                "{} · {} {}",
                words["status_pending"], words["effective"], release.effective
            ),
            Some(s) => match &s.by {
                Some(by) => format!(
                    "{} · {} {by} ({})",
                    words["status_obsolete"], words["superseded_by"], s.date
                ),
                None => match (&s.reason, &s.withdrawn_by) {
                    (Some(reason), Some(by)) => format!(
                        "{} · {} ({}) {by}{}{reason}",
                        words["status_obsolete"], words["withdrawn"], s.date, words["colon"]
                    ),
                    _ => format!(
                        "{} · {} ({})",
                        words["status_obsolete"], words["withdrawn"], s.date
                    ),
                },
            },
            None => format!(
                "{} · {}",
                words["status_effective"], words["current_release"]
            ),
        };
        let href = format!("../../../{ARCHIVE}/{}/{}.pdf", release.path, doc.slug);
        released.push((parsed, superseded.is_some(), status, href));
    }
    let order: BTreeMap<(u8, String, (u32, u32), String), usize> = released
        .iter()
        .enumerate()
        .map(|(n, (doc, _, _, _))| {
            let h = doc.header();
            let version = library
                .config
                .version_scheme
                .parse(&h.version.value.0)
                .unwrap_or_default();
            (
                (
                    doc.kind().list_rank(),
                    h.id.value.0.clone(),
                    version,
                    h.version.value.0.clone(),
                ),
                n,
            )
        })
        .collect();
    let documents = order
        .values()
        .map(|&n| {
            let (doc, obsolete, status, href) = &released[n];
            let mut cells = document_cells(doc);
            cells[5] = status.clone();
            (cells, *obsolete, href.clone())
        })
        .collect();
    let current_procedures: Vec<&Document> = released
        .iter()
        .filter(|(_, obsolete, _, _)| !obsolete)
        .map(|(doc, _, _, _)| doc)
        .collect();
    let records = order
        .values()
        .filter_map(|&n| match &released[n] {
            (Document::Form(f), obsolete, _, href) => {
                let mut cells = record_cells(f, current_procedures.iter().copied());
                cells[0] = format!("{} {}", cells[0], f.version.value);
                Some((cells, *obsolete, href.clone()))
            }
            _ => None,
        })
        .collect();
    Ok((numbered(documents), numbered(records)))
}

/// CSV as Excel opens it (see `csv_file`).
fn csv(list: &ListView) -> Vec<u8> {
    crate::csv_file::excel_csv(
        std::iter::once(&list.columns).chain(list.rows.iter().map(|r| &r.cells)),
        true,
    )
}

/// An Excel workbook of one sheet: bold header, sized columns, 作废 rows grey and struck.
fn xlsx(list: &ListView) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let failed = Error::xlsx(format!("cannot write {}.xlsx", list.title));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(&list.title).map_err(&failed)?;
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#F0F0F0");
    let normal = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let obsolete = normal
        .clone()
        .set_font_strikethrough()
        .set_font_color("#777777");
    for (c, (title, width)) in list.columns.iter().zip(&list.widths).enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, title, &header)
            .map_err(&failed)?;
        sheet
            .set_column_width(c, f64::from(*width) * 3.2)
            .map_err(&failed)?;
    }
    for (r, row) in list.rows.iter().enumerate() {
        let format = if row.obsolete { &obsolete } else { &normal };
        for (c, cell) in row.cells.iter().enumerate() {
            sheet
                .write_string_with_format(r as u32 + 1, c as u16, cell, format)
                .map_err(&failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(&failed)?;
    workbook.save_to_buffer().map_err(&failed)
}

/// Run `docctl list` from its command line: the due-for-review list with `--due`, else the
/// master list.
pub fn invoke(args: crate::cli::ListArgs) -> Result<bool, Error> {
    if let Some(days) = args.due {
        let today = crate::settings::today_or(args.today);
        print!("{}", due(args.set.dir(), today, days)?);
        return Ok(true);
    }
    run(&ListSettings {
        root: args.set.dir().to_path_buf(),
        from_ledger: args.from_ledger,
        date: crate::settings::today_or(args.today),
        formats: args.to.iter().map(|f| f.as_str().to_owned()).collect(),
    })?;
    Ok(true)
}
