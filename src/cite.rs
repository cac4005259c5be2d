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
}

impl Bracket {
    /// Return whether the brackets are surely a citation (so an unknown title is an error),
    /// rather than quotation marks that may hold anything.
    pub fn is_certain(self) -> bool {
        matches!(self, Bracket::Book | Bracket::DoubleAngle | Bracket::None)
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

impl Citation<'_> {
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
}
