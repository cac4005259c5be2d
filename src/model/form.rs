//! A record form (记录表单): header, layout and typed fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Sp, Text};

controlled_document! {
    /// A record form, one per file under `forms/`.
    pub struct Form {
        /// The procedure that lists this form under `records`, as a 《…》 reference.
        pub procedure: Option<Sp<Text>>,
        /// 保存期限.
        pub retention: Option<Sp<Text>>,
        /// register (a log table with blank rows) or sheet (one record per page).
        pub layout: Option<Sp<Layout>>,
        /// Blank rows of a register.
        pub rows: Option<Sp<u32>>,
        /// portrait or landscape.
        pub orientation: Option<Orientation>,
        /// 填写说明: instructions printed under the form (inline Markdown).
        pub instructions: Option<Sp<Text>>,
        /// The fields to fill in.
        pub fields: Vec<Field>,
    }
}

/// How a form is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// A log table with `rows` blank rows (登记表, 一览表).
    Register,
    /// One record per page, a label/field grid (单, 报告, 调查表).
    Sheet,
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// Upright A4.
    Portrait,
    /// Sideways A4.
    Landscape,
}

/// A field of a form.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// ASCII key, unique in the form; names the PDF field and the JSON record's key.
    pub key: Sp<Text>,
    /// The label printed on the form.
    pub label: Sp<Text>,
    /// What is filled in.
    #[serde(rename = "type")]
    pub kind: Sp<FieldType>,
    /// Whether the field must be filled.
    #[serde(default)]
    pub required: bool,
    /// The choices of a `choice` or `multichoice`.
    pub options: Option<Vec<Sp<Text>>>,
    /// Lines of a `textarea`.
    pub lines: Option<u32>,
    /// Unit printed after a `number`.
    pub unit: Option<Sp<Text>>,
    /// A hint printed with the field.
    pub help: Option<Sp<Text>>,
    /// Columns of a `table`.
    pub columns: Option<Vec<Column>>,
    /// Rows of a `table`.
    pub rows: Option<Sp<u32>>,
}

/// A column of a `table` field.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// ASCII key, unique in the table.
    pub key: Sp<Text>,
    /// The column heading.
    pub label: Sp<Text>,
    /// What is filled in (default text).
    #[serde(rename = "type", default)]
    pub kind: Option<Sp<FieldType>>,
    /// The choices of a `choice` column.
    pub options: Option<Vec<Sp<Text>>>,
}

/// The type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A number.
    Number,
    /// A date.
    Date,
    /// One of `options`.
    Choice,
    /// Any of `options`.
    Multichoice,
    /// Yes or no.
    Checkbox,
    /// A name and signature.
    Signature,
    /// A grid with `columns` and `rows`.
    Table,
    /// A heading grouping the fields after it.
    Section,
}

impl FieldType {
    /// Return the type as the YAML and the templates spell it (`textarea`, `multichoice` …).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Textarea => "textarea",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Choice => "choice",
            FieldType::Multichoice => "multichoice",
            FieldType::Checkbox => "checkbox",
            FieldType::Signature => "signature",
            FieldType::Table => "table",
            FieldType::Section => "section",
        }
    }
}
