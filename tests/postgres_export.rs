//! Participants exported from PostgreSQL: `psql \copy (select …) to stdout with csv header`,
//! piped straight into `popsync reconcile --participants -`, gives the same outputs, byte for
//! byte, as the same export written to a file first, and the statuses the rows were built to give.
//!
//! Needs a PostgreSQL server that `psql` reaches through libpq's environment (`PGDATABASE`,
//! `PGHOST`, `PGPORT`, `PGUSER`, …) as a user allowed to create databases; `.ci/run` installs and
//! starts one and sets `PGDATABASE` and `PGPORT`. Without one the test fails when `CI` is set and
//! prints a notice and passes otherwise.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use common::*;

/// The export: the canonical columns in the canonical order, the date as ISO text whatever the
/// server's DateStyle, one row per participant in insurance-code order. NULL is an empty field.
const EXPORT: &str =
    "\\copy (select insurance_code, full_name, to_char(dob, 'YYYY-MM-DD') as dob, \
     gender, person_id, province_code, scheme from participants order by insurance_code) \
     to stdout with csv header";

/// `psql` without the user's psqlrc, quiet, stopping at the first error, talking UTF-8 whatever
/// the locale or the database's default.
fn psql() -> Command {
    let mut command = Command::new("psql");
    command
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
        .env("PGCLIENTENCODING", "UTF8");
    if std::env::var_os("PGCONNECT_TIMEOUT").is_none() {
        command.env("PGCONNECT_TIMEOUT", "10");
    }
    command
}

/// Whether `psql` reaches a server; without one, a failure under CI and a notice otherwise.
fn postgres_available() -> bool {
    let output = psql()
        .args(["-c", "select 1"])
        .stdin(Stdio::null())
        .output();
    let why = match output {
        Ok(output) if output.status.success() => return true,
        Ok(output) => String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        Err(e) => format!("psql could not be started: {e}"),
    };
    if std::env::var_os("CI").is_some() {
        panic!("PostgreSQL is not available and CI is set: .ci/run installs and starts it ({why})");
    }
    eprintln!("notice: PostgreSQL is not available ({why}); skipping the psql export test");
    false
}

/// Runs `sql` through psql on `database` (libpq's default database when `None`).
#[track_caller]
fn run_sql(database: Option<&str>, sql: &str) {
    let mut command = psql();
    if let Some(database) = database {
        command.args(["-d", database]);
    }
    let output = command
        .args(["-c", sql])
        .stdin(Stdio::null())
        .output()
        .expect("running psql");
    assert!(
        output.status.success(),
        "psql failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A database of its own for this run, dropped when it goes out of scope, a failed assertion
/// included.
struct ScratchDatabase {
    name: String,
}

impl ScratchDatabase {
    fn create() -> ScratchDatabase {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("popsync_test_{}_{nanos}", std::process::id());
        // UTF-8 and the C collation, whatever the cluster's defaults: the names are stored as
        // given and `order by` sorts the codes byte by byte.
        run_sql(
            None,
            &format!(
                "create database {name} template template0 encoding 'UTF8' \
                 lc_collate 'C' lc_ctype 'C'"
            ),
        );
        ScratchDatabase { name }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = psql()
            .args(["-c", &format!("drop database if exists {}", self.name)])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status();
    }
}

/// An SQL literal of `value`; `None` is NULL.
fn literal(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("'{}'", v.replace('\'', "''")),
        None => "NULL".into(),
    }
}

/// The participants table holding `rows`: an empty field of a row is NULL in the table, except
/// the insurance code, which is never NULL (an empty one stays the empty string).
fn create_table_sql(rows: &[P]) -> String {
    let mut sql = String::from(
        "create table participants (insurance_code text not null, full_name text, dob date, \
         gender text, person_id text, province_code text, scheme text);\n\
         insert into participants values\n",
    );
    let values: Vec<String> = rows
        .iter()
        .map(|p| {
            let [code, rest @ ..] = p.fields();
            let mut fields = vec![literal(Some(code))];
            fields.extend(
                rest.iter()
                    .map(|&v| literal(Some(v).filter(|v| !v.is_empty()))),
            );
            format!("({})", fields.join(", "))
        })
        .collect();
    sql.push_str(&values.join(",\n"));
    sql.push_str(";\n");
    sql
}

/// The records of a CSV text, header included.
fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// What a participant row was built to give in results.csv (the score aside).
struct Expected {
    status: &'static str,
    person_id: String,
    method: &'static str,
    reasons: &'static str,
}

fn expect(
    status: &'static str,
    person_id: &str,
    method: &'static str,
    reasons: &'static str,
) -> Expected {
    Expected {
        status,
        person_id: person_id.into(),
        method,
        reasons,
    }
}

fn synced(person_id: &str) -> Expected {
    expect("SYNCED", person_id, "id", "")
}

/// The participant rows, in insurance-code order (the export's), each with what it was built to
/// give, and the register they are reconciled with. Every CCCD begins with 0: its province of
/// birth is below 100.
fn data() -> (Vec<(P, Expected)>, Vec<R>) {
    let hoa = cccd(1, true, 1985, 123_456);
    let duc = cccd(79, false, 1978, 4_521);
    let anh = cccd(31, true, 1992, 70_001);
    let hung = cccd(1, false, 1971, 80_002);
    let huong = cccd(36, true, 1990, 80_003);
    let khai = cccd(40, false, 1983, 80_004);
    let mai = cccd(38, true, 1966, 80_005);
    let vinh = cccd(48, false, 1987, 80_006);
    let toan = cccd(38, false, 1972, 1_234);
    let lam = cccd(26, false, 1980, 80_008);
    let lan = cccd(75, true, 1995, 80_009);
    let nga = cccd(92, true, 1959, 80_010);
    let son = cccd(22, false, 1964, 80_011);
    let an = cccd(1, false, 2001, 80_012);
    let tai = cccd(40, false, 1975, 80_013);

    let mut rows = vec![
        // No insurance code (the empty string, not NULL): the export quotes it, `""`.
        (
            p("", "Mai Văn Tài", "1975-05-17", "Nam", &tai)
                .province("040")
                .scheme("compulsory"),
            expect("REJECTED", "", "", ""),
        ),
        // The register has "Hòa": the old and the new accent placement are one canonical name.
        (
            p("0101000001", "Nguyễn Thị Hoà", "1985-03-12", "Nữ", &hoa)
                .province("01")
                .scheme("compulsory"),
            synced(&hoa),
        ),
        (
            p("0101000002", "Trần Văn Đức", "1978-11-02", "Nam", &duc)
                .province("079")
                .scheme("health"),
            synced(&duc),
        ),
        // NULL province: the province takes no part in SYNCED.
        (
            p("0101000003", "Lê Thị Ngọc Ánh", "1992-07-25", "Nữ", &anh).scheme("voluntary"),
            synced(&anh),
        ),
        // A typo in the name (the register has "Hùng").
        (
            p("0101000004", "Phạm Văn Hùnh", "1971-01-30", "Nam", &hung)
                .province("001")
                .scheme("compulsory"),
            expect("DIFF", &hung, "id", "name_typo"),
        ),
        // The date of birth one digit off (the register has the 15th).
        (
            p(
                "0101000005",
                "Hoàng Thị Thu Hương",
                "1990-05-12",
                "Nữ",
                &huong,
            )
            .province("036")
            .scheme("health"),
            expect("DIFF", &huong, "id", "dob_typo"),
        ),
        // NULL gender, known in the register.
        (
            p("0101000006", "Vũ Đình Khải", "1983-09-09", "", &khai)
                .province("40")
                .scheme("compulsory"),
            expect("DIFF", &khai, "id", "gender_missing"),
        ),
        // NULL gender, unknown in the register too.
        (
            p("0101000007", "Đặng Thị Mai", "1966-02-14", "", &mai)
                .province("038")
                .scheme("health"),
            synced(&mai),
        ),
        // NULL person_id: searched, and the register holds exactly this person.
        (
            p("0101000008", "Bùi Quang Vinh", "1987-06-21", "Nam", "")
                .province("048")
                .scheme("compulsory"),
            expect("SUGGESTED", &vinh, "search", "id_missing"),
        ),
        // NULL person_id: searched, and nobody like her is in the register.
        (
            p("0101000009", "Ngô Thị Lụa", "1949-12-01", "Nữ", "")
                .province("037")
                .scheme("health"),
            expect("NOT_FOUND", "", "", "id_missing"),
        ),
        // The CCCD without its leading zero, as a numeric column keeps it.
        (
            p(
                "0101000010",
                "Đỗ Văn Toản",
                "1972-04-18",
                "Nam",
                toan.trim_start_matches('0'),
            )
            .province("038")
            .scheme("compulsory"),
            expect("DIFF", &toan, "id_restored", "id_zeros_restored"),
        ),
        // One person under two insurance codes.
        (
            p("0101000011", "Dương Văn Lâm", "1980-08-08", "Nam", &lam)
                .province("026")
                .scheme("compulsory"),
            expect("SYNCED", &lam, "id", "duplicate_person"),
        ),
        (
            p("0101000012", "Dương Văn Lâm", "1980-08-08", "Nam", &lam)
                .province("25")
                .scheme("health"),
            expect("SYNCED", &lam, "id", "duplicate_person"),
        ),
        // The diacritics lost.
        (
            p("0101000013", "Tran Thi Lan", "1995-10-20", "Nữ", &lan)
                .province("075")
                .scheme("voluntary"),
            expect("DIFF", &lan, "id", "name_diacritics"),
        ),
        // Capitals: the same canonical name.
        (
            p("0101000014", "LÝ THỊ NGA", "1959-03-03", "Nữ", &nga)
                .province("092")
                .scheme("health"),
            synced(&nga),
        ),
        // NULL date of birth.
        (
            p("0101000015", "Lý Văn Sơn", "", "Nam", &son)
                .province("022")
                .scheme("compulsory"),
            expect("DIFF", &son, "id", "dob_invalid"),
        ),
        // Decomposed Unicode (NFD), as some systems store it: the same canonical name.
        (
            p(
                "0101000016",
                "Nguye\u{302}\u{303}n Va\u{306}n An",
                "2001-01-01",
                "Nam",
                &an,
            )
            .province("01")
            .scheme("health"),
            synced(&an),
        ),
    ];
    let mut register = vec![
        r(&tai, "Mai Văn Tài", "17/05/1975", "Nam"),
        r(&hoa, "Nguyễn Thị Hòa", "12/03/1985", "Nữ"),
        r(&duc, "Trần Văn Đức", "02/11/1978", "Nam"),
        r(&anh, "Lê Thị Ngọc Ánh", "25/07/1992", "Nữ"),
        r(&hung, "Phạm Văn Hùng", "30/01/1971", "Nam"),
        r(&huong, "Hoàng Thị Thu Hương", "15/05/1990", "Nữ"),
        r(&khai, "Vũ Đình Khải", "09/09/1983", "Nam"),
        r(&mai, "Đặng Thị Mai", "14/02/1966", ""),
        r(&vinh, "Bùi Quang Vinh", "21/06/1987", "Nam").province("048"),
        r(&toan, "Đỗ Văn Toản", "18/04/1972", "Nam"),
        r(&lam, "Dương Văn Lâm", "08/08/1980", "Nam"),
        r(&lan, "Trần Thị Lan", "20/10/1995", "Nữ"),
        r(&nga, "Lý Thị Nga", "03/03/1959", "Nữ"),
        r(&son, "Lý Văn Sơn", "22/07/1964", "Nam"),
        r(&an, "Nguyễn Văn An", "01/01/2001", "Nam"),
    ];
    // Rows in sync with the register, as most of a real table is: the run estimates its
    // matching weights from the data, and the search needs agreeing pairs to learn from.
    const FAMILIES: [&str; 6] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ"];
    const GIVENS: [(&str, &str); 6] = [
        ("Văn Bình", "Nam"),
        ("Thị Hạnh", "Nữ"),
        ("Minh Tuấn", "Nam"),
        ("Thị Phương", "Nữ"),
        ("Quốc Việt", "Nam"),
        ("Thị Yến", "Nữ"),
    ];
    for i in 0..13u16 {
        let k = usize::from(i);
        let (given, gender) = GIVENS[k % 6];
        let name = format!("{} {given}", FAMILIES[k * 5 % 6]);
        let (year, month, day) = (1950 + i * 3, 1 + i % 12, 1 + i * 2);
        let id = cccd(
            [1, 79, 31, 48][k % 4],
            gender == "Nữ",
            year,
            90_000 + u32::from(i) * 37,
        );
        rows.push((
            p(
                &format!("0201{i:06}"),
                &name,
                &format!("{year}-{month:02}-{day:02}"),
                gender,
                &id,
            )
            .province(["01", "079", "031", "48"][k % 4])
            .scheme(["compulsory", "health", "voluntary"][k % 3]),
            synced(&id),
        ));
        register.push(r(
            &id,
            &name,
            &format!("{day:02}/{month:02}/{year}"),
            gender,
        ));
    }
    assert!(
        rows.is_sorted_by(|a, b| a.0.code <= b.0.code),
        "rows in insurance-code order"
    );
    (rows, register)
}

/// `popsync reconcile` in `dir` on `participants` (a path, or `-` for standard input) and
/// register.csv into `out`, quietly.
fn reconcile(dir: &Path, participants: &str, out: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_popsync"));
    command
        .args(["reconcile", "--participants", participants])
        .args(["--register", "register.csv", "--out", out, "-q"])
        .current_dir(dir);
    command
}

#[test]
fn a_psql_export_piped_in_gives_the_outputs_of_the_same_export_in_a_file() {
    if !postgres_available() {
        return;
    }
    let (rows, register) = data();
    let participants: Vec<P> = rows.iter().map(|(p, _)| p.clone()).collect();
    let env = TestEnv::new();
    env.write_register(&register);
    let database = ScratchDatabase::create();
    run_sql(Some(&database.name), &create_table_sql(&participants));

    // The export redirected to a file, and a run on the file.
    let file = File::create(env.join("participants.csv")).unwrap();
    let export = psql()
        .args(["-d", &database.name, "-c", EXPORT])
        .stdin(Stdio::null())
        .stdout(Stdio::from(file))
        .output()
        .expect("running psql");
    assert!(
        export.status.success(),
        "psql export to a file failed ({}): {}",
        export.status,
        String::from_utf8_lossy(&export.stderr)
    );
    // It holds the rows as built: NULL as an empty field, the names' bytes as inserted.
    let exported = std::fs::read(env.join("participants.csv")).unwrap();
    assert_eq!(
        records(&exported),
        records(participants_csv(&participants).as_bytes()),
        "the export is not the table's rows"
    );
    env.reconcile_into("out2", &[]).expect_code(0);

    // What the rows were built to give, in the export's order.
    let results = env.results_in("out2");
    let codes: Vec<&str> = participants.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(results.codes(), codes, "rows in = rows out, in input order");
    for (p, e) in &rows {
        assert_row(
            &results,
            &p.code,
            e.status,
            &e.person_id,
            e.method,
            e.reasons,
        );
    }
    // Spelled out: the leading zeros survive the table and the CSV, the typo is not SYNCED,
    // the rows with a NULL person_id are searched.
    let synced = results.with_status("SYNCED");
    assert_eq!(synced.len(), 21, "{results:#?}");
    assert!(synced
        .iter()
        .all(|code| results.get(code).person_id.starts_with('0')));
    assert_eq!(results.get("0101000004").status, "DIFF");
    for code in ["0101000008", "0101000009"] {
        let row = results.get(code);
        assert!(row.has_reason("id_missing"), "{row:?}");
        assert!(
            ["SUGGESTED", "AMBIGUOUS", "NOT_FOUND"].contains(&row.status.as_str()),
            "{row:?}"
        );
    }
    let mismatches = env.table_in("out2", "mismatches.csv");
    let not_synced: Vec<&str> = results
        .rows
        .iter()
        .filter(|r| r.status != "SYNCED")
        .map(|r| r.insurance_code.as_str())
        .collect();
    assert_eq!(
        mismatches.values("insurance_code"),
        not_synced,
        "mismatches.csv"
    );
    let duplicates = env.table_in("out2", "duplicates.csv");
    assert_eq!(
        duplicates.values("insurance_code"),
        ["0101000011", "0101000012"]
    );
    let rejects = env.table_in("out2", "rejects.csv");
    assert_eq!(rejects.rows.len(), 1, "{:?}", rejects.rows);
    assert_eq!(rejects.values("file"), ["participants"]);
    assert_eq!(rejects.values("line"), ["2"]);
    assert_eq!(rejects.values("column"), ["insurance_code"]);

    // The same export through a pipe: psql's standard output is popsync's standard input.
    let mut export = psql()
        .args(["-d", &database.name, "-c", EXPORT])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting psql");
    let pipe = Stdio::from(export.stdout.take().unwrap());
    // The command, and with it this process's copy of the pipe's read end, is dropped as soon
    // as popsync exits: psql never blocks on a pipe nobody reads.
    let piped_run = reconcile(env.path(), "-", "out1")
        .stdin(pipe)
        .output()
        .expect("running popsync");
    let export = export.wait_with_output().unwrap();
    // popsync first: when it fails, psql's failure (a broken pipe) only follows from it.
    assert_eq!(
        piped_run.status.code(),
        Some(0),
        "popsync on the pipe ({})\n--- stdout\n{}\n--- stderr\n{}",
        piped_run.status,
        String::from_utf8_lossy(&piped_run.stdout),
        String::from_utf8_lossy(&piped_run.stderr)
    );
    assert!(
        export.status.success(),
        "psql export to the pipe failed ({}): {}",
        export.status,
        String::from_utf8_lossy(&export.stderr)
    );
    for name in CSV_OUTPUTS {
        assert!(
            env.read_in("out1", name) == env.read_in("out2", name),
            "{name} differs between the pipe and the file"
        );
    }
}
