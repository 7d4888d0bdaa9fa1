//! docs/outputs.md: what the output files contain. results.csv has every participant row once,
//! in input order; mismatches.csv the rows that are not SYNCED; summary.json the rates overall,
//! per province (current provinces with the former ones they absorbed) and per scheme; no cell
//! can start a spreadsheet formula; `--excel` adds a BOM; the files are private.

mod common;

use common::*;
use serde_json::Value;

/// Asserts `actual` is a number equal to `expected` (computed the same way, so equal to the
/// last bit in practice; a tiny tolerance keeps the test about the rate, not float printing).
#[track_caller]
fn assert_rate(actual: &Value, expected: f64, what: &str) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {actual} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-12,
        "{what}: {actual} != {expected}"
    );
}

/// A fixture with every kind of row: SYNCED, DIFF, NOT_FOUND, a ragged row, a row with invalid
/// UTF-8, and an insurance code that appears twice.
fn mixed_fixture() -> (TestEnv, Vec<&'static str>) {
    let an = cccd(1, false, 1985, 12_345);
    let mai = cccd(79, true, 1990, 4_321);
    let tam = cccd(1, false, 1950, 1_111);
    let register = [
        r(&an, "Nguyễn Văn An", "12/03/1985", "Nam"),
        r(&mai, "Trần Thị Mai", "05/07/1990", "Nữ"),
        r(&tam, "Lê Văn Tám", "1950", "Nam"),
    ];
    let rows = [
        p("0701000001", "Nguyễn Văn An", "12/03/1985", "Nam", &an),
        p("0701000002", "Trần Thị Mai", "1990", "Nữ", &mai),
        p("0701000003", "Bùi Thị Xuân", "01/01/1970", "Nữ", ""),
        p(
            "0701000004",
            "Tr<BAD>n V<BAD>n H<BAD>i",
            "02/02/1972",
            "Nam",
            "",
        ),
        p("0701000005", "Lê Văn Tám", "1950", "Nam", &tam),
        p(
            "0701000003",
            "Bùi Thị Xuân",
            "01/01/1970",
            "Nữ",
            "1.23457E+11",
        ),
        p(
            "0701000007",
            "Đoàn Văn Hậu",
            "19/04/1999",
            "Nam",
            "079099000001",
        ),
    ];
    let mut text = participants_csv(&rows);
    // A ragged row (3 fields) between the 5th and 6th rows.
    let ragged = "0701000006,Phạm Văn Đồng,1906\n";
    let at = text
        .find("0701000003,Bùi Thị Xuân,01/01/1970,Nữ,1.23457E+11")
        .unwrap();
    text.insert_str(at, ragged);
    let env = TestEnv::new();
    // Windows-1258 "â"/"ă" bytes in a UTF-8 file: invalid UTF-8.
    env.write("participants.csv", with_bytes(&text, "<BAD>", b"\xE2"));
    env.write_register(&register);
    let order = vec![
        "0701000001",
        "0701000002",
        "0701000003",
        "0701000004",
        "0701000005",
        "0701000006",
        "0701000003",
        "0701000007",
    ];
    (env, order)
}

#[test]
fn every_participant_row_appears_once_in_input_order() {
    let (env, order) = mixed_fixture();
    let results = env.reconcile_ok();
    assert_eq!(results.codes(), order, "{:#?}", results.rows);
    let statuses: Vec<&str> = results.rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "SYNCED",
            "DIFF",
            "NOT_FOUND",
            "REJECTED",
            "SYNCED",
            "REJECTED",
            "NOT_FOUND",
            "NOT_FOUND"
        ]
    );
    assert_eq!(results.rows[2].reasons, "id_missing;duplicate_code");
    assert_eq!(results.rows[6].reasons, "id_malformed;duplicate_code");
    for row in &results.rows {
        match row.status.as_str() {
            "SYNCED" | "DIFF" => assert_eq!(row.person_id.len(), 12, "{row:?}"),
            _ => assert_eq!(
                (row.person_id.as_str(), row.method.as_str()),
                ("", ""),
                "{row:?}"
            ),
        }
    }
    let summary = env.summary();
    assert_eq!(summary["totals"]["participants"], 8);
    assert_eq!(summary["totals"]["rejected"], 2);
}

#[test]
fn mismatches_list_every_row_that_is_not_synced_with_its_line() {
    let (env, _) = mixed_fixture();
    let results = env.reconcile_ok();
    let mismatches = env.mismatches();
    let not_synced: Vec<&str> = results
        .rows
        .iter()
        .filter(|r| r.status != "SYNCED")
        .map(|r| r.insurance_code.as_str())
        .collect();
    assert_eq!(mismatches.values("insurance_code"), not_synced);
    // Header is line 1; the ragged row was inserted before the repeated 0701000003.
    assert_eq!(mismatches.values("line"), ["3", "4", "5", "7", "8", "9"]);
    // Status and reasons agree with results.csv, row for row.
    let others: Vec<&ResultRow> = results
        .rows
        .iter()
        .filter(|r| r.status != "SYNCED")
        .collect();
    for (row, result) in mismatches.rows.iter().zip(others) {
        assert_eq!(mismatches.cell(row, "status"), result.status, "{row:?}");
        assert_eq!(mismatches.cell(row, "reasons"), result.reasons, "{row:?}");
        assert_eq!(
            mismatches.cell(row, "person_id"),
            result.person_id,
            "{row:?}"
        );
    }
    // The DIFF row side by side.
    let diff = mismatches.row_where("insurance_code", "0701000002");
    assert_eq!(mismatches.cell(diff, "reasons"), "dob_partial");
    assert_eq!(mismatches.cell(diff, "name_given"), "Trần Thị Mai");
    assert_eq!(mismatches.cell(diff, "name_register"), "Trần Thị Mai");
    assert_eq!(mismatches.cell(diff, "dob_given"), "1990");
    assert_eq!(mismatches.cell(diff, "dob_register"), "05/07/1990");
    assert_eq!(mismatches.cell(diff, "method"), "id");
}

#[test]
fn summary_counts_statuses_and_reasons_as_results_csv_does() {
    let (env, _) = mixed_fixture();
    let results = env.reconcile_ok();
    let summary = env.summary();
    let count = |status: &str| results.rows.iter().filter(|r| r.status == status).count() as u64;
    for status in [
        "SYNCED",
        "DIFF",
        "SUGGESTED",
        "AMBIGUOUS",
        "NOT_FOUND",
        "REJECTED",
    ] {
        assert_eq!(summary["statuses"][status], count(status), "{status}");
    }
    for reason in [
        "id_missing",
        "id_malformed",
        "dob_partial",
        "duplicate_code",
        "id_not_found",
    ] {
        let n = results.rows.iter().filter(|r| r.has_reason(reason)).count() as u64;
        assert_eq!(summary["reasons"][reason], n, "{reason}");
    }
    assert_eq!(summary["totals"]["synced"], count("SYNCED"));
    assert_rate(&summary["totals"]["sync_rate"], 2.0 / 8.0, "sync_rate");
    assert_eq!(summary["totals"]["linked"], 3);
    assert_rate(&summary["totals"]["link_rate"], 3.0 / 8.0, "link_rate");
}

#[test]
fn sync_rates_per_current_province_include_the_former_ones_and_unknown_codes() {
    let ids: Vec<String> = (0..12)
        .map(|i| cccd(10, false, 1960 + i as u16, 1_000 + i as u32))
        .collect();
    let register: Vec<R> = (0..12)
        .map(|i| {
            r(
                &ids[i],
                "Hà Văn Minh",
                &format!("{}-01-{:02}", 1960 + i, i + 1),
                "Nam",
            )
            .province("010")
        })
        .collect();
    let synced = |i: usize, code: &str, province: &str, scheme: &str| {
        p(
            code,
            "Hà Văn Minh",
            &format!("{:02}/01/{}", i + 1, 1960 + i),
            "Nam",
            &ids[i],
        )
        .province(province)
        .scheme(scheme)
    };
    let unsynced = |code: &str, province: &str, scheme: &str| {
        p(code, "Hà Văn Minh", "01/01/1960", "Nam", "")
            .province(province)
            .scheme(scheme)
    };
    let rows = vec![
        // Former Lào Cai (010) and former Yên Bái (015), both now Lào Cai (15).
        synced(0, "0801000001", "010", "compulsory"),
        unsynced("0801000002", "010", "compulsory"),
        synced(2, "0801000003", "015", "compulsory"),
        synced(3, "0801000004", "015", "compulsory"),
        // Current Lào Cai by its 2-digit code; DIFF (year only given).
        P {
            dob: "1964".into(),
            ..synced(4, "0801000005", "15", "compulsory")
        },
        // Former Hồ Chí Minh, one SYNCED row and one REJECTED (invalid UTF-8) row.
        synced(5, "0801000006", "079", "compulsory"),
        p("0801000007", "L<BAD>", "1961", "Nam", "")
            .province("079")
            .scheme("voluntary"),
        // Current Hà Nội.
        synced(7, "0801000008", "01", "voluntary"),
        // No code, and a code that is no province: the "unknown province" row.
        synced(8, "0801000009", "", "voluntary"),
        unsynced("0801000010", "", "voluntary"),
        unsynced("0801000011", "999", "voluntary"),
    ];
    let env = TestEnv::new();
    env.write(
        "participants.csv",
        with_bytes(&participants_csv(&rows), "<BAD>", b"\xEA"),
    );
    env.write_register(&register);
    let results = env.reconcile_ok();
    assert_eq!(
        results.with_status("SYNCED"),
        [
            "0801000001",
            "0801000003",
            "0801000004",
            "0801000006",
            "0801000008",
            "0801000009"
        ]
    );
    assert_eq!(results.get("0801000007").status, "REJECTED");

    let summary = env.summary();
    assert_eq!(summary["totals"]["participants"], 11);
    assert_eq!(summary["totals"]["synced"], 6);
    assert_rate(&summary["totals"]["sync_rate"], 6.0 / 11.0, "overall");

    let provinces = summary["provinces"]
        .as_array()
        .expect("provinces is a list");
    let total: u64 = provinces
        .iter()
        .map(|p| p["participants"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total, 11,
        "every row is in exactly one province row: {provinces:#?}"
    );
    let codes: Vec<&Value> = provinces.iter().map(|p| &p["code"]).collect();
    assert_eq!(
        codes,
        [
            &Value::from("01"),
            &Value::from("15"),
            &Value::from("79"),
            &Value::Null
        ]
    );

    let by_code = |code: &str| provinces.iter().find(|p| p["code"] == code).unwrap();
    let ha_noi = by_code("01");
    assert_eq!(ha_noi["name"], "Hà Nội");
    assert_eq!(
        (ha_noi["participants"].as_u64(), ha_noi["synced"].as_u64()),
        (Some(1), Some(1))
    );
    assert_rate(&ha_noi["sync_rate"], 1.0, "Hà Nội");

    let lao_cai = by_code("15");
    assert_eq!(lao_cai["name"], "Lào Cai");
    assert_eq!(lao_cai["participants"], 5);
    assert_eq!(lao_cai["synced"], 3);
    assert_rate(&lao_cai["sync_rate"], 3.0 / 5.0, "Lào Cai");
    let former = lao_cai["former"].as_array().unwrap();
    let former_of = |code: &str| {
        former
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("no former province {code} in {former:#?}"))
    };
    assert_eq!(former_of("010")["name"], "Lào Cai");
    assert_eq!(former_of("010")["participants"], 2);
    assert_rate(&former_of("010")["sync_rate"], 0.5, "former Lào Cai");
    assert_eq!(former_of("015")["name"], "Yên Bái");
    assert_eq!(former_of("015")["participants"], 2);
    assert_rate(&former_of("015")["sync_rate"], 1.0, "former Yên Bái");

    let hcm = by_code("79");
    assert_eq!(hcm["name"], "Hồ Chí Minh");
    assert_eq!(
        hcm["participants"], 2,
        "the REJECTED row counts in its province"
    );
    assert_rate(&hcm["sync_rate"], 0.5, "Hồ Chí Minh");

    let unknown = provinces.last().unwrap();
    assert_eq!(unknown["code"], Value::Null);
    assert_eq!(unknown["name"], "unknown province");
    assert_eq!(unknown["participants"], 3);
    assert_eq!(unknown["synced"], 1);
    assert_rate(&unknown["sync_rate"], 1.0 / 3.0, "unknown province");

    let schemes = summary["schemes"].as_array().unwrap();
    let scheme = |name: &str| schemes.iter().find(|s| s["scheme"] == name).unwrap();
    assert_eq!(scheme("compulsory")["participants"], 6);
    assert_rate(&scheme("compulsory")["sync_rate"], 4.0 / 6.0, "compulsory");
    assert_eq!(scheme("voluntary")["participants"], 5);
    assert_rate(&scheme("voluntary")["sync_rate"], 2.0 / 5.0, "voluntary");
}

#[test]
fn no_output_cell_can_start_a_spreadsheet_formula() {
    let linked = cccd(1, false, 1980, 10);
    let env = TestEnv::new();
    env.write_register(&[
        // A register name that is a formula, shown in mismatches.csv and duplicates.csv.
        r(&linked, "=cmd|' /C calc'!A0", "1980", "Nam"),
        // An unreadable register row whose raw text starts with a formula.
        r("=1+2", "Lê Văn Bảy", "1980", "Nam"),
    ]);
    let rows = [
        p("0901000001", "=HYPERLINK(\"x\")", "01/01/1980", "Nam", ""),
        p("0901000002", "+SUM(A1:A9)", "=1+1", "@x", "=2+5").scheme("+voluntary"),
        p("0901000003", "-Nguyễn Văn Tư", "02/02/1980", "Nam", "-1").province("-1"),
        p("0901000004", "@Trần Văn Năm", "1980", "Nam", &linked),
        p("=0901000005", "\tLê Văn Sáu", "1980", "Nam", &linked),
        p("0901000006", "\rPhạm Văn Bảy", "1980", "Nam", ""),
        // Two codes certainly linked to the person whose register name is a formula, so that
        // duplicates.csv lists it (the two rows above may be judged someone else's ID).
        p("0901000007", "=cmd|' /C calc'!A0", "1980", "Nam", &linked),
        p("0901000008", "=cmd|' /C calc'!A0", "1980", "Nam", &linked),
    ];
    let mut text = participants_csv(&rows);
    text.push_str("=HYPERLINK(\"ragged\"),x\n");
    env.write("participants.csv", text);
    env.reconcile(&[]).expect_code(0);

    let mismatches = env.mismatches();
    let row = mismatches.row_where("insurance_code", "0901000001");
    assert_eq!(mismatches.cell(row, "name_given"), "'=HYPERLINK(\"x\")");
    let raw = String::from_utf8(env.read_out("mismatches.csv")).unwrap();
    assert!(raw.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{raw}");

    for name in CSV_OUTPUTS {
        let table = env.table(name);
        assert!(
            !table.rows.is_empty() || name == "duplicates.csv",
            "{name} is empty"
        );
        for row in &table.rows {
            for (cell, column) in row.iter().zip(&table.header) {
                // Scores and weights are numbers popsync computes, negative when the evidence
                // is against: a spreadsheet reads `-3.25` as a number, never a formula.
                let computed = column == "score" || column.ends_with("_weight");
                if computed && cell.parse::<f64>().is_ok() {
                    continue;
                }
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}: cell {cell:?} can start a formula (row {row:?})"
                );
            }
        }
    }
    // The formulas are kept as text, behind an apostrophe.
    let results = env.results();
    assert_eq!(results.rows[4].insurance_code, "'=0901000005");
    let rejects = env.rejects();
    assert!(
        rejects
            .values("raw")
            .iter()
            .any(|r| r.starts_with("'=HYPERLINK(")),
        "{:#?}",
        rejects.rows
    );
    let duplicates = env.duplicates();
    assert!(!duplicates.rows.is_empty());
    for row in &duplicates.rows {
        assert_eq!(duplicates.cell(row, "name_register"), "'=cmd|' /C calc'!A0");
    }
}

#[test]
fn excel_files_start_with_a_bom_and_plain_files_do_not() {
    let (env, _) = mixed_fixture();
    env.reconcile_into("plain", &[]).expect_code(0);
    env.reconcile_into("excel", &["--excel"]).expect_code(0);
    for name in CSV_OUTPUTS {
        let plain = env.read_in("plain", name);
        let excel = env.read_in("excel", name);
        assert!(
            !plain.starts_with(BOM),
            "{name} without --excel starts with a BOM"
        );
        assert!(excel.starts_with(BOM), "{name} with --excel has no BOM");
        assert_eq!(
            &excel[BOM.len()..],
            &plain[..],
            "{name}: the BOM is the only difference"
        );
    }
    // summary.json stays plain JSON.
    let summary = env.read_in("excel", "summary.json");
    assert!(!summary.starts_with(BOM));
    assert_eq!(env.summary_in("excel")["totals"]["participants"], 8);
}

#[cfg(unix)]
#[test]
fn output_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (env, _) = mixed_fixture();
    env.reconcile(&["--excel"]).expect_code(0);
    for name in CSV_OUTPUTS.iter().chain(&["summary.json"]) {
        let mode = std::fs::metadata(env.out().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} has mode {:o}", mode & 0o777);
    }
}

#[test]
fn a_run_leaves_no_temporary_files_behind() {
    let (env, _) = mixed_fixture();
    env.reconcile(&[]).expect_code(0);
    env.reconcile(&[]).expect_code(0);
    let mut expected = CSV_OUTPUTS.to_vec();
    expected.push("summary.json");
    for name in env.listing("out") {
        assert!(
            !name.starts_with('.'),
            "temporary file {name} left in the output folder"
        );
    }
    for name in expected {
        assert!(env.out().join(name).is_file(), "{name} missing");
    }
}

#[test]
fn timings_per_stage_are_printed_with_the_flag_and_always_in_summary_json() {
    let (env, _) = mixed_fixture();
    let quiet = env.reconcile(&[]);
    quiet.expect_code(0);
    assert!(
        !quiet.stderr.contains("thread-seconds"),
        "no timings unless asked: {}",
        quiet.stderr
    );
    let summary = env.summary();
    let stages = summary["timings"]["stages"]
        .as_object()
        .expect("summary.json timings.stages");
    let names: Vec<&str> = stages.keys().map(String::as_str).collect();
    assert_eq!(names.len(), 6, "{names:?}");
    for stage in ["read", "normalize", "index", "match", "write", "history"] {
        let seconds = stages[stage].as_f64().unwrap_or(-1.0);
        assert!(seconds >= 0.0, "{stage}: {seconds}");
    }
    assert!(summary["timings"]["wall_seconds"].as_f64().unwrap() > 0.0);
    // The phases ran one after another, each timed once, in this order.
    let phases = summary["timings"]["phases"]
        .as_object()
        .expect("summary.json timings.phases");
    let names: Vec<&str> = phases.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["register", "index", "participants", "search", "outputs"]
    );
    let sum: f64 = phases.values().map(|v| v.as_f64().unwrap_or(-1.0)).sum();
    assert!(
        sum <= summary["timings"]["wall_seconds"].as_f64().unwrap() + 0.005,
        "phases {sum} s within the run"
    );

    let run = env.reconcile_into("timed", &["--timings"]);
    run.expect_code(0);
    for stage in [
        "read",
        "normalize",
        "index",
        "match",
        "write",
        "history",
        "wall",
        "register",
        "participants",
        "search",
        "outputs",
    ] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with(stage)),
            "no {stage} line in:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stdout.is_empty(),
        "timings go to stderr: {}",
        run.stdout
    );
}
