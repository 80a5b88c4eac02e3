//! Spreadsheets in `data/` (.xlsx, .xlsm, .xls, .ods), read with calamine: pure Rust, one
//! crate for the three formats a county office saves in, with the cells' number formats
//! (xlsx) and merged regions (xlsx, xls). Each visible sheet becomes a grid of the texts a
//! reader sees in Excel: figures as they are shown (`12,016`, `29.63%`), date serials as dates.
//!
//! How a figure's display is found differs by format:
//! - .xlsx/.xlsm: calamine gives each cell's number format, applied by [`number`];
//! - .ods: calamine gives the value only, but the file keeps the text each cell showed, which
//!   `super::ods` reads from `content.xml`;
//! - .xls: calamine 0.38 reads the BIFF FORMAT and XF records but keeps only whether a format
//!   is a date (its `CellFormat`), and exposes neither the format string nor a cell's XF, so
//!   an .xls figure is written the way Excel's General format would (`12016`, `0.2963`).
//!   Saving the sheet as .xlsx keeps its thousands separators and percent signs.

use crate::Diagnostic;
use calamine::{Data, Reader, SheetVisible, Sheets};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The extensions read as spreadsheets.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// One sheet as a grid of display texts; row 0 is the sheet's row 1.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    /// The path diagnostics name: `data/a.xlsx` for the first sheet, `data/a.xlsx#名` after.
    pub path: PathBuf,
    pub grid: Vec<Vec<String>>,
    /// A hidden sheet is no dataset, but it is published inside the workbook all the same.
    pub visible: bool,
    /// Merged regions as (first row, first column, last row, last column), 0-based.
    pub merges: Vec<(usize, usize, usize, usize)>,
}

/// What the data page says the original file is.
pub fn kind(rel: &Path) -> &'static str {
    match ext(rel).as_str() {
        "ods" => "OpenDocument 电子表格（.ods）",
        "xls" => "Excel 97-2003 工作簿（.xls）",
        "xlsm" => "Excel 启用宏的工作簿（.xlsm）",
        _ => "Excel 工作簿（.xlsx）",
    }
}

pub fn is_spreadsheet(rel: &Path) -> bool {
    EXTENSIONS.contains(&ext(rel).as_str())
}

fn ext(rel: &Path) -> String {
    rel.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// The sheets of the workbook `bytes`, in the workbook's order, empty ones left out.
/// A cell showing an Excel error (`#DIV/0!`) is a diagnostic naming the cell.
pub fn read(rel: &Path, bytes: &[u8]) -> Result<Vec<Sheet>, Vec<Diagnostic>> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let problem = crate::locale::foreign_message(&e.to_string());
        vec![Diagnostic::new(rel, 0, t!("the spreadsheet cannot be read: {problem}", "表格文件无法读取：{problem}"))
            .with_hint(t!(
                "open it in Excel or WPS and save it again as .xlsx; a file with a password must be saved without it",
                "请用 Excel 或 WPS 打开后重新另存为 .xlsx；设了密码的文件要先取消密码再保存"
            ))]
    })?;
    // calamine gives an .ods figure's value only; the file keeps the text it showed
    let shown = if ext(rel) == "ods" { super::ods::shown(bytes) } else { Default::default() };
    let names: Vec<(String, bool)> =
        book.sheets_metadata().iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible)).collect();
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut errors = Vec::new();
    for (name, visible) in names {
        let path = if visible && !sheets.iter().any(|s| s.visible) {
            rel.to_path_buf()
        } else {
            PathBuf::from(format!("{}#{name}", rel.display()))
        };
        let range = book.worksheet_range(&name).map_err(|e| {
            let problem = crate::locale::foreign_message(&e.to_string());
            vec![Diagnostic::new(
                &path,
                0,
                t!("the sheet 「{name}」 cannot be read: {problem}", "工作表「{name}」无法读取：{problem}"),
            )
            .with_hint(t!(
                "open the file in Excel or WPS and save it again as .xlsx",
                "请用 Excel 或 WPS 打开文件，重新另存为 .xlsx"
            ))]
        })?;
        let formats = number_formats(&mut book, &name);
        let texts = shown.get(&name);
        let Some((first_row, first_col)) = range.start() else { continue };
        let (height, width) = range.get_size();
        let (rows, cols) = (first_row as usize + height, first_col as usize + width);
        let mut grid = vec![vec![String::new(); cols]; rows];
        for (r, c, cell) in range.used_cells() {
            let (r, c) = (r + first_row as usize, c + first_col as usize);
            let format = formats.as_ref().and_then(|f| f.get((r as u32, c as u32)));
            let text = texts.and_then(|t| t.get(&(r as u32, c as u32))).filter(|t| !t.is_empty());
            match display(cell, format.and_then(|s| s.number_format.as_ref()).map(|n| n.format_code.as_str()))
            {
                Ok(_) if matches!(cell, Data::Float(_) | Data::Int(_)) && text.is_some() => {
                    grid[r][c] = text.cloned().unwrap_or_default();
                }
                Ok(text) => grid[r][c] = text,
                Err(shown) => errors.push(
                    Diagnostic::new(
                        &path,
                        r + 1,
                        t!("cell {} shows the error {shown}", "单元格 {} 显示错误值 {shown}", cell_ref(r, c)),
                    )
                    .with_hint(t!(
                        "correct the formula in Excel or WPS, or clear the cell, and save the file again",
                        "请在 Excel 或 WPS 中改正公式或清空该单元格，再保存文件"
                    )),
                ),
            }
        }
        if grid.iter().all(|row| row.iter().all(String::is_empty)) {
            continue;
        }
        let merges = merged(&mut book, &name);
        sheets.push(Sheet { name, path, grid, visible, merges });
    }
    if errors.is_empty() {
        Ok(sheets)
    } else {
        Err(errors)
    }
}

/// The cells' styles, which only the xlsx reader gives (see the module header for .xls).
fn number_formats(book: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Option<calamine::StyleRange> {
    match book {
        Sheets::Xlsx(x) => x.worksheet_style(name).ok(),
        _ => None,
    }
}

fn merged(book: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Vec<(usize, usize, usize, usize)> {
    let dims = match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    dims.into_iter()
        .map(|d| (d.start.0 as usize, d.start.1 as usize, d.end.0 as usize, d.end.1 as usize))
        .collect()
}

/// `C5` for row 4, column 2 (0-based).
pub fn cell_ref(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// The text a cell shows, or the Excel error it shows.
fn display(cell: &Data, format: Option<&str>) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => number(*i as f64, format),
        Data::Float(f) => number(*f, format),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, h, min, s, _) = dt.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02}")
            }
        }
        Data::DateTime(dt) => number(dt.as_f64(), None),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).replace('T', " "),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A figure as its number format shows it: the first section of the format, its decimals,
/// thousands separators, percent sign and quoted text (`0"名"`). Formats beyond that
/// (scientific, fractions, text) fall back to General.
pub fn number(value: f64, format: Option<&str>) -> String {
    let Some(f) = format.and_then(parse_format) else { return general(value) };
    let value = if f.percent { value * 100.0 } else { value };
    let fixed = format!("{:.*}", f.decimals, value.abs());
    let (int, frac) = fixed.split_once('.').map_or((fixed.as_str(), None), |(i, d)| (i, Some(d)));
    let int = if f.grouping { group(int) } else { int.to_string() };
    let negative = value < 0.0 && fixed.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let sign = if negative { "-" } else { "" };
    let frac = frac.map(|d| format!(".{d}")).unwrap_or_default();
    format!("{}{sign}{int}{frac}{}", f.prefix, f.suffix)
}

struct Format {
    decimals: usize,
    grouping: bool,
    percent: bool,
    prefix: String,
    suffix: String,
}

fn parse_format(code: &str) -> Option<Format> {
    let section = first_section(code);
    if section.eq_ignore_ascii_case("general") || section.contains(['E', 'e', '/', '@', '?']) {
        return None;
    }
    let mut f =
        Format { decimals: 0, grouping: false, percent: false, prefix: String::new(), suffix: String::new() };
    let (mut seen_digit, mut after_point) = (false, false);
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        let literal = match c {
            '0' | '#' => {
                seen_digit = true;
                f.decimals += usize::from(after_point);
                None
            }
            '.' if seen_digit || chars.clone().next().is_some_and(|n| n == '0' || n == '#') => {
                after_point = true;
                seen_digit = true;
                None
            }
            ',' if seen_digit && !after_point => {
                f.grouping = true;
                None
            }
            '%' => {
                f.percent = true;
                Some("%".to_string())
            }
            '"' => Some(chars.by_ref().take_while(|&q| q != '"').collect()),
            '\\' => chars.next().map(String::from),
            '_' | '*' => {
                chars.next();
                None
            }
            '[' => {
                chars.by_ref().take_while(|&q| q != ']').for_each(drop);
                None
            }
            c => Some(c.to_string()),
        };
        if let Some(text) = literal {
            if seen_digit {
                f.suffix.push_str(&text);
            } else {
                f.prefix.push_str(&text);
            }
        }
    }
    f.prefix = f.prefix.trim().to_string();
    f.suffix = f.suffix.trim().to_string();
    seen_digit.then_some(f)
}

/// The format up to its first unquoted `;` (the section for positive numbers).
fn first_section(code: &str) -> &str {
    let mut quoted = false;
    for (i, c) in code.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return &code[..i],
            _ => {}
        }
    }
    code
}

/// `12016` → `12,016`.
fn group(int: &str) -> String {
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*d);
    }
    out
}

/// Excel's General: integers as they are, other figures to at most 11 significant digits,
/// so that a formula's 0.30000000000000004 shows as 0.3.
pub fn general(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (10 - magnitude).clamp(0, 15) as usize;
    let fixed = format!("{value:.decimals$}");
    let trimmed =
        if fixed.contains('.') { fixed.trim_end_matches('0').trim_end_matches('.') } else { &fixed };
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_as_excel_shows_them() {
        assert_eq!(number(12016.0, Some("#,##0")), "12,016");
        assert_eq!(number(0.2963, Some("0.00%")), "29.63%");
        assert_eq!(number(0.5, Some("0%")), "50%");
        assert_eq!(number(1234567.891, Some("#,##0.00")), "1,234,567.89");
        assert_eq!(number(12.0, Some("0\"名\"")), "12名");
        assert_eq!(number(-3.5, Some("0.0;[Red]-0.0")), "-3.5");
        assert_eq!(number(45.6, Some("0.0\"万元\"")), "45.6万元");
        assert_eq!(number(12016.0, Some("General")), "12016");
        assert_eq!(number(1.5, Some("# ?/?")), "1.5");
    }

    #[test]
    fn general_hides_float_noise() {
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(0.2786), "0.2786");
        assert_eq!(general(-12.0), "-12");
        assert_eq!(general(1234.5678), "1234.5678");
    }

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(4, 2), "C5");
        assert_eq!(cell_ref(0, 26), "AA1");
    }
}
