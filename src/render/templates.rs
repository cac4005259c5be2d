//! The built-in Tera templates, compiled into the binary; a file of the same name under the
//! set's `templates/` folder wins. One Tera instance per output language, each escaping every
//! `{{ value }}` for its language by default.

use std::path::Path;

use tera::{Kwargs, State, Tera, Value};

use crate::error::Error;
use crate::render::markup::{self, Lang};

/// The built-in templates: (file name under templates/, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "procedure.typ.tera",
        include_str!("../../templates/procedure.typ.tera"),
    ),
    (
        "flow.typ.tera",
        include_str!("../../templates/flow.typ.tera"),
    ),
    (
        "form.typ.tera",
        include_str!("../../templates/form.typ.tera"),
    ),
    (
        "procedure.html.tera",
        include_str!("../../templates/procedure.html.tera"),
    ),
    (
        "form.html.tera",
        include_str!("../../templates/form.html.tera"),
    ),
    (
        "index.html.tera",
        include_str!("../../templates/index.html.tera"),
    ),
    (
        "graph.html.tera",
        include_str!("../../templates/graph.html.tera"),
    ),
    (
        "coverage.html.tera",
        include_str!("../../templates/coverage.html.tera"),
    ),
    (
        "problems.html.tera",
        include_str!("../../templates/problems.html.tera"),
    ),
    (
        "signing.html.tera",
        include_str!("../../templates/signing.html.tera"),
    ),
    (
        "style.css.tera",
        include_str!("../../templates/style.css.tera"),
    ),
    (
        "procedure.md.tera",
        include_str!("../../templates/procedure.md.tera"),
    ),
    ("form.md.tera", include_str!("../../templates/form.md.tera")),
    (
        "redline.typ.tera",
        include_str!("../../templates/redline.typ.tera"),
    ),
    (
        "redline.html.tera",
        include_str!("../../templates/redline.html.tera"),
    ),
    (
        "list.typ.tera",
        include_str!("../../templates/list.typ.tera"),
    ),
    (
        "list.html.tera",
        include_str!("../../templates/list.html.tera"),
    ),
    (
        "header.typ.tera",
        include_str!("../../templates/header.typ.tera"),
    ),
    (
        "steps.typ.tera",
        include_str!("../../templates/steps.typ.tera"),
    ),
    (
        "records.typ.tera",
        include_str!("../../templates/records.typ.tera"),
    ),
    (
        "manual.typ.tera",
        include_str!("../../templates/manual.typ.tera"),
    ),
    (
        "instruction.typ.tera",
        include_str!("../../templates/instruction.typ.tera"),
    ),
    (
        "header.html.tera",
        include_str!("../../templates/header.html.tera"),
    ),
    (
        "footer.html.tera",
        include_str!("../../templates/footer.html.tera"),
    ),
    (
        "steps.html.tera",
        include_str!("../../templates/steps.html.tera"),
    ),
    (
        "records.html.tera",
        include_str!("../../templates/records.html.tera"),
    ),
    (
        "manual.html.tera",
        include_str!("../../templates/manual.html.tera"),
    ),
    (
        "instruction.html.tera",
        include_str!("../../templates/instruction.html.tera"),
    ),
    (
        "header.md.tera",
        include_str!("../../templates/header.md.tera"),
    ),
    (
        "steps.md.tera",
        include_str!("../../templates/steps.md.tera"),
    ),
    (
        "records.md.tera",
        include_str!("../../templates/records.md.tera"),
    ),
    (
        "manual.md.tera",
        include_str!("../../templates/manual.md.tera"),
    ),
    (
        "instruction.md.tera",
        include_str!("../../templates/instruction.md.tera"),
    ),
];

/// The template engines, one per output language.
pub struct Templates {
    typst: Tera,
    html: Tera,
    markdown: Tera,
}

impl Templates {
    /// Load the built-ins and the set's overrides from `templates/`.
    pub fn load(root: &Path) -> Result<Self, Error> {
        let mut sources: Vec<(String, String)> = Vec::new();
        for (file, text) in BUILTIN {
            let path = root.join("templates").join(file);
            let text = if path.is_file() {
                std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?
            } else {
                (*text).to_owned()
            };
            if text.contains("@preview/") {
                return Err(Error::Template(format!(
                    "{}: templates must not import `@preview` packages: typst would download them from the network at build time; copy what you need into the template",
                    path.display()
                )));
            }
            sources.push((file.trim_end_matches(".tera").to_owned(), text));
        }
        let engine = |suffix: &'static str, escape: tera::EscapeFn| -> Result<Tera, Error> {
            let mut tera = Tera::default();
            tera.autoescape_on(vec![suffix, ".css"]);
            tera.set_escape_fn(escape);
            tera.register_filter("typst_string", |value: &str, _: Kwargs, _: &State| {
                Value::safe_string(&markup::typst_string(value))
            });
            tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|e| Error::Template(format!("{e}{}", source_chain(&e))))?;
            Ok(tera)
        };
        Ok(Templates {
            typst: engine(".typ", escape_typst)?,
            html: engine(".html", escape_html)?,
            markdown: engine(".md", escape_markdown)?,
        })
    }

    /// Render a template (`procedure.typ`, `index.html` …) with a context.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Error> {
        let tera = match Lang::of_template(name) {
            Lang::Typst => &self.typst,
            Lang::Html => &self.html,
            Lang::Markdown => &self.markdown,
        };
        tera.render(name, context)
            .map_err(|e| Error::Template(format!("template `{name}`: {e}{}", source_chain(&e))))
    }
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut chain = String::new();
    let mut source = error.source();
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    chain
}

impl Lang {
    /// Return the output language of a template by its name.
    pub fn of_template(name: &str) -> Lang {
        if name.ends_with(".typ") {
            Lang::Typst
        } else if name.ends_with(".md") {
            Lang::Markdown
        } else {
            Lang::Html
        }
    }
}

fn escape_typst(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(markup::typst_escape(text).as_bytes())
}

fn escape_html(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(markup::html_escape(text).as_bytes())
}

fn escape_markdown(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(markup::markdown_escape(text).as_bytes())
}

/// Write the built-in templates into `dir/templates/` for editing; existing files are kept.
pub fn export(dir: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut written = Vec::new();
    for (file, text) in BUILTIN {
        let path = dir.join("templates").join(file);
        if path.exists() {
            eprintln!("kept {} (already there)", path.display());
            continue;
        }
        crate::write::write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
