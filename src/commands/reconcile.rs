//! `popsync reconcile`: participants and register in, the report folder out.
//!
//! Orchestration only: the validated config builds the pieces, the pipeline's phases run one
//! after another, each failing before the next starts (see [`crate::pipeline`]):
//! 1. the output folder proved writable and both headers mapped, and the memory the run needs
//!    checked, before any work;
//! 2. the register loaded and indexed, the weights estimated;
//! 3. the participants' pass, then the search pass;
//! 4. the final files written and renamed into place; the summary printed, the exit code chosen.

use std::time::{Instant, SystemTime};

use crate::cli::ReconcileArgs;
use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::log::{self, LogFormat};
use crate::pipeline::id_pass;
use crate::pipeline::model::OwnedModel;
use crate::pipeline::outputs::{self, Passes, RunClock};
use crate::pipeline::search_pass;
use crate::report::format::thousands;
use crate::report::manifest;
use crate::report::rejects::RejectsFile;
use crate::report::stats::Stats;
use crate::report::terminal;
use crate::timings::Timings;

pub(crate) fn run(args: ReconcileArgs, log_format: LogFormat) -> Result<ExitCode> {
    let mut config = args.into_config()?;
    config.log_format = log_format;
    reconcile(&config)
}

/// Runs a reconciliation with a validated configuration.
fn reconcile(config: &ReconcileConfig) -> Result<ExitCode> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let timings = Timings::default();
    let out = config.output_dir()?;
    let previous = config.previous_run()?;
    let hashing = manifest::hash_inputs([config.participants.clone(), config.register.clone()]);
    let (register_input, participants_input) =
        (config.register_input(), config.participants_input());
    let register_file = register_input.open()?;
    let participants_file = participants_input.open()?;
    config.check_memory(register_file.size, participants_file.size)?;
    let pool = config.thread_pool()?;
    let threads = pool.current_num_threads();
    pool.install(|| -> Result<ExitCode> {
        let owned = OwnedModel::build(
            config,
            &register_input,
            register_file,
            &participants_input,
            &timings,
        )?;
        let model = owned.model(config.exhaustive_search);
        let mut rejects = RejectsFile::create(&out, config.excel)?;
        rejects.append(&owned.register_rejects)?;
        let mut first = id_pass::run(
            participants_file,
            config,
            &model,
            &out,
            &mut rejects,
            &timings,
        )?;
        let searched = search_pass::run(
            std::mem::take(&mut first.deferred),
            &model,
            &owned.id_tally,
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
        let run = RunClock {
            started,
            clock,
            threads,
        };
        let stats = outputs::write(
            config,
            &out,
            previous.as_ref(),
            hashing,
            passes,
            &run,
            &timings,
        )?;
        if config.timings {
            let stderr = std::io::stderr();
            timings
                .print(&mut stderr.lock(), clock.elapsed())
                .map_err(|e| Error::io("<standard error>", e))?;
        }
        announce(config, &stats, rejected, clock)?;
        let below = config
            .min_sync_rate
            .is_some_and(|min| stats.total.sync_rate().unwrap_or(0.0) < min);
        Ok(if below {
            ExitCode::BelowMinSyncRate
        } else {
            ExitCode::Done
        })
    })
}

/// Says what was done: the summary table on standard output for people (unless `--quiet`), or
/// one `done` log line for log collectors (`--log-format json`).
fn announce(config: &ReconcileConfig, stats: &Stats, rejected: u64, clock: Instant) -> Result<()> {
    let total = stats.total;
    if config.log_format == LogFormat::Json {
        log::line(
            config.log_format,
            "info",
            "done",
            &format!(
                "{} of {} participants synchronized ({}); outputs in {}",
                thousands(total.synced),
                thousands(total.participants),
                terminal::percent(total.sync_rate()),
                config.out.display()
            ),
            serde_json::json!({
                "participants": total.participants,
                "synced": total.synced,
                "sync_rate": total.sync_rate(),
                "linked": total.linked,
                "rejected": rejected,
                "elapsed_seconds": clock.elapsed().as_secs_f64(),
                "out": config.out.display().to_string(),
            }),
        );
    }
    if !config.quiet && config.log_format == LogFormat::Text {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        terminal::print(&mut lock, stats, &config.out, clock.elapsed().as_secs_f64())
            .map_err(|e| Error::io("<standard output>", e))?;
    }
    Ok(())
}
