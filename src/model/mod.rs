//! The documentation set's data: `docctl.yaml`, procedures and forms, as serde types. No I/O.

mod common;
mod config;
mod form;
mod procedure;
mod span;

use schemars::JsonSchema;

pub use common::{
    Approval, Date, Department, DocId, HistoryEntry, Lang, Signature, Status, Text, Version,
    VersionScheme,
};
pub use config::{
    CitationRules, Config, External, ImportConfig, PlainSeverity, Relaxation, SeparateRoles,
    SignRole, Signer,
};
pub use form::{Column, Field, FieldType, Form, Layout, Orientation};
pub use procedure::{Appendix, Definition, Procedure, RecordEntry, Responsibility, Step};
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
}

impl Kind {
    /// The folder of the set that holds documents of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Procedure => "procedures",
            Kind::Form => "forms",
        }
    }
}

/// A procedure or a form.
#[derive(Debug, Clone)]
pub enum Document {
    /// A procedure.
    Procedure(Procedure),
    /// A record form.
    Form(Form),
}

impl Document {
    /// Return the kind of document.
    pub fn kind(&self) -> Kind {
        match self {
            Document::Procedure(_) => Kind::Procedure,
            Document::Form(_) => Kind::Form,
        }
    }

    /// Return the fields every controlled document has.
    pub fn header(&self) -> Header<'_> {
        match self {
            Document::Procedure(p) => Header {
                id: &p.id,
                title: &p.title,
                version: &p.version,
                status: &p.status,
                effective: p.effective.as_ref(),
                owner: p.owner.as_ref(),
                lang: p.lang,
                aliases: &p.aliases,
                approval: p.approval.as_ref(),
                distribution: &p.distribution,
                history: &p.history,
            },
            Document::Form(f) => Header {
                id: &f.id,
                title: &f.title,
                version: &f.version,
                status: &f.status,
                effective: f.effective.as_ref(),
                owner: f.owner.as_ref(),
                lang: f.lang,
                aliases: &f.aliases,
                approval: f.approval.as_ref(),
                distribution: &f.distribution,
                history: &f.history,
            },
        }
    }
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
