//! Releases, archived editions, the revision rule and verification, on fixture sites.

use crate::common::{self, tree, Site};

use gongkai::versions::manifest::Release;
use gongkai::versions::{verify, ReleaseOptions};
use std::path::Path;

fn notice(body: &str, revisions: &str) -> String {
    format!(
        "+++\ntitle = \"三会一课开展情况\"\norg = \"示范村党支部\"\ncategory = \"组织生活\"\nperiod = \"2024Q3\"\npublished = 2024-10-08\n{revisions}\n+++\n{body}\n"
    )
}

fn release(site: &Site, version: &str, date: &str) -> anyhow::Result<gongkai::versions::manifest::Release> {
    let opts = ReleaseOptions {
        version: version.into(),
        note: format!("{version}年度公开"),
        date: Some(gongkai::text::parse_date(date).unwrap()),
        key: None,
    };
    Ok(gongkai::release(&gongkai::BuildOptions::new(site.root()), &opts)?)
}

/// A fixed key pair (secret, public) as hex: the same in every run.
fn keys(seed: u8) -> (String, String) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
    (hex(&key.to_bytes()), hex(key.verifying_key().as_bytes()))
}

fn signed_release(site: &Site, version: &str, date: &str, secret: &str) -> anyhow::Result<Release> {
    let opts = ReleaseOptions {
        version: version.into(),
        note: format!("{version}年度公开"),
        date: Some(gongkai::text::parse_date(date).unwrap()),
        key: Some(secret.into()),
    };
    Ok(gongkai::release(&gongkai::BuildOptions::new(site.root()), &opts)?)
}

fn build_signed(site: &Site, secret: &str) {
    let mut opts = gongkai::BuildOptions::new(site.root());
    opts.key = Some(secret.into());
    gongkai::build(&opts).unwrap_or_else(|e| panic!("build failed: {e:#}"));
}

/// `gongkai verify DIR [--pubkey KEY]`: its exit code and what it printed.
fn verify_cli(dir: &Path, pubkey: Option<&str>) -> (i32, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"));
    command.arg("verify").arg(dir);
    if let Some(key) = pubkey {
        command.args(["--pubkey", key]);
    }
    let out = command.output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Rewrites a JSON file the way an attacker with a text editor would.
fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    edit(&mut value);
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap();
    bytes.push(b'\n');
    std::fs::write(path, bytes).unwrap();
}

fn hash_of(path: &Path) -> String {
    gongkai::digest::sha256(&std::fs::read(path).unwrap())
}

fn site_with_release() -> Site {
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    site.file("content/disclosures/meetings.md", &notice("支部党员大会应到32人，实到30人。", ""));
    release(&site, "2023", "2024-01-10").unwrap();
    site
}

#[test]
fn changing_a_released_disclosure_needs_a_revision() {
    let site = site_with_release();
    site.file("content/disclosures/meetings.md", &notice("支部党员大会应到32人，实到31人。", ""));
    let errors = site.build_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, std::path::Path::new("content/disclosures/meetings.md"));
    assert!(errors[0].message.contains("release 2023"), "{}", errors[0]);
    assert!(errors[0].hint.as_deref().unwrap().contains("[[revisions]]"));

    site.file(
        "content/disclosures/meetings.md",
        &notice(
            "支部党员大会应到32人，实到31人。",
            "[[revisions]]\ndate = 2024-10-12\nreason = \"更正实到人数\"",
        ),
    );
    site.build_ok();
    let html = site.read("disclosures/meetings/index.html");
    assert!(html.contains("第2版"), "{html}");
    assert!(html.contains("更正实到人数"));
    // issue 15: old and new text labelled, the changed number marked whole, never struck out
    assert!(html.contains("原：</span>支部党员大会应到32人，实到<del>30</del>人"), "a labelled diff: {html}");
    assert!(html.contains("现：</span>支部党员大会应到32人，实到<ins>31</ins>人"), "a labelled diff: {html}");
    assert!(html.contains("2024年10月12日"), "the revision carries its own date, not the release's: {html}");
    assert!(html.contains("实到30人"), "the first version stays readable");
    // an unchanged case needs nothing
    assert!(site.read("cases/a/index.html").contains("正文"));
}

/// Every earlier version's full text stands on the page beside the body: a heading or a footnote
/// in both (an unchanged section) is there once per version, each with ids of its own, and the
/// version's footnote link leads to its own note (found by a hostile review).
#[test]
fn each_id_on_a_revised_disclosure_is_there_once() {
    let site = Site::new();
    let body =
        |n: u32| format!("## 会议情况\n\n应到32人，实到{n}人[^1]。\n\n## main\n\n[^1]: 以签到表为准。");
    site.file("content/disclosures/meetings.md", &notice(&body(30), ""));
    release(&site, "2023", "2024-01-10").unwrap();
    site.file(
        "content/disclosures/meetings.md",
        &notice(&body(31), "[[revisions]]\ndate = 2024-10-12\nreason = \"更正实到人数\""),
    );
    site.build_ok();
    let html = site.read("disclosures/meetings/index.html");
    let mut ids: Vec<&str> = html.split(" id=\"").skip(1).filter_map(|r| r.split('"').next()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an id twice in {html}");
    assert!(ids.contains(&"version-1-1") && ids.contains(&"body-main"), "{ids:?}");
    assert!(html.contains("href=\"#version-1-1\""), "{html}");
}

/// Each version is resolved as the current text is: its stat figures are in its text (and so in
/// the diff), and its tables are drawn in its HTML, not left as placeholders.
#[test]
fn earlier_versions_carry_their_figures_and_drawn_tables() {
    let site = Site::new();
    site.file("data/members.csv", "姓名,职务\n王某,书记\n李某,委员\n");
    let body = |n: u32| {
        format!("支部{{{{ stat(data=\"members.csv\", row=\"王某\", col=\"职务\") }}}}主持，实到{n}人。")
    };
    site.file("content/disclosures/meetings.md", &notice(&body(30), "table = \"members.csv\""));
    release(&site, "2023", "2024-01-10").unwrap();
    let revision = "table = \"members.csv\"\n[[revisions]]\ndate = 2024-10-12\nreason = \"更正实到人数\"";
    site.file("content/disclosures/meetings.md", &notice(&body(31), revision));
    site.build_ok();
    let html = site.read("disclosures/meetings/index.html");
    assert!(
        html.contains("原：</span>支部书记主持，实到<del>30</del>人"),
        "the figure is in the diff: {html}"
    );
    assert!(html.contains("<p>支部书记主持，实到30人。</p>"), "the first version with its figure: {html}");
    assert!(html.matches("<div class=\"data-block\">").count() >= 2, "each version's table is drawn: {html}");
    assert!(!html.contains('\u{E000}') && !html.contains('\u{E002}'), "no placeholder is left");
}

#[test]
fn a_release_is_immutable_and_archived_byte_for_byte() {
    let site = site_with_release();
    assert!(release(&site, "2023", "2024-01-10").unwrap_err().to_string().contains("exists already"));
    site.case("b", "date = 2024-06-01", "新的案例。");
    let second = release(&site, "2024", "2024-12-31").unwrap();
    site.build_ok();
    let archive = site.read("archive/index.html");
    assert!(archive.contains("2023年度公开") && archive.contains("2024年度公开"));
    assert!(archive.find("2024年度公开") < archive.find("2023年度公开"), "newest first");
    assert!(site.read("index.html").contains("archive/2024/"), "the home page links the editions");
    // the archived edition is the release, file for file and byte for byte
    let edition: std::collections::BTreeMap<String, String> = tree(&site.out().join("archive/2024"))
        .into_iter()
        .map(|(p, b)| (p, gongkai::digest::sha256(&b)))
        .collect();
    assert_eq!(edition, second.outputs);
    let rebuilt: std::collections::BTreeMap<String, String> = gongkai::rebuild_release(site.root(), "2024")
        .unwrap()
        .into_iter()
        .map(|(p, b)| (p, gongkai::digest::sha256(&b)))
        .collect();
    assert_eq!(rebuilt, second.outputs, "the stored sources alone rebuild the release");
    assert!(site.read("archive/2023/cases/a/index.html").contains("正文"));
    assert!(!site.out().join("archive/2023/cases/b").exists(), "2023 predates case b");
    // the edition is cached by its manifest, and a damaged cache is rebuilt, not trusted
    let cache = site.root().join(gongkai::versions::archive::CACHE).join(second.key());
    assert!(cache.join("index.html").exists());
    std::fs::write(cache.join("index.html"), "damaged").unwrap();
    site.build_ok();
    assert_ne!(site.read("archive/2024/index.html"), "damaged");
}

#[test]
fn damaged_store_is_reported() {
    let site = site_with_release();
    let objects = site.root().join("releases/objects");
    let victim = walkdir::WalkDir::new(&objects)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_type().is_file())
        .unwrap();
    std::fs::write(victim.path(), "tampered").unwrap();
    let err = site.build().unwrap_err();
    assert!(format!("{err:#}").contains("damaged"), "{err:#}");
}

#[test]
fn verify_names_every_altered_file() {
    let site = site_with_release();
    site.build_ok();
    assert!(verify::verify_dir(&site.out()).unwrap().is_clean());
    let page = site.out().join("cases/a/index.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    std::fs::remove_file(site.out().join("style.css")).unwrap();
    std::fs::write(site.out().join("extra.html"), "x").unwrap();
    let report = verify::verify_dir(&site.out()).unwrap();
    assert_eq!(report.changed, ["cases/a/index.html"]);
    assert_eq!(report.missing, ["style.css"]);
    assert_eq!(report.extra, ["extra.html"]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("verify")
        .arg(site.out())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("changed: cases/a/index.html"));
}

#[test]
fn signed_release_and_site_verify_with_the_public_key() {
    let (secret, public) = keys(7);
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    signed_release(&site, "2024", "2024-12-31", &secret).unwrap();
    build_signed(&site, &secret);
    let report = verify::verify(&site.out(), Some(&public)).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.signed, ["release 2024", "manifest.json"]);
    let (_, stranger) = keys(8);
    let report = verify::verify(&site.out(), Some(&stranger)).unwrap();
    assert_eq!(report.problems.len(), 2, "{report:?}");
    assert!(report.signed.is_empty());
    // a site built without the key cannot pass for a signed one
    site.build_ok();
    let (code, err) = verify_cli(&site.out(), Some(&public));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken: manifest.json: no signature"), "{err}");
}

#[test]
fn verify_without_a_manifest_says_to_build_first() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = verify_cli(dir.path(), None);
    assert_eq!(code, 1);
    assert!(err.contains("run gongkai build first"), "{err}");
}

#[test]
fn a_release_cannot_be_dated_into_the_past() {
    let site = site_with_release();
    let err = release(&site, "2022", "2023-06-01").unwrap_err().to_string();
    assert!(err.contains("would come before release 2023"), "{err}");
}

/// Issue 13: an archived page edited together with its hash in manifest.json.
#[test]
fn archived_page_edited_with_its_manifest_hash_fails_verify() {
    let (secret, public) = keys(7);
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    signed_release(&site, "2023", "2024-06-01", &secret).unwrap();
    build_signed(&site, &secret);
    let out = site.out();
    assert_eq!(verify_cli(&out, Some(&public)).0, 0);
    let page = "archive/2023/cases/a/index.html";
    std::fs::write(out.join(page), "<p>伪造的内容</p>").unwrap();
    edit_json(&out.join("manifest.json"), |m| m["outputs"][page] = hash_of(&out.join(page)).into());
    // the published release manifest still lists the page as released
    let (code, err) = verify_cli(&out, None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("changed: {page}")), "{err}");
    // rewriting the release manifest too breaks its signature
    edit_json(&out.join("archive/2023.json"), |r| {
        r["outputs"]["cases/a/index.html"] = hash_of(&out.join(page)).into()
    });
    edit_json(&out.join("manifest.json"), |m| {
        m["outputs"]["archive/2023.json"] = hash_of(&out.join("archive/2023.json")).into();
        m["releases"]["2023"] = hash_of(&out.join("archive/2023.json")).into();
    });
    let (code, err) = verify_cli(&out, None);
    assert_eq!(code, 0, "without a key, a consistent forgery of the last release passes: {err}");
    let (code, err) = verify_cli(&out, Some(&public));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken: release 2023: the signature archive/2023.sig is not valid"), "{err}");
    assert!(err.contains("broken: manifest.json: the signature"), "{err}");
}

/// Issue 13: a forged first version slipped into the store would show as 第1版.
#[test]
fn forged_first_version_in_the_store_is_caught() {
    let (secret, public) = keys(7);
    let site = Site::new();
    let path = "content/disclosures/meetings.md";
    site.file(path, &notice("支部党员大会应到32人，实到30人。", ""));
    signed_release(&site, "2023", "2024-01-10", &secret).unwrap();
    site.file(
        path,
        &notice(
            "支部党员大会应到32人，实到31人。",
            "[[revisions]]\ndate = 2024-10-12\nreason = \"更正实到人数\"",
        ),
    );
    signed_release(&site, "2024", "2024-12-31", &secret).unwrap();
    build_signed(&site, &secret);
    let forged = notice("支部党员大会应到32人，实到32人。", "");
    let hash = gongkai::digest::sha256(forged.as_bytes());
    site.file(&format!("releases/objects/{}/{}", &hash[..2], &hash[2..]), &forged);
    let first = site.root().join("releases/2023.json");
    edit_json(&first, |r| r["sources"][path] = hash.clone().into());
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains("do not match its sources_root"), "{err}");
    // the forger recomputes sources_root: release 2024 recorded the manifest as it was
    edit_json(&first, |r| {
        let sources = serde_json::from_value(r["sources"].clone()).unwrap();
        r["sources_root"] = gongkai::versions::manifest::sources_root(&sources).into();
    });
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains("release 2024 follows a release whose manifest hash was"), "{err}");
    // and re-chains release 2024: only the signatures can tell now
    let forged_first: Release = serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    edit_json(&site.root().join("releases/2024.json"), |r| {
        r["previous"] = forged_first.published_hash().into()
    });
    build_signed(&site, &secret);
    assert!(site.read("disclosures/meetings/index.html").contains("实到32人"), "the forgery is shown");
    let (code, err) = verify_cli(&site.out(), Some(&public));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken: release 2023: the signature"), "{err}");
    assert!(err.contains("broken: release 2024: the signature"), "{err}");
}

/// Issue 13: a symbolic link or an empty folder added to a deployed site.
#[test]
fn added_symlinks_and_empty_folders_are_reported() {
    let site = site_with_release();
    site.build_ok();
    let out = site.out();
    std::os::unix::fs::symlink("index.html", out.join("link.html")).unwrap();
    std::os::unix::fs::symlink("/etc", out.join("cases/etc")).unwrap();
    // a listed file replaced by a link to the same bytes
    std::fs::rename(out.join("style.css"), site.root().join("style.css")).unwrap();
    std::os::unix::fs::symlink(site.root().join("style.css"), out.join("style.css")).unwrap();
    std::fs::create_dir_all(out.join("empty/deeper")).unwrap();
    std::fs::create_dir(out.join("archive/2023/blank")).unwrap();
    let report = verify::verify_dir(&out).unwrap();
    assert_eq!(report.symlinks, ["cases/etc", "link.html", "style.css"]);
    assert_eq!(report.folders, ["archive/2023/blank/", "empty/"]);
    assert!(report.changed.is_empty() && report.missing.is_empty() && report.extra.is_empty(), "{report:?}");
    let (code, err) = verify_cli(&out, None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("extra symlink: link.html") && err.contains("extra folder: empty/"), "{err}");
}

/// Issue 13: `archive/` deleted together with its entries in manifest.json.
#[test]
fn deleted_archive_with_its_manifest_entries_is_reported() {
    let (secret, public) = keys(7);
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    signed_release(&site, "2023", "2024-06-01", &secret).unwrap();
    build_signed(&site, &secret);
    let out = site.out();
    std::fs::remove_dir_all(out.join("archive")).unwrap();
    edit_json(&out.join("manifest.json"), |m| {
        m["outputs"].as_object_mut().unwrap().retain(|p, _| !p.starts_with("archive/"))
    });
    let (code, err) = verify_cli(&out, None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken: release 2023: its manifest archive/2023.json is missing"), "{err}");
    // dropping the release list as well is a change to the signed manifest
    edit_json(&out.join("manifest.json"), |m| m["releases"] = serde_json::json!({}));
    let (code, err) = verify_cli(&out, Some(&public));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken: manifest.json: the signature"), "{err}");
}

/// Issue 13: a manifest of a format this gongkai does not know is refused, not half-read.
#[test]
fn unknown_manifest_format_is_an_error() {
    let site = site_with_release();
    site.build_ok();
    let out = site.out();
    let manifest = out.join("manifest.json");
    let original = std::fs::read(&manifest).unwrap();
    edit_json(&manifest, |m| m["format"] = 99.into());
    let (code, err) = verify_cli(&out, None);
    assert_eq!(code, 1);
    assert!(err.contains("manifest format 99"), "{err}");
    std::fs::write(&manifest, original).unwrap();
    edit_json(&out.join("archive/2023.json"), |r| r["format"] = 99.into());
    edit_json(&manifest, |m| {
        m["outputs"]["archive/2023.json"] = hash_of(&out.join("archive/2023.json")).into();
        m["releases"]["2023"] = hash_of(&out.join("archive/2023.json")).into();
    });
    let err = format!("{:#}", verify::verify_dir(&out).unwrap_err());
    assert!(err.contains("archive/2023.json has manifest format 99"), "{err}");
    edit_json(&site.root().join("releases/2023.json"), |r| r["format"] = 99.into());
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains("2023.json has manifest format 99"), "{err}");
}

/// Issue 13: with the archive cache warm, a damaged store object was skipped, and the
/// disclosure it held could change without a revision.
#[test]
fn damaged_store_object_fails_a_warm_build() {
    let site = site_with_release();
    site.build_ok();
    let release =
        Release::from_bytes(&std::fs::read(site.root().join("releases/2023.json")).unwrap(), "2023").unwrap();
    assert!(site.root().join(gongkai::versions::archive::CACHE).join(release.key()).exists());
    let object = |hash: &str| site.root().join(format!("releases/objects/{}/{}", &hash[..2], &hash[2..]));
    let source = object(&release.sources["content/disclosures/meetings.md"]);
    let kept = std::fs::read(&source).unwrap();
    std::fs::write(&source, "tampered").unwrap();
    site.file("content/disclosures/meetings.md", &notice("支部党员大会应到32人，实到31人。", ""));
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains(&source.display().to_string()), "names the object: {err}");
    assert!(err.contains("the source content/disclosures/meetings.md of release 2023"), "{err}");
    std::fs::write(&source, kept).unwrap();
    let output = object(&release.outputs["cases/a/index.html"]);
    std::fs::write(&output, "tampered").unwrap();
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains(&output.display().to_string()), "{err}");
    assert!(err.contains("of release 2023"), "{err}");
}

/// Releases made before the chain (format 1) stay readable, and the chain starts after them.
#[test]
fn format_1_releases_are_still_read() {
    let site = site_with_release();
    edit_json(&site.root().join("releases/2023.json"), |r| {
        let map = r.as_object_mut().unwrap();
        map.remove("previous");
        map.remove("sources_root");
        map["format"] = 1.into();
    });
    site.build_ok();
    assert!(site.read("archive/2023.json").contains("\"format\": 1"));
    site.case("b", "date = 2024-06-01", "新的案例。");
    let second = release(&site, "2024", "2024-12-31").unwrap();
    let first =
        Release::from_bytes(&std::fs::read(site.root().join("releases/2023.json")).unwrap(), "2023").unwrap();
    assert_eq!(second.previous, Some(first.published_hash()));
    site.build_ok();
    let report = verify::verify_dir(&site.out()).unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn disclosure_page_shows_its_content_hash_in_print_too() {
    let site = Site::new();
    let text = notice("正文。", "");
    site.file("content/disclosures/d.md", &text);
    site.build_ok();
    let hash = &gongkai::digest::sha256(text.as_bytes())[..12];
    let html = site.read("disclosures/d/index.html");
    assert!(html.contains(&format!("<code>{hash}</code>")), "{html}");
}

#[test]
fn example_site_releases_archive_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_example(&out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let archive = read("archive/index.html");
    assert!(archive.contains("archive/2024/") && archive.contains("archive/2025-01/"), "two releases");
    let corrected = read("disclosures/2024q3-three-meetings/index.html");
    assert!(
        corrected.contains("第2版")
            && corrected.contains("<span class=\"was\">原：<del>28</del></span>")
            && corrected.contains("<span class=\"now\">现：<ins>29</ins></span>")
            && corrected.contains("<table class=\"diff-table\">"),
        "the correction and its diff, the table kept a table: {corrected}"
    );
    let first = read("archive/2024/disclosures/2024q3-three-meetings/index.html");
    let stored = String::from_utf8(gongkai::versions::banner::strip(first.as_bytes()).into_owned()).unwrap();
    assert!(
        stored.contains(">28</td>") && !stored.contains("第2版"),
        "the 2024 edition keeps the first text"
    );
    // issue 15: the archived first text says it was corrected since, and links the current one
    let banner = first.split("<!--gongkai:banner-->").nth(1).expect("the corrected page carries a banner");
    assert!(banner.contains("此页此后已更正") && banner.contains("2025年1月8日"), "{banner}");
    assert!(banner.contains("原误记为28人"), "the banner gives the reason: {banner}");
    assert!(banner.contains("href=\"../../../../disclosures/2024q3-three-meetings/\""), "{banner}");
    assert!(!read("archive/2025-01/disclosures/2024q3-three-meetings/index.html").contains("gongkai:banner"));
    assert!(!read("archive/2024/disclosures/2024q4-party-fees/index.html").contains("gongkai:banner"));
    // every archived edition is the stored release, byte for byte once the banner the live site
    // adds is taken out; a newer gongkai may render the stored sources differently, and then
    // the archive serves the stored output (src/versions/archive.rs), which this checks
    let history = gongkai::versions::History::load(common::example_root()).unwrap();
    for release in &history.releases {
        for (path, hash) in &release.outputs {
            let archived = std::fs::read(out.join("archive").join(&release.version).join(path)).unwrap();
            let stored = gongkai::versions::banner::strip(&archived);
            assert_eq!(
                &verify_hash(&stored),
                hash,
                "archive/{}/{path} is not the released file",
                release.version
            );
        }
    }
    let report = verify::verify_dir(&out).unwrap();
    assert!(report.is_clean(), "{report:?}");
    // the banner is covered by the site manifest: altering it is found like any other change
    let corrected_path = out.join("archive/2024/disclosures/2024q3-three-meetings/index.html");
    let original = std::fs::read(&corrected_path).unwrap();
    std::fs::write(&corrected_path, first.replace("此页此后已更正", "此页内容有效")).unwrap();
    assert_eq!(
        verify::verify_dir(&out).unwrap().changed,
        ["archive/2024/disclosures/2024q3-three-meetings/index.html"]
    );
    std::fs::write(&corrected_path, original).unwrap();
    let page = out.join("archive/2024/index.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes[200] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    assert_eq!(verify::verify_dir(&out).unwrap().changed, ["archive/2024/index.html"]);
}

#[test]
fn the_output_marker_is_not_part_of_the_site() {
    let site = site_with_release();
    site.build_ok();
    assert!(site.out().join(".gongkai-output").is_file());
    assert!(!site.read("manifest.json").contains(".gongkai-output"));
    let report = gongkai::versions::verify::verify_dir(&site.out()).unwrap();
    assert!(report.is_clean(), "{report:?}");
}

// issue #13: keygen wrote the secret key readable by everyone, after a separate existence check
#[test]
fn keygen_writes_a_private_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let keygen = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .arg("keygen")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let first = keygen();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let secret = std::fs::read(dir.path().join("release.key")).unwrap();
    let public = std::fs::read(dir.path().join("release.pub")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("release.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is readable by others");
    }
    let second = keygen();
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("exists already") && stderr.contains("move it away"), "{stderr}");
    assert_eq!(std::fs::read(dir.path().join("release.key")).unwrap(), secret);
    assert_eq!(std::fs::read(dir.path().join("release.pub")).unwrap(), public);
}

#[test]
fn a_disclosure_saved_with_a_byte_order_mark_is_not_a_change() {
    let site = common::Site::new();
    let text = "+++\ntitle = \"公示\"\norg = \"示范村党支部\"\ncategory = \"组织生活\"\npublished = 2024-09-27\n+++\n正文。\n";
    site.bytes("content/disclosures/d.md", &[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat());
    let release = gongkai::versions::ReleaseOptions {
        version: "2024".into(),
        note: "发布".into(),
        date: chrono::NaiveDate::from_ymd_opt(2024, 10, 1),
        key: None,
    };
    gongkai::release(&gongkai::BuildOptions::new(site.root()), &release).unwrap();
    site.build_ok();
}

fn verify_hash(bytes: &[u8]) -> String {
    gongkai::digest::sha256(bytes)
}

#[test]
fn check_writes_nothing_and_an_edition_served_as_stored_is_said() {
    let site = site_with_release();
    let report = gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert!(!site.root().join(".gongkai-cache").exists(), "check wrote the archive cache");
    // the example's first releases hold cases from before dates were required: this gongkai
    // refuses their sources, so the archive serves the stored output, and says so
    let dir = tempfile::tempdir().unwrap();
    let mut opts = gongkai::BuildOptions::new(common::example_root());
    (opts.out, opts.cache) = (Some(dir.path().join("public")), false);
    let built = gongkai::build(&opts).unwrap();
    let said: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
    for version in ["2024", "2025-01"] {
        assert!(
            said.iter().any(|w| w.contains(&format!("archive/{version}/ is served as it was released"))
                && w.contains("no longer build")
                && w.contains("has no date")),
            "{said:?}"
        );
    }
}

// found by a hostile review: a killed build left a world-readable copy of a release's sources,
// party-only pages included, in the system's temporary folder
#[test]
fn an_archived_edition_is_rebuilt_in_a_private_folder_of_the_site() {
    let site = site_with_release();
    site.file("content/cases/inner.md", "+++\ntitle = \"内部\"\npublisher = \"某县委组织部\"\ndate = 2024-05-02\naudience = \"party\"\n+++\n内部做法。\n");
    release(&site, "2024", "2024-06-01").unwrap();
    // what a build killed in the middle of a rebuild leaves behind, from a process long gone
    let cache = site.root().join(".gongkai-cache/archive");
    let left = cache.join(".checkout-99999999-0/content/cases");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("inner.md"), "内部做法。").unwrap();
    site.build_ok();
    assert!(!cache.join(".checkout-99999999-0").exists(), "the leftover checkout is removed");
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".checkout-")), "no checkout stays: {names:?}");
    // check reads the released output and writes nothing at all
    std::fs::remove_dir_all(site.root().join(".gongkai-cache")).unwrap();
    gongkai::check(&gongkai::BuildOptions::new(site.root())).unwrap();
    assert!(!site.root().join(".gongkai-cache").exists());
}
