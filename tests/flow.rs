//! Flow charts (流程图): the geometry typst actually laid out, read back from the compiled
//! document's metadata (`<flow-box>`, `<flow-edge>`, `<flow-lane>`, as the forms do), for the
//! shipped set and for a generated 30-step, 6-department procedure with decisions, a loop, a
//! parallel step and a step of two departments; the HTML (SVG) and Markdown (Mermaid) forms;
//! the opt-outs; and `check`'s `flow-target`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{build, copy_dir, fixture, repo};
use serde_json::Value;

/// A4 in points and docctl's side margins (18 mm).
const PAGE_W: f64 = 595.28;
const MARGIN_X: f64 = 18.0 * 72.0 / 25.4;
const PAGE_H: f64 = 841.89;
const MARGIN_BOTTOM: f64 = 20.0 * 72.0 / 25.4;
const EPS: f64 = 0.6;

#[derive(Debug, Clone)]
struct Shape {
    id: String,
    kind: String,
    lanes: [usize; 2],
    page: u64,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    text_w: f64,
    text_h: f64,
    room: f64,
}

#[derive(Debug, Clone)]
struct Arrow {
    from: String,
    to: String,
    kind: String,
    page: u64,
    points: Vec<(f64, f64)>,
    /// The answer printed beside a decision's arrow, and where typst put it: (x, y, w, h).
    label: String,
    label_box: (f64, f64, f64, f64),
}

#[derive(Debug)]
struct Chart {
    shapes: Vec<Shape>,
    arrows: Vec<Arrow>,
    /// (page, lane index) → (name, x, w).
    lanes: BTreeMap<(u64, usize), (String, f64, f64)>,
}

/// Ask typst where it put the chart's shapes: `typst eval` against the document docctl wrote.
fn read_chart(out: &Path, slug: &str) -> Chart {
    let typ = out.join("procedures").join(format!("{slug}.typ"));
    let expr = "(boxes: query(<flow-box>).map(m => m.value), edges: query(<flow-edge>).map(m => m.value), lanes: query(<flow-lane>).map(m => m.value))";
    let output = Command::new(std::env::var("DOCCTL_TYPST").unwrap_or_else(|_| "typst".into()))
        .arg("eval")
        .arg(expr)
        .arg("--in")
        .arg(&typ)
        .arg("--root")
        .arg(out)
        .arg("--ignore-system-fonts")
        .arg("--font-path")
        .arg(out.join(".docctl/fonts"))
        .output()
        .expect("typst runs");
    assert!(
        output.status.success(),
        "typst eval {slug}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: Value = serde_json::from_slice(&output.stdout).unwrap();
    let f = |v: &Value| v.as_f64().unwrap();
    let shapes = v["boxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| Shape {
            id: b["id"].as_str().unwrap().to_owned(),
            kind: b["kind"].as_str().unwrap().to_owned(),
            lanes: [
                b["lanes"][0].as_u64().unwrap() as usize,
                b["lanes"][1].as_u64().unwrap() as usize,
            ],
            page: b["page"].as_u64().unwrap(),
            x: f(&b["x"]),
            y: f(&b["y"]),
            w: f(&b["w"]),
            h: f(&b["h"]),
            text_w: f(&b["text_w"]),
            text_h: f(&b["text_h"]),
            room: f(&b["room"]),
        })
        .collect();
    let arrows = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Arrow {
            from: e["from"].as_str().unwrap().to_owned(),
            to: e["to"].as_str().unwrap().to_owned(),
            kind: e["kind"].as_str().unwrap().to_owned(),
            page: e["page"].as_u64().unwrap(),
            points: e["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (f(&p[0]), f(&p[1])))
                .collect(),
            label: e["label"].as_str().unwrap().to_owned(),
            label_box: (
                f(&e["label_box"][0]),
                f(&e["label_box"][1]),
                f(&e["label_box"][2]),
                f(&e["label_box"][3]),
            ),
        })
        .collect();
    let lanes = v["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                (
                    l["page"].as_u64().unwrap(),
                    l["index"].as_u64().unwrap() as usize,
                ),
                (
                    l["name"].as_str().unwrap().to_owned(),
                    f(&l["x"]),
                    f(&l["w"]),
                ),
            )
        })
        .collect();
    Chart {
        shapes,
        arrows,
        lanes,
    }
}

fn on_boundary(p: (f64, f64), s: &Shape) -> bool {
    let inside =
        p.0 >= s.x - EPS && p.0 <= s.x + s.w + EPS && p.1 >= s.y - EPS && p.1 <= s.y + s.h + EPS;
    let near_edge = (p.0 - s.x).abs() < EPS
        || (p.0 - s.x - s.w).abs() < EPS
        || (p.1 - s.y).abs() < EPS
        || (p.1 - s.y - s.h).abs() < EPS;
    inside && near_edge
}

/// Whether a horizontal or vertical segment runs through the inside of a shape.
fn crosses(a: (f64, f64), b: (f64, f64), s: &Shape) -> bool {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    x1 > s.x + EPS && x0 < s.x + s.w - EPS && y1 > s.y + EPS && y0 < s.y + s.h - EPS
}

/// Every geometric promise of a chart; returns the broken ones.
fn problems(name: &str, c: &Chart) -> Vec<String> {
    problems_on((PAGE_W, PAGE_H), name, c)
}

/// The same on pages of the given size (landscape: A4's sides swapped).
fn problems_on((page_w, page_h): (f64, f64), name: &str, c: &Chart) -> Vec<String> {
    let mut out = Vec::new();
    assert!(!c.shapes.is_empty(), "{name}: no chart");
    for (i, a) in c.shapes.iter().enumerate() {
        // Inside the page's text width.
        if a.y + a.h > page_h - MARGIN_BOTTOM + EPS {
            out.push(format!(
                "{name}: {} runs into the bottom margin ({:.1})",
                a.id,
                a.y + a.h
            ));
        }
        if a.x < MARGIN_X - EPS || a.x + a.w > page_w - MARGIN_X + EPS {
            out.push(format!(
                "{name}: {} leaves the text width ({:.1}..{:.1})",
                a.id,
                a.x,
                a.x + a.w
            ));
        }
        // Text inside its shape.
        if a.text_w > a.room + EPS || a.text_w > a.w + EPS || a.text_h > a.h + EPS {
            out.push(format!(
                "{name}: the text of {} ({:.1}×{:.1}) overflows its shape ({:.1}×{:.1}, room {:.1})",
                a.id, a.text_w, a.text_h, a.w, a.h, a.room
            ));
        }
        // No two shapes overlap.
        for b in &c.shapes[i + 1..] {
            if a.page == b.page
                && a.x < b.x + b.w - EPS
                && b.x < a.x + a.w - EPS
                && a.y < b.y + b.h - EPS
                && b.y < a.y + a.h - EPS
            {
                out.push(format!("{name}: {} and {} overlap", a.id, b.id));
            }
        }
        // Steps, decisions and terminators inside their department's lane(s).
        if matches!(a.kind.as_str(), "step" | "decision" | "start" | "end") {
            let lo = c.lanes.get(&(a.page, a.lanes[0]));
            let hi = c.lanes.get(&(a.page, a.lanes[1]));
            match (lo, hi) {
                (Some((_, lx, _)), Some((_, hx, hw))) => {
                    if a.x < lx - EPS || a.x + a.w > hx + hw + EPS {
                        out.push(format!("{name}: {} is outside its lanes", a.id));
                    }
                }
                _ => out.push(format!("{name}: {} names a lane not drawn", a.id)),
            }
        }
    }
    for e in &c.arrows {
        let find = |id: &str| c.shapes.iter().find(|s| s.id == id && s.page == e.page);
        let (Some(from), Some(to)) = (find(&e.from), find(&e.to)) else {
            out.push(format!(
                "{name}: arrow {}→{} joins shapes not on its page",
                e.from, e.to
            ));
            continue;
        };
        let (first, last) = (e.points[0], *e.points.last().unwrap());
        if !on_boundary(first, from) || !on_boundary(last, to) {
            out.push(format!(
                "{name}: arrow {}→{} does not start and end on its shapes",
                e.from, e.to
            ));
        }
        // A decision's answer: on the page's text width, clear of every shape.
        if !e.label.is_empty() {
            let (x, y, w, h) = e.label_box;
            if x < MARGIN_X - EPS || x + w > page_w - MARGIN_X + EPS {
                out.push(format!(
                    "{name}: the answer {:?} of {}→{} leaves the text width ({x:.1}..{:.1})",
                    e.label,
                    e.from,
                    e.to,
                    x + w
                ));
            }
            for s in c.shapes.iter().filter(|s| s.page == e.page) {
                if x < s.x + s.w - EPS
                    && s.x < x + w - EPS
                    && y < s.y + s.h - EPS
                    && s.y < y + h - EPS
                {
                    out.push(format!(
                        "{name}: the answer {:?} of {}→{} covers {}",
                        e.label, e.from, e.to, s.id
                    ));
                }
            }
        }
        for w in e.points.windows(2) {
            if (w[0].0 - w[1].0).abs() > 0.01 && (w[0].1 - w[1].1).abs() > 0.01 {
                out.push(format!(
                    "{name}: arrow {}→{} has a slanted segment",
                    e.from, e.to
                ));
            }
            for s in c.shapes.iter().filter(|s| s.page == e.page) {
                if crosses(w[0], w[1], s) {
                    out.push(format!(
                        "{name}: arrow {}→{} runs through {}",
                        e.from, e.to, s.id
                    ));
                }
            }
        }
    }
    out
}

/// The arrows with continuation markers joined up (X→c3 and c3'→Y become X→Y), records left out.
fn logical_arrows(c: &Chart) -> BTreeSet<(String, String, String)> {
    let mut set = BTreeSet::new();
    for e in c.arrows.iter().filter(|e| e.kind != "record") {
        if e.from.starts_with('c') && e.from.ends_with('\'') {
            continue;
        }
        let to = if e.to.starts_with('c') {
            let twin = format!("{}'", e.to);
            c.arrows
                .iter()
                .find(|o| o.from == twin)
                .map(|o| o.to.clone())
                .expect("a marker continues")
        } else {
            e.to.clone()
        };
        set.insert((e.from.clone(), to, e.kind.clone()));
    }
    set
}

/// The step boxes in the order a reader meets them: page, then down the page.
fn reading_order(c: &Chart) -> Vec<String> {
    let mut steps: Vec<&Shape> = c.shapes.iter().filter(|s| s.kind == "step").collect();
    steps.sort_by(|a, b| (a.page, a.y, a.x).partial_cmp(&(b.page, b.y, b.x)).unwrap());
    steps.iter().map(|s| s.id.clone()).collect()
}

fn step_key(id: &str) -> Vec<u32> {
    id.split('.').map(|p| p.parse().unwrap()).collect()
}

fn slugs(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(out.join("procedures"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".typ").map(str::to_owned)
        })
        .collect();
    v.sort();
    v
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn every_shipped_procedure_has_a_readable_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let mut broken = Vec::new();
    let mut count = 0;
    for (n, set) in shipped_sets().iter().enumerate() {
        let out = tmp.path().join(format!("out{n}"));
        let result = build(set, &out, &["--to", "pdf"]);
        assert!(
            result.status.success(),
            "{}: {}",
            set.display(),
            String::from_utf8_lossy(&result.stderr)
        );
        let slugs = slugs(&out);
        if n == 0 {
            assert_eq!(slugs.len(), 9, "the root set's procedures: {slugs:?}");
        }
        count += slugs.len();
        charts_of_a_set(&out, &slugs, &mut broken);
        if n == 0 {
            the_complaint_procedure(&out);
        }
    }
    assert!(count >= 20, "{count} procedures in the shipped sets");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The root set and every example set under examples/.
fn shipped_sets() -> Vec<std::path::PathBuf> {
    let mut sets: Vec<std::path::PathBuf> = fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("docctl.yaml").is_file())
        .collect();
    sets.sort();
    assert!(sets.len() >= 10, "the example sets: {sets:?}");
    sets.insert(0, repo());
    sets
}

/// Every procedure PDF of a built set has a chart whose boxes, arrows and words are sound.
fn charts_of_a_set(out: &Path, slugs: &[String], broken: &mut Vec<String>) {
    for slug in slugs {
        let chart = read_chart(out, slug);
        broken.extend(problems(slug, &chart));
        // Without `next:`, the arrows run start → each step in reading order → end; the
        // complaint procedure's decision is checked below.
        let order = reading_order(&chart);
        let mut sorted = order.clone();
        sorted.sort_by_key(|id| step_key(id));
        assert_eq!(
            order, sorted,
            "{slug}: boxes are not in step order down the page"
        );
        let mut want = BTreeSet::new();
        let mut prev = "start".to_owned();
        for id in order.iter().chain(std::iter::once(&"end".to_owned())) {
            if prev == "5.3" && slug == "QP-8.2-01" {
                want.insert(("5.3".to_owned(), "5.3?".to_owned(), "seq".to_owned()));
                want.insert(("5.3?".to_owned(), "5.4".to_owned(), "branch".to_owned()));
                want.insert(("5.3?".to_owned(), "5.2".to_owned(), "branch".to_owned()));
            } else {
                want.insert((prev.clone(), id.clone(), "seq".to_owned()));
            }
            prev = id.clone();
        }
        assert_eq!(logical_arrows(&chart), want, "{slug}: arrows");
        let text = pdftotext(&out.join("procedures").join(format!("{slug}.pdf")));
        let words = [
            ["流程图", "开始", "结束"],
            ["流程圖", "開始", "結束"],
            ["Flow chart", "Start", "End"],
        ];
        assert!(
            words.iter().any(|w| w.iter().all(|w| text.contains(w))),
            "{slug}: chart words missing from the PDF"
        );
    }
}

/// The complaint procedure: 3 lanes in the order of 职责, records beside the steps that fill them.
fn the_complaint_procedure(out: &Path) {
    let chart = read_chart(out, "QP-8.2-01");
    let first_page = chart.shapes.iter().map(|s| s.page).min().unwrap();
    let names2: Vec<&str> = (0..3)
        .map(|i| chart.lanes[&(first_page, i)].0.as_str())
        .collect();
    assert_eq!(names2, ["业务部", "品质部", "生产部"]);
    let s52 = chart.shapes.iter().find(|s| s.id == "5.2").unwrap();
    assert_eq!(s52.lanes, [0, 0], "5.2 is 业务部's");
    assert!(
        chart
            .arrows
            .iter()
            .any(|e| e.from == "5.2" && e.to == "r5.2.1" && e.kind == "record")
    );
}

/// A procedure of 30 steps across 6 departments, with two decisions (one looping back), a
/// `next:` loop, a parallel step, a step of two departments and a long title.
fn thirty_steps() -> String {
    let depts = ["总经理", "行政部", "品质部", "业务部", "生产部", "技术部"];
    let mut steps = String::new();
    for i in 1..=30 {
        let by = match i {
            7 => "[品质部, 生产部]".to_owned(),
            _ => depts[(i * 5 / 3) % 6].to_owned(),
        };
        let title = match i {
            3 => "这是一个很长的步骤标题用于检验中文标签在狭窄的方框内自动换行而不溢出".to_owned(),
            29 => r##"#panic("boom") ] <b>x</b> "q" | `end` $x$ ]]"##.to_owned(),
            _ => format!("第{i}步的工作"),
        };
        steps.push_str(&format!(
            "  - title: '{}'\n    by: {by}\n",
            title.replace('\'', "''")
        ));
        match i {
            4 => steps.push_str("    text: 检验结果记录在《文件发放登记表》上。\n"),
            10 => steps.push_str("    when: 检验是否合格?\n    next: [\"5.11\", \"5.14\"]\n"),
            16 => steps.push_str("    parallel: true\n"),
            20 => steps.push_str("    when: 是否全部完成?\n    next: [\"5.21\", \"5.18\"]\n"),
            25 => steps.push_str("    next: [\"5.23\", \"5.26\"]\n"),
            _ => {}
        }
    }
    format!(
        r#"id: QP-8.5-09
title: 三十步程序
version: A/0
status: effective
effective: 2026-09-01
owner: 品质部
approval:
  prepared: {{name: 张三, date: 2026-08-20}}
  reviewed: {{name: 李四, date: 2026-08-22}}
  approved: {{name: 王五, date: 2026-08-25}}
purpose: 检验流程图的版面。
scope: 测试。
responsibilities:
  - {{department: 总经理, duties: 批准。}}
  - {{department: 行政部, duties: 发放。}}
  - {{department: 品质部, duties: 检验。}}
  - {{department: 业务部, duties: 联络。}}
  - {{department: 生产部, duties: 生产。}}
  - {{department: 技术部, duties: 技术。}}
steps:
{steps}related: [《文件发放登记表》]
history:
  - {{version: A/0, date: 2026-09-01, change: 首次发行, by: 张三}}
"#
    )
}

fn thirty_step_set(dir: &Path) {
    copy_dir(&fixture("valid"), dir);
    let config = fs::read_to_string(dir.join("docctl.yaml")).unwrap();
    fs::write(
        dir.join("docctl.yaml"),
        config.replace(
            "[总经理, 行政部, 品质部, 业务部, 生产部]",
            "[总经理, 行政部, 品质部, 业务部, 生产部, 技术部]",
        ),
    )
    .unwrap();
    fs::write(dir.join("procedures/QP-8.5-09.yaml"), thirty_steps()).unwrap();
}

/// The thirty-step set with `config` added to its docctl.yaml, built to PDF: (its folder, out).
fn thirty_steps_built(config: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    thirty_step_set(&set);
    let yaml = fs::read_to_string(set.join("docctl.yaml")).unwrap();
    fs::write(set.join("docctl.yaml"), format!("{yaml}{config}")).unwrap();
    let out = tmp.path().join("out");
    common::build_ok(&set, &out, &["--to", "pdf"]);
    (tmp, out)
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn thirty_steps_in_six_lanes_fit_a4_with_decisions_and_a_loop() {
    let (_tmp, out) = thirty_steps_built("");
    let chart = read_chart(&out, "QP-8.5-09");
    let broken = problems("QP-8.5-09", &chart);
    assert!(broken.is_empty(), "{}", broken.join("\n"));

    let steps = chart.shapes.iter().filter(|s| s.kind == "step").count();
    assert_eq!(steps, 30);
    let pages: BTreeSet<u64> = chart.shapes.iter().map(|s| s.page).collect();
    assert!(pages.len() >= 2, "30 steps split across pages: {pages:?}");
    let markers = chart
        .shapes
        .iter()
        .filter(|s| s.kind == "connector")
        .count();
    assert!(
        markers >= 2 && markers % 2 == 0,
        "continuation markers come in pairs: {markers}"
    );
    for p in &pages {
        assert_eq!(
            (0..6)
                .filter(|i| chart.lanes.contains_key(&(*p, *i)))
                .count(),
            6,
            "six lanes on page {p}"
        );
    }
    // Each step stands in its department's lane; 5.7 spans 品质部 and 生产部.
    let lane_name = |s: &Shape, i: usize| chart.lanes[&(s.page, i)].0.clone();
    let depts = ["总经理", "行政部", "品质部", "业务部", "生产部", "技术部"];
    for s in chart.shapes.iter().filter(|s| s.kind == "step") {
        let i: usize = s.id.trim_start_matches("5.").parse().unwrap();
        if i == 7 {
            assert_eq!(
                (lane_name(s, s.lanes[0]), lane_name(s, s.lanes[1])),
                ("品质部".into(), "生产部".into())
            );
        } else {
            assert_eq!(s.lanes[0], s.lanes[1]);
            assert_eq!(lane_name(s, s.lanes[0]), depts[(i * 5 / 3) % 6], "{}", s.id);
        }
    }
    // The long title wrapped to several lines inside its box.
    let long = chart.shapes.iter().find(|s| s.id == "5.3").unwrap();
    assert!(long.text_h > 3.0 * 7.0, "5.3 wraps: {long:?}");
    // Decisions are diamonds; the parallel step shares a row with the step before it.
    assert!(
        chart
            .shapes
            .iter()
            .any(|s| s.id == "5.10?" && s.kind == "decision")
    );
    let s15 = chart.shapes.iter().find(|s| s.id == "5.15").unwrap();
    let s16 = chart.shapes.iter().find(|s| s.id == "5.16").unwrap();
    assert_eq!(
        (s15.page, (s15.y + s15.h / 2.0).round()),
        (s16.page, (s16.y + s16.h / 2.0).round())
    );

    // The arrows, in step order, with the branches and loops the YAML asks for.
    let mut want = BTreeSet::new();
    let mut add = |a: &str, b: &str, k: &str| {
        want.insert((a.to_owned(), b.to_owned(), k.to_owned()));
    };
    add("start", "5.1", "seq");
    for i in 1..30 {
        let (a, b) = (format!("5.{i}"), format!("5.{}", i + 1));
        match i {
            10 => {
                add("5.10", "5.10?", "seq");
                add("5.10?", "5.11", "branch");
                add("5.10?", "5.14", "branch");
            }
            14 => {
                add("5.14", "5.15", "seq");
                add("5.14", "5.16", "seq");
            }
            15 => add("5.15", "5.17", "seq"),
            16 => add("5.16", "5.17", "seq"),
            20 => {
                add("5.20", "5.20?", "seq");
                add("5.20?", "5.21", "branch");
                add("5.20?", "5.18", "branch");
            }
            25 => {
                add("5.25", "5.23", "loop");
                add("5.25", "5.26", "next");
            }
            _ => add(&a, &b, "seq"),
        }
    }
    add("5.30", "end", "seq");
    add("5.4", "r5.4.1", "record");
    let mut got = logical_arrows(&chart);
    for e in chart.arrows.iter().filter(|e| e.kind == "record") {
        got.insert((e.from.clone(), e.to.clone(), e.kind.clone()));
    }
    assert_eq!(got, want);

    // The hostile title is text in the PDF, not Typst code.
    let text = pdftotext(&out.join("procedures/QP-8.5-09.pdf"));
    assert!(
        text.contains("#panic(\"boom\")"),
        "the title is printed as written"
    );
}

#[test]
fn html_and_markdown_draw_the_same_chart_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    thirty_step_set(&set);
    let out = tmp.path().join("out");
    common::build_ok(&set, &out, &["--to", "html,md"]);
    let html = fs::read_to_string(out.join("procedures/QP-8.5-09.html")).unwrap();
    assert!(
        html.matches("<svg class=\"flow\"").count() >= 2,
        "one SVG per chart page"
    );
    assert!(
        html.contains("&lt;b&gt;x&lt;/b&gt;") && !html.contains("<b>x</b>"),
        "labels are escaped in SVG"
    );
    for id in ["开始", "结束", "第10步", "合格?", "《文件发放"] {
        assert!(html.contains(id), "SVG shows {id}");
    }
    let md = fs::read_to_string(out.join("procedures/QP-8.5-09.md")).unwrap();
    let start = md.find("```mermaid\n").expect("a Mermaid block");
    let block = &md[start + 11..start + 11 + md[start + 11..].find("```").expect("closed")];
    assert!(block.starts_with("flowchart TD\n"));
    assert!(
        block.contains("n5_10 -->|\"是\"| n5_11") || block.contains("n5_10_ -->|\"是\"| n5_11"),
        "{block}"
    );
    assert!(
        !block.contains("<b>") && block.contains("#lt;b#gt;"),
        "labels escaped for Mermaid"
    );
    assert_eq!(block.matches("subgraph").count(), 6);
    // The shipped sets (root and examples): every procedure page has a chart.
    for (n, set) in shipped_sets().iter().enumerate() {
        let out2 = tmp.path().join(format!("shipped{n}"));
        let result = build(set, &out2, &["--to", "html,md"]);
        assert!(result.status.success(), "{}", set.display());
        let slugs = slugs_of(&out2, ".html");
        assert!(!slugs.is_empty(), "{}", set.display());
        for slug in slugs {
            let page =
                fs::read_to_string(out2.join("procedures").join(format!("{slug}.html"))).unwrap();
            assert!(
                page.contains("<svg class=\"flow\""),
                "{slug}.html has no chart"
            );
            let md =
                fs::read_to_string(out2.join("procedures").join(format!("{slug}.md"))).unwrap();
            assert!(
                md.contains("```mermaid\nflowchart TD\n"),
                "{slug}.md has no chart"
            );
        }
    }
}

fn slugs_of(out: &Path, ext: &str) -> Vec<String> {
    fs::read_dir(out.join("procedures"))
        .unwrap()
        .filter_map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .strip_suffix(ext)
                .map(str::to_owned)
        })
        .collect()
}

/// Build the valid set with `flow: {place: appendix}` in docctl.yaml and `flow: false` on
/// QP-7.5-02, into `to`; return the temporary folder (kept alive) and the output folder.
fn build_with_charts_in_an_appendix_and_one_off(
    to: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    copy_dir(&fixture("valid"), &set);
    let config = fs::read_to_string(set.join("docctl.yaml")).unwrap();
    fs::write(
        set.join("docctl.yaml"),
        format!("{config}flow: {{place: appendix}}\n"),
    )
    .unwrap();
    let p2 = set.join("procedures/QP-7.5-02.yaml");
    let text = fs::read_to_string(&p2).unwrap();
    fs::write(&p2, format!("{text}flow: false\n")).unwrap();
    let out = tmp.path().join("out");
    common::build_ok(&set, &out, &["--to", to]);
    (tmp, out)
}

#[test]
fn charts_can_be_turned_off_or_moved_to_an_appendix() {
    let (_tmp, out) = build_with_charts_in_an_appendix_and_one_off("md,html");
    let md1 = fs::read_to_string(out.join("procedures/QP-7.5-01.md")).unwrap();
    let appendix = md1
        .find("## 附件 流程图")
        .expect("the chart is an appendix");
    assert!(appendix > md1.find("## 7 记录").unwrap() && md1[appendix..].contains("```mermaid"));
    let md2 = fs::read_to_string(out.join("procedures/QP-7.5-02.md")).unwrap();
    assert!(
        !md2.contains("mermaid") && !md2.contains("流程图"),
        "flow: false turns the chart off"
    );
    let html2 = fs::read_to_string(out.join("procedures/QP-7.5-02.html")).unwrap();
    assert!(!html2.contains("<svg class=\"flow\""));
}

/// A copy of the valid fixture in `dir` with the `by:` line of QP-7.5-01's first step replaced.
fn valid_with_by(dir: &Path, by_lines: &str) {
    copy_dir(&fixture("valid"), dir);
    let p1 = dir.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&p1).unwrap();
    fs::write(&p1, text.replacen("    by: 行政部\n", by_lines, 1)).unwrap();
}

#[test]
fn check_reports_a_step_that_names_itself() {
    let tmp = tempfile::tempdir().unwrap();
    valid_with_by(tmp.path(), "    by: 行政部\n    next: [\"5.1\", end]\n");
    let (code, json) = common::check_json(tmp.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let found = common::found(&json);
    let flow: Vec<_> = found.iter().filter(|f| f.code == "flow-target").collect();
    assert_eq!(flow.len(), 1, "{found:?}");
    assert_eq!((flow[0].line, flow[0].column), (23, 12));
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn the_pdf_puts_the_chart_in_an_appendix_or_leaves_it_out() {
    let (_tmp, out) = build_with_charts_in_an_appendix_and_one_off("pdf");
    let one = pdftotext(&out.join("procedures/QP-7.5-01.pdf"));
    let records = one.find("7 记录").expect("section 7");
    let appendix = one.find("附件 流程图").expect("the appendix heading");
    assert!(
        records < appendix && one[appendix..].contains("开始"),
        "{one}"
    );
    let two = pdftotext(&out.join("procedures/QP-7.5-02.pdf"));
    assert!(
        !two.contains("流程图") && !two.contains("开始"),
        "flow: false"
    );
}

#[test]
fn by_takes_one_department_or_a_list_and_checks_each() {
    let tmp = tempfile::tempdir().unwrap();
    valid_with_by(tmp.path(), "    by: [行政部, 品保部]\n");
    let (code, json) = common::check_json(tmp.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let found = common::found(&json);
    assert!(
        found
            .iter()
            .any(|f| f.code == "dept-unknown" && f.line == 22),
        "{found:?}"
    );
    valid_with_by(tmp.path(), "    by: [行政部, 品质部]\n");
    let (code, json) = common::check_json(tmp.path(), &["--today", "2026-11-27"]);
    assert_eq!(code, 0, "{json}");
    let out = tmp.path().join("out");
    assert!(build(tmp.path(), &out, &["--to", "md"]).status.success());
    let md = fs::read_to_string(out.join("procedures/QP-7.5-01.md")).unwrap();
    assert!(
        md.contains("（负责部门：行政部、品质部）"),
        "the step lists both"
    );
}

/// `flow: {landscape: true}` in docctl.yaml: the 30-step, six-lane chart is drawn on landscape
/// A4 pages, as wide as their text (261 mm) and still readable (no overlap, every shape in its
/// lane, text inside its box), while the pages around it stay portrait with the same header and
/// page numbers; in the appendix too.
#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn a_chart_can_be_drawn_on_landscape_pages() {
    for place in ["steps", "appendix"] {
        let (_tmp, out) =
            thirty_steps_built(&format!("\nflow:\n  landscape: true\n  place: {place}\n"));
        let chart = read_chart(&out, "QP-8.5-09");
        let broken = problems_on((PAGE_H, PAGE_W), "QP-8.5-09", &chart);
        assert!(broken.is_empty(), "{place}: {}", broken.join("\n"));
        let chart_pages: BTreeSet<u64> = chart.shapes.iter().map(|s| s.page).collect();
        let width: f64 = (0..6)
            .map(|i| chart.lanes[&(*chart_pages.first().unwrap(), i)].2)
            .sum();
        let mm = 72.0 / 25.4;
        assert!(
            width > 200.0 * mm && width <= 261.0 * mm + 0.5,
            "{place}: lanes {width} pt"
        );

        let pdf = out.join("procedures/QP-8.5-09.pdf");
        let info = Command::new("pdfinfo")
            .args(["-f", "1", "-l", "999"])
            .arg(&pdf)
            .output()
            .expect("pdfinfo (poppler-utils) is installed");
        let info = String::from_utf8_lossy(&info.stdout);
        let landscape: BTreeSet<u64> = info
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains(" size:"))
            .filter_map(|l| {
                let page: u64 = l.split_whitespace().nth(1)?.parse().ok()?;
                l.contains("841.89 x 595.276").then_some(page)
            })
            .collect();
        assert_eq!(
            landscape, chart_pages,
            "{place}: the chart's pages and only they are landscape"
        );
        let pages = common::pages(&pdf);
        assert!(
            pages > landscape.len(),
            "{place}: portrait pages around the chart"
        );
        let text: String = pdftotext(&pdf).split_whitespace().collect();
        for page in 1..=pages {
            assert!(
                text.contains(&format!("第{page}页共{pages}页")),
                "{place}: page {page}: the header's page number runs through the landscape pages"
            );
        }
    }
}

/// A nonconforming-product procedure whose decisions name their answers: three ways out of a
/// diamond in the first lane (the left one beside the page margin), two out of one in the
/// last lane, one answer longer than the lane.
fn answers_set(dir: &Path) {
    copy_dir(&fixture("valid"), dir);
    fs::write(
        dir.join("procedures/QP-8.7-01.yaml"),
        r#"id: QP-8.7-01
title: 不合格品控制程序
version: A/0
status: effective
effective: 2026-09-01
owner: 品质部
approval:
  prepared: {name: 张三, date: 2026-08-20}
  reviewed: {name: 李四, date: 2026-08-22}
  approved: {name: 王五, date: 2026-08-25}
purpose: 防止不合格品的非预期使用。
scope: 适用于原材料、半成品和成品。
responsibilities:
  - {department: 品质部, duties: 判定与标识。}
  - {department: 生产部, duties: 返工返修。}
  - {department: 业务部, duties: 联络顾客。}
  - {department: 总经理, duties: 批准报废。}
steps:
  - title: 判定不合格并隔离
    by: 品质部
    when: 如何处置?
    next: ["5.2", "5.3", "5.4"]
    answers: [返工返修, 让步接收（需顾客书面同意）, 报废]
  - title: 返工返修后重新检验
    by: 生产部
    next: ["5.1"]
  - title: 取得顾客书面同意
    by: 业务部
  - title: 报废申请
    by: 总经理
    when: 金额超过一万元?
    next: ["5.5", end]
    answers: [超过, 未超过]
  - title: 总经理批准报废
    by: 总经理
history:
  - {version: A/0, date: 2026-09-01, change: 首次发行, by: 张三}
"#,
    )
    .unwrap();
}

#[test]
fn decisions_print_their_answers_in_html_and_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    answers_set(&set);
    let out = tmp.path().join("out");
    common::build_ok(&set, &out, &["--to", "html,md"]);
    let md = fs::read_to_string(out.join("procedures/QP-8.7-01.md")).unwrap();
    for edge in [
        "n5_1_ -->|\"返工返修\"| n5_2",
        "n5_1_ -->|\"让步接收（需顾客书面同意）\"| n5_3",
        "n5_1_ -->|\"报废\"| n5_4",
        "n5_4_ -->|\"超过\"| n5_5",
        "n5_4_ -->|\"未超过\"| nend",
    ] {
        assert!(md.contains(edge), "Mermaid has {edge}:\n{md}");
    }
    assert!(!md.contains("|\"是\"|"), "named answers replace 是/否");
    let html = fs::read_to_string(out.join("procedures/QP-8.7-01.html")).unwrap();
    for answer in ["返工返修", "让步接收（需顾客书面同意）", "未超过"] {
        assert!(
            html.contains(&format!(">{answer}</text>")),
            "SVG prints {answer}"
        );
    }
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn decisions_print_their_answers_beside_their_arrows_in_the_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    answers_set(&set);
    let out = tmp.path().join("out");
    common::build_ok(&set, &out, &["--to", "pdf"]);
    let chart = read_chart(&out, "QP-8.7-01");
    let broken = problems("QP-8.7-01", &chart);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let answers: BTreeSet<(String, String, String)> = chart
        .arrows
        .iter()
        .filter(|e| !e.label.is_empty())
        .map(|e| (e.from.clone(), e.to.clone(), e.label.clone()))
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("5.1?", "5.2", "返工返修"),
        ("5.1?", "5.3", "让步接收（需顾客书面同意）"),
        ("5.1?", "5.4", "报废"),
        ("5.4?", "5.5", "超过"),
        ("5.4?", "end", "未超过"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(answers, want);
    let text = pdftotext(&out.join("procedures/QP-8.7-01.pdf"));
    for answer in ["返工返修", "报废", "未超过"] {
        assert!(text.contains(answer), "the PDF prints {answer}");
    }
}
