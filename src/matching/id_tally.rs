//! The counts the ID evidence is estimated from ([`IdTally`]): for rows the ID path links, whether
//! their person is on the row's day; for rows it leaves to the search, whether anyone is, beyond
//! chance (see [`crate::matching::id_evidence`] for the model these counts feed).

use rayon::prelude::*;

use crate::matching::compare::{
    compare_genders, compare_provinces, FoldedName, GenderLevel, ProvinceLevel,
};
use crate::matching::id_evidence::{IdPattern, IdTally, FIXED};
use crate::matching::model::Model;
use crate::matching::outcome::ByIdOutcome;
use crate::normalize::date::{PartialDate, Precision};
use crate::normalize::participant::Participant;
use crate::register::blocking::{key_of, KeyKind};
use crate::register::PersonIdx;

impl IdTally {
    /// The counts of one row of the weights' sample, from what the ID path made of it
    /// (`by_id`, before any reviewer's decision: the counts are of the ID path's own links).
    pub(crate) fn of_row(p: &Participant, by_id: &ByIdOutcome, model: &Model<'_>) -> IdTally {
        let Some(day) = RowDay::of(p, model) else {
            return IdTally::default();
        };
        match by_id {
            ByIdOutcome::Linked(outcome) => IdTally {
                linked: 1,
                linked_on_day: u64::from(outcome.person.is_some_and(|h| day.on(h, day.dob))),
                ..IdTally::default()
            },
            ByIdOutcome::Search(pending) => day.tally_searched(pending.other.map(|o| o.0)),
        }
    }

    /// Counts rows the ID path already left to the search, each with the person its ID names
    /// (if any): what [`IdTally::of_row`] counts for such a row, from what the ID path found.
    pub(crate) fn of_searched(
        rows: impl ParallelIterator<Item = (Participant, Option<PersonIdx>)>,
        model: &Model<'_>,
    ) -> IdTally {
        rows.map(|(p, named)| {
            RowDay::of(&p, model).map_or_else(IdTally::default, |day| day.tally_searched(named))
        })
        .reduce(IdTally::default, IdTally::merge)
    }
}

/// The control day of a full date: 14 days away in the same month (always a real date, and
/// always two digits from the day, so never a one-digit typo of it).
fn control_day(date: PartialDate) -> Option<PartialDate> {
    let day = date.day()?;
    let control = if day <= 14 { day + 14 } else { day - 14 };
    PartialDate::new(date.year(), date.month()?, control)
}

/// A row with a full date and a name, and its control day.
struct RowDay<'a> {
    p: &'a Participant,
    model: &'a Model<'a>,
    name: FoldedName,
    dob: PartialDate,
    control: PartialDate,
}

impl<'a> RowDay<'a> {
    fn of(p: &'a Participant, model: &'a Model<'a>) -> Option<RowDay<'a>> {
        let dob = p.dob.known().filter(|d| d.precision() == Precision::Day)?;
        Some(RowDay {
            p,
            model,
            name: FoldedName::of(&p.name, &model.register.syllables)?,
            dob,
            control: control_day(dob)?,
        })
    }

    /// Whether `person` is on `day` for this row: born on it, with the row's whole folded
    /// name, not only the family and given names the block is keyed on (relatives share a
    /// family name, and a middle name tells them apart), and no gender or province that
    /// differs. Why so strict: the fewer namesakes agree by chance, the less the estimate's
    /// noise, which grows with them (in a national register a common name has several bearers
    /// born on any one day, nearly all living elsewhere).
    fn on(&self, person: PersonIdx, day: PartialDate) -> bool {
        let register = self.model.register;
        let folded_of = &register.syllables.folded_of;
        let held = register.syllable_ids(person);
        register.dob(person) == Some(day)
            && held.len() == self.name.ids.len()
            && (held.iter().zip(&self.name.ids)).all(|(&s, &f)| folded_of[s as usize] == f)
            && compare_genders(self.p.gender, register.gender(person)) != GenderLevel::Differs
            && compare_provinces(self.p.province, register.place(person)) != ProvinceLevel::Differs
    }

    /// The persons on `day`, besides `named` (whom the row's ID names): (one edit from the
    /// given ID, the others).
    fn count(&self, day: PartialDate, named: Option<PersonIdx>) -> (u64, u64) {
        let (p, register) = (self.p, self.model.register);
        let Some(key) = key_of(KeyKind::DobFamilyGiven, &self.name.parts, day, p.gender) else {
            return (0, 0);
        };
        let typo = |c: PersonIdx| register.id_one_edit_from(&p.id, c);
        let on = (self.model.index.block(key)).filter(|&c| Some(c) != named && self.on(c, day));
        on.fold((0, 0), |(typos, others), c| {
            if typo(c) {
                (typos + 1, others)
            } else {
                (typos, others + 1)
            }
        })
    }

    /// The counts of a row the ID path left to the search (`named`: the person its ID names).
    fn tally_searched(&self, named: Option<PersonIdx>) -> IdTally {
        let mut t = IdTally::default();
        let pattern = IdPattern::of(&self.p.id, named.is_some()) as usize;
        let (typos, others) = self.count(self.dob, named);
        let (_, on_control) = self.count(self.control, named);
        t.rows[pattern] = 1;
        t.typos_on_day[pattern] = typos;
        t.rows_on_day[pattern] = u64::from(others > 0);
        // Days differ in size (1 January stands in for unknown birthdays): the control day's
        // namesakes, scaled to the row's day, in fixed point so sums are exact.
        if on_control > 0 {
            let freq = self.model.frequencies;
            let scale = freq.dob_share(self.dob.pack()) / freq.dob_share(self.control.pack());
            t.chance_on_day[pattern] = (on_control as f64 * scale * FIXED as f64).round() as u64;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_days_are_real_dates_two_digits_away() {
        for (y, m, d, want) in [(1990, 2, 28, 14), (2000, 2, 14, 28), (1985, 12, 31, 17)] {
            let date = PartialDate::new(y, m, d).unwrap();
            assert_eq!(control_day(date).and_then(|c| c.day()), Some(want));
        }
        assert_eq!(control_day(PartialDate::new(1950, 0, 0).unwrap()), None);
    }
}
