//! Shortcodes resolved against the datasets, after parse has found them
//! ([`crate::content::shortcodes`]):
//!
//! - `{{ stat(data="jiangxian.csv", row="2020", col="党员总数(名)") }}` → the figure as the CSV
//!   writes it, or as `format="万余"` (or 万, 亿, 亿余, 千分位, 数值, 原文) says;
//! - `{{ chart(data="…", x="年份", y=["…", "…"], kind="bar", title="…") }}` with kinds bar,
//!   line, stacked, pie → checked here, drawn by render as a `<figure>`;
//! - `{{ table(data="…", columns=["…"], title="…") }}` → checked here, drawn by render.
//!
//! A reference to a missing file, row or column is an error at the shortcode's line that
//! names what exists. The datasets a page draws on are recorded: their audience follows it.

use crate::content::disclosure::{self, Category};
use crate::content::shortcodes::{Arg, Call};
use crate::content::{self, Extra, Page, ParseContext};
use crate::data::chart::{self, ChartData, Kind, Spec};
use crate::data::format::{self, StatFormat, FORMAT_NAMES};
use crate::data::{Dataset, Datasets, Miss};
use crate::Diagnostic;
use std::path::Path;

/// What a page's calls resolve to: the stat figures in order, and the datasets drawn on.
#[derive(Debug, Default, PartialEq)]
pub struct Resolved {
    pub figures: Vec<String>,
    /// The datasets the text draws on, in order of first use.
    pub datasets: Vec<String>,
}

/// A problem with one shortcode, placed at its line by `resolve`.
struct Problem {
    message: String,
    hint: String,
}

impl From<Miss> for Option<Problem> {
    fn from(m: Miss) -> Self {
        match m {
            Miss::Broken => None,
            Miss::Missing { message, hint } => Some(Problem { message, hint }),
        }
    }
}

/// Checks every call of the page at `rel` against `data`; every problem is a diagnostic at
/// its call's line.
pub fn resolve(rel: &Path, calls: &[Call], data: &Datasets) -> Result<Resolved, Vec<Diagnostic>> {
    let mut out = Resolved::default();
    let mut errors = Vec::new();
    for call in calls {
        match run(call, data, &mut out) {
            Ok(()) => {}
            Err(Some(p)) if call.from_key => {
                errors.push(Diagnostic::new(rel, call.line, p.message).with_hint(p.hint))
            }
            Err(Some(p)) => errors.push(
                Diagnostic::new(rel, call.line, t!("{}: {}", "`{}`：{}", call.name, p.message))
                    .with_hint(p.hint),
            ),
            Err(None) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Resolves the shortcodes of a parsed `page` (from `text`): a page whose body waits for
/// figures is parsed again with them in place, and the datasets it draws on are recorded.
/// A member-development notice's `table =` is checked for full birth dates here, where its
/// rows are known.
pub fn apply(page: Page, text: &str, ctx: ParseContext, data: &Datasets) -> Result<Page, Vec<Diagnostic>> {
    if page.shortcodes.is_empty() {
        return Ok(page);
    }
    let resolved = resolve(&page.source, &page.shortcodes, data)?;
    let mut page = match page.needs_figures {
        true => content::parse(&page.source, text, ParseContext { figures: Some(&resolved.figures), ..ctx })?,
        false => page,
    };
    page.datasets = resolved.datasets;
    let birth_dates = birth_dates_in_data(&page, data);
    if birth_dates.is_empty() {
        Ok(page)
    } else {
        Err(birth_dates)
    }
}

/// Full birth dates in the `table =` dataset of a member-development notice.
fn birth_dates_in_data(page: &Page, data: &Datasets) -> Vec<Diagnostic> {
    let Extra::Disclosure(d) = &page.extra else { return Vec::new() };
    if d.category != Category::Recruitment {
        return Vec::new();
    }
    let table = page.shortcodes.iter().find(|c| c.from_key);
    let Some(ds) = table.and_then(|c| text_arg(c, "data").ok()).and_then(|n| data.find(&n).ok()) else {
        return Vec::new();
    };
    let header: Vec<&str> = ds.columns.iter().map(|c| c.name.as_str()).collect();
    let rows = ds.rows.iter().map(|r| (r.line, r.cells.iter().map(|c| c.raw.as_str()).collect()));
    crate::privacy::full_birth_dates(&header, rows)
        .into_iter()
        .map(|(line, cell)| {
            Diagnostic::new(&ds.path, line, disclosure::full_birth_date(&cell))
                .with_hint(disclosure::birth_date_hint())
        })
        .collect()
}

/// A block call as render draws it: its dataset and what of it to show.
pub enum Block<'a> {
    Chart { ds: &'a Dataset, data: ChartData },
    Table { ds: &'a Dataset, columns: Vec<usize>, title: String },
}

/// The block a resolved `chart` or `table` call stands for; `None` when it does not resolve
/// (which resolve has reported).
pub fn block<'a>(call: &Call, data: &'a Datasets) -> Option<Block<'a>> {
    let ds = data.find(&text_arg(call, "data").ok()?).ok()?;
    match call.name.as_str() {
        "chart" => Some(Block::Chart { ds, data: chart(call, ds).ok()? }),
        "table" => {
            let (columns, title) = table(call, ds).ok()?;
            Some(Block::Table { ds, columns, title })
        }
        _ => None,
    }
}

/// Resolves one shortcode, adding its figure and dataset to `out`.
fn run(call: &Call, data: &Datasets, out: &mut Resolved) -> Result<(), Option<Problem>> {
    let known: &[&str] = match call.name.as_str() {
        "stat" => &["data", "row", "col", "format"],
        "chart" => &["data", "x", "y", "kind", "title"],
        "table" => &["data", "columns", "title"],
        other => {
            return Err(problem(
                t!("`{other}` is not a shortcode", "`{other}` 不是短代码"),
                t!(
                    "the shortcodes are stat(…), chart(…) and table(…)",
                    "可用的短代码有 `stat(…)`、`chart(…)` 和 `table(…)`"
                ),
            ))
        }
    };
    check_args(call, known)?;
    let ds = data.find(&text_arg(call, "data")?)?;
    if !out.datasets.contains(&ds.name) {
        out.datasets.push(ds.name.clone());
    }
    match call.name.as_str() {
        "stat" => out.figures.push(stat(call, ds)?),
        "chart" => drop(chart(call, ds)?),
        _ => drop(table(call, ds)?),
    }
    Ok(())
}

fn problem(message: String, hint: String) -> Option<Problem> {
    Some(Problem { message, hint })
}

fn check_args(call: &Call, known: &[&str]) -> Result<(), Option<Problem>> {
    for (key, _) in &call.args {
        if !known.contains(&key.as_str()) {
            return Err(problem(
                t!("`{key}` is not an argument of {}", "`{}` 没有 `{key}` 这个参数", call.name),
                t!(
                    "{} takes: {}",
                    "`{}` 的参数有：{}",
                    call.name,
                    crate::locale::list(known.iter().copied())
                ),
            ));
        }
    }
    Ok(())
}

fn arg<'a>(call: &'a Call, key: &str) -> Option<&'a Arg> {
    call.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A required text argument.
fn text_arg(call: &Call, key: &str) -> Result<String, Option<Problem>> {
    match arg(call, key) {
        Some(Arg::Str(s)) => Ok(s.clone()),
        Some(Arg::List(_)) => Err(problem(
            t!("`{key}` takes one text, not a list", "`{key}` 只能写一项文字，不能写列表"),
            t!("write {key}=\"…\"", "写成 {key}=\"…\""),
        )),
        None => Err(problem(
            t!("`{key}` is missing", "缺少参数 `{key}`"),
            t!("write it as {}({key}=\"…\", …)", "写成 `{}({key}=\"…\", …)`", call.name),
        )),
    }
}

fn optional_text(call: &Call, key: &str) -> Result<Option<String>, Option<Problem>> {
    arg(call, key).map(|_| text_arg(call, key)).transpose()
}

/// A text or a list of texts.
fn list_arg(call: &Call, key: &str) -> Vec<String> {
    match arg(call, key) {
        Some(Arg::Str(s)) => vec![s.clone()],
        Some(Arg::List(l)) => l.clone(),
        None => Vec::new(),
    }
}

fn stat(call: &Call, ds: &Dataset) -> Result<String, Option<Problem>> {
    let row = ds.row(&text_arg(call, "row")?)?;
    let col = ds.column(&text_arg(call, "col")?)?;
    let cell = &ds.rows[row].cells[col];
    let fmt = match optional_text(call, "format")? {
        None => StatFormat::Raw,
        Some(name) => StatFormat::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = FORMAT_NAMES.iter().map(|(n, _)| *n).collect();
            problem(
                t!("format=\"{name}\" is not a format", "format=\"{name}\" 不是可用的格式"),
                t!("the formats are: {}", "可用的格式有：{}", crate::locale::list(names)),
            )
        })?,
    };
    if cell.raw.is_empty() {
        let line = ds.rows[row].line;
        return Err(problem(
            t!(
                "{} line {line}, column `{}`: the cell is empty",
                "{} 第 {line} 行 `{}` 列：这一格是空的",
                ds.path.display(),
                ds.columns[col].name
            ),
            t!("fill in the figure in the CSV", "请在表格中填上数字"),
        ));
    }
    match (&cell.number, fmt) {
        (_, StatFormat::Raw) => Ok(cell.raw.clone()),
        (Some(n), f) => Ok(format::stat(&cell.raw, n, f)),
        (None, _) => Err(problem(
            t!(
                "column `{}` of {} holds text, which format= cannot change",
                "{1} 的 `{0}` 列是文字，format= 无法改变它的格式",
                ds.columns[col].name,
                ds.path.display()
            ),
            t!("leave out format= to quote the cell as it is", "去掉 format=，按原样引用这一格"),
        )),
    }
}

fn chart(call: &Call, ds: &Dataset) -> Result<ChartData, Option<Problem>> {
    let kind = match optional_text(call, "kind")? {
        None => Kind::Bar,
        Some(k) => Kind::parse(&k).ok_or_else(|| {
            problem(
                t!("kind=\"{k}\" is not a chart kind", "kind=\"{k}\" 不是图表类型"),
                t!(
                    "use one of: {}",
                    "请从以下类型中选一个：{}",
                    crate::locale::list(Kind::NAMES.split(", "))
                ),
            )
        })?,
    };
    let spec = Spec {
        kind,
        x: optional_text(call, "x")?,
        y: list_arg(call, "y"),
        title: optional_text(call, "title")?,
    };
    Ok(chart::chart_data(&spec, ds)?)
}

fn table(call: &Call, ds: &Dataset) -> Result<(Vec<usize>, String), Option<Problem>> {
    let columns = list_arg(call, "columns").iter().map(|c| ds.column(c)).collect::<Result<Vec<_>, _>>()?;
    let title = optional_text(call, "title")?.unwrap_or_else(|| ds.title.clone());
    Ok((columns, title))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::shortcodes::prepare;
    use std::path::PathBuf;

    fn data() -> Datasets {
        let csv = "年份,党员总数(名),经费\n2019,11520,59万余元\n2020,12016,3600万余元\n";
        let (ds, diags) = Datasets::parse(&[(PathBuf::from("data/j.csv"), csv.as_bytes().to_vec())]);
        assert!(diags.is_empty());
        ds
    }

    fn run_body(body: &str) -> Result<Resolved, Vec<Diagnostic>> {
        let rel = Path::new("content/reviews/a.md");
        resolve(rel, &prepare(rel, body, 10, None, None)?.calls, &data())
    }

    #[test]
    fn stat_quotes_the_cell_or_formats_it() {
        let r =
            run_body("共有党员{{ stat(data=\"j.csv\", row=\"2020\", col=\"党员总数(名)\") }}名。").unwrap();
        assert_eq!(r.figures, ["12016"]);
        assert_eq!(r.datasets, ["j.csv"]);
        let r = run_body("{{ stat(data='j.csv', row=2020, col=\"党员总数(名)\", format=\"万余\") }}名，经费{{stat(data=\"j.csv\",row=\"2020\",col=\"经费\")}}").unwrap();
        assert_eq!(r.figures, ["1.2万余", "3600万余元"]);
    }

    #[test]
    fn charts_and_tables_are_checked_and_drawn_by_render() {
        let body = "前文\n{{ chart(data=\"j.csv\", x=\"年份\", y=[\"党员总数(名)\"], kind=\"line\", title=\"党员\") }}\n后文";
        let r = run_body(body).unwrap();
        assert!(r.figures.is_empty());
        assert_eq!(r.datasets, ["j.csv"]);
        let data = data();
        let p = prepare(Path::new("content/reviews/a.md"), body, 10, None, None).unwrap();
        assert!(matches!(block(&p.calls[0], &data), Some(Block::Chart { .. })));
        let p = prepare(Path::new("a.md"), "{{ table(data=\"j.csv\", columns=[\"经费\"]) }}", 1, None, None)
            .unwrap();
        match block(&p.calls[0], &data) {
            Some(Block::Table { columns, title, .. }) => {
                assert_eq!((columns, title.as_str()), (vec![2], "j"))
            }
            _ => panic!("a table block"),
        }
    }

    #[test]
    fn errors_name_the_line_and_what_exists() {
        let errs =
            run_body("第一行\n\n{{ stat(data=\"j.csv\", row=\"2020\", col=\"党员数\") }}\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, PathBuf::from("content/reviews/a.md"));
        assert_eq!(errs[0].line, 12);
        assert!(errs[0].message.contains("党员数"), "{}", errs[0].message);
        let hint = errs[0].hint.as_deref().unwrap();
        assert!(hint.contains("年份, 党员总数(名), 经费"), "{hint}");
        let errs = run_body("{{ stat(data=\"x.csv\", row=\"2020\", col=\"a\") }}\n{{ chart(data=\"j.csv\", kind=\"radar\") }}")
            .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].hint.as_deref().unwrap().contains("j.csv"));
        assert!(errs[1].message.contains("radar") && errs[1].line == 11);
    }

    #[test]
    fn a_table_key_is_reported_at_its_line_in_the_lookup_s_words() {
        let rel = Path::new("content/disclosures/a.md");
        let p = prepare(rel, "正文", 8, Some(("nope.csv", 4)), None).unwrap();
        let errs = resolve(rel, &p.calls, &data()).unwrap_err();
        assert_eq!(errs[0].line, 4);
        assert!(!errs[0].message.starts_with("table"), "{}", errs[0].message);
        assert!(errs[0].hint.as_deref().unwrap().contains("j.csv"));
    }

    #[test]
    fn unknown_arguments_are_errors() {
        assert!(run_body("{{ stat(data=\"j.csv\", row=\"2020\", col=\"经费\", colour=\"red\") }}").is_err());
        assert!(run_body("{{ plot(data=\"j.csv\") }}").is_err());
    }
}
