//! Archived editions: `/archive/` lists every release, and `/archive/VERSION/` is the whole
//! site as released, rebuilt from the stored sources, checked byte for byte against the
//! release manifest, and cached by the manifest's hash so it is built once, not every time.
//! The cache saves rendering only: the store behind it is checked on every load of the
//! history (`Store::check`), cached or not.

use super::manifest::Release;
use super::History;
use crate::digest::sha256;
use crate::render::Output;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where rebuilt editions are kept between builds (not committed).
pub const CACHE: &str = ".gongkai-cache/archive";

/// A release as the archive page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Edition {
    pub version: String,
    pub date: String,
    pub note: String,
    pub path: String,
    /// Pages added, changed and removed since the release before.
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

pub fn editions(history: &History) -> Vec<Edition> {
    let mut out = Vec::new();
    let empty = Default::default();
    let mut previous: &std::collections::BTreeMap<String, String> = &empty;
    for r in &history.releases {
        let pages = |m: &std::collections::BTreeMap<String, String>| -> Vec<(String, String)> {
            m.iter().filter(|(p, _)| p.ends_with(".html")).map(|(p, h)| (p.clone(), h.clone())).collect()
        };
        let (now, before) = (pages(&r.outputs), pages(previous));
        let before_map: std::collections::BTreeMap<_, _> = before.iter().cloned().collect();
        let now_map: std::collections::BTreeMap<_, _> = now.iter().cloned().collect();
        out.push(Edition {
            version: r.version.clone(),
            date: r.date.clone(),
            note: r.note.clone(),
            path: format!("archive/{}/", r.version),
            added: now.iter().filter(|(p, _)| !before_map.contains_key(p)).count(),
            changed: now.iter().filter(|(p, h)| before_map.get(p).is_some_and(|b| b != h)).count(),
            removed: before.iter().filter(|(p, _)| !now_map.contains_key(p)).count(),
        });
        previous = &r.outputs;
    }
    out.reverse();
    out
}

/// Renders one edition from sources in a folder, with the history as it stood then.
pub type RenderEdition<'a> = dyn Fn(&Path, &History, &Release) -> Result<Vec<Output>> + 'a;

/// One archived edition's files, below its own root, exactly as released: the live site
/// puts them under `archive/VERSION/` (see `super::banner` for what it adds on the way).
pub fn edition(
    root: &Path,
    history: &History,
    release: &Release,
    render: &RenderEdition,
) -> Result<Vec<Output>> {
    let cache = root.join(CACHE).join(release.key());
    if let Some(files) = read_cache(&cache, release) {
        return Ok(files);
    }
    let work = tempfile::tempdir().with_context(|| {
        t!("making a folder to rebuild an archived edition", "创建重建存档版本用的临时文件夹时出错")
    })?;
    history.store.checkout(release, work.path())?;
    let rebuilt = render(work.path(), &history.before(&release.version, root), release);
    let stored = stored_output(history, release)?;
    let files = match rebuilt {
        Ok(rebuilt) if check_identical(release, &rebuilt).is_ok() => rebuilt,
        // a newer gongkai may render the same sources differently, or refuse them (a case
        // released before cases needed a date): the edition then comes from the stored
        // output, which is what was released, checked against its hashes
        _ => stored,
    };
    // only a shortcut for the next build: a read-only site folder (a container's) builds anyway
    let _ = write_cache(&cache, &files);
    Ok(files)
}

/// The rebuilt edition must be the released one, file for file and byte for byte.
fn check_identical(release: &Release, files: &[Output]) -> Result<()> {
    let rebuilt: std::collections::BTreeMap<&str, String> =
        files.iter().map(|(p, b)| (p.as_str(), sha256(b))).collect();
    let released: std::collections::BTreeMap<&str, &str> =
        release.outputs.iter().map(|(p, h)| (p.as_str(), h.as_str())).collect();
    let differs: Vec<&str> = released
        .keys()
        .chain(rebuilt.keys())
        .filter(|p| released.get(*p).copied() != rebuilt.get(*p).map(String::as_str))
        .copied()
        .collect();
    if !differs.is_empty() {
        bail!(t!(
            "the archived edition {} rebuilds differently from what was released ({} files differ, e.g. {}); it was made by {}, this is {}",
            "存档版本 {} 重建的结果与发布时不同（{} 个文件不一致，如 {}）；它由 {} 生成，当前是 {}",
            release.version,
            differs.len(),
            differs[0],
            release.generator,
            crate::digest::generator()
        ));
    }
    Ok(())
}

fn stored_output(history: &History, release: &Release) -> Result<Vec<Output>> {
    let user =
        |path: &str| t!("the output {path} of release {}", "版本 {} 的输出文件 {path}", release.version);
    release
        .outputs
        .iter()
        .map(|(path, hash)| Ok((path.clone(), history.store.object(hash, &user(path))?)))
        .collect()
}

const COMPLETE: &str = ".complete";

fn read_cache(dir: &Path, release: &Release) -> Option<Vec<Output>> {
    if !dir.join(COMPLETE).exists() {
        return None;
    }
    let mut files = Vec::with_capacity(release.outputs.len());
    for (path, hash) in &release.outputs {
        let bytes = std::fs::read(dir.join(path)).ok()?;
        if &sha256(&bytes) != hash {
            return None;
        }
        files.push((path.clone(), bytes));
    }
    Some(files)
}

fn write_cache(dir: &Path, files: &[Output]) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in files {
        let target: PathBuf = dir.join(crate::write::safe_relative(path)?);
        let parent = target.parent().expect("a file has a folder");
        std::fs::create_dir_all(parent).with_context(|| crate::locale::creating(parent))?;
        std::fs::write(&target, bytes).with_context(|| crate::locale::writing(&target))?;
    }
    std::fs::write(dir.join(COMPLETE), b"").with_context(|| crate::locale::writing(dir))?;
    Ok(())
}
