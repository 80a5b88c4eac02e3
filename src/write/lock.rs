//! One build at a time per output folder: a lock file beside the folder, holding the builder's
//! process id, and the leftovers of a killed build cleared by the next one. A killed build's
//! lock stays behind with its id, and only the leftovers that carry an id its lock names are
//! ever cleared: a folder of the same form made by anyone else is not gongkai's to remove.

use super::guard;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `.NAME.lock` beside the output folder, removed when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// The ids of killed builds whose leftovers are not cleared yet: the dead lock's own and
    /// those it had inherited.
    pub dead: Vec<u32>,
}

impl Lock {
    /// Takes the lock for the output folder `name` in `parent`; a lock left by a process that
    /// is gone is taken over.
    pub fn take(parent: &Path, name: &str) -> Result<Lock> {
        let path = parent.join(format!(".{name}.lock"));
        let mut dead = Vec::new();
        // twice: once as found, once more after clearing a dead build's lock
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let lock = Lock { path, dead };
                    file.write_all(lock.contents().as_bytes())
                        .with_context(|| crate::locale::writing(&lock.path))?;
                    return Ok(lock);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    dead = take_over(&path, parent, name)?
                }
                Err(e) => return Err(e).with_context(|| crate::locale::creating(&path)),
            }
        }
        bail!(t!(
            "another build took {} at the same moment; run one build at a time into {}",
            "另一次生成同时占用了 {}；请一次只向 {} 生成一个网站",
            path.display(),
            parent.join(name).display()
        ))
    }
}

impl Lock {
    /// Records that the dead builds' leftovers are cleared, but for those in `stuck`.
    pub fn cleared(&mut self, stuck: &[u32]) -> Result<()> {
        self.dead.retain(|p| stuck.contains(p));
        std::fs::write(&self.path, self.contents()).with_context(|| crate::locale::writing(&self.path))
    }

    /// This build's id and start time (see [`still_running`]), then the ids of the dead builds:
    /// they stay listed until their leftovers are gone, so that a build killed before it
    /// cleared them hands them on.
    fn contents(&self) -> String {
        let me = std::process::id();
        let first = match start_ticks(me) {
            Some(start) => format!("{me} {start}\n"),
            None => format!("{me}\n"),
        };
        first + &self.dead.iter().map(|p| format!("{p}\n")).collect::<String>()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes a lock whose process is gone, and returns the ids it names (the dead build's, then
/// those it inherited); refuses one whose process runs (or cannot be read, which a build
/// writing its id this very moment looks like).
fn take_over(path: &Path, parent: &Path, name: &str) -> Result<Vec<u32>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let out = parent.join(name);
    // the first line is the writer's id and, since this version, its start time
    let ids: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut first = ids.first().map(|l| l.split_whitespace()).into_iter().flatten();
    let (pid, start) =
        (first.next().and_then(|p| p.parse::<u32>().ok()), first.next().and_then(|s| s.parse().ok()));
    match pid {
        Some(pid) if !still_running(pid, start) => {
            // Read again just before removing: a build that took over first has written its own
            // id by now. The window left is a few instructions wide, for two builds started
            // in the same instant after a crash.
            if std::fs::read_to_string(path).unwrap_or_default() == text {
                std::fs::remove_file(path).with_context(|| t!("removing the stale {}", "删除遗留的 {} 时出错", path.display()))?;
            }
            Ok(ids.iter().filter_map(|i| i.split_whitespace().next()?.parse().ok()).collect())
        }
        Some(pid) => bail!(t!(
            "another gongkai build (process {pid}) is writing {}; wait for it to finish, \
             or remove {} if no build is running",
            "另一个 gongkai 生成进程（进程号 {pid}）正在写入 {}；请等它结束，\
             如果并没有生成在运行，请删除 {}",
            out.display(),
            path.display()
        )),
        None => bail!(t!(
            "{} exists, so another build may be writing {}; if no build is running, remove the lock file and build again",
            "{} 已存在，可能另一次生成正在写入 {}；如果并没有生成在运行，请删除这个锁文件后重新生成",
            path.display(),
            out.display()
        )),
    }
}

/// Whether the process that wrote `pid` and `start` (its start time, when the file recorded
/// it) still runs. A process of that number that started at another time took the number
/// later, after a restart or in a container where numbers repeat (this very process, even):
/// the writer is gone, and a lock it left would otherwise refuse every build until removed by
/// hand. Clock ticks since boot, not the wall clock, so a clock set forward changes nothing.
pub(crate) fn still_running(pid: u32, start: Option<u64>) -> bool {
    alive(pid)
        && match (start, start_ticks(pid)) {
            (Some(recorded), Some(now)) => recorded == now,
            _ => true,
        }
}

/// When process `pid` started, in clock ticks since boot, where the system tells.
pub(crate) fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the name in parentheses may hold spaces; the start time is the 22nd field, the 20th
    // after the name
    stat[stat.rfind(')')? + 1..].split_whitespace().nth(19)?.parse().ok()
}

/// Whether process `pid` runs. Where that cannot be told, every process counts as running,
/// so a lock is never taken from a live build; the error message names the file to remove.
pub(crate) fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    if cfg!(unix) {
        let probe = std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status();
        return probe.map(|s| s.success()).unwrap_or(true);
    }
    true
}

/// Removes what a killed build left beside the output folder: `.NAME.tmp-PID` (a site half
/// written) and `.NAME.old-PID` (the previous site, moved aside). Called with the lock held,
/// so no other build is using them. A name alone proves nothing: each must also carry
/// gongkai's marker (or, for a staging folder, be empty), so nothing a person made is removed. Returns what was
/// cleared, and a warning for each that could not be (a read-only folder in it, say): it
/// stands in no build's way, and the build goes on.
pub fn clear_leftovers(
    parent: &Path,
    name: &str,
    dead: &[u32],
) -> Result<(Vec<PathBuf>, Vec<crate::Diagnostic>, Vec<u32>)> {
    let prefix = format!(".{name}.");
    let mut cleared = Vec::new();
    let mut stuck = Vec::new();
    let mut stuck_ids = Vec::new();
    let entries = std::fs::read_dir(parent).with_context(|| crate::locale::reading(parent))?;
    for entry in entries {
        let entry = entry.with_context(|| crate::locale::reading(parent))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let path = entry.path();
        let Some(pid) = rest.strip_prefix("tmp-").or_else(|| rest.strip_prefix("old-")) else { continue };
        // `PID`, or `PID.N` when that name was taken (see `Staging::new`)
        let numbered = pid.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        // a killed build's own: its id (before any `.N`) is one its lock named
        let id = pid.split('.').next().and_then(|p| p.parse::<u32>().ok());
        let Some(id) = id.filter(|id| dead.contains(id)) else { continue };
        if !numbered || !is_dir {
            continue;
        }
        // a staging folder carries the marker from its first moment (see `Staging::new`); a
        // folder of that name without it is someone's, and only an empty one (a build killed
        // before it could mark its folder) is removed (found by a hostile review)
        if !guard::made_by_gongkai(&path) {
            if rest.starts_with("tmp-") && std::fs::remove_dir(&path).is_ok() {
                cleared.push(path);
            }
            continue;
        }
        // a staging folder is gongkai's alone; an old site may hold a file someone put there
        let cleared_one = match rest.starts_with("old-") {
            true => super::clear_old(&path),
            false => std::fs::remove_dir_all(&path).map_err(anyhow::Error::from),
        };
        match cleared_one {
            Ok(()) => cleared.push(path),
            Err(e) => {
                stuck.push(super::leftover_warning(&path, &e));
                stuck_ids.push(id);
            }
        }
    }
    Ok((cleared, stuck, stuck_ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Larger than any process id Linux hands out (at most 2^22).
    const DEAD: u32 = 99_999_999;

    #[test]
    fn a_second_build_is_refused_while_the_first_runs() {
        let dir = tempfile::tempdir().unwrap();
        let lock = Lock::take(dir.path(), "public").unwrap();
        let err = Lock::take(dir.path(), "public").unwrap_err().to_string();
        assert!(err.contains("is writing"), "{err}");
        drop(lock);
        assert!(!dir.path().join(".public.lock").exists());
        Lock::take(dir.path(), "public").unwrap();
    }

    #[test]
    fn a_dead_builds_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.lock");
        // a dead build that had itself inherited one whose leftovers it never cleared
        std::fs::write(&path, format!("{DEAD}\n{}\n", DEAD - 1)).unwrap();
        let mut lock = Lock::take(dir.path(), "public").unwrap();
        assert_eq!(lock.dead, [DEAD, DEAD - 1]);
        let me = std::process::id();
        let me = start_ticks(me).map_or(me.to_string(), |start| format!("{me} {start}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{me}\n{DEAD}\n{}\n", DEAD - 1));
        // cleared but for one: that one is handed on, should this build be killed too
        lock.cleared(&[DEAD - 1]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{me}\n{}\n", DEAD - 1));
        lock.cleared(&[]).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), me);
        drop(lock);
    }

    #[test]
    fn a_lock_whose_number_a_later_process_took_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.lock");
        // a lock of this process's number and another start time: a build killed before a
        // restart (or in a container) whose number this process now has
        let Some(start) = start_ticks(std::process::id()) else { return };
        std::fs::write(&path, format!("{} {}\n", std::process::id(), start + 1)).unwrap();
        let lock = Lock::take(dir.path(), "public").unwrap();
        assert_eq!(lock.dead, [std::process::id()]);
        drop(lock);
        // this process's own lock, written after it started, still refuses a second build
        let lock = Lock::take(dir.path(), "public").unwrap();
        assert!(Lock::take(dir.path(), "public").is_err());
        drop(lock);
    }

    #[test]
    fn an_unreadable_lock_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.lock");
        std::fs::write(&path, "").unwrap();
        assert!(Lock::take(dir.path(), "public").unwrap_err().to_string().contains("remove the lock"));
        assert!(path.exists());
    }

    #[test]
    fn leftovers_of_a_killed_build_go_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, file: &str| {
            std::fs::create_dir_all(dir.path().join(name)).unwrap();
            std::fs::write(dir.path().join(name).join(file), "x").unwrap();
        };
        make(".public.tmp-4242", guard::MARKER);
        make(".public.tmp-4242", "index.html");
        // a folder of a staging name that gongkai never marked is someone's (found by a hostile
        // review); an empty one is what a build killed before marking it leaves
        make(".public.tmp-4247", "mydata.txt");
        std::fs::create_dir(dir.path().join(".public.tmp-4248")).unwrap();
        make(".public.old-4243", guard::MARKER);
        make(".public.old-4244", "notes.txt");
        make(".public.old-2023x", guard::MARKER);
        make(".public.tmp-", "index.html");
        make(".dist.tmp-4245", "index.html");
        make("public", guard::MARKER);
        make(".public.汉字", "x");
        std::fs::write(dir.path().join(".public.tmp-4246"), "a file").unwrap();
        // marked and of the right form, but of no build the lock names: someone's copy (found
        // by a hostile review)
        make(".public.tmp-5555", guard::MARKER);
        make(".public.tmp-5555", "mine.txt");
        make(".public.old-5556", guard::MARKER);
        let dead = [4242, 4243, 4244, 4246, 4247, 4248];
        let (mut cleared, stuck, stuck_ids) = clear_leftovers(dir.path(), "public", &dead).unwrap();
        assert!(stuck.is_empty() && stuck_ids.is_empty());
        cleared.sort();
        assert_eq!(
            cleared,
            [
                dir.path().join(".public.old-4243"),
                dir.path().join(".public.tmp-4242"),
                dir.path().join(".public.tmp-4248")
            ]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".dist.tmp-4245",
                ".public.old-2023x",
                ".public.old-4244",
                ".public.old-5556",
                ".public.tmp-",
                ".public.tmp-4246",
                ".public.tmp-4247",
                ".public.tmp-5555",
                ".public.汉字",
                "public"
            ]
        );
    }
}
