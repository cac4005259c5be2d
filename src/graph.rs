//! The reference graph: every citation from one document to another (or to nothing), with the
//! section it is made in. Built once from the index, in time linear in the number of citations.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::cite;
use crate::load::Library;
use crate::model::{Document, Sp, Step, Text};
use crate::validate::{Index, Target};

/// One citation: who cites what, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The citing document (index into `Library::documents`).
    pub from: usize,
    /// What it cites, or `None` when the reference resolves to nothing.
    pub to: Option<Target>,
    /// The title as written.
    pub cited: String,
    /// The section of the citing document: `5.2`, `6.1`, `记录` …
    pub section: String,
}

/// All citations of a set, with indexes both ways.
#[derive(Debug, Default)]
pub struct Graph {
    /// Every citation, in document and section order.
    pub edges: Vec<Edge>,
    outgoing: Vec<Vec<usize>>,
    incoming: Vec<Vec<usize>>,
}

impl Graph {
    /// Collect the citations of every document.
    pub fn build(library: &Library, index: &Index) -> Graph {
        let n = library.documents.len();
        let mut graph = Graph {
            edges: Vec::new(),
            outgoing: vec![Vec::new(); n],
            incoming: vec![Vec::new(); n],
        };
        for (from, loaded) in library.documents.iter().enumerate() {
            for (section, text, is_list) in sections(&loaded.doc) {
                let mut found = cite::scan(text.as_str());
                if is_list && found.is_empty() {
                    let inner = text.trim();
                    found.push(cite::Citation {
                        start: 0,
                        end: inner.len(),
                        inner,
                        bracket: cite::Bracket::None,
                    });
                }
                for citation in found {
                    let hit = index.resolve(citation.inner);
                    if hit.is_none()
                        && !(citation.bracket.is_certain()
                            || cite::looks_like_title(&crate::fold::key(citation.inner)))
                    {
                        continue;
                    }
                    let to = hit.map(|h| h.target);
                    if to == Some(Target::Doc(from)) {
                        continue;
                    }
                    let id = graph.edges.len();
                    graph.edges.push(Edge {
                        from,
                        to,
                        cited: citation.inner.trim().to_owned(),
                        section: section.clone(),
                    });
                    graph.outgoing[from].push(id);
                    if let Some(Target::Doc(to)) = to {
                        graph.incoming[to].push(id);
                    }
                }
            }
        }
        graph
    }

    /// Citations made by a document.
    pub fn cites(&self, doc: usize) -> impl Iterator<Item = &Edge> {
        self.outgoing
            .get(doc)
            .into_iter()
            .flatten()
            .map(|&e| &self.edges[e])
    }

    /// Citations of a document by others (被引用).
    pub fn cited_by(&self, doc: usize) -> impl Iterator<Item = &Edge> {
        self.incoming
            .get(doc)
            .into_iter()
            .flatten()
            .map(|&e| &self.edges[e])
    }

    /// Group a document's citations by the cited target: target → sections, in order.
    pub fn cites_grouped(&self, doc: usize) -> BTreeMap<Option<Target>, (String, Vec<String>)> {
        let mut out: BTreeMap<Option<Target>, (String, Vec<String>)> = BTreeMap::new();
        for edge in self.cites(doc) {
            let entry = out
                .entry(edge.to)
                .or_insert_with(|| (edge.cited.clone(), Vec::new()));
            if !entry.1.contains(&edge.section) {
                entry.1.push(edge.section.clone());
            }
        }
        out
    }

    /// Group who cites a document: citing document → sections, in order.
    pub fn cited_by_grouped(&self, doc: usize) -> BTreeMap<usize, Vec<String>> {
        let mut out: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for edge in self.cited_by(doc) {
            let sections = out.entry(edge.from).or_default();
            if !sections.contains(&edge.section) {
                sections.push(edge.section.clone());
            }
        }
        out
    }

    /// Every document reachable from `doc` along citations (forward) or against them (backward),
    /// with its distance; `doc` itself excluded.
    pub fn reach(&self, doc: usize, backward: bool) -> BTreeMap<usize, usize> {
        let mut seen = BTreeMap::new();
        let mut queue = VecDeque::from([(doc, 0usize)]);
        let mut visited = BTreeSet::from([doc]);
        while let Some((at, depth)) = queue.pop_front() {
            let next: Vec<usize> = if backward {
                self.cited_by(at).map(|e| e.from).collect()
            } else {
                self.cites(at)
                    .filter_map(|e| match e.to {
                        Some(Target::Doc(t)) => Some(t),
                        _ => None,
                    })
                    .collect()
            };
            for n in next {
                if visited.insert(n) {
                    seen.insert(n, depth + 1);
                    queue.push_back((n, depth + 1));
                }
            }
        }
        seen
    }
}

/// The text fields of a document with the section number they belong to; the flag says the
/// text is a list entry (`related`, `records`, `procedure`) that may be a bare title.
fn sections(doc: &Document) -> Vec<(String, &Sp<Text>, bool)> {
    let mut out = Vec::new();
    match doc {
        Document::Procedure(p) => {
            out.push(("1".to_owned(), &p.purpose, false));
            out.push(("2".to_owned(), &p.scope, false));
            for (i, r) in p.responsibilities.iter().enumerate() {
                out.push((format!("3.{}", i + 1), &r.duties, false));
            }
            for d in &p.definitions {
                out.push(("4".to_owned(), &d.text, false));
            }
            steps(&p.steps, "5", &mut out);
            for (i, r) in p.related.iter().enumerate() {
                out.push((format!("6.{}", i + 1), r, true));
            }
            for record in &p.records {
                out.push(("7".to_owned(), &record.form, true));
            }
        }
        Document::Form(f) => {
            if let Some(procedure) = &f.procedure {
                out.push(("procedure".to_owned(), procedure, true));
            }
            if let Some(instructions) = &f.instructions {
                out.push(("instructions".to_owned(), instructions, false));
            }
            for field in &f.fields {
                if let Some(help) = &field.help {
                    out.push((field.key.to_string(), help, false));
                }
            }
        }
    }
    out
}

fn steps<'a>(list: &'a [Step], prefix: &str, out: &mut Vec<(String, &'a Sp<Text>, bool)>) {
    for (i, step) in list.iter().enumerate() {
        let number = format!("{prefix}.{}", i + 1);
        for text in step.title.iter().chain(step.text.iter()) {
            out.push((number.clone(), text, false));
        }
        steps(&step.steps, &number, out);
    }
}

/// A document as reports and JSON show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocRef {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// procedure | form | external | unresolved.
    pub kind: String,
    /// draft | effective | obsolete | "" for external and unresolved.
    pub status: String,
}

impl DocRef {
    /// Describe a target.
    pub fn of(library: &Library, target: Option<Target>, cited: &str) -> DocRef {
        match target {
            Some(Target::Doc(i)) => {
                let doc = &library.documents[i].doc;
                let header = doc.header();
                DocRef {
                    id: header.id.value.to_string(),
                    title: header.title.to_string(),
                    kind: match doc.kind() {
                        crate::model::Kind::Procedure => "procedure".to_owned(),
                        crate::model::Kind::Form => "form".to_owned(),
                    },
                    status: header.status.value.as_str().to_owned(),
                }
            }
            Some(Target::External(i)) => {
                let e = &library.config.external[i];
                DocRef {
                    id: e.id.to_string(),
                    title: e.title.to_string(),
                    kind: "external".to_owned(),
                    status: String::new(),
                }
            }
            Some(Target::Unparsed(i)) => DocRef {
                id: library.unparsed[i].id.clone().unwrap_or_default(),
                title: library.unparsed[i].title.clone().unwrap_or_default(),
                kind: "unparsed".to_owned(),
                status: String::new(),
            },
            None => DocRef {
                id: String::new(),
                title: cited.to_owned(),
                kind: "unresolved".to_owned(),
                status: String::new(),
            },
        }
    }
}
