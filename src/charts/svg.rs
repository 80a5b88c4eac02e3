//! A chart as a list of shapes and labels, turned into one inline `<svg>`. Plotters draws
//! the shapes through its SVG backend; the labels are written here as `<text>` because
//! plotters (without fonts) cannot measure Chinese text, and every label was already placed
//! with real metrics (see `metrics`). Output is byte-identical for identical input:
//! coordinates are whole pixels from plotters and one-decimal numbers from `num`.

use super::metrics::FONT_STACK;
use super::palette::{self, OUTLINE};
use plotters::prelude::*;

type Rgb = (u8, u8, u8);

/// Vertical metrics of Noto Sans CJK (hhea ascent 1.160 em, descent 0.288 em): a browser's
/// box for a line of text reaches that far above and below the baseline.
pub const ASCENT: f64 = 1.16;
pub const DESCENT: f64 = 0.29;
/// The height a line of labels takes, box plus a little air.
pub fn line_height(size: f64) -> f64 {
    (ASCENT + DESCENT) * size + 2.0
}

#[derive(Debug, Clone)]
pub enum Shape {
    /// A filled rectangle with a dark outline.
    Rect { x0: f64, y0: f64, x1: f64, y1: f64, fill: Rgb },
    /// An open polyline (grid, axis, data line).
    Line { points: Vec<(f64, f64)>, color: Rgb, width: u32 },
    /// A filled polygon with a dark outline (pie slices).
    Polygon { points: Vec<(f64, f64)>, fill: Rgb },
    /// A data point: circle, square, triangle or cross by series, so lines differ in grey.
    Marker { at: (f64, f64), kind: usize, color: Rgb },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub x: f64,
    /// The top of the line's box; the baseline is `ASCENT × size` below.
    pub top: f64,
    pub text: String,
    pub size: f64,
    pub anchor: Anchor,
}

/// Shapes and labels on a `width` × `height` canvas.
#[derive(Debug, Clone, Default)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
    pub labels: Vec<Label>,
}

impl Drawing {
    pub fn label(&mut self, x: f64, top: f64, text: impl Into<String>, size: f64, anchor: Anchor) {
        self.labels.push(Label { x, top, text: text.into(), size, anchor });
    }

    /// The whole `<svg>`: scalable (viewBox, `max-width:100%`), named for screen readers.
    pub fn to_svg(&self, title: &str, kind: &str) -> String {
        let (w, h) = (self.width.ceil() as u32, self.height.ceil() as u32);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg chart-svg-{kind}\" viewBox=\"0 0 {w} {h}\" \
             width=\"{w}\" height=\"{h}\" style=\"max-width:100%;height:auto\" role=\"img\" aria-label=\"{t}\" \
             font-family=\"{FONT_STACK}\" fill=\"{text}\">\n<title>{t}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\n",
            t = escape(title),
            text = palette::TEXT,
        );
        out.push_str(&self.shapes_svg(w, h));
        for l in &self.labels {
            let anchor = match l.anchor {
                Anchor::Start => "",
                Anchor::Middle => " text-anchor=\"middle\"",
                Anchor::End => " text-anchor=\"end\"",
            };
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{anchor}>{}</text>\n",
                num(l.x),
                num(l.top + ASCENT * l.size),
                num(l.size),
                escape(&l.text)
            ));
        }
        out.push_str("</svg>");
        out
    }

    /// The shapes as plotters writes them, without its `<svg>` wrapper.
    fn shapes_svg(&self, w: u32, h: u32) -> String {
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
            for shape in &self.shapes {
                // Drawing into a String cannot fail; a failure would only lose one shape.
                let _ = draw(&root, shape);
            }
            let _ = root.present();
        }
        let start = buf.find(">\n").map(|i| i + 2).unwrap_or(0);
        let end = buf.rfind("</svg>").unwrap_or(buf.len());
        buf[start..end].to_string()
    }
}

fn px((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn color((r, g, b): Rgb) -> RGBColor {
    RGBColor(r, g, b)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area, shape: &Shape) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let outline = ShapeStyle { color: color(OUTLINE).to_rgba(), filled: false, stroke_width: 1 };
    match shape {
        Shape::Rect { x0, y0, x1, y1, fill } => {
            let corners = [px((*x0, *y0)), px((*x1, *y1))];
            root.draw(&Rectangle::new(corners, color(*fill).filled()))?;
            root.draw(&Rectangle::new(corners, outline))
        }
        Shape::Line { points, color: c, width } => {
            let pts: Vec<(i32, i32)> = points.iter().copied().map(px).collect();
            root.draw(&PathElement::new(pts, color(*c).stroke_width(*width)))
        }
        Shape::Polygon { points, fill } => {
            let pts: Vec<(i32, i32)> = points.iter().copied().map(px).collect();
            root.draw(&Polygon::new(pts.clone(), color(*fill).filled()))?;
            let mut closed = pts;
            closed.push(closed[0]);
            root.draw(&PathElement::new(closed, outline))
        }
        Shape::Marker { at, kind, color: c } => marker(root, px(*at), *kind, color(*c)),
    }
}

fn marker(
    root: &Area,
    at: (i32, i32),
    kind: usize,
    c: RGBColor,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let outline = ShapeStyle { color: color(OUTLINE).to_rgba(), filled: false, stroke_width: 1 };
    match kind % 4 {
        0 => {
            root.draw(&Circle::new(at, 4, c.filled()))?;
            root.draw(&Circle::new(at, 4, outline))
        }
        1 => {
            let corners = [(at.0 - 4, at.1 - 4), (at.0 + 4, at.1 + 4)];
            root.draw(&Rectangle::new(corners, c.filled()))?;
            root.draw(&Rectangle::new(corners, outline))
        }
        2 => root.draw(&TriangleMarker::new(at, 6, c.filled())),
        _ => root.draw(&Cross::new(at, 5, c.stroke_width(2))),
    }
}

/// A coordinate with at most one decimal, written the same way on every machine.
pub fn num(v: f64) -> String {
    crate::data::format::fixed(v, 1)
}

/// Escapes text for XML and HTML, attributes included.
pub fn escape(s: &str) -> String {
    crate::text::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_one_element_with_text_on_top() {
        let mut d = Drawing { width: 100.0, height: 50.0, ..Default::default() };
        d.shapes.push(Shape::Rect { x0: 10.0, y0: 10.0, x1: 20.4, y1: 40.0, fill: (1, 2, 3) });
        d.label(50.0, 5.0, "党员<1>", 12.0, Anchor::Middle);
        let svg = d.to_svg("标题", "bar");
        assert!(svg.starts_with("<svg xmlns=") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains("<rect x=\"10\" y=\"10\" width=\"10\" height=\"30\""), "{svg}");
        assert!(svg.contains(">党员&lt;1&gt;</text>"));
        assert!(svg.contains("y=\"18.9\""), "{svg}");
        assert!(svg.find("<rect x=").unwrap() < svg.find("<text").unwrap());
    }
}
