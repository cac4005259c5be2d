//! Failures of the tool itself (as opposed to problems in the user's documents): one variant
//! per kind of failure, each keeping the error it wraps as its `source()`.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Sources};

/// Why docctl could not do its job; exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The folder holds no `docctl.yaml`.
    #[error(
        "no docctl.yaml in {}: this is not a documentation set (create one with `docctl init DIR`)",
        .0.display()
    )]
    NoConfig(PathBuf),
    /// `docctl.yaml` is malformed; the diagnostics say where.
    #[error("docctl.yaml has {} problem(s)", diagnostics.len())]
    Config {
        /// The problems found.
        diagnostics: Vec<Diagnostic>,
        /// The text of docctl.yaml, for printing.
        sources: Sources,
    },
    /// `published/ledger.json` is not valid JSON of the ledger's shape.
    #[error(
        "{}:{}:{}: the ledger is not valid ({source}); it is written by `docctl publish` only — restore it from git",
        path.display(),
        source.line(),
        source.column()
    )]
    LedgerSyntax {
        /// The ledger's path.
        path: PathBuf,
        /// The JSON error, with its line and column.
        #[source]
        source: serde_json::Error,
    },
    /// `published/ledger.json` parses but breaks one of its rules.
    #[error("{}: {problem}; the ledger is written by docctl only — restore it from git", path.display())]
    LedgerInvalid {
        /// The ledger's path.
        path: PathBuf,
        /// The rule it breaks.
        problem: String,
    },
    /// The archive is held by another publish, or cannot be locked.
    #[error("the archive is locked ({}): {state}", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it, or why it cannot be taken.
        state: String,
    },
    /// An Excel workbook could not be written.
    #[error("{what}: {source}")]
    Xlsx {
        /// What was being written.
        what: String,
        /// The writer's error.
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    /// A PDF could not be read or edited.
    #[error("{what}: {source}")]
    Pdf {
        /// What was being done.
        what: String,
        /// lopdf's error (or the writer's).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// JSON printed by another program could not be read.
    #[error("{what}: {source}")]
    Json {
        /// What was being read.
        what: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A form PDF does not hold what docctl expects of it (fields, pages).
    #[error("{0}")]
    FormPdf(String),
    /// git is missing, or a git command failed.
    #[error("{0}")]
    Git(String),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// An in-place edit of a document's YAML was refused, so nothing was written.
    #[error("{0}")]
    Edit(String),
    /// Bad arguments or a request that cannot be carried out.
    #[error("{0}")]
    Usage(String),
    /// A template does not parse or does not render.
    #[error("{0}")]
    Template(String),
    /// typst is missing, the wrong version, or failed.
    #[error("{0}")]
    Typst(String),
}

impl Error {
    /// Wrap an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Wrap a PDF error with what was being done.
    pub fn pdf<E>(what: impl Into<String>) -> impl FnOnce(E) -> Error
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let what = what.into();
        move |source| Error::Pdf {
            what,
            source: Box::new(source),
        }
    }

    /// Wrap an Excel writer error with what was being written.
    pub fn xlsx(what: impl Into<String>) -> impl Fn(rust_xlsxwriter::XlsxError) -> Error {
        let what = what.into();
        move |source| Error::Xlsx {
            what: what.clone(),
            source,
        }
    }
}
