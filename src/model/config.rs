//! `docctl.yaml`: the company, its departments, external documents and conventions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::{Department, Lang, Sp, Text, VersionScheme};

/// The set's configuration, read from `docctl.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The company name printed in every header.
    pub company: Sp<Text>,
    /// The line printed under the company name, e.g. 质量管理体系程序文件.
    #[serde(default)]
    pub system: Option<Sp<Text>>,
    /// Every department that may own, do, keep or receive a document.
    pub departments: Vec<Sp<Department>>,
    /// Other names of departments, accepted with a warning: alias → canonical name.
    #[serde(default)]
    pub department_aliases: BTreeMap<String, Sp<Department>>,
    /// Documents outside the set that may be cited (standards, laws, customer documents).
    #[serde(default)]
    pub external: Vec<External>,
    /// How versions count up.
    #[serde(default)]
    pub version_scheme: VersionScheme,
    /// Months after which an effective document is due for periodic review.
    #[serde(default = "default_review_months")]
    pub review_months: u32,
    /// The default language of documents.
    #[serde(default)]
    pub lang: Lang,
    /// How `docctl import` reads legacy documents.
    #[serde(default)]
    pub import: ImportConfig,
    /// How citations written without 《》 are checked.
    #[serde(default)]
    pub citations: CitationRules,
    /// Compile many PDFs per typst process (typst's bundle export; default `true`); `false`
    /// runs one typst process per document, like `docctl build --no-bundle`.
    #[serde(default = "default_true")]
    pub pdf_bundle: bool,
    /// Days after a revision is superseded within which its controlled copies must be
    /// recalled (`copy-not-recalled`); default 30.
    #[serde(default = "default_recall_days")]
    pub recall_days: u32,
}

/// `import:` in docctl.yaml.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// More headings for a section, by field: `purpose`, `scope`, `responsibilities`,
    /// `definitions`, `steps`, `related`, `records`, `appendix`; e.g. `purpose: [宗旨]`.
    #[serde(default)]
    pub sections: BTreeMap<String, Vec<String>>,
}

/// How `check` treats citations written in plain text.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CitationRules {
    /// Give an info-level hint (`ref-plain`) to write 《X》 where a Chinese document names a
    /// known document without brackets. Off by default.
    #[serde(default)]
    pub plain_hint: bool,
    /// The severity of `ref-unresolved` for a title-shaped phrase written without 《》 (`SOP …`,
    /// 按…程序, a quoted or italic title): `error`, `warning` (the default) or `off`.
    #[serde(default)]
    pub plain_unresolved: PlainSeverity,
}

/// The severity of a rule that can be turned down or off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlainSeverity {
    /// An error.
    Error,
    /// A warning.
    #[default]
    Warning,
    /// Not reported.
    Off,
}

fn default_true() -> bool {
    true
}

fn default_recall_days() -> u32 {
    30
}

fn default_review_months() -> u32 {
    12
}

/// A document outside the set that documents may cite.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct External {
    /// Its number, e.g. `GB/T 19001-2016`.
    pub id: Sp<Text>,
    /// Its title.
    pub title: Sp<Text>,
}
