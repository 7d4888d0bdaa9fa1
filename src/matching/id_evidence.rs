//! What a searched row's own ID says about whether the register holds its person at all.
//!
//! A row reaches the search with no ID, a malformed one, one that names nobody, or one that
//! names someone who is clearly not them ([`IdPattern`]). Which of these it is says nothing
//! about *which* register person the row is, but much about *whether* it is anyone: in most
//! databases a well-formed ID that names nobody belongs to a person the register does not hold
//! (a mistyped one is one edit from its owner's, and carries the ID-typo evidence instead),
//! while an ID that names a relative comes from a person who is usually there too. So every
//! candidate of a row whose ID was given (but one whose ID is one edit from it) carries its
//! pattern's weight, `log2(P(in register | pattern) / P(in register))`, the likelihood ratio
//! of the pattern between "this candidate is the row's person" and "another person is". No ID,
//! or a malformed one, weighs nothing, as a missing value of any field ([`IdPattern::is_evidence`]).
//!
//! Why not count it like the other fields: the `m` of "the ID differs" would be the share of
//! given IDs that do not name an agreeing person, which counts the rows of persons the
//! register does not hold as if they were its persons with a wrong ID. Their namesakes would
//! then lose only a few bits for the ID, and in a national register, where a common name has
//! several bearers born on any one day, absent persons would be suggested to namesakes (most of
//! the wrong links, measured: BENCHMARKS.md).
//!
//! Estimated without knowing who is who: q and the overall share from the weights' sample (the
//! first participants), each pattern's share from the rows left to the search (up to 400,000,
//! spread over the file: `reconcile`'s `SEARCHED_SAMPLE_ROWS`) when they hold more of its rows. A
//! row's person, when the register holds them and their name and date were recorded cleanly,
//! is "on the row's day": born on the row's full date, with its whole folded name, and no
//! gender or province that differs. Namesakes are on a row's day by chance too, about as
//! often as on the control day 14 days away in the same month and year (names follow the
//! era), scaled by the two days' sizes (1 January stands in for unknown birthdays). So the
//! rows of a pattern with someone on their day are `held × q + chance`, q being how often a
//! row the ID path linked has its person on its day, and a pattern's share of held rows is
//! the posterior mean of that binomial model (`posterior_share`), under a weak prior at the
//! overall share. Why not rows beyond chance over q: a held row whose name was mistyped is off
//! its day, and a handful of such rows would read as absent persons. The person the given ID
//! names and persons one edit from it are never counted. All counts are integers summed in
//! any order: the same sample gives the same weights on any number of threads.

use serde::Serialize;

use crate::normalize::ParsedId;

/// The ID a row reaches the search with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdPattern {
    /// No ID.
    Missing,
    /// Something that is no ID (letters, a wrong length).
    Malformed,
    /// A well-formed ID (12-digit, restored or old) that names nobody in the register.
    NamesNobody,
    /// An ID that names a register person who is clearly someone else.
    NamesAnother,
}

impl IdPattern {
    pub(crate) const ALL: [IdPattern; 4] = [
        IdPattern::Missing,
        IdPattern::Malformed,
        IdPattern::NamesNobody,
        IdPattern::NamesAnother,
    ];

    /// The pattern of a row with ID `id` whose ID path left it to the search; `names_another`:
    /// the ID named someone the verification rejected.
    pub(crate) fn of(id: &ParsedId, names_another: bool) -> IdPattern {
        match id {
            _ if names_another => IdPattern::NamesAnother,
            ParsedId::Missing => IdPattern::Missing,
            ParsedId::Malformed => IdPattern::Malformed,
            _ => IdPattern::NamesNobody,
        }
    }

    /// Whether the pattern weighs: an ID given, naming nobody or someone else. No ID, like any
    /// missing or unreadable value, is no evidence (why: rows without an ID may be recorded
    /// with more care or less than the others, and the estimate cannot tell that from absent
    /// persons; a given ID that names nobody says far more than that could distort).
    pub(crate) fn is_evidence(self) -> bool {
        matches!(self, IdPattern::NamesNobody | IdPattern::NamesAnother)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IdPattern::Missing => "missing",
            IdPattern::Malformed => "malformed",
            IdPattern::NamesNobody => "names_nobody",
            IdPattern::NamesAnother => "names_another",
        }
    }
}

/// One pattern's estimate, for summary.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PatternWeight {
    pub(crate) pattern: &'static str,
    /// Rows of this pattern with a full date and a name that the estimate read (from the
    /// weights' sample or the searched rows, whichever had more).
    pub(crate) rows: u64,
    /// The estimated share of them whose person the register holds.
    pub(crate) in_register: f64,
    /// Bits for each of their candidates whose ID is not one edit from the given one.
    pub(crate) weight: f64,
    /// The estimated share of them whose ID is one edit from their person's (a typo), and
    /// its log2, added to the ID-typo weight (whose `m` is 1: the typo's chance given that the
    /// ID is wrong). Why: a row whose ID names nobody is as often a person the register lacks
    /// as a mistyped one (about half each in the synthesized data), and one whose ID names a
    /// relative rarely a typo; in a national register, where many IDs have a register person
    /// one digit away, persons the register lacks would otherwise be suggested on that evidence
    /// alone.
    pub(crate) typo_share: f64,
    /// 0 for the patterns without an ID (no candidate is one edit from none).
    pub(crate) typo_weight: f64,
}

/// The weight of each [`IdPattern`]; all 0 (no evidence) until estimated.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct IdEvidence {
    /// q: the share of the sample's ID-linked rows whose person is on the row's day (the
    /// row's full date and whole folded name, no gender or province that differs).
    pub(crate) linked_on_their_day: f64,
    /// The estimated share of all the sample's rows (with a full date and a name) whose person
    /// the register holds.
    pub(crate) in_register: f64,
    /// In [`IdPattern::ALL`] order; empty: not estimated.
    pub(crate) patterns: Vec<PatternWeight>,
}

/// Pseudo-rows, all typos, in each pattern's typo share.
const TYPO_PRIOR_ROWS: f64 = 2.0;
/// Fewer ID-linked sample rows than this estimate nothing (every pattern weighs 0).
const MIN_LINKED: u64 = 100;
/// The fixed-point unit of the tallied person counts.
pub(crate) const FIXED: u64 = 1 << 16;

impl IdEvidence {
    /// The bits added to the ID-typo weight of a candidate of a row with this pattern whose
    /// ID is one edit from the given one (0 or less).
    pub(crate) fn typo_weight(&self, pattern: IdPattern) -> f64 {
        (self.patterns.get(pattern as usize)).map_or(0.0, |p| p.typo_weight)
    }

    /// The bits a candidate of a row with this pattern carries for the ID.
    pub(crate) fn weight(&self, pattern: IdPattern) -> f64 {
        self.patterns
            .get(pattern as usize)
            .map_or(0.0, |p| p.weight)
    }

    /// The estimate from the weights' sample (`sample`: q and the overall share) and, for each
    /// pattern, from whichever of it and `searched` (rows the ID path left to the search,
    /// drawn from the whole file) has more of its rows. Why: the weights' sample holds ~9,000
    /// rows whose ID names nobody, too few to tell a share of 1 in 10,000 from 0.
    pub(crate) fn estimate(sample: &IdTally, searched: &IdTally) -> IdEvidence {
        let (t, s) = (sample, searched);
        let mut patterns = *t;
        for i in 0..IdPattern::ALL.len() {
            if s.rows[i] > t.rows[i] {
                patterns.rows[i] = s.rows[i];
                patterns.rows_on_day[i] = s.rows_on_day[i];
                patterns.chance_on_day[i] = s.chance_on_day[i];
                patterns.typos_on_day[i] = s.typos_on_day[i];
            }
        }
        IdEvidence::from_tallies(t, &patterns)
    }

    /// `t`: the weights' sample; `patterns`: the counts of each pattern's rows.
    fn from_tallies(t: &IdTally, patterns: &IdTally) -> IdEvidence {
        if t.linked < MIN_LINKED || t.linked_on_day == 0 {
            return IdEvidence::default();
        }
        let q = t.linked_on_day as f64 / t.linked as f64;
        // The overall share, by moments: rows on their day beyond chance, over q.
        let held: f64 = (0..IdPattern::ALL.len())
            .map(|i| (t.rows_on_day[i] as f64 - t.chance(i)).max(0.0) / q)
            .sum();
        let rows = t.linked + t.rows.iter().sum::<u64>();
        let typos = t.typos_on_day.iter().sum::<u64>() as f64 / q;
        let in_register = ((t.linked as f64 + typos + held) / rows as f64).min(1.0);
        let p = patterns;
        let patterns = IdPattern::ALL
            .iter()
            .enumerate()
            .map(|(i, &pattern)| {
                let n = p.rows[i];
                let by_chance = if n == 0 {
                    0.0
                } else {
                    (p.chance(i) / n as f64).min(0.5)
                };
                let share = posterior_share(n, p.rows_on_day[i], q, by_chance, in_register);
                // Shrunk toward 1 (no change to the ID-typo weight) by two pseudo-rows.
                let typo_share = ((p.typos_on_day[i] as f64 / q + TYPO_PRIOR_ROWS)
                    / (n as f64 + TYPO_PRIOR_ROWS))
                    .min(1.0);
                PatternWeight {
                    typo_share,
                    typo_weight: if pattern.is_evidence() {
                        typo_share.log2()
                    } else {
                        0.0
                    },
                    pattern: pattern.as_str(),
                    rows: n,
                    in_register: share,
                    weight: if pattern.is_evidence() {
                        (share / in_register).log2()
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        IdEvidence {
            linked_on_their_day: q,
            in_register,
            patterns,
        }
    }
}

/// The prior's weight, in rows at the overall share: a pattern the sample barely has weighs
/// next to nothing, one it lacks exactly nothing.
const PRIOR_ROWS: f64 = 2.0;
/// Points of the posterior's grid over log-odds from -40 to 40.
const GRID: usize = 8000;

/// The posterior mean share of `rows` rows whose person the register holds, when `on_day` of
/// them have someone on their day, a held row does with chance `q` and any row by chance
/// with chance `by_chance`; the prior is a Beta of [`PRIOR_ROWS`] rows at share `prior`.
///
/// Why not the moment estimate (rows on their day beyond chance, over q): it reads a row
/// whose name or date was mistyped as a person the register lacks, so a pattern with a handful
/// of rows, one of them mistyped, weighed like a pattern of absent persons.
fn posterior_share(rows: u64, on_day: u64, q: f64, by_chance: f64, prior: f64) -> f64 {
    if rows == 0 {
        return prior;
    }
    let (a, b) = (PRIOR_ROWS * prior, PRIOR_ROWS * (1.0 - prior));
    let (k, n) = (on_day as f64, rows as f64);
    let log_density = |share: f64| {
        let p = (by_chance + share * q * (1.0 - by_chance)).clamp(1e-12, 1.0 - 1e-12);
        // Beta(a, b) over the log-odds: share^a (1 - share)^b (a zero power is 1, even of 0).
        let power = |x: f64, base: f64| if x == 0.0 { 0.0 } else { x * base.ln() };
        power(a, share) + power(b, 1.0 - share) + k * p.ln() + (n - k) * (1.0 - p).ln()
    };
    let grid: Vec<(f64, f64)> = (0..GRID)
        .map(|j| {
            let x = -40.0 + 80.0 * (j as f64 + 0.5) / GRID as f64;
            let share = 1.0 / (1.0 + (-x).exp());
            (share, log_density(share))
        })
        .collect();
    let top = grid.iter().map(|g| g.1).fold(f64::NEG_INFINITY, f64::max);
    let (mut mass, mut mean) = (0.0, 0.0);
    for &(share, density) in &grid {
        let w = (density - top).exp();
        mass += w;
        mean += w * share;
    }
    (mean / mass).min(1.0)
}

/// Integer counts over rows with a full date and a name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IdTally {
    /// Rows the ID path linked, and those whose person is on the row's day (q).
    pub(crate) linked: u64,
    pub(crate) linked_on_day: u64,
    /// Per pattern: rows left to the search, those with someone on their day, and the persons
    /// on the control day scaled to the row's day's size (the number on the row's day by
    /// chance), in units of 1 / [`FIXED`].
    pub(crate) rows: [u64; 4],
    pub(crate) rows_on_day: [u64; 4],
    pub(crate) chance_on_day: [u64; 4],
    /// Per pattern: persons on a searched row's day whose ID is one edit from the given one:
    /// mistyped IDs, whose rows the register holds (by chance hardly ever: the person must
    /// also have the row's name and date).
    pub(crate) typos_on_day: [u64; 4],
}

impl IdTally {
    /// The persons on pattern `i`'s rows' days by chance.
    fn chance(&self, i: usize) -> f64 {
        self.chance_on_day[i] as f64 / FIXED as f64
    }

    pub(crate) fn merge(mut self, other: IdTally) -> IdTally {
        self.linked += other.linked;
        self.linked_on_day += other.linked_on_day;
        for i in 0..IdPattern::ALL.len() {
            self.typos_on_day[i] += other.typos_on_day[i];
            self.rows[i] += other.rows[i];
            self.rows_on_day[i] += other.rows_on_day[i];
            self.chance_on_day[i] += other.chance_on_day[i];
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl IdEvidence {
        fn from_tally_for_test(t: &IdTally) -> IdEvidence {
            IdEvidence::from_tallies(t, t)
        }
    }

    fn tally(linked: u64, linked_on_day: u64, rows: [u64; 4], rows_on_day: [u64; 4]) -> IdTally {
        IdTally {
            linked,
            linked_on_day,
            rows,
            rows_on_day,
            chance_on_day: [0; 4],
            typos_on_day: [0; 4],
        }
    }

    #[test]
    fn absent_persons_ids_weigh_against_and_relatives_ids_do_not() {
        // 100,000 linked rows, 80 % on their day; 5,000 rows whose ID names nobody, 200 of
        // them with someone on their day, as many as chance puts there; 100 rows with a
        // relative's ID, 80 on their day (all held); 200 without an ID, 152 on their day
        // (95 % held).
        let mut t = tally(100_000, 80_000, [200, 0, 5_000, 100], [152, 0, 200, 80]);
        t.chance_on_day = [0, 0, 200 * FIXED, 0];
        let e = IdEvidence::from_tallies(&t, &t);
        let w = |p| e.weight(p);
        assert!(w(IdPattern::NamesNobody) < -6.0, "{e:?}");
        assert!(w(IdPattern::NamesAnother).abs() < 0.2, "{e:?}");
        // No ID is no evidence, whatever the estimate (here 98 % held).
        assert_eq!(w(IdPattern::Missing), 0.0, "{e:?}");
        assert!(e.patterns[IdPattern::Missing as usize].in_register > 0.97);
        assert_eq!(w(IdPattern::Malformed), 0.0, "{e:?}");
        assert!((e.linked_on_their_day - 0.8).abs() < 1e-12);
        // The overall share: linked rows, and the rows on their day beyond chance over q.
        let held = 100_000.0 + (152.0 + 80.0) / 0.8;
        assert!((e.in_register - held / 105_300.0).abs() < 1e-9, "{e:?}");
    }

    #[test]
    fn a_few_rows_off_their_day_are_not_read_as_absent_persons() {
        // One row whose ID names nobody and whose name was mistyped (nobody on its day): a
        // held row is off its day one time in five, so this says little.
        let e = IdEvidence::from_tally_for_test(&tally(10_000, 8_000, [0, 0, 1, 0], [0; 4]));
        let nobody = e.weight(IdPattern::NamesNobody);
        assert!((-0.5..0.0).contains(&nobody), "{e:?}");
    }

    #[test]
    fn a_sample_of_held_rows_only_is_finite() {
        // Every row held: the overall share is 1, and no weight is NaN.
        let e = IdEvidence::from_tally_for_test(&tally(1_000, 1_000, [10, 0, 0, 0], [10, 0, 0, 0]));
        assert_eq!(e.in_register, 1.0);
        assert!(e.patterns.iter().all(|p| p.weight.is_finite()), "{e:?}");
    }

    #[test]
    fn the_searched_rows_refine_a_pattern_the_sample_has_few_of() {
        // The weights' sample: 10 rows whose ID names nobody, none on their day; the searched
        // rows: 20,000 of them, none on their day either. The overall share stays the sample's.
        let sample = tally(10_000, 8_000, [100, 0, 10, 0], [80, 0, 0, 0]);
        let searched = tally(0, 0, [50, 0, 20_000, 0], [40, 0, 0, 0]);
        let alone = IdEvidence::estimate(&sample, &IdTally::default());
        let refined = IdEvidence::estimate(&sample, &searched);
        assert_eq!(alone.in_register, refined.in_register);
        let nobody = |e: &IdEvidence| e.patterns[IdPattern::NamesNobody as usize].clone();
        assert_eq!((nobody(&alone).rows, nobody(&refined).rows), (10, 20_000));
        assert!(nobody(&alone).weight > -4.0, "{alone:?}");
        assert!(nobody(&refined).weight < -12.0, "{refined:?}");
        // Fewer searched rows of a pattern than the sample has: the sample's count stands.
        assert_eq!(refined.patterns[IdPattern::Missing as usize].rows, 100);
    }

    #[test]
    fn an_id_typo_weighs_by_how_often_the_rows_ids_are_typos() {
        // 4,000 rows whose ID names nobody, 1,600 with their person one edit from it on their
        // day (q = 0.8: 2,000 typos, half); 1,000 with an ID naming someone else, 8 of them
        // (10 typos in all, 1 %).
        let mut t = tally(100_000, 80_000, [0, 0, 4_000, 1_000], [0, 0, 0, 800]);
        t.typos_on_day = [0, 0, 1_600, 8];
        let e = IdEvidence::from_tally_for_test(&t);
        let nobody = e.typo_weight(IdPattern::NamesNobody);
        let another = e.typo_weight(IdPattern::NamesAnother);
        assert!((nobody - 0.5f64.log2()).abs() < 0.01, "{e:?}");
        assert!((another - (12.0f64 / 1_002.0).log2()).abs() < 0.01, "{e:?}");
        assert_eq!(e.typo_weight(IdPattern::Missing), 0.0);
        // Not estimated: no change to the ID-typo weight.
        assert_eq!(
            IdEvidence::default().typo_weight(IdPattern::NamesNobody),
            0.0
        );
    }

    #[test]
    fn a_sample_without_links_estimates_nothing() {
        let e = IdEvidence::from_tally_for_test(&tally(10, 5, [0, 0, 500, 0], [0; 4]));
        assert_eq!(e, IdEvidence::default());
        assert_eq!(e.weight(IdPattern::NamesNobody), 0.0);
    }
}
