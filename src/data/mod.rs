//! Data: statistics under `data/`, CSV files and spreadsheets (each visible sheet one
//! dataset), each read once into a [`Dataset`] (typed columns, parsed figures with their
//! original text) that shortcodes, charts, the `/data/` pages and templates (`load_data`) use.
//! Lookups fail with messages that name what does exist.

pub mod chart;
pub mod format;
pub mod formula;
pub mod meta;
pub mod number;
pub mod ods;
pub mod paths;
pub mod read;
pub mod shape;
pub mod sheet;
pub mod template;

use crate::Diagnostic;
use meta::{ColumnType, Meta};
use number::Number;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every dataset of the site, sorted by name.
#[derive(Debug, Default, Clone)]
pub struct Datasets {
    /// Shared, so that the build's view without hidden datasets and the templates'
    /// `load_data` do not copy a large dataset.
    sets: Vec<std::sync::Arc<Dataset>>,
    /// Names of CSV files that had errors: already reported, so lookups stay quiet about them.
    broken: BTreeSet<String>,
    /// The cells of hidden sheets, as (sheet path, row, text): no dataset shows them, but the
    /// workbook that holds them is published, so the privacy guard reads them.
    hidden_cells: Vec<(PathBuf, usize, String)>,
}

/// One CSV file, or one sheet of a spreadsheet, with its description.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Path below `data/` with `/` separators, as shortcodes name it: `jiangxian.csv`,
    /// `tongji.xlsx` (a workbook's first sheet), `tongji.xlsx#发展党员` (another sheet).
    pub name: String,
    /// Path relative to the site root: `data/jiangxian.csv`, `data/tongji.xlsx#发展党员`.
    pub path: PathBuf,
    /// The sheet's name, for a spreadsheet.
    pub sheet: Option<String>,
    /// The spreadsheet as it was saved, offered for download beside the CSV copy: on the
    /// workbook's first sheet only, so the file is published once.
    pub original: Option<Arc<[u8]>>,
    /// Texts a sheet shows around its table (title, unit, notes), with their rows: they reach
    /// the page as title, unit and description, so the privacy guard reads them too.
    pub around: Vec<(usize, String)>,
    pub meta: Meta,
    /// The description's title, a sheet's title row, or the file name without `.csv`.
    pub title: String,
    /// The encoding the file was read in (UTF-8, gb18030, …), or the kind of spreadsheet.
    pub encoding: &'static str,
    pub header_line: usize,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The decoded text (a sheet's table written as CSV), for the UTF-8 copy in the site.
    text: String,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The header cell, exactly: `党员总数(名)`.
    pub name: String,
    pub numeric: bool,
    /// From the description, the header's `(名)`, or the unit every cell shares.
    pub unit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// The file line the row starts on.
    pub line: usize,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Cell {
    /// The text as written in the CSV, trimmed: what the site shows by default.
    pub raw: String,
    /// The figure, in a numeric column with a non-empty cell.
    pub number: Option<Number>,
}

/// Why a lookup found nothing: a message and a hint, or a dataset whose errors are already
/// reported (then nothing more should be said).
#[derive(Debug, Clone)]
pub enum Miss {
    Broken,
    Missing { message: String, hint: String },
}

/// Descriptions by the path of what they describe, without extension, and their file.
type Metas<'a> = BTreeMap<PathBuf, (&'a PathBuf, &'a Vec<u8>)>;

/// Cells that mean "no figure" rather than a malformed one.
const EMPTY_MARKS: &[&str] = &["", "-", "—", "–", "－", "/", "／"];

/// A cell with no figure: an empty mark, or a number `check --mask` masked (`138****5678`),
/// which is no longer a figure and must not stop the site from building.
fn no_figure(cell: &str) -> bool {
    EMPTY_MARKS.contains(&cell)
        || cell.contains('*') && cell.chars().all(|c| c == '*' || c.is_ascii_alphanumeric())
}

impl Datasets {
    /// Parses the raw files loaded from `data/` (path relative to the site root, bytes).
    pub fn parse(files: &[(PathBuf, Vec<u8>)]) -> (Datasets, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        // a description is found by the name without extension: a.toml describes a.csv or the
        // first sheet of a.xlsx, a#发展党员.toml the sheet 发展党员
        let mut metas = Metas::new();
        for (rel, bytes) in files.iter().filter(|(p, _)| has_ext(p, "toml")) {
            metas.insert(rel.with_extension(""), (rel, bytes));
        }
        let mut out = Datasets::default();
        for (rel, bytes) in files {
            if has_ext(rel, "csv") {
                let meta = metas.remove(&rel.with_extension(""));
                out.add(parse_dataset(rel, bytes, meta), data_name(rel), &mut diagnostics);
            } else if sheet::is_spreadsheet(rel) {
                out.add_workbook(rel, bytes, &mut metas, &mut diagnostics);
            } else if has_ext(rel, "et") || has_ext(rel, "xlsb") {
                diagnostics.push(
                    Diagnostic::new(
                        rel,
                        0,
                        t!(
                            "gongkai reads .xlsx, .xls, .ods and CSV, not this kind of spreadsheet",
                            "gongkai 能读 .xlsx、.xls、.ods 和 CSV，读不了这种表格文件"
                        ),
                    )
                    .with_hint(t!(
                        "open it in WPS or Excel and save it as 「Excel 工作簿（*.xlsx）」 beside this file, then remove this file",
                        "请用 WPS 或 Excel 打开，另存为「Excel 工作簿（*.xlsx）」放在同一文件夹，再删去这个文件"
                    )),
                );
            }
        }
        for (stem, (toml, _)) in metas {
            diagnostics.push(
                Diagnostic::new(
                    toml,
                    0,
                    t!(
                        "this describes {}.csv, which does not exist",
                        "这个说明文件对应的 {}.csv 不存在",
                        stem.display()
                    ),
                )
                .with_hint(t!(
                    "a description sits beside its table with the same name: a.csv (or a.xlsx) and a.toml; a#表名.toml for another sheet of a.xlsx",
                    "说明文件要和表格同名、放在一起：a.csv（或 a.xlsx）配 a.toml；a.xlsx 的其他工作表配 a#表名.toml"
                )),
            );
        }
        out.sets.sort_by(|a, b| a.name.cmp(&b.name));
        diagnostics.extend(out.clashes());
        (out, diagnostics)
    }

    fn add(
        &mut self,
        result: Result<Dataset, Vec<Diagnostic>>,
        name: String,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        match result.and_then(check_default_chart) {
            Ok(ds) => self.sets.push(std::sync::Arc::new(ds)),
            Err(errors) => {
                diagnostics.extend(errors);
                self.broken.insert(name);
            }
        }
    }

    /// Each visible sheet of the workbook `rel` as a dataset; the hidden ones' cells kept for
    /// the privacy guard.
    fn add_workbook(
        &mut self,
        rel: &Path,
        bytes: &[u8],
        metas: &mut Metas,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let sheets = match sheet::read(rel, bytes) {
            Ok(sheets) => sheets,
            Err(errors) => {
                diagnostics.extend(errors);
                self.broken.insert(data_name(rel));
                return;
            }
        };
        let original: Arc<[u8]> = bytes.into();
        let (sheets, hidden): (Vec<_>, Vec<_>) = sheets.into_iter().partition(|s| s.visible);
        for sh in hidden {
            for (r, row) in sh.grid.into_iter().enumerate() {
                let cells = row.into_iter().filter(|c| !c.is_empty());
                self.hidden_cells.extend(cells.map(|c| (sh.path.clone(), r + 1, c)));
            }
        }
        for (i, sh) in sheets.iter().enumerate() {
            let key = if i == 0 {
                rel.with_extension("")
            } else {
                PathBuf::from(format!("{}#{}", rel.with_extension("").display(), sh.name))
            };
            let meta = metas.remove(&key);
            let original = (i == 0).then(|| original.clone());
            self.add(parse_sheet(rel, sh, meta, original), data_name(&sh.path), diagnostics);
        }
    }

    /// The datasets less those named in `hidden`, which lookups then do not find (as if the
    /// files were not there: a build for the public never sees a party-only table).
    /// A workbook of which a sheet is hidden is not published whole: its other sheets keep
    /// their CSV copies, but the file itself (which holds the hidden sheet) is dropped.
    pub fn without(&self, hidden: &BTreeSet<String>) -> Datasets {
        let partly_hidden: BTreeSet<&str> = hidden.iter().filter_map(|h| h.split('#').next()).collect();
        // shared as it is, copied only to drop the workbook of a partly hidden one
        let keep = |d: &std::sync::Arc<Dataset>| {
            if !partly_hidden.contains(d.name.as_str()) {
                return std::sync::Arc::clone(d);
            }
            let mut d = Dataset::clone(d);
            d.original = None;
            std::sync::Arc::new(d)
        };
        Datasets {
            sets: self.sets.iter().filter(|d| !hidden.contains(&d.name)).map(keep).collect(),
            broken: self.broken.clone(),
            hidden_cells: self.hidden_cells.clone(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Dataset> {
        self.sets.iter().map(|d| &**d)
    }

    /// The datasets as shared handles, for what outlives this value (template functions).
    pub fn shared(&self) -> impl Iterator<Item = &std::sync::Arc<Dataset>> {
        self.sets.iter()
    }

    /// The `i`th dataset in name order (the renderer's jobs refer to datasets by index).
    pub fn get(&self, i: usize) -> Option<&Dataset> {
        self.sets.get(i).map(|d| &**d)
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// Two datasets published at one address (a.csv beside a.xlsx): the second is an error.
    fn clashes(&self) -> Vec<Diagnostic> {
        let mut seen: BTreeMap<String, &Dataset> = BTreeMap::new();
        let mut found = Vec::new();
        for ds in &self.sets {
            if let Some(first) = seen.insert(paths::page_path(ds), ds) {
                found.push(
                    Diagnostic::new(
                        &ds.path,
                        0,
                        t!(
                            "{} and {} would both be published as data/{}/",
                            "{} 和 {} 都会发布在 data/{}/，地址冲突",
                            first.path.display(),
                            ds.path.display(),
                            ds.stem()
                        ),
                    )
                    .with_hint(t!(
                        "keep one of the two files, or rename one",
                        "只保留其中一个文件，或给其中一个改名"
                    )),
                );
            }
        }
        found
    }

    /// The dataset `name`, below `data/` (`jiangxian.csv`; a leading `data/` is accepted; a
    /// workbook's first sheet also answers to `tongji.xlsx#表名`).
    pub fn find(&self, name: &str) -> Result<&Dataset, Miss> {
        let name = name.trim().trim_start_matches("./").trim_start_matches("data/");
        if let Ok(i) = self.sets.binary_search_by(|d| d.name.as_str().cmp(name)) {
            return Ok(&self.sets[i]);
        }
        if let Some((file, sheet)) = name.split_once('#') {
            if let Some(ds) = self.sets.iter().find(|d| d.name == file && d.sheet.as_deref() == Some(sheet)) {
                return Ok(ds);
            }
        }
        if self.broken.contains(name) {
            return Err(Miss::Broken);
        }
        let names: Vec<&str> = self.sets.iter().map(|d| d.name.as_str()).collect();
        let hint = if names.is_empty() {
            t!(
                "the site has no data/ folder with CSV files yet; put the table there as data/NAME.csv",
                "网站还没有放 CSV 文件的 data/ 文件夹，请把表格放到 data/名称.csv"
            )
        } else {
            t!(
                "the files in data/ are: {}{}",
                "data/ 中的文件有：{}{}",
                names.join(", "),
                did_you_mean(name, &names)
            )
        };
        Err(Miss::Missing {
            message: t!("there is no file data/{name}", "没有 data/{name} 这个文件"), hint
        })
    }

    /// The privacy guard over every cell of every CSV, less what a description allows.
    pub fn privacy_problems(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (path, line, text) in &self.hidden_cells {
            found.extend(crate::privacy::check_value(path, *line, text, &crate::privacy::Allow::default()));
        }
        for ds in &self.sets {
            let allow = crate::privacy::Allow::new(ds.meta.privacy_allow.clone());
            found.extend(crate::privacy::check_path(&ds.path));
            if let Some(bytes) = &ds.original {
                // the workbook is published as it is: hidden sheets, comments and all
                found.extend(crate::privacy::check_file_allowing(&ds.path, bytes, &allow));
            }
            for (line, text) in &ds.around {
                found.extend(crate::privacy::check_value(&ds.path, *line, text, &allow));
            }
            for c in &ds.columns {
                found.extend(crate::privacy::check_value(&ds.path, ds.header_line, &c.name, &allow));
            }
            let amounts: Vec<bool> = ds.columns.iter().map(Column::holds_amounts).collect();
            for row in &ds.rows {
                let before = found.len();
                for (cell, &amount) in row.cells.iter().zip(&amounts) {
                    // 13812345678 in a column of yuan is 138 亿元, not a mobile
                    let check =
                        if amount { crate::privacy::check_amount } else { crate::privacy::check_value };
                    found.extend(check(&ds.path, row.line, &cell.raw, &allow));
                }
                // a number split over cells side by side (`138` | `1234-5678`) reads as one in
                // the table (found by a hostile review); but a row of plain figures is counts
                // side by side (`145,2380,5120`), and the columns of money stay apart
                if found.len() == before && row.cells.iter().any(|c| written_apart(&c.raw)) {
                    let joined: Vec<&str> = row
                        .cells
                        .iter()
                        .zip(&amounts)
                        .filter(|(_, &amount)| !amount)
                        .map(|(cell, _)| cell.raw.as_str())
                        .collect();
                    found.extend(crate::privacy::check_value(
                        &ds.path,
                        row.line,
                        &joined.join(" | "),
                        &allow,
                    ));
                }
            }
        }
        found
    }

    /// Every cell of every CSV, headers included, as (file, line, text): for checks that
    /// must see all published text.
    pub fn cells(&self) -> impl Iterator<Item = (&Path, usize, &str)> {
        self.sets.iter().flat_map(|ds| ds.cells().map(move |(line, text)| (ds.path.as_path(), line, text)))
    }
}

/// Whether a cell sets its digits apart in groups (`1234-5678`, `138 1234`): a digit, one or
/// more joiners, a digit. Read without copying, since it runs on every cell of every row.
fn written_apart(raw: &str) -> bool {
    let joiner = |c: char| matches!(c, '-' | ' ' | '/' | '_' | '~' | '－' | '—' | '\u{3000}');
    let (mut after_digit, mut joined) = (false, false);
    for c in raw.trim().chars() {
        if c.is_ascii_digit() {
            if joined {
                return true;
            }
            after_digit = true;
        } else if joiner(c) && after_digit {
            joined = true;
        } else {
            (after_digit, joined) = (false, false);
        }
    }
    false
}

impl Column {
    /// A column of money or economic figures: `金额（元）`, `财政收入(万元)`, `GDP`.
    pub fn holds_amounts(&self) -> bool {
        let unit = self.unit.as_deref().unwrap_or("");
        ["元", "金额", "收入", "支出", "GDP", "产值", "总值", "经费"].iter().any(|w| self.name.contains(w))
            || unit.contains('元')
    }
}

impl Dataset {
    /// Every cell, header included, as (file line, text as written).
    pub fn cells(&self) -> impl Iterator<Item = (usize, &str)> {
        let around = self.around.iter().map(|(line, text)| (*line, text.as_str()));
        let header = around.chain(self.columns.iter().map(|c| (self.header_line, c.name.as_str())));
        header.chain(self.rows.iter().flat_map(|r| r.cells.iter().map(move |c| (r.line, c.raw.as_str()))))
    }

    /// The index of the column named exactly `name`.
    pub fn column(&self, name: &str) -> Result<usize, Miss> {
        let name = name.trim();
        if let Some(i) = self.columns.iter().position(|c| c.name == name) {
            return Ok(i);
        }
        let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        Err(Miss::Missing {
            message: t!("{} has no column `{name}`", "{} 中没有 `{name}` 这一列", self.path.display()),
            hint: t!("its columns are: {}{}", "它的列有：{}{}", names.join(", "), did_you_mean(name, &names)),
        })
    }

    /// The row whose first cell is `key` (a year, a category).
    pub fn row(&self, key: &str) -> Result<usize, Miss> {
        let key = key.trim();
        if let Some(i) = self.rows.iter().position(|r| r.cells.first().is_some_and(|c| c.raw == key)) {
            return Ok(i);
        }
        let keys: Vec<&str> =
            self.rows.iter().filter_map(|r| r.cells.first()).map(|c| c.raw.as_str()).collect();
        let first = self.columns.first().map(|c| c.name.as_str()).unwrap_or("");
        Err(Miss::Missing {
            message: t!(
                "{} has no row `{key}` (rows are found by their first column, {first})",
                "{} 中没有 `{key}` 这一行（按第一列「{first}」找行）",
                self.path.display()
            ),
            hint: t!("its rows are: {}{}", "它的行有：{}{}", keys.join(", "), did_you_mean(key, &keys)),
        })
    }

    /// The file as the site offers it for download: UTF-8 with a BOM, so that Excel on a
    /// Chinese Windows does not read it as GBK and garble it, and no cell Excel would run as
    /// a formula ([`formula::neutralise`]).
    pub fn download_bytes(&self) -> Vec<u8> {
        let text = formula::neutralise(&self.text);
        let mut out = Vec::with_capacity(text.len() + 3);
        out.extend_from_slice(b"\xEF\xBB\xBF");
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// The name without its extension: `jiangxian`, `a/b` for `data/a/b.csv`, and
    /// `tongji/发展党员` for the sheet 发展党员 of `data/tongji.xlsx`.
    pub fn stem(&self) -> String {
        let (file, sheet) =
            self.name.split_once('#').map_or((self.name.as_str(), None), |(f, s)| (f, Some(s)));
        let file = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        match sheet {
            Some(sheet) => format!("{file}/{}", sheet.replace(['/', '\\'], "-")),
            None => file.to_string(),
        }
    }

    /// The workbook's file name below `data/` (`tongji.xlsx`), on the dataset that carries it.
    pub fn original_name(&self) -> Option<&str> {
        self.original.as_ref().map(|_| self.name.split('#').next().unwrap_or(&self.name))
    }

    /// The dataset's unit for a column: the column's own, then the description's.
    pub fn unit_of(&self, column: usize) -> Option<&str> {
        self.columns[column].unit.as_deref().or(self.meta.unit.as_deref())
    }
}

/// The description's `[chart]` must draw: checked here so a mistake fails the build and
/// names the TOML file, rather than leaving the data page without its chart.
fn check_default_chart(ds: Dataset) -> Result<Dataset, Vec<Diagnostic>> {
    match chart::default_spec(&ds) {
        Err(Miss::Missing { message, hint }) => {
            Err(vec![Diagnostic::new(ds.path.with_extension("toml"), 0, format!("[chart]: {message}"))
                .with_hint(hint)])
        }
        _ => Ok(ds),
    }
}

/// ` (did you mean `x`?)` when one candidate is close to `wanted`.
fn did_you_mean(wanted: &str, candidates: &[&str]) -> String {
    crate::text::nearest(wanted, candidates)
        .map(|c| t!(" (did you mean `{c}`?)", "（是不是要写 `{c}`？）"))
        .unwrap_or_default()
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// `data/a/b.csv` → `a/b.csv`.
fn data_name(rel: &Path) -> String {
    let below = rel.strip_prefix("data").unwrap_or(rel);
    below.to_string_lossy().replace('\\', "/")
}

/// A description file, read and checked (its words are printed on the data page).
fn read_meta(meta_file: Option<(&PathBuf, &Vec<u8>)>) -> Result<Meta, Vec<Diagnostic>> {
    Ok(match meta_file {
        Some((toml_rel, toml_bytes)) => {
            let text = read::decode(toml_rel, toml_bytes).map_err(|d| vec![d])?.text;
            let meta = meta::parse(toml_rel, &text).map_err(|d| vec![d])?;
            let unusable = crate::privacy::allow_problems(toml_rel, 0, &meta.privacy_allow);
            if !unusable.is_empty() {
                return Err(unusable);
            }
            // the description's title, source and sentence are printed on the data page
            let allow = crate::privacy::Allow::new(meta.privacy_allow.clone());
            let leaks = crate::privacy::check_text(toml_rel, &text, &allow);
            if !leaks.is_empty() {
                return Err(leaks);
            }
            meta
        }
        None => Meta::default(),
    })
}

fn parse_dataset(
    rel: &Path,
    bytes: &[u8],
    meta_file: Option<(&PathBuf, &Vec<u8>)>,
) -> Result<Dataset, Vec<Diagnostic>> {
    let meta = read_meta(meta_file)?;
    let decoded = read::decode(rel, bytes).map_err(|d| vec![d])?;
    let records = read::records(rel, &decoded.text).map_err(|d| vec![d])?;
    let Some((header, body)) = records.split_first() else {
        return Err(vec![Diagnostic::new(rel, 0, t!("the file is empty", "文件是空的")).with_hint(t!(
            "the first line names the columns, e.g. 年份,党员总数(名)",
            "第一行写各列的名称，如 年份,党员总数(名)"
        ))]);
    };
    let mut ds = from_records(rel, header, body, meta)?;
    ds.encoding = decoded.encoding;
    ds.text = decoded.text;
    Ok(ds)
}

/// One sheet of the workbook `rel`: its table, with the title row, unit row and notes taken
/// as the description's title, unit, source and sentence where the description says none.
fn parse_sheet(
    rel: &Path,
    sh: &sheet::Sheet,
    meta_file: Option<(&PathBuf, &Vec<u8>)>,
    original: Option<Arc<[u8]>>,
) -> Result<Dataset, Vec<Diagnostic>> {
    let mut meta = read_meta(meta_file)?;
    let table = shape::table(sh)
        .ok_or_else(|| vec![Diagnostic::new(&sh.path, 0, t!("the sheet is empty", "工作表是空的"))])?;
    let first = original.is_some();
    meta.title = meta.title.or(table.title).or_else(|| {
        let file = data_name(rel);
        let file = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s).to_string();
        Some(if first { file } else { format!("{file} · {}", sh.name) })
    });
    meta.unit = meta.unit.or(table.unit);
    meta.source = meta.source.or(table.source);
    if meta.description.is_none() && !table.notes.is_empty() {
        meta.description = Some(table.notes.join(" "));
    }
    let mut ds = from_records(&sh.path, &table.header, &table.body, meta)?;
    ds.sheet = Some(sh.name.clone());
    ds.original = original;
    ds.around = table.around;
    ds.around.push((0, sh.name.clone()));
    ds.encoding = sheet::kind(rel);
    ds.text = csv_text(&table.header, &table.body);
    Ok(ds)
}

/// A sheet's table as CSV text, for the UTF-8 download.
fn csv_text(header: &read::Record, body: &[read::Record]) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in std::iter::once(header).chain(body) {
        // writing to a Vec cannot fail
        let _ = w.write_record(&record.fields);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A dataset from its header and rows, wherever they were read from.
fn from_records(
    rel: &Path,
    header: &read::Record,
    body: &[read::Record],
    meta: Meta,
) -> Result<Dataset, Vec<Diagnostic>> {
    let mut errors = check_header(rel, header, &meta);
    let rows = body_rows(rel, header, body, &mut errors);
    let columns = typed_columns(header, &rows, &meta);
    let rows = parse_cells(rel, &columns, rows, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let title = meta.title.clone().unwrap_or_else(|| {
        let name = data_name(rel);
        name.strip_suffix(".csv").unwrap_or(&name).to_string()
    });
    Ok(Dataset {
        name: data_name(rel),
        path: rel.to_path_buf(),
        sheet: None,
        original: None,
        around: Vec::new(),
        title,
        meta,
        encoding: "UTF-8",
        header_line: header.line,
        columns,
        rows,
        text: String::new(),
    })
}

/// Column names must be there and distinct; the description may only name real columns.
fn check_header(rel: &Path, header: &read::Record, meta: &Meta) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, name) in header.fields.iter().enumerate() {
        if name.is_empty() {
            errors.push(
                Diagnostic::new(
                    rel,
                    header.line,
                    t!("column {} has no name in the first line", "第一行中第 {} 列没有名称", i + 1),
                )
                .with_hint(t!("write a name for every column in the first line", "在第一行给每一列写上名称")),
            );
        } else if !seen.insert(name.as_str()) {
            errors.push(
                Diagnostic::new(
                    rel,
                    header.line,
                    t!("two columns are named `{name}`", "有两列都叫 `{name}`"),
                )
                .with_hint(t!("give each column its own name", "每一列用不同的名称")),
            );
        }
    }
    let names: Vec<&str> = header.fields.iter().map(String::as_str).collect();
    let toml = rel.with_extension("toml");
    for col in meta.columns.keys().filter(|c| !seen.contains(c.as_str())) {
        errors.push(
            Diagnostic::new(
                &toml,
                0,
                t!(
                    "[columns] names `{col}`, which is not a column of {}",
                    "[columns] 中写了 `{col}`，但 {} 没有这一列",
                    rel.display()
                ),
            )
            .with_hint(t!(
                "the columns are: {}{}",
                "表格的列有：{}{}",
                names.join(", "),
                did_you_mean(col, &names)
            )),
        );
    }
    errors
}

/// Records below the header, each with as many fields as the header (Excel's trailing empty
/// fields are dropped); a row of another width is an error.
fn body_rows(
    rel: &Path,
    header: &read::Record,
    body: &[read::Record],
    errors: &mut Vec<Diagnostic>,
) -> Vec<read::Record> {
    let width = header.fields.len();
    let mut rows = Vec::with_capacity(body.len());
    for record in body {
        let mut record = record.clone();
        while record.fields.len() > width && record.fields.last().is_some_and(String::is_empty) {
            record.fields.pop();
        }
        if record.fields.len() != width {
            errors.push(
                Diagnostic::new(
                    rel,
                    record.line,
                    t!(
                        "this row has {} fields but the first line names {width} columns",
                        "这一行有 {} 格，但第一行写了 {width} 列",
                        record.fields.len()
                    ),
                )
                .with_hint(t!(
                    "a comma inside a figure (11,520) needs the field in quotes: \"11,520\"",
                    "数字中带逗号（11,520）时要加英文引号：\"11,520\""
                )),
            );
            continue;
        }
        rows.push(record);
    }
    rows
}

/// Each column's type (the description's, or numeric when every filled cell reads like a
/// figure) and unit.
fn typed_columns(header: &read::Record, rows: &[read::Record], meta: &Meta) -> Vec<Column> {
    header
        .fields
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let col_meta = meta.columns.get(name);
            let filled = || rows.iter().map(|r| r.fields[i].as_str()).filter(|c| !no_figure(c));
            let numeric = match col_meta.and_then(|m| m.kind()) {
                Some(t) => t == ColumnType::Number,
                None => filled().next().is_some() && filled().all(number::looks_numeric),
            };
            let unit = col_meta
                .and_then(|m| m.unit().map(String::from))
                .or_else(|| header_unit(name))
                .or_else(|| if numeric { shared_unit(filled()) } else { None });
            Column { name: name.clone(), numeric, unit }
        })
        .collect()
}

/// The unit in a header's brackets: `党员总数(名)` and `党员总数（名）` → 名.
pub fn header_unit(name: &str) -> Option<String> {
    let inner = name
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('(').map(|(_, u)| u))
        .or_else(|| name.strip_suffix('）').and_then(|s| s.rsplit_once('（').map(|(_, u)| u)))?;
    let inner = inner.trim();
    (!inner.is_empty() && inner.chars().count() <= 6).then(|| inner.to_string())
}

/// The unit that every parsable cell of a column writes, when they all agree.
fn shared_unit<'a>(cells: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut units = cells.map(|c| number::parse(c).ok().and_then(|n| n.unit));
    let first = units.next()??;
    units.all(|u| u.as_deref() == Some(first.as_str())).then_some(first)
}

/// Parses every cell of the numeric columns; a malformed figure is an error naming the
/// line, column and cell.
fn parse_cells(
    rel: &Path,
    columns: &[Column],
    rows: Vec<read::Record>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Row> {
    rows.into_iter()
        .map(|record| {
            let cells = record
                .fields
                .into_iter()
                .zip(columns)
                .map(|(raw, col)| {
                    let number = if col.numeric && !no_figure(&raw) {
                        number::parse(&raw)
                            .map_err(|e| errors.push(cell_error(rel, record.line, &col.name, &e)))
                            .ok()
                    } else {
                        None
                    };
                    Cell { raw, number }
                })
                .collect();
            Row { line: record.line, cells }
        })
        .collect()
}

fn cell_error(rel: &Path, line: usize, column: &str, e: &number::NumberError) -> Diagnostic {
    Diagnostic::new(rel, line, t!("column `{column}`: {e}", "`{column}` 列：{e}")).with_hint(t!(
        "write the figure as 12016, 11,520 (in quotes), 1.2万, 1800余场次 or 66.17%; leave the cell empty or write - when there is none",
        "数字可以写成 12016、11,520（加引号）、1.2万、1800余场次 或 66.17%；没有数据就空着或写 -"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_one(csv: &str) -> (Datasets, Vec<Diagnostic>) {
        Datasets::parse(&[(PathBuf::from("data/a.csv"), csv.as_bytes().to_vec())])
    }

    #[test]
    fn types_units_and_lookups() {
        let (ds, diags) = parse_one("年份,党员总数(名),经费\n2020,12016,3600万余元\n2019,-,59万余元\n");
        assert!(diags.is_empty(), "{diags:?}");
        let d = ds.find("a.csv").unwrap();
        assert_eq!(ds.find("data/a.csv").unwrap().name, "a.csv");
        assert!(d.columns.iter().all(|c| c.numeric));
        assert_eq!(d.columns[1].unit.as_deref(), Some("名"));
        assert_eq!(d.columns[2].unit.as_deref(), Some("元"));
        let (r, c) = (d.row("2020").unwrap(), d.column("经费").unwrap());
        assert_eq!(d.rows[r].cells[c].number.as_ref().unwrap().value, 36_000_000.0);
        assert!(d.rows[1].cells[1].number.is_none());
        assert_eq!(d.title, "a");
    }

    #[test]
    fn misses_name_what_exists() {
        let (ds, _) = parse_one("年份,党员总数(名)\n2020,12016\n");
        let d = ds.find("a.csv").unwrap();
        let Err(Miss::Missing { message, hint }) = d.column("党员总数") else { panic!() };
        assert!(message.contains("党员总数"), "{message}");
        assert!(
            hint.contains("年份, 党员总数(名)") && hint.contains("did you mean `党员总数(名)`"),
            "{hint}"
        );
        let Err(Miss::Missing { hint, .. }) = d.row("2021") else { panic!() };
        assert!(hint.contains("2020"), "{hint}");
        assert!(matches!(ds.find("b.csv"), Err(Miss::Missing { .. })));
    }

    #[test]
    fn bad_cells_are_errors_with_lines() {
        let (ds, diags) = parse_one("年份,党员\n2020,12016\n2021,12..3万\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
        assert!(diags[0].message.contains("党员") && diags[0].message.contains("12..3万"));
        assert!(matches!(ds.find("a.csv"), Err(Miss::Broken)));
    }

    #[test]
    fn text_columns_stay_text() {
        let (ds, diags) = parse_one("活动,日期,数量\n讲党课,2020-12-01,1800余场次\n");
        assert!(diags.is_empty(), "{diags:?}");
        let d = ds.find("a.csv").unwrap();
        assert_eq!(d.columns.iter().map(|c| c.numeric).collect::<Vec<_>>(), [false, false, true]);
    }

    #[test]
    fn cells_cover_headers_and_rows() {
        let (ds, _) = parse_one("姓名,电话\n张三,\"13800000000\"\n");
        let cells: Vec<_> = ds.cells().map(|(p, l, t)| (p.to_string_lossy().into_owned(), l, t)).collect();
        assert_eq!(cells[0], ("data/a.csv".to_string(), 1, "姓名"));
        assert_eq!(cells[3], ("data/a.csv".to_string(), 2, "13800000000"));
    }

    #[test]
    fn description_and_orphans() {
        let files = vec![
            (PathBuf::from("data/a.csv"), "x,y\n1,2\n".as_bytes().to_vec()),
            (PathBuf::from("data/a.toml"), "title = \"甲\"\n[columns]\nz = \"number\"\n".as_bytes().to_vec()),
            (PathBuf::from("data/b.toml"), "title = \"乙\"\n".as_bytes().to_vec()),
        ];
        let (_, diags) = Datasets::parse(&files);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("`z`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("data/b.csv")), "{messages:?}");
    }

    #[test]
    fn download_has_a_bom() {
        let (bytes, ..) = encoding_rs::GB18030.encode("年份,党员\n2020,1.2万\n");
        let (ds, _) = Datasets::parse(&[(PathBuf::from("data/a.csv"), bytes.into_owned())]);
        let out = ds.find("a.csv").unwrap().download_bytes();
        assert_eq!(&out[..3], b"\xEF\xBB\xBF");
        assert_eq!(std::str::from_utf8(&out[3..]).unwrap(), "年份,党员\n2020,1.2万\n");
    }

    // Excel runs a cell of the CSV copy that starts with = @ + - as a formula (OWASP's CSV
    // injection); a quote before it makes it text, a figure keeps its sign
    #[test]
    fn download_neutralises_formulas_only() {
        let csv = "a,b,c\r\n=1+1,\"-x\r\n-y\",-3\r\n\"@A1\",+4,\r\n\"\r=1\",-1.2万,-\r\n";
        let (ds, diags) = Datasets::parse(&[
            (PathBuf::from("data/a.csv"), csv.as_bytes().to_vec()),
            (PathBuf::from("data/a.toml"), "[columns]\nb = \"text\"\n".as_bytes().to_vec()),
        ]);
        assert!(diags.is_empty(), "{diags:?}");
        let out = ds.find("a.csv").unwrap().download_bytes();
        assert_eq!(
            std::str::from_utf8(&out[3..]).unwrap(),
            "a,b,c\r\n'=1+1,\"'-x\r\n-y\",-3\r\n\"'@A1\",+4,\r\n\"'\r=1\",-1.2万,-\r\n"
        );
    }
}
