//! The corpus of bad input (docs/input.md): each case with its expected outcome — an exit code and a
//! message naming the file (and line or column), or rows in rejects.csv with their lines — and,
//! whenever the run completes, rows in = rows out.

mod common;

use common::*;

const HEADER: &str = "insurance_code,full_name,dob,gender,person_id,province_code,scheme";

/// What a case must give.
enum Expect {
    /// The run fails with this exit code and a message containing each fragment.
    Fails(i32, &'static [&'static str]),
    /// The run completes; these lines of the participants file are rejected.
    Rejects(&'static [u64]),
}

fn register() -> String {
    let id = cccd(1, false, 1980, 1);
    format!("person_id,full_name,dob,gender\n{id},Nguyễn Văn An,01/02/1980,Nam\n")
}

/// Records the csv crate (flexible) reads from a participants file: what "rows in" means.
fn records_in(bytes: &[u8]) -> usize {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes)
        .byte_records()
        .count()
}

fn check(name: &str, participants: &[u8], expect: Expect) {
    let env = TestEnv::new();
    env.write("participants.csv", participants);
    env.write("register.csv", register());
    let run = env.reconcile(&[]);
    match expect {
        Expect::Fails(code, fragments) => {
            assert_eq!(run.code, code, "{name}: {}", run.stderr);
            for fragment in fragments {
                assert!(
                    run.stderr.contains(fragment),
                    "{name}: `{fragment}` not in {}",
                    run.stderr
                );
            }
            assert!(
                !env.path().join("out/results.csv").exists(),
                "{name}: results.csv written"
            );
        }
        Expect::Rejects(lines) => {
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            let results = env.results();
            assert_eq!(
                results.rows.len(),
                records_in(participants),
                "{name}: rows in != rows out"
            );
            let rejects = env.rejects();
            let got: Vec<u64> = rejects
                .rows
                .iter()
                .filter(|r| rejects.cell(r, "file") == "participants")
                .map(|r| rejects.cell(r, "line").parse().unwrap())
                .collect();
            assert_eq!(got, lines, "{name}: {:#?}", rejects.rows);
            let rejected = results.with_status("REJECTED").len();
            assert_eq!(rejected, lines.len(), "{name}: REJECTED rows");
        }
    }
}

fn row(code: &str, name: &str, dob: &str) -> String {
    format!("{code},{name},{dob},Nam,,001,health")
}

#[test]
fn empty_file() {
    check(
        "empty",
        b"",
        Expect::Fails(1, &["participants.csv", "empty"]),
    );
}

#[test]
fn header_only() {
    check(
        "header only",
        format!("{HEADER}\n").as_bytes(),
        Expect::Rejects(&[]),
    );
}

#[test]
fn missing_required_column() {
    let text = "insurance_code,full_name,gender\n1,A,Nam\n";
    check(
        "missing dob",
        text.as_bytes(),
        Expect::Fails(1, &["participants.csv", "`dob`"]),
    );
}

#[test]
fn duplicate_header_names() {
    let text = "insurance_code,full_name,dob,dob\n1,A,1950,1960\n";
    check(
        "dob twice",
        text.as_bytes(),
        Expect::Fails(1, &["participants.csv", "dob", "2 times"]),
    );
}

#[test]
fn byte_order_mark_and_crlf_line_ends() {
    let text = format!(
        "\u{feff}{HEADER}\r\n{}\r\n1000000002,x\r\n{}\r\n",
        row("1000000001", "Nguyễn Văn An", "01/02/1980"),
        row("1000000003", "Lê Văn Ba", "1975")
    );
    check("BOM + CRLF", text.as_bytes(), Expect::Rejects(&[3]));
}

#[test]
fn ragged_rows_too_few_and_too_many_fields() {
    let text = format!(
        "{HEADER}\n{}\n1000000002,A,1950\n{},extra\n{}\n",
        row("1000000001", "A", "1950"),
        row("1000000003", "B", "1960"),
        row("1000000004", "C", "1970")
    );
    check("ragged", text.as_bytes(), Expect::Rejects(&[3, 4]));
}

#[test]
fn unterminated_quote_is_an_error_naming_its_line_not_lost_rows() {
    let text = format!(
        "{HEADER}\n{}\n1000000002,\"Trần Văn Bốn,1950,Nam,,001,health\n{}\n{}\n",
        row("1000000001", "A", "1950"),
        row("1000000003", "B", "1960"),
        row("1000000004", "C", "1970")
    );
    check(
        "unterminated quote",
        text.as_bytes(),
        Expect::Fails(1, &["participants.csv", "line 3", "quote"]),
    );
}

#[test]
fn embedded_newline_in_a_quoted_name_is_a_value_and_lines_stay_right() {
    let text = format!(
        "{HEADER}\n1000000001,\"Nguyễn\nVăn An\",01/02/1980,Nam,,001,health\n1000000002,x\n"
    );
    check("embedded newline", text.as_bytes(), Expect::Rejects(&[4]));
}

#[test]
fn invalid_utf8_and_nul_bytes_are_rejected_rows() {
    let mut bytes = format!("{HEADER}\n{}\n", row("1000000001", "A", "1950")).into_bytes();
    bytes.extend_from_slice(b"1000000002,Nguy\xe3n,1950,Nam,,001,health\n");
    bytes.extend_from_slice(b"1000000003,B\x00C,1950,Nam,,001,health\n");
    bytes.extend_from_slice(format!("{}\n", row("1000000004", "D", "1950")).as_bytes());
    check("invalid UTF-8, NUL", &bytes, Expect::Rejects(&[3, 4]));
}

#[test]
fn a_ten_megabyte_field_is_read_and_truncated_in_rejects() {
    let big = "x".repeat(10 << 20);
    let text = format!(
        "{HEADER}\n1000000001,{big},1950\n{}\n",
        row("1000000002", "A", "1950")
    );
    check("10 MB field", text.as_bytes(), Expect::Rejects(&[2]));
}

#[test]
fn impossible_dates_are_dob_invalid_not_crashes() {
    let id = cccd(1, false, 1980, 1);
    let env = TestEnv::new();
    env.write("register.csv", register());
    let rows: Vec<String> = ["31/02/1990", "0/0/0", "99999999", "1.5E+4", ""]
        .iter()
        .enumerate()
        .map(|(i, dob)| format!("10000000{i:02},Nguyễn Văn An,{dob},Nam,{id},001,health"))
        .collect();
    env.write(
        "participants.csv",
        format!("{HEADER}\n{}\n", rows.join("\n")),
    );
    env.reconcile(&[]).expect_code(0);
    let results = env.results();
    assert_eq!(results.rows.len(), 5);
    for r in &results.rows {
        assert!(r.has_reason("dob_invalid"), "{r:?}");
    }
}

#[test]
fn ids_with_letters_spaces_or_scientific_notation_never_match_wrongly() {
    let env = TestEnv::new();
    env.write("register.csv", register());
    let rows: Vec<String> = [
        "1.23457E+11",
        "00109001234A",
        "CMND 123",
        "0010 8000 0001 9",
    ]
    .iter()
    .enumerate()
    .map(|(i, id)| format!("10000000{i:02},Phạm Thị Lan,03/03/1993,Nữ,{id},001,health"))
    .collect();
    env.write(
        "participants.csv",
        format!("{HEADER}\n{}\n", rows.join("\n")),
    );
    env.reconcile(&[]).expect_code(0);
    for r in &env.results().rows {
        assert!(r.person_id.is_empty(), "{r:?}");
        assert!(r.has_reason("id_malformed"), "{r:?}");
    }
}

#[test]
fn inputs_that_are_not_files_and_outputs_that_cannot_be_written() {
    let env = TestEnv::new();
    env.write("register.csv", register());
    env.write("participants.csv", format!("{HEADER}\n"));
    std::fs::create_dir(env.path().join("a-directory")).unwrap();
    let run = env.run(&[
        "reconcile",
        "--participants",
        "a-directory",
        "--register",
        "register.csv",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("a-directory") && run.stderr.contains("directory"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "reconcile",
        "--participants",
        "missing.csv",
        "--register",
        "register.csv",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
    // An output "folder" that is a file.
    env.write("taken", "x");
    let run = env.reconcile_into("taken", &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("taken"), "{}", run.stderr);
}

#[test]
fn a_run_that_cannot_fit_in_memory_says_so_before_it_starts() {
    let env = TestEnv::new();
    env.write("register.csv", register());
    env.write(
        "participants.csv",
        format!("{HEADER}\n{}\n", row("1000000001", "A", "1950")),
    );
    let run = env.reconcile(&["--memory-limit", "1M"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("register.csv"), "{}", run.stderr);
    assert!(
        run.stderr.contains("needs about") && run.stderr.contains("--memory-limit"),
        "{}",
        run.stderr
    );
    assert!(!env.path().join("out/results.csv").exists());
    env.reconcile(&["--memory-limit", "4G"]).expect_code(0);
}

#[test]
fn legacy_vietnamese_encodings_are_detected_and_read_as_their_utf8_original() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let encoded = root.join("tests/fixtures_encoding");
    let register = root.join("fixtures/population.csv");
    let run = |participants: &std::path::Path, out: &std::path::Path, extra: &[&str]| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_popsync"))
            .arg("reconcile")
            .arg("-q")
            .arg("--participants")
            .arg(participants)
            .arg("--register")
            .arg(&register)
            .arg("--out")
            .arg(out)
            .args(extra)
            .status()
            .unwrap();
        assert!(status.success(), "{}", participants.display());
        std::fs::read(out.join("results.csv")).unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let expected = run(&encoded.join("utf8.csv"), &dir.path().join("utf8"), &[]);
    for (file, encoding) in [
        ("windows1258.csv", "windows-1258"),
        ("tcvn3.csv", "tcvn3"),
        ("vni.csv", "vni"),
    ] {
        let out = dir.path().join(encoding);
        assert_eq!(
            run(&encoded.join(file), &out, &[]),
            expected,
            "{file} detected"
        );
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(
            summary["inputs"]["participants"]["encoding"], encoding,
            "{file}"
        );
        let forced = dir.path().join(format!("{encoding}-forced"));
        assert_eq!(
            run(&encoded.join(file), &forced, &["--encoding", encoding]),
            expected,
            "{file} forced"
        );
    }
}
