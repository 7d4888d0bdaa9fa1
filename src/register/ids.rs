//! Looking up numeric personal IDs in constant time.
//!
//! Contract: [`IdTable::build`] takes the register's sorted 12-digit IDs and answers
//! [`IdTable::find`] (the person holding an ID) exactly as a binary search of the sorted IDs
//! would, for any register; [`IdTable::may_hold_prefix`] and [`IdTable::retain_may_hold`] drop
//! only IDs nobody holds.
//!
//! Why a table: every participant's ID is looked up once, and an ID that finds nobody has ~119
//! one-edit variants looked up for the `id_typo` search. A binary search over 100 million IDs is
//! ~27 dependent steps, most of them cache misses; the table is one probe into one cache line
//! in the usual case. Open addressing with linear probing at a load of at most 1/2; a slot is
//! `u64` = (32-bit hash tag << 32) | (person + 1), 0 empty, so a probe that meets another ID is
//! rejected by its tag without reading the ID array. 8 bytes a slot, 16-32 bytes a person.
//!
//! Two filters let the typo search skip at once most variants nobody holds, before the table is
//! touched: the 6-digit prefix set (province, century-gender, birth year: 10^6 bits, 125 KB),
//! since a substitution in the first six digits mostly makes a prefix nobody has; and one bit
//! per hash of the whole ID (16 bits a person, one in 16 of the IDs nobody holds passing), small
//! enough to stay in the caches where the table is not (2 MB at 1M persons, against 16 MB).

use rayon::prelude::*;

use crate::rng::mix64;

/// Index of a person in the register.
pub(crate) type PersonIdx = u32;

/// The register's 12-digit IDs in an open-addressing table, and their 6-digit prefixes.
#[derive(Debug, Default)]
pub struct IdTable {
    slots: Vec<u64>,
    mask: usize,
    prefixes: Vec<u64>,
    /// Bit `mix64(id) >> (64 - held_bits)` is set for every ID held.
    held: Vec<u64>,
    held_bits: u32,
}

/// Digits 1-6 of a 12-digit ID.
fn prefix6(id: u64) -> usize {
    (id / 1_000_000) as usize
}

impl IdTable {
    /// The table of `ids` (sorted, distinct: person `i` holds `ids[i]`).
    pub fn build(ids: impl ExactSizeIterator<Item = u64> + Clone) -> IdTable {
        // Why a load of at most 1/2: an ID nobody holds walks its probe chain to an empty
        // slot, ~8 slots at 3/4 but under 2 at 1/2, and the typo search looks up ~80 such IDs
        // for each ID that found nobody.
        let capacity = (ids.len() * 2).next_power_of_two().max(16);
        let mask = capacity - 1;
        let mut slots = vec![0u64; capacity];
        // Touched in parallel first: a prefetch does not fault a page in, so placing into
        // fresh pages would wait for each page fault in turn.
        slots.par_chunks_mut(1 << 18).for_each(|part| part.fill(0));
        let mut prefixes = vec![0u64; 1_000_000 / 64 + 1];
        let held_bits = (ids.len() * 16).next_power_of_two().max(64).ilog2();
        let mut held = vec![0u64; 1 << (held_bits - 6)];
        // The slot of the ID `AHEAD` places on is requested while this one is placed: each
        // placement is a read of a random slot, and waiting for each in turn would leave the
        // core idle most of the time.
        const AHEAD: usize = 16;
        let mut ahead = ids.clone().skip(AHEAD);
        let slot_of = |id: u64| mix64(id) as usize & mask;
        for (person, id) in ids.enumerate() {
            if let Some(next) = ahead.next() {
                super::prefetch::prefetch(&slots, slot_of(next));
            }
            let h = mix64(id);
            let mut at = h as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (h >> 32) << 32 | (person as u64 + 1);
            let bit = held_bit(h, held_bits);
            held[bit / 64] |= 1 << (bit % 64);
            let p = prefix6(id);
            if let Some(word) = prefixes.get_mut(p / 64) {
                *word |= 1 << (p % 64);
            }
        }
        IdTable {
            slots,
            mask,
            prefixes,
            held,
            held_bits,
        }
    }

    /// The person holding `id`; `id_of(i)` is the ID of person `i` (`ids[i]` of the array the
    /// table was built from).
    #[inline]
    pub(crate) fn find(&self, id_of: impl Fn(usize) -> u64, id: u64) -> Option<PersonIdx> {
        if self.slots.is_empty() {
            return None;
        }
        let h = mix64(id);
        let tag = h >> 32;
        let mut at = h as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let person = (slot & 0xffff_ffff) as usize - 1;
                if id_of(person) == id {
                    return Some(person as PersonIdx);
                }
            }
            at = (at + 1) & self.mask;
        }
    }

    /// The persons holding any of `probes`, in the order of `probes`: as `IdTable::find` on
    /// each, with every probe's slot requested from memory before the first is read.
    pub fn find_each(
        &self,
        id_of: impl Fn(usize) -> u64 + Copy,
        probes: &[u64],
        found: &mut Vec<PersonIdx>,
    ) {
        if self.slots.is_empty() {
            return;
        }
        for &id in probes {
            self.prefetch_slot(id);
        }
        found.extend(probes.iter().filter_map(|&id| self.find(id_of, id)));
    }

    /// Requests from memory the slot where looking up `id` starts.
    #[inline]
    pub(crate) fn prefetch_slot(&self, id: u64) {
        super::prefetch::prefetch(&self.slots, mix64(id) as usize & self.mask);
    }

    /// The person of the first slot on `id`'s probe chain whose tag is `id`'s: its holder, if
    /// anyone holds it (the caller prefetches that person's fields; [`IdTable::find`] decides).
    #[inline]
    pub(crate) fn likely_holder(&self, id: u64) -> Option<PersonIdx> {
        if self.slots.is_empty() {
            return None;
        }
        let h = mix64(id);
        let mut at = h as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == h >> 32 {
                return Some(((slot & 0xffff_ffff) - 1) as PersonIdx);
            }
            at = (at + 1) & self.mask;
        }
    }

    /// False when no ID starts with the first 6 digits of `id` (so `id` is held by nobody).
    #[inline]
    pub(crate) fn may_hold_prefix(&self, id: u64) -> bool {
        let p = prefix6(id);
        self.prefixes
            .get(p / 64)
            .is_some_and(|word| word & (1 << (p % 64)) != 0)
    }

    /// Keeps of `ids` those someone may hold: their prefix is held ([`IdTable::may_hold_prefix`])
    /// and so is their bit in the whole-ID filter; every ID held is kept, and about one in 16 of
    /// the others. The filter's words are requested from memory for all of them before the first
    /// is read (in a national register the filter, too, is larger than the caches).
    pub(crate) fn retain_may_hold(&self, ids: &mut Vec<u64>) {
        // A table not built from IDs (the default) has no prefixes, keeps none here, and so
        // never reads its empty filter.
        ids.retain(|&id| self.may_hold_prefix(id));
        let bit = |id: u64| held_bit(mix64(id), self.held_bits);
        for &id in ids.iter() {
            super::prefetch::prefetch(&self.held, bit(id) / 64);
        }
        ids.retain(|&id| {
            let bit = bit(id);
            self.held[bit / 64] & (1 << (bit % 64)) != 0
        });
    }
}

/// The whole-ID filter's bit for an ID whose hash is `hash`, in a filter of `2^bits` bits
/// (`bits` is at least 6: one word).
fn held_bit(hash: u64, bits: u32) -> usize {
    (hash >> (64 - bits)) as usize
}

/// Where each old ID (a number below 10^9) may be in the sorted old-ID index: a bucket of a
/// few entries, found in one read. Why: the first pass looks up every 9-digit ID given, and a
/// binary search over tens of millions of entries is ~25 dependent steps, most of them misses.
#[derive(Debug, Default)]
pub(crate) struct OldIdDirectory {
    /// `starts[b]` is the first entry whose bucket is `b` or more.
    starts: Vec<u32>,
    bits: u32,
}

const OLD_ID_RANGE: u64 = 1_000_000_000;

impl OldIdDirectory {
    /// The directory of the sorted old IDs `values` (about 4 entries a bucket).
    pub(crate) fn build(values: impl ExactSizeIterator<Item = u32>) -> OldIdDirectory {
        let bits = (values.len() / 4).max(2).ilog2().clamp(1, 24);
        let mut directory = OldIdDirectory {
            starts: Vec::with_capacity((1 << bits) + 1),
            bits,
        };
        for (i, value) in values.enumerate() {
            let bucket = directory.bucket(value);
            while directory.starts.len() <= bucket {
                directory.starts.push(i as u32);
            }
        }
        directory
    }

    fn bucket(&self, value: u32) -> usize {
        ((u64::from(value).min(OLD_ID_RANGE - 1) << self.bits) / OLD_ID_RANGE) as usize
    }

    /// The entries (of an index of `len`) that can hold `value`.
    pub(crate) fn range(&self, value: u32, len: usize) -> std::ops::Range<usize> {
        let b = self.bucket(value);
        let start = self.starts.get(b).map_or(len, |&s| s as usize);
        let end = self.starts.get(b + 1).map_or(len, |&s| s as usize);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_id_directory_narrows_to_the_entries_a_binary_search_finds() {
        let mut rng = crate::rng::Rng::new(3);
        for n in [0usize, 1, 5, 1000, 20_000] {
            let mut values: Vec<u32> = (0..n)
                .map(|i| match i % 3 {
                    // Clustered (a province's numbers), spread, and repeated values.
                    0 => 25_000_000 + rng.below(50_000) as u32,
                    1 => rng.below(OLD_ID_RANGE) as u32,
                    _ => 123_456_789,
                })
                .collect();
            values.sort_unstable();
            let directory = OldIdDirectory::build(values.iter().copied());
            let probes = values
                .iter()
                .copied()
                .chain((0..500).map(|_| rng.below(OLD_ID_RANGE) as u32))
                .chain([0, 999_999_999, u32::MAX]);
            for probe in probes {
                let range = directory.range(probe, values.len());
                let bucket = &values[range.clone()];
                let lo = range.start + bucket.partition_point(|&v| v < probe);
                let hi = range.start + bucket.partition_point(|&v| v <= probe);
                let expected =
                    values.partition_point(|&v| v < probe)..values.partition_point(|&v| v <= probe);
                assert_eq!(lo..hi, expected, "{probe} in {n}");
            }
        }
    }

    #[test]
    fn finds_exactly_what_a_binary_search_finds() {
        let mut ids: Vec<u64> = (0..5000u64)
            .map(|i| mix64(i) % 1_000_000_000_000)
            .chain([0, 1, 999_999_999_999, 1_190_000_001])
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let table = IdTable::build(ids.iter().copied());
        for probe in ids
            .iter()
            .flat_map(|&id| [id, id + 1, id.saturating_sub(1), id ^ 0x10])
            .chain((0..5000u64).map(|i| mix64(i ^ 0xabc) % 1_000_000_000_000))
        {
            let expected = ids.binary_search(&probe).ok().map(|i| i as PersonIdx);
            assert_eq!(table.find(|i| ids[i], probe), expected, "{probe}");
            let mut each = Vec::new();
            table.find_each(|i| ids[i], &[probe, probe], &mut each);
            let twice: Vec<PersonIdx> = [expected, expected].into_iter().flatten().collect();
            assert_eq!(each, twice, "{probe}");
            if expected.is_some() {
                assert!(table.may_hold_prefix(probe));
                let mut kept = vec![probe];
                table.retain_may_hold(&mut kept);
                assert_eq!(kept, [probe]);
            }
        }
        assert!(
            !table.may_hold_prefix(555_555_000_000) || ids.iter().any(|&i| prefix6(i) == 555_555)
        );
        // The filters keep every ID held and about one in 16 of the others, not all of them:
        // here, IDs a digit away from held ones, whose prefixes are held.
        let unheld: Vec<u64> = (ids.iter().map(|&id| id ^ 1))
            .filter(|probe| ids.binary_search(probe).is_err())
            .collect();
        let mut kept = unheld.clone();
        table.retain_may_hold(&mut kept);
        assert!(
            kept.len() * 8 < unheld.len(),
            "{} of {}",
            kept.len(),
            unheld.len()
        );
        let mut all = ids.clone();
        table.retain_may_hold(&mut all);
        assert_eq!(all, ids);
        // A register of opaque IDs holds a default table: it keeps no 12-digit ID.
        let mut opaque = ids.clone();
        IdTable::default().retain_may_hold(&mut opaque);
        assert!(opaque.is_empty());
        assert_eq!(
            IdTable::build(std::iter::empty()).find(|_| unreachable!(), 5),
            None
        );
    }
}
