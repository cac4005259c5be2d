//! `docctl import`: legacy procedure documents (.docx, .md, .txt) → draft procedure YAML.
//!
//! ```text
//! read ──► split ──► number ──► structure ──► yaml
//! Source   Passage   Scanned    Outcome       String (checked by load::parse before writing)
//! lines    per doc   sections,  Draft or
//!                    items      Skipped
//! ```
//!
//! The import guesses; every guess is a [`Note`] in the report, every wrong section number in
//! the source is a diagnostic pointing at its line, and text that fits no field is kept in a
//! step marked with a `# import:` comment, so that nothing of the source is lost.

pub mod blocks;
pub mod docx;
mod guess;
mod header;
mod keywords;
mod number;
pub mod outline;
pub mod read;
pub mod split;
pub mod structure;
pub mod yaml;

pub use guess::short;

/// The word for a signing role (`prepared`, `reviewed`, `approved`) in import's comments and
/// report: 编制/审核/批准, or `Prepared by` … for an English source.
pub(crate) fn role_word(role: &str, english: bool) -> &'static str {
    match (english, role) {
        (true, "prepared") => "Prepared by",
        (true, "reviewed") => "Reviewed by",
        (true, _) => "Approved by",
        (false, "prepared") => "编制",
        (false, "reviewed") => "审核",
        (false, _) => "批准",
    }
}
pub use read::{Source, SourceKind, read};
pub use split::{Line, Passage, split};
pub use structure::{Draft, DraftStep, Outcome, RecordDraft, Settings, Skipped, build};

/// A guess the import made, for the report: where in the source, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line of the source (paragraph, for .docx).
    pub line: usize,
    /// What was guessed.
    pub text: String,
}
