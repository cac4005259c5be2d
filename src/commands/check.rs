//! `docctl check`: load + validate, print, and tell whether the set passes.

use std::io::IsTerminal as _;

use crate::cli::Format;
use crate::diagnostic::{self, Code, Diagnostic};
use crate::error::Error;
use crate::load;
use crate::settings::CheckSettings;
use crate::{validate, verify};

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    /// Everything found.
    pub diagnostics: Vec<Diagnostic>,
    /// How many document files were found.
    pub documents: usize,
}

impl Report {
    /// Return whether the check fails (errors, or any warning under `strict`; an overdue
    /// review only with `review_as_error`, so the result does not change with the calendar).
    pub fn fails(&self, strict: bool, review_as_error: bool) -> bool {
        self.diagnostics.iter().any(|d| {
            if d.code == Code::ReviewOverdue {
                review_as_error
            } else {
                d.fails(strict)
            }
        })
    }
}

/// Run `docctl check`; return whether it passed.
pub fn run(settings: &CheckSettings) -> Result<bool, Error> {
    let library = load::load(&settings.root)?;
    let mut diagnostics = validate::validate(&library, settings.today);
    if settings.verify_signatures {
        diagnostics.extend(verify::signatures(&library, &settings.root));
        validate::sort(&mut diagnostics);
    }
    let report = Report {
        documents: library.files,
        diagnostics,
    };
    print(settings, &report, &library.sources);
    Ok(!report.fails(settings.strict, settings.review_as_error))
}

fn print(settings: &CheckSettings, report: &Report, sources: &diagnostic::Sources) {
    let diagnostics = &report.diagnostics;
    match settings.format {
        Format::Human => {
            let color = std::io::stderr().is_terminal();
            eprint!("{}", diagnostic::render_human(diagnostics, sources, color));
            let (errors, warnings) = diagnostic::count(diagnostics);
            eprintln!(
                "checked {} documents: {errors} error(s), {warnings} warning(s)",
                report.documents
            );
        }
        Format::Json => println!("{}", diagnostic::render_json(diagnostics, report.documents)),
        Format::Sarif => println!(
            "{}",
            diagnostic::render_sarif(diagnostics, &settings.location)
        ),
        Format::Github => {
            let prefix = &settings.location.prefix;
            print!("{}", diagnostic::render_github(diagnostics, prefix));
            let (errors, warnings) = diagnostic::count(diagnostics);
            println!(
                "docctl: checked {} documents: {errors} error(s), {warnings} warning(s)",
                report.documents
            );
        }
    }
}

/// Run `docctl check` from its command line; return whether the set passed.
pub fn invoke(args: &crate::cli::CheckArgs) -> Result<bool, Error> {
    run(&CheckSettings::from_args(args)?)
}
