//! Finding citations in text: 《X》 and the non-standard brackets real documents use.

/// The brackets a citation was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bracket {
    /// 《X》, the standard book-title marks.
    Book,
    /// <<X>> (also with full-width ＜＜X＞＞ or a stray space `> >`).
    DoubleAngle,
    /// <X>.
    Angle,
    /// 〈X〉.
    SingleBook,
    /// “X”.
    Quote,
    /// 「X」 or 『X』.
    Corner,
    /// 【X】.
    Lenticular,
    /// No brackets at all: a bare title in `related`, `records` or `procedure`.
    None,
    /// "X", straight double quotes.
    Straight,
    /// *X* or _X_, Markdown italics.
    Italic,
    /// A known title, alias or id in plain text.
    Plain,
    /// A phrase in plain text shaped like a title: `SOP …`, or 按/依据/填写… followed by a phrase
    /// ending in 程序/表/记录….
    Phrase,
}

impl Bracket {
    /// Return whether the brackets are surely a citation (so an unknown title is an error),
    /// rather than quotation marks that may hold anything.
    pub fn is_certain(self) -> bool {
        matches!(self, Bracket::Book | Bracket::DoubleAngle | Bracket::None)
    }

    /// Return whether the citation was written in plain text, without any marks.
    pub fn is_plain(self) -> bool {
        matches!(self, Bracket::Plain | Bracket::Phrase)
    }

    /// Return whether these marks are ordinary punctuation around a title in English text
    /// (quotes, italics), so that only Chinese text asks for 《》 instead.
    pub fn is_emphasis(self) -> bool {
        matches!(self, Bracket::Quote | Bracket::Straight | Bracket::Italic)
    }
}

/// A citation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation<'a> {
    /// Byte offset of the opening bracket.
    pub start: usize,
    /// Byte offset just past the closing bracket.
    pub end: usize,
    /// The cited title, as written between the brackets.
    pub inner: &'a str,
    /// The brackets used.
    pub bracket: Bracket,
}

impl<'a> Citation<'a> {
    /// Return an unbracketed title named in running text, at `start..end` of `text`.
    fn phrase(text: &'a str, start: usize, end: usize) -> Citation<'a> {
        Citation {
            start,
            end,
            inner: &text[start..end],
            bracket: Bracket::Phrase,
        }
    }

    /// Return the citation as written, brackets included.
    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

const MAX_TITLE_CHARS: usize = 60;

/// Find every citation in a text, in order.
pub fn scan(text: &str) -> Vec<Citation<'_>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let hit = match c {
            '《' => close(text, i, c.len_utf8(), &['》'], Bracket::Book),
            '〈' => close(text, i, c.len_utf8(), &['〉'], Bracket::SingleBook),
            '“' => close(text, i, c.len_utf8(), &['”'], Bracket::Quote),
            '「' => close(text, i, c.len_utf8(), &['」'], Bracket::Corner),
            '『' => close(text, i, c.len_utf8(), &['』'], Bracket::Corner),
            '【' => close(text, i, c.len_utf8(), &['】'], Bracket::Lenticular),
            '<' | '＜' => angle(text, i),
            _ => None,
        };
        match hit {
            Some(citation) => {
                i = citation.end;
                found.push(citation);
            }
            None => i += c.len_utf8(),
        }
    }
    found
}

/// Match a one-character opener at `start` with its closer.
fn close<'a>(
    text: &'a str,
    start: usize,
    open_len: usize,
    closers: &[char],
    bracket: Bracket,
) -> Option<Citation<'a>> {
    let from = start + open_len;
    let mut count = 0;
    for (offset, c) in text[from..].char_indices() {
        if closers.contains(&c) {
            let inner = &text[from..from + offset];
            return valid(inner).then(|| Citation {
                start,
                end: from + offset + c.len_utf8(),
                inner,
                bracket,
            });
        }
        count += 1;
        if c == '\n' || c == '《' || count > MAX_TITLE_CHARS {
            return None;
        }
    }
    None
}

/// Match `<X>`, `<<X>>` and their broken forms `<<X> >`, `<<X>` and full-width variants.
fn angle(text: &str, start: usize) -> Option<Citation<'_>> {
    let is_open = |c: char| c == '<' || c == '＜';
    let is_close = |c: char| c == '>' || c == '＞';
    let mut chars = text[start..].char_indices();
    let (_, first) = chars.next()?;
    let double = matches!(chars.clone().next(), Some((_, c)) if is_open(c));
    let from = if double {
        let (offset, second) = chars.next()?;
        start + offset + second.len_utf8()
    } else {
        start + first.len_utf8()
    };
    let mut count = 0;
    for (offset, c) in text[from..].char_indices() {
        if is_close(c) {
            let inner = &text[from..from + offset];
            let mut end = from + offset + c.len_utf8();
            if double {
                // Swallow the second `>`, even after a stray space: `<<X> >`.
                let after = &text[end..];
                let trimmed = after.trim_start_matches(' ');
                if let Some(next) = trimmed.chars().next().filter(|&n| is_close(n)) {
                    end += after.len() - trimmed.len() + next.len_utf8();
                }
            }
            let bracket = if double {
                Bracket::DoubleAngle
            } else {
                Bracket::Angle
            };
            return valid(inner).then_some(Citation {
                start,
                end,
                inner,
                bracket,
            });
        }
        count += 1;
        if c == '\n' || is_open(c) || c == '《' || count > MAX_TITLE_CHARS {
            return None;
        }
    }
    None
}

fn valid(inner: &str) -> bool {
    // `< 5% 且 >` is a comparison, not a citation: a title starts right after its bracket.
    !inner.starts_with(char::is_whitespace) && inner.chars().any(|c| c.is_alphanumeric())
}

/// Return whether a text looks like the title of a document or record, so that an unknown one
/// in quotation marks is worth reporting.
pub fn looks_like_title(folded: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "程序",
        "表",
        "单",
        "报告",
        "记录",
        "规定",
        "制度",
        "手册",
        "档案",
        "计划",
        "说明",
        "规范",
        "标准",
        "指导书",
        "记录本",
        "清单",
        "台账",
        "办法",
        "流程",
        "细则",
    ];
    SUFFIXES.iter().any(|s| folded.ends_with(s))
}

/// The last words of an English title of a document or record.
const ENGLISH_SUFFIXES: &[&str] = &[
    "Procedure",
    "Procedures",
    "Process",
    "SOP",
    "Form",
    "List",
    "Checklist",
    "Plan",
    "Report",
    "Record",
    "Records",
    "Register",
    "Log",
    "Manual",
    "Policy",
    "Instruction",
];

/// Return whether an English phrase, as written, looks like the title of a document: it starts
/// with a capital letter and its last word is a capitalised Procedure, Form, List, Plan… (or it
/// starts with `SOP`) — so that `CAPA list` or `the form` is ordinary text.
pub fn looks_like_english_title(text: &str) -> bool {
    let text = text.trim();
    let starts_upper = text.chars().next().is_some_and(|c| c.is_uppercase());
    let last = text.rsplit([' ', '-']).next().unwrap_or("");
    let sop = text.starts_with("SOP ") || text.starts_with("SOP-");
    starts_upper && (ENGLISH_SUFFIXES.contains(&last) || sop) && text.contains(' ')
}

/// Find "X" (straight quotes) and *X* / _X_ (Markdown italics) in a text, in order. `**X**`
/// (bold) is not italics.
pub fn scan_emphasis(text: &str) -> Vec<Citation<'_>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let bracket = match b {
            b'"' => Bracket::Straight,
            b'*' | b'_' => Bracket::Italic,
            _ => {
                i += 1;
                continue;
            }
        };
        if b == b'*' && bytes.get(i + 1) == Some(&b'*') {
            // Bold, or the end of it: skip the run.
            while bytes.get(i) == Some(&b'*') {
                i += 1;
            }
            continue;
        }
        let before_ok = i == 0
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        let from = i + 1;
        let mut hit = None;
        if before_ok {
            let mut count = 0;
            for (offset, c) in text[from..].char_indices() {
                if c as u32 == u32::from(b) {
                    let end = from + offset + 1;
                    let inner = &text[from..from + offset];
                    let after_ok = !text[end..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
                        && bytes.get(end) != Some(&b);
                    if after_ok && valid(inner) && !inner.ends_with(char::is_whitespace) {
                        hit = Some(Citation {
                            start: i,
                            end,
                            inner,
                            bracket,
                        });
                    }
                    break;
                }
                count += 1;
                if c == '\n' || count > MAX_TITLE_CHARS {
                    break;
                }
            }
        }
        match hit {
            Some(citation) => {
                i = citation.end;
                found.push(citation);
            }
            None => i += 1,
        }
    }
    found
}

/// Words that may stand between the capitalised words of an English title.
const CONNECTORS: &[&str] = &["and", "of", "for", "the", "to", "in", "on", "with", "&"];

/// Find `SOP X Y` phrases in English text: `SOP` (or `SOP-`) and the capitalised words that
/// follow it, with lowercase connectors (and, of, for…) between them.
pub fn scan_sop(text: &str) -> Vec<Citation<'_>> {
    let mut found = Vec::new();
    let mut search = 0;
    while let Some(at) = text[search..].find("SOP") {
        let start = search + at;
        search = start + 3;
        if text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let rest = &text[start + 3..];
        if !rest.starts_with([' ', '-']) {
            continue;
        }
        // Walk the words after `SOP`.
        let mut end = start + 3;
        let mut last_capital = None;
        let mut pos = start + 4;
        let mut words = 0;
        loop {
            let tail = &text[pos..];
            let word_len = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '&' || c == '\''))
                .unwrap_or(tail.len());
            let word = &tail[..word_len];
            if word.is_empty() || words > 12 {
                break;
            }
            let capital = word
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
            if capital {
                last_capital = Some(pos + word_len);
            } else if !CONNECTORS.contains(&word) {
                break;
            }
            words += 1;
            end = pos + word_len;
            // One space, or `(ACRONYM)`.
            let next = &text[end..];
            if let Some(paren) = next.strip_prefix(" (") {
                let close = paren.find(')').filter(|&c| {
                    c > 0
                        && paren[..c]
                            .chars()
                            .all(|ch| ch.is_ascii_uppercase() || ch == '&')
                });
                if let Some(close) = close {
                    last_capital = Some(end + 2 + close + 1);
                    break;
                }
            }
            if !next.starts_with(' ') {
                break;
            }
            pos = end + 1;
        }
        let _ = end;
        if let Some(end) = last_capital {
            found.push(Citation::phrase(text, start, end));
            search = end;
        }
    }
    found
}

/// The words after which Chinese text names the procedure or form it follows.
const TRIGGERS: &[&str] = &["依据", "参照", "记录于", "执行", "填写", "按", "依", "见"];
/// The endings of a Chinese title named after a trigger word.
const PHRASE_SUFFIXES: &[&str] = &[
    "程序", "制度", "规定", "办法", "表", "单", "记录", "报告", "台账", "記錄", "報告", "臺賬",
    "台賬", "規定", "辦法", "單",
];

/// Characters that end a phrase: titles do not contain them (或, 将, 并… join clauses).
const NOT_IN_TITLES: &str = "或将將并並把时時后後的";

/// Find Chinese phrases named after 按/依/依据/参照/见/执行/填写/记录于 that end in
/// 程序/制度/规定/办法/表/单/记录/报告/台账: 「按不合格品控制程序处理」 names 不合格品控制程序.
pub fn scan_chinese_phrases(text: &str) -> Vec<Citation<'_>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(trigger) = TRIGGERS.iter().find(|t| rest.starts_with(**t)) else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let start = i + trigger.len();
        let after_word = *trigger == "见"
            && text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| "意可看常所遇".contains(c));
        i = start;
        if after_word {
            continue;
        }
        // The phrase: Chinese characters only, up to the first title ending.
        let mut end = None;
        let mut count = 0;
        for (offset, c) in text[start..].char_indices() {
            if !is_cjk(c) || count >= 20 || NOT_IN_TITLES.contains(c) {
                break;
            }
            count += 1;
            let upto = start + offset + c.len_utf8();
            let phrase = &text[start..upto];
            if count >= 5 && PHRASE_SUFFIXES.iter().any(|s| phrase.ends_with(s)) {
                let mut e = upto;
                // 记录表, 报告单: a second ending right after the first belongs to the title.
                if let Some(next) = text[e..]
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '表' | '单' | '單'))
                {
                    e += next.len_utf8();
                }
                // 填写来人登记表(《客户登记表》): a description glossed by the title it means.
                let glossed = text[e..].trim_start_matches(['(', '（']).starts_with('《')
                    && text[e..].starts_with(['(', '（']);
                if !glossed {
                    end = Some(e);
                }
                break;
            }
        }
        if let Some(end) = end {
            found.push(Citation::phrase(text, start, end));
            i = end;
        }
    }
    found
}

/// Return whether a character is a CJK ideograph.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inners(text: &str) -> Vec<(&str, Bracket)> {
        scan(text)
            .into_iter()
            .map(|c| (c.inner, c.bracket))
            .collect()
    }

    #[test]
    fn finds_book_titles() {
        assert_eq!(
            inners("参照《纠正与预防措施管理程序》和《文件及记录控制程序》。"),
            vec![
                ("纠正与预防措施管理程序", Bracket::Book),
                ("文件及记录控制程序", Bracket::Book)
            ]
        );
    }

    #[test]
    fn finds_seed_brackets() {
        let text = "依<<內部溝通管理程序> >將結果記錄在<交貨計劃表>中,填写“顾客信息反馈表”";
        assert_eq!(
            inners(text),
            vec![
                ("內部溝通管理程序", Bracket::DoubleAngle),
                ("交貨計劃表", Bracket::Angle),
                ("顾客信息反馈表", Bracket::Quote)
            ]
        );
        let first = &scan(text)[0];
        assert_eq!(first.raw(text), "<<內部溝通管理程序> >");
    }

    #[test]
    fn ignores_comparisons_and_unclosed_brackets() {
        assert!(scan("不良率 < 5% 且 > 1%").is_empty());
        assert!(scan("《未闭合").is_empty());
    }

    fn texts(found: Vec<Citation<'_>>) -> Vec<&str> {
        found.into_iter().map(|c| c.inner).collect()
    }

    #[test]
    fn finds_chinese_phrases_after_trigger_words() {
        assert_eq!(
            texts(scan_chinese_phrases(
                "按不合格品控制程序处理,结果填写纠正措施记录表。依据合同规定交付,见意见反馈处理。"
            )),
            vec!["不合格品控制程序", "纠正措施记录表"]
        );
        // A clause, not a title; a description glossed by its title.
        assert!(scan_chinese_phrases("依客户传真或电话将客户抱怨情况记录").is_empty());
        assert!(scan_chinese_phrases("填写来人登记表(《客户登记表》)").is_empty());
    }

    #[test]
    fn finds_sop_phrases() {
        assert_eq!(
            texts(scan_sop(
                "Follow SOP Corrective and Preventive Action (CAPA) and then SOP-Document Control; not XSOP Foo or SOP alone."
            )),
            vec![
                "SOP Corrective and Preventive Action (CAPA)",
                "SOP-Document Control"
            ]
        );
    }

    #[test]
    fn finds_quotes_and_italics_but_not_bold() {
        let found = scan_emphasis(r#"See *SOP A B*, "Change List", **bold** and snake_case_name."#);
        assert_eq!(
            found
                .iter()
                .map(|c| (c.inner, c.bracket))
                .collect::<Vec<_>>(),
            vec![
                ("SOP A B", Bracket::Italic),
                ("Change List", Bracket::Straight)
            ]
        );
        assert!(looks_like_english_title("Change Evaluation List"));
        assert!(!looks_like_english_title("CAPA list"));
        assert!(looks_like_english_title("SOP Supplier Audits"));
    }
}
