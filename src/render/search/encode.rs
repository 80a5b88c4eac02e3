//! The index's files are JavaScript that hands its data to `gongkaiSearch.add(type, n, data)`:
//! Chromium refuses `fetch()` of a JSON file from a page opened as file:// (a site on a USB
//! stick), but runs a `<script src>` beside it.
//!
//! Postings are written as text in a 64-character alphabet that needs no escaping inside a JSON
//! string: each number is 5-bit groups, most significant first, the last group from `LAST` and
//! the others from `MORE`, so a number below 32 (most gaps between pages, every weight) takes a
//! single byte. `search.js` decodes it with the same two alphabets.

use super::index::WEIGHT_BITS;
use serde::Serialize;

const LAST: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
const MORE: &[u8; 32] = b"ghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` in the variable-length alphabet.
pub fn number(out: &mut String, mut n: u32) {
    let mut groups = [0u8; 7];
    let mut k = 0;
    loop {
        groups[k] = (n & 31) as u8;
        k += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for &g in groups[1..k].iter().rev() {
        out.push(MORE[g as usize] as char);
    }
    out.push(LAST[groups[0] as usize] as char);
}

/// A posting list as pairs (gap to the previous document minus one, weight); or, for a term in
/// half the pages or more (党员 on a party site), `=` and one weight per page (`A`: absent),
/// which is smaller and decodes in one pass without arithmetic. `pages`: pages in the index.
#[cfg(test)]
pub fn postings(list: &[u32], pages: usize) -> String {
    let mut out = Postings::default();
    for &p in list {
        out.push(p);
    }
    out.finish(pages)
}

/// A posting list written as it grows, in the pairs form: each posting takes about two bytes
/// while the index is built, not a four-byte number (hundreds of megabytes at 100,000 pages),
/// and the sparse form needs no second copy.
#[derive(Debug, Default)]
pub struct Postings {
    next: u32,
    count: usize,
    text: String,
}

impl Postings {
    /// Adds `doc << WEIGHT_BITS | weight`; documents come in ascending order.
    pub fn push(&mut self, p: u32) {
        let doc = p >> WEIGHT_BITS;
        number(&mut self.text, doc - self.next);
        number(&mut self.text, p & ((1 << WEIGHT_BITS) - 1));
        self.next = doc + 1;
        self.count += 1;
    }

    /// The list as a shard writes it, see [`postings`].
    pub fn finish(self, pages: usize) -> String {
        if self.count * 2 < pages || pages == 0 {
            return self.text;
        }
        let mut dense = vec![LAST[0]; pages + 1];
        dense[0] = b'=';
        let (mut n, mut numbers, mut doc) = (0u32, 0usize, 0u32);
        for b in self.text.bytes() {
            match LAST.iter().position(|&c| c == b) {
                Some(last) => {
                    let value = n << 5 | last as u32;
                    n = 0;
                    if numbers % 2 == 0 {
                        doc += value;
                    } else {
                        dense[doc as usize + 1] = LAST[value as usize];
                        doc += 1;
                    }
                    numbers += 1;
                }
                None => n = n << 5 | MORE.iter().position(|&c| c == b).expect("the alphabet") as u32,
            }
        }
        String::from_utf8(dense).expect("ASCII")
    }
}

/// Which shard holds `term`: FNV-1a over its UTF-16 code units, which `search.js` computes the
/// same way with `Math.imul` and `charCodeAt`.
pub fn shard_of(term: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in term.encode_utf16() {
        h ^= unit as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards
}

/// The digest of one index file, for [`digest`]. Eight bytes a step (tens of megabytes at
/// 10,000 pages): no cryptographic strength needed.
pub fn file_digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A digest of the index files, from each file's [`file_digest`] in order, put in their URLs so
/// that a browser never mixes a cached manifest with the shards of a newer build. Per file, so
/// that each file can be written out as soon as it is made.
pub fn digest(files: impl Iterator<Item = u64>) -> String {
    let h = files
        .fold(0xcbf2_9ce4_8422_2325u64, |h, d| (h ^ d).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29));
    // twelve letters a–p, one per four bits, rather than hex: a stamp printed in the page
    // must never read as a number (hex such as `c13408379589` holds a mobile's eleven digits,
    // and the privacy guard over a theme's own pages refused it; found by a hostile review)
    let h = h >> 16;
    (0..12).rev().map(|i| char::from(b'a' + ((h >> (i * 4)) & 0xf) as u8)).collect()
}

/// JSON with `<`, `>` and `&` as escapes: they can only stand inside strings, and escaped there
/// the page text a file carries (a title such as `<script>`) is never markup, wherever the JSON
/// ends up: in a script file or inline in the search page.
pub fn json(data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).expect("index data serialises");
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// One index file: `gongkaiSearch.add("s",17,{…});`.
pub fn script(kind: &str, n: usize, data: &impl Serialize) -> Vec<u8> {
    format!("gongkaiSearch.add(\"{kind}\",{n},{});\n", json(data)).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    // the stamp is printed in the search page: no digit in it, so no run of them reads as a
    // number to the privacy guard, and still one stamp per set of files
    #[test]
    fn the_index_stamp_has_no_digits_and_follows_the_files() {
        let stamps: Vec<String> = (0..2000u64).map(|n| digest([n, n * 7 + 1].into_iter())).collect();
        assert!(
            stamps.iter().all(|s| s.len() == 12 && s.bytes().all(|b| (b'a'..=b'p').contains(&b))),
            "{stamps:?}"
        );
        let distinct: std::collections::HashSet<&String> = stamps.iter().collect();
        assert_eq!(distinct.len(), stamps.len());
    }

    #[test]
    fn small_numbers_take_one_character() {
        let mut s = String::new();
        for n in [0, 31, 32, 1023, 1024] {
            number(&mut s, n);
            s.push(' ');
        }
        assert_eq!(s, "A f hA _f hgA ");
    }

    #[test]
    fn page_text_never_becomes_markup() {
        assert_eq!(json(&["<script>a&b</script>"]), r#"["\u003cscript\u003ea\u0026b\u003c/script\u003e"]"#);
    }

    #[test]
    fn postings_are_gaps_and_weights() {
        let list = [(0 << WEIGHT_BITS) | 16, (1 << WEIGHT_BITS) | 1, (40 << WEIGHT_BITS) | 3];
        assert_eq!(postings(&list, 100), "AQABhGD");
        assert_eq!(postings(&list[..2], 3), "=QBA");
    }
}
