//! Annual review (年度巡礼): a long write-up of one year, archived by year.

use super::{build_page, markdown, typed, Common, Extra, FrontMatter, Kind, Page, COMMON_KEYS};
use crate::Diagnostic;
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReviewExtra {
    pub subtitle: Option<String>,
    /// The year reviewed, which may differ from the publication date's year.
    pub year: Option<i32>,
}

#[derive(serde::Deserialize)]
struct Meta {
    #[serde(flatten)]
    common: Common,
    subtitle: Option<String>,
    year: Option<i32>,
    #[serde(default)]
    authors: Vec<String>,
}

pub const KEYS: &[&str] = &["subtitle", "year", "authors"];

pub fn parse(rel: &Path, fm: &FrontMatter, body: markdown::Rendered) -> Result<Page, Vec<Diagnostic>> {
    let keys: Vec<&str> = COMMON_KEYS.iter().chain(KEYS).copied().collect();
    let meta: Meta = typed(rel, fm, &keys, &t!("an annual review", "年度巡礼的文件头"))?;
    if let Some(y) = meta.year.filter(|y| !(1921..=2200).contains(y)) {
        return Err(vec![Diagnostic::new(
            rel,
            fm.line_of("year"),
            t!("{y} is not a plausible year", "{y} 不像是一个年份"),
        )
        .with_hint(t!(
            "write the reviewed year as four digits, e.g. year = 2020",
            "用四位数字写巡礼的年份，如 year = 2020"
        ))]);
    }
    let extra = ReviewExtra { subtitle: meta.subtitle, year: meta.year };
    let mut page = build_page(rel, fm, Kind::Review, meta.common, body, Extra::Review(extra))?;
    page.authors = meta.authors;
    Ok(page)
}
