//! The integration tests, one binary for them all (as mdBook's `tests/testsuite`): the crate
//! and its dependencies are linked once, not once a file. `common` builds fixture sites and
//! drives the outside tools (Chromium, poppler, zbarimg); every other module is one area of
//! behaviour. Data the tests read stays in `tests/fixtures/` and `tests/fuzz_regressions/`.

mod common;

mod addresses;
mod browser;
mod build;
mod charts_browser;
mod check;
mod data;
mod disclosures;
mod import;
mod leaks;
mod locale;
mod oversight;
mod print;
mod search;
mod search_browser;
mod serve;
mod snapshots;
mod versions;
