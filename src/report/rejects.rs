//! rejects.csv: every row that could not be read, with its file and line: the register's
//! rejects first, then the participants', each in line order.

use std::io::Write;

use crate::error::{Error, Result};
use crate::input::Reject;
use crate::report::cell::safe;
use crate::report::output::{FinishedFile, OutputDir, PendingFile};

/// The columns of rejects.csv.
const HEADER: [&str; 5] = ["file", "line", "column", "error", "raw"];

/// rejects.csv while it is written: rows are appended as the passes find them.
pub(crate) struct RejectsFile {
    file: PendingFile,
}

impl RejectsFile {
    pub(crate) fn create(out: &OutputDir, excel: bool) -> Result<RejectsFile> {
        Ok(RejectsFile {
            file: out.create_csv("rejects.csv", excel, &HEADER)?,
        })
    }

    /// Appends `rejects`, in the order given.
    pub(crate) fn append(&mut self, rejects: &[Reject]) -> Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for reject in rejects {
            w.write_record([
                reject.file,
                &reject.line.to_string(),
                reject.column.unwrap_or(""),
                &safe(&reject.error),
                &safe(&reject.raw),
            ])
            .map_err(|e| Error::other(e.to_string()))?;
        }
        let bytes = w.into_inner().map_err(|e| Error::other(e.to_string()))?;
        self.file
            .write_all(&bytes)
            .map_err(|e| Error::io(self.file.path(), e))
    }

    pub(crate) fn finish(self) -> Result<FinishedFile> {
        self.file.finish()
    }
}
