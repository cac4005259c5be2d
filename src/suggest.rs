//! "Did you mean": the closest candidates by character edit distance.

/// Return the candidate closest to `word`, if it is close enough to be a likely misspelling.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    ranked(word, candidates, 1).into_iter().next()
}

/// Return up to `n` candidates close to `word`, best first.
///
/// Distances count characters, so one missing Chinese character costs 1, as one missing Latin
/// letter does. The allowance grows with the length: one edit for words of up to three
/// characters, two for short words, four in ten for longer ones (纠正措施控制程序 →
/// 纠正及预防措施控制程序 is three insertions).
pub fn ranked<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let len = word.chars().count();
    // Short names get one edit: 工程部 is not a misspelling of 业务部.
    let allowance = if len <= 3 {
        1
    } else {
        (len * 4).div_ceil(10).max(2)
    };
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let distance = strsim::levenshtein(word, candidate);
            (distance <= allowance && distance < len.max(candidate.chars().count()))
                .then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_missing_chinese_word() {
        let titles = ["纠正与预防措施管理程序", "文件及记录控制程序"];
        assert_eq!(
            closest("纠正与预防管理程序", titles),
            Some("纠正与预防措施管理程序")
        );
    }

    #[test]
    fn short_names_need_to_be_close() {
        let departments = ["业务部", "品质部", "行政部"];
        assert_eq!(closest("工程部", departments), None);
        assert_eq!(closest("品值部", departments), Some("品质部"));
    }

    #[test]
    fn refuses_unrelated_words() {
        assert_eq!(closest("采购控制程序", ["纠正与预防措施管理程序"]), None);
    }

    #[test]
    fn suggests_keys() {
        assert_eq!(closest("titel", ["title", "steps", "scope"]), Some("title"));
    }
}
