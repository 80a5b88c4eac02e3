//! Reads a Word document (.docx) into blocks: the title, headings, paragraphs with bold runs,
//! list items, tables and pictures with their alt text.
//!
//! Why not a docx crate: `docx-rs` is a writer first, its reader pulls in the `image` crate
//! and keeps no alt text of pictures; the part of WordprocessingML a write-up uses (`w:p`,
//! `w:r`, `w:tbl`, `w:drawing`, styles and numbering) is small. So the archive is opened with
//! `zip` (a dependency already, and the version calamine uses) and its XML read with
//! `quick-xml` (the version calamine compiles): no second parser in the build.

use anyhow::{bail, Context, Result};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::Read;

/// Never inflate more than this from one entry: a zip bomb must not take the import down.
const MAX_ENTRY: u64 = 64 << 20;

/// A run of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        text: String,
        bold: bool,
    },
    Break,
    /// A picture: its file inside the archive (`word/media/image1.png`) and alt text.
    Image {
        target: String,
        alt: String,
    },
    /// Where a link's text begins, and where it ends with the address it goes to.
    LinkStart,
    LinkEnd {
        url: String,
    },
    /// A footnote's mark, with the note's text.
    Note {
        text: String,
    },
}

/// What kind of paragraph a `w:p` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParaKind {
    Title,
    Heading(u8),
    Item { ordered: bool, level: usize },
    Caption,
    Body,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para {
        kind: ParaKind,
        inlines: Vec<Inline>,
    },
    /// Rows of cells, each cell its runs; the first row is the header.
    Table(Vec<Vec<Vec<Inline>>>),
}

/// A document: its blocks and the pictures it holds, by their path in the archive.
#[derive(Debug, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub media: HashMap<String, Vec<u8>>,
}

/// The plain text of runs.
pub fn plain(inlines: &[Inline]) -> String {
    written(inlines).trim().to_string()
}

/// The text of runs as written, spaces at the ends included: byte for byte what the text
/// runs and breaks hold.
pub fn written(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { text, .. } => out.push_str(text),
            Inline::Break => out.push('\n'),
            Inline::Image { .. } | Inline::LinkStart | Inline::LinkEnd { .. } | Inline::Note { .. } => {}
        }
    }
    out
}

pub fn read(bytes: &[u8]) -> Result<Document> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).with_context(|| {
        t!(
            "this is not a Word document (.docx): it is not a zip archive",
            "这不是 Word 文档（.docx）：它不是 zip 格式的文件"
        )
    })?;
    let mut entry = |name: &str| -> Option<Vec<u8>> {
        let file = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        file.take(MAX_ENTRY).read_to_end(&mut out).ok()?;
        Some(out)
    };
    let Some(document) = entry("word/document.xml") else {
        bail!(t!(
            "this is not a Word document (.docx): it has no word/document.xml; a .doc must be saved as .docx first",
            "这不是 Word 文档（.docx）：里面没有 word/document.xml；.doc 文件要先另存为 .docx"
        ))
    };
    let styles = entry("word/styles.xml").map(|x| styles(&x)).unwrap_or_default();
    let numbering = entry("word/numbering.xml").map(|x| numbering(&x)).unwrap_or_default();
    let rels_xml = entry("word/_rels/document.xml.rels").unwrap_or_default();
    let (rels, links) = (rels(&rels_xml), external_rels(&rels_xml));
    let notes = entry("word/footnotes.xml").map(|x| footnotes(&x)).unwrap_or_default();
    let blocks = Parser::new(&styles, &numbering, (&rels, &links), &notes)
        .run(&document)
        .with_context(|| t!("reading word/document.xml", "读取 word/document.xml 时出错"))?;
    let mut media = HashMap::new();
    for block in &blocks {
        let inlines: Vec<&Inline> = match block {
            Block::Para { inlines, .. } => inlines.iter().collect(),
            Block::Table(rows) => rows.iter().flatten().flatten().collect(),
        };
        for i in inlines {
            if let Inline::Image { target, .. } = i {
                if let Some(bytes) = entry(target) {
                    media.insert(target.clone(), bytes);
                }
            }
        }
    }
    Ok(Document { blocks, media })
}

/// The value of the attribute whose local name is `name` (`w:val` → `val`).
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

/// Every start tag of an XML part, with a callback: styles, numbering and relations need
/// nothing more.
fn each_start(xml: &[u8], mut f: impl FnMut(&str, &BytesStart)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => f(&local(&e), &e),
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

/// Paragraph style ids by what they mean: Word in Chinese names its heading styles `1`, `2`…
/// (ids) with the names `heading 1`…, so the name decides.
fn styles(xml: &[u8]) -> HashMap<String, ParaKind> {
    let mut out = HashMap::new();
    let mut id = None;
    each_start(xml, |name, e| match name {
        "style" => id = attr(e, "styleId"),
        "name" => {
            if let (Some(id), Some(kind)) = (id.as_ref(), attr(e, "val").and_then(|n| style_kind(&n))) {
                out.insert(id.clone(), kind);
            }
        }
        "outlineLvl" => {
            if let (Some(id), Some(level)) = (id.as_ref(), attr(e, "val").and_then(|v| v.parse::<u8>().ok()))
            {
                out.entry(id.clone()).or_insert(ParaKind::Heading(level.saturating_add(1).min(6)));
            }
        }
        _ => {}
    });
    out
}

fn style_kind(name: &str) -> Option<ParaKind> {
    let lower = name.to_lowercase();
    if lower == "title" || name == "标题" {
        return Some(ParaKind::Title);
    }
    if lower == "caption" || lower == "image caption" || name == "题注" {
        return Some(ParaKind::Caption);
    }
    let n = lower.strip_prefix("heading").or_else(|| name.strip_prefix("标题"))?.trim();
    n.parse::<u8>().ok().filter(|n| (1..=9).contains(n)).map(|n| ParaKind::Heading(n.min(6)))
}

/// Whether list `numId` at level `ilvl` is numbered (not bullets).
fn numbering(xml: &[u8]) -> HashMap<(String, String), bool> {
    let mut abstracts: HashMap<(String, String), bool> = HashMap::new();
    let mut nums: Vec<(String, String)> = Vec::new();
    let (mut abs, mut lvl, mut num) = (None, None, None);
    each_start(xml, |name, e| match name {
        "abstractNum" => abs = attr(e, "abstractNumId"),
        "lvl" => lvl = attr(e, "ilvl"),
        "numFmt" => {
            if let (Some(a), Some(l)) = (&abs, &lvl) {
                let ordered = attr(e, "val").is_some_and(|v| v != "bullet" && v != "none");
                abstracts.insert((a.clone(), l.clone()), ordered);
            }
        }
        "num" => num = attr(e, "numId"),
        "abstractNumId" => {
            if let (Some(n), Some(a)) = (&num, attr(e, "val")) {
                nums.push((n.clone(), a));
            }
        }
        _ => {}
    });
    let mut out = HashMap::new();
    for (num, abs) in nums {
        for ((a, level), ordered) in &abstracts {
            if *a == abs {
                out.insert((num.clone(), level.clone()), *ordered);
            }
        }
    }
    out
}

/// Relation ids to their targets inside the archive (`rId5` → `word/media/image1.png`).
fn rels(xml: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    each_start(xml, |name, e| {
        if name == "Relationship" && attr(e, "TargetMode").as_deref() != Some("External") {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let target = target.trim_start_matches('/');
                let path =
                    if target.starts_with("word/") { target.to_string() } else { format!("word/{target}") };
                out.insert(id, path);
            }
        }
    });
    out
}

/// Relation ids to the addresses of links out of the document (`rId9` → `https://…`).
fn external_rels(xml: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    each_start(xml, |name, e| {
        if name == "Relationship" && attr(e, "TargetMode").as_deref() == Some("External") {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                out.insert(id, target);
            }
        }
    });
    out
}

/// Each footnote's text by its id (word/footnotes.xml), its paragraphs one line each; the
/// separators Word keeps there (with a `w:type`) are no notes.
fn footnotes(xml: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let (mut id, mut text, mut in_text) = (None::<String>, String::new(), false);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match local(&e).as_str() {
                "footnote" => {
                    id = attr(&e, "id").filter(|_| attr(&e, "type").is_none());
                    text.clear();
                }
                "t" => in_text = true,
                "p" if !text.is_empty() => text.push(' '),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if in_text => {
                let entity = format!("&{};", AsRef::<str>::as_ref(&r));
                text.push_str(
                    &quick_xml::escape::unescape(&entity).map(|t| t.into_owned()).unwrap_or_default(),
                );
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "footnote" => {
                    if let Some(id) = id.take() {
                        out.insert(id, text.trim().to_string());
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// The state of a walk through word/document.xml.
struct Parser<'a> {
    styles: &'a HashMap<String, ParaKind>,
    numbering: &'a HashMap<(String, String), bool>,
    rels: &'a HashMap<String, String>,
    /// Links out of the document, and footnotes, by relation and note id.
    links: &'a HashMap<String, String>,
    notes: &'a HashMap<String, String>,
    /// The address of each open link (`w:hyperlink`), or `None` for one that goes nowhere
    /// outside (an anchor in the document): its text stays, as plain text.
    open_links: Vec<Option<String>>,
    blocks: Vec<Block>,
    kind: Option<ParaKind>,
    num: (Option<String>, Option<String>),
    inlines: Vec<Inline>,
    bold: bool,
    in_text: bool,
    alt: String,
    /// Open tables (a table in a cell is read into that cell's text).
    tables: Vec<Vec<Vec<Vec<Inline>>>>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(
        styles: &'a HashMap<String, ParaKind>,
        numbering: &'a HashMap<(String, String), bool>,
        (rels, links): (&'a HashMap<String, String>, &'a HashMap<String, String>),
        notes: &'a HashMap<String, String>,
    ) -> Self {
        Parser {
            styles,
            numbering,
            rels,
            links,
            notes,
            open_links: Vec::new(),
            blocks: Vec::new(),
            kind: None,
            num: (None, None),
            inlines: Vec::new(),
            bold: false,
            in_text: false,
            alt: String::new(),
            tables: Vec::new(),
            depth: 0,
        }
    }

    fn run(mut self, xml: &[u8]) -> Result<Vec<Block>> {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Start(e) => self.start(&local(&e), &e, false),
                Event::Empty(e) => self.start(&local(&e), &e, true),
                Event::End(e) => self.end(e.local_name().as_ref()),
                Event::Text(t) if self.in_text => self.text(&t.xml10_content()),
                Event::GeneralRef(r) if self.in_text => {
                    let entity = format!("&{};", AsRef::<str>::as_ref(&r));
                    let text =
                        quick_xml::escape::unescape(&entity).map(|t| t.into_owned()).unwrap_or_default();
                    self.text(&text);
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(self.blocks)
    }

    fn start(&mut self, name: &str, e: &BytesStart, empty: bool) {
        match name {
            "p" => {
                (self.kind, self.num) = (None, (None, None));
                self.inlines.clear();
            }
            "pStyle" => self.kind = attr(e, "val").and_then(|v| self.styles.get(&v).copied()).or(self.kind),
            "outlineLvl" => {
                if let Some(level) = attr(e, "val").and_then(|v| v.parse::<u8>().ok()).filter(|l| *l < 9) {
                    self.kind = Some(ParaKind::Heading(level.saturating_add(1).min(6)));
                }
            }
            "ilvl" => self.num.0 = attr(e, "val"),
            "numId" => self.num.1 = attr(e, "val").filter(|v| v != "0"),
            "r" => self.bold = false,
            "b" => self.bold = attr(e, "val").is_none_or(|v| v != "0" && v != "false"),
            "t" if !empty => self.in_text = true,
            "tab" => self.text(" "),
            "br" | "cr" => self.inlines.push(Inline::Break),
            "hyperlink" if !empty => {
                let url = attr(e, "id").and_then(|id| self.links.get(&id).cloned());
                if url.is_some() {
                    self.inlines.push(Inline::LinkStart);
                }
                self.open_links.push(url);
            }
            // the note's text at its mark: a footnote dropped is text lost (found by a hostile review)
            "footnoteReference" => {
                if let Some(text) = attr(e, "id").and_then(|id| self.notes.get(&id)).filter(|t| !t.is_empty())
                {
                    self.inlines.push(Inline::Note { text: text.clone() });
                }
            }
            "docPr" => {
                self.alt = attr(e, "descr")
                    .filter(|d| !d.is_empty())
                    .or_else(|| attr(e, "title"))
                    .unwrap_or_default()
            }
            "blip" => {
                if let Some(target) = attr(e, "embed").and_then(|id| self.rels.get(&id).cloned()) {
                    self.inlines.push(Inline::Image { target, alt: std::mem::take(&mut self.alt) });
                }
            }
            "tbl" => {
                self.depth += 1;
                if self.depth == 1 {
                    self.tables.push(Vec::new());
                }
            }
            "tr" if self.depth == 1 => self.tables.last_mut().into_iter().for_each(|t| t.push(Vec::new())),
            "tc" if self.depth == 1 => self.cell_push(Vec::new()),
            "gridSpan" if self.depth == 1 => {
                let span = attr(e, "val").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).min(64);
                for _ in 1..span {
                    self.cell_push(Vec::new());
                }
            }
            _ => {}
        }
    }

    fn cell_push(&mut self, cell: Vec<Inline>) {
        if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
            row.push(cell);
        }
    }

    fn text(&mut self, text: &str) {
        match self.inlines.last_mut() {
            Some(Inline::Text { text: t, bold }) if *bold == self.bold => t.push_str(text),
            _ => self.inlines.push(Inline::Text { text: text.to_string(), bold: self.bold }),
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "hyperlink" => {
                if let Some(Some(url)) = self.open_links.pop() {
                    self.inlines.push(Inline::LinkEnd { url });
                }
            }
            "p" => self.end_paragraph(),
            "tbl" => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    if let Some(table) = self.tables.pop() {
                        self.blocks.push(Block::Table(table));
                    }
                }
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let inlines = std::mem::take(&mut self.inlines);
        if self.depth > 0 {
            // a cell's paragraphs are one cell, with a break between them
            if let Some(cell) = self.tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                if !cell.is_empty() && !inlines.is_empty() {
                    cell.push(Inline::Break);
                }
                cell.extend(inlines);
            }
            return;
        }
        let kind = match (&self.num, self.kind) {
            ((level, Some(id)), kind) if !matches!(kind, Some(ParaKind::Heading(_) | ParaKind::Title)) => {
                let level = level.clone().unwrap_or_else(|| "0".into());
                let ordered = self.numbering.get(&(id.clone(), level.clone())).copied().unwrap_or(false);
                ParaKind::Item { ordered, level: level.parse().unwrap_or(0) }
            }
            (_, kind) => kind.unwrap_or(ParaKind::Body),
        };
        let has_content = inlines.iter().any(|i| match i {
            Inline::Text { text, .. } => !text.trim().is_empty(),
            Inline::Break | Inline::LinkStart | Inline::LinkEnd { .. } => false,
            Inline::Image { .. } | Inline::Note { .. } => true,
        });
        if has_content {
            self.blocks.push(Block::Para { kind, inlines });
        }
    }
}
