//! Criterion micro-benchmarks of the per-row hot paths: name normalization, date and ID parsing,
//! field comparison, an ID lookup with verification of the hit (compare + decide), and the ID
//! table's misses at national size (what the typo search asks ~80 of per ID that found nobody).
//! Run with `cargo bench --bench hot_paths`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use popsync::engine::{
    compare_dates, compare_names, match_participant, IdTable, NameBuffers, NewPerson, Participant,
    RegisterBuilder, RegisterId, RegisterIndexes, Thresholds, Weights,
};
use popsync::{
    canonical, fold_canonical, DateField, Gender, IdFormat, NameForms, ParsedId, PartialDate,
};

const NAMES: [&str; 6] = [
    "Nguyễn Thị Hoà",
    "TRẦN VĂN BÌNH",
    "Lê Thị Thuỷ",
    "Nguyen Van Hung",
    "Đặng   Quốc  Việt",
    "Phạm Ngọc Khánh Linh",
];

fn normalization(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Elements(NAMES.len() as u64));
    group.bench_function("name_forms", |b| {
        b.iter(|| {
            for name in NAMES {
                black_box(NameForms::new(black_box(name)));
            }
        })
    });
    group.bench_function("canonical_ascii", |b| {
        b.iter(|| canonical(black_box("NGUYEN  VAN HUNG")))
    });
    group.bench_function("fold_canonical", |b| {
        b.iter(|| fold_canonical(black_box("nguyễn thị hòa")))
    });
    group.bench_function("date_parse", |b| {
        b.iter(|| {
            for d in ["12/03/1950", "1950-03-12", "19500312", "1950", "00/03/1950"] {
                black_box(PartialDate::parse(black_box(d)).ok());
            }
        })
    });
    group.bench_function("id_parse", |b| {
        b.iter(|| {
            for id in ["001090012345", "1090012345", "012345678", "1.23457E+11"] {
                black_box(ParsedId::parse(black_box(id), IdFormat::Cccd));
            }
        })
    });
    group.finish();
}

fn verification(c: &mut Criterion) {
    // A register of 100k persons with distinct IDs; participants hit it by ID.
    let mut builder = RegisterBuilder::new();
    for i in 0..100_000u64 {
        builder.push(NewPerson {
            line: i + 2,
            id: RegisterId::Numeric(1_090_000_000 + i),
            old_id: None,
            name: NAMES[(i % 6) as usize].to_string(),
            dob: PartialDate::new(1990, 3, 12),
            gender: if i % 2 == 0 {
                Gender::Female
            } else {
                Gender::Male
            },
            deceased: false,
            province: None,
        });
    }
    let (register, _) = builder.finish();
    let participants: Vec<Participant> = (0..1000u64)
        .map(|i| Participant {
            id: ParsedId::Cccd(1_090_000_000 + i * 97),
            name: NameForms::new(NAMES[((i * 97 + i % 2) % 6) as usize]),
            dob: DateField::parse("12/03/1990"),
            gender: if i % 2 == 0 {
                Gender::Female
            } else {
                Gender::Male
            },
            province: None,
        })
        .collect();
    let indexes = RegisterIndexes::build(&register);
    let weights = Weights::estimate_from(&participants, &register);
    let thresholds = Thresholds::default();
    let model = indexes.model(&register, &weights, &thresholds);
    let mut group = c.benchmark_group("match");
    group.throughput(Throughput::Elements(participants.len() as u64));
    group.bench_function("id_hit_verify", |b| {
        let mut buffers = NameBuffers::default();
        b.iter(|| {
            for p in &participants {
                black_box(match_participant(p, &model, &mut buffers));
            }
        })
    });
    group.finish();
}

fn field_comparison(c: &mut Criterion) {
    let given = NameForms::new("Nguyen Thi Hoa");
    let register = NameForms::new("Nguyễn Thị Hòa");
    let other = NameForms::new("Trần Văn Bình");
    let mut group = c.benchmark_group("compare");
    group.bench_function("names_diacritics", |b| {
        b.iter(|| compare_names(black_box(&given), &register.canonical, &register.folded))
    });
    group.bench_function("names_differ", |b| {
        b.iter(|| compare_names(black_box(&given), &other.canonical, &other.folded))
    });
    let dob = DateField::parse("03/12/1990");
    let reg = PartialDate::new(1990, 3, 12);
    group.bench_function("dates_swapped", |b| {
        b.iter(|| compare_dates(black_box(dob), black_box(reg)))
    });
    group.finish();
}

/// 80 IDs nobody holds looked up in the table of a 100M-person register (2 GB; built once,
/// ~5 s), as the search's typo lookups do.
fn id_table_misses(c: &mut Criterion) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state = popsync::mix64(state);
        state % 1_000_000_000_000
    };
    let mut ids: Vec<u64> = (0..100_000_000).map(|_| next()).collect();
    ids.sort_unstable();
    ids.dedup();
    let table = IdTable::build(ids.iter().copied());
    // Enough that their slots (~50 MB of cache lines) do not stay cached between iterations.
    let probes: Vec<u64> = (0..80 * 10_000).map(|_| next()).collect();
    let mut group = c.benchmark_group("ids");
    group.throughput(Throughput::Elements(probes.len() as u64));
    group.bench_function("misses_100m", |b| {
        let mut found = Vec::new();
        b.iter(|| {
            found.clear();
            for chunk in probes.chunks(80) {
                table.find_each(|p| ids[p], black_box(chunk), &mut found);
            }
            found.len()
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    normalization,
    field_comparison,
    verification,
    id_table_misses
);
criterion_main!(benches);
