//! Recover after a bad value: a file that is sound YAML but holds a value of the wrong type is
//! read again without that value (its top-level key, or the one list item holding it), so that
//! one mistake does not hide the file's other problems.
//!
//! The file is never re-indented or re-split by guesswork: the parser's own spans say where
//! each key and list item starts and ends, and a left-out part is overwritten with spaces of
//! the same byte length, so every other value keeps its line, column and byte offset.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde_saphyr::granit_parser::{Event, Parser, Span, StructureStyle};

use crate::diagnostic::{Code, Diagnostic};

/// At most this many values are left out of one file; a file with more bad values reports
/// the first ones and is not checked further.
pub(crate) const MAX_ROUNDS: usize = 20;

/// A file is read again at most until this many bytes were re-read in all: a huge file with
/// many bad values reports its first ones quickly rather than all of them slowly.
const MAX_REREAD_BYTES: usize = 32 * 1024 * 1024;

/// Nesting deeper than this is not outlined (the parser's own limits apply to the rest).
const MAX_DEPTH: usize = 64;

/// What a kind of file requires, so that a bad required value is replaced, not reported missing.
#[derive(Debug)]
pub(crate) struct Shape {
    /// Required top-level keys, each with a stand-in value that deserializes.
    required: &'static [(&'static str, &'static str)],
    /// Keys that say which document this is: without them it is reported but not checked.
    identity: &'static [&'static str],
    /// Lists numbered by position (steps 5.1, 5.2 …): a bad item is emptied (`{}`), not removed,
    /// so that the items after it keep their numbers.
    numbered: &'static [&'static str],
}

/// A controlled document's shape: the header keys every kind requires (id, title, version,
/// status; id, title and status also say which document it is), then the kind's own.
macro_rules! document_shape {
    ([$($own:expr),* $(,)?], numbered: $numbered:expr) => {
        Shape {
            required: &[
                ("id", "'?'"),
                ("title", "'?'"),
                ("version", "'?'"),
                ("status", "draft"),
                $($own),*
            ],
            identity: &["id", "title", "status"],
            numbered: $numbered,
        }
    };
}

/// A procedure's required keys.
pub(crate) const PROCEDURE: Shape = document_shape!(
    [
        ("purpose", "''"),
        ("scope", "''"),
        ("responsibilities", "[]"),
        ("steps", "[]"),
    ],
    numbered: &["steps"]
);

/// A form's required keys.
pub(crate) const FORM: Shape = document_shape!([("fields", "[]")], numbered: &[]);

/// A work instruction's required keys (a procedure's).
pub(crate) const INSTRUCTION: Shape = Shape {
    numbered: &["steps", "equipment", "safety", "quality"],
    ..PROCEDURE
};

/// The quality manual's required keys.
pub(crate) const MANUAL: Shape = document_shape!([("chapters", "[]")], numbered: &[]);

/// docctl.yaml's required keys.
pub(crate) const CONFIG: Shape = Shape {
    required: &[("company", "'?'"), ("departments", "[]")],
    identity: &[],
    numbered: &[],
};

/// What was left out of a file to read the rest of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repairs {
    /// The top-level keys whose value, or an item of it, was left out.
    pub keys: Vec<String>,
    /// Byte ranges of the file left out: a problem found inside one follows from the bad value.
    pub regions: Vec<Range<usize>>,
    /// The file's last line: stand-ins for required values are appended after it.
    pub last_line: u32,
    /// Whether a value naming the document (id, title, status) was left out: then the rest is
    /// not checked against the set, since it cannot be told which document it is.
    pub identity_lost: bool,
}

/// A file read with recovery: the value (whole, or without its bad parts), every bad value's
/// diagnostic, and what was left out.
#[derive(Debug)]
pub(crate) struct Outcome<T> {
    /// The value; `None` when the file could not be read even without its bad values.
    pub(crate) value: Option<T>,
    /// One diagnostic per bad value; empty when the file was read as written.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// What was left out.
    pub(crate) repairs: Repairs,
}

/// Parse a file; after a bad value, report it and parse again without it, up to
/// [`MAX_ROUNDS`] times (fewer for a file of megabytes). A syntax error stops at once, as without recovery.
pub(crate) fn parse<T: DeserializeOwned>(rel: &str, text: &str, shape: &Shape) -> Outcome<T> {
    let mut error = match crate::load::parse::<T>(rel, text) {
        Ok(value) => {
            return Outcome {
                value: Some(value),
                diagnostics: Vec::new(),
                repairs: Repairs::default(),
            };
        }
        Err(diagnostic) => diagnostic,
    };
    let mut outcome = Outcome {
        value: None,
        diagnostics: Vec::new(),
        repairs: Repairs {
            last_line: text.lines().count() as u32,
            ..Repairs::default()
        },
    };
    let outline = if recoverable(&error) {
        Outline::read(text)
    } else {
        None
    };
    let Some(outline) = outline else {
        outcome.diagnostics.push(error);
        return outcome;
    };
    let mut work = Work {
        text: text.as_bytes().to_vec(),
        outline,
        shape,
        lines: Lines::new(text),
        whole: Vec::new(),
        appended: Vec::new(),
    };
    let rounds = MAX_ROUNDS.min(MAX_REREAD_BYTES / text.len().max(1)).max(1);
    for _ in 0..rounds {
        let at = work.lines.offset(text, error.line, error.column);
        let unit = work.unit(at, &error);
        if !work.follows(at, error.line, &unit, &outcome.repairs) {
            outcome.diagnostics.push(error);
        }
        if !work.fix(unit, &mut outcome.repairs) {
            return outcome;
        }
        let Ok(edited) = std::str::from_utf8(&work.text) else {
            return outcome;
        };
        match crate::load::parse::<T>(rel, edited) {
            Ok(value) => {
                outcome.value = Some(value);
                return outcome;
            }
            // The parts left out broke the structure: say no more than what was found so far.
            Err(next) if !recoverable(&next) => return outcome,
            Err(next) => error = next,
        }
    }
    outcome
}

/// Whether a diagnostic of the parser is about a value (the structure around it is sound).
fn recoverable(diagnostic: &Diagnostic) -> bool {
    matches!(
        diagnostic.code,
        Code::InvalidValue | Code::UnknownKey | Code::MissingKey | Code::DuplicateKey
    )
}

/// The part of a file a bad value belongs to.
#[derive(Debug, Clone)]
enum Unit {
    /// One item of a block list under the top-level entry `entry`: `range` runs from its `-`.
    Item {
        entry: usize,
        range: Range<usize>,
        value: Range<usize>,
        numbered: bool,
    },
    /// A whole top-level entry, key and value.
    Entry(usize),
    /// A required top-level key that is absent.
    Missing(String),
    /// Nothing that can be left out.
    None,
}

/// The state of one file's recovery.
struct Work<'a> {
    /// The text as it is now: left-out parts are spaces, stand-ins are appended.
    text: Vec<u8>,
    outline: Outline,
    shape: &'a Shape,
    lines: Lines,
    /// The top-level entries left out whole.
    whole: Vec<usize>,
    /// The required keys given a stand-in.
    appended: Vec<String>,
}

impl Work<'_> {
    /// Find the part a diagnostic at byte `at` belongs to: the innermost block-list item
    /// holding it, else its top-level entry.
    fn unit(&self, at: Option<usize>, error: &Diagnostic) -> Unit {
        if error.code == Code::MissingKey {
            let key = error
                .message
                .split('`')
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let at_top = !self.outline.entries.iter().any(|e| e.key == key);
            if at_top && self.shape.required.iter().any(|(k, _)| *k == key) {
                return Unit::Missing(key);
            }
        }
        let Some(at) = at else { return Unit::None };
        let Some(entry) = self.outline.entry_at(at) else {
            return Unit::None;
        };
        let top = &self.outline.entries[entry];
        match innermost_item(&top.value, &top.key, at, 0) {
            Some(item) => Unit::Item {
                entry,
                numbered: self.shape.numbered.contains(&item.list.as_str()),
                range: item.range,
                value: item.value,
            },
            None => Unit::Entry(entry),
        }
    }

    /// Return whether a diagnostic only follows from what was left out before: it lies in a
    /// left-out part or a stand-in, or belongs to an entry of which a part was left out (an
    /// emptied list reads as null).
    fn follows(&self, at: Option<usize>, line: u32, unit: &Unit, repairs: &Repairs) -> bool {
        if line > repairs.last_line {
            return true;
        }
        if at.is_some_and(|at| repairs.regions.iter().any(|r| r.contains(&at))) {
            return true;
        }
        match unit {
            Unit::Entry(entry) => {
                let range = self.outline.entry_range(*entry);
                repairs.regions.iter().any(|r| range.contains(&r.start))
            }
            _ => false,
        }
    }

    /// Leave a unit out of the text; return false when nothing (more) can be left out.
    fn fix(&mut self, unit: Unit, repairs: &mut Repairs) -> bool {
        match unit {
            Unit::None => false,
            Unit::Missing(key) => self.stand_in(&key, repairs),
            Unit::Item {
                entry,
                range,
                value,
                numbered,
            } => {
                let key = self.outline.entries[entry].key.clone();
                let done = repairs.regions.iter().any(|r| r.contains(&value.start));
                if done || (numbered && value.len() < 2) {
                    return self.fix(Unit::Entry(entry), repairs);
                }
                if numbered {
                    // An empty step keeps its number, so the steps after it keep theirs.
                    blank(&mut self.text, value.clone());
                    self.text[value.start] = b'{';
                    self.text[value.start + 1] = b'}';
                    repairs.regions.push(value);
                } else {
                    blank(&mut self.text, range.clone());
                    repairs.regions.push(range);
                }
                self.note(&key, repairs);
                true
            }
            Unit::Entry(entry) => {
                if self.whole.contains(&entry) {
                    return false;
                }
                self.whole.push(entry);
                let range = self.outline.entry_range(entry);
                blank(&mut self.text, range.clone());
                repairs.regions.push(range);
                let key = self.outline.entries[entry].key.clone();
                self.note(&key, repairs);
                if self.shape.required.iter().any(|(k, _)| *k == key) {
                    return self.stand_in(&key, repairs);
                }
                true
            }
        }
    }

    /// Append a stand-in for a required key after the file's last line.
    fn stand_in(&mut self, key: &str, repairs: &mut Repairs) -> bool {
        let Some((_, value)) = self.shape.required.iter().find(|(k, _)| *k == key) else {
            return false;
        };
        if self.appended.iter().any(|k| k == key) || !self.outline.open_end {
            return false;
        }
        self.appended.push(key.to_owned());
        if !self.text.ends_with(b"\n") {
            self.text.push(b'\n');
        }
        self.text
            .extend_from_slice(format!("{key}: {value}\n").as_bytes());
        self.note(key, repairs);
        true
    }

    fn note(&self, key: &str, repairs: &mut Repairs) {
        if !repairs.keys.iter().any(|k| k == key) {
            repairs.keys.push(key.to_owned());
        }
        if self.shape.identity.contains(&key) {
            repairs.identity_lost = true;
        }
    }
}

/// Overwrite a byte range with spaces, keeping line breaks (and so every position after it).
fn blank(text: &mut [u8], range: Range<usize>) {
    let end = range.end.min(text.len());
    for byte in &mut text[range.start.min(end)..end] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

/// A block-list item: the key of its list, its range from the `-`, and its value's range.
struct ItemAt {
    list: String,
    range: Range<usize>,
    value: Range<usize>,
}

/// Find the innermost block-list item under `node` that holds byte `at`.
fn innermost_item(node: &Node, list: &str, at: usize, depth: usize) -> Option<ItemAt> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &node.kind {
        Kind::Leaf => None,
        Kind::Seq { block, items } => {
            let item = items
                .iter()
                .find(|item| (item.dash.unwrap_or(item.span.start)..item.span.end).contains(&at))?;
            let inner = innermost_item(item, list, at, depth + 1);
            match item.dash {
                Some(dash) if *block => inner.or_else(|| {
                    Some(ItemAt {
                        list: list.to_owned(),
                        range: dash..item.span.end,
                        value: item.span.clone(),
                    })
                }),
                _ => inner,
            }
        }
        Kind::Map { entries } => entries
            .iter()
            .find(|entry| {
                (entry.key_start..entry.value.span.end.max(entry.key_start + 1)).contains(&at)
            })
            .and_then(|entry| innermost_item(&entry.value, &entry.key, at, depth + 1)),
    }
}

/// A node of the parsed structure with its byte span.
#[derive(Debug)]
struct Node {
    span: Range<usize>,
    /// For an item of a block list: where its `-` is.
    dash: Option<usize>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Leaf,
    Seq { block: bool, items: Vec<Node> },
    Map { entries: Vec<Entry> },
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_start: usize,
    value: Node,
}

/// The top-level block mapping of a file, entry by entry.
#[derive(Debug)]
struct Outline {
    entries: Vec<Entry>,
    /// Where the text ends.
    len: usize,
    /// Whether nothing but blank lines and comments follows the mapping, so a key appended at
    /// the end belongs to it.
    open_end: bool,
}

impl Outline {
    /// Outline a file whose top level is a block mapping; `None` for anything else.
    fn read(text: &str) -> Option<Outline> {
        let mut events = Parser::new_from_str(text).filter(|e| {
            !matches!(
                e,
                Ok((
                    Event::Comment(..)
                        | Event::StreamStart
                        | Event::DocumentStart(..)
                        | Event::Anchor(..),
                    _
                ))
            )
        });
        let (first, span) = events.next()?.ok()?;
        if !matches!(first, Event::MappingStart(StructureStyle::Block, ..)) {
            return None;
        }
        let top = node(&mut events, first, span, text, 0)?;
        let mut rest = events;
        // One document only: a second one would not take an appended key.
        let single = matches!(rest.next(), Some(Ok((Event::DocumentEnd, _))))
            && matches!(rest.next(), Some(Ok((Event::StreamEnd, _))));
        let tail = text.get(top.span.end..).unwrap_or_default();
        let open_end = single
            && tail
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let Kind::Map { entries } = top.kind else {
            return None;
        };
        Some(Outline {
            entries,
            len: text.len(),
            open_end,
        })
    }

    /// The top-level entry whose lines hold byte `at` (from its key to the next key).
    fn entry_at(&self, at: usize) -> Option<usize> {
        // Whatever follows a value up to the next key (comments, blank lines) belongs to it.
        let i = self.entries.iter().rposition(|e| e.key_start <= at)?;
        (at <= self.len).then_some(i)
    }

    /// From an entry's key to the end of its value.
    fn entry_range(&self, i: usize) -> Range<usize> {
        let entry = &self.entries[i];
        entry.key_start..entry.value.span.end.max(entry.key_start)
    }
}

/// Read one node (and its children) that starts with `event`.
fn node<'a>(
    events: &mut impl Iterator<Item = Result<(Event<'a>, Span), serde_saphyr::granit_parser::ScanError>>,
    event: Event<'a>,
    span: Span,
    text: &str,
    depth: usize,
) -> Option<Node> {
    if depth > MAX_DEPTH {
        return None;
    }
    let start = span.start.byte_offset()?;
    // A node runs from its first event to the end of `last`, its own or its closing event.
    let ending = |last: &Span, kind: Kind| {
        Some(Node {
            span: start..last.end.byte_offset()?,
            dash: None,
            kind,
        })
    };
    match event {
        Event::Scalar(..) | Event::Alias(..) | Event::UnresolvedAlias(..) => {
            ending(&span, Kind::Leaf)
        }
        Event::SequenceStart(style, ..) => {
            let block = matches!(style, StructureStyle::Block);
            let mut items = Vec::new();
            loop {
                let (event, span) = events.next()?.ok()?;
                if matches!(event, Event::SequenceEnd) {
                    return ending(&span, Kind::Seq { block, items });
                }
                let mut item = node(events, event, span, text, depth + 1)?;
                if block {
                    item.dash = dash_before(text, item.span.start);
                }
                items.push(item);
            }
        }
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                let (event, span) = events.next()?.ok()?;
                if matches!(event, Event::MappingEnd) {
                    return ending(&span, Kind::Map { entries });
                }
                let key = match &event {
                    Event::Scalar(value, ..) => value.to_string(),
                    _ => String::new(),
                };
                let key_node = node(events, event, span, text, depth + 1)?;
                let (event, span) = events.next()?.ok()?;
                let value = node(events, event, span, text, depth + 1)?;
                entries.push(Entry {
                    key,
                    key_start: key_node.span.start,
                    value,
                });
            }
        }
        _ => None,
    }
}

/// The `-` of a block-list item that starts at byte `start`, on the same line, with only
/// spaces between; `None` when something else is there (a tag, an anchor, a line break).
fn dash_before(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?;
    let trimmed = before.trim_end_matches(' ');
    let dash = trimmed.len().checked_sub(1)?;
    if !trimmed.ends_with('-') {
        return None;
    }
    let prior = trimmed[..dash].chars().next_back();
    matches!(prior, None | Some(' ' | '\n')).then_some(dash)
}

/// Line starts of a text, to turn a line and character column into a byte offset.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    /// The byte offset in `text` of a 1-based line and character column.
    fn offset(&self, text: &str, line: u32, column: u32) -> Option<usize> {
        let start = *self.starts.get((line as usize).checked_sub(1)?)?;
        let rest = text.get(start..)?;
        let skip = (column as usize).saturating_sub(1);
        Some(start + rest.char_indices().nth(skip).map_or(rest.len(), |(i, _)| i))
    }
}

/// Drop the diagnostics that follow only from a value left out of a recovered document: those
/// inside a left-out part or a stand-in, and the rules that would miss what was left out (a
/// missing approval after a bad date, "cited nowhere" after a bad step).
pub(crate) fn drop_consequences(
    diagnostics: Vec<Diagnostic>,
    library: &crate::load::Library,
) -> Vec<Diagnostic> {
    let recovered: Vec<(&str, &Repairs, &str, Lines)> = library
        .recovered
        .iter()
        .map(|r| {
            let text = library.sources.get(&r.loaded.file).map_or("", |t| &**t);
            (r.loaded.file.as_str(), &r.repairs, text, Lines::new(text))
        })
        .collect();
    let keep = |d: &Diagnostic| {
        if library.diagnostics.contains(d) {
            return true;
        }
        recovered.iter().all(|(file, repairs, text, lines)| {
            if d.file != *file {
                // The other side of a record link reads what was left out.
                let link = d.code == Code::FormLink
                    && d.help.as_deref().is_some_and(|h| h.contains(file))
                    && repairs
                        .keys
                        .iter()
                        .any(|k| unreliable_after(k).contains(&Code::FormLink));
                return !link;
            }
            if d.line > repairs.last_line || d.code == Code::ChangedWithoutRevision {
                return false;
            }
            let inside = lines
                .offset(text, d.line, d.column)
                .is_some_and(|at| repairs.regions.iter().any(|r| r.contains(&at)));
            !inside
                && !repairs
                    .keys
                    .iter()
                    .any(|k| unreliable_after(k).contains(&d.code))
        })
    };
    diagnostics.into_iter().filter(keep).collect()
}

/// The rules whose findings are unreliable once the value of a top-level key (or an item of
/// it) is left out.
fn unreliable_after(key: &str) -> &'static [Code] {
    match key {
        "effective" | "approval" | "status" => &[
            Code::ApprovalMissing,
            Code::ApprovalOrder,
            Code::ReviewOverdue,
            Code::SignerUnauthorised,
        ],
        "owner" => &[Code::SignerUnauthorised],
        "version" => &[
            Code::VersionFormat,
            Code::HistoryVersion,
            Code::ApprovalMissing,
            Code::SignerUnauthorised,
        ],
        "history" => &[Code::HistoryVersion, Code::HistoryOrder],
        "layout" | "rows" => &[Code::RegisterRows],
        "purpose" | "scope" | "definitions" | "responsibilities" | "steps" | "related"
        | "records" | "appendices" | "procedure" | "instructions" | "fields" => {
            &[Code::RefNotListed, Code::RefNotCited, Code::FormLink]
        }
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::{FORM, PROCEDURE, parse};
    use crate::model::{Form, Procedure};

    const PROCEDURE_TEXT: &str = "\
id: QP-1
title: 程序
version: A/0
status: draft
effective: 2026-12-1
purpose: 目的
scope: 范围
responsibilities: []
steps:
  - text: 第一步
  - text: 第二步
    bogus: 1
  - text: 第三步
";

    #[test]
    fn reports_each_bad_value_once_and_keeps_the_rest() {
        let outcome = parse::<Procedure>("p.yaml", PROCEDURE_TEXT, &PROCEDURE);
        let found: Vec<(&str, u32)> = outcome
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.line))
            .collect();
        assert_eq!(found, vec![("invalid-value", 5), ("unknown-key", 12)]);
        let procedure = outcome.value.expect("the rest is read");
        assert!(procedure.effective.is_none());
        // The bad step is emptied, not removed: the third step is still the third.
        assert_eq!(procedure.steps.len(), 3);
        assert!(procedure.steps[1].text.is_none());
        assert_eq!(procedure.steps[2].text.as_ref().unwrap().pos.line, 13);
        assert_eq!(outcome.repairs.keys, vec!["effective", "steps"]);
        assert!(!outcome.repairs.identity_lost);
    }

    #[test]
    fn a_bad_required_value_is_invalid_not_missing() {
        let text = PROCEDURE_TEXT.replace("version: A/0", "version: [1]");
        let outcome = parse::<Procedure>("p.yaml", &text, &PROCEDURE);
        let codes: Vec<&str> = outcome
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, vec!["invalid-value", "invalid-value", "unknown-key"]);
        assert_eq!(outcome.diagnostics[0].line, 3);
        assert!(outcome.value.is_some());
    }

    #[test]
    fn a_bad_field_is_left_out_of_a_form() {
        let text = "\
id: QR-1
title: 表
version: A/0
status: draft
fields:
  - {key: a, label: 甲, type: text}
  - {key: b, label: 乙, type: colour}
  - key: c
    label: 丙
    type: date
";
        let outcome = parse::<Form>("f.yaml", text, &FORM);
        assert_eq!(outcome.diagnostics.len(), 1, "{:?}", outcome.diagnostics);
        assert_eq!(outcome.diagnostics[0].line, 7);
        let form = outcome.value.unwrap();
        let keys: Vec<&str> = form.fields.iter().map(|f| f.key.value.as_str()).collect();
        assert_eq!(keys, vec!["a", "c"]);
        assert_eq!(form.fields[1].key.pos.line, 8);
    }

    #[test]
    fn a_syntax_error_stops_at_once() {
        let text = "id: QP-1\ntitle: 'unclosed\nversion: [1]\n";
        let outcome = parse::<Procedure>("p.yaml", text, &PROCEDURE);
        assert_eq!(outcome.diagnostics.len(), 1);
        assert_eq!(outcome.diagnostics[0].code.as_str(), "yaml-syntax");
        assert!(outcome.value.is_none());
    }
}
