//! The `gongkai` command line: parses the arguments (`cli.rs`, and `help.rs` for the help and
//! parse errors in the user's language), calls the library, reports (`report.rs`). The
//! language of every message is chosen here, once, from the locale.
#![allow(clippy::print_stdout, clippy::print_stderr)]

// glibc's malloc slows down as the live heap grows: at 100,000 pages `_int_malloc` alone was a
// fifth of the build's CPU, and rendering took 35 s; with mimalloc it takes 19 s (benches/README.md)
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::{CheckFormat, Cli, Command, ExportWhat, ImportWhat};
use gongkai::locale::{label, Lang};
use gongkai::versions::shard::Shard;
use gongkai::versions::verify;
use gongkai::{BuildError, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;
mod help;
mod report;

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    // pages render on rayon's threads: a theme's chain of macros or includes a thousand deep
    // overflowed their default 2 MB stack and aborted the build (a hostile review); the stack
    // is reserved, not used, until a template goes that deep
    let _ = rayon::ThreadPoolBuilder::new().stack_size(gongkai::render::templates::STACK).build_global();
    let lang = gongkai::locale::from_env();
    gongkai::locale::set(lang);
    let chinese = lang == Lang::Chinese;
    let mut command = help::localise(Cli::command(), chinese);
    let matches = command.try_get_matches_from_mut(std::env::args_os());
    let cli = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => return help::report(e, chinese, &command),
    };
    run(cli).unwrap_or_else(|err| {
        match err {
            BuildError::Content(_) => eprintln!("{}", err.report()),
            BuildError::Io(_) => eprintln!("{}{}", label("error"), err.report()),
        }
        ExitCode::FAILURE
    })
}

fn run(cli: Cli) -> Result<ExitCode, BuildError> {
    // the clock is read here, not in the library, so that tests can pass a date
    let today = || chrono::Local::now().date_naive();
    let key = |path: Option<PathBuf>| path.as_deref().map(verify::read_secret_key).transpose();
    match cli.command {
        Command::Build { root, out, as_of, audience, key: file, clean, shard } => {
            let mut opts = BuildOptions::new(root);
            (opts.out, opts.as_of, opts.audience, opts.key) = (out, as_of, audience.into(), key(file)?);
            opts.clean = clean;
            opts.shard =
                shard.as_deref().map(|s| Shard::from_arg(s, |k| std::env::var(k).ok())).transpose()?;
            report::build(opts)
        }
        Command::Merge { root, out, shards } => {
            let mut opts = BuildOptions::new(root);
            opts.out = out;
            report::merged(&gongkai::merge(&opts, &shards)?)
        }
        Command::Check { root, format, audience, as_of, mask } => {
            let mut opts = BuildOptions::new(root);
            opts.as_of = as_of;
            report::check(opts, &audience.editions(), format == CheckFormat::Json, mask)
        }
        Command::Serve { root, port, bind, as_of } => {
            let mut build = BuildOptions::new(root);
            build.as_of = as_of;
            report::serve(gongkai::serve::ServeOptions { build, bind, port })
        }
        Command::New { kind, title, date, root } => {
            let date = date.unwrap_or_else(today);
            report::new_entry(&gongkai::scaffold::new_entry(&root, kind.into(), &title, date)?)
        }
        Command::Release { version, note, date, key: file, root } => {
            let date = Some(date.unwrap_or_else(today));
            let opts = gongkai::versions::ReleaseOptions { version, note, date, key: key(file)? };
            report::released(&gongkai::release(&BuildOptions::new(root), &opts)?, opts.key.is_some())
        }
        Command::Verify { dir, pubkey } => {
            let key = pubkey.as_deref().map(verify::public_key_arg);
            report::verified(&verify::verify(&dir, key.as_deref())?)
        }
        Command::Report { root, as_of, org, format, audience } => {
            let mut opts = BuildOptions::new(root);
            (opts.as_of, opts.audience) = (as_of, audience.into());
            report::oversight(&gongkai::oversight_report(&opts, org.as_deref())?, format)
        }
        Command::Keygen { dir } => report::keys(&verify::write_keypair(&dir)?),
        Command::Init { dir, eject_theme } => {
            match eject_theme {
                true => gongkai::scaffold::init_site_ejected(&dir)?,
                false => gongkai::scaffold::init_site(&dir)?,
            }
            report::initialised(&dir)
        }
        Command::Import {
            what: ImportWhat::Bulletin { files, into, date, region, tags, dry_run, force },
        } => {
            let opts = gongkai::import::ImportOptions { files, into, date, region, tags, dry_run, force };
            Ok(report::imported(&gongkai::import::import_bulletins(&opts)?, dry_run))
        }
        Command::Import {
            what: ImportWhat::Docx { files, kind, root, into, date, region, tags, org, dry_run, force },
        } => {
            let kind = kind.into();
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
            Ok(report::imported(&gongkai::import::import_docx(&opts)?, dry_run))
        }
        Command::Export { what: ExportWhat::Bulletin { root, tags, audience } } => {
            let opts = gongkai::import::ExportOptions { root, tags, audience: audience.into() };
            report::exported(&gongkai::import::export_bulletin(&opts)?)
        }
    }
}
