//! The second pass: flags that need the whole participants file, and duplicates.csv.
//!
//! `duplicate_code` (the insurance code appears more than once) and `duplicate_person` (another
//! insurance code is linked to the same register person) cannot be known while rows stream
//! through. The first pass writes results and mismatches to scratch files and keeps, per row,
//! only the linked person (4 bytes) and a 128-bit key of the insurance code (16 bytes); this pass
//! computes the flags from those and copies the scratch files into their final form with the
//! flags added.

use std::io::Write;

use csv::ByteRecord;
use rayon::prelude::*;
use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::matching::{Reason, ReasonSet, Status};
use crate::register::{PersonIdx, Register};
use crate::report::changes::{Change, ChangeCounts, PreviousRun, CHANGES_HEADER};
use crate::report::output::{reopen, FinishedFile, OutputDir, PendingFile, UTF8_BOM};
use crate::report::rows::{MISMATCHES_HEADER, MISMATCHES_REASONS, RESULTS_HEADER, RESULTS_REASONS};
use crate::report::stats::Stats;

/// No person linked.
pub const NO_PERSON: PersonIdx = PersonIdx::MAX;

/// What the first pass keeps per participant row, in row order.
#[derive(Debug, Default)]
pub struct LinkLog {
    /// The linked (or suggested) person, or [`NO_PERSON`].
    pub links: Vec<PersonIdx>,
    /// [`code_key`] of the insurance code.
    pub keys: Vec<u128>,
}

impl LinkLog {
    pub fn extend(&mut self, other: LinkLog) {
        self.links.extend(other.links);
        self.keys.extend(other.keys);
    }
}

/// A 128-bit key of an insurance code (trimmed); 0 for an empty code, which duplicates nothing.
/// At 10^8 rows the chance of any two codes colliding is about 10^-23.
pub fn code_key(code: &str) -> u128 {
    let code = code.trim();
    if code.is_empty() {
        0
    } else {
        xxhash_rust::xxh3::xxh3_128(code.as_bytes()).max(1)
    }
}

/// The whole-file flags of every row.
pub struct Flags {
    pub duplicate_code: Vec<bool>,
    pub duplicate_person: Vec<bool>,
    /// For flagged persons: how many distinct insurance codes link to them, by row.
    pub codes_per_person: Vec<u32>,
}

impl Flags {
    pub fn of(&self, row: usize) -> ReasonSet {
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

/// Computes the flags. Sorting row numbers (4 bytes each) by key, rather than copying keys,
/// keeps the extra memory at a quarter of the log's.
pub fn flags(log: &LinkLog) -> Flags {
    let n = log.links.len();
    let mut duplicate_code = vec![false; n];
    let mut order: Vec<u32> = (0..n as u32)
        .filter(|&r| log.keys[r as usize] != 0)
        .collect();
    order.par_sort_unstable_by_key(|&r| (log.keys[r as usize], r));
    for run in order.chunk_by(|&a, &b| log.keys[a as usize] == log.keys[b as usize]) {
        if run.len() > 1 {
            for &r in run {
                duplicate_code[r as usize] = true;
            }
        }
    }

    let mut duplicate_person = vec![false; n];
    let mut codes_per_person = vec![0u32; n];
    let mut linked: Vec<u32> = (0..n as u32)
        .filter(|&r| log.links[r as usize] != NO_PERSON)
        .collect();
    linked.par_sort_unstable_by_key(|&r| (log.links[r as usize], log.keys[r as usize], r));
    for run in linked.chunk_by(|&a, &b| log.links[a as usize] == log.links[b as usize]) {
        let distinct = 1 + run
            .windows(2)
            .filter(|w| log.keys[w[0] as usize] != log.keys[w[1] as usize])
            .count();
        if distinct > 1 {
            for &r in run {
                duplicate_person[r as usize] = true;
                codes_per_person[r as usize] = distinct as u32;
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

fn add_flags(record: &ByteRecord, reasons_at: usize, flags: ReasonSet, out: &mut ByteRecord) {
    out.clear();
    for (i, field) in record.iter().enumerate() {
        if i == reasons_at && !flags.is_empty() {
            let mut joined = field.to_vec();
            for flag in flags.iter() {
                if !joined.is_empty() {
                    joined.push(b';');
                }
                joined.extend_from_slice(flag.as_str().as_bytes());
            }
            out.push_field(&joined);
        } else {
            out.push_field(field);
        }
    }
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
pub struct Style {
    /// Lead with a UTF-8 byte-order mark (`--excel`).
    pub excel: bool,
    /// Personal IDs by their last 4 digits (`--mask-ids`).
    pub mask_ids: bool,
}

/// The searched rows' final records, in row order: one results.csv record per index in
/// `results`, and in `mismatches` the records of those that are not SYNCED, each led by its
/// row index as in the scratch file. Scratch files, not memory: at 100M rows they are
/// gigabytes.
pub struct Searched {
    pub indexes: Vec<u64>,
    pub results: NamedTempFile,
    pub mismatches: NamedTempFile,
}

fn row_index(record: &ByteRecord) -> Result<usize> {
    std::str::from_utf8(&record[0])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::other("internal error: mismatch row without its index"))
}

/// The first pass's scratch files: results.csv and mismatches.csv rows without the whole-file
/// flags, and each mismatch row preceded by its row index.
pub struct Intermediate {
    pub results: NamedTempFile,
    pub mismatches: NamedTempFile,
    /// The searched rows' final records.
    pub searched: Searched,
}

/// Writes results.csv, mismatches.csv and duplicates.csv from the first pass's scratch files,
/// adding the flags, and counts the flags into `stats`.
pub fn write_final(
    out: &OutputDir,
    style: Style,
    intermediate: &Intermediate,
    log: &LinkLog,
    register: &Register,
    stats: &mut Stats,
    previous: Option<&PreviousRun>,
) -> Result<(Vec<FinishedFile>, ChangeCounts)> {
    let flags = flags(log);
    let searched = &intermediate.searched;
    let mut changes = match previous {
        Some(_) => Some(start(out, "changes.csv", style.excel, &CHANGES_HEADER)?),
        None => None,
    };
    let mut change_counts = ChangeCounts::default();
    let reader = |temp: &NamedTempFile| -> Result<csv::Reader<std::io::BufReader<std::fs::File>>> {
        Ok(csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_reader(std::io::BufReader::with_capacity(1 << 20, reopen(temp)?)))
    };
    // results.csv, and the rows duplicates.csv lists. A searched row's place holder in the
    // scratch file gives way to its final record.
    let mut results = start(out, "results.csv", style.excel, &RESULTS_HEADER)?;
    let mut duplicates: Vec<(PersonIdx, u64, String, String)> = Vec::new();
    let (mut record, mut flagged) = (ByteRecord::new(), ByteRecord::new());
    let mut r = reader(&intermediate.results)?;
    let mut searched_rows = searched.indexes.iter().peekable();
    let mut searched_results = reader(&searched.results)?;
    let mut row = 0usize;
    while r.read_byte_record(&mut record).map_err(csv_err)? {
        if searched_rows.next_if(|&&i| i as usize == row).is_some() {
            searched_results
                .read_byte_record(&mut record)
                .map_err(csv_err)?;
        }
        let row_flags = flags.of(row);
        stats.add_reasons(row_flags);
        add_flags(&record, RESULTS_REASONS, row_flags, &mut flagged);
        results.write_byte_record(&flagged).map_err(csv_err)?;
        if let (Some(previous), Some(w)) = (previous, changes.as_mut()) {
            let status = std::str::from_utf8(&record[1]).ok().and_then(Status::parse);
            let before = previous.status_of(log.keys[row]);
            if let Some(change) = Change::between(before, status) {
                change_counts.add(change);
                let code = String::from_utf8_lossy(&record[0]);
                w.write_record([
                    code.as_ref(),
                    before.map_or("", |s| s.as_str()),
                    status.map_or("", |s| s.as_str()),
                    change.as_str(),
                ])
                .map_err(csv_err)?;
            }
        }
        if flags.duplicate_person[row] {
            let text = |i: usize| String::from_utf8_lossy(&record[i]).into_owned();
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
    let mut finished = vec![finish(results)?];
    if let Some(w) = changes {
        finished.push(finish(w)?);
    }

    // mismatches.csv: the first pass's rows and the searched rows, merged by row index.
    let mut mismatches = start(out, "mismatches.csv", style.excel, &MISMATCHES_HEADER)?;
    let mut write_mismatch = |record: &ByteRecord| -> Result<()> {
        let row = row_index(record)?;
        let mut without_index = ByteRecord::new();
        record
            .iter()
            .skip(1)
            .for_each(|f| without_index.push_field(f));
        add_flags(
            &without_index,
            MISMATCHES_REASONS,
            flags.of(row),
            &mut flagged,
        );
        mismatches.write_byte_record(&flagged).map_err(csv_err)
    };
    let mut searched_mismatches = reader(&searched.mismatches)?;
    let mut pending = ByteRecord::new();
    let mut has_pending = searched_mismatches
        .read_byte_record(&mut pending)
        .map_err(csv_err)?;
    let mut r = reader(&intermediate.mismatches)?;
    while r.read_byte_record(&mut record).map_err(csv_err)? {
        let row = row_index(&record)?;
        while has_pending && row_index(&pending)? < row {
            write_mismatch(&pending)?;
            has_pending = searched_mismatches
                .read_byte_record(&mut pending)
                .map_err(csv_err)?;
        }
        write_mismatch(&record)?;
    }
    while has_pending {
        write_mismatch(&pending)?;
        has_pending = searched_mismatches
            .read_byte_record(&mut pending)
            .map_err(csv_err)?;
    }
    finished.push(finish(mismatches)?);

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
            crate::report::rows::shown_id(&register.person_id(*person), style.mask_ids).as_str(),
            &crate::report::cell::safe(&name),
            &dob,
            &count,
            code,
            status,
        ])
        .map_err(csv_err)?;
    }
    finished.push(finish(w)?);
    Ok((finished, change_counts))
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
