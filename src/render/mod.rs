//! Render: pure functions from the resolved library to `(output path, bytes)`, run in
//! parallel. Every output of a build is one `Job`.

pub mod i18n;
pub mod orgs;
pub mod qr;
pub mod search;
pub mod templates;
pub mod views;

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

/// One unit of rendering, producing one or more output files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Home,
    NotFound,
    Page(usize),
    /// A kind's index, 1-based page number.
    Section(Kind, usize),
    TaxonomyIndex(usize),
    /// Taxonomy, term, 1-based page number.
    Term(usize, usize, usize),
    Feed(Kind),
    Sitemap,
    /// `/archive/`: the list of released editions.
    Archive,
    /// A disclosure group of `Library::groups`, 1-based page number.
    Group(usize, usize),
    /// `/data/`: the list of datasets.
    DataIndex,
    /// `/data/NAME/`: one dataset (index in `Datasets`).
    Dataset(usize),
    /// `/data/NAME.csv`: the dataset's CSV as UTF-8 with a BOM, and a workbook as it was saved.
    DataCsv(usize),
    /// The search index: many shard files from every page.
    Search,
    /// `/orgs/`: the organisation tree with its disclosure rates.
    OrgIndex,
    /// `/orgs/NAME/`: one organisation's catalogue (index in the tree).
    Org(usize),
    /// An old address of a page (`Page::old_paths`, page then address), pointing to where
    /// the page is now.
    Redirect(usize, usize),
}

/// A job with the fingerprint of everything its output depends on, so that `serve` can
/// re-render only what a change touched.
pub struct Planned {
    pub job: Job,
    /// What the job is, stable across builds: a page job is named by its page's address, not
    /// its position, so that a page moving in the order does not look like a change.
    pub key: String,
    pub fingerprint: u64,
}

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
    pub editions: &'a [crate::versions::archive::Edition],
    pub data: &'a crate::data::Datasets,
    /// Whether to build the search index (off only to measure what it costs).
    pub search: bool,
}

impl Renderer<'_> {
    /// Renders every output; `progress` is told (done, total) as pages finish.
    pub fn render_all(
        &self,
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> Result<Vec<crate::write::Output>> {
        let jobs = self.jobs();
        let outputs = self.render_jobs(&jobs, progress)?;
        Ok(outputs.into_iter().flatten().collect())
    }

    /// Renders `jobs` in parallel; the outputs of each job, in the order of `jobs`. The search
    /// index is one job among the others and is built while the pages render.
    pub fn render_jobs(
        &self,
        jobs: &[Job],
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
    ) -> Result<Vec<Vec<crate::write::Output>>> {
        self.render_each(jobs, progress, &|out| Ok(out))
    }

    /// Renders every job and hands each output to `sink` as soon as it exists, so a build can
    /// write pages out instead of holding the whole site; returns what `sink` returned.
    pub fn render_each<R: Send>(
        &self,
        jobs: &[Job],
        progress: Option<&(dyn Fn(u64, u64) + Send + Sync)>,
        sink: &(dyn Fn(crate::write::Output) -> Result<R> + Sync),
    ) -> Result<Vec<Vec<R>>> {
        let total = jobs.len() as u64;
        let done = AtomicU64::new(0);
        jobs.par_iter()
            .map(|job| {
                let out = self
                    .render_job(job)
                    .with_context(|| format!("rendering {job:?}"))
                    .and_then(|outs| outs.into_iter().map(sink).collect::<Result<Vec<R>>>());
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

    fn render_job(&self, job: &Job) -> Result<Vec<crate::write::Output>> {
        match job {
            Job::Search => search::outputs(self).context("building the search index"),
            Job::DataCsv(i) => {
                Ok(crate::data::view::downloads(self.data.get(*i).context("a dataset index")?))
            }
            job => self.render(job).map(|out| vec![out]),
        }
    }

    /// Every job with its fingerprint: the job itself, the build's date and audience, and what
    /// of the pages its output shows or counts (their address and source hash, counts, names).
    pub fn plan(&self) -> Vec<Planned> {
        use std::hash::{Hash, Hasher};
        let pages: Vec<u64> = self
            .library
            .pages
            .par_iter()
            .map(|p| {
                let mut h = std::hash::DefaultHasher::new();
                (&p.path, &p.hash).hash(&mut h);
                h.finish()
            })
            .collect();
        self.jobs()
            .into_par_iter()
            .map(|job| {
                let mut h = std::hash::DefaultHasher::new();
                (self.library.as_of, self.library.audience).hash(&mut h);
                if !matches!(job, Job::Page(_) | Job::Redirect(..)) {
                    job.hash(&mut h);
                }
                self.hash_inputs(&job, &pages, &mut h);
                let key = match &job {
                    Job::Page(i) => format!("page:{}", self.library.pages[*i].path),
                    Job::Redirect(i, o) => format!("redirect:{}", self.library.pages[*i].old_paths[*o]),
                    job => format!("{job:?}"),
                };
                Planned { fingerprint: h.finish(), key, job }
            })
            .collect()
    }

    /// Feeds `h` what a job's output depends on besides the job itself. A listing page shows
    /// its own slice of pages and the total count, never the pages of its other pages.
    fn hash_inputs(&self, job: &Job, pages: &[u64], h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        let lib = self.library;
        let per = self.config.paginate;
        let slice = |items: &[usize], number: usize, h: &mut dyn std::hash::Hasher| {
            items.len().hash(&mut HashInto(h));
            for &i in items.iter().skip((number - 1) * per).take(per) {
                pages[i].hash(&mut HashInto(h));
            }
        };
        let all = |items: &mut dyn Iterator<Item = usize>, h: &mut dyn std::hash::Hasher| {
            for i in items {
                pages[i].hash(&mut HashInto(h));
            }
        };
        let of_kind = |kind| lib.of_kind(kind).map(|(i, _)| i).collect::<Vec<_>>();
        match job {
            Job::Page(i) => pages[*i].hash(h),
            Job::Redirect(i, o) => (pages[*i], &lib.pages[*i].old_paths[*o]).hash(h),
            Job::Home => {
                all(&mut lib.of_kind(Kind::Disclosure).map(|(i, _)| i), h);
                all(&mut lib.of_kind(Kind::Case).take(10).map(|(i, _)| i), h);
                all(&mut lib.of_kind(Kind::Review).take(3).map(|(i, _)| i), h);
            }
            // disclosure listings also carry the counts of every disclosure group
            Job::Section(Kind::Disclosure, _) | Job::Group(..) | Job::OrgIndex | Job::Org(_) => {
                all(&mut of_kind(Kind::Disclosure).into_iter(), h)
            }
            Job::Section(kind, number) => slice(&of_kind(*kind), *number, h),
            Job::Feed(kind) => {
                let items = of_kind(*kind);
                all(&mut items.iter().copied().take(50), h);
                lib.of_kind(*kind).filter_map(|(_, p)| p.date).max().hash(h);
            }
            Job::TaxonomyIndex(t) => {
                for term in &lib.taxonomies[*t].terms {
                    (&term.name, &term.slug, term.pages.len()).hash(h);
                }
            }
            Job::Term(t, i, number) => {
                let tax = &lib.taxonomies[*t];
                let term = &tax.terms[*i];
                slice(&term.pages, *number, h);
                for child in children(tax, term) {
                    (child.name, child.slug, child.count).hash(h);
                }
            }
            Job::Sitemap => {
                for p in &lib.pages {
                    (&p.path, p.date).hash(h);
                }
            }
            Job::Search => all(&mut (0..lib.pages.len()), h),
            Job::NotFound | Job::Archive | Job::DataIndex | Job::Dataset(_) | Job::DataCsv(_) => {}
        }
    }

    pub fn jobs(&self) -> Vec<Job> {
        let lib = self.library;
        // the archive page exists before the first release too, so its link never breaks
        let mut jobs = vec![Job::Search, Job::Home, Job::NotFound, Job::Sitemap, Job::Archive];
        jobs.extend((0..lib.pages.len()).map(Job::Page));
        jobs.extend(self.redirects());
        for kind in Kind::LISTED {
            let n = lib.of_kind(kind).count();
            jobs.extend((1..=self.page_count(n)).map(|p| Job::Section(kind, p)));
            jobs.push(Job::Feed(kind));
        }
        for (g, group) in lib.groups.iter().enumerate() {
            jobs.extend((1..=self.page_count(group.pages.len())).map(|p| Job::Group(g, p)));
        }
        for (t, tax) in lib.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyIndex(t));
            for (i, term) in tax.terms.iter().enumerate() {
                jobs.extend((1..=self.page_count(term.pages.len())).map(|p| Job::Term(t, i, p)));
            }
        }
        if let Some(cat) = &lib.catalogue {
            jobs.push(Job::OrgIndex);
            jobs.extend((0..cat.tree.orgs.len()).map(Job::Org));
        }
        if !self.data.is_empty() {
            jobs.push(Job::DataIndex);
            jobs.extend((0..self.data.len()).flat_map(|i| [Job::Dataset(i), Job::DataCsv(i)]));
        }
        jobs
    }

    /// A redirect at each old address that no page of this build has taken; of two pages with
    /// one old address, the first in the library's order keeps it. Only the pages this build
    /// shows are here, so a party-only case leaves no trace in the public build.
    fn redirects(&self) -> Vec<Job> {
        let pages = &self.library.pages;
        let mut taken: std::collections::BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let mut jobs = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            for (o, old) in page.old_paths.iter().enumerate() {
                if taken.insert(old) {
                    jobs.push(Job::Redirect(i, o));
                }
            }
        }
        jobs
    }

    fn page_count(&self, items: usize) -> usize {
        items.div_ceil(self.config.paginate).max(1)
    }

    fn t(&self) -> &'static i18n::Strings {
        i18n::strings(self.config.language)
    }

    fn site(&self, path: &str) -> SiteView<'_> {
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        SiteView {
            title: &self.config.title,
            description: &self.config.description,
            lang: self.config.language.code(),
            base_url: &self.config.base_url,
            root: "../".repeat(depth),
            organisation: &self.config.organisation,
            as_of: format_date_zh(self.library.as_of),
            audience_label: (self.library.audience != Default::default())
                .then(|| self.library.audience.label()),
            has_data: !self.data.is_empty(),
            has_orgs: self.library.catalogue.is_some(),
            t: self.t(),
        }
    }

    fn card<'p>(&'p self, page: &'p Page) -> Card<'p> {
        Card::new(page, self.library.as_of, self.t())
    }

    fn render(&self, job: &Job) -> Result<crate::write::Output> {
        let lib = self.library;
        let mut ctx = Context::new();
        let (path, template) = match job {
            Job::Home => {
                let cards =
                    |kind, n| lib.of_kind(kind).take(n).map(|(_, p)| self.card(p)).collect::<Vec<_>>();
                ctx.insert("cases", &cards(Kind::Case, 10));
                ctx.insert("editions", self.editions);
                ctx.insert("reviews", &cards(Kind::Review, 3));
                ctx.insert("disclosures", &cards(Kind::Disclosure, 5));
                let open: Vec<Card> = lib
                    .of_kind(Kind::Disclosure)
                    .map(|(_, p)| self.card(p))
                    .filter(|c| c.disclosure.as_ref().is_some_and(|d| d.status == Some("open")))
                    .collect();
                ctx.insert("open_notices", &open);
                (String::new(), "index.html")
            }
            Job::NotFound => {
                ctx.insert("site", &SiteView { root: base_path(&self.config.base_url), ..self.site("") });
                return Ok(("404.html".into(), self.tera.render("404.html", &ctx)?.into_bytes()));
            }
            Job::Page(i) => {
                let page = &lib.pages[*i];
                ctx.insert("page", &PageView::new(page, lib.as_of));
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
                let items: Vec<&Page> = lib.of_kind(*kind).map(|(_, p)| p).collect();
                let title = self.t()[kind.key()].clone();
                ctx.insert("feed", &format!("{base}atom.xml"));
                if *kind == Kind::Disclosure {
                    ctx.insert("groups", &self.group_links());
                }
                (self.listing(&mut ctx, &base, &title, &items, *number), "list.html")
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
                let items: Vec<&Page> = term.pages.iter().map(|&i| &lib.pages[i]).collect();
                // the term page needs the taxonomy's key, not the list of all its terms
                ctx.insert("taxonomy", &serde_json::json!({ "key": tax.key }));
                ctx.insert("term", term);
                ctx.insert("children", &children(tax, term));
                let title = format!("{}：{}", self.t()[tax.key], term.name);
                (self.listing(&mut ctx, &base, &title, &items, *number), "list.html")
            }
            Job::Group(g, number) => {
                let group = &lib.groups[*g];
                let items: Vec<&Page> = group.pages.iter().map(|&i| &lib.pages[i]).collect();
                let title = match group.facet {
                    "open" => group.name.clone(),
                    facet => format!("{}：{}", self.t()[facet], group.name),
                };
                ctx.insert("groups", &self.group_links());
                (self.listing(&mut ctx, &group.path, &title, &items, *number), "list.html")
            }
            Job::Archive => {
                ctx.insert("editions", self.editions);
                ("archive/".to_string(), "archive.html")
            }
            Job::Feed(kind) => return self.feed(*kind),
            Job::Sitemap => return self.sitemap(),
            Job::DataIndex => {
                ctx.insert("datasets", &crate::data::view::index(self.data));
                ("data/".to_string(), "data.html")
            }
            Job::Dataset(i) => {
                let ds = self.data.get(*i).context("a dataset index")?;
                let path = crate::data::view::page_path(ds);
                let root = "../".repeat(path.matches('/').count());
                ctx.insert("dataset", &crate::data::view::page(ds, &root));
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
            Job::Redirect(i, o) => {
                let page = &lib.pages[*i];
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
            Job::Search | Job::DataCsv(_) => unreachable!("rendered by render_job"),
        };
        ctx.insert("site", &self.site(&path));
        let html = self.tera.render(template, &ctx)?;
        Ok((format!("{path}index.html"), html.into_bytes()))
    }

    /// What only the printed copy shows: the page's own address with its content hash, and
    /// the QR code of that address.
    fn print_view(&self, page: &Page) -> PrintView {
        let address = qr::address(&self.config.base_url, &page.path, &page.hash);
        let label = format!("{}{}", i18n::strings(page.lang)["qr_label"], address);
        PrintView { qr: qr::svg(&address, &label), address }
    }

    /// Fills a paginated listing and returns its path.
    fn listing(&self, ctx: &mut Context, base: &str, title: &str, items: &[&Page], number: usize) -> String {
        let per = self.config.paginate;
        let total = self.page_count(items.len());
        let page_path = |n: usize| if n == 1 { base.to_string() } else { format!("{base}page/{n}/") };
        let cards: Vec<Card> =
            items.iter().skip((number - 1) * per).take(per).map(|p| self.card(p)).collect();
        ctx.insert("title", title);
        ctx.insert("pages", &cards);
        ctx.insert("count", &items.len());
        ctx.insert(
            "paginator",
            &Paginator {
                number,
                total,
                prev: (number > 1).then(|| page_path(number - 1)),
                next: (number < total).then(|| page_path(number + 1)),
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
            last.links.push(TermView { name: &g.name, slug: &g.path, count: g.pages.len(), depth: 0 });
        }
        out
    }

    fn feed(&self, kind: Kind) -> Result<crate::write::Output> {
        let pages: Vec<PageView> =
            self.library.of_kind(kind).take(50).map(|(_, p)| PageView::new(p, self.library.as_of)).collect();
        let updated = self.library.of_kind(kind).filter_map(|(_, p)| p.date).max();
        let mut ctx = Context::new();
        ctx.insert("site", &self.site(""));
        ctx.insert("title", &self.t()[kind.key()]);
        ctx.insert("path", &format!("{}/", kind.folder()));
        ctx.insert("updated", &updated.map(|d| d.to_string()).unwrap_or_else(|| "1970-01-01".into()));
        ctx.insert("pages", &pages);
        let xml = self.tera.render("atom.xml", &ctx)?;
        Ok((format!("{}/atom.xml", kind.folder()), xml.into_bytes()))
    }

    fn sitemap(&self) -> Result<crate::write::Output> {
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
        ctx.insert("site", &self.site(""));
        ctx.insert("urls", &urls);
        Ok(("sitemap.xml".into(), self.tera.render("sitemap.xml", &ctx)?.into_bytes()))
    }
}

/// Lets `Hash::hash` write into a `dyn Hasher`.
struct HashInto<'a>(&'a mut dyn std::hash::Hasher);

impl std::hash::Hasher for HashInto<'_> {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes)
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
    name: &'a str,
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
                    name: &term.name,
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
            name: t.name.rsplit('/').next().unwrap_or(&t.name),
            slug: &t.slug,
            count: t.pages.len(),
            depth: t.depth,
        })
        .collect()
}
