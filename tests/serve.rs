//! `gongkai serve` for real: HTTP on a free port, the real file system, a websocket client.

mod common;

use common::Site;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn get(address: &str, path: &str) -> (u16, String) {
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

fn start(site: &Site) -> gongkai::serve::Server {
    let opts = gongkai::serve::ServeOptions {
        build: gongkai::BuildOptions::new(site.root()),
        bind: "127.0.0.1".into(),
        port: 0,
    };
    gongkai::serve::start(opts, std::sync::Arc::new(|line: &str| eprintln!("serve: {line}")))
        .expect("server starts")
}

/// The live-reload websocket a page opens, as a browser would; reads give up after 5 s.
fn reload_socket(
    server: &gongkai::serve::Server,
) -> tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>> {
    let url = format!("{}/__gongkai/reload", server.address.replace("http://", "ws://"));
    let (mut socket, _) = tungstenite::connect(url).expect("websocket");
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    }
    socket
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if ok() {
            return started.elapsed();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what} did not happen within 5 s");
}

#[test]
fn edit_shows_within_a_second() {
    let site = Site::new();
    site.case("a", "", "第一版举措。");
    let server = start(&site);
    let (status, page) = get(&server.address, "/cases/a/");
    assert_eq!(status, 200);
    assert!(page.contains("第一版举措") && page.contains("/__gongkai/reload"), "{page}");
    assert_eq!(get(&server.address, "/no/such/page/").0, 404);
    site.case("a", "", "第二版举措。");
    let took = wait_for("the edit", || get(&server.address, "/cases/a/").1.contains("第二版举措"));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    server.stop();
}

#[test]
fn build_error_goes_to_the_browser_and_clears_when_fixed() {
    let site = Site::new();
    site.case("a", "", "正文。");
    let server = start(&site);
    let mut socket = reload_socket(&server);
    std::thread::sleep(Duration::from_millis(100));
    site.case("a", "pulisher = \"x\"", "正文。");
    let message = socket.read().expect("an error message").into_text().unwrap().to_string();
    assert!(message.contains("content/cases/a.md:4") && message.contains("publisher"), "{message}");
    assert_eq!(get(&server.address, "/cases/a/").0, 200, "the last good site stays up");
    site.case("a", "", "改好了。");
    let message = socket.read().expect("a reload message").into_text().unwrap().to_string();
    assert_eq!(message, r#"{"reload":true}"#);
    assert!(get(&server.address, "/cases/a/").1.contains("改好了"));
    server.stop();
}

#[test]
fn built_site_has_no_reload_script() {
    let site = Site::new();
    site.case("a", "", "正文。");
    site.build_ok();
    for (path, bytes) in common::tree(&site.out()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__gongkai"), "{path}");
    }
}

#[test]
fn init_then_build_works() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mysite");
    gongkai::scaffold::init_site(&root).unwrap();
    let report = gongkai::build(&gongkai::BuildOptions::new(&root)).expect("a new site builds at once");
    assert!(report.pages >= 4);
    assert!(gongkai::scaffold::init_site(&root).is_err(), "init refuses a folder that is not empty");
    let date = gongkai::text::parse_date("2024-06-01").unwrap();
    let path = gongkai::scaffold::new_entry(&root, gongkai::content::Kind::Case, "新的案例", date).unwrap();
    assert!(path.ends_with("content/cases/2024-06-01-新的案例.md"));
    let errors = gongkai::check(&gongkai::BuildOptions::new(&root)).unwrap().diagnostics;
    assert!(
        errors.iter().any(|d| d.message.contains("publisher")),
        "the skeleton asks for its publisher: {errors:?}"
    );
}

/// Equal maps, or a panic naming the paths that differ (not megabytes of bytes).
fn same(
    got: &std::collections::BTreeMap<String, Vec<u8>>,
    want: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    let differ: Vec<&String> =
        got.keys().chain(want.keys()).filter(|p| got.get(*p) != want.get(*p)).collect();
    assert!(differ.is_empty(), "these outputs differ from a full build: {differ:?}");
}

/// After any sequence of content edits, the incremental session holds exactly what a full
/// build of the same sources produces.
#[test]
fn incremental_updates_equal_a_full_build() {
    let site = Site::new();
    for i in 0..45 {
        site.case(
            &format!("c{i:02}"),
            &format!(
                "date = 2020-01-{:02}\ntags = [\"标签{}\"]\nregion = \"山西省/临汾市\"",
                i % 28 + 1,
                i % 3
            ),
            "正文。",
        );
    }
    site.file("content/disclosures/d.md", "+++\ntitle = \"公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\npublished = 2020-01-20\nnotice_days = 5\n+++\n正文\n");
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).unwrap();
    let full = || -> std::collections::BTreeMap<String, Vec<u8>> {
        gongkai::render_site(&gongkai::BuildOptions::new(site.root())).unwrap().0.into_iter().collect()
    };
    let rel = |name: &str| std::path::PathBuf::from(format!("content/cases/{name}.md"));
    // an edit that moves a case to another tag, region, date and page of the listing
    site.case("c03", "date = 2020-01-15\ntags = [\"新标签\"]\nregion = \"山西省/运城市\"", "改过的正文。");
    let changed = session.update(&[rel("c03")]).unwrap();
    assert!(session.has_deferred(), "the search index waits until the page is out");
    session.refresh_deferred().unwrap();
    same(session.files(), &full());
    assert!(changed.written.iter().any(|p| p == "cases/c03/index.html"));
    assert!(
        changed.written.len() < session.files().len() / 2,
        "an edit re-renders a part, not all: {}",
        changed.written.len()
    );
    // a new file and a deleted one
    site.case("new", "date = 2020-01-02", "新的。");
    std::fs::remove_file(site.root().join("content/cases/c10.md")).unwrap();
    let changed = session.update(&[rel("new"), rel("c10")]).unwrap();
    session.refresh_deferred().unwrap();
    same(session.files(), &full());
    assert!(changed.removed.contains(&"cases/c10/index.html".to_string()));
    // a broken file is an error; fixing it brings everything back
    site.case("c05", "pulisher = \"x\"", "正文。");
    assert!(session.update(&[rel("c05")]).is_err());
    site.case("c05", "", "修好了。");
    session.update(&[rel("c05")]).unwrap();
    session.refresh_deferred().unwrap();
    same(session.files(), &full());
    // a template change rebuilds everything
    site.file(
        "themes/default/templates/case.html",
        "{% extends \"base.html\" %}{% block main %}新模板{{ page.title }}{% endblock main %}",
    );
    session.update(&[std::path::PathBuf::from("themes/default/templates/case.html")]).unwrap();
    session.refresh_deferred().unwrap();
    same(session.files(), &full());
}

#[test]
fn a_broken_site_still_serves_and_recovers() {
    let site = Site::new();
    site.case("a", "pulisher = \"x\"", "正文。");
    let server = start(&site);
    let mut socket = reload_socket(&server);
    let message = socket.read().expect("the current error").into_text().unwrap().to_string();
    assert!(message.contains("content/cases/a.md:4"), "{message}");
    assert!(get(&server.address, "/").1.contains("/__gongkai/reload"), "a page that will show the error");
    site.case("a", "", "修好了。");
    wait_for("the fixed page", || get(&server.address, "/cases/a/").1.contains("修好了"));
    server.stop();
}
