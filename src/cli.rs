//! The command line: clap derive types; the doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Controlled documents for ISO 9001 quality management systems: procedures (程序文件) and
/// record forms (记录表单) kept as YAML, checked, rendered and revision-controlled.
#[derive(Debug, Parser)]
#[command(name = "docctl", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate a documentation set: references, departments, approvals, history.
    /// Writes nothing. Exit code 0: no errors; 1: the documents have errors; 2: docctl could not run.
    Check(CheckArgs),
    /// Check the set, then render every document into output/: controlled PDFs (through
    /// typst), HTML pages and Markdown, plus output/manifest.json and output/index.html.
    Build(BuildArgs),
    /// Turn legacy procedure documents (.docx, .md, .txt in UTF-8 or GB18030) into draft
    /// procedure YAML: one file per procedure found (a text file may hold several), with a
    /// report on stderr of what was guessed, the passages skipped and the numbering errors of
    /// the source. Exit code 0: procedures written; 1: none found; 2: a file could not be read.
    Import(ImportArgs),
    /// Create a new documentation set (config, one procedure, one form) that checks clean.
    Init {
        /// The folder to create the set in (created if missing; must not hold a docctl.yaml).
        dir: PathBuf,
    },
    /// Write the JSON Schemas (draft-07) of docctl.yaml, procedures and forms to DIR/schema/,
    /// for editors that validate YAML as you type (yaml-language-server).
    Schema {
        /// The documentation set's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Work with the built-in templates.
    Templates {
        /// What to do with them.
        #[command(subcommand)]
        action: TemplatesAction,
    },
}

/// `docctl templates …`.
#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Write the built-in templates to DIR/templates/ for editing; a file there overrides the
    /// built-in of the same name. Existing files are kept.
    Export {
        /// The documentation set's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// Arguments of `docctl build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The documentation set's folder (holding docctl.yaml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The outputs to build, comma-separated: pdf, html, md.
    #[arg(long, value_name = "FORMATS", default_value = "pdf,html,md")]
    pub to: String,
    /// The output folder; default: DIR/output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How many typst processes run at once; default: the number of CPUs.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// The date periodic reviews are measured against (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Arguments of `docctl import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The files to import: .docx, .md or .txt.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The folder to write the procedures to; the set's docctl.yaml (in a folder above it)
    /// gives the version scheme and the department names.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        default_value = "procedures"
    )]
    pub out: PathBuf,
    /// Overwrite files that already exist in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print the report without writing any file.
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `docctl check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The documentation set's folder (holding docctl.yaml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// The date periodic reviews are measured against (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style: the source line, a caret under the text, the help.
    Human,
    /// The JSON of DESIGN.md: {"diagnostics": [...], "summary": {...}}.
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
    /// GitHub Actions workflow commands (::error file=...).
    Github,
}
