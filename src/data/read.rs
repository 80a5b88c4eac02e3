//! Bytes of a CSV file to records: decoded by the one rule (UTF-8 with or without a BOM,
//! UTF-16 with a BOM, or what Excel on a Chinese Windows writes, GBK/GB18030), CRLF or LF,
//! quoted fields with commas and line breaks, each record with the file line it starts on.

use crate::Diagnostic;
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

/// Decodes `bytes` by the one rule every file follows ([`crate::text::decode`]), accepting
/// what Excel on a Chinese Windows writes. A text holding a control character is refused, as
/// every text file is.
pub fn decode(rel: &Path, bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    let decoded = crate::text::decode(bytes, crate::text::Accept::Legacy)
        .map_err(|e| Diagnostic::undecodable(rel, &e))?;
    crate::load::no_control_characters(rel, &decoded.text)?;
    Ok(Decoded { text: decoded.text, encoding: decoded.encoding.name() })
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

    // one decoder for every file: the first byte that does not decode is said at its line
    #[test]
    fn undecodable_bytes_are_said_at_their_line_with_what_to_do() {
        let e = decode(Path::new("data/a.csv"), b"a,b\n1,\xd6\xd0\n\xff\xff,3\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("not UTF-8") && e.message.contains("GB18030"), "{}", e.message);
        assert!(e.hint.unwrap().contains("CSV UTF-8"));
    }

    // not `data/m.csv:1` with `iconv -f windows-1252`: that would garble a UTF-8 Chinese file
    #[test]
    fn a_damaged_line_of_a_utf8_table_is_said_at_that_line() {
        let (gb, ..) = encoding_rs::GB18030.encode("2021,一千二百\n");
        let bytes = ["年份,党员\n2020,12016\n".as_bytes(), &gb].concat();
        let e = decode(Path::new("data/m.csv"), &bytes).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("line 3 is not UTF-8"), "{}", e.message);
        let hint = e.hint.unwrap();
        assert!(!hint.contains("iconv") && hint.contains("CSV UTF-8"), "{hint}");
    }

    // the CSV reader drops one BOM after decode dropped the first; a third stayed
    #[test]
    fn repeated_boms_leave_no_trace_in_the_first_column() {
        let (d, r) = read("\u{feff}\u{feff}\u{feff}年份,党员\n2020,1\n".as_bytes());
        assert_eq!(r[0].fields, ["年份", "党员"]);
        assert!(d.text.starts_with("年份"), "the text published as the CSV copy has no BOM of its own");
        let (d, _) = read("\u{feff}\u{feff}年份,党员\n".as_bytes());
        assert!(d.text.starts_with("年份"));
    }

    #[test]
    fn quoted_line_breaks_keep_line_numbers() {
        let (_, r) = read(b"a,b\n\"x\ny\",1\n\n,\n3,4\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].fields[0], "x\ny");
        assert_eq!(r[2].line, 6);
    }
}
