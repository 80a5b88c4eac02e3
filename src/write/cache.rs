//! The build cache: what each output job wrote last time, under the fingerprint of its
//! declared inputs, so that `gongkai build` renders again only the jobs whose inputs changed;
//! and each page as parsed, under the hash of its file, so that it parses again only the
//! files that changed.
//!
//! `.gongkai-cache/build/AUDIENCE/` holds `index.json` (job key → fingerprint and the
//! SHA-256 of each output), `objects/`, the outputs named by their SHA-256, and `parsed/`, the
//! parsed pages named by the hash of what parsing read ([`parse_key`]). An object is read and
//! hashed before it is used: a damaged or edited one (an object is a hard link to the output
//! it was made as, so an edit of that file in `public/` reaches the object too) fails the check
//! and its job is rendered again; a parsed page carries its own hash. Outputs taken from the
//! cache are copies. Nothing in the cache is ever trusted without that check, and a cache that
//! cannot be read is an empty one.

use super::{lock::Lock, Staging};
use crate::content::Page;
use crate::render::Fingerprint;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub const DIR: &str = ".gongkai-cache/build";
const INDEX: &str = "index.json";
/// The pages parsed by earlier builds, each in a file named by the hash of its inputs.
const PARSED: &str = "parsed";
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
    /// A clean build takes nothing from the cache: it parses every page again, and keeps what
    /// it parsed anew.
    clean: bool,
    /// Who the build is for: a page it may not show is not kept (see [`Cache::keep_parsed`]).
    audience: crate::Audience,
    /// The parsed pages this build asked for or kept: the others are removed when it is done.
    parsed_used: std::sync::Mutex<HashSet<String>>,
    /// How many pages this build took parsed from the cache.
    parsed_hits: std::sync::atomic::AtomicUsize,
    /// This process's number, for the names of its temporary files: asked of the system once,
    /// not once a file.
    pid: u32,
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

/// What every parsed page depends on besides its own file: this program, the language of
/// its messages (a page keeps what it made inert with the reason, for the build to report),
/// the working-day calendar notices count with, and the site's language (the script of a page
/// whose text does not tell).
pub fn parse_salt(calendar: &crate::config::Calendar, language: crate::text::Lang) -> String {
    let messages = if crate::locale::chinese() { "zh" } else { "en" };
    let stamp = program_stamp();
    crate::digest::sha256(format!("{stamp}\n{messages}\n{calendar:?}\n{language:?}").as_bytes())
}

/// The name of the parsed page of the file `rel` with `text`, under `salt` ([`parse_salt`]).
pub fn parse_key(salt: &str, rel: &Path, text: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in [salt.as_bytes(), rel.to_string_lossy().as_bytes(), text.as_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
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
        Ok(Some(Cache {
            dir,
            index: Index { generator, ..index },
            clean,
            audience,
            parsed_used: Default::default(),
            parsed_hits: Default::default(),
            pid: std::process::id(),
            _lock: lock,
        }))
    }

    fn object(&self, sha: &str) -> PathBuf {
        let prefix = sha.get(..2).unwrap_or("__");
        self.dir.join("objects").join(prefix).join(sha)
    }

    /// Puts what job `key` wrote last time into `staging`, when its fingerprint is the same and
    /// every object is intact; returns the outputs' paths and hashes, or `None` to render. An
    /// output that cannot be placed once claimed fails the build, as a rendered one would: it
    /// is never left half placed for the render to write through.
    pub fn reuse(&self, key: &str, fingerprint: &Fingerprint, staging: &Staging) -> Result<Option<Entry>> {
        let Some(entry) = self.index.jobs.get(key).filter(|e| e.fingerprint == hex(fingerprint)) else {
            return Ok(None);
        };
        // most jobs write one file: the previous site's, or this cache's read once, checked and
        // written from memory
        if let [(rel, sha)] = entry.outputs.as_slice() {
            return Ok(staging.reuse(rel, sha, || self.checked(sha))?.then(|| entry.clone()));
        }
        // each placed as a single output is; a job is reused whole or rendered whole, so the
        // first that cannot be placed takes back those placed before it
        let mut placed: Vec<&str> = Vec::with_capacity(entry.outputs.len());
        for (rel, sha) in &entry.outputs {
            if !staging.reuse(rel, sha, || self.checked(sha))? {
                staging.release(&placed)?;
                return Ok(None);
            }
            placed.push(rel);
        }
        Ok(Some(entry.clone()))
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
            let tmp = dir.join(format!(".{sha}.{}.{n}", self.pid));
            if std::fs::copy(&staged, &tmp).is_ok() && std::fs::rename(&tmp, &object).is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
    }

    fn parsed_path(&self, key: &str) -> PathBuf {
        self.dir.join(PARSED).join(key.get(..2).unwrap_or("__")).join(key)
    }

    /// The page an earlier build parsed from the inputs `key` names ([`parse_key`]). Its
    /// record's first line is the SHA-256 of the rest: a record that fails that check, or does
    /// not read as a page, is removed and the file parsed again. What parsing checks (the
    /// privacy guard above all) held for the same text when the record was made, by this same
    /// program: the key names both.
    pub fn parsed(&self, key: &str) -> Option<Page> {
        if self.clean {
            return None;
        }
        self.parsed_used.lock().ok()?.insert(key.to_string());
        let path = self.parsed_path(key);
        let bytes = std::fs::read(&path).ok()?;
        let page = bytes
            .split_at_checked(64)
            .filter(|(sha, rest)| {
                rest.first() == Some(&b'\n') && crate::digest::sha256(&rest[1..]).as_bytes() == *sha
            })
            .and_then(|(_, rest)| serde_json::from_slice::<Page>(&rest[1..]).ok());
        if page.is_some() {
            self.parsed_hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            let _ = std::fs::remove_file(&path);
        }
        page
    }

    /// How many pages this build has taken parsed from the cache so far.
    pub fn parsed_hits(&self) -> usize {
        self.parsed_hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps `page`, just parsed from the inputs `key` names, for the next build. A failure
    /// only costs the next build a parse. A page this build's audience may not read is not
    /// kept: the public build's cache holds nothing the public build may not show.
    pub fn keep_parsed(&self, key: &str, page: &Page) {
        if !page.visible_to(self.audience) {
            return;
        }
        if let Ok(mut used) = self.parsed_used.lock() {
            used.insert(key.to_string());
        }
        let Ok(json) = serde_json::to_vec(page) else { return };
        let path = self.parsed_path(key);
        let Some(dir) = path.parent() else { return };
        let n = TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{key}.{}.{n}", self.pid));
        let mut record = crate::digest::sha256(&json).into_bytes();
        record.push(b'\n');
        record.extend_from_slice(&json);
        // written whole under another name, then renamed: a killed build leaves no half record;
        // its folder made only when missing (a call per page saved: most are there already)
        let mut written = std::fs::write(&tmp, &record);
        if written.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            let _ = std::fs::create_dir_all(dir);
            written = std::fs::write(&tmp, &record);
        }
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
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
        sweep(&self.dir.join("objects"), &|name| used.contains(name));
        let parsed = self.parsed_used.into_inner().unwrap_or_default();
        sweep(&self.dir.join(PARSED), &|name| parsed.contains(name));
        Ok(())
    }
}

/// Removes from `dir` (`objects/` or `parsed/`) the files of gongkai's own naming that no
/// build uses any more: a name of 64 hex digits in the folder of its first two, or the
/// temporary `.NAME.PID.N` of a build that was killed. Nothing of another name, nothing
/// deeper, and no link is ever removed: `dir` may be a link to a folder elsewhere (a cache
/// moved to another disk), and what else is there is someone's.
fn sweep(dir: &Path, used: &dyn Fn(&str) -> bool) {
    let hex = |s: &str| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    for entry in walkdir::WalkDir::new(dir).min_depth(2).max_depth(2).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        let folder = entry.path().parent().and_then(|p| p.file_name()).map(|f| f.to_string_lossy());
        let record = match name.strip_prefix('.') {
            // `.SHA.PID.N`: a temporary name, never in use once its build has ended
            Some(tmp) => {
                let digits = |d: &&str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
                matches!(tmp.split('.').collect::<Vec<_>>().as_slice(), [sha, pid, n] if hex(sha) && digits(pid) && digits(n))
            }
            None => hex(&name) && !used(&name),
        };
        let in_place = folder.is_some_and(|f| name.trim_start_matches('.').get(..2) == Some(f.as_ref()));
        if record && in_place && entry.file_type().is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
