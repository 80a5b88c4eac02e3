//! The build's stages in order, one call each, shared by `build` (everything at once) and
//! `serve` (which keeps a `Prepared` and re-runs parse, resolve and render for a change).

use crate::content::{self, Page};
use crate::render::{self, Renderer};
use crate::resolve::{revisions, shortcodes, Library};
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
    /// Who the build is for: decides which earlier versions of a disclosure it shows.
    pub audience: crate::Audience,
    /// What party-only pages drew on in earlier releases: a table once behind a party-only
    /// notice stays party-only after the notice is made public or stops using it.
    pub historic: Vec<crate::resolve::audience::Usage>,
    /// The hash of everything every output job reads besides the pages: this gongkai, the
    /// settings, templates, data, static files and release history. Part of every job's
    /// fingerprint, so a change to any of them renders everything again.
    pub salt: render::Fingerprint,
}

impl Prepared {
    /// Load: settings, then everything the settings name.
    pub fn load(opts: &BuildOptions, history: History) -> Result<Prepared> {
        let root = &opts.root;
        anyhow::ensure!(
            root.is_dir(),
            t!(
                "the site folder {} does not exist; pass --root DIR",
                "网站文件夹 {} 不存在，请用 --root 指定网站文件夹",
                root.display()
            )
        );
        let mut diagnostics = Vec::new();
        let (config_text, config_diags) = load::load_config(root)?;
        diagnostics.extend(config_diags);
        let config = config::Config::parse(config_text.as_deref()).unwrap_or_else(|e| {
            diagnostics.extend(e);
            config::Config::default()
        });
        let mut loaded = load::load(root, &config.theme)?;
        diagnostics.extend(std::mem::take(&mut loaded.diagnostics));
        if loaded.theme_missing {
            diagnostics.push(config::missing_theme(&config.theme, config_text.as_deref().unwrap_or("")));
        }
        let (datasets, data_diagnostics) = data::Datasets::parse(&loaded.data);
        diagnostics.extend(data_diagnostics);
        diagnostics.extend(datasets.privacy_problems());
        let mut tera = render::templates::load(&loaded.templates)?;
        render::templates::register_data(&mut tera, &datasets);
        let mut statics: BTreeMap<String, Vec<u8>> =
            render::templates::STATICS.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        diagnostics.extend(privacy_in_files(config_text.as_deref(), &loaded.templates, &loaded.statics));
        let salt = salt(config_text.as_deref(), &loaded, &history);
        statics.extend(loaded.statics);
        let texts = loaded.content.into_iter().map(|f| (f.rel, f.text)).collect();
        let historic = historic_party_usage(&history, &datasets, &config.calendar)?;
        Ok(Prepared {
            config,
            datasets,
            tera,
            history,
            statics,
            texts,
            diagnostics,
            search: opts.search,
            audience: opts.audience,
            historic,
            salt,
        })
    }

    fn ctx(&self) -> content::ParseContext<'_> {
        content::ParseContext::new(&self.config.calendar)
    }

    /// Resolve: the library of `pages` for the build's audience; the templates' `load_data`
    /// then sees only the datasets the library may publish.
    pub fn resolve(
        &mut self,
        pages: Vec<Page>,
        carried: Vec<crate::resolve::audience::Usage>,
        audience: crate::Audience,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Library, Vec<Diagnostic>> {
        let mut carried: Vec<_> = carried.into_iter().filter(|u| !u.source.starts_with(HISTORIC)).collect();
        carried.extend(self.historic.iter().cloned());
        let mut library = Library::resolve(pages, carried, &self.datasets, audience, as_of)?;
        let mut errors = Vec::new();
        if self.config.require_review {
            errors.extend(crate::resolve::catalogue::missing_approvals(&library.pages));
        }
        match crate::resolve::orgs::OrgTree::from_data(&library.data) {
            Some(Ok(tree)) => {
                let (catalogue, problems) = crate::resolve::catalogue::build(
                    tree,
                    &self.config.required,
                    &library.pages,
                    audience,
                    library.as_of,
                );
                errors.extend(problems);
                library.catalogue = Some(catalogue);
            }
            Some(Err(problems)) => errors.extend(problems),
            None => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        render::templates::register_data(&mut self.tera, &library.data);
        library.warnings = crate::resolve::calendar::uncovered(&library.pages, &self.config.calendar);
        Ok(library)
    }

    /// Parse the given content files and resolve what each can resolve alone (its shortcodes),
    /// in parallel, then the revision rule over them.
    pub fn parse(&self, paths: &[&PathBuf]) -> (Vec<Page>, Vec<Diagnostic>) {
        let ctx = self.ctx();
        let parsed: Vec<_> =
            paths.par_iter().map(|rel| parse_slim(rel, &self.texts[*rel], ctx, &self.datasets)).collect();
        self.finish_parse(parsed)
    }

    /// Parse every content file, for a build that parses once: each text is dropped as soon as
    /// its page exists, so that the site is never held both as text and as pages (a disclosure
    /// keeps its text, which the revision rule compares with its released versions).
    pub fn parse_once(&mut self) -> (Vec<Page>, Vec<Diagnostic>) {
        let texts = std::mem::take(&mut self.texts);
        let ctx = self.ctx();
        let parsed: Vec<(PathBuf, Option<String>, Parsed)> = texts
            .into_par_iter()
            .map(|(rel, text)| {
                let page = parse_slim(&rel, &text, ctx, &self.datasets);
                let keep = page.as_ref().is_ok_and(|p| p.kind == content::Kind::Disclosure);
                (rel, keep.then_some(text), page)
            })
            .collect();
        let mut pages = Vec::with_capacity(parsed.len());
        for (rel, text, page) in parsed {
            if let Some(text) = text {
                self.texts.insert(rel, text);
            }
            pages.push(page);
        }
        self.finish_parse(pages)
    }

    /// The pages parsed, their problems, and the revision rule (in resolve) over them: the
    /// released texts are read here from the store and handed to it.
    fn finish_parse(&self, parsed: Vec<Parsed>) -> (Vec<Page>, Vec<Diagnostic>) {
        let ctx = self.ctx();
        let mut pages = Vec::with_capacity(parsed.len());
        let mut diagnostics = Vec::new();
        for result in parsed {
            match result {
                Ok(page) => pages.push(page),
                Err(e) => diagnostics.extend(e),
            }
        }
        let released = |path: &str| -> Result<Vec<((String, String), String)>> {
            let texts = self.history.texts_of(path)?;
            Ok(texts.into_iter().map(|((v, d), text)| ((v.to_string(), d.to_string()), text)).collect())
        };
        diagnostics.extend(revisions::apply(
            &released,
            self.audience,
            &mut pages,
            &|page| self.texts.get(&page.source).cloned(),
            &|page, source| {
                let old = content::parse(&page.source, source, ctx).ok()?;
                let old = shortcodes::apply(old, source, ctx, &self.datasets).ok()?;
                Some(revisions::Rendered {
                    text: format!("{}\n{}", old.title, old.body.blocks),
                    audience: old.audience(),
                    html: old.body.html,
                    shortcodes: old.shortcodes,
                })
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
            data: &library.data,
            editions,
            search: self.search,
            kinds: render::jobs::by_kind(&library.pages),
        }
    }

    /// Static files, less any a page already writes and any only pages hidden from this
    /// build link to.
    pub fn statics_for(&self, library: &Library, generated: &dyn Fn(&str) -> bool) -> Vec<render::Output> {
        let hidden =
            crate::resolve::audience::hidden_files(&library.usage, self.statics.keys(), library.audience);
        self.statics
            .iter()
            .filter(|(p, _)| !generated(p) && !hidden.contains(*p))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    }
}

/// A parsed page, or its problems.
type Parsed = Result<Page, Vec<Diagnostic>>;

/// One page parsed, its shortcodes resolved against `data`, less what only parsing needs.
fn parse_slim(
    rel: &std::path::Path,
    text: &str,
    ctx: content::ParseContext,
    data: &data::Datasets,
) -> Result<Page, Vec<Diagnostic>> {
    let page = content::parse(rel, text, ctx).map_err(|mut errors| {
        // the calls' problems with the data are the file's problems too: one list
        if let Err(more) = shortcodes::resolve(rel, &content::calls_of(rel, text), data) {
            errors.extend(more);
        }
        errors
    })?;
    let mut page = shortcodes::apply(page, text, ctx, data)?;
    page.body.slim();
    Ok(page)
}

/// Renders the planned jobs in parallel into `staging`, each one taken from `cache` when its
/// fingerprint is unchanged and its outputs intact; what each job wrote, in plan order, and
/// whether it came from the cache.
pub fn render_planned(
    renderer: &Renderer,
    plan: &[render::Planned],
    cache: Option<&write::cache::Cache>,
    staging: &write::Staging,
    progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
) -> Result<Vec<(write::cache::Entry, bool)>> {
    use anyhow::Context as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    let total = plan.len() as u64;
    let done = AtomicU64::new(0);
    plan.par_iter()
        .map(|p| {
            let reused = cache.and_then(|c| c.reuse(&p.key, &p.fingerprint, staging));
            let from_cache = reused.is_some();
            let entry = match reused {
                Some(entry) => entry,
                None => {
                    let outputs = renderer
                        .render_job_into(&p.job, &|o| staging.put(o))
                        .with_context(|| t!("rendering {:?}", "生成 `{:?}` 时出错", p.job))?;
                    if let Some(c) = cache {
                        c.keep(staging, &outputs);
                    }
                    write::cache::Entry { fingerprint: write::cache::hex(&p.fingerprint), outputs }
                }
            };
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(report) = progress {
                if n.is_multiple_of(64) || n == total {
                    report(n, total);
                }
            }
            Ok((entry, from_cache))
        })
        .collect()
}

/// See [`Prepared::salt`]. Each part is length-prefixed so that no two inputs hash alike.
fn salt(config: Option<&str>, loaded: &load::Loaded, history: &History) -> render::Fingerprint {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(crate::digest::generator().as_bytes());
    part(config.unwrap_or_default().as_bytes());
    for (name, text) in &loaded.templates {
        part(name.as_bytes());
        part(text.as_bytes());
    }
    for (path, bytes) in &loaded.data {
        part(path.to_string_lossy().as_bytes());
        part(bytes);
    }
    for (path, bytes) in &loaded.statics {
        part(path.as_bytes());
        part(bytes);
    }
    for (version, hash) in history.published() {
        part(version.as_bytes());
        part(hash.as_bytes());
    }
    h.finalize().into()
}

/// Adds (or replaces) the site manifest: the hash of every other output, and of the published
/// manifest of each release the site carries.
pub fn with_manifest(
    mut files: Vec<render::Output>,
    releases: BTreeMap<String, String>,
) -> Vec<render::Output> {
    files.retain(|(p, _)| p != versions::manifest::SITE_MANIFEST);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let manifest = versions::manifest::SiteManifest::of(&files).with_releases(releases).to_bytes();
    files.push((versions::manifest::SITE_MANIFEST.to_string(), manifest));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Files whose words reach readers besides the content: `site.toml` (its organisation is in
/// every footer), the theme's templates, and every static file, attachments included.
fn privacy_in_files(
    config: Option<&str>,
    templates: &[(String, String)],
    statics: &[(String, Vec<u8>)],
) -> Vec<Diagnostic> {
    use crate::privacy::{check_text, Allow};
    let mut found = Vec::new();
    if let Some(text) = config {
        found.extend(check_text(std::path::Path::new(crate::config::FILE), text, &Allow::default()));
    }
    for (name, text) in templates {
        found.extend(check_text(&PathBuf::from("themes").join(name), text, &Allow::default()));
    }
    for (out, bytes) in statics {
        found.extend(crate::privacy::check_file(&PathBuf::from("static").join(out), bytes));
    }
    found
}

/// Where usage from earlier releases is filed, so that no current page replaces it.
const HISTORIC: &str = "releases";

/// The usage of every page that was party-only in some release: its datasets and files stay
/// party-only, even once nothing in the current site links to them.
fn historic_party_usage(
    history: &History,
    data: &data::Datasets,
    calendar: &config::Calendar,
) -> Result<Vec<crate::resolve::audience::Usage>> {
    let ctx = content::ParseContext::new(calendar);
    let mut out = Vec::new();
    let paths: std::collections::BTreeSet<&String> = history
        .releases
        .iter()
        .flat_map(|r| r.sources.keys())
        .filter(|p| p.starts_with("content/") && p.ends_with(".md"))
        .collect();
    for path in paths {
        for ((version, _), text) in history.texts_of(path)? {
            // only a text that says so can be party-only; parsing the rest would be wasted
            if !text.contains("audience") {
                continue;
            }
            let Ok(page) = content::parse(std::path::Path::new(path), &text, ctx) else { continue };
            if page.audience() > crate::Audience::Public {
                let Ok(page) = shortcodes::apply(page, &text, ctx, data) else { continue };
                let mut usage = crate::resolve::audience::Usage::of(&page);
                usage.source = PathBuf::from(HISTORIC).join(version).join(path);
                out.push(usage);
            }
        }
    }
    Ok(out)
}
