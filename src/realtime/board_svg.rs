//! The whiteboard drawn as SVG on the server, for the report and for tools that cannot run the
//! browser's drawing library (an applicant tracking system, a printed page). It draws the
//! shapes people use in an interview — boxes, ellipses, diamonds, lines, arrows, free-hand
//! strokes and text — plainly, without the hand-drawn look.
//!
//! Every value is taken from the board as numbers or as checked colours, and every text is
//! escaped: a shape cannot put markup or script into the drawing.

use std::fmt::Write as _;

use serde_json::Value;

/// Space around the drawing, in board units.
const MARGIN: f64 = 20.0;

struct Shape<'a> {
    value: &'a Value,
}

impl Shape<'_> {
    fn number(&self, field: &str) -> f64 {
        self.value.get(field).and_then(Value::as_f64).filter(|n| n.is_finite()).unwrap_or(0.0)
    }

    fn text(&self, field: &str) -> &str {
        self.value.get(field).and_then(Value::as_str).unwrap_or_default()
    }

    /// A colour from the board, or `fallback` when it is not a plain colour.
    fn colour(&self, field: &str, fallback: &'static str) -> String {
        let colour = self.text(field);
        let plain = !colour.is_empty()
            && colour.len() <= 32
            && colour
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | ' ' | '%'));
        if plain { colour.to_string() } else { fallback.to_string() }
    }

    /// Points relative to the shape's origin (lines, arrows, strokes).
    fn points(&self) -> Vec<(f64, f64)> {
        let Some(points) = self.value.get("points").and_then(Value::as_array) else {
            return Vec::new();
        };
        points
            .iter()
            .filter_map(|point| {
                let pair = point.as_array()?;
                let x = pair.first()?.as_f64().filter(|n| n.is_finite())?;
                let y = pair.get(1)?.as_f64().filter(|n| n.is_finite())?;
                Some((x, y))
            })
            .collect()
    }

    /// The box the shape covers, in board coordinates.
    fn bounds(&self) -> (f64, f64, f64, f64) {
        let (x, y) = (self.number("x"), self.number("y"));
        let points = self.points();
        if points.is_empty() {
            return (x, y, x + self.number("width").max(0.0), y + self.number("height").max(0.0));
        }
        points.iter().fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(x0, y0, x1, y1), (px, py)| {
            (x0.min(x + px), y0.min(y + py), x1.max(x + px), y1.max(y + py))
        })
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Draws the shapes (already in stacking order, deleted ones left out) as one SVG document.
pub fn render(elements: &[Value]) -> String {
    let shapes: Vec<Shape> = elements.iter().map(|value| Shape { value }).collect();
    let (mut x0, mut y0, mut x1, mut y1) = (0.0_f64, 0.0_f64, 200.0_f64, 100.0_f64);
    if !shapes.is_empty() {
        (x0, y0, x1, y1) = shapes
            .iter()
            .map(Shape::bounds)
            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(a, b, c, d), (e, f, g, h)| {
                (a.min(e), b.min(f), c.max(g), d.max(h))
            });
    }
    let (width, height) = (x1 - x0 + 2.0 * MARGIN, y1 - y0 + 2.0 * MARGIN);
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {width:.1} {height:.1}" width="{width:.0}" height="{height:.0}">"##,
        x0 - MARGIN,
        y0 - MARGIN
    );
    out.push_str(r##"<rect x="-100000" y="-100000" width="200000" height="200000" fill="#ffffff"/>"##);
    for shape in &shapes {
        draw(&mut out, shape);
    }
    out.push_str("</svg>\n");
    out
}

fn draw(out: &mut String, shape: &Shape) {
    let (x, y, w, h) = (shape.number("x"), shape.number("y"), shape.number("width"), shape.number("height"));
    let stroke = shape.colour("strokeColor", "#1e1e1e");
    let fill = match shape.colour("backgroundColor", "transparent").as_str() {
        "transparent" => "none".to_string(),
        colour => colour.to_string(),
    };
    let stroke_width = shape.number("strokeWidth").clamp(0.5, 16.0);
    let opacity =
        if shape.value.get("opacity").is_some() { shape.number("opacity").clamp(0.0, 100.0) / 100.0 } else { 1.0 };
    let dash = match shape.text("strokeStyle") {
        "dashed" => format!(r#" stroke-dasharray="{:.1} {:.1}""#, stroke_width * 4.0, stroke_width * 3.0),
        "dotted" => format!(r#" stroke-dasharray="{stroke_width:.1} {:.1}""#, stroke_width * 2.0),
        _ => String::new(),
    };
    let angle = shape.number("angle").to_degrees();
    let _ = write!(
        out,
        r#"<g opacity="{opacity:.2}" transform="rotate({angle:.2} {:.1} {:.1})">"#,
        x + w / 2.0,
        y + h / 2.0
    );
    // Arrowheads are drawn solid even on a dashed line.
    let solid = format!(r#"stroke="{}" stroke-width="{stroke_width:.1}""#, escape(&stroke));
    let outline = format!("{solid}{dash}");
    let paint = format!(r#"{outline} fill="{}""#, escape(&fill));
    match shape.text("type") {
        "rectangle" | "frame" | "embeddable" | "image" => {
            let rounded = if shape.value.get("roundness").is_some_and(|r| !r.is_null()) {
                (w.min(h) * 0.25).min(32.0)
            } else {
                0.0
            };
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{rounded:.1}" {paint}/>"#
            );
        }
        "ellipse" => {
            let _ = write!(
                out,
                r#"<ellipse cx="{:.1}" cy="{:.1}" rx="{:.1}" ry="{:.1}" {paint}/>"#,
                x + w / 2.0,
                y + h / 2.0,
                w / 2.0,
                h / 2.0
            );
        }
        "diamond" => {
            let _ = write!(
                out,
                r#"<polygon points="{:.1},{y:.1} {:.1},{:.1} {:.1},{:.1} {x:.1},{:.1}" {paint}/>"#,
                x + w / 2.0,
                x + w,
                y + h / 2.0,
                x + w / 2.0,
                y + h,
                y + h / 2.0
            );
        }
        "line" | "arrow" | "freedraw" => {
            draw_path(out, shape, x, y, Strokes { solid: &solid, outline: &outline, paint: &paint })
        }
        "text" => draw_text(out, shape, x, y, w, &stroke),
        _ => {}
    }
    out.push_str("</g>");
}

/// The attributes a path is drawn with: `solid` for arrowheads, `outline` (dashes included) for
/// an open path, `paint` (with the fill) for a closed one.
struct Strokes<'a> {
    solid: &'a str,
    outline: &'a str,
    paint: &'a str,
}

fn draw_path(out: &mut String, shape: &Shape, x: f64, y: f64, strokes: Strokes) {
    let Strokes { solid, outline, paint } = strokes;
    let points = shape.points();
    if points.is_empty() {
        return;
    }
    let path: Vec<String> = points.iter().map(|(px, py)| format!("{:.1},{:.1}", x + px, y + py)).collect();
    let closed = shape.text("type") == "line" && points.len() > 2 && points.first() == points.last();
    let (element, paint) =
        if closed { ("polygon", paint.to_string()) } else { ("polyline", format!(r#"{outline} fill="none""#)) };
    let _ = write!(
        out,
        r#"<{element} points="{}" {paint} stroke-linecap="round" stroke-linejoin="round"/>"#,
        path.join(" ")
    );
    if shape.text("type") != "arrow" {
        return;
    }
    let ends = [
        ("endArrowhead", points.len().checked_sub(1), points.len().checked_sub(2)),
        ("startArrowhead", Some(0), Some(1)),
    ];
    for (field, tip, before) in ends {
        let has_head = shape.value.get(field).is_some_and(|head| !head.is_null());
        if let (true, Some(tip), Some(before)) = (has_head, tip, before) {
            let ((tx, ty), (bx, by)) = (points[tip], points[before]);
            let direction = (ty - by).atan2(tx - bx);
            let length = 12.0 + shape.number("strokeWidth").clamp(0.5, 16.0) * 2.0;
            let wing = |turn: f64| {
                let a = direction + std::f64::consts::PI + turn;
                format!("{:.1},{:.1}", x + tx + length * a.cos(), y + ty + length * a.sin())
            };
            let _ = write!(
                out,
                r#"<polyline points="{} {:.1},{:.1} {}" {solid} fill="none" stroke-linecap="round"/>"#,
                wing(0.45),
                x + tx,
                y + ty,
                wing(-0.45),
            );
        }
    }
}

fn draw_text(out: &mut String, shape: &Shape, x: f64, y: f64, w: f64, stroke: &str) {
    let size = match shape.number("fontSize") {
        size if size > 0.0 => size.min(400.0),
        _ => 20.0,
    };
    let (anchor, left) = match shape.text("textAlign") {
        "center" => ("middle", x + w / 2.0),
        "right" => ("end", x + w),
        _ => ("start", x),
    };
    let family = match shape.number("fontFamily") as i64 {
        3 | 8 => "monospace",
        _ => "sans-serif",
    };
    let _ = write!(
        out,
        r#"<text x="{left:.1}" y="{y:.1}" font-size="{size:.1}" font-family="{family}" fill="{}" text-anchor="{anchor}" dominant-baseline="text-before-edge">"#,
        escape(stroke)
    );
    for (i, line) in shape.text("text").lines().enumerate() {
        let dy = if i == 0 { 0.0 } else { size * 1.25 };
        let _ = write!(out, r#"<tspan x="{left:.1}" dy="{dy:.1}">{}</tspan>"#, escape(line));
    }
    out.push_str("</text>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn draws_each_kind_of_shape_and_escapes_text() {
        let board = [
            json!({"type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 50, "strokeColor": "#1971c2", "backgroundColor": "transparent"}),
            json!({"type": "ellipse", "x": 150, "y": 0, "width": 80, "height": 40}),
            json!({"type": "arrow", "x": 100, "y": 25, "points": [[0, 0], [50, 0]], "endArrowhead": "arrow"}),
            json!({"type": "text", "x": 10, "y": 60, "width": 80, "text": "<script>alert(1)</script>\nAPI", "fontSize": 16}),
        ];
        let svg = render(&board);
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        for part in ["<rect x=\"0.0\"", "<ellipse", "<polyline", "&lt;script&gt;", ">API</tspan>"] {
            assert!(svg.contains(part), "{part} in {svg}");
        }
        assert!(!svg.contains("<script"), "text is escaped");
    }

    #[test]
    fn colours_that_are_not_plain_fall_back() {
        let board = [json!({"type": "rectangle", "x": 0, "y": 0, "width": 10, "height": 10,
            "strokeColor": "red\" onload=\"alert(1)", "backgroundColor": "url(javascript:x)"})];
        let svg = render(&board);
        assert!(!svg.contains("onload") && !svg.contains("javascript"), "{svg}");
    }
}
