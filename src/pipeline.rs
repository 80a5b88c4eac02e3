//! The build's stages in order, one call each, shared by `build` (everything at once) and
//! `serve` (which keeps a `Prepared` and re-runs parse, resolve and render for a change).

use crate::content::{self, Page};
use crate::render::{self, Renderer};
use crate::resolve::Library;
use crate::versions::{self, archive::Edition, History};
use crate::{config, data, load, write, BuildOptions, Diagnostic};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything a build reads before it looks at a single page: settings, templates, data,
/// static files, the release history, and the content files' text.
pub struct Prepared {
    pub config: config::Config,
    pub datasets: data::Datasets,
    pub tera: tera::Tera,
    pub history: History,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Content files' text by path relative to the root.
    pub texts: BTreeMap<PathBuf, String>,
    /// Problems found so far (settings, encodings, data, privacy in data).
    pub diagnostics: Vec<Diagnostic>,
    pub search: bool,
}

impl Prepared {
    /// Load: settings, then everything the settings name.
    pub fn load(opts: &BuildOptions, history: History) -> Result<Prepared> {
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
        diagnostics.extend(datasets.privacy_problems());
        let mut tera = render::templates::load(&loaded.templates)?;
        render::templates::register_data(&mut tera, &datasets);
        let mut statics: BTreeMap<String, Vec<u8>> =
            render::templates::STATICS.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        statics.extend(loaded.statics);
        let texts = loaded.content.into_iter().map(|f| (f.rel, f.text)).collect();
        Ok(Prepared { config, datasets, tera, history, statics, texts, diagnostics, search: opts.search })
    }

    fn ctx(&self) -> content::ParseContext<'_> {
        content::ParseContext { data: &self.datasets, calendar: &self.config.calendar }
    }

    /// Parse: the given content files, in parallel, then the revision rule over them.
    pub fn parse(&self, paths: &[&PathBuf]) -> (Vec<Page>, Vec<Diagnostic>) {
        let ctx = self.ctx();
        let parsed: Vec<_> =
            paths.par_iter().map(|rel| content::parse(rel, &self.texts[*rel], ctx)).collect();
        let mut pages = Vec::with_capacity(parsed.len());
        let mut diagnostics = Vec::new();
        for result in parsed {
            match result {
                Ok(page) => pages.push(page),
                Err(e) => diagnostics.extend(e),
            }
        }
        diagnostics.extend(versions::revisions::apply(
            &self.history,
            &mut pages,
            &|page| self.texts.get(&page.source).cloned(),
            &|page, source| {
                let old = content::parse(&page.source, source, ctx).ok()?;
                Some((old.body.html.clone(), format!("{}\n\n{}", old.title, old.body.text)))
            },
        ));
        (pages, diagnostics)
    }

    pub fn all_paths(&self) -> Vec<&PathBuf> {
        self.texts.keys().collect()
    }

    pub fn renderer<'a>(&'a self, library: &'a Library, editions: &'a [Edition]) -> Renderer<'a> {
        Renderer {
            config: &self.config,
            library,
            tera: &self.tera,
            data: &self.datasets,
            editions,
            search: self.search,
        }
    }

    /// Static files, less any a page already writes.
    pub fn statics_for(&self, generated: &std::collections::BTreeSet<&str>) -> Vec<write::Output> {
        self.statics
            .iter()
            .filter(|(p, _)| !generated.contains(p.as_str()))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    }
}

/// Adds (or replaces) the site manifest: the hash of every other output.
pub fn with_manifest(mut files: Vec<write::Output>) -> Vec<write::Output> {
    files.retain(|(p, _)| p != versions::manifest::SITE_MANIFEST);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest = versions::manifest::SiteManifest::of(&files).to_bytes();
    files.push((versions::manifest::SITE_MANIFEST.to_string(), manifest));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
