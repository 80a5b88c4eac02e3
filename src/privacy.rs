//! The privacy guard: resident ID numbers, mobile numbers and bank cards must never be
//! published (PIPL Art. 25, 28; domain.md §2). Every hit fails the build; messages show only
//! a masked form, so the build log itself never leaks the number.
//!
//! The guard reads what a reader reads: full-width and other Unicode digits count as digits
//! (NFKC), HTML entities are decoded, and digit groups are joined across the separators people
//! and editors put between them (spaces of every width, zero-width characters, dots, slashes,
//! dashes, line breaks, Markdown escapes and emphasis markers). Callers scan both the source
//! text and the text Markdown renders, so a link or emphasis splitting the digits joins up.

use crate::Diagnostic;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

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
    /// Byte range in the scanned text, separators and entities included.
    pub start: usize,
    pub end: usize,
    pub masked: String,
    /// The number as plain ASCII digits: compared with the `contact` field, never printed.
    digits: String,
}

/// One unit of the normalised view: a digit, an `X`, a separator or anything else, with the
/// byte range it came from (an entity is one unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Digit(u8),
    X,
    Sep,
    Plus,
    Other(char),
}

/// Finds every ID, mobile and bank card number in `text`, in any written form.
pub fn scan(text: &str) -> Vec<Hit> {
    // most texts have no digit at all: skip the normalisation for them
    if !text.chars().any(|c| c.is_numeric() || c == '&') {
        return Vec::new();
    }
    let units = units(text);
    let mut hits = Vec::new();
    for chain in chains(&units) {
        hits.extend(classify_chain(text, &units, &chain));
    }
    hits
}

/// The text as units with their byte ranges.
fn units(text: &str) -> Vec<(Unit, usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let (c, len) = match rest.strip_prefix('&').and_then(entity) {
            Some((c, len)) => (c, len + 1),
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                (c, c.len_utf8())
            }
        };
        out.push((unit(c), i, i + len));
        i += len;
    }
    out
}

fn unit(c: char) -> Unit {
    if c.is_ascii_digit() {
        return Unit::Digit(c as u8 - b'0');
    }
    match c {
        'X' | 'x' | 'Ｘ' | 'ｘ' => return Unit::X,
        '+' | '＋' => return Unit::Plus,
        _ => {}
    }
    if is_separator(c) {
        return Unit::Sep;
    }
    if c.is_numeric() {
        // full-width, mathematical, circled and other digits read as the digit they show
        let mut folded = std::iter::once(c).nfkc();
        if let (Some(d), None) = (folded.next(), folded.next()) {
            if d.is_ascii_digit() {
                return Unit::Digit(d as u8 - b'0');
            }
        }
    }
    Unit::Other(c)
}

/// What people and editors put between digit groups, and what a reader does not see.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '.'
            | '/'
            | '-'
            | '\\'
            | '*'
            | '_'
            | '`'
            | '~'
            | '\u{00A0}'
            | '\u{00AD}'
            | '\u{2000}'..='\u{200F}'
            | '\u{2010}'..='\u{2015}'
            | '\u{2028}'..='\u{202F}'
            | '\u{205F}'..='\u{2064}'
            | '\u{2212}'
            | '\u{2027}'
            | '\u{30FB}'
            | '\u{3000}'
            | '\u{FEFF}'
            | '\u{FF0D}'
            | '\u{FF0E}'
            | '\u{FF0F}'
            | '\u{FF3F}'
            | '\u{00B7}'
    )
}

/// An HTML character reference after its `&`: the character and the length read.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(n)?
    } else {
        match name {
            "nbsp" | "ensp" | "emsp" | "thinsp" | "zwj" | "zwnj" | "shy" => ' ',
            "ndash" | "mdash" | "minus" | "hyphen" | "dash" => '-',
            "period" => '.',
            "sol" => '/',
            "plus" => '+',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// A digit group: unit indices `[start, end)`, its digits (an `X` kept as the last character).
struct Group {
    start: usize,
    end: usize,
    digits: String,
}

/// Groups of digits joined by short runs of separators: the candidates for one number.
fn chains(units: &[(Unit, usize, usize)]) -> Vec<Vec<Group>> {
    const MAX_GAP: usize = 4;
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
            !gap.is_empty() && gap.len() <= MAX_GAP && gap.iter().all(|u| u.0 == Unit::Sep)
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
            if digits.len() > 19 {
                break;
            }
            candidates.push((j, digits.clone()));
        }
        for (j, digits) in candidates.into_iter().rev() {
            if !well_grouped(&chain[i..=j]) {
                continue;
            }
            let (s, e) = (units[chain[i].start].1, units[chain[j].end - 1].2);
            let before = preceding(units, chain[i].start);
            if let Some(kind) = classify(&digits) {
                if !looks_alike(kind, units, &chain[i..=j], &before, &text[e..]) {
                    let start = country_code_start(units, chain[i].start).unwrap_or(s);
                    let shown = if kind == Kind::Mobile { tail11(&digits) } else { digits.clone() };
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

/// Up to twelve characters before unit `at`, as plain text (digits folded), for the labels
/// and prefixes that decide a number.
fn preceding(units: &[(Unit, usize, usize)], at: usize) -> String {
    let from = at.saturating_sub(12);
    units[from..at]
        .iter()
        .map(|(u, ..)| match u {
            Unit::Digit(d) => (b'0' + d) as char,
            Unit::X => 'X',
            Unit::Sep => ' ',
            Unit::Plus => '+',
            Unit::Other(c) => *c,
        })
        .collect()
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
    if n == 18 && is_resident_id(digits) || n == 15 && is_old_resident_id(digits) {
        return Some(Kind::ResidentId);
    }
    if digits.contains('X') {
        return None;
    }
    if n == 11 && is_mobile(digits) || n == 13 && digits.starts_with("86") && is_mobile(&digits[2..]) {
        return Some(Kind::Mobile);
    }
    if (16..=19).contains(&n) && is_bank_card(digits) {
        return Some(Kind::BankCard);
    }
    None
}

/// Figures that have the shape of a personal number but are not one: money (`13812345678元`,
/// `￥…`), IP addresses (`139.12.34.56`), and numbers labelled as orders, documents, books,
/// invoices or organisations. A resident ID, whose check digit and birth date make it
/// unmistakable, passes only with a 统一社会信用代码 label.
fn looks_alike(
    kind: Kind,
    units: &[(Unit, usize, usize)],
    groups: &[Group],
    before: &str,
    after: &str,
) -> bool {
    let after = after.trim_start_matches([' ', '\u{00A0}', '\u{3000}']);
    let money = ["元", "万", "亿", "角", "%", "％"].iter().any(|u| after.starts_with(u))
        || before.trim_end().ends_with(['¥', '￥', '$']);
    let is_ip = groups.len() == 4
        && groups.iter().all(|g| g.digits.len() <= 3 && g.digits.parse::<u16>().is_ok_and(|v| v <= 255))
        && groups.windows(2).all(|w| {
            let gap = &units[w[0].end..w[1].start];
            gap.len() == 1 && matches!(gap[0].0, Unit::Sep)
        });
    const LABELS: [&str; 16] = [
        "订单",
        "单号",
        "流水号",
        "发票",
        "合同号",
        "ISBN",
        "书号",
        "文号",
        "批次",
        "序列号",
        "条码",
        "编码",
        "信用代码",
        "备案号",
        "登记号",
        "邮编",
    ];
    let labelled = LABELS.iter().any(|l| before.contains(l));
    match kind {
        Kind::ResidentId => before.contains("信用代码"),
        _ => money || is_ip || labelled,
    }
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

/// Which hits a file allows: the masked forms listed in its `privacy_allow`, and the mobile
/// numbers of its parsed `contact` field (the published 监督电话) wherever they recur.
#[derive(Debug, Default, Clone)]
pub struct Allow {
    pub masked: Vec<String>,
    /// Digits of the mobiles in the `contact` field.
    contact: Vec<String>,
}

impl Allow {
    pub fn new(masked: Vec<String>) -> Allow {
        Allow { masked, contact: Vec::new() }
    }

    /// Also allows the mobile numbers written in `contact`, the value of the contact field.
    pub fn with_contact(mut self, contact: &str) -> Allow {
        self.contact =
            scan(contact).into_iter().filter(|h| h.kind == Kind::Mobile).map(|h| tail11(&h.digits)).collect();
        self
    }

    pub fn allows(&self, hit: &Hit) -> bool {
        self.masked.contains(&hit.masked)
            || hit.kind == Kind::Mobile && self.contact.contains(&tail11(&hit.digits))
    }
}

/// A mobile without its `86`.
fn tail11(d: &str) -> String {
    d[d.len().saturating_sub(11)..].to_string()
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
                format!("the file name holds {}: {}", hit.kind.label(), hit.masked),
            )
            .with_hint("rename the file: its name becomes part of a web address")
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
mod tests;
