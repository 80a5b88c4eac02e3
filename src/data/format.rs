//! Figures back into text, in the conventions of Chinese statistics (GB/T 15835): plain
//! Arabic numerals, 万/亿 with one decimal for large counts, 余 for a figure rounded down.
//! Used by `stat(format=…)` and by chart axes.

use super::number::Number;

/// How `stat` writes a figure. The default is the cell's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatFormat {
    /// The cell as written in the CSV (原文).
    Raw,
    /// The value alone, no unit or 余 (数值): `3600万余元` → 36000000.
    Plain,
    /// The value with a comma every three digits (千分位): 12,016.
    Grouped,
    /// In 万, one decimal, rounded (万): 12016 → 1.2万.
    Wan,
    /// In 万, one decimal, rounded down, with 余 when something was cut off (万余): 1.2万余.
    WanApprox,
    /// In 亿, two decimals, rounded (亿).
    Yi,
    /// In 亿, two decimals, rounded down, with 余 when something was cut off (亿余).
    YiApprox,
}

/// Every accepted name, Chinese first, for error messages.
pub const FORMAT_NAMES: &[(&str, StatFormat)] = &[
    ("原文", StatFormat::Raw),
    ("数值", StatFormat::Plain),
    ("千分位", StatFormat::Grouped),
    ("万", StatFormat::Wan),
    ("万余", StatFormat::WanApprox),
    ("亿", StatFormat::Yi),
    ("亿余", StatFormat::YiApprox),
    ("raw", StatFormat::Raw),
    ("plain", StatFormat::Plain),
    ("grouped", StatFormat::Grouped),
    ("wan", StatFormat::Wan),
    ("wan+", StatFormat::WanApprox),
    ("yi", StatFormat::Yi),
    ("yi+", StatFormat::YiApprox),
];

impl StatFormat {
    pub fn parse(name: &str) -> Option<StatFormat> {
        FORMAT_NAMES.iter().find(|(n, _)| *n == name.trim()).map(|(_, f)| *f)
    }
}

/// Writes `number` (whose cell text is `raw`) in `format`.
pub fn stat(raw: &str, number: &Number, format: StatFormat) -> String {
    let v = number.value;
    match format {
        StatFormat::Raw => raw.to_string(),
        StatFormat::Plain => fixed(v, number.decimals.min(6) as usize),
        StatFormat::Grouped => group(&fixed(v, number.decimals.min(6) as usize)),
        StatFormat::Wan => format!("{}万", fixed(v / 1e4, 1)),
        StatFormat::Yi => format!("{}亿", fixed(v / 1e8, 2)),
        StatFormat::WanApprox => rounded_down(v, 1e4, 1, "万", number.approx),
        StatFormat::YiApprox => rounded_down(v, 1e8, 2, "亿", number.approx),
    }
}

/// `v / unit` cut to `decimals`, with 余 when the cut lost something or `v` was approximate.
fn rounded_down(v: f64, unit: f64, decimals: i32, word: &str, approx: bool) -> String {
    let scale = 10f64.powi(decimals);
    // The tiny epsilon keeps 1.2万 (12000) from becoming 1.1万余 through binary rounding.
    let cut = ((v / unit) * scale + 1e-9).floor() / scale;
    let lost = (cut * unit - v).abs() > 1e-6 * unit.max(1.0) / scale;
    let more = if lost || approx { "余" } else { "" };
    format!("{}{word}{more}", fixed(cut, decimals as usize))
}

/// A fixed number of decimals with trailing zeros (and a bare point) removed; never `-0`.
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s.trim_start_matches('-').chars().all(|c| c == '0') {
        "0".to_string()
    } else {
        s
    }
}

/// Inserts a comma every three digits of the integer part.
pub fn group(s: &str) -> String {
    let (sign, s) = s.strip_prefix('-').map(|r| ("-", r)).unwrap_or(("", s));
    let (int, frac) = s.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((s, None));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The scale an axis writes its numbers in: counts below 1万 as they are, then 万, then 亿.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisScale {
    One,
    Wan,
    Yi,
}

impl AxisScale {
    pub fn for_max(max_abs: f64) -> AxisScale {
        if max_abs >= 1e8 {
            AxisScale::Yi
        } else if max_abs >= 1e4 {
            AxisScale::Wan
        } else {
            AxisScale::One
        }
    }

    fn divisor(self) -> f64 {
        match self {
            AxisScale::One => 1.0,
            AxisScale::Wan => 1e4,
            AxisScale::Yi => 1e8,
        }
    }

    fn word(self) -> &'static str {
        match self {
            AxisScale::One => "",
            AxisScale::Wan => "万",
            AxisScale::Yi => "亿",
        }
    }
}

/// A tick label: `v` in `scale`, with as many decimals as the tick `step` needs. Zero is `0`.
pub fn axis_label(v: f64, step: f64, scale: AxisScale) -> String {
    if v.abs() < step * 1e-9 {
        return "0".to_string();
    }
    let step = step / scale.divisor();
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize + 1 };
    format!("{}{}", fixed(v / scale.divisor(), decimals.min(6)), scale.word())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::number::parse;

    fn fmt(raw: &str, f: StatFormat) -> String {
        stat(raw, &parse(raw).unwrap(), f)
    }

    #[test]
    fn stat_formats() {
        assert_eq!(fmt("12016", StatFormat::Raw), "12016");
        assert_eq!(fmt("12016", StatFormat::WanApprox), "1.2万余");
        assert_eq!(fmt("12000", StatFormat::WanApprox), "1.2万");
        assert_eq!(fmt("12016", StatFormat::Wan), "1.2万");
        assert_eq!(fmt("12016", StatFormat::Grouped), "12,016");
        assert_eq!(fmt("3600万余元", StatFormat::Plain), "36000000");
        assert_eq!(fmt("3600万余元", StatFormat::WanApprox), "3600万余");
        assert_eq!(fmt("991850000", StatFormat::Yi), "9.92亿");
        assert_eq!(fmt("66.17%", StatFormat::Plain), "66.17");
        assert_eq!(StatFormat::parse("万余"), Some(StatFormat::WanApprox));
        assert_eq!(StatFormat::parse("nonsense"), None);
    }

    #[test]
    fn fixed_and_group() {
        assert_eq!(fixed(1.20, 1), "1.2");
        assert_eq!(fixed(2.0, 1), "2");
        assert_eq!(fixed(-0.0001, 2), "0");
        assert_eq!(group("1234567.5"), "1,234,567.5");
        assert_eq!(group("-1234"), "-1,234");
        assert_eq!(group("123"), "123");
    }

    #[test]
    fn axis_labels_use_wan_and_yi() {
        assert_eq!(axis_label(2000.0, 2000.0, AxisScale::One), "2000");
        assert_eq!(axis_label(15000.0, 5000.0, AxisScale::Wan), "1.5万");
        assert_eq!(axis_label(20000.0, 5000.0, AxisScale::Wan), "2万");
        assert_eq!(axis_label(0.0, 5000.0, AxisScale::Wan), "0");
        assert_eq!(axis_label(1.5e8, 5e7, AxisScale::Yi), "1.5亿");
        assert_eq!(axis_label(0.25, 0.05, AxisScale::One), "0.25");
        assert_eq!(AxisScale::for_max(12016.0), AxisScale::Wan);
        assert_eq!(AxisScale::for_max(7900.0), AxisScale::One);
    }
}
