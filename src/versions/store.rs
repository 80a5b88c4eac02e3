//! The release store in `releases/`, committed with the site: one manifest per release and
//! the source files stored by their hash, so an unchanged file is stored once. Nothing in the
//! store is trusted on reading: every object is re-hashed.

use super::manifest::Release;
use crate::digest::sha256;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub const DIR: &str = "releases";

#[derive(Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn at(root: &Path) -> Store {
        Store { dir: root.join(DIR) }
    }

    fn manifest_path(&self, version: &str) -> PathBuf {
        self.dir.join(format!("{version}.json"))
    }

    fn object_path(&self, hash: &str) -> PathBuf {
        self.dir.join("objects").join(&hash[..2]).join(&hash[2..])
    }

    /// Every release, oldest first by date, then version.
    pub fn releases(&self) -> Result<Vec<Release>> {
        if !self.dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut releases = Vec::new();
        for entry in std::fs::read_dir(&self.dir).with_context(|| crate::locale::reading(&self.dir))? {
            let path = entry.with_context(|| crate::locale::reading(&self.dir))?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
                let release = Release::from_bytes(&bytes, &path.display().to_string())?;
                let expected = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                if expected.as_deref() != Some(release.version.as_str()) {
                    bail!(t!(
                        "{} names version {}: the store is damaged; restore it from version control",
                        "{} 中写的版本是 {}：版本库已损坏，请从版本控制中恢复",
                        path.display(),
                        release.version
                    ));
                }
                releases.push(release);
            }
        }
        releases.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.version.cmp(&b.version)));
        Ok(releases)
    }

    /// Records a release: its sources and its output are stored, then its manifest. An
    /// existing version is refused, since a release is a public record. The output is kept
    /// too, so that the edition stays readable exactly as released even when a later gongkai
    /// renders the same sources differently.
    pub fn record(
        &self,
        release: &Release,
        files: &[(String, Vec<u8>)],
        signature: Option<&str>,
    ) -> Result<()> {
        let manifest = self.manifest_path(&release.version);
        if manifest.exists() {
            bail!(t!(
                "release {} exists already and cannot be changed; choose a new version (e.g. {}.1)",
                "版本 {} 已经存在，不能更改；请换一个新版本号（如 {}.1）",
                release.version,
                release.version
            ));
        }
        for (_, bytes) in files {
            let hash = sha256(bytes);
            let path = self.object_path(&hash);
            if !path.exists() {
                let parent = path.parent().expect("objects have a folder");
                std::fs::create_dir_all(parent).with_context(|| crate::locale::creating(parent))?;
                std::fs::write(&path, bytes).with_context(|| crate::locale::writing(&path))?;
            }
        }
        std::fs::write(&manifest, release.to_bytes()).with_context(|| crate::locale::writing(&manifest))?;
        if let Some(sig) = signature {
            let path = self.dir.join(format!("{}.sig", release.version));
            std::fs::write(&path, format!("{sig}\n")).with_context(|| crate::locale::writing(&path))?;
        }
        Ok(())
    }

    /// Every object of every release, re-hashed, and the chain of releases: run whenever the
    /// history is loaded, so that an archived edition read from the cache, which skips the
    /// store, cannot hide a damaged or forged object until the cache is cleared.
    pub fn check(&self, releases: &[Release]) -> Result<()> {
        use rayon::prelude::*;
        let breaks = super::manifest::chain_breaks(&releases.iter().map(Release::link).collect::<Vec<_>>());
        if !breaks.is_empty() {
            bail!(t!(
                "the releases in {} do not form an unbroken chain:\n  {}\nrestore releases/ from version control",
                "{} 中的各版本没有连成完整的链：\n  {}\n请从版本控制中恢复 releases/",
                self.dir.display(),
                breaks.join("\n  ")
            ));
        }
        // one read per object, however many releases share it; the first to use it is named
        let mut users: std::collections::BTreeMap<&str, String> = std::collections::BTreeMap::new();
        for release in releases {
            let sources = release.sources.iter().map(|f| ("source", f));
            for (kind, (path, hash)) in sources.chain(release.outputs.iter().map(|f| ("output", f))) {
                users.entry(hash).or_insert_with(|| match kind {
                    "source" => {
                        t!("the source {path} of release {}", "版本 {} 的源文件 {path}", release.version)
                    }
                    _ => t!("the output {path} of release {}", "版本 {} 的输出文件 {path}", release.version),
                });
            }
        }
        let damaged: Vec<String> = users
            .par_iter()
            .filter_map(|(hash, user)| self.object(hash, user).err().map(|e| crate::locale::error_chain(&e)))
            .collect();
        match damaged.as_slice() {
            [] => Ok(()),
            [one] => bail!("{one}"),
            many => {
                bail!(t!(
                    "{} objects of the release store are damaged:\n  {}",
                    "版本库中有 {} 个对象已损坏：\n  {}",
                    many.len(),
                    many.join("\n  ")
                ))
            }
        }
    }

    /// The stored bytes with this hash, checked against it. `what` says what the object is
    /// (`the source content/x.md of release 2024`): a hash alone tells no one which file to look at.
    pub fn object(&self, hash: &str, what: &str) -> Result<Vec<u8>> {
        let of = t!(" ({what})", "（{what}）");
        anyhow::ensure!(
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            t!("`{hash}`{of} is not a SHA-256 hash", "`{hash}`{of}不是 SHA-256 哈希")
        );
        let path = self.object_path(hash);
        let bytes = std::fs::read(&path).with_context(|| {
            t!(
                "the release store lacks {}{of}; restore releases/ from version control",
                "版本库中缺少 {}{of}；请从版本控制中恢复 releases/",
                path.display()
            )
        })?;
        if sha256(&bytes) != hash {
            bail!(t!(
                "{}{of} is damaged: its content no longer matches its hash; restore releases/ from version control",
                "{}{of}已损坏：内容与哈希不符；请从版本控制中恢复 releases/",
                path.display()
            ));
        }
        Ok(bytes)
    }

    /// The signature stored beside a release, if any.
    pub fn signature(&self, version: &str) -> Option<String> {
        std::fs::read_to_string(self.dir.join(format!("{version}.sig"))).ok().map(|s| s.trim().to_string())
    }

    /// Writes a release's sources into `dir`, as they were.
    pub fn checkout(&self, release: &Release, dir: &Path) -> Result<()> {
        for (path, hash) in &release.sources {
            let rel = crate::write::safe_relative(path)?;
            let target = dir.join(rel);
            let parent = target.parent().expect("a file has a folder");
            std::fs::create_dir_all(parent).with_context(|| crate::locale::creating(parent))?;
            let user = t!("the source {path} of release {}", "版本 {} 的源文件 {path}", release.version);
            let bytes = self.object(hash, &user)?;
            std::fs::write(&target, bytes).with_context(|| crate::locale::writing(&target))?;
        }
        Ok(())
    }
}
