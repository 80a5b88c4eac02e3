//! `site.toml`: the site's settings. Serde reads the keys and their types (`raw`); this
//! module checks what the values mean and turns them into a [`Config`].

use crate::text::Lang;
use crate::Diagnostic;
#[cfg(test)]
use chrono::NaiveDate;

mod calendar;
mod official;
mod raw;

pub use calendar::Calendar;

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

pub const FILE: &str = "site.toml";

impl Config {
    /// Reads `site.toml`; a site without one gets the defaults. Every problem in the file is
    /// reported at once.
    pub fn parse(text: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let Some(text) = text else { return Ok(Config::default()) };
        let mut read = raw::read(text).map_err(|d| vec![d])?;
        let mut errors = std::mem::take(&mut read.errors);
        let config = Config::from_raw(text, &read, &mut errors);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// What the values read mean, each checked; problems go to `errors`.
    fn from_raw(text: &str, read: &raw::Read, errors: &mut Vec<Diagnostic>) -> Config {
        let raw = &read.raw;
        let defaults = Config::default();
        let paginate = match raw.paginate {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
            Some(_) => {
                errors.push(raw::paginate_not_positive(read.line("paginate")));
                defaults.paginate
            }
            None => defaults.paginate,
        };
        let language = match raw.language.as_deref() {
            None => defaults.language,
            Some(l) => Lang::parse(l).unwrap_or_else(|| {
                errors.push(raw::unknown_language(read.line("language")));
                defaults.language
            }),
        };
        let theme = raw.theme.clone().unwrap_or(defaults.theme);
        if theme.contains(['/', '\\']) || theme.starts_with('.') {
            errors.push(Diagnostic::new(
                FILE,
                read.line("theme"),
                t!("`theme` must be a folder name under themes/", "`theme` 应是 themes/ 下的一个文件夹名"),
            ));
        }
        // a calendar entry is found quoted first, so that `2024-10-01` is not found inside a range
        let line_holding = |needle: &str| {
            let quoted = format!("\"{needle}\"");
            let find = |hit: &dyn Fn(&str) -> bool| text.lines().position(hit).map(|i| i + 1);
            find(&|l| l.contains(&quoted)).or_else(|| find(&|l| l.contains(needle))).unwrap_or(0)
        };
        let calendar = calendar::read(raw.calendar.as_ref(), read.line("calendar"), &line_holding, errors);
        Config {
            title: raw.title.clone().unwrap_or(defaults.title),
            description: raw.description.clone().unwrap_or(defaults.description),
            base_url: match raw.base_url.clone() {
                Some(s) if !is_http(&s) => {
                    errors.push(raw::not_http(&s, read.line("base_url")));
                    defaults.base_url
                }
                Some(s) if !s.ends_with('/') => format!("{s}/"),
                s => s.unwrap_or(defaults.base_url),
            },
            language,
            paginate,
            organisation: raw.organisation.clone().unwrap_or(defaults.organisation),
            theme,
            calendar,
            required: read_required(text, raw.required.as_deref().unwrap_or_default(), errors),
            require_review: raw.require_review.unwrap_or(defaults.require_review),
        }
    }
}

/// An `http://` or `https://` address with a host: the Atom feed's links and the printed copy's
/// QR code are made from `base_url`, and any other scheme (`javascript:`) would go there too.
fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = match () {
        _ if lower.starts_with("https://") => &url[8..],
        _ if lower.starts_with("http://") => &url[7..],
        _ => return false,
    };
    rest.starts_with(|c: char| c != '/' && !c.is_whitespace())
}

/// `[[required]]` entries, each read on its own so that every wrong one is said, each with the
/// line of its header.
fn read_required(text: &str, items: &[toml::Value], errors: &mut Vec<Diagnostic>) -> Vec<Required> {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[required]]"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        match item.clone().try_into::<Required>() {
            Ok(r) => out.push(Required { line, ..r }),
            Err(e) => errors.push(
                Diagnostic::new(FILE, line, t!("[[required]]: {}", "[[required]]：{}", crate::locale::toml_message(e.message())))
                    .with_hint(t!(
                        "keys: category, every (\"month\", \"quarter\" or \"year\"), within_days, orgs, since, audience",
                        "可用的键：category、every（\"month\"、\"quarter\" 或 \"year\"）、within_days、orgs、since、audience"
                    )),
            ),
        }
    }
    out
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

    // `javascript:alert(1)//` went into the Atom feed's links and the printed QR address
    #[test]
    fn base_url_must_be_an_http_address() {
        for bad in [
            "javascript:alert(1)//",
            "data:text/html,x",
            "//example.org/",
            "example.org",
            "https://",
            "ftp://x.cn/",
        ] {
            let e = Config::parse(Some(&format!("title = \"x\"\nbase_url = \"{bad}\"\n"))).unwrap_err();
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert_eq!(e[0].line, 2, "{bad}");
            assert!(e[0].message.contains("http://") && e[0].message.contains(bad), "{}", e[0].message);
            assert_eq!(e[0].hint.as_deref(), Some("write e.g. base_url = \"https://example.org/\""));
        }
        for good in ["https://x.cn", "HTTP://x.cn/a/", "Https://党建.cn/"] {
            let c = Config::parse(Some(&format!("base_url = \"{good}\"\n"))).unwrap();
            assert!(c.base_url.starts_with(good), "{good}");
        }
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
