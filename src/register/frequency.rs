//! How common each family name, given name and date of birth is in the register: the `u`
//! side of the name- and date-frequency adjustment (agreeing on "Nguyễn" says far less than
//! agreeing on "Quách", and agreeing on 1 January of a year that year-only records pile onto
//! says less than agreeing on 17 March).

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::{PersonIdx, Register};

#[derive(Debug, Default)]
pub(crate) struct Frequencies {
    persons: u64,
    /// Persons per folded syllable, as family name (first syllable).
    family: Vec<u32>,
    /// Persons per folded syllable, as given name (last syllable).
    given: Vec<u32>,
    /// Persons per packed date of birth. foldhash, not SipHash: this is looked up for every
    /// scored candidate whose date agrees (only lookups: the hasher changes no result).
    dob: HashMap<u32, u32, FixedState>,
    /// [`Frequencies::mean_name_share`], summed once the names are counted.
    mean_name_share: f64,
}

impl Frequencies {
    pub(crate) fn count(register: &Register) -> Frequencies {
        let syllables = register.syllables.folded.len();
        let mut f = Frequencies {
            persons: register.len() as u64,
            family: vec![0; syllables],
            given: vec![0; syllables],
            dob: HashMap::default(),
            mean_name_share: 0.0,
        };
        for p in 0..register.len() as PersonIdx {
            if let Some((family, given)) = register.family_given(p) {
                f.family[family as usize] += 1;
                f.given[given as usize] += 1;
            }
            if let Some(d) = register.dob(p) {
                *f.dob.entry(d.pack()).or_default() += 1;
            }
        }
        let squares = |counts: &[u32]| -> f64 {
            (counts.iter().filter(|&&c| c > 0))
                .map(|&c| f.share(c).powi(2))
                .sum()
        };
        f.mean_name_share = squares(&f.family) * squares(&f.given);
        f
    }

    fn share(&self, count: u32) -> f64 {
        // Never below one person: a name or date no one else has is as rare as can be counted.
        (count.max(1) as f64) / (self.persons.max(1) as f64)
    }

    /// The chance that a random register person has this family and given name.
    pub(crate) fn name_share(&self, family: u32, given: u32) -> f64 {
        let count = |v: &Vec<u32>, i: u32| v.get(i as usize).copied().unwrap_or(0);
        self.share(count(&self.family, family)) * self.share(count(&self.given, given))
    }

    /// The chance that two random register persons have the same family and given name, under
    /// the independence [`Frequencies::name_share`] assumes: the average of `name_share` over
    /// the register's persons.
    pub(crate) fn mean_name_share(&self) -> f64 {
        self.mean_name_share
    }

    /// The chance that a random register person was born on this (packed) date.
    pub(crate) fn dob_share(&self, packed: u32) -> f64 {
        self.share(self.dob.get(&packed).copied().unwrap_or(0))
    }
}
