//! The rows of results.csv and mismatches.csv for one participant.

use std::borrow::Cow;

use crate::input::schema::participant as col;
use crate::matching::{Outcome, Status};
use crate::normalize::Gender;
use crate::province::{ProvinceKey, ProvinceTable};
use crate::register::Register;
use crate::report::cell::safe;

pub(crate) const RESULTS_HEADER: [&str; 6] = [
    "insurance_code",
    "status",
    "person_id",
    "method",
    "score",
    "reasons",
];

/// Columns of mismatches.csv: the row as given and as in the register, side by side.
pub(crate) const MISMATCHES_HEADER: [&str; 31] = [
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
];

/// Index of `reasons` in each file, where the whole-file flags are added later.
pub(crate) const RESULTS_REASONS: usize = 5;
pub(crate) const MISMATCHES_REASONS: usize = 3;

/// A participant row's canonical fields as given (text as in the file).
pub(crate) struct Given<'a> {
    pub(crate) line: u64,
    pub(crate) fields: Vec<Cow<'a, str>>,
}

impl Given<'_> {
    pub(crate) fn get(&self, column: usize) -> &str {
        &self.fields[column]
    }
}

/// Writes `score` with two decimals into `out` (emptied first); nothing when there is none.
fn score_into(score: Option<f64>, out: &mut String) {
    out.clear();
    if let Some(v) = score {
        two_decimals_into(v, out);
    }
}

/// `format!("{v:.2}")` appended to `out`, byte for byte, without its exact-decimal machinery
/// in the usual case (a mismatches row writes seven scores, into reused buffers).
pub(crate) fn two_decimals_into(v: f64, out: &mut String) {
    use std::fmt::Write;
    let scaled = v.abs() * 100.0;
    // Below 10^9 the product is within 2^-53 × 10^9 ≈ 1.1e-7 of the exact v × 100, so unless
    // the exact value lies within that of a tie (a fraction of .5, where rounding rules
    // differ), rounding the product gives the digits the exact expansion gives.
    if scaled < 1e9 && ((scaled - scaled.floor()) - 0.5).abs() > 1e-6 {
        let cents = scaled.round() as u64;
        if v.is_sign_negative() {
            out.push('-');
        }
        out.push_str(itoa::Buffer::new().format(cents / 100));
        out.push('.');
        out.push(char::from(b'0' + (cents % 100 / 10) as u8));
        out.push(char::from(b'0' + (cents % 10) as u8));
    } else {
        write!(out, "{v:.2}").expect("writing to a String");
    }
}

/// results.csv's score: the linked, suggested or best candidate's, in bits. A NOT_FOUND row
/// names no one, so it shows none (mismatches.csv still explains the person it was compared
/// with).
fn result_score(outcome: &Outcome) -> Option<f64> {
    match outcome.status {
        Status::Synced | Status::Diff | Status::Suggested | Status::Ambiguous => outcome.score,
        Status::NotFound | Status::Rejected => None,
    }
}

/// A personal ID as auditors see it: whole, or with `--mask-ids` only its last 4 digits.
pub(crate) fn shown_id(id: &str, mask: bool) -> Cow<'_, str> {
    let chars = id.chars().count();
    if !mask || chars <= 4 {
        return Cow::Borrowed(id);
    }
    let mut shown: String = "*".repeat(chars - 4);
    shown.extend(id.chars().skip(chars - 4));
    Cow::Owned(shown)
}

/// Rows of results.csv and mismatches.csv written to memory, and the text buffers their
/// computed cells are formatted in. Why the buffers: every participant's row formats a
/// personal ID, a score and its reasons; a fresh string for each was ~5 % of the
/// participants' pass (perf, 10M).
pub(crate) struct RowWriter {
    pub(crate) results: csv::Writer<Vec<u8>>,
    pub(crate) mismatches: csv::Writer<Vec<u8>>,
    person: String,
    score: String,
    reasons: String,
    /// A mismatches row's computed cells (see [`RowWriter::write_mismatch`]).
    cells: [String; 12],
}

impl RowWriter {
    /// Writers with room for `bytes` of results.
    pub(crate) fn with_capacity(bytes: usize) -> RowWriter {
        RowWriter {
            results: csv::Writer::from_writer(Vec::with_capacity(bytes)),
            mismatches: csv::Writer::from_writer(Vec::new()),
            person: String::new(),
            score: String::new(),
            reasons: String::new(),
            cells: Default::default(),
        }
    }

    /// Writes the results.csv row.
    pub(crate) fn write_result(
        &mut self,
        given: &Given<'_>,
        outcome: &Outcome,
        register: &Register,
    ) -> csv::Result<()> {
        self.person.clear();
        if let Some(p) = outcome.person {
            register.write_person_id(p, &mut self.person);
        }
        score_into(result_score(outcome), &mut self.score);
        self.reasons.clear();
        (outcome.reasons)
            .write_to(&mut self.reasons)
            .expect("writing to a String");
        self.results.write_record([
            safe(given.get(col::INSURANCE_CODE).trim()).as_ref(),
            outcome.status.as_str(),
            &self.person,
            outcome.method.map(|m| m.as_str()).unwrap_or(""),
            &self.score,
            &self.reasons,
        ])
    }

    /// Writes the mismatches.csv row (every row that is not SYNCED), preceded by the row's
    /// index in the file, which the finalize pass uses and removes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write_mismatch(
        &mut self,
        row_index: u64,
        given: &Given<'_>,
        outcome: &Outcome,
        register: &Register,
        provinces: &ProvinceTable,
        province: ProvinceKey,
        detail: &str,
        mask_ids: bool,
    ) -> csv::Result<()> {
        use std::fmt::Write;
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
        score_into(outcome.score, &mut self.score);
        self.reasons.clear();
        (outcome.reasons)
            .write_to(&mut self.reasons)
            .expect("writing to a String");
        let gender_given = given.get(col::GENDER);
        let gender_given = match Gender::parse(gender_given) {
            Gender::Unknown => gender_given,
            known => known.as_str(),
        };
        let [name_weight, dob_weight, gender_weight, province_weight, id_weight, linked_weight] =
            weights;
        self.mismatches.write_record([
            itoa::Buffer::new().format(row_index),
            itoa::Buffer::new().format(given.line),
            &safe(given.get(col::INSURANCE_CODE).trim()),
            outcome.status.as_str(),
            &self.reasons,
            &self.score,
            outcome.method.map(|m| m.as_str()).unwrap_or(""),
            &safe(&shown_id(given.get(col::PERSON_ID).trim(), mask_ids)),
            &shown_id(person, mask_ids),
            &shown_id(compared_id, mask_ids),
            &safe(given.get(col::FULL_NAME)),
            &safe(name),
            &safe(given.get(col::DOB)),
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
            &safe(given.get(col::PROVINCE_CODE)),
            province_name,
            register_province,
            &safe(given.get(col::SCHEME)),
            &safe(detail),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_ids_show_their_last_four_digits() {
        assert_eq!(shown_id("001090012345", true), "********2345");
        assert_eq!(shown_id("001090012345", false), "001090012345");
        assert_eq!(shown_id("1234", true), "1234");
    }

    fn two_decimals(v: f64) -> String {
        let mut out = String::new();
        two_decimals_into(v, &mut out);
        out
    }

    #[test]
    fn two_decimals_writes_what_format_writes() {
        let mut rng = crate::rng::Rng::new(5);
        let mut values = vec![
            0.0,
            -0.0,
            0.005,
            0.015,
            0.125,
            0.375,
            1.005,
            2.675,
            -2.675,
            -0.001,
            0.994999,
            0.995,
            9.995,
            99.995,
            1e7 - 0.005,
            1e7 + 0.005,
            123456.785,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            1e300,
            -1e300,
        ];
        for _ in 0..200_000 {
            let bits = rng.below(1_000_000_000);
            // Scores in bits (±100), the odd large value, and exact cents with ties.
            values.push((bits as f64 / 1e7 - 50.0) * 2.0);
            values.push((bits as f64 - 5e8) / 1e3);
            values.push((bits % 100_000) as f64 / 1000.0 - 50.0);
        }
        for v in values {
            assert_eq!(two_decimals(v), format!("{v:.2}"), "{v:e}");
        }
    }
}
