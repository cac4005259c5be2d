//! The copy stamp: a line such as `受控副本 · 发放号 QP-7.5-01-A/1-003 · 品质部 张三` printed at
//! the top of every page of a released PDF, for a numbered copy (`docctl issue`). The released
//! PDF is left as it is: each page gets one more content stream drawing the line in Adobe's
//! STSong-Light (which readers supply) and the font in its resources; the page's own content is
//! wrapped in `q … Q` so that nothing it leaves set moves the stamp. The same input gives the
//! same bytes.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::Error;

/// The stamp font's resource name on each page.
const FONT: &str = "DocctlCopyStamp";

/// Return the PDF with `line` stamped at the top of every page.
pub fn stamp(pdf: &[u8], line: &str) -> Result<Vec<u8>, Error> {
    let failed = |e: lopdf::Error| Error::Typst(format!("cannot stamp the copy: {e}"));
    let mut doc = Document::load_mem(pdf).map_err(failed)?;
    let font = crate::acroform::add_cjk_font(&mut doc);
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if pages.is_empty() {
        return Err(Error::Typst(
            "cannot stamp the copy: the PDF has no page".into(),
        ));
    }
    let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
    for page in pages {
        let mut resources = inherited(&doc, page, b"Resources")
            .and_then(|o| resolve(&doc, o).as_dict().ok().cloned())
            .unwrap_or_default();
        let mut fonts = resources
            .get(b"Font")
            .ok()
            .and_then(|o| resolve(&doc, o).as_dict().ok().cloned())
            .unwrap_or_default();
        fonts.set(FONT, Object::Reference(font));
        resources.set("Font", Object::Dictionary(fonts));
        let [x0, _, _, y1] = media_box(&doc, page);
        let content = format!(
            "Q q BT /{FONT} 9 Tf 0.75 0 0 rg 1 0 0 1 {:.2} {:.2} Tm <{hex}> Tj ET Q\n",
            x0 + 28.0,
            y1 - 16.0
        );
        let before = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let after = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
        let dict = doc.get_dictionary_mut(page).map_err(failed)?;
        let mut contents = vec![Object::Reference(before)];
        match dict.get(b"Contents") {
            Ok(Object::Array(items)) => contents.extend(items.iter().cloned()),
            Ok(other) => contents.push(other.clone()),
            Err(_) => {}
        }
        contents.push(Object::Reference(after));
        dict.set("Contents", Object::Array(contents));
        dict.set("Resources", Object::Dictionary(resources));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::Typst(format!("cannot write the copy: {e}")))?;
    Ok(out)
}

/// Follow a reference to its object.
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

/// Return a page attribute, from the page or inherited from its page-tree parents.
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// Return the page's media box (A4 when it has none).
fn media_box(doc: &Document, page: ObjectId) -> [f64; 4] {
    let number = |o: &Object| {
        o.as_float()
            .map(f64::from)
            .or_else(|_| o.as_i64().map(|v| v as f64))
            .unwrap_or(0.0)
    };
    inherited(doc, page, b"MediaBox")
        .and_then(|o| resolve(doc, o).as_array().ok())
        .filter(|values| values.len() == 4)
        .map_or([0.0, 0.0, 595.28, 841.89], |values| {
            [
                number(&values[0]),
                number(&values[1]),
                number(&values[2]),
                number(&values[3]),
            ]
        })
}
