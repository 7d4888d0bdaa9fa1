//! The end of a run: the finalize pass (phase `outputs`: results.csv, mismatches.csv,
//! duplicates.csv, changes.csv), then rejects.csv, summary.json, manifest.json and report.html,
//! all in the run's new set, ready to be published as one ([`OutputDir::publish`]).

use std::time::{Instant, SystemTime};

use serde_json::json;

use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::fault;
use crate::history::night::Night;
use crate::history::History;
use crate::pipeline::id_pass::IdPass;
use crate::pipeline::model::OwnedModel;
use crate::pipeline::quality::Quality;
use crate::pipeline::search_pass::SearchPass;
use crate::report::changes::{Changes, Previous};
use crate::report::finalize::{self, Finalized, ScratchRows};
use crate::report::html::{self, HtmlInput};
use crate::report::manifest;
use crate::report::output::{FinishedFile, OutputDir};
use crate::report::rejects::RejectsFile;
use crate::report::stats::Stats;
use crate::report::summary::{self, SummaryInput};
use crate::report::workbook;
use crate::timings::{Stage, Timings};

/// The run's identity, when it started, and on how many threads, for summary.json.
pub(crate) struct RunClock {
    pub(crate) id: String,
    pub(crate) started: SystemTime,
    pub(crate) clock: Instant,
    pub(crate) threads: usize,
}

impl RunClock {
    /// A run that started at `started` (`clock`), on `threads` threads, with an identity of
    /// its own: 16 hex digits from the time and the process.
    pub(crate) fn new(started: SystemTime, clock: Instant, threads: usize) -> RunClock {
        let nanos = started
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let id = crate::rng::mix64(nanos ^ u64::from(std::process::id()).rotate_left(40));
        RunClock {
            id: format!("{id:016x}"),
            started,
            clock,
            threads,
        }
    }
}

/// What the passes produced.
pub(crate) struct Passes<'a> {
    pub(crate) model: &'a OwnedModel,
    pub(crate) first: IdPass,
    pub(crate) searched: SearchPass,
    /// rejects.csv, every reject appended.
    pub(crate) rejects: RejectsFile,
}

/// The new set, written: its files and the run's counts.
pub(crate) struct Written {
    pub(crate) files: Vec<FinishedFile>,
    pub(crate) stats: Stats,
    /// Why a previous set that checked out was still not used (its codes are mostly not
    /// tonight's), found only once the rows were compared.
    pub(crate) previous_unused: Option<String>,
}

/// Writes every output file into the new set; with a history, records the night there as
/// pending first (its trend and backlog go into summary.json and report.html).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write(
    config: &ReconcileConfig,
    out: &OutputDir,
    previous: &Previous,
    quality: &Quality,
    passes: Passes<'_>,
    run: &RunClock,
    history: Option<&mut History>,
    timings: &Timings,
) -> Result<Written> {
    fault::point("run:outputs").map_err(|e| Error::io(out.path(), e))?;
    let previous_run = match previous {
        Previous::Usable(run) => Some(run),
        Previous::None(_) | Previous::Skipped(_) => None,
    };
    let Passes {
        model,
        first,
        searched,
        rejects,
    } = passes;
    let mut stats = first.stats;
    let scratch = ScratchRows {
        first_pass: first.rows,
        searched_rows: searched.searched_rows,
        searched: searched.rows,
    };
    let finalized = timings.phase("outputs", || {
        timings.time(Stage::Write, || {
            finalize::write_final(
                out,
                config.style(),
                &scratch,
                &first.log,
                &model.register,
                &mut stats,
                previous_run,
                history.is_some(),
            )
        })
    })?;
    let Finalized {
        files: mut finished,
        changes,
        open_rows,
    } = finalized;
    drop(scratch);
    let writing_reports = Instant::now();
    if config.xlsx {
        let csv = out.in_set("mismatches.csv");
        let provinces = config.split_by_province.then_some(&config.provinces);
        finished.extend(timings.time(Stage::Write, || {
            workbook::write(
                out,
                &csv,
                config.xlsx_sheet_rows,
                provinces,
                config.language,
            )
        })?);
    }
    finished.push(rejects.finish()?);
    let settings = config.run_settings();
    let mut summary = summary::build(&SummaryInput {
        settings: &settings,
        stats: &stats,
        participants: &first.info,
        participants_rejected: first.rejected,
        register: &model.register_info,
        register_stats: &model.register.stats,
        run_id: &run.id,
        started: run.started,
        finished: SystemTime::now(),
        threads: run.threads,
        weights: &searched.weights,
        linked: &searched.linked,
        thresholds: &model.thresholds,
        quality,
    });
    if config.xlsx {
        summary["workbooks"] =
            workbook::listing(config.split_by_province.then_some(&config.provinces));
    }
    let compared = match (previous, &changes) {
        (Previous::Usable(run), Some(Changes::Counted(counts))) => {
            summary["changes"] = summary::changes_json(&summary, &run.summary, counts);
            Some(&run.summary)
        }
        (_, Some(Changes::Skipped(reason)))
        | (Previous::Skipped(reason) | Previous::None(reason), _) => {
            summary["changes"] = summary::skipped_changes_json(reason);
            None
        }
        (Previous::Usable(_), None) => None,
    };
    summary["review"]["decisions_in_force"] = json!(model.review.codes());
    timings.add(Stage::Write, writing_reports.elapsed());
    if let Some(history) = history {
        let night = Night {
            run_id: &run.id,
            folder: out.path(),
            summary: &summary,
            open_rows,
        };
        summary["history"] = timings.time(Stage::History, || history.record(night))?;
    }
    summary["timings"] = timings.to_json(run.clock.elapsed());
    let writing_reports = Instant::now();
    finished.push(out.write_json("summary.json", &summary)?);
    let inputs = [&first.info, &model.register_info];
    finished.push(out.write_json("manifest.json", &manifest::build(inputs, &summary))?);
    let page = html::render(&HtmlInput {
        summary: &summary,
        examples: &stats.examples,
        previous: compared,
        language: config.language,
        zone: &jiff::tz::TimeZone::system(),
    });
    finished.push(out.write_file("report.html", page.as_bytes())?);
    timings.add(Stage::Write, writing_reports.elapsed());
    let previous_unused = match changes {
        Some(Changes::Skipped(reason)) => Some(reason),
        _ => None,
    };
    Ok(Written {
        files: finished,
        stats,
        previous_unused,
    })
}
