//! One file per subcommand, each a short script of stage calls.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod schema;
