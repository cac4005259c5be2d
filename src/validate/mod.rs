//! Stage 2: check a loaded [`Library`] against the rules of DESIGN.md and return every problem.
//!
//! One file per family of rules: `index` (ids, titles, uniqueness), `references`,
//! `departments`, `lifecycle` (approval, history, versions, periodic review), `forms` and
//! `revisions` (the ledger: changed released revisions, suspect references), `archive` (the
//! archive folder against the ledger, released documents gone missing) and `signers` (who may
//! sign what), `numbering` (document numbers against docctl.yaml's patterns).

mod archive;
mod clauses;
mod departments;
mod flow;
mod forms;
mod index;
mod lifecycle;
mod numbering;
mod references;
mod revisions;
mod signers;
mod values;

use crate::diagnostic::{Code, Diagnostic};
use crate::load::Library;
use crate::model::{Date, Pos, Sp, Text};

pub(crate) use index::title as title_of;
pub use index::{Hit, Index, Resolution, Target};
pub(crate) use lifecycle::review_due;
pub(crate) use revisions::citations;

/// Check the set; return every diagnostic (including those of loading), sorted by place.
pub fn validate(library: &Library, today: Date) -> Vec<Diagnostic> {
    validate_indexed(library, today).0
}

/// Check the set and also return the index it built, for the stages that follow.
///
/// Documents read without their bad values (`Library::recovered`) are checked with the rest,
/// minus what follows only from the values left out; the index returned does not hold them,
/// so no later stage renders them as if they were valid.
pub fn validate_indexed(library: &Library, today: Date) -> (Vec<Diagnostic>, Index) {
    if library.recovered.is_empty() {
        return validate_all(library, today);
    }
    let (diagnostics, _) = validate_all(&library.with_recovered(), today);
    let mut diagnostics = crate::recover::drop_consequences(diagnostics, library);
    sort(&mut diagnostics);
    (diagnostics, Index::build(library).0)
}

fn validate_all(library: &Library, today: Date) -> (Vec<Diagnostic>, Index) {
    let mut diagnostics = library.diagnostics.clone();
    if library.files == 0 {
        // CI pointed at the wrong folder must not pass.
        diagnostics.push(
            Diagnostic::new(
                Code::EmptySet,
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
    diagnostics.extend(archive::check(&context, today));
    diagnostics.extend(values::check(&context));
    diagnostics.extend(clauses::check(&context));
    diagnostics.extend(numbering::check(&context));
    diagnostics.extend(flow::check(&context));
    diagnostics.extend(signers::check(&context));
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
    /// `start` is a byte offset into the value; `raw` is the text found there. For several
    /// parts of one value, use [`Context::locator`]: it finds them all in one pass.
    pub(crate) fn locate(&self, file: &str, value: &Sp<Text>, start: usize, raw: &str) -> Pos {
        self.locator(file, value).at(start, raw)
    }

    /// Return a locator for the parts of one text value, to be asked in increasing order.
    pub(crate) fn locator<'v>(&'v self, file: &str, value: &'v Sp<Text>) -> Locator<'v> {
        let window = self.library.sources.get(file).and_then(|source| {
            let offset = value.pos.offset?;
            let mut end = value.pos.len.map_or(source.len(), |len| {
                (offset + len * 2 + 256).min(source.len())
            });
            while !source.is_char_boundary(end) {
                end -= 1;
            }
            source.get(offset..end)
        });
        Locator {
            value: value.value.as_str(),
            fallback: value.pos,
            window,
            value_cursor: 0,
            source_cursor: 0,
            counted: 0,
            line: value.pos.line,
            column: value.pos.column,
        }
    }
}

/// Maps byte offsets of one text value to lines and columns of its file, in one pass over the
/// value and its source however many citations it holds.
///
/// The value's text may differ from its source (a folded block joins lines), so each part is
/// found by searching the source for its text: the n-th occurrence in the value since the last
/// part is the n-th occurrence in the source since the last part. When a part cannot be found,
/// it and every later part get the value's own position.
pub(crate) struct Locator<'v> {
    value: &'v str,
    fallback: Pos,
    window: Option<&'v str>,
    value_cursor: usize,
    source_cursor: usize,
    /// The source offset up to which `line` and `column` are counted.
    counted: usize,
    line: u32,
    column: u32,
}

impl Locator<'_> {
    /// Return the position of `raw`, found at byte `start` of the value; `start` must not be
    /// before the end of the previous part asked for.
    pub(crate) fn at(&mut self, start: usize, raw: &str) -> Pos {
        let Some(window) = self.window else {
            return self.fallback;
        };
        if raw.is_empty() || start < self.value_cursor || start > self.value.len() {
            return self.fallback;
        }
        let Some(between) = self.value.get(self.value_cursor..start) else {
            return self.fallback;
        };
        let occurrence = between.matches(raw).count();
        let Some((found, _)) = window[self.source_cursor..]
            .match_indices(raw)
            .nth(occurrence)
        else {
            self.window = None;
            return self.fallback;
        };
        let found = self.source_cursor + found;
        let skipped = &window[self.counted..found];
        match skipped.rfind('\n') {
            None => self.column += skipped.chars().count() as u32,
            Some(last) => {
                self.line += skipped.matches('\n').count() as u32;
                self.column = skipped[last + 1..].chars().count() as u32 + 1;
            }
        }
        self.counted = found;
        self.value_cursor = start + raw.len();
        self.source_cursor = found + raw.len();
        Pos::at(self.line, self.column)
    }
}
