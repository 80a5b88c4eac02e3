//! The guard's view of a text: one unit per character a reader sees, with the byte range it
//! came from. Digits of every script and form become digits, HTML entities are decoded,
//! separators between digit groups are marked, and what a reader cannot see is left out.

use unicode_normalization::UnicodeNormalization;

/// One unit of the normalised view: a digit, an `X`, a separator or anything else, with the
/// byte range it came from (an entity is one unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Digit(u8),
    X,
    Sep,
    Plus,
    Other(char),
}

/// The text as units with their byte ranges.
pub(super) fn units(text: &str) -> Vec<(Unit, usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 2);
    out.extend(Units { text, i: 0 });
    out
}

/// The units of a text one by one: what [`units`] collects, and what
/// [`may_hold_number`] reads without keeping.
struct Units<'a> {
    text: &'a str,
    i: usize,
}

impl Iterator for Units<'_> {
    type Item = (Unit, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        while self.i < self.text.len() {
            let i = self.i;
            let rest = &self.text[i..];
            let first = rest.chars().next().unwrap_or(' ');
            // most of a Chinese text: an ideograph that is no spelled digit is one `Other`,
            // as `unit` would say, found without its searches
            if ('\u{4E00}'..='\u{9FFF}').contains(&first) && chinese_digit(first).is_none() {
                self.i += first.len_utf8();
                return Some((Unit::Other(first), i, self.i));
            }
            let (c, len) = match rest.strip_prefix('&').and_then(entity) {
                Some((c, len)) => (c, len + 1),
                None => match percent_digit(rest) {
                    // `%31%33%38…` in a link is a number to whoever follows it
                    Some(found) => found,
                    None => {
                        // invisible tag digits (U+E0030…) carry a number no reader sees but any
                        // program reads
                        let read = match first {
                            '\u{E0030}'..='\u{E0039}' => char::from(b'0' + (first as u32 - 0xE0030) as u8),
                            c => c,
                        };
                        (read, first.len_utf8())
                    }
                },
            };
            self.i += len;
            // what a reader does not see joins what is around it
            if !is_ignorable(c) {
                return Some((unit(c), i, i + len));
            }
        }
        None
    }
}

/// Whether `text` has a chain of digit groups (as [`super::chains`] joins them) of the
/// 11 digits the shortest number looked for (a mobile) has. Most texts have none, and are
/// read once, keeping nothing; a text with digits spread over it (三会一课, 2024年3月1日)
/// no longer pays for the whole guard.
pub(super) fn may_hold_number(text: &str) -> bool {
    const SHORTEST: usize = 11;
    const MAX_GAP: usize = super::MAX_GAP;
    // digits (and a closing `X`) of the chain being read
    let mut chain = 0;
    let mut in_group = false;
    // units since the last group ended, and whether all of them were separators
    let mut since: Option<usize> = None;
    let mut clean = true;
    for (u, ..) in (Units { text, i: 0 }) {
        match u {
            Unit::Digit(_) if in_group => chain += 1,
            Unit::Digit(_) => {
                let joined = since.is_some_and(|n| (1..=MAX_GAP).contains(&n)) && clean;
                chain = if joined { chain + 1 } else { 1 };
                in_group = true;
            }
            // a check character closes its group
            Unit::X if in_group => {
                chain += 1;
                in_group = false;
                (since, clean) = (Some(0), true);
            }
            other => {
                if in_group {
                    in_group = false;
                    (since, clean) = (Some(0), true);
                }
                since = since.map(|n| n + 1);
                clean &= matches!(other, Unit::Sep | Unit::Plus);
            }
        }
        if chain >= SHORTEST {
            return true;
        }
    }
    false
}

/// A percent-escaped character that reads as a digit at the start of `rest` (`%31` is 1,
/// `%EF%BC%91` the full-width １), and the bytes its escapes take.
fn percent_digit(rest: &str) -> Option<(char, usize)> {
    let byte = |i: usize| u8::from_str_radix(rest.get(i * 3..i * 3 + 3)?.strip_prefix('%')?, 16).ok();
    let first = byte(0)?;
    let n = match first.leading_ones() {
        0 => 1,
        2..=4 => first.leading_ones() as usize,
        _ => return None,
    };
    let bytes: Vec<u8> = (0..n).map(byte).collect::<Option<_>>()?;
    let c = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    (maybe_numeric(c) || chinese_digit(c).is_some()).then_some((c, 3 * n))
}

fn unit(c: char) -> Unit {
    if c.is_ascii_digit() {
        return Unit::Digit(c as u8 - b'0');
    }
    match c {
        // the check character as typed by an input method's slip: ×, Cyrillic Х, Greek Χ, Roman
        // Ⅹ, the multiplication crosses ✕ ✖
        'X' | 'x' | 'Ｘ' | 'ｘ' | '×' | 'Х' | 'х' | 'Χ' | 'χ' | 'Ⅹ' | 'ⅹ' | '✕' | '✖' => {
            return Unit::X
        }
        '+' | '＋' => return Unit::Plus,
        _ => {}
    }
    if is_separator(c) {
        return Unit::Sep;
    }
    if let Some(d) = chinese_digit(c).or_else(|| dingbat_digit(c)) {
        return Unit::Digit(d);
    }
    if maybe_numeric(c) {
        // full-width, mathematical, circled, bracketed (⑴) and stopped (⒈) digits read as the
        // one digit they show
        let folded: Vec<char> = std::iter::once(c).nfkc().filter(char::is_ascii_digit).collect();
        if let [d] = folded[..] {
            return Unit::Digit(d as u8 - b'0');
        }
        if let Some(d) = script_digit(c) {
            return Unit::Digit(d);
        }
    }
    Unit::Other(c)
}

/// `char::is_numeric` without its slow table search for the characters most Chinese text is
/// made of: no CJK unified ideograph is numeric (their spelled-out digits are
/// [`chinese_digit`]'s).
fn maybe_numeric(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_digit(),
        0x4E00..=0x9FFF => false,
        _ => c.is_numeric(),
    }
}

/// 〇一二三…九 and the capital forms 零壹贰叁…玖 (simplified and traditional), as people
/// spell a number out: 一三八一二三四五六七八 is a mobile number to a reader. 幺 and 洞 are
/// how a number is read aloud on the phone (1 and 0), and written so to slip past a filter.
fn chinese_digit(c: char) -> Option<u8> {
    // a match, not a search: this runs on every character of every text the guard reads
    Some(match c {
        '〇' | '零' | '洞' => 0,
        // circled and bracketed ideographs (㊀ ㈠), Roman numerals (Ⅰ ⅰ), one digit each to a reader
        '㊀' | '㈠' | 'Ⅰ' | 'ⅰ' => 1,
        '㊁' | '㈡' | 'Ⅱ' | 'ⅱ' => 2,
        '㊂' | '㈢' | 'Ⅲ' | 'ⅲ' => 3,
        '㊃' | '㈣' | 'Ⅳ' | 'ⅳ' => 4,
        '㊄' | '㈤' | 'Ⅴ' | 'ⅴ' => 5,
        '㊅' | '㈥' | 'Ⅵ' | 'ⅵ' => 6,
        '㊆' | '㈦' | 'Ⅶ' | 'ⅶ' => 7,
        '㊇' | '㈧' | 'Ⅷ' | 'ⅷ' => 8,
        '㊈' | '㈨' | 'Ⅸ' | 'ⅸ' => 9,
        // the Suzhou numerals 〡〢〣…, still written in markets and on old account books
        '〡' => 1,
        '〢' => 2,
        '〣' => 3,
        '〤' => 4,
        '〥' => 5,
        '〦' => 6,
        '〧' => 7,
        '〨' => 8,
        '〩' => 9,
        '一' | '壹' | '幺' | '弌' => 1,
        '二' | '贰' | '貳' | '两' | '兩' | '弍' => 2,
        '三' | '叁' | '參' | '叄' | '弎' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// The form of the digit unit read from `text` at byte `at`, as a reader tells them apart:
/// ASCII digits (and entities and `%3x` escapes, which a browser shows as ones), a digit on a
/// keycap (`1️⃣`), full-width, mathematical, each other script's decimal digits, the invisible
/// tag digits, the spelled Chinese numerals, the dingbat circles, and the other circled,
/// bracketed or stopped digits.
pub(super) fn digit_form(text: &str, at: usize) -> u32 {
    let Some(rest) = text.get(at..) else { return 0 };
    let Some(c) = rest.chars().next() else { return 0 };
    match c {
        '0'..='9' => {
            let after = &rest[1..];
            let keycap = after.starts_with('\u{20E3}') || after.starts_with("\u{FE0F}\u{20E3}");
            u32::from(keycap)
        }
        '&' | '%' => 0,
        '\u{FF10}'..='\u{FF19}' => 2,
        '\u{1D7CE}'..='\u{1D7FF}' => 3,
        '\u{E0030}'..='\u{E0039}' => 4,
        c if chinese_digit(c).is_some() => 5,
        c if dingbat_digit(c).is_some() => 6,
        // each script's block by its zero, which no other form uses
        c => script_digit(c).map_or(7, |d| c as u32 - u32::from(d)),
    }
}

/// Circled digits that NFKC leaves alone: ❶ ➀ ➊ (dingbats, common in Chinese documents), ⓵
/// (double circled) and ⓿.
fn dingbat_digit(c: char) -> Option<u8> {
    const ONES: [u32; 4] = [0x2776, 0x2780, 0x278A, 0x24F5];
    let cp = c as u32;
    if cp == 0x24FF {
        return Some(0);
    }
    ONES.iter().find(|&&one| (one..one + 9).contains(&cp)).map(|one| (cp - one + 1) as u8)
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
/// dashes, commas, colons, brackets, quotes, bullets, Markdown markers, carets. A `+` is a
/// [`Unit::Plus`] (it starts `+86`), and between groups it separates as these do.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '/'
                | '%'
                | '％'
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
                | '\u{3001}'..='\u{3003}'
                | '|'
                | '^'
                | '#'
                | '\u{FF5C}'
                | '\u{FF03}'
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
