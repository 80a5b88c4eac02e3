//! gongkai (公开): a static site generator for grassroots party organisations.
//!
//! The build is a pipeline, one module a stage: [`load`] → [`content`] (parse) → [`resolve`]
//! → [`render`] → [`write`]. Content problems are collected as [`Diagnostic`]s and reported
//! together; plumbing failures are `anyhow` errors with context.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod audience;
pub mod charts;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostic;
pub mod import;
pub mod load;
pub mod pipeline;
pub mod privacy;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod text;
pub mod versions;
pub mod write;

pub use audience::Audience;
pub use diagnostic::{Diagnostic, Diagnostics};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Called with (pages done, pages in all) while rendering.
pub type Progress = Box<dyn Fn(u64, u64) + Send + Sync>;

/// What `gongkai build` is asked to do.
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` under the root.
    pub out: Option<PathBuf>,
    /// The build's date; defaults to the newest date in the content.
    pub as_of: Option<NaiveDate>,
    pub audience: Audience,
    pub progress: Option<Progress>,
    /// Build the search index; on by default, off only to measure what it costs.
    pub search: bool,
    /// Secret ed25519 key, hex, to sign `manifest.json` with (into `manifest.json.sig`).
    pub key: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            as_of: None,
            audience: Audience::Public,
            progress: None,
            search: true,
            key: None,
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    /// What the build says without failing (a notice counted over a year without a calendar).
    pub warnings: Vec<Diagnostic>,
    pub files: usize,
    pub elapsed: Duration,
    pub out: PathBuf,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        format!(
            "built {} pages ({} files) in {:.2} s into {}",
            group_thousands(self.pages),
            group_thousands(self.files),
            self.elapsed.as_secs_f64(),
            self.out.display()
        )
    }
}

fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders the site in memory: every output path with its bytes, sorted by path.
pub fn render_site(opts: &BuildOptions) -> Result<(Vec<write::Output>, usize)> {
    render_with_library(opts).map(|(files, library)| (files, library.pages.len()))
}

/// Like [`render_site`], keeping the resolved library for the checks that need it: the live
/// site, with its archived editions and the manifest of everything.
fn render_with_library(opts: &BuildOptions) -> Result<(Vec<write::Output>, resolve::Library)> {
    let history = versions::History::load(&opts.root)?;
    let editions = versions::archive::editions(&history);
    let mut prepared = pipeline::Prepared::load(opts, history)?;
    let (mut files, library) = render_prepared(opts, &mut prepared, &editions)?;
    files.extend(live_extras(opts, &prepared.history, &library)?);
    Ok((pipeline::with_manifest(files, prepared.history.published()), library))
}

/// What only the live site has: the archived editions, each page the live site has since
/// corrected or removed carrying a banner that says so, and their release manifests.
pub(crate) fn live_extras(
    opts: &BuildOptions,
    history: &versions::History,
    library: &resolve::Library,
) -> Result<Vec<write::Output>> {
    Ok(with_banners(history, archived_editions(opts, history)?, library))
}

/// Each release's edition as stored, below its own root, oldest first: what `with_banners`
/// serves, kept by `serve` so that an edit brings the banners up to date without a rebuild.
pub(crate) fn archived_editions(
    opts: &BuildOptions,
    history: &versions::History,
) -> Result<Vec<Vec<write::Output>>> {
    let render = edition_renderer(opts.audience);
    let mut editions = Vec::with_capacity(history.releases.len());
    for release in &history.releases {
        let mut files = versions::archive::edition(&opts.root, history, release, &render)?;
        // sorted by path, so that serve finds a stored file by binary search
        files.sort_by(|a, b| a.0.cmp(&b.0));
        editions.push(files);
    }
    Ok(editions)
}

/// The archived editions under `archive/VERSION/`, each page the live `library` has since
/// corrected or removed with its banner, and the releases' published manifests.
pub(crate) fn with_banners(
    history: &versions::History,
    editions: Vec<Vec<write::Output>>,
    library: &resolve::Library,
) -> Vec<write::Output> {
    let current = current_pages(library);
    let order: Vec<&str> = history.releases.iter().map(|r| r.version.as_str()).collect();
    let mut files = Vec::new();
    for (release, mut edition) in history.releases.iter().zip(editions) {
        versions::banner::add(&mut edition, release, &order, &current);
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
pub(crate) fn current_pages(library: &resolve::Library) -> Vec<versions::banner::Current> {
    library
        .pages
        .iter()
        .map(|p| versions::banner::Current {
            path: p.path.clone(),
            old_paths: p.old_paths.iter().filter(|o| **o != p.path).cloned().collect(),
            source: p.source.to_string_lossy().replace('\\', "/"),
            hash: p.hash.clone(),
            versions: match &p.extra {
                content::Extra::Disclosure(d) => d
                    .versions
                    .iter()
                    .map(|v| versions::banner::Revision {
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

/// How an archived edition is rebuilt from its sources checked out in a folder.
fn edition_renderer(
    audience: Audience,
) -> impl Fn(&std::path::Path, &versions::History, &versions::manifest::Release) -> Result<Vec<write::Output>>
{
    move |dir, history, release| {
        let mut edition = BuildOptions::new(dir);
        edition.as_of = Some(text::parse_date(&release.as_of)?);
        edition.audience = audience;
        let mut prepared = pipeline::Prepared::load(&edition, history.clone())?;
        render_prepared(&edition, &mut prepared, &[])
            .map(|(files, _)| pipeline::with_manifest(files, Default::default()))
    }
}

/// Rebuilds release `version` from its stored sources alone, without the cache or the stored
/// output: what `/archive/VERSION/` must equal byte for byte.
pub fn rebuild_release(root: &std::path::Path, version: &str) -> Result<Vec<write::Output>> {
    let history = versions::History::load(root)?;
    let release = history.releases.iter().find(|r| r.version == version).context("no such release")?;
    let work = tempfile::tempdir()?;
    history.store.checkout(release, work.path())?;
    edition_renderer(Audience::Public)(work.path(), &history.before(version, root), release)
}

/// Parse, resolve and render every page of a prepared site, plus its static files.
fn render_prepared(
    opts: &BuildOptions,
    prepared: &mut pipeline::Prepared,
    editions: &[versions::archive::Edition],
) -> Result<(Vec<write::Output>, resolve::Library)> {
    let library = resolve_prepared(opts, prepared)?;
    let mut files = prepared.renderer(&library, editions).render_all(opts.progress.as_deref())?;
    let generated: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let statics = prepared.statics_for(&library, &|p| generated.contains(p));
    files.extend(statics);
    Ok((files, library))
}

/// Parse and resolve: every page of a prepared site, or every problem found on the way.
fn resolve_prepared(opts: &BuildOptions, prepared: &mut pipeline::Prepared) -> Result<resolve::Library> {
    let (pages, parse_diagnostics) = prepared.parse(&prepared.all_paths());
    let mut diagnostics: Vec<Diagnostic> =
        prepared.diagnostics.iter().cloned().chain(parse_diagnostics).collect();
    match prepared.resolve(pages, Vec::new(), opts.audience, opts.as_of) {
        Ok(lib) if diagnostics.is_empty() => Ok(lib),
        Ok(_) => Err(report(diagnostics)),
        Err(e) => {
            diagnostics.extend(e);
            Err(report(diagnostics))
        }
    }
}

/// Records a release of the site as it is: builds it, then stores its sources and manifest.
pub fn release(
    opts: &BuildOptions,
    release: &versions::ReleaseOptions,
) -> Result<versions::manifest::Release> {
    versions::check_version(&release.version)?;
    // the note and the version name are published and a release can never change: a number
    // in either is refused before anything is stored
    let mut leaks =
        privacy::check_value(std::path::Path::new("release --note"), 0, &release.note, &Default::default());
    leaks.extend(privacy::check_value(
        std::path::Path::new("release VERSION"),
        0,
        &release.version,
        &Default::default(),
    ));
    if !leaks.is_empty() {
        return Err(report(leaks));
    }
    let history = versions::History::load(&opts.root)?;
    anyhow::ensure!(
        history.releases.iter().all(|r| r.version != release.version),
        "release {} exists already and cannot be changed; choose a new version (e.g. {}.1)",
        release.version,
        release.version
    );
    let mut prepared = pipeline::Prepared::load(opts, history)?;
    let (files, library) = render_prepared(opts, &mut prepared, &[])?;
    let files = pipeline::with_manifest(files, Default::default());
    let history = prepared.history;
    let date = release.date.unwrap_or(library.as_of).to_string();
    if let Some(last) = history.releases.last() {
        // the chain runs in the order releases are listed (date, then version)
        anyhow::ensure!(
            (&last.date, &last.version) < (&date, &release.version),
            "release {} would come before release {} ({}), the last in the chain; give --date {} or later",
            release.version,
            last.version,
            last.date,
            last.date
        );
    }
    let sources = versions::sources(&opts.root)?;
    let hashes = |files: &[(String, Vec<u8>)]| -> std::collections::BTreeMap<String, String> {
        files.iter().map(|(p, b)| (p.clone(), versions::manifest::sha256(b))).collect()
    };
    let source_hashes = hashes(&sources);
    let manifest = versions::manifest::Release {
        format: versions::manifest::FORMAT,
        version: release.version.clone(),
        date,
        as_of: library.as_of.to_string(),
        note: release.note.clone(),
        generator: versions::manifest::generator(),
        previous: history.releases.last().map(versions::manifest::Release::published_hash),
        sources_root: Some(versions::manifest::sources_root(&source_hashes)),
        sources: source_hashes,
        outputs: hashes(&files),
    };
    // the published bytes carry sources_root and previous: signing them covers both
    let signature =
        release.key.as_deref().map(|k| versions::verify::sign(&manifest.public_bytes(), k)).transpose()?;
    let stored: Vec<write::Output> = sources.into_iter().chain(files).collect();
    history.store.record(&manifest, &stored, signature.as_deref())?;
    Ok(manifest)
}

pub(crate) fn report(diagnostics: Vec<Diagnostic>) -> anyhow::Error {
    anyhow::Error::new(Diagnostics(tidy(diagnostics)))
}

/// Sorted, without repeats, and masked: a message that quotes the text it found fault with
/// (an unknown row, a malformed cell, a file name) must not repeat a personal number.
fn tidy(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = diagnostics.into_iter().map(privacy::mask_diagnostic).collect();
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

/// Builds the site into the output folder, replacing it only when everything succeeded.
/// Pages go to disk as they are rendered, hashed on the way for the manifest, so the whole
/// site is never held in memory at once.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let out = opts.out_dir();
    // first, so that a refused output folder or a build already running is said at once
    let staging = write::Staging::new(&opts.root, &out)?;
    let history = versions::History::load(&opts.root)?;
    let editions = versions::archive::editions(&history);
    let mut prepared = pipeline::Prepared::load(opts, history)?;
    let library = resolve_prepared(opts, &mut prepared)?;
    // the texts were needed by parsing only
    prepared.texts.clear();
    let renderer = prepared.renderer(&library, &editions);
    let mut hashes: Vec<(String, String)> = renderer
        .render_each(&renderer.jobs(), opts.progress.as_deref(), &|o| staging.put(o))?
        .into_iter()
        .flatten()
        .collect();
    let statics = prepared.statics_for(&library, &|p| staging.has(p));
    let extras = live_extras(opts, &prepared.history, &library)?;
    for file in statics.into_iter().chain(extras) {
        hashes.push(staging.put(file)?);
    }
    let manifest = versions::manifest::SiteManifest::from_hashes(hashes.into_iter().collect())
        .with_releases(prepared.history.published());
    let bytes = manifest.to_bytes();
    let signature = opts.key.as_deref().map(|k| versions::verify::sign(&bytes, k)).transpose()?;
    staging.put((versions::manifest::SITE_MANIFEST.to_string(), bytes))?;
    if let Some(sig) = &signature {
        staging.put((versions::manifest::SITE_SIGNATURE.to_string(), format!("{sig}\n").into_bytes()))?;
    }
    let files = manifest.outputs.len() + 1 + usize::from(signature.is_some());
    staging.commit().with_context(|| format!("writing the site into {}", out.display()))?;
    let warnings = library.warnings.clone();
    Ok(BuildReport { pages: library.pages.len(), warnings, files, elapsed: start.elapsed(), out })
}

/// What `gongkai check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// What a build would say without failing.
    pub warnings: Vec<Diagnostic>,
    /// Listed for a person to look at; never fetched.
    pub external_links: Vec<resolve::links::External>,
}

/// Runs everything a build runs, writes nothing, and returns the content problems.
pub fn check(opts: &BuildOptions) -> Result<CheckReport> {
    match render_with_library(opts) {
        Ok((files, library)) => {
            let links = resolve::links::check(&library.pages, &files);
            let diagnostics = tidy(links.errors);
            let warnings = tidy(library.warnings.iter().cloned().chain(links.warnings).collect());
            let external_links = links.external;
            Ok(CheckReport { pages: library.pages.len(), diagnostics, warnings, external_links })
        }
        Err(e) => match e.downcast::<Diagnostics>() {
            Ok(d) => Ok(CheckReport {
                pages: 0,
                diagnostics: d.0,
                warnings: Vec::new(),
                external_links: Vec::new(),
            }),
            Err(e) => Err(e),
        },
    }
}

/// One number the privacy guard masked in place.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Masked {
    pub path: PathBuf,
    pub line: usize,
    pub masked: String,
}
/// `gongkai check --mask`: rewrites every privacy hit in the content files and CSV files by its
/// masked form. Read by load, masked by a pure function, written by write.
pub fn mask_content(root: &std::path::Path) -> Result<Vec<Masked>> {
    let (config_text, _) = load::load_config(root)?;
    let theme =
        config::Config::parse(config_text.as_deref()).map(|c| c.theme).unwrap_or_else(|_| "default".into());
    let loaded = load::load(root, &theme)?;
    let mut rewritten: Vec<(std::path::PathBuf, Vec<u8>)> = Vec::new();
    let mut changes = Vec::new();
    let mut record = |rel: &std::path::Path, bytes: Vec<u8>, hits: Vec<(usize, String)>| {
        changes.extend(hits.into_iter().map(|(line, masked)| Masked {
            path: rel.to_path_buf(),
            line,
            masked,
        }));
        rewritten.push((rel.to_path_buf(), bytes));
    };
    for file in &loaded.content {
        let fm = content::front_matter::split(&file.rel, &file.text).ok().map(|s| s.front);
        let (masked, hits) = privacy::mask_lines(&file.text, &content::privacy_allow(fm.as_ref()));
        if !hits.is_empty() {
            record(&file.rel, masked.into_bytes(), hits);
        }
    }
    let descriptions: std::collections::BTreeMap<&std::path::Path, &[u8]> =
        loaded.data.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
    for (rel, bytes) in loaded.data.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "csv")) {
        let allowed: Vec<String> = descriptions
            .get(rel.with_extension("toml").as_path())
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("privacy_allow").and_then(|v| v.as_array()).cloned())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        if let Some((masked, hits)) = privacy::mask_csv(bytes, &privacy::Allow::new(allowed)) {
            record(rel, masked, hits);
        }
    }
    write::replace_sources(root, &rewritten)?;
    Ok(changes)
}

/// One item `gongkai report` lists: an organisation that has not disclosed, or disclosed late.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    pub org: String,
    pub category: String,
    /// `2024Q3`, `2024-07`, `2024`.
    pub period: String,
    pub due: NaiveDate,
    /// `missing` or `late`.
    pub status: &'static str,
    pub published: Option<NaiveDate>,
    /// Days overdue (missing, as of the report's date) or days late (published late).
    pub days: i64,
}

/// What `gongkai report` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OversightReport {
    pub as_of: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub due: usize,
    pub missing: usize,
    pub late: usize,
}

/// The missing and late items of the disclosure catalogue, for the whole tree or the subtree of
/// `org`: the same figures as the organisation pages, without rendering anything.
pub fn oversight_report(opts: &BuildOptions, org: Option<&str>) -> Result<OversightReport> {
    let history = versions::History::load(&opts.root)?;
    let mut prepared = pipeline::Prepared::load(opts, history)?;
    let library = resolve_prepared(opts, &mut prepared)?;
    let Some(cat) = &library.catalogue else {
        anyhow::bail!(
            "the site has no organisation list: put data/{} with the columns 名称,上级 (and 类型, 地区) there first",
            resolve::orgs::FILE
        );
    };
    let scope: std::collections::BTreeSet<usize> = match org {
        Some(name) => {
            let Some(i) = cat.tree.find(name) else {
                let hint = cat.tree.nearest(name).map(|n| format!("; did you mean {n}?")).unwrap_or_default();
                anyhow::bail!("{name} is not in data/{}{hint}", resolve::orgs::FILE);
            };
            cat.tree.subtree(i).into_iter().collect()
        }
        None => (0..cat.tree.orgs.len()).collect(),
    };
    let mut report = OversightReport { as_of: library.as_of, rows: Vec::new(), due: 0, missing: 0, late: 0 };
    for item in cat.items.iter().filter(|i| scope.contains(&i.org)) {
        use resolve::catalogue::State;
        let ob = &cat.obligations[item.obligation];
        let owed = &ob.periods[item.period];
        let (status, published, days) = match &item.state {
            State::Missing { overdue } => ("missing", None, *overdue),
            State::Late { published, days, .. } => ("late", Some(*published), *days),
            State::OnTime { .. } => {
                report.due += 1;
                continue;
            }
            State::NotDue => continue,
        };
        report.due += 1;
        if status == "missing" {
            report.missing += 1;
        } else {
            report.late += 1;
        }
        report.rows.push(ReportRow {
            org: cat.tree.orgs[item.org].name.clone(),
            category: ob.category.clone(),
            period: owed.key.clone(),
            due: owed.due,
            status,
            published,
            days,
        });
    }
    Ok(report)
}
