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
    /// git is missing, a git command failed, or the repository is not as the command needs it
    /// (no work tree, no `user.email`, a revision that names no commit).
    #[error("{0}")]
    Git(String),
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// An in-place edit of a document's YAML was refused, so nothing was written.
    #[error("{0}")]
    Edit(String),
    /// Bad command-line arguments: a flag's value out of range, flags that do not go together,
    /// a file of a kind the command does not take.
    #[error("{0}")]
    Usage(String),
    /// The document, form, release, copy or change request the command names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The set or the archive is in a state that forbids the request (a released revision is
    /// never signed again, a draft is not revised, a file is in the way); nothing was written.
    #[error("{0}")]
    Refused(String),
    /// A file docctl reads is malformed or damaged: a document that does not load, an archived
    /// file that no longer matches its hash, a distribution record, a change request, a record,
    /// an import source in an unknown encoding.
    #[error("{message}")]
    Malformed {
        /// What is wrong, with the file's name.
        message: String,
        /// The parser's error, when one was wrapped.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A form's PDF is not there to fill.
    #[error("cannot read the form PDF {} ({source}): run `docctl build` first", path.display())]
    NotBuilt {
        /// The PDF looked for.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A Word file could not be written.
    #[error("{id}: cannot write the Word file: {source}")]
    Docx {
        /// The document's id.
        id: String,
        /// The zip writer's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `docctl serve` cannot listen.
    #[error("{what}: {source}")]
    Serve {
        /// What was being done.
        what: String,
        /// The socket's error.
        #[source]
        source: std::io::Error,
    },
    /// docctl made something it cannot read back (a bug to report); nothing was written.
    #[error("{message}")]
    Internal {
        /// What went wrong.
        message: String,
        /// The serializer's error, when one was wrapped.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
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

    /// A malformed file, with the parser's error as the source.
    pub fn malformed<E>(message: impl Into<String>, source: E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        Error::Malformed {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A malformed file, found by a rule rather than a parser.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Malformed {
            message: message.into(),
            source: None,
        }
    }

    /// A bug: what docctl made does not read back.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal {
            message: message.into(),
            source: None,
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::path::Path;

    use super::Error;

    #[test]
    fn an_unknown_document_is_not_found() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let library = crate::load::load(&root).unwrap();
        let error = crate::workspace::find_document(&library, "QP-9.9-99").unwrap_err();
        assert!(matches!(error, Error::NotFound(_)), "{error:?}");
        assert!(
            error
                .to_string()
                .starts_with("no document has the id or title `QP-9.9-99`")
        );
    }

    #[test]
    fn a_malformed_distribution_record_keeps_the_json_error_as_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::publish::distribution::distribution_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "{\"copies\": [").unwrap();
        let ledger = crate::publish::Ledger::default();
        let error =
            crate::publish::distribution::Distribution::load(dir.path(), &ledger).unwrap_err();
        assert!(matches!(error, Error::Malformed { .. }), "{error:?}");
        let source = error.source().expect("the JSON error is kept");
        assert!(source.downcast_ref::<serde_json::Error>().is_some());
        assert!(
            error
                .to_string()
                .contains("the distribution record is not valid")
        );
    }
}
