//! What a chart of a dataset takes: the kinds, a chart's description (`Spec`: kind, the x
//! column, the y columns, a title), and the figures it picks out of the dataset, checked
//! (`ChartData`): long datasets sampled, a pie's small slices folded. Here, with the data, so
//! that resolve checks a shortcode's or a description's chart before anything is drawn, and
//! `charts` only draws.

use super::{Dataset, Miss};

/// The kinds the `chart` shortcode draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bar,
    Line,
    Stacked,
    Pie,
}

impl Kind {
    pub const NAMES: &'static str = "bar, line, stacked, pie";

    pub fn parse(name: &str) -> Option<Kind> {
        match name.trim() {
            "bar" | "柱状图" => Some(Kind::Bar),
            "line" | "折线图" => Some(Kind::Line),
            "stacked" | "堆积柱状图" => Some(Kind::Stacked),
            "pie" | "饼图" => Some(Kind::Pie),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Bar => "bar",
            Kind::Line => "line",
            Kind::Stacked => "stacked",
            Kind::Pie => "pie",
        }
    }

    /// What a screen reader is told the picture is.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Bar => "柱状图",
            Kind::Line => "折线图",
            Kind::Stacked => "堆积柱状图",
            Kind::Pie => "饼图",
        }
    }
}

/// What to draw: `x` names the categories (default: the first column), `y` the columns of
/// figures (default: every numeric column but `x`).
#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: Kind,
    pub x: Option<String>,
    pub y: Vec<String>,
    pub title: Option<String>,
}

/// One column of figures, with the cells' own text for labels.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub texts: Vec<String>,
}

/// The checked data of one chart.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub kind: Kind,
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The unit all series share, if they do.
    pub unit: Option<String>,
    /// The word the chart writes before the unit (单位, or 單位 on a traditional page): render
    /// sets it from the page's strings.
    pub unit_word: &'static str,
    /// Dataset columns shown: x first, then the series.
    pub columns: Vec<usize>,
    /// Set when the chart draws an even sample of a long dataset's rows: the rows in all.
    pub sampled_from: Option<usize>,
    /// Set when a pie joins its smallest slices into one: how many it joined.
    pub others: Option<usize>,
}

/// Points a chart draws at most. A longer dataset is drawn from rows taken at even steps,
/// first and last included, and the chart says so: a million bars draw nothing a reader can
/// see and make a page of hundreds of megabytes.
pub const MAX_POINTS: usize = 120;

/// The rows a chart of `n` rows draws.
fn sample(n: usize) -> Vec<usize> {
    if n <= MAX_POINTS {
        return (0..n).collect();
    }
    (0..MAX_POINTS).map(|i| i * (n - 1) / (MAX_POINTS - 1)).collect()
}

/// Picks and checks the chart's columns; a problem says what the dataset does have.
pub fn chart_data(spec: &Spec, ds: &Dataset) -> Result<ChartData, Miss> {
    let x = match &spec.x {
        Some(name) => ds.column(name)?,
        None => 0,
    };
    let ys: Vec<usize> = if spec.y.is_empty() {
        (0..ds.columns.len()).filter(|&i| i != x && ds.columns[i].numeric).collect()
    } else {
        spec.y.iter().map(|name| ds.column(name)).collect::<Result<_, _>>()?
    };
    check_columns(spec.kind, ds, &ys)?;
    // a pie's slices are parts of one whole: it is never sampled
    let rows = if spec.kind == Kind::Pie { (0..ds.rows.len()).collect() } else { sample(ds.rows.len()) };
    let series: Vec<Series> = ys
        .iter()
        .map(|&c| Series {
            name: ds.columns[c].name.clone(),
            values: rows.iter().map(|&r| ds.rows[r].cells[c].number.as_ref().map(|n| n.value)).collect(),
            texts: rows.iter().map(|&r| ds.rows[r].cells[c].raw.clone()).collect(),
        })
        .collect();
    check_values(spec.kind, ds, &rows, &series)?;
    let units: Vec<Option<&str>> = ys.iter().map(|&c| ds.unit_of(c)).collect();
    let unit = units.first().copied().flatten().filter(|u| units.iter().all(|v| *v == Some(u)));
    let mut data = ChartData {
        kind: spec.kind,
        title: spec.title.clone().unwrap_or_else(|| ds.title.clone()),
        categories: rows.iter().map(|&r| ds.rows[r].cells[x].raw.clone()).collect(),
        series,
        unit: unit.map(String::from),
        unit_word: "单位",
        columns: std::iter::once(x).chain(ys).collect(),
        sampled_from: (rows.len() < ds.rows.len()).then_some(ds.rows.len()),
        others: None,
    };
    if data.kind == Kind::Pie {
        fold_small_slices(&mut data);
    }
    Ok(data)
}

/// Slices a pie shows at most: the largest, in the data's order, and one 「其他」 for the rest
/// (a pie of 5,000 slices is a legend 100,000 pixels tall and a chart nobody can read).
pub const MAX_SLICES: usize = 12;

fn fold_small_slices(data: &mut ChartData) {
    let Some(series) = data.series.first_mut() else { return };
    let n = series.values.len();
    if n <= MAX_SLICES {
        return;
    }
    let mut by_size: Vec<usize> = (0..n).collect();
    // largest first; equal slices by their place, so the choice never depends on sort order
    by_size.sort_by(|&a, &b| {
        let (va, vb) = (series.values[a].unwrap_or(0.0), series.values[b].unwrap_or(0.0));
        vb.total_cmp(&va).then(a.cmp(&b))
    });
    let mut kept: Vec<usize> = by_size[..MAX_SLICES - 1].to_vec();
    kept.sort_unstable();
    let rest: f64 = by_size[MAX_SLICES - 1..].iter().filter_map(|&i| series.values[i]).sum();
    let folded = n - kept.len();
    series.values = kept.iter().map(|&i| series.values[i]).chain([Some(rest)]).collect();
    series.texts =
        kept.iter().map(|&i| series.texts[i].clone()).chain([crate::data::sheet::general(rest)]).collect();
    data.categories =
        kept.iter().map(|&i| data.categories[i].clone()).chain([format!("其他（{folded}项）")]).collect();
    data.others = Some(folded);
}

fn miss(message: String, hint: String) -> Miss {
    Miss::Missing { message, hint }
}

fn check_columns(kind: Kind, ds: &Dataset, ys: &[usize]) -> Result<(), Miss> {
    let numeric: Vec<&str> = ds.columns.iter().filter(|c| c.numeric).map(|c| c.name.as_str()).collect();
    let path = ds.path.display();
    let hint =
        || t!("the columns of figures in {path} are: {}", "{path} 中的数字列有：{}", numeric.join(", "));
    if ys.is_empty() {
        return Err(miss(
            t!("{path} has no column of figures to draw", "{path} 中没有可画图的数字列"),
            hint(),
        ));
    }
    if let Some(&c) = ys.iter().find(|&&c| !ds.columns[c].numeric) {
        let name = &ds.columns[c].name;
        return Err(miss(
            t!("column `{name}` of {path} holds text, not figures", "{path} 的 `{name}` 列是文字，不是数字"),
            hint(),
        ));
    }
    if kind == Kind::Pie && ys.len() > 1 {
        return Err(miss(
            t!("a pie chart shows one column of figures, not several", "饼图只能画一列数字，不能画多列"),
            t!(
                "give y one column, e.g. y=\"数量\"; for several columns use kind=\"bar\" or \"stacked\"",
                "y 只写一列，如 y=\"数量\"；要画多列请用 kind=\"bar\" 或 \"stacked\""
            ),
        ));
    }
    if ds.rows.is_empty() {
        return Err(miss(
            t!("{path} has no rows to draw", "{path} 中没有可画图的数据行"),
            t!("add rows below the first line", "在第一行下面加上数据行"),
        ));
    }
    Ok(())
}

fn check_values(kind: Kind, ds: &Dataset, rows: &[usize], series: &[Series]) -> Result<(), Miss> {
    if matches!(kind, Kind::Pie | Kind::Stacked) {
        for s in series {
            if let Some(i) = s.values.iter().position(|v| v.is_some_and(|v| v < 0.0)) {
                // the chart's name in the message's language: 饼图, or a pie chart
                let chart = if crate::locale::chinese() {
                    kind.label().to_string()
                } else {
                    format!("{} chart", kind.name())
                };
                return Err(miss(
                    t!(
                        "{} line {}: `{}` is negative, which a {chart} cannot show",
                        "{} 第 {} 行：`{}` 是负数，{chart}画不出负数",
                        ds.path.display(),
                        ds.rows[rows[i]].line,
                        s.texts[i]
                    ),
                    t!("use kind=\"bar\" for figures below zero", "有负数时请用 kind=\"bar\""),
                ));
            }
        }
    }
    if kind == Kind::Pie && series[0].values.iter().flatten().sum::<f64>() <= 0.0 {
        return Err(miss(
            t!(
                "column `{}` of {} adds up to nothing, so there is no pie to cut",
                "{1} 的 `{0}` 列合计为零，画不出饼图",
                series[0].name,
                ds.path.display()
            ),
            t!(
                "a pie shows the parts of a whole: fill in the figures",
                "饼图显示各部分占整体的比例，请填上数字"
            ),
        ));
    }
    Ok(())
}

/// The chart the `/data/` page shows for a dataset: the description's `[chart]`, nothing
/// with `chart = false`, or else bars of every column of figures. An error names what is
/// wrong with the description's chart.
pub fn default_spec(ds: &Dataset) -> Result<Option<Spec>, Miss> {
    use super::meta::ChartMeta;
    match &ds.meta.chart {
        Some(ChartMeta::Enabled(false)) => Ok(None),
        None | Some(ChartMeta::Enabled(true)) => {
            let spec = Spec { kind: Kind::Bar, x: None, y: Vec::new(), title: None };
            Ok(chart_data(&spec, ds).is_ok().then_some(spec))
        }
        Some(ChartMeta::Spec(m)) => {
            let kind = match m.kind.as_deref() {
                None => Kind::Bar,
                Some(k) => Kind::parse(k).ok_or_else(|| {
                    miss(
                        t!(
                            "[chart] kind = \"{k}\" is not a chart kind",
                            "[chart] 中的 kind = \"{k}\" 不是图表类型"
                        ),
                        t!(
                            "use one of: {}",
                            "请从以下类型中选一个：{}",
                            crate::locale::list(Kind::NAMES.split(", "))
                        ),
                    )
                })?,
            };
            let spec =
                Spec { kind, x: m.x.clone(), y: m.y.clone().unwrap_or_default(), title: m.title.clone() };
            chart_data(&spec, ds)?;
            Ok(Some(spec))
        }
    }
}
