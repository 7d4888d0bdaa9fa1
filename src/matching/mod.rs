//! Matching: one normalized participant and the register in, one [`Outcome`] out.
//!
//! Contract: [`match_participant`] is a pure function of its inputs (no I/O, no shared mutable
//! state), so participants can be matched on any number of threads with identical results. It
//! decides the status and every reason that can be known from the row alone; the flags that need
//! the whole file (`duplicate_person`, `duplicate_code`) are added by the report stage.
//!
//! - [`compare`]: field comparison levels (exact, folded, close, partial, swapped, …).
//! - [`verify`]: is the register person an ID points to this participant, and what differs.
//! - [`reason`]: the status, method and reason codes, each spelled in one place.

pub mod compare;
pub mod reason;
pub mod verify;

use crate::normalize::date::DateField;
use crate::normalize::id::CccdStructure;
use crate::normalize::{Gender, NameForms, ParsedId};
use crate::register::{PersonIdx, Register};

pub use reason::{Method, Reason, ReasonSet, Status};
pub use verify::Comparison;

/// A participant row, normalized.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: ParsedId,
    pub name: NameForms,
    pub dob: DateField,
    pub gender: Gender,
}

/// What matching decided for one participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// The register person linked (SYNCED, DIFF) or suggested (SUGGESTED).
    pub person: Option<PersonIdx>,
    /// The register person whose fields were compared: the linked person, or the person the
    /// participant's ID belongs to when that is someone else (`id_other_person`).
    pub compared: Option<PersonIdx>,
    pub method: Option<Method>,
    pub score: Option<f64>,
    pub reasons: ReasonSet,
    pub comparison: Option<Comparison>,
}

impl Outcome {
    fn not_found(reasons: ReasonSet) -> Outcome {
        Outcome {
            status: Status::NotFound,
            person: None,
            compared: None,
            method: None,
            score: None,
            reasons,
            comparison: None,
        }
    }

    /// The outcome of a row that could not be read.
    pub fn rejected() -> Outcome {
        Outcome {
            status: Status::Rejected,
            ..Outcome::not_found(ReasonSet::default())
        }
    }
}

/// Reusable buffers for one matching thread.
#[derive(Default)]
pub struct Scratch {
    canonical: String,
    folded: String,
}

/// Matches one participant against the register: the ID path of SPEC section 3, steps 1-2.
pub fn match_participant(p: &Participant, register: &Register, scratch: &mut Scratch) -> Outcome {
    let structure = match p.id {
        ParsedId::Cccd(v) | ParsedId::Restored(v) => Some(CccdStructure::of(v)),
        _ => None,
    };
    let mut id_reasons = ReasonSet::default();
    if structure.is_some_and(|s| s.contradicts(p.gender, p.dob.known().map(|d| d.year()))) {
        id_reasons.insert(Reason::IdStructure);
    }
    let hits: Vec<(PersonIdx, Method)> = match &p.id {
        ParsedId::Missing => return Outcome::not_found(ReasonSet::of(Reason::IdMissing)),
        ParsedId::Malformed => return Outcome::not_found(ReasonSet::of(Reason::IdMalformed)),
        ParsedId::Cccd(_) => register
            .find_id(&p.id)
            .map(|i| (i, Method::Id))
            .into_iter()
            .collect(),
        ParsedId::Restored(_) => {
            id_reasons.insert(Reason::IdZerosRestored);
            register
                .find_id(&p.id)
                .map(|i| (i, Method::IdRestored))
                .into_iter()
                .collect()
        }
        ParsedId::Old(_) | ParsedId::OldRestored(_) => {
            if matches!(p.id, ParsedId::OldRestored(_)) {
                id_reasons.insert(Reason::IdZerosRestored);
            }
            register
                .find_old_id(&p.id)
                .iter()
                .map(|&(_, i)| (i, Method::OldId))
                .collect()
        }
        ParsedId::Opaque(text) => match register.find_id(&p.id) {
            Some(i) => vec![(i, Method::Id)],
            None => register
                .find_old_text(text)
                .into_iter()
                .map(|i| (i, Method::OldId))
                .collect(),
        },
    };
    if hits.is_empty() {
        id_reasons.remove(Reason::IdZerosRestored);
        id_reasons.insert(Reason::IdNotFound);
        return Outcome::not_found(id_reasons);
    }
    // Verify each hit (an old ID can name several persons); link the one that is this
    // participant, if exactly one is.
    let verified: Vec<(PersonIdx, Method, Comparison)> = hits
        .iter()
        .map(|&(person, method)| {
            (
                person,
                method,
                verify::compare(p, register, person, scratch),
            )
        })
        .collect();
    let same: Vec<&(PersonIdx, Method, Comparison)> = verified
        .iter()
        .filter(|(_, _, c)| c.same_person())
        .collect();
    let [&(person, method, comparison)] = same.as_slice() else {
        // Nobody the ID names is this participant (or several are, which no one can tell apart).
        let (other, _, comparison) = verified[0];
        id_reasons.remove(Reason::IdZerosRestored);
        id_reasons.insert(Reason::IdOtherPerson);
        return Outcome {
            compared: Some(other),
            comparison: Some(comparison),
            ..Outcome::not_found(id_reasons)
        };
    };
    let synced = method == Method::Id && comparison.all_equal();
    let mut reasons = if synced {
        ReasonSet::default()
    } else {
        id_reasons | comparison.reasons()
    };
    if method == Method::OldId {
        reasons.insert(Reason::OldId);
    }
    if register.is_deceased(person) {
        reasons.insert(Reason::Deceased);
    }
    Outcome {
        status: if synced { Status::Synced } else { Status::Diff },
        person: Some(person),
        compared: Some(person),
        method: Some(method),
        score: None,
        reasons,
        comparison: Some(comparison),
    }
}
