//! The skeleton's blanks: `gongkai new` writes 「（待填写：发布单位）」 where a clerk must write,
//! and every file holding such a mark is refused by build and check, with its line, until the
//! mark is replaced. A skeleton therefore cannot be published unchanged, and an empty field
//! never reaches a page (no bare 「监督电话：」).

use crate::Diagnostic;
use std::path::Path;

/// What opens a blank, in full-width brackets (the way Chinese text writes an aside) or ASCII.
const OPENERS: [&str; 2] = ["（待填写", "(待填写"];

/// A blank asking for `what`: 「（待填写：发布单位）」.
pub fn blank(what: &str) -> String {
    format!("{}：{what}）", OPENERS[0])
}

/// Every blank in `text`, as a diagnostic at its line and column; in front matter, the key it
/// stands in is named.
pub fn find(rel: &Path, text: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for opener in OPENERS {
            for (at, _) in line.match_indices(opener) {
                let end = line[at..]
                    .find(['）', ')'])
                    .map_or(line.len(), |e| at + e + line[at + e..].chars().next().map_or(0, char::len_utf8));
                let shown = &line[at..end];
                let key = line
                    .split_once('=')
                    .map(|(k, _)| k.trim())
                    .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                let message = match key {
                    Some(k) => t!("{shown} in `{k}` is still to be filled in", "`{k}` 中的{shown}还没有填写"),
                    None => t!("{shown} is still to be filled in", "{shown}还没有填写"),
                };
                let mut d = Diagnostic::new(rel, i + 1, message).with_hint(t!(
                    "write the real text in its place (the skeleton from `gongkai new` marks every blank so); the entry is not published until then",
                    "请在这里写上实际内容（`gongkai new` 生成的草稿用这种标记标出每一处空白），写好之前不会发布"
                ));
                d.column = line[..at].chars().count() + 1;
                found.push(d);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_are_found_with_line_column_and_key() {
        let text = format!("+++\norg = \"{}\"\n+++\n\n正文{}。\n", blank("发布单位"), "(待填写)");
        let found = find(Path::new("a.md"), &text);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].column), (2, 8));
        assert!(found[0].message.contains("（待填写：发布单位）") && found[0].message.contains("`org`"));
        assert_eq!((found[1].line, found[1].column), (5, 3));
        assert!(find(Path::new("a.md"), "待填写的表格").is_empty(), "the words alone are no blank");
    }
}
