//! The `gongkai` command line: parses arguments, calls the library, reports.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use gongkai::locale::{label, Lang};
use gongkai::{t, BuildOptions, Diagnostics};
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
        /// Date for every imported entry, YYYY-MM-DD
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
        /// Date for every entry, YYYY-MM-DD (a disclosure's default: the date of its sign-off)
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
    // the language of every message, for the whole process: chosen once, here
    let lang = gongkai::locale::from_env();
    gongkai::locale::set(lang);
    let chinese = lang == Lang::Chinese;
    let mut command = help::localise(Cli::command(), chinese);
    let cli =
        match command.try_get_matches_from_mut(std::env::args_os()).and_then(|m| Cli::from_arg_matches(&m)) {
            Ok(cli) => cli,
            Err(e) => return help::report(e, chinese, &command),
        };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(diags) = err.downcast_ref::<Diagnostics>() {
                eprintln!("{diags}");
            } else {
                eprintln!("{}{}", label("error"), gongkai::locale::error_chain(&err));
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
            let address = &server.address;
            eprintln!(
                "{}",
                t!("serving at {address}/ (Ctrl+C stops)", "预览地址：{address}/（按 Ctrl+C 停止）")
            );
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
                other => anyhow::bail!(t!(
                    "unknown kind `{other}`: use case, disclosure, review or page",
                    "无法识别的类型 `{other}`：请用 case（经验交流）、disclosure（党务公开）、review（年度巡礼）或 page（页面）"
                )),
            };
            let date = match date {
                Some(d) => gongkai::text::parse_date(&d)?,
                None => chrono::Local::now().date_naive(),
            };
            let path = gongkai::scaffold::new_entry(&root, kind, &title, date)?;
            let path = path.display();
            eprintln!(
                "{}",
                t!(
                    "wrote {path}; replace each 「（待填写：…）」 with the real text (build refuses it until then), then run gongkai build",
                    "已写入 {path}；请把每一处「（待填写：…）」换成实际内容（换好之前不能生成），然后运行 gongkai build"
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { version, note, date, key, root } => {
            let key = key.as_deref().map(read_key).transpose()?;
            // the clock is read here, not in the library, so that tests can pass a date
            let today = chrono::Local::now().date_naive();
            let date = Some(date.map(|d| gongkai::text::parse_date(&d)).transpose()?.unwrap_or(today));
            let opts = gongkai::versions::ReleaseOptions { version, note, date, key };
            let release = gongkai::release(&BuildOptions::new(root), &opts)?;
            let signed = match opts.key.is_some() {
                true => t!(", signed", "，已签名"),
                false => String::new(),
            };
            eprintln!(
                "{}",
                t!(
                    "released {} ({}): {} source files, {} output files{signed}",
                    "已发布版本 {}（{}）：源文件 {} 个，输出文件 {} 个{signed}",
                    release.version,
                    release.date,
                    release.sources.len(),
                    release.outputs.len()
                )
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
                "{}",
                t!(
                    "wrote {} (keep it secret, never commit it) and {} (publish it)",
                    "已写入 {}（请妥善保密，不要提交到版本库）和 {}（可以公开）",
                    keys.secret.display(),
                    keys.public.display()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir, eject_theme } => {
            if eject_theme {
                gongkai::scaffold::init_site_ejected(&dir)?;
            } else {
                gongkai::scaffold::init_site(&dir)?;
            }
            let dir = dir.display();
            eprintln!(
                "{}",
                t!(
                    "made a new site in {dir}; next: cd {dir} && gongkai serve",
                    "已在 {dir} 新建网站；下一步：cd {dir} && gongkai serve"
                )
            );
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
                other => anyhow::bail!(t!(
                    "unknown kind `{other}`: use case, disclosure or review",
                    "无法识别的类型 `{other}`：请用 case（经验交流）、disclosure（党务公开）或 review（年度巡礼）"
                )),
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
        eprintln!("{}{d}", label("warning"));
    }
    for p in &report.written {
        let p = p.display();
        match dry_run {
            true => eprintln!("{}", t!("would write {p}", "将写入 {p}")),
            false => eprintln!("{}", t!("wrote {p}", "已写入 {p}")),
        }
    }
    if dry_run {
        for (path, text) in &report.previews {
            println!("==> {} <==\n{text}", path.display());
        }
    }
    for p in &report.skipped_edited {
        let p = p.display();
        eprintln!(
            "{}",
            t!(
                "skipped {p} (edited since import; --force overwrites it)",
                "跳过 {p}（导入后被编辑过；加 --force 可覆盖）"
            )
        );
    }
    eprintln!(
        "{}",
        t!(
            "imported {} files: {} written, {} unchanged, {} skipped",
            "导入 {} 个文件：写入 {} 个，未变 {} 个，跳过 {} 个",
            report.written.len() + report.unchanged.len() + report.skipped_edited.len(),
            report.written.len(),
            report.unchanged.len(),
            report.skipped_edited.len()
        )
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
    let text = std::fs::read_to_string(path).with_context(|| gongkai::locale::reading(path))?;
    Ok(text.trim().to_string())
}

fn build(mut opts: BuildOptions, as_of: Option<String>, audience: &str) -> Result<ExitCode> {
    opts.audience = parse_audience(audience)?;
    opts.as_of = as_of.map(|s| gongkai::text::parse_date(&s)).transpose()?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message(t!("rendering", "生成页面"));
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
        eprintln!("{}{w}", label("warning"));
    }
    eprintln!("{}", report.summary());
    Ok(ExitCode::SUCCESS)
}

fn check(root: PathBuf, format: &str, mask: bool) -> Result<ExitCode> {
    anyhow::ensure!(
        matches!(format, "text" | "json"),
        t!(
            "--format takes `text` or `json`, not `{format}`",
            "--format 只能是 `text` 或 `json`，不能是 `{format}`"
        )
    );
    if mask {
        for m in gongkai::mask_content(&root)? {
            let (path, line, masked) = (m.path.display(), m.line, &m.masked);
            eprintln!("{}", t!("masked {path}:{line}: {masked}", "已遮盖 {path}:{line}：{masked}"));
        }
    }
    let report = gongkai::check(&BuildOptions::new(root))?;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for link in &report.external_links {
            let (path, line, url) = (link.path.display(), link.line, &link.url);
            eprintln!(
                "{}",
                t!(
                    "external link (not checked): {path}:{line}: {url}",
                    "外部链接（未检查）：{path}:{line}：{url}"
                )
            );
        }
        for w in &report.warnings {
            eprintln!("{}{w}", label("warning"));
        }
        for d in &report.diagnostics {
            eprintln!("{}{d}", label("error"));
        }
        match report.diagnostics.len() {
            0 => eprintln!(
                "{}",
                t!("no problems found in {} pages", "检查了 {} 个页面，没有发现问题", report.pages)
            ),
            n => eprintln!("{}", t!("{n} problem(s) found", "发现 {n} 个问题")),
        }
    }
    Ok(if report.diagnostics.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn verify(dir: &std::path::Path, pubkey: Option<String>) -> Result<ExitCode> {
    let key = pubkey.map(|key| std::fs::read_to_string(&key).map(|k| k.trim().to_string()).unwrap_or(key));
    let report = gongkai::versions::verify::verify(dir, key.as_deref())?;
    let lists = [
        (t!("changed", "被改动"), &report.changed),
        (t!("missing", "缺失"), &report.missing),
        (t!("extra", "多出"), &report.extra),
        (t!("extra symlink", "多出的符号链接"), &report.symlinks),
        (t!("extra folder", "多出的文件夹"), &report.folders),
        (t!("broken", "有问题"), &report.problems),
    ];
    for (what, paths) in lists {
        for path in paths {
            eprintln!("{what}{} {path}", t!(":", "："));
        }
    }
    for what in &report.signed {
        eprintln!("{}", t!("signature valid: {what}", "签名有效：{what}"));
    }
    eprintln!(
        "{}",
        t!(
        "{} files checked: {} changed, {} missing, {} extra, {} symlinks, {} extra folders, {} release or signature problems",
        "核对了 {} 个文件：被改动 {} 个，缺失 {} 个，多出 {} 个，符号链接 {} 个，多出的文件夹 {} 个，版本或签名问题 {} 个",
        report.checked,
        report.changed.len(),
        report.missing.len(),
        report.extra.len(),
        report.symlinks.len(),
        report.folders.len(),
        report.problems.len()
        )
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
        t!(
            "--format takes `table`, `csv` or `json`, not `{format}`",
            "--format 只能是 `table`、`csv` 或 `json`，不能是 `{format}`"
        )
    );
    let mut opts = BuildOptions::new(root);
    opts.audience = parse_audience(audience)?;
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

fn parse_audience(audience: &str) -> Result<gongkai::Audience> {
    gongkai::Audience::parse(audience).ok_or_else(|| {
        anyhow::anyhow!(t!(
            "--audience takes `public` or `party`, not `{audience}`",
            "--audience 只能是 `public`（对外公开）或 `party`（党内），不能是 `{audience}`"
        ))
    })
}
