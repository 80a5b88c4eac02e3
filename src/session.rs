//! A build kept between changes, for `serve` (its outputs in a temporary file, see
//! [`crate::write::spill`]). A change to content files re-parses
//! those files, re-resolves the site (cheap: sorting and grouping) and re-renders only the
//! jobs whose fingerprint changed: the page itself and the listings, feeds and indexes that
//! show or count it, and the banners of archived pages the edit corrects or moves (the
//! editions themselves are kept as stored). Any other change (templates, data, settings,
//! releases) rebuilds all.

use crate::pipeline::{self, How, Prepared};
use crate::render::Edition;
use crate::render::Job;
use crate::resolve::Library;
use crate::versions;
use crate::write::spill::{Blob, Spill, SpillSink};
use crate::{load, BuildError, BuildOptions, Diagnostic};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

type Result<T, E = BuildError> = std::result::Result<T, E>;

/// Which outputs an update wrote or removed.
#[derive(Debug, Default)]
pub struct Changed {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    /// Every output was stored anew (a full rebuild, or the spill file compacted): a holder of
    /// the files takes the whole set again, so that the old file can go.
    pub all: bool,
}

/// The state of the last good build.
struct Built {
    prepared: Prepared,
    editions: Vec<Edition>,
    /// Each release's edition as stored, without banners: the banners follow the live pages.
    archived: Vec<Vec<crate::render::Output>>,
    /// The archived pages served with a banner now (`archive/VERSION/…`).
    bannered: std::collections::BTreeSet<String>,
    library: Library,
    /// Fingerprint and output paths of every job, by the job's key.
    jobs: HashMap<String, (crate::render::Fingerprint, Vec<String>)>,
    /// Whether the search index waits to be brought up to date (see `refresh_deferred`).
    search_stale: bool,
}

pub struct Session {
    opts: BuildOptions,
    built: Option<Built>,
    /// Where the outputs are kept, out of memory.
    spill: Spill,
    /// Every output, by path; the server's view of the site shares them.
    files: BTreeMap<String, Blob>,
    /// SHA-256 of every output but the manifest, kept so an edit re-hashes only what it wrote
    /// (and tells a changed output from an unchanged one without reading it back).
    hashes: BTreeMap<String, String>,
    /// SHA-256 of the manifest as last stored.
    manifest: Option<String>,
    /// Content files that failed to parse, with their problems, until they are fixed.
    failed: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// The last full build's warnings that do not come from resolve (a static file under a
    /// page, an archived edition's note): a content edit keeps them, resolve says its own anew.
    build_warnings: Vec<Diagnostic>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Result<Session> {
        let (session, error) = Session::lenient(opts);
        match error {
            Some(e) => Err(e),
            None => Ok(session),
        }
    }

    /// A session even when the first build fails (for `serve`, which shows the errors and
    /// waits for the fix); the error, if any, comes beside it.
    pub fn lenient(opts: BuildOptions) -> (Session, Option<BuildError>) {
        let mut session = Session {
            opts,
            built: None,
            spill: Spill::new(),
            files: BTreeMap::new(),
            hashes: BTreeMap::new(),
            manifest: None,
            failed: BTreeMap::new(),
            build_warnings: Vec::new(),
        };
        let error = session.rebuild_all().err();
        (session, error)
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn files(&self) -> &BTreeMap<String, Blob> {
        &self.files
    }

    /// The bytes of the output at `path`, read back.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.files.get(path).and_then(|b| b.read().ok())
    }

    pub fn pages(&self) -> usize {
        self.built.as_ref().map(|b| b.library.pages.len()).unwrap_or(0)
    }

    /// The warnings of the site as last built, as `build` would print them.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let resolved = self.built.iter().flat_map(|b| b.library.warnings.iter().cloned());
        crate::error::tidy(resolved.chain(self.build_warnings.iter().cloned()).collect())
    }

    /// Brings the site up to date after `changed` sources (paths relative to the root); on
    /// error the previous files stay and the error lists every problem. The search index of a
    /// content edit is left for `refresh_deferred`, so the edited page shows first.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Changed> {
        let only_content =
            changed.iter().all(|p| p.starts_with("content") && p.extension().is_some_and(|e| e == "md"));
        if !only_content || self.built.is_none() {
            return self.rebuild_all();
        }
        self.update_content(changed)
    }

    /// Whether `refresh_deferred` has work to do.
    pub fn has_deferred(&self) -> bool {
        self.built.as_ref().is_some_and(|b| b.search_stale)
    }

    /// Brings the search index up to date after content edits: the index itself and each run
    /// of result texts whose pages changed.
    pub fn refresh_deferred(&mut self) -> Result<Changed> {
        let Some(built) = self.built.as_mut() else { return Ok(Changed::default()) };
        if !built.search_stale {
            return Ok(Changed::default());
        }
        let renderer = built.prepared.renderer(&built.library, &built.editions);
        let stale: Vec<crate::render::Planned> = renderer
            .plan(&built.prepared.salt)
            .into_iter()
            .filter(|p| is_search(&p.job))
            .filter(|p| built.jobs.get(&p.key).is_none_or(|(fp, _)| *fp != p.fingerprint))
            .collect();
        let mut changed = Changed::default();
        for planned in stale {
            // each file is stored as it is made, and only when it changed: the whole index is
            // hundreds of megabytes at 100,000 pages, and an edit changes a part of it
            let (files, hashes, spill) = (&self.files, &self.hashes, &self.spill);
            let made = pipeline::render_job_guarded(
                &built.prepared,
                &built.library,
                &renderer,
                &planned.job,
                &|(path, bytes)| {
                    let sha = crate::digest::sha256(&bytes);
                    let new = !files.contains_key(&path) || hashes.get(&path) != Some(&sha);
                    Ok((path, sha, new.then(|| spill.put(&bytes))))
                },
            )?;
            let old = built.jobs.get(&planned.key).map(|(_, paths)| paths.clone()).unwrap_or_default();
            let new_paths: Vec<String> = made.iter().map(|(p, _, _)| p.clone()).collect();
            for (path, sha, blob) in made {
                if let Some(blob) = blob {
                    self.files.insert(path.clone(), blob);
                    self.hashes.insert(path.clone(), sha);
                    changed.written.push(path);
                }
            }
            // a set: the index is tens of thousands of files at 100,000 pages
            let kept: std::collections::HashSet<&String> = new_paths.iter().collect();
            remove(&mut self.files, &mut self.hashes, old.iter().filter(|p| !kept.contains(p)), &mut changed);
            built.jobs.insert(planned.key, (planned.fingerprint, new_paths));
        }
        built.search_stale = false;
        self.write_manifest(&mut changed);
        self.compact(&mut changed);
        Ok(changed)
    }

    fn rebuild_all(&mut self) -> Result<Changed> {
        self.failed.clear();
        // Whatever called for a full build (a template, data, settings) is not in the state
        // kept: until a full build succeeds, a content edit must not be applied to it, or the
        // site would be rendered with the old templates (found by a hostile review).
        self.built = None;
        // a new file each time: a failed build's outputs go with it, and a good one's old
        // file goes once the server has taken the new files
        let spill = Spill::new();
        let sink = SpillSink::new(&spill);
        let run = pipeline::run(&self.opts, How::SERVE, &sink)?;
        self.build_warnings =
            run.warnings.iter().filter(|w| !run.library.warnings.contains(w)).cloned().collect();
        let hashes = run.hashes();
        let jobs = run.jobs.iter().map(|(p, e, _)| {
            let paths = e.outputs.iter().map(|(path, _)| path.clone()).collect();
            (p.key.clone(), (p.fingerprint, paths))
        });
        let mut built = Built {
            jobs: jobs.collect(),
            prepared: run.prepared,
            editions: run.editions,
            archived: run.archived,
            bannered: Default::default(),
            library: run.library,
            search_stale: false,
        };
        built.bannered = banners(&built).into_iter().map(|(path, _)| path).collect();
        // what each path held before, by its hash: the manifest's too
        let manifest = versions::manifest::SITE_MANIFEST;
        let mut old = std::mem::replace(&mut self.hashes, hashes);
        old.extend(self.manifest.take().map(|sha| (manifest.to_string(), sha)));
        let mut sums: BTreeMap<String, String> = BTreeMap::new();
        self.files = sink
            .into_files()
            .into_iter()
            .map(|(path, (blob, sha))| {
                sums.insert(path.clone(), sha);
                (path, blob)
            })
            .collect();
        self.spill = spill;
        let mut changed = Changed::default();
        self.write_manifest(&mut changed);
        sums.extend(self.manifest.clone().map(|sha| (manifest.to_string(), sha)));
        changed.written =
            sums.iter().filter(|(p, sha)| old.get(*p) != Some(*sha)).map(|(p, _)| p.clone()).collect();
        changed.removed = old.keys().filter(|p| !self.files.contains_key(*p)).cloned().collect();
        self.built = Some(built);
        changed.all = true;
        Ok(changed)
    }

    fn update_content(&mut self, changed_sources: &[PathBuf]) -> Result<Changed> {
        let built = self.built.as_mut().expect("checked by update");
        let mut reparse = Vec::new();
        for rel in changed_sources {
            self.failed.remove(rel);
            let decoded = std::fs::read(self.opts.root.join(rel)).ok().map(|bytes| {
                let mut problems = Vec::new();
                (load::decode(rel, bytes, &mut problems), problems)
            });
            match decoded {
                Some((Some(text), _)) => {
                    built.prepared.texts.insert(rel.clone(), text);
                    reparse.push(rel.clone());
                }
                Some((None, problems)) => {
                    built.prepared.texts.remove(rel);
                    self.failed.insert(rel.clone(), problems);
                }
                None => {
                    built.prepared.texts.remove(rel);
                }
            }
        }
        let paths: Vec<&PathBuf> = reparse.iter().collect();
        let parsed = built.prepared.parse(&paths);
        let (new_pages, problems) = built.prepared.resolve_pages(parsed);
        // as in a build, only the texts resolve reads again stay: the site is not held as text
        for page in new_pages.iter().filter(|p| !pipeline::needs_text(p)) {
            built.prepared.texts.remove(&page.source);
        }
        for d in problems {
            self.failed.entry(d.path.clone()).or_default().push(d);
        }
        let mut pages = std::mem::take(&mut built.library.pages);
        pages.retain(|p| !changed_sources.contains(&p.source));
        pages.extend(new_pages);
        let diagnostics: Vec<Diagnostic> = self.failed.values().flatten().cloned().collect();
        // a changed page's usage comes from its new parse, a deleted page has none
        let carried: Vec<_> = std::mem::take(&mut built.library.usage)
            .into_iter()
            .filter(|u| !changed_sources.contains(&u.source))
            .collect();
        match built.prepared.resolve(pages, carried, self.opts.audience, self.opts.as_of) {
            Ok(library) => built.library = library,
            Err(refused) => {
                // the pages went into the failed resolve and came back: the next edit applies to
                // them, and what hidden pages draw on stays in the usage carried
                built.library.pages = refused.pages;
                built.library.usage = refused.usage;
                return Err(BuildError::content(diagnostics.into_iter().chain(refused.problems).collect()));
            }
        }
        if !diagnostics.is_empty() {
            return Err(BuildError::content(diagnostics));
        }
        let mut changed = Changed::default();
        render_stale(built, &self.spill, &mut self.files, &mut self.hashes, &mut changed)?;
        // a page corrected, moved or removed changes what its archived copies say: the pages
        // with a banner now get it, those that lost theirs are served as stored again
        let now = banners(built);
        let paths: std::collections::BTreeSet<String> = now.iter().map(|(p, _)| p.clone()).collect();
        let lost: Vec<crate::render::Output> =
            built.bannered.difference(&paths).filter_map(|p| stored(built, p)).collect();
        store(
            &self.spill,
            &mut self.files,
            &mut self.hashes,
            now.into_iter().chain(lost).collect(),
            &mut changed,
        );
        built.bannered = paths;
        self.write_manifest(&mut changed);
        self.compact(&mut changed);
        Ok(changed)
    }

    /// Drops the spill file's garbage once it outweighs the live outputs (each rebuild appends
    /// a whole site, each search refresh a whole index).
    fn compact(&mut self, changed: &mut Changed) {
        /// Garbage below this is left: a small site is not copied after every edit.
        const SLACK: u64 = 1 << 20;
        if let Ok(Some(spill)) = self.spill.compacted(&mut self.files, SLACK) {
            self.spill = spill;
            changed.all = true;
        }
    }

    fn write_manifest(&mut self, changed: &mut Changed) {
        let bytes = versions::manifest::SiteManifest::from_hashes(self.hashes.clone()).to_bytes();
        let path = versions::manifest::SITE_MANIFEST.to_string();
        let sha = crate::digest::sha256(&bytes);
        if self.manifest.as_ref() != Some(&sha) || !self.files.contains_key(&path) {
            self.files.insert(path.clone(), self.spill.put(&bytes));
            self.manifest = Some(sha);
            changed.written.push(path);
        }
    }
}

/// Renders the jobs whose fingerprint changed (the search index is only marked stale), stores
/// their outputs and removes the outputs no job writes any more.
fn render_stale(
    built: &mut Built,
    spill: &Spill,
    files: &mut BTreeMap<String, Blob>,
    hashes: &mut BTreeMap<String, String>,
    changed: &mut Changed,
) -> Result<()> {
    let renderer = built.prepared.renderer(&built.library, &built.editions);
    let clashes = renderer.address_clashes();
    if !clashes.is_empty() {
        return Err(BuildError::content(clashes));
    }
    let plan = renderer.plan(&built.prepared.salt);
    let mut stale = Vec::new();
    // how many of the kept jobs the plan still has: when all, none went
    let (before, mut known) = (built.jobs.len(), 0);
    for p in &plan {
        let kept = built.jobs.get(&p.key);
        known += usize::from(kept.is_some());
        if kept.is_some_and(|(fp, _)| *fp == p.fingerprint) {
            continue;
        }
        if is_search(&p.job) && built.jobs.contains_key(&p.key) {
            built.search_stale = true;
        } else {
            stale.push(p);
        }
    }
    let jobs: Vec<Job> = stale.iter().map(|p| p.job.clone()).collect();
    let rendered = renderer.render_jobs(&jobs, None)?;
    pipeline::guard_outputs(&built.prepared, &built.library, rendered.iter().flatten())?;
    // outputs move between jobs (a page changes its address, a listing its length): remove
    // only what no job writes once every job is updated
    let mut dropped: Vec<String> = Vec::new();
    for (planned, outputs) in stale.iter().zip(rendered) {
        let new_paths: Vec<String> = outputs.iter().map(|(p, _)| p.clone()).collect();
        store(spill, files, hashes, outputs, changed);
        if let Some((_, old)) =
            built.jobs.insert(planned.key.clone(), (planned.fingerprint, new_paths.clone()))
        {
            // a job that writes the files it wrote before drops none
            let fresh: std::collections::HashSet<&String> = new_paths.iter().collect();
            dropped.extend(old.into_iter().filter(|p| !fresh.contains(p)));
        }
    }
    // the sets below are over every job and output (26,000 paths at 10,000 pages): made only
    // when a job went or a file moved, not at every edit of a page's text
    if known < before {
        let keys: std::collections::HashSet<&str> = plan.iter().map(|p| p.key.as_str()).collect();
        let gone: Vec<String> = built.jobs.keys().filter(|k| !keys.contains(k.as_str())).cloned().collect();
        for key in gone {
            if let Some((_, paths)) = built.jobs.remove(&key) {
                dropped.extend(paths);
            }
        }
    }
    if !dropped.is_empty() {
        let written: std::collections::HashSet<&String> =
            built.jobs.values().flat_map(|(_, paths)| paths).collect();
        let dropped: Vec<String> = dropped.into_iter().filter(|p| !written.contains(p)).collect();
        remove(files, hashes, dropped.iter(), changed);
    }
    Ok(())
}

/// The search index and its result texts: brought up to date after the edited page is out.
fn is_search(job: &Job) -> bool {
    matches!(job, Job::Search | Job::SearchDocs(_))
}

/// Every archived page that carries a banner as the live pages stand, at its served path.
fn banners(built: &Built) -> Vec<crate::render::Output> {
    let history = &built.prepared.history;
    let current = versions::archive::current_pages(&built.library);
    let order: Vec<&str> = history.releases.iter().map(|r| r.version.as_str()).collect();
    let mut out = Vec::new();
    for (release, edition) in history.releases.iter().zip(&built.archived) {
        let lang = built.prepared.config.language;
        for (i, bytes) in versions::banner::with_banner(edition, release, &order, &current, lang) {
            out.push((format!("archive/{}/{}", release.version, edition[i].0), bytes));
        }
    }
    out
}

/// The archived file served at `path` (`archive/VERSION/…`) as its edition stored it.
fn stored(built: &Built, path: &str) -> Option<crate::render::Output> {
    let history = &built.prepared.history;
    let (release, edition) = history.releases.iter().zip(&built.archived).find(|(r, _)| {
        path.strip_prefix("archive/")
            .and_then(|p| p.strip_prefix(r.version.as_str()))
            .is_some_and(|p| p.starts_with('/'))
    })?;
    let rel = &path["archive/".len() + release.version.len() + 1..];
    let at = edition.binary_search_by(|(p, _)| p.as_str().cmp(rel)).ok()?;
    Some((path.to_string(), edition[at].1.clone()))
}

fn store(
    spill: &Spill,
    files: &mut BTreeMap<String, Blob>,
    hashes: &mut BTreeMap<String, String>,
    outputs: Vec<crate::render::Output>,
    changed: &mut Changed,
) {
    for (path, bytes) in outputs {
        let sha = crate::digest::sha256(&bytes);
        if !files.contains_key(&path) || hashes.get(&path) != Some(&sha) {
            files.insert(path.clone(), spill.put(&bytes));
            hashes.insert(path.clone(), sha);
            changed.written.push(path);
        }
    }
}

fn remove<'a>(
    files: &mut BTreeMap<String, Blob>,
    hashes: &mut BTreeMap<String, String>,
    paths: impl Iterator<Item = &'a String>,
    changed: &mut Changed,
) {
    for path in paths {
        if files.remove(path).is_some() {
            hashes.remove(path);
            changed.removed.push(path.clone());
        }
    }
}
