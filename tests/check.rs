//! `gongkai check` and the command line: links, anchors, JSON, exit codes, help by locale.

mod common;

use common::Site;
use std::process::Command;

fn gongkai(args: &[&str], lang: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap()
}

fn fixture() -> Site {
    let site = Site::new();
    site.case("a", "", "## 第一节\n\n正文。");
    site.case(
        "b",
        "",
        "见[甲案例](../a/)和[第一节](../a/#第一节)。\n\n[坏链接](../nowhere/)\n\n[坏锚点](../a/#第九节)，[外部](https://www.12371.cn/)\n\n![图](../../images/none.png)",
    );
    site
}

#[test]
fn broken_links_and_anchors_name_file_and_line() {
    let site = fixture();
    site.build_ok();
    let report = gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap();
    let found: Vec<(String, usize, bool)> = report
        .diagnostics
        .iter()
        .map(|d| (d.path.to_string_lossy().into_owned(), d.line, d.message.contains("anchor")))
        .collect();
    assert_eq!(
        found,
        [
            ("content/cases/b.md".to_string(), 8, false),
            ("content/cases/b.md".to_string(), 10, true),
            ("content/cases/b.md".to_string(), 12, false),
        ],
        "{:#?}",
        report.diagnostics
    );
    assert_eq!(report.external_links.len(), 1);
    assert_eq!(report.external_links[0].url, "https://www.12371.cn/");
}

#[test]
fn check_exits_one_with_a_count_and_speaks_json() {
    let site = fixture();
    let root = site.root().to_str().unwrap();
    let out = gongkai(&["check", "--root", root], "C");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 problem(s) found"), "{stderr}");
    assert!(!site.out().exists(), "check writes nothing");
    let out = gongkai(&["check", "--root", root, "--format", "json"], "C");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 3);
    assert_eq!(json["diagnostics"][0]["path"], "content/cases/b.md");
    site.file("content/cases/b.md", "+++\ntitle = \"b\"\npublisher = \"x\"\n+++\n正文。\n");
    assert_eq!(gongkai(&["check", "--root", root], "C").status.code(), Some(0));
}

#[test]
fn help_follows_the_locale() {
    for command in
        ["build", "check", "serve", "new", "init", "release", "verify", "keygen", "import", "export"]
    {
        let zh = String::from_utf8(gongkai(&[command, "--help"], "zh_CN.UTF-8").stdout).unwrap();
        let en = String::from_utf8(gongkai(&[command, "--help"], "en_US.UTF-8").stdout).unwrap();
        assert!(zh.contains("示例："), "{command} has no Chinese example:\n{zh}");
        assert!(en.contains("Example: "), "{command} has no English example:\n{en}");
        assert_ne!(zh, en);
    }
    let zh = String::from_utf8(gongkai(&["build", "--help"], "zh_CN.UTF-8").stdout).unwrap();
    assert!(zh.contains("输出目录"), "{zh}");
}
