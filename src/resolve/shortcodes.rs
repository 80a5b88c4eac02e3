//! Shortcodes in Markdown, expanded before Markdown rendering:
//!
//! - `{{ stat(data="jiangxian.csv", row="2020", col="党员总数(名)") }}` → the figure as the CSV
//!   writes it, or as `format="万余"` (or 万, 亿, 亿余, 千分位, 数值, 原文) says;
//! - `{{ chart(data="…", x="年份", y=["…", "…"], kind="bar", title="…") }}` with kinds bar,
//!   line, stacked, pie → a `<figure>` with an inline SVG chart, its table and the CSV link;
//! - `{{ table(data="…", columns=["…"], title="…") }}` → the dataset as an HTML table.
//!
//! Shortcodes inside code spans and code blocks are left as they are. A reference to a
//! missing file, row or column is an error at the shortcode's line that names what exists.

use crate::charts::{self, Kind, Spec};
use crate::content::markdown::placeholder;
use crate::data::format::{self, StatFormat, FORMAT_NAMES};
use crate::data::{Dataset, Datasets, Miss};
use crate::Diagnostic;
use std::ops::Range;
use std::path::Path;

/// Markdown with shortcodes replaced: inline results as text, block results (charts, tables)
/// as `markdown::placeholder(n)` standing for `fragments[n]`.
#[derive(Debug, Default)]
pub struct Expanded {
    pub markdown: String,
    pub fragments: Vec<String>,
    /// The datasets the text draws on: their audience follows the pages that use them.
    pub datasets: Vec<String>,
}

/// A parsed call: `name(key=value, …)` and where it stands in the body.
#[derive(Debug, Clone, PartialEq)]
struct Call {
    name: String,
    args: Vec<(String, Arg)>,
    span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Str(String),
    List(Vec<String>),
}

/// A problem with one shortcode, placed at its line by `expand`.
struct Problem {
    message: String,
    hint: String,
}

impl From<Miss> for Option<Problem> {
    fn from(m: Miss) -> Self {
        match m {
            Miss::Broken => None,
            Miss::Missing { message, hint } => Some(Problem { message, hint }),
        }
    }
}

/// `body_line` is the file line of the body's first line, for diagnostics.
pub fn expand(
    rel: &Path,
    body: &str,
    body_line: usize,
    data: &Datasets,
) -> Result<Expanded, Vec<Diagnostic>> {
    if !body.contains("{{") {
        return Ok(Expanded { markdown: body.to_string(), ..Expanded::default() });
    }
    let root = root_of(rel);
    let code = code_ranges(body);
    let mut out = Expanded::default();
    let mut errors = Vec::new();
    let mut pos = 0;
    for found in calls(body, &code) {
        let start = match &found {
            Ok(call) => call.span.start,
            Err((at, _)) => *at,
        };
        let line = body_line + body[..start].matches('\n').count();
        let call = match found {
            Ok(call) => call,
            Err((_, problem)) => {
                errors.push(Diagnostic::new(rel, line, problem.message).with_hint(problem.hint));
                continue;
            }
        };
        out.markdown.push_str(&body[pos..call.span.start]);
        pos = call.span.end;
        match run(&call, data, &root, &mut out) {
            Ok(()) => {}
            Err(Some(p)) => errors.push(
                Diagnostic::new(rel, line, t!("{}: {}", "`{}`：{}", call.name, p.message)).with_hint(p.hint),
            ),
            Err(None) => {}
        }
    }
    out.markdown.push_str(&body[pos..]);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Runs one shortcode, appending its result to `out`.
fn run(call: &Call, data: &Datasets, root: &str, out: &mut Expanded) -> Result<(), Option<Problem>> {
    let known: &[&str] = match call.name.as_str() {
        "stat" => &["data", "row", "col", "format"],
        "chart" => &["data", "x", "y", "kind", "title"],
        "table" => &["data", "columns", "title"],
        other => {
            return Err(problem(
                t!("`{other}` is not a shortcode", "`{other}` 不是短代码"),
                t!(
                    "the shortcodes are stat(…), chart(…) and table(…)",
                    "可用的短代码有 `stat(…)`、`chart(…)` 和 `table(…)`"
                ),
            ))
        }
    };
    check_args(call, known)?;
    let ds = data.find(&text_arg(call, "data")?)?;
    if !out.datasets.contains(&ds.name) {
        out.datasets.push(ds.name.clone());
    }
    match call.name.as_str() {
        "stat" => out.markdown.push_str(&escape_markdown(&stat(call, ds)?)),
        name => {
            let html = if name == "chart" { chart(call, ds, root)? } else { table(call, ds, root)? };
            out.markdown.push_str(&format!("\n\n{}\n\n", placeholder(out.fragments.len())));
            out.fragments.push(html);
        }
    }
    Ok(())
}

fn problem(message: String, hint: String) -> Option<Problem> {
    Some(Problem { message, hint })
}

fn check_args(call: &Call, known: &[&str]) -> Result<(), Option<Problem>> {
    for (key, _) in &call.args {
        if !known.contains(&key.as_str()) {
            return Err(problem(
                t!("`{key}` is not an argument of {}", "`{}` 没有 `{key}` 这个参数", call.name),
                t!(
                    "{} takes: {}",
                    "`{}` 的参数有：{}",
                    call.name,
                    crate::locale::list(known.iter().copied())
                ),
            ));
        }
    }
    Ok(())
}

fn arg<'a>(call: &'a Call, key: &str) -> Option<&'a Arg> {
    call.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A required text argument.
fn text_arg(call: &Call, key: &str) -> Result<String, Option<Problem>> {
    match arg(call, key) {
        Some(Arg::Str(s)) => Ok(s.clone()),
        Some(Arg::List(_)) => Err(problem(
            t!("`{key}` takes one text, not a list", "`{key}` 只能写一项文字，不能写列表"),
            t!("write {key}=\"…\"", "写成 {key}=\"…\""),
        )),
        None => Err(problem(
            t!("`{key}` is missing", "缺少参数 `{key}`"),
            t!("write it as {}({key}=\"…\", …)", "写成 `{}({key}=\"…\", …)`", call.name),
        )),
    }
}

fn optional_text(call: &Call, key: &str) -> Result<Option<String>, Option<Problem>> {
    arg(call, key).map(|_| text_arg(call, key)).transpose()
}

/// A text or a list of texts.
fn list_arg(call: &Call, key: &str) -> Vec<String> {
    match arg(call, key) {
        Some(Arg::Str(s)) => vec![s.clone()],
        Some(Arg::List(l)) => l.clone(),
        None => Vec::new(),
    }
}

fn stat(call: &Call, ds: &Dataset) -> Result<String, Option<Problem>> {
    let row = ds.row(&text_arg(call, "row")?)?;
    let col = ds.column(&text_arg(call, "col")?)?;
    let cell = &ds.rows[row].cells[col];
    let fmt = match optional_text(call, "format")? {
        None => StatFormat::Raw,
        Some(name) => StatFormat::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = FORMAT_NAMES.iter().map(|(n, _)| *n).collect();
            problem(
                t!("format=\"{name}\" is not a format", "format=\"{name}\" 不是可用的格式"),
                t!("the formats are: {}", "可用的格式有：{}", crate::locale::list(names)),
            )
        })?,
    };
    if cell.raw.is_empty() {
        let line = ds.rows[row].line;
        return Err(problem(
            t!(
                "{} line {line}, column `{}`: the cell is empty",
                "{} 第 {line} 行 `{}` 列：这一格是空的",
                ds.path.display(),
                ds.columns[col].name
            ),
            t!("fill in the figure in the CSV", "请在表格中填上数字"),
        ));
    }
    match (&cell.number, fmt) {
        (_, StatFormat::Raw) => Ok(cell.raw.clone()),
        (Some(n), f) => Ok(format::stat(&cell.raw, n, f)),
        (None, _) => Err(problem(
            t!(
                "column `{}` of {} holds text, which format= cannot change",
                "{1} 的 `{0}` 列是文字，format= 无法改变它的格式",
                ds.columns[col].name,
                ds.path.display()
            ),
            t!("leave out format= to quote the cell as it is", "去掉 format=，按原样引用这一格"),
        )),
    }
}

fn chart(call: &Call, ds: &Dataset, root: &str) -> Result<String, Option<Problem>> {
    let kind = match optional_text(call, "kind")? {
        None => Kind::Bar,
        Some(k) => Kind::parse(&k).ok_or_else(|| {
            problem(
                t!("kind=\"{k}\" is not a chart kind", "kind=\"{k}\" 不是图表类型"),
                t!(
                    "use one of: {}",
                    "请从以下类型中选一个：{}",
                    crate::locale::list(Kind::NAMES.split(", "))
                ),
            )
        })?,
    };
    let spec = Spec {
        kind,
        x: optional_text(call, "x")?,
        y: list_arg(call, "y"),
        title: optional_text(call, "title")?,
    };
    let data = charts::chart_data(&spec, ds)?;
    Ok(charts::figure::chart(&data, ds, root))
}

fn table(call: &Call, ds: &Dataset, root: &str) -> Result<String, Option<Problem>> {
    let columns = list_arg(call, "columns").iter().map(|c| ds.column(c)).collect::<Result<Vec<_>, _>>()?;
    let title = optional_text(call, "title")?.unwrap_or_else(|| ds.title.clone());
    Ok(charts::figure::table_block(ds, &columns, &title, root))
}

/// The way back to the site root from the page that `rel` becomes (`content/reviews/a.md`
/// is served at `reviews/a/`, so `../../`), for links to the CSV copies.
fn root_of(rel: &Path) -> String {
    let parts: Vec<String> = rel.iter().skip(1).map(|c| c.to_string_lossy().into_owned()).collect();
    let Some((file, folders)) = parts.split_last() else { return String::new() };
    let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
    let folders = folders.iter().filter(|f| !crate::text::slugify(f).is_empty()).count();
    // As `content::url_path`: an index file stands for its folder.
    let depth = if stem == "index" { folders } else { folders + 1 };
    "../".repeat(depth)
}

/// Figures are quoted into Markdown text: characters Markdown would act on are escaped.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Byte ranges of code spans and code blocks, where `{{` is literal.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(body)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

/// Every `{{ name(…) }}` outside code: a call, or its start and what is wrong with it.
fn calls(body: &str, code: &[Range<usize>]) -> Vec<Result<Call, (usize, Problem)>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = body[from..].find("{{").map(|i| i + from) {
        from = i + 2;
        if code.iter().any(|r| r.contains(&i)) {
            continue;
        }
        match parse_call(body, i) {
            None => {}
            Some(Ok(call)) => {
                from = call.span.end;
                found.push(Ok(call));
            }
            Some(Err(p)) => found.push(Err((i, p))),
        }
    }
    found
}

/// A small cursor over the shortcode text.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn ws(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.ws();
        let ok = self.s[self.pos..].starts_with(token);
        if ok {
            self.pos += token.len();
        }
        ok
    }

    fn ident(&mut self) -> Option<String> {
        self.ws();
        let rest = &self.s[self.pos..];
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        (len > 0).then(|| {
            self.pos += len;
            rest[..len].to_string()
        })
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
}

/// `None` when `{{` at `start` is not followed by `name(`: then it is ordinary text.
fn parse_call(body: &str, start: usize) -> Option<Result<Call, Problem>> {
    let mut c = Cursor { s: body, pos: start + 2 };
    let name = c.ident()?;
    if !c.eat("(") {
        return None;
    }
    let malformed = |what: String| {
        Problem {
        message: t!("the shortcode {name}(…) is not written right: {what}", "短代码 `{name}(…)` 写法有误：{what}"),
        hint: t!(
            "write it as {{{{ {name}(data=\"file.csv\", key=\"value\") }}}}; texts in \"…\", lists in [\"…\", \"…\"]",
            "写成 `{{{{ {name}(data=\"file.csv\", key=\"value\") }}}}`：文字放在 \"…\" 中，列表写成 [\"…\", \"…\"]"
        ),
    }
    };
    let mut args = Vec::new();
    while !c.eat(")") {
        let Some(key) = c.ident() else {
            return Some(Err(malformed(t!("an argument name is expected", "这里应写参数名"))));
        };
        if !c.eat("=") {
            return Some(Err(malformed(t!("`=` is expected after `{key}`", "`{key}` 后面应有 `=`"))));
        }
        let Some(value) = value(&mut c) else {
            return Some(Err(malformed(t!("the value of `{key}` is unfinished", "`{key}` 的值没有写完"))));
        };
        args.push((key, value));
        if !c.eat(",") && !c.s[c.pos..].trim_start().starts_with(')') {
            return Some(Err(malformed(t!("arguments are separated by commas", "参数之间要用逗号隔开"))));
        }
    }
    if !c.eat("}}") {
        return Some(Err(malformed(t!("`}}}}` is expected after `)`", "`)` 后面应有 `}}}}`"))));
    }
    Some(Ok(Call { name, args, span: start..c.pos }))
}

/// A quoted text (`"…"`, `'…'` or `“…”`), a list of them, or a bare word such as 2020.
fn value(c: &mut Cursor) -> Option<Arg> {
    c.ws();
    if c.eat("[") {
        let mut items = Vec::new();
        while !c.eat("]") {
            items.push(scalar(c)?);
            if !c.eat(",") && !c.s[c.pos..].trim_start().starts_with(']') {
                return None;
            }
        }
        return Some(Arg::List(items));
    }
    scalar(c).map(Arg::Str)
}

fn scalar(c: &mut Cursor) -> Option<String> {
    c.ws();
    let close = match c.peek()? {
        '"' => '"',
        '\'' => '\'',
        '“' => '”',
        _ => {
            let rest = &c.s[c.pos..];
            let len = rest
                .find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | ')' | ']'))
                .unwrap_or(rest.len());
            c.pos += len;
            return (len > 0).then(|| rest[..len].to_string());
        }
    };
    c.pos += c.peek()?.len_utf8();
    let mut out = String::new();
    let mut chars = c.s[c.pos..].char_indices();
    while let Some((i, ch)) = chars.next() {
        match ch {
            '\\' => out.push(chars.next()?.1),
            '\n' => return None,
            ch if ch == close => {
                c.pos += i + ch.len_utf8();
                return Some(out);
            }
            ch => out.push(ch),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn data() -> Datasets {
        let csv = "年份,党员总数(名),经费\n2019,11520,59万余元\n2020,12016,3600万余元\n";
        let (ds, diags) = Datasets::parse(&[(PathBuf::from("data/j.csv"), csv.as_bytes().to_vec())]);
        assert!(diags.is_empty());
        ds
    }

    fn run_body(body: &str) -> Result<Expanded, Vec<Diagnostic>> {
        expand(Path::new("content/reviews/a.md"), body, 10, &data())
    }

    #[test]
    fn stat_quotes_the_cell_or_formats_it() {
        let e =
            run_body("共有党员{{ stat(data=\"j.csv\", row=\"2020\", col=\"党员总数(名)\") }}名。").unwrap();
        assert_eq!(e.markdown, "共有党员12016名。");
        let e = run_body("{{ stat(data='j.csv', row=2020, col=\"党员总数(名)\", format=\"万余\") }}名，经费{{stat(data=\"j.csv\",row=\"2020\",col=\"经费\")}}").unwrap();
        assert_eq!(e.markdown, "1.2万余名，经费3600万余元");
    }

    #[test]
    fn chart_and_table_become_fragments() {
        let e = run_body("前文\n{{ chart(data=\"j.csv\", x=\"年份\", y=[\"党员总数(名)\"], kind=\"line\", title=\"党员\") }}\n后文").unwrap();
        assert_eq!(e.fragments.len(), 1);
        assert!(e.markdown.contains(&placeholder(0)));
        assert!(e.fragments[0].starts_with("<figure class=\"chart chart-line\">"));
        assert!(e.fragments[0].contains("href=\"../../data/j.csv\""));
        let e = run_body("{{ table(data=\"j.csv\") }}").unwrap();
        assert!(e.fragments[0].contains("<th scope=\"col\" class=\"num\">党员总数(名)</th>"));
    }

    #[test]
    fn errors_name_the_line_and_what_exists() {
        let errs =
            run_body("第一行\n\n{{ stat(data=\"j.csv\", row=\"2020\", col=\"党员数\") }}\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, PathBuf::from("content/reviews/a.md"));
        assert_eq!(errs[0].line, 12);
        assert!(errs[0].message.contains("党员数"), "{}", errs[0].message);
        let hint = errs[0].hint.as_deref().unwrap();
        assert!(hint.contains("年份, 党员总数(名), 经费"), "{hint}");
        let errs = run_body("{{ stat(data=\"x.csv\", row=\"2020\", col=\"a\") }}\n{{ chart(data=\"j.csv\", kind=\"radar\") }}")
            .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs[0].hint.as_deref().unwrap().contains("j.csv"));
        assert!(errs[1].message.contains("radar") && errs[1].line == 11);
    }

    #[test]
    fn code_and_plain_braces_are_left_alone() {
        let body =
            "`{{ stat(data=\"nope.csv\") }}`\n\n```\n{{ chart(data=\"nope.csv\") }}\n```\n\n{{ 不是 }}";
        assert_eq!(run_body(body).unwrap().markdown, body);
    }

    #[test]
    fn malformed_calls_are_errors() {
        for bad in [
            "{{ stat(data=\"j.csv\" row=\"2020\") }}",
            "{{ stat(data=\"j.csv\") ",
            "{{ stat(data=\"j.csv) }}",
        ] {
            assert!(run_body(bad).is_err(), "{bad}");
        }
        assert!(run_body("{{ stat(data=\"j.csv\", row=\"2020\", col=\"经费\", colour=\"red\") }}").is_err());
    }

    #[test]
    fn root_follows_the_page_depth() {
        assert_eq!(root_of(Path::new("content/reviews/a.md")), "../../");
        assert_eq!(root_of(Path::new("content/about.md")), "../");
        assert_eq!(root_of(Path::new("content/reviews/index.md")), "../");
        assert_eq!(root_of(Path::new("content/index.md")), "");
    }

    #[test]
    fn markdown_characters_in_figures_are_escaped() {
        assert_eq!(escape_markdown("*3*"), "\\*3\\*");
        assert_eq!(escape_markdown("66.17%"), "66.17%");
    }
}
