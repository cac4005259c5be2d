//! Stage 1 of the import: a .txt, .md or .docx file → its lines of text (paragraphs, for .docx).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;

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
        return Err(Error::Usage(format!(
            "`{display}` is {:.1} MB; the import reads files up to {} MB",
            meta.len() as f64 / 1_048_576.0,
            MAX_SOURCE_BYTES / 1_048_576
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (encoding, lines) = match kind {
        SourceKind::Docx => ("UTF-8", docx_paragraphs(&bytes, &display)?),
        SourceKind::Text | SourceKind::Markdown => {
            let (encoding, text) = decode(&bytes, &display)?;
            let mut lines = split_lines(&text);
            if kind == SourceKind::Markdown {
                lines = lines.iter().map(|l| markdown_line(l)).collect();
            }
            (encoding, lines)
        }
    };
    Ok(Source {
        path: path.to_path_buf(),
        display,
        kind,
        encoding,
        lines,
    })
}

/// Decode text: a byte-order mark wins, then UTF-8, then GB18030 (which also reads GBK and
/// GB2312, the encodings of older Chinese Windows files).
fn decode(bytes: &[u8], display: &str) -> Result<(&'static str, String), Error> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Error::Usage(format!(
                "`{display}` starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            )));
        }
        return Ok((encoding.name(), text.into_owned()));
    }
    if bytes.contains(&0) {
        return Err(Error::Usage(format!(
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
        return Err(Error::Usage(format!(
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

/// Take Markdown's markup off a line: `#` headings, `**`/`__` emphasis, table pipes (a table
/// row becomes its cells separated by spaces; the `|---|` row becomes blank) and link targets.
fn markdown_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let mut text = trimmed.trim_start_matches('#');
    if text.len() != trimmed.len() {
        text = text.trim_start();
    }
    let mut out = text.replace("**", "").replace("__", "");
    if out.starts_with('|') {
        let cells: Vec<&str> = out
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        {
            return String::new();
        }
        out = cells.join(" ");
    }
    // [text](target) → text
    while let Some(open) = out.find("](") {
        let Some(close) = out[open..].find(')') else {
            break;
        };
        let Some(start) = out[..open].rfind('[') else {
            break;
        };
        let label = out[start + 1..open].to_owned();
        out.replace_range(start..open + close + 1, &label);
    }
    out
}

/// Largest `word/document.xml` read: a zip bomb must not fill the memory.
const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;

/// Read the paragraphs of a .docx: `w:p` elements of `word/document.xml`; `w:t` is text,
/// `w:tab` a space, `w:br`/`w:cr` a line break (a new line, like a new paragraph).
fn docx_paragraphs(bytes: &[u8], display: &str) -> Result<Vec<String>, Error> {
    let bad = |why: String| Error::Usage(format!("`{display}` is not a readable .docx: {why}"));
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|e| bad(format!("word/document.xml: {e}")))?
        .take(MAX_XML_BYTES)
        .read_to_string(&mut xml)
        .map_err(|e| bad(format!("word/document.xml: {e}")))?;
    paragraphs(&xml).map_err(bad)
}

/// Collect the paragraphs of WordprocessingML.
pub fn paragraphs(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut in_text = false;
    let mut in_paragraph = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"p" => {
                    in_paragraph = true;
                    line.clear();
                }
                b"t" => in_text = true,
                b"tab" if in_paragraph => line.push(' '),
                b"br" | b"cr" if in_paragraph => lines.push(std::mem::take(&mut line)),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if in_paragraph => line.push(' '),
                b"br" | b"cr" if in_paragraph => lines.push(std::mem::take(&mut line)),
                b"p" => lines.push(String::new()),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"p" => {
                    in_paragraph = false;
                    lines.push(clean_line(&std::mem::take(&mut line)));
                }
                b"t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t.decode().map_err(|e| e.to_string())?;
                line.push_str(&text);
            }
            Event::CData(t) if in_text => {
                line.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    line.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let text = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("unknown entity `&{name};`"))?;
                    line.push_str(text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(lines)
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

    #[test]
    fn reads_docx_paragraphs() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>1</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">目的 &amp; 范围</w:t></w:r></w:p>
            <w:p/>
            <w:p><w:r><w:t>a</w:t><w:br/><w:t>b&#x4E00;</w:t></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            vec!["1 目的 & 范围", "", "a", "b一"]
        );
    }

    #[test]
    fn strips_markdown() {
        assert_eq!(markdown_line("## 1 目的"), "1 目的");
        assert_eq!(
            markdown_line("| 《表》 | 品质部 | 3年 |"),
            "《表》 品质部 3年"
        );
        assert_eq!(markdown_line("|---|:--:|"), "");
        assert_eq!(markdown_line("见[附件](a.pdf)和**重点**"), "见附件和重点");
    }
}
