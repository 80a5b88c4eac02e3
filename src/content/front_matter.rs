//! Splits a content file into front matter and body, and normalises TOML (`+++`) and
//! YAML (`---`) front matter into one TOML table with the line of every key.

use crate::Diagnostic;
use std::collections::BTreeMap;
use std::path::Path;

/// Front matter of one file, whatever its syntax.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub table: toml::Table,
    /// 1-based line of each top-level key in the file, for diagnostics.
    pub key_lines: BTreeMap<String, usize>,
    /// 1-based line of the opening fence.
    pub start_line: usize,
}

/// A content file split in two.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// 1-based line of the body's first line in the file.
    pub body_line: usize,
}

/// Splits `text` (the whole file) into front matter and body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') && !text.contains('\n') {
        // saved with the line ends of old Mac editors: the whole file is one line
        return Err(Diagnostic::new(
            path,
            1,
            t!(
                "the lines of this file end in CR alone (old Mac line endings), so it reads as one line",
                "这个文件的行尾只有 CR（旧式 Mac 换行），整个文件被读成了一行"
            ),
        )
        .with_hint(t!(
            "save it again with Unix (LF) or Windows (CRLF) line endings: most editors offer this when saving",
            "请用 Unix（LF）或 Windows（CRLF）换行重新保存：多数编辑器在“另存为”时可以选择"
        )));
    }
    let first = text.lines().next().unwrap_or("").trim_end();
    let fence = match first {
        "+++" => "+++",
        "---" => "---",
        _ => {
            return Err(Diagnostic::new(
                path,
                1,
                t!(
                    "the file does not start with front matter",
                    "文件开头没有文件头（用两行 +++ 括起来的标题、日期等）"
                ),
            )
            .with_hint(t!(
                "start the file with a `+++` line, the TOML keys (title = \"…\"), and another `+++` line",
                "在文件第一行写 `+++`，接着写各个键（如 title = \"…\"），再写一行 `+++`"
            )));
        }
    };
    let after_open = &text[first.len()..];
    let after_open =
        after_open.strip_prefix("\r\n").or_else(|| after_open.strip_prefix('\n')).unwrap_or(after_open);
    let mut offset = 0;
    for (line_no, line) in (2..).zip(after_open.split_inclusive('\n')) {
        if line.trim_end() == fence {
            let fm_text = &after_open[..offset];
            let body = &after_open[offset + line.len()..];
            let front = parse(path, fence, fm_text)?;
            return Ok(Split { front, body, body_line: line_no + 1 });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        path,
        1,
        t!(
            "the front matter opened with `{fence}` is never closed",
            "文件头以 `{fence}` 开始，但没有结束的 `{fence}`"
        ),
    )
    .with_hint(t!(
        "add a line with only `{fence}` after the last key; did you forget it?",
        "在最后一个键的下一行单独写一行 `{fence}`，是不是漏写了？"
    )))
}

fn parse(path: &Path, fence: &str, fm_text: &str) -> Result<FrontMatter, Diagnostic> {
    let table = if fence == "+++" {
        fm_text.parse::<toml::Table>().map_err(|e| {
            let line = e.span().map(|s| 2 + fm_text[..s.start].matches('\n').count()).unwrap_or(1);
            let problem = crate::locale::toml_message(e.message());
            Diagnostic::new(
                path,
                line,
                t!("the TOML front matter cannot be read: {problem}", "文件头（TOML）无法读取：{problem}"),
            )
            .with_hint(match e.message().contains("date") {
                // `date = 2024-02-30` is TOML's own date, refused for its day, not its quotes
                true => impossible_date_hint(e.span().map_or("", |s| line_at(fm_text, s.start))),
                false => t!(
                    "write each key as `key = \"value\"`; quote text, and use [\"a\", \"b\"] for lists",
                    "每个键写成 `key = \"值\"`：文字要加引号，列表写成 [\"甲\", \"乙\"]"
                ),
            })
        })?
    } else {
        let value: serde_norway::Value = serde_norway::from_str(fm_text).map_err(|e| {
            let line = e.location().map(|l| l.line() + 1).unwrap_or(1);
            let problem = crate::locale::foreign_message(&e.to_string());
            Diagnostic::new(
                path,
                line,
                t!("the YAML front matter cannot be read: {problem}", "文件头（YAML）无法读取：{problem}"),
            )
            .with_hint(t!(
                "write each key as `key: value`, and lists as `[a, b]`",
                "每个键写成 `key: 值`，列表写成 `[甲, 乙]`"
            ))
        })?;
        match yaml_to_toml(value) {
            Some(toml::Value::Table(t)) => t,
            None => toml::Table::new(),
            Some(_) => {
                return Err(Diagnostic::new(
                    path,
                    2,
                    t!(
                        "the YAML front matter is not a list of `key: value` lines",
                        "文件头（YAML）应是一行一个 `key: 值`"
                    ),
                ))
            }
        }
    };
    let table = normalise_dates(table);
    Ok(FrontMatter { key_lines: key_lines(fm_text, &table), table, start_line: 1 })
}

/// TOML dates become strings so that TOML and YAML files deserialise alike.
fn normalise_dates(table: toml::Table) -> toml::Table {
    fn walk(v: toml::Value) -> toml::Value {
        match v {
            toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
            toml::Value::Array(a) => toml::Value::Array(a.into_iter().map(walk).collect()),
            toml::Value::Table(t) => toml::Value::Table(t.into_iter().map(|(k, v)| (k, walk(v))).collect()),
            other => other,
        }
    }
    table.into_iter().map(|(k, v)| (k, walk(v))).collect()
}

fn yaml_to_toml(v: serde_norway::Value) -> Option<toml::Value> {
    use serde_norway::Value as Y;
    Some(match v {
        Y::Null => return None,
        Y::Bool(b) => toml::Value::Boolean(b),
        Y::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or_default()),
        },
        Y::String(s) => toml::Value::String(s),
        Y::Sequence(s) => toml::Value::Array(s.into_iter().filter_map(yaml_to_toml).collect()),
        Y::Mapping(m) => toml::Value::Table(
            m.into_iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        Y::Number(n) => n.to_string(),
                        Y::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key, yaml_to_toml(v)?))
                })
                .collect(),
        ),
        Y::Tagged(t) => return yaml_to_toml(t.value),
    })
}

/// Finds the line of each top-level key: the first line that starts with the key and `=` or `:`.
fn key_lines(fm_text: &str, table: &toml::Table) -> BTreeMap<String, usize> {
    let mut lines = BTreeMap::new();
    for (i, line) in fm_text.lines().enumerate() {
        let line = line.trim_start();
        for key in table.keys() {
            if lines.contains_key(key) {
                continue;
            }
            let rest = line.strip_prefix(key.as_str()).or_else(|| {
                line.strip_prefix('"')
                    .and_then(|l| l.strip_prefix(key.as_str()))
                    .and_then(|l| l.strip_prefix('"'))
            });
            if let Some(rest) = rest {
                let rest = rest.trim_start();
                if rest.starts_with('=') || rest.starts_with(':') {
                    lines.insert(key.clone(), i + 2);
                }
            }
        }
        if line.starts_with('[') {
            // a TOML table header: a key like `[[revisions]]` is on this line
            let name = line.trim_matches(|c| c == '[' || c == ']' || c == ' ');
            lines.entry(name.to_string()).or_insert(i + 2);
        }
    }
    lines
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(self.start_line)
    }

    /// Reports every key not in `known`, suggesting the nearest known one.
    pub fn check_keys(&self, path: &Path, known: &[&str], what: &str) -> Vec<Diagnostic> {
        self.table
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(|k| Diagnostic::unknown_key(path, self.line_of(k), k, known, what))
            .collect()
    }
}

/// The whole line of `text` that holds byte `at`.
fn line_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return "";
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    text.get(start..end).unwrap_or("")
}

/// The hint for a TOML date refused for its month or day: the month's last day when the year
/// and month can be read from what was written (`2023-02-29` → 2023年2月 has 28 days), so
/// the hint never offers a date that is wrong for that year.
fn impossible_date_hint(line: &str) -> String {
    // TOML's span is a part of the value; the date is the first `dddd-` on its line
    let start = line.char_indices().find(|&(i, _)| {
        line.as_bytes().get(i..i + 5).is_some_and(|b| b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-')
    });
    let written = start.map_or("", |(i, _)| &line[i..]);
    // the key as written (`published`, `date`), so the example is one to copy
    let key = line.split_once('=').map_or("date", |(k, _)| k.trim());
    let key = if key.is_empty() || key.contains(char::is_whitespace) { "date" } else { key };
    let number = |range: std::ops::Range<usize>| written.get(range).and_then(|d| d.parse::<u32>().ok());
    let (year, month) = (number(0..4), number(5..7));
    // a day of 0, or a year no page is dated in, has no last day worth offering
    let plausible = number(8..10).is_some_and(|d| d > 0)
        && year.is_some_and(|y| crate::content::disclosure::PERIOD_YEARS.contains(&(y as i32)));
    let last_day = year.zip(month).filter(|_| plausible).and_then(|(y, m)| {
        let next = if m == 12 { (y as i32 + 1, 1) } else { (y as i32, m + 1) };
        chrono::NaiveDate::from_ymd_opt(next.0, next.1, 1).and_then(|d| d.pred_opt()).map(|d| (y, m, d))
    });
    match last_day {
        Some((y, m, last)) => {
            let (days, example) = (chrono::Datelike::day(&last), last.format("%Y-%m-%d"));
            t!(
                "check the date: {y}-{m:02} has {days} days; its last day is written {key} = {example}",
                "请核对日期：{y}年{m}月只有 {days} 天，最后一天写成 {key} = {example}"
            )
        }
        None => t!(
            "check the date: a year from 1921 to 2200, a month from 01 to 12 and a day that month has, as in {key} = 2024-03-01",
            "请核对日期：年份在 1921 至 2200 之间，月份是 01 到 12，日子要是那个月有的，写成 {key} = 2024-03-01 这样"
        ),
    }
}

#[cfg(test)]
mod tests {
    // found by a hostile review: an impossible day got a hint about quoting
    #[test]
    fn an_impossible_date_gets_a_hint_about_dates() {
        let e =
            split(Path::new("a.md"), "+++\ntitle = \"标题\"\ndate = 2024-02-30\n+++\n正文\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("2024-02-29")), "{:?}", e.hint);
        // found by a hostile review: 2023-02-29 was told to write 2024-02-29
        let e = split(Path::new("a.md"), "+++\ndate = 2023-02-29\n+++\n").unwrap_err();
        assert!(
            e.hint.as_deref().is_some_and(|h| h.contains("28") && h.contains("2023-02-28")),
            "{:?}",
            e.hint
        );
        let e = split(Path::new("a.md"), "+++\npublished = 2023-02-29\n+++\n").unwrap_err();
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("published = 2023-02-28")), "{:?}", e.hint);
        for odd in ["2024-01-00", "0000-02-30", "9999-02-30"] {
            let e = split(Path::new("a.md"), &format!("+++\ndate = {odd}\n+++\n")).unwrap_err();
            assert!(
                e.hint.as_deref().is_some_and(|h| h.contains("1921") && !h.contains("last day")),
                "{odd}: {:?}",
                e.hint
            );
        }
        let e = split(Path::new("a.md"), "+++\ndate = 2023-13-01\n+++\n").unwrap_err();
        assert!(e.hint.as_deref().is_some_and(|h| h.contains("01") && h.contains("12")), "{:?}", e.hint);
    }

    // found by a hostile review: such a file was said to have no front matter
    #[test]
    fn old_mac_line_endings_are_named() {
        let e = split(Path::new("a.md"), "+++\rtitle = \"标题\"\r+++\r正文\r").unwrap_err();
        assert!(e.message.contains("CR"), "{}", e.message);
    }

    use super::*;

    #[test]
    fn toml_and_yaml_agree() {
        let p = Path::new("a.md");
        let t = split(p, "+++\ntitle = \"标题\"\ndate = 2020-12-01\ntags = [\"甲\"]\n+++\n正文\n").unwrap();
        let y = split(p, "---\ntitle: 标题\ndate: 2020-12-01\ntags: [甲]\n---\n正文\n").unwrap();
        assert_eq!(t.front.table, y.front.table);
        assert_eq!(t.body, "正文\n");
        assert_eq!(t.body_line, 6);
        assert_eq!(t.front.line_of("date"), 3);
    }

    #[test]
    fn unclosed_front_matter_says_what_to_do() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"x\"\n正文").unwrap_err();
        assert!(e.hint.unwrap().contains("+++"));
    }

    #[test]
    fn toml_error_points_at_the_line() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"x\"\ndate = =\n+++\n").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let fm = split(Path::new("a.md"), "+++\npulisher = \"x\"\n+++\n").unwrap().front;
        let d = fm.check_keys(Path::new("a.md"), &["title", "publisher"], "a case");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2);
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `publisher`?"));
    }
}
