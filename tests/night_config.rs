//! One file for a night: `popsync reconcile --config nightly.toml` with the inputs, the output
//! folder and the flags in the file gives what the same run gives from flags; a flag overrides
//! the file; `popsync check` says whether a run would start, with the run's own error when it
//! would not; the flags every command takes go before or after its name; `--help` lists the
//! exit codes and `--version` names the commit.

mod common;

use std::path::Path;

use common::*;

/// The committed fixtures in `data/`, a config in `etc/` that names them relatively to itself.
fn night_env(config: &str) -> TestEnv {
    let env = TestEnv::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for (from, to) in [
        ("participants.csv", "data/participants.csv"),
        ("population.csv", "data/population.csv"),
    ] {
        env.write(to, std::fs::read(fixtures.join(from)).unwrap());
    }
    env.write("etc/nightly.toml", config);
    env
}

const NIGHT: &str = r#"
out = "../nights/from-config"
keep = 5
lang = "en"
xlsx = true
mask_ids = true
output_mode = "640"
min_sync_rate = "50%"

[participants]
path = "../data/participants.csv"

[register]
path = "../data/population.csv"
"#;

/// The flags that say what [`NIGHT`] says.
const NIGHT_FLAGS: [&str; 14] = [
    "--participants",
    "data/participants.csv",
    "--register",
    "data/population.csv",
    "--keep",
    "5",
    "--lang",
    "en",
    "--xlsx",
    "--mask-ids",
    "--output-mode",
    "640",
    "--min-sync-rate",
    "50%",
];

/// summary.json without what differs between two runs of the same night into two folders:
/// times, the process, the paths the inputs were named by, the config file's name.
fn comparable_summary(env: &TestEnv, out: &str) -> serde_json::Value {
    let mut summary = env.summary_in(out);
    // `changes` and `history` name the output folder (there is no previous set in it).
    for key in ["run", "timings", "changes", "history"] {
        summary.as_object_mut().unwrap().remove(key);
    }
    summary["config"]
        .as_object_mut()
        .unwrap()
        .remove("config_file");
    for side in ["participants", "register"] {
        summary["inputs"][side]
            .as_object_mut()
            .unwrap()
            .remove("path");
    }
    summary
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_night_run_from_its_config_file_gives_the_files_of_the_same_run_from_flags() {
    let env = night_env(NIGHT);
    env.run(&["reconcile", "--config", "etc/nightly.toml", "-q"])
        .expect_code(0);
    let mut flags = vec!["reconcile", "--out", "nights/from-flags", "-q"];
    flags.extend(NIGHT_FLAGS);
    env.run(&flags).expect_code(0);

    let (by_config, by_flags) = ("nights/from-config", "nights/from-flags");
    assert_eq!(env.listing(by_config), env.listing(by_flags));
    assert!(
        env.listing(by_config)
            .contains(&"mismatches.xlsx".to_string()),
        "xlsx = true"
    );
    for file in [
        "results.csv",
        "mismatches.csv",
        "duplicates.csv",
        "rejects.csv",
    ] {
        assert!(
            env.read_in(by_config, file) == env.read_in(by_flags, file),
            "{file} differs"
        );
    }
    assert!(
        comparable_summary(&env, by_config) == comparable_summary(&env, by_flags),
        "summary.json differs beyond times and paths"
    );
    // The settings took effect: English, masked IDs, the mode, the rate.
    let summary = env.summary_in(by_config);
    assert_eq!(summary["config"]["language"], "en");
    assert_eq!(summary["thresholds"]["min_sync_rate"], 0.5);
    let html = String::from_utf8(env.read_in(by_config, "report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    let mismatches = String::from_utf8(env.read_in(by_config, "mismatches.csv")).unwrap();
    assert!(mismatches.contains("********"), "mask_ids = true");
    assert_eq!(mode(&env.join(by_config).join("results.csv")), 0o640);
    // Relative to the config file: nothing was written beside the working folder's own paths.
    assert!(!env.join("etc/nights").exists());
}

#[test]
fn a_flag_overrides_the_file() {
    let env = night_env(NIGHT);
    env.run(&[
        "reconcile",
        "--config",
        "etc/nightly.toml",
        "--out",
        "elsewhere",
        "--lang",
        "vi",
        "--min-sync-rate",
        "99.99%",
        "-q",
    ])
    .expect_code(3);
    assert!(env.join("elsewhere/results.csv").is_file());
    assert!(!env.join("nights/from-config").exists());
    let summary = env.summary_in("elsewhere");
    assert_eq!(summary["config"]["language"], "vi");
    assert_eq!(summary["thresholds"]["min_sync_rate"], 0.9999);
}

#[test]
fn a_night_without_its_inputs_or_folder_is_a_usage_error_naming_both_ways() {
    let env = night_env("keep = 2\n");
    let run = env.run(&["reconcile", "--config", "etc/nightly.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("--participants") && run.stderr.contains("[participants]"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "reconcile",
        "--participants",
        "data/participants.csv",
        "--register",
        "data/population.csv",
    ]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("--out") && run.stderr.contains("`out`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_night_setting_is_an_error_naming_the_file_and_the_key() {
    for (setting, key) in [
        ("lang = \"fr\"", "lang"),
        ("min_sync_rate = \"lots\"", "min_sync_rate"),
        ("output_mode = \"999\"", "output_mode"),
        ("memory_limit = \"a lot\"", "memory_limit"),
        ("split_by = \"district\"", "split_by"),
        ("not_a_setting = 1", "not_a_setting"),
    ] {
        let env = night_env(&format!("{setting}\n{NIGHT}"));
        let run = env.run(&["reconcile", "--config", "etc/nightly.toml", "-q"]);
        run.expect_code(1);
        assert!(
            run.stderr.contains("nightly.toml") && run.stderr.contains(key),
            "{setting}: {}",
            run.stderr
        );
        assert!(!env.join("nights/from-config").exists(), "{setting}");
    }
}

// popsync check

#[test]
fn check_passes_on_a_good_night_and_writes_nothing() {
    let env = night_env(NIGHT);
    let run = env.run(&["check", "--config", "etc/nightly.toml"]);
    run.expect_code(0);
    assert!(run.stdout.contains("a run would start"), "{}", run.stdout);
    assert!(
        run.stdout.contains("participants") && run.stdout.contains("register"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("memory: about"), "{}", run.stdout);
    assert!(
        !env.join("nights").exists(),
        "check created the output folder"
    );
    // And the night it checked runs.
    env.run(&["reconcile", "--config", "etc/nightly.toml", "-q"])
        .expect_code(0);
    // A second check, with last night's set in place, still passes.
    env.run(&["check", "--config", "etc/nightly.toml"])
        .expect_code(0);
}

/// The error line of a run's standard error (text log format).
fn error_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("popsync: error:") || l.starts_with("error:"))
        .unwrap_or_else(|| panic!("no error line in {stderr}"))
}

#[test]
fn check_fails_with_the_run_s_own_error_on_each_kind_of_bad_night() {
    // What is wrong, the config's extra text, and what is done to the folder before the runs.
    type Case<'a> = (&'a str, &'a str, &'a dyn Fn(&TestEnv));
    let cases: [Case; 7] = [
        (
            "a key that is not a setting",
            "colour = \"blue\"\n",
            &|_| (),
        ),
        (
            "a mapped column missing from the header",
            "[participants.columns]\nfull_name = \"HO_TEN\"\n",
            &|_| (),
        ),
        ("a missing input file", "", &|env: &TestEnv| {
            std::fs::remove_file(env.join("data/population.csv")).unwrap()
        }),
        (
            "an output folder holding a file popsync did not write",
            "",
            &|env: &TestEnv| env.write("nights/from-config/notes.txt", "mine"),
        ),
        (
            "a memory limit the night does not fit in",
            "memory_limit = \"1M\"\n",
            &|_| (),
        ),
        ("a bad value", "keep = \"many\"\n", &|_| ()),
        (
            "a province table that does not read",
            "provinces = \"missing.csv\"\n",
            &|_| (),
        ),
    ];
    for (what, extra, prepare) in cases {
        // Keys before the tables, so that they are top-level keys.
        let config = match extra.starts_with('[') {
            true => format!("{NIGHT}\n{extra}"),
            false => format!("{extra}{NIGHT}"),
        };
        let env = night_env(&config);
        prepare(&env);
        let check = env.run(&["check", "--config", "etc/nightly.toml"]);
        let run = env.run(&["reconcile", "--config", "etc/nightly.toml", "-q"]);
        assert_ne!(check.code, 0, "{what}: check passed\n{}", check.stdout);
        assert_eq!(
            check.code, run.code,
            "{what}: {}\n{}",
            check.stderr, run.stderr
        );
        assert_eq!(error_line(&check.stderr), error_line(&run.stderr), "{what}");
        assert!(
            !check.stdout.contains("a run would start"),
            "{what}: {}",
            check.stdout
        );
    }
}

#[test]
fn check_does_not_open_a_stream() {
    // Standard input is read once, by the run: check names it and leaves it alone.
    let env = night_env(NIGHT);
    let run = env.run(&[
        "check",
        "--config",
        "etc/nightly.toml",
        "--participants",
        "-",
    ]);
    run.expect_code(0);
    assert!(run.stdout.contains("stream"), "{}", run.stdout);
}

// Global flags, help and version

#[test]
fn global_flags_go_before_or_after_the_command() {
    let env = night_env(NIGHT);
    for args in [
        vec!["-q", "reconcile", "--config", "etc/nightly.toml"],
        vec!["reconcile", "--config", "etc/nightly.toml", "--quiet"],
    ] {
        let run = env.run(&args);
        run.expect_code(0);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    for args in [
        vec![
            "--log-format",
            "json",
            "reconcile",
            "--config",
            "etc/nightly.toml",
        ],
        vec![
            "reconcile",
            "--config",
            "etc/nightly.toml",
            "--log-format",
            "json",
        ],
    ] {
        let run = env.run(&args);
        run.expect_code(0);
        let lines = json_lines(&run.stderr);
        assert!(!lines.is_empty(), "{args:?}");
        assert!(run.stdout.is_empty(), "JSON mode has no summary table");
    }
}

#[test]
fn help_lists_the_exit_codes_and_version_names_the_commit() {
    let env = TestEnv::new();
    for args in [
        vec!["--help"],
        vec!["reconcile", "--help"],
        vec!["check", "--help"],
    ] {
        let run = env.run(&args);
        run.expect_code(0);
        assert!(run.stdout.contains("Exit codes:"), "{args:?}");
        for code in ["  0 ", "  1 ", "  2 ", "  3 ", "  4 "] {
            assert!(run.stdout.contains(code), "{args:?}: {code}");
        }
    }
    let run = env.run(&["--version"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .starts_with(&format!("popsync {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{}",
        run.stdout
    );
}

#[test]
fn completions_and_man_pages_are_made_from_the_command_line_s_definitions() {
    let env = TestEnv::new();
    for (shell, marker, flag) in [
        ("bash", "complete -F", "--participants"),
        ("zsh", "#compdef popsync", "--participants"),
        ("fish", "complete -c popsync", "-l participants"),
    ] {
        let run = env.run(&["completions", shell]);
        run.expect_code(0);
        assert!(run.stdout.contains(marker), "{shell}");
        assert!(run.stdout.contains(flag), "{shell}");
        assert!(run.stdout.contains("check"), "{shell}: the check command");
    }
    env.run(&["man", "man"]).expect_code(0);
    let pages = env.listing("man");
    for page in ["popsync.1", "popsync-reconcile.1", "popsync-check.1"] {
        assert!(pages.contains(&page.to_string()), "{pages:?}");
    }
    let reconcile = std::fs::read_to_string(env.join("man/popsync-reconcile.1")).unwrap();
    assert!(reconcile.contains("participants"));
    assert!(reconcile.contains("Exit codes"), "the man page lists them");
}
