//! Fault injection, for the tests that fail, kill or stop a run at a chosen step (publication
//! all-or-nothing, clean stops, one run at a time).
//!
//! A test sets `POPSYNC_TEST_FAULT=POINT:ACTION` (several separated by commas). When the run
//! reaches POINT it fails there with an I/O error, as a full disk or a refused rename would
//! (`fail`), is killed there with SIGKILL, no cleanup running (`kill`), or waits there for a
//! minute, so that the test can send a signal or start a second run (`pause`). Without the
//! variable, as in every real run, a point does nothing.
//!
//! The points, in the order a run reaches them: `run:locked` (the output folder is locked),
//! `run:participants` (the participants' pass starts), `run:outputs` (the final files are
//! being written), `publish:staged` (every file of the new set is written and synced; the next
//! step swaps it in), `publish:exchanged` (the new set is published; the old one is still to
//! be archived), `publish:archived` (the history is still to be pruned), `publish:pruned` (the
//! run's work folder is still to be removed).

use std::sync::OnceLock;
use std::time::Duration;

/// The variable a test sets.
const VARIABLE: &str = "POPSYNC_TEST_FAULT";

/// What to do at a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Fail,
    Kill,
    Pause,
}

fn faults() -> &'static [(String, Action)] {
    static FAULTS: OnceLock<Vec<(String, Action)>> = OnceLock::new();
    FAULTS.get_or_init(|| {
        let Some(value) = std::env::var_os(VARIABLE) else {
            return Vec::new();
        };
        (value.to_string_lossy().split(','))
            .filter_map(|fault| {
                let (point, action) = fault.trim().rsplit_once(':')?;
                let action = match action {
                    "fail" => Action::Fail,
                    "kill" => Action::Kill,
                    "pause" => Action::Pause,
                    _ => return None,
                };
                Some((point.to_string(), action))
            })
            .collect()
    })
}

/// The run reached `point`: nothing happens, unless a test asked for a fault there.
pub(crate) fn point(point: &str) -> std::io::Result<()> {
    for (at, action) in faults() {
        if at != point {
            continue;
        }
        match action {
            Action::Fail => {
                return Err(std::io::Error::other(format!(
                    "a failure injected at {point} ({VARIABLE})"
                )))
            }
            Action::Kill => {
                let _ = rustix::process::kill_process(
                    rustix::process::getpid(),
                    rustix::process::Signal::KILL,
                );
                // SIGKILL cannot be caught; the process ends before this returns.
                std::thread::sleep(Duration::from_secs(60));
            }
            Action::Pause => std::thread::sleep(Duration::from_secs(60)),
        }
    }
    Ok(())
}
