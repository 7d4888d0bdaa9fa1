//! The language of the files a person reads (report.html, the workbooks' headers): its words
//! ([`Words`]), and numbers, dates and times written as a reader of that language writes them.
//!
//! Vietnamese groups thousands with a dot and writes decimals with a comma (`12.777`,
//! `66,72%`), dates `dd/mm/yyyy`; English uses `12,777`, `66.72%`, `2026-11-24`. Machine files
//! (CSV, JSON, logs) never change with the language: their keys, codes and numbers stay as
//! docs/outputs.md defines them. Times are shown in the zone the report is written in, named.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::report::format::grouped;
use crate::report::words::{Words, ENGLISH, VIETNAMESE};

/// The language of report.html and of the workbooks' headers (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Language {
    /// Vietnamese, for the auditors of the insurance agencies.
    #[default]
    Vietnamese,
    /// English.
    English,
}

impl Language {
    /// The language's code: the page's `lang` attribute, summary.json's `config.language`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Language::Vietnamese => "vi",
            Language::English => "en",
        }
    }

    /// The language of a code (`vi`, `en`); `None` for another.
    pub(crate) fn from_code(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Language::Vietnamese),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    /// The page's and the workbooks' words.
    pub(crate) fn words(self) -> &'static Words {
        match self {
            Language::Vietnamese => &VIETNAMESE,
            Language::English => &ENGLISH,
        }
    }

    /// The separator of thousands and the decimal mark.
    fn marks(self) -> (char, char) {
        match self {
            Language::Vietnamese => ('.', ','),
            Language::English => (',', '.'),
        }
    }

    /// A count with its thousands grouped: `12.777` (vi), `12,777` (en).
    pub(crate) fn count(self, n: u64) -> String {
        grouped(n, self.marks().0)
    }

    /// A non-negative number with `places` decimals, its whole part grouped: `1.234,5` (vi),
    /// `1,234.5` (en). Negative and non-finite values are written without grouping.
    pub(crate) fn decimal(self, v: f64, places: usize) -> String {
        let (_, mark) = self.marks();
        let text = format!("{v:.places$}");
        if !v.is_finite() || v.is_sign_negative() {
            return text.replace('.', &mark.to_string());
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut out = match whole.parse::<u64>() {
            Ok(n) => self.count(n),
            Err(_) => whole.to_string(),
        };
        if !fraction.is_empty() {
            out.push(mark);
            out.push_str(fraction);
        }
        out
    }

    /// A rate (0..=1) as a percentage with two decimals: `66,72%` (vi), `66.72%` (en); `—`
    /// when absent or not a number.
    pub(crate) fn percent(self, rate: Option<f64>) -> String {
        match rate {
            Some(r) if r.is_finite() => format!("{}%", self.decimal(r * 100.0, 2)),
            _ => "—".to_string(),
        }
    }

    /// A calendar date: `24/11/2026` (vi), `2026-11-24` (en).
    fn date_pattern(self) -> &'static str {
        match self {
            Language::Vietnamese => "%d/%m/%Y",
            Language::English => "%Y-%m-%d",
        }
    }

    /// An RFC 3339 instant (summary.json's `run.started`) in `zone`, with the zone shown:
    /// `24/11/2026 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh)`. Text that is not such an instant
    /// is given back as it is.
    pub(crate) fn time(self, rfc3339: &str, zone: &TimeZone) -> String {
        let Ok(instant) = rfc3339.parse::<Timestamp>() else {
            return rfc3339.to_string();
        };
        let local = instant.to_zoned_datetime(zone.clone());
        let pattern = format!("{} %H:%M:%S", self.date_pattern());
        let offset = local.strftime("UTC%:z").to_string();
        match zone.iana_name() {
            Some(name) if name != "UTC" => {
                format!("{} ({offset}, {name})", local.strftime(&pattern))
            }
            _ => format!("{} ({offset})", local.strftime(&pattern)),
        }
    }
}

/// `template` with `{0}`, `{1}`, … replaced by `args` in their order: a translation puts the
/// values where its grammar wants them.
pub(crate) fn fill(template: &str, args: &[&str]) -> String {
    let mut out =
        String::with_capacity(template.len() + args.iter().map(|a| a.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            let index: usize = after[..close].parse().ok()?;
            Some((close, args.get(index)?))
        }) {
            Some((close, arg)) => {
                out.push_str(arg);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VI: Language = Language::Vietnamese;
    const EN: Language = Language::English;

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        assert_eq!(VI.count(0), "0");
        assert_eq!(VI.count(999), "999");
        assert_eq!(VI.count(12_777), "12.777");
        assert_eq!(VI.count(1_165_515), "1.165.515");
        assert_eq!(EN.count(1_165_515), "1,165,515");
    }

    #[test]
    fn rates_and_decimals_use_the_language_s_decimal_mark() {
        assert_eq!(VI.percent(Some(0.667_2)), "66,72%");
        assert_eq!(EN.percent(Some(0.667_2)), "66.72%");
        assert_eq!(VI.percent(Some(1.0)), "100,00%");
        assert_eq!(VI.percent(None), "—");
        assert_eq!(VI.percent(Some(f64::NAN)), "—");
        assert_eq!(VI.decimal(1234.56, 1), "1.234,6");
        assert_eq!(EN.decimal(1234.56, 1), "1,234.6");
        assert_eq!(VI.decimal(-2.5, 2), "-2,50");
    }

    #[test]
    fn times_are_shown_in_the_zone_with_the_zone_named() {
        let hanoi = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        assert_eq!(
            VI.time("2026-11-24T01:00:00Z", &hanoi),
            "24/11/2026 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh)"
        );
        assert_eq!(
            EN.time("2026-11-24T20:30:05Z", &hanoi),
            "2026-11-25 03:30:05 (UTC+07:00, Asia/Ho_Chi_Minh)"
        );
        assert_eq!(
            VI.time("2026-11-24T01:00:00Z", &TimeZone::UTC),
            "24/11/2026 01:00:00 (UTC+00:00)"
        );
        assert_eq!(VI.time("not a time", &hanoi), "not a time");
    }

    #[test]
    fn fill_puts_each_value_where_the_template_says() {
        assert_eq!(fill("{1} trên {0}", &["a", "b"]), "b trên a");
        assert_eq!(fill("{0}: {0}", &["x"]), "x: x");
        assert_eq!(fill("{x} {9} {", &["a"]), "{x} {9} {");
        assert_eq!(fill("no values", &[]), "no values");
    }
}
