//! Sharded builds: `gongkai build --shard K/N` writes the outputs of one deterministic share of
//! the jobs, with a shard manifest; `gongkai merge` checks that every shard of one site state
//! is there and intact and assembles the site, manifest included, as one build would have
//! written it.

use super::manifest::{SiteManifest, SITE_MANIFEST};
use crate::digest::sha256;
use crate::write::Staging;
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The shard manifest's name in a shard folder; a dot name, like the output marker, so that it
/// cannot be a page's or a static file's.
pub const MANIFEST: &str = ".gongkai-shard.json";

/// The most shards a build is split into: far beyond any job runner's parallelism, and small
/// enough that `merge` can list the missing ones.
pub const MAX_SHARDS: usize = 10_000;

/// Shard `index` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

impl Shard {
    /// `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard> {
        let parsed =
            text.split_once('/').and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, total)) if (1..=total).contains(&index) && total <= MAX_SHARDS => {
                Ok(Shard { index, total })
            }
            _ => bail!(t!(
                "--shard takes K/N with 1 ≤ K ≤ N ≤ {MAX_SHARDS}, e.g. --shard 2/8, or `auto`; got `{text}`",
                "--shard 的写法是 K/N（1 ≤ K ≤ N ≤ {MAX_SHARDS}），如 --shard 2/8，或写 `auto`；收到的是 `{text}`"
            )),
        }
    }

    /// `--shard`'s value: `K/N`, or `auto` for the job runner's variables read by `var`.
    pub fn from_arg(text: &str, var: impl Fn(&str) -> Option<String>) -> Result<Shard> {
        match text {
            "auto" => Shard::from_env(var),
            text => Shard::parse(text),
        }
    }

    /// The shard a job runner assigned: GitLab CI `parallel:` (`CI_NODE_INDEX`, 1-based, of
    /// `CI_NODE_TOTAL`), a Slurm array (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, of
    /// `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, 0-based,
    /// of `GONGKAI_SHARDS`, which the Job sets to its `completions`: Kubernetes does not say).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard> {
        let num = |name: &str| -> Result<Option<usize>> {
            let parse = |v: String| {
                v.trim()
                    .parse::<usize>()
                    .with_context(|| t!("{name}={v} is not a number", "{name}={v} 不是数字"))
            };
            var(name).map(parse).transpose()
        };
        let shard = if let (Some(k), Some(n)) = (num("CI_NODE_INDEX")?, num("CI_NODE_TOTAL")?) {
            (k, n)
        } else if let (Some(id), Some(n)) = (num("SLURM_ARRAY_TASK_ID")?, num("SLURM_ARRAY_TASK_COUNT")?) {
            // an array such as --array=1-7:2 runs ids 1, 3, 5, 7: the shard is the id's place
            let min = num("SLURM_ARRAY_TASK_MIN")?
                .with_context(|| t!("SLURM_ARRAY_TASK_MIN is not set", "没有设置 SLURM_ARRAY_TASK_MIN"))?;
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let place = id.checked_sub(min).filter(|d| d % step == 0).with_context(|| {
                t!(
                    "SLURM_ARRAY_TASK_ID={id} is not one of the array's ids (from SLURM_ARRAY_TASK_MIN={min} in steps of {step})",
                    "SLURM_ARRAY_TASK_ID={id} 不在作业数组的编号之中（从 SLURM_ARRAY_TASK_MIN={min} 起，每步 {step}）"
                )
            })?;
            (place / step + 1, n)
        } else if let Some(i) = num("JOB_COMPLETION_INDEX")? {
            let n = num("GONGKAI_SHARDS")?.with_context(|| {
                t!(
                    "JOB_COMPLETION_INDEX is set but GONGKAI_SHARDS is not: set it in the Job to the same number as completions",
                    "有 JOB_COMPLETION_INDEX 却没有 GONGKAI_SHARDS：请在 Job 中把它设为与 completions 相同的数"
                )
            })?;
            (i + 1, n)
        } else {
            bail!(t!(
                "--shard auto found no job runner's variables (CI_NODE_INDEX, SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX); give --shard K/N",
                "--shard auto 没有找到作业系统的变量（CI_NODE_INDEX、SLURM_ARRAY_TASK_ID、JOB_COMPLETION_INDEX）；请写 --shard K/N"
            ))
        };
        Shard::parse(&format!("{}/{}", shard.0, shard.1))
    }

    /// Whether the job named `key` is this shard's: by the hash of its name, so every shard
    /// agrees without talking to the others.
    pub fn owns(&self, key: &str) -> bool {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(key.as_bytes());
        let bucket = u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"));
        (bucket % self.total as u64) as usize == self.index - 1
    }

    /// Where a shard goes when `--out` is not given.
    pub fn default_out(&self, root: &Path) -> PathBuf {
        root.join("shards").join(format!("{}-of-{}", self.index, self.total))
    }
}

/// What a shard wrote, and of which site state.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShardManifest {
    pub generator: String,
    pub shard: usize,
    pub shards: usize,
    /// The hash of the whole plan (every job's name and fingerprint, see [`plan_digest`]):
    /// shards built from different sources do not merge, and the jobs of all shards together
    /// must hash to it.
    pub plan: String,
    pub releases: BTreeMap<String, String>,
    /// The digest of the sources the shard was built from ([`super::sources_digest`]): merge
    /// refuses shards of sources that have changed since.
    #[serde(default)]
    pub sources: String,
    /// This shard's jobs: each one's fingerprint and the files it wrote.
    pub jobs: BTreeMap<String, ShardJob>,
    /// Files that are no job's (static files, archived editions): the first shard's only.
    pub extras: Vec<String>,
    pub outputs: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ShardJob {
    pub fingerprint: String,
    pub outputs: Vec<String>,
}

/// The hash of a plan, from every job's name and fingerprint in name order, so that `merge`
/// can compute it again from the jobs the shards list.
pub fn plan_digest<'a>(jobs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    use sha2::{Digest, Sha256};
    let sorted: BTreeMap<&str, &str> = jobs.collect();
    let mut h = Sha256::new();
    for (key, fingerprint) in sorted {
        h.update((key.len() as u64).to_le_bytes());
        h.update(key.as_bytes());
        h.update(fingerprint.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// Checks that each shard lists only its own jobs, that together they are the whole plan, and
/// that every file a shard holds is one of its jobs' (or, in the first, a listed extra).
fn check_jobs(manifests: &[(&PathBuf, ShardManifest)]) -> Result<()> {
    let mut all: Vec<(&str, &str)> = Vec::new();
    for (dir, m) in manifests {
        let shard = Shard { index: m.shard, total: m.shards };
        let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
        for (key, job) in &m.jobs {
            if !shard.owns(key) {
                bail!(t!(
                    "`{}` lists the job `{key}`, which is not shard {}/{}'s; build that shard again",
                    "`{}` 列出了不属于第 {}/{} 份的任务 `{key}`；请重新生成这一份",
                    dir.display(),
                    m.shard,
                    m.shards
                ));
            }
            all.push((key, &job.fingerprint));
            for path in &job.outputs {
                *listed.entry(path).or_default() += 1;
            }
        }
        if m.shard != 1 && !m.extras.is_empty() {
            bail!(t!(
                "`{}` holds files that only the first shard writes; build that shard again",
                "`{}` 含有只应由第一份写出的文件；请重新生成这一份",
                dir.display()
            ));
        }
        for path in &m.extras {
            *listed.entry(path).or_default() += 1;
        }
        let outputs: Vec<&str> = m.outputs.keys().map(String::as_str).collect();
        let named: Vec<&str> = listed.keys().copied().collect();
        if outputs != named || listed.values().any(|&n| n != 1) {
            bail!(t!(
                "the files of `{}` are not the files of its jobs; build that shard again",
                "`{}` 中的文件与它的任务不符；请重新生成这一份",
                dir.display()
            ));
        }
    }
    let first = &manifests[0].1;
    if plan_digest(all.into_iter()) != first.plan {
        bail!(t!(
            "the shards' jobs together are not the build's plan; build every shard again from the same sources",
            "各份的任务合起来与这次生成的计划不符；请用同一份源文件重新生成每一份"
        ));
    }
    Ok(())
}

impl ShardManifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }
}

/// What `gongkai merge` did.
#[derive(Debug)]
pub struct Merged {
    pub shards: usize,
    pub files: usize,
    pub out: PathBuf,
    /// Files someone put into the output folder while the merge was finishing: kept.
    pub warnings: Vec<crate::Diagnostic>,
}

/// Assembles the shard folders `dirs` into `out`, the output folder of the site in `root`.
pub fn merge(root: &Path, dirs: &[PathBuf], out: &Path) -> Result<Merged> {
    // the merged site replaces `out` whole: it must not be, hold or lie in a shard being read
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let target = real(out);
    if let Some(dir) = dirs.iter().find(|d| {
        let d = real(d);
        target.starts_with(&d) || d.starts_with(&target)
    }) {
        bail!(t!(
            "--out {} would replace the shard {} it reads; merge into another folder",
            "--out {} 会替换正要读取的分份 `{}`；请合并到另一个文件夹",
            out.display(),
            dir.display()
        ));
    }
    let mut manifests = Vec::new();
    for dir in dirs {
        let path = dir.join(MANIFEST);
        let bytes = std::fs::read(&path).with_context(|| {
            t!(
                "{} is not a shard folder (no {MANIFEST}); make one with gongkai build --shard K/N",
                "`{}` 不是分份生成的文件夹（没有 {MANIFEST}）；请用 gongkai build --shard K/N 生成",
                dir.display()
            )
        })?;
        let m: ShardManifest = serde_json::from_slice(&bytes).with_context(|| {
            t!("{} is damaged; build that shard again", "`{}` 已损坏；请重新生成这一份", path.display())
        })?;
        manifests.push((dir, m));
    }
    let Some((first_dir, first)) = manifests.first() else {
        bail!(t!("give the shard folders to merge", "请给出要合并的各份文件夹"))
    };
    for (dir, m) in &manifests {
        if (m.shards, &m.plan, &m.generator) != (first.shards, &first.plan, &first.generator) {
            bail!(t!(
                "{} and {} are shards of different builds (other sources, settings or gongkai); build every shard from the same sources",
                "`{}` 与 `{}` 不是同一次生成的分份（源文件、设置或 gongkai 版本不同）；请用同一份源文件重新生成每一份",
                first_dir.display(),
                dir.display()
            ));
        }
    }
    if first.sources != super::sources_digest(root)? {
        bail!(t!(
            "the sources in {} have changed since the shards were built; build every shard again",
            "`{}` 中的源文件在分份生成之后有了改动；请重新生成每一份",
            root.display()
        ));
    }
    if first.shards == 0 || first.shards > MAX_SHARDS {
        bail!(t!(
            "`{}` says the build has {} shards; build the shards again",
            "`{}` 称共有 {} 份；请重新分份生成",
            first_dir.display(),
            first.shards
        ));
    }
    let mut seen = vec![None; first.shards];
    for (dir, m) in &manifests {
        let (a, b, k, n) = (dir.display(), m.shard, m.shard, m.shards);
        match seen.get_mut(b.wrapping_sub(1)) {
            Some(slot @ None) => *slot = Some(*dir),
            Some(Some(other)) => {
                bail!(t!(
                    "{} and {a} are both shard {k}/{n}",
                    "`{}` 和 `{a}` 都是第 {k}/{n} 份",
                    other.display()
                ))
            }
            None => bail!(t!("{a} says it is shard {k}/{n}", "`{a}` 自称是第 {k}/{n} 份")),
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{}/{}", i + 1, first.shards))
        .collect();
    if !missing.is_empty() {
        let mut named = missing.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        if missing.len() > 10 {
            named.push_str(&t!(" and {} more", " 等共 {} 份", missing.len()));
        }
        bail!(t!(
            "shard {named} missing; build it with gongkai build --shard K/N and merge again",
            "缺少第 {named} 份；请用 gongkai build --shard K/N 生成后再合并"
        ));
    }
    check_jobs(&manifests)?;
    let staging = Staging::new(root, out)?;
    let mut outputs = BTreeMap::new();
    let mut copies = Vec::new();
    for (dir, m) in &manifests {
        for (rel, sha) in &m.outputs {
            if outputs.insert(rel.clone(), sha.clone()).is_some() {
                bail!(t!(
                    "two shards wrote `{rel}`; build every shard again with the same gongkai",
                    "有两份都写了 `{rel}`；请用同一个 gongkai 重新生成每一份"
                ));
            }
            copies.push((dir, m, rel, sha));
        }
    }
    // read, checked and written on every core (at 100,000 pages a shard set is 270,000 files);
    // of several damaged files the first in order is named, as one core would
    let copied: Vec<Result<()>> = copies
        .par_iter()
        .map(|(dir, m, rel, sha)| -> Result<()> {
            let file = dir.join(crate::write::safe_relative(rel)?);
            let bytes = std::fs::read(&file).with_context(|| crate::locale::reading(&file))?;
            if sha256(&bytes) != **sha {
                let (f, k, n) = (file.display(), m.shard, m.shards);
                bail!(t!(
                    "{f} differs from what its shard wrote; build shard {k}/{n} again",
                    "`{f}` 与该份生成时不同；请重新生成第 {k}/{n} 份"
                ));
            }
            staging.write(rel, &bytes)
        })
        .collect();
    copied.into_iter().collect::<Result<()>>()?;
    let files = outputs.len() + 1;
    let manifest = SiteManifest::from_hashes(outputs).with_releases(first.releases.clone());
    staging.put((SITE_MANIFEST.to_string(), manifest.to_bytes()))?;
    let warnings = staging
        .commit()
        .with_context(|| t!("writing the site into {}", "把网站写入 `{}` 时出错", out.display()))?;
    Ok(Merged { shards: manifests.len(), files, out: out.to_path_buf(), warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_guard_knows_every_manifest_by_name() {
        use crate::write::guard::OWN_FILES;
        for name in [MANIFEST, super::super::manifest::SITE_MANIFEST, super::super::manifest::SITE_SIGNATURE]
        {
            assert!(OWN_FILES.contains(&name), "{name}");
        }
    }

    #[test]
    fn parses_and_refuses_shard_numbers() {
        assert_eq!(Shard::parse("2/8").unwrap(), Shard { index: 2, total: 8 });
        for bad in ["0/8", "9/8", "2", "a/b", "1/0", "-1/3", "1/18446744073709551615", "1/10001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_each_runners_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let gitlab = env(&[("CI_NODE_INDEX", "3"), ("CI_NODE_TOTAL", "4")]);
        assert_eq!(Shard::from_env(gitlab).unwrap(), Shard { index: 3, total: 4 });
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "10"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ]);
        assert_eq!(Shard::from_env(slurm).unwrap(), Shard { index: 1, total: 2 });
        // --array=1-7:2 runs ids 1, 3, 5 and 7: id 3 is the second shard
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(Shard::from_env(stepped).unwrap(), Shard { index: 2, total: 4 });
        let off = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(Shard::from_env(off).is_err());
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("GONGKAI_SHARDS", "8")]);
        assert_eq!(Shard::from_env(k8s).unwrap(), Shard { index: 1, total: 8 });
        assert!(Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "0")])).is_err());
        assert!(Shard::from_env(env(&[])).is_err());
    }

    #[test]
    fn every_job_has_exactly_one_shard() {
        for total in 1..6 {
            for key in ["Home", "page:cases/a/", "Search", "Term(0, 3, 1)"] {
                let owners = (1..=total).filter(|&index| Shard { index, total }.owns(key)).count();
                assert_eq!(owners, 1, "{key} in {total} shards");
            }
        }
    }
}
