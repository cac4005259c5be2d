//! One file per subcommand, each a short script of stage calls.

pub mod build;
pub mod check;
pub mod init;
pub mod record;
pub mod refs;
pub mod schema;
