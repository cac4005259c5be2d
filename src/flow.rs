//! The flow chart (流程图) of a procedure: a swimlane chart laid out here, once, from the steps,
//! and drawn from the same layout data by the Typst template (native shapes), the HTML page
//! (inline SVG) and the Markdown page (a Mermaid block).
//!
//! Lanes are the departments of 职责 in order (then any other department a step names); each
//! step is a box in its department's lane (spanning the lanes of a step with several
//! departments); arrows follow step order unless a step says `next:`; a step with `when:` is
//! followed by a decision diamond whose answers go to the `next` targets; `parallel: true` puts
//! a step in the same row as the step before it. Records a step fills (the forms its text cites
//! that the procedure lists under 记录, or that are forms of the set) are document shapes in a
//! records column at the right, joined by a dashed line.
//!
//! Geometry, in points from the top-left of each chart page: rows go down the page, separated by
//! gaps that carry the horizontal parts of arrows; arrows never cross a row except inside their
//! own box's column or in the channels left and right of the lanes, so no arrow runs through a
//! box. Long procedures are split into pages; an arrow that crosses pages ends at a numbered
//! continuation marker (续) and starts again at the matching marker on the next page.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Procedure, Step};
use crate::render::labels::Labels;

/// The fixed words a chart prints, in the document's language (from the label table,
/// `crate::render::labels`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FlowWords {
    /// 开始.
    pub start: &'static str,
    /// 结束.
    pub end: &'static str,
    /// 是 (the first answer of a two-way decision).
    pub yes: &'static str,
    /// 否 (the second answer).
    pub no: &'static str,
    /// 续下页 (an arrow continues on the next page).
    pub continued: &'static str,
    /// 接上页 (an arrow comes from the page before).
    pub from_before: &'static str,
    /// 记录 (the heading of the records column).
    pub records: &'static str,
    /// 《 (before a record's title).
    pub title_open: &'static str,
    /// 》 (after a record's title).
    pub title_close: &'static str,
}

impl FlowWords {
    /// Return the chart words of one language's labels.
    pub fn of(words: &Labels) -> FlowWords {
        let w = |key: &str| words.get(key).copied().unwrap_or("");
        FlowWords {
            start: w("flow_start"),
            end: w("flow_end"),
            yes: w("yes"),
            no: w("no"),
            continued: w("flow_continued"),
            from_before: w("flow_from_before"),
            records: w("records"),
            title_open: w("title_open"),
            title_close: w("title_close"),
        }
    }
}

/// Chart dimensions, in points.
#[derive(Debug, Clone, Copy)]
pub struct FlowSize {
    /// The width of the chart (the text width of the page).
    pub width: f64,
    /// The most a chart page may be high.
    pub page_height: f64,
}

impl Default for FlowSize {
    fn default() -> Self {
        // A4 portrait with docctl's margins: 210 − 2 × 18 mm wide; 297 − 42 − 20 mm high less the
        // title line above each chart page.
        FlowSize {
            width: 174.0 * MM,
            page_height: 235.0 * MM - 26.0,
        }
    }
}

impl FlowSize {
    /// A4 landscape with the same margins: 297 − 2 × 18 mm wide; 210 − 42 − 20 mm high less the
    /// title line.
    pub fn landscape() -> Self {
        FlowSize {
            width: 261.0 * MM,
            page_height: 148.0 * MM - 26.0,
        }
    }
}

const MM: f64 = 72.0 / 25.4;
const GAP: f64 = 20.0;
const SLOT: f64 = 3.5;
const CHANNEL_SLOT: f64 = 6.0;
const PAD: f64 = 5.0;
const INNER: f64 = 4.0;
const TERM_H: f64 = 16.0;
const CONNECTOR: f64 = 12.0;
const CONNECTOR_ROW: f64 = 20.0;

/// A laid-out chart: its lanes and its pages.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    /// Chart width.
    pub width: f64,
    /// Font size of labels.
    pub font: f64,
    /// Line height of labels.
    pub line: f64,
    /// Height of the lane headings.
    pub header: f64,
    /// The lanes, left to right.
    pub lanes: Vec<Lane>,
    /// The records column, if any step has records: `[x, w]`.
    pub records: Option<[f64; 2]>,
    /// The heading of the records column.
    pub records_label: String,
    /// The pages of the chart.
    pub pages: Vec<FlowPage>,
}

/// A department's lane.
#[derive(Debug, Clone, Serialize)]
pub struct Lane {
    /// The department, wrapped.
    pub lines: Vec<String>,
    /// The department.
    pub name: String,
    /// Left edge.
    pub x: f64,
    /// Width.
    pub w: f64,
}

/// One page of the chart.
#[derive(Debug, Clone, Serialize)]
pub struct FlowPage {
    /// Height of this page's chart.
    pub height: f64,
    /// Shapes.
    pub nodes: Vec<Node>,
    /// Arrows and record links.
    pub edges: Vec<Edge>,
}

/// A shape: a step box, a decision, start/end, a record or a continuation marker.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// `5.2`, `5.2?` (its decision), `start`, `end`, `r5.2.1` (a record), `c3` (marker 3).
    pub id: String,
    /// step | decision | start | end | record | connector.
    pub kind: &'static str,
    /// The first and last lane it stands in (records and markers outside lanes: the lane nearest).
    pub lanes: [usize; 2],
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The label, wrapped to the shape.
    pub lines: Vec<String>,
    /// A caption beside the shape (continuation markers).
    pub caption: String,
    /// The width the label may use.
    pub text_w: f64,
}

/// A polyline between two shapes.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// The shape it leaves.
    pub from: String,
    /// The shape it reaches.
    pub to: String,
    /// seq (step order) | next (a `next:` target) | branch (a decision's answer) | loop | record.
    pub kind: &'static str,
    /// The answer printed on it (decisions).
    pub label: String,
    /// Where the label stands.
    pub label_at: [f64; 2],
    /// The points, first on `from`, last on `to`.
    pub points: Vec<[f64; 2]>,
}

/// One step of the chart, before layout.
#[derive(Debug, Clone)]
struct Item {
    number: String,
    label: String,
    lanes: [usize; 2],
    next: Vec<String>,
    when: Option<String>,
    answers: Vec<String>,
    parallel: bool,
    records: Vec<String>,
}

/// Return the steps of the chart: top-level steps, except that a step without a department
/// whose sub-steps name one (or use flow keys) is replaced by its sub-steps.
fn items_of<'a>(
    steps: &'a [Step],
    prefix: &str,
    out: &mut Vec<(String, &'a Step, Vec<String>)>,
    inherited: &[String],
) {
    for (n, step) in steps.iter().enumerate() {
        let number = format!("{prefix}.{}", n + 1);
        let own: Vec<String> = step
            .departments()
            .iter()
            .map(|d| d.value.0.clone())
            .collect();
        let depts = if own.is_empty() {
            inherited.to_vec()
        } else {
            own
        };
        if step.by.is_none() && step.steps.iter().any(has_flow_or_by) {
            items_of(&step.steps, &number, out, &depts);
        } else {
            out.push((number, step, depts));
        }
    }
}

fn has_flow_or_by(step: &Step) -> bool {
    step.by.is_some()
        || !step.next.is_empty()
        || step.when.is_some()
        || step.parallel
        || step.steps.iter().any(has_flow_or_by)
}

/// Return every step number of a procedure (5.1, 5.1.1 …).
pub fn step_numbers(steps: &[Step], prefix: &str, out: &mut Vec<String>) {
    for (n, step) in steps.iter().enumerate() {
        let number = format!("{prefix}.{}", n + 1);
        out.push(number.clone());
        step_numbers(&step.steps, &number, out);
    }
}

/// The label of a step's box: its title, else the first clause of its text.
fn step_label(step: &Step) -> String {
    let plain = |t: &str| t.replace(['*', '`'], "").replace('\n', " ");
    if let Some(title) = &step.title {
        return plain(&title.value.0);
    }
    let text = step
        .text
        .as_ref()
        .map(|t| plain(&t.value.0))
        .unwrap_or_default();
    let clause: String = text
        .chars()
        .take_while(|c| {
            !matches!(
                c,
                '\u{FF0C}' | '。' | '\u{FF1B}' | '\u{FF1A}' | ',' | ';' | ':'
            )
        })
        .collect();
    let clause = clause.trim().to_owned();
    if clause.chars().count() > 22 {
        let cut: String = clause.chars().take(20).collect();
        format!("{cut}…")
    } else {
        clause
    }
}

/// The estimated width of a character, in ems of the label font (Noto Sans CJK): CJK and
/// full-width characters are one em, Latin letters and digits a little over half.
pub fn char_width(c: char) -> f64 {
    if c.is_ascii() {
        if c == ' ' {
            0.3
        } else if c.is_ascii_uppercase() || c == 'm' || c == 'w' {
            0.75
        } else {
            0.62
        }
    } else {
        // CJK, full-width punctuation, and the curly quotes and ellipsis (full width in CJK fonts).
        1.0
    }
}

/// Wrap a label to lines no wider than `width` points at font size `font`: CJK text breaks
/// between any two characters, a Latin word moves to the next line whole when it fits there,
/// and closing punctuation does not start a line.
pub fn wrap(text: &str, width: f64, font: f64) -> Vec<String> {
    let max = width / font;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A Latin word (or number) is one unit when it fits on a line.
        let mut j = i + 1;
        if chars[i].is_ascii_alphanumeric() {
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '.' || chars[j] == '-')
            {
                j += 1;
            }
        }
        let unit: f64 = chars[i..j].iter().map(|&c| char_width(c)).sum();
        let closing = matches!(
            chars[i],
            '\u{FF0C}'
                | '。'
                | '、'
                | '\u{FF1B}'
                | '\u{FF1A}'
                | '\u{FF09}'
                | '》'
                | '”'
                | ','
                | '.'
                | ')'
                | '\u{FF01}'
                | '\u{FF1F}'
                | '?'
                | '!'
        );
        if used + unit > max && !line.is_empty() {
            if unit <= max || !chars[i].is_ascii_alphanumeric() {
                if closing {
                    // Keep closing punctuation with its line: move the last character down instead.
                    if let Some(last) = line.pop() {
                        lines.push(std::mem::take(&mut line));
                        line.push(last);
                        used = char_width(last);
                    }
                } else {
                    lines.push(std::mem::take(&mut line));
                    used = 0.0;
                }
            } else {
                // A word longer than a line: break it by characters.
                j = i + 1;
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
        }
        let unit: f64 = chars[i..j].iter().map(|&c| char_width(c)).sum();
        if unit > max && j > i + 1 {
            j = i + 1;
        }
        for &c in &chars[i..j] {
            if used + char_width(c) > max && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += char_width(c);
        }
        i = j;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.first().is_some_and(|l| l.trim().is_empty()) && lines.len() > 1 {
        lines.remove(0);
    }
    // A space at the end of a line would push a centred line off centre.
    for l in &mut lines {
        l.truncate(l.trim_end().len());
    }
    lines
}

/// A node before it has a page position.
#[derive(Debug, Clone)]
struct Shape {
    id: String,
    kind: &'static str,
    lanes: [usize; 2],
    w: f64,
    h: f64,
    lines: Vec<String>,
    text_w: f64,
}

impl Shape {
    /// Place the shape on a page at `x`, `y`.
    fn at(&self, x: f64, y: f64) -> Node {
        Node {
            id: self.id.clone(),
            kind: self.kind,
            lanes: self.lanes,
            x,
            y,
            w: self.w,
            h: self.h,
            lines: self.lines.clone(),
            caption: String::new(),
            text_w: self.text_w,
        }
    }
}

/// A logical arrow.
#[derive(Debug, Clone)]
struct Link {
    from: String,
    to: String,
    kind: &'static str,
    label: String,
    /// Which exit of a decision: 0 bottom, 1 right, 2 left.
    exit: usize,
}

/// Lay out the chart of a procedure. `is_record` says whether a cited title is a record the
/// step fills.
pub fn layout(
    p: &Procedure,
    words: &FlowWords,
    size: FlowSize,
    is_record: &dyn Fn(&str) -> bool,
) -> Flow {
    // Lanes: departments of 职责 in order, then any other a step names.
    let mut found: Vec<(String, &Step, Vec<String>)> = Vec::new();
    let owner: Vec<String> = p.owner.iter().map(|o| o.value.0.clone()).collect();
    items_of(
        &p.steps,
        &crate::outline::Section::Steps.number(),
        &mut found,
        &[],
    );
    let mut lane_names: Vec<String> = Vec::new();
    for r in &p.responsibilities {
        if !lane_names.contains(&r.department.value.0) {
            lane_names.push(r.department.value.0.clone());
        }
    }
    for (_, _, depts) in &found {
        for d in depts {
            if !lane_names.contains(d) {
                lane_names.push(d.clone());
            }
        }
    }
    let fallback: Vec<String> = if let Some(o) = owner.first().filter(|o| lane_names.contains(o)) {
        vec![o.clone()]
    } else if let Some(first) = lane_names.first() {
        vec![first.clone()]
    } else {
        lane_names.push(owner.first().cloned().unwrap_or_else(|| "—".to_owned()));
        vec![lane_names[0].clone()]
    };
    let items: Vec<Item> = found
        .iter()
        .map(|(number, step, depts)| {
            let depts = if depts.is_empty() { &fallback } else { depts };
            let idx: Vec<usize> = depts
                .iter()
                .filter_map(|d| lane_names.iter().position(|l| l == d))
                .collect();
            let lo = idx.iter().copied().min().unwrap_or(0);
            let hi = idx.iter().copied().max().unwrap_or(0);
            let mut records: Vec<String> = Vec::new();
            if let Some(text) = &step.text {
                for c in crate::cite::scan(&text.value.0) {
                    let title = c.inner.trim().to_owned();
                    if c.bracket.is_certain() && is_record(&title) && !records.contains(&title) {
                        records.push(title);
                    }
                }
            }
            Item {
                number: number.clone(),
                label: format!("{} {}", number, step_label(step)),
                lanes: [lo, hi],
                next: step
                    .next
                    .iter()
                    .map(|n| n.value.0.trim().to_owned())
                    .collect(),
                when: step.when.as_ref().map(|w| w.value.0.clone()),
                answers: step
                    .answers
                    .iter()
                    .map(|a| a.value.0.trim().to_owned())
                    .collect(),
                parallel: step.parallel,
                records,
            }
        })
        .collect();

    let lanes_n = lane_names.len().max(1);
    let font = if lanes_n <= 4 { 8.0 } else { 7.5 };
    let line = font * 1.3;
    // Channels: one slot per arrow that needs one.
    let resolve = |target: &str| resolve_target(&items, target);
    let mut right_slots = 0usize;
    let mut left_slots = 0usize;
    for (i, it) in items.iter().enumerate() {
        if it.when.is_some() {
            right_slots += it.next.len().saturating_sub(1).min(1);
            left_slots += it.next.len().saturating_sub(2);
        } else {
            for t in &it.next {
                match resolve(t) {
                    Some(j) if j <= i => left_slots += 1,
                    Some(j) if j > i + 1 => right_slots += 1,
                    _ => {}
                }
            }
        }
    }
    let left_slots = left_slots.min(8);
    let right_slots = right_slots.min(8);
    let any_records = items.iter().any(|it| !it.records.is_empty());
    let left = 4.0 + CHANNEL_SLOT * (left_slots as f64 + 1.0);
    let right_channel = 4.0 + CHANNEL_SLOT * (right_slots as f64 + 1.0);
    let records_w = if any_records { 76.0 } else { 0.0 };
    let lane_area = size.width - left - right_channel - records_w;
    let lane_w = lane_area / lanes_n as f64;
    let lanes: Vec<Lane> = lane_names
        .iter()
        .enumerate()
        .map(|(i, name)| Lane {
            lines: wrap(name, lane_w - 2.0 * INNER, font),
            name: name.clone(),
            x: left + i as f64 * lane_w,
            w: lane_w,
        })
        .collect();
    let records_col = any_records.then_some([size.width - records_w + 4.0, records_w - 4.0]);
    let header = lanes
        .iter()
        .map(|l| l.lines.len())
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * line
        + 8.0;
    let span_w = |lanes_: [usize; 2]| (lanes_[1] - lanes_[0] + 1) as f64 * lane_w - 2.0 * PAD;

    // Shapes, in rows.
    let mut rows: Vec<Vec<Shape>> = Vec::new();
    let mut row_records: Vec<Vec<Shape>> = Vec::new();
    let first_lanes = items
        .first()
        .map_or([0, 0], |it| [it.lanes[0], it.lanes[0]]);
    let term = |id: &str, kind: &'static str, lane: [usize; 2], text: &str| {
        let w = (lane_w - 2.0 * PAD).min(64.0);
        Shape {
            id: id.to_owned(),
            kind,
            lanes: lane,
            w,
            h: TERM_H,
            lines: vec![text.to_owned()],
            text_w: w - 2.0 * INNER,
        }
    };
    rows.push(vec![term("start", "start", first_lanes, words.start)]);
    row_records.push(Vec::new());
    let record_shape = |owner: &str, k: usize, title: &str| {
        let w = records_w - 4.0;
        let text_w = w - 2.0 * INNER;
        let lines = wrap(
            &format!("{}{title}{}", words.title_open, words.title_close),
            text_w,
            font - 0.5,
        );
        Shape {
            id: format!("r{owner}.{}", k + 1),
            kind: "record",
            lanes: [lanes_n - 1, lanes_n - 1],
            w,
            h: lines.len() as f64 * line + 2.0 * INNER + 4.0,
            lines,
            text_w,
        }
    };
    let mut links: Vec<Link> = Vec::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let joins = it.parallel
            && !groups.is_empty()
            && rows.last().is_some_and(|row| {
                row.iter().all(|s| {
                    s.kind == "step" && (s.lanes[1] < it.lanes[0] || s.lanes[0] > it.lanes[1])
                })
            });
        let text_w = span_w(it.lanes) - 2.0 * INNER;
        let lines = wrap(&it.label, text_w, font);
        let shape = Shape {
            id: it.number.clone(),
            kind: "step",
            lanes: it.lanes,
            w: span_w(it.lanes),
            h: lines.len() as f64 * line + 2.0 * INNER,
            lines,
            text_w,
        };
        let recs: Vec<Shape> = it
            .records
            .iter()
            .enumerate()
            .map(|(k, t)| record_shape(&it.number, k, t))
            .collect();
        for r in &recs {
            links.push(Link {
                from: it.number.clone(),
                to: r.id.clone(),
                kind: "record",
                label: String::new(),
                exit: 0,
            });
        }
        if it.parallel && !groups.is_empty() {
            if let Some(g) = groups.last_mut() {
                g.push(i);
            }
        } else {
            groups.push(vec![i]);
        }
        if joins {
            if let Some(row) = rows.last_mut() {
                row.push(shape);
            }
            if let Some(r) = row_records.last_mut() {
                r.extend(recs);
            }
        } else {
            rows.push(vec![shape]);
            row_records.push(recs);
        }
        if let Some(q) = &it.when {
            let w = span_w(it.lanes).min(lane_w * 1.6);
            let text_w = w * 0.55;
            let lines = wrap(q, text_w, font);
            let h = (lines.len() as f64 * line * 2.0 + 10.0).max(30.0);
            rows.push(vec![Shape {
                id: format!("{}?", it.number),
                kind: "decision",
                lanes: it.lanes,
                w,
                h,
                lines,
                text_w,
            }]);
            row_records.push(Vec::new());
        }
    }
    let last_lanes = items.last().map_or([0, 0], |it| [it.lanes[0], it.lanes[0]]);
    rows.push(vec![term("end", "end", last_lanes, words.end)]);
    row_records.push(Vec::new());

    // Logical arrows.
    let target_id = |t: &str| -> Option<String> {
        if t.eq_ignore_ascii_case("end") {
            Some("end".to_owned())
        } else {
            resolve(t).map(|j| items[j].number.clone())
        }
    };
    if groups.is_empty() {
        links.push(Link {
            from: "start".into(),
            to: "end".into(),
            kind: "seq",
            label: String::new(),
            exit: 0,
        });
    }
    if let Some(first) = groups.first() {
        for &i in first {
            links.push(Link {
                from: "start".into(),
                to: items[i].number.clone(),
                kind: "seq",
                label: String::new(),
                exit: 0,
            });
        }
    }
    for (g, group) in groups.iter().enumerate() {
        let following: Vec<String> = match groups.get(g + 1) {
            Some(next) => next.iter().map(|&i| items[i].number.clone()).collect(),
            None => vec!["end".to_owned()],
        };
        for &i in group {
            let it = &items[i];
            let targets: Vec<String> = it.next.iter().filter_map(|t| target_id(t)).collect();
            if let Some(_q) = &it.when {
                let diamond = format!("{}?", it.number);
                links.push(Link {
                    from: it.number.clone(),
                    to: diamond.clone(),
                    kind: "seq",
                    label: String::new(),
                    exit: 0,
                });
                let targets = if targets.is_empty() {
                    following.clone()
                } else {
                    targets
                };
                let two = targets.len() == 2;
                for (k, t) in targets.iter().enumerate() {
                    let label = if !it.answers.is_empty() {
                        it.answers.get(k).cloned().unwrap_or_default()
                    } else if two {
                        [words.yes, words.no][k.min(1)].to_owned()
                    } else {
                        String::new()
                    };
                    links.push(Link {
                        from: diamond.clone(),
                        to: t.clone(),
                        kind: "branch",
                        label,
                        exit: k.min(2),
                    });
                }
            } else if !targets.is_empty() {
                for t in targets {
                    let back = t != "end" && resolve(&t).is_some_and(|j| j <= i);
                    links.push(Link {
                        from: it.number.clone(),
                        to: t,
                        kind: if back { "loop" } else { "next" },
                        label: String::new(),
                        exit: 0,
                    });
                }
            } else {
                for t in &following {
                    links.push(Link {
                        from: it.number.clone(),
                        to: t.clone(),
                        kind: "seq",
                        label: String::new(),
                        exit: 0,
                    });
                }
            }
        }
    }

    // Row heights (records stack in their row) and pages.
    let row_h: Vec<f64> = rows
        .iter()
        .zip(&row_records)
        .map(|(row, recs)| {
            let boxes = row.iter().map(|s| s.h).fold(0.0, f64::max);
            let stacked: f64 = recs.iter().map(|r| r.h + 4.0).sum::<f64>()
                - if recs.is_empty() { 0.0 } else { 4.0 };
            boxes.max(stacked)
        })
        .collect();
    let row_of: BTreeMap<String, usize> = rows
        .iter()
        .zip(&row_records)
        .enumerate()
        .flat_map(|(r, (row, recs))| row.iter().chain(recs).map(move |s| (s.id.clone(), r)))
        .collect();
    // Pages: fill each with rows, leaving room for the continuation markers the split makes;
    // when markers do not fit, give that page less room and split again.
    let page_budget = size.page_height - header - GAP / 2.0;
    let mut reserve: Vec<f64> = Vec::new();
    let mut page_of_row: Vec<usize>;
    let mut rounds = 0;
    loop {
        page_of_row = Vec::new();
        let mut page = 0;
        let mut used = 0.0;
        for h in &row_h {
            let room = page_budget - reserve.get(page).copied().unwrap_or(0.0);
            if used > 0.0 && used + h + GAP > room {
                page += 1;
                used = 0.0;
            }
            used += h + GAP;
            page_of_row.push(page);
        }
        let mut markers = vec![0usize; page + 1];
        for link in &links {
            if let (Some(&ra), Some(&rb)) = (row_of.get(&link.from), row_of.get(&link.to))
                && page_of_row[ra] != page_of_row[rb]
            {
                markers[page_of_row[ra]] += 1;
                markers[page_of_row[rb]] += 1;
            }
        }
        let mut fits = true;
        let mut rows_h = vec![0.0; page + 1];
        for (r, &p) in page_of_row.iter().enumerate() {
            rows_h[p] += row_h[r] + GAP;
        }
        for (p, &m) in markers.iter().enumerate() {
            let need = rows_h[p] + m as f64 * (CONNECTOR_ROW + GAP);
            if need > page_budget + 0.01 {
                if reserve.len() <= p {
                    reserve.resize(p + 1, 0.0);
                }
                reserve[p] += need - page_budget;
                fits = false;
            }
        }
        rounds += 1;
        if fits || rounds > 64 {
            break;
        }
    }
    let pages_n = page_of_row.iter().copied().max().unwrap_or(0) + 1;

    // Cross-page arrows become a marker pair.
    let mut page_links: Vec<Vec<Link>> = vec![Vec::new(); pages_n];
    let mut outgoing: Vec<Vec<(String, String, usize)>> = vec![Vec::new(); pages_n];
    let mut incoming: Vec<Vec<(String, String, usize)>> = vec![Vec::new(); pages_n];
    let mut marker = 0;
    for link in links {
        let (Some(&ra), Some(&rb)) = (row_of.get(&link.from), row_of.get(&link.to)) else {
            continue;
        };
        let (pa, pb) = (page_of_row[ra], page_of_row[rb]);
        if pa == pb {
            page_links[pa].push(link);
        } else {
            marker += 1;
            let id_out = format!("c{marker}");
            let id_in = format!("c{marker}'");
            outgoing[pa].push((id_out.clone(), link.to.clone(), marker));
            incoming[pb].push((id_in.clone(), link.from.clone(), marker));
            page_links[pa].push(Link {
                to: id_out,
                ..link.clone()
            });
            page_links[pb].push(Link {
                from: id_in,
                kind: link.kind,
                label: String::new(),
                exit: 0,
                to: link.to,
            });
        }
    }

    let lane_x = |l: [usize; 2], w: f64| {
        left + l[0] as f64 * lane_w + ((l[1] - l[0] + 1) as f64 * lane_w - w) / 2.0
    };
    let lane_of = |id: &str| -> [usize; 2] {
        rows.iter()
            .flatten()
            .find(|s| s.id == id)
            .map_or([0, 0], |s| s.lanes)
    };
    let mut pages = Vec::new();
    for pg in 0..pages_n {
        let mut nodes: Vec<Node> = Vec::new();
        let mut y = header + GAP / 2.0;
        // gaps: (top, bottom) of the gap after each placed row, keyed by row index on the page.
        let mut gap_after: Vec<f64> = Vec::new();
        let mut row_ids: Vec<Vec<String>> = Vec::new();
        let connector_node = |id: &str, caption: String, lanes_: [usize; 2], y: f64| Node {
            id: id.to_owned(),
            kind: "connector",
            lanes: lanes_,
            x: lane_x(lanes_, CONNECTOR) - 14.0,
            y: y + 4.0,
            w: CONNECTOR,
            h: CONNECTOR,
            lines: vec![id.trim_start_matches('c').trim_end_matches('\'').to_owned()],
            caption,
            text_w: CONNECTOR,
        };
        /// A row of the page: a connector marker, or the steps of a row of the chart.
        enum PageRow<'r> {
            Marker(&'r String, String, [usize; 2]),
            Steps(usize),
        }
        // Incoming markers come first and outgoing ones last, one row each so that none
        // overlap, each in the lanes of the step at the other end of its link.
        let other_end = |id: &String, ends: fn(&Link) -> [&String; 2]| {
            page_links[pg]
                .iter()
                .map(ends)
                .find(|[end, _]| *end == id)
                .map_or([0, 0], |[_, other]| lane_of(other))
        };
        let markers_in = incoming[pg].iter().map(|(id, from, _)| {
            let lanes = other_end(id, |l| [&l.from, &l.to]);
            PageRow::Marker(id, format!("{from} {}", words.from_before), lanes)
        });
        let markers_out = outgoing[pg].iter().map(|(id, to, _)| {
            let lanes = other_end(id, |l| [&l.to, &l.from]);
            PageRow::Marker(id, format!("{} {to}", words.continued), lanes)
        });
        let steps = (0..rows.len())
            .filter(|&r| page_of_row[r] == pg)
            .map(PageRow::Steps);
        for row in markers_in.chain(steps).chain(markers_out) {
            let (ids, h) = match row {
                PageRow::Marker(id, caption, lanes_) => {
                    nodes.push(connector_node(id, caption, lanes_, y));
                    (vec![id.clone()], CONNECTOR_ROW)
                }
                PageRow::Steps(r) => {
                    let h = row_h[r];
                    let mut ids = Vec::new();
                    for s in &rows[r] {
                        ids.push(s.id.clone());
                        nodes.push(s.at(lane_x(s.lanes, s.w), y + (h - s.h) / 2.0));
                    }
                    let mut ry = y;
                    for s in &row_records[r] {
                        ids.push(s.id.clone());
                        if let Some([x, _]) = records_col {
                            nodes.push(s.at(x, ry));
                        }
                        ry += s.h + 4.0;
                    }
                    (ids, h)
                }
            };
            row_ids.push(ids);
            y += h;
            gap_after.push(y);
            y += GAP;
        }
        let height = y - GAP / 2.0;
        let row_index = |id: &str| row_ids.iter().position(|ids| ids.iter().any(|i| i == id));
        let node = |id: &str| nodes.iter().find(|n| n.id == id).cloned();
        let mut slots: BTreeMap<(usize, String), usize> = BTreeMap::new();
        let mut gap_slot = |gap: usize, key: String| -> f64 {
            let n = slots.keys().filter(|(g, _)| *g == gap).count();
            let k = *slots.entry((gap, key)).or_insert(n) % 5;
            gap_after[gap]
                + GAP / 2.0
                + (k.div_ceil(2) as f64) * SLOT * if k % 2 == 1 { -1.0 } else { 1.0 }
        };
        let mut right_used = 0usize;
        let mut left_used = 0usize;
        let right_x = left + lane_area;
        let mut edges = Vec::new();
        for link in &page_links[pg] {
            let (Some(a), Some(b), Some(ra), Some(rb)) = (
                node(&link.from),
                node(&link.to),
                row_index(&link.from),
                row_index(&link.to),
            ) else {
                continue;
            };
            let ax = a.x + a.w / 2.0;
            let bx = b.x + b.w / 2.0;
            let mut points: Vec<[f64; 2]>;
            let mut label_at = [ax + 3.0, a.y + a.h + 2.0];
            if link.kind == "record" {
                let cy = b.y + b.h / 2.0;
                let alone = row_ids[ra].iter().filter(|i| !i.starts_with('r')).count() == 1;
                if alone {
                    points = vec![
                        [a.x + a.w, a.y + a.h / 2.0],
                        [b.x - 4.0, a.y + a.h / 2.0],
                        [b.x - 4.0, cy],
                        [b.x, cy],
                    ];
                } else {
                    let gy = gap_slot(ra, format!("rec{}", link.from));
                    points = vec![
                        [ax, a.y + a.h],
                        [ax, gy],
                        [b.x - 4.0, gy],
                        [b.x - 4.0, cy],
                        [b.x, cy],
                    ];
                }
            } else if link.exit >= 1 && a.kind == "decision" {
                // Right (or left) vertex, out to the channel, along it to the gap before the target.
                let cy = a.y + a.h / 2.0;
                let (vx, chx) = if link.exit == 1 {
                    right_used += 1;
                    (
                        a.x + a.w,
                        right_x
                            + CHANNEL_SLOT * ((right_used - 1) % (right_slots.max(1)) + 1) as f64,
                    )
                } else {
                    left_used += 1;
                    (
                        a.x,
                        left - CHANNEL_SLOT * ((left_used - 1) % (left_slots.max(1)) + 1) as f64,
                    )
                };
                let gy = if rb == 0 {
                    b.y - 4.0
                } else {
                    gap_slot(rb - 1, format!("in{}", link.to))
                };
                points = vec![[vx, cy], [chx, cy], [chx, gy], [bx, gy], [bx, b.y]];
                // Beside the corner, above the arrow; an answer longer than 是/否 stays on the page.
                let label_w: f64 = link.label.chars().map(char_width).sum::<f64>() * font;
                label_at = [
                    if link.exit == 1 {
                        (vx + 2.0).min(size.width - label_w)
                    } else {
                        (vx - 2.0 - label_w).max(0.0)
                    },
                    cy - line - 1.0,
                ];
            } else if rb == ra + 1 {
                let gy = gap_slot(ra, format!("out{}", link.from));
                points = vec![[ax, a.y + a.h], [ax, gy], [bx, gy], [bx, b.y]];
            } else {
                // A longer jump runs in a channel: right of the lanes going down, left going up.
                let chx = if rb > ra {
                    right_used += 1;
                    right_x + CHANNEL_SLOT * ((right_used - 1) % (right_slots.max(1)) + 1) as f64
                } else {
                    left_used += 1;
                    left - CHANNEL_SLOT * ((left_used - 1) % (left_slots.max(1)) + 1) as f64
                };
                let g1 = gap_slot(ra, format!("out{}", link.from));
                let g2 = if rb == 0 {
                    b.y - 4.0
                } else {
                    gap_slot(rb - 1, format!("in{}", link.to))
                };
                points = vec![
                    [ax, a.y + a.h],
                    [ax, g1],
                    [chx, g1],
                    [chx, g2],
                    [bx, g2],
                    [bx, b.y],
                ];
            }
            points.dedup_by(|p, q| (p[0] - q[0]).abs() < 0.01 && (p[1] - q[1]).abs() < 0.01);
            edges.push(Edge {
                from: link.from.clone(),
                to: link.to.clone(),
                kind: link.kind,
                label: link.label.clone(),
                label_at,
                points,
            });
        }
        pages.push(FlowPage {
            height,
            nodes,
            edges,
        });
    }
    Flow {
        width: size.width,
        font,
        line,
        header,
        lanes,
        records: records_col,
        records_label: words.records.to_owned(),
        pages,
    }
}

/// Resolve a `next` target to a chart step: the step itself, else the first chart step inside
/// it, else the chart step that contains it.
fn resolve_target(items: &[Item], target: &str) -> Option<usize> {
    let target = target.trim();
    items
        .iter()
        .position(|it| it.number == target)
        .or_else(|| {
            items
                .iter()
                .position(|it| it.number.starts_with(&format!("{target}.")))
        })
        .or_else(|| {
            items
                .iter()
                .position(|it| target.starts_with(&format!("{}.", it.number)))
        })
}

/// Render the chart as a Mermaid flowchart (for Markdown), labels escaped for Mermaid.
pub fn mermaid(flow: &Flow) -> String {
    let esc = |s: &str| {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '`' => out.push_str("#96;"),
                '|' => out.push_str("#124;"),
                '[' | ']' | '{' | '}' | '(' | ')' => out.push_str(&format!("#{};", c as u32)),
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
        out
    };
    let key = |id: &str| format!("n{}", id.replace(['.', '?', '\''], "_"));
    let mut nodes: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut edges: Vec<(String, String, String, bool)> = Vec::new();
    for page in &flow.pages {
        for n in &page.nodes {
            if n.kind == "connector" {
                continue;
            }
            if !nodes.contains_key(&n.id) {
                order.push(n.id.clone());
            }
            let text = esc(&n.lines.concat());
            let shape = match n.kind {
                "decision" => format!("{}{{\"{text}\"}}", key(&n.id)),
                "start" | "end" => format!("{}([\"{text}\"])", key(&n.id)),
                "record" => format!("{}[/\"{text}\"/]", key(&n.id)),
                _ => format!("{}[\"{text}\"]", key(&n.id)),
            };
            nodes.insert(n.id.clone(), (n.lanes[0], shape));
        }
        for e in &page.edges {
            let resolve_marker = |id: &str, field: fn(&Edge) -> &String, want_to: bool| -> String {
                if !id.starts_with('c') {
                    return id.to_owned();
                }
                // A marker: find the edge on the other page that continues it.
                let twin = if let Some(base) = id.strip_suffix('\'') {
                    base.to_owned()
                } else {
                    format!("{id}'")
                };
                flow.pages
                    .iter()
                    .flat_map(|p| &p.edges)
                    .find(|o| {
                        if want_to {
                            o.from == twin
                        } else {
                            o.to == twin
                        }
                    })
                    .map(|o| field(o).clone())
                    .unwrap_or_default()
            };
            if e.from.starts_with('c') {
                continue; // drawn from the page where it starts
            }
            let to = resolve_marker(&e.to, |o| &o.to, true);
            edges.push((e.from.clone(), to, e.label.clone(), e.kind == "record"));
        }
    }
    let mut out = String::from("flowchart TD\n");
    for (i, lane) in flow.lanes.iter().enumerate() {
        if !nodes
            .iter()
            .any(|(id, (l, _))| *l == i && !id.starts_with('r'))
        {
            continue; // Mermaid draws no empty lane
        }
        out.push_str(&format!("  subgraph L{i}[\"{}\"]\n", esc(&lane.name)));
        for id in &order {
            if let Some((l, shape)) = nodes.get(id).filter(|(l, _)| *l == i) {
                let _ = l;
                if !id.starts_with('r') {
                    out.push_str(&format!("    {shape}\n"));
                }
            }
        }
        out.push_str("  end\n");
    }
    for id in &order {
        if id.starts_with('r')
            && let Some((_, shape)) = nodes.get(id)
        {
            out.push_str(&format!("  {shape}\n"));
        }
    }
    for (from, to, label, dashed) in edges {
        let arrow = if dashed { "-.-" } else { "-->" };
        if label.is_empty() {
            out.push_str(&format!("  {} {arrow} {}\n", key(&from), key(&to)));
        } else {
            out.push_str(&format!(
                "  {} {arrow}|\"{}\"| {}\n",
                key(&from),
                esc(&label),
                key(&to)
            ));
        }
    }
    out
}

/// Render one chart page as an SVG (for HTML), every text escaped.
pub fn svg(flow: &Flow, page: &FlowPage) -> String {
    use crate::render::markup::html_escape as esc;
    let f = |v: f64| format!("{:.1}", v);
    let mut s = format!(
        "<svg class=\"flow\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-size=\"{fs}\">",
        w = f(flow.width),
        h = f(page.height),
        fs = f(flow.font)
    );
    s.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 6 6\" refX=\"6\" refY=\"3\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#333\"/></marker></defs>");
    for (i, lane) in flow.lanes.iter().enumerate() {
        let fill = if i % 2 == 0 { "#f4f6fa" } else { "#ffffff" };
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#999\" stroke-width=\"0.5\"/>",
            f(lane.x),
            f(lane.w),
            f(page.height)
        ));
        s.push_str(&format!("<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#dde3ee\" stroke=\"#999\" stroke-width=\"0.5\"/>", f(lane.x), f(lane.w), f(flow.header)));
        text_lines(&mut s, flow, &lane.lines, lane.x + lane.w / 2.0, 4.0, true);
    }
    if let Some([x, w]) = flow.records {
        s.push_str(&format!("<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#dde3ee\" stroke=\"#999\" stroke-width=\"0.5\"/>", f(x), f(w), f(flow.header)));
        text_lines(
            &mut s,
            flow,
            std::slice::from_ref(&flow.records_label),
            x + w / 2.0,
            4.0,
            true,
        );
    }
    for e in &page.edges {
        let pts: Vec<String> = e
            .points
            .iter()
            .map(|p| format!("{},{}", f(p[0]), f(p[1])))
            .collect();
        let style = if e.kind == "record" {
            "stroke-dasharray=\"3 2\""
        } else {
            "marker-end=\"url(#arrow)\""
        };
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#333\" stroke-width=\"0.8\" {style}/>",
            pts.join(" ")
        ));
        if !e.label.is_empty() {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
                f(e.label_at[0]),
                f(e.label_at[1] + flow.font),
                f(flow.font),
                esc(&e.label)
            ));
        }
    }
    for n in &page.nodes {
        let (x, y, w, h) = (n.x, n.y, n.w, n.h);
        let shape = match n.kind {
            "decision" => format!(
                "<polygon points=\"{},{} {},{} {},{} {},{}\"",
                f(x + w / 2.0),
                f(y),
                f(x + w),
                f(y + h / 2.0),
                f(x + w / 2.0),
                f(y + h),
                f(x),
                f(y + h / 2.0)
            ),
            "start" | "end" => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"",
                f(x),
                f(y),
                f(w),
                f(h),
                f(h / 2.0)
            ),
            "connector" => format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"",
                f(x + w / 2.0),
                f(y + h / 2.0),
                f(w / 2.0)
            ),
            "record" => format!(
                "<path d=\"M{},{} h{} v{} q{},{} {},0 t{},0 z\"",
                f(x),
                f(y),
                f(w),
                f(h - 4.0),
                f(-w / 4.0),
                f(-6.0),
                f(-w / 2.0),
                f(-w / 2.0)
            ),
            _ => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"",
                f(x),
                f(y),
                f(w),
                f(h)
            ),
        };
        s.push_str(&format!(
            "{shape} fill=\"#fff\" stroke=\"#333\" stroke-width=\"0.8\"/>"
        ));
        let top = y + (h - n.lines.len() as f64 * flow.line) / 2.0
            - if n.kind == "record" { 2.0 } else { 0.0 };
        text_lines(&mut s, flow, &n.lines, x + w / 2.0, top, false);
        if !n.caption.is_empty() {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
                f(x + w + 2.0),
                f(y + h / 2.0 + flow.font / 2.5),
                f(flow.font - 1.0),
                esc(&n.caption)
            ));
        }
    }
    s.push_str("</svg>");
    s
}

fn text_lines(s: &mut String, flow: &Flow, lines: &[String], cx: f64, top: f64, bold: bool) {
    use crate::render::markup::html_escape as esc;
    for (i, l) in lines.iter().enumerate() {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\"{}>{}</text>",
            cx,
            top + (i as f64 + 0.8) * flow.line,
            if bold { " font-weight=\"bold\"" } else { "" },
            esc(l)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(line: &str, font: f64) -> f64 {
        line.chars().map(char_width).sum::<f64>() * font
    }

    #[test]
    fn wrap_keeps_lines_inside_the_width_and_loses_nothing() {
        let text =
            "5.3 这是一个很长的步骤标题,用于检验中文标签在方框内自动换行 ERP system 而不溢出。";
        for room in [30.0, 47.0, 80.0, 200.0] {
            let lines = wrap(text, room, 7.5);
            let squash = |s: &str| s.replace(' ', "");
            assert_eq!(
                squash(&lines.concat()),
                squash(text),
                "nothing lost at {room}"
            );
            for l in &lines {
                assert!(width(l, 7.5) <= room + 1e-9, "{l:?} wider than {room}");
                assert!(
                    !l.starts_with([',', '。']),
                    "{l:?} starts with closing punctuation"
                );
            }
        }
        assert_eq!(wrap("ERP system", 40.0, 7.5), ["ERP", "system"]);
        assert_eq!(wrap("", 40.0, 7.5), [""]);
    }

    #[test]
    fn resolve_target_finds_the_step_its_first_child_or_its_parent() {
        let item = |n: &str| Item {
            number: n.to_owned(),
            label: String::new(),
            lanes: [0, 0],
            next: Vec::new(),
            when: None,
            answers: Vec::new(),
            parallel: false,
            records: Vec::new(),
        };
        let items = [item("5.1"), item("5.2.1"), item("5.2.2"), item("5.3")];
        assert_eq!(resolve_target(&items, "5.3"), Some(3));
        assert_eq!(resolve_target(&items, "5.2"), Some(1));
        assert_eq!(resolve_target(&items, "5.1.4"), Some(0));
        assert_eq!(resolve_target(&items, "5.9"), None);
    }
}
