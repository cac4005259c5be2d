//! `docctl.yaml`: the company, its departments, external documents and conventions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::{Date, Department, Kind, Lang, Sp, Text, VersionScheme};

/// The set's configuration, read from `docctl.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The company name printed in every header.
    pub company: Sp<Text>,
    /// The line printed under the company name, e.g. 质量管理体系程序文件.
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
    /// Flow charts (流程图): drawn for every procedure unless turned off, and where.
    #[serde(default)]
    pub flow: FlowSettings,
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
    /// Who may sign what; absent: anyone may sign.
    pub signers: Option<Vec<Signer>>,
    /// Whether 编制, 审核 and 批准 must be signed by three different people.
    #[serde(default)]
    pub separate_roles: SeparateRoles,
    /// How document numbers (文件编号) are formed, per kind (`id-format`).
    #[serde(default)]
    pub numbering: Numbering,
}

/// `numbering:` in docctl.yaml: a pattern per kind of document. In a pattern `{nn}` is a
/// serial of two or more digits, `{n}` one or more digits, `{dept}` a department code (from
/// `departments` below) and `{clause}` an ISO 9001 clause number (`8.2`); everything else is
/// written as it stands. A kind without a pattern is not checked.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// The quality manual's number; default `QM-{nn}` (QM-01).
    #[serde(default = "default_manual_pattern")]
    pub manual: Option<Sp<Text>>,
    /// A work instruction's number; default `WI-{dept}-{nn}` (WI-PRD-01).
    #[serde(default = "default_instruction_pattern")]
    pub instruction: Option<Sp<Text>>,
    /// A procedure's number, e.g. `QP-{clause}-{nn}`; default: not checked.
    pub procedure: Option<Sp<Text>>,
    /// A form's number, e.g. `QR-{clause}-{nn}-{nn}`; default: not checked.
    pub form: Option<Sp<Text>>,
    /// The code of each department in numbers (`{dept}`), e.g. `生产部: PRD`; the code must
    /// be the owner's. Empty: any code of 2 to 6 capital letters or digits is accepted.
    #[serde(default)]
    pub departments: BTreeMap<String, Sp<Text>>,
}

impl Default for Numbering {
    fn default() -> Self {
        Numbering {
            manual: default_manual_pattern(),
            instruction: default_instruction_pattern(),
            procedure: None,
            form: None,
            departments: BTreeMap::new(),
        }
    }
}

impl Numbering {
    /// Return the pattern of a kind, if its numbers are checked.
    pub fn pattern(&self, kind: Kind) -> Option<&Sp<Text>> {
        match kind {
            Kind::Manual => self.manual.as_ref(),
            Kind::Instruction => self.instruction.as_ref(),
            Kind::Procedure => self.procedure.as_ref(),
            Kind::Form => self.form.as_ref(),
        }
    }
}

fn default_manual_pattern() -> Option<Sp<Text>> {
    Some(Sp::new(
        Text("QM-{nn}".to_owned()),
        crate::model::Pos::at(1, 1),
    ))
}

fn default_instruction_pattern() -> Option<Sp<Text>> {
    Some(Sp::new(
        Text("WI-{dept}-{nn}".to_owned()),
        crate::model::Pos::at(1, 1),
    ))
}

/// `flow:` in docctl.yaml.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowSettings {
    /// Draw a flow chart for each procedure (a procedure's own `flow:` wins). Default true.
    #[serde(default = "default_true")]
    pub chart: bool,
    /// Where the chart stands: `steps` (at the end of 5 工作程序, the default) or `appendix`
    /// (附件, after 7 记录).
    #[serde(default)]
    pub place: FlowPlace,
    /// Draw the chart on landscape A4 pages (wider lanes for many departments); the pages
    /// around it stay portrait. Default false.
    #[serde(default)]
    pub landscape: bool,
}

impl Default for FlowSettings {
    fn default() -> Self {
        FlowSettings {
            chart: true,
            place: FlowPlace::Steps,
            landscape: false,
        }
    }
}

/// Where a procedure's flow chart stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FlowPlace {
    /// At the end of 5 工作程序.
    #[default]
    Steps,
    /// As 附件 after 7 记录.
    Appendix,
}

impl FlowPlace {
    /// Return the name used in docctl.yaml and templates.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowPlace::Steps => "steps",
            FlowPlace::Appendix => "appendix",
        }
    }
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

/// A person who may sign, with the roles, departments and kinds of document they sign for.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// The name as it is written in the approval block.
    pub name: Sp<Text>,
    /// The email of their git commits, checked by `docctl check --verify-signatures`.
    pub email: Option<Sp<Text>>,
    /// The fingerprint of the key they sign commits with: `SHA256:…` for an SSH key (as
    /// `ssh-keygen -lf` prints it), the hex fingerprint for a GPG key.
    pub key: Option<Sp<Text>>,
    /// The signatures they may give: prepared (编制), reviewed (审核), approved (批准).
    pub roles: Vec<SignRole>,
    /// Only documents owned by these departments (归口部门); empty: every department.
    #[serde(default)]
    pub departments: Vec<Sp<Department>>,
    /// Only these kinds of document (`procedure`, `form`, `manual`, `instruction`); empty: all.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// The first day they may sign.
    pub from: Option<Date>,
    /// The last day they may sign.
    pub until: Option<Date>,
}

/// One of the three signatures of an approval block.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum SignRole {
    /// 编制.
    Prepared,
    /// 审核.
    Reviewed,
    /// 批准.
    #[value(help = "批准: the last signature; the document becomes effective")]
    Approved,
}

impl SignRole {
    /// The three roles in the order they are signed.
    pub const ALL: [SignRole; 3] = [SignRole::Prepared, SignRole::Reviewed, SignRole::Approved];

    /// The role signed just before this one, if any.
    pub fn previous(self) -> Option<SignRole> {
        match self {
            SignRole::Prepared => None,
            SignRole::Reviewed => Some(SignRole::Prepared),
            SignRole::Approved => Some(SignRole::Reviewed),
        }
    }

    /// The role signed just after this one, if any.
    pub fn next(self) -> Option<SignRole> {
        match self {
            SignRole::Prepared => Some(SignRole::Reviewed),
            SignRole::Reviewed => Some(SignRole::Approved),
            SignRole::Approved => None,
        }
    }

    /// The key in the approval block.
    pub fn as_str(self) -> &'static str {
        match self {
            SignRole::Prepared => "prepared",
            SignRole::Reviewed => "reviewed",
            SignRole::Approved => "approved",
        }
    }

    /// The key with its Chinese name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            SignRole::Prepared => "prepared (编制)",
            SignRole::Reviewed => "reviewed (审核)",
            SignRole::Approved => "approved (批准)",
        }
    }
}

/// How far 编制, 审核 and 批准 must be signed by different people.
///
/// `true` (the default): three different people. `false`: only the approver must differ from
/// the preparer. `preparer-may-review`: 编制 = 审核 is allowed, the approver is someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum SeparateRoles {
    /// `true` or `false`.
    Flag(bool),
    /// A named relaxation.
    Relaxed(Relaxation),
}

/// A named relaxation of `separate_roles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Relaxation {
    /// The preparer may also review (small companies); the approver is someone else.
    PreparerMayReview,
}

impl<'de> Deserialize<'de> for SeparateRoles {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Flag(all) => Ok(SeparateRoles::Flag(all)),
            Raw::Text(text) if text == "preparer-may-review" => {
                Ok(SeparateRoles::Relaxed(Relaxation::PreparerMayReview))
            }
            Raw::Text(text) => Err(serde::de::Error::custom(format!(
                "invalid separate_roles `{text}`: expected true, false or preparer-may-review"
            ))),
        }
    }
}

impl Default for SeparateRoles {
    fn default() -> Self {
        SeparateRoles::Flag(true)
    }
}

impl SeparateRoles {
    /// Return whether the two roles must be signed by different people.
    pub fn requires(self, first: SignRole, second: SignRole) -> bool {
        use SignRole::{Approved, Prepared, Reviewed};
        match (self, first, second) {
            (_, Prepared, Approved) | (_, Approved, Prepared) => true,
            (SeparateRoles::Flag(all), _, _) => all,
            (SeparateRoles::Relaxed(Relaxation::PreparerMayReview), Prepared, Reviewed)
            | (SeparateRoles::Relaxed(Relaxation::PreparerMayReview), Reviewed, Prepared) => false,
            (SeparateRoles::Relaxed(_), _, _) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SignRole;

    #[test]
    fn roles_sign_in_the_order_of_all_and_next_and_previous_agree() {
        for pair in SignRole::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert_eq!(pair[0].next(), Some(pair[1]));
            assert_eq!(pair[1].previous(), Some(pair[0]));
        }
        assert_eq!(SignRole::ALL[0].previous(), None);
        assert_eq!(SignRole::ALL[2].next(), None);
        let keys: Vec<&str> = SignRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(keys, ["prepared", "reviewed", "approved"]);
    }
}
