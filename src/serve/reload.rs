//! Live reload: a small script injected into every HTML page in serve mode only, and the list
//! of open browser connections it talks to over a websocket.

use std::io::{Read, Write};
use std::sync::Mutex;

/// The raw connection tiny_http hands over after the upgrade.
pub struct Stream(Box<dyn tiny_http::ReadWrite + Send>);

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

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

/// The open browser pages.
#[derive(Default)]
pub struct Clients {
    sockets: Mutex<Vec<tungstenite::WebSocket<Stream>>>,
}

impl Clients {
    /// Keeps an upgraded connection (the browser never sends anything we need to read); a page
    /// that opens while the build is broken is told at once.
    pub fn add_stream(&self, stream: Box<dyn tiny_http::ReadWrite + Send>, error: Option<&str>) {
        let mut socket = tungstenite::WebSocket::from_raw_socket(
            Stream(stream),
            tungstenite::protocol::Role::Server,
            None,
        );
        if let Some(text) = error {
            let message = serde_json::json!({ "error": text }).to_string();
            if socket.send(tungstenite::Message::text(message)).is_err() {
                return;
            }
        }
        self.sockets.lock().expect("clients lock").push(socket);
    }

    /// Sends `message` (JSON) to every page, forgetting those that have gone away.
    pub fn broadcast(&self, message: &str) {
        let mut sockets = self.sockets.lock().expect("clients lock");
        sockets.retain_mut(|s| s.send(tungstenite::Message::text(message.to_string())).is_ok());
    }

    pub fn reload(&self) {
        self.broadcast(r#"{"reload":true}"#);
    }

    pub fn error(&self, text: &str) {
        self.broadcast(&serde_json::json!({ "error": text }).to_string());
    }
}
