//! Shortcodes as written: `{{ name(key="value", key=["a", "b"]) }}` in a body, found outside
//! code spans and code blocks and parsed for their syntax only (name, arguments, line). What a
//! call means (its dataset, row and column) is resolve's; what it looks like is render's.
//!
//! In the Markdown that parse renders, a `stat` stands as a figure once resolve has one (a
//! page with figures is parsed a second time, so the figures take part in Markdown exactly as
//! text written there would), and a `chart` or `table` stands as a block placeholder that
//! render replaces with the drawn figure.

use super::markdown::placeholder;
use crate::Diagnostic;
use std::ops::Range;
use std::path::Path;

/// A parsed call: `name(key=value, …)` and where it stands in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, Arg)>,
    pub span: Range<usize>,
    /// The file line the call starts on.
    pub line: usize,
    /// Made from the front matter's `table = "x.csv"`, not written in the text: a problem
    /// with it is reported at that key, in the words of the data lookup alone.
    pub from_key: bool,
}

impl Call {
    /// A call whose result is a block (a figure or a table), drawn by render.
    pub fn is_block(&self) -> bool {
        self.name != "stat"
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    List(Vec<String>),
}

/// A problem with the way one shortcode is written.
pub struct Problem {
    pub message: String,
    pub hint: String,
}

/// A body with its shortcodes taken out: the Markdown to render, with stat figures in place
/// when `figures` holds them (an inert mark when not) and a placeholder for each block.
#[derive(Debug, Default)]
pub struct Body {
    pub markdown: String,
    pub calls: Vec<Call>,
    /// How many block placeholders the Markdown holds.
    pub blocks: usize,
}

/// The inert stand-in for the `n`th stat before its figure is known.
const STAT_OPEN: char = '\u{E002}';
const STAT_CLOSE: char = '\u{E003}';

/// Finds the calls in `body` (whose first line is file line `body_line`), appends
/// `table_key` (the front matter's `table = "x.csv"` and its line) as a table call, and
/// replaces each call in the Markdown. Syntax errors are diagnostics at their lines.
pub fn prepare(
    rel: &Path,
    body: &str,
    body_line: usize,
    table_key: Option<(&str, usize)>,
    figures: Option<&[String]>,
) -> Result<Body, Vec<Diagnostic>> {
    let mut out = Body::default();
    let mut errors = Vec::new();
    let mut pos = 0;
    // most bodies have no shortcode: no need to parse them for their code spans
    let found = if body.contains("{{") { calls(body, &code_ranges(body)) } else { Vec::new() };
    for found in found {
        let start = match &found {
            Ok(call) => call.span.start,
            Err((at, _)) => *at,
        };
        let line = body_line + body[..start].matches('\n').count();
        match found {
            Ok(call) => {
                out.markdown.push_str(&body[pos..call.span.start]);
                pos = call.span.end;
                out.push(Call { line, ..call }, figures);
            }
            Err((_, problem)) => {
                errors.push(Diagnostic::new(rel, line, problem.message).with_hint(problem.hint))
            }
        }
    }
    out.markdown.push_str(&body[pos..]);
    if let Some((name, line)) = table_key {
        // as if `{{ table(data="x.csv") }}` ended the text
        out.markdown = format!("{}\n\n", out.markdown);
        let args = vec![("data".to_string(), Arg::Str(name.to_string()))];
        out.push(Call { name: "table".into(), args, span: 0..0, line, from_key: true }, figures);
        out.markdown.push('\n');
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

impl Body {
    fn push(&mut self, call: Call, figures: Option<&[String]>) {
        if call.is_block() {
            self.markdown.push_str(&format!("\n\n{}\n\n", placeholder(self.blocks)));
            self.blocks += 1;
        } else {
            let n = self.calls.iter().filter(|c| !c.is_block()).count();
            match figures.and_then(|f| f.get(n)) {
                Some(figure) => self.markdown.push_str(&escape_markdown(figure)),
                None => self.markdown.push_str(&format!("{STAT_OPEN}{n}{STAT_CLOSE}")),
            }
        }
        self.calls.push(call);
    }

    /// Whether the Markdown waits for figures that only resolve can give.
    pub fn has_stats(&self) -> bool {
        self.calls.iter().any(|c| !c.is_block())
    }
}

/// Figures are quoted into Markdown text: characters Markdown would act on are escaped.
pub fn escape_markdown(s: &str) -> String {
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
pub fn code_ranges(body: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(body)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

/// Every `{{ name(…) }}` outside code: a call, or its start and what is wrong with it.
pub fn calls(body: &str, code: &[Range<usize>]) -> Vec<Result<Call, (usize, Problem)>> {
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
    Some(Ok(Call { name, args, span: start..c.pos, line: 0, from_key: false }))
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

    fn prep(body: &str) -> Result<Body, Vec<Diagnostic>> {
        prepare(Path::new("content/reviews/a.md"), body, 10, None, None)
    }

    #[test]
    fn calls_are_found_with_their_lines_and_arguments() {
        let p = prep("前文\n\n{{ stat(data=\"j.csv\", row=2020, col=[\"a\", “b”]) }}名").unwrap();
        assert_eq!(p.calls.len(), 1);
        let call = &p.calls[0];
        assert_eq!((call.name.as_str(), call.line), ("stat", 12));
        assert_eq!(call.args[1], ("row".to_string(), Arg::Str("2020".into())));
        assert_eq!(call.args[2], ("col".to_string(), Arg::List(vec!["a".into(), "b".into()])));
        assert!(p.has_stats() && !p.markdown.contains("{{"));
    }

    #[test]
    fn blocks_become_placeholders_and_stats_figures() {
        let body = "{{ stat(data=\"j.csv\") }}\n{{ chart(data=\"j.csv\") }}\n{{ table(data=\"j.csv\") }}";
        let p = prep(body).unwrap();
        assert_eq!(p.blocks, 2);
        assert!(p.markdown.contains(&placeholder(0)) && p.markdown.contains(&placeholder(1)));
        let figures = ["*3*".to_string()];
        let p = prepare(Path::new("a.md"), body, 1, None, Some(&figures)).unwrap();
        assert!(p.markdown.starts_with("\\*3\\*\n"), "{}", p.markdown);
    }

    #[test]
    fn a_table_key_ends_the_text_as_a_table_call() {
        let p = prepare(Path::new("a.md"), "正文", 5, Some(("x.csv", 3)), None).unwrap();
        assert_eq!(p.markdown, format!("正文\n\n\n\n{}\n\n\n", placeholder(0)));
        assert!(p.calls[0].from_key && p.calls[0].line == 3);
    }

    #[test]
    fn code_and_plain_braces_are_left_alone() {
        let body =
            "`{{ stat(data=\"nope.csv\") }}`\n\n```\n{{ chart(data=\"nope.csv\") }}\n```\n\n{{ 不是 }}";
        let p = prep(body).unwrap();
        assert_eq!(p.markdown, body);
        assert!(p.calls.is_empty());
    }

    #[test]
    fn malformed_calls_are_errors_at_their_line() {
        for bad in [
            "{{ stat(data=\"j.csv\" row=\"2020\") }}",
            "{{ stat(data=\"j.csv\") ",
            "{{ stat(data=\"j.csv) }}",
        ] {
            let errs = prep(&format!("\n{bad}")).unwrap_err();
            assert_eq!(errs[0].line, 11, "{bad}");
        }
    }

    #[test]
    fn markdown_characters_in_figures_are_escaped() {
        assert_eq!(escape_markdown("*3*"), "\\*3\\*");
        assert_eq!(escape_markdown("66.17%"), "66.17%");
    }
}
