//! String-level changes to Vietnamese names: the raw material of the name errors.
//!
//! Vietnamese letters carry up to two marks: a shape mark (circumflex, breve, horn) and a tone
//! mark (grave, acute, tilde, hook above, dot below). The functions here work on one syllable in
//! NFD, where a letter is a base character followed by its marks, and always return NFC.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use crate::normalize::name::letters_of;

/// The five tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng.
pub(crate) const TONE_MARKS: [char; 5] =
    ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

fn is_tone(c: char) -> bool {
    TONE_MARKS.contains(&c)
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The name without any mark, case kept: `Đỗ Thị Hòa` → `Do Thi Hoa`. ASCII for Vietnamese.
pub(crate) fn strip_diacritics(name: &str) -> String {
    name.nfd()
        .filter(|&c| canonical_combining_class(c) == 0)
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// The name in capitals, NFC: `Nguyễn Thị Hòa` → `NGUYỄN THỊ HÒA`.
pub(crate) fn upper(name: &str) -> String {
    name.chars().flat_map(char::to_uppercase).nfc().collect()
}

/// The syllable with its tone mark moved to the other vowel of a final `oa`, `oe` or `uy`
/// (`hòa` ↔ `hoà`), or `None` when the syllable has a single placement: closed syllables
/// (`hoàng`), `qu` + `y` (`quý`), a vowel before the pair (`khoái`), shape marks on the pair, or
/// no tone at all. The same rule as the canonical form of names (`crate::normalize::name`).
pub(crate) fn toggle_syllable(syllable: &str) -> Option<String> {
    let chars: Vec<char> = syllable.nfd().collect();
    let letters: Vec<(usize, usize)> = letters_of(&chars).collect();
    let count = letters.len();
    if count < 2 {
        return None;
    }
    let (first, second) = (letters[count - 2], letters[count - 1]);
    let (a, b) = (
        chars[first.0].to_ascii_lowercase(),
        chars[second.0].to_ascii_lowercase(),
    );
    if !matches!((a, b), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return None;
    }
    if count >= 3 {
        let before = chars[letters[count - 3].0].to_ascii_lowercase();
        if is_vowel(before) || (a == 'u' && before == 'q') {
            return None;
        }
    }
    let first_marks = &chars[first.0 + 1..first.1];
    let second_marks = &chars[second.0 + 1..second.1];
    if first_marks.iter().chain(second_marks).any(|&c| !is_tone(c)) {
        return None;
    }
    let mut out: Vec<char> = chars[..first.0].to_vec();
    match (first_marks, second_marks) {
        ([tone], []) => out.extend([chars[first.0], chars[second.0], *tone]),
        ([], [tone]) => out.extend([chars[first.0], *tone, chars[second.0]]),
        _ => return None,
    }
    Some(out.into_iter().nfc().collect())
}

/// The name with every syllable that has two tone placements written the other way, or `None`
/// when no syllable has.
pub(crate) fn toggle_tone_placement(name: &str) -> Option<String> {
    let mut changed = false;
    let mut out = String::with_capacity(name.len() + 4);
    for (i, syllable) in name.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match toggle_syllable(syllable) {
            Some(toggled) => {
                changed = true;
                out.push_str(&toggled);
            }
            None => out.push_str(syllable),
        }
    }
    changed.then_some(out)
}

/// The tone mark of a syllable, if it has one.
pub(crate) fn tone_of(syllable: &str) -> Option<char> {
    syllable.nfd().find(|&c| is_tone(c))
}

/// True when some syllable of the name has a tone mark.
pub(crate) fn has_tone(name: &str) -> bool {
    !name.is_ascii() && name.nfd().any(is_tone)
}

/// The syllable with its tone replaced (`None`: no tone). The new mark goes on the letter that
/// carried the old one, after its shape mark, so NFC composes it (`ề`, not `è` + circumflex).
/// The syllable must have a tone.
pub(crate) fn with_tone(syllable: &str, tone: Option<char>) -> String {
    let chars: Vec<char> = syllable.nfd().collect();
    let mut out = Vec::with_capacity(chars.len() + 1);
    for (start, end) in letters_of(&chars) {
        let marks = &chars[start + 1..end];
        out.push(chars[start]);
        out.extend(marks.iter().copied().filter(|&c| !is_tone(c)));
        if marks.iter().any(|&c| is_tone(c)) {
            out.extend(tone);
        }
    }
    out.into_iter().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::name::canonical;

    #[test]
    fn diacritics_are_stripped_and_case_kept() {
        assert_eq!(strip_diacritics("Đặng Thị Hòa"), "Dang Thi Hoa");
        assert_eq!(strip_diacritics("NGUYỄN ĐỨC"), "NGUYEN DUC");
        assert!(strip_diacritics("Ưng Quỳnh Ợ").is_ascii());
    }

    #[test]
    fn placement_toggles_only_where_two_placements_exist() {
        for (old, new) in [
            ("Hòa", "Hoà"),
            ("Thủy", "Thuỷ"),
            ("Khỏe", "Khoẻ"),
            ("Thúy", "Thuý"),
            ("HÒA", "HOÀ"),
        ] {
            assert_eq!(toggle_syllable(old).as_deref(), Some(new), "{old}");
            assert_eq!(toggle_syllable(new).as_deref(), Some(old), "{new}");
            assert_eq!(canonical(old), canonical(new));
        }
        for fixed in [
            "Quý", "Hoàng", "Khoa", "Duy", "Khoái", "Nguyễn", "Thoại", "Huỳnh", "Tuyết",
        ] {
            assert_eq!(toggle_syllable(fixed), None, "{fixed}");
        }
        assert_eq!(
            toggle_tone_placement("Lê Thị Thủy").as_deref(),
            Some("Lê Thị Thuỷ")
        );
        assert_eq!(toggle_tone_placement("Lê Văn Quý"), None);
    }

    #[test]
    fn tones_are_replaced_after_the_shape_mark() {
        assert_eq!(tone_of("Hùng"), Some('\u{0300}'));
        assert_eq!(tone_of("Lan"), None);
        assert_eq!(with_tone("Hùng", Some('\u{0301}')), "Húng");
        assert_eq!(with_tone("Hùng", None), "Hung");
        assert_eq!(with_tone("Nguyễn", Some('\u{0300}')), "Nguyền");
        assert_eq!(with_tone("Thị", Some('\u{0303}')), "Thĩ");
        assert_eq!(with_tone("Đức", Some('\u{0323}')), "Đực");
    }

    #[test]
    fn capitals_are_nfc() {
        let up = upper("Nguyễn Thị Hòa");
        assert_eq!(up, "NGUYỄN THỊ HÒA");
        assert_eq!(up.nfc().collect::<String>(), up);
    }
}
