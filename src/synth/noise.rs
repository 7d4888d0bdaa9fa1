//! The noise profile (how often each error is injected) and the error injectors.
//!
//! Errors come in exclusive groups, one draw per group and row: at most one ID error, one name
//! error that changes the name's content, one name error that changes only its form, one date
//! error, and the gender. Errors of different groups combine freely, so some rows carry two or
//! three.
//!
//! A rate is the probability of the error **among the rows where it can apply**: a day/month
//! swap needs a day ≤ 12 that differs from the month, lost leading zeros an ID that starts with
//! `0`, an old ID a person who had an old ID card, another tone placement a syllable in `oa`,
//! `oe` or `uy` with a tone… An injector that cannot make a real change leaves the row alone and
//! does not tag it, so every tag in truth.csv names a change that is really in the data.

use std::path::Path;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::spelling::{self, TONE_MARKS};
use super::tags::Tag;
use crate::config::read_toml;
use crate::error::{Error, Result};
use crate::normalize::date::PartialDate;
use crate::normalize::name::folded;
use crate::rng::Rng;

/// Error rates, read from a TOML file (`--noise`); every key is optional and named after its
/// tag in truth.csv. The defaults make each error kind common enough to measure (a few percent
/// of the rows it can apply to) and leave about three rows in four clean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NoiseProfile {
    /// Participants who are not in the register at all.
    pub(crate) not_in_register: f64,
    /// Rows in pairs of insurance codes of one person (both codes are tagged).
    pub(crate) duplicate_person: f64,
    pub(crate) id_missing: f64,
    pub(crate) id_typo_sub: f64,
    pub(crate) id_typo_transpose: f64,
    pub(crate) id_zeros_lost: f64,
    pub(crate) old_id: f64,
    pub(crate) id_other_person: f64,
    pub(crate) name_no_diacritics: f64,
    pub(crate) name_wrong_accent: f64,
    pub(crate) name_typo: f64,
    pub(crate) name_missing_middle: f64,
    pub(crate) name_order: f64,
    pub(crate) name_upper: f64,
    pub(crate) name_nfd: f64,
    pub(crate) name_tone_placement: f64,
    pub(crate) name_extra_spaces: f64,
    pub(crate) dob_year_only: f64,
    pub(crate) dob_day_month_swapped: f64,
    pub(crate) dob_year_off: f64,
    pub(crate) dob_typo: f64,
    pub(crate) dob_other_format: f64,
    pub(crate) gender_flipped: f64,
}

impl Default for NoiseProfile {
    fn default() -> NoiseProfile {
        NoiseProfile {
            not_in_register: 0.025,
            duplicate_person: 0.015,
            id_missing: 0.02,
            id_typo_sub: 0.015,
            id_typo_transpose: 0.01,
            id_zeros_lost: 0.015,
            old_id: 0.025,
            id_other_person: 0.01,
            name_no_diacritics: 0.015,
            name_wrong_accent: 0.015,
            name_typo: 0.015,
            name_missing_middle: 0.01,
            name_order: 0.01,
            name_upper: 0.015,
            name_nfd: 0.01,
            // Only the few names with a toned `oa`/`oe`/`uy` syllable can get it.
            name_tone_placement: 0.2,
            name_extra_spaces: 0.01,
            dob_year_only: 0.01,
            // Only dates with a day ≤ 12 (and not equal to the month) can be swapped.
            dob_day_month_swapped: 0.04,
            dob_year_off: 0.01,
            dob_typo: 0.01,
            dob_other_format: 0.015,
            gender_flipped: 0.008,
        }
    }
}

/// The exclusive groups: one draw each per row.
pub(crate) const ID_ERRORS: &[Tag] = &[
    Tag::IdMissing,
    Tag::IdTypoSub,
    Tag::IdTypoTranspose,
    Tag::IdZerosLost,
    Tag::OldId,
    Tag::IdOtherPerson,
];
pub(crate) const NAME_CONTENT_ERRORS: &[Tag] = &[
    Tag::NameNoDiacritics,
    Tag::NameWrongAccent,
    Tag::NameTypo,
    Tag::NameMissingMiddle,
    Tag::NameOrder,
];
pub(crate) const NAME_FORM_ERRORS: &[Tag] = &[
    Tag::NameUpper,
    Tag::NameNfd,
    Tag::NameTonePlacement,
    Tag::NameExtraSpaces,
];
pub(crate) const DOB_ERRORS: &[Tag] = &[
    Tag::DobYearOnly,
    Tag::DobDayMonthSwapped,
    Tag::DobYearOff,
    Tag::DobTypo,
    Tag::DobOtherFormat,
];
pub(crate) const GENDER_ERRORS: &[Tag] = &[Tag::GenderFlipped];
const GROUPS: [(&str, &[Tag]); 5] = [
    ("ID", ID_ERRORS),
    ("name content", NAME_CONTENT_ERRORS),
    ("name form", NAME_FORM_ERRORS),
    ("date of birth", DOB_ERRORS),
    ("gender", GENDER_ERRORS),
];

impl NoiseProfile {
    /// Reads and checks a profile file.
    pub(crate) fn load(path: &Path) -> Result<NoiseProfile> {
        let profile: NoiseProfile = read_toml(path)?;
        profile
            .check()
            .map_err(|message| Error::config(path, message))?;
        Ok(profile)
    }

    /// Every rate in `[0, 1]`, and the rates of one exclusive group sum to at most 1.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        for tag in Tag::ALL {
            let rate = self.rate(tag);
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!(
                    "`{}` = {rate} is not a rate between 0 and 1",
                    tag.as_str()
                ));
            }
        }
        for (group, tags) in GROUPS {
            let sum: f64 = tags.iter().map(|&t| self.rate(t)).sum();
            if sum > 1.0 + 1e-9 {
                let names: Vec<&str> = tags.iter().map(|t| t.as_str()).collect();
                return Err(format!(
                    "the {group} errors are exclusive, their rates ({}) sum to {sum}, more than 1",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn rate(&self, tag: Tag) -> f64 {
        match tag {
            Tag::NotInRegister => self.not_in_register,
            Tag::DuplicatePerson => self.duplicate_person,
            Tag::IdMissing => self.id_missing,
            Tag::IdTypoSub => self.id_typo_sub,
            Tag::IdTypoTranspose => self.id_typo_transpose,
            Tag::IdZerosLost => self.id_zeros_lost,
            Tag::OldId => self.old_id,
            Tag::IdOtherPerson => self.id_other_person,
            Tag::NameNoDiacritics => self.name_no_diacritics,
            Tag::NameWrongAccent => self.name_wrong_accent,
            Tag::NameTypo => self.name_typo,
            Tag::NameMissingMiddle => self.name_missing_middle,
            Tag::NameOrder => self.name_order,
            Tag::NameUpper => self.name_upper,
            Tag::NameNfd => self.name_nfd,
            Tag::NameTonePlacement => self.name_tone_placement,
            Tag::NameExtraSpaces => self.name_extra_spaces,
            Tag::DobYearOnly => self.dob_year_only,
            Tag::DobDayMonthSwapped => self.dob_day_month_swapped,
            Tag::DobYearOff => self.dob_year_off,
            Tag::DobTypo => self.dob_typo,
            Tag::DobOtherFormat => self.dob_other_format,
            Tag::GenderFlipped => self.gender_flipped,
        }
    }

    /// Draws at most one error of an exclusive group: each error that `applies` to the row is
    /// chosen with exactly its rate. `applies` is asked only when the draw could pick an error
    /// at all, so clean rows cost one random number per group.
    pub(crate) fn choose(
        &self,
        rng: &mut Rng,
        group: &[Tag],
        mut applies: impl FnMut(Tag) -> bool,
    ) -> Option<Tag> {
        let u = rng.unit();
        let total: f64 = group.iter().map(|&t| self.rate(t)).sum();
        if u >= total {
            return None;
        }
        let mut acc = 0.0;
        for &tag in group {
            let rate = self.rate(tag);
            if rate > 0.0 && applies(tag) {
                acc += rate;
                if u < acc {
                    return Some(tag);
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// IDs

/// One digit of a 12-digit ID replaced by another.
pub(crate) fn id_substitution(id: &str, rng: &mut Rng) -> String {
    let mut digits = id.as_bytes().to_vec();
    let pos = rng.below(digits.len() as u64) as usize;
    let old = digits[pos] - b'0';
    let new = (old + 1 + rng.below(9) as u8) % 10;
    digits[pos] = b'0' + new;
    String::from_utf8(digits).expect("digits")
}

/// Two adjacent, different digits swapped; `None` when all digits are equal.
pub(crate) fn id_transposition(id: &str, rng: &mut Rng) -> Option<String> {
    let digits = id.as_bytes();
    let positions: Vec<usize> = (0..digits.len() - 1)
        .filter(|&i| digits[i] != digits[i + 1])
        .collect();
    if positions.is_empty() {
        return None;
    }
    let pos = *rng.pick(&positions);
    let mut out = digits.to_vec();
    out.swap(pos, pos + 1);
    Some(String::from_utf8(out).expect("digits"))
}

/// The ID written as a number: leading zeros lost. `None` when it has none.
pub(crate) fn id_without_leading_zeros(id: &str) -> Option<String> {
    let trimmed = id.trim_start_matches('0');
    (trimmed.len() < id.len() && !trimmed.is_empty()).then(|| trimmed.to_string())
}

// ---------------------------------------------------------------------------------------------
// Names

/// Applies a name-content error to a name given as its parts (family, middles, given), and
/// returns the new name; `None` when this name cannot carry that error.
pub(crate) fn name_content(
    tag: Tag,
    parts: &[&str],
    middles: usize,
    rng: &mut Rng,
) -> Option<String> {
    let joined = parts.join(" ");
    match tag {
        Tag::NameNoDiacritics => {
            let stripped = spelling::strip_diacritics(&joined);
            (stripped != joined).then_some(stripped)
        }
        Tag::NameWrongAccent => {
            let syllables: Vec<&str> = joined.split(' ').collect();
            let toned: Vec<usize> = (0..syllables.len())
                .filter(|&i| spelling::tone_of(syllables[i]).is_some())
                .collect();
            if toned.is_empty() {
                return None;
            }
            let at = *rng.pick(&toned);
            let old = spelling::tone_of(syllables[at]);
            // The other four tones, or none.
            let choices: Vec<Option<char>> = TONE_MARKS
                .iter()
                .map(|&t| Some(t))
                .chain([None])
                .filter(|&t| t != old)
                .collect();
            let changed = spelling::with_tone(syllables[at], *rng.pick(&choices));
            Some(replace_syllable(&syllables, at, &changed))
        }
        Tag::NameTypo => {
            for _ in 0..6 {
                // Mostly in the given name, where data entry is least careful.
                let part = match rng.below(10) {
                    0..=5 => parts.len() - 1,
                    6 | 7 if middles > 0 => 1 + rng.below(middles as u64) as usize,
                    _ => 0,
                };
                let Some(typo) = typo(parts[part], rng) else {
                    continue;
                };
                let mut new_parts = parts.to_vec();
                new_parts[part] = &typo;
                let candidate = new_parts.join(" ");
                if folded(&candidate) != folded(&joined) {
                    return Some(candidate);
                }
            }
            None
        }
        Tag::NameMissingMiddle => {
            if middles == 0 {
                return None;
            }
            let drop = 1 + rng.below(middles as u64) as usize;
            let kept: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != drop)
                .map(|(_, p)| *p)
                .collect();
            Some(kept.join(" "))
        }
        Tag::NameOrder => {
            if parts.len() < 2 || parts[1..].iter().all(|p| *p == parts[0]) {
                return None;
            }
            // Western order: the family name last.
            let mut reordered: Vec<&str> = parts[1..].to_vec();
            reordered.push(parts[0]);
            Some(reordered.join(" "))
        }
        _ => None,
    }
}

fn replace_syllable(syllables: &[&str], at: usize, new: &str) -> String {
    let mut out = String::new();
    for (i, s) in syllables.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(if i == at { new } else { s });
    }
    out
}

/// A keyboard slip in one syllable of a name part: a letter replaced, dropped, doubled, or two
/// letters swapped. `None` when the slip changed nothing.
fn typo(part: &str, rng: &mut Rng) -> Option<String> {
    const LETTERS: &[u8] = b"abcdeghiklmnopqrstuvxy";
    let syllables: Vec<&str> = part.split(' ').collect();
    let at = rng.below(syllables.len() as u64) as usize;
    let mut chars: Vec<char> = syllables[at].chars().collect();
    let pos = rng.below(chars.len() as u64) as usize;
    match rng.below(10) {
        0..=4 => {
            let letter = *rng.pick(LETTERS) as char;
            let letter = if chars[pos].is_uppercase() {
                letter.to_ascii_uppercase()
            } else {
                letter
            };
            chars[pos] = letter;
        }
        5 | 6 if chars.len() >= 3 => {
            chars.remove(pos);
        }
        7 => {
            let c = chars[pos];
            chars.insert(pos, c);
        }
        _ if chars.len() >= 2 => {
            let p = pos.min(chars.len() - 2);
            chars.swap(p, p + 1);
            // The first letter keeps the capital.
            if chars[p + 1].is_uppercase() && p == 0 {
                chars[0] = chars[0].to_uppercase().next().unwrap_or(chars[0]);
                chars[1] = chars[1].to_lowercase().next().unwrap_or(chars[1]);
            }
        }
        _ => return None,
    }
    let new: String = chars.into_iter().nfc().collect();
    if new == syllables[at] {
        return None;
    }
    Some(replace_syllable(&syllables, at, &new))
}

/// Applies a name-form error; `None` when the name cannot carry it.
pub(crate) fn name_form(tag: Tag, name: &str, rng: &mut Rng) -> Option<String> {
    let changed = match tag {
        Tag::NameUpper => spelling::upper(name),
        Tag::NameNfd => name.nfd().collect(),
        Tag::NameTonePlacement => spelling::toggle_tone_placement(name)?,
        Tag::NameExtraSpaces => {
            let spaces = name.match_indices(' ').map(|(i, _)| i).collect::<Vec<_>>();
            match rng.below(10) {
                0..=5 if !spaces.is_empty() => {
                    let at = *rng.pick(&spaces);
                    let extra = if rng.chance(0.2) { "  " } else { " " };
                    format!("{}{extra}{}", &name[..at], &name[at..])
                }
                6 | 7 => format!(" {name}"),
                _ => format!("{name} "),
            }
        }
        _ => return None,
    };
    (changed != name).then_some(changed)
}

/// True when a name-form error can change this name.
pub(crate) fn name_form_applies(tag: Tag, name: &str, content: Option<Tag>) -> bool {
    match tag {
        Tag::NameUpper => name.chars().any(char::is_lowercase),
        Tag::NameNfd => !name.is_ascii(),
        Tag::NameTonePlacement => {
            content != Some(Tag::NameNoDiacritics)
                && spelling::toggle_tone_placement(name).is_some()
        }
        Tag::NameExtraSpaces => true,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Dates of birth

/// A register date: day and month 0 when only the year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dob {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

impl Dob {
    pub(crate) fn is_full(self) -> bool {
        self.month != 0
    }

    /// `dd/mm/yyyy`, or `yyyy` when only the year is known.
    pub(crate) fn write(self, out: &mut String) {
        out.clear();
        if self.is_full() {
            push_2(out, self.day);
            out.push('/');
            push_2(out, self.month);
            out.push('/');
        }
        push_4(out, self.year);
    }

    fn valid(self) -> bool {
        PartialDate::new(self.year, self.month, self.day).is_some()
            && (1900..=2099).contains(&self.year)
    }
}

fn push_2(out: &mut String, v: u8) {
    out.push((b'0' + v / 10) as char);
    out.push((b'0' + v % 10) as char);
}

fn push_4(out: &mut String, v: u16) {
    push_2(out, (v / 100) as u8);
    push_2(out, (v % 100) as u8);
}

/// True when a date error can change this date.
pub(crate) fn dob_applies(tag: Tag, dob: Dob) -> bool {
    match tag {
        Tag::DobYearOnly => dob.is_full(),
        Tag::DobDayMonthSwapped => dob.is_full() && dob.day <= 12 && dob.day != dob.month,
        Tag::DobYearOff | Tag::DobTypo | Tag::DobOtherFormat => true,
        _ => false,
    }
}

/// Writes the date with a date error into `out`; false (and `out` unspecified) when this date
/// cannot carry it.
pub(crate) fn dob_error(tag: Tag, dob: Dob, rng: &mut Rng, out: &mut String) -> bool {
    out.clear();
    match tag {
        Tag::DobYearOnly => {
            if !dob.is_full() {
                return false;
            }
            if rng.chance(0.2) {
                out.push_str("00/00/");
            }
            push_4(out, dob.year);
        }
        Tag::DobDayMonthSwapped => {
            if !dob_applies(tag, dob) {
                return false;
            }
            Dob {
                year: dob.year,
                month: dob.day,
                day: dob.month,
            }
            .write(out);
        }
        Tag::DobYearOff => {
            let (a, b) = if rng.chance(0.5) {
                (1i32, -1i32)
            } else {
                (-1, 1)
            };
            let shifted = [a, b]
                .into_iter()
                .map(|d| Dob {
                    year: (dob.year as i32 + d) as u16,
                    ..dob
                })
                .find(|d| d.valid());
            match shifted {
                Some(d) => d.write(out),
                None => return false,
            }
        }
        Tag::DobTypo => {
            let mut original = String::new();
            dob.write(&mut original);
            for _ in 0..10 {
                let mut bytes = original.clone().into_bytes();
                let digits: Vec<usize> = (0..bytes.len())
                    .filter(|&i| bytes[i].is_ascii_digit())
                    .collect();
                let pos = *rng.pick(&digits);
                bytes[pos] = b'0' + ((bytes[pos] - b'0') + 1 + rng.below(9) as u8) % 10;
                let candidate = String::from_utf8(bytes).expect("digits");
                let Ok(parsed) = PartialDate::parse(&candidate) else {
                    continue;
                };
                let typo = Dob {
                    year: parsed.year(),
                    month: parsed.month().unwrap_or(0),
                    day: parsed.day().unwrap_or(0),
                };
                let swapped = typo.is_full()
                    && typo.day == dob.month
                    && typo.month == dob.day
                    && typo.year == dob.year;
                let year_off = typo.day == dob.day
                    && typo.month == dob.month
                    && typo.year.abs_diff(dob.year) == 1;
                if typo.valid()
                    && typo != dob
                    && !swapped
                    && !year_off
                    && typo.is_full() == dob.is_full()
                {
                    out.push_str(&candidate);
                    return true;
                }
            }
            return false;
        }
        Tag::DobOtherFormat => {
            if !dob.is_full() {
                out.push_str("00/00/");
                push_4(out, dob.year);
                return true;
            }
            let short = dob.day < 10 || dob.month < 10;
            match rng.below(if short { 3 } else { 2 }) {
                0 => {
                    push_4(out, dob.year);
                    out.push('-');
                    push_2(out, dob.month);
                    out.push('-');
                    push_2(out, dob.day);
                }
                1 => {
                    push_4(out, dob.year);
                    push_2(out, dob.month);
                    push_2(out, dob.day);
                }
                _ => {
                    out.push_str(&dob.day.to_string());
                    out.push('/');
                    out.push_str(&dob.month.to_string());
                    out.push('/');
                    push_4(out, dob.year);
                }
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::name::canonical;

    #[test]
    fn default_profile_is_valid_and_unknown_keys_are_refused() {
        NoiseProfile::default().check().unwrap();
        let p: NoiseProfile = toml::from_str("name_typo = 0.5\n").unwrap();
        assert_eq!(p.name_typo, 0.5);
        assert_eq!(p.id_missing, NoiseProfile::default().id_missing);
        assert!(toml::from_str::<NoiseProfile>("name_typos = 0.5\n").is_err());
        let p: NoiseProfile = toml::from_str("id_missing = 0.7\nid_typo_sub = 0.7\n").unwrap();
        assert!(p.check().unwrap_err().contains("sum"));
        let p: NoiseProfile = toml::from_str("gender_flipped = 1.5\n").unwrap();
        assert!(p.check().is_err());
    }

    #[test]
    fn choose_gives_each_applicable_error_its_rate() {
        let profile = NoiseProfile {
            id_missing: 0.2,
            id_typo_sub: 0.3,
            ..NoiseProfile::default()
        };
        let mut rng = Rng::new(9);
        let n = 100_000;
        let mut sub = 0;
        for _ in 0..n {
            if profile.choose(&mut rng, ID_ERRORS, |t| t == Tag::IdTypoSub) == Some(Tag::IdTypoSub)
            {
                sub += 1;
            }
        }
        let share = sub as f64 / n as f64;
        assert!((share - 0.3).abs() < 0.01, "{share}");
    }

    #[test]
    fn id_errors_change_what_they_say() {
        let mut rng = Rng::new(1);
        let id = "001090012345";
        let sub = id_substitution(id, &mut rng);
        assert_eq!(
            sub.bytes().zip(id.bytes()).filter(|(a, b)| a != b).count(),
            1
        );
        let t = id_transposition(id, &mut rng).unwrap();
        assert_ne!(t, id);
        assert_eq!(id_without_leading_zeros(id).as_deref(), Some("1090012345"));
        assert_eq!(id_without_leading_zeros("123"), None);
        assert_eq!(id_transposition("111111111111", &mut rng), None);
    }

    #[test]
    fn name_errors_change_what_they_say() {
        let parts = ["Nguyễn", "Thị", "Hòa"];
        let name = parts.join(" ");
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let accent = name_content(Tag::NameWrongAccent, &parts, 1, &mut rng).unwrap();
            assert_ne!(canonical(&accent), canonical(&name));
            assert_eq!(folded(&accent), folded(&name));
            let typo = name_content(Tag::NameTypo, &parts, 1, &mut rng).unwrap();
            assert_ne!(folded(&typo), folded(&name), "{typo}");
            let spaces = name_form(Tag::NameExtraSpaces, &name, &mut rng).unwrap();
            assert_eq!(canonical(&spaces), canonical(&name));
        }
        assert_eq!(
            name_content(Tag::NameMissingMiddle, &parts, 1, &mut rng).unwrap(),
            "Nguyễn Hòa"
        );
        assert_eq!(
            name_content(Tag::NameOrder, &parts, 1, &mut rng).unwrap(),
            "Thị Hòa Nguyễn"
        );
        assert_eq!(
            name_content(Tag::NameNoDiacritics, &parts, 1, &mut rng).unwrap(),
            "Nguyen Thi Hoa"
        );
        assert_eq!(
            name_form(Tag::NameTonePlacement, &name, &mut rng).unwrap(),
            "Nguyễn Thị Hoà"
        );
        assert_eq!(
            name_form(Tag::NameTonePlacement, "Lê Văn Quý", &mut rng),
            None
        );
        assert_eq!(
            name_form(Tag::NameUpper, &name, &mut rng).unwrap(),
            "NGUYỄN THỊ HÒA"
        );
    }

    #[test]
    fn date_errors_change_what_they_say() {
        let mut rng = Rng::new(2);
        let mut out = String::new();
        let dob = Dob {
            year: 1985,
            month: 7,
            day: 3,
        };
        assert!(dob_error(Tag::DobDayMonthSwapped, dob, &mut rng, &mut out));
        assert_eq!(out, "07/03/1985");
        assert!(!dob_error(
            Tag::DobDayMonthSwapped,
            Dob { day: 7, ..dob },
            &mut rng,
            &mut out
        ));
        assert!(!dob_error(
            Tag::DobDayMonthSwapped,
            Dob { day: 13, ..dob },
            &mut rng,
            &mut out
        ));
        assert!(dob_error(Tag::DobYearOnly, dob, &mut rng, &mut out));
        assert!(out.ends_with("1985") && PartialDate::parse(&out).unwrap().month().is_none());
        let leap = Dob {
            year: 2000,
            month: 2,
            day: 29,
        };
        assert!(!dob_error(Tag::DobYearOff, leap, &mut rng, &mut out));
        for _ in 0..100 {
            assert!(dob_error(Tag::DobOtherFormat, dob, &mut rng, &mut out));
            assert_eq!(
                PartialDate::parse(&out).unwrap(),
                PartialDate::new(1985, 7, 3).unwrap()
            );
            assert_ne!(out, "03/07/1985");
            if dob_error(Tag::DobTypo, dob, &mut rng, &mut out) {
                assert_eq!(out.len(), 10);
                assert_ne!(out, "03/07/1985");
            }
            assert!(dob_error(Tag::DobYearOff, dob, &mut rng, &mut out));
            assert!(out == "03/07/1984" || out == "03/07/1986", "{out}");
        }
    }
}
