//! Charts drawn at build time as inline SVG (no JavaScript): bar, line, stacked bar and pie,
//! from a dataset's columns, picked out and checked by `data::chart`; `cartesian` and `pie`
//! lay a chart out, `svg` draws it; render wraps it for a page through the theme's
//! `shortcodes/chart.html`.

pub mod axis;
mod cartesian;
pub mod metrics;
pub mod palette;
mod pie;
pub mod svg;
pub mod table;

use crate::data::chart::{ChartData, Kind};

/// Lays out and draws the chart.
pub fn drawing(data: &ChartData) -> svg::Drawing {
    match data.kind {
        Kind::Pie => pie::draw(data),
        _ => cartesian::draw(data),
    }
}

/// The chart as an inline `<svg>`.
pub fn render_svg(data: &ChartData) -> String {
    render_svg_named(data, &format!("{}（{}）", data.title, data.kind.label()))
}

/// The chart as SVG, its accessible name given (the title and the kind, in the page's script).
pub fn render_svg_named(data: &ChartData, name: &str) -> String {
    drawing(data).to_svg(name, data.kind.name())
}
