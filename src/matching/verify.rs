//! Verification of an ID hit: is the register person the ID names this participant, and which
//! fields differ?

use crate::matching::compare::{
    compare_dates, compare_genders, compare_names_in_register, compare_provinces,
    is_written_exactly, DateLevel, GenderLevel, NameBuffers, NameIds, NameLevel, ProvinceLevel,
};
use crate::matching::reason::ReasonSet;
use crate::normalize::participant::Participant;
use crate::register::{PersonIdx, Register};

/// The comparison levels of the three identity fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub(crate) name: NameLevel,
    pub(crate) dob: DateLevel,
    pub(crate) gender: GenderLevel,
    /// Evidence only: never part of SYNCED, of "differs outright" or of the reasons.
    pub(crate) province: ProvinceLevel,
}

impl Comparison {
    /// The SYNCED rule (docs/statuses-and-reasons.md): canonical names equal, dates equal at the same precision, genders equal
    /// or both unknown.
    pub(crate) fn all_equal(&self) -> bool {
        self.name == NameLevel::Exact
            && self.dob == DateLevel::Exact
            && self.gender == GenderLevel::Equal
    }

    /// True when some field disagrees outright (not merely a close level or a missing value).
    pub(crate) fn any_differs(&self) -> bool {
        self.name == NameLevel::Differs
            || self.dob == DateLevel::Differs
            || self.gender == GenderLevel::Differs
    }

    /// One reason per field that is not equal.
    pub(crate) fn reasons(&self) -> ReasonSet {
        let mut set = ReasonSet::default();
        for reason in [self.name.reason(), self.dob.reason(), self.gender.reason()]
            .into_iter()
            .flatten()
        {
            set.insert(reason);
        }
        set
    }
}

/// Compares a participant with one register person.
pub(crate) fn compare(
    p: &Participant,
    register: &Register,
    person: PersonIdx,
    buffers: &mut NameBuffers,
) -> Comparison {
    // Most comparisons here are an ID's holder with their own record: the name as the register
    // has it is settled without looking its syllables up.
    let name = if is_written_exactly(&p.name.canonical, register, person) {
        NameLevel::Exact
    } else {
        let names = NameIds::of(&p.name, &register.syllables);
        compare_names_in_register(&p.name, &names, register, person, buffers)
    };
    Comparison {
        name,
        ..compare_record(p, register, person)
    }
}

/// The levels [`compare`] decides from the person's record alone: all but the name (`Missing`
/// here), which is in another part of memory.
pub(crate) fn compare_record(
    p: &Participant,
    register: &Register,
    person: PersonIdx,
) -> Comparison {
    Comparison {
        name: NameLevel::Missing,
        dob: compare_dates(p.dob, register.dob(person)),
        gender: compare_genders(p.gender, register.gender(person)),
        province: compare_provinces(p.province, register.place(person)),
    }
}
