//! The address of a case: `cases/YEAR/SLUG/`, the year of its date and a short ASCII slug. The
//! slug is the front matter's `slug` when given, or else made from the title, each Han
//! character as its toneless pinyin (`用制度规范发展党员工作` → `yong-zhi-du-gui-fan-fa-zhan-dang`).
//! The addresses the file had before (`cases/FILE-STEM/`, or `cases/SLUG/` for a file with a
//! slug) are kept as `old_paths`, where small redirect pages stand, so links to them keep
//! working.
//!
//! A slug made from a title follows the title: [`assign`] keeps two of them apart by a
//! deterministic tie-break, and the importers and `gongkai new` write the slug into the file so
//! that the address stays put when the title is later corrected.

use super::{case::CaseExtra, Extra, Kind, Page};
use crate::Diagnostic;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// A slug made from a title stops after this many words (a pinyin syllable or a run of Latin
/// letters and digits) …
pub const MAX_WORDS: usize = 8;
/// … or before it would grow past this many characters.
pub const MAX_CHARS: usize = 40;
/// A run of more digits than this is left out of a slug made from a title: a year or a number
/// of articles stays, anything as long as part of a phone or ID number never reaches an address.
const MAX_DIGITS: usize = 4;

/// The URL path of a case dated `date` with slug `slug`.
pub fn case_path(date: NaiveDate, slug: &str) -> String {
    format!("cases/{}/{slug}/", date.year())
}

/// A short ASCII slug of `text`: Han characters as toneless pinyin, Latin letters and digits
/// kept (lower case, full-width forms folded), everything else a separator between words.
/// With `limit`, at most [`MAX_WORDS`] words and [`MAX_CHARS`] characters, and without digit
/// runs longer than four; without it (a `slug` written by hand), every word is kept.
pub fn ascii_slug(text: &str, limit: bool) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut words: Vec<String> = Vec::new();
    let mut latin = String::new();
    let flush = |latin: &mut String, words: &mut Vec<String>| {
        let word = if limit { without_long_numbers(latin) } else { latin.clone() };
        if !word.is_empty() {
            words.push(word);
        }
        latin.clear();
    };
    for c in text.nfkc() {
        if c.is_ascii_alphanumeric() {
            latin.push(c.to_ascii_lowercase());
            continue;
        }
        flush(&mut latin, &mut words);
        if let Some(p) = syllable(c) {
            words.push(p);
        }
    }
    flush(&mut latin, &mut words);
    if !limit {
        return words.join("-");
    }
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        let grown = out.len() + usize::from(!out.is_empty()) + word.len();
        if i == MAX_WORDS || (grown > MAX_CHARS && !out.is_empty()) {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out.truncate(MAX_CHARS);
    out.trim_end_matches('-').to_string()
}

/// `word` without its runs of more than [`MAX_DIGITS`] digits (`tel13812345678` → `tel`).
fn without_long_numbers(word: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in word.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if run.len() <= MAX_DIGITS {
            out.push_str(&run);
        }
        run.clear();
        if c != ' ' {
            out.push(c);
        }
    }
    out
}

/// The toneless pinyin of one Han character, in either script, in ASCII (ü written v, as a
/// keyboard types it: 绿 → lv); `None` for anything else.
fn syllable(c: char) -> Option<String> {
    use pinyin::ToPinyin;
    let ascii = |p: pinyin::Pinyin| -> String {
        p.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }).filter(char::is_ascii_lowercase).collect()
    };
    if let Some(p) = c.to_pinyin() {
        return Some(ascii(p)).filter(|s| !s.is_empty());
    }
    // a rare traditional form the table lacks may have a simplified one it has
    let simplified = zhconv::zhconv(&c.to_string(), zhconv::Variant::ZhHans);
    let s = simplified.chars().next().filter(|&s| s != c)?;
    s.to_pinyin().map(ascii).filter(|s| !s.is_empty())
}

/// The slug of a case and whether its file gave it (`slug = "…"`), or why there is none.
pub fn case_slug(slug: Option<&str>, title: &str, stem: &str) -> Result<(String, bool), String> {
    match slug {
        Some(given) => {
            let s = ascii_slug(given, false);
            if s.is_empty() {
                Err(crate::t!(
                    "the slug `{given}` has no letter, digit or Chinese character for an address",
                    "slug `{given}` 中没有可用作网址的字母、数字或汉字"
                ))
            } else {
                Ok((s, true))
            }
        }
        None => {
            let s = ascii_slug(title, true);
            // a title of punctuation alone: the file's name still gives an address
            let s = if s.is_empty() { ascii_slug(stem, true) } else { s };
            if s.is_empty() {
                Err(crate::t!(
                    "neither the title nor the file's name gives a web address",
                    "标题和文件名都不能生成网址"
                ))
            } else {
                Ok((s, false))
            }
        }
    }
}

/// The privacy guard over a slug made from a title: the title itself passed, but a figure
/// excused there by its neighbours (`13812345678元`, `订单号…`) would stand bare in the address.
pub fn slug_problems(page: &Page, title_line: usize) -> Vec<Diagnostic> {
    let Extra::Case(c) = &page.extra else { return Vec::new() };
    if c.slug_given {
        return Vec::new();
    }
    let slug = page.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    crate::privacy::check_value(&page.source, title_line, slug, &Default::default())
        .into_iter()
        .map(|d| Diagnostic {
            message: format!("the web address made from the title would carry a number: {}", d.message),
            hint: Some("give the case its own address with `slug = \"…\"` (letters, no such number)".into()),
            ..d
        })
        .collect()
}

/// A key whose byte order is `Path`'s order (component by component): each component's bytes
/// followed by a zero byte, which no component holds and which sorts below every other byte,
/// so `a/b` comes before `a-b` as `Path::cmp` has it. Comparing keys is a `memcmp`; comparing
/// paths walks their components every time, and sorting every page's source so was a tenth of
/// a `serve` edit at 10,000 pages.
pub fn path_order(path: &std::path::Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 4);
    for component in path.components() {
        key.extend_from_slice(component.as_os_str().as_encoded_bytes());
        key.push(0);
    }
    key
}

/// Keeps the addresses of cases whose slug was made from the title apart: the cases go in
/// order, public before party-only (so that no party-only case moves a public one and the two
/// editions agree), slugs given by hand before made ones, then by date and file; a made
/// address already taken gets `-2`, `-3`…
pub fn assign(pages: &mut [Page]) {
    let mut order: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].kind == Kind::Case).collect();
    let made = |p: &Page| matches!(&p.extra, Extra::Case(c) if !c.slug_given);
    // in `Path`'s order of the files, through keys made once: this runs on every edit under
    // `serve`, and comparing the paths themselves walked their components each time
    order.sort_by_cached_key(|&i| {
        let p = &pages[i];
        (p.audience(), made(p), p.date, path_order(&p.source))
    });
    let mut taken: BTreeSet<String> =
        pages.iter().filter(|p| p.kind != Kind::Case).map(|p| p.path.clone()).collect();
    for i in order {
        let page = &mut pages[i];
        if let Extra::Case(CaseExtra { made_path: Some(base), .. }) = &page.extra {
            // serve resolves the same pages again: each starts from its own address
            page.path = base.clone();
        }
        if made(page) && taken.contains(&page.path) {
            let base = page.path.trim_end_matches('/').to_string();
            let free = (2..).map(|n| format!("{base}-{n}/")).find(|p| !taken.contains(p));
            page.path = free.expect("an unbounded range finds a free name");
        }
        taken.insert(page.path.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_order_keys_sort_as_paths_do() {
        let mut paths: Vec<std::path::PathBuf> = [
            "content/cases/a.md",
            "content/cases/a-b.md",
            "content/cases/a/b.md",
            "content/cases/a.b/c.md",
            "content/cases/a/b/c.md",
            "content/cases/ab.md",
            "content/cases/A.md",
            "content/cases/案例.md",
            "content/cases/2020/x.md",
            "content/cases/2020-x.md",
            "content/cases/2020.md",
            "content/b.md",
            "content/cases.md",
            "content/cases/a",
            "releases/v1/content/cases/a.md",
            "content/cases/ä.md",
        ]
        .iter()
        .map(std::path::PathBuf::from)
        .collect();
        let mut by_key = paths.clone();
        paths.sort();
        by_key.sort_by_cached_key(|p| path_order(p));
        assert_eq!(by_key, paths);
    }

    #[test]
    fn titles_become_short_pinyin_slugs() {
        assert_eq!(ascii_slug("科级干部个人事项报告实现全覆盖", true), "ke-ji-gan-bu-ge-ren-shi-xiang");
        // traditional script reads the same
        assert_eq!(ascii_slug("科級幹部個人事項報告", true), "ke-ji-gan-bu-ge-ren-shi-xiang");
        assert_eq!(ascii_slug("“四模式”创新党组织设置", true), "si-mo-shi-chuang-xin-dang-zu-zhi");
        assert_eq!(ascii_slug("2024年App办理", true), "2024-nian-app-ban-li");
        assert_eq!(ascii_slug("ＡＢＣ１２", true), "abc12");
        assert_eq!(ascii_slug("c03的亮点", true), "c03-de-liang-dian");
        assert!(ascii_slug(&"很".repeat(50), true).len() <= MAX_CHARS);
        assert_eq!(ascii_slug("“”！？", true), "");
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_a_short_ascii_slug_or_none(text in "\\PC{0,120}") {
            for limit in [true, false] {
                let s = ascii_slug(&text, limit);
                proptest::prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", s);
                proptest::prop_assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{}", s);
                proptest::prop_assert!(!limit || s.len() <= MAX_CHARS, "{}", s);
            }
        }
    }

    #[test]
    fn long_digit_runs_stay_out_of_made_slugs() {
        assert_eq!(ascii_slug("订单号13812345678元", true), "ding-dan-hao-yuan");
        assert_eq!(ascii_slug("第138期", true), "di-138-qi");
        assert_eq!(ascii_slug("tel13812345678号", true), "tel-hao");
        assert_eq!(ascii_slug("绿色女性", true), "lv-se-nv-xing");
        // a slug written by hand is taken as written; the guard checks it as front matter
        assert_eq!(ascii_slug("Linfen 2017", false), "linfen-2017");
    }

    #[test]
    fn every_slug_is_ascii() {
        let long = "绿".repeat(30);
        for title in
            ["用“一制度三辦法一手冊”規范發展黨員工作", "Ελληνικά", "①②③", "㐀㐁", "a\u{0}b", "绿女略", &long]
        {
            let s = ascii_slug(title, true);
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{s}");
            assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s}");
        }
    }
}
