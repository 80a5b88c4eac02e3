//! The build's stages in order, one call each: [`run`] is the whole pipeline, and `build`,
//! `check`, `release`, archived editions and `serve` all call it; `serve` then keeps its
//! `Prepared` and library and re-runs parse, resolve and render for what an edit touches.
//!
//! The file reads in the order of the stages: [`run`] and what it returns first, then load
//! ([`Prepared::load`]), parse, resolve, render and write, and last the archive (versions).

use crate::content::{self, Page};
use crate::render::Edition;
use crate::render::{self, Renderer};
use crate::resolve::{revisions, shortcodes, Library};
use crate::versions::shard::Shard;
use crate::versions::{self, manifest::Release, History};
use crate::write::cache::{Cache, Entry};
use crate::write::{Memory, Sink};
use crate::{config, data, load, BuildError, BuildOptions, Diagnostic};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a run is for: the live site (`build`, `check`, `serve`) carries the archived editions,
/// an edition being rebuilt or a release being recorded does not.
#[derive(Clone, Copy)]
pub struct How<'a> {
    /// Carry the archive: the editions listed, their pages with banners, their manifests.
    pub live: bool,
    /// Rebuild each archived edition from its stored sources (checked out inside the site's
    /// cache) and keep it in `.gongkai-cache/archive/`; without it (`check`, which writes
    /// nothing) the editions are their stored output, byte for byte what was released.
    pub keep_editions: bool,
    /// Kept in memory to be updated edit by edit (`serve`): every content file's text stays
    /// after parsing, and the archived editions as stored.
    pub serve: bool,
    /// The build cache to take unchanged jobs from.
    pub cache: Option<&'a Cache>,
}

impl How<'_> {
    /// `check`: the live site, in memory, nothing kept.
    pub const CHECK: How<'static> = How { live: true, keep_editions: false, serve: false, cache: None };
    /// A release being recorded, or an archived edition rebuilt from its sources.
    pub const EDITION: How<'static> = How { live: false, keep_editions: false, serve: false, cache: None };
    /// `serve`: the live site, kept to be updated edit by edit.
    pub const SERVE: How<'static> = How { live: true, keep_editions: true, serve: true, cache: None };

    /// `build`: the live site, with the build cache.
    pub fn build(cache: Option<&Cache>) -> How<'_> {
        How { live: true, keep_editions: true, serve: false, cache }
    }
}

/// What a run made, for the command that asked: the state `serve` keeps, and what `build`,
/// `check` and `release` report and record.
pub struct Run {
    pub prepared: Prepared,
    pub library: Library,
    pub editions: Vec<Edition>,
    /// The jobs rendered (every one, or one shard's), in plan order: each with what it wrote
    /// and whether the build cache had it.
    pub jobs: Vec<(render::Planned, Entry, bool)>,
    /// The digest of the whole plan, every shard's jobs included.
    pub plan: String,
    /// Path and hash of each file no job writes: static files, and for the live site the
    /// archived editions and their release manifests.
    pub extras: Vec<(String, String)>,
    /// Each release's edition as stored, before banners (live runs): `serve` keeps them so
    /// that an edit brings the banners up to date without a rebuild.
    pub archived: Editions,
    /// What the run says without failing.
    pub warnings: Vec<Diagnostic>,
}

/// The whole pipeline, one line a stage, for every command that builds: `build` into a staging
/// folder, `check`, `release`, an archived edition and `serve` into memory. Writes each output
/// to `sink` as it is made; the site manifest is left to the caller, who alone knows whether
/// it is signed or a shard's.
pub fn run(opts: &BuildOptions, how: How, sink: &dyn Sink) -> Result<Run, BuildError> {
    run_with(opts, History::load(&opts.root)?, how, sink) // load: the release store
}

/// [`run`] with the release history given: an archived edition is built with the history as
/// it stood before its release, not the site's.
fn run_with(opts: &BuildOptions, history: History, how: How, sink: &dyn Sink) -> Result<Run, BuildError> {
    let (prepared, library) = resolve_site(opts, history, how)?; // load → parse → resolve
    let editions = if how.live { versions::archive::editions(&prepared.history) } else { Vec::new() };
    let renderer = prepared.renderer(&library, &editions);
    let clashes = renderer.address_clashes();
    if !clashes.is_empty() {
        return Err(BuildError::content(clashes));
    }
    let (plan, digest) = plan(&renderer, &prepared.salt, opts.shard); // render: the jobs and their inputs
    let guard = OutputGuard::new(&prepared, &library, sink);
    let entries = render_planned(&renderer, &plan, how.cache, &guard, opts.progress.as_deref())?; // render → write
    guard.finish()?;
    let mut warnings = library.warnings.clone();
    warnings.extend(prepared.notes.iter().cloned());
    // the files that are not jobs' outputs go with the first shard
    let (extras, archived) = match opts.shard.is_none_or(|s| s.index == 1) {
        true => extras(opts, how, &prepared, &library, sink, &mut warnings)?, // write: static files; versions: the archive
        false => Default::default(),
    };
    let jobs = plan.into_iter().zip(entries).map(|(p, (e, reused))| (p, e, reused)).collect();
    Ok(Run { prepared, library, editions, jobs, plan: digest, extras, archived, warnings })
}

/// The first half of [`run`]: the site loaded, parsed and resolved, nothing rendered (what the
/// oversight report needs).
pub fn resolve_site(
    opts: &BuildOptions,
    history: History,
    how: How,
) -> Result<(Prepared, Library), BuildError> {
    let mut prepared = Prepared::load(opts, history)?; // load: settings, templates, data, content
    let parsed = parse(&mut prepared, how)?; // parse
    let library = resolve(&mut prepared, parsed, opts)?; // resolve
    if !how.serve {
        // the texts were needed by parsing and the revision rule only
        prepared.texts.clear();
    }
    Ok((prepared, library))
}

impl Run {
    /// Path and hash of every output, the jobs' and the rest.
    pub fn hashes(&self) -> BTreeMap<String, String> {
        let jobs = self.jobs.iter().flat_map(|(_, e, _)| e.outputs.iter().cloned());
        jobs.chain(self.extras.iter().cloned()).collect()
    }

    /// The site's manifest: every output's hash, and the live site's releases.
    pub fn manifest(&self, how: How) -> versions::manifest::SiteManifest {
        let releases = if how.live { self.prepared.history.published() } else { BTreeMap::new() };
        versions::manifest::SiteManifest::from_hashes(self.hashes()).with_releases(releases)
    }
}

/// Everything a build reads before it looks at a single page: settings, templates, data,
/// static files, the release history, and the content files' text.
pub struct Prepared {
    pub config: config::Config,
    pub datasets: data::Datasets,
    pub tera: tera::Tera,
    pub history: History,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The content files not read yet (see [`load::Loaded::content`]): each is read as it is
    /// parsed.
    pub sources: Vec<(PathBuf, PathBuf)>,
    /// Content files' text by path relative to the root: only those resolve reads again
    /// ([`needs_text`]). A build drops them once resolved; `serve` keeps them for the next
    /// edit's resolve.
    pub texts: BTreeMap<PathBuf, String>,
    /// The pages' bodies, once parsed and resolved (see [`content::bodies`]).
    pub bodies: content::bodies::Bodies,
    /// Problems found so far (settings, encodings, data, privacy in data).
    pub diagnostics: Vec<Diagnostic>,
    /// What loading said without failing ([`load::Loaded::notes`]).
    pub notes: Vec<Diagnostic>,
    pub search: bool,
    /// Who the build is for: decides which earlier versions of a disclosure it shows.
    pub audience: crate::Audience,
    /// What party-only pages drew on in earlier releases: a table once behind a party-only
    /// notice stays party-only after the notice is made public or stops using it.
    pub historic: Vec<crate::resolve::audience::Usage>,
    /// The templates the site's theme has of its own (not the built-in ones, nor copies of
    /// them): what they render is checked by the privacy guard as written out.
    pub own_templates: Vec<String>,
    /// The hash of everything every output job reads besides the pages: this gongkai, the
    /// settings, templates, data, static files and release history. Part of every job's
    /// fingerprint, so a change to any of them renders everything again.
    pub salt: render::Fingerprint,
}

impl Prepared {
    /// Load: settings, then everything the settings name.
    pub fn load(opts: &BuildOptions, history: History) -> Result<Prepared> {
        let root = &opts.root;
        load::ensure_site(root)?;
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
        diagnostics.extend(privacy_in_files(
            config_text.as_deref(),
            &config.theme,
            &loaded.templates,
            &loaded.statics,
        ));
        let salt = salt(config_text.as_deref(), &loaded, &history);
        let own_templates = render::templates::own(&loaded.templates);
        statics.extend(loaded.statics);
        let historic = historic_party_usage(&history, &datasets, &config)?;
        Ok(Prepared {
            config,
            datasets,
            tera,
            history,
            statics,
            sources: std::mem::take(&mut loaded.content),
            texts: BTreeMap::new(),
            bodies: content::bodies::Bodies::new(),
            diagnostics,
            notes: std::mem::take(&mut loaded.notes),
            search: opts.search,
            audience: opts.audience,
            historic,
            own_templates,
            salt,
        })
    }

    fn ctx(&self) -> content::ParseContext<'_> {
        content::ParseContext::new(&self.config.calendar).in_language(self.config.language)
    }

    /// Parse: the given content files, in parallel, each on its own. Nothing here consults the
    /// data, the other pages or the release store: that is [`Prepared::resolve_pages`].
    pub fn parse(&self, paths: &[&PathBuf]) -> Parsed {
        let ctx = self.ctx();
        let parsed: Vec<OnePage> = paths
            .par_iter()
            .map(|rel| {
                content::parse(rel, &self.texts[*rel], ctx).map(slim_unless_resolved_again).map(Box::new)
            })
            .collect();
        Parsed::of(parsed.into_iter().zip(paths.iter().map(|p| (*p).clone())))
    }

    /// Parse every content file, for a build that parses once: each file is read, parsed and
    /// its text dropped on one core, so that the site is never held whole as text, nor both as
    /// text and as pages. Resolve still needs the texts of disclosures (compared with their
    /// released versions), of pages with shortcodes (parsed again with their figures) and of
    /// files that failed (whose shortcodes' data problems are reported with their own).
    ///
    /// With a build cache, a page whose inputs are those of a page an earlier build parsed
    /// (see [`Cache::parsed`]) is taken from it instead; only pages resolve does not parse
    /// again are kept there.
    pub fn parse_once(&mut self, cache: Option<&Cache>) -> Result<Parsed> {
        let sources = std::mem::take(&mut self.sources);
        let ctx = self.ctx();
        let bodies = &self.bodies;
        let salt =
            cache.map(|_| crate::write::cache::parse_salt(&self.config.calendar, self.config.language));
        type Read = (PathBuf, Option<String>, Option<OnePage>, Vec<Diagnostic>);
        let parsed: Vec<Read> = sources
            .into_par_iter()
            .map(|(path, rel)| {
                let mut problems = Vec::new();
                let Some(text) = load::read_text(&path, &rel, &mut problems)? else {
                    return Ok((rel, None, None, problems));
                };
                let cache = cache
                    .zip(salt.as_deref())
                    .map(|(c, salt)| (c, crate::write::cache::parse_key(salt, &rel, &text)));
                let cached = cache.as_ref().and_then(|(c, key)| c.parsed(key));
                let from_cache = cached.is_some();
                let mut page = match cached {
                    Some(page) => Ok(page),
                    None => content::parse(&rel, &text, ctx).map(slim_unless_resolved_again),
                }
                .map(Box::new);
                let keep = page.as_deref().map_or(true, needs_text);
                if let (false, false, Some((c, key)), Ok(page)) = (keep, from_cache, &cache, &page) {
                    c.keep_parsed(key, page);
                }
                // a page resolve does not parse again is done with: its body leaves memory now
                if let (false, Ok(page)) = (keep, &mut page) {
                    bodies.put_page(page);
                }
                Ok((rel, keep.then_some(text), Some(page), problems))
            })
            .collect::<Result<_>>()?;
        let mut pages = Vec::with_capacity(parsed.len());
        let mut unreadable = Vec::new();
        for (rel, text, page, problems) in parsed {
            unreadable.extend(problems);
            if let Some(text) = text {
                self.texts.insert(rel.clone(), text);
            }
            if let Some(page) = page {
                pages.push((page, rel));
            }
        }
        let mut parsed = Parsed::of(pages.into_iter());
        parsed.problems.splice(0..0, unreadable);
        Ok(parsed)
    }

    /// Resolve, page by page: each page's shortcodes against the datasets (a page waiting for
    /// figures is parsed again with them in place), the data problems of the shortcodes of the
    /// files that failed to parse, then the revision rule over the disclosures, with the
    /// released texts read from the store and handed in.
    pub fn resolve_pages(&self, parsed: Parsed) -> (Vec<Page>, Vec<Diagnostic>) {
        let ctx = self.ctx();
        let resolved: Vec<OnePage> = parsed
            .pages
            .into_par_iter()
            .map(|mut page| {
                if page.shortcodes.is_empty() {
                    page.body.slim();
                    return Ok(page);
                }
                let text = self.texts.get(&page.source).map_or("", String::as_str);
                let mut page = shortcodes::apply(*page, text, ctx, &self.datasets)?;
                page.body.slim();
                Ok(Box::new(page))
            })
            .collect();
        let mut diagnostics: Vec<Diagnostic> = parsed
            .failed
            .iter()
            .filter_map(|rel| {
                let text = self.texts.get(rel)?;
                shortcodes::resolve(rel, &content::calls_of(rel, text), &self.datasets).err()
            })
            .flatten()
            .collect();
        diagnostics.extend(parsed.problems);
        let Parsed { pages, problems, .. } = Parsed::of(resolved.into_iter().map(|r| (r, PathBuf::new())));
        diagnostics.extend(problems);
        // the one move of every page out of its box, into the library's list
        let mut pages: Vec<Page> = pages.into_iter().map(|page| *page).collect();
        let released = |path: &str| -> Result<Vec<((String, String), String)>> {
            let texts = self.history.texts_of(path)?;
            Ok(texts.into_iter().map(|((v, d), text)| ((v.to_string(), d.to_string()), text)).collect())
        };
        diagnostics.extend(revisions::apply(
            &released,
            self.audience,
            &mut pages,
            &|page| self.texts.get(&page.source).cloned(),
            &|page, source, ids| {
                let ctx = content::ParseContext { ids, ..ctx };
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
        // the rest of the bodies (disclosures, pages with figures) are done with too
        pages.par_iter_mut().for_each(|page| self.bodies.put_page(page));
        (pages, diagnostics)
    }

    /// Resolve: the library of `pages` for the build's audience; the templates' `load_data`
    /// then sees only the datasets the library may publish.
    pub fn resolve(
        &mut self,
        pages: Vec<Page>,
        carried: Vec<crate::resolve::audience::Usage>,
        audience: crate::Audience,
        as_of: Option<chrono::NaiveDate>,
    ) -> Result<Library, crate::resolve::library::Refused> {
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
            let crate::resolve::Library { pages, usage, .. } = library;
            return Err(crate::resolve::library::Refused { problems: errors, pages, usage });
        }
        render::templates::register_data(&mut self.tera, &library.data);
        library.warnings = crate::resolve::calendar::uncovered(&library.pages, &self.config.calendar);
        Ok(library)
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
            bodies: &self.bodies,
            contexts: Default::default(),
            listed: Default::default(),
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

/// Files whose words reach readers besides the content: `site.toml` (its organisation is in
/// every footer), the theme's templates, and every static file, attachments included.
fn privacy_in_files(
    config: Option<&str>,
    theme: &str,
    templates: &[(String, String)],
    statics: &[(String, Vec<u8>)],
) -> Vec<Diagnostic> {
    use crate::privacy::{check_text, Allow};
    let mut found = Vec::new();
    if let Some(text) = config {
        found.extend(check_text(std::path::Path::new(crate::config::FILE), text, &Allow::default()));
    }
    for (name, text) in templates {
        let path = PathBuf::from("themes").join(theme).join("templates").join(name);
        found.extend(check_text(&path, text, &Allow::default()));
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
    config: &config::Config,
) -> Result<Vec<crate::resolve::audience::Usage>> {
    let ctx = content::ParseContext::new(&config.calendar).in_language(config.language);
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

/// Parse every content file, `serve`'s first build too; each text is dropped as its page is
/// made, but for those resolve reads again ([`needs_text`]).
fn parse(prepared: &mut Prepared, how: How) -> Result<Parsed> {
    prepared.parse_once(how.cache)
}

/// Whether resolve reads a page's text again: a disclosure's is compared with its released
/// versions, a page with shortcodes is parsed again with its figures, and a file that failed
/// has its shortcodes' data problems reported with its own (it has no page to ask).
pub fn needs_text(page: &Page) -> bool {
    page.kind == content::Kind::Disclosure || !page.shortcodes.is_empty()
}

/// A page drops at once what only parsing needs (it is most of a page's memory), unless its
/// shortcodes are still to be resolved, which may parse it again; [`Prepared::resolve_pages`]
/// slims those.
fn slim_unless_resolved_again(mut page: Page) -> Page {
    if page.shortcodes.is_empty() {
        page.body.slim();
    }
    page
}

/// One page, or its problems. Boxed from parse to resolve: a page is most of a kilobyte, and
/// each stage's list of every page would otherwise be a copy of them all (at 1,000,000 pages,
/// a gigabyte each).
type OnePage = Result<Box<Page>, Vec<Diagnostic>>;

/// What parsing made: the pages, the problems, and the files that failed.
#[derive(Default)]
pub struct Parsed {
    pub pages: Vec<Box<Page>>,
    pub problems: Vec<Diagnostic>,
    pub failed: Vec<PathBuf>,
}

impl Parsed {
    fn of(results: impl Iterator<Item = (OnePage, PathBuf)>) -> Parsed {
        let mut parsed = Parsed::default();
        for (result, rel) in results {
            match result {
                Ok(page) => parsed.pages.push(page),
                Err(e) => {
                    parsed.problems.extend(e);
                    parsed.failed.push(rel);
                }
            }
        }
        parsed
    }
}

/// Resolve, with every problem found so far: the library, or all the problems together.
pub fn resolve(prepared: &mut Prepared, parsed: Parsed, opts: &BuildOptions) -> Result<Library, BuildError> {
    let (pages, problems) = prepared.resolve_pages(parsed);
    let mut diagnostics: Vec<Diagnostic> = prepared.diagnostics.iter().cloned().chain(problems).collect();
    match prepared.resolve(pages, Vec::new(), opts.audience, opts.as_of) {
        Ok(library) if diagnostics.is_empty() => Ok(library),
        Ok(_) => Err(BuildError::content(diagnostics)),
        Err(refused) => {
            diagnostics.extend(refused.problems);
            Err(BuildError::content(diagnostics))
        }
    }
}

/// Every job with its fingerprint, less those another shard renders, and the digest of the
/// whole plan, which every shard must share.
fn plan(
    renderer: &Renderer,
    salt: &render::Fingerprint,
    shard: Option<Shard>,
) -> (Vec<render::Planned>, String) {
    let mut plan = renderer.plan(salt);
    let fingerprints: Vec<String> = plan.iter().map(|p| crate::write::cache::hex(&p.fingerprint)).collect();
    let digest = crate::versions::shard::plan_digest(
        plan.iter().map(|p| p.key.as_str()).zip(fingerprints.iter().map(String::as_str)),
    );
    if let Some(shard) = shard {
        plan.retain(|p| shard.owns(&p.key));
    }
    (plan, digest)
}

/// The privacy guard over the rendered site, for a site whose theme has templates of its own:
/// the content and data were checked as written, but a template can put a number together
/// (`{{ "138" ~ "1234" ~ "5678" }}`) that no file holds. Every text output of a job is read
/// for numbers that no page or dataset allows; the built-in templates make none and are not
/// read again.
struct OutputGuard<'a> {
    sink: &'a dyn Sink,
    /// The site's own templates, or nothing to check.
    templates: &'a [String],
    allow: crate::privacy::Allow,
    found: std::sync::Mutex<Vec<Diagnostic>>,
}

impl<'a> OutputGuard<'a> {
    fn new(prepared: &'a Prepared, library: &Library, sink: &'a dyn Sink) -> OutputGuard<'a> {
        let allow = match prepared.own_templates.is_empty() {
            true => Default::default(),
            false => {
                let data: Vec<crate::privacy::Allow> = library
                    .data
                    .iter()
                    .map(|d| crate::privacy::Allow::new(d.meta.privacy_allow.clone()))
                    .collect();
                // each page's content hash is printed on it (内容校验码): hex that may hold a
                // run of digits like a mobile's, and no one's number (found by a hostile review)
                let hashes =
                    crate::privacy::Allow::new(library.pages.iter().map(|p| p.hash.clone()).collect());
                crate::privacy::Allow::union(
                    library.pages.iter().map(|p| &p.allow).chain(&data).chain([&hashes]),
                )
            }
        };
        OutputGuard { sink, templates: &prepared.own_templates, allow, found: Default::default() }
    }

    /// Every number found, as content problems: the build writes nothing.
    fn finish(self) -> Result<(), BuildError> {
        let mut found = self.found.into_inner().unwrap_or_default();
        // a number in a header or footer is on every page: said once, with how many more
        // (a site of 1,000 pages reported 1,000 problems; found by a hostile review)
        found.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        let mut said: Vec<(Diagnostic, usize)> = Vec::new();
        let mut at: std::collections::HashMap<(String, Option<String>), usize> = Default::default();
        for d in found {
            match at.entry((d.message.clone(), d.hint.clone())) {
                std::collections::hash_map::Entry::Occupied(e) => said[*e.get()].1 += 1,
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(said.len());
                    said.push((d, 0));
                }
            }
        }
        let found: Vec<Diagnostic> = said
            .into_iter()
            .map(|(d, more)| match more {
                0 => d,
                n => Diagnostic {
                    message: t!("{} (and in {n} more files)", "{}（另有 {n} 个文件也有）", d.message),
                    ..d
                },
            })
            .collect();
        match found.is_empty() {
            true => Ok(()),
            false => Err(BuildError::content(found)),
        }
    }
}

/// The guard of a run over outputs rendered outside one: `serve`'s edits, so that the preview
/// refuses what `build` refuses (found by a hostile review).
pub fn guard_outputs<'o>(
    prepared: &Prepared,
    library: &Library,
    outputs: impl Iterator<Item = &'o render::Output>,
) -> Result<(), BuildError> {
    if prepared.own_templates.is_empty() {
        return Ok(());
    }
    // the guard alone, with no sink behind it: these outputs are stored by the caller
    let unused = crate::write::Memory::default();
    let guard = OutputGuard::new(prepared, library, &unused);
    for output in outputs {
        guard.check(output);
    }
    guard.finish()
}

/// Renders `job` outside a run (`serve`'s search refresh) and hands each output to `sink` once
/// the guard has read it: the index is hundreds of megabytes at 100,000 pages, too much to
/// hold whole. What the guard found fails the whole after the last output.
pub fn render_job_guarded<R: Send>(
    prepared: &Prepared,
    library: &Library,
    renderer: &Renderer,
    job: &render::Job,
    sink: &(dyn Fn(render::Output) -> Result<R> + Sync),
) -> Result<Vec<R>, BuildError> {
    let unused = crate::write::Memory::default();
    let guard = OutputGuard::new(prepared, library, &unused);
    let made = renderer.render_job_into(job, &|output| {
        guard.check(&output);
        sink(output)
    })?;
    guard.finish()?;
    Ok(made)
}

impl OutputGuard<'_> {
    /// Reads one output for numbers no page or dataset allows, when the theme has templates of
    /// its own; what it finds waits for [`OutputGuard::finish`].
    fn check(&self, (rel, bytes): &render::Output) {
        let text_like = [".html", ".xml", ".json", ".js", ".txt", ".csv", ".svg"];
        if !self.templates.is_empty() && text_like.iter().any(|e| rel.ends_with(e)) {
            // read as the file guard reads a static file: the text, and what a browser shows
            // of it (`138<b></b>12345678` is one number on screen)
            let found = crate::privacy::check_file_allowing(std::path::Path::new(rel), bytes, &self.allow);
            if !found.is_empty() {
                let templates = crate::locale::list(self.templates.iter().map(String::as_str));
                let hint = t!(
                    "no content or data file has it: the theme's own templates ({templates}) put it together; fix the template",
                    "内容和数据文件里都没有它：是主题自己的模板（{templates}）拼出来的，请修改模板"
                );
                let mut all = self.found.lock().expect("guard lock");
                all.extend(found.into_iter().map(|d| d.with_hint(hint.clone())));
            }
        }
    }
}

impl Sink for OutputGuard<'_> {
    fn put(&self, output: render::Output) -> Result<(String, String)> {
        self.check(&output);
        self.sink.put(output)
    }
    fn has(&self, rel: &str) -> bool {
        self.sink.has(rel)
    }
    fn staging(&self) -> Option<&crate::write::Staging> {
        self.sink.staging()
    }
}

/// Renders the planned jobs in parallel into `sink`, each one taken from `cache` when its
/// fingerprint is unchanged and its outputs intact; what each job wrote, in plan order, and
/// whether it came from the cache.
pub fn render_planned(
    renderer: &Renderer,
    plan: &[render::Planned],
    cache: Option<&Cache>,
    sink: &dyn Sink,
    progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
) -> Result<Vec<(Entry, bool)>> {
    use anyhow::Context as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    // the cache copies its files into a staging folder; a run into memory renders everything
    let cache = cache.zip(sink.staging());
    let total = plan.len() as u64;
    let done = AtomicU64::new(0);
    plan.par_iter()
        .map(|p| {
            let reused =
                cache.map(|(c, staging)| c.reuse(&p.key, &p.fingerprint, staging)).transpose()?.flatten();
            let from_cache = reused.is_some();
            let entry = match reused {
                Some(entry) => entry,
                None => {
                    let outputs = renderer
                        .render_job_into(&p.job, &|o| sink.put(o))
                        .with_context(|| renderer.describe(&p.job))?;
                    if let Some((c, staging)) = cache {
                        c.keep(staging, &outputs);
                    }
                    Entry { fingerprint: crate::write::cache::hex(&p.fingerprint), outputs }
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

/// Static files (less those at a page's address, which are said as warnings) and, for the live
/// site, the archive: put into `sink`, with their paths and hashes, and the editions as stored.
fn extras(
    opts: &BuildOptions,
    how: How,
    prepared: &Prepared,
    library: &Library,
    sink: &dyn Sink,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<(String, String)>, Editions), BuildError> {
    warnings.extend(prepared.statics.keys().filter(|p| sink.has(p)).map(|p| shadowed_static(p)));
    let mut files = prepared.statics_for(library, &|p| sink.has(p));
    let mut archived = Vec::new();
    if how.live {
        let editions = archived_editions(opts, how, &prepared.history, warnings)?;
        let current = versions::archive::current_pages(library);
        let lang = prepared.config.language;
        files.extend(versions::archive::with_banners(&prepared.history, &editions, &current, lang));
        // only serve keeps them, to put banners on as pages change; a build lets them go
        if how.serve {
            archived = editions;
        }
    }
    let hashes = files.into_iter().map(|f| sink.put(f)).collect::<anyhow::Result<_>>()?;
    Ok((hashes, archived))
}

/// Each release's edition as stored, oldest first, each file by path.
type Editions = Vec<Vec<render::Output>>;

fn shadowed_static(p: &str) -> Diagnostic {
    Diagnostic::new(
        std::path::Path::new("static").join(p),
        0,
        t!(
            "`static/{p}` is not published: a page of the site is written at that address",
            "`static/{p}` 没有发布：网站的一个页面就写在这个地址"
        ),
    )
    .with_hint(t!("rename the file or move it into another folder", "请给文件改名或移到别的文件夹"))
}

/// Each release's edition as stored, below its own root, oldest first, rebuilt from its
/// stored sources by this same pipeline (or taken from the archive cache). An edition that
/// rebuilds differently is served as it was released, and said as a warning.
pub fn archived_editions(
    opts: &BuildOptions,
    how: How,
    history: &History,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Editions, BuildError> {
    let render = edition_renderer(opts.audience);
    let mut editions = Vec::with_capacity(history.releases.len());
    for release in &history.releases {
        let (mut files, differs) =
            versions::archive::edition(&opts.root, history, release, &render, how.keep_editions)?;
        warnings.extend(differs);
        // sorted by path, so that serve finds a stored file by binary search
        files.sort_by(|a, b| a.0.cmp(&b.0));
        editions.push(files);
    }
    Ok(editions)
}

/// How an archived edition is rebuilt from its sources checked out in a folder: a run of the
/// pipeline as of the release's date, without an archive of its own.
pub fn edition_renderer(
    audience: crate::Audience,
) -> impl Fn(&std::path::Path, &History, &Release) -> Result<Vec<render::Output>, BuildError> {
    move |dir, history, release| {
        let mut edition = BuildOptions::new(dir);
        edition.as_of = Some(crate::text::parse_date(&release.as_of)?);
        edition.audience = audience;
        let memory = Memory::default();
        let run = run_with(&edition, history.clone(), How::EDITION, &memory)?;
        let manifest = run.manifest(How::EDITION).to_bytes();
        memory.put((versions::manifest::SITE_MANIFEST.to_string(), manifest))?;
        Ok(memory.into_files())
    }
}
