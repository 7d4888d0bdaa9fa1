//! Dates of birth with their precision (docs/input.md).
//!
//! Accepted without configuration: `dd/mm/yyyy`, `d/m/yyyy`, `yyyy-mm-dd`, `yyyymmdd`,
//! `mm/yyyy`, `yyyy`, the placeholders `00/00/yyyy` and `00/mm/yyyy` (year-only and month-year),
//! `-` or `.` in place of `/`, and a trailing midnight time as database exports write it
//! (`1990-05-12 00:00:00`). A date keeps its precision: `1950` is a year, not 1 January 1950.
//! Impossible dates (`31/02/1990`) are a [`DateProblem`], never a panic.

use std::fmt;

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// Only the year (`1950`, `00/00/1950`).
    Year,
    /// The month and year (`03/1950`, `00/03/1950`).
    Month,
    /// The whole date.
    Day,
}

/// A date of birth known to the day, the month or only the year.
/// `month` and `day` are 0 when unknown; a known day implies a known month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not in any accepted format.
    Unrecognized,
    /// In an accepted format, but no such day exists (31/02/1990, month 13, year 0); with the
    /// date as written when it was written whole (a day, a month and a year, any of them 0).
    Impossible(Option<WrittenDate>),
}

/// The order of a written full date's digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    DayMonthYear,
    MonthDayYear,
    YearMonthDay,
}

/// The orders a date's digits are usually written in, day first and year first.
const WRITTEN_ORDERS: [Layout; 2] = [Layout::DayMonthYear, Layout::YearMonthDay];

impl Layout {
    /// The positions of the last digit of each part but the last (its neighbour to the right
    /// starts the next part).
    fn part_ends(self) -> [usize; 2] {
        match self {
            Layout::DayMonthYear | Layout::MonthDayYear => [1, 3],
            Layout::YearMonthDay => [3, 5],
        }
    }

    /// The eight digits of `year`, `month` and `day` in this order.
    fn place(self, year: u16, month: u8, day: u8) -> [u8; 8] {
        let (y, m, d) = (year, month, day);
        let [y0, y1, y2, y3] = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10].map(|v| v as u8);
        let ([m0, m1], [d0, d1]) = ([m / 10, m % 10], [d / 10, d % 10]);
        match self {
            Layout::DayMonthYear => [d0, d1, m0, m1, y0, y1, y2, y3],
            Layout::MonthDayYear => [m0, m1, d0, d1, y0, y1, y2, y3],
            Layout::YearMonthDay => [y0, y1, y2, y3, m0, m1, d0, d1],
        }
    }
}

/// A full date as written that names no real day (31/02/1990; 19403407, month 34): its eight
/// digits in the order written. Kept because such a date is usually a real one mistyped by one
/// keystroke (a digit replaced, or two neighbouring digits swapped), and those are few enough
/// to try (`repairs`) and to recognize (`one_keystroke_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenDate {
    digits: [u8; 8],
    layout: Layout,
}

impl WrittenDate {
    fn new(year: u32, month: u32, day: u32, layout: Layout) -> Option<WrittenDate> {
        if year > 9999 || month > 99 || day > 99 {
            return None;
        }
        let digits = layout.place(year as u16, month as u8, day as u8);
        Some(WrittenDate { digits, layout })
    }

    /// The date `digits` (in this date's order) write, if it is a real one.
    fn read(self, digits: [u8; 8]) -> Option<PartialDate> {
        let n = |range: std::ops::Range<usize>| {
            digits[range]
                .iter()
                .fold(0u16, |v, &d| v * 10 + u16::from(d))
        };
        let (year, month, day) = match self.layout {
            Layout::DayMonthYear => (n(4..8), n(2..4), n(0..2)),
            Layout::MonthDayYear => (n(4..8), n(0..2), n(2..4)),
            Layout::YearMonthDay => (n(0..4), n(4..6), n(6..8)),
        };
        if month == 0 || day == 0 {
            return None;
        }
        PartialDate::new(year, month as u8, day as u8)
    }

    /// True when `date`, a full date, is this one with one digit replaced or two neighbouring
    /// digits swapped, as written.
    pub(crate) fn one_keystroke_from(self, date: PartialDate) -> bool {
        let (Some(month), Some(day)) = (date.month(), date.day()) else {
            return false;
        };
        one_keystroke_apart(self.digits, self.layout.place(date.year(), month, day))
    }

    /// The real dates one keystroke from this one, in date order.
    pub(crate) fn repairs(self) -> Vec<PartialDate> {
        let mut dates = Vec::new();
        for i in 0..8 {
            for digit in (0..10).filter(|&d| d != self.digits[i]) {
                let mut digits = self.digits;
                digits[i] = digit;
                dates.extend(self.read(digits));
            }
            if i < 7 && self.digits[i] != self.digits[i + 1] {
                let mut digits = self.digits;
                digits.swap(i, i + 1);
                dates.extend(self.read(digits));
            }
        }
        dates.sort_unstable();
        dates.dedup();
        dates
    }
}

/// True when two digit strings differ in one digit, or by two neighbouring digits swapped.
pub(crate) fn one_keystroke_apart(a: [u8; 8], b: [u8; 8]) -> bool {
    let mut differ = (0..8).filter(|&i| a[i] != b[i]);
    match (differ.next(), differ.next(), differ.next()) {
        (Some(_), None, _) => true,
        (Some(i), Some(j), None) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

/// A date field as read from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    /// Empty.
    Missing,
    /// Not a date, or a date that does not exist.
    Invalid(DateProblem),
    /// A date, at its precision.
    Known(PartialDate),
}

/// How a three-part date with its year last is ordered: `dd/mm/yyyy` in Vietnam, `mm/dd/yyyy`
/// in an export that fixes the American order (the config's `date_format`). Dates with the
/// year first (`yyyy-mm-dd`) are the same either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum DateOrder {
    #[default]
    DayFirst,
    MonthFirst,
}

impl DateField {
    /// Reads a date field: empty, a date, or why it is not one.
    pub fn parse(raw: &str) -> DateField {
        DateField::parse_in(raw, DateOrder::DayFirst)
    }

    /// Reads a date field whose three-part dates are in `order`.
    pub(crate) fn parse_in(raw: &str, order: DateOrder) -> DateField {
        if raw.trim().is_empty() {
            return DateField::Missing;
        }
        match PartialDate::parse_in(raw, order) {
            Ok(date) => DateField::Known(date),
            Err(problem) => DateField::Invalid(problem),
        }
    }

    pub(crate) fn known(self) -> Option<PartialDate> {
        match self {
            DateField::Known(d) => Some(d),
            _ => None,
        }
    }
}

/// Years outside this range are recording errors, not birth dates.
const YEARS: std::ops::RangeInclusive<u16> = 1800..=2199;

impl PartialDate {
    /// A date from its parts; `None` when no such day exists. Zero month or day means unknown.
    pub fn new(year: u16, month: u8, day: u8) -> Option<PartialDate> {
        if !YEARS.contains(&year) || month > 12 || (month == 0 && day != 0) {
            return None;
        }
        if day > 0 && day > days_in_month(year, month) {
            return None;
        }
        Some(PartialDate { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, when known.
    pub fn month(self) -> Option<u8> {
        (self.month != 0).then_some(self.month)
    }

    /// The day, when known.
    pub fn day(self) -> Option<u8> {
        (self.day != 0).then_some(self.day)
    }

    /// True when `other` is this date with one digit replaced or two neighbouring digits
    /// swapped, written in either order dates usually are (`ddmmyyyy` or `yyyymmdd`: the two
    /// place different digits side by side), an unknown day or month as `00`.
    pub(crate) fn one_keystroke_from(self, other: PartialDate) -> bool {
        WRITTEN_ORDERS.iter().any(|layout| {
            let place = |d: PartialDate| layout.place(d.year, d.month, d.day);
            one_keystroke_apart(place(self), place(other))
        })
    }

    /// The full dates one swap of two neighbouring digits from this full date where the two
    /// belong to different parts, in either written order (`ddmmyyyy`, `yyyymmdd`): a day and
    /// a month, or a month and a year, changed by one keystroke (20/11/1990 for 21/01/1990;
    /// 19391123 for 19391213). In date order.
    pub(crate) fn swaps_across_parts(self) -> Vec<PartialDate> {
        let mut dates = Vec::new();
        if self.precision() != Precision::Day {
            return dates;
        }
        for layout in WRITTEN_ORDERS {
            let Some(written) =
                WrittenDate::new(self.year.into(), self.month.into(), self.day.into(), layout)
            else {
                continue;
            };
            for i in layout.part_ends() {
                let mut digits = written.digits;
                digits.swap(i, i + 1);
                dates.extend(written.read(digits).filter(|&d| d != self));
            }
        }
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// How much of the date is known.
    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// Packs into 32 bits (year, month, day in descending significance; 0 is never a valid
    /// date, so it can mean "no date" in packed arrays). Ordering is preserved.
    pub fn pack(self) -> u32 {
        (self.year as u32) << 16 | (self.month as u32) << 8 | self.day as u32
    }

    /// Inverse of [`PartialDate::pack`]; `None` for 0.
    pub fn unpack(packed: u32) -> Option<PartialDate> {
        if packed == 0 {
            return None;
        }
        Some(PartialDate {
            year: (packed >> 16) as u16,
            month: (packed >> 8) as u8,
            day: packed as u8,
        })
    }

    /// Reads a date in any accepted format.
    ///
    /// ```
    /// use popsync::{PartialDate, Precision};
    /// let d = PartialDate::parse("00/00/1950").unwrap();
    /// assert_eq!((d.year(), d.precision()), (1950, Precision::Year));
    /// assert_eq!(PartialDate::parse("3/7/1985"), PartialDate::parse("1985-07-03"));
    /// assert!(PartialDate::parse("31/02/1990").is_err());
    /// ```
    pub fn parse(raw: &str) -> Result<PartialDate, DateProblem> {
        PartialDate::parse_in(raw, DateOrder::DayFirst)
    }

    /// Reads a date in any accepted format, its three-part dates in `order`.
    pub(crate) fn parse_in(raw: &str, order: DateOrder) -> Result<PartialDate, DateProblem> {
        let s = strip_midnight(raw.trim());
        let bytes = s.as_bytes();
        if bytes.is_empty() {
            return Err(DateProblem::Unrecognized);
        }
        if bytes.iter().all(u8::is_ascii_digit) {
            return match bytes.len() {
                4 => from_parts(number(bytes), 0, 0, None),
                8 => from_parts(
                    number(&bytes[..4]),
                    number(&bytes[4..6]),
                    number(&bytes[6..]),
                    Some(Layout::YearMonthDay),
                ),
                _ => Err(DateProblem::Unrecognized),
            };
        }
        let separator = match bytes.iter().find(|b| !b.is_ascii_digit()) {
            Some(&b @ (b'/' | b'-' | b'.')) => b,
            _ => return Err(DateProblem::Unrecognized),
        };
        let mut parts: [&[u8]; 3] = [b""; 3];
        let mut n = 0;
        // Split as bytes: on ten bytes, a str split's searcher costs more than the scan.
        for part in bytes.split(|&b| b == separator) {
            if n == 3 || part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(DateProblem::Unrecognized);
            }
            parts[n] = part;
            n += 1;
        }
        let short = |p: &[u8]| (1..=2).contains(&p.len());
        match (n, parts[0].len(), parts[n - 1].len()) {
            (3, 4, _) if short(parts[1]) && short(parts[2]) => from_parts(
                number(parts[0]),
                number(parts[1]),
                number(parts[2]),
                Some(Layout::YearMonthDay),
            ),
            (3, _, 4) if short(parts[0]) && short(parts[1]) => {
                let (day, month, layout) = match order {
                    DateOrder::DayFirst => (parts[0], parts[1], Layout::DayMonthYear),
                    DateOrder::MonthFirst => (parts[1], parts[0], Layout::MonthDayYear),
                };
                from_parts(number(parts[2]), number(month), number(day), Some(layout))
            }
            (2, _, 4) if short(parts[0]) => from_parts(number(parts[1]), number(parts[0]), 0, None),
            (2, 4, _) if short(parts[1]) => from_parts(number(parts[0]), number(parts[1]), 0, None),
            _ => Err(DateProblem::Unrecognized),
        }
    }
}

impl fmt::Display for PartialDate {
    /// `dd/mm/yyyy`, `mm/yyyy` or `yyyy`: the forms auditors read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision() {
            Precision::Day => write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year),
            Precision::Month => write!(f, "{:02}/{:04}", self.month, self.year),
            Precision::Year => write!(f, "{:04}", self.year),
        }
    }
}

/// The date of the parts read; `layout`: the order a full date (day, month and year, any of
/// them 0) was written in, kept with an impossible one ([`WrittenDate`]).
fn from_parts(
    year: u32,
    month: u32,
    day: u32,
    layout: Option<Layout>,
) -> Result<PartialDate, DateProblem> {
    let impossible =
        || DateProblem::Impossible(layout.and_then(|l| WrittenDate::new(year, month, day, l)));
    let fits = |v: u32, max: u32| v <= max;
    if !fits(year, u16::MAX as u32) || !fits(month, 255) || !fits(day, 255) {
        return Err(impossible());
    }
    PartialDate::new(year as u16, month as u8, day as u8).ok_or_else(impossible)
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |n, &b| {
        n.saturating_mul(10).saturating_add((b - b'0') as u32)
    })
}

/// Database exports write dates as timestamps at midnight; the time carries nothing.
fn strip_midnight(s: &str) -> &str {
    if !s.as_bytes().contains(&b':') {
        return s; // Every date without a time: nothing to strip.
    }
    for suffix in [
        " 00:00:00.000",
        " 00:00:00",
        "T00:00:00",
        " 0:00:00",
        " 00:00",
    ] {
        if let Some(date) = s.strip_suffix(suffix) {
            return date.trim_end();
        }
    }
    s
}

pub(crate) fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(s: &str) -> (u16, Option<u8>, Option<u8>) {
        let d = PartialDate::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        (d.year(), d.month(), d.day())
    }

    #[test]
    fn every_documented_format_is_read() {
        assert_eq!(ymd("12/03/1950"), (1950, Some(3), Some(12)));
        assert_eq!(ymd("2/3/1950"), (1950, Some(3), Some(2)));
        assert_eq!(ymd("1950-03-12"), (1950, Some(3), Some(12)));
        assert_eq!(ymd("19500312"), (1950, Some(3), Some(12)));
        assert_eq!(ymd("03/1950"), (1950, Some(3), None));
        assert_eq!(ymd("1950"), (1950, None, None));
        assert_eq!(ymd("00/00/1950"), (1950, None, None));
        assert_eq!(ymd("00/03/1950"), (1950, Some(3), None));
        assert_eq!(ymd("12-03-1950"), (1950, Some(3), Some(12)));
        assert_eq!(ymd("12.03.1950"), (1950, Some(3), Some(12)));
        assert_eq!(ymd(" 1950-03-12 00:00:00 "), (1950, Some(3), Some(12)));
        assert_eq!(ymd("19500000"), (1950, None, None));
    }

    #[test]
    fn precision_is_kept() {
        let year = PartialDate::parse("1950").unwrap();
        let day = PartialDate::parse("01/01/1950").unwrap();
        assert_ne!(year, day);
        assert_eq!(year.precision(), Precision::Year);
        assert_eq!(year.to_string(), "1950");
        assert_eq!(day.to_string(), "01/01/1950");
        assert_eq!(PartialDate::parse("3/1950").unwrap().to_string(), "03/1950");
    }

    #[test]
    fn impossible_dates_are_problems() {
        for s in [
            "31/02/1990",
            "29/02/1990",
            "00/13/1990",
            "32/01/1990",
            "15/00/1990",
            "0000",
            "99999999",
            "0/0/0",
        ] {
            assert!(PartialDate::parse(s).is_err(), "{s}");
        }
        assert!(PartialDate::parse("29/02/2000").is_ok());
        assert!(matches!(
            PartialDate::parse("31/02/1990"),
            Err(DateProblem::Impossible(Some(_)))
        ));
        // Not written as a full date: nothing to repair a keystroke from.
        for s in ["13/1990", "1990-13", "0000"] {
            assert_eq!(
                PartialDate::parse(s),
                Err(DateProblem::Impossible(None)),
                "{s}"
            );
        }
    }

    fn written(raw: &str, order: DateOrder) -> WrittenDate {
        match PartialDate::parse_in(raw, order) {
            Err(DateProblem::Impossible(Some(written))) => written,
            other => panic!("{raw}: {other:?}"),
        }
    }

    fn date(raw: &str) -> PartialDate {
        PartialDate::parse(raw).unwrap()
    }

    #[test]
    fn an_impossible_date_is_repaired_one_keystroke_at_a_time_in_the_order_written() {
        // Month 34 in yyyymmdd: the year's last digit and the month's first swapped.
        let swapped = written("19403407", DateOrder::DayFirst);
        assert!(swapped.repairs().contains(&date("07/04/1943")));
        assert!(swapped.one_keystroke_from(date("07/04/1943")));
        // 31 February: the day's first digit, or the month's last, mistyped.
        let february = written("31/02/1990", DateOrder::DayFirst);
        let repairs = february.repairs();
        for real in [
            "21/02/1990",
            "13/02/1990",
            "31/01/1990",
            "31/03/1990",
            "31/12/1990",
        ] {
            assert!(repairs.contains(&date(real)), "{real}");
            assert!(february.one_keystroke_from(date(real)), "{real}");
        }
        // Two keystrokes away, another day, or not a full date: no.
        for other in ["22/02/1990", "28/02/1990", "30/01/1990", "31/02/1991"] {
            if let Ok(d) = PartialDate::parse(other) {
                assert!(!february.one_keystroke_from(d), "{other}");
                assert!(!repairs.contains(&d), "{other}");
            }
        }
        assert!(!february.one_keystroke_from(date("02/1990")));
        // Every repair is one keystroke from the date written, and real.
        assert!(repairs.iter().all(|&d| february.one_keystroke_from(d)));
        assert!(repairs.windows(2).all(|w| w[0] < w[1]));
        // In month-first order, the month is the first pair of digits.
        let us = written("13/31/1990", DateOrder::MonthFirst);
        assert!(us.one_keystroke_from(date("31/12/1990")));
        // A zero day or month, as written, is a digit like any other.
        let zero_month = written("19510096", DateOrder::DayFirst);
        assert!(zero_month.repairs().contains(&date("06/09/1951")));
        assert!(!us.one_keystroke_from(date("31/01/1990")));
        let day_first = written("13/31/1990", DateOrder::DayFirst);
        assert!(!day_first.one_keystroke_from(date("31/12/1990")));
    }

    #[test]
    fn unrecognized_text_is_a_problem_not_a_guess() {
        for s in [
            "abc",
            "12/03/90",
            "1.23E+5",
            "12//1990",
            "1/2/3/1990",
            "12031950x",
            "１９５０",
        ] {
            assert_eq!(PartialDate::parse(s), Err(DateProblem::Unrecognized), "{s}");
        }
        assert_eq!(DateField::parse("  "), DateField::Missing);
    }

    #[test]
    fn packing_round_trips_and_keeps_order() {
        let a = PartialDate::parse("1950").unwrap();
        let b = PartialDate::parse("01/1950").unwrap();
        let c = PartialDate::parse("02/01/1950").unwrap();
        for d in [a, b, c] {
            assert_eq!(PartialDate::unpack(d.pack()), Some(d));
        }
        assert!(a.pack() < b.pack() && b.pack() < c.pack());
        assert_eq!(PartialDate::unpack(0), None);
    }

    #[test]
    fn an_export_in_month_first_order_is_read_in_it() {
        let us = |raw| PartialDate::parse_in(raw, DateOrder::MonthFirst);
        assert_eq!(us("02/06/1990"), PartialDate::parse("06/02/1990"));
        assert_eq!(us("12/31/1990"), PartialDate::parse("31/12/1990"));
        assert!(matches!(
            us("31/12/1990"),
            Err(DateProblem::Impossible(Some(_)))
        ));
        // Year-first dates and partial dates read the same either way.
        assert_eq!(us("1990-06-02"), PartialDate::parse("1990-06-02"));
        assert_eq!(us("03/1950"), PartialDate::parse("03/1950"));
        assert_eq!(us("00/00/1950"), PartialDate::parse("1950"));
    }
}
