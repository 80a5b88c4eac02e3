//! The inverted index: for every term, the pages that hold it and where (title, metadata,
//! body), built from normalised text in parallel batches.

use super::normalize::{fold, terms, Term};
use crate::content::{Extra, Page};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Posting weight bits: the term is in the title, in the metadata (publisher or organisation,
/// region, tags, year), and how often it is in the body (capped: past a few mentions more say
/// little about relevance, and a small number keeps each posting one character long).
pub const IN_TITLE: u32 = 16;
pub const IN_META: u32 = 8;
pub const BODY_MAX: u32 = 7;
/// Bits of a posting that hold the weight; the document number is above them.
pub const WEIGHT_BITS: u32 = 5;

/// Pages indexed per batch: bounds the memory of per-page term lists.
const BATCH: usize = 512;

/// Every term with its postings (`doc << WEIGHT_BITS | weight`, documents ascending), sorted
/// by term so that the output never depends on hash order.
pub struct Index {
    pub terms: Vec<(String, Vec<u32>)>,
    pub postings: usize,
}

/// A multiply-xorshift hasher for the in-memory maps: the terms are short and the maps are
/// hit millions of times at 10,000 pages, where SipHash's cost shows. Never affects output.
#[derive(Default)]
pub struct Fast(u64);

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64)
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fast>>;

/// What of a page is searched besides its title and body.
pub fn meta_text(page: &Page) -> String {
    let mut parts: Vec<String> = Vec::new();
    match &page.extra {
        Extra::Case(c) => parts.push(c.publisher.clone()),
        Extra::Disclosure(d) => {
            parts.push(d.org.clone());
            parts.push(d.category.label().to_string());
            parts.extend(d.period.map(|p| p.label()));
        }
        Extra::Review(r) => parts.extend(r.subtitle.clone()),
        Extra::Page => {}
    }
    parts.extend(page.region.iter().cloned());
    parts.extend(page.tags.iter().cloned());
    parts.extend(page.authors.iter().cloned());
    // `2020` finds the pages of that year, not only those that print it.
    parts.extend(page.year().map(|y| format!("{y}年")));
    parts.join(" ")
}

/// The text of a page's body as a reader sees it, commentary (点评) included.
pub fn body_text(page: &Page) -> String {
    match &page.extra {
        Extra::Case(c) => match &c.commentary {
            Some(r) => format!("{}\n{}", page.body.text, r.text),
            None => page.body.text.clone(),
        },
        _ => page.body.text.clone(),
    }
}

fn page_terms(page: &Page) -> FastMap<Term, u32> {
    let f = fold();
    let norm = |s: &str| -> String { s.chars().map(|c| f.char(c)).collect() };
    let mut map: FastMap<Term, u32> = FastMap::default();
    // Single characters of the title and metadata are kept so that a one-character query has
    // something to find; in the body they would double the index for queries too broad to
    // help anyone.
    terms(&norm(&page.title), true, |t| *map.entry(t).or_default() |= IN_TITLE);
    terms(&norm(&meta_text(page)), true, |t| *map.entry(t).or_default() |= IN_META);
    terms(&norm(&body_text(page)), false, |t| {
        let w = map.entry(t).or_default();
        if (*w & BODY_MAX) < BODY_MAX {
            *w += 1;
        }
    });
    map
}

/// Indexes `pages`; a page's document number is its position.
pub fn build(pages: &[Page]) -> Index {
    let mut all: FastMap<Term, Vec<u32>> = FastMap::default();
    let mut postings = 0;
    for (b, batch) in pages.chunks(BATCH).enumerate() {
        let maps: Vec<FastMap<Term, u32>> = batch.par_iter().map(page_terms).collect();
        for (i, map) in maps.into_iter().enumerate() {
            let doc = ((b * BATCH + i) as u32) << WEIGHT_BITS;
            postings += map.len();
            for (term, weight) in map {
                all.entry(term).or_default().push(doc | weight);
            }
        }
    }
    let mut terms: Vec<(String, Vec<u32>)> = all.into_iter().map(|(t, p)| (t.text(), p)).collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Index { terms, postings }
}
