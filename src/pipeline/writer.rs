//! The participants' pass's writer thread: each chunk's tasks, in row order, appended to the
//! scratch results and mismatches files and to rejects.csv, and their counts, links and rows
//! left to the search gathered. Writing on a thread of its own keeps both matching threads busy
//! (written between chunks, the copying and the write calls would leave them idle); one chunk
//! may wait to be written while the next is matched.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::mpsc::Receiver;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::input::Reject;
use crate::matching::deferred::{DeferredRow, DeferredRows};
use crate::matching::id_evidence::IdTally;
use crate::normalize::profile::Profile;
use crate::report::links::LinkLog;
use crate::report::output::OutputDir;
use crate::report::rejects::RejectsFile;
use crate::report::rows::FinishedRows;
use crate::report::stats::Stats;
use crate::timings::{Stage, Timings};

/// What one task made of a run of consecutive rows.
pub(crate) struct TaskOutput {
    /// The decided rows' output and counts (and placeholders for the rows left to the
    /// search).
    pub(crate) rows: FinishedRows,
    pub(crate) rejects: Vec<Reject>,
    pub(crate) log: LinkLog,
    pub(crate) deferred: Vec<DeferredRow>,
    /// The data-quality counts of the task's rows.
    pub(crate) profile: Profile,
    /// The ID evidence's counts over the task's rows in the weights' sample.
    pub(crate) id_tally: IdTally,
}

/// A chunk's task outputs, in row order, on their way to the writer thread.
pub(crate) struct MatchedChunk {
    pub(crate) tasks: Vec<TaskOutput>,
    /// Rows read so far, this chunk's included.
    pub(crate) rows: u64,
    /// Bytes of the file's text read so far.
    pub(crate) bytes_read: u64,
    /// The size of the file's whole text, when known or estimated (see
    /// [`crate::input::Chunk::text_size`]).
    pub(crate) text_size: Option<u64>,
}

/// What the writer thread gathered from every task.
pub(crate) struct Gathered {
    pub(crate) stats: Stats,
    pub(crate) log: LinkLog,
    /// Participant rows that could not be read.
    pub(crate) rejected: u64,
    pub(crate) deferred: DeferredRows,
    /// The data-quality counts of every row, added up in row order.
    pub(crate) profile: Profile,
    /// The ID evidence's counts over the weights' sample.
    pub(crate) id_tally: IdTally,
}

/// Writes the tasks of each chunk, in the order they come, until the channel closes. The whole-
/// file link log is reserved once the first chunk tells the bytes per row (when the text's size
/// is known); `profile` is the empty profile the tasks' counts are added to.
pub(crate) fn write_chunks(
    chunks: Receiver<MatchedChunk>,
    (results_file, mismatches_file): (&mut File, File),
    rejects: &mut RejectsFile,
    out: &OutputDir,
    profile: Profile,
    timings: &Timings,
) -> Result<Gathered> {
    let mut results_w = BufWriter::with_capacity(1 << 20, results_file);
    let mut mismatches_w = BufWriter::with_capacity(1 << 20, mismatches_file);
    let mut gathered = Gathered {
        stats: Stats::default(),
        log: LinkLog::default(),
        rejected: 0,
        deferred: DeferredRows::default(),
        profile,
        id_tally: IdTally::default(),
    };
    let write_err = |name: &str, e: std::io::Error| Error::io(out.path().join(name), e);
    let mut first_chunk = true;
    for chunk in chunks {
        let writing = Instant::now();
        for task in chunk.tasks {
            results_w
                .write_all(&task.rows.results)
                .map_err(|e| write_err("results.csv", e))?;
            mismatches_w
                .write_all(&task.rows.mismatches)
                .map_err(|e| write_err("mismatches.csv", e))?;
            gathered.rejected += task.rejects.len() as u64;
            rejects.append(&task.rejects)?;
            gathered.stats.merge(task.rows.stats);
            gathered.log.extend(task.log);
            gathered.deferred.append(task.deferred);
            gathered.profile.merge(task.profile);
            gathered.id_tally = gathered.id_tally.merge(task.id_tally);
        }
        if std::mem::take(&mut first_chunk) {
            // The first chunk tells the bytes per row, and the share of rows left to the
            // search. Reserving leaves the pages untouched until written, so room to spare
            // for a share that grows later in the file costs address space, not memory.
            let rows = chunk.rows as usize;
            if let Some(expected) =
                crate::input::expected_rows(rows, chunk.bytes_read, chunk.text_size)
            {
                let log = &mut gathered.log;
                log.reserve(expected.saturating_sub(log.links.len()));
                let deferred = &mut gathered.deferred;
                let share = deferred.len() as f64 / rows.max(1) as f64;
                deferred.reserve((expected as f64 * share * 1.5) as usize + 1024);
            }
        }
        timings.add(Stage::Write, writing.elapsed());
    }
    let flush_err = |e: std::io::Error| Error::io(out.path(), e);
    results_w.flush().map_err(flush_err)?;
    mismatches_w.flush().map_err(flush_err)?;
    Ok(gathered)
}
