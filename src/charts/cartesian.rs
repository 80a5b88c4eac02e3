//! Layout of the charts with a value axis (bar, stacked bar, line): legend, unit, value
//! axis with round ticks, category labels wrapped to their slot. Every label's box is known
//! before it is placed, and the canvas grows downwards to hold them, so nothing overlaps or
//! is cut off, whatever the length of the Chinese labels.

use super::axis::Axis;
use super::metrics::{widest_unbreakable, width, wrap};
use super::palette::{self, AXIS, GRID};
use super::svg::{line_height, Anchor, Drawing, Shape, ASCENT, DESCENT};
use crate::data::chart::{ChartData, Kind};

pub const WIDTH: f64 = 520.0;
pub const PAD: f64 = 12.0;
const PLOT_HEIGHT: f64 = 220.0;
const TICK: f64 = 14.0;
const SMALL: f64 = 13.0;
pub const LEGEND: f64 = 14.0;

/// The plot area and the width of one category.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    slot: f64,
}

impl Frame {
    fn centre(&self, i: usize) -> f64 {
        self.left + self.slot * (i as f64 + 0.5)
    }
}

pub fn draw(data: &ChartData) -> Drawing {
    let mut d = Drawing { width: WIDTH, ..Default::default() };
    let mut top = PAD;
    if data.series.len() > 1 || data.kind == Kind::Stacked {
        let names: Vec<&str> = data.series.iter().map(|s| s.name.as_str()).collect();
        top = legend(&mut d, &names, data.kind == Kind::Line, top);
    }
    let percent = data.unit.as_deref() == Some("%");
    if let Some(unit) = data.unit.as_deref().filter(|_| !percent) {
        d.label(PAD, top, format!("{}：{unit}", data.unit_word), SMALL, Anchor::Start);
        top += line_height(SMALL);
    }
    let axis = value_axis(data, percent);
    let left = PAD + axis.labels.iter().map(|l| width(l, TICK)).fold(0.0, f64::max) + 8.0;
    let slot = (WIDTH - PAD - left) / data.categories.len().max(1) as f64;
    let values = value_lines(data, slot);
    let value_rows = values.as_ref().map_or(0, |v| v.iter().map(Vec::len).max().unwrap_or(0));
    top += line_height(SMALL) * value_rows as f64;
    let plot_top = top + (ASCENT + DESCENT) / 2.0 * TICK + 2.0;
    let f = Frame { left, right: WIDTH - PAD, top: plot_top, bottom: plot_top + PLOT_HEIGHT, slot };
    grid(&mut d, &axis, &f);
    match data.kind {
        Kind::Stacked => stacked(&mut d, data, &axis, &f),
        Kind::Line => lines(&mut d, data, &axis, &f),
        _ => bars(&mut d, data, &axis, &f),
    }
    if let Some(values) = values {
        value_labels(&mut d, data, &values, &axis, &f);
    }
    d.height = category_labels(&mut d, &data.categories, &f) + PAD;
    d
}

/// Legend entries in rows that wrap at the canvas width; returns the top below them.
pub fn legend(d: &mut Drawing, names: &[&str], line: bool, top: f64) -> f64 {
    let (mut x, mut y) = (PAD, top);
    let row = line_height(LEGEND);
    for (i, name) in names.iter().enumerate() {
        let text = wrap(name, LEGEND, WIDTH - 2.0 * PAD - 20.0, 1).remove(0);
        let item = 20.0 + width(&text, LEGEND);
        if x > PAD && x + item > WIDTH - PAD {
            (x, y) = (PAD, y + row);
        }
        swatch(d, i, x, y + (row - 2.0) / 2.0, line);
        d.label(x + 20.0, y, text, LEGEND, Anchor::Start);
        x += item + 16.0;
    }
    y + row
}

/// The key of series `i`, centred vertically on `mid`.
pub fn swatch(d: &mut Drawing, i: usize, x: f64, mid: f64, line: bool) {
    let color = palette::series(i);
    if line {
        d.shapes.push(Shape::Line { points: vec![(x, mid), (x + 14.0, mid)], color, width: 2 });
        d.shapes.push(Shape::Marker { at: (x + 7.0, mid), kind: i, color });
    } else {
        d.shapes.push(Shape::Rect { x0: x, y0: mid - 6.0, x1: x + 12.0, y1: mid + 6.0, fill: color });
    }
}

fn value_axis(data: &ChartData, percent: bool) -> Axis {
    let values = data.series.iter().flat_map(|s| s.values.iter().flatten().copied());
    let (mut min, mut max) =
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if data.kind == Kind::Stacked {
        max = (0..data.categories.len())
            .map(|i| data.series.iter().filter_map(|s| s.values[i]).sum::<f64>())
            .fold(0.0, f64::max);
    }
    if !min.is_finite() {
        (min, max) = (0.0, 0.0);
    }
    // Bars start at zero or they lie; a line may zoom in on a range far from zero.
    let zero = data.kind != Kind::Line || min <= 0.0 || min <= max / 2.0;
    Axis::new(min, max, zero, 5, percent)
}

fn grid(d: &mut Drawing, axis: &Axis, f: &Frame) {
    for (t, label) in axis.ticks.iter().zip(&axis.labels) {
        let y = axis.map(*t, f.bottom, f.top);
        d.shapes.push(Shape::Line { points: vec![(f.left, y), (f.right, y)], color: GRID, width: 1 });
        d.label(f.left - 6.0, y - (ASCENT + DESCENT) / 2.0 * TICK, label.clone(), TICK, Anchor::End);
    }
}

fn baseline(d: &mut Drawing, axis: &Axis, f: &Frame) {
    let y = axis.map(0.0_f64.clamp(axis.lo, axis.hi), f.bottom, f.top);
    d.shapes.push(Shape::Line { points: vec![(f.left, y), (f.right, y)], color: AXIS, width: 1 });
}

fn bars(d: &mut Drawing, data: &ChartData, axis: &Axis, f: &Frame) {
    let n = data.series.len() as f64;
    let group = (f.slot * 0.64).min(48.0 * n);
    for (j, s) in data.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let x0 = f.centre(i) - group / 2.0 + group / n * j as f64;
            let (y0, y1) = (axis.map(v.max(0.0), f.bottom, f.top), axis.map(v.min(0.0), f.bottom, f.top));
            d.shapes.push(Shape::Rect { x0, y0, x1: x0 + group / n, y1, fill: palette::series(j) });
        }
    }
    baseline(d, axis, f);
}

fn stacked(d: &mut Drawing, data: &ChartData, axis: &Axis, f: &Frame) {
    let w = (f.slot * 0.64).min(64.0);
    for i in 0..data.categories.len() {
        let mut acc = 0.0;
        for (j, s) in data.series.iter().enumerate() {
            let Some(v) = s.values[i].filter(|v| *v > 0.0) else { continue };
            let (y0, y1) = (axis.map(acc + v, f.bottom, f.top), axis.map(acc, f.bottom, f.top));
            let x0 = f.centre(i) - w / 2.0;
            d.shapes.push(Shape::Rect { x0, y0, x1: x0 + w, y1, fill: palette::series(j) });
            acc += v;
        }
    }
    baseline(d, axis, f);
}

/// One polyline a series, broken where a figure is missing, with a marker on each point.
fn lines(d: &mut Drawing, data: &ChartData, axis: &Axis, f: &Frame) {
    baseline(d, axis, f);
    for (j, s) in data.series.iter().enumerate() {
        let color = palette::series(j);
        let points: Vec<Option<(f64, f64)>> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| v.map(|v| (f.centre(i), axis.map(v, f.bottom, f.top))))
            .collect();
        for run in points.split(Option::is_none).filter(|r| r.len() > 1) {
            d.shapes.push(Shape::Line { points: run.iter().flatten().copied().collect(), color, width: 2 });
        }
        for at in points.iter().flatten() {
            d.shapes.push(Shape::Marker { at: *at, kind: j, color });
        }
    }
}

/// The cells' own text above the bars, wrapped to at most two lines (`1800余` / `场次`),
/// when there is one series of figures at or above zero and every text fits its slot.
fn value_lines(data: &ChartData, slot: f64) -> Option<Vec<Vec<String>>> {
    let [s] = data.series.as_slice() else { return None };
    if data.kind != Kind::Bar || s.values.iter().any(|v| v.is_some_and(|v| v < 0.0)) {
        return None;
    }
    let lines: Vec<Vec<String>> = s.texts.iter().map(|t| wrap(t, SMALL, slot - 4.0, 2)).collect();
    lines.iter().zip(&s.texts).all(|(l, t)| l.concat() == *t).then_some(lines)
}

fn value_labels(d: &mut Drawing, data: &ChartData, values: &[Vec<String>], axis: &Axis, f: &Frame) {
    let row = line_height(SMALL);
    for (i, (v, lines)) in data.series[0].values.iter().zip(values).enumerate() {
        let Some(v) = v else { continue };
        let top = axis.map(*v, f.bottom, f.top) - row * lines.len() as f64;
        for (k, line) in lines.iter().enumerate() {
            d.label(f.centre(i), top + row * k as f64, line.clone(), SMALL, Anchor::Middle);
        }
    }
}

/// Category names under their slots, wrapped to up to three lines; returns the bottom. Slots
/// too narrow for a name (a long, sampled dataset) get one name every few slots, each with
/// the width of the slots it stands for, so that names never run into each other.
fn category_labels(d: &mut Drawing, categories: &[String], f: &Frame) -> f64 {
    let row = line_height(TICK);
    let mut lines_used = 1;
    // a slot narrower than two characters cannot hold a name, even wrapped to three lines, nor
    // one narrower than the widest figure among them: a sampled run of years showed `2…`
    let widest = categories.iter().map(|c| widest_unbreakable(c, TICK)).fold(0.0, f64::max);
    let need = widest.clamp(2.0 * TICK, 8.0 * TICK);
    let every = ((need + 6.0) / f.slot).ceil().max(1.0) as usize;
    for (i, c) in categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let lines = wrap(c, TICK, f.slot * every as f64 - 6.0, 3);
        lines_used = lines_used.max(lines.len());
        for (k, line) in lines.into_iter().enumerate() {
            d.label(f.centre(i), f.bottom + 6.0 + row * k as f64, line, TICK, Anchor::Middle);
        }
    }
    f.bottom + 6.0 + row * lines_used as f64
}
