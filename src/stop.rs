//! Clean stops. SIGTERM (what systemd and `kill` send), SIGINT (Ctrl-C) and SIGHUP (a closed
//! terminal) end a run promptly, on a thread of their own: every temporary and scratch file the
//! run registered is removed, a log line gives the signal and the exit code, and the process
//! exits with 128 + the signal's number (143, 130, 129), as shells report a signal. The
//! previous night's files stay published: publication holds the registry while it swaps the
//! new set in ([`hold`]), so a stop waits for the swap, never interrupts it.
//!
//! A run killed with SIGKILL cannot clean up: the next run that locks the output folder removes
//! what it left (`crate::report::folder`).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde_json::json;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::log::{self, LogFormat};

/// The paths to remove on a stop, each with the number of its [`OnStop`].
static REGISTRY: Mutex<Vec<(u64, PathBuf)>> = Mutex::new(Vec::new());

/// Numbers the registrations.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A stop is under way: the run's own failure, if any follows, is not logged.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// The new set is published: a stop after this says so.
static PUBLISHED: AtomicBool = AtomicBool::new(false);

/// Starts the thread that turns SIGTERM, SIGINT and SIGHUP into a clean stop, logging in
/// `format`. Once per process; later calls do nothing.
pub(crate) fn watch(format: LogFormat) -> std::io::Result<()> {
    static WATCHING: OnceLock<()> = OnceLock::new();
    if WATCHING.get().is_some() {
        return Ok(());
    }
    let mut signals = Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                stop(signal, format);
            }
        })?;
    let _ = WATCHING.set(());
    Ok(())
}

/// True once a stop is under way.
pub(crate) fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

/// Marks the new set published (see [`stop`]'s log line).
pub(crate) fn published() {
    PUBLISHED.store(true, Ordering::SeqCst);
}

/// A path removed on a stop, as long as this lives.
pub(crate) struct OnStop(u64);

impl Drop for OnStop {
    fn drop(&mut self) {
        registry().retain(|(id, _)| *id != self.0);
    }
}

/// Removes `path` (a file or a whole folder) if the run is stopped while the result lives.
pub(crate) fn remove_on_stop(path: PathBuf) -> OnStop {
    let id = NEXT.fetch_add(1, Ordering::SeqCst);
    registry().push((id, path));
    OnStop(id)
}

/// Holds back a stop while the result lives: for steps that must not be cut in two.
pub(crate) fn hold() -> MutexGuard<'static, Vec<(u64, PathBuf)>> {
    registry()
}

fn registry() -> MutexGuard<'static, Vec<(u64, PathBuf)>> {
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The signal's name, for the log.
fn name(signal: i32) -> &'static str {
    match signal {
        SIGTERM => "SIGTERM",
        SIGINT => "SIGINT",
        SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

fn stop(signal: i32, format: LogFormat) -> ! {
    STOPPING.store(true, Ordering::SeqCst);
    // Held until the process ends: no publication starts, no path is added or removed.
    let registry = registry();
    for (_, path) in registry.iter() {
        remove(path);
    }
    let code = 128 + signal;
    let message = if PUBLISHED.load(Ordering::SeqCst) {
        format!(
            "stopped by {} after the new files were published; temporary files removed",
            name(signal)
        )
    } else {
        format!(
            "stopped by {} before the run was complete: nothing was published, the previous files are as they were, and the run's temporary files are removed",
            name(signal)
        )
    };
    log::line(
        format,
        "error",
        "failed",
        &message,
        json!({ "signal": name(signal), "exit_code": code }),
    );
    std::process::exit(code)
}

/// Removes a file or folder. Threads of the run may still be creating files in a folder being
/// removed, so a folder is tried a few times.
fn remove(path: &std::path::Path) {
    for _ in 0..20 {
        let removed = match std::fs::symlink_metadata(path) {
            Err(_) => return,
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
        };
        if removed.is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
