//! The output of a run of consecutive participant rows, formatted in memory by one task: their
//! results.csv and mismatches.csv rows, and their counts. The passes append the text to the
//! scratch files in row order and merge the counts, so neither depends on the thread count.

use crate::input::participant::ParticipantRow;
use crate::input::schema::participant as col;
use crate::matching::reason::Method;
use crate::matching::{Outcome, ReasonSet, Status};
use crate::province::ProvinceKey;
use crate::report::cell::shown_id;
use crate::report::mismatches::{MismatchRows, RowContext};
use crate::report::results::ResultRows;
use crate::report::stats::{ExampleRow, Stats};

/// A task's rows as text, and their counts.
pub(crate) struct FinishedRows {
    /// results.csv rows.
    pub(crate) results: Vec<u8>,
    /// mismatches.csv rows, each led by its row index.
    pub(crate) mismatches: Vec<u8>,
    pub(crate) stats: Stats,
}

/// Rows formatted in memory, and their counts.
pub(crate) struct FormattedRows {
    results: ResultRows,
    mismatches: MismatchRows,
    stats: Stats,
}

impl FormattedRows {
    /// Room for about `rows` rows.
    pub(crate) fn with_capacity(rows: usize) -> FormattedRows {
        FormattedRows {
            results: ResultRows::with_capacity(rows * 64),
            mismatches: MismatchRows::new(),
            stats: Stats::default(),
        }
    }

    /// A decided row (row `index` of the file): counted, its results.csv row, and its
    /// mismatches.csv row when it is not SYNCED. `detail` says why a REJECTED row could not be
    /// read. Returns the row's province, which the link log keeps.
    pub(crate) fn decided(
        &mut self,
        context: &RowContext<'_>,
        index: u64,
        row: &ParticipantRow<'_>,
        outcome: &Outcome,
        detail: &str,
    ) -> ProvinceKey {
        let province = context.provinces.classify(row.get(col::PROVINCE_CODE));
        let stats = &mut self.stats;
        stats.record_capped(outcome.capped_blocks);
        stats.keep_example(
            || ExampleRow {
                status: outcome.status.as_str(),
                line: row.line,
                insurance_code: row.get(col::INSURANCE_CODE).trim().to_string(),
                name: row.get(col::FULL_NAME).to_string(),
                reasons: outcome.reasons.to_string(),
                person_id: shown_id(
                    &outcome
                        .person
                        .map(|p| context.register.person_id(p))
                        .unwrap_or_default(),
                    context.mask_ids,
                )
                .into_owned(),
            },
            outcome.status,
        );
        stats.record(
            outcome.status,
            outcome.reasons,
            province,
            row.get(col::SCHEME).trim(),
        );
        stats.reviewed += u64::from(outcome.method == Some(Method::Reviewed));
        self.results.write(row, outcome, context.register);
        if outcome.status != Status::Synced {
            self.mismatches
                .write(context, index, row, outcome, province, detail);
        }
        province
    }

    /// A row left to the search: a NOT_FOUND placeholder with the ID's reasons holds its place
    /// in results.csv until the search pass's row replaces it (see
    /// [`crate::report::results`]); it is counted then. Returns the row's province, which the
    /// link log keeps.
    pub(crate) fn placeholder(
        &mut self,
        context: &RowContext<'_>,
        row: &ParticipantRow<'_>,
        id_reasons: ReasonSet,
    ) -> ProvinceKey {
        let placeholder = Outcome::not_found(id_reasons);
        self.results.write(row, &placeholder, context.register);
        context.provinces.classify(row.get(col::PROVINCE_CODE))
    }

    /// The rows' text and counts.
    pub(crate) fn finish(self) -> FinishedRows {
        FinishedRows {
            results: self.results.into_bytes(),
            mismatches: self.mismatches.into_bytes(),
            stats: self.stats,
        }
    }
}
