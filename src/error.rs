//! Failures of the tool itself (as opposed to problems in the user's documents).

use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Sources};

/// Why docctl could not do its job; exits with code 2.
#[derive(Debug)]
pub enum Error {
    /// A file or folder could not be read or written.
    Io {
        /// The path involved.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The folder holds no `docctl.yaml`.
    NoConfig(PathBuf),
    /// `docctl.yaml` is malformed; the diagnostics say where.
    Config {
        /// The problems found.
        diagnostics: Vec<Diagnostic>,
        /// The text of docctl.yaml, for printing.
        sources: Sources,
    },
    /// Bad arguments or a request that cannot be carried out.
    Usage(String),
    /// A template does not parse or does not render.
    Template(String),
    /// typst is missing, the wrong version, or failed.
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::NoConfig(dir) => write!(
                f,
                "no docctl.yaml in {}: this is not a documentation set (create one with `docctl init DIR`)",
                dir.display()
            ),
            Error::Config { diagnostics, .. } => {
                write!(f, "docctl.yaml has {} problem(s)", diagnostics.len())
            }
            Error::Usage(message) => f.write_str(message),
            Error::Template(message) => f.write_str(message),
            Error::Typst(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}
