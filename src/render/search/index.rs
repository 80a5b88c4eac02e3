//! The inverted index: for every term, the pages that hold it and where (title, metadata,
//! body), built from normalised text in parallel batches.

use super::encode::Postings;
use super::normalize::{fold, han_text, terms, Term};
use crate::content::bodies::Bodies;
use crate::content::{Extra, Page};
use anyhow::Result;
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
    pub terms: Vec<(String, Postings)>,
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
pub fn body_text(page: &Page, bodies: &Bodies) -> Result<String> {
    let text = bodies.text(&page.body)?;
    Ok(match &page.extra {
        Extra::Case(c) => match &c.commentary {
            Some(r) => format!("{text}\n{}", bodies.text(r)?),
            None => text.into_owned(),
        },
        _ => text.into_owned(),
    })
}

/// Partitions of the Han terms, merged in parallel: a term's partition is a few bits of its
/// hash, so each thread owns the posting lists of its partitions.
const PARTS: usize = 8;

fn part(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 61) as usize
}

/// One page's terms with their weights: Han terms by partition, and latin words.
struct PageTerms {
    han: [Vec<(u64, u32)>; PARTS],
    words: Vec<(Box<str>, u32)>,
}

fn page_terms(page: &Page, bodies: &Bodies) -> Result<PageTerms> {
    let f = fold();
    let mut han: FastMap<u64, u32> = FastMap::with_capacity_and_hasher(1024, Default::default());
    let mut words: FastMap<Box<str>, u32> = FastMap::default();
    let mut add = |t: Term<'_>, update: &dyn Fn(&mut u32)| match t {
        Term::Han(k) => update(han.entry(k).or_default()),
        Term::Word(w) => match words.get_mut(w) {
            Some(x) => update(x),
            None => update(words.entry(w.into()).or_default()),
        },
    };
    // Single characters of the title and metadata are kept so that a one-character query has
    // something to find; in the body they would double the index for queries too broad to
    // help anyone.
    terms(page.title.chars().map(|c| f.char(c)), true, |t| add(t, &|w| *w |= IN_TITLE));
    terms(meta_text(page).chars().map(|c| f.char(c)), true, |t| add(t, &|w| *w |= IN_META));
    let body = |t: Term<'_>| {
        add(t, &|w| {
            if (*w & BODY_MAX) < BODY_MAX {
                *w += 1;
            }
        })
    };
    let text = bodies.text(&page.body)?;
    match &page.extra {
        Extra::Case(c) => {
            let commentary = c.commentary.as_deref().map(|r| bodies.text(r)).transpose()?.unwrap_or_default();
            let text = text.chars().chain(['\n']).chain(commentary.chars());
            terms(text.map(|c| f.char(c)), false, body)
        }
        _ => terms(text.chars().map(|c| f.char(c)), false, body),
    }
    let mut out = PageTerms { han: Default::default(), words: words.into_iter().collect() };
    for (k, w) in han {
        out.han[part(k)].push((k, w));
    }
    Ok(out)
}

/// Indexes `pages`; a page's document number is its position.
pub fn build(pages: &[Page], bodies: &Bodies) -> Result<Index> {
    let mut han: Vec<FastMap<u64, Postings>> = (0..PARTS).map(|_| FastMap::default()).collect();
    let mut words: FastMap<Box<str>, Postings> = FastMap::default();
    let mut postings = 0;
    for (b, batch) in pages.chunks(BATCH).enumerate() {
        let found: Vec<PageTerms> = batch.par_iter().map(|p| page_terms(p, bodies)).collect::<Result<_>>()?;
        let first = (b * BATCH) as u32;
        han.par_iter_mut().enumerate().for_each(|(p, map)| {
            for (i, page) in found.iter().enumerate() {
                let doc = (first + i as u32) << WEIGHT_BITS;
                for &(k, w) in &page.han[p] {
                    map.entry(k).or_default().push(doc | w);
                }
            }
        });
        for (i, page) in found.into_iter().enumerate() {
            let doc = (first + i as u32) << WEIGHT_BITS;
            postings += page.han.iter().map(Vec::len).sum::<usize>() + page.words.len();
            for (word, w) in page.words {
                words.entry(word).or_default().push(doc | w);
            }
        }
    }
    let mut terms: Vec<(String, Postings)> = han
        .into_iter()
        .flatten()
        .map(|(k, p)| (han_text(k), p))
        .chain(words.into_iter().map(|(w, p)| (w.into_string(), p)))
        .collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(Index { terms, postings })
}
