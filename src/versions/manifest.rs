//! Manifests: what a release or a built site consists of, file by file, with SHA-256 hashes,
//! and the chain that ties each release to the one before it.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped when the manifest's shape changes, so an old verifier refuses what it cannot read.
/// Format 2 chains releases (`previous`) and commits to their sources (`sources_root`); the
/// site manifest lists its releases.
pub const FORMAT: u32 = 2;

/// The oldest format still read: format 1 releases stay part of a site's history.
pub const OLDEST_FORMAT: u32 = 1;

/// The name of the manifest a build publishes at the root of the site.
pub const SITE_MANIFEST: &str = "manifest.json";

/// The signature of `manifest.json` (hex ed25519 over its bytes), written by `build --key`.
pub const SITE_SIGNATURE: &str = "manifest.json.sig";

use crate::digest::{generator, sha256};

/// Reads only the `format` of a manifest, so one from a newer gongkai is refused by name
/// rather than as a missing or unknown field.
pub fn format_of(bytes: &[u8], what: &str) -> Result<u32> {
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let Format { format } = serde_json::from_slice(bytes)
        .with_context(|| t!("{what} is not a gongkai manifest", "{what} 不是 gongkai 的清单文件"))?;
    if !(OLDEST_FORMAT..=FORMAT).contains(&format) {
        bail!(t!(
            "{what} has manifest format {format}, this gongkai reads formats {OLDEST_FORMAT} to {FORMAT}; use the gongkai that made it, or a newer one",
            "{what} 的清单格式是 {format}，这个版本的 gongkai 只能读格式 {OLDEST_FORMAT} 到 {FORMAT}；请用生成它的 gongkai，或更新的版本"
        ));
    }
    Ok(format)
}

/// Every output file of a build, as published in the site for `gongkai verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteManifest {
    pub format: u32,
    pub generator: String,
    /// Each release the site carries, with the hash of its published manifest
    /// (`archive/VERSION.json`): an edition removed together with its `outputs` entries is
    /// still missed. Format 1 has none.
    #[serde(default)]
    pub releases: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
}

impl SiteManifest {
    pub fn of(files: &[crate::render::Output]) -> SiteManifest {
        use rayon::prelude::*;
        let hashed: Vec<(String, String)> = files
            .par_iter()
            .filter(|(p, _)| p != SITE_MANIFEST && p != SITE_SIGNATURE)
            .map(|(p, b)| (p.clone(), sha256(b)))
            .collect();
        SiteManifest::from_hashes(hashed.into_iter().collect())
    }

    /// From hashes already computed (by `serve`, which keeps them between edits).
    pub fn from_hashes(outputs: BTreeMap<String, String>) -> SiteManifest {
        SiteManifest { format: FORMAT, generator: generator(), releases: BTreeMap::new(), outputs }
    }

    pub fn with_releases(mut self, releases: BTreeMap<String, String>) -> SiteManifest {
        self.releases = releases;
        self
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<SiteManifest> {
        format_of(bytes, what)?;
        serde_json::from_slice(bytes)
            .with_context(|| t!("{what} is not a gongkai site manifest", "{what} 不是 gongkai 的网站清单"))
    }
}

/// A release: the sources it was built from and the site it produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub format: u32,
    pub version: String,
    /// The release's date, given on the command line or the build's date: never the clock.
    pub date: String,
    /// The build's date the release was made with (notice windows depend on it).
    pub as_of: String,
    pub note: String,
    pub generator: String,
    /// SHA-256 of the published manifest of the release before (see [`Release::published_hash`]);
    /// absent in the first release and in format 1, which had no chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// [`sources_root`] of `sources`: what the published, signed copy keeps of the sources,
    /// whose paths it must not name. Absent in format 1 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources_root: Option<String>,
    pub sources: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
}

/// SHA-256 over the sorted source list as compact JSON (`{"path":"hash",…}`): a commitment to
/// every source path and its content that does not show the paths.
pub fn sources_root(sources: &BTreeMap<String, String>) -> String {
    sha256(&serde_json::to_vec(sources).expect("a source list serialises"))
}

impl Release {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Release> {
        format_of(bytes, what)?;
        let release: Release = serde_json::from_slice(bytes)
            .with_context(|| t!("{what} is not a release manifest", "{what} 不是版本清单"))?;
        match (release.format, &release.sources_root) {
            (1, None) if release.previous.is_none() => {}
            (1, _) => bail!(t!(
                "{what} has format 1 but names a previous release or a sources root, which format 1 has not",
                "{what} 是格式 1，却写了上一版本或 sources_root，而格式 1 没有这些"
            )),
            (_, None) => bail!(t!("{what} lacks its sources_root", "{what} 缺少 sources_root")),
            (_, Some(root)) if *root != sources_root(&release.sources) => bail!(t!(
                "{what}: its sources do not match its sources_root, so they were changed after the release; restore releases/ from version control",
                "{what}：源文件与 sources_root 不符，说明发布后被改动过；请从版本控制中恢复 releases/"
            )),
            _ => {}
        }
        Ok(release)
    }

    /// What is published and signed: everything but the list of sources, which would name
    /// files (a party-only disclosure among them) that the public site must not mention;
    /// `sources_root` stands for it.
    pub fn public_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).expect("a manifest serialises");
        if let Some(map) = value.as_object_mut() {
            map.remove("sources");
        }
        let mut bytes = serde_json::to_vec_pretty(&value).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The hash the next release records as its `previous`: of the published bytes, so that a
    /// reader of the public site can follow the chain without the source list.
    pub fn published_hash(&self) -> String {
        sha256(&self.public_bytes())
    }

    pub fn link(&self) -> Link {
        Link {
            version: self.version.clone(),
            format: self.format,
            previous: self.previous.clone(),
            hash: self.published_hash(),
        }
    }

    /// A short, stable key for caches: the hash of the manifest itself.
    pub fn key(&self) -> String {
        sha256(&self.to_bytes())[..16].to_string()
    }
}

/// A release manifest as published under `archive/`: without the source list.
#[derive(Debug, Clone, Deserialize)]
pub struct Published {
    pub format: u32,
    pub version: String,
    pub date: String,
    #[serde(default)]
    pub previous: Option<String>,
    pub outputs: BTreeMap<String, String>,
}

impl Published {
    /// `bytes` are the file as published: the chain hashes exactly these.
    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Published> {
        format_of(bytes, what)?;
        let published: Published = serde_json::from_slice(bytes)
            .with_context(|| t!("{what} is not a release manifest", "{what} 不是版本清单"))?;
        Ok(published)
    }

    pub fn link(&self, bytes: &[u8]) -> Link {
        Link {
            version: self.version.clone(),
            format: self.format,
            previous: self.previous.clone(),
            hash: sha256(bytes),
        }
    }
}

/// One release's place in the chain, as the store and a published site both know it.
#[derive(Debug, Clone)]
pub struct Link {
    pub version: String,
    pub format: u32,
    pub previous: Option<String>,
    /// Of the published manifest.
    pub hash: String,
}

/// Where the chain of releases, oldest first, does not hold: a release altered, inserted or
/// removed after a later one recorded it. Format 1 releases precede the chain and only their
/// signatures speak for them; none may follow a chained release.
pub fn chain_breaks(links: &[Link]) -> Vec<String> {
    let mut breaks = Vec::new();
    let mut chained = false;
    for (i, link) in links.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| &links[j]);
        if link.format < 2 {
            if chained {
                breaks.push(t!(
                    "release {} has format 1 but comes after chained releases: it was added into the past",
                    "版本 {} 是格式 1，却排在已成链的版本之后：它是后来补进过去的",
                    link.version
                ));
            }
            continue;
        }
        chained = true;
        match (&link.previous, before) {
            (None, None) => {}
            (Some(hash), None) => breaks.push(t!(
                "release {} follows a release (manifest hash {}) that is not here: a release was removed",
                "版本 {} 的上一版本（清单哈希 {}）不在这里：有版本被删除了",
                link.version,
                short(hash)
            )),
            (None, Some(b)) => breaks.push(t!(
                "release {} was the first, but release {} now comes before it: a release was inserted",
                "版本 {} 原是第一个版本，现在它前面却有版本 {}：有版本被插入了",
                link.version, b.version
            )),
            (Some(hash), Some(b)) if *hash != b.hash => breaks.push(t!(
                "release {} follows a release whose manifest hash was {}, but release {} hashes to {}: a release was altered, inserted or removed",
                "版本 {} 记录的上一版本清单哈希是 {}，而版本 {} 的哈希是 {}：有版本被改动、插入或删除了",
                link.version,
                short(hash),
                b.version,
                short(&b.hash)
            )),
            _ => {}
        }
    }
    breaks
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    fn link(version: &str, format: u32, previous: Option<&str>, hash: &str) -> Link {
        Link { version: version.into(), format, previous: previous.map(String::from), hash: hash.into() }
    }

    #[test]
    fn chain_breaks_name_the_release() {
        let good = [link("a", 1, None, "h1"), link("b", 2, Some("h1"), "h2"), link("c", 2, Some("h2"), "h3")];
        assert!(chain_breaks(&good).is_empty());
        let altered = [link("a", 2, None, "hx"), link("b", 2, Some("h1"), "h2")];
        assert!(chain_breaks(&altered)[0].starts_with("release b follows"));
        let inserted = [link("z", 2, None, "h0"), link("a", 2, None, "h1")];
        assert!(chain_breaks(&inserted)[0].contains("inserted"));
        let removed = [link("b", 2, Some("h1"), "h2")];
        assert!(chain_breaks(&removed)[0].contains("removed"));
        let late_v1 = [link("a", 2, None, "h1"), link("b", 1, None, "h2")];
        assert!(chain_breaks(&late_v1)[0].contains("into the past"));
    }

    #[test]
    fn format_1_round_trips_and_an_unknown_format_is_refused() {
        let v1 = br#"{"format":1,"version":"a","date":"2024-01-01","as_of":"2024-01-01","note":"","generator":"g","sources":{},"outputs":{}}"#;
        let release = Release::from_bytes(v1, "a.json").unwrap();
        assert!(!String::from_utf8(release.to_bytes()).unwrap().contains("previous"));
        let v9 = br#"{"format":9}"#;
        let err = Release::from_bytes(v9, "a.json").unwrap_err().to_string();
        assert!(err.contains("format 9"), "{err}");
    }
}
