//! Flow chart rules: every `next:` target of a step names a step of the same procedure (or
//! `end`), and not the step itself; a decision's `answers:` label its targets one for one.

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
        if let Some(d) = answers(step, &number, file) {
            out.push(d);
        }
        walk(&step.steps, &number, numbers, file, out);
    }
}

/// Check a step's `answers:`: they label the arrows of its decision, one per `next` target,
/// and a diamond has three free corners.
fn answers(step: &Step, number: &str, file: &str) -> Option<Diagnostic> {
    if let Some(when) = step.when.as_ref().filter(|_| step.next.len() < 2) {
        // A decision with one way on is a question nobody answers: `next` was forgotten.
        let message = format!(
            "step {number} asks `{}` but names {} way on: a decision needs two or more `next` targets",
            when.value.as_str(),
            if step.next.is_empty() { "no" } else { "one" }
        );
        return Some(
            Diagnostic::new(Code::FlowAnswers, file, when.pos, message)
                .with_width(when.value.as_str().chars().count())
                .with_help("add `next: [\"5.x\", \"5.y\"]`, one target per answer (是, 否 …), or remove `when`"),
        );
    }
    let (first, last) = (step.answers.first()?, step.answers.last()?);
    let (n, targets) = (step.answers.len(), step.next.len());
    let (pos, message, help) = if step.when.is_none() {
        (
            first.pos,
            format!("step {number} has `answers` but no `when`: answers label a decision's arrows"),
            "add the decision's question as `when:`, or remove `answers`".to_owned(),
        )
    } else if n > 3 {
        (
            step.answers[3].pos,
            format!("step {number}: {n} answers; a decision's diamond has three free corners"),
            "split the decision into two, each with at most three answers".to_owned(),
        )
    } else if n != targets {
        (
            if n > targets {
                step.answers[targets].pos
            } else {
                last.pos
            },
            format!(
                "step {number}: {n} answer{} for {targets} `next` target{}",
                if n == 1 { "" } else { "s" },
                if targets == 1 { "" } else { "s" }
            ),
            "give one answer per `next` target, in the same order".to_owned(),
        )
    } else {
        return None;
    };
    Some(Diagnostic::new(Code::FlowAnswers, file, pos, message).with_help(help))
}
