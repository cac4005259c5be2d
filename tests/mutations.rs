//! Bad input never panics, found by mutation: the shipped set's files, edited the way hurried
//! hands and broken tools edit them (a line deleted, doubled, moved or re-indented, a value
//! replaced by a hostile one, a file cut short), are checked and built to HTML and Markdown
//! through the library, round after round. A round may report errors or fail to run (exit 1 or
//! 2); it may not panic. The rounds are fixed by their seed, so a failure is replayed exactly.
//! The importer gets the same treatment on the corpus sources, and must draft YAML that loads.
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

    let mut panics = Vec::new();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let setting = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rounds = setting("DOCCTL_MUTATION_ROUNDS", 240);
    let base = setting("DOCCTL_MUTATION_SEED", 0) as u64;
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
            match run(&args) {
                Ok(outcome) => {
                    let kind = outcome.split(':').next().unwrap_or_default();
                    *outcomes.entry(format!("{} {kind}", args[1])).or_default() += 1;
                }
                Err(message) => panics.push(format!(
                    "round {round} (seed {seed:#x}), `{}` on {}: {message}\n--- the file ---\n{text}",
                    args[1],
                    file.strip_prefix(&set).unwrap().display()
                )),
            }
        }
        fs::write(file, &original).unwrap();
    }
    assert!(panics.is_empty(), "{}", panics.join("\n\n"));
    // The mutations bite: most rounds find errors, and some still pass.
    let errors = outcomes.get("check errors").copied().unwrap_or(0)
        + outcomes.get("check failed").copied().unwrap_or(0);
    assert!(errors >= rounds / 3, "{outcomes:?}");
    assert!(
        outcomes.get("build errors").copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
    eprintln!("mutation rounds: {outcomes:?}");
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
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap().to_owned();
    let mut panics = Vec::new();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let rounds = std::env::var("DOCCTL_MUTATION_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200usize);
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
        let path = file.to_str().unwrap().to_owned();
        let args = [
            "docctl",
            "import",
            path.as_str(),
            "-o",
            out.as_str(),
            "--dry-run",
        ];
        match run(&args) {
            Ok(outcome) => {
                // A text file is always readable, so exit 2 here is docctl's own failure (a
                // draft that would not load: two `prepared:` once, found by these rounds).
                if outcome.starts_with("failed") {
                    panics.push(format!(
                        "round {round} (seed {seed:#x}), import of mutated {name}: {outcome}\n--- the file ---\n{text}"
                    ));
                }
                *outcomes
                    .entry(outcome.split(':').next().unwrap_or_default().to_owned())
                    .or_default() += 1;
            }
            Err(message) => panics.push(format!(
                "round {round} (seed {seed:#x}), import of mutated {name}: {message}\n--- the file ---\n{text}"
            )),
        }
        fs::remove_file(&file).unwrap();
    }
    assert!(panics.is_empty(), "{}", panics.join("\n\n"));
    assert!(
        outcomes.get("passed").copied().unwrap_or(0) > rounds / 2,
        "{outcomes:?}"
    );
    eprintln!("import mutation rounds: {outcomes:?}");
}
