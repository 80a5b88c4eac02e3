//! `gongkai verify DIR`: a deployed site checked against the manifest it carries, every
//! archived edition against its release manifest, the chain of release manifests, and, given
//! a public key, the ed25519 signatures of the site manifest and of every release. An
//! archived page that carries a correction banner is checked twice: as served, against the
//! site manifest, and as stored (banner taken out), against its release manifest.

use super::manifest::{chain_breaks, Published, SiteManifest, SITE_MANIFEST, SITE_SIGNATURE};
use crate::digest::sha256;
use anyhow::{bail, Context, Result};
use ed25519_dalek::{Signer, Verifier, VerifyingKey};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What differs between a folder and its manifests. Paths are relative to the folder.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checked: usize,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    /// Files no manifest lists.
    pub extra: Vec<String>,
    /// Symbolic links, which a build never writes: one could point a page anywhere.
    pub symlinks: Vec<String>,
    /// Folders holding nothing a manifest lists, with a trailing `/`.
    pub folders: Vec<String>,
    /// Release manifests and signatures that do not hold: a broken chain, an edition missing,
    /// a bad or missing signature.
    pub problems: Vec<String>,
    /// What a signature was checked for and found good: `manifest.json`, `release 2024`.
    pub signed: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.symlinks.is_empty()
            && self.folders.is_empty()
            && self.problems.is_empty()
    }
}

/// [`verify`] without signatures.
pub fn verify_dir(dir: &Path) -> Result<Report> {
    verify(dir, None)
}

/// Checks `dir` against its `manifest.json`, each archived edition against its published
/// release manifest, and the chain of those; with `public_hex`, every signature too, and a
/// missing one is a finding.
pub fn verify(dir: &Path, public_hex: Option<&str>) -> Result<Report> {
    let path = dir.join(SITE_MANIFEST);
    if !path.is_file() {
        bail!(t!(
            "{} has no {SITE_MANIFEST}: run gongkai build first, then verify the folder it wrote (public/ by default)",
            "`{}` 中没有 {SITE_MANIFEST}：请先运行 gongkai build，再核对它生成的文件夹（默认是 public/）",
            dir.display()
        ));
    }
    // a malformed key is the caller's mistake, not a finding about the site
    let key = public_hex.map(public_key).transpose()?;
    let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
    let manifest = SiteManifest::from_bytes(&bytes, &path.display().to_string())?;
    let tree = Tree::walk(dir)?;
    let mut found = Findings::default();
    // the output marker only says who may replace the folder; it is not part of the site
    let known = [SITE_MANIFEST, SITE_SIGNATURE, crate::write::guard::MARKER];
    // the marker is served like any file: it must say exactly what gongkai writes in it
    let marker = crate::write::guard::MARKER;
    let marker_bad =
        tree.files.get(marker).is_some_and(|h| *h != sha256(crate::write::guard::MARKER_TEXT.as_bytes()));
    found.against(&tree, "", &manifest.outputs, &|p| known.contains(&p), false);
    if marker_bad {
        found.changed.insert(marker.to_string());
    }
    let releases = releases_of(&manifest, &tree);
    let mut links = Vec::new();
    for (version, listed) in &releases {
        if let Some((published, link)) =
            found.release(dir, &tree, version, listed.as_deref(), key.as_ref())?
        {
            links.push(((published.date.clone(), version.clone()), link));
        }
    }
    links.sort_by(|a, b| a.0.cmp(&b.0));
    found.problems.extend(chain_breaks(&links.into_iter().map(|(_, l)| l).collect::<Vec<_>>()));
    if let Some(key) = &key {
        found.signature(dir, SITE_MANIFEST, &bytes, SITE_SIGNATURE, key);
    }
    found.folders(&tree, manifest.outputs.keys().map(String::as_str).chain(known));
    Ok(found.into_report())
}

/// The releases a site must carry, by version, with the hash its manifest lists for each
/// published release manifest. Format 1 had no release list: the manifests found stand in.
fn releases_of(manifest: &SiteManifest, tree: &Tree) -> BTreeMap<String, Option<String>> {
    let mut releases: BTreeMap<String, Option<String>> =
        manifest.releases.iter().map(|(v, h)| (v.clone(), Some(h.clone()))).collect();
    for path in tree.files.keys() {
        let Some(version) = path.strip_prefix("archive/").and_then(|p| p.strip_suffix(".json")) else {
            continue;
        };
        if !version.contains('/') && !releases.contains_key(version) {
            releases.insert(version.to_string(), None);
        }
    }
    releases
}

/// Everything below a folder: files with their hashes, symbolic links and folders.
struct Tree {
    files: BTreeMap<String, String>,
    /// For an archived page served with a banner (see `super::banner`), the hash of the page
    /// as its edition stored it, banner taken out: what the release manifest lists.
    stored: BTreeMap<String, String>,
    symlinks: BTreeSet<String>,
    folders: BTreeSet<String>,
}

impl Tree {
    fn walk(dir: &Path) -> Result<Tree> {
        use rayon::prelude::*;
        let mut tree = Tree {
            files: BTreeMap::new(),
            stored: BTreeMap::new(),
            symlinks: BTreeSet::new(),
            folders: BTreeSet::new(),
        };
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let entry = entry.with_context(|| crate::locale::reading(dir))?;
            let rel = entry.path().strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/");
            let kind = entry.file_type();
            if kind.is_symlink() {
                tree.symlinks.insert(rel);
            } else if kind.is_dir() {
                tree.folders.insert(rel);
            } else if kind.is_file() {
                files.push((rel, entry.into_path()));
            } else {
                // a FIFO, socket or device: reading it could block forever, and no manifest
                // vouches for one; it is reported with the symlinks
                tree.symlinks.insert(rel);
            }
        }
        let hashed: Vec<(String, String, Option<String>)> = files
            .into_par_iter()
            .map(|(rel, path)| {
                let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
                let stored = match rel.starts_with("archive/") && rel.ends_with(".html") {
                    true => match super::banner::strip(&bytes) {
                        std::borrow::Cow::Owned(stripped) => Some(sha256(&stripped)),
                        std::borrow::Cow::Borrowed(_) => None,
                    },
                    false => None,
                };
                Ok((rel, sha256(&bytes), stored))
            })
            .collect::<Result<_>>()?;
        for (rel, hash, stored) in hashed {
            if let Some(stored) = stored {
                tree.stored.insert(rel.clone(), stored);
            }
            tree.files.insert(rel, hash);
        }
        Ok(tree)
    }
}

/// Findings gathered from every check; a path found by two checks is reported once.
#[derive(Default)]
struct Findings {
    checked: BTreeSet<String>,
    changed: BTreeSet<String>,
    missing: BTreeSet<String>,
    extra: BTreeSet<String>,
    problems: Vec<String>,
    signed: Vec<String>,
    symlinks: BTreeSet<String>,
    folders: BTreeSet<String>,
}

impl Findings {
    /// The files below `prefix` against `outputs`, which lists them relative to `prefix`; an
    /// `edition` is compared as stored, without the banners the live site adds.
    fn against(
        &mut self,
        tree: &Tree,
        prefix: &str,
        outputs: &BTreeMap<String, String>,
        known: &dyn Fn(&str) -> bool,
        edition: bool,
    ) {
        for (path, hash) in tree.files.range(prefix.to_string()..).take_while(|(p, _)| p.starts_with(prefix))
        {
            let hash = match edition {
                true => tree.stored.get(path).unwrap_or(hash),
                false => hash,
            };
            let rel = &path[prefix.len()..];
            match outputs.get(rel) {
                Some(listed) if listed == hash => {}
                Some(_) => {
                    self.changed.insert(path.clone());
                }
                None if known(rel) => {}
                None => {
                    self.extra.insert(path.clone());
                }
            }
            self.checked.insert(path.clone());
        }
        for rel in outputs.keys() {
            let path = format!("{prefix}{rel}");
            if tree.symlinks.contains(&path) {
                self.symlinks.insert(path);
            } else if !tree.files.contains_key(&path) {
                self.missing.insert(path);
            }
        }
    }

    /// One release: its published manifest against the hash the site manifest lists, its
    /// edition against its outputs, and its signature. `None` when there is no manifest to read.
    fn release(
        &mut self,
        dir: &Path,
        tree: &Tree,
        version: &str,
        listed: Option<&str>,
        key: Option<&VerifyingKey>,
    ) -> Result<Option<(Published, super::manifest::Link)>> {
        let name = format!("archive/{version}.json");
        let edition = format!("archive/{version}/");
        if !tree.files.contains_key(&name) {
            self.problems.push(t!(
                "release {version}: its manifest {name} is missing, so its edition {edition} cannot be checked",
                "版本 {version}：缺少清单 {name}，无法核对存档 {edition}"
            ));
            return Ok(None);
        }
        if listed.is_none() {
            self.problems.push(t!(
                "release {version}: {name} is not in the release list of {SITE_MANIFEST}",
                "版本 {version}：{name} 不在 {SITE_MANIFEST} 的版本列表中"
            ));
        }
        let path = dir.join(&name);
        let bytes = std::fs::read(&path).with_context(|| crate::locale::reading(&path))?;
        let published = Published::from_bytes(&bytes, &path.display().to_string())?;
        if listed.is_some_and(|h| h != sha256(&bytes)) {
            self.problems.push(t!(
                "release {version}: {name} is not the manifest {SITE_MANIFEST} lists",
                "版本 {version}：{name} 与 {SITE_MANIFEST} 中登记的清单不符"
            ));
        }
        if published.version != version {
            self.problems.push(t!(
                "release {version}: {name} names version {}",
                "版本 {version}：{name} 中写的版本是 {}",
                published.version
            ));
        }
        if !tree.folders.contains(edition.trim_end_matches('/')) {
            self.problems.push(t!(
                "release {version}: its edition {edition} is missing",
                "版本 {version}：缺少存档 {edition}"
            ));
        }
        self.against(tree, &edition, &published.outputs, &|_| false, true);
        if let Some(key) = key {
            self.signature(
                dir,
                &t!("release {version}", "版本 {version}"),
                &bytes,
                &format!("archive/{version}.sig"),
                key,
            );
        }
        let link = published.link(&bytes);
        Ok(Some((published, link)))
    }

    fn signature(&mut self, dir: &Path, what: &str, bytes: &[u8], sig: &str, key: &VerifyingKey) {
        let good = |signature: &str| {
            unhex::<64>(signature, "")
                .is_ok_and(|s| key.verify(bytes, &ed25519_dalek::Signature::from_bytes(&s)).is_ok())
        };
        match std::fs::read_to_string(dir.join(sig)) {
            Ok(signature) if good(&signature) => self.signed.push(what.to_string()),
            Ok(_) => self.problems.push(t!(
                "{what}: the signature {sig} is not valid for this public key",
                "{what}：签名 {sig} 与这个公钥不符"
            )),
            Err(_) => self
                .problems
                .push(t!("{what}: no signature ({sig} is missing)", "{what}：没有签名（缺少 {sig}）")),
        }
    }

    /// Folders with nothing listed below them and nothing already reported, outermost only.
    fn folders<'a>(&mut self, tree: &'a Tree, listed: impl Iterator<Item = &'a str>) {
        let mut wanted: BTreeSet<&str> = BTreeSet::new();
        let reported = tree.files.keys().chain(&tree.symlinks).map(String::as_str);
        for path in listed.chain(reported) {
            let mut rest = path;
            while let Some((parent, _)) = rest.rsplit_once('/') {
                wanted.insert(parent);
                rest = parent;
            }
        }
        for folder in &tree.folders {
            let inside_reported = self.folders.iter().any(|f| folder.starts_with(f.as_str()));
            if !wanted.contains(folder.as_str()) && !inside_reported {
                self.folders.insert(format!("{folder}/"));
            }
        }
        self.symlinks.extend(tree.symlinks.iter().cloned());
    }

    fn into_report(self) -> Report {
        Report {
            checked: self.checked.len(),
            changed: self.changed.into_iter().collect(),
            missing: self.missing.into_iter().collect(),
            extra: self.extra.into_iter().collect(),
            symlinks: self.symlinks.into_iter().collect(),
            folders: self.folders.into_iter().collect(),
            problems: self.problems,
            signed: self.signed,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str, what: &str) -> Result<[u8; N]> {
    let s = s.trim();
    anyhow::ensure!(
        s.len() == N * 2,
        t!("{what} must be {} hexadecimal digits", "{what}应是 {} 位十六进制数字", N * 2)
    );
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16)
            .with_context(|| t!("{what} is not hexadecimal", "{what}不是十六进制数字"))?;
    }
    Ok(out)
}

/// A new signing key pair, as hex text: (secret, public).
pub fn keygen() -> Result<(String, String)> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| {
        let problem = crate::locale::foreign_message(&e.to_string());
        anyhow::anyhow!(t!("no randomness for a key: {problem}", "无法取得生成密钥所需的随机数：{problem}"))
    })?;
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
    std::fs::create_dir_all(dir).with_context(|| crate::locale::creating(dir))?;
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
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(t!(
            "{} exists already and is never overwritten: keep it (releases signed with this pair \
             verify only with it), or move it away first to make a new pair",
            "{} 已经存在，不会被覆盖：请保留它（用这对密钥签署的版本只能用它核验），\
             或先把它移走再生成新的密钥对",
            path.display()
        )),
        other => other.with_context(|| crate::locale::creating(path))?,
    };
    let written = file.write_all(format!("{text}\n").as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(e).with_context(|| crate::locale::writing(path));
    }
    Ok(())
}

/// The secret key in a key file (`release.key`), as hex text.
pub fn read_secret_key(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| crate::locale::reading(path))?;
    Ok(text.trim().to_string())
}

/// `--pubkey`: the public key as hex, or a file holding it.
pub fn public_key_arg(arg: &str) -> String {
    std::fs::read_to_string(arg).map(|k| k.trim().to_string()).unwrap_or_else(|_| arg.to_string())
}

/// Signs `bytes` with the secret key in `key_hex`; returns the signature as hex.
pub fn sign(bytes: &[u8], key_hex: &str) -> Result<String> {
    let key = ed25519_dalek::SigningKey::from_bytes(&unhex::<32>(key_hex, &t!("the secret key", "私钥"))?);
    Ok(hex(&key.sign(bytes).to_bytes()))
}

fn public_key(public_hex: &str) -> Result<VerifyingKey> {
    VerifyingKey::from_bytes(&unhex::<32>(public_hex, &t!("the public key", "公钥"))?)
        .with_context(|| t!("the public key is not a valid ed25519 key", "公钥不是有效的 ed25519 密钥"))
}

/// Whether `signature_hex` is a signature of `bytes` by the holder of `public_hex`.
pub fn check_signature(bytes: &[u8], signature_hex: &str, public_hex: &str) -> Result<bool> {
    let key = public_key(public_hex)?;
    let signature =
        ed25519_dalek::Signature::from_bytes(&unhex::<64>(signature_hex, &t!("the signature", "签名"))?);
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
