//! Building the register: persons pushed in file order, then sorted by ID once.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use rayon::prelude::*;

use super::{
    IdColumn, OldIdIndex, PersonIdx, PersonRecord, Register, RegisterStats, Syllables, DECEASED,
    GENDER_MASK, UNCLEAN_NAME,
};
use crate::normalize::date::PartialDate;
use crate::normalize::name;
use crate::normalize::Gender;
use crate::province::Place;

/// A register person's ID as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterId {
    /// A 12-digit CCCD (the `cccd` format).
    Numeric(u64),
    /// An opaque ID (the `any` format).
    Text(Box<str>),
}

/// One register row, read and normalized, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewPerson {
    /// The line of the register file the person was read from.
    pub line: u64,
    /// The personal ID.
    pub id: RegisterId,
    /// The old 9-digit ID card number, if any.
    pub old_id: Option<RegisterId>,
    /// The name as written, tidied ([`name::tidy`]).
    pub name: String,
    /// The date of birth (`None`: missing or unreadable).
    pub dob: Option<PartialDate>,
    /// The gender.
    pub gender: Gender,
    /// The register marks the person deceased.
    pub deceased: bool,
    /// Province of residence.
    pub province: Option<Place>,
}

/// A row dropped because another row already holds its ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub(crate) line: u64,
    pub(crate) first_line: u64,
    pub(crate) id: String,
}

/// Collects register persons, then sorts them by ID into a [`Register`].
#[derive(Default)]
pub struct RegisterBuilder {
    /// The persons in file order, each a [`PersonRecord`] whose name starts at `name_start` in
    /// `name_syllables` (the numeric ID 0 when IDs are opaque). Why one record and not an array
    /// per field: sorting by ID gathers every person once, in random order, and each array
    /// would be another cache miss per person.
    records: Vec<PersonRecord>,
    text_ids: Vec<Box<str>>,
    numeric_old: Vec<(u32, PersonIdx)>,
    text_old: Vec<(Box<str>, PersonIdx)>,
    name_syllables: Vec<u32>,
    lines: Vec<u64>,
    syllables: Syllables,
    written_index: HashMap<Box<str>, u32, FixedState>,
    pub(crate) stats: RegisterStats,
}

fn intern(
    index: &mut HashMap<Box<str>, u32, FixedState>,
    table: &mut Vec<Box<str>>,
    s: &str,
) -> u32 {
    if let Some(&i) = index.get(s) {
        return i;
    }
    let i = table.len() as u32;
    table.push(s.into());
    index.insert(s.into(), i);
    i
}

impl RegisterBuilder {
    /// An empty builder.
    pub fn new() -> RegisterBuilder {
        RegisterBuilder::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Makes room for `persons` in all, with as many name syllables each as so far: growing
    /// by doubling would copy every array several times into freshly zeroed pages.
    pub(crate) fn reserve_total(&mut self, persons: usize) {
        let more = persons.saturating_sub(self.len());
        let per_person = self.name_syllables.len().div_ceil(self.len().max(1));
        self.records.reserve(more);
        self.name_syllables.reserve(more * per_person);
        self.lines.reserve(more);
    }

    /// Adds a person, in file order.
    pub fn push(&mut self, person: NewPerson) {
        let idx = self.records.len() as PersonIdx;
        let name_start = self.name_syllables.len() as u32;
        let numeric_id = match person.id {
            RegisterId::Numeric(v) => v,
            RegisterId::Text(s) => {
                self.text_ids.push(s);
                0
            }
        };
        match person.old_id {
            Some(RegisterId::Numeric(v)) => self.numeric_old.push((v as u32, idx)),
            Some(RegisterId::Text(s)) => self.text_old.push((s, idx)),
            None => {}
        }
        let mut clean = true;
        for written in name::tokens(&person.name) {
            let s = self.syllable(written);
            clean &= self.syllables.clean[s as usize];
            self.name_syllables.push(s);
        }
        self.records.push(PersonRecord::new(
            numeric_id,
            person.gender as u8 & GENDER_MASK
                | if person.deceased { DECEASED } else { 0 }
                | if clean { 0 } else { UNCLEAN_NAME },
            person.province,
            name_start,
            person.dob.map_or(0, PartialDate::pack),
        ));
        self.lines.push(person.line);
    }

    /// Interns a written syllable, computing its canonical and folded forms the first time only:
    /// across a national register that is a few hundred thousand normalizations, not billions.
    fn syllable(&mut self, written: &str) -> u32 {
        if let Some(&i) = self.written_index.get(written) {
            return i;
        }
        let canonical = name::canonical(written);
        let folded = name::fold_canonical(&canonical);
        let t = &mut self.syllables;
        let c = intern(&mut t.canonical_index, &mut t.canonical, &canonical);
        let f = intern(&mut t.folded_index, &mut t.folded, &folded);
        let i = t.written.len() as u32;
        let one_token = |s: &str| !s.is_empty() && !s.bytes().any(|b| b.is_ascii_whitespace());
        t.clean.push(one_token(&canonical) && one_token(&folded));
        t.written.push(written.into());
        t.canonical_of.push(c);
        t.folded_of.push(f);
        self.written_index.insert(written.into(), i);
        i
    }

    /// Sorts the persons by ID and drops every row whose ID an earlier row holds.
    pub fn finish(self) -> (Register, Vec<DuplicateId>) {
        let n = self.records.len();
        let numeric = self.text_ids.is_empty();
        // Sort by (ID, file order): ties keep the earliest row, so the result does not depend on
        // the sort algorithm or thread count. Numeric IDs sort as (ID << 32 | row) integers, in
        // parallel: comparing rows through a lookup is a cache miss per comparison, and a
        // repeated ID is then the same high half as the entry before, found in one sequential
        // pass.
        let mut duplicates = Vec::new();
        let mut duplicate = |i: PersonIdx, first: PersonIdx, id: String| {
            duplicates.push(DuplicateId {
                line: self.lines[i as usize],
                first_line: self.lines[first as usize],
                id,
            })
        };
        let kept: Vec<PersonIdx> = if numeric {
            let mut keyed: Vec<u128> = self
                .records
                .par_iter()
                .enumerate()
                .map(|(i, r)| u128::from(r.id()) << 32 | i as u128)
                .collect();
            keyed.par_sort_unstable();
            let mut kept = Vec::with_capacity(n);
            let mut first: Option<(u64, PersonIdx)> = None;
            for &k in &keyed {
                let (id, i) = ((k >> 32) as u64, k as PersonIdx);
                match first {
                    Some((first_id, first_i)) if first_id == id => {
                        duplicate(i, first_i, crate::normalize::id::format_cccd(id));
                    }
                    _ => {
                        first = Some((id, i));
                        kept.push(i);
                    }
                }
            }
            kept
        } else {
            let mut order: Vec<PersonIdx> = (0..n as PersonIdx).collect();
            order.par_sort_unstable_by(|&a, &b| {
                self.text_ids[a as usize]
                    .cmp(&self.text_ids[b as usize])
                    .then(a.cmp(&b))
            });
            let mut kept: Vec<PersonIdx> = Vec::with_capacity(n);
            for i in order {
                match kept.last() {
                    Some(&first) if self.text_ids[first as usize] == self.text_ids[i as usize] => {
                        duplicate(i, first, self.text_ids[i as usize].to_string());
                    }
                    _ => kept.push(i),
                }
            }
            kept
        };
        duplicates.sort_by_key(|d| d.line);

        let old_ids = if self.numeric_old.is_empty() && self.text_old.is_empty() {
            if numeric {
                OldIdIndex::Numeric(Vec::new())
            } else {
                OldIdIndex::Text(Vec::new())
            }
        } else {
            // New position of every old index (u32::MAX: dropped), set in parallel (a scatter
            // of random writes).
            let position: Vec<std::sync::atomic::AtomicU32> = (0..n)
                .into_par_iter()
                .map(|_| std::sync::atomic::AtomicU32::new(PersonIdx::MAX))
                .collect();
            kept.par_iter().enumerate().for_each(|(new, &old)| {
                position[old as usize].store(new as PersonIdx, std::sync::atomic::Ordering::Relaxed)
            });
            let new_of =
                |i: PersonIdx| position[i as usize].load(std::sync::atomic::Ordering::Relaxed);
            if numeric {
                OldIdIndex::Numeric(renumbered(self.numeric_old, new_of))
            } else {
                OldIdIndex::Text(renumbered(self.text_old, new_of))
            }
        };
        let ids = if numeric {
            IdColumn::Numeric
        } else {
            let mut text = self.text_ids;
            IdColumn::Text(
                kept.iter()
                    .map(|&i| std::mem::take(&mut text[i as usize]))
                    .collect(),
            )
        };
        // Where each person's name starts and ends in the file-order syllables.
        let records = &self.records;
        let syllables_end = self.name_syllables.len() as u32;
        let name_of = |i: PersonIdx| {
            let start = records[i as usize].name_start;
            let end = records
                .get(i as usize + 1)
                .map_or(syllables_end, |r| r.name_start);
            start as usize..end as usize
        };
        let lengths: Vec<u32> = kept.par_iter().map(|&i| name_of(i).len() as u32).collect();
        let mut name_offsets = Vec::with_capacity(kept.len() + 1);
        name_offsets.push(0u32);
        name_offsets.extend(lengths.iter().scan(0u32, |end, &len| {
            *end += len;
            Some(*end)
        }));
        drop(lengths);
        // Records and names gathered in ID order straight into their final place, in parallel
        // parts: each part's place is known from the offsets (gathering the names in parts
        // and joining them would be a second copy of every syllable, serial).
        const PART: usize = 1 << 16;
        let mut name_syllables = vec![0u32; name_offsets[kept.len()] as usize];
        let mut sorted = vec![PersonRecord::default(); kept.len() + 1];
        let mut places = Vec::with_capacity(kept.len().div_ceil(PART));
        let (mut names_left, mut records_left) =
            (name_syllables.as_mut_slice(), sorted.as_mut_slice());
        for (c, part) in kept.chunks(PART).enumerate() {
            let (start, end) = (name_offsets[c * PART], name_offsets[c * PART + part.len()]);
            let (names, names_tail) = names_left.split_at_mut((end - start) as usize);
            let (part_records, records_tail) = records_left.split_at_mut(part.len());
            places.push((names, part_records, start));
            (names_left, records_left) = (names_tail, records_tail);
        }
        kept.par_chunks(PART)
            .zip(places)
            .for_each(|(part, (names, part_records, start))| {
                // Random reads: a person's record is requested 16 persons ahead, and their
                // name (whose place is in the record) 8 ahead, so that the waits overlap.
                const AHEAD: usize = 8;
                let ask_record = |j: usize| {
                    if let Some(&i) = part.get(j) {
                        super::prefetch::prefetch(records, i as usize);
                    }
                };
                let ask_name = |j: usize| {
                    if let Some(&i) = part.get(j) {
                        super::prefetch::prefetch(
                            &self.name_syllables,
                            records[i as usize].name_start as usize,
                        );
                    }
                };
                (0..2 * AHEAD).for_each(ask_record);
                (0..AHEAD).for_each(ask_name);
                let mut at = 0;
                for (j, (&i, record)) in part.iter().zip(part_records).enumerate() {
                    ask_record(j + 2 * AHEAD);
                    ask_name(j + AHEAD);
                    let name = name_of(i);
                    let len = name.len();
                    names[at..at + len].copy_from_slice(&self.name_syllables[name]);
                    *record = PersonRecord {
                        name_start: start + at as u32,
                        ..records[i as usize]
                    };
                    at += len;
                }
            });
        // The end of the last name.
        sorted[kept.len()] = PersonRecord::new(0, 0, None, name_offsets[kept.len()], 0);
        drop(name_offsets);
        let records = sorted;
        let mut stats = self.stats;
        stats.persons = kept.len() as u64;
        stats.rejected += duplicates.len() as u64;
        stats.deceased = records[..kept.len()]
            .par_iter()
            .filter(|r| r.traits() & DECEASED != 0)
            .count() as u64;
        let old_directory = match &old_ids {
            OldIdIndex::Numeric(old) => {
                super::ids::OldIdDirectory::build(old.iter().map(|&(value, _)| value))
            }
            OldIdIndex::Text(_) => super::ids::OldIdDirectory::default(),
        };
        let id_table = match &ids {
            IdColumn::Numeric => {
                super::ids::IdTable::build(records[..kept.len()].iter().map(PersonRecord::id))
            }
            IdColumn::Text(_) => super::ids::IdTable::default(),
        };
        let register = Register {
            ids,
            id_table,
            old_ids,
            old_directory,
            records,
            name_syllables,
            syllables: self.syllables,
            stats,
        };
        (register, duplicates)
    }
}

/// Old IDs with their persons' places after sorting (`new_of`; `PersonIdx::MAX`: dropped as
/// a repeated ID), sorted by old ID.
fn renumbered<T: Ord + Send>(
    old: Vec<(T, PersonIdx)>,
    new_of: impl Fn(PersonIdx) -> PersonIdx + Sync,
) -> Vec<(T, PersonIdx)> {
    let mut old: Vec<(T, PersonIdx)> = old
        .into_par_iter()
        .map(|(value, i)| (value, new_of(i)))
        .filter(|(_, i)| *i != PersonIdx::MAX)
        .collect();
    old.par_sort_unstable();
    old
}

#[cfg(test)]
impl NewPerson {
    /// A person for a test register: the `i`-th (line `i + 2`), holding the 12-digit `id`,
    /// named `name` (tidied), with nothing else known; set the other fields by struct update.
    pub(crate) fn numbered(i: u64, id: u64, name: &str) -> NewPerson {
        NewPerson {
            line: i + 2,
            id: RegisterId::Numeric(id),
            old_id: None,
            name: name::tidy(name),
            dob: None,
            gender: Gender::Unknown,
            deceased: false,
            province: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{IdFormat, ParsedId};

    fn person(line: u64, id: u64, name: &str) -> NewPerson {
        NewPerson {
            line,
            id: RegisterId::Numeric(id),
            old_id: Some(RegisterId::Numeric(line)),
            name: name.into(),
            dob: PartialDate::new(1990, 1, 2),
            gender: Gender::Female,
            deceased: line == 3,
            province: None,
        }
    }

    #[test]
    fn persons_are_found_by_id_and_old_id_after_sorting() {
        let mut b = RegisterBuilder::new();
        b.push(person(2, 79_190_000_002, "Trần Thị Hoà"));
        b.push(person(3, 1_190_000_001, "Lê Văn Tám"));
        let (r, dups) = b.finish();
        assert!(dups.is_empty());
        let p = r
            .find_id(&ParsedId::parse("001190000001", IdFormat::Cccd))
            .unwrap();
        let mut name = String::new();
        r.written_name(p, &mut name);
        assert_eq!(name, "Lê Văn Tám");
        assert!(r.is_deceased(p));
        let q = r.find_id(&ParsedId::Cccd(79_190_000_002)).unwrap();
        r.canonical_name(q, &mut name);
        assert_eq!(name, "trần thị hòa");
        r.folded_name(q, &mut name);
        assert_eq!(name, "tran thi hoa");
        assert_eq!(r.find_old_id(&ParsedId::Old(2)), &[(2, q)]);
        assert_eq!(r.person_id(q), "079190000002");
    }

    #[test]
    fn opaque_ids_sort_and_keep_the_first_of_a_repeated_one() {
        let mut b = RegisterBuilder::new();
        for (line, id, name) in [
            (2, "HC-9", "Lê Văn Tám"),
            (3, "HC-1", "An"),
            (4, "HC-9", "B"),
        ] {
            b.push(NewPerson {
                id: RegisterId::Text(id.into()),
                old_id: Some(RegisterId::Text(format!("old-{line}").into())),
                ..person(line, 0, name)
            });
        }
        let (r, dups) = b.finish();
        assert_eq!(
            dups,
            vec![DuplicateId {
                line: 4,
                first_line: 2,
                id: "HC-9".into()
            }]
        );
        assert_eq!(
            (r.len(), r.person_id(0), r.person_id(1)),
            (2, "HC-1".into(), "HC-9".into())
        );
        let mut name = String::new();
        r.written_name(1, &mut name);
        assert_eq!(name, "Lê Văn Tám");
        assert_eq!(r.find_old_text("old-2"), vec![1]);
        assert!(r.find_old_text("old-4").is_empty());
    }

    #[test]
    fn a_repeated_id_keeps_the_first_row() {
        let mut b = RegisterBuilder::new();
        b.push(person(2, 5, "A"));
        b.push(person(3, 5, "B"));
        let (r, dups) = b.finish();
        assert_eq!(r.len(), 1);
        assert_eq!(
            dups,
            vec![DuplicateId {
                line: 3,
                first_line: 2,
                id: "000000000005".into()
            }]
        );
        let mut name = String::new();
        r.written_name(0, &mut name);
        assert_eq!(name, "A");
    }
}
