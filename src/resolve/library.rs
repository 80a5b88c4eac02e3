//! The `Library`: every page of one build, in a fixed order, with its taxonomies.

use super::audience::{self, Usage};
use super::taxonomy::{self, Taxonomy};
use crate::content::disclosure::Audience;
use crate::content::{Extra, Kind, Page};
use crate::data::Datasets;
use crate::text::slugify;
use crate::Diagnostic;
use chrono::Datelike;
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
    /// Disclosure listings: open notices, by category, by year, by organisation.
    pub groups: Vec<Group>,
    /// The datasets this build may publish.
    pub data: Datasets,
    /// What every page draws on, the pages left out of this build included.
    pub usage: Vec<Usage>,
    /// The disclosure catalogue, for a site with an organisation tree (`data/orgs.csv`).
    pub catalogue: Option<super::catalogue::Catalogue>,
    /// What the build should say but not fail on (a notice counted over a year without a
    /// holiday calendar).
    pub warnings: Vec<crate::Diagnostic>,
}

/// A site that did not resolve: its problems, with the pages it was given and what they and
/// the pages left out draw on, handed back. `serve` applies the next edit to them instead of
/// keeping every file's text to parse the whole site again.
#[derive(Debug)]
pub struct Refused {
    pub problems: Vec<Diagnostic>,
    pub pages: Vec<Page>,
    pub usage: Vec<Usage>,
}

/// One listing of disclosures, ordered by period, newest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Group {
    /// `open`, `categories`, `years` or `orgs`.
    pub facet: &'static str,
    pub name: String,
    /// URL path, ending in `/`.
    pub path: String,
    #[serde(skip)]
    pub pages: Vec<usize>,
}

impl Library {
    /// Keeps the pages `audience` may see, orders them, builds the taxonomies, and decides
    /// which datasets the build may publish. `carried` is what pages not given here (left
    /// out of an earlier resolve, not changed since) draw on.
    pub fn resolve(
        pages: Vec<Page>,
        carried: Vec<Usage>,
        data: &Datasets,
        audience: Audience,
        as_of: Option<NaiveDate>,
    ) -> Result<Library, Refused> {
        let mut pages = pages;
        crate::content::address::assign(&mut pages);
        let mut usage = carried;
        // a set, not a scan of `pages` per carried entry: under `serve` both hold every page,
        // and the scan made each edit at 10,000 pages cost 100 million path comparisons
        // by the path's bytes: hashing a `Path` walks its components, a tenth of a `serve` edit
        // (the sources are relative paths as the walk gave them, one spelling each)
        let given: std::collections::HashSet<&std::ffi::OsStr> =
            pages.iter().map(|p| p.source.as_os_str()).collect();
        usage.retain(|u| !given.contains(u.source.as_os_str()));
        usage.extend(pages.iter().map(Usage::of));
        usage.sort_by_cached_key(|u| crate::content::address::path_order(&u.source));
        let (hidden, mut errors) = audience::hidden_datasets(&usage, data, audience);
        let data = data.without(&hidden);
        sort_pages(&mut pages, |a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
        // over every page, hidden or not: the party edition must not refuse what the public
        // one accepted because a party-only page took the same address
        errors.extend(duplicate_urls(&pages));
        let pages: Vec<Page> = pages.into_iter().filter(|p| p.visible_to(audience)).collect();
        // a site with no dated page at all still needs a date a release can record and read
        // back: the Unix epoch, fixed, so the build stays deterministic
        let as_of = as_of
            .or_else(|| newest_date(&pages))
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default());
        let taxonomies = taxonomy::build_all(&pages).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
        let groups = disclosure_groups(&pages, as_of);
        if errors.is_empty() {
            Ok(Library {
                pages,
                taxonomies,
                as_of,
                audience,
                groups,
                data,
                usage,
                catalogue: None,
                warnings: Vec::new(),
            })
        } else {
            Err(Refused { problems: errors, pages, usage })
        }
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (usize, &Page)> {
        self.pages.iter().enumerate().filter(move |(_, p)| p.kind == kind)
    }
}

/// Sorts `pages` stably by `cmp` through a list of their positions: sorting the pages
/// themselves takes a buffer of half of them (at 1,000,000 pages, 400 MB), the positions a
/// hundredth of that. Written here because it is a dozen lines: the cycles of the order are
/// followed with swaps, each page moved once.
fn sort_pages<T>(pages: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let mut order: Vec<usize> = (0..pages.len()).collect();
    order.sort_by(|&a, &b| cmp(&pages[a], &pages[b]));
    // position i takes the page now at order[i]; a done position is marked usize::MAX
    for start in 0..order.len() {
        let mut i = start;
        while order[i] != usize::MAX {
            let from = std::mem::replace(&mut order[i], usize::MAX);
            if from == start {
                break;
            }
            pages.swap(i, from);
            i = from;
        }
    }
}

fn disclosure_groups(pages: &[Page], as_of: NaiveDate) -> Vec<Group> {
    use crate::content::disclosure::NoticeStatus;
    let mut disclosures: Vec<(usize, &crate::content::disclosure::DisclosureExtra)> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.extra {
            Extra::Disclosure(d) => Some((i, &**d)),
            _ => None,
        })
        .collect();
    disclosures.sort_by(|a, b| b.1.order_key().cmp(&a.1.order_key()).then(a.0.cmp(&b.0)));
    let mut groups: BTreeMap<(u8, String), Group> = BTreeMap::new();
    // the open-notices page always exists, so links to it never break
    groups.insert(
        (0, String::new()),
        Group {
            facet: "open",
            name: NoticeStatus::Open.label().into(),
            path: "disclosures/open/".into(),
            pages: Vec::new(),
        },
    );
    let mut add = |order: u8, facet: &'static str, name: String, slug: String, i: usize| {
        let path = if facet == "open" {
            "disclosures/open/".to_string()
        } else {
            format!("disclosures/{facet}/{slug}/")
        };
        groups
            .entry((order, slug))
            .or_insert_with(|| Group { facet, name, path, pages: Vec::new() })
            .pages
            .push(i);
    };
    for &(i, d) in &disclosures {
        if d.status(as_of) == Some(NoticeStatus::Open) {
            add(0, "open", NoticeStatus::Open.label().into(), String::new(), i);
        }
        add(1, "categories", d.category.label().into(), d.category.key().into(), i);
        let year = d.order_key().0.year();
        // years sort newest first: the key inverts the year
        add(2, "years", format!("{year}年"), format!("{:05}", 99999 - year), i);
        add(3, "orgs", d.org.clone(), slugify(&d.org), i);
    }
    groups
        .into_values()
        .map(|mut g| {
            if g.facet == "years" {
                g.path = format!("disclosures/years/{}/", g.name.trim_end_matches('年'));
            }
            g
        })
        .collect()
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
                    t!(
                        "this page has the same address /{} as {}",
                        "这个页面的网址 /{} 与 {} 相同",
                        page.path,
                        first.source.display()
                    ),
                )
                .with_hint(t!(
                    "rename one of the files or give it a different `slug`",
                    "请给其中一个文件改名，或给它另写一个 `slug`"
                )),
            );
        }
    }
    errors
}

#[cfg(test)]
mod tests {

    #[test]
    fn pages_sort_through_their_positions_as_a_stable_sort_would() {
        // a fixed pseudo-random sequence with many ties, so that stability shows
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for n in [0usize, 1, 2, 3, 10, 257, 1000] {
            let items: Vec<(u64, usize)> = (0..n)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % 7, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|b| std::cmp::Reverse(b.0));
            let mut sorted = items;
            super::sort_pages(&mut sorted, |a, b| b.0.cmp(&a.0));
            assert_eq!(sorted, expected, "n = {n}");
        }
    }
}
