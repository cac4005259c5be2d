//! Revision rules against the archive's ledger (the CI gate): an effective document whose
//! content differs from its released version, and citations of a document that has since been
//! released in a new version (suspect references).

use rayon::prelude::*;

use crate::cite;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::Loaded;
use crate::model::{Document, Pos, Sp, Status, Step, Text};
use crate::publish::{self, Release};
use crate::validate::{Context, Target};

/// Check every effective document against its release in the ledger.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let library = context.library;
    if library.ledger.documents.is_empty() {
        return Vec::new();
    }
    library
        .documents
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, loaded)| one(context, i, loaded))
        .collect()
}

fn one(context: &Context<'_>, i: usize, loaded: &Loaded) -> Vec<Diagnostic> {
    let library = context.library;
    let header = loaded.doc.header();
    let mut out = Vec::new();
    if header.status.value != Status::Effective {
        return out;
    }
    let id = &header.id.value.0;
    let version = &header.version.value.0;
    let Some(release) = library.ledger.release(id, version) else {
        return out;
    };
    if publish::content_hash(&loaded.doc) != release.content_sha256 {
        let changed = changed_sections(context, loaded, release);
        let what = if changed.is_empty() {
            String::new()
        } else {
            format!(" (changed: {})", changed.join(", "))
        };
        out.push(
            Diagnostic::new(
                Code::ChangedWithoutRevision,
                &loaded.file,
                header.version.pos,
                format!(
                    "{id} {version} changed without a new revision: run docctl revise{what}"
                ),
            )
            .with_width(version.chars().count())
            .with_help(format!(
                "{version} was released on {} (published/{}); run `docctl revise {id} --minor -m … --by …` for a new version, or undo the change",
                release.released, release.path
            )),
        );
    }
    let scheme = library.config.version_scheme;
    let mut places: Option<Vec<(Target, Pos, usize)>> = None;
    for (cited, then) in &release.cites {
        let Some(now) = library.ledger.current(cited) else {
            continue;
        };
        if now.version == *then
            || !publish::earlier(scheme, then, &now.version)
            || library
                .ledger
                .acknowledged(id, version, cited, &now.version)
        {
            continue;
        }
        let target = library
            .documents
            .iter()
            .position(|d| d.doc.header().id.value.0 == *cited)
            .map(Target::Doc);
        let places = places.get_or_insert_with(|| citations(context, i));
        let (pos, width) = places
            .iter()
            .find(|(t, _, _)| Some(*t) == target)
            .map_or((header.id.pos, 1), |(_, pos, width)| (*pos, *width));
        out.push(
            Diagnostic::new(
                Code::RefSuspect,
                &loaded.file,
                pos,
                format!(
                    "cites 《{}》 {then}, now {} — review",
                    now.title, now.version
                ),
            )
            .with_width(width)
            .with_help(format!(
                "{cited} was released in {} on {}; review {id} against it, then revise {id} or run `docctl ack {id} --of {cited}`",
                now.version, now.released
            )),
        );
    }
    out
}

/// Name the top-level keys whose values differ from the released YAML in the archive. Read
/// only for a document that changed, so a clean check touches no archived file.
fn changed_sections(context: &Context<'_>, loaded: &Loaded, release: &Release) -> Vec<String> {
    let slug = loaded.doc.header().id.value.slug();
    let Ok(bytes) = publish::archive::read(
        &context.library.root,
        &format!("{}/{slug}.yaml", release.path),
    ) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let Ok(released) = crate::workspace::parse_as(loaded.doc.kind(), &loaded.file, &text) else {
        return Vec::new();
    };
    let before = publish::canonical_value(&released);
    let after = publish::canonical_value(&loaded.doc);
    let empty = serde_json::Map::new();
    let before = before["document"].as_object().unwrap_or(&empty);
    let after = after["document"].as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// Return every document of the set a document cites, with where it is first cited: 《…》
/// in its texts, `related`, `records` and a form's `procedure` (with the citation's width).
pub(crate) fn citations(context: &Context<'_>, i: usize) -> Vec<(Target, Pos, usize)> {
    let loaded = &context.library.documents[i];
    let mut texts: Vec<&Sp<Text>> = Vec::new();
    let mut entries: Vec<&Sp<Text>> = Vec::new();
    match &loaded.doc {
        Document::Procedure(p) => {
            texts.extend([&p.purpose, &p.scope]);
            texts.extend(p.definitions.iter().map(|d| &d.text));
            texts.extend(p.responsibilities.iter().map(|r| &r.duties));
            steps(&p.steps, &mut texts);
            entries.extend(p.related.iter());
            entries.extend(p.records.iter().map(|r| &r.form));
        }
        Document::Form(f) => {
            texts.extend(f.instructions.iter());
            texts.extend(f.fields.iter().filter_map(|field| field.help.as_ref()));
            entries.extend(f.procedure.iter());
        }
        doc @ (Document::Manual(_) | Document::Instruction(_)) => {
            for (_, text, is_entry) in crate::graph::sections(doc) {
                if is_entry {
                    entries.push(text);
                } else {
                    texts.push(text);
                }
            }
        }
    }
    let mut found: Vec<(Target, Pos, usize)> = Vec::new();
    let mut add = |target: Option<Target>, pos: Pos, raw: &str| {
        if let Some(target @ Target::Doc(j)) = target
            && j != i
            && !found.iter().any(|(t, _, _)| *t == target)
        {
            found.push((target, pos, raw.chars().count()));
        }
    };
    for (text, is_entry) in texts
        .into_iter()
        .map(|t| (t, false))
        .chain(entries.iter().map(|&t| (t, true)))
    {
        let found = if is_entry {
            cite::scan(text)
        } else {
            context.index.citations(text)
        };
        let mut locator = context.locator(&loaded.file, text);
        for citation in found {
            let raw = citation.raw(text);
            let pos = locator.at(citation.start, raw);
            for target in crate::graph::targets(context.index, &citation) {
                add(target, pos, raw);
            }
        }
    }
    for entry in entries {
        if cite::scan(entry).is_empty() {
            add(
                context.index.resolve(entry.trim()).map(|h| h.target),
                entry.pos,
                entry.trim(),
            );
        }
    }
    found
}

fn steps<'a>(steps_: &'a [Step], texts: &mut Vec<&'a Sp<Text>>) {
    for step in steps_ {
        texts.extend(step.title.iter());
        texts.extend(step.text.iter());
        steps(&step.steps, texts);
    }
}
