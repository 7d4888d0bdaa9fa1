//! Counts per status, reason, province and scheme. Merging is associative and done in chunk
//! order, so the counts never depend on the thread count.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::matching::{Reason, ReasonSet, Status};
use crate::province::ProvinceKey;

/// Rows, synchronized rows and linked rows of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Counts {
    pub(crate) participants: u64,
    pub(crate) synced: u64,
    /// Rows with a register person in results.csv (SYNCED, DIFF, SUGGESTED).
    pub(crate) linked: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, status: Status) {
        self.participants += 1;
        self.synced += u64::from(status == Status::Synced);
        self.linked += u64::from(status.has_person());
    }

    pub(crate) fn merge(&mut self, other: &Counts) {
        self.participants += other.participants;
        self.synced += other.synced;
        self.linked += other.linked;
    }

    /// SYNCED rows / all rows (REJECTED included); `None` for an empty group.
    pub(crate) fn sync_rate(&self) -> Option<f64> {
        (self.participants > 0).then(|| self.synced as f64 / self.participants as f64)
    }

    pub(crate) fn link_rate(&self) -> Option<f64> {
        (self.participants > 0).then(|| self.linked as f64 / self.participants as f64)
    }
}

/// Everything counted over the participant rows.
/// Rows per status and per reason, of one group of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Breakdown {
    pub(crate) statuses: [u64; Status::ALL.len()],
    pub(crate) reasons: [u64; 32],
}

impl Default for Breakdown {
    fn default() -> Breakdown {
        Breakdown {
            statuses: [0; Status::ALL.len()],
            reasons: [0; 32],
        }
    }
}

impl Breakdown {
    fn add_reasons(&mut self, reasons: ReasonSet) {
        for reason in reasons.iter() {
            self.reasons[reason as usize] += 1;
        }
    }

    pub(crate) fn merge(&mut self, other: &Breakdown) {
        for (a, b) in self.statuses.iter_mut().zip(other.statuses) {
            *a += b;
        }
        for (a, b) in self.reasons.iter_mut().zip(other.reasons) {
            *a += b;
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Stats {
    pub(crate) total: Counts,
    pub(crate) statuses: [u64; Status::ALL.len()],
    pub(crate) reasons: [u64; 32],
    /// Per province code: its counts, and its rows per status and per reason (the whole-file
    /// flags included); one map, so a row costs one lookup.
    pub(crate) provinces: BTreeMap<ProvinceKey, (Counts, Breakdown)>,
    /// Keyed by the scheme as written (trimmed); "" for none: its counts, and its rows per
    /// status and per reason (the whole-file flags, counted per province, left out).
    pub(crate) schemes: BTreeMap<String, (Counts, Breakdown)>,
    /// Rows linked by a reviewer's confirmation (method `reviewed`).
    pub(crate) reviewed: u64,
    /// Blocks the candidate search skipped as larger than the cap, and the rows that met one.
    pub(crate) capped_blocks: u64,
    pub(crate) rows_with_capped_blocks: u64,
    /// Searched rows decided again because a stronger searched row suggested their person
    /// ([`crate::matching::claims`]).
    pub(crate) settled_claims: u64,
    /// The first rows of each status, in input order, for report.html.
    pub(crate) examples: Vec<ExampleRow>,
    /// How many of `examples` are of each status: every row asks, and counting them in
    /// `examples` each time would compare up to 60 status names a row.
    examples_kept: [usize; Status::ALL.len()],
}

/// One participant row shown in report.html as an example of its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExampleRow {
    pub(crate) status: &'static str,
    pub(crate) line: u64,
    pub(crate) insurance_code: String,
    pub(crate) name: String,
    pub(crate) reasons: String,
    pub(crate) person_id: String,
}

/// Rows of each status shown in report.html.
const EXAMPLES_PER_STATUS: usize = 10;

impl Stats {
    pub(crate) fn record(
        &mut self,
        status: Status,
        reasons: ReasonSet,
        province: ProvinceKey,
        scheme: &str,
    ) {
        self.total.add(status);
        self.statuses[status as usize] += 1;
        self.add_reasons(reasons);
        let (counts, breakdown) = self.provinces.entry(province).or_default();
        counts.add(status);
        breakdown.statuses[status as usize] += 1;
        breakdown.add_reasons(reasons);
        let (counts, breakdown) = match self.schemes.get_mut(scheme) {
            Some(entry) => entry,
            None => self.schemes.entry(scheme.to_string()).or_default(),
        };
        counts.add(status);
        breakdown.statuses[status as usize] += 1;
        breakdown.add_reasons(reasons);
    }

    pub(crate) fn add_reasons(&mut self, reasons: ReasonSet) {
        for reason in reasons.iter() {
            self.reasons[reason as usize] += 1;
        }
    }

    /// Counts the whole-file flags `flags` of a row of `province`.
    pub(crate) fn add_flags(&mut self, flags: ReasonSet, province: ProvinceKey) {
        if flags.is_empty() {
            return;
        }
        self.add_reasons(flags);
        self.provinces
            .entry(province)
            .or_default()
            .1
            .add_reasons(flags);
    }

    /// Keeps the example row `example` makes if its status has fewer than
    /// [`EXAMPLES_PER_STATUS`] examples.
    pub(crate) fn keep_example(&mut self, example: impl FnOnce() -> ExampleRow, status: Status) {
        let kept = &mut self.examples_kept[status as usize];
        if *kept < EXAMPLES_PER_STATUS {
            *kept += 1;
            self.examples.push(example());
        }
    }

    pub(crate) fn record_capped(&mut self, blocks: u32) {
        self.capped_blocks += blocks as u64;
        self.rows_with_capped_blocks += u64::from(blocks > 0);
    }

    pub(crate) fn merge(&mut self, other: Stats) {
        self.total.merge(&other.total);
        self.capped_blocks += other.capped_blocks;
        for example in other.examples {
            let status = Status::ALL
                .into_iter()
                .find(|s| s.as_str() == example.status);
            if let Some(status) = status {
                self.keep_example(|| example, status);
            }
        }
        self.rows_with_capped_blocks += other.rows_with_capped_blocks;
        self.settled_claims += other.settled_claims;
        for (a, b) in self.statuses.iter_mut().zip(other.statuses) {
            *a += b;
        }
        for (a, b) in self.reasons.iter_mut().zip(other.reasons) {
            *a += b;
        }
        for (key, (counts, breakdown)) in other.provinces {
            let (mine, my_breakdown) = self.provinces.entry(key).or_default();
            mine.merge(&counts);
            my_breakdown.merge(&breakdown);
        }
        for (key, (counts, breakdown)) in other.schemes {
            let (mine, my_breakdown) = self.schemes.entry(key).or_default();
            mine.merge(&counts);
            my_breakdown.merge(&breakdown);
        }
        self.reviewed += other.reviewed;
    }

    pub(crate) fn status(&self, status: Status) -> u64 {
        self.statuses[status as usize]
    }

    pub(crate) fn reason(&self, reason: Reason) -> u64 {
        self.reasons[reason as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(status: Status, line: u64) -> ExampleRow {
        ExampleRow {
            status: status.as_str(),
            line,
            insurance_code: String::new(),
            name: String::new(),
            reasons: String::new(),
            person_id: String::new(),
        }
    }

    #[test]
    fn each_status_keeps_its_first_rows_in_input_order_across_merged_tasks() {
        // Two tasks of consecutive rows: 8 DIFF rows then 8 more, and 3 SYNCED in each.
        let mut tasks = [Stats::default(), Stats::default()];
        for (t, stats) in tasks.iter_mut().enumerate() {
            let first = t as u64 * 100;
            for line in first..first + 8 {
                stats.keep_example(|| example(Status::Diff, line), Status::Diff);
            }
            for line in first + 50..first + 53 {
                stats.keep_example(|| example(Status::Synced, line), Status::Synced);
            }
        }
        let [mut all, second] = tasks;
        all.merge(second);
        let lines = |stats: &Stats, status: Status| -> Vec<u64> {
            (stats.examples.iter())
                .filter(|e| e.status == status.as_str())
                .map(|e| e.line)
                .collect()
        };
        assert_eq!(
            lines(&all, Status::Diff),
            [0, 1, 2, 3, 4, 5, 6, 7, 100, 101]
        );
        assert_eq!(lines(&all, Status::Synced), [50, 51, 52, 150, 151, 152]);
        // The merged counts go on: a later row of a full status is not kept.
        all.keep_example(|| example(Status::Diff, 500), Status::Diff);
        all.keep_example(|| example(Status::Synced, 500), Status::Synced);
        assert_eq!(lines(&all, Status::Diff).len(), EXAMPLES_PER_STATUS);
        assert_eq!(lines(&all, Status::Synced).last(), Some(&500));
    }
}
