//! The organisation tree, from `data/orgs.csv`: columns 名称 (name) and 上级 (parent), with
//! 类型 (type: 党委, 党总支, 党支部…) and 地区 optional. A county organisation department
//! oversees hundreds of branches; the tree is what lets it ask which of them have not
//! disclosed.

use crate::data::{Dataset, Datasets};
use crate::text::slugify;
use crate::Diagnostic;
use serde::Serialize;
use std::collections::BTreeMap;

/// The dataset name the tree is read from; a spreadsheet of the same name serves as well.
pub const FILE: &str = "orgs.csv";
const SPREADSHEETS: [&str; 3] = ["orgs.xlsx", "orgs.ods", "orgs.xls"];

#[derive(Debug, Clone, Serialize)]
pub struct Org {
    pub name: String,
    pub parent: Option<usize>,
    pub kind: Option<String>,
    pub region: Option<String>,
    /// URL path of the organisation's page, ending in `/`.
    pub path: String,
    pub children: Vec<usize>,
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    /// In the file's order: parents need not come before their children.
    pub orgs: Vec<Org>,
    by_name: BTreeMap<String, usize>,
}

impl OrgTree {
    /// The tree of `data/orgs.csv`, `None` when the site has no such file.
    pub fn from_data(data: &Datasets) -> Option<Result<OrgTree, Vec<Diagnostic>>> {
        std::iter::once(FILE).chain(SPREADSHEETS).find_map(|name| data.find(name).ok()).map(read)
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.by_name.get(name.trim()).copied()
    }

    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.orgs.len()).filter(|&i| self.orgs[i].parent.is_none())
    }

    /// `i` and everything below it, parents before children, in file order.
    pub fn subtree(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut k = 0;
        while k < out.len() {
            out.extend(self.orgs[out[k]].children.iter().copied());
            k += 1;
        }
        out
    }

    /// The chain from the root down to `i`.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut chain = vec![i];
        // a checked tree has no loop; the bound keeps a mistake from hanging the build
        while let Some(p) =
            self.orgs[*chain.last().expect("not empty")].parent.filter(|_| chain.len() <= MAX_DEPTH)
        {
            chain.push(p);
        }
        chain.reverse();
        chain
    }

    /// The closest names to `name`, for a hint.
    pub fn nearest(&self, name: &str) -> Option<&str> {
        let names: Vec<&str> = self.by_name.keys().map(String::as_str).collect();
        crate::text::nearest(name, &names)
    }
}

fn read(ds: &Dataset) -> Result<OrgTree, Vec<Diagnostic>> {
    let col = |names: &[&str]| names.iter().find_map(|n| ds.columns.iter().position(|c| c.name == *n));
    let (Some(name_col), Some(parent_col)) =
        (col(&["名称", "组织名称", "name"]), col(&["上级", "上级组织", "parent"]))
    else {
        return Err(vec![Diagnostic::new(
            &ds.path,
            ds.header_line,
            t!("the organisation list needs the columns 名称 and 上级", "组织名单要有「名称」和「上级」两列"),
        )
        .with_hint(t!(
            "first line: 名称,上级,类型,地区 — 上级 is empty for the top organisation",
            "第一行写：名称,上级,类型,地区；最上级组织的「上级」空着"
        ))]);
    };
    let (kind_col, region_col) = (col(&["类型", "type"]), col(&["地区", "region"]));
    let cell = |row: &crate::data::Row, c: Option<usize>| {
        c.and_then(|c| row.cells.get(c)).map(|c| c.raw.trim().to_string()).filter(|s| !s.is_empty())
    };
    let mut errors = Vec::new();
    let mut tree = OrgTree::default();
    for row in &ds.rows {
        let Some(name) = cell(row, Some(name_col)) else {
            errors.push(Diagnostic::new(
                &ds.path,
                row.line,
                t!("this organisation has no name (名称)", "这个组织没有填写名称"),
            ));
            continue;
        };
        if let Some(&first) = tree.by_name.get(&name) {
            errors.push(
                Diagnostic::new(
                    &ds.path,
                    row.line,
                    t!(
                        "{name} is listed twice (first on line {})",
                        "「{name}」列了两次（第一次在第 {} 行）",
                        tree.orgs[first].line
                    ),
                )
                .with_hint(t!(
                    "each organisation is one row; give two organisations distinct full names",
                    "每个组织只占一行；两个不同的组织请写不同的全称"
                )),
            );
            continue;
        }
        tree.by_name.insert(name.clone(), tree.orgs.len());
        tree.orgs.push(Org {
            path: format!("orgs/{}/", slugify(&name)),
            name,
            parent: None,
            kind: cell(row, kind_col),
            region: cell(row, region_col),
            children: Vec::new(),
            line: row.line,
        });
    }
    let parents: Vec<Option<String>> = ds
        .rows
        .iter()
        .filter(|r| cell(r, Some(name_col)).is_some())
        .map(|r| cell(r, Some(parent_col)))
        .collect();
    let mut slugs: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..tree.orgs.len() {
        if let Some(first) = slugs.insert(tree.orgs[i].path.clone(), i) {
            let (a, b) = (&tree.orgs[first], &tree.orgs[i]);
            errors.push(Diagnostic::new(
                &ds.path,
                b.line,
                t!("{} and {} get the same web address", "「{}」和「{}」的网址相同", a.name, b.name),
            ));
        }
        let Some(Some(parent)) = parents.get(i) else { continue };
        match tree.find(parent) {
            Some(p) if p == i => errors.push(Diagnostic::new(
                &ds.path,
                tree.orgs[i].line,
                t!("{parent} is its own 上级", "「{parent}」的上级是它自己"),
            )),
            Some(p) => {
                tree.orgs[i].parent = Some(p);
                tree.orgs[p].children.push(i);
            }
            None => {
                let hint = match tree.nearest(parent) {
                    Some(n) => t!(
                        "did you mean {n}? every 上级 must be a 名称 in this file",
                        "是不是要写「{n}」？每个上级都必须是本文件中的一个名称"
                    ),
                    None => t!(
                        "every 上级 must be a 名称 in this file; leave it empty for the top organisation",
                        "每个上级都必须是本文件中的一个名称；最上级组织的上级空着"
                    ),
                };
                errors.push(
                    Diagnostic::new(
                        &ds.path,
                        tree.orgs[i].line,
                        t!("the 上级 {parent} is not in the list", "上级「{parent}」不在名单中"),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    errors.extend(loops(&tree, ds));
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(errors)
    }
}

/// How many levels a tree may have: 中央 → 省 → 市 → 县 → 乡镇 → 村 is six, and a deeper chain is
/// a mistake in the list (and would make every page repeat a very long breadcrumb).
pub const MAX_DEPTH: usize = 12;

/// Organisations whose chain of 上级 comes back to them, or runs deeper than [`MAX_DEPTH`]:
/// each walk up stops after that many steps, so a long chain costs no more than a short one.
fn loops(tree: &OrgTree, ds: &Dataset) -> Vec<Diagnostic> {
    #[derive(Clone, Copy, PartialEq)]
    enum Walk {
        Top,
        Loop,
        TooDeep,
    }
    let walk = |i: usize| {
        let mut at = tree.orgs[i].parent;
        for _ in 0..MAX_DEPTH {
            match at {
                None => return Walk::Top,
                Some(p) if p == i => return Walk::Loop,
                Some(p) => at = tree.orgs[p].parent,
            }
        }
        if at.is_none() {
            Walk::Top
        } else {
            Walk::TooDeep
        }
    };
    let walks: Vec<Walk> = (0..tree.orgs.len()).map(walk).collect();
    let mut errors = Vec::new();
    for (i, org) in tree.orgs.iter().enumerate() {
        let message = match walks[i] {
            Walk::Loop => t!("the 上级 of {} loop back to it", "「{}」的上级绕了一圈又回到它自己", org.name),
            // only where the chain first goes too deep, not for everything below
            Walk::TooDeep if org.parent.is_some_and(|p| walks[p] == Walk::Top) => {
                t!(
                    "{} is more than {MAX_DEPTH} levels below a top organisation",
                    "「{}」在最上级组织之下超过了 {MAX_DEPTH} 级",
                    org.name
                )
            }
            _ => continue,
        };
        errors.push(Diagnostic::new(&ds.path, org.line, message).with_hint(t!(
            "every chain of 上级 ends at one organisation with an empty 上级, within a few levels; follow the chain and correct it",
            "每条上级链都应在几级之内止于一个上级为空的组织；请顺着上级逐个核对并改正"
        )));
    }
    // a loop longer than the limit has no member whose parent reaches the top
    if let Some(i) = walks.iter().position(|w| *w == Walk::TooDeep).filter(|_| errors.is_empty()) {
        let org = &tree.orgs[i];
        errors.push(
            Diagnostic::new(
                &ds.path,
                org.line,
                t!(
                    "the chain of 上级 above {} never reaches a top organisation",
                    "「{}」往上的上级链到不了最上级组织",
                    org.name
                ),
            )
            .with_hint(t!(
                "the chain loops, or runs deeper than 12 levels: follow it and give the top organisation an empty 上级",
                "上级链绕成了圈，或超过了 12 级：请顺着核对，并把最上级组织的上级空着"
            )),
        );
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(csv: &str) -> Result<OrgTree, Vec<Diagnostic>> {
        let (data, errors) = Datasets::parse(&[("data/orgs.csv".into(), csv.as_bytes().to_vec())]);
        assert!(errors.is_empty(), "{errors:?}");
        OrgTree::from_data(&data).unwrap()
    }

    #[test]
    fn a_tree_with_children() {
        let t =
            tree("名称,上级,类型\n甲镇党委,,党委\n一村党支部,甲镇党委,党支部\n二村党支部,甲镇党委,党支部\n")
                .unwrap();
        let town = t.find("甲镇党委").unwrap();
        assert_eq!(t.subtree(town).len(), 3);
        assert_eq!(t.ancestors(t.find("二村党支部").unwrap()), [town, 2]);
    }

    #[test]
    fn unknown_parents_duplicates_and_loops_are_errors_with_lines() {
        let e = tree("名称,上级\n甲镇党委,\n一村党支部,甲鎮党委\n").unwrap_err();
        assert_eq!((e[0].line, e[0].hint.as_deref().unwrap_or("").contains("甲镇党委")), (3, true));
        let e = tree("名称,上级\n甲,\n甲,\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        let e = tree("名称,上级\n甲,乙\n乙,甲\n").unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("loop")), "{e:?}");
    }

    #[test]
    fn a_chain_deeper_than_the_limit_is_one_error_and_costs_little() {
        let mut csv = String::from("名称,上级\n组织0,\n");
        for i in 1..20_000 {
            csv.push_str(&format!("组织{i},组织{}\n", i - 1));
        }
        let e = tree(&csv).unwrap_err();
        assert_eq!(e.len(), 1, "{:?}", &e[..3.min(e.len())]);
        assert!(e[0].message.contains("组织13 is more than 12 levels"), "{}", e[0].message);
        let mut ring = String::from("名称,上级\n");
        for i in 0..30 {
            ring.push_str(&format!("组织{i},组织{}\n", (i + 1) % 30));
        }
        let e = tree(&ring).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
    }
}
