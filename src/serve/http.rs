//! The preview server: answers from the site held in memory, injects the reload script into
//! HTML, and upgrades `/__gongkai/reload` to a websocket.

use super::reload::{self, Clients};
use super::Site;
use std::sync::{Arc, RwLock};
use tiny_http::{Header, Request, Response};

/// Answers one request; runs on its own thread so a slow client blocks nobody.
pub fn handle(request: Request, site: &Arc<RwLock<Site>>, clients: &Arc<Clients>) {
    let url = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
    if url == reload::SOCKET_PATH {
        return upgrade(request, site, clients);
    }
    let path = percent_encoding::percent_decode_str(&url).decode_utf8_lossy().into_owned();
    let site = site.read().expect("site lock");
    let (status, key) = match lookup(&site, &path) {
        Some(key) => (200, key),
        None => (404, "404.html".to_string()),
    };
    let body = match site.files.get(&key) {
        Some(bytes) if key.ends_with(".html") => reload::inject(bytes),
        Some(bytes) => bytes.clone(),
        // nothing built yet (the first build failed): a page that shows the error and reloads
        None => reload::inject(b"<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>gongkai</title><body></body></html>"),
    };
    drop(site);
    let header = Header::from_bytes("Content-Type", content_type(&key)).expect("static header");
    let no_cache = Header::from_bytes("Cache-Control", "no-store").expect("static header");
    let _ = request.respond(
        Response::from_data(body).with_status_code(status).with_header(header).with_header(no_cache),
    );
}

/// The file for a URL path: itself, or the `index.html` of the folder it names.
fn lookup(site: &Site, path: &str) -> Option<String> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|s| s == "..") {
        return None;
    }
    let candidates = [rel.to_string(), format!("{}/index.html", rel.trim_end_matches('/'))];
    candidates.into_iter().map(|c| c.trim_start_matches('/').to_string()).find(|c| site.files.contains_key(c))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Completes the websocket handshake that tiny_http leaves to us, then keeps the socket.
fn upgrade(request: Request, site: &Arc<RwLock<Site>>, clients: &Arc<Clients>) {
    let key =
        request.headers().iter().find(|h| h.field.equiv("Sec-WebSocket-Key")).map(|h| h.value.to_string());
    let Some(key) = key else {
        let _ = request.respond(Response::from_string("websocket only").with_status_code(400));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::empty(101)
        .with_header(Header::from_bytes("Upgrade", "websocket").expect("static header"))
        .with_header(Header::from_bytes("Connection", "Upgrade").expect("static header"))
        .with_header(Header::from_bytes("Sec-WebSocket-Accept", accept).expect("ascii header"));
    let stream = request.upgrade("websocket", response);
    clients.add_stream(stream, site.read().expect("site lock").error.as_deref());
}
