//! Checks in a real headless Chromium: the example site's pages render their labelled parts,
//! fit a phone's width, and the text-size switch works.

mod common;

use common::{chromium_dom, layout_probe};
use std::path::Path;

use common::build_example;

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn home_page_shows_the_seed_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let dom = chromium_dom(&file_url(&out.join("index.html")), 1000);
    for title in [
        "規范發展黨員工作",
        "科級干部個人事項報告實現全覆蓋",
        "管理信息共享平臺",
        "第一書記",
        "創新黨組織設置",
    ] {
        assert!(dom.contains(title), "home page lacks the case {title}");
    }
    assert!(dom.contains("五大行动筑牢战斗堡垒"), "home page lacks the 2020 review");
    assert!(
        !dom.contains("class=\"text-size\" role=\"group\" aria-label=\"字号\" hidden"),
        "the script did not run"
    );
}

#[test]
fn case_page_renders_labelled_parts_in_order_and_fits_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let case = std::fs::read_dir(out.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").exists() && !p.ends_with("page"))
        .min()
        .expect("a case page");
    let script = r#"
      var labels = Array.from(doc.querySelectorAll('.part-label'));
      r.push('labels ' + labels.map(function (l) { return l.textContent; }).join(','));
      r.push('visible ' + labels.every(function (l) { var b = l.getBoundingClientRect(); return b.width > 0 && b.height > 0; }));
      var tops = labels.map(function (l) { return l.getBoundingClientRect().top; });
      r.push('ordered ' + tops.every(function (t, i) { return i == 0 || t > tops[i - 1]; }));
      r.push('overflow ' + (doc.documentElement.scrollWidth > win.innerWidth));
      var size = parseFloat(win.getComputedStyle(doc.querySelector('.prose p')).fontSize);
      doc.querySelector('.text-size button[data-size=large]').click();
      var large = parseFloat(win.getComputedStyle(doc.querySelector('.prose p')).fontSize);
      r.push('larger ' + (large > size));
      r.push('lineheight ' + (parseFloat(win.getComputedStyle(doc.querySelector('.prose p')).lineHeight) / large).toFixed(1));
    "#;
    let probe = layout_probe(dir.path(), &file_url(&case.join("index.html")), 375, script);
    let dom = chromium_dom(&file_url(&probe), 800);
    assert!(dom.contains("labels 發布者,亮點,舉措,點評"), "{dom}");
    assert!(dom.contains("visible true"), "{dom}");
    assert!(dom.contains("ordered true"), "{dom}");
    assert!(dom.contains("overflow false"), "the page scrolls sideways on a phone: {dom}");
    assert!(dom.contains("larger true"), "the text-size switch does nothing: {dom}");
    assert!(dom.contains("lineheight 1.8"), "{dom}");
}

#[test]
fn case_pages_are_light_and_headings_keep_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let mut cases = 0;
    for entry in std::fs::read_dir(out.join("cases")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else { continue };
        if !html.contains("class=\"case\"") {
            continue;
        }
        cases += 1;
        assert!(html.len() < 60 * 1024, "{} is {} bytes", page.display(), html.len());
        // no heading level is skipped and the page's h1 comes before any h2
        let levels: Vec<u8> = html
            .match_indices("<h")
            .filter_map(|(i, _)| html.as_bytes().get(i + 2).copied())
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        assert_eq!(levels.first(), Some(&1), "{}: {levels:?}", page.display());
        assert!(levels.windows(2).all(|w| w[1] <= w[0] + 1), "{}: {levels:?}", page.display());
    }
    assert_eq!(cases, 5);
}

/// Issue 15: a notice states its window, and the page says 公示中 or 已结束 on the day it is
/// read, not on the day it was built; listings give each window's end.
#[test]
fn notice_status_follows_the_readers_day() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let page = out.join("disclosures/2024-development-candidates/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("公示期：2024年9月27日至2024年10月9日"), "the window is stated");
    // without the script the page says what held on the build's date, which stays true
    assert!(html.contains("（信息截至2024年12月31日：已结束）"), "{html}");
    let dom = chromium_dom(&file_url(&page), 1000);
    let badge = dom.split("data-status").nth(1).unwrap_or_default();
    assert!(badge.contains("今天") && badge.contains("已结束"), "the script did not judge by today: {badge}");

    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("公示至2025年1月3日"), "the open list says when each notice ends");
    let dom = chromium_dom(&file_url(&out.join("index.html")), 1000);
    assert!(
        dom.contains("status status-closed\" data-starts=\"2024-12-27\""),
        "the badge follows today: {dom}"
    );
}
