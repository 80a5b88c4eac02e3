//! Taxonomies: tags, every level of the region path, years and publishers.

use crate::content::{Extra, Page};
use crate::text::slugify;
use crate::Diagnostic;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub name: String,
    /// URL path below the taxonomy, e.g. `山西省/临汾市`.
    pub slug: String,
    /// Indexes into `Library::pages`, in its order.
    #[serde(skip)]
    pub pages: Vec<usize>,
    /// Depth in a hierarchy (regions), 0 for flat taxonomies.
    pub depth: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    /// The URL folder: `tags`, `regions`, `years`, `publishers`.
    pub key: &'static str,
    pub terms: Vec<Term>,
}

impl Taxonomy {
    pub const KEYS: [&'static str; 4] = ["tags", "regions", "years", "publishers"];
}

/// Values of one page for a taxonomy; regions give every level of the path.
fn values(key: &str, page: &Page) -> Vec<(String, String, usize)> {
    match key {
        "tags" => page.tags.iter().map(|t| (t.clone(), slugify(t), 0)).collect(),
        "regions" => (1..=page.region.len())
            .map(|n| {
                let parts = &page.region[..n];
                let slug = parts.iter().map(|p| slugify(p)).collect::<Vec<_>>().join("/");
                (parts.join("/"), slug, n - 1)
            })
            .collect(),
        "years" => page.year().map(|y| (y.to_string(), y.to_string(), 0)).into_iter().collect(),
        _ => match &page.extra {
            Extra::Case(c) => vec![(c.publisher.clone(), slugify(&c.publisher), 0)],
            Extra::Disclosure(d) => vec![(d.org.clone(), slugify(&d.org), 0)],
            _ => Vec::new(),
        },
    }
}

pub fn build_all(pages: &[Page]) -> Result<Vec<Taxonomy>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let taxonomies = Taxonomy::KEYS
        .iter()
        .map(|key| {
            // slug → (name, depth, pages); one slug must mean one name
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            for (i, page) in pages.iter().enumerate() {
                for (name, slug, depth) in values(key, page) {
                    if slug.is_empty() || slug.split('/').any(str::is_empty) {
                        errors.push(
                            Diagnostic::new(
                                &page.source,
                                0,
                                t!(
                                    "`{name}` gives an empty web address in {key}",
                                    "`{key}` 中的 `{name}` 得不到网址（去掉符号后是空的）"
                                ),
                            )
                            .with_hint(t!(
                                "use letters, Chinese characters or digits in it",
                                "请在其中使用字母、汉字或数字"
                            )),
                        );
                        continue;
                    }
                    let term = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        slug: slug.clone(),
                        pages: Vec::new(),
                        depth,
                    });
                    if term.name != name {
                        let first = &pages[term.pages[0]].source;
                        errors.push(
                            Diagnostic::new(
                                &page.source,
                                0,
                                t!(
                                    "`{name}` and `{}` ({}) share the address /{key}/{slug}/",
                                    "`{name}` 和 `{}`（{}）的网址都是 /{key}/{slug}/",
                                    term.name,
                                    first.display()
                                ),
                            )
                            .with_hint(t!(
                                "write the two the same way, or make them differ in letters",
                                "请把两处写法统一，或让它们在字母上有所区别"
                            )),
                        );
                        continue;
                    }
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            if *key == "years" {
                terms.reverse();
            }
            Taxonomy { key, terms }
        })
        .collect();
    if errors.is_empty() {
        Ok(taxonomies)
    } else {
        Err(errors)
    }
}
