//! Normalisation of titles and names for comparison: NFKC, format characters (Unicode
//! category Cf: zero-width spaces, joiners, direction marks) removed, traditional →
//! simplified Chinese, whitespace removed, case folded.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

static T2S: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();

/// Return the comparison key of a title, id or department name.
///
/// 《糾正與預防措施管理程序》 and 《纠正与预防措施管理程序》 give the same key, and so do OCR'd
/// compatibility characters, full-width letters and stray spaces inside the brackets.
pub fn key(text: &str) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    // Texts cite the same few titles over and over: remember the keys (bounded).
    thread_local! {
        static KEYS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    }
    if let Some(key) = KEYS.with(|keys| keys.borrow().get(text).cloned()) {
        return key;
    }
    let nfkc: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && !is_format(*c))
        .collect();
    let key = t2s(&nfkc).to_lowercase();
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= 100_000 {
            keys.clear();
        }
        keys.insert(text.to_owned(), key.clone());
    });
    key
}

/// Convert traditional Chinese characters to simplified ones.
pub fn t2s(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    match T2S.get_or_init(|| {
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).ok()
    }) {
        Some(converter) => converter.convert(text),
        None => text.to_owned(),
    }
}

/// Return the comparison key of a person's name: [`key`] of the NFKC form with format
/// characters (category Cf: zero-width spaces and joiners, bidi marks, soft hyphens) removed,
/// so that two names that look the same compare the same.
pub fn name(text: &str) -> String {
    let visible: String = text.nfkc().filter(|c| !is_format(*c)).collect();
    key(visible.trim())
}

/// Return whether a character is of Unicode category Cf (format): invisible, yet it makes
/// two texts differ.
pub fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

/// Refuse an empty or blank value for a command-line option that must name something.
pub fn required(flag: &str, value: &str) -> Result<String, crate::error::Error> {
    if name(value).is_empty() {
        return Err(crate::error::Error::Usage(format!(
            "{flag} is empty: it must name someone or say something"
        )));
    }
    Ok(value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::{key, name};

    #[test]
    fn names_ignore_invisible_characters() {
        assert_eq!(name("王\u{200B}五"), name("王五"));
        assert_eq!(name("\u{FEFF} 王五\u{200D}\u{202E} "), name("王五"));
        assert_eq!(name("ＷＡＮＧ Wu"), name("wang wu"));
        assert_ne!(name("王五"), name("王六"));
    }

    #[test]
    fn invisible_characters_do_not_make_names_differ() {
        assert_eq!(key("张\u{200b}三"), key("张三"));
        assert_eq!(name(" 张\u{200d}三\u{feff} "), "张三");
        assert!(name(" \u{200b} ").is_empty());
    }

    #[test]
    fn folds_traditional_to_simplified() {
        assert_eq!(key("糾正與預防措施管理程序"), key("纠正与预防措施管理程序"));
        assert_eq!(key("客戶溝通管理程序"), key("客户沟通管理程序"));
    }

    #[test]
    fn folds_width_space_and_compatibility_characters() {
        assert_eq!(key("ＱＰ－８.２"), key("QP-8.2"));
        assert_eq!(key("工藝設計管理 程序"), key("工艺设计管理程序"));
        // U+2F08 is the Kangxi radical 人 that OCR produces; NFKC maps it to 人.
        assert_eq!(key("\u{2F08}事"), key("人事"));
    }
}
