//! Bytes of a CSV file to records: the encoding detected (UTF-8 with or without a BOM,
//! UTF-16 with a BOM, or what Excel on a Chinese Windows writes, GBK/GB18030), CRLF or LF,
//! quoted fields with commas and line breaks, each record with the file line it starts on.

use crate::Diagnostic;
use encoding_rs::Encoding;
use std::path::Path;

/// A file's text and the encoding it was read in.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// One CSV record: its fields, trimmed, and the 1-based line it starts on.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Decodes `bytes`: a BOM decides; valid UTF-8 is UTF-8; anything else is guessed, with the
/// Chinese web as the prior, because that is where a county's spreadsheet comes from. A text
/// holding a control character is refused, as every text file is.
pub fn decode(rel: &Path, bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    let decoded = detect(rel, bytes)?;
    crate::load::no_control_characters(rel, &decoded.text)?;
    Ok(decoded)
}

fn detect(rel: &Path, bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return finish(rel, encoding, &bytes[bom..]);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: text.to_string(), encoding: "UTF-8" });
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let encoding = detector.guess(Some(b"cn"), false);
    // encoding_rs decodes GBK with the GB18030 decoder, so four-byte GB18030 text reads too.
    let encoding = if encoding == encoding_rs::GBK { encoding_rs::GB18030 } else { encoding };
    finish(rel, encoding, bytes)
}

fn finish(rel: &Path, encoding: &'static Encoding, bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Diagnostic::new(
            rel,
            0,
            t!(
                "the file has bytes that are not valid {}; its encoding is unclear",
                "文件中有不符合 {} 编码的字节，无法确定它的编码",
                encoding.name()
            ),
        )
        .with_hint(t!(
            "save it from Excel as 「CSV UTF-8（逗号分隔）」 and build again",
            "请用 Excel 另存为「CSV UTF-8（逗号分隔）」，再重新生成"
        )));
    }
    Ok(Decoded { text: text.into_owned(), encoding: encoding.name() })
}

/// The records of `text`, blank lines and rows of empty fields skipped, fields trimmed.
pub fn records(rel: &Path, text: &str) -> Result<Vec<Record>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    // The reader's own line count is off after CRLF (each record looks one line early), so
    // lines come from the record's byte offset, which points at its first byte or, after
    // CRLF, at the `\n` just before it: both are counted by "newlines at or before".
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line_at = |byte: usize| 1 + newlines.partition_point(|&n| n <= byte);
    let mut out = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| line_at(p.byte() as usize)).unwrap_or(0);
            let problem = crate::locale::foreign_message(&e.to_string());
            Diagnostic::new(rel, line, t!("this CSV line cannot be read: {problem}", "这一行 CSV 无法读取：{problem}"))
                .with_hint(t!(
                    "check the quotes: a field with a comma or a line break is put in \"…\", and a \" inside it is written twice",
                    "请检查引号：含逗号或换行的格子要用 \"…\" 括起来，格子里的 \" 要写两次"
                ))
        })?;
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        let line = record.position().map(|p| line_at(p.byte() as usize)).unwrap_or(0);
        out.push(Record { line, fields });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> (Decoded, Vec<Record>) {
        let d = decode(Path::new("data/a.csv"), bytes).unwrap();
        let r = records(Path::new("data/a.csv"), &d.text).unwrap();
        (d, r)
    }

    #[test]
    fn utf8_with_bom_and_crlf() {
        let (d, r) = read("\u{feff}年份,党员\r\n2020,\"12,016\"\r\n2021,1\r\n".as_bytes());
        assert_eq!(r[2].line, 3);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(r[0].fields, ["年份", "党员"]);
        assert_eq!(r[1].fields, ["2020", "12,016"]);
        assert_eq!(r[1].line, 2);
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, ..) = encoding_rs::GB18030
            .encode("指标,数值\n基层党组织,504个\n党员总数,1.2万余名\n一肩挑占比,66.17%\n");
        let (d, r) = read(&bytes);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(r[2].fields, ["党员总数", "1.2万余名"]);
    }

    #[test]
    fn quoted_line_breaks_keep_line_numbers() {
        let (_, r) = read(b"a,b\n\"x\ny\",1\n\n,\n3,4\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].fields[0], "x\ny");
        assert_eq!(r[2].line, 6);
    }
}
