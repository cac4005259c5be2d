//! The header block of a legacy procedure, before its first section: 文件编号, 版本,
//! 编制/审核/批准, 受控状态, 生效日期, `第 X 页 共 Y 页`, the 未经批准不准复印 notice, the
//! system line (…程序文件) and the title, as often repeated there.

use std::sync::LazyLock;

use regex::Regex;

use crate::cite;
use crate::fold;

/// A piece of the header: its text and its byte offset in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    /// The text as written.
    pub(crate) text: String,
    /// Byte offset.
    pub(crate) at: usize,
}

/// A signature of the approval block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// `prepared`, `reviewed` or `approved`.
    pub(crate) role: &'static str,
    /// The name, as written.
    pub(crate) name: String,
    /// The date, as `YYYY-MM-DD`, when one was written.
    pub(crate) date: Option<String>,
    /// Byte offset.
    pub(crate) at: usize,
}

/// What the header block said.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    /// 文件编号.
    pub(crate) id: Option<Piece>,
    /// 版本 as written (`B`, `A/0`, `1.0`).
    pub(crate) version: Option<Piece>,
    /// 生效日期 as `YYYY-MM-DD`.
    pub(crate) effective: Option<Piece>,
    /// 受控状态 as written.
    pub(crate) controlled: Option<Piece>,
    /// 编制/审核/批准 with a name.
    pub(crate) signatures: Vec<Signature>,
    /// Recognised and not carried: page numbers, the notice, the system line, empty fields.
    pub(crate) furniture: Vec<Piece>,
    /// Phrases that look like the document's title, in order.
    pub(crate) titles: Vec<Piece>,
    /// Text that fits no field.
    pub(crate) rest: Vec<Piece>,
}

static SPECIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"第\s*\d+\s*[页頁]\s*[,，]?\s*共\s*\d+\s*[页頁]",
        r"|(?i:page\s+\d+\s+of\s+\d+)",
        r"|※*[^※\s]*未[经經]批[准準][^※\s]*※*",
        r"|[(（]\s*[A-Z]\s*版\s*[)）]",
    ))
    .expect("a valid regex")
});

static KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(文件编号|文件編號|文件代码|编号|編號|版本/修订|版本号|版本|版次|",
        r"编制|編制|拟制|擬制|审核|審核|批准|核准|受控状态|受控狀態|",
        r"生效日期|实施日期|實施日期|发布日期|發佈日期)\s*[:：]"
    ))
    .expect("a valid regex")
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?").expect("a valid regex")
});

/// Read a header block. `at` is the byte offset of `text` in the passage.
pub(crate) fn scan(text: &str, at: usize) -> Header {
    let mut header = Header::default();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for m in SPECIAL.find_iter(text) {
        let piece = Piece {
            text: m.as_str().to_owned(),
            at: at + m.start(),
        };
        if m.as_str().contains('版') {
            let letter = m.as_str().chars().find(char::is_ascii_uppercase);
            header.version = letter.map(|c| Piece {
                text: c.to_string(),
                at: piece.at,
            });
        } else {
            header.furniture.push(piece);
        }
        taken.push((m.start(), m.end()));
    }
    let keys: Vec<regex::Match<'_>> = KEY
        .find_iter(text)
        .filter(|m| !taken.iter().any(|&(s, e)| m.start() < e && s < m.end()))
        .collect();
    for (k, key) in keys.iter().enumerate() {
        let limit = keys.get(k + 1).map_or(text.len(), |next| next.start()).min(
            taken
                .iter()
                .map(|&(s, _)| s)
                .filter(|&s| s >= key.end())
                .min()
                .unwrap_or(text.len()),
        );
        let used = value(&mut header, text, at, key, limit);
        taken.push((key.start(), used));
    }
    taken.sort_unstable();
    let mut from = 0;
    for &(start, end) in &taken {
        if start > from {
            leftover(&mut header, text, at, from, start);
        }
        from = from.max(end);
    }
    if from < text.len() {
        leftover(&mut header, text, at, from, text.len());
    }
    header
}

/// Read the value after a key up to `limit`; return the offset where what was used ends.
fn value(
    header: &mut Header,
    text: &str,
    at: usize,
    key: &regex::Match<'_>,
    limit: usize,
) -> usize {
    let name = key.as_str().trim_end_matches([':', '：']).trim();
    let region = &text[key.end()..limit];
    let lead = region.len() - region.trim_start().len();
    let token_start = key.end() + lead;
    let token_len = text[token_start..limit]
        .find(char::is_whitespace)
        .unwrap_or(limit - token_start);
    let token = &text[token_start..token_start + token_len];
    let piece = |len: usize| Piece {
        text: token[..len].to_owned(),
        at: at + token_start,
    };
    let blank = token.is_empty() || token.chars().all(|c| c == '_');
    let furniture = |header: &mut Header| {
        header.furniture.push(Piece {
            text: key.as_str().to_owned(),
            at: at + key.start(),
        });
    };
    match name {
        "文件编号" | "文件編號" | "文件代码" | "编号" | "編號" => {
            let len = token
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-')))
                .unwrap_or(token.len());
            let id = token[..len].trim_end_matches(['.', '-', '/']);
            if id.chars().any(|c| c.is_ascii_digit()) || id.len() >= 3 {
                header.id = Some(piece(id.len()));
                return token_start + id.len();
            }
        }
        "版本/修订" | "版本号" | "版本" | "版次" => {
            let len = token
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '.')))
                .unwrap_or(token.len());
            if len > 0 {
                header.version = Some(piece(len));
                return token_start + len;
            }
        }
        "生效日期" | "实施日期" | "實施日期" | "发布日期" | "發佈日期" => {
            if let Some(date) = DATE
                .captures(region)
                .filter(|c| c.get(0).is_some_and(|m| m.start() == lead))
                && let Some(iso) = iso_date(&date)
            {
                let whole = date.get(0).map_or(0, |m| m.end());
                header.effective = Some(Piece {
                    text: iso,
                    at: at + token_start,
                });
                return key.end() + whole;
            }
        }
        "受控状态" | "受控狀態" => {
            if !blank {
                header.controlled = Some(piece(token.len()));
                return token_start + token.len();
            }
        }
        _ => {
            let role = match name {
                "编制" | "編制" | "拟制" | "擬制" => "prepared",
                "审核" | "審核" => "reviewed",
                _ => "approved",
            };
            if !blank {
                let name_len = token
                    .find(|c: char| c == '_' || c == '/' || c.is_ascii_digit())
                    .unwrap_or(token.len());
                let person = &token[..name_len];
                let date = DATE
                    .captures(&text[token_start..limit])
                    .filter(|c| c.get(0).is_some_and(|m| m.start() <= name_len + 2))
                    .and_then(|c| Some((iso_date(&c)?, c.get(0)?.end())));
                let rest_blank = token[name_len..].chars().all(|c| c == '_' || c == '/');
                let end = match &date {
                    Some((_, date_end)) => token_start + date_end,
                    None if rest_blank => token_start + token_len,
                    None => token_start + name_len,
                };
                if !person.is_empty() && !DATE.is_match(person) {
                    header.signatures.push(Signature {
                        role,
                        name: person.to_owned(),
                        date: date.map(|(d, _)| d),
                        at: at + token_start,
                    });
                    return end;
                }
            }
        }
    }
    if blank {
        furniture(header);
        return token_start + token.len();
    }
    // A key whose value is no value (`文件编号: 与顾客有关的过程控制程序`): the key is
    // furniture, the text after it is read as any other text.
    furniture(header);
    key.end()
}

/// Write a matched date as `YYYY-MM-DD`, if it is a real date (not 2024-13-45).
fn iso_date(c: &regex::Captures<'_>) -> Option<String> {
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i16>().ok());
    let (year, month, day) = (n(1)?, n(2)?, n(3)?);
    let date = jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?);
    date.ok().map(|d| d.to_string())
}

/// Classify text that no key claimed: titles, the system line, or text for a step.
fn leftover(header: &mut Header, text: &str, at: usize, start: usize, end: usize) {
    let mut rest: Option<(usize, usize)> = None;
    let flush = |header: &mut Header, rest: &mut Option<(usize, usize)>| {
        if let Some((s, e)) = rest.take() {
            let piece = text[s..e].trim();
            if !piece.is_empty() {
                header.rest.push(Piece {
                    text: piece.to_owned(),
                    at: at + s,
                });
            }
        }
    };
    let mut offset = start;
    for word in text[start..end].split_inclusive(char::is_whitespace) {
        let word_start = offset;
        offset += word.len();
        let phrase = word.trim();
        if phrase.is_empty() || phrase.chars().all(|c| c == '_') {
            continue;
        }
        let piece = Piece {
            text: phrase.to_owned(),
            at: at + word_start,
        };
        if is_system_line(phrase) {
            flush(header, &mut rest);
            header.furniture.push(piece);
        } else if is_title(phrase) {
            flush(header, &mut rest);
            header.titles.push(piece);
        } else {
            rest = Some((
                rest.map_or(word_start, |(s, _)| s),
                word_start + phrase.len(),
            ));
        }
    }
    flush(header, &mut rest);
}

/// Return whether a phrase is the line every page of the manual carries (`程序文件`,
/// `质量管理体系程序文件`, `物业公司程序文件`: `system` in docctl.yaml), not a title.
fn is_system_line(phrase: &str) -> bool {
    phrase == "程序文件"
        || [
            "公司程序文件",
            "体系程序文件",
            "体系文件",
            "管理手册",
            "程序文件汇编",
        ]
        .iter()
        .any(|s| phrase.ends_with(s))
}

/// Return whether a phrase looks like a document's title (ends in 程序, 规定 …, after a
/// trailing bracket like `(完整版)` or `[59560]`).
pub(crate) fn is_title(phrase: &str) -> bool {
    let core = strip_brackets(phrase);
    !core.is_empty()
        && !core.contains(['。', ';', '；', ',', '，', ':', '：'])
        && cite::looks_like_title(&fold::key(core))
}

/// Take 《》 (or <<>>) off a title written as a citation.
pub(crate) fn strip_brackets_outer(title: &str) -> &str {
    let title = title.trim();
    match cite::scan(title).as_slice() {
        [only] if only.start == 0 && only.end == title.len() => only.inner.trim(),
        _ => title,
    }
}

/// Take 《》 off a title and a trailing bracketed remark (`(完整版)`, `[59560]`) off its end.
pub(crate) fn strip_brackets(phrase: &str) -> &str {
    let mut core = phrase.trim();
    if let Some(inner) = core.strip_prefix('《').and_then(|c| c.strip_suffix('》')) {
        core = inner;
    }
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')] {
        if core.ends_with(close)
            && let Some(start) = core.rfind(open).filter(|&s| s > 0)
        {
            core = &core[..start];
        }
    }
    core.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_id_version_and_page() {
        let h = scan(
            "宁波达峰机械宁波敏达机电 程序文件文件编号:T/NDF/TSP01 版本:B 第1 页共3 页 顾客沟通与服务程序",
            0,
        );
        assert_eq!(h.id.unwrap().text, "T/NDF/TSP01");
        assert_eq!(h.version.unwrap().text, "B");
        assert_eq!(
            h.titles.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            vec!["顾客沟通与服务程序"]
        );
        assert_eq!(
            h.rest.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            vec!["宁波达峰机械宁波敏达机电"]
        );
        assert!(h.furniture.iter().any(|f| f.text == "第1 页共3 页"));
        assert!(h.furniture.iter().any(|f| f.text == "程序文件"));
    }

    #[test]
    fn reads_empty_approval_fields_and_letter_versions() {
        let h = scan(
            "文件编号: 与顾客有关的过程控制程序 (A版) 编制: 审核:______________ 批准:______________ 受控状态:",
            0,
        );
        assert!(h.id.is_none());
        assert_eq!(h.version.unwrap().text, "A");
        assert!(h.signatures.is_empty());
        assert!(h.rest.is_empty(), "{:?}", h.rest);
        assert_eq!(h.titles[0].text, "与顾客有关的过程控制程序");
    }

    #[test]
    fn reads_names_and_dates() {
        let h = scan(
            "编制: 张三 2024-03-01 审核:李四 批准: 王五2024年3月9日 生效日期: 2024.3.10",
            0,
        );
        let names: Vec<(&str, &str, Option<&str>)> = h
            .signatures
            .iter()
            .map(|s| (s.role, s.name.as_str(), s.date.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("prepared", "张三", Some("2024-03-01")),
                ("reviewed", "李四", None),
                ("approved", "王五", Some("2024-03-09"))
            ]
        );
        assert_eq!(h.effective.unwrap().text, "2024-03-10");
        let h = scan("编制: 张三2024-13-45 生效日期: 2024.2.30", 0);
        assert_eq!(h.signatures[0].date, None);
        assert!(h.effective.is_none());
        let rest: Vec<&str> = h.rest.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(rest, ["2024-13-45", "2024.2.30"]);
    }

    #[test]
    fn glued_id_leaves_the_title() {
        let h = scan(
            "编号:FS-QG-76068物业与顾客沟通程序 说明:为规范化,特此编写。 物业公司程序文件 与顾客沟通程序",
            0,
        );
        assert_eq!(h.id.unwrap().text, "FS-QG-76068");
        let titles: Vec<&str> = h.titles.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(titles, vec!["物业与顾客沟通程序", "与顾客沟通程序"]);
        assert_eq!(h.rest[0].text, "说明:为规范化,特此编写。");
    }

    #[test]
    fn notice_is_furniture() {
        let h = scan("顾客沟通管理程序 ※※※此文件未经批准﹐不准复印※※※", 0);
        assert_eq!(h.titles[0].text, "顾客沟通管理程序");
        assert!(h.rest.is_empty());
        assert_eq!(h.furniture.len(), 1);
    }
}
