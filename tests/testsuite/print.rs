//! A disclosure printed for the notice board: one A4 page with the notice, its table, the
//! sign-off and the contact, and none of the site's navigation or link addresses.

use crate::common::{self, chromium_pdf, keep, poppler, zbarimg};

#[test]
fn notice_prints_as_one_clean_a4_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_example(&out);
    let page = out.join("disclosures/2024-development-candidates/index.html");
    let pdf = chromium_pdf(&format!("file://{}", page.display()), dir.path());
    let pdf = pdf.to_str().unwrap();

    let info = poppler("pdfinfo", &[pdf]);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    assert!(info.contains("(A4)"), "{info}");

    let text = poppler("pdftotext", &["-layout", pdf, "-"]);
    for expected in
        ["关于拟确定发展对象的公示", "王某某", "1999年11月", "红旗村党支部", "2024年9月27日", "0357-5551234"]
    {
        assert!(text.contains(expected), "the printed notice lacks {expected}:\n{text}");
    }
    for unwanted in ["首页", "经验交流", "file://", "跳到正文", "字号"] {
        assert!(!text.contains(unwanted), "the printed notice shows {unwanted}:\n{text}");
    }
    // the sign-off closes the notice: organisation, then date, after the table
    let table = text.find("李某某").unwrap();
    let signoff = text.rfind("2024年9月27日").unwrap();
    assert!(signoff > table, "the sign-off comes after the table:\n{text}");
}

/// Issue 15: the party-fee and 三会一课 notices print as one A4 page each, with the whole
/// table inside the text block, no screen widgets, and a QR code that reads back as the page's
/// address with its content hash, so the paper can be checked against the web.
#[test]
fn notices_print_on_one_page_with_the_whole_table_and_a_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    common::build_example(&out);
    let cases: [(&str, &[&str]); 2] = [
        (
            "2024q4-party-fees",
            &[
                "季度",
                "应交党员(名)",
                "上缴镇党委(元)",
                "2024年第一季度",
                "2024年第四季度",
                "1,236.00",
                "1,248.00",
                "1,262.00",
            ],
        ),
        (
            "2024q3-three-meetings",
            &["日期", "实到", "2024年7月5日", "2024年9月13日", "书记讲党课", "讨论拟确定发展对象"],
        ),
    ];
    for (slug, cells) in cases {
        let page = out.join(format!("disclosures/{slug}/index.html"));
        let html = std::fs::read_to_string(&page).unwrap();
        let hash = html.split("<code>").nth(1).and_then(|s| s.split("</code>").next()).unwrap();
        let work = dir.path().join(slug);
        std::fs::create_dir_all(&work).unwrap();
        let pdf = chromium_pdf(&format!("file://{}", page.display()), &work);
        keep(&pdf, &format!("print-{slug}.pdf"));
        let pdf = pdf.to_str().unwrap();

        let info = poppler("pdfinfo", &[pdf]);
        assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{slug}: {info}");
        assert!(info.contains("(A4)"), "{info}");

        let text = poppler("pdftotext", &[pdf, "-"]);
        for cell in cells {
            assert!(text.contains(cell), "{slug}: the printed table lacks {cell}:\n{text}");
        }
        for unwanted in ["数据表", "下载数据", "公示期满", "查看修订记录", "首页"] {
            assert!(!text.contains(unwanted), "{slug}: the print shows {unwanted}:\n{text}");
        }
        assert!(text.matches("数据来源").count() <= 1, "{slug}: the source line is printed twice:\n{text}");

        let png = work.join("page");
        poppler("pdftoppm", &["-r", "150", "-png", "-singlefile", pdf, png.to_str().unwrap()]);
        let png = png.with_extension("png");
        keep(&png, &format!("print-{slug}.png"));
        let read = zbarimg(&png);
        let address = format!("https://example.org/disclosures/{slug}/?v={hash}");
        assert_eq!(read.trim(), address, "{slug}: the QR code does not give the page's address");
        assert!(text.contains(&address), "{slug}: the address is printed beside the code:\n{text}");
    }
}
