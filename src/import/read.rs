//! Stage 1 of the import: a .txt, .md or .docx file → its lines of text (paragraphs, for .docx).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Files larger than this are refused: a procedure is a few pages.
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of file a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Plain text.
    Text,
    /// Markdown: headings, emphasis and table pipes are taken off.
    Markdown,
    /// A Word document: one line per paragraph of `word/document.xml`.
    Docx,
}

/// A source file read into lines.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given on the command line.
    pub path: PathBuf,
    /// The path for messages.
    pub display: String,
    /// What the file was.
    pub kind: SourceKind,
    /// The encoding the text was read in (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: &'static str,
    /// The lines, line 1 first; for .docx, the paragraphs.
    pub lines: Vec<String>,
    /// The document read by its markup (.md and .docx), for the structured import.
    pub doc: Option<crate::import::blocks::Doc>,
}

impl Source {
    /// Return the text as it is numbered in diagnostics: the lines joined by newlines.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// Read a source file.
pub fn read(path: &Path) -> Result<Source, Error> {
    let display = path.display().to_string();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let kind = match extension.as_str() {
        "txt" | "text" => SourceKind::Text,
        "md" | "markdown" => SourceKind::Markdown,
        "docx" => SourceKind::Docx,
        "doc" | "pdf" | "rtf" | "odt" | "wps" => {
            return Err(Error::Usage(format!(
                "cannot import `{display}`: .{extension} files are not read; save it as .docx or as text (UTF-8 or GB18030) first"
            )));
        }
        _ => {
            return Err(Error::Usage(format!(
                "cannot import `{display}`: expected a .docx, .md or .txt file"
            )));
        }
    };
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!("`{display}` is not a regular file")));
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Error::Refused(format!(
            "`{display}` is {:.1} MB; the import reads files up to {} MB",
            meta.len() as f64 / 1_048_576.0,
            MAX_SOURCE_BYTES / 1_048_576
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (encoding, lines, doc) = match kind {
        SourceKind::Docx => {
            let doc = crate::import::docx::read(&bytes).map_err(|why| {
                Error::invalid(format!("`{display}` is not a readable .docx: {why}"))
            })?;
            ("UTF-8", doc.lines.clone(), Some(doc))
        }
        SourceKind::Markdown => {
            let (encoding, text) = decode(&bytes, &display)?;
            let doc = crate::import::blocks::markdown(&text.replace("\r\n", "\n"));
            (encoding, doc.lines.clone(), Some(doc))
        }
        SourceKind::Text => {
            let (encoding, text) = decode(&bytes, &display)?;
            (encoding, split_lines(&text), None)
        }
    };
    Ok(Source {
        path: path.to_path_buf(),
        display,
        kind,
        encoding,
        lines,
        doc,
    })
}

/// Decode text: a byte-order mark wins, then UTF-8, then GB18030 (which also reads GBK and
/// GB2312, the encodings of older Chinese Windows files).
fn decode(bytes: &[u8], display: &str) -> Result<(&'static str, String), Error> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Error::invalid(format!(
                "`{display}` starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            )));
        }
        return Ok((encoding.name(), text.into_owned()));
    }
    if bytes.contains(&0) {
        return Err(Error::invalid(format!(
            "`{display}` is a binary file (it contains NUL bytes), not text"
        )));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(("UTF-8", text.to_owned()));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let valid = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Error::invalid(format!(
            "`{display}` is neither UTF-8 nor GB18030 text (the first bad byte is on line {line}); convert it with iconv first"
        )));
    }
    Ok(("GB18030", text.into_owned()))
}

/// Split text into lines: CR LF, CR and form feeds (page breaks of text exports) end a line;
/// tabs and other control characters become spaces.
fn split_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace(['\r', '\u{c}'], "\n");
    // A final line break ends the last line; it does not start another.
    let text = text.strip_suffix('\n').unwrap_or(&text);
    text.split('\n').map(clean_line).collect()
}

fn clean_line(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gb18030() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("顾客沟通程序\n1 目的");
        let (encoding, text) = decode(&bytes, "x.txt").unwrap();
        assert_eq!(encoding, "GB18030");
        assert_eq!(text, "顾客沟通程序\n1 目的");
    }

    #[test]
    fn refuses_binary_text() {
        assert!(decode(b"ab\0cd", "x.txt").is_err());
    }
}
