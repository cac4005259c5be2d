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
    /// What a document cites and what cites it (被引用), directly and transitively, with the
    /// section of each citation; `--impact` for a change request; `--graph` for the whole graph.
    Refs {
        /// The document, by id or title (optional with --graph).
        document: Option<String>,
        /// The documentation set's folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// List every document and form that must be re-reviewed if the document changes.
        #[arg(long)]
        impact: bool,
        /// Write the whole reference graph as references.dot and references.svg into
        /// DIR/output/graph (or the folder given).
        #[arg(long, value_name = "FOLDER", num_args = 0..=1, default_missing_value = "-")]
        graph: Option<PathBuf>,
    },
    /// Work with filled-in records: the JSON a form's HTML page saves.
    Record {
        /// What to do with the record.
        #[command(subcommand)]
        action: RecordAction,
    },
    /// Work with the built-in templates.
    Templates {
        /// What to do with them.
        #[command(subcommand)]
        action: TemplatesAction,
    },
}

/// `docctl record …`.
#[derive(Debug, Subcommand)]
pub enum RecordAction {
    /// Check a record against its form: field names, types, options, required fields.
    Check {
        /// The form, by id or title.
        form: String,
        /// The record (JSON saved by the form's HTML page).
        record: PathBuf,
        /// The documentation set's folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Write a record into the form's fillable PDF, so that it can be printed and archived.
    Fill {
        /// The form, by id or title.
        form: String,
        /// The record (JSON saved by the form's HTML page).
        record: PathBuf,
        /// Where to write the filled PDF.
        #[arg(short, long)]
        out: PathBuf,
        /// The documentation set's folder.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The empty form PDF; default: DIR/output/forms/<slug>.pdf.
        #[arg(long)]
        pdf: Option<PathBuf>,
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
    /// The outputs to build, comma-separated: pdf, html, md, xlsx (forms).
    #[arg(long, value_name = "FORMATS", default_value = "pdf,html,md,xlsx")]
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
