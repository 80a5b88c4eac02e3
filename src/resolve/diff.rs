//! What changed between two versions of a disclosure, as a reader can take it in at a glance
//! and never misread: a table stays a table and a changed cell says 「原：28 → 现：29」 in
//! full, a changed paragraph shows its old and new text labelled 原 and 现. No strikethrough
//! runs across digits, where 2̶8̶9 would read as 289.

use crate::content::markdown::{CELL, ROW};
use crate::i18n::Strings;
use crate::text::escape_html;
use similar::DiffTag;

/// One line of the comparison.
enum Piece<'a> {
    Same(&'a str),
    Gone(&'a str),
    Added(&'a str),
    Changed(&'a str, &'a str),
}

impl Piece<'_> {
    fn is_row(&self) -> bool {
        let line = match self {
            Piece::Same(l) | Piece::Gone(l) | Piece::Added(l) | Piece::Changed(l, _) => l,
        };
        line.starts_with(ROW)
    }
}

/// `old` and `new` are [`crate::content::markdown::Rendered::blocks`] texts, one block a line.
pub fn diff_html(old: &str, new: &str, t: &Strings) -> String {
    let lines =
        |s: &str| -> Vec<String> { s.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect() };
    let (old, new) = (lines(old), lines(new));
    let pieces = pieces(&old, &new);
    let mut html = String::new();
    let mut i = 0;
    while i < pieces.len() {
        if pieces[i].is_row() {
            let end = (i..pieces.len()).find(|&j| !pieces[j].is_row()).unwrap_or(pieces.len());
            html.push_str(&table(&pieces[i..end], t));
            i = end;
        } else {
            html.push_str(&paragraph(&pieces[i], t));
            i += 1;
        }
    }
    html
}

/// Lines matched by a line diff; a run of removed lines next to a run of added ones pairs up
/// line by line (a row with another row of as many cells, a paragraph with a paragraph).
fn pieces<'a>(old: &'a [String], new: &'a [String]) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, old, new) {
        let (tag, a, b) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => out.extend(old[a].iter().map(|l| Piece::Same(l))),
            DiffTag::Delete => out.extend(old[a].iter().map(|l| Piece::Gone(l))),
            DiffTag::Insert => out.extend(new[b].iter().map(|l| Piece::Added(l))),
            DiffTag::Replace => {
                let (o, n) = (&old[a], &new[b]);
                for k in 0..o.len().max(n.len()) {
                    match (o.get(k), n.get(k)) {
                        (Some(x), Some(y)) if pairs(x, y) => out.push(Piece::Changed(x, y)),
                        (x, y) => {
                            out.extend(x.map(|l| Piece::Gone(l)));
                            out.extend(y.map(|l| Piece::Added(l)));
                        }
                    }
                }
            }
        }
    }
    out
}

fn pairs(a: &str, b: &str) -> bool {
    match (a.strip_prefix(ROW), b.strip_prefix(ROW)) {
        (Some(x), Some(y)) => x.split(CELL).count() == y.split(CELL).count(),
        (None, None) => true,
        _ => false,
    }
}

fn cells(line: &str) -> Vec<&str> {
    line.trim_start_matches(ROW).split(CELL).collect()
}

fn table(rows: &[Piece], t: &Strings) -> String {
    let mut html = String::from("<div class=\"table-scroll\"><table class=\"diff-table\"><thead><tr>");
    html.push_str(&format!("<th scope=\"col\">{}</th>", t["diff_change"]));
    // a table's head row that did not change stays its head; otherwise the head is unnamed
    let rows = match rows.first() {
        Some(Piece::Same(head)) => {
            for c in cells(head) {
                html.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(c)));
            }
            &rows[1..]
        }
        _ => rows,
    };
    html.push_str("</tr></thead><tbody>\n");
    for row in rows {
        let (class, label, cells_html): (&str, &str, Vec<String>) = match row {
            Piece::Same(l) => ("same", "", cells(l).iter().map(|c| escape_html(c)).collect()),
            Piece::Gone(l) => ("removed", &t["removed"], cells(l).iter().map(|c| escape_html(c)).collect()),
            Piece::Added(l) => ("added", &t["added"], cells(l).iter().map(|c| escape_html(c)).collect()),
            Piece::Changed(a, b) => (
                "changed",
                &t["changed"],
                cells(a).iter().zip(cells(b)).map(|(x, y)| cell_change(x, y, t)).collect(),
            ),
        };
        html.push_str(&format!("<tr class=\"diff-{class}\"><td class=\"diff-mark\">{label}</td>"));
        for c in cells_html {
            html.push_str(&format!("<td>{c}</td>"));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
    html
}

/// A cell that differs is shown whole, old then new, each labelled; a long cell also marks
/// the characters that changed within it.
fn cell_change(old: &str, new: &str, t: &Strings) -> String {
    if old == new {
        return escape_html(old);
    }
    let short = old.chars().count() <= 12 && new.chars().count() <= 12;
    let (was, now) = if short {
        (format!("<del>{}</del>", escape_html(old)), format!("<ins>{}</ins>", escape_html(new)))
    } else {
        marked(old, new)
    };
    format!(
        "<span class=\"was\">{}：{was}</span><span class=\"arrow\"> → </span><span class=\"now\">{}：{now}</span>",
        t["diff_was"], t["diff_now"]
    )
}

fn paragraph(piece: &Piece, t: &Strings) -> String {
    match piece {
        Piece::Same(l) => format!("<p class=\"diff-same\">{}</p>\n", escape_html(l)),
        Piece::Gone(l) => {
            format!(
                "<p class=\"diff-removed\"><span class=\"label\">{}：</span><del>{}</del></p>\n",
                t["removed"],
                escape_html(l)
            )
        }
        Piece::Added(l) => {
            format!(
                "<p class=\"diff-added\"><span class=\"label\">{}：</span><ins>{}</ins></p>\n",
                t["added"],
                escape_html(l)
            )
        }
        Piece::Changed(a, b) => {
            let (was, now) = marked(a, b);
            format!(
                "<p class=\"diff-changed\"><span class=\"label\">{}：</span>{was}<br><span class=\"label\">{}：</span>{now}</p>\n",
                t["diff_was"], t["diff_now"]
            )
        }
    }
}

/// The old text with what was taken out marked, and the new text with what was put in
/// marked, character by character (Chinese has no spaces to split words at). Digits next
/// to a change are marked with it, so a number is always marked whole.
fn marked(old: &str, new: &str) -> (String, String) {
    let diff = similar::TextDiff::configure().algorithm(similar::Algorithm::Patience).diff_chars(old, new);
    let (mut was, mut now) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        let v = change.value();
        match change.tag() {
            similar::ChangeTag::Equal => {
                was.push((v.to_string(), false));
                now.push((v.to_string(), false));
            }
            similar::ChangeTag::Delete => was.push((v.to_string(), true)),
            similar::ChangeTag::Insert => now.push((v.to_string(), true)),
        }
    }
    (wrap(whole_numbers(was), "del"), wrap(whole_numbers(now), "ins"))
}

/// Spreads a mark over the digits around it: 2[8] becomes [28].
fn whole_numbers(mut chars: Vec<(String, bool)>) -> Vec<(String, bool)> {
    let digit = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',');
    loop {
        let mut grew = false;
        for i in 0..chars.len() {
            if chars[i].1 || !digit(&chars[i].0) {
                continue;
            }
            let near = (i > 0 && chars[i - 1].1 && digit(&chars[i - 1].0))
                || (i + 1 < chars.len() && chars[i + 1].1 && digit(&chars[i + 1].0));
            if near {
                chars[i].1 = true;
                grew = true;
            }
        }
        if !grew {
            return chars;
        }
    }
}

fn wrap(chars: Vec<(String, bool)>, tag: &str) -> String {
    let mut html = String::new();
    let mut open = false;
    for (c, mark) in chars {
        if mark != open {
            html.push_str(&if mark { format!("<{tag}>") } else { format!("</{tag}>") });
            open = mark;
        }
        html.push_str(&escape_html(&c));
    }
    if open {
        html.push_str(&format!("</{tag}>"));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::strings;
    use crate::text::Lang;

    fn row(cells: &[&str]) -> String {
        format!("{ROW}{}", cells.join(&CELL.to_string()))
    }

    #[test]
    fn a_changed_cell_reads_whole_and_labelled() {
        let t = strings(Lang::Hans);
        let old = format!("标题\n{}\n{}\n", row(&["日期", "实到"]), row(&["8月30日", "28"]));
        let new = format!("标题\n{}\n{}\n", row(&["日期", "实到"]), row(&["8月30日", "29"]));
        let html = diff_html(&old, &new, t);
        assert!(html.contains("<table class=\"diff-table\">"), "{html}");
        assert!(html.contains("<span class=\"was\">原：<del>28</del></span>"), "{html}");
        assert!(html.contains("<span class=\"now\">现：<ins>29</ins></span>"), "{html}");
        assert!(html.contains("<td class=\"diff-mark\">修改</td><td>8月30日</td>"), "{html}");
    }

    #[test]
    fn a_changed_paragraph_marks_whole_numbers() {
        let t = strings(Lang::Hans);
        let html = diff_html("应到32人", "应到31人", t);
        assert_eq!(
            html,
            "<p class=\"diff-changed\"><span class=\"label\">原：</span>应到<del>32</del>人<br><span class=\"label\">现：</span>应到<ins>31</ins>人</p>\n"
        );
        assert!(diff_html("<b>", "<i>", t).contains("&lt;<del>b</del>&gt;"));
    }

    #[test]
    fn rows_added_and_removed_say_so() {
        let t = strings(Lang::Hans);
        let html = diff_html(&row(&["a", "1"]), &format!("{}\n{}", row(&["a", "1"]), row(&["b", "2"])), t);
        assert!(
            html.contains("<tr class=\"diff-added\"><td class=\"diff-mark\">新增</td><td>b</td>"),
            "{html}"
        );
    }
}
