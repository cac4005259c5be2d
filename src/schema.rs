//! The JSON Schemas (draft-07) for editors, generated from the model types, and their writer.

use std::path::Path;

use schemars::generate::SchemaSettings;

use crate::error::Error;
use crate::model::{Config, Form, Instruction, Manual, Procedure};
use crate::write::write_atomic;

/// The schema files, by name, with their JSON text.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn one<T: schemars::JsonSchema>(title: &str) -> String {
        let mut schema = SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<T>();
        schema.insert("title".into(), title.into());
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
    vec![
        ("config.schema.json", one::<Config>("docctl.yaml")),
        (
            "procedure.schema.json",
            one::<Procedure>("docctl procedure"),
        ),
        ("form.schema.json", one::<Form>("docctl record form")),
        ("manual.schema.json", one::<Manual>("docctl quality manual")),
        (
            "instruction.schema.json",
            one::<Instruction>("docctl work instruction"),
        ),
    ]
}

/// Write the schemas to `dir/schema/`.
pub fn write(dir: &Path) -> Result<(), Error> {
    for (name, text) in schemas() {
        let path = dir.join("schema").join(name);
        write_atomic(&path, text.as_bytes())?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
