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
    /// The run did nothing: another run holds the output folder.
    Busy = 4,
}

impl ExitCode {
    /// The number the process exits with.
    pub fn code(self) -> i32 {
        self as i32
    }
}
