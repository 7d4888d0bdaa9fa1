//! `popsync reconcile`: participants and register in, the report folder out.
//!
//! Orchestration only: the validated config builds the pieces, the pipeline's phases run one
//! after another, each failing before the next starts (see [`crate::pipeline`]):
//! 1. the output folder proved writable and both headers mapped, and the memory the run needs
//!    checked, before any work;
//! 2. the register loaded and indexed, the weights estimated;
//! 3. the participants' pass, then the search pass;
//! 4. the final files written into the new set, the summary printed, the set published as
//!    one, and the run's last log line, which gives its exit code.

use std::time::{Instant, SystemTime};

use crate::cli::{GlobalArgs, ReconcileArgs};
use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::log::LogFormat;
use crate::pipeline::id_pass;
use crate::pipeline::model::OwnedModel;
use crate::pipeline::outputs::{self, Passes, RunClock};
use crate::pipeline::quality::{self, Quality};
use crate::pipeline::search_pass;
use crate::report::rejects::RejectsFile;
use crate::report::{run_log, terminal};
use crate::timings::{Stage, Timings};

pub(crate) fn run(args: ReconcileArgs, global: GlobalArgs) -> Result<ExitCode> {
    reconcile(&args.into_config(global)?)
}

/// Runs a reconciliation with a validated configuration.
fn reconcile(config: &ReconcileConfig) -> Result<ExitCode> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let timings = Timings::default();
    let format = config.log_format;
    let mut out = config.output_dir()?;
    run_log::warnings(format, out.take_warnings());
    let mut history = config.open_history(out.path())?;
    let decisions = match &history {
        Some(history) => timings.time(Stage::History, || history.decisions_in_force())?,
        None => Vec::new(),
    };
    let previous = config.previous_run(out.path());
    let register_input = config.register_input();
    let register_file = register_input.open()?;
    let participants_file = config.participants_input().open()?;
    config.check_memory(
        register_file.size_estimate,
        participants_file.size_estimate,
        config.previous_bytes(out.path()),
    )?;
    let pool = config.thread_pool()?;
    let threads = pool.current_num_threads();
    pool.install(|| -> Result<ExitCode> {
        let mut participants = participants_file.into_chunks(config.chunk_rows);
        let owned = OwnedModel::build(
            config,
            &register_input,
            register_file,
            &mut participants,
            decisions,
            &timings,
        )?;
        let register_quality = quality::gate(
            &owned.register_profile,
            &register_input.path,
            "register",
            config.max_unreadable,
        )?;
        let model = owned.model(config.exhaustive_search);
        let mut rejects = RejectsFile::create(&out, config.excel)?;
        rejects.append(&owned.register_rejects)?;
        let mut first = id_pass::run(
            participants,
            config,
            &model,
            owned.sample_rows,
            &out,
            &mut rejects,
            &timings,
        )?;
        let participants_quality = quality::gate(
            &first.profile,
            &config.participants,
            "participants",
            config.max_unreadable,
        )?;
        let searched = search_pass::run(
            std::mem::take(&mut first.deferred),
            &model,
            &first.id_tally,
            config.row_context(&owned.register),
            &out,
            &mut first.log,
            &mut first.stats,
            &timings,
        )?;
        let rejected = first.rejected;
        let passes = Passes {
            model: &owned,
            first,
            searched,
            rejects,
        };
        let run = RunClock::new(started, clock, threads);
        let previous = previous
            .join()
            .map_err(|_| Error::other("the thread reading the previous run panicked"))?;
        let quality = Quality {
            participants: participants_quality,
            register: register_quality,
        };
        run_log::warnings(format, quality.warnings(config.max_unreadable));
        let written = outputs::write(
            config,
            &out,
            &previous,
            &quality,
            passes,
            &run,
            history.as_mut(),
            &timings,
        )?;
        run_log::previous(
            format,
            &previous,
            written.previous_unused.as_deref(),
            config.no_previous,
        );
        // Standard output is written before the set is published: a run whose summary cannot
        // be written fails and publishes nothing.
        if !config.quiet && format == LogFormat::Text {
            let elapsed = clock.elapsed().as_secs_f64();
            terminal::print_to_stdout(&written.stats, out.path(), elapsed)?;
        }
        let folder = out.path().to_path_buf();
        run_log::warnings(format, out.publish(written.files)?);
        // The night is in the history as pending until now; should marking it fail, the next
        // run that opens the history finds its set published and marks it then.
        if let Some(history) = history.as_mut() {
            if let Err(e) = history.mark_published(&run.id) {
                run_log::warnings(format, vec![format!("the history is not updated yet: {e}")]);
            }
        }
        if config.timings {
            run_log::timings(format, &timings, clock.elapsed())?;
        }
        let sync_rate = written.stats.total.sync_rate();
        let below = (config.min_sync_rate).filter(|&min| sync_rate.unwrap_or(0.0) < min);
        run_log::end(
            format,
            &written.stats,
            rejected,
            &folder,
            below,
            clock.elapsed(),
        );
        Ok(match below {
            Some(_) => ExitCode::BelowMinSyncRate,
            None => ExitCode::Done,
        })
    })
}
