//! Probe for the programs the PDF and browser tests need, so that a test which cannot run here
//! is marked `ignored` in cargo's own summary instead of passing silently.
//!
//! Tests that need typst carry `#[cfg_attr(docctl_no_typst, ignore = "needs typst …")]`; with
//! `DOCCTL_REQUIRE_TYPST=1` (as `.ci/run` sets) a missing typst fails the build instead.
//!
//! It also turns the table of diagnostic codes (`src/codes.tsv`) into the rows of the `Code`
//! enum (`$OUT_DIR/codes.rs`, read by `src/diagnostic.rs`).

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(docctl_no_typst)");
    println!("cargo::rustc-check-cfg=cfg(docctl_no_browser)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/codes.tsv");
    write_codes();
    for var in [
        "PATH",
        "DOCCTL_REQUIRE_TYPST",
        "DOCCTL_REQUIRE_BROWSER",
        "CHROMIUM",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    // Installing typst with cargo or chromium with apt changes these folders: probe again then.
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
    {
        let bin = home.join("bin");
        if bin.is_dir() {
            println!("cargo::rerun-if-changed={}", bin.display());
        }
    }
    for watched in ["/usr/bin/chromium", "tests/browser/node_modules"] {
        if Path::new(watched).exists() {
            println!("cargo::rerun-if-changed={watched}");
        }
    }

    let typst = runs("typst", &["--version"]);
    if !typst {
        if required("DOCCTL_REQUIRE_TYPST") {
            panic!("typst is not installed but DOCCTL_REQUIRE_TYPST=1: run scripts/setup.sh");
        }
        println!("cargo::rustc-cfg=docctl_no_typst");
        println!(
            "cargo::warning=typst is not installed: the PDF tests are marked ignored (run scripts/setup.sh)"
        );
    }

    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let browser = runs("node", &["--version"])
        && Path::new(&chromium).is_file()
        && Path::new("tests/browser/node_modules/playwright-core").is_dir();
    if !browser {
        if required("DOCCTL_REQUIRE_BROWSER") {
            panic!(
                "browser tests need node, {chromium} and tests/browser/node_modules (run scripts/setup.sh); DOCCTL_REQUIRE_BROWSER=1"
            );
        }
        println!("cargo::rustc-cfg=docctl_no_browser");
        println!(
            "cargo::warning=node, chromium or playwright-core is missing: the browser tests are marked ignored (run scripts/setup.sh)"
        );
    }
}

/// Write `src/codes.tsv` (family, code, severity, summary) as one `codes!` invocation whose
/// variant names are the codes in CamelCase: `ref-unresolved` → `RefUnresolved`.
fn write_codes() {
    let table = std::fs::read_to_string("src/codes.tsv").expect("src/codes.tsv");
    let mut out = String::from("codes! {\n");
    for (n, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let [family, code, severity, summary] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("src/codes.tsv:{}: want 4 tab-separated columns", n + 1);
        };
        let variant: String = code.split('-').map(capitalise).collect();
        let (family, severity) = (capitalise(family), capitalise(severity));
        out.push_str(&format!(
            "    ({family}, {variant}, {code:?}, {severity}, {summary:?}),\n"
        ));
    }
    out.push_str("}\n");
    let path = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("codes.rs");
    std::fs::write(path, out).expect("write codes.rs");
}

/// Return a word with its first letter in upper case.
fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Return whether `program args` runs and exits 0.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Return whether the environment variable demands the tool (`=1`).
fn required(var: &str) -> bool {
    std::env::var(var).as_deref() == Ok("1")
}
