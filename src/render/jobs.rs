//! The output jobs of a build and what each reads. Every job declares its inputs once, in
//! [`Renderer::inputs`]: rendering takes the pages it shows from that declaration, and the
//! fingerprint that `serve` and the build cache compare is the hash of exactly that
//! declaration, so the two cannot drift apart.

use super::Renderer;
use crate::content::Kind;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};

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
    /// `/data/NAME/`: one dataset (index in `Datasets`), 1-based page of its table.
    Dataset(usize, usize),
    /// `/data/NAME.csv`: the dataset's CSV as UTF-8 with a BOM, and a workbook as it was saved.
    DataCsv(usize),
    /// The search index: many shard files from every page.
    Search,
    /// What search results show of a run of pages ([`super::search::PAGES_PER_DOCS_JOB`] of
    /// them, in the library's order, from this run's number times that): a job of its own, so
    /// that an edit writes the run of the page it changed, not the text of every page.
    SearchDocs(usize),
    /// `/orgs/`: the organisation tree with its disclosure rates.
    OrgIndex,
    /// `/orgs/NAME/`: one organisation's catalogue (index in the tree).
    Org(usize),
    /// An old address of a page (`Page::old_paths`, page then address), pointing to where
    /// the page is now.
    Redirect(usize, usize),
}

/// What one job reads from the library besides what every job reads (settings, templates,
/// data, the release history, the date and the audience: the build's `salt`).
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// The pages the output shows, under the name its template knows them by, in order.
    pub lists: Vec<(&'static str, Vec<usize>)>,
    /// Kinds whose every page the output counts or summarises (group counts, the sitemap,
    /// the search index).
    pub all_of: Vec<Kind>,
    /// How many pages a paginated listing has in all (its pages show one slice of them).
    pub total: usize,
    /// Other figures the output prints: terms' names and counts, a feed's date.
    pub facts: Vec<String>,
    /// The lists are shown as cards ([`super::views::Card`]) and nothing more of their pages:
    /// they are fingerprinted by what a card shows, so that an edit to a body below its
    /// summary renders the page alone, not every listing that shows it.
    pub cards: bool,
    /// The output shows every page's address and date, and nothing else of them (the sitemap).
    pub addresses: bool,
}

impl Inputs {
    fn list(name: &'static str, pages: Vec<usize>) -> Inputs {
        Inputs { lists: vec![(name, pages)], ..Default::default() }
    }

    /// The pages under `name`, shown as cards only.
    fn cards(name: &'static str, pages: Vec<usize>) -> Inputs {
        Inputs { lists: vec![(name, pages)], cards: true, ..Default::default() }
    }

    /// The pages shown under `name`.
    pub fn pages(&self, name: &str) -> &[usize] {
        self.lists.iter().find(|(n, _)| *n == name).map(|(_, p)| p.as_slice()).unwrap_or(&[])
    }
}

/// A strong, persistent fingerprint: SHA-256, because the build cache keeps it between runs
/// and a collision would publish a stale page.
pub type Fingerprint = [u8; 32];

/// A job with the fingerprint of everything its output depends on.
pub struct Planned {
    pub job: Job,
    /// What the job is, stable across builds: a page job is named by its page's address, not
    /// its position, so that a page moving in the order does not look like a change.
    pub key: String,
    pub fingerprint: Fingerprint,
}

/// Lets `Hash` feed SHA-256.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"))
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes)
    }
}

impl Renderer<'_> {
    /// Every job of the build, made once for this renderer.
    pub fn jobs(&self) -> &[Job] {
        self.listed.get_or_init(|| self.list_jobs())
    }

    fn list_jobs(&self) -> Vec<Job> {
        let lib = self.library;
        // the archive page exists before the first release too, so its link never breaks
        let mut jobs = vec![Job::Search, Job::Home, Job::NotFound, Job::Sitemap, Job::Archive];
        jobs.extend((0..lib.pages.len()).map(Job::Page));
        jobs.extend(self.redirects());
        if self.search && super::search::enabled(self.tera) {
            jobs.extend(
                (0..lib.pages.len().div_ceil(super::search::PAGES_PER_DOCS_JOB)).map(Job::SearchDocs),
            );
        }
        for kind in Kind::LISTED {
            let n = self.of_kind(kind).len();
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
            for (i, ds) in self.data.iter().enumerate() {
                jobs.extend((1..=crate::data::paths::page_count(ds)).map(|n| Job::Dataset(i, n)));
                jobs.push(Job::DataCsv(i));
            }
        }
        jobs
    }

    /// A redirect at each old address that no page of this build has taken; of two pages with
    /// one old address, the first in the library's order keeps it. Only the pages this build
    /// shows are here, so a party-only case leaves no trace in the public build.
    fn redirects(&self) -> Vec<Job> {
        let pages = &self.library.pages;
        // a set to ask, not to walk: its order does not matter
        let mut taken: std::collections::HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
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

    /// The declaration: what `job` reads from the library.
    pub fn inputs(&self, job: &Job) -> Inputs {
        let lib = self.library;
        let per = self.config.paginate;
        let slice = |items: &[usize], number: usize| {
            let mut inputs =
                Inputs::cards("pages", items.iter().skip((number - 1) * per).take(per).copied().collect());
            inputs.total = items.len();
            inputs
        };
        let first = |kind, n| self.of_kind(kind).iter().take(n).copied().collect::<Vec<_>>();
        match job {
            Job::Page(i) => Inputs::list("page", vec![*i]),
            // the job names its old address; the page gives the title, language and new address
            Job::Redirect(i, _) => Inputs::cards("page", vec![*i]),
            Job::Home => {
                let open = self
                    .of_kind(Kind::Disclosure)
                    .iter()
                    .copied()
                    .filter(|&i| super::views::is_open(&lib.pages[i], lib.as_of))
                    .collect();
                Inputs {
                    lists: vec![
                        ("cases", first(Kind::Case, 10)),
                        ("reviews", first(Kind::Review, 3)),
                        ("disclosures", first(Kind::Disclosure, 5)),
                        ("open_notices", open),
                    ],
                    cards: true,
                    ..Default::default()
                }
            }
            Job::Section(kind, number) => {
                let mut inputs = slice(self.of_kind(*kind), *number);
                if *kind == Kind::Disclosure {
                    // the side navigation counts every group
                    inputs.all_of.push(Kind::Disclosure);
                }
                inputs
            }
            Job::Group(g, number) => {
                let group = &lib.groups[*g];
                let mut inputs = slice(&group.pages, *number);
                inputs.all_of.push(Kind::Disclosure);
                // the group's name heads its page: its cards need not change when it does
                inputs.facts.push(format!("{}\t{}\t{}", group.facet, group.name, group.path));
                inputs
            }
            Job::Term(t, i, number) => {
                let tax = &lib.taxonomies[*t];
                let term = &tax.terms[*i];
                let mut inputs = slice(&term.pages, *number);
                // the term's name heads its page, and its slug is where the page stands: a tag
                // renamed keeps its place among the terms and its cards (found by a hostile review)
                inputs.facts.push(format!("{}\t{}\t{}", tax.key, term.name, term.slug));
                for child in super::children(tax, term) {
                    inputs.facts.push(format!("{}\t{}\t{}", child.name, child.slug, child.count));
                }
                inputs
            }
            Job::TaxonomyIndex(t) => Inputs {
                facts: lib.taxonomies[*t]
                    .terms
                    .iter()
                    .map(|term| format!("{}\t{}\t{}", term.name, term.slug, term.pages.len()))
                    .collect(),
                ..Default::default()
            },
            Job::Feed(kind) => {
                let mut inputs = Inputs::list("pages", first(*kind, 50));
                let updated = self.of_kind(*kind).iter().filter_map(|&i| lib.pages[i].date).max();
                inputs.facts.push(format!("{updated:?}"));
                inputs
            }
            Job::OrgIndex | Job::Org(_) => Inputs { all_of: vec![Kind::Disclosure], ..Default::default() },
            Job::Sitemap => Inputs { addresses: true, ..Default::default() },
            Job::Search => Inputs { all_of: Kind::ALL.to_vec(), ..Default::default() },
            Job::SearchDocs(run) => {
                let per = super::search::PAGES_PER_DOCS_JOB;
                let pages = (run * per..((run + 1) * per).min(lib.pages.len())).collect();
                Inputs::list("pages", pages)
            }
            Job::NotFound | Job::Archive | Job::DataIndex | Job::Dataset(..) | Job::DataCsv(_) => {
                Inputs::default()
            }
        }
    }

    /// Every job with its fingerprint: `salt` (what every job reads), the job itself and the
    /// hash of its declared inputs.
    pub fn plan(&self, salt: &[u8]) -> Vec<Planned> {
        let pages: Vec<Fingerprint> = self
            .library
            .pages
            .par_iter()
            .map(|p| {
                Sha256::new().chain_update(&p.path).chain_update([0]).chain_update(&p.hash).finalize().into()
            })
            .collect();
        let cards: Vec<Fingerprint> =
            self.library.pages.par_iter().map(super::views::Card::fingerprint).collect();
        let addresses: Fingerprint = {
            let mut h = Sha256::new();
            for p in &self.library.pages {
                h.update(&p.path);
                h.update([0]);
                h.update(p.date.map(|d| d.to_string()).unwrap_or_default());
                h.update([0]);
            }
            h.finalize().into()
        };
        let kinds: Vec<(Kind, Fingerprint)> = Kind::ALL
            .iter()
            .map(|&kind| {
                let mut h = Sha256::new();
                for &i in self.of_kind(kind) {
                    h.update(pages[i]);
                }
                (kind, h.finalize().into())
            })
            .collect();
        // What every page's frame shows of the library besides the salt: the datasets this build
        // may publish (their list, and the 统计数据 link while there is one) and whether there
        // is an organisation tree. Both follow from which pages are party-only.
        let shared: (Vec<&str>, bool) =
            (self.data.iter().map(|d| d.name.as_str()).collect(), self.library.catalogue.is_some());
        self.jobs()
            .par_iter()
            .cloned()
            .map(|job| {
                let mut h = ShaHasher(Sha256::new());
                salt.hash(&mut h);
                (self.library.as_of, self.library.audience, self.search).hash(&mut h);
                shared.hash(&mut h);
                let inputs = self.inputs(&job);
                let key = match &job {
                    Job::Page(i) => format!("page:{}", self.library.pages[*i].path),
                    Job::Redirect(i, o) => format!("redirect:{}", self.library.pages[*i].old_paths[*o]),
                    job => format!("{job:?}"),
                };
                // a page's job is named by its address, not its place in the library; any other
                // job is named by its place among its kind's, and where it writes is hashed too,
                // so that a job whose address moves is never taken for the one that stood there
                if matches!(job, Job::Page(_) | Job::Redirect(..)) {
                    key.hash(&mut h);
                } else {
                    job.hash(&mut h);
                    self.address(&job).hash(&mut h);
                }
                let prints = if inputs.cards { &cards } else { &pages };
                for (name, list) in &inputs.lists {
                    (name, list.len()).hash(&mut h);
                    for &i in list {
                        prints[i].hash(&mut h);
                    }
                }
                if inputs.addresses {
                    addresses.hash(&mut h);
                }
                for kind in &inputs.all_of {
                    kinds.iter().find(|(k, _)| k == kind).map(|(_, f)| f).hash(&mut h);
                }
                (inputs.total, &inputs.facts).hash(&mut h);
                Planned { fingerprint: h.0.finalize().into(), key, job }
            })
            .collect()
    }

    /// The pages of one kind, in the library's order.
    pub(super) fn of_kind(&self, kind: Kind) -> &[usize] {
        &self.kinds[kind as usize]
    }

    pub(super) fn page_count(&self, items: usize) -> usize {
        items.div_ceil(self.config.paginate).max(1)
    }
}

/// The pages of each kind, indexed by `Kind as usize`: listings look them up once per build
/// instead of filtering the whole library for every listing page.
pub fn by_kind(pages: &[crate::content::Page]) -> [Vec<usize>; 4] {
    let mut out: [Vec<usize>; 4] = Default::default();
    for (i, p) in pages.iter().enumerate() {
        out[p.kind as usize].push(i);
    }
    out
}
