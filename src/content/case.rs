//! Exchange case (经验交流): publisher, highlight (the title), measures (the body), commentary.

use super::{build_page, markdown, typed, Common, Extra, FrontMatter, Kind, Page, COMMON_KEYS};
use crate::Diagnostic;
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CaseExtra {
    pub publisher: String,
    /// 点评, rendered from Markdown.
    /// Boxed and slimmed at once: most pages of a large site are cases, and every byte of a
    /// page is held for the whole build.
    pub commentary: Option<Box<markdown::Rendered>>,
    /// `audience = "party"` keeps the case, and any redirect to it, out of the public build.
    pub audience: crate::audience::Audience,
    /// Whether the file gave its slug (`slug = "…"`) rather than the title.
    pub slug_given: bool,
    /// For a slug made from the title, the address before [`super::address::assign`] kept it
    /// apart from another's.
    pub made_path: Option<String>,
}

#[derive(serde::Deserialize)]
struct Meta {
    #[serde(flatten)]
    common: Common,
    publisher: String,
    #[serde(default)]
    authors: Vec<String>,
    commentary: Option<String>,
    #[serde(default)]
    audience: crate::audience::Audience,
}

pub const KEYS: &[&str] = &["publisher", "authors", "commentary", "audience"];

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
        commentary: meta.commentary.as_deref().filter(|c| !c.trim().is_empty()).map(|c| {
            // its problems were reported from a rendering of its own (`content::parse`)
            let mut rendered = markdown::render_apart(c, "commentary-");
            rendered.slim();
            Box::new(rendered)
        }),
        audience: meta.audience,
        slug_given: false,
        made_path: None,
    };
    let mut page = build_page(rel, fm, Kind::Case, meta.common, body, Extra::Case(extra))?;
    page.authors = meta.authors.into_iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    let leaks = super::address::slug_problems(&page, fm.line_of("title"));
    if leaks.is_empty() {
        Ok(page)
    } else {
        Err(leaks)
    }
}
