//! Fellegi-Sunter weights estimated from the run's own data (docs/matching.md).
//!
//! For each field and comparison level, `m` is how often the level occurs when the two records
//! are the same person, and `u` how often it occurs between unrelated persons; the level's weight
//! is `log2(m / u)` bits, and a candidate's score is the sum over fields. Nothing here is a
//! hand-set constant:
//! - `m` comes from participants whose ID (12-digit, or opaque) hits the register, each field counted only
//!   where the *other* fields agree (so a relative's ID, which disagrees everywhere, does not
//!   teach the model that names may differ);
//! - `u` comes from pairs of register persons drawn with a fixed-seed generator;
//! - exact name and date agreement are adjusted by frequency: `u` is the share of the register
//!   with that family and given name, or born that day (agreeing on "Nguyễn" says far less than
//!   agreeing on "Quách");
//! - missing or unreadable values carry no evidence: weight 0.
//!
//! The same input gives the same sample and the same weights, whatever the thread count.

use serde::Serialize;

use crate::matching::compare::{DateLevel, GenderLevel, NameBuffers, NameLevel, ProvinceLevel};
use crate::matching::id_evidence::IdEvidence;
use crate::matching::verify::{self, Comparison};
use crate::normalize::participant::Participant;
use crate::normalize::ParsedId;
use crate::register::frequency::Frequencies;
use crate::register::{PersonIdx, Register};
use crate::rng::Rng;

pub(crate) const NAME_LEVELS: [NameLevel; 9] = [
    NameLevel::Exact,
    NameLevel::Diacritics,
    NameLevel::Order,
    NameLevel::Middle,
    NameLevel::MiddleDiffers,
    NameLevel::Typo,
    NameLevel::TwoTypos,
    NameLevel::Differs,
    NameLevel::Missing,
];
pub(crate) const DATE_LEVELS: [DateLevel; 8] = [
    DateLevel::Exact,
    DateLevel::Partial,
    DateLevel::Swapped,
    DateLevel::YearOff,
    DateLevel::Typo,
    DateLevel::Differs,
    DateLevel::Missing,
    DateLevel::Invalid,
];
pub(crate) const PROVINCE_LEVELS: [ProvinceLevel; 4] = [
    ProvinceLevel::Exact,
    ProvinceLevel::Equal,
    ProvinceLevel::Differs,
    ProvinceLevel::Missing,
];
pub(crate) const GENDER_LEVELS: [GenderLevel; 3] = [
    GenderLevel::Equal,
    GenderLevel::Missing,
    GenderLevel::Differs,
];

/// How often each level was seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LevelCounts {
    pub(crate) name: [u64; NAME_LEVELS.len()],
    pub(crate) dob: [u64; 8],
    pub(crate) gender: [u64; 3],
    pub(crate) province: [u64; 4],
    /// ID hits seen, and those whose name and date of birth both differ outright (the prior of
    /// verification: [`Weights::estimate`]).
    pub(crate) hits: u64,
    pub(crate) hits_name_and_dob_differ: u64,
}

impl LevelCounts {
    /// Counts a confirmed same-person comparison for the `m` side, each field only where the
    /// other fields agree.
    pub(crate) fn add_same_person(&mut self, c: &Comparison) {
        self.hits += 1;
        self.hits_name_and_dob_differ +=
            u64::from(c.name == NameLevel::Differs && c.dob == DateLevel::Differs);
        let name_agrees = matches!(c.name, NameLevel::Exact | NameLevel::Diacritics);
        if c.dob == DateLevel::Exact && c.gender != GenderLevel::Differs {
            self.name[c.name as usize] += 1;
        }
        if name_agrees {
            self.dob[c.dob as usize] += 1;
        }
        if name_agrees && c.dob == DateLevel::Exact {
            self.gender[c.gender as usize] += 1;
            self.province[c.province as usize] += 1;
        }
    }

    /// Counts an unrelated pair for the `u` side.
    pub(crate) fn add(&mut self, c: &Comparison) {
        self.name[c.name as usize] += 1;
        self.dob[c.dob as usize] += 1;
        self.gender[c.gender as usize] += 1;
        self.province[c.province as usize] += 1;
    }
}

/// One level's probabilities and weight, for summary.json.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct LevelWeight {
    pub(crate) level: &'static str,
    pub(crate) m: f64,
    pub(crate) u: f64,
    /// log2(m / u); 0 for levels that carry no evidence.
    pub(crate) weight: f64,
}

/// The estimated weights of every field's levels, and of the ID's evidence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Weights {
    pub(crate) name: Vec<LevelWeight>,
    pub(crate) dob: Vec<LevelWeight>,
    pub(crate) gender: Vec<LevelWeight>,
    pub(crate) province: Vec<LevelWeight>,
    /// Bits for a candidate whose ID is one substitution or transposition from the given one.
    pub(crate) id_typo: f64,
    /// Bits for any other candidate, by what the row's ID is: none, malformed, naming nobody
    /// or someone else ([`IdEvidence`]; all 0 here, estimated by `reconcile` before the search,
    /// once the ID path has left it its rows).
    pub(crate) id_evidence: IdEvidence,
    /// Prior log-odds (bits) that an exact ID hit is the person: from the share of ID hits in
    /// the sample with no field disagreeing outright.
    pub(crate) id_hit_prior: f64,
    /// Comparisons the m and u sides were estimated from.
    pub(crate) m_sample: u64,
    pub(crate) u_sample: u64,
}

/// A level's weight, adjusted by the share of the value agreed on when it is known (`m / share`).
fn adjusted(level: &LevelWeight, share: Option<f64>) -> f64 {
    share.map_or(level.weight, |share| (level.m / share).log2())
}

/// Laplace-smoothed shares: a level never seen still has a small, finite probability.
fn shares(counts: &[u64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    counts
        .iter()
        .map(|&c| (c as f64 + 1.0) / (total as f64 + counts.len() as f64))
        .collect()
}

fn field(labels: &[&'static str], m: &[u64], u: &[u64], no_evidence: &[usize]) -> Vec<LevelWeight> {
    let (m, u) = (shares(m), shares(u));
    labels
        .iter()
        .enumerate()
        .map(|(i, &level)| LevelWeight {
            level,
            m: m[i],
            u: u[i],
            weight: if no_evidence.contains(&i) {
                0.0
            } else {
                (m[i] / u[i]).log2()
            },
        })
        .collect()
}

/// The prior log-odds (bits) that an ID hit is its holder: `log2((1 − π) / π)`, π the share of
/// the sample's ID hits that name someone else.
///
/// π is read off the hits whose name and date of birth both differ outright. A hit on its
/// holder shows that with the chance `a` = m(name differs) × m(date differs) (recording errors,
/// independent, as the `m` side counts them), a hit on someone else with `b` = the same from
/// `u`. So of `n` hits with `d` such, `(d − n·a) / (b − a)` name someone else. Why not the share
/// of hits with any field differing: in a register whose rows are recorded carelessly (a name
/// replaced, a date retyped) most such hits are still their holder, and in one where relatives'
/// IDs are common, few are; the pairs of differing fields tell the two apart, one field alone
/// does not.
fn id_hit_prior(same_person: &LevelCounts, unrelated: &LevelCounts) -> f64 {
    let (m_name, m_dob) = (shares(&same_person.name), shares(&same_person.dob));
    let (u_name, u_dob) = (shares(&unrelated.name), shares(&unrelated.dob));
    let (name, dob) = (NameLevel::Differs as usize, DateLevel::Differs as usize);
    let a = m_name[name] * m_dob[dob];
    let b = u_name[name] * u_dob[dob];
    let n = same_person.hits as f64;
    let d = same_person.hits_name_and_dob_differ as f64;
    let others = if b > a {
        ((d - n * a) / (b - a)).clamp(0.0, n)
    } else {
        d
    };
    let pi = (others + 1.0) / (n + 2.0);
    ((1.0 - pi) / pi).log2()
}

/// Per-field weights of one comparison, in bits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct FieldScores {
    pub(crate) name: f64,
    pub(crate) dob: f64,
    pub(crate) gender: f64,
    pub(crate) province: f64,
    pub(crate) id: f64,
    /// The one-to-one evidence ([`LinkedElsewhere`]); 0 on the ID path.
    pub(crate) linked: f64,
}

impl FieldScores {
    pub(crate) fn total(&self) -> f64 {
        self.name + self.dob + self.gender + self.province + self.id + self.linked
    }
}

impl Weights {
    /// The weights of a run: `m` from `participants` (those whose ID hits the
    /// register), `u` and the ID-typo share from the register itself.
    pub fn estimate_from(participants: &[Participant], register: &Register) -> Weights {
        Weights::estimate(
            &count_same_person(participants.iter(), register),
            &count_unrelated(register),
            id_typo_share(register),
        )
    }
    pub(crate) fn estimate(
        same_person: &LevelCounts,
        unrelated: &LevelCounts,
        id_typo_share: f64,
    ) -> Weights {
        let name_labels: Vec<&str> = NAME_LEVELS.iter().map(|l| l.as_str()).collect();
        let dob_labels: Vec<&str> = DATE_LEVELS.iter().map(|l| l.as_str()).collect();
        let gender_labels: Vec<&str> = GENDER_LEVELS.iter().map(|l| l.as_str()).collect();
        let province_labels: Vec<&str> = PROVINCE_LEVELS.iter().map(|l| l.as_str()).collect();
        Weights {
            name: field(
                &name_labels,
                &same_person.name,
                &unrelated.name,
                &[NameLevel::Missing as usize],
            ),
            dob: field(
                &dob_labels,
                &same_person.dob,
                &unrelated.dob,
                &[DateLevel::Missing as usize, DateLevel::Invalid as usize],
            ),
            gender: field(
                &gender_labels,
                &same_person.gender,
                &unrelated.gender,
                &[GenderLevel::Missing as usize],
            ),
            province: field(
                &province_labels,
                &same_person.province,
                &unrelated.province,
                &[ProvinceLevel::Missing as usize],
            ),
            // m = 1: when the person is right and the given ID is one edit from theirs, that edit
            // is how it was mistyped. u: the chance a random person's ID is one edit away.
            id_typo: -(id_typo_share.max(f64::MIN_POSITIVE)).log2(),
            id_evidence: IdEvidence::default(),
            id_hit_prior: id_hit_prior(same_person, unrelated),
            m_sample: same_person.name.iter().sum(),
            u_sample: unrelated.name.iter().sum(),
        }
    }

    /// The weights of a comparison with register person `person`, frequency-adjusted. The ID's
    /// and the one-to-one evidence are 0: the search sets them per candidate.
    pub(crate) fn score(
        &self,
        c: &Comparison,
        register: &Register,
        person: PersonIdx,
        freq: &Frequencies,
    ) -> FieldScores {
        FieldScores {
            name: self.name_weight(c.name, register, person, freq),
            ..self.score_record(c, register, person, freq)
        }
    }

    /// [`Weights::score`] but the name's weight (0 here): what the person's record decides.
    pub(crate) fn score_record(
        &self,
        c: &Comparison,
        register: &Register,
        person: PersonIdx,
        freq: &Frequencies,
    ) -> FieldScores {
        let dob_share = (c.dob == DateLevel::Exact)
            .then(|| register.dob(person))
            .flatten()
            .map(|d| freq.dob_share(d.pack()));
        FieldScores {
            name: 0.0,
            ..self.score_levels(c, None, dob_share)
        }
    }

    /// [`Weights::score`]'s name weight.
    ///
    /// An exact (or accent-only) name weighs by its share of the register. A name that agrees
    /// but for a typo, the order, or the middle name is as common as the candidate's: its `u`
    /// is the level's scaled by the candidate name's share over the average person's
    /// ([`Frequencies::mean_name_share`]), so that a typo of "Nguyễn Văn Hùng" says less than a
    /// typo of "Quách Thị Ngoan". It never weighs more than the level's own weight: the
    /// search's bound on a name's weight ([`Weights::most_for_name`]) stays one number for all
    /// the candidates it has not read.
    pub(crate) fn name_weight(
        &self,
        level: NameLevel,
        register: &Register,
        person: PersonIdx,
        freq: &Frequencies,
    ) -> f64 {
        let share = || {
            register
                .family_given(person)
                .map(|(family, given)| freq.name_share(family, given))
        };
        let weight = &self.name[level as usize];
        match level {
            NameLevel::Exact | NameLevel::Diacritics => adjusted(weight, share()),
            NameLevel::Typo
            | NameLevel::TwoTypos
            | NameLevel::Order
            | NameLevel::Middle
            | NameLevel::MiddleDiffers => {
                let average = freq.mean_name_share();
                share().map_or(weight.weight, |share| {
                    weight
                        .weight
                        .min((weight.m * average / (weight.u * share)).log2())
                })
            }
            NameLevel::Differs | NameLevel::Missing => weight.weight,
        }
    }

    /// The highest name weight of a candidate whose name, when it equals the participant's
    /// once folded, has the participant's folded family and given syllables, whose share is
    /// `name_share` (`None`: no register name has them, so no candidate's name is equal).
    pub(crate) fn most_for_name(&self, name_share: Option<f64>) -> f64 {
        NAME_LEVELS
            .iter()
            .map(|&level| match level {
                NameLevel::Exact | NameLevel::Diacritics => name_share
                    .map_or(f64::NEG_INFINITY, |share| {
                        adjusted(&self.name[level as usize], Some(share))
                    }),
                _ => self.name[level as usize].weight,
            })
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// [`Weights::score`] once the shares are looked up: an exact (or accent-only) name and an
    /// exact date weigh by how rare they are, when their share is known.
    fn score_levels(
        &self,
        c: &Comparison,
        name_share: Option<f64>,
        dob_share: Option<f64>,
    ) -> FieldScores {
        FieldScores {
            name: adjusted(&self.name[c.name as usize], name_share),
            dob: adjusted(&self.dob[c.dob as usize], dob_share),
            gender: self.gender[c.gender as usize].weight,
            province: self.province[c.province as usize].weight,
            id: 0.0,
            linked: 0.0,
        }
    }

    /// The highest scores a search candidate can reach ([`Weights::score`] plus the one-to-one
    /// evidence) who does not have *both* the participant's name (exactly or but for accents)
    /// and the participant's exact date of birth, by kind ([`SearchBounds`]: with the name and
    /// so another date; with the name and another full date in their month or on their day;
    /// without the name). `name_share` and `dob_share` are the shares of the
    /// participant's folded family and given name and of their date (what such a candidate's
    /// name or date weighs by); `ids`: what such a candidate's ID can weigh.
    ///
    /// Why: every person with a name and a full date is filed under (date, family, given), so
    /// once the search has scored that block, everyone else is such a candidate; when the best
    /// leads a bound by the margin, no one it covers can change the decision (see
    /// [`crate::matching::search::search`]). Each term is the most its field can give and
    /// floating-point addition is monotonic, so a bound is never below a real score.
    pub(crate) fn search_bounds(
        &self,
        name_share: f64,
        dob_share: f64,
        ids: UnscoredIds,
        linked: Option<&LinkedElsewhere>,
    ) -> SearchBounds {
        let most = |levels: &[LevelWeight], keep: &dyn Fn(usize) -> bool| {
            (levels.iter().enumerate())
                .filter(|&(i, _)| keep(i))
                .map(|(_, l)| l.weight)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        // A candidate with an exact name or date has one, so its share is always known.
        let exactish = [NameLevel::Exact as usize, NameLevel::Diacritics as usize];
        let name_exactish = exactish
            .iter()
            .map(|&i| adjusted(&self.name[i], Some(name_share)))
            .fold(f64::NEG_INFINITY, f64::max);
        let name_other = most(&self.name, &|i| !exactish.contains(&i));
        let exact_date = DateLevel::Exact as usize;
        let dob_other = most(&self.dob, &|i| i != exact_date);
        let dob_any = dob_other.max(adjusted(&self.dob[exact_date], Some(dob_share)));
        let dob_same_month_or_day = most(&self.dob, &|i| {
            SAME_MONTH_OR_DAY_LEVELS.contains(&DATE_LEVELS[i])
        });
        let rest = self.most_besides_name_and_date(ids, linked, None);
        let total = |name, dob| FieldScores { name, dob, ..rest }.total();
        SearchBounds {
            same_name: total(name_exactish, dob_other),
            same_name_same_month_or_day: total(name_exactish, dob_same_month_or_day),
            other_name: total(name_other, dob_any),
        }
    }

    /// The most a search candidate's gender, province, ID and one-to-one evidence can weigh:
    /// `ids`, what their ID can; `province`, their province's level if known.
    pub(crate) fn most_besides_name_and_date(
        &self,
        ids: UnscoredIds,
        linked: Option<&LinkedElsewhere>,
        province: Option<ProvinceLevel>,
    ) -> FieldScores {
        let most = |levels: &[LevelWeight]| {
            levels
                .iter()
                .map(|l| l.weight)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        FieldScores {
            name: 0.0,
            dob: 0.0,
            gender: most(&self.gender),
            province: province.map_or_else(
                || most(&self.province),
                |level| self.province[level as usize].weight,
            ),
            id: if ids.may_be_typo {
                ids.typo.max(ids.other)
            } else {
                ids.other
            },
            linked: linked.map_or(0.0, |l| l.linked_weight.max(l.unlinked_weight)),
        }
    }

    /// The weight of a date at `level` from the participant's, whose date has share
    /// `dob_share` (what an exact date weighs by).
    pub(crate) fn date_weight(&self, level: DateLevel, dob_share: f64) -> f64 {
        let share = (level == DateLevel::Exact).then_some(dob_share);
        adjusted(&self.dob[level as usize], share)
    }
}

/// The levels of a full date of the participant's year and month, or year and day, other than
/// the participant's full date: a typo, or different. Never partial (both are full), never a
/// year off, never swapped: swapping the day and month of a date in the same month, or on the
/// same day, gives the date itself (the swapped level needs two different numbers).
pub(crate) const SAME_MONTH_OR_DAY_LEVELS: [DateLevel; 2] = [DateLevel::Typo, DateLevel::Differs];

/// What the ID of a candidate the search has not scored can weigh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct UnscoredIds {
    /// The row's [`IdEvidence`] weight: what a candidate whose ID is not one edit from the
    /// given one carries.
    pub(crate) other: f64,
    /// What a candidate whose ID is one edit from the given one carries (the ID-typo weight
    /// with the row's [`IdEvidence`] typo share).
    pub(crate) typo: f64,
    /// The persons one edit from the given 12-digit ID are not all scored yet.
    pub(crate) may_be_typo: bool,
}

/// [`Weights::search_bounds`]: the highest score of a candidate who lacks the participant's
/// exact name or exact date, by whether the name is the participant's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SearchBounds {
    /// Has the participant's name (exactly or but for accents), not their date.
    pub(crate) same_name: f64,
    /// Has the participant's name, and a full date of the participant's year and month or day
    /// other than theirs ([`SAME_MONTH_OR_DAY_LEVELS`]): the persons of the blocks of the name
    /// keys with a month or a day.
    pub(crate) same_name_same_month_or_day: f64,
    /// Has another name, and any date.
    pub(crate) other_name: f64,
}

impl SearchBounds {
    /// Covers everyone without both the participant's name and date.
    pub(crate) fn anyone(&self) -> f64 {
        self.same_name.max(self.other_name)
    }
}

/// Participants read for the `m` side (the first ones of the file, so the sample never depends
/// on chunking or threads).
pub(crate) const M_SAMPLE_ROWS: usize = 200_000;
/// Unrelated register pairs drawn for the `u` side.
pub(crate) const U_SAMPLE_PAIRS: u64 = 100_000;
/// Register IDs whose one-edit neighbourhood is probed for the ID-typo `u`.
pub(crate) const ID_SAMPLE: u64 = 5_000;
const SEED: u64 = 0x0070_6f70_7379_6e63; // "popsync" in ASCII

/// The `m` side: comparisons of participants with the person their ID names exactly (a
/// 12-digit CCCD, or an opaque ID of the `any` format). Not an old ID or one whose leading zeros
/// were restored: those are read through a rule, and a row they reach may be someone else's.
fn count_same_person<'a>(
    participants: impl Iterator<Item = &'a Participant>,
    register: &Register,
) -> LevelCounts {
    let mut counts = LevelCounts::default();
    let mut buffers = NameBuffers::default();
    for p in participants {
        if let ParsedId::Cccd(_) | ParsedId::Opaque(_) = p.id {
            if let Some(person) = register.find_id(&p.id) {
                counts.add_same_person(&verify::compare(p, register, person, &mut buffers));
            }
        }
    }
    counts
}

/// The `u` side: comparisons of unrelated register persons. A small register is compared in
/// all its pairs (exact); a large one in pairs drawn with a fixed seed.
fn count_unrelated(register: &Register) -> LevelCounts {
    let mut counts = LevelCounts::default();
    let n = register.len() as u64;
    let all_pairs = n * n.saturating_sub(1) / 2;
    let pairs: Box<dyn Iterator<Item = (PersonIdx, PersonIdx)>> = if all_pairs <= U_SAMPLE_PAIRS {
        Box::new(
            (0..n as PersonIdx).flat_map(move |a| (a + 1..n as PersonIdx).map(move |b| (a, b))),
        )
    } else {
        let mut rng = Rng::new(SEED);
        Box::new(
            (0..U_SAMPLE_PAIRS)
                .map(move |_| (rng.below(n) as PersonIdx, rng.below(n) as PersonIdx))
                .filter(|(a, b)| a != b),
        )
    };
    let mut buffers = NameBuffers::default();
    let mut canonical = String::new();
    for (a, b) in pairs {
        register.canonical_name(a, &mut canonical);
        let as_participant = Participant {
            id: crate::normalize::ParsedId::Missing,
            name: crate::normalize::NameForms::new(&canonical),
            dob: register.dob(a).map_or(
                crate::normalize::DateField::Missing,
                crate::normalize::DateField::Known,
            ),
            gender: register.gender(a),
            province: register.place(a),
        };
        counts.add(&verify::compare(&as_participant, register, b, &mut buffers));
    }
    counts
}

/// The ID-typo weight's `u`: the chance that another register person whose ID has the same
/// first six digits (birth province, gender and century, birth year) is one substitution or
/// adjacent transposition away, from the IDs around sampled register IDs.
///
/// Why those six digits and not the whole register: a neighbour one edit away nearly always
/// shares them, so it agrees by construction on the gender and birth year (and mostly the
/// province) that the other fields already weigh; counted against every register person, the
/// same agreement would be counted twice (about 12 bits), and in a national register persons
/// the register lacks would be suggested to whoever holds their ID's neighbour.
///
/// Opaque IDs (the `any` format) have no known structure: there the share is of every other
/// register person.
fn id_typo_share(register: &Register) -> f64 {
    const SERIALS: u64 = 1_000_000;
    let n = register.len() as u64;
    if n == 0 {
        return 1.0;
    }
    let mut rng = Rng::new(SEED ^ 1);
    let (mut neighbours, mut others) = (0u64, 0u64);
    for _ in 0..ID_SAMPLE.min(n) {
        let sampled = rng.below(n) as PersonIdx;
        let Some(id) = register.numeric_id(sampled) else {
            let opaque = ParsedId::Opaque(register.person_id(sampled));
            neighbours += register.id_neighbours(&opaque).len() as u64;
            others += n - 1;
            continue;
        };
        let prefix = id / SERIALS;
        let same_prefix =
            |p: PersonIdx| register.numeric_id(p).map(|h| h / SERIALS) == Some(prefix);
        neighbours += (register.numeric_id_neighbours(id).into_iter())
            .filter(|&p| same_prefix(p))
            .count() as u64;
        let block = prefix * SERIALS..(prefix + 1) * SERIALS;
        others += register.count_ids_in(block).saturating_sub(1) as u64;
    }
    // At least one neighbour and one other person, so the share is never zero or undefined.
    neighbours.max(1) as f64 / others.max(1) as f64
}

/// The one-to-one evidence: a person the ID path already linked to another insurance code is
/// rarely the person a search is looking for (most people have one code), while most register
/// persons are linked. Both shares come from the ID path's own links:
/// `m` = the share of linked persons linked from more than one row (how often a person's other
/// code is already linked), `u` = the share of the register that is linked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LinkedElsewhere {
    #[serde(skip)]
    linked: Vec<u64>,
    pub(crate) m: f64,
    pub(crate) u: f64,
    /// Bits for a candidate already linked elsewhere, and for one who is not.
    pub(crate) linked_weight: f64,
    pub(crate) unlinked_weight: f64,
}

impl LinkedElsewhere {
    /// From the person each row was linked to by ID (`NO_PERSON`: none), in a register of
    /// `persons`.
    pub(crate) fn estimate(links: &[PersonIdx], persons: usize) -> LinkedElsewhere {
        let mut linked = vec![0u64; persons.div_ceil(64)];
        let mut twice = vec![0u64; persons.div_ceil(64)];
        for &p in links.iter().filter(|&&p| (p as usize) < persons) {
            let (word, bit) = (p as usize / 64, 1u64 << (p % 64));
            if linked[word] & bit != 0 {
                twice[word] |= bit;
            }
            linked[word] |= bit;
        }
        let ones = |v: &[u64]| v.iter().map(|w| w.count_ones() as u64).sum::<u64>();
        let (n_linked, n_twice) = (ones(&linked), ones(&twice));
        let m = (n_twice as f64 + 1.0) / (n_linked as f64 + 2.0);
        let u = (n_linked as f64 + 1.0) / (persons as f64 + 2.0);
        LinkedElsewhere {
            linked,
            m,
            u,
            linked_weight: (m / u).log2(),
            unlinked_weight: ((1.0 - m) / (1.0 - u)).log2(),
        }
    }

    /// The same evidence with `persons` counted as linked too (the persons searched rows
    /// suggested; see [`crate::matching::claims`]). `m` and `u` stay the ID path's.
    pub(crate) fn with_persons(&self, persons: impl Iterator<Item = PersonIdx>) -> LinkedElsewhere {
        let mut with = self.clone();
        for p in persons {
            if let Some(word) = with.linked.get_mut(p as usize / 64) {
                *word |= 1u64 << (p % 64);
            }
        }
        with
    }

    /// Requests the word [`LinkedElsewhere::weight`] reads for `person`.
    #[inline]
    pub(crate) fn prefetch(&self, person: PersonIdx) {
        crate::register::prefetch::prefetch(&self.linked, person as usize / 64);
    }

    /// The evidence for `person` being a search's answer.
    pub(crate) fn weight(&self, person: PersonIdx) -> f64 {
        let (word, bit) = (person as usize / 64, 1u64 << (person % 64));
        if self.linked.get(word).is_some_and(|w| w & bit != 0) {
            self.linked_weight
        } else {
            self.unlinked_weight
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A register of women born in Hà Nội, `per_year` born in each of `years`, the `i`-th person
    /// of the register with serial `serial(i)`.
    fn register_of(
        years: std::ops::Range<u64>,
        per_year: u32,
        serial: impl Fn(u32) -> u32,
    ) -> Register {
        use crate::register::build::{NewPerson, RegisterBuilder};
        let mut builder = RegisterBuilder::new();
        for (nth, year) in years.enumerate() {
            for i in (0..per_year).map(|i| nth as u32 * per_year + i) {
                let id = 1_100_000_000 + year * 1_000_000 + u64::from(serial(i));
                builder.push(NewPerson {
                    gender: crate::normalize::Gender::Female,
                    ..NewPerson::numbered(u64::from(i), id, "Lê Thị Hoa")
                });
            }
        }
        builder.finish().0
    }

    #[test]
    fn an_id_typo_weighs_by_how_crowded_the_ids_prefix_is() {
        // 2,000 persons of one birth province, sex and year: with consecutive serials most IDs
        // one edit from a held one are held too (weak evidence); scattered over the million
        // serials, about 1 in 10 has a neighbour (strong).
        let mut rng = Rng::new(7);
        let serials: Vec<u32> = (0..20_000).map(|_| rng.below(1_000_000) as u32).collect();
        let scattered = |i: u32| serials[i as usize];
        let dense = id_typo_share(&register_of(90..91, 2_000, |i| i));
        let spread = id_typo_share(&register_of(90..91, 2_000, scattered));
        assert!(dense > 1e-3, "{dense}");
        assert!(spread > 1e-5 && spread < 1e-4, "{spread}");
        assert!(-spread.log2() > 13.0, "{spread}");
        // Persons born in other years (with serials of their own) are hardly ever one edit from
        // that year's IDs: ten times the register leaves the weight as it is, where a share of
        // the whole register fell by log2(10) bits.
        let wider = id_typo_share(&register_of(90..100, 2_000, scattered));
        assert!((wider / spread).log2().abs() < 0.5, "{spread} vs {wider}");
    }

    #[test]
    fn agreement_weighs_positive_and_disagreement_negative() {
        let mut m = LevelCounts::default();
        let mut u = LevelCounts::default();
        let same = Comparison {
            name: NameLevel::Exact,
            dob: DateLevel::Exact,
            gender: GenderLevel::Equal,
            province: ProvinceLevel::Equal,
        };
        let other = Comparison {
            name: NameLevel::Differs,
            dob: DateLevel::Differs,
            gender: GenderLevel::Differs,
            province: ProvinceLevel::Differs,
        };
        for _ in 0..990 {
            m.add_same_person(&same);
            u.add(&other);
        }
        for _ in 0..10 {
            m.add_same_person(&Comparison {
                dob: DateLevel::Typo,
                ..same
            });
            u.add(&same);
        }
        let w = Weights::estimate(&m, &u, 1e-6);
        assert!(w.name[NameLevel::Exact as usize].weight > 5.0);
        assert!(w.name[NameLevel::Differs as usize].weight < -5.0);
        assert!(w.dob[DateLevel::Typo as usize].weight > w.dob[DateLevel::Differs as usize].weight);
        assert_eq!(w.dob[DateLevel::Invalid as usize].weight, 0.0);
        assert!((w.id_typo - 19.93).abs() < 0.01);
    }

    /// ID hits of which `relatives` name someone else (name and date differ) and the rest
    /// their holder, whose name differs in one in `name_every` and date in one in `dob_every`,
    /// independently.
    fn hits(holders: u64, relatives: u64, name_every: u64, dob_every: u64) -> LevelCounts {
        let mut m = LevelCounts::default();
        for i in 0..holders {
            m.add_same_person(&Comparison {
                name: if i % name_every == 0 {
                    NameLevel::Differs
                } else {
                    NameLevel::Exact
                },
                dob: if i / name_every % dob_every == 0 {
                    DateLevel::Differs
                } else {
                    DateLevel::Exact
                },
                gender: GenderLevel::Equal,
                province: ProvinceLevel::Missing,
            });
        }
        for _ in 0..relatives {
            m.add_same_person(&Comparison {
                name: NameLevel::Differs,
                dob: DateLevel::Differs,
                gender: GenderLevel::Differs,
                province: ProvinceLevel::Missing,
            });
        }
        m
    }

    #[test]
    fn the_id_hit_prior_counts_as_someone_else_only_the_hits_errors_cannot_explain() {
        let mut u = LevelCounts::default();
        for i in 0..10_000u64 {
            u.add(&Comparison {
                name: NameLevel::Differs,
                dob: if i % 100 == 0 {
                    DateLevel::Exact
                } else {
                    DateLevel::Differs
                },
                gender: GenderLevel::Equal,
                province: ProvinceLevel::Missing,
            });
        }
        let prior = |m: &LevelCounts| Weights::estimate(m, &u, 1e-6).id_hit_prior;
        // Carelessly recorded but all their holders: one name in 5 and one date in 10 differ,
        // so one hit in 50 has both, as errors alone make them.
        let careless = prior(&hits(50_000, 0, 5, 10));
        assert!(careless > 12.0, "{careless}");
        // Carefully recorded, and 1 % relatives' IDs: the prior is near log2(99).
        let relatives = prior(&hits(49_500, 500, 100, 100));
        assert!((relatives - 99f64.log2()).abs() < 0.2, "{relatives}");
        // The same relatives among careless rows are still found, over the errors' share.
        let both = prior(&hits(49_500, 500, 5, 10));
        assert!((both - 99f64.log2()).abs() < 0.4, "{both}");
        // No hits: no evidence either way.
        assert_eq!(prior(&LevelCounts::default()), 0.0);
    }

    /// Random level counts, so that every level's weight and `m` varies from run to run.
    fn random_counts(rng: &mut Rng) -> LevelCounts {
        let mut counts = LevelCounts::default();
        let mut fill = |levels: &mut [u64]| {
            for c in levels {
                *c = rng.below(1000);
            }
        };
        fill(&mut counts.name);
        fill(&mut counts.dob);
        fill(&mut counts.gender);
        fill(&mut counts.province);
        counts
    }

    #[test]
    fn the_search_bounds_are_the_best_scores_without_an_exact_name_and_date() {
        let mut rng = Rng::new(11);
        for round in 0..200 {
            let (m, u) = (random_counts(&mut rng), random_counts(&mut rng));
            let w = Weights::estimate(&m, &u, rng.below(1000) as f64 * 1e-6);
            let share = |rng: &mut Rng| (rng.below(1_000_000) + 1) as f64 * 1e-6;
            let (name_share, dob_share) = (share(&mut rng), share(&mut rng));
            let links: Vec<PersonIdx> = (0..50).map(|_| rng.below(40) as PersonIdx).collect();
            let linked = LinkedElsewhere::estimate(&links, 40);
            let linked = (round % 2 == 0).then_some(&linked);
            let other = -(rng.below(2000) as f64) / 100.0;
            let typo = w.id_typo - (rng.below(800) as f64) / 100.0;
            for ids in [
                UnscoredIds {
                    other: 0.0,
                    typo,
                    may_be_typo: false,
                },
                UnscoredIds {
                    other,
                    typo,
                    may_be_typo: false,
                },
                UnscoredIds {
                    other,
                    typo,
                    may_be_typo: true,
                },
            ] {
                let bounds = w.search_bounds(name_share, dob_share, ids, linked);
                // The best score of each kind of candidate a bound covers.
                let (mut same_name, mut other_name) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                let mut same_name_same_month_or_day = f64::NEG_INFINITY;
                let id_typos: &[bool] = if ids.may_be_typo {
                    &[false, true]
                } else {
                    &[false]
                };
                for name in NAME_LEVELS {
                    for dob in DATE_LEVELS {
                        for gender in GENDER_LEVELS {
                            for province in PROVINCE_LEVELS {
                                let c = Comparison {
                                    name,
                                    dob,
                                    gender,
                                    province,
                                };
                                let exact_name =
                                    matches!(name, NameLevel::Exact | NameLevel::Diacritics);
                                let exact_date = dob == DateLevel::Exact;
                                for &id_typo in id_typos {
                                    // As the search scores a candidate.
                                    let mut scores = w.score_levels(
                                        &c,
                                        exact_name.then_some(name_share),
                                        exact_date.then_some(dob_share),
                                    );
                                    scores.id = if id_typo { ids.typo } else { ids.other };
                                    for linked_score in linked.map_or(vec![0.0], |l| {
                                        vec![l.linked_weight, l.unlinked_weight]
                                    }) {
                                        scores.linked = linked_score;
                                        if exact_name && SAME_MONTH_OR_DAY_LEVELS.contains(&dob) {
                                            same_name_same_month_or_day =
                                                same_name_same_month_or_day.max(scores.total());
                                        }
                                        let best = match (exact_name, exact_date) {
                                            (true, true) => continue,
                                            (true, false) => &mut same_name,
                                            (false, _) => &mut other_name,
                                        };
                                        *best = best.max(scores.total());
                                    }
                                }
                            }
                        }
                    }
                }
                // Never below a score it covers, and no looser than the best of them.
                for (bound, best) in [
                    (bounds.same_name, same_name),
                    (
                        bounds.same_name_same_month_or_day,
                        same_name_same_month_or_day,
                    ),
                    (bounds.other_name, other_name),
                    (bounds.anyone(), same_name.max(other_name)),
                ] {
                    assert!(best <= bound, "{best} > {bound} ({ids:?})");
                    assert!(bound - best < 1e-9, "{bound} vs {best} ({ids:?})");
                }
            }
        }
    }

    #[test]
    fn a_near_name_weighs_less_when_the_candidates_name_is_common_and_never_more_than_its_level() {
        use crate::register::build::{NewPerson, RegisterBuilder};
        // 999 Nguyễn Văn Hùng and one Quách Thị Ngoan.
        let mut builder = RegisterBuilder::new();
        for i in 0..1000u64 {
            let name = if i == 0 {
                "Quách Thị Ngoan"
            } else {
                "Nguyễn Văn Hùng"
            };
            builder.push(NewPerson::numbered(i, 1_190_000_000 + i, name));
        }
        let register = builder.finish().0;
        let freq = Frequencies::count(&register);
        let (rare, common) = (0, 1);
        let mut rng = Rng::new(9);
        for _ in 0..100 {
            let w = Weights::estimate(&random_counts(&mut rng), &random_counts(&mut rng), 1e-4);
            for level in [
                NameLevel::Typo,
                NameLevel::Order,
                NameLevel::Middle,
                NameLevel::MiddleDiffers,
            ] {
                let of = |person| w.name_weight(level, &register, person, &freq);
                let own = w.name[level as usize].weight;
                assert!(of(common) <= of(rare) && of(rare) <= own, "{level:?}");
                // 999 in 1,000 share the name, but the average person's name is that one:
                // only the rare name's typo may weigh its level's full weight.
                assert!(of(common) < own, "{level:?}");
            }
            for level in [NameLevel::Differs, NameLevel::Missing] {
                let own = w.name[level as usize].weight;
                assert_eq!(w.name_weight(level, &register, common, &freq), own);
            }
        }
    }

    #[test]
    fn most_for_name_is_the_best_name_weight_a_candidate_can_have() {
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let (m, u) = (random_counts(&mut rng), random_counts(&mut rng));
            let w = Weights::estimate(&m, &u, 1e-4);
            let share = (rng.below(1_000_000) + 1) as f64 * 1e-6;
            for name_share in [Some(share), None] {
                let best = NAME_LEVELS
                    .iter()
                    .filter_map(|&name| {
                        let exactish = matches!(name, NameLevel::Exact | NameLevel::Diacritics);
                        // No candidate has an equal name when no register name does.
                        if exactish && name_share.is_none() {
                            return None;
                        }
                        let c = Comparison {
                            name,
                            dob: DateLevel::Missing,
                            gender: GenderLevel::Missing,
                            province: ProvinceLevel::Missing,
                        };
                        Some(
                            w.score_levels(&c, name_share.filter(|_| exactish), None)
                                .name,
                        )
                    })
                    .fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(w.most_for_name(name_share), best);
            }
        }
    }

    #[test]
    fn sampling_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            let (x, y) = (a.below(1000), b.below(1000));
            assert_eq!(x, y);
            assert!(x < 1000);
        }
    }
}
