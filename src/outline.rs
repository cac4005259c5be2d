//! The procedure outline (1 目的 … 7 记录), written once: each section's number, its key (the
//! procedure's YAML field, the HTML anchor and the key of its heading in the label tables
//! `src/render/labels/<lang>.yaml`) and what kind of content it holds. Views hand it to the
//! templates as `doc.outline`, which loop over it; the reference graph numbers citations by it,
//! the redline names its sections by it and the importer maps its section words onto it.

use serde::Serialize;

use crate::render::labels::Labels;

/// A section of a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// 目的.
    Purpose,
    /// 范围.
    Scope,
    /// 职责.
    Responsibilities,
    /// 定义.
    Definitions,
    /// 工作程序.
    Steps,
    /// 相关文件.
    Related,
    /// 记录.
    Records,
}

/// One row of the outline table.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The section.
    pub section: Section,
    /// Its number in the document (`1` … `7`).
    pub number: u8,
    /// The YAML field, the HTML anchor and the label key of its heading.
    pub key: &'static str,
}

/// The outline of a procedure, in document order.
pub const PROCEDURE: [Entry; 7] = [
    Entry {
        section: Section::Purpose,
        number: 1,
        key: "purpose",
    },
    Entry {
        section: Section::Scope,
        number: 2,
        key: "scope",
    },
    Entry {
        section: Section::Responsibilities,
        number: 3,
        key: "responsibilities",
    },
    Entry {
        section: Section::Definitions,
        number: 4,
        key: "definitions",
    },
    Entry {
        section: Section::Steps,
        number: 5,
        key: "steps",
    },
    Entry {
        section: Section::Related,
        number: 6,
        key: "related",
    },
    Entry {
        section: Section::Records,
        number: 7,
        key: "records",
    },
];

impl Section {
    /// Return the section's row of [`PROCEDURE`].
    pub fn entry(self) -> &'static Entry {
        PROCEDURE
            .iter()
            .find(|e| e.section == self)
            .expect("every section has a row in the outline table")
    }

    /// Return the section's number as text (`"5"`), the prefix of its subsection numbers.
    pub fn number(self) -> String {
        self.entry().number.to_string()
    }

    /// Return the section's key: YAML field, HTML anchor, label key.
    pub fn key(self) -> &'static str {
        self.entry().key
    }

    /// Return the section's heading in a language's words, number first: `1 目的`, `1 Purpose`.
    pub fn heading(self, words: &Labels) -> String {
        format!("{} {}", self.entry().number, words[self.key()])
    }

    /// Return what a template does with the section: `text` (a rendered paragraph under
    /// `doc[key]`: purpose, scope) or the key of its own list.
    pub fn kind(self) -> &'static str {
        match self {
            Section::Purpose | Section::Scope => "text",
            other => other.key(),
        }
    }
}

/// A section of the outline as templates see it, under `doc.outline`.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Its number (`1` … `7`).
    pub number: u8,
    /// The YAML field and HTML anchor (`purpose`); with `kind: text` the rendered text is
    /// `doc[key]`.
    pub key: &'static str,
    /// Its heading in the document's language (`目的`, `Purpose`).
    pub label: &'static str,
    /// `text` for a paragraph (purpose, scope), otherwise the key of its list.
    pub kind: &'static str,
}

/// Return the procedure outline in a language's words, for a view.
pub fn view(words: &'static Labels) -> Vec<SectionView> {
    PROCEDURE
        .iter()
        .map(|e| SectionView {
            number: e.number,
            key: e.key,
            label: words[e.key],
            kind: e.section.kind(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{PROCEDURE, Section};
    use crate::model::Lang;
    use crate::render::labels;

    #[test]
    fn numbers_follow_the_order_and_every_key_has_a_label() {
        for (i, e) in PROCEDURE.iter().enumerate() {
            assert_eq!(usize::from(e.number), i + 1);
            assert_eq!(e.section.key(), e.key);
            for lang in [Lang::ZhHans, Lang::ZhHant, Lang::En] {
                assert!(
                    labels::of(lang).contains_key(e.key),
                    "{} in {lang:?}",
                    e.key
                );
            }
        }
        assert_eq!(
            Section::Steps.heading(labels::of(Lang::ZhHans)),
            "5 工作程序"
        );
        assert_eq!(Section::Purpose.heading(labels::of(Lang::En)), "1 Purpose");
    }
}
