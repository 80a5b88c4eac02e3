//! `gongkai new` and `gongkai init`: skeletons a clerk fills in, and a new site that builds
//! at once.

use crate::content::Kind;
use crate::text::slugify;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The skeleton of a new entry of `kind`, front matter filled in.
pub fn skeleton(kind: Kind, title: &str, date: NaiveDate) -> String {
    let title = toml::Value::String(title.to_string()).to_string();
    match kind {
        Kind::Case => format!(
            "+++\ntitle = {title}\npublisher = \"\"\nauthors = []\ndate = {date}\nregion = \"\"\ntags = []\ncommentary = \"\"\"\n（点评）\n\"\"\"\n+++\n\n（举措：写明做法、步骤和成效。）\n"
        ),
        Kind::Disclosure => format!(
            "+++\ntitle = {title}\norg = \"\"\ncategory = \"发展党员\"\nperiod = \"{year}\"\npublished = {date}\nnotice_days = 5\nworking_days = true\ncontact = \"监督电话：\"\n+++\n\n（公示正文：依据、内容、公示期、反映方式。）\n\n| 姓名 | 性别 | 出生年月 | 学历 |\n| --- | --- | --- | --- |\n|  |  |  |  |\n",
            year = chrono::Datelike::year(&date)
        ),
        Kind::Review => format!(
            "+++\ntitle = {title}\nsubtitle = \"\"\nyear = {year}\ndate = {date}\nregion = \"\"\nauthors = []\ntags = []\n+++\n\n## 一、\n\n（正文）\n",
            year = chrono::Datelike::year(&date)
        ),
        Kind::Page => format!("+++\ntitle = {title}\n+++\n\n（正文）\n"),
    }
}

/// Writes a new entry under `root/content/<kind folder>/` and returns its path. The file name
/// is the date and the title, which is how a clerk looks for it in a file manager.
pub fn new_entry(root: &Path, kind: Kind, title: &str, date: NaiveDate) -> Result<PathBuf> {
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("the title `{title}` has no letters or characters to name the file after");
    }
    let dir = root.join("content").join(kind.folder());
    let path = dir.join(format!("{date}-{slug}.md"));
    if path.exists() {
        bail!("{} exists already; choose another title or edit that file", path.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(&path, skeleton(kind, title, date))
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

const SITE_TOML: &str = r#"title = "我的党建网站"
description = ""
base_url = "https://example.org/"
language = "zh-CN"
paginate = 20
organisation = ""

# 法定节假日与调休上班日，用于按工作日计算公示期
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
        "+++\ntitle = \"2024年度基层党建工作巡礼\"\nyear = 2024\ndate = 2024-12-31\n+++\n\n## 一、组织建设\n\n（正文）\n",
    ),
    ("content/about.md", "+++\ntitle = \"关于本站\"\n+++\n\n本站由 gongkai 生成。\n"),
];

/// Makes a new site in `dir`: settings, one sample of each kind, and the default theme.
pub fn init_site(dir: &Path) -> Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} is not empty; choose a new folder name", dir.display());
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![("site.toml".into(), SITE_TOML.as_bytes().to_vec())];
    files.extend(SAMPLES.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())));
    let theme = Path::new("themes/default");
    files.extend(crate::render::templates::TEMPLATES.iter().map(|(n, t)| {
        (theme.join("templates").join(n).to_string_lossy().into_owned(), t.as_bytes().to_vec())
    }));
    files.extend(
        crate::render::templates::STATICS
            .iter()
            .map(|(n, b)| (theme.join("static").join(n).to_string_lossy().into_owned(), b.to_vec())),
    );
    for (rel, bytes) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_escapes_the_title() {
        let s = skeleton(Kind::Case, "含\"引号\"的标题", NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        let fm = crate::content::front_matter::split(Path::new("a.md"), &s).unwrap().front;
        assert_eq!(fm.table["title"].as_str(), Some("含\"引号\"的标题"));
    }
}
