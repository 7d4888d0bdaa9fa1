//! The output folder and what lives beside it, for `--out /srv/popsync/nightly`:
//!
//! | path | what |
//! |---|---|
//! | `nightly/` | the published set: every file of one run, and nothing else |
//! | `nightly.history/<started>/` | the last `--keep` sets it replaced, named by when their run started |
//! | `nightly.history/history.sqlite` | the history of the nights and the reviewers' decisions (`crate::history`), unless `--history` puts it elsewhere |
//! | `.nightly.lock` | locked (`flock`) by the run writing the folder: one run at a time |
//! | `.nightly.run-<pid>-<n>/` | a run's work folder: its new set (`set/`) and its scratch files |
//!
//! A set is published whole or not at all: the run writes it into its work folder, then swaps
//! it with the published folder in one atomic exchange (`renameat2` with `RENAME_EXCHANGE`,
//! [`exchange`]), so that a reader of `nightly/` sees the whole previous set or the whole new
//! one, whatever moment the run is killed at. Why a swap of folders and not a rename per file:
//! renames one after another leave a mix of two runs when a run dies between two of them, and
//! a folder swap keeps `nightly/` a real folder that holds the current files directly, as
//! scripts and auditors expect. The displaced set is then archived into the history, or
//! removed when it is not a complete set.
//!
//! The lock is an advisory `flock`, released by the system when its holder dies however it
//! dies, so a killed run never blocks the next night; the next run removes what a killed one
//! left ([`clean_leftovers`]).

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, RenameFlags, CWD};

use crate::error::{Error, ErrorKind, Result};

/// The history file's name in the folder of earlier sets.
pub(crate) const HISTORY_FILE: &str = "history.sqlite";

/// The output folder's path and the names of its siblings.
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    /// The published folder (absolute).
    pub(crate) target: PathBuf,
    parent: PathBuf,
    name: OsString,
    /// Unix permissions of the folders popsync creates.
    dir_mode: u32,
}

impl Folder {
    /// The folder `dir` names; its parent is created (mode `dir_mode`) when missing.
    pub(crate) fn of(dir: &Path, dir_mode: u32) -> Result<Folder> {
        let absolute = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(Error::io(
                dir,
                io::Error::other("cannot be the output folder: name a folder of its own"),
            ));
        };
        create_dirs(parent, dir_mode)?;
        let parent = parent.canonicalize().map_err(|e| Error::io(parent, e))?;
        Ok(Folder {
            target: parent.join(name),
            parent,
            name: name.to_os_string(),
            dir_mode,
        })
    }

    fn sibling(&self, prefix: &str, suffix: &str) -> PathBuf {
        let mut name = OsString::from(prefix);
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    /// The lock file.
    fn lock(&self) -> PathBuf {
        self.sibling(".", ".lock")
    }

    /// The folder of earlier sets.
    pub(crate) fn history(&self) -> PathBuf {
        self.sibling("", ".history")
    }

    /// The prefix of the runs' work folders' names.
    fn work_prefix(&self) -> String {
        format!(".{}.run-", self.name.to_string_lossy())
    }

    /// A new work folder's path, for this process.
    pub(crate) fn new_work(&self) -> PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        self.parent.join(format!(
            "{}{}-{nanos}",
            self.work_prefix(),
            std::process::id()
        ))
    }

    /// The folder's parent, to sync after a rename in it.
    pub(crate) fn parent(&self) -> &Path {
        &self.parent
    }
}

/// Checks, writing nothing, what [`crate::report::output::OutputDir::prepare`] needs of `dir`:
/// a name of its own, the nearest existing folder above it writable (the run writes beside the
/// output folder), the folder popsync's own or missing, and no other run holding it.
pub(crate) fn check_usable(dir: &Path, names: &[&str]) -> Result<()> {
    let absolute = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return Err(Error::io(
            dir,
            io::Error::other("cannot be the output folder: name a folder of its own"),
        ));
    };
    let mut existing = parent;
    while !existing.exists() {
        existing = existing.parent().unwrap_or(Path::new("/"));
    }
    let access = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
    if !existing.is_dir() || rustix::fs::access(existing, access).is_err() {
        return Err(Error::io(
            dir,
            io::Error::other(format!(
                "cannot write in {}: the run creates its files beside the output folder",
                existing.display()
            )),
        ));
    }
    if existing != parent {
        return Ok(());
    }
    let parent = parent.canonicalize().map_err(|e| Error::io(parent, e))?;
    let folder = Folder {
        target: parent.join(name),
        parent,
        name: name.to_os_string(),
        dir_mode: 0o700,
    };
    check_target(&folder, names)?;
    // Another run holds the lock: a shared lock is refused too, and released at once.
    if let Ok(file) = File::open(folder.lock()) {
        if let Err(rustix::io::Errno::WOULDBLOCK) =
            rustix::fs::flock(&file, FlockOperation::NonBlockingLockShared)
        {
            return Err(ErrorKind::Busy {
                folder: folder.target.clone(),
            }
            .into());
        }
    }
    Ok(())
}

/// Creates `dir` and its missing parents with the Unix permissions `mode`.
pub(crate) fn create_dirs(dir: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(dir)
        .map_err(|e| Error::io(dir, e))
}

/// The run's hold on the folder: one run at a time.
pub(crate) struct FolderLock {
    _file: File,
}

impl FolderLock {
    /// Locks the folder, or fails at once with [`ErrorKind::Busy`] when another run holds it.
    pub(crate) fn acquire(folder: &Folder) -> Result<FolderLock> {
        let path = folder.lock();
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(FolderLock { _file: file }),
            Err(rustix::io::Errno::WOULDBLOCK) => Err(ErrorKind::Busy {
                folder: folder.target.clone(),
            }
            .into()),
            Err(e) => Err(Error::io(&path, e.into())),
        }
    }
}

/// Fails unless the output folder is missing, or a folder that holds only files `names` (what
/// the command writes) and the hidden files earlier versions of popsync left in it: the folder is
/// replaced as a whole, so anything else in it would be lost.
pub(crate) fn check_target(folder: &Folder, names: &[&str]) -> Result<()> {
    let target = &folder.target;
    let metadata = match std::fs::metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(target, e)),
        Ok(m) => m,
    };
    if !metadata.is_dir() {
        return Err(Error::io(
            target,
            io::Error::other("is not a folder: --out names the folder the files go into"),
        ));
    }
    for entry in std::fs::read_dir(target).map_err(|e| Error::io(target, e))? {
        let entry = entry.map_err(|e| Error::io(target, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !names.contains(&name.as_str()) && !is_leftover(&name, names) {
            return Err(Error::io(
                target,
                io::Error::other(format!(
                    "holds `{name}`, which popsync did not write there: the folder is replaced \
                     as a whole by each run, so give --out a folder of its own"
                )),
            ));
        }
    }
    Ok(())
}

/// A temporary file an earlier version of popsync left in the output folder: a scratch file,
/// or an output under its temporary name (`.results.csv.Ab12Cd`).
fn is_leftover(name: &str, names: &[&str]) -> bool {
    name.starts_with(".popsync-")
        || names.iter().any(|n| {
            name.strip_prefix('.')
                .is_some_and(|rest| rest.starts_with(&format!("{n}.")))
        })
}

/// Removes what a killed run left, the lock held: work folders (a displaced set in one, killed
/// between the swap and its archiving, goes to the history; an unpublished set is removed), and
/// the temporary files of earlier versions inside the output folder. Returns what could not be
/// done, as warnings: leftovers never stop a run.
pub(crate) fn clean_leftovers(folder: &Folder, names: &[&str], keep: usize) -> Vec<String> {
    let mut warnings = Vec::new();
    let prefix = folder.work_prefix();
    if let Ok(entries) = std::fs::read_dir(&folder.parent) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) {
                continue;
            }
            let work = entry.path();
            let set = work.join("set");
            // A dead run's work folder holds its own set, not published, or the set its swap
            // displaced, written by another run: which, the set's manifest says.
            let own = format!("{prefix}{}-", process_of(&set).unwrap_or(0));
            let displaced = started_of(&set).is_some() && !name.starts_with(&own);
            if displaced && keep > 0 {
                if let Err(e) = archive(folder, &set) {
                    warnings.push(format!(
                        "a previous set left by a killed run could not be archived: {e}"
                    ));
                }
            }
            if let Err(e) = std::fs::remove_dir_all(&work) {
                warnings.push(format!("{}: {e}", work.display()));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(&folder.target) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_leftover(&name, names) {
                if let Err(e) = std::fs::remove_file(entry.path()) {
                    warnings.push(format!("{}: {e}", entry.path().display()));
                }
            }
        }
    }
    warnings
}

/// The `run` of the set in `dir`, from its manifest; `None` when the folder holds no set.
fn run_of(dir: &Path) -> Option<serde_json::Value> {
    let text = crate::small_file::read_text(&dir.join("manifest.json")).ok()?;
    let manifest: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(manifest["run"].clone())
}

/// When the run of the set in `dir` started (`run.started`, RFC 3339 in UTC, so the text sorts
/// as the time does); `None` when the folder holds no complete set.
pub(crate) fn started_of(dir: &Path) -> Option<String> {
    run_of(dir)?["started"].as_str().map(str::to_string)
}

/// The identity of the run that wrote the set in `dir` (`run.id`); `None` when the folder
/// holds no complete set.
pub(crate) fn run_id_of(dir: &Path) -> Option<String> {
    run_of(dir)?["id"].as_str().map(str::to_string)
}

/// The process ID of the run that wrote the set in `dir` (`run.process`).
fn process_of(dir: &Path) -> Option<u64> {
    run_of(dir)?["process"].as_u64()
}

/// Swaps the folders `set` and `target` in one step: what was at each path is at the other.
pub(crate) fn exchange(set: &Path, target: &Path) -> io::Result<()> {
    rustix::fs::renameat_with(CWD, set, CWD, target, RenameFlags::EXCHANGE).map_err(|e| {
        io::Error::new(
            io::Error::from(e).kind(),
            format!(
                "the new set cannot be swapped in as one step (renameat2 RENAME_EXCHANGE: {e}); \
                 put the output folder on a local Linux file system"
            ),
        )
    })
}

/// Moves `set` into the history, named by when its run started.
pub(crate) fn archive(folder: &Folder, set: &Path) -> io::Result<()> {
    let history = folder.history();
    if !history.is_dir() {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .mode(folder.dir_mode)
            .create(&history)?;
        // The umask may have taken bits `--output-mode` gives.
        std::fs::set_permissions(&history, std::fs::Permissions::from_mode(folder.dir_mode))?;
    }
    let started = started_of(set).unwrap_or_else(|| "unknown".into());
    // `2026-12-05T01:00:00Z` → `2026-12-05T01-00-00Z`: no colon in a file name.
    let stamp = started.replace(':', "-");
    let mut name = stamp.clone();
    let mut n = 1;
    while history.join(&name).exists() {
        n += 1;
        name = format!("{stamp}.{n}");
    }
    std::fs::rename(set, history.join(name))
}

/// Removes the oldest sets of the history beyond the `keep` newest. Only entries named as
/// [`archive`] names them are counted or removed.
pub(crate) fn prune(folder: &Folder, keep: usize) -> io::Result<()> {
    let history = folder.history();
    let Ok(entries) = std::fs::read_dir(&history) else {
        return Ok(());
    };
    let mut sets: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| is_stamp(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect();
    sets.sort();
    let excess = sets.len().saturating_sub(keep);
    for set in &sets[..excess] {
        std::fs::remove_dir_all(set)?;
    }
    if keep == 0 && std::fs::read_dir(&history).is_ok_and(|mut e| e.next().is_none()) {
        std::fs::remove_dir(&history)?;
    }
    Ok(())
}

/// A history entry's name: `2026-12-05T01-00-00Z`, maybe with `.2` after it.
fn is_stamp(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[10] == b'T'
        && b[19] == b'Z'
}

/// Syncs a folder, so that the renames in it survive a crash.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_earlier_versions_are_recognised() {
        let names = ["results.csv", "summary.json"];
        assert!(is_leftover(".popsync-scratch.Xy12ab", &names));
        assert!(is_leftover(".results.csv.Ab12Cd", &names));
        assert!(!is_leftover(".results.csv", &names));
        assert!(!is_leftover("notes.txt", &names));
        assert!(!is_leftover(".bashrc", &names));
    }

    #[test]
    fn history_entries_are_named_by_time() {
        assert!(is_stamp("2026-12-05T01-00-00Z"));
        assert!(is_stamp("2026-12-05T01-00-00Z.2"));
        assert!(!is_stamp("notes"));
        assert!(!is_stamp("2026-12-05"));
    }
}
