//! The listening socket and its limits: how many connections are served at once, how long a
//! client may take over its headers, how long one connection may live. A connection past the
//! limit is told so and closed; nothing a client does stops the accept loop.

use super::{http, State};
use anyhow::{Context, Result};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Connections served at once. A browser opens about six to a host, so this is dozens of tabs;
/// the bound is what keeps descriptors and memory flat whatever clients do.
pub const MAX_CONNECTIONS: usize = 256;
/// Refusals being delivered at once; past this a connection is closed without a word, since
/// even a refusal holds a descriptor for a moment.
const MAX_REFUSALS: usize = 64;
/// A client that has not sent a whole request head within this (an idle keep-alive connection,
/// a slow or silent one) is closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A busy connection is asked to finish after this, so a client that stops reading a response
/// cannot keep its slot; a browser just opens another.
const LIFETIME: Duration = Duration::from_secs(60);
/// How long a connection asked to finish, or a refused one, may take to do so.
const GRACE: Duration = Duration::from_secs(2);
/// Pause after a failed accept (out of descriptors, usually) so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The server's thread and the switch that stops it.
pub struct Listening {
    stop: watch::Sender<bool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Listening {
    /// Stops accepting, closes every connection and reload socket, and waits until the port
    /// is free again.
    pub fn stop(&self) {
        self.stop.send_replace(true);
        let thread = self.thread.lock().expect("server thread lock").take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Serves `listener` on one thread of its own: every connection is a task there, not a thread.
pub fn spawn(listener: std::net::TcpListener, state: Arc<State>) -> Result<Listening> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .with_context(|| t!("starting the server's event loop", "启动预览服务时出错"))?;
    listener
        .set_nonblocking(true)
        .with_context(|| t!("making the listening socket non-blocking", "设置监听端口时出错"))?;
    let listener = {
        let _inside = runtime.enter();
        TcpListener::from_std(listener)
            .with_context(|| t!("registering the listening socket", "登记监听端口时出错"))?
    };
    let (stop, stopped) = watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("gongkai-serve".into())
        .spawn(move || {
            runtime.block_on(accept(listener, state, stopped));
            // dropping the runtime here drops every connection and socket task with it
        })
        .with_context(|| t!("starting the server thread", "启动预览服务线程时出错"))?;
    Ok(Listening { stop, thread: Mutex::new(Some(thread)) })
}

async fn accept(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let mut last_complaint: Option<Instant> = None;
    loop {
        let stream = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // said once a minute: a client storm must not become a log storm
                    if last_complaint.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                        let problem = crate::locale::io_error(&e);
                        (state.log)(&t!(
                            "cannot accept a connection ({problem}); still serving",
                            "无法接受一个连接（{problem}），预览仍在运行"
                        ));
                        last_complaint = Some(Instant::now());
                    }
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        if let Ok(slot) = slots.clone().try_acquire_owned() {
            tokio::spawn(serve(stream, state.clone(), slot));
        } else if let Ok(permit) = refusals.clone().try_acquire_owned() {
            tokio::spawn(refuse(stream, permit));
        }
    }
}

/// Answers requests on one connection until the client leaves or a limit ends it; an
/// upgrade to the reload socket hands the connection over and frees the slot.
async fn serve(stream: TcpStream, state: Arc<State>, _slot: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |request| {
        let response = http::handle(request, &state);
        async move { Ok::<_, std::convert::Infallible>(response) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(64 * 1024)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = tokio::time::sleep(LIFETIME) => connection.as_mut().graceful_shutdown(),
    }
    let _ = tokio::time::timeout(GRACE, connection).await;
}

/// Tells a client past the limit why it is turned away. It then waits for the client to hang
/// up: closing with its request unread would reset the connection and lose the answer.
async fn refuse(mut stream: TcpStream, _permit: OwnedSemaphorePermit) {
    let body = t!(
        "gongkai serve is busy: {MAX_CONNECTIONS} connections are open. Close some pages and try again.\n",
        "gongkai 预览正忙：已有 {MAX_CONNECTIONS} 个连接。请关掉一些页面后再试。\n"
    );
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(GRACE, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut unread = [0u8; 1024];
        while stream.read(&mut unread).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}
