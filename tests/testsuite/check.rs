//! `gongkai check` and the command line: links, anchors, JSON, exit codes, help by locale;
//! and the inputs kept from the fuzz runs, each of which must give a result, never a panic.

// the fuzz targets' own code, so that a kept input runs here as it ran under the fuzzer
#[path = "../../fuzz/src/lib.rs"]
mod fuzz;

use crate::common::Site;
use std::path::Path;
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
    // issue 15: both cases are at cases/2020/…, so ../a/ is case a's address
    site.case("a", "slug = \"a\"", "## 第一节\n\n正文。");
    site.case(
        "b",
        "",
        "见[甲案例](../a/)和[第一节](../a/#第一节)，[回到顶部](#top)。\n\n[坏链接](../nowhere/)\n\n[坏锚点](../a/#第九节)，[外部](https://www.12371.cn/)\n\n![图](../../images/none.png)",
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
    site.file(
        "content/cases/b.md",
        "+++\ntitle = \"b\"\npublisher = \"x\"\ndate = 2020-01-01\n+++\n正文。\n",
    );
    assert_eq!(gongkai(&["check", "--root", root], "C").status.code(), Some(0));
}

/// Found by a hostile review: `check` checked the public edition only, so a broken link on a
/// party-only notice was found only by building the party edition. Both are checked unless
/// `--audience` names one.
#[test]
fn check_looks_at_both_editions_unless_told_one() {
    let site = Site::new();
    site.case("a", "slug = \"a\"", "正文。");
    site.file(
        "content/disclosures/inner.md",
        "+++\ntitle = \"内部通知\"\norg = \"示范村党支部\"\ncategory = \"党费收缴使用\"\npublished = 2024-10-10\naudience = \"party\"\n+++\n见[不存在的页面](../nowhere/)。\n",
    );
    let root = site.root().to_str().unwrap();
    let count = |extra: &[&str]| {
        let out = gongkai(&[&["check", "--root", root, "--format", "json"], extra].concat(), "C");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        let found = json["diagnostics"].as_array().unwrap().clone();
        assert!(found.iter().all(|d| d["path"] == "content/disclosures/inner.md"), "{found:?}");
        (found.len(), out.status.code())
    };
    assert_eq!(count(&[]), (1, Some(1)), "both editions by default");
    assert_eq!(count(&["--audience", "party"]), (1, Some(1)));
    assert_eq!(count(&["--audience", "public"]), (0, Some(0)), "the public edition has no such page");
    assert_eq!(count(&["--audience", "both", "--as-of", "2024-12-01"]), (1, Some(1)));
}

/// Found by a hostile review: `check` printed the external links it lists, and `import
/// --dry-run` the entries it would write, as they were, so a link or an entry could act on the
/// terminal (an escape sequence, a bidi override).
#[test]
fn links_and_import_previews_are_shown_not_sent_to_the_terminal() {
    let site = Site::new();
    site.case("a", "", "[外部](https://example.com/\u{9b}2J\u{202e})");
    let root = site.root().to_str().unwrap();
    let out = gongkai(&["check", "--root", root], "C");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(r"https://example.com/\u{9b}2J\u{202e}"), "{stderr}");
    assert!(!stderr.contains('\u{9b}') && !stderr.contains('\u{202e}'), "{stderr:?}");
    let bulletin = site.root().join("b.txt");
    std::fs::write(&bulletin, "[发布者]甲部\n[日期]2024-06-01\n[亮点]标题\n[举措]做\u{202e}法\u{9b}。\n")
        .unwrap();
    let into = site.root().join("imported");
    let out = gongkai(
        &["import", "bulletin", bulletin.to_str().unwrap(), "--into", into.to_str().unwrap(), "--dry-run"],
        "C",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(r"做\u{202e}法\u{9b}。"), "{stdout}");
    assert!(!stdout.contains('\u{9b}') && !stdout.contains('\u{202e}'), "{stdout:?}");
}

#[test]
fn check_speaks_json_when_the_site_cannot_be_checked() {
    let site = fixture();
    site.file("themes/default/templates/404.html", "{{ \"a\" | round }}");
    let root = site.root().to_str().unwrap();
    let out = gongkai(&["check", "--root", root, "--format", "json"], "zh_CN.UTF-8");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let error = json["error"].as_str().unwrap();
    assert!(error.contains("404.html") && error.contains("过滤器 `round`"), "{error}");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    // and the terminal still reads it
    assert!(String::from_utf8_lossy(&out.stderr).contains("过滤器 `round`"));
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
    // clap's own headings too (issue 16)
    assert!(zh.contains("用法：gongkai build") && zh.contains("选项：\n") && zh.contains("显示帮助"), "{zh}");
    assert!(!zh.contains("Usage:") && !zh.contains("Options:") && !zh.contains("Print help"), "{zh}");
    let top = String::from_utf8(gongkai(&["--help"], "zh_CN.UTF-8").stdout).unwrap();
    assert!(top.contains("命令：\n") && !top.contains("Commands:"), "{top}");
    let en = String::from_utf8(gongkai(&["build", "--help"], "en_US.UTF-8").stdout).unwrap();
    assert!(en.contains("Usage:") && en.contains("Options:"), "{en}");
}

/// Issue 16: a skeleton from `gongkai new` cannot be published unchanged: build and check
/// name each blank with its file and line; once the blanks are written, it builds.
#[test]
fn a_skeleton_from_new_is_refused_until_its_blanks_are_filled() {
    let site = Site::new();
    site.case("a", "", "正文。");
    let day = gongkai::text::parse_date("2025-01-06").unwrap();
    let title = "某村党支部2024年第四季度党费收缴使用情况公示";
    let path =
        gongkai::scaffold::new_entry(site.root(), gongkai::content::Kind::Disclosure, title, day).unwrap();
    let rel = path.strip_prefix(site.root()).unwrap().to_path_buf();
    let errors = site.build_err();
    let blanks: Vec<_> = errors.iter().filter(|d| d.message.contains("（待填写")).collect();
    assert_eq!(blanks.len(), 3, "org, contact and the body: {errors:?}");
    assert!(blanks.iter().all(|d| d.path == rel && d.line > 0), "{blanks:?}");
    assert!(blanks.iter().any(|d| d.message.contains("`contact`")), "{blanks:?}");
    let checked = gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap().diagnostics;
    assert_eq!(checked.iter().filter(|d| d.message.contains("（待填写")).count(), 3, "check refuses it too");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = text
        .replace("（待填写：发布单位全称）", "某村党支部委员会")
        .replace("（待填写：监督电话或联系地址）", "监督地址：镇党委组织办")
        .replace("（待填写：正文：依据、内容、公示期、反映方式）", "现将本季度党费收缴使用情况公示如下。");
    std::fs::write(&path, filled).unwrap();
    site.build_ok();
    let html = site.read("disclosures/2025-01-06-某村党支部2024年第四季度党费收缴使用情况公示/index.html");
    assert!(
        html.contains("党费收缴使用") && html.contains("2024年第四季度"),
        "category and period from the title"
    );
}

/// Every input kept in tests/fuzz_regressions/TARGET/ (the crashes the fuzzer found, and a
/// small part of its corpus) through its target again: each returns, Ok or Err.
#[test]
fn fuzz_regressions_return() {
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    for (target, run) in fuzz::TARGETS {
        let mut files: Vec<_> = std::fs::read_dir(kept.join(target))
            .unwrap_or_else(|e| panic!("tests/fuzz_regressions/{target}: {e}"))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "nothing kept for {target}");
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let returned = std::panic::catch_unwind(|| run(&bytes));
            assert!(returned.is_ok(), "{target} panics on {}", file.display());
        }
    }
}

/// What the fuzz targets build their inputs on is itself valid, so that the fuzzer reaches the
/// shortcodes, the notice arithmetic and the catalogue rather than only their error paths.
#[test]
fn fuzz_fixtures_are_valid() {
    use gongkai::data::Datasets;
    use std::path::PathBuf;
    let csv = |name: &str, text: &str| Datasets::parse(&[(PathBuf::from(name), text.as_bytes().to_vec())]);
    let (sets, problems) = csv("data/x.csv", fuzz::SHORTCODE_CSV);
    assert!(problems.is_empty() && sets.len() == 1, "{problems:?}");
    let (orgs, problems) = csv("data/orgs.csv", fuzz::ORGS_CSV);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(matches!(gongkai::resolve::orgs::OrgTree::from_data(&orgs), Some(Ok(_))));
    let text = fuzz::disclosure("2024Q3", "2024-09-30", "", "5", "true");
    let calendar = gongkai::config::Calendar::default();
    let ctx = gongkai::content::ParseContext::new(&calendar);
    let page = gongkai::content::parse(Path::new("content/disclosures/x.md"), &text, ctx).unwrap();
    let gongkai::content::Extra::Disclosure(d) = page.extra else { panic!("not a disclosure") };
    assert_eq!(
        d.notice.map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2024-09-30".into(), "2024-10-04".into()))
    );
}

// a hostile tester: `cd empty && gongkai build` said "built 0 pages" and left public/ behind
#[test]
fn a_folder_that_is_no_site_is_refused() {
    let empty = tempfile::tempdir().unwrap();
    let root = empty.path().to_str().unwrap();
    for (command, lang, said) in [
        ("check", "C", "is not a gongkai site: it has no site.toml and no content/ folder"),
        ("build", "C", "run gongkai init DIR, or pass --root"),
        ("check", "zh_CN.UTF-8", "不是 gongkai 网站"),
    ] {
        let out = gongkai(&[command, "--root", root], lang);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{command}: {stderr}");
        assert!(stderr.contains(said), "{command} {lang}: {stderr}");
    }
    assert!(!empty.path().join("public").exists(), "no public/ is made");
}

// lib::build takes its staging folder and cache before the pipeline loads the site; the lead
// wires `load::ensure_site` in at its start
#[test]
fn a_build_in_a_folder_that_is_no_site_writes_nothing() {
    let empty = tempfile::tempdir().unwrap();
    let out = gongkai(&["build", "--root", empty.path().to_str().unwrap()], "C");
    assert_ne!(out.status.code(), Some(0));
    let left: Vec<_> = std::fs::read_dir(empty.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

// found by a hostile review: a public page's link to a party-only case was called only broken,
// which sends the editor looking for a typo
#[test]
fn a_link_to_a_party_only_page_is_said_for_what_it_is() {
    let site = Site::new();
    site.case("inner", "slug = \"inner\"\ndate = 2024-03-01\naudience = \"party\"", "内部掌握的做法。");
    site.case(
        "open",
        "slug = \"open\"\ndate = 2024-03-02",
        "参见[内部做法](../inner/)，以及[不存在的页](../nowhere/)。",
    );
    let report = gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap();
    let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("../inner/") && m.contains("only party members")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("../nowhere/") && m.contains("leads to no page")),
        "{messages:?}"
    );
    let mut party = gongkai::BuildOptions::new(site.root());
    party.audience = gongkai::Audience::Party;
    assert!(gongkai::check(&party).unwrap().diagnostics.iter().all(|d| !d.message.contains("../inner/")));
}
