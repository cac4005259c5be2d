//! The words that name a procedure's sections (目的, 范围, 职责 …) in Chinese and English, and
//! the words that make a line look like a document's title.

use crate::outline::{PROCEDURE, Section};

/// What a section of a procedure holds, as its heading names it (in the text importer's
/// keywords below and the structured importer's heading words in `outline.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// 目的, Purpose, Summary.
    Purpose,
    /// 范围, 适用范围, Scope, Applicability.
    Scope,
    /// 目的范围, Purpose and scope: both in one section.
    PurposeScope,
    /// 职责, 权责, Responsibilities, Roles.
    Responsibilities,
    /// 定义, 术语与定义, Definitions, Abbreviations.
    Definitions,
    /// 工作程序, 作业内容, 程序, 方法和过程控制, Procedure, Process Steps ….
    Steps,
    /// 相关文件, 参考文件, 相关/支持文件, References.
    Related,
    /// 记录, 质量记录, Records.
    Records,
    /// 附件, Appendix (the structured importer's headings only).
    Appendix,
}

impl SectionKind {
    /// Return the section of the procedure outline (`crate::outline`) this kind fills; none
    /// for a purpose-and-scope section (it fills two) and an appendix (outside the outline).
    pub fn section(self) -> Option<Section> {
        Some(match self {
            SectionKind::Purpose => Section::Purpose,
            SectionKind::Scope => Section::Scope,
            SectionKind::Responsibilities => Section::Responsibilities,
            SectionKind::Definitions => Section::Definitions,
            SectionKind::Steps => Section::Steps,
            SectionKind::Related => Section::Related,
            SectionKind::Records => Section::Records,
            SectionKind::PurposeScope | SectionKind::Appendix => return None,
        })
    }

    /// Return the kind of the outline section whose key (YAML field) is `field`, or of the
    /// appendices: the names docctl.yaml's `import: {sections: …}` may give.
    pub fn of_field(field: &str) -> Option<SectionKind> {
        if matches!(field, "appendix" | "appendices") {
            return Some(SectionKind::Appendix);
        }
        let section = PROCEDURE.iter().find(|e| e.key == field)?.section;
        Some(match section {
            Section::Purpose => SectionKind::Purpose,
            Section::Scope => SectionKind::Scope,
            Section::Responsibilities => SectionKind::Responsibilities,
            Section::Definitions => SectionKind::Definitions,
            Section::Steps => SectionKind::Steps,
            Section::Related => SectionKind::Related,
            Section::Records => SectionKind::Records,
        })
    }

    /// Return the field of the YAML this section fills, for the report.
    pub(crate) fn field(self) -> &'static str {
        match (self, self.section()) {
            (_, Some(section)) => section.key(),
            (SectionKind::PurposeScope, None) => "purpose and scope",
            (_, None) => "appendices",
        }
    }
}

use SectionKind::{
    Definitions, Purpose, PurposeScope, Records, Related, Responsibilities, Scope, Steps,
};

/// Section names. `generic` names (程序, 记录 …) also occur in running text, so they count
/// only after a section number and before a break; the others may stand unnumbered at the
/// start of a sentence (`目的 以公司…`, as in the seed).
const KEYWORDS: &[(&str, SectionKind, bool)] = &[
    ("目的和范围", PurposeScope, false),
    // 管理制度 (management rules) in 第X章 chapters: 总则 holds purpose and scope, then the rules.
    ("总则", PurposeScope, false),
    ("總則", PurposeScope, false),
    ("管理内容", Steps, false),
    ("管理內容", Steps, false),
    ("管理要求", Steps, false),
    ("管理規定", Steps, false),
    ("管理规定", Steps, false),
    ("具体规定", Steps, false),
    ("具體規定", Steps, false),
    ("目的与范围", PurposeScope, false),
    ("目的及范围", PurposeScope, false),
    ("目的與範圍", PurposeScope, false),
    ("目的范围", PurposeScope, false),
    ("目的範圍", PurposeScope, false),
    ("目的", Purpose, false),
    ("适用范围", Scope, false),
    ("適用範圍", Scope, false),
    ("应用范围", Scope, false),
    ("范围", Scope, false),
    ("範圍", Scope, false),
    ("职责与权限", Responsibilities, false),
    ("职责和权限", Responsibilities, false),
    ("職責與權限", Responsibilities, false),
    ("职责", Responsibilities, false),
    ("職責", Responsibilities, false),
    ("权责", Responsibilities, false),
    ("權責", Responsibilities, false),
    ("术语与定义", Definitions, false),
    ("术语和定义", Definitions, false),
    ("術語與定義", Definitions, false),
    ("術語和定義", Definitions, false),
    ("术语定义", Definitions, false),
    ("定义", Definitions, false),
    ("定義", Definitions, false),
    ("术语", Definitions, true),
    ("方法和过程控制", Steps, false),
    ("方法與過程控制", Steps, false),
    ("工作程序", Steps, false),
    ("作业内容", Steps, false),
    ("作業內容", Steps, false),
    ("作业程序", Steps, false),
    ("作業程序", Steps, false),
    ("程序内容", Steps, false),
    ("程序內容", Steps, false),
    ("工作流程", Steps, false),
    ("作业流程", Steps, false),
    ("工作内容", Steps, false),
    ("实施程序", Steps, false),
    ("程序", Steps, true),
    ("相关/支持文件", Related, false),
    ("相關/支持文件", Related, false),
    ("相关文件", Related, false),
    ("相關文件", Related, false),
    ("参考文件", Related, false),
    ("參考文件", Related, false),
    ("引用文件", Related, false),
    ("支持性文件", Related, false),
    ("支持文件", Related, false),
    ("相关程序", Related, false),
    ("质量记录", Records, false),
    ("質量記錄", Records, false),
    ("品质记录", Records, false),
    ("相关记录", Records, false),
    ("相關記錄", Records, false),
    ("记录表单", Records, false),
    ("记录", Records, true),
    ("記錄", Records, true),
    ("purpose and scope", PurposeScope, false),
    ("purpose", Purpose, false),
    ("scope", Scope, false),
    ("responsibilities", Responsibilities, false),
    ("responsibility", Responsibilities, false),
    ("terms and definitions", Definitions, false),
    ("definitions", Definitions, false),
    ("procedure", Steps, true),
    ("process", Steps, true),
    ("related documents", Related, false),
    ("reference documents", Related, false),
    ("references", Related, false),
    ("records", Records, true),
];

/// A section name found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// What the section holds.
    pub(crate) kind: SectionKind,
    /// Byte offset just past the name.
    pub(crate) end: usize,
}

/// Match a section name at byte `at` of `text`. `numbered` says whether a section number
/// precedes it; unnumbered, only the specific names count.
pub(crate) fn match_at(text: &str, at: usize, numbered: bool) -> Option<Found> {
    let rest = text.get(at..)?;
    let mut best: Option<(usize, SectionKind, bool)> = None;
    for &(word, kind, generic) in KEYWORDS {
        if !numbered && generic {
            continue;
        }
        let Some(head) = rest.get(..word.len()) else {
            continue;
        };
        let same = if word.is_ascii() {
            head.eq_ignore_ascii_case(word)
        } else {
            head == word
        };
        if same && best.is_none_or(|(len, _, _)| word.len() > len) {
            best = Some((word.len(), kind, generic));
        }
    }
    let (len, kind, generic) = best?;
    let after = rest[len..].chars().next();
    let ends = match after {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(c, ':' | '：' | '.' | '。' | '(' | '（' | ',' | '，' | '、')
                || c.is_ascii_digit()
                || c == '<'
                || c == '《'
        }
    };
    // `1目的为…` is a heading run into its text; `4程序文件清单` is not the section 程序.
    let glued_ok = !generic && after.is_some_and(|c| !c.is_ascii_alphanumeric());
    (ends || (numbered && glued_ok)).then_some(Found {
        kind,
        end: at + len,
    })
}

/// Words that name a kind of document: a line holding one may be a document's title.
pub(crate) const DOCUMENT_WORDS: &[&str] = &[
    "程序",
    "规定",
    "規定",
    "制度",
    "办法",
    "辦法",
    "细则",
    "細則",
    "规范",
    "規範",
    "手册",
    "手冊",
    "指导书",
    "指導書",
    "文件",
    "文档",
    "范本",
    "说明书",
    "标准",
    "方案",
    "procedure",
    "policy",
    "instruction",
    "manual",
];

/// Words that name a record: a title line too, unless the text around is a list of records.
pub(crate) const RECORD_WORDS: &[&str] = &[
    "记录", "記錄", "表", "单", "單", "报告", "報告", "登记", "台账", "清单",
];

/// Return whether a short line names a document (程序, 规定 …) or a record (记录, 表 …).
pub(crate) fn names_document(line: &str, records_too: bool) -> bool {
    let lower = line.to_lowercase();
    DOCUMENT_WORDS.iter().any(|w| lower.contains(w))
        || (records_too && RECORD_WORDS.iter().any(|w| lower.contains(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_longest_name() {
        let found = match_at("目的范围 组织的生存", 0, true).unwrap();
        assert_eq!(found.kind, PurposeScope);
        assert_eq!(match_at("程序内容:", 0, true).unwrap().kind, Steps);
        assert_eq!(
            match_at("相关/支持文件 产品", 0, true).unwrap().kind,
            Related
        );
    }

    #[test]
    fn generic_names_need_a_number_and_a_break() {
        assert!(match_at("程序 4.1", 0, false).is_none());
        assert_eq!(match_at("程序 4.1", 0, true).unwrap().kind, Steps);
        assert!(match_at("程序文件清单", 0, true).is_none());
        assert_eq!(match_at("目的为建立", 0, true).unwrap().kind, Purpose);
        assert!(match_at("目的为建立", 0, false).is_none());
    }

    #[test]
    fn english_names_ignore_case() {
        assert_eq!(match_at("Purpose: to", 0, false).unwrap().kind, Purpose);
        assert_eq!(match_at("RECORDS", 0, true).unwrap().kind, Records);
    }
}
