//! Run-to-run changes: which rows changed status since the previous run (the set published in
//! the output folder, or the one `--previous DIR` names).
//!
//! The previous run is used only when it says it is whole and comparable ([`Previous::load`]):
//! its manifest and summary read, its results.csv as many rows as its summary counts, its
//! insurance codes taken from the same columns; and, once this night's rows are known, at least
//! half of this night's codes are in it ([`ChangesFile::finish`]). Otherwise the run reports
//! no changes, and says why, rather than changes against the wrong rows.
//!
//! Its results.csv is kept as a [`StatusTable`]: 17 bytes a row (1.7 GB for 100 million),
//! looked up in two or three memory reads. A code that appears more than once keeps its first
//! status.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

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
    statuses: StatusTable,
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

    /// The status each code of `keys` ([`code_key`]) had, if it was there (its first row's),
    /// looked up on every core: one lookup after another on a single thread would each wait
    /// on memory.
    pub(crate) fn statuses_of(&self, keys: &[u128]) -> Vec<Option<Status>> {
        keys.par_iter().map(|&key| self.statuses.get(key)).collect()
    }
}

/// The low byte of a packed status word: the status's index in [`Status::ALL`].
const STATUS_BITS: u128 = 0xff;

/// Each row's status by insurance code. A row is one 16-byte word: the code's 128-bit key (a
/// hash, the one the duplicate detection uses) with its low byte replaced by the status. The
/// words are sorted by key, among equal keys in file order; a directory gives, for each value
/// of the key's top bits, where its words start: about four rows a bucket, one byte a row. A
/// lookup reads the directory and one bucket, where a binary search would read 20 places for a
/// million rows, each a cache miss, on the thread that writes results.csv.
struct StatusTable {
    words: Vec<u128>,
    starts: Vec<u32>,
    /// The key's top bits that number its bucket are `key >> shift`.
    shift: u32,
}

impl StatusTable {
    fn new(mut words: Vec<u128>) -> StatusTable {
        // A stable sort: among rows of one code, the first stays first.
        words.sort_by_key(|word| word & !STATUS_BITS);
        let bits = (words.len() / 4)
            .max(2)
            .next_power_of_two()
            .trailing_zeros();
        let shift = 128 - bits;
        let mut starts = vec![0u32; (1usize << bits) + 1];
        for word in &words {
            starts[(word >> shift) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        StatusTable {
            words,
            starts,
            shift,
        }
    }

    fn get(&self, key: u128) -> Option<Status> {
        let key = key & !STATUS_BITS;
        let bucket = (key >> self.shift) as usize;
        let (from, to) = (self.starts[bucket], self.starts[bucket + 1]);
        let word = self.words[from as usize..to as usize]
            .iter()
            .find(|&&word| word & !STATUS_BITS == key)?;
        Some(Status::ALL[(word & STATUS_BITS) as usize])
    }
}

/// A results.csv's rows and each row's status by code; rows of bounded size.
fn read_statuses(path: &Path) -> std::result::Result<(u64, StatusTable), String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader =
        csv::Reader::from_reader(BoundedRows::new(std::io::BufReader::new(file), b','));
    // About 45 bytes a row; a file that is not a results.csv must not reserve much.
    let mut statuses = Vec::with_capacity((metadata.len() / 40).min(1 << 24) as usize);
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
        let index = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        statuses.push(code_key(code) & !STATUS_BITS | index as u128);
        rows += 1;
    }
    Ok((rows, StatusTable::new(statuses)))
}

/// changes.csv: each row whose status differs from the previous run's for its insurance code,
/// written as the final results go by, with the counts per kind of change.
pub(crate) struct ChangesFile<'a> {
    previous: &'a PreviousRun,
    /// Each row's status in the previous run ([`PreviousRun::statuses_of`]).
    before: Vec<Option<Status>>,
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
        before: Vec<Option<Status>>,
    ) -> Result<ChangesFile<'a>> {
        Ok(ChangesFile {
            previous,
            before,
            rows: csv::Writer::from_writer(out.create_csv("changes.csv", excel, &HEADER)?),
            counts: ChangeCounts::default(),
            seen: 0,
        })
    }

    /// The final results.csv row `row`: its status, and its insurance code as written (asked
    /// for only when the row changed).
    pub(crate) fn add(
        &mut self,
        row: usize,
        status: Option<Status>,
        code: impl FnOnce() -> String,
    ) -> Result<()> {
        self.seen += 1;
        let before = self.before.get(row).copied().flatten();
        if let Some(change) = Change::between(before, status) {
            self.counts.add(change);
            self.rows
                .write_record([
                    code().as_str(),
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
    pub(crate) fn finish(self) -> Result<(Option<FinishedFile>, Changes)> {
        let (new, seen) = (self.counts.new, self.seen);
        if new * 2 > seen {
            let file = self
                .rows
                .into_inner()
                .map_err(|e| Error::other(format!("writing output: {}", e.error())))?;
            file.discard()?;
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
    fn the_status_table_finds_each_codes_first_status_and_nothing_else() {
        for rows in [0usize, 1, 3, 1_000, 50_000] {
            let codes: Vec<String> = (0..rows).map(|i| format!("{:010}", i * 7)).collect();
            let status = |i: usize| Status::ALL[i % Status::ALL.len()];
            let word = |code: &str, s: Status| {
                let index = Status::ALL.iter().position(|x| *x == s).unwrap();
                code_key(code) & !STATUS_BITS | index as u128
            };
            let mut words: Vec<u128> = (0..rows).map(|i| word(&codes[i], status(i))).collect();
            // A code repeated later in the file keeps its first status.
            if rows > 0 {
                words.push(word(&codes[0], Status::Rejected));
            }
            let table = StatusTable::new(words);
            for (i, code) in codes.iter().enumerate() {
                assert_eq!(table.get(code_key(code)), Some(status(i)), "{rows}: {code}");
            }
            assert_eq!(table.get(code_key("9999999991")), None, "{rows}");
        }
    }

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
