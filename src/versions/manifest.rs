//! Manifests: what a release or a built site consists of, file by file, with SHA-256 hashes.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Bumped when the manifest's shape changes, so an old verifier refuses what it cannot read.
pub const FORMAT: u32 = 1;

/// The name of the manifest a build publishes at the root of the site.
pub const SITE_MANIFEST: &str = "manifest.json";

pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Every output file of a build, as published in the site for `gongkai verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteManifest {
    pub format: u32,
    pub generator: String,
    pub outputs: BTreeMap<String, String>,
}

impl SiteManifest {
    pub fn of(files: &[crate::write::Output]) -> SiteManifest {
        SiteManifest {
            format: FORMAT,
            generator: generator(),
            outputs: {
                use rayon::prelude::*;
                let hashed: Vec<(String, String)> = files
                    .par_iter()
                    .filter(|(p, _)| p != SITE_MANIFEST)
                    .map(|(p, b)| (p.clone(), sha256(b)))
                    .collect();
                hashed.into_iter().collect()
            },
        }
    }

    /// From hashes already computed (by `serve`, which keeps them between edits).
    pub fn from_hashes(outputs: BTreeMap<String, String>) -> SiteManifest {
        SiteManifest { format: FORMAT, generator: generator(), outputs }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
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
    pub sources: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
}

impl Release {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Release> {
        let release: Release =
            serde_json::from_slice(bytes).with_context(|| format!("{what} is not a release manifest"))?;
        anyhow::ensure!(
            release.format == FORMAT,
            "{what} has manifest format {}, this gongkai reads {FORMAT}",
            release.format
        );
        Ok(release)
    }

    /// What is published and signed: everything but the list of sources, which would name
    /// files (a party-only disclosure among them) that the public site must not mention.
    pub fn public_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).expect("a manifest serialises");
        if let Some(map) = value.as_object_mut() {
            map.remove("sources");
        }
        let mut bytes = serde_json::to_vec_pretty(&value).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// A short, stable key for caches: the hash of the manifest itself.
    pub fn key(&self) -> String {
        sha256(&self.to_bytes())[..16].to_string()
    }
}

pub fn generator() -> String {
    format!("gongkai {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
