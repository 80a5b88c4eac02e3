//! The `gongkai` command line: parses arguments, calls the library, reports.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::Result;
use clap::{Parser, Subcommand};
use gongkai::{BuildOptions, Diagnostics};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "公开 gongkai: 党建经验交流、党务公开与年度巡礼的静态网站生成器"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站 Build the site into public/
    Build {
        /// 网站根目录 Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录 Output folder (default: public/ under the root)
        #[arg(long)]
        out: Option<PathBuf>,
        /// 以此日期为准 The build's date, YYYY-MM-DD (default: the newest date in the content)
        #[arg(long)]
        as_of: Option<String>,
        /// 阅读范围 Audience: public (default) or party, the internal edition with 党内公开 items
        #[arg(long, default_value = "public")]
        audience: String,
    },
    /// 检查 Check everything a build checks, without writing the site
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出格式 Report format: text or json
        #[arg(long, default_value = "text")]
        format: String,
        /// 遮盖个人信息 Rewrite ID, mobile and bank card numbers masked, in place
        #[arg(long)]
        mask: bool,
    },
    /// 导入 Import plain-text bulletins as case entries
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// 导出 Export case entries as a plain-text bulletin
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// 导入经验交流通报 Import exchange bulletins ([发布者]…[亮点]…[举措]…点评：)
    Bulletin {
        /// 通报文本文件 Bulletin text files (UTF-8, UTF-8 with BOM or GB18030)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 写入目录 Folder for the case entries
        #[arg(long, default_value = "content/cases")]
        into: PathBuf,
        /// 日期 Date for every imported entry, YYYY-MM-DD
        #[arg(long)]
        date: Option<String>,
        /// 地区 Region path for every entry, e.g. 山西省/临汾市
        #[arg(long)]
        region: Option<String>,
        /// 标签 Tag for every entry (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// 只显示不写入 Show what would be written, write nothing
        #[arg(long)]
        dry_run: bool,
        /// 覆盖已编辑的文件 Overwrite files edited since they were imported
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    /// 导出为经验交流通报 Write cases back as a plain-text bulletin on standard output
    Bulletin {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 只导出带此标签的案例 Only cases with this tag (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Build { root, out, as_of, audience } => build(root, out, as_of, &audience),
        Command::Check { root, format, mask } => check(root, &format, mask),
        Command::Import {
            what: ImportWhat::Bulletin { files, into, date, region, tags, dry_run, force },
        } => {
            let opts = gongkai::import::ImportOptions { files, into, date, region, tags, dry_run, force };
            let report = gongkai::import::import_bulletins(&opts)?;
            for d in &report.diagnostics {
                eprintln!("warning: {d}");
            }
            for p in &report.written {
                eprintln!("{} {}", if opts.dry_run { "would write" } else { "wrote" }, p.display());
            }
            for p in &report.skipped_edited {
                eprintln!("skipped {} (edited since import; --force overwrites it)", p.display());
            }
            eprintln!(
                "imported {} entries: {} written, {} unchanged, {} skipped",
                report.written.len() + report.unchanged.len() + report.skipped_edited.len(),
                report.written.len(),
                report.unchanged.len(),
                report.skipped_edited.len()
            );
            let clean = report.diagnostics.is_empty() && report.skipped_edited.is_empty();
            Ok(if clean { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Command::Export { what: ExportWhat::Bulletin { root, tags } } => {
            let text = gongkai::import::export_bulletin(&gongkai::import::ExportOptions { root, tags })?;
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, as_of: Option<String>, audience: &str) -> Result<ExitCode> {
    let mut opts = BuildOptions::new(root);
    opts.audience = gongkai::Audience::parse(audience)
        .ok_or_else(|| anyhow::anyhow!("--audience takes `public` or `party`, not `{audience}`"))?;
    opts.out = out;
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
