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
pub mod pdf;
pub mod publish;
pub mod record;
pub mod redline;
pub mod render;
pub mod settings;
pub mod signers;
pub mod stamp;
pub mod suggest;
pub mod typst;
pub mod validate;
pub mod verify;
pub mod write;
pub mod xlsx;
mod yaml_hint;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::Error;

/// Exit code when the documents have errors.
pub const EXIT_DOCUMENT_ERRORS: u8 = 1;
/// Exit code when docctl itself could not run.
pub const EXIT_TOOL_FAILURE: u8 = 2;

/// Run a parsed command line; return the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Check(args) => {
            let settings = settings::CheckSettings::from_args(&args)?;
            let passed = commands::check::run(&settings)?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DOCUMENT_ERRORS)
            })
        }
        Command::Build(args) => {
            let settings = commands::build::BuildSettings {
                out: args.out.clone().unwrap_or_else(|| args.dir.join("output")),
                root: args.dir,
                formats: render::Formats::parse(&args.to)?,
                today: settings::parse_today(args.today.as_deref())?,
                jobs: args
                    .jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
                bundle: !args.no_bundle,
            };
            let built = commands::build::run(&settings)?;
            Ok(if built {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DOCUMENT_ERRORS)
            })
        }
        Command::Serve(args) => {
            commands::serve::run(&commands::serve::ServeSettings {
                root: args.dir,
                port: args.port,
                today: settings::parse_today(args.today.as_deref())?,
                pdf: !args.no_pdf,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Refs {
            document,
            dir,
            json,
            impact,
            graph,
            missing,
        } => {
            let graph = graph.map(|g| {
                if g.as_os_str() == "-" {
                    dir.join("output/graph")
                } else {
                    g
                }
            });
            commands::refs::run(&commands::refs::RefsSettings {
                root: dir,
                target: document,
                json,
                impact,
                graph,
                missing,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Record { action } => {
            let passed = match action {
                cli::RecordAction::Check { form, record, dir } => {
                    commands::record::check(&dir, &form, &record)?
                }
                cli::RecordAction::Fill {
                    form,
                    record,
                    out,
                    dir,
                    pdf,
                    force,
                } => commands::record::fill(&dir, &form, &record, &out, pdf.as_deref(), force)?,
            };
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DOCUMENT_ERRORS)
            })
        }
        Command::Import(args) => {
            let settings = commands::import::ImportSettings::from_args(&args)?;
            let imported = commands::import::run(&settings)?;
            Ok(if imported {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DOCUMENT_ERRORS)
            })
        }
        Command::Templates {
            action: cli::TemplatesAction::Export { dir },
        } => {
            for path in render::templates::export(&dir)? {
                eprintln!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            let today = settings::parse_today(None)?;
            commands::init::run(&dir, &today.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Revise(args) => {
            commands::revise::run(&commands::revise::ReviseSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                id: args.id,
                major: args.major,
                message: crate::fold::required("-m", &args.message)?,
                by: crate::fold::required("--by", &args.by)?,
                request: args.request,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Approve(args) => {
            commands::approve::run(&commands::approve::ApproveSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                effective: match args.effective.as_deref() {
                    Some(d) => Some(commands::revise::parse_date("--effective", Some(d))?),
                    None => None,
                },
                root: args.dir,
                id: args.id,
                role: match args.role {
                    cli::Role::Prepared => "prepared",
                    cli::Role::Reviewed => "reviewed",
                    cli::Role::Approved => "approved",
                },
                name: crate::fold::required("--name", &args.name)?,
                commit: args.commit,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish(args) => {
            let published = commands::publish::run(&commands::publish::PublishSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                verify: args.verify,
                recover: args.recover,
            })?;
            Ok(if published {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_DOCUMENT_ERRORS)
            })
        }
        Command::Issue(args) => {
            commands::issue::issue(&commands::issue::IssueSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                id: args.id,
                to: args.to,
                holder: args.holder,
                copies: args.copies,
                uncontrolled: args.uncontrolled,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Recall(args) => {
            commands::issue::recall(&commands::issue::RecallSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                id: args.id,
                copy: args.copy,
                holder: args.holder,
                by: args.by,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Request { action } => {
            use commands::request;
            match action {
                cli::RequestAction::New {
                    id,
                    message,
                    by,
                    date,
                    dir,
                } => {
                    request::new(&request::NewRequest {
                        date: commands::revise::parse_date("--date", date.as_deref())?,
                        root: dir,
                        id,
                        what: message,
                        by,
                    })?;
                }
                cli::RequestAction::Approve(args) => {
                    let date = commands::revise::parse_date("--date", args.date.as_deref())?;
                    request::decide(&args.dir, &args.number, true, &args.by, &args.message, date)?;
                }
                cli::RequestAction::Reject(args) => {
                    let date = commands::revise::parse_date("--date", args.date.as_deref())?;
                    request::decide(
                        &args.dir,
                        &args.number,
                        false,
                        &args.by,
                        &args.message,
                        date,
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Withdraw(args) => {
            commands::withdraw::run(&commands::withdraw::WithdrawSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                id: args.id,
                reason: crate::fold::required("-m", &args.message)?,
                by: crate::fold::required("--by", &args.by)?,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ack(args) => {
            commands::ack::run(&commands::ack::AckSettings {
                date: commands::revise::parse_date("--date", args.date.as_deref())?,
                root: args.dir,
                id: args.id,
                of: args.of,
                by: args.by,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let formats: Vec<&str> = args.formats.split(',').map(str::trim).collect();
            if let Some(other) = formats.iter().find(|f| !matches!(**f, "pdf" | "html")) {
                return Err(Error::Usage(format!(
                    "unknown diff format `{other}`: use pdf and html"
                )));
            }
            commands::diff::run(&commands::diff::DiffSettings {
                root: args.dir,
                id: args.id,
                from: args.from,
                to: args.to,
                pdf: formats.contains(&"pdf"),
                html: formats.contains(&"html"),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::List(args) if args.due.is_some() => {
            let today = settings::parse_today(args.today.as_deref())?;
            print!(
                "{}",
                commands::list::due(&args.dir, today, args.due.unwrap_or_default())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::List(args) => {
            commands::list::run(&commands::list::ListSettings {
                root: args.dir,
                from_ledger: args.from_ledger,
                date: settings::parse_today(args.today.as_deref())?,
                formats: args.to.split(',').map(|f| f.trim().to_owned()).collect(),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { dir } => {
            commands::schema::run(&dir)?;
            Ok(ExitCode::SUCCESS)
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
