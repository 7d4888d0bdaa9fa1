//! `popsync check`: everything a `popsync reconcile` with the same arguments needs before its
//! first row, checked without running it and without writing anything: the config and the
//! province table, the output folder, the history (popsync's, readable, not newer), both inputs'
//! headers and mappings, and the memory the run would need against what it may use. It fails with the error the run would give (and its
//! exit code); on success it says what it checked, on standard output.

use std::io::Write;
use std::path::Path;

use crate::cli::{GlobalArgs, ReconcileArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::history::{History, Open};
use crate::input::source::is_stdin;
use crate::input::InputSpec;
use crate::report::folder;
use crate::report::RECONCILE_FILES;
use crate::resources;

pub(crate) fn run(args: ReconcileArgs, global: GlobalArgs) -> Result<ExitCode> {
    let config = args.into_config(global)?;
    let mut lines = vec![match &config.config_file {
        Some(path) => format!("config: {} read", path.display()),
        None => "config: none (flags only)".to_string(),
    }];
    folder::check_usable(&config.out, &RECONCILE_FILES)?;
    lines.push(format!(
        "output folder: {} can be written",
        config.out.display()
    ));
    lines.push(match config.history_file()? {
        None => "history: none kept (--no-history)".to_string(),
        Some(file) if file.exists() => {
            let history = History::open(&file, Open::ReadOnly)?;
            format!(
                "history: {} read ({} published nights)",
                file.display(),
                history.nights(None)?.len()
            )
        }
        Some(file) => format!("history: {} is started by the first night", file.display()),
    });
    let register = check_input(&config.register_input(), "register", &mut lines)?;
    let participants = check_input(&config.participants_input(), "participants", &mut lines)?;
    let memory = config.check_memory(register, participants, config.previous_bytes(&config.out))?;
    let needed = resources::human(memory.needed);
    lines.push(match memory.limit {
        Some(limit) => format!(
            "memory: about {needed} needed, {} available",
            resources::human(limit)
        ),
        None => format!("memory: about {needed} needed (what is available is not known here)"),
    });
    lines.push("a run would start".to_string());
    if !global.quiet {
        let mut stdout = std::io::stdout().lock();
        let written = lines
            .iter()
            .try_for_each(|line| writeln!(stdout, "{line}"))
            .and_then(|()| stdout.flush());
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(Error::io("<standard output>", e));
            }
        }
    }
    Ok(ExitCode::Done)
}

/// Opens a regular input file as the run does (its encoding, delimiter, header and mapping
/// checked) and gives the size the memory estimate counts. A stream (standard input, a FIFO, a
/// device) is not opened: it is read once, by the run.
fn check_input(spec: &InputSpec, role: &str, lines: &mut Vec<String>) -> Result<Option<u64>> {
    if is_stream(&spec.path) {
        lines.push(format!(
            "{role}: {} is a stream, read once by the run: not opened here",
            crate::input::source::label(&spec.path).display()
        ));
        return Ok(None);
    }
    let file = spec.open()?;
    lines.push(format!(
        "{role}: {} header and column mapping read",
        file.label.display()
    ));
    Ok(file.size_estimate)
}

fn is_stream(path: &Path) -> bool {
    is_stdin(path) || std::fs::metadata(path).is_ok_and(|m| !m.is_file())
}
