//! Disclosures and the privacy guard on fixture sites.

use crate::common::{self, tree, Site};

const ID: &str = "11010519491231002X";

fn disclosure(extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\npublished = 2024-09-27\n{extra}\n+++\n{body}\n")
}

#[test]
fn a_valid_id_anywhere_fails_the_build_masked() {
    for (file, text) in [
        (
            "content/cases/a.md",
            format!("+++\ntitle = \"x\"\npublisher = \"y\"\ndate = 2020-01-01\n+++\n正文\n\n身份证{ID}\n"),
        ),
        ("content/reviews/r.md", format!("+++\ntitle = \"x\"\nsource = \"{ID}\"\n+++\n正文\n")),
        (
            "content/disclosures/d.md",
            disclosure("", &format!("| 姓名 | 身份证号 |\n| --- | --- |\n| 王某 | {ID} |")),
        ),
    ] {
        let site = Site::new();
        site.file(file, &text);
        let errors = site.build_err();
        assert_eq!(errors.len(), 1, "{file}: {errors:?}");
        let message = errors[0].to_string();
        assert!(message.contains("1101**********002X"), "{message}");
        assert!(!message.contains(ID), "the message leaks the number: {message}");
        let expected_line = text.lines().position(|l| l.contains(ID)).unwrap() + 1;
        assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), (file, expected_line));
    }
}

#[test]
fn look_alikes_pass_and_contact_may_hold_a_mobile() {
    let site = Site::new();
    site.file(
        "content/disclosures/d.md",
        &disclosure(
            "contact = \"监督电话 13812345678\"",
            // an 18-digit number with no birth date inside (month 13); one with a valid area and
            // birth date is an ID whatever its check character (a hostile review's finding)
            "编号110105194913310028，金额1,234,567.89元，2024-09-27，订单号6222021234567890120。",
        ),
    );
    site.build_ok();
    site.file(
        "content/cases/c.md",
        "+++\ntitle = \"x\"\npublisher = \"y\"\ndate = 2020-01-01\n+++\n联系13812345678\n",
    );
    let errors = site.build_err();
    assert!(errors[0].message.contains("138****5678"), "{}", errors[0]);
}

#[test]
fn allow_list_names_the_number_itself_not_its_mask() {
    let site = Site::new();
    site.file(
        "content/cases/c.md",
        &format!("+++\ntitle = \"x\"\npublisher = \"y\"\nprivacy_allow = [\"{ID}\"]\ndate = 2020-01-01\n+++\n样例{ID}\n"),
    );
    site.build_ok();
    // a masked form would let through every number that masks alike
    site.file("content/cases/c.md", &format!("+++\ntitle = \"x\"\npublisher = \"y\"\nprivacy_allow = [\"1101**********002X\"]\ndate = 2020-01-01\n+++\n样例{ID}\n"));
    let errors = site.build_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].line, 4, "the masked entry is reported");
}

#[test]
fn check_mask_rewrites_in_place_and_then_builds() {
    let site = Site::new();
    site.file(
        "content/cases/c.md",
        &format!("+++\ntitle = \"x\"\npublisher = \"y\"\ndate = 2020-01-01\n+++\n身份证{ID}，手机138-1234-5678。\n"),
    );
    assert_eq!(gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap().diagnostics.len(), 2);
    let changes = gongkai::mask_content(site.root()).unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].line, 6);
    let text = std::fs::read_to_string(site.root().join("content/cases/c.md")).unwrap();
    assert!(text.contains("身份证1101**********002X，手机138****5678。"), "{text}");
    assert!(gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap().diagnostics.is_empty());
}

#[test]
fn full_birth_date_in_a_recruitment_notice_fails() {
    let site = Site::new();
    let table = "| 姓名 | 出生年月 |\n| --- | --- |\n| 王某 | 1996年3月 |\n| 李某 | 1999-11-02 |";
    site.file("content/disclosures/d.md", &disclosure("", table));
    let errors = site.build_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 11);
    assert!(errors[0].hint.as_deref().unwrap().contains("year and month"));
    // the same table in another category is not a member-development notice
    site.file("content/disclosures/d.md", &disclosure("", table).replace("发展党员", "组织生活"));
    site.build_ok();
}

#[test]
fn five_working_day_notice_skips_the_national_day_holiday() {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"t\"\n[calendar]\nholidays = [\"2024-10-01/2024-10-07\"]\nworkdays = [\"2024-09-29\", \"2024-10-12\"]\n",
    );
    site.file("content/disclosures/d.md", &disclosure("notice_days = 5\nworking_days = true", "正文"));
    site.build_ok();
    let html = site.read("disclosures/d/index.html");
    assert!(html.contains("2024年9月27日至2024年10月9日"), "{html}");
    assert!(html.contains("公示中"), "as of the newest date, 2024-09-27, the window is open");
}

#[test]
fn disclosure_listings_by_category_year_and_org() {
    let site = Site::new();
    let d = |period: &str, published: &str, title: &str| {
        format!("+++\ntitle = \"{title}\"\norg = \"示范村党支部\"\ncategory = \"党费收缴使用\"\nperiod = \"{period}\"\npublished = {published}\n+++\n正文\n")
    };
    site.file("content/disclosures/q1.md", &d("2024Q1", "2024-04-10", "第一季度党费"));
    site.file("content/disclosures/q3.md", &d("2024Q3", "2024-10-10", "第三季度党费"));
    site.file("content/disclosures/y23.md", &d("2023", "2024-01-15", "2023年度党费"));
    site.build_ok();
    let org = site.read("disclosures/orgs/示范村党支部/index.html");
    let order: Vec<usize> =
        ["第三季度党费", "第一季度党费", "2023年度党费"].iter().map(|t| org.find(t).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest period first");
    assert!(site.read("disclosures/categories/dues/index.html").contains("第一季度党费"));
    assert!(site.read("disclosures/years/2023/index.html").contains("2023年度党费"));
    assert!(!site.read("disclosures/years/2024/index.html").contains("2023年度党费"));
    assert!(site.read("disclosures/open/index.html").contains("共0篇"));
    assert!(site.read("disclosures/q3/index.html").contains("2024年第三季度"));
}

#[test]
fn example_site_public_build_has_no_trace_of_the_party_only_disclosure() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = gongkai::BuildOptions::new(common::example_root());
    opts.out = Some(dir.path().join("public"));
    gongkai::build(&opts).unwrap();
    for (path, bytes) in tree(&dir.path().join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        for trace in ["民主评议党员结果", "member-appraisal", "评定优秀党员"] {
            assert!(!text.contains(trace), "{path} contains {trace}");
        }
    }
    opts.audience = gongkai::Audience::Party;
    gongkai::build(&opts).unwrap();
    let page =
        std::fs::read_to_string(dir.path().join("public/disclosures/2024-member-appraisal/index.html"))
            .unwrap();
    assert!(page.contains("党内公开"));
}

#[test]
fn csv_data_is_guarded_and_masked_in_its_own_encoding() {
    let site = Site::new();
    let text = format!("姓名,身份证号\r\n王某,{ID}\r\n");
    let (csv, ..) = encoding_rs::GB18030.encode(&text);
    site.bytes("data/members.csv", &csv);
    site.case("a", "", "正文");
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), ("data/members.csv", 2));
    assert!(errors[0].message.contains("1101**********002X"));
    let changes = gongkai::mask_content(site.root()).unwrap();
    assert_eq!(changes.len(), 1);
    let bytes = std::fs::read(site.root().join("data/members.csv")).unwrap();
    let (text, _, had_errors) = encoding_rs::GB18030.decode(&bytes);
    assert!(!had_errors && text.contains("王某,1101**********002X"), "{text}");
    site.build_ok();
}

#[test]
fn disclosure_table_from_csv_and_its_birth_dates() {
    let site = Site::new();
    site.file("data/fees.csv", "季度,收缴党费(元)\n2024年第一季度,1236\n");
    site.file(
        "content/disclosures/fees.md",
        &disclosure("table = \"fees.csv\"", "党费公开如下。").replace("发展党员", "党费收缴使用"),
    );
    site.build_ok();
    let html = site.read("disclosures/fees/index.html");
    assert!(html.contains("2024年第一季度") && html.contains("1236"), "{html}");
    site.file("content/disclosures/fees.md", &disclosure("table = \"nope.csv\"", "正文"));
    let errors = site.build_err();
    assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), ("content/disclosures/fees.md", 6));
    site.file("data/people.csv", "姓名,出生年月\n王某,1990-05-12\n");
    site.file("content/disclosures/fees.md", &disclosure("table = \"people.csv\"", "正文"));
    let errors = site.build_err();
    assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), ("data/people.csv", 2));
}

/// The one diagnostic of a build of a site with `file`, as (path, line, message).
fn only_error(site: &Site) -> (String, usize, String) {
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    (e.path.to_string_lossy().into_owned(), e.line, e.message.clone())
}

const HEAD: &str = "+++\ntitle = \"公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\n";

/// Builds a disclosure with each front matter and checks its one diagnostic: (front matter,
/// line, words of the message).
fn each_is_one_error(cases: &[(&str, usize, &str)]) {
    for (front, line, words) in cases {
        let site = Site::new();
        site.file("content/disclosures/d.md", &format!("{HEAD}{front}\n+++\n正文\n"));
        let (path, at, message) = only_error(&site);
        assert_eq!((path.as_str(), at), ("content/disclosures/d.md", *line), "{front}: {message}");
        assert!(message.contains(words), "{front}: {message}");
    }
}

// issue #13: a date near the end of the calendar panicked the build, `-2024-05-01` was read as
// 2024-05-01, and periods in the year 0 or 2147483647 were accepted (the latter panicked)
#[test]
fn dates_and_periods_outside_sensible_years_are_diagnostics() {
    each_is_one_error(&[
        ("published = \"262142-12-31\"\nnotice_days = 5", 5, "is not a date"),
        ("published = \"262143-12-25\"\nnotice_days = 5\nworking_days = false", 5, "is not a date"),
        ("published = \"-2024-05-01\"", 5, "is not a date"),
        ("published = 2024-09-27\nperiod = \"0Q1\"", 6, "is not a period"),
        ("published = 2024-09-27\nperiod = \"2147483647-12\"", 6, "is not a period"),
        // a year no notice can have: 9999 passed every check of its window
        ("published = 9999-12-31", 5, "1921 to 2200"),
    ]);
    let site = Site::new();
    site.case("a", "date = \"-2024-05-01\"", "正文");
    let (path, line, message) = only_error(&site);
    assert_eq!((path.as_str(), line), ("content/cases/a.md", 4));
    assert!(message.contains("is not a date"), "{message}");
}

// issue #13: `notice_days = 4000000000` counted days past the end of the calendar and panicked
#[test]
fn endless_notices_are_diagnostics() {
    each_is_one_error(&[
        ("published = 2024-09-27\nnotice_days = 4000000000", 6, "longer than a year"),
        ("published = 2024-09-27\nnotice_days = 4000000000\nworking_days = false", 6, "longer than a year"),
        ("published = 2024-09-27\nnotice_days = 366\nworking_days = false", 6, "longer than a year"),
    ]);
    let site = Site::new();
    site.file(
        "content/disclosures/d.md",
        &format!("{HEAD}published = 2024-09-27\nnotice_days = 365\nworking_days = false\n+++\n正文\n"),
    );
    site.build_ok();
    assert!(site.read("disclosures/d/index.html").contains("2024年9月27日至2025年9月26日"));
}

#[test]
fn a_calendar_over_all_dates_is_refused_with_its_line() {
    let site = Site::new();
    site.file("site.toml", "title = \"t\"\n[calendar]\nholidays = [\n  \"2024-10-01/2024-10-07\",\n  \"0001-01-01/9999-12-31\",\n]\n");
    site.file("content/disclosures/d.md", &disclosure("notice_days = 5", "正文"));
    let (path, line, message) = only_error(&site);
    assert_eq!((path.as_str(), line), ("site.toml", 5));
    assert!(message.contains("outside the years 1949 to 2200"), "{message}");
}

#[test]
fn a_calendar_without_working_days_ends_the_notice_in_a_diagnostic() {
    // ten years of holidays, in ranges of 60 days each, from the day of publication
    let start = gongkai::text::parse_date("2024-09-27").unwrap();
    let ranges: Vec<String> = (0..62)
        .map(|i| {
            let from = start + chrono::Days::new(i * 60);
            format!("\"{from}/{}\"", from + chrono::Days::new(59))
        })
        .collect();
    let site = Site::new();
    site.file("site.toml", &format!("title = \"t\"\n[calendar]\nholidays = [{}]\n", ranges.join(", ")));
    site.file("content/disclosures/d.md", &disclosure("notice_days = 5", "正文"));
    let (path, line, message) = only_error(&site);
    assert_eq!((path.as_str(), line), ("content/disclosures/d.md", 6));
    assert!(message.contains("no 5 working days follow 2024-09-27"), "{message}");
}

/// Issue 16: the State Council's calendars ship with gongkai. A 2025 notice published on
/// Friday 26 September counts Sunday 28 September (调休) as a working day and skips 国庆 and
/// 中秋 (1–8 October) without any [calendar] in site.toml.
#[test]
fn a_2025_notice_counts_over_national_day_and_mid_autumn_without_a_calendar() {
    let site = Site::new();
    site.file("site.toml", "title = \"t\"\n");
    let text = disclosure("notice_days = 5\nworking_days = true", "正文").replace("2024-09-27", "2025-09-26");
    site.file("content/disclosures/d.md", &text);
    let report = site.build_ok();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = site.read("disclosures/d/index.html");
    assert!(html.contains("2025年9月26日至2025年10月9日"), "{html}");
}

/// A window reaching a year gongkai has no calendar for builds, with a warning naming the
/// year; `[calendar]` for that year silences it, and only adds to or overrides the official days.
#[test]
fn a_notice_reaching_a_year_without_a_calendar_is_a_warning() {
    let site = Site::new();
    site.file("site.toml", "title = \"t\"\n");
    let text = disclosure("notice_days = 5\nworking_days = true", "正文").replace("2024-09-27", "2027-01-04");
    site.file("content/disclosures/d.md", &text);
    let report = site.build_ok();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let w = &report.warnings[0];
    assert!(w.message.contains("2027") && w.path.ends_with("content/disclosures/d.md") && w.line > 0, "{w}");
    site.file(
        "site.toml",
        "title = \"t\"\n[calendar]\nholidays = [\"2027-01-01\"]\nworkdays = [\"2025-10-08\"]\n",
    );
    assert!(site.build_ok().warnings.is_empty(), "a year named in [calendar] is known");
    let text = disclosure("notice_days = 5\nworking_days = true", "正文").replace("2024-09-27", "2025-09-26");
    site.file("content/disclosures/d.md", &text);
    site.build_ok();
    let html = site.read("disclosures/d/index.html");
    assert!(
        html.contains("2025年9月26日至2025年10月8日"),
        "[calendar] overrides 10-08 to a working day: {html}"
    );
}

// found by a second hostile review: a traditional site showed a notice's category, status and
// audience in simplified script, and refused the category written in its own script
#[test]
fn a_traditional_site_names_a_notice_s_category_and_audience_in_its_script() {
    let site = Site::new();
    site.file("site.toml", "title = \"某縣\"\nbase_url = \"https://example.cn\"\nlanguage = \"zh-Hant\"\n");
    site.file(
        "content/disclosures/d.md",
        "+++\ntitle = \"公示\"\norg = \"示範村黨支部\"\ncategory = \"發展黨員\"\npublished = 2024-09-27\nnotice_days = 5\nlang = \"zh-Hant\"\n+++\n擬發展對象公示。\n",
    );
    site.build_ok();
    for path in ["disclosures/d/index.html", "disclosures/index.html"] {
        let html = site.read(path);
        assert!(html.contains("發展黨員"), "{path}");
        for simplified in ["发展党员", "对外公开", "已结束", "即将"] {
            assert!(!html.contains(simplified), "{simplified} in {path}");
        }
    }
    assert!(site.read("disclosures/d/index.html").contains("對外公開"));
}
