//! Chinese text rules shared by every stage: decoding files (`encoding`), dates, script
//! detection, slugs, summaries and reading time.

use anyhow::{anyhow, Result};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

mod encoding;
pub use encoding::{decode, decode_lossy, Accept, Decoded, Undecodable};

/// Reading speed used for reading time: characters of Chinese text per minute.
const CHARS_PER_MINUTE: usize = 400;
/// Summaries stop at the last sentence end within this many characters.
const SUMMARY_CHARS: usize = 120;

/// Escapes the five characters that matter in HTML and XML text and attributes. Tera's own
/// escaper also turns `/` into `&#x2F;`, which bloats every link on a page for no safety gain;
/// charts, diffs and templates all use this one.
///
/// Control characters are dropped: XML cannot carry them, so one would make the Atom feed
/// unreadable. Files holding them are refused when loaded ([`find_control`]); this catches
/// those written as escapes, such as `"\u0001"` in front matter.
pub fn escape_html(input: &str) -> String {
    // every character replaced or dropped is ASCII, and no byte of a longer UTF-8 sequence is
    // ASCII: the text is scanned byte by byte and copied in runs, every cut at a boundary
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut start = 0;
    for (i, &b) in input.as_bytes().iter().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b if is_forbidden_control(char::from(b)) => "",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(replacement);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// The candidate `wanted` was most likely meant to be, for a "did you mean" hint: one that
/// contains it or is contained in it (`党员总数` for `党员总数(名)`), else the closest by edit
/// distance, if close enough to help. One rule for keys, columns, rows, files and
/// organisations, so every hint behaves alike.
pub fn nearest<'a>(wanted: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return None;
    }
    let contains = candidates.iter().find(|c| !c.is_empty() && (c.contains(wanted) || wanted.contains(**c)));
    contains.copied().or_else(|| {
        candidates
            .iter()
            .map(|c| (strsim::normalized_damerau_levenshtein(wanted, c), *c))
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, c)| c)
    })
}

/// Whether `url` may become a live link: `http`, `https`, `mailto`, `tel`, or no scheme at all
/// (a relative path, `#anchor`, `?query`). Browsers ignore tabs, line breaks and leading
/// control characters in a URL and read the scheme without regard to case, so the check does
/// too: `JaVa\tScRiPt:` is `javascript:`.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            matches!(cleaned[..i].to_ascii_lowercase().as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// A C0 control character other than tab, line feed and carriage return: never meant in a
/// text, and not allowed in XML.
pub fn is_forbidden_control(c: char) -> bool {
    c < ' ' && !matches!(c, '\t' | '\n' | '\r')
}

/// The first forbidden control character in `text`, as (line, column, character), both
/// counted from 1, the column in characters.
pub fn find_control(text: &str) -> Option<(usize, usize, char)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let (column, c) = line.chars().enumerate().find(|(_, c)| is_forbidden_control(*c))?;
        Some((i + 1, column + 1, c))
    })
}

/// Parses `2020-12-01` (also `2020/12/1` and `2020年12月1日`). The year has four digits and
/// nothing but digits stands between the separators, so `-2024-05-01` is not read as a date in
/// 2024, and no date comes near the ends of the calendar where date arithmetic overflows.
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    date_parts(s.trim())
        .and_then(|[y, m, d]| {
            NaiveDate::from_ymd_opt(digits(y, 4..=4)?, digits(m, 1..=2)?, digits(d, 1..=2)?)
        })
        .ok_or_else(|| {
            anyhow!(t!(
                "`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2020-12-01",
                "`{s}` 不是日期，请按“年-月-日”写成 2020-12-01 这样的形式"
            ))
        })
}

/// The number written by `part`, when it is ASCII digits alone (no sign, no space) and as many
/// as `len` allows: what dates and periods are made of.
pub fn digits<T: std::str::FromStr>(part: &str, len: std::ops::RangeInclusive<usize>) -> Option<T> {
    let plain = len.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| part.parse().ok()).flatten()
}

/// Year, month and day of `2020-12-01`, `2020/12/01` or `2020年12月1日`, one separator throughout.
fn date_parts(t: &str) -> Option<[&str; 3]> {
    if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return Some([y, m, d]);
    }
    let sep = if t.contains('/') { '/' } else { '-' };
    let mut parts = t.split(sep);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d), None) => Some([y, m, d]),
        _ => None,
    }
}

/// `2020年12月1日`: Arabic numerals, no zero padding (GB/T 9704).
pub fn format_date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The script a page is written in, which sets `<html lang>`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, Default,
)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Hans,
    #[serde(rename = "zh-Hant")]
    Hant,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim() {
            "zh-CN" | "zh-Hans" | "zh-Hans-CN" | "zh" | "zh-SG" => Some(Lang::Hans),
            "zh-Hant" | "zh-TW" | "zh-HK" | "zh-MO" | "zh-Hant-TW" | "zh-Hant-HK" => Some(Lang::Hant),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Hans => "zh-CN",
            Lang::Hant => "zh-Hant",
        }
    }

    /// Guesses the script from a sample of the text; `None` when the text does not tell: no
    /// Chinese, or only characters both scripts write alike (案例, 正文). The caller then takes
    /// the site's language: such a page on a simplified site is not traditional.
    pub fn detect(text: &str) -> Option<Lang> {
        // A few hundred characters decide it, and keep detection cheap on long reviews.
        let sample: String = text.chars().filter(|c| is_han(*c)).take(600).collect();
        // NaN when no character is either script's own; one half when as many are each's
        let hans = zhconv::is_hans_confidence(&sample);
        match hans.partial_cmp(&0.5)? {
            std::cmp::Ordering::Greater => Some(Lang::Hans),
            std::cmp::Ordering::Less => Some(Lang::Hant),
            std::cmp::Ordering::Equal => None,
        }
    }
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// East Asian Wide or Fullwidth (CSS Text 3 segment-break rule); Hangul excluded.
pub fn is_wide(c: char) -> bool {
    let hangul = matches!(c as u32, 0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF);
    !hangul && unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// A URL segment from any text. Written by hand because the slug crates transliterate Han
/// characters to toneless pinyin, where different words collide (e.g. 党建 and 当见);
/// here letters of every script are kept, lowercased, and everything else becomes `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Counts what a reader reads: each Han character or other wide character, and each latin word.
pub fn count_chars(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        // most characters are Han: count them without the width and class tables
        if is_han(c) {
            n += 1;
            in_word = false;
        } else if is_wide(c) {
            if c.is_alphanumeric() {
                n += 1;
            }
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                n += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    n
}

/// Minutes to read `chars` characters, at least one.
pub fn reading_minutes(chars: usize) -> usize {
    chars.div_ceil(CHARS_PER_MINUTE).max(1)
}

/// The first ~120 characters of `text`, cut after the last sentence end (。！？) within them;
/// when no sentence ends that early, cut at the limit and mark the cut with an ellipsis.
pub fn summarize(text: &str) -> String {
    let text = text.trim();
    let mut last_end = None;
    let mut count = 0;
    for (i, c) in text.char_indices() {
        count += 1;
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            last_end = Some(i + c.len_utf8());
        }
        if count == SUMMARY_CHARS {
            let cut = i + c.len_utf8();
            if cut == text.len() {
                return text.to_string();
            }
            return match last_end {
                Some(end) => text[..end].to_string(),
                None => format!("{}……", &text[..cut]),
            };
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_mail_and_phone_links_are_safe() {
        for url in
            ["https://a.cn/x", "HTTP://a.cn", "mailto:a@b.cn", "tel:12345", "../a/", "#锚点", "?q=1", "a:b/c"]
        {
            assert_eq!(is_safe_url(url), !url.starts_with("a:"), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            " java\tscript:x",
            "\u{1}javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe_url(url), "{url}");
        }
    }

    #[test]
    fn dates() {
        let d = parse_date("2020-12-01").unwrap();
        assert_eq!(format_date_zh(d), "2020年12月1日");
        assert_eq!(parse_date("2020年12月1日").unwrap(), d);
        assert!(parse_date("2020-13-01").is_err());
        assert!(parse_date("昨天").is_err());
        assert_eq!(parse_date(" 2020/12/1 ").unwrap(), d);
    }

    // issue #13: a sign or a six-digit year was read as a date near the end of the calendar
    #[test]
    fn only_four_digit_years_and_plain_digits() {
        for bad in [
            "-2024-05-01",
            "+2024-05-01",
            "2024--05-01",
            "2024-05-01-",
            "262142-12-31",
            "99-05-01",
            "2024-+5-01",
            "2024-05/01",
            "2024年5月1",
            "2024-05-01T00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    // issue #13: a NUL in a title made atom.xml invalid XML
    #[test]
    fn control_characters_are_found_and_never_escaped_into_markup() {
        assert_eq!(find_control("第一行\n正文\u{0}。"), Some((2, 3, '\0')));
        assert_eq!(find_control("a\tb\r\nc\n"), None);
        assert_eq!(find_control("x\u{1b}[31m"), Some((1, 2, '\u{1b}')));
        assert_eq!(escape_html("a\u{0}b\u{8}<\tc\n"), "ab&lt;\tc\n");
    }

    proptest::proptest! {
        /// The byte-wise escape says what escaping each character on its own says, for any
        /// text: Han, emoji, markup and control characters mixed.
        #[test]
        fn escaping_in_runs_is_escaping_each_character(s in "[a-z&<>\"'\t\n\u{0}-\u{1f}\u{7f}\u{80}-\u{ff}公开党务😀]{0,40}") {
            let each: String = s
                .chars()
                .filter(|&c| !is_forbidden_control(c))
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(escape_html(&s), each);
        }
    }

    #[test]
    fn script_detection() {
        assert_eq!(Lang::detect("臨汾市委組織部制定出臺《發展黨員工作全程記實制度》"), Some(Lang::Hant));
        assert_eq!(Lang::detect("临汾市委组织部制定出台《发展党员工作全程记实制度》"), Some(Lang::Hans));
        // nothing tells: the site's language decides (found by a hostile review: such pages
        // were called traditional on a simplified site)
        assert_eq!(Lang::detect("hello"), None);
        assert_eq!(Lang::detect(""), None);
        assert_eq!(Lang::detect("案例N2正文甲"), None);
    }

    #[test]
    fn slugs_keep_chinese_and_never_leave_the_folder() {
        assert_eq!(slugify("流动党员 管理"), "流动党员-管理");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("App 2020"), "app-2020");
        assert_eq!(slugify("“”《》"), "");
    }

    #[test]
    fn summary_cuts_at_sentence_end() {
        let long = "第一句话。".repeat(40);
        let s = summarize(&long);
        assert!(s.ends_with('。'));
        assert!(s.chars().count() <= SUMMARY_CHARS);
        let no_end = "字".repeat(200);
        assert_eq!(summarize(&no_end).chars().count(), SUMMARY_CHARS + 2);
        assert_eq!(summarize("短文。"), "短文。");
    }

    #[test]
    fn reading_time_counts_characters() {
        assert_eq!(count_chars("党员 App 2020年"), 5);
        assert_eq!(reading_minutes(count_chars(&"字".repeat(801))), 3);
        assert_eq!(reading_minutes(0), 1);
    }
}
