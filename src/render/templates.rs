//! Tera setup: the default theme is embedded in the binary, so a site without `themes/`
//! builds; a site's theme overrides it file by file.

use anyhow::{Context, Result};
use std::collections::HashMap;
use tera::{Tera, Value};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, as shipped.
pub const TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "macros.html",
    "index.html",
    "case.html",
    "review.html",
    "disclosure.html",
    "page.html",
    "list.html",
    "taxonomy.html",
    "404.html",
    "archive.html",
    "search.html",
    "atom.xml",
    "sitemap.xml",
    "data.html",
    "dataset.html",
    "orgs.html",
    "org.html",
    "redirect.html",
    "shortcodes/chart.html",
    "shortcodes/table.html",
);

/// The default theme's static files, as shipped.
pub const STATICS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
    ("gongkai.js", include_bytes!("../../themes/default/static/gongkai.js")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
];

/// Builds the template set: embedded defaults, then the site's overrides.
pub fn load(overrides: &[(String, String)]) -> Result<Tera> {
    let mut tera = Tera::default();
    let mut all: Vec<(&str, &str)> = TEMPLATES.to_vec();
    all.extend(overrides.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    tera.add_raw_templates(all).context(t!(
        "the theme's templates have an error (see above); fix the template named",
        "主题模板有错误，请改正其中指出的模板"
    ))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    tera.register_filter("date_zh", date_zh);
    tera.register_filter("keep_tail", keep_tail);
    Ok(tera)
}

/// Makes `load_data(path="NAME.csv")` available to templates, over this build's datasets.
pub fn register_data(tera: &mut Tera, data: &crate::data::Datasets) {
    tera.register_function("load_data", crate::data::template::load_data_function(data));
}

/// `{{ "2020-12-01" | date_zh }}` → 2020年12月1日.
fn date_zh(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = value.as_str().ok_or_else(|| {
        tera::Error::msg(t!(
            "date_zh takes a date such as \"2020-12-01\"",
            "date_zh 需要一个日期，如 \"2020-12-01\""
        ))
    })?;
    let d = crate::text::parse_date(s).map_err(|e| tera::Error::msg(e.to_string()))?;
    Ok(Value::String(crate::text::format_date_zh(d)))
}

/// `{{ page.title | keep_tail | safe }}`: the title escaped, its last two characters joined
/// so a line break never leaves one character alone on the title's last line (「开」).
fn keep_tail(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = value
        .as_str()
        .ok_or_else(|| tera::Error::msg(t!("keep_tail takes a string", "keep_tail 需要文字")))?;
    let split = s.char_indices().rev().nth(1).map_or(0, |(i, _)| i);
    let (head, tail) = s.split_at(split);
    let (head, tail) = (crate::text::escape_html(head), crate::text::escape_html(tail));
    Ok(Value::String(if tail.is_empty() {
        head
    } else {
        format!("{head}<span class=\"nobr\">{tail}</span>")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_tail_joins_the_last_two_characters() {
        let out = keep_tail(&Value::from("关于<某>的公示"), &HashMap::new()).unwrap();
        assert_eq!(out, Value::from("关于&lt;某&gt;的<span class=\"nobr\">公示</span>"));
        assert_eq!(
            keep_tail(&Value::from("公"), &HashMap::new()).unwrap(),
            Value::from("<span class=\"nobr\">公</span>")
        );
    }
}
