//! mismatches.csv: every row that is not SYNCED, side by side with the register for an auditor.
//!
//! Written in two steps, as results.csv is: the passes format each row in memory
//! ([`MismatchRows`]) led by its row index, and append them to scratch files (one for the
//! participants' pass, one for the search pass, each in row order); the finalize pass merges
//! the two by row index, drops the index and adds the whole-file flags ([`write_final`]).

use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::input::participant::ParticipantRow;
use crate::input::schema::participant as col;
use crate::matching::{Outcome, Status};
use crate::normalize::Gender;
use crate::province::{ProvinceKey, ProvinceTable};
use crate::register::Register;
use crate::report::cell::{safe, shown_id};
use crate::report::format::{score_into, two_decimals_into};
use crate::report::links::{Flags, OpenRow};
use crate::report::output::{reopen, FinishedFile, OutputDir};
use crate::report::raw::{self, push_record, write_flagged, RawRecords};

/// Columns of mismatches.csv: the row as given and as in the register, side by side.
pub(crate) const HEADER: [&str; 32] = [
    "line",
    "insurance_code",
    "status",
    "reasons",
    "score",
    "method",
    "id_given",
    "person_id",
    "compared_person_id",
    "name_given",
    "name_register",
    "dob_given",
    "dob_register",
    "gender_given",
    "gender_register",
    "name_level",
    "dob_level",
    "gender_level",
    "province_level",
    "name_weight",
    "dob_weight",
    "gender_weight",
    "province_weight",
    "id_weight",
    "linked_weight",
    "candidates",
    "province_code",
    "province",
    "province_register",
    "scheme",
    "detail",
    // Last, so that every other column keeps its place: the current province the row is
    // counted under (see `province`), a code to filter a province's rows on.
    "current_province_code",
];

/// Where `status` is in a mismatches.csv row.
const STATUS: usize = 2;

/// Where `reasons` is in a mismatches.csv row: the whole-file flags are added to it.
pub(crate) const REASONS: usize = 3;

/// What formatting a mismatches row reads besides the row and its outcome.
#[derive(Clone, Copy)]
pub(crate) struct RowContext<'a> {
    pub(crate) register: &'a Register,
    pub(crate) provinces: &'a ProvinceTable,
    /// Personal IDs by their last 4 digits (`--mask-ids`).
    pub(crate) mask_ids: bool,
}

/// mismatches.csv rows formatted in memory, each led by its row index, and the text buffers
/// their computed cells are formatted in (reused from row to row).
pub(crate) struct MismatchRows {
    rows: Vec<u8>,
    score: String,
    reasons: String,
    cells: [String; 12],
}

impl MismatchRows {
    pub(crate) fn new() -> MismatchRows {
        MismatchRows {
            rows: Vec::new(),
            score: String::new(),
            reasons: String::new(),
            cells: Default::default(),
        }
    }

    /// Appends the row of `outcome` (a row that is not SYNCED), preceded by the row's index in
    /// the file, which the finalize pass uses and removes. `province` is the row's managing
    /// province, `detail` why a REJECTED row could not be read.
    pub(crate) fn write(
        &mut self,
        context: &RowContext<'_>,
        row_index: u64,
        row: &ParticipantRow<'_>,
        outcome: &Outcome,
        province: ProvinceKey,
        detail: &str,
    ) {
        use std::fmt::Write;
        let RowContext {
            register,
            provinces,
            mask_ids,
        } = *context;
        debug_assert!(outcome.status != Status::Synced);
        let cells = &mut self.cells;
        cells.iter_mut().for_each(String::clear);
        let [person, compared_id, name, dob, candidates, province_name, weights @ ..] = cells;
        if let Some(p) = outcome.person {
            register.write_person_id(p, person);
        }
        let mut gender = "";
        if let Some(p) = outcome.compared {
            register.write_person_id(p, compared_id);
            register.written_name(p, name);
            if let Some(d) = register.dob(p) {
                write!(dob, "{d}").expect("writing to a String");
            }
            gender = register.gender(p).as_str();
        }
        let register_province = outcome
            .compared
            .and_then(|p| register.province(p))
            .and_then(|c| provinces.current.get(c as usize))
            .map_or("", |c| c.name.as_str());
        let levels = outcome
            .comparison
            .map(|c| {
                [
                    c.name.as_str(),
                    c.dob.as_str(),
                    c.gender.as_str(),
                    c.province.as_str(),
                ]
            })
            .unwrap_or([""; 4]);
        let current_code = provinces
            .current_of(province)
            .map_or("", |c| provinces.current[c].code.as_str());
        if let Some(c) = provinces.current_of(province) {
            let current = &provinces.current[c];
            province_name.push_str(&current.name);
            if let ProvinceKey::Former(_) = province {
                write!(province_name, " ({})", provinces.name_of(province))
                    .expect("writing to a String");
            }
        }
        if let Some(w) = outcome.scores {
            let values = [w.name, w.dob, w.gender, w.province, w.id, w.linked];
            for (text, v) in weights.iter_mut().zip(values) {
                two_decimals_into(v, text);
            }
        }
        let mut id = String::new();
        for (i, &(p, score)) in outcome.candidates.iter().enumerate() {
            if i > 0 {
                candidates.push(' ');
            }
            id.clear();
            register.write_person_id(p, &mut id);
            candidates.push_str(&shown_id(&id, mask_ids));
            candidates.push(':');
            two_decimals_into(score, candidates);
        }
        score_into(outcome.score(), &mut self.score);
        self.reasons.clear();
        (outcome.reasons)
            .write_to(&mut self.reasons)
            .expect("writing to a String");
        let gender_given = row.get(col::GENDER);
        let gender_given = match Gender::parse(gender_given) {
            Gender::Unknown => gender_given,
            known => known.as_str(),
        };
        let [name_weight, dob_weight, gender_weight, province_weight, id_weight, linked_weight] =
            weights;
        push_record(
            &mut self.rows,
            [
                itoa::Buffer::new().format(row_index),
                itoa::Buffer::new().format(row.line),
                &safe(row.get(col::INSURANCE_CODE).trim()),
                outcome.status.as_str(),
                &self.reasons,
                &self.score,
                outcome.method.map(|m| m.as_str()).unwrap_or(""),
                &safe(&shown_id(row.get(col::PERSON_ID).trim(), mask_ids)),
                &shown_id(person, mask_ids),
                &shown_id(compared_id, mask_ids),
                &safe(row.get(col::FULL_NAME)),
                &safe(name),
                &safe(row.get(col::DOB)),
                dob,
                &safe(gender_given),
                gender,
                levels[0],
                levels[1],
                levels[2],
                levels[3],
                name_weight,
                dob_weight,
                gender_weight,
                province_weight,
                id_weight,
                linked_weight,
                candidates,
                &safe(row.get(col::PROVINCE_CODE)),
                province_name,
                register_province,
                &safe(row.get(col::SCHEME)),
                &safe(detail),
                current_code,
            ],
        );
    }

    /// The rows' text.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.rows
    }
}

/// A scratch row's leading row index, and where the row itself starts.
fn row_index(record: &[u8]) -> Result<(usize, usize)> {
    raw::field_span(record, 0)
        .and_then(|span| {
            let index = std::str::from_utf8(&record[span.clone()])
                .ok()?
                .parse()
                .ok()?;
            Some((index, span.end + 1))
        })
        .ok_or_else(|| Error::other("internal error: mismatch row without its index"))
}

/// Writes mismatches.csv: the participants' pass's rows (`first_pass`) and the searched rows
/// (`searched`), merged by row index, each without its index and with its row's flags. With
/// the rows' insurance code keys (`keys`), also returns each row's [`OpenRow`], for the
/// history.
pub(crate) fn write_final(
    out: &OutputDir,
    excel: bool,
    first_pass: &NamedTempFile,
    searched: &NamedTempFile,
    flags: &Flags,
    keys: Option<&[u128]>,
) -> Result<(FinishedFile, Vec<OpenRow>)> {
    let scratch = |e: std::io::Error| Error::other(format!("rewriting an intermediate file: {e}"));
    let mut mismatches = out.create_csv("mismatches.csv", excel, &HEADER)?;
    let mut open = Vec::new();
    let mut write = |record: &[u8]| -> Result<()> {
        let (row, from) = row_index(record)?;
        if let Some(keys) = keys {
            let status = std::str::from_utf8(&raw::field(&record[from..], STATUS))
                .ok()
                .and_then(Status::parse)
                .ok_or_else(|| Error::other("internal error: mismatch row without its status"))?;
            open.push(OpenRow::new(keys[row], status));
        }
        write_flagged(&mut mismatches, &record[from..], REASONS, flags.of(row))
            .map_err(|e| Error::io(mismatches.path(), e))
    };
    let mut searched = RawRecords::new(reopen(searched)?);
    let (mut record, mut pending) = (Vec::new(), Vec::new());
    let mut has_pending = searched.read(&mut pending).map_err(scratch)?;
    let mut first_pass = RawRecords::new(reopen(first_pass)?);
    while first_pass.read(&mut record).map_err(scratch)? {
        let (row, _) = row_index(&record)?;
        while has_pending && row_index(&pending)?.0 < row {
            write(&pending)?;
            has_pending = searched.read(&mut pending).map_err(scratch)?;
        }
        write(&record)?;
    }
    while has_pending {
        write(&pending)?;
        has_pending = searched.read(&mut pending).map_err(scratch)?;
    }
    Ok((mismatches.finish()?, open))
}
