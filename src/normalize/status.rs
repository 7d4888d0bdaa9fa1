//! The register's `status` column: alive or deceased, in the spellings real exports use.

use super::name;

/// What a `status` value says of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LifeStatus {
    /// Empty: nothing is said (the person is taken to be alive).
    Unstated,
    Alive,
    Deceased,
    /// A value that is neither: a code the export uses (`1`, `2`) without a value mapping.
    Unreadable,
}

impl LifeStatus {
    /// Reads a `status` value, any case, with or without Vietnamese diacritics.
    pub(crate) fn parse(raw: &str) -> LifeStatus {
        let raw = raw.trim();
        if raw.is_empty() {
            return LifeStatus::Unstated;
        }
        // Nearly every row says `alive`: decided without normalizing a string.
        if raw.eq_ignore_ascii_case("alive") {
            return LifeStatus::Alive;
        }
        if raw.eq_ignore_ascii_case("deceased") || raw.eq_ignore_ascii_case("dead") {
            return LifeStatus::Deceased;
        }
        match name::canonical(raw).as_str() {
            "deceased" | "dead" | "đã mất" | "đã chết" | "chết" | "mất" | "tử vong" => {
                LifeStatus::Deceased
            }
            "alive" | "living" | "sống" | "còn sống" | "song" | "con song" => {
                LifeStatus::Alive
            }
            _ => LifeStatus::Unreadable,
        }
    }

    pub(crate) fn is_deceased(self) -> bool {
        self == LifeStatus::Deceased
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_marks_a_death_in_any_case_and_spelling() {
        for dead in [
            "deceased",
            "Deceased",
            " DEAD ",
            "Đã mất",
            "đã  chết",
            "TỬ VONG",
            "Ðã mất",
        ] {
            assert_eq!(LifeStatus::parse(dead), LifeStatus::Deceased, "{dead:?}");
        }
        for alive in ["alive", "Alive", "song", "Còn sống"] {
            assert_eq!(LifeStatus::parse(alive), LifeStatus::Alive, "{alive:?}");
        }
        assert_eq!(LifeStatus::parse(" "), LifeStatus::Unstated);
        for code in ["1", "2", "tu vong", "deceased?", "not dead"] {
            assert_eq!(LifeStatus::parse(code), LifeStatus::Unreadable, "{code:?}");
            assert!(!LifeStatus::parse(code).is_deceased());
        }
    }
}
