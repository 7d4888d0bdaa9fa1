//! Participants: who each insurance code belongs to, and the record as the insurance database
//! holds it, with its errors.
//!
//! Like persons, participant `k` is a pure function of `(seed, k)`, so blocks of participants
//! can be generated in any order on any thread:
//! - codes are paired up by a keyed permutation (positions `2t` and `2t + 1`); a pair drawn as a
//!   duplicate is one register person under two codes, and both codes know it;
//! - any other code is absent from the register with the `not_in_register` rate, or else owns
//!   the register person `σ(k mod N)` for a keyed permutation `σ`: distinct codes, distinct
//!   persons, until there are more participants than register persons (then the codes that
//!   share a person are tagged `duplicate_person` too).

use super::noise::{self, Dob, NoiseProfile};
use super::permutation::Permutation;
use super::person::{gender_str, stream, Demography, Person, Universe, NOW};
use super::spelling;
use super::tags::{Tag, TagSet};
use crate::rng::{key, Rng};

/// Insurance codes have ten digits.
const CODES: u64 = 10_000_000_000;

/// Who a participant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Not in the register: absent person `k`.
    Absent,
    /// Register person `index`; `duplicate` when another code belongs to the same person.
    Registered { index: u64, duplicate: bool },
}

/// The assignment of participants to persons.
#[derive(Debug)]
pub(crate) struct Roles {
    seed: u64,
    m: u64,
    n: u64,
    pairs: Permutation,
    slots: Permutation,
    duplicate_rate: f64,
    absent_rate: f64,
}

fn unit(key: u64) -> f64 {
    (key >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl Roles {
    pub(crate) fn new(seed: u64, m: u64, n: u64, profile: &NoiseProfile) -> Roles {
        Roles {
            seed,
            m,
            n,
            pairs: Permutation::new(m, key(&[seed, stream::PAIRS])),
            slots: Permutation::new(n, key(&[seed, stream::SLOTS])),
            duplicate_rate: profile.duplicate_person,
            absent_rate: profile.not_in_register,
        }
    }

    /// The partner of a participant in a duplicate pair, and whether this one is the primary.
    fn duplicate_pair(&self, k: u64) -> Option<(u64, bool)> {
        if self.n == 0 || self.m < 2 {
            return None;
        }
        let pos = self.pairs.apply(k);
        let partner = pos ^ 1;
        if partner >= self.m
            || unit(key(&[self.seed, stream::DUPLICATE, pos >> 1])) >= self.duplicate_rate
        {
            return None;
        }
        Some((self.pairs.invert(partner), pos & 1 == 0))
    }

    fn absent(&self, k: u64) -> bool {
        self.n == 0 || unit(key(&[self.seed, stream::ABSENT_ROLE, k])) < self.absent_rate
    }

    /// True when participant `k` is the one that links register person `σ(k mod N)`.
    fn owns_slot(&self, k: u64) -> bool {
        match self.duplicate_pair(k) {
            Some((_, primary)) => primary,
            None => !self.absent(k),
        }
    }

    fn slot_person(&self, k: u64) -> u64 {
        self.slots.apply(k % self.n)
    }

    pub(crate) fn role(&self, k: u64) -> Role {
        if let Some((partner, primary)) = self.duplicate_pair(k) {
            let owner = if primary { k } else { partner };
            return Role::Registered {
                index: self.slot_person(owner),
                duplicate: true,
            };
        }
        if self.absent(k) {
            return Role::Absent;
        }
        // More participants than persons: codes k, k + N, k + 2N… share one person.
        let mut shared = false;
        if self.m > self.n {
            let mut j = k % self.n;
            while j < self.m {
                if j != k && self.owns_slot(j) {
                    shared = true;
                    break;
                }
                j += self.n;
            }
        }
        Role::Registered {
            index: self.slot_person(k),
            duplicate: shared,
        }
    }
}

/// Everything needed to generate participant rows.
#[derive(Debug)]
pub(crate) struct Participants<'a> {
    pub(crate) demography: &'a Demography,
    pub(crate) register: &'a Universe,
    pub(crate) absent: &'a Universe,
    pub(crate) profile: &'a NoiseProfile,
    pub(crate) roles: Roles,
    codes: Permutation,
}

/// One participant row and its truth, in reused buffers.
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub(crate) insurance_code: String,
    pub(crate) full_name: String,
    pub(crate) dob: String,
    pub(crate) gender: &'static str,
    pub(crate) person_id: String,
    pub(crate) province_code: String,
    pub(crate) scheme: &'static str,
    pub(crate) true_person_id: String,
    pub(crate) tags: TagSet,
}

#[cfg(test)]
pub(crate) const SCHEMES: [&str; 4] = ["compulsory", "voluntary", "health", "unemployment"];

impl<'a> Participants<'a> {
    pub(crate) fn new(
        demography: &'a Demography,
        register: &'a Universe,
        absent: &'a Universe,
        profile: &'a NoiseProfile,
        m: u64,
    ) -> Participants<'a> {
        Participants {
            demography,
            register,
            absent,
            profile,
            roles: Roles::new(demography.seed, m, register.n, profile),
            codes: Permutation::new(CODES, key(&[demography.seed, stream::CODES])),
        }
    }

    /// Generates participant `k` into `row`.
    pub(crate) fn generate(&self, k: u64, row: &mut Row) {
        let demography = self.demography;
        let profile = self.profile;
        let mut rng = Rng::new(key(&[demography.seed, stream::PARTICIPANT, k]));
        row.tags = TagSet::default();
        row.insurance_code.clear();
        push_padded(&mut row.insurance_code, self.codes.apply(k), 10);

        let role = self.roles.role(k);
        let person = match role {
            Role::Absent => Person::generate(demography, self.absent, k),
            Role::Registered { index, .. } => Person::generate(demography, self.register, index),
        };
        let dob = Dob {
            year: person.year,
            month: person.month,
            day: person.day,
        };

        // The managing province: mostly where the person lives; written as a former code,
        // sometimes as the current province's code, a few times not at all.
        let managing = if rng.chance(0.9) {
            person.residence
        } else {
            demography.sample_province(&mut rng)
        };
        row.province_code.clear();
        match rng.below(100) {
            0..=84 => row
                .province_code
                .push_str(&demography.provinces[managing].former),
            85..=96 => row
                .province_code
                .push_str(&demography.provinces[managing].current),
            _ => {}
        }
        let age = NOW.saturating_sub(person.year);
        row.scheme = match (age, rng.below(100)) {
            (0..=17, _) => "health",
            (18..=60, 0..=49) | (61.., 0..=19) => "compulsory",
            (18..=60, 50..=59) | (61.., 20..=29) => "voluntary",
            (18..=60, 60..=69) => "unemployment",
            _ => "health",
        };

        row.person_id.clear();
        push_padded(&mut row.person_id, person.id, 12);
        row.gender = person.gender_str();
        dob.write(&mut row.dob);
        person.write_name(&mut row.full_name);

        let Role::Registered { duplicate, .. } = role else {
            row.tags.insert(Tag::NotInRegister);
            row.true_person_id.clear();
            if rng.chance(profile.id_missing) {
                row.tags.insert(Tag::IdMissing);
                row.person_id.clear();
            }
            return;
        };
        row.true_person_id.clone_from(&row.person_id);
        if duplicate {
            row.tags.insert(Tag::DuplicatePerson);
        }
        self.inject_id_error(&person, &mut rng, row);
        self.inject_name_errors(&person, &mut rng, row);
        if let Some(tag) =
            profile.choose(&mut rng, noise::DOB_ERRORS, |t| noise::dob_applies(t, dob))
        {
            let mut written = String::new();
            if noise::dob_error(tag, dob, &mut rng, &mut written) {
                row.dob = written;
                row.tags.insert(tag);
            }
        }
        if profile
            .choose(&mut rng, noise::GENDER_ERRORS, |_| true)
            .is_some()
        {
            row.gender = gender_str(!person.female);
            row.tags.insert(Tag::GenderFlipped);
        }
    }

    fn inject_id_error(&self, person: &Person, rng: &mut Rng, row: &mut Row) {
        let id = row.person_id.clone();
        let applies = |tag| match tag {
            Tag::IdZerosLost => id.starts_with('0'),
            Tag::OldId => person.old_id.is_some(),
            Tag::IdOtherPerson => self.register.n >= 2,
            _ => true,
        };
        let Some(tag) = self.profile.choose(rng, noise::ID_ERRORS, applies) else {
            return;
        };
        let given = match tag {
            Tag::IdMissing => Some(String::new()),
            Tag::IdTypoSub => Some(noise::id_substitution(&id, rng)),
            Tag::IdTypoTranspose => noise::id_transposition(&id, rng),
            Tag::IdZerosLost => noise::id_without_leading_zeros(&id),
            Tag::OldId => person.old_id.map(|old| {
                let mut s = String::new();
                push_padded(&mut s, old as u64, 9);
                s
            }),
            Tag::IdOtherPerson => {
                let other = Person::generate(
                    self.demography,
                    self.register,
                    self.relative_of(person.index, rng),
                );
                let mut s = String::new();
                push_padded(&mut s, other.id, 12);
                Some(s)
            }
            _ => None,
        };
        if let Some(given) = given {
            row.person_id = given;
            row.tags.insert(tag);
        }
    }

    /// Another register person, from the same household (same family name) when there is one.
    fn relative_of(&self, index: u64, rng: &mut Rng) -> u64 {
        let n = self.register.n;
        let household: Vec<u64> = self.register.relatives(index).collect();
        if !household.is_empty() {
            return *rng.pick(&household);
        }
        let other = rng.below(n - 1);
        if other >= index {
            other + 1
        } else {
            other
        }
    }

    fn inject_name_errors(&self, person: &Person, rng: &mut Rng, row: &mut Row) {
        let parts = person.name_parts();
        let middles = person.middle_count as usize;
        let content = self
            .profile
            .choose(rng, noise::NAME_CONTENT_ERRORS, |tag| match tag {
                Tag::NameNoDiacritics => !row.full_name.is_ascii(),
                Tag::NameWrongAccent => spelling::has_tone(&row.full_name),
                Tag::NameMissingMiddle => middles > 0,
                Tag::NameOrder => parts.len() >= 2,
                _ => true,
            });
        let mut content_applied = None;
        if let Some(tag) = content {
            let parts: Vec<&str> = parts.iter().collect();
            if let Some(name) = noise::name_content(tag, &parts, middles, rng) {
                row.full_name = name;
                row.tags.insert(tag);
                content_applied = Some(tag);
            }
        }
        let name = &row.full_name;
        let form = self.profile.choose(rng, noise::NAME_FORM_ERRORS, |tag| {
            match (tag, content_applied) {
                // The name as registered: known from the name tables, without looking at letters.
                (Tag::NameTonePlacement, None) => person.has_two_placements(),
                _ => noise::name_form_applies(tag, name, content_applied),
            }
        });
        if let Some(tag) = form {
            if let Some(name) = noise::name_form(tag, &row.full_name, rng) {
                row.full_name = name;
                row.tags.insert(tag);
            }
        }
    }
}

/// Appends `value` zero-padded to `width` digits.
pub(crate) fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut v = value;
    let mut i = digits.len();
    while v > 0 {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = (digits.len() - width).min(i);
    out.push_str(std::str::from_utf8(&digits[start..]).expect("digits"));
}

/// The register row of a person, in reused buffers.
#[derive(Debug, Default)]
pub(crate) struct RegisterRow {
    pub(crate) person_id: String,
    pub(crate) old_id: String,
    pub(crate) full_name: String,
    pub(crate) dob: String,
}

impl RegisterRow {
    pub(crate) fn fill(&mut self, person: &Person) {
        self.person_id.clear();
        push_padded(&mut self.person_id, person.id, 12);
        self.old_id.clear();
        if let Some(old) = person.old_id {
            push_padded(&mut self.old_id, old as u64, 9);
        }
        person.write_name(&mut self.full_name);
        Dob {
            year: person.year,
            month: person.month,
            day: person.day,
        }
        .write(&mut self.dob);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding() {
        let mut s = String::new();
        push_padded(&mut s, 1_090_012_345, 12);
        assert_eq!(s, "001090012345");
        s.clear();
        push_padded(&mut s, 0, 3);
        assert_eq!(s, "000");
        s.clear();
        push_padded(&mut s, 12345, 3);
        assert_eq!(s, "12345");
    }

    #[test]
    fn roles_pair_duplicates_and_keep_persons_distinct() {
        let profile = NoiseProfile {
            duplicate_person: 0.1,
            not_in_register: 0.1,
            ..NoiseProfile::default()
        };
        let (m, n) = (5_000u64, 6_000u64);
        let roles = Roles::new(7, m, n, &profile);
        let mut users: std::collections::HashMap<u64, Vec<u64>> = Default::default();
        let mut absent = 0;
        for k in 0..m {
            match roles.role(k) {
                Role::Absent => absent += 1,
                Role::Registered { index, .. } => users.entry(index).or_default().push(k),
            }
        }
        assert!((300..700).contains(&absent), "{absent}");
        for k in 0..m {
            if let Role::Registered { index, duplicate } = roles.role(k) {
                assert_eq!(duplicate, users[&index].len() > 1, "participant {k}");
            }
        }
        // More participants than persons: the shared ones are flagged too.
        let roles = Roles::new(7, 300, 100, &profile);
        let mut users: std::collections::HashMap<u64, u32> = Default::default();
        for k in 0..300 {
            if let Role::Registered { index, .. } = roles.role(k) {
                *users.entry(index).or_default() += 1;
            }
        }
        for k in 0..300 {
            if let Role::Registered { index, duplicate } = roles.role(k) {
                assert_eq!(duplicate, users[&index] > 1, "participant {k}");
            }
        }
    }
}
