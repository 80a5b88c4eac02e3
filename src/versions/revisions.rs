//! The revision rule for disclosures: once a disclosure is in a release its text may change
//! only with a new `[[revisions]]` entry (date and reason), and every earlier version stays
//! readable, with the difference between consecutive versions.

use super::History;
use crate::audience::Audience;
use crate::content::{Extra, Page};
use crate::Diagnostic;
use serde::Serialize;

/// One version of a disclosure, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// 1-based: 第N版.
    pub number: usize,
    /// The release it was first published in, or `None` for the current unreleased text.
    pub release: Option<String>,
    pub date: Option<String>,
    /// Why this version replaced the one before it (from `[[revisions]]`).
    pub reason: Option<String>,
    /// The source text of this version.
    #[serde(skip)]
    pub source: String,
    /// SHA-256 of the source, first 12 hex digits: printed on the board copy.
    pub hash: String,
    /// The version's body as HTML, and what changed from the version before.
    pub html: String,
    pub diff: Option<String>,
    #[serde(skip)]
    pub text: String,
}

/// Distinct texts of `path` across releases, then the current text if it differs.
pub fn versions(history: &History, path: &str, current: &str) -> anyhow::Result<Vec<Version>> {
    let mut out: Vec<Version> = Vec::new();
    for (release, text) in history.texts_of(path)? {
        if out.last().is_some_and(|v| v.source == text) {
            continue;
        }
        out.push(version(out.len() + 1, Some(release), text));
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
    }
}

/// Renders a version's source: its body HTML, its text (title and body) for the diff, and the
/// audience it was for.
pub type RenderVersion<'a> = dyn Fn(&Page, &str) -> Option<(String, String, Audience)> + 'a;

/// Checks the rule for every disclosure and gives each its versions, reasons attached. A build
/// for `audience` shows only the versions that were for that audience when released: a notice
/// first released party-only and later made public starts its public history at the public
/// version, and the party-only text is in the party edition alone.
pub fn apply(
    history: &History,
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
        let mut list = match versions(history, &path, &current) {
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
            let t = crate::render::i18n::strings(page.lang);
            let mut shown = Vec::with_capacity(list.len());
            for mut v in list {
                // a version this gongkai cannot read has no known audience: it is not shown
                if let Some((html, text, was_for)) = render(page, &v.source) {
                    if was_for <= audience {
                        (v.html, v.text) = (html, text);
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
