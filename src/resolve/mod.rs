//! Resolve: the whole-site view. Every page and taxonomy, checked together so that all
//! problems are reported at once.

pub mod audience;
pub mod calendar;
pub mod catalogue;
pub mod library;
pub mod orgs;
pub mod shortcodes;
pub mod taxonomy;
pub mod urls;

pub use library::Library;
pub use taxonomy::{Taxonomy, Term};
