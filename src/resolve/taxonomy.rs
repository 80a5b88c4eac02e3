//! Taxonomies: tags, every level of the region path, years and publishers.

use crate::content::{Extra, Page};
use crate::text::slugify;
use crate::Diagnostic;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

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

/// The values of one page for a taxonomy (regions give every level of the path), with the
/// depth of each.
fn names<'p>(key: &str, page: &'p Page) -> Vec<(Cow<'p, str>, usize)> {
    match key {
        "tags" => page.tags.iter().map(|t| (Cow::Borrowed(t.as_str()), 0)).collect(),
        "regions" => {
            (1..=page.region.len()).map(|n| (Cow::Owned(page.region[..n].join("/")), n - 1)).collect()
        }
        "years" => page.year().map(|y| (Cow::Owned(y.to_string()), 0)).into_iter().collect(),
        _ => match &page.extra {
            Extra::Case(c) => vec![(Cow::Borrowed(c.publisher.as_str()), 0)],
            Extra::Disclosure(d) => vec![(Cow::Borrowed(d.org.as_str()), 0)],
            _ => Vec::new(),
        },
    }
}

/// A value's address below its taxonomy: a region's levels each made a slug.
fn slug_of(key: &str, name: &str) -> String {
    match key {
        "regions" => name.split('/').map(slugify).collect::<Vec<_>>().join("/"),
        "years" => name.to_string(),
        _ => slugify(name),
    }
}

/// Every taxonomy's terms, each with its pages in library order. A site has a few hundred
/// tags, regions and publishers over thousands of pages: each distinct value is given its
/// slug and checked once, and every later page with it costs one lookup (under `serve` this
/// runs on every edit, and slugging each value of each page was half of that work).
pub fn build_all(pages: &[Page]) -> Result<Vec<Taxonomy>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let taxonomies = Taxonomy::KEYS
        .iter()
        .map(|key| {
            let mut terms: Vec<Term> = Vec::new();
            // slug → term; one slug must mean one name
            let mut by_slug: HashMap<String, usize> = HashMap::new();
            // name → term, for the names whose term stands
            let mut known: HashMap<String, usize> = HashMap::new();
            for (i, page) in pages.iter().enumerate() {
                for (name, depth) in names(key, page) {
                    let t = match known.get(name.as_ref()) {
                        Some(&t) => t,
                        None => {
                            let slug = slug_of(key, &name);
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
                            if let Some(&other) = by_slug.get(&slug) {
                                let term: &Term = &terms[other];
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
                            by_slug.insert(slug.clone(), terms.len());
                            known.insert(name.to_string(), terms.len());
                            terms.push(Term { name: name.into_owned(), slug, pages: Vec::new(), depth });
                            terms.len() - 1
                        }
                    };
                    let term = &mut terms[t];
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            // in the order of their addresses, as they are listed
            terms.sort_by(|a, b| a.slug.cmp(&b.slug));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{parse, ParseContext};

    fn case(name: &str, front: &str) -> Page {
        let calendar = crate::config::Calendar::default();
        let text = format!("+++\ntitle = \"{name}\"\npublisher = \"某县委组织部\"\ndate = 2020-01-01\n{front}\n+++\n正文。\n");
        parse(std::path::Path::new(&format!("content/cases/{name}.md")), &text, ParseContext::new(&calendar))
            .unwrap()
    }

    fn terms(tax: &Taxonomy) -> Vec<(&str, &str, usize, Vec<usize>)> {
        tax.terms.iter().map(|t| (t.name.as_str(), t.slug.as_str(), t.depth, t.pages.clone())).collect()
    }

    #[test]
    fn each_value_is_one_term_with_its_pages_in_order() {
        let pages = [
            case("a", "tags = [\"App\", \"党建\"]\nregion = \"山西省/临汾市\""),
            case("b", "tags = [\"党建\"]\nregion = \"山西省/太原市\""),
            case("c", "tags = [\"App\", \"App\"]\nregion = \"山西省/临汾市/浮山县\""),
        ];
        let all = build_all(&pages).unwrap();
        assert_eq!(terms(&all[0]), [("App", "app", 0, vec![0, 2]), ("党建", "党建", 0, vec![0, 1])]);
        assert_eq!(
            terms(&all[1]),
            [
                ("山西省", "山西省", 0, vec![0, 1, 2]),
                ("山西省/临汾市", "山西省/临汾市", 1, vec![0, 2]),
                ("山西省/临汾市/浮山县", "山西省/临汾市/浮山县", 2, vec![2]),
                ("山西省/太原市", "山西省/太原市", 1, vec![1]),
            ]
        );
        assert_eq!(terms(&all[2]), [("2020", "2020", 0, vec![0, 1, 2])]);
        assert_eq!(terms(&all[3]), [("某县委组织部", "某县委组织部", 0, vec![0, 1, 2])]);
    }

    // a value is checked once, but every page that writes a clashing or empty one is named
    #[test]
    fn every_page_with_a_clashing_or_empty_value_is_named() {
        let pages = [
            case("a", "tags = [\"App\"]"),
            case("b", "tags = [\"app\"]"),
            case("c", "tags = [\"app\", \"！？\"]"),
            case("d", "tags = [\"！？\"]"),
        ];
        let errors = build_all(&pages).unwrap_err();
        let named: Vec<(String, bool)> = errors
            .iter()
            .map(|e| (e.path.display().to_string(), e.message.contains("share the address")))
            .collect();
        assert_eq!(
            named,
            [
                ("content/cases/b.md".to_string(), true),
                ("content/cases/c.md".to_string(), true),
                ("content/cases/c.md".to_string(), false),
                ("content/cases/d.md".to_string(), false),
            ]
        );
        assert!(errors[1].message.contains("`App` (content/cases/a.md)"), "{}", errors[1]);
    }
}
