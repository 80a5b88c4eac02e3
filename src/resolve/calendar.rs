//! Notices counted in working days over a year the calendar does not know: the count treats
//! that year's holidays as working days and may end a notice early, so the build says so, but
//! does not fail (the State Council publishes a year's holidays only each November).

use crate::config::Calendar;
use crate::content::{Extra, Page};
use crate::Diagnostic;
use chrono::Datelike;

/// A warning for each disclosure whose working-day window reaches a year without a calendar.
pub fn uncovered(pages: &[Page], calendar: &Calendar) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for page in pages {
        let Extra::Disclosure(d) = &page.extra else { continue };
        let (Some((from, to)), Some(line)) = (d.notice, d.working_days_line) else { continue };
        for year in (from.year()..=to.year()).filter(|y| !calendar.covers(*y)) {
            out.push(
                Diagnostic::new(
                    &page.source,
                    line,
                    t!(
                        "the notice window reaches {year}, a year gongkai has no holiday calendar for; its working days are counted as if {year} had no public holidays",
                        "公示期延续到 {year} 年，gongkai 还没有 {year} 年的节假日安排，工作日暂按 {year} 年没有法定节假日计算"
                    ),
                )
                .with_hint(t!(
                    "add {year}'s holidays and 调休 working days (from the State Council's notice) under [calendar] in site.toml, e.g. holidays = [\"{year}-01-01\"], or give notice_to",
                    "请按国务院办公厅的通知，在 site.toml 的 [calendar] 中补充 {year} 年的节假日和调休上班日，如 holidays = [\"{year}-01-01\"]；或直接写 notice_to"
                )),
            );
        }
    }
    out
}
