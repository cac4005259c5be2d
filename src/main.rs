//! The `docctl` binary: parse the command line, run it, turn the result into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = docctl::cli::Cli::parse();
    match docctl::run(cli) {
        Ok(code) => code,
        Err(error) => {
            docctl::report_error(&error);
            ExitCode::from(docctl::EXIT_TOOL_FAILURE)
        }
    }
}
