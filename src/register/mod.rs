//! The register: the population database held compactly in memory, built once, then read-only.
//!
//! Contract: [`load::load`] reads the register file into a [`Register`]; rows that cannot be
//! used (no readable ID, an ID already taken) become rejects. Afterwards the register answers
//! lookups by personal ID and by old ID and gives each person's fields, and never changes, so
//! the matching threads share it without locks.
//!
//! Layout (why it is compact): one 16-byte [`PersonRecord`] per person (ID, traits, province,
//! date, where the name starts), sorted by ID, and nothing per person is a heap object. Names
//! are sequences of interned syllables (`u32` each): a national register has tens of thousands
//! of distinct syllables but a hundred million names. Dates are packed into `u32`.
//!
//! Footprint per person (the memory estimate of src/resources.rs is built from it):
//!
//! | what | bytes |
//! |---|---|
//! | record: ID, gender + deceased, province (current and former), date of birth, name start | 16 |
//! | ID table ([`ids`]: one `u64` slot per person at a load of 1/4 to 1/2; its filter, 16-32 bits) | 18-36 |
//! | name: ~3.3 syllables × 4 | ~13 |
//! | old-ID index (`(u32, u32)`, persons with an old ID; its directory ~1 more, ≤ 64 MB) | 8-9 |
//! | **register** | **~57-74** |
//! | blocking index ([`blocking`]: 6 keys × 8 for a full date, 5 for a partial one; directory ≤ 256 MB) | ~50 |
//! | **with the search's index** | **~107-124** |
//!
//! so 100 million persons take about 11.7 GB; name and date frequencies ([`frequency`]) are per
//! distinct syllable and date (kilobytes), the syllables' spellings ([`spellings`]) a few
//! entries per distinct syllable (megabytes), and the persons found by name alone
//! ([`namesakes`]) those without a date and the namesakes of searched rows without one, up to
//! the block cap a name (normally a handful). While the register is being built, its records and
//! names exist twice for a moment (in file order and sorted by ID).

pub(crate) mod blocking;
pub(crate) mod build;
pub(crate) mod frequency;
pub(crate) mod ids;
pub(crate) mod load;
pub(crate) mod namesakes;
pub(crate) mod prefetch;
pub(crate) mod spellings;

use crate::normalize::date::PartialDate;
use crate::normalize::id::{
    one_edit_apart, one_edit_apart_text, one_edit_text_variants, one_edit_variants, write_cccd,
};
use crate::normalize::{Gender, ParsedId};
use crate::province::Place;

pub(crate) use ids::PersonIdx;

/// Personal IDs, sorted ascending (the order of the persons).
#[derive(Debug)]
pub(crate) enum IdColumn {
    /// `cccd` format: 12-digit numbers, held in the persons' records.
    Numeric,
    /// `any` format: opaque strings.
    Text(Vec<Box<str>>),
}

/// A person's fixed-size fields in 16 bytes, four to a cache line.
///
/// Why one record and not an array per field: a search compares a participant with ~100
/// persons of a crowded block at 100 million, and the first pass reads the holder of every ID;
/// with one array per field each comparison would wait for five cache misses (ID, name place,
/// date, traits, province), with the record for one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(16))]
pub(crate) struct PersonRecord {
    /// Bits 0-39: the 12-digit ID (0 for an opaque one; below 10^12 < 2^40, as the ID
    /// parsers guarantee); 40-47: gender, deceased and an unclean name (`UNCLEAN_NAME`);
    /// 48-55: the province of residence (current province index + 1, 0 unknown); 56-63: its
    /// former province (index + 1, 0 for a current code).
    id_traits: u64,
    /// Where the name starts in `name_syllables`; it ends where the next person's starts.
    name_start: u32,
    /// Packed date of birth (0: none).
    dob: u32,
}

const ID_BITS: u32 = 40;

impl PersonRecord {
    fn new(
        id: u64,
        traits: u8,
        province: Option<Place>,
        name_start: u32,
        dob: u32,
    ) -> PersonRecord {
        debug_assert!(id < 1 << ID_BITS);
        // `place_of` keeps indexes below 255, so each fits in a byte with 0 for none.
        let (current, former) =
            province.map_or((0, 0), |p| (p.current + 1, p.former.map_or(0, |f| f + 1)));
        PersonRecord {
            id_traits: id
                | u64::from(traits) << ID_BITS
                | u64::from(current) << (ID_BITS + 8)
                | u64::from(former) << (ID_BITS + 16),
            name_start,
            dob,
        }
    }

    fn id(&self) -> u64 {
        self.id_traits & ((1 << ID_BITS) - 1)
    }

    fn traits(&self) -> u8 {
        (self.id_traits >> ID_BITS) as u8
    }

    fn province(&self) -> u8 {
        (self.id_traits >> (ID_BITS + 8)) as u8
    }

    fn former_province(&self) -> u8 {
        (self.id_traits >> (ID_BITS + 16)) as u8
    }
}

/// Old ID card numbers → persons, sorted by old ID.
#[derive(Debug)]
pub(crate) enum OldIdIndex {
    Numeric(Vec<(u32, PersonIdx)>),
    Text(Vec<(Box<str>, PersonIdx)>),
}

/// Interned name syllables. A syllable as written in the register (NFC, case kept) maps to its
/// canonical and folded forms, each interned too.
#[derive(Debug, Default)]
pub(crate) struct Syllables {
    pub(crate) written: Vec<Box<str>>,
    pub(crate) canonical_of: Vec<u32>,
    pub(crate) folded_of: Vec<u32>,
    /// Per written syllable: its canonical and folded forms are each one non-empty token (no
    /// spaces), so comparing names syllable by syllable is comparing their strings. False only
    /// for debris (a lone combining mark, a transliteration with spaces).
    pub(crate) clean: Vec<bool>,
    pub(crate) canonical: Vec<Box<str>>,
    pub(crate) folded: Vec<Box<str>>,
    /// Folded syllable → its index in `folded`, so a participant's syllables can be looked up.
    pub(crate) folded_index: std::collections::HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    /// Canonical syllable → its index in `canonical`.
    pub(crate) canonical_index:
        std::collections::HashMap<Box<str>, u32, foldhash::fast::FixedState>,
}

impl Syllables {
    /// The index of a folded syllable, if any register name has it.
    pub(crate) fn folded_id(&self, folded: &str) -> Option<u32> {
        self.folded_index.get(folded).copied()
    }

    /// The index of a canonical syllable, if any register name has it.
    pub(crate) fn canonical_id(&self, canonical: &str) -> Option<u32> {
        self.canonical_index.get(canonical).copied()
    }
}

const GENDER_MASK: u8 = 0b11;
const DECEASED: u8 = 0b100;
/// A syllable of the name is not [`Syllables::clean`].
const UNCLEAN_NAME: u8 = 0b1000;

/// What loading the register found.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(crate) struct RegisterStats {
    /// Data rows in the file.
    pub(crate) rows: u64,
    /// Persons held (rows less rejects).
    pub(crate) persons: u64,
    pub(crate) rejected: u64,
    /// Persons whose date of birth could not be read (held, with no date).
    pub(crate) invalid_dob: u64,
    /// Old IDs that were not 8 or 9 digits and were ignored.
    pub(crate) ignored_old_ids: u64,
    pub(crate) deceased: u64,
}

/// The register: every person's fields, compactly, with lookups by ID and old ID.
#[derive(Debug)]
pub struct Register {
    ids: IdColumn,
    /// Constant-time lookups of numeric IDs ([`ids::IdTable`]); empty for opaque IDs.
    id_table: ids::IdTable,
    old_ids: OldIdIndex,
    /// Buckets of the numeric old-ID index ([`ids::OldIdDirectory`]).
    old_directory: ids::OldIdDirectory,
    /// One per person, then one whose `name_start` ends the last name.
    records: Vec<PersonRecord>,
    name_syllables: Vec<u32>,
    pub(crate) syllables: Syllables,
    pub(crate) stats: RegisterStats,
}

impl Register {
    pub(crate) fn len(&self) -> usize {
        self.records.len() - 1
    }

    /// The person whose personal ID is `id` (a 12-digit or restored CCCD, or an opaque ID).
    pub(crate) fn find_id(&self, id: &ParsedId) -> Option<PersonIdx> {
        let found = match (&self.ids, id) {
            (IdColumn::Numeric, ParsedId::Cccd(v) | ParsedId::Restored(v)) => {
                return self.find_numeric(*v);
            }
            (IdColumn::Text(ids), ParsedId::Opaque(s)) => {
                ids.binary_search_by(|probe| (**probe).cmp(s.as_str())).ok()
            }
            _ => None,
        };
        found.map(|i| i as PersonIdx)
    }

    /// Requests the person's fixed-size fields (their [`PersonRecord`]).
    #[inline]
    pub(crate) fn prefetch_fields(&self, p: PersonIdx) {
        prefetch::prefetch(&self.records, p as usize);
    }

    /// Requests the person's name syllables: reads the record, so it is asked after
    /// [`Register::prefetch_fields`] has had time to bring that in.
    #[inline]
    pub(crate) fn prefetch_name(&self, p: PersonIdx) {
        if let Some(record) = self.records.get(p as usize) {
            prefetch::prefetch(&self.name_syllables, record.name_start as usize);
        }
    }

    /// Looking up the 12-digit `ids` and comparing with their holders reads, each a wait for
    /// memory otherwise: their table slots, then the holders' records, then their names. Each
    /// step reads what the one before requested, so they are requested in three steps (see
    /// [`prefetch`]): this is the first, the slots.
    pub(crate) fn prefetch_id_slots(&self, ids: &[u64]) {
        if let IdColumn::Numeric = &self.ids {
            ids.iter().for_each(|&id| self.id_table.prefetch_slot(id));
        }
    }

    /// The second step of [`Register::prefetch_id_slots`]: reads the slots and requests the
    /// records of the persons they name, which it returns (for [`Register::prefetch_name`]).
    pub(crate) fn prefetch_id_records(&self, ids: &[u64]) -> Vec<PersonIdx> {
        let IdColumn::Numeric = &self.ids else {
            return Vec::new();
        };
        let holders: Vec<PersonIdx> = (ids.iter())
            .filter_map(|&id| self.id_table.likely_holder(id))
            .collect();
        holders.iter().for_each(|&p| self.prefetch_fields(p));
        holders
    }

    /// The persons holding any of the 12-digit `ids`, in the order of `ids` (see
    /// [`ids::IdTable::find_each`]).
    fn find_numeric_each(&self, ids: &[u64], found: &mut Vec<PersonIdx>) {
        if let IdColumn::Numeric = &self.ids {
            self.id_table
                .find_each(|p| self.records[p].id(), ids, found);
        }
    }

    /// The persons whose ID is one substitution or one adjacent transposition from the given
    /// `id` (a 12-digit CCCD, or an opaque ID in a register of opaque IDs), in the order the
    /// variants are made; none for any other ID.
    pub(crate) fn id_neighbours(&self, id: &ParsedId) -> Vec<PersonIdx> {
        match (&self.ids, id) {
            (IdColumn::Numeric, ParsedId::Cccd(v) | ParsedId::Restored(v)) => {
                self.numeric_id_neighbours(*v)
            }
            (IdColumn::Text(ids), ParsedId::Opaque(text)) => one_edit_text_variants(text)
                .iter()
                .filter_map(|v| ids.binary_search_by(|probe| (**probe).cmp(v.as_str())).ok())
                .map(|i| i as PersonIdx)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// True when person `p`'s ID is one substitution or one adjacent transposition from the
    /// given `id` (decided on the two IDs, as [`Register::id_neighbours`] would find it).
    #[inline]
    pub(crate) fn id_one_edit_from(&self, id: &ParsedId, p: PersonIdx) -> bool {
        match (&self.ids, id) {
            (IdColumn::Numeric, ParsedId::Cccd(v) | ParsedId::Restored(v)) => {
                one_edit_apart(*v, self.records[p as usize].id())
            }
            (IdColumn::Text(ids), ParsedId::Opaque(text)) => {
                one_edit_apart_text(text, &ids[p as usize])
            }
            _ => false,
        }
    }

    /// The persons whose 12-digit ID is one substitution or one adjacent transposition from
    /// `id`, in the order [`one_edit_variants`] makes them.
    pub(crate) fn numeric_id_neighbours(&self, id: u64) -> Vec<PersonIdx> {
        let mut variants = one_edit_variants(id);
        // Nearly every variant is held by nobody, and the filters say so without touching the
        // table. The rest are looked up together (see `prefetch`).
        self.id_table.retain_may_hold(&mut variants);
        let mut found = Vec::new();
        self.find_numeric_each(&variants, &mut found);
        found
    }

    /// The persons whose old ID is `id`, in ID order (normally one; a register may hold an old
    /// number twice by mistake).
    pub(crate) fn find_old_id(&self, id: &ParsedId) -> &[(u32, PersonIdx)] {
        match (&self.old_ids, id) {
            (OldIdIndex::Numeric(index), ParsedId::Old(v) | ParsedId::OldRestored(v)) => {
                let bucket = self.old_directory.range(*v, index.len());
                let bucket = &index[bucket];
                let start = bucket.partition_point(|(old, _)| old < v);
                let end = start + bucket[start..].partition_point(|(old, _)| old == v);
                &bucket[start..end]
            }
            _ => &[],
        }
    }

    /// The persons whose old ID is the opaque `id` (`any` format).
    pub(crate) fn find_old_text(&self, id: &str) -> Vec<PersonIdx> {
        match &self.old_ids {
            OldIdIndex::Text(index) => {
                let start = index.partition_point(|(old, _)| &**old < id);
                index[start..]
                    .iter()
                    .take_while(|(old, _)| &**old == id)
                    .map(|&(_, p)| p)
                    .collect()
            }
            OldIdIndex::Numeric(_) => Vec::new(),
        }
    }

    /// The person's personal ID as printed.
    pub(crate) fn person_id(&self, p: PersonIdx) -> String {
        let mut id = String::new();
        self.write_person_id(p, &mut id);
        id
    }

    /// [`Register::person_id`], appended to `out`.
    pub(crate) fn write_person_id(&self, p: PersonIdx, out: &mut String) {
        match &self.ids {
            IdColumn::Numeric => write_cccd(self.records[p as usize].id(), out),
            IdColumn::Text(ids) => out.push_str(&ids[p as usize]),
        }
    }

    /// The person's 12-digit ID (none in a register of opaque IDs).
    #[inline]
    pub(crate) fn numeric_id(&self, p: PersonIdx) -> Option<u64> {
        match &self.ids {
            IdColumn::Numeric => Some(self.records[p as usize].id()),
            IdColumn::Text(_) => None,
        }
    }

    /// How many persons hold a 12-digit ID in `ids` (the records are sorted by ID; 0 in a
    /// register of opaque IDs).
    pub(crate) fn count_ids_in(&self, ids: std::ops::Range<u64>) -> usize {
        match &self.ids {
            IdColumn::Numeric => {
                let records = &self.records[..self.len()];
                let below = |id: u64| records.partition_point(|r| r.id() < id);
                below(ids.end) - below(ids.start)
            }
            IdColumn::Text(_) => 0,
        }
    }

    /// The person holding the 12-digit ID `id` (none in a register of opaque IDs).
    #[inline]
    pub(crate) fn find_numeric(&self, id: u64) -> Option<PersonIdx> {
        match &self.ids {
            IdColumn::Numeric if self.id_table.may_hold_prefix(id) => {
                self.id_table.find(|p| self.records[p].id(), id)
            }
            _ => None,
        }
    }

    /// The person's name syllables (indexes into `syllables.written`).
    pub(crate) fn syllable_ids(&self, p: PersonIdx) -> &[u32] {
        let p = p as usize;
        let (start, end) = (self.records[p].name_start, self.records[p + 1].name_start);
        &self.name_syllables[start as usize..end as usize]
    }

    fn join<'a>(&'a self, p: PersonIdx, out: &mut String, part: impl Fn(u32) -> &'a str) {
        out.clear();
        for &s in self.syllable_ids(p) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part(s));
        }
    }

    /// The name as the register writes it (NFC, spaces collapsed).
    pub(crate) fn written_name(&self, p: PersonIdx, out: &mut String) {
        self.join(p, out, |s| &self.syllables.written[s as usize]);
    }

    /// The canonical form of the person's name.
    pub(crate) fn canonical_name(&self, p: PersonIdx, out: &mut String) {
        self.join(p, out, |s| {
            &self.syllables.canonical[self.syllables.canonical_of[s as usize] as usize]
        });
    }

    /// The folded form of the person's name.
    pub(crate) fn folded_name(&self, p: PersonIdx, out: &mut String) {
        self.join(p, out, |s| {
            &self.syllables.folded[self.syllables.folded_of[s as usize] as usize]
        });
    }

    /// The folded syllables of the person's family and given name (first and last syllable),
    /// as in [`Register::name_parts`], without building the parts.
    pub(crate) fn family_given(&self, p: PersonIdx) -> Option<(u32, u32)> {
        let ids = self.syllable_ids(p);
        let folded = |s: &u32| self.syllables.folded_of[*s as usize];
        Some((folded(ids.first()?), folded(ids.last()?)))
    }

    pub(crate) fn dob(&self, p: PersonIdx) -> Option<PartialDate> {
        PartialDate::unpack(self.records[p as usize].dob)
    }

    pub(crate) fn gender(&self, p: PersonIdx) -> Gender {
        Gender::from_u8(self.records[p as usize].traits() & GENDER_MASK)
    }

    /// The person's province of residence (an index of the current provinces).
    pub(crate) fn province(&self, p: PersonIdx) -> Option<u8> {
        self.records[p as usize].province().checked_sub(1)
    }

    /// The person's province of residence with its former province, for comparing.
    pub(crate) fn place(&self, p: PersonIdx) -> Option<Place> {
        let record = &self.records[p as usize];
        Some(Place {
            current: record.province().checked_sub(1)?,
            former: record.former_province().checked_sub(1),
        })
    }

    pub(crate) fn is_deceased(&self, p: PersonIdx) -> bool {
        self.records[p as usize].traits() & DECEASED != 0
    }

    /// Every syllable of the person's name is [`Syllables::clean`], so a name equal to it once
    /// folded has its family and given syllables. From the record: no read of the name.
    pub(crate) fn has_clean_name(&self, p: PersonIdx) -> bool {
        self.records[p as usize].traits() & UNCLEAN_NAME == 0
    }
}
