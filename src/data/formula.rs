//! The CSV copy must not hand Excel a formula: a cell that starts with `=`, `@`, `+`, `-`, a
//! tab or a carriage return is run when the file is opened (`=cmd|' /C calc'!A0`, OWASP's
//! "CSV injection"). Such a cell gets a `'` before it, which makes it text; a figure
//! (`-5`, `+3`, `-1,234`, `-1.2万`) is data and keeps its sign. Only the copy is changed: the
//! dataset's page shows the cell as written.

use std::borrow::Cow;

/// `text`, a CSV file (comma-separated, `"` quoting), with every formula cell prefixed by `'`
/// and every other byte as it was.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // byte offsets where a `'` goes
    let mut at = Vec::new();
    let mut i = 0;
    while i <= bytes.len() {
        // a cell starts here
        if bytes.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut cell = String::new();
            while j < bytes.len() {
                match bytes[j] {
                    b'"' if bytes.get(j + 1) == Some(&b'"') => {
                        cell.push('"');
                        j += 2;
                    }
                    b'"' => break,
                    _ => {
                        let c = text[j..].chars().next().unwrap_or('\u{FFFD}');
                        cell.push(c);
                        j += c.len_utf8();
                    }
                }
            }
            if is_formula(&cell) {
                at.push(start);
            }
            // after the closing quote, up to the cell's end (anything there is the reader's
            // business)
            i = j + 1;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                i += 1;
            }
        } else {
            let end = bytes[i.min(bytes.len())..]
                .iter()
                .position(|b| matches!(b, b',' | b'\n' | b'\r'))
                .map_or(bytes.len(), |n| i + n);
            if is_formula(&text[i.min(end)..end]) {
                at.push(i);
            }
            i = end;
        }
        // past the cell's end: a comma starts the next cell, a line end the next record
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            Some(b'\r' | b'\n') => i += 1,
            _ => break,
        }
    }
    if at.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + at.len());
    let mut from = 0;
    for a in at {
        out.push_str(&text[from..a]);
        out.push('\'');
        from = a;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// A cell Excel would read as a formula. A lone sign (`-` for "none") is text to Excel.
fn is_formula(cell: &str) -> bool {
    match cell.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'+' | b'-') => cell.len() > 1 && !is_figure(cell),
        _ => false,
    }
}

/// A signed figure as the data stage reads one (`-1,234`, `-1.2万`, `+3元`), with nothing after
/// its sign that a formula is made of.
fn is_figure(cell: &str) -> bool {
    let rest = &cell[1..];
    !rest
        .contains(['+', '-', '*', '/', '^', '=', '&', '|', '!', '(', ')', '<', '>', '\'', '"', ';', '@', ':'])
        && super::number::parse(cell).is_ok()
}
