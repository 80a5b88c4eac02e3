//! Watching the site's sources: content, data, themes, static files and the settings.

use anyhow::{Context, Result};
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode, DebounceEventResult, Debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Short enough to stay well inside the 200 ms from save to browser, long enough that an
/// editor's write-rename-chmod burst arrives as one change.
const DEBOUNCE: Duration = Duration::from_millis(40);

pub type Watcher = Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>;

/// Watches `root` and sends each batch of changed paths (relative to the root).
pub fn watch(root: &Path, changes: Sender<Vec<PathBuf>>) -> Result<Watcher> {
    let base = root.canonicalize().with_context(|| format!("finding {}", root.display()))?;
    let prefix = base.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        if let Ok(events) = result {
            let mut paths: Vec<PathBuf> = events
                .into_iter()
                .filter_map(|e| e.path.strip_prefix(&prefix).ok().map(Path::to_path_buf))
                .filter(|p| is_source(p))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = changes.send(paths);
            }
        }
    })
    .context("starting the file watcher")?;
    for dir in ["content", "data", "themes", "static"] {
        let path = base.join(dir);
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("watching {}", path.display()))?;
        }
    }
    debouncer.watcher().watch(&base, RecursiveMode::NonRecursive).context("watching the site folder")?;
    Ok(debouncer)
}

/// Sources are what a build reads; the output folder and editors' swap files are not.
fn is_source(rel: &Path) -> bool {
    let name = rel.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let top =
        rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    !hidden
        && !name.ends_with('~')
        && !name.ends_with(".swp")
        && (rel == Path::new(crate::config::FILE)
            || ["content", "data", "themes", "static"].contains(&top.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        assert!(is_source(Path::new("content/cases/a.md")));
        assert!(is_source(Path::new("site.toml")));
        assert!(!is_source(Path::new("public/index.html")));
        assert!(!is_source(Path::new("content/cases/.a.md.swp")));
        assert!(!is_source(Path::new("content/cases/a.md~")));
    }
}
