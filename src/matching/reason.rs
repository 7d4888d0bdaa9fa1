//! Statuses, link methods and reason codes (docs/statuses-and-reasons.md), each spelled in exactly one place.

use std::fmt;

/// Exactly one per participant row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Status {
    Synced,
    Diff,
    Suggested,
    Ambiguous,
    NotFound,
    Rejected,
}

impl Status {
    pub(crate) const ALL: [Status; 6] = [
        Status::Synced,
        Status::Diff,
        Status::Suggested,
        Status::Ambiguous,
        Status::NotFound,
        Status::Rejected,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Synced => "SYNCED",
            Status::Diff => "DIFF",
            Status::Suggested => "SUGGESTED",
            Status::Ambiguous => "AMBIGUOUS",
            Status::NotFound => "NOT_FOUND",
            Status::Rejected => "REJECTED",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// True when the row names a register person (`person_id` non-empty in results.csv).
    pub(crate) fn has_person(self) -> bool {
        matches!(self, Status::Synced | Status::Diff | Status::Suggested)
    }
}

/// How a person was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Method {
    /// The 12-digit ID (or an opaque ID) as given.
    Id,
    /// The old 9-digit ID card number.
    OldId,
    /// The ID with its lost leading zeros restored.
    IdRestored,
    /// Candidate search by name, date of birth and gender.
    Search,
    /// An auditor's confirmation, imported with `popsync review import`.
    Reviewed,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Id => "id",
            Method::OldId => "old_id",
            Method::IdRestored => "id_restored",
            Method::Search => "search",
            Method::Reviewed => "reviewed",
        }
    }
}

macro_rules! reasons {
    ($($variant:ident = $code:literal),* $(,)?) => {
        /// Why a row is not SYNCED, or a flag on it. Output order is declaration order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) enum Reason { $($variant),* }

        impl Reason {
            pub(crate) const ALL: &'static [Reason] = &[$(Reason::$variant),*];

            pub(crate) fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $code),* }
            }
        }
    };
}

reasons! {
    IdMissing = "id_missing",
    IdMalformed = "id_malformed",
    IdNotFound = "id_not_found",
    IdOtherPerson = "id_other_person",
    IdStructure = "id_structure",
    IdZerosRestored = "id_zeros_restored",
    OldId = "old_id",
    IdTypo = "id_typo",
    NameDiacritics = "name_diacritics",
    NameTypo = "name_typo",
    NameOrder = "name_order",
    NameMiddle = "name_middle",
    NameDiffers = "name_differs",
    DobPartial = "dob_partial",
    DobDayMonthSwapped = "dob_day_month_swapped",
    DobYearOff = "dob_year_off",
    DobTypo = "dob_typo",
    DobDiffers = "dob_differs",
    DobInvalid = "dob_invalid",
    GenderDiffers = "gender_differs",
    GenderMissing = "gender_missing",
    Deceased = "deceased",
    DuplicatePerson = "duplicate_person",
    DuplicateCode = "duplicate_code",
    ReviewRejected = "review_rejected",
    ReviewStale = "review_stale",
}

impl Reason {
    #[cfg(test)]
    pub(crate) fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// A set of reasons, printed `;`-joined in declaration order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct ReasonSet(u32);

impl ReasonSet {
    pub(crate) fn insert(&mut self, reason: Reason) {
        self.0 |= 1 << reason as u32;
    }

    pub(crate) fn contains(self, reason: Reason) -> bool {
        self.0 & (1 << reason as u32) != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = Reason> {
        Reason::ALL
            .iter()
            .copied()
            .filter(move |&r| self.contains(r))
    }
}

impl std::ops::BitOr for ReasonSet {
    type Output = ReasonSet;
    fn bitor(self, other: ReasonSet) -> ReasonSet {
        ReasonSet(self.0 | other.0)
    }
}

impl ReasonSet {
    /// Writes the codes, `;`-separated: to a `String`, without the formatting machinery
    /// (every output row writes its reasons).
    pub(crate) fn write_to(&self, out: &mut impl fmt::Write) -> fmt::Result {
        for (i, reason) in self.iter().enumerate() {
            if i > 0 {
                out.write_str(";")?;
            }
            out.write_str(reason.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Display for ReasonSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_print_in_spec_order_and_parse_back() {
        let mut set = ReasonSet::default();
        set.insert(Reason::Deceased);
        set.insert(Reason::IdMissing);
        set.insert(Reason::DobTypo);
        assert_eq!(set.to_string(), "id_missing;dob_typo;deceased");
        for &r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert!(Reason::ALL.len() <= 32, "ReasonSet is a u32");
    }
}
