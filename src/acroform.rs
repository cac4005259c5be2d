//! Fillable PDF forms: typst lays a form out and records where each input box is; this stage
//! reads those boxes back and adds a real AcroForm field at each one with lopdf, and fills a
//! form's fields from a JSON record.
//!
//! typst measures from the top-left in points; PDF from the bottom-left, so a box at
//! (x, y, w, h) on a page of height H becomes `Rect [x, H−y−h, x+w, H−y]`.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use serde::Deserialize;

use crate::error::Error;

/// An input box as the form template recorded it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldBox {
    /// The field's full name, e.g. `customer.3` or `kind.2` (the second option of `kind`).
    pub name: String,
    /// text, textarea, number, date, signature, checkbox, choice, multichoice, select, multiselect.
    pub kind: String,
    /// 1-based page.
    pub page: u32,
    /// Left edge, points from the left.
    pub x: f64,
    /// Top edge, points from the top.
    pub y: f64,
    /// Width in points.
    pub w: f64,
    /// Height in points.
    pub h: f64,
    /// The option(s) a choice box stands for.
    #[serde(default)]
    pub options: Vec<String>,
}

/// The name of the CJK font resource in the form's default resources.
const FONT: &str = "CJK";

/// Field flags (PDF 32000-1, 12.7.4).
const MULTILINE: i64 = 1 << 12;
const NO_TOGGLE_TO_OFF: i64 = 1 << 14;
const RADIO: i64 = 1 << 15;
const COMBO: i64 = 1 << 17;
const MULTI_SELECT: i64 = 1 << 21;

/// Parse the JSON that `typst eval 'query(<form-field>).map(m => m.value)'` prints.
pub fn parse_boxes(json: &str) -> Result<Vec<FieldBox>, Error> {
    serde_json::from_str(json).map_err(|source| Error::Json {
        what: "cannot read the form's field boxes".to_owned(),
        source,
    })
}

/// Add an AcroForm field for every box to a PDF; `tooltips` maps a field key to its label.
pub fn add_fields(
    pdf: &[u8],
    boxes: &[FieldBox],
    tooltips: &BTreeMap<String, String>,
) -> Result<Vec<u8>, Error> {
    let mut doc = Document::load_mem(pdf).map_err(Error::pdf("cannot read the form PDF"))?;
    let pages = doc.get_pages();
    let font = add_cjk_font(&mut doc);
    let mut boxes: Vec<&FieldBox> = boxes.iter().collect();
    // Reading order: page, then rows from the top, then left to right (tab order follows).
    boxes.sort_by(|a, b| {
        (
            a.page,
            (a.y * 10.0).round() as i64,
            (a.x * 10.0).round() as i64,
        )
            .cmp(&(
                b.page,
                (b.y * 10.0).round() as i64,
                (b.x * 10.0).round() as i64,
            ))
    });

    let mut tree = Tree::default();
    let mut annots: BTreeMap<u32, Vec<ObjectId>> = BTreeMap::new();
    for field in boxes {
        let page_id = *pages.get(&field.page).ok_or_else(|| {
            Error::FormPdf(format!(
                "form field `{}` is on page {}, which the PDF lacks",
                field.name, field.page
            ))
        })?;
        let height = page_height(&doc, page_id);
        let rect = Object::Array(
            [
                field.x,
                height - field.y - field.h,
                field.x + field.w,
                height - field.y,
            ]
            .iter()
            .map(|v| Object::Real(*v as f32))
            .collect(),
        );
        let key = field.name.split('.').next().unwrap_or(&field.name);
        let tooltip = tooltips.get(key).cloned().unwrap_or_else(|| key.to_owned());
        let mut widget = Dictionary::new();
        widget.set("Type", Object::Name(b"Annot".to_vec()));
        widget.set("Subtype", Object::Name(b"Widget".to_vec()));
        widget.set("Rect", rect);
        widget.set("P", Object::Reference(page_id));
        widget.set("F", Object::Integer(4));
        let (parent_name, leaf) = match field.name.rsplit_once('.') {
            Some((parent, leaf)) => (Some(parent), leaf),
            None => (None, field.name.as_str()),
        };
        match field.kind.as_str() {
            "choice" => {
                // One radio button field per choice; each option box is a widget of it.
                let group = parent_name.unwrap_or(&field.name);
                let state = format!("o{leaf}");
                widget.set("AS", Object::Name(b"Off".to_vec()));
                widget.set(
                    "AP",
                    check_appearance(&mut doc, &state, field.w, field.h, true),
                );
                widget.set("MK", Dictionary::from_iter(vec![("CA", text_string("l"))]));
                let radio = tree.radio(&mut doc, group, &tooltip);
                widget.set("Parent", Object::Reference(radio));
                let id = doc.add_object(widget);
                push_kid(
                    &mut doc,
                    radio,
                    id,
                    field.options.first().map(String::as_str),
                )?;
                annots.entry(field.page).or_default().push(id);
                continue;
            }
            "checkbox" | "multichoice" => {
                widget.set("FT", Object::Name(b"Btn".to_vec()));
                widget.set("V", Object::Name(b"Off".to_vec()));
                widget.set("AS", Object::Name(b"Off".to_vec()));
                widget.set(
                    "AP",
                    check_appearance(&mut doc, "Yes", field.w, field.h, false),
                );
                let tip = match field.options.first() {
                    Some(option) => format!("{tooltip}: {option}"),
                    None => tooltip.clone(),
                };
                widget.set("TU", text_string(&tip));
            }
            kind => {
                let (ft, flags) = match kind {
                    "select" => ("Ch", COMBO),
                    "multiselect" => ("Ch", MULTI_SELECT),
                    "textarea" => ("Tx", MULTILINE),
                    _ => ("Tx", 0),
                };
                widget.set("FT", Object::Name(ft.as_bytes().to_vec()));
                if flags != 0 {
                    widget.set("Ff", Object::Integer(flags));
                }
                if ft == "Ch" {
                    widget.set(
                        "Opt",
                        Object::Array(field.options.iter().map(|o| text_string(o)).collect()),
                    );
                }
                let size = if field.h < 14.0 { 7 } else { 9 };
                widget.set(
                    "DA",
                    Object::String(
                        format!("/{FONT} {size} Tf 0 g").into_bytes(),
                        StringFormat::Literal,
                    ),
                );
                let hint = match kind {
                    "date" => format!("{tooltip} (YYYY-MM-DD)"),
                    "number" => format!("{tooltip} (数字)"),
                    "signature" => format!("{tooltip} (签名)"),
                    _ => tooltip.clone(),
                };
                widget.set("TU", text_string(&hint));
                if let Some(actions) = format_actions(kind) {
                    widget.set("AA", actions);
                }
            }
        }
        widget.set("T", text_string(leaf));
        let id = doc.add_object(widget);
        match parent_name {
            Some(parent) => {
                let parent = tree.node(&mut doc, parent);
                doc.get_dictionary_mut(id)
                    .map_err(pdf_error)?
                    .set("Parent", Object::Reference(parent));
                push_kid(&mut doc, parent, id, None)?;
            }
            None => tree.roots.push(id),
        }
        annots.entry(field.page).or_default().push(id);
    }

    for (page, ids) in annots {
        let page_id = pages[&page];
        let existing = match doc
            .get_dictionary(page_id)
            .map_err(pdf_error)?
            .get(b"Annots")
        {
            Ok(Object::Array(items)) => items.clone(),
            Ok(Object::Reference(r)) => match doc.get_object(*r) {
                Ok(Object::Array(items)) => items.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let mut all = existing;
        all.extend(ids.into_iter().map(Object::Reference));
        let page = doc.get_dictionary_mut(page_id).map_err(pdf_error)?;
        page.set("Annots", Object::Array(all));
        page.set("Tabs", Object::Name(b"R".to_vec()));
    }

    let mut acroform = Dictionary::new();
    acroform.set(
        "Fields",
        Object::Array(tree.roots.iter().map(|id| Object::Reference(*id)).collect()),
    );
    acroform.set("NeedAppearances", Object::Boolean(true));
    acroform.set(
        "DA",
        Object::String(
            format!("/{FONT} 9 Tf 0 g").into_bytes(),
            StringFormat::Literal,
        ),
    );
    acroform.set("DR", Object::Dictionary(font_resources(font)));
    let acroform = doc.add_object(acroform);
    doc.catalog_mut()
        .map_err(pdf_error)?
        .set("AcroForm", Object::Reference(acroform));
    save(&mut doc)
}

/// The intermediate nodes of the field tree (`customer` above `customer.3`), by full name.
#[derive(Default)]
struct Tree {
    nodes: BTreeMap<String, ObjectId>,
    roots: Vec<ObjectId>,
}

impl Tree {
    /// Return the node for a dotted name, creating it and its ancestors.
    fn node(&mut self, doc: &mut Document, name: &str) -> ObjectId {
        if let Some(id) = self.nodes.get(name) {
            return *id;
        }
        let (parent, leaf) = match name.rsplit_once('.') {
            Some((parent, leaf)) => (Some(self.node(doc, parent)), leaf),
            None => (None, name),
        };
        let mut dict = Dictionary::new();
        dict.set("T", text_string(leaf));
        dict.set("Kids", Object::Array(Vec::new()));
        if let Some(parent) = parent {
            dict.set("Parent", Object::Reference(parent));
        }
        let id = doc.add_object(dict);
        match parent {
            Some(parent) => {
                let _ = push_kid(doc, parent, id, None);
            }
            None => self.roots.push(id),
        }
        self.nodes.insert(name.to_owned(), id);
        id
    }

    /// Return the radio button field of a choice, creating it.
    fn radio(&mut self, doc: &mut Document, name: &str, tooltip: &str) -> ObjectId {
        if let Some(id) = self.nodes.get(name) {
            return *id;
        }
        let mut dict = Dictionary::new();
        dict.set("FT", Object::Name(b"Btn".to_vec()));
        dict.set("Ff", Object::Integer(RADIO | NO_TOGGLE_TO_OFF));
        dict.set("V", Object::Name(b"Off".to_vec()));
        dict.set("Kids", Object::Array(Vec::new()));
        dict.set("Opt", Object::Array(Vec::new()));
        dict.set("TU", text_string(tooltip));
        let leaf = name.rsplit('.').next().unwrap_or(name);
        dict.set("T", text_string(leaf));
        let id = doc.add_object(dict);
        match name.rsplit_once('.') {
            Some((parent, _)) => {
                let parent = self.node(doc, parent);
                if let Ok(d) = doc.get_dictionary_mut(id) {
                    d.set("Parent", Object::Reference(parent));
                }
                let _ = push_kid(doc, parent, id, None);
            }
            None => self.roots.push(id),
        }
        self.nodes.insert(name.to_owned(), id);
        id
    }
}

/// Append a kid to a field node (and, for radio buttons, its export value to `Opt`).
fn push_kid(
    doc: &mut Document,
    parent: ObjectId,
    kid: ObjectId,
    option: Option<&str>,
) -> Result<(), Error> {
    let dict = doc.get_dictionary_mut(parent).map_err(pdf_error)?;
    if let Ok(Object::Array(kids)) = dict.get_mut(b"Kids") {
        kids.push(Object::Reference(kid));
    }
    if let (Some(option), Ok(Object::Array(opts))) = (option, dict.get_mut(b"Opt")) {
        opts.push(text_string(option));
    }
    Ok(())
}

/// JavaScript format actions that Acrobat-compatible readers run for dates and numbers.
fn format_actions(kind: &str) -> Option<Object> {
    let (keystroke, format) = match kind {
        "date" => (
            "AFDate_KeystrokeEx(\"yyyy-mm-dd\");",
            "AFDate_FormatEx(\"yyyy-mm-dd\");",
        ),
        "number" => (
            "AFNumber_Keystroke(2, 0, 0, 0, \"\", true);",
            "AFNumber_Format(2, 0, 0, 0, \"\", true);",
        ),
        _ => return None,
    };
    let action = |js: &str| {
        let mut d = Dictionary::new();
        d.set("S", Object::Name(b"JavaScript".to_vec()));
        d.set(
            "JS",
            Object::String(js.as_bytes().to_vec(), StringFormat::Literal),
        );
        Object::Dictionary(d)
    };
    let mut aa = Dictionary::new();
    aa.set("K", action(keystroke));
    aa.set("F", action(format));
    Some(Object::Dictionary(aa))
}

/// Appearances of a check box or radio button: a mark when on, nothing when off.
fn check_appearance(doc: &mut Document, on: &str, w: f64, h: f64, round: bool) -> Object {
    let inset = w.min(h) * 0.22;
    let mark = if round {
        let r = w.min(h) / 2.0 - inset;
        let (cx, cy) = (w / 2.0, h / 2.0);
        let k = r * 0.5523;
        format!(
            "0 g {} {cy:.2} m {:.2} {:.2} {:.2} {:.2} {cx:.2} {:.2} c {:.2} {:.2} {:.2} {:.2} {:.2} {cy:.2} c {:.2} {:.2} {:.2} {:.2} {cx:.2} {:.2} c {:.2} {:.2} {:.2} {:.2} {:.2} {cy:.2} c f",
            cx + r,
            cx + r,
            cy + k,
            cx + k,
            cy + r,
            cy + r,
            cx - k,
            cy + r,
            cx - r,
            cy + k,
            cx - r,
            cx - r,
            cy - k,
            cx - k,
            cy - r,
            cy - r,
            cx + k,
            cy - r,
            cx + r,
            cy - k,
            cx + r
        )
    } else {
        format!(
            "q 0 G 1.2 w {inset:.2} {:.2} m {:.2} {inset:.2} l {:.2} {:.2} l S Q",
            h * 0.55,
            w * 0.42,
            w - inset,
            h - inset
        )
    };
    let on_id = doc.add_object(form_xobject(w, h, None, mark));
    let off_id = doc.add_object(form_xobject(w, h, None, String::new()));
    let mut normal = Dictionary::new();
    normal.set(on, Object::Reference(on_id));
    normal.set("Off", Object::Reference(off_id));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Dictionary(normal));
    Object::Dictionary(ap)
}

/// Add the CJK font: Adobe's STSong-Light (UniGB-UCS2-H), which readers supply themselves,
/// with a ToUnicode map so that typed text can be extracted and searched.
pub(crate) fn add_cjk_font(doc: &mut Document) -> ObjectId {
    let mut descriptor = Dictionary::new();
    descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
    descriptor.set("FontName", Object::Name(b"STSong-Light".to_vec()));
    descriptor.set("Flags", Object::Integer(6));
    descriptor.set(
        "FontBBox",
        Object::Array(vec![(-25).into(), (-254).into(), 1000.into(), 880.into()]),
    );
    descriptor.set("ItalicAngle", Object::Integer(0));
    descriptor.set("Ascent", Object::Integer(880));
    descriptor.set("Descent", Object::Integer(-120));
    descriptor.set("CapHeight", Object::Integer(880));
    descriptor.set("StemV", Object::Integer(93));
    let descriptor = doc.add_object(descriptor);
    let mut system = Dictionary::new();
    system.set("Registry", text_literal("Adobe"));
    system.set("Ordering", text_literal("GB1"));
    system.set("Supplement", Object::Integer(4));
    let mut cid = Dictionary::new();
    cid.set("Type", Object::Name(b"Font".to_vec()));
    cid.set("Subtype", Object::Name(b"CIDFontType0".to_vec()));
    cid.set("BaseFont", Object::Name(b"STSong-Light".to_vec()));
    cid.set("CIDSystemInfo", Object::Dictionary(system));
    cid.set("FontDescriptor", Object::Reference(descriptor));
    cid.set("DW", Object::Integer(1000));
    cid.set("W", Object::Array(vec![1.into(), 95.into(), 500.into()]));
    let cid = doc.add_object(cid);
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in (0..256u32).collect::<Vec<_>>().chunks(100) {
        cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
        for high in chunk {
            cmap.push_str(&format!("<{high:02X}00> <{high:02X}FF> <{high:02X}00>\n"));
        }
        cmap.push_str("endbfrange\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), cmap.into_bytes()));
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type0".to_vec()));
    font.set("BaseFont", Object::Name(b"STSong-Light".to_vec()));
    font.set("Encoding", Object::Name(b"UniGB-UCS2-H".to_vec()));
    font.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid)]),
    );
    font.set("ToUnicode", Object::Reference(to_unicode));
    doc.add_object(font)
}

fn page_height(doc: &Document, page: ObjectId) -> f64 {
    let media = doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|b| b.as_array().ok());
    match media {
        Some(values) if values.len() == 4 => number(&values[3]) - number(&values[1]),
        _ => 841.89,
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, so Chinese survives.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn text_literal(text: &str) -> Object {
    Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
}

/// Decode a PDF text string (UTF-16BE with BOM, or PDFDocEncoding taken as Latin-1).
pub fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .filter(|c| c.len() == 2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn pdf_error(source: lopdf::Error) -> Error {
    Error::pdf("cannot edit the form PDF")(source)
}

fn save(doc: &mut Document) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(Error::pdf("cannot write the form PDF"))?;
    Ok(out)
}

/// A terminal field of a filled-in or empty form, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    /// The fully qualified name, e.g. `customer.3`.
    pub name: String,
    /// `Tx`, `Btn` or `Ch`.
    pub kind: String,
    /// Its flags.
    pub flags: i64,
    /// Widget rectangles with their 1-based page.
    pub widgets: Vec<(u32, [f64; 4])>,
    /// The options of a choice or the export values of a radio group.
    pub options: Vec<String>,
}

/// List the fields of a PDF form (for tests and for `record fill`).
pub fn read_fields(pdf: &[u8]) -> Result<Vec<FieldInfo>, Error> {
    let doc = Document::load_mem(pdf).map_err(Error::pdf("not a PDF"))?;
    let page_numbers: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut out = Vec::new();
    let roots = acroform_fields(&doc);
    for root in roots {
        walk(&doc, root, String::new(), None, &page_numbers, &mut out);
    }
    Ok(out)
}

fn acroform_fields(doc: &Document) -> Vec<ObjectId> {
    let Ok(catalog) = doc.catalog() else {
        return Vec::new();
    };
    let form = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).ok(),
        Ok(Object::Dictionary(d)) => Some(d),
        _ => None,
    };
    let Some(form) = form else { return Vec::new() };
    match form.get(b"Fields") {
        Ok(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

fn walk(
    doc: &Document,
    id: ObjectId,
    prefix: String,
    inherited: Option<(String, i64, Vec<String>)>,
    pages: &BTreeMap<ObjectId, u32>,
    out: &mut Vec<FieldInfo>,
) {
    let Ok(dict) = doc.get_dictionary(id) else {
        return;
    };
    let name = match dict.get(b"T").and_then(Object::as_str) {
        Ok(t) if prefix.is_empty() => decode_text(t),
        Ok(t) => format!("{prefix}.{}", decode_text(t)),
        Err(_) => prefix.clone(),
    };
    let ft = dict
        .get(b"FT")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .ok();
    let flags = dict.get(b"Ff").and_then(Object::as_i64).ok();
    let options: Option<Vec<String>> = match dict.get(b"Opt") {
        Ok(Object::Array(items)) => Some(
            items
                .iter()
                .filter_map(|o| o.as_str().ok())
                .map(decode_text)
                .collect(),
        ),
        _ => None,
    };
    let own = match (ft, &inherited) {
        (Some(ft), _) => Some((ft, flags.unwrap_or(0), options.unwrap_or_default())),
        (None, Some(inh)) => Some(inh.clone()),
        (None, None) => None,
    };
    let kids: Vec<ObjectId> = match dict.get(b"Kids") {
        Ok(Object::Array(items)) => items.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    };
    let is_widget = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|n| n == b"Widget");
    let rect = |d: &Dictionary| -> Option<(u32, [f64; 4])> {
        let values = d.get(b"Rect").ok()?.as_array().ok()?;
        let page = d
            .get(b"P")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|p| pages.get(&p).copied())
            .unwrap_or(0);
        Some((
            page,
            [
                number(&values[0]),
                number(&values[1]),
                number(&values[2]),
                number(&values[3]),
            ],
        ))
    };
    let kid_widgets: Vec<(u32, [f64; 4])> = kids
        .iter()
        .filter_map(|k| doc.get_dictionary(*k).ok())
        .filter(|d| {
            d.get(b"T").is_err()
                && d.get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Widget")
        })
        .filter_map(rect)
        .collect();
    if let Some((kind, flags, options)) = own.clone()
        && (is_widget || !kid_widgets.is_empty())
    {
        let mut widgets = kid_widgets;
        if is_widget {
            widgets.extend(rect(dict));
        }
        out.push(FieldInfo {
            name: name.clone(),
            kind,
            flags,
            widgets,
            options,
        });
        return;
    }
    for kid in kids {
        walk(
            doc,
            kid,
            name.clone(),
            own.clone().filter(|_| false),
            pages,
            out,
        );
    }
}

/// Fill a form's fields from `values` (field name → JSON value), drawing each value so that it
/// shows and prints in any reader; return the filled PDF.
pub fn fill(pdf: &[u8], values: &BTreeMap<String, serde_json::Value>) -> Result<Vec<u8>, Error> {
    let mut doc = Document::load_mem(pdf).map_err(Error::pdf("not a PDF"))?;
    let font = acroform_font(&doc)
        .ok_or_else(|| Error::FormPdf("the PDF has no docctl form fields".to_owned()))?;
    let mut targets: BTreeMap<String, ObjectId> = BTreeMap::new();
    for root in acroform_fields(&doc) {
        collect_terminals(&doc, root, String::new(), &mut targets);
    }
    for (name, value) in values {
        let Some(&id) = targets.get(name) else {
            return Err(Error::FormPdf(format!("the form has no field `{name}`")));
        };
        let dict = doc.get_dictionary(id).map_err(pdf_error)?.clone();
        let ft = dict
            .get(b"FT")
            .and_then(Object::as_name)
            .map(|n| n.to_vec())
            .unwrap_or_default();
        match ft.as_slice() {
            b"Btn" => set_button(&mut doc, id, &dict, value)?,
            _ => {
                let text = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                let (w, h) = rect_size(&dict);
                let multiline = dict
                    .get(b"Ff")
                    .and_then(Object::as_i64)
                    .is_ok_and(|f| f & MULTILINE != 0);
                let appearance = text_appearance(&mut doc, font, &text, w, h, multiline);
                let target = doc.get_dictionary_mut(id).map_err(pdf_error)?;
                target.set("V", text_string(&text));
                target.set("AP", appearance);
            }
        }
    }
    save(&mut doc)
}

fn collect_terminals(
    doc: &Document,
    id: ObjectId,
    prefix: String,
    out: &mut BTreeMap<String, ObjectId>,
) {
    let Ok(dict) = doc.get_dictionary(id) else {
        return;
    };
    let name = match dict.get(b"T").and_then(Object::as_str) {
        Ok(t) if prefix.is_empty() => decode_text(t),
        Ok(t) => format!("{prefix}.{}", decode_text(t)),
        Err(_) => return,
    };
    if dict.get(b"FT").is_ok() {
        out.insert(name, id);
        return;
    }
    if let Ok(Object::Array(kids)) = dict.get(b"Kids") {
        for kid in kids.iter().filter_map(|k| k.as_reference().ok()) {
            collect_terminals(doc, kid, name.clone(), out);
        }
    }
}

fn acroform_font(doc: &Document) -> Option<ObjectId> {
    let catalog = doc.catalog().ok()?;
    let form = match catalog.get(b"AcroForm").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let dr = form.get(b"DR").ok()?.as_dict().ok()?;
    dr.get(b"Font")
        .ok()?
        .as_dict()
        .ok()?
        .get(FONT.as_bytes())
        .ok()?
        .as_reference()
        .ok()
}

fn rect_size(dict: &Dictionary) -> (f64, f64) {
    let values = dict
        .get(b"Rect")
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    if values.len() != 4 {
        return (100.0, 14.0);
    }
    (
        (number(&values[2]) - number(&values[0])).abs(),
        (number(&values[3]) - number(&values[1])).abs(),
    )
}

fn set_button(
    doc: &mut Document,
    id: ObjectId,
    dict: &Dictionary,
    value: &serde_json::Value,
) -> Result<(), Error> {
    let flags = dict.get(b"Ff").and_then(Object::as_i64).unwrap_or(0);
    if flags & RADIO != 0 {
        let options: Vec<String> = match dict.get(b"Opt") {
            Ok(Object::Array(items)) => items
                .iter()
                .filter_map(|o| o.as_str().ok())
                .map(decode_text)
                .collect(),
            _ => Vec::new(),
        };
        let wanted = value.as_str().unwrap_or_default();
        let index = options.iter().position(|o| o == wanted);
        if index.is_none() && !wanted.is_empty() {
            return Err(Error::FormPdf(format!(
                "`{wanted}` is not one of the options {options:?}"
            )));
        }
        let kids: Vec<ObjectId> = match dict.get(b"Kids") {
            Ok(Object::Array(items)) => {
                items.iter().filter_map(|o| o.as_reference().ok()).collect()
            }
            _ => Vec::new(),
        };
        let mut on_state = b"Off".to_vec();
        for (i, kid) in kids.iter().enumerate() {
            let state = if Some(i) == index {
                format!("o{}", i + 1).into_bytes()
            } else {
                b"Off".to_vec()
            };
            if Some(i) == index {
                on_state = state.clone();
            }
            doc.get_dictionary_mut(*kid)
                .map_err(pdf_error)?
                .set("AS", Object::Name(state));
        }
        doc.get_dictionary_mut(id)
            .map_err(pdf_error)?
            .set("V", Object::Name(on_state));
    } else {
        let on = value.as_bool().unwrap_or(false)
            || value
                .as_str()
                .is_some_and(|s| !s.is_empty() && s != "false");
        let state = if on { b"Yes".to_vec() } else { b"Off".to_vec() };
        let target = doc.get_dictionary_mut(id).map_err(pdf_error)?;
        target.set("V", Object::Name(state.clone()));
        target.set("AS", Object::Name(state));
    }
    Ok(())
}

/// Draw a text value in the CJK font, wrapping multi-line fields by width.
fn text_appearance(
    doc: &mut Document,
    font: ObjectId,
    text: &str,
    w: f64,
    h: f64,
    multiline: bool,
) -> Object {
    let size = if h < 14.0 { 7.0 } else { 9.0 };
    let width = |c: char| if c.is_ascii() { 0.5 * size } else { size };
    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0.0;
        for c in paragraph.chars() {
            if multiline && used + width(c) > w - 4.0 && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += width(c);
        }
        lines.push(line);
        if !multiline {
            break;
        }
    }
    let mut content = format!("/Tx BMC q BT /{FONT} {size} Tf 0 g {:.2} TL ", size * 1.25);
    let top = if multiline {
        h - 2.0 - size
    } else {
        (h - size) / 2.0 + 1.0
    };
    content.push_str(&format!("2 {top:.2} Td "));
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            content.push_str("T* ");
        }
        let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
        content.push_str(&format!("<{hex}> Tj "));
    }
    content.push_str("ET Q EMC");
    let id = doc.add_object(form_xobject(w, h, Some(font_resources(font)), content));
    let mut normal = Dictionary::new();
    normal.set("N", Object::Reference(id));
    Object::Dictionary(normal)
}

/// The default resources of the form: the CJK font under its resource name.
fn font_resources(font: ObjectId) -> Dictionary {
    let mut fonts = Dictionary::new();
    fonts.set(FONT, Object::Reference(font));
    let mut resources = Dictionary::new();
    resources.set("Font", Object::Dictionary(fonts));
    resources
}

/// An appearance stream: a form XObject of `w` × `h` points drawing `content`.
fn form_xobject(w: f64, h: f64, resources: Option<Dictionary>, content: String) -> Stream {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XObject".to_vec()));
    dict.set("Subtype", Object::Name(b"Form".to_vec()));
    let corners = vec![
        0.into(),
        0.into(),
        Object::Real(w as f32),
        Object::Real(h as f32),
    ];
    dict.set("BBox", Object::Array(corners));
    if let Some(resources) = resources {
        dict.set("Resources", Object::Dictionary(resources));
    }
    Stream::new(dict, content.into_bytes())
}

/// Read a PDF number, integer or real.
fn number(o: &Object) -> f64 {
    o.as_float()
        .map(f64::from)
        .or_else(|_| o.as_i64().map(|v| v as f64))
        .unwrap_or(0.0)
}
