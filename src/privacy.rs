//! The privacy guard: resident ID numbers, mobile numbers and bank cards must never be
//! published (PIPL Art. 25, 28; domain.md §2). Every hit fails the build; messages show only
//! a masked form, so the build log itself never leaks the number.
//!
//! The guard reads what a reader reads: full-width and other Unicode digits count as digits
//! (NFKC), HTML entities are decoded, and digit groups are joined across the separators people
//! and editors put between them (spaces of every width, zero-width characters, dots, slashes,
//! dashes, pluses, carets, line breaks, Markdown escapes and emphasis markers); digits read
//! aloud (幺 for 1, 洞 for 0) count too. Callers scan both the source text and the text
//! Markdown renders, so a link or emphasis splitting the digits joins up.

use crate::Diagnostic;
use std::path::{Path, PathBuf};

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    ResidentId,
    Mobile,
    BankCard,
    BirthDate,
}

impl Kind {
    fn label(self) -> String {
        match self {
            Kind::ResidentId => t!("a resident ID number (身份证号)", "身份证号"),
            Kind::Mobile => t!("a mobile number (手机号)", "手机号"),
            Kind::BankCard => t!("a bank card number (银行卡号)", "银行卡号"),
            Kind::BirthDate => t!("a full birth date (出生日期)", "完整的出生日期"),
        }
    }
}

/// One number found in a text: where, what, and how it reads masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    pub kind: Kind,
    /// Byte range in the scanned text, separators and entities included.
    pub start: usize,
    pub end: usize,
    pub masked: String,
    /// The number as plain ASCII digits: compared with the `contact` field, never printed.
    digits: String,
}

/// Finds every ID, mobile and bank card number in `text`, in any written form, also as a
/// browser shows it: a run after RIGHT-TO-LEFT OVERRIDE (U+202E) is displayed reversed, so
/// `\u{202E}87654321831` reads 13812345678 (such a hit spans the whole run).
pub fn scan(text: &str) -> Vec<Hit> {
    let mut hits = scan_logical(text);
    if text.contains('\u{202E}') {
        for (start, end) in overridden_runs(text) {
            let shown: String = text[start + '\u{202E}'.len_utf8()..end].chars().rev().collect();
            for hit in scan_logical(&shown) {
                if !hits.iter().any(|h| h.digits == hit.digits) {
                    hits.push(Hit { start, end, ..hit });
                }
            }
        }
        hits.sort_by_key(|h| h.start);
    }
    hits
}

/// Each run from a RIGHT-TO-LEFT OVERRIDE to the POP DIRECTIONAL FORMATTING, line end or text
/// end that closes it, as a byte range starting at the override.
fn overridden_runs(text: &str) -> Vec<(usize, usize)> {
    text.match_indices('\u{202E}')
        .map(|(start, _)| {
            let rest = &text[start..];
            let end = rest.find(['\u{202C}', '\n']).map_or(text.len(), |e| start + e);
            (start, end)
        })
        .collect()
}

fn scan_logical(text: &str) -> Vec<Hit> {
    if !normalise::may_hold_number(text) {
        return Vec::new();
    }
    let units = units(text);
    let mut hits = Vec::new();
    // the forms of digit met in chains that mix them
    let mut forms: Vec<u32> = Vec::new();
    for chain in chains(&units) {
        let mut seen = chain_forms(text, &units, &chain);
        if seen.len() > 1 {
            forms.append(&mut seen);
        }
        hits.extend(classify_chain(text, &units, &chain));
    }
    // a digit of another form right beside a number (张三13812345678, 13812345678①, １13812345678,
    // a tag digit no reader sees) makes the run one digit too long to be any number: the digits
    // of each form are read again on their own, the others as text (found by hostile reviews)
    forms.sort_unstable();
    forms.dedup();
    for form in forms {
        let only: Vec<(Unit, usize, usize)> = units
            .iter()
            .map(|&(u, s, e)| match u {
                Unit::Digit(_) if normalise::digit_form(text, s) != form => (Unit::Other('\u{FFFC}'), s, e),
                u => (u, s, e),
            })
            .collect();
        for chain in chains(&only) {
            for hit in classify_chain(text, &only, &chain) {
                if !hits.iter().any(|h| h.start < hit.end && hit.start < h.end) {
                    hits.push(hit);
                }
            }
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// The forms of digit a chain of digit groups is written in ([`normalise::digit_form`]).
fn chain_forms(text: &str, units: &[(Unit, usize, usize)], chain: &[Group]) -> Vec<u32> {
    let mut forms: Vec<u32> = chain
        .iter()
        .flat_map(|g| &units[g.start..g.end])
        .filter(|u| matches!(u.0, Unit::Digit(_)))
        .map(|u| normalise::digit_form(text, u.1))
        .collect();
    forms.sort_unstable();
    forms.dedup();
    forms
}

/// A digit group: unit indices `[start, end)`, its digits (an `X` kept as the last character).
struct Group {
    start: usize,
    end: usize,
    digits: String,
}

/// The most separators between two groups of one number.
const MAX_GAP: usize = 4;

/// Groups of digits joined by short runs of separators: the candidates for one number.
fn chains(units: &[(Unit, usize, usize)]) -> Vec<Vec<Group>> {
    let mut chains: Vec<Vec<Group>> = Vec::new();
    let mut i = 0;
    let mut last_end: Option<usize> = None;
    while i < units.len() {
        if !matches!(units[i].0, Unit::Digit(_)) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        while let Some((Unit::Digit(d), ..)) = units.get(i) {
            digits.push((b'0' + d) as char);
            i += 1;
        }
        if let Some((Unit::X, ..)) = units.get(i) {
            digits.push('X');
            i += 1;
        }
        let joined = last_end.is_some_and(|e| {
            let gap = &units[e..start];
            // `138+1234+5678`: a plus between groups joins them as a dash does
            !gap.is_empty()
                && gap.len() <= MAX_GAP
                && gap.iter().all(|u| matches!(u.0, Unit::Sep | Unit::Plus))
        });
        let group = Group { start, end: i, digits };
        match chains.last_mut() {
            Some(chain) if joined => chain.push(group),
            _ => chains.push(vec![group]),
        }
        last_end = Some(i);
    }
    chains
}

/// The numbers in one chain: the longest window of whole groups that reads as a number, from
/// each group on.
fn classify_chain(text: &str, units: &[(Unit, usize, usize)], chain: &[Group]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chain.len() {
        let mut found = None;
        let mut digits = String::new();
        let mut candidates = Vec::new();
        for (j, group) in chain.iter().enumerate().skip(i) {
            if j > i && digits.ends_with('X') {
                break;
            }
            digits.push_str(&group.digits);
            if digits.trim_end_matches('X').len() > 19 {
                break;
            }
            candidates.push((j, digits.clone()));
        }
        for (j, digits) in candidates.into_iter().rev() {
            if !well_grouped(&chain[i..=j]) && !split_number(text, units, &chain[i..=j]) {
                continue;
            }
            let (s, e) = (units[chain[i].start].1, units[chain[j].end - 1].2);
            // an `X` after the digits is an ID's check character, or else a letter after a
            // mobile or card number (`13812345678x号`), which it must not hide (found by a
            // hostile review)
            let id =
                classify(&digits).filter(|&k| k != Kind::ResidentId || plausible_id_grouping(&chain[i..=j]));
            let (kind, digits) = match (id, digits.strip_suffix('X')) {
                (None, Some(bare)) => (classify(bare).filter(|&k| k != Kind::ResidentId), bare.to_string()),
                (kind, _) => (kind, digits),
            };
            if let Some(kind) = kind {
                if !looks_alike(kind, text, units, &chain[i..=j], (s, e)) {
                    let start = country_code_start(units, chain[i].start).unwrap_or(s);
                    let shown = if kind == Kind::Mobile {
                        digits[digits.len() - 11..].to_string()
                    } else {
                        digits.clone()
                    };
                    found = Some((j, Hit { kind, start, end: e, masked: mask(kind, &shown), digits }));
                    break;
                }
            }
        }
        match found {
            Some((j, hit)) => {
                hits.push(hit);
                i = j + 1;
            }
            None => i += 1,
        }
    }
    hits
}

/// Phones and cards are written in groups of three or more (`138 1234 5678`,
/// `6222 0212 3456 7890 128`) or spelled digit by digit; dates join groups of two
/// (`2024-06-03`), which must not run into the next figure.
fn well_grouped(groups: &[Group]) -> bool {
    let rest = &groups[..groups.len() - 1];
    rest.iter().all(|g| g.digits.len() >= 3) || groups.iter().all(|g| g.digits.len() == 1)
}

/// Groups that are not phone-like (`1381-23-45678`, `138-12-34-5678`, `13.81.234.5678`) still
/// make one number when one dash, dot or slash joins each to the next and they do not begin
/// with a date: a reader runs them together, and splitting a mobile so is how one slips past a
/// filter. Figures apart by spaces, line breaks or list marks (`，`, `、`) are figures side by
/// side (a table's cells read as text are), and a date (`2024-06-03`) must not run into the
/// figure after it.
fn split_number(text: &str, units: &[(Unit, usize, usize)], groups: &[Group]) -> bool {
    let joiner = |c: char| {
        matches!(
            c,
            '-' | '.' | '/' | '_' | '~' | '·' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '－' | '．' | '／' | '・'
        )
    };
    let joined = groups.windows(2).all(|w| match &units[w[0].end..w[1].start] {
        [gap] => {
            let mut chars = text[gap.1..gap.2].chars();
            chars.next().is_some_and(joiner) && chars.next().is_none()
        }
        _ => false,
    });
    let sizes: Vec<usize> = groups.iter().map(|g| g.digits.len()).collect();
    let number = |g: &Group| g.digits.parse::<u32>().ok();
    let month = groups.get(1).and_then(number).filter(|m| (1..=12).contains(m) && sizes[1] <= 2);
    let year = number(&groups[0]).filter(|y| sizes[0] == 4 && (1900..=2100).contains(y));
    // `Chrome 138.0.7204.101`, `版本 13.8.1234.5678`: a version's parts, named so
    let before = text[..units[groups[0].start].1].trim_end_matches([' ', ':', '：', '\u{00A0}', '\u{3000}']);
    let version =
        ["版本", "版本号", "version", "Version", "Chrome", "Edge", "Firefox", "Safari", "浏览器", "v", "V"]
            .iter()
            .any(|l| before.ends_with(l));
    joined && !(year.is_some() && month.is_some()) && !version
}

/// An old 15-digit ID has no check digit, so joining unrelated figures (`12345，400-090-1000`)
/// could make one: it counts only written whole or as area, birth date and sequence.
fn plausible_id_grouping(groups: &[Group]) -> bool {
    let sizes: Vec<usize> = groups.iter().map(|g| g.digits.len()).collect();
    sizes.iter().sum::<usize>() != 15 || matches!(sizes.as_slice(), [15] | [6, 9] | [6, 6, 3])
}

/// Where a `+86` before the number starts, so masking takes it along.
fn country_code_start(units: &[(Unit, usize, usize)], at: usize) -> Option<usize> {
    let mut k = at;
    while k > 0 && units[k - 1].0 == Unit::Sep && at - k < 2 {
        k -= 1;
    }
    (k >= 3
        && units[k - 3].0 == Unit::Plus
        && units[k - 2].0 == Unit::Digit(8)
        && units[k - 1].0 == Unit::Digit(6))
    .then(|| units[k - 3].1)
}

fn classify(digits: &str) -> Option<Kind> {
    let n = digits.len();
    if n == 18 && is_resident_id(digits)
        || n == 15 && is_old_resident_id(digits)
        || n == 17 && is_resident_id_body(digits)
        || n == 18 && is_resident_id_body(&digits[..17])
    {
        return Some(Kind::ResidentId);
    }
    if digits.contains('X') {
        return None;
    }
    if n == 11 && is_mobile(digits)
        || n == 13 && digits.starts_with("86") && is_mobile(&digits[2..])
        || n == 15 && digits.starts_with("0086") && is_mobile(&digits[4..])
    {
        return Some(Kind::Mobile);
    }
    if (16..=19).contains(&n) && is_bank_card(digits) {
        return Some(Kind::BankCard);
    }
    None
}

/// Figures that have the shape of a personal number but are not one: money (`13812345678元`,
/// `￥…`), decimals (`15912345678.00`, `0.13812345678`), IP addresses (`139.12.34.56`), and
/// numbers right after a label that names them as an order, document, invoice or postcode
/// (`订单号：13812345678`). A resident ID, whose check digit and birth date make it
/// unmistakable, is never a look-alike.
/// The number is `text[span.0..span.1]`.
fn looks_alike(
    kind: Kind,
    text: &str,
    units: &[(Unit, usize, usize)],
    groups: &[Group],
    span: (usize, usize),
) -> bool {
    if kind == Kind::ResidentId {
        return false;
    }
    let (raw_before, after) = (&text[..span.0], &text[span.1..]);
    let after_spaces = after.trim_start_matches([' ', '\u{00A0}', '\u{3000}']);
    // a sum of 16 to 19 digits that passes a card's check is a card number followed by 元, not
    // quintillions of yuan
    let money = kind != Kind::BankCard
        && (["元", "万元", "亿元"].iter().any(|u| after_spaces.starts_with(u))
            || raw_before.trim_end().ends_with(['¥', '￥']));
    // a figure with a decimal part or a fraction is an amount, not a number to dial
    let cents = after.strip_prefix('.').map(|r| r.chars().take_while(char::is_ascii_digit).count());
    let decimal_after = groups.len() == 1 && matches!(cents, Some(1 | 2));
    let decimal_before = groups.len() == 1
        && raw_before.strip_suffix('.').is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit()));
    let is_ip = groups.len() == 4
        && groups.iter().all(|g| g.digits.len() <= 3 && g.digits.parse::<u16>().is_ok_and(|v| v <= 255))
        && groups.windows(2).all(|w| {
            let gap = &units[w[0].end..w[1].start];
            gap.len() == 1 && &text[gap[0].1..gap[0].2] == "."
        });
    const LABELS: [&str; 13] = [
        "订单号",
        "单号",
        "流水号",
        "发票号",
        "发票号码",
        "合同号",
        "文号",
        "批次号",
        "序列号",
        "条码",
        "备案号",
        "登记号",
        "邮编",
    ];
    let label_end = raw_before.trim_end_matches([' ', ':', '：', '\u{00A0}', '\u{3000}']);
    let labelled = LABELS.iter().any(|l| label_end.ends_with(l));
    // a card number is never excused by a label: an order number that passes Luhn is rare,
    // a card pasted after 订单号 is not; and 电话13812345678.00 is still a phone
    let phone_label = ["电话", "手机", "联系", "tel", "Tel", "TEL"].iter().any(|l| label_end.ends_with(l));
    // a coordinate (`东经134.28765432°`, `坐标：133.12345678`) is a decimal figure
    let coordinate = ["经度", "纬度", "东经", "西经", "南纬", "北纬", "坐标", "经纬度"]
        .iter()
        .any(|l| raw_before.trim_end_matches([' ', ':', '：', '\u{00A0}', '\u{3000}']).ends_with(l))
        || after.starts_with(['°', '度']);
    let decimal_split = coordinate && groups.len() == 2 && {
        let gap = &units[groups[0].end..groups[1].start];
        gap.len() == 1 && &text[gap[0].1..gap[0].2] == "."
    };
    // a card number's check makes it one: with cents it is still no sum of money
    let decimal = (decimal_after || decimal_before || decimal_split) && kind != Kind::BankCard;
    money || decimal && !phone_label || is_ip || labelled && kind == Kind::Mobile
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

/// A resident ID with its check character left off (`11010519491231002`, or followed by `*`
/// or `?`) or mistyped (`110105194912310029`): the character follows from the seventeen
/// digits, so they are the whole number (found by hostile reviews). Area, birth date and
/// sequence as in [`is_resident_id`].
pub fn is_resident_id_body(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 17
        && b.iter().all(u8::is_ascii_digit)
        && (b'1'..=b'8').contains(&b[0])
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
    if !b.iter().all(u8::is_ascii_digit) || !(b'3'..=b'6').contains(&b[0]) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = u32::from(c - b'0');
            match (i % 2 == 1, v * 2) {
                (true, d) if d > 9 => d - 9,
                (true, d) => d,
                (false, _) => v,
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

/// Which hits a file allows: the numbers listed in its `privacy_allow` (a company hotline that
/// looks like a mobile, say), each written out in full, and the mobile numbers of its parsed
/// `contact` field (the published 监督电话) wherever they recur.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Allow {
    /// Digits of the numbers listed.
    exact: Vec<String>,
    /// Digits of the mobiles in the `contact` field.
    contact: Vec<String>,
}

impl Allow {
    /// `entries` are a `privacy_allow` list: each the number itself, in any written form. A
    /// masked form allows nothing (it would cover ten thousand mobiles); see `allow_problems`.
    pub fn new(entries: Vec<String>) -> Allow {
        Allow { exact: entries.iter().flat_map(|e| scan(e)).map(|h| key(&h)).collect(), contact: Vec::new() }
    }

    /// Also allows the mobile numbers written in `contact`, the value of the contact field.
    /// Everything any of `allows` lets through.
    pub fn union<'a>(allows: impl Iterator<Item = &'a Allow>) -> Allow {
        let mut all = Allow::default();
        for a in allows {
            all.exact.extend(a.exact.iter().cloned());
            all.contact.extend(a.contact.iter().cloned());
        }
        all
    }

    pub fn with_contact(mut self, contact: &str) -> Allow {
        self.contact =
            scan(contact).into_iter().filter(|h| h.kind == Kind::Mobile).map(|h| key(&h)).collect();
        self
    }

    pub fn allows(&self, hit: &Hit) -> bool {
        let k = key(hit);
        self.exact.contains(&k) || hit.kind == Kind::Mobile && self.contact.contains(&k)
    }
}

/// A number as the allow lists compare it: a mobile without its `86`, an ID's X upper case.
fn key(hit: &Hit) -> String {
    match hit.kind {
        Kind::Mobile => hit.digits[hit.digits.len().saturating_sub(11)..].to_string(),
        _ => hit.digits.to_ascii_uppercase(),
    }
}

/// Entries of a `privacy_allow` list that allow nothing: masked forms, or text that is no
/// number the guard would stop.
pub fn allow_problems(rel: &Path, line: usize, entries: &[String]) -> Vec<Diagnostic> {
    entries
        .iter()
        .filter(|e| scan(e).is_empty())
        .map(|e| {
            Diagnostic::new(
                rel,
                line,
                t!(
                    "privacy_allow lists `{e}`, which is not a number the privacy guard stops",
                    "privacy_allow 中列了 `{e}`，但它不是个人信息检查会拦下的号码"
                ),
            )
            .with_hint(t!(
                "list the number itself, as it is written in the text (a masked form would let through thousands of numbers); remove entries that are not needed",
                "请按正文中的写法列出号码本身（遮盖后的形式会放过成千上万个号码）；不需要的条目请删去"
            ))
        })
        .collect()
}

/// Scans a whole file and turns every hit not allowed into a diagnostic at its line.
pub fn check_text(rel: &Path, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    scan(text)
        .into_iter()
        .filter(|hit| !allow.allows(hit))
        .map(|hit| diagnostic(rel, line_starts.partition_point(|&s| s <= hit.start), &hit))
        .collect()
}

/// Scans one value (a field, a cell, a rendered paragraph) that stands at `line`.
pub fn check_value(rel: &Path, line: usize, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    scan(text).into_iter().filter(|hit| !allow.allows(hit)).map(|hit| diagnostic(rel, line, &hit)).collect()
}

/// Scans a figure in a column of amounts: a mobile number there is a sum of money, but an ID
/// or card number (16 to 19 digits passing the card check: no sum of money) is still itself.
pub fn check_amount(rel: &Path, line: usize, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    // only a cell that reads as a sum is one: `138-1234-5678` or `电话：139…` in a column named
    // with 元 is a number all the same (found by a hostile review)
    if !reads_as_amount(text) {
        return check_value(rel, line, text, allow);
    }
    scan(text)
        .into_iter()
        .filter(|hit| hit.kind != Kind::Mobile && !allow.allows(hit))
        .map(|hit| diagnostic(rel, line, &hit))
        .collect()
}

/// A figure as a column of money writes it: ASCII digits with thousands commas and a decimal
/// point, perhaps after ￥ and before 元, 万元 or 亿元.
fn reads_as_amount(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['￥', '¥']).unwrap_or(t).trim_start();
    let t = ["亿元", "万元", "元"].iter().find_map(|u| t.strip_suffix(u)).unwrap_or(t).trim_end();
    !t.is_empty()
        && t.starts_with(|c: char| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A file or folder name is published as an address: a number in it is reported on the
/// masked path, so that the message does not repeat it.
pub fn check_path(rel: &Path) -> Vec<Diagnostic> {
    let shown = rel.to_string_lossy();
    let hits = scan(&shown);
    if hits.is_empty() {
        return Vec::new();
    }
    let (masked, _) = mask_text(&shown, &Allow::default());
    hits.iter()
        .map(|hit| {
            Diagnostic::new(
                PathBuf::from(&masked),
                0,
                t!("the file name holds {}: {}", "文件名中有{}：{}", hit.kind.label(), hit.masked),
            )
            .with_hint(t!(
                "rename the file: its name becomes part of a web address",
                "请给文件改名：文件名会成为网址的一部分"
            ))
        })
        .collect()
}

/// The diagnostic with every number in its path, message and hint masked.
pub fn mask_diagnostic(d: Diagnostic) -> Diagnostic {
    let mask = |s: &str| mask_text(s, &Allow::default()).0;
    Diagnostic {
        path: PathBuf::from(mask(&d.path.to_string_lossy())),
        message: mask(&d.message),
        hint: d.hint.as_deref().map(mask),
        ..d
    }
}

pub fn diagnostic(rel: &Path, line: usize, hit: &Hit) -> Diagnostic {
    let masked = &hit.masked;
    Diagnostic::new(rel, line, t!("{} must not be published: {masked}", "{}不能公开：{masked}", hit.kind.label()))
        .with_hint(t!(
            "remove it, or run `gongkai check --mask` to replace it by {masked}; if it is not personal data (a hotline, say), list the number itself in privacy_allow",
            "请删去，或运行 `gongkai check --mask` 把它改成 {masked}；如果不是个人信息（比如服务热线），请把号码本身列入 privacy_allow"
        ))
}

/// The first `chars` characters of `text` for a message, every number masked: masked whole
/// first, then cut, since a number cut short is no number the guard knows and would show
/// all but its last digits (found by a hostile review).
pub fn masked_excerpt(text: &str, chars: usize) -> String {
    let masked = mask_text(text, &Allow::default()).0;
    let mut out: String = masked.chars().take(chars).collect();
    if out.len() < masked.len() {
        out.push('…');
    }
    out
}

/// Replaces every hit not allowed by its masked form; returns the new text and what changed.
pub fn mask_text(text: &str, allow: &Allow) -> (String, Vec<Hit>) {
    let mut out = String::with_capacity(text.len());
    let mut done = Vec::new();
    let mut pos = 0;
    for hit in scan(text) {
        if allow.allows(&hit) || hit.start < pos {
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

/// Where each number was masked: (line, masked form).
pub type MaskedLines = Vec<(usize, String)>;

/// [`mask_text`] with each hit's line and masked form, for `check --mask` to report.
pub fn mask_lines(text: &str, allow: &Allow) -> (String, MaskedLines) {
    let (masked, hits) = mask_text(text, allow);
    let lines = hits.into_iter().map(|h| (1 + text[..h.start].matches('\n').count(), h.masked)).collect();
    (masked, lines)
}

/// A CSV masked in its own encoding and with its BOM, so that Excel on the clerk's machine opens
/// it as before; `None` when nothing is masked or the bytes do not decode (the build reports
/// those). Decoded by the rule the build reads the table with ([`crate::text::decode`]).
pub fn mask_csv(bytes: &[u8], allow: &Allow) -> Option<(Vec<u8>, MaskedLines)> {
    let decoded = crate::text::decode(bytes, crate::text::Accept::Legacy).ok()?;
    let (masked, hits) = mask_lines(&decoded.text, allow);
    if hits.is_empty() {
        return None;
    }
    Some(([&bytes[..decoded.bom], &encode(&masked, decoded.encoding)[..]].concat(), hits))
}

/// `text` in `encoding`. encoding_rs writes UTF-16 as UTF-8 (the web never sends UTF-16), so a
/// table saved as UTF-16 is written back as UTF-16 here.
fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let units = text.encode_utf16();
    match encoding {
        e if e == encoding_rs::UTF_16LE => units.flat_map(u16::to_le_bytes).collect(),
        e if e == encoding_rs::UTF_16BE => units.flat_map(u16::to_be_bytes).collect(),
        e => e.encode(text).0.into_owned(),
    }
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

mod files;
mod normalise;
pub use files::{check_file, check_file_allowing};
use normalise::{units, Unit};

#[cfg(test)]
mod tests;
