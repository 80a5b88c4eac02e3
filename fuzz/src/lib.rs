//! What each fuzz target does with one input. `tests/testsuite/check.rs` includes this file by
//! path, so a kept input runs in `cargo test` exactly as the fuzzer ran it. Every function must
//! return, whatever the bytes: a content problem is a diagnostic, never a panic, a hang or a
//! heap filled to the brim.

use gongkai::config::{Calendar, Config};
use gongkai::content::{self, disclosure::Period, ParseContext};
use gongkai::data::{format, number, Datasets};
use gongkai::resolve::{catalogue, orgs::OrgTree, shortcodes};
use gongkai::{text, Audience};
use std::path::{Path, PathBuf};

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// Every target by its name, which is also its file under fuzz_targets/ and its folder of
/// kept inputs under tests/fuzz_regressions/.
pub const TARGETS: [(&str, Target); 5] = [
    ("front_matter", front_matter),
    ("bulletin", bulletin),
    ("csv_numbers", csv_numbers),
    ("shortcodes", shortcodes),
    ("periods_calendar", periods_calendar),
];

/// A `csv_numbers` input holding this line is a description (`data/x.toml`) above it and the
/// CSV below it.
pub const CSV_SPLIT: &str = "\n#### csv\n";

/// One whole content file, as each kind of page: the front matter and body of every kind,
/// shortcodes and Markdown, the privacy guard.
pub fn front_matter(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let calendar = Calendar::default();
    let ctx = ParseContext::new(&calendar);
    for rel in ["content/disclosures/x.md", "content/cases/x.md", "content/reviews/x.md", "content/x.md"] {
        let _ = content::parse(Path::new(rel), &text, ctx);
    }
}

/// A bulletin as `gongkai import bulletin` reads it (any bytes: UTF-8, a BOM, GB18030), and
/// every case file it would write read back as the site reads a case.
pub fn bulletin(bytes: &[u8]) {
    let Ok(plan) = gongkai::import::plan_bulletin(Path::new("seeds/x.txt"), bytes) else { return };
    let calendar = Calendar::default();
    let ctx = ParseContext::new(&calendar);
    for (name, case) in plan.cases {
        let _ = content::parse(&Path::new("content/cases").join(name), &case, ctx);
    }
}

/// A CSV (with its description before [`CSV_SPLIT`], if there is one) as the site reads
/// `data/`, its table and its charts of every kind drawn, and every line of the input as a
/// figure.
pub fn csv_numbers(bytes: &[u8]) {
    let split = bytes.windows(CSV_SPLIT.len()).position(|w| w == CSV_SPLIT.as_bytes());
    let mut files = Vec::new();
    let csv = match split {
        Some(at) => {
            files.push((PathBuf::from("data/x.toml"), bytes[..at].to_vec()));
            &bytes[at + CSV_SPLIT.len()..]
        }
        None => bytes,
    };
    files.push((PathBuf::from("data/x.csv"), csv.to_vec()));
    let (sets, _) = Datasets::parse(&files);
    let _ = sets.privacy_problems();
    if !sets.is_empty() {
        let mut body = "{{ table(data=\"x.csv\") }}\n\n{{ chart(data=\"x.csv\") }}\n".to_string();
        for kind in ["line", "stacked", "pie"] {
            body += &format!("\n{{{{ chart(data=\"x.csv\", kind=\"{kind}\") }}}}\n");
        }
        shortcode_body(Path::new("content/x.md"), &body, 1, &sets);
    }
    for line in String::from_utf8_lossy(bytes).lines() {
        figure(line);
    }
}

/// One cell as a figure, written back in every format `stat` knows.
fn figure(cell: &str) {
    let _ = number::looks_numeric(cell);
    if let Ok(n) = number::parse(cell) {
        for (_, f) in format::FORMAT_NAMES {
            let _ = format::stat(cell, &n, *f);
        }
    }
}

/// The dataset the `shortcodes` target draws on: years, counts with units, a text column,
/// an approximate figure and an empty cell.
pub const SHORTCODE_CSV: &str = "年份,党员(名),经费(元),占比,备注\n\
    2019,1200,3600万余元,66.17%,首次\n\
    2020,\"1,205\",\"1,234.5万\",0.5%,\n\
    2021,-3,约5000元,-,增补\n";

/// A page body with shortcodes, expanded against a small dataset and rendered.
pub fn shortcodes(bytes: &[u8]) {
    let body = String::from_utf8_lossy(bytes);
    let (sets, _) = Datasets::parse(&[(PathBuf::from("data/x.csv"), SHORTCODE_CSV.as_bytes().to_vec())]);
    shortcode_body(Path::new("content/reviews/x.md"), &body, 5, &sets);
}

/// A body's shortcodes as a build takes them: found (parse), checked against `sets` (resolve),
/// the Markdown rendered with the figures in place, and every block drawn (render).
fn shortcode_body(rel: &Path, body: &str, line: usize, sets: &Datasets) {
    use content::shortcodes::prepare;
    let Ok(found) = prepare(rel, body, line, None, None) else { return };
    let Ok(resolved) = shortcodes::resolve(rel, &found.calls, sets) else { return };
    let Ok(ready) = prepare(rel, body, line, None, Some(&resolved.figures)) else { return };
    let marks: Vec<String> = (0..ready.blocks).map(content::markdown::placeholder).collect();
    let html = content::markdown::render_with(&ready.markdown, &marks, "").html;
    if ready.blocks == 0 {
        return;
    }
    let tera = gongkai::render::templates::load(&[]).expect("the default theme");
    let drawer = gongkai::render::shortcodes::Drawer { tera: &tera, data: sets };
    let _ = drawer.fill(&html, &ready.calls, rel, text::Lang::Hans);
}

/// The organisation list the `periods_calendar` catalogue is owed by.
pub const ORGS_CSV: &str = "名称,上级,类型\n某镇党委,,党委\n某村党支部,某镇党委,党支部\n";

/// Dates, periods and working days. Lines one to five are a period, the publication date, the
/// notice's first day, `notice_days` and `working_days`; the rest is `site.toml` with its
/// `[calendar]` and `[[required]]`. The notice window is counted by a disclosure with those
/// values, and the catalogue owed under the obligations, as of the publication date.
pub fn periods_calendar(bytes: &[u8]) {
    let input = String::from_utf8_lossy(bytes);
    let mut lines = input.splitn(6, '\n');
    let mut next = || lines.next().unwrap_or("");
    let (period, published, from, days, working) = (next(), next(), next(), next(), next());
    let site = next();
    if let Some(p) = Period::parse(period) {
        let _ = (p.end(), p.label());
    }
    let config = Config::parse(Some(site)).unwrap_or_default();
    let calendar = &config.calendar;
    let dates: Vec<_> = [published, from].into_iter().filter_map(|d| text::parse_date(d).ok()).collect();
    let count = days.trim().parse::<u32>();
    for d in &dates {
        let _ = calendar.is_working_day(*d);
        if let Ok(n) = count {
            let _ = calendar.nth_working_day(*d, n);
        }
    }
    let page = disclosure(period, published, from, days, working);
    let ctx = ParseContext::new(calendar);
    let Ok(page) = content::parse(Path::new("content/disclosures/x.md"), &page, ctx) else { return };
    let (orgs, _) = Datasets::parse(&[(PathBuf::from("data/orgs.csv"), ORGS_CSV.as_bytes().to_vec())]);
    let Some(Ok(tree)) = OrgTree::from_data(&orgs) else { return };
    let Some(as_of) = dates.first().copied() else { return };
    let _ = catalogue::build(tree, &config.required, std::slice::from_ref(&page), Audience::Party, as_of);
}

/// A disclosure with the given period, dates and notice, each value quoted as TOML would
/// (and `notice_days` a bare integer when it reads as one), so that the input reaches the
/// arithmetic rather than the TOML parser.
pub fn disclosure(period: &str, published: &str, from: &str, days: &str, working: &str) -> String {
    let quote = |s: &str| toml::Value::String(s.trim().to_string()).to_string();
    let mut fm = format!(
        "+++\ntitle = \"公示\"\norg = \"某村党支部\"\ncategory = \"党费收缴使用\"\npublished = {}\n",
        quote(published)
    );
    if !period.trim().is_empty() {
        fm += &format!("period = {}\n", quote(period));
    }
    if !from.trim().is_empty() {
        fm += &format!("notice_from = {}\n", quote(from));
    }
    match days.trim().parse::<i64>() {
        Ok(n) => fm += &format!("notice_days = {n}\n"),
        Err(_) if !days.trim().is_empty() => fm += &format!("notice_days = {}\n", quote(days)),
        Err(_) => {}
    }
    match working.trim() {
        "" => {}
        w @ ("true" | "false") => fm += &format!("working_days = {w}\n"),
        w => fm += &format!("working_days = {}\n", quote(w)),
    }
    fm + "+++\n\n公示内容。\n"
}
