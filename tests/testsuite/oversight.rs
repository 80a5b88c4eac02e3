//! Oversight (issue 17): the organisation tree, the disclosure catalogue and `gongkai report`.

use crate::common::Site;
use std::process::Command;

const ORGS: &str = "名称,上级,类型,地区\n甲镇党委,,党委,山西省/临汾市/浮山县\n一村党支部,甲镇党委,党支部,\n二村党支部,甲镇党委,党支部,\n三村党支部,甲镇党委,党支部,\n";

fn dues(org: &str, period: &str, published: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{org}{period}党费收缴使用情况公开\"\norg = \"{org}\"\ncategory = \"党费收缴使用\"\nperiod = \"{period}\"\npublished = {published}\n{extra}\n+++\n党费收缴使用情况如下。\n"
    )
}

/// Three branches: one on time, one late, one that never posted 2024Q3.
fn township() -> Site {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"测试站\"\n\n[[required]]\ncategory = \"党费收缴使用\"\nevery = \"quarter\"\nwithin_days = 10\n",
    )
    .file("data/orgs.csv", ORGS)
    .file("content/disclosures/a.md", &dues("一村党支部", "2024Q3", "2024-10-08", ""))
    .file("content/disclosures/b.md", &dues("二村党支部", "2024Q3", "2024-10-20", ""));
    site
}

fn report(site: &Site, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("report")
        .arg("--root")
        .arg(site.root())
        .args(args)
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn report_names_the_missing_branch_and_exits_1() {
    let site = township();
    let (code, out, err) = report(&site, &["--as-of", "2024-11-01"]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(out.contains("三村党支部\t党费收缴使用\t2024Q3\t未公开"), "{out}");
    assert!(out.contains("二村党支部\t党费收缴使用\t2024Q3\t逾期公开10天"), "{out}");
    assert!(!out.contains("一村"), "{out}");
    assert!(err.contains("应公开3项，未公开1项，逾期公开1项"), "{err}");

    let (_, json, _) = report(&site, &["--as-of", "2024-11-01", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["missing"], 1);
    assert_eq!(v["rows"][1]["org"], "三村党支部");
    assert_eq!(v["rows"][1]["period"], "2024Q3");

    let (_, csv, _) = report(&site, &["--as-of", "2024-11-01", "--format", "csv", "--org", "二村党支部"]);
    assert!(csv.starts_with('\u{feff}'), "CSV carries a BOM for Excel");
    assert_eq!(csv.lines().count(), 2, "{csv}");

    // before the due date nothing is missing
    let (code, out, _) = report(&site, &["--as-of", "2024-10-09"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn the_township_page_shows_the_same() {
    let site = township();
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.as_of = chrono::NaiveDate::from_ymd_opt(2024, 11, 1);
    gongkai::build(&opts).unwrap();
    let town = site.read("orgs/甲镇党委/index.html");
    assert!(town.contains("有未公开事项的下级组织"), "{town}");
    let missing_note = town.split("missing-note").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(missing_note.contains("三村党支部") && !missing_note.contains("一村"), "{missing_note}");
    assert!(town.contains("<svg"), "a chart of rates by child");
    assert!(town.contains("66.7%"), "two of three due items published: {town}");
    let branch = site.read("orgs/三村党支部/index.html");
    assert!(branch.contains("class=\"missing\""), "{branch}");
    let late = site.read("orgs/二村党支部/index.html");
    assert!(late.contains("逾期10天"), "{late}");
    let tree = site.read("orgs/index.html");
    assert!(tree.contains("甲镇党委") && tree.contains("depth-1"), "{tree}");
}

#[test]
fn party_only_items_count_in_the_party_edition_only() {
    let site = township();
    site.file(
        "content/disclosures/c.md",
        &dues("三村党支部", "2024Q3", "2024-10-09", "audience = \"party\""),
    );
    let (code, out, _) = report(&site, &["--as-of", "2024-11-01"]);
    assert_eq!(code, 1, "the public edition does not count it: {out}");
    let (code, out, _) = report(&site, &["--as-of", "2024-11-01", "--audience", "party"]);
    assert_eq!(code, 0, "{out}");
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.as_of = chrono::NaiveDate::from_ymd_opt(2024, 11, 1);
    gongkai::build(&opts).unwrap();
    let branch = site.read("orgs/三村党支部/index.html");
    assert!(!branch.contains("c/") && !branch.contains("党内"), "no trace of the party-only item: {branch}");
}

#[test]
fn tree_and_org_errors_name_file_and_line() {
    let site = township();
    site.file(
        "data/orgs.csv",
        "名称,上级\n甲镇党委,\n一村党支部,甲镇党委\n二村党支部,乙镇党委\n一村党支部,甲镇党委\n",
    );
    let errors = site.build_err();
    let at: Vec<(String, usize)> = errors.iter().map(|e| (e.path.display().to_string(), e.line)).collect();
    assert!(at.contains(&("data/orgs.csv".into(), 4)), "unknown parent: {errors:?}");
    assert!(at.contains(&("data/orgs.csv".into(), 5)), "duplicate: {errors:?}");

    let site = township();
    site.file("content/disclosures/x.md", &dues("三村支部", "2024Q3", "2024-10-08", ""));
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].path.to_str().unwrap(), errors[0].line), ("content/disclosures/x.md", 3));
    assert!(errors[0].hint.as_deref().unwrap().contains("三村党支部"), "{:?}", errors[0]);
}

#[test]
fn a_site_may_require_the_approval_record() {
    let site = township();
    site.file("site.toml", "title = \"测试站\"\nrequire_review = true\n");
    let errors = site.build_err();
    assert_eq!(errors.len(), 2, "both public disclosures lack an approval: {errors:?}");
    let approval = "[approval]\nchecked = { by = \"保密审查员\", date = 2024-10-05 }\napproved = { by = \"村党支部书记\", date = 2024-10-06 }";
    site.file("content/disclosures/a.md", &dues("一村党支部", "2024Q3", "2024-10-08", approval));
    site.file("content/disclosures/b.md", &dues("二村党支部", "2024Q3", "2024-10-20", approval));
    site.build_ok();
    let page = site.read("disclosures/a/index.html");
    assert!(page.contains("审批 村党支部书记（2024年10月6日）"), "{page}");
    let late = "[approval]\napproved = { by = \"书记\", date = 2024-10-30 }";
    site.file("content/disclosures/b.md", &dues("二村党支部", "2024Q3", "2024-10-20", late));
    let errors = site.build_err();
    assert!(errors[0].message.contains("after publication"), "{errors:?}");
}
