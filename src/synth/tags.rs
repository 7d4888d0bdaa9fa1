//! The tags of truth.csv: one per kind of recording error, spelled in one place.

/// A kind of error injected into a participant record (or a fact about it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Tag {
    NotInRegister,
    DuplicatePerson,
    IdMissing,
    IdTypoSub,
    IdTypoTranspose,
    IdZerosLost,
    OldId,
    IdOtherPerson,
    NameNoDiacritics,
    NameWrongAccent,
    NameTypo,
    NameMissingMiddle,
    NameOrder,
    NameUpper,
    NameNfd,
    NameTonePlacement,
    NameExtraSpaces,
    DobYearOnly,
    DobDayMonthSwapped,
    DobYearOff,
    DobTypo,
    DobOtherFormat,
    GenderFlipped,
}

/// The tag of a row with no injected error.
pub(crate) const CLEAN: &str = "clean";

/// Tags whose injected change is erased by normalization (case, Unicode
/// form, tone-mark placement, white space, date format): a row carrying only these (and
/// [`FLAG_TAGS`]) is still truly in sync with the register.
pub(crate) const FORMAT_ONLY_TAGS: &[&str] = &[
    "name_upper",
    "name_nfd",
    "name_tone_placement",
    "name_extra_spaces",
    "dob_other_format",
];

/// Tags that describe the row without changing any of its fields: `duplicate_person` marks
/// each insurance code of a person who has more than one. Such a row is in sync or not on its
/// own merits (each code is compared with the register by itself, as matching does: the
/// duplicate is a flag next to the status, not a status).
pub(crate) const FLAG_TAGS: &[&str] = &["duplicate_person"];

/// True when a truth row is truly in sync: the participant is in the register
/// (`true_person_id` not empty), gives that person's ID as-is (no ID tag), and every other
/// tag is `clean`, format-only or a flag.
///
pub(crate) fn is_truly_in_sync(true_person_id: &str, tags: &[&str]) -> bool {
    !true_person_id.trim().is_empty()
        && tags
            .iter()
            .all(|t| *t == CLEAN || FORMAT_ONLY_TAGS.contains(t) || FLAG_TAGS.contains(t))
}

impl Tag {
    pub(crate) const ALL: [Tag; 23] = [
        Tag::NotInRegister,
        Tag::DuplicatePerson,
        Tag::IdMissing,
        Tag::IdTypoSub,
        Tag::IdTypoTranspose,
        Tag::IdZerosLost,
        Tag::OldId,
        Tag::IdOtherPerson,
        Tag::NameNoDiacritics,
        Tag::NameWrongAccent,
        Tag::NameTypo,
        Tag::NameMissingMiddle,
        Tag::NameOrder,
        Tag::NameUpper,
        Tag::NameNfd,
        Tag::NameTonePlacement,
        Tag::NameExtraSpaces,
        Tag::DobYearOnly,
        Tag::DobDayMonthSwapped,
        Tag::DobYearOff,
        Tag::DobTypo,
        Tag::DobOtherFormat,
        Tag::GenderFlipped,
    ];

    /// The spelling in truth.csv and in noise profiles.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Tag::NotInRegister => "not_in_register",
            Tag::DuplicatePerson => "duplicate_person",
            Tag::IdMissing => "id_missing",
            Tag::IdTypoSub => "id_typo_sub",
            Tag::IdTypoTranspose => "id_typo_transpose",
            Tag::IdZerosLost => "id_zeros_lost",
            Tag::OldId => "old_id",
            Tag::IdOtherPerson => "id_other_person",
            Tag::NameNoDiacritics => "name_no_diacritics",
            Tag::NameWrongAccent => "name_wrong_accent",
            Tag::NameTypo => "name_typo",
            Tag::NameMissingMiddle => "name_missing_middle",
            Tag::NameOrder => "name_order",
            Tag::NameUpper => "name_upper",
            Tag::NameNfd => "name_nfd",
            Tag::NameTonePlacement => "name_tone_placement",
            Tag::NameExtraSpaces => "name_extra_spaces",
            Tag::DobYearOnly => "dob_year_only",
            Tag::DobDayMonthSwapped => "dob_day_month_swapped",
            Tag::DobYearOff => "dob_year_off",
            Tag::DobTypo => "dob_typo",
            Tag::DobOtherFormat => "dob_other_format",
            Tag::GenderFlipped => "gender_flipped",
        }
    }

    #[cfg(test)]
    pub(crate) fn parse(s: &str) -> Option<Tag> {
        Tag::ALL.into_iter().find(|t| t.as_str() == s)
    }

    #[cfg(test)]
    pub(crate) fn is_format_only(self) -> bool {
        FORMAT_ONLY_TAGS.contains(&self.as_str())
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// The set of tags of one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TagSet(u32);

impl TagSet {
    pub(crate) fn insert(&mut self, tag: Tag) {
        self.0 |= tag.bit();
    }

    pub(crate) fn contains(self, tag: Tag) -> bool {
        self.0 & tag.bit() != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn iter(self) -> impl Iterator<Item = Tag> {
        Tag::ALL.into_iter().filter(move |t| self.contains(*t))
    }

    /// `;`-joined in [`Tag::ALL`] order, or `clean`.
    pub(crate) fn write_to(self, out: &mut String) {
        out.clear();
        if self.is_empty() {
            out.push_str(CLEAN);
            return;
        }
        for (i, tag) in self.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(tag.as_str());
        }
    }
}

/// How many rows carry each tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TagCounts {
    pub(crate) rows: u64,
    pub(crate) clean: u64,
    /// Indexed by `Tag as usize`.
    pub(crate) tags: [u64; Tag::ALL.len()],
}

impl TagCounts {
    pub(crate) fn add(&mut self, set: TagSet) {
        self.rows += 1;
        if set.is_empty() {
            self.clean += 1;
        }
        for tag in set.iter() {
            self.tags[tag as usize] += 1;
        }
    }

    pub(crate) fn merge(&mut self, other: &TagCounts) {
        self.rows += other.rows;
        self.clean += other.clean;
        for (a, b) in self.tags.iter_mut().zip(other.tags) {
            *a += b;
        }
    }

    pub(crate) fn count(&self, tag: Tag) -> u64 {
        self.tags[tag as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truly_in_sync_means_a_true_person_and_only_erased_errors() {
        assert!(is_truly_in_sync("001090012345", &["clean"]));
        assert!(is_truly_in_sync(
            "001090012345",
            &["name_upper", "duplicate_person"]
        ));
        assert!(!is_truly_in_sync("001090012345", &["id_zeros_lost"]));
        assert!(!is_truly_in_sync("", &["not_in_register"]));
    }

    #[test]
    fn tags_round_trip_and_are_distinct() {
        for (i, tag) in Tag::ALL.into_iter().enumerate() {
            assert_eq!(tag as usize, i);
            assert_eq!(Tag::parse(tag.as_str()), Some(tag));
        }
        for name in FORMAT_ONLY_TAGS {
            assert!(Tag::parse(name).is_some_and(Tag::is_format_only), "{name}");
        }
    }

    #[test]
    fn sets_are_written_in_order() {
        let mut set = TagSet::default();
        let mut s = String::new();
        set.write_to(&mut s);
        assert_eq!(s, "clean");
        set.insert(Tag::GenderFlipped);
        set.insert(Tag::IdMissing);
        set.write_to(&mut s);
        assert_eq!(s, "id_missing;gender_flipped");
    }
}
