//! Watching the site's sources: content, data, themes, static files and the settings.

use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Short enough to stay well inside the 200 ms from save to browser, long enough that an
/// editor's write-rename-chmod burst arrives as one change.
const QUIET: Duration = Duration::from_millis(30);

/// The folders a build reads, each watched whole.
const FOLDERS: [&str; 4] = ["content", "data", "themes", "static"];

/// Kept by the caller for as long as the site is watched; shared with the thread that adds a
/// source folder made after the start (`themes/` copied in while `serve` runs).
pub type Watcher = Arc<Mutex<notify::RecommendedWatcher>>;

/// Watches `root` and sends each batch of changed source paths (relative to the root).
///
/// Written on notify directly rather than a debouncer crate because the build itself reads
/// every source: those reads arrive as access events, which the mini debouncer cannot tell
/// from writes, so each build would trigger the next. Here only writes, creations, renames
/// and removals count.
pub fn watch(root: &Path, changes: Sender<Vec<PathBuf>>) -> Result<Watcher> {
    let base = root.canonicalize().with_context(|| t!("finding {}", "找不到 {}", root.display()))?;
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let prefix = base.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            return;
        }
        for path in event.paths {
            if let Ok(rel) = path.strip_prefix(&prefix) {
                if is_source(rel) || is_folder(rel) {
                    let _ = tx.send(rel.to_path_buf());
                }
            }
        }
    })
    .with_context(|| t!("starting the file watcher", "启动文件监视时出错"))?;
    for dir in FOLDERS {
        let path = base.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| t!("watching {}", "监视 {} 时出错", path.display()))?;
        }
    }
    watcher
        .watch(&base, RecursiveMode::NonRecursive)
        .with_context(|| t!("watching the site folder", "监视网站文件夹时出错"))?;
    let watcher = Arc::new(Mutex::new(watcher));
    // weak: the watcher goes when the caller drops it, and with it the sender this thread
    // waits on, so the thread ends too
    let shared = Arc::downgrade(&watcher);
    std::thread::spawn(move || batch(rx, changes, &base, &shared));
    Ok(watcher)
}

/// Gathers paths until the tree has been quiet for a moment, then sends them as one batch.
/// A source folder made (or made again) since the start is watched from then on, and sent
/// as a change itself: whatever was put into it before its watch began is read by the full
/// build that a change outside `content/` makes.
fn batch(
    paths: mpsc::Receiver<PathBuf>,
    changes: Sender<Vec<PathBuf>>,
    base: &Path,
    watcher: &std::sync::Weak<Mutex<notify::RecommendedWatcher>>,
) {
    let mut folders = Folders::of(base);
    while let Ok(first) = paths.recv() {
        let mut batch = vec![first];
        while let Ok(more) = paths.recv_timeout(QUIET) {
            batch.push(more);
        }
        batch.sort();
        batch.dedup();
        batch.retain(|p| folders.counts(base, p));
        if batch.is_empty() {
            continue;
        }
        for folder in batch.iter().filter(|p| is_folder(p)) {
            let path = base.join(folder);
            let Some(watcher) = watcher.upgrade() else { return };
            if path.is_dir() {
                if let Ok(mut w) = watcher.lock() {
                    // a folder removed and made again needs its watch anew; one still watched
                    // is watched once, whatever this says
                    let _ = w.unwatch(&path);
                    let _ = w.watch(&path, RecursiveMode::Recursive);
                }
            }
        }
        if changes.send(batch).is_err() {
            return;
        }
    }
}

/// The folders under the source folders, as last seen: a change to a path without an
/// extension counts when that path is a folder, now or before (one moved in, or moved away
/// with what it held), and not when it is a file: `sed -i` and vim write and remove such
/// files beside the one they save, and each would cost a full build.
struct Folders(std::collections::BTreeSet<PathBuf>);

impl Folders {
    fn of(base: &Path) -> Folders {
        let mut folders = Folders(Default::default());
        for top in FOLDERS {
            folders.add(base, Path::new(top));
        }
        folders
    }

    fn add(&mut self, base: &Path, rel: &Path) {
        let found = walkdir::WalkDir::new(base.join(rel)).into_iter().filter_map(|e| e.ok());
        for entry in found.filter(|e| e.file_type().is_dir()) {
            if let Ok(rel) = entry.path().strip_prefix(base) {
                self.0.insert(rel.to_path_buf());
            }
        }
    }

    fn counts(&mut self, base: &Path, rel: &Path) -> bool {
        if rel.extension().is_some() || rel == Path::new(crate::config::FILE) {
            return true;
        }
        if base.join(rel).is_dir() {
            self.add(base, rel);
            return true;
        }
        let known = self.0.contains(rel);
        if known {
            let gone: Vec<PathBuf> =
                self.0.range(rel.to_path_buf()..).take_while(|p| p.starts_with(rel)).cloned().collect();
            for p in gone {
                self.0.remove(&p);
            }
        }
        known
    }
}

/// One of the source folders themselves, at the top of the site.
fn is_folder(rel: &Path) -> bool {
    rel.components().count() == 1 && FOLDERS.iter().any(|f| rel == Path::new(f))
}

/// Sources are what a build reads: the settings, and anything under a source folder, a folder
/// too (one moved in or out, with whatever it holds, sends only its own name: a party-only
/// notice moved in that way went unseen, found by a hostile review; [`Folders`] tells a folder
/// from an editor's file without an extension). The output folder and editors' swap and
/// backup files are not.
fn is_source(rel: &Path) -> bool {
    let name = rel.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let top =
        rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    let inside = rel.components().count() > 1 && FOLDERS.contains(&top.as_str());
    !hidden
        && !name.ends_with('~')
        && !name.ends_with(".swp")
        && (rel == Path::new(crate::config::FILE) || inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        assert!(is_source(Path::new("content/cases/a.md")));
        assert!(is_source(Path::new("site.toml")));
        assert!(is_source(Path::new("content/disclosures/batch")), "a folder moved in or out");
        assert!(!is_source(Path::new("public/index.html")));
        assert!(!is_source(Path::new("content/cases/.a.md.swp")));
        assert!(!is_source(Path::new("content/cases/a.md~")));
        assert!(is_folder(Path::new("themes")) && !is_folder(Path::new("public")));
        assert!(!is_folder(Path::new("content/themes")));
    }

    #[test]
    fn a_path_without_an_extension_counts_when_it_is_or_was_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        std::fs::create_dir_all(base.join("content/cases/old")).unwrap();
        let mut folders = Folders::of(base);
        std::fs::write(base.join("content/cases/sedAb12"), "x").unwrap();
        assert!(!folders.counts(base, Path::new("content/cases/sedAb12")), "an editor's file");
        std::fs::remove_file(base.join("content/cases/sedAb12")).unwrap();
        assert!(!folders.counts(base, Path::new("content/cases/sedAb12")), "gone, and never a folder");
        std::fs::create_dir_all(base.join("content/cases/new/inner")).unwrap();
        assert!(folders.counts(base, Path::new("content/cases/new")), "a folder moved in");
        std::fs::remove_dir_all(base.join("content/cases/new")).unwrap();
        assert!(folders.counts(base, Path::new("content/cases/new")), "and moved away");
        assert!(!folders.counts(base, Path::new("content/cases/new/inner")), "forgotten with it");
        std::fs::remove_dir_all(base.join("content/cases/old")).unwrap();
        assert!(folders.counts(base, Path::new("content/cases/old")), "a folder there at the start");
        assert!(folders.counts(base, Path::new("content/cases/a.md")));
    }
}
