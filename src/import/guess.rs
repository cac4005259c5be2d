//! The import's guesses, each a small function of a piece of text: how lines join, where a
//! heading ends, which department a duty names, what a 相关文件 or 记录 entry is, the
//! language, the version. The structure stage calls them; their unit tests live here.

use std::sync::LazyLock;

use regex::Regex;

use crate::cite;
use crate::fold;
use crate::import::structure::RecordDraft;
use crate::model::{Lang, VersionScheme};

/// Characters that end a sentence (or a list item closed by a bracket or a citation).
pub(crate) const SENTENCE_ENDS: &[char] = &[
    '。', '.', '!', '?', '！', '？', ')', '）', '”', '」', '》', '>',
];

/// Collapse whitespace; a line break between two CJK characters is a wrap and disappears.
pub(crate) fn clean(raw: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    let mut newline = false;
    for c in raw.chars() {
        if c == '\n' {
            newline = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if (space || newline) && !out.is_empty() {
            let wrap =
                !space && out.chars().next_back().is_some_and(|p| !p.is_ascii()) && !c.is_ascii();
            if !wrap {
                out.push(' ');
            }
        }
        space = false;
        newline = false;
        out.push(c);
    }
    out
}

/// Split text into sentences at a stop followed by a space or a line break.
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_stop = false;
    for (i, c) in text.char_indices() {
        if (c.is_whitespace() && prev_stop) || c == '\n' {
            if text[start..i].trim().chars().count() > 0 {
                out.push((start, i));
            }
            start = i;
        }
        prev_stop = matches!(c, '。' | '!' | '?' | '！' | '？');
    }
    if !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

/// Return whether the text says "none" (无, (無), N/A, 不适用).
/// Return whether a paragraph is a note (`Note: …`, `NB …`, `注：…`, `备注：…`, `说明：…`).
pub(crate) fn is_note(text: &str) -> bool {
    let text = text.trim_start().trim_start_matches(['*', '_']);
    let lower: String = text.chars().take(6).collect::<String>().to_lowercase();
    ["note:", "note：", "note ", "notes:", "nb:", "nb "]
        .iter()
        .any(|w| lower.starts_with(w))
        || [
            "注：",
            "注:",
            "備註",
            "备注",
            "说明：",
            "說明：",
            "说明:",
            "說明:",
        ]
        .iter()
        .any(|w| text.starts_with(w))
}

pub(crate) fn is_none(text: &str) -> bool {
    let core = text
        .trim()
        .trim_matches(['(', ')', '（', '）', '.', '。'])
        .trim()
        .to_lowercase();
    matches!(
        core.as_str(),
        "无" | "無" | "n/a" | "none" | "不适用" | "不適用" | "略"
    )
}

/// Split a definition into its term and text: `TERM:text` or `TERM是指…`.
pub(crate) fn split_definition(text: &str) -> Option<(String, String)> {
    let colon = text
        .char_indices()
        .take(40)
        .find(|&(_, c)| c == ':' || c == '：')
        .map(|(i, c)| (i, i + c.len_utf8()));
    let (term, rest) = match colon {
        Some((i, after)) => (&text[..i], text[after..].trim_start()),
        None => {
            let i = ["是指", "系指", "指的是"]
                .iter()
                .filter_map(|w| text.find(w))
                .min()?;
            (&text[..i], &text[i..])
        }
    };
    let term = term.trim();
    let ok = !term.is_empty()
        && term.chars().count() <= 30
        && !term.contains(['。', ';', '；'])
        && !rest.is_empty();
    ok.then(|| (term.to_owned(), rest.to_owned()))
}

/// Return whether a text is a short heading: one phrase, no sentence punctuation but a
/// trailing colon or stop.
pub(crate) fn is_heading(text: &str) -> bool {
    let core = text.trim().trim_end_matches([':', '：', '.', '。']);
    let count = core.chars().count();
    (1..=20).contains(&count)
        && !core.contains(char::is_whitespace)
        && !core.contains([',', '，', '。', ';', '；', '!', '?', '！', '？'])
}

/// Split an item's text into a title and a text: `5.2 售前服务过程中的沟通` (with sub-items)
/// is a title; `5.4顾客投诉的处理 处理流程参见附录。` is a title and a text.
pub(crate) fn heading_split(
    text: &str,
    has_children: bool,
    dotted: bool,
) -> (Option<String>, Option<String>) {
    if text.is_empty() {
        return (None, None);
    }
    let bare = !text.trim_end().ends_with(['。', '.', ';', '；', ',', '，']);
    if is_heading(text) && (has_children || (dotted && bare)) {
        let title = text.trim_end_matches([':', '：', '.', '。']).to_owned();
        return (Some(title), None);
    }
    if dotted {
        // Only in Chinese: in English a space separates words, not a heading from its text.
        if let Some((head, rest)) = text.split_once(' ').filter(|(h, _)| !h.is_ascii())
            && is_heading(head)
            && head.chars().count() <= 16
            && rest.chars().count() >= 2
        {
            let title = head.trim_end_matches([':', '：']).to_owned();
            return (Some(title), Some(rest.trim().to_owned()));
        }
    }
    (None, Some(text.to_owned()))
}

static LEADING_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:由)?([\p{Han}A-Za-z/、]{1,12}?(?:部门|部|中心|小组长|小组|组|办公室|室|科|处|委员会|经理|主管|专员|总监|主任|厂长|管代|仓))")
        .expect("a valid regex")
});

/// Return whether a sub-item names its own department (`品质部负责…`) rather than going on
/// with its parent's (`负责…`).
pub(crate) fn names_own_department(text: &str) -> bool {
    text.contains("负责") && !text.trim_start().starts_with("负责")
}

/// Find the department a duty belongs to: a known department at its start, the words before
/// `:` or `负责`, an organisation word (…部, …中心, …组), or else the whole phrase. Returns
/// whether one was recognised.
pub(crate) fn department(text: &str, known: &[String]) -> (String, bool) {
    let body = text.trim();
    let body = body.strip_prefix('由').unwrap_or(body);
    let punct = [',', '，', '。', ';', '；', '!', '?'];
    let head = [":", "：", "负责", "負責"].iter().find_map(|marker| {
        let head = body[..body.find(marker)?].trim();
        ((1..=20).contains(&head.chars().count()) && !head.contains(punct)).then_some(head)
    });
    // `品管部、生产部:负责…`: several departments share the duty; keep them together.
    if let Some(head) = head.filter(|h| h.contains(['、', '和', '及', '与', '/'])) {
        return (head.to_owned(), true);
    }
    if let Some(name) = known
        .iter()
        .filter(|d| {
            body.starts_with(d.as_str())
                && !body[d.len()..].starts_with(['门', '组', '室', '科', '处'])
        })
        .max_by_key(|d| d.len())
    {
        return (name.clone(), true);
    }
    if let Some(head) = head {
        return (head.to_owned(), true);
    }
    if let Some(c) = LEADING_ORG.captures(body) {
        // 内部沟通, 外部沟通: 内部/外部 is no department.
        if !["内部", "外部", "內部", "全部", "局部", "各部", "部分"].contains(&&c[1])
        {
            return (c[1].to_owned(), true);
        }
    }
    let phrase = body.split(punct).next().unwrap_or(body);
    let phrase = phrase.trim().trim_end_matches(['.', '。', ':', '：']);
    (
        if phrase.is_empty() { body } else { phrase }.to_owned(),
        false,
    )
}

/// Read the entries of a 相关文件/记录 text: its citations as written, or its pieces when it has
/// none; a citation with other words around it is kept whole. Returns how it was read when
/// that is a guess.
pub(crate) fn entries(text: &str) -> (Vec<String>, Option<&'static str>) {
    let text = text.trim().trim_end_matches(['。', ';', '；', ',', '，']);
    let citations = cite::scan(text);
    if citations.is_empty() {
        let pieces: Vec<String> = text
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        return (pieces, Some("no brackets: kept as a bare title"));
    }
    let mut rest = String::new();
    let mut from = 0;
    for c in &citations {
        rest.push_str(&text[from..c.start]);
        from = c.end;
    }
    rest.push_str(&text[from..]);
    if rest.chars().any(char::is_alphanumeric) {
        return (vec![text.to_owned()], Some("more than a title: kept whole"));
    }
    (
        citations.iter().map(|c| c.raw(text).to_owned()).collect(),
        None,
    )
}

static RETENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+\s*(?:年|个月|月|天)|永久|长期)$").expect("a valid regex")
});

/// Read a record entry: the form, and the keeper and retention when the entry lists them
/// (`《顾客投诉记录表》 品质部 3年`).
pub(crate) fn record(entry: &str) -> RecordDraft {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let mut draft = RecordDraft {
        form: entry.to_owned(),
        ..RecordDraft::default()
    };
    if words.len() < 2 {
        return draft;
    }
    let mut form = Vec::new();
    for word in &words {
        if RETENTION.is_match(word) && draft.retention.is_none() {
            draft.retention = Some((*word).to_owned());
        } else if draft.keeper.is_none() && !form.is_empty() && LEADING_ORG.is_match(word) {
            draft.keeper = Some((*word).to_owned());
        } else {
            form.push(*word);
        }
    }
    let is_number = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_uppercase())
            && w.ends_with(|c: char| c.is_ascii_digit())
            && w.contains('-')
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    if form.len() == 1 {
        draft.form = form[0].to_owned();
    } else if let [name, number] = form.as_slice()
        && is_number(number)
    {
        // `《不合格品报告单》 QR-8.7-01 品质部 2年`: the form's number, as a records table gives it.
        draft.form = format!("{name} ({number})");
    } else {
        draft = RecordDraft {
            form: entry.to_owned(),
            ..RecordDraft::default()
        };
    }
    draft
}

/// Return whether a line is the header row of a records table (记录名称, 保存期限 …).
pub(crate) fn is_table_header(text: &str) -> bool {
    ["记录名称", "保存期限", "保存部门", "表单编号", "記錄名稱"]
        .iter()
        .filter(|w| text.contains(*w))
        .count()
        >= 2
}

/// Guess the language: traditional characters (those that fold to simplified ones) or no
/// Chinese at all.
pub(crate) fn guess_lang(text: &str) -> Option<Lang> {
    let han: String = text
        .chars()
        .filter(|&c| matches!(c, '\u{4E00}'..='\u{9FFF}'))
        .collect();
    if han.is_empty() {
        let letters = text.chars().filter(char::is_ascii_alphabetic).count();
        return (letters >= 20).then_some(Lang::En);
    }
    let folded = fold::key(&han);
    let changed = han
        .chars()
        .zip(folded.chars())
        .filter(|(a, b)| a != b)
        .count();
    let total = han.chars().count();
    (changed >= 3 && changed * 20 >= total).then_some(Lang::ZhHant)
}

/// Return the first version of the scheme: `A/0` or `1.0`.
pub(crate) fn default_version(scheme: VersionScheme) -> String {
    scheme.format((
        if scheme == VersionScheme::Numeric {
            1
        } else {
            0
        },
        0,
    ))
}

/// Read a version as written (`B`, `A/1`, `A1`, `V1.0`, `2`) into the set's scheme.
pub(crate) fn normalise_version(written: &str, scheme: VersionScheme) -> Option<String> {
    let w = written.trim().trim_start_matches(['V', 'v']);
    let letter_number = |major: u32, minor: u32| (major, minor);
    let (major, minor) = if let Some(c) = w.chars().next().filter(char::is_ascii_uppercase) {
        let rest = w[1..].trim_start_matches(['/', '.', '-']);
        let minor = if rest.is_empty() {
            0
        } else {
            rest.parse().ok()?
        };
        letter_number(c as u32 - 'A' as u32 + 1, minor)
    } else {
        let (major, minor) = w.split_once('.').unwrap_or((w, "0"));
        (major.parse().ok()?, minor.parse().ok()?)
    };
    if major == 0 || major > 26 {
        return None;
    }
    Some(match scheme {
        VersionScheme::LetterNumber => scheme.format((major - 1, minor)),
        VersionScheme::Numeric => scheme.format((major, minor)),
    })
}

/// Shorten a text to its first characters, for the report.
pub fn short(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let head: String = text.chars().take(MAX).collect();
    format!("{head}…")
}

/// Return the end of a text for a message: its last phrase, at most 20 characters.
pub(crate) fn last_words(text: &str) -> String {
    let phrase = text.rsplit(char::is_whitespace).next().unwrap_or(text);
    let skip = phrase.chars().count().saturating_sub(20);
    let mut out: String = phrase.chars().skip(skip).collect();
    if skip > 0 || phrase.len() < text.len() {
        out.insert(0, '…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_line_wraps() {
        assert_eq!(
            clean("负责组织、落实\n部门与顾客"),
            "负责组织、落实部门与顾客"
        );
        assert_eq!(clean("沟通\n5.2.1  由"), "沟通 5.2.1 由");
        assert_eq!(clean("電話 聯絡"), "電話 聯絡");
    }

    #[test]
    fn finds_departments() {
        let known = vec!["品质部".to_owned(), "业务部".to_owned()];
        let d = |t: &str| department(t, &known);
        assert_eq!(d("业务部负责收集信息。"), ("业务部".to_owned(), true));
        assert_eq!(d("业务部门负责顾客。").0, "业务部门");
        assert_eq!(d("销售部:负责确定顾客的要求"), ("销售部".to_owned(), true));
        assert_eq!(
            d("由管理处客户服务主管或客户专员负责组织、落实").0,
            "管理处客户服务主管或客户专员"
        );
        assert_eq!(d("销售部归口管理与顾客的沟通,其它部门配合。").0, "销售部");
        assert_eq!(d("相关部门配合分析。").0, "相关部门");
        assert_eq!(d("品质部、生产部:负责分析。").0, "品质部、生产部");
        assert_eq!(d("管代/HACCP小组长负责审批。").0, "管代/HACCP小组长");
        assert_eq!(d("接收與評估訂單."), ("接收與評估訂單".to_owned(), false));
        assert_eq!(d("外部溝通."), ("外部溝通".to_owned(), false));
    }

    #[test]
    fn reads_versions() {
        let ln = VersionScheme::LetterNumber;
        assert_eq!(normalise_version("B", ln).as_deref(), Some("B/0"));
        assert_eq!(normalise_version("A1", ln).as_deref(), Some("A/1"));
        assert_eq!(normalise_version("A/2", ln).as_deref(), Some("A/2"));
        assert_eq!(normalise_version("V1.0", ln).as_deref(), Some("A/0"));
        assert_eq!(
            normalise_version("B", VersionScheme::Numeric).as_deref(),
            Some("2.0")
        );
        assert_eq!(normalise_version("第三版", ln), None);
    }

    #[test]
    fn reads_entries_as_written() {
        assert_eq!(
            entries("<<工藝設計管理程序>>").0,
            vec!["<<工藝設計管理程序>>"]
        );
        assert_eq!(
            entries("《不合格品控制程序》、《纠正措施控制程序》。").0,
            vec!["《不合格品控制程序》", "《纠正措施控制程序》"]
        );
        assert_eq!(
            entries("产品要求评审控制程序").0,
            vec!["产品要求评审控制程序"]
        );
        assert_eq!(
            record("《顾客投诉记录表》 品质部 3年"),
            RecordDraft {
                form: "《顾客投诉记录表》".to_owned(),
                keeper: Some("品质部".to_owned()),
                retention: Some("3年".to_owned())
            }
        );
    }

    #[test]
    fn splits_headings_from_text() {
        assert_eq!(
            heading_split("售前服务过程中的沟通", true, true),
            (Some("售前服务过程中的沟通".to_owned()), None)
        );
        assert_eq!(
            heading_split("顾客投诉的处理 处理流程参见附录。", false, true),
            (
                Some("顾客投诉的处理".to_owned()),
                Some("处理流程参见附录。".to_owned())
            )
        );
        assert_eq!(
            heading_split("售前服务;", false, false),
            (None, Some("售前服务;".to_owned()))
        );
    }

    #[test]
    fn guesses_traditional_chinese() {
        assert_eq!(
            guess_lang("當發貨部接收客戶訂單時,如有疑問或不清楚時由發貨部與客戶進行電話聯絡"),
            Some(Lang::ZhHant)
        );
        assert_eq!(
            guess_lang("业务部收到顾客投诉的咨询,包括订单号码、品名"),
            None
        );
    }
}
