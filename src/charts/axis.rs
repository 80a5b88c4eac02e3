//! Value axes: round ticks (1, 2 or 5 times a power of ten) that include zero for bars, and
//! their labels in Chinese conventions (万 and 亿 for large counts).

use crate::data::format::{axis_label, AxisScale};

#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
}

impl Axis {
    /// An axis covering `min..=max` with about `target` intervals; `zero` forces 0 in.
    pub fn new(min: f64, max: f64, zero: bool, target: usize, percent: bool) -> Axis {
        let (mut min, mut max) = if zero { (min.min(0.0), max.max(0.0)) } else { (min, max) };
        if (max - min).abs() < f64::EPSILON {
            // One value only: give it room (from zero for bars) so the axis has a length.
            if zero {
                max = min + 1.0;
            } else {
                let pad = if max == 0.0 { 1.0 } else { max.abs() / 2.0 };
                (min, max) = (min - pad, max + pad);
            }
        }
        let step = nice_step((max - min) / target.max(1) as f64);
        let lo = (min / step).floor() * step;
        let hi = (max / step).ceil() * step;
        let n = ((hi - lo) / step).round() as usize;
        let ticks: Vec<f64> = (0..=n).map(|i| clean(lo + step * i as f64, step)).collect();
        let scale = AxisScale::for_max(lo.abs().max(hi.abs()));
        let labels = ticks
            .iter()
            .map(|t| {
                let l = axis_label(*t, step, if percent { AxisScale::One } else { scale });
                if percent && l != "0" {
                    format!("{l}%")
                } else {
                    l
                }
            })
            .collect();
        Axis { lo, hi, step, ticks, labels }
    }

    /// Where `v` falls between `from` (at `lo`) and `to` (at `hi`), in pixels.
    pub fn map(&self, v: f64, from: f64, to: f64) -> f64 {
        from + (v - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

/// The round number (1, 2, 5 × 10ⁿ) nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw > 0.0 && raw.is_finite() { raw } else { 1.0 };
    let magnitude = 10f64.powf(raw.log10().floor());
    let f = raw / magnitude;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Removes the float noise of `lo + step × i` (0.30000000000000004) so labels are stable.
fn clean(v: f64, step: f64) -> f64 {
    let digits = (-step.log10().floor()).max(0.0) as i32 + 2;
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_round_ticks_from_zero() {
        let a = Axis::new(1800.0, 7900.0, true, 5, false);
        assert_eq!(a.ticks, [0.0, 2000.0, 4000.0, 6000.0, 8000.0]);
        assert_eq!(a.labels, ["0", "2000", "4000", "6000", "8000"]);
    }

    #[test]
    fn large_counts_use_wan() {
        let a = Axis::new(0.0, 36_000_000.0, true, 5, false);
        assert_eq!(a.labels.last().unwrap(), "4000万");
        let a = Axis::new(0.0, 12016.0, true, 5, false);
        assert_eq!(a.labels, ["0", "0.5万", "1万", "1.5万"]);
    }

    #[test]
    fn percent_and_flat_series() {
        let a = Axis::new(0.0, 66.17, true, 5, true);
        assert_eq!(a.labels.last().unwrap(), "80%");
        let flat = Axis::new(5.0, 5.0, true, 5, false);
        assert!(flat.lo <= 0.0 && flat.hi >= 5.0);
        let zero = Axis::new(0.0, 0.0, true, 5, false);
        assert!(zero.hi > zero.lo);
        assert_eq!(Axis::new(0.0, 0.3, true, 3, false).labels, ["0", "0.1", "0.2", "0.3"]);
    }
}
