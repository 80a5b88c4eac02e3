//! Reads plain-text exchange bulletins: decodes the bytes (UTF-8, UTF-8 with a BOM or GB18030),
//! cuts the text into entries at the markers `[发布者]` `[亮点]` `[举措]` `点评:` (either script,
//! either bracket width) and splits the publisher line into the organisation and its people.
//! An entry's date is its own `[日期]` line (`[日期]2017年3月1日`, after `[发布者]`), or else the
//! first date in the masthead above the first entry (a bulletin's issue date).
//! It knows nothing about case files; `super` turns the entries into Markdown.

use crate::Diagnostic;
use std::path::Path;

/// The four parts of an entry, in the order a bulletin writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Publisher,
    Title,
    Measures,
    Commentary,
    /// `[日期]`: when the entry was published; optional.
    Date,
}

impl Marker {
    pub const ALL: [Marker; 5] =
        [Marker::Publisher, Marker::Title, Marker::Measures, Marker::Commentary, Marker::Date];

    /// The marker's word in the given script.
    pub fn word(self, script: Script) -> &'static str {
        match (self, script) {
            (Marker::Publisher, Script::Hans) => "发布者",
            (Marker::Publisher, Script::Hant) => "發布者",
            (Marker::Title, Script::Hans) => "亮点",
            (Marker::Title, Script::Hant) => "亮點",
            (Marker::Measures, Script::Hans) => "举措",
            (Marker::Measures, Script::Hant) => "舉措",
            (Marker::Commentary, Script::Hans) => "点评",
            (Marker::Commentary, Script::Hant) => "點評",
            (Marker::Date, _) => "日期",
        }
    }

    /// Every spelling of the marker's word in the given script, [`Marker::word`]'s first:
    /// old bulletins also write 佈 for 布 and 擧 for 舉.
    pub fn spellings(self, script: Script) -> &'static [&'static str] {
        match (self, script) {
            (Marker::Publisher, Script::Hant) => &["發布者", "發佈者", "发佈者"],
            (Marker::Measures, Script::Hant) => &["舉措", "擧措"],
            (Marker::Commentary, Script::Hant) => &["點評", "点評"],
            (Marker::Publisher, Script::Hans) => &["发布者"],
            (Marker::Title, Script::Hans) => &["亮点"],
            (Marker::Title, Script::Hant) => &["亮點"],
            (Marker::Measures, Script::Hans) => &["举措"],
            (Marker::Commentary, Script::Hans) => &["点评"],
            (Marker::Date, _) => &["日期"],
        }
    }

    /// What the part holds, for messages.
    fn meaning(self) -> String {
        match self {
            Marker::Publisher => t!("the publishing organisation and its people", "发布单位及人员"),
            Marker::Title => t!("the title", "标题"),
            Marker::Measures => t!("the measures", "举措"),
            Marker::Commentary => t!("the commentary", "点评"),
            Marker::Date => t!("the date", "日期"),
        }
    }
}

/// Chinese script of an entry: decides its `lang` and the markers an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Hans,
    Hant,
}

impl Script {
    /// The script of `text`, or `None` when it uses no character specific to either (too
    /// short, or only shared characters): the entry then leaves `lang` out and takes the
    /// site's language, rather than being called simplified on no evidence.
    pub fn detect(text: &str) -> Option<Script> {
        crate::text::Lang::detect(text).map(|lang| match lang {
            crate::text::Lang::Hans => Script::Hans,
            crate::text::Lang::Hant => Script::Hant,
        })
    }

    /// The BCP 47 tag written as a case's `lang`.
    pub fn lang(self) -> &'static str {
        match self {
            Script::Hans => "zh-Hans",
            Script::Hant => "zh-Hant",
        }
    }

    pub fn from_lang(lang: &str) -> Option<Script> {
        match lang {
            "zh-Hans" | "zh-CN" | "zh-SG" => Some(Script::Hans),
            "zh-Hant" | "zh-TW" | "zh-HK" | "zh-MO" => Some(Script::Hant),
            _ => None,
        }
    }
}

/// One complete entry of a bulletin, every part trimmed and otherwise exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based position among the file's entries, counting entries that could not be imported,
    /// so that fixing one entry does not renumber the ones after it.
    pub number: usize,
    /// 1-based line of the entry's first marker.
    pub line: usize,
    pub publisher: String,
    pub authors: Vec<String>,
    pub title: String,
    pub measures: String,
    pub commentary: Option<String>,
    /// The entry's `[日期]`, or else the masthead's date.
    pub date: Option<chrono::NaiveDate>,
    /// The entry's script, told by its text and its markers as written; `None` when neither
    /// tells.
    pub script: Option<Script>,
}

/// The entries of one bulletin and the problems of those that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes a bulletin by the one rule every file follows ([`crate::text::decode`]): a BOM
/// decides, else UTF-8, else GB18030. Bytes that do not decode are a diagnostic, never
/// replacement characters.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    crate::text::decode(bytes, crate::text::Accept::Legacy)
        .map(|d| d.text)
        .map_err(|e| Diagnostic::undecodable(path, &e))
}

/// One marker as found at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found<'a> {
    marker: Marker,
    script: Script,
    /// The marker exactly as written (`[亮點]`, `点评：`), for messages.
    written: &'a str,
    /// The text after the marker on the same line.
    rest: &'a str,
}

/// Whether `line` would be read as a marker (`[举措]…`, `点评：…`) by the import.
pub fn is_marker_line(line: &str) -> bool {
    find_marker(line).is_some()
}

/// Recognises a marker at the start of `line`: `[词]` or `【词】` for every marker, and
/// `点评:` / `点评：` for the commentary, which bulletins often write without brackets.
fn find_marker(line: &str) -> Option<Found<'_>> {
    let start = line.trim_start();
    bracketed(start).or_else(|| colon_commentary(start))
}

fn bracketed(start: &str) -> Option<Found<'_>> {
    let inner = start.strip_prefix(['[', '【', '［'])?.trim_start();
    let (marker, script, after_word) = leading_word(inner, &Marker::ALL)?;
    let after_word = after_word.trim_start();
    let rest = after_word.strip_prefix([']', '】', '］'])?;
    Some(Found { marker, script, written: &start[..start.len() - rest.len()], rest })
}

fn colon_commentary(start: &str) -> Option<Found<'_>> {
    let (marker, script, after_word) = leading_word(start, &[Marker::Commentary])?;
    let rest = after_word.trim_start().strip_prefix([':', '：'])?;
    Some(Found { marker, script, written: &start[..start.len() - rest.len()], rest })
}

fn leading_word<'a>(text: &'a str, markers: &[Marker]) -> Option<(Marker, Script, &'a str)> {
    markers.iter().find_map(|&marker| {
        [Script::Hans, Script::Hant].into_iter().find_map(|script| {
            let rest = marker.spellings(script).iter().find_map(|word| text.strip_prefix(word))?;
            Some((marker, script, rest))
        })
    })
}

/// A marker and the text that follows it up to the next marker.
#[derive(Debug)]
struct Section<'a> {
    found: Found<'a>,
    line: usize,
    text: String,
}

/// The sections of one entry before they are checked.
#[derive(Debug, Default)]
struct RawEntry<'a> {
    sections: Vec<Section<'a>>,
}

impl<'a> RawEntry<'a> {
    fn has(&self, marker: Marker) -> bool {
        self.sections.iter().any(|s| s.found.marker == marker)
    }

    /// A marker begins a new entry when this entry already has that part (the previous entry
    /// lacked a publisher line), or when it is a publisher line.
    fn is_ended_by(&self, marker: Marker) -> bool {
        !self.sections.is_empty() && (marker == Marker::Publisher || self.has(marker))
    }
}

/// Cuts a decoded bulletin into entries. Text before the first marker (a masthead, an issue
/// number) belongs to no entry and is ignored. An entry with a problem is reported and left
/// out; the others are returned.
pub fn parse(path: &Path, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let raw = group_sections(path, text, &mut parsed.diagnostics);
    if raw.is_empty() {
        parsed.diagnostics.push(no_markers(path, text));
        return parsed;
    }
    let issued = masthead_date(text);
    for (index, entry) in raw.into_iter().enumerate() {
        match check_entry(path, index + 1, entry) {
            Ok(mut entry) => {
                entry.date = entry.date.or(issued);
                parsed.entries.push(entry)
            }
            Err(diagnostics) => parsed.diagnostics.extend(diagnostics),
        }
    }
    parsed
}

fn group_sections<'a>(path: &Path, text: &'a str, diagnostics: &mut Vec<Diagnostic>) -> Vec<RawEntry<'a>> {
    let mut entries: Vec<RawEntry<'_>> = Vec::new();
    let mut current = RawEntry::default();
    let mut unknown = 0;
    for (index, line) in text.lines().enumerate() {
        if let Some(found) = find_marker(line) {
            if current.is_ended_by(found.marker) {
                entries.push(std::mem::take(&mut current));
            }
            current.sections.push(Section { found, line: index + 1, text: found.rest.to_string() });
        } else if let Some(section) = current.sections.last_mut() {
            if let Some(label) = unknown_label(line) {
                unknown += 1;
                if unknown <= MAX_UNKNOWN_SAID {
                    diagnostics.push(unknown_marker(path, index + 1, label, section));
                }
            }
            section.text.push('\n');
            section.text.push_str(line);
        }
    }
    if !current.sections.is_empty() {
        entries.push(current);
    }
    if unknown > MAX_UNKNOWN_SAID {
        let more = unknown - MAX_UNKNOWN_SAID;
        diagnostics.push(Diagnostic::new(
            path,
            0,
            t!(
                "and {more} more lines that begin with a bracketed label that is no marker",
                "另有 {more} 行也以不是标记的括号标签开头"
            ),
        ));
    }
    entries
}

/// How many lines with an unknown bracketed label are each said: a file of thousands is one
/// mistake made throughout, and saying each took a minute (found by a hostile review).
const MAX_UNKNOWN_SAID: usize = 20;

/// A line that begins with a short bracketed label gongkai does not know (`【發行者】…`): most
/// likely a marker misspelt, whose text would otherwise be read, unseen, as the end of the
/// part above it.
fn unknown_label(line: &str) -> Option<&str> {
    let start = line.trim_start();
    let open = start.chars().next().filter(|c| matches!(c, '[' | '【' | '［'))?;
    let inner = &start[open.len_utf8()..];
    let end = inner.find([']', '】', '］'])?;
    let close = inner[end..].chars().next()?;
    let label = inner[..end].trim();
    let is_word = label.chars().all(|c| c.is_alphabetic() && !c.is_ascii());
    ((2..=5).contains(&label.chars().count()) && is_word)
        .then(|| &start[..open.len_utf8() + end + close.len_utf8()])
}

fn unknown_marker(path: &Path, line: usize, label: &str, section: &Section<'_>) -> Diagnostic {
    let part = section.found.written;
    Diagnostic::new(
        path,
        line,
        t!(
            "`{label}` is not a bulletin marker; the line was read as more text of the `{part}` above it",
            "`{label}` 不是通报标记；这一行被当作上面 `{part}` 的内容"
        ),
    )
    .with_hint(t!(
        "the markers are [发布者] [亮点] [举措] [日期] and 点评： (traditional 發布者/亮點/舉措/點評 too); \
             if the line is a new part, write its marker as one of these, and import again",
        "标记只有 [发布者] [亮点] [举措] [日期] 和 点评：（繁体 發布者/亮點/舉措/點評 也可以）；\
             如果这一行是新的部分，请改用其中一个标记后重新导入"
    ))
}

/// The first date written in the text above the first entry (a masthead such as
/// `第5期　中共某县委组织部　2017年3月1日`), if any.
fn masthead_date(text: &str) -> Option<chrono::NaiveDate> {
    text.lines().take_while(|l| find_marker(l).is_none()).find_map(find_date)
}

/// The first `2017年3月1日` or `2017-03-01` in `line`.
pub fn find_date(line: &str) -> Option<chrono::NaiveDate> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (i, &(start, c)) in chars.iter().enumerate() {
        let before_is_digit = i > 0 && chars[i - 1].1.is_ascii_digit();
        if !c.is_ascii_digit() || before_is_digit {
            continue;
        }
        // the longest run of digits and date separators from here, cut back to a date
        let end = chars[i..]
            .iter()
            .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '年' | '月' | '日' | '-'))
            .last()
            .map(|&(at, c)| at + c.len_utf8())
            .unwrap_or(start);
        let run = &line[start..end];
        let candidates = [run.find('日').map(|d| &run[..d + '日'.len_utf8()]), run.get(..10)];
        if let Some(date) = candidates.into_iter().flatten().find_map(|c| crate::text::parse_date(c).ok()) {
            return Some(date);
        }
    }
    None
}

fn no_markers(path: &Path, text: &str) -> Diagnostic {
    let line = text.lines().position(|l| !l.trim().is_empty()).map_or(1, |i| i + 1);
    Diagnostic::new(
        path,
        line,
        t!(
            "no bulletin entries found: the file has no [发布者] [亮点] [举措] markers",
            "没有找到通报条目：文件中没有 [发布者] [亮点] [举措] 标记"
        ),
    )
    .with_hint(t!(
        "start each entry with a line `[发布者]organisation names`, then `[亮点]title`, \
             `[举措]measures` and `点评：commentary` (traditional 發布者/亮點/舉措/點評 and 【】 work too)",
        "每个条目先写一行 `[发布者]单位及人员`，再写 `[亮点]标题`、`[举措]具体做法` 和 `点评：点评内容`\
             （繁体的 發布者/亮點/舉措/點評 和【】括号也可以）"
    ))
}

/// Checks that an entry has every part it needs, each with text, and builds it.
fn check_entry(path: &Path, number: usize, raw: RawEntry<'_>) -> Result<Entry, Vec<Diagnostic>> {
    let first = &raw.sections[0];
    let (line, marker_script) = (first.line, first.found.script);
    let mut diagnostics = Vec::new();
    for section in &raw.sections {
        if section.text.trim().is_empty() {
            diagnostics.push(empty_marker(path, section));
        }
        // what a build refuses in a content file is refused here, at its line in the bulletin,
        // rather than written into a case file (found by a hostile review)
        if let Err(mut d) = crate::load::no_control_characters(path, &section.text) {
            // on the marker's own line the column would not count the marker: none is said
            if d.line == 1 {
                d.column = 0;
            }
            d.line += section.line - 1;
            d.hint = Some(format!(
                "{}{}",
                d.hint.unwrap_or_default(),
                t!("; this entry was not imported", "；这个条目没有导入")
            ));
            diagnostics.push(d);
        }
    }
    for marker in [Marker::Publisher, Marker::Title, Marker::Measures] {
        if !raw.has(marker) {
            diagnostics.push(missing_marker(path, line, number, marker, marker_script));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let part = |marker: Marker| {
        raw.sections.iter().find(|s| s.found.marker == marker).map(|s| s.text.trim().to_string())
    };
    let publisher_line = part(Marker::Publisher).unwrap_or_default();
    let (publisher, authors) = split_publisher(&publisher_line);
    let title = part(Marker::Title).unwrap_or_default();
    let measures = part(Marker::Measures).unwrap_or_default();
    let commentary = part(Marker::Commentary);
    let date = match raw.sections.iter().find(|s| s.found.marker == Marker::Date) {
        Some(section) => match crate::text::parse_date(section.text.trim()) {
            Ok(date) => Some(date),
            Err(_) => {
                let written = section.text.trim();
                return Err(vec![Diagnostic::new(
                    path,
                    section.line,
                    t!("`{written}` is not a date", "`{written}` 不是日期"),
                )
                .with_hint(t!(
                    "write the date as 2017年3月1日 or 2017-03-01; this entry was not imported",
                    "日期请写成 2017年3月1日 或 2017-03-01；这一条没有导入"
                ))]);
            }
        },
        None => None,
    };
    // the markers as written count too: `[發布者]` says traditional when the text is all
    // characters the two scripts share
    let markers: String = raw.sections.iter().map(|s| s.found.written).collect();
    let all_text =
        [publisher_line.as_str(), &title, &measures, commentary.as_deref().unwrap_or(""), &markers].concat();
    Ok(Entry {
        number,
        line,
        publisher,
        authors,
        title,
        measures,
        commentary,
        date,
        script: Script::detect(&all_text),
    })
}

fn empty_marker(path: &Path, section: &Section<'_>) -> Diagnostic {
    let Found { marker, written, .. } = section.found;
    let meaning = marker.meaning();
    Diagnostic::new(
        path,
        section.line,
        t!("`{written}` has no text: {meaning} is missing", "`{written}` 后面没有内容：缺少{meaning}"),
    )
    .with_hint(t!(
        "write {meaning} right after `{written}` on the same line (or on the lines below it); \
             this entry was not imported",
        "请在 `{written}` 后面（同一行或下面几行）写上{meaning}；这个条目没有导入"
    ))
}

fn missing_marker(path: &Path, line: usize, number: usize, marker: Marker, script: Script) -> Diagnostic {
    let word = marker.word(script);
    let meaning = marker.meaning();
    Diagnostic::new(
        path,
        line,
        t!(
            "entry {number} has no [{word}] line ({meaning})",
            "第 {number} 个条目缺少 [{word}] 行（{meaning}）"
        ),
    )
    .with_hint(match marker {
        Marker::Publisher => t!(
            "add a line `[{word}]organisation names` before the entry's [{}]",
            "请在这个条目的 [{}] 前面加一行 `[{word}]单位及人员`",
            Marker::Title.word(script)
        ),
        _ => t!(
            "add a line `[{word}]…` to this entry, after its [{}] line; this entry was not imported",
            "请在这个条目的 [{}] 行之后加一行 `[{word}]…`；这个条目没有导入",
            Marker::Publisher.word(script)
        ),
    })
}

/// Characters that separate names in a publisher line, besides spaces. A colon may follow the
/// organisation (`某某县委组织部：张三`).
fn is_separator(c: char) -> bool {
    matches!(c, '、' | '，' | ',' | '；' | ';' | '：' | ':')
}

/// Splits a publisher line into the organisation (its first word) and the people after it.
///
/// Bulletins pad two-character names to the width of three-character ones (`张 静`), so two
/// adjacent one-character words are one name. Names may also be separated by `、` `，` `,`;
/// such a separator ends a name even between one-character words.
pub fn split_publisher(line: &str) -> (String, Vec<String>) {
    let line = line.trim();
    let org_end = line.find(|c: char| c.is_whitespace() || is_separator(c)).unwrap_or(line.len());
    let people = line[org_end..]
        .split(is_separator)
        .flat_map(|segment| join_padded_names(segment.split_whitespace()))
        .collect();
    (line[..org_end].to_string(), people)
}

fn join_padded_names<'a>(words: impl Iterator<Item = &'a str>) -> Vec<String> {
    let is_single = |w: &str| w.chars().count() == 1;
    let mut names = Vec::new();
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        match words.peek() {
            Some(&next) if is_single(word) && is_single(next) => {
                names.push(format!("{word}{next}"));
                words.next();
            }
            _ => names.push(word.to_string()),
        }
    }
    names
}

/// Writes a publisher line that `split_publisher` reads back as the same organisation and
/// people: names are separated by spaces, or by `、` when two one-character names are adjacent
/// (spaces would join them into one name).
pub fn join_publisher(publisher: &str, authors: &[String]) -> String {
    let is_single = |w: &String| w.chars().count() == 1;
    let ambiguous = authors.windows(2).any(|pair| is_single(&pair[0]) && is_single(&pair[1]));
    let separator = if ambiguous { "、" } else { " " };
    if authors.is_empty() {
        publisher.to_string()
    } else {
        format!("{publisher} {}", authors.join(separator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> (String, Vec<String>) {
        split_publisher(line)
    }

    fn people(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn padded_two_character_name_is_one_author() {
        let (org, authors) = split("臨汾市委組織部 柏海濤 張 靜 郭小明");
        assert_eq!(org, "臨汾市委組織部");
        assert_eq!(authors, people(&["柏海濤", "張靜", "郭小明"]));
    }

    #[test]
    fn organisation_alone_has_no_authors() {
        assert_eq!(split("定襄縣委組織部"), ("定襄縣委組織部".to_string(), vec![]));
        assert_eq!(split("  定襄縣委組織部　 "), ("定襄縣委組織部".to_string(), vec![]));
    }

    #[test]
    fn full_width_spaces_and_runs_of_spaces_separate_names() {
        let (org, authors) = split("广灵县委组织部　王绍领　　张仁芳");
        assert_eq!(org, "广灵县委组织部");
        assert_eq!(authors, people(&["王绍领", "张仁芳"]));
        let (_, authors) = split("广灵县委组织部\t王绍领  张　仁");
        assert_eq!(authors, people(&["王绍领", "张仁"]));
    }

    #[test]
    fn punctuation_separates_names() {
        for line in [
            "绛县县委组织部 王惠娟、李 明，赵强",
            "绛县县委组织部，王惠娟,李 明、赵强",
            "绛县县委组织部：王惠娟；李明;赵强",
        ] {
            let (org, authors) = split(line);
            assert_eq!(org, "绛县县委组织部", "{line}");
            assert_eq!(authors, people(&["王惠娟", "李明", "赵强"]), "{line}");
        }
    }

    #[test]
    fn separator_keeps_one_character_words_apart() {
        let (_, authors) = split("某部 王、李");
        assert_eq!(authors, people(&["王", "李"]));
    }

    #[test]
    fn three_one_character_words_pair_from_the_left() {
        let (_, authors) = split("某部 张 静 王");
        assert_eq!(authors, people(&["张静", "王"]));
    }

    #[test]
    fn joined_publisher_splits_back() {
        for authors in [people(&[]), people(&["柏海濤", "張靜"]), people(&["王", "李", "赵强"])] {
            let line = join_publisher("某部", &authors);
            assert_eq!(split_publisher(&line), ("某部".to_string(), authors), "{line}");
        }
    }

    #[test]
    fn markers_in_both_scripts_and_bracket_widths() {
        let cases = [
            ("[發布者]某部", Marker::Publisher, Script::Hant, "某部"),
            ("【发布者】某部", Marker::Publisher, Script::Hans, "某部"),
            ("[ 亮点 ] 标题", Marker::Title, Script::Hans, " 标题"),
            ("【亮點]標題", Marker::Title, Script::Hant, "標題"),
            ("  [舉措]一是", Marker::Measures, Script::Hant, "一是"),
            ("點評:好", Marker::Commentary, Script::Hant, "好"),
            ("点评：好", Marker::Commentary, Script::Hans, "好"),
            ("【点评】好", Marker::Commentary, Script::Hans, "好"),
            ("［亮点］标题", Marker::Title, Script::Hans, "标题"),
        ];
        for (line, marker, script, rest) in cases {
            let found = find_marker(line).unwrap_or_else(|| panic!("no marker in {line}"));
            assert_eq!((found.marker, found.script, found.rest), (marker, script, rest), "{line}");
        }
    }

    #[test]
    fn an_entry_holding_a_control_character_is_refused_at_its_line() {
        let text = "[发布者]甲部\n[亮点]一\n[举措]做法\n第二行\u{1b}]0;PWN\u{7}\n[发布者]乙部\n[亮点]二\n[举措]做法\n";
        let parsed = parse(Path::new("a.txt"), text);
        assert_eq!(parsed.entries.len(), 1, "{:?}", parsed.diagnostics);
        assert_eq!(parsed.entries[0].publisher, "乙部");
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        assert_eq!((parsed.diagnostics[0].line, parsed.diagnostics[0].column), (4, 4));
        assert!(parsed.diagnostics[0].message.contains("U+001B"), "{:?}", parsed.diagnostics);
    }

    #[test]
    fn a_thousand_unknown_labels_are_said_twenty_times_and_counted() {
        let text = format!("[发布者]甲部\n[亮点]一\n[举措]做法\n{}", "【标签】x\n".repeat(1000));
        let parsed = parse(Path::new("a.txt"), &text);
        assert_eq!(parsed.diagnostics.len(), MAX_UNKNOWN_SAID + 1);
        assert!(
            parsed.diagnostics.last().unwrap().message.contains("980"),
            "{:?}",
            parsed.diagnostics.last()
        );
    }

    #[test]
    fn old_spellings_are_markers() {
        for (line, marker) in [
            ("【發佈者】某部", Marker::Publisher),
            ("[擧措]一是", Marker::Measures),
            ("点評：好", Marker::Commentary),
        ] {
            let found = find_marker(line).unwrap_or_else(|| panic!("no marker in {line}"));
            assert_eq!((found.marker, found.script), (marker, Script::Hant), "{line}");
        }
    }

    #[test]
    fn short_bracketed_labels_that_are_no_marker_are_told_apart() {
        assert_eq!(unknown_label("【發行者】某部"), Some("【發行者】"));
        assert_eq!(unknown_label("  [编者按]文字"), Some("[编者按]"));
        assert_eq!(unknown_label("［编者按］文字"), Some("［编者按］"));
        for line in ["(組通字[2014]1號)", "[2014]1号", "【一】", "[a b]", "【一二三四五六】", "正文【注】"]
        {
            assert_eq!(unknown_label(line), None, "{line}");
        }
    }

    #[test]
    fn text_that_only_mentions_a_marker_is_not_one() {
        for line in ["亮点：不是标记", "一是[举措]在中间", "点评文章", "(組通字[2014]1號)", "[发布]某部"]
        {
            assert_eq!(find_marker(line), None, "{line}");
        }
    }

    #[test]
    fn commentary_without_brackets_keeps_its_written_form() {
        let found = find_marker("点评： 很好").unwrap();
        assert_eq!(found.written, "点评：");
        assert_eq!(found.rest, " 很好");
    }

    #[test]
    fn gb18030_decodes_and_garbage_is_reported() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("[发布者]某部\n[亮点]标题");
        assert_eq!(decode(Path::new("a.txt"), &bytes).unwrap(), "[发布者]某部\n[亮点]标题");
        let err = decode(Path::new("a.txt"), b"[\xe5\x8f\x91]\n\xff\xff").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.hint.is_some());
    }

    #[test]
    fn bom_is_removed() {
        let bytes = [b"\xef\xbb\xbf".as_slice(), "點評:好".as_bytes()].concat();
        assert_eq!(decode(Path::new("a.txt"), &bytes).unwrap(), "點評:好");
    }

    #[test]
    fn windows_line_endings_parse_like_unix_ones() {
        let unix = "[发布者]甲部 张三\n[亮点]标题\n[举措]一是。\n\n二是。\n点评：好。\n";
        let windows = unix.replace('\n', "\r\n");
        let (unix, windows) = (parse(Path::new("a.txt"), unix), parse(Path::new("a.txt"), &windows));
        assert!(windows.diagnostics.is_empty(), "{:?}", windows.diagnostics);
        assert_eq!(windows.entries, unix.entries);
        assert_eq!(windows.entries[0].measures, "一是。\n\n二是。");
    }

    #[test]
    fn dates_from_the_entry_or_the_masthead() {
        let text = "组工简报 第5期\n中共某县委组织部　　2017年3月1日\n[发布者]甲\n[日期]2017-02-20\n[亮点]一\n[举措]做法\n[发布者]乙\n[亮点]二\n[举措]做法\n";
        let parsed = parse(Path::new("a.txt"), text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let dates: Vec<String> = parsed.entries.iter().map(|e| e.date.unwrap().to_string()).collect();
        assert_eq!(dates, ["2017-02-20", "2017-03-01"]);
        let bad = parse(Path::new("a.txt"), "[发布者]甲\n[日期]三月\n[亮点]一\n[举措]做法\n");
        assert_eq!(bad.diagnostics.len(), 1);
        assert_eq!(bad.diagnostics[0].line, 2);
        assert_eq!(find_date("（2015年12月31日）第3期"), chrono::NaiveDate::from_ymd_opt(2015, 12, 31));
        assert_eq!(find_date("编号20151231"), None);
        assert_eq!(find_date("2015年13月1日"), None);
    }

    #[test]
    fn script_detection() {
        assert_eq!(Script::detect("臨汾市委組織部規范發展黨員工作"), Some(Script::Hant));
        assert_eq!(Script::detect("临汾市委组织部规范发展党员工作"), Some(Script::Hans));
        assert_eq!(Script::detect(""), None);
        assert_eq!(Script::detect("中央"), None);
    }
}
