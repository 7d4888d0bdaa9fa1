//! Candidate search (step 3 of matching; docs/matching.md): for a participant with no usable ID hit, find the
//! register persons that agree on enough of name, date of birth and gender, and score them.
//!
//! Candidates come from the blocking index ([`crate::register::blocking`]) asked with variants of
//! the participant's own values (day and month swapped, the year ±1, the name in another order
//! or with a slipped space taken out; for a date that names no real day, the real dates one
//! keystroke from it), and from the register IDs one substitution or one adjacent transposition
//! away from a 12-digit ID that found nobody or someone else. Every candidate is scored with the estimated weights;
//! the best few are returned, best first, ties broken by register order so that the result never
//! depends on the thread count.

use crate::matching::compare::{
    compare_names_in_register, DateLevel, FoldedName, NameBuffers, NameIds, NameLevel,
    ProvinceLevel,
};
use crate::matching::id_evidence::IdPattern;
use crate::matching::model::Model;
use crate::matching::verify::{compare_record, Comparison};
use crate::matching::weights::{FieldScores, UnscoredIds, DATE_LEVELS, SAME_MONTH_OR_DAY_LEVELS};
use crate::normalize::date::{DateField, DateProblem, PartialDate, Precision, WrittenDate};
use crate::normalize::participant::Participant;
use crate::normalize::Gender;
use crate::register::blocking::{
    key_of, partial_date_key, province_class, Filed, KeyKind, NameParts, UNKNOWN_SYLLABLE,
};
use crate::register::namesakes::name_key;
use crate::register::PersonIdx;

/// How many candidates are kept per participant (the best is decided on, the rest are listed
/// for AMBIGUOUS rows).
pub(crate) const KEEP: usize = 5;
/// How many persons ahead of the one being compared their names are requested (see `score`).
const AHEAD: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub(crate) person: PersonIdx,
    pub(crate) comparison: Comparison,
    pub(crate) scores: FieldScores,
    pub(crate) id_typo: bool,
}

impl Candidate {
    pub(crate) fn score(&self) -> f64 {
        self.scores.total()
    }
}

/// What a search found.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Found {
    /// Best first.
    pub(crate) candidates: Vec<Candidate>,
    /// Blocks skipped because they held more persons than the cap.
    pub(crate) capped_blocks: u32,
}

/// The dates to ask with: the date as given, then the usual ways it is mistyped, each with
/// its level from the date as given (what [`crate::matching::compare::compare_dates`] gives,
/// known here without comparing every asked date again).
fn date_variants(d: PartialDate) -> Vec<(PartialDate, DateLevel)> {
    let mut out = vec![(d, DateLevel::Exact)];
    if d.precision() == Precision::Day {
        let (day, month) = (d.day().unwrap_or(0), d.month().unwrap_or(0));
        if day != month {
            out.extend(PartialDate::new(d.year(), day, month).map(|s| (s, DateLevel::Swapped)));
        }
    }
    for year in [d.year().wrapping_sub(1), d.year() + 1] {
        let date = PartialDate::new(year, d.month().unwrap_or(0), d.day().unwrap_or(0));
        out.extend(date.map(|date| (date, DateLevel::YearOff)));
    }
    // Two parts changed by one keystroke: no key of the date as given, nor of one of its parts,
    // reaches them. A date that is also a swap of day and month keeps that level.
    for date in d.swaps_across_parts() {
        if out.iter().all(|&(other, _)| other != date) {
            out.push((date, DateLevel::Typo));
        }
    }
    out
}

/// The dates with the year of `dob` mistyped ([`year_typos`]), with their level.
fn year_typo_dates(dob: PartialDate) -> impl Iterator<Item = (PartialDate, DateLevel)> {
    year_typos(dob.year()).into_iter().filter_map(move |year| {
        let date = PartialDate::new(year, dob.month().unwrap_or(0), dob.day().unwrap_or(0))?;
        let level = match year.abs_diff(dob.year()) {
            1 => DateLevel::YearOff,
            _ => DateLevel::Typo,
        };
        Some((date, level))
    })
}

/// A blocking key to ask, and what the dates of the persons filed under it are to the
/// participant's.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Asked {
    key: u32,
    dates: FiledDates,
}

/// What the dates of the persons filed under a key are to the participant's date (but for
/// strangers there through a key-hash collision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FiledDates {
    /// A key with a date (the participant's, or a variant): everyone there is at this level.
    Level(DateLevel),
    /// A name key of the participant's own name with their month or day: a full date of that
    /// month or day, another than theirs ([`SAME_MONTH_OR_DAY_LEVELS`]) once the core block,
    /// which holds everyone on their date, is read whole (else [`FiledDates::Any`]).
    SameMonthOrDay,
    Any,
}

/// The blocking keys to ask for a participant (see [`crate::register::blocking`] for what each
/// key survives), in the rounds [`search`] asks them.
#[derive(Debug, Default, Clone, PartialEq)]
struct Rounds {
    /// The (date of birth, family, given) key of the values as given: every person with the
    /// participant's name and date is in its block.
    core: Vec<Asked>,
    /// The other date keys of the values as given, the reversed name's key with the date as
    /// given, and the year key (the register's dates without a day).
    first: Vec<Asked>,
    /// The name keys of the participant's own name, year and month or day (they reach a wrong
    /// day or month): everyone there has the participant's name and a full date, and, when
    /// not in the core block, another one. In a national register these are the large blocks
    /// (every "Nguyễn Văn Anh" born in a month).
    named: Vec<Asked>,
    /// The date keys with day and month swapped and the year off by one, the first key with
    /// the year mistyped, the keys of the name in its other orders ([`ask_in_order`]) and
    /// respelled, the name keys with the other gender, and for a date without a day its year's
    /// name-part keys ([`partial_date_keys`]).
    variants: Vec<Asked>,
}

/// The keys that hold a full date (and every part of the name but one).
const DATE_KEYS: [KeyKind; 4] = [
    KeyKind::DobFamilyGiven,
    KeyKind::DobFamilyMiddleGivenFirst,
    KeyKind::DobFamilyMiddleGivenLast,
    KeyKind::DobMiddleGiven,
];

/// The participant's date and its [`date_variants`], made once for every name a row asks.
type Dates<'a> = (PartialDate, &'a [(PartialDate, DateLevel)]);

/// Adds the keys of `name` with the date and its variants and `gender` to `rounds`; `own`:
/// the name is the participant's as given (its month and day name keys go to
/// [`Rounds::named`]).
fn query_keys(
    name: &NameParts,
    (dob, variants): Dates<'_>,
    gender: Gender,
    own: bool,
    rounds: &mut Rounds,
) {
    use KeyKind::*;
    let asked = |key: Option<u32>, dates| key.map(|key| Asked { key, dates });
    for (i, &(date, level)) in variants.iter().enumerate() {
        let keys = if i == 0 {
            &mut rounds.first
        } else {
            &mut rounds.variants
        };
        for kind in DATE_KEYS {
            let key = key_of(kind, name, date, gender);
            keys.extend(asked(key, FiledDates::Level(level)));
        }
    }
    for (date, level) in year_typo_dates(dob) {
        let key = key_of(DobFamilyGiven, name, date, gender);
        rounds.variants.extend(asked(key, FiledDates::Level(level)));
    }
    let genders = genders_to_ask(&gender);
    // Partial register dates are in the year key's block: not only the participant's name with
    // another full date, so not among the named blocks.
    rounds.first.extend(
        genders
            .iter()
            .filter_map(|&sex| asked(key_of(NameGenderYear, name, dob, sex), FiledDates::Any)),
    );
    let (names, dates) = if own {
        (&mut rounds.named, FiledDates::SameMonthOrDay)
    } else {
        (&mut rounds.first, FiledDates::Any)
    };
    for &sex in genders {
        names.extend(month_keys(name, dob, sex).map(|key| Asked { key, dates }));
        names.extend(asked(key_of(NameGenderYearDay, name, dob, sex), dates));
    }
    // A flipped gender is one wrong field too. The date keys hold no gender, so it hides only
    // the persons the name keys alone reach: a partial date in the register (the year key) or
    // in the row (the month keys), or a mistyped day or month (the month and day keys). Their
    // keys with the other gender are asked in the variants round, for rows the first could not
    // decide.
    let other = match gender {
        Gender::Male => Gender::Female,
        Gender::Female => Gender::Male,
        Gender::Unknown => return,
    };
    if own {
        let flipped = &mut rounds.variants;
        flipped.extend(asked(
            key_of(NameGenderYear, name, dob, other),
            FiledDates::Any,
        ));
        named_keys(name, dob, other, flipped);
    }
}

/// Adds the name keys of `name` with the year and the month or the day of `dob` and `sex` to
/// `keys`: they reach a person whose day or month the row mistyped, through any reading of the
/// name and either gender, where every date key holds the date as written.
fn named_keys(name: &NameParts, dob: PartialDate, sex: Gender, keys: &mut Vec<Asked>) {
    let dates = FiledDates::Any;
    keys.extend(month_keys(name, dob, sex).map(|key| Asked { key, dates }));
    keys.extend(key_of(KeyKind::NameGenderYearDay, name, dob, sex).map(|key| Asked { key, dates }));
}

/// The keys of a participant whose date names no real day (31/02/1990): the date keys of each
/// real date one keystroke from it ([`WrittenDate::repairs`]), everyone filed there at the typo
/// level. Without them such a row would reach nobody by its name: every key holds a date.
fn repaired_date_keys(name: &NameParts, written: WrittenDate, gender: Gender) -> Rounds {
    let mut rounds = Rounds::default();
    for date in written.repairs() {
        for kind in DATE_KEYS {
            rounds
                .first
                .extend(key_of(kind, name, date, gender).map(|key| Asked {
                    key,
                    dates: FiledDates::Level(DateLevel::Typo),
                }));
        }
    }
    // Every key at one level: one asked twice is one block.
    rounds.first.sort_unstable_by_key(|a| a.key);
    rounds.first.dedup_by_key(|a| a.key);
    rounds
}

/// The genders to ask the keys that hold one with: the participant's, or each one when theirs
/// is unknown.
fn genders_to_ask(gender: &Gender) -> &[Gender] {
    match gender {
        Gender::Unknown => &[Gender::Male, Gender::Female, Gender::Unknown],
        known => std::slice::from_ref(known),
    }
}

/// The month keys a date reaches with this gender: its month's, or for a year-only date every
/// month's (it may be any month of the register's full dates).
fn month_keys(name: &NameParts, dob: PartialDate, sex: Gender) -> impl Iterator<Item = u32> + '_ {
    let months = dob.month().map_or(1..=12, |month| month..=month);
    months.filter_map(move |month| {
        let date = PartialDate::new(dob.year(), month, 0)?;
        key_of(KeyKind::NameGenderYearMonth, name, date, sex)
    })
}

/// Years one keystroke from `year`: a digit of its last two replaced, or those two swapped.
fn year_typos(year: u16) -> Vec<u16> {
    let (century, tens, ones) = (year / 100 * 100, year / 10 % 10, year % 10);
    let mut years = Vec::with_capacity(19);
    for d in 0..10 {
        if d != tens {
            years.push(century + d * 10 + ones);
        }
        if d != ones {
            years.push(century + tens * 10 + d);
        }
    }
    if tens != ones {
        years.push(century + ones * 10 + tens);
    }
    years
}

/// Finds and scores the candidates for a participant. `exclude` is a person already known not
/// to be this participant (the holder of the participant's ID, when that is someone else).
///
/// Two rounds (why: the mistyped-date variants and the ID's one-edit neighbours are most of the
/// lookups, and a block grows with the register, so asking them for every row made the search's
/// cost per row grow with it): first the keys of the values as given and the register IDs one
/// edit from the one given, and only when that finds no candidate who would be SUGGESTED the
/// variants (day and month swapped, the year off by one or mistyped, the name in another order with
/// those dates). A participant whose fields are right, the most common case, is decided in the
/// first round.
///
/// The first round starts with the one block that holds everyone with the participant's name
/// and date, then the ID's neighbours (unless that block already decided on one of them, who
/// outranks anyone else). Its other blocks are read only when the highest score anyone in them
/// could reach ([`crate::matching::weights::Weights::search_bounds`]: the month and day name
/// keys' blocks hold the participant's name with another full date of their year, the other
/// blocks anyone) is
/// not below what could matter at all ([`floor`]), and the best so far does not already lead
/// it by the margin; in that last case they are read after all when a later round undoes the
/// decision. That changes no result: it skips only persons who could not be the answer (a
/// decided row lists no alternatives). Within the blocks it reads after the core block, it
/// drops the persons the index files as living in another province when, on their block's
/// date, they could not reach the floor ([`ProvinceFilter`]). The one exception is a stranger
/// in a skipped block, or dropped, through a 32-bit key-hash collision, who could have scored
/// only by chance.
pub(crate) fn search(
    p: &Participant,
    model: &Model<'_>,
    exclude: Option<PersonIdx>,
    rejected: &[PersonIdx],
    buffers: &mut NameBuffers,
) -> Found {
    let mut found = Found::default();
    let name = FoldedName::of(&p.name, &model.register.syllables);
    let name_share = name
        .as_ref()
        .map(|name| (name.parts.family, name.parts.given))
        .filter(|&(family, given)| family != UNKNOWN_SYLLABLE && given != UNKNOWN_SYLLABLE)
        .map(|(family, given)| model.frequencies.name_share(family, given));
    let name_most = model.weights.most_for_name(name_share);
    let keyed = name.as_ref().map(|name| name.parts).zip(p.dob.known());
    let rounds = match (&name, &keyed, p.dob) {
        (Some(name), Some((parts, dob)), _) => {
            let province = p.province.map(|place| place.current);
            let others = name.other_orders();
            let syllables = &model.register.syllables;
            let joined = name.joined(syllables);
            let corrected = name.corrected(model.spellings, syllables);
            let names = [joined, corrected].concat();
            rounds_of_keys(parts, others, &names, *dob, p.gender, province)
        }
        (Some(name), None, DateField::Invalid(DateProblem::Impossible(Some(written)))) => {
            repaired_date_keys(&name.parts, written, p.gender)
        }
        _ => Rounds::default(),
    };
    let mut persons: Vec<PersonIdx> = Vec::new();
    let mut capped_core = 0;
    let everyone = ProvinceFilter::none();
    persons_in_blocks(
        &rounds.core,
        model,
        &everyone,
        &mut persons,
        &mut capped_core,
    );
    found.capped_blocks += capped_core;
    if let Some(name) = &name {
        let undated_row = p.dob.known().is_none();
        undated_namesakes(
            name,
            undated_row,
            model,
            &mut persons,
            &mut found.capped_blocks,
        );
    }
    let names = NameIds::of(&p.name, &model.register.syllables);
    let mut shortlist = Shortlist::default();
    let mut add = |persons: Vec<PersonIdx>, shortlist: &mut Shortlist| {
        shortlist.add(persons, |persons| {
            let left_out = Excluded { exclude, rejected };
            score(p, &names, name_most, persons, left_out, model, buffers)
        })
    };
    add(persons, &mut shortlist);
    let t = model.thresholds;
    let decided = |candidates: &[Candidate]| match candidates {
        [best, rest @ ..] => {
            best.score() >= t.suggest
                && rest
                    .first()
                    .is_none_or(|next| best.score() - next.score() >= t.margin)
        }
        [] => false,
    };
    let (typo, other) = id_weights(p, exclude, model);
    let may_be_typo = match p.id.may_be_mistyped() {
        false => false,
        true if decided(&shortlist.best) && shortlist.best[0].id_typo => true,
        true => {
            add(model.register.id_neighbours(&p.id), &mut shortlist);
            false
        }
    };
    let ids = UnscoredIds {
        other,
        typo,
        may_be_typo,
    };
    // Everyone with the participant's name and full date is now scored (when there is such a
    // block and it was not capped), and so is everyone one edit from the ID; anyone else
    // scores at most a bound. When the best leads it by the margin, the blocks it covers (most
    // of the search's work in a national register, where a common name in one month is shared
    // by hundreds) are left unread; they are read after all if a later round undoes the
    // decision. When the bound is below what could matter ([`floor`]), they are never read.
    let core_complete = !rounds.core.is_empty() && capped_core == 0;
    // Made when first needed: most rows are decided on the core block alone.
    let filter = std::cell::OnceCell::new();
    let filter =
        || filter.get_or_init(|| ProvinceFilter::new(p, model, name_most, ids, core_complete));
    let bounds = match &keyed {
        Some((parts, dob)) if core_complete && !model.exhaustive => {
            Some(model.weights.search_bounds(
                model.frequencies.name_share(parts.family, parts.given),
                model.frequencies.dob_share(dob.pack()),
                ids,
                model.linked,
            ))
        }
        _ => None,
    };
    let reading = |bound: f64| {
        if bound < floor(model) {
            Reading::Never
        } else if decided(&shortlist.best) && shortlist.best[0].score() - bound >= t.margin {
            Reading::IfUndecided
        } else {
            Reading::Now
        }
    };
    let blocks = match bounds {
        Some(bounds) => [
            (&rounds.first, reading(bounds.anyone())),
            (&rounds.named, reading(bounds.same_name_same_month_or_day)),
        ],
        None => [(&rounds.first, Reading::Now), (&rounds.named, Reading::Now)],
    };
    for (keys, reading) in blocks {
        if reading == Reading::Now {
            let mut more = Vec::new();
            persons_in_blocks(keys, model, filter(), &mut more, &mut found.capped_blocks);
            add(more, &mut shortlist);
        } else {
            found.capped_blocks += capped_blocks(keys, model);
        }
    }
    if !decided(&shortlist.best) {
        for (keys, reading) in blocks {
            if reading == Reading::IfUndecided {
                // Their capped blocks are counted already.
                let (mut more, mut counted) = (Vec::new(), 0);
                persons_in_blocks(keys, model, filter(), &mut more, &mut counted);
                add(more, &mut shortlist);
            }
        }
        let mut more = Vec::new();
        persons_in_blocks(
            &rounds.variants,
            model,
            filter(),
            &mut more,
            &mut found.capped_blocks,
        );
        add(more, &mut shortlist);
    }
    found.candidates = shortlist.best;
    found
}

/// When [`search`] reads a class of the first round's blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Now,
    /// Only if the decision is undone (its persons cannot change it).
    IfUndecided,
    /// Its persons cannot reach [`floor`].
    Never,
}

/// The lowest score that can matter: a candidate below it can neither be suggested (that needs
/// `suggest`), nor listed (`possible`), nor take the lead from one who is suggested (it is more
/// than the margin behind). `--exhaustive-search` scores everyone.
fn floor(model: &Model<'_>) -> f64 {
    let t = model.thresholds;
    if model.exhaustive {
        f64::NEG_INFINITY
    } else {
        t.possible.min(t.suggest - t.margin)
    }
}

/// The candidates of a search so far: the best [`KEEP`], best first, and every person scored.
///
/// Why only the best: nothing after the search reads more (the decision reads two, an
/// AMBIGUOUS row lists up to [`KEEP`]), and in a national register a row scores a hundred
/// persons, whose full sort would be a large share of the search. The order is total (score,
/// then register order), so keeping the best after each round gives the same list as sorting
/// all at the end.
#[derive(Default)]
struct Shortlist {
    best: Vec<Candidate>,
    /// Sorted: a person found again in a later round is not scored twice.
    scored: Vec<PersonIdx>,
}

impl Shortlist {
    /// Scores (with `score`) the `persons` not scored yet and keeps the best.
    fn add(
        &mut self,
        mut persons: Vec<PersonIdx>,
        score: impl FnOnce(&[PersonIdx]) -> Vec<Candidate>,
    ) {
        persons.sort_unstable();
        persons.dedup();
        persons.retain(|p| self.scored.binary_search(p).is_err());
        self.best.extend(score(&persons));
        // Both sorted and disjoint: merged, not sorted again (a crowded row adds hundreds of
        // persons, several times).
        let earlier = std::mem::take(&mut self.scored);
        let mut merged = Vec::with_capacity(earlier.len() + persons.len());
        let (mut i, mut j) = (0, 0);
        while i < earlier.len() && j < persons.len() {
            if earlier[i] < persons[j] {
                merged.push(earlier[i]);
                i += 1;
            } else {
                merged.push(persons[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&earlier[i..]);
        merged.extend_from_slice(&persons[j..]);
        self.scored = merged;
        if self.best.len() > KEEP {
            self.best.select_nth_unstable_by(KEEP - 1, best_first);
            self.best.truncate(KEEP);
        }
        self.best.sort_by(best_first);
    }
}

/// The keys of the rounds of [`search`]: the values as given, then their usual mistypings.
/// `reversed`, `western` and `given_first`: the name in its other orders; `respelled`: with a
/// space taken out or its family or given name corrected ([`FoldedName::joined`],
/// [`FoldedName::corrected`]). The reversed name is asked like the date's variants (with the
/// date as given in the first round), the Western order, the given name first and the respelled
/// names only in the variants round, when the first round decided nothing: asked in the first
/// round they are more keys for every searched row, nearly all of them decided without them.
fn rounds_of_keys(
    parts: &NameParts,
    [reversed, western, given_first]: [Option<NameParts>; 3],
    respelled: &[NameParts],
    dob: PartialDate,
    gender: Gender,
    province: Option<u8>,
) -> Rounds {
    let mut rounds = Rounds::default();
    let variants = date_variants(dob);
    let dates = (dob, variants.as_slice());
    query_keys(parts, dates, gender, true, &mut rounds);
    if dob.precision() != Precision::Day {
        partial_date_keys(parts, dates, gender, province, &mut rounds);
    }
    let mut later = Rounds::default();
    for other_order in [western, given_first].iter().flatten() {
        ask_in_order(other_order, dates, gender, &mut later);
    }
    // A respelled name asks the keys of a name as given: its other parts, or its date, may be
    // mistyped too ("Homa Nn Noa" for Homann Noah; a given name and a day both mistyped).
    for name in respelled {
        query_keys(name, dates, gender, false, &mut later);
    }
    let Rounds {
        core,
        first,
        named,
        variants,
    } = later;
    rounds
        .variants
        .extend(core.into_iter().chain(first).chain(named).chain(variants));
    if let Some(reversed) = reversed {
        ask_in_order(&reversed, dates, gender, &mut rounds);
    }
    rounds.core.extend(
        key_of(KeyKind::DobFamilyGiven, parts, dob, gender).map(|key| Asked {
            key,
            dates: FiledDates::Level(DateLevel::Exact),
        }),
    );
    let Rounds {
        core,
        first,
        named,
        variants,
    } = &mut rounds;
    for keys in [&mut *first, &mut *named, &mut *variants] {
        keys.sort_unstable_by_key(|a| a.key);
        // One key from two dates is a hash collision: its persons' dates are not known.
        keys.dedup_by(|later, kept| {
            let same = later.key == kept.key;
            if same && later.dates != kept.dates {
                kept.dates = FiledDates::Any;
            }
            same
        });
    }
    // A key asked in an earlier round need not be asked again.
    drop_asked_earlier(first, core);
    drop_asked_earlier(named, core);
    drop_asked_earlier(named, first);
    for earlier in [&mut *core, &mut *first, &mut *named] {
        drop_asked_earlier(variants, earlier);
    }
    rounds
}

/// The name-part keys of a date without a day, for a name typo or a missing middle name (a
/// partial date is filed under no date key): with the participant's year, the year off by one
/// and mistyped (the (year, family, given) key only, as for full dates), in the variants round.
fn partial_date_keys(
    name: &NameParts,
    (dob, variants): Dates<'_>,
    gender: Gender,
    province: Option<u8>,
    rounds: &mut Rounds,
) {
    let years = (variants.iter())
        .flat_map(|&(date, _)| KeyKind::PARTIAL_DATE_NAME_PARTS.map(|kind| (kind, date)));
    let typos =
        year_typo_dates(dob).map(|(date, _)| (KeyKind::YearFamilyGivenGenderProvince, date));
    for (kind, date) in years.chain(typos) {
        for &sex in genders_to_ask(&gender) {
            let key = partial_date_key(kind, name, date, sex, province);
            let dates = FiledDates::Any;
            rounds.variants.extend(key.map(|key| Asked { key, dates }));
        }
    }
}

/// The keys of the participant's name read in another order (`name`): for a full date, the
/// (date, family, given) key of the date as given (first round) and of its variants, and the
/// name keys of its year and month or day (variants round); for a partial one, the keys of
/// [`query_keys`] (not the participant's own name: no named blocks).
fn ask_in_order(name: &NameParts, dates: Dates<'_>, gender: Gender, rounds: &mut Rounds) {
    let (dob, variants) = dates;
    if dob.precision() == Precision::Day {
        for (i, &(date, level)) in variants.iter().enumerate() {
            let key = key_of(KeyKind::DobFamilyGiven, name, date, gender);
            let dates = FiledDates::Level(level);
            if i == 0 {
                &mut rounds.first
            } else {
                &mut rounds.variants
            }
            .extend(key.map(|key| Asked { key, dates }));
        }
        for &sex in genders_to_ask(&gender) {
            named_keys(name, dob, sex, &mut rounds.variants);
        }
    } else {
        query_keys(name, dates, gender, false, rounds);
    }
}

/// Drops from `later` the keys `earlier` (sorted by key) asks already; one asked there with
/// other dates is a hash collision, and its persons' dates are then not known.
fn drop_asked_earlier(later: &mut Vec<Asked>, earlier: &mut [Asked]) {
    later.retain(
        |asked| match earlier.binary_search_by_key(&asked.key, |a| a.key) {
            Ok(at) => {
                if earlier[at].dates != asked.dates {
                    earlier[at].dates = FiledDates::Any;
                }
                false
            }
            Err(_) => true,
        },
    );
}

/// Adds the persons filed under `keys` that `filter` keeps, skipping (and counting) blocks
/// over the cap.
fn persons_in_blocks(
    keys: &[Asked],
    model: &Model<'_>,
    filter: &ProvinceFilter,
    persons: &mut Vec<PersonIdx>,
    capped: &mut u32,
) {
    prefetch(keys, model);
    for asked in keys {
        let block = model.index.filed(asked.key);
        if over_cap(block.len(), model) {
            *capped += 1;
            continue;
        }
        if filter.applies(asked.dates) {
            persons.extend(block.filter(|f| filter.keeps(f)).map(|f| f.person));
        } else {
            persons.extend(block.map(|f| f.person));
        }
    }
}

/// Adds the persons who share the participant's whole name, in any of its readings, where one
/// side has no date, which no blocking key reaches
/// ([`crate::register::namesakes::Namesakes`]): every namesake for a row without a date, the
/// namesakes without a date for a row with one. When a reading has more of them than the cap,
/// none is added and the reading counts as a capped block: the name alone cannot choose among
/// persons it did not read (a lone "Từ Văn Nguyên" for a row "Nguyễn Văn Tú" whose thousand
/// namesakes were skipped).
fn undated_namesakes(
    name: &FoldedName,
    undated_row: bool,
    model: &Model<'_>,
    persons: &mut Vec<PersonIdx>,
    capped: &mut u32,
) {
    let Some(namesakes) = model.namesakes.filter(|n| !n.is_empty()) else {
        return;
    };
    let syllables = &model.register.syllables;
    let readings: Vec<Option<&[PersonIdx]>> = (name.readings(syllables).iter())
        .map(|reading| namesakes.named(name_key(reading), !undated_row))
        .collect();
    let over = (readings.iter())
        .filter(|named| named.is_none_or(|named| over_cap(named.len(), model)))
        .count() as u32;
    if over > 0 {
        *capped += over;
        return;
    }
    for named in readings.into_iter().flatten() {
        persons.extend_from_slice(named);
    }
}

/// How many of the blocks filed under `keys` are over the cap (those a search skips).
fn capped_blocks(keys: &[Asked], model: &Model<'_>) -> u32 {
    prefetch(keys, model);
    keys.iter()
        .filter(|a| over_cap(model.index.filed(a.key).len(), model))
        .count() as u32
}

fn prefetch(keys: &[Asked], model: &Model<'_>) {
    model.index.prefetch(keys.iter().map(|a| a.key));
}

/// Drops, from the blocks whose dates weigh too little, the persons who live in another
/// province than the participant: with the highest name weight, their date and the most their
/// other fields can weigh with a province that differs, they stay below [`floor`] (they could
/// neither be suggested, nor listed, nor take the lead). Decided from the province class the
/// index files with each person ([`crate::register::blocking::province_class`]), without
/// reading their record: in a national register most of a row's candidates are namesakes
/// born on a mistyped date in another province.
struct ProvinceFilter {
    /// The participant's province class (0: unknown, nothing is dropped).
    class: u8,
    /// A key's persons are filtered when the most their dates weigh is below this.
    date_floor: f64,
    /// What the dates of a key's persons weigh at most.
    level_weight: [f64; 8],
    same_month_or_day: f64,
}

impl ProvinceFilter {
    /// Drops nobody.
    fn none() -> ProvinceFilter {
        ProvinceFilter {
            class: 0,
            date_floor: f64::NEG_INFINITY,
            level_weight: [f64::INFINITY; 8],
            same_month_or_day: f64::INFINITY,
        }
    }

    /// `name_most`: the most a candidate's name weighs; `ids`: what their ID can; `core_complete`:
    /// everyone with the participant's name and date is scored already.
    fn new(
        p: &Participant,
        model: &Model<'_>,
        name_most: f64,
        ids: UnscoredIds,
        core_complete: bool,
    ) -> ProvinceFilter {
        let class = province_class(p.province.map(|place| place.current));
        let (Some(dob), false, true) = (p.dob.known(), model.exhaustive, class != 0) else {
            return ProvinceFilter::none();
        };
        let weights = model.weights;
        let rest =
            weights.most_besides_name_and_date(ids, model.linked, Some(ProvinceLevel::Differs));
        let dob_share = model.frequencies.dob_share(dob.pack());
        let mut level_weight = [f64::INFINITY; 8];
        for level in DATE_LEVELS {
            level_weight[level as usize] = weights.date_weight(level, dob_share);
        }
        ProvinceFilter {
            class,
            date_floor: floor(model) - name_most - rest.total(),
            level_weight,
            same_month_or_day: if core_complete {
                SAME_MONTH_OR_DAY_LEVELS
                    .iter()
                    .map(|&l| weights.date_weight(l, dob_share))
                    .fold(f64::NEG_INFINITY, f64::max)
            } else {
                f64::INFINITY
            },
        }
    }

    /// Whether a block of persons with these dates is filtered.
    fn applies(&self, dates: FiledDates) -> bool {
        let most = match dates {
            FiledDates::Level(level) => self.level_weight[level as usize],
            FiledDates::SameMonthOrDay => self.same_month_or_day,
            FiledDates::Any => f64::INFINITY,
        };
        most < self.date_floor
    }

    /// Whether a person of a filtered block may live in the participant's province.
    fn keeps(&self, filed: &Filed) -> bool {
        filed.province_class == 0 || filed.province_class == self.class
    }
}

/// A block of `len` persons is too large to compare in full (the search skips it).
fn over_cap(len: usize, model: &Model<'_>) -> bool {
    len > model.thresholds.block_cap
}

/// The persons a search leaves out: the holder of the ID given, when the ID path judged them
/// someone else (`exclude`), and the persons a reviewer rejected for the row.
#[derive(Clone, Copy)]
struct Excluded<'a> {
    exclude: Option<PersonIdx>,
    rejected: &'a [PersonIdx],
}

/// Scores the persons (distinct), in any order, but those `left_out`.
fn score(
    p: &Participant,
    names: &NameIds,
    name_most: f64,
    persons: &[PersonIdx],
    left_out: Excluded<'_>,
    model: &Model<'_>,
    buffers: &mut NameBuffers,
) -> Vec<Candidate> {
    let Excluded { exclude, rejected } = left_out;
    // A candidate whose own ID is one edit from the given ID carries the ID-typo evidence
    // (however the candidate was found: decided on the two IDs), any other candidate what the
    // row's ID says of its person being in the register at all.
    let (typo_id, other_id) = id_weights(p, exclude, model);
    let floor = floor(model);
    // Each person's fields are requested 2 × AHEAD persons before they are compared, and their
    // name (whose place is one of those fields) AHEAD before: asking for all of a crowded
    // block's persons at once would evict the first ones' lines before they are read.
    let register = model.register;
    let ask = |i: usize| {
        if let Some(&p) = persons.get(i) {
            register.prefetch_fields(p);
            if let Some(linked) = model.linked {
                linked.prefetch(p);
            }
        }
    };
    (0..2 * AHEAD).for_each(ask);
    persons
        .iter()
        .take(AHEAD)
        .for_each(|&p| register.prefetch_name(p));
    persons
        .iter()
        .enumerate()
        .map(|(i, &person)| {
            ask(i + 2 * AHEAD);
            if let Some(&p) = persons.get(i + AHEAD) {
                register.prefetch_name(p);
            }
            person
        })
        .filter(|&person| Some(person) != exclude && !rejected.contains(&person))
        .filter_map(|person| {
            let id_typo = register.id_one_edit_from(&p.id, person);
            let record = compare_record(p, register, person);
            let weights = model.weights;
            let mut scores = weights.score_record(&record, register, person, model.frequencies);
            scores.linked = model.linked.map_or(0.0, |l| l.weight(person));
            scores.id = if id_typo { typo_id } else { other_id };
            // A crowded block's namesakes are born on other days (or live elsewhere): when even
            // the best name could not lift one to `floor`, its name (another cache miss) and
            // the name comparison are skipped.
            let most = FieldScores {
                name: name_most,
                ..scores
            };
            if register.has_clean_name(person) && most.total() < floor {
                return None;
            }
            let comparison = Comparison {
                name: compare_names_in_register(&p.name, names, register, person, buffers),
                ..record
            };
            scores.name = weights.name_weight(comparison.name, register, person, model.frequencies);
            Some(Candidate {
                person,
                comparison,
                scores,
                id_typo,
            })
        })
        // A candidate that agrees on nothing is no candidate (hash collisions, crowded blocks).
        .filter(|c| {
            c.id_typo
                || c.comparison.name != NameLevel::Differs
                || c.comparison.dob == DateLevel::Exact
        })
        .collect()
}

/// The ID evidence of a candidate whose ID is one edit from the row's, and of any other, by
/// the row's [`IdPattern`] (`exclude`: the person its ID names, whom the verification
/// rejected).
fn id_weights(p: &Participant, exclude: Option<PersonIdx>, model: &Model<'_>) -> (f64, f64) {
    let pattern = IdPattern::of(&p.id, exclude.is_some());
    let (weights, evidence) = (model.weights, &model.weights.id_evidence);
    (
        weights.id_typo + evidence.typo_weight(pattern),
        evidence.weight(pattern),
    )
}

/// Best score first; ties by register order, so the result never depends on the thread count.
fn best_first(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score()
        .total_cmp(&a.score())
        .then(a.person.cmp(&b.person))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::compare::compare_dates;
    use crate::normalize::date::DateField;

    #[test]
    fn date_variants_cover_swaps_and_neighbouring_years() {
        let d = PartialDate::new(1990, 3, 12).unwrap();
        let v: Vec<PartialDate> = date_variants(d).into_iter().map(|(d, _)| d).collect();
        assert!(v.contains(&d));
        assert!(v.contains(&PartialDate::new(1990, 12, 3).unwrap()));
        assert!(v.contains(&PartialDate::new(1989, 3, 12).unwrap()));
        assert!(v.contains(&PartialDate::new(1991, 3, 12).unwrap()));
        // 25 is no month: no swap.
        assert_eq!(
            date_variants(PartialDate::new(1990, 3, 25).unwrap()).len(),
            3
        );
        // One keystroke across two parts, in either written order: 21/01/1990 written
        // 20/11/1990 (ddmmyyyy 21011990 → 20111990), 1939-12-13 written 19391123.
        let across = |d: PartialDate| {
            date_variants(d)
                .into_iter()
                .map(|(d, _)| d)
                .collect::<Vec<_>>()
        };
        let d = PartialDate::new(1990, 1, 21).unwrap();
        assert!(across(d).contains(&PartialDate::new(1990, 11, 20).unwrap()));
        let d = PartialDate::new(1939, 12, 13).unwrap();
        assert!(across(d).contains(&PartialDate::new(1939, 11, 23).unwrap()));
    }

    #[test]
    fn a_key_asked_earlier_with_other_dates_is_a_collision_whose_dates_are_unknown() {
        let asked = |key, level| Asked {
            key,
            dates: FiledDates::Level(level),
        };
        let mut earlier = vec![asked(3, DateLevel::Exact), asked(5, DateLevel::YearOff)];
        let mut later = vec![
            asked(3, DateLevel::Exact),
            asked(5, DateLevel::Swapped),
            asked(7, DateLevel::Typo),
        ];
        drop_asked_earlier(&mut later, &mut earlier);
        assert_eq!(later, vec![asked(7, DateLevel::Typo)]);
        assert_eq!(earlier[0], asked(3, DateLevel::Exact));
        assert_eq!(earlier[1].dates, FiledDates::Any);
    }

    /// A date that names no real day reaches the dates one keystroke from it, each at the level
    /// the comparison gives it.
    #[test]
    fn repaired_dates_carry_the_level_compare_dates_gives() {
        use crate::normalize::date::DateProblem;
        for raw in [
            "31/02/1990",
            "30/14/1990",
            "19403407",
            "29/02/1991",
            "00/13/1985",
        ] {
            let DateField::Invalid(DateProblem::Impossible(Some(written))) = DateField::parse(raw)
            else {
                panic!("{raw} is no impossible full date");
            };
            let repairs = written.repairs();
            assert!(!repairs.is_empty(), "{raw}");
            for repair in repairs {
                let compared = compare_dates(DateField::parse(raw), Some(repair));
                assert_eq!(compared, DateLevel::Typo, "{raw} {repair}");
            }
        }
    }

    /// The levels the search files its asked dates under are the ones the comparison gives.
    #[test]
    fn variant_dates_carry_the_level_compare_dates_gives() {
        let mut rng = crate::rng::Rng::new(3);
        for _ in 0..5000 {
            let year = 1900 + rng.below(125) as u16;
            let (month, day) = (1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
            let dates = [
                PartialDate::new(year, month, day),
                PartialDate::new(year, month, 0),
                PartialDate::new(year, 0, 0),
            ];
            for d in dates.into_iter().flatten() {
                for (variant, level) in date_variants(d).into_iter().chain(year_typo_dates(d)) {
                    let compared = compare_dates(DateField::Known(d), Some(variant));
                    assert_eq!(level, compared, "{d} {variant}");
                }
            }
        }
    }
}
