//! Layout of a pie chart: the pie, and a legend giving each part's name, its figure as the
//! CSV writes it and its share. The legend sits beside the pie when it fits and below it
//! otherwise, so no label is ever drawn over a slice or another label.

use super::cartesian::{swatch, LEGEND, PAD, WIDTH};
use super::metrics::{width, wrap};
use super::palette;
use super::svg::{line_height, Anchor, Drawing, Shape};
use crate::data::chart::ChartData;
use crate::data::format::fixed;
use std::f64::consts::PI;

const DIAMETER: f64 = 200.0;
const GAP: f64 = 24.0;

pub fn draw(data: &ChartData) -> Drawing {
    let s = &data.series[0];
    let total: f64 = s.values.iter().flatten().sum();
    let entries: Vec<String> = data
        .categories
        .iter()
        .zip(s.values.iter().zip(&s.texts))
        .map(|(name, (v, text))| match v {
            Some(v) => format!("{name}：{text}（{}%）", fixed(v / total * 100.0, 1)),
            None => format!("{name}：—"),
        })
        .collect();
    let mut d = Drawing { width: WIDTH, ..Default::default() };
    let beside = WIDTH - 2.0 * PAD - DIAMETER - GAP;
    let fits_beside = entries.iter().all(|e| 20.0 + width(e, LEGEND) <= beside);
    let row = line_height(LEGEND);
    let legend_h = row * entries.len() as f64;
    let centre = if fits_beside {
        let pie_top = PAD + (legend_h - DIAMETER).max(0.0) / 2.0;
        let legend_top = PAD + (DIAMETER - legend_h).max(0.0) / 2.0;
        legend(&mut d, &entries, PAD + DIAMETER + GAP, legend_top, beside);
        d.height = PAD + DIAMETER.max(legend_h) + PAD;
        (PAD + DIAMETER / 2.0, pie_top + DIAMETER / 2.0)
    } else {
        let bottom = legend(&mut d, &entries, PAD, PAD + DIAMETER + GAP / 2.0, WIDTH - 2.0 * PAD);
        d.height = bottom + PAD;
        (WIDTH / 2.0, PAD + DIAMETER / 2.0)
    };
    slices(&mut d, &s.values, total, centre);
    d
}

/// One legend line per part, each wrapped to one line of `max` width; returns the bottom.
fn legend(d: &mut Drawing, entries: &[String], x: f64, top: f64, max: f64) -> f64 {
    let row = line_height(LEGEND);
    for (i, e) in entries.iter().enumerate() {
        let y = top + row * i as f64;
        swatch(d, i, x, y + (row - 2.0) / 2.0, false);
        let text = wrap(e, LEGEND, max - 20.0, 1).remove(0);
        d.label(x + 20.0, y, text, LEGEND, Anchor::Start);
    }
    top + row * entries.len() as f64
}

/// Slices clockwise from twelve o'clock, each a polygon along its arc (2° steps).
fn slices(d: &mut Drawing, values: &[Option<f64>], total: f64, (cx, cy): (f64, f64)) {
    let r = DIAMETER / 2.0;
    let point = |a: f64| (cx + r * a.sin(), cy - r * a.cos());
    let mut start = 0.0;
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v.filter(|v| *v > 0.0) else { continue };
        let sweep = v / total * 2.0 * PI;
        let steps = ((sweep / (2.0f64).to_radians()).ceil() as usize).max(1);
        let arc = (0..=steps).map(|k| point(start + sweep * k as f64 / steps as f64));
        let points: Vec<(f64, f64)> = if sweep >= 2.0 * PI - 1e-9 {
            arc.take(steps).collect()
        } else {
            std::iter::once((cx, cy)).chain(arc).collect()
        };
        d.shapes.push(Shape::Polygon { points, fill: palette::series(i) });
        start += sweep;
    }
}
