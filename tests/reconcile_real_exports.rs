//! Real exports in (docs/input.md): a database export with column names of its own, the name
//! split in three, gender in codes and semicolons between fields; standard input, pipes, gzip
//! and zstd files; per-file delimiters, files without a header row, dates in month-first order;
//! strict mappings; the data-quality gates; UTF-16. Each gives the report the same data in
//! canonical form gives, or stops before anything is published, naming the file and the column
//! and never a value.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// The participants of a night, and the register they are reconciled with: a population in
/// sync (the run estimates its weights from it), and rows built to give the other statuses.
fn mixed() -> (Vec<P>, Vec<R>) {
    let (mut participants, mut register) = population(56);
    for (i, p) in participants.iter_mut().enumerate() {
        p.province = ["001", "079", "031", "048"][i % 4].into();
        p.scheme = ["compulsory", "health", "voluntary"][i % 3].into();
    }
    let hung = cccd(1, false, 1971, 80_002);
    let lan = cccd(75, true, 1995, 80_009);
    let vinh = cccd(48, false, 1987, 80_006);
    let khai = cccd(40, false, 1983, 80_004);
    let huong = cccd(36, true, 1990, 80_003);
    let tai = cccd(40, false, 1975, 80_013);
    let stranger = cccd(2, false, 1960, 80_100);
    participants.extend([
        // A typo in the name: the register has "Hùng".
        p("0101000001", "Phạm Văn Hùnh", "30/01/1971", "Nam", &hung).province("001"),
        // The wrong gender: the register has her as a woman.
        p("0101000002", "Trần Thị Lan", "20/10/1995", "Nam", &lan).province("075"),
        // No ID: searched, and the register holds exactly this person.
        p("0101000003", "Bùi Quang Vinh", "21/06/1987", "Nam", "").province("048"),
        // No ID, and nobody like her in the register.
        p("0101000004", "Ngô Thị Lụa", "01/12/1949", "Nữ", "").province("037"),
        // An ID the register does not hold.
        p("0101000005", "Khúc Văn Tư", "05/05/1960", "Nam", &stranger),
        // No gender, known in the register.
        p("0101000006", "Vũ Đình Khải", "09/09/1983", "", &khai).province("040"),
        // The date of birth one digit off: the register has the 15th.
        p(
            "0101000007",
            "Hoàng Thị Thu Hương",
            "12/05/1990",
            "Nữ",
            &huong,
        ),
        // No insurance code: rejected, with a row in rejects.csv.
        p("", "Mai Văn Tài", "17/05/1975", "Nam", &tai),
    ]);
    register.extend([
        r(&hung, "Phạm Văn Hùng", "30/01/1971", "Nam"),
        r(&lan, "Trần Thị Lan", "20/10/1995", "Nữ"),
        r(&vinh, "Bùi Quang Vinh", "21/06/1987", "Nam").province("048"),
        r(&khai, "Vũ Đình Khải", "09/09/1983", "Nam"),
        r(&huong, "Hoàng Thị Thu Hương", "15/05/1990", "Nữ"),
        r(&tai, "Mai Văn Tài", "17/05/1975", "Nam"),
    ]);
    (participants, register)
}

/// Asserts that the rows of [`mixed`] got the statuses they were built for, so that a
/// comparison of two runs compares more than one status.
#[track_caller]
fn assert_mixed_statuses(results: &Results) {
    let statuses: std::collections::BTreeSet<&str> =
        results.rows.iter().map(|r| r.status.as_str()).collect();
    assert!(statuses.len() >= 4, "statuses {statuses:?}");
    assert!(results.with_status("SYNCED").len() >= 50, "{results:#?}");
    let typo = results.get("0101000001");
    assert_eq!(
        (typo.status.as_str(), typo.reasons.as_str()),
        ("DIFF", "name_typo")
    );
    assert_ne!(results.get("0101000002").status, "SYNCED");
    for code in ["0101000003", "0101000004"] {
        let row = results.get(code);
        assert!(row.has_reason("id_missing"), "{row:?}");
        assert_ne!(row.status, "SYNCED", "{row:?}");
    }
    assert_eq!(results.get("0101000005").status, "NOT_FOUND");
    assert_eq!(results.get("0101000007").status, "DIFF");
    assert_eq!(results.get("").status, "REJECTED");
}

/// The header of the participants table as the insurance system exports it.
const EXPORT_HEADER: [&str; 8] = [
    "MA_SO_BHXH",
    "HO",
    "TEN_DEM",
    "TEN",
    "NGAY_SINH",
    "GIOI_TINH",
    "SO_CCCD",
    "MA_TINH",
];

/// The export's column mapping (docs/input.md).
const EXPORT_COLUMNS: &str = r#"
[participants.columns]
insurance_code = "MA_SO_BHXH"
full_name = ["HO", "TEN_DEM", "TEN"]
dob = "NGAY_SINH"
gender = "GIOI_TINH"
person_id = "SO_CCCD"
province_code = "MA_TINH"
"#;

/// The export's gender codes.
const GENDER_CODES: &str = r#"
[participants.values.gender]
"1" = "male"
"0" = "female"
"#;

/// A name split as the export stores it: family name, middle names, given name.
fn split_name(name: &str) -> [String; 3] {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (family, rest) = words.split_first().expect("a family name");
    let (given, middle) = rest.split_last().expect("a given name");
    [family.to_string(), middle.join(" "), given.to_string()]
}

/// The export's code of a gender.
fn gender_code(gender: &str) -> &'static str {
    match gender {
        "Nam" => "1",
        "Nữ" => "0",
        "" => "",
        other => panic!("no export code for {other:?}"),
    }
}

/// Records joined with `delimiter`, quoted where needed.
fn delimited<Records, Fields, Field>(delimiter: u8, records: Records) -> Vec<u8>
where
    Records: IntoIterator<Item = Fields>,
    Fields: IntoIterator<Item = Field>,
    Field: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for record in records {
        w.write_record(record).unwrap();
    }
    w.into_inner().unwrap()
}

/// The export's rows of `rows` (no scheme: the export has none), without its header.
fn export_rows(rows: &[P]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|p| {
            let [family, middle, given] = split_name(&p.name);
            vec![
                p.code.clone(),
                family,
                middle,
                given,
                p.dob.clone(),
                gender_code(&p.gender).into(),
                p.id.clone(),
                p.province.clone(),
            ]
        })
        .collect()
}

/// The participants `rows` as the insurance system exports them: semicolons, the name split
/// in three, gender coded `1` (male) and `0` (female).
fn export_csv(rows: &[P]) -> Vec<u8> {
    let header = vec![EXPORT_HEADER.map(String::from).to_vec()];
    delimited(b';', header.into_iter().chain(export_rows(rows)))
}

/// The participants of [`mixed`] as the export holds them: without a scheme.
fn mixed_for_export() -> (Vec<P>, Vec<R>) {
    let (participants, register) = mixed();
    (
        participants.into_iter().map(|p| p.scheme("")).collect(),
        register,
    )
}

/// The arguments of a quiet `popsync reconcile` on `participants` and `register` into `out`.
fn reconcile_args<'a>(
    participants: &'a str,
    register: &'a str,
    out: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "reconcile",
        "--participants",
        participants,
        "--register",
        register,
        "--out",
        out,
        "-q",
    ];
    args.extend_from_slice(extra);
    args
}

/// `popsync reconcile` in the test's folder on `participants` and `register` into `out`.
fn reconcile(env: &TestEnv, participants: &str, register: &str, out: &str, extra: &[&str]) -> Run {
    env.run(&reconcile_args(participants, register, out, extra))
}

/// As [`reconcile`], with `stdin` as popsync's standard input.
fn reconcile_with_stdin(
    env: &TestEnv,
    participants: &str,
    register: &str,
    out: &str,
    stdin: Stdio,
) -> Run {
    env.run_with_stdin(&reconcile_args(participants, register, out, &[]), stdin)
}

/// Asserts that the files `names` of the output folder `actual` are byte for byte those of
/// `expected`.
#[track_caller]
fn assert_same_outputs(env: &TestEnv, expected: &str, actual: &str, names: &[&str]) {
    for name in names {
        let (want, got) = (env.read_in(expected, name), env.read_in(actual, name));
        assert!(
            want == got,
            "{name} of {actual} differs from that of {expected}\n--- {expected}/{name}\n{}\n--- {actual}/{name}\n{}",
            String::from_utf8_lossy(&want),
            String::from_utf8_lossy(&got)
        );
    }
}

/// Asserts that a failed run published nothing in `out`.
#[track_caller]
fn assert_nothing_published(env: &TestEnv, out: &str) {
    for name in ["results.csv", "summary.json", "manifest.json"] {
        assert!(
            !env.join(out).join(name).exists(),
            "{out}/{name} was published"
        );
    }
}

/// Asserts that `stderr` holds each of `fragments`.
#[track_caller]
fn assert_says(stderr: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(stderr.contains(fragment), "`{fragment}` not in {stderr}");
    }
}

/// `file` compressed by the system's `gzip` (an export compressed as exchanges do it: with the
/// file's name in the gzip header).
fn gzip(file: &Path) -> Vec<u8> {
    let output = Command::new("gzip")
        .arg("-c")
        .arg(file)
        .output()
        .expect("running gzip (the gzip program is needed by this test)");
    assert!(output.status.success(), "gzip -c {}", file.display());
    output.stdout
}

/// `bytes` compressed as zstd frames, by the reference library the `zstd` program uses.
fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 3).expect("zstd compression")
}

/// manifest.json of the output folder `out`.
fn manifest(env: &TestEnv, out: &str) -> serde_json::Value {
    serde_json::from_slice(&env.read_in(out, "manifest.json")).expect("manifest.json is JSON")
}

#[test]
fn an_export_with_its_own_columns_split_names_and_gender_codes_gives_the_canonical_results() {
    let (participants, register) = mixed_for_export();
    assert!(participants.len() >= 60);
    let env = TestEnv::new();
    env.write_register(&register);
    env.write("canonical.csv", participants_csv(&participants));
    env.write("export.csv", export_csv(&participants));
    env.write("export.toml", format!("{EXPORT_COLUMNS}{GENDER_CODES}"));

    reconcile(&env, "canonical.csv", "register.csv", "canonical", &[]).expect_code(0);
    // No --delimiter: the semicolons are found from the export's header line, the commas
    // from the register's.
    reconcile(
        &env,
        "export.csv",
        "register.csv",
        "export",
        &["--config", "export.toml"],
    )
    .expect_code(0);

    assert_same_outputs(&env, "canonical", "export", &["results.csv"]);
    assert_mixed_statuses(&env.results_in("export"));
    // mismatches.csv shows the rows as read: the name joined from its three parts, the gender
    // decoded ("1" is male, so the wrong gender is still wrong).
    let read = |out: &str| -> Vec<Vec<String>> {
        let table = env.table_in(out, "mismatches.csv");
        let status = table.column("status");
        table
            .rows
            .into_iter()
            .filter(|r| r[status] != "REJECTED")
            .collect()
    };
    assert_eq!(read("export"), read("canonical"));
    let mismatches = env.table_in("export", "mismatches.csv");
    let lan = mismatches.row_where("insurance_code", "0101000002");
    assert_eq!(mismatches.cell(lan, "gender_given"), "Nam");
    assert_eq!(mismatches.cell(lan, "name_given"), "Trần Thị Lan");
    let summary = env.summary_in("export");
    assert_eq!(summary["inputs"]["participants"]["delimiter"], ";");
    assert_eq!(summary["inputs"]["register"]["delimiter"], ",");
    let gender = summary["quality"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "gender")
        .expect("a gender profile");
    assert_eq!(gender["source"], "GIOI_TINH");
    assert_eq!(gender["unreadable"], 0, "{gender}");
    assert_eq!(gender["gate"], "ok");
}

#[test]
fn an_export_coding_gender_without_a_value_mapping_stops_naming_the_column_and_no_value() {
    let (participants, register) = mixed_for_export();
    let env = TestEnv::new();
    env.write_register(&register);
    env.write("export.csv", export_csv(&participants));
    env.write("export.toml", EXPORT_COLUMNS);
    let run = reconcile(
        &env,
        "export.csv",
        "register.csv",
        "out",
        &["--config", "export.toml"],
    );
    run.expect_code(1);
    assert_says(
        &run.stderr,
        &[
            "export.csv",
            "`GIOI_TINH`",
            "[participants.values.gender]",
            "value",
        ],
    );
    // Counts and names only: no field of the file reaches the log.
    for p in &participants {
        let [family, _, _] = split_name(&p.name);
        for value in [&p.code, &p.name, &family, &p.dob, &p.id] {
            assert!(
                value.is_empty() || !run.stderr.contains(value.as_str()),
                "the value {value:?} is in the message: {}",
                run.stderr
            );
        }
    }
    assert_nothing_published(&env, "out");
}

#[test]
fn a_mapping_naming_a_column_the_file_lacks_or_one_column_twice_stops_before_any_work() {
    let (participants, register) = mixed_for_export();
    let env = TestEnv::new();
    env.write_register(&register);
    env.write("export.csv", export_csv(&participants));
    env.write_participants(&participants);
    let export_config = format!("{EXPORT_COLUMNS}{GENDER_CODES}");
    let missing_province = export_config.replace(
        r#"province_code = "MA_TINH""#,
        r#"province_code = "MA_TINH_XX""#,
    );
    let missing_scheme = export_config.replace(
        "[participants.values.gender]",
        "scheme = \"NOPE\"\n\n[participants.values.gender]",
    );
    assert!(missing_province.contains("MA_TINH_XX") && missing_scheme.contains("NOPE"));
    let cases: [(&str, &str, String, &[&str]); 3] = [
        (
            "an optional column mapped to a column the header lacks",
            "export.csv",
            missing_province,
            &[
                "export.csv",
                "`MA_TINH_XX`",
                "[participants.columns]",
                "`province_code`",
                "strict.toml",
            ],
        ),
        (
            "scheme mapped to a column the header lacks",
            "export.csv",
            missing_scheme,
            &[
                "export.csv",
                "`NOPE`",
                "[participants.columns]",
                "`scheme`",
                "strict.toml",
            ],
        ),
        (
            "one source column read as two canonical columns",
            "participants.csv",
            "[participants.columns]\nfull_name = \"dob\"\n".to_string(),
            &[
                "participants.csv",
                "`full_name`",
                "`dob`",
                "[participants.columns]",
                "strict.toml",
            ],
        ),
    ];
    for (i, (case, file, config, fragments)) in cases.iter().enumerate() {
        let out = format!("out{i}");
        env.write("strict.toml", config);
        let run = reconcile(
            &env,
            file,
            "register.csv",
            &out,
            &["--config", "strict.toml"],
        );
        assert_eq!(run.code, 1, "{case}: {}", run.stderr);
        assert_says(&run.stderr, fragments);
        assert_nothing_published(&env, &out);
    }
}

#[test]
fn a_threshold_that_is_nan_or_infinite_stops_before_any_work_naming_the_key() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    // TOML spells them `nan`, `-inf` and `inf`.
    for (i, (key, value)) in [("suggest", "nan"), ("possible", "-inf"), ("verify", "inf")]
        .into_iter()
        .enumerate()
    {
        let out = format!("out{i}");
        env.write(
            "thresholds.toml",
            format!("[thresholds]\n{key} = {value}\n"),
        );
        let run = reconcile(
            &env,
            "participants.csv",
            "register.csv",
            &out,
            &["--config", "thresholds.toml"],
        );
        assert_eq!(run.code, 1, "{key} = {value}: {}", run.stderr);
        assert_says(&run.stderr, &["thresholds.toml", &format!("{key} =")]);
        assert_nothing_published(&env, &out);
    }
}

#[test]
fn standard_input_a_pipe_and_gzip_or_zstd_files_give_the_outputs_of_the_plain_file() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    let plain = std::fs::read(env.join("participants.csv")).unwrap();
    let gz = gzip(&env.join("participants.csv"));
    let zst = zstd(&plain);
    env.write("participants.csv.gz", &gz);
    // Compression is found by content: a gzip file named .csv, a zstd file named .zst.
    env.write("participants-gzip.csv", &gz);
    env.write("participants.zst", &zst);
    // The register in two gzip members, as `cat a.gz b.gz` makes it.
    let register_text = register_csv(&register);
    let half = register_text[..register_text.len() / 2]
        .rfind('\n')
        .unwrap()
        + 1;
    env.write("register-a.csv", &register_text[..half]);
    env.write("register-b.csv", &register_text[half..]);
    let mut register_gz = gzip(&env.join("register-a.csv"));
    register_gz.extend(gzip(&env.join("register-b.csv")));
    env.write("register.csv.gz", &register_gz);

    reconcile(&env, "participants.csv", "register.csv", "plain", &[]).expect_code(0);
    assert_mixed_statuses(&env.results_in("plain"));
    assert!(!env.table_in("plain", "rejects.csv").rows.is_empty());

    // Standard input from the file.
    let file = File::open(env.join("participants.csv")).unwrap();
    reconcile_with_stdin(&env, "-", "register.csv", "stdin", Stdio::from(file)).expect_code(0);
    // Standard input from a real pipe: `cat`'s output is popsync's input.
    let mut cat = Command::new("cat")
        .arg("participants.csv")
        .current_dir(env.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running cat");
    let pipe = Stdio::from(cat.stdout.take().unwrap());
    let piped = reconcile_with_stdin(&env, "-", "register.csv", "pipe", pipe);
    assert!(cat.wait().unwrap().success());
    piped.expect_code(0);
    reconcile(&env, "participants.csv.gz", "register.csv", "gz", &[]).expect_code(0);
    reconcile(
        &env,
        "participants-gzip.csv",
        "register.csv",
        "gz-named-csv",
        &[],
    )
    .expect_code(0);
    reconcile(&env, "participants.zst", "register.csv", "zst", &[]).expect_code(0);
    reconcile(
        &env,
        "participants.csv",
        "register.csv.gz",
        "register-gz",
        &[],
    )
    .expect_code(0);

    let register_plain = register_text.as_bytes();
    for (out, path, compression, on_disk, register_compression, register_on_disk) in [
        (
            "plain",
            "participants.csv",
            "none",
            &plain[..],
            "none",
            register_plain,
        ),
        ("stdin", "-", "none", &plain[..], "none", register_plain),
        ("pipe", "-", "none", &plain[..], "none", register_plain),
        (
            "gz",
            "participants.csv.gz",
            "gzip",
            &gz[..],
            "none",
            register_plain,
        ),
        (
            "gz-named-csv",
            "participants-gzip.csv",
            "gzip",
            &gz[..],
            "none",
            register_plain,
        ),
        (
            "zst",
            "participants.zst",
            "zstd",
            &zst[..],
            "none",
            register_plain,
        ),
        (
            "register-gz",
            "participants.csv",
            "none",
            &plain[..],
            "gzip",
            &register_gz[..],
        ),
    ] {
        assert_same_outputs(&env, "plain", out, &CSV_OUTPUTS);
        let summary = env.summary_in(out);
        let read = &summary["inputs"]["participants"];
        assert_eq!(read["path"], path, "{out}");
        assert_eq!(read["compression"], compression, "{out}");
        assert_eq!(
            read["bytes"],
            on_disk.len(),
            "{out}: bytes as read, compressed"
        );
        assert_eq!(read["rows"], participants.len(), "{out}");
        assert_eq!(read["sha256"], sha256(on_disk), "{out}");
        assert_eq!(read["encoding"], "utf-8", "{out}");
        assert_eq!(read["delimiter"], ",", "{out}");
        let register_read = &summary["inputs"]["register"];
        assert_eq!(register_read["compression"], register_compression, "{out}");
        assert_eq!(register_read["bytes"], register_on_disk.len(), "{out}");
        assert_eq!(register_read["rows"], register.len(), "{out}");
        // manifest.json proves which file a report came from: the hash of its bytes on disk.
        let manifest = manifest(&env, out);
        assert_eq!(
            manifest["inputs"]["participants"]["sha256"],
            sha256(on_disk),
            "{out}"
        );
        assert_eq!(
            manifest["inputs"]["register"]["sha256"],
            sha256(register_on_disk),
            "{out}"
        );
    }

    // Standard input holds one file.
    let run = reconcile(&env, "-", "-", "both", &[]);
    run.expect_code(2);
    assert_says(&run.stderr, &["--participants", "--register", "`-`"]);
    assert_nothing_published(&env, "both");
}

#[test]
fn a_truncated_gzip_file_stops_the_run_naming_the_file() {
    let env = TestEnv::new();
    let (participants, register) = mixed();
    env.write_register(&register);
    env.write_participants(&participants);
    let small = gzip(&env.join("participants.csv"));
    // A file longer than the first megabyte read to tell the encoding and the delimiter: the
    // fault then comes while rows are being matched.
    let mut many = Vec::new();
    for i in 0..24_000u32 {
        let id = cccd(2, i % 2 == 1, 1950 + (i % 50) as u16, 100_000 + i);
        many.push(p(
            &format!("03{i:08}"),
            "Khúc Văn Tư",
            "05/05/1960",
            "Nam",
            &id,
        ));
    }
    env.write("many.csv", participants_csv(&many));
    let large = gzip(&env.join("many.csv"));

    for (name, gz, cut) in [
        ("half.csv.gz", &small, small.len() / 2),
        ("no-trailer.csv.gz", &small, small.len() - 8),
        ("late.csv.gz", &large, large.len() * 9 / 10),
    ] {
        env.write(name, &gz[..cut]);
        let out = format!("out-{name}");
        let run = reconcile(&env, name, "register.csv", &out, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_says(&run.stderr, &[name]);
        assert_nothing_published(&env, &out);
    }
    // The late cut is past the first megabyte of text.
    let partial = Command::new("gzip")
        .args(["-dc", "late.csv.gz"])
        .current_dir(env.path())
        .output()
        .unwrap();
    assert!(!partial.status.success());
    assert!(partial.stdout.len() > 1 << 20, "{}", partial.stdout.len());
}

#[test]
fn each_file_is_read_with_its_own_delimiter_found_from_its_header() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    let rewrite = |text: &str, delimiter: u8| {
        let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        delimited(delimiter, records)
    };
    env.write(
        "participants-semicolon.csv",
        rewrite(&participants_csv(&participants), b';'),
    );
    env.write("register-tab.tsv", rewrite(&register_csv(&register), b'\t'));

    reconcile(&env, "participants.csv", "register.csv", "comma", &[]).expect_code(0);
    reconcile(
        &env,
        "participants-semicolon.csv",
        "register-tab.tsv",
        "detected",
        &[],
    )
    .expect_code(0);
    assert_same_outputs(
        &env,
        "comma",
        "detected",
        &["results.csv", "mismatches.csv", "duplicates.csv"],
    );
    assert_mixed_statuses(&env.results_in("detected"));
    let summary = env.summary_in("detected");
    assert_eq!(summary["inputs"]["participants"]["delimiter"], ";");
    assert_eq!(summary["inputs"]["register"]["delimiter"], "tab");
}

#[test]
fn a_delimiter_forced_on_a_file_delimited_by_another_is_named_in_the_error() {
    let (participants, register) = mixed_for_export();
    let env = TestEnv::with(&participants, &register);
    env.write("export.csv", export_csv(&participants));
    env.write("export.toml", format!("{EXPORT_COLUMNS}{GENDER_CODES}"));
    // The canonical header, semicolon-delimited: read with commas it is one long field.
    let header = PARTICIPANTS_HEADER.join(";");
    let body = participants_csv(&participants);
    let body = body.split_once('\n').unwrap().1.replace(',', ";");
    env.write("semicolon.csv", format!("{header}\n{body}"));
    for (file, config) in [
        ("export.csv", &["--config", "export.toml"][..]),
        ("semicolon.csv", &[][..]),
    ] {
        let out = format!("out-{file}");
        let mut extra = vec!["--delimiter", ","];
        extra.extend_from_slice(config);
        let run = reconcile(&env, file, "register.csv", &out, &extra);
        assert_eq!(run.code, 1, "{file}: {}", run.stderr);
        assert_says(&run.stderr, &[file, "`;`", "delimiter"]);
        assert_nothing_published(&env, &out);
    }
}

#[test]
fn files_without_a_header_row_are_read_by_column_numbers() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    // The participants as the export's columns and a scheme, the register in canonical order;
    // neither with a header row.
    let rows = export_rows(&participants)
        .into_iter()
        .zip(&participants)
        .map(|(mut row, p)| {
            row.push(p.scheme.clone());
            row
        });
    env.write("participants-bare.csv", delimited(b',', rows));
    env.write(
        "register-bare.csv",
        delimited(b',', register.iter().map(|r| r.fields())),
    );
    env.write(
        "numbers.toml",
        r#"
[participants]
header = false

[participants.columns]
insurance_code = 1
full_name = [2, 3, 4]
dob = 5
gender = 6
person_id = 7
province_code = 8
scheme = 9

[participants.values.gender]
"1" = "male"
"0" = "female"

[register]
header = false

[register.columns]
person_id = 1
old_id = 2
full_name = 3
dob = 4
gender = 5
province_code = 6
status = 7
"#,
    );
    reconcile(&env, "participants.csv", "register.csv", "header", &[]).expect_code(0);
    reconcile(
        &env,
        "participants-bare.csv",
        "register-bare.csv",
        "bare",
        &["--config", "numbers.toml"],
    )
    .expect_code(0);
    assert_same_outputs(&env, "header", "bare", &["results.csv"]);
    assert_mixed_statuses(&env.results_in("bare"));
    let summary = env.summary_in("bare");
    assert_eq!(
        summary["inputs"]["participants"]["rows"],
        participants.len()
    );
    assert_eq!(summary["inputs"]["register"]["rows"], register.len());
    // Lines are the file's lines: without a header row, the first row is line 1.
    let with_header = env.table_in("header", "rejects.csv");
    let bare = env.table_in("bare", "rejects.csv");
    let line = |t: &Table| -> u64 { t.values("line")[0].parse().unwrap() };
    assert_eq!(bare.rows.len(), 1, "{:?}", bare.rows);
    assert_eq!(line(&bare), line(&with_header) - 1);
}

#[test]
fn dates_in_month_first_order_are_read_with_date_format() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    let american: Vec<P> = participants
        .iter()
        .map(|p| {
            let parts: Vec<&str> = p.dob.split('/').collect();
            let dob = match parts.as_slice() {
                [day, month, year] => format!("{month}/{day}/{year}"),
                _ => p.dob.clone(),
            };
            P { dob, ..p.clone() }
        })
        .collect();
    // Most days are after the 12th: read day first, those dates are no dates.
    let late_days = participants
        .iter()
        .filter(|p| p.dob[..2].parse::<u32>().unwrap() > 12)
        .count();
    assert!(late_days * 3 > participants.len(), "{late_days}");
    env.write("american.csv", participants_csv(&american));
    env.write(
        "american.toml",
        "[participants]\ndate_format = \"mm/dd/yyyy\"\n",
    );

    reconcile(&env, "participants.csv", "register.csv", "dmy", &[]).expect_code(0);
    reconcile(
        &env,
        "american.csv",
        "register.csv",
        "mdy",
        &["--config", "american.toml"],
    )
    .expect_code(0);
    assert_same_outputs(&env, "dmy", "mdy", &["results.csv"]);
    assert_mixed_statuses(&env.results_in("mdy"));

    // Without it, the dates are not silently misread: the run stops at the column.
    let run = reconcile(&env, "american.csv", "register.csv", "unsaid", &[]);
    run.expect_code(1);
    assert_says(&run.stderr, &["american.csv", "`dob`", "date_format"]);
    assert_nothing_published(&env, "unsaid");
}

#[test]
fn two_files_of_the_same_shape_are_linked_through_a_mapping_of_both() {
    const HEADER: &str = "rec_id,given_name,surname,date_of_birth,sex,ssn";
    let people: Vec<[String; 5]> = (0..30u32)
        .map(|i| {
            [
                ["Anna", "Brian", "Carla", "David", "Emma", "Frank"][i as usize % 6].to_string(),
                ["Smith", "Jones", "Brown", "Taylor", "Wilson"][i as usize % 5].to_string(),
                format!("19{:02}-{:02}-{:02}", 40 + i, 1 + i % 12, 1 + i % 28),
                ["F", "M"][(i as usize % 6) % 2].to_string(),
                format!("{:03}-{:02}-{:04}", 100 + i, 10 + i % 90, 1000 + i * 7),
            ]
        })
        .collect();
    let line = |id: &str, p: &[String; 5]| format!("{id},{}\n", p.join(","));
    let mut participants = format!("{HEADER}\n");
    let mut register = format!("{HEADER}\n");
    for (i, person) in people.iter().enumerate() {
        participants.push_str(&line(&format!("P{i:04}"), person));
        register.push_str(&line(&format!("N{i:04}"), person));
    }
    // One whose number the register does not hold.
    participants.push_str("P9999,Grace,Hopper,1906-12-09,F,999-99-9999\n");
    let env = TestEnv::new();
    env.write("participants.csv", &participants);
    env.write("register.csv", &register);
    env.write(
        "mapping.toml",
        r#"
id_format = "any"

[participants.columns]
insurance_code = "rec_id"
full_name = ["surname", "given_name"]
dob = "date_of_birth"
gender = "sex"
person_id = "ssn"

[register.columns]
person_id = "ssn"
full_name = ["surname", "given_name"]
dob = "date_of_birth"
gender = "sex"
"#,
    );
    reconcile(
        &env,
        "participants.csv",
        "register.csv",
        "out",
        &["--config", "mapping.toml"],
    )
    .expect_code(0);
    let results = env.results();
    assert_eq!(results.rows.len(), people.len() + 1);
    for (i, person) in people.iter().enumerate() {
        assert_synced(&results, &format!("P{i:04}"), &person[4]);
    }
    assert_row(&results, "P9999", "NOT_FOUND", "", "", "id_not_found");

    // Without a mapping neither file has popsync's columns: an error naming the one missing.
    let run = reconcile(
        &env,
        "participants.csv",
        "register.csv",
        "unmapped",
        &["--id-format", "any"],
    );
    run.expect_code(1);
    assert_says(&run.stderr, &["missing required column"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_nothing_published(&env, "unmapped");
}

/// The entries of `quality.<side>` in a summary.json, by canonical column.
fn quality_of<'a>(summary: &'a serde_json::Value, side: &str) -> Vec<&'a serde_json::Value> {
    summary["quality"][side]
        .as_array()
        .unwrap_or_else(|| panic!("no quality.{side} in {summary}"))
        .iter()
        .collect()
}

#[track_caller]
fn column<'a>(entries: &[&'a serde_json::Value], name: &str) -> &'a serde_json::Value {
    entries
        .iter()
        .find(|c| c["column"] == name)
        .unwrap_or_else(|| panic!("no profile of `{name}` in {entries:?}"))
}

#[test]
fn every_column_read_is_profiled_and_its_counts_add_up() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    env.reconcile(&[]).expect_code(0);
    let summary = env.summary();
    assert_eq!(summary["quality"]["max_unreadable"], 0.2);
    let read = quality_of(&summary, "participants");
    let names: Vec<&str> = read.iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(names, PARTICIPANTS_HEADER);
    // The rejected row (no insurance code) is not a row read.
    let rows_read = participants.len() as u64 - 1;
    for side in ["participants", "register"] {
        for c in quality_of(&summary, side) {
            let n = |key: &str| c[key].as_u64().unwrap_or_else(|| panic!("{key} in {c}"));
            assert_eq!(
                n("empty") + n("readable") + n("unreadable"),
                n("values"),
                "{c}"
            );
            assert_eq!(c["source"], c["column"], "{c}");
            let expected_rows = match side {
                "participants" => rows_read,
                _ => register.len() as u64,
            };
            assert_eq!(n("values"), expected_rows, "{side}: {c}");
            assert_ne!(c["gate"], "stop", "{c}");
        }
    }
    for c in &read {
        assert_eq!(c["gate"], "ok", "clean data: {c}");
        assert_eq!(c["unreadable"], 0, "{c}");
    }
    let empty = |name: &str| column(&read, name)["empty"].as_u64().unwrap();
    assert_eq!(empty("person_id"), 2);
    assert_eq!(empty("gender"), 1);
    // A code column says how many distinct unreadable codes it has; a personal one does not.
    assert_eq!(column(&read, "gender")["distinct_unreadable"], 0);
    assert!(column(&read, "full_name")
        .get("distinct_unreadable")
        .is_none());
}

#[test]
fn a_few_unknown_gender_codes_warn_naming_the_column_and_the_run_goes_on() {
    let (mut participants, register) = population(120);
    for p in participants.iter_mut().step_by(10) {
        p.gender = "X".into();
    }
    let env = TestEnv::with(&participants, &register);
    let run = env.reconcile(&[]);
    run.expect_code(0);
    let warning = run
        .stderr
        .lines()
        .find(|l| l.starts_with("popsync: warning:") && l.contains("`gender`"))
        .unwrap_or_else(|| panic!("no warning about gender in {}", run.stderr));
    assert_says(warning, &["participants", "12 of 120"]);
    let summary = env.summary();
    let gender = column(&quality_of(&summary, "participants"), "gender").clone();
    assert_eq!(gender["gate"], "warn", "{gender}");
    assert_eq!(gender["unreadable"], 12);
    assert_eq!(gender["common_unreadable"], serde_json::json!([["X", 12]]));
    assert_eq!(gender["distinct_unreadable"], 1);

    // The same warning for a log collector.
    let run = env.reconcile_into("json", &["--log-format", "json"]);
    run.expect_code(0);
    let warnings: Vec<serde_json::Value> = json_lines(&run.stderr)
        .into_iter()
        .filter(|l| l["event"] == "warning")
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("`gender`")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_register_status_in_codes_stops_the_run_until_its_codes_are_mapped() {
    let (participants, mut register) = mixed();
    for (i, r) in register.iter_mut().enumerate() {
        r.status = if i % 7 == 3 { "2" } else { "1" }.into();
    }
    let deceased = register.iter().filter(|r| r.status == "2").count();
    assert!(deceased > 0);
    let env = TestEnv::with(&participants, &register);
    let run = env.reconcile(&[]);
    run.expect_code(1);
    assert_says(
        &run.stderr,
        &["register.csv", "`status`", "[register.values.status]"],
    );
    assert_nothing_published(&env, "out");

    // The hint's mapping is enough.
    env.write(
        "codes.toml",
        "[register.values.status]\n\"1\" = \"alive\"\n\"2\" = \"deceased\"\n",
    );
    env.reconcile(&["--config", "codes.toml"]).expect_code(0);
    let summary = env.summary();
    assert_eq!(summary["inputs"]["register"]["deceased"], deceased);
    let status = column(&quality_of(&summary, "register"), "status").clone();
    assert_eq!(status["gate"], "ok", "{status}");
}

#[test]
fn realistic_synthetic_data_never_trips_the_quality_gate() {
    let env = TestEnv::new();
    env.run(&[
        "synth",
        "--out",
        "synth",
        "--register",
        "3000",
        "--participants",
        "3000",
        "--seed",
        "7",
        "-q",
    ])
    .expect_code(0);
    reconcile(
        &env,
        "synth/participants.csv",
        "synth/population.csv",
        "out",
        &[],
    )
    .expect_code(0);
    let summary = env.summary();
    for side in ["participants", "register"] {
        let entries = quality_of(&summary, side);
        assert_eq!(entries.len(), 7, "{side}: {entries:?}");
        for c in entries {
            assert_ne!(c["gate"], "stop", "{side}: {c}");
            assert_eq!(c["values"], 3000, "{side}: {c}");
        }
    }
}

#[test]
fn a_utf16_file_with_a_byte_order_mark_is_read_as_utf16() {
    let (participants, register) = mixed();
    let env = TestEnv::with(&participants, &register);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in participants_csv(&participants).encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    env.write("participants-utf16.csv", &utf16);
    reconcile(&env, "participants.csv", "register.csv", "utf8", &[]).expect_code(0);
    let run = reconcile(&env, "participants-utf16.csv", "register.csv", "utf16", &[]);
    run.expect_code(0);
    assert!(
        !run.stderr.to_lowercase().contains("tcvn3"),
        "{}",
        run.stderr
    );
    assert_same_outputs(&env, "utf8", "utf16", &CSV_OUTPUTS);
    assert_mixed_statuses(&env.results_in("utf16"));
    let summary = env.summary_in("utf16");
    assert_eq!(summary["inputs"]["participants"]["encoding"], "utf-16le");
    assert_eq!(summary["inputs"]["participants"]["bytes"], utf16.len());
}
