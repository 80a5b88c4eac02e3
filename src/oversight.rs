//! `gongkai report`: the missing and late items of the disclosure catalogue (公开目录), for
//! the whole organisation tree or a subtree, from the same figures as the organisation pages;
//! and the report as a table, a CSV file (UTF-8 with a BOM, for Excel) and a closing line.

use crate::BuildError;
use crate::{pipeline, resolve, text, versions, BuildOptions};
use anyhow::Result;
use chrono::NaiveDate;

/// One item `gongkai report` lists: an organisation that has not disclosed, or disclosed late.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRow {
    pub org: String,
    pub category: String,
    /// `2024Q3`, `2024-07`, `2024`.
    pub period: String,
    pub due: NaiveDate,
    /// `missing` or `late`.
    pub status: &'static str,
    pub published: Option<NaiveDate>,
    /// Days overdue (missing, as of the report's date) or days late (published late).
    pub days: i64,
}

/// What `gongkai report` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OversightReport {
    pub as_of: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub due: usize,
    pub missing: usize,
    pub late: usize,
}

/// The missing and late items of the disclosure catalogue, for the whole tree or the subtree of
/// `org`: the same figures as the organisation pages, without rendering anything.
pub fn oversight_report(opts: &BuildOptions, org: Option<&str>) -> Result<OversightReport, BuildError> {
    let history = versions::History::load(&opts.root)?;
    let (_, library) = pipeline::resolve_site(opts, history, pipeline::How::CHECK)?;
    let Some(cat) = &library.catalogue else {
        return Err(anyhow::anyhow!(t!(
            "the site has no organisation list: put data/{} with the columns 名称,上级 (and 类型, 地区) there first",
            "网站还没有组织名单：请先放一个 data/{}，列为 名称,上级（可加 类型、地区）",
            resolve::orgs::FILE
        ))
        .into());
    };
    let scope: std::collections::BTreeSet<usize> = match org {
        Some(name) => {
            let Some(i) = cat.tree.find(name) else {
                let hint = cat
                    .tree
                    .nearest(name)
                    .map(|n| t!("; did you mean {n}?", "；是不是要写「{n}」？"))
                    .unwrap_or_default();
                return Err(anyhow::anyhow!(t!(
                    "{name} is not in data/{}{hint}",
                    "「{name}」不在 data/{} 中{hint}",
                    resolve::orgs::FILE
                ))
                .into());
            };
            cat.tree.subtree(i).into_iter().collect()
        }
        None => (0..cat.tree.orgs.len()).collect(),
    };
    let mut report = OversightReport { as_of: library.as_of, rows: Vec::new(), due: 0, missing: 0, late: 0 };
    for item in cat.items.iter().filter(|i| scope.contains(&i.org)) {
        use resolve::catalogue::State;
        let ob = &cat.obligations[item.obligation];
        let owed = &ob.periods[item.period];
        let (status, published, days) = match &item.state {
            State::Missing { overdue } => ("missing", None, *overdue),
            State::Late { published, days, .. } => ("late", Some(*published), *days),
            State::OnTime { .. } => {
                report.due += 1;
                continue;
            }
            State::NotDue => continue,
        };
        report.due += 1;
        if status == "missing" {
            report.missing += 1;
        } else {
            report.late += 1;
        }
        report.rows.push(ReportRow {
            org: cat.tree.orgs[item.org].name.clone(),
            category: ob.category.clone(),
            period: owed.key.clone(),
            due: owed.due,
            status,
            published,
            days,
        });
    }
    Ok(report)
}

/// A row's status as the report says it.
fn status_zh(status: &str) -> &'static str {
    if status == "missing" {
        "未公开"
    } else {
        "逾期公开"
    }
}

impl OversightReport {
    /// One line a row, tab-separated: organisation, category, period, and what is owed.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for r in &self.rows {
            let published =
                r.published.map(|d| format!("，{}公开", text::format_date_zh(d))).unwrap_or_default();
            out.push_str(&format!(
                "{}\t{}\t{}\t{}{}天（应于{}前公开{}）\n",
                r.org,
                r.category,
                r.period,
                status_zh(r.status),
                r.days,
                text::format_date_zh(r.due),
                published
            ));
        }
        out
    }

    /// The rows as CSV with a header, UTF-8 with a BOM so that Excel on the clerk's machine
    /// reads it.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        w.write_record(["组织", "类别", "期间", "应公开日期", "状态", "公开日期", "天数"])?;
        for r in &self.rows {
            let published = r.published.map(|d| d.to_string()).unwrap_or_default();
            w.write_record([
                r.org.as_str(),
                &r.category,
                &r.period,
                &r.due.to_string(),
                status_zh(r.status),
                &published,
                &r.days.to_string(),
            ])?;
        }
        Ok(w.into_inner()?)
    }

    /// The closing line: as of when, how many items were due, missing and late.
    pub fn summary(&self) -> String {
        format!(
            "截至{}：应公开{}项，未公开{}项，逾期公开{}项",
            text::format_date_zh(self.as_of),
            self.due,
            self.missing,
            self.late
        )
    }
}
