//! A disclosure printed for the notice board: one A4 page with the notice, its table, the
//! sign-off and the contact, and none of the site's navigation or link addresses.

mod common;

use common::{chromium_pdf, poppler};

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
