//! Exchange case (经验交流): publisher, highlight (the title), measures (the body), commentary.

use super::{build_page, markdown, typed, Common, Extra, FrontMatter, Kind, Page, COMMON_KEYS};
use crate::Diagnostic;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct CaseExtra {
    pub publisher: String,
    /// 点评, rendered from Markdown.
    pub commentary: Option<markdown::Rendered>,
}

#[derive(serde::Deserialize)]
struct Meta {
    #[serde(flatten)]
    common: Common,
    publisher: String,
    #[serde(default)]
    authors: Vec<String>,
    commentary: Option<String>,
}

pub const KEYS: &[&str] = &["publisher", "authors", "commentary"];

pub fn parse(rel: &Path, fm: &FrontMatter, body: markdown::Rendered) -> Result<Page, Vec<Diagnostic>> {
    let keys: Vec<&str> = COMMON_KEYS.iter().chain(KEYS).copied().collect();
    let meta: Meta = typed(rel, fm, &keys, &t!("a case", "经验交流案例的文件头"))?;
    if meta.publisher.trim().is_empty() {
        return Err(vec![Diagnostic::new(
            rel,
            fm.line_of("publisher"),
            t!("the publisher (发布者) is empty", "发布者（publisher）是空的"),
        )
        .with_hint(t!(
            "name the organisation that published the case, e.g. publisher = \"临汾市委组织部\"",
            "写上发布这篇案例的单位，如 publisher = \"临汾市委组织部\""
        ))]);
    }
    let extra = CaseExtra {
        publisher: meta.publisher.trim().to_string(),
        commentary: meta.commentary.as_deref().filter(|c| !c.trim().is_empty()).map(markdown::render),
    };
    let mut page = build_page(rel, fm, Kind::Case, meta.common, body, Extra::Case(extra))?;
    page.authors = meta.authors.into_iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    Ok(page)
}
