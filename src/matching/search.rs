//! Candidate search (SPEC section 3, step 3): for a participant with no usable ID hit, find the
//! register persons that agree on enough of name, date of birth and gender, and score them.
//!
//! Candidates come from the blocking index ([`crate::register::blocking`]) asked with variants of
//! the participant's own values (day and month swapped, the year ±1, the name order reversed),
//! and from the register IDs one substitution or one adjacent transposition away from a 12-digit
//! ID that found nobody or someone else. Every candidate is scored with the estimated weights;
//! the best few are returned, best first, ties broken by register order so that the result never
//! depends on the thread count.

use super::compare::{DateLevel, NameLevel};
use super::verify::{compare, Comparison};
use super::weights::FieldScores;
use super::{Model, Participant, Scratch};
use crate::normalize::date::{PartialDate, Precision};
use crate::normalize::name::tokens;
use crate::normalize::ParsedId;
use crate::register::blocking::{key_of, NameParts, ALL_KEYS, UNKNOWN_SYLLABLE};
use crate::register::PersonIdx;

/// How many candidates are kept per participant (the best is decided on, the rest are listed
/// for AMBIGUOUS rows).
pub const KEEP: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub person: PersonIdx,
    pub comparison: Comparison,
    pub scores: FieldScores,
    pub id_typo: bool,
}

impl Candidate {
    pub fn score(&self) -> f64 {
        self.scores.total()
    }
}

/// What a search found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Found {
    /// Best first.
    pub candidates: Vec<Candidate>,
    /// Blocks skipped because they held more persons than the cap.
    pub capped_blocks: u32,
}

/// The participant's folded name parts, in the register's syllable indexes.
fn participant_parts(p: &Participant, model: &Model<'_>) -> Option<(NameParts, Vec<String>)> {
    let texts: Vec<String> = tokens(&p.name.folded).map(String::from).collect();
    let ids: Vec<u32> = texts
        .iter()
        .map(|t| {
            model
                .register
                .syllables
                .folded_id(t)
                .unwrap_or(UNKNOWN_SYLLABLE)
        })
        .collect();
    let parts = NameParts::new(&ids, |i| texts[i].as_str())?;
    Some((parts, texts))
}

/// The dates to ask with: the date as given, then the usual ways it is mistyped.
fn date_variants(d: PartialDate) -> Vec<PartialDate> {
    let mut out = vec![d];
    if d.precision() == Precision::Day {
        let (day, month) = (d.day().unwrap_or(0), d.month().unwrap_or(0));
        if day != month {
            out.extend(PartialDate::new(d.year(), day, month));
        }
    }
    for year in [d.year().wrapping_sub(1), d.year() + 1] {
        out.extend(PartialDate::new(
            year,
            d.month().unwrap_or(0),
            d.day().unwrap_or(0),
        ));
    }
    out
}

/// Register persons whose ID is one substitution or one adjacent transposition from `id`.
fn id_neighbours(id: u64, model: &Model<'_>) -> Vec<PersonIdx> {
    match model.register.numeric_ids() {
        Some(ids) => id_neighbour_ids(id, ids),
        None => Vec::new(),
    }
}

/// Indexes into the sorted `ids` of the IDs one substitution or one adjacent transposition
/// from `id`.
pub fn id_neighbour_ids(id: u64, ids: &[u64]) -> Vec<PersonIdx> {
    let digits: Vec<u8> = format!("{id:012}").into_bytes();
    let mut variants: Vec<u64> = Vec::with_capacity(12 * 9 + 11);
    let value = |d: &[u8]| d.iter().fold(0u64, |v, &b| v * 10 + (b - b'0') as u64);
    let mut d = digits.clone();
    for i in 0..12 {
        for b in b'0'..=b'9' {
            if b != digits[i] {
                d[i] = b;
                variants.push(value(&d));
            }
        }
        d[i] = digits[i];
    }
    for i in 0..11 {
        if digits[i] != digits[i + 1] {
            d.swap(i, i + 1);
            variants.push(value(&d));
            d.swap(i, i + 1);
        }
    }
    variants
        .iter()
        .filter_map(|v| ids.binary_search(v).ok().map(|i| i as PersonIdx))
        .collect()
}

/// Finds and scores the candidates for a participant. `exclude` is a person already known not
/// to be this participant (the holder of the participant's ID, when that is someone else).
pub fn search(
    p: &Participant,
    model: &Model<'_>,
    exclude: Option<PersonIdx>,
    scratch: &mut Scratch,
) -> Found {
    let mut found = Found::default();
    let mut persons: Vec<(PersonIdx, bool)> = Vec::new();

    if let (Some((parts, texts)), Some(dob)) = (participant_parts(p, model), p.dob.known()) {
        let mut names = vec![parts];
        if texts.len() >= 2 && parts.family != parts.given {
            names.push(parts.reversed(&texts[0]));
        }
        let mut keys: Vec<u32> = Vec::new();
        for name in &names {
            for date in date_variants(dob) {
                for kind in ALL_KEYS {
                    keys.extend(key_of(kind, name, date, p.gender));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let block = model.index.block(key);
            if block.len() > model.thresholds.block_cap {
                found.capped_blocks += 1;
                continue;
            }
            persons.extend(block.map(|person| (person, false)));
        }
    }
    if let ParsedId::Cccd(id) | ParsedId::Restored(id) = p.id {
        persons.extend(
            id_neighbours(id, model)
                .into_iter()
                .map(|person| (person, true)),
        );
    }
    // A person reached both ways keeps the ID-typo evidence.
    persons.sort_unstable_by_key(|&(person, typo)| (person, !typo));
    persons.dedup_by_key(|&mut (person, _)| person);

    let mut candidates: Vec<Candidate> = persons
        .into_iter()
        .filter(|&(person, _)| Some(person) != exclude)
        .map(|(person, id_typo)| {
            let comparison = compare(p, model.register, person, scratch);
            let mut scores = model.weights.score(
                &comparison,
                model.register,
                person,
                model.frequencies,
                id_typo,
            );
            scores.linked = model.linked.map_or(0.0, |l| l.weight(person));
            Candidate {
                person,
                comparison,
                scores,
                id_typo,
            }
        })
        // A candidate that agrees on nothing is no candidate (hash collisions, crowded blocks).
        .filter(|c| {
            c.id_typo
                || c.comparison.name != NameLevel::Differs
                || c.comparison.dob == DateLevel::Exact
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.score()
            .total_cmp(&a.score())
            .then(a.person.cmp(&b.person))
    });
    candidates.truncate(KEEP);
    found.candidates = candidates;
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_variants_cover_swaps_and_neighbouring_years() {
        let d = PartialDate::new(1990, 3, 12).unwrap();
        let v = date_variants(d);
        assert!(v.contains(&d));
        assert!(v.contains(&PartialDate::new(1990, 12, 3).unwrap()));
        assert!(v.contains(&PartialDate::new(1989, 3, 12).unwrap()));
        assert!(v.contains(&PartialDate::new(1991, 3, 12).unwrap()));
        // 25 is no month: no swap.
        assert_eq!(
            date_variants(PartialDate::new(1990, 3, 25).unwrap()).len(),
            3
        );
    }
}
