//! Content problems as values: every stage collects them and the command reports them together.

use serde::Serialize;
use std::fmt::{self, Write as _};
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

    /// A file whose bytes do not decode ([`crate::text::decode`]), at the line of the first
    /// that does not, saying what to save it as. One message for every file, so that a site's
    /// editor meets one rule.
    pub fn undecodable(path: &std::path::Path, e: &crate::text::Undecodable) -> Self {
        // encoding_rs spells it in lower case; the standard, iconv and Excel write GB18030
        let name = |enc: &'static encoding_rs::Encoding| {
            if enc == encoding_rs::GB18030 {
                "GB18030"
            } else {
                enc.name()
            }
        };
        let (tried, guess, offset) = (name(e.tried), name(e.looks_like), e.offset);
        let line = e.line;
        let damaged_utf8 = e.tried == encoding_rs::UTF_8 && e.looks_like == encoding_rs::UTF_8;
        let message = if damaged_utf8 {
            crate::t!(
                "line {line} is not UTF-8, though the file is UTF-8 before it: that line was pasted or saved in another encoding",
                "第 {line} 行不是 UTF-8 编码，而它前面的内容是 UTF-8：这一行是从别的编码的文件粘贴或保存进来的"
            )
        } else if e.bom {
            crate::t!(
                "the file starts with a {tried} byte-order mark, but the byte at offset {offset} is not {tried}",
                "文件开头是 {tried} 的字节顺序标记，但第 {offset} 字节处不符合 {tried}"
            )
        } else if e.tried == encoding_rs::UTF_8 {
            crate::t!("the file is not UTF-8; it looks like {guess}", "文件不是 UTF-8 编码，看起来是 {guess}")
        } else {
            crate::t!(
                "the file is not UTF-8, and the byte at offset {offset} is not {tried} either",
                "文件不是 UTF-8 编码，第 {offset} 字节处也不符合 {tried}"
            )
        };
        // the file is in the encoding it was read in, or in the one it was refused for
        let damaged = e.looks_like == e.tried
            || e.looks_like == encoding_rs::GBK && e.tried == encoding_rs::GB18030
            || e.looks_like == encoding_rs::UTF_8;
        let csv = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"));
        let save = match csv {
            true => crate::t!(
                "save it from Excel as 「CSV UTF-8（逗号分隔）」",
                "请用 Excel 另存为「CSV UTF-8（逗号分隔）」"
            ),
            false => crate::t!(
                "save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)",
                "请另存为 UTF-8（记事本：另存为 → 编码 UTF-8）"
            ),
        };
        let hint = match damaged {
            true if damaged_utf8 => crate::t!(
                "retype or re-paste line {line} as text, then {save}; do not convert the whole file",
                "请重新输入或以文字粘贴第 {line} 行；{save}；不要转换整个文件的编码"
            ),
            true => crate::t!(
                "the file may be damaged near this line; {save}",
                "文件在这一行附近可能已损坏；{save}"
            ),
            false => crate::t!(
                "{save}, or convert it: iconv -f {guess} -t UTF-8",
                "{save}，或用命令转换：iconv -f {guess} -t UTF-8"
            ),
        };
        Diagnostic::new(path, e.line, message).with_hint(hint)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Inert(&self.path.display().to_string(), Lines::Escaped))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}", Inert(&self.message, Lines::Indented))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  {}{}", crate::locale::label("hint"), Inert(hint, Lines::Indented))?;
        }
        Ok(())
    }
}

/// Text for a terminal with its control characters shown as escapes (`\u{1b}`): a message
/// quotes file names and text as written, and an escape sequence or a NUL in them must not
/// act on the reader's terminal, nor a bidi override or an invisible mark change what it
/// reads. What becomes of line breaks and tabs is the [`Lines`] given.
struct Inert<'a>(&'a str, Lines);

/// Line breaks and tabs in a text shown by [`Inert`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// Kept, a break followed by an indent: a value quoted in a message with a line break in
    /// it cannot print a line of its own (`0 problem(s) found`; found by a hostile review).
    Indented,
    /// Escaped too: a file name cannot forge a line (found by a hostile review).
    Escaped,
    /// Kept as they are: a file's text shown as such.
    Kept,
}

/// Text for a terminal as it is, line breaks and tabs kept, but with control characters and
/// the marks that reorder or hide text shown as escapes (`\u{202e}`): for what a command prints
/// of a file's text besides messages (an import's preview, a link found in the content).
pub struct Shown<'a>(pub &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Inert(self.0, Lines::Kept).fmt(f)
    }
}

/// A character that changes how the text around it reads without showing itself: bidi
/// overrides and isolates, zero-width marks, line and paragraph separators, the BOM.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

impl fmt::Display for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match (c, self.1) {
                ('\n', Lines::Indented) => f.write_str("\n    ")?,
                ('\n' | '\t', Lines::Kept) | ('\t', Lines::Indented) => f.write_char(c)?,
                (c, _) if c.is_control() || is_invisible(c) => write!(f, "{}", c.escape_unicode())?,
                (c, _) => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// `value` as pretty JSON for a terminal or a log: serde_json escapes only the C0 controls, so
/// a quoted value's bidi override, DEL or C1 control (an escape sequence's other form) would
/// reach the reader as it is; here each is `\uXXXX`, which any JSON reader decodes back to
/// the same string (found by a hostile review).
pub fn inert_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    // JSON's own marks are ASCII, and serde_json writes every other control character inside a
    // string as an escape already: what is left is in a string, where `\uXXXX` is the same text
    let json = serde_json::to_string_pretty(value)?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            // every such character is in the BMP: one escape each
            c if c != '\n' && (c.is_control() || is_invisible(c)) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_would_act_on_a_terminal_and_reads_back_the_same() {
        let d = Diagnostic::new("content/a\u{202e}dm.md", 3, "值\u{9b}2J\u{7f}\u{200f}\u{2028}「x」\n");
        let json = inert_json(&vec![d.clone()]).unwrap();
        assert!(!json.chars().any(|c| (c.is_control() && c != '\n') || is_invisible(c)), "{json}");
        assert!(json.contains(r"content/a\u202edm.md"), "{json}");
        assert!(json.contains(r"值\u009b2J\u007f\u200f\u2028「x」\n"), "{json}");
        let back: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(back[0]["message"], d.message);
        assert_eq!(back[0]["path"], "content/a\u{202e}dm.md");
        let plain = serde_json::to_string_pretty(&vec![Diagnostic::new("a", 1, "b")]).unwrap();
        assert_eq!(
            inert_json(&vec![Diagnostic::new("a", 1, "b")]).unwrap(),
            plain,
            "the layout is serde_json's own"
        );
    }

    #[test]
    fn control_characters_in_a_message_are_shown_not_sent_to_the_terminal() {
        let d = Diagnostic::new("content/a\u{1b}[2J.md", 3, "`#\u{0}` 锚点\u{202e}失效\t")
            .with_hint("第一行\n第二行\u{7}");
        let shown = d.to_string();
        assert!(!shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{shown:?}");
        assert!(shown.contains(r"content/a\u{1b}[2J.md:3"), "{shown}");
        assert!(shown.contains(r"`#\u{0}` 锚点\u{202e}失效"), "{shown}");
        assert!(shown.contains("第一行\n    第二行\\u{7}"), "{shown}");
        let forged = Diagnostic::new("a.md", 7, "no file data/a.csv\n0 problem(s) found\r").to_string();
        assert!(forged.ends_with("a.csv\n    0 problem(s) found\\u{d}"), "{forged}");
        let named = Diagnostic::new("content/a\nerror: b\u{feff}.md", 1, "x").to_string();
        assert!(named.starts_with(r"content/a\u{a}error: b\u{feff}.md:1: x"), "{named}");
    }
}
