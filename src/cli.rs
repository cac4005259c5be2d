//! The command line: clap derive types; the doc comments are the `--help` text.

use std::path::{Path, PathBuf};

use crate::model::Date;

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
    /// Live preview: build the portal into a temporary folder, serve it on 127.0.0.1, rebuild
    /// when a YAML or template file is saved and reload the page in the browser; the set's
    /// errors show in the page with file:line:column.
    Serve(ServeArgs),
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
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
    },
    /// Start the next revision of an effective document: the next version (A/0 → A/1 with
    /// --minor, → B/0 with --major), a history entry, status back to draft, approvals and
    /// effective date cleared. Edits the YAML in place; comments and formatting stay.
    Revise(ReviseArgs),
    /// Sign a draft as prepared (编制), reviewed (审核) or approved (批准), in that order; the
    /// approval makes it effective. Edits the YAML in place.
    Approve(ApproveArgs),
    /// Archive every effective revision not yet released into published/<id>/<version>/ (PDF,
    /// HTML and the YAML as released) and record it in published/ledger.json. A released
    /// revision is never rewritten. Exit 1 when a released version's content changed.
    Publish(PublishArgs),
    /// Issue numbered copies (发放) of a document's release in force: each copy's PDF (into
    /// output/copies/) is the released PDF with 受控副本 (or 非受控 · 仅供参考), the 发放号 and the
    /// holder stamped on every page; recorded in published/distribution.json.
    Issue(IssueArgs),
    /// Record that controlled copies came back (回收): one copy, or all a holder has.
    Recall(RecallArgs),
    /// Change requests (文件更改申请) in requests/CR-YYYY-NNN.yaml: open one (with the
    /// `refs --impact` list frozen), approve or reject it; `revise --request` links a revision.
    Request {
        /// What to do.
        #[command(subcommand)]
        action: RequestAction,
    },
    /// Take a released document out of use (作废): the ledger records its withdrawal with the
    /// date, the reason and who withdrew it, and its YAML becomes `status: obsolete`. Needed
    /// before a released document's file may be deleted.
    Withdraw(WithdrawArgs),
    /// Record that a document was reviewed against the new revision of a document it cites,
    /// which silences the `ref-suspect` warning.
    Ack(AckArgs),
    /// Redline between two revisions of a document, by section and step, as HTML and PDF with
    /// a 修订对照表, into output/diff/. Default: last released → working copy.
    Diff(DiffArgs),
    /// Write the master lists — 受控文件清单 and 记录清单 — as PDF, HTML, CSV and XLSX into
    /// output/lists/, from the working set or (--from-ledger) from the released revisions.
    List(ListArgs),
    /// What a document cites and what cites it (被引用), directly and transitively, with the
    /// section of each citation; `--impact` for a change request; `--graph` for the whole graph.
    Refs {
        /// The document, by id or title (optional with --graph).
        document: Option<String>,
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
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
        /// List the documents cited but not in the set: their spellings, how often and where
        /// each is cited, and the closest existing title (the worklist after an import).
        #[arg(long, conflicts_with = "impact")]
        missing: bool,
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

/// The documentation set a command works on, given the same way to every command: as the
/// positional DIR (after the command's other positionals: `docctl revise QP-01 sets/qms`) or as
/// `--dir DIR`, the form older scripts use; not both. Default: the current folder.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SetArgs {
    /// The documentation set's folder (holding docctl.yaml); default: the current folder.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The set's folder as an option, the same as DIR (one or the other).
    #[arg(long = "dir", value_name = "DIR", conflicts_with = "dir")]
    dir_option: Option<PathBuf>,
}

impl SetArgs {
    /// Make the arguments naming `dir`, as if given positionally.
    pub fn at(dir: impl Into<PathBuf>) -> SetArgs {
        SetArgs {
            dir: Some(dir.into()),
            dir_option: None,
        }
    }

    /// Return whether the set was named, as DIR or `--dir`.
    pub fn given(&self) -> bool {
        self.dir.is_some() || self.dir_option.is_some()
    }

    /// Return the set's folder, however it was given (`.` when it was not).
    pub fn dir(&self) -> &Path {
        self.dir
            .as_deref()
            .or(self.dir_option.as_deref())
            .unwrap_or(Path::new("."))
    }
}

/// `--today`, for the commands that measure periodic reviews against a date.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TodayArg {
    /// The date periodic reviews are measured against (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
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
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
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
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
        /// The empty form PDF; default: DIR/output/forms/<slug>.pdf.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// Allow the output to replace a file inside the set's sources or output/ (never a
        /// device, a folder, a link or a file of the archive).
        #[arg(long)]
        force: bool,
    },
}

/// `docctl request …`.
#[derive(Debug, Subcommand)]
pub enum RequestAction {
    /// Open a change request for a document.
    New {
        /// The document's id (文件编号) or title.
        id: String,
        /// What should change, and why.
        #[arg(short = 'm', long = "message", value_name = "TEXT")]
        message: String,
        /// Who asks.
        #[arg(long, value_name = "NAME")]
        by: String,
        /// The date of the request (YYYY-MM-DD); default: today.
        #[arg(long, value_name = "DATE")]
        date: Option<Date>,
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
    },
    /// Approve an open request.
    Approve(DecideArgs),
    /// Reject an open request.
    Reject(DecideArgs),
}

/// Arguments of `docctl request approve|reject`.
#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The request's number (CR-2026-001).
    pub number: String,
    /// Who decides.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Why.
    #[arg(short = 'm', long = "message", value_name = "TEXT", default_value = "")]
    pub message: String,
    /// The date of the decision (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// `docctl templates …`.
#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Write the built-in templates to DIR/templates/ for editing; a file there overrides the
    /// built-in of the same name. Existing files are kept.
    Export {
        /// The documentation set.
        #[command(flatten)]
        set: SetArgs,
    },
}

/// Arguments of `docctl build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
    /// The outputs to build, comma-separated: pdf, html, md, xlsx (forms), docx (Word; not
    /// built by default).
    #[arg(
        long,
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "pdf,html,md,xlsx"
    )]
    pub to: Vec<OutputFormat>,
    /// The output folder; default: DIR/output.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How many typst processes run at once; default: the number of CPUs.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// The date periodic reviews are measured against.
    #[command(flatten)]
    pub review: TodayArg,
    /// One typst process per document instead of many documents per process (bundles);
    /// slower, for comparison and as a fallback. `pdf_bundle: false` in docctl.yaml does the same.
    #[arg(long)]
    pub no_bundle: bool,
}

/// Arguments of `docctl serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
    /// The port on 127.0.0.1 (0: any free port, printed at the start).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Do not compile PDFs in the background.
    #[arg(long)]
    pub no_pdf: bool,
    /// The date periodic reviews are measured against.
    #[command(flatten)]
    pub review: TodayArg,
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
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// The date periodic reviews are measured against.
    #[command(flatten)]
    pub review: TodayArg,
    /// Make an overdue periodic review fail the check. Without it `review-overdue` stays a
    /// warning even under --strict, so that a CI result does not change with the calendar.
    #[arg(long)]
    pub review_as_error: bool,
    /// For CI: find the git commit that added each signature of each effective document and
    /// report it (`signature-unverified`) when its author email is not the signer's, or when
    /// the signer has a `key` and the commit carries no good signature by that key.
    #[arg(long)]
    pub verify_signatures: bool,
    /// What to put before each file path in SARIF and GitHub output (e.g. `docs/qms/`).
    /// Default: the set's path from the top of its git repository, so that code-scanning
    /// alerts and annotations land on the right file wherever docctl runs from.
    #[arg(long, value_name = "PREFIX")]
    pub path_prefix: Option<String>,
}

/// An output format of `build`, `list` or `diff` (each command accepts its own subset and
/// says which when given another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// PDF through typst.
    Pdf,
    /// HTML pages.
    Html,
    /// Markdown.
    #[value(alias = "markdown")]
    Md,
    /// Excel workbooks.
    Xlsx,
    /// Word documents.
    #[value(alias = "word")]
    Docx,
    /// Comma-separated values.
    Csv,
}

impl OutputFormat {
    /// Return the format's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Pdf => "pdf",
            OutputFormat::Html => "html",
            OutputFormat::Md => "md",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Docx => "docx",
            OutputFormat::Csv => "csv",
        }
    }
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

/// Arguments of `docctl revise`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("bump").required(true).args(["major", "minor"])))]
pub struct ReviseArgs {
    /// The document's id (文件编号) or title.
    pub id: String,
    /// A major revision: A/1 → B/0, 1.1 → 2.0.
    #[arg(long)]
    pub major: bool,
    /// A minor revision: A/0 → A/1, 1.0 → 1.1.
    #[arg(long)]
    pub minor: bool,
    /// What changes (修订内容), for the history entry.
    #[arg(short = 'm', long = "message", value_name = "TEXT")]
    pub message: String,
    /// Who makes the change (修订人).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The date of the history entry (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The approved change request (CR-2026-001) this revision is made for: recorded in the
    /// history entry (and shown by the history table and the redline) and in the request.
    #[arg(long, value_name = "CR")]
    pub request: Option<String>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// The signatures of the approval block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// 编制.
    Prepared,
    /// 审核.
    Reviewed,
    /// 批准: the last signature; the document becomes effective.
    Approved,
}

/// Arguments of `docctl approve`.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The document's id (文件编号) or title.
    pub id: String,
    /// Which signature.
    #[arg(long = "as", value_enum, value_name = "ROLE")]
    pub role: Role,
    /// Who signs.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The date of the signature (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// With `--as approved`: the effective date (生效日期), to schedule it; default: the
    /// approval date.
    #[arg(long, value_name = "DATE")]
    pub effective: Option<Date>,
    /// Commit the signed file (git add + commit of that file only) with the trailer
    /// `Signed-as: ROLE ID VERSION`, as the signer: refused when git's user.email is not the
    /// signer's email in docctl.yaml.
    #[arg(long)]
    pub commit: bool,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// Arguments of `docctl publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
    /// The release date recorded in the ledger (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// Publish nothing: check every file of every release folder against the ledger (its
    /// SHA-256, and nothing more or less in the folder) and that nothing else is in published/.
    #[arg(long, conflicts_with = "recover")]
    pub verify: bool,
    /// Publish nothing: remove what an interrupted (killed) publish left — only what its
    /// staging journal lists, and only when its process is gone — and its lock.
    #[arg(long)]
    pub recover: bool,
}

/// Arguments of `docctl withdraw`.
#[derive(Debug, clap::Args)]
pub struct WithdrawArgs {
    /// The document's id (文件编号), or its title while its YAML is in the set.
    pub id: String,
    /// Why it is withdrawn.
    #[arg(short = 'm', long = "message", value_name = "TEXT")]
    pub message: String,
    /// Who withdraws it.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The date of the withdrawal (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// Arguments of `docctl ack`.
#[derive(Debug, clap::Args)]
pub struct AckArgs {
    /// The citing document's id or title.
    pub id: String,
    /// The cited document (id or title) whose new revision was reviewed.
    #[arg(long, value_name = "ID")]
    pub of: String,
    /// Who reviewed it.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub by: String,
    /// The date of the review (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// Arguments of `docctl diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The document's id (文件编号) or title.
    pub id: String,
    /// The older revision: a released version (A/0), `git:REV`, or `working`; default: the
    /// last released version.
    #[arg(long, value_name = "V")]
    pub from: Option<String>,
    /// The newer revision, as --from; default: the working copy.
    #[arg(long, value_name = "V")]
    pub to: Option<String>,
    /// The outputs: pdf, html.
    #[arg(
        long = "format",
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "pdf,html"
    )]
    pub formats: Vec<OutputFormat>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// Arguments of `docctl list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
    /// List the released revisions of the ledger (superseded ones marked 作废) instead of the
    /// working set.
    #[arg(long)]
    pub from_ledger: bool,
    /// The outputs, comma-separated: pdf, html, csv, xlsx.
    #[arg(
        long,
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "pdf,html,csv,xlsx"
    )]
    pub to: Vec<OutputFormat>,
    /// Instead of writing the lists, print the effective documents whose periodic review falls
    /// due within DAYS days (overdue ones first), and write nothing.
    #[arg(long, value_name = "DAYS")]
    pub due: Option<u32>,
    /// The date the lists are made for and `--due` counts from (YYYY-MM-DD): a revision
    /// released with a later effective date is listed as 待生效; default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<Date>,
}

/// Arguments of `docctl issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The document's id (文件编号) or title.
    pub id: String,
    /// The receiving department (领用部门); for an uncontrolled copy, whoever receives it.
    #[arg(long, value_name = "DEPT")]
    pub to: String,
    /// The person receiving the copy (领用人).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub holder: String,
    /// How many copies.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub copies: u32,
    /// Uncontrolled copies (非受控 · 仅供参考): not kept up to date, never recalled.
    #[arg(long)]
    pub uncontrolled: bool,
    /// The day of issue (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}

/// Arguments of `docctl recall`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["copy", "holder"])))]
pub struct RecallArgs {
    /// The document's id (文件编号) or title.
    pub id: String,
    /// The copy: its number (3) or its 发放号 (QP-7.5-01-A/1-003).
    #[arg(long, value_name = "N")]
    pub copy: Option<String>,
    /// Every outstanding controlled copy this person (or department) holds.
    #[arg(long, value_name = "NAME")]
    pub holder: Option<String>,
    /// Who takes the copies back (回收人).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The day they came back (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub date: Option<Date>,
    /// The documentation set.
    #[command(flatten)]
    pub set: SetArgs,
}
