//! Load: walk the site and read bytes. Nothing is interpreted here except the text encoding,
//! because a file that is not UTF-8 must be reported with the encoding it looks like.

use crate::Diagnostic;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Everything a build reads from disk.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The content files as (full path, path relative to the root), sorted by the latter. They
    /// are read as they are parsed ([`read_text`]), so that a build never holds the whole site
    /// as text: at 100,000 pages that was 390 MB.
    pub content: Vec<(PathBuf, PathBuf)>,
    /// Template name (relative to the theme's `templates/`) and text, overriding the embedded ones.
    pub templates: Vec<(String, String)>,
    /// Output path and bytes of files copied as they are (theme `static/`, then the site's `static/`).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Files under `data/` (CSV and their TOML descriptions), relative to the root, as bytes:
    /// their encoding is the data stage's business.
    pub data: Vec<(PathBuf, Vec<u8>)>,
    pub diagnostics: Vec<Diagnostic>,
    /// What loading says without failing: a file of the site's `static/` that takes the place
    /// of one of the theme's.
    pub notes: Vec<Diagnostic>,
    /// `site.toml` names a theme other than the built-in one, and `themes/NAME/` is not there.
    pub theme_missing: bool,
}

/// Refuses a root that is no site before anything is written: a build in an empty folder (or
/// the wrong one) would otherwise make `public/` and `.gongkai-cache/` there and say it built
/// nothing. A site has `site.toml` or `content/`, as `gongkai init` makes them.
pub fn ensure_site(root: &Path) -> Result<()> {
    anyhow::ensure!(
        root.is_dir(),
        t!(
            "the site folder {} does not exist; pass --root DIR",
            "网站文件夹 {} 不存在，请用 --root 指定网站文件夹",
            root.display()
        )
    );
    anyhow::ensure!(
        root.join(crate::config::FILE).is_file() || root.join("content").is_dir(),
        t!(
            "{} is not a gongkai site: it has no site.toml and no content/ folder; run gongkai init DIR, or pass --root",
            "{} 不是 gongkai 网站：其中既没有 site.toml，也没有 content/ 文件夹；请运行 gongkai init 文件夹 新建网站，或用 --root 指定网站文件夹",
            root.display()
        )
    );
    Ok(())
}

/// Reads `site.toml`, which names the theme and so comes before everything else.
pub fn load_config(root: &Path) -> Result<(Option<String>, Vec<Diagnostic>)> {
    let path = root.join(crate::config::FILE);
    let mut diagnostics = Vec::new();
    if !path.exists() {
        return Ok((None, diagnostics));
    }
    let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
    let text = decode(Path::new(crate::config::FILE), bytes, &mut diagnostics);
    Ok((text, diagnostics))
}

pub fn load(root: &Path, theme: &str) -> Result<Loaded> {
    let (files, others) = walk_all(root, "content")?;
    let is_md = |rel: &Path| rel.extension().is_some_and(|e| e == "md");
    // `A.MD`, `a.markdown`: meant as pages, and left out without a word they would be lost
    // (found by a hostile review)
    let notes = files
        .iter()
        .filter(|(_, rel)| !is_md(rel) && looks_like_markdown(rel))
        .map(|(_, rel)| not_read_as_page(rel))
        .collect();
    let mut content: Vec<(PathBuf, PathBuf)> = files.into_iter().filter(|(_, rel)| is_md(rel)).collect();
    content.sort_by(|a, b| a.1.cmp(&b.1));
    // a linked folder would hide every page in it as silently as a linked file hides one
    let diagnostics = others
        .iter()
        .filter(|rel| is_md(rel) || root.join(rel).is_dir())
        .map(|rel| not_a_file(rel))
        .collect();
    let mut loaded = Loaded { content, diagnostics, notes, ..Default::default() };
    let theme_dir = Path::new("themes").join(theme);
    // a theme named but absent would silently build with the built-in one
    loaded.theme_missing = theme != "default" && !root.join(&theme_dir).is_dir();
    let (templates, others) = walk_all(root, theme_dir.join("templates"))?;
    loaded.diagnostics.extend(others.iter().map(|rel| not_a_file(rel)));
    for (path, rel) in templates {
        let name = rel
            .strip_prefix(theme_dir.join("templates"))
            .unwrap_or(&rel)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
        if let Some(text) = decode(&rel, bytes, &mut loaded.diagnostics) {
            loaded.templates.push((name, text));
        }
    }
    let (data, others) = walk_all(root, "data")?;
    loaded.diagnostics.extend(others.iter().map(|rel| not_a_file(rel)));
    for (path, rel) in data {
        let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
        loaded.data.push((rel, bytes));
    }
    // the theme's static files, gongkai's own (the embedded fallback) among them
    let mut theirs: std::collections::HashSet<String> =
        crate::render::templates::STATICS.iter().map(|(p, _)| p.to_string()).collect();
    for (i, dir) in [theme_dir.join("static"), PathBuf::from("static")].into_iter().enumerate() {
        let site_own = i == 1;
        let (statics, others) = walk_all(root, &dir)?;
        loaded.diagnostics.extend(others.iter().map(|rel| not_a_file(rel)));
        for (path, rel) in statics {
            let out = rel.strip_prefix(&dir).unwrap_or(&rel).to_string_lossy().replace('\\', "/");
            // gongkai writes these itself; `serve` would have served its own over one silently
            let own = crate::write::guard::OWN_FILES
                .iter()
                .find(|f| out == **f || out.strip_prefix(**f).is_some_and(|rest| rest.starts_with('/')));
            if let Some(out) = own {
                loaded.diagnostics.push(
                    Diagnostic::new(
                        &rel,
                        0,
                        t!(
                            "a static file may not be called `{out}`, nor stand in a folder of that name: gongkai writes that file itself",
                            "静态文件不能叫 `{out}`，也不能放在叫这个名字的文件夹里：gongkai 自己会写这个文件"
                        ),
                    )
                    .with_hint(t!(
                        "rename the file, or the folder it is in",
                        "请给这个文件或它所在的文件夹改名"
                    )),
                );
                continue;
            }
            if !site_own {
                theirs.insert(out.clone());
            } else if theirs.contains(&out) {
                loaded.notes.push(replaces_theme_file(&rel, &out, theme_dir.as_path()));
            }
            let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
            loaded.statics.push((out, bytes));
        }
    }
    // a linked `themes` is met on the way to its templates and to its static files: said once
    let mut seen = std::collections::HashSet::new();
    loaded.diagnostics.retain(|d| seen.insert((d.path.clone(), d.message.clone())));
    Ok(loaded)
}

/// A static file of the site's that is published in place of the theme's file of that name:
/// allowed, since a site may restyle its theme, but said, because a file that only happens to
/// share the name (a `search.js` of one's own) breaks the theme's pages without a word.
fn replaces_theme_file(rel: &Path, out: &str, theme_dir: &Path) -> Diagnostic {
    let theme = theme_dir.join("static").join(out);
    let theme = theme.display();
    Diagnostic::new(
        rel,
        0,
        t!(
            "this file is published in place of the theme's own `{out}`, which its pages use",
            "这个文件发布后会顶替主题自带的 `{out}`，而主题的页面要用到它"
        ),
    )
    .with_hint(t!(
        "if you meant to change the theme's file, put yours at {theme} and this note goes; otherwise rename yours",
        "如果本意是修改主题的文件，请把它放到 {theme}，这条提示就会消失；否则请给你的文件改名"
    ))
}

/// One content file's text; `None` when it cannot be read as text, said in `diagnostics`.
pub fn read_text(path: &Path, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Option<String>> {
    let bytes = std::fs::read(path).with_context(|| crate::locale::reading(path))?;
    Ok(decode(rel, bytes, diagnostics))
}

/// The text of every file of `files` (as in [`Loaded::content`]), by relative path, read on
/// every core; and the problems of those that cannot be read as text.
pub fn read_texts(files: &[(PathBuf, PathBuf)]) -> Result<(BTreeMap<PathBuf, String>, Vec<Diagnostic>)> {
    use rayon::prelude::*;
    let read: Vec<(PathBuf, Option<String>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(path, rel)| {
            let mut diagnostics = Vec::new();
            let text = read_text(path, rel, &mut diagnostics)?;
            Ok((rel.clone(), text, diagnostics))
        })
        .collect::<Result<_>>()?;
    let mut texts = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for (rel, text, problems) in read {
        diagnostics.extend(problems);
        if let Some(text) = text {
            texts.insert(rel, text);
        }
    }
    Ok((texts, diagnostics))
}

/// Files below `root/dir`, sorted, as (full path, path relative to root). Hidden files are skipped.
pub fn walk(root: &Path, dir: impl AsRef<Path>) -> Result<Vec<(PathBuf, PathBuf)>> {
    Ok(walk_all(root, dir)?.0)
}

/// The files found, as (full path, path relative to root), and the other entries, relative.
type Walked = (Vec<(PathBuf, PathBuf)>, Vec<PathBuf>);

/// [`walk`], and beside the files the entries that are neither file nor folder (a symbolic
/// link, a pipe), relative to root: they are not read, and not following a link keeps files
/// from outside the site out of it.
fn walk_all(root: &Path, dir: impl AsRef<Path>) -> Result<Walked> {
    // a linked folder on the way (`themes` → a folder elsewhere) would bring in files from
    // outside the site as surely as a linked file does (found by a hostile review)
    let mut at = root.to_path_buf();
    for part in dir.as_ref().components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Ok((Vec::new(), vec![at.strip_prefix(root).unwrap_or(&at).to_path_buf()]));
        }
    }
    let start = root.join(dir);
    if !start.is_dir() {
        return Ok(Default::default());
    }
    let (mut files, mut others) = (Vec::new(), Vec::new());
    let walker = WalkDir::new(&start)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(|| t!("walking {}", "读取文件夹 {} 时出错", start.display()))?;
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
        if entry.file_type().is_file() {
            files.push((entry.into_path(), rel));
        } else if !entry.file_type().is_dir() {
            others.push(rel);
        }
    }
    Ok((files, others))
}

/// A file named as Markdown in another spelling than `.md`.
fn looks_like_markdown(rel: &Path) -> bool {
    let ext = rel.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "md" | "markdown" | "mdown" | "mkd" | "mkdn")
}

fn not_read_as_page(rel: &Path) -> Diagnostic {
    let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Diagnostic::new(
        rel,
        0,
        t!(
            "not read as a page: gongkai reads the content files whose names end in .md",
            "没有当作页面读取：gongkai 只读取文件名以 .md 结尾的内容文件"
        ),
    )
    .with_hint(t!("rename it {stem}.md", "请改名为 {stem}.md"))
}

/// A source (a content file, a template, a data or static file) that is a symbolic link or a
/// pipe: left out, and said, since a page or file that silently disappears is worse than a
/// build that stops.
fn not_a_file(rel: &Path) -> Diagnostic {
    let folder =
        rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    Diagnostic::new(
        rel,
        0,
        t!(
            "this is a symbolic link or a special file, not a file: gongkai reads only real files in {folder}/",
            "这是一个符号链接或特殊文件，不是普通文件：gongkai 只读取 {folder}/ 中的普通文件"
        ),
    )
    .with_hint(t!(
        "put a copy of the file itself here (a link could bring in a file from outside the site), or remove the link",
        "请在这里放文件本身的副本（链接可能把网站之外的文件带进来），或删去这个链接"
    ))
}

/// UTF-8 (a BOM is dropped) or a diagnostic naming the encoding the bytes look like, or the
/// control character the text must not hold. The site's own sources are UTF-8 alone
/// ([`crate::text::Accept::Utf8`] says why).
pub fn decode(rel: &Path, bytes: Vec<u8>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let checked = crate::text::decode(&bytes, crate::text::Accept::Utf8)
        .map_err(|e| Diagnostic::undecodable(rel, &e))
        .and_then(|d| no_control_characters(rel, &d.text).map(|()| d.text));
    checked.map_err(|d| diagnostics.push(d)).ok()
}

/// Refuses a text holding a control character (NUL, ESC, …): it would reach the pages and make
/// the Atom feed invalid XML. Such characters come with text pasted from PDF or Word, or from a
/// damaged file, and nobody means them.
pub fn no_control_characters(rel: &Path, text: &str) -> Result<(), Diagnostic> {
    let Some((line, column, c)) = crate::text::find_control(text) else { return Ok(()) };
    let name = if c == '\0' { "NUL".to_string() } else { format!("U+{:04X}", c as u32) };
    let mut diagnostic = Diagnostic::new(
        rel,
        line,
        t!(
            "the text holds a control character ({name}), which web pages and feeds cannot carry",
            "文字中有一个控制字符（{name}），网页和订阅源都不能包含它"
        ),
    )
    .with_hint(t!(
        "delete it: editors show it as a box, a space or ^@; it comes with text pasted from PDF or Word",
        "请删去它：编辑器里它显示为方框、空格或 ^@，多是从 PDF 或 Word 粘贴文字时带进来的"
    ));
    diagnostic.column = column;
    Err(diagnostic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_content_is_named() {
        let (bytes, ..) = encoding_rs::GB18030.encode("第一行\n党员发展工作规范化建设");
        let mut diags = Vec::new();
        assert!(decode(Path::new("a.md"), bytes.into_owned(), &mut diags).is_none());
        assert!(diags[0].message.contains("GBK"), "{}", diags[0].message);
        assert_eq!(diags[0].line, 1);
    }

    #[test]
    fn control_characters_are_refused_with_line_and_column() {
        let mut diags = Vec::new();
        assert!(decode(Path::new("a.md"), b"+++\ntitle = \"x\x00\"\n".to_vec(), &mut diags).is_none());
        assert_eq!((diags[0].line, diags[0].column), (2, 11));
        assert!(diags[0].message.contains("NUL"), "{}", diags[0].message);
    }

    // found by a hostile review: a content file that was a link was left out without a word
    #[cfg(unix)]
    #[test]
    fn a_linked_content_file_is_said_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let cases = dir.path().join("content/cases");
        std::fs::create_dir_all(&cases).unwrap();
        std::fs::write(dir.path().join("outside.md"), "+++\ntitle = \"外面\"\n+++\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.md"), cases.join("link.md")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.md"), cases.join("dangling.md")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.md"), cases.join("not-content.txt")).unwrap();
        let loaded = load(dir.path(), "default").unwrap();
        assert!(loaded.content.is_empty());
        let named: Vec<String> =
            loaded.diagnostics.iter().map(|d| d.path.to_string_lossy().into_owned()).collect();
        assert_eq!(named, ["content/cases/dangling.md", "content/cases/link.md"]);
        assert!(loaded.diagnostics[0].message.contains("symbolic link"), "{}", loaded.diagnostics[0].message);
    }

    #[test]
    fn a_folder_without_site_toml_or_content_is_no_site() {
        let dir = tempfile::tempdir().unwrap();
        let e = ensure_site(dir.path()).unwrap_err().to_string();
        assert!(e.contains("is not a gongkai site") && e.contains("gongkai init"), "{e}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written");
        assert!(ensure_site(&dir.path().join("missing")).unwrap_err().to_string().contains("does not exist"));
        std::fs::create_dir(dir.path().join("content")).unwrap();
        ensure_site(dir.path()).unwrap();
        let toml_only = tempfile::tempdir().unwrap();
        std::fs::write(toml_only.path().join("site.toml"), "title = \"x\"\n").unwrap();
        ensure_site(toml_only.path()).unwrap();
    }

    #[test]
    fn bom_is_dropped() {
        let mut diags = Vec::new();
        let text = decode(Path::new("a.md"), b"\xEF\xBB\xBF+++".to_vec(), &mut diags).unwrap();
        assert_eq!(text, "+++");
    }
}
