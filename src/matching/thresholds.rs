//! The decision thresholds: the only tuned numbers in matching (the config file's
//! `[thresholds]` table). Everything else is estimated from the data.

/// The decision thresholds, in bits of evidence (the scores' unit). The only tuned numbers in
/// matching; everything else is estimated from the data.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// An ID hit with a field that disagrees outright is the same person only when its
    /// posterior log-odds (prior + score) are above this.
    pub(crate) verify: f64,
    /// The best candidate is SUGGESTED when its score is at least this …
    pub(crate) suggest: f64,
    /// … and it leads the next candidate by at least this.
    pub(crate) margin: f64,
    /// Below `suggest` (or without the lead), AMBIGUOUS when the best scores at least this;
    /// NOT_FOUND otherwise.
    pub(crate) possible: f64,
    /// Blocks with more persons than this are skipped (and counted), never compared in full.
    pub(crate) block_cap: usize,
}

/// The register size the `suggest` and `possible` defaults are calibrated for: 2^20 persons.
pub(crate) const CALIBRATED_PERSONS: f64 = 1_048_576.0;

impl Thresholds {
    /// The thresholds for a register of `persons`: `suggest` and `possible` rise by
    /// log2(persons / 2^20) bits above a million persons. A score is the log-likelihood ratio of
    /// one pair; the prior odds that any one register person is the participant fall as 1 / N,
    /// so without this a bigger register suggests more namesakes of persons it does not hold.
    pub(crate) fn for_register(&self, persons: usize) -> Thresholds {
        let bits = (persons as f64 / CALIBRATED_PERSONS).log2().max(0.0);
        Thresholds {
            suggest: self.suggest + bits,
            possible: self.possible + bits,
            ..*self
        }
    }
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            verify: 0.0,
            suggest: 13.0,
            margin: 3.0,
            possible: 6.0,
            block_cap: 1000,
        }
    }
}
