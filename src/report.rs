//! What the command line prints: each command's results and progress, in the process's
//! language. Results that are data (JSON, CSV, a bulletin, dry-run previews) go to standard
//! output; everything said to the person goes to standard error.

use crate::cli::ReportFormat;
use gongkai::diagnostic::Shown;
use gongkai::error::Result;
use gongkai::locale::label;
use gongkai::{t, BuildOptions};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Says what `merge` assembled.
pub fn merged(merged: &gongkai::versions::shard::Merged) -> Result<ExitCode> {
    for w in &merged.warnings {
        eprintln!("{}{w}", label("warning"));
    }
    eprintln!(
        "{}",
        t!(
            "merged {} shards ({} files) into {}",
            "已合并 {} 份（{} 个文件），写入 `{}`",
            merged.shards,
            merged.files,
            merged.out.display()
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// Builds with a progress bar on a terminal, then says what was built.
pub fn build(mut opts: BuildOptions) -> Result<ExitCode> {
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
    opts.progress = bar.clone().map(|bar| {
        Box::new(move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        }) as gongkai::Progress
    });
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

/// `check`: masks first when asked, then every problem, as text or JSON; exit code 1 on any.
pub fn check(opts: BuildOptions, editions: &[gongkai::Audience], json: bool, mask: bool) -> Result<ExitCode> {
    if mask {
        for m in gongkai::mask_content(&opts.root)? {
            let (path, line, masked) = (m.path.display(), m.line, &m.masked);
            eprintln!("{}", t!("masked {path}:{line}: {masked}", "已遮盖 {path}:{line}：{masked}"));
        }
    }
    let report = match gongkai::check_editions(opts, editions) {
        Ok(report) => report,
        // a tool reading the JSON gets JSON when the site could not be checked at all (a
        // template that does not parse, say), with the message the terminal gets
        Err(e) if json => {
            let failed = serde_json::json!({ "pages": 0, "diagnostics": [], "warnings": [], "external_links": [], "error": e.report() });
            println!("{}", gongkai::diagnostic::inert_json(&failed)?);
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    if json {
        println!("{}", gongkai::diagnostic::inert_json(&report)?);
    } else {
        for link in &report.external_links {
            // a link is the content's text: shown, not sent to the terminal (found by a hostile review)
            let (path, url) = (link.path.display().to_string(), Shown(&link.url));
            let (path, line) = (Shown(&path), link.line);
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

/// Starts the preview and serves until the process is stopped.
pub fn serve(opts: gongkai::serve::ServeOptions) -> Result<ExitCode> {
    let log: gongkai::serve::Log = std::sync::Arc::new(|line: &str| eprintln!("{line}"));
    let server = gongkai::serve::start(opts, log)?;
    let address = &server.address;
    eprintln!("{}", t!("serving at {address}/ (Ctrl+C stops)", "预览地址：{address}/（按 Ctrl+C 停止）"));
    loop {
        std::thread::park();
    }
}

/// The bulletin on standard output; what was left out, and why, on standard error (exit code
/// 2 when a case could not be exported).
pub fn exported(exported: &gongkai::import::Exported) -> Result<ExitCode> {
    print!("{}", exported.text);
    if !exported.party_only.is_empty() {
        let n = exported.party_only.len();
        eprintln!(
            "{}",
            t!(
                "{n} party-only case(s) left out (audience = \"party\"); --audience party writes them, and an import of that text makes them public unless audience = \"party\" is written again",
                "有 {n} 篇党内案例（audience = \"party\"）没有导出；加 --audience party 才会写出，但再导入那段文字时，除非重新写上 audience = \"party\"，它们会变成公开的"
            )
        );
    }
    for d in &exported.refused {
        eprintln!("{}{d}", label("warning"));
    }
    Ok(if exported.refused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

pub fn new_entry(path: &Path) -> Result<ExitCode> {
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

pub fn released(release: &gongkai::versions::manifest::Release, signed: bool) -> Result<ExitCode> {
    let signed = if signed { t!(", signed", "，已签名") } else { String::new() };
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

/// Every finding of `verify`, then the counts; exit code 1 on any finding.
pub fn verified(report: &gongkai::versions::verify::Report) -> Result<ExitCode> {
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

/// The report in its format on standard output, its closing line on standard error; exit
/// code 1 when anything is missing, for a scheduled job to alert on.
pub fn oversight(report: &gongkai::OversightReport, format: ReportFormat) -> Result<ExitCode> {
    match format {
        ReportFormat::Json => println!("{}", gongkai::diagnostic::inert_json(report)?),
        ReportFormat::Csv => std::io::stdout().write_all(&report.csv()?)?,
        ReportFormat::Table => print!("{}", report.table()),
    }
    eprintln!("{}", report.summary());
    Ok(if report.missing > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

pub fn keys(keys: &gongkai::versions::verify::KeyFiles) -> Result<ExitCode> {
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

pub fn initialised(dir: &Path) -> Result<ExitCode> {
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

/// What an import did; with --dry-run, the text of each entry it would write. Exit code 2 when
/// something was refused or skipped.
pub fn imported(report: &gongkai::import::ImportReport, dry_run: bool) -> ExitCode {
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
            let path = path.display().to_string();
            println!("==> {} <==\n{}", Shown(&path), Shown(text));
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
    let (total, written, unchanged, skipped) = (
        report.written.len() + report.unchanged.len() + report.skipped_edited.len(),
        report.written.len(),
        report.unchanged.len(),
        report.skipped_edited.len(),
    );
    // a dry run wrote nothing, so its summary must not say it did
    let summary = match dry_run {
        true => t!(
            "dry run, nothing written: of {total} files {written} would be written, {unchanged} unchanged, {skipped} skipped",
            "试运行，什么也没写：{total} 个文件中将写入 {written} 个，未变 {unchanged} 个，跳过 {skipped} 个"
        ),
        false => t!(
            "imported {total} files: {written} written, {unchanged} unchanged, {skipped} skipped",
            "导入 {total} 个文件：写入 {written} 个，未变 {unchanged} 个，跳过 {skipped} 个"
        ),
    };
    eprintln!("{summary}");
    let clean = report.diagnostics.is_empty() && report.skipped_edited.is_empty();
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
