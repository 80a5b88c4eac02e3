//! `site.toml` as serde reads it: the keys a site may write and their types, declared once in
//! [`Raw`] (and [`RawCalendar`] for `[calendar]`), with `deny_unknown_fields`. What the values
//! mean (a known language, a folder name, dates) is checked by `super`, not here.

use super::FILE;
use crate::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::{Spanned, Table, Value};

/// Every key of `site.toml`; [`KEYS`] names the same ones for "did you mean" hints (a unit
/// test keeps the two alike).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub paginate: Option<i64>,
    pub organisation: Option<String>,
    pub theme: Option<String>,
    pub calendar: Option<RawCalendar>,
    /// Each `[[required]]` table is read into a `Required` on its own (in `super`), so that one
    /// wrong entry does not hide the next.
    pub required: Option<Vec<Value>>,
    pub require_review: Option<bool>,
}

/// `[calendar]`. Items stay values: a number or a TOML date in the list is read as the text it
/// shows, and said to be no date when it is not one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    #[serde(default)]
    pub holidays: Vec<Value>,
    #[serde(default)]
    pub workdays: Vec<Value>,
}

pub(super) const KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "paginate",
    "organisation",
    "theme",
    "calendar",
    "required",
    "require_review",
];
const CALENDAR_KEYS: &[&str] = &["holidays", "workdays"];

/// `site.toml` read: its settings, the line each top-level key is written on, and what was
/// wrong with the keys that could not be read.
pub(super) struct Read {
    pub raw: Raw,
    pub lines: BTreeMap<String, usize>,
    pub errors: Vec<Diagnostic>,
}

impl Read {
    pub fn line(&self, key: &str) -> usize {
        self.lines.get(key).copied().unwrap_or(0)
    }
}

/// Reads `text`, or says why it is not TOML at all.
///
/// Serde stops at the first error, but a site's editor should see every mistake in the file
/// at once (a misspelt key, a wrong type and a bad calendar together, as `check` has always
/// reported them): so each key is read through [`Raw`] on its own, and those that read are
/// then read together, which cannot fail.
pub(super) fn read(text: &str) -> Result<Read, Diagnostic> {
    let table: BTreeMap<Spanned<String>, Value> = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_at(text, s.start));
        let problem = crate::locale::toml_message(e.message());
        Diagnostic::new(
            FILE,
            line,
            t!("site.toml cannot be read: {problem}", "site.toml 无法读取：{problem}"),
        )
    })?;
    let lines = table.keys().map(|k| (k.get_ref().clone(), line_at(text, k.span().start))).collect();
    let mut read = Read { raw: Raw::default(), lines, errors: Vec::new() };
    let mut good = Table::new();
    for (key, value) in table {
        let key = key.into_inner();
        let line = read.line(&key);
        if let Some(value) = check_key(&key, value, line, &mut read.errors) {
            good.insert(key, value);
        }
    }
    match Value::Table(good).try_into::<Raw>() {
        Ok(raw) => read.raw = raw,
        // each key read alone; kept so that a mistake here is said, not hidden
        Err(e) => read.errors.push(Diagnostic::new(FILE, 0, crate::locale::toml_message(e.message()))),
    }
    Ok(read)
}

/// `key = value` read through [`Raw`] alone: the value to keep, or `None` and the problem said.
fn check_key(key: &str, value: Value, line: usize, errors: &mut Vec<Diagnostic>) -> Option<Value> {
    let value = match (key, value) {
        ("calendar", Value::Table(t)) => Value::Table(check_calendar(t, line, errors)),
        (_, value) => value,
    };
    let one = Value::Table(Table::from_iter([(key.to_string(), value.clone())]));
    if one.try_into::<Raw>().is_ok() {
        return Some(value);
    }
    errors.push(wrong_key(key, line));
    None
}

/// `[calendar]` less the keys that cannot be read, each of which is said: the dates of the
/// others are still checked.
fn check_calendar(table: Table, line: usize, errors: &mut Vec<Diagnostic>) -> Table {
    let mut good = Table::new();
    for (key, value) in table {
        let one = Value::Table(Table::from_iter([(key.clone(), value.clone())]));
        if one.try_into::<RawCalendar>().is_ok() {
            good.insert(key, value);
        } else if CALENDAR_KEYS.contains(&key.as_str()) {
            errors.push(
                Diagnostic::new(
                    FILE,
                    line,
                    t!("`calendar.{key}` must be a list of dates", "`calendar.{key}` 应是日期的列表"),
                )
                .with_hint(t!(
                    "write {key} = [\"2024-10-01\", \"2024-10-01/2024-10-07\"]",
                    "写成 {key} = [\"2024-10-01\", \"2024-10-01/2024-10-07\"]"
                )),
            );
        } else {
            errors.push(Diagnostic::unknown_key(
                Path::new(FILE),
                line,
                &key,
                CALENDAR_KEYS,
                &t!("[calendar]", "`[calendar]` 表"),
            ));
        }
    }
    good
}

/// What is wrong with `key`, which [`Raw`] would not read: unknown, or a value of the wrong type.
fn wrong_key(key: &str, line: usize) -> Diagnostic {
    let path = Path::new(FILE);
    let wrong_type = |number: bool| {
        let (what, example) = match number {
            true => (t!("a number", "一个正整数"), "20"),
            false => (t!("text in quotes", "带引号的文字"), "\"…\""),
        };
        Diagnostic::new(path, line, t!("`{key}` must be {what}", "`{key}` 应是{what}"))
            .with_hint(t!("write e.g. {key} = {example}", "例如写成 {key} = {example}"))
    };
    match key {
        "paginate" => wrong_type(true),
        "title" | "description" | "base_url" | "organisation" | "theme" => wrong_type(false),
        "language" => unknown_language(line),
        "require_review" => Diagnostic::new(
            path,
            line,
            t!("`require_review` must be true or false", "`require_review` 只能是 true 或 false"),
        )
        .with_hint(t!("write require_review = true", "写成 require_review = true")),
        "calendar" => Diagnostic::new(
            path,
            line,
            t!(
                "`[calendar]` must be a table with holidays and workdays",
                "`[calendar]` 应是一个表，在其中写 holidays（节假日）和 workdays（调休上班日）"
            ),
        ),
        "required" => Diagnostic::new(
            path,
            line,
            t!(
                "`required` must be a list of [[required]] tables",
                "`required` 应写成一个或多个 `[[required]]` 表"
            ),
        )
        .with_hint(t!(
            "write [[required]], then category = \"党费收缴使用\" and every = \"quarter\"",
            "先写一行 `[[required]]`，下面写 `category = \"党费收缴使用\"` 和 `every = \"quarter\"`"
        )),
        _ => Diagnostic::unknown_key(path, line, key, KEYS, &t!("site.toml", "site.toml 文件")),
    }
}

pub(super) fn paginate_not_positive(line: usize) -> Diagnostic {
    wrong_key("paginate", line)
}

pub(super) fn not_http(url: &str, line: usize) -> Diagnostic {
    Diagnostic::new(
        FILE,
        line,
        t!(
            "`base_url` must be a web address starting with http:// or https://, not `{url}`",
            "`base_url` 应是以 http:// 或 https:// 开头的网址，而不是 `{url}`"
        ),
    )
    .with_hint(t!(
        "write e.g. base_url = \"https://example.org/\"",
        "例如写成 base_url = \"https://example.org/\""
    ))
}

pub(super) fn unknown_language(line: usize) -> Diagnostic {
    Diagnostic::new(FILE, line, t!("unknown `language`", "无法识别的 `language`")).with_hint(t!(
        "use \"zh-CN\" (simplified) or \"zh-Hant\" (traditional)",
        "请写 \"zh-CN\"（简体）或 \"zh-Hant\"（繁体）"
    ))
}

/// The 1-based line holding byte `at` of `text`.
fn line_at(text: &str, at: usize) -> usize {
    1 + text[..at.min(text.len())].matches('\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    // KEYS feeds the "did you mean" hint; serde's own list is what is accepted
    #[test]
    fn keys_are_the_fields_serde_reads() {
        let err = Value::Table(Table::from_iter([("zzz".to_string(), Value::Integer(1))]))
            .try_into::<Raw>()
            .unwrap_err();
        let listed: Vec<String> = KEYS.iter().map(|k| format!("`{k}`")).collect();
        assert!(err.message().ends_with(&listed.join(", ")), "{}", err.message());
        let err = toml::from_str::<RawCalendar>("zzz = 1").unwrap_err();
        assert!(err.message().contains("expected `holidays` or `workdays`"), "{}", err.message());
    }

    #[test]
    fn every_wrong_key_is_said_at_its_own_line() {
        let read = read(
            "paginate = 3\ntitle = 1\npaginat = 2\n[calendar]\nholiday = []\nworkdays = [\"2024-10-01\"]\n",
        )
        .ok()
        .unwrap();
        let found: Vec<(usize, &str)> = read.errors.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (4, "unknown key `holiday` in [calendar]"),
                (3, "unknown key `paginat` in site.toml"),
                (2, "`title` must be text in quotes"),
            ]
        );
        assert_eq!(read.raw.paginate, Some(3));
        assert_eq!(read.raw.calendar.unwrap().workdays.len(), 1, "the good calendar key is kept");
    }
}
