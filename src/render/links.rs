//! Link checking for `gongkai check`, over the rendered site: every internal link and image must reach a file of the
//! built site, and every `#anchor` an id on the page it points to. External links are listed,
//! never fetched: the site must build offline.

use crate::content::{Extra, Page};
use crate::resolve::urls::{is_external, percent_decode, resolve};
use crate::Diagnostic;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An external link found in the content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct External {
    pub url: String,
    pub path: std::path::PathBuf,
    pub line: usize,
}

/// What link checking found: broken links and anchors, links that reach a page only through
/// the redirect at its old address (warnings), and the external links.
#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub external: Vec<External>,
}

/// Checks the links of `pages` against the rendered `files`; `hidden` are the output files of
/// the site's pages this build leaves out (party-only ones in the public build), so that a
/// link to one is said for what it is.
pub fn check(pages: &[Page], files: &[crate::render::Output], hidden: &BTreeSet<String>) -> Report {
    // the old address of each case (`cases/STEM/index.html`), with the page now there
    let moved: BTreeMap<String, &Page> = pages
        .iter()
        .flat_map(|p| {
            p.old_paths.iter().filter(move |o| **o != p.path).map(move |o| (format!("{o}index.html"), p))
        })
        .collect();
    let mut warnings = Vec::new();
    let ids: BTreeMap<&str, BTreeSet<&str>> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, bytes)| (p.as_str(), ids_in(std::str::from_utf8(bytes).unwrap_or(""))))
        .collect();
    let exists = |p: &str| files.binary_search_by(|(f, _)| f.as_str().cmp(p)).is_ok();
    let mut errors = Vec::new();
    let mut external = Vec::new();
    for page in pages {
        for (url, line, image) in links_of(page) {
            if is_external(&url) {
                external.push(External { url, path: page.source.clone(), line });
                continue;
            }
            let (target, anchor) = match url.split_once('#') {
                Some((t, a)) => (t, Some(a)),
                None => (url.as_str(), None),
            };
            let target = target.split('?').next().unwrap_or("");
            let file = if target.is_empty() {
                Some(format!("{}index.html", page.path))
            } else {
                resolve(&page.path, target, &exists)
            };
            let what = match image {
                true => t!("image", "图片"),
                false => t!("link", "链接"),
            };
            let Some(file) = file else {
                if resolve(&page.path, target, &|p| hidden.contains(p)).is_some() {
                    errors.push(
                        Diagnostic::new(
                            &page.source,
                            line,
                            t!(
                                "`{url}` leads to a page only party members may read, which this build leaves out",
                                "`{url}` 指向仅限党内阅览的页面，本次生成不包含它"
                            ),
                        )
                        .with_hint(t!(
                            "a page of this build cannot link to it: remove the link, or make this page party-only too",
                            "本次生成的页面不能链接到它：请删去链接，或把本页也设为仅限党内（audience = \"party\"）"
                        )),
                    );
                    continue;
                }
                errors.push(
                    Diagnostic::new(
                        &page.source,
                        line,
                        t!(
                            "broken {what}: `{url}` leads to no page or file of the site",
                            "{what}失效：网站中没有 `{url}` 指向的页面或文件"
                        ),
                    )
                    .with_hint(broken_hint(page, target, &exists, &moved)),
                );
                continue;
            };
            if let Some(now) = moved.get(&file) {
                warnings.push(
                    Diagnostic::new(
                        &page.source,
                        line,
                        t!(
                            "`{url}` leads to the old address of 《{}》, which only redirects",
                            "`{url}` 指向《{}》的旧地址，那里只是跳转",
                            now.title
                        ),
                    )
                    .with_hint(t!(
                        "link to its address now: {}",
                        "请链接到它现在的地址：{}",
                        relative(&page.path, &now.path)
                    )),
                );
            }
            // `#top` is the top of any page, id or not (HTML's rule for fragments; a hostile
            // review found it reported as broken)
            if let Some(anchor) = anchor.filter(|a| !a.is_empty() && !a.eq_ignore_ascii_case("top")) {
                let anchor = percent_decode(anchor);
                if ids.get(file.as_str()).is_some_and(|set| !set.contains(anchor.as_str())) {
                    errors.push(
                        Diagnostic::new(
                            &page.source,
                            line,
                            t!(
                                "broken anchor: `{url}` has no `#{anchor}` on the page",
                                "锚点失效：`{url}` 所指的页面上没有 `#{anchor}`"
                            ),
                        )
                        .with_hint(t!(
                            "anchors are the heading's text, e.g. #一-组织建设; check the heading",
                            "锚点就是标题的文字，如 #一-组织建设；请核对标题"
                        )),
                    );
                }
            }
        }
    }
    external.sort();
    Report { errors, warnings, external }
}

/// What to write instead of a broken link: a case's links were written from its old address
/// (`cases/STEM/`) before cases moved one folder down; from there the link may reach a page or
/// file, and the hint gives the way from the address now.
fn broken_hint(
    page: &Page,
    target: &str,
    exists: &dyn Fn(&str) -> bool,
    moved: &BTreeMap<String, &Page>,
) -> String {
    let from_old =
        page.old_paths.iter().filter(|o| **o != page.path).find_map(|old| resolve(old, target, exists));
    match from_old {
        Some(file) => {
            let dest = match moved.get(&file) {
                Some(now) => now.path.clone(),
                None => file.strip_suffix("index.html").unwrap_or(&file).to_string(),
            };
            t!(
                "the case's address is now /{}, so this link, written for its old address, needs another ../: write {}",
                "案例的地址已改为 /{}，这个按旧地址写的链接需要多一个 ../：请写成 {}",
                page.path,
                relative(&page.path, &dest)
            )
        }
        None => t!(
            "check the address; links between pages look like ../other-page/ or /cases/2017/name/",
            "请检查地址；页面之间的链接写成 ../other-page/ 或 /cases/2017/name/ 这样"
        ),
    }
}

/// The relative way from the page at `from` to `to` (both below the site root).
fn relative(from: &str, to: &str) -> String {
    let depth = from.split('/').filter(|s| !s.is_empty()).count();
    format!("{}{to}", "../".repeat(depth))
}

/// Links of the body (with their file lines) and of a case's commentary (at its key's line).
fn links_of(page: &Page) -> Vec<(String, usize, bool)> {
    let mut links: Vec<(String, usize, bool)> =
        page.body.links.iter().map(|l| (l.url.clone(), page.body_line + l.line - 1, l.image)).collect();
    if let Extra::Case(c) = &page.extra {
        if let Some(commentary) = &c.commentary {
            links.extend(commentary.links.iter().map(|l| (l.url.clone(), page.commentary_line, l.image)));
        }
    }
    links
}

/// The values of every `id="…"` attribute in an HTML text.
fn ids_in(html: &str) -> BTreeSet<&str> {
    html.match_indices(" id=\"")
        .filter_map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}
