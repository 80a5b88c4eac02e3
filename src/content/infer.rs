//! What a disclosure's title already says: its category (「党费」 → 党费收缴使用) and period
//! (「2024年第四季度」 → 2024Q4, 「2025年度」 → 2025). `gongkai new` and the Word importer fill
//! these in, so a clerk does not type twice what the title says.

use super::disclosure::Category;

/// Words in a title, in the order they are tried, and the category they mean.
const WORDS: &[(&str, Category)] = &[
    ("党费", Category::Dues),
    ("发展对象", Category::Recruitment),
    ("发展党员", Category::Recruitment),
    ("入党积极分子", Category::Recruitment),
    ("预备党员", Category::Recruitment),
    ("转正", Category::Recruitment),
    ("换届", Category::Election),
    ("选举", Category::Election),
    ("民主评议", Category::Appraisal),
    ("评议党员", Category::Appraisal),
    ("三会一课", Category::OrgLife),
    ("主题党日", Category::OrgLife),
    ("组织生活", Category::OrgLife),
    ("处分", Category::Discipline),
    ("财务", Category::Finance),
    ("收支", Category::Finance),
    ("服务群众", Category::Service),
    ("为民办实事", Category::Service),
    ("贯彻落实", Category::Implementation),
];

/// The category a title names, if any word of it does.
pub fn category(title: &str) -> Option<Category> {
    let title = zhconv::zhconv(title, zhconv::Variant::ZhHans);
    WORDS.iter().find(|(w, _)| title.contains(w)).map(|(_, c)| *c)
}

/// The period a title names, written as the `period` key takes it: `2024Q4`, `2024-10`,
/// `2024-01-01/2024-06-30` for 上半年, or `2025`.
pub fn period(title: &str) -> Option<String> {
    let title = zhconv::zhconv(title, zhconv::Variant::ZhHans);
    let (at, year) = year(&title)?;
    let rest = &title[at..];
    let quarter = ["一", "二", "三", "四"]
        .iter()
        .enumerate()
        .find(|(i, q)| rest.contains(&format!("第{q}季度")) || rest.contains(&format!("第{}季度", i + 1)));
    if let Some((i, _)) = quarter {
        return Some(format!("{year}Q{}", i + 1));
    }
    if rest.contains("上半年") {
        return Some(format!("{year}-01-01/{year}-06-30"));
    }
    if rest.contains("下半年") {
        return Some(format!("{year}-07-01/{year}-12-31"));
    }
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let month =
        digits.parse::<u32>().ok().filter(|m| (1..=12).contains(m) && rest[digits.len()..].starts_with('月'));
    Some(match month {
        Some(m) => format!("{year}-{m:02}"),
        None => year.to_string(),
    })
}

/// The first `YYYY年` of a title: the byte just after 年, and the year.
pub fn year(title: &str) -> Option<(usize, i32)> {
    title.match_indices('年').find_map(|(i, _)| {
        let digits = title[..i].chars().rev().take_while(char::is_ascii_digit).count();
        let y = title[i - digits..i].parse::<i32>().ok().filter(|_| digits == 4)?;
        super::disclosure::PERIOD_YEARS.contains(&y).then_some((i + '年'.len_utf8(), y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_from_titles() {
        assert_eq!(category("某村党支部2024年第四季度党费收缴使用情况公示"), Some(Category::Dues));
        assert_eq!(category("关于拟确定发展对象的公示"), Some(Category::Recruitment));
        assert_eq!(category("某支部黨費公示"), Some(Category::Dues), "traditional script too");
        assert_eq!(category("通知"), None);
    }

    #[test]
    fn periods_from_titles() {
        assert_eq!(period("2024年第四季度党费收缴使用情况").as_deref(), Some("2024Q4"));
        assert_eq!(period("2025年度民主评议党员结果公示").as_deref(), Some("2025"));
        assert_eq!(period("2024年10月财务公开").as_deref(), Some("2024-10"));
        assert_eq!(period("2023年上半年党费公示").as_deref(), Some("2023-01-01/2023-06-30"));
        assert_eq!(period("关于发展对象的公示"), None);
        assert_eq!(period("12024年"), None);
    }
}
