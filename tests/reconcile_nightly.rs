//! Nightly safety (docs/outputs.md): run-to-run changes, the manifest, file modes, masked IDs and
//! JSON logs. Publication, locks and stops are in tests/night_publication.rs.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::*;

/// Two persons, two participants: one SYNCED, one DIFF (a wrong accent).
fn small() -> (TestEnv, String, String) {
    let (a, b) = (cccd(1, false, 1980, 1), cccd(79, true, 1991, 2));
    let env = TestEnv::with(
        &[
            p("1000000001", "Nguyễn Văn An", "01/02/1980", "Nam", &a),
            p("1000000002", "Trần Thị Hòa", "03/04/1991", "Nữ", &b),
        ],
        &[
            r(&a, "Nguyễn Văn An", "01/02/1980", "Nam"),
            r(&b, "Trần Thị Hóa", "03/04/1991", "Nữ"),
        ],
    );
    (env, a, b)
}

#[test]
fn previous_lists_exactly_the_rows_whose_status_changed() {
    let (env, a, b) = small();
    env.reconcile_into("night1", &[]).expect_code(0);
    // Night 2: the register corrects Hòa (now SYNCED), An's date is mistyped (now DIFF), and a
    // new participant appears; nothing else changes.
    let c = cccd(48, false, 1975, 3);
    env.write_participants(&[
        p("1000000001", "Nguyễn Văn An", "01/02/1981", "Nam", &a),
        p("1000000002", "Trần Thị Hòa", "03/04/1991", "Nữ", &b),
        p("1000000003", "Lê Văn Ba", "1975", "Nam", &c),
    ]);
    env.write_register(&[
        r(&a, "Nguyễn Văn An", "01/02/1980", "Nam"),
        r(&b, "Trần Thị Hòa", "03/04/1991", "Nữ"),
        r(&c, "Lê Văn Ba", "1975", "Nam"),
    ]);
    env.reconcile_into("night2", &["--previous", "night1"])
        .expect_code(0);
    let changes = env.table_in("night2", "changes.csv");
    assert_eq!(
        changes.header,
        ["insurance_code", "previous_status", "status", "change"]
    );
    let rows: Vec<Vec<&str>> = changes
        .rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["1000000001", "SYNCED", "DIFF", "newly_broken"],
            vec!["1000000002", "DIFF", "SYNCED", "newly_synced"],
            vec!["1000000003", "", "SYNCED", "new"],
        ]
    );
    let summary = env.summary_in("night2");
    assert_eq!(summary["changes"]["rows"]["newly_synced"], 1);
    assert_eq!(summary["changes"]["rows"]["newly_broken"], 1);
    assert_eq!(summary["changes"]["statuses_delta"]["SYNCED"], 1);
    // Without --previous there is no changes.csv.
    assert!(!env.path().join("night1/changes.csv").exists());
}

#[test]
fn a_missing_previous_folder_is_said_and_the_run_goes_on_without_deltas() {
    // A first night, or the night after a failed one: nothing to compare with is no reason to
    // skip the night's report.
    let (env, _, _) = small();
    let run = env.reconcile(&["--previous", "no-such-night"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("no changes since a previous run are reported")
            && run.stderr.contains("no-such-night"),
        "{}",
        run.stderr
    );
    assert!(!env.out().join("changes.csv").exists());
}

#[test]
fn the_manifest_proves_which_inputs_the_report_came_from() {
    let (env, _, _) = small();
    env.reconcile(&[]).expect_code(0);
    let manifest: serde_json::Value =
        serde_json::from_slice(&env.read_out("manifest.json")).unwrap();
    for (key, file) in [
        ("participants", "participants.csv"),
        ("register", "register.csv"),
    ] {
        let bytes = std::fs::read(env.path().join(file)).unwrap();
        assert_eq!(manifest["inputs"][key]["sha256"], sha256(&bytes), "{key}");
        assert_eq!(
            manifest["inputs"][key]["bytes"],
            bytes.len() as u64,
            "{key}"
        );
    }
    assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(manifest["thresholds"]["suggest"].is_number());
}

#[test]
fn output_files_are_owner_only_unless_output_mode_says_otherwise() {
    let (env, _, _) = small();
    env.reconcile_into("private", &[]).expect_code(0);
    env.reconcile_into("shared", &["--output-mode", "640"])
        .expect_code(0);
    for name in [
        "results.csv",
        "mismatches.csv",
        "summary.json",
        "manifest.json",
        "report.html",
    ] {
        let mode = |dir: &str| {
            std::fs::metadata(env.path().join(dir).join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("private"), 0o600, "{name}");
        assert_eq!(mode("shared"), 0o640, "{name}");
    }
    env.reconcile_into("bad", &["--output-mode", "999"])
        .expect_code(2);
}

#[test]
fn mask_ids_leaves_no_full_id_in_any_file_for_auditors() {
    let (a, b) = (cccd(1, false, 1980, 123_456), cccd(79, true, 1991, 654_321));
    // Two codes on one person (duplicates.csv), a DIFF row and an id_other_person row
    // (mismatches.csv with the ID given and the person compared).
    let env = TestEnv::with(
        &[
            p("1000000001", "Nguyễn Văn An", "01/02/1980", "Nam", &a),
            p("1000000002", "Nguyen Van An", "01/02/1980", "Nam", &a),
            p("1000000003", "Phạm Văn Tư", "09/09/1959", "Nam", &b),
        ],
        &[
            r(&a, "Nguyễn Văn An", "01/02/1980", "Nam"),
            r(&b, "Trần Thị Hòa", "03/04/1991", "Nữ"),
        ],
    );
    env.reconcile(&["--mask-ids"]).expect_code(0);
    for name in ["mismatches.csv", "duplicates.csv", "report.html"] {
        let text = String::from_utf8(env.read_out(name)).unwrap();
        for id in [&a, &b] {
            assert!(!text.contains(id.as_str()), "{name} shows {id}:\n{text}");
        }
    }
    let mismatches = String::from_utf8(env.read_out("mismatches.csv")).unwrap();
    assert!(
        mismatches.contains(&format!("********{}", &a[8..])),
        "{mismatches}"
    );
    // results.csv is for machines: full IDs.
    assert!(String::from_utf8(env.read_out("results.csv"))
        .unwrap()
        .contains(a.as_str()));
}

#[test]
fn json_logs_are_one_object_a_line_without_personal_data() {
    let (env, a, _) = small();
    let run = env.run(&[
        "reconcile",
        "--participants",
        "participants.csv",
        "--register",
        "register.csv",
        "--out",
        "out",
        "--log-format",
        "json",
    ]);
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let lines: Vec<serde_json::Value> = run
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let done = lines
        .iter()
        .find(|l| l["event"] == "done")
        .expect("a done line");
    assert_eq!(done["participants"], 2);
    assert_eq!(done["synced"], 1);
    assert!(!run.stderr.contains(a.as_str()) && !run.stderr.contains("Nguyễn"));

    let failed = env.run(
        &[
            "reconcile",
            "--participants",
            "nope.csv",
            "--register",
            "register.csv",
        ]
        .iter()
        .chain(&["--out", "out", "--log-format", "json"])
        .collect::<Vec<_>>(),
    );
    failed.expect_code(1);
    let line: serde_json::Value = serde_json::from_str(failed.stderr.trim()).unwrap();
    assert_eq!(line["level"], "error");
    assert_eq!(line["exit_code"], 1);
    assert!(line["message"].as_str().unwrap().contains("nope.csv"));
}
