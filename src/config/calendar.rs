//! `[calendar]` and the working days it makes: the State Council's holidays and 调休 working
//! days built in (`official`), what a site adds, and the `n`th working day from a date.

use super::raw::RawCalendar;
use super::{official, FILE};
use crate::Diagnostic;
use chrono::NaiveDate;

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
}

/// `[calendar]` over the official calendar: a day listed as a holiday is one (and no longer a
/// working day), a day listed as a working day is one (and no longer a holiday). Each entry is
/// said at the line that holds it (`line_holding`), else at `line`, the line of `[calendar]`.
pub(super) fn read(
    raw: Option<&RawCalendar>,
    line: usize,
    line_holding: &dyn Fn(&str) -> usize,
    errors: &mut Vec<Diagnostic>,
) -> Calendar {
    let mut cal = Calendar::official();
    let Some(raw) = raw else { return cal };
    for (key, items, holiday) in [("holidays", &raw.holidays, true), ("workdays", &raw.workdays, false)] {
        for item in items {
            let text = item.as_str().map(String::from).unwrap_or_else(|| item.to_string());
            match parse_days(&text) {
                Ok(days) => cal.add(&days, holiday),
                Err((problem, hint)) => {
                    let at = Some(line_holding(&text)).filter(|l| *l > 0).unwrap_or(line);
                    errors.push(
                        Diagnostic::new(
                            FILE,
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

impl Calendar {
    /// `days` as holidays (or as working days), and no longer the other.
    fn add(&mut self, days: &[NaiveDate], holiday: bool) {
        let (set, other) = match holiday {
            true => (&mut self.holidays, &mut self.workdays),
            false => (&mut self.workdays, &mut self.holidays),
        };
        for d in days {
            other.remove(d);
            set.insert(*d);
            self.years.insert(chrono::Datelike::year(d));
        }
    }
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
