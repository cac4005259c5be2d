//! `docctl build --to docx`: every document of the shipped set as a Word file, in Word's
//! standard shapes (heading styles, a multi-level list in numbering.xml, the header table in
//! the header part), the same bytes on every build, document text escaped; and the round trip
//! through `docctl import`.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use common::{build, docctl, repo};
use docctl::model::{Document, Form, Procedure, Step};
use docctl::render::labels::{self, Labels};
use quick_xml::events::Event;

/// Build the shipped set as Word files into a fresh folder.
fn build_docx(set: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = build(set, &out, &["--to", "docx"]);
    assert!(
        output.status.success(),
        "build --to docx failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (dir, out)
}

/// The shipped set (the root) and every example set of examples/.
fn sets() -> Vec<PathBuf> {
    let mut sets = vec![repo()];
    let mut examples: Vec<PathBuf> = fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("docctl.yaml").is_file())
        .collect();
    examples.sort();
    assert!(examples.len() >= 3, "the example sets: {examples:?}");
    sets.extend(examples);
    sets
}

/// A set's procedures by slug, each with the words of its language (the label table).
fn procedures(set: &Path) -> BTreeMap<String, (Procedure, &'static Labels)> {
    let library = docctl::load::load(set).unwrap();
    let mut out = BTreeMap::new();
    for loaded in library.documents {
        if let Document::Procedure(p) = loaded.doc {
            let words = labels::of(p.lang.unwrap_or(library.config.lang));
            out.insert(p.id.value.slug(), (p, words));
        }
    }
    out
}

/// A set's forms by slug.
fn forms(set: &Path) -> BTreeMap<String, Form> {
    let library = docctl::load::load(set).unwrap();
    let mut out = BTreeMap::new();
    for loaded in library.documents {
        if let Document::Form(f) = loaded.doc {
            out.insert(f.id.value.slug(), f);
        }
    }
    out
}

/// A part of a .docx.
fn part(docx: &Path, name: &str) -> String {
    let bytes = fs::read(docx).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{}: no {name}: {e}", docx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// What a paragraph of WordprocessingML says: its style, its list level and its text.
#[derive(Debug, Clone, Default, PartialEq)]
struct Para {
    style: String,
    level: Option<usize>,
    text: String,
    /// Whether it is inside a table, and the table's number.
    table: Option<usize>,
}

/// Read the paragraphs of a part with quick-xml (which also proves it well-formed).
fn paras(xml: &str) -> Vec<Para> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur = Para::default();
    let mut in_t = false;
    let mut tables = 0;
    let mut depth = 0;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"tbl" => {
                    tables += 1;
                    depth += 1;
                }
                b"p" => {
                    cur = Para {
                        table: (depth > 0).then_some(tables),
                        ..Para::default()
                    }
                }
                b"pStyle" => cur.style = attr(&e, b"w:val"),
                b"ilvl" => cur.level = attr(&e, b"w:val").parse().ok(),
                b"t" => in_t = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"tbl" => depth -= 1,
                b"p" => out.push(std::mem::take(&mut cur)),
                b"t" => in_t = false,
                _ => {}
            },
            Event::Text(t) if in_t => cur.text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if in_t => {
                let name = r.decode().unwrap();
                cur.text
                    .push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default()
}

/// A step's text as Word shows it: the Markdown marks taken off.
fn shown(markdown: &str) -> String {
    markdown
        .replace("**", "")
        .replace('\n', " ")
        .trim()
        .to_owned()
}

/// The responsible department of every step, in order.
fn bys(steps: &[Step]) -> Vec<String> {
    let mut out = Vec::new();
    for s in steps {
        out.push(s.by_text("、"));
        out.extend(bys(&s.steps));
    }
    out
}

/// The steps flattened: depth, title, text.
fn flat(steps: &[Step], depth: usize, out: &mut Vec<(usize, String, String)>) {
    for s in steps {
        out.push((
            depth,
            s.title.as_ref().map(|t| shown(t)).unwrap_or_default(),
            s.text.as_ref().map(|t| shown(t)).unwrap_or_default(),
        ));
        flat(&s.steps, depth + 1, out);
    }
}

#[test]
fn every_document_becomes_a_word_file_in_word_shapes() {
    let mut checked = 0;
    for set in sets() {
        checked += word_shapes(&set);
    }
    assert!(checked >= 20, "{checked} procedures");
}

/// Check the .docx of every procedure of a set; return how many.
fn word_shapes(set: &Path) -> usize {
    let (_dir, out) = build_docx(set);
    let procedures = procedures(set);
    assert_eq!(
        fs::read_dir(out.join("forms")).map_or(0, |d| d.count()),
        forms(set).len(),
        "one .docx per form"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(
        manifest["documents"]
            .as_array()
            .unwrap()
            .iter()
            // Every kind has its Word file: manual, procedures, instructions and forms.
            .all(|d| d["outputs"]["docx"]
                .as_str()
                .is_some_and(|p| out.join(p).is_file())),
        "the manifest lists every .docx"
    );
    for (slug, (p, words)) in &procedures {
        let docx = out.join(format!("procedures/{slug}.docx"));
        let l = |key: &str| -> &'static str {
            words
                .get(key)
                .copied()
                .unwrap_or_else(|| panic!("no label {key}"))
        };
        // styles.xml: Word's own heading styles, numbered by the list.
        let styles = part(&docx, "word/styles.xml");
        for n in 1..=3 {
            assert!(
                styles.contains(&format!(
                    "w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/>"
                )),
                "{slug}: Heading{n}"
            );
        }
        let numbering = part(&docx, "word/numbering.xml");
        assert!(numbering.contains("<w:multiLevelType w:val=\"multilevel\"/>"));
        for (level, text) in [(0, "%1"), (1, "%1.%2"), (2, "%1.%2.%3")] {
            assert!(
                numbering.contains(&format!(
                    "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:pStyle w:val=\"Heading{}\"/><w:isLgl/><w:lvlText w:val=\"{text}\"/>",
                    level + 1
                )),
                "{slug}: level {level}"
            );
        }
        // The header part: id, title, version, effective date, status, page X of Y.
        let header = paras(&part(&docx, "word/header1.xml"));
        let cells: Vec<&str> = header.iter().map(|p| p.text.as_str()).collect();
        for want in [
            p.id.value.to_string(),
            p.title.to_string(),
            p.version.value.to_string(),
            p.effective.as_ref().unwrap().value.to_string(),
            l("number").into(),
            l("status_effective").into(),
            format!(
                "{}1{}1{}",
                l("page_before"),
                l("page_middle"),
                l("page_after")
            ),
        ] {
            assert!(
                cells.contains(&want.as_str()),
                "{slug}: {want} in {cells:?}"
            );
        }
        let header_xml = part(&docx, "word/header1.xml");
        assert!(header_xml.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"));
        assert!(
            header_xml.contains("<w:instrText xml:space=\"preserve\"> NUMPAGES </w:instrText>")
        );

        // The footer, as the PDF's: the copy notice and the status; not in the body.
        let footer = paras(&part(&docx, "word/footer1.xml"));
        assert_eq!(footer.len(), 1, "{slug}");
        assert!(
            footer[0].text.starts_with(l("notice"))
                && footer[0].text.ends_with(l("status_effective")),
            "{slug}: {footer:?}"
        );
        let body = paras(&part(&docx, "word/document.xml"));
        assert!(!body.iter().any(|p| p.text.contains(l("notice"))), "{slug}");
        // The seven sections as Heading1, in order.
        let h1: Vec<&str> = body
            .iter()
            .filter(|p| p.style == "Heading1")
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            h1,
            [
                l("purpose"),
                l("scope"),
                l("responsibilities"),
                l("definitions"),
                l("steps"),
                l("related"),
                l("records")
            ],
            "{slug}"
        );
        // The approval table: role, name, 日期, date.
        let approval = p.approval.as_ref().unwrap();
        for (role, sign) in [
            (l("prepared"), &approval.prepared),
            (l("reviewed"), &approval.reviewed),
            (l("approved"), &approval.approved),
        ] {
            let sign = &sign.as_ref().unwrap().value;
            let at = body.iter().position(|c| c.text == role).unwrap();
            assert_eq!(
                [&body[at + 1].text, &body[at + 2].text, &body[at + 3].text],
                [
                    &sign.name.to_string(),
                    l("date"),
                    &sign.date.value.to_string()
                ],
                "{slug}: {role}"
            );
        }
        // The steps, in order: titled ones as Heading(depth+1) (numbered by the style), the
        // others as paragraphs numbered at their depth; texts as paragraphs.
        let mut steps = Vec::new();
        flat(&p.steps, 1, &mut steps);
        let start = body.iter().position(|c| c.text == l("steps")).unwrap();
        let end = body.iter().position(|c| c.text == l("related")).unwrap();
        let section: Vec<&Para> = body[start + 1..end].iter().collect();
        let mut at = 0;
        for (depth, title, text) in &steps {
            if title.is_empty() {
                let para = section[at];
                assert_eq!(para.level, Some(*depth), "{slug}: {text}");
                assert!(
                    para.text.ends_with(text.as_str()),
                    "{slug}: {para:?} ≠ {text}"
                );
                at += 1;
                continue;
            }
            let para = section[at];
            assert_eq!(para.style, format!("Heading{}", depth + 1), "{slug}");
            assert_eq!(&para.text, title, "{slug}");
            at += 1;
            if section.get(at).is_some_and(|p| {
                p.style.is_empty()
                    && p.text.starts_with(&format!(
                        "{}{}{}",
                        l("paren_open"),
                        l("responsible"),
                        l("colon")
                    ))
            }) {
                at += 1;
            }
            if !text.is_empty() {
                assert_eq!(&section[at].text, text, "{slug}: the text of {title}");
                at += 1;
            }
        }
        assert_eq!(at, section.len(), "{slug}: nothing else in section 5");
        // Records as a table: 序号, 《title》 (the form's own title), form id, keeper, retention.
        let start = body
            .iter()
            .position(|c| c.text == l("records") && c.style == "Heading1");
        let table: Vec<&str> = body[start.unwrap()..]
            .iter()
            .filter(|c| c.table.is_some())
            .map(|c| c.text.as_str())
            .collect();
        if !p.records.is_empty() {
            assert_eq!(
                table[..5],
                [
                    l("serial"),
                    l("record_name"),
                    l("form_number"),
                    l("keeper"),
                    l("retention")
                ]
            );
        }
        for (n, (title, keeper, retention)) in records(p).into_iter().enumerate() {
            let row = &table[5 * (n + 1)..5 * (n + 2)];
            assert_eq!(row[0], (n + 1).to_string(), "{slug}");
            assert_eq!(
                docctl::fold::key(row[1]),
                docctl::fold::key(&format!("{}{title}{}", l("title_open"), l("title_close"))),
                "{slug}"
            );
            assert_eq!(
                [row[3], row[4]],
                [keeper.as_str(), retention.as_str()],
                "{slug}"
            );
        }
        // The revision history table.
        for h in &p.history {
            assert!(
                body.iter()
                    .any(|c| c.text == h.change.to_string() && c.table.is_some())
            );
        }
    }
    procedures.len()
}

#[test]
fn two_builds_give_the_same_bytes() {
    let (_a, one) = build_docx(&repo());
    let (_b, two) = build_docx(&repo());
    let mut compared = 0;
    for kind in ["procedures", "forms"] {
        for entry in fs::read_dir(one.join(kind)).unwrap() {
            let path = entry.unwrap().path();
            let other = two.join(kind).join(path.file_name().unwrap());
            assert_eq!(
                fs::read(&path).unwrap(),
                fs::read(&other).unwrap(),
                "{}",
                path.display()
            );
            compared += 1;
        }
    }
    assert!(compared >= 25, "{compared} files compared");
}

#[test]
fn document_text_never_becomes_xml() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    common::copy_dir(&repo().join("tests/fixtures/valid"), &set);
    let file = set.join("procedures/QP-7.5-01.yaml");
    let yaml = fs::read_to_string(&file).unwrap();
    let hostile = "</w:t></w:r></w:p><w:p><w:r><w:t>injected & \"quoted\" <b>";
    let yaml = yaml.replace(
        "purpose: 对体系文件进行控制,确保使用有效版本。",
        &format!("purpose: '{hostile}'"),
    );
    fs::write(&file, yaml).unwrap();
    let (_out_dir, out) = build_docx(&set);
    let docx = out.join("procedures/QP-7.5-01.docx");
    let body = paras(&part(&docx, "word/document.xml"));
    let purpose = body.iter().position(|p| p.text == "目的").unwrap();
    assert_eq!(body[purpose + 1].text, hostile);
    assert!(!body.iter().any(|p| p.text == "injected & \"quoted\" <b>"));
}

/// Import a .docx into a fresh folder; return its one draft.
fn import(docx: &Path) -> Procedure {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("drafts");
    let output = docctl()
        .arg("import")
        .arg(docx)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "import {} failed:\n{}",
        docx.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let files: Vec<PathBuf> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{}: one draft: {files:?}", docx.display());
    let text = fs::read_to_string(&files[0]).unwrap();
    docctl::load::parse("draft.yaml", &text).unwrap_or_else(|d| panic!("{d:?}\n{text}"))
}

/// What today's paragraph reader gives back from every shipped procedure: one draft, with
/// the purpose and scope as written (found by their headings' words).
#[test]
fn import_reads_back_purpose_and_scope() {
    for set in sets() {
        let (_dir, out) = build_docx(&set);
        for (slug, (p, _)) in procedures(&set) {
            let draft = import(&out.join(format!("procedures/{slug}.docx")));
            assert_eq!(shown(&draft.purpose), shown(&p.purpose), "{slug}: purpose");
            assert_eq!(shown(&draft.scope), shown(&p.scope), "{slug}: scope");
        }
    }
}

type Signs = Vec<Option<(String, String)>>;

fn signs(p: &Procedure) -> Signs {
    let a = p.approval.as_ref();
    [
        a.and_then(|a| a.prepared.as_ref()),
        a.and_then(|a| a.reviewed.as_ref()),
        a.and_then(|a| a.approved.as_ref()),
    ]
    .iter()
    .map(|s| s.map(|s| (s.value.name.to_string(), s.value.date.value.to_string())))
    .collect()
}

fn records(p: &Procedure) -> Vec<(String, String, String)> {
    p.records
        .iter()
        .map(|r| {
            (
                // The form's title: inside 《…》 when marked (import adds the form's id after
                // it: `《X》 (QR-1)`), else the whole text.
                docctl::fold::key(
                    r.form
                        .split_once('《')
                        .and_then(|(_, rest)| rest.split_once('》'))
                        .map_or(r.form.trim(), |(title, _)| title),
                ),
                r.keeper
                    .as_ref()
                    .map(|k| k.value.to_string())
                    .unwrap_or_default(),
                r.retention
                    .as_ref()
                    .map(|k| k.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The whole round trip over every shipped procedure (the root set and every example set):
/// id, title, version, approvals, the steps (depth, title, text, responsible department) and
/// the records come back as written. The reader takes the structure from Word's heading styles
/// and numbering.xml, the approval table from the body and the header table (id, version,
/// effective date, owner) from the page header part, where docctl writes it.
#[test]
fn import_gives_back_the_procedure() {
    for set in sets() {
        let (_dir, out) = build_docx(&set);
        for (slug, (p, _)) in procedures(&set) {
            let draft = import(&out.join(format!("procedures/{slug}.docx")));
            assert_eq!(draft.id.value, p.id.value, "{slug}: id");
            assert_eq!(
                draft.title.to_string(),
                p.title.to_string(),
                "{slug}: title"
            );
            assert_eq!(draft.version.value, p.version.value, "{slug}: version");
            assert_eq!(signs(&draft), signs(&p), "{slug}: approvals");
            let (mut want, mut got) = (Vec::new(), Vec::new());
            flat(&p.steps, 1, &mut want);
            flat(&draft.steps, 1, &mut got);
            assert_eq!(got, want, "{slug}: steps");
            assert_eq!(
                bys(&draft.steps),
                bys(&p.steps),
                "{slug}: departments of the steps"
            );
            assert_eq!(records(&draft), records(&p), "{slug}: records");
        }
    }
}

/// Every form: its title, and every field's label in a table cell; a register's table has its
/// blank rows.
#[test]
fn forms_are_tables_of_their_fields() {
    use docctl::model::{FieldType, Layout};
    let mut registers = 0;
    for set in sets() {
        let (_dir, out) = build_docx(&set);
        for (slug, f) in forms(&set) {
            let body = paras(&part(
                &out.join(format!("forms/{slug}.docx")),
                "word/document.xml",
            ));
            assert_eq!(body[0].style, "Title");
            assert_eq!(body[0].text, f.title.to_string(), "{slug}");
            for field in &f.fields {
                let label = field.label.to_string();
                let in_table = body
                    .iter()
                    .any(|p| p.table.is_some() && p.text.starts_with(&label));
                assert!(
                    in_table
                        || field.kind.value == FieldType::Section
                        || field.kind.value == FieldType::Table,
                    "{slug}: {label}"
                );
            }
            if f.layout.as_ref().map(|l| l.value) == Some(Layout::Register) {
                registers += 1;
                let first = body.iter().find(|p| p.table.is_some()).unwrap().table;
                let cells = body.iter().filter(|p| p.table == first).count();
                let columns = f
                    .fields
                    .iter()
                    .filter(|x| !matches!(x.kind.value, FieldType::Section | FieldType::Table))
                    .count();
                let rows = f.rows.as_ref().map_or(15, |r| r.value) as usize;
                assert_eq!(
                    cells,
                    columns * (rows + 1),
                    "{slug}: header and {rows} blank rows"
                );
            }
        }
    }
    assert!(registers > 0);
}

/// The quality manual and the work instruction of the shipped set in Word: the manual's
/// chapters under headings carrying their clause numbers (not Word's list numbers), with the
/// procedures that carry them out; the instruction's nine sections in order, under Word-numbered
/// headings, with its equipment table and numbered safety points.
#[test]
fn the_manual_and_a_work_instruction_become_word_files() {
    let (_dir, out) = build_docx(&repo());
    let library = docctl::load::load(&repo()).unwrap();
    let words = labels::of(library.config.lang);

    let manual = paras(&part(&out.join("manual/QM-01.docx"), "word/document.xml"));
    let headings: Vec<&Para> = manual
        .iter()
        .filter(|p| p.style.starts_with("Heading"))
        .collect();
    assert!(
        headings
            .iter()
            .any(|p| p.style == "Heading1" && p.text.starts_with("4 ")),
        "chapter 4: {headings:?}"
    );
    assert!(
        headings
            .iter()
            .any(|p| p.style == "Heading2" && p.text.starts_with("4.1 ")),
        "section 4.1: {headings:?}"
    );
    // The clause numbers are the text's: Word's list numbering is switched off (level 0 of no
    // list), so the manual does not read "1 4 组织环境".
    assert!(headings.iter().all(|p| p.level == Some(0)), "{headings:?}");
    let cited = manual
        .iter()
        .find(|p| p.text.starts_with(words["chapter_procedures"]))
        .expect("a chapter names its procedures");
    assert!(
        cited.text.contains('《') && cited.text.contains('》'),
        "{cited:?}"
    );

    let wi = paras(&part(
        &out.join("instructions/WI-PRD-01.docx"),
        "word/document.xml",
    ));
    let sections: Vec<&str> = wi
        .iter()
        .filter(|p| p.style == "Heading1")
        .map(|p| p.text.as_str())
        .collect();
    let keys = [
        "purpose",
        "instruction_scope",
        "responsibilities",
        "equipment",
        "work_steps",
        "safety",
        "quality_points",
        "related",
        "records",
    ];
    assert_eq!(
        sections,
        keys.map(|k| words[k]),
        "the nine sections in order"
    );
    let equipment_rows = wi
        .iter()
        .filter(|p| p.table.is_some() && p.text == "CK6150")
        .count();
    assert_eq!(
        equipment_rows, 1,
        "the lathe's model in the equipment table"
    );
    let numbered = wi
        .iter()
        .filter(|p| p.style == "ListNumber" && p.level == Some(1))
        .count();
    assert!(
        numbered >= 3,
        "numbered responsibilities and points: {numbered}"
    );
}
