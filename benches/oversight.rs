//! Oversight benchmark (issue 17): a county of 500 organisations (1 county committee, 20
//! township committees, 479 village branches) with five years of quarterly party-fee
//! disclosures, about one in twelve missing and one in ten late. Measures `gongkai report`
//! and the build with and without the organisation tree (the tree's added cost).
//!
//! ```text
//! cargo bench --bench oversight
//! GONGKAI_BENCH_RUNS=5 cargo bench --bench oversight
//! ```
//!
//! Timings are printed, never asserted. Without `--bench` (as `cargo test --all-targets` runs
//! it) it builds a 30-organisation county once.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let bench = std::env::args().any(|a| a == "--bench");
    let branches_per_town = if bench { 479 / 20 + 1 } else { 1 };
    let runs: usize = std::env::var("GONGKAI_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    // tmpfs when there is one: the disk would drown the difference
    let dir = match Path::new("/dev/shm").is_dir() {
        true => tempfile::tempdir_in("/dev/shm")?,
        false => tempfile::tempdir()?,
    };
    let (orgs, disclosures) = county(dir.path(), if bench { 479 } else { 29 }, branches_per_town)?;
    let mut opts = gongkai::BuildOptions::new(dir.path());
    opts.as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 20);
    opts.search = false;
    let median = |f: &mut dyn FnMut() -> anyhow::Result<()>| -> anyhow::Result<Duration> {
        let mut times = Vec::new();
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            f()?;
            times.push(start.elapsed());
        }
        times.sort();
        Ok(times[times.len() / 2])
    };
    let mut rows = 0;
    let report = median(&mut || {
        rows = gongkai::oversight_report(&opts, None)?.rows.len();
        Ok(())
    })?;
    // alternate the two builds, each into a new folder, so neither pays for the other's files
    let (mut with_tree, mut without) = (Vec::new(), Vec::new());
    let (on, off) = (dir.path().join("data/orgs.csv"), dir.path().join("orgs.csv.off"));
    for run in 0..runs.max(1) {
        for tree in [true, false] {
            if !tree {
                std::fs::rename(&on, &off)?;
            }
            opts.out = Some(dir.path().join(format!("out-{run}-{tree}")));
            let start = Instant::now();
            gongkai::build(&opts)?;
            if tree { &mut with_tree } else { &mut without }.push(start.elapsed());
            if !tree {
                std::fs::rename(&off, &on)?;
            }
        }
    }
    with_tree.sort();
    without.sort();
    let (with_tree, without) = (with_tree[with_tree.len() / 2], without[without.len() / 2]);
    println!("oversight: {orgs} organisations, {disclosures} disclosures, {rows} missing or late items");
    println!("  gongkai report (median of {runs}): {:.3} s", report.as_secs_f64());
    println!(
        "  build (median of {runs}) with the tree: {:.3} s, without: {:.3} s, added cost {:+.1}%",
        with_tree.as_secs_f64(),
        without.as_secs_f64(),
        (with_tree.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
    );
    Ok(())
}

/// Writes the county; returns (organisations, disclosures).
fn county(root: &Path, branches: usize, per_town: usize) -> anyhow::Result<(usize, usize)> {
    std::fs::create_dir_all(root.join("data"))?;
    std::fs::create_dir_all(root.join("content/disclosures"))?;
    std::fs::write(
        root.join("site.toml"),
        "title = \"县\"\n[[required]]\ncategory = \"党费收缴使用\"\nevery = \"quarter\"\nwithin_days = 30\norgs = \"党支部\"\n",
    )?;
    let mut csv = String::from("名称,上级,类型\n某县委,,党委\n");
    let towns = branches.div_ceil(per_town);
    for t in 0..towns {
        csv.push_str(&format!("第{t}镇党委,某县委,党委\n"));
    }
    let mut written = 0;
    for b in 0..branches {
        let name = format!("第{}镇第{b}村党支部", b / per_town);
        csv.push_str(&format!("{name},第{}镇党委,党支部\n", b / per_town));
        for year in 2020..2025 {
            for q in 1..=4u32 {
                let roll = (b * 31 + year as usize * 7 + q as usize * 13) % 12;
                if roll == 0 {
                    continue; // missing
                }
                let month = q * 3 + 1;
                let (y, m) = if month > 12 { (year + 1, 1) } else { (year, month) };
                let day = if roll == 1 { 28 } else { 10 }; // about one in twelve late
                let (y, m) = if roll == 1 && m < 12 { (y, m + 1) } else { (y, m) };
                let body = "根据《中国共产党党费收缴、使用和管理的规定》，现将本支部党费收缴、使用情况公开如下。\n\n| 项目 | 金额（元） |\n| --- | ---: |\n| 本期收缴 | 1,248.00 |\n| 上缴镇党委 | 1,248.00 |\n";
                std::fs::write(
                    root.join(format!("content/disclosures/b{b}-{year}q{q}.md")),
                    format!("+++\ntitle = \"{name}{year}年第{q}季度党费收缴使用情况公开\"\norg = \"{name}\"\ncategory = \"党费收缴使用\"\nperiod = \"{year}Q{q}\"\npublished = {y}-{m:02}-{day:02}\n+++\n{body}"),
                )?;
                written += 1;
            }
        }
    }
    std::fs::write(root.join("data/orgs.csv"), csv)?;
    Ok((1 + towns + branches, written))
}

#[path = "common/alloc.rs"]
mod alloc;
