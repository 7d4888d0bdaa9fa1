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

/// A register person's ID as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterId {
    Numeric(u64),
    Text(Box<str>),
}

/// One register row, read and normalized, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub line: u64,
    pub id: RegisterId,
    pub old_id: Option<RegisterId>,
    /// The name as written, tidied ([`name::tidy`]).
    pub name: String,
    pub dob: Option<PartialDate>,
    pub gender: Gender,
    pub deceased: bool,
    /// Province of residence, as an index of the current provinces.
    pub province: Option<u8>,
}

/// A row dropped because another row already holds its ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateId {
    pub line: u64,
    pub first_line: u64,
    pub id: String,
}

#[derive(Default)]
pub struct RegisterBuilder {
    numeric_ids: Vec<u64>,
    text_ids: Vec<Box<str>>,
    numeric_old: Vec<(u32, PersonIdx)>,
    text_old: Vec<(Box<str>, PersonIdx)>,
    name_offsets: Vec<u32>,
    name_syllables: Vec<u32>,
    dobs: Vec<u32>,
    traits: Vec<u8>,
    provinces: Vec<u8>,
    lines: Vec<u64>,
    syllables: Syllables,
    written_index: HashMap<Box<str>, u32, FixedState>,
    pub stats: RegisterStats,
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
    pub fn new() -> RegisterBuilder {
        RegisterBuilder {
            name_offsets: vec![0],
            ..RegisterBuilder::default()
        }
    }

    pub fn len(&self) -> usize {
        self.dobs.len()
    }

    /// Makes room for `persons` in all, with as many name syllables each as so far: growing
    /// by doubling would copy every array several times into freshly zeroed pages (~1 s of a
    /// 10M register's load, perf).
    pub fn reserve_total(&mut self, persons: usize) {
        let more = persons.saturating_sub(self.len());
        let per_person = self.name_syllables.len().div_ceil(self.len().max(1));
        if self.text_ids.is_empty() {
            self.numeric_ids.reserve(more);
        }
        self.name_offsets.reserve(more);
        self.name_syllables.reserve(more * per_person);
        self.dobs.reserve(more);
        self.traits.reserve(more);
        self.provinces.reserve(more);
        self.lines.reserve(more);
    }

    pub fn is_empty(&self) -> bool {
        self.dobs.is_empty()
    }

    pub fn push(&mut self, person: NewPerson) {
        let idx = self.dobs.len() as PersonIdx;
        match person.id {
            RegisterId::Numeric(v) => self.numeric_ids.push(v),
            RegisterId::Text(s) => self.text_ids.push(s),
        }
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
        self.name_offsets.push(self.name_syllables.len() as u32);
        self.dobs.push(person.dob.map_or(0, PartialDate::pack));
        self.traits.push(
            person.gender as u8 & GENDER_MASK
                | if person.deceased { DECEASED } else { 0 }
                | if clean { 0 } else { UNCLEAN_NAME },
        );
        self.provinces
            .push(person.province.map_or(0, |p| p.saturating_add(1)));
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
        let n = self.dobs.len();
        let numeric = self.text_ids.is_empty();
        // Sort by (ID, file order): ties keep the earliest row, so the result does not depend on
        // the sort algorithm or thread count. Numeric IDs sort as (ID << 32 | row) integers, in
        // parallel: comparing rows through a lookup is a cache miss per comparison (3.5 s of
        // serial time at 10M persons).
        let order: Vec<PersonIdx> = if numeric {
            let mut keyed: Vec<u128> = self
                .numeric_ids
                .par_iter()
                .enumerate()
                .map(|(i, &id)| u128::from(id) << 32 | i as u128)
                .collect();
            keyed.par_sort_unstable();
            keyed.into_par_iter().map(|k| k as PersonIdx).collect()
        } else {
            let mut order: Vec<PersonIdx> = (0..n as PersonIdx).collect();
            order.par_sort_unstable_by(|&a, &b| {
                self.text_ids[a as usize]
                    .cmp(&self.text_ids[b as usize])
                    .then(a.cmp(&b))
            });
            order
        };
        let same = |a: PersonIdx, b: PersonIdx| {
            if numeric {
                self.numeric_ids[a as usize] == self.numeric_ids[b as usize]
            } else {
                self.text_ids[a as usize] == self.text_ids[b as usize]
            }
        };
        let mut duplicates = Vec::new();
        let mut kept: Vec<PersonIdx> = Vec::with_capacity(n);
        for &i in &order {
            if let Some(&first) = kept.last() {
                if same(first, i) {
                    duplicates.push(DuplicateId {
                        line: self.lines[i as usize],
                        first_line: self.lines[first as usize],
                        id: if numeric {
                            crate::normalize::id::format_cccd(self.numeric_ids[i as usize])
                        } else {
                            self.text_ids[i as usize].to_string()
                        },
                    });
                    continue;
                }
            }
            kept.push(i);
        }
        duplicates.sort_by_key(|d| d.line);

        // New position of every old index (u32::MAX: dropped).
        let mut position = vec![PersonIdx::MAX; n];
        for (new, &old) in kept.iter().enumerate() {
            position[old as usize] = new as PersonIdx;
        }
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
        let old_ids = if numeric {
            let mut old: Vec<(u32, PersonIdx)> = self
                .numeric_old
                .into_iter()
                .filter(|&(_, i)| position[i as usize] != PersonIdx::MAX)
                .map(|(v, i)| (v, position[i as usize]))
                .collect();
            old.sort_unstable();
            OldIdIndex::Numeric(old)
        } else {
            let mut old: Vec<(Box<str>, PersonIdx)> = self
                .text_old
                .into_iter()
                .filter(|&(_, i)| position[i as usize] != PersonIdx::MAX)
                .map(|(v, i)| (v, position[i as usize]))
                .collect();
            old.sort_unstable();
            OldIdIndex::Text(old)
        };
        // Names gathered in parallel parts, then joined (a sequential copy).
        let parts: Vec<Vec<u32>> = kept
            .par_chunks(1 << 16)
            .map(|part| {
                let mut syllables = Vec::new();
                for &i in part {
                    let (s, e) = (
                        self.name_offsets[i as usize],
                        self.name_offsets[i as usize + 1],
                    );
                    syllables.extend_from_slice(&self.name_syllables[s as usize..e as usize]);
                }
                syllables
            })
            .collect();
        let mut name_syllables = Vec::with_capacity(self.name_syllables.len());
        parts
            .iter()
            .for_each(|part| name_syllables.extend_from_slice(part));
        drop(parts);
        let lengths: Vec<u32> = kept
            .par_iter()
            .map(|&i| self.name_offsets[i as usize + 1] - self.name_offsets[i as usize])
            .collect();
        let mut name_offsets = Vec::with_capacity(kept.len() + 1);
        name_offsets.push(0u32);
        name_offsets.extend(lengths.iter().scan(0u32, |end, &len| {
            *end += len;
            Some(*end)
        }));
        drop(lengths);
        // Gathers in file order → ID order are random reads: done in parallel.
        let mut records: Vec<PersonRecord> = kept
            .par_iter()
            .zip(&name_offsets[..kept.len()])
            .map(|(&i, &name_start)| {
                let i = i as usize;
                PersonRecord::new(
                    if numeric { self.numeric_ids[i] } else { 0 },
                    self.traits[i],
                    self.provinces[i],
                    name_start,
                    self.dobs[i],
                )
            })
            .collect();
        records.push(PersonRecord::new(0, 0, 0, name_offsets[kept.len()], 0));
        drop(name_offsets);
        let mut stats = self.stats;
        stats.persons = kept.len() as u64;
        stats.rejected += duplicates.len() as u64;
        stats.deceased = kept
            .iter()
            .filter(|&&i| self.traits[i as usize] & DECEASED != 0)
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
