//! The `Library`: every page of one build, in a fixed order, with its taxonomies.

use super::taxonomy::{self, Taxonomy};
use crate::content::disclosure::Audience;
use crate::content::{Kind, Page};
use crate::Diagnostic;
use chrono::NaiveDate;
use std::collections::BTreeMap;

#[derive(Debug)]
pub struct Library {
    /// Newest first, then by URL: the order of every listing.
    pub pages: Vec<Page>,
    pub taxonomies: Vec<Taxonomy>,
    /// The build's date: notices are open or closed as of this day.
    pub as_of: NaiveDate,
    pub audience: Audience,
}

impl Library {
    /// Keeps the pages `audience` may see, orders them, and builds the taxonomies.
    pub fn resolve(
        pages: Vec<Page>,
        audience: Audience,
        as_of: Option<NaiveDate>,
    ) -> Result<Library, Vec<Diagnostic>> {
        let mut pages: Vec<Page> = pages.into_iter().filter(|p| p.visible_to(audience)).collect();
        pages.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
        let mut errors = duplicate_urls(&pages);
        let as_of = as_of.or_else(|| newest_date(&pages)).unwrap_or(NaiveDate::MIN);
        let taxonomies = taxonomy::build_all(&pages).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        if errors.is_empty() {
            Ok(Library { pages, taxonomies, as_of, audience })
        } else {
            Err(errors)
        }
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &Page)> {
        self.pages.iter().enumerate().filter(move |(_, p)| p.kind == kind)
    }
}

/// The newest date a page carries, so that a build without `--as-of` is still deterministic.
fn newest_date(pages: &[Page]) -> Option<NaiveDate> {
    pages.iter().filter_map(|p| p.date).max()
}

/// Two files that would write the same page are an error naming both.
fn duplicate_urls(pages: &[Page]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    let mut errors = Vec::new();
    for page in pages {
        if let Some(first) = seen.insert(&page.path, page) {
            errors.push(
                Diagnostic::new(
                    &page.source,
                    0,
                    format!("this page has the same address /{} as {}", page.path, first.source.display()),
                )
                .with_hint("rename one of the files or give it a different `slug`"),
            );
        }
    }
    errors
}
