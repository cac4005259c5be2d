//! The header every controlled document shares (number, title, version, status, approval,
//! distribution, history), declared once for every kind of document.

/// Declare a kind of controlled document: the shared header fields around the kind's own
/// fields, with serde (unknown keys refused), a JSON Schema and a `header()` view.
///
/// The fields are plain struct fields rather than one flattened struct because serde's
/// `flatten` drops `deny_unknown_fields` and buffers values, which would lose their positions.
macro_rules! controlled_document {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// 文件编号, unique in the set.
            pub id: $crate::model::Sp<$crate::model::DocId>,
            /// Title, unique in the set.
            pub title: $crate::model::Sp<$crate::model::Text>,
            /// 版本, e.g. `A/0`.
            pub version: $crate::model::Sp<$crate::model::Version>,
            /// draft | effective | obsolete.
            pub status: $crate::model::Sp<$crate::model::Status>,
            /// 生效日期; required unless draft.
            pub effective: Option<$crate::model::Sp<$crate::model::Date>>,
            /// 归口部门.
            pub owner: Option<$crate::model::Sp<$crate::model::Department>>,
            /// Language: zh-Hans (default), zh-Hant or en.
            pub lang: Option<$crate::model::Lang>,
            /// Former titles that still resolve (citing one warns).
            #[serde(default)]
            pub aliases: Vec<$crate::model::Sp<$crate::model::Text>>,
            $( $(#[$field_meta])* pub $field: $ty, )*
            /// 编制/审核/批准.
            pub approval: Option<$crate::model::Approval>,
            /// 分发部门.
            #[serde(default)]
            pub distribution: Vec<$crate::model::Sp<$crate::model::Department>>,
            /// 修订记录, newest last.
            #[serde(default)]
            pub history: Vec<$crate::model::HistoryEntry>,
        }

        impl $name {
            /// Return the fields every controlled document has.
            pub fn header(&self) -> $crate::model::Header<'_> {
                $crate::model::Header {
                    id: &self.id,
                    title: &self.title,
                    version: &self.version,
                    status: &self.status,
                    effective: self.effective.as_ref(),
                    owner: self.owner.as_ref(),
                    lang: self.lang,
                    aliases: &self.aliases,
                    approval: self.approval.as_ref(),
                    distribution: &self.distribution,
                    history: &self.history,
                }
            }
        }
    };
}

/// Declare a kind of document with the outline procedures and work instructions share: the
/// clauses it serves, 目的, 范围, 职责, numbered steps, 相关文件, 记录 and appendices, around
/// the kind's own fields (see [`controlled_document!`]).
macro_rules! outlined_document {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($fields:tt)*
        }
    ) => {
        controlled_document! {
            $(#[$meta])*
            pub struct $name {
                /// ISO 9001:2015 clauses this document serves, e.g. "8.2.1".
                #[serde(default)]
                pub clauses: Vec<$crate::model::Sp<$crate::model::Text>>,
                /// 目的 (inline Markdown).
                pub purpose: $crate::model::Sp<$crate::model::Text>,
                /// 范围 (适用范围) (inline Markdown).
                pub scope: $crate::model::Sp<$crate::model::Text>,
                /// 职责.
                pub responsibilities: Vec<$crate::model::Responsibility>,
                /// 工作程序 (作业步骤), numbered by the tool.
                pub steps: Vec<$crate::model::Step>,
                /// 相关文件: 《…》 references.
                #[serde(default)]
                pub related: Vec<$crate::model::Sp<$crate::model::Text>>,
                /// 记录: the forms this document produces.
                #[serde(default)]
                pub records: Vec<$crate::model::RecordEntry>,
                /// 附录: titled texts the numbered sections do not hold, after the last one.
                #[serde(default)]
                pub appendices: Vec<$crate::model::Appendix>,
                $($fields)*
            }
        }

        impl $name {
            /// Return the outline this kind shares with the other outlined kinds.
            pub fn outline(&self) -> $crate::model::Outline<'_> {
                $crate::model::Outline {
                    purpose: &self.purpose,
                    scope: &self.scope,
                    responsibilities: &self.responsibilities,
                    steps: &self.steps,
                    related: &self.related,
                    records: &self.records,
                    appendices: &self.appendices,
                }
            }
        }
    };
}
