//! Small serialisable views of pages for the templates. Tera copies what it is given, so each
//! template gets the page it shows and the cards it lists, never the whole site.

use super::i18n;
use crate::content::disclosure::{DisclosureExtra, Version};
use crate::content::markdown::Heading;
use crate::content::{Extra, Kind, Page};
use crate::text::{format_date_zh, reading_minutes, slugify};
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
pub struct Link {
    pub name: String,
    /// Path below the site root, ending in `/`.
    pub path: String,
}

#[derive(Serialize)]
pub struct CaseView<'a> {
    pub publisher: &'a str,
    pub publisher_path: String,
    pub commentary: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
pub struct ReviewView<'a> {
    pub subtitle: Option<&'a str>,
    pub year: Option<i32>,
}

#[derive(Serialize)]
pub struct DisclosureView<'a> {
    pub org: &'a str,
    pub org_path: String,
    pub category: &'static str,
    pub category_label: Cow<'static, str>,
    pub period: Option<String>,
    pub published: String,
    pub notice_from: Option<String>,
    pub notice_to: Option<String>,
    /// The window as YYYY-MM-DD, for the script that says 公示中 or 已结束 on the reader's day.
    pub notice_from_iso: Option<String>,
    pub notice_to_iso: Option<String>,
    pub status: Option<&'static str>,
    pub status_label: Option<Cow<'static, str>>,
    pub contact: Option<&'a str>,
    pub audience: &'static str,
    pub audience_label: Cow<'static, str>,
    /// 第N版, and every version when there was more than one.
    pub version: usize,
    pub versions: Cow<'a, [Version]>,
    /// The 审核/审批 steps, dates written in Chinese.
    pub approval: Vec<(Cow<'static, str>, &'a str, String)>,
}

/// Whether `page` is a notice whose window is open on `as_of` (the home page's 正在公示).
pub fn is_open(page: &Page, as_of: NaiveDate) -> bool {
    match &page.extra {
        Extra::Disclosure(d) => d.status(as_of) == Some(crate::content::disclosure::NoticeStatus::Open),
        _ => false,
    }
}

impl<'a> DisclosureView<'a> {
    /// `lang`: the script of the labels (the listing's, or the page's own).
    pub fn new(d: &'a DisclosureExtra, as_of: NaiveDate, lang: crate::text::Lang) -> Self {
        let script = |label: &'static str| i18n::in_script(label, lang);
        let status = d.status(as_of);
        DisclosureView {
            org: &d.org,
            org_path: format!("publishers/{}/", slugify(&d.org)),
            category: d.category.key(),
            category_label: script(d.category.label()),
            period: d.period.map(|p| p.label()),
            published: format_date_zh(d.published),
            notice_from: d.notice.map(|(a, _)| format_date_zh(a)),
            notice_to: d.notice.map(|(_, b)| format_date_zh(b)),
            notice_from_iso: d.notice.map(|(a, _)| a.to_string()),
            notice_to_iso: d.notice.map(|(_, b)| b.to_string()),
            status: status.map(|s| match s {
                crate::content::disclosure::NoticeStatus::Upcoming => "upcoming",
                crate::content::disclosure::NoticeStatus::Open => "open",
                crate::content::disclosure::NoticeStatus::Closed => "closed",
            }),
            status_label: status.map(|s| script(s.label())),
            contact: d.contact.as_deref(),
            audience: match d.audience {
                crate::content::disclosure::Audience::Public => "public",
                crate::content::disclosure::Audience::Party => "party",
            },
            audience_label: script(d.audience.label()),
            version: d.versions.len().max(1),
            versions: Cow::Borrowed(if d.versions.len() > 1 { &d.versions } else { &[] }),
            approval: d
                .approval
                .iter()
                .flat_map(|a| &a.steps)
                .map(|s| (script(s.label), s.by.as_str(), format_date_zh(s.date)))
                .collect(),
        }
    }
}

/// A page in a listing.
#[derive(Serialize)]
pub struct Card<'a> {
    pub kind: Kind,
    pub kind_label: &'a str,
    pub title: &'a str,
    pub path: &'a str,
    pub date: Option<String>,
    pub date_zh: Option<String>,
    pub summary: &'a str,
    pub lang: &'static str,
    pub byline: Option<&'a str>,
    pub disclosure: Option<DisclosureView<'a>>,
}

impl<'a> Card<'a> {
    /// `t` is the site's UI strings, for the kind's label, and `lang` their script.
    pub fn new(page: &'a Page, as_of: NaiveDate, t: &'a i18n::Strings, lang: crate::text::Lang) -> Self {
        let kind_label = t[page.kind.key()].as_str();
        let (byline, disclosure) = match &page.extra {
            Extra::Case(c) => (Some(c.publisher.as_str()), None),
            Extra::Disclosure(d) => (Some(d.org.as_str()), Some(DisclosureView::new(d, as_of, lang))),
            _ => (None, None),
        };
        Card {
            kind: page.kind,
            kind_label,
            title: &page.title,
            path: &page.path,
            date: page.date.map(|d| d.to_string()),
            date_zh: page.date.map(format_date_zh),
            summary: &page.summary,
            lang: page.lang.code(),
            byline,
            disclosure,
        }
    }
}

impl Card<'_> {
    /// What [`Card::new`] shows of `page`, as a fingerprint: it reads the fields `new` reads
    /// (the kind's label and the site's script are the site's, in every job's salt; the date
    /// of the build is in every job's too). A disclosure's card shows its window and status,
    /// which follow from all of its text: its fingerprint is the text's.
    pub fn fingerprint(page: &Page) -> super::Fingerprint {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        part(page.path.as_bytes());
        part(&[page.kind as u8]);
        match &page.extra {
            Extra::Disclosure(_) => part(page.hash.as_bytes()),
            extra => {
                part(page.title.as_bytes());
                part(page.date.map(|d| d.to_string()).unwrap_or_default().as_bytes());
                part(page.summary.as_bytes());
                part(page.lang.code().as_bytes());
                let byline = match extra {
                    Extra::Case(c) => Some(c.publisher.as_str()),
                    _ => None,
                };
                part(byline.unwrap_or("\0none").as_bytes());
            }
        }
        h.finalize().into()
    }
}

/// One page with everything its template shows.
#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub card: Card<'a>,
    /// The body, its blocks drawn (see [`PageView::with_blocks`]).
    pub content: Cow<'a, str>,
    pub headings: &'a [Heading],
    pub tags: Vec<Link>,
    pub region: Vec<Link>,
    pub year: Option<Link>,
    pub authors: &'a [String],
    pub origin: Option<&'a str>,
    pub chars: usize,
    pub reading_minutes: usize,
    pub hash: &'a str,
    pub case: Option<CaseView<'a>>,
    pub review: Option<ReviewView<'a>>,
    /// UI strings in the page's own script, for the labels inside the article.
    pub t: &'static i18n::Strings,
}

impl<'a> PageView<'a> {
    /// The view of `page`, whose body HTML and commentary's (read from the run's store) are
    /// `content` and `commentary`.
    pub fn new(
        page: &'a Page,
        as_of: NaiveDate,
        content: Cow<'a, str>,
        commentary: Option<Cow<'a, str>>,
    ) -> Self {
        let region = (1..=page.region.len())
            .map(|n| Link {
                name: page.region[n - 1].clone(),
                path: format!(
                    "regions/{}/",
                    page.region[..n].iter().map(|r| slugify(r)).collect::<Vec<_>>().join("/")
                ),
            })
            .collect();
        let (case, review) = match &page.extra {
            Extra::Case(c) => (
                Some(CaseView {
                    publisher: &c.publisher,
                    publisher_path: format!("publishers/{}/", slugify(&c.publisher)),
                    commentary,
                }),
                None,
            ),
            Extra::Review(r) => (None, Some(ReviewView { subtitle: r.subtitle.as_deref(), year: r.year })),
            _ => (None, None),
        };
        // the page's own labels (its kind's name too) are in the page's script, not the site's
        let t = i18n::strings(page.lang);
        PageView {
            card: Card::new(page, as_of, t, page.lang),
            content,
            headings: &page.body.headings,
            tags: page
                .tags
                .iter()
                .map(|t| Link { name: t.clone(), path: format!("tags/{}/", slugify(t)) })
                .collect(),
            region,
            year: page.year().map(|y| Link { name: format!("{y}年"), path: format!("years/{y}/") }),
            authors: &page.authors,
            origin: page.origin.as_deref().filter(|o| for_readers(o)),
            chars: page.chars,
            reading_minutes: reading_minutes(page.chars),
            hash: &page.hash,
            case,
            review,
            t: i18n::strings(page.lang),
        }
    }

    /// The view with the shortcode blocks of the body, and of each earlier version, drawn.
    pub fn with_blocks(mut self, page: &'a Page, drawer: super::shortcodes::Drawer) -> anyhow::Result<Self> {
        if let Cow::Owned(filled) = drawer.fill(&self.content, &page.shortcodes, &page.source, page.lang)? {
            self.content = Cow::Owned(filled);
        }
        if let Some(d) = &mut self.card.disclosure {
            if d.versions.iter().any(|v| v.shortcodes.iter().any(|c| c.is_block())) {
                let mut versions = d.versions.to_vec();
                for v in &mut versions {
                    v.html = drawer.fill(&v.html, &v.shortcodes, &page.source, page.lang)?.into_owned();
                }
                d.versions = Cow::Owned(versions);
            }
        }
        Ok(self)
    }
}

/// Whether a `source` line means something to a reader: an importer's note such as
/// `seeds/000_3b1f.txt 第1条` names a file on the editor's disk, and is kept out of the page.
fn for_readers(origin: &str) -> bool {
    !origin.split_whitespace().any(|word| {
        let ext = word.rsplit_once('.').map(|(stem, ext)| {
            !stem.is_empty() && (1..=4).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
        });
        word.contains('/') || word.contains('\\') || ext == Some(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The card's fingerprint changes exactly when the card does: a body edit below the
    /// summary leaves both alone, and each field a card shows changes both.
    #[test]
    fn a_cards_fingerprint_follows_what_the_card_shows() {
        let calendar = crate::config::Calendar::default();
        let body: String = "长".repeat(400);
        let page = |title: &str, publisher: &str, date: &str, lang: &str, first: &str, later: &str| {
            let text = format!(
                "+++\ntitle = \"{title}\"\npublisher = \"{publisher}\"\ndate = {date}\nlang = \"{lang}\"\n+++\n\n{first}{body}\n\n{later}\n"
            );
            let ctx = crate::content::ParseContext::new(&calendar);
            let mut page =
                crate::content::parse(std::path::Path::new("content/cases/a.md"), &text, ctx).unwrap();
            page.hash = crate::digest::sha256(text.as_bytes());
            page
        };
        let t = i18n::strings(crate::text::Lang::Hans);
        let as_of = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let shown =
            |p: &Page| serde_json::to_string(&Card::new(p, as_of, t, crate::text::Lang::Hans)).unwrap();
        let base = page("标题", "某县", "2024-06-01", "zh-Hans", "开头", "结尾");
        let later = page("标题", "某县", "2024-06-01", "zh-Hans", "开头", "结尾改了");
        assert_ne!(base.hash, later.hash);
        assert_eq!((shown(&base), Card::fingerprint(&base)), (shown(&later), Card::fingerprint(&later)));
        for other in [
            page("标题二", "某县", "2024-06-01", "zh-Hans", "开头", "结尾"),
            page("标题", "某市", "2024-06-01", "zh-Hans", "开头", "结尾"),
            page("标题", "某县", "2024-06-02", "zh-Hans", "开头", "结尾"),
            page("标题", "某县", "2024-06-01", "zh-Hant", "开头", "结尾"),
            page("标题", "某县", "2024-06-01", "zh-Hans", "起首", "结尾"),
        ] {
            assert_ne!(shown(&base), shown(&other));
            assert_ne!(Card::fingerprint(&base), Card::fingerprint(&other), "{}", shown(&other));
        }
        let mut moved = page("标题", "某县", "2024-06-01", "zh-Hans", "开头", "结尾");
        moved.path = "cases/2024/b/".into();
        assert_ne!(Card::fingerprint(&base), Card::fingerprint(&moved));
    }

    #[test]
    fn file_names_are_not_a_source_for_readers() {
        assert!(!super::for_readers("seeds/000_3b1f6fa1e1b1437b.txt 第1条"));
        assert!(!super::for_readers("002_474f3c114e6c0acf.txt 第1条"));
        assert!(super::for_readers("虚构示例，不是真实的公开信息"));
        assert!(super::for_readers("《组织工作》2020年第3期"));
    }
}
