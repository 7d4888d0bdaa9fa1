//! Reviewers' decisions: a decisions file read and checked, imported into the history in one
//! transaction, and the decisions in force read back for a night.
//!
//! A decisions file is a CSV file with the columns `insurance_code,person_id,decision,reviewer,
//! note` (any order; `note` may be left out), or a mismatch workbook whose decision columns
//! were filled in. A row whose decision is empty is not a decision and is passed over. Any
//! other problem of the file (a column unknown or missing, a decision that is neither
//! `confirm` nor `reject`, a decision without its code, person or reviewer) is an error naming
//! the file, line and column, and nothing is imported.
//!
//! Each decision is then checked against the last published night's mismatch list, the list
//! the reviewer worked from: its code must be listed, and its person one the list showed for
//! it (linked, suggested, compared or a candidate). A decision that is not is refused, with
//! its line and why; the others are imported, with who and when, the night they were decided
//! on and the fingerprint of the record then ([`record_fingerprint`]). Decisions are never
//! changed or erased: a later one about the same code and person supersedes an earlier one,
//! and a code's later confirmation supersedes its earlier ones.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::params;

use crate::error::{Error, ErrorKind, Result};
use crate::history::store::History;
use crate::matching::review::Verdict;
use crate::normalize::participant::record_fingerprint;
use crate::report::language::Language;

/// The columns of a decisions file, and whether each is required.
pub(crate) const COLUMNS: [(&str, bool); 5] = [
    ("insurance_code", true),
    ("person_id", true),
    ("decision", true),
    ("reviewer", true),
    ("note", false),
];

/// One decision as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecisionRow {
    /// Its line in the file (its row, in a workbook's sheet).
    pub(crate) line: u64,
    pub(crate) insurance_code: String,
    pub(crate) person_id: String,
    pub(crate) verdict: Verdict,
    pub(crate) reviewer: String,
    pub(crate) note: String,
}

/// A decisions file's rows as text, before they are checked: each with its line.
pub(crate) struct RawDecisions {
    /// The file's column names, as given.
    pub(crate) header: Vec<String>,
    /// The line of the header (1 in a CSV file).
    pub(crate) header_line: u64,
    pub(crate) rows: Vec<(u64, Vec<String>)>,
}

/// A decision in force, as the history holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InForce {
    pub(crate) insurance_code: String,
    /// The person's ID as the list showed it.
    pub(crate) person_id: String,
    pub(crate) verdict: Verdict,
    /// The fingerprint of the record decided on.
    pub(crate) record: u64,
}

/// What an import did.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub(crate) confirmed: usize,
    pub(crate) rejected: usize,
    /// Decisions refused: the line, and why.
    pub(crate) refused: Vec<(u64, &'static str)>,
    /// Rows without a decision, passed over.
    pub(crate) undecided: usize,
    /// When the night decided on started.
    pub(crate) night: String,
}

/// The text of a cell as a person typed it: no surrounding space, and no leading apostrophe
/// (mismatches.csv's guard against formulas, or a spreadsheet's "this is text" mark).
fn plain(cell: &str) -> &str {
    cell.trim().trim_start_matches('\'').trim()
}

/// A personal ID as the list shows it: without spaces, dots and dashes.
fn id_text(cell: &str) -> String {
    plain(cell)
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect()
}

/// Reads the verdict of a `decision` cell; `Ok(None)` when it is empty.
fn verdict(cell: &str) -> std::result::Result<Option<Verdict>, ()> {
    let folded = crate::normalize::name::folded(plain(cell));
    match folded.as_str() {
        "" => Ok(None),
        "confirm" | "xac nhan" | "dong y" => Ok(Some(Verdict::Confirm)),
        "reject" | "tu choi" | "bac bo" => Ok(Some(Verdict::Reject)),
        _ => Err(()),
    }
}

impl Verdict {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Confirm => "confirm",
            Verdict::Reject => "reject",
        }
    }
}

/// Checks a decisions file's rows (`file` names it in errors): every column known, the
/// required ones there, every decision readable and complete.
pub(crate) fn check(file: &Path, raw: RawDecisions) -> Result<(Vec<DecisionRow>, usize)> {
    let error = |line: u64, column: Option<&str>, message: String| -> Error {
        ErrorKind::Input {
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_string),
            message,
        }
        .into()
    };
    let expected = || {
        COLUMNS
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (i, name) in raw.header.iter().enumerate() {
        let name = name.trim();
        let Some(&(known, _)) = COLUMNS.iter().find(|(c, _)| *c == name) else {
            return Err(error(
                raw.header_line,
                Some(name),
                format!(
                    "not a column of a decisions file (its columns: {})",
                    expected()
                ),
            ));
        };
        if at.insert(known, i).is_some() {
            return Err(error(
                raw.header_line,
                Some(known),
                "the column is named twice".into(),
            ));
        }
    }
    for (column, required) in COLUMNS {
        if required && !at.contains_key(column) {
            return Err(error(
                raw.header_line,
                Some(column),
                format!(
                    "the required column is missing (a decisions file's columns: {})",
                    expected()
                ),
            ));
        }
    }
    let mut decisions = Vec::new();
    let mut undecided = 0;
    for (line, cells) in raw.rows {
        let cell = |column: &str| {
            at.get(column)
                .and_then(|&i| cells.get(i))
                .map_or("", String::as_str)
        };
        let verdict = verdict(cell("decision")).map_err(|()| {
            error(
                line,
                Some("decision"),
                "a decision is `confirm` or `reject` (xác nhận, từ chối), or empty for none".into(),
            )
        })?;
        let Some(verdict) = verdict else {
            undecided += 1;
            continue;
        };
        for column in ["insurance_code", "person_id", "reviewer"] {
            if plain(cell(column)).is_empty() {
                return Err(error(
                    line,
                    Some(column),
                    format!("a decision needs its {}", column.replace('_', " ")),
                ));
            }
        }
        decisions.push(DecisionRow {
            line,
            insurance_code: plain(cell("insurance_code")).to_string(),
            person_id: id_text(cell("person_id")),
            verdict,
            reviewer: plain(cell("reviewer")).to_string(),
            note: cell("note").trim().to_string(),
        });
    }
    Ok((decisions, undecided))
}

/// The largest decisions file read: a CSV file is read whole, and a workbook's sheets are
/// unpacked into memory, so a path naming a huge file by mistake is an error, not a run out of
/// memory. Far more than the decisions of a review: a province's workbook of a national night
/// is tens of megabytes.
const CSV_LIMIT: u64 = 256 << 20;
const WORKBOOK_LIMIT: u64 = 128 << 20;

/// Reads a decisions file: a workbook (an .xlsx file, told by its content) or a CSV file; a
/// regular file within its size limit.
pub(crate) fn read_decisions(file: &Path) -> Result<RawDecisions> {
    let metadata = std::fs::metadata(file).map_err(|e| Error::io(file, e))?;
    if !metadata.is_file() {
        return Err(Error::config(
            file,
            "is not a regular file: give the decisions file itself",
        ));
    }
    let mut start = [0u8; 4];
    let is_zip = std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut start))
        .is_ok()
        && start == *b"PK\x03\x04";
    let limit = if is_zip { WORKBOOK_LIMIT } else { CSV_LIMIT };
    if metadata.len() > limit {
        return Err(Error::config(
            file,
            format!(
                "is larger than {} MiB, the most a decisions file may hold: import the decided \
                 rows as a CSV file, or a province's workbook",
                limit >> 20
            ),
        ));
    }
    if is_zip {
        read_workbook(file)
    } else {
        read_csv(file)
    }
}

/// Reads the decision columns of a mismatch workbook (mismatches.xlsx or a province's), from
/// every sheet: its headers in either language, a row's line being its row in its sheet.
fn read_workbook(file: &Path) -> Result<RawDecisions> {
    use calamine::{Data, Reader};
    let unreadable =
        |e: calamine::XlsxError| Error::config(file, format!("cannot be read as a workbook: {e}"));
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(file).map_err(unreadable)?;
    // Each workbook header that holds a decisions file's column, in both languages.
    let columns = [
        ("insurance_code", "insurance_code"),
        ("decision_person_id", "person_id"),
        ("decision", "decision"),
        ("reviewer", "reviewer"),
        ("note", "note"),
    ];
    let canonical = |label: &str| -> Option<&'static str> {
        let label = label.trim();
        columns.iter().find_map(|&(workbook_column, column)| {
            [Language::Vietnamese, Language::English]
                .iter()
                .any(|l| l.words().column_label(workbook_column) == label)
                .then_some(column)
        })
    };
    let text = |cell: &Data| -> String {
        match cell {
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    };
    let header: Vec<String> = COLUMNS.iter().map(|(c, _)| c.to_string()).collect();
    let mut rows = Vec::new();
    let mut sheets_read = 0;
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(unreadable)?;
        let mut lines = range.rows();
        let Some(first) = lines.next() else { continue };
        let at: Vec<(usize, usize)> = first
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| {
                let column = canonical(&text(cell))?;
                Some((i, header.iter().position(|h| h == column)?))
            })
            .collect();
        if !at.iter().any(|&(_, c)| header[c] == "decision") {
            continue;
        }
        sheets_read += 1;
        let (top, _) = range.start().unwrap_or((0, 0));
        for (i, line) in lines.enumerate() {
            let mut cells = vec![String::new(); header.len()];
            for &(from, to) in &at {
                cells[to] = line.get(from).map(text).unwrap_or_default();
            }
            if cells.iter().any(|c| !c.trim().is_empty()) {
                rows.push((u64::from(top) + i as u64 + 2, cells));
            }
        }
    }
    if sheets_read == 0 {
        return Err(Error::config(
            file,
            "has no sheet with a decision column: give a mismatch workbook popsync wrote \
             (mismatches.xlsx or a province's), its decision column filled in",
        ));
    }
    Ok(RawDecisions {
        header,
        header_line: 1,
        rows,
    })
}

/// Reads a CSV decisions file (within [`CSV_LIMIT`]): UTF-8 (a byte-order mark allowed), comma, semicolon or tab
/// separated (what spreadsheet programs save), a header line first.
fn read_csv(file: &Path) -> Result<RawDecisions> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut rows = Vec::new();
    let mut header = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(ErrorKind::Input {
                    file: file.to_path_buf(),
                    line,
                    column: None,
                    message: format!("cannot be read as CSV ({})", csv_problem(&e)),
                }
                .into())
            }
        }
        let cells = (record.iter())
            .map(|cell| std::str::from_utf8(cell).map(str::to_string))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| -> Error {
                ErrorKind::Input {
                    file: file.to_path_buf(),
                    line,
                    column: None,
                    message: "is not UTF-8: save the decisions file as CSV UTF-8".into(),
                }
                .into()
            })?;
        if header.is_none() {
            header = Some(cells);
        } else if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((line, cells));
        }
    }
    Ok(RawDecisions {
        header: header.ok_or_else(|| {
            Error::config(
                file,
                "is empty: a decisions file starts with its header line",
            )
        })?,
        header_line: 1,
        rows,
    })
}

/// What a CSV error says, without the text it read.
fn csv_problem(e: &csv::Error) -> &'static str {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8",
        csv::ErrorKind::UnequalLengths { .. } => "a row with another number of fields",
        _ => "malformed CSV",
    }
}

/// What the last night's list showed for a code: the record's fingerprint, and the persons.
struct Listed {
    record: u64,
    persons: Vec<String>,
}

/// The rows of `list` (a mismatches.csv) whose insurance code is one of `codes`.
fn listed(list: &Path, codes: &HashSet<&str>) -> Result<HashMap<String, Listed>> {
    let file = std::fs::File::open(list).map_err(|e| Error::io(list, e))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::new(file));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::config(list, format!("cannot be read: {}", csv_problem(&e))))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let index = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            Error::config(
                list,
                format!("has no column `{name}`: it is not a popsync mismatch list"),
            )
        })
    };
    let [code, person, compared, candidates, id, name, dob, gender] = [
        "insurance_code",
        "person_id",
        "compared_person_id",
        "candidates",
        "id_given",
        "name_given",
        "dob_given",
        "gender_given",
    ]
    .map(index);
    let (code, person, compared, candidates) = (code?, person?, compared?, candidates?);
    let (id, name, dob, gender) = (id?, name?, dob?, gender?);
    let mut found = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ErrorKind::Input {
            file: list.to_path_buf(),
            line: i as u64 + 2,
            column: None,
            message: format!("cannot be read ({})", csv_problem(&e)),
        })?;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let row_code = plain(cell(code));
        if !codes.contains(row_code) || found.contains_key(row_code) {
            continue;
        }
        let mut persons: Vec<String> = [cell(person), cell(compared)]
            .into_iter()
            .map(id_text)
            .collect();
        persons.extend(
            (cell(candidates).split(' '))
                .filter_map(|c| c.split(':').next())
                .map(id_text),
        );
        persons.retain(|p| !p.is_empty());
        if persons.iter().any(|p| p.contains('*')) {
            return Err(Error::config(
                list,
                "shows personal IDs masked (--mask-ids): decisions name persons by their whole \
                 ID, so they are made on a list with whole IDs",
            ));
        }
        let record = record_fingerprint(cell(id), cell(name), cell(dob), cell(gender));
        found.insert(row_code.to_string(), Listed { record, persons });
    }
    Ok(found)
}

/// `person` as one of the persons `shown`: as given, or with the leading zeros a spreadsheet
/// dropped put back.
fn shown_as<'a>(person: &str, shown: &'a [String]) -> Option<&'a String> {
    shown.iter().find(|s| {
        *s == person
            || (person.bytes().all(|b| b.is_ascii_digit())
                && s.len() > person.len()
                && s.strip_suffix(person)
                    .is_some_and(|zeros| zeros.bytes().all(|b| b == b'0')))
    })
}

impl History {
    /// The last published night: its number, identity, start and folder. A night still marked
    /// pending counts when the set published in its folder is its own (its run died between
    /// publishing and marking it); another pending night is under way, or died unpublished, and
    /// is left to the run that next holds its folder.
    fn last_published(&self) -> Result<Option<(i64, String, String, PathBuf)>> {
        let fail = |e| self.fail(e);
        let mut statement = self
            .conn
            .prepare("SELECT run, run_id, state, started, folder FROM runs ORDER BY run DESC")
            .map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let (run, run_id, state, started, folder): (i64, String, String, String, String) = (
                row.get(0).map_err(fail)?,
                row.get(1).map_err(fail)?,
                row.get(2).map_err(fail)?,
                row.get(3).map_err(fail)?,
                row.get(4).map_err(fail)?,
            );
            let folder = PathBuf::from(folder);
            let published = state == "published"
                || crate::report::folder::run_id_of(&folder).as_deref() == Some(run_id.as_str());
            if published {
                return Ok(Some((run, run_id, started, folder)));
            }
        }
        Ok(None)
    }

    /// Imports `decisions` (read from `source`), checked against the last published night's
    /// list, in one transaction.
    pub(crate) fn import(
        &mut self,
        source: &Path,
        decisions: Vec<DecisionRow>,
        undecided: usize,
    ) -> Result<Imported> {
        let Some((run, run_id, started, folder)) = self.last_published()? else {
            return Err(Error::config(
                &self.path,
                "holds no published night yet: decisions are made on a night's mismatch list",
            ));
        };
        let published = crate::report::folder::run_id_of(&folder);
        if published.as_deref() != Some(run_id.as_str()) {
            return Err(Error::config(
                &folder,
                "does not hold the history's last night (another set was published there, or \
                 it was moved): decisions are checked against that night's mismatches.csv",
            ));
        }
        let codes: HashSet<&str> = decisions
            .iter()
            .map(|d| d.insurance_code.as_str())
            .collect();
        let list = listed(&folder.join("mismatches.csv"), &codes)?;
        let mut imported = Imported {
            undecided,
            night: started,
            ..Imported::default()
        };
        let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        let source_name = source.display().to_string();
        let path = self.path.clone();
        let fail = |e| crate::history::store::sql_error(&path, e);
        let tx = self.write()?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO decisions (insurance_code, person_id, verdict, reviewer, note, \
                     imported, source, source_line, reviewed_run, record) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(fail)?;
            for d in &decisions {
                let Some(listed) = list.get(&d.insurance_code) else {
                    imported.refused.push((
                        d.line,
                        "the insurance code is not in the last night's mismatch list (it is \
                         SYNCED, or unknown)",
                    ));
                    continue;
                };
                let Some(person) = shown_as(&d.person_id, &listed.persons) else {
                    imported.refused.push((
                        d.line,
                        "the person is not one the last night's list showed for this code \
                         (linked, suggested, compared or a candidate)",
                    ));
                    continue;
                };
                insert
                    .execute(params![
                        d.insurance_code,
                        person,
                        d.verdict.as_str(),
                        d.reviewer,
                        d.note,
                        now,
                        source_name,
                        d.line,
                        run,
                        format!("{:016x}", listed.record),
                    ])
                    .map_err(fail)?;
                match d.verdict {
                    Verdict::Confirm => imported.confirmed += 1,
                    Verdict::Reject => imported.rejected += 1,
                }
            }
        }
        tx.commit().map_err(fail)?;
        Ok(imported)
    }

    /// The decisions in force, in the order they were made: for each code, its latest
    /// confirmation (if no later rejection of that person undid it) and its rejections (of
    /// persons not confirmed later).
    pub(crate) fn decisions_in_force(&self) -> Result<Vec<InForce>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT insurance_code, person_id, verdict, record FROM decisions \
                 ORDER BY decision",
            )
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.fail(e))?;
        let mut by_code: HashMap<String, Vec<(String, Verdict, u64)>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for row in rows {
            let (code, person, verdict, record) = row.map_err(|e| self.fail(e))?;
            let verdict = match verdict.as_str() {
                "confirm" => Verdict::Confirm,
                _ => Verdict::Reject,
            };
            let record = u64::from_str_radix(&record, 16).unwrap_or(0);
            let decided = by_code.entry(code.clone()).or_insert_with(|| {
                order.push(code.clone());
                Vec::new()
            });
            decided.retain(|(p, v, _)| {
                *p != person && !(verdict == Verdict::Confirm && *v == Verdict::Confirm)
            });
            decided.push((person, verdict, record));
        }
        let mut in_force = Vec::new();
        for code in order {
            for (person_id, verdict, record) in by_code.remove(&code).unwrap_or_default() {
                in_force.push(InForce {
                    insurance_code: code.clone(),
                    person_id,
                    verdict,
                    record,
                });
            }
        }
        Ok(in_force)
    }

    /// How many decisions the history holds, superseded ones included.
    pub(crate) fn decisions_made(&self) -> Result<u64> {
        self.conn
            .query_row("SELECT count(*) FROM decisions", [], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(header: &[&str], rows: &[&[&str]]) -> RawDecisions {
        RawDecisions {
            header: header.iter().map(|s| s.to_string()).collect(),
            header_line: 1,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| (i as u64 + 2, r.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    const HEADER: [&str; 5] = [
        "insurance_code",
        "person_id",
        "decision",
        "reviewer",
        "note",
    ];

    #[test]
    fn decisions_are_read_in_either_language_and_empty_ones_passed_over() {
        let (rows, undecided) = check(
            Path::new("d.csv"),
            raw(
                &HEADER,
                &[
                    &["0100000001", "001090012345", "confirm", "an", ""],
                    &[
                        "0100000002",
                        "001090012346",
                        "Từ chối",
                        "bình",
                        "wrong twin",
                    ],
                    &["0100000003", "", "", "", ""],
                ],
            ),
        )
        .unwrap();
        assert_eq!(undecided, 1);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].verdict, Verdict::Confirm);
        assert_eq!(rows[1].verdict, Verdict::Reject);
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn a_bad_file_names_its_line_and_column() {
        let cases: [(RawDecisions, u64, &str); 4] = [
            (
                raw(
                    &[
                        "insurance_code",
                        "person_id",
                        "decision",
                        "reviewer",
                        "extra",
                    ],
                    &[],
                ),
                1,
                "extra",
            ),
            (
                raw(&["insurance_code", "person_id", "decision"], &[]),
                1,
                "reviewer",
            ),
            (
                raw(
                    &HEADER,
                    &[
                        &["1", "2", "confirm", "an", ""],
                        &["1", "2", "maybe", "an", ""],
                    ],
                ),
                3,
                "decision",
            ),
            (
                raw(&HEADER, &[&["1", "2", "reject", " ", ""]]),
                2,
                "reviewer",
            ),
        ];
        for (raw, line, column) in cases {
            let e = check(Path::new("d.csv"), raw).err().unwrap();
            let text = e.to_string();
            assert!(text.contains(&format!("line {line}")), "{text}");
            assert!(text.contains(&format!("column `{column}`")), "{text}");
            assert!(!text.contains("maybe"), "no value in an error: {text}");
        }
    }

    #[test]
    fn a_dropped_leading_zero_still_names_the_person_shown() {
        let shown = vec!["001090012345".to_string(), "079123456789".to_string()];
        assert_eq!(shown_as("1090012345", &shown), Some(&shown[0]));
        assert_eq!(shown_as("079123456789", &shown), Some(&shown[1]));
        assert_eq!(shown_as("79123456780", &shown), None);
    }
}
