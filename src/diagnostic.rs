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

impl Severity {
    /// The word for it: `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found in one place of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code, e.g. `ref-unresolved`.
    pub code: Code,
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
    /// Create a diagnostic at a position, with its code's default severity.
    pub fn new(code: Code, file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
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

/// Which command reports a code: `check` (the set), `record check` (a filled-in record) or
/// `import` (a legacy source file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `docctl check` (and every command that checks the set first).
    Check,
    /// `docctl record check` and `record fill`.
    Record,
    /// `docctl import`.
    Import,
}

/// Declare every code once: its variant, its stable kebab-case string, its default severity and
/// its one-line summary (the README's table and SARIF's rules are made from these rows).
macro_rules! codes {
    ($(($family:ident, $variant:ident, $code:literal, $severity:ident, $summary:literal),)*) => {
        /// A stable diagnostic code, e.g. `ref-unresolved`; serialized as that string, and
        /// ordered by it (so diagnostics sort as they did when codes were strings).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $summary] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the README's tables.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as users see it: `ref-unresolved`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity a diagnostic of this code has unless docctl.yaml changes it.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// What the code means, in one line.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }

            /// The command that reports it.
            pub fn family(self) -> Family {
                match self { $(Code::$variant => Family::$family,)* }
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/codes.rs"));

impl Code {
    /// The codes one command reports, in table order.
    pub fn of(family: Family) -> impl Iterator<Item = Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(move |c| c.family() == family)
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

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
        let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
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
    let rules: Vec<_> = Code::of(Family::Check)
        .map(|code| {
            serde_json::json!({
                "id": code,
                "shortDescription": {"text": code.summary()},
                "defaultConfiguration": {"level": sarif_level(code.severity())},
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
                "ruleIndex": Code::of(Family::Check).position(|c| c == d.code),
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
    use super::{Code, excerpt};

    #[test]
    fn codes_are_unique_kebab_case_and_serialize_as_their_string() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "`{s}` twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert_eq!(serde_json::to_string(code).unwrap(), format!("\"{s}\""));
        }
    }

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
