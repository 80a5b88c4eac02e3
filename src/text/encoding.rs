//! Bytes to text, one rule for every file gongkai reads: UTF-8, with or without a BOM; and,
//! where the caller accepts more ([`Accept::Legacy`]), UTF-16 with its BOM, then GB18030, what
//! Excel, Notepad and WPS on a Chinese Windows save in (it reads GBK too). A byte that does
//! not decode is an [`Undecodable`] with its line, never a replacement character, except in
//! [`decode_lossy`] for a scanner that must read whatever it is given.
//!
//! No detector chooses the legacy encoding: GB18030 decodes nearly any bytes, and a guess on a
//! short table (mostly digits) is as likely to be wrong as right. The detector only names what a
//! refused file looks like, for the hint.

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};

/// The encodings a caller accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// UTF-8, UTF-16 with a BOM, else GB18030: data tables and bulletins come from Excel and
    /// Notepad as they were saved, and the privacy guard reads whatever is published.
    Legacy,
    /// UTF-8 alone: the site's own sources (Markdown, templates, `site.toml`) go into the
    /// release store, which reads them back as UTF-8 for revision diffs, and masking rewrites
    /// them as UTF-8; a file in another encoding there would break its history or change
    /// encoding behind its editor's back.
    Utf8,
}

/// A file's text, the encoding it was read in, and the length of the BOM it started with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub bom: usize,
}

/// Bytes that do not decode: where, in what, and what the file looks like instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// The encoding the bytes were read in: the one a BOM names, UTF-8, or GB18030.
    pub tried: &'static Encoding,
    /// Whether a byte-order mark chose `tried`.
    pub bom: bool,
    /// The first byte that does not decode, counted from the start of the file (from 0).
    pub offset: usize,
    /// The 1-based line holding it.
    pub line: usize,
    /// What a detector takes the whole file for.
    pub looks_like: &'static Encoding,
}

/// `bytes` as text, by the rule above.
pub fn decode(bytes: &[u8], accept: Accept) -> Result<Decoded, Undecodable> {
    let (encoding, bom) = choose(bytes, accept);
    if encoding == UTF_8 {
        // the common case, without a decoder's copy loop
        return match std::str::from_utf8(&bytes[bom..]) {
            Ok(text) => Ok(Decoded { text: text.to_string(), encoding, bom }),
            Err(e) => Err(undecodable(bytes, encoding, bom, bom + e.valid_up_to())),
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let mut read = bom;
    loop {
        let rest = &bytes[read..];
        text.reserve(decoder.max_utf8_buffer_length_without_replacement(rest.len()).unwrap_or(rest.len()));
        let (result, consumed) = decoder.decode_to_string_without_replacement(rest, &mut text, true);
        read += consumed;
        match result {
            DecoderResult::InputEmpty => return Ok(Decoded { text, encoding, bom }),
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, after) => {
                let offset = read - usize::from(bad) - usize::from(after);
                return Err(undecodable(bytes, encoding, bom, offset));
            }
        }
    }
}

/// `bytes` as text by the same rule, legacy bytes as GB18030, and what does not decode as
/// U+FFFD: for the privacy guard, which reads every file it is given and decides nothing by it.
pub fn decode_lossy(bytes: &[u8]) -> Decoded {
    let (encoding, bom) = choose(bytes, Accept::Legacy);
    let text = encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    Decoded { text, encoding, bom }
}

/// The encoding `bytes` are read in and the length of their BOM.
fn choose(bytes: &[u8], accept: Accept) -> (&'static Encoding, usize) {
    let (encoding, mut bom) = match (accept, Encoding::for_bom(bytes)) {
        (_, Some((found, bom))) if found == UTF_8 => (UTF_8, bom),
        (Accept::Legacy, Some(found)) => found,
        (Accept::Legacy, None) => match std::str::from_utf8(bytes) {
            Err(e) if !utf8_text(&bytes[..e.valid_up_to()]) => (legacy(bytes), 0),
            _ => (UTF_8, 0),
        },
        _ => (UTF_8, 0),
    };
    // a tool that adds a BOM to a file that has one leaves two: the second is no text either
    while bom > 0 && Encoding::for_bom(&bytes[bom..]).is_some_and(|(e, _)| e == encoding) {
        bom += Encoding::for_bom(&bytes[bom..]).map_or(0, |(_, n)| n);
    }
    (encoding, bom)
}

/// Whether valid UTF-8 bytes hold UTF-8 text beyond ASCII: two characters of three or four
/// bytes (every Chinese character is three). Bytes saved as GBK almost never begin so, so a
/// file that does and then fails is UTF-8 damaged where it fails, not a legacy file; one
/// two-byte character could be a GBK pair by chance.
fn utf8_text(valid: &[u8]) -> bool {
    valid.iter().filter(|&&b| b >= 0xE0).take(2).count() == 2
}

/// A table without a BOM that is not UTF-8: GB18030 (which reads GBK and GB2312), unless the
/// detector is sure of Big5, which a table from Hong Kong, Macao or Taiwan may be saved in and
/// GB18030 would read as other characters without a word.
fn legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    match detector.guess(None, false) {
        e if e == encoding_rs::BIG5 => e,
        _ => GB18030,
    }
}

/// UTF-16 saved without a BOM, which the detector takes for a single-byte code page: the
/// ASCII of a file's front matter (`+++`, `title = `) is a zero byte beside each character,
/// first in big-endian, second in little-endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    let pairs = head.len() / 2;
    let zeros = |first: bool| head.chunks_exact(2).filter(|p| p[usize::from(!first)] == 0).count();
    let (be, le) = (zeros(true), zeros(false));
    // a quarter of the characters ASCII, and zeros on one side only
    match pairs >= 4 {
        true if be * 4 >= pairs && le == 0 => Some(encoding_rs::UTF_16BE),
        true if le * 4 >= pairs && be == 0 => Some(encoding_rs::UTF_16LE),
        _ => None,
    }
}

fn undecodable(bytes: &[u8], tried: &'static Encoding, bom: usize, offset: usize) -> Undecodable {
    // the detector knows nothing of BOMs: a UTF-16 file refused as UTF-8 is named by its own;
    // and it takes a UTF-8 file with one bad line for a legacy one, whose iconv would garble it
    let utf8 = tried == UTF_8 && utf8_text(&bytes[bom..offset]);
    let looks_like = Encoding::for_bom(bytes).map(|(e, _)| e).filter(|_| !utf8).unwrap_or_else(|| {
        if utf8 {
            return UTF_8;
        }
        if let Some(utf16) = utf16_without_bom(bytes) {
            return utf16;
        }
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        detector.guess(None, true)
    });
    Undecodable {
        tried,
        bom: bom > 0,
        offset,
        line: 1 + bytes[..offset].iter().filter(|b| **b == b'\n').count(),
        looks_like,
    }
}

#[cfg(test)]
mod tests {
    // found by a hostile review: UTF-16 without a BOM was said to look like windows-1252,
    // whose iconv command would garble it
    #[test]
    fn utf16_without_a_bom_is_named_as_such() {
        let text = "+++\ntitle = \"党员大会\"\n+++\n正文\n";
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(super::decode(&be, super::Accept::Utf8).unwrap_err().looks_like.name(), "UTF-16BE");
        assert_eq!(super::decode(&le, super::Accept::Utf8).unwrap_err().looks_like.name(), "UTF-16LE");
    }

    use super::*;

    #[test]
    fn boms_utf8_and_gb18030() {
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("党员".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let d = decode(&utf16, Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.name(), d.bom), ("党员", "UTF-16LE", 2));
        let e = decode(&utf16, Accept::Utf8).unwrap_err();
        assert_eq!((e.tried, e.offset, e.looks_like.name()), (UTF_8, 0, "UTF-16LE"));
        let d = decode(b"\xEF\xBB\xBF+++", Accept::Utf8).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.bom), ("+++", UTF_8, 3));
        let (gb, ..) = GB18030.encode("指标,数值\n党员总数,1.2万余名\n");
        let d = decode(&gb, Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.name()), ("指标,数值\n党员总数,1.2万余名\n", "gb18030"));
    }

    #[test]
    fn a_big5_table_is_read_as_big5_and_gbk_as_gb18030() {
        let text = "年度,黨員總數,發展黨員\n2022年,1.2萬餘名,356名\n2023年,1.3萬餘名,402名\n";
        let (big5, ..) = encoding_rs::BIG5.encode(text);
        let d = decode(&big5, Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.name()), (text, "Big5"));
        let simplified = "年度,党员总数,发展党员\n2022年,1.2万余名,356名\n2023年,1.3万余名,402名\n";
        let (gbk, ..) = encoding_rs::GBK.encode(simplified);
        let d = decode(&gbk, Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.name()), (simplified, "gb18030"));
    }

    #[test]
    fn the_first_byte_that_does_not_decode_is_found() {
        let (gb, ..) = GB18030.encode("第一行\n党员发展工作规范化建设");
        let e = decode(&gb, Accept::Utf8).unwrap_err();
        assert_eq!((e.tried, e.bom, e.offset, e.line, e.looks_like.name()), (UTF_8, false, 0, 1, "GBK"));
        let e = decode(b"[\xe5\x8f\x91]\n\xff\xff", Accept::Legacy).unwrap_err();
        assert_eq!((e.tried, e.offset, e.line), (GB18030, 6, 2));
        let e = decode(b"\xEF\xBB\xBFa\nb\n\xff", Accept::Legacy).unwrap_err();
        assert_eq!((e.tried, e.bom, e.offset, e.line), (UTF_8, true, 7, 3));
        assert_eq!(decode_lossy(b"a\xff").text, "a\u{fffd}");
    }

    // a UTF-8 table with one line pasted from a GBK file was said at line 1 with `iconv -f
    // windows-1252`, which would garble the rest of it
    #[test]
    fn utf8_damaged_on_one_line_is_said_at_that_line_as_utf8() {
        let (gb, ..) = GB18030.encode("2021,一千二百\n");
        let bytes = ["年份,党员\n2020,12016\n".as_bytes(), &gb, "2022,3\n".as_bytes()].concat();
        let e = decode(&bytes, Accept::Legacy).unwrap_err();
        assert_eq!((e.tried, e.bom, e.line, e.looks_like), (UTF_8, false, 3, UTF_8));
        let stray = ["年份,党员\n2020,".as_bytes(), b"\xff", "12016\n".as_bytes()].concat();
        let e = decode(&stray, Accept::Legacy).unwrap_err();
        assert_eq!((e.tried, e.offset, e.line, e.looks_like), (UTF_8, 19, 2, UTF_8));
        let e = decode(&stray, Accept::Utf8).unwrap_err();
        assert_eq!((e.line, e.looks_like), (2, UTF_8));
        // a GBK table is still read as GBK: its first bytes are no UTF-8 text
        let (gbk, ..) = encoding_rs::GBK.encode("年份,党员\n2020,12016\n");
        assert_eq!(decode(&gbk, Accept::Legacy).unwrap().encoding, GB18030);
    }

    #[test]
    fn repeated_boms_are_all_dropped() {
        let d = decode(b"\xEF\xBB\xBF\xEF\xBB\xBFa,b\n", Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.encoding, d.bom), ("a,b\n", UTF_8, 6));
        assert_eq!(decode_lossy(b"\xEF\xBB\xBF\xEF\xBB\xBFa").text, "a");
        let d = decode(b"\xFF\xFE\xFF\xFEa\x00", Accept::Legacy).unwrap();
        assert_eq!((d.text.as_str(), d.bom), ("a", 4));
    }
}
