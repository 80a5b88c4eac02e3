//! Incremental `serve` benchmark: N synthetic cases, then edits of one case.
//!
//! Measures (1) `Session::update` time for one edited case, (2) the time from saving the file
//! to the new text being served over HTTP by a real `gongkai serve`, (3) resident memory
//! across 1,000 successive edits (it must stay flat), and (4) the server under load: thousands
//! of connections and reload sockets opened and dropped, and how long after the header timeout
//! the server closes idle connections held past its limit. The serve tests assert what happens
//! in each case; how fast it happens is measured here, printed and never asserted.
//!
//! `GONGKAI_BENCH_N` (default 10000) sets the corpus size; `GONGKAI_BENCH_EDITS` (default 1000)
//! the number of edits. Run: `cargo bench --bench serve`.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

const PHRASES: &[&str] = &[
    "坚持党建引领",
    "规范发展党员工作",
    "流动党员教育管理",
    "三会一课制度落实",
    "主题党日活动常态化",
    "第一书记驻村帮扶",
    "村级集体经济发展",
    "党员积分管理",
    "基层治理网格化",
    "为民办实事",
];
const TAGS: &[&str] = &["党员发展", "组织生活", "基层治理", "乡村振兴", "干部管理", "党建引领"];
const REGIONS: &[&str] =
    &["山西省/临汾市/浮山县", "山西省/运城市/绛县", "山西省/大同市/广灵县", "山西省/忻州市/定襄县"];

fn case(i: usize, version: usize) -> String {
    let mut body = String::new();
    for p in 0..4 {
        for s in 0..12 {
            body.push_str(PHRASES[(i * 7 + p * 3 + s) % PHRASES.len()]);
            body.push_str(if s % 4 == 3 { "。" } else { "，" });
        }
        body.push_str("\n\n");
    }
    format!(
        "+++\ntitle = \"案例{i}：{}\"\nslug = \"c{i:05}\"\npublisher = \"第{}县委组织部\"\ndate = 20{:02}-{:02}-{:02}\nregion = \"{}\"\ntags = [\"{}\"]\ncommentary = \"点评{i}。\"\n+++\n\n修订{version}。{body}",
        PHRASES[i % PHRASES.len()],
        i % 50,
        14 + i % 10,
        1 + i % 12,
        1 + i % 28,
        REGIONS[i % REGIONS.len()],
        TAGS[i % TAGS.len()],
    )
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn get(address: &str, path: &str) -> String {
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(v[v.len() / 2]),
        ms(v[v.len() * 95 / 100]),
        ms(v[v.len() - 1])
    )
}

fn main() {
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (n, edits) = (env("GONGKAI_BENCH_N", 10_000), env("GONGKAI_BENCH_EDITS", 1_000));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/cases")).unwrap();
    std::fs::write(root.join("site.toml"), "title = \"基准\"\n").unwrap();
    for i in 0..n {
        std::fs::write(root.join(format!("content/cases/c{i:05}.md")), case(i, 0)).unwrap();
    }
    let edited = Path::new("content/cases/c00042.md");

    let started = Instant::now();
    let mut session = gongkai::session::Session::new(gongkai::BuildOptions::new(root)).unwrap();
    println!(
        "{n} cases: first build into memory {:.2} s, {} files",
        started.elapsed().as_secs_f64(),
        session.files().len()
    );

    let warm = rss_mb();
    let mut times = Vec::with_capacity(edits);
    let mut rss = Vec::new();
    for k in 1..=edits {
        std::fs::write(root.join(edited), case(42, k)).unwrap();
        let t = Instant::now();
        let changed = session.update(&[edited.to_path_buf()]).unwrap();
        times.push(t.elapsed());
        assert!(!changed.written.is_empty());
        if k % (edits / 10).max(1) == 0 {
            rss.push((k, rss_mb()));
        }
    }
    println!("Session::update after editing one case ({edits} edits): {}", stats(times));
    println!(
        "resident memory: {warm:.0} MB after the first build; after edits: {}",
        rss.iter().map(|(k, m)| format!("{k}: {m:.0} MB")).collect::<Vec<_>>().join(", ")
    );
    drop(session);

    // end to end: a real server, a real file write, poll over HTTP until the new text shows
    let opts = gongkai::serve::ServeOptions {
        build: gongkai::BuildOptions::new(root),
        bind: "127.0.0.1".into(),
        port: 0,
    };
    let server = gongkai::serve::start(opts, std::sync::Arc::new(|_: &str| {})).unwrap();
    let mut visible = Vec::new();
    for k in 0..20 {
        let marker = format!("端到端{k}号");
        std::fs::write(root.join(edited), case(42, 0).replace("修订0。", &marker)).unwrap();
        let t = Instant::now();
        // a case is at cases/YEAR/SLUG/: c00042 is dated 2016 (see `case`)
        while !get(&server.address, "/cases/2016/c00042/").contains(&marker) {
            assert!(t.elapsed() < Duration::from_secs(10), "the edit never showed");
            std::thread::sleep(Duration::from_millis(2));
        }
        visible.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "save → new text served over HTTP (20 edits, includes the 30 ms quiet period of the watcher): {}",
        stats(visible)
    );
    load(&server.address);
    server.stop();
}

fn connect(address: &str) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect(address.trim_start_matches("http://")).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream
}

/// What `serve_under_load` (tests/testsuite/serve.rs) does, timed: 3 clients of 1,000 plain
/// connections each (a request read to the end, one never read, a head cut off), 2,000 reload
/// sockets fifty at a time (half closed properly, half dropped), then the connection limit
/// filled with idle connections, timed until the server has closed them all.
fn load(address: &str) {
    let host = address.trim_start_matches("http://");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                for i in 0..1000 {
                    let mut stream = connect(address);
                    match i % 3 {
                        0 => {
                            write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                                .unwrap();
                            let mut response = Vec::new();
                            stream.read_to_end(&mut response).unwrap();
                        }
                        1 => write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap(),
                        _ => write!(stream, "GET / HT").unwrap(),
                    }
                }
            });
        }
    });
    let http = started.elapsed();

    let started = Instant::now();
    let url = format!("{}/__gongkai/reload", address.replace("http://", "ws://"));
    for _ in 0..2000 / 50 {
        let batch: Vec<_> =
            (0..50).map(|_| tungstenite::connect(url.as_str()).expect("websocket").0).collect();
        for (i, mut socket) in batch.into_iter().enumerate() {
            if i % 2 == 0 {
                let _ = socket.close(None);
                let _ = socket.flush();
            }
        }
    }
    let sockets = started.elapsed();

    // the churn's leftovers (answers never read) end by the header timeout too; wait that out
    // so the limit is filled by this part's own connections
    std::thread::sleep(gongkai::serve::HEADER_TIMEOUT + Duration::from_secs(1));
    let limit = gongkai::serve::MAX_CONNECTIONS;
    let mut idle: Vec<std::net::TcpStream> = (0..limit).map(|_| connect(address)).collect();
    let started = Instant::now();
    for stream in &mut idle {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
    }
    let closed = started.elapsed();
    println!(
        "under load: 3,000 HTTP connections in {:.2} s; 2,000 reload sockets in {:.2} s; {limit} idle \
         connections all closed by the server {:.2} s after they opened (header timeout {} s)",
        http.as_secs_f64(),
        sockets.as_secs_f64(),
        closed.as_secs_f64(),
        gongkai::serve::HEADER_TIMEOUT.as_secs(),
    );
}

#[path = "common/alloc.rs"]
mod alloc;
