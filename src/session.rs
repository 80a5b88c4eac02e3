//! A build kept in memory between changes, for `serve`: the rendered files, and what a
//! change to some sources rewrites.

use crate::{render_site, BuildOptions};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which outputs an update wrote or removed.
#[derive(Debug, Default)]
pub struct Changed {
    pub written: Vec<String>,
    pub removed: Vec<String>,
}

pub struct Session {
    opts: BuildOptions,
    files: BTreeMap<String, Vec<u8>>,
    pages: usize,
}

impl Session {
    pub fn new(opts: BuildOptions) -> Result<Session> {
        let (files, pages) = render_site(&opts)?;
        Ok(Session { opts, files: files.into_iter().collect(), pages })
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Rebuilds after `changed` sources (paths relative to the root) and reports which
    /// outputs differ; on error the previous files stay.
    pub fn update(&mut self, _changed: &[PathBuf]) -> Result<Changed> {
        let (files, pages) = render_site(&self.opts)?;
        let new: BTreeMap<String, Vec<u8>> = files.into_iter().collect();
        let mut changed = Changed::default();
        for (path, bytes) in &new {
            if self.files.get(path) != Some(bytes) {
                changed.written.push(path.clone());
            }
        }
        changed.removed = self.files.keys().filter(|p| !new.contains_key(*p)).cloned().collect();
        self.files = new;
        self.pages = pages;
        Ok(changed)
    }
}
