//! Process exit codes (docs/exit-codes.md), in one place so schedulers can rely on them. A run
//! stopped by SIGTERM, SIGINT or SIGHUP exits with 128 + the signal's number (`crate::stop`).

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// The run completed.
    Done = 0,
    /// The run failed: unreadable input, a missing column, an I/O error.
    Failed = 1,
    /// The command line was wrong.
    Usage = 2,
    /// The run completed, but the synchronization rate is below `--min-sync-rate`.
    BelowMinSyncRate = 3,
    /// The run did nothing: another run holds the output folder, or another popsync kept the
    /// history locked too long.
    Busy = 4,
}

/// The exit codes as `--help` lists them, under every command's help.
pub(crate) const HELP: &str = "\
Exit codes:
  0    done
  1    the run failed (unreadable input, a missing column, a bad config, I/O, not enough memory)
  2    usage error (the command line is wrong)
  3    done, but the synchronization rate is below --min-sync-rate
  4    another run holds the output folder, or the history stayed busy; nothing was done
  128+N  stopped by signal N (143 SIGTERM, 130 SIGINT, 129 SIGHUP), nothing published";

impl ExitCode {
    /// The number the process exits with.
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_exit_code() {
        for code in [
            ExitCode::Done,
            ExitCode::Failed,
            ExitCode::Usage,
            ExitCode::BelowMinSyncRate,
            ExitCode::Busy,
        ] {
            let line = format!("\n  {}  ", code.code());
            assert!(HELP.contains(&line), "{code:?} is not in --help");
        }
    }
}
