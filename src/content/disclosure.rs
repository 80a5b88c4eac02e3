//! Party-affairs disclosure (党务公开 / 公示): who discloses what, for which period, to whom,
//! and the notice window during which objections are taken.

use super::{build_page, markdown, typed, Common, Extra, FrontMatter, Kind, Page, COMMON_KEYS};
use crate::config::Calendar;
use crate::text::{digits, format_date_zh, parse_date};
use crate::Diagnostic;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

pub use crate::audience::Audience;

/// The disclosure categories of the 党务公开条例 and village-affairs practice (domain.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    Implementation,
    OrgLife,
    Election,
    Recruitment,
    Appraisal,
    Dues,
    Service,
    Discipline,
    Finance,
    Other,
}

impl Category {
    pub const ALL: [(Category, &'static str, &'static str); 10] = [
        (Category::Implementation, "implementation", "贯彻落实"),
        (Category::OrgLife, "org-life", "组织生活"),
        (Category::Election, "election", "换届选举"),
        (Category::Recruitment, "recruitment", "发展党员"),
        (Category::Appraisal, "appraisal", "民主评议"),
        (Category::Dues, "dues", "党费收缴使用"),
        (Category::Service, "service", "服务群众"),
        (Category::Discipline, "discipline", "纪律处分"),
        (Category::Finance, "finance", "财务公开"),
        (Category::Other, "other", "其他"),
    ];

    /// The category a key or label names, its label in either script (`发展党员`, `發展黨員`).
    pub fn parse(s: &str) -> Option<Category> {
        let simplified = zhconv::zhconv(s.trim(), zhconv::Variant::ZhHans);
        Self::ALL
            .iter()
            .find(|(_, key, label)| *key == s.trim() || *label == s.trim() || *label == simplified)
            .map(|(c, ..)| *c)
    }

    pub fn key(self) -> &'static str {
        Self::ALL.iter().find(|(c, ..)| *c == self).map(|(_, k, _)| *k).unwrap_or("other")
    }

    pub fn label(self) -> &'static str {
        Self::ALL.iter().find(|(c, ..)| *c == self).map(|(.., l)| *l).unwrap_or("其他")
    }
}

/// The period a disclosure reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
    Range(NaiveDate, NaiveDate),
}

/// The years a period may name: from the party's founding to far past any site's life, which
/// also keeps every period's end far from the end of the calendar.
pub const PERIOD_YEARS: std::ops::RangeInclusive<i32> = 1921..=2200;

impl Period {
    /// `2024`, `2024Q3`, `2024-07`, or `2024-01-01/2024-03-31`.
    pub fn parse(s: &str) -> Option<Period> {
        use chrono::Datelike;
        let s = s.trim();
        if let Some((a, b)) = s.split_once('/') {
            let (from, to) = (parse_date(a).ok()?, parse_date(b).ok()?);
            let years = PERIOD_YEARS.contains(&from.year()) && PERIOD_YEARS.contains(&to.year());
            return (from <= to && years).then_some(Period::Range(from, to));
        }
        if let Some((y, q)) = s.split_once(['Q', 'q']) {
            return Some(Period::Quarter(year(y)?, small(q, 1..=4)?));
        }
        if let Some((y, m)) = s.split_once('-') {
            return Some(Period::Month(year(y)?, small(m, 1..=12)?));
        }
        year(s).map(Period::Year)
    }

    /// The last day of the period, by which disclosures are ordered.
    pub fn end(self) -> NaiveDate {
        let last_of_month = |y: i32, m: u32| {
            let first_next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)
            };
            first_next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
        };
        match self {
            Period::Year(y) => last_of_month(y, 12),
            Period::Quarter(y, q) => last_of_month(y, q * 3),
            Period::Month(y, m) => last_of_month(y, m),
            Period::Range(_, b) => b,
        }
    }

    pub fn label(self) -> String {
        const Q: [&str; 4] = ["一", "二", "三", "四"];
        match self {
            Period::Year(y) => format!("{y}年"),
            Period::Quarter(y, q) => format!("{y}年第{}季度", Q[q as usize - 1]),
            Period::Month(y, m) => format!("{y}年{m}月"),
            Period::Range(a, b) => format!("{}至{}", format_date_zh(a), format_date_zh(b)),
        }
    }
}

/// A four-digit year in [`PERIOD_YEARS`].
fn year(s: &str) -> Option<i32> {
    digits(s, 4..=4).filter(|y| PERIOD_YEARS.contains(y))
}

/// A quarter or month number, one or two digits, in `range`.
fn small(s: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    digits(s, 1..=2).filter(|n| range.contains(n))
}

/// Where a notice stands on the build's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeStatus {
    Upcoming,
    Open,
    Closed,
}

impl NoticeStatus {
    pub fn label(self) -> &'static str {
        match self {
            NoticeStatus::Upcoming => "即将公示",
            NoticeStatus::Open => "公示中",
            NoticeStatus::Closed => "已结束",
        }
    }
}

/// A correction of a published disclosure: when, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub date: String,
    pub reason: String,
}

/// One version of a disclosure, oldest first, as the revision rule (in resolve) finds it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Version {
    /// 1-based: 第N版.
    pub number: usize,
    /// The release it was first published in, or `None` for the current unreleased text.
    pub release: Option<String>,
    pub date: Option<String>,
    /// Why this version replaced the one before it (from `[[revisions]]`).
    pub reason: Option<String>,
    /// The source text of this version.
    #[serde(skip)]
    pub source: String,
    /// SHA-256 of the source, first 12 hex digits: printed on the board copy.
    pub hash: String,
    /// The version's body as HTML (its blocks still placeholders until render draws them),
    /// and what changed from the version before.
    pub html: String,
    pub diff: Option<String>,
    #[serde(skip)]
    pub text: String,
    /// The version's own shortcode calls, whose blocks render draws into `html`.
    #[serde(skip)]
    pub shortcodes: Vec<super::shortcodes::Call>,
}

#[derive(Debug, Clone)]
pub struct DisclosureExtra {
    pub org: String,
    pub category: Category,
    pub period: Option<Period>,
    pub published: NaiveDate,
    pub notice: Option<(NaiveDate, NaiveDate)>,
    pub contact: Option<String>,
    pub audience: Audience,
    /// `[[revisions]]`, oldest first: each explains the version after the one before.
    pub revisions: Vec<Revision>,
    /// Every version across releases, filled in by the revision rule in resolve.
    pub versions: Vec<Version>,
    /// The 审核/审批 record, when the front matter has `[approval]`.
    pub approval: Option<super::approval::Approval>,
    /// File lines of `org` and `approval` (or the front matter's start), for diagnostics.
    pub org_line: usize,
    pub approval_line: usize,
    /// The line of `notice_days` when the window was counted in working days on the calendar.
    pub working_days_line: Option<usize>,
}

impl DisclosureExtra {
    /// Newest period first, then newest publication.
    pub fn order_key(&self) -> (NaiveDate, NaiveDate) {
        (self.period.map(Period::end).unwrap_or(self.published), self.published)
    }

    pub fn status(&self, as_of: NaiveDate) -> Option<NoticeStatus> {
        let (from, to) = self.notice?;
        Some(if as_of < from {
            NoticeStatus::Upcoming
        } else if as_of <= to {
            NoticeStatus::Open
        } else {
            NoticeStatus::Closed
        })
    }
}

#[derive(serde::Deserialize)]
struct Meta {
    #[serde(flatten)]
    common: Common,
    org: String,
    category: String,
    period: Option<String>,
    published: String,
    notice_from: Option<String>,
    notice_to: Option<String>,
    notice_days: Option<u32>,
    working_days: Option<bool>,
    contact: Option<String>,
    audience: Option<String>,
    #[serde(default)]
    revisions: Vec<Revision>,
    approval: Option<super::approval::ApprovalMeta>,
    /// Read by parse, which makes it the body's last table call.
    #[allow(dead_code)]
    table: Option<String>,
}

/// The longest notice, in days: a 公示 lasts days or weeks. The bound keeps a typing slip
/// (`notice_days = 4000000000`) from counting days to the end of the calendar.
pub const MAX_NOTICE_DAYS: u32 = 365;

pub const KEYS: &[&str] = &[
    "org",
    "category",
    "period",
    "published",
    "notice_from",
    "notice_to",
    "notice_days",
    "working_days",
    "contact",
    "audience",
    "revisions",
    "table",
    "approval",
];

pub fn parse(
    rel: &Path,
    fm: &FrontMatter,
    body: markdown::Rendered,
    calendar: &Calendar,
) -> Result<Page, Vec<Diagnostic>> {
    let keys: Vec<&str> = COMMON_KEYS.iter().chain(KEYS).copied().collect();
    let mut meta: Meta = typed(rel, fm, &keys, &t!("a disclosure", "党务公开的文件头"))?;
    let mut errors = Vec::new();
    let mut err = |key: &str, msg: String, hint: String| {
        errors.push(Diagnostic::new(rel, fm.line_of(key), msg).with_hint(hint));
    };
    let category = Category::parse(&meta.category).unwrap_or_else(|| {
        let known: Vec<&str> = Category::ALL.iter().map(|(.., l)| *l).collect();
        err(
            "category",
            t!("unknown category `{}`", "无法识别的类别 `{}`", meta.category),
            t!("use one of: {}", "请从以下类别中选一个：{}", known.join("、")),
        );
        Category::Other
    });
    let period = meta.period.as_deref().and_then(|p| {
        let parsed = Period::parse(p);
        if parsed.is_none() {
            err(
                "period",
                t!("`{p}` is not a period", "`{p}` 不是一个期间"),
                t!(
                    "write 2024, 2024Q3, 2024-07 or 2024-01-01/2024-03-31, in the years 1921 to 2200",
                    "写成 2024、2024Q3、2024-07 或 2024-01-01/2024-03-31，年份在 1921 至 2200 之间"
                ),
            );
        }
        parsed
    });
    let mut date = |key: &str, v: Option<&str>| match v.map(parse_date) {
        // a year no notice can have (0, 9999) would pass every check of its window
        Some(Ok(d)) if !PERIOD_YEARS.contains(&chrono::Datelike::year(&d)) => {
            err(
                key,
                t!("the date {d} is not in the years 1921 to 2200", "日期 {d} 不在 1921 年至 2200 年之间"),
                t!("check the year, e.g. 2024-10-01", "请核对年份，如 2024-10-01"),
            );
            None
        }
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            err(key, e.to_string(), t!("dates are written YYYY-MM-DD", "日期按“年-月-日”写，如 2024-10-01"));
            None
        }
        None => None,
    };
    let published = date("published", Some(&meta.published));
    let notice_from = date("notice_from", meta.notice_from.as_deref());
    let mut notice_to = date("notice_to", meta.notice_to.as_deref());
    if let Some(days) = meta.notice_days {
        match (notice_to, notice_from.or(published)) {
            (Some(_), _) => {
                let msg = t!(
                    "give either notice_to or notice_days, not both",
                    "notice_to 和 notice_days 只能写一个"
                );
                err("notice_days", msg, t!("remove one", "删去其中一个"))
            }
            _ if days == 0 => {
                let msg = t!("a notice lasts at least one day", "公示期至少一天");
                err("notice_days", msg, t!("e.g. notice_days = 5", "如 notice_days = 5"))
            }
            _ if days > MAX_NOTICE_DAYS => err(
                "notice_days",
                t!("a notice of {days} days is longer than a year", "{days} 天的公示期超过了一年"),
                t!(
                    "a 公示 lasts days or weeks, e.g. notice_days = 5",
                    "公示一般为几天或几周，如 notice_days = 5"
                ),
            ),
            (None, Some(from)) => {
                let working = meta.working_days.unwrap_or(true);
                let end = if working {
                    calendar.nth_working_day(from, days)
                } else {
                    from.checked_add_days(chrono::Days::new(u64::from(days) - 1))
                };
                match end {
                    Some(end) => notice_to = Some(end),
                    None if working => err(
                        "notice_days",
                        t!(
                            "no {days} working days follow {from} within ten years",
                            "{from} 之后十年内凑不满 {days} 个工作日"
                        ),
                        t!(
                            "check calendar.holidays in site.toml, or give notice_to",
                            "请检查 site.toml 中的 calendar.holidays，或直接写 notice_to"
                        ),
                    ),
                    None => err(
                        "notice_days",
                        t!(
                            "{days} days from {from} run past the last date there is",
                            "从 {from} 起算 {days} 天超出了可表示的日期"
                        ),
                        t!("check published and notice_from", "请检查 published 和 notice_from"),
                    ),
                }
            }
            (None, None) => {}
        }
    } else if meta.working_days.is_some() {
        let msg = t!("working_days only matters with notice_days", "working_days 要和 notice_days 一起用");
        err("working_days", msg, t!("add notice_days = 5", "加上 notice_days = 5"));
    }
    let notice_from = notice_from.or(published.filter(|_| meta.notice_days.is_some()));
    let notice = match (notice_from, notice_to) {
        (Some(a), Some(b)) if a <= b => Some((a, b)),
        (Some(_), Some(_)) => {
            err(
                "notice_to",
                t!("the notice window ends before it starts", "公示期的结束日早于开始日"),
                t!("notice_to must not be before notice_from", "notice_to 不能早于 notice_from"),
            );
            None
        }
        // with notice_days, what kept the end from being counted was reported above
        (Some(_), None) if meta.notice_days.is_some() => None,
        (Some(_), None) | (None, Some(_)) => {
            let msg = t!("a notice window needs both ends", "公示期要写明起止日期");
            err(
                "notice_from",
                msg,
                t!("give notice_from and notice_to", "同时写上 notice_from 和 notice_to"),
            );
            None
        }
        (None, None) => None,
    };
    let audience = match meta.audience.as_deref() {
        None => Audience::Public,
        Some(a) => Audience::parse(a).unwrap_or_else(|| {
            let msg = t!("unknown audience `{a}`", "无法识别的阅读范围 `{a}`");
            err(
                "audience",
                msg,
                t!(
                    "use \"public\" or \"party\" (党内公开)",
                    "请写 \"public\"（对外公开）或 \"party\"（党内公开）"
                ),
            );
            Audience::Party
        }),
    };
    for r in &meta.revisions {
        if parse_date(&r.date).is_err() || r.reason.trim().is_empty() {
            let (date, reason) = (&r.date, &r.reason);
            let got = t!(
                "a revision needs a date and a reason (got `{date}`, `{reason}`)",
                "每次修订都要写日期和原因（现在是 `{date}`、`{reason}`）"
            );
            err(
                "revisions",
                got,
                t!(
                    "write [[revisions]], then date = 2024-10-12 and reason = \"更正应到人数\"",
                    "先写一行 [[revisions]]，下面写 date = 2024-10-12 和 reason = \"更正应到人数\""
                ),
            );
        }
    }
    if meta.org.trim().is_empty() {
        let msg = t!("the disclosing organisation is empty", "公开单位（org）是空的");
        err("org", msg, t!("name it, e.g. org = \"某村党支部\"", "写上单位名称，如 org = \"某村党支部\""));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let published = published.expect("checked above");
    let approval_line = fm.line_of("approval");
    let approval = match meta.approval.take() {
        Some(m) => Some(super::approval::parse(rel, approval_line, m, published)?),
        None => None,
    };
    meta.common.date.get_or_insert_with(|| published.to_string());
    let extra = DisclosureExtra {
        org: meta.org.trim().to_string(),
        category,
        period,
        published,
        notice,
        contact: meta.contact,
        audience,
        revisions: meta.revisions,
        versions: Vec::new(),
        approval,
        org_line: fm.line_of("org"),
        approval_line,
        working_days_line: (meta.notice_days.is_some() && meta.working_days.unwrap_or(true))
            .then(|| fm.line_of("notice_days")),
    };
    build_page(rel, fm, Kind::Disclosure, meta.common, body, Extra::Disclosure(Box::new(extra)))
}

/// Full birth dates in the Markdown tables of a member-development notice.
pub fn full_birth_dates(rel: &Path, body: &str, body_line: usize) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut table: Vec<(usize, Vec<&str>)> = Vec::new();
    let lines = body.lines().enumerate().map(|(i, l)| (body_line + i, l.trim()));
    for (line, text) in lines.chain(std::iter::once((0, ""))) {
        if text.starts_with('|') {
            let cells = text.trim_matches('|').split('|').map(str::trim).collect();
            table.push((line, cells));
            continue;
        }
        if let Some(((_, header), rows)) = table.split_first() {
            let rows =
                rows.iter().filter(|(_, c)| !c.iter().all(|c| c.chars().all(|ch| matches!(ch, '-' | ':'))));
            found.extend(crate::privacy::full_birth_dates(header, rows.cloned()));
        }
        table.clear();
    }
    found
        .into_iter()
        .map(|(line, cell)| Diagnostic::new(rel, line, full_birth_date(&cell)).with_hint(birth_date_hint()))
        .collect()
}

pub fn full_birth_date(cell: &str) -> String {
    t!(
        "a full birth date ({cell}) in a member-development notice",
        "发展党员公示中出现了完整的出生日期（{cell}）"
    )
}

pub fn birth_date_hint() -> String {
    t!("a 公示 lists the year and month of birth only, e.g. 1990年5月", "公示只写出生年月，如 1990年5月")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(Period::parse("2024Q3").unwrap().label(), "2024年第三季度");
        assert_eq!(Period::parse("2024-07").unwrap().label(), "2024年7月");
        assert_eq!(Period::parse("2024").unwrap().label(), "2024年");
        assert_eq!(Period::parse("2024-01-01/2024-03-31").unwrap().label(), "2024年1月1日至2024年3月31日");
        assert!(Period::parse("2024Q5").is_none());
        assert!(Period::parse("2024-03-31/2024-01-01").is_none());
    }

    // issue #13: `2147483647-12` overflowed when its end was computed
    #[test]
    fn periods_stay_in_sensible_years() {
        for bad in [
            "0Q1",
            "2147483647-12",
            "-2024",
            "+2024Q1",
            "2024Q+1",
            "1900",
            "2201-01",
            "2024-007",
            "1900-01-01/2024-01-01",
            "2024-01-01/2300-01-01",
            "2024-+7",
        ] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Period::parse("2200-12").unwrap().end(), parse_date("2200-12-31").unwrap());
        assert_eq!(Period::parse("1921q1").unwrap().label(), "1921年第一季度");
    }

    #[test]
    fn notice_status_follows_the_build_date() {
        let d = |s| parse_date(s).unwrap();
        let x = DisclosureExtra {
            org: "x".into(),
            category: Category::Recruitment,
            period: None,
            published: d("2024-06-03"),
            notice: Some((d("2024-06-03"), d("2024-06-07"))),
            contact: None,
            audience: Audience::Public,
            revisions: Vec::new(),
            versions: Vec::new(),
            approval: None,
            org_line: 0,
            approval_line: 0,
            working_days_line: None,
        };
        assert_eq!(x.status(d("2024-06-02")), Some(NoticeStatus::Upcoming));
        assert_eq!(x.status(d("2024-06-07")), Some(NoticeStatus::Open));
        assert_eq!(x.status(d("2024-06-08")), Some(NoticeStatus::Closed));
    }
}
