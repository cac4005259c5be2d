//! `docctl schema`: write the JSON Schemas for editors into the set's `schema/` folder.

use std::path::Path;

use crate::error::Error;
pub use crate::schema::schemas;

/// Run `docctl schema`.
pub fn run(dir: &Path) -> Result<(), Error> {
    crate::schema::write(dir)
}

/// Run `docctl schema DIR`.
pub fn invoke(dir: &Path) -> Result<bool, Error> {
    run(dir)?;
    Ok(true)
}
