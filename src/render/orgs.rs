//! The organisation pages: the tree (`/orgs/`) and one page per organisation with its
//! disclosure catalogue (公开目录) and, for a parent, the roll-up of its subtree.

use super::i18n::Strings;
use crate::resolve::catalogue::{Catalogue, State, Tally};
use crate::text::format_date_zh;
use serde::Serialize;

#[derive(Serialize)]
pub struct OrgLink<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub kind: Option<&'a str>,
    pub tally: Tally,
    pub rate: String,
    /// Nesting depth in the tree listing.
    pub depth: usize,
}

#[derive(Serialize)]
pub struct CellView {
    pub text: String,
    /// `on_time`, `late`, `missing` or `not_due`, for the style.
    pub class: &'static str,
    /// The disclosure that met the item, relative to the site root.
    pub href: Option<String>,
    pub title: String,
}

#[derive(Serialize)]
pub struct Row<'a> {
    pub category: &'a str,
    pub rule: String,
    pub periods: Vec<&'a str>,
    pub cells: Vec<CellView>,
}

#[derive(Serialize)]
pub struct OrgPage<'a> {
    pub org: OrgLink<'a>,
    pub region: Option<&'a str>,
    pub ancestors: Vec<OrgLink<'a>>,
    pub rows: Vec<Row<'a>>,
    pub children: Vec<OrgLink<'a>>,
    pub missing_children: Vec<OrgLink<'a>>,
    pub subtree: Tally,
    pub subtree_rate: String,
    /// Bars of the children's rates, as inline SVG.
    pub chart: Option<String>,
}

pub fn link<'a>(cat: &'a Catalogue, i: usize, depth: usize) -> OrgLink<'a> {
    let org = &cat.tree.orgs[i];
    let tally = cat.tally(i);
    OrgLink {
        name: &org.name,
        path: &org.path,
        kind: org.kind.as_deref(),
        rate: percent(tally.rate()),
        tally,
        depth,
    }
}

fn percent(rate: f64) -> String {
    let s = format!("{rate:.1}");
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// Each obligation as a sentence: 党费收缴使用：每季度，期满后30天内公开.
pub fn rules(cat: &Catalogue, t: &Strings) -> Vec<String> {
    cat.obligations
        .iter()
        .map(|o| {
            format!(
                "{}：{}，{}",
                o.category,
                o.every,
                t["due_rule"].replace("{n}", &o.within_days.to_string())
            )
        })
        .collect()
}

/// The whole tree, parents before children, for `/orgs/`.
pub fn tree(cat: &Catalogue) -> Vec<OrgLink<'_>> {
    let mut out = Vec::new();
    for root in cat.tree.roots() {
        let mut stack = vec![(root, 0)];
        while let Some((i, depth)) = stack.pop() {
            out.push(link(cat, i, depth));
            stack.extend(cat.tree.orgs[i].children.iter().rev().map(|&c| (c, depth + 1)));
        }
    }
    out
}

pub fn page<'a>(cat: &'a Catalogue, i: usize, t: &'static Strings) -> OrgPage<'a> {
    let org = &cat.tree.orgs[i];
    let mut rows = Vec::new();
    for (o, ob) in cat.obligations.iter().enumerate() {
        let items: Vec<_> = cat.items_of(i).filter(|it| it.obligation == o).collect();
        if items.is_empty() {
            continue;
        }
        rows.push(Row {
            category: &ob.category,
            rule: format!("{}，{}", ob.every, t["due_rule"].replace("{n}", &ob.within_days.to_string())),
            periods: items.iter().map(|it| ob.periods[it.period].label.as_str()).collect(),
            cells: items.iter().map(|it| cell(&it.state, &ob.periods[it.period].due, t)).collect(),
        });
    }
    let children: Vec<OrgLink> = org.children.iter().map(|&c| link(cat, c, 0)).collect();
    let missing_children =
        org.children.iter().map(|&c| link(cat, c, 0)).filter(|l| l.tally.missing > 0).collect();
    let subtree = cat.tally(i);
    let chart = (!children.is_empty()).then(|| rate_chart(&children, t));
    OrgPage {
        org: link(cat, i, 0),
        region: org.region.as_deref(),
        ancestors: cat.tree.ancestors(i).into_iter().filter(|&a| a != i).map(|a| link(cat, a, 0)).collect(),
        rows,
        children,
        missing_children,
        subtree_rate: percent(subtree.rate()),
        subtree,
        chart,
    }
}

fn cell(state: &State, due: &chrono::NaiveDate, t: &Strings) -> CellView {
    let due_text = format!("{}：{}", t["due_items"], format_date_zh(*due));
    match state {
        State::OnTime { published, page } => CellView {
            text: t["on_time"].clone(),
            class: "on_time",
            href: Some(page.clone()),
            title: format!("{} · {due_text}", format_date_zh(*published)),
        },
        State::Late { published, days, page } => CellView {
            text: t["late_days"].replace("{n}", &days.to_string()),
            class: "late",
            href: Some(page.clone()),
            title: format!("{} · {due_text}", format_date_zh(*published)),
        },
        State::Missing { .. } => {
            CellView { text: t["missing"].clone(), class: "missing", href: None, title: due_text }
        }
        State::NotDue => {
            CellView { text: t["not_due"].clone(), class: "not_due", href: None, title: due_text }
        }
    }
}

fn rate_chart(children: &[OrgLink], t: &'static Strings) -> String {
    use crate::data::chart::{ChartData, Kind, Series};
    let data = ChartData {
        kind: Kind::Bar,
        title: t["rates_by_child"].clone(),
        categories: children.iter().map(|c| c.name.to_string()).collect(),
        series: vec![Series {
            name: t["rate"].clone(),
            values: children.iter().map(|c| Some(c.tally.rate())).collect(),
            texts: children.iter().map(|c| c.rate.clone()).collect(),
        }],
        unit: Some("%".into()),
        unit_word: t["chart_unit"].as_str(),
        columns: Vec::new(),
        sampled_from: None,
        others: None,
    };
    crate::charts::render_svg(&data)
}
