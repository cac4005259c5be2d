//! The reference graph drawn for people: DOT (for Graphviz users) and a self-contained SVG laid
//! out here, without any external program. Procedures sit on an inner ring, each form on an
//! outer ring beside the procedure that owns it, unresolved references in red outside.

use std::collections::BTreeMap;
use std::f64::consts::TAU;
use std::fmt::Write as _;

use crate::graph::Graph;
use crate::load::Library;
use crate::model::{Document, Status};
use crate::render::markup::html_escape;
use crate::validate::{Index, Target};

/// A node of the drawing.
struct Node {
    id: String,
    title: String,
    status: Option<Status>,
    unresolved: bool,
    x: f64,
    y: f64,
}

/// Render the whole graph as Graphviz DOT.
pub fn dot(library: &Library, graph: &Graph) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from(
        "digraph references {\n  graph [rankdir=LR, fontname=\"Noto Sans CJK SC\"];\n  node [shape=box, fontname=\"Noto Sans CJK SC\", fontsize=10];\n  edge [fontsize=8];\n",
    );
    for loaded in &library.documents {
        let header = loaded.doc.header();
        let style = match header.status.value {
            Status::Effective => "",
            Status::Draft => ", style=dashed, color=\"#1f4e9e\", fontcolor=\"#1f4e9e\"",
            Status::Obsolete => ", style=dashed, color=gray, fontcolor=gray",
        };
        let shape = if matches!(loaded.doc, Document::Form(_)) {
            ", shape=note"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} [label={}{shape}{style}];",
            quote(&header.id.value.0),
            quote(&format!("{}\n{}", header.id.value, header.title.value)),
        );
    }
    let mut unresolved = BTreeMap::new();
    for (target, sections, from) in grouped_edges(graph) {
        let from_id = &library.documents[from].doc.header().id.value.0;
        match target {
            Ok(Target::Doc(t)) => {
                let to = &library.documents[t].doc.header().id.value.0;
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}];",
                    quote(from_id),
                    quote(to),
                    quote(&sections.join(", "))
                );
            }
            Ok(Target::External(i)) => {
                let e = &library.config.external[i];
                let _ = writeln!(
                    out,
                    "  {} [label={}, shape=folder];",
                    quote(&e.id.value.0),
                    quote(&format!("{}\n{}", e.id.value, e.title.value))
                );
                let _ = writeln!(
                    out,
                    "  {} -> {} [label={}];",
                    quote(from_id),
                    quote(&e.id.value.0),
                    quote(&sections.join(", "))
                );
            }
            Ok(Target::Unparsed(_)) => {}
            Err(cited) => {
                let node = format!("?《{cited}》");
                if unresolved.insert(node.clone(), ()).is_none() {
                    let _ = writeln!(
                        out,
                        "  {} [color=red, fontcolor=red, style=dashed];",
                        quote(&node)
                    );
                }
                let _ = writeln!(
                    out,
                    "  {} -> {} [color=red, fontcolor=red, label={}];",
                    quote(from_id),
                    quote(&node),
                    quote(&sections.join(", "))
                );
            }
        }
    }
    out.push_str("}\n");
    out
}

/// Each (citing document, target) once with its sections; unresolved targets by cited text.
fn grouped_edges(graph: &Graph) -> Vec<(Result<Target, String>, Vec<String>, usize)> {
    let mut map: BTreeMap<(usize, Result<Target, String>), Vec<String>> = BTreeMap::new();
    for edge in &graph.edges {
        let key = (edge.from, edge.to.ok_or_else(|| edge.cited.clone()));
        let sections = map.entry(key).or_default();
        if !sections.contains(&edge.section) {
            sections.push(edge.section.clone());
        }
    }
    map.into_iter()
        .map(|((from, target), sections)| (target, sections, from))
        .collect()
}

/// Render the whole graph as a self-contained SVG; each node links to its HTML page.
pub fn svg(
    library: &Library,
    index: &Index,
    graph: &Graph,
    href: &dyn Fn(Target) -> Option<String>,
) -> String {
    let _ = index;
    let procedures: Vec<usize> = (0..library.documents.len())
        .filter(|&i| matches!(library.documents[i].doc, Document::Procedure(_)))
        .collect();
    // Rings wide enough for the labels: ~110 px of arc per procedure, and the forms (about two
    // per procedure) on two staggered radii outside.
    let inner = (procedures.len() as f64 * 110.0 / TAU).max(200.0);
    let outer = inner + 190.0;
    let far = outer + 170.0;
    let mut angle_of: BTreeMap<usize, f64> = BTreeMap::new();
    for (k, &p) in procedures.iter().enumerate() {
        angle_of.insert(p, TAU * k as f64 / procedures.len().max(1) as f64);
    }
    let owner_of = |i: usize| -> Option<usize> {
        graph
            .cites(i)
            .find(|e| e.section == "procedure")
            .and_then(|e| match e.to {
                Some(Target::Doc(t)) => Some(t),
                _ => None,
            })
    };
    let mut nodes: BTreeMap<Result<usize, String>, Node> = BTreeMap::new();
    let mut forms_by_owner: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, loaded) in library.documents.iter().enumerate() {
        if matches!(loaded.doc, Document::Form(_)) {
            forms_by_owner.entry(owner_of(i)).or_default().push(i);
        }
    }
    let orphan_count = forms_by_owner.get(&None).map_or(0, Vec::len);
    let step = TAU / procedures.len().max(1) as f64;
    for (owner, forms) in &forms_by_owner {
        for (k, &f) in forms.iter().enumerate() {
            let angle = match owner.and_then(|o| angle_of.get(&o)) {
                Some(base) => {
                    base + step * 0.8 * ((k as f64 + 1.0) / (forms.len() as f64 + 1.0) - 0.5)
                }
                None => TAU * k as f64 / orphan_count.max(1) as f64,
            };
            let radius = outer + 48.0 * (k % 3) as f64;
            angle_of.insert(f, angle);
            nodes.insert(Ok(f), doc_node(library, f, radius, angle));
        }
    }
    for &p in &procedures {
        nodes.insert(Ok(p), doc_node(library, p, inner, angle_of[&p]));
    }
    let edges = grouped_edges(graph);
    for (target, _, from) in &edges {
        if let Err(cited) = target {
            let key = Err(cited.clone());
            if !nodes.contains_key(&key) {
                let angle =
                    angle_of.get(from).copied().unwrap_or(0.0) + 0.03 * nodes.len() as f64 % 0.3;
                let mut n = node("?", cited, None, far, angle);
                n.unresolved = true;
                nodes.insert(key, n);
            }
        }
    }
    let size = (far + 120.0) * 2.0;
    let c = size / 2.0;
    let lang = library.config.lang;
    let label = html_escape(crate::render::labels::word(lang, "graph"));
    let cjk = crate::render::view::LangCodes::of(lang).cjk;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size:.0} {size:.0}\" width=\"{size:.0}\" height=\"{size:.0}\" font-family=\"Liberation Sans, Arial, Noto Sans CJK {cjk}, sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"{label}\">\n\
<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#666\"/></marker>\
<marker id=\"r\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#c00000\"/></marker></defs>\n\
<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    );
    out.push_str("<g class=\"edges\" stroke-width=\"0.8\" fill=\"none\">\n");
    for (target, sections, from) in &edges {
        let Some(a) = nodes.get(&Ok(*from)) else {
            continue;
        };
        let (b, red) = match target {
            Ok(Target::Doc(t)) => (nodes.get(&Ok(*t)), false),
            Err(cited) => (nodes.get(&Err(cited.clone())), true),
            _ => (None, false),
        };
        let Some(b) = b else { continue };
        let (stroke, marker) = if red {
            ("#c00000", "r")
        } else {
            ("#8899aa", "a")
        };
        let _ = writeln!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{stroke}\" marker-end=\"url(#{marker})\"{}><title>{} → {} ({})</title></line>",
            c + a.x,
            c + a.y,
            c + b.x,
            c + b.y,
            if red { " stroke-dasharray=\"4 3\"" } else { "" },
            html_escape(&a.id),
            html_escape(if b.unresolved { &b.title } else { &b.id }),
            html_escape(&sections.join(", "))
        );
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (key, n) in &nodes {
        let (fill, stroke, dash, text_fill) = match (n.unresolved, n.status) {
            (true, _) => ("#fff0f0", "#c00000", " stroke-dasharray=\"3 2\"", "#c00000"),
            (_, Some(Status::Obsolete)) => {
                ("#eeeeee", "#777777", " stroke-dasharray=\"3 2\"", "#777777")
            }
            (_, Some(Status::Draft)) => {
                ("#eef3fb", "#1f4e9e", " stroke-dasharray=\"3 2\"", "#1f4e9e")
            }
            _ => ("#ffffff", "#334455", "", "#1a1a1a"),
        };
        let (label, subtitle) = if n.unresolved {
            ("?".to_owned(), format!("《{}》", short(&n.title, 9)))
        } else {
            (n.id.clone(), short(&n.title, 8))
        };
        let measure = |t: &str| {
            t.chars()
                .map(|ch| if ch.is_ascii() { 6.6 } else { 11.5 })
                .sum::<f64>()
                + 10.0
        };
        let width = measure(&label).max(measure(&subtitle));
        let link = match key {
            Ok(i) => href(Target::Doc(*i)),
            Err(_) => None,
        };
        let words = crate::render::labels::of(library.config.lang);
        let status = match (n.unresolved, n.status) {
            (true, _) => format!(" ({})", words["unresolved"]),
            (_, Some(Status::Obsolete)) => format!(" ({})", words["status_obsolete"]),
            (_, Some(Status::Draft)) => format!(" ({})", words["status_draft"]),
            _ => String::new(),
        };
        if let Some(link) = &link {
            let _ = write!(out, "<a href=\"{}\">", html_escape(link));
        }
        let _ = write!(
            out,
            "<g class=\"node\" data-id=\"{}\"><title>{} {}{status}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"30\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{text_fill}\"><tspan font-weight=\"bold\">{}</tspan><tspan x=\"{:.1}\" dy=\"13\" font-size=\"10\">{}</tspan></text></g>",
            html_escape(&n.id),
            html_escape(&n.id),
            html_escape(&n.title),
            c + n.x - width / 2.0,
            c + n.y - 15.0,
            c + n.x,
            c + n.y - 3.0,
            html_escape(&label),
            c + n.x,
            html_escape(&subtitle)
        );
        if link.is_some() {
            out.push_str("</a>");
        }
        out.push('\n');
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn node(id: &str, title: &str, status: Option<Status>, radius: f64, angle: f64) -> Node {
    Node {
        id: id.to_owned(),
        title: title.to_owned(),
        status,
        unresolved: false,
        x: radius * angle.cos(),
        y: radius * angle.sin(),
    }
}

/// Place a document of the set on its ring, labelled with its id, title and status.
fn doc_node(library: &Library, doc: usize, radius: f64, angle: f64) -> Node {
    let header = library.documents[doc].doc.header();
    node(
        &header.id.value.0,
        &header.title.value.0,
        Some(header.status.value),
        radius,
        angle,
    )
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}
