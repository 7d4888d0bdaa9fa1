//! What matching decides for one participant: an [`Outcome`], or, after the ID path, the search
//! still to do ([`ByIdOutcome::Search`]).

use crate::matching::reason::{Method, ReasonSet, Status};
use crate::matching::verify::Comparison;
use crate::matching::weights::FieldScores;
use crate::register::PersonIdx;

/// What matching decided for one participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub(crate) status: Status,
    /// The register person linked (SYNCED, DIFF) or suggested (SUGGESTED).
    pub(crate) person: Option<PersonIdx>,
    /// The register person whose fields were compared: the linked or suggested person, the best
    /// candidate of an AMBIGUOUS row, or the holder of the participant's ID when that is
    /// someone else (`id_other_person`).
    pub(crate) compared: Option<PersonIdx>,
    pub(crate) method: Option<Method>,
    pub(crate) reasons: ReasonSet,
    pub(crate) comparison: Option<Comparison>,
    /// The compared person's per-field weights (their sum is [`Outcome::score`]).
    pub(crate) scores: Option<FieldScores>,
    /// AMBIGUOUS rows: the plausible persons with their scores, best first. A boxed slice:
    /// the search holds every searched row's outcome until the claims are settled, and most
    /// have none.
    pub(crate) candidates: Box<[(PersonIdx, f64)]>,
    /// Blocks the search skipped as too large.
    pub(crate) capped_blocks: u32,
}

impl Outcome {
    pub(crate) fn not_found(reasons: ReasonSet) -> Outcome {
        Outcome {
            status: Status::NotFound,
            person: None,
            compared: None,
            method: None,
            reasons,
            comparison: None,
            scores: None,
            candidates: Box::default(),
            capped_blocks: 0,
        }
    }

    /// A row linked to `person` (SYNCED or DIFF), with the comparison and weights that decided
    /// it.
    pub(crate) fn linked(
        status: Status,
        person: PersonIdx,
        method: Method,
        reasons: ReasonSet,
        comparison: Comparison,
        scores: FieldScores,
    ) -> Outcome {
        Outcome {
            status,
            person: Some(person),
            compared: Some(person),
            method: Some(method),
            reasons,
            comparison: Some(comparison),
            scores: Some(scores),
            candidates: Box::default(),
            capped_blocks: 0,
        }
    }

    /// The compared person's score, in bits: the sum of their per-field weights.
    pub(crate) fn score(&self) -> Option<f64> {
        self.scores.map(|scores| scores.total())
    }

    /// The outcome of a row that could not be read.
    pub(crate) fn rejected() -> Outcome {
        Outcome {
            status: Status::Rejected,
            ..Outcome::not_found(ReasonSet::default())
        }
    }
}

/// What the ID path left to the search: the ID's reasons, and the holder of the participant's
/// ID when that is someone else.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PendingSearch {
    pub(crate) id_reasons: ReasonSet,
    pub(crate) other: Option<(PersonIdx, Comparison, FieldScores)>,
}

/// The ID path's answer: a linked outcome, or a search still to do.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ByIdOutcome {
    Linked(Outcome),
    Search(PendingSearch),
}
