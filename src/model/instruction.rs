//! A work instruction (作业指导书): how one operation is done, step by step, at the workplace.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Sp, Text};

outlined_document! {
    /// A work instruction, one per file under `instructions/`.
    pub struct Instruction {
        /// 设备、工装与材料: what the operator needs at hand.
        #[serde(default)]
        pub equipment: Vec<Item>,
        /// 安全注意事项, one point an entry (inline Markdown).
        #[serde(default)]
        pub safety: Vec<Sp<Text>>,
        /// 质量要点, one point an entry (inline Markdown).
        #[serde(default)]
        pub quality: Vec<Sp<Text>>,
    }
}

/// A piece of equipment, a tool or a material (设备、工装、材料).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its name, e.g. 注塑机.
    pub name: Sp<Text>,
    /// Model or specification, e.g. HTF-160.
    pub spec: Option<Sp<Text>>,
    /// A note: quantity, where it is kept, what to check before use.
    pub note: Option<Sp<Text>>,
}
