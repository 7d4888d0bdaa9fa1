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

/// A fingerprint of a participant's record as recorded: the ID, name, date of birth and gender
/// given. A reviewer's decision holds only while the record keeps the fingerprint it had when
/// it was decided on (docs/history.md). Spellings normalization does not tell apart (case,
/// spaces, tone-mark placement, an ID's dots and dashes) do not change it, and neither does
/// the apostrophe a cell of mismatches.csv starts with when its value could be read as a
/// formula: the fingerprint of a row as read tonight equals the one of its cells in the list.
pub(crate) fn record_fingerprint(id: &str, name: &str, dob: &str, gender: &str) -> u64 {
    fn plain(value: &str) -> &str {
        value.trim().trim_start_matches('\'').trim()
    }
    let id: String = plain(id)
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let name = crate::normalize::name::canonical(plain(name));
    let gender = plain(gender);
    let gender = match Gender::parse(gender) {
        Gender::Unknown => gender.to_lowercase(),
        known => known.as_str().to_string(),
    };
    let mut text = String::with_capacity(id.len() + name.len() + 32);
    for part in [id.as_str(), &name, plain(dob), &gender] {
        text.push_str(part);
        text.push('\u{1f}');
    }
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// [`record_fingerprint`] of a participant row as read.
pub(crate) fn row_fingerprint(row: &ParticipantRow<'_>) -> u64 {
    record_fingerprint(
        row.get(col::PERSON_ID),
        row.get(col::FULL_NAME),
        row.get(col::DOB),
        row.get(col::GENDER),
    )
}

#[cfg(test)]
mod tests {
    use super::record_fingerprint;

    #[test]
    fn a_record_keeps_its_fingerprint_through_spelling_and_cell_guards() {
        let base = record_fingerprint("001090012345", "Nguyễn Văn Hoà", "01/02/1990", "Nam");
        // Case, spaces, tone placement, an ID's separators, the cell's guard and the gender's
        // spelling do not change it.
        for (id, name, dob, gender) in [
            (
                "001.090.012-345",
                "  NGUYỄN  Văn Hòa ",
                "01/02/1990",
                "male",
            ),
            ("'001090012345", "Nguyễn Văn Hoà", " 01/02/1990", "M"),
        ] {
            assert_eq!(record_fingerprint(id, name, dob, gender), base);
        }
        // A change of any field does.
        for (id, name, dob, gender) in [
            ("001090012346", "Nguyễn Văn Hoà", "01/02/1990", "Nam"),
            ("001090012345", "Nguyễn Văn Hoa", "01/02/1990", "Nam"),
            ("001090012345", "Nguyễn Văn Hoà", "02/01/1990", "Nam"),
            ("001090012345", "Nguyễn Văn Hoà", "01/02/1990", "Nữ"),
            ("", "Nguyễn Văn Hoà", "01/02/1990", "Nam"),
        ] {
            assert_ne!(
                record_fingerprint(id, name, dob, gender),
                base,
                "{id} {name} {dob} {gender}"
            );
        }
    }
}
