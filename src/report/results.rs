//! results.csv: every participant row, in input order:
//! `insurance_code,status,person_id,method,score,reasons`.
//!
//! Written in two steps. While rows stream through the passes, [`ResultRows`] formats each
//! decided row in memory and the passes append them to a scratch file; a row left to the
//! search is written there as a NOT_FOUND placeholder, and the search pass writes its final
//! row to a scratch file of its own, in row order. The finalize pass then reads both
//! ([`FinalRecords`]): each placeholder gives way to its searched row, and the whole-file flags
//! are added ([`crate::report::finalize`]).

use std::fs::File;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::input::participant::ParticipantRow;
use crate::input::schema::participant as col;
use crate::matching::{Outcome, Status};
use crate::register::Register;
use crate::report::cell::safe;
use crate::report::format::score_into;
use crate::report::output::reopen;
use crate::report::raw::{push_record, RawRecords};

/// The columns of results.csv.
pub(crate) const HEADER: [&str; 6] = [
    "insurance_code",
    "status",
    "person_id",
    "method",
    "score",
    "reasons",
];

/// Where `reasons` is in a results.csv row: the whole-file flags are added to it.
pub(crate) const REASONS: usize = 5;

/// results.csv rows formatted in memory, and the text buffers their computed cells are
/// formatted in. Why the buffers: every participant's row formats a personal ID, a score and
/// its reasons, and a fresh string for each would be a measurable share of the pass.
pub(crate) struct ResultRows {
    rows: Vec<u8>,
    person: String,
    score: String,
    reasons: String,
}

impl ResultRows {
    /// Rows with room for `bytes` of text.
    pub(crate) fn with_capacity(bytes: usize) -> ResultRows {
        ResultRows {
            rows: Vec::with_capacity(bytes),
            person: String::new(),
            score: String::new(),
            reasons: String::new(),
        }
    }

    /// Appends the row of `outcome`.
    pub(crate) fn write(
        &mut self,
        row: &ParticipantRow<'_>,
        outcome: &Outcome,
        register: &Register,
    ) {
        self.person.clear();
        if let Some(p) = outcome.person {
            register.write_person_id(p, &mut self.person);
        }
        score_into(result_score(outcome), &mut self.score);
        self.reasons.clear();
        (outcome.reasons)
            .write_to(&mut self.reasons)
            .expect("writing to a String");
        push_record(
            &mut self.rows,
            [
                safe(row.get(col::INSURANCE_CODE).trim()).as_ref(),
                outcome.status.as_str(),
                &self.person,
                outcome.method.map(|m| m.as_str()).unwrap_or(""),
                &self.score,
                &self.reasons,
            ],
        );
    }

    /// The rows' text.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.rows
    }
}

/// results.csv's score: the linked, suggested or best candidate's, in bits. A NOT_FOUND row
/// names no one, so it shows none (mismatches.csv still explains the person it was compared
/// with).
fn result_score(outcome: &Outcome) -> Option<f64> {
    match outcome.status {
        Status::Synced | Status::Diff | Status::Suggested | Status::Ambiguous => outcome.score(),
        Status::NotFound | Status::Rejected => None,
    }
}

/// The final record of every row, in row order: the participants' pass's record, or, for a row
/// left to the search, the searched record that replaces its placeholder.
pub(crate) struct FinalRecords<'a> {
    first_pass: RawRecords<File>,
    searched: RawRecords<File>,
    searched_rows: std::iter::Peekable<std::slice::Iter<'a, u64>>,
    placeholder: Vec<u8>,
    row: usize,
}

impl<'a> FinalRecords<'a> {
    /// `first_pass`: every row's record, placeholders included; `searched`: the searched rows'
    /// records, one for each row index in `searched_rows` (ascending).
    pub(crate) fn new(
        first_pass: &NamedTempFile,
        searched: &NamedTempFile,
        searched_rows: &'a [u64],
    ) -> Result<FinalRecords<'a>> {
        Ok(FinalRecords {
            first_pass: RawRecords::new(reopen(first_pass)?),
            searched: RawRecords::new(reopen(searched)?),
            searched_rows: searched_rows.iter().peekable(),
            placeholder: Vec::new(),
            row: 0,
        })
    }

    /// Reads the next row's final record into `record`; its row index, or `None` at the end.
    pub(crate) fn next(&mut self, record: &mut Vec<u8>) -> Result<Option<usize>> {
        let row = self.row;
        let scratch =
            |e: std::io::Error| Error::other(format!("rewriting an intermediate file: {e}"));
        if self
            .searched_rows
            .next_if(|&&i| i as usize == row)
            .is_some()
        {
            if !self
                .first_pass
                .read(&mut self.placeholder)
                .map_err(scratch)?
            {
                return Err(Error::other("internal error: a placeholder row is missing"));
            }
            if !self.searched.read(record).map_err(scratch)? {
                return Err(Error::other(
                    "internal error: a searched row was not written",
                ));
            }
        } else if !self.first_pass.read(record).map_err(scratch)? {
            if self.searched_rows.next().is_some() {
                return Err(Error::other(
                    "internal error: a searched row has no placeholder",
                ));
            }
            return Ok(None);
        }
        self.row += 1;
        Ok(Some(row))
    }
}
