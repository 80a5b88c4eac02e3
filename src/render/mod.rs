//! Render: pure functions from the resolved library to `(output path, bytes)`, run in
//! parallel. Every output of a build is one `Job`.

pub mod dataset;
/// The UI strings live below every stage (resolve's revision diff labels its changes too).
pub use crate::i18n;
pub mod jobs;
pub mod links;
pub mod orgs;
pub mod qr;
pub mod search;
pub mod shortcodes;
pub mod templates;
pub mod views;

/// A release as the archive page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edition {
    pub version: String,
    pub date: String,
    pub note: String,
    pub path: String,
    /// Pages added, changed and removed since the release before.
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// One output file: its path below the output folder and its bytes.
pub type Output = (String, Vec<u8>);

use crate::config::Config;
use crate::content::{Kind, Page};
use crate::resolve::{Library, Taxonomy, Term};
use crate::text::format_date_zh;
use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use tera::{Context, Tera};
use views::{Card, PageView};

pub use jobs::{Fingerprint, Inputs, Job, Planned};

/// What the whole site shares in every template.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    lang: &'static str,
    base_url: &'a str,
    /// Relative way back to the site root from the page being rendered (`../../`).
    root: String,
    organisation: &'a str,
    as_of: String,
    /// Set in an internal build: the banner every page carries.
    audience_label: Option<&'static str>,
    /// Whether the site has a `/data/` section to link to.
    has_data: bool,
    /// Whether the site has an organisation tree (`/orgs/`).
    has_orgs: bool,
    t: &'a i18n::Strings,
    /// `header.html` and `footer.html` rendered with the rest of this view: the same for every
    /// page at one depth, so made once per depth. Each page drawing them anew was a fifth of
    /// the CPU of a build (about 40 µs of variable lookups a page).
    header: String,
    footer: String,
}

/// A page's old address: where it is now, relative (the refresh and the link) and absolute
/// (`canonical`, with the site's `base_url`).
#[derive(Serialize)]
struct RedirectView<'a> {
    title: &'a str,
    lang: &'static str,
    target: String,
    path: &'a str,
}

#[derive(Serialize)]
struct PrintView {
    address: String,
    qr: Option<String>,
}

#[derive(Serialize)]
struct Paginator {
    number: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

pub struct Renderer<'a> {
    pub config: &'a Config,
    pub library: &'a Library,
    pub tera: &'a Tera,
    /// Archived editions, newest first, for the home page and `/archive/`.
    pub editions: &'a [Edition],
    pub data: &'a crate::data::Datasets,
    /// Whether to build the search index (off only to measure what it costs).
    pub search: bool,
    /// The pages of each kind (see [`jobs::by_kind`]).
    pub kinds: [Vec<usize>; 4],
    /// Where the pages' bodies are kept.
    pub bodies: &'a crate::content::bodies::Bodies,
    /// Contexts holding the site's view, ready for the next page (see [`Renderer::render_in_site`]).
    pub contexts: SiteContexts,
    /// Every job, listed once: the address check and the plan both read the list, and making
    /// it twice was a tenth of a `serve` edit at 10,000 pages.
    pub listed: std::sync::OnceLock<Vec<Job>>,
}

/// Template contexts that hold only the site's view, by the depth of the page they were made
/// for: the view is the same for every page at one depth, and turning it into template values
/// (its UI strings alone are 150 entries) for each of 270,000 outputs was a tenth of a build.
#[derive(Default)]
pub struct SiteContexts(std::sync::Mutex<std::collections::HashMap<usize, Vec<Context>>>);

impl Renderer<'_> {
    /// What failed, said as the user knows it: the page of a content file, or the output's
    /// address, never an index into the library.
    pub fn describe(&self, job: &Job) -> String {
        match job {
            Job::Page(i) => {
                let source = self.library.pages[*i].source.display();
                t!("rendering the page of {source}", "生成 {source} 的页面时出错")
            }
            Job::Redirect(i, o) => {
                let old = &self.library.pages[*i].old_paths[*o];
                t!("rendering the redirect at /{old}", "生成 /{old} 的跳转页时出错")
            }
            Job::Dataset(i, _) | Job::DataCsv(i) => {
                let name = self.data.get(*i).map_or("?", |d| d.name.as_str());
                t!("rendering the page of data/{name}", "生成 data/{name} 的页面时出错")
            }
            job => {
                let at = self.address(job);
                t!("rendering /{at}", "生成 /{at} 时出错")
            }
        }
    }

    /// Pages at an address where gongkai makes a page of its own (`content/search.md` at the
    /// search page's `/search/`, `content/tags.md` at the tag index): each refused at its file,
    /// before anything is written, instead of two outputs failing (or, under `serve`, one
    /// replacing the other) when both are made.
    pub fn address_clashes(&self) -> Vec<crate::Diagnostic> {
        let generated: std::collections::HashMap<String, &Job> = self
            .jobs()
            .iter()
            .filter(|j| !matches!(j, Job::Page(_) | Job::Redirect(..)))
            .map(|j| (self.address(j), j))
            .collect();
        let mut found = Vec::new();
        for page in &self.library.pages {
            let addresses =
                std::iter::once((&page.path, false)).chain(page.old_paths.iter().map(|p| (p, true)));
            for (address, old) in addresses {
                // `archive/` holds the released editions, each under its version, now and later
                let what = match generated.get(address.as_str()) {
                    Some(job) => self.generated_name(job),
                    None if address.starts_with("archive/") => t!("the archived editions", "历史版本存档"),
                    None => continue,
                };
                let message = match old {
                    false => t!(
                        "this page's address /{address} is where gongkai makes {what}",
                        "这个页面的网址 /{address} 是 gongkai 生成{what}的位置"
                    ),
                    true => t!(
                        "this page's earlier address /{address}, where a redirect to it stands, is where gongkai makes {what}",
                        "这个页面的旧网址 /{address}（那里会放一个跳转页）是 gongkai 生成{what}的位置"
                    ),
                };
                found.push(crate::Diagnostic::new(&page.source, 0, message).with_hint(t!(
                    "rename the file, or give it a `slug` of its own",
                    "请给这个文件改名，或给它另写一个 `slug`"
                )));
            }
        }
        found
    }

    /// What a generated job's page is, for [`Renderer::address_clashes`].
    fn generated_name(&self, job: &Job) -> String {
        match job {
            Job::Home => t!("the home page", "首页"),
            Job::Search | Job::SearchDocs(_) => t!("the search page", "搜索页"),
            Job::Archive => t!("the list of released editions", "历史版本列表"),
            Job::DataIndex | Job::Dataset(..) | Job::DataCsv(_) => t!("a page of the data", "统计数据页"),
            Job::OrgIndex | Job::Org(_) => t!("a page of the organisations", "组织页"),
            Job::TaxonomyIndex(_) | Job::Term(..) => t!("a page of the tags and categories", "分类索引页"),
            _ => t!("a listing", "列表页"),
        }
    }

    /// Where a job's (first) output stands below the site root, as a reader would type it:
    /// what an error names instead of the job's place in the plan.
    pub(super) fn address(&self, job: &Job) -> String {
        let lib = self.library;
        let numbered = |base: String, n: usize| if n > 1 { format!("{base}page/{n}/") } else { base };
        match job {
            Job::Home => String::new(),
            Job::NotFound => "404.html".into(),
            Job::Section(kind, n) => numbered(format!("{}/", kind.folder()), *n),
            Job::TaxonomyIndex(t) => {
                lib.taxonomies.get(*t).map(|x| format!("{}/", x.key)).unwrap_or_default()
            }
            Job::Term(t, i, n) => {
                match lib.taxonomies.get(*t).and_then(|x| Some((x.key, x.terms.get(*i)?))) {
                    Some((key, term)) => numbered(format!("{key}/{}/", term.slug), *n),
                    None => String::new(),
                }
            }
            Job::Feed(kind) => format!("{}/atom.xml", kind.folder()),
            Job::Sitemap => "sitemap.xml".into(),
            Job::Archive => "archive/".into(),
            Job::Group(g, n) => lib.groups.get(*g).map(|x| numbered(x.path.clone(), *n)).unwrap_or_default(),
            Job::DataIndex => "data/".into(),
            Job::Search => "search/".into(),
            Job::SearchDocs(_) => "search/d/".into(),
            Job::OrgIndex => "orgs/".into(),
            Job::Org(i) => lib
                .catalogue
                .as_ref()
                .and_then(|c| c.tree.orgs.get(*i))
                .map(|o| o.path.clone())
                .unwrap_or_default(),
            Job::Page(i) | Job::Redirect(i, _) => {
                lib.pages.get(*i).map(|p| p.path.clone()).unwrap_or_default()
            }
            // where the outputs are, which is not always `data/NAME/`: a clash with a page must
            // be found at the address the page takes (found by a hostile review)
            Job::Dataset(i, n) => {
                self.data.get(*i).map(|d| crate::data::paths::table_page_path(d, *n)).unwrap_or_default()
            }
            Job::DataCsv(i) => self.data.get(*i).map(crate::data::paths::csv_path).unwrap_or_default(),
        }
    }

    /// Renders every output; `progress` is told (done, total) as pages finish.
    pub fn render_all(
        &self,
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> Result<Vec<crate::render::Output>> {
        let outputs = self.render_jobs(self.jobs(), progress)?;
        Ok(outputs.into_iter().flatten().collect())
    }

    /// Renders `jobs` in parallel; the outputs of each job, in the order of `jobs`. The search
    /// index is one job among the others and is built while the pages render.
    pub fn render_jobs(
        &self,
        jobs: &[Job],
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> Result<Vec<Vec<crate::render::Output>>> {
        self.render_each(jobs, progress, &|out| Ok(out))
    }

    /// Renders every job and hands each output to `sink` as soon as it exists, so a build can
    /// write pages out instead of holding the whole site; returns what `sink` returned.
    pub fn render_each<R: Send>(
        &self,
        jobs: &[Job],
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
        sink: &(dyn Fn(crate::render::Output) -> Result<R> + Sync),
    ) -> Result<Vec<Vec<R>>> {
        let total = jobs.len() as u64;
        let done = AtomicU64::new(0);
        jobs.par_iter()
            .map(|job| {
                let out = self.render_job_into(job, sink).with_context(|| self.describe(job));
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = progress {
                    if n.is_multiple_of(64) || n == total {
                        p(n, total);
                    }
                }
                out
            })
            .collect()
    }

    /// Renders `job`, handing each output to `sink` as soon as it exists (the search index is
    /// many files, too large at 100,000 pages to hold until the last is made); what `sink`
    /// returned for each.
    pub fn render_job_into<R: Send>(
        &self,
        job: &Job,
        sink: &(dyn Fn(crate::render::Output) -> Result<R> + Sync),
    ) -> Result<Vec<R>> {
        match job {
            Job::Search => search::outputs_each(self, sink)
                .context(t!("building the search index", "生成搜索索引时出错")),
            Job::SearchDocs(_) => search::docs_each(self, &self.inputs(job), sink)
                .context(t!("building the search index", "生成搜索索引时出错")),
            job => self.render_job(job)?.into_iter().map(sink).collect(),
        }
    }

    /// The outputs of `job`.
    pub fn render_job(&self, job: &Job) -> Result<Vec<crate::render::Output>> {
        match job {
            Job::Search | Job::SearchDocs(_) => self.render_job_into(job, &Ok),
            Job::DataCsv(i) => {
                Ok(crate::data::paths::downloads(self.data.get(*i).context("a dataset index")?))
            }
            job => self.render(job, &self.inputs(job)).map(|out| vec![out]),
        }
    }

    fn t(&self) -> &'static i18n::Strings {
        i18n::strings(self.config.language)
    }

    fn site(&self, path: &str) -> Result<SiteView<'_>> {
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        self.site_at("../".repeat(depth))
    }

    /// The site's view for a page whose way back to the site root is `root`, its header and
    /// footer drawn.
    fn site_at(&self, root: String) -> Result<SiteView<'_>> {
        let mut view = SiteView {
            title: &self.config.title,
            description: &self.config.description,
            lang: self.config.language.code(),
            base_url: &self.config.base_url,
            root,
            organisation: &self.config.organisation,
            as_of: format_date_zh(self.library.as_of),
            audience_label: (self.library.audience != Default::default())
                .then(|| self.library.audience.label()),
            has_data: !self.data.is_empty(),
            has_orgs: self.library.catalogue.is_some(),
            t: self.t(),
            header: String::new(),
            footer: String::new(),
        };
        let mut ctx = Context::new();
        ctx.insert("site", &view);
        let draw = |name: &str| {
            self.tera.render(name, &ctx).with_context(|| {
                t!(
                    "rendering {name}, which is drawn once for all pages and may use only `site` (not `page` or another page's variable)",
                    "生成 {name} 时出错：它为所有页面只生成一次，只能用 `site`（不能用 `page` 等某一页的变量）"
                )
            })
        };
        (view.header, view.footer) = (draw("header.html")?, draw("footer.html")?);
        Ok(view)
    }

    fn card<'p>(&'p self, page: &'p Page) -> Card<'p> {
        Card::new(page, self.library.as_of, self.t(), self.config.language)
    }

    /// One page of HTML for `job`, from the pages its declared `inputs` name.
    fn render(&self, job: &Job, inputs: &Inputs) -> Result<crate::render::Output> {
        let lib = self.library;
        let cards =
            |name: &str| inputs.pages(name).iter().map(|&i| self.card(&lib.pages[i])).collect::<Vec<_>>();
        let mut ctx = Context::new();
        let (path, template) = match job {
            Job::Home => {
                for (name, _) in &inputs.lists {
                    ctx.insert(*name, &cards(name));
                }
                ctx.insert("editions", self.editions);
                (String::new(), "index.html")
            }
            Job::NotFound => {
                ctx.insert("site", &self.site_at(base_path(&self.config.base_url))?);
                return Ok(("404.html".into(), self.tera.render("404.html", &ctx)?.into_bytes()));
            }
            Job::Page(_) => {
                let page = &lib.pages[*inputs.pages("page").first().context("a page job names its page")?];
                ctx.insert("page", &self.page_view(page)?);
                ctx.insert("print", &self.print_view(page));
                let template = match page.kind {
                    Kind::Case => "case.html",
                    Kind::Disclosure => "disclosure.html",
                    Kind::Review => "review.html",
                    Kind::Page => "page.html",
                };
                (page.path.clone(), template)
            }
            Job::Section(kind, number) => {
                let base = format!("{}/", kind.folder());
                let title = self.t()[kind.key()].clone();
                ctx.insert("feed", &format!("{base}atom.xml"));
                if *kind == Kind::Disclosure {
                    ctx.insert("groups", &self.group_links());
                }
                (self.listing(&mut ctx, &base, &title, cards("pages"), inputs.total, *number), "list.html")
            }
            Job::TaxonomyIndex(t) => {
                let tax = &lib.taxonomies[*t];
                ctx.insert("taxonomy", &TaxonomyView::new(tax, self.t()));
                (format!("{}/", tax.key), "taxonomy.html")
            }
            Job::Term(t, i, number) => {
                let tax = &lib.taxonomies[*t];
                let term = &tax.terms[*i];
                let base = format!("{}/{}/", tax.key, term.slug);
                // the term page needs the taxonomy's key, not the list of all its terms
                ctx.insert("taxonomy", &serde_json::json!({ "key": tax.key }));
                ctx.insert("term", term);
                ctx.insert("children", &children(tax, term));
                let title = format!("{}：{}", self.t()[tax.key], term.name);
                (self.listing(&mut ctx, &base, &title, cards("pages"), inputs.total, *number), "list.html")
            }
            Job::Group(g, number) => {
                let group = &lib.groups[*g];
                let title = match group.facet {
                    "open" => self.group_name(group).into_owned(),
                    facet => format!("{}：{}", self.t()[facet], self.group_name(group)),
                };
                ctx.insert("groups", &self.group_links());
                (
                    self.listing(&mut ctx, &group.path, &title, cards("pages"), inputs.total, *number),
                    "list.html",
                )
            }
            Job::Archive => {
                ctx.insert("editions", self.editions);
                ("archive/".to_string(), "archive.html")
            }
            Job::Feed(kind) => return self.feed(*kind, inputs),
            Job::Sitemap => return self.sitemap(),
            Job::DataIndex => {
                ctx.insert("datasets", &dataset::index(self.data));
                ("data/".to_string(), "data.html")
            }
            Job::Dataset(i, number) => {
                let ds = self.data.get(*i).context("a dataset index")?;
                let path = crate::data::paths::table_page_path(ds, *number);
                let root = "../".repeat(path.matches('/').count());
                let mut view = dataset::page(ds, self.data, *number);
                if *number == 1 {
                    view.chart = self.dataset_chart(ds, &root)?;
                }
                ctx.insert("dataset", &view);
                (path, "dataset.html")
            }
            Job::OrgIndex => {
                let cat = lib.catalogue.as_ref().context("a catalogue")?;
                ctx.insert("orgs", &orgs::tree(cat));
                ctx.insert("rules", &orgs::rules(cat, self.t()));
                ("orgs/".to_string(), "orgs.html")
            }
            Job::Org(i) => {
                let cat = lib.catalogue.as_ref().context("a catalogue")?;
                let view = orgs::page(cat, *i, self.t());
                let cards: Vec<Card> =
                    cat.pages_of.get(i).into_iter().flatten().map(|&p| self.card(&lib.pages[p])).collect();
                ctx.insert("pages", &cards);
                ctx.insert("view", &view);
                (cat.tree.orgs[*i].path.clone(), "org.html")
            }
            Job::Redirect(_, o) => {
                let page = &lib.pages[*inputs.pages("page").first().context("a redirect names its page")?];
                let old = page.old_paths[*o].clone();
                let root = "../".repeat(old.split('/').filter(|s| !s.is_empty()).count());
                let view = RedirectView {
                    title: &page.title,
                    lang: page.lang.code(),
                    target: format!("{root}{}", page.path),
                    path: &page.path,
                };
                ctx.insert("redirect", &view);
                (old, "redirect.html")
            }
            Job::Search | Job::SearchDocs(_) | Job::DataCsv(_) => unreachable!("rendered by render_job"),
        };
        let html = self.render_in_site(template, ctx, &path)?;
        Ok((format!("{path}index.html"), html.into_bytes()))
    }

    /// Renders `template` with the page's own `page` context and the site's view for a page
    /// at `path`, taken from [`SiteContexts`] and given back with the page's values removed.
    fn render_in_site(&self, template: &str, page: Context, path: &str) -> Result<String> {
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        let pooled = self.contexts.0.lock().ok().and_then(|mut p| p.get_mut(&depth)?.pop());
        let mut ctx = match pooled {
            Some(ctx) => ctx,
            None => {
                let mut ctx = Context::new();
                ctx.insert("site", &self.site(path)?);
                ctx
            }
        };
        let page = page.into_json();
        let keys: Vec<String> = page.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        ctx.extend(Context::from_value(page)?);
        let html = self.tera.render(template, &ctx);
        for key in &keys {
            ctx.remove(key);
        }
        // a page that brought a `site` of its own took the pooled one with it
        if ctx.contains_key("site") {
            if let Ok(mut pool) = self.contexts.0.lock() {
                pool.entry(depth).or_default().push(ctx);
            }
        }
        Ok(html?)
    }

    /// What only the printed copy shows: the page's own address with its content hash, and
    /// the QR code of that address. Only a notice gets the code: it is the copy posted on the
    /// board, and drawing a code (the mask search above all) was a quarter of the time of a
    /// build of 10,000 cases.
    fn print_view(&self, page: &Page) -> PrintView {
        let address = qr::address(&self.config.base_url, &page.path, &page.hash);
        let label = format!("{}{}", i18n::strings(page.lang)["qr_label"], address);
        let qr = (page.kind == Kind::Disclosure).then(|| qr::svg(&address, &label)).flatten();
        PrintView { qr, address }
    }

    /// Fills a paginated listing of `total` pages, `cards` being those of page `number`, and
    /// returns its path.
    fn listing(
        &self,
        ctx: &mut Context,
        base: &str,
        title: &str,
        cards: Vec<Card>,
        total: usize,
        number: usize,
    ) -> String {
        let pages = self.page_count(total);
        let page_path = |n: usize| if n == 1 { base.to_string() } else { format!("{base}page/{n}/") };
        ctx.insert("title", title);
        ctx.insert("pages", &cards);
        ctx.insert("count", &total);
        ctx.insert(
            "paginator",
            &Paginator {
                number,
                total: pages,
                prev: (number > 1).then(|| page_path(number - 1)),
                next: (number < pages).then(|| page_path(number + 1)),
            },
        );
        page_path(number)
    }

    /// Links to every disclosure group, by facet, for the disclosure listings' side navigation.
    fn group_links(&self) -> Vec<GroupLinks<'_>> {
        let mut out: Vec<GroupLinks> = Vec::new();
        for g in &self.library.groups {
            if out.last().is_none_or(|l| l.facet != g.facet) {
                out.push(GroupLinks { facet: g.facet, label: &self.t()[g.facet], links: Vec::new() });
            }
            let last = out.last_mut().expect("pushed above");
            let name = self.group_name(g);
            last.links.push(TermView { name, slug: &g.path, count: g.pages.len(), depth: 0 });
        }
        out
    }

    /// A disclosure group's name in the site's script: a category's or the open notices' name
    /// is gongkai's own words, in simplified script; an organisation's is the site's.
    fn group_name<'g>(&self, group: &'g crate::resolve::library::Group) -> std::borrow::Cow<'g, str> {
        match (group.facet, self.config.language) {
            ("categories" | "open", crate::text::Lang::Hant) => {
                std::borrow::Cow::Owned(zhconv::zhconv(&group.name, zhconv::Variant::ZhHant))
            }
            _ => std::borrow::Cow::Borrowed(&group.name),
        }
    }

    /// Everything a page's template shows, its body read back from the store and its blocks
    /// drawn.
    fn page_view<'p>(&'p self, page: &'p Page) -> Result<PageView<'p>> {
        let content = self.bodies.html(&page.body)?;
        let commentary = match &page.extra {
            crate::content::Extra::Case(c) => {
                c.commentary.as_deref().map(|r| self.bodies.html(r)).transpose()?
            }
            _ => None,
        };
        PageView::new(page, self.library.as_of, content, commentary).with_blocks(page, self.drawer())
    }

    fn drawer(&self) -> shortcodes::Drawer<'_> {
        shortcodes::Drawer { tera: self.tera, data: self.data }
    }

    /// The chart a dataset's own page shows: its `[chart]`, or bars of every column of
    /// figures; none when it has none to draw.
    fn dataset_chart(&self, ds: &crate::data::Dataset, root: &str) -> Result<Option<String>> {
        let Some(spec) = crate::data::chart::default_spec(ds).ok().flatten() else { return Ok(None) };
        let Ok(data) = crate::data::chart::chart_data(&spec, ds) else { return Ok(None) };
        self.drawer().chart(data, ds, root, self.config.language).map(Some)
    }

    fn feed(&self, kind: Kind, inputs: &Inputs) -> Result<crate::render::Output> {
        let lib = self.library;
        let pages: Vec<PageView> =
            inputs.pages("pages").iter().map(|&i| self.page_view(&lib.pages[i])).collect::<Result<_>>()?;
        let updated = self.of_kind(kind).iter().filter_map(|&i| lib.pages[i].date).max();
        let mut ctx = Context::new();
        ctx.insert("site", &self.site("")?);
        ctx.insert("title", &self.t()[kind.key()]);
        ctx.insert("path", &format!("{}/", kind.folder()));
        ctx.insert("updated", &updated.map(|d| d.to_string()).unwrap_or_else(|| "1970-01-01".into()));
        ctx.insert("pages", &pages);
        let xml = self.tera.render("atom.xml", &ctx)?;
        Ok((format!("{}/atom.xml", kind.folder()), xml.into_bytes()))
    }

    fn sitemap(&self) -> Result<crate::render::Output> {
        #[derive(Serialize)]
        struct Url<'a> {
            path: &'a str,
            lastmod: Option<String>,
        }
        let mut urls: Vec<Url> = vec![Url { path: "", lastmod: None }];
        urls.extend(
            self.library.pages.iter().map(|p| Url { path: &p.path, lastmod: p.date.map(|d| d.to_string()) }),
        );
        urls.sort_by(|a, b| a.path.cmp(b.path));
        let mut ctx = Context::new();
        ctx.insert("site", &self.site("")?);
        ctx.insert("urls", &urls);
        Ok(("sitemap.xml".into(), self.tera.render("sitemap.xml", &ctx)?.into_bytes()))
    }
}

/// The path part of the base URL, for pages (404) that are served at any address.
fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".into(),
    }
}

#[derive(Serialize)]
struct TermView<'a> {
    name: std::borrow::Cow<'a, str>,
    slug: &'a str,
    count: usize,
    depth: usize,
}

#[derive(Serialize)]
struct GroupLinks<'a> {
    facet: &'static str,
    label: &'a str,
    links: Vec<TermView<'a>>,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    key: &'static str,
    label: &'a str,
    terms: Vec<TermView<'a>>,
}

impl<'a> TaxonomyView<'a> {
    fn new(tax: &'a Taxonomy, t: &'a i18n::Strings) -> Self {
        TaxonomyView {
            key: tax.key,
            label: &t[tax.key],
            terms: tax
                .terms
                .iter()
                .map(|term| TermView {
                    name: std::borrow::Cow::Borrowed(&term.name),
                    slug: &term.slug,
                    count: term.pages.len(),
                    depth: term.depth,
                })
                .collect(),
        }
    }
}

/// The next level of a region below `term`.
fn children<'a>(tax: &'a Taxonomy, term: &Term) -> Vec<TermView<'a>> {
    let prefix = format!("{}/", term.slug);
    tax.terms
        .iter()
        .filter(|t| t.depth == term.depth + 1 && t.slug.starts_with(&prefix))
        .map(|t| TermView {
            name: std::borrow::Cow::Borrowed(t.name.rsplit('/').next().unwrap_or(&t.name)),
            slug: &t.slug,
            count: t.pages.len(),
            depth: t.depth,
        })
        .collect()
}
