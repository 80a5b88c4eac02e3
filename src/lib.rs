//! gongkai (公开): a static site generator for grassroots party organisations.
//!
//! The build is a pipeline, one module a stage: [`load`] → [`content`] (parse) → [`resolve`]
//! → [`render`] → [`write`]. Content problems are collected as [`Diagnostic`]s and reported
//! together; plumbing failures are `anyhow` errors with context.
#![warn(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
pub mod locale;

pub mod audience;
pub mod charts;
pub mod config;
pub mod content;
pub mod data;
pub mod diagnostic;
pub mod digest;
pub mod i18n;
pub mod import;
pub mod load;
pub mod oversight;
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
pub use oversight::{oversight_report, OversightReport, ReportRow};

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
    /// Reuse and keep the build cache (`.gongkai-cache/build/`): only the jobs whose inputs
    /// changed are rendered again.
    pub cache: bool,
    /// Ignore what the cache holds (it is filled anew).
    pub clean: bool,
    /// Render only this share of the jobs, into a shard folder for `gongkai merge`.
    pub shard: Option<write::shard::Shard>,
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
            cache: true,
            clean: false,
            shard: None,
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        match (&self.out, &self.shard) {
            (Some(out), _) => out.clone(),
            (None, Some(shard)) => shard.default_out(&self.root),
            (None, None) => self.root.join("public"),
        }
    }
}

/// What a build produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    /// What the build says without failing (a notice counted over a year without a calendar).
    pub warnings: Vec<Diagnostic>,
    pub files: usize,
    /// Output jobs taken from the build cache rather than rendered.
    pub reused: usize,
    pub elapsed: Duration,
    pub out: PathBuf,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        let cached = match self.reused {
            0 => String::new(),
            n => {
                t!(", {} unchanged parts from the cache", "，其中 {} 个未变部分取自缓存", group_thousands(n))
            }
        };
        t!(
            "built {} pages ({} files{cached}) in {:.2} s into {}",
            "已生成 {} 个页面（{} 个文件{cached}），用时 {:.2} 秒，写入 `{}`",
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
pub fn render_site(opts: &BuildOptions) -> Result<(Vec<render::Output>, usize)> {
    render_with_library(opts).map(|(files, library)| (files, library.pages.len()))
}

/// Like [`render_site`], keeping the resolved library for the checks that need it: the live
/// site, with its archived editions and the manifest of everything.
fn render_with_library(opts: &BuildOptions) -> Result<(Vec<render::Output>, resolve::Library)> {
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
) -> Result<Vec<render::Output>> {
    Ok(with_banners(history, archived_editions(opts, history)?, library))
}

/// Each release's edition as stored, below its own root, oldest first: what `with_banners`
/// serves, kept by `serve` so that an edit brings the banners up to date without a rebuild.
pub(crate) fn archived_editions(
    opts: &BuildOptions,
    history: &versions::History,
) -> Result<Vec<Vec<render::Output>>> {
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
    editions: Vec<Vec<render::Output>>,
    library: &resolve::Library,
) -> Vec<render::Output> {
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
) -> impl Fn(&std::path::Path, &versions::History, &versions::manifest::Release) -> Result<Vec<render::Output>>
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
pub fn rebuild_release(root: &std::path::Path, version: &str) -> Result<Vec<render::Output>> {
    let history = versions::History::load(root)?;
    let release = history
        .releases
        .iter()
        .find(|r| r.version == version)
        .with_context(|| t!("no release {version}", "没有版本 {version}"))?;
    let work = tempfile::tempdir()?;
    history.store.checkout(release, work.path())?;
    edition_renderer(Audience::Public)(work.path(), &history.before(version, root), release)
}

/// Parse, resolve and render every page of a prepared site, plus its static files.
fn render_prepared(
    opts: &BuildOptions,
    prepared: &mut pipeline::Prepared,
    editions: &[versions::archive::Edition],
) -> Result<(Vec<render::Output>, resolve::Library)> {
    let library = resolve_prepared(opts, prepared)?;
    let mut files = prepared.renderer(&library, editions).render_all(opts.progress.as_deref())?;
    let generated: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let statics = prepared.statics_for(&library, &|p| generated.contains(p));
    files.extend(statics);
    Ok((files, library))
}

/// Parse and resolve: every page of a prepared site, or every problem found on the way.
pub(crate) fn resolve_prepared(
    opts: &BuildOptions,
    prepared: &mut pipeline::Prepared,
) -> Result<resolve::Library> {
    let (pages, parse_diagnostics) = prepared.parse_once();
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
        t!(
            "release {} exists already and cannot be changed; choose a new version (e.g. {}.1)",
            "版本 {} 已经存在，不能更改；请换一个新版本号（如 {}.1）",
            release.version,
            release.version
        )
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
            t!(
                "release {} would come before release {} ({}), the last in the chain; give --date {} or later",
                "版本 {} 会排在链上最后一个版本 {}（{}）之前；请给出 --date {} 或更晚的日期",
                release.version,
                last.version,
                last.date,
                last.date
            )
        );
    }
    let sources = versions::sources(&opts.root)?;
    let hashes = |files: &[(String, Vec<u8>)]| -> std::collections::BTreeMap<String, String> {
        files.iter().map(|(p, b)| (p.clone(), crate::digest::sha256(b))).collect()
    };
    let source_hashes = hashes(&sources);
    let manifest = versions::manifest::Release {
        format: versions::manifest::FORMAT,
        version: release.version.clone(),
        date,
        as_of: library.as_of.to_string(),
        note: release.note.clone(),
        generator: crate::digest::generator(),
        previous: history.releases.last().map(versions::manifest::Release::published_hash),
        sources_root: Some(versions::manifest::sources_root(&source_hashes)),
        sources: source_hashes,
        outputs: hashes(&files),
    };
    // the published bytes carry sources_root and previous: signing them covers both
    let signature =
        release.key.as_deref().map(|k| versions::verify::sign(&manifest.public_bytes(), k)).transpose()?;
    let stored: Vec<render::Output> = sources.into_iter().chain(files).collect();
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
    let cache = match opts.cache {
        true => write::cache::Cache::open(&opts.root, opts.audience, opts.clean)?,
        false => None,
    };
    let mut plan = renderer.plan(&prepared.salt);
    let fingerprints: Vec<String> = plan.iter().map(|p| write::cache::hex(&p.fingerprint)).collect();
    let whole_plan = write::shard::plan_digest(
        plan.iter().map(|p| p.key.as_str()).zip(fingerprints.iter().map(String::as_str)),
    );
    if let Some(shard) = opts.shard {
        plan.retain(|p| shard.owns(&p.key));
    }
    let entries =
        pipeline::render_planned(&renderer, &plan, cache.as_ref(), &staging, opts.progress.as_deref())?;
    let reused = entries.iter().filter(|(_, reused)| *reused).count();
    let mut hashes: Vec<(String, String)> =
        entries.iter().flat_map(|(e, _)| e.outputs.iter().cloned()).collect();
    let job_files = hashes.len();
    let mut warnings = library.warnings.clone();
    // the files that are not jobs' outputs go with the first shard
    if opts.shard.is_none_or(|s| s.index == 1) {
        warnings.extend(prepared.statics.keys().filter(|p| staging.has(p)).map(|p| {
            Diagnostic::new(
                std::path::Path::new("static").join(p),
                0,
                t!(
                    "`static/{p}` is not published: a page of the site is written at that address",
                    "`static/{p}` 没有发布：网站的一个页面就写在这个地址"
                ),
            )
            .with_hint(t!("rename the file or move it into another folder", "请给文件改名或移到别的文件夹"))
        }));
        let statics = prepared.statics_for(&library, &|p| staging.has(p));
        let extras = live_extras(opts, &prepared.history, &library)?;
        for file in statics.into_iter().chain(extras) {
            hashes.push(staging.put(file)?);
        }
    }
    if let Some(shard) = opts.shard {
        let jobs = plan
            .iter()
            .zip(&entries)
            .map(|(p, (e, _))| {
                let outputs = e.outputs.iter().map(|(path, _)| path.clone()).collect();
                (p.key.clone(), write::shard::ShardJob { fingerprint: e.fingerprint.clone(), outputs })
            })
            .collect();
        let extras = hashes[job_files..].iter().map(|(path, _)| path.clone()).collect();
        let manifest = write::shard::ShardManifest {
            generator: crate::digest::generator(),
            shard: shard.index,
            shards: shard.total,
            plan: whole_plan,
            releases: prepared.history.published(),
            jobs,
            extras,
            outputs: hashes.into_iter().collect(),
        };
        let files = manifest.outputs.len();
        staging.put((write::shard::MANIFEST.to_string(), manifest.to_bytes()))?;
        staging
            .commit()
            .with_context(|| t!("writing the shard into {}", "把这一份写入 `{}` 时出错", out.display()))?;
        return Ok(BuildReport {
            pages: library.pages.len(),
            warnings,
            files,
            reused,
            elapsed: start.elapsed(),
            out,
        });
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
    staging
        .commit()
        .with_context(|| t!("writing the site into {}", "把网站写入 {} 时出错", out.display()))?;
    if let Some(cache) = cache {
        // the site is in place: a cache that cannot be saved costs the next build time only
        let _ =
            cache.save(plan.into_iter().map(|p| p.key).zip(entries.into_iter().map(|(e, _)| e)).collect());
    }
    Ok(BuildReport { pages: library.pages.len(), warnings, files, reused, elapsed: start.elapsed(), out })
}

/// Assembles the shard folders of a sharded build (`build --shard K/N`) into the site's
/// output folder, as one build would have written it.
pub fn merge(opts: &BuildOptions, shards: &[PathBuf]) -> Result<write::shard::Merged> {
    write::shard::merge(&opts.root, shards, &opts.out_dir())
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
