//! Stage 2 of the import: a source's lines → passages, one per document. A text export often
//! holds several documents: each starts at a short title line (or a title run into its first
//! paragraph, `顾客沟通程序 1 目的 …`); repeated titles and page headers stay with their document.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold;
use crate::import::keywords::{self, SectionKind};

/// A line of a source, or the part of it that belongs to a passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source.
    pub number: usize,
    /// 1-based character column where `text` starts in that line.
    pub column: usize,
    /// The text.
    pub text: String,
}

/// One document of a source: its title line and the lines after it.
#[derive(Debug, Clone, Default)]
pub struct Passage {
    /// The title line, when the passage starts with one.
    pub title: Option<Line>,
    /// Header and body lines, in order.
    pub lines: Vec<Line>,
    /// Repeated titles, running page headers and page numbers, left out of the text.
    pub furniture: Vec<Line>,
    /// Whether any line is body text rather than title and header lines.
    pub has_body: bool,
}

impl Passage {
    /// Return the first and last source line of the passage.
    pub fn span(&self) -> (usize, usize) {
        let numbers = self
            .title
            .iter()
            .chain(&self.lines)
            .chain(&self.furniture)
            .map(|l| l.number);
        let first = numbers.clone().min().unwrap_or(0);
        (first, numbers.max().unwrap_or(first))
    }
}

/// Split a source's lines into passages.
pub fn split(lines: &[String]) -> Vec<Passage> {
    let paragraphs = paragraphs(lines);
    let mut passages = Vec::new();
    let mut current: Option<Current> = None;
    for (i, para) in paragraphs.iter().enumerate() {
        let next = paragraphs.get(i + 1);
        let Some(cur) = current.as_mut() else {
            current = Some(Current::start(para));
            continue;
        };
        if is_title_block(para) {
            let similar = similar_title(para, cur);
            let action = if !cur.has_body {
                if para.iter().all(|l| same_text(&l.text, cur.title())) {
                    Action::Furniture
                } else if similar || is_header(para) || !starts_new(para, next, cur) {
                    Action::Header
                } else {
                    Action::New
                }
            } else if is_page_furniture(para) {
                Action::Furniture
            } else if next.is_some_and(|n| restarts(n) || (is_title_block(n) && same(n, para))) {
                Action::New
            } else if similar {
                Action::Furniture
            } else if starts_new(para, next, cur) {
                Action::New
            } else {
                Action::Body
            };
            match action {
                Action::Furniture => cur.passage.furniture.extend(para.iter().cloned()),
                Action::Header => cur.push(para),
                Action::Body => {
                    cur.push(para);
                    cur.set_body();
                }
                Action::New => {
                    if let Some(done) = current.replace(Current::start(para)) {
                        passages.push(done.passage);
                    }
                }
            }
            continue;
        }
        let split_here = cur.has_body
            && inline_title(&para[0].text).is_some_and(|(phrase, keyword)| {
                (keyword || cur.last.is_none()) && !similar_text(phrase, cur)
            });
        if split_here {
            if let Some(done) = current.replace(Current::start(para)) {
                passages.push(done.passage);
            }
        } else {
            cur.push(para);
            cur.set_body();
        }
    }
    passages.extend(current.map(|c| c.passage));
    passages
}

enum Action {
    Furniture,
    Header,
    Body,
    New,
}

struct Current {
    passage: Passage,
    has_body: bool,
    /// The kind of the last section heading so far (kept up to date as lines come, so that
    /// a long document is not read again for every paragraph).
    last: Option<SectionKind>,
}

impl Current {
    /// Start a passage at a paragraph: a title block, a title run into the first line, or text.
    fn start(para: &[Line]) -> Self {
        if is_title_block(para) {
            let (repeats, lines): (Vec<Line>, Vec<Line>) = para[1..]
                .iter()
                .cloned()
                .partition(|l| same_text(&l.text, &para[0].text));
            let mut current = Current {
                passage: Passage {
                    title: Some(para[0].clone()),
                    furniture: repeats,
                    ..Passage::default()
                },
                has_body: false,
                last: None,
            };
            current.push(&lines);
            return current;
        }
        let first = &para[0];
        let mut current = Current {
            passage: Passage {
                has_body: true,
                ..Passage::default()
            },
            has_body: true,
            last: None,
        };
        match inline_title(&first.text) {
            Some((phrase, _)) => {
                let rest = first.text[phrase.len()..].trim_start();
                let skipped = first.text.len() - rest.len();
                current.passage.title = Some(Line {
                    number: first.number,
                    column: first.column,
                    text: phrase.to_owned(),
                });
                current.push(&[Line {
                    number: first.number,
                    column: first.column + first.text[..skipped].chars().count(),
                    text: rest.to_owned(),
                }]);
            }
            None => current.push(&para[..1]),
        }
        current.push(&para[1..]);
        current
    }

    /// Add lines to the passage, noting the last section heading among them.
    fn push(&mut self, lines: &[Line]) {
        for line in lines {
            if let Some(kind) = last_section(&line.text) {
                self.last = Some(kind);
            }
            self.passage.lines.push(line.clone());
        }
    }

    fn set_body(&mut self) {
        self.has_body = true;
        self.passage.has_body = true;
    }

    fn title(&self) -> &str {
        self.passage.title.as_ref().map_or("", |l| l.text.as_str())
    }
}

/// Group non-blank lines into paragraphs (runs between blank lines).
fn paragraphs(lines: &[String]) -> Vec<Vec<Line>> {
    let mut out: Vec<Vec<Line>> = Vec::new();
    let mut para = Vec::new();
    for (i, text) in lines.iter().enumerate() {
        let trimmed = text.trim_start();
        if trimmed.trim().is_empty() {
            if !para.is_empty() {
                out.push(std::mem::take(&mut para));
            }
            continue;
        }
        para.push(Line {
            number: i + 1,
            column: text[..text.len() - trimmed.len()].chars().count() + 1,
            text: trimmed.trim_end().to_owned(),
        });
    }
    if !para.is_empty() {
        out.push(para);
    }
    out
}

static MARKER_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|[a-zA-Z][).、）]|第[一二三四五六七八九十\d]+[章条节])")
        .expect("a valid regex")
});

static PAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)第\s*\d+\s*[页頁]\s*[,，]?\s*共\s*\d+\s*[页頁]|page\s+\d+\s+of\s+\d+|未[经經]批[准準]")
        .expect("a valid regex")
});

static HEADER_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:文件编号|文件編號|编号|編號|版本|版次|编制|編制|受控状态|受控狀態)\s*[:：]")
        .expect("a valid regex")
});

/// Return whether a line can be a title: short, no sentence punctuation, no section number.
fn title_like(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= 50
        && !line.contains(['。', ';', '；', '!', '?', '！', '？', ',', '，'])
        && !line.ends_with([':', '：'])
        && !MARKER_START.is_match(line)
        && line.chars().any(char::is_alphabetic)
}

fn is_title_block(para: &[Line]) -> bool {
    para.iter().all(|l| title_like(&l.text))
}

fn is_page_furniture(para: &[Line]) -> bool {
    para.iter().all(|l| PAGE.is_match(&l.text))
}

fn is_header(para: &[Line]) -> bool {
    para.iter().any(|l| HEADER_KEY.is_match(&l.text))
}

/// Return whether a paragraph begins a document: a header field, the first section, or a
/// title run into the first section.
fn restarts(para: &[Line]) -> bool {
    let text = para[0].text.trim();
    is_header(para)
        || first_section(text)
        || keywords::match_at(text, 0, false).is_some()
        || inline_title(text).is_some()
}

/// Return whether the text starts with the first section number: 1, 1., 1.0, 1、, 一、, 第一章.
fn first_section(text: &str) -> bool {
    if text.starts_with("一、") || text.starts_with("第一章") {
        return true;
    }
    let Some(rest) = text.strip_prefix('1') else {
        return false;
    };
    let rest = rest.strip_prefix(".0").unwrap_or(rest);
    match rest.chars().next() {
        None => false,
        Some('.') => !rest[1..].starts_with(|c: char| c.is_ascii_digit()),
        Some(c) => !c.is_ascii_digit() && c != '%' && c != '.',
    }
}

/// Find a title run into the first line: `顾客沟通程序 1 目的 …`, `记住…! 1.好了`. Returns the
/// title and whether a section name follows the number.
fn inline_title(text: &str) -> Option<(&str, bool)> {
    let end = text.find(char::is_whitespace)?;
    let phrase = &text[..end];
    let rest = text[end..].trim_start();
    if phrase.chars().count() > 30
        || MARKER_START.is_match(phrase)
        || phrase.ends_with([':', '：'])
        || keywords::match_at(phrase, 0, false).is_some()
    {
        return None;
    }
    if keywords::match_at(rest, 0, false).is_some() {
        return Some((phrase, true));
    }
    if !first_section(rest) {
        return None;
    }
    let after = rest
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '.' | '、' | '一' | '第' | '章')
        })
        .trim_start();
    let keyword = keywords::match_at(after, 0, true).is_some();
    Some((phrase, keyword))
}

/// Return the kind of the last section heading in a line, if any.
fn last_section(line: &str) -> Option<SectionKind> {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\s。.;；])(?:\d{1,2}(?:\.0)?[.、]?|[一二三四五六七八九十]+、)\s*")
            .expect("a valid regex")
    });
    let mut last = keywords::match_at(line, 0, false).map(|f| f.kind);
    for m in HEADING.find_iter(line) {
        if let Some(found) = keywords::match_at(line, m.end(), true) {
            last = Some(found.kind);
        }
    }
    last
}

/// Return whether a title block starts a new passage, judging by its words and what follows.
fn starts_new(para: &[Line], next: Option<&Vec<Line>>, cur: &Current) -> bool {
    let text = para[0].text.trim();
    let bracketed = para.len() == 1 && is_one_citation(text);
    let listing = matches!(cur.last, Some(SectionKind::Related | SectionKind::Records));
    if next.is_some_and(|n| restarts(n)) {
        return true;
    }
    if bracketed {
        return false;
    }
    if next.is_none() {
        return !(listing && keywords::names_document(text, true));
    }
    keywords::names_document(text, !listing)
}

fn is_one_citation(text: &str) -> bool {
    let found = crate::cite::scan(text);
    found.len() == 1 && found[0].start == 0 && found[0].end == text.len()
}

fn same(a: &[Line], b: &[Line]) -> bool {
    same_text(&a[0].text, &b[0].text)
}

/// Return whether two lines are the same title, give or take spaces, width, brackets and
/// traditional characters.
fn same_text(a: &str, b: &str) -> bool {
    let key = |t: &str| fold::key(t).trim_matches(['《', '》']).to_owned();
    key(a) == key(b)
}

fn similar_title(para: &[Line], cur: &Current) -> bool {
    similar_text(&para[0].text, cur)
}

/// Return whether a line shares a good part of the current title (a repeated or longer
/// form of it).
fn similar_text(text: &str, cur: &Current) -> bool {
    let title = fold::key(cur.title());
    let text = fold::key(text);
    if title.is_empty() || text.is_empty() {
        return false;
    }
    let common = longest_common_run(&title, &text);
    let shorter = title.chars().count().min(text.chars().count());
    common >= 4.min(shorter) && common * 2 >= shorter
}

fn longest_common_run(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut best = 0;
    let mut row = vec![0usize; b.len() + 1];
    for &ca in &a {
        let mut prev = 0;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == cb { prev + 1 } else { 0 };
            best = best.max(row[j + 1]);
            prev = here;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> Vec<String> {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        split(&lines)
            .into_iter()
            .map(|p| p.title.map(|t| t.text).unwrap_or_default())
            .collect()
    }

    #[test]
    fn splits_at_title_lines_and_keeps_repeats() {
        let text = "甲表\n\n甲表\n\n顾客沟通程序\n\n顾客沟通程序 ※此文件未经批准,不准复印※\n\n1 目的 甲。 2 范围 乙。\n\n采购控制程序\n\n1、目的 丙。\n\n相关文档\n最新文档";
        assert_eq!(
            titles(text),
            vec!["甲表", "顾客沟通程序", "采购控制程序", "相关文档"]
        );
    }

    #[test]
    fn splits_at_a_title_run_into_the_text() {
        let text = "客户登记记录\n\n在接待完客户之后要填写客户登记表。\n\n记住,不要说这些话! 1.好了 2.有事吗";
        assert_eq!(titles(text), vec!["客户登记记录", "记住,不要说这些话!"]);
    }

    #[test]
    fn does_not_split_a_list_of_records() {
        let text = "采购程序\n\n1 目的 甲。\n\n2 记录\n\n《采购单》\n\n《验收记录表》";
        assert_eq!(titles(text), vec!["采购程序"]);
    }

    #[test]
    fn recognises_the_first_section() {
        assert!(first_section("1目的"));
        assert!(first_section("1.0 目的"));
        assert!(first_section("1、目的"));
        assert!(first_section("1.好了"));
        assert!(!first_section("1.1 有效"));
        assert!(!first_section("12 月"));
    }
}
