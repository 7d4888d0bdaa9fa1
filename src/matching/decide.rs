//! Step 3 of matching: the candidate search's decision (SUGGESTED, AMBIGUOUS or NOT_FOUND) for
//! a participant the ID path left pending; and the two steps in sequence.

use crate::matching::by_id::match_by_id;
use crate::matching::compare::NameBuffers;
use crate::matching::model::Model;
use crate::matching::outcome::{ByIdOutcome, Outcome, PendingSearch};
use crate::matching::reason::{Method, Reason, ReasonSet, Status};
use crate::matching::search;
use crate::matching::verify::Comparison;
use crate::matching::weights::FieldScores;
use crate::normalize::participant::Participant;
use crate::register::PersonIdx;

/// Matches one participant against the register: the ID path (steps 1-2),
/// then, when it gives no usable hit, the candidate search (step 3).
pub fn match_participant(p: &Participant, model: &Model<'_>, buffers: &mut NameBuffers) -> Outcome {
    match match_by_id(p, model, buffers) {
        ByIdOutcome::Linked(outcome) => outcome,
        ByIdOutcome::Search(pending) => search_for(p, &pending, &[], model, buffers),
    }
}

/// Step 3: the candidate search and its decision, for a participant the ID path left pending;
/// the persons a reviewer `rejected` for the row are left out.
pub(crate) fn search_for(
    p: &Participant,
    pending: &PendingSearch,
    rejected: &[PersonIdx],
    model: &Model<'_>,
    buffers: &mut NameBuffers,
) -> Outcome {
    let other = pending.other.map(|o| o.0);
    let found = search::search(p, model, other, rejected, buffers);
    decide(
        found,
        pending.id_reasons,
        pending.other.map(|(o, c, s)| (o, (c, s))),
        model,
    )
}

/// SUGGESTED, AMBIGUOUS or NOT_FOUND from the scored candidates.
fn decide(
    found: search::Found,
    id_reasons: ReasonSet,
    other: Option<(PersonIdx, (Comparison, FieldScores))>,
    model: &Model<'_>,
) -> Outcome {
    let t = model.thresholds;
    let mut outcome = Outcome::not_found(id_reasons);
    outcome.capped_blocks = found.capped_blocks;
    // By default the auditor sees the person the ID pointed to, if it pointed to someone.
    if let Some((person, (comparison, scores))) = other {
        outcome.compared = Some(person);
        outcome.comparison = Some(comparison);
        outcome.scores = Some(scores);
    }
    let Some(best) = found.candidates.first() else {
        return outcome;
    };
    let lead = found
        .candidates
        .get(1)
        .map_or(f64::INFINITY, |next| best.score() - next.score());
    if best.score() >= t.suggest && lead >= t.margin {
        let mut reasons = id_reasons | best.comparison.reasons();
        if best.id_typo {
            reasons.insert(Reason::IdTypo);
        }
        if model.register.is_deceased(best.person) {
            reasons.insert(Reason::Deceased);
        }
        outcome.status = Status::Suggested;
        outcome.person = Some(best.person);
        outcome.method = Some(Method::Search);
        outcome.reasons = reasons;
    } else if best.score() >= t.possible {
        outcome.status = Status::Ambiguous;
        outcome.candidates = found
            .candidates
            .iter()
            .take_while(|c| c.score() >= t.possible)
            .map(|c| (c.person, c.score()))
            .collect();
    } else {
        return outcome;
    }
    outcome.compared = Some(best.person);
    outcome.comparison = Some(best.comparison);
    outcome.scores = Some(best.scores);
    outcome
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::matching::model::RegisterIndexes;
    use crate::matching::thresholds::Thresholds;
    use crate::matching::weights::{LevelCounts, Weights};
    use crate::normalize::date::{DateField, PartialDate};
    use crate::normalize::name::{canonical, tidy};
    use crate::normalize::{Gender, NameForms, ParsedId};
    use crate::register::build::{NewPerson, RegisterBuilder, RegisterId};

    /// Names as exports hold them: Vietnamese letters in both compositions and both tone
    /// placements, the Ð lookalike, odd spaces, and anything at all.
    fn name_text() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::collection::vec(
                prop_oneof![
                    Just("Nguyễn"), Just("NGUYỄN"), Just("Nguye\u{302}\u{303}n"), Just("Thị"),
                    Just("Hoà"), Just("Hòa"), Just("Thuỷ"), Just("thủy"), Just("Ðặng"),
                    Just("Quý"), Just("khoẻ"), Just(" "), Just("\u{a0}"), Just("x"),
                ],
                0..6,
            )
            .prop_map(|parts| parts.join(" ")),
            1 => any::<String>(),
        ]
    }

    proptest! {
        /// A register person's own record, looked up by their ID, is SYNCED whatever the
        /// name's spelling and the date's precision.
        #[test]
        fn a_record_always_syncs_with_itself(
            name in name_text().prop_filter("a name", |n| !canonical(n).is_empty()),
            year in 1900u16..2030,
            month in 0u8..=12,
            day in 0u8..=28,
            female in any::<bool>(),
            serial in 0u64..1_000_000,
        ) {
            let day = if month == 0 { 0 } else { day };
            let dob = PartialDate::new(year, month, day).unwrap();
            let gender = if female { Gender::Female } else { Gender::Male };
            let id = 1_000_000_000 * 79 + serial;
            let mut builder = RegisterBuilder::new();
            builder.push(NewPerson {
                line: 2,
                id: RegisterId::Numeric(id),
                old_id: None,
                name: tidy(&name),
                dob: Some(dob),
                gender,
                deceased: false,
                province: None,
            });
            let (register, _) = builder.finish();
            let indexes = RegisterIndexes::build(&register);
            let weights = Weights::estimate(&LevelCounts::default(), &LevelCounts::default(), 1e-6);
            let thresholds = Thresholds::default();
            let model = indexes.model(&register, &weights, &thresholds);
            let participant = Participant {
                id: ParsedId::Cccd(id),
                name: NameForms::new(&name),
                dob: DateField::Known(dob),
                gender,
                province: None,
            };
            let outcome = match_participant(&participant, &model, &mut NameBuffers::default());
            prop_assert_eq!(outcome.status, Status::Synced, "{:?}", outcome);
        }
    }
}
