//! Mentions of known documents in plain text: one Aho-Corasick automaton over the normalised
//! title, alias and id of every document, run once over the normalised text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use unicode_normalization::UnicodeNormalization;

use crate::cite::{Bracket, Citation};
use crate::fold;

/// Names shorter than this (in characters, after normalisation) are not looked for in plain
/// text: they would match inside ordinary words.
const MIN_CHARS: usize = 4;
/// Latin names (titles in English) need at least this many characters.
const MIN_LATIN_CHARS: usize = 6;

/// The automaton over every name of the set.
#[derive(Debug, Default)]
pub struct Names {
    automaton: Option<AhoCorasick>,
    /// Each pattern's name as written, for the capital-letter check of Latin names.
    written: Vec<String>,
}

impl Names {
    /// Build the automaton from names as written; names too short or too generic to be
    /// recognised in plain text are left out.
    pub fn build<'a>(names: impl IntoIterator<Item = &'a str>) -> Names {
        let mut keys = Vec::new();
        let mut written = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let key = fold::key(name);
            if !usable(name, &key) || !seen.insert(key.clone()) {
                continue;
            }
            keys.push(key);
            written.push(name.to_owned());
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&keys)
            .ok();
        Names { automaton, written }
    }

    /// Find every mention of a name in a text, in order, outside the byte ranges `skip`
    /// (sorted; the citations already found in brackets).
    pub fn find<'t>(&self, text: &'t str, skip: &[(usize, usize)]) -> Vec<Citation<'t>> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        if self.written.is_empty() {
            return Vec::new();
        }
        let folded = Folded::new(text);
        let mut found = Vec::new();
        let mut skip = skip.iter().peekable();
        for m in automaton.find_iter(&folded.text) {
            let start = folded.start[m.start()] as usize;
            let last = folded.start[m.end() - 1] as usize;
            let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
            while skip.peek().is_some_and(|&&(_, e)| e <= start) {
                skip.next();
            }
            if skip.peek().is_some_and(|&&(s, _)| s < end) {
                continue;
            }
            let inner = &text[start..end];
            if !bounded(text, start, end)
                || !capitals_kept(&self.written[m.pattern().as_usize()], inner)
            {
                continue;
            }
            found.push(Citation {
                start,
                end,
                inner,
                bracket: Bracket::Plain,
            });
        }
        found
    }
}

/// Return whether a name can be looked for in plain text: long enough, and for a Latin name,
/// at least two words or a number (an id), so that `Training` is an ordinary word.
fn usable(name: &str, key: &str) -> bool {
    let chars = key.chars().count();
    if key.chars().any(crate::cite::is_cjk) {
        return chars >= MIN_CHARS;
    }
    let has_letter = key.chars().any(char::is_alphabetic);
    let has_digit = key.chars().any(|c| c.is_ascii_digit());
    let words = name.split_whitespace().count();
    let min = if has_digit {
        MIN_CHARS
    } else {
        MIN_LATIN_CHARS
    };
    has_letter && chars >= min && (words >= 2 || has_digit)
}

/// A Latin mention must stand as whole words: no letter or digit right before or after it (nor
/// `-1`, `.2` continuing an id).
fn bounded(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() && !crate::cite::is_cjk(c);
    let first = text[start..].chars().next().is_some_and(word);
    let last = text[..end].chars().next_back().is_some_and(word);
    let before = text[..start].chars().next_back();
    if first && before.is_some_and(word) {
        return false;
    }
    if last {
        let mut after = text[end..].chars();
        match after.next() {
            Some(c) if word(c) => return false,
            Some('-' | '.' | '/') if after.next().is_some_and(|c| c.is_ascii_alphanumeric()) => {
                return false;
            }
            _ => {}
        }
    }
    true
}

/// A Latin mention keeps the capital letters of the name's words: `CAPA list` is not a
/// mention of 《CAPA List》.
fn capitals_kept(name: &str, written: &str) -> bool {
    let initials = |s: &str| -> Vec<bool> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().next().is_some_and(char::is_uppercase))
            .collect()
    };
    let want = initials(name);
    let have = initials(written);
    want.len() != have.len() || want.iter().zip(&have).all(|(w, h)| !w || *h)
}

/// A text normalised as [`fold::key`] normalises titles, with the byte range in the original
/// text of every normalised byte.
struct Folded {
    text: String,
    /// For every byte of `text`, the offset in the original text of the character it came from.
    start: Vec<u32>,
}

impl Folded {
    fn new(text: &str) -> Folded {
        // NFKC character by character, whitespace dropped.
        let mut chars: Vec<(char, usize, usize)> = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let end = at + c.len_utf8();
            if c.is_ascii() {
                if !c.is_ascii_whitespace() {
                    chars.push((c, at, end));
                }
                continue;
            }
            for n in std::iter::once(c).nfkc() {
                if !n.is_whitespace() {
                    chars.push((n, at, end));
                }
            }
        }
        // Traditional → simplified over the whole text, kept only when it maps character for
        // character (it nearly always does); only when some character is traditional.
        if !text.is_ascii() && chars.iter().any(|&(c, _, _)| traditional(c)) {
            let nfkc: String = chars.iter().map(|(c, _, _)| *c).collect();
            let simplified = fold::t2s(&nfkc);
            if simplified.chars().count() == chars.len() {
                for (slot, c) in chars.iter_mut().zip(simplified.chars()) {
                    slot.0 = c;
                }
            }
        }
        let mut folded = Folded {
            text: String::with_capacity(text.len()),
            start: Vec::with_capacity(text.len()),
        };
        for (c, at, _) in chars {
            for lower in c.to_lowercase() {
                folded.text.push(lower);
                for _ in 0..lower.len_utf8() {
                    folded.start.push(at as u32);
                }
            }
        }
        folded
    }
}

/// Return whether a character changes from traditional to simplified on its own (asked of
/// OpenCC once per character and remembered).
fn traditional(c: char) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static SEEN: RefCell<HashMap<char, bool>> = RefCell::new(HashMap::new());
    }
    if (c as u32) < 0x2E80 {
        return false;
    }
    SEEN.with(|seen| {
        *seen.borrow_mut().entry(c).or_insert_with(|| {
            let mut buffer = [0; 4];
            let alone: &str = c.encode_utf8(&mut buffer);
            fold::t2s(alone) != alone
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inners<'t>(names: &Names, text: &'t str) -> Vec<&'t str> {
        names.find(text, &[]).into_iter().map(|c| c.inner).collect()
    }

    #[test]
    fn finds_chinese_titles_without_brackets() {
        let names = Names::build(["不合格品控制程序", "文件控制程序", "QP-8.3"]);
        assert_eq!(
            inners(&names, "按不合格品控制程序处理，見QP-8.3。"),
            vec!["不合格品控制程序", "QP-8.3"]
        );
        // Traditional characters and a stray space still match.
        assert_eq!(
            inners(&names, "按不合格品控制 程序"),
            vec!["不合格品控制 程序"]
        );
        assert_eq!(inners(&names, "依文件控製程序"), vec!["文件控製程序"]);
    }

    #[test]
    fn latin_names_need_word_boundaries_and_capitals() {
        let names = Names::build(["SOP Internal Auditing", "CAPA List", "Training", "QP-8.3"]);
        assert_eq!(
            inners(&names, "See SOP Internal Auditing and the CAPA List."),
            vec!["SOP Internal Auditing", "CAPA List"]
        );
        assert!(inners(&names, "the CAPA list; Training; XSOP Internal Auditings").is_empty());
        assert!(inners(&names, "QP-8.3.1 and QP-8.31").is_empty());
    }
}
