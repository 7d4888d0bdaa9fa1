//! `popsync history`: the nights the history holds, as a table or as JSON (see
//! [`crate::history::listing`]).

use std::io::Write;

use crate::cli::{GlobalArgs, HistoryArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::history::{History, Open};
use crate::report::format::thousands;
use crate::report::terminal::percent;

pub(crate) fn run(args: HistoryArgs, _global: GlobalArgs) -> Result<ExitCode> {
    let file = args.location.file()?;
    let history = History::open(&file, Open::ReadOnly)?;
    let nights = history.nights(args.province.as_deref())?;
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let io = |err: std::io::Error| Error::io("<standard output>", err);
    if args.json {
        let listing = serde_json::json!({
            "history": file.display().to_string(),
            "province": args.province,
            "decisions_made": history.decisions_made()?,
            "nights": nights,
        });
        serde_json::to_writer_pretty(&mut w, &listing).map_err(|err| io(err.into()))?;
        writeln!(w).map_err(io)?;
    } else {
        table(&mut w, &nights).map_err(io)?;
    }
    Ok(ExitCode::Done)
}

/// One line per night, oldest first.
fn table(w: &mut impl Write, nights: &[serde_json::Value]) -> std::io::Result<()> {
    let statuses = ["DIFF", "SUGGESTED", "AMBIGUOUS", "NOT_FOUND", "REJECTED"];
    write!(
        w,
        "{:>5}  {:<20}  {:>12}  {:>12}  {:>8}",
        "night", "started (UTC)", "participants", "SYNCED", "rate"
    )?;
    for status in statuses {
        write!(w, "  {status:>10}")?;
    }
    writeln!(w)?;
    for night in nights {
        let count = |v: &serde_json::Value| thousands(v.as_u64().unwrap_or(0));
        write!(
            w,
            "{:>5}  {:<20}  {:>12}  {:>12}  {:>8}",
            night["run"].as_i64().unwrap_or(0),
            night["started"].as_str().unwrap_or(""),
            count(&night["participants"]),
            count(&night["synced"]),
            percent(night["sync_rate"].as_f64()),
        )?;
        for status in statuses {
            write!(w, "  {:>10}", count(&night["statuses"][status]))?;
        }
        writeln!(w)?;
    }
    if nights.is_empty() {
        writeln!(w, "(no published night yet)")?;
    }
    Ok(())
}
