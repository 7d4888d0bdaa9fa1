//! `popsync synth`: deterministic output, and a truth file that agrees with the data.
//! (Unit tests of the generator as a whole, in a file of their own for their size.)

use std::collections::{HashMap, HashSet};

use super::noise::{ID_ERRORS, NAME_CONTENT_ERRORS, NAME_FORM_ERRORS};
use super::participant::SCHEMES;
use super::tags::is_truly_in_sync;
use super::{
    generate, Generator, NoiseProfile, SynthParams, Tag, FORMAT_ONLY_TAGS, PARTICIPANTS_FILE,
    POPULATION_FILE, TRUTH_FILE,
};
use crate::normalize::date::PartialDate;
use crate::normalize::id::CccdStructure;
use crate::normalize::name::{canonical, folded, tidy};
use crate::normalize::{Gender, IdFormat, ParsedId};
use crate::province::{is_cccd_prefix, ProvinceKey, ProvinceTable};
use unicode_normalization::UnicodeNormalization;

fn params(register: u64, participants: u64, seed: u64) -> SynthParams {
    SynthParams {
        register,
        participants,
        seed,
        noise: NoiseProfile::default(),
    }
}

/// (population.csv, participants.csv, truth.csv) generated in memory on a pool of `threads`.
fn run(params: SynthParams, threads: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let generator = Generator::new(params).unwrap();
        let mut population = Vec::new();
        generator.write_population(&mut population).unwrap();
        let (mut participants, mut truth) = (Vec::new(), Vec::new());
        generator
            .write_participants(&mut participants, &mut truth)
            .unwrap();
        (population, participants, truth)
    })
}

fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    reader.records().map(|r| r.unwrap()).collect()
}

#[test]
fn same_seed_same_bytes_whatever_the_threads() {
    // More rows than one block, so that blocks really run on several threads.
    let one = run(params(20_000, 20_000, 42), 1);
    let two = run(params(20_000, 20_000, 42), 2);
    assert!(one == two, "1 and 2 threads differ");
    let again = run(params(20_000, 20_000, 42), 2);
    assert!(one == again, "two runs differ");
    let other = run(params(20_000, 20_000, 43), 2);
    assert!(
        one.0 != other.0 && one.1 != other.1 && one.2 != other.2,
        "the seed changes nothing"
    );
}

#[test]
fn files_are_written_together_and_match_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let counts = generate(params(3_000, 2_000, 7), dir.path()).unwrap();
    assert_eq!(counts.rows, 2_000);
    let (population, participants, truth) = run(params(3_000, 2_000, 7), 2);
    assert!(std::fs::read(dir.path().join(POPULATION_FILE)).unwrap() == population);
    assert!(std::fs::read(dir.path().join(PARTICIPANTS_FILE)).unwrap() == participants);
    assert!(std::fs::read(dir.path().join(TRUTH_FILE)).unwrap() == truth);
    let names: HashSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [POPULATION_FILE, PARTICIPANTS_FILE, TRUTH_FILE]
            .map(String::from)
            .into()
    );
}

#[test]
fn the_command_runs_with_a_noise_profile_and_refuses_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let noise = dir.path().join("noise.toml");
    std::fs::write(&noise, "name_typo = 0.5\n").unwrap();
    let out = dir.path().join("out");
    let args = |noise: &std::path::Path| {
        [
            "popsync",
            "synth",
            "--out",
            out.to_str().unwrap(),
            "--register",
            "500",
            "--participants",
            "400",
        ]
        .into_iter()
        .map(Into::into)
        .chain([
            "--seed".into(),
            "3".into(),
            "--quiet".into(),
            "--noise".into(),
            noise.as_os_str().to_owned(),
        ])
        .collect::<Vec<std::ffi::OsString>>()
    };
    assert_eq!(crate::commands::main_with(args(&noise)), 0);
    let truth = std::fs::read_to_string(out.join(TRUTH_FILE)).unwrap();
    let typos = truth.lines().filter(|l| l.contains("name_typo")).count();
    assert!(typos > 100, "{typos} typos at a rate of 0.5");

    std::fs::write(&noise, "name_typos = 0.5\n").unwrap();
    assert_eq!(crate::commands::main_with(args(&noise)), 1);
    std::fs::write(&noise, "id_missing = 0.8\nid_typo_sub = 0.8\n").unwrap();
    assert_eq!(crate::commands::main_with(args(&noise)), 1);
}

#[test]
fn without_noise_every_present_row_is_clean_and_equal_to_the_register() {
    let zero: NoiseProfile = toml::from_str(
        &Tag::ALL
            .iter()
            .map(|t| format!("{} = 0.0\n", t.as_str()))
            .collect::<String>(),
    )
    .unwrap();
    let (population, participants, truth) = run(
        SynthParams {
            noise: zero,
            ..params(2_000, 2_000, 5)
        },
        2,
    );
    let register: HashMap<String, csv::StringRecord> = records(&population)
        .into_iter()
        .map(|r| (r[0].to_string(), r))
        .collect();
    for (p, t) in records(&participants).iter().zip(records(&truth)) {
        assert_eq!(&t[2], "clean");
        let r = &register[&t[1]];
        assert_eq!((&p[1], &p[2], &p[3], &p[4]), (&r[2], &r[3], &r[4], &r[0]));
    }
}

/// The register: unique IDs with a valid CCCD structure that agrees with the person.
#[test]
fn register_ids_have_a_valid_unique_structure() {
    let (population, _, _) = run(params(5_000, 5_000, 11), 2);
    let rows = records(&population);
    assert_eq!(rows.len(), 5_000);
    let provinces = ProvinceTable::builtin();
    let mut ids = HashSet::new();
    let mut old_ids = HashSet::new();
    let (mut year_only, mut deceased) = (0, 0);
    for r in &rows {
        let id = &r[0];
        assert!(
            id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
        assert!(ids.insert(id.to_string()), "{id} twice");
        let structure = CccdStructure::of(id.parse().unwrap());
        assert!(is_cccd_prefix(structure.prefix), "{id}");
        let dob = PartialDate::parse(&r[3]).unwrap();
        assert_eq!(structure.birth_year, dob.year(), "{id} {}", &r[3]);
        assert_eq!(structure.gender, Gender::parse(&r[4]), "{id}");
        assert!(matches!(&r[4], "Nam" | "Nữ"));
        if !r[1].is_empty() {
            assert!(r[1].len() == 9 && r[1].bytes().all(|b| b.is_ascii_digit()));
            assert!(old_ids.insert(r[1].to_string()), "old ID {} twice", &r[1]);
        }
        assert_eq!(
            r[2].nfc().collect::<String>(),
            &r[2],
            "{} is not NFC",
            &r[2]
        );
        assert!(
            matches!(provinces.classify(&r[5]), ProvinceKey::Former(_)),
            "{}",
            &r[5]
        );
        assert!(matches!(&r[6], "alive" | "deceased"));
        year_only += usize::from(r[3].len() == 4);
        deceased += usize::from(&r[6] == "deceased");
        if r[3].len() == 4 {
            assert!(
                dob.year() < 1960,
                "a year-only date for someone born in {}",
                dob.year()
            );
        } else {
            assert_eq!(r[3].len(), 10);
        }
    }
    assert!(
        year_only > 20 && deceased > 50 && old_ids.len() > 2_000,
        "{year_only} {deceased} {}",
        old_ids.len()
    );
    let family = |name: &str| name.split(' ').next().unwrap().to_string();
    let nguyen =
        rows.iter().filter(|r| family(&r[2]) == "Nguyễn").count() as f64 / rows.len() as f64;
    assert!((0.33..0.43).contains(&nguyen), "Nguyễn: {nguyen}");
    let four = rows.iter().filter(|r| r[2].split(' ').count() == 4).count();
    assert!(four > 100, "{four} four-syllable names");
}

/// Every tag names a change that is really in the data.
#[test]
fn truth_agrees_with_the_data() {
    for (n, m, seed) in [(4_000, 4_000, 1), (6_000, 3_000, 2), (700, 2_000, 3)] {
        check_truth(n, m, seed);
    }
}

/// The same at a larger scale, for rare cases: `cargo test --release -- --ignored`.
#[test]
#[ignore]
fn truth_agrees_with_the_data_at_scale() {
    for seed in 1..=3 {
        check_truth(300_000, 300_000, seed);
    }
    check_truth(50_000, 150_000, 4);
}

fn check_truth(n: u64, m: u64, seed: u64) {
    let (population, participants, truth) = run(params(n, m, seed), 2);
    let register_rows = records(&population);
    let register: HashMap<String, &csv::StringRecord> = register_rows
        .iter()
        .map(|r| (r[0].to_string(), r))
        .collect();
    let name_dob: HashSet<(String, String)> = register_rows
        .iter()
        .map(|r| {
            (
                canonical(&r[2]),
                PartialDate::parse(&r[3]).unwrap().to_string(),
            )
        })
        .collect();
    let participants = records(&participants);
    let truth = records(&truth);
    assert_eq!(participants.len() as u64, m);
    assert_eq!(truth.len() as u64, m);

    let mut links: HashMap<&str, usize> = HashMap::new();
    for t in &truth {
        if !t[1].is_empty() {
            *links.entry(&t[1]).or_default() += 1;
        }
    }
    let provinces = ProvinceTable::builtin();
    let mut codes = HashSet::new();
    let mut seen: HashMap<Tag, usize> = HashMap::new();
    let (mut clean, mut multiple, mut absent_namesakes, mut absent, mut other_family) =
        (0, 0, 0, 0, 0);
    for (p, t) in participants.iter().zip(&truth) {
        assert_eq!(&p[0], &t[0]);
        let code = &p[0];
        assert!(
            code.len() == 10 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code}"
        );
        assert!(
            codes.insert(code.to_string()),
            "insurance code {code} twice"
        );
        assert!(SCHEMES.contains(&&p[6]), "{}", &p[6]);
        assert!(
            p[5].is_empty() || provinces.classify(&p[5]) != ProvinceKey::Unknown,
            "{}",
            &p[5]
        );

        let tags: Vec<Tag> = if &t[2] == "clean" {
            clean += 1;
            vec![]
        } else {
            t[2].split(';')
                .map(|s| Tag::parse(s).unwrap_or_else(|| panic!("unknown tag {s}")))
                .collect()
        };
        let has = |tag: Tag| tags.contains(&tag);
        for &tag in &tags {
            *seen.entry(tag).or_default() += 1;
        }
        if tags.iter().filter(|t| **t != Tag::DuplicatePerson).count() >= 2 {
            multiple += 1;
        }
        let context = format!(
            "{code}: {} (tags {})",
            p.iter().collect::<Vec<_>>().join(","),
            &t[2]
        );
        let (name, dob, gender, id) = (&p[1], &p[2], &p[3], &p[4]);
        if !has(Tag::NameNfd) {
            assert_eq!(name.nfc().collect::<String>(), name, "not NFC: {context}");
        }

        if has(Tag::NotInRegister) {
            absent += 1;
            assert!(t[1].is_empty(), "{context}");
            assert!(
                tags.iter()
                    .all(|t| matches!(t, Tag::NotInRegister | Tag::IdMissing)),
                "{context}"
            );
            assert_eq!(id.is_empty(), has(Tag::IdMissing), "{context}");
            assert!(!register.contains_key(id), "{context}");
            let key = (
                canonical(name),
                PartialDate::parse(dob).unwrap().to_string(),
            );
            absent_namesakes += usize::from(name_dob.contains(&key));
            assert!(!is_truly_in_sync(
                &t[1],
                &t[2].split(';').collect::<Vec<_>>()
            ));
            continue;
        }
        let r = register
            .get(&t[1])
            .unwrap_or_else(|| panic!("true person not in the register: {context}"));
        let true_id = &r[0];

        // Duplicates: both directions.
        assert_eq!(has(Tag::DuplicatePerson), links[&t[1]] > 1, "{context}");

        // IDs.
        assert!(
            ID_ERRORS.iter().filter(|t| has(**t)).count() <= 1,
            "{context}"
        );
        if has(Tag::IdMissing) {
            assert!(id.is_empty(), "{context}");
        } else if has(Tag::IdTypoSub) {
            assert_eq!(id.len(), 12, "{context}");
            assert_eq!(
                id.bytes()
                    .zip(true_id.bytes())
                    .filter(|(a, b)| a != b)
                    .count(),
                1,
                "{context}"
            );
        } else if has(Tag::IdTypoTranspose) {
            assert_eq!(id.len(), 12);
            let swapped = (0..11).any(|i| {
                let mut b = true_id.as_bytes().to_vec();
                b.swap(i, i + 1);
                b == id.as_bytes()
            });
            assert!(swapped && id != true_id, "{context}");
        } else if has(Tag::IdZerosLost) {
            assert!(id.len() < 12 && !id.starts_with('0'), "{context}");
            assert_eq!(id, true_id.trim_start_matches('0'));
            assert_eq!(
                ParsedId::parse(id, IdFormat::Cccd),
                ParsedId::Restored(true_id.parse().unwrap()),
                "{context}"
            );
        } else if has(Tag::OldId) {
            assert!(id.len() == 9 && id == &r[1], "{context}");
        } else if has(Tag::IdOtherPerson) {
            assert_ne!(id, true_id);
            let other = register
                .get(id)
                .unwrap_or_else(|| panic!("someone else's ID is nobody's: {context}"));
            let family = |s: &str| s.split(' ').next().unwrap().to_string();
            other_family += usize::from(family(&other[2]) != family(&r[2]));
        } else {
            assert_eq!(id, true_id, "{context}");
        }

        // Names: the content errors checked through the folded and canonical forms, which no
        // form error changes.
        let (content, form) = (NAME_CONTENT_ERRORS, NAME_FORM_ERRORS);
        assert!(
            content.iter().filter(|t| has(**t)).count() <= 1,
            "{context}"
        );
        assert!(form.iter().filter(|t| has(**t)).count() <= 1, "{context}");
        let (pc, rc) = (canonical(name), canonical(&r[2]));
        let tokens = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        if has(Tag::NameNoDiacritics) {
            assert!(name.is_ascii() && !r[2].is_ascii(), "{context}");
            assert_eq!(folded(name), folded(&r[2]), "{context}");
        } else if has(Tag::NameWrongAccent) {
            assert_eq!(folded(name), folded(&r[2]), "{context}");
            assert_ne!(pc, rc, "{context}");
        } else if has(Tag::NameTypo) {
            let (a, b) = (folded(name), folded(&r[2]));
            assert_ne!(a, b, "{context}");
            assert_eq!(strsim::osa_distance(&a, &b), 1, "{context}");
        } else if has(Tag::NameMissingMiddle) {
            let (given, full) = (tokens(&pc), tokens(&rc));
            assert_eq!(given.len() + 1, full.len(), "{context}");
            let dropped = (1..full.len() - 1).any(|i| {
                let mut f = full.clone();
                f.remove(i);
                f == given
            });
            assert!(dropped, "{context}");
        } else if has(Tag::NameOrder) {
            let (mut a, mut b) = (tokens(&pc), tokens(&rc));
            assert_ne!(a, b, "{context}");
            a.sort();
            b.sort();
            assert_eq!(a, b, "{context}");
        } else {
            assert_eq!(pc, rc, "{context}");
        }
        if has(Tag::NameUpper) {
            assert!(!name.chars().any(char::is_lowercase), "{context}");
        }
        if has(Tag::NameNfd) {
            assert_ne!(name.nfc().collect::<String>(), name, "{context}");
        }
        if has(Tag::NameExtraSpaces) {
            assert_ne!(tidy(name), name, "{context}");
        }
        if has(Tag::NameTonePlacement) {
            assert!(
                super::spelling::toggle_tone_placement(name).is_some(),
                "{context}"
            );
        }
        if !content.iter().any(|t| has(*t)) {
            // Only form errors: the canonical form is unchanged, and each form error is the
            // only difference.
            if has(Tag::NameExtraSpaces) {
                assert_eq!(tidy(name), &r[2], "{context}");
            } else if has(Tag::NameNfd) {
                assert_eq!(name.nfc().collect::<String>(), &r[2], "{context}");
            } else if has(Tag::NameUpper) {
                assert_eq!(name, super::spelling::upper(&r[2]), "{context}");
            } else if has(Tag::NameTonePlacement) {
                assert_ne!(name, &r[2], "{context}");
            } else {
                assert_eq!(name, &r[2], "{context}");
            }
        }

        // Dates of birth.
        let dob_tags = [
            Tag::DobYearOnly,
            Tag::DobDayMonthSwapped,
            Tag::DobYearOff,
            Tag::DobTypo,
            Tag::DobOtherFormat,
        ];
        assert!(
            dob_tags.iter().filter(|t| has(**t)).count() <= 1,
            "{context}"
        );
        let given = PartialDate::parse(dob).unwrap_or_else(|e| panic!("{e:?}: {context}"));
        let real = PartialDate::parse(&r[3]).unwrap();
        if has(Tag::DobYearOnly) {
            assert!(dob.len() == 4 || dob.starts_with("00/00/"), "{context}");
            assert!(
                real.day().is_some() && given.day().is_none() && given.year() == real.year(),
                "{context}"
            );
        } else if has(Tag::DobDayMonthSwapped) {
            assert_eq!(
                (given.day(), given.month(), given.year()),
                (real.month(), real.day(), real.year()),
                "{context}"
            );
            assert_ne!(given, real);
        } else if has(Tag::DobYearOff) {
            assert_eq!(
                (given.day(), given.month()),
                (real.day(), real.month()),
                "{context}"
            );
            assert_eq!(given.year().abs_diff(real.year()), 1, "{context}");
        } else if has(Tag::DobTypo) {
            assert_eq!(dob.len(), r[3].len(), "{context}");
            assert_eq!(
                dob.bytes()
                    .zip(r[3].bytes())
                    .filter(|(a, b)| a != b)
                    .count(),
                1,
                "{context}"
            );
            assert_ne!(given, real);
        } else if has(Tag::DobOtherFormat) {
            assert_ne!(dob, &r[3], "{context}");
            assert_eq!(given, real, "{context}");
        } else {
            assert_eq!(dob, &r[3], "{context}");
        }

        // Gender.
        assert_eq!(gender != &r[4], has(Tag::GenderFlipped), "{context}");

        // Clean rows are the register's row; truly-in-sync rows agree after normalization.
        if tags.is_empty() {
            assert_eq!(
                (name, dob, gender, id),
                (&r[2], &r[3], &r[4], &r[0]),
                "{context}"
            );
        }
        let tag_names: Vec<&str> = t[2].split(';').collect();
        if is_truly_in_sync(&t[1], &tag_names) {
            assert!(tags
                .iter()
                .all(|t| t.is_format_only() || *t == Tag::DuplicatePerson));
            assert_eq!(
                (pc.as_str(), given, Gender::parse(gender), id),
                (rc.as_str(), real, Gender::parse(&r[4]), true_id)
            );
        }
    }

    let m = m as usize;
    assert!(
        absent_namesakes * 50 <= absent.max(50),
        "{absent_namesakes} of {absent} absent people have a namesake"
    );
    if let Some(&others) = seen.get(&Tag::IdOtherPerson) {
        assert!(
            other_family * 4 <= others,
            "{other_family} of {others} other-person IDs are not relatives"
        );
    }
    if m >= 3_000 && n >= m as u64 {
        let share = clean as f64 / m as f64;
        assert!((0.65..0.85).contains(&share), "clean share {share}");
        assert!(
            multiple > m / 100,
            "{multiple} rows with two errors or more"
        );
        for tag in Tag::ALL {
            let count = seen.get(&tag).copied().unwrap_or(0);
            assert!(
                count >= 5,
                "{} appears {count} times in {m} rows",
                tag.as_str()
            );
        }
    }
    for name in FORMAT_ONLY_TAGS {
        assert!(Tag::parse(name).is_some());
    }
}
