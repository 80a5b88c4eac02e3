//! The privacy guard over published files as they are, not only text: an attachment is the
//! commonest way a disclosure site leaks a list of names and ID numbers. Text files are read in
//! their encoding (UTF-8, UTF-16 with a BOM, GB18030); Office files (xlsx, docx, odt…) are zip
//! archives whose XML is read entry by entry; a PDF's deflated content streams are inflated.
//! Anything else is read for the runs of readable text in it (as `strings` does): the
//! metadata of an image or a PDF stored uncompressed.
//!
//! What is not seen: text a PDF draws with a font's own glyph numbers (CID fonts, common for
//! Chinese), and text in images. The hint says so.

use super::{check_text, check_value, Allow};
use crate::Diagnostic;
use std::io::Read;
use std::path::Path;

/// Never inflate more than this from one file: a zip bomb must not take the build down.
const MAX_INFLATED: u64 = 64 << 20;

const TEXT: [&str; 12] = ["html", "htm", "css", "js", "mjs", "txt", "svg", "csv", "json", "xml", "md", "tsv"];
const ZIP: [&str; 10] = ["xlsx", "xlsm", "docx", "pptx", "odt", "ods", "odp", "zip", "epub", "wps"];

/// Every personal number in the file `rel` (its name and its bytes).
pub fn check_file(rel: &Path, bytes: &[u8]) -> Vec<Diagnostic> {
    check_file_allowing(rel, bytes, &Allow::default())
}

/// [`check_file`] less the numbers `allow` lets through: a spreadsheet in `data/` is published
/// as it is, and its description's `privacy_allow` must hold for the file as for its cells.
pub fn check_file_allowing(rel: &Path, bytes: &[u8], allow: &Allow) -> Vec<Diagnostic> {
    let mut found = super::check_path(rel);
    let ext = rel.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if TEXT.contains(&ext.as_str()) {
        found.extend(check_text(rel, &decode(bytes), allow));
    } else if ZIP.contains(&ext.as_str()) || bytes.starts_with(b"PK\x03\x04") {
        for (entry, text) in zip_entries(bytes) {
            found.extend(in_runs(rel, &text, allow).into_iter().map(|d| {
                let message = format!("{} (in {entry})", d.message);
                Diagnostic { message, ..d }
            }));
        }
    } else if ext == "pdf" || bytes.starts_with(b"%PDF") {
        found.extend(in_runs(rel, &String::from_utf8_lossy(bytes), allow));
        for stream in pdf_streams(bytes) {
            found.extend(in_runs(rel, &String::from_utf8_lossy(&stream), allow));
        }
    } else {
        found.extend(in_runs(rel, &String::from_utf8_lossy(bytes), allow));
    }
    found.dedup();
    found
}

/// UTF-8, UTF-16 with its BOM, or GB18030 (the encodings Chinese Windows tools save in).
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// The numbers in the readable runs of a binary's text: long enough to hold a number, with a
/// digit in them. Reading runs, not the whole file, keeps a large image cheap.
fn in_runs(rel: &Path, text: &str, allow: &Allow) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for run in text.split(|c: char| c == '\u{FFFD}' || c.is_control() && c != '\n' && c != '\t') {
        if run.chars().count() >= 8 && run.chars().any(|c| c.is_numeric()) {
            found.extend(check_value(rel, 0, run, allow).into_iter().map(|d| Diagnostic {
                hint: Some("remove the number from the file, or mask it, before publishing it; gongkai reads text, Office files and PDF text, not scanned images".into()),
                ..d
            }));
        }
    }
    found
}

/// Each entry of a zip archive, inflated and decoded.
fn zip_entries(bytes: &[u8]) -> Vec<(String, String)> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return Vec::new() };
    let mut out = Vec::new();
    let mut budget = MAX_INFLATED;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else { continue };
        // an entry whose name does not decode is read all the same: its text is what matters
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("entry {i}"));
        let mut data = Vec::new();
        if entry.take(budget).read_to_end(&mut data).is_err() {
            continue;
        }
        budget = budget.saturating_sub(data.len() as u64);
        out.push((name, decode(&data)));
        if budget == 0 {
            break;
        }
    }
    out
}

/// The deflated streams of a PDF (`stream … endstream` with FlateDecode), inflated.
fn pdf_streams(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut budget = MAX_INFLATED;
    let mut at = 0;
    while let Some(start) = find(&bytes[at..], b"stream").map(|i| at + i + b"stream".len()) {
        let body = match bytes[start..] {
            [b'\r', b'\n', ..] => start + 2,
            [b'\n', ..] => start + 1,
            _ => {
                at = start;
                continue;
            }
        };
        let Some(end) = find(&bytes[body..], b"endstream").map(|i| body + i) else { break };
        let mut data = Vec::new();
        let inflated = flate2::read::ZlibDecoder::new(&bytes[body..end]).take(budget).read_to_end(&mut data);
        if inflated.is_ok() || !data.is_empty() {
            budget = budget.saturating_sub(data.len() as u64);
            out.push(data);
        }
        at = end;
        if budget == 0 {
            break;
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn text_in_other_encodings_and_inside_office_and_pdf_files() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("电话13812345678".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(check_file(Path::new("static/a.txt"), &utf16).len(), 1);
        let (gb, ..) = encoding_rs::GB18030.encode("名单，电话１３８１２３４５６７８");
        assert_eq!(check_file(Path::new("static/a.csv"), &gb).len(), 1);

        let mut zipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zipped.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zipped.write_all(b"<si><t>11010519491231002X</t></si>").unwrap();
        let xlsx = zipped.finish().unwrap().into_inner();
        let d = check_file(Path::new("static/名单.xlsx"), &xlsx);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("sharedStrings.xml"));

        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"BT (13812345678) Tj ET").unwrap();
        let pdf = [
            b"%PDF-1.4\n1 0 obj<</Filter/FlateDecode>>stream\n".to_vec(),
            z.finish().unwrap(),
            b"\nendstream".to_vec(),
        ]
        .concat();
        assert_eq!(check_file(Path::new("static/a.pdf"), &pdf).len(), 1);
        assert!(
            check_file(Path::new("static/a.png"), b"\x89PNG\x00\x01tEXtComment\x00tel 13812345678\x00").len()
                == 1
        );
        assert!(check_file(Path::new("static/a.png"), b"\x89PNG\x00\x01\x02 2024-10-01 \xff").is_empty());
    }
}
