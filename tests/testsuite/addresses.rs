//! Issue 15: a case's address is its date and a short slug (`cases/2017/slug/`); its old
//! address (`cases/FILE-STEM/`) keeps working as a redirect page, which the sitemap, search,
//! feeds, audience and privacy rules and the link checker all know about.

use crate::common::{tree, Site};

fn all_text(site: &Site) -> String {
    tree(&site.out()).into_iter().map(|(p, b)| format!("{p}\n{}\n", String::from_utf8_lossy(&b))).collect()
}

#[test]
fn a_case_lives_at_its_date_and_slug_and_its_old_address_redirects() {
    let site = Site::new();
    site.case("002-474f3c114e6c0acf-001", "date = 2017-03-01", "举措正文。");
    site.build_ok();
    let page = site.read("cases/2017/002-474f3c114e6c0acf-001-de-liang-dian/index.html");
    assert!(page.contains("2017年3月1日"), "the case shows its date");
    let moved = site.read("cases/002-474f3c114e6c0acf-001/index.html");
    let new = "cases/2017/002-474f3c114e6c0acf-001-de-liang-dian/";
    assert!(
        moved.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url=../../{new}\">")),
        "{moved}"
    );
    assert!(
        moved.contains(&format!("<link rel=\"canonical\" href=\"https://example.org/{new}\">")),
        "{moved}"
    );
    assert!(moved.contains("<meta name=\"robots\" content=\"noindex\">"), "{moved}");
    assert!(
        moved.contains("本页地址已更改") && moved.contains(&format!("<a href=\"../../{new}\"")),
        "{moved}"
    );
    assert!(!moved.contains("举措正文"), "a redirect is no second copy of the page");
    // the redirect is no page: no sitemap entry, feed entry or search entry points to it
    for (path, bytes) in tree(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        if path.ends_with(".xml") || path.starts_with("search/") {
            assert!(!text.contains("cases/002-474f3c114e6c0acf-001/"), "{path} knows only the old address");
        }
    }
    assert!(site.read("sitemap.xml").contains(new));
    assert!(site.read("cases/atom.xml").contains(new));
    let search: String = tree(&site.out())
        .into_iter()
        .filter(|(p, _)| p.starts_with("search/"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(search.contains(new), "the search index has the new address");
    // a case without a date is refused, naming the file, its line and the key to write
    site.file(
        "content/cases/undated.md",
        "+++\ntitle = \"无日期\"\npublisher = \"某县委组织部\"\n+++\n正文。\n",
    );
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), ("content/cases/undated.md", 1));
    assert!(errors[0].hint.as_deref().unwrap().contains("date = "), "{}", errors[0]);
}

#[test]
fn slugs_made_alike_are_kept_apart_the_same_way_every_time() {
    let site = Site::new();
    let same = |name: &str, date: &str| {
        site.file(
            &format!("content/cases/{name}.md"),
            &format!("+++\ntitle = \"三会一课规范化\"\npublisher = \"某县委组织部\"\ndate = {date}\n+++\n{name}的正文。\n"),
        );
    };
    same("z-first", "2018-01-05");
    same("a-second", "2018-06-01");
    same("m-third", "2018-06-01");
    site.case("given", "date = 2018-02-01\nslug = \"san-hui-yi-ke-gui-fan-hua-3\"", "手写的地址。");
    site.build_ok();
    let first = tree(&site.out());
    let at = |slug: &str| site.read(&format!("cases/2018/{slug}/index.html"));
    // the earliest keeps the plain slug; the same day goes by file name; a slug written by hand
    // is never moved, so a made one steps over it
    assert!(at("san-hui-yi-ke-gui-fan-hua").contains("z-first的正文"));
    assert!(at("san-hui-yi-ke-gui-fan-hua-2").contains("a-second的正文"));
    assert!(at("san-hui-yi-ke-gui-fan-hua-3").contains("手写的地址"));
    assert!(at("san-hui-yi-ke-gui-fan-hua-4").contains("m-third的正文"));
    assert!(site.read_case("m-third").contains("m-third的正文"), "the old address follows");
    site.build_ok();
    assert_eq!(first, tree(&site.out()), "byte-identical output");
    // two slugs written by hand that meet are an error naming both files
    site.case("given2", "date = 2018-03-01\nslug = \"san-hui-yi-ke-gui-fan-hua-3\"", "又一个。");
    let errors = site.build_err();
    let both = format!("{} {}", errors[0].path.display(), errors[0].message);
    assert!(both.contains("content/cases/given.md") && both.contains("content/cases/given2.md"), "{both}");
}

#[test]
fn a_party_only_case_leaves_no_redirect_or_trace_in_the_public_build() {
    let site = Site::new();
    let case = |name: &str, audience: &str, body: &str| {
        site.file(
            &format!("content/cases/{name}.md"),
            &format!("+++\ntitle = \"流动党员管理\"\npublisher = \"某县委组织部\"\ndate = 2019-04-01\n{audience}\n+++\n{body}\n"),
        );
    };
    case("secret-case", "audience = \"party\"", "内部掌握的做法。");
    case("open-case", "", "公开的做法。");
    site.build_ok();
    let public = all_text(&site);
    assert!(
        !public.contains("secret-case") && !public.contains("内部掌握"),
        "a trace of the party-only case"
    );
    assert!(!site.out().join("cases/secret-case").exists(), "no redirect at its old address");
    assert!(!site.out().join("cases/2019/liu-dong-dang-yuan-guan-li-2").exists());
    // the public case keeps the plain slug: a party-only one never moves it
    assert!(site.read("cases/2019/liu-dong-dang-yuan-guan-li/index.html").contains("公开的做法"));

    let mut party = gongkai::BuildOptions::new(site.root());
    party.audience = gongkai::Audience::Party;
    party.out = Some(site.root().join("party"));
    gongkai::build(&party).unwrap();
    let read = |rel: &str| std::fs::read_to_string(site.root().join("party").join(rel)).unwrap();
    assert!(read("cases/2019/liu-dong-dang-yuan-guan-li/index.html").contains("公开的做法"));
    assert!(read("cases/2019/liu-dong-dang-yuan-guan-li-2/index.html").contains("内部掌握的做法"));
    assert!(read("cases/secret-case/index.html").contains("liu-dong-dang-yuan-guan-li-2/"));
}

#[test]
fn an_address_never_carries_a_personal_number() {
    let site = Site::new();
    // the title passes (an amount in 元), and the long number stays out of the made slug
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"收到捐款13812345678元\"\npublisher = \"某县委组织部\"\ndate = 2019-01-01\n+++\n正文。\n",
    );
    site.build_ok();
    assert!(site.out().join("cases/2019/shou-dao-juan-kuan-yuan/index.html").exists());
    // figures each short enough for a slug, that read together as a mobile, are refused there
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"捐款138 1234 5678元\"\npublisher = \"某县委组织部\"\ndate = 2019-01-01\n+++\n正文。\n",
    );
    let errors = site.build_err();
    let shown = errors[0].to_string();
    assert!(shown.contains("138****5678") && !shown.contains("13812345678"), "{shown}");
    assert!(shown.contains("web address") && errors[0].line == 2, "{shown}");
    assert!(errors[0].hint.as_deref().unwrap().contains("slug"), "{shown}");
    // a slug written by hand is read by the guard like any front matter value
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"捐款\"\nslug = \"138-1234-5678\"\npublisher = \"某县委组织部\"\ndate = 2019-01-01\n+++\n正文。\n",
    );
    let errors = site.build_err();
    assert!(errors.iter().any(|e| e.to_string().contains("138****5678") && e.line == 3), "{errors:?}");
}

#[test]
fn the_link_checker_knows_old_and_new_addresses() {
    let site = Site::new();
    site.file("static/images/photo.png", "not really a png");
    site.case("a", "slug = \"a\"", "甲。");
    site.case("b", "", "[旧址](../../a/)\n\n![照片](../../images/photo.png)\n\n[新址](../a/)");
    let report = gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap();
    assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
    let broken = &report.diagnostics[0];
    assert_eq!(broken.line, 8, "{broken}");
    assert!(broken.hint.as_deref().unwrap().contains("../../../images/photo.png"), "{broken}");
    let old = report.warnings.iter().find(|w| w.message.contains("old address")).expect("a warning");
    assert_eq!(old.line, 6, "{old}");
    assert!(old.hint.as_deref().unwrap().contains("../../../cases/2020/a/"), "{old}");
}

#[test]
fn two_cases_given_one_slug_fail_every_edition_alike() {
    let site = Site::new();
    let case = |name: &str, audience: &str| {
        site.file(
            &format!("content/cases/{name}.md"),
            &format!(
                "+++\ntitle = \"流动党员管理\"\npublisher = \"某县委组织部\"\ndate = 2019-04-01\nslug = \"same\"\n{audience}\n+++\n正文。\n"
            ),
        );
    };
    case("inner", "audience = \"party\"");
    case("open", "");
    // the public edition hides the party-only case, but must refuse the clash as the party
    // edition does: otherwise the party edition breaks on content the public one accepted
    let public = site.build_err();
    let mut party = gongkai::BuildOptions::new(site.root());
    (party.audience, party.out) = (gongkai::Audience::Party, Some(site.root().join("party")));
    let party = gongkai::build(&party).expect_err("the party edition refuses it too");
    assert_eq!(Some(public.as_slice()), party.diagnostics());
    assert!(public[0].message.contains("/cases/2019/same/"), "{}", public[0]);
    assert!(!site.out().exists(), "nothing was written");
}

/// A page at an address where gongkai makes a page of its own is refused at its file, before
/// anything is written: not two outputs failing on one file with a word about static files
/// (found by a hostile review), nor, under `serve`, one replacing the other.
#[test]
fn a_page_at_an_address_gongkai_makes_is_refused_at_its_file() {
    let site = Site::new();
    site.case("a", "tags = [\"党建\"]", "正文。");
    site.file("content/search.md", "+++\ntitle = \"搜索\"\n+++\n正文\n");
    site.file("content/tags.md", "+++\ntitle = \"标签\"\n+++\n正文\n");
    site.file("content/about.md", "+++\ntitle = \"关于\"\n+++\n正文\n");
    // a dataset's page, and the folder of the archived editions, now or later
    site.file("data/党员统计.csv", "年份,人数\n2024,3\n");
    site.file("content/data/党员统计.md", "+++\ntitle = \"统计\"\n+++\n正文\n");
    site.file("content/archive/v9.md", "+++\ntitle = \"存档\"\n+++\n正文\n");
    let errors = site.build_err();
    let mut named: Vec<String> = errors.iter().map(|d| d.path.display().to_string()).collect();
    named.sort();
    assert_eq!(
        named,
        ["content/archive/v9.md", "content/data/党员统计.md", "content/search.md", "content/tags.md"],
        "{errors:?}"
    );
    std::fs::remove_file(site.root().join("content/data/党员统计.md")).unwrap();
    std::fs::remove_file(site.root().join("content/archive/v9.md")).unwrap();
    let search = errors.iter().find(|d| d.path.ends_with("search.md")).unwrap();
    assert!(search.message.contains("/search/") && search.message.contains("search page"), "{search}");
    assert!(search.hint.as_deref().unwrap().contains("slug"), "{search}");
    assert!(!site.out().exists(), "nothing is written");
    // under serve, the same page made while it runs is refused as the build refuses it
    std::fs::remove_file(site.root().join("content/search.md")).unwrap();
    std::fs::remove_file(site.root().join("content/tags.md")).unwrap();
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).unwrap();
    site.file("content/search.md", "+++\ntitle = \"搜索\"\n+++\n正文\n");
    let err = session.update(&[std::path::PathBuf::from("content/search.md")]).unwrap_err();
    assert!(format!("{err:?}").contains("search.md"), "{err:?}");
    let served = String::from_utf8(session.read("search/index.html").unwrap()).unwrap();
    assert!(served.contains("id=\"search-results\""), "the search page stays: {served}");
}
