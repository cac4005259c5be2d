//! Explain the YAML slips of a Chinese keyboard: a full-width colon after a key, full-width
//! spaces in the indentation, an ASCII `: ` inside a sentence, and “…” or 「…」 used as quotes.
//! The parser's own message ("simple key expected ':'") names none of them.

/// A better message for a YAML error, at the character that causes it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Hint {
    /// 1-based line of the culprit.
    pub(crate) line: u32,
    /// 1-based character column of the culprit.
    pub(crate) column: u32,
    /// How many characters to underline.
    pub(crate) width: usize,
    /// What is wrong.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) help: String,
}

/// Look at the line of a parser error (and the one before, where the parser noticed late) for
/// a slip it can name; `None` when the error is something else.
pub(crate) fn explain(source: &str, line: u32, column: u32, message: &str) -> Option<Hint> {
    let lines: Vec<&str> = source.lines().collect();
    let at = |n: u32| lines.get(n.checked_sub(1)? as usize).copied();
    let text = at(line)?;
    if let Some(hint) = full_width_indent(line, text) {
        return Some(hint);
    }
    // The parser may notice a full-width indentation only on the line after.
    if let Some(hint) = at(line.saturating_sub(1)).and_then(|t| full_width_indent(line - 1, t)) {
        return Some(hint);
    }
    if let Some(hint) = full_width_colon(line, text) {
        return Some(hint);
    }
    if let Some(hint) = typographic_quotes(line, text) {
        return Some(hint);
    }
    if message.contains("mapping values are not allowed") {
        return colon_in_text(line, column, text);
    }
    None
}

/// `　prepared:` — U+3000 in the indentation.
fn full_width_indent(line: u32, text: &str) -> Option<Hint> {
    let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
    let offset = indent.chars().position(|c| c == '\u{3000}')?;
    Some(Hint {
        line,
        column: offset as u32 + 1,
        width: indent.chars().filter(|c| *c == '\u{3000}').count(),
        message: "full-width space `　` in the indentation".to_owned(),
        help: "YAML indents with ASCII spaces: switch the input method to half-width (半角) and indent again".to_owned(),
    })
}

/// `owner：行政部` — a key followed by a full-width colon.
fn full_width_colon(line: u32, text: &str) -> Option<Hint> {
    let body = text.trim_start().trim_start_matches("- ");
    if body.starts_with('#') {
        return None;
    }
    let (key, rest) = body.split_once('：')?;
    let plain_key = !key.is_empty()
        && key.len() <= 40
        && !key.contains([':', ' ', '"', '\'', '#', '{', '['])
        && !rest.is_empty();
    if !plain_key {
        return None;
    }
    let indent = text.chars().count() - body.chars().count();
    let value = rest.trim_start();
    Some(Hint {
        line,
        column: (indent + key.chars().count()) as u32 + 1,
        width: 1,
        message: format!("full-width colon `：` after the key `{key}`"),
        help: format!("YAML needs an ASCII colon and a space after a key: `{key}: {value}`"),
    })
}

/// `purpose: 文件编号规则如下: …` — an ASCII `: ` inside a plain value starts a new key.
fn colon_in_text(line: u32, column: u32, text: &str) -> Option<Hint> {
    let (key, value) = text
        .trim_start()
        .trim_start_matches("- ")
        .split_once(": ")?;
    let value = value.trim();
    if value.starts_with(['"', '\'', '|', '>', '{', '[']) {
        return None;
    }
    let key = key.trim();
    // Show the value up to its colon: enough to recognise, short enough for one line.
    let shown = match value.split_once(": ") {
        Some((before, _)) => format!("{}: …", before.replace('"', "\\\"")),
        None => value.replace('"', "\\\""),
    };
    Some(Hint {
        line,
        column,
        width: 1,
        message: format!("`: ` inside the text of `{key}` reads as the start of another key"),
        help: format!(
            "quote the whole value (`{key}: \"{shown}\"`) or write the colon full-width (`：`) as Chinese text does"
        ),
    })
}

/// `title: “文件控制程序”: …` — typographic quotes are text to YAML, not quotes.
fn typographic_quotes(line: u32, text: &str) -> Option<Hint> {
    let (key, value) = text.trim_start().split_once(": ")?;
    let value = value.trim_start();
    let open = value
        .chars()
        .next()
        .filter(|c| matches!(c, '“' | '「' | '‘' | '『'))?;
    let column = text.chars().count() - value.chars().count() + 1;
    Some(Hint {
        line,
        column: column as u32,
        width: 1,
        message: format!("`{open}` does not quote a YAML value"),
        help: format!("quote with ASCII double quotes: `{}: \"…\"`", key.trim()),
    })
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn names_the_full_width_colon() {
        let hint = explain("id: QP-1\nowner：行政部\n", 2, 1, "simple key expected ':'").unwrap();
        assert_eq!((hint.line, hint.column), (2, 6));
        assert_eq!(
            hint.help,
            "YAML needs an ASCII colon and a space after a key: `owner: 行政部`"
        );
    }

    #[test]
    fn names_a_colon_inside_a_sentence() {
        let source = "purpose: 文件编号规则如下: 按部门编号\n";
        let hint = explain(
            source,
            1,
            18,
            "mapping values are not allowed in this context",
        )
        .unwrap();
        assert_eq!(hint.column, 18);
        assert!(
            hint.help.contains("`purpose: \"文件编号规则如下: …\"`"),
            "{}",
            hint.help
        );
    }

    #[test]
    fn names_full_width_indentation() {
        let hint = explain("approval:\n　prepared: {name: 张三}\n", 2, 1, "x").unwrap();
        assert_eq!((hint.line, hint.column, hint.width), (2, 1, 1));
    }

    #[test]
    fn names_typographic_quotes() {
        let hint = explain(
            "title: “文件控制程序：修订”: x\n",
            1,
            20,
            "did not find expected key",
        )
        .unwrap();
        assert_eq!(hint.column, 8);
    }

    #[test]
    fn leaves_other_errors_alone() {
        assert_eq!(
            explain(
                "title: [unclosed\n",
                1,
                8,
                "did not find expected ',' or ']'"
            ),
            None
        );
        // A full-width colon inside a sentence is ordinary Chinese punctuation.
        assert_eq!(explain("purpose: 目的：控制文件\n", 1, 1, "x"), None);
    }
}
