//! `site.toml`: the site's settings, checked key by key like front matter.

use crate::content::front_matter::unknown_key;
use crate::text::Lang;
use crate::Diagnostic;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute address of the deployed site, used in feeds and the sitemap.
    pub base_url: String,
    pub language: Lang,
    pub paginate: usize,
    /// The organisation that runs the site, shown in the footer.
    pub organisation: String,
    pub theme: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "公开".into(),
            description: String::new(),
            base_url: "http://localhost/".into(),
            language: Lang::Hans,
            paginate: 20,
            organisation: String::new(),
            theme: "default".into(),
        }
    }
}

const KEYS: &[&str] = &["title", "description", "base_url", "language", "paginate", "organisation", "theme"];
pub const FILE: &str = "site.toml";

impl Config {
    /// Reads `site.toml`; a site without one gets the defaults.
    pub fn parse(text: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let mut config = Config::default();
        let Some(text) = text else { return Ok(config) };
        let path = Path::new(FILE);
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| 1 + text[..s.start].matches('\n').count()).unwrap_or(0);
            vec![Diagnostic::new(path, line, format!("site.toml cannot be read: {}", e.message()))]
        })?;
        let line_of = |key: &str| {
            text.lines().position(|l| l.trim_start().starts_with(key)).map(|i| i + 1).unwrap_or(0)
        };
        let mut errors = Vec::new();
        for (key, value) in &table {
            let wrong_type = |what: &str| {
                Diagnostic::new(path, line_of(key), format!("`{key}` must be {what}")).with_hint(format!(
                    "write e.g. {key} = {}",
                    if what == "a number" { "20" } else { "\"…\"" }
                ))
            };
            let text_value = value.as_str().map(str::to_string);
            match key.as_str() {
                "paginate" => match value.as_integer() {
                    Some(n) if n > 0 => config.paginate = n as usize,
                    _ => errors.push(wrong_type("a number")),
                },
                "language" => match text_value.as_deref().and_then(Lang::parse) {
                    Some(l) => config.language = l,
                    None => errors.push(
                        Diagnostic::new(path, line_of(key), "unknown `language`")
                            .with_hint("use \"zh-CN\" (simplified) or \"zh-Hant\" (traditional)"),
                    ),
                },
                k if KEYS.contains(&k) => match text_value {
                    Some(s) => match k {
                        "title" => config.title = s,
                        "description" => config.description = s,
                        "base_url" => config.base_url = if s.ends_with('/') { s } else { format!("{s}/") },
                        "organisation" => config.organisation = s,
                        _ => config.theme = s,
                    },
                    None => errors.push(wrong_type("text in quotes")),
                },
                k => errors.push(unknown_key(path, line_of(k), k, KEYS, "site.toml")),
            }
        }
        if config.theme.contains(['/', '\\']) || config.theme.starts_with('.') {
            errors.push(Diagnostic::new(
                path,
                line_of("theme"),
                "`theme` must be a folder name under themes/",
            ));
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_reported_with_suggestion() {
        let e = Config::parse(Some("title = \"x\"\npaginat = 10\n")).unwrap_err();
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `paginate`?"));
    }

    #[test]
    fn values_are_read() {
        let c =
            Config::parse(Some("title = \"绛县\"\nbase_url = \"https://x.cn\"\nlanguage = \"zh-Hant\"\n"))
                .unwrap();
        assert_eq!(c.base_url, "https://x.cn/");
        assert_eq!(c.language, Lang::Hant);
        assert_eq!(c.paginate, 20);
    }
}
