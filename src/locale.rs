//! The language gongkai speaks to the person at the terminal: English (the default) or Chinese.
//!
//! The language is a property of the process, chosen once by the binary from the locale
//! (`LC_ALL`, `LC_MESSAGES`, `LANG`) before any work starts, and read wherever a message is
//! written, with [`t!`](crate::t): `t!("unknown key `{key}`", "未知的键 `{key}`")` formats one
//! text or the other. This is how gettext works, and for the same reasons: a message is made
//! deep inside a stage (a CSV cell, a shortcode, a front matter date) by code that has no other
//! reason to know who reads it; passing a language argument through load, parse, resolve,
//! render, write and versions, and through every helper that builds a problem string, would
//! touch hundreds of signatures for one value that never changes while the process runs, and
//! the first helper that forgot it would answer in the wrong language. Diagnostics and errors
//! are made on rayon's threads too, so a thread-local would not do; one atomic is read by all.
//!
//! Nothing in the output (pages, feeds, manifests, JSON keys) depends on it: only what is said to
//! the user. The library's default is English, so a library caller (and every test) that never
//! sets it gets the same messages as before.

use std::sync::atomic::{AtomicBool, Ordering};

mod foreign;
pub use foreign::{io_error, serde_message, toml_message, unknown as foreign_message};

static CHINESE: AtomicBool = AtomicBool::new(false);

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    English,
    Chinese,
}

/// Sets the language of every message the process writes from now on; the binary calls it once,
/// before parsing its arguments.
pub fn set(lang: Lang) {
    CHINESE.store(lang == Lang::Chinese, Ordering::Relaxed);
}

/// The language messages are written in.
pub fn lang() -> Lang {
    if chinese() {
        Lang::Chinese
    } else {
        Lang::English
    }
}

/// Whether messages are written in Chinese.
pub fn chinese() -> bool {
    CHINESE.load(Ordering::Relaxed)
}

/// Whether the user's locale asks for Chinese, the POSIX way: the first of `LC_ALL`,
/// `LC_MESSAGES` and `LANG` that is set and not empty decides (`zh_CN.UTF-8`, `zh_TW`, `zh`).
pub fn from_env() -> Lang {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    if value.is_some_and(|v| v.starts_with("zh")) {
        Lang::Chinese
    } else {
        Lang::English
    }
}

/// One text or the other, as the process's language says: `t!("English {x}", "中文 {x}")`, with
/// the arguments `format!` takes (inline names, or values after the two texts, used by both).
#[macro_export]
macro_rules! t {
    ($en:literal, $zh:literal $(,)?) => {
        if $crate::locale::chinese() { format!($zh) } else { format!($en) }
    };
    ($en:literal, $zh:literal, $($arg:tt)+) => {
        if $crate::locale::chinese() { format!($zh, $($arg)+) } else { format!($en, $($arg)+) }
    };
}

/// Names the user may write, listed: `a, b, c` in English, 「`a`、`b`、`c`」 in Chinese.
pub fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    if chinese() {
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join("、")
    } else {
        names.join(", ")
    }
}

/// The context of a failed read: "reading PATH".
pub fn reading(path: &std::path::Path) -> String {
    t!("reading {}", "读取 {} 时出错", path.display())
}

/// The context of a failed write: "writing PATH".
pub fn writing(path: &std::path::Path) -> String {
    t!("writing {}", "写入 {} 时出错", path.display())
}

/// The context of a failed removal: "removing PATH".
pub fn removing(path: &std::path::Path) -> String {
    t!("removing {}", "删除 {} 时出错", path.display())
}

/// The context of a failed folder creation: "creating PATH".
pub fn creating(path: &std::path::Path) -> String {
    t!("creating {}", "创建 {} 时出错", path.display())
}

/// The label that opens a report line, with its colon: `error: ` or 「错误：」, `warning: `,
/// `hint: `.
pub fn label(en: &'static str) -> String {
    if !chinese() {
        return format!("{en}: ");
    }
    let zh = match en {
        "error" => "错误",
        "warning" => "注意",
        "hint" => "提示",
        _ => en,
    };
    format!("{zh}：")
}

/// An error with its causes, `context: cause: cause` as `{:#}` writes it, each cause in the
/// process's language: the operating system's and the TOML parser's messages put into Chinese,
/// any other crate's English message quoted whole.
pub fn error_chain(err: &anyhow::Error) -> String {
    let causes: Vec<String> = err.chain().map(cause_text).collect();
    causes.join(if chinese() { "：" } else { ": " })
}

fn cause_text(e: &(dyn std::error::Error + 'static)) -> String {
    if !chinese() {
        return e.to_string();
    }
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        // an error of our own carried in an io::Error says what it says
        if io.get_ref().is_some_and(|inner| !inner.to_string().is_ascii()) {
            return io.to_string();
        }
        return io_error(io);
    }
    if let Some(t) = e.downcast_ref::<toml::de::Error>() {
        return toml_message(t.message());
    }
    if let Some(t) = e.downcast_ref::<tera::Error>() {
        return foreign::tera_zh(t);
    }
    let text = e.to_string();
    // every message of gongkai's own is Chinese under a Chinese locale; one all in ASCII came
    // from another crate
    if text.is_ascii() {
        foreign::unknown(&text)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn english_by_default_with_inline_and_positional_arguments() {
        // the library's default; no test in this process sets Chinese
        let key = "titel";
        assert_eq!(crate::t!("unknown key `{key}`", "未知的键 `{key}`"), "unknown key `titel`");
        assert_eq!(crate::t!("{} of {}", "{1}中的{0}", 1, 2), "1 of 2");
        assert_eq!(super::label("hint"), "hint: ");
    }
}
