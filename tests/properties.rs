//! Property tests (issue 6): normalization is idempotent and folding goes through the canonical
//! form; a record always SYNCs with itself; outputs do not depend on threads or chunk size.

mod common;

use std::process::Command;

use popsync::matching::weights::{LevelCounts, Weights};
use popsync::matching::{
    match_participant, Participant, RegisterIndexes, Scratch, Status, Thresholds,
};
use popsync::normalize::date::{DateField, PartialDate};
use popsync::normalize::name::{canonical, folded, tidy};
use popsync::normalize::{Gender, NameForms, ParsedId};
use popsync::register::build::{NewPerson, RegisterBuilder, RegisterId};
use proptest::prelude::*;

/// Text that looks like what exports hold: Vietnamese letters in both compositions, both tone
/// placements, the Ð lookalike, odd spaces, plus anything at all.
fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(
            prop_oneof![
                Just("Nguyễn"), Just("NGUYỄN"), Just("Nguye\u{302}\u{303}n"), Just("Thị"),
                Just("Hoà"), Just("Hòa"), Just("Thuỷ"), Just("thủy"), Just("Ðặng"), Just("Quý"),
                Just("khoẻ"), Just("Hoàng"), Just(" "), Just("\u{a0}"), Just("\u{200b}"),
                Just("Ưng"), Just("ợ"), Just("x"),
            ],
            0..6,
        )
        .prop_map(|parts| parts.join(" ")),
        1 => any::<String>(),
    ]
}

proptest! {
    #[test]
    fn canonical_is_idempotent_and_folding_goes_through_it(raw in name_text()) {
        let c = canonical(&raw);
        prop_assert_eq!(canonical(&c), c.clone());
        prop_assert_eq!(folded(&c), folded(&raw));
        prop_assert_eq!(folded(&folded(&raw)), folded(&raw));
        prop_assert!(folded(&raw).is_ascii());
        prop_assert_eq!(tidy(&tidy(&raw)), tidy(&raw));
    }

    /// The matcher's forms come through a per-thread syllable cache: they must be exactly the
    /// whole-name forms, whatever was cached before.
    #[test]
    fn name_forms_equal_the_whole_name_forms(raws in proptest::collection::vec(name_text(), 1..8)) {
        for raw in &raws {
            let forms = NameForms::new(raw);
            prop_assert_eq!(&forms.canonical, &canonical(raw));
            prop_assert_eq!(&forms.folded, &folded(raw));
        }
    }

    #[test]
    fn dates_and_ids_never_panic(raw in any::<String>()) {
        let _ = DateField::parse(&raw);
        let _ = ParsedId::parse(&raw, popsync::normalize::IdFormat::Cccd);
        let _ = ParsedId::parse(&raw, popsync::normalize::IdFormat::Any);
    }

    #[test]
    fn a_record_always_syncs_with_itself(
        name in name_text().prop_filter("a name", |n| !canonical(n).is_empty()),
        year in 1900u16..2030,
        month in 0u8..=12,
        day in 0u8..=28,
        female in any::<bool>(),
        serial in 0u64..1_000_000,
    ) {
        let day = if month == 0 { 0 } else { day };
        let dob = PartialDate::new(year, month, day).unwrap();
        let gender = if female { Gender::Female } else { Gender::Male };
        let id = 1_000_000_000 * 79 + serial;
        let mut builder = RegisterBuilder::new();
        builder.push(NewPerson {
            line: 2,
            id: RegisterId::Numeric(id),
            old_id: None,
            name: tidy(&name),
            dob: Some(dob),
            gender,
            deceased: false,
            province: None,
        });
        let (register, _) = builder.finish();
        let indexes = RegisterIndexes::build(&register);
        let weights = Weights::estimate(&LevelCounts::default(), &LevelCounts::default(), 1e-6);
        let thresholds = Thresholds::default();
        let model = indexes.model(&register, &weights, &thresholds);
        let participant = Participant {
            id: ParsedId::Cccd(id),
            name: NameForms::new(&name),
            dob: DateField::Known(dob),
            gender,
            province: None,
        };
        let outcome = match_participant(&participant, &model, &mut Scratch::default());
        prop_assert_eq!(outcome.status, Status::Synced, "{:?}", outcome);
    }
}

/// Same input, same bytes: 1, 2 and 4 threads and any chunk size.
#[test]
fn outputs_do_not_depend_on_threads_or_chunk_size() {
    let env = common::TestEnv::new();
    let data = env.path().join("data");
    let status = Command::new(env!("CARGO_BIN_EXE_popsync"))
        .args([
            "synth",
            "--out",
            data.to_str().unwrap(),
            "--register",
            "1500",
        ])
        .args(["--participants", "1200", "--seed", "3", "-q"])
        .status()
        .unwrap();
    assert!(status.success());
    let run = |threads: &str, chunk: &str| -> Vec<Vec<u8>> {
        let out = env.path().join(format!("out-{threads}-{chunk}"));
        let status = Command::new(env!("CARGO_BIN_EXE_popsync"))
            .args([
                "reconcile",
                "-q",
                "--threads",
                threads,
                "--chunk-rows",
                chunk,
            ])
            .arg("--participants")
            .arg(data.join("participants.csv"))
            .arg("--register")
            .arg(data.join("population.csv"))
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        [
            "results.csv",
            "mismatches.csv",
            "duplicates.csv",
            "rejects.csv",
        ]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect()
    };
    let baseline = run("1", "65536");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(6));
    runner
        .run(
            &(prop_oneof![Just("1"), Just("2"), Just("4")], 1usize..700),
            |(threads, chunk)| {
                let got = run(threads, &chunk.to_string());
                prop_assert!(got == baseline, "threads {} chunk {}", threads, chunk);
                Ok(())
            },
        )
        .unwrap();
}
