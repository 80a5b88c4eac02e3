//! Markdown to HTML with the Chinese rules: soft line breaks between wide characters vanish,
//! headings get stable anchors, raw HTML is shown as text, and the plain text is kept for
//! summaries, reading time and search.

use crate::text::{is_wide, slugify};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

/// A heading as the table of contents needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    /// The text a reader reads, paragraphs separated by newlines.
    pub text: String,
    /// Paragraphs and list items only, for summaries.
    pub prose: String,
    pub headings: Vec<Heading>,
    /// One line a paragraph, heading or item, and one a table row marked with [`ROW`] and its
    /// cells separated by [`CELL`]: what the revision diff compares, so a table stays a table.
    pub blocks: String,
    /// The plain text before a `<!-- more -->` marker, when there is one.
    pub before_more: Option<String>,
    /// Every link and image, for `gongkai check`.
    pub links: Vec<LinkRef>,
    /// What was made inert (script links, heading attributes), by line: the build reports it.
    pub rejected: Vec<Rejected>,
    /// Personal numbers in the text as a reader reads it (escapes, entities and emphasis
    /// resolved), by line; the source text is scanned too, by the caller.
    pub numbers: Vec<(usize, crate::privacy::Hit)>,
    /// Where `html` and `text` went once the page was done with (see [`super::bodies`]): they
    /// are empty then, and read back through the run's store.
    #[serde(skip)]
    pub stored: Option<super::bodies::Stored>,
}

impl Rendered {
    /// Drops what only parsing needs (summaries, the revision diff's blocks, the problems
    /// already reported), so that a large site does not hold every body four times over.
    pub fn slim(&mut self) {
        for s in [&mut self.prose, &mut self.blocks] {
            *s = String::new();
        }
        self.before_more = None;
        self.numbers = Vec::new();
        self.rejected = Vec::new();
        self.html.shrink_to_fit();
        self.text.shrink_to_fit();
    }
}

/// Something in the Markdown that was not allowed through, rendered inert instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rejected {
    pub line: usize,
    pub message: String,
    pub hint: String,
}

/// A link or image in the Markdown, with its line (1-based, in the rendered text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LinkRef {
    pub url: String,
    pub line: usize,
    pub image: bool,
}

const MORE: &str = "<!-- more -->";
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The text that stands in the Markdown for the `n`th ready-made HTML fragment (a chart,
/// a table) until rendering puts the fragment in its place. Private-use characters, so no
/// real text can contain it, and the fragment's HTML is never seen by the Markdown parser.
pub fn placeholder(n: usize) -> String {
    format!("{OPEN}{n}{CLOSE}")
}

pub fn render(markdown: &str) -> Rendered {
    render_with(markdown, &[], "")
}

/// Renders a text shown on the same page as a body (a case's commentary): each id it makes,
/// a heading's or a footnote's, starts with `prefix`, so that none is also the body's (a
/// footnote `[^1]` in each made two `id="1"`, and the commentary's link led to the body's;
/// found by a hostile review).
pub fn render_apart(markdown: &str, prefix: &str) -> Rendered {
    render_with(markdown, &[], prefix)
}

/// Renders `markdown` whose placeholders stand for `fragments`, its ids after `prefix` (see
/// [`render_apart`]; `""` for a page's own body).
pub fn render_with(markdown: &str, fragments: &[String], prefix: &str) -> Rendered {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut links = Vec::new();
    let mut rejected = Vec::new();
    let mut reader = ReaderText::default();
    let mut events: Vec<Event> = Vec::new();
    // whether each event's source holds a backslash escape: `\*\*` stays two asterisks
    let mut escaped: Vec<bool> = Vec::new();
    let mut line = 1;
    let mut seen = 0;
    let mut inert_link = false;
    for (event, range) in Parser::new_ext(markdown, opts).into_offset_iter() {
        if range.start > seen {
            line += markdown[seen..range.start].matches('\n').count();
            seen = range.start;
        }
        reader.read(&event, line);
        let event = match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !crate::text::is_safe_url(&dest_url) =>
            {
                rejected.push(Rejected {
                    line,
                    message: t!(
                        "the link `{}` is not a web address and is shown as text",
                        "链接 `{}` 不是网址，已按文字显示",
                        clip(&dest_url)
                    ),
                    hint: t!(
                        "links may be http://, https://, mailto:, tel:, a relative path or #anchor; remove the link or give a web address",
                        "链接只能是 `http://`、`https://`、`mailto:`、`tel:`、相对路径或 `#锚点`：请删去这个链接，或改成网址"
                    ),
                });
                inert_link = true;
                continue;
            }
            Event::End(TagEnd::Link | TagEnd::Image) if inert_link => {
                inert_link = false;
                continue;
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
                let image = matches!(event, Event::Start(Tag::Image { .. }));
                links.push(LinkRef { url: dest_url.to_string(), line, image });
                event
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(safe_heading(level, id, classes, attrs, line, &mut rejected))
            }
            other => other,
        };
        escaped.push(markdown[range.clone()].contains('\\') || markdown[..range.start].ends_with('\\'));
        events.push(event);
    }
    reader.flush();
    let numbers = reader.numbers;
    let mut events = cjk_strong(events, &escaped);
    drop_cjk_soft_breaks(&mut events);
    let mut headings = anchor_headings(&mut events);
    settle_ids(&mut events, &mut headings, &mut links, prefix);
    let (text, prose, before_more) = plain_text(&events);
    let blocks = blocks(&events);
    let events = events.into_iter().filter_map(neutralise_html);
    let events = insert_fragments(events.collect(), fragments);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, text, prose, headings, blocks, before_more, links, rejected, numbers, stored: None }
}

fn clip(s: &str) -> String {
    crate::privacy::masked_excerpt(s, 40)
}

/// A heading keeps `{#id}` and `{.class}` made of safe characters; any other attribute
/// (`{onfocus=… autofocus}`) would be written verbatim into the tag, so it is dropped.
fn safe_heading<'a>(
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    line: usize,
    rejected: &mut Vec<Rejected>,
) -> Tag<'a> {
    let safe = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut dropped: Vec<String> = attrs.iter().map(|(k, _)| k.to_string()).collect();
    dropped.extend(classes.iter().filter(|c| !safe(c)).map(|c| format!(".{c}")));
    dropped.extend(id.iter().filter(|i| !safe(i)).map(|i| format!("#{i}")));
    if !dropped.is_empty() {
        rejected.push(Rejected {
            line,
            message: t!(
                "heading attributes {} are not allowed and were dropped",
                "标题属性 `{}` 不允许使用，已去掉",
                clip(&dropped.join(" "))
            ),
            hint: t!(
                "a heading may carry only {{#anchor}} and {{.class}} made of letters, digits, - and _",
                "标题只能带 `{{#锚点}}` 和 `{{.类名}}`，由字母、数字、- 和 _ 组成"
            ),
        });
    }
    Tag::Heading {
        level,
        id: id.filter(|i| safe(i)),
        classes: classes.into_iter().filter(|c| safe(c)).collect(),
        attrs: Vec::new(),
    }
}

/// The text of each block as a reader reads it, scanned for personal numbers when the block
/// ends: a link or emphasis splitting the digits in the source joins up here.
#[derive(Default)]
struct ReaderText {
    text: String,
    line: usize,
    numbers: Vec<(usize, crate::privacy::Hit)>,
}

impl ReaderText {
    fn read(&mut self, event: &Event, line: usize) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if self.text.is_empty() {
                    self.line = line;
                }
                self.text.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => self.flush(),
            _ => {}
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            let line = self.line;
            self.numbers.extend(crate::privacy::scan(&self.text).into_iter().map(|h| (line, h)));
            self.text.clear();
        }
    }
}

/// CSS Text 3: a segment break between two East Asian wide characters is removed, so that
/// CommonMark does not close `**结论：**正文`: a run after punctuation must be followed by a
/// space or punctuation, and Chinese puts neither after a colon. As markdown-it-cjk-friendly
/// does, `**` pairs left unmatched in one run of text, each touching a wide character, become
/// strong emphasis; a run with any escape, or an odd or unfit pair, is left as written.
fn cjk_strong<'a>(events: Vec<Event<'a>>, escaped: &[bool]) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<Event<'a>> = Vec::new();
    let mut run_escaped = false;
    for (i, event) in events.into_iter().enumerate() {
        if matches!(event, Event::Text(_)) {
            run_escaped |= escaped.get(i).copied().unwrap_or(true);
            run.push(event);
            continue;
        }
        flush_run(&mut out, std::mem::take(&mut run), run_escaped);
        run_escaped = false;
        out.push(event);
    }
    flush_run(&mut out, run, run_escaped);
    out
}

fn flush_run<'a>(out: &mut Vec<Event<'a>>, run: Vec<Event<'a>>, escaped: bool) {
    let text: String = run.iter().map(|e| if let Event::Text(t) = e { t.as_ref() } else { "" }).collect();
    let parts: Vec<&str> = text.split("**").collect();
    let fits = |k: usize| {
        let (before, inner, after) = (parts[k - 1], parts[k], parts[k + 1]);
        let wide = |c: Option<char>| c.is_some_and(is_wide);
        !inner.is_empty()
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace)
            && (wide(before.chars().next_back()) || wide(inner.chars().next()))
            && (wide(inner.chars().next_back()) || wide(after.chars().next()))
    };
    let pairs = parts.len() >= 3 && parts.len() % 2 == 1 && (1..parts.len()).step_by(2).all(fits);
    if escaped || !pairs {
        out.extend(run);
        return;
    }
    for (k, part) in parts.iter().enumerate() {
        if k % 2 == 1 {
            out.push(Event::Start(Tag::Strong));
        }
        if !part.is_empty() {
            out.push(Event::Text(CowStr::from(part.to_string())));
        }
        if k % 2 == 1 {
            out.push(Event::End(TagEnd::Strong));
        }
    }
}

/// Chinese lines wrapped in the source do not show stray spaces. Next to latin text, code or
/// a link the break stays a space, or English words would be glued together.
fn drop_cjk_soft_breaks(events: &mut Vec<Event>) {
    let mut drop = vec![false; events.len()];
    for i in 0..events.len() {
        if matches!(events[i], Event::SoftBreak) {
            let before = neighbour_char(events[..i].iter().rev(), |t| t.chars().next_back());
            let after = neighbour_char(events[i + 1..].iter(), |t| t.chars().next());
            drop[i] = matches!((before, after), (Some(a), Some(b)) if is_wide(a) && is_wide(b));
        }
    }
    let mut keep = drop.into_iter().map(|d| !d);
    events.retain(|_| keep.next().unwrap_or(true));
}

/// The nearest character across inline emphasis; `None` at code, links or anything else.
fn neighbour_char<'a, 'e: 'a>(
    mut events: impl Iterator<Item = &'a Event<'e>>,
    pick: impl Fn(&str) -> Option<char>,
) -> Option<char> {
    loop {
        match events.next()? {
            Event::Text(t) => return pick(t),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => continue,
            _ => return None,
        }
    }
}

fn anchor_headings(events: &mut [Event]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let given = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = unique_id(given.unwrap_or_else(|| slugify(&text)), headings.len() + 1, &mut used);
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id.clone()));
            }
            headings.push(Heading { level, id, text });
            i = j;
        }
        i += 1;
    }
    headings
}

/// The ids the built-in templates give their own elements (a test keeps this list whole): a
/// body heading or footnote of one of these names would make a second element of that id,
/// and the skip link, a section's label or a revision's anchor would lead to it.
pub const THEME_IDS: &[&str] = &[
    "main",
    "h-highlight",
    "h-highlight-label",
    "h-toc",
    "h-cases",
    "h-publisher",
    "h-measures",
    "h-reviews",
    "h-commentary",
    "h-disc",
    "h-revisions",
    "h-editions",
    "h-correction",
    "h-open",
    "site-search-q",
    "search-q",
    "search-hint",
    "search-status",
    "search-results",
    "search-more",
    "search-manifest",
    "search-form",
];

/// Whether a body's id could be one the page has already: the theme's, a revision's (`v2`),
/// one of the commentary's (see [`render_apart`]) or of an earlier version's full text
/// (`version-1-…`, see `resolve::revisions`).
fn taken_by_the_page(id: &str) -> bool {
    let revision =
        id.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    THEME_IDS.contains(&id) || revision || id.starts_with("commentary-") || id.starts_with("version-")
}

/// Makes every id of the text once on the page: headings and footnotes share one space (a
/// heading `## note` and a footnote `[^note]` were both `id="note"`), a body's id that the
/// page has already (the theme's `main`, a revision's `v2`, the commentary's) takes `body-`
/// before it, and each id of a text rendered apart takes `prefix` (found by two hostile
/// reviews). A footnote's references follow its new id, and so does a link in the text to a
/// heading (`[见下文](#v2)`); two footnotes never share one.
fn settle_ids(events: &mut [Event], headings: &mut [Heading], links: &mut [LinkRef], prefix: &str) {
    let mut used: HashSet<String> = HashSet::new();
    let mut renamed: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut footnotes: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let settle = |id: &str, used: &mut HashSet<String>| {
        let base = match prefix.is_empty() && taken_by_the_page(id) {
            true => format!("body-{id}"),
            false => format!("{prefix}{id}"),
        };
        let mut settled = base.clone();
        let mut n = 2;
        while !used.insert(settled.clone()) {
            settled = format!("{base}-{n}");
            n += 1;
        }
        settled
    };
    let mut heading = 0;
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                let settled = settle(id, &mut used);
                if let Some(h) = headings.get_mut(heading) {
                    h.id = settled.clone();
                }
                heading += 1;
                if settled != id.as_ref() {
                    renamed.entry(id.to_string()).or_insert_with(|| settled.clone());
                }
                *id = CowStr::from(settled);
            }
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
                let settled = match footnotes.get(label.as_ref()) {
                    Some(settled) => settled.clone(),
                    None => {
                        let settled = settle(label, &mut used);
                        footnotes.insert(label.to_string(), settled.clone());
                        settled
                    }
                };
                *label = CowStr::from(settled);
            }
            _ => {}
        }
    }
    // a link to a footnote's label (`[见注](#c1)`) follows it too, after the headings
    for (label, settled) in footnotes {
        if settled != label {
            renamed.entry(label).or_insert(settled);
        }
    }
    if renamed.is_empty() {
        return;
    }
    // as written, or percent-encoded (`#%E5%81%9A%E6%B3%95` for `#做法`)
    let follow = |url: &str| {
        let anchor = url.strip_prefix('#')?;
        let decoded = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
        renamed.get(anchor).or_else(|| renamed.get(decoded.as_ref())).map(|id| format!("#{id}"))
    };
    for event in events.iter_mut() {
        if let Event::Start(Tag::Link { dest_url, .. }) = event {
            if let Some(url) = follow(dest_url) {
                *dest_url = CowStr::from(url);
            }
        }
    }
    for link in links.iter_mut() {
        if let Some(url) = follow(&link.url) {
            link.url = url;
        }
    }
}

/// Anchors are the heading's own words, so links stay readable; repeats get `-2`, `-3`.
fn unique_id(base: String, n: usize, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { format!("section-{n}") } else { base };
    let mut id = base.clone();
    let mut k = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{k}");
        k += 1;
    }
    id
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// The whole text (tables and code included, cells apart) and the prose alone: paragraphs
/// and list items, which is what a summary quotes.
fn plain_text(events: &[Event]) -> (String, String, Option<String>) {
    let mut text = String::new();
    let mut prose = String::new();
    let mut before_more = None;
    let mut aside = 0usize; // depth inside tables, code blocks and headings
    for e in events {
        match e {
            Event::Start(Tag::Table(_) | Tag::CodeBlock(_) | Tag::Heading { .. }) => aside += 1,
            Event::End(TagEnd::Table | TagEnd::CodeBlock | TagEnd::Heading(_)) => {
                aside = aside.saturating_sub(1);
                newline(&mut text);
            }
            // a placeholder stands for a chart or table, whose words are not the page's prose
            Event::Text(t) if t.contains(OPEN) => {
                let without: String = strip_placeholders(t);
                text.push_str(&without);
                if aside == 0 {
                    prose.push_str(&without);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                if aside == 0 {
                    prose.push_str(t);
                }
            }
            Event::SoftBreak => {
                text.push(' ');
                prose.push(' ');
            }
            Event::End(TagEnd::TableCell) => text.push(' '),
            Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => {
                newline(&mut text);
                if aside == 0 {
                    newline(&mut prose);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) if h.trim() == MORE && before_more.is_none() => {
                before_more = Some(prose.trim().to_string());
            }
            _ => {}
        }
    }
    (text.trim().to_string(), prose.trim().to_string(), before_more)
}

fn strip_placeholders(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut inside = false;
    for c in t.chars() {
        match c {
            OPEN => inside = true,
            CLOSE => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Starts a table row in [`Rendered::blocks`].
pub const ROW: char = '\u{E002}';
/// Separates the cells of a table row in [`Rendered::blocks`].
pub const CELL: char = '\u{E003}';

fn blocks(events: &[Event]) -> String {
    let mut out = String::new();
    let mut row: Option<Vec<String>> = None;
    let mut cell = String::new();
    for e in events {
        match e {
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Some(Vec::new()),
            Event::End(TagEnd::TableCell) => {
                if let Some(r) = row.as_mut() {
                    r.push(std::mem::take(&mut cell).trim().to_string());
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(r) = row.take() {
                    newline(&mut out);
                    out.push(ROW);
                    out.push_str(&r.join(&CELL.to_string()));
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => {
                let t = strip_placeholders(t);
                if row.is_some() {
                    cell.push_str(&t);
                } else {
                    out.push_str(&t);
                }
            }
            Event::SoftBreak if row.is_none() => out.push(' '),
            Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                newline(&mut out)
            }
            _ => {}
        }
    }
    out
}

fn newline(s: &mut String) {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
}

/// Puts each fragment where its placeholder stands; a paragraph holding only a placeholder
/// becomes the fragment itself, so a `<figure>` is not wrapped in a `<p>`.
fn insert_fragments<'a>(events: Vec<Event<'a>>, fragments: &[String]) -> Vec<Event<'a>> {
    if fragments.is_empty() {
        return events;
    }
    let fragment = |t: &str| -> Option<CowStr<'a>> {
        let n: usize = t.strip_prefix(OPEN)?.strip_suffix(CLOSE)?.parse().ok()?;
        fragments.get(n).map(|f| CowStr::from(f.clone()))
    };
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::Paragraph), Some(Event::Text(t)), Some(Event::End(TagEnd::Paragraph))) =
            (&events[i], events.get(i + 1), events.get(i + 2))
        {
            if let Some(html) = fragment(t.trim()) {
                out.push(Event::Html(html));
                i += 3;
                continue;
            }
        }
        match &events[i] {
            Event::Text(t) if t.contains(OPEN) => {
                let mut rest: &str = t;
                while let Some(start) = rest.find(OPEN) {
                    let end = rest[start..].find(CLOSE).map(|e| start + e + CLOSE.len_utf8());
                    let Some(end) = end else { break };
                    if start > 0 {
                        out.push(Event::Text(CowStr::from(rest[..start].to_string())));
                    }
                    match fragment(&rest[start..end]) {
                        Some(html) => out.push(Event::InlineHtml(html)),
                        None => out.push(Event::Text(CowStr::from(rest[start..end].to_string()))),
                    }
                    rest = &rest[end..];
                }
                if !rest.is_empty() {
                    out.push(Event::Text(CowStr::from(rest.to_string())));
                }
            }
            e => out.push(e.clone()),
        }
        i += 1;
    }
    out
}

/// Raw HTML in content is shown as text: a disclosure is a public record, and a pasted
/// `<script>` must not run on the county's site. Comments are dropped.
fn neutralise_html(e: Event) -> Option<Event> {
    match e {
        Event::Html(h) | Event::InlineHtml(h) if h.trim_start().starts_with("<!--") => None,
        Event::Html(h) | Event::InlineHtml(h) => Some(Event::Text(h)),
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_a_renamed_heading_follows_it() {
        let body = render(
            "## v2\n\n详见[第二部分](#v2)，[主体](#main)，[外部](https://example.org/#v2)。\n\n## main\n",
        );
        assert!(
            body.html.contains(r##"href="#body-v2""##) && body.html.contains(r##"href="#body-main""##),
            "{}",
            body.html
        );
        assert!(body.html.contains(r##"href="https://example.org/#v2""##), "{}", body.html);
        assert_eq!(body.links[0].url, "#body-v2");
        // written percent-encoded, and to a footnote of the commentary's
        let body = render("## main\n\n[甲](#%6Dain)\n");
        assert!(body.html.contains(r##"href="#body-main""##), "{}", body.html);
        let apart = render_apart("见[注](#c1)[^c1]\n\n[^c1]: 注。\n", "commentary-");
        assert!(apart.html.contains(r##"<a href="#commentary-c1">注</a>"##), "{}", apart.html);
        let apart = render_apart("## 做法\n\n见[做法](#做法)\n", "commentary-");
        // (the HTML writer percent-encodes the address; a browser reads it as the id)
        assert!(apart.html.contains(r##"href="#commentary-%E5%81%9A%E6%B3%95""##), "{}", apart.html);
    }

    #[test]
    fn an_earlier_version_s_ids_are_its_own_and_links_elsewhere_stay() {
        let md =
            "## 做法\n\n见[做法](#%E5%81%9A%E6%B3%95)，[第1版](#v1)，[正文](#main)[^1]。\n\n[^1]: 注。\n";
        let own = render_apart(md, "version-1-").html;
        assert!(own.contains(r#"id="version-1-做法""#) && own.contains(r#"id="version-1-1""#), "{own}");
        assert!(
            own.contains(r##"href="#version-1-%E5%81%9A%E6%B3%95""##)
                && own.contains(r##"href="#version-1-1""##),
            "{own}"
        );
        assert!(own.contains(r##"href="#v1""##) && own.contains(r##"href="#main""##), "{own}");
    }

    #[test]
    fn every_id_of_a_text_is_there_once() {
        let ids = |html: &str| -> Vec<String> {
            html.split(" id=\"").skip(1).filter_map(|r| r.split('"').next()).map(String::from).collect()
        };
        let md = "## Main\n\n## body-main\n\n正文[^main][^body-main]。\n\n## note\n\n注[^note]\n\n[^main]: 一\n\n[^body-main]: 二\n\n[^note]: 三\n";
        for (html, prefix) in [(render(md).html, ""), (render_apart(md, "commentary-").html, "commentary-")] {
            let mut all = ids(&html);
            let n = all.len();
            assert_eq!(n, 6, "{html}");
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "an id twice: {html}");
            assert!(all.iter().all(|id| id.starts_with(prefix)), "{all:?}");
            // three footnotes, three numbers
            for number in [">1<", ">2<", ">3<"] {
                assert!(html.contains(number), "{number}: {html}");
            }
        }
    }

    #[test]
    fn a_body_takes_no_id_the_theme_or_the_commentary_has() {
        let body = render("## main\n\n## h-measures\n\n## commentary-做法\n\n## V2\n\n脚注[^main]\n\n[^main]: 注\n\n## 做法\n");
        for taken in ["main", "h-measures", "commentary-做法", "v2"] {
            assert!(!body.html.contains(&format!("id=\"{taken}\"")), "{taken}: {}", body.html);
            assert!(body.html.contains(&format!("id=\"body-{taken}\"")), "{taken}: {}", body.html);
        }
        // the footnote [^main] is apart from the heading that took body-main
        assert!(body.html.contains(r##"href="#body-main-2""##), "{}", body.html);
        // an id no one else has stays as it was
        assert!(body.html.contains(r#"id="做法""#), "{}", body.html);
        assert_eq!(body.headings[0].id, "body-main");
        // every literal id of the built-in templates is listed
        for (name, text) in crate::render::templates::TEMPLATES {
            for id in text.split("id=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
                if !id.contains("{{") && !id.contains("{%") {
                    assert!(THEME_IDS.contains(&id), "{name}: id=\"{id}\" is not in THEME_IDS");
                }
            }
        }
    }

    #[test]
    fn a_text_rendered_apart_makes_no_id_the_body_makes() {
        let md = "# 标题 {#h}\n\n脚注[^1]\n\n[^1]: 注释\n\n## 做法\n";
        let body = render(md);
        let apart = render_apart(md, "commentary-");
        assert!(body.html.contains(r#"id="h""#) && body.html.contains(r##"href="#1""##), "{}", body.html);
        assert!(apart.html.contains(r#"id="commentary-h""#), "{}", apart.html);
        assert!(
            apart.html.contains(r##"href="#commentary-1""##) && apart.html.contains(r#"id="commentary-1""#)
        );
        assert!(apart.html.contains(r#"id="commentary-做法""#), "{}", apart.html);
        assert_eq!(
            apart.headings.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(),
            ["commentary-h", "commentary-做法"]
        );
        // what a reader reads is the same
        assert_eq!(apart.text, body.text);
    }

    #[test]
    fn strong_emphasis_closes_next_to_chinese_punctuation() {
        let html = render("**结论：**流动党员管理要常态化").html;
        assert_eq!(html, "<p><strong>结论：</strong>流动党员管理要常态化</p>\n");
        assert_eq!(
            render("「**重点**」和**要求：**落实").html,
            "<p>「<strong>重点</strong>」和<strong>要求：</strong>落实</p>\n"
        );
        assert_eq!(render("\\*\\*结论：\\*\\*正文").html, "<p>**结论：**正文</p>\n");
        assert_eq!(render("a ** b ** c").html, "<p>a ** b ** c</p>\n");
    }

    #[test]
    fn soft_break_between_chinese_vanishes() {
        let r = render("第一行\n第二行");
        assert_eq!(r.html, "<p>第一行第二行</p>\n");
    }

    #[test]
    fn soft_break_next_to_latin_stays() {
        assert_eq!(render("使用\nApp").html, "<p>使用\nApp</p>\n");
        assert_eq!(render("hello\nworld").html, "<p>hello\nworld</p>\n");
        assert_eq!(render("见\n[链接](x)").html, "<p>见\n<a href=\"x\">链接</a></p>\n");
    }

    #[test]
    fn soft_break_across_emphasis() {
        assert_eq!(render("**重点**\n继续").html, "<p><strong>重点</strong>继续</p>\n");
    }

    #[test]
    fn chinese_headings_get_unique_anchors() {
        let r = render("## 一、甄选\n\n## 一、甄选\n\n## “”\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["一-甄选", "一-甄选-2", "section-3"]);
        assert!(r.html.contains("<h2 id=\"一-甄选\">"));
    }

    #[test]
    fn links_are_collected_with_lines() {
        let r = render("见[甲](../a/)。\n\n第二段\n![图](b.png) 和 [乙](#锚点)\n");
        let got: Vec<(&str, usize, bool)> =
            r.links.iter().map(|l| (l.url.as_str(), l.line, l.image)).collect();
        assert_eq!(got, [("../a/", 1, false), ("b.png", 4, true), ("#锚点", 4, false)]);
    }

    #[test]
    fn summary_text_leaves_tables_out() {
        let r = render("## 标题\n\n公示如下。\n\n| 姓名 | 性别 |\n| --- | --- |\n| 王某 | 男 |\n");
        assert_eq!(r.prose, "公示如下。");
        assert_eq!(r.text, "标题\n公示如下。\n姓名 性别 \n王某 男");
    }

    #[test]
    fn fragments_replace_their_placeholders() {
        let md = format!("前文\n\n{}\n\n共有{}个。\n", placeholder(0), placeholder(1));
        let r = render_with(&md, &["<figure>图</figure>".to_string(), "<b>504</b>".to_string()], "");
        assert_eq!(r.html, "<p>前文</p>\n<figure>图</figure>\n<p>共有<b>504</b>个。</p>\n");
        assert_eq!(r.text, "前文\n共有个。", "placeholders never reach the text");
    }

    #[test]
    fn raw_html_is_text_and_more_marker_splits() {
        let r = render("摘要在此。\n\n<!-- more -->\n\n<script>alert(1)</script>\n");
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<script>"));
        assert_eq!(r.before_more.as_deref(), Some("摘要在此。"));
    }
}
