//! Normalisation of titles and names for comparison: NFKC, format characters (Unicode
//! category Cf: zero-width spaces, joiners, direction marks) removed, traditional →
//! simplified Chinese, whitespace removed, case folded.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

static T2S: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();

/// Return the comparison key of a title, id or department name.
///
/// 《糾正與預防措施管理程序》 and 《纠正与预防措施管理程序》 give the same key, and so do OCR'd
/// compatibility characters, full-width letters and stray spaces inside the brackets.
pub fn key(text: &str) -> String {
    let nfkc: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace() && !is_format(*c))
        .collect();
    let simplified = if nfkc.is_ascii() {
        nfkc
    } else {
        match T2S.get_or_init(|| {
            ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).ok()
        }) {
            Some(converter) => converter.convert(&nfkc),
            None => nfkc,
        }
    };
    simplified.to_lowercase()
}

/// Return a person's name as compared and checked for blankness: NFKC, format characters
/// (category Cf) removed, trimmed. `张\u{200b}三` is `张三`; `" \u{200b} "` is empty.
pub fn name(text: &str) -> String {
    let clean: String = text.nfkc().filter(|c| !is_format(*c)).collect();
    clean.trim().to_owned()
}

/// Return whether a character is of Unicode category Cf (format): invisible, yet it makes
/// two texts differ.
pub fn is_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
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
