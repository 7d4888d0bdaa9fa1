//! Matching on data shaped unlike the Vietnamese registers it was built for: febrl3
//! (tests/fixtures_febrl3/README.md), English-style names in two columns, one in five written
//! given name first or with a part missing or replaced, dates and 7-digit social security
//! numbers mistyped, read through a column mapping with opaque IDs. The weights are estimated
//! from this data alone, as on any night.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures_febrl3");

/// `rec-N-org` or `rec-N-dup-K` → `N`.
fn record_number(rec_id: &str) -> &str {
    rec_id.split('-').nth(1).expect("a febrl rec_id")
}

/// A febrl file as header + rows, each value without the space febrl puts after a comma.
fn febrl_table(file: &str) -> Table {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(Path::new(FIXTURES).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = (reader.records())
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    Table { header, rows }
}

/// The truth of febrl3: each duplicate's original's social security number, by duplicate.
fn truth() -> HashMap<String, String> {
    let register = febrl_table("register.csv");
    let (rec, ssn) = (register.column("rec_id"), register.column("soc_sec_id"));
    let by_number: HashMap<&str, &str> = (register.rows.iter())
        .map(|r| (record_number(&r[rec]), r[ssn].as_str()))
        .collect();
    let participants = febrl_table("participants.csv");
    let rec = participants.column("rec_id");
    (participants.rows.iter())
        .map(|r| {
            let original = by_number[record_number(&r[rec])];
            (r[rec].clone(), original.to_string())
        })
        .collect()
}

fn febrl3_run() -> (TestEnv, Results) {
    let env = TestEnv::new();
    for file in ["participants.csv", "register.csv", "popsync.toml"] {
        env.write(file, std::fs::read(Path::new(FIXTURES).join(file)).unwrap());
    }
    env.reconcile(&["--config", "popsync.toml", "--no-history"])
        .expect_code(0);
    let results = env.results();
    (env, results)
}

#[test]
fn febrl3_duplicates_link_to_their_originals() {
    let (_env, results) = febrl3_run();
    let truth = truth();
    assert_eq!(
        results.codes().len(),
        truth.len(),
        "one result per duplicate"
    );
    let (mut asserted, mut right) = (0usize, 0usize);
    for (code, person) in &truth {
        let row = results.get(code);
        if !row.person_id.is_empty() {
            asserted += 1;
            right += usize::from(&row.person_id == person);
        }
    }
    let precision = right as f64 / asserted as f64;
    let recall = right as f64 / truth.len() as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    assert!(
        f1 >= 0.99 && precision >= 0.995,
        "F1 {f1:.4} (precision {precision:.4}, recall {recall:.4}): {right} right of {asserted} links, {} duplicates",
        truth.len()
    );
}

#[test]
fn febrl3_mistyped_ids_and_swapped_names_are_explained() {
    let (_env, results) = febrl3_run();
    let truth = truth();
    // A duplicate whose social security number is one digit off its original's: found by the
    // search and said so.
    let typo = (results.with_status("SUGGESTED").into_iter())
        .map(|code| results.get(code))
        .filter(|r| r.has_reason("id_typo"))
        .collect::<Vec<_>>();
    assert!(typo.len() >= 100, "{} id_typo suggestions", typo.len());
    for row in &typo {
        assert_eq!(row.person_id, truth[&row.insurance_code], "{row:?}");
        assert!(row.has_reason("id_not_found"), "{row:?}");
    }
    // Given name and surname swapped: linked by the ID, with the reason.
    let swapped = (results.codes().into_iter())
        .map(|code| results.get(code))
        .filter(|r| r.has_reason("name_order"))
        .collect::<Vec<_>>();
    assert!(swapped.len() >= 50, "{} name_order rows", swapped.len());
    for row in &swapped {
        assert_eq!(row.person_id, truth[&row.insurance_code], "{row:?}");
    }
}
