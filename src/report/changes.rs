//! Run-to-run changes: which rows changed status since the previous run (the set published in
//! the output folder, or the one `--previous DIR` names).
//!
//! The previous run is used only when it says it is whole and comparable ([`Previous::load`]):
//! its manifest and summary read, its results.csv as many rows as its summary counts, its
//! insurance codes taken from the same columns; and, once this night's rows are known, at least
//! half of this night's codes are in it ([`ChangesFile::finish`]). Otherwise the run reports
//! no changes, and says why, rather than changes against the wrong rows.
//!
//! Its results.csv is kept as, per insurance code (as the same 128-bit key the duplicate
//! detection uses), its status: about 20 bytes a row. A code that appears more than once keeps
//! its first status.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::bounds::BoundedRows;
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

/// The previous run, as far as it can be used.
pub(crate) enum Previous {
    /// Checked: the deltas are computed against it.
    Usable(PreviousRun),
    /// There is none (a first night, or `--no-previous`), and what to say.
    None(String),
    /// There is one, but it is not used, and why.
    Skipped(String),
}

/// A previous run that checked out: its statuses by code, and its summary.json.
pub(crate) struct PreviousRun {
    dir: PathBuf,
    statuses: HashMap<u128, Status>,
    pub(crate) summary: serde_json::Value,
}

impl Previous {
    /// The previous set in `dir`, checked. `named`: `--previous` named it (a missing folder is
    /// then a mistake to report, not a first night); `code_sources`: the columns this run takes
    /// its insurance codes from.
    pub(crate) fn load(dir: &Path, named: bool, code_sources: &[String]) -> Previous {
        if !named && !dir.exists() {
            return Previous::None(format!(
                "there is no previous set in {} (a first night)",
                dir.display()
            ));
        }
        match PreviousRun::load(dir, code_sources) {
            Ok(run) => Previous::Usable(run),
            Err(reason) => Previous::Skipped(reason),
        }
    }

    /// Its results.csv's size in bytes, for the memory estimate (0 when skipped).
    pub(crate) fn results_bytes(&self) -> u64 {
        match self {
            Previous::Usable(run) => {
                std::fs::metadata(run.dir.join("results.csv")).map_or(0, |m| m.len())
            }
            Previous::None(_) | Previous::Skipped(_) => 0,
        }
    }
}

/// Reads a small JSON file of a set.
fn read_json(path: &Path) -> std::result::Result<serde_json::Value, String> {
    let text =
        crate::small_file::read_text(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON ({e})", path.display()))
}

impl PreviousRun {
    fn load(dir: &Path, code_sources: &[String]) -> std::result::Result<PreviousRun, String> {
        if !dir.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
        let incomplete = |e: String| format!("{e}: not a complete set of popsync's");
        read_json(&dir.join("manifest.json")).map_err(incomplete)?;
        let summary = read_json(&dir.join("summary.json")).map_err(incomplete)?;
        let previous_sources = &summary["config"]["participants_columns"]["insurance_code"];
        if *previous_sources != serde_json::json!(code_sources) {
            return Err(format!(
                "its insurance codes were read from column {previous_sources}, this run's from \
                 {}: the codes cannot be compared",
                serde_json::json!(code_sources)
            ));
        }
        let path = dir.join("results.csv");
        let statuses = read_statuses(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (rows, counted) = statuses;
        let expected = summary["totals"]["participants"].as_u64();
        if expected != Some(rows) {
            return Err(format!(
                "{} holds {rows} rows where its summary.json counts {}: the set is incomplete",
                path.display(),
                expected.map_or("none".to_string(), |n| n.to_string())
            ));
        }
        Ok(PreviousRun {
            dir: dir.to_path_buf(),
            statuses: counted,
            summary,
        })
    }

    /// The status the code had, if it was there.
    pub(crate) fn status_of(&self, key: u128) -> Option<Status> {
        self.statuses.get(&key).copied()
    }
}

/// A results.csv's rows and each code's (first) status; rows of bounded size.
fn read_statuses(path: &Path) -> std::result::Result<(u64, HashMap<u128, Status>), String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader =
        csv::Reader::from_reader(BoundedRows::new(std::io::BufReader::new(file), b','));
    let mut statuses = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        let line = record.position().map_or(0, |p| p.line());
        let code = String::from_utf8_lossy(record.get(0).unwrap_or(b""));
        let status = std::str::from_utf8(record.get(1).unwrap_or(b""))
            .ok()
            .and_then(Status::parse)
            .ok_or_else(|| format!("line {line}: not a results.csv of popsync (unknown status)"))?;
        // Cells starting like a formula were written with a leading apostrophe.
        let code = code.strip_prefix('\'').unwrap_or(&code);
        statuses.entry(code_key(code)).or_insert(status);
        rows += 1;
    }
    Ok((rows, statuses))
}

/// changes.csv: each row whose status differs from the previous run's for its insurance code,
/// written as the final results go by, with the counts per kind of change.
pub(crate) struct ChangesFile<'a> {
    previous: &'a PreviousRun,
    rows: csv::Writer<PendingFile>,
    counts: ChangeCounts,
    /// This night's rows so far.
    seen: u64,
}

/// What came of the changes since the previous run.
pub(crate) enum Changes {
    /// The counts per kind of change (changes.csv lists the rows).
    Counted(ChangeCounts),
    /// No changes reported, and why.
    Skipped(String),
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
            seen: 0,
        })
    }

    /// A final results.csv row: its insurance code as written, its status, and the key of its
    /// code ([`code_key`]).
    pub(crate) fn add(&mut self, code: &str, status: Option<Status>, key: u128) -> Result<()> {
        self.seen += 1;
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

    /// changes.csv finished; or, when most of this night's codes are not in the previous run
    /// (the results of another participants file), dropped, with the reason.
    pub(crate) fn finish(self, out: &OutputDir) -> Result<(Option<FinishedFile>, Changes)> {
        let (new, seen) = (self.counts.new, self.seen);
        if new * 2 > seen {
            let file = self
                .rows
                .into_inner()
                .map_err(|e| Error::other(format!("writing output: {}", e.error())))?;
            file.discard(out)?;
            return Ok((
                None,
                Changes::Skipped(format!(
                "{new} of this night's {seen} insurance codes are not in the previous run ({}): \
                 it looks like the results of another participants file",
                self.previous.dir.display()
            )),
            ));
        }
        Ok((Some(finish_csv(self.rows)?), Changes::Counted(self.counts)))
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
