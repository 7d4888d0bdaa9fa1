//! mismatches.xlsx as auditors use it: `popsync reconcile --xlsx` writes the mismatch list as a
//! workbook, and what they rely on holds when it is read back — by calamine (cell types, not
//! only values), from the zip's own XML (frozen, filtered header), and by LibreOffice Calc
//! (the IDs and Vietnamese names it shows).
//!
//! Every check compares the workbook with the mismatches.csv of the same run, cell by cell: a
//! CCCD keeps its leading zeros as text, a full date of birth is a real date, a partial one is
//! the text as given, and a name that looks like a formula is only text.
//!
//! The LibreOffice test needs `soffice` on the PATH (`.ci/run` installs `libreoffice-calc`).
//! Without it the test fails when `CI` is set and prints a notice and passes otherwise.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{open_workbook_auto, Data, ExcelDateTime, ExcelDateTimeType, Range, Reader};
use common::*;

/// The workbook's columns, in order, as src/report/workbook.rs writes them: the reviewer's
/// decision columns, then mismatches.csv's.
const XLSX_HEADER: [&str; 37] = [
    "decision",
    "decision_person_id",
    "reviewer",
    "note",
    "status",
    "reasons",
    "reasons_meaning",
    "insurance_code",
    "line",
    "id_given",
    "person_id",
    "name_given",
    "name_register",
    "dob_given",
    "dob_register",
    "gender_given",
    "gender_register",
    "province_code",
    "current_province_code",
    "province",
    "province_register",
    "scheme",
    "candidates",
    "detail",
    "score",
    "method",
    "compared_person_id",
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
];

/// The position of column `name` in the workbook.
fn column(name: &str) -> usize {
    XLSX_HEADER
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The columns that are IDs or codes: text in the workbook, leading zeros and all.
const ID_COLUMNS: [&str; 6] = [
    "id_given",
    "person_id",
    "compared_person_id",
    "insurance_code",
    "province_code",
    "current_province_code",
];

/// The columns written as numbers.
const NUMBER_COLUMNS: [&str; 8] = [
    "line",
    "score",
    "name_weight",
    "dob_weight",
    "gender_weight",
    "province_weight",
    "id_weight",
    "linked_weight",
];

/// The dates of birth: dates when full, text otherwise.
const DATE_COLUMNS: [&str; 2] = ["dob_given", "dob_register"];

/// The participant whose name is a formula attempt; mismatches.csv guards it with a `'`.
const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.com\",\"Khúc\")";
const FORMULA_CODE: &str = "0101000005";

/// A run whose mismatches cover what auditors look at: every ID a CCCD with a leading zero
/// (provinces 1-96), insurance codes and province codes with leading zeros, Vietnamese names,
/// full, partial (`1950`, `03/1950`) and impossible (`31/02/1990`) dates, a formula attempt as
/// a name, and the statuses DIFF, SUGGESTED, AMBIGUOUS, NOT_FOUND and REJECTED. A background population gives the model realistic
/// weights; its rows are SYNCED, so the mismatches are the rows below.
fn auditor_fixture() -> TestEnv {
    let thanh = cccd(1, false, 1950, 12_345);
    let hung = cccd(4, false, 1950, 13_579);
    let hang = cccd(79, true, 1962, 23_456);
    let anh = cccd(48, true, 1971, 34_567);
    let manh = cccd(31, false, 1975, 45_678);
    let nam_a = cccd(33, false, 1980, 56_789);
    let nam_b = cccd(33, false, 1980, 67_890);
    let loc = cccd(2, false, 1988, 78_901);
    let tuyet = cccd(92, true, 1966, 89_012);
    let unknown = cccd(96, false, 1993, 90_123);
    let (mut participants, mut register) = population(60);
    register.extend([
        r(&thanh, "Khúc Văn Thành", "12/03/1950", "Nam").province("001"),
        r(&hung, "Khúc Văn Hưng", "21/03/1950", "Nam").province("004"),
        r(&hang, "Khúc Thị Hằng", "05/07/1962", "Nữ").province("079"),
        r(&anh, "Khúc Thị Ngọc Ánh", "14/02/1971", "Nữ").province("048"),
        r(&manh, "Khúc Đức Mạnh", "20/11/1975", "Nam").province("031"),
        // Two persons alike in everything but their IDs: a search finds both.
        r(&nam_a, "Khúc Văn Nam", "01/01/1980", "Nam").province("033"),
        r(&nam_b, "Khúc Văn Nam", "01/01/1980", "Nam").province("033"),
        r(&loc, "Khúc Văn Lộc", "09/09/1988", "Nam").province("002"),
        r(&tuyet, "Khúc Thị Tuyết", "30/06/1966", "Nữ").province("092"),
    ]);
    participants.extend([
        // DIFF, a year for a full date.
        p("0101000001", "Khúc Văn Thành", "1950", "Nam", &thanh)
            .province("001")
            .scheme("health"),
        // DIFF, a month for a full date.
        p("0101000002", "Khúc Văn Hưng", "03/1950", "Nam", &hung).province("004"),
        p("0101000003", "Khúc Thị Hằng", "07/1962", "Nữ", &hang).province("079"),
        // DIFF, the accents lost.
        p("0101000004", "Khuc Thi Ngoc Anh", "14/02/1971", "Nữ", &anh).province("048"),
        // SUGGESTED: no ID, one person fits.
        p("0101000006", "Khúc Đức Mạnh", "20/11/1975", "Nam", "").province("031"),
        // AMBIGUOUS: no ID, two persons fit.
        p("0101000007", "Khúc Văn Nam", "01/01/1980", "Nam", ""),
        // DIFF through restored zeros: the ID as a spreadsheet left it.
        p(
            "0101000008",
            "Khúc Văn Lộc",
            "09/09/1988",
            "Nam",
            loc.trim_start_matches('0'),
        )
        .province("002"),
        // NOT_FOUND: an ID nobody has.
        p(
            "0101000009",
            "Khúc Văn Quyết",
            "15/08/1993",
            "Nam",
            &unknown,
        )
        .province("096"),
        // NOT_FOUND: someone else's ID (compared_person_id names that person).
        p("0101000010", "Khúc Văn Toàn", "02/02/1955", "Nam", &tuyet).province("092"),
        // NOT_FOUND: a formula for a name.
        p(FORMULA_CODE, FORMULA_NAME, "01/01/1991", "Nam", "").province("001"),
        // NOT_FOUND: a full date that is no day, text in the workbook.
        p("0101000011", "Khúc Văn Bảy", "31/02/1990", "Nam", "").province("001"),
    ]);
    // REJECTED: a row of 3 fields (its `detail` says why).
    let text = participants_csv(&participants) + "0101000012,Khúc Văn Sáu,1906\n";
    let env = TestEnv::new();
    env.write("participants.csv", text);
    env.write_register(&register);
    env
}

/// A cell of mismatches.csv as the workbook holds it: the CSV's guard against formulas (a `'`
/// before `=`, `+`, `-`, `@`, a tab or a carriage return) is taken off, as a workbook's text
/// cells are never formulas.
fn unguarded(cell: &str) -> &str {
    match cell.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &cell[1..],
        _ => cell,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The day of a `dd/mm/yyyy` text; `None` for a partial date (`1950`, `03/1950`) or one that
/// is no day (`31/02/1990`).
fn full_date(text: &str) -> Option<(i64, i64, i64)> {
    let parts: Vec<&str> = text.split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    if d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let (year, month, day): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&day).then_some((year, month, day))
}

/// The Excel date (1900 system) of a day after February 1900: days since 1899-12-30.
fn excel_serial((year, month, day): (i64, i64, i64)) -> f64 {
    (days_from_civil(year, month, day) - days_from_civil(1899, 12, 30)) as f64
}

/// Every sheet of a workbook, in order: its name and its cells.
fn sheets(path: &Path) -> Vec<(String, Range<Data>)> {
    let mut book = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book
                .worksheet_range(&name)
                .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
            (name, range)
        })
        .collect()
}

/// The rows of a sheet, from its first row (A1) on, each as wide as the header.
fn rows_of(range: &Range<Data>) -> Vec<Vec<Data>> {
    assert_eq!(
        range.start(),
        Some((0, 0)),
        "the sheet does not start at A1"
    );
    range
        .rows()
        .map(|row| {
            let mut row = row.to_vec();
            row.resize(XLSX_HEADER.len(), Data::Empty);
            row
        })
        .collect()
}

/// Asserts the header row of a sheet: the workbook's columns, in order, as text.
#[track_caller]
fn assert_header(sheet: &str, row: &[Data]) {
    let header: Vec<Data> = XLSX_HEADER
        .iter()
        .map(|h| Data::String(h.to_string()))
        .collect();
    assert_eq!(row, header.as_slice(), "header of sheet {sheet}");
}

/// Asserts that a data row of the workbook holds mismatches.csv's `csv_row`, cell by cell and
/// with each cell's type: text as text (guard off), numbers as numbers, full dates as dates.
#[track_caller]
fn assert_row_matches(mismatches: &Table, csv_row: &[String], row: &[Data], at: &str) {
    for (col, name) in XLSX_HEADER.iter().enumerate() {
        let cell = &row[col];
        let at = format!("{at}, column {name}");
        if *name == "reasons_meaning" {
            let reasons = mismatches.cell(csv_row, "reasons");
            if reasons.is_empty() {
                assert_eq!(cell, &Data::Empty, "{at}: no reasons");
                continue;
            }
            let Data::String(meaning) = cell else {
                panic!("{at}: {cell:?} is not text (reasons {reasons:?})");
            };
            let codes: Vec<&str> = meaning
                .lines()
                .map(|line| line.split(':').next().unwrap())
                .collect();
            let expected: Vec<&str> = reasons.split(';').collect();
            assert_eq!(codes, expected, "{at}: {meaning:?}");
            assert!(
                meaning.lines().all(|line| line.contains(": ")),
                "{at}: a reason without its meaning: {meaning:?}"
            );
            continue;
        }
        // The reviewer fills these in; the person to decide on is the one linked or suggested.
        let name = match *name {
            "decision" | "reviewer" | "note" => {
                assert_eq!(cell, &Data::Empty, "{at}: for the reviewer to fill in");
                continue;
            }
            "decision_person_id" => &"person_id",
            _ => name,
        };
        let given = mismatches.cell(csv_row, name);
        if given.is_empty() {
            assert_eq!(cell, &Data::Empty, "{at}: empty in mismatches.csv");
        } else if NUMBER_COLUMNS.contains(name) {
            let number: f64 = given.parse().unwrap();
            assert_eq!(
                cell,
                &Data::Float(number),
                "{at}: mismatches.csv has {given}"
            );
        } else if DATE_COLUMNS.contains(name) {
            match full_date(given) {
                Some(day) => assert_eq!(
                    cell,
                    &Data::DateTime(ExcelDateTime::new(
                        excel_serial(day),
                        ExcelDateTimeType::DateTime,
                        false
                    )),
                    "{at}: mismatches.csv has the full date {given}"
                ),
                None => assert_eq!(
                    cell,
                    &Data::String(given.to_string()),
                    "{at}: mismatches.csv has the partial date {given}"
                ),
            }
        } else {
            assert_eq!(
                cell,
                &Data::String(unguarded(given).to_string()),
                "{at}: mismatches.csv has {given:?}"
            );
        }
    }
}

/// Reconciles the auditors' fixture with `extra` flags and returns it with its mismatches.csv.
/// The workbooks are in English, whose headers are mismatches.csv's column names.
fn run_fixture(extra: &[&str]) -> (TestEnv, Table) {
    let env = auditor_fixture();
    let mut args = vec!["--lang", "en"];
    args.extend_from_slice(extra);
    env.reconcile(&args).expect_code(0);
    let mismatches = env.mismatches();
    (env, mismatches)
}

// 1: cells and their types, read back with calamine

#[test]
fn the_workbook_holds_ids_as_text_dates_as_dates_and_no_formula() {
    let (env, mismatches) = run_fixture(&["--xlsx"]);
    // The fixture gives what the assertions below are about: otherwise they could pass on an
    // empty or a one-status list.
    assert_eq!(mismatches.rows.len(), 12, "{:#?}", mismatches.rows);
    let statuses = mismatches.values("status");
    for status in ["DIFF", "SUGGESTED", "AMBIGUOUS", "NOT_FOUND", "REJECTED"] {
        assert!(statuses.contains(&status), "no {status}: {statuses:?}");
    }
    let dobs = mismatches.values("dob_given");
    for dob in ["1950", "03/1950", "14/02/1971", "31/02/1990"] {
        assert!(dobs.contains(&dob), "no date {dob}: {dobs:?}");
    }
    let guarded = mismatches.row_where("insurance_code", FORMULA_CODE);
    assert_eq!(
        mismatches.cell(guarded, "name_given"),
        format!("'{FORMULA_NAME}"),
        "mismatches.csv guards the formula name"
    );

    let path = env.out().join("mismatches.xlsx");
    let sheets = sheets(&path);
    let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["mismatches"]);
    let rows = rows_of(&sheets[0].1);
    assert_header("mismatches", &rows[0]);
    assert_eq!(
        rows.len() - 1,
        mismatches.rows.len(),
        "data rows of the workbook vs. mismatches.csv"
    );
    for (i, (csv_row, row)) in mismatches.rows.iter().zip(&rows[1..]).enumerate() {
        let at = format!(
            "row {} ({})",
            i + 2,
            mismatches.cell(csv_row, "insurance_code")
        );
        assert_row_matches(&mismatches, csv_row, row, &at);
    }

    // What auditors rely on most, spelled out: every ID and code is text equal to the CSV's,
    // its leading zeros kept.
    let mut zeros = 0;
    for (csv_row, row) in mismatches.rows.iter().zip(&rows[1..]) {
        for name in ID_COLUMNS {
            let given = mismatches.cell(csv_row, name);
            let cell = &row[column(name)];
            if given.is_empty() {
                continue;
            }
            assert_eq!(cell, &Data::String(given.to_string()), "{name} {given}");
            zeros += usize::from(given.starts_with('0'));
        }
    }
    assert!(zeros >= 40, "only {zeros} IDs and codes start with 0");
    // The formula attempt is the text itself, and no cell of any sheet is a formula.
    let formula_row = mismatches
        .rows
        .iter()
        .position(|row| mismatches.cell(row, "insurance_code") == FORMULA_CODE)
        .unwrap();
    assert_eq!(
        rows[formula_row + 1][column("name_given")],
        Data::String(FORMULA_NAME.to_string())
    );
    let mut book = open_workbook_auto(&path).unwrap();
    for (name, _) in &sheets {
        let formulas = book.worksheet_formula(name).unwrap();
        let found: Vec<&String> = formulas.used_cells().map(|(_, _, f)| f).collect();
        assert!(found.is_empty(), "formulas in sheet {name}: {found:?}");
    }
}

#[test]
fn the_vietnamese_workbook_has_vietnamese_headers_over_the_same_cells() {
    // The default language is Vietnamese: headers, sheet names and the reasons' meanings; every
    // cell of the rows is the English workbook's (codes, IDs, dates, numbers).
    let (env, _) = run_fixture(&["--xlsx"]);
    let english = sheets(&env.out().join("mismatches.xlsx"));
    env.reconcile_into("vi", &["--xlsx"]).expect_code(0);
    let vietnamese = sheets(&env.join("vi").join("mismatches.xlsx"));
    let names: Vec<&str> = vietnamese.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["chưa đồng bộ"]);
    let (en_rows, vi_rows) = (rows_of(&english[0].1), rows_of(&vietnamese[0].1));
    let header: Vec<String> = vi_rows[0].iter().map(|h| h.to_string()).collect();
    for (key, label) in [
        ("status", "Trạng thái"),
        ("insurance_code", "Mã số BHXH"),
        ("id_given", "Số định danh trong hồ sơ"),
        ("name_register", "Họ tên theo CSDL dân cư"),
        ("dob_given", "Ngày sinh trong hồ sơ"),
    ] {
        assert_eq!(header[column(key)], label, "{header:?}");
    }
    assert_eq!(en_rows.len(), vi_rows.len());
    let meaning = column("reasons_meaning");
    for (en, vi) in en_rows.iter().zip(&vi_rows).skip(1) {
        for (col, (a, b)) in en.iter().zip(vi).enumerate() {
            if col != meaning {
                assert_eq!(a, b, "column {}", XLSX_HEADER[col]);
            }
        }
    }
    let meanings: Vec<String> = vi_rows
        .iter()
        .skip(1)
        .map(|row| row[meaning].to_string())
        .collect();
    assert!(
        meanings
            .iter()
            .any(|m| m.contains("id_missing: hồ sơ không có số định danh")),
        "{meanings:?}"
    );
}

// 2: the header is frozen and filtered (the sheet's XML)

/// The file `name` of a zip archive (stored or deflated), found through its central directory.
fn zip_entry(archive: &[u8], name: &str) -> Option<Vec<u8>> {
    let u16_at = |at: usize| u16::from_le_bytes([archive[at], archive[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(archive[at..at + 4].try_into().unwrap()) as usize;
    // The end-of-central-directory record: the last `PK\x05\x06`.
    let end = archive
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("a zip archive");
    let entries = u16_at(end + 10);
    let mut at = u32_at(end + 16);
    for _ in 0..entries {
        assert_eq!(
            &archive[at..at + 4],
            b"PK\x01\x02",
            "central directory entry"
        );
        let method = u16_at(at + 10);
        let compressed = u32_at(at + 20);
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let local = u32_at(at + 42);
        let entry_name = &archive[at + 46..at + 46 + name_len];
        at += 46 + name_len + extra_len + comment_len;
        if entry_name != name.as_bytes() {
            continue;
        }
        assert_eq!(&archive[local..local + 4], b"PK\x03\x04", "local header");
        let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let data = &archive[data..data + compressed];
        return Some(match method {
            0 => data.to_vec(),
            8 => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(data)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            other => panic!("{name}: compression method {other}"),
        });
    }
    None
}

/// The XML of sheet `n` (1-based) of a workbook.
fn sheet_xml(archive: &[u8], n: usize) -> String {
    let name = format!("xl/worksheets/sheet{n}.xml");
    let xml = zip_entry(archive, &name).unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8(xml).unwrap()
}

/// The one element `<tag …/>` of `xml`, as written.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag} ");
    let mut found = xml.match_indices(&open);
    let (start, _) = found
        .next()
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"));
    assert!(found.next().is_none(), "several <{tag}> in {xml}");
    let end = start + xml[start..].find('>').unwrap() + 1;
    &xml[start..end]
}

/// Asserts that the header row of sheet `n` is frozen (rows scroll under it, columns do not
/// freeze) and filtered over the header and its `rows` data rows, all 33 columns (A-AG).
#[track_caller]
fn assert_frozen_and_filtered(archive: &[u8], n: usize, rows: usize) {
    let xml = sheet_xml(archive, n);
    let pane = element(&xml, "pane");
    assert!(pane.contains(r#"ySplit="1""#), "sheet {n}: {pane}");
    assert!(pane.contains(r#"state="frozen""#), "sheet {n}: {pane}");
    assert!(pane.contains(r#"topLeftCell="A2""#), "sheet {n}: {pane}");
    assert!(
        !pane.contains("xSplit"),
        "sheet {n}: a column is frozen: {pane}"
    );
    let filter = element(&xml, "autoFilter");
    assert!(
        filter.starts_with(&format!(r#"<autoFilter ref="A1:AK{}""#, rows + 1)),
        "sheet {n} with {rows} data rows: {filter}"
    );
}

#[test]
fn the_header_is_frozen_and_filtered() {
    let (env, mismatches) = run_fixture(&["--xlsx"]);
    let archive = env.read_out("mismatches.xlsx");
    assert_frozen_and_filtered(&archive, 1, mismatches.rows.len());
    // Excel applies a filter through the sheet's hidden name for it.
    let workbook = String::from_utf8(zip_entry(&archive, "xl/workbook.xml").unwrap()).unwrap();
    assert!(
        workbook.contains(&format!(
            r#"<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">mismatches!$A$1:$AK${}</definedName>"#,
            mismatches.rows.len() + 1
        )),
        "{workbook}"
    );
}

// 3: a list longer than a sheet continues on the next

#[test]
fn a_list_longer_than_a_sheet_continues_on_the_next() {
    // `--xlsx-sheet-rows` counts the header: 12 mismatches in sheets of 1 data row (12 sheets),
    // of 4 (3 sheets filled exactly, no empty fourth), of 5 (5, 5 and 2), of 12 (exactly one).
    for (sheet_rows, sizes) in [
        (2, vec![1; 12]),
        (5, vec![4, 4, 4]),
        (6, vec![5, 5, 2]),
        (13, vec![12]),
    ] {
        let flag = sheet_rows.to_string();
        let (env, mismatches) = run_fixture(&["--xlsx", "--xlsx-sheet-rows", &flag]);
        assert_eq!(mismatches.rows.len(), 12);
        let path = env.out().join("mismatches.xlsx");
        let sheets = sheets(&path);
        let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
        let expected: Vec<String> = (1..=sizes.len())
            .map(|n| match n {
                1 => "mismatches".to_string(),
                n => format!("mismatches {n}"),
            })
            .collect();
        assert_eq!(names, expected, "--xlsx-sheet-rows {sheet_rows}");
        let archive = std::fs::read(&path).unwrap();
        let mut data_rows = Vec::new();
        for (n, ((name, range), size)) in sheets.iter().zip(&sizes).enumerate() {
            let rows = rows_of(range);
            assert_header(name, &rows[0]);
            assert_eq!(
                rows.len() - 1,
                *size,
                "data rows of sheet {name} (--xlsx-sheet-rows {sheet_rows})"
            );
            assert_frozen_and_filtered(&archive, n + 1, *size);
            data_rows.extend(rows.into_iter().skip(1).map(|row| (name.clone(), row)));
        }
        // All of mismatches.csv, in order, each row once.
        assert_eq!(data_rows.len(), mismatches.rows.len());
        for (i, (csv_row, (sheet, row))) in mismatches.rows.iter().zip(&data_rows).enumerate() {
            let at = format!(
                "data row {} (sheet {sheet}, --xlsx-sheet-rows {sheet_rows})",
                i + 1
            );
            assert_row_matches(&mismatches, csv_row, row, &at);
        }
    }
}

// One workbook per current province

#[test]
fn the_province_workbooks_hold_each_province_s_rows_and_add_up_to_the_whole_list() {
    let (env, mismatches) = run_fixture(&["--split-by", "province", "--xlsx-sheet-rows", "4"]);
    assert!(
        env.out().join("mismatches.xlsx").is_file(),
        "--split-by implies --xlsx"
    );
    let folder = env.out().join("provinces");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Every current province of the table and the unknown one, named by code and name
    // without diacritics, every night (with or without rows).
    assert_eq!(names.len(), 35, "{names:?}");
    for expected in [
        "01-ha-noi.xlsx",
        "79-ho-chi-minh.xlsx",
        "48-da-nang.xlsx",
        "unknown-province.xlsx",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} in {names:?}"
        );
    }
    let code = column("current_province_code");
    let mut seen = Vec::new();
    for name in &names {
        let expected_code = name.split('-').next().unwrap();
        for (sheet, range) in sheets(&folder.join(name)) {
            let rows = rows_of(&range);
            assert_header(&sheet, &rows[0]);
            for row in rows.into_iter().skip(1) {
                let row_code = match &row[code] {
                    Data::String(c) => c.clone(),
                    Data::Empty => String::new(),
                    other => panic!("{name}: current_province_code {other:?} is not text"),
                };
                match name.as_str() {
                    "unknown-province.xlsx" => assert_eq!(row_code, "", "{name}"),
                    _ => assert_eq!(row_code, expected_code, "{name}"),
                }
                seen.push(row);
            }
        }
    }
    // Together, every row of the list, each once.
    assert_eq!(seen.len(), mismatches.rows.len());
    let line = column("line");
    let mut lines: Vec<String> = seen.iter().map(|r| r[line].to_string()).collect();
    lines.sort();
    let mut expected: Vec<String> = mismatches
        .values("line")
        .iter()
        .map(|l| l.to_string())
        .collect();
    expected.sort();
    assert_eq!(lines, expected);
    // A night without the split leaves no provinces/ folder behind.
    env.reconcile(&["--xlsx"]).expect_code(0);
    assert!(!folder.exists());
}

#[test]
fn each_province_s_statuses_and_reasons_add_up_and_its_report_row_links_its_workbook() {
    let (env, _) = run_fixture(&["--split-by", "province"]);
    let summary = env.summary();
    let provinces = summary["provinces"].as_array().unwrap();
    let mut statuses = std::collections::BTreeMap::<String, u64>::new();
    let mut reasons = std::collections::BTreeMap::<String, u64>::new();
    for p in provinces {
        for (k, v) in p["statuses"].as_object().unwrap() {
            *statuses.entry(k.clone()).or_default() += v.as_u64().unwrap();
        }
        for (k, v) in p["reasons"].as_object().unwrap() {
            *reasons.entry(k.clone()).or_default() += v.as_u64().unwrap();
        }
        // A province's statuses add up to its participants.
        let own: u64 = p["statuses"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(own, p["participants"].as_u64().unwrap(), "{}", p["name"]);
    }
    // Every status and every reason, the whole-file flags included, is counted under a province.
    for (k, v) in summary["statuses"].as_object().unwrap() {
        assert_eq!(
            statuses.get(k).copied().unwrap_or(0),
            v.as_u64().unwrap(),
            "status {k}"
        );
    }
    for (k, v) in summary["reasons"].as_object().unwrap() {
        assert_eq!(
            reasons.get(k).copied().unwrap_or(0),
            v.as_u64().unwrap(),
            "reason {k}"
        );
    }
    // The report's row of each province with rows links to that province's workbook.
    let page = String::from_utf8(env.read_out("report.html")).unwrap();
    for p in provinces {
        let code = p["code"].as_str().unwrap_or("unknown");
        let workbook = summary["workbooks"]["provinces"][code].as_str().unwrap();
        assert!(env.out().join(workbook).is_file(), "{workbook}");
        let row = page
            .split(&format!("<tr id=\"province-{code}\">"))
            .nth(1)
            .unwrap_or_else(|| panic!("no report row for province {code}"));
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(&format!("href=\"{workbook}\"")), "{row}");
    }
}

// A text longer than a cell holds

/// Excel's limit on the characters of one cell.
const CELL_CHARS: usize = 32_767;

#[test]
fn a_text_longer_than_a_cell_holds_does_not_fail_the_run() {
    // An input value can be longer than a workbook cell holds (a pasted blob in an export):
    // mismatches.csv keeps it whole, and the workbook still holds every row, that cell cut to
    // what a cell holds. --xlsx never turns a run that publishes its set into one that fails.
    let long_name = format!("Khúc {} Mười", ["Văn"; 10_000].join(" "));
    let env = auditor_fixture();
    let mut text = String::from_utf8(env.read_in(".", "participants.csv")).unwrap();
    text.push_str(&format!("0101000013,{long_name},01/01/1990,Nam,,001,\n"));
    env.write("participants.csv", text);
    // Without --xlsx the run publishes its set; with it, the same.
    env.reconcile_into("plain", &[]).expect_code(0);
    env.reconcile(&["--xlsx"]).expect_code(0);
    let mismatches = env.mismatches();
    let long_row = mismatches.row_where("insurance_code", "0101000013");
    assert_eq!(mismatches.cell(long_row, "name_given"), long_name);
    let sheets = sheets(&env.out().join("mismatches.xlsx"));
    let rows = rows_of(&sheets[0].1);
    assert_eq!(rows.len() - 1, mismatches.rows.len());
    for (i, (csv_row, row)) in mismatches.rows.iter().zip(&rows[1..]).enumerate() {
        if csv_row == long_row {
            continue;
        }
        assert_row_matches(&mismatches, csv_row, row, &format!("row {}", i + 2));
    }
    let at = mismatches
        .rows
        .iter()
        .position(|row| row == long_row)
        .unwrap();
    let cell = &rows[at + 1][column("name_given")];
    let Data::String(cell) = cell else {
        panic!("the long name is not text: {cell:?}");
    };
    assert!(
        cell.chars().count() <= CELL_CHARS,
        "{} characters",
        cell.chars().count()
    );
    let start: String = long_name.chars().take(1_000).collect();
    assert!(
        cell.starts_with(&start),
        "the cell does not start as the name does"
    );
}

// 4: published with the set, or not at all

#[cfg(unix)]
#[test]
fn the_workbook_is_written_only_with_xlsx_and_published_with_the_set() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let env = auditor_fixture();
    env.reconcile_into("plain", &[]).expect_code(0);
    assert!(
        !env.listing("plain")
            .contains(&"mismatches.xlsx".to_string()),
        "mismatches.xlsx without --xlsx: {:?}",
        env.listing("plain")
    );

    // With --xlsx: in the set beside the CSV files, with their mode, no temporary file left.
    env.reconcile(&["--xlsx"]).expect_code(0);
    let listing = env.listing("out");
    assert!(
        listing.contains(&"mismatches.xlsx".to_string()),
        "{listing:?}"
    );
    let mut without_xlsx = env.listing("plain");
    without_xlsx.push("mismatches.xlsx".to_string());
    without_xlsx.sort();
    assert_eq!(listing, without_xlsx, "--xlsx adds mismatches.xlsx only");
    for name in &listing {
        assert_eq!(mode(&env.out().join(name)), 0o600, "{name}");
    }
    let (with, _) = &sheets(&env.out().join("mismatches.xlsx"))[0];
    assert_eq!(with, "chưa đồng bộ", "Vietnamese by default");

    // --output-mode applies to the workbook as to the other files.
    env.reconcile_into("shared", &["--xlsx", "--output-mode", "640"])
        .expect_code(0);
    for name in env.listing("shared") {
        assert_eq!(mode(&env.join("shared").join(&name)), 0o640, "{name}");
    }

    // The next run without --xlsx replaces the set as a whole: the workbook goes with the set
    // it belonged to, into the history, and is not left beside newer CSV files.
    env.reconcile(&[]).expect_code(0);
    assert!(
        !env.listing("out").contains(&"mismatches.xlsx".to_string()),
        "a workbook of an earlier run is left in the set: {:?}",
        env.listing("out")
    );
    let mut history = env.listing("out.history");
    history.retain(|name| name != "history.sqlite");
    assert_eq!(history.len(), 1, "{history:?}");
    let kept = format!("out.history/{}", history[0]);
    assert!(
        env.listing(&kept).contains(&"mismatches.xlsx".to_string()),
        "{:?}",
        env.listing(&kept)
    );
}

// 5: LibreOffice Calc opens it and shows the IDs and names as given

/// `soffice` on the PATH; `None` (with a notice) when it is missing, a failure under CI.
fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("soffice"))
            .find(|path| path.is_file())
    });
    if found.is_some() {
        return found;
    }
    if std::env::var_os("CI").is_some() {
        panic!("soffice is missing and CI is set: the LibreOffice workbook test cannot run");
    }
    eprintln!("notice: soffice is missing; skipping the LibreOffice workbook test");
    None
}

/// Converts `xlsx` to CSV (comma, double quotes, UTF-8, cells as shown) into `dir` with
/// headless LibreOffice and a profile of its own, killing it after 120 s; the CSV's text.
fn convert_to_csv(soffice: &Path, xlsx: &Path, dir: &Path) -> String {
    let profile = dir.join("profile");
    let mut child = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir)
        .arg(xlsx)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start soffice");
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("soffice did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = reader.join().unwrap();
    assert!(status.success(), "soffice failed: {status}\n{stderr}");
    let csv = dir.join("mismatches.csv");
    std::fs::read_to_string(&csv)
        .unwrap_or_else(|e| panic!("{}: {e}; soffice said:\n{stderr}", csv.display()))
}

#[test]
fn libreoffice_shows_the_ids_and_names_as_given() {
    let Some(soffice) = soffice() else {
        return;
    };
    let (env, mismatches) = run_fixture(&["--xlsx"]);
    let converted = tempfile::tempdir().unwrap();
    let text = convert_to_csv(
        &soffice,
        &env.out().join("mismatches.xlsx"),
        converted.path(),
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, XLSX_HEADER, "the header as LibreOffice shows it");
    let shown: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        shown.len(),
        mismatches.rows.len(),
        "rows as LibreOffice shows them"
    );
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let text_columns = ID_COLUMNS.iter().chain(&[
        "status",
        "name_given",
        "name_register",
        "gender_given",
        "gender_register",
        "province",
        "province_register",
    ]);
    for (csv_row, row) in mismatches.rows.iter().zip(&shown) {
        let code = mismatches.cell(csv_row, "insurance_code");
        // IDs and codes with their leading zeros, Vietnamese names and provinces with their
        // diacritics, and the formula attempt as its text, not its result.
        for column in text_columns.clone() {
            assert_eq!(
                row[at(column)],
                unguarded(mismatches.cell(csv_row, column)),
                "{code}: {column}"
            );
        }
        // Dates shown dd/mm/yyyy as in mismatches.csv (a partial one as its text).
        for column in DATE_COLUMNS {
            assert_eq!(
                row[at(column)],
                mismatches.cell(csv_row, column),
                "{code}: {column}"
            );
        }
        assert_eq!(
            row[at("line")],
            mismatches.cell(csv_row, "line"),
            "{code}: line"
        );
    }
    // The comparisons above are about these values: the fixture holds them.
    let given: Vec<&str> = shown
        .iter()
        .map(|row| row[at("name_given")].as_str())
        .collect();
    let register: Vec<&str> = shown
        .iter()
        .map(|row| row[at("name_register")].as_str())
        .collect();
    assert!(given.contains(&"Khúc Đức Mạnh"), "{given:?}");
    assert!(register.contains(&"Khúc Thị Ngọc Ánh"), "{register:?}");
    assert!(given.contains(&FORMULA_NAME), "{given:?}");
    let ids: Vec<&str> = shown
        .iter()
        .map(|row| row[at("id_given")].as_str())
        .collect();
    assert!(ids.contains(&"001050012345"), "{ids:?}");
}
