//! Versions: the release store, archived editions and verification (the revision rule over
//! the store's texts is resolve's, in `resolve::revisions`). A disclosure site is a public
//! record: what was published stays readable, and anyone can check that a page was not altered.

pub mod archive;
pub mod banner;
pub mod manifest;
pub mod shard;
pub mod store;
pub mod verify;

use anyhow::{Context, Result};
use manifest::Release;
use std::path::{Path, PathBuf};
use store::Store;

/// The releases of a site, oldest first, with access to their stored sources.
#[derive(Clone)]
pub struct History {
    pub store: Store,
    pub releases: Vec<Release>,
}

impl History {
    /// The releases in the store, every object and the chain checked.
    pub fn load(root: &Path) -> Result<History> {
        let store = Store::at(root);
        let releases = store.releases()?;
        store.check(&releases)?;
        Ok(History { store, releases })
    }

    /// No releases: for a site that has none, and for rebuilding the first one.
    pub fn empty(root: &Path) -> History {
        History { store: Store::at(root), releases: Vec::new() }
    }

    /// The history as it stood when `version` was released: the releases before it.
    pub fn before(&self, version: &str, root: &Path) -> History {
        let releases = self.releases.iter().take_while(|r| r.version != version).cloned().collect();
        History { store: Store::at(root), releases }
    }

    /// The text of `path` in each release that has it, as (version, date) and text, oldest
    /// first. An object that cannot be read fails, naming it and its release: skipping it
    /// would let a released disclosure look unreleased, and change without a revision.
    pub fn texts_of<'a>(&'a self, path: &str) -> Result<Vec<((&'a str, &'a str), String)>> {
        let mut texts = Vec::new();
        for r in &self.releases {
            let Some(hash) = r.sources.get(path) else { continue };
            let user = t!("the source {path} of release {}", "版本 {} 的源文件 {path}", r.version);
            let bytes = self.store.object(hash, &user)?;
            let text = String::from_utf8(bytes).map_err(|_| {
                anyhow::anyhow!(t!(
                    "{user} is not UTF-8; restore releases/ from version control",
                    "{user} 不是 UTF-8 文本；请从版本控制中恢复 releases/"
                ))
            })?;
            // load drops a byte-order mark; a stored copy that has one is the same text
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            texts.push(((r.version.as_str(), r.date.as_str()), text));
        }
        Ok(texts)
    }

    /// Each release's version with the hash of its published manifest, for the site manifest.
    pub fn published(&self) -> std::collections::BTreeMap<String, String> {
        self.releases.iter().map(|r| (r.version.clone(), r.published_hash())).collect()
    }
}

/// What `gongkai release` is asked for.
pub struct ReleaseOptions {
    pub version: String,
    pub note: String,
    /// Defaults to the build's date.
    pub date: Option<chrono::NaiveDate>,
    /// Secret ed25519 key, hex, to sign the manifest with.
    pub key: Option<String>,
}

/// The folders and file whose contents make a release's sources.
pub const SOURCE_DIRS: [&str; 4] = ["content", "data", "themes", "static"];

/// Every source file of the site, as (path relative to the root, bytes), sorted.
/// One digest of the site's sources (the files a release stores), read a file at a time so
/// that a province's site is never held whole: what `merge` compares the shards against.
pub fn sources_digest(root: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (rel, path) in source_files(root)? {
        let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
        h.update((rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        h.update(Sha256::digest(&bytes));
    }
    Ok(format!("{:x}", h.finalize()))
}

/// The site's sources with their bytes, sorted by path: what a release stores.
pub fn sources(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    source_files(root)?
        .into_iter()
        .map(|(rel, path)| Ok((rel, std::fs::read(&path).with_context(|| crate::locale::reading(&path))?)))
        .collect()
}

/// The site's source files (`site.toml` and everything under [`SOURCE_DIRS`]): each one's
/// path below the root, written with `/`, and where it is, sorted by that path.
fn source_files(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    let config = root.join(crate::config::FILE);
    if config.exists() {
        files.push((crate::config::FILE.to_string(), config));
    }
    for dir in SOURCE_DIRS {
        for (path, rel) in crate::load::walk(root, dir)? {
            files.push((rel.to_string_lossy().replace('\\', "/"), path));
        }
    }
    files.sort();
    Ok(files)
}

/// `con`, `nul`, `com1`…, with or without an extension, in any case: files Windows cannot
/// make, where a site kept on a county office's Windows machine would lose the release.
fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    let numbered = |prefix: &str| {
        stem.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    };
    ["con", "prn", "aux", "nul"].contains(&stem.as_str()) || numbered("com") || numbered("lpt")
}

/// A version name must make a safe file and URL segment: `2024`, `2024.1`, `2024-q3`.
pub fn check_version(version: &str) -> Result<()> {
    let ok = !version.is_empty()
        && version.len() <= 40
        && version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !version.starts_with('.')
        // archive/VERSION.json and .sig sit beside archive/VERSION/ and archive/index.html
        && ![".json", ".sig", ".html", ".htm", ".xml", ".js"].iter().any(|e| version.to_ascii_lowercase().ends_with(e))
        && version != "index"
        // the names Windows keeps for devices: such a release could never be checked out there
        && !is_device_name(version);
    anyhow::ensure!(
        ok,
        t!(
            "`{version}` cannot name a release: use letters, digits, '.', '-' or '_', not ending in a file extension, e.g. 2024",
            "`{version}` 不能用作版本号：请用字母、数字、'.'、'-' 或 '_'，不要以文件扩展名结尾，如 2024"
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_version;

    #[test]
    fn version_names_are_safe_files_everywhere() {
        for good in ["2024", "2024.1", "2024-q3", "v1_0", "console", "com0", "com10", "lpt"] {
            assert!(check_version(good).is_ok(), "{good}");
        }
        for bad in
            ["", "con", "CON", "nul.1", "Aux", "com1", "LPT9", "prn", "index", "a.json", ".x", "a/b", "年度"]
        {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }
}
