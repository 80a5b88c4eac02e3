//! The table inside a sheet as people lay it out in China: a merged title row
//! (「2020年绛县党员统计表」), maybe a row saying the unit (「单位：名」) or who filled it in,
//! a header that may span two rows under merged cells (「发展党员」 over 「男」 and 「女」), the
//! rows, and notes below (「注：…」, 「数据来源：…」). What is not the table is kept as the
//! dataset's title, unit, source and description, so it still reaches the page.

use super::read::Record;
use super::sheet::Sheet;

/// A sheet's table as CSV-like records, with the texts around it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub title: Option<String>,
    pub unit: Option<String>,
    pub source: Option<String>,
    /// Notes above or below the table, in order.
    pub notes: Vec<String>,
    /// Every text outside the table, with its row: for the privacy guard.
    pub around: Vec<(usize, String)>,
    pub header: Record,
    pub body: Vec<Record>,
}

/// The table of `sheet`; `None` when the sheet holds nothing.
pub fn table(sheet: &Sheet) -> Option<Table> {
    let grid = &sheet.grid;
    let filled = |r: usize| grid[r].iter().filter(|c| !c.is_empty()).count();
    let rows: Vec<usize> = (0..grid.len()).filter(|&r| filled(r) > 0).collect();
    let has_wide_row = rows.iter().any(|&r| filled(r) >= 2 && !is_note_row(&grid[r]));
    let mut t = Table::default();
    let mut at = 0;
    while at < rows.len() && has_wide_row && (filled(rows[at]) < 2 || is_note_row(&grid[rows[at]])) {
        let r = rows[at];
        for cell in grid[r].iter().filter(|c| !c.is_empty()) {
            t.around.push((r + 1, cell.clone()));
            if let Some(unit) = unit_of(cell) {
                t.unit.get_or_insert(unit);
            } else if t.title.is_none() && filled(r) == 1 {
                t.title = Some(cell.clone());
            } else {
                t.notes.push(cell.clone());
            }
        }
        at += 1;
    }
    let &h = rows.get(at)?;
    let bottom = header_bottom(sheet, h);
    let mut last = rows.len();
    while last > at + 1 && rows[last - 1] > bottom && is_trailing_note(&grid[rows[last - 1]]) {
        last -= 1;
    }
    for &r in &rows[last..] {
        let note = grid[r].iter().find(|c| !c.is_empty()).cloned().unwrap_or_default();
        t.around.push((r + 1, note.clone()));
        match source_of(&note) {
            Some(source) => t.source = Some(source),
            None => t.notes.push(note),
        }
    }
    let body_rows: Vec<usize> = rows[at..last].iter().copied().filter(|&r| r > bottom).collect();
    let width = (h..=bottom)
        .chain(body_rows.iter().copied())
        .filter_map(|r| grid[r].iter().rposition(|c| !c.is_empty()))
        .max()
        .map_or(0, |c| c + 1);
    t.header = Record { line: h + 1, fields: (0..width).map(|c| header_name(sheet, h, bottom, c)).collect() };
    t.body = body_rows
        .into_iter()
        .map(|r| Record { line: r + 1, fields: (0..width).map(|c| body_cell(sheet, r, c)).collect() })
        .collect();
    Some(t)
}

/// A row of `label：value` cells (「填报单位：某镇党委」 「单位：名」) above the header.
fn is_note_row(row: &[String]) -> bool {
    let mut cells = row.iter().filter(|c| !c.is_empty()).peekable();
    cells.peek().is_some() && cells.all(|c| c.contains('：') || c.contains(':'))
}

/// A single-cell row below the table: a note, the source, who filled the form in.
fn is_trailing_note(row: &[String]) -> bool {
    let cells: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
    let Some(first) = cells.first() else { return false };
    let marks =
        ["注", "备注", "说明", "数据来源", "资料来源", "来源", "填表", "制表", "审核", "负责人", "联系人"];
    (cells.len() == 1
        && (first.contains('：') || first.contains(':') || marks.iter().any(|m| first.starts_with(m))))
        || (cells.len() > 1 && is_note_row(row) && marks.iter().any(|m| first.starts_with(m)))
}

/// 「单位：名」 → 名; 「计量单位:万元」 → 万元.
fn unit_of(cell: &str) -> Option<String> {
    let (label, value) = cell.split_once('：').or_else(|| cell.split_once(':'))?;
    let label = label.trim();
    (label == "单位" || label == "计量单位" || label == "金额单位")
        .then(|| value.trim().to_string())
        .filter(|v| !v.is_empty() && v.chars().count() <= 6)
}

/// 「数据来源：县委组织部」 → 县委组织部.
fn source_of(cell: &str) -> Option<String> {
    let (label, value) = cell.split_once('：').or_else(|| cell.split_once(':'))?;
    matches!(label.trim(), "数据来源" | "资料来源" | "来源").then(|| value.trim().to_string())
}

/// The last row of a header starting at row `h`: a header merged down over two rows, or a
/// merged group heading with its sub-headings in the row below. Without merged regions
/// (calamine reads none from .ods) the same shape is seen in the texts: a row of words below
/// that fills the header row's gaps.
fn header_bottom(sheet: &Sheet, h: usize) -> usize {
    if !sheet.merges.iter().any(|m| m.0 == h) {
        return h + usize::from(subheadings_below(sheet, h));
    }
    let mut bottom = h;
    for &(r0, c0, r1, c1) in &sheet.merges {
        if r0 != h {
            continue;
        }
        bottom = bottom.max(r1);
        let below = sheet.grid.get(h + 1);
        let subheaded = below.is_some_and(|row| {
            (c0..=c1).any(|c| row.get(c).is_some_and(|t| !t.is_empty() && !super::number::looks_numeric(t)))
        });
        if c1 > c0 && subheaded {
            bottom = bottom.max(h + 1);
        }
    }
    bottom.min(sheet.grid.len() - 1)
}

/// Whether the row below `h` is sub-headings: words only (no figure), under gaps of row `h`
/// that follow a heading (「发展党员」 then an empty cell, over 「男」 「女」).
fn subheadings_below(sheet: &Sheet, h: usize) -> bool {
    let (Some(top), Some(below)) = (sheet.grid.get(h), sheet.grid.get(h + 1)) else { return false };
    let words = below.iter().filter(|t| !t.is_empty()).all(|t| !super::number::looks_numeric(t));
    let gap_filled = (1..top.len()).any(|c| {
        top[c].is_empty()
            && !top[..c].iter().all(String::is_empty)
            && below.get(c).is_some_and(|t| !t.is_empty())
    });
    words && gap_filled
}

/// The text at (r, c), or the text of the merged region covering it.
fn merged_text(sheet: &Sheet, r: usize, c: usize) -> &str {
    let own = sheet.grid[r].get(c).map(String::as_str).unwrap_or("");
    if !own.is_empty() {
        return own;
    }
    sheet
        .merges
        .iter()
        .find(|&&(r0, c0, r1, c1)| (r0..=r1).contains(&r) && (c0..=c1).contains(&c))
        .and_then(|&(r0, c0, ..)| sheet.grid[r0].get(c0))
        .map(String::as_str)
        .unwrap_or("")
}

/// A column's name from its header rows: 「发展党员(名)」 over 「男」 is 「发展党员·男(名)」, the
/// unit kept at the end where the rest of gongkai looks for it.
fn header_name(sheet: &Sheet, top: usize, bottom: usize, c: usize) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let unmerged = !sheet.merges.iter().any(|m| m.0 == top);
    for r in top..=bottom {
        let mut text = merged_text(sheet, r, c);
        if text.is_empty() && unmerged && r < bottom {
            text = sheet.grid[r][..c].iter().rev().find(|t| !t.is_empty()).map_or("", String::as_str);
        }
        if !text.is_empty() && parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    let mut unit = None;
    let names: Vec<String> = parts
        .iter()
        .map(|p| match super::header_unit(p) {
            Some(u) => {
                unit = Some(u.clone());
                let cut = p.len() - u.len() - if p.ends_with('）') { 6 } else { 2 };
                p[..cut].trim().to_string()
            }
            None => p.to_string(),
        })
        .collect();
    match (parts.len(), unit) {
        (0 | 1, _) => parts.first().map(|p| p.to_string()).unwrap_or_default(),
        (_, Some(u)) => format!("{}({u})", names.join("·")),
        (_, None) => names.join("·"),
    }
}

/// A body cell: its own text, or the text of a merged region over it when that is words (a
/// category merged down over its rows), never a figure, which would count twice.
fn body_cell(sheet: &Sheet, r: usize, c: usize) -> String {
    let text = merged_text(sheet, r, c);
    let own = sheet.grid[r].get(c).is_some_and(|t| !t.is_empty());
    if own || !super::number::looks_numeric(text) {
        text.to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sheet(rows: &[&[&str]], merges: Vec<(usize, usize, usize, usize)>) -> Sheet {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
        let grid =
            rows.iter().map(|r| (0..width).map(|c| r.get(c).unwrap_or(&"").to_string()).collect()).collect();
        Sheet { name: "表".into(), path: PathBuf::from("data/a.xlsx"), grid, visible: true, merges }
    }

    #[test]
    fn title_unit_header_and_notes() {
        let s = sheet(
            &[
                &["2020年绛县党员统计表", "", ""],
                &["", "", "单位：名"],
                &[],
                &["年份", "党员总数", "女党员"],
                &["2019", "11,803", "3,402"],
                &["2020", "12,016", "3,560"],
                &["注：数据截至当年12月31日。"],
                &["数据来源：县委组织部"],
            ],
            vec![(0, 0, 0, 2)],
        );
        let t = table(&s).unwrap();
        assert_eq!(t.title.as_deref(), Some("2020年绛县党员统计表"));
        assert_eq!(t.unit.as_deref(), Some("名"));
        assert_eq!(t.source.as_deref(), Some("县委组织部"));
        assert_eq!(t.notes, ["注：数据截至当年12月31日。"]);
        assert_eq!((t.header.line, t.header.fields.join(",")), (4, "年份,党员总数,女党员".into()));
        assert_eq!(t.body.len(), 2);
        assert_eq!(t.body[1].line, 6);
    }

    #[test]
    fn two_row_header_under_merged_cells() {
        let s = sheet(
            &[
                &["乡镇", "发展党员(名)", "", "统计日期"],
                &["", "男", "女", ""],
                &["古绛镇", "12", "8", "2020-12-31"],
            ],
            vec![(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)],
        );
        let t = table(&s).unwrap();
        assert_eq!(t.header.fields, ["乡镇", "发展党员·男(名)", "发展党员·女(名)", "统计日期"]);
        assert_eq!(t.body.len(), 1);
        assert_eq!(t.body[0].line, 3);
    }

    #[test]
    fn two_row_header_without_merged_regions() {
        let s = sheet(
            &[&["乡镇", "发展党员", "", "日期"], &["", "男", "女", ""], &["古绛镇", "12", "8", "2020-12-31"]],
            vec![],
        );
        let t = table(&s).unwrap();
        assert_eq!(t.header.fields, ["乡镇", "发展党员·男", "发展党员·女", "日期"]);
    }

    #[test]
    fn a_category_merged_down_fills_its_rows() {
        let s = sheet(
            &[&["类别", "名称", "数量"], &["党组织", "党委", "3"], &["", "支部", "40"]],
            vec![(1, 0, 2, 0)],
        );
        let t = table(&s).unwrap();
        assert_eq!(t.body[1].fields, ["党组织", "支部", "40"]);
    }
}
