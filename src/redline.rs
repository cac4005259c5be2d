//! Compare two revisions of a document, section by section and step by step: steps are
//! matched by title, then by number; texts are compared character by character for Chinese
//! (and word by word for Latin text) with the `similar` crate. Nothing here touches the disk.

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::fold;
use crate::model::{Document, Form, Lang, Procedure, Step};
use crate::outline::{self, Section};
use crate::render::labels::{self, Labels};

/// A piece of compared text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// `eq` (in both), `ins` (only in the newer) or `del` (only in the older).
    pub kind: &'static str,
    /// The text.
    pub text: String,
}

/// One section that differs between the two revisions.
#[derive(Debug, Clone, Serialize)]
pub struct SectionChange {
    /// Where: `1 目的`, `5.2 顾客投诉的接收`, `字段 日期` ….
    pub section: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    /// The older text with deletions marked (for the 修订对照表's 修订前 column).
    pub before: Vec<Segment>,
    /// The newer text with insertions marked (修订后).
    pub after: Vec<Segment>,
    /// Both in one: the redline.
    pub redline: Vec<Segment>,
}

/// A comparable piece of a document: its section name, a key to match it by, and its text.
#[derive(Debug, Clone)]
struct Piece {
    section: String,
    key: String,
    number: String,
    text: String,
}

/// Compare two revisions; return the sections that differ, in the newer document's order.
/// Section names are in `lang`, the newer revision's language.
pub fn compare(before: &Document, after: &Document, lang: Lang) -> Vec<SectionChange> {
    let words = labels::of(lang);
    let old = pieces(before, words);
    let new = pieces(after, words);
    let pairs = match_pieces(&old, &new);
    let mut out = Vec::new();
    let mut emitted_old = vec![false; old.len()];
    for (j, piece) in new.iter().enumerate() {
        let partner = pairs.iter().find(|(_, n)| *n == j).map(|(o, _)| *o);
        // Removed pieces that came before this one's partner go first.
        if let Some(o) = partner {
            for k in 0..o {
                if !emitted_old[k] && !pairs.iter().any(|(p, _)| *p == k) {
                    emitted_old[k] = true;
                    out.push(removed(&old[k]));
                }
            }
        }
        match partner {
            Some(o) => {
                emitted_old[o] = true;
                if old[o].text != piece.text {
                    out.push(changed(&piece.section, &old[o].text, &piece.text));
                }
            }
            None => out.push(SectionChange {
                section: piece.section.clone(),
                change: "added",
                before: Vec::new(),
                after: vec![segment("ins", &piece.text)],
                redline: vec![segment("ins", &piece.text)],
            }),
        }
    }
    for (k, piece) in old.iter().enumerate() {
        if !emitted_old[k] && !pairs.iter().any(|(p, _)| *p == k) {
            out.push(removed(piece));
        }
    }
    out
}

fn segment(kind: &'static str, text: &str) -> Segment {
    Segment {
        kind,
        text: text.to_owned(),
    }
}

fn removed(piece: &Piece) -> SectionChange {
    SectionChange {
        section: piece.section.clone(),
        change: "removed",
        before: vec![segment("del", &piece.text)],
        after: Vec::new(),
        redline: vec![segment("del", &piece.text)],
    }
}

/// Compare two texts of one section.
fn changed(section: &str, before: &str, after: &str) -> SectionChange {
    let redline = diff_text(before, after);
    SectionChange {
        section: section.to_owned(),
        change: "changed",
        before: redline
            .iter()
            .filter(|s| s.kind != "ins")
            .cloned()
            .collect(),
        after: redline
            .iter()
            .filter(|s| s.kind != "del")
            .cloned()
            .collect(),
        redline,
    }
}

/// Diff two texts: Chinese character by character, Latin words and numbers whole.
pub fn diff_text(before: &str, after: &str) -> Vec<Segment> {
    let old = tokens(before);
    let new = tokens(after);
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |kind: &'static str, parts: &[&str]| {
        let text: String = parts.concat();
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(&text),
            _ => out.push(Segment { kind, text }),
        }
    };
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push("eq", &old[old_range]),
            DiffTag::Delete => push("del", &old[old_range]),
            DiffTag::Insert => push("ins", &new[new_range]),
            DiffTag::Replace => {
                push("del", &old[old_range]);
                push("ins", &new[new_range]);
            }
        }
    }
    out
}

/// Split a text into diff tokens: runs of ASCII letters and digits, runs of spaces, and every
/// other character on its own (each Chinese character is a token).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_ascii_alphanumeric() {
                1
            } else if c == ' ' {
                2
            } else {
                0
            }
        };
        let kind = class(c);
        let mut end = i + c.len_utf8();
        if kind != 0 {
            while let Some(&(j, d)) = chars.peek() {
                if class(d) != kind {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        out.push(&text[i..end]);
    }
    out
}

/// Pair old and new pieces: the same key (section and title) first, then the same number.
fn match_pieces(old: &[Piece], new: &[Piece]) -> Vec<(usize, usize)> {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let taken_old = |pairs: &[(usize, usize)], o: usize| pairs.iter().any(|(p, _)| *p == o);
    for (j, piece) in new.iter().enumerate() {
        let candidates: Vec<usize> = (0..old.len())
            .filter(|&o| old[o].key == piece.key && !taken_old(&pairs, o))
            .collect();
        if let Some(&o) = candidates.first() {
            pairs.push((o, j));
        }
    }
    for (j, piece) in new.iter().enumerate() {
        if pairs.iter().any(|(_, n)| *n == j) || piece.number.is_empty() {
            continue;
        }
        if let Some(o) =
            (0..old.len()).find(|&o| old[o].number == piece.number && !taken_old(&pairs, o))
        {
            pairs.push((o, j));
        }
    }
    pairs
}

/// Cut a document into the pieces a reader compares.
fn pieces(doc: &Document, words: &Labels) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut add = |section: String, key: String, number: &str, text: String| {
        out.push(Piece {
            section,
            key,
            number: number.to_owned(),
            text,
        });
    };
    let header = doc.header();
    add(
        words["title"].into(),
        "title".into(),
        "",
        header.title.value.0.clone(),
    );
    add(
        words["owner"].into(),
        "owner".into(),
        "",
        header.owner.map(|o| o.value.0.clone()).unwrap_or_default(),
    );
    add(
        words["distribution"].into(),
        "distribution".into(),
        "",
        join(
            header.distribution.iter().map(|d| d.value.0.as_str()),
            words,
        ),
    );
    match doc {
        Document::Procedure(p) => procedure(p, words, &mut add),
        Document::Form(f) => form(f, words, &mut add),
        Document::Manual(_) | Document::Instruction(_) => by_section(doc, words, &mut add),
    }
    out.retain(|p| !p.text.is_empty() || p.number.starts_with('5'));
    out
}

type Add<'a> = dyn FnMut(String, String, &str, String) + 'a;

fn procedure(p: &Procedure, words: &Labels, add: &mut Add<'_>) {
    for entry in &outline::PROCEDURE {
        let section = entry.section;
        let (n, heading) = (section.number(), section.heading(words));
        let key = section.key();
        match section {
            Section::Purpose => add(heading, key.into(), "", p.purpose.value.0.clone()),
            Section::Scope => add(heading, key.into(), "", p.scope.value.0.clone()),
            Section::Responsibilities => {
                for (i, r) in p.responsibilities.iter().enumerate() {
                    add(
                        format!("{n}.{} {} — {}", i + 1, words[key], r.department.value),
                        format!("duty:{}", fold::key(&r.department.value.0)),
                        "",
                        r.duties.value.0.clone(),
                    );
                }
            }
            Section::Definitions => {
                for d in &p.definitions {
                    add(
                        format!("{heading} — {}", d.term.value),
                        format!("term:{}", fold::key(&d.term.value)),
                        "",
                        d.text.value.0.clone(),
                    );
                }
            }
            Section::Steps => steps(&p.steps, &n, words, add),
            Section::Related => add(
                heading,
                key.into(),
                "",
                join(p.related.iter().map(|r| r.value.0.as_str()), words),
            ),
            Section::Records => add(
                heading,
                key.into(),
                "",
                p.records
                    .iter()
                    .map(record_text)
                    .collect::<Vec<_>>()
                    .join(words["list_sep"]),
            ),
        }
    }
}

/// A record entry as the redline compares it: the form, its keeper and its retention.
fn record_text(r: &crate::model::RecordEntry) -> String {
    let mut text = r.form.value.0.clone();
    for extra in [
        r.keeper.as_ref().map(|k| k.value.0.as_str()),
        r.retention.as_ref().map(|k| k.value.0.as_str()),
    ]
    .into_iter()
    .flatten()
    {
        text.push(' ');
        text.push_str(extra);
    }
    text
}

/// Cut the manual or an instruction into its numbered sections (a chapter's clause, a step's
/// number), the texts of one section joined.
fn by_section(doc: &Document, words: &Labels, add: &mut Add<'_>) {
    let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
    for (section, text, _) in crate::graph::sections(doc) {
        match grouped.last_mut() {
            Some((last, texts)) if *last == section => texts.push(text.as_str()),
            _ => grouped.push((section, vec![text.as_str()])),
        }
    }
    for (section, texts) in grouped {
        let key = format!("section:{section}");
        add(
            section.clone(),
            key,
            &section,
            texts.join(words["list_sep"]),
        );
    }
}

fn steps(list: &[Step], prefix: &str, words: &Labels, add: &mut Add<'_>) {
    for (n, step) in list.iter().enumerate() {
        let number = format!("{prefix}.{}", n + 1);
        let title = step
            .title
            .as_ref()
            .map(|t| t.value.0.as_str())
            .unwrap_or("");
        let mut text = String::new();
        if !title.is_empty() {
            text.push_str(title);
            text.push_str(words["colon"]);
        }
        text.push_str(step.text.as_ref().map_or("", |t| t.value.0.as_str()));
        if step.by.is_some() {
            let space = if words["paren_open"] == "(" { " " } else { "" };
            text.push_str(&format!(
                "{space}{}{}{}{}{}",
                words["paren_open"],
                words["responsible"],
                words["colon"],
                step.by_text(words["list_sep"]),
                words["paren_close"]
            ));
        }
        let key = if title.is_empty() {
            String::new()
        } else {
            format!("step:{}", fold::key(title))
        };
        let section = if title.is_empty() {
            number.clone()
        } else {
            format!("{number} {title}")
        };
        add(section, key, &number, text);
        steps(&step.steps, &number, words, add);
    }
}

fn form(f: &Form, words: &Labels, add: &mut Add<'_>) {
    let text = |t: &Option<crate::model::Sp<crate::model::Text>>| {
        t.as_ref().map(|t| t.value.0.clone()).unwrap_or_default()
    };
    add(
        words["procedure_of_form"].into(),
        "procedure".into(),
        "",
        text(&f.procedure),
    );
    add(
        words["retention"].into(),
        "retention".into(),
        "",
        text(&f.retention),
    );
    add(
        words["instructions"].into(),
        "instructions".into(),
        "",
        text(&f.instructions),
    );
    for field in &f.fields {
        let kind = serde_json::to_value(field.kind.value)
            .ok()
            .and_then(|v| v.as_str().map(|k| format!("field_{k}")))
            .and_then(|k| words.get(k.as_str()).copied())
            .unwrap_or_default();
        let mut described = format!("{} ({kind}", field.label.value);
        if field.required {
            described.push_str(words["list_sep"]);
            described.push_str(words["required"]);
        }
        described.push(')');
        if let Some(options) = &field.options {
            described.push_str(words["colon"]);
            described.push_str(&join(options.iter().map(|o| o.value.0.as_str()), words));
        }
        add(
            format!("{} {}", words["field"], field.label.value),
            format!("field:{}", field.key.value),
            "",
            described,
        );
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>, words: &Labels) -> String {
    items.collect::<Vec<_>>().join(words["list_sep"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(segments: &[Segment]) -> Vec<(&str, &str)> {
        segments.iter().map(|s| (s.kind, s.text.as_str())).collect()
    }

    #[test]
    fn chinese_is_compared_character_by_character() {
        let got = diff_text(
            "文件更改须经原审批人批准。",
            "文件更改须经原审批人书面批准。",
        );
        assert_eq!(
            kinds(&got),
            [
                ("eq", "文件更改须经原审批人"),
                ("ins", "书面"),
                ("eq", "批准。")
            ]
        );
    }

    #[test]
    fn latin_words_are_compared_whole() {
        let got = diff_text("keep records for 3 years", "keep records for 10 years");
        assert_eq!(
            kinds(&got),
            [
                ("eq", "keep records for "),
                ("del", "3"),
                ("ins", "10"),
                ("eq", " years")
            ]
        );
    }

    fn procedure(steps: &str) -> Document {
        let text = format!(
            "id: QP-1\ntitle: 文件控制程序\nversion: A/0\nstatus: draft\npurpose: 目的。\nscope: 范围。\nresponsibilities: []\nsteps:\n{steps}"
        );
        Document::Procedure(crate::load::parse::<Procedure>("x", &text).unwrap())
    }

    #[test]
    fn steps_are_matched_by_title_even_when_renumbered() {
        let before = procedure(
            "  - {title: 发放, text: 行政部发放。}\n  - {title: 回收, text: 作废后回收。}\n",
        );
        let after = procedure(
            "  - {title: 编制, text: 归口部门编制。}\n  - {title: 发放, text: 行政部发放。}\n  - {title: 回收, text: 作废后回收并销毁。}\n",
        );
        let changes = compare(&before, &after, Lang::ZhHans);
        let summary: Vec<(&str, &str)> = changes
            .iter()
            .map(|c| (c.section.as_str(), c.change))
            .collect();
        assert_eq!(summary, [("5.1 编制", "added"), ("5.3 回收", "changed")]);
        assert_eq!(
            kinds(&changes[1].after),
            [
                ("eq", "回收\u{ff1a}作废后回收"),
                ("ins", "并销毁"),
                ("eq", "。")
            ]
        );
    }

    #[test]
    fn untitled_steps_are_matched_by_number() {
        let before = procedure("  - text: 甲。\n  - text: 乙。\n");
        let after = procedure("  - text: 甲。\n");
        let changes = compare(&before, &after, Lang::ZhHans);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].section.as_str(), changes[0].change),
            ("5.2", "removed")
        );
    }
}
