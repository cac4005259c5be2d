//! Stage 3 of the import: a passage → a draft procedure. The numbering scanner finds the
//! sections and items; this stage maps each section to its field (目的 → purpose, 职责 →
//! responsibilities …), nests the steps as numbered, guesses departments, reads 相关文件 and
//! 记录, and keeps whatever fits no field in a step marked for the reader.

use crate::diagnostic::{Code, Diagnostic};
use crate::fold;
use crate::import::Note;
use crate::import::guess::{
    SENTENCE_ENDS, clean, default_version, department, entries, guess_lang, heading_split,
    is_heading, is_none, is_table_header, last_words, names_own_department, normalise_version,
    record, sentences, short, split_definition,
};
use crate::import::header::{self, Header};
use crate::import::keywords::{self, SectionKind};
use crate::import::number::{self, Event, Scanned};
use crate::import::read::Source;
use crate::import::split::Passage;
use crate::model::{Lang, Pos, VersionScheme};

/// What the structure stage needs to know about the set the procedures go into.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The set's version scheme (`A/0` or `1.0`).
    pub scheme: VersionScheme,
    /// Department names the set knows (departments and their aliases), to recognise them at
    /// the start of a duty.
    pub departments: Vec<String>,
    /// More section headings, by field (docctl.yaml `import: {sections: …}`).
    pub sections: std::collections::BTreeMap<String, Vec<String>>,
}

/// The header the import reads for a procedure or a form alike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftHeader {
    /// The title.
    pub title: String,
    /// 文件编号, when the source has one.
    pub id: Option<String>,
    /// The version, in the set's scheme.
    pub version: String,
    /// The language, when it is not simplified Chinese.
    pub lang: Option<Lang>,
    /// 生效日期, when the header has one.
    pub effective: Option<String>,
    /// 归口部门, when the header names one.
    pub owner: Option<String>,
    /// Signatures with a date: (role, name, date).
    pub approval: Vec<(&'static str, String, String)>,
}

/// A procedure as the import understood it, before it has an id and becomes YAML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Title, id, version, language, effective date, owner and signatures.
    pub header: DraftHeader,
    /// Other names the source gives the document (its title line, repeated headings).
    pub aliases: Vec<String>,
    /// 目的.
    pub purpose: String,
    /// 范围.
    pub scope: String,
    /// 定义: (term, text).
    pub definitions: Vec<(String, String)>,
    /// 职责: (department, duties).
    pub responsibilities: Vec<(String, String)>,
    /// 工作程序.
    pub steps: Vec<DraftStep>,
    /// 相关文件, as written.
    pub related: Vec<String>,
    /// 记录.
    pub records: Vec<RecordDraft>,
    /// 附录: (title, Markdown text) — what fits no other field.
    pub appendices: Vec<(String, String)>,
    /// `# import:` comments written above a field: (field, comment).
    pub comments: Vec<(&'static str, String)>,
    /// The guesses, for the report.
    pub notes: Vec<Note>,
    /// Numbering problems and truncation, as diagnostics about the source.
    pub problems: Vec<Diagnostic>,
    /// First and last source line.
    pub lines: (usize, usize),
}

/// A step of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftStep {
    /// A heading.
    pub title: Option<String>,
    /// The text.
    pub text: Option<String>,
    /// The responsible department, from a `（负责部门：…）` line under the step's heading.
    pub by: Option<String>,
    /// Sub-steps.
    pub steps: Vec<DraftStep>,
    /// `# import:` comments written above the step.
    pub comments: Vec<String>,
}

/// A record of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordDraft {
    /// The form as written (`《X》`, `<X>`, or a bare title).
    pub form: String,
    /// 保存部门.
    pub keeper: Option<String>,
    /// 保存期限.
    pub retention: Option<String>,
}

/// A passage that is not a procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its title line, if any.
    pub title: String,
    /// First and last source line.
    pub lines: (usize, usize),
    /// Why it was skipped, as a diagnostic about the source.
    pub diagnostic: Diagnostic,
}

/// What became of a passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A procedure to write.
    Procedure(Box<Draft>),
    /// Not a procedure: reported and skipped.
    Skipped(Skipped),
    /// A form, list or checklist (the structured import of .md and .docx).
    Form(Box<crate::import::outline::FormDraft>),
}

/// Understand one passage of a source. The file's name is the title of last resort.
pub fn build(passage: &Passage, source: &Source, settings: &Settings) -> Outcome {
    let file = source.display.as_str();
    let stem = source
        .path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let stem = stem.as_str();
    let body = Body::new(passage);
    let scanned = number::scan(&body.text, &|at| {
        let pos = body.pos(at);
        format!("line {}, column {}", pos.line, pos.column)
    });
    let title_line = passage
        .title
        .as_ref()
        .map(|t| header::strip_brackets_outer(&t.text).to_owned())
        .unwrap_or_default();
    let lines = passage.span();
    let skip = |message: String, help: &str| {
        let pos = passage
            .title
            .as_ref()
            .or(passage.lines.first())
            .map_or(Pos::at(1, 1), |l| Pos::at(l.number as u32, l.column as u32));
        Outcome::Skipped(Skipped {
            title: title_line.clone(),
            lines,
            diagnostic: Diagnostic::new(Code::ImportSkipped, file, pos, message).with_help(help),
        })
    };
    let first_section = scanned
        .events
        .iter()
        .position(|e| matches!(e, Event::Section { kind: Some(_), .. }));
    let shown = if title_line.is_empty() {
        format!("lines {}–{}", lines.0, lines.1)
    } else {
        format!("「{title_line}」")
    };
    if !passage.has_body || body.text.trim().is_empty() {
        return skip(
            format!("{shown} has no text under it: not a procedure"),
            "a title alone, or page furniture; nothing was written",
        );
    }
    let mut builder = Builder {
        body: &body,
        scanned: &scanned,
        file,
        settings,
        draft: Draft {
            lines,
            ..Draft::default()
        },
        title_at: passage.title.as_ref().map_or(lines.0, |t| t.number),
        unnamed: Vec::new(),
    };
    match first_section {
        Some(first) => builder.structured(first, &title_line, stem),
        None if keywords::names_document(&title_line, true) => builder.unstructured(&title_line),
        None => {
            return skip(
                format!(
                    "{shown} has no recognisable sections (目的, 范围, 职责, 工作程序 …): not a procedure"
                ),
                "nothing was written; if it is a procedure, number its sections (1 目的, 2 范围 …) and import it again",
            );
        }
    }
    builder.furniture(passage);
    Outcome::Procedure(Box::new(builder.draft))
}

/// A passage's lines joined into one text, with the way back to source lines and columns.
struct Body {
    text: String,
    /// (byte offset in `text`, source line, column of the line's first character).
    starts: Vec<(usize, usize, usize)>,
}

impl Body {
    /// Join the lines. A long line (or .docx paragraph) that stops mid-sentence was wrapped or
    /// broken by a page, and goes on in the next one without a space; otherwise a line break
    /// ends a paragraph (a heading, an item).
    fn new(passage: &Passage) -> Self {
        let mut text = String::new();
        let mut starts: Vec<(usize, usize, usize)> = Vec::new();
        for line in &passage.lines {
            if let Some(&(start, _, _)) = starts.last() {
                let prev = text[start..].trim_end();
                let wrap = prev.chars().count() > 40 && !prev.ends_with(SENTENCE_ENDS);
                text.push_str(if wrap { "\n" } else { " \n" });
            }
            starts.push((text.len(), line.number, line.column));
            text.push_str(&line.text);
        }
        Body { text, starts }
    }

    fn pos(&self, at: usize) -> Pos {
        let i = self.starts.partition_point(|&(start, _, _)| start <= at);
        let Some(&(start, line, column)) = self.starts.get(i.saturating_sub(1)) else {
            return Pos::at(1, 1);
        };
        let chars = self.text.get(start..at).map_or(0, |s| s.chars().count());
        Pos::at(line as u32, (column + chars) as u32)
    }

    fn line(&self, at: usize) -> usize {
        self.pos(at).line as usize
    }
}

/// A section of the passage with its text and nested items.
#[derive(Debug, Default)]
struct Section {
    kind: Option<SectionKind>,
    number: String,
    heading: String,
    at: usize,
    intro: String,
    /// The byte ranges the intro was read from (a list keeps one entry a line).
    intro_ranges: Vec<(usize, usize)>,
    items: Vec<Node>,
}

/// A numbered item with its text and sub-items.
#[derive(Debug, Clone, Default)]
struct Node {
    label: String,
    at: usize,
    dotted: bool,
    problem: Option<usize>,
    text: String,
    ranges: Vec<(usize, usize)>,
    children: Vec<Node>,
}

struct Builder<'a> {
    body: &'a Body,
    scanned: &'a Scanned,
    file: &'a str,
    settings: &'a Settings,
    draft: Draft,
    /// The source line of the title line.
    title_at: usize,
    /// Duties that name no department: where, and the start of their text.
    unnamed: Vec<(usize, String)>,
}

impl Builder<'_> {
    fn note(&mut self, at: usize, text: impl Into<String>) {
        let line = self.body.line(at);
        self.draft.notes.push(Note {
            line,
            text: text.into(),
        });
    }

    fn comment(&mut self, field: &'static str, text: impl Into<String>) {
        self.draft.comments.push((field, text.into()));
    }

    fn clean(&self, start: usize, end: usize) -> String {
        clean(&self.body.text[start..end])
    }

    /// Read a passage with sections: the header, then each section into its field.
    fn structured(&mut self, first: usize, title_line: &str, stem: &str) {
        let events = &self.scanned.events;
        let first_at = match &events[first] {
            Event::Section { at, .. } => *at,
            _ => 0,
        };
        let head = header::scan(&self.body.text[..first_at], 0);
        self.header(&head, title_line, stem);
        self.numbering_problems();

        let sections = self.sections(&events[first..]);
        let first_steps = sections
            .iter()
            .position(|s| matches!(s.kind, Some(SectionKind::Steps) | None))
            .unwrap_or(sections.len());
        let mut before: Vec<DraftStep> = Vec::new();
        for piece in &head.rest {
            before.push(unmapped(
                piece.text.clone(),
                format!(
                    "import: text before the first section that fits no field (line {})",
                    self.body.line(piece.at)
                ),
            ));
            self.note(
                piece.at,
                format!(
                    "kept in a step: 「{}」 (before the first section)",
                    short(&piece.text)
                ),
            );
        }
        let mut after: Vec<DraftStep> = Vec::new();
        let mut steps: Vec<DraftStep> = Vec::new();
        let mut seen: Vec<SectionKind> = Vec::new();
        for (index, section) in sections.iter().enumerate() {
            let leftovers = self.section(section, &mut steps);
            if index < first_steps {
                before.extend(leftovers);
            } else {
                after.extend(leftovers);
            }
            seen.extend(section.kind);
        }
        before.append(&mut steps);
        before.append(&mut after);
        self.draft.steps = before;
        self.missing(&seen);
        self.truncation(&sections);
        self.lang();
        if let Some(&(at, _)) = self.unnamed.first() {
            let list: Vec<String> = self
                .unnamed
                .iter()
                .map(|(_, t)| format!("「{t}」"))
                .collect();
            self.note(
                at,
                format!(
                    "职责 that name no department (the phrase itself is the department): {}",
                    list.join(", ")
                ),
            );
        }
    }

    /// Read a passage without sections whose title names a document: every sentence becomes a
    /// step.
    fn unstructured(&mut self, title_line: &str) {
        self.draft.header.title = title_line.to_owned();
        self.draft.header.version = default_version(self.settings.scheme);
        let text = &self.body.text;
        let mut steps = Vec::new();
        for (start, end) in sentences(text) {
            let sentence = self.clean(start, end);
            if !sentence.is_empty() {
                steps.push(DraftStep {
                    text: Some(sentence),
                    ..DraftStep::default()
                });
            }
        }
        if let Some(first) = steps.first_mut() {
            first.comments.push(
                "import: the source has no sections (目的, 范围 …); each sentence is kept as a step"
                    .to_owned(),
            );
        }
        self.draft.steps = steps;
        self.comment("purpose", "import: the source has no 目的: write one");
        self.comment("scope", "import: the source has no 范围: write one");
        self.comment("responsibilities", "import: the source has no 职责");
        self.note(
            0,
            "no sections recognised, but the title names a document: every sentence kept as a step; write 目的, 范围 and 职责",
        );
        self.truncation(&[]);
        self.lang();
    }

    /// Read the header: title and aliases, id, version, dates and signatures.
    fn header(&mut self, head: &Header, title_line: &str, stem: &str) {
        let titles: Vec<String> = head
            .titles
            .iter()
            .map(|t| header::strip_brackets_outer(&t.text).to_owned())
            .collect();
        let (title, from) = match titles.last() {
            Some(last) => (last.clone(), "the heading before the first section"),
            None if !title_line.is_empty() => (title_line.to_owned(), "the title line"),
            None => (stem.to_owned(), "the file name (the source names no title)"),
        };
        self.draft.header.title = title.clone();
        let mut keys = vec![fold::key(&title)];
        for alias in std::iter::once(title_line.to_owned()).chain(titles) {
            let key = fold::key(&alias);
            if !alias.is_empty() && !keys.contains(&key) {
                keys.push(key);
                self.draft.aliases.push(alias);
            }
        }
        let mut note = format!("title 「{title}」 from {from}");
        if !self.draft.aliases.is_empty() {
            note.push_str(&format!(
                "; also named {} (kept as aliases)",
                self.draft
                    .aliases
                    .iter()
                    .map(|a| format!("「{a}」"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        match head.titles.last() {
            Some(t) => self.note(t.at, note),
            None => self.draft.notes.push(Note {
                line: self.title_at,
                text: note,
            }),
        }
        if let Some(id) = &head.id {
            self.draft.header.id = Some(id.text.clone());
            self.note(id.at, format!("文件编号 {} → id", id.text));
        }
        self.draft.header.version = default_version(self.settings.scheme);
        if let Some(version) = &head.version {
            match normalise_version(&version.text, self.settings.scheme) {
                Some(v) => {
                    self.note(version.at, format!("版本 {} → version {v}", version.text));
                    self.draft.header.version = v;
                }
                None => {
                    self.note(
                        version.at,
                        format!(
                            "版本 {} does not read as a version: version {} instead",
                            version.text, self.draft.header.version
                        ),
                    );
                    let text = format!("import: the source says 版本 {}", version.text);
                    self.comment("version", text);
                }
            }
        }
        if let Some(effective) = &head.effective {
            self.draft.header.effective = Some(effective.text.clone());
            self.note(
                effective.at,
                format!("生效日期 → effective {}", effective.text),
            );
        }
        if let Some(controlled) = &head.controlled {
            let text = format!(
                "import: the source says 受控状态 {}; an import is always a draft",
                controlled.text
            );
            self.comment("status", text);
        }
        for signature in &head.signatures {
            let label = crate::import::role_word(signature.role, false);
            match &signature.date {
                Some(date) => {
                    self.draft.header.approval.push((
                        signature.role,
                        signature.name.clone(),
                        date.clone(),
                    ));
                }
                None => {
                    let text = format!(
                        "import: {label} {} (no date in the source: add approval.{} when signed)",
                        signature.name, signature.role
                    );
                    self.comment("approval", text);
                    self.note(
                        signature.at,
                        format!("{label} {} has no date: left in a comment", signature.name),
                    );
                }
            }
        }
        if !head.furniture.is_empty() {
            let list: Vec<String> = head.furniture.iter().map(|f| short(&f.text)).collect();
            self.note(
                head.furniture[0].at,
                format!(
                    "header furniture left out (docctl prints its own): {}",
                    list.join(" · ")
                ),
            );
        }
    }

    fn furniture(&mut self, passage: &Passage) {
        for line in &passage.furniture {
            self.draft.notes.push(Note {
                line: line.number,
                text: format!(
                    "repeated title or page header left out: 「{}」",
                    short(&line.text)
                ),
            });
        }
    }

    fn numbering_problems(&mut self) {
        for problem in &self.scanned.problems {
            let pos = self.body.pos(problem.at);
            self.draft.problems.push(
                Diagnostic::new(
                    Code::ImportNumbering,
                    self.file,
                    pos,
                    format!("{} in 「{}」", problem.message, self.draft.header.title),
                )
                .with_width(problem.written.chars().count())
                .with_help("the YAML numbers the steps anew; check that this text sits under the right step"),
            );
        }
    }

    /// Group the events from the first section on into sections of nested items.
    fn sections(&self, events: &[Event]) -> Vec<Section> {
        let mut sections: Vec<Section> = Vec::new();
        let mut flat: Vec<(usize, Node)> = Vec::new();
        let close = |sections: &mut Vec<Section>, flat: &mut Vec<(usize, Node)>| {
            if let Some(last) = sections.last_mut() {
                last.items = nest(std::mem::take(flat));
            }
        };
        for event in events {
            match event {
                Event::Section {
                    kind,
                    number,
                    heading,
                    at,
                } => {
                    close(&mut sections, &mut flat);
                    sections.push(Section {
                        kind: *kind,
                        number: number.clone(),
                        heading: heading.clone(),
                        at: *at,
                        ..Section::default()
                    });
                }
                Event::Item {
                    label,
                    depth,
                    at,
                    dotted,
                    problem,
                } => flat.push((
                    *depth,
                    Node {
                        label: label.clone(),
                        at: *at,
                        dotted: *dotted,
                        problem: *problem,
                        ..Node::default()
                    },
                )),
                Event::Text { start, end } => {
                    let text = self.clean(*start, *end);
                    let (target, ranges) = match flat.last_mut() {
                        Some((_, node)) => (&mut node.text, &mut node.ranges),
                        None => match sections.last_mut() {
                            Some(section) => (&mut section.intro, &mut section.intro_ranges),
                            None => continue,
                        },
                    };
                    append(target, &text);
                    ranges.push((*start, *end));
                }
            }
        }
        close(&mut sections, &mut flat);
        sections
    }

    /// Put one section into its field; return steps holding what fits no field.
    fn section(&mut self, section: &Section, steps: &mut Vec<DraftStep>) -> Vec<DraftStep> {
        let mut leftovers = Vec::new();
        let name = section_name(section);
        let mut chunks: Vec<(String, usize)> = Vec::new();
        if !section.intro.is_empty() {
            chunks.push((section.intro.clone(), section.at));
        }
        for node in &section.items {
            flatten(node, &mut chunks);
        }
        match section.kind {
            Some(SectionKind::Purpose) => append(&mut self.draft.purpose, &join(&chunks)),
            Some(SectionKind::Scope) => append(&mut self.draft.scope, &join(&chunks)),
            Some(SectionKind::PurposeScope) => self.purpose_scope(section, &join(&chunks)),
            Some(SectionKind::Definitions) => {
                for (chunk, at) in chunks {
                    if is_none(&chunk) {
                        self.comment(
                            "definitions",
                            format!("import: {name} {chunk}: no definitions"),
                        );
                        continue;
                    }
                    match split_definition(&chunk) {
                        Some((term, text)) => self.draft.definitions.push((term, text)),
                        None => {
                            self.note(
                                at,
                                format!(
                                    "kept in a step: 「{}」 (a definition without a term)",
                                    short(&chunk)
                                ),
                            );
                            leftovers.push(unmapped(
                                chunk,
                                format!(
                                    "import: under {name}, but no `term: text` (line {})",
                                    self.body.line(at)
                                ),
                            ));
                        }
                    }
                }
            }
            Some(SectionKind::Responsibilities) => {
                if !section.intro.is_empty() && !is_none(&section.intro) {
                    self.duty(&section.intro.clone(), None, section.at);
                }
                for node in &section.items {
                    self.duties(node, None);
                }
            }
            Some(SectionKind::Steps) => {
                if !section.intro.is_empty() {
                    steps.push(DraftStep {
                        text: Some(section.intro.clone()),
                        ..DraftStep::default()
                    });
                }
                for node in &section.items {
                    let step = self.step(node);
                    steps.push(step);
                }
            }
            // The text importer's keywords name no appendix: such a section is kept as a step.
            Some(SectionKind::Appendix) | None => {
                let mut step = DraftStep {
                    title: Some(section.heading.trim_end_matches([':', '：']).to_owned()),
                    text: (!section.intro.is_empty()).then(|| section.intro.clone()),
                    ..DraftStep::default()
                };
                step.comments.push(format!(
                    "import: section `{name}` is no section docctl knows; kept as a step"
                ));
                step.steps = section.items.iter().map(|n| self.step(n)).collect();
                self.note(
                    section.at,
                    format!("section {name} is not a known section: kept as a step"),
                );
                steps.push(step);
            }
            Some(SectionKind::Related) => {
                for (chunk, at) in self.lines_of(section) {
                    let (entries, how) = entries(&chunk);
                    if let Some(how) = how {
                        self.note(at, format!("相关文件 「{}」: {how}", short(&chunk)));
                    }
                    self.draft.related.extend(entries);
                }
            }
            Some(SectionKind::Records) => {
                for (chunk, at) in self.lines_of(section) {
                    if is_table_header(&chunk) {
                        self.note(
                            at,
                            format!("records table header 「{}」 left out", short(&chunk)),
                        );
                        continue;
                    }
                    let (entries, how) = entries(&chunk);
                    if let Some(how) = how {
                        self.note(at, format!("记录 「{}」: {how}", short(&chunk)));
                    }
                    self.draft.records.extend(entries.iter().map(|e| record(e)));
                }
            }
        }
        if let Some(kind) = section.kind
            && section.intro.is_empty()
            && section.items.is_empty()
        {
            self.note(
                section.at,
                format!("section {name} is empty ({} left empty)", kind.field()),
            );
        }
        leftovers
    }

    /// Split the text of a list section (相关文件, 记录) into lines: there a line is an entry.
    fn lines_of(&self, section: &Section) -> Vec<(String, usize)> {
        fn walk(node: &Node, out: &mut Vec<(usize, usize)>) {
            out.extend(&node.ranges);
            for child in &node.children {
                walk(child, out);
            }
        }
        let mut ranges = section.intro_ranges.clone();
        for node in &section.items {
            walk(node, &mut ranges);
        }
        let mut out = Vec::new();
        for (start, end) in ranges {
            let mut from = start;
            for piece in self.body.text[start..end].split_inclusive('\n') {
                let text = clean(piece);
                if !text.is_empty() {
                    out.push((text, from));
                }
                from += piece.len();
            }
        }
        out
    }

    /// Split a 目的范围 section: the sentence that starts 本程序适用于 … begins the scope.
    fn purpose_scope(&mut self, section: &Section, text: &str) {
        const STARTS: &[&str] = &[
            "本程序适用于",
            "本程序適用於",
            "本规定适用于",
            "本制度适用于",
            "适用于",
            "適用於",
            "This procedure applies",
        ];
        let split = STARTS.iter().filter_map(|s| text.find(s)).min();
        match split {
            Some(at) if at > 0 => {
                append(&mut self.draft.purpose, text[..at].trim());
                append(&mut self.draft.scope, text[at..].trim());
                self.note(
                    section.at,
                    format!(
                        "{}: purpose up to 「{}」, scope from there",
                        section_name(section),
                        short(&text[at..])
                    ),
                );
            }
            _ => {
                append(&mut self.draft.purpose, text);
                self.note(
                    section.at,
                    format!(
                        "{}: no 适用于 sentence, all of it is the purpose",
                        section_name(section)
                    ),
                );
            }
        }
    }

    /// Add the responsibilities of an item: a department heading with sub-items, or a duty.
    fn duties(&mut self, node: &Node, inherited: Option<&str>) {
        if !node.children.is_empty() && is_heading(&node.text) {
            let department = node
                .text
                .trim_end_matches([':', '：', '.', '。'])
                .to_owned();
            for child in &node.children {
                self.duties(child, Some(&department));
            }
            return;
        }
        let department = if node.text.is_empty() {
            inherited.map(str::to_owned)
        } else {
            Some(self.duty(&node.text, inherited, node.at))
        };
        for child in &node.children {
            self.duties(child, department.as_deref());
        }
    }

    /// Add one duty; return its department.
    fn duty(&mut self, text: &str, inherited: Option<&str>, at: usize) -> String {
        let (department, recognised) = match inherited {
            Some(d) if !names_own_department(text) => (d.to_owned(), true),
            _ => department(text, &self.settings.departments),
        };
        if !recognised {
            self.unnamed.push((at, short(text)));
        }
        self.draft
            .responsibilities
            .push((department.clone(), text.to_owned()));
        department
    }

    /// Turn a numbered item into a step: a short heading becomes its title, sub-items its
    /// sub-steps.
    fn step(&self, node: &Node) -> DraftStep {
        let (title, text) = heading_split(&node.text, !node.children.is_empty(), node.dotted);
        let mut step = DraftStep {
            title,
            text,
            ..DraftStep::default()
        };
        if let Some(problem) = node.problem.and_then(|i| self.scanned.problems.get(i)) {
            step.comments.push(format!(
                "import: numbered `{}` in the source (line {}): {}",
                node.label,
                self.body.line(node.at),
                problem.message
            ));
        }
        if step.title.is_some() && step.text.is_none() && node.children.is_empty() {
            step.comments.push(
                "import: a heading without text: the source may be cut off, or a chart is missing"
                    .to_owned(),
            );
        }
        if step.title.is_none() && step.text.is_none() {
            step.text = Some(node.label.clone());
            step.comments
                .push("import: a number without text".to_owned());
        }
        step.steps = node.children.iter().map(|n| self.step(n)).collect();
        step
    }

    fn missing(&mut self, seen: &[SectionKind]) {
        let has = |kinds: &[SectionKind]| kinds.iter().any(|k| seen.contains(k));
        if self.draft.purpose.is_empty() {
            self.comment("purpose", "import: the source has no 目的");
            if !has(&[SectionKind::Purpose, SectionKind::PurposeScope]) {
                self.note(0, "no 目的 section: purpose left empty");
            }
        }
        if self.draft.scope.is_empty() {
            self.comment("scope", "import: the source has no 范围");
            if !has(&[SectionKind::Scope]) {
                self.note(0, "no 范围 section: scope left empty");
            }
        }
        if self.draft.responsibilities.is_empty() {
            self.comment("responsibilities", "import: the source has no 职责");
        }
        if self.draft.steps.is_empty() {
            self.comment("steps", "import: the source has no 工作程序");
            self.note(0, "no 工作程序 section: steps left empty");
        }
    }

    /// Warn when the text stops mid-sentence or under an empty heading.
    fn truncation(&mut self, sections: &[Section]) {
        let text = self.body.text.trim_end();
        let has_stops = text.contains(['。', '.', ';', '；']);
        let last = sections.last();
        let why = match last {
            Some(section) if section.intro.is_empty() && section.items.is_empty() => Some(format!(
                "「{}」 ends with the heading {} and nothing under it",
                self.draft.header.title,
                section_name(section)
            )),
            Some(section)
                if matches!(
                    section.kind,
                    Some(SectionKind::Related | SectionKind::Records)
                ) =>
            {
                None
            }
            _ if has_stops && !text.ends_with(SENTENCE_ENDS) => Some(format!(
                "「{}」 stops mid-sentence: 「{}」",
                self.draft.header.title,
                last_words(text)
            )),
            _ => None,
        };
        if let Some(message) = why {
            let at = text.char_indices().next_back().map_or(0, |(i, _)| i);
            let pos = self.body.pos(at);
            self.draft.problems.push(
                Diagnostic::new(Code::ImportTruncated, self.file, pos, message)
                    .with_help("the source may be cut off here: complete the procedure by hand"),
            );
        }
    }

    fn lang(&mut self) {
        if let Some(lang) = guess_lang(&self.body.text) {
            let name = match lang {
                Lang::ZhHant => "traditional Chinese (lang: zh-Hant)",
                Lang::En => "English (lang: en)",
                Lang::ZhHans => "simplified Chinese",
            };
            self.note(0, format!("the text is in {name}"));
            self.draft.header.lang = Some(lang);
        }
    }
}

/// Note drafts that repeat an earlier draft's text (web copies hold the same procedure
/// twice, or a translation of it): most of their sentences, folded, are the same.
pub fn mark_copies(drafts: &mut [&mut Draft]) {
    fn sentences_of(draft: &Draft) -> std::collections::BTreeSet<String> {
        fn walk(steps: &[DraftStep], out: &mut Vec<String>) {
            for step in steps {
                out.extend(step.text.iter().cloned());
                walk(&step.steps, out);
            }
        }
        let mut texts = vec![draft.purpose.clone(), draft.scope.clone()];
        texts.extend(draft.responsibilities.iter().map(|(_, d)| d.clone()));
        walk(&draft.steps, &mut texts);
        texts
            .iter()
            .map(|t| fold::key(t))
            .filter(|k| k.chars().count() >= 8)
            .collect()
    }
    let sets: Vec<_> = drafts.iter().map(|d| sentences_of(d)).collect();
    for later in 1..drafts.len() {
        for earlier in 0..later {
            let (a, b) = (&sets[earlier], &sets[later]);
            let shared = a.intersection(b).count();
            if shared >= 3 && shared * 2 >= a.len().min(b.len()) {
                let (title, lines) = (drafts[earlier].header.title.clone(), drafts[earlier].lines);
                let draft = &mut drafts[later];
                draft.notes.push(Note {
                    line: draft.lines.0,
                    text: format!(
                        "{shared} of its passages are also in 「{title}」 (lines {}–{}): the same document twice? merge them by hand",
                        lines.0, lines.1
                    ),
                });
                break;
            }
        }
    }
}

/// Write a section's number and heading as written: `4 基本流程`, `6、记录`, `目的`.
fn section_name(section: &Section) -> String {
    let space = if section.number.ends_with(|c: char| c.is_ascii_digit()) {
        " "
    } else {
        ""
    };
    format!("{}{space}{}", section.number, section.heading)
}

fn unmapped(text: String, comment: String) -> DraftStep {
    DraftStep {
        text: Some(text),
        comments: vec![comment],
        ..DraftStep::default()
    }
}

/// Nest items by depth, in text order: an item goes under the last item less deep than it.
fn nest(flat: Vec<(usize, Node)>) -> Vec<Node> {
    fn pop(stack: &mut Vec<(usize, Node)>, roots: &mut Vec<Node>) {
        if let Some((_, node)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(node),
                None => roots.push(node),
            }
        }
    }
    let mut roots = Vec::new();
    let mut stack: Vec<(usize, Node)> = Vec::new();
    for (depth, node) in flat {
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            pop(&mut stack, &mut roots);
        }
        stack.push((depth, node));
    }
    while !stack.is_empty() {
        pop(&mut stack, &mut roots);
    }
    roots
}

fn flatten(node: &Node, out: &mut Vec<(String, usize)>) {
    if !node.text.is_empty() {
        out.push((node.text.clone(), node.at));
    }
    for child in &node.children {
        flatten(child, out);
    }
}

/// Join texts: no space after a full-width stop, a space otherwise.
fn join(chunks: &[(String, usize)]) -> String {
    let mut out = String::new();
    for (chunk, _) in chunks {
        append(&mut out, chunk);
    }
    out
}

fn append(target: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !target.is_empty() && !target.ends_with(['。', '；', '！', '？', '：']) {
        target.push(' ');
    }
    target.push_str(text);
}
