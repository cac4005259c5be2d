//! The shipped set and every example set under examples/: each checks clean with --strict,
//! every relative link in their HTML and Markdown output leads to a file that exists, and every
//! sentence of a transcribed procedure is the seed's or is listed in the seed maps.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{check_json, found, repo};

/// The root set and every folder of examples/ that holds a docctl.yaml.
fn sets() -> Vec<PathBuf> {
    let mut sets = vec![repo()];
    let mut examples: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("docctl.yaml").is_file())
        .collect();
    examples.sort();
    assert!(
        examples.len() >= 3,
        "the example sets are there: {examples:?}"
    );
    sets.extend(examples);
    sets
}

#[test]
fn every_set_checks_clean_with_strict() {
    for set in sets() {
        let (code, json) = check_json(&set, &["--today", "2026-11-27", "--strict"]);
        assert_eq!(
            (code, found(&json)),
            (0, vec![]),
            "{}: {json:#}",
            set.display()
        );
    }
}

#[test]
fn the_property_real_estate_and_food_sets_are_examples_of_their_own() {
    let root = std::fs::read_to_string(repo().join("docctl.yaml")).unwrap();
    for word in ["物业", "HACCP"] {
        let hits: Vec<String> = walk(&repo().join("procedures"))
            .into_iter()
            .chain(walk(&repo().join("forms")))
            .filter(|p| std::fs::read_to_string(p).unwrap().contains(word))
            .map(|p| p.display().to_string())
            .collect();
        assert!(hits.is_empty(), "{word} in the root set: {hits:?}");
    }
    assert!(!root.contains("物业管理处"));
    for (name, word) in [
        ("property-management", "业主委员会"),
        ("real-estate", "楼盘"),
        ("food-safety", "HACCP"),
    ] {
        let set = repo().join("examples").join(name);
        let config = std::fs::read_to_string(set.join("docctl.yaml")).unwrap();
        assert!(config.contains("company:") && config.contains("departments:"));
        let text: String = walk(&set.join("procedures"))
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(text.contains(word), "{name} holds its procedure");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// The relative targets of the links of an HTML or Markdown file.
fn links(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let pattern = if path.extension().is_some_and(|e| e == "md") {
        regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap()
    } else {
        regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap()
    };
    pattern
        .captures_iter(&text)
        .map(|c| c[1].to_owned())
        .filter(|t| {
            !t.is_empty()
                && !t.starts_with('#')
                && !t.contains("://")
                && !t.starts_with("mailto:")
                && !t.starts_with("data:")
                && !t.starts_with("javascript:")
        })
        .map(|t| t.split(['#', '?']).next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn every_relative_link_in_every_output_leads_to_a_file() {
    let mut checked = 0;
    for set in sets() {
        let out = tempfile::tempdir().unwrap();
        let built = common::build(&set, out.path(), &["--to", "html,md,xlsx"]);
        assert!(
            built.status.success(),
            "{}: {}",
            set.display(),
            String::from_utf8_lossy(&built.stderr)
        );
        let mut broken = Vec::new();
        for file in walk(out.path()) {
            let Some(ext) = file.extension().and_then(|e| e.to_str()) else {
                continue;
            };
            if !["html", "md"].contains(&ext) {
                continue;
            }
            for target in links(&file) {
                checked += 1;
                let resolved = file.parent().unwrap().join(&target);
                if !resolved.exists() {
                    broken.push(format!(
                        "{} → {target}",
                        file.strip_prefix(out.path()).unwrap().display()
                    ));
                }
            }
        }
        assert!(
            broken.is_empty(),
            "{}: {} broken link(s):\n{}",
            set.display(),
            broken.len(),
            broken.join("\n")
        );
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn the_link_checker_sees_a_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "[x](b.md) [y](c.md#top) [z](https://e.org)",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.md"), "").unwrap();
    assert_eq!(links(&dir.path().join("a.md")), ["b.md", "c.md"]);
    assert!(!dir.path().join("c.md").exists());
}

/// Letters and digits only: punctuation, spaces and line breaks do not count.
fn squash(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The prose of a procedure: purpose, scope, duties, definitions, step titles and texts and
/// history changes, cut into sentences.
fn sentences(path: &Path) -> Vec<String> {
    let value: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    fn take(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
        if let Some(s) = v.get(key).and_then(|s| s.as_str()) {
            out.extend(
                s.split(['。', ';', '；', '!', '?', '！', '？', '\n'])
                    .map(str::to_owned),
            );
        }
    }
    fn steps(list: &serde_json::Value, out: &mut Vec<String>) {
        for step in list.as_array().into_iter().flatten() {
            take(step, "title", out);
            take(step, "text", out);
            if let Some(sub) = step.get("steps") {
                steps(sub, out);
            }
        }
    }
    take(&value, "purpose", &mut out);
    take(&value, "scope", &mut out);
    for (list, keys) in [
        ("responsibilities", &["duties"][..]),
        ("definitions", &["term", "text"][..]),
        ("history", &["change"][..]),
    ] {
        for item in value[list].as_array().into_iter().flatten() {
            for key in keys {
                take(item, key, &mut out);
            }
        }
    }
    if let Some(list) = value.get("steps") {
        steps(list, &mut out);
    }
    out
}

/// The procedures transcribed from the seed: every procedure of every set except those the
/// seed maps declare written from scratch (listed under "not in the seed").
fn transcribed() -> Vec<PathBuf> {
    let maps = seed_maps();
    let heading = "## Procedures the seed cites but does not contain";
    let section = maps.split(heading).nth(1).expect(heading);
    let section = section.split("\n## ").next().unwrap_or_default();
    let invented: BTreeSet<String> = regex::Regex::new(r"`procedures/([^`]+)\.yaml`")
        .unwrap()
        .captures_iter(section)
        .map(|c| c[1].to_owned())
        .collect();
    assert!(invented.len() >= 8, "{invented:?}");
    sets()
        .iter()
        .flat_map(|s| walk(&s.join("procedures")))
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            !invented.contains(&stem)
        })
        .collect()
}

fn seed_maps() -> String {
    ["docs/seed-map-A.md", "docs/seed-map-B.md"]
        .iter()
        .map(|m| std::fs::read_to_string(repo().join(m)).unwrap())
        .collect()
}

#[test]
fn every_sentence_not_in_the_seed_is_listed_in_the_seed_maps() {
    // A sentence counts as the seed's when its letters and digits occur in the seed in that
    // order (punctuation, spaces and line breaks aside); otherwise the seed maps must quote it.
    let seed = squash(
        &std::fs::read_to_string("/work/shared/seeds/000_6c6fca84e08ef85a.txt").unwrap_or_else(
            |_| {
                std::fs::read_to_string(repo().join("../shared/seeds/000_6c6fca84e08ef85a.txt"))
                    .unwrap()
            },
        ),
    );
    let maps = squash(&seed_maps());
    let files = transcribed();
    assert!(files.len() >= 12, "{files:?}");
    let mut unlisted = Vec::new();
    for file in &files {
        for sentence in sentences(file) {
            let s = squash(&sentence);
            if s.chars().count() < 4 || seed.contains(&s) || maps.contains(&s) {
                continue;
            }
            unlisted.push(format!(
                "{}: {}",
                file.strip_prefix(repo()).unwrap().display(),
                sentence.trim()
            ));
        }
    }
    assert!(
        unlisted.is_empty(),
        "{} sentence(s) neither in the seed nor in docs/seed-map-*.md:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
}

#[test]
fn a_transcribed_procedure_starts_its_history_with_the_first_issue() {
    let maps = seed_maps();
    for file in transcribed() {
        let value: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let first = &value["history"][0]["change"];
        assert!(
            first == "首次发行" || first == "首次發行",
            "{}: the first history entry is {first}",
            file.display()
        );
        let id = value["id"].as_str().unwrap();
        assert!(
            maps.contains(&format!("{}.yaml", id.replace('/', "-"))),
            "{id}: the seed maps name its source lines"
        );
    }
}

/// Common simplified characters whose traditional forms differ (发 發, 记 記, 户 戶 …).
const SIMPLIFIED: &str =
    "发计划货户沟记录说处单门员质编号检验应时间联络认确产规订数结变务项见写经过报";

/// A document's language: its own `lang`, else its set's.
fn lang_of(doc: &serde_json::Value, set: &serde_json::Value) -> String {
    doc["lang"]
        .as_str()
        .or(set["lang"].as_str())
        .unwrap_or("zh-Hans")
        .to_owned()
}

#[test]
fn a_form_is_in_the_language_of_its_procedure() {
    let mut pairs = 0;
    for set in sets() {
        let load = |p: &Path| -> serde_json::Value {
            serde_saphyr::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let config = load(&set.join("docctl.yaml"));
        let procedures: Vec<serde_json::Value> = walk(&set.join("procedures"))
            .iter()
            .map(|p| load(p))
            .collect();
        for form in walk(&set.join("forms")) {
            let form = load(&form);
            let Some(cited) = form["procedure"].as_str() else {
                continue;
            };
            let title = cited.trim_matches(['《', '》']);
            let procedure = procedures
                .iter()
                .find(|p| p["title"] == title)
                .unwrap_or_else(|| {
                    panic!(
                        "{}: {} cites 《{title}》 by its title",
                        set.display(),
                        form["id"]
                    )
                });
            pairs += 1;
            if lang_of(&form, &config) == "zh-Hant" {
                let text = serde_json::to_string(&form).unwrap();
                let simplified: Vec<char> =
                    text.chars().filter(|c| SIMPLIFIED.contains(*c)).collect();
                assert!(
                    simplified.is_empty(),
                    "{}: simplified {simplified:?} in a traditional form",
                    form["id"]
                );
            }
            assert_eq!(
                lang_of(&form, &config),
                lang_of(procedure, &config),
                "{}: {} and its procedure {}",
                set.display(),
                form["id"],
                procedure["id"]
            );
        }
    }
    assert!(pairs >= 30, "{pairs} forms checked");
}
