//! Shared helpers for the `popsync reconcile` integration tests: a temporary folder holding the
//! two input files and the output folder, a way to run the built binary in it, and readers for
//! the output files.
//!
//! Every test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub const PARTICIPANTS_HEADER: [&str; 7] = [
    "insurance_code",
    "full_name",
    "dob",
    "gender",
    "person_id",
    "province_code",
    "scheme",
];

pub const REGISTER_HEADER: [&str; 7] = [
    "person_id",
    "old_id",
    "full_name",
    "dob",
    "gender",
    "province_code",
    "status",
];

pub const RESULTS_HEADER: [&str; 6] = [
    "insurance_code",
    "status",
    "person_id",
    "method",
    "score",
    "reasons",
];

pub const MISMATCHES_HEADER: [&str; 32] = [
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
    "current_province_code",
];

pub const REJECTS_HEADER: [&str; 5] = ["file", "line", "column", "error", "raw"];

/// The CSV files a run writes (summary.json aside).
pub const CSV_OUTPUTS: [&str; 4] = [
    "results.csv",
    "mismatches.csv",
    "duplicates.csv",
    "rejects.csv",
];

/// The SHA-256 of `bytes` in lower-case hex, as manifest.json writes it.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A valid 12-digit CCCD: `province` (digits 1-3), the gender-and-century digit (0/1 male/female
/// born 1900-1999, 2/3 born 2000-2099), the last two digits of `year`, then a 6-digit serial.
pub fn cccd(province: u16, female: bool, year: u16, serial: u32) -> String {
    assert!((1900..2100).contains(&year), "{year}");
    assert!(serial < 1_000_000, "{serial}");
    let digit4 = (year - 1900) / 100 * 2 + u16::from(female);
    format!("{province:03}{digit4}{:02}{serial:06}", year % 100)
}

/// A participants row in canonical column order.
#[derive(Debug, Clone, Default)]
pub struct P {
    pub code: String,
    pub name: String,
    pub dob: String,
    pub gender: String,
    pub id: String,
    pub province: String,
    pub scheme: String,
}

/// A participant with insurance code, name, date of birth, gender and person ID.
pub fn p(code: &str, name: &str, dob: &str, gender: &str, id: &str) -> P {
    P {
        code: code.into(),
        name: name.into(),
        dob: dob.into(),
        gender: gender.into(),
        id: id.into(),
        province: String::new(),
        scheme: String::new(),
    }
}

impl P {
    pub fn province(mut self, code: &str) -> P {
        self.province = code.into();
        self
    }

    pub fn scheme(mut self, scheme: &str) -> P {
        self.scheme = scheme.into();
        self
    }

    pub fn fields(&self) -> [&str; 7] {
        [
            &self.code,
            &self.name,
            &self.dob,
            &self.gender,
            &self.id,
            &self.province,
            &self.scheme,
        ]
    }
}

/// A register row in canonical column order.
#[derive(Debug, Clone, Default)]
pub struct R {
    pub id: String,
    pub old_id: String,
    pub name: String,
    pub dob: String,
    pub gender: String,
    pub province: String,
    pub status: String,
}

/// A living register person with ID, name, date of birth and gender.
pub fn r(id: &str, name: &str, dob: &str, gender: &str) -> R {
    R {
        id: id.into(),
        old_id: String::new(),
        name: name.into(),
        dob: dob.into(),
        gender: gender.into(),
        province: String::new(),
        status: "alive".into(),
    }
}

impl R {
    pub fn old_id(mut self, old: &str) -> R {
        self.old_id = old.into();
        self
    }

    pub fn province(mut self, code: &str) -> R {
        self.province = code.into();
        self
    }

    pub fn deceased(mut self) -> R {
        self.status = "deceased".into();
        self
    }

    pub fn fields(&self) -> [&str; 7] {
        [
            &self.id,
            &self.old_id,
            &self.name,
            &self.dob,
            &self.gender,
            &self.province,
            &self.status,
        ]
    }
}

/// CSV text (comma-separated, quoted where needed) of a header and rows.
pub fn csv_text<'a>(header: &[&str], rows: impl IntoIterator<Item = Vec<&'a str>>) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(header).unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

pub fn participants_csv(rows: &[P]) -> String {
    csv_text(
        &PARTICIPANTS_HEADER,
        rows.iter().map(|p| p.fields().to_vec()),
    )
}

pub fn register_csv(rows: &[R]) -> String {
    csv_text(&REGISTER_HEADER, rows.iter().map(|r| r.fields().to_vec()))
}

/// Replaces every `marker` in `text` with raw `bytes` (e.g. invalid UTF-8).
pub fn with_bytes(text: &str, marker: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut parts = text.split(marker);
    out.extend_from_slice(parts.next().unwrap_or("").as_bytes());
    for part in parts {
        out.extend_from_slice(bytes);
        out.extend_from_slice(part.as_bytes());
    }
    out
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("popsync was killed by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing the output when it is not the one expected.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code {} (expected {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// Every line of a JSON-mode (`--log-format json`) standard error, parsed; fails the test on a
/// line that is not a JSON object with `time`, `level`, `event` and `message`.
#[track_caller]
pub fn json_lines(stderr: &str) -> Vec<serde_json::Value> {
    stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("a log line is not JSON ({e}): {line:?}\n{stderr}"));
            for key in ["time", "level", "event", "message"] {
                assert!(
                    value.get(key).is_some_and(serde_json::Value::is_string),
                    "log line without a string `{key}`: {line}"
                );
            }
            value
        })
        .collect()
}

/// One row of results.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    pub insurance_code: String,
    pub status: String,
    pub person_id: String,
    pub method: String,
    pub score: String,
    pub reasons: String,
}

impl ResultRow {
    pub fn reason_list(&self) -> Vec<&str> {
        self.reasons.split(';').filter(|r| !r.is_empty()).collect()
    }

    pub fn has_reason(&self, reason: &str) -> bool {
        self.reason_list().contains(&reason)
    }
}

/// results.csv, in file order, with a lookup by insurance code.
#[derive(Debug)]
pub struct Results {
    pub rows: Vec<ResultRow>,
    by_code: HashMap<String, Vec<usize>>,
}

impl Results {
    /// The one row of `code` (panics when there is none or several).
    pub fn get(&self, code: &str) -> &ResultRow {
        match self.by_code.get(code).map(Vec::as_slice) {
            Some([i]) => &self.rows[*i],
            Some(many) => panic!("{code} appears {} times in results.csv", many.len()),
            None => panic!("{code} is not in results.csv: {:#?}", self.rows),
        }
    }

    /// Every row of `code`, in file order.
    pub fn all(&self, code: &str) -> Vec<&ResultRow> {
        self.by_code
            .get(code)
            .map(|v| v.iter().map(|&i| &self.rows[i]).collect())
            .unwrap_or_default()
    }

    pub fn codes(&self) -> Vec<&str> {
        self.rows
            .iter()
            .map(|r| r.insurance_code.as_str())
            .collect()
    }

    pub fn with_status(&self, status: &str) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.status == status)
            .map(|r| r.insurance_code.as_str())
            .collect()
    }
}

/// A CSV output file read as header + rows of strings.
#[derive(Debug)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column `{name}` in {:?}", self.header))
    }

    /// The value of `column` in `row`.
    pub fn cell<'a>(&'a self, row: &'a [String], column: &str) -> &'a str {
        &row[self.column(column)]
    }

    /// The rows whose `column` is `value`.
    pub fn rows_where(&self, column: &str, value: &str) -> Vec<&Vec<String>> {
        let c = self.column(column);
        self.rows.iter().filter(|r| r[c] == value).collect()
    }

    /// The one row whose `column` is `value` (panics otherwise).
    pub fn row_where(&self, column: &str, value: &str) -> &Vec<String> {
        match self.rows_where(column, value).as_slice() {
            [one] => one,
            other => panic!(
                "expected one row with {column} = {value:?}, found {}: {:#?}",
                other.len(),
                self.rows
            ),
        }
    }

    /// `column` of every row, in file order.
    pub fn values(&self, column: &str) -> Vec<&str> {
        let c = self.column(column);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }
}

/// The arguments of a quiet `popsync reconcile` of `participants.csv` and `register.csv` into
/// `out_dir`.
pub fn reconcile_args(out_dir: &str) -> Vec<&str> {
    vec![
        "reconcile",
        "--participants",
        "participants.csv",
        "--register",
        "register.csv",
        "--out",
        out_dir,
        "-q",
    ]
}

/// [`reconcile_args`] with the log in JSON lines (`--log-format json`): a night whose log a
/// test reads.
pub fn json_reconcile_args(out_dir: &str) -> Vec<&str> {
    let mut args = vec!["--log-format", "json"];
    args.extend(reconcile_args(out_dir));
    args
}

/// A temporary folder with `participants.csv`, `register.csv` and an `out` folder.
pub struct TestEnv {
    dir: TempDir,
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::Builder::new()
                .prefix("popsync-test-")
                .tempdir()
                .expect("creating a temporary folder"),
        }
    }

    /// Writes `participants.csv` and `register.csv` in the canonical schema.
    pub fn with(participants: &[P], register: &[R]) -> TestEnv {
        let env = TestEnv::new();
        env.write_participants(participants);
        env.write_register(register);
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The default output folder.
    pub fn out(&self) -> PathBuf {
        self.join("out")
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) {
        let path = self.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    pub fn write_participants(&self, rows: &[P]) {
        self.write("participants.csv", participants_csv(rows));
    }

    pub fn write_register(&self, rows: &[R]) {
        self.write("register.csv", register_csv(rows));
    }

    /// Runs `popsync` with `args`, in the temporary folder.
    pub fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        self.run_with_stdin(args, std::process::Stdio::null())
    }

    /// `popsync` with `args`, to be run in the temporary folder: for a test that sets its
    /// environment, spawns it beside others, or only needs its exit status.
    pub fn command<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_popsync"));
        command.args(args).current_dir(self.path());
        command
    }

    /// Runs `popsync` with `args`, in the temporary folder, with `stdin` as its standard input
    /// (a file, a pipe from another process).
    pub fn run_with_stdin<S: AsRef<std::ffi::OsStr>>(
        &self,
        args: &[S],
        stdin: std::process::Stdio,
    ) -> Run {
        let output = (self.command(args).stdin(stdin).output()).expect("running popsync");
        Run::from(output)
    }

    /// `popsync reconcile` on `participants.csv` and `register.csv` into `out_dir`, quietly,
    /// with `extra` flags.
    pub fn reconcile_into(&self, out_dir: &str, extra: &[&str]) -> Run {
        let mut args = reconcile_args(out_dir);
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `popsync reconcile` into `out`, quietly, with `extra` flags.
    pub fn reconcile(&self, extra: &[&str]) -> Run {
        self.reconcile_into("out", extra)
    }

    /// Reconciles and asserts exit code 0.
    pub fn reconcile_ok(&self) -> Results {
        self.reconcile(&[]).expect_code(0);
        self.results()
    }

    pub fn read_out(&self, name: &str) -> Vec<u8> {
        self.read_in("out", name)
    }

    pub fn read_in(&self, out_dir: &str, name: &str) -> Vec<u8> {
        let path = self.join(out_dir).join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// An output CSV file of `out` as a table (a leading BOM is skipped).
    pub fn table(&self, name: &str) -> Table {
        self.table_in("out", name)
    }

    pub fn table_in(&self, out_dir: &str, name: &str) -> Table {
        let bytes = self.read_in(out_dir, name);
        let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let header = reader
            .headers()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.unwrap_or_else(|e| panic!("{name}: {e}"))
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Table { header, rows }
    }

    /// results.csv of `out`.
    pub fn results(&self) -> Results {
        self.results_in("out")
    }

    pub fn results_in(&self, out_dir: &str) -> Results {
        let table = self.table_in(out_dir, "results.csv");
        assert_eq!(table.header, RESULTS_HEADER, "results.csv header");
        let rows: Vec<ResultRow> = table
            .rows
            .iter()
            .map(|r| {
                assert_eq!(r.len(), 6, "results.csv row {r:?}");
                ResultRow {
                    insurance_code: r[0].clone(),
                    status: r[1].clone(),
                    person_id: r[2].clone(),
                    method: r[3].clone(),
                    score: r[4].clone(),
                    reasons: r[5].clone(),
                }
            })
            .collect();
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            by_code
                .entry(row.insurance_code.clone())
                .or_default()
                .push(i);
        }
        Results { rows, by_code }
    }

    pub fn mismatches(&self) -> Table {
        let table = self.table("mismatches.csv");
        assert_eq!(table.header, MISMATCHES_HEADER, "mismatches.csv header");
        table
    }

    pub fn rejects(&self) -> Table {
        let table = self.table("rejects.csv");
        assert_eq!(table.header, REJECTS_HEADER, "rejects.csv header");
        table
    }

    pub fn duplicates(&self) -> Table {
        self.table("duplicates.csv")
    }

    /// summary.json of `out`.
    pub fn summary(&self) -> serde_json::Value {
        self.summary_in("out")
    }

    pub fn summary_in(&self, out_dir: &str) -> serde_json::Value {
        let bytes = self.read_in(out_dir, "summary.json");
        serde_json::from_slice(&bytes).expect("summary.json is JSON")
    }

    /// The names in `dir` (relative to the temporary folder), sorted.
    pub fn listing(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Asserts a results.csv row: status, person_id, method and the exact `;`-joined reasons.
#[track_caller]
pub fn assert_row(
    results: &Results,
    code: &str,
    status: &str,
    person_id: &str,
    method: &str,
    reasons: &str,
) {
    let row = results.get(code);
    let expected = ResultRow {
        insurance_code: code.into(),
        status: status.into(),
        person_id: person_id.into(),
        method: method.into(),
        score: row.score.clone(),
        reasons: reasons.into(),
    };
    assert_eq!(row, &expected, "results.csv row of {code}");
}

/// Asserts that `code` is SYNCED to `person_id` by its ID, with no reason.
#[track_caller]
pub fn assert_synced(results: &Results, code: &str, person_id: &str) {
    assert_row(results, code, "SYNCED", person_id, "id", "");
}

/// A background population: `n` register persons with varied names and dates, each with a
/// participant row that copies it exactly (its 12-digit ID included). Matching estimates its
/// weights from the data, and a register of three persons gives no evidence either way; tests
/// that need realistic weights add this. Codes start with `99`, IDs use serials from 900,000,
/// names never use the family name `Khúc`, so nothing collides with a test's own rows.
#[allow(dead_code)]
pub fn population(n: usize) -> (Vec<P>, Vec<R>) {
    const FAMILY: [&str; 12] = [
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý",
    ];
    const MALE: [&str; 12] = [
        "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Long", "Minh", "Phong", "Sơn",
        "Tuấn",
    ];
    const FEMALE: [&str; 12] = [
        "Anh", "Châu", "Dung", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Phương", "Trang",
        "Yến",
    ];
    let (mut participants, mut register) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let female = i % 2 == 1;
        let given = if female {
            FEMALE[(i / 2) % 12]
        } else {
            MALE[(i / 2) % 12]
        };
        let middle = if female { "Thị" } else { "Văn" };
        let name = format!("{} {middle} {given}", FAMILY[(i * 7) % 12]);
        let year = 1940 + (i * 13 % 60) as u16;
        let dob = format!("{:02}/{:02}/{year}", 1 + i * 5 % 28, 1 + i * 7 % 12);
        let gender = if female { "Nữ" } else { "Nam" };
        // Serials spread over 900000-999999 as a real register's are, not consecutive: IDs
        // one edit apart would be common among persons of one province, sex and birth year, and
        // an ID typo weak evidence (`weights::id_typo_share`).
        let serial = 900_000 + (i as u32 * 7_919) % 100_000;
        let id = cccd(1 + (i % 3) as u16 * 30, female, year, serial);
        participants.push(p(&format!("99{i:08}"), &name, &dob, gender, &id));
        register.push(r(&id, &name, &dob, gender));
    }
    (participants, register)
}
