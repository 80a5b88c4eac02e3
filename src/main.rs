//! The `gongkai` command line: parses arguments, calls the library, reports.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::Result;
use clap::{Parser, Subcommand};
use gongkai::{BuildOptions, Diagnostics};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

mod help;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "gongkai (公开): a static site generator for party-building exchange cases, disclosures and annual reviews"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/
    Build {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: public/ under the root)
        #[arg(long)]
        out: Option<PathBuf>,
        /// The build's date, YYYY-MM-DD (default: the newest date in the content)
        #[arg(long)]
        as_of: Option<String>,
        /// Audience: public (default) or party, the internal edition with 党内公开 items
        #[arg(long, default_value = "public")]
        audience: String,
        /// File holding the secret ed25519 key (hex) that signs manifest.json (into manifest.json.sig)
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Check everything a build checks, without writing the site
    Check {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Report format: text or json
        #[arg(long, default_value = "text")]
        format: String,
        /// Rewrite ID, mobile and bank card numbers masked, in place
        #[arg(long)]
        mask: bool,
    },
    /// Preview the site: build, serve over HTTP, rebuild on change and reload the browser
    Serve {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (only this machine by default)
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// The build's date, YYYY-MM-DD (default: the newest date in the content)
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Record an immutable release: build, then store sources, output and manifest in releases/
    Release {
        /// Version name, e.g. 2024
        version: String,
        /// What this release is, e.g. 2024年度公开
        #[arg(long)]
        note: String,
        /// Release date, YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        /// File holding the secret ed25519 key (hex) that signs the manifest
        #[arg(long)]
        key: Option<PathBuf>,
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Check a deployed site folder against its manifest, its archived editions against their
    /// releases and the chain of releases (and every signature, given a public key)
    Verify {
        /// The deployed folder, e.g. public/
        dir: PathBuf,
        /// Public key (hex, or a file holding it) to check the releases' signatures
        #[arg(long)]
        pubkey: Option<String>,
    },
    /// Make a key pair for signing releases: DIR/release.key (secret) and DIR/release.pub
    Keygen {
        /// Folder for the two key files
        dir: PathBuf,
    },
    /// Write a new entry with its front matter filled in
    New {
        /// case, disclosure, review or page
        kind: String,
        /// The title
        title: String,
        /// The date, YYYY-MM-DD (default: today)
        #[arg(long)]
        date: Option<String>,
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Make a new site with a sample of each kind, a dataset with its chart, and a .gitignore
    Init {
        /// Folder of the new site
        dir: PathBuf,
        /// Copy the default theme into themes/default/ to edit it (otherwise it stays built in)
        #[arg(long)]
        eject_theme: bool,
    },
    /// List every organisation that has not disclosed a required item, or disclosed it late
    Report {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The report's date, YYYY-MM-DD (default: the newest date in the content)
        #[arg(long)]
        as_of: Option<String>,
        /// Only this organisation and those below it
        #[arg(long)]
        org: Option<String>,
        /// Report format: table, csv or json
        #[arg(long, default_value = "table")]
        format: String,
        /// Audience: public (default) or party, which also counts 党内公开 items
        #[arg(long, default_value = "public")]
        audience: String,
    },
    /// Import plain-text bulletins as case entries
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export case entries as a plain-text bulletin
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Import exchange bulletins ([发布者]…[亮点]…[举措]…点评：)
    Bulletin {
        /// Bulletin text files (UTF-8, UTF-8 with BOM or GB18030)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Folder for the case entries
        #[arg(long, default_value = "content/cases")]
        into: PathBuf,
        /// Date for the entries the bulletin dates nowhere (no [日期], no masthead date), YYYY-MM-DD; a case needs one
        #[arg(long)]
        date: Option<String>,
        /// Region path for every entry, e.g. 山西省/临汾市
        #[arg(long)]
        region: Option<String>,
        /// Tag for every entry (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Show what would be written, write nothing
        #[arg(long)]
        dry_run: bool,
        /// Overwrite files edited since they were imported
        #[arg(long)]
        force: bool,
    },
    /// Import Word documents (.docx), one entry each, pictures into static/images/
    Docx {
        /// Word documents (.docx)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// What each document is: case, disclosure or review
        #[arg(long, default_value = "case")]
        kind: String,
        /// Site root (holds content/ and static/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Folder for the entries (default: content/cases, content/disclosures or content/reviews)
        #[arg(long)]
        into: Option<PathBuf>,
        /// Date, YYYY-MM-DD: a disclosure's (default: its sign-off's); a case's when the document dates it nowhere
        #[arg(long)]
        date: Option<String>,
        /// Region path for every entry, e.g. 山西省/临汾市
        #[arg(long)]
        region: Option<String>,
        /// Tag for every entry (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// A disclosure's organisation, when its sign-off (落款) names none
        #[arg(long)]
        org: Option<String>,
        /// Show what would be written, write nothing
        #[arg(long)]
        dry_run: bool,
        /// Overwrite files edited since they were imported
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Write cases back as a plain-text bulletin on standard output
    Bulletin {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Only cases with this tag (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let command = help::localise(Cli::command(), help::wants_chinese());
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(diags) = err.downcast_ref::<Diagnostics>() {
                eprintln!("{diags}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build { root, out, as_of, audience, key } => {
            let mut opts = BuildOptions::new(root);
            opts.out = out;
            opts.key = key.as_deref().map(read_key).transpose()?;
            build(opts, as_of, &audience)
        }
        Command::Check { root, format, mask } => check(root, &format, mask),
        Command::Serve { root, port, bind, as_of } => {
            let mut build = BuildOptions::new(root);
            build.as_of = as_of.map(|s| gongkai::text::parse_date(&s)).transpose()?;
            let log: gongkai::serve::Log = std::sync::Arc::new(|line: &str| eprintln!("{line}"));
            let server = gongkai::serve::start(gongkai::serve::ServeOptions { build, bind, port }, log)?;
            eprintln!("serving at {}/ (Ctrl+C stops)", server.address);
            loop {
                std::thread::park();
            }
        }
        Command::New { kind, title, date, root } => {
            let kind = match kind.as_str() {
                "case" => gongkai::content::Kind::Case,
                "disclosure" => gongkai::content::Kind::Disclosure,
                "review" => gongkai::content::Kind::Review,
                "page" => gongkai::content::Kind::Page,
                other => anyhow::bail!("unknown kind `{other}`: use case, disclosure, review or page"),
            };
            let date = match date {
                Some(d) => gongkai::text::parse_date(&d)?,
                None => chrono::Local::now().date_naive(),
            };
            let path = gongkai::scaffold::new_entry(&root, kind, &title, date)?;
            eprintln!("wrote {}; replace each 「（待填写：…）」 with the real text (build refuses it until then), then run gongkai build", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { version, note, date, key, root } => {
            let key = key.as_deref().map(read_key).transpose()?;
            // the clock is read here, not in the library, so that tests can pass a date
            let today = chrono::Local::now().date_naive();
            let date = Some(date.map(|d| gongkai::text::parse_date(&d)).transpose()?.unwrap_or(today));
            let opts = gongkai::versions::ReleaseOptions { version, note, date, key };
            let release = gongkai::release(&BuildOptions::new(root), &opts)?;
            eprintln!(
                "released {} ({}): {} source files, {} output files{}",
                release.version,
                release.date,
                release.sources.len(),
                release.outputs.len(),
                if opts.key.is_some() { ", signed" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { dir, pubkey } => verify(&dir, pubkey),
        Command::Report { root, as_of, org, format, audience } => {
            report(root, as_of, org, &format, &audience)
        }
        Command::Keygen { dir } => {
            let keys = gongkai::versions::verify::write_keypair(&dir)?;
            eprintln!(
                "wrote {} (keep it secret, never commit it) and {} (publish it)",
                keys.secret.display(),
                keys.public.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir, eject_theme } => {
            if eject_theme {
                gongkai::scaffold::init_site_ejected(&dir)?;
            } else {
                gongkai::scaffold::init_site(&dir)?;
            }
            eprintln!("made a new site in {}; next: cd {} && gongkai serve", dir.display(), dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            what: ImportWhat::Bulletin { files, into, date, region, tags, dry_run, force },
        } => {
            let opts = gongkai::import::ImportOptions { files, into, date, region, tags, dry_run, force };
            let report = gongkai::import::import_bulletins(&opts)?;
            Ok(print_import(&report, opts.dry_run))
        }
        Command::Import {
            what: ImportWhat::Docx { files, kind, root, into, date, region, tags, org, dry_run, force },
        } => {
            let kind = match kind.as_str() {
                "case" => gongkai::content::Kind::Case,
                "disclosure" => gongkai::content::Kind::Disclosure,
                "review" => gongkai::content::Kind::Review,
                other => anyhow::bail!("unknown kind `{other}`: use case, disclosure or review"),
            };
            let opts = gongkai::import::DocxOptions {
                files,
                kind,
                root,
                into,
                date,
                region,
                tags,
                org,
                dry_run,
                force,
            };
            let report = gongkai::import::import_docx(&opts)?;
            Ok(print_import(&report, opts.dry_run))
        }
        Command::Export { what: ExportWhat::Bulletin { root, tags } } => {
            let text = gongkai::import::export_bulletin(&gongkai::import::ExportOptions { root, tags })?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What an import did; with --dry-run, the text of each entry it would write. Exit code 2 when
/// something was refused or skipped.
fn print_import(report: &gongkai::import::ImportReport, dry_run: bool) -> ExitCode {
    for d in &report.diagnostics {
        eprintln!("warning: {d}");
    }
    for p in &report.written {
        eprintln!("{} {}", if dry_run { "would write" } else { "wrote" }, p.display());
    }
    if dry_run {
        for (path, text) in &report.previews {
            println!("==> {} <==\n{text}", path.display());
        }
    }
    for p in &report.skipped_edited {
        eprintln!("skipped {} (edited since import; --force overwrites it)", p.display());
    }
    eprintln!(
        "imported {} files: {} written, {} unchanged, {} skipped",
        report.written.len() + report.unchanged.len() + report.skipped_edited.len(),
        report.written.len(),
        report.unchanged.len(),
        report.skipped_edited.len()
    );
    let clean = report.diagnostics.is_empty() && report.skipped_edited.is_empty();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// A secret key file's hex text.
fn read_key(path: &std::path::Path) -> Result<String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    Ok(text.trim().to_string())
}

fn build(mut opts: BuildOptions, as_of: Option<String>, audience: &str) -> Result<ExitCode> {
    opts.audience = gongkai::Audience::parse(audience)
        .ok_or_else(|| anyhow::anyhow!("--audience takes `public` or `party`, not `{audience}`"))?;
    opts.as_of = as_of.map(|s| gongkai::text::parse_date(&s)).transpose()?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message("生成页面");
        bar
    });
    let progress = bar.clone().map(|bar| {
        Box::new(move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        }) as Box<dyn Fn(u64, u64) + Send + Sync>
    });
    opts.progress = progress;
    let report = gongkai::build(&opts)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("{}", report.summary());
    Ok(ExitCode::SUCCESS)
}

fn check(root: PathBuf, format: &str, mask: bool) -> Result<ExitCode> {
    anyhow::ensure!(matches!(format, "text" | "json"), "--format takes `text` or `json`, not `{format}`");
    if mask {
        for m in gongkai::mask_content(&root)? {
            eprintln!("masked {}:{}: {}", m.path.display(), m.line, m.masked);
        }
    }
    let report = gongkai::check(&BuildOptions::new(root))?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for link in &report.external_links {
            eprintln!("external link (not checked): {}:{}: {}", link.path.display(), link.line, link.url);
        }
        for w in &report.warnings {
            eprintln!("warning: {w}");
        }
        for d in &report.diagnostics {
            eprintln!("error: {d}");
        }
        match report.diagnostics.len() {
            0 => eprintln!("no problems found in {} pages", report.pages),
            n => eprintln!("{n} problem(s) found"),
        }
    }
    Ok(if report.diagnostics.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn verify(dir: &std::path::Path, pubkey: Option<String>) -> Result<ExitCode> {
    let key = pubkey.map(|key| std::fs::read_to_string(&key).map(|k| k.trim().to_string()).unwrap_or(key));
    let report = gongkai::versions::verify::verify(dir, key.as_deref())?;
    let lists = [
        ("changed", &report.changed),
        ("missing", &report.missing),
        ("extra", &report.extra),
        ("extra symlink", &report.symlinks),
        ("extra folder", &report.folders),
        ("broken", &report.problems),
    ];
    for (label, paths) in lists {
        for path in paths {
            eprintln!("{label}: {path}");
        }
    }
    for what in &report.signed {
        eprintln!("signature valid: {what}");
    }
    eprintln!(
        "{} files checked: {} changed, {} missing, {} extra, {} symlinks, {} extra folders, {} release or signature problems",
        report.checked,
        report.changed.len(),
        report.missing.len(),
        report.extra.len(),
        report.symlinks.len(),
        report.folders.len(),
        report.problems.len()
    );
    Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn report(
    root: PathBuf,
    as_of: Option<String>,
    org: Option<String>,
    format: &str,
    audience: &str,
) -> Result<ExitCode> {
    anyhow::ensure!(
        matches!(format, "table" | "csv" | "json"),
        "--format takes `table`, `csv` or `json`, not `{format}`"
    );
    let mut opts = BuildOptions::new(root);
    opts.audience = gongkai::Audience::parse(audience)
        .ok_or_else(|| anyhow::anyhow!("--audience takes `public` or `party`, not `{audience}`"))?;
    opts.as_of = as_of.map(|s| gongkai::text::parse_date(&s)).transpose()?;
    let report = gongkai::oversight_report(&opts, org.as_deref())?;
    let status_zh = |s: &str| if s == "missing" { "未公开" } else { "逾期公开" };
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(&report)?),
        "csv" => {
            // a BOM, so that Excel on the clerk's machine reads the UTF-8
            let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
            w.write_record(["组织", "类别", "期间", "应公开日期", "状态", "公开日期", "天数"])?;
            for r in &report.rows {
                let published = r.published.map(|d| d.to_string()).unwrap_or_default();
                w.write_record([
                    r.org.as_str(),
                    &r.category,
                    &r.period,
                    &r.due.to_string(),
                    status_zh(r.status),
                    &published,
                    &r.days.to_string(),
                ])?;
            }
            use std::io::Write;
            std::io::stdout().write_all(&w.into_inner()?)?;
        }
        _ => {
            for r in &report.rows {
                let published = r
                    .published
                    .map(|d| format!("，{}公开", gongkai::text::format_date_zh(d)))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}{}天（应于{}前公开{}）",
                    r.org,
                    r.category,
                    r.period,
                    status_zh(r.status),
                    r.days,
                    gongkai::text::format_date_zh(r.due),
                    published
                );
            }
        }
    }
    eprintln!(
        "截至{}：应公开{}项，未公开{}项，逾期公开{}项",
        gongkai::text::format_date_zh(report.as_of),
        report.due,
        report.missing,
        report.late
    );
    Ok(if report.missing > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
