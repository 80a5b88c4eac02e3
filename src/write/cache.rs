//! The build cache: what each output job wrote last time, under the fingerprint of its
//! declared inputs, so that `gongkai build` renders again only the jobs whose inputs changed.
//!
//! `.gongkai-cache/build/AUDIENCE/` holds `index.json` (job key → fingerprint and the
//! SHA-256 of each output) and `objects/`, the outputs named by their SHA-256. An object is
//! read and hashed before it is used: a damaged or edited one (an object is a hard link to the
//! output it was made as, so an edit of that file in `public/` reaches the object too) fails
//! the check and its job is rendered again. Outputs taken from the cache are copies. Nothing in the cache is ever trusted without that check, and a cache that
//! cannot be read is an empty one.

use super::{lock::Lock, Staging};
use crate::render::Fingerprint;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub const DIR: &str = ".gongkai-cache/build";
const INDEX: &str = "index.json";
static TMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What one job wrote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Hex SHA-256 of the job's declared inputs.
    pub fingerprint: String,
    /// Each output's path and hex SHA-256.
    pub outputs: Vec<(String, String)>,
}

#[derive(Serialize, Deserialize, Default)]
struct Index {
    generator: String,
    jobs: BTreeMap<String, Entry>,
}

/// An open cache, locked against other builds of the same site and audience for as long as it
/// lives.
pub struct Cache {
    dir: PathBuf,
    index: Index,
    _lock: Lock,
}

/// What tells this program from another build of the same version: its size and modification
/// time. Two builds of gongkai with one version number but other code (a developer's, a
/// patched package) must not take each other's cached pages; hashing the program itself would
/// cost seconds for a debug build, and a rebuilt program always has a new time. Only the cache
/// keeps it: shards built by copies of one release on other machines still merge.
pub fn program_stamp() -> String {
    static STAMP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    STAMP
        .get_or_init(|| {
            let meta = std::env::current_exe().and_then(std::fs::metadata).ok();
            let stamp = meta.map(|m| {
                let modified = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
                format!("{} {:?}", m.len(), modified)
            });
            format!("{} ({})", crate::digest::generator(), stamp.unwrap_or_default())
        })
        .clone()
}

pub fn hex(fingerprint: &Fingerprint) -> String {
    fingerprint.iter().map(|b| format!("{b:02x}")).collect()
}

impl Cache {
    /// Opens the cache of the site in `root` for `audience`; `None` when another build holds
    /// it or the site folder is read-only (as in a container): this build then renders
    /// everything, as a clean one does. `clean` starts from an empty index.
    pub fn open(root: &Path, audience: crate::Audience, clean: bool) -> Result<Option<Cache>> {
        let dir = root.join(DIR).join(audience.key());
        if std::fs::create_dir_all(dir.join("objects")).is_err() {
            return Ok(None);
        }
        let Ok(lock) = Lock::take(&dir, "cache") else { return Ok(None) };
        let generator = program_stamp();
        let index = match std::fs::read(dir.join(INDEX)) {
            Ok(bytes) if !clean => serde_json::from_slice::<Index>(&bytes)
                .ok()
                .filter(|i| i.generator == generator)
                .unwrap_or_default(),
            _ => Index::default(),
        };
        Ok(Some(Cache { dir, index: Index { generator, ..index }, _lock: lock }))
    }

    fn object(&self, sha: &str) -> PathBuf {
        let prefix = sha.get(..2).unwrap_or("__");
        self.dir.join("objects").join(prefix).join(sha)
    }

    /// Puts what job `key` wrote last time into `staging`, when its fingerprint is the same and
    /// every object is intact; returns the outputs' paths and hashes, or `None` to render.
    pub fn reuse(&self, key: &str, fingerprint: &Fingerprint, staging: &Staging) -> Option<Entry> {
        let entry = self.index.jobs.get(key).filter(|e| e.fingerprint == hex(fingerprint))?;
        // most jobs write one file: read once, checked and written from memory
        if let [(rel, sha)] = entry.outputs.as_slice() {
            let bytes = self.checked(sha)?;
            staging.write(rel, &bytes).ok()?;
            return Some(entry.clone());
        }
        // all checked before any is placed, so a job is either reused whole or rendered whole;
        // checked and placed in two reads, not held between them: the search index's files
        // alone are hundreds of megabytes at 100,000 pages
        if !entry.outputs.iter().all(|(_, sha)| self.checked(sha).is_some()) {
            return None;
        }
        for (rel, sha) in &entry.outputs {
            staging.copy(rel, &self.object(sha)).ok()?;
        }
        Some(entry.clone())
    }

    /// The bytes of object `sha`, when they still have that hash. A damaged object is
    /// removed, so that the render that follows stores a good one.
    fn checked(&self, sha: &str) -> Option<Vec<u8>> {
        let object = self.object(sha);
        match std::fs::read(&object) {
            Ok(bytes) if crate::digest::sha256(&bytes) == sha => Some(bytes),
            _ => {
                let _ = std::fs::remove_file(&object);
                None
            }
        }
    }

    /// Keeps the staged outputs of a rendered job as objects (hard links where the file
    /// system allows, copies otherwise). A failure only costs the next build a render.
    /// Reused outputs are written anew from the objects' bytes, so only the output an object
    /// was first made as shares it.
    pub fn keep(&self, staging: &Staging, outputs: &[(String, String)]) {
        for (rel, sha) in outputs {
            let object = self.object(sha);
            let staged = staging.path(rel);
            // one call: a link is made whole or not at all, and an object already there (the
            // same bytes, kept by an earlier job or build) makes it fail harmlessly
            match std::fs::hard_link(&staged, &object) {
                Ok(()) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(_) => {}
            }
            let Some(dir) = object.parent() else { continue };
            let _ = std::fs::create_dir_all(dir);
            if std::fs::hard_link(&staged, &object).is_ok() || object.exists() {
                continue;
            }
            // no links on this file system: a copy, under a name unique per call (two jobs of
            // this build may store the same bytes at once), renamed into place whole
            let n = TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let tmp = dir.join(format!(".{sha}.{}.{n}", std::process::id()));
            if std::fs::copy(&staged, &tmp).is_ok() && std::fs::rename(&tmp, &object).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
    }

    /// Records what this build's jobs wrote and removes the objects no job refers to any more.
    /// Called once the new site is in place, so a killed build leaves the old index, whose
    /// objects are all still there.
    pub fn save(self, jobs: BTreeMap<String, Entry>) -> Result<()> {
        let index = Index { generator: self.index.generator.clone(), jobs };
        let path = self.dir.join(INDEX);
        let tmp = self.dir.join(format!(".{INDEX}.{}", std::process::id()));
        std::fs::write(&tmp, serde_json::to_vec(&index)?).with_context(|| crate::locale::writing(&tmp))?;
        std::fs::rename(&tmp, &path).with_context(|| crate::locale::writing(&path))?;
        let used: HashSet<&str> =
            index.jobs.values().flat_map(|e| e.outputs.iter().map(|(_, sha)| sha.as_str())).collect();
        for entry in walkdir::WalkDir::new(self.dir.join("objects")).min_depth(2).into_iter().flatten() {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && !used.contains(name.as_ref()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}
