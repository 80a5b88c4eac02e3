//! Series colours. Each has its own lightness, far from its neighbours', so that a chart
//! printed in greyscale still tells the series apart; every shape also gets a dark outline
//! so the palest colour stays visible on white paper.

/// Party red, gold, ink blue, sky blue, orange, cream: Rec. 601 luma 77, 207, 32, 129, 168, 240.
pub const SERIES: [(u8, u8, u8); 6] = [
    (0xb2, 0x22, 0x22),
    (0xf3, 0xd3, 0x5b),
    (0x14, 0x21, 0x3d),
    (0x4a, 0x90, 0xc2),
    (0xee, 0x9a, 0x3a),
    (0xf7, 0xf1, 0xe3),
];

pub const OUTLINE: (u8, u8, u8) = (0x33, 0x33, 0x33);
pub const GRID: (u8, u8, u8) = (0xdd, 0xdd, 0xdd);
pub const AXIS: (u8, u8, u8) = (0x66, 0x66, 0x66);
pub const TEXT: &str = "#333";

/// The colour of series `i`; past six they repeat (the legend and markers still differ).
pub fn series(i: usize) -> (u8, u8, u8) {
    SERIES[i % SERIES.len()]
}

pub fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Rec. 601 luma, what a greyscale printer keeps of a colour.
pub fn luma((r, g, b): (u8, u8, u8)) -> f64 {
    0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greyscale_keeps_series_apart() {
        for (i, a) in SERIES.iter().enumerate() {
            for b in &SERIES[i + 1..] {
                let d = (luma(*a) - luma(*b)).abs();
                assert!(d >= 30.0, "{} and {} differ by {d:.0} in grey", hex(*a), hex(*b));
            }
        }
        // The first two, used by every two-series chart, are far apart.
        assert!((luma(SERIES[0]) - luma(SERIES[1])).abs() > 100.0);
    }
}
