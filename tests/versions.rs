//! Releases, archived editions, the revision rule and verification, on fixture sites.

mod common;

use common::{tree, Site};
use gongkai::versions::ReleaseOptions;

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
    gongkai::release(&gongkai::BuildOptions::new(site.root()), &opts)
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
    assert!(html.contains("实到3<del>0</del><ins>1</ins>人"), "a character-level diff: {html}");
    assert!(html.contains("实到30人"), "the first version stays readable");
    // an unchanged case needs nothing
    assert!(site.read("cases/a/index.html").contains("正文"));
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
        .map(|(p, b)| (p, gongkai::versions::manifest::sha256(&b)))
        .collect();
    assert_eq!(edition, second.outputs);
    let rebuilt: std::collections::BTreeMap<String, String> = gongkai::rebuild_release(site.root(), "2024")
        .unwrap()
        .into_iter()
        .map(|(p, b)| (p, gongkai::versions::manifest::sha256(&b)))
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
    assert!(gongkai::versions::verify::verify_dir(&site.out()).unwrap().is_clean());
    let page = site.out().join("cases/a/index.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    std::fs::remove_file(site.out().join("style.css")).unwrap();
    std::fs::write(site.out().join("extra.html"), "x").unwrap();
    let report = gongkai::versions::verify::verify_dir(&site.out()).unwrap();
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
fn signed_release_verifies_with_the_public_key() {
    let site = Site::new();
    site.case("a", "date = 2024-05-01", "正文。");
    let (secret, public) = gongkai::versions::verify::keygen().unwrap();
    let opts =
        ReleaseOptions { version: "2024".into(), note: "签名".into(), date: None, key: Some(secret) };
    gongkai::release(&gongkai::BuildOptions::new(site.root()), &opts).unwrap();
    site.build_ok();
    assert_eq!(
        gongkai::versions::verify::verify_signatures(&site.out(), &public).unwrap(),
        [("2024".to_string(), true)]
    );
    let (_, stranger) = gongkai::versions::verify::keygen().unwrap();
    assert_eq!(
        gongkai::versions::verify::verify_signatures(&site.out(), &stranger).unwrap(),
        [("2024".to_string(), false)]
    );
}

#[test]
fn disclosure_page_shows_its_content_hash_in_print_too() {
    let site = Site::new();
    let text = notice("正文。", "");
    site.file("content/disclosures/d.md", &text);
    site.build_ok();
    let hash = &gongkai::versions::manifest::sha256(text.as_bytes())[..12];
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
        corrected.contains("第2版") && corrected.contains("<del>8</del><ins>9</ins>"),
        "the correction and its diff"
    );
    let first = read("archive/2024/disclosures/2024q3-three-meetings/index.html");
    assert!(first.contains(">28</td>") && !first.contains("第2版"), "the 2024 edition keeps the first text");
    for release in ["2024", "2025-01"] {
        let rebuilt = gongkai::rebuild_release(common::example_root(), release).unwrap();
        for (path, bytes) in rebuilt {
            assert_eq!(
                std::fs::read(out.join("archive").join(release).join(&path)).unwrap(),
                bytes,
                "archive/{release}/{path}"
            );
        }
    }
    assert!(gongkai::versions::verify::verify_dir(&out).unwrap().is_clean());
    let page = out.join("archive/2024/index.html");
    let mut bytes = std::fs::read(&page).unwrap();
    bytes[200] ^= 1;
    std::fs::write(&page, bytes).unwrap();
    assert_eq!(gongkai::versions::verify::verify_dir(&out).unwrap().changed, ["archive/2024/index.html"]);
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
