//! Department rules: every owner, `by`, responsibility, keeper and distribution names a
//! department of docctl.yaml; an alias warns and names the canonical department.

use std::collections::HashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::fold;
use crate::load::CONFIG_FILE;
use crate::model::{Department, Sp, Step};
use crate::validate::Context;

/// Check every department field of every document, and the aliases of docctl.yaml.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let config = &context.library.config;
    let mut known: HashMap<String, String> = HashMap::new();
    for department in &config.departments {
        known.insert(fold::key(&department.value.0), department.value.0.clone());
    }
    let aliases: HashMap<String, (String, String)> = config
        .department_aliases
        .iter()
        .map(|(alias, canonical)| (fold::key(alias), (alias.clone(), canonical.value.0.clone())))
        .collect();
    let names: Vec<String> = known
        .values()
        .chain(aliases.values().map(|(a, _)| a))
        .cloned()
        .collect();
    let checker = Checker {
        known: &known,
        aliases: &aliases,
        names: &names,
    };

    let mut out = Vec::new();
    for canonical in config.department_aliases.values() {
        if !known.contains_key(&fold::key(&canonical.value.0)) {
            out.push(checker.unknown(CONFIG_FILE, canonical));
        }
    }
    for signer in config.signers.iter().flatten() {
        out.extend(
            signer
                .departments
                .iter()
                .filter_map(|d| checker.check(CONFIG_FILE, d)),
        );
    }
    for loaded in &context.library.documents {
        let header = loaded.doc.header();
        let mut fields: Vec<Sp<Department>> = header.owner.into_iter().cloned().collect();
        fields.extend(header.distribution.iter().cloned());
        let (_, records) = loaded.doc.listed();
        fields.extend(records.iter().filter_map(|r| r.keeper.clone()));
        if let Some(outline) = loaded.doc.outline() {
            let duties = outline.responsibilities.iter();
            fields.extend(duties.map(|r| r.department.clone()));
            collect_steps(outline.steps, &mut fields);
        }
        out.extend(
            fields
                .into_iter()
                .filter_map(|d| checker.check(&loaded.file, &d)),
        );
    }
    out
}

struct Checker<'a> {
    known: &'a HashMap<String, String>,
    aliases: &'a HashMap<String, (String, String)>,
    names: &'a [String],
}

impl Checker<'_> {
    fn check(&self, file: &str, department: &Sp<Department>) -> Option<Diagnostic> {
        let key = fold::key(&department.value.0);
        if self.known.contains_key(&key) {
            return None;
        }
        if let Some((alias, canonical)) = self.aliases.get(&key) {
            return Some(
                Diagnostic::new(
                    Code::DeptAlias,
                    file,
                    department.pos,
                    format!("`{alias}` is an alias of the department `{canonical}`"),
                )
                .with_width(alias.chars().count())
                .with_help(format!("write `{canonical}`")),
            );
        }
        Some(self.unknown(file, department))
    }

    fn unknown(&self, file: &str, department: &Sp<Department>) -> Diagnostic {
        let name = &department.value.0;
        let diagnostic = Diagnostic::new(
            Code::DeptUnknown,
            file,
            department.pos,
            format!("unknown department `{name}`"),
        )
        .with_width(name.chars().count());
        match crate::suggest::closest(name, self.names.iter().map(String::as_str)) {
            Some(best) => diagnostic.with_help(format!(
                "did you mean `{best}`? (departments are listed in docctl.yaml)"
            )),
            None => diagnostic
                .with_help("add it to `departments` (or `department_aliases`) in docctl.yaml"),
        }
    }
}

fn collect_steps(steps: &[Step], fields: &mut Vec<Sp<Department>>) {
    for step in steps {
        fields.extend(step.departments());
        collect_steps(&step.steps, fields);
    }
}
