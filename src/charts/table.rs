//! Datasets as accessible HTML tables: a caption, column headers, the first column as row
//! headers, figures right-aligned, every cell as the CSV writes it.

use super::svg::escape;
use crate::data::Dataset;

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
