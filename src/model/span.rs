//! Source positions attached to deserialized values.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer};

/// A 1-based line and character column in a source file, plus the byte offset when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset of the value in its file, when the parser knew it.
    pub offset: Option<usize>,
    /// Byte length of the value's source text, when the parser knew it.
    pub len: Option<usize>,
}

impl Pos {
    /// Build a position from a line and column without a byte offset.
    pub fn at(line: u32, column: u32) -> Self {
        Pos {
            line,
            column,
            offset: None,
            len: None,
        }
    }

    pub(crate) fn from_location(location: &serde_saphyr::Location) -> Self {
        let span = location.span();
        let known = |v: Option<u64>| v.filter(|&v| v != u32::MAX as u64).map(|v| v as usize);
        Pos {
            line: location.line() as u32,
            column: location.column() as u32,
            offset: known(span.byte_offset()),
            len: known(span.byte_len()),
        }
    }
}

/// A value together with where it was written.
#[derive(Clone, PartialEq, Eq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where the value starts in its file.
    pub pos: Pos,
}

impl<T> Sp<T> {
    /// Wrap a value with a position.
    pub fn new(value: T, pos: Pos) -> Self {
        Sp { value, pos }
    }
}

impl<T: fmt::Debug> fmt::Debug for Sp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{}:{}", self.value, self.pos.line, self.pos.column)
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Sp {
            pos: Pos::from_location(&spanned.referenced),
            value: spanned.value,
        })
    }
}

/// Serialize only the value: positions are where a value was written, not what it is, so the
/// canonical content of a document (see `crate::publish`) ignores them.
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}
