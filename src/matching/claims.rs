//! One-to-one among the searched rows.
//!
//! The search weighs "this person is already linked to another code" with the ID path's links
//! ([`LinkedElsewhere`]), the only ones known while it runs. Its own suggestions are evidence of
//! the same kind: when several searched rows suggest one register person, most people having
//! one insurance code, usually one of them is that person and the others are a namesake's rows
//! (a person the register does not hold, or one whose record differs more). So once every row is
//! searched, the strongest claim on a person stands (the highest score; the earlier row on a
//! tie) and each weaker one from another insurance code is decided again with that person, and
//! every other person a searched row suggested, counted as linked elsewhere. A person truly holding two codes keeps
//! both where the weaker row's evidence outweighs the one-to-one weight, as it does against an
//! ID-linked person. One round: the rows decided again are final, so the result does not depend
//! on the order rows are settled in.

use rayon::prelude::*;

use crate::input::schema::participant as col;
use crate::matching::compare::NameBuffers;
use crate::matching::deferred::DeferredRow;
use crate::matching::model::Model;
use crate::matching::outcome::Outcome;
use crate::matching::reason::Status;
use crate::register::PersonIdx;

/// Decides again each of `rows` (with their `outcomes`, in the same order) whose suggested
/// person a stronger searched row of another insurance code also suggests, with `model`'s
/// one-to-one evidence extended to every person a searched row suggested. Returns how many
/// rows were decided again.
pub(crate) fn settle(rows: &[DeferredRow], outcomes: &mut [Outcome], model: &Model<'_>) -> usize {
    debug_assert_eq!(rows.len(), outcomes.len());
    let Some(linked) = model.linked else {
        return 0;
    };
    // (person, row) of every suggestion, the strongest claim on a person first.
    let mut claims: Vec<(PersonIdx, usize)> = (outcomes.iter().enumerate())
        .filter(|(_, o)| o.status == Status::Suggested)
        .filter_map(|(i, o)| Some((o.person?, i)))
        .collect();
    let score = |i: usize| outcomes[i].score().unwrap_or(f64::NEG_INFINITY);
    claims.sort_unstable_by(|&(p, i), &(q, j)| {
        p.cmp(&q)
            .then_with(|| score(j).total_cmp(&score(i)))
            .then(i.cmp(&j))
    });
    // One code, one claim: the rows of the strongest claim's own code (its row repeated, a
    // `duplicate_code`) are that claim again, not a rival.
    let mut weaker = Vec::new();
    for group in claims.chunk_by(|a, b| a.0 == b.0) {
        let strongest = &rows[group[0].1];
        let rivals = group[1..].iter().map(|&(_, i)| i);
        weaker.extend(rivals.filter(|&i| !same_code(&rows[i], strongest)));
    }
    if weaker.is_empty() {
        return 0;
    }
    let claimed = linked.with_persons(claims.iter().map(|&(p, _)| p));
    let settling = Model {
        linked: Some(&claimed),
        ..*model
    };
    let decided: Vec<Outcome> = weaker
        .par_iter()
        .map_init(NameBuffers::default, |buffers, &i| {
            rows[i].search(&settling, buffers)
        })
        .collect();
    for (&i, outcome) in weaker.iter().zip(decided) {
        outcomes[i] = outcome;
    }
    weaker.len()
}

/// Whether two rows carry the same insurance code.
fn same_code(a: &DeferredRow, b: &DeferredRow) -> bool {
    a.row().get(col::INSURANCE_CODE).trim() == b.row().get(col::INSURANCE_CODE).trim()
}
