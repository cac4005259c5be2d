//! Text from documents made safe for each output: escaping for Typst, HTML and Markdown, and
//! inline Markdown (pulldown-cmark) with every 《…》 citation turned into a link.
//!
//! Nothing a document says ever becomes code: in Typst every ASCII punctuation character is
//! escaped, in HTML the five special characters are, and markup comes only from the Markdown
//! events this module knows.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::cite;
use crate::edit::backslash_quoted;

/// An output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Typst markup.
    Typst,
    /// HTML.
    Html,
    /// CommonMark.
    Markdown,
}

/// Escape text for Typst markup: a backslash before every ASCII punctuation character.
pub fn typst_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Quote text as a Typst string literal, e.g. for `link("…")` or `document(title: "…")`.
pub fn typst_string(text: &str) -> String {
    backslash_quoted(text, |out, c| match c {
        '\r' | '\t' => out.push(' '),
        c => out.push(c),
    })
}

/// Escape text for HTML content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for Markdown so that it prints as written.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escape plain text for one output language.
pub fn escape(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Typst => typst_escape(text),
        Lang::Html => html_escape(text),
        Lang::Markdown => markdown_escape(text),
    }
}

/// What a cited title leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cited {
    /// A page of this output, by its address.
    Page(String),
    /// A known document without a page here (an external standard).
    NoPage,
    /// Nothing: the reference does not resolve (shown in red in HTML, with this tooltip).
    Unresolved(&'static str),
}

/// Render a text field (inline Markdown) for one output language; `link` says where each
/// cited title leads.
pub fn rich(text: &str, lang: Lang, link: &dyn Fn(&str) -> Cited) -> String {
    let mut writer = Writer {
        lang,
        link,
        out: String::new(),
        lists: Vec::new(),
        table_columns: 0,
        in_table_head: false,
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut paragraphs = 0;
    for event in Parser::new_ext(text, options) {
        writer.event(event, &mut paragraphs);
    }
    writer.out.trim().to_owned()
}

struct Writer<'a> {
    lang: Lang,
    link: &'a dyn Fn(&str) -> Cited,
    out: String,
    /// For each open list: ordered, and the next number.
    lists: Vec<(bool, u64)>,
    table_columns: usize,
    in_table_head: bool,
}

impl Writer<'_> {
    fn event(&mut self, event: Event<'_>, paragraphs: &mut usize) {
        let lang = self.lang;
        match event {
            Event::Start(tag) => self.start(tag, paragraphs),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => self.text(&text),
            Event::Code(code) => match lang {
                Lang::Typst => {
                    let _ = write!(self.out, "#raw({})", typst_string(&code));
                }
                Lang::Html => {
                    let _ = write!(self.out, "<code>{}</code>", html_escape(&code));
                }
                Lang::Markdown => {
                    let fence = if code.contains('`') { "``" } else { "`" };
                    let _ = write!(self.out, "{fence}{code}{fence}");
                }
            },
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str(match lang {
                Lang::Typst => "#linebreak()",
                Lang::Html => "<br>",
                Lang::Markdown => "  \n",
            }),
            Event::Rule => {}
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, paragraphs: &mut usize) {
        let lang = self.lang;
        let open = match (tag, lang) {
            (Tag::Paragraph, _) => {
                *paragraphs += 1;
                if *paragraphs > 1 && self.lists.is_empty() && self.table_columns == 0 {
                    match lang {
                        Lang::Typst => "#parbreak()",
                        Lang::Html => "<br><br>",
                        Lang::Markdown => "\n\n",
                    }
                } else {
                    ""
                }
            }
            (Tag::Emphasis, Lang::Typst) => "#emph[",
            (Tag::Emphasis, Lang::Html) => "<em>",
            (Tag::Emphasis, Lang::Markdown) => "*",
            (Tag::Strong, Lang::Typst) => "#strong[",
            (Tag::Strong, Lang::Html) => "<strong>",
            (Tag::Strong, Lang::Markdown) => "**",
            (Tag::Strikethrough, Lang::Typst) => "#strike[",
            (Tag::Strikethrough, Lang::Html) => "<del>",
            (Tag::Strikethrough, Lang::Markdown) => "~~",
            (Tag::Heading { .. }, Lang::Typst) => "#strong[",
            (Tag::Heading { .. }, Lang::Html) => "<strong>",
            (Tag::Heading { .. }, Lang::Markdown) => "**",
            (Tag::Link { dest_url, .. }, _) => {
                let safe = is_safe_url(&dest_url);
                match (lang, safe) {
                    (Lang::Typst, true) => {
                        let _ = write!(self.out, "#link({})[", typst_string(&dest_url));
                    }
                    (Lang::Html, true) => {
                        let _ = write!(self.out, "<a href=\"{}\">", html_escape(&dest_url));
                    }
                    (Lang::Markdown, true) => self.out.push('['),
                    (_, false) => {}
                }
                self.lists.push((safe, u64::MAX));
                return;
            }
            (Tag::List(start), _) => {
                self.lists.push((start.is_some(), start.unwrap_or(1)));
                match lang {
                    Lang::Typst => "#block[",
                    Lang::Html => {
                        if start.is_some() {
                            "<ol>"
                        } else {
                            "<ul>"
                        }
                    }
                    Lang::Markdown => "\n",
                }
            }
            (Tag::Item, _) => {
                let (ordered, number) = self.lists.last().copied().unwrap_or((false, 1));
                if let Some(last) = self.lists.last_mut() {
                    last.1 += 1;
                }
                match lang {
                    Lang::Typst => {
                        let marker = if ordered {
                            format!("{number}\\.")
                        } else {
                            "•".to_owned()
                        };
                        let _ =
                            write!(self.out, "#block(inset: (left: 1.2em))[#h(-1.2em){marker} ");
                        return;
                    }
                    Lang::Html => "<li>",
                    Lang::Markdown => {
                        if ordered {
                            let _ = write!(self.out, "{number}. ");
                            return;
                        }
                        "- "
                    }
                }
            }
            (Tag::Table(alignments), _) => {
                self.table_columns = alignments.len().max(1);
                match lang {
                    Lang::Typst => {
                        let _ = write!(self.out, "#table(columns: {}, ", self.table_columns);
                        return;
                    }
                    Lang::Html => "<table class=\"md\">",
                    Lang::Markdown => "\n",
                }
            }
            (Tag::TableHead, _) => {
                self.in_table_head = true;
                match lang {
                    Lang::Html => "<thead><tr>",
                    Lang::Markdown => "|",
                    Lang::Typst => "",
                }
            }
            (Tag::TableRow, Lang::Html) => "<tr>",
            (Tag::TableRow, Lang::Markdown) => "|",
            (Tag::TableCell, Lang::Typst) => "[",
            (Tag::TableCell, Lang::Html) => {
                if self.in_table_head {
                    "<th>"
                } else {
                    "<td>"
                }
            }
            (Tag::TableCell, Lang::Markdown) => " ",
            _ => "",
        };
        self.out.push_str(open);
    }

    fn end(&mut self, tag: TagEnd) {
        let lang = self.lang;
        let close = match (tag, lang) {
            (
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Heading(_),
                Lang::Typst,
            ) => "]",
            (TagEnd::Emphasis, Lang::Html) => "</em>",
            (TagEnd::Emphasis, Lang::Markdown) => "*",
            (TagEnd::Strong | TagEnd::Heading(_), Lang::Html) => "</strong>",
            (TagEnd::Strong | TagEnd::Heading(_), Lang::Markdown) => "**",
            (TagEnd::Strikethrough, Lang::Html) => "</del>",
            (TagEnd::Strikethrough, Lang::Markdown) => "~~",
            (TagEnd::Link, _) => {
                let safe = self.lists.pop().is_some_and(|(safe, _)| safe);
                match (lang, safe) {
                    (Lang::Typst, true) => "]",
                    (Lang::Html, true) => "</a>",
                    (Lang::Markdown, true) => "]()",
                    (_, false) => "",
                }
            }
            (TagEnd::List(ordered), _) => {
                self.lists.pop();
                match lang {
                    Lang::Typst => "]",
                    Lang::Html => {
                        if ordered {
                            "</ol>"
                        } else {
                            "</ul>"
                        }
                    }
                    Lang::Markdown => "\n",
                }
            }
            (TagEnd::Item, Lang::Typst) => "]",
            (TagEnd::Item, Lang::Html) => "</li>",
            (TagEnd::Item, Lang::Markdown) => "\n",
            (TagEnd::Table, Lang::Typst) => ")",
            (TagEnd::Table, Lang::Html) => "</tbody></table>",
            (TagEnd::Table, Lang::Markdown) => "\n",
            (TagEnd::TableHead, _) => {
                self.in_table_head = false;
                match lang {
                    Lang::Html => "</tr></thead><tbody>",
                    Lang::Markdown => {
                        let _ = write!(self.out, "\n|{}\n", "---|".repeat(self.table_columns));
                        return;
                    }
                    Lang::Typst => "",
                }
            }
            (TagEnd::TableRow, Lang::Html) => "</tr>",
            (TagEnd::TableRow, Lang::Markdown) => "\n",
            (TagEnd::TableCell, Lang::Typst) => "], ",
            (TagEnd::TableCell, Lang::Html) => {
                if self.in_table_head {
                    "</th>"
                } else {
                    "</td>"
                }
            }
            (TagEnd::TableCell, Lang::Markdown) => " |",
            _ => "",
        };
        self.out.push_str(close);
    }

    /// Write text, turning each citation that resolves into a link.
    fn text(&mut self, text: &str) {
        let lang = self.lang;
        let mut rest = 0;
        for citation in cite::scan(text) {
            let href = match (self.link)(citation.inner) {
                Cited::Page(href) => href,
                Cited::Unresolved(tooltip)
                    if lang == Lang::Html && citation.bracket.is_certain() =>
                {
                    self.out
                        .push_str(&escape(&text[rest..citation.start], lang));
                    let _ = write!(
                        self.out,
                        "<span class=\"unresolved\" title=\"{}\">{}</span>",
                        html_escape(tooltip),
                        html_escape(citation.raw(text))
                    );
                    rest = citation.end;
                    continue;
                }
                _ => continue,
            };
            self.out
                .push_str(&escape(&text[rest..citation.start], lang));
            let raw = escape(citation.raw(text), lang);
            let _ = match lang {
                Lang::Typst => write!(self.out, "#link({})[{raw}]", typst_string(&href)),
                Lang::Html => write!(
                    self.out,
                    "<a class=\"cite\" href=\"{}\">{raw}</a>",
                    html_escape(&href)
                ),
                Lang::Markdown => write!(
                    self.out,
                    "[{raw}]({})",
                    href.replace(' ', "%20").replace(')', "%29")
                ),
            };
            rest = citation.end;
        }
        self.out.push_str(&escape(&text[rest..], lang));
    }
}

/// Return whether a link target from a document may become a live link: web and mail only,
/// never `javascript:` or `file:`.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Cited {
        Cited::NoPage
    }

    fn link(inner: &str) -> Cited {
        if inner == "纠正与预防措施管理程序" {
            Cited::Page("QP-10.2-01.pdf".to_owned())
        } else {
            Cited::Unresolved("未找到此文件")
        }
    }

    #[test]
    fn unresolved_citations_are_marked_in_html_only() {
        assert_eq!(
            rich("见《无此程序》", Lang::Html, &link),
            "见<span class=\"unresolved\" title=\"未找到此文件\">《无此程序》</span>"
        );
        assert_eq!(rich("见《无此程序》", Lang::Typst, &link), "见《无此程序》");
    }

    #[test]
    fn typst_code_prints_literally() {
        let out = rich(
            r#"#read("/etc/passwd") $x$ @ref <label> \ 2 * 3 snake_case"#,
            Lang::Typst,
            &none,
        );
        assert_eq!(
            out,
            r#"\#read\(\"\/etc\/passwd\"\) \$x\$ \@ref \<label\> \\ 2 \* 3 snake\_case"#
        );
        // Markdown emphasis is the author's markup, rendered as Typst functions.
        assert_eq!(rich("*a* **b**", Lang::Typst, &none), "#emph[a] #strong[b]");
    }

    #[test]
    fn citations_become_links() {
        assert_eq!(
            rich("参照《纠正与预防措施管理程序》执行", Lang::Typst, &link),
            "参照#link(\"QP-10.2-01.pdf\")[《纠正与预防措施管理程序》]执行"
        );
        assert_eq!(
            rich("参照《纠正与预防措施管理程序》执行", Lang::Html, &link),
            "参照<a class=\"cite\" href=\"QP-10.2-01.pdf\">《纠正与预防措施管理程序》</a>执行"
        );
    }

    #[test]
    fn html_is_escaped_and_scripts_never_run() {
        let out = rich(
            "<script>alert(1)</script> [x](javascript:alert(1))",
            Lang::Html,
            &none,
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("href=\"javascript"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn emphasis_and_lists() {
        assert_eq!(rich("**重要**", Lang::Html, &none), "<strong>重要</strong>");
        assert_eq!(
            rich("- 一\n- 二", Lang::Html, &none),
            "<ul><li>一</li><li>二</li></ul>"
        );
    }
}
