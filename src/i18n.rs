//! UI strings, for render's pages and resolve's revision diff alike. Written once in simplified script; the traditional set is converted from it
//! with zhconv so the two can never drift apart.

use crate::text::Lang;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub type Strings = BTreeMap<&'static str, String>;

const HANS: &[(&str, &str)] = &[
    ("home", "首页"),
    ("case", "经验交流"),
    ("disclosure", "党务公开"),
    ("review", "年度巡礼"),
    ("page", "页面"),
    ("tags", "标签"),
    ("regions", "地区"),
    ("years", "年份"),
    ("publishers", "发布单位"),
    ("publisher", "发布者"),
    ("authors", "作者"),
    ("highlight", "亮点"),
    ("measures", "举措"),
    ("commentary", "点评"),
    ("source", "来源"),
    ("reading_time", "阅读约"),
    ("minutes", "分钟"),
    ("chars", "字"),
    ("published", "发布日期"),
    ("org", "公开单位"),
    ("category", "公开类别"),
    ("period", "所属期间"),
    ("notice_window", "公示期"),
    ("contact", "监督联系方式"),
    ("audience", "公开范围"),
    ("prev", "上一页"),
    ("next", "下一页"),
    ("page_n", "页"),
    ("pages_nav", "分页"),
    ("about", "关于本站"),
    ("sitemap", "网站地图"),
    ("sponsor", "主办"),
    ("internal_note", "本版本仅供党内阅览，请勿对外发布"),
    ("latest_cases", "最新经验交流"),
    ("open_notices", "正在公示"),
    ("no_open_notices", "目前没有正在公示的事项。"),
    ("latest_review", "最新年度巡礼"),
    ("latest_disclosures", "最新党务公开"),
    ("all", "查看全部"),
    ("not_found", "页面未找到"),
    ("not_found_text", "您要找的页面不存在，可能已移动。请从首页重新查找。"),
    ("back_home", "返回首页"),
    ("text_size", "字号"),
    ("size_normal", "标准"),
    ("size_large", "大字"),
    ("skip", "跳到正文"),
    ("feed", "订阅"),
    ("toc", "目录"),
    ("as_of", "信息截至"),
    ("count", "篇"),
    // the chart and table shortcodes; `{total}`, `{shown}`, `{others}`, `{n}` are figures
    ("chart_table", "数据表"),
    ("chart_unit", "单位"),
    ("data_source", "数据来源："),
    ("download_csv", "下载数据（CSV）"),
    ("chart_sampled", "（共{total}行，图中按等间隔取{shown}行，首尾两行都在内）"),
    ("chart_others", "（共{total}项，图中列出最大的{shown}项，其余{others}项合为「其他」）"),
    ("chart_other_slice", "其他（{n}项）"),
    ("table_note", "共{total}行，此处列出前{shown}行；全部数据见数据页或下载的文件。"),
    ("chart_bar", "柱状图"),
    ("chart_line", "折线图"),
    ("chart_stacked", "堆积柱状图"),
    ("chart_pie", "饼图"),
    ("print", "打印"),
    ("main_nav", "主导航"),
    ("breadcrumb", "位置"),
    ("to", "至"),
    ("archive", "历年版本"),
    ("data", "统计数据"),
    // the data pages: a figure goes between the two halves of a sentence
    ("data_intro", "本站文章中的数字和图表都取自下列数据表，共"),
    ("data_intro_end", "份。表格可下载为 CSV（UTF-8 编码，Excel 可直接打开）。"),
    ("rows_n", "行"),
    ("columns_n", "列"),
    ("data_size", "规模"),
    ("download", "下载"),
    ("original_sheet", "原表格"),
    ("csv_note", "CSV，UTF-8 编码，Excel 可直接打开；原文件为"),
    ("original_note", "原表格，与保存时完全相同"),
    ("rows_per_page", "行，每页"),
    ("items_n", "项"),
    ("no_editions", "尚无发布版本。用"),
    ("no_editions_command", "gongkai release 版本号 --note \"说明\""),
    ("no_editions_end", "发布第一个版本。"),
    ("archive_intro", "每个版本都是当时发布的完整网站，原样保存，可逐字核对。"),
    ("added", "新增"),
    ("changed", "修改"),
    ("removed", "删除"),
    ("pages", "页"),
    ("edition", "版本"),
    ("version_n", "版"),
    ("revisions", "修订记录"),
    ("earlier_versions", "历次版本"),
    ("content_hash", "内容校验码"),
    ("qr_label", "二维码，网上原文地址："),
    ("qr_hint", "扫码或访问下列网址，可核对网上原文与校验码"),
    ("diff", "与上一版的差异"),
    ("diff_change", "变动"),
    ("diff_was", "原"),
    ("diff_now", "现"),
    ("current", "当前"),
    ("open", "公示中"),
    ("closed", "已结束"),
    ("upcoming", "即将公示"),
    ("today", "今天"),
    ("notice_ends", "公示至"),
    ("issuer", "发布机构"),
    ("size_big", "大"),
    ("size_medium", "中"),
    ("size_small", "小"),
    ("print_page", "打印本页"),
    ("corrected", "更正说明"),
    ("now_version", "本文现为"),
    ("see_revisions", "查看修订记录与前后差异"),
    ("categories", "按类别"),
    ("orgs", "按单位"),
    // the old address of a page (issue 15)
    ("moved_title", "本页地址已更改"),
    ("moved_text", "您访问的是本文的旧网址。本文现在的网址见下，浏览器将自动前往："),
    ("moved_address", "新网址："),
    ("moved_hint", "如未自动跳转，请点击上面的标题。请更新收藏夹或引用中的链接。"),
    // oversight (issue 17)
    ("org_tree", "组织与公开目录"),
    ("catalogue", "公开目录"),
    ("on_time", "按时公开"),
    ("late_days", "逾期{n}天"),
    ("late", "逾期公开"),
    ("missing", "未公开"),
    ("not_due", "未到期"),
    ("rate", "公开率"),
    ("children_orgs", "下级组织"),
    ("parent_org", "上级组织"),
    ("org_type", "组织类型"),
    ("subtree_rate", "本级及下级公开率"),
    ("missing_children", "有未公开事项的下级组织"),
    ("due_rule", "期满后{n}天内公开"),
    ("due_items", "应公开"),
    ("org_disclosures", "本单位公开事项"),
    ("approval", "审核审批"),
    ("no_missing", "各项均已公开或未到期。"),
    ("rates_by_child", "下级组织公开率"),
    // search (issue 7); `{n}` is replaced by search.js
    ("search", "搜索"),
    ("search_site", "搜索本站"),
    ("search_words", "关键词"),
    ("search_hint", "可输入多个词，用空格分开；简体、繁体均可"),
    ("search_kind", "类别"),
    ("search_any_kind", "全部类别"),
    ("search_any_region", "全部地区"),
    ("search_any_year", "全部年份"),
    ("search_found", "找到{n}条结果"),
    ("search_none", "没有找到相关内容，请换个词试试"),
    ("search_loading", "正在搜索……"),
    ("search_more", "显示更多结果"),
    ("search_failed", "搜索索引未能载入，请确认网站文件完整"),
    ("search_needs_js", "搜索在浏览器中运行，需要启用 JavaScript。也可以按地区、年份、标签浏览。"),
];

/// A label written in simplified script (a category's, a notice's status), in `lang`.
pub fn in_script(label: &'static str, lang: Lang) -> std::borrow::Cow<'static, str> {
    match lang {
        Lang::Hans => std::borrow::Cow::Borrowed(label),
        Lang::Hant => std::borrow::Cow::Owned(zhconv::zhconv(label, zhconv::Variant::ZhHant)),
    }
}

/// The UI strings in `lang`; converted once per process.
pub fn strings(lang: Lang) -> &'static Strings {
    static HANS_SET: OnceLock<Strings> = OnceLock::new();
    static HANT_SET: OnceLock<Strings> = OnceLock::new();
    match lang {
        Lang::Hans => HANS_SET.get_or_init(|| HANS.iter().map(|(k, v)| (*k, v.to_string())).collect()),
        Lang::Hant => HANT_SET.get_or_init(|| {
            HANS.iter().map(|(k, v)| (*k, zhconv::zhconv(v, zhconv::Variant::ZhHant))).collect()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_strings_follow_the_simplified() {
        let t = strings(Lang::Hant);
        assert_eq!(t["publisher"], "發布者");
        assert_eq!(t["highlight"], "亮點");
        assert_eq!(t["measures"], "舉措");
        assert_eq!(t["commentary"], "點評");
        assert_eq!(t.len(), strings(Lang::Hans).len());
    }
}
