//! The search (issue 7) in a real headless Chromium, on the example site opened from file://
//! as from a USB stick: a reader tabs to the header's search box, types a query and presses
//! Enter; the issue's three queries find their seed pages first; the filters narrow the results.
//!
//! Chromium is driven over the DevTools protocol (a minimal WebSocket client below, std only),
//! because `--dump-dom` cannot type: keys sent this way are trusted input, so Enter submits the
//! form as it does for a person.

use crate::common::{self, build_example};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One headless Chromium with one page, attached over DevTools.
struct Browser {
    child: Child,
    ws: TcpStream,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new("chromium")
            .args(common::CHROMIUM_FLAGS)
            .args([
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1000,900",
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect(
                "chromium is not installed: run `apt-get install chromium fonts-noto-cjk` (as .ci/run does)",
            );
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let ws_url = loop {
            let mut line = String::new();
            assert!(lines.read_line(&mut line).unwrap() > 0, "chromium exited before DevTools listened");
            if let Some(url) = line.trim().strip_prefix("DevTools listening on ") {
                break url.to_string();
            }
        };
        // Keep reading stderr so that Chromium never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.lines() {});
        let rest = ws_url.strip_prefix("ws://").expect("a ws:// address");
        let (host, path) = rest.split_once('/').unwrap();
        let mut ws = TcpStream::connect(host).expect("connecting to DevTools");
        write!(
            ws,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: Z29uZ2thaS1zZWFyY2g=\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            ws.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 101"), "no WebSocket: {}", String::from_utf8_lossy(&head));
        ws.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut b = Browser { child, ws, next: 0, session: String::new(), _profile: profile };
        let targets = b.send(None, "Target.getTargets", json!({}));
        let page = targets["targetInfos"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target")["targetId"]
            .clone();
        let attached = b.send(None, "Target.attachToTarget", json!({"targetId": page, "flatten": true}));
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b
    }

    fn write_frame(&mut self, payload: &[u8]) {
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend((n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend((n as u64).to_be_bytes());
            }
        }
        let mask = [0x5a, 0x17, 0xc3, 0x09];
        frame.extend(mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.ws.write_all(&frame).unwrap();
    }

    /// One whole message (continuation frames joined); pings and other control frames skipped.
    fn read_message(&mut self) -> Vec<u8> {
        let mut message = Vec::new();
        loop {
            let mut h = [0u8; 2];
            self.ws.read_exact(&mut h).expect("reading from DevTools");
            let len = match h[1] & 0x7f {
                126 => {
                    let mut l = [0u8; 2];
                    self.ws.read_exact(&mut l).unwrap();
                    u16::from_be_bytes(l) as usize
                }
                127 => {
                    let mut l = [0u8; 8];
                    self.ws.read_exact(&mut l).unwrap();
                    u64::from_be_bytes(l) as usize
                }
                n => n as usize,
            };
            let mut payload = vec![0u8; len];
            self.ws.read_exact(&mut payload).unwrap();
            let opcode = h[0] & 0x0f;
            if opcode >= 8 {
                continue;
            }
            message.extend(payload);
            if h[0] & 0x80 != 0 {
                return message;
            }
        }
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        match self.try_send(session, method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    fn try_send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.write_frame(msg.to_string().as_bytes());
        loop {
            let reply: Value = serde_json::from_slice(&self.read_message()).unwrap();
            if reply["id"] == json!(id) {
                return match reply.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(reply["result"].clone()),
                };
            }
        }
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    fn eval(&mut self, expr: &str) -> Value {
        let session = self.session.clone();
        let params = json!({"expression": expr, "returnByValue": true});
        // a navigation (Enter in the search box, a click) can destroy the page's context between
        // two calls: that is a moment to wait through, not a failure
        let mut tries = 0;
        let r = loop {
            match self.try_send(Some(&session), "Runtime.evaluate", params.clone()) {
                Ok(r) => break r,
                Err(_) if tries < 20 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("Runtime.evaluate failed: {e}"),
            }
        };
        assert!(r.get("exceptionDetails").is_none(), "{expr} threw: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Polls `expr` until it is truthy; fails after 20 s with `what`.
    fn wait(&mut self, expr: &str, what: &str) -> Value {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.eval(expr);
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn open(&mut self, url: &str) {
        self.page("Page.navigate", json!({"url": url}));
        self.wait(
            &format!(
                "decodeURI(location.href) === decodeURI({}) && document.readyState === 'complete'",
                json!(url)
            ),
            url,
        );
    }

    fn key(&mut self, key: &str, code: &str, vk: u32, text: &str) {
        let mut down = json!({"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk});
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.page("Input.dispatchKeyEvent", down);
        self.page(
            "Input.dispatchKeyEvent",
            json!({"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk}),
        );
    }

    /// Presses Tab until `expr` (about `document.activeElement`) holds, at most `max` times.
    fn tab_until(&mut self, expr: &str, max: usize) -> usize {
        for n in 1..=max {
            self.key("Tab", "Tab", 9, "");
            if self.eval(expr) == json!(true) {
                return n;
            }
        }
        panic!("{max} presses of Tab never reached {expr}");
    }

    /// The search page's status once the query has answered, and its results:
    /// `[link, title, kind label, excerpt HTML]` each.
    fn results(&mut self) -> (String, Vec<[String; 4]>) {
        self.wait(
            "window.gongkaiSearch && (gongkaiSearch.error || (gongkaiSearch.last && gongkaiSearch.last.timing.total >= 0))",
            "the search results",
        );
        assert_eq!(self.eval("String(gongkaiSearch.error || '')"), json!(""), "the search failed");
        let status = self.eval("document.getElementById('search-status').textContent");
        let rows = self.eval(
            "JSON.stringify(Array.from(document.querySelectorAll('#search-results li')).map(function (li) {
               var a = li.querySelector('h2 a');
               return [a.getAttribute('href'), a.textContent, li.querySelector('.kind').textContent,
                       li.querySelector('.search-excerpt').innerHTML];
             }))",
        );
        let rows: Vec<[String; 4]> = serde_json::from_str(rows.as_str().unwrap()).unwrap();
        (status.as_str().unwrap().to_string(), rows)
    }

    /// Opens the search page of `site` with `query` (and more parameters) in its URL.
    fn search(&mut self, site: &Path, params: &[(&str, &str)]) -> (String, Vec<[String; 4]>) {
        let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", percent(v))).collect();
        self.open(&format!("file://{}/search/index.html?{}", site.display(), q.join("&")));
        self.results()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

const JIANGXIAN: &str = "../reviews/2020-jiangxian/index.html";
// issue 15: cases are at their date and slug (content/cases/002_474f3c114e6c0acf-004.md and -001.md)
const SECRETARY: &str = "../cases/2015/san-ju-cuo-ji-fa-di-yi-shu/index.html";
const RECRUITMENT: &str = "../cases/2015/yong-yi-zhi-du-san-ban-fa-yi/index.html";

#[test]
fn a_reader_tabs_to_the_search_box_types_a_query_and_reads_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let mut b = Browser::launch();
    b.open(&format!("file://{}/index.html", out.display()));
    // From the top of the home page: the skip link, the site title, then the search box.
    let presses = b.tab_until("document.activeElement.id === 'site-search-q'", 6);
    assert!(presses <= 3, "the search box is {presses} Tab presses away");
    b.page("Input.insertText", json!({"text": "流动党员"}));
    b.key("Enter", "Enter", 13, "\r");
    b.wait("location.pathname.endsWith('/search/index.html')", "the search page");
    let (status, rows) = b.results();
    assert_eq!(status, "找到1条结果");
    assert_eq!(b.eval("new URLSearchParams(location.search).get('q')"), json!("流动党员"));
    assert_eq!(b.eval("document.getElementById('search-q').value"), json!("流动党员"));
    let [link, title, kind, excerpt] = &rows[0];
    assert_eq!(link, JIANGXIAN);
    assert_eq!(title, "五大行动筑牢战斗堡垒");
    assert_eq!(kind, "年度巡礼");
    assert!(excerpt.contains("<mark>流动党员</mark>"), "the excerpt does not highlight the query: {excerpt}");

    // A second query typed on the search page; the results stay reachable by keyboard.
    b.eval("document.getElementById('search-q').focus(); document.getElementById('search-q').select(); true");
    b.page("Input.insertText", json!({"text": "第一書記"}));
    b.eval("gongkaiSearch.last = null; true");
    b.key("Enter", "Enter", 13, "\r");
    let (status, rows) = b.results();
    assert_eq!(status, "找到3条结果");
    assert_eq!(rows[0][0], SECRETARY);
    assert!(rows[0][1].contains("<mark>") || rows[0][1].contains("第一書記"));
    b.tab_until("document.activeElement.closest('#search-results') !== null", 8);
    assert_eq!(b.eval("document.activeElement.getAttribute('href')"), json!(SECRETARY));
    b.key("Enter", "Enter", 13, "\r");
    b.wait(
        "location.pathname.endsWith('/cases/2015/san-ju-cuo-ji-fa-di-yi-shu/index.html')",
        "the result's page",
    );
}

#[test]
fn the_issue_queries_find_their_seed_pages_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let mut b = Browser::launch();
    for (query, expected) in [
        ("流动党员", JIANGXIAN),
        ("第一书记", SECRETARY),
        ("發展黨員", RECRUITMENT),
        // the other script of each
        ("發展党员", RECRUITMENT),
        ("发展党员", RECRUITMENT),
        ("第一書記", SECRETARY),
        ("流動黨員", JIANGXIAN),
        // several words: pages with all of them first
        ("第一书记 广灵", SECRETARY),
        ("党员 绛县", JIANGXIAN),
        // latin and digits
        ("2020", JIANGXIAN),
    ] {
        let (status, rows) = b.search(&out, &[("q", query)]);
        assert!(status.starts_with("找到"), "{query}: {status}");
        assert_eq!(rows.first().map(|r| r[0].as_str()), Some(expected), "{query} ranks {rows:?}");
    }
    // A word inside a longer run: 党员 is in 流动党员 and in nearly every page.
    let (status, rows) = b.search(&out, &[("q", "党员")]);
    let found: usize = status.trim_start_matches("找到").trim_end_matches("条结果").parse().unwrap();
    assert!(found >= 12 && rows.len() == 10, "党员: {status}, {} shown", rows.len());
    assert!(rows.iter().any(|r| r[0] == JIANGXIAN), "党员 inside 流动党员 is not found: {rows:?}");
    assert!(rows[0][3].contains("<mark>党员</mark>"), "the first result shows no match: {rows:?}");
    let (status, _) = b.search(&out, &[("q", "不存在的词语组合")]);
    assert_eq!(status, "没有找到相关内容，请换个词试试");
}

#[test]
fn the_filters_narrow_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let mut b = Browser::launch();
    let (_, all) = b.search(&out, &[("q", "党员")]);
    let (_, reviews) = b.search(&out, &[("q", "党员"), ("kind", "review")]);
    assert!(!reviews.is_empty() && reviews.len() < all.len());
    assert!(reviews.iter().all(|r| r[2] == "年度巡礼"), "{reviews:?}");
    assert_eq!(b.eval("document.querySelector('select[name=kind]').value"), json!("review"));
    let (status, year) = b.search(&out, &[("q", "党员"), ("year", "2020")]);
    assert_eq!(status, "找到1条结果");
    assert_eq!(year[0][0], JIANGXIAN);
    let (_, region) = b.search(&out, &[("q", "党员"), ("region", "山西省/运城市")]);
    assert_eq!(region.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), [JIANGXIAN]);
    // Changing a filter on the page re-runs the query in place.
    b.eval(
        "gongkaiSearch.last = null; var s = document.querySelector('select[name=region]'); s.value = '';
         s.dispatchEvent(new Event('change', {bubbles: true})); true",
    );
    let (_, again) = b.results();
    assert_eq!(again, all);
}
