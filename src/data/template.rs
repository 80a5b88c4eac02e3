//! The tera function `load_data(path="jiangxian.csv")`: a dataset for templates, with every
//! cell's text and parsed figure. Built once per build into JSON values that the function
//! hands out, since tera functions must own what they use.
//!
//! ```text
//! {% set d = load_data(path="jiangxian.csv") %}
//! {% for row in d.rows %}{% set c = row | get(key="党员总数(名)") %}{{ c.text }} ({{ c.value }}){% endfor %}
//! {{ d.records[0][1].value }}   {# rows as lists, in column order #}
//! ```
//!
//! Tera 1.20 panics on a non-ASCII key in brackets (`row["党员总数(名)"]`): use `get`.

use super::{Cell, Dataset, Datasets};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One cell as templates see it: `text` as written, `value` the figure (or null).
fn cell_value(cell: &Cell) -> Value {
    match &cell.number {
        Some(n) => json!({ "text": cell.raw, "value": figure(n.value), "approx": n.approx, "unit": n.unit }),
        None => json!({ "text": cell.raw, "value": null, "approx": false, "unit": null }),
    }
}

/// Whole figures as JSON integers, so a template prints 12016 and not 12016.0.
fn figure(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// A dataset as JSON: title, source, unit, columns, and rows both as maps (by column name)
/// and as lists (in column order).
pub fn dataset_value(ds: &Dataset) -> Value {
    let rows: Vec<Value> = ds
        .rows
        .iter()
        .map(|r| {
            let map: Map<String, Value> =
                ds.columns.iter().zip(&r.cells).map(|(c, cell)| (c.name.clone(), cell_value(cell))).collect();
            Value::Object(map)
        })
        .collect();
    let records: Vec<Value> =
        ds.rows.iter().map(|r| Value::Array(r.cells.iter().map(cell_value).collect())).collect();
    let columns: Vec<Value> =
        ds.columns.iter().map(|c| json!({ "name": c.name, "numeric": c.numeric, "unit": c.unit })).collect();
    json!({
        "name": ds.name,
        "title": ds.title,
        "source": ds.meta.source,
        "unit": ds.meta.unit,
        "description": ds.meta.description,
        "headers": ds.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        "columns": columns,
        "rows": rows,
        "records": records,
    })
}

/// The `load_data` function over all datasets of the build.
pub fn load_data_function(data: &Datasets) -> impl tera::Function {
    // Each dataset becomes a template value the first time a template asks for it: most
    // sites' templates never call load_data, and turning every cell of a 100,000-row
    // dataset into JSON up front cost a gigabyte.
    type Lazy = (Arc<Dataset>, std::sync::OnceLock<Value>);
    let datasets: Arc<BTreeMap<String, Lazy>> = Arc::new(
        data.shared().map(|d| (d.name.clone(), (Arc::clone(d), std::sync::OnceLock::new()))).collect(),
    );
    move |args: &HashMap<String, Value>| -> tera::Result<Value> {
        let path = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg(t!(
                "load_data needs path=\"NAME.csv\" (a file in data/)",
                "load_data 需要 path=\"名称.csv\"（data/ 中的文件）"
            ))
        })?;
        let name = path.trim().trim_start_matches("./").trim_start_matches("data/");
        match datasets.get(name) {
            Some((ds, value)) => Ok(value.get_or_init(|| dataset_value(ds)).clone()),
            None => {
                let names: Vec<&str> = datasets.keys().map(String::as_str).collect();
                Err(tera::Error::msg(t!(
                    "load_data: there is no data/{name}; the files are: {}",
                    "load_data：没有 data/{name}；现有的文件是：{}",
                    names.join(", ")
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use tera::Function;

    #[test]
    fn rows_carry_text_and_value() {
        let (ds, _) = Datasets::parse(&[(
            PathBuf::from("data/a.csv"),
            "年份,经费\n2020,3600万余元\n".as_bytes().to_vec(),
        )]);
        let f = load_data_function(&ds);
        let args = HashMap::from([("path".to_string(), json!("a.csv"))]);
        let v = f.call(&args).unwrap();
        assert_eq!(v["rows"][0]["经费"]["value"], json!(36_000_000));
        assert_eq!(v["rows"][0]["经费"]["text"], json!("3600万余元"));
        assert_eq!(v["records"][0][0]["text"], json!("2020"));
        let missing = HashMap::from([("path".to_string(), json!("b.csv"))]);
        assert!(f.call(&missing).unwrap_err().to_string().contains("a.csv"));
    }
}
