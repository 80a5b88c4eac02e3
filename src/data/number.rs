//! Numbers as Chinese statistics write them: `11,520`, `1.23万`, `0.38亿`, `66.17%`,
//! `3600万余元`, `约5000人`. The value is exact where the text is (integer mantissa and a
//! power of ten, divided once), the approximation words and the unit are kept apart, and
//! anything malformed is an error with a reason, never a silent zero.

use serde::Serialize;
use std::fmt;

/// A parsed figure. The text it came from is kept by the cell that holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Number {
    /// The value in base units: `3600万余元` is 36,000,000; `66.17%` is 66.17 (unit `%`).
    pub value: f64,
    /// Written as an approximation: 余, 多, 约, 近, 逾, 超过, 左右, 以上.
    pub approx: bool,
    /// What follows the figure (元, 名, 个, 场次, %), without the approximation words.
    pub unit: Option<String>,
    /// Digits after the decimal point as written (`1.23万` → 2), for formatting.
    pub decimals: u32,
}

/// Why a text is not a number, said so that a clerk can correct the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError(pub String);

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NumberError {}

const PREFIXES: &[&str] = &["大约", "将近", "超过", "约", "近", "逾", "超"];
const SUFFIXES: &[&str] = &["左右", "以上", "余", "多"];
/// Magnitude words, longest first so that 万亿 is not read as 万 followed by a unit 亿.
const MAGNITUDES: &[(&str, i32)] =
    &[("万亿", 12), ("千万", 7), ("百万", 6), ("十万", 5), ("亿", 8), ("万", 4)];

/// Parses one cell. Leading and trailing spaces are ignored.
pub fn parse(text: &str) -> Result<Number, NumberError> {
    let s = normalise(text.trim());
    let (approx_before, s) = strip_prefix_word(&s, PREFIXES);
    let (negative, s) = match s.strip_prefix(['-', '+']) {
        Some(rest) => (s.starts_with('-'), rest),
        None => (false, s),
    };
    let (mantissa, decimals, rest) = digits(s, text)?;
    let (power, rest) = magnitude(rest);
    let (percent, rest) = match rest.strip_prefix('%') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (approx_after, rest) = strip_prefix_word(rest, SUFFIXES);
    let (unit, approx_end) = unit(rest, text)?;
    if percent && unit.is_some() {
        return Err(NumberError(t!(
            "`{text}`: no unit may follow the % sign",
            "`{text}`：% 后面不能再跟单位"
        )));
    }
    let unit = if percent { Some("%".to_string()) } else { unit };
    let value = scaled(mantissa, power - decimals as i32).ok_or_else(|| {
        NumberError(t!("`{text}` is too large a figure; check its digits", "`{text}` 数值过大，请检查位数"))
    })?;
    Ok(Number {
        value: if negative { -value } else { value },
        approx: approx_before || approx_after || approx_end,
        unit,
        decimals,
    })
}

/// Whether a cell reads like a figure (so a column of them is numeric and a bad one is an
/// error) rather than like text, a date (`2020-12-01`) or a code.
pub fn looks_numeric(text: &str) -> bool {
    let s = normalise(text.trim());
    let (_, s) = strip_prefix_word(&s, PREFIXES);
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit())
        && !s.contains(['-', '/', ':'])
        && !s.chars().any(|c| c.is_ascii_alphabetic())
}

/// Full-width digits, signs and separators as Excel sometimes keeps them, made ASCII.
fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '％' => '%',
            '－' | '−' => '-',
            '＋' => '+',
            c => c,
        })
        .collect()
}

fn strip_prefix_word<'a>(s: &'a str, words: &[&str]) -> (bool, &'a str) {
    for w in words {
        if let Some(rest) = s.strip_prefix(w) {
            return (true, rest);
        }
    }
    (false, s)
}

/// The digits with their grouping commas and one decimal point: (mantissa, decimals, rest).
fn digits<'a>(s: &'a str, text: &str) -> Result<(i128, u32, &'a str), NumberError> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '\u{2009}' | '\u{202f}')));
    let (number, rest) = s.split_at(end.unwrap_or(s.len()));
    if !number.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(NumberError(t!(
            "`{text}` has no digits before its words",
            "`{text}` 的文字前面没有数字"
        )));
    }
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    check_grouping(int, text)?;
    let frac = frac.unwrap_or("");
    if frac.contains('.') {
        return Err(NumberError(t!("`{text}` has more than one decimal point", "`{text}` 有不止一个小数点")));
    }
    if number.contains('.') && (frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit())) {
        return Err(NumberError(t!(
            "`{text}`: a decimal point must be followed by digits",
            "`{text}`：小数点后面应有数字"
        )));
    }
    let all: String = int.chars().chain(frac.chars()).filter(char::is_ascii_digit).collect();
    let mantissa = all
        .parse::<i128>()
        .ok()
        .filter(|_| all.len() <= 30)
        .ok_or_else(|| NumberError(t!("`{text}` has too many digits", "`{text}` 位数太多")))?;
    Ok((mantissa, frac.len() as u32, rest))
}

/// Commas or thin spaces must split the integer part into groups of three (`11,520`).
fn check_grouping(int: &str, text: &str) -> Result<(), NumberError> {
    let groups: Vec<&str> = int.split([',', '\u{2009}', '\u{202f}']).collect();
    if groups.len() == 1 {
        return Ok(());
    }
    let first_ok = (1..=3).contains(&groups[0].len());
    if first_ok && groups[1..].iter().all(|g| g.len() == 3) {
        return Ok(());
    }
    Err(NumberError(t!(
        "`{text}`: the digits are grouped oddly; write 11,520 or 11520 (a comma every three digits)",
        "`{text}`：千分位逗号的位置不对，请写成 11,520 或 11520（每三位一个逗号）"
    )))
}

fn magnitude(s: &str) -> (i32, &str) {
    for (word, power) in MAGNITUDES {
        if let Some(rest) = s.strip_prefix(word) {
            return (*power, rest);
        }
    }
    (0, s)
}

/// The unit after the figure; an approximation word at its end (`5年多`) is taken off.
fn unit(rest: &str, text: &str) -> Result<(Option<String>, bool), NumberError> {
    let (rest, approx) = match SUFFIXES.iter().find_map(|w| rest.strip_suffix(w)) {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if rest.is_empty() {
        return Ok((None, approx));
    }
    if rest.starts_with(['.', ',']) {
        return Err(NumberError(t!("`{text}` has a stray `{}`", "`{text}` 中多了一个 `{}`", &rest[..1])));
    }
    if rest.contains(|c: char| c.is_ascii_digit() || c == '.')
        || MAGNITUDES.iter().any(|(w, _)| rest.contains(w))
    {
        return Err(NumberError(t!(
            "`{text}` is not one figure: digits or 万/亿 appear again after it",
            "`{text}` 不是一个数：后面又出现了数字或 万/亿"
        )));
    }
    if rest.chars().count() > 8 || rest.contains(char::is_whitespace) {
        return Err(NumberError(t!(
            "`{text}`: the text after the figure is too long to be a unit",
            "`{text}`：数字后面的文字太长，不像单位"
        )));
    }
    Ok((Some(rest.to_string()), approx))
}

/// `mantissa × 10^exp`, exact for an integer result and correctly rounded otherwise (one
/// division of two exactly represented numbers), so `1.23万` is 12300 and not 12299.999….
/// `None` when the integer overflows: thirty digits and 万亿 make no figure anyone wrote.
fn scaled(mantissa: i128, exp: i32) -> Option<f64> {
    Some(if exp >= 0 {
        mantissa.checked_mul(10i128.checked_pow(exp.unsigned_abs())?)? as f64
    } else if exp >= -22 {
        mantissa as f64 / 10f64.powi(-exp)
    } else {
        mantissa as f64 * 10f64.powi(exp)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Number {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn plain_and_grouped_integers() {
        assert_eq!(ok("504").value, 504.0);
        assert_eq!(ok("11,520").value, 11520.0);
        assert_eq!(ok("1,234,567").value, 1234567.0);
        assert_eq!(ok(" 12016 ").value, 12016.0);
        assert_eq!(ok("１２０１６").value, 12016.0);
        assert_eq!(ok("-3.5").value, -3.5);
    }

    #[test]
    fn wan_and_yi_scale_exactly() {
        assert_eq!(ok("1.23万").value, 12300.0);
        assert_eq!(ok("0.38亿").value, 38_000_000.0);
        assert_eq!(ok("9918.5万").value, 99_185_000.0);
        assert_eq!(ok("2.13亿元").value, 213_000_000.0);
        assert_eq!(ok("1.5万亿").value, 1.5e12);
        assert_eq!(ok("1.23万").decimals, 2);
    }

    #[test]
    fn percent_keeps_its_written_value() {
        let n = ok("66.17%");
        assert_eq!((n.value, n.unit.as_deref(), n.approx), (66.17, Some("%"), false));
        assert_eq!(ok("30.4％").value, 30.4);
    }

    #[test]
    fn approximations_and_units() {
        let n = ok("3600万余元");
        assert_eq!((n.value, n.approx, n.unit.as_deref()), (36_000_000.0, true, Some("元")));
        let n = ok("1800余场次");
        assert_eq!((n.value, n.approx, n.unit.as_deref()), (1800.0, true, Some("场次")));
        let n = ok("1.2万余名");
        assert_eq!((n.value, n.approx, n.unit.as_deref()), (12000.0, true, Some("名")));
        assert!(ok("约5000人").approx);
        assert!(ok("20多个").approx);
        assert!(ok("5年多").approx);
        assert_eq!(ok("5年多").unit.as_deref(), Some("年"));
        let n = ok("12016");
        assert_eq!((n.approx, n.unit), (false, None));
    }

    #[test]
    fn garbage_is_an_error_not_zero() {
        for bad in ["12..3万", "万", "1.2.3", "", "余元", "1,2345", "12万万", "3.", "1.2万3", "5%元", "abc"]
        {
            assert!(parse(bad).is_err(), "`{bad}` should not parse, got {:?}", parse(bad));
        }
        assert!(parse("12..3万").unwrap_err().0.contains("decimal point"));
        assert!(parse("1.2.3").unwrap_err().0.contains("more than one decimal point"));
    }

    // issue #13: 10i128.pow overflowed (a panic in debug builds, a wrong value in release)
    #[test]
    fn a_long_mantissa_with_wan_yi_is_too_large_not_a_panic() {
        let long = "9".repeat(30);
        assert!(parse(&format!("{long}万亿")).unwrap_err().0.contains("too large"));
        assert!(parse(&format!("{long}万")).is_ok(), "10^34 still fits");
        assert_eq!(ok(&format!("1{}万亿", "0".repeat(25))).value, 1e37);
    }

    #[test]
    fn what_looks_numeric() {
        for s in ["12016", "12..3万", "约5000人", "66.17%", "-1"] {
            assert!(looks_numeric(s), "{s}");
        }
        for s in ["讲党课", "2020-12-01", "1/2", "", "A1"] {
            assert!(!looks_numeric(s), "{s}");
        }
    }
}
