//! The structured reading of a .docx: `word/document.xml` with `styles.xml` (heading styles,
//! outline levels, styles based on them) and `numbering.xml` (Word's automatic numbering,
//! computed to the number the reader sees), tables as tables, text boxes kept, fields
//! (PAGE, NUMPAGES) and headers/footers set aside as page furniture.

use std::collections::HashMap;
use std::io::Read as _;

use quick_xml::events::{BytesStart, Event};

use crate::import::blocks::{Block, Doc, Piece, is_title, typed_number};
use crate::import::number::is_article;

/// Largest XML part read: a zip bomb must not fill the memory.
const MAX_XML_BYTES: u64 = 256 * 1024 * 1024;

/// A paragraph style: its outline level, its numbering, its parent.
#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    outline: Option<usize>,
    num: Option<(String, usize)>,
    title: bool,
}

/// One level of a numbering definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → levels.
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, level start overrides).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
    /// abstractNumId → counters.
    counters: HashMap<String, Vec<Option<u32>>>,
    /// numIds whose overrides have been applied.
    started: std::collections::HashSet<String>,
}

impl Numbering {
    /// Whether a list is an outline (some level shows two or more numbers: `%1.%2`).
    fn outline(&self, num: &str) -> bool {
        self.nums
            .get(num)
            .and_then(|(a, _)| self.abstracts.get(a))
            .is_some_and(|levels| levels.iter().any(|l| l.text.matches('%').count() >= 2))
    }

    /// Count a paragraph of list `num` at level `ilvl`, return the text the reader sees.
    fn next(&mut self, num: &str, ilvl: usize) -> Option<String> {
        let (abs, overrides) = self.nums.get(num)?.clone();
        let levels = self.abstracts.get(&abs)?.clone();
        let level = levels.get(ilvl)?;
        let counters = self
            .counters
            .entry(abs.clone())
            .or_insert_with(|| vec![None; 9]);
        if self.started.insert(num.to_owned()) {
            for (&l, &start) in &overrides {
                if l < counters.len() {
                    counters[l] = Some(start.saturating_sub(1));
                }
            }
        }
        if ilvl >= counters.len() {
            return None;
        }
        counters[ilvl] = Some(counters[ilvl].map_or(level.start, |c| c + 1));
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = None;
        }
        if level.format == "bullet" || level.format == "none" {
            return Some(String::new());
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let k = (d as usize).saturating_sub(1);
                let l = levels.get(k).cloned().unwrap_or_default();
                let value = counters.get(k).copied().flatten().unwrap_or(l.start);
                out.push_str(&format_number(value, &l.format));
            } else {
                out.push(c);
            }
        }
        Some(out)
    }
}

/// Write a counter in a numbering format.
fn format_number(n: u32, format: &str) -> String {
    const CN: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match format {
        "lowerLetter" | "upperLetter" => {
            let c = char::from(b'a' + ((n.max(1) - 1) % 26) as u8);
            if format == "upperLetter" {
                c.to_ascii_uppercase().to_string()
            } else {
                c.to_string()
            }
        }
        "lowerRoman" | "upperRoman" => {
            let mut v = n;
            let mut s = String::new();
            for (value, digits) in [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ] {
                while v >= value {
                    s.push_str(digits);
                    v -= value;
                }
            }
            if format == "upperRoman" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "chineseCounting" | "chineseCountingThousand" | "ideographTraditional" => match n {
            0..=9 => CN[n as usize].to_owned(),
            10 => "十".to_owned(),
            11..=19 => format!("十{}", CN[(n % 10) as usize]),
            20..=99 => format!(
                "{}十{}",
                CN[(n / 10) as usize],
                if n.is_multiple_of(10) {
                    ""
                } else {
                    CN[(n % 10) as usize]
                }
            ),
            _ => n.to_string(),
        },
        _ => n.to_string(),
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

fn part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let Ok(file) = archive.by_name(name) else {
        return Ok(None);
    };
    let mut xml = String::new();
    file.take(MAX_XML_BYTES)
        .read_to_string(&mut xml)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(Some(xml))
}

/// Heading level of a style name: `heading 2`, `标题 2`, `Title`.
fn level_of_name(name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    for prefix in ["heading", "标题", "標題"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            return rest
                .trim()
                .parse()
                .ok()
                .filter(|&n: &usize| (1..=9).contains(&n));
        }
    }
    None
}

/// Call `on` with each event of a part's XML, up to its end.
fn each_event(xml: &str, part: &str, mut on: impl FnMut(&Event<'_>)) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| format!("{part}: {e}"))? {
            Event::Eof => return Ok(()),
            event => on(&event),
        }
    }
}

fn read_styles(xml: &str) -> Result<HashMap<String, Style>, String> {
    let mut styles = HashMap::new();
    let mut current: Option<(String, Style)> = None;
    let mut num_id: Option<String> = None;
    let mut ilvl = 0;
    each_event(xml, "styles.xml", |event| match event {
        Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
            b"style" => {
                current = attr(e, b"styleId").map(|id| (id, Style::default()));
                num_id = None;
                ilvl = 0;
            }
            b"name" => {
                if let (Some((id, style)), Some(name)) = (&mut current, attr(e, b"val")) {
                    if let Some(level) = level_of_name(&name).or_else(|| level_of_name(id)) {
                        style.outline = Some(level);
                    }
                    if name.eq_ignore_ascii_case("title") || name == "标题" {
                        style.title = true;
                    }
                }
            }
            b"basedOn" => {
                if let Some((_, style)) = &mut current {
                    style.based_on = attr(e, b"val");
                }
            }
            b"outlineLvl" => {
                if let (Some((_, style)), Some(v)) = (&mut current, attr(e, b"val")) {
                    style.outline = v.parse::<usize>().ok().filter(|&l| l < 9).map(|l| l + 1);
                }
            }
            b"numId" => num_id = attr(e, b"val"),
            b"ilvl" => ilvl = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0),
            _ => {}
        },
        Event::End(e) => match e.local_name().as_ref() {
            b"numPr" => {
                if let (Some((_, style)), Some(n)) = (&mut current, num_id.take()) {
                    style.num = Some((n, ilvl));
                }
            }
            b"style" => {
                if let Some((id, style)) = current.take() {
                    styles.insert(id, style);
                }
            }
            _ => {}
        },
        _ => {}
    })?;
    Ok(styles)
}

fn read_numbering(xml: &str) -> Result<Numbering, String> {
    let mut numbering = Numbering::default();
    let mut abs: Option<(String, Vec<Level>)> = None;
    let mut level: Option<(usize, Level)> = None;
    let mut num: Option<(String, String, HashMap<usize, u32>)> = None;
    let mut override_level = 0;
    each_event(xml, "numbering.xml", |event| match event {
        Event::Start(e) | Event::Empty(e) => {
            let val = || attr(e, b"val").unwrap_or_default();
            match e.local_name().as_ref() {
                b"abstractNum" => {
                    abs = attr(e, b"abstractNumId").map(|id| (id, Vec::new()));
                }
                b"lvl" if abs.is_some() => {
                    let ilvl = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    level = Some((
                        ilvl,
                        Level {
                            start: 1,
                            format: "decimal".to_owned(),
                            text: String::new(),
                        },
                    ));
                }
                b"start" => {
                    if let Some((_, l)) = &mut level {
                        l.start = val().parse().unwrap_or(1);
                    }
                }
                b"numFmt" => {
                    if let Some((_, l)) = &mut level {
                        l.format = val();
                    }
                }
                b"lvlText" => {
                    if let Some((_, l)) = &mut level {
                        l.text = val();
                    }
                }
                b"num" => {
                    num = attr(e, b"numId").map(|id| (id, String::new(), HashMap::new()));
                }
                b"abstractNumId" => {
                    if let Some((_, a, _)) = &mut num {
                        *a = val();
                    }
                }
                b"lvlOverride" => {
                    override_level = attr(e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                }
                b"startOverride" => {
                    if let Some((_, _, o)) = &mut num {
                        o.insert(override_level, val().parse().unwrap_or(1));
                    }
                }
                _ => {}
            }
            if matches!(event, Event::Empty(_)) && e.local_name().as_ref() == b"num" {
                num = None;
            }
        }
        Event::End(e) => match e.local_name().as_ref() {
            b"lvl" => {
                if let (Some((i, l)), Some((_, levels))) = (level.take(), &mut abs) {
                    if levels.len() <= i {
                        levels.resize(i + 1, Level::default());
                    }
                    levels[i] = l;
                }
            }
            b"abstractNum" => {
                if let Some((id, levels)) = abs.take() {
                    numbering.abstracts.insert(id, levels);
                }
            }
            b"num" => {
                if let Some((id, a, o)) = num.take() {
                    numbering.nums.insert(id, (a, o));
                }
            }
            _ => {}
        },
        _ => {}
    })?;
    Ok(numbering)
}

/// A paragraph as read: its style, numbering and text.
#[derive(Debug, Default)]
struct Para {
    style: Option<String>,
    num: Option<(String, usize)>,
    outline: Option<usize>,
    text: String,
}

/// Read a .docx into blocks.
pub fn read(bytes: &[u8]) -> Result<Doc, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let body =
        part(&mut archive, "word/document.xml")?.ok_or("it has no word/document.xml".to_owned())?;
    let styles = match part(&mut archive, "word/styles.xml")? {
        Some(xml) => read_styles(&xml)?,
        None => HashMap::new(),
    };
    let mut numbering = match part(&mut archive, "word/numbering.xml")? {
        Some(xml) => read_numbering(&xml)?,
        None => Numbering::default(),
    };
    let mut doc = Doc::default();
    let mut names: Vec<String> = archive
        .file_names()
        .filter(|n| {
            n.starts_with("word/")
                && (n.contains("header") || n.contains("footer"))
                && n.ends_with(".xml")
        })
        .map(str::to_owned)
        .collect();
    names.sort();
    // The header table of a document kept in its page header (as `docctl build --to docx`
    // writes it, and many templates do): the first header part's tables with two or more
    // header labels are read like a header table at the top of the body.
    let mut header_tables: Vec<Vec<Vec<String>>> = Vec::new();
    for name in names {
        if let Some(xml) = part(&mut archive, &name)? {
            let (paras, tables) = paragraphs(&xml)?;
            if header_tables.is_empty() && name.contains("header") {
                header_tables = tables
                    .into_iter()
                    .map(|(_, rows, _)| rows)
                    .filter(|rows| {
                        rows.iter()
                            .flatten()
                            .filter(|c| crate::import::outline::is_header_label(c))
                            .count()
                            >= 2
                    })
                    .collect();
                if !header_tables.is_empty() {
                    continue;
                }
            }
            let text: Vec<String> = paras
                .into_iter()
                .map(|p| p.text.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            if !text.is_empty() {
                let place = name
                    .trim_start_matches("word/")
                    .trim_end_matches(".xml")
                    .to_owned();
                doc.furniture.push((place, text.join(" / ")));
            }
        }
    }
    for rows in header_tables {
        let lines = vec![1; rows.len()];
        doc.blocks.push(Block::Table {
            line: 1,
            rows,
            lines,
        });
    }
    let (paras, tables) = paragraphs(&body)?;
    // Resolve each paragraph: heading level, number.
    let resolve = |id: &str| -> Style {
        let mut out = Style::default();
        let mut at = Some(id.to_owned());
        let mut hops = 0;
        while let Some(s) = at.and_then(|i| styles.get(&i)) {
            out.outline = out.outline.or(s.outline);
            out.num = out.num.clone().or(s.num.clone());
            out.title |= s.title;
            at = s.based_on.clone();
            hops += 1;
            if hops > 20 {
                break;
            }
        }
        out
    };
    let mut table_at = tables.into_iter().peekable();
    for (index, para) in paras.iter().enumerate() {
        let line = index + 1;
        while let Some((start, _, _)) = table_at.peek()
            && *start == index
        {
            let (_, rows, lines) = table_at.next().unwrap_or_default();
            doc.blocks.push(Block::Table {
                line,
                rows,
                lines: lines.into_iter().map(|l| l + 1).collect(),
            });
        }
        doc.lines.push(para.text.trim().to_owned());
        let style = para.style.as_deref().map(resolve).unwrap_or_default();
        let num = para.num.clone().or(style.num.clone());
        let text = para.text.trim().to_owned();
        let outline = para.outline.or(style.outline);
        let mut number = None;
        let mut is_outline = false;
        if let Some((id, ilvl)) = &num
            && id != "0"
        {
            is_outline = numbering.outline(id);
            number = numbering.next(id, *ilvl);
        }
        if text.is_empty() {
            continue;
        }
        doc.pieces.push(Piece {
            line,
            text: text.clone(),
        });
        if para.in_table() {
            continue;
        }
        if style.title && doc.title.is_none() {
            doc.title = Some((line, text));
            continue;
        }
        let shown = number
            .as_deref()
            .map(|n| n.trim().trim_end_matches(['.', '、', ')', '）']).to_owned())
            .filter(|n| !n.is_empty());
        let depth = |n: &str| n.split('.').count();
        // A numbered paragraph is a heading when it reads as a title.
        let numbered = |n: String, typed: bool, text: String| {
            if is_title(&text) {
                Block::Heading {
                    line,
                    level: depth(&n),
                    number: Some(n),
                    typed,
                    text,
                }
            } else {
                Block::Para {
                    line,
                    number: Some(n),
                    typed,
                    plain: text.clone(),
                    text,
                }
            }
        };
        if let Some(level) = outline {
            let (number, typed, text) = match (&shown, typed_number(&text)) {
                (Some(n), _) => (Some(n.clone()), false, text),
                (None, Some((n, rest))) => (Some(n), true, rest),
                (None, None) => (None, false, text),
            };
            doc.blocks.push(Block::Heading {
                line,
                level,
                number,
                typed,
                text,
            });
        } else if is_outline && let Some(n) = shown.filter(|n| is_decimal(n)) {
            doc.blocks.push(numbered(n, false, text));
        } else if let Some(n) = number.filter(|n| !n.trim().is_empty()) {
            // A numbered list item that is not an outline: `1)`, `(a)`, a bullet.
            let marker = n.trim().to_owned();
            let md = if marker.chars().all(|c| c.is_ascii_digit() || c == '.') {
                format!("{marker} {text}")
            } else {
                format!("{} {text}", marker.replace(['*', '-'], "·"))
            };
            doc.blocks.push(Block::Para {
                line,
                number: None,
                typed: false,
                plain: format!("{marker} {text}"),
                text: md,
            });
        } else if let Some((n, rest)) = typed_number(&text)
            .filter(|(n, rest)| para.text.contains('\t') || n.contains('.') && is_title(rest))
        {
            doc.blocks.push(numbered(n, true, rest));
        } else if let Some((n, _)) = typed_number(&text).filter(|_| is_article(&text)) {
            // `第五条 …`, an article of a 管理制度: one numbered item, its marker kept in the
            // text (as the Markdown reader keeps it) so that citations of it still read.
            doc.blocks.push(numbered(n, true, text));
        } else {
            doc.blocks.push(Block::Para {
                line,
                number: None,
                typed: false,
                plain: text.clone(),
                text,
            });
        }
    }
    for (_, rows, lines) in table_at {
        let line = lines.first().map_or(paras.len(), |l| l + 1);
        doc.blocks.push(Block::Table {
            line,
            rows,
            lines: lines.into_iter().map(|l| l + 1).collect(),
        });
    }
    Ok(doc)
}

fn is_decimal(n: &str) -> bool {
    !n.is_empty()
        && n.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

impl Para {
    fn in_table(&self) -> bool {
        self.outline == Some(usize::MAX)
    }
}

/// A table as read: the index of its first paragraph, its rows of cells, each row's first
/// paragraph.
type Table = (usize, Vec<Vec<String>>, Vec<usize>);

/// Read the paragraphs of a part in order (text boxes too, after their anchor paragraph), and
/// the tables (outermost only; a nested table's text joins its cell).
fn paragraphs(xml: &str) -> Result<(Vec<Para>, Vec<Table>), String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut paras: Vec<Para> = Vec::new();
    // Open paragraphs (a text box opens one inside another).
    let mut open: Vec<Para> = Vec::new();
    // Paragraphs of text boxes, written after the paragraph that anchors them.
    let mut pending: Vec<Para> = Vec::new();
    let mut in_run = 0usize;
    let mut in_text = false;
    let mut tables: Vec<Table> = Vec::new();
    let mut table_depth = 0usize;
    let mut cell_text: Option<String> = None;
    let mut fallback = 0usize;
    // Complex fields: inside an instruction, and whether the result is a page number.
    let mut in_instr = false;
    let mut field_page = false;
    let mut in_result = false;
    let mut simple_page = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        if fallback > 0 {
            match &event {
                Event::Start(e) if e.local_name().as_ref() == b"Fallback" => fallback += 1,
                Event::End(e) if e.local_name().as_ref() == b"Fallback" => fallback -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Start(e) => match e.local_name().as_ref() {
                b"Fallback" => fallback = 1,
                b"r" => in_run += 1,
                b"p" => {
                    open.push(Para {
                        outline: (table_depth > 0).then_some(usize::MAX),
                        ..Para::default()
                    });
                }
                b"t" => in_text = true,
                b"instrText" => in_instr = true,
                b"tbl" => {
                    table_depth += 1;
                    if table_depth == 1 {
                        tables.push((paras.len(), Vec::new(), Vec::new()));
                    }
                }
                b"tr" if table_depth == 1 => {
                    if let Some((_, rows, lines)) = tables.last_mut() {
                        rows.push(Vec::new());
                        lines.push(paras.len());
                    }
                }
                b"tc" if table_depth == 1 => cell_text = Some(String::new()),
                b"fldSimple" => {
                    let instr = attr(e, b"instr").unwrap_or_default();
                    if is_page_field(&instr) || simple_page > 0 {
                        simple_page += 1;
                    }
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if in_run > 0 => push(&mut open, "\t", in_result && field_page, simple_page),
                b"br" | b"cr" if in_run > 0 => {
                    push(&mut open, " ", in_result && field_page, simple_page);
                }
                b"pStyle" => {
                    if let Some(p) = open.last_mut() {
                        p.style = attr(e, b"val");
                    }
                }
                b"numId" => {
                    if let Some(p) = open.last_mut() {
                        let id = attr(e, b"val").unwrap_or_default();
                        let ilvl = p.num.as_ref().map_or(0, |n| n.1);
                        p.num = Some((id, ilvl));
                    }
                }
                b"ilvl" => {
                    if let Some(p) = open.last_mut() {
                        let ilvl = attr(e, b"val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        let id = p.num.as_ref().map_or_else(String::new, |n| n.0.clone());
                        p.num = Some((id, ilvl));
                    }
                }
                b"outlineLvl" => {
                    if let Some(p) = open.last_mut()
                        && p.outline != Some(usize::MAX)
                    {
                        p.outline = attr(e, b"val")
                            .and_then(|v| v.parse::<usize>().ok())
                            .filter(|&l| l < 9)
                            .map(|l| l + 1);
                    }
                }
                b"fldChar" => match attr(e, b"fldCharType").as_deref() {
                    Some("begin") => {
                        field_page = false;
                        in_result = false;
                    }
                    Some("separate") => in_result = true,
                    Some("end") => {
                        in_result = false;
                        field_page = false;
                    }
                    _ => {}
                },
                b"p" => {
                    paras.push(Para {
                        outline: (table_depth > 0).then_some(usize::MAX),
                        ..Para::default()
                    });
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"r" => in_run = in_run.saturating_sub(1),
                b"instrText" => in_instr = false,
                b"fldSimple" => simple_page = simple_page.saturating_sub(1),
                b"p" => {
                    if let Some(mut p) = open.pop() {
                        if p.num.as_ref().is_some_and(|n| n.0.is_empty()) {
                            p.num = None;
                        }
                        if let Some(cell) = &mut cell_text {
                            if !cell.is_empty() && !p.text.trim().is_empty() {
                                cell.push(' ');
                            }
                            cell.push_str(p.text.trim());
                        }
                        if open.is_empty() {
                            paras.push(p);
                            paras.append(&mut pending);
                        } else {
                            pending.push(p);
                        }
                    }
                }
                b"tc" if table_depth == 1 => {
                    if let (Some(text), Some((_, rows, _))) = (cell_text.take(), tables.last_mut())
                        && let Some(row) = rows.last_mut()
                    {
                        row.push(text);
                    }
                }
                b"tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if in_instr => {
                let instr = t.decode().map_err(|e| e.to_string())?;
                if is_page_field(&instr) {
                    field_page = true;
                }
            }
            Event::Text(t) if in_text => {
                let text = t.decode().map_err(|e| e.to_string())?;
                push(&mut open, &text, in_result && field_page, simple_page);
            }
            Event::GeneralRef(r) if in_text => {
                let c = if let Ok(Some(c)) = r.resolve_char_ref() {
                    c.to_string()
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("unknown entity `&{name};`"))?
                        .to_owned()
                };
                push(&mut open, &c, in_result && field_page, simple_page);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((paras, tables))
}

fn is_page_field(instr: &str) -> bool {
    let word = instr.split_whitespace().next().unwrap_or("").to_uppercase();
    matches!(word.as_str(), "PAGE" | "NUMPAGES" | "SECTIONPAGES")
}

fn push(open: &mut [Para], text: &str, in_page_field: bool, simple_page: usize) {
    if in_page_field || simple_page > 0 {
        return;
    }
    if let Some(p) = open.last_mut() {
        p.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_reader_sees_them() {
        let xml = r#"<w:numbering xmlns:w="w">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"#;
        let mut n = read_numbering(xml).unwrap();
        let seen: Vec<String> = [0, 1, 1, 2, 0, 1, 2, 2]
            .iter()
            .map(|&l| n.next("1", l).unwrap())
            .collect();
        assert_eq!(
            seen,
            ["1", "1.1", "1.2", "1.2.1", "2", "2.1", "2.1.1", "2.1.2"]
        );
        assert!(n.outline("1"));
        assert_eq!(format_number(12, "chineseCounting"), "十二");
    }
}
