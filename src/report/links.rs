//! Who each row links to, kept for the whole file, and the flags that need the whole file:
//! `duplicate_code` (the insurance code appears more than once) and `duplicate_person` (another
//! insurance code is linked to the same register person).
//!
//! Neither can be known while rows stream through. The passes keep, per row, only the linked
//! person (4 bytes) and a 128-bit key of the insurance code (16 bytes) in a [`LinkLog`]; the
//! finalize pass computes the [`Flags`] from it.

use rayon::prelude::*;

use crate::matching::{Reason, ReasonSet, Status};
use crate::province::ProvinceKey;
use crate::register::PersonIdx;

/// No person linked.
pub(crate) const NO_PERSON: PersonIdx = PersonIdx::MAX;

/// What the passes keep per participant row, in row order.
#[derive(Debug, Default)]
pub(crate) struct LinkLog {
    /// The linked (or suggested) person, or [`NO_PERSON`].
    pub(crate) links: Vec<PersonIdx>,
    /// [`code_key`] of the insurance code.
    pub(crate) keys: Vec<u128>,
    /// The row's province ([`ProvinceKey::pack`]), to count its whole-file flags under it.
    pub(crate) provinces: Vec<u16>,
}

impl LinkLog {
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.links.reserve(rows);
        self.keys.reserve(rows);
        self.provinces.reserve(rows);
    }

    pub(crate) fn extend(&mut self, other: LinkLog) {
        self.links.extend(other.links);
        self.keys.extend(other.keys);
        self.provinces.extend(other.provinces);
    }

    /// Appends a row: its insurance code, the person it links to, if any, and its province.
    pub(crate) fn push(
        &mut self,
        insurance_code: &str,
        person: Option<PersonIdx>,
        province: ProvinceKey,
    ) {
        self.links.push(person.unwrap_or(NO_PERSON));
        self.keys.push(code_key(insurance_code));
        self.provinces.push(province.pack());
    }
}

/// A row that is not SYNCED, as the history follows it from night to night: a 61-bit key of
/// its insurance code ([`code_key`]; 0 for none) and its status, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct OpenRow(u64);

impl OpenRow {
    pub(crate) fn new(key: u128, status: Status) -> OpenRow {
        OpenRow(((key as u64) & !7) | status as u64)
    }

    pub(crate) fn key(self) -> u64 {
        self.0 & !7
    }

    pub(crate) fn status(self) -> Status {
        Status::ALL[(self.0 & 7) as usize]
    }
}

/// A 128-bit key of an insurance code (trimmed); 0 for an empty code, which duplicates nothing.
/// At 10^8 rows the chance of any two codes colliding is about 10^-23.
pub(crate) fn code_key(code: &str) -> u128 {
    let code = code.trim();
    if code.is_empty() {
        0
    } else {
        xxhash_rust::xxh3::xxh3_128(code.as_bytes()).max(1)
    }
}

/// The whole-file flags of every row.
pub(crate) struct Flags {
    pub(crate) duplicate_code: Vec<bool>,
    pub(crate) duplicate_person: Vec<bool>,
    /// For flagged persons: how many distinct insurance codes link to them, by row.
    pub(crate) codes_per_person: Vec<u32>,
}

impl Flags {
    pub(crate) fn of(&self, row: usize) -> ReasonSet {
        let mut set = ReasonSet::default();
        if self.duplicate_person[row] {
            set.insert(Reason::DuplicatePerson);
        }
        if self.duplicate_code[row] {
            set.insert(Reason::DuplicateCode);
        }
        set
    }
}

impl LinkLog {
    /// The whole-file flags of every row. Both duplicates are found by sorting one `u64` per
    /// row, the row number in its low half: plain integers sort several times faster than row
    /// numbers compared through a lookup (each comparison a cache miss at 10^8 rows), in a
    /// quarter of the memory of sorted 128-bit keys. Rows whose high halves tie are then
    /// grouped by their full keys.
    pub(crate) fn flags(&self) -> Flags {
        let log = self;
        let n = log.links.len();
        let key = |row: u64| log.keys[(row & u64::from(u32::MAX)) as usize];

        // duplicate_code: high half = the key's top 32 bits; ties are checked on the full key.
        let mut duplicate_code = vec![false; n];
        let mut order: Vec<u64> = (0..n)
            .filter(|&r| log.keys[r] != 0)
            .map(|r| ((log.keys[r] >> 96) as u64) << 32 | r as u64)
            .collect();
        order.par_sort_unstable();
        let mut run_keys: Vec<(u128, u64)> = Vec::new();
        for run in order.chunk_by(|a, b| a >> 32 == b >> 32) {
            if run.len() > 1 {
                run_keys.clear();
                run_keys.extend(run.iter().map(|&r| (key(r), r)));
                run_keys.sort_unstable();
                for same in run_keys.chunk_by(|a, b| a.0 == b.0) {
                    if same.len() > 1 {
                        for &(_, r) in same {
                            duplicate_code[(r & u64::from(u32::MAX)) as usize] = true;
                        }
                    }
                }
            }
        }
        drop(order);

        // duplicate_person: high half = the linked person; a run is one person's rows, and the
        // distinct insurance codes among them decide.
        let mut duplicate_person = vec![false; n];
        let mut codes_per_person = vec![0u32; n];
        let mut linked: Vec<u64> = (0..n)
            .filter(|&r| log.links[r] != NO_PERSON)
            .map(|r| u64::from(log.links[r]) << 32 | r as u64)
            .collect();
        linked.par_sort_unstable();
        let mut codes: Vec<u128> = Vec::new();
        for run in linked.chunk_by(|a, b| a >> 32 == b >> 32) {
            if run.len() > 1 {
                codes.clear();
                codes.extend(run.iter().map(|&r| key(r)));
                codes.sort_unstable();
                codes.dedup();
                if codes.len() > 1 {
                    for &r in run {
                        let row = (r & u64::from(u32::MAX)) as usize;
                        duplicate_person[row] = true;
                        codes_per_person[row] = codes.len() as u32;
                    }
                }
            }
        }
        Flags {
            duplicate_code,
            duplicate_person,
            codes_per_person,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_mark_repeated_codes_and_shared_persons() {
        let log = LinkLog {
            links: vec![7, 7, 3, NO_PERSON, 3, 9],
            keys: vec![
                code_key("A"),
                code_key("B"),
                code_key("C"),
                code_key("C"),
                code_key("C"),
                code_key(""),
            ],
            provinces: vec![ProvinceKey::Unknown.pack(); 6],
        };
        let f = log.flags();
        assert_eq!(
            f.duplicate_code,
            vec![false, false, true, true, true, false]
        );
        // Person 7 is linked from A and B; person 3 only from code C (twice): no duplicate person.
        assert_eq!(
            f.duplicate_person,
            vec![true, true, false, false, false, false]
        );
        assert_eq!(f.codes_per_person[0], 2);
        assert_eq!(f.of(0).to_string(), "duplicate_person");
        assert_eq!(f.of(2).to_string(), "duplicate_code");
    }
}
