//! The data-quality profile of an input: for every column popsync reads, how many values were
//! empty, readable and unreadable, as normalization found them; and the gate that stops a run
//! whose column is mostly unreadable (a gender coded `1`/`0` without a value mapping, a date in
//! another order, a mapping that names the wrong column), which would otherwise give a
//! plausible-looking, wrong report.
//!
//! Profiles are counted per task and added up in file order, so they are the same for any
//! thread count. The most common unreadable values are kept only for code columns (`gender`,
//! `province_code`, `status`), whose values are codes and not personal data; for the others
//! only counts are kept.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A name is readable when it has a letter (digits or punctuation alone name nobody): the one
/// rule for both files' `full_name`.
pub(crate) fn name_is_readable(raw: &str) -> bool {
    raw.chars().any(char::is_alphabetic)
}

/// What one value was, once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Empty,
    Readable,
    Unreadable,
}

/// The columns whose unreadable values may be shown: codes, not personal data.
const CODE_COLUMNS: [&str; 3] = ["gender", "province_code", "status"];

/// The distinct unreadable codes a profile keeps per column; the rest are counted only.
const KEPT_CODES: usize = 256;

/// A code longer than this is not a code: it is counted, not kept.
const CODE_CHARS: usize = 24;

/// The share of unreadable values, as a fraction of the gate's limit, above which a column is
/// a warning: with the default limit of 20 %, more than 5 % unreadable is reported.
const WARN_FRACTION_OF_LIMIT: f64 = 0.25;

/// The fewest unreadable values that stop a run: a share of a handful of values is no evidence
/// of a column read wrongly (a trial file of three rows, one bad), so below this a column over
/// the limit is a warning.
pub(crate) const MIN_UNREADABLE_TO_STOP: u64 = 10;

/// The counts of one column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnCounts {
    pub(crate) values: u64,
    pub(crate) empty: u64,
    pub(crate) unreadable: u64,
    /// Unreadable codes and their counts (code columns only).
    codes: BTreeMap<String, u64>,
    /// Unreadable values not kept in `codes`.
    other_codes: u64,
}

/// The profile of one input: per canonical column, its counts (`None`: the file does not have
/// the column, and it is not profiled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Profile {
    columns: Vec<Option<ColumnCounts>>,
    labels: Arc<Labels>,
}

/// The names a profile's columns are shown by.
#[derive(Debug, PartialEq, Eq)]
struct Labels {
    /// The canonical columns.
    names: Vec<&'static str>,
    /// The source columns each is read from (empty: the file does not have it).
    sources: Vec<String>,
    /// Per column: its unreadable values are codes and may be kept.
    keeps_codes: Vec<bool>,
}

impl Profile {
    /// An empty profile of the canonical columns `names`, read from the source columns
    /// `sources` (an empty one: the file does not have the column, which is not profiled).
    pub(crate) fn new(names: &[&'static str], sources: &[String]) -> Profile {
        Profile {
            columns: sources
                .iter()
                .map(|s| (!s.is_empty()).then(ColumnCounts::default))
                .collect(),
            labels: Arc::new(Labels {
                names: names.to_vec(),
                sources: sources.to_vec(),
                keeps_codes: names.iter().map(|n| CODE_COLUMNS.contains(n)).collect(),
            }),
        }
    }

    /// Counts the value `raw` of column `column`, read as `verdict`.
    pub(crate) fn record(&mut self, column: usize, raw: &str, verdict: Verdict) {
        let Some(counts) = &mut self.columns[column] else {
            return;
        };
        counts.values += 1;
        match verdict {
            Verdict::Empty => counts.empty += 1,
            Verdict::Readable => {}
            Verdict::Unreadable => {
                counts.unreadable += 1;
                let code = raw.trim();
                let kept = self.labels.keeps_codes[column]
                    && code.chars().count() <= CODE_CHARS
                    && (counts.codes.len() < KEPT_CODES || counts.codes.contains_key(code));
                match kept {
                    true => *counts.codes.entry(code.to_string()).or_default() += 1,
                    false => counts.other_codes += 1,
                }
            }
        }
    }

    /// Counts a value whose verdict is known from whether it is empty and whether it reads.
    pub(crate) fn record_read(&mut self, column: usize, raw: &str, readable: bool) {
        // A value that starts with a visible ASCII character is not blank, which decides
        // nearly every value without trimming it.
        let blank = match raw.as_bytes().first() {
            None => true,
            Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
            Some(_) => raw.trim().is_empty(),
        };
        let verdict = match (blank, readable) {
            (true, _) => Verdict::Empty,
            (false, true) => Verdict::Readable,
            (false, false) => Verdict::Unreadable,
        };
        self.record(column, raw, verdict);
    }

    /// Adds `other`'s counts (a later part of the same file).
    pub(crate) fn merge(&mut self, other: Profile) {
        for (mine, theirs) in self.columns.iter_mut().zip(other.columns) {
            let (Some(mine), Some(theirs)) = (mine, theirs) else {
                continue;
            };
            mine.values += theirs.values;
            mine.empty += theirs.empty;
            mine.unreadable += theirs.unreadable;
            mine.other_codes += theirs.other_codes;
            for (code, n) in theirs.codes {
                if mine.codes.len() < KEPT_CODES || mine.codes.contains_key(&code) {
                    *mine.codes.entry(code).or_default() += n;
                } else {
                    mine.other_codes += n;
                }
            }
        }
    }

    /// Each profiled column's findings against the gate `max_unreadable` (a fraction of the
    /// non-empty values).
    pub(crate) fn findings(&self, max_unreadable: f64) -> Vec<ColumnQuality> {
        let Labels {
            names,
            sources,
            keeps_codes,
        } = &*self.labels;
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(i, counts)| {
                let counts = counts.as_ref()?;
                let filled = counts.values - counts.empty;
                let share = match filled {
                    0 => 0.0,
                    n => counts.unreadable as f64 / n as f64,
                };
                let verdict = if counts.values > 0 && filled == 0 {
                    Gate::Empty
                } else if share > max_unreadable && counts.unreadable >= MIN_UNREADABLE_TO_STOP {
                    Gate::Stop
                } else if share > max_unreadable * WARN_FRACTION_OF_LIMIT {
                    Gate::Warn
                } else {
                    Gate::Ok
                };
                let mut common: Vec<(String, u64)> =
                    counts.codes.iter().map(|(c, n)| (c.clone(), *n)).collect();
                common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                common.truncate(5);
                Some(ColumnQuality {
                    column: names[i],
                    source: sources[i].clone(),
                    values: counts.values,
                    empty: counts.empty,
                    readable: filled - counts.unreadable,
                    unreadable: counts.unreadable,
                    unreadable_share: share,
                    distinct_unreadable: match keeps_codes[i] {
                        true => Some(counts.codes.len() as u64 + u64::from(counts.other_codes > 0)),
                        false => None,
                    },
                    common_unreadable: common,
                    gate: verdict,
                })
            })
            .collect()
    }
}

/// What the gate says of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Gate {
    Ok,
    /// Some values are unreadable: the report says so.
    Warn,
    /// Most values are unreadable: the run stops.
    Stop,
    /// Every value is empty: the column carries nothing.
    Empty,
}

/// One column's profile, as summary.json and report.html show it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ColumnQuality {
    /// The canonical column.
    pub(crate) column: &'static str,
    /// The source column(s) it is read from.
    pub(crate) source: String,
    /// Values read (one per row that could be read).
    pub(crate) values: u64,
    pub(crate) empty: u64,
    pub(crate) readable: u64,
    pub(crate) unreadable: u64,
    /// Unreadable values as a share of the non-empty ones.
    pub(crate) unreadable_share: f64,
    /// For code columns: how many distinct unreadable values there are (at least).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) distinct_unreadable: Option<u64>,
    /// For code columns: the most common unreadable values and their counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) common_unreadable: Vec<(String, u64)>,
    pub(crate) gate: Gate,
}

impl ColumnQuality {
    /// What to do about this column's unreadable values.
    pub(crate) fn hint(&self, role: &str) -> String {
        match self.column {
            "gender" | "status" => format!(
                "if the export codes its values, map them in the config: [{role}.values.{}] \
                 \"1\" = \"{}\" …",
                self.column,
                if self.column == "gender" { "male" } else { "alive" }
            ),
            "dob" => format!(
                "is the column mapped right, and are its dates in another order? \
                 ([{role}] date_format = \"mm/dd/yyyy\")"
            ),
            "person_id" | "old_id" => {
                "is the column mapped right? For IDs of another scheme, set id_format = \"any\"".into()
            }
            "province_code" => format!(
                "are these province codes? Map the right column ([{role}.columns]), map the \
                 export's codes ([{role}.values.province_code]), or give a newer table (--provinces)"
            ),
            _ => format!("is the column mapped right? ([{role}.columns])"),
        }
    }

    /// The finding in words, without any value: counts and names only (it goes to the log).
    pub(crate) fn describe(&self, max_unreadable: f64) -> String {
        let what = match self.column {
            "gender" => "a gender",
            "status" => "a status (alive or deceased)",
            "dob" => "a date",
            "person_id" | "old_id" => "an ID",
            "province_code" => "a province code",
            _ => "text",
        };
        let column = match self.source == self.column {
            true => format!("column `{}`", self.source),
            false => format!("column `{}` (read as {})", self.source, self.column),
        };
        match self.gate {
            Gate::Empty => format!("{column} is empty on all {} rows", self.values),
            _ => format!(
                "{column}: {} of {} non-empty values ({:.1}%) are not {what} popsync reads{}; \
                 the limit is {:.0}% ([quality] max_unreadable, --max-unreadable)",
                self.unreadable,
                self.values - self.empty,
                self.unreadable_share * 100.0,
                match self.distinct_unreadable {
                    Some(n) => format!(" ({n} distinct value{})", if n == 1 { "" } else { "s" }),
                    None => String::new(),
                },
                max_unreadable * 100.0,
            ),
        }
    }
}

/// Both files' column profiles, as summary.json and report.html show them.
pub(crate) struct Quality {
    pub(crate) participants: Vec<ColumnQuality>,
    pub(crate) register: Vec<ColumnQuality>,
}

impl Quality {
    /// The warning lines: one per column that warns or is empty (counts and names only).
    pub(crate) fn warnings(&self, max_unreadable: f64) -> Vec<String> {
        [
            ("participants", &self.participants),
            ("register", &self.register),
        ]
        .into_iter()
        .flat_map(|(role, columns)| {
            columns
                .iter()
                .filter(|c| matches!(c.gate, Gate::Warn | Gate::Empty))
                .map(move |c| format!("{role} file: {}", c.describe(max_unreadable)))
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 2] = ["gender", "dob"];

    fn profile() -> Profile {
        Profile::new(&NAMES, &["GIOI_TINH".to_string(), "NGAY_SINH".to_string()])
    }

    #[test]
    fn a_column_coded_one_and_zero_stops_the_run_and_keeps_its_codes() {
        let mut p = profile();
        for i in 0..100 {
            p.record_read(0, if i % 2 == 0 { "1" } else { "0" }, false);
            p.record_read(1, "01/02/1990", true);
        }
        p.record_read(0, "", false);
        let found = p.findings(0.2);
        assert_eq!(found[0].gate, Gate::Stop);
        assert_eq!(
            (found[0].values, found[0].empty, found[0].unreadable),
            (101, 1, 100)
        );
        assert_eq!(
            found[0].common_unreadable,
            vec![("0".to_string(), 50), ("1".to_string(), 50)]
        );
        assert_eq!(found[0].distinct_unreadable, Some(2));
        assert_eq!(found[1].gate, Gate::Ok);
        let said = found[0].describe(0.2);
        assert!(
            said.contains("`GIOI_TINH`") && said.contains("100 of 100"),
            "{said}"
        );
        assert!(
            !said.contains("\"1\"") && !said.contains("`1`"),
            "no value in the log: {said}"
        );
    }

    #[test]
    fn values_of_other_columns_are_never_kept() {
        let mut p = profile();
        p.record_read(1, "Nguyễn Văn An", false);
        let found = p.findings(0.2);
        assert!(found[1].common_unreadable.is_empty());
        assert_eq!(found[1].distinct_unreadable, None);
    }

    #[test]
    fn profiles_add_up_in_any_split() {
        let values = ["1", "Nam", "", "x", "Nữ", "1", "2"];
        let mut whole = profile();
        for v in values {
            whole.record_read(0, v, matches!(v, "Nam" | "Nữ"));
        }
        let mut parts = profile();
        for chunk in values.chunks(3) {
            let mut part = profile();
            for &v in chunk {
                part.record_read(0, v, matches!(v, "Nam" | "Nữ"));
            }
            parts.merge(part);
        }
        assert_eq!(whole, parts);
    }

    #[test]
    fn a_handful_of_unreadable_values_warns_and_never_stops() {
        let mut p = profile();
        for i in 0..MIN_UNREADABLE_TO_STOP {
            p.record_read(0, "1", false);
            let found = p.findings(0.2);
            let expected = if i + 1 < MIN_UNREADABLE_TO_STOP {
                Gate::Warn
            } else {
                Gate::Stop
            };
            assert_eq!(found[0].gate, expected, "{} unreadable", i + 1);
        }
    }

    #[test]
    fn below_the_limit_a_column_warns_and_an_empty_column_is_said() {
        let mut p = profile();
        for i in 0..100 {
            p.record_read(0, if i < 10 { "?" } else { "Nam" }, i >= 10);
            p.record_read(1, "", false);
        }
        let found = p.findings(0.2);
        assert_eq!(found[0].gate, Gate::Warn);
        assert_eq!(found[1].gate, Gate::Empty);
    }
}
