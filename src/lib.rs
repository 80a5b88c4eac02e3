//! gongkai (公开): a static site generator for grassroots party organisations.
//!
//! The build is a pipeline, one module a stage: [`load`] → [`content`] (parse) → [`resolve`]
//! → [`render`] → [`write`]. Content problems are collected as [`Diagnostic`]s and reported
//! together; plumbing failures are `anyhow` errors with context.
#![warn(clippy::print_stdout, clippy::print_stderr)]

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

pub use content::disclosure::Audience;
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
    let prepared = pipeline::Prepared::load(opts, history)?;
    let (mut files, library) = render_prepared(opts, &prepared, &editions)?;
    files.extend(live_extras(opts, &prepared.history)?);
    Ok((pipeline::with_manifest(files), library))
}

/// What only the live site has: the archived editions and their release manifests.
pub(crate) fn live_extras(opts: &BuildOptions, history: &versions::History) -> Result<Vec<write::Output>> {
    let mut files = versions::archive::outputs(&opts.root, history, &edition_renderer(opts.audience))?;
    for release in &history.releases {
        files.push((format!("archive/{}.json", release.version), release.public_bytes()));
        if let Some(sig) = history.store.signature(&release.version) {
            files.push((format!("archive/{}.sig", release.version), format!("{sig}\n").into_bytes()));
        }
    }
    Ok(files)
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
        let prepared = pipeline::Prepared::load(&edition, history.clone())?;
        render_prepared(&edition, &prepared, &[]).map(|(files, _)| pipeline::with_manifest(files))
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
    prepared: &pipeline::Prepared,
    editions: &[versions::archive::Edition],
) -> Result<(Vec<write::Output>, resolve::Library)> {
    let library = resolve_prepared(opts, prepared)?;
    let mut files = prepared.renderer(&library, editions).render_all(opts.progress.as_deref())?;
    let generated: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let statics = prepared.statics_for(&generated);
    files.extend(statics);
    Ok((files, library))
}

/// Parse and resolve: every page of a prepared site, or every problem found on the way.
fn resolve_prepared(opts: &BuildOptions, prepared: &pipeline::Prepared) -> Result<resolve::Library> {
    let (pages, parse_diagnostics) = prepared.parse(&prepared.all_paths());
    let mut diagnostics: Vec<Diagnostic> =
        prepared.diagnostics.iter().cloned().chain(parse_diagnostics).collect();
    match resolve::Library::resolve(pages, opts.audience, opts.as_of) {
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
    let history = versions::History::load(&opts.root)?;
    anyhow::ensure!(
        history.releases.iter().all(|r| r.version != release.version),
        "release {} exists already and cannot be changed; choose a new version (e.g. {}.1)",
        release.version,
        release.version
    );
    let prepared = pipeline::Prepared::load(opts, history)?;
    let (files, library) = render_prepared(opts, &prepared, &[])?;
    let files = pipeline::with_manifest(files);
    let history = prepared.history;
    let sources = versions::sources(&opts.root)?;
    let hashes = |files: &[(String, Vec<u8>)]| {
        files.iter().map(|(p, b)| (p.clone(), versions::manifest::sha256(b))).collect()
    };
    let manifest = versions::manifest::Release {
        format: versions::manifest::FORMAT,
        version: release.version.clone(),
        date: release.date.unwrap_or(library.as_of).to_string(),
        as_of: library.as_of.to_string(),
        note: release.note.clone(),
        generator: versions::manifest::generator(),
        sources: hashes(&sources),
        outputs: hashes(&files),
    };
    let signature =
        release.key.as_deref().map(|k| versions::verify::sign(&manifest.public_bytes(), k)).transpose()?;
    let stored: Vec<write::Output> = sources.into_iter().chain(files).collect();
    history.store.record(&manifest, &stored, signature.as_deref())?;
    Ok(manifest)
}

fn report(mut diagnostics: Vec<Diagnostic>) -> anyhow::Error {
    diagnostics.sort();
    diagnostics.dedup();
    anyhow::Error::new(Diagnostics(diagnostics))
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
    let library = resolve_prepared(opts, &prepared)?;
    // the texts were needed by parsing only
    prepared.texts.clear();
    let renderer = prepared.renderer(&library, &editions);
    let mut hashes: Vec<(String, String)> = renderer
        .render_each(&renderer.jobs(), opts.progress.as_deref(), &|o| staging.put(o))?
        .into_iter()
        .flatten()
        .collect();
    let statics: Vec<write::Output> = prepared
        .statics
        .iter()
        .filter(|(p, _)| !staging.has(p))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    let extras = live_extras(opts, &prepared.history)?;
    for file in statics.into_iter().chain(extras) {
        hashes.push(staging.put(file)?);
    }
    let manifest = versions::manifest::SiteManifest::from_hashes(hashes.into_iter().collect());
    staging.put((versions::manifest::SITE_MANIFEST.to_string(), manifest.to_bytes()))?;
    let files = manifest.outputs.len() + 1;
    staging.commit().with_context(|| format!("writing the site into {}", out.display()))?;
    Ok(BuildReport { pages: library.pages.len(), files, elapsed: start.elapsed(), out })
}

/// What `gongkai check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Listed for a person to look at; never fetched.
    pub external_links: Vec<resolve::links::External>,
}

/// Runs everything a build runs, writes nothing, and returns the content problems.
pub fn check(opts: &BuildOptions) -> Result<CheckReport> {
    match render_with_library(opts) {
        Ok((files, library)) => {
            let (mut diagnostics, external_links) = resolve::links::check(&library.pages, &files);
            diagnostics.sort();
            Ok(CheckReport { pages: library.pages.len(), diagnostics, external_links })
        }
        Err(e) => match e.downcast::<Diagnostics>() {
            Ok(d) => Ok(CheckReport { pages: 0, diagnostics: d.0, external_links: Vec::new() }),
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

/// `gongkai check --mask`: rewrites every privacy hit in the content files by its masked form.
pub fn mask_content(root: &std::path::Path) -> Result<Vec<Masked>> {
    let (config_text, _) = load::load_config(root)?;
    let theme =
        config::Config::parse(config_text.as_deref()).map(|c| c.theme).unwrap_or_else(|_| "default".into());
    let loaded = load::load(root, &theme)?;
    let mut changes = Vec::new();
    for file in &loaded.content {
        let fm = content::front_matter::split(&file.rel, &file.text).ok().map(|s| s.front);
        let (masked, hits) = privacy::mask_text(&file.text, &content::privacy_allow(fm.as_ref()));
        if hits.is_empty() {
            continue;
        }
        let path = root.join(&file.rel);
        std::fs::write(&path, masked).with_context(|| format!("writing {}", path.display()))?;
        for hit in hits {
            let line = 1 + file.text[..hit.start].matches('\n').count();
            changes.push(Masked { path: file.rel.clone(), line, masked: hit.masked });
        }
    }
    for (rel, bytes) in loaded.data.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "csv")) {
        changes.extend(mask_csv(root, rel, bytes)?);
    }
    Ok(changes)
}

/// Masks a CSV in place, keeping its encoding (and BOM): Excel on the clerk's machine must
/// still open it as before.
fn mask_csv(root: &std::path::Path, rel: &std::path::Path, bytes: &[u8]) -> Result<Vec<Masked>> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (bom, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => (&[][..], bytes),
    };
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_string(), encoding_rs::UTF_8),
        Err(_) => match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(body) {
            Some(t) => (t.into_owned(), encoding_rs::GB18030),
            None => return Ok(Vec::new()), // unreadable: the build reports it
        },
    };
    let description = root.join(rel.with_extension("toml"));
    let masked_allowed: Vec<String> = std::fs::read_to_string(&description)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("privacy_allow").and_then(|v| v.as_array()).cloned())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let allow = privacy::Allow { masked: masked_allowed, contact_lines: Vec::new() };
    let (masked, hits) = privacy::mask_text(&text, &allow);
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let (encoded, _, _) = encoding.encode(&masked);
    let path = root.join(rel);
    std::fs::write(&path, [bom, &encoded[..]].concat())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(hits
        .into_iter()
        .map(|hit| Masked {
            path: rel.to_path_buf(),
            line: 1 + text[..hit.start].matches('\n').count(),
            masked: hit.masked,
        })
        .collect())
}
