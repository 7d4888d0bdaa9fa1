//! mismatches.xlsx: the mismatch list as an auditor opens it in a spreadsheet program.
//!
//! A CSV file leaves every cell's type to the program that opens it, which reads a CCCD
//! (`048141142547`) as the number 48141142547 and `06/02/1941` as 2 June under an English
//! locale. A workbook says each cell's type: every ID, code and insurance code is text, a full
//! date of birth is a date shown `dd/mm/yyyy` (a partial or unreadable one is text, exactly as
//! given), scores and weights are numbers. No cell is ever a formula: text is written as text,
//! whatever it starts with. The person-facing columns come first (status, reasons and what
//! they mean, the record as given beside the register's, the suggested or candidate persons);
//! the model's levels and weights are at the far right. The header is frozen and filtered.
//!
//! The workbook is made from mismatches.csv once that is written, row by row into
//! constant-memory worksheets (a temp file per sheet in the run's work folder), so its memory
//! does not grow with the list. A sheet holds at most [`SHEET_ROWS`] rows with its header; a
//! longer list continues on further sheets, never cut. With `--split-by province` the same
//! pass writes one workbook per current province, for the agencies that each review their own
//! participants.

use std::path::Path;

use rayon::prelude::*;
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Workbook, XlsxError};

use crate::error::{Error, Result};
use crate::normalize::date::{PartialDate, Precision};
use crate::province::{CurrentProvince, ProvinceTable};
use crate::report::language::Language;
use crate::report::meaning::reason_meaning;
use crate::report::output::{FinishedFile, OutputDir, PendingFile};

/// The workbook's file name in the set.
pub(crate) const MISMATCHES_XLSX: &str = "mismatches.xlsx";

/// The rows a worksheet holds, its header included (Excel's limit).
pub(crate) const SHEET_ROWS: u32 = 1_048_576;

/// The characters a cell holds (Excel's limit): a longer value is cut, ending in `…`;
/// mismatches.csv keeps it whole.
pub(crate) const CELL_CHARS: usize = 32_767;

/// `text`, cut to what a cell holds.
fn fitted(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CELL_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let cut = text
                .char_indices()
                .nth(CELL_CHARS - 1)
                .map_or(text.len(), |(at, _)| at);
            std::borrow::Cow::Owned(format!("{}…", &text[..cut]))
        }
    }
}

/// How a column's cells are written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text as it is (IDs, codes, names): never a number, never a formula.
    Text,
    /// A date of birth: a date when it is a full one, its text otherwise.
    Date,
    /// A number popsync computed (line, score, weights); text if it does not read as one.
    Number,
    /// The reason codes' meanings, made from the `reasons` column.
    Meaning,
    /// A column the reviewer fills in (`popsync review import` reads it back): empty, or the
    /// person the row links or suggests; typed text stays text.
    Decision,
}

/// The workbook's columns, in order: the reviewer's decision columns first, then a
/// mismatches.csv column (or the meaning of the reasons), its kind, and its width in
/// characters. Their headers are the language's
/// [`Words::column_label`](crate::report::words::Words::column_label)s.
const COLUMNS: [(&str, Kind, f64); 37] = [
    ("decision", Kind::Decision, 14.0),
    ("decision_person_id", Kind::Decision, 15.0),
    ("reviewer", Kind::Decision, 14.0),
    ("note", Kind::Decision, 24.0),
    ("status", Kind::Text, 12.0),
    ("reasons", Kind::Text, 28.0),
    ("reasons_meaning", Kind::Meaning, 60.0),
    ("insurance_code", Kind::Text, 14.0),
    ("line", Kind::Number, 9.0),
    ("id_given", Kind::Text, 15.0),
    ("person_id", Kind::Text, 15.0),
    ("name_given", Kind::Text, 26.0),
    ("name_register", Kind::Text, 26.0),
    ("dob_given", Kind::Date, 12.0),
    ("dob_register", Kind::Date, 12.0),
    ("gender_given", Kind::Text, 8.0),
    ("gender_register", Kind::Text, 8.0),
    ("province_code", Kind::Text, 9.0),
    ("current_province_code", Kind::Text, 9.0),
    ("province", Kind::Text, 24.0),
    ("province_register", Kind::Text, 24.0),
    ("scheme", Kind::Text, 14.0),
    ("candidates", Kind::Text, 40.0),
    ("detail", Kind::Text, 30.0),
    ("score", Kind::Number, 8.0),
    ("method", Kind::Text, 10.0),
    ("compared_person_id", Kind::Text, 15.0),
    ("name_level", Kind::Text, 10.0),
    ("dob_level", Kind::Text, 10.0),
    ("gender_level", Kind::Text, 10.0),
    ("province_level", Kind::Text, 10.0),
    ("name_weight", Kind::Number, 9.0),
    ("dob_weight", Kind::Number, 9.0),
    ("gender_weight", Kind::Number, 9.0),
    ("province_weight", Kind::Number, 9.0),
    ("id_weight", Kind::Number, 9.0),
    ("linked_weight", Kind::Number, 9.0),
];

/// The meanings of a `;`-joined list of reason codes, one per line of the cell.
fn meanings(reasons: &str, language: Language) -> String {
    reasons
        .split(';')
        .filter(|code| !code.is_empty())
        .map(|code| match reason_meaning(code, language) {
            "" => code.to_string(),
            meaning => format!("{code}: {meaning}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A cell of mismatches.csv as it was given: the CSV's guard against formulas (a leading `'`
/// before `=`, `+`, `-`, `@`, a tab or a carriage return) is not needed in a workbook, whose
/// text cells are never formulas.
fn unguarded(cell: &str) -> &str {
    match cell.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &cell[1..],
        _ => cell,
    }
}

/// A workbook being written, row by row: its sheets, the row in the current one.
struct Sheets {
    workbook: Workbook,
    /// The sheet being written, by its index in the workbook.
    current: Option<usize>,
    sheets: usize,
    row: u32,
    /// Data rows a sheet holds (its header aside).
    data_rows: u32,
    /// The language of the headers, the sheets' names and the reasons' meanings.
    language: Language,
    date: Format,
    bold: Format,
    wrap: Format,
    /// The decision columns' cells: text, whatever is typed (an ID keeps its leading zero).
    typed_text: Format,
}

impl Sheets {
    fn new(out: &OutputDir, rows_per_sheet: u32, language: Language) -> Result<Sheets, XlsxError> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(out.work_dir())?;
        Ok(Sheets {
            workbook,
            current: None,
            sheets: 0,
            row: 0,
            data_rows: rows_per_sheet.max(2) - 1,
            language,
            date: Format::new().set_num_format("dd/mm/yyyy"),
            bold: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap(),
            typed_text: Format::new().set_num_format("@"),
        })
    }

    /// A new sheet, named `chưa đồng bộ` (`mismatches`), then `chưa đồng bộ 2`, …, with the header.
    fn next_sheet(&mut self) -> Result<(), XlsxError> {
        self.finish_sheet()?;
        self.sheets += 1;
        let bold = &self.bold;
        let words = self.language.words();
        let ws = self.workbook.add_worksheet_with_constant_memory();
        ws.set_name(match self.sheets {
            1 => words.sheet.to_string(),
            n => format!("{} {n}", words.sheet),
        })?;
        for (col, (name, kind, width)) in COLUMNS.iter().enumerate() {
            ws.set_column_width(col as u16, *width)?;
            if *kind == Kind::Decision {
                ws.set_column_format(col as u16, &self.typed_text)?;
            }
            ws.write_string_with_format(0, col as u16, words.column_label(name), bold)?;
        }
        // The decision column offers the two decisions, in the headers' language.
        let choices = DataValidation::new()
            .allow_list_strings(&words.decisions)?
            .ignore_blank(true);
        ws.add_data_validation(1, 0, self.data_rows, 0, &choices)?;
        ws.set_freeze_panes(1, 0)?;
        self.current = Some(self.sheets - 1);
        self.row = 0;
        Ok(())
    }

    /// Filters the current sheet's header over its rows.
    fn finish_sheet(&mut self) -> Result<(), XlsxError> {
        if let Some(i) = self.current.take() {
            let ws = self.workbook.worksheet_from_index(i)?;
            ws.autofilter(0, 0, self.row.max(1), (COLUMNS.len() - 1) as u16)?;
        }
        Ok(())
    }

    /// Appends a mismatches.csv record, whose columns are at `source` (per workbook column).
    fn push(
        &mut self,
        record: &csv::StringRecord,
        source: &[Option<usize>],
    ) -> Result<(), XlsxError> {
        if self.current.is_none() || self.row == self.data_rows {
            self.next_sheet()?;
        }
        self.row += 1;
        let row = self.row;
        let (date, wrap, typed, language) =
            (&self.date, &self.wrap, &self.typed_text, self.language);
        let ws = self
            .workbook
            .worksheet_from_index(self.current.expect("a sheet is open"))?;
        for (col, ((_, kind, _), from)) in COLUMNS.iter().zip(source).enumerate() {
            let text = fitted(unguarded(from.and_then(|i| record.get(i)).unwrap_or("")));
            let text = text.as_ref();
            let col = col as u16;
            match kind {
                _ if text.is_empty() => {}
                Kind::Text => {
                    ws.write_string(row, col, text)?;
                }
                Kind::Meaning => {
                    ws.write_string_with_format(row, col, fitted(&meanings(text, language)), wrap)?;
                }
                Kind::Decision => {
                    ws.write_string_with_format(row, col, text, typed)?;
                }
                Kind::Number => match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => {
                        ws.write_number(row, col, n)?;
                    }
                    _ => {
                        ws.write_string(row, col, text)?;
                    }
                },
                Kind::Date => match full_date(text) {
                    Some(day) => {
                        ws.write_datetime_with_format(row, col, &day, date)?;
                    }
                    None => {
                        ws.write_string(row, col, text)?;
                    }
                },
            }
        }
        Ok(())
    }

    /// Saves the workbook into `file` (an empty list still has its header sheet).
    fn save(mut self, mut file: PendingFile) -> Result<FinishedFile> {
        let shown = file.path().to_path_buf();
        let xlsx = |e: XlsxError| Error::io(&shown, std::io::Error::other(e.to_string()));
        if self.sheets == 0 {
            self.next_sheet().map_err(xlsx)?;
        }
        self.finish_sheet().map_err(xlsx)?;
        self.workbook
            .save_to_writer(file.file_mut())
            .map_err(xlsx)?;
        file.finish()
    }
}

/// The folder of the province workbooks, in the set.
pub(crate) const PROVINCES_FOLDER: &str = "provinces";

/// The file name of a current province's workbook: its code and its name without diacritics,
/// stable from night to night (`01-ha-noi.xlsx`); `unknown-province.xlsx` for the rows whose
/// province is unknown.
pub(crate) fn province_file_name(province: Option<&CurrentProvince>) -> String {
    match province {
        None => "unknown-province.xlsx".to_string(),
        Some(p) => {
            // Letters and digits only, from the code too: a table given with --provinces names
            // files, and no name of it may leave the folder.
            let words = |text: &str| -> Vec<String> {
                crate::normalize::name::folded(text)
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            format!(
                "{}-{}.xlsx",
                words(&p.code).join(""),
                words(&p.name).join("-")
            )
        }
    }
}

/// summary.json's `workbooks`: the whole list's workbook, and with `provinces` each current
/// province's by its code (`unknown` for the unknown province), as paths in the set.
pub(crate) fn listing(provinces: Option<&ProvinceTable>) -> serde_json::Value {
    let mut listing = serde_json::json!({ "mismatches": MISMATCHES_XLSX });
    if let Some(table) = provinces {
        let mut by_code = serde_json::Map::new();
        for i in 0..=table.current.len() {
            let province = table.current.get(i);
            let code = province.map_or("unknown", |p| p.code.as_str());
            let path = format!("{PROVINCES_FOLDER}/{}", province_file_name(province));
            by_code.insert(code.to_string(), serde_json::Value::String(path));
        }
        listing["provinces"] = serde_json::Value::Object(by_code);
    }
    listing
}

/// Writes mismatches.xlsx into the new set from `csv`, the set's mismatches.csv (with or
/// without a byte-order mark), and with `provinces`, one workbook per current province of the
/// table and one for the unknown province in the set's `provinces/` folder, their rows adding
/// up to the whole list. `rows_per_sheet` is [`SHEET_ROWS`] but in tests; `language` is the
/// headers'.
pub(crate) fn write(
    out: &OutputDir,
    csv: &Path,
    rows_per_sheet: u32,
    provinces: Option<&ProvinceTable>,
    language: Language,
) -> Result<Vec<FinishedFile>> {
    let read = |e: csv::Error| Error::other(format!("reading {}: {e}", csv.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(csv)
        .map_err(read)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(read)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    let source: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(name, kind, _)| match (kind, *name) {
            (Kind::Meaning, _) => position("reasons"),
            // The person to decide on is the one linked or suggested, when there is one.
            (Kind::Decision, "decision_person_id") => position("person_id"),
            (Kind::Decision, _) => None,
            _ => position(name),
        })
        .collect();
    let xlsx = |e: XlsxError| Error::other(format!("writing a workbook: {e}"));
    let mut whole = Sheets::new(out, rows_per_sheet, language).map_err(xlsx)?;
    // Per current province (in table order), then the unknown province.
    let mut split: Vec<Sheets> = match provinces {
        Some(table) => (0..=table.current.len())
            .map(|_| Sheets::new(out, rows_per_sheet, language))
            .collect::<Result<_, _>>()
            .map_err(xlsx)?,
        None => Vec::new(),
    };
    let code_column = position("current_province_code");
    let unknown = split.len().saturating_sub(1);
    let index_of = |code: &str| -> usize {
        provinces
            .and_then(|t| t.current.iter().position(|p| p.code == code))
            .unwrap_or(unknown)
    };
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(read)? {
        whole.push(&record, &source).map_err(xlsx)?;
        if !split.is_empty() {
            let code = code_column.and_then(|i| record.get(i)).unwrap_or("");
            let i = index_of(code);
            split[i].push(&record, &source).map_err(xlsx)?;
        }
    }
    // Saving compresses each workbook (most of the cost): the workbooks are saved on every
    // core at once.
    let whole_file = out.create(MISMATCHES_XLSX)?;
    let mut parts = Vec::with_capacity(split.len());
    if let Some(table) = provinces {
        let folder = out.create_folder(PROVINCES_FOLDER)?;
        for (i, sheets) in split.into_iter().enumerate() {
            let name = province_file_name(table.current.get(i));
            parts.push((sheets, out.create_in(PROVINCES_FOLDER, &name)?));
        }
        let (whole, parts) = rayon::join(
            || whole.save(whole_file),
            || {
                parts
                    .into_par_iter()
                    .map(|(sheets, file)| sheets.save(file).map(drop))
                    .collect::<Result<Vec<()>>>()
            },
        );
        parts?;
        crate::report::folder::sync_dir(&out.in_set(PROVINCES_FOLDER))
            .map_err(|e| Error::io(out.path().join(PROVINCES_FOLDER), e))?;
        return Ok(vec![whole?, folder]);
    }
    Ok(vec![whole.save(whole_file)?])
}

/// A date written `dd/mm/yyyy` (as mismatches.csv writes a full date) as an Excel date; `None`
/// for anything else, which stays text exactly as given.
fn full_date(text: &str) -> Option<ExcelDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[2] != b'/' || bytes[5] != b'/' {
        return None;
    }
    let date = PartialDate::parse(text).ok()?;
    if date.precision() != Precision::Day {
        return None;
    }
    ExcelDateTime::from_ymd(date.year(), date.month()?, date.day()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_is_listed_with_its_meaning() {
        assert_eq!(
            meanings("id_missing;deceased", Language::English),
            "id_missing: no ID on file\ndeceased: the register marks this person deceased"
        );
        assert_eq!(
            meanings("id_missing", Language::Vietnamese),
            "id_missing: hồ sơ không có số định danh"
        );
    }

    #[test]
    fn every_column_has_a_vietnamese_header_and_english_keeps_the_csv_s_names() {
        let vietnamese = Language::Vietnamese.words();
        let english = Language::English.words();
        let mut labels = std::collections::BTreeSet::new();
        for (name, _, _) in COLUMNS {
            let label = vietnamese.column_label(name);
            assert_ne!(label, name, "{name} has no Vietnamese header");
            assert!(labels.insert(label), "two columns headed {label}");
            assert_eq!(english.column_label(name), name);
        }
    }

    #[test]
    fn sheet_names_fit_excel_s_limit() {
        // A sheet name holds at most 31 characters, `chưa đồng bộ 99` included.
        for language in [Language::Vietnamese, Language::English] {
            assert!(language.words().sheet.chars().count() + 3 <= 31);
        }
    }

    #[test]
    fn a_value_longer_than_a_cell_is_cut_to_fit() {
        let long = "ạ".repeat(CELL_CHARS + 5);
        let cut = fitted(&long);
        assert_eq!(cut.chars().count(), CELL_CHARS);
        assert!(cut.ends_with('…') && cut.starts_with("ạạ"));
        let exact = "a".repeat(CELL_CHARS);
        assert_eq!(fitted(&exact), exact);
    }

    #[test]
    fn only_the_csv_guard_is_taken_off() {
        assert_eq!(unguarded("'=1+1"), "=1+1");
        assert_eq!(unguarded("'-5"), "-5");
        assert_eq!(unguarded("'already"), "'already");
        assert_eq!(unguarded("048141142547"), "048141142547");
    }

    #[test]
    fn province_files_are_named_by_code_and_name_without_diacritics() {
        let table = crate::province::ProvinceTable::builtin();
        let names: Vec<String> = (0..=table.current.len())
            .map(|i| province_file_name(table.current.get(i)))
            .collect();
        assert!(names.contains(&"01-ha-noi.xlsx".to_string()), "{names:?}");
        assert!(
            names.iter().any(|n| n.ends_with("-ho-chi-minh.xlsx")),
            "{names:?}"
        );
        assert_eq!(names.last().unwrap(), "unknown-province.xlsx");
        let unique: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names.iter().all(|n| n.is_ascii() && !n.contains(' ')));
        let hostile = CurrentProvince {
            code: "../../x".into(),
            name: "../Đà Nẵng/..".into(),
            former: Vec::new(),
        };
        assert_eq!(province_file_name(Some(&hostile)), "x-da-nang.xlsx");
    }

    #[test]
    fn only_full_dates_become_dates() {
        assert!(full_date("06/02/1941").is_some());
        for text in [
            "02/1941",
            "1941",
            "31/02/1990",
            "1941-02-06",
            "6/2/1941",
            "",
        ] {
            assert!(full_date(text).is_none(), "{text}");
        }
    }
}
