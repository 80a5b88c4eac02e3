//! `data/NAME.toml`, the optional description beside `data/NAME.csv`: title, source, unit,
//! column types and units, and the dataset's default chart.

use crate::Diagnostic;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What the TOML file says; every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub title: Option<String>,
    /// Where the figures come from, as the site should credit it.
    pub source: Option<String>,
    /// The unit of every figure whose column or cell says none.
    pub unit: Option<String>,
    /// A sentence shown under the title on the data page.
    pub description: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, ColumnMeta>,
    pub chart: Option<ChartMeta>,
    /// Who may see the dataset; by default the narrowest audience of the pages using it.
    pub audience: Option<crate::audience::Audience>,
    /// Masked forms of numbers the privacy guard may let through in this CSV.
    #[serde(default)]
    pub privacy_allow: Vec<String>,
}

/// A column's type, as `"number"` or `{ type = "number", unit = "名" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ColumnMeta {
    Type(ColumnType),
    Full {
        #[serde(rename = "type")]
        kind: Option<ColumnType>,
        unit: Option<String>,
    },
}

impl ColumnMeta {
    pub fn kind(&self) -> Option<ColumnType> {
        match self {
            ColumnMeta::Type(t) => Some(*t),
            ColumnMeta::Full { kind, .. } => *kind,
        }
    }

    pub fn unit(&self) -> Option<&str> {
        match self {
            ColumnMeta::Type(_) => None,
            ColumnMeta::Full { unit, .. } => unit.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ColumnType {
    #[serde(rename = "number", alias = "数值", alias = "数字")]
    Number,
    #[serde(rename = "text", alias = "文本", alias = "文字")]
    Text,
}

/// The default chart: `chart = false` for none, or the same keys as the `chart` shortcode.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ChartMeta {
    Enabled(bool),
    Spec(ChartSpecMeta),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpecMeta {
    pub kind: Option<String>,
    pub x: Option<String>,
    pub y: Option<Vec<String>>,
    pub title: Option<String>,
}

/// Parses the TOML text of `rel`; a problem names the line and the keys that exist.
pub fn parse(rel: &Path, text: &str) -> Result<Meta, Diagnostic> {
    toml::from_str::<Meta>(text).map_err(|e| {
        let line = e.span().map(|s| 1 + text[..s.start.min(text.len())].matches('\n').count()).unwrap_or(0);
        let problem = crate::locale::toml_message(e.message());
        Diagnostic::new(
            rel,
            line,
            t!("the dataset description has an error: {problem}", "数据说明文件有误：{problem}"),
        )
        .with_hint(t!(
            "known keys: title, source, unit, description, [columns] (\"列名\" = \"number\" or \"text\", \
                 or {{ type = \"number\", unit = \"名\" }}), [chart] (kind, x, y, title) or chart = false",
            "可用的键：title、source、unit、description、[columns]（`\"列名\" = \"number\"` 或 `\"text\"`，\
                 或 `{{ type = \"number\", unit = \"名\" }}`）、[chart]（kind、x、y、title）或 chart = false"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_description() {
        let m = parse(
            Path::new("data/a.toml"),
            "title = \"甲\"\nsource = \"乙\"\n[columns]\n\"年份\" = \"text\"\n\"党员(名)\" = { type = \"数值\", unit = \"名\" }\n[chart]\nkind = \"bar\"\ny = [\"党员(名)\"]\n",
        )
        .unwrap();
        assert_eq!(m.title.as_deref(), Some("甲"));
        assert_eq!(m.columns["年份"].kind(), Some(ColumnType::Text));
        assert_eq!(m.columns["党员(名)"].unit(), Some("名"));
        assert!(matches!(m.chart, Some(ChartMeta::Spec(_))));
    }

    #[test]
    fn unknown_key_names_its_line() {
        let e = parse(Path::new("data/a.toml"), "title = \"甲\"\ntitel = \"乙\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("titel"), "{}", e.message);
    }

    #[test]
    fn chart_can_be_off() {
        let m = parse(Path::new("data/a.toml"), "chart = false\n").unwrap();
        assert!(matches!(m.chart, Some(ChartMeta::Enabled(false))));
    }
}
