//! Normalisation and tokens, the half of the search that `search.js` repeats for the query.
//!
//! Every rule maps one character to one character (ASCII and full-width latin to lowercase
//! ASCII, traditional to simplified), so an offset found in normalised text is the same offset
//! in the original: the browser highlights matches in the text as written, in either script.
//! Phrase-level conversion (zhconv's `zhconv()`) is deliberately not used here: the query is
//! converted in the browser by the single-character map alone, and the index must agree with it
//! character for character or a query would miss its own words.

use crate::text::is_han;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Traditional → simplified, one character each way, from zhconv's own zh-Hans table.
pub struct Fold {
    /// Every BMP code point to its folded form (identity where there is no rule): one array
    /// lookup per character keeps normalising ten thousand pages cheap.
    bmp: Box<[char]>,
    /// The few rules outside the BMP.
    astral: BTreeMap<char, char>,
    /// Every rule, for the browser's copy of the map.
    pub pairs: BTreeMap<char, char>,
}

/// The process-wide map, built on first use from zhconv's table (a few milliseconds).
pub fn fold() -> &'static Fold {
    static FOLD: OnceLock<Fold> = OnceLock::new();
    FOLD.get_or_init(|| {
        let mapping = zhconv::ZhConverterBuilder::new()
            .target(zhconv::Variant::ZhHans)
            .table(zhconv::tables::ZH_HANS_TABLE)
            .build_mapping();
        let mut pairs = BTreeMap::new();
        for (from, to) in mapping {
            let (mut f, mut t) = (from.chars(), to.chars());
            if let (Some(a), None, Some(b), None) = (f.next(), f.next(), t.next(), t.next()) {
                if a != b && is_han(a) && is_han(b) {
                    pairs.insert(a, b);
                }
            }
        }
        let mut bmp: Vec<char> = (0..=0xFFFFu32).map(|u| char::from_u32(u).unwrap_or('\u{FFFD}')).collect();
        let mut astral = BTreeMap::new();
        for (&a, &b) in &pairs {
            match usize::try_from(a as u32).ok().filter(|&u| u <= 0xFFFF) {
                Some(u) => bmp[u] = b,
                None => {
                    astral.insert(a, b);
                }
            }
        }
        Fold { bmp: bmp.into_boxed_slice(), astral, pairs }
    })
}

impl Fold {
    /// One character in normalised form; `search.js` `norm()` does the same.
    pub fn char(&self, c: char) -> char {
        match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            // full-width ASCII (Ａ, ２) as typed by Chinese input methods
            '\u{FF01}'..='\u{FF5E}' => {
                char::from_u32(c as u32 - 0xFEE0).map(|a| a.to_ascii_lowercase()).unwrap_or(c)
            }
            _ if (c as u32) <= 0xFFFF => self.bmp[c as usize],
            _ => *self.astral.get(&c).unwrap_or(&c),
        }
    }
}

/// A term of the index as `terms` finds it: Han characters packed in a number (two characters
/// as `a << 21 | b`, one as `a << 21`), or a latin/digit word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'a> {
    Han(u64),
    Word(&'a str),
}

pub fn bigram(a: char, b: char) -> u64 {
    ((a as u64) << 21) | b as u64
}

pub fn unigram(a: char) -> u64 {
    (a as u64) << 21
}

/// A packed Han term as the browser spells it: the key in a shard.
pub fn han_text(k: u64) -> String {
    let a = char::from_u32((k >> 21) as u32).unwrap_or('\u{FFFD}');
    match (k & 0x1F_FFFF) as u32 {
        0 => a.to_string(),
        b => [a, char::from_u32(b).unwrap_or('\u{FFFD}')].iter().collect(),
    }
}

/// Which characters form words: Han, ASCII letters and digits (after folding); everything
/// else separates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Han,
    Latin,
    Other,
}

fn class(c: char) -> Class {
    if is_han(c) {
        Class::Han
    } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
        Class::Latin
    } else {
        Class::Other
    }
}

/// Calls `emit` with every term of `chars` (already normalised with [`Fold::char`]): each Han
/// run as its bigrams (a one-character run as itself), with its single characters too when
/// `unigrams` is set, and each latin/digit run as one word.
pub fn terms(chars: impl Iterator<Item = char>, unigrams: bool, mut emit: impl FnMut(Term<'_>)) {
    let mut prev: Option<char> = None;
    let mut run_len = 0;
    let mut word = String::new();
    for c in chars.chain(std::iter::once(' ')) {
        let k = class(c);
        if k != Class::Han && run_len > 0 {
            if run_len == 1 && !unigrams {
                emit(Term::Han(unigram(prev.expect("a run has a character"))));
            }
            run_len = 0;
            prev = None;
        }
        if k != Class::Latin && !word.is_empty() {
            emit(Term::Word(&word));
            word.clear();
        }
        match k {
            Class::Han => {
                if let Some(p) = prev {
                    emit(Term::Han(bigram(p, c)));
                }
                if unigrams {
                    emit(Term::Han(unigram(c)));
                }
                prev = Some(c);
                run_len += 1;
            }
            Class::Latin => word.push(c),
            Class::Other => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` normalised character by character.
    fn normalize(text: &str) -> String {
        let f = fold();
        text.chars().map(|c| f.char(c)).collect()
    }

    fn all(text: &str, unigrams: bool) -> Vec<String> {
        let mut out = Vec::new();
        terms(normalize(text).chars(), unigrams, |t| {
            out.push(match t {
                Term::Han(k) => han_text(k),
                Term::Word(w) => w.to_string(),
            })
        });
        out
    }

    #[test]
    fn traditional_and_full_width_fold_to_one_form() {
        assert_eq!(normalize("發展黨員 ＡＰＰ App"), "发展党员 app app");
        assert_eq!(normalize("第一書記"), "第一书记");
        assert_eq!(normalize("流动党员"), "流动党员");
    }

    #[test]
    fn han_runs_become_bigrams_and_latin_runs_words() {
        assert_eq!(all("流动党员", false), ["流动", "动党", "党员"]);
        assert_eq!(all("借助QQ群，2020年", false), ["借助", "qq", "群", "2020", "年"]);
        assert_eq!(all("党建", true), ["党", "党建", "建"]);
    }
}
