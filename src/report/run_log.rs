//! The log lines of a reconcile run, in the chosen format (`crate::log`): warnings, the previous
//! run that is not used, `--timings`, and the last line, which every run that completes writes
//! (even with `-q`) and which gives its exit code. A run that fails logs its error instead
//! (`crate::commands`), a stopped one its signal (`crate::stop`). Counts, rates and paths only:
//! never a name or an ID.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::error::{Error, Result};
use crate::log::{self, LogFormat};
use crate::report::changes::Previous;
use crate::report::format::thousands;
use crate::report::stats::Stats;
use crate::report::terminal::percent;
use crate::timings::Timings;

/// What could not be done but does not fail the run.
pub(crate) fn warnings(format: LogFormat, warnings: Vec<String>) {
    for warning in warnings {
        log::line(format, "warn", "warning", &warning, json!({}));
    }
}

/// Why no changes since a previous run are reported: a previous set that is not used (`unused`:
/// why one that checked out was not used after all) is a warning; none at all (a first night)
/// is said once; `--no-previous` asked for none.
pub(crate) fn previous(
    format: LogFormat,
    previous: &Previous,
    unused: Option<&str>,
    asked_none: bool,
) {
    let (level, reason) = match (previous, unused) {
        (_, Some(reason)) => ("warn", reason),
        (Previous::Skipped(reason), None) => ("warn", reason.as_str()),
        (Previous::None(reason), None) if !asked_none => ("info", reason.as_str()),
        _ => return,
    };
    log::line(
        format,
        level,
        "previous_skipped",
        &format!("no changes since a previous run are reported: {reason}"),
        json!({ "reason": reason }),
    );
}

/// `--timings`: a table for people, or one JSON line.
pub(crate) fn timings(format: LogFormat, timings: &Timings, wall: Duration) -> Result<()> {
    match format {
        LogFormat::Text => {
            let stderr = std::io::stderr();
            timings
                .print(&mut stderr.lock(), wall)
                .map_err(|e| Error::io("<standard error>", e))
        }
        LogFormat::Json => {
            let message = format!("where the time went ({:.1} s)", wall.as_secs_f64());
            log::line(format, "info", "timings", &message, timings.to_json(wall));
            Ok(())
        }
    }
}

/// The run's last line: done (exit 0), or done below `--min-sync-rate` (`below`: the threshold;
/// exit 3), with the counts and where the files are.
pub(crate) fn end(
    format: LogFormat,
    stats: &Stats,
    rejected: u64,
    folder: &Path,
    below: Option<f64>,
    elapsed: Duration,
) {
    let total = stats.total;
    let rate = total.sync_rate();
    let headline = format!(
        "{} of {} participants synchronized ({}); outputs in {}",
        thousands(total.synced),
        thousands(total.participants),
        percent(rate),
        folder.display()
    );
    let mut fields = json!({
        "participants": total.participants,
        "synced": total.synced,
        "sync_rate": rate,
        "linked": total.linked,
        "rejected": rejected,
        "elapsed_seconds": elapsed.as_secs_f64(),
        "out": folder.display().to_string(),
    });
    match below {
        None => {
            fields["exit_code"] = json!(0);
            log::line(format, "info", "done", &headline, fields);
        }
        Some(min) => {
            fields["min_sync_rate"] = json!(min);
            fields["exit_code"] = json!(3);
            let message = format!(
                "{headline}; the synchronization rate {} is below --min-sync-rate {}: exit 3",
                percent(rate),
                percent(Some(min))
            );
            log::line(format, "warn", "below_min_sync_rate", &message, fields);
        }
    }
}
