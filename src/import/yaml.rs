//! Stage 4 of the import: a draft → procedure YAML in the DESIGN.md layout, formatted by hand
//! (block scalars for long text, `# import:` comments where the import guessed) and quoted
//! wherever YAML would misread a value.

use std::fmt::Write as _;

use crate::edit::{double_quoted, is_line_break};
use crate::import::outline::FormDraft;
use crate::import::structure::{Draft, DraftHeader, DraftStep, RecordDraft};
use crate::model::Lang;

/// What goes into the first lines of the file besides the draft.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The id to write.
    pub id: &'a str,
    /// The schema path for yaml-language-server, relative to the file.
    pub schema: &'a str,
    /// Where the text came from (`seed.txt lines 8–12`).
    pub source: &'a str,
}

/// The words of the second line that say where a draft came from (`… from seed.txt lines
/// 8–12`); a forced import replaces the drafts it made from the same file.
pub const DRAFTED_FROM: &str = "drafted by `docctl import` from";

/// Texts longer than this are written as folded block scalars (`>-`).
const BLOCK_AFTER: usize = 40;

/// Write a draft as procedure YAML.
pub fn render(draft: &Draft, frame: Frame<'_>) -> String {
    let mut y = Yaml::default();
    y.frame(frame, &draft.header.title);
    y.comments(0, draft, "version");
    y.line(0, &format!("version: {}", scalar(&draft.header.version)));
    y.comments(0, draft, "status");
    y.line(0, "status: draft");
    y.effective_owner_lang(&draft.header);
    if !draft.aliases.is_empty() {
        y.line(0, "aliases:");
        for alias in &draft.aliases {
            y.item(2, alias);
        }
    }
    y.comments(0, draft, "approval");
    y.approval(&draft.header.approval);
    y.comments(0, draft, "purpose");
    y.field(0, "purpose", &draft.purpose);
    y.comments(0, draft, "scope");
    y.field(0, "scope", &draft.scope);
    y.comments(0, draft, "definitions");
    if !draft.definitions.is_empty() {
        y.line(0, "definitions:");
        for (term, text) in &draft.definitions {
            y.entry(2, &[("term", Some(term)), ("text", Some(text))]);
        }
    }
    y.comments(0, draft, "responsibilities");
    y.list_key(0, "responsibilities", draft.responsibilities.is_empty());
    for (department, duties) in &draft.responsibilities {
        y.entry(
            2,
            &[("department", Some(department)), ("duties", Some(duties))],
        );
    }
    y.comments(0, draft, "steps");
    y.list_key(0, "steps", draft.steps.is_empty());
    for step in &draft.steps {
        y.step(2, step);
    }
    if !draft.related.is_empty() {
        y.line(0, "related:");
        for entry in &draft.related {
            y.item(2, entry);
        }
    }
    if !draft.records.is_empty() {
        y.line(0, "records:");
        for RecordDraft {
            form,
            keeper,
            retention,
        } in &draft.records
        {
            y.entry(
                2,
                &[
                    ("form", Some(form)),
                    ("keeper", keeper.as_ref()),
                    ("retention", retention.as_ref()),
                ],
            );
        }
    }
    if !draft.appendices.is_empty() {
        y.line(0, "appendices:");
        for (title, text) in &draft.appendices {
            y.entry(2, &[("title", Some(title)), ("text", Some(text))]);
        }
    }
    y.out
}

/// Write a form draft as form YAML.
pub fn render_form(form: &FormDraft, frame: Frame<'_>) -> String {
    let mut y = Yaml::default();
    y.frame(frame, &form.header.title);
    y.line(0, &format!("version: {}", scalar(&form.header.version)));
    y.line(0, "status: draft");
    y.effective_owner_lang(&form.header);
    y.line(0, &format!("layout: {}", form.layout));
    y.approval(&form.header.approval);
    if !form.instructions.is_empty() {
        y.field(0, "instructions", &form.instructions);
    }
    y.line(0, "fields:");
    for field in &form.fields {
        y.entry(
            2,
            &[
                ("key", Some(&field.key)),
                ("label", Some(&field.label)),
                ("type", Some(&field.kind.to_owned())),
            ],
        );
        if !field.columns.is_empty() {
            y.line(4, "columns:");
            for (key, label) in &field.columns {
                y.entry(6, &[("key", Some(key)), ("label", Some(label))]);
            }
        }
    }
    y.out
}

#[derive(Default)]
struct Yaml {
    out: String,
}

impl Yaml {
    /// The schema line, where the draft came from, its id and title.
    fn frame(&mut self, frame: Frame<'_>, title: &str) {
        self.line(
            0,
            &format!("# yaml-language-server: $schema={}", frame.schema),
        );
        self.comment(
            0,
            &format!(
                "import: {DRAFTED_FROM} {}; review it, then set status: effective",
                frame.source
            ),
        );
        self.field(0, "id", frame.id);
        self.field(0, "title", title);
    }

    fn effective_owner_lang(&mut self, header: &DraftHeader) {
        if let Some(effective) = &header.effective {
            self.line(0, &format!("effective: {}", scalar(effective)));
        }
        if let Some(owner) = &header.owner {
            self.field(0, "owner", owner);
        }
        match header.lang {
            Some(Lang::ZhHant) => self.line(0, "lang: zh-Hant"),
            Some(Lang::En) => self.line(0, "lang: en"),
            _ => {}
        }
    }

    fn approval(&mut self, approval: &[(&'static str, String, String)]) {
        if approval.is_empty() {
            return;
        }
        self.line(0, "approval:");
        let mut written: Vec<(&str, &str, &str)> = Vec::new();
        for (role, name, date) in approval {
            // A role signs once: the same signature again (a header table repeated on every
            // page) is dropped, a different one kept as a comment for the reader to decide.
            if let Some((_, first, first_date)) = written.iter().find(|(r, _, _)| r == role) {
                if (*first, *first_date) != (name.as_str(), date.as_str()) {
                    self.comment(
                        2,
                        &format!(
                            "import: the source signs {role} again: {name} {date} (kept {first} {first_date})"
                        ),
                    );
                }
                continue;
            }
            written.push((role, name, date));
            self.line(2, &format!("{role}:"));
            self.field(4, "name", name);
            self.line(4, &format!("date: {}", scalar(date)));
        }
    }
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{:indent$}{text}", "");
    }

    fn comment(&mut self, indent: usize, text: &str) {
        // A comment is one line: a line break in it would end the comment and start YAML.
        let one_line: String = text
            .chars()
            .map(|c| {
                if c.is_control() || is_line_break(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        self.line(indent, &format!("# {one_line}"));
    }

    fn comments(&mut self, indent: usize, draft: &Draft, field: &str) {
        for (f, text) in &draft.comments {
            if *f == field {
                self.comment(indent, text);
            }
        }
    }

    fn list_key(&mut self, indent: usize, key: &str, empty: bool) {
        self.line(indent, &format!("{key}:{}", if empty { " []" } else { "" }));
    }

    /// `key: value`, with the value as a block scalar when it is long.
    fn field(&mut self, indent: usize, key: &str, value: &str) {
        self.value(indent, &format!("{key}: "), value);
    }

    /// `- value` in a sequence.
    fn item(&mut self, indent: usize, value: &str) {
        self.value(indent, "- ", value);
    }

    fn value(&mut self, indent: usize, prefix: &str, value: &str) {
        let key_column = indent + if prefix.starts_with("- ") { 2 } else { 0 };
        if literal_safe(value) {
            // Several lines (paragraphs, a table): a literal block keeps them as written.
            self.line(indent, &format!("{prefix}|-"));
            for line in value.split('\n') {
                if line.is_empty() {
                    self.out.push('\n');
                } else {
                    self.line(key_column + 2, line);
                }
            }
        } else if value.chars().count() > BLOCK_AFTER && block_safe(value) {
            // The text sits deeper than the key it belongs to: past the `- ` of an entry.
            self.line(indent, &format!("{prefix}>-"));
            self.line(key_column + 2, value);
        } else {
            self.line(indent, &format!("{prefix}{}", scalar(value)));
        }
    }

    /// A mapping in a sequence: `- key: value` then the other keys under it.
    fn entry(&mut self, indent: usize, fields: &[(&str, Option<&String>)]) {
        let mut first = true;
        for (key, value) in fields {
            let Some(value) = value else { continue };
            if first {
                self.value(indent, &format!("- {key}: "), value);
                first = false;
            } else {
                self.field(indent + 2, key, value);
            }
        }
    }

    fn step(&mut self, indent: usize, step: &DraftStep) {
        for comment in &step.comments {
            self.comment(indent, comment);
        }
        let mut prefix = "- ";
        let field = |y: &mut Self, key: &str, value: &str, prefix: &mut &str| {
            let at = if prefix.is_empty() {
                indent + 2
            } else {
                indent
            };
            y.value(at, &format!("{prefix}{key}: "), value);
            *prefix = "";
        };
        if let Some(title) = &step.title {
            field(self, "title", title, &mut prefix);
        }
        if let Some(by) = &step.by {
            field(self, "by", by, &mut prefix);
        }
        if let Some(text) = &step.text {
            field(self, "text", text, &mut prefix);
        }
        if !step.steps.is_empty() {
            let at = if prefix.is_empty() {
                indent + 2
            } else {
                indent
            };
            self.line(at, &format!("{prefix}steps:"));
            for child in &step.steps {
                self.step(indent + 4, child);
            }
        } else if !prefix.is_empty() {
            // A step with nothing in it still needs a mapping.
            self.line(indent, "- {}");
        }
    }
}

/// Return whether a value of several lines can be written as a literal block scalar: no
/// control character but line feeds and tabs, nothing but the text at its ends.
fn literal_safe(value: &str) -> bool {
    value.contains('\n')
        && value == value.trim()
        && !value.chars().any(|c| {
            (c.is_control() && c != '\n' && c != '\t')
                || (is_line_break(c) && c != '\n')
                || c == '\u{feff}'
        })
}

/// Return whether a value can be written as a one-line folded block scalar: no line break,
/// no control character, no leading or trailing space (a block scalar would change those).
fn block_safe(value: &str) -> bool {
    value == value.trim()
        && !value
            .chars()
            .any(|c| c.is_control() || is_line_break(c) || c == '\u{feff}')
}

/// Write a one-line value: plain when YAML reads it back as the same text, else single-quoted
/// (inner `'` doubled), else double-quoted with escapes (control characters, line breaks).
pub fn scalar(value: &str) -> String {
    if value
        .chars()
        .any(|c| c.is_control() || is_line_break(c) || c == '\u{feff}')
    {
        return double_quoted(value);
    }
    if plain_safe(value) {
        return value.to_owned();
    }
    format!("'{}'", value.replace('\'', "''"))
}

/// Return whether YAML reads this plain scalar back as this exact text (not a number,
/// boolean, null, date, alias, tag, anchor, comment, flow collection or block indicator).
fn plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value != value.trim() || first.is_ascii_digit() {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`<=~+.".contains(first) {
        return false;
    }
    if value.contains(": ") || value.contains(" #") || value.ends_with(':') || value.contains('\t')
    {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | ".inf" | ".nan"
    )
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::model::Text;

    #[derive(Deserialize)]
    struct One {
        v: Text,
        list: Vec<Text>,
    }

    const HOSTILE: &[&str] = &[
        "-",
        "- 甲",
        "-1",
        "*ref",
        "&anchor",
        "!tag",
        "%YAML",
        "@user",
        "`code`",
        "{a: 1}",
        "[1, 2]",
        "# not a comment",
        ": colon",
        "a: b",
        "a #b",
        "ends:",
        "> folded",
        "| literal",
        "123",
        "1.0",
        "0x1F",
        "+1",
        ".5",
        "1e3",
        "2024-01-01",
        "yes",
        "No",
        "TRUE",
        "false",
        "on",
        "off",
        "y",
        "n",
        "null",
        "~",
        "",
        " lead",
        "trail ",
        "it's",
        "''",
        "\"q\"",
        "<<工藝設計管理程序>>",
        "<<內部溝通管理程序> >",
        "《纠正与预防措施管理程序》",
        "“顾客信息反馈表”",
        "a\\b",
        "tab\there",
        "line\nbreak",
        "nel\u{85}x",
        "ls\u{2028}x",
        "bom\u{feff}x",
        "bell\u{7}",
        "销售部:负责",
        "销售部: 负责",
        "管代/HACCP小组长",
        "?",
        "?x",
        "=",
        "=x",
        ",x",
        ".inf",
        "NaN",
    ];

    #[test]
    fn every_value_reads_back_as_written() {
        for value in HOSTILE {
            let long = format!("{value}{}", "甲".repeat(50));
            for v in [(*value).to_owned(), long] {
                let mut y = Yaml::default();
                y.field(0, "v", &v);
                y.line(0, "list:");
                y.item(2, &v);
                let parsed: One = serde_saphyr::from_str(&y.out)
                    .unwrap_or_else(|e| panic!("{v:?} → {}\n{e}", y.out));
                assert_eq!(parsed.v.as_str(), v, "{}", y.out);
                assert_eq!(parsed.list[0].as_str(), v, "{}", y.out);
            }
        }
    }

    /// Found by the mutation rounds (tests/mutations.rs): a source that signs a role twice
    /// drafted `prepared:` twice, a YAML that does not load.
    #[test]
    fn a_role_signed_twice_is_written_once() {
        let sign = |role, name: &str, date: &str| (role, name.to_owned(), date.to_owned());
        let draft = Draft {
            header: DraftHeader {
                title: "采购程序".to_owned(),
                version: "A/0".to_owned(),
                approval: vec![
                    sign("prepared", "张三", "2024-03-01"),
                    sign("approved", "王五", "2024-03-05"),
                    sign("prepared", "张三", "2024-03-01"),
                    sign("prepared", "赵六", "2024-04-01"),
                ],
                ..DraftHeader::default()
            },
            purpose: "采购。".to_owned(),
            ..Draft::default()
        };
        let frame = Frame {
            id: "IMP-001",
            schema: "../schema/procedure.schema.json",
            source: "x.md lines 1–9",
        };
        let text = render(&draft, frame);
        let p: crate::model::Procedure =
            crate::load::parse("x.yaml", &text).unwrap_or_else(|d| panic!("{d:?}\n{text}"));
        let approval = p.approval.expect("approval");
        assert_eq!(approval.prepared.unwrap().value.name.as_str(), "张三");
        assert_eq!(approval.approved.unwrap().value.name.as_str(), "王五");
        assert_eq!(text.matches("prepared:").count(), 1, "{text}");
        assert!(
            text.contains(
                "  # import: the source signs prepared again: 赵六 2024-04-01 (kept 张三 2024-03-01)"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("signs prepared again").count(),
            1,
            "the same one is dropped"
        );
    }

    #[test]
    fn a_draft_loads_as_a_procedure() {
        let draft = Draft {
            header: DraftHeader {
                title: "顾客沟通程序".to_owned(),
                version: "A/0".to_owned(),
                approval: vec![("prepared", "张三".to_owned(), "2024-03-01".to_owned())],
                ..DraftHeader::default()
            },
            aliases: vec!["顾客沟通程序[59560]".to_owned()],
            purpose: "有效地处理顾客投诉,防止同类问题再次发生,并使顾客满意。".repeat(2),
            scope: String::new(),
            responsibilities: vec![("业务部".to_owned(), "业务部负责收集信息。".to_owned())],
            steps: vec![DraftStep {
                title: Some("售前".to_owned()),
                comments: vec!["import: numbered `4.2` twice\nsecond line".to_owned()],
                steps: vec![
                    DraftStep {
                        text: Some("- 一".to_owned()),
                        ..DraftStep::default()
                    },
                    DraftStep::default(),
                ],
                ..DraftStep::default()
            }],
            related: vec!["<<工藝設計管理程序>>".to_owned()],
            records: vec![RecordDraft {
                form: "《顾客投诉记录表》".to_owned(),
                keeper: Some("品质部".to_owned()),
                retention: Some("3年".to_owned()),
            }],
            comments: vec![("scope", "import: no 范围".to_owned())],
            ..Draft::default()
        };
        let text = render(
            &draft,
            Frame {
                id: "IMP-001",
                schema: "../schema/procedure.schema.json",
                source: "seed.txt lines 1–2",
            },
        );
        let p: crate::model::Procedure =
            crate::load::parse("x.yaml", &text).unwrap_or_else(|d| panic!("{d:?}\n{text}"));
        assert_eq!(p.steps[0].steps[0].text.as_ref().unwrap().as_str(), "- 一");
        assert_eq!(p.related[0].as_str(), "<<工藝設計管理程序>>");
        assert_eq!(p.aliases[0].as_str(), "顾客沟通程序[59560]");
        assert_eq!(p.scope.as_str(), "");
        assert!(text.contains("# import: numbered `4.2` twice second line"));
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/procedure.schema.json\n")
        );
    }
}
