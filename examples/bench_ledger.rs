//! Write a ledger that releases every effective document of a set as it is (true content
//! hashes; each release folder holds the document's YAML as its one archived file, which the
//! archive survey checks), so that `bench/run.sh` can time `check` with the CI gate comparing
//! every document. Usage: `bench_ledger SET_DIR`.

use std::collections::BTreeMap;

use docctl::publish::{Ledger, LedgerDoc, Release};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args()
        .nth(1)
        .ok_or("usage: bench_ledger SET_DIR")?;
    let library = docctl::load::load(std::path::Path::new(&root))?;
    let mut ledger = Ledger::new();
    let ids: Vec<String> = library
        .documents
        .iter()
        .map(|d| d.doc.header().id.value.0.clone())
        .collect();
    for (n, loaded) in library.documents.iter().enumerate() {
        let header = loaded.doc.header();
        let version = header.version.value.0.clone();
        let path = docctl::publish::release_path(&header.id.value, &version);
        let name = format!("{}.yaml", header.id.value.slug());
        let text = library
            .sources
            .get(&loaded.file)
            .ok_or("a document without its source")?;
        let folder = std::path::Path::new(&root).join("published").join(&path);
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join(&name), text.as_bytes())?;
        let files = BTreeMap::from([(name, docctl::publish::sha256(text.as_bytes()))]);
        // Each release cites a neighbour at its current version: no suspect references,
        // but every citation is looked up.
        let cites = BTreeMap::from([(ids[(n + 1) % ids.len()].clone(), version.clone())]);
        let release = Release {
            version: version.clone(),
            title: header.title.value.0.clone(),
            effective: header
                .effective
                .map(|d| d.value.to_string())
                .unwrap_or_default(),
            released: "2026-09-01".to_owned(),
            path,
            content_sha256: docctl::publish::content_hash(&loaded.doc),
            files,
            cites,
            superseded: None,
        };
        ledger.documents.insert(
            header.id.value.0.clone(),
            LedgerDoc {
                kind: loaded.doc.kind(),
                slug: header.id.value.slug(),
                releases: vec![release],
            },
        );
    }
    let path = docctl::publish::ledger_path(std::path::Path::new(&root));
    docctl::write::write_atomic(&path, ledger.to_json().as_bytes())?;
    eprintln!(
        "wrote {} ({} releases)",
        path.display(),
        ledger.documents.len()
    );
    Ok(())
}
