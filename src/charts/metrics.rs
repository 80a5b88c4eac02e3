//! Text widths from real glyph metrics that ship with the binary, so that labels are placed
//! without overlapping on any machine. Plotters without its font features guesses a width
//! from the byte length (a Chinese character counts three times), and its `ttf` feature reads
//! the machine's fonts, which makes the output depend on the machine: neither will do.

/// Advance widths of U+0020..=U+007E in Noto Sans CJK SC Regular (face 2 of
/// NotoSansCJK-Regular.ttc from Debian's fonts-noto-cjk), in units of 1/1000 em. Made once
/// with `ttf-parser` 0.25 in a throwaway program:
///
/// ```text
/// let face = ttf_parser::Face::parse(&std::fs::read(".../NotoSansCJK-Regular.ttc")?, 2)?;
/// for c in 0x20u8..0x7f { print!("{}, ", face.glyph_hor_advance(face.glyph_index(c as char)?)?) }
/// ```
const ASCII_ADVANCE: [u16; 95] = [
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, // ' '..'/'
    555, 555, 555, 555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474, // '0'..'?'
    946, 608, 657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812, 723, 742, // '@'..'O'
    633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559, // 'P'..'_'
    606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606, // '`'..'o'
    620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555, // 'p'..'~'
];

/// The fonts the SVG names, CJK first so that digits and Han characters come from one
/// font whose metrics are the table's; the rest are what Windows, macOS and Linux have.
pub const FONT_STACK: &str = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',\
'Hiragino Sans GB','WenQuanYi Micro Hei',sans-serif";

/// Latin glyphs differ between the fonts of the stack (Microsoft YaHei's digits are wider
/// than Noto's); this margin keeps a label measured with Noto from overlapping in them.
const LATIN_SLACK: f64 = 1.1;

/// Chromium on Linux rounds each glyph's advance to whole device pixels; a chart shrunk to a
/// phone (down to about half size, 250 px for our 520 units) can so draw each glyph up to
/// 0.5 px, about 1 unit, wider than the font says. Measured: 14 units of Han text drawn
/// 14.68 wide at that scale, a digit at 13 units 8.39 instead of 7.2. Each glyph gets this
/// much room on top of its advance.
const PER_GLYPH_SLACK: f64 = 1.1;

/// The advance of `c` in em. Han characters and full-width punctuation are 1 em in every
/// CJK font; anything else outside ASCII is taken as 1 em too, which errs on the wide side.
pub fn advance_em(c: char) -> f64 {
    match c as u32 {
        code @ 0x20..=0x7e => ASCII_ADVANCE[(code - 0x20) as usize] as f64 / 1000.0 * LATIN_SLACK,
        _ => 1.0,
    }
}

/// The width of `text` at `size` px, with room for the browser's rounding.
pub fn width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| advance_em(c) * size + PER_GLYPH_SLACK).sum()
}

/// Breaks `text` into at most `max_lines` lines no wider than `max_width`, between any two
/// characters (as Chinese breaks) but not inside a figure such as `1800余` or a Latin word,
/// and balanced (`办实事/好事`, not `办实事好/事`). The last line ends in `…` when the text
/// does not fit; the caller keeps the full text elsewhere (the data table, a `<title>`).
pub fn wrap(text: &str, size: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    let mut lines = greedy(text, size, max_width);
    if lines.len() > 1 && lines.len() <= max_lines {
        // The narrowest width that needs no more lines, found by bisection: balanced lines.
        let n = lines.len();
        let (mut lo, mut hi) = (width(text, size) / n as f64, max_width);
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if greedy(text, size, mid).len() <= n {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        lines = greedy(text, size, hi);
    }
    if lines.len() > max_lines || lines.iter().any(|l| width(l, size) > max_width) {
        lines.truncate(max_lines);
        let last = lines.pop().unwrap_or_default();
        lines.push(ellipsize(&last, size, max_width));
    }
    lines
}

/// The width of the widest piece of `text` that [`wrap`] never breaks (a figure such as `2019`
/// or `1800余`, a Latin word, one Han character): the least a label needs across.
pub fn widest_unbreakable(text: &str, size: f64) -> f64 {
    break_units(text).into_iter().map(|u| width(u, size)).fold(0.0, f64::max)
}

/// Fills each line as far as it goes.
fn greedy(text: &str, size: f64, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for unit in break_units(text) {
        if !line.is_empty() && width(&line, size) + width(unit, size) > max_width {
            lines.push(std::mem::take(&mut line));
        }
        if !(line.is_empty() && unit == " ") {
            line.push_str(unit);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut so that it and a trailing `…` fit in `max_width`.
fn ellipsize(text: &str, size: f64, max_width: f64) -> String {
    let mut out: String = text.to_string();
    while !out.is_empty() && width(&format!("{out}…"), size) > max_width {
        out.pop();
    }
    format!("{out}…")
}

/// Pieces that stay together: a run of Latin letters and digits with the 万, 亿, 余, 多 or
/// % that ends a figure, or one other character.
fn break_units(text: &str) -> Vec<&str> {
    let joins = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | ',');
    let ends_figure = |c: char| matches!(c, '万' | '亿' | '余' | '多' | '％');
    let mut units = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if joins(c) {
            while chars.next_if(|(_, n)| joins(*n)).is_some() {}
            while chars.next_if(|(_, n)| ends_figure(*n)).is_some() {}
        }
        let end = chars.peek().map_or(text.len(), |(j, _)| *j);
        units.push(&text[i..end]);
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_one_em_and_digits_are_narrower() {
        assert_eq!(width("党员总数", 10.0), 4.0 * (10.0 + PER_GLYPH_SLACK));
        assert!((width("2020", 10.0) - 4.0 * (5.55 * LATIN_SLACK + PER_GLYPH_SLACK)).abs() < 1e-9);
        assert!(width("1800余场次", 12.0) < width("党员党员党员党员", 12.0));
    }

    #[test]
    fn wrapping_breaks_between_han_but_not_inside_numbers() {
        assert_eq!(wrap("收集意见建议", 10.0, 34.0, 3), ["收集意", "见建议"]);
        assert_eq!(wrap("2020年度", 10.0, 30.0, 3), ["2020", "年度"]);
        let cut = wrap("一二三四五六七八九十", 10.0, 34.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…') && width(&cut[1], 10.0) <= 34.0, "{cut:?}");
        assert_eq!(wrap("办实事好事", 10.0, 45.0, 3), ["办实事", "好事"]);
        assert_eq!(wrap("1800余场次", 13.0, 60.0, 2), ["1800余", "场次"]);
    }
}
