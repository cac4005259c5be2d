//! `docctl check`: load + validate, print, and tell whether the set passes.

use std::io::IsTerminal as _;

use crate::cli::Format;
use crate::diagnostic::{self, Diagnostic};
use crate::error::Error;
use crate::load;
use crate::settings::CheckSettings;
use crate::validate;

/// The outcome of a check.
#[derive(Debug)]
pub struct Report {
    /// Everything found.
    pub diagnostics: Vec<Diagnostic>,
    /// How many document files were found.
    pub documents: usize,
}

impl Report {
    /// Return whether the check fails (errors, or any warning under `strict`).
    pub fn fails(&self, strict: bool) -> bool {
        self.diagnostics.iter().any(|d| d.fails(strict))
    }
}

/// Run `docctl check`; return whether it passed.
pub fn run(settings: &CheckSettings) -> Result<bool, Error> {
    let library = load::load(&settings.root)?;
    let diagnostics = validate::validate(&library, settings.today);
    let report = Report {
        documents: library.files,
        diagnostics,
    };
    print(settings, &report, &library.sources);
    Ok(!report.fails(settings.strict))
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
        Format::Sarif => println!("{}", diagnostic::render_sarif(diagnostics)),
        Format::Github => {
            let prefix = github_prefix(&settings.root);
            print!("{}", diagnostic::render_github(diagnostics, &prefix));
            let (errors, warnings) = diagnostic::count(diagnostics);
            println!(
                "docctl: checked {} documents: {errors} error(s), {warnings} warning(s)",
                report.documents
            );
        }
    }
}

/// GitHub annotations need paths from the repository root; the set may live in a sub-folder.
fn github_prefix(root: &std::path::Path) -> String {
    let root = root.to_string_lossy();
    let trimmed = root.trim_start_matches("./").trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." || root.starts_with('/') {
        String::new()
    } else {
        format!("{trimmed}/")
    }
}
