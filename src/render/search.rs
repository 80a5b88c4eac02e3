//! Site search (issue 7): an index written with the site and answered by `search.js` in the
//! browser, with no server and no external request, from a web server or a USB stick.
//!
//! Why an index of our own rather than a library:
//! - Pagefind (Rust crate and CLI) fetches its index fragments and a WebAssembly module with
//!   `fetch()`, which Chromium refuses on file:// (Pagefind issue #241, "Allow pagefind to run
//!   locally", is open); its crate also pulls in a large dependency tree for HTML parsing we do
//!   not need, since the Library already holds each page's text.
//! - A word segmenter (jieba-rs) decides words at build time: a query segmented differently from
//!   the text (发展党员 as one word or two, 党员 inside 流动党员管理) then misses, and its
//!   dictionary adds megabytes to the binary. Character bigrams, the approach of Lucene's
//!   CJKAnalyzer, find any run of two or more characters wherever it stands, need no dictionary,
//!   and give every build the same index.
//! - Traditional and simplified forms meet in one form through zhconv's own zh-Hans table,
//!   reduced to its single-character rules so the browser can fold the query the same way
//!   (see `normalize`).
//!
//! Files, all under `search/`: `index.html` (the page, with the manifest inline), `m.js` (the
//! manifest again, for other pages that use the engine: sizes and the folding map), `f.js` (kind,
//! year and region of every page, loaded once a filter is set), `s/N.js` (term shards, chosen by
//! a hash of the term, so a query loads only the shards of its own terms) and `d/N.js` (what a
//! result shows: title, date, the start of the text for the excerpt, a few pages per file;
//! made by jobs of their own, [`super::Job::SearchDocs`], a run of pages each).
//! A first query thus waits for two rounds of loading: its shards, then its results' texts.

mod encode;
mod index;
mod normalize;

use super::Renderer;
use crate::content::{Kind, Page};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tera::{Context, Tera};

/// Postings aimed at per term shard (two to three bytes each): large enough that a small site
/// has one shard, small enough that the three or four shards of a query stay far below the
/// 300 KB a first query may load at 10,000 pages.
const POSTINGS_PER_SHARD: usize = 12_000;
const MAX_SHARDS: usize = 4096;
/// Pages per file of result texts: the 10 results shown at first load at most 10 such files,
/// about 3 KB each compressed; more pages a file would mean more bytes for the same results,
/// fewer would mean more files in the output.
const DOCS_PER_CHUNK: usize = 4;
/// Pages per job of result texts ([`super::Job::SearchDocs`]): 256 files of them. Few enough
/// jobs that planning them costs nothing, small enough that an edit rewrites a sliver.
pub const PAGES_PER_DOCS_JOB: usize = DOCS_PER_CHUNK * 256;
/// Characters of text kept per page for the excerpt: the whole of most cases and disclosures;
/// a match further into a long review shows the start of the text instead.
const EXCERPT_CHARS: usize = 1500;

/// The page kinds, in the order of their numbers in the index.
const KINDS: [Kind; 4] = [Kind::Case, Kind::Disclosure, Kind::Review, Kind::Page];

/// Whether this build has a search: the theme's search page is what a reader uses it through,
/// so a template set without `search.html` has none.
pub fn enabled(tera: &Tera) -> bool {
    tera.get_template_names().any(|n| n == "search.html")
}

fn kind_number(kind: Kind) -> usize {
    KINDS.iter().position(|k| *k == kind).expect("every kind is listed")
}

/// One option of the region filter: every level of every page's region.
#[derive(Serialize)]
struct RegionOption {
    value: String,
    name: String,
    depth: usize,
}

#[derive(Serialize)]
struct KindOption {
    key: &'static str,
    label: String,
}

/// What `search.html` shows besides the site.
#[derive(Serialize)]
struct SearchView {
    digest: String,
    /// The manifest as JSON, for a `<script type="application/json">` in the page: one round of
    /// loading less before the first query.
    manifest: String,
    count: usize,
    kinds: Vec<KindOption>,
    years: Vec<i32>,
    regions: Vec<RegionOption>,
}

/// What a result shows of a page: `[path, title, kind, date, byline, region, text]`.
#[derive(Serialize)]
struct DocRecord<'a>(&'a str, &'a str, usize, String, &'a str, String, String);

fn byline(page: &Page) -> &str {
    match &page.extra {
        crate::content::Extra::Case(c) => &c.publisher,
        crate::content::Extra::Disclosure(d) => &d.org,
        _ => "",
    }
}

/// The search page and every index file, or nothing when the theme has no search page; each
/// file goes to `sink` as soon as it is made (at 100,000 pages the files are hundreds of
/// megabytes, too much to hold until the last is done). What `sink` returned, for each file.
pub(super) fn outputs_each<R: Send>(
    r: &Renderer,
    sink: &(dyn Fn(crate::render::Output) -> Result<R> + Sync),
) -> Result<Vec<R>> {
    if !r.search || !enabled(r.tera) {
        return Ok(Vec::new());
    }
    let pages = &r.library.pages;
    let index = index::build(pages, r.bodies)?;
    let shards = index.postings.div_ceil(POSTINGS_PER_SHARD).next_power_of_two().clamp(1, MAX_SHARDS);

    let (manifest, facets, view) = manifest(r, &index, shards);
    // Each form of the postings is dropped as the next is made: at 100,000 pages the lists,
    // their encoded text and the shard scripts are hundreds of megabytes each.
    let encoded: Vec<(u32, String, String)> = index
        .terms
        .into_par_iter()
        .map(|(t, p)| (encode::shard_of(&t, shards as u32), p.finish(pages.len()), t))
        .collect();
    let mut by_shard: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); shards];
    for (s, list, term) in encoded {
        by_shard[s as usize].insert(term, list);
    }
    let put = |path: String, bytes: Vec<u8>| -> Result<(u64, R)> {
        let digest = encode::file_digest(&bytes);
        Ok((digest, sink((path, bytes))?))
    };
    let mut written: Vec<(u64, R)> = by_shard
        .into_par_iter()
        .enumerate()
        .map(|(n, terms)| put(format!("search/s/{n}.js"), encode::script("s", n, &terms)))
        .collect::<Result<_>>()?;
    // the result texts are jobs of their own; the stamp that tells a browser to load them
    // anew follows what they are made of: each page's address and content, and this gongkai
    let docs = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(crate::digest::generator());
        for p in pages {
            for part in [&p.path, &p.hash] {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part);
            }
        }
        u64::from_le_bytes(h.finalize()[..8].try_into().expect("eight bytes"))
    };
    written.push(put("search/m.js".into(), manifest)?);
    written.push(put("search/f.js".into(), facets)?);
    let digest = encode::digest(written.iter().map(|(d, _)| *d).chain([docs]));
    let view = SearchView { digest, ..view };
    let mut ctx = Context::new();
    ctx.insert("search", &view);
    ctx.insert("site", &r.site("search/")?);
    let page = r.tera.render("search.html", &ctx)?.into_bytes();
    let mut results: Vec<R> = written.into_iter().map(|(_, r)| r).collect();
    results.push(sink(("search/index.html".into(), page))?);
    Ok(results)
}

/// What search results show of the pages of a [`super::Job::SearchDocs`] (`inputs`: its
/// declaration): `search/d/N.js` for each [`DOCS_PER_CHUNK`] of them, numbered by the first
/// page's place in the library; each file goes to `sink` as soon as it is made.
pub(super) fn docs_each<R: Send>(
    r: &Renderer,
    inputs: &super::jobs::Inputs,
    sink: &(dyn Fn(crate::render::Output) -> Result<R> + Sync),
) -> Result<Vec<R>> {
    let pages = &r.library.pages;
    let run = inputs.pages("pages");
    run.par_chunks(DOCS_PER_CHUNK)
        .map(|chunk| {
            let docs: Vec<DocRecord> = chunk
                .iter()
                .map(|&i| {
                    let p = &pages[i];
                    let text: String = index::body_text(p, r.bodies)?.chars().take(EXCERPT_CHARS).collect();
                    Ok(DocRecord(
                        &p.path,
                        &p.title,
                        kind_number(p.kind),
                        p.date.map(|d| d.to_string()).unwrap_or_default(),
                        byline(p),
                        p.region.join("/"),
                        text,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            let n = chunk[0] / DOCS_PER_CHUNK;
            sink((format!("search/d/{n}.js"), encode::script("d", n, &docs)))
        })
        .collect()
}

/// The manifest script, the facets script (kind, year and region of every page, loaded only
/// when a filter is set) and the filters of the search page.
fn manifest(r: &Renderer, index: &index::Index, shards: usize) -> (Vec<u8>, Vec<u8>, SearchView) {
    let pages = &r.library.pages;
    let years: Vec<i32> =
        pages.iter().filter_map(|p| p.year()).collect::<BTreeSet<_>>().into_iter().rev().collect();
    let regions: Vec<String> = pages
        .iter()
        .map(|p| p.region.join("/"))
        .filter(|r| !r.is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Per page: kind, year and region as numbers into the lists above (0: none).
    let year_no: BTreeMap<i32, usize> = years.iter().enumerate().map(|(i, &y)| (y, i + 1)).collect();
    let region_no: BTreeMap<&str, usize> =
        regions.iter().enumerate().map(|(i, r)| (r.as_str(), i + 1)).collect();
    let mut facets = String::with_capacity(pages.len() * 3);
    for p in pages {
        let region = p.region.join("/");
        encode::number(&mut facets, kind_number(p.kind) as u32);
        encode::number(&mut facets, p.year().and_then(|y| year_no.get(&y)).copied().unwrap_or(0) as u32);
        encode::number(&mut facets, region_no.get(region.as_str()).copied().unwrap_or(0) as u32);
    }

    // Only the folding rules that can matter: a query character whose simplified form is in
    // no page cannot match anything, folded or not.
    let present: BTreeSet<char> = index.terms.iter().flat_map(|(t, _)| t.chars()).collect();
    let (mut from, mut to) = (String::new(), String::new());
    for (&a, &b) in &normalize::fold().pairs {
        if present.contains(&b) || present.contains(&a) {
            from.push(a);
            to.push(b);
        }
    }

    let kinds: Vec<&str> = KINDS.iter().map(|k| k.key()).collect();
    let data = serde_json::json!({
        "n": pages.len(),
        "shards": shards,
        "chunk": DOCS_PER_CHUNK,
        "fold": [from, to],
    });
    let facets = serde_json::json!({ "kinds": kinds, "years": years, "regions": regions, "facets": facets });
    let t = r.t();
    let present_kinds: BTreeSet<Kind> = pages.iter().map(|p| p.kind).collect();
    let mut region_options: BTreeMap<String, RegionOption> = BTreeMap::new();
    for p in pages {
        for depth in 0..p.region.len() {
            let value = p.region[..=depth].join("/");
            region_options.entry(value.clone()).or_insert_with(|| RegionOption {
                value,
                name: p.region[depth].clone(),
                depth,
            });
        }
    }
    let view = SearchView {
        digest: String::new(),
        manifest: String::new(),
        count: pages.len(),
        kinds: KINDS
            .iter()
            .filter(|k| present_kinds.contains(k))
            .map(|k| KindOption { key: k.key(), label: t[k.key()].clone() })
            .collect(),
        years,
        regions: region_options.into_values().collect(),
    };
    let view = SearchView { manifest: encode::json(&data), ..view };
    (encode::script("m", 0, &data), encode::script("f", 0, &facets), view)
}
