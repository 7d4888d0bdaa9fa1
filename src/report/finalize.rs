//! The second pass: flags that need the whole participants file, and duplicates.csv.
//!
//! `duplicate_code` (the insurance code appears more than once) and `duplicate_person` (another
//! insurance code is linked to the same register person) cannot be known while rows stream
//! through. The first pass writes results and mismatches to scratch files and keeps, per row,
//! only the linked person (4 bytes) and a 128-bit key of the insurance code (16 bytes); this pass
//! computes the flags from those and copies the scratch files into their final form with the
//! flags added: records are copied as raw bytes (see `raw`), results.csv and mismatches.csv on
//! one core each, so the pass runs at memory speed.

use std::io::Write;

use rayon::prelude::*;
use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::matching::{Reason, ReasonSet, Status};
use crate::register::{PersonIdx, Register};
use crate::report::changes::{Change, ChangeCounts, PreviousRun, CHANGES_HEADER};
use crate::report::output::{reopen, FinishedFile, OutputDir, PendingFile, UTF8_BOM};
use crate::report::raw::{self, RawRecords};
use crate::report::rows::{MISMATCHES_HEADER, MISMATCHES_REASONS, RESULTS_HEADER, RESULTS_REASONS};
use crate::report::stats::Stats;

/// No person linked.
pub(crate) const NO_PERSON: PersonIdx = PersonIdx::MAX;

/// What the first pass keeps per participant row, in row order.
#[derive(Debug, Default)]
pub(crate) struct LinkLog {
    /// The linked (or suggested) person, or [`NO_PERSON`].
    pub(crate) links: Vec<PersonIdx>,
    /// [`code_key`] of the insurance code.
    pub(crate) keys: Vec<u128>,
}

impl LinkLog {
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.links.reserve(rows);
        self.keys.reserve(rows);
    }

    pub(crate) fn extend(&mut self, other: LinkLog) {
        self.links.extend(other.links);
        self.keys.extend(other.keys);
    }
}

/// A 128-bit key of an insurance code (trimmed); 0 for an empty code, which duplicates nothing.
/// At 10^8 rows the chance of any two codes colliding is about 10^-23.
pub(crate) fn code_key(code: &str) -> u128 {
    let code = code.trim();
    if code.is_empty() {
        0
    } else {
        xxhash_rust::xxh3::xxh3_128(code.as_bytes()).max(1)
    }
}

/// The whole-file flags of every row.
pub(crate) struct Flags {
    pub(crate) duplicate_code: Vec<bool>,
    pub(crate) duplicate_person: Vec<bool>,
    /// For flagged persons: how many distinct insurance codes link to them, by row.
    pub(crate) codes_per_person: Vec<u32>,
}

impl Flags {
    pub(crate) fn of(&self, row: usize) -> ReasonSet {
        let mut set = ReasonSet::default();
        if self.duplicate_person[row] {
            set.insert(Reason::DuplicatePerson);
        }
        if self.duplicate_code[row] {
            set.insert(Reason::DuplicateCode);
        }
        set
    }
}

/// Computes the flags. Both duplicates are found by sorting one `u64` per row, the row number
/// in its low half: plain integers sort several times faster than row numbers compared through
/// a lookup (each comparison a cache miss at 10^8 rows), in a quarter of the memory of sorted
/// 128-bit keys. Rows whose high halves tie are then grouped by their full keys.
pub(crate) fn flags(log: &LinkLog) -> Flags {
    let n = log.links.len();
    let key = |row: u64| log.keys[(row & u64::from(u32::MAX)) as usize];

    // duplicate_code: high half = the key's top 32 bits; ties are checked on the full key.
    let mut duplicate_code = vec![false; n];
    let mut order: Vec<u64> = (0..n)
        .filter(|&r| log.keys[r] != 0)
        .map(|r| ((log.keys[r] >> 96) as u64) << 32 | r as u64)
        .collect();
    order.par_sort_unstable();
    let mut run_keys: Vec<(u128, u64)> = Vec::new();
    for run in order.chunk_by(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run_keys.clear();
            run_keys.extend(run.iter().map(|&r| (key(r), r)));
            run_keys.sort_unstable();
            for same in run_keys.chunk_by(|a, b| a.0 == b.0) {
                if same.len() > 1 {
                    for &(_, r) in same {
                        duplicate_code[(r & u64::from(u32::MAX)) as usize] = true;
                    }
                }
            }
        }
    }
    drop(order);

    // duplicate_person: high half = the linked person; a run is one person's rows, and the
    // distinct insurance codes among them decide.
    let mut duplicate_person = vec![false; n];
    let mut codes_per_person = vec![0u32; n];
    let mut linked: Vec<u64> = (0..n)
        .filter(|&r| log.links[r] != NO_PERSON)
        .map(|r| u64::from(log.links[r]) << 32 | r as u64)
        .collect();
    linked.par_sort_unstable();
    let mut codes: Vec<u128> = Vec::new();
    for run in linked.chunk_by(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            codes.clear();
            codes.extend(run.iter().map(|&r| key(r)));
            codes.sort_unstable();
            codes.dedup();
            if codes.len() > 1 {
                for &r in run {
                    let row = (r & u64::from(u32::MAX)) as usize;
                    duplicate_person[row] = true;
                    codes_per_person[row] = codes.len() as u32;
                }
            }
        }
    }
    Flags {
        duplicate_code,
        duplicate_person,
        codes_per_person,
    }
}

fn csv_err(e: csv::Error) -> Error {
    Error::other(format!("rewriting an intermediate file: {e}"))
}

/// Writes a raw record with `flags` added to its reasons field (field `reasons_at`).
fn write_flagged(
    w: &mut impl Write,
    record: &[u8],
    reasons_at: usize,
    flags: ReasonSet,
) -> std::io::Result<()> {
    if flags.is_empty() {
        return w.write_all(record);
    }
    let span = raw::field_span(record, reasons_at).ok_or_else(|| {
        std::io::Error::other("internal error: intermediate row without its reasons field")
    })?;
    // Reason codes are snake_case: the field is never quoted, so text appends as is.
    w.write_all(&record[..span.end])?;
    let mut first = span.is_empty();
    for flag in flags.iter() {
        if !first {
            w.write_all(b";")?;
        }
        first = false;
        w.write_all(flag.as_str().as_bytes())?;
    }
    w.write_all(&record[span.end..])
}

fn start(
    out: &OutputDir,
    name: &'static str,
    excel: bool,
    header: &[&str],
) -> Result<csv::Writer<PendingFile>> {
    let mut file = out.create(name)?;
    if excel {
        file.write_all(UTF8_BOM)
            .map_err(|e| Error::io(file.path(), e))?;
    }
    let mut w = csv::WriterBuilder::new().from_writer(file);
    w.write_record(header).map_err(csv_err)?;
    Ok(w)
}

fn finish(w: csv::Writer<PendingFile>) -> Result<FinishedFile> {
    w.into_inner()
        .map_err(|e| Error::other(format!("writing output: {}", e.error())))?
        .finish()
}

/// How the auditor-facing CSV files are written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Style {
    /// Lead with a UTF-8 byte-order mark (`--excel`).
    pub(crate) excel: bool,
    /// Personal IDs by their last 4 digits (`--mask-ids`).
    pub(crate) mask_ids: bool,
}

/// The searched rows' final records, in row order: one results.csv record per index in
/// `results`, and in `mismatches` the records of those that are not SYNCED, each led by its
/// row index as in the scratch file. Scratch files, not memory: at 100M rows they are
/// gigabytes.
pub(crate) struct Searched {
    pub(crate) indexes: Vec<u64>,
    pub(crate) results: NamedTempFile,
    pub(crate) mismatches: NamedTempFile,
}

/// A scratch mismatch row's leading row index, and where the row itself starts.
fn row_index(record: &[u8]) -> Result<(usize, usize)> {
    raw::field_span(record, 0)
        .and_then(|span| {
            let index = std::str::from_utf8(&record[span.clone()])
                .ok()?
                .parse()
                .ok()?;
            Some((index, span.end + 1))
        })
        .ok_or_else(|| Error::other("internal error: mismatch row without its index"))
}

/// The first pass's scratch files: results.csv and mismatches.csv rows without the whole-file
/// flags, and each mismatch row preceded by its row index.
pub(crate) struct Intermediate {
    pub(crate) results: NamedTempFile,
    pub(crate) mismatches: NamedTempFile,
    /// The searched rows' final records.
    pub(crate) searched: Searched,
}

/// Writes results.csv, mismatches.csv and duplicates.csv from the first pass's scratch files,
/// adding the flags, and counts the flags into `stats`.
pub(crate) fn write_final(
    out: &OutputDir,
    style: Style,
    intermediate: &Intermediate,
    log: &LinkLog,
    register: &Register,
    stats: &mut Stats,
    previous: Option<&PreviousRun>,
) -> Result<(Vec<FinishedFile>, ChangeCounts)> {
    let flags = flags(log);
    // The two files are independent copies: one per core.
    let (results, mismatches) = rayon::join(
        || write_results(out, style, intermediate, log, register, &flags, previous),
        || write_mismatches(out, style, intermediate, &flags),
    );
    let (mut finished, reasons, change_counts) = results?;
    stats.merge(reasons);
    finished.push(mismatches?);
    Ok((finished, change_counts))
}

fn raw_records(temp: &NamedTempFile) -> Result<RawRecords<std::fs::File>> {
    Ok(RawRecords::new(reopen(temp)?))
}

fn scratch_err(e: std::io::Error) -> Error {
    Error::other(format!("rewriting an intermediate file: {e}"))
}

/// results.csv, changes.csv and duplicates.csv. Returns how often each flag was added.
fn write_results(
    out: &OutputDir,
    style: Style,
    intermediate: &Intermediate,
    log: &LinkLog,
    register: &Register,
    flags: &Flags,
    previous: Option<&PreviousRun>,
) -> Result<(Vec<FinishedFile>, Stats, ChangeCounts)> {
    let searched = &intermediate.searched;
    let mut changes = match previous {
        Some(_) => Some(start(out, "changes.csv", style.excel, &CHANGES_HEADER)?),
        None => None,
    };
    let mut change_counts = ChangeCounts::default();
    let mut counted = Stats::default();
    // A searched row's place holder in the scratch file gives way to its final record.
    let mut results = start(out, "results.csv", style.excel, &RESULTS_HEADER)?
        .into_inner()
        .map_err(|e| Error::other(format!("writing output: {}", e.error())))?;
    let mut duplicates: Vec<(PersonIdx, u64, String, String)> = Vec::new();
    let (mut record, mut searched_record) = (Vec::new(), Vec::new());
    let mut r = raw_records(&intermediate.results)?;
    let mut searched_rows = searched.indexes.iter().peekable();
    let mut searched_results = raw_records(&searched.results)?;
    let mut row = 0usize;
    while r.read(&mut record).map_err(scratch_err)? {
        let record: &[u8] = if searched_rows.next_if(|&&i| i as usize == row).is_some() {
            if !searched_results
                .read(&mut searched_record)
                .map_err(scratch_err)?
            {
                return Err(Error::other(
                    "internal error: a searched row was not written",
                ));
            }
            &searched_record
        } else {
            &record
        };
        let row_flags = flags.of(row);
        counted.add_reasons(row_flags);
        write_flagged(&mut results, record, RESULTS_REASONS, row_flags)
            .map_err(|e| Error::io(results.path(), e))?;
        let text = |i: usize| String::from_utf8_lossy(&raw::field(record, i)).into_owned();
        if let (Some(previous), Some(w)) = (previous, changes.as_mut()) {
            let status = Status::parse(&text(1));
            let before = previous.status_of(log.keys[row]);
            if let Some(change) = Change::between(before, status) {
                change_counts.add(change);
                w.write_record([
                    text(0).as_str(),
                    before.map_or("", |s| s.as_str()),
                    status.map_or("", |s| s.as_str()),
                    change.as_str(),
                ])
                .map_err(csv_err)?;
            }
        }
        if flags.duplicate_person[row] {
            duplicates.push((log.links[row], row as u64, text(0), text(1)));
        }
        row += 1;
    }
    if row != log.links.len() || searched_rows.next().is_some() {
        return Err(Error::other(format!(
            "internal error: {row} result rows written for {} participant rows",
            log.links.len()
        )));
    }
    let mut finished = vec![results.finish()?];
    if let Some(w) = changes {
        finished.push(finish(w)?);
    }
    finished.push(write_duplicates(out, style, register, flags, duplicates)?);
    Ok((finished, counted, change_counts))
}

/// mismatches.csv: the first pass's rows and the searched rows, merged by row index, each
/// without the index that leads it in the scratch files.
fn write_mismatches(
    out: &OutputDir,
    style: Style,
    intermediate: &Intermediate,
    flags: &Flags,
) -> Result<FinishedFile> {
    let mut mismatches = start(out, "mismatches.csv", style.excel, &MISMATCHES_HEADER)?
        .into_inner()
        .map_err(|e| Error::other(format!("writing output: {}", e.error())))?;
    let mut write = |record: &[u8]| -> Result<()> {
        let (row, from) = row_index(record)?;
        write_flagged(
            &mut mismatches,
            &record[from..],
            MISMATCHES_REASONS,
            flags.of(row),
        )
        .map_err(|e| Error::io(mismatches.path(), e))
    };
    let mut searched = raw_records(&intermediate.searched.mismatches)?;
    let (mut record, mut pending) = (Vec::new(), Vec::new());
    let mut has_pending = searched.read(&mut pending).map_err(scratch_err)?;
    let mut r = raw_records(&intermediate.mismatches)?;
    while r.read(&mut record).map_err(scratch_err)? {
        let (row, _) = row_index(&record)?;
        while has_pending && row_index(&pending)?.0 < row {
            write(&pending)?;
            has_pending = searched.read(&mut pending).map_err(scratch_err)?;
        }
        write(&record)?;
    }
    while has_pending {
        write(&pending)?;
        has_pending = searched.read(&mut pending).map_err(scratch_err)?;
    }
    mismatches.finish()
}

/// duplicates.csv: each register person linked from more than one insurance code, with the rows
/// (insurance code, status) that link to them.
fn write_duplicates(
    out: &OutputDir,
    style: Style,
    register: &Register,
    flags: &Flags,
    mut duplicates: Vec<(PersonIdx, u64, String, String)>,
) -> Result<FinishedFile> {
    duplicates.sort_by_key(|d| (d.0, d.1));
    let mut w = start(
        out,
        "duplicates.csv",
        style.excel,
        &[
            "person_id",
            "name_register",
            "dob_register",
            "linked_codes",
            "insurance_code",
            "status",
        ],
    )?;
    let mut name = String::new();
    for (person, row, code, status) in &duplicates {
        register.written_name(*person, &mut name);
        let dob = register
            .dob(*person)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let count = flags.codes_per_person[*row as usize].to_string();
        debug_assert!(Status::parse(status).is_some());
        w.write_record([
            crate::report::rows::shown_id(&register.person_id(*person), style.mask_ids).as_ref(),
            &crate::report::cell::safe(&name),
            &dob,
            &count,
            code,
            status,
        ])
        .map_err(csv_err)?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_mark_repeated_codes_and_shared_persons() {
        let log = LinkLog {
            links: vec![7, 7, 3, NO_PERSON, 3, 9],
            keys: vec![
                code_key("A"),
                code_key("B"),
                code_key("C"),
                code_key("C"),
                code_key("C"),
                code_key(""),
            ],
        };
        let f = flags(&log);
        assert_eq!(
            f.duplicate_code,
            vec![false, false, true, true, true, false]
        );
        // Person 7 is linked from A and B; person 3 only from code C (twice): no duplicate person.
        assert_eq!(
            f.duplicate_person,
            vec![true, true, false, false, false, false]
        );
        assert_eq!(f.codes_per_person[0], 2);
        assert_eq!(f.of(0).to_string(), "duplicate_person");
        assert_eq!(f.of(2).to_string(), "duplicate_code");
    }
}
