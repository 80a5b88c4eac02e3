//! Tera setup: the default theme is embedded in the binary, so a site without `themes/`
//! builds; a site's theme overrides it file by file.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use tera::{Tera, Value};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

/// The default theme's templates, as shipped.
pub const TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "header.html",
    "footer.html",
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
    if let Some((name, line, cycle)) = include_cycle(&all) {
        anyhow::bail!(t!(
            "the template {name} (line {line}) includes itself through {cycle}, which never ends; remove one of these includes",
            "模板 {name}（第 {line} 行）经由 {cycle} 包含了自己，永远不会结束；请去掉其中一处 include",
            cycle = cycle.join(" → ")
        ));
    }
    tera.add_raw_templates(all).context(t!(
        "the theme's templates have an error (see above); fix the template named",
        "主题模板有错误，请改正其中指出的模板"
    ))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    tera.register_filter("date_zh", date_zh);
    tera.register_filter("keep_tail", keep_tail);
    // Tera's own `get_env` would print the build machine's environment (a CI secret, a home
    // folder) into public pages, and make two machines build two sites from one source
    tera.register_function("get_env", |_: &HashMap<String, Value>| -> tera::Result<Value> {
        Err(tera::Error::msg(t!(
            "a template may not read the build machine's environment (get_env): the same sources must give the same site on every machine; put the value in site.toml or a data file",
            "模板不能读取生成机器的环境变量（get_env）：同样的源文件在哪台机器上都要生成同样的网站；请把这个值写进 site.toml 或数据文件"
        )))
    });
    Ok(tera)
}

/// The names of the templates in `overrides` that differ from the built-in ones of that name
/// (a copied, unchanged built-in theme is no theme of one's own).
pub fn own(overrides: &[(String, String)]) -> Vec<String> {
    overrides
        .iter()
        .filter(|(name, text)| !TEMPLATES.iter().any(|(n, t)| n == name && t == text))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The first circle of `include`, `extends` and `import` among the templates (the site's
/// overriding the built-in ones): where it starts (template, line) and the names around it.
/// Tera follows such a circle until the stack overflows, so it is refused before rendering.
fn include_cycle(templates: &[(&str, &str)]) -> Option<(String, usize, Vec<String>)> {
    let mut uses: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    for (name, text) in templates {
        // a later entry (the site's) replaces an earlier one (the built-in) of the same name
        uses.insert(name, references(text));
    }
    fn walk<'a>(
        name: &'a str,
        uses: &'a BTreeMap<&str, Vec<(String, usize)>>,
        path: &mut Vec<(&'a str, usize)>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<(String, usize, Vec<String>)> {
        if let Some(start) = path.iter().position(|(n, _)| *n == name) {
            let (first, line) = path[start];
            let mut cycle: Vec<String> = path[start..].iter().map(|(n, _)| n.to_string()).collect();
            cycle.push(name.to_string());
            return Some((first.to_string(), line, cycle));
        }
        if !done.insert(name) {
            return None;
        }
        for (target, line) in uses.get(name).into_iter().flatten() {
            let Some((key, _)) = uses.get_key_value(target.as_str()) else { continue };
            path.push((name, *line));
            let found = walk(key, uses, path, done);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }
    let mut done = std::collections::BTreeSet::new();
    uses.keys().find_map(|name| walk(name, &uses, &mut Vec::new(), &mut done))
}

/// The templates a template names in `{% include %}`, `{% extends %}` and `{% import %}` tags,
/// with the line of each.
fn references(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(start) = rest.find("{%") {
        let Some(len) = rest[start..].find("%}") else { break };
        let tag = rest[start + 2..start + len].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if ["include", "extends", "import"].iter().any(|k| tag.starts_with(k)) {
            let line = 1 + text[..offset + start].matches('\n').count();
            // every quoted name: `{% include ["a.html", "b.html"] %}` names two
            out.extend(tag.split('"').skip(1).step_by(2).map(|n| (n.to_string(), line)));
        }
        offset += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    out
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
    #[test]
    fn templates_that_include_one_another_in_a_circle_are_refused() {
        let own = |name: &str, text: &str| vec![(name.to_string(), text.to_string())];
        let e = super::load(&own(
            "shortcodes/chart.html",
            "<figure>{% include \"shortcodes/chart.html\" %}</figure>",
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("shortcodes/chart.html → shortcodes/chart.html"), "{e}");
        let two = [
            ("a.html".to_string(), "x\n{%- include \"b.html\" -%}".to_string()),
            ("b.html".to_string(), "{% include [\"none.html\", \"a.html\"] %}".to_string()),
        ];
        let e = super::load(&two).unwrap_err().to_string();
        assert!(e.contains("a.html (line 2)") && e.contains("a.html → b.html → a.html"), "{e}");
        // the built-in theme has no circle, and an include of a missing template is tera's to say
        assert!(super::load(&[]).is_ok());
    }

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
