//! Reference rules: every citation resolves, uses 《》, cites the current title, is listed in
//! related/records (and the other way round), does not cite drafts or obsolete documents; forms
//! and procedures point at each other.

use std::collections::BTreeMap;

use crate::cite::{self, Bracket, Citation};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::fold;
use crate::graph::same_document;
use crate::model::{Document, Kind, Lang, PlainSeverity, Pos, RecordEntry, Sp, Status, Step, Text};
use crate::validate::index::{Resolution, describe, document, file, status, title};
use crate::validate::{Context, Target};

/// Check the references of every document.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, loaded) in context.library.documents.iter().enumerate() {
        let lang = loaded
            .doc
            .header()
            .lang
            .unwrap_or(context.library.config.lang);
        let mut checker = Checker {
            context,
            file: &loaded.file,
            this: i,
            status: loaded.doc.header().status.value,
            chinese: lang != Lang::En,
            own_title: fold::key(&loaded.doc.header().title.value.0),
            out: &mut out,
            warned_status: Vec::new(),
        };
        match &loaded.doc {
            Document::Procedure(p) => {
                let mut texts: Vec<&Sp<Text>> = vec![&p.purpose, &p.scope];
                texts.extend(p.definitions.iter().map(|d| &d.text));
                texts.extend(p.responsibilities.iter().map(|r| &r.duties));
                collect_steps(&p.steps, &mut texts);
                checker.listing(&texts, &[], &p.related, &p.records, &p.title.value);
            }
            doc @ (Document::Manual(_) | Document::Instruction(_)) => {
                // The manual's chapters name their procedures in lists that are both the
                // citation and the listing.
                let chapters: Vec<&Sp<Text>> = match doc {
                    Document::Manual(m) => m
                        .all_chapters()
                        .into_iter()
                        .flat_map(|c| c.procedures.iter())
                        .collect(),
                    _ => Vec::new(),
                };
                let texts: Vec<&Sp<Text>> = crate::graph::sections(doc)
                    .into_iter()
                    .filter(|(_, _, is_entry)| !is_entry)
                    .map(|(_, text, _)| text)
                    .collect();
                let (related, records) = doc.listed();
                let title = &doc.header().title.value;
                checker.listing(&texts, &chapters, related, records, title);
            }
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
    /// Whether the document is written in Chinese (where 《》 is the rule).
    chinese: bool,
    /// The document's own title, normalised.
    own_title: String,
    out: &'o mut Vec<Diagnostic>,
    warned_status: Vec<Target>,
}

/// What a citation names: a document of the set (or external), or one not in the set yet, by
/// its normalised title.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Known(Target),
    Absent(String),
}

/// Where a document was cited first, and how it was written there.
type Cited = BTreeMap<Key, (Pos, String)>;

impl Checker<'_, '_> {
    /// Check a document that lists what it cites (`related`, `records`): every citation of its
    /// `texts` is listed and every listed document is cited; `cited_entries` are both.
    fn listing(
        &mut self,
        texts: &[&Sp<Text>],
        cited_entries: &[&Sp<Text>],
        related: &[Sp<Text>],
        records: &[RecordEntry],
        own_title: &Text,
    ) {
        let own = Key::Known(Target::Doc(self.this));
        let mut body = Cited::new();
        for text in texts {
            for (key, pos, written) in self.body(text) {
                body.entry(key).or_insert((pos, written));
            }
        }

        let mut listed = Cited::new();
        for entry in cited_entries {
            for (key, pos, written) in self.entry(entry) {
                body.entry(key.clone()).or_insert((pos, written.clone()));
                listed.entry(key).or_insert((pos, written));
            }
        }
        for entry in related {
            for (key, pos, written) in self.entry(entry) {
                listed.entry(key).or_insert((pos, written));
            }
        }
        for record in records {
            for (key, pos, written) in self.entry(&record.form) {
                if let Key::Known(target) = key {
                    self.record_link(target, pos, own_title);
                }
                listed.entry(key).or_insert((pos, written));
            }
        }
        body.remove(&own);
        listed.remove(&own);

        let absent_listed: Vec<&str> = listed
            .keys()
            .filter_map(|k| match k {
                Key::Absent(key) => Some(key.as_str()),
                Key::Known(_) => None,
            })
            .collect();
        let known_listed: Vec<String> = listed
            .keys()
            .filter_map(|k| match k {
                Key::Known(target) => Some(fold::key(&title(self.context.library, *target))),
                Key::Absent(_) => None,
            })
            .collect();
        for (key, (pos, written)) in &body {
            if listed.contains_key(key) {
                continue;
            }
            let (cited, kind) = match key {
                Key::Known(target) => {
                    let kind = match document(self.context.library, *target).map(Document::kind) {
                        Some(Kind::Form) => "records (if this procedure owns the form) or related",
                        _ => "related",
                    };
                    (describe(self.context.library, *target), kind)
                }
                Key::Absent(folded) => {
                    // A misspelling of a listed document: ref-unresolved already offers it.
                    if known_listed.iter().any(|k| same_document(folded, k)) {
                        continue;
                    }
                    // The same absent document spelt differently here and in the list.
                    if let Some(close) = absent_listed.iter().find(|k| same_document(folded, k)) {
                        let (_, listed_as) = &listed[&Key::Absent((*close).to_owned())];
                        self.out.push(
                            Diagnostic::new(
                                Code::RefVariant,
                                self.file,
                                *pos,
                                format!("《{written}》 is a variant of 《{listed_as}》, listed in this document's related/records; neither is in the set yet"),
                            )
                            .with_width(written.chars().count() + 2)
                            .with_help(format!("write one title for both, e.g. 《{listed_as}》")),
                        );
                        continue;
                    }
                    (format!("《{written}》 (not in the set yet)"), "related")
                }
            };
            let canonical = match key {
                Key::Known(target) => title(self.context.library, *target),
                Key::Absent(_) => written.clone(),
            };
            self.out.push(
                Diagnostic::new(
                    Code::RefNotListed,
                    self.file,
                    *pos,
                    format!("{cited} is cited here but not listed in {kind}"),
                )
                .with_help(format!("add 《{canonical}》 to {kind}")),
            );
        }
        for (key, (pos, _)) in &listed {
            let Key::Known(target) = key else { continue };
            if !body.contains_key(key) {
                self.out.push(
                    Diagnostic::new(
                        Code::RefNotCited,
                        self.file,
                        *pos,
                        format!(
                            "{} is listed but cited nowhere in the text",
                            describe(self.context.library, *target)
                        ),
                    )
                    .with_help("cite it where the procedure uses it, or remove it from the list"),
                );
            }
        }
    }

    /// Check the citations of a text field; return what they name.
    fn body(&mut self, text: &Sp<Text>) -> Vec<(Key, Pos, String)> {
        let citations = self.context.index.citations(text.as_str());
        let mut locator = self.context.locator(self.file, text);
        let mut found = Vec::new();
        for citation in citations {
            let raw = citation.raw(text.as_str());
            let pos = locator.at(citation.start, raw);
            for key in self.citation(&citation, raw, pos) {
                found.push((key, pos, citation.inner.trim().to_owned()));
            }
        }
        found
    }

    /// Check one `related`/`records`/`procedure` entry: 《X》, or a bare title.
    fn entry(&mut self, entry: &Sp<Text>) -> Vec<(Key, Pos, String)> {
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
                .into_iter()
                .map(|key| (key, pos, inner.to_owned()))
                .collect();
        }
        let mut found = Vec::new();
        let mut locator = self.context.locator(self.file, entry);
        for citation in cite::scan(value) {
            let raw = citation.raw(value);
            let pos = locator.at(citation.start, raw);
            for key in self.citation(&citation, raw, pos) {
                found.push((key, pos, citation.inner.trim().to_owned()));
            }
        }
        found
    }

    /// Resolve one citation and report what is wrong with it; return what it names.
    fn citation(&mut self, citation: &Citation<'_>, raw: &str, pos: Pos) -> Vec<Key> {
        let library = self.context.library;
        let width = raw.chars().count();
        if citation.bracket.is_plain() && fold::key(citation.inner) == self.own_title {
            // The document naming itself (also when another document has the same title).
            return Vec::new();
        }
        match self.context.index.resolve_loose(citation.inner) {
            Resolution::Exact(hit) => {
                self.known(citation, raw, pos, hit.target, hit.alias);
                vec![Key::Known(hit.target)]
            }
            Resolution::Variant(target, kind) => {
                self.variant(raw, pos, target, kind);
                self.known(citation, raw, pos, target, false);
                vec![Key::Known(target)]
            }
            Resolution::Split(parts) => {
                let mut keys = Vec::new();
                for (target, kind) in parts {
                    if let Some(kind) = kind {
                        self.variant(raw, pos, target, kind);
                    }
                    self.known(citation, raw, pos, target, false);
                    keys.push(Key::Known(target));
                }
                keys
            }
            Resolution::Ambiguous(targets) => {
                let list: Vec<String> = targets.iter().map(|&t| describe(library, t)).collect();
                self.out.push(
                    Diagnostic::new(
                        Code::RefUnresolved,
                        self.file,
                        pos,
                        format!("`{raw}` could name several documents: {}", list.join(", ")),
                    )
                    .with_width(width)
                    .with_help("write the full title of the one meant"),
                );
                Vec::new()
            }
            Resolution::Unresolved => {
                let folded = fold::key(citation.inner);
                let title_shaped = citation.bracket.is_certain()
                    || citation.bracket == Bracket::Phrase
                    || cite::looks_like_title(&folded)
                    || cite::looks_like_english_title(citation.inner);
                if !title_shaped {
                    return Vec::new();
                }
                let loose = citation.bracket.is_plain()
                    || (citation.bracket.is_emphasis() && !self.chinese);
                let severity = if loose {
                    match library.config.citations.plain_unresolved {
                        PlainSeverity::Off => return Vec::new(),
                        PlainSeverity::Warning => Severity::Warning,
                        PlainSeverity::Error => Severity::Error,
                    }
                } else {
                    Severity::Error
                };
                let message = if citation.bracket.is_plain() {
                    format!(
                        "`{raw}` reads as the title of a document, but no procedure, form or external document has it"
                    )
                } else {
                    format!(
                        "unresolved reference `{raw}`: no procedure, form or external document has this title or id"
                    )
                };
                let mut diagnostic = Diagnostic::new(Code::RefUnresolved, self.file, pos, message)
                    .with_severity(severity)
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
                vec![Key::Absent(folded)]
            }
        }
    }

    /// Report a citation that names a document through a variant of its title.
    fn variant(&mut self, raw: &str, pos: Pos, target: Target, kind: &str) {
        let library = self.context.library;
        self.out.push(
            Diagnostic::new(
                Code::RefVariant,
                self.file,
                pos,
                format!(
                    "`{raw}` is a variant ({kind}) of the title of {}",
                    describe(library, target)
                ),
            )
            .with_width(raw.chars().count())
            .with_help(format!("write 《{}》", title(library, target))),
        );
    }

    /// Report what is wrong with a citation of a known document: brackets, a former title, the
    /// status of what it cites.
    fn known(&mut self, citation: &Citation<'_>, raw: &str, pos: Pos, target: Target, alias: bool) {
        let library = self.context.library;
        let width = raw.chars().count();
        let canonical = title(library, target);
        let self_cited = target == Target::Doc(self.this);
        let marks_ok = matches!(citation.bracket, Bracket::Book | Bracket::None)
            || citation.bracket.is_plain()
            || (citation.bracket.is_emphasis() && !self.chinese);
        if !marks_ok {
            self.out.push(
                Diagnostic::new(
                    Code::RefBracket,
                    self.file,
                    pos,
                    format!("`{raw}` cites a document with non-standard brackets"),
                )
                .with_width(width)
                .with_help(format!("write 《{canonical}》")),
            );
        }
        if citation.bracket.is_plain()
            && self.chinese
            && !self_cited
            && library.config.citations.plain_hint
        {
            self.out.push(
                Diagnostic::new(
                    Code::RefPlain,
                    self.file,
                    pos,
                    format!("`{raw}` names {} without 《》", describe(library, target)),
                )
                .with_width(width)
                .with_help(format!("write 《{canonical}》")),
            );
        }
        if alias {
            self.out.push(
                Diagnostic::new(
                    Code::RefAlias,
                    self.file,
                    pos,
                    format!("`{raw}` is a former title of {}", describe(library, target)),
                )
                .with_width(width)
                .with_help(format!("write 《{canonical}》")),
            );
        }
        if !self_cited && !self.warned_status.contains(&target) {
            let cited_status = status(library, target);
            let problem = match (self.status, cited_status) {
                (Status::Obsolete, _) => None,
                (_, Status::Obsolete) => Some(
                    Diagnostic::new(
                        Code::RefObsolete,
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
                    Diagnostic::new(
                        Code::RefDraft,
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
    }

    /// A procedure's (or an instruction's) `records` entry must be a form whose `procedure` is
    /// this document.
    fn record_link(&mut self, target: Target, pos: Pos, own_title: &Text) {
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
                    self.form_link(
                        pos,
                        target,
                        &format!("is listed under records, but its `procedure` {owner}"),
                        format!(
                            "set `procedure: 《{}》` in {}, or move the form to related",
                            own_title,
                            file(library, target)
                        ),
                    );
                }
            }
            _ => self.form_link(
                pos,
                target,
                "is not a form; records lists forms",
                "list procedures and external documents under related",
            ),
        }
    }

    /// A form's `procedure` must be a procedure that lists the form under `records`.
    fn form_procedure(&mut self, procedure: Option<&Sp<Text>>) {
        let Some(entry) = procedure else { return };
        let library = self.context.library;
        for (key, pos, _) in self.entry(entry) {
            let Key::Known(target) = key else { continue };
            if matches!(target, Target::Unparsed(_)) {
                continue;
            }
            match document(library, target) {
                Some(owner @ (Document::Procedure(_) | Document::Instruction(_))) => {
                    let lists = owner.listed().1.iter().any(|r| {
                        self.context.index.resolve_entry(&r.form) == Some(Target::Doc(self.this))
                    });
                    if !lists {
                        let this = library.documents[self.this].doc.header().title.to_string();
                        self.form_link(
                            pos,
                            target,
                            "does not list this form under records",
                            format!(
                                "add `{{form: 《{this}》}}` to the records of {}",
                                file(library, target)
                            ),
                        );
                    }
                }
                _ => self.form_link(
                    pos,
                    target,
                    "is not a procedure or a work instruction",
                    "`procedure` names the procedure (or work instruction) that lists this form under records",
                ),
            }
        }
    }

    /// Report a records ↔ `procedure` link that does not hold both ways.
    fn form_link(&mut self, pos: Pos, target: Target, problem: &str, help: impl Into<String>) {
        let library = self.context.library;
        self.out.push(
            Diagnostic::new(
                Code::FormLink,
                self.file,
                pos,
                format!("{} {problem}", describe(library, target)),
            )
            .with_help(help),
        );
    }
}

fn collect_steps<'a>(steps: &'a [Step], texts: &mut Vec<&'a Sp<Text>>) {
    for step in steps {
        texts.extend(step.title.iter());
        texts.extend(step.text.iter());
        collect_steps(&step.steps, texts);
    }
}
