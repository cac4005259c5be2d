//! Record forms: the fillable PDF read back (names, types, rectangles inside the drawn boxes,
//! pages), filled with Chinese and found again by pdftotext; the Excel workbook's locked and
//! unlocked cells and validations; record check.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{docctl, fixture};
use docctl::acroform::{FieldInfo, read_fields};

const COMBO: i64 = 1 << 17;
const MULTILINE: i64 = 1 << 12;
const RADIO: i64 = 1 << 15;

fn build_forms(out: &Path) {
    let result = common::build(&fixture("forms"), out, &[]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// Words on a page with their boxes (top-left origin), from `pdftotext -bbox`.
fn words(pdf: &Path, page: u32) -> Vec<(String, [f64; 4])> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap().to_owned();
            (
                text,
                [
                    attr(tag, "xMin"),
                    attr(tag, "yMin"),
                    attr(tag, "xMax"),
                    attr(tag, "yMax"),
                ],
            )
        })
        .collect()
}

fn page_height(pdf: &Path) -> f64 {
    let info =
        String::from_utf8(Command::new("pdfinfo").arg(pdf).output().unwrap().stdout).unwrap();
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap();
    size.split_whitespace().nth(2).unwrap().parse().unwrap()
}

fn by_name(fields: &[FieldInfo]) -> BTreeMap<&str, &FieldInfo> {
    fields.iter().map(|f| (f.name.as_str(), f)).collect()
}

fn overlap(a: (f64, f64), b: (f64, f64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn register_pdf_has_a_field_per_cell_inside_its_column() {
    let out = tempfile::TempDir::new().unwrap();
    build_forms(out.path());
    let pdf = out.path().join("forms/QR-8.2-01-02.pdf");
    let fields = read_fields(&fs::read(&pdf).unwrap()).unwrap();
    let fields = by_name(&fields);
    // 7 columns × 12 rows, named key.row.
    assert_eq!(
        fields.len(),
        7 * 12,
        "{:?}",
        fields.keys().collect::<Vec<_>>()
    );
    for row in 1..=12 {
        for key in [
            "date", "customer", "channel", "detail", "rate", "closed", "handler",
        ] {
            assert!(
                fields.contains_key(format!("{key}.{row}").as_str()),
                "{key}.{row} missing"
            );
        }
    }
    let channel = fields["channel.3"];
    assert_eq!(channel.kind, "Ch");
    assert!(
        channel.flags & COMBO != 0,
        "a register choice is a drop-down"
    );
    assert_eq!(
        channel.options,
        ["口头抱怨", "电话抱怨", "书面投诉", "退货"]
    );
    assert_eq!(fields["detail.1"].kind, "Tx");
    assert!(fields["detail.1"].flags & MULTILINE != 0);
    assert_eq!(fields["closed.1"].kind, "Btn");
    assert_eq!(fields["handler.12"].kind, "Tx");

    // Each field lies under its column heading, rows go down the page, nothing overlaps.
    let height = page_height(&pdf);
    let words = words(&pdf, 1);
    for (key, heading) in [
        ("date", "日期"),
        ("customer", "客户名称"),
        ("channel", "投诉形式"),
        ("handler", "处理人"),
    ] {
        let word = words
            .iter()
            .find(|(t, _)| t == heading)
            .unwrap_or_else(|| panic!("heading {heading} not on page 1"));
        let (page, rect) = fields[format!("{key}.1").as_str()].widgets[0];
        assert_eq!(page, 1);
        assert!(
            overlap((rect[0], rect[2]), (word.1[0], word.1[2])),
            "{key}.1 {rect:?} is not under {heading} {:?}",
            word.1
        );
        let top_of_field = height - rect[3];
        assert!(top_of_field > word.1[3], "{key}.1 is not below its heading");
    }
    let all: Vec<(u32, [f64; 4])> = fields.values().flat_map(|f| f.widgets.clone()).collect();
    for (i, (pa, a)) in all.iter().enumerate() {
        assert!(
            a[0] >= 0.0 && a[2] <= 842.0 && a[1] >= 0.0 && a[3] <= height,
            "{a:?} leaves the page"
        );
        assert!(a[2] > a[0] && a[3] > a[1]);
        for (pb, b) in &all[i + 1..] {
            assert!(
                pa != pb
                    || !(overlap((a[0], a[2]), (b[0], b[2]))
                        && overlap((a[1], a[3]), (b[1], b[3]))),
                "{a:?} overlaps {b:?}"
            );
        }
    }
    let row1 = fields["date.1"].widgets[0];
    let row2 = fields["date.2"].widgets[0];
    assert!(
        row1.0 < row2.0 || row2.1[3] <= row1.1[1] + 0.01,
        "row 2 is below row 1"
    );
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn sheet_pdf_has_every_field_type() {
    let out = tempfile::TempDir::new().unwrap();
    build_forms(out.path());
    let pdf = out.path().join("forms/QR-8.2-01-01.pdf");
    let fields = read_fields(&fs::read(&pdf).unwrap()).unwrap();
    let fields = by_name(&fields);
    let kind = fields["kind"];
    assert_eq!(kind.kind, "Btn");
    assert!(kind.flags & RADIO != 0, "a choice is a radio group");
    assert_eq!(kind.widgets.len(), 2);
    assert_eq!(kind.options, ["纠正措施", "预防措施"]);
    for n in 1..=3 {
        assert_eq!(
            fields[format!("sources.{n}").as_str()].kind,
            "Btn",
            "a multiple choice is a check box per option"
        );
    }
    assert_eq!(fields["repeat"].kind, "Btn");
    assert!(fields["problem"].flags & MULTILINE != 0);
    for name in [
        "number",
        "issued",
        "quantity",
        "cause",
        "signed",
        "actions.1.action",
        "actions.3.due",
    ] {
        assert_eq!(fields[name].kind, "Tx", "{name}");
    }
    assert!(
        !fields.contains_key("analysis"),
        "a section is a heading, not a field"
    );

    // The number field sits beside its label, on the label's line.
    let height = page_height(&pdf);
    let words = words(&pdf, 1);
    let label = words.iter().find(|(t, _)| t.starts_with("编号")).unwrap();
    let (_, rect) = fields["number"].widgets[0];
    let (top, bottom) = (height - rect[3], height - rect[1]);
    assert!(
        overlap((top, bottom), (label.1[1], label.1[3])),
        "number {rect:?} is not on the line of its label {:?}",
        label.1
    );
    assert!(rect[0] > label.1[2], "the field is right of its label");
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_filled_form_shows_its_values_to_pdftotext() {
    let out = tempfile::TempDir::new().unwrap();
    build_forms(out.path());
    let record = out.path().join("record.json");
    fs::write(
        &record,
        r#"{"form": "QR-8.2-01-02", "version": "A/0", "values": {
            "date.1": "2026-11-27", "customer.1": "宁波达峰机械有限公司", "channel.1": "电话抱怨",
            "rate.1": 2.5, "closed.1": true, "handler.1": "Zhang San"}}"#,
    )
    .unwrap();
    let filled = out.path().join("filled.pdf");
    docctl()
        .args(["record", "fill", "QR-8.2-01-02"])
        .arg(&record)
        .arg("-o")
        .arg(&filled)
        .arg("--dir")
        .arg(fixture("forms"))
        .arg("--pdf")
        .arg(out.path().join("forms/QR-8.2-01-02.pdf"))
        .assert()
        .success();
    let text = String::from_utf8(
        Command::new("pdftotext")
            .arg(&filled)
            .arg("-")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for value in [
        "宁波达峰机械有限公司",
        "Zhang San",
        "2026-11-27",
        "电话抱怨",
    ] {
        assert!(
            text.contains(value),
            "{value} not found in the filled PDF:\n{text}"
        );
    }
    let fields = read_fields(&fs::read(&filled).unwrap()).unwrap();
    assert_eq!(fields.len(), 7 * 12, "filling keeps every field");
}

#[test]
fn excel_form_locks_all_but_the_inputs_and_validates_them() {
    let out = tempfile::TempDir::new().unwrap();
    let result = common::build(&fixture("forms"), out.path(), &["--to", "xlsx"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let read = |path: &Path, member: &str| -> String {
        let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(member).unwrap(), &mut text).unwrap();
        text
    };
    let register = out.path().join("forms/QR-8.2-01-02.xlsx");
    let sheet = read(&register, "xl/worksheets/sheet1.xml");
    let styles = read(&register, "xl/styles.xml");
    let workbook = read(&register, "xl/workbook.xml");
    assert!(sheet.contains("<sheetProtection"), "the sheet is protected");
    assert!(
        sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#),
        "A4 landscape"
    );
    assert!(workbook.contains("_xlnm.Print_Area"), "a print area is set");
    // Which cell styles are unlocked?
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let unlocked: Vec<usize> = xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.contains(r#"locked="0""#))
        .map(|(i, _)| i)
        .collect();
    assert!(!unlocked.is_empty());
    let style_of = |cell: &str| -> usize {
        let at = sheet
            .find(&format!(r#"<c r="{cell}""#))
            .unwrap_or_else(|| panic!("cell {cell} missing"));
        let tag = &sheet[at..sheet[at..].find('>').unwrap() + at];
        tag.split(r#"s=""#)
            .nth(1)
            .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap())
    };
    // Row 5 holds the headings (locked), rows 6.. the 12 blank rows (unlocked).
    assert!(!unlocked.contains(&style_of("A5")), "the heading is locked");
    assert!(
        !unlocked.contains(&style_of("A1")),
        "the company line is locked"
    );
    for cell in ["A6", "B6", "G6", "A17", "G17"] {
        assert!(
            unlocked.contains(&style_of(cell)),
            "{cell} is an input and unlocked"
        );
    }
    assert!(
        sheet.contains(r#"type="list""#) && sheet.contains("口头抱怨,电话抱怨,书面投诉,退货"),
        "a drop-down for the choice"
    );
    assert!(
        sheet.contains(r#"type="date""#) && sheet.contains(r#"sqref="A6:A17""#),
        "date validation on the date column"
    );
    assert!(
        sheet.contains(r#"type="decimal""#) && sheet.contains(r#"sqref="E6:E17""#),
        "number validation on the rate column"
    );

    let form = out.path().join("forms/QR-8.2-01-01.xlsx");
    let sheet = read(&form, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("纠正措施,预防措施"),
        "the sheet's choice has a drop-down"
    );
    assert!(sheet.contains(r#"paperSize="9""#) && !sheet.contains("landscape"));
}

#[test]
fn record_check_validates_against_the_form() {
    let dir = tempfile::TempDir::new().unwrap();
    let good = dir.path().join("good.json");
    fs::write(
        &good,
        r#"{"form": "QR-8.2-01-01", "version": "A/0", "values": {"number": "CA-001", "issued": "2026-11-27",
        "kind": "纠正措施", "sources": ["顾客投诉"], "quantity": 3, "repeat": false, "problem": "外观不良",
        "actions.1.action": "返工", "actions.1.due": "2026-12-01"}}"#,
    )
    .unwrap();
    docctl()
        .args(["record", "check", "QR-8.2-01-01"])
        .arg(&good)
        .arg("--dir")
        .arg(fixture("forms"))
        .assert()
        .success();

    let bad = dir.path().join("bad.json");
    fs::write(
        &bad,
        "{\"form\": \"QR-8.2-01-01\", \"version\": \"A/0\", \"values\": {\n  \"number\": \"CA-002\",\n  \"issued\": \"2026-13-45\",\n  \"kind\": \"其他\",\n  \"quantity\": \"三件\",\n  \"probelm\": \"x\",\n  \".1\": \"x\"\n}}",
    )
    .unwrap();
    let out = docctl()
        .args(["record", "check", "纠正和预防措施要求单"])
        .arg(&bad)
        .arg("--dir")
        .arg(fixture("forms"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[record-invalid]: `issued` (发出日期): \"2026-13-45\" is not a date"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.json:3:3"), "{stderr}");
    assert!(
        stderr.contains("`kind` (措施类别): \"其他\" is not one of"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`quantity` (不合格数量): \"三件\" is not a number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the form has no field `probelm`")
            && stderr.contains("did you mean `problem`?"),
        "{stderr}"
    );
    assert!(stderr.contains("the required field `problem`"), "{stderr}");
    assert!(
        stderr.contains("`.1` names no field: a key is `field`"),
        "a key without its field's name: {stderr}"
    );
}

#[test]
#[cfg_attr(
    docctl_no_browser,
    ignore = "needs node, chromium and playwright-core: run scripts/setup.sh"
)]
fn html_form_fills_in_chromium_and_saves_a_valid_record() {
    let out = tempfile::TempDir::new().unwrap();
    let result = common::build(&fixture("forms"), out.path(), &["--to", "html"]);
    assert!(result.status.success());
    let html = out.path().join("forms/QR-8.2-01-01.html");
    let record = out.path().join("record.json");
    common::run_browser_script("fill-form.mjs", &[html.as_os_str(), record.as_os_str()]);
    let saved: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["form"], "QR-8.2-01-01");
    assert_eq!(saved["values"]["kind"], "纠正措施");
    assert_eq!(
        saved["values"]["sources"],
        serde_json::json!(["顾客投诉", "过程检验"])
    );
    assert_eq!(saved["values"]["quantity"], 12);
    assert_eq!(saved["values"]["repeat"], true);
    assert_eq!(saved["values"]["actions.1.due"], "2026-12-05");
    docctl()
        .args(["record", "check", "QR-8.2-01-01"])
        .arg(&record)
        .arg("--dir")
        .arg(fixture("forms"))
        .assert()
        .success();
}

#[test]
fn register_columns_stand_under_their_section() {
    // 客户登记表 groups its S/O/A/P columns under the section 来人分析.
    let out = tempfile::TempDir::new().unwrap();
    let set = common::repo().join("examples/real-estate");
    let result = common::build(&set, out.path(), &["--to", "html"]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let html = fs::read_to_string(out.path().join("forms/QR-8.2-10-01.html")).unwrap();
    assert!(html.contains(r#"<th rowspan="2">来访日期</th>"#), "{html}");
    assert!(html.contains(r#"<th colspan="4">来人分析</th>"#), "{html}");
    let head = html.split("<thead>").nth(1).unwrap();
    let second_row = head.split("</tr>\n<tr>").nth(1).unwrap();
    assert!(
        second_row.starts_with("<th>S(客户需求、预算、得知媒体、家庭状况)</th>"),
        "{second_row}"
    );
}
