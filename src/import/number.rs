//! Section numbers in legacy text: find them in every style real documents use (1, 1.0, 1.1,
//! 5.2.1, `3 2 1` and `321` with the dots lost, 一、, (一), 1), a), a.), tell numbering from
//! numbers in a sentence (`每月5日前`, `按5.5条款`), and report numbering that is wrong.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::import::keywords::{self, SectionKind};

/// What the scanner found, in text order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// A section heading: 目的, 范围 …, or a numbered heading the import does not know.
    Section {
        /// What the section holds; `None` for a heading that is no known section.
        kind: Option<SectionKind>,
        /// The number as written (`3.`, `4.0`, `一、`), empty when unnumbered.
        number: String,
        /// The heading as written (`權責`, `基本流程`).
        heading: String,
        /// Byte offset of the heading.
        at: usize,
    },
    /// A numbered item inside a section.
    Item {
        /// The number as written (`4.2`, `3 2 1`, `a)`).
        label: String,
        /// 1 for x.y, 2 for x.y.z …; list items (a), 1)) nest under the item they follow.
        depth: usize,
        /// Byte offset of the number.
        at: usize,
        /// Whether it is a dotted number (5.2.1), as opposed to a list marker (a), 1)).
        dotted: bool,
        /// The numbering problem found here, as an index into [`Scanned::problems`].
        problem: Option<usize>,
    },
    /// Text between numbers: a byte range.
    Text {
        /// Start offset.
        start: usize,
        /// End offset.
        end: usize,
    },
}

/// A numbering problem of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Byte offset of the number.
    pub(crate) at: usize,
    /// The number as written.
    pub(crate) written: String,
    /// What is wrong.
    pub(crate) message: String,
}

/// The scanner's result.
#[derive(Debug, Clone)]
pub(crate) struct Scanned {
    /// Headings, items and text, in order.
    pub(crate) events: Vec<Event>,
    /// Numbering problems.
    pub(crate) problems: Vec<Problem>,
}

/// Scan a passage's text. `locate` turns a byte offset into "line L, column C" for messages.
pub(crate) fn scan(text: &str, locate: &dyn Fn(usize) -> String) -> Scanned {
    let mut scanner = Scanner {
        text,
        locate,
        dotless: is_dotless(text),
        top: 0,
        style: None,
        in_section: false,
        path: Vec::new(),
        seen: HashMap::new(),
        lists: Vec::new(),
        kinds: Vec::new(),
        events: Vec::new(),
        problems: Vec::new(),
    };
    scanner.run();
    Scanned {
        events: scanner.events,
        problems: scanner.problems,
    }
}

/// Return whether the text numbers its items without dots (`3 2 1`, `321`), as OCR or a careless
/// export leaves them; only then are digit groups split into levels.
fn is_dotless(text: &str) -> bool {
    static DOTTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\s。;；,，:：])\d{1,2}[.．]\d").expect("a valid regex")
    });
    static SPACED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|\s)(?:[1-9](?: [1-9])+ ?|[1-9]{2,3})\p{Han}").expect("a valid regex")
    });
    !DOTTED.is_match(text) && SPACED.find_iter(text).count() >= 2
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopStyle {
    /// 1 目的, 1.0 目的, 1、目的.
    Arabic,
    /// 一、目的, 第一章 目的.
    Chinese,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    /// 1. 1、 (inside a section).
    Arabic,
    /// 1) (1).
    Paren,
    /// 一、 (inside a section).
    Chinese,
    /// (一).
    ChineseParen,
    /// a) a. (a).
    Lower,
    /// A) A.
    Upper,
    /// - • ● at the start of a line.
    Bullet,
}

struct Scanner<'t> {
    text: &'t str,
    locate: &'t dyn Fn(usize) -> String,
    dotless: bool,
    /// The current section's number (counting unnumbered headings too).
    top: u32,
    style: Option<TopStyle>,
    in_section: bool,
    /// The current dotted item, section number first (`[4, 2, 1]`).
    path: Vec<u32>,
    /// Where each dotted number was first used.
    seen: HashMap<Vec<u32>, usize>,
    /// Open lists under the current dotted item: style and last value.
    lists: Vec<(ListStyle, u32)>,
    kinds: Vec<SectionKind>,
    events: Vec<Event>,
    problems: Vec<Problem>,
}

/// A token of Arabic digits: `5.2.1`, `1.`, `1、`, `1)`.
struct Arabic {
    comps: Vec<u32>,
    terminated: bool,
    paren: bool,
    end: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let text = self.text;
        let mut i = 0;
        let mut text_start = 0;
        while i < text.len() {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            let found = self.marker(i).or_else(|| self.unnumbered(i));
            if let Some((event, end)) = found {
                self.flush(text_start, i);
                self.events.push(event);
                i = end;
                text_start = end;
                continue;
            }
            // A rejected number is skipped whole, so that `4.10` is never read again as `10`.
            if c.is_ascii_digit() {
                i += text[i..]
                    .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                    .unwrap_or(text.len() - i);
            } else {
                i += c.len_utf8();
            }
        }
        self.flush(text_start, text.len());
    }

    fn flush(&mut self, start: usize, end: usize) {
        if self.text[start..end].trim().is_empty() {
            return;
        }
        self.events.push(Event::Text { start, end });
    }

    fn prev(&self, i: usize) -> Option<char> {
        self.text[..i].chars().next_back()
    }

    /// Return whether a number can start at `i`: at the start, after a space or a punctuation mark.
    fn boundary(&self, i: usize) -> bool {
        match self.prev(i) {
            None => true,
            Some(c) if c.is_whitespace() => true,
            Some('.') => !self.text[..i - 1].ends_with(|c: char| c.is_ascii_digit()),
            Some(c) => matches!(
                c,
                '。' | ';' | '；' | ',' | '，' | ':' | '：' | '!' | '?' | '！' | '？' | '、'
            ),
        }
    }

    /// Return whether a sentence starts at `i` (after a full stop and a space, or a line start).
    fn sentence_start(&self, i: usize) -> bool {
        let before = &self.text[..i];
        let trimmed = before.trim_end();
        if trimmed.is_empty() {
            return true;
        }
        if before.ends_with('\n') {
            return true;
        }
        trimmed.len() < before.len()
            && trimmed.ends_with(['.', '。', '!', '?', '！', '？', ';', '；'])
    }

    /// Match a section name without a number, at the start of the text or of a sentence.
    fn unnumbered(&mut self, i: usize) -> Option<(Event, usize)> {
        let first_heading = self.top == 0 && self.boundary(i);
        if !(first_heading || self.sentence_start(i)) {
            return None;
        }
        let found = keywords::match_at(self.text, i, false)?;
        if self.kinds.contains(&found.kind) {
            return None;
        }
        let n = self.top + 1;
        Some(self.open_section(i, Some(found.kind), String::new(), n, found.end, None))
    }

    fn marker(&mut self, i: usize) -> Option<(Event, usize)> {
        let rest = &self.text[i..];
        let first = rest.chars().next()?;
        let boundary = self.boundary(i);
        if first.is_ascii_digit() {
            if self.prev(i).is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            if self.dotless {
                for (comps, end) in [spaced(rest), glued(rest)].into_iter().flatten() {
                    if let Some(event) = self.dotted(i, comps, &rest[..end], !boundary) {
                        return Some((event, i + end));
                    }
                }
            }
            if !boundary {
                return None;
            }
            let token = arabic(rest)?;
            let written = rest[..token.end].trim();
            if token.paren {
                let event = self.list(i, ListStyle::Paren, token.comps[0], written)?;
                return Some((event, i + token.end));
            }
            let mut comps = token.comps;
            if comps.len() == 2 && comps[1] == 0 {
                comps.pop();
            }
            if comps.len() == 1 {
                return self.top_level(i, comps[0], token.end, token.terminated, TopStyle::Arabic);
            }
            if unit_follows(&rest[token.end..]) && !self.expected(&comps) {
                return None;
            }
            let event = self.dotted(i, comps, written, false)?;
            return Some((event, i + token.end));
        }
        if !boundary {
            return None;
        }
        if let Some((value, style, end)) = chinese(rest) {
            return match style {
                None => self.top_level(i, value, end, true, TopStyle::Chinese),
                Some(style) => {
                    let event = self.list(i, style, value, &rest[..end])?;
                    Some((event, i + end))
                }
            };
        }
        if let Some((value, style, end)) = letter(rest) {
            let event = self.list(i, style, value, &rest[..end])?;
            return Some((event, i + end));
        }
        let line_start = i == 0 || self.text[..i].ends_with('\n');
        if line_start && rest.starts_with(['-', '*', '•', '·', '●', '○', '■', '◆', '▪'])
        {
            let end = rest.chars().next().map_or(1, char::len_utf8);
            if rest[end..].starts_with(' ') {
                let event = self.list(i, ListStyle::Bullet, 1, &rest[..end])?;
                return Some((event, i + end));
            }
        }
        None
    }

    /// Read a single number: a section heading, an item of an open list, or a list's start.
    fn top_level(
        &mut self,
        i: usize,
        n: u32,
        end: usize,
        terminated: bool,
        style: TopStyle,
    ) -> Option<(Event, usize)> {
        let written = self.text[i..i + end].trim().to_owned();
        let after = skip_spaces(self.text, i + end);
        let fits_style = self.style.is_none_or(|s| s == style);
        if fits_style
            && (1..=30).contains(&n)
            && let Some(found) = keywords::match_at(self.text, after, true)
        {
            let heading_end = found.end;
            return Some(self.open_section(
                i,
                Some(found.kind),
                written,
                n,
                heading_end,
                Some(after),
            ));
        }
        let list_style = match style {
            TopStyle::Arabic => ListStyle::Arabic,
            TopStyle::Chinese => ListStyle::Chinese,
        };
        let continues = self
            .lists
            .iter()
            .any(|&(s, v)| s == list_style && v + 1 == n);
        let spaced = after > i + end;
        if !continues
            && fits_style
            && self.top >= 1
            && n == self.top + 1
            && (terminated || spaced)
            && let Some(heading_end) = heading_word(self.text, after)
        {
            return Some(self.open_section(i, None, written, n, heading_end, Some(after)));
        }
        if !terminated {
            return None;
        }
        let event = self.list(i, list_style, n, &written)?;
        Some((event, i + end))
    }

    fn open_section(
        &mut self,
        i: usize,
        kind: Option<SectionKind>,
        number: String,
        n: u32,
        heading_end: usize,
        heading_start: Option<usize>,
    ) -> (Event, usize) {
        let heading_start = heading_start.unwrap_or(i);
        let heading = self.text[heading_start..heading_end].to_owned();
        if !number.is_empty() {
            let problem = if self.seen.contains_key(&vec![n]) {
                Some(format!(
                    "section `{number}` is used again (first at {})",
                    (self.locate)(self.seen[&vec![n]])
                ))
            } else if n != self.top + 1 {
                Some(match self.top {
                    0 => format!("the first section is numbered `{number}`"),
                    top => format!("section `{number}` follows section {top}"),
                })
            } else {
                None
            };
            if let Some(message) = problem {
                self.problems.push(Problem {
                    at: i,
                    written: number.clone(),
                    message,
                });
            }
        }
        let style = if number.chars().any(|c| c.is_ascii_digit()) || number.is_empty() {
            TopStyle::Arabic
        } else {
            TopStyle::Chinese
        };
        if !number.is_empty() {
            self.style = Some(style);
        }
        self.seen.entry(vec![n]).or_insert(i);
        self.top = n;
        self.in_section = true;
        self.path = match self.style {
            Some(TopStyle::Chinese) => Vec::new(),
            _ => vec![n],
        };
        self.lists.clear();
        if let Some(kind) = kind {
            self.kinds.push(kind);
        }
        let mut end = skip_spaces(self.text, heading_end);
        while let Some(c) = self.text[end..]
            .chars()
            .next()
            .filter(|&c| c == ':' || c == '：')
        {
            end = skip_spaces(self.text, end + c.len_utf8());
        }
        let event = Event::Section {
            kind,
            number,
            heading,
            at: i,
        };
        (event, end)
    }

    /// Return whether a dotted number is the next one: the first child of the current item,
    /// or the next sibling of it or of one of its parents.
    fn expected(&self, comps: &[u32]) -> bool {
        let p = &self.path;
        if self.style == Some(TopStyle::Chinese) {
            if p.is_empty() {
                return comps.len() == 2 && comps[1] == 1;
            }
            if comps.len() == 2 && comps[0] == p[0] + 1 && comps[1] == 1 {
                return true;
            }
        }
        if comps.len() == p.len() + 1 && comps[..p.len()] == p[..] && comps[p.len()] == 1 {
            return true;
        }
        (2..=p.len()).any(|k| {
            comps.len() == k && comps[..k - 1] == p[..k - 1] && comps[k - 1] == p[k - 1] + 1
        })
    }

    fn same_section(&self, comps: &[u32]) -> bool {
        match self.style {
            Some(TopStyle::Chinese) => self.path.first() == Some(&comps[0]),
            _ => comps[0] == self.top,
        }
    }

    /// Accept a dotted number as an item (reporting it when it is not the expected one).
    /// `strict`: only the expected number counts (a number glued to the word before it).
    fn dotted(&mut self, i: usize, comps: Vec<u32>, written: &str, strict: bool) -> Option<Event> {
        if !self.in_section || comps.len() < 2 || comps.iter().any(|&c| c == 0 || c > 60) {
            return None;
        }
        let expected = self.expected(&comps);
        if !expected && (strict || !self.same_section(&comps)) {
            return None;
        }
        let problem = if !expected || self.seen.contains_key(&comps) {
            let message = self.describe(&comps, written);
            self.problems.push(Problem {
                at: i,
                written: written.to_owned(),
                message,
            });
            Some(self.problems.len() - 1)
        } else {
            None
        };
        let depth = comps.len() - 1;
        self.seen.entry(comps.clone()).or_insert(i);
        self.path = comps;
        self.lists.clear();
        Some(Event::Item {
            label: written.to_owned(),
            depth,
            at: i,
            dotted: true,
            problem,
        })
    }

    /// Say what is wrong with a dotted number that is not the expected one.
    fn describe(&self, comps: &[u32], written: &str) -> String {
        let name = dots(comps);
        let shown = if written == name {
            format!("`{name}`")
        } else {
            format!("`{written}` ({name})")
        };
        let current = dots(&self.path);
        if let Some(&first) = self.seen.get(comps) {
            return format!("{shown} is used again (first at {})", (self.locate)(first));
        }
        let level = comps.len() - 1;
        let parent = &comps[..level];
        if self.path.starts_with(parent) {
            let next = self.path.get(level).map_or(1, |n| n + 1);
            if comps[level] > next {
                let missing: Vec<String> = (next..comps[level])
                    .map(|n| {
                        let mut c = parent.to_vec();
                        c.push(n);
                        format!("`{}`", dots(&c))
                    })
                    .collect();
                let verb = if missing.len() == 1 { "is" } else { "are" };
                return format!(
                    "{shown} follows `{current}`: {} {verb} missing",
                    missing.join(", ")
                );
            }
            return format!("{shown} follows `{current}`: the numbers go back");
        }
        let parent_name = dots(parent);
        if self.seen.contains_key(parent) {
            format!(
                "{shown} follows `{current}`: it is numbered under `{parent_name}`, an earlier item"
            )
        } else {
            format!("{shown} follows `{current}`, but there is no `{parent_name}` above it")
        }
    }

    /// Accept a list marker when it starts a list (1, a, 一) or continues an open one.
    fn list(&mut self, i: usize, style: ListStyle, value: u32, written: &str) -> Option<Event> {
        if !self.in_section {
            return None;
        }
        let base = self.path.len().saturating_sub(1);
        let depth = match self.lists.iter().position(|&(s, _)| s == style) {
            Some(k) => {
                if style != ListStyle::Bullet && value != self.lists[k].1 + 1 {
                    return None;
                }
                self.lists.truncate(k + 1);
                self.lists[k].1 = value;
                base + k + 1
            }
            None => {
                if style != ListStyle::Bullet && value != 1 {
                    return None;
                }
                self.lists.push((style, value));
                base + self.lists.len()
            }
        };
        Some(Event::Item {
            label: written.trim().to_owned(),
            depth,
            at: i,
            dotted: false,
            problem: None,
        })
    }
}

fn dots(comps: &[u32]) -> String {
    comps
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

fn skip_spaces(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start().len()
}

/// Read `5.2.1`, `1.`, `1.0`, `1、`, `1)`: digits in groups of at most three, so years and
/// amounts are not numbering; followed by what a heading or an item starts with.
fn arabic(rest: &str) -> Option<Arabic> {
    let bytes = rest.as_bytes();
    let mut comps = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 3 {
            return None;
        }
        comps.push(rest[start..i].parse().ok()?);
        let dot = if rest[i..].starts_with('.') {
            1
        } else if rest[i..].starts_with('．') {
            '．'.len_utf8()
        } else {
            0
        };
        if dot > 0 && rest[i + dot..].starts_with(|c: char| c.is_ascii_digit()) && comps.len() < 6 {
            i += dot;
            continue;
        }
        break;
    }
    let mut terminated = false;
    let mut paren = false;
    let tail = &rest[i..];
    if let Some(c) = tail.chars().next() {
        match c {
            '.' | '．' | '、' => {
                terminated = true;
                i += c.len_utf8();
            }
            ')' | '）' if comps.len() == 1 => {
                paren = true;
                i += c.len_utf8();
            }
            _ => {}
        }
    }
    let next = rest[i..].chars().next()?;
    let ok = next.is_whitespace()
        || (!next.is_ascii() && !matches!(next, '％' | '．' | '）' | '、' | '。' | '，'))
        || matches!(next, '<' | '(' | '"' | '\'' | '[')
        || (next.is_ascii_alphabetic() && (terminated || comps.len() > 1));
    ok.then_some(Arabic {
        comps,
        terminated,
        paren,
        end: i,
    })
}

/// Read `3 2 1 进行`: single digits separated by single spaces (the dots were lost).
fn spaced(rest: &str) -> Option<(Vec<u32>, usize)> {
    let bytes = rest.as_bytes();
    let mut comps = Vec::new();
    let mut i = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() && bytes[i] != b'0' {
        if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        comps.push(u32::from(bytes[i] - b'0'));
        i += 1;
        if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    let next = rest[i..].chars().next()?;
    (comps.len() >= 2 && (next == ' ' || is_han(next))).then_some((comps, i))
}

/// Read `321进行`: two to four digits glued to the text (the dots and the spaces were lost).
fn glued(rest: &str) -> Option<(Vec<u32>, usize)> {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(2..=4).contains(&digits) || rest.as_bytes()[..digits].contains(&b'0') {
        return None;
    }
    let next = rest[digits..].chars().next()?;
    if !is_han(next) || unit_follows(&rest[digits..]) {
        return None;
    }
    let comps = rest.as_bytes()[..digits]
        .iter()
        .map(|b| u32::from(b - b'0'))
        .collect();
    Some((comps, digits))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

const CHINESE_DIGITS: &str = "零一二三四五六七八九";

/// The value of a Chinese numeral up to 99: 一, 十, 十二, 二十三.
fn chinese_value(numeral: &str) -> Option<u32> {
    let digit = |c: char| {
        CHINESE_DIGITS
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = numeral.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => Some(10 + digit(*c)?),
        [c, '十'] => Some(digit(*c)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// Return the length of the section or list number a line starts with, with the spaces after
/// it: `4.1 `, `1、`, `2)`, `一、`, `（1）`, `(a)`, `a)` — not a quantity (`3个月`) or a year.
pub(crate) fn number_prefix(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    let end = if let Some((_, _, end)) = chinese(t) {
        end
    } else if let Some((_, _, end)) = letter(t) {
        end
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 || unit_follows(&t[digits..]) {
            return None;
        }
        if t[digits..].starts_with(['、', ')', '）']) {
            digits + t[digits..].chars().next().map_or(0, char::len_utf8)
        } else {
            let (number, rest) = crate::import::blocks::typed_number(t)?;
            if number.len() > 8 {
                return None;
            }
            t.len() - rest.len()
        }
    };
    Some(indent + skip_spaces(t, end))
}

/// Return whether a line starts with a section or list number (see [`number_prefix`]).
pub(crate) fn starts_numbered(line: &str) -> bool {
    number_prefix(line).is_some()
}

/// Split a section number written in Chinese numerals off a heading: `一、目的` or `第一章 目的`
/// → (1, `目的`). Bracketed numbers (`（一）`) number lists, not sections, and are not read here.
pub(crate) fn chinese_section(text: &str) -> Option<(u32, &str)> {
    let text = text.trim_start();
    if text.starts_with(['(', '（']) {
        return None;
    }
    let (value, _, end) = chinese(text)?;
    let rest = text[end..].trim_start_matches([' ', '\t', '\u{3000}']);
    (!rest.is_empty()).then_some((value, rest))
}

/// Whether a paragraph is an article of a 管理制度: `第五条 …` (a `第` number read as a list
/// item, which only 条 is).
pub(crate) fn is_article(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with('第') && matches!(chinese(text), Some((_, Some(_), _)))
}

/// Read `一、` (a section or a list), `第一章` (a section), `第三条` (an article), `(一)`, `(1)`,
/// `(a)`.
fn chinese(rest: &str) -> Option<(u32, Option<ListStyle>, usize)> {
    let numeral_len = |s: &str| {
        s.char_indices()
            .take_while(|&(_, c)| c == '十' || CHINESE_DIGITS.contains(c))
            .last()
            .map(|(i, c)| i + c.len_utf8())
    };
    if let Some(after) = rest.strip_prefix('第') {
        let len = numeral_len(after)?;
        let value = chinese_value(&after[..len])?;
        let tail = &after[len..];
        if tail.starts_with(['章', '节', '節']) {
            return Some((value, None, '第'.len_utf8() + len + '章'.len_utf8()));
        }
        // 第三条 (an article of a 管理制度): a numbered item inside its chapter.
        if tail.starts_with(['条', '條']) {
            let end = '第'.len_utf8() + len + '条'.len_utf8();
            return Some((value, Some(ListStyle::Arabic), end));
        }
        return None;
    }
    if let Some(after) = rest.strip_prefix(['(', '（']) {
        let open = rest.len() - after.len();
        // A marker is short: do not look for its closing bracket further than a few letters.
        let window = after.char_indices().nth(6).map_or(after.len(), |(i, _)| i);
        let inner_len = after[..window].find([')', '）'])?;
        let inner = &after[..inner_len];
        let close = after[inner_len..].chars().next().map_or(1, char::len_utf8);
        let end = open + inner_len + close;
        if let Some(value) = chinese_value(inner) {
            return Some((value, Some(ListStyle::ChineseParen), end));
        }
        if !inner.is_empty() && inner.len() <= 2 && inner.bytes().all(|b| b.is_ascii_digit()) {
            return Some((inner.parse().ok()?, Some(ListStyle::Paren), end));
        }
        let mut chars = inner.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && c.is_ascii_lowercase()
        {
            return Some((c as u32 - 'a' as u32 + 1, Some(ListStyle::Lower), end));
        }
        return None;
    }
    let len = numeral_len(rest)?;
    let value = chinese_value(&rest[..len])?;
    rest[len..]
        .starts_with('、')
        .then_some((value, None, len + '、'.len_utf8()))
}

/// Read `a)`, `a.`, `a、`, `A)`: a letter list marker, not the start of a word (`e.g.`).
fn letter(rest: &str) -> Option<(u32, ListStyle, usize)> {
    let mut chars = rest.chars();
    let c = chars.next()?;
    if !c.is_ascii_alphabetic() {
        return None;
    }
    let mark = chars.next()?;
    if !matches!(mark, ')' | '）' | '.' | '、') {
        return None;
    }
    let end = c.len_utf8() + mark.len_utf8();
    if rest[end..].starts_with(|n: char| n.is_ascii_alphanumeric()) {
        return None;
    }
    let (style, value) = if c.is_ascii_lowercase() {
        (ListStyle::Lower, c as u32 - 'a' as u32 + 1)
    } else {
        (ListStyle::Upper, c as u32 - 'A' as u32 + 1)
    };
    Some((value, style, end))
}

/// Return whether the words after a number make it a quantity (`5日`, `2小时`, `3个月`),
/// not a section number.
fn unit_follows(after: &str) -> bool {
    const UNITS: &[&str] = &[
        "年", "个月", "月", "日", "天", "周", "小时", "分钟", "秒", "个", "次", "份", "件", "台",
        "套", "元", "万", "倍", "条款", "页", "張", "张", "岁", "公斤", "吨", "%", "％",
    ];
    const NOT_UNITS: &[&str] = &["年度", "月度", "月份", "日常", "周期", "次序", "件号"];
    !NOT_UNITS.iter().any(|w| after.starts_with(w)) && UNITS.iter().any(|w| after.starts_with(w))
}

/// Find a short heading word after a number (`4 基本流程`): 2 to 12 letters up to a space;
/// return where it ends.
fn heading_word(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    if unit_follows(rest) {
        return None;
    }
    let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let word = &rest[..word_len];
    let chars = word.chars().count();
    let clean = word
        .trim_end_matches([':', '：'])
        .chars()
        .all(|c| is_han(c) || c.is_ascii_alphabetic() || c == '/');
    ((2..=12).contains(&chars) && clean).then_some(at + word_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(text: &str) -> (Vec<String>, Vec<String>) {
        let scanned = scan(text, &|at| format!("byte {at}"));
        let events = scanned
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Section {
                    number, heading, ..
                } => Some(format!("§{number}{heading}")),
                Event::Item { label, depth, .. } => Some(format!("{depth}:{label}")),
                Event::Text { .. } => None,
            })
            .collect();
        let problems = scanned.problems.into_iter().map(|p| p.message).collect();
        (events, problems)
    }

    #[test]
    fn reads_dotted_numbers_and_zero_sections() {
        let (events, problems) = outline(
            "1.0 目的 1.1 甲。 2.0 适用范围 乙。 3.0 职责 3.1 丙。 3.2 丁。 4.0 程序 4.1 戊 4.1.1 己",
        );
        assert_eq!(
            events,
            vec![
                "§1.0目的",
                "1:1.1",
                "§2.0适用范围",
                "§3.0职责",
                "1:3.1",
                "1:3.2",
                "§4.0程序",
                "1:4.1",
                "2:4.1.1"
            ]
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn reports_numbers_used_twice() {
        let (_, problems) = outline("4.0 程序 4.1 甲。 4.2 乙。 4.3 丙。 4.2 丁。 4.3 戊");
        assert_eq!(
            problems,
            vec![
                "the first section is numbered `4.0`",
                "`4.2` is used again (first at byte 22)",
                "`4.3` is used again (first at byte 33)"
            ]
        );
    }

    #[test]
    fn reports_gaps_and_wrong_parents() {
        let (_, problems) =
            outline("4 工作程序 4.1 甲 4.1.2 乙 4.1.2.2 丙 4.2 丁 4.2.1 戊 4.1.2.4 己");
        assert_eq!(
            problems[1..],
            [
                "`4.1.2` follows `4.1`: `4.1.1` is missing",
                "`4.1.2.2` follows `4.1.2`: `4.1.2.1` is missing",
                "`4.1.2.4` follows `4.2.1`: it is numbered under `4.1.2`, an earlier item"
            ]
        );
        assert_eq!(problems[0], "the first section is numbered `4`");
    }

    #[test]
    fn reads_numbers_without_dots() {
        let (events, problems) = outline(
            "2职责 2 1 营销部负责 2 2 质量部负责 3工作程序 3 1 甲 3 2 乙的沟通3 2 1 进行 3 2 2 营销部",
        );
        assert_eq!(
            events,
            vec![
                "§2职责",
                "1:2 1",
                "1:2 2",
                "§3工作程序",
                "1:3 1",
                "1:3 2",
                "2:3 2 1",
                "2:3 2 2"
            ]
        );
        assert_eq!(problems, vec!["the first section is numbered `2`"]);
        let (events, problems) = outline("3工作程序 31为了 321进行 322营销部 在24小时内");
        assert_eq!(events, vec!["§3工作程序", "1:31", "2:321", "2:322"]);
        assert_eq!(
            problems[1],
            "`321` (3.2.1) follows `3.1`, but there is no `3.2` above it"
        );
    }

    #[test]
    fn reads_chinese_and_list_numbering() {
        let (events, problems) = outline(
            "一、目的 甲 二、范围 乙 三、工作程序 (一) 接收 1. 登记 2. 分析 a) 甲 b) 乙 (二) 处理 1) 丙",
        );
        assert_eq!(
            events,
            vec![
                "§一、目的",
                "§二、范围",
                "§三、工作程序",
                "1:(一)",
                "2:1.",
                "2:2.",
                "3:a)",
                "3:b)",
                "1:(二)",
                "2:1)"
            ]
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn leaves_numbers_in_sentences_alone() {
        let (events, _) = outline(
            "5 工作程序 5.1 每月5日前汇总,选取不少于20%的顾客。 5.2 按5.5条款执行,除3.2.3 所规定的以外。 5.3 要求2小时内回复,24小时内给出方案。 S.客户需求 e.g. 5.4 完",
        );
        assert_eq!(
            events,
            vec!["§5工作程序", "1:5.1", "1:5.2", "1:5.3", "1:5.4"]
        );
    }

    #[test]
    fn reads_unnumbered_first_sections_and_unknown_headings() {
        let (events, _) = outline(
            "目的 以公司为基础. 範圍 配合出貨. 3.權責 3.1接收. 4 基本流程 5 工作流程 5.1 甲",
        );
        assert_eq!(
            events,
            vec![
                "§目的",
                "§範圍",
                "§3.權責",
                "1:3.1",
                "§4基本流程",
                "§5工作流程",
                "1:5.1"
            ]
        );
    }
}
