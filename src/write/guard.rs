//! Which folder a build may write into. A build replaces its output folder whole, so that
//! folder must be new, empty or made by gongkai, and never the site itself or its sources.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as gongkai's output, which a later build may replace.
pub const MARKER: &str = ".gongkai-output";

pub const MARKER_TEXT: &str =
    "This folder is made by gongkai and replaced whole by every build: keep no files of your own here.\n\
本文件夹由 gongkai 生成，每次构建都会整体替换，请勿在此存放自己的文件。\n";

/// What a site root holds that a build reads or must keep.
const SOURCES: [&str; 7] = ["content", "data", "themes", "static", "releases", crate::config::FILE, ".git"];

/// The manifest every gongkai build has published at the top of its output.
const SITE_MANIFEST: &str = "manifest.json";

fn choose() -> String {
    t!(
        "use --out public (the default) or another new folder outside the sources",
        "请用 --out public（默认）或源文件之外的另一个新文件夹"
    )
}

/// Refuses an output folder whose replacement would destroy something gongkai did not make:
/// the site root, a source (or a folder holding or inside one), a file, or a folder with
/// someone else's files in it.
pub fn check(root: &Path, out: &Path) -> Result<()> {
    let root = root.canonicalize().with_context(|| {
        t!(
            "the site folder {} does not exist; pass --root DIR",
            "网站文件夹 {} 不存在，请用 --root 指定网站文件夹",
            root.display()
        )
    })?;
    let target =
        resolve(out).with_context(|| t!("finding where {} is", "找不到 {} 的位置", out.display()))?;
    let shown = out.display();
    let choose = choose();
    if target == root {
        bail!(t!(
            "refusing to build into {shown}: it is the site folder itself, and a build replaces its output folder whole; {choose}",
            "不能生成到 `{shown}`：它就是网站文件夹本身，而生成时会整体替换输出文件夹。{choose}"
        ));
    }
    if root.starts_with(&target) {
        bail!(t!(
            "refusing to build into {shown}: it holds the site folder {}, and a build replaces its output folder whole; {choose}",
            "不能生成到 `{shown}`：网站文件夹 {} 就在它里面，而生成时会整体替换输出文件夹。{choose}",
            root.display()
        ));
    }
    for name in SOURCES {
        let source = root.join(name);
        let real = source.canonicalize().unwrap_or_else(|_| source.clone());
        if [&source, &real].iter().any(|s| target.starts_with(s) || s.starts_with(&target)) {
            bail!(t!(
                "refusing to build into {shown}: it is, holds or lies inside `{name}`, one of the site's sources, and a build replaces its output folder whole; {choose}",
                "不能生成到 `{shown}`：它是、包含或位于网站源文件 `{name}` 之中，而生成时会整体替换输出文件夹。{choose}"
            ));
        }
    }
    check_existing(out, Foreign::Refuse)
}

/// What [`check_existing`] does with files a person put into a folder gongkai made.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    /// Lists the folder and refuses it, naming them (before a build).
    Refuse,
    /// Leaves them to the swap, which keeps each and says so ([`super::retire`]): just before
    /// the swap the folder is not listed a second time.
    Keep,
}

/// Refuses an existing `out` that gongkai may not replace. Checked again just before the swap,
/// since a person may have put files into an empty folder while the site was rendering, or
/// put another folder in its place.
pub fn check_existing(out: &Path, foreign: Foreign) -> Result<()> {
    let shown = out.display();
    // the swap would put a real folder where the link was: the link is the user's, not ours
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = std::fs::read_link(out).map(|p| p.display().to_string()).unwrap_or_default();
        bail!(t!(
            "refusing to build into {shown}: it is a symbolic link, which the build would replace by a folder; pass the folder it points to ({target})",
            "不能生成到 `{shown}`：它是一个符号链接，生成时会被换成文件夹。请改用它指向的文件夹（{target}）"
        ));
    }
    match std::fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| crate::locale::reading(out)),
        Ok(meta) if !meta.is_dir() => {
            let choose = choose();
            bail!(t!(
                "refusing to build into {shown}: it is a file, and a build would replace it by a folder; {choose}",
                "不能生成到 `{shown}`：它是一个文件，生成时会被换成文件夹。{choose}"
            ))
        }
        Ok(_) => {}
    }
    if made_by_gongkai(out) {
        return match foreign {
            Foreign::Refuse => no_foreign_files(out),
            Foreign::Keep => Ok(()),
        };
    }
    if is_empty(out)? {
        return Ok(());
    }
    bail!(t!(
        "refusing to build into {shown}: the folder has files that gongkai did not make (it has no {MARKER}), \
         and a build replaces its output folder whole; use --out with a new or empty folder, \
         or move those files away first",
        "不能生成到 `{shown}`：这个文件夹里有不是 gongkai 生成的文件（没有 {MARKER}），\
         而生成时会整体替换输出文件夹。请用 --out 指定一个新的或空的文件夹，或先把那些文件移走"
    ))
}

/// The files of an output folder that its own manifest does not list besides the manifest:
/// `manifest.json` (with its signature) of a site, `.gongkai-shard.json` of a shard.
pub const OWN_FILES: [&str; 4] = [MARKER, "manifest.json", "manifest.json.sig", ".gongkai-shard.json"];

/// Refuses an output folder gongkai made that now holds files its manifest does not list: a
/// person put them there, and the build, which replaces the folder whole, would delete them.
/// A folder whose manifest is gone or unreadable cannot be told apart and is replaced.
fn no_foreign_files(out: &Path) -> Result<()> {
    let Some(listed) = listed_outputs(out) else { return Ok(()) };
    let mut foreign: Vec<String> =
        super::files_below(out)?.into_iter().filter(|rel| !is_ours(&listed, rel)).collect();
    foreign.sort();
    if foreign.is_empty() {
        return Ok(());
    }
    let (shown, n) = (out.display(), foreign.len());
    let some = crate::locale::list(foreign.iter().take(5).map(String::as_str));
    bail!(t!(
        "refusing to build into {shown}: {n} file(s) there are not gongkai's ({some}), and a build replaces its output folder whole; move them away, or into static/ to publish them",
        "不能生成到 `{shown}`：其中有 {n} 个文件不是 gongkai 生成的（{some}），而生成时会整体替换输出文件夹。请把它们移走，或放进 static/ 一并发布"
    ))
}

/// The paths an output folder's own manifest lists (a site's, or a shard's); `None` when it
/// has none that can be read.
pub(crate) fn listed_outputs(dir: &Path) -> Option<BTreeMap<String, serde::de::IgnoredAny>> {
    /// Only the paths of a manifest's outputs: at 100,000 pages it is 30 MB of JSON.
    #[derive(serde::Deserialize)]
    struct Listed {
        outputs: BTreeMap<String, serde::de::IgnoredAny>,
    }
    ["manifest.json", ".gongkai-shard.json"].iter().find_map(|name| {
        let bytes = std::fs::read(dir.join(name)).ok()?;
        Some(serde_json::from_slice::<Listed>(&bytes).ok()?.outputs)
    })
}

/// Whether `rel` is a file gongkai put into an output folder whose manifest lists `listed`.
pub(crate) fn is_ours(listed: &BTreeMap<String, serde::de::IgnoredAny>, rel: &str) -> bool {
    listed.contains_key(rel) || OWN_FILES.contains(&rel)
}

/// Whether gongkai made `dir`: it carries the marker or, for an output built before the marker
/// existed, a site manifest written by gongkai. Without the second test every `public/` built
/// by an earlier version would be refused after an upgrade.
pub fn made_by_gongkai(dir: &Path) -> bool {
    if dir.join(MARKER).is_file() {
        return true;
    }
    let Ok(bytes) = std::fs::read(dir.join(SITE_MANIFEST)) else { return false };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return false };
    let generator = value.get("generator").and_then(|g| g.as_str()).unwrap_or("");
    generator.starts_with("gongkai ") && value.get("outputs").is_some_and(|o| o.is_object())
}

/// Marks a folder being written as gongkai's output.
pub fn mark(dir: &Path) -> Result<()> {
    let path = dir.join(MARKER);
    std::fs::write(&path, MARKER_TEXT).with_context(|| crate::locale::writing(&path))
}

fn is_empty(dir: &Path) -> Result<bool> {
    Ok(std::fs::read_dir(dir).with_context(|| crate::locale::reading(dir))?.next().is_none())
}

/// `path` made absolute, with every part that exists resolved through symlinks, so that
/// `public/../content` and a link to `content/` are both seen for what they are.
fn resolve(path: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for part in std::path::absolute(path)?.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            part => {
                out.push(part);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["content/cases", "data", "themes", "static", "releases", ".git"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        dir
    }

    #[test]
    fn the_site_and_its_sources_are_refused() {
        let site = site();
        let root = site.path();
        for out in [
            root.to_path_buf(),
            root.join("."),
            root.join("public/.."),
            root.parent().unwrap().to_path_buf(),
            root.join("content"),
            root.join("content/cases"),
            root.join("content/new"),
            root.join("data"),
            root.join("themes/mine"),
            root.join("static"),
            root.join("releases"),
            root.join("site.toml"),
            root.join(".git"),
            root.join("public/../data"),
        ] {
            let err = check(root, &out).expect_err(&out.display().to_string()).to_string();
            assert!(err.starts_with("refusing to build into"), "{err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_source_is_refused() {
        let site = site();
        std::os::unix::fs::symlink(site.path().join("content"), site.path().join("public")).unwrap();
        assert!(check(site.path(), &site.path().join("public")).is_err());
    }

    #[test]
    fn new_empty_and_gongkai_folders_are_accepted() {
        let site = site();
        let root = site.path();
        check(root, &root.join("public")).unwrap();
        check(root, &root.join("build/site")).unwrap();
        std::fs::create_dir(root.join("empty")).unwrap();
        check(root, &root.join("empty")).unwrap();
        std::fs::create_dir(root.join("marked")).unwrap();
        std::fs::write(root.join("marked/index.html"), "").unwrap();
        mark(&root.join("marked")).unwrap();
        check(root, &root.join("marked")).unwrap();
    }

    #[test]
    fn a_folder_with_other_files_is_refused() {
        let site = site();
        let root = site.path();
        std::fs::create_dir(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/notes.txt"), "mine").unwrap();
        let err = check(root, &root.join("docs")).unwrap_err().to_string();
        assert!(err.contains("did not make"), "{err}");
        std::fs::write(root.join("docs/manifest.json"), r#"{"generator": "hugo", "outputs": {}}"#).unwrap();
        assert!(check(root, &root.join("docs")).is_err());
        std::fs::write(root.join("notes.txt"), "mine").unwrap();
        assert!(check(root, &root.join("notes.txt")).unwrap_err().to_string().contains("is a file"));
    }

    #[test]
    fn an_output_from_before_the_marker_is_accepted() {
        let site = site();
        let public = site.path().join("public");
        std::fs::create_dir(&public).unwrap();
        let manifest = r#"{"format": 1, "generator": "gongkai 0.1.0", "outputs": {"index.html": "ab"}}"#;
        std::fs::write(public.join("manifest.json"), manifest).unwrap();
        check(site.path(), &public).unwrap();
    }
}
