//! Genders as recorded: `Nam`/`Nữ`/`Nu`, `M`/`F`, `male`/`female`, any case; anything else is
//! unknown (not an error: the column is optional and often blank).

use unicode_normalization::UnicodeNormalization;

/// A gender as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    /// Empty, or a spelling popsync does not know.
    Unknown = 0,
    /// `Nam`, `M`, `male`.
    Male = 1,
    /// `Nữ`, `Nu`, `F`, `female`.
    Female = 2,
}

impl Gender {
    /// Reads a gender as recorded.
    ///
    /// ```
    /// use popsync::Gender;
    /// assert_eq!(Gender::parse(" NỮ "), Gender::Female);
    /// assert_eq!(Gender::parse("nam"), Gender::Male);
    /// assert_eq!(Gender::parse("x"), Gender::Unknown);
    /// ```
    pub fn parse(raw: &str) -> Gender {
        let s = raw.trim();
        if s.is_ascii() {
            // No allocation: this runs once per row on both files.
            let is = |word: &str| s.eq_ignore_ascii_case(word);
            return if is("nam") || is("m") || is("male") {
                Gender::Male
            } else if is("nu") || is("f") || is("female") {
                Gender::Female
            } else {
                Gender::Unknown
            };
        }
        if matches!(s, "Nữ" | "nữ" | "NỮ") {
            return Gender::Female; // The common spellings, already NFC: no allocation.
        }
        let lowered: String = s.nfc().flat_map(char::to_lowercase).collect();
        match lowered.as_str() {
            "nữ" => Gender::Female,
            _ => Gender::Unknown,
        }
    }

    pub(crate) fn is_known(self) -> bool {
        self != Gender::Unknown
    }

    /// How auditors read it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Gender::Unknown => "",
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }

    pub(crate) fn from_u8(v: u8) -> Gender {
        match v {
            1 => Gender::Male,
            2 => Gender::Female,
            _ => Gender::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_spelling_is_read() {
        for s in ["Nam", "NAM", "m", "M", "male", "Male"] {
            assert_eq!(Gender::parse(s), Gender::Male, "{s}");
        }
        let decomposed: String = "Nữ".nfd().collect();
        for s in [
            "Nữ",
            "NỮ",
            "nu",
            "Nu",
            "F",
            "female",
            "FEMALE",
            decomposed.as_str(),
        ] {
            assert_eq!(Gender::parse(s), Gender::Female, "{s}");
        }
        for s in ["", "1", "0", "khác", "?"] {
            assert_eq!(Gender::parse(s), Gender::Unknown, "{s}");
        }
    }
}
