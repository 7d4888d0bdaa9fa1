//! Field comparison levels (docs/matching.md): how a participant's name, date of birth and gender
//! relate to a register person's. Each level names the reason code it reports; the levels are
//! also the categories the scoring model counts.

use crate::matching::reason::Reason;
use crate::normalize::date::{DateField, DateProblem, PartialDate, Precision};
use crate::normalize::name::tokens;
use crate::normalize::{Gender, NameForms};
use crate::province::Place;
use crate::register::blocking::{NameParts, UNKNOWN_SYLLABLE};
use crate::register::spellings::{Spellings, SHORTEST_CORRECTED};
use crate::register::{PersonIdx, Register, Syllables};

/// Reusable strings a register name is spelled into when a comparison needs its text: one set
/// per matching thread.
#[derive(Default)]
pub struct NameBuffers {
    canonical: String,
    folded: String,
}

/// A participant's folded name, in the register's syllable indexes.
pub(crate) struct FoldedName {
    pub(crate) parts: NameParts,
    /// The folded syllables, and their indexes ([`UNKNOWN_SYLLABLE`]: no register name has it).
    pub(crate) texts: Vec<String>,
    pub(crate) ids: Vec<u32>,
}

impl FoldedName {
    /// A participant's folded name in `syllables` (`None` without one).
    pub(crate) fn of(name: &NameForms, syllables: &Syllables) -> Option<FoldedName> {
        let texts: Vec<String> = tokens(&name.folded).map(String::from).collect();
        let ids: Vec<u32> = (texts.iter())
            .map(|t| syllables.folded_id(t).unwrap_or(UNKNOWN_SYLLABLE))
            .collect();
        let parts = NameParts::new(&ids, |i| texts[i].as_str())?;
        Some(FoldedName { parts, texts, ids })
    }

    /// The name's parts in its other orders, each `None` where the name has too few syllables
    /// for it or it repeats an earlier reading:
    /// - the other way round ("An Văn Nguyễn" for Nguyễn Văn An: the given name first);
    /// - the Western order, the family name last ("Văn An Nguyễn"; three or more syllables);
    /// - the given name moved to the front, the family and middle names after it in their
    ///   order ("An Nguyễn Văn"; three or more syllables).
    pub(crate) fn other_orders(&self) -> [Option<NameParts>; 3] {
        let reversed = (self.ids.len() >= 2 && self.parts.family != self.parts.given)
            .then(|| self.parts.reversed(&self.texts[0]));
        let n = self.ids.len();
        // The syllables with each moved `by` places to the right, round to the start.
        let rotated = |by: usize| {
            let at = |i: usize| (i + n - by) % n;
            let ids: Vec<u32> = (0..n).map(|i| self.ids[at(i)]).collect();
            NameParts::new(&ids, |i| self.texts[at(i)].as_str())
        };
        if n < 3 {
            return [reversed, None, None];
        }
        let western = rotated(1).filter(|w| *w != self.parts && Some(*w) != reversed);
        let given_first = rotated(n - 1)
            .filter(|g| *g != self.parts && Some(*g) != reversed && Some(*g) != western);
        [reversed, western, given_first]
    }

    /// Every reading of the name the search asks: as written, in its other orders
    /// ([`FoldedName::other_orders`]), and with a slipped space closed
    /// ([`FoldedName::joined`]).
    pub(crate) fn readings(&self, syllables: &Syllables) -> Vec<NameParts> {
        let mut readings = vec![self.parts];
        readings.extend(self.other_orders().into_iter().flatten());
        readings.extend(self.joined(syllables));
        readings
    }

    /// The name's parts with two neighbouring syllables written as one, for each pair that makes
    /// a syllable of some register name: a space slipped into a name part ("Black Well Amber"
    /// for Blackwell Amber, "Webb Luc Y" for Webb Lucy), which no key of the name as written
    /// reaches when the part is the family or the given name.
    pub(crate) fn joined(&self, syllables: &Syllables) -> Vec<NameParts> {
        let mut joined = String::new();
        (1..self.texts.len())
            .filter_map(|i| {
                joined.clear();
                joined.push_str(&self.texts[i - 1]);
                joined.push_str(&self.texts[i]);
                let id = syllables.folded_id(&joined)?;
                let mut texts = self.texts.clone();
                texts.splice(i - 1..=i, [joined.clone()]);
                let mut ids = self.ids.clone();
                ids.splice(i - 1..=i, [id]);
                NameParts::new(&ids, |k| texts[k].as_str())
            })
            .collect()
    }

    /// The name's parts with its family or given syllable corrected (or both): one that no
    /// register name has, replaced by each register syllable one edit from it; one of two
    /// letters, also read with them swapped where that is a register syllable. No key reaches a
    /// typo in both ("bzeuch nikiga" for Bezuch Nikita), nor a typo in one with the date
    /// mistyped too: every key holds one of them as written, or the whole name. Nor does any
    /// key reach a two-letter given name with its letters swapped ("Yv" for Vy, "Na" for An):
    /// that changes its first letter, its last and itself, one of which every key holds. None
    /// when there is nothing to correct, or when an unknown part has no register syllable one
    /// edit from it or more than [`MOST_CORRECTIONS`] (no guess among so many).
    pub(crate) fn corrected(&self, spellings: &Spellings, syllables: &Syllables) -> Vec<NameParts> {
        let last = self.ids.len().saturating_sub(1);
        if last == 0 {
            return Vec::new();
        }
        let options = |i: usize| -> Option<Vec<u32>> {
            let text = &self.texts[i];
            let swapped = swapped_pair(text).and_then(|s| syllables.folded_id(&s));
            if self.ids[i] != UNKNOWN_SYLLABLE {
                return Some([self.ids[i]].into_iter().chain(swapped).collect());
            }
            if let Some(swapped) = swapped {
                return Some(vec![swapped]);
            }
            if text.chars().count() < SHORTEST_CORRECTED {
                return None;
            }
            let mut found = spellings.candidates(text);
            found.retain(|&id| edits_within(text, &syllables.folded[id as usize], 1).is_some());
            (!found.is_empty() && found.len() <= MOST_CORRECTIONS).then_some(found)
        };
        let (Some(families), Some(givens)) = (options(0), options(last)) else {
            return Vec::new();
        };
        let mut corrected = Vec::with_capacity(families.len() * givens.len());
        let mut ids = self.ids.clone();
        for &family in &families {
            for &given in &givens {
                if (family, given) == (self.ids[0], self.ids[last]) {
                    continue; // the name as written
                }
                (ids[0], ids[last]) = (family, given);
                let spell = |k: usize| match k {
                    0 => &*syllables.folded[family as usize],
                    k if k == last => &*syllables.folded[given as usize],
                    k => self.texts[k].as_str(),
                };
                corrected.extend(NameParts::new(&ids, spell));
            }
        }
        corrected
    }
}

/// `text` with its two letters swapped, when it has two.
fn swapped_pair(text: &str) -> Option<String> {
    let mut letters = text.chars();
    match (letters.next(), letters.next(), letters.next()) {
        (Some(first), Some(second), None) if first != second => {
            Some([second, first].into_iter().collect())
        }
        _ => None,
    }
}

/// The most register syllables a mistyped name part is read as ([`FoldedName::corrected`]).
const MOST_CORRECTIONS: usize = 4;

/// How two names relate, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameLevel {
    /// Canonical forms equal.
    Exact,
    /// Equal once diacritics are removed (a wrong or missing accent).
    Diacritics,
    /// The same syllables in another order.
    Order,
    /// Same family and given name; the middle name is missing or extra.
    Middle,
    /// Same family and given name and as many syllables, but another middle name (Nguyễn Văn
    /// Hùng, Nguyễn Đức Hùng): often a different person, so it is weighed apart from `Middle`.
    MiddleDiffers,
    /// One edit apart once folded, as many syllables or one more or fewer (a space slipped into
    /// or out of a name part: Black Well, Blackwell).
    Typo,
    /// Two edits apart once folded, syllables as for `Typo`, the longer name 10 characters or
    /// more. Weighed apart from `Typo`: two edits inside a short given name (Nga, Hà) make
    /// another name far more often than a slip of the keyboard does.
    TwoTypos,
    /// Different names.
    Differs,
    /// One side has no name.
    Missing,
}

impl NameLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NameLevel::Exact => "exact",
            NameLevel::Diacritics => "diacritics",
            NameLevel::Order => "order",
            NameLevel::Middle => "middle",
            NameLevel::MiddleDiffers => "middle_differs",
            NameLevel::Typo => "typo",
            NameLevel::TwoTypos => "two_typos",
            NameLevel::Differs => "differs",
            NameLevel::Missing => "missing",
        }
    }

    pub(crate) fn reason(self) -> Option<Reason> {
        match self {
            NameLevel::Exact => None,
            NameLevel::Diacritics => Some(Reason::NameDiacritics),
            NameLevel::Order => Some(Reason::NameOrder),
            NameLevel::Middle | NameLevel::MiddleDiffers => Some(Reason::NameMiddle),
            NameLevel::Typo | NameLevel::TwoTypos => Some(Reason::NameTypo),
            NameLevel::Differs | NameLevel::Missing => Some(Reason::NameDiffers),
        }
    }
}

/// How two dates of birth relate, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateLevel {
    /// Same precision, same value.
    Exact,
    /// One side is less precise (a year, a month) and agrees with the other.
    Partial,
    /// Day and month swapped.
    Swapped,
    /// Year off by one, the rest agreeing.
    YearOff,
    /// One digit different, or two adjacent digits swapped; also a date that names no real
    /// day, one keystroke from the other (31/02/1990 against 21/02/1990).
    Typo,
    /// Different dates.
    Differs,
    /// The register has no usable date.
    Missing,
    /// The participant's date is missing or unreadable.
    Invalid,
}

impl DateLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DateLevel::Exact => "exact",
            DateLevel::Partial => "partial",
            DateLevel::Swapped => "swapped",
            DateLevel::YearOff => "year_off",
            DateLevel::Typo => "typo",
            DateLevel::Differs => "differs",
            DateLevel::Missing => "missing",
            DateLevel::Invalid => "invalid",
        }
    }

    pub(crate) fn reason(self) -> Option<Reason> {
        match self {
            DateLevel::Exact => None,
            DateLevel::Partial => Some(Reason::DobPartial),
            DateLevel::Swapped => Some(Reason::DobDayMonthSwapped),
            DateLevel::YearOff => Some(Reason::DobYearOff),
            DateLevel::Typo => Some(Reason::DobTypo),
            DateLevel::Differs | DateLevel::Missing => Some(Reason::DobDiffers),
            DateLevel::Invalid => Some(Reason::DobInvalid),
        }
    }
}

/// How two genders relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GenderLevel {
    /// Equal, or both unknown.
    Equal,
    /// Known on one side only.
    Missing,
    Differs,
}

impl GenderLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            GenderLevel::Equal => "equal",
            GenderLevel::Missing => "missing",
            GenderLevel::Differs => "differs",
        }
    }

    pub(crate) fn reason(self) -> Option<Reason> {
        match self {
            GenderLevel::Equal => None,
            GenderLevel::Missing => Some(Reason::GenderMissing),
            GenderLevel::Differs => Some(Reason::GenderDiffers),
        }
    }
}

/// How the participant's province (the managing office) relates to the register person's
/// province of residence. Not an identity field (it never makes a row DIFF, and has no reason
/// code), but evidence: most people are insured where they live, so a namesake in another
/// province is less likely to be the person, and one in another former province of the same
/// merged province (since 2025) is less likely than one in the very same former province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ProvinceLevel {
    /// The same province as written: one former province, or one current code on both sides.
    Exact,
    /// The same current province, not known to be the same former one (two former provinces
    /// merged in 2025, or one side gives a current code only).
    Equal,
    Differs,
    /// Unknown on either side.
    Missing,
}

impl ProvinceLevel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ProvinceLevel::Exact => "exact",
            ProvinceLevel::Equal => "equal",
            ProvinceLevel::Differs => "differs",
            ProvinceLevel::Missing => "missing",
        }
    }
}

/// Compares two places (`None`: unknown).
pub(crate) fn compare_provinces(given: Option<Place>, register: Option<Place>) -> ProvinceLevel {
    match (given, register) {
        (Some(a), Some(b)) if a.current != b.current => ProvinceLevel::Differs,
        (Some(a), Some(b)) if a.former == b.former => ProvinceLevel::Exact,
        (Some(_), Some(_)) => ProvinceLevel::Equal,
        _ => ProvinceLevel::Missing,
    }
}

/// Most syllables a name can have for [`NameIds`]; longer names take the string path.
const MAX_SYLLABLES: usize = 8;

/// Whether `given` (a canonical name) is the person's canonical name exactly: syllable by
/// syllable against the register's strings, no lookup. The ID path asks this first, since most
/// ID hits are the holder's record as the register has it, and comparing those few bytes costs
/// less than looking up the name's syllables ([`NameIds::of`]). Only `true` is decisive: a name
/// with a syllable that is not one clean token says `false` and is compared in full.
pub(crate) fn is_written_exactly(given: &str, register: &Register, person: PersonIdx) -> bool {
    let syllables = &register.syllables;
    let mut written = register.syllable_ids(person).iter();
    let mut any = false;
    for token in tokens(given) {
        let Some(&w) = written.next() else {
            return false;
        };
        let w = w as usize;
        if !syllables.clean[w] || *syllables.canonical[syllables.canonical_of[w] as usize] != *token
        {
            return false;
        }
        any = true;
    }
    any && written.next().is_none()
}

/// A syllable the register has never seen: equal to no register syllable.
const UNSEEN: u32 = u32::MAX;

/// A participant's name as the register's interned syllables (canonical and folded), looked up
/// once per participant. Comparing it with a register person's name then compares integers,
/// where building the person's name strings and comparing those would be the search's main
/// cost (it compares hundreds of candidates per row in a national register).
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameIds {
    canonical: [u32; MAX_SYLLABLES],
    folded: [u32; MAX_SYLLABLES],
    canonical_len: u8,
    folded_len: u8,
    /// False when the name is too long for the arrays: compare strings instead.
    usable: bool,
}

impl NameIds {
    pub(crate) fn of(name: &NameForms, syllables: &Syllables) -> NameIds {
        let canonical = intern(&name.canonical, |t| syllables.canonical_id(t));
        let folded = intern(&name.folded, |t| syllables.folded_id(t));
        match (canonical, folded) {
            (Some((canonical, canonical_len)), Some((folded, folded_len))) => NameIds {
                canonical,
                folded,
                canonical_len,
                folded_len,
                usable: true,
            },
            _ => NameIds {
                canonical: [UNSEEN; MAX_SYLLABLES],
                folded: [UNSEEN; MAX_SYLLABLES],
                canonical_len: 0,
                folded_len: 0,
                usable: false,
            },
        }
    }
}

/// The interned index of every syllable of `form` (`UNSEEN` for one the register lacks), and
/// how many there are; `None` for a name of more than [`MAX_SYLLABLES`].
fn intern(form: &str, id_of: impl Fn(&str) -> Option<u32>) -> Option<([u32; MAX_SYLLABLES], u8)> {
    let mut ids = [UNSEEN; MAX_SYLLABLES];
    let mut len = 0u8;
    for token in tokens(form) {
        *ids.get_mut(len as usize)? = id_of(token).unwrap_or(UNSEEN);
        len += 1;
    }
    Some((ids, len))
}

/// [`compare_names`] of a participant's name with register person `person`'s, deciding on the
/// interned syllables when it can (every level but a possible typo), and on the strings,
/// built in `buffers`, when it cannot. Always the same level as [`compare_names`].
pub(crate) fn compare_names_in_register(
    given: &NameForms,
    ids: &NameIds,
    register: &Register,
    person: PersonIdx,
    buffers: &mut NameBuffers,
) -> NameLevel {
    let written = register.syllable_ids(person);
    let syllables = &register.syllables;
    if !ids.usable
        || written.len() > MAX_SYLLABLES
        || written.iter().any(|&w| !syllables.clean[w as usize])
    {
        register.canonical_name(person, &mut buffers.canonical);
        register.folded_name(person, &mut buffers.folded);
        return compare_names(given, &buffers.canonical, &buffers.folded);
    }
    if given.canonical.is_empty() || written.is_empty() {
        return NameLevel::Missing;
    }
    let canonical = &ids.canonical[..ids.canonical_len as usize];
    if canonical.len() == written.len()
        && canonical
            .iter()
            .zip(written)
            .all(|(&c, &w)| syllables.canonical_of[w as usize] == c)
    {
        return NameLevel::Exact;
    }
    let a = &ids.folded[..ids.folded_len as usize];
    let mut b = [0u32; MAX_SYLLABLES];
    for (slot, &w) in b.iter_mut().zip(written) {
        *slot = syllables.folded_of[w as usize];
    }
    let b = &b[..written.len()];
    if a == b {
        return NameLevel::Diacritics;
    }
    if a.len() == b.len() && a.len() > 1 {
        let (mut sa, mut sb) = ([0u32; MAX_SYLLABLES], [0u32; MAX_SYLLABLES]);
        sa[..a.len()].copy_from_slice(a);
        sb[..b.len()].copy_from_slice(b);
        sa[..a.len()].sort_unstable();
        sb[..b.len()].sort_unstable();
        if sa == sb {
            return NameLevel::Order;
        }
    }
    let folded_len = b
        .iter()
        .map(|&f| syllables.folded[f as usize].len())
        .sum::<usize>()
        + b.len()
        - 1;
    let longest = given.folded.len().max(folded_len);
    let allowed = edits_allowed(longest);
    // The length difference is a lower bound of the edit distance: most pairs need no string.
    let typo = || {
        if !spacing_allows_typo(a.len(), b.len())
            || given.folded.len().abs_diff(folded_len) > allowed
        {
            return None;
        }
        register.folded_name(person, &mut buffers.folded);
        typo_level(&given.folded, &buffers.folded, allowed)
    };
    middle_typo_or_differs(a, b, typo)
}

/// The levels below `Order`, from the folded syllables of both names (as strings or as
/// interned IDs: the same decision either way) and the typo level of the two names
/// ([`typo_level`]), found only when a level depends on it.
fn middle_typo_or_differs<T: PartialEq>(
    a: &[T],
    b: &[T],
    mut typo: impl FnMut() -> Option<NameLevel>,
) -> NameLevel {
    if a.len() >= 2 && b.len() >= 2 && a[0] == b[0] && a.last() == b.last() {
        if a.len() != b.len() {
            return NameLevel::Middle;
        }
        if a.len() > 2 {
            return typo().unwrap_or(NameLevel::MiddleDiffers);
        }
    }
    typo().unwrap_or(NameLevel::Differs)
}

/// Whether names of `a` and `b` syllables can be typos of one another: as many syllables, or
/// one more or fewer, where a space slipped into or out of a name part is the edit (Black Well
/// and Blackwell, Luc Y and Lucy). A syllable more or fewer that keeps the family and given
/// names is a middle name (`Middle`), decided before.
fn spacing_allows_typo(a: usize, b: usize) -> bool {
    a.abs_diff(b) <= 1
}

/// The most edits two folded names of which the longer has `longest` bytes may be apart and
/// still be typos of one another: one, or two from 10 characters on.
fn edits_allowed(longest: usize) -> usize {
    if longest >= 10 {
        2
    } else {
        1
    }
}

/// `Typo` when two folded names are one edit apart, `TwoTypos` when two and `allowed` is 2,
/// `None` when further (the caller has checked their syllable counts: [`spacing_allows_typo`]).
fn typo_level(a: &str, b: &str, allowed: usize) -> Option<NameLevel> {
    match edits_within(a, b, allowed)? {
        0 | 1 => Some(NameLevel::Typo),
        _ => Some(NameLevel::TwoTypos),
    }
}

/// The Damerau-Levenshtein distance of `a` and `b` when it is at most `k`, `None` when larger.
///
/// Every edit changes the letter counts of a string by at most 2 (a substitution takes one
/// letter out and puts one in; a transposition changes none), so two strings whose letter
/// counts differ by more than `2k` are more than `k` edits apart. Most names a search compares
/// fail that cheap test, and the full distance (a quadratic table) is computed for the rest.
pub(crate) fn edits_within(a: &str, b: &str, k: usize) -> Option<usize> {
    let bounded = |distance: usize| (distance <= k).then_some(distance);
    if !a.is_ascii() || !b.is_ascii() {
        return bounded(strsim::damerau_levenshtein(a, b));
    }
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    let mut counts = [0i16; 256];
    for &c in a.as_bytes() {
        counts[c as usize] += 1;
    }
    for &c in b.as_bytes() {
        counts[c as usize] -= 1;
    }
    let apart: usize = counts.iter().map(|c| c.unsigned_abs() as usize).sum();
    if apart > 2 * k {
        return None;
    }
    // A common prefix or suffix never changes the distance (an optimal alignment matches it
    // letter for letter), and names that are close mostly differ in a few letters: the
    // quadratic table is built over what is left (tested against strsim on all short strings
    // of a small alphabet).
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // ASCII throughout, so every cut is a character boundary.
    match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) => bounded(strsim::damerau_levenshtein(a, b)),
        _ => None,
    }
}

/// Compares a participant's name with a register name given in its canonical and folded forms.
pub fn compare_names(given: &NameForms, canonical: &str, folded: &str) -> NameLevel {
    if given.canonical.is_empty() || canonical.is_empty() {
        return NameLevel::Missing;
    }
    if given.canonical == canonical {
        return NameLevel::Exact;
    }
    if given.folded == folded {
        return NameLevel::Diacritics;
    }
    let a: Vec<&str> = tokens(&given.folded).collect();
    let b: Vec<&str> = tokens(folded).collect();
    if a.len() == b.len() && a.len() > 1 {
        let (mut sa, mut sb) = (a.clone(), b.clone());
        sa.sort_unstable();
        sb.sort_unstable();
        if sa == sb {
            return NameLevel::Order;
        }
    }
    let allowed = edits_allowed(given.folded.len().max(folded.len()));
    let typo = || {
        spacing_allows_typo(a.len(), b.len())
            .then(|| typo_level(&given.folded, folded, allowed))
            .flatten()
    };
    middle_typo_or_differs(&a, &b, typo)
}

/// Compares a participant's date field with a register date (`None`: the register has none).
pub fn compare_dates(given: DateField, register: Option<PartialDate>) -> DateLevel {
    let given = match given {
        DateField::Known(d) => d,
        // A day that does not exist, one keystroke from the register's (31/02/1990 for
        // 21/02/1990): the typo it is. Any other unreadable date says nothing.
        DateField::Invalid(DateProblem::Impossible(Some(written)))
            if register.is_some_and(|r| written.one_keystroke_from(r)) =>
        {
            return DateLevel::Typo;
        }
        DateField::Missing | DateField::Invalid(_) => return DateLevel::Invalid,
    };
    let Some(register) = register else {
        return DateLevel::Missing;
    };
    if given == register {
        return DateLevel::Exact;
    }
    // Compare on what both sides know.
    let both_month = given.month().is_some() && register.month().is_some();
    let both_day = given.day().is_some() && register.day().is_some();
    let month_agrees = !both_month || given.month() == register.month();
    let day_agrees = !both_day || given.day() == register.day();
    if given.precision() != register.precision()
        && given.year() == register.year()
        && month_agrees
        && day_agrees
    {
        return DateLevel::Partial;
    }
    if given.precision() == Precision::Day && register.precision() == Precision::Day {
        let (gd, gm) = (given.day().unwrap_or(0), given.month().unwrap_or(0));
        let (rd, rm) = (register.day().unwrap_or(0), register.month().unwrap_or(0));
        if given.year() == register.year() && gd == rm && gm == rd && gd != gm {
            return DateLevel::Swapped;
        }
    }
    if month_agrees && day_agrees && given.year().abs_diff(register.year()) == 1 {
        return DateLevel::YearOff;
    }
    if given.precision() == register.precision() && given.one_keystroke_from(register) {
        return DateLevel::Typo;
    }
    DateLevel::Differs
}

pub(crate) fn compare_genders(given: Gender, register: Gender) -> GenderLevel {
    match (given.is_known(), register.is_known()) {
        (false, false) => GenderLevel::Equal,
        (true, true) if given == register => GenderLevel::Equal,
        (true, true) => GenderLevel::Differs,
        _ => GenderLevel::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_former_province_is_exact_and_a_merged_one_only_equal() {
        let table = crate::province::ProvinceTable::builtin();
        let place = |code: &str| table.place_of(table.classify(code));
        let level = |a: &str, b: &str| compare_provinces(place(a), place(b));
        assert_eq!(level("079", "079"), ProvinceLevel::Exact);
        assert_eq!(level("79", "79"), ProvinceLevel::Exact);
        // Bà Rịa-Vũng Tàu and Bình Dương went into Hồ Chí Minh in 2025.
        assert_eq!(level("079", "077"), ProvinceLevel::Equal);
        assert_eq!(level("074", "077"), ProvinceLevel::Equal);
        // A current code cannot say which former province.
        assert_eq!(level("79", "077"), ProvinceLevel::Equal);
        assert_eq!(level("079", "79"), ProvinceLevel::Equal);
        assert_eq!(level("079", "001"), ProvinceLevel::Differs);
        assert_eq!(level("", "001"), ProvinceLevel::Missing);
        assert_eq!(level("079", "999"), ProvinceLevel::Missing);
    }

    fn names(a: &str, b: &str) -> NameLevel {
        let b = NameForms::new(b);
        compare_names(&NameForms::new(a), &b.canonical, &b.folded)
    }

    fn dates(a: &str, b: &str) -> DateLevel {
        compare_dates(DateField::parse(a), PartialDate::parse(b).ok())
    }

    #[test]
    fn name_levels() {
        assert_eq!(names("Nguyễn Thị Hoà", "NGUYỄN THỊ HÒA"), NameLevel::Exact);
        // A space slipped into or out of a name part is one edit.
        assert_eq!(
            names("Black Well Amber", "Blackwell Amber"),
            NameLevel::Typo
        );
        assert_eq!(names("Webb Lucy", "Webb Luc Y"), NameLevel::Typo);
        assert_eq!(names("Homa Nn Noa", "Homann Noah"), NameLevel::TwoTypos);
        // A syllable more that keeps the family and given names is still a middle name, and
        // one more with other letters is another name.
        assert_eq!(names("Nguyễn An", "Nguyễn Văn An"), NameLevel::Middle);
        assert_eq!(names("Lê Văn", "Lê Văn A"), NameLevel::Differs);
        assert_eq!(
            names("Nguyen Thi Hoa", "Nguyễn Thị Hòa"),
            NameLevel::Diacritics
        );
        assert_eq!(
            names("Nguyễn Thị Hóa", "Nguyễn Thị Hòa"),
            NameLevel::Diacritics
        );
        assert_eq!(names("Thị Hòa Nguyễn", "Nguyễn Thị Hòa"), NameLevel::Order);
        assert_eq!(names("Nguyễn Hòa", "Nguyễn Thị Hòa"), NameLevel::Middle);
        assert_eq!(names("Nguyễn Văn Hùng", "Nguyễn Văn Hùnh"), NameLevel::Typo);
        assert_eq!(
            names("Nguyễn Thị Nga", "Nguyễn Thị Hà"),
            NameLevel::TwoTypos
        );
        assert_eq!(names("Lê Thị Hiền", "Lê Thị Huệ"), NameLevel::TwoTypos);
        // Two edits are a typo level only in names of 10 characters or more.
        assert_eq!(names("Lý Hiền", "Lý Huệ"), NameLevel::Differs);
        assert_eq!(names("Trần Văn Bình", "Nguyễn Thị Hòa"), NameLevel::Differs);
        assert_eq!(names("", "Nguyễn Thị Hòa"), NameLevel::Missing);
    }

    #[test]
    fn date_levels() {
        assert_eq!(dates("12/03/1950", "1950-03-12"), DateLevel::Exact);
        assert_eq!(dates("1950", "1950"), DateLevel::Exact);
        assert_eq!(dates("1950", "12/03/1950"), DateLevel::Partial);
        assert_eq!(dates("12/03/1950", "1950"), DateLevel::Partial);
        assert_eq!(dates("03/1950", "12/03/1950"), DateLevel::Partial);
        assert_eq!(dates("13/03/1950", "12/03/1950"), DateLevel::Typo);
        assert_eq!(dates("03/03/1950", "12/03/1950"), DateLevel::Differs);
        assert_eq!(dates("03/12/1950", "12/03/1950"), DateLevel::Swapped);
        assert_eq!(dates("12/03/1951", "12/03/1950"), DateLevel::YearOff);
        assert_eq!(dates("12/03/1958", "12/03/1985"), DateLevel::Typo);
        assert_eq!(dates("12/03/1940", "12/03/1950"), DateLevel::Typo);
        // Two neighbouring digits of two parts swapped, as written day first or year first.
        assert_eq!(dates("20/11/1990", "21/01/1990"), DateLevel::Typo);
        assert_eq!(dates("19391123", "13/12/1939"), DateLevel::Typo);
        // Digits of two parts that stand apart in both orders are two keystrokes.
        assert_eq!(dates("12/11/1990", "21/01/1990"), DateLevel::Differs);
        assert_eq!(dates("01/07/1960", "12/03/1950"), DateLevel::Differs);
        assert_eq!(dates("1951", "12/03/1950"), DateLevel::YearOff);
        assert_eq!(dates("31/02/1950", "12/03/1950"), DateLevel::Invalid);
        assert_eq!(dates("31/02/1950", "21/02/1950"), DateLevel::Typo);
        assert_eq!(dates("19403407", "07/04/1943"), DateLevel::Typo);
        assert_eq!(dates("31/02/1950", "02/1950"), DateLevel::Invalid);
        assert_eq!(dates("", "12/03/1950"), DateLevel::Invalid);
        assert_eq!(
            compare_dates(DateField::parse("1950"), None),
            DateLevel::Missing
        );
    }

    #[test]
    fn gender_levels() {
        use Gender::{Female, Male, Unknown};
        for (given, register, level) in [
            (Unknown, Unknown, GenderLevel::Equal),
            (Male, Male, GenderLevel::Equal),
            (Male, Female, GenderLevel::Differs),
            (Unknown, Female, GenderLevel::Missing),
        ] {
            assert_eq!(
                compare_genders(given, register),
                level,
                "{given:?} {register:?}"
            );
        }
    }

    #[test]
    fn edits_within_agrees_with_strsim_on_every_short_string_of_a_small_alphabet() {
        // Every string of up to 5 letters over {a, b, c}: transpositions, repeats and shared
        // prefixes and suffixes in every combination.
        let mut words = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            frontier = frontier
                .iter()
                .flat_map(|w| ['a', 'b', 'c'].map(|c| format!("{w}{c}")))
                .collect();
            words.extend(frontier.iter().cloned());
        }
        for a in &words {
            for b in &words {
                let distance = strsim::damerau_levenshtein(a, b);
                for k in 1..3 {
                    assert_eq!(
                        edits_within(a, b, k),
                        (distance <= k).then_some(distance),
                        "{a:?} {b:?} {k}"
                    );
                }
            }
        }
    }

    #[test]
    fn edits_within_is_the_damerau_levenshtein_distance_up_to_its_bound() {
        let words = [
            "nguyen van anh",
            "nguyen van anhh",
            "ngyuen van anh",
            "nguyen van an",
            "nguyen vna anh",
            "tran thi mai",
            "tran thi mia",
            "tran thi",
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "ca",
            "lê",
            "le",
            "xyz vna",
            "nguyen nav anh",
        ];
        for a in words {
            for b in words {
                for k in 0..3 {
                    assert_eq!(
                        edits_within(a, b, k),
                        Some(strsim::damerau_levenshtein(a, b)).filter(|&d| d <= k),
                        "{a:?} {b:?} {k}"
                    );
                }
            }
        }
    }

    #[test]
    fn names_compared_on_syllables_agree_with_names_compared_as_strings() {
        use crate::register::build::{NewPerson, RegisterBuilder};
        let vocabulary = [
            "Nguyễn", "NGUYỄN", "Nguyen", "Thị", "Thi", "Văn", "Hoà", "Hòa", "Hoa", "Thuỷ", "Thủy",
            "Anh", "Ánh", "Anhh", "Trần", "Tran", "Lê", "Mai", "Ma", "Hùng", "Hung", "Đức",
            "\u{323}", "᠀", "Søren", "Quách",
        ];
        // Names of 0 to 10 syllables drawn with a fixed generator.
        let mut rng = crate::rng::Rng::new(7);
        let mut next = |n: usize| rng.below(n as u64) as usize;
        let mut names: Vec<String> = Vec::new();
        for _ in 0..400 {
            let len = [0, 1, 2, 3, 3, 4, 4, 5, 10][next(9)];
            let words: Vec<&str> = (0..len)
                .map(|_| vocabulary[next(vocabulary.len())])
                .collect();
            names.push(words.join(" "));
        }
        // Near copies, so that every level occurs: order, middle, typo.
        for i in 0..100 {
            let mut words: Vec<String> = names[i].split(' ').map(String::from).collect();
            match i % 3 {
                0 => words.reverse(),
                1 if words.len() > 2 => {
                    words.remove(1);
                }
                _ => {
                    if let Some(w) = words.last_mut() {
                        w.push('x');
                    }
                }
            }
            names.push(words.join(" "));
        }
        let mut builder = RegisterBuilder::new();
        for (i, name) in names.iter().take(300).enumerate() {
            builder.push(NewPerson::numbered(i as u64, i as u64 + 1, name));
        }
        let (register, _) = builder.finish();
        let mut buffers = crate::matching::compare::NameBuffers::default();
        let (mut canonical, mut folded) = (String::new(), String::new());
        let mut levels = std::collections::HashSet::new();
        let mut shortcuts = 0;
        for name in &names {
            let given = NameForms::new(name);
            let ids = NameIds::of(&given, &register.syllables);
            for person in 0..register.len() as PersonIdx {
                register.canonical_name(person, &mut canonical);
                register.folded_name(person, &mut folded);
                let expected = compare_names(&given, &canonical, &folded);
                let got = compare_names_in_register(&given, &ids, &register, person, &mut buffers);
                assert_eq!(got, expected, "{name:?} / {canonical:?}");
                levels.insert(got);
                // The ID path's shortcut says "exact" only of an exact name, and of every
                // exact name whose syllables are clean.
                let clean = (register.syllable_ids(person).iter())
                    .all(|&w| register.syllables.clean[w as usize]);
                let shortcut = is_written_exactly(&given.canonical, &register, person);
                assert_eq!(
                    shortcut,
                    expected == NameLevel::Exact && clean,
                    "{name:?} / {canonical:?}"
                );
                shortcuts += usize::from(shortcut);
            }
        }
        assert!(levels.len() >= 7, "levels seen: {levels:?}");
        assert!(shortcuts >= 300, "{shortcuts}");
    }
}
