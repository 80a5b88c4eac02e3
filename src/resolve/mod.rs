//! Resolve: the whole-site view. Every page and taxonomy, checked together so that all
//! problems are reported at once; each page's shortcodes against the datasets, and the
//! revision rule over each disclosure's released texts.

pub mod audience;
pub mod calendar;
pub mod catalogue;
pub mod diff;
pub mod library;
pub mod orgs;
pub mod revisions;
pub mod shortcodes;
pub mod taxonomy;
pub mod urls;

pub use library::Library;
pub use taxonomy::{Taxonomy, Term};
