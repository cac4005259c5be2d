//! The lookup table of the set: every id, title and alias by its normalised key; duplicates.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::fold;
use crate::load::{CONFIG_FILE, Library};
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
}

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
                        "duplicate-id"
                    } else {
                        "duplicate-title"
                    };
                    let other = owners.get(&key).cloned().unwrap_or_default();
                    problems.push(
                        Diagnostic::error(code, file, pos, format!("{what} `{name}` is already used by {other}"))
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
        slug_clashes(library, &mut problems);
        (index, problems)
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
            if let Some((_, title)) = self.titles.iter().find(|(k, _)| k == folded) {
                if !titles.contains(title) {
                    titles.push(title.clone());
                }
            }
        }
        titles
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
                    Diagnostic::error(
                        "duplicate-id",
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
