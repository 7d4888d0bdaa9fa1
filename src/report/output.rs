//! The output folder: files written under temporary names, renamed into place together at the
//! end of a successful run.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// The UTF-8 byte-order mark spreadsheet programs need to read a CSV file as UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// An output folder that has been checked to be writable.
pub(crate) struct OutputDir {
    dir: PathBuf,
    /// Unix permissions every output file gets.
    mode: u32,
}

impl OutputDir {
    /// The default mode of output files: they hold personal data.
    pub(crate) const OWNER_ONLY: u32 = 0o600;

    /// Creates the folder if needed and proves it is writable, before any work starts. Files
    /// will get the Unix permissions `mode`.
    pub(crate) fn prepare(dir: &Path, mode: u32) -> Result<OutputDir> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if !dir.is_dir() {
            return Err(Error::io(dir, io::Error::other("is not a directory")));
        }
        let probe = NamedTempFile::with_prefix_in(".popsync-", dir).map_err(|e| {
            Error::io(
                dir,
                io::Error::new(e.kind(), format!("cannot write to the output folder: {e}")),
            )
        })?;
        drop(probe);
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            mode,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    /// A new file that will become `name` when committed. Temporary files are created with mode
    /// 0600 (owner only): the outputs hold personal data.
    pub(crate) fn create(&self, name: &'static str) -> Result<PendingFile> {
        let temp = NamedTempFile::with_prefix_in(format!(".{name}."), &self.dir)
            .map_err(|e| Error::io(self.dir.join(name), e))?;
        Ok(PendingFile {
            name,
            mode: self.mode,
            path: self.dir.join(name),
            writer: BufWriter::with_capacity(1 << 20, temp),
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

    /// Writes the whole file `name` (to its temporary name).
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
            .map_err(|e| Error::io(self.dir.join(name), e.into()))?;
        text.push(b'\n');
        self.write_file(name, &text)
    }

    /// A scratch file deleted when dropped (intermediate data between passes).
    pub(crate) fn scratch(&self) -> Result<NamedTempFile> {
        NamedTempFile::with_prefix_in(".popsync-scratch.", &self.dir)
            .map_err(|e| Error::io(&self.dir, e))
    }

    /// Renames every finished file into place. Called only once all of them are complete.
    pub(crate) fn commit(&self, files: Vec<FinishedFile>) -> Result<()> {
        for file in files {
            let target = self.dir.join(file.name);
            file.temp
                .persist(&target)
                .map_err(|e| Error::io(&target, e.error))?;
        }
        Ok(())
    }
}

/// A file being written under a temporary name.
pub(crate) struct PendingFile {
    name: &'static str,
    mode: u32,
    path: PathBuf,
    writer: BufWriter<NamedTempFile>,
}

/// A completely written file waiting to be renamed into place.
pub(crate) struct FinishedFile {
    name: &'static str,
    temp: NamedTempFile,
}

impl PendingFile {
    /// Where the file will be once committed (for messages).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes and syncs the file to disk: a rename of an unsynced file can survive a crash
    /// that its content does not.
    pub(crate) fn finish(self) -> Result<FinishedFile> {
        let path = self.path;
        let temp = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        set_mode(temp.as_file(), self.mode).map_err(|e| Error::io(&path, e))?;
        temp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(FinishedFile {
            name: self.name,
            temp,
        })
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

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}
