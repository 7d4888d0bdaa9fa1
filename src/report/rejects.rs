//! rejects.csv: every row that could not be read, with its file and line.

use std::io::Write;

use crate::error::{Error, Result};
use crate::input::Reject;
use crate::report::cell::safe;
use crate::report::output::PendingFile;

pub(crate) const HEADER: [&str; 5] = ["file", "line", "column", "error", "raw"];

pub(crate) fn write_header(w: &mut csv::Writer<Vec<u8>>) -> csv::Result<()> {
    w.write_record(HEADER)
}

pub(crate) fn write_row(w: &mut csv::Writer<Vec<u8>>, reject: &Reject) -> csv::Result<()> {
    w.write_record([
        reject.file,
        &reject.line.to_string(),
        reject.column.unwrap_or(""),
        &safe(&reject.error),
        &safe(&reject.raw),
    ])
}

/// Appends rejects to a pending rejects.csv.
pub(crate) fn append(file: &mut PendingFile, rejects: &[Reject]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for reject in rejects {
        write_row(&mut w, reject).map_err(|e| Error::other(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::other(e.to_string()))?;
    let path = file.path().to_path_buf();
    file.write_all(&bytes).map_err(|e| Error::io(path, e))
}
