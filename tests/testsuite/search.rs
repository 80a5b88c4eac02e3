//! The search index (issue 7) as files: what it holds, what it never holds, that it is the same
//! on every build, and that every page carries the search box. What a reader gets in a browser
//! is `search_browser`.

use crate::common::{self, tree, Site};

/// The index files of a built site: `search/…` paths with their text.
fn index_files(site: &Site) -> Vec<(String, String)> {
    tree(&site.out())
        .into_iter()
        .filter(|(p, _)| p.starts_with("search/") && p.ends_with(".js"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("UTF-8")))
        .collect()
}

/// The keys of every term shard.
fn terms(site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in index_files(site) {
        if !path.starts_with("search/s/") {
            continue;
        }
        let json = text
            .trim_end()
            .strip_prefix("gongkaiSearch.add(\"s\",")
            .and_then(|t| t.split_once(','))
            .and_then(|(_, t)| t.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{path} is not a shard script"));
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json).unwrap();
        out.extend(map.keys().cloned());
    }
    out
}

fn sample_site() -> Site {
    let site = Site::new();
    site.case(
        "liudong",
        "date = 2020-05-01\nregion = \"山西省/运城市/绛县\"",
        "探索建立流动党员管理制度，借助App开展组织生活。",
    );
    site.case("fazhan", "lang = \"zh-Hant\"\ndate = 2019-03-01", "規范發展黨員工作，形成記實表。");
    site.file(
        "content/reviews/r.md",
        "+++\ntitle = \"年度巡礼\"\nyear = 2021\n+++\n第一书记驻村开展工作。\n",
    );
    site.file("content/about.md", "+++\ntitle = \"关于本站\"\n+++\n本站介绍。\n");
    let disclosure = |audience: &str, title: &str, body: &str| {
        format!(
            "+++\ntitle = \"{title}\"\norg = \"示范村党支部\"\ncategory = \"党费收缴使用\"\nperiod = \"2024Q3\"\npublished = 2024-10-10\n{audience}\n+++\n{body}\n"
        )
    };
    site.file("content/disclosures/fees.md", &disclosure("", "党费公开", "本季度党费收缴正常。"));
    site.file(
        "content/disclosures/secret.md",
        &disclosure("audience = \"party\"", "内部通报", "绝密词Zyxwv只在党内。"),
    );
    site
}

#[test]
fn every_public_page_is_indexed_and_no_party_disclosure() {
    let site = sample_site();
    site.build_ok();
    let files = index_files(&site);
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for title in ["liudong的亮点", "fazhan的亮点", "年度巡礼", "关于本站", "党费公开"] {
        assert!(all.contains(title), "the index lacks the page {title}");
    }
    assert!(!all.contains("内部通报") && !all.contains("secret"), "a party disclosure reached the index");
    let terms = terms(&site);
    for t in ["zyxwv", "绝密", "通报"] {
        assert!(!terms.contains(&t.to_string()), "the party disclosure's word {t} is in the index");
    }
    // Han bigrams, latin words, years, and traditional text folded to simplified.
    for t in ["流动", "党员", "app", "2020", "发展", "书记", "绛县"] {
        assert!(terms.contains(&t.to_string()), "the index lacks the term {t}");
    }
    assert!(!terms.contains(&"發展".to_string()), "traditional text was indexed unfolded");
}

#[test]
fn the_index_is_byte_identical_across_builds() {
    let site = sample_site();
    site.build_ok();
    let first = index_files(&site);
    let page = site.read("search/index.html");
    site.build_ok();
    assert_eq!(first, index_files(&site));
    assert_eq!(page, site.read("search/index.html"));
}

#[test]
fn every_page_has_a_labelled_search_box_pointing_to_the_search_page() {
    let site = sample_site();
    site.build_ok();
    let mut pages = 0;
    for (path, bytes) in tree(&site.out()) {
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let depth = path.matches('/').count();
        let action = format!("action=\"{}search/index.html\"", "../".repeat(depth));
        assert!(html.contains("<form class=\"site-search\" role=\"search\""), "{path} has no search form");
        assert!(html.contains(&action), "{path}: the search form does not lead to {action}");
        assert!(
            html.contains("<label class=\"visually-hidden\" for=\"site-search-q\">搜索本站</label>"),
            "{path}"
        );
        assert!(html.contains("<button type=\"submit\">搜索</button>"), "{path}");
        pages += 1;
    }
    assert!(pages >= 8, "only {pages} pages checked");
    // The 404 page is served at any address, so its links start at the site's base path.
    assert!(site.read("404.html").contains("action=\"/search/index.html\""));
}

#[test]
fn the_search_page_offers_the_filters_and_loads_its_script() {
    let site = sample_site();
    site.build_ok();
    let page = site.read("search/index.html");
    assert!(page.contains("<form id=\"search-form\" class=\"search-form\" role=\"search\""));
    assert!(page.contains("<label for=\"search-q\">关键词</label>"));
    assert!(page.contains("role=\"status\" aria-live=\"polite\""));
    for option in [
        "<option value=\"case\">经验交流</option>",
        "<option value=\"review\">年度巡礼</option>",
        "<option value=\"2021\">2021年</option>",
        "<option value=\"山西省/运城市\">　运城市</option>",
    ] {
        assert!(page.contains(option), "the search page lacks {option}");
    }
    assert!(page.contains("src=\"../search.js?v="), "the search page does not load search.js");
    assert!(site.read("search.js").contains("gongkaiSearch"));
    // No request leaves the site: no absolute URL in the script or the index.
    let script = site.read("search.js");
    assert!(!script.contains("http://") && !script.contains("https://"), "search.js names an external URL");
}

#[test]
fn the_example_site_index_is_small() {
    let dir = tempfile::tempdir().unwrap();
    common::build_example(&dir.path().join("public"));
    let total: usize = tree(&dir.path().join("public/search")).iter().map(|(_, b)| b.len()).sum();
    assert!(total < 400_000, "the example site's search files take {total} bytes");
}

/// The texts search results show are written in runs of 1,024 pages, each a job of its own: an
/// edit to one page writes its run again and leaves the others' files as they were (the
/// cache links them from the site being replaced: the same file, not a copy), and the site
/// equals a clean build.
#[test]
fn an_edit_rewrites_the_result_texts_of_its_own_run_only() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::new();
    for n in 0..1100 {
        // the oldest page last in the library's order, so in the second run
        let day = if n == 0 {
            "2001-01-01".to_string()
        } else {
            format!("2020-{:02}-{:02}", n % 12 + 1, n % 28 + 1)
        };
        site.case(&format!("c{n:04}"), &format!("date = {day}"), &format!("第{n}号做法。"));
    }
    site.build_ok();
    let inodes = |site: &Site| -> std::collections::BTreeMap<usize, u64> {
        std::fs::read_dir(site.out().join("search/d"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                let name = e.file_name().to_string_lossy().trim_end_matches(".js").parse().unwrap();
                (name, e.metadata().unwrap().ino())
            })
            .collect()
    };
    let before = inodes(&site);
    assert_eq!(before.len(), 275, "four pages a file");
    site.case("c0000", "date = 2001-01-01", "改过的做法。");
    site.build_ok();
    let after = inodes(&site);
    let rewritten: Vec<usize> =
        before.iter().filter(|(n, ino)| after.get(n) != Some(ino)).map(|(n, _)| *n).collect();
    assert!(rewritten.contains(&274), "the edited page's file: {rewritten:?}");
    assert!(rewritten.iter().all(|&n| n >= 256), "only the second run is written again: {rewritten:?}");
    let all = |dir: &std::path::Path| tree(dir);
    let clean = tempfile::tempdir().unwrap();
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.out = Some(clean.path().join("out"));
    opts.cache = false;
    gongkai::build(&opts).unwrap();
    assert!(all(&site.out()) == all(&clean.path().join("out")), "the edited site differs from a clean build");
    assert!(String::from_utf8(std::fs::read(site.out().join("search/d/274.js")).unwrap())
        .unwrap()
        .contains("改过的做法"));
    // a file of a run changed in the site and gone from the cache: the run is rendered again,
    // its files placed before that one taken back, and the site is still the clean build's
    let damaged = site.out().join("search/d/3.js");
    let sha = gongkai::digest::sha256(&std::fs::read(&damaged).unwrap());
    std::fs::remove_file(&damaged).unwrap();
    std::fs::write(&damaged, "改坏了").unwrap();
    let object = site.root().join(".gongkai-cache/build/public/objects").join(&sha[..2]).join(&sha);
    std::fs::remove_file(&object).unwrap();
    site.build_ok();
    assert!(all(&site.out()) == all(&clean.path().join("out")), "a damaged run was not rendered again");
}
