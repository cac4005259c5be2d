//! In-place edits of a document's YAML source: replace a value at the byte span the loader
//! kept, and insert, replace or remove whole lines matching the surrounding indentation and
//! style (flow `{…}` or block), so that comments, key order and formatting elsewhere survive.
//!
//! Edits here are textual; the commands that use them re-parse the result and compare it with
//! what they meant to write before anything reaches the disk (see `workspace::Source`).

use std::ops::Range;

use crate::error::Error;
use crate::model::{Pos, SignRole};

/// Return the byte range of a scalar value in its source, quotes included.
pub fn span(pos: &Pos, text: &str) -> Result<Range<usize>, Error> {
    match (pos.offset, pos.len) {
        (Some(offset), Some(len)) if text.get(offset..offset + len).is_some() => {
            Ok(offset..offset + len)
        }
        _ => Err(Error::Edit(format!(
            "cannot locate the value at line {}, column {} to edit it",
            pos.line, pos.column
        ))),
    }
}

/// Replace a scalar value (as found at `pos`) with `value`, keeping its quoting style.
pub fn replace_scalar(text: &str, pos: &Pos, value: &str) -> Result<String, Error> {
    let range = span(pos, text)?;
    let old = &text[range.clone()];
    let new = if old.starts_with('\'') {
        format!("'{}'", value.replace('\'', "''"))
    } else if old.starts_with('"') {
        double_quoted(value)
    } else {
        scalar(value)
    };
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..range.start]);
    out.push_str(&new);
    out.push_str(&text[range.end..]);
    Ok(out)
}

/// Write a string as a YAML scalar that reads back as the same string in block and flow
/// context: plain when that is safe, double-quoted otherwise.
pub fn scalar(value: &str) -> String {
    if plain_is_safe(value) {
        value.to_owned()
    } else {
        double_quoted(value)
    }
}

/// Write a YAML double-quoted scalar: quotes, backslashes and tabs escaped, line breaks and
/// other control characters as `\n` or `\uXXXX`, so that it reads back as the same text.
pub fn double_quoted(value: &str) -> String {
    use std::fmt::Write as _;
    backslash_quoted(value, |out, c| match c {
        '\t' => out.push_str("\\t"),
        c if c.is_control() || is_line_break(c) || c == '\u{feff}' => {
            let _ = write!(out, "\\u{:04X}", c as u32);
        }
        c => out.push(c),
    })
}

/// Write text between double quotes with `"`, `\` and line feeds backslash-escaped, as YAML
/// and Typst string literals both read them; `other` writes every other character.
pub fn backslash_quoted(text: &str, mut other: impl FnMut(&mut String, char)) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => other(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// Return whether YAML reads a character as a line break.
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn plain_is_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value.trim() != value
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.chars().any(|c| c.is_control() || ",[]{}".contains(c))
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    let special = [
        "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n",
    ];
    if special.contains(&lower.as_str()) {
        return false;
    }
    // Anything YAML may read as a number (1.0, 1e3, 0x1F, .5) is quoted, so that a version
    // like 1.10 is not read back as 1.1.
    let numeric = value
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | '_' | 'x' | 'o' | 'e' | 'E'))
        && value.chars().any(|c| c.is_ascii_digit());
    !numeric && !lower.starts_with(".inf") && lower != ".nan"
}

/// The lines of a text with their line endings, and the text's line ending.
struct Lines<'a> {
    lines: Vec<&'a str>,
    newline: &'static str,
}

impl<'a> Lines<'a> {
    fn of(text: &'a str) -> Self {
        Lines {
            lines: text.split_inclusive('\n').collect(),
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        }
    }

    fn content(&self, i: usize) -> &'a str {
        self.lines[i].trim_end_matches(['\n', '\r'])
    }

    /// Return whether line `i` is blank or only a comment.
    fn is_filler(&self, i: usize) -> bool {
        let trimmed = self.content(i).trim_start();
        trimmed.is_empty() || trimmed.starts_with('#')
    }

    /// Return whether line `i` starts a top-level key (or ends the document).
    fn is_top_level(&self, i: usize) -> bool {
        let line = self.content(i);
        // `- item` at column 0 is a sequence under the key above, not a new key.
        let item = line == "-" || line.starts_with("- ");
        !line.is_empty() && !line.starts_with([' ', '\t', '#']) && !item
    }

    /// Find the lines of a top-level key: its own line up to the last line of its value
    /// (trailing blank and comment lines belong to what follows).
    fn top_level(&self, key: &str) -> Option<Range<usize>> {
        let start = (0..self.lines.len()).find(|&i| {
            self.is_top_level(i)
                && self.content(i).strip_prefix(key).is_some_and(|rest| {
                    rest.starts_with(':') && (rest.len() == 1 || rest[1..].starts_with([' ', '\t']))
                })
        })?;
        let mut end = (start + 1..self.lines.len())
            .find(|&i| self.is_top_level(i))
            .unwrap_or(self.lines.len());
        while end > start + 1 && self.is_filler(end - 1) {
            end -= 1;
        }
        Some(start..end)
    }

    /// Return the text of the value on a key's own line, comment removed.
    fn inline_value(&self, i: usize) -> &'a str {
        let line = self.content(i);
        let after = line.split_once(':').map_or("", |(_, v)| v);
        strip_comment(after).trim()
    }

    /// Rebuild the text with lines `range` replaced by `new` (each without a line ending).
    fn splice(&self, range: Range<usize>, new: &[String]) -> String {
        let mut out = String::new();
        for line in &self.lines[..range.start] {
            out.push_str(line);
        }
        if range.start > 0 && !out.ends_with('\n') {
            out.push_str(self.newline);
        }
        for line in new {
            out.push_str(line);
            out.push_str(self.newline);
        }
        for line in &self.lines[range.end..] {
            out.push_str(line);
        }
        out
    }

    /// Return the indentation of the nested lines of the file (its first indented key), or 2.
    fn indent_unit(&self) -> usize {
        (0..self.lines.len())
            .filter(|&i| !self.is_filler(i))
            .map(|i| indent(self.content(i)))
            .find(|&n| n > 0)
            .unwrap_or(2)
    }
}

/// Remove a trailing `# comment` from a line's value (outside quotes).
fn strip_comment(value: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in value.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return &value[..i],
            None => {}
        }
        previous = c;
    }
    value
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Remove a top-level key and its value; return the text unchanged when the key is absent.
pub fn remove_key(text: &str, key: &str) -> String {
    let lines = Lines::of(text);
    match lines.top_level(key) {
        Some(range) => lines.splice(range, &[]),
        None => text.to_owned(),
    }
}

/// Set a top-level key whose value fits on its line (`effective: 2026-12-01`): replace its
/// value, or insert the line after the first of `after` that exists (else at the end).
pub fn set_key_line(text: &str, key: &str, value: &str, after: &[&str]) -> String {
    let lines = Lines::of(text);
    let line = format!("{key}: {value}");
    if let Some(range) = lines.top_level(key) {
        let comment = comment_of(lines.content(range.start));
        return lines.splice(range, &[format!("{line}{comment}")]);
    }
    let at = insertion_point(&lines, after);
    lines.splice(at..at, &[line])
}

/// Keep the trailing comment of a line when its value is replaced.
fn comment_of(line: &str) -> String {
    let value = line.split_once(':').map_or("", |(_, v)| v);
    let kept = strip_comment(value).trim_end();
    let rest = value[kept.len()..].trim_end();
    if rest.trim().is_empty() {
        String::new()
    } else {
        rest.to_owned()
    }
}

/// The line index after the first existing key of `after`, or the end of the text.
fn insertion_point(lines: &Lines<'_>, after: &[&str]) -> usize {
    after
        .iter()
        .find_map(|key| lines.top_level(key))
        .map_or(lines.lines.len(), |range| range.end)
}

/// How a mapping entry is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `{name: 张三, date: 2026-11-20}` on one line.
    Flow,
    /// One `key: value` line each.
    Block,
}

/// Write `pairs` as a mapping in `style`; block lines are indented by `indent` spaces.
fn mapping(pairs: &[(&str, String)], style: Style, indent: usize) -> Vec<String> {
    match style {
        Style::Flow => {
            let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            vec![format!("{{{}}}", inner.join(", "))]
        }
        Style::Block => pairs
            .iter()
            .map(|(k, v)| format!("{}{k}: {v}", " ".repeat(indent)))
            .collect(),
    }
}

/// Append an entry (`pairs`, values already written as YAML scalars) to the top-level
/// sequence `key`, in the style and indentation of its last entry; create the key at the end
/// of the file when it is absent.
pub fn append_to_sequence(
    text: &str,
    key: &str,
    pairs: &[(&str, String)],
) -> Result<String, Error> {
    let lines = Lines::of(text);
    let unit = lines.indent_unit();
    let Some(range) = lines.top_level(key) else {
        let mut new = vec![format!("{key}:")];
        let entry = mapping(pairs, Style::Flow, 0);
        new.push(format!("{}- {}", " ".repeat(unit), entry[0]));
        let at = lines.lines.len();
        return Ok(lines.splice(at..at, &new));
    };
    let inline = lines.inline_value(range.start);
    if inline.starts_with('[') {
        // A one-line flow sequence: add the entry before its closing bracket.
        if range.len() != 1 || !inline.ends_with(']') {
            return Err(unsupported(key));
        }
        let line = lines.content(range.start);
        let close = line.rfind(']').ok_or_else(|| unsupported(key))?;
        let entry = mapping(pairs, Style::Flow, 0).remove(0);
        let separator = if inline == "[]" { "" } else { ", " };
        let new = format!("{}{separator}{entry}{}", &line[..close], &line[close..]);
        return Ok(lines.splice(range.start..range.start + 1, &[new]));
    }
    if !inline.is_empty() {
        return Err(unsupported(key));
    }
    let items: Vec<usize> = (range.start + 1..range.end)
        .filter(|&i| {
            lines.content(i).trim_start().starts_with("- ") || lines.content(i).trim() == "-"
        })
        .collect();
    let Some(&last) = items.last() else {
        let entry = mapping(pairs, Style::Flow, 0);
        let new = format!("{}- {}", " ".repeat(unit), entry[0]);
        return Ok(lines.splice(range.end..range.end, &[new]));
    };
    let line = lines.content(last);
    let item_indent = indent(line);
    let after_dash = line.trim_start()[1..].trim_start();
    // `-   version: …` puts the keys 4 columns after the dash: the new entry does the same.
    let key_column = line.len() - after_dash.len();
    let dash = format!(
        "{}-{}",
        " ".repeat(item_indent),
        " ".repeat(key_column - item_indent - 1)
    );
    let new = if after_dash.starts_with('{') {
        vec![format!("{dash}{}", mapping(pairs, Style::Flow, 0)[0])]
    } else {
        let mut block = mapping(pairs, Style::Block, key_column);
        if let Some(first) = block.first_mut() {
            *first = format!("{dash}{}", first.trim_start());
        }
        block
    };
    Ok(lines.splice(range.end..range.end, &new))
}

fn unsupported(key: &str) -> Error {
    Error::Edit(format!(
        "cannot edit `{key}` in place: it is written in a style docctl does not edit (a flow value over several lines); edit the file by hand"
    ))
}

/// One signature of the approval block, values already written as YAML scalars.
#[derive(Debug, Clone)]
pub struct SignatureText {
    /// The role; its key in the approval block is `role.as_str()`.
    pub role: SignRole,
    /// The name, as a YAML scalar.
    pub name: String,
    /// The date, as a YAML scalar.
    pub date: String,
    /// The version signed, as a YAML scalar (absent in signatures written before it was kept).
    pub version: Option<String>,
}

/// Replace the approval block with `signatures` (in role order), keeping the block's place,
/// indentation and entry style; an empty list writes `approval: {}`. In a block-style
/// approval, the lines of every role other than `changed` are kept as they are (comments
/// included). When the block is absent it is inserted after the first of `after` that exists.
pub fn set_approval(
    text: &str,
    signatures: &[SignatureText],
    changed: Option<SignRole>,
    after: &[&str],
) -> String {
    let lines = Lines::of(text);
    let unit = lines.indent_unit();
    let range = lines.top_level("approval");
    // Learn the style from the block itself, else from the history entries.
    let mut child_indent = unit;
    let mut style = Style::Flow;
    let mut kept: Vec<(SignRole, Range<usize>)> = Vec::new();
    let first_child = range
        .as_ref()
        .and_then(|r| (r.start + 1..r.end).find(|&i| !lines.is_filler(i)));
    if let (Some(range), Some(child)) = (&range, first_child) {
        child_indent = indent(lines.content(child));
        if lines.inline_value(child).is_empty() {
            style = Style::Block;
        }
        kept = children(&lines, range, child_indent);
    } else if let Some(history) = lines.top_level("history") {
        let block_items = (history.start + 1..history.end).any(|i| {
            let line = lines.content(i).trim_start();
            line.starts_with("- ") && !line[2..].trim_start().starts_with('{')
        });
        if block_items {
            style = Style::Block;
        }
    }
    let new: Vec<String> = if signatures.is_empty() {
        vec!["approval: {}".to_owned()]
    } else {
        let mut block = vec!["approval:".to_owned()];
        let pad = " ".repeat(child_indent);
        for s in signatures {
            let verbatim = kept.iter().find(|(role, _)| *role == s.role);
            if let (Some((_, lines_of_role)), false) = (verbatim, changed == Some(s.role)) {
                block.extend(lines_of_role.clone().map(|i| lines.content(i).to_owned()));
                continue;
            }
            let mut pairs = vec![("name", s.name.clone()), ("date", s.date.clone())];
            if let Some(version) = &s.version {
                pairs.push(("version", version.clone()));
            }
            match style {
                Style::Flow => block.push(format!(
                    "{pad}{}: {}",
                    s.role.as_str(),
                    mapping(&pairs, style, 0)[0]
                )),
                Style::Block => {
                    block.push(format!("{pad}{}:", s.role.as_str()));
                    block.extend(mapping(&pairs, style, child_indent + unit.max(2)));
                }
            }
        }
        block
    };
    match range {
        Some(range) => {
            // The key's own trailing comment survives; so do the lines of unchanged roles.
            let comment = comment_of(lines.content(range.start));
            let mut new = new;
            if let Some(first) = new.first_mut() {
                first.push_str(&comment);
            }
            lines.splice(range, &new)
        }
        None => {
            let at = insertion_point(&lines, after);
            lines.splice(at..at, &new)
        }
    }
}

/// The roles written as children of a block-style approval, each with its lines.
fn children<'a>(
    lines: &Lines<'a>,
    range: &Range<usize>,
    child_indent: usize,
) -> Vec<(SignRole, Range<usize>)> {
    let mut found: Vec<(SignRole, Range<usize>)> = Vec::new();
    for i in range.start + 1..range.end {
        let line = lines.content(i);
        if lines.is_filler(i) || indent(line) > child_indent {
            if let Some((_, r)) = found.last_mut() {
                r.end = i + 1;
            }
            continue;
        }
        let key = line
            .trim_start()
            .split(':')
            .next()
            .unwrap_or_default()
            .trim();
        if let Some(role) = SignRole::ALL.into_iter().find(|r| r.as_str() == key) {
            found.push((role, i..i + 1));
        }
    }
    // Trailing comments of the last child stay with it only when indented under it.
    for (_, r) in &mut found {
        while r.end > r.start + 1 && lines.is_filler(r.end - 1) {
            r.end -= 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
# header comment
id: QP-1   # the number
version: A/0
status: effective
effective: 2026-01-10
approval:
  prepared: {name: 张三, date: 2026-01-01}   # signed on paper too
  reviewed: {name: 李四, date: 2026-01-02}
  approved: {name: 王五, date: 2026-01-03}
purpose: 目的。
# comment before history
history:
  - {version: A/0, date: 2026-01-10, change: 首次发行, by: 张三}

# trailing comment
";

    #[test]
    fn scalars_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("A/1"), "A/1");
        assert_eq!(scalar("1.10"), "\"1.10\"");
        assert_eq!(scalar("2.0"), "\"2.0\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("增加: 回收"), "\"增加: 回收\"");
        assert_eq!(scalar("a, b"), "\"a, b\"");
        assert_eq!(scalar("#1"), "\"#1\"");
        assert_eq!(scalar("增加作废文件回收"), "增加作废文件回收");
        assert_eq!(scalar("2026-12-01"), "2026-12-01");
    }

    #[test]
    fn top_level_block_excludes_trailing_comments() {
        let lines = Lines::of(DOC);
        assert_eq!(lines.top_level("approval"), Some(5..9));
        assert_eq!(lines.top_level("purpose"), Some(9..10));
        assert_eq!(lines.top_level("history"), Some(11..13));
        assert_eq!(lines.top_level("hist"), None);
    }

    #[test]
    fn appending_a_flow_history_entry_adds_one_line() {
        let out = append_to_sequence(
            DOC,
            "history",
            &[
                ("version", "A/1".into()),
                ("date", "2026-02-01".into()),
                ("change", "改".into()),
            ],
        )
        .unwrap();
        let expected = DOC.replace(
            "首次发行, by: 张三}\n",
            "首次发行, by: 张三}\n  - {version: A/1, date: 2026-02-01, change: 改}\n",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn appending_a_block_history_entry_keeps_the_block_style() {
        let doc = "history:\n- version: A/0\n  date: 2026-01-10\n  change: 首次发行\nfields: []\n";
        let out = append_to_sequence(
            doc,
            "history",
            &[("version", "A/1".into()), ("date", "2026-02-01".into())],
        )
        .unwrap();
        assert_eq!(
            out,
            "history:\n- version: A/0\n  date: 2026-01-10\n  change: 首次发行\n- version: A/1\n  date: 2026-02-01\nfields: []\n"
        );
    }

    #[test]
    fn appending_to_a_one_line_flow_sequence() {
        let doc = "history: [{version: A/0, date: 2026-01-10, change: x}]  # note\n";
        let out = append_to_sequence(doc, "history", &[("version", "A/1".into())]).unwrap();
        assert_eq!(
            out,
            "history: [{version: A/0, date: 2026-01-10, change: x}, {version: A/1}]  # note\n"
        );
    }

    #[test]
    fn clearing_and_setting_the_approval_block() {
        let cleared = set_approval(DOC, &[], None, &[]);
        assert!(cleared.contains("\napproval: {}\npurpose:"), "{cleared}");
        let signed = set_approval(
            &cleared,
            &[SignatureText {
                role: SignRole::Prepared,
                name: "赵六".into(),
                date: "2026-02-01".into(),
                version: None,
            }],
            Some(SignRole::Prepared),
            &[],
        );
        assert!(
            signed.contains("\napproval:\n  prepared: {name: 赵六, date: 2026-02-01}\npurpose:"),
            "{signed}"
        );
    }

    #[test]
    fn block_style_signatures_stay_block_style() {
        let doc = "status: draft\napproval:\n    prepared:   # on paper\n        name: 张三\n        date: '2026-01-01'\npurpose: x\n";
        let out = set_approval(
            doc,
            &[
                SignatureText {
                    role: SignRole::Prepared,
                    name: "张三".into(),
                    date: "2026-01-01".into(),
                    version: None,
                },
                SignatureText {
                    role: SignRole::Reviewed,
                    name: "李四".into(),
                    date: "2026-01-02".into(),
                    version: None,
                },
            ],
            Some(SignRole::Reviewed),
            &[],
        );
        assert_eq!(
            out,
            "status: draft\napproval:\n    prepared:   # on paper\n        name: 张三\n        date: '2026-01-01'\n    reviewed:\n        name: 李四\n        date: 2026-01-02\npurpose: x\n"
        );
    }

    #[test]
    fn key_lines_are_replaced_inserted_and_removed() {
        let out = set_key_line(DOC, "effective", "2026-03-01", &["status"]);
        assert!(out.contains("\neffective: 2026-03-01\n"));
        let removed = remove_key(DOC, "effective");
        assert!(!removed.contains("effective:"));
        let inserted = set_key_line(&removed, "effective", "2026-03-01", &["status"]);
        assert_eq!(inserted.replace("2026-03-01", "2026-01-10"), DOC);
        let id = set_key_line(DOC, "id", "QP-2", &[]);
        assert!(id.contains("\nid: QP-2   # the number\n"), "{id}");
    }

    #[test]
    fn crlf_files_keep_their_line_endings() {
        let doc = DOC.replace('\n', "\r\n");
        let out = set_key_line(&doc, "effective", "2026-03-01", &["status"]);
        assert!(!out.replace("\r\n", "").contains('\n'));
    }
}
