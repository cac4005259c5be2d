//! Reference rules: every citation resolves, uses 《》, cites the current title, is listed in
//! related/records (and the other way round), does not cite drafts or obsolete documents; forms
//! and procedures point at each other.

use std::collections::BTreeMap;

use crate::cite::{self, Bracket, Citation};
use crate::diagnostic::Diagnostic;
use crate::fold;
use crate::model::{Document, Kind, Pos, Procedure, Sp, Status, Step, Text};
use crate::validate::index::{describe, document, file, status, title};
use crate::validate::{Context, Target};

/// Check the references of every document.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, loaded) in context.library.documents.iter().enumerate() {
        let mut checker = Checker {
            context,
            file: &loaded.file,
            this: i,
            status: loaded.doc.header().status.value,
            out: &mut out,
            warned_status: Vec::new(),
        };
        match &loaded.doc {
            Document::Procedure(p) => checker.procedure(p),
            Document::Form(f) => {
                let mut texts: Vec<&Sp<Text>> = f.instructions.iter().collect();
                texts.extend(f.fields.iter().filter_map(|field| field.help.as_ref()));
                for text in texts {
                    checker.body(text);
                }
                checker.form_procedure(f.procedure.as_ref());
            }
        }
    }
    out
}

struct Checker<'a, 'o> {
    context: &'a Context<'a>,
    file: &'a str,
    this: usize,
    status: Status,
    out: &'o mut Vec<Diagnostic>,
    warned_status: Vec<Target>,
}

/// Where a document was cited, first.
type Cited = BTreeMap<Target, Pos>;

impl Checker<'_, '_> {
    fn procedure(&mut self, p: &Procedure) {
        let mut texts: Vec<&Sp<Text>> = vec![&p.purpose, &p.scope];
        texts.extend(p.definitions.iter().map(|d| &d.text));
        texts.extend(p.responsibilities.iter().map(|r| &r.duties));
        collect_steps(&p.steps, &mut texts);
        let mut body = Cited::new();
        for text in texts {
            for (target, pos) in self.body(text) {
                body.entry(target).or_insert(pos);
            }
        }

        let mut listed = Cited::new();
        for entry in &p.related {
            for (target, pos) in self.entry(entry) {
                listed.entry(target).or_insert(pos);
            }
        }
        for record in &p.records {
            for (target, pos) in self.entry(&record.form) {
                listed.entry(target).or_insert(pos);
                self.record_link(target, pos, p);
            }
        }

        for (&target, &pos) in &body {
            if !listed.contains_key(&target) {
                let kind = match document(self.context.library, target).map(Document::kind) {
                    Some(Kind::Form) => "records (if this procedure owns the form) or related",
                    _ => "related",
                };
                self.out.push(
                    Diagnostic::warning(
                        "ref-not-listed",
                        self.file,
                        pos,
                        format!(
                            "{} is cited here but not listed in {kind}",
                            describe(self.context.library, target)
                        ),
                    )
                    .with_help(format!(
                        "add 《{}》 to {kind}",
                        title(self.context.library, target)
                    )),
                );
            }
        }
        for (&target, &pos) in &listed {
            if !body.contains_key(&target) {
                self.out.push(
                    Diagnostic::warning(
                        "ref-not-cited",
                        self.file,
                        pos,
                        format!(
                            "{} is listed but cited nowhere in the text",
                            describe(self.context.library, target)
                        ),
                    )
                    .with_help("cite it where the procedure uses it, or remove it from the list"),
                );
            }
        }
    }

    /// Check the citations of a text field; return what they resolved to.
    fn body(&mut self, text: &Sp<Text>) -> Vec<(Target, Pos)> {
        let citations = cite::scan(text.as_str());
        let mut found = Vec::new();
        for citation in citations {
            let pos =
                self.context
                    .locate(self.file, text, citation.start, citation.raw(text.as_str()));
            let raw = citation.raw(text.as_str()).to_owned();
            if let Some(target) = self.citation(&citation, &raw, pos) {
                found.push((target, pos));
            }
        }
        found
    }

    /// Check one `related`/`records`/`procedure` entry: 《X》, or a bare title.
    fn entry(&mut self, entry: &Sp<Text>) -> Vec<(Target, Pos)> {
        let value = entry.as_str();
        if cite::scan(value).is_empty() {
            let inner = value.trim();
            let start = value.len() - value.trim_start().len();
            let citation = Citation {
                start,
                end: start + inner.len(),
                inner,
                bracket: Bracket::None,
            };
            let pos = self.context.locate(self.file, entry, start, inner);
            return self
                .citation(&citation, inner, pos)
                .map(|t| vec![(t, pos)])
                .unwrap_or_default();
        }
        self.body(entry)
    }

    /// Resolve one citation and report what is wrong with it.
    fn citation(&mut self, citation: &Citation<'_>, raw: &str, pos: Pos) -> Option<Target> {
        let library = self.context.library;
        let width = raw.chars().count();
        let Some(hit) = self.context.index.resolve(citation.inner) else {
            let folded = fold::key(citation.inner);
            if citation.bracket.is_certain() || cite::looks_like_title(&folded) {
                let mut diagnostic = Diagnostic::error(
                    "ref-unresolved",
                    self.file,
                    pos,
                    format!("unresolved reference `{raw}`: no procedure, form or external document has this title or id"),
                )
                .with_width(width);
                let suggestions = self.context.index.suggest(citation.inner);
                if !suggestions.is_empty() {
                    let list: Vec<String> =
                        suggestions.iter().map(|t| format!("《{t}》")).collect();
                    diagnostic =
                        diagnostic.with_help(format!("did you mean {}?", list.join(" or ")));
                } else {
                    diagnostic = diagnostic.with_help(
                        "add the document to the set, or list it under `external` in docctl.yaml",
                    );
                }
                self.out.push(diagnostic);
            }
            return None;
        };
        let target = hit.target;
        let canonical = title(library, target);
        if citation.bracket != Bracket::Book && citation.bracket != Bracket::None {
            self.out.push(
                Diagnostic::warning(
                    "ref-bracket",
                    self.file,
                    pos,
                    format!("`{raw}` cites a document with non-standard brackets"),
                )
                .with_width(width)
                .with_help(format!("write 《{canonical}》")),
            );
        }
        if hit.alias {
            self.out.push(
                Diagnostic::warning(
                    "ref-alias",
                    self.file,
                    pos,
                    format!("`{raw}` is a former title of {}", describe(library, target)),
                )
                .with_width(width)
                .with_help(format!("write 《{canonical}》")),
            );
        }
        if target != Target::Doc(self.this) && !self.warned_status.contains(&target) {
            let cited_status = status(library, target);
            let problem = match (self.status, cited_status) {
                (Status::Obsolete, _) => None,
                (_, Status::Obsolete) => Some(
                    Diagnostic::error(
                        "ref-obsolete",
                        self.file,
                        pos,
                        format!(
                            "cites {}, which is obsolete (作废)",
                            describe(library, target)
                        ),
                    )
                    .with_help("cite the document that replaced it"),
                ),
                (Status::Effective, Status::Draft) => Some(
                    Diagnostic::warning(
                        "ref-draft",
                        self.file,
                        pos,
                        format!(
                            "an effective document cites {}, which is still a draft",
                            describe(library, target)
                        ),
                    )
                    .with_help(
                        "make the cited document effective first, or cite its released version",
                    ),
                ),
                _ => None,
            };
            if let Some(problem) = problem {
                self.warned_status.push(target);
                self.out.push(problem.with_width(width));
            }
        }
        Some(target)
    }

    /// A procedure's `records` entry must be a form whose `procedure` is this procedure.
    fn record_link(&mut self, target: Target, pos: Pos, p: &Procedure) {
        let library = self.context.library;
        if matches!(target, Target::Unparsed(_)) {
            return;
        }
        match document(library, target) {
            Some(Document::Form(form)) => {
                let back = form
                    .procedure
                    .as_ref()
                    .and_then(|r| self.context.index.resolve_entry(r));
                if back != Some(Target::Doc(self.this)) {
                    let owner = match back {
                        Some(other) => format!("names {}", describe(library, other)),
                        None => "names no procedure".to_owned(),
                    };
                    self.out.push(
                        Diagnostic::error(
                            "form-link",
                            self.file,
                            pos,
                            format!(
                                "{} is listed under records, but its `procedure` {owner}",
                                describe(library, target)
                            ),
                        )
                        .with_help(format!(
                            "set `procedure: 《{}》` in {}, or move the form to related",
                            p.title.value,
                            file(library, target)
                        )),
                    );
                }
            }
            _ => self.out.push(
                Diagnostic::error(
                    "form-link",
                    self.file,
                    pos,
                    format!(
                        "{} is not a form; records lists forms",
                        describe(library, target)
                    ),
                )
                .with_help("list procedures and external documents under related"),
            ),
        }
    }

    /// A form's `procedure` must be a procedure that lists the form under `records`.
    fn form_procedure(&mut self, procedure: Option<&Sp<Text>>) {
        let Some(entry) = procedure else { return };
        let library = self.context.library;
        for (target, pos) in self.entry(entry) {
            if matches!(target, Target::Unparsed(_)) {
                continue;
            }
            match document(library, target) {
                Some(Document::Procedure(p)) => {
                    let lists = p.records.iter().any(|r| {
                        self.context.index.resolve_entry(&r.form) == Some(Target::Doc(self.this))
                    });
                    if !lists {
                        let this = library.documents[self.this].doc.header().title.to_string();
                        self.out.push(
                            Diagnostic::error(
                                "form-link",
                                self.file,
                                pos,
                                format!(
                                    "{} does not list this form under records",
                                    describe(library, target)
                                ),
                            )
                            .with_help(format!(
                                "add `{{form: 《{this}》}}` to the records of {}",
                                file(library, target)
                            )),
                        );
                    }
                }
                _ => self.out.push(
                    Diagnostic::error(
                        "form-link",
                        self.file,
                        pos,
                        format!("{} is not a procedure", describe(library, target)),
                    )
                    .with_help(
                        "`procedure` names the procedure that lists this form under records",
                    ),
                ),
            }
        }
    }
}

fn collect_steps<'a>(steps: &'a [Step], texts: &mut Vec<&'a Sp<Text>>) {
    for step in steps {
        texts.extend(step.title.iter());
        texts.extend(step.text.iter());
        collect_steps(&step.steps, texts);
    }
}
