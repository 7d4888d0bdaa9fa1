//! Rows the ID path leaves to the candidate search.
//!
//! The search runs only once every ID link is known, because "this person is already linked to
//! another code" is evidence ([`crate::matching::weights::LinkedElsewhere`]). Until then a row
//! waits as a [`DeferredRow`]: its fields as given (for its output rows), its normalized form
//! (so it is normalized once), and what the ID path found. About one row in twelve on typical
//! data, held in memory until every row is read: the row is compact (its texts and its name's
//! two forms in one allocation, ~180 bytes beside them).

use rayon::prelude::*;

use crate::input::participant::{PackedRow, ParticipantRow};
use crate::input::schema::participant as col;
use crate::matching::compare::{FoldedName, NameBuffers};
use crate::matching::decide::search_for;
use crate::matching::id_evidence::IdTally;
use crate::matching::model::Model;
use crate::matching::outcome::{Outcome, PendingSearch};
use crate::matching::reason::Reason;
use crate::normalize::date::DateField;
use crate::normalize::participant::{row_fingerprint, Participant};
use crate::normalize::{Gender, NameForms, ParsedId};
use crate::province::Place;
use crate::register::namesakes::{name_key, NameKeys, Namesakes};
use crate::register::{PersonIdx, Register};

/// A row left to the search.
pub(crate) struct DeferredRow {
    /// The row's index in the participants file (0 for the first row).
    pub(crate) index: u64,
    /// The row's fields, with its name's canonical and folded forms as the extra texts.
    row: PackedRow,
    id: ParsedId,
    dob: DateField,
    gender: Gender,
    province: Option<Place>,
    pending: PendingSearch,
}

impl DeferredRow {
    /// Row `index` of the file, with its fields, its normalized form and what the ID path found.
    pub(crate) fn new(
        index: u64,
        row: &ParticipantRow<'_>,
        participant: Participant,
        pending: PendingSearch,
    ) -> DeferredRow {
        let Participant {
            id,
            name,
            dob,
            gender,
            province,
        } = participant;
        DeferredRow {
            index,
            row: row.pack([&name.canonical, &name.folded]),
            id,
            dob,
            gender,
            province,
            pending,
        }
    }

    /// The row's fields as given.
    pub(crate) fn row(&self) -> ParticipantRow<'_> {
        self.row.unpack()
    }

    /// The row's normalized form, as the participants' pass made it.
    pub(crate) fn participant(&self) -> Participant {
        Participant {
            id: self.id.clone(),
            name: NameForms {
                canonical: self.row.extra(0).to_string(),
                folded: self.row.extra(1).to_string(),
            },
            dob: self.dob,
            gender: self.gender,
            province: self.province,
        }
    }

    /// The person the row's ID names, when that is someone else.
    fn named(&self) -> Option<PersonIdx> {
        self.pending.other.map(|o| o.0)
    }

    /// The candidate search and its decision, without the persons a reviewer rejected for the
    /// row.
    pub(crate) fn search(&self, model: &Model<'_>, buffers: &mut NameBuffers) -> Outcome {
        let rejected = match model.review {
            Some(review) if self.pending.id_reasons.contains(Reason::ReviewRejected) => {
                let row = self.row();
                review.rejected(row.get(col::INSURANCE_CODE), row_fingerprint(&row))
            }
            _ => Vec::new(),
        };
        search_for(
            &self.participant(),
            &self.pending,
            &rejected,
            model,
            buffers,
        )
    }
}

/// The rows left to the search, in row order, in one vector: reserved once the first chunk
/// tells how many rows to expect ([`DeferredRows::reserve`]), so that it is not grown by
/// doubling (each doubling copies every row so far), and returned to the system as a whole
/// once the search is done.
#[derive(Default)]
pub(crate) struct DeferredRows {
    rows: Vec<DeferredRow>,
}

impl DeferredRows {
    /// Makes room for `rows` more.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows);
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Appends a task's rows (which follow every row already here).
    pub(crate) fn append(&mut self, rows: Vec<DeferredRow>) {
        self.rows.extend(rows);
    }

    /// Every row, in row order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &DeferredRow> {
        self.rows.iter()
    }

    /// Every row, in row order.
    pub(crate) fn as_slice(&self) -> &[DeferredRow] {
        &self.rows
    }

    /// The persons the search reaches by whole name alone ([`Namesakes`]): those of the
    /// register without a date, and every namesake of a row without one, in any reading of
    /// its name, unless more than `most` (the block cap) have it.
    pub(crate) fn namesakes(&self, register: &Register, most: usize) -> Namesakes {
        let syllables = &register.syllables;
        let wanted: NameKeys = (self.rows.par_iter())
            .filter(|d| d.dob.known().is_none())
            .flat_map_iter(|d| {
                let name = FoldedName::of(&d.participant().name, syllables);
                let readings = name.map(|name| name.readings(syllables));
                readings.into_iter().flatten().map(|parts| name_key(&parts))
            })
            .collect();
        Namesakes::find(register, &wanted, most)
    }

    /// The ID evidence's counts over up to [`TALLIED_ROWS`] of the rows, evenly spaced over
    /// the file.
    pub(crate) fn tally(&self, model: &Model<'_>) -> IdTally {
        let step = self.rows.len().div_ceil(TALLIED_ROWS).max(1);
        IdTally::of_searched(
            (self.rows.par_iter().step_by(step)).map(|d| (d.participant(), d.named())),
            model,
        )
    }
}

/// Rows of the search read for the ID evidence, at most, evenly spaced over the file: the
/// weights' sample holds too few rows of some kinds of ID.
const TALLIED_ROWS: usize = 400_000;
