//! What the `/data/` pages show of each dataset: title, source, unit, size, the table, the
//! default chart and the download link, as template values. Drawn here, in render: the chart
//! and the table are HTML made from the dataset, like any other page's.

use crate::charts;
use crate::data::paths::{
    csv_name, csv_path, href, original_path, page_count, page_path, table_page_path, TABLE_ROWS,
};
use crate::data::{Dataset, Datasets};
use serde::Serialize;

/// One dataset as `data.html` lists it and `dataset.html` shows it. `chart` and `table` are
/// ready HTML; the other fields are text for the template to escape.
#[derive(Debug, Serialize)]
pub struct DatasetView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub source: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub description: Option<&'a str>,
    pub encoding: &'a str,
    pub rows: usize,
    pub columns: Vec<&'a str>,
    /// The dataset's page, relative to the site root, as a link: `data/jiangxian/`.
    pub url: String,
    /// The UTF-8 (BOM) copy, as a link: `data/jiangxian.csv`; `csv_name` is its file name.
    pub csv: String,
    pub csv_name: String,
    /// The spreadsheet as it was saved, as a link (`data/tongji.xlsx`), on the page of each of
    /// its sheets, when the build publishes it; `original_name` is its file name.
    pub original: Option<String>,
    pub original_name: Option<&'a str>,
    pub chart: Option<String>,
    pub table: Option<String>,
    /// Which page of the table this is, of how many, and the links to the pages beside it
    /// (relative to the site root).
    pub page: usize,
    pub pages: usize,
    pub page_rows: usize,
    /// The same, in the shape of the listings' pager (`number`, `total`, `prev`, `next`).
    pub pager: serde_json::Value,
}

/// The dataset of this build that carries the workbook `ds` is a sheet of (its first sheet),
/// when the build publishes the workbook.
fn workbook<'a>(ds: &Dataset, data: &'a Datasets) -> Option<&'a Dataset> {
    let file = ds.name.split('#').next()?;
    data.iter().find(|d| d.original.is_some() && d.name == file)
}

/// The list for `/data/`: no tables or charts, so the index stays small.
pub fn index(data: &Datasets) -> Vec<DatasetView<'_>> {
    data.iter().map(|ds| view(ds, data)).collect()
}

/// Page `number` of a dataset's own page: the chart on the first, the table a page of
/// [`TABLE_ROWS`] rows at a time (render draws the chart).
pub fn page<'a>(ds: &'a Dataset, data: &'a Datasets, number: usize) -> DatasetView<'a> {
    let pages = page_count(ds);
    let rows = (number - 1) * TABLE_ROWS..(number * TABLE_ROWS).min(ds.rows.len());
    DatasetView {
        // drawn by render, through the theme's chart template
        chart: None,
        table: Some(charts::table::rows_html(ds, &[], None, rows)),
        page: number,
        pager: serde_json::json!({
            "number": number,
            "total": pages,
            "prev": (number > 1).then(|| href(&table_page_path(ds, number - 1))),
            "next": (number < pages).then(|| href(&table_page_path(ds, number + 1))),
        }),
        ..view(ds, data)
    }
}

fn view<'a>(ds: &'a Dataset, data: &'a Datasets) -> DatasetView<'a> {
    let book = workbook(ds, data);
    DatasetView {
        name: &ds.name,
        title: &ds.title,
        source: ds.meta.source.as_deref(),
        unit: ds.meta.unit.as_deref(),
        description: ds.meta.description.as_deref(),
        encoding: ds.encoding,
        rows: ds.rows.len(),
        columns: ds.columns.iter().map(|c| c.name.as_str()).collect(),
        url: href(&page_path(ds)),
        csv: href(&csv_path(ds)),
        csv_name: csv_name(ds),
        original: book.and_then(original_path).map(|p| href(&p)),
        original_name: book.and_then(Dataset::original_name),
        chart: None,
        table: None,
        page: 1,
        pages: page_count(ds),
        page_rows: TABLE_ROWS,
        pager: serde_json::Value::Null,
    }
}
