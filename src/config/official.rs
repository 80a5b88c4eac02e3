//! The official holiday calendars gongkai ships: the State Council General Office's yearly
//! notice on public holidays (国务院办公厅关于某年部分节假日安排的通知), holidays and the make-up
//! working days (调休上班) it names, so that a notice's working days count right without any
//! `[calendar]` in site.toml. Written from the published notices, and each year checked
//! against the notice's text as published (Xinhua's release, reprinted by the papers and
//! government sites named):
//!
//! - 2020: 国办发明电〔2019〕16号 of 21 November 2019 (新华社, news.chengdu.cn), with the Spring
//!   Festival extended to 2 February by 国办发明电〔2020〕1号 of 26 January 2020 (中国政府网 via
//!   news.iqilu.com; so 1 February, first a make-up day, became a holiday);
//! - 2021: 国办发明电〔2020〕27号 of 25 November 2020 (中国政府网 via cncaprc.cn);
//! - 2022: 国办发明电〔2021〕11号 of 25 October 2021 (beijing.gov.cn);
//! - 2023: 国办发明电〔2022〕16号 of 8 December 2022 (国务院公报 2023年第1号, Wikisource);
//! - 2024: 国办发明电〔2023〕7号 of 25 October 2023 (国务院公报 2023年第31号, Wikisource;
//!   人民日报 26 October 2023);
//! - 2025: 国办发明电〔2024〕12号 of 12 November 2024 (新华网 via gmw.cn), the first under the
//!   2024 rules, with 春节 and 劳动节 one day longer;
//! - 2026: the notice of 4 November 2025 (新华社 via gmw.cn; the reprints found carry no
//!   document number).
//!
//! Each range is the whole 放假 span as the notice gives it, weekends inside it included. A new
//! year's notice (published each November) is one more entry here; until then a site adds it
//! under `[calendar]`, and a notice window reaching a year not here is a warning.

/// One year's notice: the year, its holidays as first and last day, its make-up working days;
/// dates as `MM-DD` of that year unless written `YYYY-MM-DD`.
pub type Notice = (i32, &'static [(&'static str, &'static str)], &'static [&'static str]);

pub const NOTICES: &[Notice] = &[
    (
        2020,
        &[
            ("01-01", "01-01"), // 元旦
            ("01-24", "02-02"), // 春节, extended
            ("04-04", "04-06"), // 清明
            ("05-01", "05-05"), // 劳动节
            ("06-25", "06-27"), // 端午
            ("10-01", "10-08"), // 国庆、中秋
        ],
        &["01-19", "04-26", "05-09", "06-28", "09-27", "10-10"],
    ),
    (
        2021,
        &[
            ("01-01", "01-03"),
            ("02-11", "02-17"),
            ("04-03", "04-05"),
            ("05-01", "05-05"),
            ("06-12", "06-14"),
            ("09-19", "09-21"), // 中秋
            ("10-01", "10-07"),
        ],
        &["02-07", "02-20", "04-25", "05-08", "09-18", "09-26", "10-09"],
    ),
    (
        2022,
        &[
            ("01-01", "01-03"),
            ("01-31", "02-06"),
            ("04-03", "04-05"),
            ("04-30", "05-04"),
            ("06-03", "06-05"),
            ("09-10", "09-12"),
            ("10-01", "10-07"),
        ],
        &["01-29", "01-30", "04-02", "04-24", "05-07", "10-08", "10-09"],
    ),
    (
        2023,
        &[
            ("2022-12-31", "01-02"), // 元旦
            ("01-21", "01-27"),
            ("04-05", "04-05"),
            ("04-29", "05-03"),
            ("06-22", "06-24"),
            ("09-29", "10-06"), // 中秋、国庆
        ],
        &["01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08"],
    ),
    (
        2024,
        &[
            ("01-01", "01-01"),
            ("02-10", "02-17"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("06-10", "06-10"), // 端午, joined to the weekend
            ("09-15", "09-17"),
            ("10-01", "10-07"),
        ],
        &["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
    ),
    (
        2025,
        &[
            ("01-01", "01-01"),
            ("01-28", "02-04"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("05-31", "06-02"),
            ("10-01", "10-08"), // 国庆、中秋
        ],
        &["01-26", "02-08", "04-27", "09-28", "10-11"],
    ),
    (
        2026,
        &[
            ("01-01", "01-03"),
            ("02-15", "02-23"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("06-19", "06-21"),
            ("09-25", "09-27"),
            ("10-01", "10-07"),
        ],
        &["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    ),
];

/// `MM-DD` of `year`, or a full `YYYY-MM-DD`.
pub fn day(year: i32, text: &str) -> chrono::NaiveDate {
    let full = if text.len() == 5 { format!("{year}-{text}") } else { text.to_string() };
    // the table above is fixed and tested: every entry is a real date
    chrono::NaiveDate::parse_from_str(&full, "%Y-%m-%d").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// Each holiday as long as its notice says (共N天) and as many make-up days as it names,
    /// year by year, in the notices' order.
    #[test]
    fn every_year_as_its_notice_counts_it() {
        let said: &[(i32, &[i64], usize)] = &[
            (2020, &[1, 10, 3, 5, 3, 8], 6), // 春节 7 days, extended by 3
            (2021, &[3, 7, 3, 5, 3, 3, 7], 7),
            (2022, &[3, 7, 3, 5, 3, 3, 7], 7),
            (2023, &[3, 7, 1, 5, 3, 8], 7),
            (2024, &[1, 8, 3, 5, 1, 3, 7], 8), // 元旦 and 端午 one day, joined to the weekend
            (2025, &[1, 8, 3, 5, 3, 8], 5),
            (2026, &[3, 9, 3, 5, 3, 3, 7], 6),
        ];
        assert_eq!(super::NOTICES.len(), said.len());
        for ((year, holidays, workdays), (y, lengths, makeup)) in super::NOTICES.iter().zip(said) {
            assert_eq!(year, y);
            let days: Vec<i64> = holidays
                .iter()
                .map(|(a, b)| (super::day(*year, b) - super::day(*year, a)).num_days() + 1)
                .collect();
            assert_eq!(days, *lengths, "{year}");
            assert_eq!(workdays.len(), *makeup, "{year}");
        }
    }
}
