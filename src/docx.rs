//! Word out: a procedure or a form as a `.docx` (WordprocessingML), built from the same views
//! the templates get (the Markdown views: their rich text is parsed back into Word runs).
//!
//! The shapes are Word's standard ones, so that Word, WPS, LibreOffice and `docctl import` read
//! them alike: the built-in styles `Heading1`…`Heading6` (names `heading 1`…), one multi-level
//! list in `numbering.xml` (1 / 1.1 / 1.1.1, decimal, `%1.%2.%3`) attached to the headings, the
//! header table in the header part with `PAGE`/`NUMPAGES` fields, and plain tables for the
//! approvals, related documents, records and revision history.
//!
//! Document text only ever becomes XML character data (escaped); the zip has fixed timestamps
//! and its entries in a fixed order, so two builds give the same bytes.

use std::io::Write as _;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::error::Error;
use crate::outline::{self, Section};
use crate::render::labels::Labels;
use crate::render::view::{
    AppendixView, FieldView, FormView, HeaderView, InstructionView, ManualView, ProcedureView,
    SiteView,
};

/// The deepest heading style written (`Heading6`); deeper steps use numbered paragraphs.
const HEADING_STYLES: usize = 6;
/// The levels of the multi-level list (Word's maximum).
const LEVELS: usize = 9;
/// Text width of an A4 page with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH: u32 = 9638;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Render a procedure as a `.docx`.
pub fn procedure(site: &SiteView, doc: &ProcedureView) -> Result<Vec<u8>, Error> {
    let h = &doc.header;
    let l = &h.labels;
    let mut body = Body::default();
    body.front(h);
    // The sections of the outline table, each under a Heading1 that Word numbers (1 … 7).
    for entry in &outline::PROCEDURE {
        body.heading(1, &run(l[entry.key], false));
        match entry.section {
            Section::Purpose => body.rich(&doc.purpose, None),
            Section::Scope => body.rich(&doc.scope, None),
            Section::Responsibilities => responsibilities(&mut body, doc, l),
            Section::Definitions => {
                let terms = doc.definitions.iter().map(|d| (d.term.as_str(), &d.text));
                body.leads(terms.collect(), l);
            }
            Section::Steps => steps(&mut body, doc, l),
            Section::Related => related(&mut body, doc, l),
            Section::Records => records(&mut body, doc, l),
        }
    }
    body.appendices(&doc.appendices);
    package(site, h, &body.xml, false)
}

/// Render a work instruction as a `.docx`: the sections it shares with procedures and its own,
/// in its order (1 目的 … 9 记录), each under a Heading1 that Word numbers.
pub fn instruction(site: &SiteView, doc: &InstructionView) -> Result<Vec<u8>, Error> {
    let p = &doc.outline;
    let h = &p.header;
    let l = &h.labels;
    let mut body = Body::default();
    body.front(h);
    let section = |body: &mut Body, key: &str| body.heading(1, &run(l[key], false));
    section(&mut body, "purpose");
    body.rich(&p.purpose, None);
    section(&mut body, "instruction_scope");
    body.rich(&p.scope, None);
    section(&mut body, "responsibilities");
    responsibilities(&mut body, p, l);
    section(&mut body, "equipment");
    let rows: Vec<Vec<String>> = doc
        .equipment
        .iter()
        .map(|e| {
            let number = e.number.to_string();
            let mut row = plain_row(&[&number, &e.name, &e.spec]);
            row.push(inline_runs(&e.note));
            row
        })
        .collect();
    body.table_or_none(
        l["none"],
        &[1, 3, 3, 4],
        &[l["serial"], l["item_name"], l["item_spec"], l["item_note"]],
        &rows,
    );
    section(&mut body, "work_steps");
    steps(&mut body, p, l);
    for (key, points) in [("safety", &doc.safety), ("quality_points", &doc.quality)] {
        section(&mut body, key);
        body.leads(points.iter().map(|pt| ("", &pt.text)).collect(), l);
    }
    section(&mut body, "related");
    related(&mut body, p, l);
    section(&mut body, "records");
    records(&mut body, p, l);
    body.appendices(&p.appendices);
    package(site, h, &body.xml, false)
}

/// Render the quality manual as a `.docx`: the preface, then the chapters under headings that
/// carry their clause numbers (4, 4.1 …), each with the procedures that carry it out.
pub fn manual(site: &SiteView, doc: &ManualView) -> Result<Vec<u8>, Error> {
    let h = &doc.header;
    let l = &h.labels;
    let mut body = Body::default();
    body.front(h);
    body.appendices(&doc.preface);
    for c in &doc.chapters {
        let heading = run(&format!("{} {}", c.clause, c.title), false);
        body.unnumbered_heading(c.depth.clamp(1, HEADING_STYLES), &heading);
        body.rich(&c.text, None);
        if !c.procedures.is_empty() {
            let cited: Vec<String> = c.procedures.iter().map(|p| inline_runs(&p.text)).collect();
            let lead = run(&format!("{}{}", l["chapter_procedures"], l["colon"]), true);
            let sep = run(l["list_sep"], false);
            body.paragraph("", &format!("{lead}{}", cited.join(&sep)));
        }
    }
    if !doc.related.is_empty() {
        body.unnumbered_heading(1, &run(l["related"], false));
        for r in &doc.related {
            body.paragraph("", &inline_runs(&r.text));
        }
    }
    body.appendices(&doc.appendices);
    package(site, h, &body.xml, false)
}

/// Write 职责 as one numbered paragraph per department (3.1 department: duties), or （无）.
fn responsibilities(body: &mut Body, doc: &ProcedureView, l: &Labels) {
    let duties = doc
        .responsibilities
        .iter()
        .map(|r| (r.department.as_str(), &r.duties));
    body.leads(duties.collect(), l);
}

/// Write 相关文件 as a table of number, citation and id, or （无）.
fn related(body: &mut Body, doc: &ProcedureView, l: &Labels) {
    let rows: Vec<Vec<String>> = doc
        .related
        .iter()
        .map(|r| {
            vec![
                run(&r.number, false),
                inline_runs(&r.text),
                run(&r.id, false),
            ]
        })
        .collect();
    body.table_or_none(
        l["none"],
        &[1, 6, 3],
        &[l["serial"], l["related"], l["number"]],
        &rows,
    );
}

/// Write 记录 as a table of the records with keeper and retention, or （无）.
fn records(body: &mut Body, doc: &ProcedureView, l: &Labels) {
    let rows: Vec<Vec<String>> = doc
        .records
        .iter()
        .map(|r| {
            plain_row(&[
                &r.number.to_string(),
                &format!("{}{}{}", l["title_open"], r.title, l["title_close"]),
                &r.id,
                &r.keeper,
                &r.retention,
            ])
        })
        .collect();
    body.table_or_none(
        l["none"],
        &[1, 4, 3, 2, 2],
        &[
            l["serial"],
            l["record_name"],
            l["form_number"],
            l["keeper"],
            l["retention"],
        ],
        &rows,
    );
}

/// Write a procedure's steps: a titled step as a heading one level below its section (a
/// numbered paragraph past Heading6), an untitled one as a numbered paragraph.
fn steps(body: &mut Body, doc: &ProcedureView, l: &Labels) {
    for s in &doc.steps {
        let by = (!s.by.is_empty()).then(|| {
            format!(
                "{}{}{}{}{}",
                l["paren_open"], l["responsible"], l["colon"], s.by, l["paren_close"]
            )
        });
        if s.title.is_empty() {
            // A step without a title: its text is the numbered paragraph.
            let lead = by.map(|b| run(&format!("{b} "), false)).unwrap_or_default();
            body.rich(&s.text, Some((s.depth, lead)));
            continue;
        }
        let title = inline_runs(&s.title);
        if s.depth < HEADING_STYLES {
            body.heading(s.depth + 1, &title);
        } else {
            body.numbered(s.depth, &title);
        }
        if let Some(by) = by {
            body.paragraph("", &run(&by, false));
        }
        body.rich(&s.text, None);
    }
}

/// Render a form as a `.docx`: a sheet as a table of label and blank cell per field, a
/// register as one table with its columns and blank rows.
pub fn form(site: &SiteView, doc: &FormView) -> Result<Vec<u8>, Error> {
    let h = &doc.header;
    let l = &h.labels;
    let mut body = Body::default();
    body.title(h);
    if !doc.procedure.is_empty() {
        let lead = run(&format!("{}{}", l["procedure_of_form"], l["colon"]), true);
        body.paragraph("", &[lead, inline_runs(&doc.procedure)].concat());
    }
    if !doc.retention.is_empty() {
        body.paragraph(
            "",
            &[
                run(&format!("{}{}", l["retention"], l["colon"]), true),
                run(&doc.retention, false),
            ]
            .concat(),
        );
    }
    body.rich(&doc.instructions, None);
    if doc.layout == "register" {
        let columns: Vec<String> = doc
            .fields
            .iter()
            .filter(|f| {
                !matches!(
                    f.kind,
                    crate::model::FieldType::Section | crate::model::FieldType::Table
                )
            })
            .map(field_label)
            .collect();
        let heads: Vec<&str> = columns.iter().map(String::as_str).collect();
        let rows = if doc.rows == 0 { 15 } else { doc.rows };
        body.table(&vec![1; heads.len()], &heads, &[], rows);
        for f in doc
            .fields
            .iter()
            .filter(|f| f.kind == crate::model::FieldType::Table)
        {
            body.field_table(f);
        }
    } else {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let flush = |body: &mut Body, rows: &mut Vec<Vec<String>>| {
            if !rows.is_empty() {
                body.table(&[1, 3], &[], rows, 0);
                rows.clear();
            }
        };
        for f in &doc.fields {
            match f.kind {
                crate::model::FieldType::Section => {
                    flush(&mut body, &mut rows);
                    body.paragraph("", &run(&f.label, true));
                }
                crate::model::FieldType::Table => {
                    flush(&mut body, &mut rows);
                    body.field_table(f);
                }
                _ => {
                    let mut value = String::new();
                    if !f.options.is_empty() {
                        let boxes: Vec<String> =
                            f.options.iter().map(|o| format!("□ {o}")).collect();
                        value = run(&boxes.join("  "), false);
                    } else if f.kind == crate::model::FieldType::Checkbox {
                        value = run("□", false);
                    }
                    if !f.help.is_empty() {
                        value.push_str(&inline_runs(&f.help));
                    }
                    let lines = if f.kind == crate::model::FieldType::Textarea {
                        f.lines.max(1)
                    } else {
                        1
                    };
                    for _ in 1..lines {
                        value.push_str("<w:r><w:br/></w:r>");
                    }
                    rows.push(vec![run(&field_label(f), true), value]);
                }
            }
        }
        flush(&mut body, &mut rows);
    }
    body.approval(h);
    body.history(h);
    package(site, h, &body.xml, doc.landscape)
}

fn field_label(f: &FieldView) -> String {
    let mut label = f.label.clone();
    if !f.unit.is_empty() {
        label.push_str(&format!(" ({})", f.unit));
    }
    if f.required {
        label.push_str(" *");
    }
    label
}

/// Escape text for XML character data and attribute values: HTML's five entities are XML's,
/// and the control characters XML 1.0 cannot hold at all become spaces.
pub fn xml_escape(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => ' ',
            '\u{FFFE}' | '\u{FFFF}' => ' ',
            c => c,
        })
        .collect();
    crate::render::markup::html_escape(&clean)
}

/// A run of plain text.
fn run(text: &str, bold: bool) -> String {
    if text.is_empty() {
        return String::new();
    }
    styled_run(
        text,
        Marks {
            bold,
            ..Marks::default()
        },
    )
}

#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    bold: bool,
    italic: bool,
    strike: bool,
}

/// A table row of plain text cells.
fn plain_row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|cell| run(cell, false)).collect()
}

fn styled_run(text: &str, marks: Marks) -> String {
    let mut props = String::new();
    if marks.bold {
        props.push_str("<w:b/>");
    }
    if marks.italic {
        props.push_str("<w:i/>");
    }
    if marks.strike {
        props.push_str("<w:strike/>");
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{props}</w:rPr>")
    };
    let text = text.replace(['\n', '\r'], " ");
    format!(
        "<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        xml_escape(&text)
    )
}

/// Turn the Markdown of a view's rich field into paragraphs of Word runs: emphasis becomes
/// bold/italic/strike, links their text, list items and table rows paragraphs of their own.
fn markdown_paragraphs(markdown: &str) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut marks = Marks::default();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let end_paragraph = |current: &mut String, paragraphs: &mut Vec<String>| {
        if !current.is_empty() {
            paragraphs.push(std::mem::take(current));
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::TableRow | Tag::TableHead | Tag::Heading { .. } => {
                    if lists.is_empty() {
                        end_paragraph(&mut current, &mut paragraphs);
                    }
                    if matches!(tag, Tag::Heading { .. }) {
                        marks.bold = true;
                    }
                }
                Tag::Item => {
                    end_paragraph(&mut current, &mut paragraphs);
                    let indent = "  ".repeat(lists.len().saturating_sub(1));
                    let bullet = match lists.last_mut() {
                        Some(Some(n)) => {
                            *n += 1;
                            format!("{indent}{}. ", *n - 1)
                        }
                        _ => format!("{indent}• "),
                    };
                    current.push_str(&run(&bullet, false));
                }
                Tag::List(start) => {
                    end_paragraph(&mut current, &mut paragraphs);
                    lists.push(start);
                }
                Tag::Emphasis => marks.italic = true,
                Tag::Strong => marks.bold = true,
                Tag::Strikethrough => marks.strike = true,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Emphasis => marks.italic = false,
                TagEnd::Strong => marks.bold = false,
                TagEnd::Strikethrough => marks.strike = false,
                TagEnd::Heading(_) => {
                    marks.bold = false;
                    end_paragraph(&mut current, &mut paragraphs);
                }
                TagEnd::List(_) => {
                    lists.pop();
                    end_paragraph(&mut current, &mut paragraphs);
                }
                TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead => {
                    end_paragraph(&mut current, &mut paragraphs)
                }
                TagEnd::Paragraph if lists.is_empty() => {
                    end_paragraph(&mut current, &mut paragraphs)
                }
                TagEnd::TableCell => current.push_str(&run(" ", false)),
                _ => {}
            },
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                current.push_str(&styled_run(&t, marks));
            }
            Event::SoftBreak => current.push_str(&run(" ", false)),
            Event::HardBreak => current.push_str("<w:r><w:br/></w:r>"),
            _ => {}
        }
    }
    end_paragraph(&mut current, &mut paragraphs);
    paragraphs
}

/// The runs of a one-line rich field (a title): its paragraphs joined by spaces.
fn inline_runs(markdown: &str) -> String {
    markdown_paragraphs(markdown).join(&run(" ", false))
}

/// The body of `word/document.xml` as it is written.
#[derive(Default)]
struct Body {
    xml: String,
}

impl Body {
    fn paragraph(&mut self, style: &str, runs: &str) {
        self.xml.push_str("<w:p>");
        if !style.is_empty() {
            self.xml
                .push_str(&format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>"));
        }
        self.xml.push_str(runs);
        self.xml.push_str("</w:p>");
    }

    /// A heading in Word's `Heading{level}` style, numbered by the style's list level.
    fn heading(&mut self, level: usize, runs: &str) {
        self.paragraph(&format!("Heading{level}"), runs);
    }

    /// A paragraph numbered at a level of the headings' list (`3.1`, `5.1.1.1` …).
    fn numbered(&mut self, level: usize, runs: &str) {
        self.xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"ListNumber\"/><w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>{runs}</w:p>",
            level.min(LEVELS - 1)
        ));
    }

    /// A rich field: its paragraphs, the first numbered at `numbered`'s level (with a lead-in
    /// such as the department in bold) when given.
    fn rich(&mut self, markdown: &str, numbered: Option<(usize, String)>) {
        let mut paragraphs = markdown_paragraphs(markdown).into_iter();
        if let Some((level, lead)) = numbered {
            let first = paragraphs.next().unwrap_or_default();
            self.numbered(level, &format!("{lead}{first}"));
        }
        for p in paragraphs {
            self.paragraph("", &p);
        }
    }

    /// A heading in Word's `Heading{level}` style without the style's numbering, for headings
    /// that carry their own number (the manual's clauses) or none (appendices).
    fn unnumbered_heading(&mut self, level: usize, runs: &str) {
        self.xml.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Heading{level}\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"0\"/></w:numPr></w:pPr>{runs}</w:p>"
        ));
    }

    /// Numbered paragraphs at the list's second level (3.1, 4.1 …), each led by its term in bold
    /// and a colon when it has one; （无） when there are none.
    fn leads(&mut self, entries: Vec<(&str, &String)>, l: &Labels) {
        if entries.is_empty() {
            self.paragraph("", &run(l["none"], false));
        }
        for (lead, text) in entries {
            let lead = if lead.is_empty() {
                String::new()
            } else {
                run(&format!("{lead}{}", l["colon"]), true)
            };
            self.rich(text, Some((1, lead)));
        }
    }

    /// Titled texts (附录, or the manual's preface) under unnumbered headings.
    fn appendices(&mut self, appendices: &[AppendixView]) {
        for a in appendices {
            self.unnumbered_heading(1, &run(&a.title, false));
            self.rich(&a.text, None);
        }
    }

    /// The front of a controlled document: its title, the approval table, the distribution
    /// and the revision history.
    fn front(&mut self, h: &HeaderView) {
        let l = &h.labels;
        self.title(h);
        self.approval(h);
        if !h.distribution.is_empty() {
            self.paragraph(
                "",
                &[
                    run(&format!("{}{}", l["distribution"], l["colon"]), true),
                    run(&h.distribution.join(l["list_sep"]), false),
                ]
                .concat(),
            );
        }
        self.history(h);
    }

    fn title(&mut self, h: &HeaderView) {
        self.paragraph("Title", &run(&h.title, false));
    }

    /// The approval table: one row per role, with name and date.
    fn approval(&mut self, h: &HeaderView) {
        let l = &h.labels;
        let a = &h.approval;
        let rows: Vec<Vec<String>> = [
            (l["prepared"], &a.prepared),
            (l["reviewed"], &a.reviewed),
            (l["approved"], &a.approved),
        ]
        .iter()
        .map(|(label, sign)| {
            vec![
                run(label, true),
                run(&sign.name, false),
                run(l["date"], true),
                run(&sign.date, false),
            ]
        })
        .collect();
        self.table(&[1, 2, 1, 2], &[], &rows, 0);
    }

    fn history(&mut self, h: &HeaderView) {
        let l = &h.labels;
        self.paragraph("", &run(l["history"], true));
        let rows: Vec<Vec<String>> = h
            .history
            .iter()
            .map(|r| plain_row(&[&r.version, &r.date, &r.change, &r.by]))
            .collect();
        self.table(
            &[1, 2, 6, 2],
            &[l["version"], l["date"], l["change"], l["by"]],
            &rows,
            0,
        );
    }

    /// A form's table field: its label, then its columns and blank rows.
    fn field_table(&mut self, f: &FieldView) {
        self.paragraph("", &run(&f.label, true));
        let heads: Vec<&str> = f.columns.iter().map(|c| c.label.as_str()).collect();
        if !heads.is_empty() {
            self.table(&vec![1; heads.len()], &heads, &[], f.rows.max(1));
        }
    }

    /// A table with relative column widths, an optional header row, rows of cell runs and
    /// `blank` empty rows after them.
    /// Write a table, or 无 (`none`) when it has no rows.
    fn table_or_none(&mut self, none: &str, widths: &[u32], head: &[&str], rows: &[Vec<String>]) {
        if rows.is_empty() {
            self.paragraph("", &run(none, false));
        } else {
            self.table(widths, head, rows, 0);
        }
    }

    fn table(&mut self, widths: &[u32], head: &[&str], rows: &[Vec<String>], blank: u32) {
        let total: u32 = widths.iter().sum::<u32>().max(1);
        let widths: Vec<u32> = widths.iter().map(|w| TEXT_WIDTH * w / total).collect();
        self.xml.push_str(&table_start(&widths));
        if !head.is_empty() {
            let cells: Vec<String> = head.iter().map(|h| run(h, true)).collect();
            self.xml.push_str(&table_row(&widths, &cells, true));
        }
        for row in rows {
            self.xml.push_str(&table_row(&widths, row, false));
        }
        let empty = vec![String::new(); widths.len()];
        for _ in 0..blank {
            self.xml.push_str(&table_row(&widths, &empty, false));
        }
        self.xml.push_str("</w:tbl>");
        // Word needs a paragraph between two tables, or it joins them.
        self.xml.push_str("<w:p/>");
    }
}

fn table_start(widths: &[u32]) -> String {
    let mut xml = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
    );
    for w in widths {
        xml.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    xml.push_str("</w:tblGrid>");
    xml
}

fn table_row(widths: &[u32], cells: &[String], head: bool) -> String {
    let mut xml = String::from("<w:tr>");
    if head {
        xml.push_str("<w:trPr><w:tblHeader/></w:trPr>");
    }
    for (w, cell) in widths.iter().zip(cells) {
        xml.push_str(&format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr><w:p>{cell}</w:p></w:tc>"
        ));
    }
    xml.push_str("</w:tr>");
    xml
}

/// A complex field (`PAGE`, `NUMPAGES`) with a placeholder result.
fn field(instruction: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> {instruction} </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    )
}

/// The header part: company, title, 文件编号, 版本, 受控状态, 生效日期 and 第 X 页 共 Y 页.
fn header_part(site: &SiteView, h: &HeaderView) -> String {
    let l = &h.labels;
    let widths = [3000, 2400, 1838, 2400];
    let page = format!(
        "{}{}{}{}{}",
        run(l["page_before"], false),
        field("PAGE"),
        run(l["page_middle"], false),
        field("NUMPAGES"),
        run(l["page_after"], false)
    );
    let rows = [
        [
            run(&site.company, true),
            run(&site.system, false),
            run(l["number"], true),
            run(&h.id, false),
        ],
        [
            run(&h.title, true),
            String::new(),
            run(l["version"], true),
            run(&h.version, false),
        ],
        [
            run(l["status"], true),
            run(h.status.label, false),
            run(l["effective"], true),
            run(&h.effective, false),
        ],
        [
            run(l["owner"], true),
            run(&h.owner, false),
            run(l["page"], true),
            page,
        ],
    ];
    let mut xml = format!("<w:hdr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\">");
    xml.push_str(&table_start(&widths));
    for row in &rows {
        xml.push_str(&table_row(&widths, row, false));
    }
    xml.push_str("</w:tbl><w:p/></w:hdr>");
    xml
}

/// The footer part, as the PDF's footer: the copy notice and the status.
fn footer_part(h: &HeaderView) -> String {
    let l = &h.labels;
    let text = format!(
        "{} · {}{}{}",
        l["notice"], l["status"], l["colon"], h.status.label
    );
    format!(
        "<w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:pStyle w:val=\"Notice\"/></w:pPr>{}</w:p></w:ftr>",
        run(&text, false)
    )
}

fn document_xml(body: &str, landscape: bool) -> String {
    let (w, h, orient) = if landscape {
        (16838, 11906, " w:orient=\"landscape\"")
    } else {
        (11906, 16838, "")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>{body}<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

/// `styles.xml`: Normal, Title, Heading1…6 (Word's built-in ids and names, numbered by the
/// list), the numbered-paragraph style, the notice and a grid table style.
fn styles_xml(h: &HeaderView) -> String {
    let lang = h.lang;
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W_NS}\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"SimSun\" w:cs=\"Times New Roman\"/><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/><w:lang w:val=\"{lang}\" w:eastAsia=\"{lang}\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"300\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
    );
    xml.push_str("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>");
    xml.push_str("<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"120\" w:after=\"240\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"SimHei\"/><w:b/><w:sz w:val=\"36\"/></w:rPr></w:style>");
    let sizes = [30, 26, 24, 22, 21, 21];
    for level in 1..=HEADING_STYLES {
        let size = sizes[level - 1];
        xml.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{level}\"><w:name w:val=\"heading {level}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"1\"/></w:numPr><w:spacing w:before=\"{}\" w:after=\"60\"/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:rFonts w:eastAsia=\"SimHei\"/><w:b/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:style>",
            level - 1,
            if level == 1 { 240 } else { 120 },
            level - 1
        ));
    }
    xml.push_str("<w:style w:type=\"paragraph\" w:styleId=\"ListNumber\"><w:name w:val=\"List Number\"/><w:basedOn w:val=\"Normal\"/></w:style>");
    xml.push_str("<w:style w:type=\"paragraph\" w:styleId=\"Notice\"><w:name w:val=\"Notice\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"center\"/><w:spacing w:before=\"0\"/></w:pPr><w:rPr><w:sz w:val=\"18\"/></w:rPr></w:style>");
    xml.push_str("<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    xml.push_str("<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders></w:tblPr></w:style>");
    xml.push_str("</w:styles>");
    xml
}

/// `numbering.xml`: one multi-level decimal list, level n written `%1.%2…%n+1`, levels 1–6
/// linked to Heading1…6.
fn numbering_xml() -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"{W_NS}\"><w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>"
    );
    for level in 0..LEVELS {
        let text: Vec<String> = (1..=level + 1).map(|n| format!("%{n}")).collect();
        let style = if level < HEADING_STYLES {
            format!("<w:pStyle w:val=\"Heading{}\"/>", level + 1)
        } else {
            String::new()
        };
        let indent = 425 * (level as u32 + 1);
        let hanging = 425 + 140 * level as u32;
        xml.push_str(&format!(
            "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/>{style}<w:isLgl/><w:lvlText w:val=\"{}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{}\" w:hanging=\"{hanging}\"/></w:pPr></w:lvl>",
            text.join("."),
            indent.max(hanging)
        ));
    }
    xml.push_str(
        "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
    );
    xml
}

/// Zip the parts into a `.docx`, entries in a fixed order with a fixed timestamp.
fn package(site: &SiteView, h: &HeaderView, body: &str, landscape: bool) -> Result<Vec<u8>, Error> {
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/><Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";
    let document_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdNumbering\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/><Relationship Id=\"rIdHeader\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/><Relationship Id=\"rIdFooter\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/></Relationships>";
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:identifier>{}</dc:identifier><cp:version>{}</cp:version><cp:contentStatus>{}</cp:contentStatus><dc:creator>{}</dc:creator></cp:coreProperties>",
        xml_escape(&h.title),
        xml_escape(&h.id),
        xml_escape(&h.version),
        xml_escape(h.status.label),
        xml_escape(&site.generator)
    );
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", content_types.to_owned()),
        ("_rels/.rels", rels.to_owned()),
        ("docProps/core.xml", core),
        ("word/_rels/document.xml.rels", document_rels.to_owned()),
        ("word/document.xml", document_xml(body, landscape)),
        (
            "word/header1.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n{}",
                header_part(site, h)
            ),
        ),
        (
            "word/footer1.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n{}",
                footer_part(h)
            ),
        ),
        ("word/numbering.xml", numbering_xml()),
        ("word/styles.xml", styles_xml(h)),
    ];
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| Error::Docx {
        id: h.id.to_string(),
        source: e,
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::DEFAULT)
        .unix_permissions(0o644);
    for (name, text) in &parts {
        zip.start_file(*name, options)
            .map_err(|e| failed(e.into()))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| failed(e.into()))?;
    }
    let cursor = zip.finish().map_err(|e| failed(e.into()))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(xml_escape("<w:t>&'\"\u{1}"), "&lt;w:t&gt;&amp;&#39;&quot; ");
    }

    #[test]
    fn markdown_becomes_runs() {
        let p = markdown_paragraphs("见**重要**说明\n\n- 一\n- 二");
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("<w:b/>"), "{}", p[0]);
        assert!(p[1].contains("• ") && p[1].contains(">一<"), "{}", p[1]);
    }

    #[test]
    fn numbering_is_multi_level() {
        let xml = numbering_xml();
        assert!(xml.contains("<w:lvlText w:val=\"%1.%2.%3\"/>"));
        assert!(xml.contains("<w:pStyle w:val=\"Heading3\"/>"));
    }
}
