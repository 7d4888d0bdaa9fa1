//! Namesakes: register persons found by their whole name alone, for the pairs no blocking key
//! reaches because one side has no date of birth.
//!
//! Every blocking key ([`super::blocking`]) holds a date, so a person whose date is missing or
//! unreadable is filed under none, and a row without a date asks none. Such a pair can still be
//! the same person, and a rare whole name with nothing against it can say so (a register
//! export with a blank date, a participant whose date was never keyed in). Namesakes are
//! found by the whole folded name ([`name_key`]: family, middle and given syllables):
//! - a person without a date, under their own name, for any searched row to ask;
//! - every person whose name a searched row without a date asks ([`Namesakes::find`]'s
//!   `wanted` keys), dated or not.
//!
//! Why a scan and not blocking keys: a key of the name alone, filed for every person, would
//! cost an index entry per person (~800 MB at 100 million) for the few rows without a date. A
//! scan of the persons' records costs a sequential read of them (and a name's key for each
//! person only when some row has no date), and holds only the namesakes found: normally a
//! handful.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use super::blocking::NameParts;
use super::{PersonIdx, Register};
use crate::rng::{mix64, GOLDEN};

/// The key of a whole folded name: its family, middle and given syllables.
pub(crate) fn name_key(parts: &NameParts) -> u64 {
    [parts.family as u64, parts.middle, parts.given as u64]
        .iter()
        .fold(GOLDEN, |h, &part| mix64(h ^ part))
}

/// Name keys, hashed once more for a set's lookups.
pub(crate) type NameKeys = HashSet<u64, foldhash::fast::FixedState>;

/// Register persons by the key of their whole folded name ([`name_key`]): those without a
/// date, and those whose name a searched row without a date asks.
#[derive(Debug, Default)]
pub(crate) struct Namesakes {
    /// Key → its persons in `persons`.
    blocks: HashMap<u64, Block, foldhash::fast::FixedState>,
    /// The persons of each key together: those without a date first, then the others, each
    /// ascending.
    persons: Vec<PersonIdx>,
}

/// Where a key's persons are in [`Namesakes::persons`].
#[derive(Debug, Clone, Copy)]
struct Block {
    start: u32,
    /// How many have no date (they come first).
    undated: u32,
    len: u32,
    /// More persons with a date have the name than were to be held: only those without one
    /// are.
    crowded: bool,
}

/// Persons scanned per task.
const PERSONS_PER_TASK: usize = 1 << 16;

impl Namesakes {
    /// The persons of `register` without a date, and those whose name key is one of `wanted`;
    /// of a wanted name that more than `most` persons with a date have, only those without one
    /// are held (a search skips a name so common), so a common name costs no memory.
    pub(crate) fn find(register: &Register, wanted: &NameKeys, most: usize) -> Namesakes {
        // Persons with a date found under each wanted key, all counted, the first `most + 1`
        // held: the count decides which keys are crowded, whichever persons the threads
        // happened to hold.
        let counts: HashMap<u64, AtomicU32, foldhash::fast::FixedState> =
            wanted.iter().map(|&key| (key, AtomicU32::new(0))).collect();
        // (key, dated, person): sorted, a key's persons without a date come first.
        let mut found: Vec<(u64, bool, PersonIdx)> = (0..register.len())
            .into_par_iter()
            .with_min_len(PERSONS_PER_TASK)
            .filter_map(|i| {
                let p = i as PersonIdx;
                let undated = register.dob(p).is_none();
                if !undated && counts.is_empty() {
                    return None;
                }
                let key = name_key(&NameParts::of_person(register, p)?);
                if undated {
                    return Some((key, false, p));
                }
                let seen = counts.get(&key)?.fetch_add(1, Ordering::Relaxed) as usize;
                (seen <= most).then_some((key, true, p))
            })
            .collect();
        found.par_sort_unstable();
        let mut namesakes = Namesakes::default();
        for block in found.chunk_by(|a, b| a.0 == b.0) {
            let key = block[0].0;
            let dated = counts.get(&key).map_or(0, |c| c.load(Ordering::Relaxed)) as usize;
            let undated = block.iter().take_while(|&&(_, dated, _)| !dated).count();
            let crowded = dated > most;
            let held = if crowded { &block[..undated] } else { block };
            let found = Block {
                start: namesakes.persons.len() as u32,
                undated: undated as u32,
                len: held.len() as u32,
                crowded,
            };
            namesakes.persons.extend(held.iter().map(|&(_, _, p)| p));
            namesakes.blocks.insert(key, found);
        }
        namesakes
    }

    /// Whether no name was found (no row or person lacks a date, or none has a namesake).
    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The persons found under `key`: all of them when `undated_only` is false (every one
    /// when a row without a date asked for the key; `None` when more than `most` have a
    /// date), else those without a date.
    pub(crate) fn named(&self, key: u64, undated_only: bool) -> Option<&[PersonIdx]> {
        let Some(b) = self.blocks.get(&key) else {
            return Some(&[]);
        };
        let len = match (undated_only, b.crowded) {
            (true, _) => b.undated,
            (false, true) => return None,
            (false, false) => b.len,
        };
        Some(&self.persons[b.start as usize..(b.start + len) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::date::PartialDate;
    use crate::normalize::Gender;
    use crate::register::build::{NewPerson, RegisterBuilder, RegisterId};

    /// A register of `(name, dob)` persons, IDs in the order given.
    fn register(persons: &[(&str, Option<PartialDate>)]) -> Register {
        let mut b = RegisterBuilder::new();
        for (i, &(name, dob)) in persons.iter().enumerate() {
            b.push(NewPerson {
                line: i as u64 + 2,
                id: RegisterId::Numeric(1_090_000_000 + i as u64),
                old_id: None,
                name: name.to_string(),
                dob,
                gender: Gender::Male,
                deceased: false,
                province: None,
            });
        }
        b.finish().0
    }

    fn key_of_name(register: &Register, p: PersonIdx) -> u64 {
        name_key(&NameParts::of_person(register, p).unwrap())
    }

    #[test]
    fn persons_without_a_date_and_the_namesakes_asked_for_are_found() {
        let dated = PartialDate::new(1970, 5, 12);
        let register = register(&[
            ("Nguyễn Văn An", dated),
            ("Nguyễn Văn An", None),
            ("Trần Minh Đức", dated),
            ("Trần Minh Đức", PartialDate::new(1981, 1, 3)),
            ("Lê Thị Hoa", dated),
            ("Phạm Văn Bình", None),
        ]);
        // Nobody asks: only the persons without a date, each under their own name.
        let undated = Namesakes::find(&register, &NameKeys::default(), 10);
        assert_eq!(
            undated.named(key_of_name(&register, 0), false).unwrap(),
            &[1]
        );
        assert_eq!(
            undated.named(key_of_name(&register, 5), false).unwrap(),
            &[5]
        );
        assert!(undated
            .named(key_of_name(&register, 2), false)
            .unwrap()
            .is_empty());
        // A row without a date asks for Trần Minh Đức: both of them, and no one else.
        let duc = key_of_name(&register, 2);
        let asked = Namesakes::find(&register, &NameKeys::from_iter([duc]), 10);
        assert_eq!(asked.named(duc, false).unwrap(), &[2, 3]);
        assert!(asked.named(duc, true).unwrap().is_empty());
        assert!(asked
            .named(key_of_name(&register, 4), false)
            .unwrap()
            .is_empty());
        assert_eq!(asked.named(key_of_name(&register, 0), false).unwrap(), &[1]);
        assert_eq!(asked.named(key_of_name(&register, 0), true).unwrap(), &[1]);
        // More persons with a date than are to be held: the name is crowded, and only its
        // persons without a date answer.
        let an = key_of_name(&register, 0);
        let crowded = Namesakes::find(&register, &NameKeys::from_iter([duc, an]), 1);
        assert_eq!(crowded.named(duc, false), None);
        assert_eq!(crowded.named(an, false).unwrap(), &[1, 0]);
        assert_eq!(crowded.named(an, true).unwrap(), &[1]);
    }

    #[test]
    fn a_name_key_holds_every_part_of_the_name() {
        let register = register(&[
            ("Nguyễn Văn An", None),
            ("Nguyễn Văn Ân", None),
            ("Nguyễn Hữu An", None),
            ("Nguyễn An", None),
            ("NGUYEN  van an", None),
        ]);
        let keys: Vec<u64> = (0..5).map(|p| key_of_name(&register, p)).collect();
        // Folded: the accent and the case do not count; the middle name does.
        assert_eq!(keys[0], keys[1]);
        assert_eq!(keys[0], keys[4]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(keys[0], keys[3]);
        assert_ne!(keys[2], keys[3]);
    }
}
