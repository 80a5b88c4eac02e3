//! Where a dataset's files are published: its page and the pages of its table, its CSV
//! copy and its workbook, as output paths and as link targets. Every stage that names a
//! dataset's address takes it from here.

use super::Dataset;

/// How many rows a page of a dataset's table shows (the data page's table goes a page at a
/// time; a table in a page shows the first page and says how many rows it leaves out).
pub const TABLE_ROWS: usize = 1000;

/// A path as a link target: the characters that would end or break a URL are %-encoded;
/// Chinese stays as it is, which every browser accepts.
pub fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' | '#' | '?' | '%' | '"' | '<' | '>' | '\\' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The output path of a dataset's page, below the site root.
pub fn page_path(ds: &Dataset) -> String {
    format!("data/{}/", ds.stem())
}

/// The output path of page `n` (1-based) of a dataset's table.
pub fn table_page_path(ds: &Dataset, n: usize) -> String {
    match n {
        1 => page_path(ds),
        n => format!("{}page/{n}/", page_path(ds)),
    }
}

/// How many pages a dataset's table takes, [`TABLE_ROWS`] rows a page.
pub fn page_count(ds: &Dataset) -> usize {
    ds.rows.len().div_ceil(TABLE_ROWS).max(1)
}

/// The output path of a dataset's CSV copy: `data/jiangxian.csv`, `data/tongji.csv` for a
/// workbook's first sheet, `data/tongji/发展党员.csv` for another.
pub fn csv_path(ds: &Dataset) -> String {
    format!("data/{}.csv", ds.stem())
}

/// The CSV copy's file name: `jiangxian.csv`, `发展党员.csv`.
pub fn csv_name(ds: &Dataset) -> String {
    let path = csv_path(ds);
    path.rsplit('/').next().unwrap_or(&path).to_string()
}

/// The output path of a workbook published as it was saved: `data/tongji.xlsx`.
pub fn original_path(ds: &Dataset) -> Option<String> {
    ds.original_name().map(|name| format!("data/{name}"))
}

/// The files a dataset offers for download: the CSV copy (UTF-8 with a BOM) and, for a
/// workbook, the workbook itself.
pub fn downloads(ds: &Dataset) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(csv_path(ds), ds.download_bytes())];
    if let (Some(path), Some(bytes)) = (original_path(ds), &ds.original) {
        out.push((path, bytes.to_vec()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_escape_what_breaks_urls() {
        assert_eq!(super::href("data/2020 年#1.csv"), "data/2020%20年%231.csv");
    }
}
