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
pub mod error;
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
pub use error::BuildError;
pub use oversight::{oversight_report, OversightReport, ReportRow};
use pipeline::How;

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
    pub shard: Option<versions::shard::Shard>,
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
    /// Pages taken as an earlier build parsed them, from the build cache.
    pub parsed_reused: usize,
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

/// Renders the site in memory: every output path with its bytes, sorted by path, and the
/// number of pages.
pub fn render_site(opts: &BuildOptions) -> Result<(Vec<render::Output>, usize), BuildError> {
    let memory = write::Memory::default();
    let run = pipeline::run(opts, How::CHECK, &memory)?;
    with_manifest(&memory, &run, How::CHECK)?;
    Ok((memory.into_files(), run.library.pages.len()))
}

/// Puts the site manifest of `run` beside its other outputs.
fn with_manifest(sink: &dyn write::Sink, run: &pipeline::Run, how: How) -> Result<(), BuildError> {
    let manifest = run.manifest(how).to_bytes();
    sink.put((versions::manifest::SITE_MANIFEST.to_string(), manifest))?;
    Ok(())
}

/// Rebuilds release `version` from its stored sources alone, without the cache or the stored
/// output: what `/archive/VERSION/` must equal byte for byte.
pub fn rebuild_release(root: &std::path::Path, version: &str) -> Result<Vec<render::Output>, BuildError> {
    let history = versions::History::load(root)?;
    let release = history
        .releases
        .iter()
        .find(|r| r.version == version)
        .with_context(|| t!("no release {version}", "没有版本 {version}"))?;
    let work = versions::archive::Checkout::new(&root.join(versions::archive::CACHE))?;
    history.store.checkout(release, &work.0)?;
    pipeline::edition_renderer(Audience::Public)(&work.0, &history.before(version, root), release)
}

/// Records a release of the site as it is: builds it, then stores its sources and manifest.
pub fn release(
    opts: &BuildOptions,
    release: &versions::ReleaseOptions,
) -> Result<versions::manifest::Release, BuildError> {
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
        return Err(BuildError::content(leaks));
    }
    let history = versions::History::load(&opts.root)?;
    ensure(history.releases.iter().all(|r| r.version != release.version), || {
        t!(
            "release {} exists already and cannot be changed; choose a new version (e.g. {}.1)",
            "版本 {} 已经存在，不能更改；请换一个新版本号（如 {}.1）",
            release.version,
            release.version
        )
    })?;
    let memory = write::Memory::default();
    let run = pipeline::run(opts, How::EDITION, &memory)?;
    with_manifest(&memory, &run, How::EDITION)?;
    let files = memory.into_files();
    let (history, library) = (run.prepared.history, run.library);
    let date = release.date.unwrap_or(library.as_of).to_string();
    if let Some(last) = history.releases.last() {
        // the chain runs in the order releases are listed (date, then version)
        ensure((&last.date, &last.version) < (&date, &release.version), || {
            t!(
                "release {} would come before release {} ({}), the last in the chain; give --date {} or later",
                "版本 {} 会排在链上最后一个版本 {}（{}）之前；请给出 --date {} 或更晚的日期",
                release.version,
                last.version,
                last.date,
                last.date
            )
        })?;
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

/// A plumbing error when `ok` is false.
fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), BuildError> {
    match ok {
        true => Ok(()),
        false => Err(anyhow::anyhow!(message()).into()),
    }
}

/// Builds the site into the output folder, replacing it only when everything succeeded.
/// Pages go to disk as they are rendered, hashed on the way for the manifest, so the whole
/// site is never held in memory at once.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let out = opts.out_dir();
    // a folder that is no site gets no output folder or cache either
    load::ensure_site(&opts.root)?;
    // first, so that a refused output folder or a build already running is said at once
    let staging = write::Staging::new(&opts.root, &out)?;
    let cache = match opts.cache {
        true => write::cache::Cache::open(&opts.root, opts.audience, opts.clean)?,
        false => None,
    };
    let how = How::build(cache.as_ref());
    let run = pipeline::run(opts, how, &staging)?;
    let reused = run.jobs.iter().filter(|(_, _, reused)| *reused).count();
    let report = |files| BuildReport {
        pages: run.library.pages.len(),
        warnings: run.warnings.clone(),
        files,
        reused,
        parsed_reused: cache.as_ref().map_or(0, |c| c.parsed_hits()),
        elapsed: start.elapsed(),
        out: out.clone(),
    };
    if let Some(shard) = opts.shard {
        let jobs = run.jobs.iter().map(|(p, e, _)| {
            let outputs = e.outputs.iter().map(|(path, _)| path.clone()).collect();
            (p.key.clone(), versions::shard::ShardJob { fingerprint: e.fingerprint.clone(), outputs })
        });
        let manifest = versions::shard::ShardManifest {
            generator: digest::generator(),
            shard: shard.index,
            shards: shard.total,
            plan: run.plan.clone(),
            releases: run.prepared.history.published(),
            sources: versions::sources_digest(&opts.root)?,
            jobs: jobs.collect(),
            extras: run.extras.iter().map(|(path, _)| path.clone()).collect(),
            outputs: run.hashes(),
        };
        let files = manifest.outputs.len();
        staging.put((versions::shard::MANIFEST.to_string(), manifest.to_bytes()))?;
        let kept = staging
            .commit()
            .with_context(|| t!("writing the shard into {}", "把这一份写入 `{}` 时出错", out.display()))?;
        return Ok(with_kept(report(files), kept));
    }
    let manifest = run.manifest(how);
    let bytes = manifest.to_bytes();
    let signature = opts.key.as_deref().map(|k| versions::verify::sign(&bytes, k)).transpose()?;
    staging.put((versions::manifest::SITE_MANIFEST.to_string(), bytes))?;
    if let Some(sig) = &signature {
        staging.put((versions::manifest::SITE_SIGNATURE.to_string(), format!("{sig}\n").into_bytes()))?;
    }
    let files = manifest.outputs.len() + 1 + usize::from(signature.is_some());
    let kept = staging
        .commit()
        .with_context(|| t!("writing the site into {}", "把网站写入 {} 时出错", out.display()))?;
    let report = with_kept(report(files), kept);
    if let Some(cache) = cache {
        // the site is in place: a cache that cannot be saved costs the next build time only
        let _ = cache.save(run.jobs.into_iter().map(|(p, e, _)| (p.key, e)).collect());
    }
    Ok(report)
}

/// The report with what the swap said: each file someone put into the output folder while the
/// build was finishing ([`write::kept_warning`]), and what could not be removed
/// ([`write::leftover_warning`]).
fn with_kept(mut report: BuildReport, notes: Vec<Diagnostic>) -> BuildReport {
    report.warnings.extend(notes);
    report
}

/// Assembles the shard folders of a sharded build (`build --shard K/N`) into the site's
/// output folder, as one build would have written it.
pub fn merge(opts: &BuildOptions, shards: &[PathBuf]) -> Result<versions::shard::Merged, BuildError> {
    // merge compares the shards with the site's sources: it needs the site
    load::ensure_site(&opts.root)?;
    Ok(versions::shard::merge(&opts.root, shards, &opts.out_dir())?)
}

/// What `gongkai check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// What a build would say without failing.
    pub warnings: Vec<Diagnostic>,
    /// Listed for a person to look at; never fetched.
    pub external_links: Vec<render::links::External>,
}

/// Runs everything a build runs, writes nothing, and returns the content problems.
pub fn check(opts: &BuildOptions) -> Result<CheckReport, BuildError> {
    let memory = write::Memory::default();
    let run = match pipeline::run(opts, How::CHECK, &memory) {
        Ok(run) => run,
        Err(BuildError::Content(d)) => {
            return Ok(CheckReport {
                pages: 0,
                diagnostics: d.0,
                warnings: Vec::new(),
                external_links: Vec::new(),
            })
        }
        Err(e) => return Err(e),
    };
    with_manifest(&memory, &run, How::CHECK)?;
    let library = &run.library;
    // the site's own pages this build leaves out, not those of earlier releases
    let hidden = library
        .usage
        .iter()
        .filter(|u| u.audience > library.audience && u.source.starts_with("content"))
        .map(|u| format!("{}index.html", u.path))
        .collect();
    let links = render::links::check(&library.pages, &memory.into_files(), &hidden);
    let diagnostics = error::tidy(links.errors);
    let warnings = error::tidy(run.warnings.into_iter().chain(links.warnings).collect());
    Ok(CheckReport { pages: run.library.pages.len(), diagnostics, warnings, external_links: links.external })
}

/// [`check`] for each edition in `audiences`, the findings put together: a problem only the
/// party edition has (a plain page at a party-only tag's address, a link into a party-only
/// page) is found without building that edition.
pub fn check_editions(mut opts: BuildOptions, audiences: &[Audience]) -> Result<CheckReport, BuildError> {
    let mut all =
        CheckReport { pages: 0, diagnostics: Vec::new(), warnings: Vec::new(), external_links: Vec::new() };
    for &audience in audiences {
        opts.audience = audience;
        let report = check(&opts)?;
        // the party edition holds every page the public one does
        all.pages = all.pages.max(report.pages);
        all.diagnostics.extend(report.diagnostics);
        all.warnings.extend(report.warnings);
        all.external_links.extend(report.external_links);
    }
    all.diagnostics = error::tidy(all.diagnostics);
    all.warnings = error::tidy(all.warnings);
    // in the order found, each once
    let mut seen = std::collections::BTreeSet::new();
    all.external_links.retain(|link| seen.insert(link.clone()));
    Ok(all)
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
    let (texts, _) = load::read_texts(&loaded.content)?;
    for (rel, text) in &texts {
        let fm = content::front_matter::split(rel, text).ok().map(|s| s.front);
        let (masked, hits) = privacy::mask_lines(text, &content::privacy_allow(fm.as_ref()));
        if !hits.is_empty() {
            record(rel, masked.into_bytes(), hits);
        }
    }
    let descriptions: std::collections::BTreeMap<&std::path::Path, &[u8]> =
        loaded.data.iter().map(|(p, b)| (p.as_path(), b.as_slice())).collect();
    for (rel, bytes) in loaded.data.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "csv")) {
        let allowed: Vec<String> = descriptions
            .get(rel.with_extension("toml").as_path())
            .and_then(|b| text::decode(b, text::Accept::Legacy).ok())
            .and_then(|d| d.text.parse::<toml::Table>().ok())
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
