//! The structured reading of a .md or .docx source: its blocks (headings with their level and
//! number, paragraphs, lists, tables) as the document's own markup says, the pieces of text
//! the coverage counts, and the page furniture it does not.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::import::number::starts_numbered;

/// A block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading (a heading style, an outline level, or a paragraph numbered by an outline list).
    Heading {
        /// 1-based source line (paragraph, for .docx).
        line: usize,
        /// 1 for the largest heading.
        level: usize,
        /// The section number as the reader sees it (`5.4.3`), without a final dot.
        number: Option<String>,
        /// Whether the number was typed by hand (only those are checked for mistakes).
        typed: bool,
        /// The heading's text, without its number.
        text: String,
    },
    /// A paragraph (Markdown text), with its number when an outline list numbers it.
    Para {
        /// 1-based source line.
        line: usize,
        /// Its number (`5.4.1`), when it is a numbered item of an outline.
        number: Option<String>,
        /// Whether the number was typed by hand.
        typed: bool,
        /// The text as Markdown.
        text: String,
        /// The text without markup.
        plain: String,
    },
    /// A list; a `- [ ]` item has `Some(checked)`.
    List {
        /// 1-based source line.
        line: usize,
        /// The items: (task state, Markdown text, plain text).
        items: Vec<Item>,
        /// The whole list as Markdown.
        text: String,
    },
    /// A table: rows of cells (Markdown), the first row its header.
    Table {
        /// 1-based source line.
        line: usize,
        /// The rows of cells, plain text.
        rows: Vec<Vec<String>>,
        /// The source line of each row.
        lines: Vec<usize>,
    },
}

impl Block {
    /// Return the block's first source line.
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Para { line, .. }
            | Block::List { line, .. }
            | Block::Table { line, .. } => *line,
        }
    }
}

/// A list item: its task state (`- [ ]`/`- [x]`), its Markdown, its plain text.
pub type Item = (Option<bool>, String, String);

/// A piece of source text the coverage counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// 1-based source line.
    pub line: usize,
    /// The text.
    pub text: String,
}

/// A document read structurally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// The blocks, in reading order.
    pub blocks: Vec<Block>,
    /// Every piece of text of the body.
    pub pieces: Vec<Piece>,
    /// Page furniture: (where, text) — headers, footers, page numbers.
    pub furniture: Vec<(String, String)>,
    /// The text of a paragraph in the Title style (Word), with its line.
    pub title: Option<(usize, String)>,
    /// The source lines (paragraphs, for .docx), for diagnostics.
    pub lines: Vec<String>,
}

/// Escape a cell for a Markdown table row.
pub fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
        .trim()
        .to_owned()
}

/// Write rows as a Markdown table (the first row is the header).
pub fn markdown_table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            out.push(' ');
            out.push_str(&cell(row.get(c).map_or("", String::as_str)));
            out.push_str(" |");
        }
        out.push('\n');
        if i == 0 {
            out.push('|');
            out.push_str(&"---|".repeat(width));
            out.push('\n');
        }
    }
    out.trim_end().to_owned()
}

/// Split a typed section number off a text: `5.4.3 Text`, `1. Purpose`, `3)`? no — only
/// dotted decimal numbers, followed by a space, a tab or a full-width space; and the Chinese
/// section numbers `一、目的`, `第一章 目的` (read as 1), and articles `第五条 …` (read as 5).
pub fn typed_number(text: &str) -> Option<(String, String)> {
    if let Some((value, rest)) = crate::import::number::chinese_section(text) {
        return Some((value.to_string(), rest.to_owned()));
    }
    let t = text.trim_start();
    let end = t
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(t.len(), |(i, _)| i);
    let number = &t[..end];
    if number.is_empty()
        || !number.starts_with(|c: char| c.is_ascii_digit())
        || number.contains("..")
    {
        return None;
    }
    let rest = &t[end..];
    let after = rest.chars().next()?;
    if !(after == ' ' || after == '\t' || after == '\u{3000}' || after == '、') {
        return None;
    }
    let number = number.trim_end_matches('.');
    if number.split('.').any(|n| n.len() > 3) {
        return None;
    }
    let rest = rest
        .trim_start_matches([' ', '\t', '\u{3000}', '、'])
        .to_owned();
    (!rest.is_empty()).then(|| (number.to_owned(), rest))
}

/// Read Markdown through pulldown-cmark's events.
pub fn markdown(source: &str) -> Doc {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let mut doc = Doc {
        lines: source.lines().map(str::to_owned).collect(),
        ..Doc::default()
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let slice = |r: &Range<usize>| source[r.clone()].trim().to_owned();
    // The block being read: its kind and where it started.
    let mut depth = 0usize;
    let mut plain = String::new();
    let mut heading: Option<(usize, usize)> = None;
    let mut list: Option<(usize, Vec<Item>)> = None;
    let mut list_depth = 0usize;
    let mut item: Option<(Option<bool>, Range<usize>, String)> = None;
    let mut table: Option<(usize, Vec<Vec<String>>, Vec<usize>)> = None;
    let mut metadata = false;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                depth += 1;
                match tag {
                    Tag::MetadataBlock(_) => metadata = true,
                    Tag::Heading { level, .. } if depth == 1 => {
                        heading = Some((line_of(range.start), level as usize));
                        plain.clear();
                    }
                    Tag::List(_) => {
                        list_depth += 1;
                        if list_depth == 1 {
                            list = Some((line_of(range.start), Vec::new()));
                        }
                    }
                    Tag::Item if list_depth == 1 => {
                        item = Some((None, range.clone(), String::new()));
                    }
                    Tag::Table(_) if depth == 1 => {
                        table = Some((line_of(range.start), Vec::new(), Vec::new()));
                    }
                    Tag::TableHead | Tag::TableRow => {
                        if let Some((_, rows, lines)) = &mut table {
                            rows.push(Vec::new());
                            lines.push(line_of(range.start));
                        }
                    }
                    Tag::TableCell => plain.clear(),
                    Tag::Paragraph | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::HtmlBlock
                        if depth == 1 =>
                    {
                        plain.clear();
                    }
                    _ => {}
                }
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                match tag {
                    TagEnd::MetadataBlock(_) => metadata = false,
                    TagEnd::Heading(_) if depth == 0 => {
                        if let Some((line, level)) = heading.take() {
                            let text = plain.trim().to_owned();
                            let (number, text) = match typed_number(&text) {
                                Some((n, rest)) => (Some(n), rest),
                                None => (None, text),
                            };
                            doc.blocks.push(Block::Heading {
                                line,
                                level,
                                typed: number.is_some(),
                                number,
                                text,
                            });
                        }
                    }
                    TagEnd::Item if list_depth == 1 => {
                        if let (Some((checked, r, p)), Some((_, items))) = (item.take(), &mut list)
                        {
                            let md = strip_marker(&source[r]);
                            items.push((checked, md, p.trim().to_owned()));
                        }
                    }
                    TagEnd::List(_) => {
                        list_depth -= 1;
                        if list_depth == 0
                            && let Some((line, items)) = list.take()
                        {
                            doc.blocks.push(Block::List {
                                line,
                                items,
                                text: slice(&range),
                            });
                        }
                    }
                    TagEnd::TableCell => {
                        if let Some((_, rows, _)) = &mut table
                            && let Some(row) = rows.last_mut()
                        {
                            row.push(plain.trim().to_owned());
                        }
                    }
                    TagEnd::Table if depth == 0 => {
                        if let Some((line, rows, lines)) = table.take() {
                            doc.blocks.push(Block::Table { line, rows, lines });
                        }
                    }
                    TagEnd::Paragraph
                    | TagEnd::CodeBlock
                    | TagEnd::BlockQuote(_)
                    | TagEnd::HtmlBlock
                        if depth == 0 =>
                    {
                        let text = slice(&range);
                        let line = line_of(range.start);
                        for (line, text, p) in numbered_lines(line, &text, plain.trim()) {
                            let number = typed_number(&p).map(|(n, _)| n);
                            doc.blocks.push(Block::Para {
                                line,
                                typed: number.is_some(),
                                number,
                                text,
                                plain: p,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some((c, _, _)) = &mut item {
                    *c = Some(checked);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                if metadata {
                    continue;
                }
                if !t.trim().is_empty() {
                    doc.pieces.push(Piece {
                        line: line_of(range.start),
                        text: t.trim().to_owned(),
                    });
                }
                plain.push_str(&t);
                if let Some((_, _, p)) = &mut item {
                    p.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                plain.push(' ');
                if let Some((_, _, p)) = &mut item {
                    p.push(' ');
                }
            }
            _ => {}
        }
    }
    doc
}

/// Split a paragraph typed as numbered lines (`1、品质部：…` then `2、生产部：…`, joined by
/// Markdown's soft line breaks) into one paragraph per number, as a Word document would hold
/// them: (line, source text, plain text). A paragraph with inline markup, or with fewer than two
/// numbered lines, stays whole.
fn numbered_lines(line: usize, text: &str, plain: &str) -> Vec<(usize, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let numbered = lines.iter().filter(|l| starts_numbered(l)).count();
    // `4.3 跟踪验证` on the first line, its text on the next: a titled step.
    let titled = lines.len() >= 2 && is_title_line(lines[0]);
    if (numbered < 2 && !titled) || text.contains(['*', '_', '`', '[', '<', '\\', '|']) {
        return vec![(line, text.to_owned(), plain.to_owned())];
    }
    let mut out: Vec<(usize, String, String)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let l = l.trim();
        match out.last_mut() {
            Some((_, text, plain)) if !starts_numbered(l) && !is_title_line(text) => {
                text.push('\n');
                text.push_str(l);
                plain.push(' ');
                plain.push_str(l);
            }
            _ => out.push((line + i, l.to_owned(), l.to_owned())),
        }
    }
    out
}

/// Return whether a line is a numbered title alone: `4.3 跟踪验证`.
fn is_title_line(line: &str) -> bool {
    !line.contains('\n') && typed_number(line).is_some_and(|(_, rest)| is_title(&rest))
}

/// Return whether a text is a title (a heading's words, short, not a sentence).
pub(crate) fn is_title(text: &str) -> bool {
    let text = text.trim();
    let count = text.chars().count();
    count > 0
        && count <= if text.is_ascii() { 60 } else { 24 }
        && !text.ends_with(['。', '.', '；', ';', '：', ':', '，', ','])
        && !text.contains(['。', '，'])
}

/// Take a list item's marker (`- `, `1. `, `- [ ] `) off its source text.
fn strip_marker(item: &str) -> String {
    let t = item.trim();
    let t = t
        .strip_prefix(['-', '*', '+'])
        .map(str::trim_start)
        .unwrap_or_else(|| {
            let digits = t.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && t[digits..].starts_with(['.', ')']) {
                t[digits + 1..].trim_start()
            } else {
                t
            }
        });
    let t = ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|m| t.strip_prefix(m))
        .map_or(t, str::trim_start);
    t.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers() {
        assert_eq!(
            typed_number("5.4.3\t接到投诉"),
            Some(("5.4.3".into(), "接到投诉".into()))
        );
        assert_eq!(
            typed_number("1. Purpose"),
            Some(("1".into(), "Purpose".into()))
        );
        assert_eq!(typed_number("2024 was a year"), None);
        assert_eq!(typed_number("ISO 9001"), None);
    }

    #[test]
    fn reads_markdown_blocks() {
        let doc = markdown(
            "# SOP\n\n| Field | Value |\n|---|---|\n| Document ID | SOP-1 |\n\n## 1. Purpose\n\nTo *do* it.\n\n- [ ] one\n- [x] two\n",
        );
        assert_eq!(doc.blocks.len(), 5, "{:?}", doc.blocks);
        assert!(
            matches!(&doc.blocks[2], Block::Heading { level: 2, number: Some(n), text, .. } if n == "1" && text == "Purpose")
        );
        assert!(
            matches!(&doc.blocks[1], Block::Table { rows, .. } if rows[1] == ["Document ID", "SOP-1"])
        );
        assert!(matches!(&doc.blocks[3], Block::Para { text, .. } if text == "To *do* it."));
        assert!(
            matches!(&doc.blocks[4], Block::List { items, .. } if items[0] == (Some(false), "one".into(), "one".into()))
        );
    }
}
