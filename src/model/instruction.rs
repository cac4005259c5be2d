//! A work instruction (作业指导书): how one operation is done, step by step, at the workplace.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Appendix, RecordEntry, Responsibility, Sp, Step, Text};

controlled_document! {
    /// A work instruction, one per file under `instructions/`.
    pub struct Instruction {
        /// ISO 9001:2015 clauses this instruction serves, e.g. "8.5.1".
        #[serde(default)]
        pub clauses: Vec<Sp<Text>>,
        /// 目的 (inline Markdown).
        pub purpose: Sp<Text>,
        /// 适用范围 (inline Markdown).
        pub scope: Sp<Text>,
        /// 职责.
        #[serde(default)]
        pub responsibilities: Vec<Responsibility>,
        /// 设备、工装与材料: what the operator needs at hand.
        #[serde(default)]
        pub equipment: Vec<Item>,
        /// 作业步骤, numbered by the tool.
        pub steps: Vec<Step>,
        /// 安全注意事项, one point an entry (inline Markdown).
        #[serde(default)]
        pub safety: Vec<Sp<Text>>,
        /// 质量要点, one point an entry (inline Markdown).
        #[serde(default)]
        pub quality: Vec<Sp<Text>>,
        /// 相关文件: 《…》 references.
        #[serde(default)]
        pub related: Vec<Sp<Text>>,
        /// 记录: the forms this instruction fills in.
        #[serde(default)]
        pub records: Vec<RecordEntry>,
        /// 附录: titled texts after the last section.
        #[serde(default)]
        pub appendices: Vec<Appendix>,
    }
}

/// A piece of equipment, a tool or a material (设备、工装、材料).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its name, e.g. 注塑机.
    pub name: Sp<Text>,
    /// Model or specification, e.g. HTF-160.
    #[serde(default)]
    pub spec: Option<Sp<Text>>,
    /// A note: quantity, where it is kept, what to check before use.
    #[serde(default)]
    pub note: Option<Sp<Text>>,
}
