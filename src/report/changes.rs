//! Run-to-run changes (`--previous DIR`): which rows changed status since the last night's run.
//!
//! The previous run is read from its results.csv: per insurance code (as the same 128-bit key the
//! duplicate detection uses) its status, one byte, so a national run's previous statuses take
//! about 20 bytes a row. A code that appears more than once keeps its first status.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::matching::Status;
use crate::report::links::code_key;
use crate::report::output::{finish_csv, FinishedFile, OutputDir, PendingFile};

/// The columns of changes.csv.
const HEADER: [&str; 4] = ["insurance_code", "previous_status", "status", "change"];

/// How a row's status moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Was not SYNCED, is now.
    NewlySynced,
    /// Was SYNCED, is not any more.
    NewlyBroken,
    /// Not SYNCED then or now, but another status (say NOT_FOUND → SUGGESTED).
    StillBroken,
    /// Not in the previous run.
    New,
}

impl Change {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Change::NewlySynced => "newly_synced",
            Change::NewlyBroken => "newly_broken",
            Change::StillBroken => "still_broken",
            Change::New => "new",
        }
    }

    /// The change from `before` (None: the code was not in the previous run) to `now`; `None`
    /// when the status is the same.
    pub(crate) fn between(before: Option<Status>, now: Option<Status>) -> Option<Change> {
        let now = now?;
        let Some(before) = before else {
            return Some(Change::New);
        };
        match (before == Status::Synced, now == Status::Synced) {
            _ if before == now => None,
            (false, true) => Some(Change::NewlySynced),
            (true, false) => Some(Change::NewlyBroken),
            _ => Some(Change::StillBroken),
        }
    }
}

/// How many rows changed, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ChangeCounts {
    pub(crate) newly_synced: u64,
    pub(crate) newly_broken: u64,
    pub(crate) still_broken: u64,
    pub(crate) new: u64,
}

impl ChangeCounts {
    pub(crate) fn add(&mut self, change: Change) {
        match change {
            Change::NewlySynced => self.newly_synced += 1,
            Change::NewlyBroken => self.newly_broken += 1,
            Change::StillBroken => self.still_broken += 1,
            Change::New => self.new += 1,
        }
    }
}

/// The previous run: its statuses by code, and its summary.json if readable.
pub(crate) struct PreviousRun {
    statuses: HashMap<u128, Status>,
    pub(crate) summary: Option<serde_json::Value>,
}

impl PreviousRun {
    /// Reads `dir/results.csv` (required) and `dir/summary.json` (optional).
    pub(crate) fn load(dir: &Path) -> Result<PreviousRun> {
        let path = dir.join("results.csv");
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
        let mut statuses = HashMap::new();
        let mut record = csv::ByteRecord::new();
        let bad = |line: u64, message: String| -> Error {
            ErrorKind::Input {
                file: path.clone(),
                line,
                column: None,
                message,
            }
            .into()
        };
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?
        {
            let line = record.position().map_or(0, |p| p.line());
            let code = String::from_utf8_lossy(record.get(0).unwrap_or(b""));
            let status = std::str::from_utf8(record.get(1).unwrap_or(b""))
                .ok()
                .and_then(Status::parse)
                .ok_or_else(|| bad(line, "not a results.csv of popsync: unknown status".into()))?;
            // Cells starting like a formula were written with a leading apostrophe.
            let code = code.strip_prefix('\'').unwrap_or(&code);
            statuses.entry(code_key(code)).or_insert(status);
        }
        let summary = std::fs::read_to_string(dir.join("summary.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        Ok(PreviousRun { statuses, summary })
    }

    /// The status the code had, if it was there.
    pub(crate) fn status_of(&self, key: u128) -> Option<Status> {
        self.statuses.get(&key).copied()
    }
}

/// changes.csv: each row whose status differs from the previous run's for its insurance code,
/// written as the final results go by, with the counts per kind of change.
pub(crate) struct ChangesFile<'a> {
    previous: &'a PreviousRun,
    rows: csv::Writer<PendingFile>,
    counts: ChangeCounts,
}

impl<'a> ChangesFile<'a> {
    pub(crate) fn create(
        out: &OutputDir,
        excel: bool,
        previous: &'a PreviousRun,
    ) -> Result<ChangesFile<'a>> {
        Ok(ChangesFile {
            previous,
            rows: csv::Writer::from_writer(out.create_csv("changes.csv", excel, &HEADER)?),
            counts: ChangeCounts::default(),
        })
    }

    /// A final results.csv row: its insurance code as written, its status, and the key of its
    /// code ([`code_key`]).
    pub(crate) fn add(&mut self, code: &str, status: Option<Status>, key: u128) -> Result<()> {
        let before = self.previous.status_of(key);
        if let Some(change) = Change::between(before, status) {
            self.counts.add(change);
            self.rows
                .write_record([
                    code,
                    before.map_or("", |s| s.as_str()),
                    status.map_or("", |s| s.as_str()),
                    change.as_str(),
                ])
                .map_err(|e| Error::other(format!("writing output: {e}")))?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<(FinishedFile, ChangeCounts)> {
        Ok((finish_csv(self.rows)?, self.counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_between_statuses() {
        use Status::*;
        assert_eq!(
            Change::between(Some(NotFound), Some(Synced)),
            Some(Change::NewlySynced)
        );
        assert_eq!(
            Change::between(Some(Synced), Some(Diff)),
            Some(Change::NewlyBroken)
        );
        assert_eq!(
            Change::between(Some(NotFound), Some(Suggested)),
            Some(Change::StillBroken)
        );
        assert_eq!(Change::between(None, Some(Diff)), Some(Change::New));
        assert_eq!(Change::between(Some(Diff), Some(Diff)), None);
    }
}
