//! The revision rule for disclosures: once a disclosure is in a release its text may change
//! only with a new `[[revisions]]` entry (date and reason), and every earlier version stays
//! readable, with the difference between consecutive versions.

use crate::audience::Audience;
use crate::content::disclosure::Version;
use crate::content::{Extra, Page};
use crate::Diagnostic;

/// The text of a source path in each release that has it, as (version, date) and text, oldest
/// first; read from the release store by whoever wires the stages, so resolve reads no files.
pub type Released<'a> = dyn Fn(&str) -> anyhow::Result<Vec<((String, String), String)>> + 'a;

/// Distinct texts of `path` across releases, then the current text if it differs.
pub fn versions(released: &Released, path: &str, current: &str) -> anyhow::Result<Vec<Version>> {
    let mut out: Vec<Version> = Vec::new();
    for ((version_name, date), text) in released(path)? {
        if out.last().is_some_and(|v| v.source == text) {
            continue;
        }
        out.push(version(out.len() + 1, Some((&version_name, &date)), text));
    }
    if out.last().is_none_or(|v| v.source != current) {
        out.push(version(out.len() + 1, None, current.to_string()));
    }
    Ok(out)
}

fn version(number: usize, release: Option<(&str, &str)>, text: String) -> Version {
    Version {
        number,
        release: release.map(|(v, _)| v.to_string()),
        date: release.map(|(_, d)| d.to_string()),
        reason: None,
        hash: crate::digest::sha256(text.as_bytes())[..12].to_string(),
        source: text,
        html: String::new(),
        diff: None,
        text: String::new(),
        shortcodes: Vec::new(),
    }
}

/// A version's source parsed and resolved as the current text is.
pub struct Rendered {
    /// The body HTML, blocks still placeholders.
    pub html: String,
    /// The title and body blocks, which the diff compares.
    pub text: String,
    /// The audience it was for.
    pub audience: Audience,
    /// Its shortcode calls, whose blocks render draws.
    pub shortcodes: Vec<crate::content::shortcodes::Call>,
}

/// Renders a version's source with its ids after the given prefix, or `None` when this
/// gongkai cannot read it.
pub type RenderVersion<'a> = dyn Fn(&Page, &str, &str) -> Option<Rendered> + 'a;

/// Checks the rule for every disclosure and gives each its versions, reasons attached. A build
/// for `audience` shows only the versions that were for that audience when released: a notice
/// first released party-only and later made public starts its public history at the public
/// version, and the party-only text is in the party edition alone.
pub fn apply(
    released: &Released,
    audience: Audience,
    pages: &mut [Page],
    sources: &dyn Fn(&Page) -> Option<String>,
    render: &RenderVersion,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for page in pages.iter_mut() {
        let Some(current) = sources(page) else { continue };
        let Extra::Disclosure(d) = &page.extra else { continue };
        let path = page.source.to_string_lossy().replace('\\', "/");
        let mut list = match versions(released, &path, &current) {
            Ok(list) => list,
            Err(e) => {
                errors.push(Diagnostic::new(&page.source, 0, crate::locale::error_chain(&e)).with_hint(t!(
                    "the revision rule needs every released text of this disclosure",
                    "检查修订需要这条党务公开每次发布时的全文"
                )));
                continue;
            }
        };
        let released = list.iter().filter(|v| v.release.is_some()).count();
        let changed_since_release = released > 0 && list.last().is_some_and(|v| v.release.is_none());
        // revisions[k] explains version k + 2 (version 1 needs no reason)
        if changed_since_release && d.revisions.len() < list.len() - 1 {
            let last = list[list.len() - 2].release.clone().unwrap_or_default();
            errors.push(
                Diagnostic::new(
                    &page.source,
                    page.revisions_line,
                    t!(
                        "this disclosure differs from release {last}, but no revision says why",
                        "这条党务公开与版本 {last} 中的不同，但没有修订记录说明原因"
                    ),
                )
                .with_hint(t!(
                    "a published disclosure is a public record: add [[revisions]] with date = 2024-10-12 and reason = \"…\" (what was corrected and why)",
                    "已发布的党务公开是公开记录：请加上 [[revisions]]，写 date = 2024-10-12 和 reason = \"…\"（改了什么、为什么改）"
                )),
            );
            continue;
        }
        for (v, r) in list.iter_mut().skip(1).zip(&d.revisions) {
            v.reason = Some(r.reason.clone());
            // the day the correction was made, which readers are told; a release only carried it
            v.date = Some(r.date.to_string());
        }
        if list.len() > 1 {
            let t = crate::i18n::strings(page.lang);
            let mut shown = Vec::with_capacity(list.len());
            for mut v in list {
                // a version this gongkai cannot read has no known audience: it is not shown
                // each version's full text stands on the page beside the body: its ids (headings,
                // footnotes) and the links to them are its own (a hostile review found every
                // heading of an unchanged section twice)
                let ids = format!("version-{}-", shown.len() + 1);
                if let Some(r) = render(page, &v.source, &ids) {
                    if r.audience <= audience {
                        (v.html, v.text, v.shortcodes) = (r.html, r.text, r.shortcodes);
                        shown.push(v);
                    }
                }
            }
            if let Some(first) = shown.first_mut() {
                first.reason = None;
            }
            for (i, v) in shown.iter_mut().enumerate() {
                v.number = i + 1;
            }
            for i in 1..shown.len() {
                shown[i].diff = Some(super::diff::diff_html(&shown[i - 1].text, &shown[i].text, t));
            }
            list = if shown.len() > 1 { shown } else { Vec::new() };
        }
        if let Extra::Disclosure(d) = &mut page.extra {
            d.versions = list;
        }
    }
    errors
}
