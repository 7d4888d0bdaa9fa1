//! duplicates.csv: each register person linked from more than one insurance code, one row per
//! code that links to them (its insurance code and status), by person.

use crate::error::{Error, Result};
use crate::register::{PersonIdx, Register};
use crate::report::cell::{safe, shown_id};
use crate::report::links::Flags;
use crate::report::output::{finish_csv, FinishedFile, OutputDir};

/// The columns of duplicates.csv.
const HEADER: [&str; 6] = [
    "person_id",
    "name_register",
    "dob_register",
    "linked_codes",
    "insurance_code",
    "status",
];

/// The rows of duplicates.csv, gathered as the final results go by.
#[derive(Default)]
pub(crate) struct DuplicateRows {
    /// (person, row index, insurance code and status as written in results.csv).
    rows: Vec<(PersonIdx, u64, String, String)>,
}

impl DuplicateRows {
    /// Row `row`, whose insurance code and status are as given, links to `person`, whom other
    /// codes link to as well.
    pub(crate) fn add(&mut self, person: PersonIdx, row: u64, code: String, status: String) {
        self.rows.push((person, row, code, status));
    }

    /// Writes duplicates.csv, by person and then by row.
    pub(crate) fn write(
        mut self,
        out: &OutputDir,
        excel: bool,
        mask_ids: bool,
        register: &Register,
        flags: &Flags,
    ) -> Result<FinishedFile> {
        self.rows.sort_by_key(|d| (d.0, d.1));
        let mut w = csv::Writer::from_writer(out.create_csv("duplicates.csv", excel, &HEADER)?);
        let mut name = String::new();
        for (person, row, code, status) in &self.rows {
            register.written_name(*person, &mut name);
            let dob = register
                .dob(*person)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let count = flags.codes_per_person[*row as usize].to_string();
            w.write_record([
                shown_id(&register.person_id(*person), mask_ids).as_ref(),
                &safe(&name),
                &dob,
                &count,
                code,
                status,
            ])
            .map_err(|e| Error::other(format!("writing output: {e}")))?;
        }
        finish_csv(w)
    }
}
