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
    tera.add_raw_templates(all)
        .context("the theme's templates have an error (see above); fix the template named")?;
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::text::escape_html);
    tera.register_filter("date_zh", date_zh);
    Ok(tera)
}

/// Makes `load_data(path="NAME.csv")` available to templates, over this build's datasets.
pub fn register_data(tera: &mut Tera, data: &crate::data::Datasets) {
    tera.register_function("load_data", crate::data::template::load_data_function(data));
}

/// `{{ "2020-12-01" | date_zh }}` → 2020年12月1日.
fn date_zh(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = value.as_str().ok_or_else(|| tera::Error::msg("date_zh takes a date such as \"2020-12-01\""))?;
    let d = crate::text::parse_date(s).map_err(|e| tera::Error::msg(e.to_string()))?;
    Ok(Value::String(crate::text::format_date_zh(d)))
}
