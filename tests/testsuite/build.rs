//! Integration tests of `gongkai build` on small fixture sites.

use crate::common::{self, tree, Site};

#[test]
fn case_page_shows_labelled_parts() {
    let site = Site::new();
    site.case(
        "linfen",
        "authors = [\"柏海涛\", \"张静\"]\ndate = 2020-12-01\nregion = \"山西省/临汾市\"\ntags = [\"党员发展\"]\ncommentary = \"制度让工作**有章可循**。\"",
        "制定出台《发展党员工作全程记实制度》。",
    );
    site.build_ok();
    // issue 15: the case is at its date and a short slug, and its old address sends readers on
    let html = site.read("cases/2020/linfen-de-liang-dian/index.html");
    assert_eq!(html, site.read_case("linfen"));
    for part in ["发布者", "亮点", "举措", "点评", "某县委组织部", "柏海涛", "张静", "linfen的亮点"]
    {
        assert!(html.contains(part), "case page lacks {part}");
    }
    assert!(html.contains("<strong>有章可循</strong>"), "commentary is Markdown");
    assert!(html.contains("2020年12月1日"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(site.read("tags/党员发展/index.html").contains("linfen的亮点"));
    assert!(site.read("regions/山西省/index.html").contains("linfen的亮点"));
    assert!(site.read("regions/山西省/临汾市/index.html").contains("linfen的亮点"));
    assert!(site.read("years/2020/index.html").contains("linfen的亮点"));
    assert!(site.read("publishers/某县委组织部/index.html").contains("linfen的亮点"));
    assert!(site.read("cases/atom.xml").contains("<title>linfen的亮点</title>"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/cases/2020/linfen-de-liang-dian/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("cases/linfen/"), "the sitemap lists pages, not redirects: {sitemap}");
    assert!(site.read("cases/atom.xml").contains("https://example.org/cases/2020/linfen-de-liang-dian/"));
    assert!(site.read("404.html").contains("页面未找到"));
    assert!(site.read("index.html").contains("linfen的亮点"));
}

#[test]
fn traditional_page_gets_zh_hant_and_traditional_labels() {
    let site = Site::new();
    site.case("a", "", "臨汾市委組織部制定出臺《發展黨員工作全程記實制度》，將原先相對零散的培養、政審、考察、審批等程序整合。");
    site.build_ok();
    let html = site.read_case("a");
    // issue 15: the chrome is the site's; the article says it is in the other script
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<article class=\"case\" lang=\"zh-Hant\">"));
    assert!(html.contains("發布者") && html.contains("舉措"));
}

#[test]
fn chinese_soft_breaks_and_summary() {
    let site = Site::new();
    site.case("a", "", "第一行文字\n第二行文字，使用\nApp 办理。\n\n第二段。");
    site.build_ok();
    let html = site.read_case("a");
    assert!(html.contains("第一行文字第二行文字，使用\nApp 办理。"), "{html}");
    // listings are compact title-and-date lines; the feed carries the summary
    let feed = site.read("cases/atom.xml");
    assert!(feed.contains("第一行文字第二行文字，使用 App 办理。"), "summary is the plain text");
}

#[test]
fn paginates_twenty_a_page() {
    let site = Site::new();
    for i in 0..45 {
        site.case(&format!("c{i:02}"), &format!("date = 2020-01-{:02}", i % 28 + 1), "正文。");
    }
    site.build_ok();
    assert!(site.read("cases/index.html").matches("class=\"card ").count() == 20);
    assert!(site.read("cases/page/2/index.html").contains("第2页，共3页"));
    assert_eq!(site.read("cases/page/3/index.html").matches("class=\"card ").count(), 5);
    assert!(!site.out().join("cases/page/4").exists());
}

#[test]
fn hostile_front_matter_is_escaped() {
    let site = Site::new();
    site.case(
        "x",
        "tags = [\"<script>alert(1)</script>\"]\nsource = \"\\\"><img src=x onerror=alert(1)>\"",
        "正文<script>alert(2)</script>",
    );
    site.file(
        "content/cases/y.md",
        "+++\ntitle = \"<script>alert(3)</script>\"\npublisher = \"<b>组织部</b>\"\ndate = 2020-01-01\n+++\n正文\n",
    );
    site.build_ok();
    for (path, bytes) in tree(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("<script>alert"), "{path} has a live script");
        assert!(!text.contains("<img src=x"), "{path} has a live img");
        assert!(!text.contains("<b>组织部"), "{path} has live markup");
    }
    assert!(site.read_case("y").contains("&lt;script&gt;alert(3)"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::new();
    for i in 0..30 {
        site.case(
            &format!("c{i}"),
            &format!("date = 2021-03-{:02}\ntags = [\"标签{}\"]", i % 9 + 1, i % 4),
            "正文。",
        );
    }
    site.file("content/reviews/r.md", "+++\ntitle = \"巡礼\"\nyear = 2021\n+++\n## 一\n\n正文。\n");
    site.build_ok();
    let first = tree(&site.out());
    site.build_ok();
    assert_eq!(first, tree(&site.out()));
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.build_ok();
    let before = tree(&site.out());
    site.case("b", "pulisher = \"x\"", "正文。");
    let errors = site.build_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path, std::path::Path::new("content/cases/b.md"));
    assert_eq!(errors[0].line, 4);
    assert_eq!(errors[0].hint.as_deref(), Some("did you mean `publisher`?"));
    assert_eq!(before, tree(&site.out()));
    let leftovers: Vec<_> = std::fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().starts_with(".public")), "{leftovers:?}");
}

#[test]
fn all_problems_are_reported_at_once_with_lines() {
    let site = Site::new();
    site.case("a", "date = \"2020-13-01\"", "正文");
    site.file("content/cases/b.md", "+++\ntitle = \"b\"\n+++\n正文\n");
    site.file("content/cases/c.md", "+++\ntitle = \"c\"\npublisher = \"x\"\n正文\n");
    let errors = site.build_err();
    let summary: Vec<(String, usize)> =
        errors.iter().map(|d| (d.path.to_string_lossy().into_owned(), d.line)).collect();
    assert_eq!(
        summary,
        [
            ("content/cases/a.md".to_string(), 4),
            ("content/cases/b.md".to_string(), 1),
            ("content/cases/c.md".to_string(), 1)
        ]
    );
    assert!(errors[1].message.contains("publisher"));
}

#[test]
fn two_pages_with_one_url_name_both_files() {
    let site = Site::new();
    site.case("a", "slug = \"same\"", "正文");
    site.case("b", "slug = \"same\"", "正文");
    let errors = site.build_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("content/cases/a.md"), "{}", errors[0]);
    assert_eq!(errors[0].path, std::path::Path::new("content/cases/b.md"));
}

#[test]
fn non_utf8_content_names_the_encoding() {
    let site = Site::new();
    let (gbk, ..) = encoding_rs::GB18030
        .encode("+++\ntitle = \"标题\"\npublisher = \"组织部\"\n+++\n党员发展工作规范化建设\n");
    site.bytes("content/cases/gbk.md", &gbk);
    let errors = site.build_err();
    assert!(errors[0].message.contains("not UTF-8") && errors[0].message.contains("GBK"), "{}", errors[0]);
    assert!(errors[0].hint.as_deref().unwrap().contains("UTF-8"));
}

#[test]
fn yaml_front_matter_and_pages() {
    let site = Site::new();
    site.file(
        "content/cases/y.md",
        "---\ntitle: 亮点\npublisher: 组织部\ndate: 2020-05-04\ntags: [甲, 乙]\n---\n正文。\n",
    );
    site.file("content/about.md", "+++\ntitle = \"关于本站\"\n+++\n介绍。\n");
    site.build_ok();
    assert!(site.read_case("y").contains("2020年5月4日"));
    assert!(site.read("about/index.html").contains("关于本站"));
    assert!(site.read("tags/乙/index.html").contains("亮点"));
}

#[test]
fn slugs_never_escape_or_vanish() {
    let site = Site::new();
    site.case("a", "slug = \"../../../outside\"", "正文");
    site.build_ok();
    assert!(site.read("cases/2020/outside/index.html").contains("a的亮点"));
    assert!(site.read_case("outside").contains("<article class=\"case\""));
    assert!(!site.root().parent().unwrap().join("outside").exists());
    site.case("b", "tags = [\"！？\"]", "正文");
    let errors = site.build_err();
    assert!(errors[0].message.contains("empty web address"), "{}", errors[0]);
    // issue 15: a case's slug of punctuation alone gives no address either
    site.case("b", "slug = \"！？\"", "正文");
    let errors = site.build_err();
    assert!(errors[0].message.contains("has no letter, digit or Chinese character"), "{}", errors[0]);
    assert_eq!(errors[0].line, 4, "the slug's line");
}

#[test]
fn region_term_colliding_with_another_is_an_error() {
    let site = Site::new();
    site.case("a", "tags = [\"App\"]", "正文");
    site.case("b", "tags = [\"app\"]", "正文");
    let errors = site.build_err();
    assert!(errors[0].message.contains("share the address"), "{}", errors[0]);
}

#[test]
fn headings_get_chinese_anchors_and_reading_time() {
    let site = Site::new();
    site.file("content/reviews/r.md", &format!("+++\ntitle = \"巡礼\"\nyear = 2020\n+++\n## 一、组织建设\n\n## 二、队伍建设\n\n## 三、阵地建设\n\n{}\n", "字".repeat(1000)));
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    assert!(html.contains("<h2 id=\"一-组织建设\">"));
    assert!(html.contains("href=\"#二-队伍建设\""));
    assert!(html.contains("3分钟"), "1,000 characters read in 3 minutes at 400 a minute");
    assert!(site.read("years/2020/index.html").contains("巡礼"));
}

#[test]
fn builds_without_a_theme_folder_and_with_an_override() {
    let site = Site::new();
    site.case("a", "", "正文");
    site.build_ok();
    assert!(site.read("style.css").contains("line-height: 1.8"));
    site.file(
        "themes/default/templates/case.html",
        "{% extends \"base.html\" %}{% block main %}OVERRIDE {{ page.title }}{% endblock main %}",
    );
    site.build_ok();
    assert!(site.read_case("a").contains("OVERRIDE a的亮点"));
}

#[test]
fn party_disclosures_stay_out_of_the_public_build() {
    let site = Site::new();
    let d = |audience: &str| {
        format!("+++\ntitle = \"2024年第三季度党费收缴情况\"\norg = \"示范村党支部\"\ncategory = \"党费收缴使用\"\nperiod = \"2024Q3\"\npublished = 2024-10-10\n{audience}\n+++\n正文。\n")
    };
    site.file("content/disclosures/public.md", &d(""));
    site.file(
        "content/disclosures/secret-fees.md",
        &d("audience = \"party\"").replace("第三季度", "内部季度"),
    );
    site.build_ok();
    for (path, bytes) in tree(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("内部季度") && !text.contains("secret-fees"),
            "{path} leaks the party-only disclosure"
        );
    }
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.audience = gongkai::Audience::Party;
    gongkai::build(&opts).unwrap();
    assert!(site.read("disclosures/secret-fees/index.html").contains("党内公开"));
}

#[test]
fn notice_status_follows_as_of() {
    let site = Site::new();
    site.file(
        "content/disclosures/n.md",
        "+++\ntitle = \"发展党员公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\npublished = 2024-06-03\nnotice_from = 2024-06-03\nnotice_to = 2024-06-07\n+++\n正文。\n",
    );
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.as_of = Some(gongkai::text::parse_date("2024-06-05").unwrap());
    gongkai::build(&opts).unwrap();
    assert!(site.read("disclosures/n/index.html").contains("公示中"));
    assert!(site.read("index.html").contains("发展党员公示"), "open notices are on the home page");
    opts.as_of = Some(gongkai::text::parse_date("2024-06-08").unwrap());
    gongkai::build(&opts).unwrap();
    assert!(site.read("disclosures/n/index.html").contains("已结束"));
}

/// A site with every kind of source a build must never touch.
fn site_with_sources() -> Site {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.file("data/members.csv", "年份,党员\n2024,12\n");
    site.file("static/logo.txt", "logo");
    site.file("releases/keep.txt", "kept");
    site.file(".git/HEAD", "ref: refs/heads/main\n");
    site
}

/// Runs the real `gongkai` in `dir`.
fn gongkai(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gongkai")).current_dir(dir).args(args).output().unwrap()
}

// issue #13: `--out` at the site or a source folder moved it aside and deleted it
#[test]
fn out_at_the_site_or_its_sources_is_refused_and_nothing_is_touched() {
    let site = site_with_sources();
    let before = tree(site.root());
    let root = site.root().to_str().unwrap().to_string();
    for out in [
        ".",
        root.as_str(),
        "content",
        "content/cases",
        "data",
        "releases",
        "static",
        "site.toml",
        ".git",
        "..",
        "public/../data",
    ] {
        let run = gongkai(site.root(), &["build", "--out", out]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "--out {out} was accepted");
        assert!(stderr.contains("refusing to build into"), "--out {out}: {stderr}");
        assert!(stderr.contains("--out public"), "the error says what to do: {stderr}");
        assert_eq!(before, tree(site.root()), "--out {out} changed the sources");
    }
    assert!(site.root().join("site.toml").is_file());
}

#[test]
fn a_folder_gongkai_did_not_make_is_refused_and_kept() {
    let site = site_with_sources();
    site.file("docs/notes.txt", "mine");
    let run = gongkai(site.root(), &["build", "--out", "docs"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("did not make"));
    assert_eq!(std::fs::read_to_string(site.root().join("docs/notes.txt")).unwrap(), "mine");
    let run = gongkai(site.root(), &["build", "--out", "docs/site"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(site.root().join("docs/site/index.html").exists());
    assert_eq!(std::fs::read_to_string(site.root().join("docs/notes.txt")).unwrap(), "mine");
}

#[test]
fn an_output_built_before_the_marker_is_still_replaced() {
    let site = site_with_sources();
    site.build_ok();
    std::fs::remove_file(site.out().join(".gongkai-output")).unwrap();
    site.case("b", "", "正文。");
    site.build_ok();
    assert!(site.out().join("cases/2020/b-de-liang-dian/index.html").exists());
    assert!(site.out().join(".gongkai-output").exists());
}

#[test]
fn leftovers_of_a_killed_build_are_removed_by_the_next() {
    let site = site_with_sources();
    site.build_ok();
    // build 99999999 was killed, with the leftovers of 99999997 (killed before it) not yet
    // cleared: its lock names both
    site.file(".public.lock", "99999999\n99999997\n");
    site.file(".public.tmp-99999999/.gongkai-output", "");
    site.file(".public.tmp-99999999/index.html", "half written");
    site.file(".public.old-99999999/.gongkai-output", "");
    site.file(".public.old-99999999/manifest.json", r#"{"outputs":{"index.html":"x","a/b.html":"y"}}"#);
    site.file(".public.old-99999999/index.html", "the site before");
    site.file(".public.old-99999999/a/b.html", "the site before");
    // a build stopped while it removed the old site: what is left unlisted is someone's
    site.file(".public.old-99999997/.gongkai-output", "");
    site.file(".public.old-99999997/a/mine.txt", "put there while it was removed");
    site.file(".public.old-backup/index.html", "someone's own copy");
    // folders of gongkai's form that no lock names are someone's, marked or not (found by
    // hostile reviews): files of one's own, a copy of the site with an edit
    site.file(".public.tmp-99999996/mydata.txt", "precious");
    site.file(".public.tmp-99999995/.gongkai-output", "");
    site.file(".public.tmp-99999995/b.txt", "mine");
    site.file(".public.old-99999994/.gongkai-output", "");
    site.file(".public.old-99999994/manifest.json", r#"{"outputs":{"index.html":"x"}}"#);
    site.file(".public.old-99999994/index.html", "my edit");
    site.build_ok();
    assert!(!site.root().join(".public.tmp-99999999").exists());
    assert!(!site.root().join(".public.old-99999999").exists());
    assert!(site.root().join(".public.old-99999997/a/mine.txt").exists());
    assert!(site.root().join(".public.old-backup/index.html").exists());
    let read = |rel: &str| std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert_eq!(read(".public.tmp-99999996/mydata.txt"), "precious");
    assert_eq!(read(".public.tmp-99999995/b.txt"), "mine");
    assert_eq!(read(".public.old-99999994/index.html"), "my edit");
    assert!(!site.root().join(".public.lock").exists());
}

#[test]
fn a_running_build_keeps_a_second_one_out() {
    let site = site_with_sources();
    site.build_ok();
    let before = tree(&site.out());
    // this test's own process is alive, so its id stands for a build that is running
    site.file(".public.lock", &format!("{}\n", std::process::id()));
    site.case("b", "", "正文。");
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains("is writing") && err.contains(".public.lock"), "{err}");
    assert_eq!(before, tree(&site.out()));
    // a build that was killed leaves its lock behind; the next build takes it over
    site.file(".public.lock", "99999999\n");
    site.build_ok();
    assert!(site.out().join("cases/2020/b-de-liang-dian/index.html").exists());
    assert!(!site.root().join(".public.lock").exists());
}

// issue #13: a NUL (or another control character) in a text reached the pages and made
// atom.xml invalid XML
#[test]
fn control_characters_are_refused_with_file_line_and_column() {
    for (file, text, line, column) in [
        (
            "content/cases/a.md",
            "+++\ntitle = \"甲\"\npublisher = \"乙\"\ndate = 2020-01-01\n+++\n第一段。\n\n第二段\0。\n",
            8,
            4,
        ),
        (
            "content/cases/a.md",
            "+++\ntitle = \"甲\u{1b}\"\npublisher = \"乙\"\ndate = 2020-01-01\n+++\n正文。\n",
            2,
            11,
        ),
        ("site.toml", "title = \"测试\u{7}站\"\n", 1, 12),
        ("data/notes.csv", "年份,备注\n2024,甲\u{b}乙\n", 2, 7),
    ] {
        let site = Site::new();
        site.case("b", "", "正文。");
        site.file(file, text);
        let errors = site.build_err();
        assert_eq!(errors.len(), 1, "{file}: {errors:?}");
        let e = &errors[0];
        assert_eq!((e.path.to_str().unwrap(), e.line, e.column), (file, line, column), "{e}");
        assert!(e.message.contains("control character"), "{e}");
    }
}

#[test]
fn control_characters_written_as_escapes_never_reach_the_feed() {
    let site = Site::new();
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"标题\\u0001\\u0000\"\npublisher = \"乙\"\ndate = 2020-01-01\n+++\n正文。\n",
    );
    site.build_ok();
    for (path, bytes) in
        tree(&site.out()).into_iter().filter(|(p, _)| p.ends_with(".xml") || p.ends_with(".html"))
    {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.chars().any(gongkai::text::is_forbidden_control), "{path} holds a control character");
    }
    assert!(site.read("cases/atom.xml").contains("<title>标题</title>"));
}

/// A small generator for the random edits below (xorshift64*): the same seed gives the same
/// edits, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One random page: a case, a review or a disclosure (some with an open notice window).
fn random_page(rng: &mut Rng, n: usize) -> (String, String) {
    let tags = ["三会一课", "主题党日", "党员教育", "乡村振兴"];
    let regions = ["山西省/临汾市", "山西省/临汾市/浮山县", "山西省/运城市"];
    let day = 1 + rng.below(28);
    let month = 1 + rng.below(12);
    match rng.below(3) {
        0 => (
            format!("content/cases/c{n}.md"),
            format!(
                "+++\ntitle = \"第{n}号经验\"\npublisher = \"某县委组织部\"\ndate = 2024-{month:02}-{day:02}\nregion = \"{}\"\ntags = [\"{}\"]\n+++\n正文{n}，编辑{}。\n",
                regions[rng.below(3)],
                tags[rng.below(4)],
                rng.next() % 1000
            ),
        ),
        1 => (
            format!("content/reviews/r{n}.md"),
            format!("+++\ntitle = \"{n}年度巡礼\"\ndate = 2024-{month:02}-{day:02}\n+++\n回顾{}。\n", rng.next() % 1000),
        ),
        _ => (
            format!("content/disclosures/d{n}.md"),
            format!(
                "+++\ntitle = \"公示{n}\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\npublished = 2024-{month:02}-{day:02}\nnotice_from = 2024-{month:02}-{day:02}\nnotice_to = 2024-{month:02}-{:02}\n+++\n公示内容{}。\n",
                (day + 4).min(28),
                rng.next() % 1000
            ),
        ),
    }
}

#[test]
fn incremental_builds_equal_clean_builds_after_random_edits() {
    let site = Site::new();
    site.file("site.toml", "title = \"测试站\"\nbase_url = \"https://example.org/\"\npaginate = 3\n");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut pages: Vec<String> = Vec::new();
    for n in 0..24 {
        let (path, text) = random_page(&mut rng, n);
        site.file(&path, &text);
        pages.push(path);
    }
    let clean = tempfile::tempdir().unwrap();
    let mut reused_total = 0;
    let mut parsed_reused = 0;
    for round in 0..14 {
        let incremental = site.build_ok();
        let mut opts = gongkai::BuildOptions::new(site.root());
        opts.out = Some(clean.path().join("out"));
        opts.cache = false;
        gongkai::build(&opts).unwrap();
        let (a, b) = (tree(&site.out()), tree(&clean.path().join("out")));
        let paths = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&a), paths(&b), "round {round}: the incremental build wrote other files");
        for ((path, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "round {round}: {path} differs from a clean build");
        }
        if round > 0 {
            reused_total += incremental.reused;
            parsed_reused += incremental.parsed_reused;
        }
        // the next edit
        let n = 100 + round;
        match rng.below(6) {
            0 | 1 => {
                // a new text of the same kind of page: new title, body, dates, tags or region
                let path = pages[rng.below(pages.len())].clone();
                let text = loop {
                    let (p, t) = random_page(&mut rng, n);
                    if p.split('/').nth(1) == path.split('/').nth(1) {
                        break t;
                    }
                };
                site.file(&path, &text);
            }
            2 => {
                let path = pages.remove(rng.below(pages.len()));
                std::fs::remove_file(site.root().join(path)).unwrap();
            }
            3 => {
                let path = pages.remove(rng.below(pages.len()));
                let renamed = path.replace(".md", "-moved.md");
                std::fs::rename(site.root().join(&path), site.root().join(&renamed)).unwrap();
                pages.push(renamed);
            }
            4 => {
                let (path, text) = random_page(&mut rng, n);
                site.file(&path, &text);
                pages.push(path);
            }
            _ => {
                let per = 2 + rng.below(3);
                site.file(
                    "site.toml",
                    &format!(
                        "title = \"测试站{round}\"\nbase_url = \"https://example.org/\"\npaginate = {per}\n"
                    ),
                );
            }
        }
    }
    assert!(reused_total > 0, "the cache was never used");
    assert!(parsed_reused > 0, "no page was ever taken parsed from the cache");
}

/// Found by a hostile review: a tag or region renamed where no other page has it kept its
/// place among the terms and its pages' cards, so its listing was taken for the old one: the
/// old term page stayed and the new one was never written, by `build` and `serve` alike.
#[test]
fn a_renamed_tag_or_region_is_rendered_at_its_new_address() {
    let site = Site::new();
    site.case("a", "date = 2024-03-01\ntags = [\"组织生活\"]\nregion = \"某省/某市/某县\"", "正文。");
    site.case("b", "date = 2024-03-02\ntags = [\"党员教育\"]\nregion = \"某省/某市/乙县\"", "正文。");
    site.build_ok();
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).unwrap();
    let clean = tempfile::tempdir().unwrap();
    for (tag, county) in [("组织建设", "某县"), ("组织建设", "甲县"), ("组织生活", "甲县")]
    {
        site.case(
            "a",
            &format!("date = 2024-03-01\ntags = [\"{tag}\"]\nregion = \"某省/某市/{county}\""),
            "正文。",
        );
        site.build_ok();
        let mut opts = gongkai::BuildOptions::new(site.root());
        opts.out = Some(clean.path().join("out"));
        opts.cache = false;
        gongkai::build(&opts).unwrap();
        let (incremental, clean) = (tree(&site.out()), tree(&clean.path().join("out")));
        assert!(incremental == clean, "{tag} {county}: the incremental build differs from a clean one");
        session.update(&[std::path::PathBuf::from("content/cases/a.md")]).unwrap();
        session.refresh_deferred().unwrap();
        let served: Vec<(String, Vec<u8>)> =
            session.files().keys().map(|p| (p.clone(), session.read(p).unwrap())).collect();
        let mut rendered = gongkai::render_site(&gongkai::BuildOptions::new(site.root())).unwrap().0;
        rendered.sort();
        let differ: Vec<&String> =
            served.iter().zip(&rendered).filter(|(a, b)| a != b).map(|(a, _)| &a.0).collect();
        assert!(
            served.len() == rendered.len() && differ.is_empty(),
            "{tag} {county}: serve differs from a build: {differ:?}"
        );
        assert!(clean.iter().any(|(p, _)| p == &format!("tags/{tag}/index.html")));
    }
}

#[test]
fn a_damaged_cache_is_rebuilt_never_trusted() {
    let site = Site::new();
    for n in 0..5 {
        site.case(&format!("c{n}"), "date = 2024-03-01\ntags = [\"三会一课\"]", &format!("正文{n}。"));
    }
    site.build_ok();
    let expected = tree(&site.out());
    // every cached object and parsed page overwritten with bytes of the same length: an edit
    // in place; one parsed page keeps its length and only one byte of its text changes
    let mut damaged = 0;
    for part in ["objects", "parsed"] {
        let dir = site.root().join(".gongkai-cache/build/public").join(part);
        for entry in walkdir::WalkDir::new(&dir).into_iter().map(|e| e.unwrap()) {
            if entry.file_type().is_file() {
                let mut bytes = std::fs::read(entry.path()).unwrap();
                match part {
                    "parsed" if damaged % 2 == 0 => {
                        let at = bytes.windows(3).position(|w| w == "正".as_bytes()).unwrap();
                        bytes[at..at + 3].copy_from_slice("王".as_bytes());
                    }
                    _ => bytes.fill(b'x'),
                }
                std::fs::write(entry.path(), bytes).unwrap();
                damaged += 1;
            }
        }
    }
    assert!(damaged > 15, "the build kept its outputs and parsed pages in the cache");
    let report = site.build_ok();
    assert_eq!(report.reused, 0, "no damaged object may be used");
    assert_eq!(report.parsed_reused, 0, "no damaged parsed page may be used");
    assert!(tree(&site.out()) == expected, "the rebuilt site differs");
    // a cut-off index is an empty one
    std::fs::write(site.root().join(".gongkai-cache/build/public/index.json"), b"{\"generator\":").unwrap();
    site.build_ok();
    assert!(tree(&site.out()) == expected);
    // and an intact cache is used
    let report = site.build_ok();
    assert!(report.reused > 0 && report.parsed_reused == 5, "{} {}", report.reused, report.parsed_reused);
    assert!(tree(&site.out()) == expected);
}

/// A site with every kind of job: cases over several listing pages and terms, disclosures in
/// groups, a review, a page, data and a static file.
fn site_for_shards() -> Site {
    let site = Site::new();
    site.file("site.toml", "title = \"测试站\"\nbase_url = \"https://example.org/\"\npaginate = 2\n");
    let mut rng = Rng(42);
    for n in 0..16 {
        let (path, text) = random_page(&mut rng, n);
        site.file(&path, &text);
    }
    site.file("content/about.md", "+++\ntitle = \"关于\"\n+++\n本站说明。\n");
    site.file("data/fees.csv", "月份,金额（元）\n1月,120\n2月,130\n");
    site.file("static/notice.txt", "公告板说明\n");
    site
}

#[test]
fn shards_built_apart_merge_into_the_single_build() {
    let site = site_for_shards();
    let single = tempfile::tempdir().unwrap();
    let out = single.path().join("site");
    let run = gongkai(site.root(), &["build", "--clean", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    // three processes, each its own share, as three runner jobs would
    let mut dirs = Vec::new();
    for k in 1..=3 {
        let run = gongkai(site.root(), &["build", "--shard", &format!("{k}/3")]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        dirs.push(format!("shards/{k}-of-3"));
    }
    let sizes: Vec<usize> = dirs.iter().map(|d| tree(&site.root().join(d)).len()).collect();
    assert!(sizes.iter().all(|&n| n > 2), "every shard has work: {sizes:?}");
    let merged = single.path().join("merged");
    let mut args = vec!["merge", "--out", merged.to_str().unwrap()];
    args.extend(dirs.iter().map(String::as_str));
    let run = gongkai(site.root(), &args);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(tree(&merged) == tree(&out), "the merged site differs from the single build");

    // a missing shard is named
    let run = gongkai(site.root(), &["merge", "--out", merged.to_str().unwrap(), &dirs[0], &dirs[2]]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("2/3"), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(tree(&merged) == tree(&out), "a refused merge leaves the site as it was");

    // a shard built after an edit is of another site state
    site.file("content/about.md", "+++\ntitle = \"关于\"\n+++\n本站说明，已修改。\n");
    let run = gongkai(site.root(), &["build", "--shard", "2/3"]);
    assert!(run.status.success());
    let mut args = vec!["merge", "--out", merged.to_str().unwrap()];
    args.extend(dirs.iter().map(String::as_str));
    let run = gongkai(site.root(), &args);
    assert!(!run.status.success(), "shards of two site states must not merge");
    assert!(String::from_utf8_lossy(&run.stderr).contains("different builds"));

    // the merged site never replaces a shard it reads (found by a hostile review)
    let into_shard: Vec<&str> =
        ["merge", "--out", dirs[0].as_str()].into_iter().chain(dirs.iter().map(String::as_str)).collect();
    let run = gongkai(site.root(), &into_shard);
    assert!(!run.status.success(), "merge into one of its shards");
    assert!(String::from_utf8_lossy(&run.stderr).contains("would replace the shard"));
    assert!(site.root().join(&dirs[0]).join(".gongkai-shard.json").exists(), "the shard is kept");

    // every shard of one state, merged after the sources changed: refused, the site kept
    for k in [1, 3] {
        assert!(gongkai(site.root(), &["build", "--shard", &format!("{k}/3")]).status.success());
    }
    let args: Vec<&str> = ["merge", "--out", merged.to_str().unwrap()]
        .into_iter()
        .chain(dirs.iter().map(String::as_str))
        .collect();
    site.file("content/about.md", "+++\ntitle = \"关于\"\n+++\n本站说明，又改了。\n");
    let run = gongkai(site.root(), &args);
    assert!(!run.status.success(), "shards of sources since changed must not merge");
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("have changed since the shards were built"), "{said}");
    assert!(tree(&merged) == tree(&out), "a refused merge leaves the site as it was");
}

// merge reads, checks and writes the shards' files on every core: a file changed since its
// shard wrote it still stops the merge, named (the first such in order), and leaves no half site
#[test]
fn merge_refuses_a_shard_file_changed_since_it_was_written() {
    let site = site_for_shards();
    let mut dirs = Vec::new();
    for k in 1..=2 {
        assert!(gongkai(site.root(), &["build", "--shard", &format!("{k}/2")]).status.success());
        dirs.push(site.root().join(format!("shards/{k}-of-2")));
    }
    let merged = site.root().join("merged");
    let args = |dirs: &[std::path::PathBuf]| -> Vec<String> {
        ["merge", "--out", merged.to_str().unwrap()]
            .into_iter()
            .map(String::from)
            .chain(dirs.iter().map(|d| d.to_str().unwrap().to_string()))
            .collect()
    };
    let run = gongkai(site.root(), &args(&dirs).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let before = tree(&merged);
    // two files of the second shard changed: the one first in the manifest's order is named
    let mut pages: Vec<String> =
        tree(&dirs[1]).into_iter().map(|(p, _)| p).filter(|p| p.ends_with(".html")).collect();
    pages.sort();
    assert!(pages.len() >= 2, "{pages:?}");
    for p in &pages[..2] {
        std::fs::write(dirs[1].join(p), "<p>改过</p>").unwrap();
    }
    for _ in 0..3 {
        let run = gongkai(site.root(), &args(&dirs).iter().map(String::as_str).collect::<Vec<_>>());
        assert!(!run.status.success(), "a changed file merged");
        let said = String::from_utf8_lossy(&run.stderr);
        assert!(said.contains("differs from what its shard wrote") && said.contains(&pages[0]), "{said}");
    }
    assert!(tree(&merged) == before, "a refused merge leaves the site as it was");
    let debris: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".merged"))
        .collect();
    assert!(debris.is_empty(), "{debris:?}");
}

#[test]
fn shard_numbers_come_from_the_job_runner() {
    let site = site_for_shards();
    let runners: [&[(&str, &str)]; 3] = [
        &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "2")],
        &[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_COUNT", "2")],
        &[("JOB_COMPLETION_INDEX", "1"), ("GONGKAI_SHARDS", "2")],
    ];
    let mut trees = Vec::new();
    for vars in runners {
        let out = site.root().join("runner-shard");
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .current_dir(site.root())
            .args(["build", "--shard", "auto", "--out", out.to_str().unwrap()])
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        assert!(run.status.success(), "{vars:?}: {}", String::from_utf8_lossy(&run.stderr));
        let manifest = std::fs::read_to_string(out.join(".gongkai-shard.json")).unwrap();
        assert!(
            manifest.contains("\"shard\": 2") && manifest.contains("\"shards\": 2"),
            "{vars:?}: {manifest}"
        );
        trees.push(tree(&out));
    }
    assert!(trees.windows(2).all(|w| w[0] == w[1]), "each runner's shard 2/2 is the same share");
    let run = gongkai(site.root(), &["build", "--shard", "auto"]);
    assert!(!run.status.success(), "auto without a runner's variables is refused");
}

// the runner examples in docs/ must start the shards the way `--shard auto` reads them
#[test]
fn the_runner_examples_in_docs_agree_with_shard_auto() {
    let docs = common::example_root().join("docs");
    let k8s = std::fs::read_to_string(docs.join("k8s-indexed-job.yaml")).unwrap();
    let jobs: Vec<serde_norway::Value> = serde_norway::Deserializer::from_str(&k8s)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let shards = &jobs[0]["spec"];
    assert_eq!(shards["completionMode"].as_str(), Some("Indexed"));
    let container = &shards["template"]["spec"]["containers"][0];
    let total = container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str() == Some("GONGKAI_SHARDS"))
        .and_then(|e| e["value"].as_str())
        .unwrap();
    assert_eq!(total.parse::<u64>().unwrap(), shards["completions"].as_u64().unwrap());
    let command: Vec<&str> =
        container["command"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(command.windows(2).any(|w| w == ["--shard", "auto"]), "{command:?}");
    assert!(command.iter().any(|a| a.contains("$(JOB_COMPLETION_INDEX)")), "each pod its own folder");
    let merge = jobs[1]["spec"]["template"]["spec"]["containers"][0]["command"][2].as_str().unwrap();
    assert!(merge.starts_with("gongkai merge"), "{merge}");

    let gitlab: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(docs.join("gitlab-ci.yml")).unwrap()).unwrap();
    assert!(gitlab["shards"]["parallel"].as_u64().unwrap() > 1);
    let script = gitlab["shards"]["script"][0].as_str().unwrap();
    assert!(script.contains("--shard auto") && script.contains("$CI_NODE_INDEX"), "{script}");
    assert!(gitlab["merge"]["script"][0].as_str().unwrap().starts_with("gongkai merge"));
}

/// A theme named in site.toml but not there used to build silently with the built-in one.
#[test]
fn a_theme_named_but_missing_is_an_error_at_its_line() {
    let site = Site::new();
    site.file("site.toml", "title = \"x\"\ntheme = \"mytheme\"\n");
    site.case("a", "", "正文。");
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].path.to_str(), errors[0].line), (Some("site.toml"), 2));
    assert!(errors[0].message.contains("themes/mytheme/"), "{}", errors[0].message);
    site.file("themes/mytheme/templates/.keep", "");
    site.build_ok();
}

/// Issue 15: every page is headed by a masthead with the organisation (`site.toml`'s
/// `organisation`) over the site's name, as an official column is, and the chrome around it
/// (navigation, footer) is in the site's script, through the UI strings.
#[test]
fn every_page_has_the_organisations_masthead_in_the_sites_script() {
    for (lang, org, words) in [
        ("zh-CN", "中共某县委组织部", ["关于本站", "网站地图", "主办：中共某县委组织部"]),
        ("zh-Hant", "中共某縣委組織部", ["關於本站", "網站地圖", "主辦：中共某縣委組織部"]),
    ] {
        let site = Site::new();
        site.file(
            "site.toml",
            &format!("title = \"测试站\"\nbase_url = \"https://example.org/\"\nlanguage = \"{lang}\"\norganisation = \"{org}\"\n"),
        );
        site.case("a", "", "正文。");
        site.build_ok();
        let pages: Vec<(String, String)> = tree(&site.out())
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
            .collect();
        assert!(pages.len() > 10, "{lang}: {} pages", pages.len());
        for (path, html) in &pages {
            let masthead = html
                .split("<div class=\"masthead\">")
                .nth(1)
                .unwrap_or_else(|| panic!("{lang} {path}: no masthead"));
            let masthead = masthead.split("</a>").next().unwrap();
            assert!(
                masthead.contains(&format!(
                    "<span class=\"site-org\">{org}</span><span class=\"site-name\">测试站</span>"
                )),
                "{lang} {path}: {masthead}"
            );
            for word in words {
                assert!(html.contains(word), "{lang} {path} lacks {word}");
            }
        }
    }
}

/// A theme's own template written before the pager took the UI strings (`m::pager` with
/// `paginator` and `root` only) still builds, in simplified words.
#[test]
fn a_theme_calling_the_pager_without_strings_still_builds() {
    let site = Site::new();
    site.file("site.toml", "title = \"测试站\"\nbase_url = \"https://example.org/\"\npaginate = 2\n");
    for i in 0..3 {
        site.case(&format!("c{i}"), "", "正文。");
    }
    site.file(
        "themes/default/templates/list.html",
        "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block main %}{{ m::pager(paginator=paginator, root=site.root) }}{% endblock main %}",
    );
    site.build_ok();
    let list = site.read("cases/index.html");
    assert!(list.contains("第1页，共2页") && list.contains("下一页"), "{list}");
}

// found by a hostile review: the frame's 统计数据 link follows whether any dataset may be
// published, which a page turning party-only or public changes without touching other pages
#[test]
fn the_cache_follows_what_the_site_may_publish() {
    let site = Site::new();
    site.file("data/counts.csv", "年份,人数\n2023,10\n2024,12\n");
    let case = |audience: &str| {
        format!("+++\ntitle = \"党内案例\"\npublisher = \"某县委组织部\"\ndate = 2024-05-01\n{audience}\n+++\n正文。\n\n{{{{ table(data=\"counts.csv\") }}}}\n")
    };
    // the newest date (the build's as-of) stays the same whichever way p goes
    site.case("other", "date = 2024-06-01", "别的案例。");
    let clean = tempfile::tempdir().unwrap();
    for audience in ["audience = \"party\"", "", "audience = \"party\""] {
        site.file("content/cases/p.md", &case(audience));
        site.build_ok();
        let mut opts = gongkai::BuildOptions::new(site.root());
        opts.out = Some(clean.path().join("out"));
        opts.cache = false;
        gongkai::build(&opts).unwrap();
        assert!(
            tree(&site.out()) == tree(&clean.path().join("out")),
            "with `{audience}` the cached site differs"
        );
    }
    // a party-only page is not kept among the public build's parsed pages; a public one is
    site.case("secret", "date = 2024-06-02\naudience = \"party\"", "只在党内传达的内容。");
    site.case("open", "date = 2024-06-03", "可以公开的内容。");
    site.build_ok();
    let parsed = tree(&site.root().join(".gongkai-cache/build/public/parsed"));
    let holds = |text: &str| parsed.iter().any(|(_, bytes)| String::from_utf8_lossy(bytes).contains(text));
    assert!(!holds("只在党内传达"), "the public cache kept a party-only page");
    assert!(holds("可以公开的内容"), "the public cache kept no parsed page");
}

// found by a hostile review: outputs were hard links to the cache, so an edit in one output
// folder showed in every other
#[test]
fn an_edit_in_one_output_folder_never_reaches_another() {
    let site = Site::new();
    site.case("a", "date = 2024-03-01", "正文。");
    site.build_ok();
    let other = tempfile::tempdir().unwrap();
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.out = Some(other.path().join("staging"));
    gongkai::build(&opts).unwrap();
    let before = tree(&site.out());
    let edited = other.path().join("staging/404.html");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str("<!-- analytics -->");
    std::fs::write(&edited, text).unwrap();
    assert!(tree(&site.out()) == before, "public/ changed with the other folder");
    site.build_ok();
    assert!(tree(&site.out()) == before, "the next build took the edit from the cache");
}

// found by a hostile review: a static file at a page's address was dropped without a word
#[test]
fn a_static_file_at_a_pages_address_is_named_in_a_warning() {
    let site = Site::new();
    site.file("content/about.md", "+++\ntitle = \"关于\"\n+++\n本站说明。\n");
    site.file("static/about/index.html", "<p>手写的关于页</p>");
    let report = site.build_ok();
    assert!(site.read("about/index.html").contains("本站说明"));
    let warning = report.warnings.iter().find(|w| w.path.ends_with("about/index.html")).expect("a warning");
    assert!(warning.message.contains("not published"), "{warning}");
}

// found by a hostile review: a `static/search.js` of one's own replaced the search page's
// script without a word; it still does (a site may restyle its theme), but says so, and the
// theme's own folder is the quiet way
#[test]
fn a_static_file_in_place_of_the_themes_is_said() {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.file("static/search.js", "// 我自己的脚本\n");
    site.file("static/own.js", "// 别的脚本\n");
    let report = site.build_ok();
    assert_eq!(site.read("search.js"), "// 我自己的脚本\n");
    let said: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with("static/search.js") && said[0].contains("themes/default/static/search.js"),
        "{said:?}"
    );
    std::fs::remove_file(site.root().join("static/search.js")).unwrap();
    site.file("themes/default/static/search.js", "// 主题的脚本\n");
    site.file("static/gongkai.js", "// 换掉\n");
    let report = site.build_ok();
    assert_eq!(site.read("search.js"), "// 主题的脚本\n");
    let said: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert!(said.len() == 1 && said[0].starts_with("static/gongkai.js"), "{said:?}");
}

// found by a hostile review: `A.MD` and `a.markdown` were left out without a word
#[test]
fn a_content_file_named_as_markdown_otherwise_than_md_is_said() {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.file("content/cases/B.MD", "+++\ntitle = \"乙\"\n+++\n正文\n");
    site.file("content/pages/c.markdown", "+++\ntitle = \"丙\"\n+++\n正文\n");
    site.file("content/cases/notes.txt", "笔记\n");
    let report = site.build_ok();
    let said: Vec<String> = report.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[0].starts_with("content/cases/B.MD") && said[0].contains("B.md"), "{said:?}");
    assert!(said[1].starts_with("content/pages/c.markdown") && said[1].contains("c.md"), "{said:?}");
}

// found by a hostile review: merge published a file added to a shard's manifest by hand
#[test]
fn merge_takes_only_the_files_of_each_shards_jobs() {
    let site = site_for_shards();
    let mut dirs = Vec::new();
    for k in 1..=2 {
        let run = gongkai(site.root(), &["build", "--shard", &format!("{k}/2")]);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        dirs.push(site.root().join(format!("shards/{k}-of-2")));
    }
    let manifest = dirs[1].join(".gongkai-shard.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let evil = "<script>alert(1)</script>\n";
    std::fs::write(dirs[1].join("evil.html"), evil).unwrap();
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(evil.as_bytes()));
    m["outputs"]["evil.html"] = serde_json::json!(sha);
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let out = site.root().join("merged");
    let run = gongkai(
        site.root(),
        &["merge", "--out", out.to_str().unwrap(), dirs[0].to_str().unwrap(), dirs[1].to_str().unwrap()],
    );
    assert!(!run.status.success(), "a file no job wrote was merged");
    assert!(String::from_utf8_lossy(&run.stderr).contains("not the files of its jobs"));
    assert!(!out.join("evil.html").exists());
    // a shard that claims to be the whole build is refused too
    let first = dirs[0].join(".gongkai-shard.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    m["shards"] = serde_json::json!(1);
    std::fs::write(&first, serde_json::to_vec(&m).unwrap()).unwrap();
    let run = gongkai(site.root(), &["merge", "--out", out.to_str().unwrap(), dirs[0].to_str().unwrap()]);
    assert!(!run.status.success(), "half a site merged as a whole one");
}

// found by a hostile review: a template error named the job `Page(0)`, an index of the library
#[test]
fn a_template_error_names_the_page_it_was_rendering() {
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    site.file("themes/default/templates/case.html", "{{ nope }}");
    let err = format!("{:#}", site.build().expect_err("an unknown variable"));
    assert!(err.contains("rendering the page of content/cases/a.md"), "{err}");
    assert!(!err.contains("Page("), "{err}");
}

// the header and footer are drawn once per page depth, not per page: a theme's own header.html
// still reaches every page, with the way back to the root of that page's depth
#[test]
fn a_themes_header_and_footer_stand_on_every_page() {
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    site.file(
        "themes/default/templates/header.html",
        "<p class=\"mine\">本县自己的页头 <a href=\"{{ site.root }}\">回首页</a></p>\n",
    );
    site.file("themes/default/templates/footer.html", "<p class=\"mine-foot\">{{ site.title }} 页脚</p>\n");
    site.build_ok();
    for (page, root) in [
        ("index.html", "./"),
        ("cases/index.html", "../"),
        ("cases/2024/a-de-liang-dian/index.html", "../../../"),
        ("cases/a/index.html", "../../"),
        ("tags/index.html", "../"),
        ("search/index.html", "../"),
    ] {
        let html = site.read(page);
        assert_eq!(html.matches("本县自己的页头").count(), 1, "{page}: {html}");
        let link = format!("<a href=\"{}\">回首页</a>", if root == "./" { "" } else { root });
        assert!(html.contains(&link), "{page} links home as {link}: {html}");
        assert!(html.contains("页脚</p>"), "{page}");
        assert!(!html.contains("site-header"), "{page}: the built-in header is replaced");
    }
    // the 404 page is served at any address: its root is the site's own path
    assert!(site.read("404.html").contains("<a href=\"/\">回首页</a>"));
    // a header may use only the site's view: a page's variable is a clear error naming it
    site.file("themes/default/templates/header.html", "{{ page.title }}");
    let err = format!("{:#}", site.build().expect_err("no page in a header"));
    assert!(err.contains("header.html") && err.contains("may use only `site`"), "{err}");
    // the job is named by its address, never by its place in the plan (`Group(1, 1)`)
    assert!(err.contains("rendering /"), "{err}");
    for internal in ["Group(", "Term(", "Section(", "Search", "Home", "TaxonomyIndex"] {
        assert!(!err.contains(internal), "{err}");
    }
}

// found by a hostile review: files a person put into public/ were deleted by the next build
#[test]
fn files_put_into_the_output_by_hand_stop_the_build_and_are_kept() {
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    site.build_ok();
    std::fs::write(site.out().join("mine.txt"), "precious").unwrap();
    std::fs::create_dir_all(site.out().join("docs")).unwrap();
    std::fs::write(site.out().join("docs/report.docx"), "x").unwrap();
    let err = site.build().expect_err("the build would delete them").to_string();
    assert!(
        err.contains("2 file(s)") && err.contains("docs/report.docx") && err.contains("mine.txt"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(site.out().join("mine.txt")).unwrap(), "precious");
    // once moved away, the build goes on, and its own files are replaced as always
    std::fs::remove_file(site.out().join("mine.txt")).unwrap();
    std::fs::remove_dir_all(site.out().join("docs")).unwrap();
    site.build_ok();
}

// found by a hostile review: `date = 0000-01-01` made the address cases/0/… and 0年1月1日
#[test]
fn a_date_outside_the_party_s_years_is_refused_at_its_line() {
    for date in ["0000-01-01", "9999-12-31", "1900-07-01"] {
        let site = Site::new();
        site.case("a", &format!("date = {date}"), "正文。");
        let errors = site.build_err();
        assert_eq!(errors.len(), 1, "{date}: {errors:?}");
        assert!(errors[0].message.contains("1921 to 2200") && errors[0].line > 0, "{}", errors[0]);
    }
}

// found by a hostile review: `--as-of 0000-01-01` built a site where every notice was upcoming
#[test]
fn a_build_date_outside_the_party_s_years_is_refused_before_anything_is_written() {
    let site = Site::new();
    site.case("a", "date = 2024-03-01", "正文。");
    for date in ["0000-01-01", "9999-12-31"] {
        let run = gongkai(site.root(), &["build", "--as-of", date]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success() && stderr.contains("1921"), "{date}: {stderr}");
        assert!(!site.root().join("public").exists(), "{date}: nothing is written");
    }
    assert!(gongkai(site.root(), &["build", "--as-of", "2024-03-01"]).status.success());
}

/// The output file whose text holds `needle`, below `dir`.
fn output_with(dir: &std::path::Path, needle: &str) -> std::path::PathBuf {
    let found = tree(dir)
        .into_iter()
        .find(|(p, b)| p.ends_with("index.html") && String::from_utf8_lossy(b).contains(needle));
    dir.join(found.unwrap_or_else(|| panic!("no page holds {needle}")).0)
}

// A rebuild keeps an unchanged output as the previous site's file (a hard link, checked as
// linked); a file edited by hand, or a link put in its place, is written anew, never followed.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_outputs_and_checks_each() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::new();
    site.case("a", "date = 2024-03-01", "正文甲。");
    site.case("b", "date = 2024-03-02", "正文乙。");
    site.build_ok();
    let out = site.out();
    let page = output_with(&out, "正文甲");
    let good = std::fs::read(&page).unwrap();
    let inode = |p: &std::path::Path| std::fs::symlink_metadata(p).unwrap().ino();
    let before = inode(&page);
    site.case("b", "date = 2024-03-02", "正文乙，改过。");
    assert!(site.build_ok().reused > 0);
    assert_eq!(inode(&page), before, "an unchanged page is kept as the same file");
    // edited by hand, with the same length
    let mut tampered = good.clone();
    let at = tampered.windows(3).position(|w| w == "甲".as_bytes()).unwrap();
    tampered[at..at + 3].copy_from_slice("丙".as_bytes());
    std::fs::write(&page, &tampered).unwrap();
    site.case("b", "date = 2024-03-02", "正文乙，又改过。");
    site.build_ok();
    assert_eq!(std::fs::read(&page).unwrap(), good, "the edited page is made again");
    // a link to a file with the right bytes, put in its place
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("page.html");
    std::fs::write(&target, &good).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&target, &page).unwrap();
    site.case("b", "date = 2024-03-02", "正文乙，再改过。");
    site.build_ok();
    assert!(std::fs::symlink_metadata(&page).unwrap().file_type().is_file(), "a link was kept");
    assert_eq!(std::fs::read(&page).unwrap(), good);
    assert_eq!(std::fs::read(&target).unwrap(), good, "the link's target is untouched");
    // the page's folder replaced by a link to a folder elsewhere holding the same bytes: the
    // build refuses it as a file that is not its own, and never links the file there
    let folder = page.parent().unwrap();
    let outside = elsewhere.path().join("folder");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("index.html"), &good).unwrap();
    std::fs::remove_dir_all(folder).unwrap();
    std::os::unix::fs::symlink(&outside, folder).unwrap();
    site.case("b", "date = 2024-03-02", "正文乙，第四次改过。");
    let err = format!("{:#}", site.build().expect_err("a link to a folder elsewhere"));
    assert!(err.contains("a-de-liang-dian"), "{err}");
    assert_eq!(
        std::fs::metadata(outside.join("index.html")).unwrap().nlink(),
        1,
        "a file elsewhere joined the site"
    );
    std::fs::remove_file(folder).unwrap();
    site.build_ok();
    assert_eq!(std::fs::read(&page).unwrap(), good);
    // and the site is a clean build's
    let clean = tempfile::tempdir().unwrap();
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.out = Some(clean.path().join("out"));
    opts.cache = false;
    gongkai::build(&opts).unwrap();
    assert!(tree(&out) == tree(&clean.path().join("out")));
}

// found by a hostile review: the cache's clean-up followed a link put in place of `parsed/` or
// `objects/`, and removed every file in the folders below it, and files put into them by hand
#[cfg(unix)]
#[test]
fn the_cache_removes_only_its_own_records_never_through_a_link() {
    let site = Site::new();
    site.case("a", "date = 2024-03-01", "正文甲。");
    site.build_ok();
    let cache = site.root().join(".gongkai-cache/build/public");
    let elsewhere = tempfile::tempdir().unwrap();
    let mut theirs = Vec::new();
    for part in ["parsed", "objects"] {
        let target = elsewhere.path().join(part);
        for file in ["photos/p.jpg", "ab/notes.txt", "top.txt"] {
            let path = target.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "mine").unwrap();
            theirs.push(path);
        }
        std::fs::remove_dir_all(cache.join(part)).unwrap();
        std::os::unix::fs::symlink(&target, cache.join(part)).unwrap();
    }
    // and a file put by hand into the real folder of each, after moving them back
    for round in 0..2 {
        site.case("a", "date = 2024-03-01", &format!("正文甲，第{round}次改过。"));
        site.build_ok();
    }
    for part in ["parsed", "objects"] {
        std::fs::remove_file(cache.join(part)).unwrap();
        let mine = cache.join(part).join("ab/mine.txt");
        std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
        std::fs::write(&mine, "mine").unwrap();
        theirs.push(mine);
    }
    site.case("a", "date = 2024-03-01", "正文甲，又改过。");
    site.build_ok();
    site.case("a", "date = 2024-03-01", "正文甲，再改过。");
    site.build_ok();
    for path in &theirs {
        assert_eq!(std::fs::read_to_string(path).unwrap(), "mine", "{} was removed", path.display());
    }
    // while the records of earlier builds are cleared: one page, one record
    let records = tree(&cache.join("parsed")).into_iter().filter(|(p, _)| !p.ends_with("mine.txt")).count();
    assert_eq!(records, 1, "old parsed pages were left");
}

/// `--out public/../public` and `--out public/.` name the output folder through itself: once
/// moved aside it could no longer be named, and the old site was left aside with no new one in
/// its place (found by a hostile review). Both now replace it as `--out public` does.
#[test]
fn an_output_folder_named_through_itself_is_replaced_as_any_other() {
    let site = Site::new();
    site.case("a", "", "第一版。");
    site.build_ok();
    for (n, out) in ["public/../public", "public/.", "./public/../public/."].into_iter().enumerate() {
        site.case("a", "", &format!("第{n}次改过。"));
        let mut opts = gongkai::BuildOptions::new(site.root());
        opts.out = Some(site.root().join(out));
        gongkai::build(&opts).unwrap_or_else(|e| panic!("{out}: {e:#}"));
        assert!(site.read_case("a").contains(&format!("第{n}次改过")), "{out}");
        let left: Vec<String> = std::fs::read_dir(site.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(left.is_empty(), "{out} left {left:?}");
    }
    // a folder made only to be passed through goes at once, and those made for a build that
    // fails go with it (found by a hostile review)
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.out = Some(site.root().join("x/../public/."));
    gongkai::build(&opts).unwrap();
    assert!(!site.root().join("x").exists(), "x/ was left");
    site.case("b", "", "电话13812345678。");
    opts.out = Some(site.root().join("n1/n2/n3"));
    assert!(gongkai::build(&opts).is_err());
    assert!(!site.root().join("n1").exists(), "n1/ was left");
}

/// A static file with the name of a file gongkai writes itself is refused at its path, by the
/// build and by `serve` alike (which served gongkai's own over it silently).
#[test]
fn a_static_file_named_as_gongkais_own_is_refused() {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.file("static/manifest.json", "{}");
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].path.ends_with("static/manifest.json") && errors[0].message.contains("manifest.json"));
    assert!(gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).is_err());
    // a folder of that name too: it failed with the system's own words on writing
    std::fs::remove_file(site.root().join("static/manifest.json")).unwrap();
    site.file("static/manifest.json.sig/a.txt", "x");
    let errors = site.build_err();
    assert!(errors.len() == 1 && errors[0].message.contains("manifest.json.sig"), "{errors:?}");
}
