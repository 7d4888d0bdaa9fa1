//! Blocking: which register persons are worth comparing with a participant whose ID failed.
//!
//! Comparing a participant with all 100 million register persons is out of the question, so
//! every person is filed under a few *blocking keys*, each leaving out a different field, so that
//! any one wrong field still leaves a key that reaches the right person:
//!
//! | key | filed for | survives |
//! |---|---|---|
//! | date of birth, family, given | full dates | a missing or wrong middle name, accents, gender |
//! | date of birth, family, middle, first letter of given | full dates | a given-name typo (not in its first letter) |
//! | date of birth, family, middle, last letter of given | full dates | a given-name typo in its first letter |
//! | date of birth, middle, given | full dates | a family-name typo or variant (Hoàng/Huỳnh) |
//! | family, middle, given, gender, year, month | full dates | a wrong day; a month-only participant date |
//! | family, middle, given, gender, year, day | full dates | a wrong month |
//! | family, middle, given, gender, year | dates without a day | a register date that is year- or month-only |
//! | year, family, given, gender, province | dates without a day | with a partial date: a missing or wrong middle name |
//! | year, family, middle, first letter of given, gender, province | dates without a day | with a partial date: a given-name typo |
//! | year, family, middle, last letter of given, gender, province | dates without a day | with a partial date: a given-name typo in its first letter |
//! | year, middle, given, gender, province | dates without a day | with a partial date: a family-name typo |
//!
//! The last four are the first four with the year standing for the date, filed for the persons
//! whose date has no day (4 % of a register in the synthetic data), and so held to them: for a
//! full date they would be every namesake born in a year. A year is 365 times less precise than
//! a day, so they also hold the gender and the province of residence ([`partial_date_key`]):
//! in a national register their blocks would otherwise hold thousands (every "Nguyễn Văn H…"
//! of a year with a partial date). What that gives up: a partial date, a name error and a move
//! to another province together, which would score too low to be suggested anyway (and a
//! province unknown on one side only).
//!
//! Every key holds a date: a person without one is filed under none, and the pairs where one
//! side has no date are found by the whole name alone ([`super::namesakes`]). Every key holds
//! the family or the given name as written, or the whole name, so a typo in both, or in one
//! with a date error too, is reached from the query side, with the register syllables one edit
//! from the mistyped part ([`super::spellings`]).
//!
//! Errors in the year (off by one, a mistyped digit), a swapped day and month and a reversed
//! name order are reached from the query side ([`crate::matching::search`] asks the first key
//! with those variants), which costs lookups rather than index entries; a participant date that
//! is year-only asks the month key for each month.
//!
//! Why these keys: every key holds the whole name but one part, or the whole date but
//! one part, so a block holds the persons who share nearly everything with the participant. A
//! block then stays small in a national register (a few dozen persons for the commonest name on
//! one day, among 100 million), and the search's work per row does not grow with the register,
//! where keys of a family name and a date alone (every "Nguyễn" born that day) did.
//!
//! The index is one sorted `Vec<u64>` of `(32-bit key hash << 32) | entry`: 8 bytes per key and
//! person, no per-block allocation, a block is one directory slot and a short binary search. A
//! hash collision only adds a stranger to a block, who then scores low. Blocks larger than the
//! cap are never compared in full: the search skips them and counts them, and the other keys
//! still reach the person.
//!
//! An entry's low word is the person and, in the 5 bits above the 27 a person takes (registers
//! of up to 2^27, 134 million, persons), their [`province_class`]. Why: in a national register
//! the search reads hundreds of namesakes a row on mistyped dates, nearly all living in another
//! province, which alone keeps most of them from mattering; the class lets it drop those
//! without reading each one's record (a cache miss each).

use rayon::prelude::*;

use super::{PersonIdx, Register};
use crate::normalize::date::{PartialDate, Precision};
use crate::normalize::Gender;
use crate::rng::{mix64, GOLDEN};

/// The folded name parts that blocking and scoring use, as syllable indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameParts {
    pub(crate) family: u32,
    pub(crate) given: u32,
    /// Hash of the middle syllables (0: none).
    pub(crate) middle: u64,
    pub(crate) given_first: u8,
    pub(crate) given_last: u8,
}

/// A syllable no register name has: keys built with it reach nobody.
pub(crate) const UNKNOWN_SYLLABLE: u32 = u32::MAX;

impl NameParts {
    /// Register person `p`'s folded name parts.
    pub(crate) fn of_person(register: &Register, p: PersonIdx) -> Option<NameParts> {
        // On the stack for any real name: this runs for every person when the index is built.
        let written = register.syllable_ids(p);
        let mut stack = [0u32; 16];
        let heap: Vec<u32>;
        let folded: &[u32] = if written.len() <= stack.len() {
            for (slot, &s) in stack.iter_mut().zip(written) {
                *slot = register.syllables.folded_of[s as usize];
            }
            &stack[..written.len()]
        } else {
            heap = written
                .iter()
                .map(|&s| register.syllables.folded_of[s as usize])
                .collect();
            &heap
        };
        NameParts::new(folded, |i| &register.syllables.folded[folded[i] as usize])
    }

    /// Parts from folded syllable indexes and a way to spell them.
    pub(crate) fn new<'a>(ids: &[u32], spell: impl Fn(usize) -> &'a str) -> Option<NameParts> {
        let (&family, &given) = (ids.first()?, ids.last()?);
        let middle = if ids.len() > 2 {
            ids[1..ids.len() - 1]
                .iter()
                .fold(GOLDEN, |h, &s| mix64(h ^ s as u64))
        } else {
            0
        };
        let given_text = spell(ids.len() - 1).as_bytes();
        Some(NameParts {
            family,
            given,
            middle,
            given_first: given_text.first().copied().unwrap_or(0),
            given_last: given_text.last().copied().unwrap_or(0),
        })
    }

    /// The same name read the other way round (given name written first): `family_text` is
    /// the spelling of the syllable that becomes the given name.
    pub(crate) fn reversed(&self, family_text: &str) -> NameParts {
        NameParts {
            family: self.given,
            given: self.family,
            middle: self.middle,
            given_first: family_text.bytes().next().unwrap_or(0),
            given_last: family_text.bytes().last().unwrap_or(0),
        }
    }
}

fn key(kind: u64, parts: &[u64]) -> u32 {
    let h = parts.iter().fold(mix64(kind), |h, &p| mix64(h ^ p));
    (h >> 32) as u32
}

/// Which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    DobFamilyGiven = 1,
    DobFamilyMiddleGivenFirst = 2,
    DobFamilyMiddleGivenLast = 3,
    DobMiddleGiven = 4,
    NameGenderYearMonth = 5,
    NameGenderYearDay = 6,
    NameGenderYear = 7,
    YearFamilyGivenGenderProvince = 8,
    YearFamilyMiddleGivenFirstGenderProvince = 9,
    YearFamilyMiddleGivenLastGenderProvince = 10,
    YearMiddleGivenGenderProvince = 11,
}

impl KeyKind {
    /// The keys of a date without a day ([`filing_keys`] files them for partial dates only).
    pub(crate) const PARTIAL_DATE_NAME_PARTS: [KeyKind; 4] = [
        KeyKind::YearFamilyGivenGenderProvince,
        KeyKind::YearFamilyMiddleGivenFirstGenderProvince,
        KeyKind::YearFamilyMiddleGivenLastGenderProvince,
        KeyKind::YearMiddleGivenGenderProvince,
    ];
}

/// The key of `kind` for these parts, or `None` when the date is not precise enough for it.
pub(crate) fn key_of(
    kind: KeyKind,
    name: &NameParts,
    dob: PartialDate,
    gender: Gender,
) -> Option<u32> {
    let full = dob.precision() == Precision::Day;
    let packed = dob.pack() as u64;
    let (f, m, g) = (name.family as u64, name.middle, name.given as u64);
    let (year, sex) = (dob.year() as u64, gender as u64);
    let k = kind as u64;
    Some(match kind {
        KeyKind::DobFamilyGiven if full => key(k, &[packed, f, g]),
        KeyKind::DobFamilyMiddleGivenFirst if full => {
            key(k, &[packed, f, m, name.given_first as u64])
        }
        KeyKind::DobFamilyMiddleGivenLast if full => {
            key(k, &[packed, f, m, name.given_last as u64])
        }
        KeyKind::DobMiddleGiven if full => key(k, &[packed, m, g]),
        KeyKind::NameGenderYearMonth => key(k, &[f, m, g, sex, year, dob.month()? as u64]),
        KeyKind::NameGenderYearDay if full => key(k, &[f, m, g, sex, year, dob.day()? as u64]),
        KeyKind::NameGenderYear => key(k, &[f, m, g, sex, year]),
        _ => return None,
    })
}

/// The key of one of [`KeyKind::PARTIAL_DATE_NAME_PARTS`] for a date without a day (`None` for
/// a full date, or another kind): its year, the name parts, the gender and the (current)
/// province of residence, `None` when unknown.
pub(crate) fn partial_date_key(
    kind: KeyKind,
    name: &NameParts,
    dob: PartialDate,
    gender: Gender,
    province: Option<u8>,
) -> Option<u32> {
    if dob.precision() == Precision::Day {
        return None;
    }
    let (f, m, g) = (name.family as u64, name.middle, name.given as u64);
    let (year, sex) = (dob.year() as u64, gender as u64);
    let place = province.map_or(u64::MAX, u64::from);
    let k = kind as u64;
    Some(match kind {
        KeyKind::YearFamilyGivenGenderProvince => key(k, &[year, f, g, sex, place]),
        KeyKind::YearFamilyMiddleGivenFirstGenderProvince => {
            key(k, &[year, f, m, name.given_first as u64, sex, place])
        }
        KeyKind::YearFamilyMiddleGivenLastGenderProvince => {
            key(k, &[year, f, m, name.given_last as u64, sex, place])
        }
        KeyKind::YearMiddleGivenGenderProvince => key(k, &[year, m, g, sex, place]),
        _ => return None,
    })
}

pub(crate) const ALL_KEYS: [KeyKind; 7] = [
    KeyKind::DobFamilyGiven,
    KeyKind::DobFamilyMiddleGivenFirst,
    KeyKind::DobFamilyMiddleGivenLast,
    KeyKind::DobMiddleGiven,
    KeyKind::NameGenderYearMonth,
    KeyKind::NameGenderYearDay,
    KeyKind::NameGenderYear,
];

/// How many keys [`filing_keys`] gives for a date of this precision (for a person with a name).
pub(crate) fn filing_key_count(dob: PartialDate) -> usize {
    match dob.precision() {
        Precision::Day => 6,
        // The year key and the year's name-part keys.
        Precision::Month | Precision::Year => 1 + KeyKind::PARTIAL_DATE_NAME_PARTS.len(),
    }
}

/// The keys a register person is filed under: for a full date, the date keys and its month
/// and day keys; for a partial date, the year key and the year's name-part keys. `province`:
/// the current province of residence. Why the month key holds full dates only: the search can
/// then tell that everyone in the name keys' blocks but the year key's has a full date, a typo
/// or more away from the participant's (see
/// [`crate::matching::weights::SAME_MONTH_OR_DAY_LEVELS`]), and skip those blocks when no such
/// person could matter; a month-only date is in its year's block anyway.
pub(crate) fn filing_keys(
    name: &NameParts,
    dob: PartialDate,
    gender: Gender,
    province: Option<u8>,
) -> impl Iterator<Item = u32> + '_ {
    let full = dob.precision() == Precision::Day;
    let whole = ALL_KEYS
        .into_iter()
        .filter(move |&kind| match kind {
            KeyKind::NameGenderYear => !full,
            KeyKind::NameGenderYearMonth => full,
            _ => true,
        })
        .filter_map(move |kind| key_of(kind, name, dob, gender));
    let parts = (KeyKind::PARTIAL_DATE_NAME_PARTS.into_iter())
        .filter_map(move |kind| partial_date_key(kind, name, dob, gender, province));
    whole.chain(parts)
}

/// Bits of an entry's low word that hold the person, when the register is small enough for
/// the [`province_class`] to fit above them.
const PERSON_BITS: u32 = 27;

/// The province of residence in 5 bits: 0 unknown, else 1 + the province's index modulo 31.
/// Two persons of different classes live in different provinces (or one's is unknown, class
/// 0); the same class says nothing (the 34 provinces share 31 classes).
pub(crate) fn province_class(province: Option<u8>) -> u8 {
    province.map_or(0, |p| 1 + p % 31)
}

/// The directory of sorted `entries`: slot `b` is the number of entries whose bucket (top `bits`
/// bits) is below `b`, so that bucket `b` is `entries[directory[b]..directory[b + 1]]`; one slot
/// more than there are buckets. Built by counting then summing, in parallel over ranges of
/// slots (why: a walk that advances through the entries slot by slot runs on one core with a
/// data-dependent branch at every step).
fn directory_of(entries: &[u64], bits: u32) -> Vec<u32> {
    const SLOTS_PER_TASK: usize = 1 << 16;
    let mut directory = vec![0u32; (1usize << bits) + 1];
    directory
        .par_chunks_mut(SLOTS_PER_TASK)
        .enumerate()
        .for_each(|(task, slots)| {
            let first = task * SLOTS_PER_TASK;
            let start = entries.partition_point(|&e| BlockIndex::bucket_of(e, bits) < first);
            let end =
                entries.partition_point(|&e| BlockIndex::bucket_of(e, bits) < first + slots.len());
            for &entry in &entries[start..end] {
                slots[BlockIndex::bucket_of(entry, bits) - first] += 1;
            }
            let mut at = start as u32;
            for slot in slots {
                let count = *slot;
                *slot = at;
                at += count;
            }
        });
    directory
}

/// A person filed in a block, with their [`province_class`] (0 in a register too large to hold
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Filed {
    pub(crate) person: PersonIdx,
    pub(crate) province_class: u8,
}

/// The blocking index of a register.
#[derive(Debug, Default)]
pub(crate) struct BlockIndex {
    entries: Vec<u64>,
    /// Bits of an entry's low word that hold the person: [`PERSON_BITS`], or 32 in a register
    /// too large for the province class.
    person_bits: u32,
    /// `directory[b]` is the first entry whose key's top `bits` bits are `b` or more. A lookup
    /// reads one directory slot and binary-searches a bucket of a few entries, instead of
    /// ~30 cache-missing steps over the whole array (the search asks dozens of keys a row).
    directory: Vec<u32>,
    bits: u32,
}

impl BlockIndex {
    /// Files every person under each of its keys. Parallel; the result is sorted, so it does
    /// not depend on the thread count.
    pub(crate) fn build(register: &Register) -> BlockIndex {
        // The entries are written into one vector of the exact size, chunk by chunk in
        // parallel: collecting them would hold a second copy while it grows (gigabytes at 100M).
        const CHUNK: usize = 1 << 16;
        let n = register.len();
        let person_bits = if n <= 1 << PERSON_BITS {
            PERSON_BITS
        } else {
            32
        };
        let tag = |p: PersonIdx| {
            let class = match person_bits {
                32 => 0,
                _ => province_class(register.province(p)) as u64,
            };
            class << person_bits | p as u64
        };
        let filed = |p: PersonIdx| match (NameParts::of_person(register, p), register.dob(p)) {
            (Some(name), Some(dob)) => Some((name, dob)),
            _ => None,
        };
        let count_in = |c: usize| -> usize {
            (c * CHUNK..n.min((c + 1) * CHUNK))
                .map(|p| match register.dob(p as PersonIdx) {
                    Some(dob) if !register.syllable_ids(p as PersonIdx).is_empty() => {
                        filing_key_count(dob)
                    }
                    _ => 0,
                })
                .sum()
        };
        let chunks = n.div_ceil(CHUNK);
        let counts: Vec<usize> = (0..chunks).into_par_iter().map(count_in).collect();
        let mut entries = vec![0u64; counts.iter().sum()];
        let mut slices = Vec::with_capacity(chunks);
        let mut rest = entries.as_mut_slice();
        for &count in &counts {
            let (slice, tail) = rest.split_at_mut(count);
            slices.push(slice);
            rest = tail;
        }
        slices.into_par_iter().enumerate().for_each(|(c, slice)| {
            let mut at = 0;
            for p in (c * CHUNK..n.min((c + 1) * CHUNK)).map(|p| p as PersonIdx) {
                if let Some((name, dob)) = filed(p) {
                    let entry = tag(p);
                    for key in filing_keys(&name, dob, register.gender(p), register.province(p)) {
                        slice[at] = (key as u64) << 32 | entry;
                        at += 1;
                    }
                }
            }
            assert_eq!(at, slice.len(), "filing_key_count agrees with filing_keys");
        });
        entries.par_sort_unstable();
        entries.dedup();
        // About one entry a bucket (a few at 100M, where 2^26 slots cap it at 256 MB).
        let bits = (entries.len().max(1).ilog2()).clamp(8, 26);
        let directory = directory_of(&entries, bits);
        BlockIndex {
            entries,
            person_bits,
            directory,
            bits,
        }
    }

    /// The directory slot of an entry (a key in its high word): the top `bits` bits of its key.
    fn bucket_of(entry: u64, bits: u32) -> usize {
        (entry >> (64 - bits)) as usize
    }

    /// Requests from memory what looking up `keys` will read: first their directory slots,
    /// then the entries those point at (see [`super::prefetch`]). Changes no result.
    pub(crate) fn prefetch(&self, keys: impl Iterator<Item = u32> + Clone) {
        for key in keys.clone() {
            super::prefetch::prefetch(&self.directory, self.bucket(key));
        }
        for key in keys {
            if let Some(&lo) = self.directory.get(self.bucket(key)) {
                super::prefetch::prefetch(&self.entries, lo as usize);
            }
        }
    }

    /// The directory slot of `key`: its top `bits` bits.
    fn bucket(&self, key: u32) -> usize {
        Self::bucket_of((key as u64) << 32, self.bits)
    }

    /// The persons filed under `key`.
    pub(crate) fn block(&self, key: u32) -> impl ExactSizeIterator<Item = PersonIdx> + '_ {
        self.filed(key).map(|f| f.person)
    }

    /// The persons filed under `key`, with their province class.
    pub(crate) fn filed(&self, key: u32) -> impl ExactSizeIterator<Item = Filed> + '_ {
        let k = key as u64;
        let bucket = self.bucket(key);
        let (lo, hi) = match (self.directory.get(bucket), self.directory.get(bucket + 1)) {
            (Some(&lo), Some(&hi)) => (lo as usize, hi as usize),
            _ => (0, 0),
        };
        let slice = &self.entries[lo..hi];
        let start = slice.partition_point(|&e| e >> 32 < k);
        let end = start + slice[start..].partition_point(|&e| e >> 32 == k);
        let bits = self.person_bits;
        let class_mask = if bits < 32 { 0x1f } else { 0 };
        slice[start..end].iter().map(move |&e| Filed {
            person: (e & ((1 << bits) - 1)) as PersonIdx,
            province_class: (e >> bits & class_mask) as u8,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::build::{NewPerson, RegisterBuilder, RegisterId};

    #[test]
    fn the_directory_points_every_bucket_at_its_first_entry() {
        // Sorted entries with empty buckets, crowded ones, and buckets in several of the
        // directory's parallel ranges (2^18 slots are four ranges and a last slot).
        let mut state = GOLDEN;
        let mut entries: Vec<u64> = (0..100_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // A quarter of the entries share a few keys: crowded buckets.
                if state % 4 == 0 {
                    (state % 5) << 61
                } else {
                    state
                }
            })
            .collect();
        entries.sort_unstable();
        for bits in [8, 18] {
            let directory = directory_of(&entries, bits);
            assert_eq!(directory.len(), (1 << bits) + 1);
            for (b, &slot) in directory.iter().enumerate() {
                let first = entries.partition_point(|&e| BlockIndex::bucket_of(e, bits) < b);
                assert_eq!(slot as usize, first, "bucket {b} of 2^{bits}");
            }
        }
    }

    #[test]
    fn every_person_is_found_under_each_of_its_keys() {
        let mut b = RegisterBuilder::new();
        for i in 0..2000u64 {
            b.push(NewPerson {
                line: i + 2,
                id: RegisterId::Numeric(1_090_000_000 + i),
                old_id: None,
                name: format!(
                    "Nguyễn Văn {}",
                    ["An", "Bình", "Cường", "Dũng"][(i % 4) as usize]
                ),
                dob: PartialDate::new(
                    1950 + (i % 50) as u16,
                    1 + (i % 12) as u8,
                    1 + (i % 28) as u8,
                ),
                gender: Gender::Male,
                deceased: false,
                // Every province, and unknown.
                province: (i % 35 < 34).then_some(crate::province::Place {
                    current: (i % 35) as u8,
                    former: None,
                }),
            });
        }
        let (register, _) = b.finish();
        let index = BlockIndex::build(&register);
        for p in 0..register.len() as PersonIdx {
            let name = NameParts::of_person(&register, p).unwrap();
            let dob = register.dob(p).unwrap();
            let keys: Vec<u32> =
                filing_keys(&name, dob, Gender::Male, register.province(p)).collect();
            assert_eq!(keys.len(), filing_key_count(dob));
            let class = province_class(register.province(p));
            for key in keys {
                let filed = Filed {
                    person: p,
                    province_class: class,
                };
                assert!(index.filed(key).any(|f| f == filed), "{filed:?}, key {key}");
            }
        }
        assert_eq!(index.block(12345).len(), 0);
        // Persons in different classes live in different provinces.
        let classes: Vec<u8> = (0..34).map(|p| province_class(Some(p))).collect();
        for a in 0..34 {
            for b in 0..34 {
                assert!(classes[a] != classes[b] || a % 31 == b % 31, "{a} {b}");
            }
            assert_ne!(classes[a], province_class(None));
        }
        for date in [
            PartialDate::new(1950, 0, 0),
            PartialDate::new(1950, 3, 0),
            PartialDate::new(1950, 3, 9),
        ] {
            let date = date.unwrap();
            let name = NameParts::of_person(&register, 0).unwrap();
            assert_eq!(
                filing_keys(&name, date, Gender::Female, None).count(),
                filing_key_count(date)
            );
        }
    }
}
