//! Diagnostics about the user's documents, their stable codes, and the four printers
//! (human, json, sarif, github).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::model::Pos;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document set is wrong; `check` fails.
    Error,
    /// Probably wrong; `check --strict` fails.
    Warning,
    /// A hint only (opted into in docctl.yaml); never fails, not even with `--strict`.
    Info,
}

/// One problem found in one place of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code, e.g. `ref-unresolved`.
    pub code: &'static str,
    /// What is wrong, lowercase, quoting the offending value.
    pub message: String,
    /// The file, relative to the set's folder, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
    /// How to fix it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// How many characters the offending text spans (for the caret).
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// Create an error at a position.
    pub fn error(code: &'static str, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, pos, message)
    }

    /// Create a warning at a position.
    pub fn warning(code: &'static str, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, pos, message)
    }

    fn new(
        severity: Severity,
        code: &'static str,
        file: &str,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: file.to_owned(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            help: None,
            width: 1,
        }
    }

    /// Attach a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Set how many characters the caret underlines.
    pub fn with_width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    /// Return whether this diagnostic fails the check (errors, or warnings under `--strict`).
    pub fn fails(&self, strict: bool) -> bool {
        self.severity == Severity::Error || (strict && self.severity == Severity::Warning)
    }

    /// Change the severity (for rules whose severity a set configures).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Every code `check` can report, with its severity and a one-line summary, for the README and
/// the SARIF rule table.
pub const CODES: &[(&str, Severity, &str)] = &[
    (
        "yaml-syntax",
        Severity::Error,
        "the file is not valid YAML (tabs, unclosed quotes, too deep, alias bombs)",
    ),
    (
        "io-error",
        Severity::Error,
        "the file cannot be read: a directory, unreadable, binary, not UTF-8 or too large",
    ),
    ("empty-file", Severity::Error, "the file holds no document"),
    (
        "unknown-key",
        Severity::Error,
        "a key the format does not know; the nearest known key is suggested",
    ),
    ("missing-key", Severity::Error, "a required key is absent"),
    (
        "duplicate-key",
        Severity::Error,
        "the same key twice in one mapping",
    ),
    (
        "invalid-value",
        Severity::Error,
        "a value of the wrong type or form (a date that is no date, a status that does not exist)",
    ),
    (
        "flow-target",
        Severity::Error,
        "a step's `next:` (flow chart) names no step of its procedure, or the step itself",
    ),
    (
        "ref-unresolved",
        Severity::Error,
        "a 《…》 reference (or a title-shaped phrase: `SOP …`, 按…程序, a quoted or italic title) matches no procedure, form or external document",
    ),
    (
        "ref-bracket",
        Severity::Warning,
        "a known title cited in non-standard brackets (<<…>>, <…>, “…”, 【…】)",
    ),
    (
        "ref-variant",
        Severity::Warning,
        "a citation that names one document only through a variant of its title (word order, cut short, plural, acronym, SOP- prefix)",
    ),
    (
        "ref-plain",
        Severity::Info,
        "a Chinese document names a known document without 《》 (a hint, on with `citations: {plain_hint: true}`)",
    ),
    (
        "ref-alias",
        Severity::Warning,
        "a document cited by a former title (an alias)",
    ),
    (
        "ref-not-listed",
        Severity::Warning,
        "cited in the text but missing from related/records",
    ),
    (
        "ref-not-cited",
        Severity::Warning,
        "listed in related/records but cited nowhere in the text",
    ),
    (
        "ref-draft",
        Severity::Warning,
        "an effective document cites a draft",
    ),
    (
        "ref-obsolete",
        Severity::Error,
        "a document cites an obsolete one",
    ),
    (
        "form-link",
        Severity::Error,
        "a form's `procedure` and that procedure's `records` disagree",
    ),
    (
        "dept-unknown",
        Severity::Error,
        "a department that is not in docctl.yaml",
    ),
    (
        "dept-alias",
        Severity::Warning,
        "a department written by its alias",
    ),
    (
        "approval-missing",
        Severity::Error,
        "an effective document without its effective date or its three signatures",
    ),
    (
        "approval-order",
        Severity::Error,
        "signatures out of order: prepared ≤ reviewed ≤ approved ≤ effective",
    ),
    (
        "approval-separation",
        Severity::Error,
        "one person signs two of 编制/审核/批准 (separate_roles in docctl.yaml relaxes it)",
    ),
    (
        "signer-unauthorised",
        Severity::Error,
        "a signature by someone docctl.yaml's signers do not authorise for that role, department, kind or date",
    ),
    (
        "signature-unverified",
        Severity::Error,
        "--verify-signatures: the commit that added a signature is not the signer's (author email or signing key)",
    ),
    (
        "version-format",
        Severity::Error,
        "a version that does not follow the set's version_scheme",
    ),
    (
        "id-format",
        Severity::Error,
        "a document number that does not follow its kind's pattern in docctl.yaml (`numbering`), or carries another department's code",
    ),
    (
        "history-version",
        Severity::Error,
        "the last history entry is not the document's version",
    ),
    (
        "history-order",
        Severity::Error,
        "history versions do not increase, or its dates go back",
    ),
    ("duplicate-id", Severity::Error, "two documents share an id"),
    (
        "duplicate-title",
        Severity::Error,
        "two documents share a title or alias (after normalisation)",
    ),
    (
        "review-overdue",
        Severity::Warning,
        "an effective document older than review_months (fails only with --review-as-error)",
    ),
    (
        "empty-set",
        Severity::Error,
        "the set holds no procedures or forms (a CI job pointed at the wrong folder)",
    ),
    (
        "field-options",
        Severity::Error,
        "a choice field without options",
    ),
    (
        "field-duplicate",
        Severity::Error,
        "two fields of a form share a key",
    ),
    (
        "register-rows",
        Severity::Error,
        "a register form without rows",
    ),
    (
        "changed-without-revision",
        Severity::Error,
        "an effective document differs from its released version in the ledger",
    ),
    (
        "ref-suspect",
        Severity::Warning,
        "cites a document released since in a new version; review, then revise or `docctl ack`",
    ),
    (
        "archive-unlisted",
        Severity::Error,
        "published/ holds a folder or file the ledger does not list (a lost ledger entry, an interrupted publish, a link)",
    ),
    (
        "release-missing",
        Severity::Error,
        "a released document in force has no YAML in the set and was not withdrawn",
    ),
    (
        "copy-not-recalled",
        Severity::Warning,
        "a controlled copy of a superseded or withdrawn revision is not recalled within `recall_days` (docctl.yaml, default 30)",
    ),
];

/// The text of every file a diagnostic may point into, keyed by relative path.
pub type Sources = HashMap<String, Arc<str>>;

/// Tally errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// Render diagnostics the way rustc does: the source line, a caret under the text, the help.
pub fn render_human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    // annotate-snippets trims long lines itself to this width and keeps the column in the
    // `-->` line true, which a line cut by hand would not.
    let renderer = if color {
        Renderer::styled().term_width(140)
    } else {
        Renderer::plain().term_width(140)
    };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let title = level.primary_title(d.message.as_str()).id(d.code);
        let line = sources
            .get(&d.file)
            .and_then(|text| source_line(text, d.line));
        let mut report = Vec::new();
        match line {
            Some(line) => {
                let (excerpt, start, end) = if line.len() <= MAX_SHOWN_LINE {
                    whole_line(line, d.column as usize, d.width)
                } else {
                    excerpt(line, d.column as usize, d.width)
                };
                report.push(
                    title.element(
                        Snippet::source(excerpt)
                            .line_start(d.line as usize)
                            .path(d.file.as_str())
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    ),
                );
            }
            None => report.push(title.element(annotate_snippets::Origin::path(format!(
                "{}:{}:{}",
                d.file, d.line, d.column
            )))),
        }
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
    out
}

/// Find line `n` (1-based) of a text.
fn source_line(text: &str, n: u32) -> Option<&str> {
    text.split('\n')
        .nth(n.saturating_sub(1) as usize)
        .map(|l| l.trim_end_matches('\r'))
}

/// Lines up to this many bytes are handed over whole; longer ones (a megabyte on one line) are
/// cut to a window around the column first, at the cost of the column shown in `-->`.
const MAX_SHOWN_LINE: usize = 20_000;

/// Return a line with the byte range of `width` characters from the 1-based `column`.
fn whole_line(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(column.saturating_sub(1));
    let end = byte_at(column.saturating_sub(1) + width).max(start);
    (line.to_owned(), start, end)
}

/// Cut a long line down to a window around the column; return it with the byte range to mark.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    const CONTEXT: usize = 60;
    let chars: Vec<char> = line.chars().collect();
    let col = column.saturating_sub(1).min(chars.len());
    let from = col.saturating_sub(CONTEXT);
    let to = (col + width + CONTEXT).min(chars.len());
    let mut text = String::new();
    if from > 0 {
        text.push('…');
    }
    let prefix = text.len();
    let head: String = chars[from..col].iter().collect();
    let marked: String = chars[col..(col + width).min(to)].iter().collect();
    let tail: String = chars[(col + width).min(to)..to].iter().collect();
    text.push_str(&head);
    let start = text.len();
    text.push_str(&marked);
    let end = text.len().max(start);
    text.push_str(&tail);
    if to < chars.len() {
        text.push('…');
    }
    let _ = prefix;
    (text, start, end)
}

/// The JSON shape of DESIGN.md: diagnostics plus a summary.
pub fn render_json(diagnostics: &[Diagnostic], documents: usize) -> String {
    let (errors, warnings) = count(diagnostics);
    let value = serde_json::json!({
        "diagnostics": diagnostics,
        "summary": {"documents": documents, "errors": errors, "warnings": warnings},
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// SARIF 2.1.0 for code-scanning UIs; columns count Unicode code points. Paths are relative to
/// the repository's top folder (`%SRCROOT%`, given in `originalUriBaseIds` when known).
pub fn render_sarif(diagnostics: &[Diagnostic], location: &crate::settings::Location) -> String {
    let rules: Vec<_> = CODES
        .iter()
        .map(|(code, severity, summary)| {
            serde_json::json!({
                "id": code,
                "shortDescription": {"text": summary},
                "defaultConfiguration": {"level": sarif_level(*severity)},
            })
        })
        .collect();
    let results: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            serde_json::json!({
                "ruleId": d.code,
                "ruleIndex": CODES.iter().position(|(c, _, _)| *c == d.code),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {
                        "uri": format!("{}{}", location.prefix, d.file),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": d.line, "startColumn": d.column,
                               "endColumn": d.column as usize + d.width},
                }}],
            })
        })
        .collect();
    let mut value = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "docctl",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/docctl/docctl",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    if let Some(top) = &location.top {
        let mut uri = format!("file://{}", top.to_string_lossy().replace('\\', "/"));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        value["runs"][0]["originalUriBaseIds"] = serde_json::json!({"%SRCROOT%": {"uri": uri}});
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub Actions workflow commands: one `::error`/`::warning` line per diagnostic.
pub fn render_github(diagnostics: &[Diagnostic], root_prefix: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&format!("{root_prefix}{}", d.file)),
            d.line,
            d.column,
            escape_property(&format!("docctl {}", d.code)),
            escape_data(&message),
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_marks_cjk_by_characters() {
        let (text, start, end) = excerpt("related: [《纠正》]", 11, 4);
        assert_eq!(&text[start..end], "《纠正》");
    }

    #[test]
    fn excerpt_cuts_long_lines() {
        let line = "字".repeat(1000);
        let (text, start, end) = excerpt(&line, 500, 1);
        assert!(text.chars().count() < 200);
        assert_eq!(&text[start..end], "字");
    }
}
