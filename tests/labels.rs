//! Every word docctl puts on a page comes from the label tables (src/render/labels/<lang>.yaml), in the
//! document's language: no built-in template holds a CJK or English prose literal, every label
//! a template names exists in all three languages, and rendered pages of an English and a
//! traditional-Chinese document carry no word of another language beyond their own text.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use docctl::render::labels;
use docctl::render::templates::BUILTIN;

/// Words that are the same in every language: formats, products and the program's name.
const NAMES: &[&str] = &[
    "PDF", "HTML", "JSON", "SVG", "CSV", "XLSX", "MD", "Excel", "ISO", "docctl",
];
/// Phrases kept as written: a command, a file format's long name and the opening of a Markdown
/// code fence whose language (`mermaid`) is syntax that a reader never sees.
const PHRASES: &[&str] = &["docctl check", "DOT (Graphviz)", "```mermaid"];

fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Replace Tera tags, expressions and comments by a space.
fn strip_tera(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = ["{{", "{%", "{#"].iter().filter_map(|o| rest.find(o)).min() {
        out.push_str(&rest[..start]);
        let close = match &rest[start..start + 2] {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let end = rest[start..]
            .find(close)
            .map_or(rest.len(), |e| start + e + 2);
        out.push(' ');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The human-visible text of an HTML template: text between tags and the values of
/// placeholder, aria-label, title and alt attributes (scripts, styles and comments left out).
fn html_text(text: &str) -> String {
    let mut text = text.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
    ] {
        while let Some(start) = text.find(open) {
            let end = text[start..]
                .find(close)
                .map_or(text.len(), |e| start + e + close.len());
            text.replace_range(start..end, " ");
        }
    }
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let gt = rest[lt..].find('>').map_or(rest.len(), |g| lt + g + 1);
        let tag = &rest[lt..gt];
        for attr in ["placeholder=\"", "aria-label=\"", "title=\"", "alt=\""] {
            let mut at = tag;
            while let Some(i) = at.find(attr) {
                let value = &at[i + attr.len()..];
                let end = value.find('"').unwrap_or(value.len());
                out.push_str(&value[..end]);
                out.push(' ');
                at = &value[end..];
            }
        }
        rest = &rest[gt..];
    }
    out.push_str(rest);
    out
}

/// The markup (content) text of a Typst template: code — `#let`/`#set`/`#show` lines,
/// function calls and their arguments, strings — is left out, content blocks inside code are
/// kept.
fn typst_text(text: &str) -> String {
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    content(&chars, &mut 0, &mut out, false);
    out
}

fn content(c: &[char], i: &mut usize, out: &mut String, nested: bool) {
    while *i < c.len() {
        match c[*i] {
            '\\' => *i += 2,
            // A label such as `<form-field>` names an element: code.
            '<' if c[*i + 1..]
                .iter()
                .take_while(|ch| **ch != '>')
                .all(|ch| ch.is_ascii_lowercase() || *ch == '-')
                && c[*i + 1..].contains(&'>') =>
            {
                while c[*i] != '>' {
                    *i += 1;
                }
                *i += 1;
            }
            ']' if nested => {
                *i += 1;
                return;
            }
            '[' => {
                *i += 1;
                content(c, i, out, true);
            }
            '#' => {
                *i += 1;
                let start = *i;
                while *i < c.len()
                    && (c[*i].is_ascii_alphanumeric() || c[*i] == '-' || c[*i] == '_')
                {
                    *i += 1;
                }
                let ident: String = c[start..*i].iter().collect();
                if matches!(
                    ident.as_str(),
                    "let" | "set" | "show" | "import" | "include"
                ) {
                    code(c, i, out, Some('\n'));
                    continue;
                }
                loop {
                    match c.get(*i) {
                        Some('(') | Some('{') => {
                            *i += 1;
                            code(c, i, out, None);
                        }
                        Some('[') => {
                            *i += 1;
                            content(c, i, out, true);
                        }
                        Some('.') if c.get(*i + 1).is_some_and(|n| n.is_ascii_alphabetic()) => {
                            *i += 1;
                            while *i < c.len() && (c[*i].is_ascii_alphanumeric() || c[*i] == '-') {
                                *i += 1;
                            }
                        }
                        _ => break,
                    }
                }
            }
            ch => {
                out.push(ch);
                *i += 1;
            }
        }
    }
}

/// Skip code up to the closing bracket (or `until` at depth 0), keeping the text of content
/// blocks met on the way.
fn code(c: &[char], i: &mut usize, out: &mut String, until: Option<char>) {
    let mut depth = 0usize;
    while *i < c.len() {
        let ch = c[*i];
        *i += 1;
        match ch {
            '"' => {
                while *i < c.len() && c[*i] != '"' {
                    *i += if c[*i] == '\\' { 2 } else { 1 };
                }
                *i += 1;
            }
            '[' => content(c, i, out, true),
            '(' | '{' => depth += 1,
            ')' | '}' if depth == 0 && until.is_none() => return,
            ')' | '}' => depth = depth.saturating_sub(1),
            ch if Some(ch) == until && depth == 0 => return,
            _ => {}
        }
    }
}

/// The prose words written into a template: CJK characters and English words.
fn literals(name: &str, text: &str) -> Vec<String> {
    let text = strip_tera(text);
    let mut visible = if name.ends_with(".html.tera") {
        html_text(&text)
    } else if name.ends_with(".typ.tera") {
        typst_text(&text)
    } else if name.ends_with(".md.tera") {
        text
    } else {
        String::new() // the stylesheet: no words
    };
    for phrase in PHRASES {
        visible = visible.replace(phrase, " ");
    }
    let mut found = Vec::new();
    let mut word = String::new();
    for ch in visible.chars().chain([' ']) {
        if is_cjk(ch) && !"·".contains(ch) {
            found.push(ch.to_string());
        }
        if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else {
            if word.len() >= 2 && !NAMES.contains(&word.as_str()) {
                found.push(word.clone());
            }
            word.clear();
        }
    }
    found
}

#[test]
fn no_template_holds_a_word_outside_the_label_table() {
    let mut bad = Vec::new();
    for (name, text) in BUILTIN {
        let found = literals(name, text);
        if !found.is_empty() {
            bad.push(format!("{name}: {}", found.join(" ")));
        }
    }
    assert!(
        bad.is_empty(),
        "words written into templates instead of the label tables in src/render/labels/:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_literal_scanner_finds_what_it_looks_for() {
    // The test above is only as good as its scanner: each kind of literal is caught.
    assert_eq!(
        literals("a.html.tera", "<p>被引用 {{ x }}</p>"),
        ["被", "引", "用"]
    );
    assert_eq!(
        literals("a.html.tera", "<li>{{ c.kind }} procedure</li>"),
        ["procedure"]
    );
    assert_eq!(
        literals("a.html.tera", r#"<input placeholder="Search">"#),
        ["Search"]
    );
    assert_eq!(
        literals("a.html.tera", "<script>var draft = 1;</script>"),
        Vec::<String>::new()
    );
    assert_eq!(
        literals("a.typ.tera", "#text(size: 8pt)[Page {{ n }}]"),
        ["Page"]
    );
    assert_eq!(
        literals("a.typ.tera", r#"#set text(font: "Noto Serif", lang: "en")"#),
        Vec::<String>::new()
    );
    assert_eq!(
        literals("a.typ.tera", "#table.header([#strong[修订前]])"),
        ["修", "订", "前"]
    );
    assert_eq!(literals("a.md.tera", "| {{ a }} | Owner |"), ["Owner"]);
    assert_eq!(
        literals("a.html.tera", "<a>PDF</a> · <a>Excel</a>"),
        Vec::<String>::new()
    );
}

#[test]
fn every_label_exists_in_every_language_and_every_named_label_exists() {
    let table = labels::table();
    for written in labels::written_keys() {
        let keys: BTreeSet<&str> = written.iter().copied().collect();
        assert_eq!(keys.len(), written.len(), "a key is listed twice");
        assert_eq!(keys.len(), table.len(), "a language's file misses a key");
    }
    let keys: BTreeSet<&str> = table.iter().map(|r| r.0).collect();
    for (key, hans, hant, en) in &table {
        assert!(
            !hans.is_empty() && !hant.is_empty() && (!en.is_empty() || *key == "page_after"),
            "label `{key}` is missing a language"
        );
        assert!(
            !en.chars().any(is_cjk) || ["title_open", "title_close"].contains(key),
            "English label `{key}` holds CJK: {en}"
        );
        assert!(
            !hans.chars().any(|c| c.is_ascii_alphabetic())
                || hans.contains("clauses")
                || hans.contains("YYYY"),
            "Chinese label `{key}` holds Latin letters: {hans}"
        );
    }
    let named = regex::Regex::new(r"\bl\.([a-z_]+)").unwrap();
    for (name, text) in BUILTIN {
        for cap in named.captures_iter(text) {
            assert!(
                keys.contains(&cap[1]),
                "{name} names label `{}`, which the table lacks",
                &cap[1]
            );
        }
    }
}

/// The text of every string in a YAML file.
fn yaml_strings(path: &Path) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
                out.push(k.clone());
                walk(v, out);
            }),
            _ => {}
        }
    }
    let value: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    walk(&value, &mut out);
    out
}

/// The visible text of a built page with the set's and the document's own text taken out.
fn docctl_words(page: &Path, own: &[&Path]) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let mut text = html_text(&html);
    for phrase in PHRASES {
        text = text.replace(phrase, " ");
    }
    for entity in ["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;"] {
        text = text.replace(entity, " ");
    }
    let mut strings: Vec<String> = own.iter().flat_map(|p| yaml_strings(p)).collect();
    // Longest first, so that a phrase goes before the words inside it.
    strings.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    let citation = regex::Regex::new("《[^》]*》").unwrap();
    for s in strings {
        for cited in citation.find_iter(&s) {
            text = text.replace(cited.as_str(), " ");
        }
        for piece in s.split(['\n', '《', '》', '「', '」']) {
            let piece = piece.trim();
            if piece.chars().count() >= 2 {
                text = text.replace(piece, " ");
            }
        }
    }
    text
}

#[test]
fn an_english_page_carries_no_chinese_word_of_docctl() {
    let set = common::fixture("english");
    let out = tempfile::tempdir().unwrap();
    let built = common::build(&set, out.path(), &["--to", "html,md"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let doc = set.join("procedures/QP-7.5.yaml");
    let other = set.join("procedures/QP-10.2.yaml");
    let config = set.join("docctl.yaml");
    for page in [
        "procedures/QP-7.5.html",
        "index.html",
        "graph.html",
        "coverage.html",
        "problems.html",
    ] {
        let text = docctl_words(&out.path().join(page), &[&doc, &other, &config]);
        let cjk: String = text.chars().filter(|c| is_cjk(*c)).collect();
        assert!(
            cjk.is_empty(),
            "{page}: docctl wrote Chinese into an English page: {cjk}"
        );
    }
    let page = std::fs::read_to_string(out.path().join("procedures/QP-7.5.html")).unwrap();
    assert!(
        page.contains("Revision history") && page.contains("Cited by"),
        "{page}"
    );
}

#[test]
fn a_traditional_chinese_page_carries_no_simplified_or_english_word_of_docctl() {
    let set = common::repo().join("examples/hong-kong-factory");
    let out = tempfile::tempdir().unwrap();
    let built = common::build(&set, out.path(), &["--to", "html,md"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let doc = set.join("procedures/QP-8.2-02.yaml");
    assert!(
        std::fs::read_to_string(&doc)
            .unwrap()
            .contains("lang: zh-Hant")
    );
    let mut own: Vec<std::path::PathBuf> = vec![set.join("docctl.yaml")];
    // The titles of the documents it cites and of those citing it are their own text.
    for dir in ["procedures", "forms"] {
        for entry in std::fs::read_dir(set.join(dir)).unwrap() {
            own.push(entry.unwrap().path());
        }
    }
    let own: Vec<&Path> = own.iter().map(|p| p.as_path()).collect();
    let pages = [
        "procedures/QP-8.2-02.html",
        "forms/QR-8.2-02-01.html",
        "forms/QR-8.2-02-02.html",
        "index.html",
        "graph.html",
        "coverage.html",
        "problems.html",
    ];
    let latin_word = regex::Regex::new("[A-Za-z]{3,}").unwrap();
    for page in pages {
        let text = docctl_words(&out.path().join(page), &own);
        let simplified: Vec<&str> = labels::table()
            .into_iter()
            .filter(|(_, hans, hant, _)| hans != hant)
            .map(|(_, hans, _, _)| hans.trim())
            // One character can be part of a traditional word (列 of 列印).
            .filter(|w| w.chars().count() >= 2 && text.contains(w))
            .collect();
        assert!(
            simplified.is_empty(),
            "{page}: simplified labels on a traditional page: {simplified:?}"
        );
        let english: Vec<&str> = latin_word
            .find_iter(&text)
            .map(|m| m.as_str())
            .filter(|w| !NAMES.contains(w))
            .collect();
        assert!(
            english.is_empty(),
            "{page}: English words on a traditional page: {english:?}"
        );
    }
    let page = std::fs::read_to_string(out.path().join("procedures/QP-8.2-02.html")).unwrap();
    for word in ["修訂記錄", "被引用", "作業內容", "權責"] {
        assert!(page.contains(word), "{word} missing: {page}");
    }
}
