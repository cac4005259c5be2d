//! Bad input never panics: every hostile file gives one clear diagnostic naming it, and the
//! rest of the set is still checked. The hostile files include a broken symbolic link, a FIFO
//! and an unreadable file, which are made with Unix calls: on Windows this test is not built.
#![cfg(unix)]

mod common;

use std::fs;

use common::{check_json, fixture};

#[test]
fn hostile_files_each_give_one_diagnostic_and_the_rest_is_checked() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path();
    common::copy_dir(&fixture("valid"), root);
    let p = root.join("procedures");

    // Nesting of the very shape the model recurses into (steps within steps), 10,000 deep in
    // flow style and 1,000 deep in block style (block indentation grows quadratically).
    let deep_flow = format!(
        "id: X\nsteps: {}{}\n",
        "[{steps: ".repeat(10_000),
        "]}".repeat(10_000)
    );
    let deep_block: String = (0..1_000)
        .map(|i| format!("{}- steps:\n", "  ".repeat(i)))
        .collect();
    // A billion laughs shaped like steps within steps, so that the model would expand it.
    let mut bomb = String::from("id: QP-B\nsteps:\n  - &l0 {text: lol}\n");
    for level in 1..10 {
        let inner = vec![format!("*l{}", level - 1); 10].join(", ");
        bomb.push_str(&format!("  - &l{level} {{text: lol, steps: [{inner}]}}\n"));
    }
    let huge = format!(
        "id: QP-H\ntitle: 大文件\npurpose: {}\n",
        "很长的文字".repeat(1_400_000)
    );
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty.yaml", Vec::new()),
        (
            "binary.yaml",
            vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe],
        ),
        (
            "gb18030.yaml",
            b"id: QP-G\ntitle: \xce\xc4\xbc\xfe\xbf\xd8\xd6\xc6\n".to_vec(),
        ),
        (
            "tabs.yaml",
            b"id: QP-T\ntitle: x\napproval:\n\tprepared: {name: a, date: 2026-01-01}\n".to_vec(),
        ),
        ("deep-flow.yaml", deep_flow.into_bytes()),
        (
            "deep-block.yaml",
            format!("id: QP-D\nsteps:\n{deep_block}").into_bytes(),
        ),
        ("alias-bomb.yaml", bomb.as_bytes().to_vec()),
        ("huge.yaml", huge.into_bytes()),
        (
            "duplicate-keys.yaml",
            b"id: QP-K\nid: QP-K2\ntitle: x\n".to_vec(),
        ),
        ("number.yaml", b"id: QP-N\ntitle: 123\n".to_vec()),
    ];
    for (name, bytes) in &files {
        fs::write(p.join(name), bytes).unwrap();
    }
    assert!(fs::metadata(p.join("huge.yaml")).unwrap().len() > 20_000_000);
    fs::create_dir(p.join("folder.yaml")).unwrap();
    std::os::unix::fs::symlink(root.join("does-not-exist.yaml"), p.join("broken-link.yaml"))
        .unwrap();
    let fifo_ok = std::process::Command::new("mkfifo")
        .arg(p.join("fifo.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    let locked = p.join("unreadable.yaml");
    fs::write(&locked, "id: QP-U\ntitle: 锁定\npurpose: x\nscope: y\nresponsibilities: []\nsteps: []\nversion: A/0\nstatus: draft\n").unwrap();
    fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let privileged = fs::read(&locked).is_ok();

    let (code, json) = check_json(root, &["--today", "2026-11-27"]);
    assert_eq!(code, 1);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let mut expected: Vec<(&str, &str)> = vec![
        ("empty.yaml", "empty-file"),
        ("binary.yaml", "io-error"),
        ("gb18030.yaml", "io-error"),
        ("tabs.yaml", "yaml-syntax"),
        ("deep-flow.yaml", "yaml-syntax"),
        ("deep-block.yaml", "yaml-syntax"),
        ("alias-bomb.yaml", "yaml-syntax"),
        ("huge.yaml", "io-error"),
        ("duplicate-keys.yaml", "duplicate-key"),
        ("number.yaml", "invalid-value"),
        ("folder.yaml", "io-error"),
        ("broken-link.yaml", "io-error"),
    ];
    if fifo_ok {
        expected.push(("fifo.yaml", "io-error"));
    }
    if privileged {
        eprintln!(
            "note: running as root, so unreadable.yaml can be read; the permission check is skipped"
        );
    } else {
        expected.push(("unreadable.yaml", "io-error"));
    }
    for (name, code) in &expected {
        let file = format!("procedures/{name}");
        let mine: Vec<_> = diagnostics
            .iter()
            .filter(|d| d["file"] == file.as_str())
            .collect();
        assert_eq!(
            mine.len(),
            1,
            "{file}: expected one diagnostic, got {mine:#?}"
        );
        assert_eq!(mine[0]["code"], *code, "{file}: {:#?}", mine[0]);
        let message = mine[0]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && message.len() < 300,
            "{file}: message {message:?}"
        );
    }
    // The set's own documents were still checked, and they are fine.
    for d in diagnostics {
        let file = d["file"].as_str().unwrap();
        assert!(
            !file.starts_with("procedures/QP-7.5") && !file.starts_with("forms/"),
            "unexpected {d:#}"
        );
    }
    let gb = diagnostics
        .iter()
        .find(|d| d["file"] == "procedures/gb18030.yaml")
        .unwrap();
    assert_eq!(
        (gb["line"].as_u64(), gb["column"].as_u64()),
        (Some(2), Some(8)),
        "the first byte that is not UTF-8"
    );
    assert!(gb["help"].as_str().unwrap().contains("GB18030"));
    let tabs = diagnostics
        .iter()
        .find(|d| d["file"] == "procedures/tabs.yaml")
        .unwrap();
    assert_eq!(tabs["line"].as_u64(), Some(4));
    fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
}
