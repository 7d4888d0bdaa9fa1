//! A participant row as given: its canonical fields' text, read from a CSV record through the
//! column mapping, and the packed copy a row keeps while it waits for the search.

use std::borrow::Cow;

use crate::input::schema::{participant as col, PARTICIPANTS};
use crate::input::{FieldError, Row};

/// How many canonical participant columns there are.
const FIELDS: usize = 7;
const _: () = assert!(PARTICIPANTS.columns.len() == FIELDS);

/// How many texts a packed row keeps beside its fields (see [`ParticipantRow::pack`]).
pub(crate) const EXTRA_TEXTS: usize = 2;

/// A participant row's canonical fields as given (text as in the file), in the order of
/// [`PARTICIPANTS`], and the line the row starts on.
pub(crate) struct ParticipantRow<'a> {
    pub(crate) line: u64,
    /// In an array, not a vector: a row's fields are a fixed set, and collecting them into a
    /// vector through `Result` grew it twice per row.
    pub(crate) fields: [Cow<'a, str>; FIELDS],
}

impl<'a> ParticipantRow<'a> {
    /// Reads a row's canonical fields; a row that is ragged, has invalid UTF-8 in a field
    /// popsync reads, or has no insurance code cannot be read.
    pub(crate) fn read(row: &Row<'a>) -> Result<ParticipantRow<'a>, FieldError> {
        row.check_width()?;
        let mut fields: [Cow<'a, str>; FIELDS] = Default::default();
        for (c, field) in fields.iter_mut().enumerate() {
            *field = row.field(c)?;
        }
        if fields[col::INSURANCE_CODE].trim().is_empty() {
            return Err(FieldError {
                column: Some("insurance_code"),
                message: "insurance_code is empty".into(),
            });
        }
        Ok(ParticipantRow {
            line: row.line,
            fields,
        })
    }

    /// The fields of a row that could not be read, as far as they go (lossily), for its
    /// REJECTED rows in the outputs.
    pub(crate) fn lossy(row: &Row<'_>) -> ParticipantRow<'static> {
        ParticipantRow {
            line: row.line,
            fields: std::array::from_fn(|c| row.field_lossy(c).into()),
        }
    }

    /// The text of canonical column `column` (see [`col`]).
    pub(crate) fn get(&self, column: usize) -> &str {
        &self.fields[column]
    }

    /// The row's fields packed into one string with their ends, followed by `extra` texts the
    /// caller keeps with the row: what a row keeps while it waits for the search, after the
    /// chunk it came from is reused. One string rather than one per field: a row left to the
    /// search is held until every ID link is known, and a string per field would take twice
    /// the memory (gigabytes at 100M rows).
    pub(crate) fn pack(&self, extra: [&str; EXTRA_TEXTS]) -> PackedRow {
        let texts = self.fields.iter().map(|f| f.as_ref()).chain(extra);
        let mut text = String::with_capacity(texts.clone().map(str::len).sum());
        let mut ends = [0u32; FIELDS + EXTRA_TEXTS];
        for (end, field) in ends.iter_mut().zip(texts) {
            text.push_str(field);
            *end = text.len() as u32;
        }
        PackedRow {
            line: self.line,
            text: text.into_boxed_str(),
            ends,
        }
    }
}

/// A [`ParticipantRow`], owned and packed with its extra texts (see [`ParticipantRow::pack`]).
pub(crate) struct PackedRow {
    line: u64,
    text: Box<str>,
    ends: [u32; FIELDS + EXTRA_TEXTS],
}

impl PackedRow {
    /// Text `i` of the packed ones: the fields, then the extra texts.
    fn text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The row's fields, borrowed from the packed text.
    pub(crate) fn unpack(&self) -> ParticipantRow<'_> {
        ParticipantRow {
            line: self.line,
            fields: std::array::from_fn(|i| Cow::Borrowed(self.text(i))),
        }
    }

    /// Extra text `i` (below [`EXTRA_TEXTS`]), as given to [`ParticipantRow::pack`].
    pub(crate) fn extra(&self, i: usize) -> &str {
        self.text(FIELDS + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::chunk_of;
    use crate::input::Mapping;

    #[test]
    fn a_packed_row_unpacks_to_the_same_fields() {
        let mapping = Mapping::identity(PARTICIPANTS.columns.iter().map(|c| c.name).collect());
        let chunk = chunk_of(&csv::ByteRecord::from(vec![
            "0123456789",
            "Nguyễn Thị Hoà",
            "",
            "Nữ",
            "001190054321",
            "01",
            "health",
        ]));
        let row = ParticipantRow::read(&Row::new(7, chunk.record(0), &mapping)).unwrap();
        let packed = row.pack(["nguyễn thị hòa", "nguyen thi hoa"]);
        let again = packed.unpack();
        assert_eq!(again.line, 7);
        assert_eq!(again.fields, row.fields);
        assert_eq!(again.get(col::FULL_NAME), "Nguyễn Thị Hoà");
        assert_eq!(again.get(col::DOB), "");
        assert_eq!(packed.extra(0), "nguyễn thị hòa");
        assert_eq!(packed.extra(1), "nguyen thi hoa");
    }

    #[test]
    fn a_row_without_an_insurance_code_cannot_be_read() {
        let mapping = Mapping::identity(PARTICIPANTS.columns.iter().map(|c| c.name).collect());
        let chunk = chunk_of(&csv::ByteRecord::from(vec![
            " ", "An", "1990", "", "", "", "",
        ]));
        let error = ParticipantRow::read(&Row::new(2, chunk.record(0), &mapping))
            .err()
            .unwrap();
        assert_eq!(error.column, Some("insurance_code"));
    }
}
