//! The two ways a command fails, kept apart as types so that no caller has to downcast: the
//! content has problems (every one of them, each with its file and line, for the user to
//! fix), or the plumbing failed (a file could not be read or written; `anyhow` with context).

use crate::{Diagnostic, Diagnostics};
use std::fmt;

#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files, sorted, without repeats, and masked.
    Content(Diagnostics),
    Io(anyhow::Error),
}

pub type Result<T, E = BuildError> = std::result::Result<T, E>;

impl BuildError {
    /// The content problems, sorted and without repeats, with every personal number masked: a
    /// message that quotes the text it found fault with must not repeat one.
    pub fn content(diagnostics: Vec<Diagnostic>) -> BuildError {
        BuildError::Content(Diagnostics(tidy(diagnostics)))
    }

    /// What the user reads: every content problem with its place, or the plumbing error's
    /// whole chain of causes in the user's language. Both masked: a plumbing error quotes
    /// paths and values as they are, and a file name may hold a personal number.
    pub fn report(&self) -> String {
        match self {
            BuildError::Content(d) => d.to_string(),
            BuildError::Io(e) => {
                let chain = crate::locale::error_chain(e);
                crate::privacy::mask_text(&chain, &Default::default()).0
            }
        }
    }

    /// The content problems, if that is what this is.
    pub fn diagnostics(&self) -> Option<&[Diagnostic]> {
        match self {
            BuildError::Content(d) => Some(&d.0),
            BuildError::Io(_) => None,
        }
    }
}

/// Sorted, without repeats, and masked: a message that quotes the text it found fault with
/// (an unknown row, a malformed cell, a file name) must not repeat a personal number.
pub fn tidy(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> =
        diagnostics.into_iter().map(crate::privacy::mask_diagnostic).collect();
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
}

impl From<anyhow::Error> for BuildError {
    fn from(e: anyhow::Error) -> Self {
        BuildError::Io(e)
    }
}

impl From<std::io::Error> for BuildError {
    fn from(e: std::io::Error) -> Self {
        BuildError::Io(e.into())
    }
}

impl From<serde_json::Error> for BuildError {
    fn from(e: serde_json::Error) -> Self {
        BuildError::Io(e.into())
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Content(d) => d.fmt(f),
            // `{:#}` gives the whole chain of causes, as anyhow does
            BuildError::Io(e) if f.alternate() => write!(f, "{e:#}"),
            BuildError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Content(d) => Some(d),
            BuildError::Io(e) => e.source(),
        }
    }
}
