//! Blocking: which register persons are worth comparing with a participant whose ID failed.
//!
//! Comparing a participant with all 100 million register persons is out of the question, so
//! every person is filed under a few *blocking keys*, each leaving out a different field, so that
//! any one wrong field still leaves a key that reaches the right person (issue 4):
//!
//! | key | survives |
//! |---|---|
//! | date of birth, family name, first letter of the given name | a given-name typo (not in its first letter), missing middle name, accents, gender |
//! | date of birth, family name, last letter of the given name | a given-name typo in its first letter |
//! | date of birth, given name | a family-name typo or variant (Hoàng/Huỳnh) |
//! | family name, given name, day and month | a wrong birth year (typo, off by one) |
//! | family, middle and given name, gender, birth year | a year-only or month-only date, a wrong day or month |
//!
//! Errors in the date are also reached from the query side ([`crate::matching::search`] asks
//! with the day and month swapped, the year ±1, the name order reversed), which costs lookups
//! rather than index entries. Names enter keys in their folded form (no accents).
//!
//! The index is one sorted `Vec<u64>` of `(32-bit key hash << 32) | person`: 8 bytes per key and
//! person, no per-block allocation, a block is a binary-searched range. A hash collision only adds
//! a stranger to a block, who then scores low. Blocks larger than the cap (thousands of
//! "Nguyễn Văn Hùng" born in one year in a national register) are never compared in full: the
//! search skips them and counts them, and the other keys still reach the person.

use rayon::prelude::*;

use super::{PersonIdx, Register};
use crate::normalize::date::{PartialDate, Precision};
use crate::normalize::Gender;

/// The folded name parts that blocking and scoring use, as syllable indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameParts {
    pub family: u32,
    pub given: u32,
    /// Hash of the middle syllables (0: none).
    pub middle: u64,
    pub given_first: u8,
    pub given_last: u8,
}

/// A syllable no register name has: keys built with it reach nobody.
pub const UNKNOWN_SYLLABLE: u32 = u32::MAX;

impl NameParts {
    /// Parts from folded syllable indexes and a way to spell them.
    pub fn new<'a>(ids: &[u32], spell: impl Fn(usize) -> &'a str) -> Option<NameParts> {
        let (&family, &given) = (ids.first()?, ids.last()?);
        let middle = if ids.len() > 2 {
            ids[1..ids.len() - 1]
                .iter()
                .fold(0x9e37_79b9_7f4a_7c15u64, |h, &s| mix(h ^ s as u64))
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
    pub fn reversed(&self, family_text: &str) -> NameParts {
        NameParts {
            family: self.given,
            given: self.family,
            middle: self.middle,
            given_first: family_text.bytes().next().unwrap_or(0),
            given_last: family_text.bytes().last().unwrap_or(0),
        }
    }
}

/// SplitMix64's finalizer: a cheap, well-mixed 64-bit hash step.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn key(kind: u64, parts: &[u64]) -> u32 {
    let h = parts.iter().fold(mix(kind), |h, &p| mix(h ^ p));
    (h >> 32) as u32
}

/// Which key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    DobFamilyGivenFirst = 1,
    DobFamilyGivenLast = 2,
    DobGiven = 3,
    FamilyGivenMonthDay = 4,
    FamilyMiddleGivenGenderYear = 5,
}

/// The key of `kind` for these parts, or `None` when the date is not precise enough for it.
pub fn key_of(kind: KeyKind, name: &NameParts, dob: PartialDate, gender: Gender) -> Option<u32> {
    let full = dob.precision() == Precision::Day;
    let packed = dob.pack() as u64;
    let (f, g) = (name.family as u64, name.given as u64);
    let k = kind as u64;
    Some(match kind {
        KeyKind::DobFamilyGivenFirst if full => key(k, &[packed, f, name.given_first as u64]),
        KeyKind::DobFamilyGivenLast if full => key(k, &[packed, f, name.given_last as u64]),
        KeyKind::DobGiven if full => key(k, &[packed, g]),
        KeyKind::FamilyGivenMonthDay if full => key(k, &[f, g, packed & 0xffff]),
        KeyKind::FamilyMiddleGivenGenderYear => {
            key(k, &[f, name.middle, g, gender as u64, dob.year() as u64])
        }
        _ => return None,
    })
}

pub const ALL_KEYS: [KeyKind; 5] = [
    KeyKind::DobFamilyGivenFirst,
    KeyKind::DobFamilyGivenLast,
    KeyKind::DobGiven,
    KeyKind::FamilyGivenMonthDay,
    KeyKind::FamilyMiddleGivenGenderYear,
];

/// The blocking index of a register.
#[derive(Debug, Default)]
pub struct BlockIndex {
    entries: Vec<u64>,
    /// `directory[b]` is the first entry whose key's top `bits` bits are `b` or more. A lookup
    /// reads one directory slot and binary-searches a bucket of a few entries, instead of
    /// ~30 cache-missing steps over the whole array (the search asks dozens of keys a row).
    directory: Vec<u32>,
    bits: u32,
}

impl BlockIndex {
    /// Files every person under each of its keys. Parallel; the result is sorted, so it does
    /// not depend on the thread count.
    pub fn build(register: &Register) -> BlockIndex {
        let mut entries: Vec<u64> = (0..register.len() as PersonIdx)
            .into_par_iter()
            .flat_map_iter(|p| {
                let mut keys = Vec::with_capacity(ALL_KEYS.len());
                if let (Some(name), Some(dob)) = (register.name_parts(p), register.dob(p)) {
                    let gender = register.gender(p);
                    for kind in ALL_KEYS {
                        if let Some(k) = key_of(kind, &name, dob, gender) {
                            keys.push((k as u64) << 32 | p as u64);
                        }
                    }
                }
                keys
            })
            .collect();
        entries.par_sort_unstable();
        entries.dedup();
        // About one entry a bucket: 4 bytes of directory per entry.
        let bits = (entries.len().max(1).ilog2()).clamp(8, 28);
        let mut directory = vec![0u32; (1usize << bits) + 1];
        let mut at = 0usize;
        for (b, slot) in directory.iter_mut().enumerate() {
            while at < entries.len() && ((entries[at] >> 32) >> (32 - bits)) < b as u64 {
                at += 1;
            }
            *slot = at as u32;
        }
        BlockIndex {
            entries,
            directory,
            bits,
        }
    }

    /// The persons filed under `key`.
    pub fn block(&self, key: u32) -> impl ExactSizeIterator<Item = PersonIdx> + '_ {
        let k = key as u64;
        let bucket = (key >> (32 - self.bits)) as usize;
        let (lo, hi) = match (self.directory.get(bucket), self.directory.get(bucket + 1)) {
            (Some(&lo), Some(&hi)) => (lo as usize, hi as usize),
            _ => (0, 0),
        };
        let slice = &self.entries[lo..hi];
        let start = slice.partition_point(|&e| e >> 32 < k);
        let end = start + slice[start..].partition_point(|&e| e >> 32 == k);
        slice[start..end].iter().map(|&e| e as PersonIdx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::build::{NewPerson, RegisterBuilder, RegisterId};

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
            });
        }
        let (register, _) = b.finish();
        let index = BlockIndex::build(&register);
        for p in 0..register.len() as PersonIdx {
            let name = register.name_parts(p).unwrap();
            let dob = register.dob(p).unwrap();
            for kind in ALL_KEYS {
                let key = key_of(kind, &name, dob, Gender::Male).unwrap();
                assert!(index.block(key).any(|q| q == p), "person {p}, key {kind:?}");
            }
        }
        assert_eq!(index.block(12345).len(), 0);
    }
}
