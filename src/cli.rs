//! The command line as clap parses it: commands, their arguments, and the closed sets of
//! values (audience, formats, kinds) as `ValueEnum`s, turned into the library's types here.
//! Dates are parsed by clap with the library's `parse_date`, so a bad date is a usage error
//! naming the argument.

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use gongkai::content::Kind;
use gongkai::Audience;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "gongkai (公开): a static site generator for party-building exchange cases, disclosures and annual reviews"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build the site into public/
    Build {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: public/ under the root)
        #[arg(long)]
        out: Option<PathBuf>,
        /// The build's date, YYYY-MM-DD (default: the newest date in the content)
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
        /// Audience: public (default) or party, the internal edition with 党内公开 items
        #[arg(long, value_enum, default_value_t = AudienceArg::Public)]
        audience: AudienceArg,
        /// File holding the secret ed25519 key (hex) that signs manifest.json (into manifest.json.sig)
        #[arg(long)]
        key: Option<PathBuf>,
        /// Render every page again, ignoring the build cache (.gongkai-cache/build/)
        #[arg(long)]
        clean: bool,
        /// Build one share K/N of the site into its own folder (default shards/K-of-N/), for
        /// `gongkai merge`; `auto` takes K and N from the job runner (GitLab CI, Slurm, Kubernetes)
        #[arg(long)]
        shard: Option<String>,
    },
    /// Assemble the shard folders of `build --shard K/N` into the site
    Merge {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: public/ under the root)
        #[arg(long)]
        out: Option<PathBuf>,
        /// The shard folders, every one of them
        #[arg(required = true)]
        shards: Vec<PathBuf>,
    },
    /// Check everything a build checks, without writing the site
    Check {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Report format: text or json
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Which editions to check: both (default), public, or party (the internal edition)
        #[arg(long, value_enum, default_value_t = CheckAudience::Both)]
        audience: CheckAudience,
        /// The check's date, YYYY-MM-DD, as build's --as-of (default: the newest date in the content)
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
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
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
    /// Record an immutable release: build, then store sources, output and manifest in releases/
    Release {
        /// Version name, e.g. 2024
        version: String,
        /// What this release is, e.g. 2024年度公开
        #[arg(long)]
        note: String,
        /// Release date, YYYY-MM-DD (default: today)
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
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
        #[arg(value_enum)]
        kind: KindArg,
        /// The title
        title: String,
        /// The date, YYYY-MM-DD (default: today)
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
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
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
        /// Only this organisation and those below it
        #[arg(long)]
        org: Option<String>,
        /// Report format: table, csv or json
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// Audience: public (default) or party, which also counts 党内公开 items
        #[arg(long, value_enum, default_value_t = AudienceArg::Public)]
        audience: AudienceArg,
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
pub enum ImportWhat {
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
        #[arg(long, value_enum, default_value_t = DocxKind::Case)]
        kind: DocxKind,
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
pub enum ExportWhat {
    /// Write cases back as a plain-text bulletin on standard output
    Bulletin {
        /// Site root (holds site.toml, content/, data/, themes/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Only cases with this tag (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Audience: public (default) leaves party-only cases out; party writes them too
        #[arg(long, value_enum, default_value_t = AudienceArg::Public)]
        audience: AudienceArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AudienceArg {
    Public,
    Party,
}

/// `check --audience`: both editions unless one is named, since a problem may be in one alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckAudience {
    Both,
    Public,
    Party,
}

impl CheckAudience {
    pub fn editions(self) -> Vec<Audience> {
        match self {
            CheckAudience::Both => vec![Audience::Public, Audience::Party],
            CheckAudience::Public => vec![Audience::Public],
            CheckAudience::Party => vec![Audience::Party],
        }
    }
}

impl From<AudienceArg> for Audience {
    fn from(a: AudienceArg) -> Audience {
        match a {
            AudienceArg::Public => Audience::Public,
            AudienceArg::Party => Audience::Party,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Case,
    Disclosure,
    Review,
    Page,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Kind {
        match k {
            KindArg::Case => Kind::Case,
            KindArg::Disclosure => Kind::Disclosure,
            KindArg::Review => Kind::Review,
            KindArg::Page => Kind::Page,
        }
    }
}

/// What `import docx` makes: no plain page.
#[derive(Clone, Copy, ValueEnum)]
pub enum DocxKind {
    Case,
    Disclosure,
    Review,
}

impl From<DocxKind> for Kind {
    fn from(k: DocxKind) -> Kind {
        match k {
            DocxKind::Case => Kind::Case,
            DocxKind::Disclosure => Kind::Disclosure,
            DocxKind::Review => Kind::Review,
        }
    }
}

/// `2024-10-01` (or `2024/10/01`, `2024年10月1日`), as the library reads dates, in the years
/// a page's date may have: a build as of the year 0 made every notice upcoming.
fn date(s: &str) -> anyhow::Result<NaiveDate> {
    let date = gongkai::text::parse_date(s)?;
    let years = gongkai::content::disclosure::PERIOD_YEARS;
    anyhow::ensure!(
        years.contains(&chrono::Datelike::year(&date)),
        gongkai::t!(
            "the date {date} is not in the years 1921 to 2200",
            "日期 {date} 不在 1921 年至 2200 年之间"
        )
    );
    Ok(date)
}
