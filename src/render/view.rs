//! What templates see: view structs made for them, not the model types. Every field a
//! template may use is defined here (and listed in the README, "Templates").
//!
//! Plain strings are escaped by the template engine for the output language; fields whose
//! name ends in `_html`, `_typ` or `_md` hold rich text already rendered and made safe for
//! that language (printed with `| safe`).

use serde::Serialize;

use crate::load::Library;
use crate::model::{
    Appendix, Chapter, Date, Document, Form, Instruction, Lang as DocLang, Manual, Outline,
    Procedure, RecordEntry, Responsibility, Sp, Status, Step, Text,
};
use crate::outline::{self, Section};
use crate::render::labels;
use crate::render::markup::{self, Lang};
use crate::validate::{Index, Target};

/// The set, as every template sees it under `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Company name.
    pub company: String,
    /// The line under the company name.
    pub system: String,
    /// The docctl version that rendered the page.
    pub generator: String,
    /// The set's default language for HTML (`zh-CN`, `zh-TW`, `en`): portal pages and lists.
    pub lang: &'static str,
    /// Noto CJK variant of the set's default language: `SC` or `TC`.
    pub cjk: &'static str,
    /// Typst `lang` of the set's default language.
    pub typst_lang: &'static str,
    /// Typst `region` of the set's default language.
    pub typst_region: &'static str,
    /// Fixed words in the set's default language (portal pages, lists).
    pub labels: &'static Labels,
}

pub use crate::render::labels::Labels;

/// The status of a document as shown: word, stamp and colour.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// draft | effective | obsolete.
    pub code: &'static str,
    /// Whether the page is the controlled copy: effective and released (or effective in a set
    /// without a `published/` archive, where the build is the issue).
    pub controlled: bool,
    /// 受控 / 未发布 / 草稿 / 作废 (or the English word).
    pub label: &'static str,
    /// The text of the stamp: 受控文件 / 工作副本 · 未发布 / 草稿 · 未发布 / 作废.
    pub stamp: &'static str,
    /// The stamp's colour as hex, e.g. `#c00000`.
    pub color: &'static str,
}

impl StatusView {
    /// Return how a status is shown in a language; `released` says whether this revision is
    /// the current release (see [`StatusView::controlled`]).
    pub fn of(status: Status, lang: DocLang, released: bool) -> StatusView {
        StatusView::on(status, lang, released, false)
    }

    /// As [`StatusView::of`]; `pending` says that the revision is released but its effective
    /// date is still to come (待生效): the revision before it is still in force.
    pub fn on(status: Status, lang: DocLang, released: bool, pending: bool) -> StatusView {
        let key = match status {
            Status::Effective if released && pending => "pending",
            Status::Effective if released => "effective",
            Status::Effective => "working",
            Status::Draft => "draft",
            Status::Obsolete => "obsolete",
        };
        let color = match key {
            "effective" => "#c00000",
            "obsolete" => "#555555",
            "pending" => "#b35c00",
            _ => "#1f4e9e",
        };
        let words = labels::of(lang);
        let word = |prefix: &str| {
            words
                .get(format!("{prefix}_{key}").as_str())
                .copied()
                .unwrap_or("")
        };
        StatusView {
            code: if key == "pending" {
                "pending"
            } else {
                status.as_str()
            },
            controlled: key == "effective",
            label: word("status"),
            stamp: word("stamp"),
            color,
        }
    }
}

/// A signature in the approval block; empty strings when not yet signed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignView {
    /// Who signed.
    pub name: String,
    /// When.
    pub date: String,
}

/// 编制/审核/批准.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApprovalView {
    /// 编制.
    pub prepared: SignView,
    /// 审核.
    pub reviewed: SignView,
    /// 批准.
    pub approved: SignView,
}

/// One row of the revision history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// Version.
    pub version: String,
    /// Date.
    pub date: String,
    /// What changed.
    pub change: String,
    /// Who changed it.
    pub by: String,
}

/// The header every controlled document shares.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderView {
    /// procedure | form.
    pub kind: &'static str,
    /// 文件编号.
    pub id: String,
    /// The id made safe as a file name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// 版本.
    pub version: String,
    /// Status word, stamp and colour.
    pub status: StatusView,
    /// 生效日期, or "" for drafts.
    pub effective: String,
    /// 归口部门.
    pub owner: String,
    /// BCP 47 language for HTML (`zh-CN`, `zh-TW`, `en`).
    pub lang: &'static str,
    /// Typst `lang` and `region` and the fonts' region suffix (`SC`, `TC`).
    pub typst_lang: &'static str,
    /// Typst `region`.
    pub typst_region: &'static str,
    /// Noto CJK variant: `SC` or `TC`.
    pub cjk: &'static str,
    /// Fixed words in the document's language.
    pub labels: &'static Labels,
    /// Whether the set has a `published/` archive: the page then lists the document's releases
    /// (or says that it has none).
    pub archived: bool,
    /// 编制/审核/批准.
    pub approval: ApprovalView,
    /// 分发部门.
    pub distribution: Vec<String>,
    /// 修订记录, oldest first.
    pub history: Vec<HistoryView>,
    /// ISO 9001 clauses.
    pub clauses: Vec<String>,
    /// The address of this document's PDF from its HTML page, or "" when no PDF is built.
    pub pdf: String,
    /// The address of this form's Excel sheet from its HTML page, or "".
    pub xlsx: String,
    /// Who cites this document (被引用), with the sections of the citations (portal pages).
    pub cited_by: Vec<CitedByView>,
    /// What `check` found in this document's file (portal pages).
    pub problems: Vec<ProblemView>,
    /// The released revisions in the archive, newest first (portal pages).
    pub releases: Vec<ReleaseView>,
}

/// A released revision of a document, from the archive's ledger.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    /// Its version.
    pub version: String,
    /// Its effective date.
    pub effective: String,
    /// The day it was published.
    pub released: String,
    /// By what and when it was replaced (作废), or none while it is the current release.
    pub superseded: Option<String>,
    /// Released but not yet in force (待生效): the revision before it still is.
    pub pending: bool,
    /// The archived PDF.
    pub pdf: String,
    /// The archived HTML page.
    pub html: String,
}

/// A document that cites this one.
#[derive(Debug, Clone, Serialize)]
pub struct CitedByView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// procedure | form.
    pub kind: &'static str,
    /// draft | effective | obsolete.
    pub status: &'static str,
    /// procedure | form in the citing page's language.
    pub kind_label: &'static str,
    /// Its status word in the citing page's language when it is not controlled, else "".
    pub status_label: &'static str,
    /// The address of its page.
    pub href: String,
    /// Where it cites this document: `5.2, 6.1`.
    pub sections: String,
}

/// A problem `check` found, for the portal.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    /// error, warning or info: also the key of its word in the label table.
    pub severity: &'static str,
    /// The stable code.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// The help, or "".
    pub help: String,
    /// The file, relative to the set.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl ProblemView {
    /// Describe a diagnostic.
    pub fn of(d: &crate::diagnostic::Diagnostic) -> Self {
        ProblemView {
            severity: d.severity.as_str(),
            code: d.code.as_str(),
            message: d.message.clone(),
            help: d.help.clone().unwrap_or_default(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
        }
    }
}

/// A definition.
#[derive(Debug, Clone, Serialize)]
pub struct DefinitionView {
    /// The term.
    pub term: String,
    /// Its definition, rendered.
    pub text: String,
}

/// A responsibility.
#[derive(Debug, Clone, Serialize)]
pub struct ResponsibilityView {
    /// Its number, e.g. `3.1`.
    pub number: String,
    /// The department.
    pub department: String,
    /// The duties, rendered.
    pub duties: String,
}

/// A step, flattened: the tool numbers it (5.1, 5.1.1 …) and gives its depth.
#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    /// Its number, e.g. `5.2.1`.
    pub number: String,
    /// 1 for 5.x, 2 for 5.x.y …
    pub depth: usize,
    /// The heading, rendered (may be empty).
    pub title: String,
    /// The responsible department (may be empty).
    pub by: String,
    /// The text, rendered (may be empty).
    pub text: String,
}

/// A cited document in 相关文件.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Its number, e.g. `6.1`.
    pub number: String,
    /// The citation as written, rendered as a link when it resolves.
    pub text: String,
    /// The cited document's id, or "".
    pub id: String,
    /// The address of its page in this output, or "".
    pub href: String,
}

/// A record (记录) in the records table.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    /// 序号.
    pub number: usize,
    /// The form's title.
    pub title: String,
    /// The form's id, or "".
    pub id: String,
    /// The address of the form in this output, or "".
    pub href: String,
    /// 保存部门.
    pub keeper: String,
    /// 保存期限.
    pub retention: String,
}

/// A procedure as its templates see it, under `doc`.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    /// The header.
    #[serde(flatten)]
    pub header: HeaderView,
    /// The sections in order (1 目的 … 7 记录) with their headings in the document's language:
    /// the templates loop over it (see `crate::outline`); empty in a work instruction's view,
    /// whose template names its own nine sections.
    pub outline: Vec<outline::SectionView>,
    /// 目的, rendered.
    pub purpose: String,
    /// 范围, rendered.
    pub scope: String,
    /// 职责.
    pub responsibilities: Vec<ResponsibilityView>,
    /// 定义.
    pub definitions: Vec<DefinitionView>,
    /// 工作程序, flattened and numbered.
    pub steps: Vec<StepView>,
    /// 相关文件.
    pub related: Vec<LinkView>,
    /// 记录.
    pub records: Vec<RecordView>,
    /// The flow chart (流程图), unless the document or docctl.yaml turns it off.
    pub flow: Option<FlowView>,
    /// 附录: (title, rendered text).
    pub appendices: Vec<AppendixView>,
}

/// A work instruction (作业指导书) as its templates see it, under `doc`: the outline it shares
/// with procedures (1 目的, 2 适用范围, 3 职责, 5 作业步骤, 8 相关文件, 9 记录, 附录; no definitions, no
/// flow chart) and its own sections.
#[derive(Debug, Clone, Serialize)]
pub struct InstructionView {
    /// The header and the shared outline.
    #[serde(flatten)]
    pub outline: ProcedureView,
    /// 4 设备、工装与材料.
    pub equipment: Vec<ItemView>,
    /// 6 安全注意事项.
    pub safety: Vec<PointView>,
    /// 7 质量要点.
    pub quality: Vec<PointView>,
}

/// A row of a work instruction's equipment table.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// 序号.
    pub number: usize,
    /// 名称.
    pub name: String,
    /// 规格型号.
    pub spec: String,
    /// 备注, rendered.
    pub note: String,
}

/// A numbered point (a safety precaution, a quality point).
#[derive(Debug, Clone, Serialize)]
pub struct PointView {
    /// Its number, e.g. `6.1`.
    pub number: String,
    /// The text, rendered.
    pub text: String,
}

/// The quality manual (质量手册) as its templates see it, under `doc`.
#[derive(Debug, Clone, Serialize)]
pub struct ManualView {
    /// The header.
    #[serde(flatten)]
    pub header: HeaderView,
    /// 颁布令, 公司简介, 质量方针 …: titled texts before the chapters.
    pub preface: Vec<AppendixView>,
    /// The chapters and their sections, flattened in order.
    pub chapters: Vec<ChapterView>,
    /// 相关文件 besides the chapters' procedures.
    pub related: Vec<LinkView>,
    /// 附录.
    pub appendices: Vec<AppendixView>,
}

/// A chapter (or a section) of the quality manual.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterView {
    /// Its ISO 9001 clause, which is also its number: `4`, `8.2`.
    pub clause: String,
    /// 1 for a chapter, 2 for its sections …
    pub depth: usize,
    /// Its heading (the clause's title unless the manual gives one), escaped by the template.
    pub title: String,
    /// Its text, rendered.
    pub text: String,
    /// The procedures that carry it out, as links.
    pub procedures: Vec<LinkView>,
}

/// A procedure's flow chart, laid out once by docctl (see `crate::flow`).
#[derive(Debug, Clone, Serialize)]
pub struct FlowView {
    /// `steps` (under 5 工作程序) or `appendix` (附件, after 7 记录).
    pub place: &'static str,
    /// Whether the chart is drawn on landscape pages.
    pub landscape: bool,
    /// The layout as JSON, for the Typst template (read with `json(bytes(...))`).
    pub json: String,
    /// The chart pages as inline SVG, for HTML (every text escaped).
    pub svg: Vec<String>,
    /// The chart as a Mermaid flowchart, for Markdown (labels escaped).
    pub mermaid: String,
}

/// An appendix as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct AppendixView {
    /// Its heading, escaped.
    pub title: String,
    /// Its text, rendered.
    pub text: String,
}

/// A form field as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    /// The key (names the PDF field and the JSON entry).
    pub key: String,
    /// The label.
    pub label: String,
    /// text | textarea | number | date | choice | multichoice | checkbox | signature | table |
    /// section (serialized in lowercase for the templates).
    pub kind: crate::model::FieldType,
    /// The kind in the form's language (文本, 日期 …).
    pub kind_label: &'static str,
    /// Whether it must be filled.
    pub required: bool,
    /// Choices.
    pub options: Vec<String>,
    /// Lines of a textarea (default 3).
    pub lines: u32,
    /// Unit of a number.
    pub unit: String,
    /// A hint, rendered.
    pub help: String,
    /// Columns of a table.
    pub columns: Vec<ColumnView>,
    /// Rows of a table.
    pub rows: u32,
}

/// Columns of a register under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnGroup {
    /// The section's label, or "" for the columns before the first section.
    pub label: String,
    /// The columns' labels (with their unit, if any).
    pub columns: Vec<String>,
}

/// A column of a table field.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnView {
    /// The key.
    pub key: String,
    /// The heading.
    pub label: String,
    /// Its type (default text).
    pub kind: crate::model::FieldType,
    /// Choices.
    pub options: Vec<String>,
}

/// A form as its templates see it, under `doc`.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    /// The header.
    #[serde(flatten)]
    pub header: HeaderView,
    /// The procedure that owns the form, rendered as a link.
    pub procedure: String,
    /// 保存期限.
    pub retention: String,
    /// register | sheet.
    pub layout: &'static str,
    /// Blank rows of a register.
    pub rows: u32,
    /// Whether the page is landscape.
    pub landscape: bool,
    /// 填写说明, rendered.
    pub instructions: String,
    /// A register's columns grouped under the `section` fields that head them; columns before
    /// the first section form a group without a label. Empty when the form has no section.
    pub groups: Vec<ColumnGroup>,
    /// The fields in order.
    pub fields: Vec<FieldView>,
}

/// Builds views for one output language, resolving citations to links.
pub struct ViewBuilder<'a> {
    library: &'a Library,
    index: &'a Index,
    lang: Lang,
    archived: bool,
    /// The day the pages are made for: a released revision effective after it is 待生效.
    today: Option<Date>,
    /// The words of the document being rendered (tooltips inside rich text).
    words: &'static Labels,
}

/// The codes of a document language in each output.
#[derive(Debug, Clone, Copy)]
pub struct LangCodes {
    /// BCP 47 for HTML: `zh-CN`, `zh-TW`, `en`.
    pub html: &'static str,
    /// Typst `lang`.
    pub typst_lang: &'static str,
    /// Typst `region`.
    pub typst_region: &'static str,
    /// Noto CJK variant: `SC` or `TC` (Han characters in an English document are simplified).
    pub cjk: &'static str,
}

impl LangCodes {
    /// Return the codes of a language.
    pub fn of(lang: DocLang) -> LangCodes {
        let (html, typst_lang, typst_region, cjk) = match lang {
            DocLang::ZhHans => ("zh-CN", "zh", "cn", "SC"),
            DocLang::ZhHant => ("zh-TW", "zh", "tw", "TC"),
            DocLang::En => ("en", "en", "gb", "SC"),
        };
        LangCodes {
            html,
            typst_lang,
            typst_region,
            cjk,
        }
    }
}

impl<'a> ViewBuilder<'a> {
    /// Create a builder for one output language.
    pub fn new(library: &'a Library, index: &'a Index, lang: Lang) -> Self {
        ViewBuilder {
            library,
            index,
            lang,
            archived: false,
            today: None,
            words: labels::of(library.config.lang),
        }
    }

    /// Return a builder for one document's text: its words are in the document's language.
    fn for_doc(&self, doc: &Document) -> ViewBuilder<'a> {
        let lang = doc.header().lang.unwrap_or(self.library.config.lang);
        ViewBuilder {
            words: labels::of(lang),
            ..*self
        }
    }

    /// Say whether the set has a `published/` archive: then only the current release of an
    /// effective document is shown as controlled, any other revision as a working copy.
    pub fn archived(mut self, archived: bool) -> Self {
        self.archived = archived;
        self
    }

    /// Measure effective dates against `today` (none: every released revision is in force).
    pub fn today(mut self, today: Option<Date>) -> Self {
        self.today = today;
        self
    }

    /// Return how a document's status is shown: 受控, 待生效 (released, effective after
    /// today), 未发布, 草稿 or 作废.
    pub fn status(&self, doc: &Document) -> StatusView {
        let lang = doc.header().lang.unwrap_or(self.library.config.lang);
        self.status_in(doc, lang)
    }

    /// As [`ViewBuilder::status`], in the words of `lang` (lists and the portal's index).
    pub fn status_in(&self, doc: &Document, lang: DocLang) -> StatusView {
        let header = doc.header();
        let pending = match (self.today, header.effective) {
            (Some(today), Some(effective)) => effective.value.0 > today.0,
            _ => false,
        };
        StatusView::on(header.status.value, lang, self.released(doc), pending)
    }

    /// Return the site view.
    pub fn site(&self) -> SiteView {
        let config = &self.library.config;
        SiteView {
            company: config.company.to_string(),
            system: config
                .system
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            generator: format!("docctl {}", env!("CARGO_PKG_VERSION")),
            lang: LangCodes::of(config.lang).html,
            cjk: LangCodes::of(config.lang).cjk,
            typst_lang: LangCodes::of(config.lang).typst_lang,
            typst_region: LangCodes::of(config.lang).typst_region,
            labels: labels::of(config.lang),
        }
    }

    /// Return the address of a document from a page of the same output folder level.
    pub fn href(&self, target: Target) -> Option<String> {
        let Target::Doc(i) = target else { return None };
        let doc = &self.library.documents[i].doc;
        let extension = match (self.lang, doc) {
            (Lang::Typst, _) => "pdf",
            (Lang::Html, _) => "html",
            (Lang::Markdown, _) => "md",
        };
        Some(format!(
            "../{}.{extension}",
            crate::render::output_base(doc)
        ))
    }

    fn link(&self, cited: &str) -> markup::Cited {
        match self.index.resolve(cited) {
            Some(hit) => self
                .href(hit.target)
                .map_or(markup::Cited::NoPage, markup::Cited::Page),
            None => markup::Cited::Unresolved(self.words["unresolved_cite"]),
        }
    }

    /// Render a text field.
    pub fn rich(&self, text: &str) -> String {
        markup::rich(text, self.lang, &|cited| self.link(cited))
    }

    /// Return whether a document's revision is the released one: the ledger's current release
    /// has its version, or the set has no archive (the build is the issue).
    pub fn released(&self, doc: &Document) -> bool {
        let header = doc.header();
        !self.archived
            || self
                .library
                .ledger
                .last_release(&header.id.value.0)
                .is_some_and(|r| r.version == header.version.value.0 && r.superseded.is_none())
    }

    fn header(&self, doc: &Document) -> HeaderView {
        let header = doc.header();
        let lang = header.lang.unwrap_or(self.library.config.lang);
        let codes = LangCodes::of(lang);
        let sign = |s: Option<&crate::model::Sp<crate::model::Signature>>| {
            s.map(|s| SignView {
                name: s.value.name.to_string(),
                date: s.value.date.value.to_string(),
            })
            .unwrap_or_default()
        };
        let approval = header.approval.map(|a| ApprovalView {
            prepared: sign(a.prepared.as_ref()),
            reviewed: sign(a.reviewed.as_ref()),
            approved: sign(a.approved.as_ref()),
        });
        let clauses = doc.clauses().iter().map(|c| c.to_string()).collect();
        HeaderView {
            kind: doc.kind().as_str(),
            id: header.id.value.to_string(),
            slug: header.id.value.slug(),
            title: header.title.to_string(),
            version: header.version.value.to_string(),
            status: self.status(doc),
            effective: crate::render::or_empty(header.effective),
            owner: crate::render::or_empty(header.owner),
            lang: codes.html,
            typst_lang: codes.typst_lang,
            typst_region: codes.typst_region,
            cjk: codes.cjk,
            labels: labels::of(lang),
            archived: self.archived,
            approval: approval.unwrap_or_default(),
            distribution: header
                .distribution
                .iter()
                .map(|d| d.value.to_string())
                .collect(),
            history: header
                .history
                .iter()
                .map(|h| HistoryView {
                    version: h.version.value.to_string(),
                    date: h.date.value.to_string(),
                    change: labels::with_request(
                        lang,
                        &h.change.to_string(),
                        h.request.as_ref().map(|r| r.value.0.as_str()),
                    ),
                    by: h.by.as_ref().map(|b| b.to_string()).unwrap_or_default(),
                })
                .collect(),
            clauses,
            pdf: String::new(),
            xlsx: String::new(),
            cited_by: Vec::new(),
            problems: Vec::new(),
            releases: Vec::new(),
        }
    }

    /// Return the view of a procedure.
    pub fn procedure(&self, doc: &Document, p: &Procedure) -> ProcedureView {
        let this = self.for_doc(doc);
        this.procedure_view(doc, p)
    }

    fn procedure_view(&self, doc: &Document, p: &Procedure) -> ProcedureView {
        let mut view = self.outline(doc, p.outline(), &Section::Related.number());
        view.outline = outline::view(view.header.labels);
        view.flow = self.flow(p, view.header.labels);
        view.definitions = p
            .definitions
            .iter()
            .map(|d| DefinitionView {
                term: d.term.to_string(),
                text: self.rich(&d.text),
            })
            .collect();
        view
    }

    /// Return the outline a procedure and a work instruction share, its 相关文件 numbered under
    /// `related_no`; no definitions and no flow chart.
    fn outline(&self, doc: &Document, o: Outline<'_>, related_no: &str) -> ProcedureView {
        let mut steps = Vec::new();
        self.steps(o.steps, &Section::Steps.number(), 1, &mut steps);
        ProcedureView {
            header: self.header(doc),
            outline: Vec::new(),
            flow: None,
            purpose: self.rich(o.purpose),
            scope: self.rich(o.scope),
            responsibilities: self.responsibilities(o.responsibilities),
            definitions: Vec::new(),
            steps,
            related: self.links(o.related, related_no),
            records: self.records(o.records),
            appendices: self.appendices(o.appendices),
        }
    }

    /// Return the 职责 of section 3.
    fn responsibilities(&self, list: &[Responsibility]) -> Vec<ResponsibilityView> {
        list.iter()
            .enumerate()
            .map(|(n, r)| ResponsibilityView {
                number: format!("{}.{}", Section::Responsibilities.number(), n + 1),
                department: r.department.value.to_string(),
                duties: self.rich(&r.duties),
            })
            .collect()
    }

    /// Return cited documents as links, numbered under `section` (none: unnumbered).
    fn links(&self, entries: &[Sp<Text>], section: &str) -> Vec<LinkView> {
        entries
            .iter()
            .enumerate()
            .map(|(n, entry)| {
                let hit = self.index.resolve_entry(entry);
                LinkView {
                    number: if section.is_empty() {
                        String::new()
                    } else {
                        format!("{section}.{}", n + 1)
                    },
                    text: self.rich(&bracketed(entry)),
                    id: hit.map(|t| self.target_id(t)).unwrap_or_default(),
                    href: hit.and_then(|t| self.href(t)).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Return the 记录 table.
    fn records(&self, records: &[RecordEntry]) -> Vec<RecordView> {
        records
            .iter()
            .enumerate()
            .map(|(n, record)| {
                let hit = self.index.resolve_entry(&record.form);
                RecordView {
                    number: n + 1,
                    title: hit
                        .map(|t| crate::validate::title_of(self.library, t))
                        .unwrap_or_else(|| unbracket(&record.form)),
                    id: hit.map(|t| self.target_id(t)).unwrap_or_default(),
                    href: hit.and_then(|t| self.href(t)).unwrap_or_default(),
                    keeper: record
                        .keeper
                        .as_ref()
                        .map(|k| k.value.to_string())
                        .unwrap_or_default(),
                    retention: record
                        .retention
                        .as_ref()
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    fn appendices(&self, list: &[Appendix]) -> Vec<AppendixView> {
        list.iter()
            .map(|a| AppendixView {
                title: self.rich(&a.title),
                text: self.rich(&a.text),
            })
            .collect()
    }

    /// Return the view of a work instruction.
    pub fn instruction(&self, doc: &Document, w: &Instruction) -> InstructionView {
        let this = self.for_doc(doc);
        let points = |list: &[Sp<Text>], section: &str| {
            list.iter()
                .enumerate()
                .map(|(n, point)| PointView {
                    number: format!("{section}.{}", n + 1),
                    text: this.rich(point),
                })
                .collect()
        };
        let text = |t: &Option<Sp<Text>>| t.as_ref().map(|t| t.to_string()).unwrap_or_default();
        InstructionView {
            outline: this.outline(doc, w.outline(), "8"),
            equipment: w
                .equipment
                .iter()
                .enumerate()
                .map(|(n, item)| ItemView {
                    number: n + 1,
                    name: item.name.to_string(),
                    spec: text(&item.spec),
                    note: item.note.as_ref().map(|t| this.rich(t)).unwrap_or_default(),
                })
                .collect(),
            safety: points(&w.safety, "6"),
            quality: points(&w.quality, "7"),
        }
    }

    /// Return the view of the quality manual.
    pub fn manual(&self, doc: &Document, m: &Manual) -> ManualView {
        let this = self.for_doc(doc);
        let lang = doc.header().lang.unwrap_or(self.library.config.lang);
        let titles = crate::coverage::clauses_in(lang);
        let mut chapters = Vec::new();
        fn walk(
            this: &ViewBuilder<'_>,
            list: &[Chapter],
            depth: usize,
            titles: &[crate::coverage::Clause],
            out: &mut Vec<ChapterView>,
        ) {
            for chapter in list {
                let clause = chapter.clause.to_string();
                let title = match &chapter.title {
                    Some(title) => title.to_string(),
                    None => titles
                        .iter()
                        .find(|c| c.number == clause)
                        .map(|c| c.title.clone())
                        .unwrap_or_default(),
                };
                out.push(ChapterView {
                    clause,
                    depth,
                    title,
                    text: chapter
                        .text
                        .as_ref()
                        .map(|t| this.rich(t))
                        .unwrap_or_default(),
                    procedures: this.links(&chapter.procedures, ""),
                });
                walk(this, &chapter.sections, depth + 1, titles, out);
            }
        }
        walk(&this, &m.chapters, 1, &titles, &mut chapters);
        ManualView {
            header: this.header(doc),
            preface: this.appendices(&m.preface),
            chapters,
            related: this.links(&m.related, ""),
            appendices: this.appendices(&m.appendices),
        }
    }

    /// Lay out a procedure's flow chart and draw it for this output language; none when the
    /// document (`flow: false`) or docctl.yaml (`flow: {chart: false}`) turns it off.
    fn flow(&self, p: &Procedure, labels: &Labels) -> Option<FlowView> {
        let settings = &self.library.config.flow;
        if !p.flow.unwrap_or(settings.chart) {
            return None;
        }
        let records: Vec<String> = p
            .records
            .iter()
            .map(|r| crate::fold::key(&unbracket(&r.form)))
            .collect();
        let is_record = |title: &str| {
            records.contains(&crate::fold::key(title))
                || self.index.resolve(title).is_some_and(|hit| {
                    matches!(hit.target, Target::Doc(i)
                        if matches!(self.library.documents[i].doc, Document::Form(_)))
                })
        };
        let chart = crate::flow::layout(
            p,
            &crate::flow::FlowWords::of(labels),
            if settings.landscape {
                crate::flow::FlowSize::landscape()
            } else {
                crate::flow::FlowSize::default()
            },
            &is_record,
        );
        let mut view = FlowView {
            place: settings.place.as_str(),
            landscape: settings.landscape,
            json: String::new(),
            svg: Vec::new(),
            mermaid: String::new(),
        };
        match self.lang {
            Lang::Typst => view.json = serde_json::to_string(&chart).unwrap_or_default(),
            Lang::Html => {
                view.svg = chart
                    .pages
                    .iter()
                    .map(|page| crate::flow::svg(&chart, page))
                    .collect()
            }
            Lang::Markdown => view.mermaid = crate::flow::mermaid(&chart),
        }
        Some(view)
    }

    fn steps(&self, steps: &[Step], prefix: &str, depth: usize, out: &mut Vec<StepView>) {
        for (n, step) in steps.iter().enumerate() {
            let number = format!("{prefix}.{}", n + 1);
            out.push(StepView {
                number: number.clone(),
                depth,
                title: step
                    .title
                    .as_ref()
                    .map(|t| self.rich(t))
                    .unwrap_or_default(),
                by: step.by_text(self.words["list_sep"]),
                text: step.text.as_ref().map(|t| self.rich(t)).unwrap_or_default(),
            });
            self.steps(&step.steps, &number, depth + 1, out);
        }
    }

    /// Return the view of a form.
    pub fn form(&self, doc: &Document, f: &Form) -> FormView {
        let this = self.for_doc(doc);
        this.form_view(doc, f)
    }

    fn form_view(&self, doc: &Document, f: &Form) -> FormView {
        let options = |o: &Option<Vec<crate::model::Sp<crate::model::Text>>>| {
            o.iter()
                .flatten()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        };
        let layout = match f.layout.as_ref().map(|l| l.value) {
            Some(crate::model::Layout::Register) => "register",
            _ => "sheet",
        };
        let header = self.header(doc);
        let words = header.labels;
        let kind_label = |kind: &str| {
            words
                .get(format!("field_{kind}").as_str())
                .copied()
                .unwrap_or("")
        };
        FormView {
            header,
            procedure: f
                .procedure
                .as_ref()
                .map(|p| self.rich(&bracketed(p)))
                .unwrap_or_default(),
            retention: f
                .retention
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            layout,
            rows: f.rows.as_ref().map_or(0, |r| r.value),
            landscape: f.orientation == Some(crate::model::Orientation::Landscape),
            instructions: f
                .instructions
                .as_ref()
                .map(|i| self.rich(i))
                .unwrap_or_default(),
            groups: column_groups(f),
            fields: f
                .fields
                .iter()
                .map(|field| FieldView {
                    key: field.key.to_string(),
                    label: field.label.to_string(),
                    kind: field.kind.value,
                    kind_label: kind_label(field.kind.value.as_str()),
                    required: field.required,
                    options: options(&field.options),
                    lines: field.lines.unwrap_or(3),
                    unit: field
                        .unit
                        .as_ref()
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    help: field
                        .help
                        .as_ref()
                        .map(|h| self.rich(h))
                        .unwrap_or_default(),
                    columns: field
                        .columns
                        .iter()
                        .flatten()
                        .map(|c| ColumnView {
                            key: c.key.to_string(),
                            label: c.label.to_string(),
                            kind: c
                                .kind
                                .as_ref()
                                .map_or(crate::model::FieldType::Text, |k| k.value),
                            options: options(&c.options),
                        })
                        .collect(),
                    rows: field.rows.as_ref().map_or(3, |r| r.value),
                })
                .collect(),
        }
    }

    fn target_id(&self, target: Target) -> String {
        match target {
            Target::Doc(i) => self.library.documents[i].doc.header().id.value.to_string(),
            Target::External(i) => self.library.config.external[i].id.to_string(),
            Target::Unparsed(_) => String::new(),
        }
    }
}

/// Write a `related` entry with book-title marks, whether or not it had them.
fn bracketed(entry: &str) -> String {
    if crate::cite::scan(entry).is_empty() {
        format!("《{}》", entry.trim())
    } else {
        entry.to_owned()
    }
}

/// Take the title out of 《…》.
fn unbracket(entry: &str) -> String {
    crate::cite::scan(entry)
        .first()
        .map(|c| c.inner.to_owned())
        .unwrap_or_else(|| entry.trim().to_owned())
}

/// A redline between two revisions, under `doc` in `redline.typ` and `redline.html`.
#[derive(Debug, Clone, Serialize)]
pub struct RedlineView {
    /// 文件编号.
    pub id: String,
    /// The newer revision's title.
    pub title: String,
    /// The older version, e.g. `A/0`.
    pub from: String,
    /// The newer version.
    pub to: String,
    /// Where the older revision came from: `published/QP-1/A-0`, `git:HEAD~1`, `工作副本`.
    pub from_source: String,
    /// Where the newer revision came from.
    pub to_source: String,
    /// 修订内容: the newer revision's last history entry.
    pub change: String,
    /// 修订人.
    pub by: String,
    /// The date of that entry.
    pub date: String,
    /// The sections that differ, in the newer revision's order (修订对照表 rows).
    pub sections: Vec<crate::redline::SectionChange>,
    /// The newer revision's language for HTML (`zh-CN`, `zh-TW`, `en`).
    pub lang: &'static str,
    /// Noto CJK variant: `SC` or `TC`.
    pub cjk: &'static str,
    /// Typst `lang`.
    pub typst_lang: &'static str,
    /// Typst `region`.
    pub typst_region: &'static str,
    /// Fixed words in the newer revision's language.
    pub labels: &'static Labels,
}

/// A master list, under `doc` in `list.typ` and `list.html`; the same rows go to CSV and XLSX.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    /// 受控文件清单 or 记录清单.
    pub title: String,
    /// What the list is made from: 工作副本 or 发行记录 (published/ledger.json).
    pub source: String,
    /// The date of the list.
    pub date: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Relative column widths for the PDF.
    pub widths: Vec<u32>,
    /// Whether rows link to an archived PDF.
    pub links: bool,
    /// The rows.
    pub rows: Vec<ListRow>,
}

/// A row of a master list.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    /// One text per column.
    pub cells: Vec<String>,
    /// Whether the row is superseded or obsolete (作废), printed struck through.
    pub obsolete: bool,
    /// The address of the row's PDF from the list's folder, or "".
    pub href: String,
}

/// Group a register's columns under the sections that head them.
fn column_groups(form: &Form) -> Vec<ColumnGroup> {
    use crate::model::FieldType;
    if !form
        .fields
        .iter()
        .any(|f| f.kind.value == FieldType::Section)
    {
        return Vec::new();
    }
    let mut groups = vec![ColumnGroup {
        label: String::new(),
        columns: Vec::new(),
    }];
    for field in &form.fields {
        match field.kind.value {
            FieldType::Section => groups.push(ColumnGroup {
                label: field.label.to_string(),
                columns: Vec::new(),
            }),
            FieldType::Table => {}
            _ => {
                let label = match &field.unit {
                    Some(unit) => format!("{} ({})", field.label.value, unit.value),
                    None => field.label.to_string(),
                };
                if let Some(group) = groups.last_mut() {
                    group.columns.push(label);
                }
            }
        }
    }
    groups.retain(|g| !g.columns.is_empty());
    groups
}
