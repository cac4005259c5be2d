//! The structured import of a .md or .docx: blocks → a draft procedure (or a draft form),
//! sections found by their headings, the header and approval tables read by their labels,
//! records and references one per table row, and whatever fits no field kept as an appendix.
//! [`coverage`] then measures how much of the source text reached the YAML.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Code, Diagnostic};
use crate::import::Note;
use crate::import::blocks::{Block, Doc, Piece, is_title, markdown_table, typed_number};
use crate::import::guess::{
    default_version, entries, guess_lang, is_none, is_note, normalise_version, record,
};
use crate::import::structure::{Draft, DraftHeader, DraftStep, RecordDraft, Settings};
use crate::model::{Lang, Pos};

pub use crate::import::keywords::SectionKind as Kind;

const SECTION_WORDS: &[(Kind, &[&str])] = &[
    (
        Kind::PurposeScope,
        &[
            "目的和范围",
            "目的与范围",
            "目的及范围",
            "目的與範圍",
            "目的范围",
            "目的範圍",
            "purposeandscope",
            "purposescope",
            "objectiveandscope",
            // 管理制度 (rules in 第X章/第X条): 总则 holds purpose and scope.
            "总则",
            "總則",
            "generalprovisions",
        ],
    ),
    (
        Kind::Purpose,
        &[
            "目的",
            "宗旨",
            "purpose",
            "summary",
            "objective",
            "objectives",
            "overview",
        ],
    ),
    (
        Kind::Scope,
        &[
            "范围",
            "範圍",
            "适用范围",
            "適用範圍",
            "应用范围",
            "scope",
            "applicability",
            "scopeandapplicability",
            "fieldofapplication",
        ],
    ),
    (
        Kind::Responsibilities,
        &[
            "职责",
            "職責",
            "权责",
            "權責",
            "职责与权限",
            "职责和权限",
            "職責與權限",
            "职责分工",
            "responsibilities",
            "responsibility",
            "roles",
            "rolesandresponsibilities",
            "responsibilitiesandauthorities",
            "responsibilitiesandauthority",
        ],
    ),
    (
        Kind::Definitions,
        &[
            "定义",
            "定義",
            "术语",
            "術語",
            "术语和定义",
            "术语与定义",
            "術語與定義",
            "術語和定義",
            "名词解释",
            "definitions",
            "definition",
            "abbreviations",
            "definitionsandabbreviations",
            "abbreviationsanddefinitions",
            "terms",
            "termsanddefinitions",
            "glossary",
            "acronyms",
        ],
    ),
    (
        Kind::Steps,
        &[
            "管理内容",
            "管理內容",
            "管理要求",
            "管理规定",
            "管理規定",
            "具体规定",
            "具體規定",
            "工作程序",
            "作业内容",
            "作業內容",
            "程序",
            "作业程序",
            "作業程序",
            "工作流程",
            "程序内容",
            "管理程序",
            "作业流程",
            "方法和过程控制",
            "procedure",
            "procedures",
            "process",
            "processsteps",
            "proceduresteps",
            "processdescription",
            "instructions",
            "workinstructions",
            "method",
            "steps",
        ],
    ),
    (
        Kind::Related,
        &[
            "相关文件",
            "相關文件",
            "引用文件",
            "参考文件",
            "參考文件",
            "支持文件",
            "相关支持文件",
            "引用标准",
            "references",
            "reference",
            "relateddocuments",
            "referenceddocuments",
            "regulatoryreferences",
            "referencedocuments",
            "normativereferences",
            "relateddocumentsandreferences",
            "referencesandrelateddocuments",
            "relatedprocedures",
        ],
    ),
    (
        Kind::Records,
        &[
            "记录",
            "記錄",
            "质量记录",
            "品質記錄",
            "品质记录",
            "相关记录",
            "记录表单",
            "records",
            "qualityrecords",
            "recordsandforms",
            "formsandrecords",
            "associatedrecords",
        ],
    ),
    (
        Kind::Appendix,
        &[
            "附件",
            "附录",
            "附錄",
            "附表",
            "appendix",
            "appendices",
            "attachment",
            "attachments",
            "annex",
            // The closing chapter of a 管理制度 (第X章 附则: when it takes effect, who interprets).
            "附则",
            "附則",
            "supplementaryprovisions",
        ],
    ),
];

fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The section a heading names, if any: the whole heading must be the name (a keyword inside
/// a sentence never opens a section).
pub fn section_kind(heading: &str, extra: &BTreeMap<String, Vec<String>>) -> Option<Kind> {
    let key = squash(heading);
    if key.is_empty() {
        return None;
    }
    for (field, words) in extra {
        if words.iter().any(|w| squash(w) == key) {
            return Kind::of_field(field);
        }
    }
    for (kind, words) in SECTION_WORDS {
        if words.contains(&key.as_str()) {
            return Some(*kind);
        }
    }
    let appendix = SECTION_WORDS
        .iter()
        .find(|(k, _)| *k == Kind::Appendix)
        .map_or(&[][..], |(_, w)| *w);
    appendix
        .iter()
        .any(|w| key.starts_with(w) && key.chars().count() <= 40)
        .then_some(Kind::Appendix)
}

/// A header label: what a cell of a header or approval table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Id,
    Title,
    Version,
    Effective,
    Owner,
    Prepared,
    Reviewed,
    Approved,
    /// 页码: page furniture.
    Page,
    /// A column or row label that names no field (日期, Name, Role, Signature).
    Meta,
}

const LABELS: &[(Label, &[&str])] = &[
    (
        Label::Id,
        &[
            "文件编号",
            "文件編號",
            "编号",
            "編號",
            "文件号",
            "文件代号",
            "documentid",
            "documentno",
            "documentnumber",
            "docno",
            "docid",
            "sopno",
            "sopnumber",
            "sopid",
            "id",
            "documentcode",
            "formno",
            "formnumber",
            "formid",
            "表单编号",
            "表單編號",
        ],
    ),
    (
        Label::Title,
        &[
            "文件名称",
            "文件名稱",
            "文件名",
            "标题",
            "名称",
            "名稱",
            "title",
            "documenttitle",
            "soptitle",
            "documentname",
            "formtitle",
            "formname",
            "表单名称",
            "表單名稱",
            "表格名称",
        ],
    ),
    (
        Label::Version,
        &[
            "版本",
            "版本状态",
            "版本號",
            "版本号",
            "版次",
            "版本版次",
            "版本狀態",
            "version",
            "revision",
            "rev",
            "versionno",
            "revisionno",
            "revisionlevel",
        ],
    ),
    (
        Label::Effective,
        &[
            "生效日期",
            "实施日期",
            "實施日期",
            "生效時間",
            "生效时间",
            "发布日期",
            "effectivedate",
            "effective",
            "dateeffective",
            "effectivefrom",
        ],
    ),
    (
        Label::Owner,
        &[
            "归口部门",
            "歸口部門",
            "主管部门",
            "主管部門",
            "责任部门",
            "編製部門",
            "编制部门",
            "owner",
            "documentowner",
            "processowner",
            "department",
            "owningdepartment",
        ],
    ),
    (
        Label::Prepared,
        &[
            "编制",
            "編制",
            "編製",
            "拟制",
            "擬制",
            "编写",
            "編寫",
            "制定",
            "preparedby",
            "prepared",
            "author",
            "writtenby",
            "originator",
            "authoredby",
        ],
    ),
    (
        Label::Reviewed,
        &[
            "审核",
            "審核",
            "审查",
            "reviewedby",
            "reviewed",
            "reviewer",
            "checkedby",
        ],
    ),
    (
        Label::Approved,
        &[
            "批准",
            "批準",
            "核准",
            "approvedby",
            "approved",
            "approver",
            "authorizedby",
        ],
    ),
    (
        Label::Page,
        &["页码", "頁碼", "页次", "頁次", "page", "pages", "pageno"],
    ),
    (
        Label::Meta,
        &[
            "日期",
            "date",
            "签名",
            "簽名",
            "签字",
            "姓名",
            "name",
            "role",
            "entry",
            "signature",
            "职务",
            "職務",
            "field",
            "value",
            "item",
            "details",
            "information",
            "description",
        ],
    ),
];

/// Whether a table cell is a label of the header block (文件编号, 版本, 编制 …).
pub(crate) fn is_header_label(cell: &str) -> bool {
    label(cell).is_some_and(|l| l != Label::Meta)
}

fn label(cell: &str) -> Option<Label> {
    let key = squash(cell);
    if key.is_empty() || key.chars().count() > 30 {
        return None;
    }
    LABELS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(l, _)| *l)
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{4})\s*(?:[-./年]\s*)(\d{1,2})\s*(?:[-./月]\s*)(\d{1,2})\s*日?\s*$")
        .expect("a valid regex")
});

/// A header cell's text with its row or column.
type Cell<'v> = (usize, &'v String);
/// A date read from a header cell: its row or column, the date, and the text as written.
type DateCell<'v> = (usize, String, &'v String);

/// Split a signature's cells into the name (the first cell that is no date) and the first date.
fn name_and_date<'v>(values: &'v [Cell<'v>]) -> (Option<&'v Cell<'v>>, Option<DateCell<'v>>) {
    let name = values.iter().find(|(_, v)| iso_date(v).is_none());
    let date = values
        .iter()
        .find_map(|(r, v)| iso_date(v).map(|d| (*r, d, *v)));
    (name, date)
}

/// A date as `YYYY-MM-DD`, if the text is one.
fn iso_date(text: &str) -> Option<String> {
    let c = DATE.captures(text)?;
    let date = jiff::civil::Date::new(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    date.ok().map(|d| d.to_string())
}

/// What the structured import made of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// A procedure.
    Procedure(Box<Draft>),
    /// A form.
    Form(Box<FormDraft>),
}

/// A form as the import understood it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormDraft {
    /// Title, id, version, language, effective date, owner and signatures.
    pub header: DraftHeader,
    /// `register` or `sheet`.
    pub layout: &'static str,
    /// Text that is not a field.
    pub instructions: String,
    /// The fields.
    pub fields: Vec<FieldDraft>,
    /// Guesses, for the report.
    pub notes: Vec<Note>,
    /// First and last source line.
    pub lines: (usize, usize),
}

/// A field of a form draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldDraft {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// text, date, checkbox, signature, section, table.
    pub kind: &'static str,
    /// A table's columns: (key, label).
    pub columns: Vec<(String, String)>,
}

/// What the structured import made, with what it needs for the coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The draft.
    pub made: Made,
    /// Source texts that reached a field in another form (labels, dates, versions).
    pub mapped: Vec<String>,
    /// Page furniture: (where, text).
    pub furniture: Vec<(String, String)>,
}

/// The header: what the header and approval tables and the title say.
#[derive(Debug, Clone, Default, PartialEq)]
struct Head {
    id: Option<String>,
    title: Option<String>,
    /// An unlabelled cell of a header table that reads as a document's title.
    guessed_title: Option<String>,
    version: Option<String>,
    effective: Option<String>,
    owner: Option<String>,
    approval: Vec<(&'static str, String, String)>,
    /// Names under 编制/审核/批准 without a date: (role, name). A signature needs its date, so
    /// they become `# import:` comments above `approval`, not a signature nor an appendix.
    undated: Vec<(&'static str, String)>,
    /// Tables or rows that fit no field: kept as an appendix.
    leftovers: Vec<Vec<Vec<String>>>,
}

struct Builder<'a> {
    file: &'a str,
    settings: &'a Settings,
    mapped: Vec<String>,
    furniture: Vec<(String, String)>,
    notes: Vec<Note>,
    problems: Vec<Diagnostic>,
    head: Head,
}

/// Build a draft from a structurally read document.
pub fn build(doc: &Doc, file: &str, stem: &str, settings: &Settings) -> Built {
    let mut b = Builder {
        file,
        settings,
        mapped: Vec::new(),
        furniture: doc.furniture.clone(),
        notes: Vec::new(),
        problems: Vec::new(),
        head: Head::default(),
    };
    let promoted = promote_sections(&doc.blocks, &settings.sections);
    let blocks = promoted.as_ref().unwrap_or(&doc.blocks);
    let kinds: Vec<Option<Kind>> = blocks
        .iter()
        .map(|bl| match bl {
            Block::Heading { text, .. } => section_kind(text, &settings.sections),
            _ => None,
        })
        .collect();
    let level = blocks
        .iter()
        .zip(&kinds)
        .filter_map(|(bl, k)| match (bl, k) {
            (Block::Heading { level, .. }, Some(_)) => Some(*level),
            _ => None,
        })
        .min();
    // The sections start at the first heading of their level (an unknown one is kept as an
    // appendix) — unless that is the document's first heading and names no section: a title.
    let first_kind = kinds
        .iter()
        .position(Option::is_some)
        .unwrap_or(blocks.len());
    let first_heading = blocks
        .iter()
        .position(|bl| matches!(bl, Block::Heading { .. }))
        .unwrap_or(blocks.len());
    let first = blocks
        .iter()
        .enumerate()
        .position(|(i, bl)| {
            matches!(bl, Block::Heading { level: l, .. } if Some(*l) == level)
                && (i != first_heading || kinds[i].is_some())
        })
        .map_or(first_kind, |i| i.min(first_kind));
    // The preamble: before the first section.
    let mut preamble: Vec<&Block> = Vec::new();
    let mut title_heading: Option<String> = None;
    // Header and approval tables: before the first section, or an approval table anywhere.
    let mut consumed: HashSet<usize> = HashSet::new();
    for (i, block) in blocks.iter().enumerate().skip(first) {
        if let Block::Table { rows, .. } = block {
            let roles = rows
                .iter()
                .flatten()
                .filter(|c| {
                    matches!(
                        label(c),
                        Some(Label::Prepared | Label::Reviewed | Label::Approved)
                    ) || c
                        .split_once(['：', ':'])
                        .is_some_and(|(h, v)| signature(v).is_some() && label(h).is_some())
                })
                .count();
            if roles >= 2 && b.header_table(rows) {
                consumed.insert(i);
            }
        } else if let Block::Para { plain, .. } = block {
            // A signature line at the end (`编制：张三 2024-01-05　审核：…`), as many procedures
            // sign: taken when it holds signatures and nothing else.
            let (saved, mapped, signed) = (b.head.clone(), b.mapped.len(), b.head.approval.len());
            if b.header_line(plain) {
                let mut rest = b.head.clone();
                rest.approval.truncate(signed);
                if b.head.approval.len() > signed && rest == saved {
                    consumed.insert(i);
                } else {
                    b.head = saved;
                    b.mapped.truncate(mapped);
                }
            }
        }
    }
    for (i, block) in blocks[..first].iter().enumerate() {
        match block {
            Block::Table { rows, .. } if b.header_table(rows) => {
                consumed.insert(i);
            }
            Block::Heading { text, level: l, .. }
                if title_heading.is_none() && level.is_none_or(|lv| *l < lv) =>
            {
                let bare = text
                    .strip_prefix("SOP:")
                    .or_else(|| text.strip_prefix("SOP -"))
                    .or_else(|| text.strip_prefix("SOP –"))
                    .map_or(text.as_str(), str::trim);
                if bare != text {
                    b.mapped.push(text.clone());
                }
                title_heading = Some(bare.to_owned());
            }
            Block::Para { plain, .. } if b.header_line(plain) => {}
            other => preamble.push(other),
        }
    }
    let lang = guess_lang(
        &doc.pieces
            .iter()
            .map(|p| p.text.as_str())
            .collect::<String>(),
    );
    let title = b
        .head
        .title
        .clone()
        .or_else(|| doc.title.as_ref().map(|(_, t)| t.clone()))
        .or(title_heading.clone())
        .or(b.head.guessed_title.clone())
        .or_else(|| {
            // A short first paragraph before any section is the title (a Word document's
            // centred first line).
            match preamble.first() {
                Some(Block::Para {
                    plain,
                    number: None,
                    ..
                }) if plain.chars().count() <= 40 && !plain.ends_with(['。', '.']) => {
                    let t = plain.clone();
                    preamble.remove(0);
                    Some(t)
                }
                _ => None,
            }
        })
        .unwrap_or_else(|| stem.to_owned());
    if let (Some(t), Some(h)) = (&doc.title, &b.head.title)
        && t.1 != *h
    {
        preamble.insert(0, &PHANTOM);
        b.mapped.push(t.1.clone());
    }
    if let (Some(t), Some(h)) = (&title_heading, &b.head.title)
        && t != h
    {
        b.mapped.push(t.clone());
    }
    let lines = (1, doc.lines.len().max(1));
    let is_form = level.is_none() || form_title(&title) && !kinds.contains(&Some(Kind::Steps));
    if is_form {
        let form = b.form(&title, lang, blocks, &consumed, lines);
        return Built {
            made: Made::Form(Box::new(form)),
            mapped: b.mapped,
            furniture: b.furniture,
        };
    }
    let level = level.unwrap_or(1);
    let mut draft = Draft {
        header: b.header(&title, lang),
        lines,
        ..Draft::default()
    };
    for (role, label, name) in b.undated(lang) {
        // The name is in the YAML, as the comment above `approval`.
        b.note(
            lines.0,
            format!("{label} {name} has no date: left in a comment"),
        );
        b.mapped.push(name.clone());
        draft.comments.push((
            "approval",
            format!(
                "import: {label} {name} (no date in the source: add approval.{role} when signed)"
            ),
        ));
    }
    if b.head.version.is_none() {
        draft.comments.push((
            "version",
            "import: the source names no version: the set's first".into(),
        ));
    }
    // Sections.
    let mut sections: Vec<(Option<Kind>, &Block, Vec<&Block>)> = Vec::new();
    for (i, block) in blocks.iter().enumerate().skip(first) {
        if consumed.contains(&i) {
            continue;
        }
        match block {
            Block::Heading { level: l, .. } if *l <= level => {
                sections.push((kinds[i], block, Vec::new()));
            }
            _ => {
                if let Some(last) = sections.last_mut() {
                    last.2.push(block);
                }
            }
        }
    }
    let preamble: Vec<&Block> = preamble
        .into_iter()
        .filter(|bl| !std::ptr::eq(*bl, &PHANTOM))
        .collect();
    if !preamble.is_empty() {
        let text = flatten(&preamble);
        draft.appendices.push((
            if lang == Some(Lang::En) {
                "Introduction".to_owned()
            } else {
                "引言".to_owned()
            },
            text,
        ));
    }
    let numbers: Vec<(String, usize)> = sections
        .iter()
        .filter_map(|(_, h, _)| match h {
            Block::Heading {
                number: Some(n),
                typed: true,
                line,
                ..
            } => Some((n.clone(), *line)),
            _ => None,
        })
        .collect();
    b.check_numbers(&numbers, &title);
    for (kind, heading, content) in &sections {
        let (heading_text, section_number) = match heading {
            Block::Heading { text, number, .. } => (text.clone(), number.clone()),
            _ => (String::new(), None),
        };
        if kind.is_some_and(|k| k != Kind::Appendix) {
            // The heading names the field it fills.
            b.mapped.push(heading_text.clone());
        }
        // What a section holds beyond its entries stays, as an appendix under its heading.
        let rest = match kind {
            Some(Kind::Purpose) => {
                append(&mut draft.purpose, &flatten(content));
                Vec::new()
            }
            Some(Kind::PurposeScope) => {
                // 目的和范围, 总则: the sentence that says what it applies to is the scope.
                let (scope, purpose): (Vec<&Block>, Vec<&Block>) = content.iter().partition(
                    |block| matches!(block, Block::Para { plain, .. } if says_scope(plain)),
                );
                append(&mut draft.purpose, &flatten(&purpose));
                append(&mut draft.scope, &flatten(&scope));
                Vec::new()
            }
            Some(Kind::Scope) => {
                append(&mut draft.scope, &flatten(content));
                Vec::new()
            }
            Some(Kind::Responsibilities) => {
                b.pairs(content, level, &mut draft.responsibilities, true)
            }
            Some(Kind::Definitions) => b.pairs(content, level, &mut draft.definitions, false),
            Some(Kind::Steps) => {
                let steps = b.steps(content, level, section_number.as_deref(), &title);
                draft.steps.extend(steps);
                Vec::new()
            }
            Some(Kind::Related) => {
                b.related(content, &mut draft.related);
                Vec::new()
            }
            Some(Kind::Records) => b.records(content, &mut draft.records),
            Some(Kind::Appendix) | None => {
                let title = match &section_number {
                    Some(n) if kind.is_none() => format!("{n} {heading_text}"),
                    _ => heading_text.clone(),
                };
                draft.appendices.push((title, flatten(content)));
                Vec::new()
            }
        };
        if !rest.is_empty() {
            draft
                .appendices
                .push((heading_text.clone(), flatten(&rest)));
        }
    }
    if !b.head.leftovers.is_empty() {
        let mut text = Vec::new();
        for rows in std::mem::take(&mut b.head.leftovers) {
            text.push(markdown_table(&rows));
        }
        draft.appendices.insert(
            0,
            (
                if lang == Some(Lang::En) {
                    "Document information".to_owned()
                } else {
                    "文件信息".to_owned()
                },
                text.join("\n\n"),
            ),
        );
    }
    if draft.purpose.is_empty() {
        draft.comments.push((
            "purpose",
            "import: the source has no purpose: write one".into(),
        ));
    }
    if draft.scope.is_empty() {
        draft
            .comments
            .push(("scope", "import: the source has no scope: write one".into()));
    }
    draft.notes.append(&mut b.notes);
    draft.problems.append(&mut b.problems);
    Built {
        made: Made::Procedure(Box::new(draft)),
        mapped: b.mapped,
        furniture: b.furniture,
    }
}

/// Read numbered paragraphs that name the sections (`一、目的`, `1 目的`, `第三章 职责` typed as
/// plain text, with no heading style or `#`) as the section headings, one level below the
/// document's title — when no heading names a section and at least two such paragraphs do.
/// Numbered sub-headings after them (`4.1 设备验收`) keep their own, deeper level.
fn promote_sections(
    blocks: &[Block],
    sections: &BTreeMap<String, Vec<String>>,
) -> Option<Vec<Block>> {
    let names_section = |bl: &Block| match bl {
        Block::Heading { text, .. } => section_kind(text, sections).is_some(),
        _ => false,
    };
    let heading = |bl: &Block| match bl {
        // Typed with a tab or not: a Word paragraph `一、目的` in the Normal style.
        Block::Para { line, plain, .. } => {
            let (number, rest) = typed_number(plain)?;
            (rest.chars().count() <= 16 && section_kind(&rest, sections).is_some())
                .then_some((*line, number, rest))
        }
        _ => None,
    };
    if blocks.iter().any(names_section) || blocks.iter().filter_map(heading).count() < 2 {
        return None;
    }
    // One level below the headings before the first section (the title's `#`), if any.
    let first = blocks.iter().position(|bl| heading(bl).is_some())?;
    let level = 1 + blocks[..first]
        .iter()
        .filter_map(|bl| match bl {
            Block::Heading { level, .. } => Some(*level),
            _ => None,
        })
        .min()
        .unwrap_or(0);
    Some(
        blocks
            .iter()
            .map(|bl| match heading(bl) {
                Some((line, number, text)) => Block::Heading {
                    line,
                    level,
                    number: Some(number),
                    typed: true,
                    text,
                },
                None => bl.clone(),
            })
            .collect(),
    )
}

/// A stand-in block (the preamble's title, when a header table names another).
static PHANTOM: Block = Block::Para {
    line: 0,
    number: None,
    typed: false,
    text: String::new(),
    plain: String::new(),
};

fn append(to: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !to.is_empty() {
        to.push_str("\n\n");
    }
    to.push_str(text);
}

/// Whether a title names a form, list or checklist.
fn form_title(title: &str) -> bool {
    let t = title.trim();
    let lower = t.to_lowercase();
    t.ends_with(['表', '单', '單'])
        || t.ends_with("记录")
        || t.ends_with("記錄")
        || t.ends_with("清单")
        || ["list", "checklist", "form", "log", "register", "template"]
            .iter()
            .any(|w| lower.ends_with(w))
}

/// Whether a paragraph says what the document applies to (its scope): `本制度适用于…`,
/// `适用范围：…`, `This procedure applies to …`.
fn says_scope(plain: &str) -> bool {
    let text = typed_number(plain).map_or(plain.to_owned(), |(_, rest)| rest);
    let head: String = text.chars().take(12).collect();
    head.contains("适用于")
        || head.contains("適用於")
        || head.contains("适用范围")
        || head.contains("適用範圍")
        || text.to_lowercase().contains(" applies to ")
}

/// Blocks as Markdown: headings bold, tables as tables.
fn flatten(blocks: &[&Block]) -> String {
    let mut out: Vec<String> = Vec::new();
    for block in blocks {
        out.push(match block {
            Block::Heading { number, text, .. } => match number {
                Some(n) => format!("**{n} {text}**"),
                None => format!("**{text}**"),
            },
            // A typed number is in the text already; Word's own numbering is not.
            Block::Para {
                number: Some(n),
                typed: false,
                text,
                ..
            } => format!("{n} {text}"),
            Block::Para { text, .. } | Block::List { text, .. } => text.clone(),
            Block::Table { rows, .. } => markdown_table(rows),
        });
    }
    out.retain(|t| !t.is_empty());
    out.join("\n\n")
}

const ROLE_HEADERS: &[&str] = &[
    "role",
    "roles",
    "position",
    "department",
    "function",
    "responsibility",
    "responsibilities",
    "部门",
    "部門",
    "职责",
    "職責",
    "岗位",
    "角色",
    "职位",
    "term",
    "definition",
    "abbreviation",
    "meaning",
    "description",
    "术语",
    "定义",
    "名词",
    "解释",
    "缩写",
    "acronym",
    "terms",
    "definitions",
    "explanation",
    "owner",
    "duties",
    "task",
    "tasks",
];

static RESPONSIBLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:The |the )?(.{2,50}?) (?:is|are|shall be) (?:responsible|accountable) for")
        .expect("a valid regex")
});

/// Split `head: text` (or `head – text`) in two.
fn split_pair(text: &str) -> Option<(String, String)> {
    for sep in ["：", ": ", " – ", " — ", " - ", " = "] {
        if let Some(i) = text.find(sep) {
            let head = text[..i].trim().trim_matches('*').trim();
            let rest = text[i + sep.len()..].trim();
            if (1..=40).contains(&head.chars().count()) && !rest.is_empty() {
                return Some((head.to_owned(), rest.to_owned()));
            }
        }
    }
    None
}

impl Builder<'_> {
    /// Take the names without a date: (role, its word in the document's language, name).
    fn undated(&mut self, lang: Option<Lang>) -> Vec<(&'static str, &'static str, String)> {
        std::mem::take(&mut self.head.undated)
            .into_iter()
            .map(|(role, name)| {
                (
                    role,
                    crate::import::role_word(role, lang == Some(Lang::En)),
                    name,
                )
            })
            .collect()
    }

    fn note(&mut self, line: usize, text: impl Into<String>) {
        self.notes.push(Note {
            line,
            text: text.into(),
        });
    }

    /// Read a header or approval table; return whether it was one.
    fn header_table(&mut self, rows: &[Vec<String>]) -> bool {
        // A Markdown metadata table needs a header row: `| Field | Value |` names no field.
        if let [first, rest @ ..] = rows
            && !rest.is_empty()
            && first.len() == 2
            && first.iter().all(|c| {
                let k = squash(c);
                [
                    "field", "item", "value", "content", "detail", "details", "项目", "項目",
                    "内容", "內容",
                ]
                .contains(&k.as_str())
            })
        {
            let saved = (self.head.clone(), self.mapped.len(), self.furniture.len());
            if self.header_cells(rest) {
                self.mapped.extend(first.iter().cloned());
                return true;
            }
            self.head = saved.0;
            self.mapped.truncate(saved.1);
            self.furniture.truncate(saved.2);
        }
        let labels: usize = rows
            .iter()
            .flatten()
            .filter(|c| label(c).is_some_and(|l| l != Label::Meta))
            .count();
        if labels < 2 {
            // `文件编号：QP-01` in each cell.
            let cells: Vec<&String> = rows
                .iter()
                .flatten()
                .filter(|c| !c.trim().is_empty())
                .collect();
            let saved = (self.head.clone(), self.mapped.len());
            if cells.len() >= 2 && cells.iter().all(|c| self.header_line(c)) {
                return true;
            }
            self.head = saved.0;
            self.mapped.truncate(saved.1);
            return false;
        }
        let saved = (self.head.clone(), self.mapped.len(), self.furniture.len());
        let taken = self.header_cells(rows);
        if !taken {
            self.head = saved.0;
            self.mapped.truncate(saved.1);
            self.furniture.truncate(saved.2);
        }
        taken
    }

    /// Read the cells of a header table; return whether any value was taken.
    fn header_cells(&mut self, rows: &[Vec<String>]) -> bool {
        let mut used: HashSet<(usize, usize)> = HashSet::new();
        let first_row_labels = rows.first().is_some_and(|r| {
            let cells: Vec<&String> = r.iter().filter(|c| !c.trim().is_empty()).collect();
            !cells.is_empty()
                && cells.iter().all(|c| label(c).is_some())
                && cells.iter().any(|c| label(c) != Some(Label::Meta))
        });
        let role_rows = rows.iter().skip(1).any(|r| {
            r.first()
                .and_then(|c| label(c))
                .is_some_and(|l| matches!(l, Label::Prepared | Label::Reviewed | Label::Approved))
        });
        if first_row_labels && rows.len() >= 2 && !role_rows {
            // Labels across the top, values under them.
            let header = &rows[0];
            for (c, cell) in header.iter().enumerate() {
                let Some(l) = label(cell) else { continue };
                used.insert((0, c));
                let values: Vec<(usize, &String)> = rows
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter_map(|(r, row)| row.get(c).map(|v| (r, v)))
                    .filter(|(_, v)| !v.trim().is_empty())
                    .collect();
                self.take(l, &values, &mut used, c);
            }
            // Row labels in the first column (签名, 日期) map to no field.
            for (r, row) in rows.iter().enumerate().skip(1) {
                if row.first().and_then(|c| label(c)) == Some(Label::Meta) {
                    used.insert((r, 0));
                }
            }
        } else {
            for (r, row) in rows.iter().enumerate() {
                let mut c = 0;
                while c < row.len() {
                    let Some(l) = label(&row[c]) else {
                        c += 1;
                        continue;
                    };
                    used.insert((r, c));
                    if l == Label::Meta {
                        c += 1;
                        continue;
                    }
                    // The values: the cells up to the next label (a signature's run over
                    // `日期`/`Date` labels too).
                    let role = matches!(l, Label::Prepared | Label::Reviewed | Label::Approved);
                    let mut values = Vec::new();
                    let mut next = c + 1;
                    while next < row.len() {
                        match label(&row[next]) {
                            None => {
                                if !row[next].trim().is_empty() {
                                    values.push((r, &row[next]));
                                }
                            }
                            Some(Label::Meta) if role => {}
                            Some(_) => break,
                        }
                        next += 1;
                    }
                    self.take_row(l, &values, &mut used, r, c + 1, next);
                    c = next;
                }
            }
        }
        for &(r, c) in &used {
            if let Some(cell) = rows.get(r).and_then(|row| row.get(c))
                && label(cell).is_some()
            {
                self.mapped.push(cell.clone());
            }
        }
        let mut leftover = false;
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if is_blank(cell) || used.contains(&(r, c)) {
                    continue;
                }
                if is_company(cell) {
                    self.furniture.push(("header table".into(), cell.clone()));
                    continue;
                }
                if self.head.guessed_title.is_none() && names_document(cell) {
                    self.head.guessed_title = Some(cell.clone());
                    continue;
                }
                leftover = true;
            }
        }
        let values = used.iter().any(|&(r, c)| {
            rows.get(r)
                .and_then(|row| row.get(c))
                .is_some_and(|cell| label(cell).is_none())
        });
        if !values {
            return false;
        }
        if leftover {
            self.head.leftovers.push(rows.to_vec());
        }
        true
    }

    /// Take a label's values from the cells under it (a column).
    fn take(
        &mut self,
        l: Label,
        values: &[(usize, &String)],
        used: &mut HashSet<(usize, usize)>,
        c: usize,
    ) {
        match l {
            Label::Prepared | Label::Reviewed | Label::Approved => {
                let (name, date) = name_and_date(values);
                match (name, date) {
                    (Some((nr, name)), Some((dr, date, raw))) => {
                        used.insert((*nr, c));
                        used.insert((dr, c));
                        self.mapped.push(raw.clone());
                        self.head.approval.push((role(l), (*name).clone(), date));
                    }
                    (Some((nr, name)), None) if is_name(name) => {
                        used.insert((*nr, c));
                        self.head.undated.push((role(l), name.trim().to_owned()));
                    }
                    _ => {}
                }
            }
            _ => {
                if let Some((r, v)) = values.first()
                    && self.value(l, v)
                {
                    used.insert((*r, c));
                }
            }
        }
    }

    /// Take a label's values from the cells after it in a row.
    fn take_row(
        &mut self,
        l: Label,
        values: &[(usize, &String)],
        used: &mut HashSet<(usize, usize)>,
        r: usize,
        from: usize,
        to: usize,
    ) {
        match l {
            Label::Prepared | Label::Reviewed | Label::Approved => {
                let (name, date) = name_and_date(values);
                let signed = match (name, date) {
                    (Some((_, name)), Some((_, date, raw))) if values.len() == 2 => {
                        self.mapped.push(raw.clone());
                        Some(((*name).clone(), date))
                    }
                    (Some((_, one)), None) if values.len() == 1 => {
                        let sig = signature(one);
                        if sig.is_some() {
                            self.mapped.push((*one).clone());
                        }
                        sig
                    }
                    _ => None,
                };
                if let Some((name, date)) = signed {
                    self.head.approval.push((role(l), name, date));
                    for c in from..to {
                        used.insert((r, c));
                    }
                } else if let [(_, one)] = values
                    && is_name(one)
                {
                    self.head.undated.push((role(l), one.trim().to_owned()));
                    for c in from..to {
                        used.insert((r, c));
                    }
                }
            }
            _ => {
                if let Some((_, v)) = values.first()
                    && self.value(l, v)
                    && values.len() == 1
                {
                    for c in from..to {
                        used.insert((r, c));
                    }
                }
            }
        }
    }

    /// Take one header value; return whether it maps to a field.
    fn value(&mut self, l: Label, v: &str) -> bool {
        let v = v.trim();
        match l {
            Label::Id if self.head.id.is_none() => self.head.id = Some(v.to_owned()),
            Label::Title if self.head.title.is_none() => self.head.title = Some(v.to_owned()),
            Label::Version if self.head.version.is_none() => {
                let Some(version) = normalise_version(v, self.settings.scheme) else {
                    return false;
                };
                self.head.version = Some(version);
                self.mapped.push(v.to_owned());
            }
            Label::Effective if self.head.effective.is_none() => {
                let Some(date) = iso_date(v) else {
                    return false;
                };
                self.head.effective = Some(date);
                self.mapped.push(v.to_owned());
            }
            Label::Owner if self.head.owner.is_none() => self.head.owner = Some(v.to_owned()),
            Label::Page => {
                self.furniture.push(("header table".into(), v.to_owned()));
            }
            _ => return false,
        }
        true
    }

    /// Read `文件编号：QP-01 版本：A/1` typed as a paragraph before the first section; return
    /// whether the whole paragraph was such labels and values.
    fn header_line(&mut self, text: &str) -> bool {
        let segments: Vec<&str> = text.split(['：', ':']).collect();
        if segments.len() < 2 {
            return false;
        }
        // Each segment but the first and last is `value label`: the label is the longest
        // run of words at its end that names one.
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut head = segments[0].trim().to_owned();
        for (i, seg) in segments.iter().enumerate().skip(1) {
            if i == segments.len() - 1 {
                pairs.push((head.clone(), seg.trim().to_owned()));
                break;
            }
            let words: Vec<&str> = seg.split_whitespace().collect();
            let split = (1..words.len().min(5))
                .rev()
                .find(|&k| label(&words[words.len() - k..].join(" ")).is_some());
            let Some(k) = split else {
                return false;
            };
            pairs.push((head.clone(), words[..words.len() - k].join(" ")));
            head = words[words.len() - k..].join(" ");
        }
        let mut labels = Vec::new();
        for (head, value) in &pairs {
            match label(head) {
                Some(l) if l != Label::Meta && !value.is_empty() => labels.push(l),
                _ => return false,
            }
        }
        self.mapped.push(text.to_owned());
        for (l, (head, value)) in labels.into_iter().zip(&pairs) {
            if let Some((name, date)) = signature(value)
                && matches!(l, Label::Prepared | Label::Reviewed | Label::Approved)
            {
                self.head.approval.push((role(l), name, date));
                self.mapped.push(head.clone());
                // `**Prepared by:** J. Smith, 2025-02-10`: the value is its own piece of text.
                self.mapped.push(value.clone());
            } else if self.value(l, value) {
                self.mapped.push(head.clone());
            } else {
                self.head
                    .leftovers
                    .push(vec![vec![head.clone(), value.clone()]]);
            }
        }
        true
    }

    /// Return the document's header: the title found and what its header table gives (the set's
    /// first version when it names none).
    fn header(&self, title: &str, lang: Option<Lang>) -> DraftHeader {
        DraftHeader {
            title: title.to_owned(),
            id: self.head.id.clone(),
            version: self
                .head
                .version
                .clone()
                .unwrap_or_else(|| default_version(self.settings.scheme)),
            lang,
            effective: self.head.effective.clone(),
            owner: self.head.owner.clone(),
            approval: self.head.approval.clone(),
        }
    }

    /// Check typed numbers among siblings: a number used again, or one skipped.
    fn check_numbers(&mut self, numbers: &[(String, usize)], title: &str) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut prev: Option<&(String, usize)> = None;
        for item in numbers {
            let (n, line) = item;
            if let Some(first) = seen.get(n) {
                self.problems.push(
                    Diagnostic::new(
                        Code::ImportNumbering,
                        self.file,
                        Pos::at(*line as u32, 1),
                        format!("`{n}` is used again (first at line {first}) in 「{title}」"),
                    )
                    .with_help("the YAML numbers the steps anew; check which number was meant"),
                );
            } else if let Some((p, _)) = prev {
                let parts: Vec<&str> = n.split('.').collect();
                let prev_parts: Vec<&str> = p.split('.').collect();
                if parts.len() == prev_parts.len()
                    && parts[..parts.len() - 1] == prev_parts[..prev_parts.len() - 1]
                {
                    let a: u32 = prev_parts.last().and_then(|x| x.parse().ok()).unwrap_or(0);
                    let b: u32 = parts.last().and_then(|x| x.parse().ok()).unwrap_or(0);
                    if b > a + 1 {
                        let mut missing = parts[..parts.len() - 1].to_vec();
                        let m = (a + 1).to_string();
                        missing.push(&m);
                        self.problems.push(
                            Diagnostic::new(
                                Code::ImportNumbering,
                                self.file,
                                Pos::at(*line as u32, 1),
                                format!(
                                    "`{n}` follows `{p}`: `{}` is missing in 「{title}」",
                                    missing.join(".")
                                ),
                            )
                            .with_help(
                                "the YAML numbers the steps anew; check whether a step is missing",
                            ),
                        );
                    }
                }
            }
            seen.entry(n.clone()).or_insert(*line);
            prev = Some(item);
        }
    }

    /// Read a section of (head, text) pairs: responsibilities or definitions. Returns the
    /// blocks that are no pair.
    fn pairs<'b>(
        &mut self,
        content: &[&'b Block],
        level: usize,
        out: &mut Vec<(String, String)>,
        departments: bool,
    ) -> Vec<&'b Block> {
        let mut rest: Vec<&Block> = Vec::new();
        let mut i = 0;
        while i < content.len() {
            let block = content[i];
            match block {
                Block::Heading { text, level: l, .. } if *l > level => {
                    // A sub-heading names the department; the text under it is its duties.
                    let mut body = Vec::new();
                    let mut j = i + 1;
                    while j < content.len()
                        && !matches!(content[j], Block::Heading { level: l2, .. } if l2 <= l)
                    {
                        body.push(content[j]);
                        j += 1;
                    }
                    out.push((text.clone(), flatten(&body)));
                    i = j;
                    continue;
                }
                Block::Table { rows, .. } if rows.first().is_some_and(|r| r.len() >= 2) => {
                    let header = rows[0].iter().all(|c| {
                        let k = squash(c);
                        ROLE_HEADERS
                            .iter()
                            .any(|w| k == squash(w) || k.contains(&squash(w)))
                    });
                    for (r, row) in rows.iter().enumerate() {
                        if r == 0 && header {
                            self.mapped.extend(row.iter().cloned());
                            continue;
                        }
                        let head = row[0].trim().to_owned();
                        let text: Vec<&str> = row[1..]
                            .iter()
                            .map(|c| c.trim())
                            .filter(|c| !c.is_empty())
                            .collect();
                        if head.is_empty() && text.is_empty() {
                            continue;
                        }
                        out.push((head, text.join("; ")));
                    }
                }
                Block::List { items, .. } => {
                    let mut unsplit = Vec::new();
                    for (_, _, plain) in items {
                        match self.pair(plain, departments) {
                            Some(p) => out.push(p),
                            None => unsplit.push(plain.clone()),
                        }
                    }
                    if !unsplit.is_empty() {
                        rest.push(block);
                    }
                }
                Block::Para { plain, .. } => {
                    if is_none(plain) {
                        self.mapped.push(plain.clone());
                    } else {
                        match self.pair(plain, departments) {
                            Some(p) => out.push(p),
                            None => rest.push(block),
                        }
                    }
                }
                other => rest.push(other),
            }
            i += 1;
        }
        rest
    }

    fn pair(&mut self, plain: &str, departments: bool) -> Option<(String, String)> {
        // `1、品质部：…` typed by hand: the number is the list's, not the department's.
        let whole = plain;
        let plain = crate::import::number::number_prefix(plain).map_or(plain, |n| &plain[n..]);
        if plain != whole {
            self.mapped
                .push(whole[..whole.len() - plain.len()].trim().to_owned());
        }
        if let Some(p) = split_pair(plain) {
            // Both halves are written: the term (or department) and its text.
            self.mapped.push(plain.to_owned());
            return Some(p);
        }
        if departments {
            if let Some(c) = RESPONSIBLE.captures(plain) {
                return Some((c[1].to_owned(), plain.to_owned()));
            }
            let (dept, found) = crate::import::guess::department(plain, &self.settings.departments);
            if found && !plain.is_ascii() {
                return Some((dept, plain.to_owned()));
            }
        }
        None
    }

    /// Read the steps of the procedure section: sub-headings and numbered paragraphs nest by
    /// their level; other blocks are the text of the step above them.
    fn steps(
        &mut self,
        content: &[&Block],
        level: usize,
        section: Option<&str>,
        title: &str,
    ) -> Vec<DraftStep> {
        let base = section.map_or(0, |s| s.split('.').count());
        let mut roots: Vec<DraftStep> = Vec::new();
        let mut stack: Vec<(usize, DraftStep)> = Vec::new();
        // Typed numbers per parent, for the check: (depth path) → numbers.
        let mut typed: Vec<Vec<(String, usize)>> = vec![Vec::new()];
        fn close(stack: &mut Vec<(usize, DraftStep)>, roots: &mut Vec<DraftStep>, depth: usize) {
            while stack.last().is_some_and(|(d, _)| *d >= depth) {
                let (_, step) = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some((_, parent)) => parent.steps.push(step),
                    None => roots.push(step),
                }
            }
        }
        for block in content {
            let (depth, step, number) = match block {
                Block::Heading {
                    level: l,
                    text,
                    number,
                    typed: t,
                    line,
                } => (
                    l.saturating_sub(level).max(1),
                    DraftStep {
                        title: Some(match STEP_PREFIX.find(text) {
                            Some(m) if m.end() < text.len() => {
                                // `Step 1: Receive`: the YAML numbers the steps.
                                self.mapped.push(text.clone());
                                text[m.end()..].to_owned()
                            }
                            _ => text.clone(),
                        }),
                        ..DraftStep::default()
                    },
                    number.clone().filter(|_| *t).map(|n| (n, *line)),
                ),
                Block::Para {
                    number: Some(n),
                    text,
                    plain,
                    typed: t,
                    line,
                } => {
                    let parts = n.split('.').count();
                    let depth = if base > 0 && n.starts_with(&format!("{}.", section.unwrap_or("")))
                    {
                        parts - base
                    } else {
                        parts
                    };
                    // `4.1 不合格品的识别` alone on its line: the title of the steps under it.
                    if let Some((_, rest)) = typed_number(plain).filter(|(_, r)| is_title(r)) {
                        self.mapped.push(plain.clone());
                        let step = DraftStep {
                            title: Some(rest),
                            ..DraftStep::default()
                        };
                        (depth.max(1), step, Some((n.clone(), *line)).filter(|_| *t))
                    } else {
                        // `（负责部门：供销部） text`: a step without a title, with its department.
                        let (by, text) = match STEP_BY_LEAD.captures(text) {
                            Some(c) if c.get(0).is_some_and(|m| m.end() < text.len()) => {
                                let lead = c.get(0).map_or(0, |m| m.end());
                                // The paragraph is read whole: its lead into `by`, the rest as text.
                                self.mapped.push(plain.clone());
                                (Some(c[1].to_owned()), text[lead..].to_owned())
                            }
                            _ => (None, text.clone()),
                        };
                        (
                            depth.max(1),
                            DraftStep {
                                text: Some(text),
                                by,
                                ..DraftStep::default()
                            },
                            Some((n.clone(), *line)).filter(|_| *t),
                        )
                    }
                }
                Block::List { items, text, .. }
                    if text.starts_with(|c: char| c.is_ascii_digit())
                        && items.iter().all(|(c, _, _)| c.is_none()) =>
                {
                    // An ordered list: each item is a step, under the step above it.
                    let steps = items.iter().map(|(_, md, _)| DraftStep {
                        text: Some(md.clone()),
                        ..DraftStep::default()
                    });
                    match stack.last_mut() {
                        Some((_, step)) => step.steps.extend(steps),
                        None => roots.extend(steps),
                    }
                    continue;
                }
                other => {
                    // `（负责部门：品质部）` right under a step's heading (as docctl's own .docx
                    // writes it): the step's responsible department.
                    if let (Block::Para { plain, .. }, Some((_, step))) = (other, stack.last_mut())
                        && step.title.is_some()
                        && step.text.is_none()
                        && step.by.is_none()
                        && let Some(c) = STEP_BY.captures(plain.trim())
                    {
                        step.by = Some(c[1].to_owned());
                        self.mapped.push(plain.clone());
                        continue;
                    }
                    // `（1）检验员…` under a titled step: one of its steps (the YAML numbers them).
                    if let (
                        Block::Para {
                            plain,
                            text,
                            number: None,
                            ..
                        },
                        Some((_, step)),
                    ) = (other, stack.last_mut())
                        && step.title.is_some()
                        && step.text.is_none()
                        && let Some(n) = crate::import::number::number_prefix(text)
                    {
                        // The paragraph is read whole: its number is the YAML's to write.
                        self.mapped.push(plain.clone());
                        step.steps.push(DraftStep {
                            text: Some(text[n..].to_owned()),
                            ..DraftStep::default()
                        });
                        continue;
                    }
                    let text = flatten(&[*other]);
                    match stack.last_mut() {
                        Some((_, step)) => {
                            let mut t = step.text.take().unwrap_or_default();
                            append(&mut t, &text);
                            step.text = Some(t);
                        }
                        None => stack.push((
                            1,
                            DraftStep {
                                text: Some(text),
                                ..DraftStep::default()
                            },
                        )),
                    }
                    continue;
                }
            };
            close(&mut stack, &mut roots, depth);
            while typed.len() > depth + 1 {
                let numbers = typed.pop().unwrap_or_default();
                self.check_numbers(&numbers, title);
            }
            while typed.len() < depth + 1 {
                typed.push(Vec::new());
            }
            if let Some(n) = number {
                typed[depth].push(n);
            }
            stack.push((depth, step));
        }
        close(&mut stack, &mut roots, 0);
        for numbers in typed {
            self.check_numbers(&numbers, title);
        }
        roots
    }

    /// Read 相关文件: one entry per table row, list item or paragraph.
    fn related(&mut self, content: &[&Block], out: &mut Vec<String>) {
        for block in content {
            match block {
                Block::Table { rows, .. } => {
                    let header = rows
                        .first()
                        .is_some_and(|r| r.iter().all(|c| is_column_label(c)));
                    for (r, row) in rows.iter().enumerate() {
                        if r == 0 && header {
                            self.mapped.extend(row.iter().cloned());
                            continue;
                        }
                        let cells: Vec<&str> = row
                            .iter()
                            .map(|c| c.trim())
                            .filter(|c| !c.is_empty())
                            .collect();
                        if !cells.is_empty() {
                            out.push(cells.join(" "));
                        }
                    }
                }
                Block::List { items, .. } => {
                    out.extend(items.iter().map(|(_, _, p)| p.trim().to_owned()));
                }
                Block::Para { plain, .. } if is_none(plain) => self.mapped.push(plain.clone()),
                Block::Para { plain, .. } if !has_han(plain) => out.push(plain.trim().to_owned()),
                Block::Para { plain, .. } => out.extend(entries(plain).0),
                Block::Heading { text, .. } => out.push(text.clone()),
            }
        }
    }

    /// Read 记录: one record per table row or list item. Returns the blocks that are none.
    fn records<'b>(&mut self, content: &[&'b Block], out: &mut Vec<RecordDraft>) -> Vec<&'b Block> {
        let mut rest = Vec::new();
        for block in content {
            match block {
                Block::Table { rows, .. } if !rows.is_empty() => {
                    let header = &rows[0];
                    let find = |words: &[&str]| {
                        header.iter().position(|c| {
                            let k = squash(c);
                            words.iter().any(|w| k == *w)
                        })
                    };
                    let serial = find(&["序号", "序號", "no", "sn", "item", "序"]);
                    let form = find(&[
                        "记录名称",
                        "記錄名稱",
                        "表单名称",
                        "表單名稱",
                        "名称",
                        "名稱",
                        "记录",
                        "表格名称",
                        "record",
                        "recordname",
                        "form",
                        "formname",
                        "title",
                        "document",
                        "name",
                        "recordtitle",
                        "recordform",
                        "formtitle",
                    ]);
                    let id = find(&[
                        "编号",
                        "編號",
                        "表单编号",
                        "表單編號",
                        "记录编号",
                        "記錄編號",
                        "文件编号",
                        "formno",
                        "formnumber",
                        "recordid",
                        "id",
                        "ref",
                        "reference",
                        "docno",
                        "number",
                        "formid",
                        "recordno",
                        "documentid",
                    ]);
                    let keeper = find(&[
                        "保存部门",
                        "保存部門",
                        "保管部门",
                        "保管部門",
                        "保存单位",
                        "归档部门",
                        "责任部门",
                        "keeper",
                        "owner",
                        "responsible",
                        "custodian",
                        "heldby",
                        "maintainedby",
                        "responsibility",
                        "retainedby",
                        "keptby",
                    ]);
                    let retention = find(&[
                        "保存期限",
                        "保存期",
                        "保存年限",
                        "保存时间",
                        "保存時間",
                        "retention",
                        "retentionperiod",
                        "retentiontime",
                        "keptfor",
                        "minimumretention",
                        "retain",
                    ]);
                    let Some(form) = form.or(id) else {
                        rest.push(*block);
                        continue;
                    };
                    self.mapped.extend(header.iter().cloned());
                    for row in rows.iter().skip(1) {
                        let get = |c: Option<usize>| {
                            c.and_then(|c| row.get(c))
                                .map(|v| v.trim().to_owned())
                                .filter(|v| !v.is_empty())
                        };
                        let Some(name) = get(Some(form)) else {
                            continue;
                        };
                        let mut extras: Vec<String> = Vec::new();
                        if let Some(i) = get(id).filter(|_| id != Some(form)) {
                            extras.push(i);
                        }
                        for (c, v) in row.iter().enumerate() {
                            if [Some(form), id, keeper, retention, serial].contains(&Some(c))
                                || v.trim().is_empty()
                            {
                                continue;
                            }
                            extras.push(v.trim().to_owned());
                        }
                        if let Some(s) = get(serial) {
                            self.mapped.push(s);
                        }
                        let form = if extras.is_empty() {
                            name
                        } else {
                            format!("{name} ({})", extras.join("; "))
                        };
                        out.push(RecordDraft {
                            form,
                            keeper: get(keeper),
                            retention: get(retention),
                        });
                    }
                }
                Block::List { items, .. } => {
                    out.extend(items.iter().map(|(_, _, p)| self.record_line(p.trim())));
                }
                Block::Para { plain, .. } if is_none(plain) => self.mapped.push(plain.clone()),
                // A note under the records ("Note: …", 注：…) is text about them, not a record.
                Block::Para { plain, .. } if is_note(plain) => rest.push(*block),
                Block::Para { plain, .. } if !has_han(plain) => out.push(self.record_line(plain)),
                Block::Para { plain, .. } => {
                    for entry in entries(plain).0 {
                        // The entry is read whole into the record's fields.
                        self.mapped.push(entry.clone());
                        out.push(record(&entry));
                    }
                }
                other => rest.push(*other),
            }
        }
        rest
    }

    /// Read one record written on a line: `《表》 品质部 3年`, or `Form — QA — 10 years`.
    fn record_line(&mut self, line: &str) -> RecordDraft {
        if has_han(line) {
            return record(line);
        }
        let parts: Vec<&str> = line
            .split(" — ")
            .flat_map(|p| p.split(" – "))
            .map(str::trim)
            .collect();
        let retention = |p: &str| {
            let l = p.to_lowercase();
            l.chars().any(|c| c.is_ascii_digit()) || l.contains("permanent") || l.contains("life")
        };
        match parts.as_slice() {
            [form, keeper, kept] if retention(kept) => RecordDraft {
                form: (*form).to_owned(),
                keeper: Some((*keeper).to_owned()),
                retention: Some((*kept).to_owned()),
            },
            [form, kept] if retention(kept) => RecordDraft {
                form: (*form).to_owned(),
                keeper: None,
                retention: Some((*kept).to_owned()),
            },
            _ => RecordDraft {
                form: line.to_owned(),
                ..RecordDraft::default()
            },
        }
    }

    /// Read a form, list or checklist.
    fn form(
        &mut self,
        title: &str,
        lang: Option<Lang>,
        blocks: &[Block],
        consumed: &HashSet<usize>,
        lines: (usize, usize),
    ) -> FormDraft {
        let mut form = FormDraft {
            header: self.header(title, lang),
            layout: "sheet",
            lines,
            ..FormDraft::default()
        };
        for (_, label, name) in self.undated(lang) {
            form.notes.push(Note {
                line: lines.0,
                text: format!(
                    "{label} {name} has no date: not imported (sign with `docctl approve`)"
                ),
            });
        }
        let mut keys: HashSet<String> = HashSet::new();
        let key = |label: &str, keys: &mut HashSet<String>| -> String {
            let mut k: String = label
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            k = k
                .split('_')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("_");
            k.truncate(30);
            let k = k.trim_end_matches('_').to_owned();
            let base = if k.is_empty() || k.starts_with(|c: char| c.is_ascii_digit()) {
                format!("f{}", keys.len() + 1)
            } else {
                k
            };
            let mut out = base.clone();
            let mut n = 2;
            while keys.contains(&out) {
                out = format!("{base}_{n}");
                n += 1;
            }
            keys.insert(out.clone());
            out
        };
        let kind = |label: &str| -> &'static str {
            let l = label.to_lowercase();
            if l.contains("date") || label.contains("日期") {
                "date"
            } else if l.contains("signature") || label.contains("签名") || label.contains("簽名")
            {
                "signature"
            } else {
                "text"
            }
        };
        let mut instructions: Vec<String> = Vec::new();
        let tables = blocks
            .iter()
            .filter(|b| matches!(b, Block::Table { .. }))
            .count();
        for (i, block) in blocks.iter().enumerate() {
            if consumed.contains(&i) {
                continue;
            }
            match block {
                Block::Heading { text, level, .. } => {
                    if *level == 1 && text == title {
                        continue;
                    }
                    form.fields.push(FieldDraft {
                        key: key(text, &mut keys),
                        label: text.clone(),
                        kind: "section",
                        columns: Vec::new(),
                    });
                }
                Block::Para { plain, .. } if plain == title => {}
                Block::Para { text, .. } => instructions.push(text.clone()),
                Block::List { items, text, .. } => {
                    if items.iter().any(|(c, _, _)| c.is_some()) {
                        for (_, _, plain) in items {
                            form.fields.push(FieldDraft {
                                key: key(plain, &mut keys),
                                label: plain.clone(),
                                kind: "checkbox",
                                columns: Vec::new(),
                            });
                        }
                    } else {
                        instructions.push(text.clone());
                    }
                }
                Block::Table { rows, .. } => {
                    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                    let label_value = width == 2
                        && rows.len() >= 2
                        && rows.iter().skip(1).all(|r| {
                            r.get(1)
                                .is_none_or(|v| v.trim().is_empty() || v.chars().count() < 40)
                        });
                    let filled = rows
                        .iter()
                        .skip(1)
                        .any(|r| r.iter().skip(1).any(|c| !c.trim().is_empty()));
                    if label_value && !filled {
                        let header = rows[0].iter().all(|c| label(c) == Some(Label::Meta));
                        if header {
                            self.mapped.extend(rows[0].iter().cloned());
                        }
                        for row in rows.iter().skip(usize::from(header)) {
                            if let Some(l) = row.first().filter(|l| !l.trim().is_empty()) {
                                form.fields.push(FieldDraft {
                                    key: key(l, &mut keys),
                                    label: l.clone(),
                                    kind: kind(l),
                                    columns: Vec::new(),
                                });
                            }
                        }
                        continue;
                    }
                    let Some(header) = rows.first() else { continue };
                    let columns: Vec<(String, String)> = header
                        .iter()
                        .filter(|h| !h.trim().is_empty())
                        .map(|h| (h.clone(), h.clone()))
                        .collect();
                    if filled {
                        // Filled rows are an example or a fixed list: kept as text.
                        instructions.push(markdown_table(rows));
                    }
                    if tables == 1 + consumed.len() && form.fields.is_empty() {
                        form.layout = "register";
                        for (_, l) in &columns {
                            form.fields.push(FieldDraft {
                                key: key(l, &mut keys),
                                label: l.clone(),
                                kind: kind(l),
                                columns: Vec::new(),
                            });
                        }
                    } else {
                        let mut ckeys = HashSet::new();
                        let cols = columns
                            .iter()
                            .map(|(_, l)| (key(l, &mut ckeys), l.clone()))
                            .collect();
                        let label = header.join(" / ");
                        form.fields.push(FieldDraft {
                            key: key("table", &mut keys),
                            label: if form.fields.is_empty() {
                                title.to_owned()
                            } else {
                                label
                            },
                            kind: "table",
                            columns: cols,
                        });
                    }
                }
            }
        }
        if form.layout == "register"
            && form
                .fields
                .iter()
                .any(|f| f.kind != "text" && f.kind != "date" && f.kind != "signature")
        {
            form.layout = "sheet";
        }
        if form.fields.is_empty() {
            form.fields.push(FieldDraft {
                key: "notes".into(),
                label: if lang == Some(Lang::En) {
                    "Notes".into()
                } else {
                    "备注".into()
                },
                kind: "textarea",
                columns: Vec::new(),
            });
            self.note(
                lines.0,
                "no table or checklist: one text field, the text kept as instructions",
            );
        }
        form.instructions = instructions.join("\n\n");
        form.notes.append(&mut self.notes);
        form
    }
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
}

/// A step's responsible department on a line of its own: `（负责部门：品质部）`.
static STEP_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[（(]\s*(?:负责部门|負責部門|(?i:responsible))\s*[：:]\s*([^（()）]{1,40}?)\s*[）)]$",
    )
    .expect("a valid regex")
});

/// The same at the start of a step's text.
static STEP_BY_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[（(]\s*(?:负责部门|負責部門|(?i:responsible))\s*[：:]\s*([^（()）]{1,40}?)\s*[）)]\s*",
    )
    .expect("a valid regex")
});

static STEP_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:step)\s+\d+(?:\.\d+)*\s*[:.\-–—]\s*").expect("a valid regex")
});

fn role(l: Label) -> &'static str {
    match l {
        Label::Reviewed => "reviewed",
        Label::Approved => "approved",
        _ => "prepared",
    }
}

/// Whether a text reads as a document's name (程序, 规范, Procedure …).
fn names_document(text: &str) -> bool {
    let t = text.trim();
    let lower = t.to_lowercase();
    [
        "程序",
        "規程",
        "规程",
        "制度",
        "规范",
        "規範",
        "办法",
        "辦法",
        "手册",
        "手冊",
        "指导书",
        "指導書",
        "规定",
        "規定",
        "表",
        "单",
        "單",
        "清单",
        "记录",
        "記錄",
    ]
    .iter()
    .any(|w| t.ends_with(w))
        || [
            "procedure",
            "policy",
            "instruction",
            "sop",
            "manual",
            "plan",
        ]
        .iter()
        .any(|w| lower.ends_with(w))
}

/// `赵敏 2024-01-05`: a name and the date of the signature.
fn signature(value: &str) -> Option<(String, String)> {
    let value = value.trim();
    let (name, date) = value.rsplit_once(char::is_whitespace)?;
    let date = iso_date(date)?;
    // `J. Smith, 2025-02-10`: the comma separates, it is not part of the name.
    let name = name
        .trim()
        .trim_end_matches([',', '，', ';', '；', '、'])
        .trim_end();
    (!name.is_empty() && iso_date(name).is_none()).then(|| (name.to_owned(), date))
}

/// Whether a cell is empty or a line to write on (`______`, `/`, `—`): nothing to keep.
fn is_blank(cell: &str) -> bool {
    cell.chars()
        .all(|c| c.is_whitespace() || matches!(c, '_' | '-' | '—' | '/' | '／' | '＿'))
}

/// Whether a cell under 编制/审核/批准 reads as a person's name: short, one line, not a
/// placeholder (`______`, `/`) and not a label.
fn is_name(cell: &str) -> bool {
    let cell = cell.trim();
    let chars = cell.chars().count();
    (1..=30).contains(&chars)
        && !cell.contains('\n')
        && cell.chars().any(char::is_alphabetic)
        && label(cell).is_none()
        && iso_date(cell).is_none()
}

fn is_company(cell: &str) -> bool {
    let lower = cell.to_lowercase();
    cell.ends_with("公司")
        || cell.ends_with("有限公司")
        || [
            " inc",
            " inc.",
            " ltd",
            " ltd.",
            " gmbh",
            " llc",
            " co., ltd.",
            " corp.",
        ]
        .iter()
        .any(|s| lower.ends_with(s))
}

fn is_column_label(cell: &str) -> bool {
    let k = squash(cell);
    [
        "序号",
        "文件编号",
        "文件名称",
        "编号",
        "名称",
        "documentid",
        "document",
        "title",
        "reference",
        "id",
        "no",
        "documentno",
        "documenttitle",
        "description",
        "regulation",
        "standard",
        "requirement",
        "clause",
        "section",
        "source",
        "type",
        "documentnumber",
        "name",
        "ref",
        "version",
        "文件類別",
        "文件类别",
        "类别",
        "標準",
        "标准",
        "条款",
    ]
    .contains(&k.as_str())
}

/// The share of the source's text that reached the YAML.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// Characters of source text (furniture excluded).
    pub total: usize,
    /// Characters that reached the YAML.
    pub reached: usize,
    /// The passages that did not.
    pub lost: Vec<Piece>,
    /// The furniture, not counted: (where, text).
    pub furniture: Vec<(String, String)>,
}

impl Coverage {
    /// The share in percent.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.reached as f64 * 100.0 / self.total as f64
        }
    }
}

/// The comparable form of a text: no white space, no Markdown escapes or emphasis.
fn norm(text: &str) -> String {
    text.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '\\' | '*'
                        | '`'
                        | '|'
                        | ':'
                        | '：'
                        | ';'
                        | '；'
                        | '、'
                        | ','
                        | '，'
                        | '—'
                        | '–'
                )
        })
        .collect()
}

fn strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(&norm(s));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        serde_json::Value::Number(n) => {
            out.push_str(&n.to_string());
        }
        _ => {}
    }
}

/// Measure what share of the document's text is in the YAML written for it: each piece of
/// source text must stand in one of its values (or be a label or value the import mapped to
/// a field: a date, a version); page furniture is listed, not counted.
pub fn coverage(doc: &Doc, built: &Built, yaml: &str) -> Coverage {
    let mut hay = String::new();
    if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(yaml) {
        strings(&value, &mut hay);
    }
    let mapped: HashSet<String> = built.mapped.iter().map(|m| norm(m)).collect();
    let furniture: HashSet<String> = built.furniture.iter().map(|(_, t)| norm(t)).collect();
    let mut out = Coverage {
        furniture: built.furniture.clone(),
        ..Coverage::default()
    };
    for piece in &doc.pieces {
        let n = norm(&piece.text);
        // A line to write a name on (`______`) carries no text to keep.
        if n.is_empty() || is_blank(&piece.text) || furniture.contains(&n) {
            continue;
        }
        let count = n.chars().count();
        out.total += count;
        // A typed section number is not kept: the YAML numbers anew.
        let unnumbered = typed_number(&piece.text).map(|(_, rest)| norm(&rest));
        if mapped.contains(&n)
            || hay.contains(&n)
            || unnumbered
                .is_some_and(|u| !u.is_empty() && (hay.contains(&u) || mapped.contains(&u)))
        {
            out.reached += count;
        } else {
            out.lost.push(piece.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::markdown;

    fn built(doc: &Doc) -> Built {
        build(doc, "x.md", "x", &Settings::default())
    }

    #[test]
    fn coverage_names_what_the_yaml_lacks() {
        let doc = markdown(
            "# Spill Response\n\n## Purpose\n\nContain spills.\n\n## Procedure\n\n### 1. Stop\n\nClose the container.\n",
        );
        let b = built(&doc);
        let full = "title: Spill Response\npurpose: Contain spills.\nsteps:\n  - title: Stop\n    text: Close the container.\n";
        let c = coverage(&doc, &b, full);
        assert!(c.lost.is_empty(), "{c:?}");
        assert_eq!(c.percent(), 100.0);
        // A YAML without the step's text: the passage is named with its line.
        let short = "title: Spill Response\npurpose: Contain spills.\nsteps:\n  - title: Stop\n";
        let c = coverage(&doc, &b, short);
        assert_eq!(c.lost.len(), 1);
        assert_eq!(c.lost[0].line, 11);
        assert_eq!(c.lost[0].text, "Close the container.");
        assert!(c.percent() < 100.0);
    }

    #[test]
    fn sections_are_whole_headings() {
        let none = BTreeMap::new();
        assert_eq!(section_kind("Process Steps", &none), Some(Kind::Steps));
        assert_eq!(
            section_kind("5 工作程序", &none),
            None,
            "numbers are taken off before"
        );
        assert_eq!(section_kind("工作程序", &none), Some(Kind::Steps));
        assert_eq!(
            section_kind("Roles and Responsibilities", &none),
            Some(Kind::Responsibilities)
        );
        assert_eq!(
            section_kind("Appendix B: Forms", &none),
            Some(Kind::Appendix)
        );
        assert_eq!(section_kind("The purpose of the audit", &none), None);
        let extra = BTreeMap::from([("purpose".to_owned(), vec!["宗旨与目标".to_owned()])]);
        assert_eq!(section_kind("宗旨与目标", &extra), Some(Kind::Purpose));
    }

    #[test]
    fn header_tables_in_both_languages() {
        let doc = markdown(
            "| 文件编号 | QP-1 | 版本/状态 | A/2 |\n|---|---|---|---|\n| 生效日期 | 2024年3月1日 | 归口部门 | 品质部 |\n\n| 编制 | 审核 | 批准 |\n|---|---|---|\n| 张三 | 李四 | 王五 |\n| 2024-02-01 | 2024-02-03 | 2024-02-05 |\n\n# 采购程序\n\n## 目的\n\n甲。\n\n## 工作程序\n\n乙。\n",
        );
        let Made::Procedure(d) = built(&doc).made else {
            panic!("a procedure")
        };
        assert_eq!(d.header.id.as_deref(), Some("QP-1"));
        assert_eq!(d.header.title, "采购程序");
        assert_eq!(d.header.version, "A/2");
        assert_eq!(d.header.effective.as_deref(), Some("2024-03-01"));
        assert_eq!(d.header.owner.as_deref(), Some("品质部"));
        assert_eq!(
            d.header.approval,
            [
                ("prepared", "张三".to_owned(), "2024-02-01".to_owned()),
                ("reviewed", "李四".to_owned(), "2024-02-03".to_owned()),
                ("approved", "王五".to_owned(), "2024-02-05".to_owned()),
            ]
        );
    }
}
