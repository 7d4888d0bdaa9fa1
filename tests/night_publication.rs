//! Publication of a night's set, one run at a time, and clean stops (src/report/folder.rs,
//! src/report/output.rs, src/stop.rs): what an operator relies on whatever moment a run fails,
//! is killed or is stopped at. The moments are chosen with the fault points of src/fault.rs
//! (`POPSYNC_TEST_FAULT=POINT:ACTION`), never with timing.
//!
//! Every night `k` of a test reads its own inputs, `participants-k.csv` and `register-k.csv`:
//! `population(BASE + k)`, so a set's participant count tells which night wrote it, and its
//! manifest can be checked against the very files it names.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_popsync");

/// The history file of the nights, in OUT.history/ beside the earlier sets (docs/history.md).
const HISTORY_FILE: &str = "history.sqlite";

/// The fault-injection variable (src/fault.rs).
const FAULT: &str = "POPSYNC_TEST_FAULT";

/// Participants of night 0; night `k` has `BASE + k`. Small: a debug run takes a fraction of a
/// second.
const BASE: usize = 40;

/// The files every completed run publishes.
const SET_FILES: [&str; 7] = [
    "duplicates.csv",
    "manifest.json",
    "mismatches.csv",
    "rejects.csv",
    "report.html",
    "results.csv",
    "summary.json",
];

/// Published only when a previous set was used.
const CHANGES: &str = "changes.csv";

/// Default `--keep`.
const KEEP: usize = 3;

/// Longest wait for a paused run to reach its pause (a debug build on a loaded machine).
const PATIENCE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Running the binary

/// How a run of the binary ended.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn from(output: std::process::Output) -> Ran {
        Ran {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn code(&self) -> Option<i32> {
        self.status.code()
    }

    fn show(&self) -> String {
        format!(
            "{:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }

    #[track_caller]
    fn expect_code(&self, code: i32) -> &Ran {
        assert_eq!(
            self.code(),
            Some(code),
            "exit code (expected {code}): {}",
            self.show()
        );
        self
    }

    #[track_caller]
    fn expect_killed(&self) -> &Ran {
        assert_eq!(
            self.status.signal(),
            Some(9),
            "expected the run to be SIGKILLed: {}",
            self.show()
        );
        self
    }

    /// Standard error as JSON lines (`--log-format json`): every line must be one.
    #[track_caller]
    fn json_lines(&self) -> Vec<serde_json::Value> {
        json_lines(&self.stderr)
    }
}

fn participants_file(night: usize) -> String {
    format!("participants-{night}.csv")
}

fn register_file(night: usize) -> String {
    format!("register-{night}.csv")
}

/// Writes the inputs of nights `nights`.
fn write_nights(env: &TestEnv, nights: impl IntoIterator<Item = usize>) {
    for night in nights {
        let (participants, register) = population(BASE + night);
        env.write(&participants_file(night), participants_csv(&participants));
        env.write(&register_file(night), register_csv(&register));
    }
}

/// `popsync [global] reconcile` of night `night` into `out`, quietly, with `extra` flags.
fn reconcile_args(global: &[&str], night: usize, out: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = global.iter().map(|s| s.to_string()).collect();
    args.extend(
        [
            "reconcile",
            "--participants",
            &participants_file(night),
            "--register",
            &register_file(night),
            "--out",
            out,
            "-q",
        ]
        .map(String::from),
    );
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn command(env: &TestEnv, args: &[String], fault: Option<&str>) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(env.path())
        .env_remove(FAULT)
        .stdin(Stdio::null());
    if let Some(fault) = fault {
        command.env(FAULT, fault);
    }
    command
}

fn run(env: &TestEnv, args: &[String], fault: Option<&str>) -> Ran {
    Ran::from(command(env, args, fault).output().expect("running popsync"))
}

/// Night `night` into `out`, no fault, with `extra` flags.
fn night(env: &TestEnv, night: usize, extra: &[&str]) -> Ran {
    run(env, &reconcile_args(&[], night, "out", extra), None)
}

/// A run in the background; killed (SIGKILL) if the test ends before it does.
struct Running {
    child: Option<Child>,
}

impl Running {
    fn spawn(env: &TestEnv, args: &[String], fault: Option<&str>) -> Running {
        let child = command(env, args, fault)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting popsync");
        Running { child: Some(child) }
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Waits until `ready` holds; panics if the run ends first or never gets there.
    #[track_caller]
    fn wait_until(&mut self, what: &str, mut ready: impl FnMut() -> bool) {
        let start = Instant::now();
        loop {
            if ready() {
                return;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                let ran = Ran::from(
                    self.child
                        .take()
                        .unwrap()
                        .wait_with_output()
                        .expect("collecting popsync's output"),
                );
                panic!("the run ended ({status}) before {what}: {}", ran.show());
            }
            assert!(start.elapsed() < PATIENCE, "the run never got to {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends `signal` (`TERM`, `INT`, `HUP`) with kill(1).
    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .expect("running kill");
        assert!(status.success(), "kill -{signal} failed: {status}");
    }

    fn finish(mut self) -> Ran {
        Ran::from(
            self.child
                .take()
                .unwrap()
                .wait_with_output()
                .expect("collecting popsync's output"),
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What is on disk

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file under `dir` with its bytes and mode; folders as `name/`.
fn snapshot(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut files = BTreeMap::new();
    for name in names_in(dir) {
        let path = dir.join(&name);
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode();
        if meta.is_dir() {
            files.insert(format!("{name}/"), (mode, Vec::new()));
            for (inner, content) in snapshot(&path) {
                files.insert(format!("{name}/{inner}"), content);
            }
        } else {
            files.insert(name, (mode, std::fs::read(&path).unwrap()));
        }
    }
    files
}

#[track_caller]
fn assert_same_snapshot(
    before: &BTreeMap<String, (u32, Vec<u8>)>,
    now: &BTreeMap<String, (u32, Vec<u8>)>,
    what: &str,
) {
    let names = |s: &BTreeMap<String, (u32, Vec<u8>)>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(before), names(now), "{what}: the files differ");
    for (name, content) in before {
        assert!(
            now[name] == *content,
            "{what}: {name} is not byte-for-byte what it was"
        );
    }
}

fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

fn data_rows(path: &Path) -> u64 {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .inspect(|r| assert!(r.is_ok(), "{r:?}"))
        .count() as u64
}

/// Which run a complete set came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SetOf {
    /// The night whose inputs it was made from.
    night: usize,
    /// Its run's `run.started`.
    started: String,
}

/// The work folders of runs of the output folder `dir` (relative to the test's folder), beside
/// it: `.DIR.run-*`.
fn work_folders(env: &TestEnv, dir: &str) -> Vec<PathBuf> {
    let path = env.join(dir);
    let parent = path.parent().unwrap();
    let prefix = format!(".{}.run-", path.file_name().unwrap().to_string_lossy());
    names_in(parent)
        .into_iter()
        .filter(|n| n.starts_with(&prefix))
        .map(|n| parent.join(n))
        .collect()
}

#[track_caller]
fn assert_no_work_folders(env: &TestEnv, dir: &str) {
    let left = work_folders(env, dir);
    assert!(left.is_empty(), "work folders left beside {dir}: {left:?}");
}

/// Asserts that `dir` (relative to the test's folder) holds the files of one completed run and
/// nothing else, and says which run. The files agree with each other (summary and manifest name
/// the same run, results.csv and mismatches.csv have the rows summary.json counts, changes.csv
/// is there exactly when summary.json reports changes), and with the inputs the manifest names
/// (their SHA-256 and size, and their row count).
#[track_caller]
fn assert_set_contents(env: &TestEnv, dir: &str) -> SetOf {
    let path = env.join(dir);
    let names = names_in(&path);
    for name in SET_FILES {
        assert!(
            names.iter().any(|n| n == name),
            "{dir} lacks {name}: {names:?}"
        );
    }
    for name in &names {
        assert!(
            SET_FILES.contains(&name.as_str()) || name == CHANGES,
            "{dir} holds {name}, which is not a file of a set: {names:?}"
        );
        assert!(path.join(name).is_file(), "{dir}/{name} is not a file");
    }
    let manifest = read_json(&path.join("manifest.json"));
    let summary = read_json(&path.join("summary.json"));
    let started = manifest["run"]["started"]
        .as_str()
        .unwrap_or_else(|| panic!("{dir}/manifest.json has no run.started: {manifest}"))
        .to_string();
    for key in ["run", "tool", "config", "thresholds"] {
        assert_eq!(
            manifest[key], summary[key],
            "{dir}: manifest.json's and summary.json's `{key}` differ: two runs' files"
        );
    }
    let participants = summary["totals"]["participants"]
        .as_u64()
        .unwrap_or_else(|| panic!("{dir}/summary.json has no totals.participants"));
    let synced = summary["totals"]["synced"].as_u64().unwrap();
    let results = env.results_in(dir);
    assert_eq!(
        results.rows.len() as u64,
        participants,
        "{dir}: results.csv's rows and summary.json's participants differ"
    );
    assert_eq!(
        results.with_status("SYNCED").len() as u64,
        synced,
        "{dir}: results.csv's SYNCED rows and summary.json's differ"
    );
    let mismatches = env.table_in(dir, "mismatches.csv");
    assert_eq!(
        mismatches.header, MISMATCHES_HEADER,
        "{dir}/mismatches.csv header"
    );
    assert_eq!(
        mismatches.rows.len() as u64,
        participants - synced,
        "{dir}: mismatches.csv does not hold every row that is not SYNCED"
    );
    for key in ["participants", "register"] {
        let input = &manifest["inputs"][key];
        let input_path = input["path"]
            .as_str()
            .unwrap_or_else(|| panic!("{dir}/manifest.json: no inputs.{key}.path"));
        let bytes = std::fs::read(env.join(input_path))
            .unwrap_or_else(|e| panic!("{dir}: the {key} input {input_path}: {e}"));
        assert_eq!(input["sha256"], sha256(&bytes), "{dir}: {key} sha256");
        assert_eq!(input["bytes"], bytes.len() as u64, "{dir}: {key} bytes");
        assert_eq!(
            summary["inputs"][key]["path"], input["path"],
            "{dir}: summary.json and manifest.json name different {key} inputs"
        );
    }
    let participants_path = env.join(manifest["inputs"]["participants"]["path"].as_str().unwrap());
    assert_eq!(
        data_rows(&participants_path),
        participants,
        "{dir}: not as many results as rows in {}",
        participants_path.display()
    );
    assert_eq!(
        names.iter().any(|n| n == CHANGES),
        !summary["changes"]["previous_run"].is_null(),
        "{dir}: changes.csv is there {} summary.json reports changes ({})",
        if names.iter().any(|n| n == CHANGES) {
            "but not"
        } else {
            "not, but"
        },
        summary["changes"]
    );
    let html = std::fs::read_to_string(path.join("report.html")).unwrap();
    assert!(
        html.trim_end().ends_with("</html>"),
        "{dir}/report.html is incomplete"
    );
    let night = usize::try_from(participants)
        .unwrap()
        .checked_sub(BASE)
        .unwrap_or_else(|| panic!("{dir}: {participants} participants: not a test night"));
    SetOf { night, started }
}

/// [`assert_set_contents`], and no run's work folder is left beside `dir`: to call once the runs
/// have ended (a run killed with SIGKILL excepted, whose leftovers the next run removes).
#[track_caller]
fn assert_one_complete_set(env: &TestEnv, dir: &str) -> SetOf {
    let set = assert_set_contents(env, dir);
    assert_no_work_folders(env, dir);
    set
}

/// The sets in `out.history`, oldest first, each asserted complete and named after when its run
/// started.
#[track_caller]
fn history(env: &TestEnv) -> Vec<SetOf> {
    if !env.join("out.history").exists() {
        return Vec::new();
    }
    names_in(&env.join("out.history"))
        .into_iter()
        .filter(|name| name != HISTORY_FILE)
        .map(|name| {
            let set = assert_set_contents(env, &format!("out.history/{name}"));
            let stamp = set.started.replace(':', "-");
            assert!(
                name == stamp || name.strip_prefix(&format!("{stamp}.")).is_some(),
                "out.history/{name} holds the set of a run started at {}",
                set.started
            );
            set
        })
        .collect()
}

/// Nothing beside `out` but what popsync keeps there and the test's inputs.
#[track_caller]
fn assert_parent_clean(env: &TestEnv) {
    for name in names_in(env.path()) {
        let input = (name.starts_with("participants-") || name.starts_with("register-"))
            && name.ends_with(".csv");
        assert!(
            input || ["out", "out.history", ".out.lock"].contains(&name.as_str()),
            "{name} is left beside the output folder: {:?}",
            names_in(env.path())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 1-3: a run failed or killed at each point publishes its whole set or nothing

/// The points after which the new set is published.
fn publishes(point: &str) -> bool {
    matches!(
        point,
        "publish:exchanged" | "publish:archived" | "publish:pruned"
    )
}

/// Night 1 published; night 2 (one participant more) fails or is killed at `point`; then a clean
/// night 3. After night 2 the folder is exactly night 1 or exactly night 2; after night 3 it is
/// night 3, no work folder is left, and the history holds at most `--keep` complete sets, of
/// published nights only.
fn fault_scenario(point: &str) {
    for action in ["fail", "kill"] {
        let case = format!("{point}:{action}");
        let env = TestEnv::new();
        write_nights(&env, 1..=3);
        night(&env, 1, &[]).expect_code(0);
        let first = assert_one_complete_set(&env, "out");
        assert_eq!(first.night, 1);
        let before = snapshot(&env.out());
        // No wait: a night may start within the second the one before it started.

        let faulted = run(&env, &reconcile_args(&[], 2, "out", &[]), Some(&case));
        let published = publishes(point);
        match action {
            "fail" => {
                faulted.expect_code(if published { 0 } else { 1 });
                assert!(
                    faulted.stderr.contains(&format!("injected at {point}")),
                    "{case}: the failure is not reported: {}",
                    faulted.show()
                );
                if point == "publish:staged" {
                    assert!(
                        faulted.stderr.contains("nothing was published"),
                        "{case}: {}",
                        faulted.show()
                    );
                }
            }
            _ => {
                faulted.expect_killed();
            }
        }
        if published {
            let second = if action == "fail" {
                assert_one_complete_set(&env, "out")
            } else {
                assert_set_contents(&env, "out")
            };
            assert_eq!(
                second.night, 2,
                "{case}: the published set is not night 2's"
            );
        } else {
            assert_same_snapshot(&before, &snapshot(&env.out()), &case);
            if action == "fail" {
                assert_no_work_folders(&env, "out");
            }
        }
        if action == "kill" && point != "run:locked" {
            // The premise of what follows: the killed run left its work folder.
            assert!(
                !work_folders(&env, "out").is_empty(),
                "{case}: a killed run left no work folder"
            );
        }
        let after_fault: Vec<SetOf> = history(&env);
        assert!(after_fault.len() <= KEEP, "{case}: {after_fault:?}");

        night(&env, 3, &[]).expect_code(0);
        let third = assert_one_complete_set(&env, "out");
        assert_eq!(third.night, 3, "{case}");
        assert_parent_clean(&env);
        let kept = history(&env);
        assert!(kept.len() <= KEEP, "{case}: {kept:?}");
        let nights: Vec<usize> = kept.iter().map(|s| s.night).collect();
        let mut required = Vec::new();
        // A published night 2 was displaced by night 3; the night 1 it displaced was archived,
        // by night 2 or, killed before, by night 3.
        required.push(1);
        if published {
            required.push(2);
        }
        assert_eq!(
            nights.iter().filter(|&&n| n == 1 || n == 2).count(),
            nights.len(),
            "{case}: the history holds a set of a night that was never displaced: {kept:?}"
        );
        for n in required {
            assert_eq!(
                nights.iter().filter(|&&k| k == n).count(),
                1,
                "{case}: the history should hold night {n}'s set once: {kept:?}"
            );
        }
        if !published {
            assert!(
                !nights.contains(&2),
                "{case}: the unpublished night 2 is in the history: {kept:?}"
            );
        }
        let mut sorted = kept.clone();
        sorted.sort_by(|a, b| a.started.cmp(&b.started));
        assert_eq!(
            sorted, kept,
            "{case}: the history is not in the order of the runs"
        );
    }
}

#[test]
fn a_run_failed_or_killed_once_locked_leaves_the_previous_set() {
    fault_scenario("run:locked");
}

#[test]
fn a_run_failed_or_killed_at_the_participants_pass_leaves_the_previous_set() {
    fault_scenario("run:participants");
}

#[test]
fn a_run_failed_or_killed_writing_its_files_leaves_the_previous_set() {
    fault_scenario("run:outputs");
}

#[test]
fn a_run_failed_or_killed_before_the_swap_leaves_the_previous_set() {
    fault_scenario("publish:staged");
}

#[test]
fn a_run_failed_or_killed_right_after_the_swap_has_published_its_set() {
    fault_scenario("publish:exchanged");
}

#[test]
fn a_run_failed_or_killed_after_archiving_has_published_its_set() {
    fault_scenario("publish:archived");
}

#[test]
fn a_run_failed_or_killed_after_pruning_has_published_its_set() {
    fault_scenario("publish:pruned");
}

// ---------------------------------------------------------------------------------------------
// 4: no stale file from an earlier night

#[test]
fn changes_csv_of_an_earlier_night_does_not_outlive_a_night_without_previous() {
    let env = TestEnv::new();
    write_nights(&env, 1..=3);
    night(&env, 1, &[]).expect_code(0);
    assert_one_complete_set(&env, "out");
    assert!(
        !env.out().join(CHANGES).exists(),
        "a first night has no changes"
    );

    night(&env, 2, &[]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 2);
    assert!(
        env.out().join(CHANGES).exists(),
        "the published set is the previous run by default"
    );
    let changes = env.table(CHANGES);
    let new_code = format!("99{:08}", BASE + 1);
    assert_eq!(
        changes.cell(changes.row_where("insurance_code", &new_code), "change"),
        "new"
    );

    night(&env, 3, &["--no-previous"]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 3);
    assert!(
        !env.out().join(CHANGES).exists(),
        "night 2's changes.csv is still beside night 3's files: {:?}",
        env.listing("out")
    );
    assert!(env.summary()["changes"]["previous_run"].is_null());
}

// ---------------------------------------------------------------------------------------------
// 5-6: one run at a time

#[test]
fn a_second_run_while_one_holds_the_folder_exits_4_and_touches_nothing() {
    let env = TestEnv::new();
    write_nights(&env, 1..=2);
    night(&env, 1, &[]).expect_code(0);
    assert_one_complete_set(&env, "out");
    let before = snapshot(&env.out());

    let json = ["--log-format", "json"];
    let mut holder = Running::spawn(
        &env,
        &reconcile_args(&json, 2, "out", &[]),
        Some("run:participants:pause"),
    );
    holder.wait_until("its work folder", || {
        work_folders(&env, "out")
            .iter()
            .any(|w| w.join("set").join("rejects.csv").exists())
    });

    let second = run(&env, &reconcile_args(&json, 2, "out", &[]), None);
    second.expect_code(4);
    assert!(second.stdout.is_empty(), "{}", second.show());
    let lines = second.json_lines();
    let busy = lines
        .last()
        .unwrap_or_else(|| panic!("no log line: {}", second.show()));
    assert_eq!(busy["event"], "busy", "{}", second.show());
    assert_eq!(busy["level"], "warn", "{}", second.show());
    assert_eq!(busy["exit_code"], 4, "{}", second.show());
    assert!(
        busy["message"]
            .as_str()
            .is_some_and(|m| m.contains("another popsync run")),
        "{}",
        second.show()
    );
    assert_same_snapshot(&before, &snapshot(&env.out()), "after the busy run");

    holder.signal("TERM");
    let holder = holder.finish();
    holder.expect_code(143);
    assert_same_snapshot(&before, &snapshot(&env.out()), "after the holder's stop");
    assert_no_work_folders(&env, "out");

    night(&env, 2, &[]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 2);
}

#[test]
fn runs_started_together_publish_one_complete_set_or_say_busy() {
    let env = TestEnv::new();
    write_nights(&env, 1..=2);
    let mut busy = 0;
    for pair in 0..10 {
        let runs = [1, 2].map(|n| Running::spawn(&env, &reconcile_args(&[], n, "out", &[]), None));
        let [a, b] = runs.map(Running::finish);
        for (n, ran) in [(1, &a), (2, &b)] {
            assert!(
                matches!(ran.code(), Some(0 | 4)),
                "pair {pair}, night {n}: {}",
                ran.show()
            );
            if ran.code() == Some(4) {
                busy += 1;
                assert!(
                    ran.stderr.contains("another popsync run"),
                    "pair {pair}, night {n}: {}",
                    ran.show()
                );
            }
        }
        assert!(
            a.code() == Some(0) || b.code() == Some(0),
            "pair {pair}: neither run did the night:\n{}\n{}",
            a.show(),
            b.show()
        );
        let set = assert_one_complete_set(&env, "out");
        match (a.code(), b.code()) {
            (Some(0), Some(4)) => assert_eq!(set.night, 1, "pair {pair}"),
            (Some(4), Some(0)) => assert_eq!(set.night, 2, "pair {pair}"),
            _ => assert!(set.night == 1 || set.night == 2, "pair {pair}"),
        }
        assert!(history(&env).len() <= KEEP, "pair {pair}");
        assert_parent_clean(&env);
    }
    eprintln!("{busy} of 10 pairs overlapped (one run said busy)");
}

#[test]
fn the_lock_of_a_killed_run_never_blocks_the_next_night() {
    let env = TestEnv::new();
    write_nights(&env, 1..=2);
    night(&env, 1, &[]).expect_code(0);
    run(
        &env,
        &reconcile_args(&[], 2, "out", &[]),
        Some("run:participants:kill"),
    )
    .expect_killed();
    assert!(env.join(".out.lock").exists());
    assert!(!work_folders(&env, "out").is_empty());

    night(&env, 2, &[]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 2);
    assert_parent_clean(&env);
}

// ---------------------------------------------------------------------------------------------
// 7: clean stops

#[test]
fn a_signal_mid_run_stops_it_cleanly_and_publishes_nothing() {
    for (signal, name, code, point) in [
        ("TERM", "SIGTERM", 143, "run:participants"),
        ("INT", "SIGINT", 130, "run:outputs"),
        ("HUP", "SIGHUP", 129, "run:participants"),
    ] {
        let case = format!("SIG{signal} at {point}");
        let env = TestEnv::new();
        write_nights(&env, 1..=2);
        night(&env, 1, &[]).expect_code(0);
        assert_one_complete_set(&env, "out");
        let before = snapshot(&env.out());

        let mut running = Running::spawn(
            &env,
            &reconcile_args(&["--log-format", "json"], 2, "out", &[]),
            Some(&format!("{point}:pause")),
        );
        running.wait_until("its work folder", || {
            work_folders(&env, "out").iter().any(|w| {
                w.join("set").join("rejects.csv").exists()
                    && (point != "run:outputs"
                        || names_in(w).iter().any(|n| n.starts_with(".scratch.")))
            })
        });
        running.signal(signal);
        let stopped = running.finish();
        assert_eq!(stopped.code(), Some(code), "{case}: {}", stopped.show());
        let lines = stopped.json_lines();
        let last = lines
            .last()
            .unwrap_or_else(|| panic!("{case}: no log line: {}", stopped.show()));
        assert_eq!(last["event"], "failed", "{case}: {last}");
        assert_eq!(last["level"], "error", "{case}: {last}");
        assert_eq!(last["signal"], name, "{case}: {last}");
        assert_eq!(last["exit_code"], code, "{case}: {last}");

        assert_no_work_folders(&env, "out");
        assert_parent_clean(&env);
        assert_same_snapshot(&before, &snapshot(&env.out()), &case);

        night(&env, 2, &[]).expect_code(0);
        assert_eq!(assert_one_complete_set(&env, "out").night, 2, "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// 8: the history

#[test]
fn keep_holds_the_newest_sets_and_keep_0_no_history() {
    let env = TestEnv::new();
    write_nights(&env, 1..=4);
    for n in 1..=4 {
        night(&env, n, &["--keep", "2"]).expect_code(0);
        assert_eq!(assert_one_complete_set(&env, "out").night, n);
    }
    let kept: Vec<usize> = history(&env).iter().map(|s| s.night).collect();
    assert_eq!(kept, [2, 3], "the two newest displaced sets, oldest first");
    assert_parent_clean(&env);

    // --keep 0: the earlier sets go; the history file of the nights stays (it is not a set).
    let env = TestEnv::new();
    write_nights(&env, 1..=3);
    night(&env, 1, &[]).expect_code(0);
    night(&env, 2, &[]).expect_code(0);
    assert_eq!(history(&env).len(), 1);
    night(&env, 3, &["--keep", "0"]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 3);
    assert_eq!(
        env.listing("out.history"),
        [HISTORY_FILE],
        "--keep 0 keeps no set"
    );
    night(&env, 1, &["--keep", "0"]).expect_code(0);
    assert_eq!(assert_one_complete_set(&env, "out").night, 1);
    assert_eq!(env.listing("out.history"), [HISTORY_FILE]);
    // With no history kept either, nothing is left beside the output folder.
    let env = TestEnv::new();
    write_nights(&env, 1..=2);
    night(&env, 1, &["--no-history"]).expect_code(0);
    night(&env, 2, &["--keep", "0", "--no-history"]).expect_code(0);
    assert!(!env.join("out.history").exists());
    assert_parent_clean(&env);
}

// ---------------------------------------------------------------------------------------------
// 9: what --out must be

#[test]
fn out_must_be_a_folder_of_popsyncs_own() {
    let env = TestEnv::new();
    write_nights(&env, 1..=1);

    env.write("out", "not a folder\n");
    let ran = night(&env, 1, &[]);
    ran.expect_code(1);
    assert!(ran.stderr.contains("not a folder"), "{}", ran.show());
    assert!(!ran.stderr.contains("os error 17"), "{}", ran.show());
    assert_eq!(std::fs::read(env.out()).unwrap(), b"not a folder\n");
    std::fs::remove_file(env.out()).unwrap();

    // A folder with a file popsync did not write: replacing the folder would lose it.
    env.write("out/notes.txt", "the auditor's notes\n");
    let ran = night(&env, 1, &[]);
    ran.expect_code(1);
    assert!(ran.stderr.contains("notes.txt"), "{}", ran.show());
    assert_eq!(env.listing("out"), ["notes.txt"]);
    assert_eq!(env.read_out("notes.txt"), b"the auditor's notes\n");
    assert_no_work_folders(&env, "out");

    // The same beside a published set.
    std::fs::remove_dir_all(env.out()).unwrap();
    night(&env, 1, &[]).expect_code(0);
    env.write("out/notes.txt", "the auditor's notes\n");
    let before = snapshot(&env.out());
    let ran = night(&env, 1, &[]);
    ran.expect_code(1);
    assert!(ran.stderr.contains("notes.txt"), "{}", ran.show());
    assert_same_snapshot(&before, &snapshot(&env.out()), "a refused run");
    assert_no_work_folders(&env, "out");
}

// ---------------------------------------------------------------------------------------------
// 10: permissions

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// A run under `umask`.
fn run_under_umask(env: &TestEnv, umask: &str, args: &[String]) -> Ran {
    let mut sh_args = vec![
        "-c".to_string(),
        format!(r#"umask {umask}; exec "$0" "$@""#),
        BIN.to_string(),
    ];
    sh_args.extend_from_slice(args);
    Ran::from(
        Command::new("sh")
            .args(&sh_args)
            .current_dir(env.path())
            .env_remove(FAULT)
            .output()
            .expect("running sh"),
    )
}

/// Two nights into `out` under `umask`, then the modes of the folder, its files, its history
/// (the folder and each set) and its lock.
#[track_caller]
fn assert_modes(umask: &str, out: &str, extra: &[&str], dir_mode: u32, file_mode: u32) {
    let env = TestEnv::new();
    write_nights(&env, 1..=2);
    for n in 1..=2 {
        run_under_umask(&env, umask, &reconcile_args(&[], n, out, extra)).expect_code(0);
    }
    let case = format!("umask {umask}, --out {out} {extra:?}");
    let folder = env.join(out);
    assert_eq!(
        mode(&folder),
        dir_mode,
        "{case}: {out}: {:o}",
        mode(&folder)
    );
    for name in SET_FILES {
        let m = mode(&folder.join(name));
        assert_eq!(m, file_mode, "{case}: {out}/{name}: {m:o}");
    }
    let history = env.join(&format!("{out}.history"));
    for set in names_in(&history) {
        let m = mode(&history.join(&set));
        // The history file of the nights holds codes and reviewers' names: an output file.
        let expected = if set == HISTORY_FILE {
            file_mode
        } else {
            dir_mode
        };
        assert_eq!(m, expected, "{case}: {out}.history/{set}: {m:o}");
    }
    let m = mode(&history);
    assert_eq!(m, dir_mode, "{case}: {out}.history: {m:o}");
    let lock = env.join(&format!(".{out}.lock"));
    assert_eq!(
        mode(&lock) & 0o077,
        0,
        "{case}: {}: {:o}",
        lock.display(),
        mode(&lock)
    );
}

#[test]
fn folders_popsync_creates_are_owner_only_under_umask_000() {
    assert_modes("000", "out", &[], 0o700, 0o600);
    assert_modes("000", "shared", &["--output-mode", "640"], 0o750, 0o640);
}

#[test]
fn output_mode_640_opens_every_folder_to_the_group_under_umask_077() {
    // Auditors in the group read the published set and the earlier ones.
    assert_modes("077", "shared", &["--output-mode", "640"], 0o750, 0o640);
}
