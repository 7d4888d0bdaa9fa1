//! A participant row, normalized: what matching reads of it.

use crate::normalize::date::DateField;
use crate::normalize::gender::Gender;
use crate::normalize::id::ParsedId;
use crate::normalize::name::NameForms;
use crate::province::Place;

/// A participant row, normalized.
#[derive(Debug, Clone)]
pub struct Participant {
    /// The personal ID as given.
    pub id: ParsedId,
    /// The full name in both comparison forms.
    pub name: NameForms,
    /// The date of birth as given.
    pub dob: DateField,
    /// The gender as given.
    pub gender: Gender,
    /// The managing province (`None`: unknown).
    pub province: Option<Place>,
}
