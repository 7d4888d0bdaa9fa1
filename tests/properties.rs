//! Property tests: normalization is idempotent and folding goes through the canonical form;
//! outputs do not depend on threads or chunk size. (That a record always SYNCs with itself is
//! a property test of the matcher, inside the crate.)

mod common;

use std::process::Command;

use popsync::{canonical, folded, tidy, DateField, IdFormat, NameForms, ParsedId};
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
        let _ = ParsedId::parse(&raw, IdFormat::Cccd);
        let _ = ParsedId::parse(&raw, IdFormat::Any);
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
