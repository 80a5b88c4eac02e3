//! Content problems as values: every stage collects them and the command reports them together.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// One problem in the site's content, pointing at the file and line to fix.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, as the user would type it.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic { path: path.into(), line, column: 0, message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An unknown key in `what` (front matter, `site.toml`, a table of it), with the nearest
    /// known key or the list of them.
    pub fn unknown_key(path: &std::path::Path, line: usize, key: &str, known: &[&str], what: &str) -> Self {
        let d = Diagnostic::new(
            path,
            line,
            crate::t!("unknown key `{key}` in {what}", "{what}中有未知的键 `{key}`"),
        );
        match crate::text::nearest(key, known) {
            Some(k) => d.with_hint(crate::t!("did you mean `{k}`?", "是不是要写 `{k}`？")),
            None => {
                let keys = crate::locale::list(known.iter().copied());
                d.with_hint(crate::t!("the known keys are: {keys}", "可用的键有：{keys}"))
            }
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  {}{hint}", crate::locale::label("hint"))?;
        }
        Ok(())
    }
}

/// The error a build returns when the content has problems: all of them, sorted by file and line.
#[derive(Debug, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{}{d}", crate::locale::label("error"))?;
        }
        let n = self.0.len();
        f.write_str(&crate::t!(
            "{n} problem(s) found; nothing was written",
            "发现 {n} 个问题，未写入任何文件"
        ))
    }
}

impl std::error::Error for Diagnostics {}
