//! The document lifecycle a 文控 runs: numbered controlled copies issued with a stamp on every
//! page, a revision replacing the one they copy, the copies due for recall, the recall recorded,
//! `check` warning about the copy still out, the 文件发放回收登记表, and the archive (with the
//! distribution record) verified.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{docctl, pages, pdftotext, run_in};

fn no_space(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

/// The codes and messages `check --today TODAY` reports for `published/distribution.json`.
fn copy_warnings(set: &Path, today: &str) -> Vec<String> {
    let (_, json) = common::check_json(set, &["--today", today]);
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "copy-not-recalled")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

/// A new set (`docctl init`) with its documents released on 2030-01-10.
fn released_set() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    run_in(&set, &["publish", "--date", "2030-01-10"]);
    (dir, set)
}

fn copy_pdf(set: &Path, n: u32) -> PathBuf {
    set.join(format!("output/copies/QP-7.5-01/QP-7.5-01-A-0-{n:03}.pdf"))
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn copies_are_issued_stamped_recalled_and_registered() {
    let (dir, set) = released_set();

    // Three controlled copies to two departments, one uncontrolled copy to a customer.
    let issue = |args: &[&str]| {
        let mut all = vec!["issue", "QP-7.5-01", "--date", "2030-01-11"];
        all.extend_from_slice(args);
        run_in(&set, &all);
    };
    issue(&["--to", "品质部", "--holder", "张三", "--copies", "2"]);
    issue(&["--to", "生产部", "--holder", "赵六"]);
    issue(&["--to", "顾客", "--uncontrolled"]);
    run_in(
        &set,
        &[
            "issue",
            "QR-7.5-01-01",
            "--to",
            "行政部",
            "--date",
            "2030-01-11",
        ],
    );

    // Each copy is the released PDF with its stamp on every page, and nothing else changed.
    let released = set.join("published/QP-7.5-01/A-0/QP-7.5-01.pdf");
    let released_bytes = fs::read(&released).unwrap();
    let body = no_space(&pdftotext(&released, None));
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/distribution.json")).unwrap())
            .unwrap();
    let copies: Vec<&serde_json::Value> = record["copies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["document"] == "QP-7.5-01")
        .collect();
    assert_eq!(copies.len(), 4);
    for (n, copy) in (1..).zip(copies.iter().copied()) {
        let pdf = copy_pdf(&set, n);
        let number = format!("QP-7.5-01-A/0-{n:03}");
        assert_eq!(copy["copy"], number.as_str());
        assert_eq!(pages(&pdf), pages(&released), "{number}: page count");
        let stamp = copy["stamp"].as_str().unwrap();
        for page in 1..=pages(&pdf) {
            let text = no_space(&pdftotext(&pdf, Some(page)));
            assert!(
                text.contains(&no_space(stamp)),
                "{number} page {page}: {text}"
            );
            assert!(text.contains(&number), "{number} page {page}");
        }
        let text = no_space(&pdftotext(&pdf, None));
        assert_eq!(
            text.replacen(&no_space(stamp), "", pages(&pdf)),
            body,
            "{number}: the copy differs from the release beyond its stamp"
        );
        // The same copy made again is the same bytes.
        let bytes = fs::read(&pdf).unwrap();
        assert_eq!(docctl::stamp::stamp(&released_bytes, stamp).unwrap(), bytes);
        assert_eq!(copy["sha256"], docctl::publish::sha256(&bytes).as_str());
    }
    let stamps: Vec<&str> = copies
        .iter()
        .map(|c| c["stamp"].as_str().unwrap())
        .collect();
    assert!(stamps[0].starts_with("受控副本") && stamps[0].ends_with("品质部 张三"));
    assert!(stamps[2].ends_with("生产部 赵六"));
    assert!(stamps[3].starts_with("非受控\u{3000}仅供参考") && stamps[3].ends_with("顾客"));
    assert!(pdftotext(&copy_pdf(&set, 4), None).contains("仅供参考"));
    // The released PDF itself is untouched.
    run_in(&set, &["publish", "--verify"]);

    // A/1 is approved to take effect on 2030-03-01 and released ahead (待生效): A/0 stays in
    // force until then, and its controlled copies are due for recall 30 days after.
    run_in(
        &set,
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            "发放号",
            "--by",
            "张三",
            "--date",
            "2030-02-01",
        ],
    );
    common::approve(&set, "QP-7.5-01", "prepared", "张三", "2030-02-02");
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", "2030-02-02");
    run_in(
        &set,
        &[
            "approve",
            "QP-7.5-01",
            "--as",
            "approved",
            "--name",
            "王五",
            "--date",
            "2030-02-02",
            "--effective",
            "2030-03-01",
        ],
    );
    let published = run_in(&set, &["publish", "--date", "2030-02-03"]);
    let said = String::from_utf8_lossy(&published.stderr);
    assert!(said.contains("待生效: in force from 2030-03-01"), "{said}");
    assert!(
        said.contains("QP-7.5-01 A/0 is replaced on 2030-03-01: recall its 3 controlled copy(ies)"),
        "{said}"
    );
    let ledger: serde_json::Value =
        serde_json::from_slice(&fs::read(set.join("published/ledger.json")).unwrap()).unwrap();
    let releases = &ledger["documents"]["QP-7.5-01"]["releases"];
    assert_eq!(releases[0]["superseded"]["date"], "2030-03-01");
    assert_eq!(releases[1]["effective"], "2030-03-01");

    // Both shown truthfully against --today: before the date A/0 is in force and A/1 pending.
    let status_rows = |today: &str| -> Vec<String> {
        run_in(
            &set,
            &["list", "--from-ledger", "--to", "csv", "--today", today],
        );
        fs::read_to_string(set.join("output/lists/released/受控文件清单.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.contains("QP-7.5-01,"))
            .map(|l| l.split(',').nth(6).unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        status_rows("2030-02-20"),
        ["受控 · 现行", "待生效 · 生效日期 2030-03-01"]
    );
    assert_eq!(
        status_rows("2030-03-01"),
        ["作废 · 替代版本 A/1 (2030-03-01)", "受控 · 现行"]
    );
    run_in(&set, &["list", "--to", "csv", "--today", "2030-02-20"]);
    let working = fs::read_to_string(set.join("output/lists/受控文件清单.csv")).unwrap();
    assert!(
        working.contains("QP-7.5-01,文件控制程序,A/1,2030-03-01,行政部,待生效,"),
        "{working}"
    );
    let out = dir.path().join("site");
    build_on(&set, &out, "2030-02-20", "pdf,html");
    let stamp = pdftotext(&out.join("procedures/QP-7.5-01.pdf"), Some(1));
    assert!(stamp.contains("待生效"), "{stamp}");
    let page = fs::read_to_string(out.join("procedures/QP-7.5-01.html")).unwrap();
    assert!(
        page.contains("<tr class=\"pending\"><td>A/1</td>"),
        "A/1 pending on the portal"
    );
    assert!(
        page.contains("<tr class=\"current\"><td>A/0</td>"),
        "A/0 in force on the portal"
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("data-status=\"pending\""));

    assert!(
        copy_warnings(&set, "2030-02-20").is_empty(),
        "A/0 still in force"
    );
    assert!(
        copy_warnings(&set, "2030-03-20").is_empty(),
        "within recall_days"
    );
    let due = copy_warnings(&set, "2030-04-15");
    assert_eq!(due.len(), 3, "{due:#?}");
    for n in 1..=3 {
        assert!(
            due.iter()
                .any(|m| m.contains(&format!("QP-7.5-01-A/0-{n:03}")))
        );
    }
    assert!(!due.iter().any(|m| m.contains("A/0-004")), "uncontrolled");

    // Recall two: one by number, one by holder. An uncontrolled copy is never recalled.
    run_in(
        &set,
        &[
            "recall",
            "QP-7.5-01",
            "--copy",
            "1",
            "--by",
            "李四",
            "--date",
            "2030-02-10",
        ],
    );
    run_in(
        &set,
        &[
            "recall",
            "QP-7.5-01",
            "--holder",
            "赵六",
            "--by",
            "李四",
            "--date",
            "2030-02-11",
        ],
    );
    let refused = docctl()
        .args(["recall", "QP-7.5-01", "--copy", "4", "--by", "李四"])
        .current_dir(&set)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("uncontrolled"));
    let due = copy_warnings(&set, "2030-04-15");
    assert_eq!(due.len(), 1, "{due:#?}");
    assert!(due[0].contains("QP-7.5-01-A/0-002") && due[0].contains("品质部 张三"));

    // The register: one row per copy, the signature left blank for paper.
    run_in(&set, &["list", "--to", "csv"]);
    let csv = fs::read_to_string(set.join("output/lists/文件发放回收登记表.csv")).unwrap();
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows,
        [
            "文件编号,名称,版本,发放号,领用部门,领用人,发放日期,签收,回收日期,回收人",
            "QP-7.5-01,文件控制程序,A/0,QP-7.5-01-A/0-001,品质部,张三,2030-01-11,,2030-02-10,李四",
            "QP-7.5-01,文件控制程序,A/0,QP-7.5-01-A/0-002,品质部,张三,2030-01-11,,,",
            "QP-7.5-01,文件控制程序,A/0,QP-7.5-01-A/0-003,生产部,赵六,2030-01-11,,2030-02-11,李四",
            "QP-7.5-01,文件控制程序,A/0,QP-7.5-01-A/0-004（非受控 · 仅供参考）,顾客,,2030-01-11,,,",
            "QR-7.5-01-01,文件发放登记表,A/0,QR-7.5-01-01-A/0-001,行政部,,2030-01-11,,,",
        ]
    );

    // Another document is withdrawn: its controlled copy is recalled, and citing it is an error.
    let withdrawn = run_in(
        &set,
        &[
            "withdraw",
            "QR-7.5-01-01",
            "-m",
            "并入电子系统",
            "--by",
            "王五",
            "--date",
            "2030-04-20",
        ],
    );
    assert!(
        String::from_utf8_lossy(&withdrawn.stderr).contains("recall its 1 controlled copy(ies)")
    );
    let (code, json) = common::check_json(&set, &["--today", "2030-06-01"]);
    assert_eq!(code, 1);
    let cites_it = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "ref-obsolete" && d["file"] == "procedures/QP-7.5-01.yaml");
    assert!(cites_it, "{json:#}");
    let due = copy_warnings(&set, "2030-06-01");
    assert!(
        due.iter()
            .any(|m| m.contains("QR-7.5-01-01-A/0-001") && m.contains("withdrawn on 2030-04-20")),
        "{due:#?}"
    );
    assert!(
        copy_warnings(&set, "2030-05-01")
            .iter()
            .all(|m| !m.contains("QR-7.5-01-01"))
    );

    // The archive with its distribution record verifies; a copy changed afterwards does not.
    run_in(&set, &["publish", "--verify"]);
    let mut bytes = fs::read(copy_pdf(&set, 2)).unwrap();
    bytes.extend_from_slice(b"\n% edited\n");
    fs::write(copy_pdf(&set, 2), bytes).unwrap();
    let out = docctl()
        .args(["publish", "--verify"])
        .current_dir(&set)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("QP-7.5-01-A/0-002"));
}

#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn diff_with_no_options_compares_what_changed_last() {
    let (_dir, set) = released_set();
    let diff = || {
        docctl()
            .args(["diff", "QP-7.5-01", "--format", "html"])
            .current_dir(&set)
            .output()
            .unwrap()
    };
    let only = diff();
    assert_eq!(only.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&only.stderr).contains("only release"));

    run_in(
        &set,
        &[
            "request",
            "new",
            "QP-7.5-01",
            "-m",
            "更改须书面批准",
            "--by",
            "赵六",
            "--date",
            "2030-01-20",
        ],
    );
    run_in(
        &set,
        &[
            "request",
            "approve",
            "CR-2030-001",
            "--by",
            "王五",
            "--date",
            "2030-01-21",
        ],
    );
    run_in(
        &set,
        &[
            "revise",
            "QP-7.5-01",
            "--minor",
            "-m",
            "书面批准",
            "--by",
            "张三",
            "--date",
            "2030-02-01",
            "--request",
            "CR-2030-001",
        ],
    );
    let file = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("经原审批人批准", "经原审批人书面批准")).unwrap();
    // The working copy against the last release.
    let working = diff();
    assert!(working.status.success());
    let said = String::from_utf8_lossy(&working.stderr);
    assert!(said.contains("A/0 → A/1: 1 changed"), "{said}");
    assert!(set.join("output/diff/QP-7.5-01-A-0-A-1.html").is_file());

    common::approve(&set, "QP-7.5-01", "prepared", "张三", "2030-02-02");
    common::approve(&set, "QP-7.5-01", "reviewed", "李四", "2030-02-02");
    common::approve(&set, "QP-7.5-01", "approved", "王五", "2030-02-02");
    run_in(&set, &["publish", "--date", "2030-02-03"]);
    // Released and unchanged: the two last releases, not the release against itself.
    let released = diff();
    assert!(released.status.success());
    let said = String::from_utf8_lossy(&released.stderr);
    assert!(said.contains("A/0 → A/1: 1 changed"), "{said}");
    let html = fs::read_to_string(set.join("output/diff/QP-7.5-01-A-0-A-1.html")).unwrap();
    assert!(html.contains("书面批准"));
    assert!(
        html.contains("书面批准（更改申请 CR-2030-001）"),
        "the redline names the request"
    );
}

#[test]
fn change_requests_are_numbered_decided_and_linked_to_the_revision() {
    let dir = tempfile::TempDir::new().unwrap();
    let set = dir.path().join("qms");
    docctl().arg("init").arg(&set).assert().success();
    let ask = |what: &str| {
        run_in(
            &set,
            &[
                "request",
                "new",
                "QP-7.5-01",
                "-m",
                what,
                "--by",
                "赵六",
                "--date",
                "2030-01-20",
            ],
        )
    };
    ask("发放时登记发放号: 并注明\"受控\"");
    ask("取消纸质发放");
    let first = fs::read_to_string(set.join("requests/CR-2030-001.yaml")).unwrap();
    let second = fs::read_to_string(set.join("requests/CR-2030-002.yaml")).unwrap();
    // The impact list of `refs --impact`, frozen: the form QP-7.5-01 lists.
    assert!(first.contains("QR-7.5-01-01"), "{first}");
    assert!(first.contains("status: open"), "{first}");
    assert!(second.contains("取消纸质发放"));

    // A revision needs an approved request.
    let revise = |cr: &str| {
        docctl()
            .args([
                "revise",
                "QP-7.5-01",
                "--minor",
                "-m",
                "登记发放号",
                "--by",
                "张三",
                "--date",
                "2030-02-01",
                "--request",
                cr,
            ])
            .current_dir(&set)
            .output()
            .unwrap()
    };
    let refused = revise("CR-2030-001");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is open"));
    run_in(
        &set,
        &[
            "request",
            "approve",
            "CR-2030-001",
            "--by",
            "王五",
            "--date",
            "2030-01-25",
        ],
    );
    run_in(
        &set,
        &[
            "request",
            "reject",
            "CR-2030-002",
            "--by",
            "王五",
            "-m",
            "仍需纸质",
            "--date",
            "2030-01-25",
        ],
    );
    let again = docctl()
        .args(["request", "approve", "CR-2030-002", "--by", "王五"])
        .current_dir(&set)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "a decision is final");
    assert!(revise("CR-2030-001").status.success());

    let yaml = fs::read_to_string(set.join("procedures/QP-7.5-01.yaml")).unwrap();
    assert!(yaml.contains("request: CR-2030-001"), "{yaml}");
    let first = fs::read_to_string(set.join("requests/CR-2030-001.yaml")).unwrap();
    assert!(
        first.contains("status: approved") && first.contains("A/1"),
        "{first}"
    );
    let parsed: serde_json::Value = serde_saphyr::from_str(&first).unwrap();
    assert_eq!(parsed["what"], "发放时登记发放号: 并注明\"受控\"");
    assert_eq!(parsed["revisions"][0], "A/1");

    // The history table shows the request; the portal lists the requests still open (none:
    // one approved, one rejected), so a third one is opened to show it.
    ask("增加电子发放");
    let out = dir.path().join("site");
    build_on(&set, &out, "2030-02-02", "html");
    let page = fs::read_to_string(out.join("procedures/QP-7.5-01.html")).unwrap();
    assert!(
        page.contains("登记发放号（更改申请 CR-2030-001）"),
        "history"
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("待处理的更改申请 (1)"), "open requests");
    assert!(index.contains("<td>CR-2030-003</td>") && !index.contains("<td>CR-2030-002</td>"));
}

/// Build the set into `out` as on `today`, in the formats `to`; panic with stderr on failure.
fn build_on(set: &Path, out: &Path, today: &str, to: &str) {
    let built = docctl()
        .arg("build")
        .arg(set)
        .arg("--out")
        .arg(out)
        .args(["--today", today, "--to", to])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// `kill -9` at a random moment of `docctl issue` (3 copies) or `docctl recall`, 20 rounds
/// (DOCCTL_KILL_ROUNDS to change): after each, `publish --recover` (when a lock was left) and
/// `publish --verify` succeed, the distribution record reads back whole, its copies of the
/// revision are numbered 1…n without a gap or a repeat, every recorded copy's PDF is there with
/// the recorded hash, and every recall names a recorded copy. A copy PDF written by a killed
/// run but not recorded is written again, under the same number, by the next issue.
#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn random_kills_of_issue_and_recall_leave_a_whole_distribution_record() {
    let rounds: u64 = std::env::var("DOCCTL_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let (_dir, set) = released_set();
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut killed, mut finished) = (0, 0);
    for round in 0..rounds {
        let recall = round % 3 == 2;
        let args: Vec<&str> = if recall {
            let by = ["recall", "QP-7.5-01", "--holder", "品质部", "--by", "李四"];
            by.into_iter().chain(["--date", "2030-01-12"]).collect()
        } else {
            let to = ["issue", "QP-7.5-01", "--to", "品质部", "--copies", "3"];
            to.into_iter().chain(["--date", "2030-01-11"]).collect()
        };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docctl"))
            .args(&args)
            .current_dir(&set)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let wait = next() % 400;
        std::thread::sleep(std::time::Duration::from_millis(wait));
        match child.try_wait().unwrap() {
            Some(status) => {
                let log = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
                // A recall with nothing outstanding is refused, and says so.
                assert!(
                    status.success() || recall && log.contains("品质部"),
                    "round {round}: {args:?} failed: {log}"
                );
                finished += 1;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
            }
        }
        let locked = fs::read_dir(set.join("published")).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".lock")
        });
        if locked {
            run_in(&set, &["publish", "--recover"]);
        }
        run_in(&set, &["publish", "--verify"]);
        let record: serde_json::Value = serde_json::from_slice(
            &fs::read(set.join("published/distribution.json"))
                .unwrap_or(br#"{"copies": [], "recalls": []}"#.to_vec()),
        )
        .unwrap_or_else(|e| panic!("round {round}: the record does not read back: {e}"));
        let copies = record["copies"].as_array().unwrap();
        for (i, copy) in copies.iter().enumerate() {
            assert_eq!(copy["number"], i as u64 + 1, "round {round}: {copy}");
            let pdf = fs::read(copy_pdf(&set, i as u32 + 1))
                .unwrap_or_else(|e| panic!("round {round}: copy {} has no PDF: {e}", i + 1));
            assert_eq!(
                copy["sha256"].as_str().unwrap(),
                docctl::publish::sha256(&pdf),
                "round {round}: copy {} is not the PDF recorded",
                i + 1
            );
        }
        for recall in record["recalls"].as_array().unwrap() {
            assert!(
                copies.iter().any(|c| c["copy"] == recall["copy"]),
                "round {round}: a recall of a copy never recorded: {recall}"
            );
        }
    }
    eprintln!("{rounds} rounds: {killed} killed, {finished} finished");
    assert_eq!(killed + finished, rounds);
}

/// 文件发放回收登记表, which `docctl list` writes once copies are issued, can be cited then — and
/// not before, when no such register exists.
#[test]
#[cfg_attr(docctl_no_typst, ignore = "needs typst: run scripts/setup.sh")]
fn the_copy_register_is_citable_once_copies_are_issued() {
    let (_dir, set) = released_set();
    let file = set.join("procedures/QP-7.5-01.yaml");
    let text = fs::read_to_string(&file).unwrap();
    let cite = |set: &Path| {
        let cited = text.replace(
            "related: [《质量管理体系 要求》]",
            "related: [《质量管理体系 要求》, 《文件发放回收登记表》]",
        );
        assert_ne!(cited, text);
        fs::write(&file, cited).unwrap();
        let (_, json) = common::check_json(set, &["--today", "2030-01-12"]);
        let unresolved: Vec<String> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "ref-unresolved")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect();
        fs::write(&file, &text).unwrap();
        unresolved
    };
    let before = cite(&set);
    assert!(
        before.iter().any(|m| m.contains("文件发放回收登记表")),
        "{before:?}"
    );
    run_in(
        &set,
        &[
            "issue",
            "QP-7.5-01",
            "--to",
            "品质部",
            "--date",
            "2030-01-11",
        ],
    );
    assert_eq!(cite(&set), Vec::<String>::new());
}
