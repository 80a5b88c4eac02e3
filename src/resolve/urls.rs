//! How a link in a page is read: whether it leaves the site, and which path below the site
//! root it reaches. Shared by the audience rule (what a page links to) and the link check
//! (whether that exists once rendered).

pub fn is_external(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
    !scheme.is_empty()
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '.' || c == '-')
        || url.starts_with("//")
}

/// The path segments a link from the page at `base` to `target` (decoded) reaches: `None` when
/// `..` climbs past the site root, or, with `clamp`, the root itself, as a browser takes it.
pub fn join<'a>(base: &'a str, target: &'a str, clamp: bool) -> Option<Vec<&'a str>> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && !clamp {
                    return None;
                }
            }
            s => parts.push(s),
        }
    }
    Some(parts)
}

/// The output file a link from the page at `base` (e.g. `cases/a/`) reaches, if any.
pub fn resolve(base: &str, target: &str, exists: &dyn Fn(&str) -> bool) -> Option<String> {
    let target = percent_decode(target);
    let parts = join(base, &target, false)?;
    let joined = parts.join("/");
    [joined.clone(), format!("{joined}/index.html"), format!("{joined}index.html")]
        .into_iter()
        .map(|c| c.trim_start_matches('/').to_string())
        .find(|c| exists(c))
}

pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_root_links_resolve() {
        let files = ["about/index.html", "cases/b/index.html", "style.css"];
        let exists = |p: &str| files.contains(&p);
        assert_eq!(resolve("cases/a/", "../b/", &exists).as_deref(), Some("cases/b/index.html"));
        assert_eq!(resolve("cases/a/", "/about/", &exists).as_deref(), Some("about/index.html"));
        assert_eq!(resolve("cases/a/", "../../style.css", &exists).as_deref(), Some("style.css"));
        assert_eq!(resolve("cases/a/", "../../../../etc", &exists), None);
        assert_eq!(resolve("cases/a/", "../c/", &exists), None);
    }

    #[test]
    fn external_links_are_recognised() {
        assert!(is_external("https://example.org"));
        assert!(is_external("mailto:a@b.c"));
        assert!(!is_external("../a/"));
        assert!(!is_external("#锚点"));
    }
}
