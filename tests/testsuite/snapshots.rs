//! Snapshots (insta) of what a small fixture site builds into on a fixed day: one page of each
//! kind, and each chart and the table as a page carries them, byte for byte. A change to a
//! template, a view or a chart's geometry shows up here as a diff to read and accept:
//! `INSTA_UPDATE=always cargo test --test testsuite snapshots::` rewrites the files in
//! `snapshots/` (or `cargo insta review`, where cargo-insta is installed), and `git diff` shows
//! what changed.

use crate::common::Site;

/// The build's date, so a notice's status (公示中) and every date the pages print stay put.
const AS_OF: &str = "2020-01-08";

/// The case's file name: its old address, `cases/shuangpei/`, is a redirect page.
const CASE: &str = "shuangpei";

fn fixture() -> Site {
    let site = Site::new();
    site.file(
        &format!("content/cases/{CASE}.md"),
        "+++\ntitle = \"以“双培”机制发展年轻党员\"\npublisher = \"某县委组织部\"\nauthors = [\"张某\", \"李某\"]\n\
         date = 2020-01-02\nregion = \"山西省/临汾市/某县\"\ntags = [\"发展党员\"]\n\
         commentary = \"把党员培养成骨干，把骨干培养成党员。\"\nsource = \"某县组织工作通报2020年第1期\"\n+++\n\
         某县在发展党员工作中推行“双培”机制，\n把致富能手培养成党员。\n\n\
         ## 一、主要做法\n\n1. 建立后备人选库；\n2. 实行“一对一”培养。\n\n\
         ## 二、取得成效\n\n全县新发展35岁以下党员**120名**。\n",
    );
    site.file(
        "content/disclosures/candidates.md",
        "+++\ntitle = \"示范村党支部关于发展对象的公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\n\
         period = \"2020\"\npublished = 2020-01-06\nnotice_days = 5\n\
         contact = \"监督电话：0357-5551234（某镇党委组织办）\"\n+++\n\
         经支部委员会研究，拟将下列同志列为发展对象，现予以公示。\n\n\
         | 姓名 | 性别 | 学历 |\n| --- | --- | --- |\n| 王某某 | 男 | 大专 |\n",
    );
    site.file(
        "data/county.csv",
        "年份,党员总数(名),基层党组织(个),经费(元)\n2017,11230,490,2800万元\n2018,11520,498,3100万元\n\
         2019,12016,504,3600万余元\n",
    );
    site.file(
        "data/county.toml",
        "title = \"某县党建数据\"\nsource = \"某县委组织部\"\n[columns]\n\"年份\" = \"text\"\n",
    );
    site.file("data/education.csv", "学历,人数(名)\n大专及以上,5200\n高中,3900\n初中及以下,2916\n");
    site.file("data/education.toml", "title = \"党员学历构成\"\nsource = \"某县委组织部\"\n");
    site.file(
        "content/reviews/2019.md",
        "+++\ntitle = \"2019年度基层党建巡礼\"\nyear = 2019\n+++\n\
         全县共有党员{{ stat(data=\"county.csv\", row=\"2019\", col=\"党员总数(名)\") }}名。\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\"], kind=\"bar\", title=\"党员总数\") }}\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\", \"基层党组织(个)\"], kind=\"line\", title=\"党员与党组织\") }}\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\", \"基层党组织(个)\"], kind=\"stacked\", title=\"合计\") }}\n\n\
         {{ chart(data=\"education.csv\", kind=\"pie\", title=\"党员学历构成\") }}\n\n\
         {{ table(data=\"county.csv\", columns=[\"年份\", \"经费(元)\"]) }}\n",
    );
    site.file(
        "content/about.md",
        "+++\ntitle = \"关于本站\"\n+++\n本站公开某县基层党建的经验、事项与数据。\n",
    );
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.as_of = Some(gongkai::text::parse_date(AS_OF).unwrap());
    opts.cache = false;
    if let Err(e) = gongkai::build(&opts) {
        panic!("the snapshot fixture builds: {e:#}");
    }
    site
}

/// Compares `text` with `snapshots/NAME.snap`.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// The one element of `html` that opens with `start` (`<figure class="chart chart-bar">`),
/// through the end tag that closes it.
fn element<'a>(html: &'a str, start: &str) -> &'a str {
    assert_eq!(html.matches(start).count(), 1, "one {start} in the page");
    let at = html.find(start).unwrap();
    let tag = start[1..].split([' ', '>']).next().unwrap();
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0;
    let mut i = at;
    loop {
        let next_open = html[i + 1..].find(&open).map(|j| i + 1 + j);
        let next_close = html[i..].find(&close).map(|j| i + j).expect("a closing tag");
        match next_open {
            Some(o) if o < next_close => {
                depth += 1;
                i = o;
            }
            _ if depth > 0 => {
                depth -= 1;
                i = next_close + 1;
            }
            _ => return &html[at..next_close + close.len()],
        }
    }
}

#[test]
fn the_fixtures_files() {
    let site = fixture();
    let files: Vec<String> = crate::common::tree(&site.out()).into_iter().map(|(path, _)| path).collect();
    snapshot("files", &files.join("\n"));
}

#[test]
fn home_page() {
    snapshot("page_home", &fixture().read("index.html"));
}

#[test]
fn case_page() {
    let site = fixture();
    let page = site.read_case(CASE);
    assert!(page.contains("以“双培”机制发展年轻党员"), "{page}");
    snapshot("page_case", &page);
}

/// The page left at the case's old address (`cases/FILE-STEM/`), pointing to its new one.
#[test]
fn redirect_page_of_a_moved_case() {
    let page = fixture().read(&format!("cases/{CASE}/index.html"));
    assert!(page.contains("<article class=\"moved\">"), "{page}");
    snapshot("page_redirect", &page);
}

#[test]
fn disclosure_page() {
    let page = fixture().read("disclosures/candidates/index.html");
    assert!(page.contains("公示中"), "open on the build's day: {page}");
    snapshot("page_disclosure", &page);
}

#[test]
fn review_page_with_charts() {
    snapshot("page_review", &fixture().read("reviews/2019/index.html"));
}

#[test]
fn plain_page() {
    snapshot("page_plain", &fixture().read("about/index.html"));
}

#[test]
fn listing_page() {
    snapshot("page_listing", &fixture().read("cases/index.html"));
}

#[test]
fn tag_page() {
    snapshot("page_tag", &fixture().read("tags/发展党员/index.html"));
}

#[test]
fn dataset_page() {
    snapshot("page_data", &fixture().read("data/county/index.html"));
}

#[test]
fn each_chart_kind_and_the_table() {
    let review = fixture().read("reviews/2019/index.html");
    for kind in ["bar", "line", "stacked", "pie"] {
        let figure = element(&review, &format!("<figure class=\"chart chart-{kind}\">"));
        assert!(figure.contains(&format!("chart-svg-{kind}")), "{figure}");
        snapshot(&format!("chart_{kind}"), figure);
    }
    snapshot("chart_table", element(&review, "<div class=\"data-block\">"));
}
