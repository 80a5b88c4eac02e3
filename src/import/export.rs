//! Writes case entries back as a plain-text bulletin, the inverse of the import: importing the
//! exported text (under the same file name, with the same options) gives the same case files.

use super::bulletin::{join_publisher, Marker, Script};
use super::{ExportOptions, Exported};
use crate::Diagnostic;
use anyhow::{anyhow, Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The parts of a case that a bulletin carries.
#[derive(Debug, Clone)]
struct Case {
    publisher: String,
    authors: Vec<String>,
    title: String,
    measures: String,
    commentary: Option<String>,
    tags: Vec<String>,
    /// The date the bulletin gave (`[日期]`); a date from the import's `--date` is not one.
    date: Option<chrono::NaiveDate>,
    script: Script,
    audience: crate::Audience,
}

/// Reads `ROOT/content/cases/*.md` in file-name order and writes the cases that have any of
/// `opts.tags` (all of them when no tag is given), each with markers in its own script.
/// A party-only case is written only when `opts.audience` is the party: a bulletin carries no
/// audience, and an export is passed on as text (found by a hostile review: party-only cases
/// were exported, and became public when the text was imported again).
pub fn export_bulletin(opts: &ExportOptions) -> Result<Exported> {
    let dir = opts.root.join("content").join("cases");
    let mut out = Exported::default();
    let calendar = crate::config::Calendar::default();
    for path in case_files(&dir)? {
        let text = fs::read_to_string(&path).with_context(|| crate::locale::reading(&path))?;
        // what a build refuses (an unknown key such as a misspelt `audience`) is not exported:
        // its audience cannot be trusted (found by a hostile review)
        let rel = path.strip_prefix(&opts.root).unwrap_or(&path);
        if let Err(problems) = crate::content::parse(rel, &text, crate::content::ParseContext::new(&calendar))
        {
            out.refused.extend(problems.into_iter().map(crate::privacy::mask_diagnostic));
            continue;
        }
        let case = read_case(&path, &text).map_err(|d| anyhow!("{d}"))?;
        if !(opts.tags.is_empty() || case.tags.iter().any(|t| opts.tags.contains(t))) {
            continue;
        }
        if case.audience > opts.audience {
            out.party_only.push(path);
            continue;
        }
        let mut entry = String::new();
        write_entry(&mut entry, &case);
        // the export is text passed on: it carries no personal number, as no page does
        let numbers: Vec<Diagnostic> = crate::privacy::scan(&entry)
            .iter()
            .map(|hit| {
                crate::privacy::diagnostic(&path, 0, hit).with_hint(t!(
                    "not exported: remove the number from the case, or mask it (gongkai check --mask)",
                    "没有导出：请从案例中删去或遮盖这个号码（gongkai check --mask）"
                ))
            })
            .collect();
        match markers_in_text(&path, &case) {
            Some(problem) => out.refused.push(problem),
            None if !numbers.is_empty() => out.refused.extend(numbers),
            None => out.text.push_str(&entry),
        }
    }
    Ok(out)
}

/// A line of the case's text that the import would read as a marker, which would cut the
/// case apart on the way back (found by a hostile review: a body line `点评：…` took the
/// commentary's place).
fn markers_in_text(path: &Path, case: &Case) -> Option<Diagnostic> {
    let parts = [case.title.as_str(), &case.measures, case.commentary.as_deref().unwrap_or("")];
    let line = parts.iter().flat_map(|p| p.lines()).find(|l| super::bulletin::is_marker_line(l))?;
    let line = line.trim();
    Some(
        Diagnostic::new(
            path,
            0,
            t!(
                "not exported: its text has a line that reads as a bulletin marker, `{line}`, which would cut the case apart when imported again",
                "没有导出：正文中有一行会被当作通报标记，`{line}`，再导入时这篇案例会被拆开"
            ),
        )
        .with_hint(t!(
            "reword the start of that line (for example 「以下是点评：」), then export again",
            "请改写那一行的开头（例如写成「以下是点评：」），再导出"
        )),
    )
}

/// The Markdown files in `dir` and the folders below it, as a build reads them (hidden ones
/// left out), sorted by path. `_index.md` and other files whose name starts with `_` describe
/// the section, not a case.
fn case_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let cannot = || t!("cannot read the cases folder {}", "无法读取案例文件夹 {}", dir.display());
    anyhow::ensure!(dir.is_dir(), cannot());
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.with_context(cannot)?;
        let name = entry.file_name().to_string_lossy();
        if name.ends_with(".md") && !name.starts_with('_') && entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files.sort();
    Ok(files)
}

fn read_case(path: &Path, text: &str) -> Result<Case, Diagnostic> {
    let split = crate::content::front_matter::split(path, text)?;
    let table = &split.front.table;
    let line = |key: &str| split.front.key_lines.get(key).copied().unwrap_or(1);
    let string = |key: &str| match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Diagnostic::new(path, line(key), t!("`{key}` is not a string", "`{key}` 不是文字"))
            .with_hint(t!("write it as {key} = \"…\"", "写成 {key} = \"…\""))),
    };
    let strings = |key: &str| match table.get(key) {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(items)) if items.iter().all(toml::Value::is_str) => {
            Ok(items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        }
        Some(_) => Err(Diagnostic::new(
            path,
            line(key),
            t!("`{key}` is not a list of strings", "`{key}` 不是文字列表"),
        )
        .with_hint(t!("write it as {key} = [\"…\", \"…\"]", "写成 {key} = [\"…\", \"…\"]"))),
    };
    let required = |key: &str| {
        string(key)?.ok_or_else(|| {
            Diagnostic::new(
                path,
                1,
                t!(
                    "the case has no `{key}`, which a bulletin entry needs",
                    "这篇案例没有 `{key}`，而通报条目需要它"
                ),
            )
            .with_hint(t!("add {key} = \"…\" to the front matter", "在文件头中加上 {key} = \"…\""))
        })
    };
    let mut case = Case {
        publisher: required("publisher")?,
        authors: strings("authors")?,
        title: required("title")?,
        measures: super::plain::from_markdown(split.body.trim()),
        commentary: string("commentary")?.map(|c| super::plain::from_markdown(&c)),
        tags: strings("tags")?,
        date: None,
        script: Script::Hans,
        // anything but the public, written wrong included, is kept from a public export
        audience: match string("audience")?.as_deref().map(crate::Audience::parse) {
            None | Some(Some(crate::Audience::Public)) => crate::Audience::Public,
            Some(_) => crate::Audience::Party,
        },
    };
    if !text.contains(super::DATE_GIVEN) {
        case.date = string("date")?.and_then(|d| crate::text::parse_date(&d).ok());
    }
    case.script = match string("lang")?.as_deref().and_then(Script::from_lang) {
        Some(script) => script,
        // the markers must be in one script or the other: simplified when nothing tells
        None => Script::detect(&[case.title.as_str(), &case.measures].concat()).unwrap_or(Script::Hans),
    };
    Ok(case)
}

/// Appends one entry: `[發布者]…`, `[日期]…` (when the bulletin gave the date), `[亮點]…`,
/// `[舉措]…`, `點評:…` (a line is left out when the case has no commentary, since an empty
/// `點評:` would not import).
fn write_entry(out: &mut String, case: &Case) {
    let script = case.script;
    let publisher = join_publisher(&case.publisher, &case.authors);
    // Writing to a String cannot fail.
    let _ = writeln!(out, "[{}]{publisher}", Marker::Publisher.word(script));
    if let Some(date) = case.date {
        let _ = writeln!(out, "[{}]{}", Marker::Date.word(script), crate::text::format_date_zh(date));
    }
    let _ = writeln!(out, "[{}]{}", Marker::Title.word(script), case.title);
    let _ = writeln!(out, "[{}]{}", Marker::Measures.word(script), case.measures);
    if let Some(commentary) = case.commentary.as_deref().filter(|c| !c.trim().is_empty()) {
        let _ = writeln!(out, "{}:{commentary}", Marker::Commentary.word(script));
    }
}
