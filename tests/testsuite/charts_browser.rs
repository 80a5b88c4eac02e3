//! Charts in a real headless Chromium with the Noto CJK fonts: every label of every chart
//! (Chinese categories, legends, axis numbers) is drawn inside its SVG's box and no two
//! labels overlap, at a desktop width and at a phone's.

use crate::common::{self, chromium_dom, layout_probe, Site};

use std::path::Path;

/// Reports, per chart, how many labels it has and every label that leaves the SVG's box or
/// overlaps another (boxes as the browser lays them out, half a pixel of tolerance).
const PROBE: &str = r#"
  var svgs = Array.from(doc.querySelectorAll('svg.chart-svg'));
  r.push('svgs ' + svgs.length);
  var bad = [], cjk = 0;
  svgs.forEach(function (svg, k) {
    var box = svg.getBoundingClientRect();
    var texts = Array.from(svg.querySelectorAll('text'));
    var boxes = texts.map(function (t) { return t.getBoundingClientRect(); });
    var scale = box.width / svg.viewBox.baseVal.width;
    boxes.forEach(function (b, i) {
      var name = k + ' `' + texts[i].textContent + '`';
      r.push('width ' + texts[i].getAttribute('font-size') + ' ' + (b.width / scale).toFixed(2) + ' ' + texts[i].textContent);
      if (/[\u4e00-\u9fff]/.test(texts[i].textContent)) cjk++;
      if (b.width <= 0 || b.height <= 0) bad.push('empty ' + name);
      if (b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5)
        bad.push('outside ' + name);
      for (var j = 0; j < i; j++) {
        var c = boxes[j];
        if (b.left < c.right - 0.5 && c.left < b.right - 0.5 && b.top < c.bottom - 0.5 && c.top < b.bottom - 0.5)
          bad.push('overlap ' + name + ' / `' + texts[j].textContent + '`');
      }
    });
    r.push('labels ' + k + ' ' + texts.length + ' in ' + Math.round(box.width) + 'x' + Math.round(box.height));
  });
  r.push('cjk ' + cjk);
  r.push('overflow ' + (doc.documentElement.scrollWidth > win.innerWidth));
  r.push('bad ' + bad.length);
  bad.forEach(function (b) { r.push(b); });
"#;

/// Runs the probe on `page` at `width` and returns its lines.
fn probe(dir: &Path, page: &Path, width: u32) -> Vec<String> {
    let probe = layout_probe(dir, &format!("file://{}", page.display()), width, PROBE);
    let dom = chromium_dom(&format!("file://{}", probe.display()), width + 40);
    let start = dom.find("<pre id=\"out\">").expect("the probe page") + "<pre id=\"out\">".len();
    let out = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    out.lines().map(|l| l.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")).collect()
}

fn assert_clean(lines: &[String], charts: usize) {
    let text = lines.join("\n");
    assert!(lines.contains(&format!("svgs {charts}")), "expected {charts} charts:\n{text}");
    assert!(lines.contains(&"bad 0".to_string()), "labels clip or overlap:\n{text}");
    assert!(lines.contains(&"overflow false".to_string()), "the page is wider than the window:\n{text}");
    let cjk: usize = lines.iter().find_map(|l| l.strip_prefix("cjk ")).unwrap().parse().unwrap();
    assert!(cjk >= charts, "Chinese labels are drawn in the SVGs:\n{text}");
    assert_metrics_not_short(lines);
}

/// The widths the layout used (the shipped glyph metrics, with room for Chromium rounding
/// each advance to whole pixels on a phone) are not narrower than what the browser drew,
/// and not wildly wider either (that would waste room and wrap needlessly).
fn assert_metrics_not_short(lines: &[String]) {
    for line in lines.iter().filter_map(|l| l.strip_prefix("width ")) {
        let mut parts = line.splitn(3, ' ');
        let size: f64 = parts.next().unwrap().parse().unwrap();
        let drawn: f64 = parts.next().unwrap().parse().unwrap();
        let label = parts.next().unwrap_or("");
        let estimate = gongkai::charts::metrics::width(label, size);
        assert!(drawn <= estimate + 0.5, "`{label}` is drawn {drawn:.1} wide but was measured {estimate:.1}");
        assert!(
            estimate <= drawn * 1.25 + 2.0,
            "`{label}` was measured {estimate:.1}, far wider than {drawn:.1}"
        );
    }
}

/// Long Chinese labels, many categories, several series: the cases where labels collide.
const CSV: &str = "类别,一级标牌数量(个),二级标牌数量(个),三级标牌数量(个)\n\
                   农村党群服务中心（含合并村）,17,15,3\n\
                   社区党群服务中心,14,14,2\n\
                   非公企业党群服务中心,6,4,1\n\
                   社会组织党群服务中心,3,2,0\n\
                   经济开发区综合党群服务中心,2,1,1\n\
                   机关党群服务中心,8,5,2\n\
                   学校党群服务中心,4,4,3\n\
                   医院党群服务中心,5,3,1\n";

#[test]
fn chart_labels_stay_inside_their_svg_without_overlapping() {
    let site = Site::new();
    site.file("data/centres.csv", CSV);
    site.file(
        "content/reviews/r.md",
        "+++\ntitle = \"图表\"\nyear = 2020\n+++\n\
         {{ chart(data=\"centres.csv\", y=\"一级标牌数量(个)\", kind=\"bar\", title=\"柱状图\") }}\n\n\
         {{ chart(data=\"centres.csv\", kind=\"bar\", title=\"分组柱状图\") }}\n\n\
         {{ chart(data=\"centres.csv\", kind=\"stacked\", title=\"堆积柱状图\") }}\n\n\
         {{ chart(data=\"centres.csv\", kind=\"line\", title=\"折线图\") }}\n\n\
         {{ chart(data=\"centres.csv\", y=\"二级标牌数量(个)\", kind=\"pie\", title=\"饼图\") }}\n",
    );
    site.build_ok();
    let page = site.out().join("reviews/r/index.html");
    for width in [1000, 375] {
        assert_clean(&probe(site.root(), &page, width), 5);
    }
}

#[test]
fn example_review_charts_render_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_example(&out);
    let page = out.join("reviews/2020-jiangxian/index.html");
    for width in [1000, 375] {
        assert_clean(&probe(dir.path(), &page, width), 3);
    }
}
