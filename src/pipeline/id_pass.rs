//! The participants' pass (phase `participants`): the file streamed in chunks, each row read,
//! normalized and matched by ID (steps 1-2 of matching), in parallel; decided rows written, rows
//! the ID path cannot link left to the search pass with a placeholder in their place.
//!
//! A reader thread parses the next chunk while the workers process this one
//! ([`crate::input::ChunkReader`]); a chunk is cut into tasks of [`ROWS_PER_TASK`] rows whose
//! outputs come back in row order ([`TaskOutput`]), and the writer thread appends them
//! ([`crate::pipeline::writer`]). So the outputs are the same for any thread count.

use rayon::prelude::*;

use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::fault;
use crate::input::participant::ParticipantRow;
use crate::input::schema::participant as col;
use crate::input::{Chunk, ChunkReader, InputInfo};
use crate::matching::deferred::{DeferredRow, DeferredRows};
use crate::matching::id_evidence::IdTally;
use crate::matching::reviewed;
use crate::matching::{match_by_id, ByIdOutcome, Model, NameBuffers, Outcome};
use crate::normalize::participant::{row_fingerprint, Participant};
use crate::normalize::profile::Profile;
use crate::pipeline::read::{self, ParticipantReader, ReadRow};
use crate::pipeline::writer::{self, Gathered, MatchedChunk, TaskOutput};
use crate::progress::Progress;
use crate::report::finalize::PassRows;
use crate::report::links::LinkLog;
use crate::report::mismatches::RowContext;
use crate::report::output::OutputDir;
use crate::report::rejects::RejectsFile;
use crate::report::rows::FormattedRows;
use crate::report::stats::Stats;
use crate::timings::{Stage, Timings};

/// Rows whose ID lookups are requested from memory together: enough to overlap the waits, few
/// enough that what they bring stays in the cache until used.
const PREFETCH_ROWS: usize = 64;

/// Rows per parallel task: large enough that a task's overhead is noise, small enough that two
/// cores stay balanced within a chunk.
pub(crate) const ROWS_PER_TASK: usize = 2048;

/// What the participants' pass leaves.
pub(crate) struct IdPass {
    /// Counts of the decided rows.
    pub(crate) stats: Stats,
    /// Every row's link (none yet for the rows left to the search) and insurance code key.
    pub(crate) log: LinkLog,
    /// Participant rows that could not be read.
    pub(crate) rejected: u64,
    /// The rows left to the search, in row order.
    pub(crate) deferred: DeferredRows,
    /// Every row's results.csv row (placeholders for the deferred ones) and the decided rows'
    /// mismatches.csv rows.
    pub(crate) rows: PassRows,
    pub(crate) info: InputInfo,
    /// The data-quality counts of the participants file.
    pub(crate) profile: Profile,
    /// The ID evidence's counts over the weights' sample.
    pub(crate) id_tally: IdTally,
}

/// What every task reads, shared.
#[derive(Clone, Copy)]
struct TaskContext<'a> {
    reader: ParticipantReader<'a>,
    model: &'a Model<'a>,
    rows: RowContext<'a>,
    /// The rows the weights' sample spans, from the first: the ID evidence's counts are taken
    /// over them as they are matched.
    sample_rows: u64,
    timings: &'a Timings,
}

/// Streams the participants file through the ID path, writing the decided rows and
/// placeholders to scratch files and the rejected ones to `rejects`; `sample_rows`: the rows
/// the weights' sample spans, whose ID evidence counts it takes.
pub(crate) fn run(
    mut chunks: ChunkReader,
    config: &ReconcileConfig,
    model: &Model<'_>,
    sample_rows: u64,
    out: &OutputDir,
    rejects: &mut RejectsFile,
    timings: &Timings,
) -> Result<IdPass> {
    let mapping = chunks.mapping().clone();
    let context = TaskContext {
        reader: ParticipantReader {
            mapping: &mapping,
            id_format: config.id_format,
            provinces: &config.provinces,
            delimiter: chunks.delimiter(),
            dates: config.participants_dates,
        },
        model,
        rows: config.row_context(model.register),
        sample_rows,
        timings,
    };
    fault::point("run:participants").map_err(|e| Error::io(out.path(), e))?;
    let progress = Progress::bytes(!config.quiet, chunks.source_size(), "participants");
    let mut results = out.scratch()?;
    let mismatches = out.scratch()?;
    let mismatches_file =
        (mismatches.as_file().try_clone()).map_err(|e| Error::io(out.path(), e))?;
    let mut rows = 0u64;
    let profile = Profile::new(&mapping.names, &mapping.source_names);
    let (to_writer, matched) = std::sync::mpsc::sync_channel::<MatchedChunk>(1);
    let results_file = results.as_file_mut();
    let gathered = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            writer::write_chunks(
                matched,
                (results_file, mismatches_file),
                rejects,
                out,
                profile,
                timings,
            )
        });
        timings.phase("participants", || -> Result<(Gathered, InputInfo)> {
            while let Some(chunk) = chunks.next_chunk() {
                timings.add(Stage::Read, chunk.parse_time);
                let tasks = process_chunk(&context, &chunk, rows);
                rows += chunk.len() as u64;
                let matched = MatchedChunk {
                    tasks,
                    rows,
                    bytes_read: chunk.bytes_read,
                    text_size: chunk.text_size,
                };
                progress.set(chunk.source_read);
                chunks.recycle(chunk);
                if to_writer.send(matched).is_err() {
                    break; // the writer failed: its error is reported below
                }
            }
            drop(to_writer);
            let gathered = writer
                .join()
                .map_err(|_| Error::other("the output writer stopped unexpectedly"))??;
            let info = chunks.finish()?;
            Ok((gathered, info))
        })
    })?;
    let (gathered, info) = gathered;
    progress.finish();
    debug_assert_eq!(info.rows, rows);
    Ok(IdPass {
        stats: gathered.stats,
        log: gathered.log,
        rejected: gathered.rejected,
        deferred: gathered.deferred,
        profile: gathered.profile,
        id_tally: gathered.id_tally,
        rows: PassRows {
            results,
            mismatches,
        },
        info,
    })
}

/// Reads, normalizes, matches and formats a chunk of rows in parallel (`first_row`: the
/// chunk's first row index); the task outputs come back in row order.
fn process_chunk(context: &TaskContext<'_>, chunk: &Chunk, first_row: u64) -> Vec<TaskOutput> {
    (chunk.ranges(ROWS_PER_TASK))
        .into_par_iter()
        .map(|rows| {
            let first = first_row + rows.start as u64;
            process_rows(context, chunk, rows, first)
        })
        .collect()
}

/// The ID path's answer with the reviewers' decisions on the row's code applied.
fn reviewed(
    fields: &ParticipantRow<'_>,
    participant: &Participant,
    by_id: ByIdOutcome,
    context: &TaskContext<'_>,
    buffers: &mut NameBuffers,
) -> ByIdOutcome {
    let Some(review) = context.model.review else {
        return by_id;
    };
    let decisions = review.of(fields.get(col::INSURANCE_CODE));
    if decisions.is_empty() {
        return by_id;
    }
    let record = row_fingerprint(fields);
    reviewed::apply(
        decisions,
        record,
        participant,
        by_id,
        context.model,
        buffers,
    )
}

/// Matches a task's `read` rows by ID (the first `in_sample` of them in the weights' sample,
/// whose ID evidence counts it takes), with the reviewers' decisions applied.
fn match_rows(
    context: &TaskContext<'_>,
    read: &[ReadRow<'_>],
    in_sample: usize,
) -> (Vec<Option<ByIdOutcome>>, IdTally) {
    let mut id_tally = IdTally::default();
    let mut buffers = NameBuffers::default();
    let register = context.model.register;
    let groups: Vec<&[ReadRow<'_>]> = read.chunks(PREFETCH_ROWS).collect();
    let ids: Vec<Vec<u64>> = (groups.iter())
        .map(|rows| {
            (rows.iter())
                .filter_map(|row| match row {
                    ReadRow::Read(_, p) => p.id.cccd(),
                    ReadRow::Rejected(..) => None,
                })
                .collect()
        })
        .collect();
    // A group's ID slots are requested two groups ahead, its holders' records one ahead and
    // their names just before it is matched: each step reads what the one before requested,
    // whose wait the matching of a group has covered.
    let slots = |group: usize| {
        if let Some(ids) = ids.get(group) {
            register.prefetch_id_slots(ids);
        }
    };
    let records = |group: usize| {
        (ids.get(group)).map_or_else(Vec::new, |ids| register.prefetch_id_records(ids))
    };
    slots(0);
    slots(1);
    let mut holders = records(0);
    let mut matched = Vec::with_capacity(read.len());
    for (group, rows) in groups.iter().enumerate() {
        slots(group + 2);
        let next = records(group + 1);
        holders.iter().for_each(|&p| register.prefetch_name(p));
        holders = next;
        for row in rows.iter() {
            matched.push(match row {
                ReadRow::Read(fields, participant) => {
                    let by_id = match_by_id(participant, context.model, &mut buffers);
                    if matched.len() < in_sample {
                        let counts = IdTally::of_row(participant, &by_id, context.model);
                        id_tally = id_tally.merge(counts);
                    }
                    Some(reviewed(fields, participant, by_id, context, &mut buffers))
                }
                ReadRow::Rejected(..) => None,
            });
        }
    }
    (matched, id_tally)
}

/// A task: rows `rows` of `chunk` (`first_row`: the first one's index in the file), read,
/// matched by ID and formatted, each stage over all of them before the next.
fn process_rows(
    context: &TaskContext<'_>,
    chunk: &Chunk,
    rows: std::ops::Range<usize>,
    first_row: u64,
) -> TaskOutput {
    let timings = context.timings;
    // The stages run one after another over the task's rows, so that each is timed with two
    // clock reads per task instead of per row.
    let read: Vec<ReadRow<'_>> = timings.time(Stage::Normalize, || {
        (chunk.rows(rows.clone()))
            .map(|(record, line)| context.reader.read(record, line))
            .collect()
    });
    // The task's rows in the weights' sample: the first `in_sample` of `read`.
    let in_sample = (context.sample_rows.saturating_sub(first_row) as usize).min(read.len());
    let (matched, id_tally) = timings.time(Stage::Match, || match_rows(context, &read, in_sample));
    let mapping = context.reader.mapping;
    let mut profile = Profile::new(&mapping.names, &mapping.source_names);
    for row in &read {
        if let ReadRow::Read(fields, participant) = row {
            read::profile_row(&mut profile, fields, participant);
        }
    }
    timings.time(Stage::Write, || {
        // Formatting reads each linked person's record again (their ID, and for a mismatch
        // their fields), by now out of the nearest caches: asked for together first.
        let linked = matched.iter().filter_map(|m| match m {
            Some(ByIdOutcome::Linked(outcome)) => outcome.person,
            _ => None,
        });
        linked.for_each(|p| context.model.register.prefetch_fields(p));
        let mut formatted = FormattedRows::with_capacity(rows.len());
        let searched = (matched.iter())
            .filter(|m| matches!(m, Some(ByIdOutcome::Search(_))))
            .count();
        let mut deferred = Vec::with_capacity(searched);
        let (mut log, mut rejects) = (LinkLog::default(), Vec::new());
        for (i, (row, matched)) in read.into_iter().zip(matched).enumerate() {
            let index = first_row + i as u64;
            match (row, matched) {
                (ReadRow::Read(row, _), Some(ByIdOutcome::Linked(outcome))) => {
                    let province = formatted.decided(&context.rows, index, &row, &outcome, "");
                    log.push(row.get(col::INSURANCE_CODE), outcome.person, province);
                }
                (ReadRow::Read(row, participant), Some(ByIdOutcome::Search(pending))) => {
                    // Searched once every ID link is known (the one-to-one evidence): the row
                    // waits, and a placeholder holds its place in results.csv.
                    let province = formatted.placeholder(&context.rows, &row, pending.id_reasons);
                    log.push(row.get(col::INSURANCE_CODE), None, province);
                    deferred.push(DeferredRow::new(index, &row, participant, pending));
                }
                (ReadRow::Rejected(row, reject), _) => {
                    let outcome = Outcome::rejected();
                    let province =
                        formatted.decided(&context.rows, index, &row, &outcome, &reject.error);
                    log.push(row.get(col::INSURANCE_CODE), None, province);
                    rejects.push(reject);
                }
                (ReadRow::Read(..), None) => unreachable!("every read row is matched"),
            }
        }
        TaskOutput {
            rows: formatted.finish(),
            rejects,
            log,
            deferred,
            profile,
            id_tally,
        }
    })
}
