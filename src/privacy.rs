//! The privacy guard: resident ID numbers, mobile numbers and bank cards must never be
//! published (PIPL Art. 25, 28; domain.md §2). Every hit fails the build; messages show only
//! a masked form, so the build log itself never leaks the number.

use crate::Diagnostic;
use std::path::Path;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ResidentId,
    Mobile,
    BankCard,
    BirthDate,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::ResidentId => "a resident ID number (身份证号)",
            Kind::Mobile => "a mobile number (手机号)",
            Kind::BankCard => "a bank card number (银行卡号)",
            Kind::BirthDate => "a full birth date (出生日期)",
        }
    }
}

/// One number found in a text: where, what, and how it reads masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub masked: String,
}

/// Finds every ID, mobile and bank card number in `text`.
pub fn scan(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for run in digit_runs(text) {
        let digits: String = text[run.0..run.1].chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        if let Some(kind) = classify(&digits, &text[..run.0]) {
            hits.push(Hit { kind, start: run.0, end: run.1, masked: mask(kind, &digits) });
        }
    }
    hits
}

/// Maximal runs of digits (and a final X for IDs), joined across single spaces or hyphens
/// between groups of three or more digits, the way cards and phones are written
/// (`6222 0212 3456 7890`, `138-1234-5678`).
fn digit_runs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i < bytes.len() && (bytes[i] == b'X' || bytes[i] == b'x') && i - start == 17 {
            i += 1;
        }
        let joinable =
            |r: &(usize, usize)| r.1 - r.0 >= 3 && start - r.1 == 1 && matches!(bytes[r.1], b' ' | b'-');
        match runs.last_mut() {
            Some(last) if joinable(last) && i - start >= 3 => last.1 = i,
            _ => runs.push((start, i)),
        }
    }
    // a joined run that fits nothing may still hold a number in one of its parts
    runs.into_iter()
        .flat_map(|(s, e)| {
            let parts: Vec<(usize, usize)> = split_groups(bytes, s, e);
            if parts.len() > 1 {
                std::iter::once((s, e)).chain(parts).collect::<Vec<_>>()
            } else {
                vec![(s, e)]
            }
        })
        .collect()
}

fn split_groups(bytes: &[u8], s: usize, e: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = s;
    for (i, b) in bytes.iter().enumerate().take(e).skip(s) {
        if matches!(b, b' ' | b'-') {
            parts.push((start, i));
            start = i + 1;
        }
    }
    parts.push((start, e));
    parts
}

fn classify(digits: &str, before: &str) -> Option<Kind> {
    let n = digits.len();
    if n == 18 && is_resident_id(digits) || n == 15 && is_old_resident_id(digits) {
        return Some(Kind::ResidentId);
    }
    let after_country_code = before.ends_with("+86") || before.ends_with("+86 ") || before.ends_with("+86-");
    if n == 11 && is_mobile(digits) || n == 13 && digits.starts_with("86") && is_mobile(&digits[2..]) {
        return Some(Kind::Mobile);
    }
    if after_country_code && n == 11 && is_mobile(digits) {
        return Some(Kind::Mobile);
    }
    if (16..=19).contains(&n) && digits.bytes().all(|b| b.is_ascii_digit()) && is_bank_card(digits) {
        return Some(Kind::BankCard);
    }
    None
}

/// 11 digits, `1[3-9]` then nine more.
pub fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// GB 11643-1999: 6-digit area, YYYYMMDD, 3-digit sequence, ISO 7064 MOD 11-2 check character.
pub fn is_resident_id(d: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = d.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
        && plausible_date(&d[6..10], &d[10..12], &d[12..14])
}

/// The 15-digit form issued before 1999: area, YYMMDD (19YY), sequence; no check digit.
pub fn is_old_resident_id(d: &str) -> bool {
    d.len() == 15
        && d.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'8').contains(&d.as_bytes()[0])
        && plausible_date(&format!("19{}", &d[6..8]), &d[8..10], &d[10..12])
}

fn plausible_date(y: &str, m: &str, d: &str) -> bool {
    match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(y), Ok(m), Ok(d)) => {
            (1900..=2100).contains(&y) && chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
        }
        _ => false,
    }
}

/// Luhn, on card-like numbers: issuers' numbers start 3–6 (UnionPay 62, Visa 4, …).
pub fn is_bank_card(d: &str) -> bool {
    let b = d.as_bytes();
    if !(b'3'..=b'6').contains(&b[0]) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            if i % 2 == 1 {
                if v * 2 > 9 {
                    v * 2 - 9
                } else {
                    v * 2
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// `1401**********0012`, `138****5678`: enough to find the number in the file, not to use it.
pub fn mask(kind: Kind, d: &str) -> String {
    let (head, tail) = match kind {
        Kind::Mobile => (3.min(d.len()), 4),
        Kind::BirthDate => return d.to_string(),
        _ => (4, 4),
    };
    let chars: Vec<char> = d.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let middle = chars.len() - head - tail;
    format!(
        "{}{}{}",
        chars[..head].iter().collect::<String>(),
        "*".repeat(middle),
        chars[chars.len() - tail..].iter().collect::<String>()
    )
}

/// Which hits a file allows: the masked forms listed in its `privacy_allow`, and mobiles
/// on the lines of its `contact` field (the published 监督电话).
#[derive(Debug, Default, Clone)]
pub struct Allow {
    pub masked: Vec<String>,
    pub contact_lines: Vec<usize>,
}

/// Scans a whole file and turns every hit not allowed into a diagnostic.
pub fn check_text(rel: &Path, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    scan(text)
        .into_iter()
        .filter_map(|hit| {
            let line = line_starts.partition_point(|&s| s <= hit.start);
            let allowed = allow.masked.contains(&hit.masked)
                || hit.kind == Kind::Mobile && allow.contact_lines.contains(&line);
            (!allowed).then(|| diagnostic(rel, line, &hit))
        })
        .collect()
}

pub fn diagnostic(rel: &Path, line: usize, hit: &Hit) -> Diagnostic {
    Diagnostic::new(rel, line, format!("{} must not be published: {}", hit.kind.label(), hit.masked)).with_hint(format!(
        "remove it, or run `gongkai check --mask` to replace it by {}; if it is not personal data, list \"{}\" in this file's privacy_allow",
        hit.masked, hit.masked
    ))
}

/// Replaces every hit not allowed by its masked form; returns the new text and what changed.
pub fn mask_text(text: &str, allow: &Allow) -> (String, Vec<Hit>) {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut out = String::with_capacity(text.len());
    let mut done = Vec::new();
    let mut pos = 0;
    for hit in scan(text) {
        let line = line_starts.partition_point(|&s| s <= hit.start);
        let allowed = allow.masked.contains(&hit.masked)
            || hit.kind == Kind::Mobile && allow.contact_lines.contains(&line);
        if allowed || hit.start < pos {
            continue;
        }
        out.push_str(&text[pos..hit.start]);
        out.push_str(&hit.masked);
        pos = hit.end;
        done.push(hit);
    }
    out.push_str(&text[pos..]);
    (out, done)
}

/// In a member-development notice, a birth date needs only year and month: a cell in a
/// column headed 出生… that also gives the day is reported.
pub fn full_birth_dates<'a>(
    header: &[&str],
    rows: impl Iterator<Item = (usize, Vec<&'a str>)>,
) -> Vec<(usize, String)> {
    let Some(col) = header.iter().position(|h| h.contains("出生")) else { return Vec::new() };
    rows.filter_map(|(line, cells)| {
        let cell = cells.get(col)?.trim();
        has_day(cell).then(|| (line, cell.to_string()))
    })
    .collect()
}

fn has_day(cell: &str) -> bool {
    if cell.contains('日') {
        return true;
    }
    let parts: Vec<&str> = cell.split(['-', '/', '.', '年', '月']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_id_is_found_and_masked() {
        let hits = scan("申请人身份证号11010519491231002X，住址略。");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, Kind::ResidentId);
        assert_eq!(hits[0].masked, "1101**********002X");
    }

    #[test]
    fn wrong_check_digit_or_date_passes() {
        assert!(scan("序列号110105194912310021").is_empty(), "wrong check digit");
        assert!(scan("编号110105194913310028").is_empty(), "month 13");
        assert!(scan("2024-06-03 至 2024-06-07，金额 1,234,567.89 元，2024年3月1日").is_empty());
    }

    #[test]
    fn old_fifteen_digit_id() {
        assert_eq!(scan("旧证 110105491231002").first().map(|h| h.kind), Some(Kind::ResidentId));
        assert!(scan("110105491331002").is_empty());
    }

    #[test]
    fn mobiles_in_every_written_form() {
        for text in
            ["电话13812345678。", "138-1234-5678", "138 1234 5678", "+86 13812345678", "8613812345678"]
        {
            let hits = scan(text);
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(hits[0].kind, Kind::Mobile, "{text}");
        }
        assert_eq!(scan("13812345678")[0].masked, "138****5678");
        assert!(scan("12345678901").is_empty(), "12 is no mobile prefix");
        assert!(scan("0357-1234567").is_empty(), "a landline passes");
    }

    #[test]
    fn bank_cards_pass_luhn() {
        assert_eq!(scan("卡号 6222 0212 3456 7890 128")[0].kind, Kind::BankCard);
        assert_eq!(scan("卡号 4111111111111111")[0].masked, "4111********1111");
        assert!(scan("4111111111111112").is_empty(), "Luhn fails");
    }

    #[test]
    fn allowed_and_contact_lines_pass() {
        let text = "contact = \"监督电话 13812345678\"\n正文 13900001111\n";
        let allow = Allow { masked: vec!["139****1111".into()], contact_lines: vec![1] };
        assert!(check_text(Path::new("a.md"), text, &allow).is_empty());
        let d = check_text(Path::new("a.md"), text, &Allow::default());
        assert_eq!(d.len(), 2);
        assert!(!d[0].message.contains("13812345678"), "the message never shows the number");
    }

    #[test]
    fn masking_rewrites_in_place() {
        let (out, hits) = mask_text("甲11010519491231002X乙13812345678丙", &Allow::default());
        assert_eq!(out, "甲1101**********002X乙138****5678丙");
        assert_eq!(hits.len(), 2);
        assert!(scan(&out).is_empty(), "masking is idempotent");
    }

    #[test]
    fn full_birth_dates_in_the_birth_column() {
        let rows =
            vec![(3, vec!["张三", "1990年5月", "2020-01-02"]), (4, vec!["李四", "1991-06-12", "2020-01-02"])];
        let hits = full_birth_dates(&["姓名", "出生年月", "申请入党时间"], rows.into_iter());
        assert_eq!(hits, [(4, "1991-06-12".to_string())]);
    }
}
