//! Live reload: a small script injected into every HTML page in serve mode only, and the
//! websocket it holds open. Each socket is a task that ends, and frees its connection, as soon
//! as the page goes away; rebuilds reach the sockets through a broadcast channel.

use super::http::{self, Answer};
use super::State;
use futures_util::{SinkExt, StreamExt};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONNECTION, ORIGIN, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::upgrade::Upgraded;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// Path of the websocket the script connects to; under a name no site page can take.
pub const SOCKET_PATH: &str = "/__gongkai/reload";

/// Reloads the page after a rebuild; shows the build errors over the page when a build fails
/// (the server keeps running), and clears them when a later build succeeds.
pub const SCRIPT: &str = r#"<script>
(function () {
  var overlay = null;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "gongkai-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(20,0,0,.92);color:#fff;" +
        "font:15px/1.6 monospace;padding:2rem;white-space:pre-wrap;overflow:auto";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败 Build failed\n\n" + text;
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__gongkai/reload");
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.error) { show(msg.error); } else if (msg.reload) { location.reload(); }
    };
    ws.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
</script>"#;

/// Puts the reload script before `</body>` (or at the end when there is none).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{}{}", &text[..i], SCRIPT, &text[i..]).into_bytes(),
        None => format!("{text}{SCRIPT}").into_bytes(),
    }
}

/// Reload sockets open at once; within the connection limit, so pages still load when many
/// tabs are open.
pub const MAX_SOCKETS: usize = 128;
/// A ping this often shows whether a page that said nothing is still there.
const PING_EVERY: Duration = Duration::from_secs(30);
/// Nothing heard (not even a pong) for this long: the page is gone without a word.
const SILENCE: Duration = Duration::from_secs(75);
/// A page that does not take a message within this is dropped rather than waited for.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Rebuild messages a slow socket may fall behind by; past it, it skips to the newest.
const BACKLOG: usize = 16;

/// The open browser pages, as far as the rebuild loop needs to know them.
pub struct Clients {
    news: broadcast::Sender<Utf8Bytes>,
    slots: Arc<Semaphore>,
}

impl Default for Clients {
    fn default() -> Clients {
        Clients { news: broadcast::channel(BACKLOG).0, slots: Arc::new(Semaphore::new(MAX_SOCKETS)) }
    }
}

impl Clients {
    /// Sends `message` (JSON) to every open page.
    pub fn broadcast(&self, message: String) {
        // an error only means no page is open
        let _ = self.news.send(message.into());
    }

    pub fn reload(&self) {
        self.broadcast(r#"{"reload":true}"#.to_string());
    }

    pub fn error(&self, text: &str) {
        self.broadcast(error_message(text));
    }
}

fn error_message(text: &str) -> String {
    serde_json::json!({ "error": text }).to_string()
}

/// The pages allowed to open the socket: this server's own, under the names a browser on this
/// machine reaches it by. Any other site's page (or a DNS-rebound name) is refused, since the
/// socket tells the build's errors.
pub struct Origins(Vec<String>, bool);

impl Origins {
    pub fn for_address(address: SocketAddr) -> Origins {
        let port = address.port();
        let bound = match address.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        let hosts = ["127.0.0.1".to_string(), "localhost".to_string(), "[::1]".to_string(), bound];
        // a browser leaves the default port out of an origin
        let origin = |host: &String| match port {
            80 => format!("http://{host}"),
            _ => format!("http://{host}:{port}"),
        };
        Origins(hosts.iter().map(origin).collect(), address.ip().is_unspecified())
    }

    /// Whether a request's `Host` names this server. A page of a DNS-rebound name (a site whose
    /// name resolves to 127.0.0.1) would otherwise read the preview; bound to every address
    /// (`--bind 0.0.0.0`, for a colleague on the LAN), any name is let in.
    pub fn allow_host(&self, host: &[u8]) -> bool {
        self.1 || self.0.iter().any(|o| o.trim_start_matches("http://").as_bytes().eq_ignore_ascii_case(host))
    }

    pub fn allow(&self, origin: &[u8]) -> bool {
        self.0.iter().any(|o| o.as_bytes().eq_ignore_ascii_case(origin))
    }
}

/// Checks the upgrade request, answers 101 and leaves the socket to a task of its own. No
/// Origin (a client that is not a browser) is let in; a foreign one gets 403.
pub fn upgrade(request: Request<Incoming>, state: &State) -> Answer {
    let headers = request.headers();
    if headers.get(ORIGIN).is_some_and(|origin| !state.origins.allow(origin.as_bytes())) {
        return http::text(
            StatusCode::FORBIDDEN,
            t!(
                "the live-reload socket is only for this server's pages\n",
                "自动刷新连接只供本预览的页面使用\n"
            ),
        );
    }
    let is_websocket = headers.get(UPGRADE).is_some_and(|u| u.as_bytes().eq_ignore_ascii_case(b"websocket"));
    let Some(key) = headers.get(SEC_WEBSOCKET_KEY).filter(|_| is_websocket) else {
        return http::text(StatusCode::BAD_REQUEST, t!("websocket only\n", "这里只接受 WebSocket 连接\n"));
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let Ok(slot) = state.clients.slots.clone().try_acquire_owned() else {
        return http::text(
            StatusCode::SERVICE_UNAVAILABLE,
            t!(
                "too many live-reload sockets are open; close some pages\n",
                "打开的自动刷新连接太多，请关掉一些页面\n"
            ),
        );
    };
    // subscribed before the error is read, so a rebuild in between is not missed
    let news = state.clients.news.subscribe();
    let error = state.site.read().expect("site lock").error.clone();
    let upgrading = hyper::upgrade::on(request);
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrading.await {
            let config =
                WebSocketConfig::default().max_message_size(Some(64 << 10)).max_frame_size(Some(64 << 10));
            let socket =
                WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
            talk(socket, news, error, slot).await;
        }
    });
    let mut response = Response::new(Default::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(SEC_WEBSOCKET_ACCEPT, accept.parse().expect("base64 is a valid header"));
    response
}

type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// Tells a page about rebuilds until it leaves: a close, an end of stream, an error, silence,
/// or a message it will not take ends the task and drops the connection with it.
async fn talk(
    mut socket: Socket,
    mut news: broadcast::Receiver<Utf8Bytes>,
    error: Option<String>,
    _slot: OwnedSemaphorePermit,
) {
    // a page that opens while the build is broken is told at once
    if let Some(text) = error {
        if send(&mut socket, Message::text(error_message(&text))).await.is_err() {
            return;
        }
    }
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Close(_))) => {
                    let _ = tokio::time::timeout(WRITE_TIMEOUT, socket.close(None)).await;
                    return;
                }
                Some(Ok(_)) => heard = Instant::now(),
                Some(Err(_)) | None => return,
            },
            message = news.recv() => match message {
                Ok(text) => {
                    if send(&mut socket, Message::Text(text)).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = ping.tick() => {
                if heard.elapsed() > SILENCE || send(&mut socket, Message::Ping(Bytes::new())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn send(socket: &mut Socket, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(WRITE_TIMEOUT, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_pages_may_open_the_socket() {
        let origins = Origins::for_address("127.0.0.1:1111".parse().unwrap());
        for ok in
            ["http://127.0.0.1:1111", "http://localhost:1111", "http://LOCALHOST:1111", "http://[::1]:1111"]
        {
            assert!(origins.allow(ok.as_bytes()), "{ok}");
        }
        for refused in [
            "http://evil.example",
            "http://localhost:1112",
            "https://localhost:1111",
            "http://127.0.0.1:1111.evil.example",
            "null",
            "",
        ] {
            assert!(!origins.allow(refused.as_bytes()), "{refused}");
        }
    }

    #[test]
    fn a_server_bound_elsewhere_accepts_its_own_address() {
        let origins = Origins::for_address("[fe80::1]:80".parse().unwrap());
        assert!(origins.allow(b"http://[fe80::1]"));
        assert!(origins.allow(b"http://localhost"));
        assert!(!origins.allow(b"http://localhost:80.evil.example"));
        let lan = Origins::for_address("192.168.1.5:1111".parse().unwrap());
        assert!(lan.allow(b"http://192.168.1.5:1111"));
    }
}
