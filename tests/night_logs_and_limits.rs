//! Night operation seen from the scheduler's side: what the log lines say (text and
//! `--log-format json`), that they never carry a name, an ID, an insurance code or a date of
//! birth from the input, that inputs which are not CSV files (devices, pipes, files of NUL
//! bytes) end quickly in bounded memory with a short message, that a previous set which is
//! incomplete or from other data is not used (and the run says why), and that the exit code is
//! only final once standard output was written.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_popsync");

/// How long any one run may take before it counts as hanging.
const HANG: Duration = Duration::from_secs(20);

/// The memory bound of the runs that read files that are not CSV: 400 MB, in KiB as
/// `/usr/bin/time -f %M` reports it.
const RSS_LIMIT_KIB: u64 = 400_000_000 / 1024;

// ---------------------------------------------------------------------------------------------
// Running the binary

/// Runs `cmd` (in its current folder) with standard output going to `stdout` (a pipe read
/// to its end when `None`; `Some(Stdio::piped())` is a pipe whose reading end is closed at
/// once), and fails the test when it is still running after `limit` (it is then killed).
fn exec(mut cmd: Command, stdout: Option<Stdio>, limit: Duration) -> Run {
    let piped_stdout = stdout.is_none();
    cmd.stdin(Stdio::null())
        .stdout(stdout.unwrap_or_else(Stdio::piped))
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawning popsync");
    if !piped_stdout {
        drop(child.stdout.take());
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let out = reader(if piped_stdout {
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>)
    } else {
        None
    });
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for popsync") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
            panic!(
                "popsync was still running after {limit:?} (killed): {cmd:?}\n--- stderr\n{stderr}"
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status
            .code()
            .unwrap_or_else(|| panic!("popsync was killed by a signal: {status:?}")),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn popsync<S: AsRef<std::ffi::OsStr>>(env: &TestEnv, args: &[S]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(env.path());
    cmd
}

/// Runs popsync with `args` in the test's folder, failing the test if it hangs.
fn run<S: AsRef<std::ffi::OsStr>>(env: &TestEnv, args: &[S]) -> Run {
    exec(popsync(env, args), None, HANG)
}

/// Runs popsync with `args` under `/usr/bin/time -f %M` when there is one: the run and its
/// peak resident set size in KiB (`None`, with a note printed, when it cannot be measured).
fn run_measured(env: &TestEnv, args: &[&str]) -> (Run, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        println!("note: /usr/bin/time is missing: peak memory not measured for {args:?}");
        return (run(env, args), None);
    }
    let rss_file = env.join(&format!("rss-{}.txt", std::process::id()));
    let _ = std::fs::remove_file(&rss_file);
    let mut cmd = Command::new(time);
    cmd.arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_file)
        .arg(BIN)
        .args(args)
        .current_dir(env.path());
    let outcome = exec(cmd, None, HANG);
    // GNU time writes "Command exited with non-zero status N" before the figure.
    let rss = std::fs::read_to_string(&rss_file).ok().and_then(|text| {
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| l.trim().parse::<u64>().ok())
    });
    if rss.is_none() {
        println!("note: /usr/bin/time gave no figure: peak memory not measured for {args:?}");
    }
    (outcome, rss)
}

#[track_caller]
fn assert_rss_bounded(rss: Option<u64>, what: &str) {
    if let Some(kib) = rss {
        println!("{what}: peak RSS {kib} KiB");
        assert!(
            kib < RSS_LIMIT_KIB,
            "{what}: peak RSS {kib} KiB, the bound is {RSS_LIMIT_KIB} KiB (400 MB)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Log lines

/// The lines whose event is `event`.
fn events<'a>(lines: &'a [Value], event: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == event).collect()
}

/// The one line whose event is `event`.
#[track_caller]
fn one_event<'a>(lines: &'a [Value], event: &str) -> &'a Value {
    match events(lines, event).as_slice() {
        [one] => one,
        other => panic!(
            "expected one `{event}` line, found {}: {lines:#?}",
            other.len()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Personal data in what the runs print

/// Words of the input files that are not personal data, besides the canonical column names
/// (`PARTICIPANTS_HEADER`, `REGISTER_HEADER`): the config mappings' columns used here, genders,
/// register statuses, schemes.
const VOCABULARY: &[&str] = &[
    "HO",
    "TEN_DEM",
    "TEN",
    "NGAY_SINH",
    "MA_SO_BHXH",
    "Nam",
    "Nữ",
    "alive",
    "deceased",
    "health",
    "pension",
];

/// A personal value that must never be printed, and how to look for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Forbidden {
    text: String,
    /// Looked for case-insensitively, as a whole word (folded, ASCII forms of names).
    folded: bool,
}

/// The values of `bytes` (an input file as written) that must never be printed: every token
/// of 3 letters or more that is not a column name or a code word (the parts of names, in
/// their written and folded forms), and every token with 6 digits or more (insurance codes,
/// IDs, dates of birth).
fn forbidden_in(bytes: &[u8]) -> BTreeSet<Forbidden> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = BTreeSet::new();
    for token in text.split(|c: char| !(c.is_alphanumeric() || "/_-.".contains(c))) {
        let token = token.trim_matches(|c| "/_-.".contains(c));
        if token.is_empty() || token.chars().count() > 64 {
            continue; // Filler, not a value of a person.
        }
        let digits = token.chars().filter(char::is_ascii_digit).count();
        let letters = token.chars().filter(|c| c.is_alphabetic()).count();
        if digits >= 6 {
            found.insert(Forbidden {
                text: token.to_string(),
                folded: false,
            });
            continue;
        }
        if digits > 0 || letters < 3 {
            continue;
        }
        if (VOCABULARY.iter())
            .chain(&PARTICIPANTS_HEADER)
            .chain(&REGISTER_HEADER)
            .any(|w| w.eq_ignore_ascii_case(token) || *w == token)
        {
            continue;
        }
        found.insert(Forbidden {
            text: token.to_string(),
            folded: false,
        });
        let folded = deunicode::deunicode(token);
        if folded != token && folded.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
            found.insert(Forbidden {
                text: folded,
                folded: true,
            });
        }
    }
    found
}

/// Whether `needle` occurs in `haystack` as a whole word (not inside a longer run of letters
/// or digits), case-insensitively when `fold`.
fn contains_word(haystack: &str, needle: &str, fold: bool) -> bool {
    let (hay, needle) = if fold {
        (haystack.to_lowercase(), needle.to_lowercase())
    } else {
        (haystack.to_string(), needle.to_string())
    };
    let mut from = 0;
    while let Some(at) = hay[from..].find(&needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The forbidden values that appear in `printed`.
fn leaks(printed: &str, forbidden: &BTreeSet<Forbidden>) -> Vec<String> {
    forbidden
        .iter()
        .filter(|f| {
            let written_with_diacritics = !f.folded && !f.text.is_ascii();
            (written_with_diacritics && printed.contains(&f.text))
                || contains_word(printed, &f.text, f.folded)
        })
        .map(|f| f.text.clone())
        .collect()
}

/// The string values of a JSON value, recursively (what a log collector would index).
fn json_strings(value: &Value, into: &mut String) {
    match value {
        Value::String(s) => {
            into.push_str(s);
            into.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, into)),
        Value::Object(map) => map.values().for_each(|v| json_strings(v, into)),
        _ => {}
    }
}

/// A person of the corpus: every value is personal data.
struct Person {
    code: &'static str,
    name: &'static str,
    dob: &'static str,
    gender: &'static str,
    id: String,
}

fn persons() -> Vec<Person> {
    let person = |code, name, dob, gender, id| Person {
        code,
        name,
        dob,
        gender,
        id,
    };
    vec![
        person(
            "7915328406",
            "Nguyễn Văn Khải",
            "01/02/1980",
            "Nam",
            cccd(1, false, 1980, 418_273),
        ),
        person(
            "0104736251",
            "Trần Thị Hòa",
            "03/04/1991",
            "Nữ",
            cccd(79, true, 1991, 529_384),
        ),
        person(
            "4826190573",
            "Lê Hoàng Bốn",
            "15/06/1975",
            "Nam",
            cccd(48, false, 1975, 630_495),
        ),
        person(
            "3390572184",
            "Phạm Thị Xuân Hương",
            "28/11/1988",
            "Nữ",
            cccd(31, true, 1988, 741_506),
        ),
        person(
            "5561830927",
            "Đỗ Minh Quyết",
            "07/07/1969",
            "Nam",
            cccd(1, false, 1969, 852_617),
        ),
        person(
            "2247095318",
            "Hoàng Thị Diệu Linh",
            "19/09/2002",
            "Nữ",
            cccd(79, true, 2002, 963_728),
        ),
    ]
}

/// The register of the corpus, with a header.
fn corpus_register(people: &[Person]) -> String {
    let mut text = String::from("person_id,full_name,dob,gender,status\n");
    for p in people {
        text.push_str(&format!(
            "{},{},{},{},alive\n",
            p.id, p.name, p.dob, p.gender
        ));
    }
    text
}

/// A participants row (canonical columns) joined with `sep`.
fn participant_row(p: &Person, sep: &str) -> String {
    [p.code, p.name, p.dob, p.gender, &p.id, "001", "health"].join(sep)
}

const P_HEADER: &str = "insurance_code,full_name,dob,gender,person_id,province_code,scheme";

/// The participants rows joined with `sep`, one a line, with a header when `header`.
fn participants_text(people: &[Person], sep: &str, header: bool) -> String {
    let mut text = String::new();
    if header {
        text.push_str(&P_HEADER.replace(',', sep));
        text.push('\n');
    }
    for p in people {
        text.push_str(&participant_row(p, sep));
        text.push('\n');
    }
    text
}

/// One bad-input case: the files written and the flags added.
struct Case {
    name: &'static str,
    participants: Vec<u8>,
    register: Vec<u8>,
    /// Other files to write (name, contents).
    files: Vec<(&'static str, Vec<u8>)>,
    extra: Vec<&'static str>,
    /// The participants and register paths given (swapped inputs give them the wrong way).
    inputs: (&'static str, &'static str),
}

fn corpus() -> Vec<Case> {
    let people = persons();
    let register = corpus_register(&people).into_bytes();
    let good = participants_text(&people, ",", true);
    let case = |name, participants: Vec<u8>| Case {
        name,
        participants,
        register: register.clone(),
        files: Vec::new(),
        extra: Vec::new(),
        inputs: ("participants.csv", "register.csv"),
    };
    let mut cases = Vec::new();

    // A participants file without its header row.
    cases.push(case(
        "no header row",
        participants_text(&people, ",", false).into_bytes(),
    ));
    // The same with the name as the first column.
    {
        let mut text = String::new();
        for p in &people {
            text.push_str(&format!(
                "{},{},{},{},{}\n",
                p.name, p.code, p.dob, p.gender, p.id
            ));
        }
        cases.push(case("no header row, name first", text.into_bytes()));
    }
    // A register without its header row.
    {
        let mut c = case("register without header row", good.clone().into_bytes());
        let text = String::from_utf8(register.clone()).unwrap();
        c.register = text.split_once('\n').unwrap().1.as_bytes().to_vec();
        cases.push(c);
    }
    // A headerless file whose first row holds no number (a row without code or date first).
    {
        let mut text = String::new();
        for (i, p) in people.iter().enumerate() {
            if i == 0 {
                text.push_str(&format!(",{},,{},,,\n", p.name, p.gender));
            } else {
                text.push_str(&participant_row(p, ","));
                text.push('\n');
            }
        }
        cases.push(case(
            "no header row, first row without numbers",
            text.into_bytes(),
        ));
    }
    // Semicolons where commas are expected, with and without a header.
    cases.push(case(
        "semicolon-separated",
        participants_text(&people, ";", true).into_bytes(),
    ));
    cases.push(case(
        "semicolon-separated, no header row",
        participants_text(&people, ";", false).into_bytes(),
    ));
    // A comma file read with another delimiter (the register is written with that one).
    {
        let mut c = case("wrong --delimiter", good.clone().into_bytes());
        c.register = String::from_utf8(register.clone())
            .unwrap()
            .replace(',', "\t")
            .into_bytes();
        c.extra = vec!["--delimiter", "tab"];
        cases.push(c);
    }
    // Dates that are not dates (the run completes: dob_invalid).
    {
        let dobs = [
            "31/02/1990",
            "99/99/9999",
            "00/00/0000",
            "13/13/1985",
            "2099-31-12",
        ];
        let mut text = format!("{P_HEADER}\n");
        for (p, dob) in people.iter().zip(dobs.iter().cycle()) {
            text.push_str(&[p.code, p.name, dob, p.gender, &p.id, "001", "health"].join(","));
            text.push('\n');
        }
        cases.push(case("bad dates", text.into_bytes()));
    }
    // Invalid UTF-8 and a NUL byte inside names (rejected rows).
    {
        let mut bytes = format!("{P_HEADER}\n").into_bytes();
        for (i, p) in people.iter().enumerate() {
            let row = participant_row(p, ",");
            let row = match i {
                0 => with_bytes(&row, "ễ", b"\xe3"),
                1 => with_bytes(&row, " Thị ", b" Th\x00 "),
                3 => with_bytes(&row, "Hương", b"H\xff\xfeng"),
                _ => row.into_bytes(),
            };
            bytes.extend_from_slice(&row);
            bytes.push(b'\n');
        }
        cases.push(case("invalid UTF-8 and NUL bytes", bytes));
    }
    // Ragged rows: too few and too many fields.
    {
        let mut text = format!("{P_HEADER}\n");
        for (i, p) in people.iter().enumerate() {
            match i {
                1 => text.push_str(&format!("{},{},{}\n", p.code, p.name, p.dob)),
                2 => text.push_str(&format!("{},{},extra\n", participant_row(p, ","), p.id)),
                _ => text.push_str(&format!("{}\n", participant_row(p, ","))),
            }
        }
        cases.push(case("ragged rows", text.into_bytes()));
    }
    // A mapping naming columns the file does not have, on a file with and without a header.
    let mapping = b"[participants.columns]\nfull_name = [\"HO\", \"TEN_DEM\", \"TEN\"]\ndob = \"NGAY_SINH\"\n".to_vec();
    {
        let mut c = case("mapping names missing columns", good.clone().into_bytes());
        c.files.push(("mapping.toml", mapping.clone()));
        c.extra = vec!["--config", "mapping.toml"];
        cases.push(c);
    }
    {
        let mut c = case(
            "mapping names missing columns, no header row",
            participants_text(&people, ",", false).into_bytes(),
        );
        c.files.push(("mapping.toml", mapping));
        c.extra = vec!["--config", "mapping.toml"];
        cases.push(c);
    }
    // A header naming a column twice.
    {
        let mut text = format!("{P_HEADER},dob\n");
        for p in &people {
            text.push_str(&format!("{},{}\n", participant_row(p, ","), p.dob));
        }
        cases.push(case("duplicate header", text.into_bytes()));
    }
    // A quote that is never closed.
    {
        let mut text = format!("{P_HEADER}\n");
        for (i, p) in people.iter().enumerate() {
            if i == 2 {
                text.push_str(&format!(
                    "{},\"{},{},{},{},001,health\n",
                    p.code, p.name, p.dob, p.gender, p.id
                ));
            } else {
                text.push_str(&format!("{}\n", participant_row(p, ",")));
            }
        }
        cases.push(case("unterminated quote", text.into_bytes()));
    }
    // A row longer than the row limit (16 MiB), after a name.
    {
        let mut bytes = format!("{P_HEADER}\n").into_bytes();
        for (i, p) in people.iter().enumerate() {
            bytes.extend_from_slice(participant_row(p, ",").as_bytes());
            if i == 1 {
                bytes.extend_from_slice(b",\"");
                bytes.extend_from_slice(p.name.as_bytes());
                bytes.resize(bytes.len() + (17 << 20), b' ');
                bytes.extend_from_slice(b"\"");
            }
            bytes.push(b'\n');
        }
        cases.push(case("oversize row", bytes));
    }
    // A file without line breaks, longer than the header limit (1 MiB).
    {
        let row = participants_text(&people, ",", false).replace('\n', ";");
        let mut text = String::new();
        while text.len() <= 1 << 20 {
            text.push_str(&row);
        }
        cases.push(case("no line breaks, header over 1 MiB", text.into_bytes()));
    }
    // The two files given the wrong way round.
    {
        let mut c = case("swapped inputs", good.clone().into_bytes());
        c.inputs = ("register.csv", "participants.csv");
        cases.push(c);
    }
    // A byte-order mark, CRLF line ends and a line break inside a quoted name (completes).
    {
        let mut text = format!("\u{feff}{P_HEADER}\r\n");
        for (i, p) in people.iter().enumerate() {
            if i == 1 {
                let name = p.name.replacen(' ', "\n", 1);
                text.push_str(&format!(
                    "{},\"{name}\",{},{},{},001,health\r\n",
                    p.code, p.dob, p.gender, p.id
                ));
            } else {
                text.push_str(&format!("{}\r\n", participant_row(p, ",")));
            }
        }
        cases.push(case("BOM, CRLF, line break in a name", text.into_bytes()));
    }
    // A register with an ID twice (rejected register rows, completes).
    {
        let mut c = case("register ID twice", good.clone().into_bytes());
        let mut text = String::from_utf8(register.clone()).unwrap();
        let p = &people[2];
        text.push_str(&format!("{},Vương Đình Tráng,{},Nam,alive\n", p.id, p.dob));
        c.register = text.into_bytes();
        cases.push(c);
    }
    // An empty register beside a participants file full of data.
    {
        let mut c = case("empty register", good.into_bytes());
        c.register = Vec::new();
        cases.push(c);
    }
    cases
}

/// Every case of the corpus, in text mode (without -q, so the summary table is scanned too)
/// and in JSON mode: nothing printed holds a value of the input files.
#[test]
fn no_run_prints_a_name_an_id_a_code_or_a_date_of_birth() {
    let cases = corpus();
    assert!(cases.len() >= 12);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(cases.len().div_ceil(3))
            .map(|chunk| scope.spawn(move || chunk.iter().flat_map(scan_case).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a scan thread panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Runs one case in both log formats; what went wrong, if anything.
fn scan_case(case: &Case) -> Vec<String> {
    let env = TestEnv::new();
    env.write("participants.csv", &case.participants);
    env.write("register.csv", &case.register);
    for (name, bytes) in &case.files {
        env.write(name, bytes);
    }
    let mut forbidden = forbidden_in(&case.participants);
    forbidden.extend(forbidden_in(&case.register));
    assert!(
        forbidden.len() >= 10,
        "{}: too few values to look for: {forbidden:?}",
        case.name
    );
    let tmp = env.path().display().to_string();
    let mut problems = Vec::new();
    for json in [false, true] {
        let mut args: Vec<&str> = Vec::new();
        if json {
            args.extend(["--log-format", "json"]);
        }
        let (participants, register) = case.inputs;
        let out = if json { "out-json" } else { "out-text" };
        args.extend([
            "reconcile",
            "--participants",
            participants,
            "--register",
            register,
            "--out",
            out,
        ]);
        args.extend(case.extra.iter().copied());
        let outcome = run(&env, &args);
        let mode = if json { "json" } else { "text" };
        let what = format!("{} ({mode}, exit {})", case.name, outcome.code);
        println!(
            "{what}: {}",
            outcome
                .stderr
                .lines()
                .last()
                .unwrap_or("")
                .replace(&tmp, "<tmp>")
        );
        if ![0, 1].contains(&outcome.code) {
            problems.push(format!("{what}: unexpected exit code\n{}", outcome.stderr));
        }
        if outcome.code == 1
            && !outcome
                .stderr
                .contains(participants.trim_end_matches(".csv"))
            && !outcome.stderr.contains(register.trim_end_matches(".csv"))
        {
            problems.push(format!(
                "{what}: the error names no file\n{}",
                outcome.stderr
            ));
        }
        let mut printed = format!("{}\n{}", outcome.stdout, outcome.stderr);
        if json {
            for line in outcome.stderr.lines().filter(|l| !l.trim().is_empty()) {
                match serde_json::from_str::<Value>(line) {
                    Ok(value) => json_strings(&value, &mut printed),
                    Err(e) => {
                        problems.push(format!("{what}: a log line is not JSON ({e}): {line}"))
                    }
                }
            }
        } else if outcome.code == 1 && !outcome.stderr.contains("popsync: error: ") {
            problems.push(format!(
                "{what}: no `popsync: error:` line\n{}",
                outcome.stderr
            ));
        }
        // The test's own temporary folder is in the paths printed; it is not input data.
        let printed = printed.replace(&tmp, "<tmp>");
        let leaked = leaks(&printed, &forbidden);
        if !leaked.is_empty() {
            problems.push(format!(
                "{what}: printed values of the input files: {leaked:?}\n--- stdout\n{}--- stderr\n{}",
                outcome.stdout, outcome.stderr
            ));
        }
    }
    problems
}

/// The scanner itself finds what it should, so that a clean scan means something.
#[test]
fn the_scanner_finds_names_ids_codes_and_dates() {
    let people = persons();
    let forbidden = forbidden_in(participants_text(&people, ",", true).as_bytes());
    let p = &people[1];
    for printed in [
        format!("popsync: error: x.csv: found {}", p.name),
        "{\"message\":\"Tran Thi Hoa\"}".to_string(),
        format!("columns found: {}", p.code),
        format!("id {}", p.id),
        format!("born {}", p.dob),
        "folded: tran thi hoa".to_string(),
    ] {
        assert!(!leaks(&printed, &forbidden).is_empty(), "{printed}");
    }
    for printed in [
        "popsync: error: participants.csv: missing required column `full_name` (columns found: insurance_code, name, dob)",
        "This looks like the register file",
        "{\"elapsed_seconds\":0.7915328406123}",
        "5 fields, and the first line looks like data",
    ] {
        assert_eq!(leaks(printed, &forbidden), Vec::<String>::new(), "{printed}");
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs that are not CSV files

/// A small, valid night: register and participants.
fn small_env() -> TestEnv {
    let (participants, register) = population(12);
    TestEnv::with(&participants, &register)
}

/// Writes `bytes` NUL bytes to `path`, a megabyte at a time.
fn write_nuls(path: &Path, bytes: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        file.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    file.flush().unwrap();
}

#[test]
fn a_device_as_participants_fails_at_line_1_in_bounded_memory() {
    let env = small_env();
    let (outcome, rss) = run_measured(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "/dev/zero",
            "--register",
            "register.csv",
            "--out",
            "out",
            "--memory-limit",
            "400M",
        ],
    );
    outcome.expect_code(1);
    let lines = json_lines(&outcome.stderr);
    let failed = one_event(&lines, "failed");
    assert_eq!(failed["exit_code"], 1);
    assert_eq!(failed["level"], "error");
    let message = failed["message"].as_str().unwrap();
    // A device is read like a pipe, once; its first line is bounded like any header.
    assert!(
        message.contains("/dev/zero")
            && message.contains("line 1")
            && message.contains("longer than"),
        "{message}"
    );
    assert!(outcome.stderr.len() < 4096, "{}", outcome.stderr);
    assert_rss_bounded(rss, "--participants /dev/zero");
    assert!(!env.join("out/results.csv").exists());
    // Text mode says the same on one `popsync: error:` line.
    let outcome = run(
        &env,
        &[
            "reconcile",
            "--participants",
            "/dev/zero",
            "--register",
            "register.csv",
            "--out",
            "out",
            "-q",
        ],
    );
    outcome.expect_code(1);
    let error: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.starts_with("popsync: error: "))
        .collect();
    assert_eq!(error.len(), 1, "{}", outcome.stderr);
    assert!(error[0].contains("/dev/zero"), "{}", outcome.stderr);
    for line in outcome.stderr.lines() {
        assert!(line.starts_with("popsync: "), "{line:?}");
    }
}

#[test]
fn two_hundred_megabytes_of_nul_bytes_fail_at_line_1_in_bounded_memory() {
    let env = small_env();
    write_nuls(&env.join("zeros.csv"), 200_000_000);
    for (participants, register, named) in [
        ("zeros.csv", "register.csv", "zeros.csv"),
        ("participants.csv", "zeros.csv", "zeros.csv"),
    ] {
        let (outcome, rss) = run_measured(
            &env,
            &[
                "reconcile",
                "--participants",
                participants,
                "--register",
                register,
                "--out",
                "out",
                "-q",
                "--memory-limit",
                "400M",
            ],
        );
        outcome.expect_code(1);
        let error: Vec<&str> = outcome
            .stderr
            .lines()
            .filter(|l| l.starts_with("popsync: error: "))
            .collect();
        assert_eq!(error.len(), 1, "{}", outcome.stderr);
        let error = error[0];
        assert!(error.contains(named), "{error}");
        assert!(error.contains("line 1"), "{error}");
        assert!(
            error.contains("1 MiB") && error.contains("limit"),
            "{error}"
        );
        assert!(
            outcome.stderr.len() < 4096,
            "stderr of {} bytes",
            outcome.stderr.len()
        );
        assert_rss_bounded(rss, &format!("{named} as {participants} / {register}"));
        assert!(!env.join("out/results.csv").exists());
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_previous_results_csv_of_nul_bytes_is_skipped_with_a_short_warning_in_bounded_memory() {
    let env = small_env();
    env.reconcile_into("night1", &[]).expect_code(0);
    copy_dir(&env.join("night1"), &env.join("zeroed"));
    write_nuls(&env.join("zeroed/results.csv"), 200_000_000);
    let (outcome, rss) = run_measured(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "night2",
            "--previous",
            "zeroed",
            "--memory-limit",
            "400M",
        ],
    );
    // The night's work is not lost to a damaged previous set: it is done, without deltas.
    outcome.expect_code(0);
    assert!(
        outcome.stderr.len() < 4096,
        "stderr of {} bytes",
        outcome.stderr.len()
    );
    assert_rss_bounded(rss, "--previous with a results.csv of NUL bytes");
    let lines = json_lines(&outcome.stderr);
    let skipped = one_event(&lines, "previous_skipped");
    assert_eq!(skipped["level"], "warn", "{skipped}");
    let reason = skipped["reason"].as_str().unwrap();
    assert!(
        reason.contains("results.csv") && reason.contains("line 1") && reason.contains("limit"),
        "{reason}"
    );
    assert_eq!(lines.last().unwrap()["event"], "done");
    assert!(!env.join("night2/changes.csv").exists());
    let summary = env.summary_in("night2");
    assert_eq!(summary["changes"]["skipped"], reason, "{summary:#}");
    assert!(summary["changes"].get("rows").is_none());
}

/// The work folders a run left beside the output folder `out`.
fn work_folders(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.run-"))
        .collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("running mkfifo");
    assert!(status.success());
}

#[test]
fn a_fifo_is_read_once_when_its_writer_comes_and_a_stop_ends_the_wait() {
    let env = small_env();
    env.reconcile_into("from_file", &[]).expect_code(0);
    mkfifo(&env.join("pipe.csv"));
    // The run opens the FIFO without waiting and goes on; the rows come when the writer does.
    let mut child = popsync(
        &env,
        &[
            "reconcile",
            "--participants",
            "pipe.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
            "-q",
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .expect("starting popsync");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run did not wait for the writer"
    );
    std::fs::write(env.join("pipe.csv"), env.read_in(".", "participants.csv")).unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < HANG,
            "the run did not end once the FIFO was written"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    for name in ["results.csv", "mismatches.csv", "rejects.csv"] {
        assert_eq!(
            env.read_in("out", name),
            env.read_in("from_file", name),
            "{name}"
        );
    }
    // No writer ever: the run waits, like any reader of a pipe, and a stop ends it cleanly.
    let mut child = popsync(
        &env,
        &[
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "pipe.csv",
            "--out",
            "out",
            "-q",
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .expect("starting popsync");
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none());
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < HANG, "a stop did not end the wait");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(143));
    assert_eq!(work_folders(&env), Vec::<String>::new());
    // The set published by the first run is still there, whole.
    assert_eq!(
        env.read_in("out", "results.csv"),
        env.read_in("from_file", "results.csv")
    );
    // A previous set whose results.csv is a pipe: skipped with a warning, not waited on.
    env.reconcile_into("night1", &[]).expect_code(0);
    copy_dir(&env.join("night1"), &env.join("piped"));
    std::fs::remove_file(env.join("piped/results.csv")).unwrap();
    let status = Command::new("mkfifo")
        .arg(env.join("piped/results.csv"))
        .status()
        .unwrap();
    assert!(status.success());
    let outcome = run(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "night2",
            "--previous",
            "piped",
        ],
    );
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    let skipped = one_event(&lines, "previous_skipped");
    assert_eq!(skipped["level"], "warn");
    assert!(
        skipped["reason"].as_str().unwrap().contains("results.csv"),
        "{skipped}"
    );
    assert!(!env.join("night2/changes.csv").exists());
}

// ---------------------------------------------------------------------------------------------
// The previous set

/// Night 1's input (16 participants, all SYNCED) and night 2's: the same, one date mistyped.
fn two_nights() -> (TestEnv, Vec<P>, Vec<R>) {
    let (participants, register) = population(16);
    let env = TestEnv::with(&participants, &register);
    env.reconcile_into("night1", &[]).expect_code(0);
    let mut second = participants.clone();
    second[3].dob = "09/09/1909".into();
    env.write_participants(&second);
    (env, participants, register)
}

/// Night 2 into `out` with `--previous previous`, in JSON mode.
fn night2(env: &TestEnv, out: &str, previous: &str) -> (Run, Vec<Value>) {
    let mut args = json_reconcile_args(out);
    args.extend(["--previous", previous]);
    let outcome = run(env, &args);
    let lines = json_lines(&outcome.stderr);
    (outcome, lines)
}

/// A night 2 that used no previous set: exit 0, a `previous_skipped` line at `level` with a
/// reason, no changes.csv, summary.json and report.html saying why; the reason.
#[track_caller]
fn assert_skipped(env: &TestEnv, out: &str, previous: &str, level: &str) -> String {
    let (outcome, lines) = night2(env, out, previous);
    outcome.expect_code(0);
    let what = format!("--previous {previous}");
    let skipped = events(&lines, "previous_skipped");
    assert_eq!(
        skipped.len(),
        1,
        "{what}: expected one previous_skipped line: {}",
        outcome.stderr
    );
    let skipped = skipped[0];
    assert_eq!(skipped["level"], level, "{what}: {skipped}");
    let reason = skipped["reason"].as_str().unwrap_or("").to_string();
    assert!(!reason.trim().is_empty(), "{what}: {skipped}");
    assert!(
        skipped["message"].as_str().unwrap().contains(&reason),
        "{what}: {skipped}"
    );
    let done = lines.last().unwrap();
    assert_eq!(done["event"], "done", "{what}: {}", outcome.stderr);
    assert_eq!(done["exit_code"], 0);
    assert!(
        !env.join(out).join("changes.csv").exists(),
        "{what}: changes.csv written"
    );
    let summary = env.summary_in(out);
    assert_eq!(
        summary["changes"]["skipped"], reason,
        "{what}: {:#}",
        summary["changes"]
    );
    assert!(
        summary["changes"].get("rows").is_none(),
        "{what}: {:#}",
        summary["changes"]
    );
    let html = String::from_utf8(env.read_in(out, "report.html")).unwrap();
    assert!(html.contains("Không hiển thị thay đổi: "), "{what}");
    assert!(
        !html.contains("changes.csv\">"),
        "{what}: report.html links changes.csv"
    );
    reason
}

#[test]
fn an_intact_previous_set_gives_changes() {
    let (env, participants, _) = two_nights();
    let (outcome, lines) = night2(&env, "night2", "night1");
    outcome.expect_code(0);
    assert!(
        events(&lines, "previous_skipped").is_empty(),
        "{}",
        outcome.stderr
    );
    let changes = env.table_in("night2", "changes.csv");
    assert_eq!(
        changes.values("insurance_code"),
        [participants[3].code.as_str()]
    );
    assert_eq!(changes.values("change"), ["newly_broken"]);
    let summary = env.summary_in("night2");
    assert_eq!(summary["changes"]["rows"]["newly_broken"], 1);
    assert_eq!(summary["changes"]["rows"]["new"], 0);
}

/// Night 1's set copied to `name`, its results.csv replaced by what `damage` makes of it: the
/// second night skips it with a warning naming results.csv.
fn assert_damaged_results_skipped(name: &str, damage: impl FnOnce(String) -> String) {
    let (env, _, _) = two_nights();
    copy_dir(&env.join("night1"), &env.join(name));
    let path = env.join(name).join("results.csv");
    let results = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, damage(results)).unwrap();
    let reason = assert_skipped(&env, "night2", name, "warn");
    assert!(reason.contains("results.csv"), "{reason}");
}

#[test]
fn a_previous_results_csv_cut_short_is_not_used() {
    assert_damaged_results_skipped("cut", |results| {
        let lines: Vec<&str> = results.lines().collect();
        lines[..lines.len() - 2].join("\n") + "\n"
    });
}

#[test]
fn an_emptied_previous_results_csv_is_not_used() {
    assert_damaged_results_skipped("emptied", |_| String::new());
}

#[test]
fn a_previous_results_csv_of_one_line_of_text_is_not_used() {
    assert_damaged_results_skipped("texted", |_| "see the other folder\n".to_string());
}

#[test]
fn a_previous_night_of_another_participants_file_is_not_used() {
    let (env, participants, register) = two_nights();
    // Another participants file: the same persons under other insurance codes.
    let second = std::fs::read(env.join("participants.csv")).unwrap();
    let other: Vec<P> = participants
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.code = format!("88{}", &p.code[2..]);
            p
        })
        .collect();
    env.write_participants(&other);
    env.write_register(&register);
    env.reconcile_into("other", &[]).expect_code(0);
    env.write("participants.csv", second);
    let reason = assert_skipped(&env, "night2", "other", "warn");
    assert!(reason.contains("participants"), "{reason}");
}

#[test]
fn a_previous_night_whose_codes_came_from_another_column_is_not_used() {
    let (env, participants, _) = two_nights();
    let second = std::fs::read(env.join("participants.csv")).unwrap();
    let text = participants_csv(&participants).replacen("insurance_code", "MA_SO_BHXH", 1);
    env.write("participants.csv", text);
    env.write(
        "mapping.toml",
        "[participants.columns]\ninsurance_code = \"MA_SO_BHXH\"\n",
    );
    env.reconcile_into("mapped", &["--config", "mapping.toml"])
        .expect_code(0);
    env.write("participants.csv", second);
    let reason = assert_skipped(&env, "night2", "mapped", "warn");
    assert!(reason.contains("MA_SO_BHXH"), "{reason}");
}

#[test]
fn a_missing_previous_folder_is_not_used_and_said() {
    let (env, _, _) = two_nights();
    let reason = assert_skipped(&env, "night2", "no-such-night", "warn");
    assert!(reason.contains("no-such-night"), "{reason}");
}

#[test]
fn a_first_night_says_there_is_no_previous_run_and_the_second_compares_with_it() {
    let (participants, register) = population(12);
    let env = TestEnv::with(&participants, &register);
    let outcome = run(&env, &json_reconcile_args("fresh"));
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    let none = one_event(&lines, "previous_skipped");
    assert_eq!(none["level"], "info", "{none}");
    assert!(!none["reason"].as_str().unwrap_or("").is_empty(), "{none}");
    assert_eq!(lines.last().unwrap()["event"], "done");
    assert!(!env.join("fresh/changes.csv").exists());
    let summary = env.summary_in("fresh");
    assert!(
        summary["changes"]["skipped"].is_string(),
        "{:#}",
        summary["changes"]
    );
    let html = String::from_utf8(env.read_in("fresh", "report.html")).unwrap();
    assert!(html.contains("Không hiển thị thay đổi: "));
    // The second night into the same folder compares with the first (the published set).
    let outcome = run(&env, &json_reconcile_args("fresh"));
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    assert!(
        events(&lines, "previous_skipped").is_empty(),
        "{}",
        outcome.stderr
    );
    assert!(env.join("fresh/changes.csv").exists());
    // In text mode with -q, a completed run still ends with one line.
    let outcome = env.reconcile_into("fresh-text", &[]);
    outcome.expect_code(0);
    let last = outcome.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("popsync: ") && last.contains("12 of 12"),
        "{}",
        outcome.stderr
    );
    for line in outcome.stderr.lines() {
        assert!(line.starts_with("popsync: "), "{line:?}");
    }
    assert!(outcome.stdout.is_empty(), "{}", outcome.stdout);
}

// ---------------------------------------------------------------------------------------------
// Exit codes and their log lines

/// Two participants: one SYNCED, one DIFF (a wrong accent).
fn one_diff() -> TestEnv {
    let (a, b) = (cccd(1, false, 1980, 1), cccd(79, true, 1991, 2));
    TestEnv::with(
        &[
            p("1000000001", "Nguyễn Văn An", "01/02/1980", "Nam", &a),
            p("1000000002", "Trần Thị Hòa", "03/04/1991", "Nữ", &b),
        ],
        &[
            r(&a, "Nguyễn Văn An", "01/02/1980", "Nam"),
            r(&b, "Trần Thị Hóa", "03/04/1991", "Nữ"),
        ],
    )
}

#[test]
fn below_min_sync_rate_exits_3_and_says_why_in_both_formats() {
    let env = one_diff();
    let outcome = run(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
            "--min-sync-rate",
            "100%",
        ],
    );
    outcome.expect_code(3);
    assert_eq!(env.results().with_status("DIFF"), ["1000000002"]);
    let lines = json_lines(&outcome.stderr);
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "below_min_sync_rate", "{}", outcome.stderr);
    assert_eq!(last["level"], "warn", "{last}");
    assert_eq!(last["exit_code"], 3);
    assert_eq!(last["sync_rate"], 0.5);
    assert_eq!(last["min_sync_rate"], 1.0);
    assert_eq!(last["participants"], 2);
    assert_eq!(last["synced"], 1);
    assert!(events(&lines, "done").is_empty(), "{}", outcome.stderr);
    // Text mode, quiet: still one line saying why.
    let outcome = env.reconcile(&["--min-sync-rate", "100%"]);
    outcome.expect_code(3);
    let last = outcome.stderr.lines().last().unwrap_or("");
    assert!(last.starts_with("popsync: "), "{}", outcome.stderr);
    assert!(
        last.contains("--min-sync-rate") && last.contains("50.00%") && last.contains("100.00%"),
        "{last}"
    );
    assert!(outcome.stdout.is_empty());
    // At the threshold: exit 0 and a done line with its exit code.
    let outcome = run(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
            "--min-sync-rate",
            "50%",
        ],
    );
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    let done = one_event(&lines, "done");
    assert_eq!(done["exit_code"], 0);
    assert_eq!(done["level"], "info");
}

#[test]
fn a_usage_error_in_json_mode_is_a_json_line_with_exit_code_2() {
    let env = one_diff();
    for args in [
        &["--log-format", "json", "reconcile", "--bogus"][..],
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
            "--min-sync-rate",
            "150%",
        ][..],
        &["--log-format=json", "reconcile", "--participants"][..],
    ] {
        let outcome = run(&env, args);
        outcome.expect_code(2);
        let lines = json_lines(&outcome.stderr);
        assert!(!lines.is_empty(), "{args:?}: nothing on stderr");
        let usage = one_event(&lines, "usage");
        assert_eq!(usage["exit_code"], 2, "{args:?}: {usage}");
        assert_eq!(usage["level"], "error");
        assert!(outcome.stdout.is_empty(), "{args:?}: {}", outcome.stdout);
    }
    assert!(!env.join("out/results.csv").exists());
    // Text mode: the parser's plain text, no JSON.
    let outcome = run(&env, &["reconcile", "--bogus"]);
    outcome.expect_code(2);
    assert!(outcome.stderr.contains("--bogus"), "{}", outcome.stderr);
    assert!(!outcome.stderr.trim_start().starts_with('{'));
}

#[test]
fn timings_in_json_mode_are_one_json_line() {
    let env = one_diff();
    let outcome = run(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
            "--timings",
        ],
    );
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    let timings = one_event(&lines, "timings");
    assert!(timings["stages"].is_object(), "{timings}");
    assert!(timings["phases"].is_object(), "{timings}");
    assert!(timings["wall_seconds"].is_number(), "{timings}");
    assert_eq!(lines.last().unwrap()["event"], "done");
    assert!(outcome.stdout.is_empty(), "{}", outcome.stdout);
}

// ---------------------------------------------------------------------------------------------
// Standard output

/// The files of a folder and their bytes.
fn snapshot(dir: &Path) -> Vec<(OsString, Vec<u8>)> {
    let mut files: Vec<(OsString, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_summary_that_cannot_be_written_to_standard_output_fails_the_run_and_publishes_nothing() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        println!("note: /dev/full is missing: standard output to a full device not tested");
        return;
    }
    let env = one_diff();
    env.reconcile(&[]).expect_code(0);
    let before = snapshot(&env.out());
    let siblings_before = env.listing(".");
    // Night 2 has other data: had it been published, the set would differ.
    let (a, b) = (cccd(1, false, 1980, 1), cccd(79, true, 1991, 2));
    env.write_participants(&[
        p("1000000001", "Nguyễn Văn An", "01/02/1980", "Nam", &a),
        p("1000000002", "Trần Thị Hóa", "03/04/1991", "Nữ", &b),
        p("1000000003", "Lê Văn Ba", "05/05/1975", "Nam", ""),
    ]);
    let stdout = std::fs::File::options().write(true).open(full).unwrap();
    let cmd = popsync(
        &env,
        &[
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
        ],
    );
    let outcome = exec(cmd, Some(Stdio::from(stdout)), HANG);
    outcome.expect_code(1);
    let error: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.starts_with("popsync: error: "))
        .collect();
    assert_eq!(error.len(), 1, "{}", outcome.stderr);
    assert!(error[0].contains("standard output"), "{}", error[0]);
    assert_eq!(
        outcome.stderr.lines().last(),
        Some(error[0]),
        "the failure is the last line: {}",
        outcome.stderr
    );
    // The previous set is still the one published, byte for byte, and nothing was left beside.
    assert_eq!(snapshot(&env.out()), before, "the published set changed");
    assert_eq!(
        env.listing("."),
        siblings_before,
        "files left beside the output folder"
    );
    // The same in JSON mode: a failed line with exit code 1.
    let stdout = std::fs::File::options().write(true).open(full).unwrap();
    let cmd = popsync(
        &env,
        &[
            "--log-format",
            "json",
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
        ],
    );
    let outcome = exec(cmd, Some(Stdio::from(stdout)), HANG);
    // JSON mode prints no summary table: nothing goes to standard output, the run is done.
    outcome.expect_code(0);
    let lines = json_lines(&outcome.stderr);
    assert_eq!(lines.last().unwrap()["event"], "done");
}

/// A closed standard output (`popsync reconcile … | head -0`) is not a failure
/// (docs/exit-codes.md): exit 0, the set published, the last line logged.
#[test]
fn a_closed_standard_output_is_not_a_failure_and_the_set_is_published() {
    let env = one_diff();
    env.reconcile(&[]).expect_code(0);
    let before = env.summary()["run"]["started"].clone();
    // summary.json's start time has whole seconds: let the next run start in another second.
    std::thread::sleep(Duration::from_millis(1100));
    let cmd = popsync(
        &env,
        &[
            "reconcile",
            "--participants",
            "participants.csv",
            "--register",
            "register.csv",
            "--out",
            "out",
        ],
    );
    let outcome = exec(cmd, Some(Stdio::piped()), HANG);
    outcome.expect_code(0);
    let last = outcome.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("popsync: ") && last.contains("1 of 2"),
        "{}",
        outcome.stderr
    );
    assert_ne!(
        env.summary()["run"]["started"],
        before,
        "the new set was not published"
    );
}
