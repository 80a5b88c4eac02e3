//! What the number cells of an OpenDocument spreadsheet (.ods) show. calamine gives an .ods
//! cell's value (`0.2963`) but neither its number format nor its text; the file itself keeps
//! both: every cell of `content.xml` carries, beside `office:value`, the text the program
//! displayed (`<text:p>29.63%</text:p>`), written by LibreOffice, Excel and WPS alike. That
//! text is read here, so a figure of an .ods reads as it does in the program that saved it
//! (`12,016`, `29.63%`), as an .xlsx's does through its number format.
//!
//! Positions count rows and columns the way calamine does, repeats included
//! (`table:number-rows-repeated`, `table:number-columns-repeated`), so a text lands on the
//! cell calamine reads.

use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::Read;

/// Display texts by sheet name, then by (row, column), 0-based.
pub type Shown = HashMap<String, HashMap<(u32, u32), String>>;

/// content.xml larger than this is not read for display texts (the figures then read as
/// Excel's General format writes them): a bound on what a hostile file can make us inflate.
const MAX_CONTENT: u64 = 64 << 20;
/// At most this many display texts are kept, however the file repeats its cells.
const MAX_CELLS: usize = 1 << 20;

/// The display text of every number, percentage and currency cell of `bytes`, an .ods file;
/// empty when the file cannot be read that way (calamine then reports what is wrong).
pub fn shown(bytes: &[u8]) -> Shown {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return Shown::new() };
    let Ok(entry) = zip.by_name("content.xml") else { return Shown::new() };
    let mut xml = Vec::new();
    if entry.take(MAX_CONTENT).read_to_end(&mut xml).is_err() {
        return Shown::new();
    }
    read(&xml)
}

/// Where the reader is in `content.xml`.
#[derive(Default)]
struct At {
    sheet: String,
    row: u32,
    rows: u32,
    col: u32,
    /// The open cell is a figure: its repeat count and the text read so far.
    figure: Option<(u32, String)>,
    /// Inside a comment (`office:annotation`), whose text is not the cell's.
    note: u32,
    /// Inside a paragraph (`text:p`) of the open figure: only that text is shown.
    para: u32,
    paragraphs: u32,
}

fn read(xml: &[u8]) -> Shown {
    let mut out = Shown::new();
    let mut kept = 0usize;
    let mut at = At::default();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => start(&e, false, &mut at),
            Event::Empty(e) => start(&e, true, &mut at),
            Event::Text(t) if at.note == 0 && at.para > 0 => {
                if let Some((_, text)) = at.figure.as_mut() {
                    let s = t.xml10_content();
                    text.push_str(&s);
                }
            }
            // `&amp;`, `&#xA5;`: an entity or character reference between the texts
            Event::GeneralRef(r) if at.note == 0 && at.para > 0 => {
                if let Some((_, text)) = at.figure.as_mut() {
                    if let Some(s) = quick_xml::escape::resolve_xml_entity(r.as_ref()) {
                        text.push_str(s);
                    } else if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    }
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "annotation" => at.note = at.note.saturating_sub(1),
                "p" => at.para = at.para.saturating_sub(1),
                "table-row" => at.row = at.row.saturating_add(at.rows),
                "table-cell" | "covered-table-cell" => {
                    if let Some((repeat, text)) = at.figure.take() {
                        let cells = out.entry(at.sheet.clone()).or_default();
                        // a repeated figure is the same figure in each cell it covers
                        for (r, c) in
                            (0..at.rows.min(64)).flat_map(|r| (0..repeat.min(64)).map(move |c| (r, c)))
                        {
                            if kept < MAX_CELLS {
                                cells.insert(
                                    (at.row.saturating_add(r), at.col.saturating_add(c)),
                                    text.trim().to_string(),
                                );
                                kept += 1;
                            }
                        }
                        at.col = at.col.saturating_add(repeat);
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    out
}

fn start(e: &BytesStart, empty: bool, at: &mut At) {
    match e.local_name().into_inner() {
        "table" if !empty => {
            at.sheet = attr(e, "table:name").unwrap_or_default();
            at.row = 0;
        }
        "table-row" => {
            at.rows = repeat(e, "table:number-rows-repeated");
            at.col = 0;
            if empty {
                at.row = at.row.saturating_add(at.rows);
            }
        }
        "table-cell" | "covered-table-cell" => {
            let columns = repeat(e, "table:number-columns-repeated");
            let kind = attr(e, "office:value-type").unwrap_or_default();
            if !empty && matches!(kind.as_str(), "float" | "percentage" | "currency") {
                at.figure = Some((columns, String::new()));
                at.paragraphs = 0;
            } else if empty || at.figure.is_none() {
                // a text or empty cell: only its width matters (its end is not waited for)
                at.col = at.col.saturating_add(columns);
            }
        }
        "annotation" if !empty => at.note += 1,
        "p" if at.note == 0 => {
            at.para += u32::from(!empty);
            if let Some((_, text)) = at.figure.as_mut() {
                if at.paragraphs > 0 {
                    text.push('\n');
                }
                at.paragraphs += 1;
            }
        }
        "s" if at.note == 0 => {
            if let Some((_, text)) = at.figure.as_mut() {
                let n = attr(e, "text:c").and_then(|c| c.parse::<usize>().ok()).unwrap_or(1).min(64);
                text.push_str(&" ".repeat(n));
            }
        }
        _ => {}
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn repeat(e: &BytesStart, name: &str) -> u32 {
    attr(e, name).and_then(|n| n.parse::<u32>().ok()).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_read_as_shown_at_their_cells_repeats_counted() {
        let xml = br#"<office:document-content><office:body><office:spreadsheet>
<table:table table:name="&#x7EDF;&#x8BA1;">
<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
<table:table-row>
 <table:table-cell office:value-type="string"><text:p>2020</text:p></table:table-cell>
 <table:table-cell table:number-columns-repeated="2"/>
 <table:table-cell office:value-type="float" office:value="12016"><text:p>12,016</text:p></table:table-cell>
 <table:table-cell office:value-type="percentage" office:value="0.2963"><office:annotation><text:p>note 99</text:p></office:annotation><text:p>29.63%</text:p></table:table-cell>
</table:table-row>
</table:table>
<table:table table:name="B"><table:table-row><table:table-cell office:value-type="currency" office:value="5"><text:p>&#xA5;5.00</text:p></table:table-cell></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let shown = super::read(xml);
        let sheet = &shown["统计"];
        assert_eq!(sheet.get(&(2, 3)).map(String::as_str), Some("12,016"));
        assert_eq!(sheet.get(&(2, 4)).map(String::as_str), Some("29.63%"), "the comment is not the cell's");
        assert_eq!(sheet.len(), 2, "texts are not figures: {sheet:?}");
        assert_eq!(shown["B"].get(&(0, 0)).map(String::as_str), Some("¥5.00"));
    }

    #[test]
    fn huge_repeats_neither_overflow_nor_fill_memory() {
        let row = r#"<table:table-row table:number-rows-repeated="4294967295"><table:table-cell table:number-columns-repeated="4294967295" office:value-type="float"><text:p>1</text:p></table:table-cell></table:table-row>"#;
        let xml = format!("<table:table table:name=\"a\">{}</table:table>", row.repeat(3));
        let shown = super::read(xml.as_bytes());
        assert!(shown["a"].len() <= 3 * 64 * 64);
    }

    #[test]
    fn what_is_not_an_ods_gives_nothing() {
        assert!(super::shown(b"not a zip").is_empty());
        assert!(super::read(b"<a><table:table-cell office:value-type=\"float\">").is_empty());
    }
}
