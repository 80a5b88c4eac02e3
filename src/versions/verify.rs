//! `gongkai verify DIR`: a deployed site checked against the manifest it carries, and a
//! release manifest against its ed25519 signature.

use super::manifest::{sha256, SiteManifest, SITE_MANIFEST};
use anyhow::{Context, Result};
use ed25519_dalek::{Signer, Verifier};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What differs between a folder and its manifest.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checked: usize,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

pub fn verify_dir(dir: &Path) -> Result<Report> {
    let path = dir.join(SITE_MANIFEST);
    let bytes = std::fs::read(&path)
        .with_context(|| format!("{} has no {SITE_MANIFEST}; was it built by gongkai?", dir.display()))?;
    let manifest: SiteManifest = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a gongkai manifest", path.display()))?;
    let mut report = Report::default();
    let mut seen = std::collections::BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/");
        // the marker only says who may replace the folder; it is not part of the site
        if rel == SITE_MANIFEST || rel == crate::write::guard::MARKER {
            continue;
        }
        match manifest.outputs.get(&rel) {
            Some(hash) => {
                report.checked += 1;
                let bytes = std::fs::read(entry.path())
                    .with_context(|| format!("reading {}", entry.path().display()))?;
                if &sha256(&bytes) != hash {
                    report.changed.push(rel.clone());
                }
            }
            None => report.extra.push(rel.clone()),
        }
        seen.insert(rel);
    }
    report.missing = manifest.outputs.keys().filter(|p| !seen.contains(*p)).cloned().collect();
    Ok(report)
}

/// Checks the signature of every release manifest published under `dir/archive/`.
pub fn verify_signatures(dir: &Path, public_hex: &str) -> Result<Vec<(String, bool)>> {
    let archive = dir.join("archive");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&archive) else { return Ok(out) };
    let mut manifests: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    manifests.sort();
    for path in manifests {
        let version = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(&path)?;
        let good = match std::fs::read_to_string(path.with_extension("sig")) {
            Ok(sig) => check_signature(&bytes, &sig, public_hex)?,
            Err(_) => false,
        };
        out.push((version, good));
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str, what: &str) -> Result<[u8; N]> {
    let s = s.trim();
    anyhow::ensure!(s.len() == N * 2, "{what} must be {} hexadecimal digits", N * 2);
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16)
            .with_context(|| format!("{what} is not hexadecimal"))?;
    }
    Ok(out)
}

/// A new signing key pair, as hex text: (secret, public).
pub fn keygen() -> Result<(String, String)> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    Ok((hex(&secret), hex(key.verifying_key().as_bytes())))
}

/// Where `write_keypair` put the two keys.
#[derive(Debug, Clone)]
pub struct KeyFiles {
    pub secret: PathBuf,
    pub public: PathBuf,
}

/// Makes a new key pair in `dir`: `release.key`, readable by its owner alone, and
/// `release.pub`. Neither is ever overwritten: releases signed with a key verify only with
/// its public half, so losing either by accident would orphan them.
pub fn write_keypair(dir: &Path) -> Result<KeyFiles> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let files = KeyFiles { secret: dir.join("release.key"), public: dir.join("release.pub") };
    let (secret, public) = keygen()?;
    create_new(&files.secret, &secret, 0o600)?;
    if let Err(e) = create_new(&files.public, &public, 0o644) {
        // the secret half alone is of no use and was made just now
        let _ = std::fs::remove_file(&files.secret);
        return Err(e);
    }
    Ok(files)
}

/// Writes `text` and a line end into a new file: created in one step with its permissions
/// (never first readable by others, never over an existing file).
fn create_new(path: &Path, text: &str, mode: u32) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = match options.open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "{} exists already and is never overwritten: keep it (releases signed with this pair \
             verify only with it), or move it away first to make a new pair",
            path.display()
        ),
        other => other.with_context(|| format!("creating {}", path.display()))?,
    };
    let written = file.write_all(format!("{text}\n").as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}

/// Signs `bytes` with the secret key in `key_hex`; returns the signature as hex.
pub fn sign(bytes: &[u8], key_hex: &str) -> Result<String> {
    let key = ed25519_dalek::SigningKey::from_bytes(&unhex::<32>(key_hex, "the secret key")?);
    Ok(hex(&key.sign(bytes).to_bytes()))
}

/// Whether `signature_hex` is a signature of `bytes` by the holder of `public_hex`.
pub fn check_signature(bytes: &[u8], signature_hex: &str, public_hex: &str) -> Result<bool> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(&unhex::<32>(public_hex, "the public key")?)
        .context("the public key is not a valid ed25519 key")?;
    let signature = ed25519_dalek::Signature::from_bytes(&unhex::<64>(signature_hex, "the signature")?);
    Ok(key.verify(bytes, &signature).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let (secret, public) = keygen().unwrap();
        let sig = sign(b"manifest", &secret).unwrap();
        assert!(check_signature(b"manifest", &sig, &public).unwrap());
        assert!(!check_signature(b"manifest!", &sig, &public).unwrap());
        let (_, other) = keygen().unwrap();
        assert!(!check_signature(b"manifest", &sig, &other).unwrap());
    }

    // issue #13: the secret key was written readable by everyone, after a separate check
    #[test]
    fn the_secret_key_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let files = write_keypair(&keys).unwrap();
        let secret = std::fs::read_to_string(&files.secret).unwrap();
        let public = std::fs::read_to_string(&files.public).unwrap();
        let sig = sign(b"m", &secret).unwrap();
        assert!(check_signature(b"m", &sig, &public).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.secret).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let err = write_keypair(&keys).unwrap_err().to_string();
        assert!(err.contains("release.key exists already"), "{err}");
        assert_eq!(std::fs::read_to_string(&files.secret).unwrap(), secret);
        assert_eq!(std::fs::read_to_string(&files.public).unwrap(), public);
    }

    #[test]
    fn an_existing_public_key_is_kept_and_no_lone_secret_is_left() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("release.pub"), "published\n").unwrap();
        let err = write_keypair(dir.path()).unwrap_err().to_string();
        assert!(err.contains("release.pub exists already"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join("release.pub")).unwrap(), "published\n");
        assert!(!dir.path().join("release.key").exists());
    }
}
