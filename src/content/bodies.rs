//! Page bodies out of memory: once a page is parsed (and resolved, for a page resolve parses
//! again), its HTML and plain text are written to an unnamed temporary file and read back by
//! the jobs that need them (the page itself, its feed entry, the search index), so a build
//! holds every page's metadata but not every page's text. At 100,000 pages the bodies were
//! 700 MB of a 1.4 GB peak.
//!
//! The file has no name (`O_TMPFILE` where the system has it), so a killed build leaves nothing
//! behind. When no temporary file can be made, bodies stay in memory: slower to no one, only
//! larger.

use super::markdown::Rendered;
use anyhow::{Context, Result};
use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where a body's HTML and text were written: the HTML at `offset`, the text right after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    offset: u64,
    html: u32,
    text: u32,
}

/// The store of a run's bodies.
pub struct Bodies {
    file: Option<File>,
    end: AtomicU64,
}

impl Bodies {
    /// A store in a new unnamed temporary file, or in memory when none can be made.
    pub fn new() -> Bodies {
        Bodies { file: tempfile::tempfile().ok(), end: AtomicU64::new(0) }
    }

    /// A store that keeps every body in memory, as [`Bodies::new`] does when it can make no file.
    #[cfg(test)]
    fn in_memory() -> Bodies {
        Bodies { file: None, end: AtomicU64::new(0) }
    }

    /// Moves `body`'s HTML and text into the store, leaving a reference behind. Safe to call
    /// from many threads at once; a body already stored, or one the file cannot take, stays
    /// as it is.
    pub fn put(&self, body: &mut Rendered) {
        let Some(file) = &self.file else { return };
        if body.stored.is_some() {
            return;
        }
        let (Ok(html), Ok(text)) = (u32::try_from(body.html.len()), u32::try_from(body.text.len())) else {
            return;
        };
        let len = u64::from(html) + u64::from(text);
        let offset = self.end.fetch_add(len, Ordering::Relaxed);
        let mut bytes = Vec::with_capacity(len as usize);
        bytes.extend_from_slice(body.html.as_bytes());
        bytes.extend_from_slice(body.text.as_bytes());
        if write_at(file, &bytes, offset).is_ok() {
            body.stored = Some(Stored { offset, html, text });
            body.html = String::new();
            body.text = String::new();
        }
    }

    /// Moves a page's body, and a case's commentary, into the store (see [`Bodies::put`]).
    pub fn put_page(&self, page: &mut super::Page) {
        self.put(&mut page.body);
        if let super::Extra::Case(case) = &mut page.extra {
            if let Some(commentary) = &mut case.commentary {
                self.put(commentary);
            }
        }
    }

    /// The body's HTML.
    pub fn html<'a>(&self, body: &'a Rendered) -> Result<Cow<'a, str>> {
        match body.stored {
            None => Ok(Cow::Borrowed(&body.html)),
            Some(s) => self.read(s.offset, s.html).map(Cow::Owned),
        }
    }

    /// The body's plain text.
    pub fn text<'a>(&self, body: &'a Rendered) -> Result<Cow<'a, str>> {
        match body.stored {
            None => Ok(Cow::Borrowed(&body.text)),
            Some(s) => self.read(s.offset + u64::from(s.html), s.text).map(Cow::Owned),
        }
    }

    fn read(&self, offset: u64, len: u32) -> Result<String> {
        let file = self.file.as_ref().context("a stored body without its store")?;
        let mut bytes = vec![0; len as usize];
        read_at(file, &mut bytes, offset).context("reading a page body back from the temporary file")?;
        // written from a `String` by this run: anything else is a damaged temporary file
        String::from_utf8(bytes).context("a page body read back from the temporary file is damaged")
    }
}

impl Default for Bodies {
    fn default() -> Bodies {
        Bodies::new()
    }
}

#[cfg(unix)]
pub(crate) fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
pub(crate) fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
pub(crate) fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, offset)?;
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
pub(crate) fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut bytes[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_body_reads_back_as_it_was_and_leaves_memory() {
        let bodies = Bodies::new();
        let mut pages: Vec<Rendered> = ["第一篇 **正文**", "", "第三篇\n\n- 一\n- 二"]
            .iter()
            .map(|md| super::super::markdown::render(md))
            .collect();
        let before: Vec<(String, String)> = pages.iter().map(|b| (b.html.clone(), b.text.clone())).collect();
        std::thread::scope(|s| {
            for body in pages.iter_mut() {
                let bodies = &bodies;
                s.spawn(move || bodies.put(body));
            }
        });
        for (body, (html, text)) in pages.iter().zip(&before) {
            assert!(body.stored.is_some() && body.html.is_empty() && body.text.is_empty());
            assert_eq!(bodies.html(body).unwrap(), *html);
            assert_eq!(bodies.text(body).unwrap(), *text);
        }
    }

    #[test]
    fn in_memory_bodies_stay_where_they_are() {
        let bodies = Bodies::in_memory();
        let mut body = super::super::markdown::render("正文");
        bodies.put(&mut body);
        assert!(body.stored.is_none());
        assert_eq!(bodies.html(&body).unwrap(), body.html);
    }
}
