//! PDFs compiled many per typst process (bundles, the default) against one process per
//! document (`--no-bundle`): same text, pages and form fields; a typst error in one document
//! of a bundle names that document and the others are still built.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Output;

use common::{copy_dir, docctl, fixture, pages, pdftotext};
use docctl::acroform::read_fields;

/// Build `set` into `out` (PDF only) with `extra` flags and `DOCCTL_PDF_BATCH=batch`.
fn build_pdf(set: &Path, out: &Path, batch: &str, extra: &[&str]) -> Output {
    docctl()
        .arg("build")
        .arg(set)
        .arg("--out")
        .arg(out)
        .args(["--to", "pdf", "--today", "2026-11-27"])
        .args(extra)
        .env("DOCCTL_PDF_BATCH", batch)
        .output()
        .unwrap()
}

fn succeeded(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// Every PDF under `out`, by its path relative to `out`.
fn pdfs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "pdf")
                && !e.path().starts_with(out.join(".docctl"))
        })
        .map(|e| {
            let name = e.path().strip_prefix(out).unwrap().display().to_string();
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Compare the two builds of `set`: text, pages, form fields (names, kinds, options,
/// rectangles within 0.5 pt) and, since both paths feed typst the same document with the same
/// timestamp, the bytes.
fn assert_paths_agree(set: &Path, batch: &str) {
    let old = tempfile::TempDir::new().unwrap();
    let new = tempfile::TempDir::new().unwrap();
    succeeded(&build_pdf(set, old.path(), batch, &["--no-bundle"]));
    succeeded(&build_pdf(set, new.path(), batch, &[]));
    let old_pdfs = pdfs(old.path());
    let new_pdfs = pdfs(new.path());
    assert_eq!(
        old_pdfs.keys().collect::<Vec<_>>(),
        new_pdfs.keys().collect::<Vec<_>>()
    );
    assert!(!old_pdfs.is_empty());
    let mut forms = 0;
    for name in old_pdfs.keys() {
        let a = old.path().join(name);
        let b = new.path().join(name);
        assert_eq!(
            pdftotext(&a, None),
            pdftotext(&b, None),
            "{name}: text differs"
        );
        assert_eq!(pages(&a), pages(&b), "{name}: page count differs");
        let fa = read_fields(&old_pdfs[name]).unwrap();
        let fb = read_fields(&new_pdfs[name]).unwrap();
        assert_eq!(fa.len(), fb.len(), "{name}: number of fields");
        for (x, y) in fa.iter().zip(&fb) {
            assert_eq!(
                (&x.name, &x.kind, x.flags, &x.options),
                (&y.name, &y.kind, y.flags, &y.options),
                "{name}"
            );
            assert_eq!(x.widgets.len(), y.widgets.len(), "{name}: {}", x.name);
            for ((pa, ra), (pb, rb)) in x.widgets.iter().zip(&y.widgets) {
                assert_eq!(pa, pb, "{name}: {} is on another page", x.name);
                for (u, v) in ra.iter().zip(rb) {
                    assert!(
                        (u - v).abs() <= 0.5,
                        "{name}: {} at {ra:?} vs {rb:?}",
                        x.name
                    );
                }
            }
        }
        if name.starts_with("forms/") {
            assert!(!fa.is_empty(), "{name} has no fields");
            forms += 1;
        }
        assert!(
            old_pdfs[name] == new_pdfs[name],
            "{name}: the bundle's PDF differs in bytes from the per-document one"
        );
    }
    assert!(forms > 0, "the set has forms");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn forms_in_one_bundle_get_the_same_pdfs_and_fields_as_one_process_each() {
    // Three documents in one bundle, the two forms side by side: each form's boxes must be
    // told apart from its neighbour's.
    assert_paths_agree(&fixture("forms"), "40");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn documents_split_over_several_bundles_get_the_same_pdfs() {
    assert_paths_agree(&fixture("valid"), "1");
}

/// Give the set a procedure template that breaks the Typst of QP-7.5-02 only.
fn break_one_document(dir: &Path) {
    let export = docctl()
        .args(["templates", "export"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(export.status.success());
    let template = dir.join("templates/procedure.typ.tera");
    let text = fs::read_to_string(&template).unwrap();
    fs::write(
        &template,
        format!("{text}\n{{% if doc.id == \"QP-7.5-02\" %}}#let broken = (\n{{% endif %}}\n"),
    )
    .unwrap();
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_typst_error_in_one_document_of_a_bundle_names_it_and_the_others_are_built() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("output");
    copy_dir(&fixture("valid"), dir.path());
    succeeded(&build_pdf(dir.path(), &out, "40", &[]));
    let before = fs::read(out.join("procedures/QP-7.5-02.pdf")).unwrap();
    for pdf in ["procedures/QP-7.5-01.pdf", "forms/QR-7.5-01-01.pdf"] {
        fs::remove_file(out.join(pdf)).unwrap();
    }

    break_one_document(dir.path());
    let result = build_pdf(dir.path(), &out, "40", &[]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("1 PDF(s) failed")
            && stderr.contains("procedures/QP-7.5-02.pdf: typst failed"),
        "{stderr}"
    );
    // typst's own diagnostic, at the line of the document's own .typ, as without bundles.
    let typ = fs::read_to_string(out.join("procedures/QP-7.5-02.typ")).unwrap();
    let line = typ.lines().position(|l| l == "#let broken = (").unwrap() + 1;
    assert!(
        stderr.contains(&format!("main.typ:{line}:")),
        "the error is at line {line} of the document: {stderr}"
    );
    assert!(!stderr.contains("QP-7.5-01.pdf: typst failed"), "{stderr}");
    // The document's neighbours in the bundle are built; the broken one keeps its old PDF.
    for pdf in ["procedures/QP-7.5-01.pdf", "forms/QR-7.5-01-01.pdf"] {
        assert!(out.join(pdf).is_file(), "{pdf} was not built: {stderr}");
    }
    assert!(
        !read_fields(&fs::read(out.join("forms/QR-7.5-01-01.pdf")).unwrap())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        fs::read(out.join("procedures/QP-7.5-02.pdf")).unwrap(),
        before
    );
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn only_changed_documents_are_compiled_again_and_bytes_stay_identical() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("output");
    copy_dir(&fixture("forms"), dir.path());
    succeeded(&build_pdf(dir.path(), &out, "40", &[]));
    let first = pdfs(&out);
    let stderr = succeeded(&build_pdf(dir.path(), &out, "40", &[]));
    assert!(stderr.contains("(0 PDF compiled, 3 unchanged)"), "{stderr}");
    // Change one form: only it is compiled again, and a fresh build of the same sources
    // gives the same bytes as the incremental one.
    let form = dir.path().join("forms/QR-8.2-01-02.yaml");
    let text = fs::read_to_string(&form).unwrap();
    let changed = text.replacen("rows: 12", "rows: 14", 1);
    assert_ne!(text, changed);
    fs::write(&form, changed).unwrap();
    let stderr = succeeded(&build_pdf(dir.path(), &out, "40", &[]));
    assert!(stderr.contains("(1 PDF compiled, 2 unchanged)"), "{stderr}");
    let second = pdfs(&out);
    let fresh = dir.path().join("fresh");
    succeeded(&build_pdf(dir.path(), &fresh, "40", &[]));
    assert_eq!(second, pdfs(&fresh), "incremental and fresh builds differ");
    let changed_pdf = "forms/QR-8.2-01-02.pdf";
    assert_ne!(first[changed_pdf], second[changed_pdf]);
    for (name, bytes) in &first {
        if name != changed_pdf {
            assert!(bytes == &second[name], "{name} changed");
        }
    }
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn publish_compiles_in_bundles_and_archives_the_pdfs_build_makes() {
    let dir = tempfile::TempDir::new().unwrap();
    copy_dir(&fixture("valid"), dir.path());
    common::run_in(dir.path(), &["publish", "--date", "2026-11-27"]);
    // No per-document typst job ran: publish took the bundle path.
    let work = dir.path().join("output/.docctl/publish");
    assert!(work.is_dir());
    assert!(!work.join("jobs").exists(), "publish compiled one by one");
    let built = tempfile::TempDir::new().unwrap();
    succeeded(&build_pdf(dir.path(), built.path(), "40", &["--no-bundle"]));
    let built = pdfs(built.path());
    let archived = pdfs(&dir.path().join("published"));
    assert_eq!(archived.len(), built.len(), "{:?}", archived.keys());
    for (path, bytes) in &archived {
        let file = Path::new(path).file_name().unwrap().to_string_lossy();
        let same = built
            .iter()
            .find(|(b, _)| b.ends_with(&format!("/{file}")))
            .unwrap_or_else(|| panic!("{path} was not built"));
        assert!(bytes == same.1, "{path} differs from {}", same.0);
    }
}
