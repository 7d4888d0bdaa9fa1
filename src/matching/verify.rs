//! Verification of an ID hit: is the register person the ID names this participant, and which
//! fields differ?

use super::compare::{
    compare_dates, compare_genders, compare_names, DateLevel, GenderLevel, NameLevel,
};
use super::{Participant, ReasonSet, Scratch};
use crate::register::{PersonIdx, Register};

/// The comparison levels of the three identity fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comparison {
    pub name: NameLevel,
    pub dob: DateLevel,
    pub gender: GenderLevel,
}

impl Comparison {
    /// SPEC section 2: canonical names equal, dates equal at the same precision, genders equal
    /// or both unknown.
    pub fn all_equal(&self) -> bool {
        self.name == NameLevel::Exact
            && self.dob == DateLevel::Exact
            && self.gender == GenderLevel::Equal
    }

    /// One reason per field that is not equal.
    pub fn reasons(&self) -> ReasonSet {
        let mut set = ReasonSet::default();
        for reason in [self.name.reason(), self.dob.reason(), self.gender.reason()]
            .into_iter()
            .flatten()
        {
            set.insert(reason);
        }
        set
    }

    /// Whether the fields say the ID's holder is this participant, with recording errors, or
    /// clearly someone else (a relative's ID, a typo that hit another person).
    ///
    /// A name that agrees (even only closely) makes the same person unless both the date of
    /// birth and the gender contradict it. A name that does not agree at all is accepted only
    /// when the date of birth is exact and the gender does not contradict: IDs are given far
    /// more often than names are changed, but a relative's ID with a different date is the most
    /// common way an ID names the wrong person.
    pub fn same_person(&self) -> bool {
        let dob_contradicts = self.dob == DateLevel::Differs;
        let gender_contradicts = self.gender == GenderLevel::Differs;
        match self.name {
            NameLevel::Exact | NameLevel::Diacritics | NameLevel::Order | NameLevel::Middle => {
                !(dob_contradicts && gender_contradicts)
            }
            // Lan / Lam born years apart are sisters, not a typo.
            NameLevel::Typo => !dob_contradicts,
            NameLevel::Differs | NameLevel::Missing => {
                self.dob == DateLevel::Exact && !gender_contradicts
            }
        }
    }
}

/// Compares a participant with one register person.
pub fn compare(
    p: &Participant,
    register: &Register,
    person: PersonIdx,
    scratch: &mut Scratch,
) -> Comparison {
    register.canonical_name(person, &mut scratch.canonical);
    register.folded_name(person, &mut scratch.folded);
    Comparison {
        name: compare_names(&p.name, &scratch.canonical, &scratch.folded),
        dob: compare_dates(p.dob, register.dob(person)),
        gender: compare_genders(p.gender, register.gender(person)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: NameLevel, dob: DateLevel, gender: GenderLevel) -> Comparison {
        Comparison { name, dob, gender }
    }

    #[test]
    fn same_person_rules() {
        use DateLevel as D;
        use GenderLevel as G;
        use NameLevel as N;
        assert!(c(N::Exact, D::Exact, G::Equal).same_person());
        assert!(c(N::Diacritics, D::YearOff, G::Missing).same_person());
        assert!(c(N::Exact, D::Differs, G::Equal).same_person());
        assert!(!c(N::Exact, D::Differs, G::Differs).same_person());
        assert!(
            !c(N::Typo, D::Differs, G::Equal).same_person(),
            "a sibling: Lan / Lam, other date"
        );
        assert!(c(N::Middle, D::Partial, G::Equal).same_person());
        assert!(
            !c(N::Differs, D::Differs, G::Equal).same_person(),
            "a relative's ID"
        );
        assert!(!c(N::Differs, D::YearOff, G::Equal).same_person());
        assert!(c(N::Differs, D::Exact, G::Equal).same_person());
        assert!(!c(N::Differs, D::Exact, G::Differs).same_person());
        assert!(!c(N::Missing, D::Invalid, G::Missing).same_person());
    }
}
