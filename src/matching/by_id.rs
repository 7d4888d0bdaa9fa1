//! Steps 1-2 of matching: the ID lookup, and the verification of its hit.

use crate::matching::compare::NameBuffers;
use crate::matching::model::Model;
use crate::matching::outcome::{ByIdOutcome, Outcome, PendingSearch};
use crate::matching::reason::{Method, Reason, ReasonSet, Status};
use crate::matching::verify::{self, Comparison};
use crate::matching::weights::FieldScores;
use crate::normalize::id::CccdStructure;
use crate::normalize::participant::Participant;
use crate::normalize::ParsedId;
use crate::register::PersonIdx;

/// Steps 1-2: the ID lookup and the verification of its hit.
pub(crate) fn match_by_id(
    p: &Participant,
    model: &Model<'_>,
    buffers: &mut NameBuffers,
) -> ByIdOutcome {
    let register = model.register;
    let structure = p.id.cccd().map(CccdStructure::of);
    let mut id_reasons = ReasonSet::default();
    if structure.is_some_and(|s| s.contradicts(p.gender, p.dob.known().map(|d| d.year()))) {
        id_reasons.insert(Reason::IdStructure);
    }
    let hits: Vec<(PersonIdx, Method)> = match &p.id {
        ParsedId::Missing => Vec::new(),
        ParsedId::Malformed => Vec::new(),
        ParsedId::Cccd(_) => register
            .find_id(&p.id)
            .map(|i| (i, Method::Id))
            .into_iter()
            .collect(),
        ParsedId::Restored(_) => register
            .find_id(&p.id)
            .map(|i| (i, Method::IdRestored))
            .into_iter()
            .collect(),
        ParsedId::Old(_) | ParsedId::OldRestored(_) => register
            .find_old_id(&p.id)
            .iter()
            .map(|&(_, i)| (i, Method::OldId))
            .collect(),
        ParsedId::Opaque(text) => match register.find_id(&p.id) {
            Some(i) => vec![(i, Method::Id)],
            None => register
                .find_old_text(text)
                .into_iter()
                .map(|i| (i, Method::OldId))
                .collect(),
        },
    };
    let id_problem = match &p.id {
        ParsedId::Missing => Reason::IdMissing,
        ParsedId::Malformed => Reason::IdMalformed,
        _ if hits.is_empty() => Reason::IdNotFound,
        _ => Reason::IdOtherPerson,
    };
    // Verify each hit (an old ID can name several persons); link the one that is this
    // participant, if exactly one is.
    let verified: Vec<(PersonIdx, Method, Comparison, FieldScores)> = hits
        .iter()
        .map(|&(person, method)| {
            let c = verify::compare(p, register, person, buffers);
            let scores = model.weights.score(&c, register, person, model.frequencies);
            (person, method, c, scores)
        })
        .collect();
    // Recording errors (a typo, swapped day and month, a partial date, a missing value) never
    // make an ID's holder someone else. A field that disagrees outright does, unless the
    // posterior log-odds (the prior that an ID hit is its holder, plus the fields' evidence)
    // stay above `verify`.
    let prior = model.weights.id_hit_prior;
    let same: Vec<&(PersonIdx, Method, Comparison, FieldScores)> = verified
        .iter()
        .filter(|v| !v.2.any_differs() || prior + v.3.total() > model.thresholds.verify)
        .collect();
    if let [&(person, method, comparison, scores)] = same.as_slice() {
        let synced = method == Method::Id && comparison.all_equal();
        let mut reasons = if synced {
            ReasonSet::default()
        } else {
            id_reasons | comparison.reasons()
        };
        match method {
            Method::OldId => reasons.insert(Reason::OldId),
            Method::IdRestored => reasons.insert(Reason::IdZerosRestored),
            _ => {}
        }
        if matches!(p.id, ParsedId::OldRestored(_)) {
            reasons.insert(Reason::IdZerosRestored);
        }
        if register.is_deceased(person) {
            reasons.insert(Reason::Deceased);
        }
        let status = if synced { Status::Synced } else { Status::Diff };
        return ByIdOutcome::Linked(Outcome::linked(
            status, person, method, reasons, comparison, scores,
        ));
    }
    // No usable hit: search by name, date of birth and gender.
    id_reasons.insert(id_problem);
    ByIdOutcome::Search(PendingSearch {
        id_reasons,
        other: verified.first().map(|v| (v.0, v.2, v.3)),
    })
}
