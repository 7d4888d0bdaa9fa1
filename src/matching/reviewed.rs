//! The ID path's answer with the reviewers' decisions on the row's code applied (the rules are
//! in [`crate::matching::review`] and docs/history.md).

use crate::matching::compare::NameBuffers;
use crate::matching::model::Model;
use crate::matching::outcome::{ByIdOutcome, Outcome, PendingSearch};
use crate::matching::reason::{Method, Reason, ReasonSet, Status};
use crate::matching::review::{Decision, Verdict};
use crate::matching::verify;
use crate::normalize::participant::Participant;
use crate::register::PersonIdx;

/// Applies `decisions` (those of the row's code) to the ID path's answer for participant `p`,
/// whose record has fingerprint `record`.
pub(crate) fn apply(
    decisions: &[Decision],
    record: u64,
    p: &Participant,
    by_id: ByIdOutcome,
    model: &Model<'_>,
    buffers: &mut NameBuffers,
) -> ByIdOutcome {
    if decisions.is_empty() {
        return by_id;
    }
    let mut stale = decisions.iter().any(|d| d.record != record);
    let current = || decisions.iter().filter(|d| d.record == record);
    let rejected: Vec<PersonIdx> = current()
        .filter(|d| d.verdict == Verdict::Reject)
        .filter_map(|d| d.person)
        .collect();
    let confirmed = current().find(|d| d.verdict == Verdict::Confirm);
    let linked = match &by_id {
        ByIdOutcome::Linked(outcome) => outcome.person,
        ByIdOutcome::Search(_) => None,
    };
    let outcome = match (confirmed.map(|d| d.person), linked) {
        // The person confirmed has left the register.
        (Some(None), _) => {
            stale = true;
            by_id
        }
        // Tonight's ID already links the confirmed person: nothing to apply.
        (Some(Some(person)), Some(l)) if l == person => by_id,
        // Tonight's ID links someone else as the same person: the record moved on.
        (Some(Some(_)), Some(l)) if !rejected.contains(&l) => {
            stale = true;
            by_id
        }
        (Some(Some(person)), _) => {
            let id_reasons = match by_id {
                ByIdOutcome::Search(pending) => pending.id_reasons,
                ByIdOutcome::Linked(_) => id_reasons_of_rejected_link(),
            };
            ByIdOutcome::Linked(confirmed_link(p, person, id_reasons, model, buffers))
        }
        (None, Some(l)) if rejected.contains(&l) => match by_id {
            ByIdOutcome::Linked(outcome) => set_aside(outcome),
            search => search,
        },
        (None, _) => by_id,
    };
    flag(outcome, stale, !rejected.is_empty())
}

/// The reasons of a row whose ID links a person the reviewer rejected: the ID names someone
/// else.
fn id_reasons_of_rejected_link() -> ReasonSet {
    let mut reasons = ReasonSet::default();
    reasons.insert(Reason::IdOtherPerson);
    reasons
}

/// The link to a confirmed person, their fields compared.
fn confirmed_link(
    p: &Participant,
    person: PersonIdx,
    id_reasons: ReasonSet,
    model: &Model<'_>,
    buffers: &mut NameBuffers,
) -> Outcome {
    let register = model.register;
    let comparison = verify::compare(p, register, person, buffers);
    let scores = model
        .weights
        .score(&comparison, register, person, model.frequencies);
    let mut reasons = id_reasons | comparison.reasons();
    if register.is_deceased(person) {
        reasons.insert(Reason::Deceased);
    }
    Outcome::linked(
        Status::Diff,
        person,
        Method::Reviewed,
        reasons,
        comparison,
        scores,
    )
}

/// An ID link to a rejected person, turned into a search that leaves them out (they stay the
/// person compared, as the holder of the ID given).
fn set_aside(outcome: Outcome) -> ByIdOutcome {
    let other = match (outcome.person, outcome.comparison, outcome.scores) {
        (Some(person), Some(comparison), Some(scores)) => Some((person, comparison, scores)),
        _ => None,
    };
    let mut id_reasons = id_reasons_of_rejected_link();
    for reason in [Reason::IdStructure, Reason::IdZerosRestored, Reason::OldId] {
        if outcome.reasons.contains(reason) {
            id_reasons.insert(reason);
        }
    }
    ByIdOutcome::Search(PendingSearch { id_reasons, other })
}

/// Adds the review's flags to a row's reasons; a SYNCED row has none.
fn flag(outcome: ByIdOutcome, stale: bool, rejected: bool) -> ByIdOutcome {
    let add = |reasons: &mut ReasonSet| {
        if stale {
            reasons.insert(Reason::ReviewStale);
        }
        if rejected {
            reasons.insert(Reason::ReviewRejected);
        }
    };
    match outcome {
        ByIdOutcome::Linked(mut outcome) if outcome.status != Status::Synced => {
            add(&mut outcome.reasons);
            ByIdOutcome::Linked(outcome)
        }
        ByIdOutcome::Search(mut pending) => {
            add(&mut pending.id_reasons);
            ByIdOutcome::Search(pending)
        }
        synced => synced,
    }
}
