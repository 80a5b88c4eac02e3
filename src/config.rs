//! `site.toml`: the site's settings, checked key by key like front matter.

use crate::text::Lang;
use crate::Diagnostic;
use chrono::NaiveDate;
use std::path::Path;

mod official;

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute address of the deployed site, used in feeds and the sitemap.
    pub base_url: String,
    pub language: Lang,
    pub paginate: usize,
    /// The organisation that runs the site, shown in the footer.
    pub organisation: String,
    pub theme: String,
    pub calendar: Calendar,
    /// `[[required]]`: what each organisation must disclose, and how often.
    pub required: Vec<Required>,
    /// `require_review = true`: a public disclosure needs an approval (审批) dated on or before
    /// its publication.
    pub require_review: bool,
}

/// One disclosure obligation (`[[required]]`): a category every month, quarter or year, due
/// `within_days` after the period ends, for the organisations `orgs` names (a type such as
/// 党支部, or an organisation and its subtree; by default every organisation without
/// children).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Required {
    pub category: String,
    pub every: Every,
    #[serde(default = "default_within")]
    pub within_days: u16,
    pub orgs: Option<String>,
    /// The first period owed (`2024Q1`, `2024-01`, `2024`); by default the period of the
    /// site's earliest disclosure.
    pub since: Option<String>,
    /// `party`: an internal obligation, shown and counted in the party edition only.
    #[serde(default)]
    pub audience: crate::audience::Audience,
    #[serde(skip)]
    pub line: usize,
}

fn default_within() -> u16 {
    30
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    #[serde(alias = "月", alias = "每月")]
    Month,
    #[serde(alias = "季度", alias = "每季度")]
    Quarter,
    #[serde(alias = "年", alias = "每年")]
    Year,
}

impl Required {
    /// The regulation's floor when a site with an organisation tree names no obligation:
    /// party fees at least quarterly (党务公开条例; the Village Committee Organic Law sets
    /// quarterly for ordinary items), due within 30 days of the quarter's end.
    pub fn defaults() -> Vec<Required> {
        vec![Required {
            category: "党费收缴使用".into(),
            every: Every::Quarter,
            within_days: 30,
            orgs: None,
            since: None,
            audience: Default::default(),
            line: 0,
        }]
    }
}

/// Working days for notice windows: weekdays, less the public holidays, plus the weekend
/// days made working days by 调休. The State Council publishes both lists every year; the
/// years gongkai knows are built in (`official`), and `[calendar]` adds to them or overrides.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub holidays: std::collections::BTreeSet<NaiveDate>,
    pub workdays: std::collections::BTreeSet<NaiveDate>,
    /// The years the calendar has the holidays of: the built-in ones and those `[calendar]`
    /// names a day of. A notice counted across another year counts weekends only.
    pub years: std::collections::BTreeSet<i32>,
}

impl Calendar {
    /// The State Council's calendars for the years gongkai ships (see `official`).
    pub fn official() -> Calendar {
        let mut cal = Calendar::default();
        for (year, holidays, workdays) in official::NOTICES {
            for (from, to) in *holidays {
                let (from, to) = (official::day(*year, from), official::day(*year, to));
                cal.holidays.extend(from.iter_days().take_while(|d| *d <= to));
            }
            cal.workdays.extend(workdays.iter().map(|d| official::day(*year, d)));
            cal.years.insert(*year);
        }
        cal
    }

    /// Whether the calendar knows `year`'s holidays.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        use chrono::Datelike;
        let weekend = d.weekday().number_from_monday() > 5;
        self.workdays.contains(&d) || !weekend && !self.holidays.contains(&d)
    }

    /// The `n`th working day counting from `from` itself (n >= 1), or `None` when the next ten
    /// years have not that many: a holiday list that covers them all must end in an error,
    /// not in a search to the end of the calendar.
    pub fn nth_working_day(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        const HORIZON_DAYS: usize = 3653;
        let mut working = from.iter_days().take(HORIZON_DAYS).filter(|d| self.is_working_day(*d));
        working.nth(usize::try_from(n).ok()?.checked_sub(1)?)
    }

    /// `[calendar]` over the official calendar: a day listed as a holiday is one (and no longer
    /// a working day), a day listed as a working day is one (and no longer a holiday).
    fn parse(value: &toml::Value, line_of: &dyn Fn(&str) -> usize, errors: &mut Vec<Diagnostic>) -> Calendar {
        let path = Path::new(FILE);
        let mut cal = Calendar::official();
        let line = line_of("[calendar]");
        let Some(table) = value.as_table() else {
            errors.push(Diagnostic::new(
                path,
                line,
                t!(
                    "`[calendar]` must be a table with holidays and workdays",
                    "`[calendar]` 应是一个表，在其中写 holidays（节假日）和 workdays（调休上班日）"
                ),
            ));
            return cal;
        };
        for (key, v) in table {
            let (set, other) = match key.as_str() {
                "holidays" => (&mut cal.holidays, &mut cal.workdays),
                "workdays" => (&mut cal.workdays, &mut cal.holidays),
                k => {
                    errors.push(Diagnostic::unknown_key(
                        path,
                        line,
                        k,
                        &["holidays", "workdays"],
                        &t!("[calendar]", "`[calendar]` 表"),
                    ));
                    continue;
                }
            };
            for item in v.as_array().into_iter().flatten() {
                let text = item.as_str().map(String::from).unwrap_or_else(|| item.to_string());
                match parse_days(&text) {
                    Ok(days) => {
                        for d in days {
                            other.remove(&d);
                            set.insert(d);
                            cal.years.insert(chrono::Datelike::year(&d));
                        }
                    }
                    Err((problem, hint)) => {
                        let at = Some(line_of(&text)).filter(|l| *l > 0).unwrap_or(line);
                        errors.push(
                            Diagnostic::new(
                                path,
                                at,
                                t!(
                                    "`{text}` in calendar.{key} {problem}",
                                    "calendar.{key} 中的 `{text}` {problem}"
                                ),
                            )
                            .with_hint(hint),
                        )
                    }
                }
            }
        }
        cal
    }
}

/// `[[required]]` entries, each with the line of its header for diagnostics.
fn parse_required(text: &str, value: &toml::Value, errors: &mut Vec<Diagnostic>) -> Vec<Required> {
    let path = Path::new(FILE);
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[required]]"))
        .map(|(i, _)| i + 1)
        .collect();
    let Some(items) = value.as_array() else {
        errors.push(
            Diagnostic::new(
                path,
                0,
                t!(
                    "`required` must be a list of [[required]] tables",
                    "`required` 应写成一个或多个 `[[required]]` 表"
                ),
            )
            .with_hint(t!(
                "write [[required]], then category = \"党费收缴使用\" and every = \"quarter\"",
                "先写一行 `[[required]]`，下面写 `category = \"党费收缴使用\"` 和 `every = \"quarter\"`"
            )),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        match item.clone().try_into::<Required>() {
            Ok(mut r) => {
                r.line = line;
                out.push(r);
            }
            Err(e) => errors.push(
                Diagnostic::new(path, line, t!("[[required]]: {}", "[[required]]：{}", crate::locale::toml_message(e.message())))
                    .with_hint(t!(
                        "keys: category, every (\"month\", \"quarter\" or \"year\"), within_days, orgs, since, audience",
                        "可用的键：category、every（\"month\"、\"quarter\" 或 \"year\"）、within_days、orgs、since、audience"
                    )),
            ),
        }
    }
    out
}

/// The years a calendar may list: from 1949, when today's public holidays begin, to far past
/// any site's life. A bound keeps a typing slip from filling memory with days.
const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;
/// The longest range of days: the longest holiday with its 调休 is about ten days.
const MAX_RANGE_DAYS: i64 = 60;

/// `2024-10-01` or `2024-10-01/2024-10-07`, or what is wrong with it and what to write.
fn parse_days(s: &str) -> Result<Vec<NaiveDate>, (String, String)> {
    use chrono::Datelike;
    let (a, b) = s.split_once('/').unwrap_or((s, s));
    let (Ok(a), Ok(b)) = (crate::text::parse_date(a), crate::text::parse_date(b)) else {
        return Err((
            t!("is not a date or range", "不是日期或日期范围"),
            t!(
                "write \"2024-10-01\" or a range \"2024-10-01/2024-10-07\"",
                "写成 \"2024-10-01\"，或写成范围 \"2024-10-01/2024-10-07\""
            ),
        ));
    };
    if a > b {
        return Err((
            t!("ends before it starts", "结束日早于开始日"),
            t!(
                "write the first day first: \"2024-10-01/2024-10-07\"",
                "先写开始日，再写结束日，如 \"2024-10-01/2024-10-07\""
            ),
        ));
    }
    if !CALENDAR_YEARS.contains(&a.year()) || !CALENDAR_YEARS.contains(&b.year()) {
        return Err((
            t!("is outside the years 1949 to 2200", "不在 1949 年至 2200 年之间"),
            t!(
                "list the holidays the State Council publishes for the years the site covers",
                "只填写网站涉及年份的国务院节假日安排"
            ),
        ));
    }
    let days = (b - a).num_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err((
            t!(
                "spans {days} days; a holiday range may span at most {MAX_RANGE_DAYS}",
                "跨了 {days} 天，一段假期最多 {MAX_RANGE_DAYS} 天"
            ),
            t!(
                "list each holiday on its own, e.g. \"2024-10-01/2024-10-07\"",
                "每个假期分开写，如 \"2024-10-01/2024-10-07\""
            ),
        ));
    }
    Ok(a.iter_days().take_while(|d| *d <= b).collect())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "公开".into(),
            description: String::new(),
            base_url: "http://localhost/".into(),
            language: Lang::Hans,
            paginate: 20,
            organisation: String::new(),
            theme: "default".into(),
            calendar: Calendar::official(),
            required: Vec::new(),
            require_review: false,
        }
    }
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "paginate",
    "organisation",
    "theme",
    "calendar",
    "required",
    "require_review",
];
pub const FILE: &str = "site.toml";

impl Config {
    /// Reads `site.toml`; a site without one gets the defaults.
    pub fn parse(text: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let mut config = Config::default();
        let Some(text) = text else { return Ok(config) };
        let path = Path::new(FILE);
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| 1 + text[..s.start].matches('\n').count()).unwrap_or(0);
            let problem = crate::locale::toml_message(e.message());
            vec![Diagnostic::new(
                path,
                line,
                t!("site.toml cannot be read: {problem}", "site.toml 无法读取：{problem}"),
            )]
        })?;
        let line_of = |key: &str| {
            text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1).unwrap_or(0)
        };
        // a calendar entry is found quoted first, so that `2024-10-01` is not found inside a range
        let line_holding = |needle: &str| {
            let quoted = format!("\"{needle}\"");
            let find = |hit: &dyn Fn(&str) -> bool| text.lines().position(hit).map(|i| i + 1);
            find(&|l| l.contains(&quoted)).or_else(|| find(&|l| l.contains(needle))).unwrap_or(0)
        };
        let mut errors = Vec::new();
        for (key, value) in &table {
            let wrong_type = |number: bool| {
                let (what, example) = match number {
                    true => (t!("a number", "一个正整数"), "20"),
                    false => (t!("text in quotes", "带引号的文字"), "\"…\""),
                };
                Diagnostic::new(path, line_of(key), t!("`{key}` must be {what}", "`{key}` 应是{what}"))
                    .with_hint(t!("write e.g. {key} = {example}", "例如写成 {key} = {example}"))
            };
            let text_value = value.as_str().map(str::to_string);
            match key.as_str() {
                "paginate" => match value.as_integer() {
                    Some(n) if n > 0 => config.paginate = n as usize,
                    _ => errors.push(wrong_type(true)),
                },
                "calendar" => config.calendar = Calendar::parse(value, &line_holding, &mut errors),
                "require_review" => match value.as_bool() {
                    Some(b) => config.require_review = b,
                    None => errors.push(
                        Diagnostic::new(
                            path,
                            line_of(key),
                            t!(
                                "`require_review` must be true or false",
                                "`require_review` 只能是 true 或 false"
                            ),
                        )
                        .with_hint(t!("write require_review = true", "写成 require_review = true")),
                    ),
                },
                "required" => config.required = parse_required(text, value, &mut errors),
                "language" => match text_value.as_deref().and_then(Lang::parse) {
                    Some(l) => config.language = l,
                    None => errors.push(
                        Diagnostic::new(
                            path,
                            line_of(key),
                            t!("unknown `language`", "无法识别的 `language`"),
                        )
                        .with_hint(t!(
                            "use \"zh-CN\" (simplified) or \"zh-Hant\" (traditional)",
                            "请写 \"zh-CN\"（简体）或 \"zh-Hant\"（繁体）"
                        )),
                    ),
                },
                k if KEYS.contains(&k) => match text_value {
                    Some(s) => match k {
                        "title" => config.title = s,
                        "description" => config.description = s,
                        "base_url" => config.base_url = if s.ends_with('/') { s } else { format!("{s}/") },
                        "organisation" => config.organisation = s,
                        _ => config.theme = s,
                    },
                    None => errors.push(wrong_type(false)),
                },
                k => errors.push(Diagnostic::unknown_key(
                    path,
                    line_of(k),
                    k,
                    KEYS,
                    &t!("site.toml", "site.toml 文件"),
                )),
            }
        }
        if config.theme.contains(['/', '\\']) || config.theme.starts_with('.') {
            errors.push(Diagnostic::new(
                path,
                line_of("theme"),
                t!("`theme` must be a folder name under themes/", "`theme` 应是 themes/ 下的一个文件夹名"),
            ));
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

/// `site.toml` names a theme whose folder is not there: said at the line of `theme`.
pub fn missing_theme(theme: &str, text: &str) -> Diagnostic {
    let line = text.lines().position(|l| l.trim_start().starts_with("theme")).map_or(0, |i| i + 1);
    let folder = format!("themes/{theme}/");
    Diagnostic::new(
        FILE,
        line,
        t!(
            "site.toml names the theme `{theme}`, but there is no folder {folder}",
            "site.toml 中写的主题 `{theme}` 没有对应的文件夹 {folder}"
        ),
    )
    .with_hint(t!(
        "put the theme's templates/ and static/ into {folder}, or remove `theme` to use the built-in theme",
        "请把主题的 templates/ 和 static/ 放进 {folder}，或删去 `theme` 改用内置主题"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_suggestion() {
        let e = Config::parse(Some("title = \"x\"\npaginat = 10\n")).unwrap_err();
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `paginate`?"));
    }

    #[test]
    fn working_days_skip_holidays_and_count_make_up_days() {
        let text = "[calendar]\nholidays = [\"2024-10-01/2024-10-07\"]\nworkdays = [\"2024-09-29\", \"2024-10-12\"]\n";
        let cal = Config::parse(Some(text)).unwrap().calendar;
        let d = |s| crate::text::parse_date(s).unwrap();
        // Friday 27 Sep, Sunday 29 Sep is a make-up working day, then the National Day week
        assert_eq!(cal.nth_working_day(d("2024-09-27"), 5), Some(d("2024-10-09")));
        assert_eq!(cal.nth_working_day(d("2024-06-03"), 5), Some(d("2024-06-07")));
        assert_eq!(cal.nth_working_day(d("2024-06-03"), 0), None);
        assert!(cal.is_working_day(d("2024-10-12")));
    }

    // issue #13: a range over all dates took 1.6 GB, then a notice counted past the last date
    #[test]
    fn official_calendars_are_built_in() {
        let cal = Config::default().calendar;
        let d = |s: &str| crate::text::parse_date(s).unwrap();
        assert!((2020..=2026).all(|y| cal.covers(y)) && !cal.covers(2027));
        assert!(cal.holidays.is_disjoint(&cal.workdays), "no day is both");
        for holiday in ["2025-01-28", "2025-10-08", "2020-02-02", "2023-04-05", "2026-02-23"] {
            assert!(!cal.is_working_day(d(holiday)), "{holiday}");
        }
        for workday in ["2025-09-28", "2025-10-11", "2024-02-18", "2026-01-04", "2023-10-08"] {
            assert!(cal.is_working_day(d(workday)), "{workday}");
        }
        for (year, holidays, workdays) in official::NOTICES {
            for (a, b) in *holidays {
                assert!(official::day(*year, a) <= official::day(*year, b), "{year} {a}");
                assert_ne!(official::day(*year, a), NaiveDate::default(), "{year} {a}");
            }
            for w in *workdays {
                let day = official::day(*year, w);
                assert!(
                    chrono::Datelike::weekday(&day).number_from_monday() > 5,
                    "a make-up day is a weekend day: {day}"
                );
            }
        }
    }

    #[test]
    fn calendar_ranges_are_bounded() {
        let text = "title = \"x\"\n[calendar]\nholidays = [\n  \"2024-10-01/2024-10-07\",\n  \"1900-01-01/9999-12-31\",\n]\nworkdays = [\"2024-01-01/2024-12-31\", \"1900-01-01\", \"2024-10-07/2024-10-01\"]\n";
        let errors = Config::parse(Some(text)).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (5, "`1900-01-01/9999-12-31` in calendar.holidays is outside the years 1949 to 2200"),
                (7, "`2024-01-01/2024-12-31` in calendar.workdays spans 366 days; a holiday range may span at most 60"),
                (7, "`1900-01-01` in calendar.workdays is outside the years 1949 to 2200"),
                (7, "`2024-10-07/2024-10-01` in calendar.workdays ends before it starts"),
            ]
        );
    }

    #[test]
    fn no_working_day_in_reach_is_none_not_a_hang() {
        let d = |s| crate::text::parse_date(s).unwrap();
        let mut cal = Calendar::default();
        cal.holidays.extend(d("2024-01-01").iter_days().take(4000));
        assert_eq!(cal.nth_working_day(d("2024-06-03"), 5), None);
        assert_eq!(Calendar::default().nth_working_day(NaiveDate::MAX, 5), None);
    }

    #[test]
    fn values_are_read() {
        let c =
            Config::parse(Some("title = \"绛县\"\nbase_url = \"https://x.cn\"\nlanguage = \"zh-Hant\"\n"))
                .unwrap();
        assert_eq!(c.base_url, "https://x.cn/");
        assert_eq!(c.language, Lang::Hant);
        assert_eq!(c.paginate, 20);
    }
}
