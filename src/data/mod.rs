//! Data: CSV statistics under `data/`, read into datasets that shortcodes, charts and
//! templates use. (Filled in by the statistics work, issue 4.)

use crate::Diagnostic;
use std::path::PathBuf;

/// Every dataset of the site, by path below `data/`.
#[derive(Debug, Default)]
pub struct Datasets {}

impl Datasets {
    /// Parses the raw files loaded from `data/` (path relative to the site root, bytes).
    pub fn parse(_files: &[(PathBuf, Vec<u8>)]) -> (Datasets, Vec<Diagnostic>) {
        (Datasets::default(), Vec::new())
    }
}
