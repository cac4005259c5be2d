//! Value types shared by procedures and forms: ids, departments, dates, versions, approvals.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

use crate::model::{SignRole, Sp};

/// A document number (文件编号), e.g. `QP-8.2-01` or `T/NDF/TSP01`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(transparent)]
pub struct DocId(pub String);

impl DocId {
    /// Return the id made safe as a file name: `T/NDF/TSP01` → `T-NDF-TSP01`.
    ///
    /// Only ASCII letters, digits, `.`, `_` and `-` and non-ASCII letters survive; everything
    /// else becomes `-`, and a leading dot is replaced, so a slug never names a parent folder;
    /// a final dot and Windows device names (`CON`, `NUL`, `COM1` …) are changed too, so the
    /// same output folder works on Windows.
    pub fn slug(&self) -> String {
        let mut slug: String = self
            .0
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric()
                    || matches!(c, '.' | '_' | '-')
                    || (!c.is_ascii() && c.is_alphanumeric())
                {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if slug.starts_with('.') {
            slug.replace_range(0..1, "_");
        }
        // Windows drops a final dot and reserves device names, with any extension (`CON.pdf`).
        if slug.ends_with('.') {
            slug.pop();
            slug.push('_');
        }
        let stem = slug
            .split('.')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
            || (stem.len() == 4
                && (stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.as_bytes()[3].is_ascii_digit());
        if device {
            slug.insert(0, '_');
        }
        if slug.is_empty() {
            slug.push('_');
        }
        slug
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A department (部门) as written in a document.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(transparent)]
pub struct Department(pub String);

impl fmt::Display for Department {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A version string (版本), e.g. `A/0` or `1.0`, checked against the set's scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Version(pub String);

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `version: 1.0` is a float to YAML; accept it as the text the user wrote.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Float(f64),
        }
        Ok(Version(match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s,
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => {
                let s = f.to_string();
                if s.contains('.') { s } else { format!("{s}.0") }
            }
        }))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How versions count up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VersionScheme {
    /// `A/0` → `A/1` (minor) → `B/0` (major).
    #[default]
    LetterNumber,
    /// `1.0` → `1.1` (minor) → `2.0` (major).
    Numeric,
}

impl VersionScheme {
    /// Parse a version into (major, minor) under this scheme.
    pub fn parse(self, version: &str) -> Option<(u32, u32)> {
        match self {
            VersionScheme::LetterNumber => {
                let (letter, number) = version.split_once('/')?;
                let mut chars = letter.chars();
                let c = chars.next()?;
                if chars.next().is_some() || !c.is_ascii_uppercase() {
                    return None;
                }
                Some((c as u32 - 'A' as u32, number.parse().ok()?))
            }
            VersionScheme::Numeric => {
                let (major, minor) = version.split_once('.')?;
                Some((major.parse().ok()?, minor.parse().ok()?))
            }
        }
    }

    /// Format (major, minor) under this scheme.
    pub fn format(self, (major, minor): (u32, u32)) -> String {
        match self {
            VersionScheme::LetterNumber => {
                let letter = char::from_u32('A' as u32 + major.min(25)).unwrap_or('Z');
                format!("{letter}/{minor}")
            }
            VersionScheme::Numeric => format!("{major}.{minor}"),
        }
    }

    /// Return the name used in docctl.yaml.
    pub fn name(self) -> &'static str {
        match self {
            VersionScheme::LetterNumber => "letter-number",
            VersionScheme::Numeric => "numeric",
        }
    }

    /// Give an example of a valid version, for messages.
    pub fn example(self) -> &'static str {
        match self {
            VersionScheme::LetterNumber => "A/0",
            VersionScheme::Numeric => "1.0",
        }
    }
}

/// A document's life-cycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// 草稿: being written or revised.
    Draft,
    /// 受控: approved and in force.
    Effective,
    /// 作废: withdrawn.
    Obsolete,
}

impl Status {
    /// Return the lowercase name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Effective => "effective",
            Status::Obsolete => "obsolete",
        }
    }
}

/// The language a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, JsonSchema)]
pub enum Lang {
    /// Simplified Chinese.
    #[default]
    #[serde(rename = "zh-Hans")]
    ZhHans,
    /// Traditional Chinese.
    #[serde(rename = "zh-Hant")]
    ZhHant,
    /// English.
    #[serde(rename = "en")]
    En,
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl std::str::FromStr for Date {
    type Err = String;

    /// Parse `YYYY-MM-DD`, telling a date of the wrong shape (`2026-12-1`) from one that has
    /// the shape but is not on the calendar (`2026-02-30`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let shaped = parts.len() == 3
            && [4, 2, 2]
                .iter()
                .zip(&parts)
                .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
        if !shaped {
            let hint = match parts.as_slice() {
                [y, m, d]
                    if [y, m, d]
                        .iter()
                        .all(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty()) =>
                {
                    format!(" ({y}-{m:0>2}-{d:0>2}?)")
                }
                _ => String::new(),
            };
            return Err(format!(
                "invalid date `{text}`: write YYYY-MM-DD, with two digits for month and day{hint}"
            ));
        }
        let (year, month): (i16, i8) = (
            parts[0].parse().unwrap_or_default(),
            parts[1].parse().unwrap_or_default(),
        );
        text.parse::<jiff::civil::Date>().map(Date).map_err(|_| {
            match jiff::civil::Date::new(year, month, 1) {
                Ok(first) => format!(
                    "invalid date `{text}`: not a day of the calendar, {year}-{month:02} has {} days",
                    first.days_in_month()
                ),
                Err(_) => {
                    format!("invalid date `{text}`: there is no month {month:02}")
                }
            }
        })
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"})
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A signature: who signed and when.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The person's name.
    pub name: Sp<Text>,
    /// The date of the signature.
    pub date: Sp<Date>,
    /// The version signed (`docctl approve` writes it): a signature binds to the revision it
    /// signed, so a version bumped by hand does not keep the old signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Sp<Version>>,
}

/// The approval block: 编制, 审核, 批准.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// 编制 (prepared by).
    pub prepared: Option<Sp<Signature>>,
    /// 审核 (reviewed by).
    pub reviewed: Option<Sp<Signature>>,
    /// 批准 (approved by).
    pub approved: Option<Sp<Signature>>,
}

impl Approval {
    /// Return the signature given in a role, if any.
    pub fn get(&self, role: SignRole) -> Option<&Sp<Signature>> {
        match role {
            SignRole::Prepared => self.prepared.as_ref(),
            SignRole::Reviewed => self.reviewed.as_ref(),
            SignRole::Approved => self.approved.as_ref(),
        }
    }
}

/// One line of the revision history (修订记录).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    /// The version this entry released.
    pub version: Sp<Version>,
    /// The date of the change.
    pub date: Sp<Date>,
    /// What changed.
    pub change: Sp<Text>,
    /// Who made the change.
    pub by: Option<Sp<Text>>,
    /// The change request (文件更改申请) it was made for, e.g. `CR-2026-001`.
    pub request: Option<Sp<Text>>,
}

/// Text written by the user. Unlike a plain `String`, a bare YAML number or boolean is refused
/// (`title: 2024` is more often a slip than a title), with a hint to quote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Text(pub String);

impl Text {
    /// Return the text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Refuse a bare number or boolean, with a hint to quote it.
        fn not_text<E: serde::de::Error>(found: &str, v: impl fmt::Display) -> E {
            E::custom(format!(
                "expected text, found the {found} {v} (write it in quotes: '{v}')"
            ))
        }
        struct TextVisitor;
        impl serde::de::Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Err(not_text("number", v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Err(not_text("number", v))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Err(not_text("number", v))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Err(not_text("boolean", v))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Text, E> {
                Err(E::custom("expected text, found nothing (null)"))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Text, E> {
                self.visit_unit()
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_names_on_windows_too() {
        let slug = |id: &str| DocId(id.to_owned()).slug();
        assert_eq!(slug("T/NDF/TSP01"), "T-NDF-TSP01");
        assert_eq!(slug("QP:1*?"), "QP-1--");
        assert_eq!(slug("QP-1."), "QP-1_");
        assert_eq!(slug("con"), "_con");
        assert_eq!(slug("AUX.1"), "_AUX.1");
        assert_eq!(slug("LPT1"), "_LPT1");
        assert_eq!(slug("COM10"), "COM10");
        assert_eq!(slug("CONTROL"), "CONTROL");
    }
}
