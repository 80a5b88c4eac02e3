//! The QR code on a printed page: the page's address with its content hash, so a reader of
//! the paper on the notice board can open the web copy and see whether the two still agree.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// What a path keeps unescaped: a phone's scanner must get a URL it can open as is, and
/// Chinese folder names (publishers/红旗村党支部/) are not.
const PATH: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>').add(b'?').add(b'`');

/// The address printed and encoded: `base_url` + `path` + `?v=HASH`. The query is ignored by a
/// static server, so the address opens the live page, and the hash tells which text was printed.
pub fn address(base_url: &str, path: &str, hash: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let path = utf8_percent_encode(path.trim_start_matches('/'), PATH);
    format!("{base}/{path}?v={hash}")
}

/// The code as an inline SVG, sized by CSS. `None` when the address is too long for a code
/// (it never is for a site's own address, but the print must not fail over it).
pub fn svg(address: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(address, qrcode::EcLevel::M).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().module_dimensions(4, 4).quiet_zone(true).build();
    let start = svg.find("<svg")?;
    let label = crate::text::escape_html(label);
    Some(svg[start..].replacen(
        "<svg ",
        &format!("<svg class=\"qr\" role=\"img\" aria-label=\"{label}\" "),
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_joins_base_path_and_hash() {
        assert_eq!(
            address("https://example.org/", "disclosures/a/", "0123abcd"),
            "https://example.org/disclosures/a/?v=0123abcd"
        );
        assert_eq!(
            address("https://example.org/site", "publishers/红旗/", "x"),
            "https://example.org/site/publishers/%E7%BA%A2%E6%97%97/?v=x"
        );
    }

    #[test]
    fn svg_is_inline_and_labelled() {
        let svg = svg("https://example.org/", "扫码核对").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"扫码核对\""), "{svg}");
        assert!(!svg.contains("<?xml"));
    }
}
