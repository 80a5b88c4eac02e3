//! Importers and exporters between plain-text bulletins and case entries, and the Word
//! importer (`docx`, `word`: one .docx a case, disclosure or review, its pictures into
//! `static/`).
//!
//! This module turns parsed bulletin entries (`bulletin`) into case files and writes them
//! without ever clobbering an edited file; `export` writes cases back as a bulletin.
//!
//! Case file names are `{stem}-{NNN}.md`: the bulletin file's name without its extension and
//! the entry's 1-based position, zero-padded to three digits so that sorting by name (as the
//! export does) keeps the bulletin's order. A stem with characters other than ASCII letters,
//! digits, `-` and `_` keeps those characters and gets a hash of the whole stem, so
//! `临汾2015.txt` and `大同2015.txt` stay apart: `2015-1a2b3c4d-001.md`; a stem with none of them
//! becomes `bulletin-1a2b3c4d`. The same file name always gives the same case names.
//!
//! A case needs a date: an entry's own `[日期]` or its bulletin's masthead date, else `--date`;
//! an entry with neither is reported and not imported. A date given by `--date` is marked by a
//! comment ([`DATE_GIVEN`]) so that the export does not write it back as if the bulletin said
//! it. Each case gets its address's slug written out (`slug = "…"`, made from the title, kept
//! apart from the cases already in the folder), so the address stays when the title changes.

mod bulletin;
mod docx;
mod export;
mod plain;
pub(crate) mod word;

use anyhow::{Context, Result};
use bulletin::Entry;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Options of `gongkai import bulletin`.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub files: Vec<PathBuf>,
    pub into: PathBuf,
    pub date: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    pub dry_run: bool,
    pub force: bool,
}

/// Options of `gongkai import docx`.
#[derive(Debug, Clone)]
pub struct DocxOptions {
    pub files: Vec<PathBuf>,
    pub kind: crate::content::Kind,
    /// The site root: entries go to `content/<kind>/`, pictures to `static/images/`.
    pub root: PathBuf,
    pub into: Option<PathBuf>,
    pub date: Option<String>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    /// A disclosure's organisation, when its sign-off names none.
    pub org: Option<String>,
    pub dry_run: bool,
    pub force: bool,
}

/// What an import did, for the command line to report.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Each entry written (or, with --dry-run, that would be) and its text.
    pub previews: Vec<(PathBuf, String)>,
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    pub skipped_edited: Vec<PathBuf>,
    pub diagnostics: Vec<crate::Diagnostic>,
}

/// Options of `gongkai export bulletin`.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    pub root: PathBuf,
    pub tags: Vec<String>,
    /// Party-only cases (`audience = "party"`) are written only for the party.
    pub audience: crate::Audience,
}

/// What `gongkai export bulletin` wrote, and what it left out and why.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    /// The bulletin text.
    pub text: String,
    /// The party-only cases left out of a public export.
    pub party_only: Vec<PathBuf>,
    /// Cases left out because the bulletin form cannot carry them back (a line of the text
    /// that reads as a marker), each said.
    pub refused: Vec<crate::Diagnostic>,
}

/// Imports every entry of every bulletin into `opts.into`, one case file per entry.
///
/// All files are read and parsed before anything is written, so a missing file (an error)
/// leaves the folder untouched. Problems in the bulletins are diagnostics in the report; the
/// entries without problems are still imported.
pub fn import_bulletins(opts: &ImportOptions) -> Result<ImportReport> {
    let shared = SharedFields::from_options(opts)?;
    let mut report = ImportReport::default();
    let mut cases = Vec::new();
    for file in &opts.files {
        let bytes = fs::read(file).with_context(|| crate::locale::reading(file))?;
        cases.extend(plan(file, &bytes, &shared, &mut report.diagnostics)?);
    }
    let cases = drop_name_clashes(cases, &mut report);
    let cases = refuse_personal_numbers(cases, &mut report);
    let cases = with_slugs(cases, &mut Addresses::of(&opts.into), &shared)?;
    let mut twins = Twins::of(&opts.into);
    for case in &cases {
        report.diagnostics.extend(twins.check(&case.name, &case.content, &case.file, case.line));
    }
    report.diagnostics =
        std::mem::take(&mut report.diagnostics).into_iter().map(crate::privacy::mask_diagnostic).collect();
    if !opts.dry_run && !cases.is_empty() {
        fs::create_dir_all(&opts.into).with_context(|| crate::locale::creating(&opts.into))?;
    }
    for case in cases {
        let path = opts.into.join(&case.name);
        write_file(&path, case.content.as_bytes(), opts.dry_run, opts.force, &mut report)?;
        if report.written.last() == Some(&path) {
            report.previews.push((path, case.content));
        }
    }
    Ok(report)
}

/// What importing one bulletin would write, without a folder to write into: see
/// [`plan_bulletin`].
#[derive(Debug, Clone, Default)]
pub struct BulletinPlan {
    /// Each case file's name and whole content.
    pub cases: Vec<(String, String)>,
    /// The problems of the entries that would be left out.
    pub diagnostics: Vec<crate::Diagnostic>,
}

/// The import of the bulletin `bytes` read from `file`, without a folder: for what must take
/// any bytes at all (the fuzz targets and their regression tests).
pub fn plan_bulletin(file: &Path, bytes: &[u8]) -> Result<BulletinPlan> {
    let mut report = ImportReport::default();
    let shared = SharedFields::default();
    let cases = plan(file, bytes, &shared, &mut report.diagnostics)?;
    let cases = refuse_personal_numbers(cases, &mut report);
    let cases = with_slugs(cases, &mut Addresses::default(), &shared)?;
    Ok(BulletinPlan {
        cases: cases.into_iter().map(|c| (c.name, c.content)).collect(),
        diagnostics: report.diagnostics.into_iter().map(crate::privacy::mask_diagnostic).collect(),
    })
}

/// Decodes and parses one bulletin into the cases it holds; what could not be read goes to
/// `diagnostics`.
fn plan(
    file: &Path,
    bytes: &[u8],
    shared: &SharedFields,
    diagnostics: &mut Vec<crate::Diagnostic>,
) -> Result<Vec<PlannedCase>> {
    let text = match bulletin::decode(file, bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return Ok(Vec::new());
        }
    };
    let parsed = bulletin::parse(file, &text);
    diagnostics.extend(parsed.diagnostics);
    let mut cases = Vec::new();
    for entry in &parsed.entries {
        match entry.date.or(shared.date) {
            Some(_) => cases.push(PlannedCase::new(file, entry, shared)?),
            None => diagnostics.push(
                crate::Diagnostic::new(file, entry.line, format!("entry {} has no date", entry.number)).with_hint(
                    "a case needs the day it was published: write a line `[日期]2017年3月1日` after its [发布者] line, \
                     or pass --date 2017-03-01 for every entry without one; this entry was not imported",
                ),
            ),
        }
    }
    Ok(cases)
}

/// Gives each planned case the slug of its address, taken from its title and kept apart from
/// the addresses in `taken`, and writes its file text with it.
fn with_slugs(
    cases: Vec<PlannedCase>,
    taken: &mut Addresses,
    shared: &SharedFields,
) -> Result<Vec<PlannedCase>> {
    cases
        .into_iter()
        .map(|mut case| {
            let date = case.entry.date.or(shared.date).context("a planned case has a date")?;
            let slug = taken.claim(&case.name, date, &case.entry.title);
            case.content = render_case(&case.entry, shared, &case.source, Some(&slug))?;
            Ok(case)
        })
        .collect()
}

/// The addresses (`cases/YEAR/SLUG/`) the cases of a folder take, by file name, so that an
/// imported or new case gets one of its own.
#[derive(Debug, Default)]
pub(crate) struct Addresses(BTreeMap<String, String>);

impl Addresses {
    /// The cases in `dir`, read as the build reads their date, slug and title; a file that
    /// cannot be read takes no address.
    pub(crate) fn of(dir: &Path) -> Addresses {
        let mut taken = BTreeMap::new();
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".md") else { continue };
            let Ok(text) = fs::read_to_string(&path) else { continue };
            let Ok(split) = crate::content::front_matter::split(&path, &text) else { continue };
            let get = |k: &str| split.front.table.get(k).and_then(|v| v.as_str());
            let Some(date) = get("date").and_then(|d| crate::text::parse_date(d).ok()) else { continue };
            let title = get("title").unwrap_or_default();
            if let Ok((slug, _)) = crate::content::address::case_slug(get("slug"), title, stem) {
                taken.insert(crate::content::address::case_path(date, &slug), name);
            }
        }
        Addresses(taken)
    }

    /// The slug for the case file `name` dated `date`, made from `title`: `-2`, `-3`… when
    /// another file has that address. The file's own address (an import run again) is its own.
    pub(crate) fn claim(&mut self, name: &str, date: chrono::NaiveDate, title: &str) -> String {
        use crate::content::address::{case_path, case_slug};
        let stem = name.strip_suffix(".md").unwrap_or(name);
        let base = case_slug(None, title, stem).map(|(s, _)| s).unwrap_or_else(|_| "case".to_string());
        let free = |slug: &String| self.0.get(&case_path(date, slug)).is_none_or(|owner| owner == name);
        let slug = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(free)
            .expect("an unbounded range finds a free slug");
        self.0.insert(case_path(date, &slug), name.to_string());
        slug
    }
}

/// Imports each Word document as one entry of `opts.kind`, its pictures into
/// `static/images/NAME/`. As with bulletins, everything is read first; an entry holding a
/// personal number (in its text or its pictures' metadata) is refused with a masked message.
pub fn import_docx(opts: &DocxOptions) -> Result<ImportReport> {
    let bulletin_like = ImportOptions {
        date: opts.date.clone(),
        region: opts.region.clone(),
        tags: opts.tags.clone(),
        ..Default::default()
    };
    let shared = SharedFields::from_options(&bulletin_like)?;
    let given = word::Given {
        date: opts.date.as_deref().map(crate::text::parse_date).transpose()?,
        region: shared.region,
        tags: shared.tags,
        org: opts.org.clone().filter(|o| !o.trim().is_empty()),
    };
    let into = opts.into.clone().unwrap_or_else(|| opts.root.join("content").join(opts.kind.folder()));
    let mut report = ImportReport::default();
    let mut entries = Vec::new();
    for file in &opts.files {
        let bytes = fs::read(file).with_context(|| crate::locale::reading(file))?;
        let doc = docx::read(&bytes).with_context(|| crate::locale::reading(file))?;
        let stem = ascii_stem(file);
        match word::entry(file, &doc, opts.kind, &stem, &given) {
            Ok(entry) if refuses(file, &entry, &mut report) => {}
            Ok(entry) => entries.push((format!("{stem}.md"), entry)),
            Err(d) => report.diagnostics.push(d),
        }
    }
    let mut twins = Twins::of(&into);
    if opts.kind == crate::content::Kind::Case {
        let mut taken = Addresses::of(&into);
        for (name, entry) in &mut entries {
            entry.content = word::with_slug(&entry.content, name, &mut taken);
        }
    }
    for (name, entry) in &entries {
        let file = opts.files.iter().find(|f| format!("{}.md", ascii_stem(f)) == *name);
        report.diagnostics.extend(twins.check(name, &entry.content, file.map_or(Path::new(name), |f| f), 0));
    }
    report.diagnostics =
        std::mem::take(&mut report.diagnostics).into_iter().map(crate::privacy::mask_diagnostic).collect();
    if !opts.dry_run && !entries.is_empty() {
        fs::create_dir_all(&into).with_context(|| crate::locale::creating(&into))?;
    }
    for (name, entry) in entries {
        for (rel, bytes) in &entry.images {
            let path = opts.root.join("static").join(rel);
            if !opts.dry_run {
                let dir = path.parent().unwrap_or(&opts.root);
                fs::create_dir_all(dir).with_context(|| crate::locale::creating(dir))?;
            }
            write_file(&path, bytes, opts.dry_run, opts.force, &mut report)?;
        }
        let path = into.join(name);
        write_file(&path, entry.content.as_bytes(), opts.dry_run, opts.force, &mut report)?;
        if report.written.last() == Some(&path) {
            report.previews.push((path, entry.content));
        }
    }
    Ok(report)
}

/// The entries already in a folder, and those of this import met so far, by their title and
/// text in simplified characters: a case imported again from a bulletin or document in the
/// other script (简体 ⇄ 繁體) has another file name, so it is found by its words, compared with
/// zhconv.
struct Twins(Vec<Twin>);

struct Twin {
    name: String,
    /// The file, or the import's `FILE:LINE`, as a message names it.
    shown: String,
    raw: String,
    words: String,
}

impl Twins {
    fn of(dir: &Path) -> Twins {
        let mut found = Vec::new();
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "md") {
                if let Ok(text) = fs::read_to_string(&path) {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    found.push(Twin::new(name, path.display().to_string(), &text));
                }
            }
        }
        Twins(found)
    }

    /// A warning when an entry of another name holds the same words as `content`; then the
    /// entry is remembered, so that a second copy later in the same import is warned of too.
    fn check(&mut self, name: &str, content: &str, file: &Path, line: usize) -> Option<crate::Diagnostic> {
        let shown = match line {
            0 => file.display().to_string(),
            _ => format!("{}:{line}", file.display()),
        };
        let mine = Twin::new(name.to_string(), shown, content);
        let found = self.0.iter().find(|t| t.name != name && t.words == mine.words && !t.words.is_empty());
        let warning = found.map(|twin| {
            let shown = &twin.shown;
            let message = if twin.raw == mine.raw {
                t!("this entry is the same text as {shown}", "这一篇与 {shown} 的文字相同")
            } else {
                t!(
                    "this entry is the same text, in the other script (简体/繁體), as {shown}",
                    "这一篇与 {shown} 的文字相同，只是简繁不同"
                )
            };
            crate::Diagnostic::new(file, line, message).with_hint(t!(
                "it is imported all the same; if both are one case, remove one of the two files",
                "照样导入；如果两篇是同一个案例，请删去其中一个文件"
            ))
        });
        self.0.push(mine);
        warning
    }
}

impl Twin {
    fn new(name: String, shown: String, text: &str) -> Twin {
        let raw = words_raw(text);
        let words = zhconv::zhconv(&raw, zhconv::Variant::ZhHans);
        Twin { name, shown, raw, words }
    }
}

/// The title and body of an entry file, without the rest of its front matter.
fn words_raw(text: &str) -> String {
    let body = text.strip_prefix("+++\n").and_then(|r| r.split_once("\n+++\n")).map_or(text, |(_, b)| b);
    let title = text.lines().find_map(|l| l.strip_prefix("title = ")).unwrap_or("");
    format!("{title}\n{}", body.trim())
}

/// Whether the entry holds a personal number, in its text or in a picture's metadata; each
/// is reported masked.
fn refuses(file: &Path, entry: &word::WordEntry, report: &mut ImportReport) -> bool {
    let hint = t!(
        "this document was not imported: remove the number from it, or mask it, and import again",
        "这份文档没有导入：请删去或遮盖其中的号码，再重新导入"
    );
    let mut found: Vec<crate::Diagnostic> = crate::privacy::scan(&entry.content)
        .iter()
        .map(|hit| crate::privacy::diagnostic(file, 0, hit).with_hint(hint.clone()))
        .collect();
    for (rel, bytes) in &entry.images {
        let in_picture = crate::privacy::check_file(Path::new(rel), bytes);
        found.extend(in_picture.into_iter().map(|d| crate::Diagnostic {
            message: t!("{} (in the picture {rel})", "{}（在图片 {rel} 中）", d.message),
            path: file.to_path_buf(),
            ..d
        }));
    }
    let refused = !found.is_empty();
    report.diagnostics.extend(found);
    refused
}

/// Writes cases back as one plain-text bulletin; see `export`.
pub fn export_bulletin(opts: &ExportOptions) -> Result<Exported> {
    export::export_bulletin(opts)
}

/// The front-matter values that come from the command line and are the same for every entry.
#[derive(Debug, Clone, Default)]
struct SharedFields {
    date: Option<chrono::NaiveDate>,
    region: Option<String>,
    tags: Vec<String>,
}

impl SharedFields {
    fn from_options(opts: &ImportOptions) -> Result<Self> {
        let date = match opts.date.as_deref().map(parse_date).transpose()? {
            Some(d) => Some(crate::text::parse_date(&d.to_string())?),
            None => None,
        };
        let region = opts.region.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
        let mut tags: Vec<String> = Vec::new();
        for tag in opts.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
        Ok(SharedFields { date, region, tags })
    }
}

/// Parses `--date` into a TOML date, so that the front matter holds a date and not a string.
fn parse_date(text: &str) -> Result<toml::value::Datetime> {
    let invalid = || {
        t!(
            "--date {text} is not a date; write it as YYYY-MM-DD, e.g. 2015-06-01",
            "--date {text} 不是日期，请按“年-月-日”写成 2015-06-01 这样的形式"
        )
    };
    let date: toml::value::Datetime = text.trim().parse().with_context(invalid)?;
    if date.date.is_none() || date.time.is_some() || date.offset.is_some() {
        anyhow::bail!(invalid());
    }
    Ok(date)
}

/// A case file to be written: its name in the target folder and its whole content.
#[derive(Debug, Clone)]
struct PlannedCase {
    name: String,
    content: String,
    /// Where the entry came from, for a diagnostic when two entries get the same name.
    file: PathBuf,
    line: usize,
    entry: Entry,
    /// `FILE 第N条`, the case's `source`.
    source: String,
}

impl PlannedCase {
    fn new(file: &Path, entry: &Entry, shared: &SharedFields) -> Result<Self> {
        let file_name = file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let source = format!("{file_name} 第{}条", entry.number);
        Ok(PlannedCase {
            name: format!("{}-{:03}.md", ascii_stem(file), entry.number),
            content: render_case(entry, shared, &source, None)?,
            file: file.to_path_buf(),
            line: entry.line,
            entry: entry.clone(),
            source,
        })
    }
}

/// The comment an importer writes above a date that the source did not give (`--date`).
pub const DATE_GIVEN: &str = "# 来源未注明日期：此日期由导入时的 --date 给出";

/// The front matter of a case, in the order its keys are written. These are exactly the keys
/// the core accepts for a case.
#[derive(Serialize)]
struct CaseFront<'a> {
    title: &'a str,
    publisher: &'a str,
    authors: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<toml::value::Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    /// Omitted when the entry has no 点评 at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    commentary: Option<&'a str>,
    /// Omitted when neither the text nor the markers tell the script: the site's language
    /// then applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    source: &'a str,
}

/// The whole case file: TOML front matter (escaped by the toml crate, so quotes and
/// backslashes in the text cannot break it), a blank line, the measures as the body.
fn render_case(entry: &Entry, shared: &SharedFields, source: &str, slug: Option<&str>) -> Result<String> {
    // the commentary is Markdown on the page too
    let commentary = entry.commentary.as_deref().map(plain::to_markdown);
    let date = entry.date.or(shared.date);
    let front = CaseFront {
        title: &entry.title,
        publisher: &entry.publisher,
        authors: &entry.authors,
        date: date.map(toml_date),
        slug,
        region: shared.region.as_deref(),
        tags: &shared.tags,
        commentary: commentary.as_deref(),
        lang: entry.script.map(bulletin::Script::lang),
        source,
    };
    let mut front = toml::to_string(&front)
        .with_context(|| t!("cannot write the front matter of a case", "无法写出案例的文件头"))?;
    if entry.date.is_none() && date.is_some() {
        front = front.replacen("\ndate = ", &format!("\n{DATE_GIVEN}\ndate = "), 1);
    }
    Ok(format!("+++\n{front}+++\n\n{}\n", plain::to_markdown(&entry.measures)))
}

/// A date as TOML writes one bare (`date = 2017-03-01`).
pub(crate) fn toml_date(d: chrono::NaiveDate) -> toml::value::Datetime {
    use chrono::Datelike;
    let date = toml::value::Date { year: d.year() as u16, month: d.month() as u8, day: d.day() as u8 };
    toml::value::Datetime { date: Some(date), time: None, offset: None }
}

/// The part of a case name that comes from the bulletin's file name; see the module header.
fn ascii_stem(file: &Path) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let is_plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !stem.is_empty() && stem.chars().all(is_plain) {
        return stem.into_owned();
    }
    let kept: String = stem.chars().filter(|&c| is_plain(c)).collect();
    let kept = kept.trim_matches(['-', '_']);
    // SHA-256, unlike std's hasher, gives the same value in every build, which file names need
    let hash = &crate::digest::sha256(stem.as_bytes())[..8];
    if kept.is_empty() {
        format!("bulletin-{hash}")
    } else {
        format!("{kept}-{hash}")
    }
}

/// An entry holding an ID, mobile or card number is not imported: the message names the
/// bulletin's line and shows the number masked.
fn refuse_personal_numbers(cases: Vec<PlannedCase>, report: &mut ImportReport) -> Vec<PlannedCase> {
    cases
        .into_iter()
        .filter(|case| {
            let hits = crate::privacy::scan(&case.content);
            for hit in &hits {
                report.diagnostics.push(
                    crate::privacy::diagnostic(&case.file, case.line, hit).with_hint(t!(
                        "this entry was not imported: remove the number from the bulletin, or mask it, and import again",
                        "这个条目没有导入：请删去或遮盖通报中的号码，再重新导入"
                    )),
                );
            }
            hits.is_empty()
        })
        .collect()
}

/// Keeps the first of several cases that would get the same file name (bulletins with the
/// same file name in different folders) and reports the others.
fn drop_name_clashes(cases: Vec<PlannedCase>, report: &mut ImportReport) -> Vec<PlannedCase> {
    let mut first_by_name: HashMap<String, PathBuf> = HashMap::new();
    let mut kept = Vec::new();
    for case in cases {
        if let Some(first) = first_by_name.get(&case.name) {
            let message = t!(
                "this entry would be written to {}, like an entry of {}",
                "这个条目会写入 {}，与 {} 中的条目同名",
                case.name,
                first.display()
            );
            report.diagnostics.push(crate::Diagnostic::new(&case.file, case.line, message).with_hint(t!(
                "case names come from the bulletin's file name; rename one bulletin and import again",
                "案例文件名取自通报的文件名；请给其中一个通报改名后重新导入"
            )));
        } else {
            first_by_name.insert(case.name.clone(), case.file.clone());
            kept.push(case);
        }
    }
    kept
}

/// Writes one file unless that would lose an edit: identical content is left alone, and a
/// file with other content is only replaced with `--force`.
fn write_file(
    path: &Path,
    content: &[u8],
    dry_run: bool,
    force: bool,
    report: &mut ImportReport,
) -> Result<()> {
    match fs::read(path) {
        Ok(existing) if existing == content => {
            report.unchanged.push(path.to_path_buf());
            return Ok(());
        }
        Ok(_) if !force => {
            report.skipped_edited.push(path.to_path_buf());
            return Ok(());
        }
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| crate::locale::reading(path)),
    }
    if !dry_run {
        fs::write(path, content).with_context(|| crate::locale::writing(path))?;
    }
    report.written.push(path.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_stems_are_kept_and_others_hashed() {
        assert_eq!(ascii_stem(Path::new("seeds/002_474f3c114e6c0acf.txt")), "002_474f3c114e6c0acf");
        let mixed = ascii_stem(Path::new("临汾2015.txt"));
        assert!(mixed.starts_with("2015-") && mixed.len() == 13, "{mixed}");
        assert_ne!(mixed, ascii_stem(Path::new("大同2015.txt")));
        let chinese = ascii_stem(Path::new("通报.txt"));
        assert!(chinese.starts_with("bulletin-") && chinese.is_ascii(), "{chinese}");
        assert_eq!(chinese, ascii_stem(Path::new("other/通报.txt")));
    }

    #[test]
    fn dates_must_be_plain_dates() {
        assert_eq!(parse_date("2015-06-01").unwrap().to_string(), "2015-06-01");
        for bad in ["2015-6-1", "2015-02-30", "2015-06-01T10:00:00", "昨天"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
