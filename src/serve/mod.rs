//! `gongkai serve`: builds the site into memory, serves it over HTTP, watches the sources,
//! rebuilds what a change touches and reloads the open pages.

pub mod http;
mod listen;
pub mod reload;
pub mod watch;

use crate::session::Session;
use crate::BuildOptions;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, RwLock};
use std::time::Instant;

pub use listen::{HEADER_TIMEOUT, MAX_CONNECTIONS};
pub use reload::MAX_SOCKETS;

/// What the server answers from.
#[derive(Default)]
pub struct Site {
    /// The session's files, shared: each is read from the session's spill file when asked for.
    pub files: BTreeMap<String, crate::write::spill::Blob>,
    /// The current build error, shown to every page that connects until a build succeeds.
    pub error: Option<String>,
}

pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: String,
    pub port: u16,
}

/// What the connections and the rebuild loop share.
pub struct State {
    site: RwLock<Site>,
    clients: reload::Clients,
    origins: reload::Origins,
    log: Log,
}

/// A running preview: its address, and the handle that stops it (dropping it stops it too).
pub struct Server {
    pub address: String,
    listening: listen::Listening,
    _watcher: watch::Watcher,
}

impl Server {
    pub fn stop(&self) {
        self.listening.stop();
    }
}

/// Something the server reports as it goes (built, rebuilt, failed), for the command line.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Starts the preview and returns at once; the server runs on background threads.
pub fn start(opts: ServeOptions, log: Log) -> Result<Server> {
    let started = Instant::now();
    anyhow::ensure!(
        opts.build.root.is_dir(),
        t!(
            "the site folder {} does not exist; pass --root DIR",
            "网站文件夹 {} 不存在，请用 --root 指定网站文件夹",
            opts.build.root.display()
        )
    );
    let (session, error) = Session::lenient(opts.build);
    let error = error.map(|e| error_text(&e));
    match &error {
        None => log(&t!(
            "built {} pages in {:.2} s",
            "已生成 {} 个页面，用时 {:.2} 秒",
            session.pages(),
            started.elapsed().as_secs_f64()
        )),
        Some(text) => log(&t!(
            "build failed; serving anyway, fix the files and it rebuilds:\n{text}",
            "生成失败，预览照常运行；改正文件后会自动重新生成：\n{text}"
        )),
    }
    let mut told = Vec::new();
    tell_warnings(&session, &mut told, &log);
    let root = session.root().to_path_buf();
    let listener = std::net::TcpListener::bind((opts.bind.as_str(), opts.port)).map_err(|e| {
        let problem = crate::locale::io_error(&e);
        anyhow::anyhow!(t!(
            "cannot listen on {}:{}: {problem}; is another server running? try --port {}",
            "无法在 {}:{} 上监听：{problem}；是不是已经有一个预览在运行？可以试试 --port {}",
            opts.bind,
            opts.port,
            opts.port.wrapping_add(1)
        ))
    })?;
    let bound =
        listener.local_addr().with_context(|| t!("reading the address listened on", "读取监听地址时出错"))?;
    let state = Arc::new(State {
        site: RwLock::new(Site { files: session.files().clone(), error }),
        clients: reload::Clients::default(),
        origins: reload::Origins::for_address(bound),
        log,
    });
    let listening = listen::spawn(listener, state.clone())?;
    let (tx, rx) = mpsc::channel();
    let watcher = watch::watch(&root, tx)?;
    std::thread::spawn(move || rebuild_loop(session, rx, state, told));
    Ok(Server { address: format!("http://{bound}"), listening, _watcher: watcher })
}

/// Applies each batch of changes; a failed build keeps the last good site on show and the
/// errors over it, until a later change fixes them.
fn rebuild_loop(
    mut session: Session,
    changes: mpsc::Receiver<Vec<PathBuf>>,
    state: Arc<State>,
    mut told: Vec<crate::Diagnostic>,
) {
    let (site, clients, log) = (&state.site, &state.clients, &state.log);
    // the browser hears of an error once, and only when the files have settled
    let mut last_error: Option<String> = site.read().expect("site lock").error.clone();
    let mut pending: Option<Vec<PathBuf>> = None;
    loop {
        let mut batch = match pending.take() {
            Some(batch) => batch,
            None => match changes.recv() {
                Ok(batch) => batch,
                Err(_) => return,
            },
        };
        while let Ok(more) = changes.try_recv() {
            batch.extend(more);
        }
        let started = Instant::now();
        match session.update(&batch) {
            Ok(changed) => {
                publish(site, &session, &changed);
                site.write().expect("site lock").error = None;
                if !changed.written.is_empty() || !changed.removed.is_empty() || last_error.is_some() {
                    clients.reload();
                }
                if last_error.take().is_some() {
                    log(&t!(
                        "fixed: the site builds again, and the page in the browser has reloaded",
                        "问题已解决：网站又能正常生成了，浏览器中的页面已刷新"
                    ));
                }
                log(&t!(
                    "rebuilt {} files after {} change(s) in {} ms",
                    "有 {1} 处改动，已重新生成 {0} 个文件，用时 {2} 毫秒",
                    changed.written.len(),
                    batch.len(),
                    started.elapsed().as_millis()
                ));
                tell_warnings(&session, &mut told, log);
                // the search index follows once the edited page is out, unless more edits wait
                if session.has_deferred() {
                    match changes.recv_timeout(SETTLE) {
                        Ok(more) => pending = Some(more),
                        Err(_) => match session.refresh_deferred() {
                            Ok(changed) => publish(site, &session, &changed),
                            Err(e) => log(&t!(
                                "updating the search index failed: {}",
                                "更新搜索索引失败：{}",
                                e.report()
                            )),
                        },
                    }
                }
            }
            Err(e) => {
                // an editor that truncates a file before writing it shows us a broken file
                // for an instant: more changes coming soon mean the error was not the last word
                if let Ok(more) = changes.recv_timeout(SETTLE) {
                    pending = Some(batch.into_iter().chain(more).collect());
                    continue;
                }
                let text = error_text(&e);
                site.write().expect("site lock").error = Some(text.clone());
                if last_error.as_deref() != Some(text.as_str()) {
                    clients.error(&text);
                    log(&t!("build failed:\n{text}", "生成失败：\n{text}"));
                }
                last_error = Some(text);
            }
        }
    }
}

/// Logs the build's warnings that were not logged the last time, as `build` prints them: a
/// warning that stands is said once, not after every edit, and one that comes back after it
/// was fixed is said again.
fn tell_warnings(session: &Session, told: &mut Vec<crate::Diagnostic>, log: &Log) {
    let now = session.warnings();
    // both lists are sorted (`tidy`)
    for w in now.iter().filter(|w| told.binary_search(w).is_err()) {
        log(&format!("{}{w}", crate::locale::label("warning")));
    }
    *told = now;
}

fn error_text(e: &crate::BuildError) -> String {
    e.report()
}

/// How long a failed build waits for further changes before it reports.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(120);

fn publish(site: &RwLock<Site>, session: &Session, changed: &crate::session::Changed) {
    let mut site = site.write().expect("site lock");
    if changed.all {
        site.files = session.files().clone();
        return;
    }
    for path in &changed.removed {
        site.files.remove(path);
    }
    for path in &changed.written {
        if let Some(bytes) = session.files().get(path) {
            site.files.insert(path.clone(), bytes.clone());
        }
    }
}
