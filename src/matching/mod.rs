//! Matching: one normalized participant and the register in, one [`Outcome`] out.
//!
//! Contract: [`match_by_id`] (SPEC section 3, steps 1-2) and [`search_for`] (step 3) are pure
//! functions of their inputs and the read-only [`Model`] (no I/O, no shared mutable state), so
//! participants can be matched on any number of threads with identical results;
//! [`match_participant`] is the two in sequence. The pipeline runs the search only once every
//! ID link is known, because "this person is already linked to another code" is evidence
//! ([`weights::LinkedElsewhere`]). Matching decides the status and every reason that can be
//! known from the row; the flags that need the whole file (`duplicate_person`,
//! `duplicate_code`) are added by the report stage.
//!
//! - [`compare`]: field comparison levels (exact, folded, close, partial, swapped, …).
//! - [`verify`]: the comparison of a participant with one register person.
//! - [`weights`]: Fellegi-Sunter weights estimated from the run's data; scores in bits.
//! - [`id_evidence`]: what a searched row's own ID (none, malformed, naming nobody or someone
//!   else) says about whether the register holds its person at all.
//! - [`search`]: candidates from the blocking index and ID neighbours, scored.
//! - [`reason`]: the status, method and reason codes, each spelled in one place.

pub mod compare;
pub mod id_evidence;
pub mod reason;
pub mod search;
pub mod verify;
pub mod weights;

use crate::normalize::date::DateField;
use crate::normalize::id::CccdStructure;
use crate::normalize::{Gender, NameForms, ParsedId};
use crate::province::Place;
use crate::register::blocking::BlockIndex;
use crate::register::frequency::Frequencies;
use crate::register::{PersonIdx, Register};

use compare::NameIds;
use weights::{FieldScores, LinkedElsewhere, Weights};

pub use reason::{Method, Reason, ReasonSet, Status};
pub use verify::Comparison;

/// A participant row, normalized.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: ParsedId,
    pub name: NameForms,
    pub dob: DateField,
    pub gender: Gender,
    /// The managing province (`None`: unknown).
    pub province: Option<Place>,
}

/// The decision thresholds, in bits of evidence (the scores' unit). The only tuned numbers in
/// matching; everything else is estimated from the data.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// An ID hit with a field that disagrees outright is the same person only when its
    /// posterior log-odds (prior + score) are above this.
    pub verify: f64,
    /// The best candidate is SUGGESTED when its score is at least this …
    pub suggest: f64,
    /// … and it leads the next candidate by at least this.
    pub margin: f64,
    /// Below `suggest` (or without the lead), AMBIGUOUS when the best scores at least this;
    /// NOT_FOUND otherwise.
    pub possible: f64,
    /// Blocks with more persons than this are skipped (and counted), never compared in full.
    pub block_cap: usize,
}

/// The register size the `suggest` and `possible` defaults are calibrated for: 2^20 persons.
pub const CALIBRATED_PERSONS: f64 = 1_048_576.0;

impl Thresholds {
    /// The thresholds for a register of `persons`: `suggest` and `possible` rise by
    /// log2(persons / 2^20) bits above a million persons. A score is the log-likelihood ratio of
    /// one pair; the prior odds that any one register person is the participant fall as 1 / N,
    /// so without this a bigger register suggests more namesakes of persons it does not hold.
    pub fn for_register(&self, persons: usize) -> Thresholds {
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

/// Everything matching reads, shared read-only by all threads.
#[derive(Clone, Copy)]
pub struct Model<'a> {
    pub register: &'a Register,
    pub index: &'a BlockIndex,
    pub frequencies: &'a Frequencies,
    pub weights: &'a Weights,
    pub thresholds: &'a Thresholds,
    /// The one-to-one evidence, once the ID path has linked every row it can.
    pub linked: Option<&'a LinkedElsewhere>,
    /// Read every block of the search's first round, also those it can prove cannot change
    /// the result (slower; `--exhaustive-search`, for checking that proof on real data).
    pub exhaustive: bool,
}

/// What the search reads from the register besides the register itself, built once after it
/// is loaded: the blocking index and the name and date frequencies.
pub struct RegisterIndexes {
    pub blocks: BlockIndex,
    pub frequencies: Frequencies,
}

impl RegisterIndexes {
    /// Builds both, in parallel.
    pub fn build(register: &Register) -> RegisterIndexes {
        let (blocks, frequencies) = rayon::join(
            || BlockIndex::build(register),
            || Frequencies::count(register),
        );
        RegisterIndexes {
            blocks,
            frequencies,
        }
    }

    /// The model matching reads, before the ID path has linked anything.
    pub fn model<'a>(
        &'a self,
        register: &'a Register,
        weights: &'a Weights,
        thresholds: &'a Thresholds,
    ) -> Model<'a> {
        Model {
            register,
            index: &self.blocks,
            frequencies: &self.frequencies,
            weights,
            thresholds,
            linked: None,
            exhaustive: false,
        }
    }
}

/// What matching decided for one participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// The register person linked (SYNCED, DIFF) or suggested (SUGGESTED).
    pub person: Option<PersonIdx>,
    /// The register person whose fields were compared: the linked or suggested person, the best
    /// candidate of an AMBIGUOUS row, or the holder of the participant's ID when that is
    /// someone else (`id_other_person`).
    pub compared: Option<PersonIdx>,
    pub method: Option<Method>,
    /// The compared person's score, in bits.
    pub score: Option<f64>,
    pub reasons: ReasonSet,
    pub comparison: Option<Comparison>,
    /// The compared person's per-field weights.
    pub scores: Option<FieldScores>,
    /// AMBIGUOUS rows: the plausible persons with their scores, best first.
    pub candidates: Vec<(PersonIdx, f64)>,
    /// Blocks the search skipped as too large.
    pub capped_blocks: u32,
}

impl Outcome {
    pub fn not_found(reasons: ReasonSet) -> Outcome {
        Outcome {
            status: Status::NotFound,
            person: None,
            compared: None,
            method: None,
            score: None,
            reasons,
            comparison: None,
            scores: None,
            candidates: Vec::new(),
            capped_blocks: 0,
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

/// Matches one participant against the register: the ID path of SPEC section 3 (steps 1-2),
/// then, when it gives no usable hit, the candidate search (step 3).
pub fn match_participant(p: &Participant, model: &Model<'_>, scratch: &mut Scratch) -> Outcome {
    match match_by_id(p, model, scratch) {
        ByIdOutcome::Linked(outcome) => outcome,
        ByIdOutcome::Search(pending) => search_for(p, &pending, model, scratch),
    }
}

/// What the ID path left to the search: the ID's reasons, and the holder of the participant's
/// ID when that is someone else.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSearch {
    pub id_reasons: ReasonSet,
    pub other: Option<(PersonIdx, Comparison, FieldScores)>,
}

/// The ID path's answer: a linked outcome, or a search still to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ByIdOutcome {
    Linked(Outcome),
    Search(PendingSearch),
}

/// Step 3: the candidate search and its decision, for a participant the ID path left pending.
pub fn search_for(
    p: &Participant,
    pending: &PendingSearch,
    model: &Model<'_>,
    scratch: &mut Scratch,
) -> Outcome {
    let other = pending.other.map(|o| o.0);
    let found = search::search(p, model, other, scratch);
    decide(
        found,
        pending.id_reasons,
        pending.other.map(|(o, c, s)| (o, (c, s))),
        model,
    )
}

/// Steps 1-2: the ID lookup and the verification of its hit.
pub fn match_by_id(p: &Participant, model: &Model<'_>, scratch: &mut Scratch) -> ByIdOutcome {
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
    let names = NameIds::of(&p.name, &register.syllables);
    let verified: Vec<(PersonIdx, Method, Comparison, FieldScores)> = hits
        .iter()
        .map(|&(person, method)| {
            let c = verify::compare(p, &names, register, person, scratch);
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
        return ByIdOutcome::Linked(Outcome {
            status: if synced { Status::Synced } else { Status::Diff },
            person: Some(person),
            compared: Some(person),
            method: Some(method),
            score: Some(scores.total()),
            reasons,
            comparison: Some(comparison),
            scores: Some(scores),
            candidates: Vec::new(),
            capped_blocks: 0,
        });
    }
    // No usable hit: search by name, date of birth and gender.
    id_reasons.insert(id_problem);
    ByIdOutcome::Search(PendingSearch {
        id_reasons,
        other: verified.first().map(|v| (v.0, v.2, v.3)),
    })
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
        outcome.score = Some(scores.total());
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
    outcome.score = Some(best.score());
    outcome
}
