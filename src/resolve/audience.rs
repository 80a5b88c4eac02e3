//! The audience of what pages draw on. A dataset or a static file has no audience of its own
//! unless it says so: it follows the pages that use it, so a CSV behind a party-only notice
//! stays out of the public build with the notice.

use crate::audience::Audience;
use crate::content::Page;
use crate::data::Datasets;
use crate::Diagnostic;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What one page draws on, kept for every page, hidden ones included, so that `serve` can
/// re-resolve after an edit without parsing the pages it did not change.
#[derive(Debug, Clone)]
pub struct Usage {
    pub source: PathBuf,
    /// The page's address (`cases/2024/a/`), for the link check to name a link to a page the
    /// build leaves out for what it is.
    pub path: String,
    pub audience: Audience,
    pub datasets: Vec<String>,
    /// Link and image targets as output paths below the site root (`images/a.png`), lower
    /// case: a server on Windows or a FAT stick finds `IMG/A.PNG` too.
    pub links: Vec<String>,
}

impl Usage {
    pub fn of(page: &Page) -> Usage {
        let mut links = Vec::new();
        for l in &page.body.links {
            let target = l.url.split(['#', '?']).next().unwrap_or("");
            if super::urls::is_external(target) {
                // the site's own address (`https://example.org/img/a.png`), perhaps below a
                // path prefix: every tail of the path counts, so a file linked this way is
                // never missed
                let path = target.split_once("//").map(|(_, rest)| rest).unwrap_or(target);
                let segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
                links.extend((0..segments.len()).map(|i| segments[i..].join("/").to_lowercase()));
            } else if !target.is_empty() {
                links.push(clamped(&page.path, target));
                // a case's link may be written from its old address (see links::check): read
                // both ways, a file either reaches follows the case's audience
                links.extend(page.old_paths.iter().filter(|o| **o != page.path).map(|o| clamped(o, target)));
            }
        }
        Usage {
            source: page.source.clone(),
            path: page.path.clone(),
            audience: page.audience(),
            datasets: page.datasets.clone(),
            links,
        }
    }
}

/// Where a relative link lands as a browser resolves it: `\` read as `/`, percent escapes
/// decoded, and `..` past the site root clamped at the root (so an extra `../` still reaches the
/// file), lower case.
fn clamped(base: &str, target: &str) -> String {
    let target =
        percent_encoding::percent_decode_str(&target.replace('\\', "/")).decode_utf8_lossy().into_owned();
    let parts = super::urls::join(base, &target, true).unwrap_or_default();
    parts.join("/").to_lowercase()
}

/// The datasets a build for `audience` must leave out, and the datasets whose use is
/// contradictory: drawn on by party-only and public pages alike (unless the description says
/// `audience = "public"`), or marked party-only and used by a public page.
pub fn hidden_datasets(
    uses: &[Usage],
    data: &Datasets,
    audience: Audience,
) -> (BTreeSet<String>, Vec<Diagnostic>) {
    let mut hidden = BTreeSet::new();
    let mut errors = Vec::new();
    for ds in data.iter() {
        // a link to the dataset's page or download is a use, as a shortcode is
        let (page, csv) = (
            crate::data::paths::page_path(ds).to_lowercase(),
            crate::data::paths::csv_path(ds).to_lowercase(),
        );
        let linked = |l: &String| {
            *l == csv || l.trim_end_matches('/') == page.trim_end_matches('/') || l.starts_with(&page)
        };
        let users: Vec<&Usage> =
            uses.iter().filter(|u| u.datasets.contains(&ds.name) || u.links.iter().any(linked)).collect();
        let public_user = users.iter().find(|u| u.audience == Audience::Public);
        let party_user = users.iter().find(|u| u.audience > Audience::Public);
        let own = match (ds.meta.audience, public_user, party_user) {
            (Some(Audience::Public), ..) => Audience::Public,
            (Some(narrow), Some(public), _) => {
                errors.push(
                    Diagnostic::new(
                        &public.source,
                        0,
                        t!(
                            "this public page uses {}, which is marked audience = \"{}\"",
                            "这个对外公开的页面用到了 {}，而它标明了 audience = \"{}\"",
                            ds.path.display(),
                            narrow.key()
                        ),
                    )
                    .with_hint(t!(
                        "a public page cannot show a party-only table: remove the table from this page, or make the dataset public",
                        "对外公开的页面不能显示党内表格：请从这个页面去掉该表格，或把这份数据改为对外公开"
                    )),
                );
                narrow
            }
            (Some(narrow), None, _) => narrow,
            (None, Some(public), Some(party)) => {
                errors.push(
                    Diagnostic::new(
                        &ds.path,
                        0,
                        t!(
                            "this dataset is used by the party-only page {} and by the public page {}",
                            "这份数据既被党内页面 {} 使用，又被对外公开的页面 {} 使用",
                            party.source.display(),
                            public.source.display()
                        ),
                    )
                    .with_hint(t!(
                        "split it into a party-only and a public file, or, if all of it may be public, write audience = \"public\" in {}",
                        "请拆成党内和对外两个文件；如果全部内容都可以公开，就在 {} 中写 audience = \"public\"",
                        ds.path.with_extension("toml").display()
                    )),
                );
                party.audience
            }
            (None, None, Some(party)) => party.audience,
            (None, _, None) => Audience::Public,
        };
        if own > audience {
            hidden.insert(ds.name.clone());
        }
    }
    (hidden, errors)
}

/// The site's static files that only pages hidden from `audience` link to: an image that
/// illustrates a party-only notice goes where the notice goes. A file no page links to, or
/// that a visible page links to, is published as before.
pub fn hidden_files<'a>(
    uses: &[Usage],
    files: impl Iterator<Item = &'a String>,
    audience: Audience,
) -> BTreeSet<String> {
    files
        .filter(|f| {
            let f = f.to_lowercase();
            let mut users = uses.iter().filter(|u| u.links.contains(&f)).peekable();
            users.peek().is_some() && users.all(|u| u.audience > audience)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(src: &str, audience: Audience, datasets: &[&str], links: &[&str]) -> Usage {
        Usage {
            source: src.into(),
            path: String::new(),
            audience,
            datasets: datasets.iter().map(|s| s.to_string()).collect(),
            links: links.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn files_follow_their_pages() {
        let uses = [
            usage("a.md", Audience::Party, &[], &["img/secret.png", "img/both.png"]),
            usage("b.md", Audience::Public, &[], &["img/both.png"]),
        ];
        let files: Vec<String> =
            ["img/secret.png", "img/both.png", "img/none.png"].map(String::from).to_vec();
        let hidden = hidden_files(&uses, files.iter(), Audience::Public);
        assert_eq!(hidden.into_iter().collect::<Vec<_>>(), ["img/secret.png"]);
        assert!(hidden_files(&uses, files.iter(), Audience::Party).is_empty());
    }
}
