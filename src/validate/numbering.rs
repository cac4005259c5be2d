//! Numbering rule: a document's number (文件编号) follows its kind's pattern in docctl.yaml
//! (`numbering:`), and a department code in it is the owner's.

use std::collections::BTreeMap;

use regex::Regex;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::CONFIG_FILE;
use crate::model::{Kind, Sp, Text};
use crate::validate::Context;

/// A kind's pattern made into a regular expression, with an example number for messages.
struct Rule {
    pattern: String,
    regex: Regex,
    example: String,
}

/// Check every document's number against its kind's pattern.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let numbering = &context.library.config.numbering;
    let codes: BTreeMap<String, String> = numbering
        .departments
        .iter()
        .map(|(department, code)| (code.value.0.clone(), department.clone()))
        .collect();
    let mut out = Vec::new();
    let mut rules: BTreeMap<&str, Option<Rule>> = BTreeMap::new();
    for kind in Kind::ALL {
        let Some(pattern) = numbering.pattern(kind) else {
            continue;
        };
        match compile(pattern, &codes) {
            Ok(rule) => rules.insert(kind.as_str(), Some(rule)),
            Err(problem) => {
                out.push(
                    Diagnostic::new(Code::InvalidValue, CONFIG_FILE, pattern.pos, problem)
                        .with_help("a pattern holds text and {nn}, {n}, {dept} or {clause}"),
                );
                rules.insert(kind.as_str(), None)
            }
        };
    }
    for loaded in &context.library.documents {
        let kind = loaded.doc.kind();
        let Some(Some(rule)) = rules.get(kind.as_str()) else {
            continue;
        };
        let header = loaded.doc.header();
        let id = header.id;
        let problem = |message: String, help: String| {
            Diagnostic::new(Code::IdFormat, &loaded.file, id.pos, message)
                .with_width(id.value.0.chars().count())
                .with_help(help)
        };
        let Some(found) = rule.regex.captures(&id.value.0) else {
            out.push(problem(
                format!(
                    "number `{}` does not follow the numbering of a {} (`{}`)",
                    id.value,
                    kind.noun(),
                    rule.pattern
                ),
                format!(
                    "write numbers like `{}` (numbering.{} in docctl.yaml)",
                    rule.example,
                    kind.as_str()
                ),
            ));
            continue;
        };
        let (Some(code), Some(owner)) = (found.name("dept"), header.owner) else {
            continue;
        };
        let owner_code = numbering.departments.get(&owner.value.0);
        if let Some(owner_code) = owner_code.filter(|c| c.value.0 != code.as_str()) {
            out.push(problem(
                format!(
                    "number `{}` carries the code `{}` ({}), but the owner is {} (`{}`)",
                    id.value,
                    code.as_str(),
                    codes.get(code.as_str()).map_or("", String::as_str),
                    owner.value,
                    owner_code.value
                ),
                format!(
                    "number it with the owner's code, e.g. `{}`",
                    id.value.0.replacen(code.as_str(), &owner_code.value.0, 1)
                ),
            ));
        }
    }
    out
}

/// Turn a pattern into an anchored regular expression; with department codes, `{dept}` is one
/// of them.
fn compile(pattern: &Sp<Text>, codes: &BTreeMap<String, String>) -> Result<Rule, String> {
    let mut regex = String::from("^");
    let mut example = String::new();
    let mut rest = pattern.value.0.as_str();
    while let Some(open) = rest.find('{') {
        regex.push_str(&regex::escape(&rest[..open]));
        example.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(format!("`{}`: a `{{` without `}}`", pattern.value));
        };
        let name = &rest[open + 1..open + close];
        let (part, sample) = match name {
            "nn" => (r"\d{2,}".to_owned(), "01".to_owned()),
            "n" => (r"\d+".to_owned(), "1".to_owned()),
            "clause" => (r"\d+(?:\.\d+)*".to_owned(), "8.5".to_owned()),
            "dept" if codes.is_empty() => {
                ("(?P<dept>[A-Z][A-Z0-9]{1,5})".to_owned(), "PRD".to_owned())
            }
            "dept" => (
                format!(
                    "(?P<dept>{})",
                    codes
                        .keys()
                        .map(|c| regex::escape(c))
                        .collect::<Vec<_>>()
                        .join("|")
                ),
                codes.keys().next().cloned().unwrap_or_default(),
            ),
            other => {
                return Err(format!(
                    "`{}`: unknown placeholder `{{{other}}}`",
                    pattern.value
                ));
            }
        };
        regex.push_str(&format!("(?:{part})"));
        example.push_str(&sample);
        rest = &rest[open + close + 1..];
    }
    regex.push_str(&regex::escape(rest));
    example.push_str(rest);
    regex.push('$');
    let regex = Regex::new(&regex).map_err(|e| format!("`{}`: {e}", pattern.value))?;
    Ok(Rule {
        pattern: pattern.value.0.clone(),
        regex,
        example,
    })
}
