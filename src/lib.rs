//! docctl: controlled documents for ISO 9001 quality management systems.
//!
//! A company keeps its procedures (程序文件) and record forms (记录表单) as YAML; docctl runs
//! them through a pipeline of stages, each with its own input and output type:
//!
//! ```text
//! load ──► validate ──► render (Tera) ──► write ──► typst (PDF) ──► publish
//! Library   Vec<Diagnostic>
//! ```
//!
//! `check` is load + validate and writes nothing. `import` ([`import`]) turns legacy .docx, .md
//! and .txt procedures into draft YAML for the set.

pub mod acroform;
pub mod cite;
pub mod cli;
pub mod commands;
pub mod coverage;
pub mod csv_file;
pub mod diagnostic;
pub mod docx;
pub mod edit;
pub mod error;
pub mod flow;
pub mod fold;
pub mod git;
pub mod graph;
pub mod import;
pub mod load;
pub mod mention;
pub mod model;
pub mod outline;
pub mod pdf;
pub mod publish;
pub mod record;
pub mod recover;
pub mod redline;
pub mod render;
pub mod request;
pub mod schema;
pub mod settings;
pub mod signers;
pub mod stamp;
pub mod suggest;
pub mod typst;
pub mod validate;
pub mod verify;
pub mod workspace;
pub mod write;
pub mod xlsx;
mod yaml_hint;

use crate::cli::{Cli, Command, TemplatesAction};
use crate::error::Error;

/// Exit code when the documents have errors.
pub const EXIT_DOCUMENT_ERRORS: u8 = 1;
/// Exit code when docctl itself could not run.
pub const EXIT_TOOL_FAILURE: u8 = 2;

/// Run a parsed command line; return whether the documents passed (the binary's `main` turns
/// this into the exit code: 0 passed, 1 document errors, 2 a tool failure).
pub fn run(cli: Cli) -> Result<bool, Error> {
    match cli.command {
        Command::Check(args) => commands::check::invoke(&args),
        Command::Build(args) => commands::build::invoke(args),
        Command::Serve(args) => commands::serve::invoke(args),
        Command::Import(args) => commands::import::invoke(&args),
        Command::Init { dir } => commands::init::invoke(&dir),
        Command::Schema { set } => commands::schema::invoke(set.dir()),
        Command::Revise(args) => commands::revise::invoke(args),
        Command::Approve(args) => commands::approve::invoke(args),
        Command::Publish(args) => commands::publish::invoke(args),
        Command::Issue(args) => commands::issue::invoke_issue(args),
        Command::Recall(args) => commands::issue::invoke_recall(args),
        Command::Request { action } => commands::request::invoke(action),
        Command::Withdraw(args) => commands::withdraw::invoke(args),
        Command::Ack(args) => commands::ack::invoke(args),
        Command::Diff(args) => commands::diff::invoke(args),
        Command::List(args) => commands::list::invoke(args),
        Command::Record { action } => commands::record::invoke(action),
        Command::Refs {
            document,
            set,
            json,
            impact,
            graph,
            missing,
        } => commands::refs::invoke(document, set, json, impact, graph, missing),
        Command::Templates {
            action: TemplatesAction::Export { set },
        } => {
            for path in render::templates::export(set.dir())? {
                eprintln!("wrote {}", path.display());
            }
            Ok(true)
        }
    }
}

/// Print a tool failure to stderr (with its diagnostics, when it has any).
pub fn report_error(error: &Error) {
    if let Error::Config {
        diagnostics,
        sources,
    } = error
    {
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        eprint!("{}", diagnostic::render_human(diagnostics, sources, color));
    }
    eprintln!("error: {error}");
}
