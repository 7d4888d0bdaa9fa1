//! A participants file's record read and normalized: the one place a participant row becomes a
//! [`Participant`], for the participants' pass and for the weights' sample alike.

use csv::ByteRecord;

use crate::input::participant::ParticipantRow;
use crate::input::schema::PARTICIPANTS;
use crate::input::{Mapping, Reject, Row};
use crate::normalize::participant::Participant;
use crate::normalize::IdFormat;
use crate::province::ProvinceTable;

/// What reading a participants record needs.
#[derive(Clone, Copy)]
pub(crate) struct ParticipantReader<'a> {
    pub(crate) mapping: &'a Mapping,
    pub(crate) id_format: IdFormat,
    pub(crate) provinces: &'a ProvinceTable,
    /// The file's delimiter, to show a rejected row's text as it was.
    pub(crate) delimiter: u8,
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
    pub(crate) fn read<'r>(&self, record: &'r ByteRecord, line: u64) -> ReadRow<'r>
    where
        'a: 'r,
    {
        let row = Row::new(line, record, self.mapping);
        match ParticipantRow::read(&row) {
            Ok(fields) => {
                let participant = Participant::normalize(&fields, self.id_format, self.provinces);
                ReadRow::Read(fields, participant)
            }
            Err(error) => ReadRow::Rejected(
                ParticipantRow::lossy(&row),
                Reject::new(PARTICIPANTS.role, &row, error, self.delimiter),
            ),
        }
    }
}
