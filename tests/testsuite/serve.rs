//! `gongkai serve` for real: HTTP on a free port, the real file system, a websocket client.

use crate::common::{self, Site};

use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// The address of the case `a` of these tests (`site.case("a", …)`): its date's year and the
/// slug of its title 「a的亮点」.
const A: &str = "/cases/2020/a-de-liang-dian/";

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

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

/// Opens the live-reload websocket with the given Origin header, or none.
fn open_socket(address: &str, origin: Option<&str>) -> Result<Socket, tungstenite::Error> {
    use tungstenite::client::IntoClientRequest;
    let mut request =
        format!("{}/__gongkai/reload", address.replace("http://", "ws://")).into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("Origin", origin.parse().unwrap());
    }
    tungstenite::connect(request).map(|(socket, _)| socket)
}

/// How long a wait here may last before the test gives up. It only keeps a broken server from
/// hanging the run, so it is generous: how fast the server is, `cargo bench --bench serve`
/// measures; the tests assert what it does.
const PATIENCE: Duration = Duration::from_secs(30);

/// The live-reload websocket a page opens, as a browser would; a read gives up after
/// [`PATIENCE`].
fn reload_socket(address: &str) -> Socket {
    let mut socket = open_socket(address, Some(address)).expect("websocket");
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(PATIENCE)).unwrap();
    }
    socket
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what} did not happen within {PATIENCE:?}");
}

// How soon the edit shows (save → new text over HTTP) is timed by `cargo bench --bench serve`.
#[test]
fn an_edit_is_served_without_a_restart() {
    let site = Site::new();
    site.case("a", "", "第一版举措。");
    let server = start(&site);
    let (status, page) = get(&server.address, A);
    assert_eq!(status, 200);
    assert!(page.contains("第一版举措") && page.contains("/__gongkai/reload"), "{page}");
    assert_eq!(get(&server.address, "/no/such/page/").0, 404);
    site.case("a", "", "第二版举措。");
    wait_for("the edit", || get(&server.address, A).1.contains("第二版举措"));
    let (status, page) = get(&server.address, A);
    assert_eq!(status, 200);
    assert!(!page.contains("第一版举措") && page.contains("/__gongkai/reload"), "{page}");
    server.stop();
}

/// A theme folder made while `serve` runs (none at its start) is read: its templates are
/// copied in whole, before any watch could see the files inside (found by a hostile review).
#[test]
fn a_themes_folder_made_while_serving_is_used() {
    let site = Site::new();
    site.case("a", "", "举措。");
    assert!(!site.root().join("themes").exists());
    let server = start(&site);
    assert!(!get(&server.address, A).1.contains("新主题"));
    // made elsewhere and moved in, as `cp -r` then `mv` or an unpacked archive would
    let made = site.root().join(".made-elsewhere");
    std::fs::create_dir_all(made.join("default/templates")).unwrap();
    std::fs::write(
        made.join("default/templates/case.html"),
        "{% extends \"base.html\" %}{% block main %}新主题{{ page.title }}{% endblock main %}",
    )
    .unwrap();
    std::fs::rename(&made, site.root().join("themes")).unwrap();
    wait_for("the new theme", || get(&server.address, A).1.contains("新主题a的亮点"));
    // and edits inside it are seen from then on
    site.file(
        "themes/default/templates/case.html",
        "{% extends \"base.html\" %}{% block main %}再改{{ page.title }}{% endblock main %}",
    );
    wait_for("the edited template", || get(&server.address, A).1.contains("再改a的亮点"));
    server.stop();
}

/// A folder moved into or out of `content/` while `serve` runs, with what it holds: its
/// pages come and go with it, and a notice made party-only by swapping its folder leaves the
/// preview (found by a hostile review: only the folder's name is told of such a move).
#[test]
fn a_folder_moved_in_or_out_while_serving_is_followed() {
    let site = Site::new();
    site.case("a", "", "举措。");
    let server = start(&site);
    let notice = |extra: &str| {
        format!("+++\ntitle = \"移入的公示\"\norg = \"示范村党支部\"\ncategory = \"组织生活\"\npublished = 2020-01-01\n{extra}\n+++\n正文\n")
    };
    let made = |name: &str, extra: &str| {
        let dir = site.root().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("n.md"), notice(extra)).unwrap();
        dir
    };
    let shown = || get(&server.address, "/disclosures/").1.contains("移入的公示");
    std::fs::create_dir_all(site.root().join("content/disclosures")).unwrap();
    let batch = site.root().join("content/disclosures/batch");
    std::fs::rename(made(".public-batch", ""), &batch).unwrap();
    wait_for("the moved-in notice", shown);
    std::fs::rename(&batch, site.root().join(".old-batch")).unwrap();
    std::fs::rename(made(".party-batch", "audience = \"party\""), &batch).unwrap();
    wait_for("the notice to leave the public preview", || !shown());
    server.stop();
}

#[test]
fn build_error_goes_to_the_browser_and_clears_when_fixed() {
    let site = Site::new();
    site.case("a", "", "正文。");
    let server = start(&site);
    let mut socket = reload_socket(&server.address);
    std::thread::sleep(Duration::from_millis(100));
    site.case("a", "pulisher = \"x\"", "正文。");
    let message = socket.read().expect("an error message").into_text().unwrap().to_string();
    assert!(message.contains("content/cases/a.md:4") && message.contains("publisher"), "{message}");
    assert_eq!(get(&server.address, A).0, 200, "the last good site stays up");
    site.case("a", "", "改好了。");
    let message = socket.read().expect("a reload message").into_text().unwrap().to_string();
    assert_eq!(message, r#"{"reload":true}"#);
    assert!(get(&server.address, A).1.contains("改好了"));
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
    assert!(!root.join("themes").exists(), "the theme stays built in");
    assert!(root.join(".gitignore").is_file() && root.join("data/党员统计.csv").is_file());
    let review = std::fs::read_to_string(root.join("public/reviews/example-review/index.html")).unwrap();
    assert!(review.contains("全县共有党员12016名") && review.contains("<svg"), "the data example draws");
    let ejected = dir.path().join("ejected");
    gongkai::scaffold::init_site_ejected(&ejected).unwrap();
    assert!(ejected.join("themes/default/templates/base.html").is_file(), "--eject-theme copies it");
    gongkai::build(&gongkai::BuildOptions::new(&ejected)).expect("an ejected site builds");
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
    got: &std::collections::BTreeMap<String, gongkai::write::spill::Blob>,
    want: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    let differ: Vec<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|p| got.get(*p).map(|b| b.read().unwrap()).as_ref() != want.get(*p))
        .collect();
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
    assert!(changed.written.iter().any(|p| p == "cases/2020/c03-de-liang-dian/index.html"));
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
    assert!(changed.removed.contains(&"cases/2020/c10-de-liang-dian/index.html".to_string()));
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
    // every edit appends what it wrote (the search index among it) to the session's temporary
    // file: once that is mostly old copies, the live files move to a new one, and a holder of
    // them is told to take all
    std::fs::remove_file(site.root().join("themes/default/templates/case.html")).unwrap();
    session.update(&[std::path::PathBuf::from("themes/default/templates/case.html")]).unwrap();
    let mut compacted = false;
    for k in 0..80 {
        site.case("c00", "date = 2020-01-01", &format!("第{k}次修改的正文。"));
        compacted |= session.update(&[rel("c00")]).unwrap().all;
        compacted |= session.refresh_deferred().unwrap().all;
        let served = session.read("cases/2020/c00-de-liang-dian/index.html").unwrap();
        assert!(String::from_utf8(served).unwrap().contains(&format!("第{k}次修改")));
    }
    assert!(compacted, "eighty edits and the file was never compacted");
    same(session.files(), &full());
    // found by a hostile review: a template edited while the site was broken was lost once
    // a content fix came, which was applied to the state of the old templates
    site.case("c01", "date = 2020-01-02", "电话13812345678。");
    assert!(session.update(&[rel("c01")]).is_err());
    site.file(
        "themes/default/templates/case.html",
        "{% extends \"base.html\" %}{% block main %}坏时改的模板{{ page.title }}{% endblock main %}",
    );
    assert!(session.update(&[std::path::PathBuf::from("themes/default/templates/case.html")]).is_err());
    site.case("c01", "date = 2020-01-02", "修好了。");
    session.update(&[rel("c01")]).unwrap();
    let served = String::from_utf8(session.read("cases/2020/c05-de-liang-dian/index.html").unwrap()).unwrap();
    assert!(served.contains("坏时改的模板"), "{served}");
    session.refresh_deferred().unwrap();
    same(session.files(), &full());
}

/// A resolve that fails under `serve` (two cases at one address) hands its pages back with
/// what the pages left out of it draw on: the fix that follows must not publish the table of
/// a party-only notice, and the session equals a full build again. Before, every file's text
/// was kept to parse the whole site again (1.8 GB at 100,000 pages).
#[test]
fn a_failed_resolve_under_serve_keeps_what_party_pages_use() {
    let site = Site::new();
    site.file("data/dues.csv", "姓名,金额(元)\n甲秘密名单,120\n")
        .file(
            "content/disclosures/dues.md",
            "+++\ntitle = \"党费\"\norg = \"示范村党支部\"\ncategory = \"党费收缴使用\"\npublished = 2024-09-27\naudience = \"party\"\ntable = \"dues.csv\"\n+++\n党内通报。\n",
        )
        .case("a", "slug = \"same\"", "公开的案例。");
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).unwrap();
    let secret = |files: &std::collections::BTreeMap<String, gongkai::write::spill::Blob>| {
        files.iter().any(|(p, b)| {
            p.contains("dues") || String::from_utf8_lossy(&b.read().unwrap()).contains("甲秘密")
        })
    };
    assert!(!secret(session.files()));
    let rel = |name: &str| std::path::PathBuf::from(format!("content/cases/{name}.md"));
    site.case("b", "slug = \"same\"", "另一个案例。");
    let err = session.update(&[rel("b")]).unwrap_err();
    assert!(format!("{err:?}").contains("same"), "{err:?}");
    site.case("b", "slug = \"other\"", "另一个案例。");
    session.update(&[rel("b")]).unwrap();
    session.refresh_deferred().unwrap();
    assert!(!secret(session.files()), "the party-only table reached the preview");
    let full: std::collections::BTreeMap<String, Vec<u8>> =
        gongkai::render_site(&gongkai::BuildOptions::new(site.root())).unwrap().0.into_iter().collect();
    same(session.files(), &full);
}

/// Issue 15: an archived page's banner (“this page was later corrected / removed”) follows the
/// live site while serve runs: a correction made in the editor shows on the archived copy
/// over real HTTP, without a restart, and so does a removal.
#[test]
fn archived_banners_follow_edits() {
    let site = Site::new();
    let notice = |figure: &str, revisions: &str| {
        format!(
            "+++\ntitle = \"三会一课开展情况\"\norg = \"示范村党支部\"\ncategory = \"组织生活\"\nperiod = \"2024Q3\"\npublished = 2024-10-08\n{revisions}\n+++\n支部党员大会应到32人，实到{figure}人。\n"
        )
    };
    site.file("content/disclosures/meetings.md", &notice("28", ""));
    site.case("a", "", "正文。");
    let opts = gongkai::versions::ReleaseOptions {
        version: "2024".into(),
        note: "2024年度公开".into(),
        date: Some(gongkai::text::parse_date("2024-12-31").unwrap()),
        key: None,
    };
    gongkai::release(&gongkai::BuildOptions::new(site.root()), &opts).unwrap();
    let server = start(&site);
    let archived = "/archive/2024/disclosures/meetings/";
    let (status, page) = get(&server.address, archived);
    assert_eq!(status, 200);
    assert!(page.contains("实到28人") && !page.contains("gongkai:banner"), "{page}");
    let page_as_released = page.split("\r\n\r\n").nth(1).unwrap().to_string();

    site.file(
        "content/disclosures/meetings.md",
        &notice("29", "[[revisions]]\ndate = 2025-01-08\nreason = \"原误记为28人，更正为29人\""),
    );
    wait_for("the banner of the corrected page", || {
        let page = get(&server.address, archived).1;
        page.contains("此页此后已更正") && page.contains("原误记为28人") && page.contains("2025年1月8日")
    });
    let page = get(&server.address, archived).1;
    assert!(page.contains("href=\"../../../../disclosures/meetings/\""), "links the current page: {page}");
    assert!(page.contains("实到28人"), "the archived text stays as released");
    assert!(get(&server.address, "/disclosures/meetings/").1.contains("第2版"));

    std::fs::remove_file(site.root().join("content/disclosures/meetings.md")).unwrap();
    wait_for("the banner of the removed page", || {
        get(&server.address, archived).1.contains("此页此后已从现行网站撤下")
    });
    // the page back as released: its archived copy is served as stored again, no banner
    site.file("content/disclosures/meetings.md", &notice("28", ""));
    wait_for("the archived page without a banner", || {
        !get(&server.address, archived).1.contains("gongkai:banner")
    });
    assert_eq!(get(&server.address, archived).1.split("\r\n\r\n").nth(1), Some(page_as_released.as_str()));
    server.stop();
}

/// `serve` prints the build's warnings as `build` does: each once, after the build that
/// raised it, and again when it comes back after a fix (left by a hostile review: it printed
/// none).
#[test]
fn serve_prints_the_builds_warnings_once_each() {
    let site = Site::new();
    let notice = |published: &str| {
        format!("+++\ntitle = \"公示\"\norg = \"示范村党支部\"\ncategory = \"发展党员\"\npublished = {published}\nnotice_days = 5\nworking_days = true\n+++\n正文\n")
    };
    // no calendar ships for 2031: the notice's window is counted without holidays, and said so
    site.file("content/disclosures/d.md", &notice("2031-01-06"));
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = {
        let lines = lines.clone();
        std::sync::Arc::new(move |line: &str| lines.lock().unwrap().push(line.to_string()))
    };
    let opts = gongkai::serve::ServeOptions {
        build: gongkai::BuildOptions::new(site.root()),
        bind: "127.0.0.1".into(),
        port: 0,
    };
    let server = gongkai::serve::start(opts, log).expect("server starts");
    let said = |year: &str| {
        lines.lock().unwrap().iter().filter(|l| l.contains("warning") && l.contains(year)).count()
    };
    assert_eq!(said("2031"), 1, "{:?}", lines.lock().unwrap());
    assert!(
        lines.lock().unwrap().iter().any(|l| l.contains("content/disclosures/d.md:")),
        "{:?}",
        lines.lock().unwrap()
    );
    let rebuilt = |n: usize| lines.lock().unwrap().iter().filter(|l| l.starts_with("rebuilt")).count() >= n;
    site.case("a", "", "一个无关的改动。");
    wait_for("the first edit", || rebuilt(1));
    assert_eq!(said("2031"), 1, "a warning that stands is not said after every edit");
    site.file("content/disclosures/d.md", &notice("2025-09-26"));
    wait_for("the second edit", || rebuilt(2));
    site.file("content/disclosures/d.md", &notice("2031-01-06"));
    wait_for("the warning again", || said("2031") == 2);
    server.stop();
}

#[test]
fn a_broken_site_still_serves_and_recovers() {
    let site = Site::new();
    site.case("a", "pulisher = \"x\"", "正文。");
    let server = start(&site);
    let mut socket = reload_socket(&server.address);
    let message = socket.read().expect("the current error").into_text().unwrap().to_string();
    assert!(message.contains("content/cases/a.md:4"), "{message}");
    assert!(get(&server.address, "/").1.contains("/__gongkai/reload"), "a page that will show the error");
    site.case("a", "", "修好了。");
    wait_for("the fixed page", || get(&server.address, A).1.contains("修好了"));
    server.stop();
}

#[test]
fn only_the_servers_own_pages_open_the_reload_socket() {
    let site = Site::new();
    site.case("a", "", "正文。");
    let server = start(&site);
    let port = server.address.rsplit(':').next().unwrap();
    for origin in ["http://evil.example", "http://localhost:1", "null"] {
        match open_socket(&server.address, Some(origin)) {
            Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403, "{origin}"),
            other => panic!("{origin} was let in: {:?}", other.map(|_| ())),
        }
    }
    for origin in [format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")] {
        assert!(open_socket(&server.address, Some(&origin)).is_ok(), "{origin}");
    }
    assert!(open_socket(&server.address, None).is_ok(), "a client that is not a browser sends none");
    // a DNS-rebound name: another site's page whose name resolves to this machine
    let host = server.address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    assert_eq!(get(&server.address, "/").0, 200);
    server.stop();
}

/// The real `gongkai serve` binary on a free loopback port; killed when dropped.
struct Process {
    child: std::process::Child,
    address: String,
}

impl Process {
    fn start(site: &Site) -> Process {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("gongkai serve starts");
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        // keeps reading, so the server never blocks on a full pipe
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut process = Process { child, address: String::new() };
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) {
            if let Some(rest) = line.strip_prefix("serving at ") {
                process.address = rest.split("/ ").next().unwrap().to_string();
                return process;
            }
        }
        panic!("gongkai serve never said where it serves");
    }

    fn descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).expect("the server runs").count()
    }

    fn threads(&self) -> usize {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Waits until the server holds at most `at_most` descriptors; returns how many it holds.
    fn settle(&self, at_most: usize) -> usize {
        let started = Instant::now();
        while self.descriptors() > at_most && started.elapsed() < PATIENCE {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.descriptors()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(address: &str) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect(address.trim_start_matches("http://")).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// Plain HTTP clients, each in one of three manners: a whole request read to the end, a
/// request whose answer is never read, a request head cut off half-way.
fn http_churn(address: &str, count: usize) {
    let host = address.trim_start_matches("http://");
    for i in 0..count {
        let mut stream = connect(address);
        match i % 3 {
            0 => {
                write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
                let mut response = Vec::new();
                stream.read_to_end(&mut response).unwrap();
                assert!(response.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&response));
            }
            1 => write!(stream, "GET {A} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap(),
            _ => write!(stream, "GET / HT").unwrap(),
        }
    }
}

/// Issue 13: thousands of connections and reload sockets opened and dropped, idle connections
/// past the limit; afterwards the server still answers and reloads, and holds no more
/// descriptors or threads than at the start. How long each part takes is printed here and
/// measured by `cargo bench --bench serve`, never asserted.
#[test]
fn serve_under_load() {
    let started = Instant::now();
    let site = Site::new();
    site.case("a", "", "第一版。");
    let server = Process::start(&site);
    assert!(server.address.starts_with("http://127.0.0.1:"), "loopback by default: {}", server.address);
    let address = server.address.as_str();
    let (fds_at_start, threads_at_start) = (server.descriptors(), server.threads());

    let (http_clients, per_client) = (3, 1000);
    std::thread::scope(|scope| {
        for _ in 0..http_clients {
            scope.spawn(|| http_churn(address, per_client));
        }
    });
    let http_done = started.elapsed();

    // reload sockets fifty at a time, half closed properly, half just dropped
    let sockets = 2000;
    for _ in 0..sockets / 50 {
        let batch: Vec<Socket> = (0..50).map(|_| reload_socket(address)).collect();
        for (i, mut socket) in batch.into_iter().enumerate() {
            if i % 2 == 0 {
                let _ = socket.close(None);
                let _ = socket.flush();
            }
        }
    }
    let fds_after_churn = server.settle(fds_at_start + 5);
    let churn_done = started.elapsed();

    // more idle connections than the limit: the last are refused, the rest closed on time
    let limit = gongkai::serve::MAX_CONNECTIONS;
    let mut idle: Vec<std::net::TcpStream> = (0..limit + 20).map(|_| connect(address)).collect();
    let mut refused = String::new();
    idle.last_mut().unwrap().read_to_string(&mut refused).unwrap();
    assert!(refused.starts_with("HTTP/1.1 503") && refused.contains("busy"), "{refused}");
    assert_eq!(get(address, "/").0, 503, "a clear refusal while every slot is taken");
    let fds_while_full = server.descriptors();
    // The server, not this client, ends an idle connection: each read below must end in the
    // server's close, never in the client's own deadline. That deadline lies past the header
    // timeout and short of a connection's 60 s lifetime, so a close within it is the header
    // timeout's doing; it is a bound on a hang, not a target.
    let idle_since = Instant::now();
    for (i, stream) in idle.iter_mut().take(limit).enumerate() {
        stream.set_read_timeout(Some(gongkai::serve::HEADER_TIMEOUT * 4)).unwrap();
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("idle connection {i} was still open at the client's deadline: {e}"),
        }
    }
    let idle_closed_after = idle_since.elapsed();
    // and it gives their slots back: with every idle stream still held open here, a new
    // request is served again
    assert_eq!(get(address, "/").0, 200, "the slots of the closed connections are free again");
    drop(idle);

    // more reload sockets than their limit: the one past it is refused, not the server
    let held: Vec<Socket> = (0..gongkai::serve::MAX_SOCKETS).map(|_| reload_socket(address)).collect();
    match open_socket(address, None) {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("a socket past the limit: {:?}", other.map(|_| ())),
    }
    drop(held);

    // and afterwards everything works as before
    server.settle(fds_at_start + 5);
    assert_eq!(get(address, A).0, 200);
    let mut socket = reload_socket(address);
    std::thread::sleep(Duration::from_millis(100));
    site.case("a", "", "第二版。");
    let message = socket.read().expect("a reload message").into_text().unwrap().to_string();
    assert_eq!(message, r#"{"reload":true}"#);
    assert!(get(address, A).1.contains("第二版"));
    drop(socket);
    let fds_at_end = server.settle(fds_at_start + 5);
    let threads_at_end = server.threads();
    eprintln!(
        "serve under load: {} HTTP connections in {:.1} s, {sockets} reload sockets in {:.1} s, \
         {} idle connections held (refused past {limit}, closed after {:.1} s); descriptors: \
         {fds_at_start} at start, {fds_after_churn} after the churn, {fds_while_full} while full, \
         {fds_at_end} at the end; threads {threads_at_start} → {threads_at_end}; {:.1} s in all",
        http_clients * per_client,
        http_done.as_secs_f64(),
        (churn_done - http_done).as_secs_f64(),
        limit + 20,
        idle_closed_after.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    assert!(fds_after_churn < 200 && fds_at_end < 200, "descriptors stay bounded");
    assert!(fds_at_end <= fds_at_start + 5, "every connection's descriptor is given back");
    assert!(threads_at_end <= threads_at_start + 2, "no thread per connection");
}

// found by a hostile review: serve's edits were not read by the guard over a theme's own pages,
// so the preview showed as fixed what `build` refused
#[test]
fn an_edit_under_a_theme_of_ones_own_is_guarded_as_a_build_is() {
    let site = Site::new();
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"甲\"\npublisher = \"某县委组织部\"\ndate = 2020-01-01\nslug = \"a\"\n+++\n正文。\n",
    );
    // the theme puts a number together for one title only: no file holds it
    site.file(
        "themes/default/templates/case.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title }}{% if page.title == \"乙\" %}{{ \"1381234\" ~ \"5678\" }}{% endif %}{% endblock main %}",
    );
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(site.root())).unwrap();
    site.file(
        "content/cases/a.md",
        "+++\ntitle = \"乙\"\npublisher = \"某县委组织部\"\ndate = 2020-01-01\nslug = \"a\"\n+++\n正文。\n",
    );
    let err =
        session.update(&[std::path::PathBuf::from("content/cases/a.md")]).expect_err("refused as a build is");
    assert!(err.to_string().contains("138****5678"), "{err}");
    assert!(site.build().is_err(), "and build refuses it too");
    let served = String::from_utf8(session.read("cases/2020/a/index.html").unwrap()).unwrap();
    assert!(!served.contains("13812345678"), "the last good page stays");
}
