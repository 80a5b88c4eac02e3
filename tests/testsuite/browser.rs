//! Checks in a real headless Chromium: the example site's pages render their labelled parts,
//! fit a phone's width, and the text-size switch works.

use crate::common::{self, build_example, chromium_dom, layout_probe};
use std::path::Path;

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
    // issue 15: the cases of 2015 are at cases/2015/SLUG/
    let case = std::fs::read_dir(out.join("cases/2015"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").exists())
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
    // issue 15: the title (亮點) comes first, as an official column's item does; the other
    // parts of the bulletin follow in their order
    assert!(dom.contains("labels 亮點,發布者,舉措,點評"), "{dom}");
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
    for entry in std::fs::read_dir(out.join("cases/2015")).unwrap() {
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

/// Issue 15: a traditional-script case on a simplified site keeps the site's chrome and
/// `<html lang>`, and marks its own article zh-Hant, with every label inside it traditional.
#[test]
fn traditional_case_on_a_simplified_site_marks_its_own_article() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let case = out.join("cases/2015/yong-yi-zhi-du-san-ban-fa-yi/index.html");
    let script = r#"
      r.push('html ' + doc.documentElement.lang);
      var a = doc.querySelector('article');
      r.push('article ' + a.lang);
      // the site's own terms (tags, regions) are marked in the site's script
      var own = a.cloneNode(true);
      own.querySelectorAll('[lang]').forEach(function (e) { if (e.lang !== a.lang) e.remove(); });
      r.push('text ' + own.textContent.replace(/\s+/g, ''));
      r.push('nav ' + doc.querySelector('.site-nav').textContent.replace(/\s+/g, ''));
    "#;
    let probe = layout_probe(dir.path(), &file_url(&case), 1000, script);
    let dom = chromium_dom(&file_url(&probe), 1200);
    assert!(dom.contains("html zh-CN"), "{dom}");
    assert!(dom.contains("article zh-Hant"), "{dom}");
    assert!(dom.contains("nav 首页经验交流党务公开"), "the chrome follows the site: {dom}");
    let text = dom.lines().find(|l| l.starts_with("text ")).unwrap();
    for label in ["發布者", "亮點", "舉措", "點評", "經驗交流", "內容校驗碼"] {
        assert!(text.contains(label), "{label} missing: {text}");
    }
    for simplified in [
        "发布者",
        "亮点",
        "举措",
        "点评",
        "经验交流",
        "内容校验码",
        "阅读约",
        "标签",
        "地区",
        "第1条",
        "seeds/",
    ] {
        assert!(
            !text.contains(simplified),
            "a simplified or internal label {simplified} inside the zh-Hant article: {text}"
        );
    }
}

/// The axe-core engine, installed from npm by .ci/run.
fn axe_core() -> std::path::PathBuf {
    let path = common::example_root().join("target/axe/node_modules/axe-core/axe.min.js");
    assert!(
        path.exists(),
        "axe-core is not installed: run `mkdir -p target/axe && cd target/axe && npm install --no-save --prefix . axe-core@4.14.1` (as .ci/run does)"
    );
    path
}

/// Runs axe-core inside `target` in Chromium and returns what it reports, one line a rule
/// with serious or critical violations, then `done`.
fn axe(dir: &Path, target: &str, width: u32) -> String {
    let probe = dir.join(format!("axe-{width}.html"));
    let html = format!(
        r#"<!DOCTYPE html><meta charset="utf-8"><title>axe</title><body><pre id="out">pending</pre>
<iframe id="f" src="{target}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var doc = this.contentDocument, win = this.contentWindow, out = document.getElementById('out');
  var s = doc.createElement('script');
  s.src = '{axe}';
  s.onload = function () {{
    win.axe.run(doc, {{ runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }}).then(function (res) {{
      out.textContent = res.violations
        .filter(function (v) {{ return v.impact === 'serious' || v.impact === 'critical'; }})
        .map(function (v) {{ return 'violation ' + v.id + ' ' + v.impact + ': ' + v.nodes.map(function (n) {{ return n.target.join(' '); }}).join(', '); }})
        .concat(['done ' + res.passes.length + ' passed']).join('\n');
    }}, function (e) {{ out.textContent = 'error ' + e; }});
  }};
  doc.head.appendChild(s);
}});
</script>"#,
        axe = file_url(&axe_core()),
    );
    std::fs::write(&probe, html).unwrap();
    let dom = chromium_dom(&file_url(&probe), 1300);
    let out = dom.split("<pre id=\"out\">").nth(1).and_then(|s| s.split("</pre>").next());
    out.unwrap_or(&dom).to_string()
}

/// Issue 15: one page of each type, checked by axe-core in a real browser (no serious or
/// critical violation), and kept as pictures for a reviewer: screenshots at 1280 and 390
/// pixels and the print PDF, in target/screenshots/.
#[test]
fn each_page_type_passes_axe_and_is_kept_as_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let moved = std::fs::read_to_string(out.join("cases/002-474f3c114e6c0acf-001/index.html")).unwrap();
    assert!(moved.contains("http-equiv=\"refresh\""), "the old address redirects");
    let still: String =
        moved.lines().filter(|l| !l.contains("http-equiv=\"refresh\"")).collect::<Vec<_>>().join("\n");
    std::fs::write(out.join("cases/002-474f3c114e6c0acf-001/still.html"), still).unwrap();
    let pages = [
        ("home", "index.html"),
        ("list", "disclosures/index.html"),
        ("disclosure", "disclosures/2024q3-three-meetings/index.html"),
        ("case", "cases/2015/yong-yi-zhi-du-san-ban-fa-yi/index.html"),
        ("case-list", "cases/index.html"),
        // the old address of that case as a reader sees it when the browser does not move on
        // (a copy without the refresh: with it, Chromium shoots the page it goes to)
        ("moved", "cases/002-474f3c114e6c0acf-001/still.html"),
        ("review", "reviews/2020-jiangxian/index.html"),
        ("data", "data/index.html"),
        ("archived", "archive/2024/disclosures/2024q3-three-meetings/index.html"),
    ];
    let mut found = Vec::new();
    for (name, rel) in pages {
        let url = file_url(&out.join(rel));
        let report = axe(dir.path(), &url, 1280);
        assert!(report.contains("done "), "{name}: axe did not finish: {report}");
        eprintln!(
            "{name}: {}",
            report
                .lines()
                .filter(|l| l.starts_with("done") || l.starts_with("violation"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        found.extend(report.lines().filter(|l| l.starts_with("violation")).map(|l| format!("{name}: {l}")));
        for width in [1280, 390] {
            let shot = common::keep_dir().join(format!("{name}-{width}.png"));
            let shot_arg = format!("--screenshot={}", shot.display());
            let size = format!("--window-size={width},1600");
            common::chromium(&["--hide-scrollbars", &size, &shot_arg, &url]);
            assert!(shot.exists(), "{name}: no screenshot at {width}");
        }
        let work = dir.path().join(name);
        std::fs::create_dir_all(&work).unwrap();
        common::keep(&common::chromium_pdf(&url, &work), &format!("{name}.pdf"));
    }
    assert!(found.is_empty(), "serious or critical accessibility violations:\n{}", found.join("\n"));
}

/// Issue 15: chart labels stay readable on a phone (at least 12 px at 390 px wide) and grow in
/// 大字 mode; a wide table scrolls inside its frame and the page itself never scrolls sideways.
#[test]
fn charts_and_tables_stay_readable_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let page = out.join("disclosures/2024q4-party-fees/index.html");
    let script = r#"
      function smallest() {
        var svg = doc.querySelector('.chart-svg');
        var scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return Math.min.apply(null, Array.from(svg.querySelectorAll('text')).map(function (t) {
          return parseFloat(t.getAttribute('font-size')) * scale;
        }));
      }
      var before = smallest();
      r.push('chart ' + before.toFixed(1));
      r.push('overflow ' + (doc.documentElement.scrollWidth > win.innerWidth));
      var th = doc.querySelector('.data-block th');
      r.push('cell ' + (th.getBoundingClientRect().height < 40));
      doc.querySelector('[data-size=large]').click();
      r.push('grows ' + (smallest() > before));
      var header = doc.querySelector('.site-header').getBoundingClientRect().height;
      r.push('header ' + (header < 0.25 * 800));
    "#;
    let probe = layout_probe(dir.path(), &file_url(&page), 390, script);
    let dom = chromium_dom(&file_url(&probe), 500);
    let size: f64 =
        dom.split("chart ").nth(1).and_then(|s| s.split_whitespace().next()).unwrap().parse().unwrap();
    assert!(size >= 12.0, "chart text is {size} px on a phone: {dom}");
    assert!(dom.contains("overflow false"), "the page scrolls sideways: {dom}");
    assert!(dom.contains("cell true"), "a table cell wraps one character a line: {dom}");
    assert!(dom.contains("grows true"), "chart text does not grow with 大字: {dom}");
    assert!(dom.contains("header true"), "the header takes a quarter of the first screen: {dom}");
}
