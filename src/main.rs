//! The `docctl` binary: parse the command line, run it, turn the result into an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `docctl refs X | head` must end quietly when the reader goes away, as other Unix tools do,
    // not panic on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE disposition at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = docctl::cli::Cli::parse();
    // The exit code is decided here and nowhere else.
    match docctl::run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(docctl::EXIT_DOCUMENT_ERRORS),
        Err(error) => {
            docctl::report_error(&error);
            ExitCode::from(docctl::EXIT_TOOL_FAILURE)
        }
    }
}
