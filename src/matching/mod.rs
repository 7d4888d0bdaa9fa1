//! Matching: one normalized participant and the register in, one [`Outcome`] out.
//!
//! Contract: [`match_by_id`] (steps 1-2: the ID lookup and the verification of its hit) and
//! [`search_for`] (step 3: the candidate search) are pure functions of their inputs and the
//! read-only [`Model`] (no I/O, no shared mutable state), so participants can be matched on any
//! number of threads with identical results; [`match_participant`] is the two in sequence. The
//! pipeline runs the search only once every ID link is known, because "this person is already
//! linked to another code" is evidence ([`weights::LinkedElsewhere`]). Matching decides the
//! status and every reason that can be known from the row; the flags that need the whole file
//! (`duplicate_person`, `duplicate_code`) are added by the report stage.
//!
//! The files, each depending only on those above it:
//! - [`reason`]: the status, method and reason codes, each spelled in one place.
//! - [`thresholds`]: the decision thresholds, the only tuned numbers.
//! - [`compare`]: field comparison levels (exact, folded, close, partial, swapped, …).
//! - [`verify`]: the comparison of a participant with one register person.
//! - [`id_evidence`]: what a searched row's own ID (none, malformed, naming nobody or someone
//!   else) says about whether the register holds its person at all.
//! - [`weights`]: Fellegi-Sunter weights estimated from the run's data; scores in bits.
//! - [`model`]: what every matching thread reads.
//! - [`outcome`]: what matching decides for one participant.
//! - [`by_id`]: steps 1-2. [`search`]: candidates from the blocking index (asked with the
//!   name and date as given and as usually mistyped), the ID neighbours and, where one side
//!   has no date, the namesakes, scored. [`decide`]: step 3's decision. [`claims`]: one-to-one
//!   among the searched rows' suggestions, once every row is searched.
//! - [`id_tally`]: the counts the ID evidence is estimated from.
//! - [`review`]: the reviewers' decisions (confirm, reject) in force; [`reviewed`]: applied to
//!   the ID path's answer.

pub(crate) mod by_id;
pub(crate) mod claims;
pub(crate) mod compare;
pub(crate) mod decide;
pub(crate) mod deferred;
pub(crate) mod id_evidence;
pub(crate) mod id_tally;
pub(crate) mod model;
pub(crate) mod outcome;
pub(crate) mod reason;
pub(crate) mod review;
pub(crate) mod reviewed;
pub(crate) mod search;
pub(crate) mod thresholds;
pub(crate) mod verify;
pub(crate) mod weights;

pub(crate) use by_id::match_by_id;
pub(crate) use compare::NameBuffers;
pub(crate) use model::{Model, RegisterIndexes};
pub(crate) use outcome::{ByIdOutcome, Outcome};
pub(crate) use reason::{Reason, ReasonSet, Status};
pub(crate) use thresholds::Thresholds;
