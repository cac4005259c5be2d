//! The reference graph: every citation from one document to another (or to nothing), with the
//! section it is made in. Built once from the index, in time linear in the number of citations.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::cite;
use crate::load::Library;
use crate::model::{Document, Sp, Step, Text};
use crate::outline::{self, Section};
use crate::validate::{Index, Resolution, Target};

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
                let mut found = if is_list {
                    cite::scan(text.as_str())
                } else {
                    index.citations(text.as_str())
                };
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
                    for to in targets(index, &citation) {
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
        }
        graph
    }

    /// Citations made by a document.
    pub fn cites(&self, doc: usize) -> impl Iterator<Item = &Edge> {
        self.edges_in(&self.outgoing, doc)
    }

    /// Citations of a document by others (被引用).
    pub fn cited_by(&self, doc: usize) -> impl Iterator<Item = &Edge> {
        self.edges_in(&self.incoming, doc)
    }

    /// Return the edges a per-document list (`outgoing` or `incoming`) holds for a document.
    fn edges_in<'a>(
        &'a self,
        lists: &'a [Vec<usize>],
        doc: usize,
    ) -> impl Iterator<Item = &'a Edge> + use<'a> {
        lists
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
/// What a citation names: documents (two for `X and Y`), or `None` for a title-shaped citation
/// of a document not in the set; nothing for quoted text that is no citation.
pub fn targets(index: &Index, citation: &cite::Citation<'_>) -> Vec<Option<Target>> {
    match index.resolve_loose(citation.inner) {
        Resolution::Exact(hit) => vec![Some(hit.target)],
        Resolution::Variant(target, _) => vec![Some(target)],
        Resolution::Split(parts) => parts.into_iter().map(|(t, _)| Some(t)).collect(),
        Resolution::Ambiguous(_) | Resolution::Unresolved => {
            let shaped = citation.bracket.is_certain()
                || citation.bracket == cite::Bracket::Phrase
                || cite::looks_like_title(&crate::fold::key(citation.inner))
                || cite::looks_like_english_title(citation.inner);
            if shaped { vec![None] } else { Vec::new() }
        }
    }
}

pub(crate) fn sections(doc: &Document) -> Vec<(String, &Sp<Text>, bool)> {
    let mut out = Vec::new();
    match doc {
        Document::Procedure(p) => {
            for entry in &outline::PROCEDURE {
                let n = entry.section.number();
                match entry.section {
                    Section::Purpose => out.push((n, &p.purpose, false)),
                    Section::Scope => out.push((n, &p.scope, false)),
                    Section::Responsibilities => {
                        for (i, r) in p.responsibilities.iter().enumerate() {
                            out.push((format!("{n}.{}", i + 1), &r.duties, false));
                        }
                    }
                    Section::Definitions => {
                        for d in &p.definitions {
                            out.push((n.clone(), &d.text, false));
                        }
                    }
                    Section::Steps => steps(&p.steps, &n, &mut out),
                    Section::Related => {
                        for (i, r) in p.related.iter().enumerate() {
                            out.push((format!("{n}.{}", i + 1), r, true));
                        }
                    }
                    Section::Records => {
                        for record in &p.records {
                            out.push((n.clone(), &record.form, true));
                        }
                    }
                }
            }
        }
        Document::Instruction(w) => {
            // 1 目的, 2 适用范围, 3 职责, 4 设备, 5 作业步骤, 6 安全, 7 质量, 8 相关文件, 9 记录.
            out.push(("1".to_owned(), &w.purpose, false));
            out.push(("2".to_owned(), &w.scope, false));
            for (i, r) in w.responsibilities.iter().enumerate() {
                out.push((format!("3.{}", i + 1), &r.duties, false));
            }
            for note in w.equipment.iter().filter_map(|i| i.note.as_ref()) {
                out.push(("4".to_owned(), note, false));
            }
            steps(&w.steps, "5", &mut out);
            let numbered = [("6", &w.safety, false), ("7", &w.quality, false)];
            for (n, list, is_entry) in numbered.into_iter().chain([("8", &w.related, true)]) {
                for (i, text) in list.iter().enumerate() {
                    out.push((format!("{n}.{}", i + 1), text, is_entry));
                }
            }
            out.extend(w.records.iter().map(|r| ("9".to_owned(), &r.form, true)));
            out.extend(
                w.appendices
                    .iter()
                    .map(|a| ("appendix".to_owned(), &a.text, false)),
            );
        }
        Document::Manual(m) => {
            for a in &m.preface {
                out.push(("preface".to_owned(), &a.text, false));
            }
            for chapter in m.all_chapters() {
                let number = chapter.clause.to_string();
                out.extend(chapter.text.iter().map(|t| (number.clone(), t, false)));
                out.extend(chapter.procedures.iter().map(|p| (number.clone(), p, true)));
            }
            out.extend(m.related.iter().map(|r| ("related".to_owned(), r, true)));
            out.extend(
                m.appendices
                    .iter()
                    .map(|a| ("appendix".to_owned(), &a.text, false)),
            );
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
                    kind: doc.kind().as_str().to_owned(),
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

/// A document cited but not in the set, with every spelling it is cited by: a line of the
/// worklist after an import (`docctl refs --missing`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Missing {
    /// The spelling cited most often (the first of the most frequent ones).
    pub title: String,
    /// How many citations name it, all spellings together.
    pub count: usize,
    /// Every spelling, most frequent first.
    pub spellings: Vec<Spelling>,
    /// The closest title the set has, when one is close.
    pub closest: Option<String>,
}

/// One spelling of a missing document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Spelling {
    /// As written (inside its brackets).
    pub text: String,
    /// How many citations use it.
    pub count: usize,
    /// Where: `ID §section`, in order.
    pub places: Vec<String>,
}

/// List the documents cited but absent from the set, their spellings clustered: spellings
/// with the same normalised key, and spellings whose stems (the title without 管理程序,
/// 控制程序, 表…) are close or one holds the other's characters in order, are one document.
pub fn missing(library: &Library, index: &Index, graph: &Graph) -> Vec<Missing> {
    // Normalised key → (spellings as written → places).
    let mut keys: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for edge in graph.edges.iter().filter(|e| e.to.is_none()) {
        let id = library.documents[edge.from]
            .doc
            .header()
            .id
            .value
            .to_string();
        keys.entry(crate::fold::key(&edge.cited))
            .or_default()
            .entry(edge.cited.clone())
            .or_default()
            .push(format!("{id} §{}", edge.section));
    }
    let names: Vec<&String> = keys.keys().collect();
    let mut parent: Vec<usize> = (0..names.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for a in 0..names.len() {
        for b in a + 1..names.len() {
            if same_document(names[a], names[b]) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut clusters: BTreeMap<usize, Vec<Spelling>> = BTreeMap::new();
    for (i, spellings) in keys.values().enumerate() {
        let r = root(&mut parent, i);
        for (text, places) in spellings {
            clusters.entry(r).or_default().push(Spelling {
                text: text.clone(),
                count: places.len(),
                places: places.clone(),
            });
        }
    }
    let mut out: Vec<Missing> = clusters
        .into_values()
        .map(|mut spellings| {
            spellings.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.text.cmp(&b.text)));
            let title = spellings[0].text.clone();
            let closest = spellings.iter().find_map(|s| {
                let key = crate::fold::key(&s.text);
                index
                    .suggest(&s.text)
                    .into_iter()
                    .find(|t| same_document(&key, &crate::fold::key(t)))
            });
            Missing {
                count: spellings.iter().map(|s| s.count).sum(),
                title,
                spellings,
                closest,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.title.cmp(&b.title)));
    out
}

/// Generic endings of titles, longest first: what is left is the stem that names the subject.
const ENDINGS: &[&str] = &[
    "管理程序",
    "控制程序",
    "程序",
    "制度",
    "规定",
    "办法",
    "记录表",
    "登记表",
    "表",
    "单",
    "记录",
    "报告",
    "台账",
    "procedure",
    "process",
    "form",
    "list",
    "checklist",
    "plan",
    "report",
    "record",
    "register",
    "log",
];

/// The positions in [`ENDINGS`] of the endings of procedures (the rest name records).
const PROCEDURE_ENDINGS: &[usize] = &[0, 1, 2, 3, 4, 5, 13, 14];

/// Return whether two normalised titles of absent documents are spellings of one.
pub(crate) fn same_document(a: &str, b: &str) -> bool {
    // The stem, and whether the title names a record (表, 单, 记录…) rather than a procedure.
    let stem = |s: &str| -> (String, bool) {
        let mut s = s
            .strip_prefix("sop")
            .unwrap_or(s)
            .trim_start_matches(['-', ' ']);
        let mut record = false;
        for (i, ending) in ENDINGS.iter().enumerate() {
            if let Some(rest) = s.strip_suffix(ending).filter(|r| !r.is_empty()) {
                s = rest;
                record = !PROCEDURE_ENDINGS.contains(&i);
                break;
            }
        }
        (s.to_owned(), record)
    };
    let ((sa, ra), (sb, rb)) = (stem(a), stem(b));
    if ra != rb {
        return false;
    }
    let (la, lb) = (sa.chars().count(), sb.chars().count());
    if sa == sb {
        return true;
    }
    let (short, long, ls) = if la <= lb {
        (&sa, &sb, la)
    } else {
        (&sb, &sa, lb)
    };
    if ls < 4 {
        return false;
    }
    // One holds the other's characters in order, from the same first one: 纠正措施 in
    // 纠正及预防措施, 纠正与预防 (a title cut short) in 纠正与预防措施.
    let mut rest = long.chars();
    let starts_agree = short.chars().next() == long.chars().next();
    if starts_agree && short.chars().all(|c| rest.any(|d| d == c)) {
        return true;
    }
    strsim::levenshtein(&sa, &sb) * 3 <= ls
}

#[cfg(test)]
mod tests {
    use super::same_document;
    use crate::fold::key;

    #[test]
    fn spellings_of_one_document() {
        let same = |a: &str, b: &str| same_document(&key(a), &key(b));
        assert!(same("纠正措施控制程序", "纠正及预防措施控制程序"));
        assert!(same("糾正與預防管理程序", "纠正与预防措施管理程序"));
        assert!(!same("質量記錄管理程序", "內部溝通管理程序"));
        assert!(!same("客戶滿意度調查表", "客戶滿意度調查管理程序"));
        assert!(!same("纠正和预防措施要求单", "纠正与预防措施管理程序"));
        assert!(!same("采购控制程序", "生产控制程序"));
    }
}
