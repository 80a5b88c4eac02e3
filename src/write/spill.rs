//! Outputs kept in an unnamed temporary file instead of memory, for `serve`: the preview holds
//! a whole site (236 MB at 10,000 pages, 2.4 GB at 100,000), and held in memory it had none of
//! the build's memory bound. A file without a name (`O_TMPFILE` where the system has it) leaves
//! nothing behind when the server is killed.
//!
//! The file only grows: an output written again is appended and its old bytes become garbage,
//! which [`Spill::compacted`] drops by copying the live outputs into a new file. A [`Blob`] holds
//! its file open, so a reader with a blob from before a compaction still reads the right bytes.

use super::Sink;
use crate::content::bodies::{read_at, write_at};
use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One output's bytes: where they stand in a spill file, or in memory when no file could be
/// made or written.
#[derive(Clone, Debug)]
pub enum Blob {
    File { file: Arc<File>, offset: u64, len: usize },
    Memory(Arc<[u8]>),
}

impl Blob {
    /// The bytes, read back.
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Blob::File { file, offset, len } => {
                let mut bytes = vec![0; *len];
                read_at(file, &mut bytes, *offset)?;
                Ok(bytes)
            }
            Blob::Memory(bytes) => Ok(bytes.to_vec()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Blob::File { len, .. } => *len,
            Blob::Memory(bytes) => bytes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The file the outputs go to.
pub struct Spill {
    file: Option<Arc<File>>,
    end: AtomicU64,
}

impl Default for Spill {
    fn default() -> Spill {
        Spill::new()
    }
}

impl Spill {
    /// A spill in a new unnamed temporary file, or one that keeps outputs in memory when no
    /// temporary file can be made.
    pub fn new() -> Spill {
        Spill { file: tempfile::tempfile().ok().map(Arc::new), end: AtomicU64::new(0) }
    }

    /// Stores `bytes`; safe to call from many threads at once.
    pub fn put(&self, bytes: &[u8]) -> Blob {
        if let Some(file) = &self.file {
            let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            if write_at(file, bytes, offset).is_ok() {
                return Blob::File { file: file.clone(), offset, len: bytes.len() };
            }
        }
        Blob::Memory(bytes.into())
    }

    /// Bytes written to the file so far, garbage included.
    pub fn written(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }

    /// When more than half of the file is garbage (and the garbage is more than `slack`
    /// bytes): a new spill with `files` copied into it, and `files` pointing there.
    pub fn compacted(
        &self,
        files: &mut BTreeMap<String, Blob>,
        slack: u64,
    ) -> std::io::Result<Option<Spill>> {
        let live: u64 = files.values().map(|b| b.len() as u64).sum();
        let garbage = self.written().saturating_sub(live);
        if garbage <= live || garbage <= slack {
            return Ok(None);
        }
        let spill = Spill::new();
        for blob in files.values_mut() {
            if let Blob::File { .. } = blob {
                *blob = spill.put(&blob.read()?);
            }
        }
        Ok(Some(spill))
    }
}

/// A run's outputs into a spill, by path; refuses two outputs at one path, as every sink does.
pub struct SpillSink<'a> {
    spill: &'a Spill,
    files: Mutex<BTreeMap<String, (Blob, String)>>,
}

impl<'a> SpillSink<'a> {
    pub fn new(spill: &'a Spill) -> SpillSink<'a> {
        SpillSink { spill, files: Mutex::default() }
    }

    /// The outputs by path, each with its SHA-256.
    pub fn into_files(self) -> BTreeMap<String, (Blob, String)> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for SpillSink<'_> {
    fn put(&self, (rel, bytes): super::Output) -> Result<(String, String)> {
        super::safe_relative(&rel)?;
        let hash = crate::digest::sha256(&bytes);
        let blob = self.spill.put(&bytes);
        let mut files = self.files.lock().expect("spill lock");
        if files.contains_key(&rel) {
            bail!(super::two_outputs(&rel));
        }
        files.insert(rel.clone(), (blob, hash.clone()));
        Ok((rel, hash))
    }

    fn has(&self, rel: &str) -> bool {
        self.files.lock().expect("spill lock").contains_key(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_read_back_and_survive_a_compaction() {
        let spill = Spill::new();
        let mut files = BTreeMap::new();
        files.insert("a".to_string(), spill.put(b"first"));
        let old_b = spill.put(&[7u8; 1000]);
        files.insert("b".to_string(), old_b.clone());
        // b written again: its first bytes are garbage now
        files.insert("b".to_string(), spill.put(b"second"));
        assert!(spill.compacted(&mut files, 10_000).unwrap().is_none(), "within the slack");
        let new = spill.compacted(&mut files, 0).unwrap().expect("mostly garbage");
        assert_eq!(new.written(), 11);
        assert_eq!(files["a"].read().unwrap(), b"first");
        assert_eq!(files["b"].read().unwrap(), b"second");
        // a reader holding a blob from before reads what it was given
        assert_eq!(old_b.read().unwrap(), vec![7u8; 1000]);
        assert!(matches!(files["a"], Blob::File { .. }), "a temporary file here");
    }

    #[test]
    fn a_sink_refuses_two_outputs_at_one_path() {
        let spill = Spill::new();
        let sink = SpillSink::new(&spill);
        sink.put(("x/index.html".into(), b"one".to_vec())).unwrap();
        assert!(sink.put(("x/index.html".into(), b"two".to_vec())).is_err());
        assert!(sink.put(("../out".into(), b"two".to_vec())).is_err());
        let files = sink.into_files();
        assert_eq!(files["x/index.html"].0.read().unwrap(), b"one");
        assert_eq!(files["x/index.html"].1, crate::digest::sha256(b"one"));
    }
}
