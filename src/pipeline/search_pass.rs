//! The search pass (phase `search`): once every ID link is known, the rows the ID path left are
//! searched (step 3 of matching), with the one-to-one evidence ([`LinkedElsewhere`]) and the ID
//! evidence estimated again with the searched rows' counts; their final rows go to scratch files
//! of their own, in row order, for the finalize pass to put in place of the placeholders.

use std::io::{BufWriter, Write};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::matching::claims;
use crate::matching::deferred::{DeferredRow, DeferredRows};
use crate::matching::id_evidence::{IdEvidence, IdTally};
use crate::matching::weights::{LinkedElsewhere, Weights};
use crate::matching::{Model, NameBuffers, Outcome};
use crate::pipeline::id_pass::ROWS_PER_TASK;
use crate::register::PersonIdx;
use crate::report::finalize::PassRows;
use crate::report::links::{LinkLog, NO_PERSON};
use crate::report::mismatches::RowContext;
use crate::report::output::OutputDir;
use crate::report::rows::{FinishedRows, FormattedRows};
use crate::report::stats::Stats;
use crate::timings::{Stage, Timings};

/// Rows formatted between two writes: only one batch's text is in memory at a time.
const BATCH_ROWS: usize = 1 << 16;

/// What the search pass leaves.
pub(crate) struct SearchPass {
    /// The searched rows' final results.csv and mismatches.csv rows.
    pub(crate) rows: PassRows,
    /// Their row indexes, ascending.
    pub(crate) searched_rows: Vec<u64>,
    /// The weights the search used (with the ID evidence of the searched rows).
    pub(crate) weights: Weights,
    pub(crate) linked: LinkedElsewhere,
}

/// Searches the `deferred` rows with `model` (whose ID evidence `id_tally`, the weights'
/// sample's counts, refines); their links go into `log`, their counts into `stats`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    deferred: DeferredRows,
    model: &Model<'_>,
    id_tally: &IdTally,
    context: RowContext<'_>,
    out: &OutputDir,
    log: &mut LinkLog,
    stats: &mut Stats,
    timings: &Timings,
) -> Result<SearchPass> {
    let linked = LinkedElsewhere::estimate(&log.links, model.register.len());
    timings.phase("search", || {
        let searched = timings.time(Stage::Index, || deferred.tally(model));
        let namesakes = timings.time(Stage::Index, || {
            deferred.namesakes(model.register, model.thresholds.block_cap)
        });
        let weights = Weights {
            id_evidence: IdEvidence::estimate(id_tally, &searched),
            ..model.weights.clone()
        };
        let searching = Model {
            linked: Some(&linked),
            namesakes: Some(&namesakes),
            weights: &weights,
            ..*model
        };
        let rows = search(&deferred, &searching, context, out, log, stats, timings)?;
        Ok(SearchPass {
            rows,
            searched_rows: deferred.iter().map(|d| d.index).collect(),
            weights,
            linked,
        })
    })
}

/// Searches the rows in parallel, settles the claims several rows make on one person
/// ([`claims`]), and writes their final rows in row order, batch by batch.
fn search(
    deferred: &DeferredRows,
    model: &Model<'_>,
    context: RowContext<'_>,
    out: &OutputDir,
    log: &mut LinkLog,
    stats: &mut Stats,
    timings: &Timings,
) -> Result<PassRows> {
    let rows = deferred.as_slice();
    let mut outcomes: Vec<Outcome> = rows
        .par_chunks(ROWS_PER_TASK / 8)
        .flat_map_iter(|rows: &[DeferredRow]| {
            timings.time(Stage::Match, || {
                let mut buffers = NameBuffers::default();
                rows.iter()
                    .map(|d| d.search(model, &mut buffers))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    stats.settled_claims += timings.time(Stage::Match, || {
        claims::settle(rows, &mut outcomes, model) as u64
    });
    let results = out.scratch()?;
    let mismatches = out.scratch()?;
    let write_err = |e: std::io::Error| Error::io(out.path(), e);
    let mut results_w =
        BufWriter::with_capacity(1 << 20, results.as_file().try_clone().map_err(write_err)?);
    let mut mismatches_w = BufWriter::with_capacity(
        1 << 20,
        mismatches.as_file().try_clone().map_err(write_err)?,
    );
    for (batch, outcomes) in rows.chunks(BATCH_ROWS).zip(outcomes.chunks(BATCH_ROWS)) {
        let tasks: Vec<(FinishedRows, Vec<Option<PersonIdx>>)> = batch
            .par_chunks(ROWS_PER_TASK / 8)
            .zip(outcomes.par_chunks(ROWS_PER_TASK / 8))
            .map(|(rows, outcomes): (&[DeferredRow], &[Outcome])| {
                timings.time(Stage::Write, || {
                    // Formatting reads the register records of each row's persons (linked or
                    // suggested, compared, the candidates), last read during the search and
                    // since out of the nearest caches: asked for together first.
                    let register = context.register;
                    for o in outcomes {
                        let candidates = o.candidates.iter().map(|&(p, _)| p);
                        (o.person.into_iter().chain(o.compared).chain(candidates))
                            .for_each(|p| register.prefetch_fields(p));
                    }
                    let mut formatted = FormattedRows::with_capacity(rows.len());
                    for (d, outcome) in rows.iter().zip(outcomes) {
                        formatted.decided(&context, d.index, &d.row(), outcome, "");
                    }
                    let persons = outcomes.iter().map(|o| o.person).collect();
                    (formatted.finish(), persons)
                })
            })
            .collect();
        let merging = Instant::now();
        let mut rows = batch.iter();
        for (rows_out, persons) in tasks {
            results_w.write_all(&rows_out.results).map_err(write_err)?;
            mismatches_w
                .write_all(&rows_out.mismatches)
                .map_err(write_err)?;
            // The task's persons lead the zip: it stops at their end without taking a row.
            for (person, d) in persons.into_iter().zip(rows.by_ref()) {
                log.links[d.index as usize] = person.unwrap_or(NO_PERSON);
            }
            stats.merge(rows_out.stats);
        }
        timings.add(Stage::Write, merging.elapsed());
    }
    results_w.flush().map_err(write_err)?;
    mismatches_w.flush().map_err(write_err)?;
    Ok(PassRows {
        results,
        mismatches,
    })
}
