//! The finalize pass: results.csv, mismatches.csv, duplicates.csv and changes.csv in their final
//! form, from the passes' scratch files and the [`LinkLog`].
//!
//! The participants' pass and the search pass write their rows to scratch files in row order
//! (a row left to the search has a NOT_FOUND placeholder in the first pass's results; see
//! [`crate::report::results`]). This pass computes the whole-file flags ([`Flags`]) and copies
//! the scratch rows into the final files with the flags added. Records are copied as raw bytes
//! ([`crate::report::raw`]), results.csv (with changes.csv and duplicates.csv, which follow
//! its rows) and mismatches.csv on one core each, so the pass runs at memory speed.

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::matching::Status;
use crate::province::ProvinceKey;
use crate::register::Register;
use crate::report::changes::{Changes, ChangesFile, PreviousRun};
use crate::report::duplicates::DuplicateRows;
use crate::report::links::{Flags, LinkLog, OpenRow};
use crate::report::mismatches;
use crate::report::output::{FinishedFile, OutputDir};
use crate::report::raw::{self, write_flagged};
use crate::report::results::{self, FinalRecords};
use crate::report::stats::Stats;

/// How the auditor-facing CSV files are written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Style {
    /// Lead with a UTF-8 byte-order mark (`--excel`).
    pub(crate) excel: bool,
    /// Personal IDs by their last 4 digits (`--mask-ids`).
    pub(crate) mask_ids: bool,
}

/// The rows a pass wrote to scratch files (deleted when dropped): results.csv rows, and
/// mismatches.csv rows each led by its row index. Scratch files, not memory: at 100M rows they
/// are gigabytes.
pub(crate) struct PassRows {
    pub(crate) results: NamedTempFile,
    pub(crate) mismatches: NamedTempFile,
}

/// What the two passes wrote: every row's record (placeholders for the searched rows) from the
/// participants' pass, and the searched rows' final records, one for each index in
/// `searched_rows` (ascending).
pub(crate) struct ScratchRows {
    pub(crate) first_pass: PassRows,
    pub(crate) searched_rows: Vec<u64>,
    pub(crate) searched: PassRows,
}

/// What the finalize pass wrote and counted.
pub(crate) struct Finalized {
    pub(crate) files: Vec<FinishedFile>,
    pub(crate) changes: Option<Changes>,
    /// The rows that are not SYNCED, when asked for (`open_rows`), in row order.
    pub(crate) open_rows: Vec<OpenRow>,
}

/// Writes results.csv, mismatches.csv, duplicates.csv and (with a previous run) changes.csv,
/// and counts the flags into `stats`. With `open_rows`, also lists the rows that are not
/// SYNCED, for the history.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_final(
    out: &OutputDir,
    style: Style,
    rows: &ScratchRows,
    log: &LinkLog,
    register: &Register,
    stats: &mut Stats,
    previous: Option<&PreviousRun>,
    open_rows: bool,
) -> Result<Finalized> {
    let flags = log.flags();
    let previous = previous.map(|run| (run, run.statuses_of(&log.keys)));
    // The two copies are independent: one per core.
    let (results, mismatches) = rayon::join(
        || write_results(out, style, rows, log, register, &flags, previous),
        || {
            let (first_pass, searched) = (&rows.first_pass, &rows.searched);
            let excel = style.excel;
            mismatches::write_final(
                out,
                excel,
                &first_pass.mismatches,
                &searched.mismatches,
                &flags,
                open_rows.then_some(log.keys.as_slice()),
            )
        },
    );
    let (mut files, counted, changes) = results?;
    stats.merge(counted);
    let (mismatches, open_rows) = mismatches?;
    files.push(mismatches);
    Ok(Finalized {
        files,
        changes,
        open_rows,
    })
}

/// results.csv, and the files that follow its final rows: changes.csv and duplicates.csv.
/// Returns the finished files, how often each flag was added, and the changes' counts.
fn write_results(
    out: &OutputDir,
    style: Style,
    rows: &ScratchRows,
    log: &LinkLog,
    register: &Register,
    flags: &Flags,
    previous: Option<(&PreviousRun, Vec<Option<Status>>)>,
) -> Result<(Vec<FinishedFile>, Stats, Option<Changes>)> {
    let mut results = out.create_csv("results.csv", style.excel, &results::HEADER)?;
    let mut changes = previous
        .map(|(previous, before)| ChangesFile::create(out, style.excel, previous, before))
        .transpose()?;
    let mut duplicates = DuplicateRows::default();
    let mut counted = Stats::default();
    let mut records = FinalRecords::new(
        &rows.first_pass.results,
        &rows.searched.results,
        &rows.searched_rows,
    )?;
    let mut record = Vec::new();
    let mut written = 0;
    while let Some(row) = records.next(&mut record)? {
        let row_flags = flags.of(row);
        counted.add_flags(row_flags, ProvinceKey::unpack(log.provinces[row]));
        write_flagged(&mut results, &record, results::REASONS, row_flags)
            .map_err(|e| Error::io(results.path(), e))?;
        let text = |i: usize| String::from_utf8_lossy(&raw::field(&record, i)).into_owned();
        if let Some(changes) = changes.as_mut() {
            let status = std::str::from_utf8(&raw::field(&record, 1))
                .ok()
                .and_then(Status::parse);
            changes.add(row, status, || text(0))?;
        }
        if flags.duplicate_person[row] {
            duplicates.add(log.links[row], row as u64, text(0), text(1));
        }
        written += 1;
    }
    if written != log.links.len() {
        return Err(Error::other(format!(
            "internal error: {written} result rows written for {} participant rows",
            log.links.len()
        )));
    }
    let mut finished = vec![results.finish()?];
    let change_counts = match changes {
        Some(changes) => {
            let (file, changes) = changes.finish()?;
            finished.extend(file);
            Some(changes)
        }
        None => None,
    };
    finished.push(duplicates.write(out, style.excel, style.mask_ids, register, flags)?);
    Ok((finished, counted, change_counts))
}
