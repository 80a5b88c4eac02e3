//! A build kept in memory between changes, for `serve`. A change to content files re-parses
//! those files, re-resolves the site (cheap: sorting and grouping) and re-renders only the
//! jobs whose fingerprint changed: the page itself and the listings, feeds and indexes that
//! show or count it. Any other change (templates, data, settings, releases) rebuilds all.

use crate::pipeline::{self, Prepared};
use crate::render::Job;
use crate::resolve::Library;
use crate::versions::{self, archive::Edition};
use crate::{load, write, BuildOptions, Diagnostic, Diagnostics};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Which outputs an update wrote or removed.
#[derive(Debug, Default)]
pub struct Changed {
    pub written: Vec<String>,
    pub removed: Vec<String>,
}

/// The state of the last good build.
struct Built {
    prepared: Prepared,
    editions: Vec<Edition>,
    library: Library,
    /// Fingerprint and output paths of every job.
    jobs: HashMap<Job, (u64, Vec<String>)>,
    /// Outputs that no job renders: static files, archived editions.
    extras: Vec<String>,
}

pub struct Session {
    opts: BuildOptions,
    built: Option<Built>,
    files: BTreeMap<String, Vec<u8>>,
    /// Content files that failed to parse, with their problems, until they are fixed.
    failed: BTreeMap<PathBuf, Vec<Diagnostic>>,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Result<Session> {
        let mut session = Session { opts, built: None, files: BTreeMap::new(), failed: BTreeMap::new() };
        session.rebuild_all()?;
        Ok(session)
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    pub fn pages(&self) -> usize {
        self.built.as_ref().map(|b| b.library.pages.len()).unwrap_or(0)
    }

    /// Brings the site up to date after `changed` sources (paths relative to the root); on
    /// error the previous files stay and the error lists every problem.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Changed> {
        let only_content =
            changed.iter().all(|p| p.starts_with("content") && p.extension().is_some_and(|e| e == "md"));
        if !only_content || self.built.is_none() {
            return self.rebuild_all();
        }
        self.update_content(changed)
    }

    fn rebuild_all(&mut self) -> Result<Changed> {
        let history = versions::History::load(&self.opts.root)?;
        let editions = versions::archive::editions(&history);
        let prepared = Prepared::load(&self.opts, history)?;
        let (pages, mut diagnostics) = prepared.parse(&prepared.all_paths());
        diagnostics.extend(prepared.diagnostics.iter().cloned());
        self.failed.clear();
        let library = resolve(pages, &self.opts, diagnostics)?;
        let mut built = Built { prepared, editions, library, jobs: HashMap::new(), extras: Vec::new() };
        let mut files = render_changed(&mut built, &BTreeMap::new())?;
        let generated: std::collections::BTreeSet<&str> = files.keys().map(String::as_str).collect();
        let mut extras = built.prepared.statics_for(&generated);
        extras.extend(crate::live_extras(&self.opts, &built.prepared.history)?);
        built.extras = extras.iter().map(|(p, _)| p.clone()).collect();
        files.extend(extras);
        let files = pipeline::with_manifest(files.into_iter().collect()).into_iter().collect();
        let changed = diff(&self.files, &files);
        self.files = files;
        self.built = Some(built);
        Ok(changed)
    }

    fn update_content(&mut self, changed: &[PathBuf]) -> Result<Changed> {
        let built = self.built.as_mut().expect("checked by update");
        let mut reparse = Vec::new();
        for rel in changed {
            self.failed.remove(rel);
            match std::fs::read(self.opts.root.join(rel)) {
                Ok(bytes) => {
                    let mut problems = Vec::new();
                    match load::decode(rel, bytes, &mut problems) {
                        Some(text) => {
                            built.prepared.texts.insert(rel.clone(), text);
                            reparse.push(rel.clone());
                        }
                        None => {
                            built.prepared.texts.remove(rel);
                            self.failed.insert(rel.clone(), problems);
                        }
                    }
                }
                Err(_) => {
                    built.prepared.texts.remove(rel);
                }
            }
        }
        let paths: Vec<&PathBuf> = reparse.iter().collect();
        let (new_pages, problems) = built.prepared.parse(&paths);
        for d in problems {
            self.failed.entry(d.path.clone()).or_default().push(d);
        }
        let mut pages = std::mem::take(&mut built.library.pages);
        pages.retain(|p| !changed.contains(&p.source));
        pages.extend(new_pages);
        let diagnostics: Vec<Diagnostic> = self.failed.values().flatten().cloned().collect();
        let (as_of, audience) = (self.opts.as_of, self.opts.audience);
        match Library::resolve(pages, audience, as_of) {
            Ok(library) if diagnostics.is_empty() => built.library = library,
            Ok(library) => {
                built.library = library;
                return Err(report(diagnostics));
            }
            Err(e) => {
                // keep the pages for the next update: re-parse from the texts we hold
                let (pages, _) = built.prepared.parse(&built.prepared.all_paths());
                built.library.pages = pages;
                return Err(report(diagnostics.into_iter().chain(e).collect()));
            }
        }
        let previous = std::mem::take(&mut self.files);
        let mut files = render_changed(built, &previous)?;
        for extra in &built.extras {
            if let Some(bytes) = previous.get(extra) {
                files.insert(extra.clone(), bytes.clone());
            }
        }
        let files: BTreeMap<String, Vec<u8>> =
            pipeline::with_manifest(files.into_iter().collect()).into_iter().collect();
        let changed = diff(&previous, &files);
        self.files = files;
        Ok(changed)
    }
}

/// Renders the jobs whose fingerprint changed and takes the others' files from `previous`.
fn render_changed(
    built: &mut Built,
    previous: &BTreeMap<String, Vec<u8>>,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let renderer = built.prepared.renderer(&built.library, &built.editions);
    let plan = renderer.plan();
    let stale: Vec<Job> = plan
        .iter()
        .filter(|p| built.jobs.get(&p.job).is_none_or(|(fp, _)| *fp != p.fingerprint))
        .map(|p| p.job.clone())
        .collect();
    let rendered = renderer.render_jobs(&stale, None)?;
    let mut files = BTreeMap::new();
    let mut jobs = HashMap::with_capacity(plan.len());
    let mut fresh: HashMap<&Job, Vec<write::Output>> = stale.iter().zip(rendered).collect();
    for planned in &plan {
        let paths = match fresh.remove(&planned.job) {
            Some(outputs) => {
                let paths = outputs.iter().map(|(p, _)| p.clone()).collect();
                files.extend(outputs);
                paths
            }
            None => {
                let (_, paths) = &built.jobs[&planned.job];
                for p in paths {
                    if let Some(bytes) = previous.get(p) {
                        files.insert(p.clone(), bytes.clone());
                    }
                }
                paths.clone()
            }
        };
        jobs.insert(planned.job.clone(), (planned.fingerprint, paths));
    }
    built.jobs = jobs;
    Ok(files)
}

fn resolve(
    pages: Vec<crate::content::Page>,
    opts: &BuildOptions,
    diagnostics: Vec<Diagnostic>,
) -> Result<Library> {
    match Library::resolve(pages, opts.audience, opts.as_of) {
        Ok(lib) if diagnostics.is_empty() => Ok(lib),
        Ok(_) => Err(report(diagnostics)),
        Err(e) => Err(report(diagnostics.into_iter().chain(e).collect())),
    }
}

fn report(mut diagnostics: Vec<Diagnostic>) -> anyhow::Error {
    diagnostics.sort();
    diagnostics.dedup();
    anyhow::Error::new(Diagnostics(diagnostics))
}

fn diff(old: &BTreeMap<String, Vec<u8>>, new: &BTreeMap<String, Vec<u8>>) -> Changed {
    Changed {
        written: new.iter().filter(|(p, b)| old.get(*p) != Some(*b)).map(|(p, _)| p.clone()).collect(),
        removed: old.keys().filter(|p| !new.contains_key(*p)).cloned().collect(),
    }
}
