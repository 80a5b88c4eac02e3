//! The banner an archived page carries when the live site has since corrected or removed it,
//! so nobody takes a superseded figure for the current one.
//!
//! The edition itself stays what was released: the banner is put in only as the edition is
//! served in the live site, between two markers right after `<body>`, and [`strip`] takes it
//! out again, so the check against the release manifest (`verify`, and the tests) compares
//! the stored edition byte for byte. The site's own `manifest.json` (signed with `--key`)
//! lists the served page, banner included, so the banner cannot be altered unnoticed either.

use super::manifest::Release;
use crate::render::Output;
use crate::text::{escape_html, format_date_zh, Lang};

const START: &str = "<!--gongkai:banner-->";
const END: &str = "<!--/gongkai:banner-->";

/// What the live site says now about one of its pages.
pub struct Current {
    /// The page's address now, below the site root, ending in `/`.
    pub path: String,
    /// Addresses it had before, which now redirect to `path`.
    pub old_paths: Vec<String>,
    /// The source file, relative to the site root, and its SHA-256 (first 12 hex digits).
    pub source: String,
    pub hash: String,
    /// Every version of a corrected disclosure.
    pub versions: Vec<Revision>,
}

/// One version of a disclosure as the banner tells it.
pub struct Revision {
    pub number: usize,
    /// The release it first appeared in; `None` for the current, unreleased text.
    pub release: Option<String>,
    pub date: Option<String>,
    pub reason: Option<String>,
}

/// Adds the banner to every page of the edition `release` that the live site has corrected
/// (its source changed since) or no longer has. `files` are that edition's, below its root.
pub fn add(files: &mut [Output], release: &Release, order: &[&str], current: &[Current], lang: Lang) {
    for (i, bytes) in with_banner(files, release, order, current, lang) {
        files[i].1 = bytes;
    }
}

/// The pages of `files` (the edition `release`, below its root) that carry a banner, by
/// index, with the banner in the site's script `lang`: the others are served as stored.
pub fn with_banner(
    files: &[Output],
    release: &Release,
    order: &[&str],
    current: &[Current],
    lang: Lang,
) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    let by_path: std::collections::BTreeMap<&str, &Current> = current
        .iter()
        .flat_map(|c| {
            std::iter::once(c.path.as_str())
                .chain(c.old_paths.iter().map(String::as_str))
                .map(move |p| (p, c))
        })
        .collect();
    for (i, (path, bytes)) in files.iter().enumerate() {
        let Some(page) = path.strip_suffix("index.html") else { continue };
        if is_redirect(bytes) {
            continue;
        }
        let note = match by_path.get(page) {
            Some(c) => match release.sources.get(&c.source) {
                Some(h) if !h.starts_with(&c.hash) => Some(corrected(release, order, c)),
                _ => None,
            },
            None if is_content_page(page, bytes) => Some(Note { text: removed_text(release), link: None }),
            None => None,
        };
        if let Some(note) = note {
            let depth = 2 + page.split('/').filter(|s| !s.is_empty()).count();
            let banner = note.html(&"../".repeat(depth));
            // the banner is the live site's word on the page, in the live site's script
            let banner = match lang {
                Lang::Hant => zhconv::zhconv(&banner, zhconv::Variant::ZhHant)
                    .replace("lang=\"zh-CN\"", "lang=\"zh-Hant\""),
                Lang::Hans => banner,
            };
            out.push((i, insert(bytes, &banner)));
        }
    }
    out
}

struct Note {
    text: String,
    link: Option<String>,
}

impl Note {
    fn html(&self, root: &str) -> String {
        let link = match &self.link {
            Some(path) => format!(
                " <a href=\"{root}{}\" style=\"color:#fff;font-weight:bold;text-decoration:underline\">查看现行版本</a>",
                escape_html(path)
            ),
            None => format!(" <a href=\"{root}\" style=\"color:#fff;text-decoration:underline\">前往现行网站</a>"),
        };
        // inline styles: the edition's own style sheet is the old one and knows no banner
        format!(
            "{START}<div class=\"archive-banner\" role=\"note\" lang=\"zh-CN\" style=\"background:#7a0c10;color:#fff;padding:.6rem 1rem;line-height:1.7;font-size:1rem\">{}{link}</div>{END}",
            self.text
        )
    }
}

fn edition_intro(release: &Release) -> String {
    let date =
        crate::text::parse_date(&release.date).map(format_date_zh).unwrap_or_else(|_| release.date.clone());
    format!(
        "<strong>历史版本</strong>：这是{}版（{date}发布）中原样保存的页面。",
        escape_html(&release.version)
    )
}

fn removed_text(release: &Release) -> String {
    format!("{}此页此后已从现行网站撤下，内容仅供查考。", edition_intro(release))
}

/// The corrections made after this edition, each with its own date and reason.
fn corrected(release: &Release, order: &[&str], c: &Current) -> Note {
    let rank = |v: &str| order.iter().position(|o| *o == v);
    let this = rank(&release.version);
    let later: Vec<String> = c
        .versions
        .iter()
        .filter(|v| v.release.as_deref().is_none_or(|r| rank(r) > this))
        .filter(|v| v.number > 1)
        .map(|v| {
            let (n, date, reason) = (v.number, &v.date, &v.reason);
            let date = date
                .as_deref()
                .and_then(|d| crate::text::parse_date(d).ok())
                .map(|d| format!("（{}）", format_date_zh(d)))
                .unwrap_or_default();
            let reason = reason.as_deref().map(|r| format!("：{}", escape_html(r))).unwrap_or_default();
            format!("第{n}版{date}{reason}")
        })
        .collect();
    let text = if later.is_empty() {
        format!("{}此页此后已修改，以现行版本为准。", edition_intro(release))
    } else {
        format!("{}此页此后已更正，以现行版本为准。{}。", edition_intro(release), later.join("；"))
    };
    Note { text, link: Some(c.path.clone()) }
}

/// A case, disclosure or review page of the edition (`cases/NAME/`, or a case's
/// `cases/YEAR/NAME/`), not a listing nor the redirect at a case's old address.
fn is_content_page(page: &str, bytes: &[u8]) -> bool {
    let parts: Vec<&str> = page.trim_end_matches('/').split('/').collect();
    let listing = ["page", "categories", "orgs", "years", "open"];
    let year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    let shape = match parts.as_slice() {
        [kind, name] => ["cases", "disclosures", "reviews"].contains(kind) && !listing.contains(name),
        ["cases", y, _] => year(y),
        _ => false,
    };
    shape && String::from_utf8_lossy(bytes).contains("<article class=\"")
}

/// The page at an old address, which only sends the reader on: it carries no banner.
fn is_redirect(bytes: &[u8]) -> bool {
    const MARK: &[u8] = b"<article class=\"moved\"";
    bytes.windows(MARK.len()).any(|w| w == MARK)
}

/// Puts `banner` right after the opening `<body…>` tag.
fn insert(bytes: &[u8], banner: &str) -> Vec<u8> {
    let Some(at) = body_end(bytes) else { return bytes.to_vec() };
    let mut out = Vec::with_capacity(bytes.len() + banner.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(banner.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    out
}

fn body_end(bytes: &[u8]) -> Option<usize> {
    let start = bytes.windows(5).position(|w| w == b"<body")?;
    Some(start + bytes[start..].iter().position(|&b| b == b'>')? + 1)
}

/// The page as the edition stored it: the banner, if one stands right after `<body…>`, taken
/// out. Anything else is left as it is, so a banner elsewhere still fails the check.
pub fn strip(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Some(at) = body_end(bytes) else { return bytes.into() };
    let rest = &bytes[at..];
    if !rest.starts_with(START.as_bytes()) {
        return bytes.into();
    }
    let Some(end) = rest.windows(END.len()).position(|w| w == END.as_bytes()) else { return bytes.into() };
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(&rest[end + END.len()..]);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    // found by a second hostile review: a traditional site's archived pages got a simplified
    // banner; the site's script decides, not the stored page's, which an older gongkai wrote
    // as its own
    #[test]
    fn the_banner_speaks_the_page_s_script() {
        let release = Release {
            format: 2,
            version: "2024".into(),
            date: "2024-12-31".into(),
            as_of: "2024-12-31".into(),
            note: String::new(),
            generator: "gongkai test".into(),
            previous: None,
            sources_root: None,
            sources: [("content/a.md".to_string(), "ffffffffffff0000".to_string())].into(),
            outputs: Default::default(),
        };
        let current = [Current {
            path: "a/".into(),
            old_paths: Vec::new(),
            source: "content/a.md".into(),
            hash: "0123456789ab".into(),
            versions: Vec::new(),
        }];
        let page = "<!DOCTYPE html><html lang=\"zh-Hant\"><body><main>正文</main></body></html>";
        for (lang, wanted, unwanted) in
            [(Lang::Hant, "歷史版本", "历史版本"), (Lang::Hans, "历史版本", "歷史版本")]
        {
            let files = vec![("a/index.html".to_string(), page.as_bytes().to_vec())];
            let found = with_banner(&files, &release, &["2024"], &current, lang);
            let html = String::from_utf8(found[0].1.clone()).unwrap();
            assert!(html.contains(wanted) && !html.contains(unwanted), "{html}");
        }
    }

    #[test]
    fn the_banner_goes_in_after_body_and_comes_out_whole() {
        let page = b"<html><body class=\"x\"><main>28</main></body></html>".to_vec();
        let with = insert(&page, &Note { text: "已更正".into(), link: Some("a/".into()) }.html("../../"));
        assert!(String::from_utf8_lossy(&with).contains("<body class=\"x\"><!--gongkai:banner--><div"));
        assert_eq!(strip(&with).as_ref(), page.as_slice());
        assert_eq!(strip(&page).as_ref(), page.as_slice());
    }
}
