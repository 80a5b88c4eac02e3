//! Issue 16, a Chinese command line: the real binary, run under `LANG=zh_CN.UTF-8` over broken
//! sites and broken command lines, says every message and hint in Chinese; under `LANG=C` the
//! same runs say them in English. What counts as English is a run of three or more ASCII
//! letters outside backticks, quotes, paths, URLs, options and the identifiers a user types.

use crate::common::Site;
use std::path::Path;
use std::process::Command;

/// Runs `gongkai ARGS` in `dir` under `lang`, with nothing else in the environment choosing
/// the language; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str], lang: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .current_dir(dir)
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("UTF-8 output");
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// Words a Chinese message may carry as they are: what the user types or sees on screen
/// (commands, keys and values of site.toml and front matter, formats, programs).
const KNOWN: &[&str] = &[
    // programs, formats and standards
    "gongkai",
    "UTF",
    "CSV",
    "TOML",
    "YAML",
    "JSON",
    "WPS",
    "Excel",
    "Word",
    "Office",
    "PDF",
    "SHA",
    "Unicode",
    "WebSocket",
    "Ctrl",
    "iconv",
    "localhost",
    "NUL",
    "GBK",
    "zip",
    // keys and values the messages tell the user to write
    "title",
    "publisher",
    "slug",
    "theme",
    "audience",
    "public",
    "party",
    "org",
    "category",
    "period",
    "published",
    "contact",
    "date",
    "year",
    "true",
    "false",
    "paginate",
    "language",
    "holidays",
    "workdays",
    "calendar",
    "required",
    "every",
    "since",
    "orgs",
    "kind",
    "bar",
    "stacked",
    "pie",
    "data",
    "row",
    "col",
    "format",
    "text",
    "json",
    "table",
    "csv",
    "reason",
    "approved",
    "checked",
    "approval",
    "revisions",
    "case",
    "disclosure",
    "review",
    "page",
    "month",
    "quarter",
    "chart",
    "columns",
    "unit",
    "source",
    "description",
    "templates",
    "static",
    "build",
    "check",
    "serve",
    "import",
    "bulletin",
    "docx",
    "release",
    "verify",
    "init",
    "new",
    "report",
    "export",
    "keygen",
    "mask",
    "stat",
    "merge",
    "shard",
    "auto",
];

/// The English words in `line` outside what a Chinese message may quote.
fn english_words(line: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut closing: Option<char> = None;
    for c in line.chars() {
        match closing {
            Some(end) if c == end => closing = None,
            Some(_) => {}
            None => match c {
                '`' => closing = Some('`'),
                '"' => closing = Some('"'),
                '「' => closing = Some('」'),
                '“' => closing = Some('”'),
                _ => plain.push(c),
            },
        }
    }
    let mut found = Vec::new();
    // a token is a run of ASCII between spaces and Chinese text
    for token in plain.split(|c: char| c.is_whitespace() || !c.is_ascii()) {
        let path_like = token.contains(['/', '\\', '.', '=', '_', '#', '@', '<', '['])
            || token.starts_with('-')
            || token.contains("://");
        if path_like {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if word.len() >= 3 && !KNOWN.iter().any(|k| k.eq_ignore_ascii_case(word)) {
                found.push(word.to_string());
            }
        }
    }
    found
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// One broken site or command line: what the binary is asked, in which folder.
struct Case {
    name: &'static str,
    dir: std::path::PathBuf,
    args: Vec<String>,
    /// What the English run must say, to be sure the case reaches the message meant.
    english: &'static str,
}

/// Every kind of problem the suite covers. The sites are kept alive by the caller.
fn cases(sites: &mut Vec<Site>) -> Vec<Case> {
    let mut out = Vec::new();
    let mut site = |f: &dyn Fn(&Site)| {
        let s = Site::new();
        f(&s);
        sites.push(s);
        sites.last().unwrap().root().to_path_buf()
    };
    let at = |dir: std::path::PathBuf, name: &'static str, args: &[&str], english: &'static str| Case {
        name,
        dir,
        args: args.iter().map(|a| a.to_string()).collect(),
        english,
    };

    // front matter: unclosed, bad TOML, bad YAML, none at all, an unknown key, a wrong type
    let dir = site(&|s| {
        s.file("content/cases/a.md", "+++\ntitle = \"甲\"\npublisher = \"某县\"\n正文\n");
        s.file("content/cases/b.md", "+++\ntitle = \"乙\"\ndate = =\n+++\n正文\n");
        s.file("content/cases/c.md", "---\ntitle: [丙\npublisher: 某县\n---\n正文\n");
        s.file("content/cases/d.md", "只有正文，没有文件头。\n");
        s.case("e", "titel = \"戊\"", "正文。");
        s.case("f", "tags = 3", "正文。");
        s.case("g", "date = \"2024-13-01\"", "正文。");
        s.case("h", "lang = \"en\"", "正文。");
    });
    out.push(at(dir.clone(), "front matter", &["check"], "is never closed"));
    out.push(at(dir, "front matter, build", &["build"], "nothing was written"));

    // links and anchors (checked once the site builds)
    let dir = site(&|s| {
        s.case("a", "", "## 第一节\n\n正文。");
        s.case("b", "", "[坏链接](../nowhere/)\n\n[坏锚点](../a/#第九节)\n\n![图](../../images/none.png)\n");
    });
    out.push(at(dir, "links", &["check"], "leads to no page"));
    // unsafe links, heading attributes, a placeholder, a control character
    let dir = site(&|s| {
        s.case("b", "", "[脚本](javascript:alert(1))\n\n## 标题 {onclick=x}\n");
        s.case("c", "", "（待填写：正文）");
        s.case("d", "", "控制\u{1}字符");
    });
    out.push(at(dir, "unsafe text", &["check"], "is still to be filled in"));

    // personal numbers: in the text, in a file name, in a CSV cell, in privacy_allow
    let dir = site(&|s| {
        s.case("a", "", "联系电话 13812345678。");
        s.case("b13912345678", "", "正文。");
        s.case("c", "privacy_allow = [\"12345\"]", "正文。");
        s.file("data/m.csv", "姓名,身份证号\n张三,11010519491231002X\n");
    });
    out.push(at(dir, "personal numbers", &["check"], "must not be published"));

    // CSV and shortcodes: field count, a bad figure, two columns of one name, an empty file,
    // an unknown column, row and file, a malformed and an unknown shortcode, a bad chart
    let dir = site(&|s| {
        s.file("data/a.csv", "年份,党员总数(名)\n2020,12..3万\n2021,1,2\n");
        s.file("data/b.csv", "年份,年份\n2020,1\n");
        s.file("data/c.csv", "");
        s.file("data/d.csv", "年份,数量\n2020,5\n2021,-3\n");
        s.file("data/e.toml", "title = \"没有表格的说明\"\n");
        s.file("data/f.csv", "年份,数量\n2020,5\n");
        s.file("data/f.toml", "titel = \"x\"\n");
        s.case(
            "a",
            "",
            "{{ stat(data=\"d.csv\", row=\"2030\", col=\"数量\") }}\n\n{{ stat(data=\"d.csv\", row=\"2020\", col=\"人数\") }}\n\n{{ table(data=\"nothere.csv\") }}\n\n{{ chart(data=\"d.csv\" kind=\"bar\") }}\n\n{{ radar(data=\"d.csv\") }}\n\n{{ chart(data=\"d.csv\", kind=\"pie\") }}\n\n{{ chart(data=\"d.csv\", kind=\"donut\") }}\n\n{{ stat(data=\"d.csv\", row=\"2020\", col=\"数量\", format=\"hex\") }}\n",
        );
        s.bytes("data/g.et", b"not a sheet");
    });
    out.push(at(dir.clone(), "data", &["check"], "fields but the first line names"));
    out.push(at(dir, "data, JSON", &["check", "--format", "json"], "\"diagnostics\""));

    // site.toml: not TOML at all
    let dir = site(&|s| {
        s.file("site.toml", "title = \"x\nbase_url = 3\n");
    });
    out.push(at(dir, "site.toml syntax", &["build"], "cannot be read"));

    // site.toml: unknown keys, wrong types, a bad calendar, a bad [[required]], a language
    let dir = site(&|s| {
        s.file(
            "site.toml",
            "title = \"x\"\npaginat = 3\npaginate = \"十\"\nlanguage = \"en\"\nrequire_review = \"yes\"\n[calendar]\nholiday = [\"2024-10-01\"]\nholidays = [\"2024-10-07/2024-10-01\", \"明天\", \"1900-01-01\"]\nworkdays = [\"2024-01-01/2024-12-31\"]\n[[required]]\ncategory = \"党费\"\nevery = \"week\"\n",
        );
        s.case("a", "", "正文。");
    });
    out.push(at(dir, "site.toml values", &["check"], "unknown key `paginat`"));

    // a theme named but missing; a theme whose template extends one that is not there
    let dir = site(&|s| {
        s.file("site.toml", "title = \"x\"\ntheme = \"mytheme\"\n");
        s.case("a", "", "正文。");
    });
    out.push(at(dir, "missing theme", &["build"], "there is no folder themes/mytheme/"));
    let dir = site(&|s| {
        s.file("themes/default/templates/page.html", "{% extends \"nothere.html\" %}");
        s.case("a", "", "正文。");
    });
    out.push(at(dir, "broken template", &["build"], "templates have an error"));
    // what a theme's author meets most: a filter given the wrong value or argument, a macro
    // namespace not imported, an include of a template that is not there
    for (name, template, english) in [
        ("filter value", "{{ \"a\" | round }}", "was called on an incorrect value"),
        ("filter argument", "{{ \"abc\" | truncate(length=\"x\") }}", "incorrect type for arg"),
        ("macro namespace", "{{ self::nope() }}", "was not found in template"),
        ("include", "{% include \"nosuch.html\" %}", "not found"),
    ] {
        let dir = site(&|s| {
            s.file("themes/default/templates/404.html", template);
            s.case("a", "", "正文。");
        });
        out.push(at(dir, name, &["build"], english));
    }

    // disclosures: category, period, dates, notice window, audience, revisions, approval, an
    // organisation not in the list, a loop in the list, a year without a calendar (a warning)
    let dir = site(&|s| {
        let d = |name: &str, front: &str| {
            s.file(
                &format!("content/disclosures/{name}.md"),
                &format!("+++\ntitle = \"{name}公示\"\norg = \"某村党支部\"\ncategory = \"党费收缴使用\"\npublished = \"2024-10-01\"\n{front}\n+++\n正文。\n"),
            );
        };
        d("a", "period = \"2024Q5\"\nnotice_days = 0");
        d("b", "notice_from = \"2024-10-08\"\nnotice_to = \"2024-10-01\"\naudience = \"everyone\"");
        d("c", "working_days = true\n[[revisions]]\ndate = \"昨天\"\nreason = \"\"");
        d("d", "[approval]\nproposed = { by = \"支部委员会\", date = 2024-09-20 }\napproved = { by = \"书记\", date = 2024-09-10 }");
        s.file(
            "content/disclosures/e.md",
            "+++\ntitle = \"e\"\norg = \"\"\ncategory = \"党费\"\npublished = \"2024/02/30\"\n+++\n正文。\n",
        );
    });
    out.push(at(dir, "disclosures", &["check"], "unknown category"));
    let dir = site(&|s| {
        s.file(
            "data/orgs.csv",
            "名称,上级\n甲镇党委,\n某村党支部,乙镇党委\n丙村党支部,丁村党支部\n丁村党支部,丙村党支部\n",
        );
        s.file(
            "content/disclosures/a.md",
            "+++\ntitle = \"公示\"\norg = \"某某党支部\"\ncategory = \"党费收缴使用\"\npublished = \"2024-10-01\"\n+++\n正文。\n",
        );
    });
    out.push(at(dir, "organisations", &["check"], "is not in the list"));
    let dir = site(&|s| {
        s.file(
            "content/disclosures/a.md",
            "+++\ntitle = \"公示\"\norg = \"某村党支部\"\ncategory = \"党费收缴使用\"\npublished = \"2031-12-28\"\nnotice_days = 5\n+++\n正文。\n",
        );
    });
    out.push(at(dir, "no calendar", &["build", "--out", "out"], "no holiday calendar"));

    // a file that is not UTF-8
    let dir = site(&|s| {
        s.bytes(
            "content/cases/a.md",
            b"+++\ntitle = \"\xd6\xd0\xce\xc4\"\npublisher = \"x\"\n+++\n\xd5\xfd\xce\xc4\n",
        );
    });
    out.push(at(dir, "encoding", &["check"], "not UTF-8"));

    // commands: verify without a manifest, an unsafe --out, a bad version, new and init
    // refused, imports refused, a report without an organisation list
    let dir = site(&|s| {
        s.case("a", "", "正文。");
        s.file("bulletin.txt", "这不是通报。\n");
        s.file("word.docx", "这不是 Word 文档。");
        s.file("taken/x.txt", "已有文件");
    });
    out.push(at(dir.clone(), "verify without manifest", &["verify", "."], "run gongkai build first"));
    out.push(at(dir.clone(), "a bad shard", &["build", "--shard", "9/8"], "--shard takes K/N"));
    out.push(at(dir.clone(), "merge of no shard", &["merge", "taken"], "is not a shard folder"));
    out.push(at(dir.clone(), "unsafe out", &["build", "--out", "content"], "refusing to build into"));
    out.push(at(dir.clone(), "bad version", &["release", "a/b", "--note", "说明"], "cannot name a release"));
    out.push(at(dir.clone(), "new without a name", &["new", "case", "！！！"], "no letters or characters"));
    out.push(at(dir.clone(), "new of an unknown kind", &["new", "memo", "标题"], "invalid value 'memo'"));
    out.push(at(dir.clone(), "init into a full folder", &["init", "taken"], "is not empty"));
    out.push(at(
        dir.clone(),
        "import no markers",
        &["import", "bulletin", "bulletin.txt", "--dry-run"],
        "no bulletin entries",
    ));
    out.push(at(
        dir.clone(),
        "import not a docx",
        &["import", "docx", "word.docx", "--dry-run"],
        "not a Word document",
    ));
    out.push(at(
        dir.clone(),
        "import bad date",
        &["import", "bulletin", "bulletin.txt", "--date", "明天"],
        "is not a date",
    ));
    out.push(at(dir.clone(), "report without orgs", &["report"], "no organisation list"));
    out.push(at(
        dir.clone(),
        "bad audience",
        &["build", "--audience", "everyone"],
        "invalid value 'everyone'",
    ));
    out.push(at(dir.clone(), "bad format", &["check", "--format", "xml"], "invalid value 'xml'"));
    out.push(at(dir.clone(), "bad --as-of", &["build", "--as-of", "明天"], "is not a date"));
    out.push(at(dir.clone(), "missing key file", &["build", "--key", "nothere.key"], "reading"));

    // the command line itself: clap's parse errors
    out.push(at(dir.clone(), "unknown command", &["biuld"], "unrecognized subcommand"));
    out.push(at(dir.clone(), "unknown flag", &["build", "--frob"], "unexpected argument"));
    out.push(at(dir.clone(), "bad port", &["serve", "--port", "abc"], "invalid value"));
    out.push(at(
        dir.clone(),
        "missing argument",
        &["release", "2024"],
        "required arguments were not provided",
    ));
    out.push(at(dir.clone(), "extra argument", &["new", "case", "三会", "一课"], "unexpected argument"));
    out.push(at(dir, "missing value", &["build", "--root"], "a value is required"));
    out
}

#[test]
fn every_message_is_chinese_under_a_chinese_locale_and_english_otherwise() {
    let mut sites = Vec::new();
    let all = cases(&mut sites);
    let mut failures = Vec::new();
    let mut lines_checked = 0;
    for c in &all {
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let (zh_code, zh_out, zh_err) = run(&c.dir, &args, "zh_CN.UTF-8");
        let (en_code, en_out, en_err) = run(&c.dir, &args, "C");
        // English: the message meant, in English, and no Chinese label
        let en_all = format!("{en_out}{en_err}");
        if !en_all.contains(c.english) {
            failures.push(format!("{}: the English run does not say `{}`:\n{en_all}", c.name, c.english));
        }
        for label in ["错误：", "提示：", "注意："] {
            assert!(!en_all.contains(label), "{}: Chinese label in the English run:\n{en_all}", c.name);
        }
        assert_eq!(zh_code, en_code, "{}: the exit code does not depend on the language", c.name);
        // Chinese: every line of stderr, and every message and hint of the JSON
        let mut lines: Vec<String> = zh_err.lines().map(str::to_string).collect();
        if c.args.iter().any(|a| a == "json") {
            let zh: serde_json::Value = serde_json::from_str(&zh_out).expect("JSON on stdout");
            let en: serde_json::Value = serde_json::from_str(&en_out).expect("JSON on stdout");
            let (zd, ed) = (zh["diagnostics"].as_array().unwrap(), en["diagnostics"].as_array().unwrap());
            assert_eq!(zd.len(), ed.len(), "the same problems in either language");
            assert!(zd.len() >= 8, "{zh_out}");
            for (z, e) in zd.iter().zip(ed) {
                assert_eq!(z["path"], e["path"], "keys and paths stay as they are");
                assert_eq!(z["line"], e["line"]);
                lines.push(z["message"].as_str().unwrap().to_string());
                lines.extend(z["hint"].as_str().map(String::from));
                assert_ne!(z["message"], e["message"], "the message follows the locale");
            }
        } else {
            assert!(has_chinese(&zh_err), "{}: no Chinese at all:\n{zh_err}", c.name);
            assert_ne!(zh_err, en_err, "{}: the same text in both languages", c.name);
        }
        for line in &lines {
            lines_checked += 1;
            let words = english_words(line);
            if !words.is_empty() {
                failures.push(format!("{}: {words:?} in: {line}", c.name));
            }
        }
    }
    assert!(failures.is_empty(), "English words under LANG=zh_CN.UTF-8:\n{}", failures.join("\n"));
    eprintln!("{} cases, {lines_checked} Chinese lines checked", all.len());
    assert!(lines_checked > 150, "only {lines_checked} lines checked");
}

/// The masking of personal numbers applies in Chinese too: no message or hint repeats one.
#[test]
fn chinese_messages_keep_numbers_masked() {
    let site = Site::new();
    site.case("a", "", "联系电话 13812345678，身份证 11010519491231002X。");
    site.case("b13912345678", "", "正文。");
    site.file("data/m.csv", "姓名,身份证号\n张三,11010519491231002X\n");
    let (code, out, err) = run(site.root(), &["check", "--format", "json"], "zh_CN.UTF-8");
    assert_eq!(code, 1);
    let (_, _, text) = run(site.root(), &["check"], "zh_CN.UTF-8");
    for shown in [&out, &err, &text] {
        for number in ["13812345678", "11010519491231002X", "13912345678"] {
            assert!(!shown.contains(number), "{number} shown in:\n{shown}");
        }
    }
    assert!(text.contains("138****5678") && text.contains("手机号不能公开"), "{text}");
}

#[test]
fn the_words_test_sees_english() {
    assert_eq!(english_words("错误：the file is empty"), ["the", "file", "empty"]);
    assert!(english_words("错误：content/cases/a.md:3: `titel` 不对，写成 title = \"x\"").is_empty());
    assert!(english_words("提示：运行 `gongkai --help`，或 https://example.org/a").is_empty());
    assert_eq!(english_words("「Failed」 parse"), ["parse"]);
}
