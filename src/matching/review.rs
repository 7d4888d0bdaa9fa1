//! Auditors' decisions in force for a night (docs/history.md, "Review decisions"); applied to
//! the rows by [`crate::matching::reviewed`].
//!
//! An auditor confirms or rejects a person for an insurance code; the decision is kept in the
//! history and read back each night as a [`Review`]. It holds only while the participant's
//! record is the one the auditor saw (its fingerprint, taken from the list they decided on),
//! the person is still in the register, and tonight's own ID link does not name someone else:
//! otherwise it is **stale**, not applied, and the row says so (`review_stale`) so that it is
//! looked at again.
//!
//! - A **confirmed** person is linked (method `reviewed`). The fields are still compared, so
//!   the row is DIFF with a reason for each difference, never SYNCED by decision: the record on
//!   file still lacks the person's ID.
//! - A **rejected** person is never linked, suggested or listed for that code again
//!   (`review_rejected`): an ID link to them is set aside and the row searched without them.

use std::collections::HashMap;

use crate::register::PersonIdx;

/// What an auditor decided about a person for an insurance code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Confirm,
    Reject,
}

/// One decision in force for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) verdict: Verdict,
    /// The person decided on; `None` when they are no longer in the register.
    pub(crate) person: Option<PersonIdx>,
    /// The fingerprint of the participant's record the auditor decided on.
    pub(crate) record: u64,
}

/// The decisions in force, by insurance code (trimmed): at most one confirmation per code, and
/// any number of rejections.
#[derive(Debug, Default)]
pub(crate) struct Review {
    by_code: HashMap<Box<str>, Vec<Decision>, foldhash::fast::RandomState>,
}

impl Review {
    /// The decisions in force, one `(code, decision)` each.
    pub(crate) fn new(decisions: impl IntoIterator<Item = (String, Decision)>) -> Review {
        let mut review = Review::default();
        for (code, decision) in decisions {
            (review.by_code)
                .entry(code.trim().into())
                .or_default()
                .push(decision);
        }
        review
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// How many codes have a decision in force.
    pub(crate) fn codes(&self) -> usize {
        self.by_code.len()
    }

    /// The decisions in force for `code`; none for most rows.
    pub(crate) fn of(&self, code: &str) -> &[Decision] {
        if self.by_code.is_empty() {
            return &[];
        }
        self.by_code.get(code.trim()).map_or(&[], Vec::as_slice)
    }

    /// The persons rejected for `code` whose rejection holds for a record with fingerprint
    /// `record`.
    pub(crate) fn rejected(&self, code: &str, record: u64) -> Vec<PersonIdx> {
        (self.of(code).iter())
            .filter(|d| d.verdict == Verdict::Reject && d.record == record)
            .filter_map(|d| d.person)
            .collect()
    }
}
