//! The history across nights (src/history/, docs/history.md): what each published night leaves
//! in it, that a killed night leaves nothing, the backlog's ages, and reviewers' decisions
//! applied by the next night (confirmations linked with method `reviewed`, rejected persons
//! never suggested again, stale decisions not applied), with bad decisions files importing
//! nothing and two processes sharing one history without harm.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;

/// `popsync synth` data of `persons` register persons and as many participants, in `env`:
/// `population.csv`, `base.csv` (the participants) and `truth.csv`.
fn synth(env: &TestEnv, persons: u64, seed: u64) {
    let out = env.join("synth");
    env.run(&[
        "synth",
        "--out",
        out.to_str().unwrap(),
        "--register",
        &persons.to_string(),
        "--participants",
        &persons.to_string(),
        "--seed",
        &seed.to_string(),
    ])
    .expect_code(0);
    std::fs::copy(out.join("population.csv"), env.join("register.csv")).unwrap();
    std::fs::copy(out.join("participants.csv"), env.join("base.csv")).unwrap();
}

/// The participants file as rows of cells (header first).
fn rows_of(env: &TestEnv, name: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(env.join(name))
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn write_rows(env: &TestEnv, name: &str, rows: &[Vec<String>]) {
    let mut writer = csv::Writer::from_path(env.join(name)).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
}

/// `popsync history --json` of the default history of `out`.
fn history_json(env: &TestEnv) -> serde_json::Value {
    let run = env.run(&["history", "--out", "out", "--json"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

fn summary(env: &TestEnv) -> serde_json::Value {
    serde_json::from_slice(&env.read_out("summary.json")).unwrap()
}

/// Each code's status in the published results.csv.
fn statuses(env: &TestEnv) -> BTreeMap<String, String> {
    let results = env.results();
    results
        .codes()
        .into_iter()
        .map(|c| (c.to_string(), results.get(c).status.clone()))
        .collect()
}

/// The history file of `out`.
fn history_file(env: &TestEnv) -> std::path::PathBuf {
    env.join("out.history").join("history.sqlite")
}

#[test]
fn three_nights_on_changing_data_leave_three_runs_with_their_counts_and_ages() {
    let env = TestEnv::new();
    synth(&env, 900, 21);
    let base = rows_of(&env, "base.csv");
    let name = base[0].iter().position(|h| h == "full_name").unwrap();
    // Night 1 as generated; night 2 with 60 names garbled and the last 100 rows gone; night 3
    // with half of those names back and 40 others garbled.
    let garble = |rows: &mut Vec<Vec<String>>, range: std::ops::Range<usize>| {
        for row in &mut rows[range] {
            row[name] = format!("Xy {} Zq", row[name].len());
        }
    };
    let mut nights = vec![base.clone()];
    let mut second = base.clone();
    garble(&mut second, 1..61);
    second.truncate(second.len() - 100);
    nights.push(second);
    let mut third = base.clone();
    garble(&mut third, 31..61);
    garble(&mut third, 200..240);
    nights.push(third);
    let mut summaries = Vec::new();
    let mut open_before: BTreeSet<String> = BTreeSet::new();
    let mut open_last_night: BTreeSet<String> = BTreeSet::new();
    for rows in &nights {
        write_rows(&env, "participants.csv", rows);
        env.reconcile(&[]).expect_code(0);
        summaries.push(summary(&env));
        open_before = std::mem::take(&mut open_last_night);
        open_last_night = (statuses(&env).into_iter())
            .filter(|(_, s)| s != "SYNCED")
            .map(|(c, _)| c)
            .collect();
    }
    let listing = history_json(&env);
    let listed = listing["nights"].as_array().unwrap();
    assert_eq!(listed.len(), 3, "{listing:#}");
    for (night, summary) in listed.iter().zip(&summaries) {
        assert_eq!(night["started"], summary["run"]["started"]);
        assert_eq!(night["participants"], summary["totals"]["participants"]);
        assert_eq!(night["synced"], summary["totals"]["synced"]);
        for (status, n) in summary["statuses"].as_object().unwrap() {
            assert_eq!(&night["statuses"][status], n, "{status}");
        }
        for (reason, n) in summary["reasons"].as_object().unwrap() {
            if n.as_u64() != Some(0) {
                assert_eq!(&night["reasons"][reason], n, "{reason}");
            }
        }
    }
    assert_ne!(
        summaries[0]["totals"]["synced"], summaries[1]["totals"]["synced"],
        "the nights' data differ"
    );
    // One province's figures, from the history and from that night's summary.json.
    let province = &summaries[2]["provinces"][0];
    let code = province["code"].as_str().unwrap();
    let run = env.run(&["history", "--out", "out", "--json", "--province", code]);
    let by_province: serde_json::Value = serde_json::from_str(&run.expect_code(0).stdout).unwrap();
    let last = by_province["nights"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["participants"], province["participants"]);
    assert_eq!(last["statuses"], province["statuses"]);
    // The backlog's ages, against the nights' own results: a row open tonight and last night
    // has been open 2 or 3 nights; one open tonight only, 1.
    let backlog = &summaries[2]["history"]["backlog"];
    let since_last_night = open_last_night
        .iter()
        .filter(|c| open_before.contains(*c))
        .count() as u64;
    let new_tonight = open_last_night.len() as u64 - since_last_night;
    assert_eq!(backlog["open"], open_last_night.len() as u64);
    assert_eq!(backlog["nights"]["1"], new_tonight, "{backlog:#}");
    assert_eq!(backlog["nights"]["2-7"], since_last_night, "{backlog:#}");
    assert!(new_tonight > 0 && since_last_night > 0);
    assert_eq!(listed[2]["backlog"], backlog["nights"]);
    // The trend of summary.json ends with tonight.
    let trend = summaries[2]["history"]["nights"].as_array().unwrap();
    assert_eq!(trend.len(), 3);
    assert_eq!(trend[2]["synced"], summaries[2]["totals"]["synced"]);
    // The table form lists the same nights.
    let table = env.run(&["history", "--out", "out"]);
    assert_eq!(
        table.expect_code(0).stdout.lines().count(),
        4,
        "{}",
        table.stdout
    );
}

#[test]
fn a_killed_night_leaves_no_run_in_the_history() {
    let env = TestEnv::new();
    synth(&env, 600, 22);
    std::fs::copy(env.join("base.csv"), env.join("participants.csv")).unwrap();
    env.reconcile(&[]).expect_code(0);
    let started = summary(&env)["run"]["started"].clone();
    // Killed once its files are written and the night recorded as pending, before publishing.
    let status = (env.command(&reconcile_args("out")))
        .env("POPSYNC_TEST_FAULT", "publish:staged:kill")
        .status()
        .unwrap();
    assert!(!status.success());
    let listing = history_json(&env);
    let nights = listing["nights"].as_array().unwrap();
    assert_eq!(nights.len(), 1, "{listing:#}");
    assert_eq!(nights[0]["started"], started);
    // The next night settles what the killed one left, and is the second night.
    env.reconcile(&[]).expect_code(0);
    let listing = history_json(&env);
    let nights = listing["nights"].as_array().unwrap();
    assert_eq!(nights.len(), 2, "{listing:#}");
    assert_eq!(nights[1]["started"], summary(&env)["run"]["started"]);
    let pending: i64 = rusqlite::Connection::open(history_file(&env))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM runs WHERE state != 'published'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0);
}

#[test]
fn a_night_killed_after_publishing_is_in_the_history() {
    let env = TestEnv::new();
    synth(&env, 600, 23);
    std::fs::copy(env.join("base.csv"), env.join("participants.csv")).unwrap();
    env.reconcile(&[]).expect_code(0);
    let status = (env.command(&reconcile_args("out")))
        .env("POPSYNC_TEST_FAULT", "publish:exchanged:kill")
        .status()
        .unwrap();
    assert!(!status.success());
    // Its set is published: the history shows it, though the run could not mark it.
    let listing = history_json(&env);
    let nights = listing["nights"].as_array().unwrap();
    assert_eq!(nights.len(), 2, "{listing:#}");
    assert_eq!(nights[1]["started"], summary(&env)["run"]["started"]);
    env.reconcile(&[]).expect_code(0);
    assert_eq!(history_json(&env)["nights"].as_array().unwrap().len(), 3);
}

/// A register of `persons` synthetic persons, then twins: two persons with one name, date of
/// birth and gender, and a participant without an ID who could be either (AMBIGUOUS).
fn with_twins(env: &TestEnv) -> (String, String) {
    synth(env, 800, 24);
    let twin_a = cccd(1, false, 1990, 990_001);
    let twin_b = cccd(1, false, 1990, 990_002);
    let mut register = std::fs::read_to_string(env.join("register.csv")).unwrap();
    for id in [&twin_a, &twin_b] {
        register.push_str(&format!("{id},,Quách Văn Tường,14/03/1990,Nam,001,alive\n"));
    }
    env.write("register.csv", register);
    let mut participants = std::fs::read_to_string(env.join("base.csv")).unwrap();
    participants.push_str("9900000001,Quách Văn Tường,14/03/1990,Nam,,001,compulsory\n");
    env.write("participants.csv", participants);
    (twin_a, twin_b)
}

fn import(env: &TestEnv, name: &str, text: &str) -> Run {
    env.write(name, text);
    env.run(&["review", "import", "--out", "out", name])
}

#[test]
fn a_confirmed_ambiguous_row_is_linked_to_the_confirmed_person_with_method_reviewed() {
    let env = TestEnv::new();
    let (_, twin_b) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    let first = env.results();
    assert_eq!(first.get("9900000001").status, "AMBIGUOUS");
    import(
        &env,
        "decisions.csv",
        &format!(
            "insurance_code,person_id,decision,reviewer,note\n\
             9900000001,{twin_b},confirm,Lan,his birth certificate\n"
        ),
    )
    .expect_code(0);
    env.reconcile(&[]).expect_code(0);
    let row = env.results().get("9900000001").clone();
    assert_eq!(row.status, "DIFF", "never SYNCED by decision: {row:?}");
    assert_eq!(row.person_id, twin_b);
    assert_eq!(row.method, "reviewed");
    assert!(row.has_reason("id_missing"), "{row:?}");
    let summary = summary(&env);
    assert_eq!(summary["review"]["linked_by_confirmation"], 1);
    // Every other row is as the night before.
    for code in first.codes() {
        if code != "9900000001" {
            assert_eq!(
                env.results().get(code).status,
                first.get(code).status,
                "{code}"
            );
        }
    }
}

#[test]
fn a_decision_from_the_workbook_is_imported() {
    let env = TestEnv::new();
    let (twin_a, _) = with_twins(&env);
    env.reconcile(&["--xlsx"]).expect_code(0);
    // The reviewer's workbook: the decision columns filled in, the ID typed as a number (its
    // leading zeros lost), the headers in Vietnamese as popsync writes them.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, header) in [
        "Quyết định",
        "Số định danh được quyết định",
        "Người kiểm tra",
        "Ghi chú",
        "Mã số BHXH",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "xác nhận").unwrap();
    sheet
        .write_number(1, 1, twin_a.parse::<f64>().unwrap())
        .unwrap();
    sheet.write_string(1, 2, "Lan").unwrap();
    sheet.write_string(1, 4, "9900000001").unwrap();
    workbook.save(env.join("reviewed.xlsx")).unwrap();
    env.run(&["review", "import", "--out", "out", "reviewed.xlsx"])
        .expect_code(0);
    env.reconcile(&[]).expect_code(0);
    let row = env.results().get("9900000001").clone();
    assert_eq!(
        (row.person_id.as_str(), row.method.as_str()),
        (twin_a.as_str(), "reviewed")
    );
}

#[test]
fn a_rejected_suggested_person_is_not_suggested_again() {
    let env = TestEnv::new();
    synth(&env, 900, 25);
    std::fs::copy(env.join("base.csv"), env.join("participants.csv")).unwrap();
    env.reconcile(&[]).expect_code(0);
    let results = env.results();
    let suggested: Vec<(String, String)> = results
        .with_status("SUGGESTED")
        .into_iter()
        .take(8)
        .map(|c| (c.to_string(), results.get(c).person_id.clone()))
        .collect();
    assert!(suggested.len() >= 4, "the data has SUGGESTED rows");
    let mut text = String::from("insurance_code,person_id,decision,reviewer,note\n");
    for (code, person) in &suggested {
        text.push_str(&format!("{code},{person},reject,Hùng,\n"));
    }
    import(&env, "decisions.csv", &text).expect_code(0);
    for _night in 0..2 {
        env.reconcile(&[]).expect_code(0);
        let now = env.results();
        let mismatches = env.table("mismatches.csv");
        for (code, person) in &suggested {
            let row = now.get(code);
            assert_ne!(&row.person_id, person, "{row:?}");
            assert!(row.has_reason("review_rejected"), "{row:?}");
            let listed = mismatches.row_where("insurance_code", code);
            assert!(
                !mismatches
                    .cell(listed, "candidates")
                    .contains(person.as_str()),
                "a rejected person is not listed: {listed:?}"
            );
        }
        assert_eq!(
            summary(&env)["review"]["rejections_applied"],
            suggested.len()
        );
    }
}

#[test]
fn a_decision_on_a_changed_record_is_stale_and_not_applied() {
    let env = TestEnv::new();
    let (_, twin_b) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    import(
        &env,
        "decisions.csv",
        &format!(
            "insurance_code,person_id,decision,reviewer,note\n9900000001,{twin_b},confirm,Lan,\n"
        ),
    )
    .expect_code(0);
    // Before the next night, the participant's record is corrected: another date of birth.
    let participants = std::fs::read_to_string(env.join("participants.csv"))
        .unwrap()
        .replace(
            "9900000001,Quách Văn Tường,14/03/1990",
            "9900000001,Quách Văn Tường,15/03/1990",
        );
    env.write("participants.csv", participants);
    env.reconcile(&[]).expect_code(0);
    let row = env.results().get("9900000001").clone();
    assert_ne!(row.method, "reviewed", "{row:?}");
    assert!(row.has_reason("review_stale"), "{row:?}");
    let mismatches = env.table("mismatches.csv");
    let listed = mismatches.row_where("insurance_code", "9900000001");
    assert!(mismatches.cell(listed, "reasons").contains("review_stale"));
    assert_eq!(summary(&env)["review"]["stale"], 1);
}

#[test]
fn a_bad_decisions_file_imports_nothing() {
    let env = TestEnv::new();
    let (twin_a, twin_b) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    let good = format!("9900000001,{twin_a},confirm,Lan,\n");
    let cases = [
        (
            format!("insurance_code,person_id,decision,reviewer,note\n{good}9900000001,{twin_b},perhaps,Lan,\n"),
            "line 3, column `decision`",
        ),
        (
            format!("insurance_code,person_id,decision,reviewer,note\n{good}9900000001,{twin_b},reject,,\n"),
            "line 3, column `reviewer`",
        ),
        (
            format!("insurance_code,person_id,decision,reviewer,remark\n{good}"),
            "line 1, column `remark`",
        ),
        (
            format!("insurance_code,person_id,decision,note\n9900000001,{twin_a},confirm,\n"),
            "line 1, column `reviewer`",
        ),
    ];
    for (text, place) in cases {
        let run = import(&env, "bad.csv", &text);
        run.expect_code(1);
        assert!(
            run.stderr.contains("bad.csv") && run.stderr.contains(place),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("Lan") && !run.stderr.contains(&twin_a),
            "{}",
            run.stderr
        );
        assert_eq!(history_json(&env)["decisions_made"], 0, "nothing imported");
    }
    let unreadable = env.join("missing.csv");
    let run = env.run(&[
        "review",
        "import",
        "--out",
        "out",
        unreadable.to_str().unwrap(),
    ]);
    run.expect_code(1);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
    // A device is refused without being read.
    let run = env.run(&["review", "import", "--out", "out", "/dev/zero"]);
    run.expect_code(1);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    // Decisions the last night's list does not support are refused, each with its line.
    let run = import(
        &env,
        "refused.csv",
        &format!(
            "insurance_code,person_id,decision,reviewer,note\n{good}0000000000,{twin_a},reject,Lan,\n\
             9900000001,{},reject,Lan,\n",
            cccd(1, false, 1990, 990_003)
        ),
    );
    run.expect_code(0);
    assert!(run.stderr.contains("refused.csv: line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("refused.csv: line 4"), "{}", run.stderr);
    assert_eq!(history_json(&env)["decisions_made"], 1);
}

#[test]
fn decisions_on_a_list_with_masked_ids_are_refused() {
    let env = TestEnv::new();
    let (twin_a, _) = with_twins(&env);
    env.reconcile(&["--mask-ids"]).expect_code(0);
    let run = import(
        &env,
        "decisions.csv",
        &format!(
            "insurance_code,person_id,decision,reviewer,note\n9900000001,{twin_a},confirm,Lan,\n"
        ),
    );
    run.expect_code(1);
    assert!(
        run.stderr.contains("mismatches.csv") && run.stderr.contains("--mask-ids"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(&twin_a), "{}", run.stderr);
    assert_eq!(history_json(&env)["decisions_made"], 0, "nothing imported");
}

#[test]
fn an_import_while_another_writer_holds_the_history_waits_then_exits_4_changing_nothing() {
    let env = TestEnv::new();
    let (twin_a, _) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    let text = format!(
        "insurance_code,person_id,decision,reviewer,note\n9900000001,{twin_a},confirm,Lan,\n"
    );
    // Another writer: holds the history's lock for longer than an import waits (60 s).
    let holder = rusqlite::Connection::open(history_file(&env)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let run = import(&env, "decisions.csv", &text);
    run.expect_code(4);
    assert!(
        run.stderr.contains("history.sqlite") && run.stderr.contains("another popsync is writing"),
        "{}",
        run.stderr
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(history_json(&env)["decisions_made"], 0, "nothing imported");
    // Once the other writer is done, the same file imports.
    import(&env, "decisions.csv", &text).expect_code(0);
    assert_eq!(history_json(&env)["decisions_made"], 1);
}

#[test]
fn a_history_popsync_cannot_read_is_refused_and_left_as_it_is() {
    let env = TestEnv::new();
    synth(&env, 300, 26);
    std::fs::copy(env.join("base.csv"), env.join("participants.csv")).unwrap();
    env.reconcile(&[]).expect_code(0);
    let file = history_file(&env);
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch("PRAGMA user_version = 7;")
        .unwrap();
    let before = std::fs::read(&file).unwrap();
    let published = env.read_out("summary.json");
    let run = env.reconcile(&[]);
    run.expect_code(1);
    assert!(run.stderr.contains("newer popsync"), "{}", run.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert_eq!(env.read_out("summary.json"), published, "nothing published");
    // A damaged file is reported, never recreated.
    let mut damaged = before.clone();
    damaged.truncate(2048);
    damaged.extend(std::iter::repeat_n(0x5a, 8192));
    std::fs::write(&file, &damaged).unwrap();
    let run = env.reconcile(&[]);
    run.expect_code(1);
    assert!(run.stderr.contains("history.sqlite"), "{}", run.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), damaged);
    // A night without a history still runs.
    env.reconcile(&["--no-history"]).expect_code(0);
    assert!(summary(&env).get("history").is_none());
}

#[test]
fn an_import_leaves_a_night_under_way_to_its_run() {
    let env = TestEnv::new();
    let (twin_a, _) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    // A night under way has recorded itself as pending and not yet published its set.
    let history = rusqlite::Connection::open(history_file(&env)).unwrap();
    history
        .execute_batch(
            "INSERT INTO runs (run_id, state, folder, started, finished, tool_version, \
             tool_commit, participants, synced, thresholds, config) \
             SELECT 'under-way', 'pending', folder, started, finished, tool_version, \
             tool_commit, participants, synced, thresholds, config FROM runs",
        )
        .unwrap();
    import(
        &env,
        "decisions.csv",
        &format!(
            "insurance_code,person_id,decision,reviewer,note\n9900000001,{twin_a},confirm,Lan,\n"
        ),
    )
    .expect_code(0);
    let pending: i64 = history
        .query_row(
            "SELECT count(*) FROM runs WHERE run_id = 'under-way'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 1, "the import left the night under way alone");
    // The decision was checked against the published night, not the one under way.
    let reviewed: String = history
        .query_row(
            "SELECT runs.run_id FROM decisions JOIN runs ON runs.run = decisions.reviewed_run",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(reviewed, "under-way");
}

#[test]
fn a_night_and_imports_at_once_leave_the_history_whole() {
    let env = TestEnv::new();
    let (twin_a, _) = with_twins(&env);
    env.reconcile(&[]).expect_code(0);
    env.write(
        "decisions.csv",
        format!(
            "insurance_code,person_id,decision,reviewer,note\n9900000001,{twin_a},confirm,Lan,\n"
        ),
    );
    let spawn = |args: &[&str]| {
        (env.command(args))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let night = spawn(&reconcile_args("out"));
    let imports: Vec<_> = (0..4)
        .map(|_| spawn(&["review", "import", "--out", "out", "decisions.csv"]))
        .collect();
    let night = night.wait_with_output().unwrap();
    assert!(
        night.status.success(),
        "{}",
        String::from_utf8_lossy(&night.stderr)
    );
    let mut imported = 0;
    for import in imports {
        let output = import.wait_with_output().unwrap();
        // Each waits for the other writer, or says the history is busy (exit 4).
        match output.status.code() {
            Some(0) => imported += 1,
            Some(4) => {}
            other => panic!("{other:?}: {}", String::from_utf8_lossy(&output.stderr)),
        }
    }
    let verdict: String = rusqlite::Connection::open(history_file(&env))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
    let listing = history_json(&env);
    assert_eq!(listing["nights"].as_array().unwrap().len(), 2);
    assert_eq!(listing["decisions_made"], imported);
}
