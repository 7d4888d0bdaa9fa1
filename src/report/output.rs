//! The output folder, as a run writes it: the new set is written into the run's own work
//! folder beside the published one, then published as one set ([`OutputDir::publish`]); see
//! [`crate::report::folder`] for the layout and why.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::fault;
use crate::report::folder::{self, Folder, FolderLock};
use crate::stop::{self, OnStop};

/// The UTF-8 byte-order mark spreadsheet programs need to read a CSV file as UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The output folder of a run that holds its lock: files are written into the run's work
/// folder until [`OutputDir::publish`].
pub(crate) struct OutputDir {
    folder: Folder,
    /// The run's work folder: the new set (`set`) and scratch files.
    work: PathBuf,
    /// The new set, while it is written.
    set: PathBuf,
    /// Unix permissions every output file gets, and the folders (with search bits).
    mode: u32,
    /// Earlier sets kept in the history.
    keep: usize,
    /// What could not be done but does not fail the run (leftovers of a killed run), to log.
    warnings: Vec<String>,
    _lock: FolderLock,
    _on_stop: OnStop,
}

impl OutputDir {
    /// The default mode of output files: they hold personal data.
    pub(crate) const OWNER_ONLY: u32 = 0o600;

    /// Locks the output folder `dir` for this run, before any work starts: it must be missing
    /// or hold only files `names` (what the command writes). Cleans what a killed run left,
    /// and makes the run's work folder. Files will get the Unix permissions `mode`, folders the
    /// same with search bits; `keep` earlier sets stay in the history.
    pub(crate) fn prepare(dir: &Path, mode: u32, keep: usize, names: &[&str]) -> Result<OutputDir> {
        let dir_mode = folder_mode(mode);
        let folder = Folder::of(dir, dir_mode)?;
        folder::check_target(&folder, names)?;
        let lock = FolderLock::acquire(&folder)?;
        fault::point("run:locked").map_err(|e| Error::io(&folder.target, e))?;
        let warnings = folder::clean_leftovers(&folder, names, keep);
        let work = folder.new_work();
        let on_stop = stop::remove_on_stop(work.clone());
        let set = work.join("set");
        for dir in [&work, &set] {
            folder::create_dirs(dir, dir_mode).map_err(|e| {
                Error::io(
                    &folder.target,
                    io::Error::other(format!("cannot write beside the output folder: {e}")),
                )
            })?;
            set_mode(&File::open(dir).map_err(|e| Error::io(dir, e))?, dir_mode)
                .map_err(|e| Error::io(dir, e))?;
        }
        Ok(OutputDir {
            folder,
            work,
            set,
            mode,
            keep,
            warnings,
            _lock: lock,
            _on_stop: on_stop,
        })
    }

    /// The output folder (the published set's path).
    pub(crate) fn path(&self) -> &Path {
        &self.folder.target
    }

    /// What could not be done so far but does not fail the run, to log.
    pub(crate) fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// A new file of the set, `name`. It is created owner-only (the outputs hold personal
    /// data) and gets the set's mode when finished.
    pub(crate) fn create(&self, name: &'static str) -> Result<PendingFile> {
        self.create_at(name, Path::new(name))
    }

    /// A new file at `relative` in the set, published as the set's entry `entry` (itself, or
    /// the folder it is in); owner-only until finished.
    fn create_at(&self, entry: &'static str, relative: &Path) -> Result<PendingFile> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.folder.target.join(relative);
        let written = self.set.join(relative);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&written)
            .map_err(|e| Error::io(&path, e))?;
        Ok(PendingFile {
            name: entry,
            mode: self.mode,
            path,
            written,
            writer: BufWriter::with_capacity(1 << 20, file),
        })
    }

    /// A new CSV file that will become `name`: a UTF-8 byte-order mark first when `excel`
    /// (spreadsheet programs need it to read UTF-8), then the header row.
    pub(crate) fn create_csv(
        &self,
        name: &'static str,
        excel: bool,
        header: &[&str],
    ) -> Result<PendingFile> {
        let mut file = self.create(name)?;
        if excel {
            file.write_all(UTF8_BOM)
                .map_err(|e| Error::io(file.path(), e))?;
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header)
            .map_err(|e| Error::other(format!("writing output: {e}")))?;
        let row = w
            .into_inner()
            .map_err(|e| Error::other(format!("writing output: {}", e.error())))?;
        file.write_all(&row)
            .map_err(|e| Error::io(file.path(), e))?;
        Ok(file)
    }

    /// Writes the whole file `name`.
    pub(crate) fn write_file(&self, name: &'static str, bytes: &[u8]) -> Result<FinishedFile> {
        let mut file = self.create(name)?;
        file.write_all(bytes)
            .map_err(|e| Error::io(file.path(), e))?;
        file.finish()
    }

    /// Writes the JSON file `name`: `value` pretty-printed, with a final newline.
    pub(crate) fn write_json(
        &self,
        name: &'static str,
        value: &serde_json::Value,
    ) -> Result<FinishedFile> {
        let mut text = serde_json::to_vec_pretty(value)
            .map_err(|e| Error::io(self.folder.target.join(name), e.into()))?;
        text.push(b'\n');
        self.write_file(name, &text)
    }

    /// The run's work folder: where temporary files go, removed with it on any exit.
    pub(crate) fn work_dir(&self) -> &Path {
        &self.work
    }

    /// Where the file `name` of the new set is while the run writes it (to read back a file
    /// already finished).
    pub(crate) fn in_set(&self, name: &str) -> PathBuf {
        self.set.join(name)
    }

    /// A folder of the new set, `name`, for files of their own ([`OutputDir::create_in`]); it is
    /// published with the rest (as one entry of the set).
    pub(crate) fn create_folder(&self, name: &'static str) -> Result<FinishedFile> {
        use std::os::unix::fs::DirBuilderExt;
        let path = self.set.join(name);
        std::fs::DirBuilder::new()
            .mode(folder_mode(self.mode))
            .create(&path)
            .map_err(|e| Error::io(self.folder.target.join(name), e))?;
        Ok(FinishedFile { name })
    }

    /// A new file `name` in the set's folder `folder` (made by [`OutputDir::create_folder`]);
    /// as [`OutputDir::create`] otherwise. The folder is what is published as an entry of the
    /// set, so the file's own [`FinishedFile`] is not listed.
    pub(crate) fn create_in(&self, folder: &'static str, name: &str) -> Result<PendingFile> {
        self.create_at(folder, &Path::new(folder).join(name))
    }

    /// A scratch file in the run's work folder, deleted when dropped (intermediate data between
    /// passes).
    pub(crate) fn scratch(&self) -> Result<NamedTempFile> {
        NamedTempFile::with_prefix_in(".scratch.", &self.work).map_err(|e| Error::io(&self.work, e))
    }

    /// Publishes the new set, `files` and nothing else, in one step: it replaces the published
    /// set as a whole, and the replaced set goes to the history. Until the swap, a failure
    /// leaves the published set as it was and fails the run; after it the new set is published
    /// whatever follows, so what follows (archiving, pruning the history, removing the work
    /// folder) only warns. Returns those warnings.
    pub(crate) fn publish(self, files: Vec<FinishedFile>) -> Result<Vec<String>> {
        let target = self.folder.target.clone();
        let fail = |e: io::Error| {
            Error::io(
                &target,
                io::Error::new(e.kind(), format!("nothing was published: {e}")),
            )
        };
        let mut expected: Vec<&str> = files.iter().map(|f| f.name).collect();
        expected.sort_unstable();
        let mut written: Vec<String> = std::fs::read_dir(&self.set)
            .map_err(fail)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()
            .map_err(fail)?;
        written.sort_unstable();
        if written != expected {
            return Err(Error::other(format!(
                "internal error: the new set holds {written:?}, not {expected:?}; nothing was published"
            )));
        }
        folder::sync_dir(&self.set).map_err(fail)?;
        fault::point("publish:staged").map_err(fail)?;
        let mut warnings = Vec::new();
        {
            // A stop waits for the swap and the archiving: never half of either.
            let _held = stop::hold();
            if std::fs::symlink_metadata(&target).is_ok() {
                folder::exchange(&self.set, &target).map_err(fail)?;
            } else {
                std::fs::rename(&self.set, &target).map_err(fail)?;
            }
            stop::published();
            // Each step after the swap is tried whatever became of the one before.
            let mut after = |step: &str, done: io::Result<()>| {
                if let Err(e) = done.and_then(|()| fault::point(step)) {
                    warnings.push(format!("{}: {e}", target.display()));
                }
            };
            after("publish:exchanged", folder::sync_dir(self.folder.parent()));
            // The displaced set, if there was one, is now at the work folder's `set`.
            let archived = if self.keep > 0 && folder::started_of(&self.set).is_some() {
                folder::archive(&self.folder, &self.set)
            } else {
                Ok(())
            };
            after("publish:archived", archived);
            after("publish:pruned", folder::prune(&self.folder, self.keep));
        }
        // Dropping `self` removes the work folder (scratch files, and a displaced set that was
        // not archived).
        Ok(warnings)
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

/// A folder's permissions for files of `mode`: the same, with search where there is read
/// (0600 → 0700, 0640 → 0750).
pub(crate) fn folder_mode(mode: u32) -> u32 {
    mode | (mode & 0o444) >> 2
}

/// A file of the new set while it is written.
pub(crate) struct PendingFile {
    /// The entry of the set it is published as: its name, or the folder it is in.
    name: &'static str,
    mode: u32,
    /// Where it will be once published (for messages).
    path: PathBuf,
    /// Where it is while the run writes it.
    written: PathBuf,
    writer: BufWriter<File>,
}

/// A completely written file of the new set.
pub(crate) struct FinishedFile {
    name: &'static str,
}

impl PendingFile {
    /// Where the file will be once published (for messages).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file itself, for a writer that seeks (a workbook); nothing is buffered before it
    /// is used.
    pub(crate) fn file_mut(&mut self) -> &mut File {
        self.writer.get_mut()
    }

    /// Drops the file from the new set: it will not be published.
    pub(crate) fn discard(self) -> Result<()> {
        drop(self.writer);
        std::fs::remove_file(&self.written).map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes and syncs the file to disk: a rename of an unsynced file can survive a crash
    /// that its content does not.
    pub(crate) fn finish(self) -> Result<FinishedFile> {
        let path = self.path;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        set_mode(&file, self.mode).map_err(|e| Error::io(&path, e))?;
        file.sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(FinishedFile { name: self.name })
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Finishes a CSV file written through a `csv::Writer` (see [`PendingFile::finish`]).
pub(crate) fn finish_csv(w: csv::Writer<PendingFile>) -> Result<FinishedFile> {
    w.into_inner()
        .map_err(|e| Error::other(format!("writing output: {}", e.error())))?
        .finish()
}

/// Opens a scratch file for reading from its start.
pub(crate) fn reopen(temp: &NamedTempFile) -> Result<File> {
    temp.reopen().map_err(|e| Error::io(temp.path(), e))
}

fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}
