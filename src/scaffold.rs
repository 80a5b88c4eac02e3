//! `gongkai new` and `gongkai init`: skeletons a clerk fills in, and a new site that builds
//! at once.

use crate::content::placeholder::blank;
use crate::content::Kind;
use crate::text::slugify;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The skeleton of a new entry of `kind`: what the title says is filled in (a disclosure's
/// category and period, a review's year); every other field a page prints is a blank
/// 「（待填写：…）」 that build and check refuse until it is replaced, so neither a skeleton nor an
/// empty field (a bare 「监督电话：」) is ever published. Optional fields are comments.
pub fn skeleton(kind: Kind, title: &str, date: NaiveDate) -> String {
    use crate::content::infer;
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let blank = |what: &str| quoted(&blank(what));
    let title_q = quoted(title);
    let year = infer::year(title).map_or_else(|| chrono::Datelike::year(&date), |(_, y)| y);
    match kind {
        Kind::Case => format!(
            "+++\ntitle = {title_q}\npublisher = {publisher}\nauthors = []\ndate = {date}\n\
             # region = \"山西省/运城市/绛县\"\n# tags = [\"组织生活\"]\ncommentary = {commentary}\n+++\n\n{body}\n",
            publisher = blank("发布单位，可在其后写作者姓名"),
            commentary = blank("点评"),
            body = blank("举措：写明做法、步骤和成效"),
        ),
        Kind::Disclosure => {
            let category = infer::category(title)
                .map(|c| quoted(c.label()))
                .unwrap_or_else(|| blank("类别，如 发展党员、党费收缴使用、财务公开"));
            let period = quoted(&infer::period(title).unwrap_or_else(|| year.to_string()));
            let recruitment = infer::category(title) == Some(crate::content::disclosure::Category::Recruitment);
            let table = if recruitment {
                format!("\n\n| 姓名 | 性别 | 出生年月 | 学历 |\n| --- | --- | --- | --- |\n| {b} | {b} | {b} | {b} |", b = blank("名单"))
            } else {
                String::new()
            };
            let notice = if title.contains("公示") { "notice_days = 5\nworking_days = true\n" } else { "" };
            format!(
                "+++\ntitle = {title_q}\norg = {org}\ncategory = {category}\nperiod = {period}\npublished = {date}\n\
                 {notice}contact = {contact}\n+++\n\n{body}{table}\n",
                org = blank("发布单位全称"),
                contact = blank("监督电话或联系地址"),
                body = blank("正文：依据、内容、公示期、反映方式"),
            )
        }
        Kind::Review => format!(
            "+++\ntitle = {title_q}\n# subtitle = \"\"\nyear = {year}\ndate = {date}\n# region = \"山西省/运城市/绛县\"\n\
             authors = []\n+++\n\n## 一、{heading}\n\n{body}\n",
            heading = blank("小标题"),
            body = blank("正文"),
        ),
        Kind::Page => format!("+++\ntitle = {title_q}\n+++\n\n{}\n", blank("正文")),
    }
}

/// Writes a new entry under `root/content/<kind folder>/` and returns its path. The file name
/// is the date and the title, which is how a clerk looks for it in a file manager.
pub fn new_entry(root: &Path, kind: Kind, title: &str, date: NaiveDate) -> Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!(t!(
            "the title `{title}` has no letters or characters to name the file after",
            "标题 `{title}` 中没有可用作文件名的文字或字母"
        ));
    }
    let dir = root.join("content").join(kind.folder());
    let path = dir.join(format!("{date}-{slug}.md"));
    if path.exists() {
        bail!(t!(
            "{} exists already; choose another title or edit that file",
            "{} 已经存在；请换一个标题，或直接编辑那个文件",
            path.display()
        ));
    }
    std::fs::create_dir_all(&dir).with_context(|| crate::locale::creating(&dir))?;
    let mut text = skeleton(kind, title, date);
    if kind == Kind::Case {
        // the address, written out: it stays when the title is corrected before publishing
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        text = crate::import::word::with_slug(&text, &name, &mut crate::import::Addresses::of(&dir));
    }
    std::fs::write(&path, text).with_context(|| crate::locale::writing(&path))?;
    Ok(path)
}

const SITE_TOML: &str = r#"title = "我的党建网站"
description = ""
base_url = "https://example.org/"
language = "zh-CN"
paginate = 20
organisation = ""

# 按工作日计算公示期：国务院公布的2020—2026年节假日与调休上班日已内置，
# 此处只需补充新的年份或更正某一天，如 holidays = ["2027-01-01"]
[calendar]
holidays = []
workdays = []
"#;

const SAMPLES: &[(&str, &str)] = &[
    (
        "content/cases/example-case.md",
        "+++\ntitle = \"“三会一课”固定日制度让组织生活规范起来\"\npublisher = \"某县委组织部\"\nauthors = [\"张三\"]\ndate = 2024-06-01\nregion = \"某省/某市/某县\"\ntags = [\"组织生活\"]\ncommentary = \"固定时间、固定内容，组织生活才能常态化。\"\n+++\n\n每月第一个星期五为支部主题党日，提前一周公布议题。\n",
    ),
    (
        "content/disclosures/example-notice.md",
        "+++\ntitle = \"某村党支部关于拟确定发展对象的公示\"\norg = \"某村党支部\"\ncategory = \"发展党员\"\nperiod = \"2024\"\npublished = 2024-06-03\nnotice_days = 5\nworking_days = true\ncontact = \"监督电话：0000-0000000\"\n+++\n\n经支部委员会研究，拟确定以下同志为发展对象，现予公示。\n\n| 姓名 | 性别 | 出生年月 |\n| --- | --- | --- |\n| 某某 | 男 | 1998年5月 |\n",
    ),
    (
        "content/reviews/example-review.md",
        "+++\ntitle = \"2024年度基层党建工作巡礼\"\nyear = 2024\ndate = 2024-12-31\n+++\n\n## 一、组织建设\n\n\
         全县共有党员{{ stat(data=\"党员统计.csv\", row=\"2024\", col=\"党员总数(名)\") }}名。\n\n\
         {{ chart(data=\"党员统计.csv\", x=\"年份\", y=[\"党员总数(名)\"], kind=\"bar\", title=\"党员总数\") }}\n",
    ),
    // statistics: a CSV (an .xlsx saved from Excel works the same) and its description
    ("data/党员统计.csv", "年份,党员总数(名),基层党组织(个)\n2022,11803,498\n2023,11920,501\n2024,12016,504\n"),
    (
        "data/党员统计.toml",
        "title = \"某县党员和基层党组织数量\"\nsource = \"某县委组织部\"\n[columns]\n\"年份\" = \"text\"\n\n[chart]\nkind = \"line\"\nx = \"年份\"\ny = [\"党员总数(名)\"]\n",
    ),
    // what a build writes is not source: the output, its lock and the archive cache
    (".gitignore", "/public\n/.public.*\n/.gongkai-cache\n/shards\n"),
    ("content/about.md", "+++\ntitle = \"关于本站\"\n+++\n\n本站由 gongkai 生成。\n"),
];

/// Makes a new site in `dir`: settings, one sample of each kind, a dataset with its chart and
/// a .gitignore. The theme stays embedded in gongkai (and so is updated with it); see
/// [`init_site_ejected`] for a copy to edit.
pub fn init_site(dir: &Path) -> Result<()> {
    init(dir, false)
}

/// [`init_site`] with the default theme copied into `themes/default/`, to change it file by
/// file (`gongkai init --eject-theme`).
pub fn init_site_ejected(dir: &Path) -> Result<()> {
    init(dir, true)
}

fn init(dir: &Path, eject_theme: bool) -> Result<()> {
    if dir.exists() && std::fs::read_dir(dir).with_context(|| crate::locale::reading(dir))?.next().is_some() {
        bail!(t!(
            "{} is not empty; choose a new folder name",
            "`{}` 不是空文件夹；请换一个新的文件夹名",
            dir.display()
        ));
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![("site.toml".into(), SITE_TOML.as_bytes().to_vec())];
    files.extend(SAMPLES.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())));
    let theme = Path::new("themes/default");
    let themed = if eject_theme { crate::render::templates::TEMPLATES } else { &[] };
    let statics = if eject_theme { crate::render::templates::STATICS } else { &[] };
    files.extend(themed.iter().map(|(n, t)| {
        (theme.join("templates").join(n).to_string_lossy().into_owned(), t.as_bytes().to_vec())
    }));
    files.extend(
        statics
            .iter()
            .map(|(n, b)| (theme.join("static").join(n).to_string_lossy().into_owned(), b.to_vec())),
    );
    for (rel, bytes) in files {
        let path = dir.join(rel);
        let parent = path.parent().expect("has a parent");
        std::fs::create_dir_all(parent).with_context(|| crate::locale::creating(parent))?;
        std::fs::write(&path, bytes).with_context(|| crate::locale::writing(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_infer_what_the_title_says_and_mark_every_blank() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
        let s = skeleton(Kind::Disclosure, "某村党支部2024年第四季度党费收缴使用情况公示", day);
        assert!(s.contains("category = \"党费收缴使用\"") && s.contains("period = \"2024Q4\""), "{s}");
        assert!(!s.contains("\"\"") && !s.contains("监督电话：\""), "nothing empty: {s}");
        let r = skeleton(Kind::Review, "2025年度基层党建巡礼", day);
        assert!(r.contains("year = 2025"), "{r}");
        for kind in [Kind::Case, Kind::Disclosure, Kind::Review, Kind::Page] {
            let s = skeleton(kind, "标题", day);
            assert!(!crate::content::placeholder::find(Path::new("a.md"), &s).is_empty(), "{kind:?}");
        }
    }

    #[test]
    fn skeleton_escapes_the_title() {
        let s = skeleton(Kind::Case, "含\"引号\"的标题", NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        let fm = crate::content::front_matter::split(Path::new("a.md"), &s).unwrap().front;
        assert_eq!(fm.table["title"].as_str(), Some("含\"引号\"的标题"));
    }
}
