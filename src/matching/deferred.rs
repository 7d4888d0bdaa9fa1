//! Rows the ID path leaves to the candidate search.
//!
//! The search runs only once every ID link is known, because "this person is already linked to
//! another code" is evidence ([`crate::matching::weights::LinkedElsewhere`]). Until then a row
//! waits as a [`DeferredRow`]: its fields as given (packed, for its output rows), its normalized
//! form (so it is normalized once), and what the ID path found. About one row in twelve on
//! typical data.

use rayon::prelude::*;

use crate::input::participant::PackedRow;
use crate::matching::compare::NameBuffers;
use crate::matching::decide::search_for;
use crate::matching::id_evidence::IdTally;
use crate::matching::model::Model;
use crate::matching::outcome::{Outcome, PendingSearch};
use crate::normalize::participant::Participant;

/// A row left to the search.
pub(crate) struct DeferredRow {
    /// The row's index in the participants file (0 for the first row).
    pub(crate) index: u64,
    pub(crate) row: PackedRow,
    pub(crate) participant: Participant,
    pub(crate) pending: PendingSearch,
}

impl DeferredRow {
    /// The candidate search and its decision.
    pub(crate) fn search(&self, model: &Model<'_>, buffers: &mut NameBuffers) -> Outcome {
        search_for(&self.participant, &self.pending, model, buffers)
    }
}

/// Rows of the search read for the ID evidence, at most, evenly spaced over the file (at 100M
/// about one in 13): the weights' sample holds too few rows of some kinds of ID.
const TALLIED_ROWS: usize = 400_000;

/// The ID evidence's counts over up to [`TALLIED_ROWS`] of `rows`, spread over the file.
pub(crate) fn tally(rows: &[DeferredRow], model: &Model<'_>) -> IdTally {
    let step = rows.len().div_ceil(TALLIED_ROWS).max(1);
    IdTally::of_searched(
        rows.par_iter()
            .step_by(step)
            .map(|d| (&d.participant, d.pending.other.map(|o| o.0))),
        model,
    )
}
