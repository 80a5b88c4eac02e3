//! The allocator the `gongkai` binary uses (see `src/main.rs`), so that a benchmark, which calls
//! the library in its own process, measures what a user's build does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
