//! Stage 2: check a loaded [`Library`] against the rules of DESIGN.md and return every problem.
//!
//! One file per family of rules: `index` (ids, titles, uniqueness), `references`,
//! `departments`, `lifecycle` (approval, history, versions, periodic review), `forms` and
//! `revisions` (the ledger: changed released revisions, suspect references).

mod clauses;
mod departments;
mod flow;
mod forms;
mod index;
mod lifecycle;
mod references;
mod revisions;

use crate::diagnostic::Diagnostic;
use crate::load::Library;
use crate::model::{Date, Pos, Sp, Text};

pub(crate) use index::title as title_of;
pub use index::{Hit, Index, Target};
pub(crate) use revisions::citations;

/// Check the set; return every diagnostic (including those of loading), sorted by place.
pub fn validate(library: &Library, today: Date) -> Vec<Diagnostic> {
    validate_indexed(library, today).0
}

/// Check the set and also return the index it built, for the stages that follow.
pub fn validate_indexed(library: &Library, today: Date) -> (Vec<Diagnostic>, Index) {
    let mut diagnostics = library.diagnostics.clone();
    if library.files == 0 {
        // CI pointed at the wrong folder must not pass.
        diagnostics.push(
            Diagnostic::error(
                "empty-set",
                "docctl.yaml",
                Pos::at(1, 1),
                "the set holds no documents: no procedures/*.yaml or forms/*.yaml beside docctl.yaml",
            )
            .with_help("check the folder given to docctl; `docctl init DIR` starts a set"),
        );
    }
    let (index, problems) = Index::build(library);
    diagnostics.extend(problems);
    let context = Context {
        library,
        index: &index,
    };
    diagnostics.extend(departments::check(&context));
    diagnostics.extend(references::check(&context));
    diagnostics.extend(lifecycle::check(&context, today));
    diagnostics.extend(forms::check(&context));
    diagnostics.extend(revisions::check(&context));
    diagnostics.extend(clauses::check(&context));
    diagnostics.extend(flow::check(&context));
    sort(&mut diagnostics);
    (diagnostics, index)
}

/// Order diagnostics by file, line and column, and drop exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column, a.code, &a.message).cmp(&(
            b.file.as_str(),
            b.line,
            b.column,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
}

/// What every rule family needs: the set and its index.
pub(crate) struct Context<'a> {
    pub(crate) library: &'a Library,
    pub(crate) index: &'a Index,
}

impl Context<'_> {
    /// Find where a part of a text value sits in its file.
    ///
    /// `start` is a byte offset into the value; `raw` is the text found there. The value's text
    /// may differ from its source (a folded block joins lines), so the source is searched for
    /// `raw` from the value's start; when it cannot be found, the value's own position is used.
    pub(crate) fn locate(&self, file: &str, value: &Sp<Text>, start: usize, raw: &str) -> Pos {
        let fallback = value.pos;
        let Some(source) = self.library.sources.get(file) else {
            return fallback;
        };
        let Some(offset) = value.pos.offset else {
            return fallback;
        };
        let occurrence = value.value.as_str()[..start].matches(raw).count();
        let mut window_end = value.pos.len.map_or(source.len(), |len| {
            (offset + len * 2 + 256).min(source.len())
        });
        while !source.is_char_boundary(window_end) {
            window_end -= 1;
        }
        let Some(window) = source.get(offset..window_end) else {
            return fallback;
        };
        let Some((found, _)) = window.match_indices(raw).nth(occurrence) else {
            return fallback;
        };
        let between = &window[..found];
        match between.rfind('\n') {
            None => Pos::at(
                value.pos.line,
                value.pos.column + between.chars().count() as u32,
            ),
            Some(last) => Pos::at(
                value.pos.line + between.matches('\n').count() as u32,
                between[last + 1..].chars().count() as u32 + 1,
            ),
        }
    }
}
