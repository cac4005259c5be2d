//! The documentation set's data: `docctl.yaml`, procedures, forms, the quality manual and work
//! instructions, as serde types. No I/O.
//!
//! Conventions: every struct read from YAML denies unknown keys; an `Option` field is optional
//! as it stands (serde reads a missing key as `None`), so only `Vec`, `bool` and other fields with
//! a default carry `#[serde(default)]`.

#[macro_use]
mod controlled;
mod common;
mod config;
mod form;
mod instruction;
mod manual;
mod procedure;
mod span;

use schemars::JsonSchema;

pub use common::{
    Approval, Date, Department, DocId, HistoryEntry, Lang, Signature, Status, Text, Version,
    VersionScheme,
};
pub use config::{
    CitationRules, Config, External, FlowPlace, FlowSettings, ImportConfig, Numbering,
    PlainSeverity, Relaxation, SeparateRoles, SignRole, Signer,
};
pub use form::{Column, Field, FieldType, Form, Layout, Orientation};
pub use instruction::{Instruction, Item};
pub use manual::{Chapter, Manual};
pub use procedure::{Appendix, By, Definition, Procedure, RecordEntry, Responsibility, Step};
pub use span::{Pos, Sp};

/// Which kind of document a file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A procedure (程序文件) under `procedures/`.
    Procedure,
    /// A record form (记录表单) under `forms/`.
    Form,
    /// The quality manual (质量手册) under `manual/`.
    Manual,
    /// A work instruction (作业指导书) under `instructions/`.
    Instruction,
}

impl Kind {
    /// Every kind, in the order the set's folders are read (the kinds docctl knew first, first,
    /// so that adding kinds did not reorder existing sets).
    pub const ALL: [Kind; 4] = [Kind::Procedure, Kind::Form, Kind::Manual, Kind::Instruction];

    /// Return `procedure`, `form`, `manual` or `instruction`, as the ledger, the views and
    /// messages spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Procedure => "procedure",
            Kind::Form => "form",
            Kind::Manual => "manual",
            Kind::Instruction => "instruction",
        }
    }

    /// Name the kind in messages: `procedure`, `form`, `quality manual`, `work instruction`.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Procedure => "procedure",
            Kind::Form => "form",
            Kind::Manual => "quality manual",
            Kind::Instruction => "work instruction",
        }
    }

    /// The folder of the set that holds documents of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Procedure => "procedures",
            Kind::Form => "forms",
            Kind::Manual => "manual",
            Kind::Instruction => "instructions",
        }
    }

    /// Return where documents of this kind stand in the master list: the manual, procedures,
    /// instructions, forms.
    pub fn list_rank(self) -> u8 {
        match self {
            Kind::Manual => 0,
            Kind::Procedure => 1,
            Kind::Instruction => 2,
            Kind::Form => 3,
        }
    }

    /// The label key of the kind's name (程序文件, 记录表单, 质量手册, 作业指导书).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Procedure => "kind_procedure",
            Kind::Form => "kind_form",
            Kind::Manual => "kind_manual",
            Kind::Instruction => "kind_instruction",
        }
    }
}

/// A document of the set.
#[derive(Debug, Clone)]
pub enum Document {
    /// A procedure.
    Procedure(Procedure),
    /// A record form.
    Form(Form),
    /// The quality manual.
    Manual(Manual),
    /// A work instruction.
    Instruction(Instruction),
}

impl Document {
    /// Return the kind of document.
    pub fn kind(&self) -> Kind {
        match self {
            Document::Procedure(_) => Kind::Procedure,
            Document::Form(_) => Kind::Form,
            Document::Manual(_) => Kind::Manual,
            Document::Instruction(_) => Kind::Instruction,
        }
    }

    /// Return the fields every controlled document has.
    pub fn header(&self) -> Header<'_> {
        match self {
            Document::Procedure(p) => p.header(),
            Document::Form(f) => f.header(),
            Document::Manual(m) => m.header(),
            Document::Instruction(w) => w.header(),
        }
    }

    /// Return the ISO 9001 clauses the document serves: a procedure's or an instruction's
    /// `clauses`, the manual's chapters and sections; none for a form.
    pub fn clauses(&self) -> Vec<&Sp<Text>> {
        match self {
            Document::Procedure(p) => p.clauses.iter().collect(),
            Document::Instruction(w) => w.clauses.iter().collect(),
            Document::Manual(m) => m.all_chapters().into_iter().map(|c| &c.clause).collect(),
            Document::Form(_) => Vec::new(),
        }
    }

    /// Return the outline of a procedure or an instruction; none for a form or the manual.
    pub fn outline(&self) -> Option<Outline<'_>> {
        match self {
            Document::Procedure(p) => Some(p.outline()),
            Document::Instruction(w) => Some(w.outline()),
            Document::Form(_) | Document::Manual(_) => None,
        }
    }

    /// Return the 相关文件 and 记录 entries of a procedure or an instruction, and the manual's
    /// 相关文件 (empty for a form): the documents it lists, and the forms it produces.
    pub fn listed(&self) -> (&[Sp<Text>], &[RecordEntry]) {
        match (self, self.outline()) {
            (_, Some(o)) => (o.related, o.records),
            (Document::Manual(m), None) => (&m.related, &[]),
            _ => (&[], &[]),
        }
    }
}

/// The outline procedures and work instructions share: 目的, 范围, 职责, the steps, 相关文件,
/// 记录 and appendices.
#[derive(Debug, Clone, Copy)]
pub struct Outline<'a> {
    /// 目的.
    pub purpose: &'a Sp<Text>,
    /// 范围 (适用范围).
    pub scope: &'a Sp<Text>,
    /// 职责.
    pub responsibilities: &'a [Responsibility],
    /// The numbered steps.
    pub steps: &'a [Step],
    /// 相关文件.
    pub related: &'a [Sp<Text>],
    /// 记录.
    pub records: &'a [RecordEntry],
    /// 附录.
    pub appendices: &'a [Appendix],
}

/// The controlled-document fields shared by procedures and forms.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// 文件编号.
    pub id: &'a Sp<DocId>,
    /// Title.
    pub title: &'a Sp<Text>,
    /// 版本.
    pub version: &'a Sp<Version>,
    /// Draft, effective or obsolete.
    pub status: &'a Sp<Status>,
    /// 生效日期.
    pub effective: Option<&'a Sp<Date>>,
    /// 归口部门.
    pub owner: Option<&'a Sp<Department>>,
    /// Language of the text.
    pub lang: Option<Lang>,
    /// Former titles.
    pub aliases: &'a [Sp<Text>],
    /// 编制/审核/批准.
    pub approval: Option<&'a Approval>,
    /// 分发部门.
    pub distribution: &'a [Sp<Department>],
    /// 修订记录.
    pub history: &'a [HistoryEntry],
}
