//! A read Word document (`docx`) as one entry of a kind: its front matter and Markdown body,
//! and the pictures it holds as files for `static/`.
//!
//! The title is the document's Title paragraph or first heading. For a case, paragraphs or
//! headings starting with 发布者, 亮点, 举措 or 点评 (either script, `[…]`, `【…】` or `…：`, as
//! the bulletin importer reads them) fill publisher, title, body and commentary, and a 日期
//! paragraph (or else a date alone in the last paragraph) the case's date. A disclosure
//! takes its organisation and date from the sign-off (落款) at the end, its category and period
//! from the title; a review its year from the title.

use super::bulletin::{split_publisher, Marker, Script};
use super::docx::{plain, written, Block, Document, Inline, ParaKind};
use super::plain::to_markdown;
use crate::content::Kind;
use crate::Diagnostic;
use std::borrow::Cow;
use std::path::Path;

/// What the command line gives every entry.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub date: Option<chrono::NaiveDate>,
    pub region: Option<String>,
    pub tags: Vec<String>,
    pub org: Option<String>,
}

/// One entry ready to write: its file text and its pictures (path under `static/`, bytes).
#[derive(Debug, Clone)]
pub struct WordEntry {
    pub content: String,
    pub images: Vec<(String, Vec<u8>)>,
}

/// The entry of `doc` (read from `file`) as `kind`; `stem` names its pictures' folder.
pub fn entry(
    file: &Path,
    doc: &Document,
    kind: Kind,
    stem: &str,
    given: &Given,
) -> Result<WordEntry, Diagnostic> {
    let mut images = Vec::new();
    // a picture is linked from the page's address: a case's is one folder deeper (its year)
    let up = if kind == Kind::Case { "../../../" } else { "../../" };
    let mut md = Markdown { doc, stem, images: &mut images, up, notes: Vec::new() };
    let mut blocks: Vec<&Block> = doc.blocks.iter().collect();
    let title = take_title(&mut blocks);
    let parts = if kind == Kind::Case {
        case_parts(&blocks)
    } else {
        Parts { body: blocks.iter().map(|&b| Cow::Borrowed(b)).collect(), ..Parts::default() }
    };
    let mut body = Vec::new();
    let title = match (parts.highlight.clone(), title) {
        (Some(highlight), Some(doc_title)) => {
            // a case is titled by its 亮点; a different document title stays as the first line
            if doc_title != highlight {
                body.push(to_markdown(&doc_title));
            }
            highlight
        }
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    let measures = md.blocks(&parts.body);
    // a case without its 举措 would be published as its title alone, as a bulletin entry
    // without one is refused (found by a hostile review)
    if kind == Kind::Case && measures.iter().all(|b| b.trim().is_empty()) {
        return Err(Diagnostic::new(file, 0, t!("the document has no 举措 text (the measures)", "文档中没有「举措」的内容"))
            .with_hint(t!(
                "write the measures under a heading or paragraph 「举措」 and import again; this entry was not imported",
                "请在「举措」标题或段落下面写上具体做法，再重新导入；这篇没有导入"
            )));
    }
    body.extend(measures);
    body.extend(md.take_notes(0));
    let body = body.join("\n\n");
    let from = md.notes.len();
    let commentary = (!parts.commentary.is_empty()).then(|| {
        let mut text = md.blocks(&parts.commentary);
        text.extend(md.take_notes(from));
        text.join("\n\n")
    });
    let all_text: String = doc.blocks.iter().map(block_text).collect();
    let script = Script::detect(&all_text);
    let mut front: Vec<(&str, toml::Value)> = vec![("title", title.clone().into())];
    // a case's date: its own, else the command line's, marked as such
    let mut case_date: Option<(chrono::NaiveDate, bool)> = None;
    let s = |v: &str| toml::Value::String(v.to_string());
    let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match kind {
        Kind::Case => {
            let Some(publisher) = &parts.publisher else {
                return Err(Diagnostic::new(
                    file,
                    0,
                    t!(
                        "the document has no 发布者 paragraph (the publishing organisation)",
                        "文档中没有「发布者」段落（发布单位）"
                    ),
                )
                .with_hint(t!(
                    "add a paragraph 「发布者：某县委组织部 张三、李四」 under the title and import again; this entry was not imported",
                    "请在标题下面加一段「发布者：某县委组织部 张三、李四」，再重新导入；这篇没有导入"
                )));
            };
            let (org, people) = split_publisher(publisher);
            front.push(("publisher", s(&org)));
            front.push(("authors", toml::Value::Array(people.iter().map(|p| s(p)).collect())));
            let own = match &parts.date {
                Some(written) => Some(crate::text::parse_date(written).map_err(|_| {
                    Diagnostic::new(
                        file,
                        0,
                        t!(
                            "the document's 日期 `{written}` is not a date",
                            "文档中的日期 `{written}` 不是日期"
                        ),
                    )
                    .with_hint(t!(
                        "write it as 2024年6月3日; this entry was not imported",
                        "请写成 2024年6月3日；这一篇没有导入"
                    ))
                })?),
                None => sign_off(&blocks).1,
            };
            case_date = match (own, given.date) {
                (Some(d), _) => Some((d, false)),
                (None, Some(d)) => Some((d, true)),
                (None, None) => {
                    return Err(Diagnostic::new(file, 0, t!("the document has no date", "文档没有日期"))
                        .with_hint(t!(
                            "add a paragraph 「日期：2024年6月3日」 under the 发布者, or pass --date 2024-06-03; this entry was not imported",
                            "请在发布者下面加一段「日期：2024年6月3日」，或加上 --date 2024-06-03；这一篇没有导入"
                        )));
                }
            };
        }
        Kind::Disclosure => {
            let (org, date) = sign_off(&blocks);
            let Some(org) = given.org.clone().or(org) else {
                return Err(Diagnostic::new(
                    file,
                    0,
                    t!(
                        "the document names no organisation: it has no sign-off (落款) at its end",
                        "文档中没有写明单位：结尾没有落款"
                    ),
                )
                .with_hint(t!(
                    "end it with the organisation's full name and the date (落款), or pass --org 某村党支部; this entry was not imported",
                    "请在结尾写上单位全称和日期（落款），或加上 --org 某村党支部；这篇没有导入"
                )));
            };
            let Some(published) = given.date.or(date) else {
                return Err(Diagnostic::new(
                    file,
                    0,
                    t!("the document has no date: its sign-off (落款) ends with none", "文档中没有日期：落款后面没有写日期"),
                )
                .with_hint(t!(
                    "end it with the date, e.g. 2024年6月3日, or pass --date 2024-06-03; this entry was not imported",
                    "请在结尾写上日期，如 2024年6月3日，或加上 --date 2024-06-03；这篇没有导入"
                )));
            };
            let category = crate::content::infer::category(&title)
                .unwrap_or(crate::content::disclosure::Category::Other);
            let period = crate::content::infer::period(&title)
                .unwrap_or_else(|| chrono::Datelike::year(&published).to_string());
            front.push(("org", s(&org)));
            front.push(("category", s(category.label())));
            front.push(("period", s(&period)));
            front.push(("published", date_value(published)));
        }
        Kind::Review => {
            let year = crate::content::infer::year(&title)
                .map(|(_, y)| y)
                .or(given.date.map(|d| chrono::Datelike::year(&d)));
            let Some(year) = year else {
                return Err(Diagnostic::new(
                    file,
                    0,
                    t!("the title names no year (e.g. 2024年度…)", "标题中没有年份（如 2024年度…）"),
                )
                .with_hint(t!(
                    "put the year in the title, or pass --date with a day of that year; this entry was not imported",
                    "请在标题中写上年份，或用 --date 给出那一年中的某一天；这篇没有导入"
                )));
            };
            front.push(("year", toml::Value::Integer(year.into())));
        }
        Kind::Page => {}
    }
    match case_date {
        Some((d, _)) => front.push(("date", date_value(d))),
        None if kind != Kind::Disclosure => {
            if let Some(d) = given.date {
                front.push(("date", date_value(d)));
            }
        }
        None => {}
    }
    if let Some(region) = &given.region {
        front.push(("region", s(region)));
    }
    if !given.tags.is_empty() {
        front.push(("tags", toml::Value::Array(given.tags.iter().map(|t| s(t)).collect())));
    }
    if let Some(c) = commentary {
        front.push(("commentary", s(&c)));
    }
    // left out when nothing tells the script: the site's language then applies
    if let Some(script) = script {
        front.push(("lang", s(script.lang())));
    }
    front.push(("source", s(&source)));
    let given_date = case_date.is_some_and(|(_, given)| given);
    let front: String = front
        .iter()
        .map(|(k, v)| match v {
            // a Value's Display writes a date as a private table; a date is written bare
            toml::Value::Datetime(d) if given_date => format!("{}\n{k} = {d}\n", super::DATE_GIVEN),
            toml::Value::Datetime(d) => format!("{k} = {d}\n"),
            v => format!("{k} = {v}\n"),
        })
        .collect();
    Ok(WordEntry { content: format!("+++\n{front}+++\n\n{body}\n"), images })
}

/// The entry text `content` of the case file `name` with `slug = "…"` after its date: the
/// slug made from its title, kept apart from the addresses in `taken`.
pub fn with_slug(content: &str, name: &str, taken: &mut super::Addresses) -> String {
    let Ok(split) = crate::content::front_matter::split(Path::new(name), content) else {
        return content.to_string();
    };
    let get = |k: &str| split.front.table.get(k).and_then(|v| v.as_str());
    let Some(date) = get("date").and_then(|d| crate::text::parse_date(d).ok()) else {
        return content.to_string();
    };
    let slug = taken.claim(name, date, get("title").unwrap_or_default());
    let line = format!("\nslug = {}\n", toml::Value::String(slug));
    match content.find("\ndate = ").and_then(|at| content[at + 1..].find('\n').map(|end| at + 1 + end)) {
        Some(end) => format!("{}{line}{}", &content[..end], &content[end + 1..]),
        None => content.to_string(),
    }
}

fn date_value(d: chrono::NaiveDate) -> toml::Value {
    let date = toml::value::Date {
        year: chrono::Datelike::year(&d) as u16,
        month: chrono::Datelike::month(&d) as u8,
        day: chrono::Datelike::day(&d) as u8,
    };
    toml::Value::Datetime(toml::value::Datetime { date: Some(date), time: None, offset: None })
}

fn block_text(b: &Block) -> String {
    match b {
        Block::Para { inlines, .. } => plain(inlines),
        Block::Table(rows) => rows.iter().flatten().map(|c| plain(c)).collect(),
    }
}

/// Removes and returns the title: the Title paragraph, or the first heading when no body
/// text comes before it.
fn take_title(blocks: &mut Vec<&Block>) -> Option<String> {
    let is = |b: &&Block, k: fn(ParaKind) -> bool| matches!(b, Block::Para { kind, .. } if k(*kind));
    let at = blocks
        .iter()
        .position(|b| is(b, |k| k == ParaKind::Title))
        .or_else(|| blocks.first().filter(|b| is(b, |k| matches!(k, ParaKind::Heading(_)))).map(|_| 0))?;
    let title = block_text(blocks[at]);
    if Marker::ALL.iter().any(|m| marker_only(&title, *m)) {
        return None;
    }
    blocks.remove(at);
    Some(title)
}

/// A case's parts as the markers cut them.
#[derive(Default)]
struct Parts<'a> {
    publisher: Option<String>,
    date: Option<String>,
    highlight: Option<String>,
    /// A block is owned when its marker was cut off its start (`举措：…`).
    body: Vec<Cow<'a, Block>>,
    commentary: Vec<Cow<'a, Block>>,
}

fn case_parts<'a>(blocks: &[&'a Block]) -> Parts<'a> {
    let mut parts = Parts::default();
    // the marker whose value is still to come (a heading 「亮点」 with the text below it)
    let mut pending: Option<Marker> = None;
    let mut in_commentary = false;
    for &block in blocks {
        let text = block_text(block);
        if let Some((marker, rest)) = Marker::ALL.iter().find_map(|&m| marker_at(&text, m).map(|r| (m, r))) {
            in_commentary = marker == Marker::Commentary;
            pending = None;
            match marker {
                Marker::Publisher | Marker::Title | Marker::Date if rest.is_empty() => pending = Some(marker),
                Marker::Publisher => parts.publisher = Some(rest),
                Marker::Date => parts.date = Some(rest),
                Marker::Title => parts.highlight = Some(rest),
                // the paragraph goes on after its marker: its text, or a picture with none
                Marker::Measures | Marker::Commentary => {
                    if let Some(block) = without_marker(block, marker) {
                        let target = if in_commentary { &mut parts.commentary } else { &mut parts.body };
                        target.push(Cow::Owned(block));
                    }
                }
            }
            continue;
        }
        match pending.take() {
            Some(Marker::Publisher) => parts.publisher = Some(text),
            Some(Marker::Title) => parts.highlight = Some(text),
            Some(Marker::Date) => parts.date = Some(text),
            _ if in_commentary => parts.commentary.push(Cow::Borrowed(block)),
            _ => parts.body.push(Cow::Borrowed(block)),
        }
    }
    parts
}

/// The text after marker `m` at the start of `text` (`[亮点]…`, `【亮点】…`, `亮点：…`, or the
/// word alone, as a heading writes it).
fn marker_at(text: &str, m: Marker) -> Option<String> {
    marker_len(text, m).map(|n| text[n..].trim().to_string())
}

/// How many bytes at the start of `text` are the marker `m`, with the spaces around it.
fn marker_len(text: &str, m: Marker) -> Option<usize> {
    let trimmed = text.trim();
    // every spelling the bulletin importer knows (發佈者, 擧措…)
    let words = [Script::Hans, Script::Hant].into_iter().flat_map(|script| m.spellings(script));
    let rest = words.into_iter().find_map(|&word| {
        trimmed
            .strip_prefix(['[', '【', '［'])
            .and_then(|t| t.strip_prefix(word))
            .and_then(|t| t.strip_prefix([']', '】', '］']))
            .or_else(|| trimmed.strip_prefix(word).and_then(|t| t.trim_start().strip_prefix(['：', ':'])))
            .or_else(|| (trimmed == word).then_some(""))
    })?;
    // `rest` ends where the trimmed text ends; with nothing after the marker, the spaces and
    // breaks after it go too
    match rest.trim_start().is_empty() {
        true => Some(text.len()),
        false => Some(text.trim_end().len() - rest.trim_start().len()),
    }
}

/// A paragraph that starts with marker `m` (`举措：…`), without the marker: the label is the
/// importer's, not the case's text. `None` when nothing is left, neither text nor picture
/// (found by a hostile review: a `举措：` paragraph holding a picture was dropped, picture and
/// all, and the labels stayed in the text).
fn without_marker(block: &Block, m: Marker) -> Option<Block> {
    let Block::Para { kind, inlines } = block else { return None };
    // counted in the runs' text as it is: `plain` trims it
    let mut cut = marker_len(&written(inlines), m)?;
    let mut kept = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Text { text, bold } if cut > 0 => {
                let n = cut.min(text.len());
                cut -= n;
                if n < text.len() {
                    kept.push(Inline::Text { text: text[n..].to_string(), bold: *bold });
                }
            }
            Inline::Break if cut > 0 => cut -= 1,
            other => kept.push(other.clone()),
        }
    }
    let left = !plain(&kept).trim().is_empty() || kept.iter().any(|i| matches!(i, Inline::Image { .. }));
    left.then_some(Block::Para { kind: *kind, inlines: kept })
}

fn marker_only(text: &str, m: Marker) -> bool {
    marker_at(text, m).is_some_and(|r| r.is_empty())
}

/// The sign-off (落款) at the end of a notice: the organisation, then the date.
fn sign_off(blocks: &[&Block]) -> (Option<String>, Option<chrono::NaiveDate>) {
    let texts: Vec<String> = blocks
        .iter()
        .filter(|b| matches!(b, Block::Para { .. }))
        .map(|b| block_text(b))
        .filter(|t| !t.is_empty())
        .collect();
    let Some((last, before)) = texts.split_last() else { return (None, None) };
    let Some(date) = chinese_date(last) else { return (None, None) };
    let org = before.last().filter(|t| t.chars().count() <= 30 && !t.contains(['。', '：', ':'])).cloned();
    (org, Some(date))
}

/// `2024年6月3日` (Arabic digits, as GB/T 9704 writes a sign-off's date).
fn chinese_date(text: &str) -> Option<chrono::NaiveDate> {
    let t = text.trim();
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    chrono::NaiveDate::from_ymd_opt(y.trim().parse().ok()?, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// Blocks to Markdown, pictures collected as they come.
struct Markdown<'a> {
    doc: &'a Document,
    stem: &'a str,
    images: &'a mut Vec<(String, Vec<u8>)>,
    /// The way from the entry's page up to the site root.
    up: &'static str,
    /// The footnotes met so far, numbered from 1 in the order of their marks.
    notes: Vec<String>,
}

impl Markdown<'_> {
    /// The footnotes met since the last call, as Markdown definitions to follow the text
    /// that marks them; their numbers go on.
    fn take_notes(&mut self, from: usize) -> Option<String> {
        let notes: Vec<String> =
            self.notes.iter().enumerate().skip(from).map(|(i, n)| format!("[^{}]: {n}", i + 1)).collect();
        (!notes.is_empty()).then(|| notes.join("\n"))
    }
}

impl Markdown<'_> {
    fn blocks<B: std::ops::Deref<Target = Block>>(&mut self, blocks: &[B]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut last_alt: Option<String> = None;
        for block in blocks {
            let text = match &**block {
                Block::Para { kind: ParaKind::Caption, inlines }
                    if last_alt.as_deref() == Some(&plain(inlines)) =>
                {
                    continue
                }
                Block::Para { kind, inlines } => {
                    last_alt = inlines.iter().rev().find_map(|i| match i {
                        Inline::Image { alt, .. } => Some(alt.clone()),
                        _ => None,
                    });
                    let line = self.inlines(inlines);
                    match kind {
                        ParaKind::Heading(n) => {
                            format!("{} {line}", "#".repeat(usize::from((*n + 1).min(6))))
                        }
                        ParaKind::Title => format!("## {line}"),
                        ParaKind::Item { ordered, level } => {
                            let indent = "   ".repeat(*level);
                            let bullet = if *ordered { "1." } else { "-" };
                            // consecutive items are one list: no blank line between them
                            if matches!(out.last(), Some(prev) if prev.trim_start().starts_with(bullet)) {
                                let prev = out.pop().unwrap_or_default();
                                format!("{prev}\n{indent}{bullet} {line}")
                            } else {
                                format!("{indent}{bullet} {line}")
                            }
                        }
                        ParaKind::Caption | ParaKind::Body => line,
                    }
                }
                Block::Table(rows) => self.table(rows),
            };
            out.push(text);
        }
        out
    }

    fn table(&mut self, rows: &[Vec<Vec<Inline>>]) -> String {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut lines = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = (0..width)
                .map(|c| {
                    row.get(c)
                        .map(|cell| self.inlines(cell).replace('\n', " ").replace('|', "\\|"))
                        .unwrap_or_default()
                })
                .collect();
            lines.push(format!("| {} |", cells.join(" | ")));
            if i == 0 {
                lines.push(format!("|{}", " --- |".repeat(width)));
            }
        }
        lines.join("\n")
    }

    fn inlines(&mut self, inlines: &[Inline]) -> String {
        let mut out = String::new();
        for i in inlines {
            match i {
                Inline::Text { text, bold } => {
                    let md = to_markdown(text);
                    let inner = md.trim();
                    if *bold && !inner.is_empty() {
                        let (lead, trail) =
                            (&md[..md.len() - md.trim_start().len()], &md[md.trim_end().len()..]);
                        out.push_str(&format!("{lead}**{inner}**{trail}"));
                    } else {
                        out.push_str(&md);
                    }
                }
                Inline::Break => out.push_str("  \n"),
                Inline::LinkStart => out.push('['),
                // the address as Markdown reads it: brackets around it, so spaces and `)` stay in it
                Inline::LinkEnd { url } => {
                    out.push_str(&format!("](<{}>)", url.replace(['<', '>', '\n'], "")))
                }
                Inline::Note { text } => {
                    self.notes.push(to_markdown(text).trim().replace('\n', " "));
                    out.push_str(&format!("[^{}]", self.notes.len()));
                }
                Inline::Image { target, alt } => {
                    let Some(bytes) = self.doc.media.get(target) else { continue };
                    let ext = Path::new(target)
                        .extension()
                        .map(|e| e.to_string_lossy().to_ascii_lowercase())
                        .unwrap_or_else(|| "png".into());
                    let name = format!("images/{}/{}.{ext}", self.stem, self.images.len() + 1);
                    self.images.push((name.clone(), bytes.clone()));
                    let alt = alt.replace(['[', ']'], "");
                    out.push_str(&format!("![{alt}]({}{name})", self.up));
                }
            }
        }
        out.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str, bold: bool) -> Inline {
        Inline::Text { text: t.to_string(), bold }
    }

    #[test]
    fn a_marker_split_over_runs_is_cut_and_the_rest_kept_as_written() {
        let para = Block::Para {
            kind: ParaKind::Body,
            inlines: vec![
                text(" 【举", true),
                text("措】 ", true),
                text("一是", false),
                text("建台账", true),
            ],
        };
        assert_eq!(marker_len(" 【举措】 一是建台账", Marker::Measures), Some(" 【举措】 ".len()));
        let Some(Block::Para { inlines, .. }) = without_marker(&para, Marker::Measures) else { panic!() };
        assert_eq!(inlines, vec![text("一是", false), text("建台账", true)]);
        let picture = Inline::Image { target: "word/media/image1.png".into(), alt: "照片".into() };
        let para = Block::Para {
            kind: ParaKind::Body,
            inlines: vec![text("點評：", false), Inline::Break, picture.clone()],
        };
        let Some(Block::Para { inlines, .. }) = without_marker(&para, Marker::Commentary) else { panic!() };
        assert_eq!(inlines, vec![picture], "the break after a label with no text goes with it");
        // the old spellings the bulletin importer reads are markers here too
        assert_eq!(
            marker_at("發佈者：某縣委組織部 王強", Marker::Publisher).as_deref(),
            Some("某縣委組織部 王強")
        );
        assert_eq!(marker_at("【擧措】做法", Marker::Measures).as_deref(), Some("做法"));
        let bare = Block::Para { kind: ParaKind::Body, inlines: vec![text("举措： ", false)] };
        assert!(without_marker(&bare, Marker::Measures).is_none());
    }
}
