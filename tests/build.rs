//! `docctl build`: snapshots of the generated Typst, HTML and Markdown, and tests on the PDFs
//! themselves (text, pages, fonts, literal printing of hostile text, reproducibility, cache).

mod common;

use std::fs;
use std::process::Command;

use common::{build, docctl, fixture, pages, pdftotext};
use docctl::render::{self, Formats};

fn render_fixture(name: &str) -> Vec<(String, String)> {
    let root = fixture(name);
    let library = docctl::load::load(&root).unwrap();
    let (index, _) = docctl::validate::Index::build(&library);
    let templates = render::templates::Templates::load(&root).unwrap();
    let files = std::sync::Mutex::new(Vec::new());
    let sink = |path: &str, bytes: &[u8]| {
        files
            .lock()
            .unwrap()
            .push((path.to_owned(), String::from_utf8_lossy(bytes).into_owned()));
        Ok(())
    };
    let formats = Formats {
        pdf: true,
        html: true,
        md: true,
        xlsx: false,
        docx: false,
    };
    render::render(
        &library,
        &index,
        &templates,
        formats,
        &[],
        None,
        None,
        &sink,
    )
    .unwrap();
    let mut files = files.into_inner().unwrap();
    files.sort();
    files
}

#[test]
fn snapshots_of_generated_sources() {
    let files = render_fixture("valid");
    for (path, text) in &files {
        if path.ends_with(".typ")
            || path.ends_with(".html")
            || path.ends_with(".md")
            || path == "manifest.json"
        {
            let name = path.replace('/', "__");
            insta::assert_snapshot!(name, text);
        }
    }
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "procedures/QP-7.5-01.typ",
        "procedures/QP-7.5-01.html",
        "procedures/QP-7.5-01.md",
        "forms/QR-7.5-01-01.typ",
        "forms/QR-7.5-01-01.html",
        "manifest.json",
        "index.html",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} not rendered: {paths:?}"
        );
    }
}

#[test]
fn steps_are_numbered_by_the_tool_and_citations_are_links() {
    let files = render_fixture("valid");
    let html = &files
        .iter()
        .find(|(p, _)| p == "procedures/QP-7.5-01.html")
        .unwrap()
        .1;
    assert!(html.contains(r#"<span class="num">5.1</span>"#), "{html}");
    assert!(html.contains(r#"<span class="num">5.1.1</span>"#), "{html}");
    assert!(
        html.contains(
            r#"<a class="cite" href="../forms/QR-7.5-01-01.html">《文件发放登记表》</a>"#
        ),
        "{html}"
    );
    // Cited in traditional characters, linked to the simplified title's page.
    assert!(
        html.contains(
            r#"<a class="cite" href="../procedures/QP-7.5-02.html">《記錄控制程序》</a>"#
        ),
        "{html}"
    );
    let typ = &files
        .iter()
        .find(|(p, _)| p == "procedures/QP-7.5-01.typ")
        .unwrap()
        .1;
    assert!(
        typ.contains(r#"#link("../forms/QR-7.5-01-01.pdf")[《文件发放登记表》]"#),
        "{typ}"
    );
}

#[test]
fn injection_text_is_escaped_in_html_and_typst_sources() {
    let files = render_fixture("injection");
    let html = &files
        .iter()
        .find(|(p, _)| p.ends_with(".html") && p.starts_with("procedures/"))
        .unwrap()
        .1;
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let typ = &files
        .iter()
        .find(|(p, _)| p.ends_with(".typ") && p.starts_with("procedures/"))
        .unwrap()
        .1;
    for line in typ.lines().filter(|l| l.contains("passwd")) {
        assert!(
            line.contains(r#"\#read\(\"\/etc\/passwd\"\)"#)
                || line.contains(r##""#read(\"/etc/passwd\") 注入测试""##),
            "unescaped: {line}"
        );
    }
    // The id is made safe: no path leaves output/.
    for (path, _) in &files {
        assert!(
            !path.contains("..") || !path.split('/').any(|part| part == ".."),
            "{path}"
        );
        assert!(!path.starts_with('/'), "{path}");
    }
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn pdf_carries_title_number_steps_and_page_x_of_y() {
    let out = tempfile::TempDir::new().unwrap();
    let result = build(&fixture("valid"), out.path(), &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = out.path().join("procedures/QP-7.5-01.pdf");
    let text = squash(&pdftotext(&pdf, None));
    for needle in [
        "文件控制程序",
        "QP-7.5-01",
        "A/1",
        "2026-09-01",
        "未经批准\u{ff0c}不准复印",
        "受控文件",
        "编制",
        "张三",
        "王五",
        "修订记录",
        "增加作废文件回收",
    ] {
        assert!(
            text.contains(&squash(needle)),
            "{needle} missing from the PDF"
        );
    }
    let source = fs::read_to_string(fixture("valid/procedures/QP-7.5-01.yaml")).unwrap();
    let yaml: serde_json::Value = serde_json::to_value(
        docctl::load::parse::<docctl::model::Procedure>("x", &source)
            .map(|p| {
                p.steps
                    .iter()
                    .flat_map(|s| std::iter::once(s).chain(s.steps.iter()))
                    .filter_map(|s| s.text.as_ref().map(|t| t.to_string()))
                    .collect::<Vec<_>>()
            })
            .unwrap(),
    )
    .unwrap();
    for step in yaml.as_array().unwrap() {
        assert!(
            text.contains(&squash(step.as_str().unwrap())),
            "step text missing from the PDF: {step}"
        );
    }
    assert!(
        text.contains("5.1") && text.contains("5.1.1"),
        "steps are numbered"
    );
    let n = pages(&pdf);
    for page in 1..=n {
        let page_text = squash(&pdftotext(&pdf, Some(page)));
        assert!(
            page_text.contains(&format!("第{page}页共{n}页")),
            "page {page} lacks 第 {page} 页 共 {n} 页"
        );
    }
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let cjk: Vec<&str> = fonts.lines().filter(|l| l.contains("CJK")).collect();
    assert!(
        cjk.iter().any(|l| l.contains("NotoSerifCJK"))
            && cjk.iter().any(|l| l.contains("NotoSansCJK")),
        "{fonts}"
    );
    for line in &cjk {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {line}");
    }
    // The form PDF and the portal exist too, and the manifest lists the outputs.
    assert!(pages(&out.path().join("forms/QR-7.5-01-01.pdf")) >= 1);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("manifest.json")).unwrap())
            .unwrap();
    let entry = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "QP-7.5-01")
        .unwrap();
    assert_eq!(entry["outputs"]["pdf"], "procedures/QP-7.5-01.pdf");
    assert_eq!(entry["status"], "effective");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn hostile_text_prints_literally_in_the_pdf() {
    let out = tempfile::TempDir::new().unwrap();
    let result = build(&fixture("injection"), out.path(), &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = fs::read_dir(out.path().join("procedures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let text = squash(&pdftotext(&pdf, None));
    for literal in [
        r#"#read("/etc/passwd")"#,
        "#setpage(width:1cm)目的",
        "<script>alert(1)</script>",
        "$x^2$",
        "@ref",
        "a*b",
        "snake_case",
        r"C:\temp\new",
        r#"#import"@preview/cetz:0.3.0":*"#,
        "=伪标题",
        "不是列表/不是术语:1.不是编号+加号~波浪#linebreak()",
        "#strong[change]",
        "<i>张三</i>",
        r#"#{panic("boom")}"#,
    ] {
        assert!(
            text.contains(&squash(literal)),
            "`{literal}` did not print literally:\n{text}"
        );
    }
    let info =
        String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(
        info.contains("(A4)"),
        "#set page in the text changed the page: {info}"
    );
    // Nothing was written outside the output folder.
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        assert!(entry.path().starts_with(out.path()));
    }
    assert!(!fixture("injection").join("etc").exists());
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn two_builds_are_byte_identical_and_the_second_compiles_nothing() {
    let a = tempfile::TempDir::new().unwrap();
    let b = tempfile::TempDir::new().unwrap();
    assert!(build(&fixture("valid"), a.path(), &[]).status.success());
    assert!(build(&fixture("valid"), b.path(), &[]).status.success());
    for pdf in [
        "procedures/QP-7.5-01.pdf",
        "procedures/QP-7.5-02.pdf",
        "forms/QR-7.5-01-01.pdf",
    ] {
        let first = fs::read(a.path().join(pdf)).unwrap();
        let second = fs::read(b.path().join(pdf)).unwrap();
        assert!(first == second, "{pdf} differs between two builds");
        assert!(first.len() > 10_000);
    }
    let again = build(&fixture("valid"), a.path(), &[]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("(0 PDF compiled, 3 unchanged)"), "{stderr}");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn english_documents_build() {
    let out = tempfile::TempDir::new().unwrap();
    let result = build(&fixture("english"), out.path(), &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = out.path().join("procedures/QP-10.2.pdf");
    let text = squash(&pdftotext(&pdf, None));
    for needle in [
        "Corrective Action Procedure",
        "Document No.",
        "Page 1 of 2",
        "Revision history",
        "5.1.1",
        "Do not copy without approval",
        // The flow chart (on page 2) in English words.
        "Flow chart",
        "Start",
        "End",
    ] {
        assert!(text.contains(&squash(needle)), "{needle} missing:\n{text}");
    }
}

#[test]
fn missing_typst_explains_and_html_still_builds() {
    let out = tempfile::TempDir::new().unwrap();
    let result = docctl()
        .arg("build")
        .arg(fixture("valid"))
        .arg("--out")
        .arg(out.path())
        .env("DOCCTL_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("typst not found"), "{stderr}");
    assert!(
        stderr.contains("cargo install --locked typst-cli --version 0.15.1"),
        "{stderr}"
    );
    assert!(out.path().join("procedures/QP-7.5-01.html").is_file());
    assert!(out.path().join("index.html").is_file());
}

#[test]
fn a_set_with_errors_gets_its_portal_with_the_problems_but_no_pdf() {
    let out = tempfile::TempDir::new().unwrap();
    let result = build(&fixture("invalid/ref-unresolved"), out.path(), &[]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("no PDF, Excel or Word file was built"),
        "{stderr}"
    );
    assert!(
        !out.path().join("procedures/QP-7.5-01.pdf").exists(),
        "no controlled PDF from a set with errors"
    );
    assert!(!out.path().join("forms/QR-7.5-01-01.xlsx").exists());
    let page = fs::read_to_string(out.path().join("procedures/QP-7.5-01.html")).unwrap();
    assert!(
        page.contains(r#"<span class="unresolved" title="未找到此文件">《记录管理程序》</span>"#),
        "{page}"
    );
    assert!(
        page.contains("[ref-unresolved] 25:24"),
        "the page lists its problems"
    );
    let problems = fs::read_to_string(out.path().join("problems.html")).unwrap();
    assert!(
        problems.contains("ref-unresolved")
            && problems.contains("procedures/QP-7.5-01.yaml</a>:25:24"),
        "{problems}"
    );
    let graph = fs::read_to_string(out.path().join("graph.html")).unwrap();
    assert!(
        graph.contains("《记录管理程序》") && graph.contains("#c00000"),
        "unresolved references are red in the graph"
    );
}

#[test]
fn templates_export_and_override() {
    let dir = tempfile::TempDir::new().unwrap();
    common::copy_dir(&fixture("valid"), dir.path());
    docctl()
        .args(["templates", "export"])
        .arg(dir.path())
        .assert()
        .success();
    let template = dir.path().join("templates/procedure.md.tera");
    assert!(template.is_file());
    let text = fs::read_to_string(&template).unwrap();
    fs::write(&template, format!("OVERRIDDEN {{{{ doc.id }}}}\n{text}")).unwrap();
    let out = dir.path().join("output");
    assert!(build(dir.path(), &out, &["--to", "md"]).status.success());
    let md = fs::read_to_string(out.join("procedures/QP-7.5-01.md")).unwrap();
    assert!(md.starts_with("OVERRIDDEN QP-7.5-01"), "{md}");
}

/// Copy the valid fixture into a temporary folder, with one template overridden.
fn valid_with_template(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    common::copy_dir(&fixture("valid"), dir.path());
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::write(dir.path().join("templates").join(name), text).unwrap();
    dir
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_missing_font_is_an_error_not_a_pdf_of_boxes() {
    let template = render::templates::BUILTIN
        .iter()
        .find(|(n, _)| *n == "header.typ.tera")
        .unwrap()
        .1;
    let broken = template.replace(
        "#let serif = (latin(\"Liberation Serif\"), \"Noto Serif CJK {{ doc.cjk }}\")",
        "#let serif = (\"No Such Font\",)",
    );
    assert_ne!(broken, template);
    let dir = valid_with_template("header.typ.tera", &broken);
    let out = dir.path().join("output");
    let result = build(dir.path(), &out, &["--to", "pdf"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("procedures/QP-7.5-01.pdf: typst failed"),
        "the document is named: {stderr}"
    );
    assert!(
        stderr.contains("unknown font family: no such font"),
        "typst's own diagnostic passes through: {stderr}"
    );
    assert!(
        !out.join("procedures/QP-7.5-01.pdf").exists(),
        "no PDF full of boxes"
    );
}

#[test]
fn templates_may_not_import_preview_packages() {
    let dir = valid_with_template(
        "procedure.typ.tera",
        "#import \"@preview/cetz:0.3.0\": canvas\n{{ doc.title }}\n",
    );
    let result = build(dir.path(), &dir.path().join("output"), &["--to", "pdf"]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("must not import `@preview` packages")
    );
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn typst_errors_name_the_document_and_keep_the_previous_pdf() {
    let dir = valid_with_template("procedure.md.tera", "{{ doc.id }}\n");
    let out = dir.path().join("output");
    assert!(build(dir.path(), &out, &["--to", "pdf"]).status.success());
    let before = fs::read(out.join("procedures/QP-7.5-01.pdf")).unwrap();
    fs::write(
        dir.path().join("templates/procedure.typ.tera"),
        "#let x = (\n{{ doc.title }}\n",
    )
    .unwrap();
    let result = build(dir.path(), &out, &["--to", "pdf"]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("procedures/QP-7.5-01.pdf: typst failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("main.typ:"),
        "typst's diagnostic with its position: {stderr}"
    );
    assert_eq!(
        fs::read(out.join("procedures/QP-7.5-01.pdf")).unwrap(),
        before,
        "the released PDF is untouched"
    );
}
