//! Datasets as accessible HTML tables: a caption, column headers, the first column as row
//! headers, figures right-aligned, every cell as the CSV writes it.

use super::svg::escape;
use crate::data::Dataset;

/// The table of `columns` (all when empty) of `ds`, in a wrapper that scrolls sideways on a
/// phone instead of widening the page.
/// At most [`ROWS`] rows: a longer dataset's table says how many rows it leaves out, and its
/// data page lists every row, [`ROWS`] a page.
pub fn html(ds: &Dataset, columns: &[usize], caption: Option<&str>) -> String {
    let mut out = rows_html(ds, columns, caption, 0..ds.rows.len().min(ROWS));
    if ds.rows.len() > ROWS {
        out.push_str(&format!(
            "\n<p class=\"table-note\">共{}行，此处列出前{}行；全部数据见数据页或下载的文件。</p>",
            ds.rows.len(),
            ROWS
        ));
    }
    out
}

/// Rows a table shows at most, and a data page lists per page: a million-row dataset must not
/// make a page of a million rows.
pub use crate::data::paths::TABLE_ROWS as ROWS;

/// The table of `rows` of `columns` (all when empty).
pub fn rows_html(
    ds: &Dataset,
    columns: &[usize],
    caption: Option<&str>,
    rows: std::ops::Range<usize>,
) -> String {
    let all: Vec<usize> = (0..ds.columns.len()).collect();
    let columns = if columns.is_empty() { &all } else { columns };
    let mut out = String::from("<div class=\"table-scroll\"><table class=\"data-table\">\n");
    if let Some(c) = caption {
        out.push_str(&format!("<caption>{}</caption>\n", escape(c)));
    }
    out.push_str("<thead><tr>");
    for &c in columns {
        let col = &ds.columns[c];
        let class = if col.numeric { " class=\"num\"" } else { "" };
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(&col.name)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &ds.rows[rows] {
        out.push_str("<tr>");
        for (k, &c) in columns.iter().enumerate() {
            let text = escape(&row.cells[c].raw);
            let class = if ds.columns[c].numeric { " class=\"num\"" } else { "" };
            if k == 0 {
                out.push_str(&format!("<th scope=\"row\"{class}>{text}</th>"));
            } else {
                out.push_str(&format!("<td{class}>{text}</td>"));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>");
    out
}
