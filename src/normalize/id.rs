//! Personal ID numbers (docs/input.md).
//!
//! In the default `cccd` format an ID is the 12-digit citizen identity number, whose digits carry
//! structure: 1-3 the place of birth registration, 4 the gender and century, 5-6 the birth
//! year's last two digits. The old ID card number (CMND) has 9 digits. Spaces, dots and dashes
//! are ignored; a 10- or 11-digit number that becomes a valid CCCD when the leading zeros a
//! spreadsheet dropped are restored is read as that CCCD (flagged, because the record must still
//! be corrected). Everything else is malformed, including the scientific notation spreadsheets
//! show long numbers in (`1.23457E+11` has lost digits: it must never match anyone).
//!
//! In the `any` format IDs are opaque strings from another scheme: trimmed, compared exactly.

use serde::{Deserialize, Serialize};

use crate::normalize::gender::Gender;
use crate::province::is_cccd_prefix;

/// How personal IDs are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum IdFormat {
    /// 12-digit CCCD numbers with structure checks, and 9-digit old ID card numbers.
    #[default]
    Cccd,
    /// Opaque identifiers of any scheme: no structure checks, exact comparison.
    Any,
}

/// A participant's `person_id` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedId {
    /// Empty.
    Missing,
    /// Twelve digits.
    Cccd(u64),
    /// Ten or eleven digits that became a valid CCCD with their leading zeros restored.
    Restored(u64),
    /// Nine digits: an old ID card number.
    Old(u32),
    /// Eight digits: an old ID card number that lost its leading zero.
    OldRestored(u32),
    /// Anything else (letters, wrong length, scientific notation).
    Malformed,
    /// An ID in the `any` format.
    Opaque(String),
}

impl ParsedId {
    /// The 12-digit number, as given or with its lost leading zeros restored.
    /// Whether a typo in this ID can be looked for: a 12-digit (or restored) CCCD, or an
    /// opaque ID. Not an old ID: its typos would name persons by a number most no longer use.
    pub(crate) fn may_be_mistyped(&self) -> bool {
        matches!(
            self,
            ParsedId::Cccd(_) | ParsedId::Restored(_) | ParsedId::Opaque(_)
        )
    }

    pub(crate) fn cccd(&self) -> Option<u64> {
        match *self {
            ParsedId::Cccd(id) | ParsedId::Restored(id) => Some(id),
            _ => None,
        }
    }

    /// Reads a participant's `person_id` in `format`.
    ///
    /// ```
    /// use popsync::{IdFormat, ParsedId};
    /// assert_eq!(ParsedId::parse(" 001.090-012345 ", IdFormat::Cccd), ParsedId::Cccd(1090012345));
    /// assert_eq!(ParsedId::parse("1090012345", IdFormat::Cccd), ParsedId::Restored(1090012345));
    /// assert_eq!(ParsedId::parse("1.09001E+11", IdFormat::Cccd), ParsedId::Malformed);
    /// ```
    pub fn parse(raw: &str, format: IdFormat) -> ParsedId {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return ParsedId::Missing;
        }
        if format == IdFormat::Any {
            return ParsedId::Opaque(trimmed.to_string());
        }
        let Some((value, digits)) = digits_of(strip_float_suffix(trimmed)) else {
            return ParsedId::Malformed;
        };
        match digits {
            12 => ParsedId::Cccd(value),
            10 | 11 if is_cccd_prefix((value / 1_000_000_000) as u16) => ParsedId::Restored(value),
            9 => ParsedId::Old(value as u32),
            8 => ParsedId::OldRestored(value as u32),
            _ => ParsedId::Malformed,
        }
    }
}

/// Tools that read an ID column as numbers write `1085012345.0`; that `.0` is not part of the
/// ID. (A dot elsewhere is a digit-group separator, as in `001.090.012.345`.)
fn strip_float_suffix(s: &str) -> &str {
    match s.strip_suffix(".0") {
        Some(number) if !number.contains('.') => number,
        _ => s,
    }
}

/// The value and digit count of an ID once spaces, dots and dashes are removed; `None` when
/// anything else is left, or when there is no digit or more than 12.
pub(crate) fn digits_of(s: &str) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut count = 0usize;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => {
                count += 1;
                if count > 12 {
                    return None;
                }
                value = value * 10 + (b - b'0') as u64;
            }
            b' ' | b'.' | b'-' | b'\t' => {}
            _ => return None,
        }
    }
    (count > 0).then_some((value, count))
}

/// A register's `person_id` in the `cccd` format: 12 digits (10 or 11 when a spreadsheet dropped
/// the leading zeros). The register is the authority, so no structure check rejects its IDs.
pub fn parse_register_cccd(raw: &str) -> Option<u64> {
    match digits_of(strip_float_suffix(raw.trim()))? {
        (value, 12) => Some(value),
        (value, 10 | 11) => Some(value),
        _ => None,
    }
}

/// A register's `old_id`: 9 digits (8 when the leading zero was dropped). Anything else is
/// ignored: the column is optional, and a bad old ID must not cost the register its person.
pub fn parse_old_id(raw: &str) -> Option<u32> {
    match digits_of(raw.trim())? {
        (value, 8 | 9) => Some(value as u32),
        _ => None,
    }
}

/// A 12-digit CCCD as printed: zero-padded (a longer number is printed as it is).
pub(crate) fn format_cccd(id: u64) -> String {
    let mut text = String::with_capacity(12);
    write_cccd(id, &mut text);
    text
}

/// [`format_cccd`], appended to `out`.
pub(crate) fn write_cccd(id: u64, out: &mut String) {
    // By hand rather than `format!("{id:012}")`: this runs for every linked row's output, and
    // the formatting machinery cost more than the rest of writing the ID.
    let mut digits = [b'0'; 12];
    let mut rest = id;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    if rest != 0 {
        out.push_str(itoa::Buffer::new().format(id));
    } else {
        out.push_str(std::str::from_utf8(&digits).expect("ASCII digits"));
    }
}

/// What the digits of a CCCD say about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CccdStructure {
    /// Place of birth registration (digits 1-3).
    pub(crate) prefix: u16,
    pub(crate) gender: Gender,
    /// The full birth year (century from digit 4, year from digits 5-6).
    pub(crate) birth_year: u16,
}

impl CccdStructure {
    pub(crate) fn of(id: u64) -> CccdStructure {
        let prefix = (id / 1_000_000_000) as u16;
        let code = ((id / 100_000_000) % 10) as u16;
        let yy = ((id / 1_000_000) % 100) as u16;
        CccdStructure {
            prefix,
            gender: if code % 2 == 0 {
                Gender::Male
            } else {
                Gender::Female
            },
            birth_year: 1900 + 100 * (code / 2) + yy,
        }
    }

    /// True when the ID contradicts a record's own gender or birth year, or its first three
    /// digits are no place of registration. Unknown fields contradict nothing.
    pub(crate) fn contradicts(&self, gender: Gender, birth_year: Option<u16>) -> bool {
        !is_cccd_prefix(self.prefix)
            || (gender.is_known() && gender != self.gender)
            || birth_year.is_some_and(|y| y != self.birth_year)
    }
}

/// The 12-digit numbers one substitution or one adjacent transposition from `id`.
pub(crate) fn one_edit_variants(id: u64) -> Vec<u64> {
    let mut digits = [0u8; 12];
    let mut rest = id;
    for d in digits.iter_mut().rev() {
        *d = (rest % 10) as u8;
        rest /= 10;
    }
    let place = |i: usize| 10u64.pow(11 - i as u32);
    let mut variants = Vec::with_capacity(119);
    for (i, &digit) in digits.iter().enumerate() {
        let without = id - digit as u64 * place(i);
        variants.extend(
            (0..10u64)
                .filter(|&d| d != digit as u64)
                .map(|d| without + d * place(i)),
        );
    }
    for i in 0..11 {
        let (a, b) = (digits[i] as u64, digits[i + 1] as u64);
        if a != b {
            variants.push(id - a * place(i) - b * place(i + 1) + b * place(i) + a * place(i + 1));
        }
    }
    variants
}

/// True when the 12-digit IDs `a` and `b` are one substitution or one adjacent transposition
/// apart: `b` is among `a`'s [`one_edit_variants`], decided without making them.
pub(crate) fn one_edit_apart(a: u64, b: u64) -> bool {
    let (mut x, mut y) = (a, b);
    let mut differing = [0usize; 3];
    let mut count = 0;
    let (mut da, mut db) = ([0u8; 12], [0u8; 12]);
    for i in (0..12).rev() {
        (da[i], db[i]) = ((x % 10) as u8, (y % 10) as u8);
        (x, y) = (x / 10, y / 10);
        if da[i] != db[i] {
            if count == differing.len() {
                return false;
            }
            differing[count] = i;
            count += 1;
        }
    }
    match count {
        1 => true,
        // Found from the right: the second is the left one.
        2 => {
            let (right, left) = (differing[0], differing[1]);
            right == left + 1 && da[left] == db[right] && da[right] == db[left]
        }
        _ => false,
    }
}

/// The characters a substitution may put in place of `c`: one of its own kind (a digit for a
/// digit, a letter of the same case for a letter). Why of its kind: a mistyped digit is another
/// digit; a letter where a digit was is a different kind of error, and allowing it would make
/// most IDs of a mixed scheme one edit from many.
fn same_kind(c: char) -> &'static [u8] {
    const DIGITS: &[u8] = b"0123456789";
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    match c {
        '0'..='9' => DIGITS,
        'A'..='Z' => UPPER,
        'a'..='z' => LOWER,
        _ => b"",
    }
}

/// The longest opaque ID whose one-edit variants are made: personal IDs of every scheme are
/// far shorter, and a field of thousands of characters would make millions of variants.
const MOST_CHARS_FOR_TYPOS: usize = 32;

/// The opaque IDs (the `any` format) one substitution ([`same_kind`]) or one adjacent
/// transposition from `id`: the text counterpart of [`one_edit_variants`]; none for an ID of
/// more than [`MOST_CHARS_FOR_TYPOS`] characters.
pub(crate) fn one_edit_text_variants(id: &str) -> Vec<String> {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() > MOST_CHARS_FOR_TYPOS {
        return Vec::new();
    }
    let mut variants = Vec::new();
    let mut buffer = chars.clone();
    for i in 0..chars.len() {
        for &b in same_kind(chars[i]) {
            if b as char != chars[i] {
                buffer[i] = b as char;
                variants.push(buffer.iter().collect());
            }
        }
        buffer[i] = chars[i];
    }
    for i in 1..chars.len() {
        if chars[i - 1] != chars[i] {
            buffer.swap(i - 1, i);
            variants.push(buffer.iter().collect());
            buffer.swap(i - 1, i);
        }
    }
    variants
}

/// True when the opaque IDs `a` and `b` are one edit apart: `b` is among `a`'s
/// [`one_edit_text_variants`], decided without making them.
pub(crate) fn one_edit_apart_text(a: &str, b: &str) -> bool {
    if a.chars().count() > MOST_CHARS_FOR_TYPOS {
        return false;
    }
    let mut differing = [(' ', ' ', 0usize); 2];
    let mut count = 0;
    let (mut x, mut y) = (a.chars(), b.chars());
    for i in 0.. {
        match (x.next(), y.next()) {
            (None, None) => break,
            (Some(ca), Some(cb)) if ca == cb => {}
            (Some(ca), Some(cb)) if count < 2 => {
                differing[count] = (ca, cb, i);
                count += 1;
            }
            _ => return false,
        }
    }
    match count {
        1 => {
            let (given, held, _) = differing[0];
            held.is_ascii() && same_kind(given).contains(&(held as u8))
        }
        2 => {
            let [(a0, b0, i0), (a1, b1, i1)] = differing;
            i1 == i0 + 1 && a0 == b1 && a1 == b0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_one_edit_apart_are_membership_of_their_variants() {
        for id in ["1804974", "AB-12x", "A1", "", "7", "99", "Zé9"] {
            let variants = one_edit_text_variants(id);
            for v in &variants {
                assert!(one_edit_apart_text(id, v), "{id} {v}");
                assert!(one_edit_apart_text(v, id), "{v} {id}");
            }
            // Every string one or two edits away is apart exactly when it is a variant.
            for v in &variants {
                for w in one_edit_text_variants(v) {
                    assert_eq!(
                        one_edit_apart_text(id, &w),
                        variants.contains(&w),
                        "{id} {w}"
                    );
                }
            }
            assert!(!one_edit_apart_text(id, id));
            assert!(!one_edit_apart_text(id, &format!("{id}0")));
        }
        assert_eq!(one_edit_text_variants("12").len(), 9 + 9 + 1);
        assert!(
            !one_edit_apart_text("A1", "11"),
            "a digit for a letter is no typo"
        );
        assert!(one_edit_apart_text("1804974", "1809474"));
        // A field far longer than any ID has no variants, and is one edit from nothing.
        let long = "7".repeat(100_000);
        assert!(one_edit_text_variants(&long).is_empty());
        assert!(!one_edit_apart_text(&long, &format!("8{}", &long[1..])));
        assert!(!one_edit_apart_text("1804974", "1840974x"));
    }

    #[test]
    fn one_edit_apart_is_membership_of_the_variants() {
        let mut rng = crate::rng::Rng::new(7);
        for _ in 0..300 {
            let a = rng.below(1_000_000_000_000);
            let variants = one_edit_variants(a);
            for &v in &variants {
                assert!(one_edit_apart(a, v), "{a:012} {v:012}");
            }
            // Two edits, other numbers and the ID itself are not one edit apart.
            let twice = one_edit_variants(variants[rng.below(variants.len() as u64) as usize]);
            for b in twice
                .into_iter()
                .chain((0..50).map(|_| rng.below(1_000_000_000_000)))
                .chain([a])
            {
                assert_eq!(
                    one_edit_apart(a, b),
                    variants.contains(&b),
                    "{a:012} {b:012}"
                );
            }
        }
    }

    #[test]
    fn a_cccd_is_printed_with_its_leading_zeros() {
        assert_eq!(format_cccd(1_090_012_345), "001090012345");
        assert_eq!(format_cccd(1_234_567_890_123), "1234567890123");
    }

    #[test]
    fn a_cccd_is_written_with_its_leading_zeros() {
        for id in [
            0u64,
            7,
            1_090_012_345,
            79_185_012_345,
            999_999_999_999,
            1_000_000_000_000,
        ] {
            assert_eq!(format_cccd(id), format!("{id:012}"));
        }
        assert_eq!(format_cccd(1_090_012_345), "001090012345");
    }

    #[test]
    fn separators_are_ignored() {
        assert_eq!(
            ParsedId::parse("001 090 012 345", IdFormat::Cccd),
            ParsedId::Cccd(1_090_012_345)
        );
        assert_eq!(
            ParsedId::parse("079-1850-12345", IdFormat::Cccd),
            ParsedId::Cccd(79_185_012_345)
        );
        assert_eq!(ParsedId::parse("", IdFormat::Cccd), ParsedId::Missing);
        assert_eq!(ParsedId::parse("  ", IdFormat::Cccd), ParsedId::Missing);
    }

    #[test]
    fn lost_leading_zeros_are_restored_only_into_valid_ids() {
        // 001 (Hà Nội) lost two zeros.
        assert_eq!(
            ParsedId::parse("1090012345", IdFormat::Cccd),
            ParsedId::Restored(1_090_012_345)
        );
        // 079 lost one zero.
        assert_eq!(
            ParsedId::parse("79185012345", IdFormat::Cccd),
            ParsedId::Restored(79_185_012_345)
        );
        // 097 is no province: restoring zeros would invent an ID.
        assert_eq!(
            ParsedId::parse("97185012345", IdFormat::Cccd),
            ParsedId::Malformed
        );
    }

    #[test]
    fn old_ids_and_garbage() {
        assert_eq!(
            ParsedId::parse("012345678", IdFormat::Cccd),
            ParsedId::Old(12_345_678)
        );
        assert_eq!(
            ParsedId::parse("12345678", IdFormat::Cccd),
            ParsedId::OldRestored(12_345_678)
        );
        for raw in [
            "1.23457E+11",
            "00109001234A",
            "1234567",
            "0010900123456",
            "CMND",
            "+84",
        ] {
            assert_eq!(
                ParsedId::parse(raw, IdFormat::Cccd),
                ParsedId::Malformed,
                "{raw}"
            );
        }
    }

    #[test]
    fn float_export_suffix_is_not_a_digit() {
        assert_eq!(
            ParsedId::parse("1085012345.0", IdFormat::Cccd),
            ParsedId::Restored(1_085_012_345)
        );
        assert_eq!(
            ParsedId::parse("001085012345.0", IdFormat::Cccd),
            ParsedId::Cccd(1_085_012_345)
        );
        assert_eq!(parse_register_cccd("1085012345.0"), Some(1_085_012_345));
        assert_eq!(
            ParsedId::parse("001.085.012.345", IdFormat::Cccd),
            ParsedId::Cccd(1_085_012_345)
        );
    }

    #[test]
    fn opaque_ids_are_kept_as_text() {
        assert_eq!(
            ParsedId::parse(" AB-12 ", IdFormat::Any),
            ParsedId::Opaque("AB-12".into())
        );
    }

    #[test]
    fn structure_reads_gender_and_century() {
        let s = CccdStructure::of(1_090_012_345); // 001 0 90 …: male, 1990
        assert_eq!((s.prefix, s.gender, s.birth_year), (1, Gender::Male, 1990));
        let s = CccdStructure::of(79_305_012_345); // 079 3 05 …: female, 2005
        assert_eq!(
            (s.prefix, s.gender, s.birth_year),
            (79, Gender::Female, 2005)
        );
        assert!(!s.contradicts(Gender::Female, Some(2005)));
        assert!(s.contradicts(Gender::Male, Some(2005)));
        assert!(s.contradicts(Gender::Female, Some(1905)));
        assert!(!s.contradicts(Gender::Unknown, None));
        assert!(CccdStructure::of(97_305_012_345).contradicts(Gender::Unknown, None));
    }
}
