//! The end of a run: the finalize pass (phase `outputs`: results.csv, mismatches.csv,
//! duplicates.csv, changes.csv), then rejects.csv, summary.json, manifest.json and report.html,
//! and every file renamed into place together.

use std::thread::JoinHandle;
use std::time::{Instant, SystemTime};

use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::pipeline::id_pass::IdPass;
use crate::pipeline::model::OwnedModel;
use crate::pipeline::search_pass::SearchPass;
use crate::report::changes::PreviousRun;
use crate::report::finalize::{self, ScratchRows};
use crate::report::html::{self, HtmlInput};
use crate::report::manifest;
use crate::report::output::OutputDir;
use crate::report::rejects::RejectsFile;
use crate::report::stats::Stats;
use crate::report::summary::{self, SummaryInput};
use crate::timings::{Stage, Timings};

/// When the run started, and on how many threads, for summary.json.
pub(crate) struct RunClock {
    pub(crate) started: SystemTime,
    pub(crate) clock: Instant,
    pub(crate) threads: usize,
}

/// What the passes produced.
pub(crate) struct Passes<'a> {
    pub(crate) model: &'a OwnedModel,
    pub(crate) first: IdPass,
    pub(crate) searched: SearchPass,
    /// rejects.csv, every reject appended.
    pub(crate) rejects: RejectsFile,
}

/// The input files' sizes and SHA-256, computed on a thread of their own.
pub(crate) type Hashing = JoinHandle<Result<Vec<(u64, String)>>>;

/// Writes every output file and renames them into place; returns the run's counts.
pub(crate) fn write(
    config: &ReconcileConfig,
    out: &OutputDir,
    previous: Option<&PreviousRun>,
    hashing: Hashing,
    passes: Passes<'_>,
    run: &RunClock,
    timings: &Timings,
) -> Result<Stats> {
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
    let (mut finished, changes) = timings.phase("outputs", || {
        timings.time(Stage::Write, || {
            finalize::write_final(
                out,
                config.style(),
                &scratch,
                &first.log,
                &model.register,
                &mut stats,
                previous,
            )
        })
    })?;
    drop(scratch);
    let writing_reports = Instant::now();
    finished.push(rejects.finish()?);
    let settings = config.run_settings();
    let mut summary = summary::build(&SummaryInput {
        settings: &settings,
        stats: &stats,
        participants: &first.info,
        participants_rejected: first.rejected,
        register: &model.register_info,
        register_stats: &model.register.stats,
        started: run.started,
        finished: SystemTime::now(),
        threads: run.threads,
        weights: &searched.weights,
        linked: &searched.linked,
        thresholds: &model.thresholds,
    });
    if let (Some(previous), Some(changes)) = (previous, changes) {
        summary["changes"] = summary::changes_json(&summary, previous.summary.as_ref(), &changes);
    }
    timings.add(Stage::Write, writing_reports.elapsed());
    summary["timings"] = timings.to_json(run.clock.elapsed());
    let writing_reports = Instant::now();
    let hashes = hashing
        .join()
        .map_err(|_| Error::other("the input hashing thread panicked"))??;
    finished.push(out.write_json("summary.json", &summary)?);
    let inputs = [config.participants.as_path(), config.register.as_path()];
    finished.push(out.write_json("manifest.json", &manifest::build(inputs, &hashes, &summary))?);
    let page = html::render(&HtmlInput {
        summary: &summary,
        examples: &stats.examples,
        previous: previous.and_then(|p| p.summary.as_ref()),
    });
    finished.push(out.write_file("report.html", page.as_bytes())?);
    out.commit(finished)?;
    timings.add(Stage::Write, writing_reports.elapsed());
    Ok(stats)
}
