//! The disclosure catalogue (公开目录): for every organisation, every `[[required]]` item and
//! every period since it was owed, whether it was published on time, late, not at all, or is
//! not yet due. The pages and `gongkai report` read the same figures.

use super::orgs::OrgTree;
use crate::audience::Audience;
use crate::config::{Every, Required};
use crate::content::disclosure::{Category, DisclosureExtra, Period};
use crate::content::{Extra, Page};
use crate::Diagnostic;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// At most this many periods are owed per obligation: twenty years of months.
const MAX_PERIODS: usize = 240;

/// One obligation as the catalogue uses it.
#[derive(Debug, Clone, Serialize)]
pub struct Obligation {
    pub category: String,
    /// 每月, 每季度 or 每年.
    pub every: &'static str,
    pub within_days: u16,
    /// The periods owed, oldest first.
    pub periods: Vec<Owed>,
    #[serde(skip)]
    key: Category,
    #[serde(skip)]
    orgs: Vec<usize>,
}

/// One period of an obligation and the day it is due.
#[derive(Debug, Clone, Serialize)]
pub struct Owed {
    pub label: String,
    /// `2024Q3`, `2024-07`, `2024`: what `report` prints and `period =` matches.
    pub key: String,
    #[serde(skip)]
    pub start: NaiveDate,
    #[serde(skip)]
    pub end: NaiveDate,
    pub due: NaiveDate,
}

/// Where one organisation stands on one period of one obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum State {
    OnTime { published: NaiveDate, page: String },
    Late { published: NaiveDate, days: i64, page: String },
    Missing { overdue: i64 },
    NotDue,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub org: usize,
    pub obligation: usize,
    pub period: usize,
    pub state: State,
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub tree: OrgTree,
    pub obligations: Vec<Obligation>,
    /// Ordered by organisation, obligation, period.
    pub items: Vec<Item>,
    /// The disclosures of each organisation (indices into the library's pages).
    pub pages_of: BTreeMap<usize, Vec<usize>>,
    /// Each organisation's tally with everything below it, summed once: the pages ask for it
    /// many times over.
    subtree: Vec<Tally>,
}

/// Rates over a set of items that are due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub due: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

impl Tally {
    pub fn add(&mut self, state: &State) {
        match state {
            State::OnTime { .. } => self.on_time += 1,
            State::Late { .. } => self.late += 1,
            State::Missing { .. } => self.missing += 1,
            State::NotDue => return,
        }
        self.due += 1;
    }

    /// Published (on time or late) per hundred items due; 100 when nothing is due yet.
    pub fn rate(&self) -> f64 {
        if self.due == 0 {
            100.0
        } else {
            ((self.on_time + self.late) as f64 * 1000.0 / self.due as f64).round() / 10.0
        }
    }
}

impl Catalogue {
    /// The tally of `org` and everything below it.
    pub fn tally(&self, org: usize) -> Tally {
        self.subtree.get(org).copied().unwrap_or_default()
    }

    pub fn items_of(&self, org: usize) -> impl Iterator<Item = &Item> {
        let from = self.items.partition_point(|i| i.org < org);
        self.items[from..].iter().take_while(move |i| i.org == org)
    }
}

/// Builds the catalogue of a site with an organisation tree. `pages` are the build's pages
/// (a party-only disclosure is among them only in the party edition, so the public edition
/// counts, and shows, only what the public may see). Disclosures naming an organisation not
/// in the tree are reported.
pub fn build(
    tree: OrgTree,
    required: &[Required],
    pages: &[Page],
    audience: Audience,
    as_of: NaiveDate,
) -> (Catalogue, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut pages_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut disclosures: Vec<(usize, usize, &DisclosureExtra)> = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let Extra::Disclosure(d) = &page.extra else { continue };
        match tree.find(&d.org) {
            Some(org) => {
                pages_of.entry(org).or_default().push(i);
                disclosures.push((org, i, d));
            }
            None => {
                let hint = match tree.nearest(&d.org) {
                    Some(n) => t!(
                        "did you mean org = \"{n}\"? the organisations are listed in data/{}",
                        "是不是要写 org = \"{n}\"？组织名单在 data/{} 中",
                        super::orgs::FILE
                    ),
                    None => t!(
                        "add it to data/{} (名称,上级) or correct the name",
                        "请把它加到 data/{}（名称,上级）中，或改正名称",
                        super::orgs::FILE
                    ),
                };
                errors.push(
                    Diagnostic::new(
                        &page.source,
                        d.org_line,
                        t!("{} is not in the organisation list", "「{}」不在组织名单中", d.org),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    let earliest =
        disclosures.iter().map(|(_, _, d)| d.period.map(period_start).unwrap_or(d.published)).min();
    let defaults;
    let required = if required.is_empty() {
        defaults = Required::defaults();
        &defaults
    } else {
        required
    };
    let mut obligations = Vec::new();
    for r in required.iter().filter(|r| r.audience <= audience) {
        match obligation(&tree, r, earliest.unwrap_or(as_of), as_of) {
            Ok(o) => obligations.push(o),
            Err(e) => errors.push(e),
        }
    }
    let mut items = Vec::new();
    for (o, ob) in obligations.iter().enumerate() {
        for &org in &ob.orgs {
            let mine: Vec<&(usize, usize, &DisclosureExtra)> =
                disclosures.iter().filter(|(g, _, d)| *g == org && d.category == ob.key).collect();
            for (p, owed) in ob.periods.iter().enumerate() {
                let state = state_of(owed, &mine, pages, as_of);
                items.push(Item { org, obligation: o, period: p, state });
            }
        }
    }
    items.sort_by_key(|i| (i.org, i.obligation, i.period));
    let mut subtree = vec![Tally::default(); tree.orgs.len()];
    for item in &items {
        for org in tree.ancestors(item.org) {
            subtree[org].add(&item.state);
        }
    }
    (Catalogue { tree, obligations, items, pages_of, subtree }, errors)
}

fn state_of(
    owed: &Owed,
    mine: &[&(usize, usize, &DisclosureExtra)],
    pages: &[Page],
    as_of: NaiveDate,
) -> State {
    let first = mine
        .iter()
        .filter(|(_, _, d)| d.period.is_some_and(|p| period_start(p) >= owed.start && p.end() <= owed.end))
        .filter(|(_, _, d)| d.published <= as_of)
        .min_by_key(|(_, i, d)| (d.published, *i));
    match first {
        Some((_, i, d)) if d.published <= owed.due => {
            State::OnTime { published: d.published, page: pages[*i].path.clone() }
        }
        Some((_, i, d)) => State::Late {
            published: d.published,
            days: (d.published - owed.due).num_days(),
            page: pages[*i].path.clone(),
        },
        None if as_of > owed.due => State::Missing { overdue: (as_of - owed.due).num_days() },
        None => State::NotDue,
    }
}

fn obligation(
    tree: &OrgTree,
    r: &Required,
    earliest: NaiveDate,
    as_of: NaiveDate,
) -> Result<Obligation, Diagnostic> {
    let site = Path::new(crate::config::FILE);
    let key = Category::parse(&r.category).ok_or_else(|| {
        let known: Vec<&str> = Category::ALL.iter().map(|(.., l)| *l).collect();
        Diagnostic::new(
            site,
            r.line,
            t!("[[required]]: unknown category `{}`", "[[required]]：无法识别的类别 `{}`", r.category),
        )
        .with_hint(t!("use one of: {}", "请从以下类别中选一个：{}", known.join("、")))
    })?;
    let orgs = match r.orgs.as_deref().map(str::trim) {
        None | Some("") => (0..tree.orgs.len()).filter(|&i| tree.orgs[i].children.is_empty()).collect(),
        Some(sel) => match tree.find(sel) {
            Some(top) => tree.subtree(top),
            None => {
                let typed: Vec<usize> =
                    (0..tree.orgs.len()).filter(|&i| tree.orgs[i].kind.as_deref() == Some(sel)).collect();
                if typed.is_empty() {
                    return Err(Diagnostic::new(
                        site,
                        r.line,
                        t!(
                            "[[required]]: orgs = \"{sel}\" is neither an organisation nor a 类型 in the list",
                            "[[required]]：orgs = \"{sel}\" 既不是名单中的组织，也不是名单中的类型"
                        ),
                    )
                    .with_hint(t!(
                        "name an organisation (its subtree owes the item) or a 类型 such as 党支部",
                        "请写一个组织（它和它的下级都要公开此项），或写一个类型，如 党支部"
                    )));
                }
                typed
            }
        },
    };
    let since = match r.since.as_deref() {
        Some(s) => match Period::parse(s) {
            Some(p) => period_start(p),
            None => {
                return Err(Diagnostic::new(
                    site,
                    r.line,
                    t!(
                        "[[required]]: since = \"{s}\" is not a period",
                        "[[required]]：since = \"{s}\" 不是一个期间"
                    ),
                )
                .with_hint(t!(
                    "write since = \"2024Q1\", \"2024-01\" or \"2024\"",
                    "写成 since = \"2024Q1\"、\"2024-01\" 或 \"2024\""
                )))
            }
        },
        None => earliest,
    };
    let mut periods = Vec::new();
    let mut start = align(since, r.every);
    while start <= as_of {
        if periods.len() == MAX_PERIODS {
            return Err(Diagnostic::new(
                site,
                r.line,
                t!(
                    "[[required]]: more than {MAX_PERIODS} periods are owed since {since}",
                    "[[required]]：从 {since} 起应公开的期数超过了 {MAX_PERIODS} 期"
                ),
            )
            .with_hint(t!("set since = \"…\" to a later period", "把 since = \"…\" 改成晚一些的期间")));
        }
        let period = period_of(start, r.every);
        let end = period.end();
        let due = end.checked_add_days(chrono::Days::new(u64::from(r.within_days))).unwrap_or(NaiveDate::MAX);
        periods.push(Owed { label: period.label(), key: key_of(period), start, end, due });
        let Some(next) = end.succ_opt() else { break };
        start = next;
    }
    let every = match r.every {
        Every::Month => "每月",
        Every::Quarter => "每季度",
        Every::Year => "每年",
    };
    Ok(Obligation {
        category: key.label().to_string(),
        every,
        within_days: r.within_days,
        periods,
        key,
        orgs,
    })
}

fn align(d: NaiveDate, every: Every) -> NaiveDate {
    period_start(period_of(d, every))
}

fn period_of(d: NaiveDate, every: Every) -> Period {
    match every {
        Every::Month => Period::Month(d.year(), d.month()),
        Every::Quarter => Period::Quarter(d.year(), (d.month() - 1) / 3 + 1),
        Every::Year => Period::Year(d.year()),
    }
}

fn period_start(p: Period) -> NaiveDate {
    let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
    match p {
        Period::Year(y) => first(y, 1),
        Period::Quarter(y, q) => first(y, q * 3 - 2),
        Period::Month(y, m) => first(y, m),
        Period::Range(a, _) => a,
    }
}

fn key_of(p: Period) -> String {
    match p {
        Period::Year(y) => y.to_string(),
        Period::Quarter(y, q) => format!("{y}Q{q}"),
        Period::Month(y, m) => format!("{y}-{m:02}"),
        Period::Range(a, b) => format!("{a}/{b}"),
    }
}

/// With `require_review = true`, a public disclosure must record its approval (审批) on or
/// before the day it was published.
pub fn missing_approvals(pages: &[Page]) -> Vec<Diagnostic> {
    pages
        .iter()
        .filter_map(|p| match &p.extra {
            Extra::Disclosure(d) if d.audience == Audience::Public && d.approval.as_ref().and_then(|a| a.approved()).is_none() => {
                Some(
                    Diagnostic::new(
                        &p.source,
                        d.approval_line.max(1),
                        t!("this public disclosure has no approval (审批) record", "这条对外公开的党务公开没有审批记录"),
                    )
                    .with_hint(t!(
                        "the site requires review: add [approval] with approved = {{ by = \"村党支部书记\", date = 2024-09-20 }} (and checked = … for the 保密审查)",
                        "本网站要求先审核再发布：请加上 [approval]，写 approved = {{ by = \"村党支部书记\", date = 2024-09-20 }}（保密审查写 checked = …）"
                    )),
                )
            }
            _ => None,
        })
        .collect()
}
