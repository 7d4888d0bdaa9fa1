//! Normalization: raw field text in, typed values out.
//!
//! Every function here is pure, allocation-light and total: any input string gives a value or a
//! typed problem (`dob_invalid`, `id_malformed`), never a panic. The rules are those of docs/input.md:
//! - [`name`]: the canonical form (decides SYNCED) and the folded form (fuzzy comparison).
//! - [`date`]: dates of birth with their precision ([`date::PartialDate`]).
//! - [`gender`]: the gender spellings found in real exports.
//! - [`id`]: personal ID numbers, old ID card numbers, lost leading zeros, CCCD structure.
//! - [`status`]: the register's alive / deceased.
//! - [`profile`]: how many of each column's values read, and the gate on the unreadable.

pub(crate) mod date;
pub(crate) mod gender;
pub(crate) mod id;
pub(crate) mod name;
pub(crate) mod participant;
pub(crate) mod profile;
pub(crate) mod status;

pub(crate) use date::DateField;
pub(crate) use gender::Gender;
pub(crate) use id::{IdFormat, ParsedId};
pub(crate) use name::NameForms;
