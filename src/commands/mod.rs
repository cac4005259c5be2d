//! One file per subcommand, each a short script of stage calls.

pub mod ack;
pub mod approve;
pub mod build;
pub mod check;
pub mod diff;
pub mod import;
pub mod init;
pub mod issue;
pub mod list;
pub mod publish;
pub mod record;
pub mod refs;
pub mod request;
pub mod revise;
pub mod schema;
pub mod serve;
pub mod withdraw;
