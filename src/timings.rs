//! Where a run's time goes: busy time per pipeline stage, for `--timings` and summary.json.
//!
//! Contract: every stage of the pipeline adds the time a thread spent in it with
//! [`Timings::add`] (or [`Timings::time`]); the figures are read once at the end. Stages overlap
//! (the reader thread parses the next chunk while the workers match this one), so a stage's
//! figure is *thread* time summed over the threads that worked in it, and the stages add up to
//! more than the wall time on a busy machine; `wall` is the elapsed time of the whole run.
//!
//! Beside the stages, the run's consecutive *phases* (load the register, index it, stream the
//! participants, search, write the outputs) are timed by the wall clock: what a night operator
//! waits for, where the stages say what the threads were busy with.
//!
//! Clocks are read per chunk or per task of a few thousand rows, never per row: a clock read
//! costs ~20 ns, as much as parsing a date.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of the pipeline (input → normalize → index → match → report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Parsing CSV records from both files (the reader threads).
    Read,
    /// Reading fields and normalizing names, dates, genders and IDs (both files).
    Normalize,
    /// Building the register's arrays, ID table, blocking index, frequencies and weights.
    Index,
    /// ID lookups, verification and the candidate search.
    Match,
    /// Formatting and writing every output, with the whole-file flags.
    Write,
    /// Reading the history's decisions, and recording the night in it.
    History,
}

impl Stage {
    pub(crate) const ALL: [Stage; 6] = [
        Stage::Read,
        Stage::Normalize,
        Stage::Index,
        Stage::Match,
        Stage::Write,
        Stage::History,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Normalize => "normalize",
            Stage::Index => "index",
            Stage::Match => "match",
            Stage::Write => "write",
            Stage::History => "history",
        }
    }
}

/// Busy time per stage, added to from any thread, and the wall time of each phase.
#[derive(Debug, Default)]
pub(crate) struct Timings {
    nanos: [AtomicU64; Stage::ALL.len()],
    phases: std::sync::Mutex<Vec<(&'static str, Duration)>>,
}

impl Timings {
    pub(crate) fn add(&self, stage: Stage, elapsed: Duration) {
        self.nanos[stage as usize].fetch_add(elapsed.as_nanos() as u64, Ordering::Relaxed);
    }

    /// Runs `f`, adding its time to `stage`.
    pub(crate) fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.add(stage, start.elapsed());
        value
    }

    /// Runs the phase `name` of the run, recording its wall time.
    pub(crate) fn phase<T>(&self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        let elapsed = start.elapsed();
        self.phases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name, elapsed));
        value
    }

    fn phases(&self) -> Vec<(&'static str, Duration)> {
        self.phases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn seconds(&self, stage: Stage) -> f64 {
        self.nanos[stage as usize].load(Ordering::Relaxed) as f64 / 1e9
    }

    /// `{"wall_seconds": …, "stages": {"read": …, …}, "phases": {"register": …, …}}`, seconds
    /// rounded to milliseconds.
    pub(crate) fn to_json(&self, wall: Duration) -> serde_json::Value {
        let round = |s: f64| (s * 1000.0).round() / 1000.0;
        let stages: serde_json::Map<String, serde_json::Value> = Stage::ALL
            .iter()
            .map(|&s| (s.as_str().to_string(), round(self.seconds(s)).into()))
            .collect();
        let phases: serde_json::Map<String, serde_json::Value> = self
            .phases()
            .into_iter()
            .map(|(name, d)| (name.to_string(), round(d.as_secs_f64()).into()))
            .collect();
        serde_json::json!({
            "wall_seconds": round(wall.as_secs_f64()),
            "stages": stages,
            "phases": phases,
        })
    }

    /// The tables `--timings` prints: one line per stage with its seconds and share, then one
    /// per phase with its wall time.
    pub(crate) fn print(
        &self,
        out: &mut impl std::io::Write,
        wall: Duration,
    ) -> std::io::Result<()> {
        let busy: f64 = Stage::ALL.iter().map(|&s| self.seconds(s)).sum();
        writeln!(out, "stage        thread-seconds   share")?;
        for stage in Stage::ALL {
            let s = self.seconds(stage);
            let share = if busy > 0.0 { 100.0 * s / busy } else { 0.0 };
            writeln!(out, "{:<12} {:>14.3} {:>6.1}%", stage.as_str(), s, share)?;
        }
        writeln!(out, "{:<12} {:>14.3}", "all stages", busy)?;
        writeln!(
            out,
            "{:<12} {:>14.3}  (elapsed)",
            "wall",
            wall.as_secs_f64()
        )?;
        writeln!(out, "phase          wall-seconds")?;
        for (name, d) in self.phases() {
            writeln!(out, "{:<12} {:>14.3}", name, d.as_secs_f64())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_add_up_per_stage_and_appear_in_json() {
        let t = Timings::default();
        t.add(Stage::Match, Duration::from_millis(1500));
        t.add(Stage::Match, Duration::from_millis(500));
        t.add(Stage::Read, Duration::from_millis(250));
        let json = t.to_json(Duration::from_secs(3));
        assert_eq!(json["stages"]["match"], 2.0);
        assert_eq!(json["stages"]["read"], 0.25);
        assert_eq!(json["stages"]["write"], 0.0);
        assert_eq!(json["wall_seconds"], 3.0);
        let mut text = Vec::new();
        t.print(&mut text, Duration::from_secs(3)).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("match                 2.000   88.9%"),
            "{text}"
        );
    }

    #[test]
    fn phases_are_listed_in_the_order_they_ran() {
        let t = Timings::default();
        assert_eq!(t.phase("register", || 7), 7);
        t.phase("search", || std::thread::sleep(Duration::from_millis(20)));
        let json = t.to_json(Duration::from_secs(1));
        let phases = json["phases"].as_object().unwrap();
        assert_eq!(
            phases.keys().map(String::as_str).collect::<Vec<_>>(),
            ["register", "search"]
        );
        assert!(phases["search"].as_f64().unwrap() >= 0.02);
        let mut text = Vec::new();
        t.print(&mut text, Duration::from_secs(1)).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("\nregister "), "{text}");
        assert!(text.contains("\nsearch "), "{text}");
    }
}
