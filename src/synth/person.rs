//! Synthetic persons, each regenerated on demand from its index: nothing per person is stored.
//!
//! A [`Universe`] is a population of `n` persons. Person `i` is placed in a *cell* (former
//! province of birth registration × gender × birth year) through a keyed permutation `π` of
//! `[0, n)`: the cells own consecutive ranges of `π`'s values, sized by the cell frequencies
//! (province population × birth cohort), so the cell of `i` is a binary search away and the
//! persons of a cell are numbered `0, 1, 2…` by `π(i) − start`. That number, through a keyed
//! bijection of `[0, 10^6)`, is the last six digits of the CCCD: every ID is unique by
//! construction, with no table and no retry. The register and the people absent from it are two
//! universes over the same cells; the absent ones count their six digits down from the top of
//! the range, so their IDs never collide with a register ID (checked when the universes are
//! built). Everything else about a person (name, day of birth, status…) comes from a stream
//! seeded by the person's index.

use super::names::{Names, Table, FEMALE, MALE};
use super::permutation::Permutation;
use crate::province::ProvinceTable;
use crate::rng::{key, Rng};

/// Birth years in the register.
pub(crate) const FIRST_YEAR: u16 = 1920;
pub(crate) const LAST_YEAR: u16 = 2025;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
/// The reference year for ages (schemes, old ID cards, deceased persons).
pub(crate) const NOW: u16 = 2025;

/// Six digits of a CCCD are free within a cell.
const SUFFIXES: u64 = 1_000_000;
/// Old ID card numbers have nine digits.
const OLD_IDS: u64 = 1_000_000_000;

/// Population of each former province (2019 census, in tens of thousands), by code. A code
/// missing here (a replaced table) weighs as an average province.
const PROVINCE_POPULATION: &[(u16, u64)] = &[
    (1, 805),
    (2, 85),
    (4, 53),
    (6, 31),
    (8, 78),
    (10, 73),
    (11, 60),
    (12, 46),
    (14, 125),
    (15, 82),
    (17, 85),
    (19, 129),
    (20, 78),
    (22, 132),
    (24, 180),
    (25, 146),
    (26, 115),
    (27, 137),
    (30, 189),
    (31, 203),
    (33, 125),
    (34, 186),
    (35, 85),
    (36, 178),
    (37, 98),
    (38, 364),
    (40, 333),
    (42, 129),
    (44, 90),
    (45, 63),
    (46, 113),
    (48, 113),
    (49, 150),
    (51, 123),
    (52, 149),
    (54, 87),
    (56, 123),
    (58, 59),
    (60, 123),
    (62, 54),
    (64, 151),
    (66, 187),
    (67, 62),
    (68, 130),
    (70, 99),
    (72, 117),
    (74, 243),
    (75, 310),
    (77, 115),
    (79, 899),
    (80, 169),
    (82, 176),
    (83, 129),
    (84, 101),
    (86, 102),
    (87, 160),
    (89, 191),
    (91, 172),
    (92, 124),
    (93, 73),
    (94, 120),
    (95, 91),
    (96, 119),
];

/// Relative size of a birth cohort in the register (the living and the dead): small for the
/// 1920s, the post-1975 baby boom largest, a slow decline since.
fn year_weight(year: u16) -> u64 {
    match year {
        ..=1929 => 20 + (year - FIRST_YEAR) as u64 * 3,
        1930..=1944 => 50 + (year - 1930) as u64 * 3,
        1945..=1954 => 100,
        1955..=1974 => 130,
        1975..=1999 => 160,
        2000..=2019 => 150,
        _ => 130,
    }
}

/// One former province as the generator uses it.
#[derive(Debug, Clone)]
pub(crate) struct Province {
    /// The 3-digit former code as a number (`1` for Hà Nội).
    pub(crate) code: u16,
    /// The former code as written (`001`).
    pub(crate) former: String,
    /// The current 2-digit code of the province that absorbed it (`01`).
    pub(crate) current: String,
}

/// What every person shares: the provinces, the cells and the seed.
#[derive(Debug)]
pub(crate) struct Demography {
    pub(crate) seed: u64,
    pub(crate) provinces: Vec<Province>,
    /// Sampling table for a province of residence, by population.
    residence: Vec<u64>,
    /// `cell_cumulative[c]` = total weight of cells `0..c` (length cells + 1).
    cell_cumulative: Vec<u128>,
    old_ids: Permutation,
}

impl Demography {
    pub(crate) fn new(seed: u64) -> Demography {
        // The CCCD prefixes are fixed by Circular 07/2016: always the built-in table.
        let table = ProvinceTable::builtin();
        let provinces: Vec<Province> = table
            .former
            .iter()
            .map(|f| Province {
                code: f.code.parse().expect("former codes are 3 digits"),
                former: f.code.clone(),
                current: table.current[f.current].code.clone(),
            })
            .collect();
        let weight = |code: u16| {
            PROVINCE_POPULATION
                .iter()
                .find(|&&(c, _)| c == code)
                .map_or(100, |&(_, w)| w)
        };
        let mut residence = Vec::with_capacity(provinces.len());
        let mut total = 0;
        for p in &provinces {
            total += weight(p.code);
            residence.push(total);
        }
        let mut cell_cumulative = Vec::with_capacity(provinces.len() * 2 * YEARS + 1);
        let mut total = 0u128;
        cell_cumulative.push(0);
        for p in &provinces {
            for _gender in 0..2 {
                for year in FIRST_YEAR..=LAST_YEAR {
                    total += (weight(p.code) * year_weight(year)) as u128;
                    cell_cumulative.push(total);
                }
            }
        }
        Demography {
            seed,
            provinces,
            residence,
            cell_cumulative,
            old_ids: Permutation::new(OLD_IDS, key(&[seed, stream::OLD_ID])),
        }
    }

    fn cells(&self) -> usize {
        self.cell_cumulative.len() - 1
    }

    /// (province index, female, birth year) of a cell.
    fn decode_cell(&self, cell: usize) -> (usize, bool, u16) {
        let year = FIRST_YEAR + (cell % YEARS) as u16;
        let female = (cell / YEARS) % 2 == 1;
        (cell / YEARS / 2, female, year)
    }

    /// A province drawn by population (index into [`Demography::provinces`]).
    pub(crate) fn sample_province(&self, rng: &mut Rng) -> usize {
        let r = rng.below(*self.residence.last().expect("provinces"));
        self.residence.partition_point(|&c| c <= r)
    }
}

/// Names of the independent random streams, so that no two uses of the seed collide.
pub(crate) mod stream {
    pub(crate) const REGISTER: u64 = 1;
    pub(crate) const ABSENT: u64 = 2;
    pub(crate) const PLACEMENT: u64 = 3;
    pub(crate) const SUFFIX: u64 = 4;
    pub(crate) const OLD_ID: u64 = 5;
    pub(crate) const HOUSEHOLD: u64 = 6;
    pub(crate) const PERSON: u64 = 7;
    pub(crate) const PARTICIPANT: u64 = 8;
    pub(crate) const PAIRS: u64 = 9;
    pub(crate) const SLOTS: u64 = 10;
    pub(crate) const CODES: u64 = 11;
    pub(crate) const DUPLICATE: u64 = 12;
    pub(crate) const ABSENT_ROLE: u64 = 13;
}

/// Which population a universe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Population {
    /// The register: written to population.csv.
    Register,
    /// People with insurance but absent from the register.
    Absent,
}

/// A population of `n` persons over the demography's cells.
#[derive(Debug)]
pub(crate) struct Universe {
    pub(crate) n: u64,
    pub(crate) population: Population,
    placement: Permutation,
    /// Households are four consecutive values of this permutation: relatives are scattered
    /// through the file, as in a real register.
    households: Permutation,
    /// `bounds[c]..bounds[c + 1]` are the values of `π` in cell `c`.
    bounds: Vec<u64>,
}

impl Universe {
    pub(crate) fn new(demography: &Demography, n: u64, population: Population) -> Universe {
        let total = *demography.cell_cumulative.last().expect("cells");
        let bounds = demography
            .cell_cumulative
            .iter()
            .map(|&c| (n as u128 * c / total) as u64)
            .collect();
        Universe {
            n,
            population,
            placement: Permutation::new(
                n,
                key(&[demography.seed, stream::PLACEMENT, population as u64]),
            ),
            households: Permutation::new(
                n,
                key(&[demography.seed, stream::HOUSEHOLD, population as u64]),
            ),
            bounds,
        }
    }

    fn cell_size(&self, cell: usize) -> u64 {
        self.bounds[cell + 1] - self.bounds[cell]
    }

    /// The largest number of persons the two universes put in one cell together; IDs are
    /// unique while it is at most 10^6.
    pub(crate) fn max_shared_cell(demography: &Demography, a: &Universe, b: &Universe) -> u64 {
        (0..demography.cells())
            .map(|c| a.cell_size(c) + b.cell_size(c))
            .max()
            .unwrap_or(0)
    }

    fn household_of(&self, index: u64) -> u64 {
        self.households.apply(index) / 4
    }

    /// The other members of a person's household (up to three; they share the family name).
    pub(crate) fn relatives(&self, index: u64) -> impl Iterator<Item = u64> + '_ {
        let first = self.household_of(index) * 4;
        (first..(first + 4).min(self.n))
            .map(|h| self.households.invert(h))
            .filter(move |&j| j != index)
    }

    pub(crate) fn stream(&self) -> u64 {
        match self.population {
            Population::Register => stream::REGISTER,
            Population::Absent => stream::ABSENT,
        }
    }
}

/// How a register person's name is written: the name tables hold the "old" tone placement
/// (Hòa); some records use the "new" one (Hoà).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    Old,
    New,
}

/// One generated person.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) index: u64,
    /// The 12-digit CCCD.
    pub(crate) id: u64,
    /// The 9-digit old ID card number.
    pub(crate) old_id: Option<u32>,
    pub(crate) female: bool,
    pub(crate) year: u16,
    /// 0 when the register knows only the year.
    pub(crate) month: u8,
    pub(crate) day: u8,
    /// Index into [`Demography::provinces`] of the province of residence.
    pub(crate) residence: usize,
    pub(crate) deceased: bool,
    pub(crate) family: u16,
    pub(crate) middles: [u16; 2],
    pub(crate) middle_count: u8,
    pub(crate) given: u16,
    pub(crate) placement: Placement,
}

impl Person {
    /// Person `index` of a universe.
    pub(crate) fn generate(demography: &Demography, universe: &Universe, index: u64) -> Person {
        debug_assert!(index < universe.n);
        let rank = universe.placement.apply(index);
        let cell = universe.bounds.partition_point(|&b| b <= rank) - 1;
        let (province, female, year) = demography.decode_cell(cell);
        let within = rank - universe.bounds[cell];
        let slot = match universe.population {
            Population::Register => within,
            Population::Absent => SUFFIXES - 1 - within,
        };
        let suffix = Permutation::new(
            SUFFIXES,
            key(&[demography.seed, stream::SUFFIX, cell as u64]),
        )
        .apply(slot);
        let century_gender = (year as u64 / 100 - 19) * 2 + female as u64;
        let id = demography.provinces[province].code as u64 * 1_000_000_000
            + century_gender * 100_000_000
            + (year as u64 % 100) * 1_000_000
            + suffix;

        let mut rng = Rng::new(key(&[
            demography.seed,
            stream::PERSON,
            universe.stream(),
            index,
        ]));
        // Old ID cards were issued from the age of 14 until 2021: an adult today had one.
        let age = NOW.saturating_sub(year);
        let year_only_share = match year {
            ..=1944 => 0.3,
            1945..=1959 => 0.08,
            _ => 0.0,
        };
        let (month, day) = if rng.chance(year_only_share) {
            (0, 0)
        } else if year < 1960 && rng.chance(0.1) {
            // Elderly people whose birthday was unknown were often given 1 January.
            (1, 1)
        } else {
            let month = 1 + rng.below(12) as u8;
            let day =
                1 + rng.below(crate::normalize::date::days_in_month(year, month) as u64) as u8;
            (month, day)
        };
        let deceased_share = match year {
            ..=1934 => 0.6,
            1935..=1949 => 0.3,
            1950..=1959 => 0.1,
            1960..=1979 => 0.03,
            _ => 0.005,
        };
        let deceased = universe.population == Population::Register && rng.chance(deceased_share);
        let old_id = (universe.population == Population::Register && age >= 18 && rng.chance(0.75))
            .then(|| demography.old_ids.apply(index) as u32);
        let residence = if rng.chance(0.85) {
            province
        } else {
            demography.sample_province(&mut rng)
        };

        let names = Names::get();
        let g = if female { FEMALE } else { MALE };
        // The members of a household share their family name.
        let household_key = key(&[
            demography.seed,
            stream::HOUSEHOLD,
            universe.stream(),
            universe.household_of(index),
        ]);
        let mut household = Rng::new(household_key);
        let family = names.family.sample(&mut household);
        let given = names.given[g].sample(&mut rng);
        // Four-syllable names (two middle names) are common for women (Nguyễn Thị Ngọc Ánh),
        // rarer for men; a few names have no middle name at all.
        let middle_count = match (rng.below(100), female) {
            (0..=2, _) => 0,
            (3..=84, true) | (3..=93, false) => 1,
            _ => 2,
        };
        let mut middles = [u16::MAX; 2];
        let table = &names.middle[g];
        let given_name = names.given[g].name(given);
        if middle_count == 1 {
            middles[0] = loop {
                let m = table.sample(&mut rng);
                if table.name(m) != given_name {
                    break m;
                }
            };
        } else if middle_count == 2 {
            // Văn/Thị (the first entry of each table) or another middle name, then one of the
            // usual second middle names.
            let usual_first = if female { 0.6 } else { 0.3 };
            middles[0] = if rng.chance(usual_first) {
                0
            } else {
                sample_except(table, &mut rng, 0)
            };
            let second = &names.second_middle[g];
            middles[1] = loop {
                let m = table
                    .index_of(second.name(second.sample(&mut rng)))
                    .expect("second middles are middles");
                if m != middles[0] && table.name(m) != given_name {
                    break m;
                }
            };
        }
        let placement = if rng.chance(0.12) {
            Placement::New
        } else {
            Placement::Old
        };
        Person {
            index,
            id,
            old_id,
            female,
            year,
            month,
            day,
            residence,
            deceased,
            family,
            middles,
            middle_count,
            given,
            placement,
        }
    }

    /// The name's parts as the register writes them: family name (possibly two syllables),
    /// middle names, given name.
    pub(crate) fn name_parts(&self) -> NameParts {
        let names = Names::get();
        let g = if self.female { FEMALE } else { MALE };
        let new = self.placement == Placement::New;
        let mut parts = NameParts {
            parts: [""; 4],
            len: 0,
        };
        parts.push(alt_or(&names.family, self.family, new));
        for &m in &self.middles[..self.middle_count as usize] {
            parts.push(alt_or(&names.middle[g], m, new));
        }
        parts.push(alt_or(&names.given[g], self.given, new));
        parts
    }

    /// True when a syllable of the name has two tone placements in use (Hòa/Hoà).
    pub(crate) fn has_two_placements(&self) -> bool {
        let names = Names::get();
        let g = if self.female { FEMALE } else { MALE };
        names.family.new_placement(self.family).is_some()
            || self.middles[..self.middle_count as usize]
                .iter()
                .any(|&m| names.middle[g].new_placement(m).is_some())
            || names.given[g].new_placement(self.given).is_some()
    }

    /// The full name into `out` (cleared first), NFC.
    pub(crate) fn write_name(&self, out: &mut String) {
        out.clear();
        for (i, part) in self.name_parts().iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(part);
        }
    }

    pub(crate) fn gender_str(&self) -> &'static str {
        gender_str(self.female)
    }

    pub(crate) fn status_str(&self) -> &'static str {
        if self.deceased {
            "deceased"
        } else {
            "alive"
        }
    }
}

pub(crate) fn gender_str(female: bool) -> &'static str {
    if female {
        "Nữ"
    } else {
        "Nam"
    }
}

fn sample_except(table: &Table, rng: &mut Rng, except: u16) -> u16 {
    loop {
        let i = table.sample(rng);
        if i != except {
            return i;
        }
    }
}

fn alt_or(table: &'static Table, index: u16, new: bool) -> &'static str {
    if new {
        table
            .new_placement(index)
            .unwrap_or_else(|| table.name(index))
    } else {
        table.name(index)
    }
}

/// Up to four name parts, without allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameParts {
    parts: [&'static str; 4],
    len: usize,
}

impl NameParts {
    fn push(&mut self, part: &'static str) {
        self.parts[self.len] = part;
        self.len += 1;
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts[..self.len].iter().copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}
