//! Bad input never panics, found by mutation: the shipped set's files, edited the way hurried
//! hands and broken tools edit them (a line deleted, doubled, moved or re-indented, a value
//! replaced by a hostile one, a file cut short), are checked and built to HTML and Markdown
//! through the library, round after round. A round may report errors or fail to run (exit 1 or
//! 2); it may not panic. The rounds are fixed by their seed, so a failure is replayed exactly.
//! The importer gets the same treatment on the corpus sources, Markdown, text and Word (its
//! document.xml edited), and must draft YAML that loads.
//! `DOCCTL_MUTATION_ROUNDS=5000` (and `DOCCTL_MUTATION_SEED=n` for other rounds) hunts longer.

mod common;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use clap::Parser;
use common::{copy_dir, repo};

/// Values that break types, references, paths, templates and YAML itself.
const HOSTILE: &[&str] = &[
    "",
    "~",
    "null",
    "[]",
    "{}",
    "[",
    "{",
    "\"",
    "'",
    "《",
    "《》",
    "《《文件控制程序》》",
    "《文件及记录控制程序》",
    "5.99",
    "end",
    "-1",
    "0",
    "99999999999999999999",
    "2026-02-30",
    "2026-13-01",
    "1e309",
    ".nan",
    "A/",
    "/",
    "../../../etc/passwd",
    "CON",
    "&a x",
    "*a",
    "!!binary aGk=",
    "|",
    ">-",
    "- x",
    "? x",
    "\t",
    "#panic(\"x\")",
    "<script>alert(1)</script>",
    "{{ x }}",
    "{% raw %}",
    "QP-7.5-01",
    "是",
    "\u{202e}QP",
    "[品质部, 品质部]",
    "{name: 张三}",
    "{name: 张三, date: 2026-01-01, version: Z/9}",
    "[\"5.1\", \"5.1\", \"5.1\", \"5.1\"]",
];

/// A small deterministic generator (xorshift), so that a seed replays a round.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Apply one mutation to a YAML text.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return HOSTILE[rng.below(HOSTILE.len())].to_owned();
    }
    let i = rng.below(lines.len());
    match rng.below(8) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let line = lines[i].clone();
            lines.insert(i, line);
        }
        2 if i + 1 < lines.len() => lines.swap(i, i + 1),
        3 => {
            // Replace the value after the first `: ` (or the item after `- `).
            let value = HOSTILE[rng.below(HOSTILE.len())];
            let line = &lines[i];
            if let Some(at) = line.find(": ") {
                lines[i] = format!("{}: {value}", &line[..at]);
            } else if let Some(at) = line.find("- ") {
                lines[i] = format!("{}- {value}", &line[..at]);
            } else {
                lines[i] = value.to_owned();
            }
        }
        4 => lines[i] = format!("  {}", lines[i]),
        5 => lines[i] = lines[i].trim_start().to_owned(),
        6 => {
            // Cut the file short at a character boundary.
            let joined = lines.join("\n");
            let chars: Vec<char> = joined.chars().collect();
            let keep = rng.below(chars.len());
            return chars[..keep].iter().collect();
        }
        _ => {
            let value = HOSTILE[rng.below(HOSTILE.len())];
            let indent = lines[i].len() - lines[i].trim_start().len();
            lines.insert(i, format!("{}{value}", " ".repeat(indent)));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The YAML files of a set, sorted.
fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("docctl.yaml")];
    for folder in ["procedures", "forms", "manual", "instructions"] {
        let Ok(entries) = fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// Run a docctl command line through the library; return its outcome, or the panic message.
fn run(args: &[&str]) -> Result<String, String> {
    let cli = docctl::cli::Cli::try_parse_from(args).map_err(|e| format!("usage: {e}"))?;
    match catch_unwind(AssertUnwindSafe(|| docctl::run(cli))) {
        Ok(Ok(true)) => Ok("passed".to_owned()),
        Ok(Ok(false)) => Ok("errors".to_owned()),
        Ok(Err(e)) => Ok(format!("failed: {e}")),
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned())),
    }
}

/// How many rounds a test runs: its default, or `DOCCTL_MUTATION_ROUNDS`.
fn rounds(default: usize) -> usize {
    std::env::var("DOCCTL_MUTATION_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A character boundary at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The outcomes of a test's rounds by kind ("check errors", "passed" …), and the defects found.
#[derive(Default)]
struct Tally {
    outcomes: std::collections::BTreeMap<String, usize>,
    defects: Vec<String>,
}

impl Tally {
    /// Count a round's outcome under `label`; a panic, or an outcome `defect` accepts, is a
    /// defect, reported with `context` (the round, its seed, the file).
    fn count(
        &mut self,
        label: &str,
        result: Result<String, String>,
        context: impl Fn() -> String,
        defect: fn(&str) -> bool,
    ) {
        match result {
            Ok(outcome) => {
                if std::env::var_os("DOCCTL_MUTATION_SHOW").is_some() {
                    eprintln!("{}: {outcome}", context());
                }
                if defect(&outcome) {
                    self.defects.push(format!("{}: {outcome}", context()));
                }
                let kind = outcome.split(':').next().unwrap_or_default();
                *self.outcomes.entry(format!("{label}{kind}")).or_default() += 1;
            }
            Err(message) => self.defects.push(format!("{}: {message}", context())),
        }
    }

    /// Import `file` without writing, and count the outcome.
    fn import(&mut self, file: &Path, context: impl Fn() -> String, defect: fn(&str) -> bool) {
        let out = file.with_extension("out");
        let args = [
            "docctl",
            "import",
            file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--dry-run",
        ];
        self.count("", run(&args), context, defect);
    }

    /// Fail on any defect, or when fewer than `least` rounds passed.
    fn assert_sound(&self, least: usize, what: &str) {
        assert!(self.defects.is_empty(), "{}", self.defects.join("\n\n"));
        let passed = self.outcomes.get("passed").copied().unwrap_or(0);
        assert!(passed >= least, "{what}: {:?}", self.outcomes);
        eprintln!("{what}: {:?}", self.outcomes);
    }
}

#[test]
fn mutated_files_of_the_shipped_set_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    for part in [
        "docctl.yaml",
        "procedures",
        "forms",
        "manual",
        "instructions",
    ] {
        let from = repo().join(part);
        if from.is_dir() {
            copy_dir(&from, &set.join(part));
        } else {
            fs::create_dir_all(&set).unwrap();
            fs::copy(&from, set.join(part)).unwrap();
        }
    }
    let files = yaml_files(&set);
    assert!(files.len() >= 20, "the shipped set: {files:?}");
    let dir = set.to_str().unwrap().to_owned();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap().to_owned();

    let mut tally = Tally::default();
    let rounds = rounds(240);
    let base: u64 = std::env::var("DOCCTL_MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for round in 0..rounds {
        let seed = 0x9E37_79B9_7F4A_7C15_u64
            ^ (base * 1_000_003 + round as u64 + 1).wrapping_mul(0x2545_F491);
        let mut rng = Rng(seed);
        let file = &files[rng.below(files.len())];
        let original = fs::read_to_string(file).unwrap();
        let mut text = original.clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&text, &mut rng);
        }
        fs::write(file, &text).unwrap();
        let mut commands = vec![vec![
            "docctl",
            "check",
            dir.as_str(),
            "--format",
            "json",
            "--today",
            "2026-11-27",
        ]];
        if round % 8 == 0 {
            commands.push(vec![
                "docctl",
                "build",
                dir.as_str(),
                "--to",
                "html,md",
                "--out",
                out.as_str(),
                "--today",
                "2026-11-27",
            ]);
        }
        for args in commands {
            let context = || {
                format!(
                    "round {round} (seed {seed:#x}), `{}` on {}\n--- the file ---\n{text}",
                    args[1],
                    file.strip_prefix(&set).unwrap().display()
                )
            };
            tally.count(&format!("{} ", args[1]), run(&args), context, |_| false);
        }
        fs::write(file, &original).unwrap();
    }
    // The mutations bite: many rounds find errors, and some still pass.
    let outcomes = &tally.outcomes;
    let errors = outcomes.get("check errors").copied().unwrap_or(0)
        + outcomes.get("check failed").copied().unwrap_or(0);
    assert!(errors >= rounds / 3, "{outcomes:?}");
    assert!(
        outcomes.get("check passed").copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get("build errors").copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
    tally.assert_sound(0, "mutation rounds of the set");
}

/// Lines that open sections, steps, tables and signatures in the sources `import` reads.
const SOURCE_LINES: &[&str] = &[
    "",
    "#",
    "# ",
    "## 4 工作程序",
    "一、目的",
    "4.1",
    "4.1 ",
    "4.1.1.1.1.1.1.1 深",
    "（1）",
    "1、品质部：",
    "1.",
    "- ",
    "| 编制 | 审核 | 批准 |",
    "|---|---|---|",
    "| 张三 | | 2024-02-30 |",
    "| a |",
    "|",
    "```",
    "---",
    "编制：",
    "文件编号：",
    "Prepared by:",
    "《",
    "》《",
    "第 1 页 共 0 页",
    "注：",
    "Note:",
    "5 记录",
    "**",
    "\t4.2\t",
    "\u{feff}",
];

#[test]
fn mutated_sources_never_panic_the_importer() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sources: Vec<PathBuf> = fs::read_dir(repo().join("tests/fixtures/import/md"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    sources.push(repo().join("tests/fixtures/import/000_6c6fca84e08ef85a.txt"));
    sources.sort();
    let mut tally = Tally::default();
    let rounds = rounds(200);
    for round in 0..rounds {
        let seed = 0x2545_F491_4F6C_DD1D_u64 ^ (round as u64 + 1).wrapping_mul(0x9E37_79B9);
        let mut rng = Rng(seed);
        let source = &sources[rng.below(sources.len())];
        let mut text = fs::read_to_string(source).unwrap();
        for _ in 0..1 + rng.below(4) {
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            let i = rng.below(lines.len() + 1);
            match rng.below(3) {
                0 => {
                    lines.insert(i, SOURCE_LINES[rng.below(SOURCE_LINES.len())].to_owned());
                    text = lines.join("\n");
                }
                1 if i < lines.len() => {
                    // A source line with a hostile value in the middle of it.
                    let chars: Vec<char> = lines[i].chars().collect();
                    let at = rng.below(chars.len() + 1);
                    let head: String = chars[..at].iter().collect();
                    let tail: String = chars[at..].iter().collect();
                    let value = HOSTILE[rng.below(HOSTILE.len())];
                    lines[i] = format!("{head}{value}{tail}");
                    text = lines.join("\n");
                }
                _ => text = mutate(&text, &mut rng),
            }
        }
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let file = tmp.path().join(&name);
        fs::write(&file, &text).unwrap();
        let context =
            || format!("round {round} (seed {seed:#x}), {name}\n--- the file ---\n{text}");
        // A text file is always readable, so exit 2 here is docctl's own failure (a draft that
        // would not load: two `prepared:` once, found by these rounds).
        tally.import(&file, context, |outcome| outcome.starts_with("failed"));
        fs::remove_file(&file).unwrap();
    }
    tally.assert_sound(rounds / 2, "mutation rounds of Markdown and text sources");
}

/// Edits a Word file's XML the way other tools leave it: a paragraph deleted, doubled or moved,
/// a run's text replaced by a hostile value, a list level or style changed, the XML cut short.
fn mutate_docx_xml(xml: &str, rng: &mut Rng) -> String {
    let paragraphs: Vec<(usize, usize)> = xml
        .match_indices("<w:p>")
        .chain(xml.match_indices("<w:p "))
        .filter_map(|(start, _)| {
            xml[start..]
                .find("</w:p>")
                .map(|end| (start, start + end + "</w:p>".len()))
        })
        .collect();
    let texts: Vec<usize> = xml
        .match_indices("<w:t>")
        .chain(xml.match_indices("<w:t "))
        .map(|(i, _)| i)
        .collect();
    match rng.below(6) {
        0 | 1 if !paragraphs.is_empty() => {
            let (a, b) = paragraphs[rng.below(paragraphs.len())];
            if rng.below(2) == 0 {
                format!("{}{}", &xml[..a], &xml[b..])
            } else {
                format!("{}{}{}", &xml[..b], &xml[a..b], &xml[b..])
            }
        }
        2 if paragraphs.len() >= 2 => {
            let (a, b) = paragraphs[rng.below(paragraphs.len())];
            let (c, _) = paragraphs[rng.below(paragraphs.len())];
            let moved = &xml[a..b];
            let rest = format!("{}{}", &xml[..a], &xml[b..]);
            let at = if c > a { c - (b - a) } else { c };
            let at = boundary(&rest, at);
            format!("{}{moved}{}", &rest[..at], &rest[at..])
        }
        3 if !texts.is_empty() => {
            // The text of one run, as an XML-escaped hostile value.
            let start = texts[rng.below(texts.len())];
            let Some(open_end) = xml[start..].find('>').map(|i| start + i + 1) else {
                return xml.to_owned();
            };
            let Some(close) = xml[open_end..].find("</w:t>").map(|i| open_end + i) else {
                return xml.to_owned();
            };
            let value = HOSTILE[rng.below(HOSTILE.len())]
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!("{}{value}{}", &xml[..open_end], &xml[close..])
        }
        4 => {
            // A list level or a style that does not exist.
            let (from, to) = [
                ("w:ilvl w:val=\"0\"", "w:ilvl w:val=\"9\""),
                ("w:ilvl w:val=\"1\"", "w:ilvl w:val=\"-1\""),
                ("w:numId w:val=\"1\"", "w:numId w:val=\"999\""),
                ("w:pStyle w:val=\"Heading1\"", "w:pStyle w:val=\"\""),
                ("w:pStyle w:val=\"Heading2\"", "w:pStyle w:val=\"Heading9\""),
                ("<w:tc>", "<w:tc><w:tc>"),
                ("</w:tr>", ""),
            ][rng.below(7)];
            xml.replacen(from, to, 1 + rng.below(3))
        }
        _ => {
            let at = boundary(xml, rng.below(xml.len()));
            xml[..at].to_owned()
        }
    }
}

#[test]
fn mutated_word_files_never_panic_the_importer() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let mut sources: Vec<PathBuf> = fs::read_dir(repo().join("tests/fixtures/import/docx"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    sources.sort();
    assert!(sources.len() >= 10, "{sources:?}");
    let mut tally = Tally::default();
    let rounds = rounds(150);
    for round in 0..rounds {
        let seed = 0x6A09_E667_F3BC_C908_u64 ^ (round as u64 + 1).wrapping_mul(0xBB67_AE85);
        let mut rng = Rng(seed);
        let source = &sources[rng.below(sources.len())];
        let mut archive = zip::ZipArchive::new(fs::File::open(source).unwrap()).unwrap();
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let file = tmp.path().join(&name);
        let mut writer = zip::ZipWriter::new(fs::File::create(&file).unwrap());
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let entry_name = entry.name().to_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if entry_name == "word/document.xml" {
                let mut xml = String::from_utf8(bytes).unwrap();
                for _ in 0..1 + rng.below(3) {
                    xml = mutate_docx_xml(&xml, &mut rng);
                }
                bytes = xml.into_bytes();
            }
            writer
                .start_file(entry_name, zip::write::SimpleFileOptions::default())
                .unwrap();
            writer.write_all(&bytes).unwrap();
        }
        writer.finish().unwrap();
        let context = || format!("round {round} (seed {seed:#x}), {name}");
        // Exit 2 is right for XML cut short; a draft that does not load is a bug.
        tally.import(&file, context, |outcome| outcome.contains("does not load"));
        fs::remove_file(&file).unwrap();
    }
    tally.assert_sound(rounds / 3, "mutation rounds of Word files");
}

/// JSON values and keys a record saved by hand, by an old form or by another tool may hold.
const RECORD_VALUES: &[&str] = &[
    "null",
    "[]",
    "{}",
    "\"\"",
    "0",
    "-0",
    "1e999",
    "-1e-999",
    "123456789012345678901234567890",
    "true",
    "\"2026-02-30\"",
    "\"2026-13-45\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "[null]",
    "[\"纠正措施\", \"纠正措施\"]",
    "{\"a\": {\"b\": []}}",
    "\"#panic(\\\"x\\\")\"",
];

const RECORD_KEYS: &[&str] = &[
    "",
    ".",
    "actions",
    "actions.",
    "actions.0.action",
    "actions.1",
    "actions.1.",
    "actions..action",
    "actions.99999999999999999999.action",
    "actions.-1.due",
    "actions.1.action.x",
    "number.1",
    "Number",
    "问题",
];

#[test]
fn mutated_records_never_panic_record_check() {
    let tmp = tempfile::tempdir().unwrap();
    let set = common::fixture("forms");
    let set = set.to_str().unwrap().to_owned();
    let good = r#"{"form": "QR-8.2-01-01", "version": "A/0", "values": {"number": "CA-001", "issued": "2026-11-27", "kind": "纠正措施", "sources": ["顾客投诉"], "quantity": 3, "repeat": false, "problem": "外观不良", "actions.1.action": "返工", "actions.1.due": "2026-12-01"}}"#;
    let mut tally = Tally::default();
    let rounds = rounds(200);
    for round in 0..rounds {
        let seed = 0x3C6E_F372_FE94_F82B_u64 ^ (round as u64 + 1).wrapping_mul(0xA54F_F53A);
        let mut rng = Rng(seed);
        let mut record: serde_json::Value = serde_json::from_str(good).unwrap();
        for _ in 0..1 + rng.below(3) {
            let value: serde_json::Value =
                serde_json::from_str(RECORD_VALUES[rng.below(RECORD_VALUES.len())])
                    .unwrap_or(serde_json::Value::Null);
            let choice = rng.below(5);
            let pick = rng.below(64);
            if let Some(values) = record
                .get_mut("values")
                .and_then(|v| v.as_object_mut())
                .filter(|v| !v.is_empty() && choice < 3)
            {
                let keys: Vec<String> = values.keys().cloned().collect();
                let key = keys[pick % keys.len()].clone();
                match choice {
                    0 => {
                        values.insert(key, value);
                    }
                    1 => {
                        let key = RECORD_KEYS[pick % RECORD_KEYS.len()];
                        values.insert(key.to_owned(), value);
                    }
                    _ => {
                        values.remove(&key);
                    }
                }
            } else if let Some(top) = record.as_object_mut().filter(|_| choice == 3) {
                top.insert(["form", "version", "values"][pick % 3].to_owned(), value);
            } else {
                record = value;
            }
        }
        let mut text = serde_json::to_string_pretty(&record).unwrap();
        if rng.below(6) == 0 {
            let at = boundary(&text, rng.below(text.len()));
            text.truncate(at);
        }
        let file = tmp.path().join(format!("record-{round}.json"));
        fs::write(&file, &text).unwrap();
        let args = [
            "docctl",
            "record",
            "check",
            "QR-8.2-01-01",
            file.to_str().unwrap(),
            "--dir",
            set.as_str(),
        ];
        let context = || format!("round {round} (seed {seed:#x})\n--- the record ---\n{text}");
        tally.count("", run(&args), context, |_| false);
    }
    // Most mutations break the record; the untouched shape still passes now and then.
    let errors = tally.outcomes.get("errors").copied().unwrap_or(0)
        + tally.outcomes.get("failed").copied().unwrap_or(0);
    assert!(errors >= rounds / 2, "{:?}", tally.outcomes);
    tally.assert_sound(1, "mutation rounds of records");
}
