//! Flow chart rules: every `next:` target of a step names a step of the same procedure (or
//! `end`), and not the step itself.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Document, Step};
use crate::validate::Context;

/// Check the `next:` targets of every procedure's steps.
pub(crate) fn check(context: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &context.library.documents {
        let Document::Procedure(p) = &loaded.doc else {
            continue;
        };
        let mut numbers = Vec::new();
        crate::flow::step_numbers(&p.steps, "5", &mut numbers);
        walk(&p.steps, "5", &numbers, &loaded.file, &mut out);
    }
    out
}

fn walk(steps: &[Step], prefix: &str, numbers: &[String], file: &str, out: &mut Vec<Diagnostic>) {
    for (n, step) in steps.iter().enumerate() {
        let number = format!("{prefix}.{}", n + 1);
        for target in &step.next {
            let wanted = target.value.0.trim();
            let problem = if wanted.eq_ignore_ascii_case("end") {
                None
            } else if wanted == number {
                Some(format!("step {number} names itself as its next step"))
            } else if !numbers.iter().any(|x| x == wanted) {
                Some(format!(
                    "step {number}: `next` names `{wanted}`, which is no step of this procedure"
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                let mut help = format!(
                    "write a step number of this procedure ({}…{}) or `end`",
                    numbers.first().map_or("5.1", String::as_str),
                    numbers.last().map_or("5.1", String::as_str)
                );
                if let Some(best) = crate::suggest::closest(
                    wanted,
                    numbers.iter().map(String::as_str).filter(|x| *x != number),
                ) {
                    help = format!("did you mean `{best}`? ({help})");
                }
                out.push(
                    Diagnostic::new(Code::FlowTarget, file, target.pos, message)
                        .with_width(wanted.chars().count())
                        .with_help(help),
                );
            }
        }
        walk(&step.steps, &number, numbers, file, out);
    }
}
