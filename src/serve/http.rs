//! The preview's answers: files from the site held in memory, with the reload script injected
//! into HTML; `/__gongkai/reload` goes to the live-reload socket.

use super::reload;
use super::{Site, State};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};

pub type Answer = Response<Full<Bytes>>;

/// Answers one request. Never blocks: the site is in memory, and every connection shares one
/// thread.
pub fn handle(request: Request<Incoming>, state: &State) -> Answer {
    let host = request.headers().get(hyper::header::HOST).map(|h| h.as_bytes());
    if host.is_some_and(|h| !state.origins.allow_host(h)) {
        return text(
            StatusCode::FORBIDDEN,
            t!(
                "this preview answers only to 127.0.0.1 and localhost\n",
                "本预览只接受 127.0.0.1 和 localhost 的访问\n"
            ),
        );
    }
    if request.uri().path() == reload::SOCKET_PATH {
        return reload::upgrade(request, state);
    }
    let path = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy().into_owned();
    let site = state.site.read().expect("site lock");
    let (status, key) = match lookup(&site, &path) {
        Some(key) => (StatusCode::OK, key),
        None => (StatusCode::NOT_FOUND, "404.html".to_string()),
    };
    let blob = site.files.get(&key).cloned();
    drop(site);
    let body = match blob.map(|b| b.read()) {
        Some(Ok(bytes)) if key.ends_with(".html") => reload::inject(&bytes),
        Some(Ok(bytes)) => bytes,
        Some(Err(e)) => {
            let problem = crate::locale::io_error(&e);
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                t!("reading {key} from the preview's store: {problem}\n", "从预览的存储中读取 {key} 时出错：{problem}\n"),
            );
        }
        // nothing built yet (the first build failed): a page that shows the error and reloads
        None => reload::inject(b"<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>gongkai</title><body></body></html>"),
    };
    answer(status, content_type(&key), body)
}

pub fn answer(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A short plain-text answer, for refusals.
pub fn text(status: StatusCode, message: String) -> Answer {
    answer(status, "text/plain; charset=utf-8", message)
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
