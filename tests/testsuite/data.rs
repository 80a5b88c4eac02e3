//! Statistics end to end (issue 4): CSV files in `data/` become figures in the text, charts,
//! tables, the `/data/` pages and UTF-8 (BOM) downloads; mistakes fail the build with a
//! message that names the file, the line and what does exist.

use crate::common::{self, Site};

const CSV: &str = "年份,党员总数(名),基层党组织(个),经费(元),一肩挑占比\n\
                   2019,11520,498,3100万元,60.2%\n\
                   2020,12016,504,3600万余元,66.17%\n";

const TOML: &str = "title = \"某县党建数据\"\nsource = \"某县委组织部\"\n[columns]\n\"年份\" = \"text\"\n";

fn review(body: &str) -> String {
    format!("+++\ntitle = \"巡礼\"\nyear = 2020\n+++\n{body}\n")
}

fn site_with(body: &str) -> Site {
    let site = Site::new();
    site.file("data/county.csv", CSV).file("data/county.toml", TOML);
    site.file("content/reviews/r.md", &review(body));
    site
}

/// The SVGs of a page, in order.
/// The charts of a page: every inline SVG but the QR code the printed copy carries.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(i, _)| &html[i..i + html[i..].find("</svg>").unwrap()])
        .filter(|svg| !svg.starts_with("<svg class=\"qr\""))
        .collect()
}

#[test]
fn each_shortcode_builds_in_a_fixture_review() {
    let site = site_with(
        "全县共有党员{{ stat(data=\"county.csv\", row=\"2020\", col=\"党员总数(名)\") }}名，\
         即{{ stat(data=\"county.csv\", row=\"2020\", col=\"党员总数(名)\", format=\"万余\") }}名，\
         经费{{ stat(data=\"county.csv\", row=\"2020\", col=\"经费(元)\") }}，占比{{ stat(data=\"county.csv\", row=\"2020\", col=\"一肩挑占比\") }}。\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\"], kind=\"bar\", title=\"党员总数\") }}\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\", \"基层党组织(个)\"], kind=\"line\", title=\"两条线\") }}\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\", \"基层党组织(个)\"], kind=\"stacked\", title=\"堆积\") }}\n\n\
         {{ chart(data=\"county.csv\", x=\"年份\", y=\"基层党组织(个)\", kind=\"pie\", title=\"饼\") }}\n\n\
         {{ table(data=\"county.csv\", columns=[\"年份\", \"经费(元)\"]) }}",
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    assert!(html.contains("<p>全县共有党员12016名，即1.2万余名，经费3600万余元，占比66.17%。</p>"), "{html}");
    let svgs = svgs(&html);
    assert_eq!(svgs.len(), 4);
    for (svg, kind) in svgs.iter().zip(["bar", "line", "stacked", "pie"]) {
        assert!(svg.contains(&format!("chart-svg-{kind}")), "{kind}");
        assert!(svg.contains("font-family=\"'Noto Sans CJK SC'"), "a CJK font stack");
        assert!(svg.contains("viewBox=\"0 0 520 "), "scalable");
    }
    assert!(svgs[0].contains(">1.5万</text>") && svgs[0].contains(">12016</text>"), "万 axis, value labels");
    assert!(svgs[1].contains(">党员总数(名)</text>") && svgs[1].contains("<polyline"), "legend and lines");
    assert!(svgs[3].contains("（50.3%）"), "pie shares: 504 of 1002");
    assert_eq!(html.matches("<figure class=\"chart").count(), 4);
    assert_eq!(html.matches("<details class=\"chart-data\">").count(), 4);
    assert!(html.contains("<caption>某县党建数据</caption>"));
    assert!(html.contains("<th scope=\"row\">2020</th><td class=\"num\">3600万余元</td>"));
    assert!(html.contains("数据来源：某县委组织部"));
    assert!(html.contains("href=\"../../data/county.csv\" download"));
    assert!(!html.contains("{{"), "every shortcode is expanded");
}

#[test]
fn a_site_overriding_the_chart_template_gets_its_markup() {
    let site = site_with(
        "{{ chart(data=\"county.csv\", x=\"年份\", y=[\"党员总数(名)\"], title=\"党员<总数>\") }}\n\n\
         {{ table(data=\"county.csv\") }}",
    );
    site.file(
        "themes/default/templates/shortcodes/chart.html",
        "<div class=\"my-chart\" data-kind=\"{{ kind }}\"><h4>{{ title }}</h4>{{ svg | safe }}\
         <a href=\"{{ source.root }}{{ source.csv }}\">{{ t.download_csv }}</a></div>\n",
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    assert!(
        html.contains("<div class=\"my-chart\" data-kind=\"bar\"><h4>党员&lt;总数&gt;</h4><svg"),
        "{html}"
    );
    assert!(html.contains("<a href=\"../../data/county.csv\">下载数据（CSV）</a></div>"), "{html}");
    assert!(!html.contains("<figure class=\"chart"), "the theme's figure is replaced");
    assert!(html.contains("<div class=\"data-block\">"), "a template not overridden stays the default");
    // the dataset's own page draws its chart through the same template
    assert!(site.read("data/county/index.html").contains("<div class=\"my-chart\""));
}

#[test]
fn a_traditional_page_s_chart_figure_has_no_simplified_strings() {
    let site = Site::new();
    let rows: String = (0..1200).map(|i| format!("{},{}\n", 1000 + i, i % 7 + 1)).collect();
    site.file("site.toml", "title = \"某縣\"\nbase_url = \"https://example.cn\"\nlanguage = \"zh-Hant\"\n");
    site.file("data/long.csv", &format!("年份,數量\n{rows}"));
    site.file(
        "data/long.toml",
        "title = \"數量\"\nsource = \"縣委組織部\"\nunit = \"名\"\n[columns]\n\"年份\" = \"text\"\n",
    );
    let slices: String = (0..20).map(|i| format!("項目{i},{}\n", i + 1)).collect();
    site.file("data/slices.csv", &format!("項目,數量\n{slices}"));
    site.file(
        "content/reviews/r.md",
        "+++\ntitle = \"年度巡禮\"\nyear = 2020\n+++\n這一年的發展數據如下，請讀者參閱。\n\n\
         {{ chart(data=\"long.csv\", x=\"年份\", y=\"數量\", kind=\"line\", title=\"數量變化\") }}\n\n\
         {{ chart(data=\"slices.csv\", kind=\"pie\", title=\"構成\") }}\n\n{{ table(data=\"long.csv\") }}\n",
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    let start = html.find("<figure class=\"chart").expect("a chart");
    let end = html.rfind("</div>").unwrap();
    let figures = &html[start..end];
    for simplified in
        ["数据表", "数据来源", "下载数据", "图中", "间隔", "两行", "项", "折线图", "饼图", "页", "单位"]
    {
        assert!(!figures.contains(simplified), "{simplified} in a traditional page's chart");
    }
    for traditional in [
        "數據表",
        "數據來源：縣委組織部",
        "下載數據（CSV）",
        "圖中按等間隔取",
        "其他（9項）",
        "此處列出前1000行",
        "單位：",
    ] {
        assert!(figures.contains(traditional), "{traditional} missing from {figures}");
    }
}

/// Parse and resolve are two stages, but a file's problems are still one list: a personal
/// number in the text and a shortcode that names a missing column are reported together.
#[test]
fn a_file_s_text_and_data_problems_are_reported_at_once() {
    let site =
        site_with("联系电话13812345678。\n\n{{ stat(data=\"county.csv\", row=\"2020\", col=\"党员数\") }}");
    let errors = site.build_err();
    assert!(errors.iter().any(|e| e.line == 5 && e.message.contains("138")), "{errors:?}");
    assert!(errors.iter().any(|e| e.line == 7 && e.message.contains("党员数")), "{errors:?}");
}

#[test]
fn data_section_lists_datasets_and_offers_utf8_bom_downloads() {
    let site = site_with("正文。");
    site.bytes("data/gb.csv", &std::fs::read("tests/fixtures/data/gb18030.csv").unwrap());
    site.build_ok();
    let index = site.read("data/index.html");
    assert!(index.contains("某县党建数据") && index.contains("href=\"../data/county/\""), "{index}");
    let page = site.read("data/county/index.html");
    for part in [
        "某县党建数据",
        "某县委组织部",
        "<table class=\"data-table\">",
        "chart-svg",
        "href=\"../../data/county.csv\"",
    ] {
        assert!(page.contains(part), "the dataset page lacks {part}");
    }
    let bytes = std::fs::read(site.out().join("data/gb.csv")).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "downloads start with a UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("downloads are UTF-8");
    assert!(text.starts_with("村名,党员人数,集体收入,一肩挑占比\r\n甲村,1.2万,0.38亿元,66.17%"), "{text}");
    assert!(site.read("data/gb/index.html").contains("gb18030"));
}

#[test]
fn gb18030_csv_with_wan_and_percent_draws_a_correct_chart() {
    let site = Site::new();
    site.bytes("data/gb.csv", &std::fs::read("tests/fixtures/data/gb18030.csv").unwrap());
    site.file(
        "content/reviews/r.md",
        &review(
            "{{ chart(data=\"gb.csv\", x=\"村名\", y=\"集体收入\", title=\"集体收入\") }}\n\n\
             {{ chart(data=\"gb.csv\", x=\"村名\", y=\"一肩挑占比\", kind=\"line\") }}\n\n\
             乙村有党员{{ stat(data=\"gb.csv\", row=\"乙村\", col=\"党员人数\", format=\"千分位\") }}名。",
        ),
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    assert!(html.contains("乙村有党员11,520名。"));
    let svgs = svgs(&html);
    // Bars: 0.38亿, 3600万余, 1.5亿 → heights in the ratio 38 : 36 : 150.
    let heights = bar_heights(svgs[0]);
    assert_eq!(heights.len(), 3, "{}", svgs[0]);
    let unit = heights[2] / 150.0;
    for (h, v) in heights.iter().zip([38.0, 36.0, 150.0]) {
        assert!((h - v * unit).abs() <= 1.5, "bar heights {heights:?} are not in the ratio 38:36:150");
    }
    for label in
        [">甲村</text>", ">0.38亿元</text>", ">3600万余元</text>", ">1.5亿</text>", ">单位：元</text>"]
    {
        assert!(svgs[0].contains(label), "the chart lacks {label}");
    }
    assert!(svgs[1].contains(">60%</text>"), "a percent axis: {}", svgs[1]);
}

/// Heights of the filled bars (the first series colour) in one SVG.
fn bar_heights(svg: &str) -> Vec<f64> {
    svg.split("<rect ")
        .filter(|r| r.contains("fill=\"#B22222\"") || r.contains("fill=\"#b22222\""))
        .filter(|r| r.contains("stroke=\"none\""))
        .map(|r| {
            let h = r.split("height=\"").nth(1).unwrap();
            h[..h.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

#[test]
fn wrong_column_fails_with_a_message_a_clerk_can_act_on() {
    let site = site_with(
        "第一段。\n\n共有党员{{ stat(data=\"county.csv\", row=\"2020\", col=\"党员总数\") }}名。\n",
    );
    let diags = site.build_err();
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.path, std::path::Path::new("content/reviews/r.md"));
    assert_eq!(d.line, 7, "the line of the shortcode in the file");
    assert!(d.message.contains("data/county.csv") && d.message.contains("`党员总数`"), "{}", d.message);
    let hint = d.hint.as_deref().unwrap();
    assert!(hint.contains("年份, 党员总数(名), 基层党组织(个), 经费(元), 一肩挑占比"), "{hint}");
    assert!(hint.contains("did you mean `党员总数(名)`"), "{hint}");
}

#[test]
fn missing_file_row_and_chart_column_are_errors() {
    let site = site_with(
        "{{ stat(data=\"nope.csv\", row=\"2020\", col=\"x\") }}\n\n\
         {{ stat(data=\"county.csv\", row=\"2021\", col=\"党员总数(名)\") }}\n\n\
         {{ chart(data=\"county.csv\", y=[\"党员人数\"]) }}\n",
    );
    let diags = site.build_err();
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(diags.len(), 3, "{text:#?}");
    assert!(text[0].contains(":5:") && text[0].contains("data/nope.csv") && text[0].contains("county.csv"));
    assert!(text[1].contains(":7:") && text[1].contains("`2021`") && text[1].contains("2019, 2020"));
    assert!(text[2].contains(":9:") && text[2].contains("`党员人数`"));
}

#[test]
fn a_malformed_figure_fails_naming_file_line_and_column() {
    let site = Site::new();
    site.file("data/bad.csv", "年份,经费\n2019,59万余元\n2020,12..3万\n");
    let diags = site.build_err();
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].path.to_str().unwrap(), diags[0].line), ("data/bad.csv", 3));
    assert!(
        diags[0].message.contains("经费") && diags[0].message.contains("12..3万"),
        "{}",
        diags[0].message
    );
}

// issue #13: thirty digits and 万亿 overflowed (a panic) instead of failing the cell
#[test]
fn a_figure_too_large_fails_naming_file_and_line() {
    let site = Site::new();
    site.file("data/big.csv", &format!("年份,经费\n2019,59万余元\n2020,{}万亿元\n", "9".repeat(30)));
    let diags = site.build_err();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!((diags[0].path.to_str().unwrap(), diags[0].line), ("data/big.csv", 3));
    assert!(diags[0].message.contains("too large"), "{}", diags[0].message);
}

#[test]
fn templates_can_load_data() {
    let site = site_with("正文。");
    site.file(
        "themes/default/templates/review.html",
        // Tera 1.20 panics on a non-ASCII key in brackets (r["经费"]), so `get` looks it up.
        "{% set d = load_data(path=\"county.csv\") %}{{ d.title }}|{% for r in d.rows %}\
         {% set c = r | get(key=\"经费(元)\") %}{{ c.text }}={{ c.value }};{% endfor %}{{ d.records[1][0].text }}",
    );
    site.build_ok();
    assert_eq!(site.read("reviews/r/index.html"), "某县党建数据|3100万元=31000000;3600万余元=36000000;2020");
}

#[test]
fn builds_are_byte_identical() {
    let site = site_with("{{ chart(data=\"county.csv\", kind=\"line\") }}\n\n{{ chart(data=\"county.csv\", y=\"党员总数(名)\", kind=\"pie\") }}");
    site.build_ok();
    let first = common::tree(&site.out());
    site.build_ok();
    assert!(first == common::tree(&site.out()), "two builds of the same input differ");
}

#[test]
fn example_review_quotes_its_figures_from_data() {
    let dir = tempfile::tempdir().unwrap();
    common::build_example(dir.path());
    let html = std::fs::read_to_string(dir.path().join("reviews/2020-jiangxian/index.html")).unwrap();
    let seed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/000_3b1f6fa1e1b1437b.txt"))
            .unwrap();
    let source =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/content/reviews/2020-jiangxian.md"))
            .unwrap();
    // Each passage reads as the seed does, and its figures come from stat(…), not typed by hand.
    for passage in [
        "全县504个基层党组织1.2万余名党员干部",
        "先后讲党课1800余场次,民主议事4860余项,公开办事6900余项,志愿服务5540余次,为群众办实事好事7900余件,收集意见建议2390余条",
        "组建9个在外临时党支部,1614名流动党员",
        "全县共有党员12016名,规范设置基层党组织504个",
        "实现“一肩挑”行政村88个,占比66.17%",
        "共列支基层党建工作经费3600万余元",
    ] {
        assert!(seed.contains(passage), "the seed does not say {passage}");
        assert!(html.contains(passage), "the review does not say {passage}");
        assert!(!source.contains(passage), "{passage} is typed by hand in the review");
    }
    assert!(svgs(&html).len() >= 3, "the review shows at least three charts");
}

/// The statistics workbook of tests/fixtures/spreadsheets, saved by LibreOffice from
/// statistics.fods (see make.sh there): the shape of a county's sheet as Excel writes it.
fn workbook(ext: &str) -> Vec<u8> {
    std::fs::read(format!("tests/fixtures/spreadsheets/statistics.{ext}")).unwrap()
}

/// Issue 16: a statistics sheet saved from Excel (merged title row, 单位 row, thousands and
/// percent cells, a second sheet with a two-row merged header and dates) becomes a page with
/// the same figures and table in one build.
#[test]
fn an_excel_statistics_sheet_becomes_a_page_with_the_same_figures() {
    let site = Site::new();
    site.bytes("data/tongji.xlsx", &workbook("xlsx"));
    site.file(
        "content/reviews/r.md",
        &review(
            "全县党员{{ stat(data=\"tongji.xlsx\", row=\"2020\", col=\"党员总数\") }}名，\
             女党员占{{ stat(data=\"tongji.xlsx\", row=\"2020\", col=\"女党员占比\") }}；\
             古绛镇发展男党员{{ stat(data=\"tongji.xlsx#发展党员\", row=\"古绛镇\", col=\"发展党员·男(名)\") }}名。\n\n\
             {{ table(data=\"tongji.xlsx\") }}\n\n\
             {{ chart(data=\"tongji.xlsx\", x=\"年份\", y=[\"党员总数\"], kind=\"bar\", title=\"党员总数\") }}\n\n\
             {{ table(data=\"tongji.xlsx#发展党员\") }}",
        ),
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    assert!(html.contains("全县党员12,016名，女党员占29.63%；古绛镇发展男党员12名。"), "{html}");
    assert!(html.contains("<caption>2020年绛县党员统计表</caption>"), "the title row is the title");
    for row in ["2018", "2019", "2020"] {
        assert!(html.contains(&format!(">{row}</th>")), "row {row}");
    }
    assert!(html.contains(">11,803</td>") && html.contains(">28.82%</td>"), "figures as Excel shows them");
    assert!(html.contains(">2020-12-31</td>"), "a date serial is a date");
    assert!(html.contains(">发展党员·男(名)</th>"), "a two-row header under merged cells");
    assert!(
        !html.contains(">单位：名</td>") && !html.contains(">单位：名</th>"),
        "the unit row is no table row"
    );
    assert_eq!(svgs(&html).len(), 1);

    let page = site.read("data/tongji/index.html");
    assert!(page.contains("2020年绛县党员统计表") && page.contains("<dd>名</dd>"), "title and unit");
    assert!(page.contains("注：数据截至当年12月31日。"), "the note below the table");
    assert!(page.contains("Excel 工作簿（.xlsx）"), "says what the original was");
    let csv = std::fs::read(site.out().join("data/tongji.csv")).unwrap();
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "a BOM for Excel on a Chinese Windows");
    let csv = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        csv.starts_with("年份,党员总数,女党员,女党员占比\r\n2018,\"11,520\",\"3,210\",27.86%\r\n"),
        "{csv}"
    );
    assert_eq!(std::fs::read(site.out().join("data/tongji.xlsx")).unwrap(), workbook("xlsx"), "the original");
    let second = std::fs::read_to_string(site.out().join("data/tongji/发展党员.csv")).unwrap();
    assert!(second.contains("乡镇,发展党员·男(名),发展党员·女(名),统计日期"), "{second}");
    assert!(site.read("data/tongji/发展党员/index.html").contains("2020年发展党员情况"));
}

/// The same workbook saved as .xls and .ods reads to the same table. An .ods keeps the text
/// each figure showed, so its figures read as the .xlsx's do (`12,016`, `29.63%`); calamine
/// gives no number format for an .xls (see src/data/sheet.rs), so there the figures are
/// written as Excel's General would (`12016`, `0.2963`).
#[test]
fn xls_and_ods_read_to_the_same_table() {
    for (ext, shown) in [("xls", "12016，0.2963，2020-12-31"), ("ods", "12,016，29.63%，2020-12-31")] {
        let site = Site::new();
        site.bytes(&format!("data/tongji.{ext}"), &workbook(ext));
        site.file(
            "content/reviews/r.md",
            &review(&format!(
                "{{{{ stat(data=\"tongji.{ext}\", row=\"2020\", col=\"党员总数\") }}}}，\
                 {{{{ stat(data=\"tongji.{ext}\", row=\"2020\", col=\"女党员占比\") }}}}，\
                 {{{{ stat(data=\"tongji.{ext}#发展党员\", row=\"横水镇\", col=\"统计日期\") }}}}"
            )),
        );
        site.build_ok();
        let html = site.read("reviews/r/index.html");
        assert!(html.contains(shown), "{ext}: {html}");
        assert!(site.read("data/tongji/index.html").contains("2020年绛县党员统计表"), "{ext}");
    }
}

/// Every cell of a workbook, hidden sheets included, passes the privacy guard: the file is
/// published as it is.
#[test]
fn a_workbook_with_personal_numbers_fails_with_masked_messages() {
    let site = Site::new();
    site.bytes("data/mingdan.xlsx", &std::fs::read("tests/fixtures/spreadsheets/leaks.xlsx").unwrap());
    site.file("content/reviews/r.md", &review("正文。"));
    let diags = site.build_err();
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(
        shown.iter().any(|d| d.starts_with("data/mingdan.xlsx:2:") && d.contains("138****5678")),
        "{shown:?}"
    );
    assert!(shown.iter().any(|d| d.starts_with("data/mingdan.xlsx#底稿:1:")), "the hidden sheet: {shown:?}");
    assert!(
        shown.iter().all(|d| !d.contains("13812345678") && !d.contains("11010519491231002X")),
        "{shown:?}"
    );
}

#[test]
fn a_csv_and_a_workbook_of_one_name_clash() {
    let site = site_with("正文。");
    site.bytes("data/county.xlsx", &workbook("xlsx"));
    let diags = site.build_err();
    assert!(diags.iter().any(|d| d.message.contains("would both be published as data/county/")), "{diags:?}");
}

// issue #14: a long dataset pages its table and samples its chart, and says so
#[test]
fn a_long_dataset_pages_its_table_and_samples_its_chart() {
    let mut csv = String::from("序号,金额（元）\n");
    for i in 1..=2500 {
        csv.push_str(&format!("第{i}笔,{}\n", 100 + i % 37));
    }
    let site = Site::new();
    site.file("data/long.csv", &csv);
    site.file("content/reviews/r.md", &review("{{ chart(data=\"long.csv\", kind=\"line\") }}"));
    site.build_ok();
    let first = site.read("data/long/index.html");
    let table = &first[first.find("<h2>数据表</h2>").unwrap()..];
    assert_eq!(table.matches("<tr>").count(), 1 + 1000, "a header and 1,000 rows");
    assert!(first.contains("第1笔") && first.contains("第1000笔") && !first.contains("第1001笔"));
    assert!(table.contains("第1页，共3页") && table.contains("data/long/page/2/"));
    let last = site.read("data/long/page/3/index.html");
    assert_eq!(last.matches("<tr>").count(), 1 + 500);
    assert!(last.contains("第2500笔") && !last.contains("<svg"), "the chart is on the first page only");
    let chart = svgs(&first)[0];
    assert!(chart.matches("<rect ").count() < 300, "120 bars, not 2,500");
    assert!(first.contains("共2500行，图中按等间隔取120行"), "the chart says it is a sample");
    let page = site.read("reviews/r/index.html");
    assert!(page.contains("共2500行，图中按等间隔取120行"));
    assert!(page.contains("共2500行，此处列出前1000行"), "the table under the chart says what it leaves out");
    assert!(page.matches("<tr>").count() <= 1001);
}

/// Issue 16: the `/data/` page of a workbook's sheet offers the workbook as it was saved and
/// the sheet as CSV (UTF-8 with a BOM), each a link to a file the build wrote.
#[test]
fn a_workbook_page_links_the_original_and_the_csv() {
    for ext in ["xlsx", "xls", "ods"] {
        let site = Site::new();
        site.bytes(&format!("data/tongji.{ext}"), &workbook(ext));
        site.file("content/reviews/r.md", &review(&format!("{{{{ table(data=\"tongji.{ext}\") }}}}")));
        site.build_ok();
        for (page, root) in
            [("data/tongji/index.html", "../../"), ("data/tongji/发展党员/index.html", "../../../")]
        {
            let html = site.read(page);
            let csv = if page.contains("发展党员") {
                "data/tongji/发展党员.csv"
            } else {
                "data/tongji.csv"
            };
            for target in [csv.to_string(), format!("data/tongji.{ext}")] {
                let link = format!("href=\"{root}{target}\" download");
                assert!(html.contains(&link), "{ext}: {page} lacks {link}:\n{html}");
                assert!(site.out().join(&target).is_file(), "{ext}: {target} is not written");
            }
        }
        // the table in the text offers the CSV copy, not the workbook under a CSV label
        let review = site.read("reviews/r/index.html");
        assert!(
            review.contains("href=\"../../data/tongji.csv\" download=\"tongji.csv\">下载数据（CSV）"),
            "{review}"
        );
        let csv = std::fs::read(site.out().join("data/tongji.csv")).unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF\xE5\xB9\xB4\xE4\xBB\xBD"), "{ext}: a BOM, then 年份");
        assert_eq!(std::fs::read(site.out().join(format!("data/tongji.{ext}"))).unwrap(), workbook(ext));
    }
}

/// An .ods saved by LibreOffice from the same sheet as the .xlsx gives the same table, figure
/// for figure (thousands and percent as shown), and so the same CSV copy, sheet by sheet.
#[test]
fn an_ods_reads_its_figures_as_shown_like_the_xlsx() {
    let csv = |ext: &str| {
        let site = Site::new();
        site.bytes(&format!("data/tongji.{ext}"), &workbook(ext));
        site.build_ok();
        ["data/tongji.csv", "data/tongji/发展党员.csv"]
            .map(|p| String::from_utf8(std::fs::read(site.out().join(p)).unwrap()).unwrap())
    };
    let (xlsx, ods) = (csv("xlsx"), csv("ods"));
    assert!(ods[0].contains("2018,\"11,520\",\"3,210\",27.86%"), "{}", ods[0]);
    assert_eq!(ods, xlsx);
}

// found by a hostile review: a pie of 5,000 rows drew 5,000 slices and a legend 100,000 px tall
#[test]
fn a_pie_of_many_rows_joins_its_smallest_slices() {
    let mut csv = String::from("村,党员（名）\n");
    for i in 1..=500 {
        csv.push_str(&format!("第{i}村,{}\n", if i == 250 { 900 } else { 10 + i % 7 }));
    }
    let site = Site::new();
    site.file("data/pie.csv", &csv);
    site.file("content/reviews/r.md", &review("{{ chart(data=\"pie.csv\", kind=\"pie\") }}"));
    site.build_ok();
    let page = site.read("reviews/r/index.html");
    assert!(page.contains("其他（489项）"), "the rest is one slice");
    assert!(page.contains("共500项，图中列出最大的11项，其余489项合为「其他」"));
    let chart = svgs(&page)[0];
    assert!(chart.contains("第250村"), "the largest slice is kept");
    assert!(chart.len() < 40_000, "{} bytes", chart.len());
}

// a hostile tester: the CSV copy kept `=cmd|' /C calc'!A0`, which Excel runs when it opens it
#[test]
fn the_csv_copy_hands_excel_no_formula_but_keeps_the_figures() {
    let site = site_with("正文。");
    site.file(
        "data/f.csv",
        "项目,数量,备注\n甲,-5,\"=cmd|' /C calc'!A0\"\n乙,-2.5,@SUM(1+1)\n丙,+3,+1+1\n丁,\"-1,234\",-2+3\n戊,-1.2万,\t=1+1\n己,-,=A1\n",
    );
    site.file("data/f.toml", "[columns]\n\"备注\" = \"text\"\n");
    site.build_ok();
    let bytes = std::fs::read(site.out().join("data/f.csv")).unwrap();
    assert_eq!(
        std::str::from_utf8(&bytes).unwrap(),
        "\u{feff}项目,数量,备注\n甲,-5,\"'=cmd|' /C calc'!A0\"\n乙,-2.5,'@SUM(1+1)\n丙,+3,'+1+1\n丁,\"-1,234\",'-2+3\n戊,-1.2万,'\t=1+1\n己,-,'=A1\n"
    );
    let page = site.read("data/f/index.html");
    for cell in [">@SUM(1+1)<", ">-2+3<", ">+1+1<", ">=A1<", ">-5<"] {
        assert!(page.contains(cell), "the page shows {cell} as written: {page}");
    }
}

/// The pages around the data, not only the charts inside articles, speak a traditional site's
/// script: the data index, a dataset's pages, a paginated listing and the empty archive.
#[test]
fn a_traditional_site_s_data_pages_listings_and_archive_have_no_simplified_strings() {
    let site = Site::new();
    let rows: String = (0..1200).map(|i| format!("{},{}\n", 1000 + i, i % 7 + 1)).collect();
    site.file(
        "site.toml",
        "title = \"某縣\"\nbase_url = \"https://example.cn\"\nlanguage = \"zh-Hant\"\npaginate = 2\n",
    );
    site.file("data/long.csv", &format!("年份,數量\n{rows}"));
    site.file(
        "data/long.toml",
        "title = \"數量\"\nsource = \"縣委組織部\"\nunit = \"名\"\n[columns]\n\"年份\" = \"text\"\n",
    );
    for n in 1..=5 {
        site.case(&format!("c{n}"), &format!("date = 2020-03-0{n}\ntags = [\"黨建\"]"), "規範發展黨員工作。");
    }
    site.build_ok();
    let pages: Vec<(String, String)> = common::tree(&site.out())
        .into_iter()
        .filter(|(path, _)| {
            path.starts_with("data/") || path.starts_with("tags/") || path.starts_with("archive/")
        })
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    for wanted in ["data/index.html", "archive/index.html", "tags/黨建/page/2/index.html"] {
        assert!(paths.contains(&wanted), "{wanted} missing from {paths:?}");
    }
    assert!(paths.iter().filter(|p| p.starts_with("data/long/")).count() >= 2, "{paths:?}");
    for (path, html) in &pages {
        for simplified in [
            "统计数据",
            "数据来源",
            "下载",
            "单位",
            "规模",
            "页",
            "项",
            "尚无",
            "发布",
            "版本号",
            "说明",
            "编码",
        ] {
            assert!(!html.contains(simplified), "{simplified} in {path}");
        }
    }
    let all: String = pages.iter().map(|(_, html)| html.as_str()).collect();
    for traditional in ["統計數據", "數據來源", "下載", "單位", "規模", "頁", "尚無", "版本號", "編碼"]
    {
        assert!(all.contains(traditional), "{traditional} missing from the data, listing and archive pages");
    }
}

/// A sampled chart of many years names some of them in full under the axis, never `2…`.
#[test]
fn a_sampled_chart_names_whole_years_under_its_axis() {
    let site = Site::new();
    let rows: String = (0..1200).map(|i| format!("{},{}\n", 1000 + i, i % 7 + 1)).collect();
    site.file("data/long.csv", &format!("年份,数量\n{rows}"));
    site.file("data/long.toml", "title = \"数量\"\n[columns]\n\"年份\" = \"text\"\n");
    site.file(
        "content/reviews/r.md",
        "+++\ntitle = \"年度巡礼\"\nyear = 2020\n+++\n这一年的数据如下。\n\n\
         {{ chart(data=\"long.csv\", x=\"年份\", y=\"数量\", kind=\"bar\", title=\"数量变化\") }}\n",
    );
    site.build_ok();
    let html = site.read("reviews/r/index.html");
    let svg = &html[html.find("<svg").expect("a chart")..html.find("</svg>").unwrap()];
    let labels: Vec<&str> =
        svg.split("<text").skip(1).filter_map(|t| Some(&t[t.find('>')? + 1..t.find("</text>")?])).collect();
    assert!(!labels.iter().any(|l| l.ends_with('…')), "a cut label among {labels:?}");
    let years =
        labels.iter().filter(|l| l.len() == 4 && l.parse::<u32>().is_ok_and(|y| (1000..2200).contains(&y)));
    assert!(years.count() >= 5, "too few whole years under the axis: {labels:?}");
}
