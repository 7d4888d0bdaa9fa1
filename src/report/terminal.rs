//! The short summary printed at the end of a run.

use std::io::{self, Write};

use crate::matching::{Reason, Status};
use crate::report::format::thousands;
use crate::report::stats::Stats;

pub(crate) fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.2}%", r * 100.0))
        .unwrap_or_else(|| "-".into())
}

/// Writes the table: the headline rate, statuses, the most frequent reasons, where the files are.
pub(crate) fn print(
    w: &mut dyn Write,
    stats: &Stats,
    out_dir: &std::path::Path,
    elapsed_secs: f64,
) -> io::Result<()> {
    let total = stats.total;
    writeln!(
        w,
        "{} of {} participants synchronized: {}",
        thousands(total.synced),
        thousands(total.participants),
        percent(total.sync_rate())
    )?;
    for status in Status::ALL {
        let n = stats.status(status);
        let share = (total.participants > 0).then(|| n as f64 / total.participants as f64);
        writeln!(
            w,
            "  {:<10} {:>14} {:>8}",
            status.as_str(),
            thousands(n),
            percent(share)
        )?;
    }
    let mut reasons: Vec<(Reason, u64)> = Reason::ALL
        .iter()
        .map(|&r| (r, stats.reason(r)))
        .filter(|&(_, n)| n > 0)
        .collect();
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if !reasons.is_empty() {
        writeln!(w, "Most frequent reasons:")?;
        for (reason, n) in reasons.iter().take(8) {
            writeln!(w, "  {:<22} {:>14}", reason.as_str(), thousands(*n))?;
        }
    }
    writeln!(
        w,
        "Written to {} in {:.1} s",
        out_dir.display(),
        elapsed_secs
    )?;
    Ok(())
}

/// Prints the table on standard output and flushes it. A closed pipe (`popsync … | head`) is
/// not a failure: the table is for people, the files are the run's output.
pub(crate) fn print_to_stdout(
    stats: &Stats,
    out_dir: &std::path::Path,
    elapsed_secs: f64,
) -> crate::error::Result<()> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    let written = print(&mut lock, stats, out_dir, elapsed_secs).and_then(|()| lock.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(crate::error::Error::io("<standard output>", e))
        }
        _ => Ok(()),
    }
}
