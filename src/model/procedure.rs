//! A procedure (程序文件): purpose, scope, responsibilities, numbered steps, references, records.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Department, Sp, Text};

outlined_document! {
    /// A procedure, one per file under `procedures/`.
    pub struct Procedure {
        /// 定义.
        #[serde(default)]
        pub definitions: Vec<Definition>,
        /// Draw this procedure's flow chart (流程图); overrides `flow.chart` of docctl.yaml.
        pub flow: Option<bool>,
    }
}

/// An appendix (附录): a titled text after section 7.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appendix {
    /// Its heading.
    pub title: Sp<Text>,
    /// Its text (Markdown: paragraphs, lists and tables).
    pub text: Sp<Text>,
}

/// A defined term (定义).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// The term.
    pub term: Sp<Text>,
    /// Its definition (inline Markdown).
    pub text: Sp<Text>,
}

/// What one department is responsible for (职责).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Responsibility {
    /// The department.
    pub department: Sp<Department>,
    /// Its duties (inline Markdown).
    pub duties: Sp<Text>,
}

/// A step of the procedure; steps nest, and the tool numbers them 5.1, 5.1.1 ….
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A short heading.
    pub title: Option<Sp<Text>>,
    /// The responsible department, or several (`by: [品质部, 生产部]`): the step's box in the flow
    /// chart spans their lanes.
    pub by: Option<Sp<By>>,
    /// What is done (inline Markdown).
    pub text: Option<Sp<Text>>,
    /// Sub-steps.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Flow chart: the steps that follow this one (step numbers such as `5.3`, or `end`), when
    /// they are not simply the next step.
    #[serde(default)]
    pub next: Vec<Sp<Text>>,
    /// Flow chart: the question of a decision (a diamond after the step), whose answers are the
    /// `next` targets in order (是/否 for two).
    pub when: Option<Sp<Text>>,
    /// Flow chart: the decision's answers, one per `next` target in the same order (at most
    /// three, one per free corner of the diamond), e.g. `[合格, 让步接收, 不合格]`; without them two
    /// targets are labelled 是/否 in the document's language.
    #[serde(default)]
    pub answers: Vec<Sp<Text>>,
    /// Flow chart: this step runs alongside the step before it (drawn in the same row).
    #[serde(default)]
    pub parallel: bool,
}

/// The department(s) a step belongs to: one name or a list.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum By {
    /// One department.
    One(Department),
    /// Several departments.
    Many(Vec<Department>),
}

impl Step {
    /// Return the step's departments, each with the position of the `by` value.
    pub fn departments(&self) -> Vec<Sp<Department>> {
        match &self.by {
            None => Vec::new(),
            Some(by) => match &by.value {
                // `品质部、行政部` as written in real procedures: several departments.
                By::One(d) if d.0.contains('、') => {
                    let mut column = by.pos.column;
                    let mut out = Vec::new();
                    for part in d.0.split('、') {
                        let lead = part.chars().take_while(|c| c.is_whitespace()).count() as u32;
                        if !part.trim().is_empty() {
                            let pos = crate::model::Pos::at(by.pos.line, column + lead);
                            out.push(Sp::new(Department(part.trim().to_owned()), pos));
                        }
                        column += part.chars().count() as u32 + 1;
                    }
                    out
                }
                By::One(d) => vec![Sp::new(d.clone(), by.pos)],
                By::Many(list) => list.iter().map(|d| Sp::new(d.clone(), by.pos)).collect(),
            },
        }
    }

    /// Return the step's departments joined with `sep` (the language's list separator, 、 or
    /// `, `); "" when none.
    pub fn by_text(&self, sep: &str) -> String {
        self.departments()
            .iter()
            .map(|d| d.value.0.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// A record (记录) this procedure produces: a form, who keeps it and for how long.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordEntry {
    /// The form, as a 《…》 reference.
    pub form: Sp<Text>,
    /// 保存部门.
    pub keeper: Option<Sp<Department>>,
    /// 保存期限, e.g. 3年.
    pub retention: Option<Sp<Text>>,
}
