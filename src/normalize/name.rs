//! Names in two forms (docs/input.md).
//!
//! - **canonical** decides SYNCED: Unicode NFC, one tone-mark placement for the syllables that
//!   end in `oa`, `oe`, `uy` (`Hoà` = `Hòa`), the lookalike `Ð` (U+00D0) read as `Đ`, case folded,
//!   white space collapsed and trimmed.
//! - **folded** is for fuzzy comparison and blocking: the canonical form without diacritics
//!   (`đ` → `d`), ASCII only.
//!
//! Both forms are idempotent and `folded(canonical(x)) == folded(x)`.

use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The two comparison forms of one name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameForms {
    /// The canonical form: decides SYNCED.
    pub canonical: String,
    /// The folded form (ASCII, no diacritics): fuzzy comparison and blocking.
    pub folded: String,
}

impl NameForms {
    /// Both forms of a raw name; equal to `canonical(raw)` and `folded(raw)`.
    pub fn new(raw: &str) -> NameForms {
        if raw.is_ascii() {
            let canonical = canonical(raw);
            let folded = canonical.clone();
            return NameForms { canonical, folded };
        }
        SYLLABLES.with(|cache| {
            let mut cache = cache.borrow_mut();
            let mut forms = NameForms {
                canonical: String::with_capacity(raw.len()),
                folded: String::with_capacity(raw.len()),
            };
            for token in raw.split(is_separator).filter(|t| !t.is_empty()) {
                let Some(syllable) = cache.get(token) else {
                    return NameForms::slow(raw);
                };
                if syllable.canonical.is_empty() {
                    continue;
                }
                if !forms.canonical.is_empty() {
                    forms.canonical.push(' ');
                    forms.folded.push(' ');
                }
                forms.canonical.push_str(&syllable.canonical);
                forms.folded.push_str(&syllable.folded);
            }
            forms
        })
    }

    /// The forms computed on the whole name, without the syllable cache.
    fn slow(raw: &str) -> NameForms {
        let canonical = canonical(raw);
        let folded = fold_canonical(&canonical);
        NameForms { canonical, folded }
    }
}

/// The forms of one syllable (a token between white space), as [`canonical`] and
/// [`fold_canonical`] would write it inside a name.
struct SyllableForms {
    /// As [`tidy`] writes it (NFC, invisible characters removed, case kept).
    tidy: Box<str>,
    canonical: Box<str>,
    folded: Box<str>,
}

/// Syllables already normalized on this thread. A national file has a few thousand distinct
/// syllables (tens of thousands with case variants) in a hundred million names, so looking a
/// syllable up costs far less than decomposing, reordering and recomposing it every time.
/// Bounded: past [`SyllableCache::MAX`] entries new syllables are computed and not kept.
#[derive(Default)]
struct SyllableCache {
    /// Token → its place in `forms`: a hit is one lookup (a map of the forms themselves
    /// needed two, since a borrow returned from one branch cannot be followed by an insert).
    map: std::collections::HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    forms: Vec<SyllableForms>,
}

impl SyllableCache {
    const MAX: usize = 1 << 17;

    /// The syllable's forms, or `None` when its folded form would not be one clean syllable
    /// (empty, or with spaces from a transliteration): then the whole name takes the slow path,
    /// which collapses those spaces.
    fn get(&mut self, token: &str) -> Option<&SyllableForms> {
        if let Some(&at) = self.map.get(token) {
            return Some(&self.forms[at as usize]);
        }
        let canonical = canonical(token);
        let folded = fold_canonical(&canonical);
        let clean = canonical.is_empty()
            || (!folded.is_empty() && !folded.bytes().any(|b| b.is_ascii_whitespace()));
        // A full cache sends the name down the slow path too: same forms, more work.
        if !clean || self.forms.len() >= Self::MAX {
            return None;
        }
        self.map.insert(token.into(), self.forms.len() as u32);
        self.forms.push(SyllableForms {
            tidy: tidy_uncached(token).into(),
            canonical: canonical.into(),
            folded: folded.into(),
        });
        self.forms.last()
    }
}

thread_local! {
    static SYLLABLES: std::cell::RefCell<SyllableCache> = std::cell::RefCell::default();
}

/// The canonical form of a name.
///
/// ```
/// use popsync::canonical;
/// assert_eq!(canonical("  NGUYỄN   Thị  Hoà "), "nguyễn thị hòa");
/// assert_eq!(canonical("Lê Thuỷ"), canonical("Lê Thủy"));
/// assert_eq!(canonical("\u{00D0}ặng Văn Khoẻ"), "đặng văn khỏe");
/// ```
pub fn canonical(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    canonical_into(raw, &mut out);
    out
}

/// [`canonical`] into a reused buffer (cleared first).
pub(crate) fn canonical_into(raw: &str, out: &mut String) {
    out.clear();
    // Fast path: most exported names in the folded world are plain ASCII, and ASCII needs only
    // case folding and space collapsing, no Unicode tables.
    if raw.is_ascii() {
        for token in raw.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(token.bytes().map(|b| b.to_ascii_lowercase() as char));
        }
        return;
    }
    let mut letters: Vec<char> = Vec::with_capacity(16);
    for token in raw.split(is_separator) {
        letters.clear();
        for c in token.chars() {
            match c {
                // The Icelandic eth looks exactly like the Vietnamese đ and slips in from
                // legacy-encoding conversions; read it as đ in either case.
                '\u{00D0}' | '\u{00F0}' => letters.push('đ'),
                c if is_invisible(c) => {}
                c => letters.extend(c.to_lowercase()),
            }
        }
        if letters.is_empty() {
            continue;
        }
        let mut decomposed: Vec<char> = letters.iter().copied().nfd().collect();
        unify_tone_placement(&mut decomposed);
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(decomposed.into_iter().nfc());
    }
}

/// The folded form of a raw name (canonical, then diacritics removed, ASCII only).
///
/// ```
/// use popsync::folded;
/// assert_eq!(folded("Đỗ Thị Ngọc Hoà"), "do thi ngoc hoa");
/// ```
pub fn folded(raw: &str) -> String {
    fold_canonical(&canonical(raw))
}

/// The folded form of a name that is already canonical.
pub fn fold_canonical(canonical: &str) -> String {
    if canonical.is_ascii() {
        return canonical.to_string();
    }
    let mut out = String::with_capacity(canonical.len());
    let mut transliterated = false;
    for c in canonical.nfd() {
        if c.is_ascii() {
            out.push(c);
        } else if is_combining_mark(c) {
            continue;
        } else if c == 'đ' || c == 'Đ' {
            out.push('d');
        } else {
            // A letter from outside Vietnamese (ø, ß, …): transliterate so the form stays ASCII.
            transliterated = true;
            out.extend(
                deunicode::deunicode_char(c)
                    .unwrap_or("")
                    .chars()
                    .map(|c| c.to_ascii_lowercase()),
            );
        }
    }
    if transliterated || out.starts_with(' ') || out.ends_with(' ') || out.contains("  ") {
        // A transliteration can bring spaces ("᠀" → " @ "), and a syllable of bare marks
        // leaves one behind ("\u{323} T" → " t"): collapse them again, so that folding a folded
        // name changes nothing.
        return out.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    }
    out
}

/// The name as written, tidied for display and storage: NFC, invisible characters removed,
/// white space collapsed and trimmed; case and tone placement are kept as written.
///
/// ```
/// use popsync::tidy;
/// assert_eq!(tidy("  Nguyễn   Thị\u{200B} Hoà "), "Nguyễn Thị Hoà");
/// ```
pub fn tidy(raw: &str) -> String {
    if raw.is_ascii() {
        return tidy_uncached(raw);
    }
    SYLLABLES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let mut out = String::with_capacity(raw.len());
        for token in raw.split(is_separator).filter(|t| !t.is_empty()) {
            let Some(syllable) = cache.get(token) else {
                return tidy_uncached(raw);
            };
            if syllable.tidy.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&syllable.tidy);
        }
        out
    })
}

/// [`tidy`] computed on the whole name.
fn tidy_uncached(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        for token in raw.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(token);
        }
        return out;
    }
    for token in raw.split(is_separator) {
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        out.extend(token.chars().filter(|&c| !is_invisible(c)).nfc());
        if out.len() == before + usize::from(before > 0) {
            out.truncate(before);
        }
    }
    out
}

/// Name tokens (syllables) of a canonical or folded name.
pub(crate) fn tokens(name: &str) -> impl Iterator<Item = &str> {
    name.split(' ').filter(|t| !t.is_empty())
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
}

/// Characters that are invisible in a spreadsheet cell but break equality: zero-width spaces
/// and joiners, the byte-order mark, soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The letters of a syllable in NFD as `(start, end)` ranges of `syllable`: a base character
/// and the combining marks after it.
pub(crate) fn letters_of(syllable: &[char]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i;
        if start == syllable.len() {
            return None;
        }
        i += 1;
        while i < syllable.len() && canonical_combining_class(syllable[i]) != 0 {
            i += 1;
        }
        Some((start, i))
    })
}

/// Moves the tone mark of a syllable ending in `oa`, `oe` or `uy` onto the first vowel (the
/// "old" placement: `hòa`, `khỏe`, `thủy`), so both conventions in use give one canonical form.
/// Works on one lowercase syllable in NFD, where a letter is a base character followed by its
/// combining marks. Closed syllables (`hoàng`) and `qu` + `y` (`quý`) place the mark the same way
/// in both conventions and are left alone.
fn unify_tone_placement(syllable: &mut Vec<char>) {
    let mut letters: [(usize, usize); 8] = [(0, 0); 8];
    let mut count = 0;
    for letter in letters_of(syllable) {
        if count == letters.len() {
            return; // Not a Vietnamese syllable; nothing to unify.
        }
        letters[count] = letter;
        count += 1;
    }
    if count < 2 {
        return;
    }
    let (first, second) = (letters[count - 2], letters[count - 1]);
    let (a, b) = (syllable[first.0], syllable[second.0]);
    let is_pair = matches!((a, b), ('o', 'a') | ('o', 'e') | ('u', 'y'));
    if !is_pair {
        return;
    }
    if count >= 3 {
        let before = syllable[letters[count - 3].0];
        // `qu` + `y` is consonant + vowel, and a vowel before the pair makes a triphthong.
        if is_vowel(before) || (a == 'u' && before == 'q') {
            return;
        }
    }
    // The pair must be plain vowels: `ô`, `ơ`, `ă`, `â`, `ê`, `ư` carry shape marks and belong to
    // other syllable types.
    let marks = |(s, e): (usize, usize)| syllable[s + 1..e].to_vec();
    let first_marks = marks(first);
    let second_marks = marks(second);
    let is_tone = |c: &char| TONE_MARKS.contains(c);
    if first_marks.iter().any(|c| !is_tone(c)) || second_marks.iter().any(|c| !is_tone(c)) {
        return;
    }
    if second_marks.len() != 1 || !first_marks.is_empty() {
        return;
    }
    // Rebuild: first vowel + tone, second vowel bare.
    let tone = second_marks[0];
    syllable.truncate(first.0);
    syllable.extend([a, tone, b]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_placement_conventions_are_one_canonical_form() {
        for (old, new) in [
            ("Hòa", "Hoà"),
            ("Thủy", "Thuỷ"),
            ("Khỏe", "Khoẻ"),
            ("Thúy", "Thuý"),
            ("Xòe", "Xoè"),
            ("Họa", "Hoạ"),
            ("Lũy", "Luỹ"),
        ] {
            assert_eq!(canonical(old), canonical(new), "{old} / {new}");
        }
    }

    #[test]
    fn closed_syllables_and_qu_keep_their_only_placement() {
        assert_eq!(canonical("Hoàng"), "hoàng");
        assert_eq!(canonical("Quý"), "quý");
        assert_eq!(canonical("Khoái"), "khoái");
        assert_eq!(canonical("Nguyễn"), "nguyễn");
        assert_eq!(canonical("Huỳnh"), "huỳnh");
        assert_ne!(canonical("Hòa"), canonical("Hóa"));
    }

    #[test]
    fn decomposed_and_composed_unicode_are_equal() {
        let composed = "Nguyễn Thị Ánh";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(canonical(composed), canonical(&decomposed));
        assert_eq!(canonical(&decomposed), "nguyễn thị ánh");
    }

    #[test]
    fn eth_lookalike_reads_as_d_with_stroke() {
        assert_eq!(canonical("\u{00D0}ặng Thị Ðào"), canonical("Đặng Thị Đào"));
        assert_eq!(canonical("\u{00F0}ỗ"), "đỗ");
    }

    #[test]
    fn case_and_spaces_are_folded() {
        assert_eq!(canonical("TRẦN   VĂN\tBÌNH"), "trần văn bình");
        assert_eq!(canonical("\u{00A0}Lê Văn\u{00A0} Tám "), "lê văn tám");
        assert_eq!(canonical("Phạm\u{200B} Thị Mai"), "phạm thị mai");
        assert_eq!(canonical(""), "");
        assert_eq!(canonical("   "), "");
    }

    #[test]
    fn folded_form_is_ascii_without_diacritics() {
        assert_eq!(folded("Nguyễn Thị Hoà"), "nguyen thi hoa");
        assert_eq!(folded("Đặng Quốc Việt"), "dang quoc viet");
        assert_eq!(folded("Trương Mỹ Ánh"), "truong my anh");
        assert_eq!(folded("Søren"), "soren");
        assert!(folded("Ưng Thị Ợ").is_ascii());
    }

    #[test]
    fn name_forms_through_the_syllable_cache_equal_the_whole_name_forms() {
        for raw in [
            "Nguyễn Thị Hoà",
            "  LÊ  THUỶ ",
            "Ðỗ Khoẻ\u{200B}",
            "\u{323} Tâm",
            "Søren ᠀ Lê",
            "Nguyễn Thị Hoà", // again: now from the cache
            "\u{200B} Lê",
        ] {
            let forms = NameForms::new(raw);
            assert_eq!(forms.canonical, canonical(raw), "{raw:?}");
            assert_eq!(forms.folded, folded(raw), "{raw:?}");
            assert_eq!(tidy(raw), tidy_uncached(raw), "{raw:?}");
        }
    }

    #[test]
    fn forms_are_idempotent_and_fold_through_canonical() {
        for raw in [
            "Nguyễn Thị Hoà",
            "  LÊ  THUỶ ",
            "Ðỗ Khoẻ",
            "Quách Tĩnh",
            "A b  C",
        ] {
            let c = canonical(raw);
            assert_eq!(canonical(&c), c, "{raw}");
            assert_eq!(folded(&c), folded(raw), "{raw}");
            assert_eq!(folded(&folded(raw)), folded(raw), "{raw}");
        }
    }
}
