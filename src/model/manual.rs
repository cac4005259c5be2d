//! A quality manual (质量手册): a preface, then one chapter per ISO 9001 clause, each naming the
//! procedures that carry it out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Appendix, Sp, Text};

controlled_document! {
    /// A quality manual, under `manual/` (usually one file).
    pub struct Manual {
        /// Titled texts before the chapters: 颁布令, 公司简介, 质量方针, 质量目标 ….
        #[serde(default)]
        pub preface: Vec<Appendix>,
        /// The chapters, by ISO 9001:2015 clause (4 … 10), with their sub-clauses.
        pub chapters: Vec<Chapter>,
        /// 相关文件: 《…》 references besides those the chapters name.
        #[serde(default)]
        pub related: Vec<Sp<Text>>,
        /// 附录: titled texts after the last chapter.
        #[serde(default)]
        pub appendices: Vec<Appendix>,
    }
}

/// A chapter of the manual: what the company does for one clause, and the procedures that
/// carry it out.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// The ISO 9001:2015 clause, e.g. "4" or "8.2"; the chapter's number.
    pub clause: Sp<Text>,
    /// Its heading; absent: the clause's short title in the document's language.
    pub title: Option<Sp<Text>>,
    /// What the company does (Markdown).
    pub text: Option<Sp<Text>>,
    /// The procedures (or instructions) that carry the clause out, as 《…》 references.
    #[serde(default)]
    pub procedures: Vec<Sp<Text>>,
    /// Sub-clauses.
    #[serde(default)]
    pub sections: Vec<Chapter>,
}

impl Chapter {
    /// Visit this chapter and its sections, depth first.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Chapter>) {
        out.push(self);
        for section in &self.sections {
            section.walk(out);
        }
    }
}

impl Manual {
    /// Return every chapter and section, depth first.
    pub fn all_chapters(&self) -> Vec<&Chapter> {
        let mut out = Vec::new();
        for chapter in &self.chapters {
            chapter.walk(&mut out);
        }
        out
    }
}
