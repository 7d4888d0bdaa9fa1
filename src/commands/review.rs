//! `popsync review import`: reviewers' decisions read, checked and imported into the history
//! (see [`crate::history::decisions`]).

use crate::cli::{GlobalArgs, ReviewImportArgs};
use crate::error::Result;
use crate::exit::ExitCode;
use crate::history::decisions::{self, read_decisions};
use crate::history::{History, Open};
use crate::log;

pub(crate) fn run(args: ReviewImportArgs, global: GlobalArgs) -> Result<ExitCode> {
    let file = args.location.file()?;
    // The whole file is read and checked before the history is touched.
    let raw = read_decisions(&args.decisions)?;
    let (rows, undecided) = decisions::check(&args.decisions, raw)?;
    let mut history = History::open(&file, Open::Existing)?;
    let imported = history.import(&args.decisions, rows, undecided)?;
    let source = args.decisions.display().to_string();
    for (line, why) in &imported.refused {
        log::line(
            global.log_format,
            "warn",
            "decision_refused",
            &format!("{source}: line {line}: decision refused: {why}"),
            serde_json::json!({ "file": source, "line": line }),
        );
    }
    log::line(
        global.log_format,
        "info",
        "decisions_imported",
        &format!(
            "{source}: {} decisions imported ({} confirmed, {} rejected) on the night that \
             started {}; {} refused; {} rows without a decision; the next night applies them",
            imported.confirmed + imported.rejected,
            imported.confirmed,
            imported.rejected,
            imported.night,
            imported.refused.len(),
            imported.undecided,
        ),
        serde_json::json!({
            "file": source,
            "confirmed": imported.confirmed,
            "rejected": imported.rejected,
            "refused": imported.refused.len(),
            "undecided": imported.undecided,
        }),
    );
    Ok(ExitCode::Done)
}
