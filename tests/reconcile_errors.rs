//! Unreadable rows (rejects.csv, the run goes on) and run-ending errors (exit codes, messages
//! naming the file and column, the previous night's output left untouched). docs/input.md and docs/outputs.md.

mod common;

use common::*;

fn small_fixture() -> TestEnv {
    let an = cccd(1, false, 1985, 12_345);
    let mai = cccd(79, true, 1990, 4_321);
    let tam = cccd(1, false, 1950, 1_111);
    let lan = cccd(31, true, 2003, 120_034);
    TestEnv::with(
        &[
            p("1001000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
            p("1001000002", "Trần Thị Mai", "05/07/1990", "Nữ", &mai),
            p("1001000003", "Lê Văn Tám", "1950", "Nam", &tam),
            p("1001000004", "Phạm Thị Lan", "14/02/2003", "Nữ", ""),
        ],
        &[
            r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
            r(&mai, "Trần Thị Mai", "05/07/1990", "Nữ"),
            r(&tam, "Lê Văn Tám", "1950", "Nam"),
            r(&lan, "Phạm Thị Lan", "14/02/2003", "Nữ"),
        ],
    )
}

#[test]
fn unreadable_rows_are_rejected_with_the_line_they_start_on_and_the_run_goes_on() {
    let an = cccd(1, false, 1985, 12_345);
    let ha = cccd(1, true, 1992, 77_777);
    let env = TestEnv::new();
    env.write_register(&[
        r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
        r(&ha, "Đỗ Thị Hà", "30/04/1992", "Nữ"),
    ]);
    let header = PARTICIPANTS_HEADER.join(",");
    let text = format!(
        "{header}\n\
         1101000001,Nguyễn Văn An,12/03/1985,Nam,{an},001,compulsory\n\
         1101000002,\"Trần Thị\nMai\",05/07/1990,Nữ,,079,voluntary\n\
         1101000003,Phạm Văn Đồng,1906\n\
         1101000004,Tr<BAD>n V<BAD>n H<BAD>i,02/02/1972,Nam,,001,compulsory\n\
         1101000005,\"Lê Văn\nTám\",1950,Nam,,001,compulsory,EXTRA\n\
         1101000006,Đỗ Thị Hà,1992,Nữ,{ha},001,compulsory\n"
    );
    // 0xE2 is "â" in Windows-1258: a legacy-encoded name in a UTF-8 file.
    env.write("participants.csv", with_bytes(&text, "<BAD>", b"\xE2"));
    let run = env.reconcile(&[]);
    run.expect_code(0);

    let results = env.results();
    assert_eq!(
        results.codes(),
        [
            "1101000001",
            "1101000002",
            "1101000003",
            "1101000004",
            "1101000005",
            "1101000006"
        ]
    );
    assert_synced(&results, "1101000001", &an);
    assert_row(&results, "1101000002", "NOT_FOUND", "", "", "id_missing");
    for code in ["1101000003", "1101000004", "1101000005"] {
        assert_row(&results, code, "REJECTED", "", "", "");
    }
    assert_row(&results, "1101000006", "DIFF", &ha, "id", "dob_partial");

    let rejects = env.rejects();
    let lines: Vec<(&str, &str, &str)> = rejects
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    // Line 3-4 is the row with a quoted newline, so the ragged row starts on line 5, not 4.
    assert_eq!(
        lines,
        [
            ("participants", "5", ""),
            ("participants", "6", "full_name"),
            ("participants", "7", ""),
        ],
        "{:#?}",
        rejects.rows
    );
    let raw = rejects.values("raw");
    assert!(
        raw[0].starts_with("1101000003,Phạm Văn Đồng,1906"),
        "{raw:?}"
    );
    assert!(raw[1].starts_with("1101000004,"), "{raw:?}");
    assert!(raw[2].starts_with("1101000005,"), "{raw:?}");
    for error in rejects.values("error") {
        assert!(!error.is_empty());
    }

    // mismatches.csv gives every row the line it starts on, too.
    let mismatches = env.mismatches();
    assert_eq!(mismatches.values("line"), ["3", "5", "6", "7", "9"]);

    let summary = env.summary();
    assert_eq!(summary["totals"]["participants"], 6);
    assert_eq!(summary["totals"]["rejected"], 3);
    assert_eq!(summary["statuses"]["REJECTED"], 3);
}

#[test]
fn unreadable_register_rows_are_rejected_and_the_run_goes_on() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::new();
    env.write_participants(&[p("1201000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an)]);
    let header = REGISTER_HEADER.join(",");
    env.write(
        "register.csv",
        format!(
            "{header}\n\
             12345,,Nguyễn Văn Ba,1980,Nam,001,alive\n\
             {an},,Nguyễn Văn An,12/03/1985,Nam,001,alive\n\
             {an},,Nguyễn Văn Bốn,1981,Nam,001,alive\n\
             001081000001,,Nguyễn Văn Năm\n"
        ),
    );
    env.reconcile(&[]).expect_code(0);
    let results = env.results();
    assert_synced(&results, "1201000001", &an);
    let rejects = env.rejects();
    let lines: Vec<(&str, &str)> = rejects
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        lines,
        [("register", "2"), ("register", "4"), ("register", "5")],
        "{:#?}",
        rejects.rows
    );
}

#[test]
fn a_missing_required_column_fails_before_any_work_naming_file_and_column() {
    let env = small_fixture();
    env.write(
        "participants.csv",
        "insurance_code,full_name,gender,person_id\n1301000001,Nguyễn Văn An,Nam,001085012345\n",
    );
    let run = env.reconcile(&[]);
    run.expect_code(1);
    assert!(run.stderr.contains("participants.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("dob"), "{}", run.stderr);
    assert!(
        !env.out().join("results.csv").exists(),
        "no results.csv after a failed run"
    );

    let env = small_fixture();
    env.write(
        "register.csv",
        "person_id,old_id,dob,gender\n001085012345,,12/03/1985,Nam\n",
    );
    let run = env.reconcile(&[]);
    run.expect_code(1);
    assert!(run.stderr.contains("register.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("full_name"), "{}", run.stderr);
    assert!(
        !env.out().join("results.csv").exists(),
        "no results.csv after a failed run"
    );
}

#[test]
fn a_missing_input_file_fails_naming_it() {
    let env = small_fixture();
    let run = env.run(&[
        "reconcile",
        "--participants",
        "no-such-participants.csv",
        "--register",
        "register.csv",
        "--out",
        "out",
        "-q",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("no-such-participants.csv"),
        "{}",
        run.stderr
    );
    assert!(!env.out().join("results.csv").exists());

    let run = env.run(&[
        "reconcile",
        "--participants",
        "participants.csv",
        "--register",
        "no-such-register.csv",
        "--out",
        "out",
        "-q",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr.contains("no-such-register.csv"),
        "{}",
        run.stderr
    );
    assert!(!env.out().join("results.csv").exists());
}

#[test]
fn swapped_inputs_fail_saying_they_look_swapped() {
    let env = small_fixture();
    let run = env.run(&[
        "reconcile",
        "--participants",
        "register.csv",
        "--register",
        "participants.csv",
        "--out",
        "out",
        "-q",
    ]);
    run.expect_code(1);
    assert!(
        run.stderr.to_lowercase().contains("swapped"),
        "{}",
        run.stderr
    );
    assert!(!env.out().join("results.csv").exists());
}

#[test]
fn command_line_mistakes_are_usage_errors() {
    let env = small_fixture();
    env.reconcile(&["--no-such-flag"]).expect_code(2);
    env.reconcile(&["--min-sync-rate", "lots"]).expect_code(2);
    env.reconcile(&["--min-sync-rate", "150%"]).expect_code(2);
    env.reconcile(&["--delimiter", ";;"]).expect_code(2);
    env.reconcile(&["--id-format", "passport"]).expect_code(2);
    env.run(&[
        "reconcile",
        "--participants",
        "participants.csv",
        "--register",
        "register.csv",
    ])
    .expect_code(2);
    env.run(&["no-such-command"]).expect_code(2);
    assert!(!env.out().join("results.csv").exists());
}

#[test]
fn a_rate_below_min_sync_rate_exits_3_and_still_writes_the_files() {
    // 3 of 4 rows are SYNCED: 75%.
    for threshold in ["0.8", "80%", "0.76", "100%"] {
        let env = small_fixture();
        let run = env.reconcile(&["--min-sync-rate", threshold]);
        run.expect_code(3);
        let results = env.results();
        assert_eq!(results.rows.len(), 4, "{threshold}");
        assert_eq!(results.with_status("SYNCED").len(), 3, "{threshold}");
        for name in CSV_OUTPUTS {
            assert!(env.out().join(name).is_file(), "{name} after exit 3");
        }
        let summary = env.summary();
        assert_eq!(summary["totals"]["sync_rate"], 0.75, "{threshold}");
    }
}

#[test]
fn a_rate_at_or_above_min_sync_rate_exits_0() {
    for threshold in ["0.7", "70%", "0.75", "75%", "0", "0%"] {
        let env = small_fixture();
        env.reconcile(&["--min-sync-rate", threshold])
            .expect_code(0);
        assert_eq!(env.results().rows.len(), 4, "{threshold}");
    }
}

#[test]
fn a_rate_equal_to_a_decimal_percentage_threshold_is_not_below_it() {
    // 999 of 1000 rows SYNCED: exactly 99.9%, which is not below `--min-sync-rate 99.9%`.
    let mut participants = Vec::new();
    let mut register = Vec::new();
    for i in 0..1000u32 {
        let female = i % 2 == 1;
        let year = 1950 + (i % 50) as u16;
        let id = cccd(1, female, year, i);
        let (name, gender) = if female {
            ("Nguyễn Thị Lan", "Nữ")
        } else {
            ("Nguyễn Văn Hùng", "Nam")
        };
        let dob = year.to_string();
        let given_id = if i == 500 { String::new() } else { id.clone() };
        participants.push(p(&format!("14{i:08}"), name, &dob, gender, &given_id));
        register.push(r(&id, name, &dob, gender));
    }
    let env = TestEnv::with(&participants, &register);
    env.reconcile(&["--min-sync-rate", "0.999"]).expect_code(0);
    assert_eq!(env.summary()["totals"]["synced"], 999);
    assert_eq!(env.summary()["totals"]["sync_rate"], 0.999);
    // Regression: `99.9%` was read as 99.9 / 100 = 0.9990000000000001, so a rate of exactly
    // 99.9% counted as below it.
    env.reconcile(&["--min-sync-rate", "99.9%"]).expect_code(0);
}

#[test]
fn a_failed_run_leaves_the_previous_output_untouched() {
    let env = small_fixture();
    env.reconcile(&[]).expect_code(0);
    let before = env.listing("out");
    let snapshot: Vec<(String, Vec<u8>)> = before
        .iter()
        .map(|name| (name.clone(), env.read_out(name)))
        .collect();
    assert!(before.contains(&"results.csv".to_string()));

    let good_participants = std::fs::read(env.join("participants.csv")).unwrap();
    let good_register = std::fs::read(env.join("register.csv")).unwrap();
    env.write(
        "missing-dob.csv",
        "insurance_code,full_name\n1501000001,Nguyễn Văn An\n",
    );
    env.write(
        "bad.toml",
        "[participants.columns]\nfullname = \"HO_TEN\"\n",
    );
    env.write("empty.csv", "");
    let failures: [(&str, Vec<&str>); 6] = [
        (
            "missing column",
            vec![
                "--participants",
                "missing-dob.csv",
                "--register",
                "register.csv",
            ],
        ),
        (
            "swapped",
            vec![
                "--participants",
                "register.csv",
                "--register",
                "participants.csv",
            ],
        ),
        (
            "missing file",
            vec!["--participants", "nope.csv", "--register", "register.csv"],
        ),
        (
            "empty file",
            vec!["--participants", "empty.csv", "--register", "register.csv"],
        ),
        (
            "bad config",
            vec![
                "--participants",
                "participants.csv",
                "--register",
                "register.csv",
                "--config",
                "bad.toml",
            ],
        ),
        (
            "missing config",
            vec![
                "--participants",
                "participants.csv",
                "--register",
                "register.csv",
                "--config",
                "nope.toml",
            ],
        ),
    ];
    for (what, args) in failures {
        let mut full = vec!["reconcile", "--out", "out", "-q"];
        full.extend(args);
        let run = env.run(&full);
        run.expect_code(1);
        assert!(run.stderr.contains("error"), "{what}: {}", run.stderr);
        assert_eq!(
            env.listing("out"),
            before,
            "{what}: the output folder changed"
        );
        for (name, bytes) in &snapshot {
            assert!(env.read_out(name) == *bytes, "{what}: {name} changed");
        }
    }
    assert_eq!(
        std::fs::read(env.join("participants.csv")).unwrap(),
        good_participants
    );
    assert_eq!(
        std::fs::read(env.join("register.csv")).unwrap(),
        good_register
    );
}

#[test]
fn line_numbers_are_right_in_files_with_windows_line_ends() {
    // Spreadsheets on Windows save CSV files with CRLF line ends.
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::new();
    env.write_register(&[r(&an, "Nguyễn Văn An", "12/03/1985", "Nam")]);
    let header = PARTICIPANTS_HEADER.join(",");
    env.write(
        "participants.csv",
        format!(
            "{header}\r\n\
             2201000001,Nguyễn Văn An,12/03/1985,Nam,,001,compulsory\r\n\
             2201000002,Phạm Văn Đồng,1906\r\n\
             2201000003,\"Lê Văn\r\nTám\",1950,Nam,,001,compulsory\r\n\
             2201000004,Hồ Thị Hoa,1950\r\n"
        ),
    );
    env.reconcile(&[]).expect_code(0);
    let mismatches = env.mismatches();
    // Regression: csv::Position::line() undercounts CRLF terminators (rust-csv#395), which
    // put the first data row on line 1, the header's line.
    assert_eq!(
        mismatches.values("line"),
        ["2", "3", "4", "6"],
        "{:#?}",
        mismatches.rows
    );
    let rejects = env.rejects();
    assert_eq!(rejects.values("line"), ["3", "6"], "{:#?}", rejects.rows);
}

#[test]
fn line_numbers_are_right_after_a_blank_line() {
    let env = TestEnv::new();
    env.write_register(&[r(
        &cccd(1, false, 1985, 12_345),
        "Nguyễn Văn An",
        "12/03/1985",
        "Nam",
    )]);
    let header = PARTICIPANTS_HEADER.join(",");
    env.write(
        "participants.csv",
        format!(
            "{header}\n\
             2301000001,Nguyễn Văn An,12/03/1985,Nam,,001,compulsory\n\
             \n\
             2301000002,Phạm Văn Đồng,1906\n\
             2301000003,Hồ Thị Hoa,1950\n"
        ),
    );
    env.reconcile(&[]).expect_code(0);
    assert_eq!(
        env.results().codes(),
        ["2301000001", "2301000002", "2301000003"]
    );
    let rejects = env.rejects();
    // Regression: csv::Position::line() puts the row after a skipped blank line on the blank
    // line (rust-csv#208).
    assert_eq!(rejects.values("line"), ["4", "5"], "{:#?}", rejects.rows);
}

#[test]
fn the_raw_text_of_a_rejected_row_is_kept_but_truncated() {
    let env = TestEnv::new();
    env.write_register(&[r(
        &cccd(1, false, 1985, 12_345),
        "Nguyễn Văn An",
        "12/03/1985",
        "Nam",
    )]);
    let header = PARTICIPANTS_HEADER.join(",");
    let long_note = "ghi chú rất dài ".repeat(100);
    env.write(
        "participants.csv",
        format!("{header}\n2401000001,Nguyễn Văn An,12/03/1985,Nam,,001,compulsory,{long_note}\n"),
    );
    env.reconcile(&[]).expect_code(0);
    assert_eq!(env.results().get("2401000001").status, "REJECTED");
    let rejects = env.rejects();
    let raw = rejects.values("raw")[0];
    assert!(
        raw.starts_with("2401000001,Nguyễn Văn An,12/03/1985"),
        "{raw}"
    );
    assert!(
        raw.chars().count() < 400,
        "raw text is not truncated: {} chars",
        raw.chars().count()
    );
}

#[test]
fn a_register_row_repeating_an_id_is_rejected_with_its_raw_text() {
    let an = cccd(1, false, 1985, 12_345);
    let env = TestEnv::new();
    env.write_participants(&[p("2501000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an)]);
    env.write_register(&[
        r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
        r(&an, "Nguyễn Văn Bốn", "04/04/1984", "Nam"),
    ]);
    env.reconcile(&[]).expect_code(0);
    // The first row holding an ID is the register's person.
    assert_synced(&env.results(), "2501000001", &an);
    let rejects = env.rejects();
    let row = rejects.row_where("line", "3");
    assert_eq!(rejects.cell(row, "file"), "register");
    assert!(rejects.cell(row, "error").contains(&an), "{row:?}");
    // rejects.csv gives every rejected row's raw text (docs/outputs.md), also for a register row
    // dropped because its person_id repeats an earlier row's.
    assert!(
        rejects.cell(row, "raw").contains("Nguyễn Văn Bốn"),
        "raw text of the dropped register row is missing: {row:?}"
    );
}
