//! Plain bulletin text inside Markdown. A measure that starts a line with `1.`, `#` or `-`, or
//! holds `*` or `_`, would be read by Markdown as a list, a heading or emphasis and lose those
//! characters on the page; the importer escapes them with backslashes, and the exporter takes
//! the backslashes away, so that import → export → import stays the identity.
//!
//! A bulletin is data, never markup: links (`[x](…)`, `<…>` autolinks, reference
//! definitions), raw HTML, character references (`&#49;`) and shortcodes (`{{ … }}`) are
//! escaped too, so that what the bulletin says is exactly what the page shows.

/// The characters Markdown may read as inline markup, escaped wherever they stand.
const INLINE: &[char] = &['\\', '*', '_', '`', '<', '>', '&', '{', '}'];

/// `text` as Markdown that renders to the same characters.
pub fn to_markdown(text: &str) -> String {
    text.split('\n').map(escape_line).collect::<Vec<_>>().join("\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 4);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        // `](`, `][` and `]:` close a link's text; a lone `[2014]` stays as it is
        let closes_link = c == ']' && chars.peek().is_some_and(|n| matches!(n, '(' | '[' | ':'));
        if INLINE.contains(&c) || closes_link {
            out.push('\\');
        }
        out.push(c);
    }
    let indent = out.len() - out.trim_start_matches(' ').len();
    let rest = &out[indent..];
    let block = rest.starts_with(['#', '>', '-', '+', '=', '|', '~']) || rest.starts_with("```");
    if block {
        out.insert(indent, '\\');
    } else if let Some(digits) = rest.find(|c: char| !c.is_ascii_digit()).filter(|&n| n > 0) {
        // `1.` or `1)` at the start of a line opens an ordered list
        if rest[digits..].starts_with(['.', ')']) {
            out.insert(indent + digits, '\\');
        }
    }
    out
}

/// The plain text back: every backslash before an ASCII punctuation character goes, as
/// Markdown itself would read it.
pub fn from_markdown(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_comes_back() {
        let text = "1. 建立台账\n# 不是标题\n- 不是列表\n**重点**与a_b\\c\n组通字[2014]1号";
        let md = to_markdown(text);
        assert_eq!(
            md,
            "1\\. 建立台账\n\\# 不是标题\n\\- 不是列表\n\\*\\*重点\\*\\*与a\\_b\\\\c\n组通字[2014]1号"
        );
        assert_eq!(from_markdown(&md), text);
        let html = crate::content::markdown::render(&md).html;
        for line in ["1. 建立台账", "# 不是标题", "- 不是列表", "**重点**与a_b\\c", "组通字[2014]1号"]
        {
            assert!(html.contains(line), "the page shows {line}: {html}");
        }
        assert!(!html.contains("<ol") && !html.contains("<h1") && !html.contains("<strong"), "{html}");
    }

    #[test]
    fn links_html_entities_and_shortcodes_are_text() {
        let text = "见[此处](javascript:alert(1))与<javascript:x>，&#49;38，{{ stat(data=\"a.csv\") }}\n[r]: javascript:x";
        let md = to_markdown(text);
        assert_eq!(from_markdown(&md), text);
        let r = crate::content::markdown::render(&md);
        assert!(r.links.is_empty() && r.rejected.is_empty(), "{md} → {}", r.html);
        assert!(r.html.contains("&amp;#49;38") && r.html.contains("{{ stat"), "{}", r.html);
    }

    #[test]
    fn plain_chinese_is_untouched() {
        let text = "一是統籌結合，重全局。目前，全縣15家龍頭企業全部建立了黨組織。";
        assert_eq!(to_markdown(text), text);
    }
}
