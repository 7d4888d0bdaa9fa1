//! A participant row, normalized: what matching reads of it.

use crate::input::participant::ParticipantRow;
use crate::input::schema::participant as col;
use crate::normalize::date::{DateField, DateOrder};
use crate::normalize::gender::Gender;
use crate::normalize::id::{IdFormat, ParsedId};
use crate::normalize::name::NameForms;
use crate::province::{Place, ProvinceTable};

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

impl Participant {
    /// Normalizes a participant row's fields: IDs read in `id_format`, province codes through
    /// `provinces`, three-part dates in the order `dates`.
    pub(crate) fn normalize(
        row: &ParticipantRow<'_>,
        id_format: IdFormat,
        provinces: &ProvinceTable,
        dates: DateOrder,
    ) -> Participant {
        Participant {
            id: ParsedId::parse(row.get(col::PERSON_ID), id_format),
            name: NameForms::new(row.get(col::FULL_NAME)),
            dob: DateField::parse_in(row.get(col::DOB), dates),
            gender: Gender::parse(row.get(col::GENDER)),
            province: provinces.place_of(provinces.classify(row.get(col::PROVINCE_CODE))),
        }
    }
}
