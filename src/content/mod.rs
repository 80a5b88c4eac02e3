//! Content kinds: the typed view of one content file, parsed from its front matter and body.

pub mod address;
pub mod approval;
pub mod bodies;
pub mod case;
pub mod disclosure;
pub mod front_matter;
pub mod infer;
pub mod markdown;
pub mod placeholder;
pub mod review;
pub mod shortcodes;

use crate::text::{self, Lang};
use crate::Diagnostic;
use chrono::NaiveDate;
use front_matter::FrontMatter;
use markdown::Rendered;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Which kind of page a file is, decided by its folder under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Case,
    Disclosure,
    Review,
    Page,
}

impl Kind {
    pub const LISTED: [Kind; 3] = [Kind::Case, Kind::Disclosure, Kind::Review];
    pub const ALL: [Kind; 4] = [Kind::Case, Kind::Disclosure, Kind::Review, Kind::Page];

    pub fn from_folder(folder: &str) -> Kind {
        match folder {
            "cases" => Kind::Case,
            "disclosures" => Kind::Disclosure,
            "reviews" => Kind::Review,
            _ => Kind::Page,
        }
    }

    /// The kind's name in templates and UI strings.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Case => "case",
            Kind::Disclosure => "disclosure",
            Kind::Review => "review",
            Kind::Page => "page",
        }
    }

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Case => "cases",
            Kind::Disclosure => "disclosures",
            Kind::Review => "reviews",
            Kind::Page => "",
        }
    }
}

/// What only one kind has. A disclosure is never kept in the build cache's parsed pages (see
/// [`crate::write::cache::Cache::parsed`]): resolve compares its text with its released
/// versions, so it is parsed anew each build.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Extra {
    Case(case::CaseExtra),
    #[serde(skip)]
    Disclosure(Box<disclosure::DisclosureExtra>),
    Review(review::ReviewExtra),
    Page,
}

/// One parsed content file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Page {
    pub kind: Kind,
    /// Relative to the site root, e.g. `content/cases/a.md`.
    pub source: PathBuf,
    /// URL path below the site root, without leading slash, ending in `/`.
    pub path: String,
    /// The addresses a case had before cases were addressed by date and slug (`cases/STEM/`,
    /// and `cases/SLUG/` for a file with a slug): a redirect to `path` stands at each that no
    /// page has taken.
    pub old_paths: Vec<String>,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub lang: Lang,
    pub tags: Vec<String>,
    pub region: Vec<String>,
    pub authors: Vec<String>,
    /// Where the text came from, as the page should say.
    pub origin: Option<String>,
    pub body: Rendered,
    /// File line of the body's first line, and of the `commentary` key, for diagnostics.
    pub body_line: usize,
    pub commentary_line: usize,
    pub revisions_line: usize,
    /// SHA-256 of the source file, first 12 hex digits: matches a printed copy to the web.
    pub hash: String,
    pub summary: String,
    pub chars: usize,
    /// Names of the datasets the page draws on (`table =`, shortcodes), filled in by resolve.
    pub datasets: Vec<String>,
    /// The shortcode calls of the body, in order (the front matter's `table =` last): resolve
    /// checks them against the datasets, render draws the blocks among them.
    /// Never kept in the build cache: a page with shortcodes is parsed anew each build.
    #[serde(skip)]
    pub shortcodes: Vec<shortcodes::Call>,
    /// Whether the body's Markdown waits for stat figures: resolve parses the page again
    /// with them.
    pub needs_figures: bool,
    /// The numbers this file may publish (its `privacy_allow`, its `contact`): the guard over
    /// the rendered site lets them through where the theme places them.
    pub allow: crate::privacy::Allow,
    pub extra: Extra,
}

impl Page {
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        match &self.extra {
            Extra::Review(r) if r.year.is_some() => r.year,
            _ => self.date.map(|d| d.year()),
        }
    }

    /// The narrowest audience the page is for.
    pub fn audience(&self) -> crate::audience::Audience {
        match &self.extra {
            Extra::Disclosure(d) => d.audience,
            Extra::Case(c) => c.audience,
            _ => Default::default(),
        }
    }

    /// Whether the page may appear in a build for `audience`.
    pub fn visible_to(&self, audience: crate::audience::Audience) -> bool {
        self.audience() <= audience
    }
}

/// Keys every kind accepts.
pub const COMMON_KEYS: &[&str] =
    &["title", "date", "lang", "tags", "region", "source", "slug", "summary", "privacy_allow"];

/// Front matter fields every kind shares, read by each kind's own struct via `flatten`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Common {
    pub title: String,
    pub date: Option<String>,
    pub lang: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub region: Option<String>,
    pub source: Option<String>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    /// Masked forms of numbers the privacy guard may let through in this file.
    #[serde(default)]
    pub privacy_allow: Vec<String>,
}

/// What parsing a page may consult besides its own text.
#[derive(Clone, Copy)]
pub struct ParseContext<'a> {
    pub calendar: &'a crate::config::Calendar,
    /// The figures of the body's `stat` calls in order, once resolve has them: they are
    /// Markdown text like any other, so the body is rendered again with them in place.
    pub figures: Option<&'a [String]>,
    /// The site's language: a page without `lang` whose text does not tell its script has it.
    pub language: Lang,
    /// What the body's ids start with: nothing for a page's own body, `version-N-` for an
    /// earlier version's text shown on the same page (see [`markdown::render_apart`]).
    pub ids: &'a str,
}

impl<'a> ParseContext<'a> {
    pub fn new(calendar: &'a crate::config::Calendar) -> Self {
        ParseContext { calendar, figures: None, language: Lang::Hans, ids: "" }
    }

    /// The context of a site written in `language`.
    pub fn in_language(self, language: Lang) -> Self {
        ParseContext { language, ..self }
    }
}

/// Parses one content file; `rel` is its path relative to the site root.
pub fn parse(rel: &Path, text: &str, ctx: ParseContext) -> Result<Page, Vec<Diagnostic>> {
    let split = front_matter::split(rel, text);
    let mut errors = privacy_problems(rel, text, split.as_ref().ok().map(|s| &s.front));
    errors.extend(placeholder::find(rel, text));
    let split = match split {
        Ok(s) => s,
        Err(d) => {
            errors.insert(0, d);
            return Err(errors);
        }
    };
    let kind = kind_of(rel);
    let fm = &split.front;
    let prepared = match prepare(rel, kind, &split, ctx.figures) {
        Ok(p) => p,
        Err(e) => {
            errors.extend(e);
            return Err(errors);
        }
    };
    let marks: Vec<String> = (0..prepared.blocks).map(markdown::placeholder).collect();
    let body = markdown::render_with(&prepared.markdown, &marks, ctx.ids);
    let allow = privacy_allow(Some(fm));
    add_new(&mut errors, rendering_problems(rel, &body, split.body_line, &allow));
    if let Some(commentary) = fm.table.get("commentary").and_then(|v| v.as_str()) {
        errors.extend(shortcode_in_commentary(rel, text, commentary, fm.line_of("commentary")));
        let rendered = markdown::render(commentary);
        let problems = rendering_problems(rel, &rendered, fm.line_of("commentary"), &allow);
        add_new(
            &mut errors,
            problems.into_iter().map(|d| Diagnostic { line: fm.line_of("commentary"), ..d }).collect(),
        );
    }
    let page = match kind {
        Kind::Case => case::parse(rel, fm, body),
        Kind::Review => review::parse(rel, fm, body),
        Kind::Disclosure => disclosure::parse(rel, fm, body, ctx.calendar),
        Kind::Page => parse_page(rel, fm, body),
    };
    match page {
        Ok(mut page) => {
            page.body_line = split.body_line;
            page.needs_figures = prepared.has_stats() && ctx.figures.is_none();
            page.shortcodes = prepared.calls;
            page.allow = allow;
            page.hash = crate::digest::sha256(text.as_bytes())[..12].to_string();
            if !fm.table.contains_key("lang") {
                page.lang = detect_lang(&page).unwrap_or(ctx.language);
            }
            if let Extra::Disclosure(d) = &page.extra {
                if d.category == disclosure::Category::Recruitment {
                    errors.extend(disclosure::full_birth_dates(rel, split.body, split.body_line));
                }
            }
            if errors.is_empty() {
                Ok(page)
            } else {
                Err(errors)
            }
        }
        Err(e) => {
            errors.extend(e);
            Err(errors)
        }
    }
}

/// A shortcode in the commentary: only the body's are drawn (and checked against the data and
/// its audience), so one here would be published as the call's text (found by a hostile
/// review).
fn shortcode_in_commentary(rel: &Path, file: &str, commentary: &str, key_line: usize) -> Option<Diagnostic> {
    if !commentary.contains("{{") {
        return None;
    }
    let found = shortcodes::calls(commentary, &shortcodes::code_ranges(commentary));
    let written = match found.first()? {
        Ok(call) => &commentary[call.span.clone()],
        Err((at, _)) => &commentary[*at..],
    };
    // the call's own line in the file when its first line is found there once (a commentary
    // of several lines, `"""` or `|`), else the key's
    let first_line = written.lines().next().unwrap_or(written);
    let line = match file.match_indices(first_line).map(|(i, _)| i).collect::<Vec<_>>().as_slice() {
        [i] if !first_line.is_empty() => file[..*i].matches('\n').count() + 1,
        _ => key_line,
    };
    // messages reach logs and CI output: a number in the call is masked there too
    let call = crate::privacy::masked_excerpt(written, 40);
    Some(
        Diagnostic::new(
            rel,
            line,
            t!(
                "the commentary has a shortcode, {call}: shortcodes are drawn in the body only, and this one would be printed as written",
                "点评（commentary）里有短代码 {call}：短代码只在正文里生效，写在点评里会原样印出来"
            ),
        )
        .with_hint(t!(
            "move the figure, chart or table into the body, or write the figure out in the commentary",
            "请把数字、图表或表格移到正文里，或在点评里直接写出数字"
        )),
    )
}

/// The script of a page that does not give its `lang`, from all it writes: title, body and a
/// case's commentary (and its publisher: 某县委组织部 tells where 案例 does not).
fn detect_lang(page: &Page) -> Option<Lang> {
    let (byline, commentary) = match &page.extra {
        Extra::Case(c) => (c.publisher.as_str(), c.commentary.as_deref().map_or("", |r| r.text.as_str())),
        _ => ("", ""),
    };
    Lang::detect(&[page.title.as_str(), &page.body.text, commentary, byline].join("\n"))
}

/// Which kind a file under `content/` is: a top-level file is a page, else its folder says.
fn kind_of(rel: &Path) -> Kind {
    let folder = rel.components().nth(1).and_then(|c| c.as_os_str().to_str()).unwrap_or("");
    let is_top_level = rel.components().count() == 2;
    if is_top_level {
        Kind::Page
    } else {
        Kind::from_folder(folder)
    }
}

/// The body's shortcodes taken out, a disclosure's `table = "x.csv"` made its last call.
fn prepare(
    rel: &Path,
    kind: Kind,
    split: &front_matter::Split,
    figures: Option<&[String]>,
) -> Result<shortcodes::Body, Vec<Diagnostic>> {
    let fm = &split.front;
    let table_key = match kind {
        Kind::Disclosure => fm.table.get("table").and_then(|v| v.as_str()).map(|n| (n, fm.line_of("table"))),
        _ => None,
    };
    shortcodes::prepare(rel, split.body, split.body_line, table_key, figures)
}

/// The shortcode calls of a file that did not parse, so that their problems with the data
/// can be reported with its other problems, all at once; none when they cannot be found.
pub fn calls_of(rel: &Path, text: &str) -> Vec<shortcodes::Call> {
    let Ok(split) = front_matter::split(rel, text) else { return Vec::new() };
    prepare(rel, kind_of(rel), &split, None).map(|p| p.calls).unwrap_or_default()
}

/// What the privacy guard lets through in this file, from its front matter: the numbers
/// in `privacy_allow`, and the mobiles written in the parsed `contact` field.
pub fn privacy_allow(fm: Option<&FrontMatter>) -> crate::privacy::Allow {
    let Some(fm) = fm else { return Default::default() };
    let masked = fm
        .table
        .get("privacy_allow")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let allow = crate::privacy::Allow::new(masked);
    match fm.table.get("contact").and_then(|v| v.as_str()) {
        Some(contact) => allow.with_contact(contact),
        None => allow,
    }
}

/// The privacy guard over everything of this file that reaches a reader: its name, its source
/// text, every front matter value as parsed (TOML escapes resolved).
fn privacy_problems(rel: &Path, text: &str, fm: Option<&FrontMatter>) -> Vec<Diagnostic> {
    let allow = privacy_allow(fm);
    let mut found = crate::privacy::check_path(rel);
    if let Some(fm) = fm {
        let entries: Vec<String> = fm
            .table
            .get("privacy_allow")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default();
        found.extend(crate::privacy::allow_problems(rel, fm.line_of("privacy_allow"), &entries));
    }
    found.extend(crate::privacy::check_text(rel, text, &allow));
    if let Some(fm) = fm {
        for (key, value) in &fm.table {
            let mut strings = Vec::new();
            collect_strings(value, &mut strings);
            for s in strings {
                let more = crate::privacy::check_value(rel, fm.line_of(key), s, &allow);
                add_new(&mut found, more);
            }
        }
        // values checked apart that a reader sees side by side: the byline (publisher, then the
        // people), and the search excerpt (the body's end, then the commentary) (found by a
        // hostile review: `组织部138` and `12345678` made one number)
        let string = |key: &str| fm.table.get(key).and_then(|v| v.as_str()).unwrap_or("");
        let authors: Vec<&str> = fm
            .table
            .get("authors")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let byline = format!("{} {}", string("publisher"), authors.join(" "));
        add_new(&mut found, crate::privacy::check_value(rel, fm.line_of("authors"), &byline, &allow));
        let commentary = string("commentary");
        if !commentary.is_empty() {
            let body = text.trim_end();
            let tail = body.char_indices().rev().nth(39).map_or(body, |(at, _)| &body[at..]);
            let head = commentary.char_indices().nth(40).map_or(commentary, |(at, _)| &commentary[..at]);
            let seam = format!("{tail}\n{head}");
            add_new(&mut found, crate::privacy::check_value(rel, fm.line_of("commentary"), &seam, &allow));
        }
    }
    found
}

/// Adds the problems whose number is not reported yet: the same number seen in the source and
/// again in the parsed or rendered text is one problem, at its source line.
fn add_new(found: &mut Vec<Diagnostic>, more: Vec<Diagnostic>) {
    for d in more {
        if !found.iter().any(|f| f.message == d.message) {
            found.push(d);
        }
    }
}

fn collect_strings<'a>(value: &'a toml::Value, out: &mut Vec<&'a str>) {
    match value {
        toml::Value::String(s) => out.push(s),
        toml::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        toml::Value::Table(t) => t.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// What Markdown rendering made inert or found in the text as read, as diagnostics at their
/// file lines; `first_line` is the file line of the Markdown's first line.
pub fn rendering_problems(
    rel: &Path,
    rendered: &Rendered,
    first_line: usize,
    allow: &crate::privacy::Allow,
) -> Vec<Diagnostic> {
    let at = |line: usize| first_line + line.saturating_sub(1);
    let mut out: Vec<Diagnostic> = rendered
        .rejected
        .iter()
        .map(|r| Diagnostic::new(rel, at(r.line), r.message.clone()).with_hint(r.hint.clone()))
        .collect();
    for (line, hit) in &rendered.numbers {
        if !allow.allows(hit) {
            out.push(crate::privacy::diagnostic(rel, at(*line), hit));
        }
    }
    out
}

fn parse_page(rel: &Path, fm: &FrontMatter, body: Rendered) -> Result<Page, Vec<Diagnostic>> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(flatten)]
        common: Common,
        #[serde(default)]
        authors: Vec<String>,
    }
    let keys: Vec<&str> = COMMON_KEYS.iter().copied().chain(["authors"]).collect();
    let meta: Meta = typed(rel, fm, &keys, &t!("a page", "页面的文件头"))?;
    let mut page = build_page(rel, fm, Kind::Page, meta.common, body, Extra::Page)?;
    page.authors = meta.authors;
    Ok(page)
}

/// Checks the keys against `known`, then deserialises; every problem becomes a diagnostic.
pub fn typed<T: DeserializeOwned>(
    rel: &Path,
    fm: &FrontMatter,
    known: &[&str],
    what: &str,
) -> Result<T, Vec<Diagnostic>> {
    let unknown = fm.check_keys(rel, known, what);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    toml::Value::Table(fm.table.clone()).try_into::<T>().map_err(|e| {
        let msg = e.message().to_string();
        let key = msg.split('`').nth(1).unwrap_or("");
        let line = if key.is_empty() { fm.start_line } else { fm.line_of(key) };
        let hint = if msg.starts_with("missing field") {
            t!("add `{key} = \"…\"` to the front matter", "在文件头中加上 `{key} = \"…\"`")
        } else {
            t!(
                "check the value's type: text in quotes, lists in [ ], dates as 2020-12-01",
                "检查值的写法：文字加引号，列表写在 [ ] 中，日期写成 2020-12-01"
            )
        };
        let problem = crate::locale::serde_message(&msg);
        vec![Diagnostic::new(rel, line, t!("front matter of {what}: {problem}", "{what}有误：{problem}"))
            .with_hint(hint)]
    })
}

/// Builds the shared part of a page from the common fields, checking each.
pub fn build_page(
    rel: &Path,
    fm: &FrontMatter,
    kind: Kind,
    common: Common,
    body: Rendered,
    extra: Extra,
) -> Result<Page, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if common.title.trim().is_empty() {
        errors.push(
            Diagnostic::new(rel, fm.line_of("title"), t!("the title is empty", "标题（title）是空的"))
                .with_hint(t!("write a title", "写上标题")),
        );
    }
    let date = match common.date.as_deref().map(text::parse_date) {
        // a year no party document can have (0, 9999) would make an address like cases/0/…
        Some(Ok(d)) if !disclosure::PERIOD_YEARS.contains(&chrono::Datelike::year(&d)) => {
            errors.push(
                Diagnostic::new(
                    rel,
                    fm.line_of("date"),
                    t!(
                        "the date {d} is not in the years 1921 to 2200",
                        "日期 {d} 不在 1921 年至 2200 年之间"
                    ),
                )
                .with_hint(t!("check the year, e.g. date = 2024-06-01", "请核对年份，如 date = 2024-06-01")),
            );
            None
        }
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            errors.push(Diagnostic::new(rel, fm.line_of("date"), e.to_string()));
            None
        }
        None => None,
    };
    let lang = match common.lang.as_deref() {
        Some(code) => Lang::parse(code).unwrap_or_else(|| {
            errors.push(
                Diagnostic::new(
                    rel,
                    fm.line_of("lang"),
                    t!("unknown language `{code}`", "无法识别的语言 `{code}`"),
                )
                .with_hint(t!(
                    "use \"zh-CN\" for simplified or \"zh-Hant\" for traditional script",
                    "简体写 \"zh-CN\"，繁体写 \"zh-Hant\""
                )),
            );
            Lang::Hans
        }),
        // decided by `parse`, which knows the site's language and has the commentary
        None => Lang::Hans,
    };
    let old_path = url_path(rel, kind, common.slug.as_deref()).unwrap_or_else(|d| {
        if kind != Kind::Case {
            errors.push(d);
        }
        String::new()
    });
    let mut old_paths = Vec::new();
    if kind == Kind::Case {
        old_paths.extend(url_path(rel, kind, None).ok());
        old_paths.push(old_path.clone());
        old_paths.retain(|p| !p.is_empty());
        old_paths.dedup();
    }
    let (path, slug_given) = if kind == Kind::Case {
        case_address(rel, fm, &common, date, &mut errors)
    } else {
        (old_path.clone(), false)
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut extra = extra;
    if let Extra::Case(c) = &mut extra {
        c.slug_given = slug_given;
        c.made_path = (!slug_given).then(|| path.clone());
    }
    let summary = match (&common.summary, &body.before_more) {
        (Some(s), _) => s.trim().to_string(),
        (None, Some(before)) => before.clone(),
        (None, None) => text::summarize(if body.prose.is_empty() { &body.text } else { &body.prose }),
    };
    let region = common.region.as_deref().map(split_region).unwrap_or_default();
    Ok(Page {
        kind,
        source: rel.to_path_buf(),
        old_paths,
        path,
        title: common.title.trim().to_string(),
        date,
        lang,
        tags: common.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
        region,
        authors: Vec::new(),
        origin: common.source,
        chars: text::count_chars(&body.text),
        summary,
        body,
        body_line: 0,
        commentary_line: fm.line_of("commentary"),
        revisions_line: fm.line_of("revisions"),
        hash: String::new(),
        datasets: Vec::new(),
        shortcodes: Vec::new(),
        needs_figures: false,
        allow: Default::default(),
        extra,
    })
}

/// A case's address from its date and slug (see [`address`]), and whether `slug` gave it; a
/// missing date or an empty slug is an error naming the key to write.
fn case_address(
    rel: &Path,
    fm: &FrontMatter,
    common: &Common,
    date: Option<NaiveDate>,
    errors: &mut Vec<Diagnostic>,
) -> (String, bool) {
    let stem = rel.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    let slug = match address::case_slug(common.slug.as_deref(), &common.title, &stem) {
        Ok(s) => Some(s),
        Err(message) => {
            let key = if common.slug.is_some() { "slug" } else { "title" };
            errors.push(Diagnostic::new(rel, fm.line_of(key), message).with_hint(t!(
                "give the case an address with `slug = \"linfen-fazhan-dangyuan\"` (letters, digits and -)",
                "请用 `slug = \"linfen-fazhan-dangyuan\"` 给案例指定网址（字母、数字和 -）"
            )));
            None
        }
    };
    if date.is_none() && !fm.table.contains_key("date") {
        errors.push(
            Diagnostic::new(rel, fm.start_line, t!("the case has no date (发布日期)", "案例没有发布日期"))
                .with_hint(t!(
                    "add `date = 2017-03-01`, the day it was published: the page shows it and its address begins with its year",
                    "请加上 `date = 2017-03-01`（发布的日期）：页面会显示它，网址也以它的年份开头"
                )),
        );
    }
    match (date, slug) {
        (Some(date), Some((slug, given))) => (address::case_path(date, &slug), given),
        _ => (String::new(), false),
    }
}

pub fn split_region(s: &str) -> Vec<String> {
    s.split(['/', '／']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect()
}

/// The URL path of a page: its folders and file stem, or `slug`, each made a safe segment.
fn url_path(rel: &Path, kind: Kind, slug: Option<&str>) -> Result<String, Diagnostic> {
    let under_content: Vec<String> =
        rel.iter().skip(1).map(|c| c.to_string_lossy().into_owned()).collect::<Vec<_>>();
    let (file, folders) = under_content.split_last().expect("a content file is below content/");
    let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
    let last = text::slugify(slug.unwrap_or(stem));
    if last.is_empty() {
        return Err(Diagnostic::new(
            rel,
            0,
            t!("this file's name gives an empty web address", "这个文件名得不到网址（去掉符号后是空的）"),
        )
        .with_hint(t!(
            "add `slug = \"some-name\"` to the front matter, using letters or digits",
            "在文件头中加上 `slug = \"some-name\"`，用字母或数字"
        )));
    }
    let mut segments: Vec<String> =
        folders.iter().map(|f| text::slugify(f)).filter(|s| !s.is_empty()).collect();
    if kind == Kind::Page && segments.is_empty() && last == "index" {
        return Ok(String::new());
    }
    if !(stem == "index" && slug.is_none() && !segments.is_empty()) {
        segments.push(last);
    }
    Ok(format!("{}/", segments.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortcode_in_the_commentary_is_refused_at_its_line() {
        let calendar = crate::config::Calendar::default();
        let case = |commentary: &str| {
            let text = format!(
                "+++\ntitle = \"案例\"\npublisher = \"某县\"\ndate = 2024-06-01\ncommentary = '{commentary}'\n+++\n\n正文。\n"
            );
            parse(Path::new("content/cases/n.md"), &text, ParseContext::new(&calendar))
        };
        let errors =
            case(r#"党员{{ stat(data="党员统计.csv", row="2022", col="党员总数(名)") }}名"#).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 5);
        assert!(errors[0].message.contains("{{ stat(data=\"党员统计.csv\""), "{}", errors[0].message);
        // a call written wrong is refused too
        assert!(case("{{ stat(data= }}").is_err());
        // on a later line of a commentary of several lines, that line
        let text = "+++\ntitle = \"案例\"\npublisher = \"某县\"\ndate = 2024-06-01\ncommentary = \"\"\"\n第一行\n第二行 {{ table(data=\"a.csv\") }}\n\"\"\"\n+++\n\n正文。\n";
        let errors = parse(Path::new("content/cases/n.md"), text, ParseContext::new(&calendar)).unwrap_err();
        assert_eq!(errors[0].line, 7, "{errors:?}");
        // in code, or braces that are no call, it is text
        assert!(case("写作 `{{ stat() }}` 的样子").is_ok());
        assert!(case("{{ 不是短代码").is_ok());
    }

    #[test]
    fn a_page_whose_text_does_not_tell_its_script_has_the_site_s_language() {
        let calendar = crate::config::Calendar::default();
        let case = |title: &str, publisher: &str, commentary: &str, body: &str, language: Lang| {
            let text = format!(
                "+++\ntitle = \"{title}\"\npublisher = \"{publisher}\"\ndate = 2024-06-01\ncommentary = \"{commentary}\"\n+++\n\n{body}\n"
            );
            let ctx = ParseContext::new(&calendar).in_language(language);
            parse(Path::new("content/cases/n.md"), &text, ctx).map(|p| p.lang).unwrap()
        };
        // 案例, 某市, 正文甲 and English are written alike in both scripts: the site decides
        assert_eq!(case("案例N2", "某市", "", "正文甲。", Lang::Hans), Lang::Hans);
        assert_eq!(case("案例N2", "某市", "", "正文甲。", Lang::Hant), Lang::Hant);
        assert_eq!(case("案例N6", "某市", "", "Hello world plain english body.", Lang::Hans), Lang::Hans);
        // the commentary tells when title and body do not, and so does the publisher
        assert_eq!(
            case("案例N2", "某市", "这个点评说的是简体：组织、发展。", "正文甲。", Lang::Hant),
            Lang::Hans
        );
        assert_eq!(
            case("案例N2", "某市", "這個點評說的是繁體：組織、發展。", "正文甲。", Lang::Hans),
            Lang::Hant
        );
        assert_eq!(case("案例N2", "某县委组织部", "", "正文甲。", Lang::Hant), Lang::Hans);
        // a text that tells wins over the site
        assert_eq!(case("组织生活", "某市", "", "正文。", Lang::Hant), Lang::Hans);
    }

    #[test]
    fn url_paths_are_safe_segments() {
        let p = |s: &str, slug| url_path(Path::new(s), Kind::Case, slug);
        assert_eq!(p("content/cases/a b.md", None).unwrap(), "cases/a-b/");
        assert_eq!(p("content/cases/x.md", Some("../../etc")).unwrap(), "cases/etc/");
        assert!(p("content/cases/“”.md", None).is_err());
    }
}
