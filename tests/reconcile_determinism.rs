//! docs/matching.md: "The same input always gives the same results, whatever the number of
//! threads." The CSV outputs must be byte-identical for any thread count and chunk size (the
//! hidden `--chunk-rows` flag makes a small input cross many chunk boundaries).

mod common;

use common::*;

const NAMES_M: [&str; 5] = [
    "Nguyễn Văn Hùng",
    "Trần Quốc Bảo",
    "Lê Minh Khoa",
    "Phạm Đức Thịnh",
    "Hoàng Văn Thái",
];
const NAMES_F: [&str; 5] = [
    "Nguyễn Thị Hoà",
    "Trần Thị Thuỷ",
    "Võ Thị Ngọc Lan",
    "Đặng Thị Khoẻ",
    "Bùi Thị Xuân",
];
const PROVINCES: [&str; 6] = ["010", "015", "15", "079", "", "048"];

/// 60 participants of every kind over a 40-person register, with rejects (ragged and invalid
/// UTF-8), repeated insurance codes and persons linked from several codes.
fn fixture() -> TestEnv {
    let mut register = Vec::new();
    for i in 0..40u32 {
        let female = i % 2 == 1;
        let year = 1945 + (i * 7 % 60) as u16;
        let id = cccd([1, 79, 31, 48][i as usize % 4], female, year, 100_000 + i);
        let name = if female {
            NAMES_F[i as usize % 5]
        } else {
            NAMES_M[i as usize % 5]
        };
        let dob = if i % 9 == 0 {
            year.to_string()
        } else {
            format!("{:02}/{:02}/{year}", i % 28 + 1, i % 12 + 1)
        };
        let mut person = r(&id, name, &dob, if female { "Nữ" } else { "Nam" });
        if i % 5 == 0 {
            person = person.old_id(&format!("{:09}", 20_000_000 + i));
        }
        if i % 13 == 0 {
            person = person.deceased();
        }
        register.push(person);
    }
    let mut rows = Vec::new();
    for n in 0..60u32 {
        let i = (n * 17 % 40) as usize;
        let person = &register[i];
        let mut row = p(
            &format!("16{:08}", if n % 19 == 7 { n - 1 } else { n }),
            &person.name,
            &person.dob,
            &person.gender,
            &person.id,
        )
        .province(PROVINCES[n as usize % PROVINCES.len()])
        .scheme(["compulsory", "voluntary", "health"][n as usize % 3]);
        match n % 11 {
            1 => row.id = String::new(),
            2 => row.id = person.id.trim_start_matches('0').to_string(),
            3 => row.name = row.name.to_uppercase(),
            4 => row.dob = row.dob.chars().rev().collect(),
            5 if !person.old_id.is_empty() => row.id = person.old_id.clone(),
            6 => row.gender = String::new(),
            7 => row.id = "1.23457E+11".into(),
            8 => row.name = format!("=HYPERLINK(\"{}\")", row.name),
            9 => row.id = cccd(1, false, 1985, 999_000 + n),
            _ => {}
        }
        rows.push(row);
    }
    let mut text = participants_csv(&rows);
    text.push_str("1699999990,Phạm Văn Đồng,1906\n");
    text.push_str("1699999991,\"Lê Văn\nT<BAD>m\",1950,Nam,,001,compulsory\n");
    text.push_str("1699999992,Lê Thị Hằng,1970,Nữ,,079,health\n");
    let env = TestEnv::new();
    env.write("participants.csv", with_bytes(&text, "<BAD>", b"\xE1"));
    env.write_register(&register);
    env
}

#[test]
fn outputs_are_byte_identical_for_any_thread_count_and_chunk_size() {
    let env = fixture();
    let runs: [(&str, Vec<&str>); 5] = [
        ("t1", vec!["--threads", "1"]),
        ("t2", vec!["--threads", "2"]),
        ("t1c3", vec!["--threads", "1", "--chunk-rows", "3"]),
        ("t2c3", vec!["--threads", "2", "--chunk-rows", "3"]),
        ("t4c1", vec!["--threads", "4", "--chunk-rows", "1"]),
    ];
    for (dir, args) in &runs {
        env.reconcile_into(dir, args).expect_code(0);
    }
    let results = env.results_in("t1");
    assert_eq!(
        results.rows.len(),
        63,
        "every participant row is in results.csv"
    );
    for status in ["SYNCED", "DIFF", "NOT_FOUND", "REJECTED"] {
        assert!(
            !results.with_status(status).is_empty(),
            "the fixture has {status} rows"
        );
    }
    assert!(results
        .rows
        .iter()
        .any(|r| r.has_reason("duplicate_person")));
    assert!(results.rows.iter().any(|r| r.has_reason("duplicate_code")));
    assert!(!env.table_in("t1", "duplicates.csv").rows.is_empty());
    assert!(!env.table_in("t1", "rejects.csv").rows.is_empty());

    for name in CSV_OUTPUTS {
        let reference = env.read_in("t1", name);
        for (dir, _) in &runs[1..] {
            let other = env.read_in(dir, name);
            assert!(
                other == reference,
                "{name} differs between --threads 1 and {dir}:\n--- t1\n{}\n--- {dir}\n{}",
                String::from_utf8_lossy(&reference),
                String::from_utf8_lossy(&other)
            );
        }
    }
    // summary.json holds times; everything counted must be equal.
    let reference = env.summary_in("t1");
    for (dir, _) in &runs[1..] {
        let summary = env.summary_in(dir);
        for key in ["totals", "statuses", "reasons", "provinces", "schemes"] {
            assert_eq!(
                summary[key], reference[key],
                "summary.json {key} differs in {dir}"
            );
        }
    }
}

#[test]
fn outputs_are_byte_identical_when_rows_are_split_across_parallel_tasks() {
    // Enough rows that one chunk is split into several parallel tasks, with duplicates of
    // codes and persons far apart (they cross task and chunk boundaries).
    let persons = 3_000u32;
    let mut register = Vec::new();
    for i in 0..persons {
        let female = i % 3 == 0;
        let year = 1940 + (i % 80) as u16;
        let id = cccd([1, 79, 92, 46][i as usize % 4], female, year, i);
        let name = if female {
            NAMES_F[i as usize % 5]
        } else {
            NAMES_M[i as usize % 5]
        };
        register.push(r(
            &id,
            name,
            &format!("{:02}/{:02}/{year}", i % 28 + 1, i % 12 + 1),
            if female { "Nữ" } else { "Nam" },
        ));
    }
    let mut rows = Vec::new();
    for n in 0..6_000u32 {
        let person = &register[(n * 7919 % persons) as usize];
        let code = if n % 997 == 0 && n > 0 {
            17_000_000u32
        } else {
            17_000_000 + n
        };
        let mut row = p(
            &format!("{code:010}"),
            &person.name,
            &person.dob,
            &person.gender,
            &person.id,
        )
        .province(PROVINCES[n as usize % PROVINCES.len()]);
        match n % 7 {
            1 => row.id = String::new(),
            2 => row.dob = person.dob[6..].to_string(),
            3 => row.name = row.name.to_lowercase(),
            _ => {}
        }
        rows.push(row);
    }
    let env = TestEnv::with(&rows, &register);
    env.reconcile_into("t1", &["--threads", "1"]).expect_code(0);
    env.reconcile_into("t2", &["--threads", "2"]).expect_code(0);
    env.reconcile_into("t2c1000", &["--threads", "2", "--chunk-rows", "1000"])
        .expect_code(0);
    let results = env.results_in("t1");
    assert_eq!(results.rows.len(), 6_000);
    assert!(results
        .rows
        .iter()
        .any(|r| r.has_reason("duplicate_person")));
    assert!(results.rows.iter().any(|r| r.has_reason("duplicate_code")));
    for name in CSV_OUTPUTS {
        let reference = env.read_in("t1", name);
        for dir in ["t2", "t2c1000"] {
            assert!(
                env.read_in(dir, name) == reference,
                "{name} differs between t1 and {dir}"
            );
        }
    }
    for key in ["totals", "statuses", "reasons", "provinces", "schemes"] {
        assert_eq!(
            env.summary_in("t2")[key],
            env.summary_in("t1")[key],
            "summary.json {key}"
        );
    }
}

#[test]
fn the_same_run_twice_gives_the_same_files() {
    let env = fixture();
    env.reconcile_into("a", &[]).expect_code(0);
    env.reconcile_into("b", &[]).expect_code(0);
    for name in CSV_OUTPUTS {
        assert!(
            env.read_in("a", name) == env.read_in("b", name),
            "{name} differs between two runs"
        );
    }
}
