//! The lookup table of the set: every id, title and alias by its normalised key; duplicates.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::cite::{self, Citation};
use crate::diagnostic::{Code, Diagnostic};
use crate::fold;
use crate::load::{CONFIG_FILE, Library};
use crate::mention::Names;
use crate::model::{Document, Status};

/// What a reference can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A document of the set, by its index in `Library::documents`.
    Doc(usize),
    /// An external document, by its index in `Config::external`.
    External(usize),
    /// A file that did not parse, by its index in `Library::unparsed`.
    Unparsed(usize),
}

/// A resolved reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// What it points at.
    pub target: Target,
    /// Whether it matched a former title rather than the title or id.
    pub alias: bool,
}

/// Every name a document can be cited by.
#[derive(Debug, Default)]
pub struct Index {
    keys: HashMap<String, Hit>,
    /// Folded title or alias → the title to suggest, for "did you mean".
    titles: Vec<(String, String)>,
    /// Every name, for mentions in plain text.
    names: Names,
    /// Per variant stage: the title's words normalised that far → the documents with it.
    stages: Vec<HashMap<String, Vec<Target>>>,
    /// Normalised titles (words joined by spaces, or the folded key for Chinese), sorted, for
    /// titles cut short.
    prefixes: Vec<(String, Target)>,
}

/// How a citation resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Its title, id or alias exactly (after normalisation).
    Exact(Hit),
    /// One document, through a variant of its title: the kind of variant.
    Variant(Target, &'static str),
    /// `X and Y`: two citations, each a title (or a variant of one).
    Split(Vec<(Target, Option<&'static str>)>),
    /// Several documents through variants.
    Ambiguous(Vec<Target>),
    /// Nothing.
    Unresolved,
}

/// The variant stages, each normalising more than the one before, with the name given to a
/// citation that first matches at that stage.
const STAGES: &[&str] = &[
    "ID-style prefix or punctuation",
    "trailing acronym",
    "singular/plural",
    "ID-style prefix",
    "word order",
];

impl Index {
    /// Index the set; report ids and titles that are not unique.
    pub fn build(library: &Library) -> (Index, Vec<Diagnostic>) {
        let mut index = Index::default();
        let mut problems = Vec::new();
        let mut owners: HashMap<String, String> = HashMap::new();
        for (i, external) in library.config.external.iter().enumerate() {
            let hit = Hit {
                target: Target::External(i),
                alias: false,
            };
            for name in [&external.id, &external.title] {
                let key = fold::key(name);
                if index.keys.insert(key.clone(), hit).is_none() {
                    index.titles.push((key.clone(), external.title.to_string()));
                }
                owners.insert(
                    key,
                    format!("{CONFIG_FILE} (external {})", external.id.value),
                );
            }
        }
        for (i, broken) in library.unparsed.iter().enumerate() {
            let hit = Hit {
                target: Target::Unparsed(i),
                alias: false,
            };
            for name in broken.id.iter().chain(broken.title.iter()) {
                index.keys.entry(fold::key(name)).or_insert(hit);
            }
        }
        for (i, loaded) in library.documents.iter().enumerate() {
            let header = loaded.doc.header();
            let file = &loaded.file;
            let mut names = vec![(&header.id.value.0, header.id.pos, "id", false)];
            names.push((&header.title.value.0, header.title.pos, "title", false));
            names.extend(
                header
                    .aliases
                    .iter()
                    .map(|a| (&a.value.0, a.pos, "alias", true)),
            );
            for (name, pos, what, alias) in names {
                let key = fold::key(name);
                if let Some(previous) = index.keys.get(&key) {
                    if previous.target == Target::Doc(i)
                        || matches!(previous.target, Target::Unparsed(_))
                    {
                        continue;
                    }
                    let code = if what == "id" {
                        Code::DuplicateId
                    } else {
                        Code::DuplicateTitle
                    };
                    let other = owners.get(&key).cloned().unwrap_or_default();
                    problems.push(
                        Diagnostic::new(code, file, pos, format!("{what} `{name}` is already used by {other}"))
                            .with_width(name.chars().count())
                            .with_help(match what {
                                "id" => "every document needs its own number (文件编号)",
                                _ => "titles and aliases must be unique in the set, also after traditional → simplified folding",
                            }),
                    );
                    continue;
                }
                index.keys.insert(
                    key.clone(),
                    Hit {
                        target: Target::Doc(i),
                        alias,
                    },
                );
                if what != "id" {
                    index.titles.push((key.clone(), header.title.to_string()));
                }
                owners.insert(key, format!("{file} ({})", header.id.value));
            }
        }
        index.variants(library);
        slug_clashes(library, &mut problems);
        (index, problems)
    }

    /// Build the automaton of names and the variant tables.
    fn variants(&mut self, library: &Library) {
        let mut ids: Vec<&str> = Vec::new();
        let mut named: Vec<(&str, Target)> = Vec::new();
        for (i, external) in library.config.external.iter().enumerate() {
            ids.push(&external.id);
            named.push((&external.title, Target::External(i)));
        }
        for (i, loaded) in library.documents.iter().enumerate() {
            let header = loaded.doc.header();
            ids.push(&header.id.value.0);
            named.push((&header.title.value.0, Target::Doc(i)));
            named.extend(
                header
                    .aliases
                    .iter()
                    .map(|a| (a.value.0.as_str(), Target::Doc(i))),
            );
        }
        self.names = Names::build(ids.into_iter().chain(named.iter().map(|(n, _)| *n)));
        self.stages = vec![HashMap::new(); STAGES.len()];
        for &(name, target) in &named {
            if is_latin_title(name) {
                for (stage, map) in self.stages.iter_mut().enumerate() {
                    let targets = map.entry(stage_key(name, stage)).or_default();
                    if !targets.contains(&target) {
                        targets.push(target);
                    }
                }
            }
            self.prefixes.push((prefix_key(name), target));
        }
        self.prefixes.sort();
        self.prefixes.dedup();
    }

    /// Find every citation in a text: 《…》 and the other brackets, quoted and italic titles,
    /// known names in plain text and title-shaped phrases — in order, not overlapping.
    pub fn citations<'t>(&self, text: &'t str) -> Vec<Citation<'t>> {
        let mut found = cite::scan(text);
        for emphasis in cite::scan_emphasis(text) {
            let overlaps = found
                .iter()
                .any(|c| c.start < emphasis.end && emphasis.start < c.end);
            if !overlaps && self.is_citation(&emphasis) {
                found.push(emphasis);
            }
        }
        found.sort_by_key(|c| c.start);
        let spans: Vec<(usize, usize)> = found.iter().map(|c| (c.start, c.end)).collect();
        let plain = self.names.find(text, &spans);
        let mut phrases = cite::scan_sop(text);
        phrases.extend(cite::scan_chinese_phrases(text));
        phrases.sort_by_key(|c| c.start);
        // Both lists are in order: one pass decides, for each phrase, whether the known names
        // inside it stand (the phrase is dropped) or the phrase does (they are).
        let mut dropped = vec![false; plain.len()];
        let mut kept = Vec::new();
        let (mut first, mut bracket) = (0, 0);
        for phrase in phrases {
            while bracket < spans.len() && spans[bracket].1 <= phrase.start {
                bracket += 1;
            }
            if spans.get(bracket).is_some_and(|&(s, _)| s < phrase.end) {
                continue;
            }
            while first < plain.len() && plain[first].end <= phrase.start {
                first += 1;
            }
            let mut last = first;
            while last < plain.len() && plain[last].start < phrase.end {
                last += 1;
            }
            let inside = first..last;
            let named = plain[inside.clone()].iter().any(|m| {
                m.end > phrase.end
                    || (m.end == phrase.end
                        && m.start >= phrase.start
                        && FILLERS.contains(&text[phrase.start..m.start].trim()))
            });
            if named || self.resolve(phrase.inner).is_some() {
                continue;
            }
            for k in inside {
                dropped[k] = true;
            }
            kept.push(phrase);
        }
        let plain = plain
            .into_iter()
            .zip(dropped)
            .filter(|(_, d)| !d)
            .map(|(c, _)| c);
        found.extend(kept);
        found.extend(plain);
        found.sort_by_key(|c| c.start);
        found
    }

    /// Return whether a quoted or italic phrase is a citation: it names a document (or a
    /// variant of one), or it looks like a title.
    fn is_citation(&self, citation: &Citation<'_>) -> bool {
        cite::looks_like_title(&fold::key(citation.inner))
            || cite::looks_like_english_title(citation.inner)
            || self.resolve_loose(citation.inner) != Resolution::Unresolved
    }

    /// Resolve a citation exactly, or through a variant of a title.
    pub fn resolve_loose(&self, cited: &str) -> Resolution {
        if let Some(hit) = self.resolve(cited) {
            return Resolution::Exact(hit);
        }
        match self.variant(cited) {
            Resolution::Unresolved => {}
            other => return other,
        }
        // `X and Y`, each a title.
        if is_latin_title(cited) {
            for (at, _) in cited.match_indices(" and ") {
                let (left, right) = (&cited[..at], &cited[at + 5..]);
                let prefix = left.split_whitespace().next().filter(|w| *w == "SOP");
                let one = |part: &str| match self.resolve(part) {
                    Some(hit) => Some((hit.target, None)),
                    None => match self.variant(part) {
                        Resolution::Variant(t, kind) => Some((t, Some(kind))),
                        _ => None,
                    },
                };
                let second =
                    one(right).or_else(|| prefix.and_then(|p| one(&format!("{p} {right}"))));
                if let (Some(a), Some(b)) = (one(left), second) {
                    return Resolution::Split(vec![a, b]);
                }
            }
        }
        Resolution::Unresolved
    }

    /// Resolve through a variant only: word stages, then a title cut short.
    fn variant(&self, cited: &str) -> Resolution {
        if is_latin_title(cited) {
            for (stage, map) in self.stages.iter().enumerate() {
                if let Some(targets) = map.get(&stage_key(cited, stage)) {
                    return match targets.as_slice() {
                        [one] => Resolution::Variant(*one, STAGES[stage]),
                        many => Resolution::Ambiguous(many.to_vec()),
                    };
                }
            }
        }
        let key = prefix_key(cited);
        let long_enough = if key.chars().any(cite::is_cjk) {
            key.chars().count() >= 4
        } else {
            key.split(' ').filter(|w| *w != "sop").count() >= 2
        };
        if !long_enough {
            return Resolution::Unresolved;
        }
        let from = self
            .prefixes
            .partition_point(|(k, _)| k.as_str() < key.as_str());
        let mut targets: Vec<Target> = Vec::new();
        for (k, target) in &self.prefixes[from..] {
            if !k.starts_with(key.as_str()) {
                break;
            }
            let boundary = k.len() == key.len()
                || k[key.len()..].starts_with(' ')
                || key.chars().next_back().is_some_and(cite::is_cjk);
            if boundary && !targets.contains(target) {
                targets.push(*target);
            }
        }
        match targets.as_slice() {
            [] => Resolution::Unresolved,
            [one] => Resolution::Variant(*one, "title cut short"),
            many => Resolution::Ambiguous(many.to_vec()),
        }
    }

    /// Resolve a cited title, id or alias.
    pub fn resolve(&self, cited: &str) -> Option<Hit> {
        self.keys.get(&fold::key(cited)).copied()
    }

    /// Resolve a list entry (`related`, `records`, `procedure`): its first 《…》, or the whole
    /// text when it has no brackets.
    pub fn resolve_entry(&self, entry: &str) -> Option<Target> {
        let inner = crate::cite::scan(entry)
            .first()
            .map(|c| c.inner)
            .unwrap_or(entry.trim());
        self.resolve(inner).map(|hit| hit.target)
    }

    /// Return up to three titles close to a cited title that does not resolve.
    pub fn suggest(&self, cited: &str) -> Vec<String> {
        let key = fold::key(cited);
        let ranked = crate::suggest::ranked(&key, self.titles.iter().map(|(k, _)| k.as_str()), 3);
        let mut titles: Vec<String> = Vec::new();
        for folded in ranked {
            if let Some((_, title)) = self.titles.iter().find(|(k, _)| k == folded)
                && !titles.contains(title)
            {
                titles.push(title.clone());
            }
        }
        titles
    }
}

/// Words that may stand before a title named after 按/依据… without changing it: 按本公司…程序.
const FILLERS: &[&str] = &[
    "",
    "本",
    "公司",
    "本公司",
    "相关",
    "有关",
    "的",
    "公司的",
    "《",
];

/// Return whether a name is written in Latin letters with at least two words.
fn is_latin_title(name: &str) -> bool {
    !name.chars().any(cite::is_cjk)
        && name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= 2
}

/// The key of a Latin name at a variant stage (each stage includes the ones before).
fn stage_key(name: &str, stage: usize) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let mut text = folded.trim();
    if stage >= 1 {
        // `… (CAPA)`
        if let Some(open) = text.rfind(" (").filter(|_| text.ends_with(')')) {
            text = text[..open].trim_end();
        }
    }
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '&')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if stage >= 2 {
        for word in &mut words {
            *word = singular(word);
        }
    }
    if stage >= 3 {
        if words.first().is_some_and(|w| w == "sop") {
            words.remove(0);
        }
        words.retain(|w| w != "the");
    }
    if stage >= 4 {
        words.sort();
    }
    words.join(" ")
}

/// The singular of an English word, roughly: `Actions` → `action`, `Activities` → `activity`.
fn singular(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// The key for titles cut short: Latin words (without an ID-style `SOP` and a trailing
/// acronym) joined by spaces, or the folded key of a Chinese title.
fn prefix_key(name: &str) -> String {
    if is_latin_title(name) {
        stage_key(name, 3)
    } else {
        fold::key(name)
    }
}

/// Describe a target for messages: 《title》 (id).
pub(crate) fn describe(library: &Library, target: Target) -> String {
    match target {
        Target::Doc(i) => {
            let header = library.documents[i].doc.header();
            format!("《{}》 ({})", header.title.value, header.id.value)
        }
        Target::External(i) => {
            let external = &library.config.external[i];
            format!("《{}》 ({})", external.title.value, external.id.value)
        }
        Target::Unparsed(i) => {
            let broken = &library.unparsed[i];
            format!(
                "《{}》 ({}, which did not load)",
                broken.title.as_deref().unwrap_or("?"),
                broken.file
            )
        }
    }
}

/// Return the title of a target.
pub(crate) fn title(library: &Library, target: Target) -> String {
    match target {
        Target::Doc(i) => library.documents[i].doc.header().title.to_string(),
        Target::External(i) => library.config.external[i].title.to_string(),
        Target::Unparsed(i) => library.unparsed[i].title.clone().unwrap_or_default(),
    }
}

/// Return the status of a target; external documents count as effective.
pub(crate) fn status(library: &Library, target: Target) -> Status {
    match target {
        Target::Doc(i) => library.documents[i].doc.header().status.value,
        Target::External(_) | Target::Unparsed(_) => Status::Effective,
    }
}

/// Return the document of a target, if it is one of the set.
pub(crate) fn document(library: &Library, target: Target) -> Option<&Document> {
    match target {
        Target::Doc(i) => Some(&library.documents[i].doc),
        Target::External(_) | Target::Unparsed(_) => None,
    }
}

/// Return the file a target comes from.
pub(crate) fn file(library: &Library, target: Target) -> &str {
    match target {
        Target::Doc(i) => &library.documents[i].file,
        Target::External(_) => CONFIG_FILE,
        Target::Unparsed(i) => &library.unparsed[i].file,
    }
}

/// Report ids that differ only in what the slug replaces (`QP/9`, `QP-9`, `QP\\9`, `QP:9`):
/// they would build into one file and archive into one folder.
fn slug_clashes(library: &Library, problems: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
    for loaded in &library.documents {
        let id = &loaded.doc.header().id;
        let slug = id.value.slug().to_lowercase();
        match seen.get(&slug) {
            Some((file, other)) if fold::key(other) != fold::key(&id.value.0) => {
                problems.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        &loaded.file,
                        id.pos,
                        format!(
                            "id `{}` names the same file as `{other}` ({file}): both become `{}`",
                            id.value,
                            id.value.slug()
                        ),
                    )
                    .with_width(id.value.0.chars().count())
                    .with_help("ids must stay unique once `/`, `\\`, `:` and other separators become `-`; renumber one"),
                );
            }
            Some(_) => {}
            None => {
                seen.insert(slug, (&loaded.file, &id.value.0));
            }
        }
    }
}
