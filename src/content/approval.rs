//! The review record of a disclosure (审核/审批): the regulation's four steps are proposal →
//! confidentiality review → approval → release (党务公开条例 Art. 14; domain.md §1). A
//! disclosure may record who did each of the first three and when; the release is its
//! `published` date.

use crate::text::parse_date;
use crate::Diagnostic;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

/// `[approval]` as written: each step `{ by = "…", date = 2024-09-20 }`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalMeta {
    #[serde(alias = "提议")]
    proposed: Option<StepMeta>,
    #[serde(alias = "保密审查", alias = "审核")]
    checked: Option<StepMeta>,
    #[serde(alias = "审批")]
    approved: Option<StepMeta>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StepMeta {
    by: String,
    date: String,
}

/// One step done: by whom (a role or a name) and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 提议, 保密审查 or 审批.
    pub label: &'static str,
    pub by: String,
    pub date: NaiveDate,
}

/// The steps recorded, in the regulation's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub steps: Vec<Step>,
}

impl Approval {
    /// The approval (审批) step, if recorded.
    pub fn approved(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.label == "审批")
    }
}

/// Checks the record: dates read, steps in order and not after `published`, and `by` names a
/// role or a person, never a telephone number.
pub fn parse(
    rel: &Path,
    line: usize,
    meta: ApprovalMeta,
    published: NaiveDate,
) -> Result<Approval, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut steps = Vec::new();
    for (label, step) in [("提议", meta.proposed), ("保密审查", meta.checked), ("审批", meta.approved)]
    {
        let Some(step) = step else { continue };
        let by = step.by.trim().to_string();
        let digits = by.chars().filter(char::is_ascii_digit).count();
        if by.is_empty() || digits >= 5 {
            errors.push(
                Diagnostic::new(
                    rel,
                    line,
                    t!(
                        "approval: the {label} step must name a role or a person",
                        "审核记录（approval）：{label}这一步要写明职务或姓名"
                    ),
                )
                .with_hint(t!(
                    "write by = \"村党支部书记\" or a name; never a telephone number",
                    "写成 by = \"村党支部书记\" 或写姓名，不要写电话号码"
                )),
            );
            continue;
        }
        match parse_date(&step.date) {
            Ok(date) => steps.push(Step { label, by, date }),
            Err(e) => errors.push(Diagnostic::new(
                rel,
                line,
                t!("approval: {label}: {e}", "审核记录（approval）中的{label}：{e}"),
            )),
        }
    }
    for pair in steps.windows(2) {
        if pair[1].date < pair[0].date {
            errors.push(
                Diagnostic::new(
                    rel,
                    line,
                    t!(
                        "approval: {} is dated before {}",
                        "审核记录（approval）：{}的日期早于{}",
                        pair[1].label,
                        pair[0].label
                    ),
                )
                .with_hint(t!(
                    "the steps go 提议 → 保密审查 → 审批 → 发布, each on or after the one before",
                    "步骤依次为 提议 → 保密审查 → 审批 → 发布，每一步不早于上一步"
                )),
            );
        }
    }
    if let Some(last) = steps.last().filter(|s| s.date > published) {
        errors.push(
            Diagnostic::new(
                rel,
                line,
                t!(
                    "approval: {} on {} is after publication on {published}",
                    "审核记录（approval）：{}在 {}，晚于发布日期 {published}",
                    last.label,
                    last.date
                ),
            )
            .with_hint(t!(
                "a disclosure is released only after it is approved: check the dates",
                "党务公开要先审批后发布，请核对日期"
            )),
        );
    }
    if errors.is_empty() {
        Ok(Approval { steps })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(toml: &str) -> ApprovalMeta {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn steps_in_order_before_publication() {
        let d = |s| parse_date(s).unwrap();
        let m = meta("proposed = { by = \"支委会\", date = \"2024-09-20\" }\n\"审批\" = { by = \"书记\", date = \"2024-09-22\" }");
        let a = parse(Path::new("a.md"), 5, m, d("2024-09-27")).unwrap();
        assert_eq!(a.approved().map(|s| s.by.as_str()), Some("书记"));
        let late = meta("approved = { by = \"书记\", date = \"2024-09-30\" }");
        assert!(parse(Path::new("a.md"), 5, late, d("2024-09-27")).is_err());
        let order = meta("proposed = { by = \"a\", date = \"2024-09-22\" }\nchecked = { by = \"b\", date = \"2024-09-20\" }");
        assert!(parse(Path::new("a.md"), 5, order, d("2024-09-27")).is_err());
        let phone = meta("approved = { by = \"书记 0357-1234567\", date = \"2024-09-20\" }");
        assert_eq!(parse(Path::new("a.md"), 5, phone, d("2024-09-27")).unwrap_err()[0].line, 5);
    }
}
