//! `docctl refs`: what a document cites and what cites it (被引用), directly and transitively;
//! the impact of changing it; the whole reference graph as DOT and SVG.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::graph::{DocRef, Graph};
use crate::load::{self, Library};
use crate::render::{self, graph as draw};
use crate::validate::{Index, Target};
use crate::write::write_atomic;

/// What `refs` was asked.
#[derive(Debug, Clone)]
pub struct RefsSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// The document (id or title); optional with `graph`.
    pub target: Option<String>,
    /// JSON instead of text.
    pub json: bool,
    /// List what must be re-reviewed if the document changes.
    pub impact: bool,
    /// Write the whole graph as DOT and SVG into this folder.
    pub graph: Option<PathBuf>,
    /// List the documents cited but absent from the set.
    pub missing: bool,
}

/// A cited or citing document with the sections of the citations.
#[derive(Debug, Serialize)]
struct Link {
    #[serde(flatten)]
    doc: DocRef,
    sections: Vec<String>,
}

/// A document that must be re-reviewed, and why.
#[derive(Debug, Serialize)]
struct Impact {
    #[serde(flatten)]
    doc: DocRef,
    effective: bool,
    /// Whether it cites the changed document itself (or is one of its forms).
    must_review: bool,
    /// 1: cites the changed document; 2: cites one that does, …
    distance: usize,
    /// The sections where it cites a document on the way.
    sections: Vec<String>,
}

/// Run `docctl refs`.
pub fn run(settings: &RefsSettings) -> Result<(), Error> {
    let library = load::load(&settings.root)?;
    let (index, _) = Index::build(&library);
    let graph = Graph::build(&library, &index);
    if let Some(folder) = &settings.graph {
        write_graph(&library, &index, &graph, folder)?;
    }
    if settings.missing {
        let missing = crate::graph::missing(&library, &index, &graph);
        if settings.json {
            print_json(&serde_json::json!({"missing": missing}));
        } else {
            print!("{}", missing_text(&missing));
        }
        return Ok(());
    }
    let Some(name) = &settings.target else {
        if settings.graph.is_none() {
            return Err(Error::Usage(
                "name a document (`docctl refs QP-8.2-01`), or ask for `--graph`".to_owned(),
            ));
        }
        return Ok(());
    };
    let doc = crate::workspace::find_document(&library, name)?;
    let this = DocRef::of(&library, Some(Target::Doc(doc)), name);
    if settings.impact {
        let impact = impact(&library, &graph, doc);
        if settings.json {
            print_json(&serde_json::json!({"document": this, "impact": impact}));
        } else {
            let (direct, further): (Vec<&Impact>, Vec<&Impact>) =
                impact.iter().partition(|i| i.must_review);
            let effective = direct.iter().filter(|i| i.effective).count();
            println!(
                "changing 《{}》 ({}) calls for re-review of {} documents ({effective} effective):",
                this.title,
                this.id,
                direct.len()
            );
            for i in &direct {
                let at = if i.sections == ["procedure"] {
                    "its form".to_owned()
                } else {
                    format!("cites it at {}", i.sections.join(", "))
                };
                println!(
                    "  {:<16} {:<9} {:<9} 《{}》 — {at}",
                    i.doc.id, i.doc.kind, i.doc.status, i.doc.title
                );
            }
            if !further.is_empty() {
                println!(
                    "reached through them ({}; review if the change touches what they rely on):",
                    further.len()
                );
                for i in &further {
                    println!(
                        "  {:<16} {:<9} {:<9} 《{}》 — {} steps away",
                        i.doc.id, i.doc.kind, i.doc.status, i.doc.title, i.distance
                    );
                }
            }
        }
        return Ok(());
    }
    let cites: Vec<Link> = graph
        .cites_grouped(doc)
        .into_iter()
        .map(|(target, (cited, sections))| Link {
            doc: DocRef::of(&library, target, &cited),
            sections,
        })
        .collect();
    let cited_by: Vec<Link> = graph
        .cited_by_grouped(doc)
        .into_iter()
        .map(|(from, sections)| Link {
            doc: DocRef::of(&library, Some(Target::Doc(from)), ""),
            sections,
        })
        .collect();
    let transitive = |backward: bool| -> Vec<DocRef> {
        graph
            .reach(doc, backward)
            .into_keys()
            .map(|i| DocRef::of(&library, Some(Target::Doc(i)), ""))
            .collect()
    };
    let (cites_all, cited_by_all) = (transitive(false), transitive(true));
    if settings.json {
        print_json(&serde_json::json!({
            "document": this,
            "cites": cites,
            "cited_by": cited_by,
            "cites_transitive": cites_all,
            "cited_by_transitive": cited_by_all,
        }));
        return Ok(());
    }
    println!(
        "《{}》 {} ({}, {})",
        this.title, this.id, this.kind, this.status
    );
    println!("cites (引用) {}:", cites.len());
    for l in &cites {
        let mark = if l.doc.kind == "unresolved" {
            "  ✗ unresolved"
        } else {
            ""
        };
        println!(
            "  {:<10} 《{}》 {}{mark}",
            l.sections.join(", "),
            l.doc.title,
            l.doc.id
        );
    }
    println!("cited by (被引用) {}:", cited_by.len());
    for l in &cited_by {
        println!(
            "  {:<16} 《{}》 at {}",
            l.doc.id,
            l.doc.title,
            l.sections.join(", ")
        );
    }
    println!(
        "transitively: cites {} documents, cited by {} documents",
        cites_all.len(),
        cited_by_all.len()
    );
    Ok(())
}

/// Every document that cites `doc` directly or through others, nearest first. Those at
/// distance 1 (they cite the document, or are its forms) must be re-reviewed; the others are
/// reached through them and are listed so that the reviewer can decide.
fn impact(library: &Library, graph: &Graph, doc: usize) -> Vec<Impact> {
    let reach = graph.reach(doc, true);
    let mut out: Vec<Impact> = reach
        .iter()
        .map(|(&i, &distance)| {
            let mut sections: Vec<String> = Vec::new();
            for edge in graph.cites(i) {
                let on_the_way = match edge.to {
                    Some(Target::Doc(t)) => {
                        t == doc || reach.get(&t).is_some_and(|d| *d < distance)
                    }
                    _ => false,
                };
                if on_the_way && !sections.contains(&edge.section) {
                    sections.push(edge.section.clone());
                }
            }
            let doc = DocRef::of(library, Some(Target::Doc(i)), "");
            Impact {
                effective: doc.status == "effective",
                must_review: distance == 1,
                doc,
                distance,
                sections,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.distance, &a.doc.kind, &a.doc.id).cmp(&(b.distance, &b.doc.kind, &b.doc.id))
    });
    out
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// Write `references.dot` and `references.svg` into a folder.
pub fn write_graph(
    library: &Library,
    index: &Index,
    graph: &Graph,
    folder: &Path,
) -> Result<(), Error> {
    write_atomic(
        &folder.join("references.dot"),
        draw::dot(library, graph).as_bytes(),
    )?;
    // The SVG sits in output/graph/, one folder below the pages.
    let href = |t: Target| render::page_of(library, t).map(|page| format!("../{page}"));
    write_atomic(
        &folder.join("references.svg"),
        draw::svg(library, index, graph, &href).as_bytes(),
    )?;
    eprintln!(
        "wrote {0}/references.dot and {0}/references.svg",
        folder.display()
    );
    Ok(())
}

/// The worklist of missing documents as text: one block per document, its spellings indented.
pub fn missing_text(missing: &[crate::graph::Missing]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if missing.is_empty() {
        out.push_str("every cited document is in the set\n");
        return out;
    }
    let total: usize = missing.iter().map(|m| m.count).sum();
    let _ = writeln!(
        out,
        "{} documents are cited but not in the set ({total} citations):",
        missing.len()
    );
    for m in missing {
        let closest = m
            .closest
            .as_ref()
            .map(|c| format!(" — closest in the set: 《{c}》"))
            .unwrap_or_default();
        let _ = writeln!(out, "\n《{}》 cited {} times{closest}", m.title, m.count);
        for s in &m.spellings {
            let _ = writeln!(
                out,
                "  {:>3} × 《{}》: {}",
                s.count,
                s.text,
                s.places.join(", ")
            );
        }
    }
    out
}

/// Run `docctl refs` from its command line.
pub fn invoke(
    mut document: Option<String>,
    mut set: crate::cli::SetArgs,
    json: bool,
    impact: bool,
    graph: Option<PathBuf>,
    missing: bool,
) -> Result<bool, Error> {
    if missing && !set.given() {
        // `refs --missing DIR`: the listing takes no document, so its one positional is the set.
        if let Some(dir) = document.take() {
            set = crate::cli::SetArgs::at(dir);
        }
    }
    if missing && document.is_some() {
        return Err(Error::Usage(
            "--missing lists the whole set: name no document (`docctl refs --missing [DIR]`)"
                .to_owned(),
        ));
    }
    let dir = set.dir().to_path_buf();
    let graph = graph.map(|g| {
        if g.as_os_str() == "-" {
            dir.join("output/graph")
        } else {
            g
        }
    });
    run(&RefsSettings {
        root: dir,
        target: document,
        json,
        impact,
        graph,
        missing,
    })?;
    Ok(true)
}
