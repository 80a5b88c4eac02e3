//! The HTML a chart or table takes in a page: a `<figure>` with its caption, the chart,
//! the data as a table in a `<details>`, the source, and a link to the CSV copy.

use super::svg::escape;
use super::{render_svg, table, ChartData};
use crate::data::Dataset;

/// A chart as a figure; `root` leads from the page back to the site root (`../../`).
pub fn chart(data: &ChartData, ds: &Dataset, root: &str) -> String {
    let sampled = match data.sampled_from {
        Some(n) => format!(
            "<span class=\"chart-sample\">（共{n}行，图中按等间隔取{}行，首尾两行都在内）</span>",
            data.categories.len()
        ),
        None => match data.others {
            Some(n) => format!(
                "<span class=\"chart-sample\">（共{}项，图中列出最大的{}项，其余{n}项合为「其他」）</span>",
                n + data.categories.len() - 1,
                data.categories.len() - 1
            ),
            None => String::new(),
        },
    };
    format!(
        "<figure class=\"chart chart-{kind}\">\n<figcaption>{title}{sampled}</figcaption>\n{svg}\n\
         <details class=\"chart-data\"><summary>数据表</summary>\n{table}\n</details>\n{meta}\n</figure>",
        kind = data.kind.name(),
        title = escape(&data.title),
        svg = render_svg(data),
        table = table::html(ds, &data.columns, Some(&data.title)),
        meta = meta(ds, root),
    )
}

/// A table on its own, with the same source line and download link.
pub fn table_block(ds: &Dataset, columns: &[usize], title: &str, root: &str) -> String {
    format!(
        "<div class=\"data-block\">\n{}\n{}\n</div>",
        table::html(ds, columns, Some(title)),
        meta(ds, root)
    )
}

/// 数据来源 and the download link of the UTF-8 (BOM) copy the build writes at `data/NAME.csv`
/// (for a workbook's sheet too, whose own file is offered on its `/data/` page).
pub fn meta(ds: &Dataset, root: &str) -> String {
    let source = match &ds.meta.source {
        Some(s) => {
            format!("<span class=\"chart-source\">数据来源：{}</span><span class=\"csv-link\"> · ", escape(s))
        }
        None => "<span class=\"csv-link\">".to_string(),
    };
    // the link is in a span of its own so that paper, where it cannot be followed, leaves it out
    let csv = crate::data::paths::csv_path(ds);
    format!(
        "<p class=\"chart-meta\">{source}<a href=\"{root}{path}\" download=\"{file}\">下载数据（CSV）</a></span></p>",
        path = escape(&crate::data::paths::href(&csv)),
        file = escape(&crate::data::paths::csv_name(ds)),
    )
}
