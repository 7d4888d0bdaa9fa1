//! A participants file's record read and normalized: the one place a participant row becomes a
//! [`Participant`], for the participants' pass and for the weights' sample alike.

use crate::input::participant::ParticipantRow;
use crate::input::schema::PARTICIPANTS;
use crate::input::{Mapping, Record, Reject, Row};
use crate::normalize::date::DateOrder;
use crate::normalize::participant::Participant;
use crate::normalize::profile::{name_is_readable, Profile};
use crate::normalize::{IdFormat, ParsedId};
use crate::province::ProvinceTable;

/// What reading a participants record needs.
#[derive(Clone, Copy)]
pub(crate) struct ParticipantReader<'a> {
    pub(crate) mapping: &'a Mapping,
    pub(crate) id_format: IdFormat,
    pub(crate) provinces: &'a ProvinceTable,
    /// The file's delimiter, to show a rejected row's text as it was.
    pub(crate) delimiter: u8,
    /// How three-part dates are ordered.
    pub(crate) dates: DateOrder,
}

/// A participants record, read.
pub(crate) enum ReadRow<'a> {
    /// The row's fields, and the row normalized.
    Read(ParticipantRow<'a>, Participant),
    /// The row could not be read: its fields as far as they go, and the rejects.csv row.
    Rejected(ParticipantRow<'static>, Reject),
}

impl<'a> ParticipantReader<'a> {
    /// Reads the record that starts on line `line`.
    pub(crate) fn read<'r>(&self, record: Record<'r>, line: u64) -> ReadRow<'r>
    where
        'a: 'r,
    {
        let row = Row::new(line, record, self.mapping);
        match ParticipantRow::read(&row) {
            Ok(fields) => {
                let participant =
                    Participant::normalize(&fields, self.id_format, self.provinces, self.dates);
                ReadRow::Read(fields, participant)
            }
            Err(error) => ReadRow::Rejected(
                ParticipantRow::lossy(&row),
                Reject::new(PARTICIPANTS.role, &row, error, self.delimiter),
            ),
        }
    }
}

/// Counts a read row's values in the participants' profile: each canonical column as
/// normalization read it.
pub(crate) fn profile_row(profile: &mut Profile, row: &ParticipantRow<'_>, read: &Participant) {
    use crate::input::schema::participant as col;
    use crate::normalize::DateField;
    let name = row.get(col::FULL_NAME);
    profile.record_read(col::INSURANCE_CODE, row.get(col::INSURANCE_CODE), true);
    profile.record_read(col::FULL_NAME, name, name_is_readable(name));
    profile.record_read(
        col::DOB,
        row.get(col::DOB),
        matches!(read.dob, DateField::Known(_)),
    );
    profile.record_read(col::GENDER, row.get(col::GENDER), read.gender.is_known());
    profile.record_read(
        col::PERSON_ID,
        row.get(col::PERSON_ID),
        read.id != ParsedId::Malformed,
    );
    profile.record_read(
        col::PROVINCE_CODE,
        row.get(col::PROVINCE_CODE),
        read.province.is_some(),
    );
    profile.record_read(col::SCHEME, row.get(col::SCHEME), true);
}
