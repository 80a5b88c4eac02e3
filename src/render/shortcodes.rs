//! The blocks of the `chart` and `table` shortcodes, drawn where parse left their placeholders:
//! the chart as SVG, the data as a table, the markup from the theme's `shortcodes/*.html`
//! (overridable like every template) and the words from the i18n table, in the page's script.

use super::i18n;
use crate::charts::{self, table};
use crate::content::markdown::placeholder;
use crate::content::shortcodes::Call;
use crate::data::chart::ChartData;
use crate::data::paths::TABLE_ROWS;
use crate::data::{Dataset, Datasets};
use crate::resolve::shortcodes::{block, Block};
use crate::text::Lang;
use anyhow::{Context as _, Result};
use serde::Serialize;
use std::borrow::Cow;
use std::path::Path;
use tera::{Context, Tera};

/// What draws blocks: the templates, the datasets and the page's script.
#[derive(Clone, Copy)]
pub struct Drawer<'a> {
    pub tera: &'a Tera,
    pub data: &'a Datasets,
}

impl Drawer<'_> {
    /// `html` of the page at `source` with the block placeholder of each of its `calls` (the
    /// `chart` and `table` ones, in order) replaced by the drawn block.
    pub fn fill<'h>(&self, html: &'h str, calls: &[Call], source: &Path, lang: Lang) -> Result<Cow<'h, str>> {
        let blocks: Vec<&Call> = calls.iter().filter(|c| c.is_block()).collect();
        if blocks.is_empty() {
            return Ok(Cow::Borrowed(html));
        }
        let root = root_of(source);
        let mut out = html.to_string();
        for (n, call) in blocks.into_iter().enumerate() {
            let mark = placeholder(n);
            if !out.contains(&mark) {
                continue;
            }
            let drawn = match block(call, self.data) {
                Some(Block::Chart { ds, data }) => self.chart(data, ds, &root, lang)?,
                Some(Block::Table { ds, columns, title }) => self.table(ds, &columns, &title, &root, lang)?,
                // a dataset with errors of its own, reported against it: the block is left out
                None => String::new(),
            };
            out = out.replace(&mark, &drawn);
        }
        Ok(Cow::Owned(out))
    }

    /// A chart as a figure, through `shortcodes/chart.html`.
    pub fn chart(&self, mut data: ChartData, ds: &Dataset, root: &str, lang: Lang) -> Result<String> {
        let t = i18n::strings(lang);
        let sample_note = match (data.sampled_from, data.others) {
            (Some(n), _) => {
                Some(fill(&t["chart_sampled"], &[("total", n), ("shown", data.categories.len())]))
            }
            (None, Some(n)) => {
                let shown = data.categories.len() - 1;
                Some(fill(&t["chart_others"], &[("total", n + shown), ("shown", shown), ("others", n)]))
            }
            (None, None) => None,
        };
        if let (Some(n), Some(last)) = (data.others, data.categories.last_mut()) {
            // the folded slice is labelled in the page's script too
            *last = fill(&t["chart_other_slice"], &[("n", n)]);
        }
        data.unit_word = t["chart_unit"].as_str();
        let name = format!("{}（{}）", data.title, t[&*format!("chart_{}", data.kind.name())]);
        let view = ChartView {
            kind: data.kind.name(),
            title: &data.title,
            sample_note,
            svg: charts::render_svg_named(&data, &name),
            table: TableView::new(ds, &data.columns, &data.title, t),
            source: Source::new(ds, root),
            t,
        };
        self.render("shortcodes/chart.html", &view)
    }

    /// A table on its own, through `shortcodes/table.html`.
    pub fn table(
        &self,
        ds: &Dataset,
        columns: &[usize],
        title: &str,
        root: &str,
        lang: Lang,
    ) -> Result<String> {
        let t = i18n::strings(lang);
        let view =
            BlockView { table: TableView::new(ds, columns, title, t), source: Source::new(ds, root), t };
        self.render("shortcodes/table.html", &view)
    }

    fn render(&self, template: &str, view: &impl Serialize) -> Result<String> {
        let ctx = Context::from_serialize(view)?;
        let mut html = self.tera.render(template, &ctx).with_context(|| template.to_string())?;
        // a template file's last line break is not part of the block: the page's own
        // line breaks follow it
        if html.ends_with('\n') {
            html.pop();
        }
        Ok(html)
    }
}

/// `{name}` in an i18n string replaced by its figure.
fn fill(s: &str, values: &[(&str, usize)]) -> String {
    values.iter().fold(s.to_string(), |s, (k, v)| s.replace(&format!("{{{k}}}"), &v.to_string()))
}

#[derive(Serialize)]
struct ChartView<'a> {
    kind: &'static str,
    title: &'a str,
    /// Set when the chart draws a sample of the rows or folds small slices: it says so.
    sample_note: Option<String>,
    svg: String,
    table: TableView,
    source: Source,
    t: &'static i18n::Strings,
}

#[derive(Serialize)]
struct BlockView {
    table: TableView,
    source: Source,
    t: &'static i18n::Strings,
}

/// The data as an HTML table, and the note a longer dataset's table carries.
#[derive(Serialize)]
struct TableView {
    html: String,
    note: Option<String>,
}

impl TableView {
    fn new(ds: &Dataset, columns: &[usize], caption: &str, t: &i18n::Strings) -> Self {
        let rows = 0..ds.rows.len().min(TABLE_ROWS);
        let note = (ds.rows.len() > TABLE_ROWS)
            .then(|| fill(&t["table_note"], &[("total", ds.rows.len()), ("shown", TABLE_ROWS)]));
        TableView { html: table::rows_html(ds, columns, Some(caption), rows), note }
    }
}

/// Where the data came from, and the UTF-8 (BOM) copy the build writes at `data/NAME.csv`
/// (for a workbook's sheet too, whose own file is offered on its `/data/` page).
#[derive(Serialize)]
struct Source {
    from: Option<String>,
    root: String,
    csv: String,
    file: String,
}

impl Source {
    fn new(ds: &Dataset, root: &str) -> Self {
        Source {
            from: ds.meta.source.clone(),
            root: root.to_string(),
            csv: crate::data::paths::href(&crate::data::paths::csv_path(ds)),
            file: crate::data::paths::csv_name(ds),
        }
    }
}

/// The way back to the site root from the page that `rel` becomes (`content/reviews/a.md`
/// is served at `reviews/a/`, so `../../`), for links to the CSV copies.
fn root_of(rel: &Path) -> String {
    let parts: Vec<String> = rel.iter().skip(1).map(|c| c.to_string_lossy().into_owned()).collect();
    let Some((file, folders)) = parts.split_last() else { return String::new() };
    let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
    let folders = folders.iter().filter(|f| !crate::text::slugify(f).is_empty()).count();
    // As `content::url_path`: an index file stands for its folder.
    let depth = if stem == "index" { folders } else { folders + 1 };
    "../".repeat(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_follows_the_page_depth() {
        assert_eq!(root_of(Path::new("content/reviews/a.md")), "../../");
        assert_eq!(root_of(Path::new("content/about.md")), "../");
        assert_eq!(root_of(Path::new("content/reviews/index.md")), "../");
        assert_eq!(root_of(Path::new("content/index.md")), "");
    }
}
