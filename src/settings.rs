//! Command-line flags resolved once into the settings the stages use; stages never see clap.

use std::path::PathBuf;

use crate::cli::{CheckArgs, Format};
use crate::error::Error;
use crate::model::Date;

/// What `check` needs to run.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// The set's folder.
    pub root: PathBuf,
    /// How to print.
    pub format: Format,
    /// Whether warnings fail.
    pub strict: bool,
    /// The date periodic reviews are measured against.
    pub today: Date,
}

impl CheckSettings {
    /// Resolve `check`'s arguments.
    pub fn from_args(args: &CheckArgs) -> Result<Self, Error> {
        Ok(CheckSettings {
            root: args.dir.clone(),
            format: args.format,
            strict: args.strict,
            today: parse_today(args.today.as_deref())?,
        })
    }
}

/// Parse `--today`, or take the current local date.
pub fn parse_today(today: Option<&str>) -> Result<Date, Error> {
    match today {
        Some(text) => text
            .parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|_| Error::Usage(format!("invalid --today `{text}`: expected YYYY-MM-DD"))),
        None => Ok(Date(jiff::Zoned::now().date())),
    }
}
