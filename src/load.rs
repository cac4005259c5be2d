//! Stage 1: read `docctl.yaml` and the documents' folders into a [`Library`]. Every file is
//! parsed even when others fail; every value keeps its source position.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Sources};
use crate::error::Error;
use crate::model::{Config, Document, Form, Instruction, Kind, Manual, Pos, Procedure};
use crate::recover::{self, Repairs};

/// Files larger than this are refused: no real procedure comes near it, and a huge file is
/// more likely a mistake (or an attack) than a document.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The name of the set's configuration file.
pub const CONFIG_FILE: &str = "docctl.yaml";

/// A loaded documentation set: what parsed, plus what did not.
#[derive(Debug, Clone)]
pub struct Library {
    /// The set's folder.
    pub root: PathBuf,
    /// `docctl.yaml`.
    pub config: Config,
    /// Every document that parsed, in path order.
    pub documents: Vec<Loaded>,
    /// The text of every file read, for diagnostics.
    pub sources: Sources,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// How many document files were found, parsed or not.
    pub files: usize,
    /// Files that did not parse, with the id and title read off their top-level lines, so
    /// that citing them does not add a second error to the one about the file itself.
    pub unparsed: Vec<Unparsed>,
    /// The archive's ledger (`published/ledger.json`); empty when nothing was published.
    pub ledger: crate::publish::Ledger,
    /// What `published/` holds that the ledger does not account for.
    pub archive: Vec<crate::publish::archive::Problem>,
    /// The copies issued and recalled (`published/distribution.json`).
    pub distribution: crate::publish::distribution::Distribution,
    /// Files with bad values, read without them: `check` checks the rest of each (see
    /// [`Library::with_recovered`]); every other stage treats them as unparsed.
    pub recovered: Vec<Recovered>,
}

/// A document file with bad values, read without them so that its other problems are found.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// The document without its bad values.
    pub loaded: Loaded,
    /// What was left out.
    pub repairs: Repairs,
}

/// A document file that did not parse, and what could still be read of it.
#[derive(Debug, Clone)]
pub struct Unparsed {
    /// Path relative to the set's folder.
    pub file: String,
    /// The `id:` line's value, if there was one.
    pub id: Option<String>,
    /// The `title:` line's value, if there was one.
    pub title: Option<String>,
}

/// A document with the file it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Path relative to the set's folder, `/`-separated.
    pub file: String,
    /// The document.
    pub doc: Document,
}

/// One file after reading and parsing: its path, its text (when it could be read), the document.
type FileResult = (String, Option<Arc<str>>, Parsed);

/// A document file after parsing.
enum Parsed {
    /// Read as written.
    Whole(Document),
    /// Not read: the file's problems, and the document without its bad values when the rest
    /// could be read.
    Broken(Vec<Diagnostic>, Option<(Document, Repairs)>),
}

/// Parse a document file, reading the rest of it after a bad value.
fn parse_document(kind: Kind, rel: &str, text: &str) -> Parsed {
    fn read<T>(rel: &str, text: &str, shape: &recover::Shape, wrap: fn(T) -> Document) -> Parsed
    where
        T: serde::de::DeserializeOwned,
    {
        let outcome = recover::parse::<T>(rel, text, shape);
        match outcome.value {
            Some(value) if outcome.diagnostics.is_empty() => Parsed::Whole(wrap(value)),
            value => {
                let rest = value
                    .filter(|_| !outcome.repairs.identity_lost)
                    .map(|v| (wrap(v), outcome.repairs));
                Parsed::Broken(outcome.diagnostics, rest)
            }
        }
    }
    match kind {
        Kind::Procedure => read(rel, text, &recover::PROCEDURE, Document::Procedure),
        Kind::Form => read(rel, text, &recover::FORM, Document::Form),
        Kind::Manual => read(rel, text, &recover::MANUAL, Document::Manual),
        Kind::Instruction => read(rel, text, &recover::INSTRUCTION, Document::Instruction),
    }
}

/// Parse a document of a known kind from its text, as written (no recovery): the first
/// problem, or the document.
pub fn parse_kind(kind: Kind, rel: &str, text: &str) -> Result<Document, Diagnostic> {
    match kind {
        Kind::Procedure => parse::<Procedure>(rel, text).map(Document::Procedure),
        Kind::Form => parse::<Form>(rel, text).map(Document::Form),
        Kind::Manual => parse::<Manual>(rel, text).map(Document::Manual),
        Kind::Instruction => parse::<Instruction>(rel, text).map(Document::Instruction),
    }
}

/// Load a documentation set from its folder.
pub fn load(root: &Path) -> Result<Library, Error> {
    let config_path = root.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(Error::NoConfig(root.to_path_buf()));
    }
    let mut sources = Sources::new();
    let config = match read_source(&config_path, CONFIG_FILE) {
        Ok(text) => {
            sources.insert(CONFIG_FILE.to_owned(), Arc::clone(&text));
            // Every bad value of docctl.yaml is reported, but the set is not checked against
            // a configuration read without some of its values.
            let outcome = recover::parse::<Config>(CONFIG_FILE, &text, &recover::CONFIG);
            match outcome.value {
                Some(config) if outcome.diagnostics.is_empty() => config,
                _ => {
                    return Err(Error::Config {
                        diagnostics: outcome.diagnostics,
                        sources,
                    });
                }
            }
        }
        Err(diagnostic) => {
            return Err(Error::Config {
                diagnostics: vec![diagnostic],
                sources,
            });
        }
    };

    let ledger = crate::publish::Ledger::load(root)?;
    let archive = crate::publish::archive::survey(root, &ledger, false);
    let distribution = crate::publish::distribution::Distribution::load(root, &ledger)?;
    if let Ok(text) = std::fs::read_to_string(crate::publish::distribution::distribution_path(root))
    {
        let name = format!(
            "{}/{}",
            crate::publish::ARCHIVE,
            crate::publish::distribution::DISTRIBUTION
        );
        sources.insert(name, text.into());
    }
    let files = discover(root);
    let total = files.len();
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let results: Vec<FileResult> = files
        .into_par_iter()
        .map(|(kind, path, rel)| {
            if let Err(diagnostic) = inside_the_set(&real_root, &path, &rel) {
                return (rel, None, Parsed::Broken(vec![diagnostic], None));
            }
            let text = match read_source(&path, &rel) {
                Ok(text) => text,
                Err(diagnostic) => return (rel, None, Parsed::Broken(vec![diagnostic], None)),
            };
            let doc = parse_document(kind, &rel, &text);
            (rel, Some(text), doc)
        })
        .collect();

    let mut documents = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    let mut unparsed = Vec::new();
    let mut recovered = Vec::new();
    for (file, text, doc) in results {
        match doc {
            Parsed::Whole(doc) => documents.push(Loaded {
                file: file.clone(),
                doc,
            }),
            Parsed::Broken(problems, rest) => {
                diagnostics.extend(problems);
                let (id, title) = match &rest {
                    Some((doc, _)) => {
                        let header = doc.header();
                        (
                            Some(header.id.value.0.clone()),
                            Some(header.title.value.0.clone()),
                        )
                    }
                    None => text.as_deref().map(scrape_names).unwrap_or_default(),
                };
                unparsed.push(Unparsed {
                    file: file.clone(),
                    id,
                    title,
                });
                if let Some((doc, repairs)) = rest {
                    let loaded = Loaded {
                        file: file.clone(),
                        doc,
                    };
                    recovered.push(Recovered { loaded, repairs });
                }
            }
        }
        if let Some(text) = text {
            sources.insert(file, text);
        }
    }
    let mut config = config;
    generated_lists(&mut config, &documents, !distribution.copies.is_empty());
    Ok(Library {
        root: root.to_path_buf(),
        config,
        documents,
        sources,
        diagnostics,
        files: total,
        unparsed,
        ledger,
        archive,
        distribution,
        recovered,
    })
}

impl Library {
    /// Return the set with its recovered documents (read without their bad values) among the
    /// documents, in path order, to check the rest of them; without recovered documents, a
    /// plain copy.
    pub fn with_recovered(&self) -> Library {
        let mut whole = self.clone();
        let files: Vec<&str> = self
            .recovered
            .iter()
            .map(|r| r.loaded.file.as_str())
            .collect();
        whole.unparsed.retain(|u| !files.contains(&u.file.as_str()));
        whole
            .documents
            .extend(self.recovered.iter().map(|r| r.loaded.clone()));
        // The order of `discover`: the folders in the order of `Kind::ALL`, each by file name.
        let rank = |kind: Kind| Kind::ALL.iter().position(|k| *k == kind);
        whole.documents.sort_by(|a, b| {
            rank(a.doc.kind())
                .cmp(&rank(b.doc.kind()))
                .then_with(|| a.file.split('/').cmp(b.file.split('/')))
        });
        whole
    }
}

/// The ids of the lists docctl itself writes, with the label key of their titles.
pub const GENERATED_LISTS: &[(&str, &str)] = &[
    ("LIST-DOCUMENTS", "master_list"),
    ("LIST-RECORDS", "record_list"),
];

/// The register `docctl list` writes when copies have been issued (文件发放回收登记表).
pub const COPY_REGISTER: (&str, &str) = ("LIST-COPIES", "copy_register");

/// Make the lists `docctl list` writes (受控文件清单, 记录清单, and 文件发放回收登记表 once copies
/// are issued) citable like external documents, unless the set names a document of its own so. Only in Chinese sets: the English titles are
/// ordinary phrases that plain-text mention detection would find everywhere.
fn generated_lists(config: &mut Config, documents: &[Loaded], copies: bool) {
    if config.lang == crate::model::Lang::En {
        return;
    }
    let mut taken: std::collections::HashSet<String> = config
        .external
        .iter()
        .flat_map(|e| [crate::fold::key(&e.id), crate::fold::key(&e.title)])
        .collect();
    for loaded in documents {
        let header = loaded.doc.header();
        taken.insert(crate::fold::key(&header.id.value.0));
        taken.insert(crate::fold::key(&header.title.value));
        taken.extend(header.aliases.iter().map(|a| crate::fold::key(&a.value)));
    }
    let words = crate::render::labels::of(config.lang);
    let register = copies.then_some(&COPY_REGISTER);
    for (id, label) in GENERATED_LISTS.iter().chain(register) {
        let title = words[label];
        if taken.contains(&crate::fold::key(title)) || taken.contains(&crate::fold::key(id)) {
            continue;
        }
        let at = Pos::at(1, 1);
        config.external.push(crate::model::External {
            id: crate::model::Sp::new(crate::model::Text((*id).to_owned()), at),
            title: crate::model::Sp::new(crate::model::Text(title.to_owned()), at),
        });
    }
}

/// Read `id:` and `title:` off the top-level lines of a file that did not parse.
pub fn scrape_names(text: &str) -> (Option<String>, Option<String>) {
    let value = |key: &str| {
        text.lines().find_map(|line| {
            let rest = line.strip_prefix(key)?.strip_prefix(':')?;
            let rest = rest.split(" #").next().unwrap_or(rest).trim();
            let rest = rest.trim_matches(|c| c == '"' || c == '\'');
            (!rest.is_empty()).then(|| rest.to_owned())
        })
    };
    (value("id"), value("title"))
}

/// List the YAML files under `procedures/`, `forms/`, `manual/` and `instructions/`, sorted,
/// skipping hidden ones.
fn discover(root: &Path) -> Vec<(Kind, PathBuf, String)> {
    let mut files = Vec::new();
    for kind in Kind::ALL {
        let folder = root.join(kind.folder());
        for entry in WalkDir::new(&folder)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .flatten()
        {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() == 0 || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                continue;
            }
            let rel = relative(root, entry.path());
            files.push((kind, entry.path().to_path_buf(), rel));
        }
    }
    files
}

/// Return `path` relative to `root`, `/`-separated, for messages.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Refuse a file that is a symbolic link leading out of the set: its text would be printed in
/// diagnostics (a CI log). A link to a file inside the set is read like that file.
fn inside_the_set(real_root: &Path, path: &Path, rel: &str) -> Result<(), Diagnostic> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(real_root) => Ok(()),
        Ok(_) => Err(Diagnostic::error(
            "io-error",
            rel,
            Pos::at(1, 1),
            format!("`{rel}` is a symbolic link to a file outside the set; it is not read"),
        )
        .with_help("copy the file into the set, or link to a file inside it")),
        Err(e) => Err(Diagnostic::error(
            "io-error",
            rel,
            Pos::at(1, 1),
            format!("cannot read `{rel}`: {}", describe_io(&e)),
        )),
    }
}

/// Read a file as UTF-8 text, or explain why it cannot be a document.
fn read_source(path: &Path, rel: &str) -> Result<Arc<str>, Diagnostic> {
    let at_start = Pos::at(1, 1);
    let io_error = |message: String| Diagnostic::error("io-error", rel, at_start, message);
    let meta = std::fs::metadata(path)
        .map_err(|e| io_error(format!("cannot read `{rel}`: {}", describe_io(&e))))?;
    if meta.is_dir() {
        return Err(io_error(format!("`{rel}` is a directory, not a YAML file"))
            .with_help("rename the folder so that its name does not end in .yaml"));
    }
    if !meta.is_file() {
        return Err(io_error(format!("`{rel}` is not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io_error(format!(
            "`{rel}` is {:.1} MB; documents are limited to {} MB",
            meta.len() as f64 / 1_048_576.0,
            MAX_FILE_BYTES / 1_048_576
        ))
        .with_help("split the document, or move bulky content out of the YAML"));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| io_error(format!("cannot read `{rel}`: {}", describe_io(&e))))?;
    if bytes.contains(&0) {
        return Err(io_error(format!(
            "`{rel}` is a binary file (it contains NUL bytes), not YAML text"
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let line = valid.matches('\n').count() as u32 + 1;
            let column = valid.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            return Err(Diagnostic::error(
                "io-error",
                rel,
                Pos::at(line, column),
                format!(
                    "`{rel}` is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
            )
            .with_help(
                "save the file as UTF-8; a GB18030 file converts with `iconv -f GB18030 -t UTF-8`",
            ));
        }
    };
    let blank = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
    if blank {
        return Err(Diagnostic::error(
            "empty-file",
            rel,
            at_start,
            format!("`{rel}` is empty: it holds no document"),
        ));
    }
    Ok(Arc::from(text))
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "it does not exist (a broken symbolic link?)".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// Parse one YAML document, turning the parser's error into a located diagnostic.
pub fn parse<T: serde::de::DeserializeOwned>(rel: &str, text: &str) -> Result<T, Diagnostic> {
    let mut options = serde_saphyr::Options::default();
    options.alias_limits.max_total_replayed_events = 100_000;
    if let Some((line, column, tag)) = find_tag(text) {
        return Err(Diagnostic::error(
            "yaml-syntax",
            rel,
            Pos::at(line, column),
            format!("YAML tag `{tag}`: documents do not use tags"),
        )
        .with_width(tag.chars().count())
        .with_help("remove the tag and write the value as plain text (a tag such as !!binary would decode it into something else)"));
    }
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let mut diagnostic = to_diagnostic(rel, text, &e);
        if diagnostic.message.contains("found a tab") {
            // The scanner reports the scalar it was reading; point at the tab itself.
            if let Some((line, column)) = first_tab(text, diagnostic.line) {
                diagnostic.line = line;
                diagnostic.column = column;
            }
        }
        diagnostic
    })
}

/// Return the line and column of the first tab on or after a line.
fn first_tab(text: &str, from_line: u32) -> Option<(u32, u32)> {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1) as usize)
        .find_map(|(n, line)| {
            let at = line.find('\t')?;
            Some((n as u32 + 1, line[..at].chars().count() as u32 + 1))
        })
}

/// Find a YAML tag (`!!binary`, `!local`) where a node starts, outside quotes, comments and
/// block scalars; return its line, column and text.
fn find_tag(text: &str) -> Option<(u32, u32, String)> {
    if !text.contains('!') {
        return None;
    }
    let mut quote: Option<char> = None;
    let mut block: Option<usize> = None;
    let mut flow = 0usize;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block = None;
        }
        // At the start of a line (outside a quoted scalar) a node may start.
        let mut node_start = quote.is_none();
        let mut previous = ' ';
        let mut escaped = false;
        let mut last_significant = ' ';
        for (column, c) in line.chars().enumerate() {
            if let Some(q) = quote {
                if q == '"' && c == '\\' && !escaped {
                    escaped = true;
                } else {
                    if c == q && !escaped {
                        quote = None;
                    }
                    escaped = false;
                }
                previous = c;
                continue;
            }
            match c {
                '#' if previous == ' ' || column == 0 => break,
                '!' if node_start => {
                    let tag: String = line
                        .chars()
                        .skip(column)
                        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
                        .collect();
                    return Some((n as u32 + 1, column as u32 + 1, tag));
                }
                '\'' | '"' if node_start => {
                    quote = Some(c);
                    node_start = false;
                }
                ' ' => {}
                '-' | '?' if node_start => {}
                '[' | '{' if node_start => flow += 1,
                ']' | '}' if flow > 0 => flow -= 1,
                ',' if flow > 0 => node_start = true,
                ':' => node_start = true,
                _ => node_start = false,
            }
            if c == ':' && !matches!(line.chars().nth(column + 1), None | Some(' ')) {
                node_start = false;
            }
            if c != ' ' {
                last_significant = c;
            }
            previous = c;
        }
        if quote.is_none() && matches!(last_significant, '|' | '>') {
            block = Some(indent);
        } else if quote.is_none() {
            let tail = line.split(" #").next().unwrap_or(line).trim_end();
            let indicator =
                tail.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
            if indicator.ends_with(" |")
                || indicator.ends_with(" >")
                || indicator == "|"
                || indicator == ">"
            {
                block = Some(indent);
            }
        }
    }
    None
}

/// Turn a serde-saphyr error into a diagnostic with a stable code and a suggestion.
fn to_diagnostic(rel: &str, text: &str, error: &serde_saphyr::Error) -> Diagnostic {
    let pos = error
        .location()
        .map(|l| Pos::from_location(&l))
        .unwrap_or(Pos::at(1, 1));
    let plain = error.without_snippet().to_string();
    let message = strip_location(&plain);
    // A Chinese keyboard's slips get a message that names them (a key with a full-width space
    // in front is one too, though serde reports it as unknown).
    let structural = !message.starts_with("missing field")
        && !message.starts_with("duplicate mapping key")
        && (!message.starts_with("unknown field") || message.contains('\u{3000}'));
    if let Some(hint) = structural
        .then(|| crate::yaml_hint::explain(text, pos.line, pos.column, &message))
        .flatten()
    {
        return Diagnostic::error(
            "yaml-syntax",
            rel,
            Pos::at(hint.line, hint.column),
            hint.message,
        )
        .with_width(hint.width)
        .with_help(hint.help);
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = expected_list(expected);
        let diagnostic = Diagnostic::error("unknown-key", rel, pos, format!("unknown key `{key}`"))
            .with_width(key.chars().count());
        return match crate::suggest::closest(key, known.iter().map(String::as_str)) {
            Some(best) => diagnostic.with_help(format!("did you mean `{best}`?")),
            None => diagnostic.with_help(format!("known keys here: {}", known.join(", "))),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known = expected_list(expected);
        let diagnostic = Diagnostic::error(
            "invalid-value",
            rel,
            pos,
            format!("unknown value `{value}`"),
        )
        .with_width(value.chars().count());
        return match crate::suggest::closest(value, known.iter().map(String::as_str)) {
            Some(best) => diagnostic.with_help(format!(
                "did you mean `{best}`? (one of: {})",
                known.join(", ")
            )),
            None => diagnostic.with_help(format!("expected one of: {}", known.join(", "))),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::error(
            "missing-key",
            rel,
            pos,
            format!("missing required key `{key}`"),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return Diagnostic::error("duplicate-key", rel, pos, format!("duplicate key `{key}`"))
            .with_width(key.chars().count())
            .with_help("a key may appear once per mapping; merge the two values");
    }
    let is_value_error = message.starts_with("invalid ")
        || message.starts_with("expected ")
        || message.contains("failed to parse")
        || message.starts_with("data did not match");
    if is_value_error {
        // serde names the model's untagged enums, which mean nothing to a user.
        let message = match message.strip_prefix("data did not match any variant of untagged enum ")
        {
            Some("By") => "expected a department or a list of departments".to_owned(),
            Some("Raw") => "expected one value, not a list or a mapping".to_owned(),
            _ => message.replace("scalar", "value"),
        };
        return Diagnostic::error("invalid-value", rel, pos, message);
    }
    let mut diagnostic = Diagnostic::error("yaml-syntax", rel, pos, message.clone());
    if message.contains("tab") {
        diagnostic = diagnostic.with_help("YAML indents with spaces; replace the tabs with spaces");
    } else if message.contains("alias")
        || message.contains("budget")
        || message.contains("recursion")
    {
        diagnostic = diagnostic.with_help("the file nests or repeats too deeply to be a document");
    }
    diagnostic
}

fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

fn expected_list(expected: &str) -> Vec<String> {
    let list = expected
        .trim_start_matches(", ")
        .trim_start_matches("expected one of ")
        .trim_start_matches("expected ");
    list.split(", ")
        .map(|s| s.trim_matches('`').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
