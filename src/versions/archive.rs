//! Archived editions: `/archive/` lists every release, and `/archive/VERSION/` is the whole
//! site as released, rebuilt from the stored sources, checked byte for byte against the
//! release manifest, and cached by the manifest's hash so it is built once, not every time.
//! The cache saves rendering only: the store behind it is checked on every load of the
//! history (`Store::check`), cached or not.

use super::manifest::Release;
use super::History;
use crate::digest::sha256;
use crate::render::{Edition, Output};
use crate::Diagnostic;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Where rebuilt editions are kept between builds (not committed).
pub const CACHE: &str = ".gongkai-cache/archive";

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
pub type RenderEdition<'a> = dyn Fn(&Path, &History, &Release) -> Result<Vec<Output>, crate::BuildError> + 'a;

/// One archived edition's files, below its own root, exactly as released: the live site
/// puts them under `archive/VERSION/` (see [`with_banners`] for what it adds on the way).
/// An edition this gongkai rebuilds differently comes from the stored output, with a warning
/// that says so; `keep` keeps the result in the archive cache for the next build.
pub fn edition(
    root: &Path,
    history: &History,
    release: &Release,
    render: &RenderEdition,
    keep: bool,
) -> Result<(Vec<Output>, Option<Diagnostic>)> {
    let cache = root.join(CACHE).join(release.key());
    if let Some((files, differs)) = read_cache(&cache, release) {
        return Ok((files, differs.map(|why| differs_warning(release, &why))));
    }
    if !keep {
        // `check` writes nothing, not even a checkout: the edition is what was released
        return Ok((stored_output(history, release)?, None));
    }
    let work = Checkout::new(&root.join(CACHE))?;
    history.store.checkout(release, &work.0)?;
    let rebuilt = render(&work.0, &history.before(&release.version, root), release);
    let checked = match rebuilt {
        Ok(files) => check_identical(release, &files).map(|()| files).map_err(|e| e.to_string()),
        Err(crate::BuildError::Content(d)) => Err(match d.0.first() {
            Some(first) => t!("its sources no longer build: {first}", "其源文件现在无法生成：{first}"),
            None => String::new(),
        }),
        Err(crate::BuildError::Io(e)) => Err(e.to_string()),
    };
    let (files, differs) = match checked {
        Ok(files) => (files, None),
        // a newer gongkai may render the same sources differently, or refuse them (a case
        // released before cases needed a date): the edition then comes from the stored
        // output, which is what was released, checked against its hashes
        Err(why) => (stored_output(history, release)?, Some(why)),
    };
    // only a shortcut for the next build: a read-only site folder (a container's) builds anyway
    if keep {
        let _ = write_cache(&cache, &files, differs.as_deref());
    }
    Ok((files, differs.map(|why| differs_warning(release, &why))))
}

/// A release's sources checked out to be rebuilt: inside the site's cache, not the system's
/// temporary folder, readable by this user alone (the sources may hold party-only pages), and
/// removed when dropped; a checkout a killed build left behind is removed by the next one.
pub struct Checkout(pub PathBuf);

impl Checkout {
    pub fn new(dir: &Path) -> Result<Checkout> {
        std::fs::create_dir_all(dir).with_context(|| crate::locale::creating(dir))?;
        for entry in std::fs::read_dir(dir).with_context(|| crate::locale::reading(dir))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // `.checkout-PID-START-N` (`.checkout-PID-N` before start times were recorded)
            let parts: Vec<&str> =
                name.strip_prefix(".checkout-").map(|r| r.split('-').collect()).unwrap_or_default();
            let (pid, start) = match parts.as_slice() {
                [pid, start, _] => (pid.parse::<u32>().ok(), start.parse().ok()),
                [pid, _] => (pid.parse::<u32>().ok(), None),
                _ => (None, None),
            };
            if pid.is_some_and(|pid| !crate::write::lock::still_running(pid, start)) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let me = std::process::id();
        let path = match crate::write::lock::start_ticks(me) {
            Some(start) => dir.join(format!(".checkout-{me}-{start}-{n}")),
            None => dir.join(format!(".checkout-{me}-{n}")),
        };
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&path).with_context(|| crate::locale::creating(&path))?;
        Ok(Checkout(path))
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Said when an edition is served as stored because it no longer rebuilds the same.
fn differs_warning(release: &Release, why: &str) -> Diagnostic {
    let first = why.lines().next().unwrap_or_default();
    Diagnostic::new(
        Path::new(super::store::DIR).join(&release.version),
        0,
        t!(
            "archive/{}/ is served as it was released: this gongkai does not rebuild it the same ({first})",
            "archive/{}/ 按发布时保存的文件提供：当前的 gongkai 重建结果与发布时不同（{first}）",
            release.version
        ),
    )
    .with_hint(t!(
        "nothing to do unless the stored output was meant to change; the released bytes are kept",
        "一般无需处理：发布时的文件原样保留"
    ))
}

/// The archived editions under `archive/VERSION/`, each page the live site has since corrected
/// or removed with its banner, and the releases' published manifests and signatures.
pub fn with_banners(
    history: &History,
    editions: &[Vec<Output>],
    current: &[super::banner::Current],
    lang: crate::text::Lang,
) -> Vec<Output> {
    let order: Vec<&str> = history.releases.iter().map(|r| r.version.as_str()).collect();
    let mut files = Vec::new();
    for (release, edition) in history.releases.iter().zip(editions) {
        let mut edition = edition.clone();
        super::banner::add(&mut edition, release, &order, current, lang);
        files.extend(edition.into_iter().map(|(p, b)| (format!("archive/{}/{p}", release.version), b)));
    }
    for release in &history.releases {
        files.push((format!("archive/{}.json", release.version), release.public_bytes()));
        if let Some(sig) = history.store.signature(&release.version) {
            files.push((format!("archive/{}.sig", release.version), format!("{sig}\n").into_bytes()));
        }
    }
    files
}

/// What the live site says of each of its pages, for the banners of archived editions.
pub fn current_pages(library: &crate::resolve::Library) -> Vec<super::banner::Current> {
    library
        .pages
        .iter()
        .map(|p| super::banner::Current {
            path: p.path.clone(),
            old_paths: p.old_paths.iter().filter(|o| **o != p.path).cloned().collect(),
            source: p.source.to_string_lossy().replace('\\', "/"),
            hash: p.hash.clone(),
            versions: match &p.extra {
                crate::content::Extra::Disclosure(d) => d
                    .versions
                    .iter()
                    .map(|v| super::banner::Revision {
                        number: v.number,
                        release: v.release.clone(),
                        date: v.date.clone(),
                        reason: v.reason.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect()
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

/// The cached edition, and why it is the stored output when it is. The `.complete` marker
/// names the program that made it (another may rebuild the edition after all) and keeps the
/// reason, so that the warning is said on every build, not only on the one that rebuilt it.
fn read_cache(dir: &Path, release: &Release) -> Option<(Vec<Output>, Option<String>)> {
    let marker = std::fs::read_to_string(dir.join(COMPLETE)).ok()?;
    let (made_by, differs) = marker.split_once('\n')?;
    if made_by != crate::write::cache::program_stamp() {
        return None;
    }
    let differs = Some(differs.to_string()).filter(|m| !m.is_empty());
    let mut files = Vec::with_capacity(release.outputs.len());
    for (path, hash) in &release.outputs {
        let bytes = std::fs::read(dir.join(path)).ok()?;
        if &sha256(&bytes) != hash {
            return None;
        }
        files.push((path.clone(), bytes));
    }
    Some((files, differs))
}

fn write_cache(dir: &Path, files: &[Output], differs: Option<&str>) -> Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in files {
        let target: PathBuf = dir.join(crate::write::safe_relative(path)?);
        let parent = target.parent().expect("a file has a folder");
        std::fs::create_dir_all(parent).with_context(|| crate::locale::creating(parent))?;
        std::fs::write(&target, bytes).with_context(|| crate::locale::writing(&target))?;
    }
    let marker = format!("{}\n{}", crate::write::cache::program_stamp(), differs.unwrap_or_default());
    std::fs::write(dir.join(COMPLETE), marker).with_context(|| crate::locale::writing(dir))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(unix)]
    fn a_checkout_is_private_and_goes_when_dropped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let work = super::Checkout::new(dir.path()).unwrap();
        let mode = std::fs::metadata(&work.0).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let path = work.0.clone();
        drop(work);
        assert!(!path.exists());
    }
}
