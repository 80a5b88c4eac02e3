//! gongkai (公开): a static site generator for grassroots party organisations.
//!
//! The build is a pipeline, one module a stage: [`load`] → [`content`] (parse) → [`resolve`]
//! → [`render`] → [`write`]. Content problems are collected as [`Diagnostic`]s and reported
//! together; plumbing failures are `anyhow` errors with context.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod data;
pub mod diagnostic;
pub mod import;
pub mod load;
pub mod privacy;
pub mod render;
pub mod resolve;
pub mod text;
pub mod write;

pub use content::disclosure::Audience;
pub use diagnostic::{Diagnostic, Diagnostics};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rayon::prelude::*;
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
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions { root: root.into(), out: None, as_of: None, audience: Audience::Public, progress: None }
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
    let root = &opts.root;
    anyhow::ensure!(root.is_dir(), "the site folder {} does not exist; pass --root DIR", root.display());
    let mut diagnostics = Vec::new();
    let (config_text, config_diags) = load::load_config(root)?;
    diagnostics.extend(config_diags);
    let config = config::Config::parse(config_text.as_deref()).unwrap_or_else(|e| {
        diagnostics.extend(e);
        config::Config::default()
    });
    let loaded = load::load(root, &config.theme)?;
    diagnostics.extend(loaded.diagnostics);
    let (datasets, data_diagnostics) = data::Datasets::parse(&loaded.data);
    diagnostics.extend(data_diagnostics);
    let ctx = content::ParseContext { data: &datasets, calendar: &config.calendar };
    let parsed: Vec<_> = loaded.content.par_iter().map(|f| content::parse(&f.rel, &f.text, ctx)).collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok(page) => pages.push(page),
            Err(e) => diagnostics.extend(e),
        }
    }
    let library = resolve::Library::resolve(pages, opts.audience, opts.as_of);
    let library = match library {
        Ok(lib) if diagnostics.is_empty() => lib,
        Ok(_) => return Err(report(diagnostics)),
        Err(e) => return Err(report(diagnostics.into_iter().chain(e).collect())),
    };
    let tera = render::templates::load(&loaded.templates)?;
    let renderer = render::Renderer { config: &config, library: &library, tera: &tera };
    let mut files = renderer.render_all(opts.progress.as_deref())?;
    let generated: std::collections::BTreeSet<String> = files.iter().map(|(p, _)| p.clone()).collect();
    let mut statics: std::collections::BTreeMap<String, Vec<u8>> =
        render::templates::STATICS.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
    statics.extend(loaded.statics);
    files.extend(statics.into_iter().filter(|(p, _)| !generated.contains(p)));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((files, library.pages.len()))
}

fn report(mut diagnostics: Vec<Diagnostic>) -> anyhow::Error {
    diagnostics.sort();
    diagnostics.dedup();
    anyhow::Error::new(Diagnostics(diagnostics))
}

/// Builds the site into the output folder, replacing it only when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let (files, pages) = render_site(opts)?;
    let out = opts.out_dir();
    write::write_site(&out, &files).with_context(|| format!("writing the site into {}", out.display()))?;
    Ok(BuildReport { pages, files: files.len(), elapsed: start.elapsed(), out })
}

/// What `gongkai check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs everything a build runs, writes nothing, and returns the content problems.
pub fn check(opts: &BuildOptions) -> Result<CheckReport> {
    match render_site(opts) {
        Ok((_, pages)) => Ok(CheckReport { pages, diagnostics: Vec::new() }),
        Err(e) => match e.downcast::<Diagnostics>() {
            Ok(d) => Ok(CheckReport { pages: 0, diagnostics: d.0 }),
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
    Ok(changes)
}
