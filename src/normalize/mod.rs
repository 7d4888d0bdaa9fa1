//! Normalization: raw field text in, typed values out.
//!
//! Every function here is pure, allocation-light and total: any input string gives a value or a
//! typed problem (`dob_invalid`, `id_malformed`), never a panic. The rules are SPEC sections 1-2:
//! - [`name`]: the canonical form (decides SYNCED) and the folded form (fuzzy comparison).
//! - [`date`]: dates of birth with their precision ([`date::PartialDate`]).
//! - [`gender`]: the gender spellings found in real exports.
//! - [`id`]: personal ID numbers, old ID card numbers, lost leading zeros, CCCD structure.

pub mod date;
pub mod gender;
pub mod id;
pub mod name;

pub use date::{DateField, PartialDate};
pub use gender::Gender;
pub use id::{IdFormat, ParsedId};
pub use name::NameForms;
