//! Every word docctl itself prints on an output, in each document language: one table per
//! language, `src/render/labels/<lang>.yaml`, one line per word, read into the binary. Templates read the words as `doc.labels.KEY` (a
//! document's own language) or `site.labels.KEY` (the set's default language: portal pages,
//! lists); Rust code that writes words into an output (list columns, redline sections, Excel
//! messages) takes them from here too. `tests/labels.rs` fails on a CJK or English word written
//! into a built-in template instead of these tables, and on a key missing from one language.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::model::Lang;

/// The words of one language, by key.
pub type Labels = BTreeMap<&'static str, &'static str>;

/// The three files, in the order of [`Lang`]'s columns: simplified, traditional, English.
const FILES: [(&str, &str); 3] = [
    ("zh-Hans.yaml", include_str!("labels/zh-Hans.yaml")),
    ("zh-Hant.yaml", include_str!("labels/zh-Hant.yaml")),
    ("en.yaml", include_str!("labels/en.yaml")),
];

static BY_LANG: LazyLock<[Labels; 3]> =
    LazyLock::new(|| FILES.map(|(name, text)| read(name, text)));

/// Read one language's file once for the life of the process (its words are `'static`, as
/// templates and outputs borrow them); the files are part of the binary, so a malformed one is a
/// bug that every test catches.
fn read(name: &str, text: &str) -> Labels {
    let words: BTreeMap<String, String> =
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("src/render/labels/{name}: {e}"));
    let keep = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    words.into_iter().map(|(k, w)| (keep(k), keep(w))).collect()
}

/// Every key with its word in each language: (key, simplified, traditional, English).
pub fn table() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let [hans, hant, en] = &*BY_LANG;
    hans.iter()
        .map(|(key, word)| {
            let other = |labels: &'static Labels| labels.get(key).copied().unwrap_or("");
            (*key, *word, other(hant), other(en))
        })
        .collect()
}

/// The keys of each language's file as written, in the order of [`FILES`], for the test that
/// every file names every key once.
pub fn written_keys() -> [Vec<&'static str>; 3] {
    FILES.map(|(_, text)| {
        text.lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| line.split_once(':').map(|(key, _)| key))
            .collect()
    })
}

/// Return a history entry's change with the change request it was made for, in the words of
/// `lang`: `增加发放号（更改申请 CR-2026-001）`.
pub fn with_request(lang: Lang, change: &str, request: Option<&str>) -> String {
    match request {
        Some(number) => {
            let words = of(lang);
            format!(
                "{change}{}{} {number}{}",
                words["paren_open"], words["change_request"], words["paren_close"]
            )
        }
        None => change.to_owned(),
    }
}

/// Return the words of a language.
pub fn of(lang: Lang) -> &'static Labels {
    &BY_LANG[match lang {
        Lang::ZhHans => 0,
        Lang::ZhHant => 1,
        Lang::En => 2,
    }]
}

/// Return one word of a language; an unknown key is a bug, caught by the label tests.
pub fn word(lang: Lang, key: &str) -> &'static str {
    of(lang).get(key).copied().unwrap_or("")
}
