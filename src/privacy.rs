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
    if !text.chars().any(|c| c.is_numeric() || c == '&' || chinese_digit(c).is_some()) {
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
        // what a reader does not see joins what is around it
        if !is_ignorable(c) {
            out.push((unit(c), i, i + len));
        }
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
    if let Some(d) = chinese_digit(c) {
        return Unit::Digit(d);
    }
    if c.is_numeric() {
        // full-width, mathematical, circled and other digits read as the digit they show
        let mut folded = std::iter::once(c).nfkc();
        if let (Some(d), None) = (folded.next(), folded.next()) {
            if d.is_ascii_digit() {
                return Unit::Digit(d as u8 - b'0');
            }
        }
        if let Some(d) = script_digit(c) {
            return Unit::Digit(d);
        }
    }
    Unit::Other(c)
}

/// 〇一二三…九 and the capital forms 零壹贰叁…玖 (simplified and traditional), as people
/// spell a number out: 一三八一二三四五六七八 is a mobile number to a reader.
fn chinese_digit(c: char) -> Option<u8> {
    const SMALL: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const CAPITAL: [&str; 10] = ["零", "壹", "贰貳", "叁參", "肆", "伍", "陆陸", "柒", "捌", "玖"];
    if let Some(d) = SMALL.iter().position(|&s| s == c) {
        return Some(d as u8);
    }
    CAPITAL.iter().position(|s| s.contains(c)).map(|d| d as u8)
}

/// The decimal digits of other scripts (Arabic-Indic, Devanagari, Thai…), which NFKC leaves
/// as they are. Neither std nor unicode-normalization gives a digit's value, and each of
/// these blocks runs 0 to 9 from the code point listed (Unicode's Nd ranges).
fn script_digit(c: char) -> Option<u8> {
    const ZEROS: [u32; 37] = [
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
        0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
        0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0x104A0,
        0x11066,
    ];
    let cp = c as u32;
    ZEROS.iter().find(|&&z| (z..z + 10).contains(&cp)).map(|z| (cp - z) as u8)
}

/// Characters a reader does not see at all: format controls, variation selectors, combining
/// marks, tag characters, fillers. Between two digits they hide nothing.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{0000}'..='\u{0008}'
            | '\u{000E}'..='\u{001F}'
            | '\u{007F}'..='\u{009F}'
            | '\u{0300}'..='\u{036F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}'
    ) || c == '\u{034F}'
}

/// What people and editors put between digit groups: spaces of every width, dots, slashes,
/// dashes, commas, colons, brackets, quotes, bullets, Markdown markers.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '/'
                | '-'
                | '\\'
                | '*'
                | '_'
                | '`'
                | '~'
                | ','
                | ':'
                | ';'
                | '\''
                | '"'
                | '('
                | ')'
                | '['
                | ']'
                | '\u{00AD}'
                | '\u{00B7}'
                | '\u{2010}'..='\u{2027}'
                | '\u{2212}'
                | '\u{2219}'
                | '\u{3003}'
                | '\u{3008}'..='\u{3011}'
                | '\u{301C}'
                | '\u{30FB}'
                | '\u{FF07}'..='\u{FF09}'
                | '\u{FF0C}'..='\u{FF0F}'
                | '\u{FF1A}'
                | '\u{FF1B}'
                | '\u{FF3B}'
                | '\u{FF3D}'
                | '\u{FF3F}'
                | '\u{FF5E}'
                | '\u{FF62}'
                | '\u{FF63}'
                | '\u{FF65}'
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
            if let Some(kind) =
                classify(&digits).filter(|&k| k != Kind::ResidentId || plausible_id_grouping(&chain[i..=j]))
            {
                if !looks_alike(kind, units, &chain[i..=j], &text[..s], &text[e..]) {
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
    if n == 18 && is_resident_id(digits) || n == 15 && is_old_resident_id(digits) {
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
/// `raw_before` and `after` are the text around the number.
fn looks_alike(
    kind: Kind,
    units: &[(Unit, usize, usize)],
    groups: &[Group],
    raw_before: &str,
    after: &str,
) -> bool {
    if kind == Kind::ResidentId {
        return false;
    }
    let after_spaces = after.trim_start_matches([' ', '\u{00A0}', '\u{3000}']);
    let money = ["元", "万元", "亿元"].iter().any(|u| after_spaces.starts_with(u))
        || raw_before.trim_end().ends_with(['¥', '￥']);
    // a figure with a decimal part or a fraction is an amount, not a number to dial
    let cents = after.strip_prefix('.').map(|r| r.chars().take_while(char::is_ascii_digit).count());
    let decimal_after = groups.len() == 1 && matches!(cents, Some(1 | 2));
    let decimal_before = groups.len() == 1
        && raw_before.strip_suffix('.').is_some_and(|b| b.ends_with(|c: char| c.is_ascii_digit()));
    let is_ip = groups.len() == 4
        && groups.iter().all(|g| g.digits.len() <= 3 && g.digits.parse::<u16>().is_ok_and(|v| v <= 255))
        && groups.windows(2).all(|w| {
            let gap = &units[w[0].end..w[1].start];
            gap.len() == 1 && text_is(gap[0], '.')
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
    money || decimal_after || decimal_before || is_ip || labelled
}

fn text_is(unit: (Unit, usize, usize), c: char) -> bool {
    unit.2 - unit.1 == c.len_utf8() && matches!(unit.0, Unit::Sep | Unit::Other(_))
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

/// Which hits a file allows: the numbers listed in its `privacy_allow` (a company hotline that
/// looks like a mobile, say), each written out in full, and the mobile numbers of its parsed
/// `contact` field (the published 监督电话) wherever they recur.
#[derive(Debug, Default, Clone)]
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
            Diagnostic::new(rel, line, format!("privacy_allow lists `{e}`, which is not a number the privacy guard stops"))
                .with_hint("list the number itself, as it is written in the text (a masked form would let through thousands of numbers); remove entries that are not needed")
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

/// Scans a figure in a column of amounts: a mobile or card number there is a sum of money, but
/// an ID number is still an ID number.
pub fn check_amount(rel: &Path, line: usize, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    scan(text)
        .into_iter()
        .filter(|hit| hit.kind == Kind::ResidentId && !allow.allows(hit))
        .map(|hit| diagnostic(rel, line, &hit))
        .collect()
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
    Diagnostic::new(rel, line, format!("{} must not be published: {}", hit.kind.label(), hit.masked)).with_hint(format!(
        "remove it, or run `gongkai check --mask` to replace it by {}; if it is not personal data (a hotline, say), list the number itself in privacy_allow",
        hit.masked
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

mod files;
pub use files::{check_file, check_file_allowing};

#[cfg(test)]
mod tests;
