//! Scoring a reconciliation against the ground truth of a synthetic dataset (`popsync evaluate`).
//!
//! Inputs: truth.csv (`insurance_code,true_person_id,tags`) and results.csv. A non-empty
//! `person_id` in results.csv is a link asserted. Outputs, as a table or JSON:
//! - link precision (asserted links that are right), recall (linkable rows linked rightly), F1;
//! - per error tag: rows, right links, wrong links, recall;
//! - SYNCED against truly in sync ([`crate::synth::is_truly_in_sync`]: a true person, and no tag
//!   but `clean`, errors that normalization erases, or the `duplicate_person` flag).
//!
//! Rows are joined on the insurance code; a truth row missing from results counts as not linked,
//! and a results row missing from the truth is counted apart.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::input::bounds::BoundedRows;
use crate::input::describe_header;
use crate::synth::tags::is_truly_in_sync;

#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub(crate) struct TagScore {
    pub(crate) rows: u64,
    /// Rows with a true person.
    pub(crate) linkable: u64,
    pub(crate) linked_right: u64,
    pub(crate) linked_wrong: u64,
    /// linked_right / linkable (None when nothing is linkable).
    pub(crate) recall: Option<f64>,
}

#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub(crate) struct SyncConfusion {
    /// SYNCED and truly in sync.
    pub(crate) synced_in_sync: u64,
    /// SYNCED but not truly in sync.
    pub(crate) synced_not_in_sync: u64,
    /// Truly in sync but not SYNCED.
    pub(crate) not_synced_in_sync: u64,
    pub(crate) not_synced_not_in_sync: u64,
    /// Share of rows where SYNCED and truly-in-sync agree.
    pub(crate) agreement: Option<f64>,
}

#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub(crate) struct Evaluation {
    pub(crate) rows: u64,
    pub(crate) linkable: u64,
    pub(crate) links_asserted: u64,
    pub(crate) links_right: u64,
    pub(crate) precision: Option<f64>,
    pub(crate) recall: Option<f64>,
    pub(crate) f1: Option<f64>,
    /// Truth rows with no row in results.csv.
    pub(crate) missing_from_results: u64,
    /// results.csv rows whose code is not in the truth.
    pub(crate) unknown_in_results: u64,
    pub(crate) synced: SyncConfusion,
    pub(crate) tags: BTreeMap<String, TagScore>,
}

/// A truth row, compact: 100M rows must fit in memory beside the results (why hashes: the
/// codes and IDs as strings would take over 20 GB at 100M).
struct TruthRow {
    /// Hash of the true person ID (0: not in the register).
    person: u64,
    /// The row's tags, as bits of the run's tag vocabulary.
    tags: u64,
    /// Truly in sync (computed from the text while it is at hand).
    in_sync: bool,
}

/// A 128-bit key of a code; collisions are negligible at 10^8 rows.
fn code_key(code: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(code.as_bytes())
}

/// A 64-bit key of a person ID (0: empty).
fn person_key(id: &str) -> u64 {
    if id.is_empty() {
        0
    } else {
        xxhash_rust::xxh3::xxh3_64(id.as_bytes()).max(1)
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn open(path: &Path) -> Result<csv::Reader<BoundedRows<std::fs::File>>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BoundedRows::new(file, b',')))
}

fn column(path: &Path, headers: &csv::StringRecord, name: &str) -> Result<usize> {
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
        .ok_or_else(|| {
            ErrorKind::MissingColumn {
                file: path.to_path_buf(),
                column: name.into(),
                hint: String::new(),
                found: describe_header(&headers.iter().collect::<Vec<_>>(), b','),
            }
            .into()
        })
}

fn row_error(path: &Path, e: csv::Error) -> Error {
    Error::from(ErrorKind::Input {
        file: path.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        column: None,
        message: e.to_string(),
    })
}

/// Scores `results` against `truth`.
pub(crate) fn evaluate(truth: &Path, results: &Path) -> Result<Evaluation> {
    let mut reader = open(truth)?;
    let headers = reader.headers().map_err(|e| row_error(truth, e))?.clone();
    let (code_at, person_at, tags_at) = (
        column(truth, &headers, "insurance_code")?,
        column(truth, &headers, "true_person_id")?,
        column(truth, &headers, "tags")?,
    );
    let mut expected: HashMap<u128, TruthRow> = HashMap::new();
    let mut order: Vec<u128> = Vec::new();
    let mut vocabulary: Vec<String> = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| row_error(truth, e))?
    {
        let code = code_key(record.get(code_at).unwrap_or("").trim());
        let tags: Vec<&str> = record
            .get(tags_at)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let mut bits = 0u64;
        for tag in &tags {
            let at = match vocabulary.iter().position(|t| t == tag) {
                Some(at) => at,
                None if vocabulary.len() < 64 => {
                    vocabulary.push(tag.to_string());
                    vocabulary.len() - 1
                }
                None => {
                    return Err(Error::other(format!(
                        "{}: more than 64 distinct tags",
                        truth.display()
                    )))
                }
            };
            bits |= 1 << at;
        }
        let person = record.get(person_at).unwrap_or("").trim();
        order.push(code);
        expected.insert(
            code,
            TruthRow {
                person: person_key(person),
                tags: bits,
                in_sync: is_truly_in_sync(person, &tags),
            },
        );
    }

    let mut reader = open(results)?;
    let headers = reader.headers().map_err(|e| row_error(results, e))?.clone();
    let (code_at, status_at, person_at) = (
        column(results, &headers, "insurance_code")?,
        column(results, &headers, "status")?,
        column(results, &headers, "person_id")?,
    );
    // Per code: SYNCED or not, and the linked person's key.
    let mut got: HashMap<u128, (bool, u64)> = HashMap::new();
    let mut unknown = 0u64;
    while reader
        .read_record(&mut record)
        .map_err(|e| row_error(results, e))?
    {
        let code = code_key(record.get(code_at).unwrap_or("").trim());
        if !expected.contains_key(&code) {
            unknown += 1;
            continue;
        }
        let synced = record.get(status_at).unwrap_or("") == "SYNCED";
        let person = person_key(record.get(person_at).unwrap_or("").trim());
        got.entry(code).or_insert((synced, person));
    }

    let mut e = Evaluation {
        unknown_in_results: unknown,
        ..Evaluation::default()
    };
    for code in &order {
        let truth = &expected[code];
        let (synced, person) = match got.get(code) {
            Some(&(s, p)) => (s, p),
            None => {
                e.missing_from_results += 1;
                (false, 0)
            }
        };
        let linkable = truth.person != 0;
        let asserted = person != 0;
        let right = asserted && person == truth.person;
        e.rows += 1;
        e.linkable += u64::from(linkable);
        e.links_asserted += u64::from(asserted);
        e.links_right += u64::from(right);
        let in_sync = truth.in_sync;
        let c = &mut e.synced;
        match (synced, in_sync) {
            (true, true) => c.synced_in_sync += 1,
            (true, false) => c.synced_not_in_sync += 1,
            (false, true) => c.not_synced_in_sync += 1,
            (false, false) => c.not_synced_not_in_sync += 1,
        }
        for tag in (0..vocabulary.len()).filter(|&i| truth.tags & (1 << i) != 0) {
            let score = e.tags.entry(vocabulary[tag].clone()).or_default();
            score.rows += 1;
            score.linkable += u64::from(linkable);
            score.linked_right += u64::from(right);
            score.linked_wrong += u64::from(asserted && !right);
        }
    }
    for score in e.tags.values_mut() {
        score.recall = ratio(score.linked_right, score.linkable);
    }
    e.precision = ratio(e.links_right, e.links_asserted);
    e.recall = ratio(e.links_right, e.linkable);
    e.f1 = match (e.precision, e.recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        _ => None,
    };
    let c = &mut e.synced;
    c.agreement = ratio(c.synced_in_sync + c.not_synced_not_in_sync, e.rows);
    Ok(e)
}

fn fmt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_else(|| "-".into())
}

impl Evaluation {
    /// Writes the figures as a table for people.
    pub(crate) fn write_table(&self, w: &mut impl Write) -> std::io::Result<()> {
        let e = self;
        writeln!(
            w,
            "rows {}  linkable {}  links asserted {}  right {}",
            e.rows, e.linkable, e.links_asserted, e.links_right
        )?;
        writeln!(
            w,
            "precision {}  recall {}  f1 {}",
            fmt(e.precision),
            fmt(e.recall),
            fmt(e.f1)
        )?;
        if e.missing_from_results + e.unknown_in_results > 0 {
            writeln!(
                w,
                "missing from results {}  unknown in results {}",
                e.missing_from_results, e.unknown_in_results
            )?;
        }
        let c = &e.synced;
        writeln!(
            w,
            "SYNCED vs truly in sync: both {}  SYNCED only {}  in sync only {}  neither {}  agreement {}",
            c.synced_in_sync, c.synced_not_in_sync, c.not_synced_in_sync, c.not_synced_not_in_sync, fmt(c.agreement)
        )
        ?;
        writeln!(
            w,
            "{:<24} {:>10} {:>10} {:>10} {:>10} {:>10}",
            "tag", "rows", "linkable", "right", "wrong", "recall"
        )?;
        for (tag, s) in &e.tags {
            writeln!(
                w,
                "{:<24} {:>10} {:>10} {:>10} {:>10} {:>10}",
                tag,
                s.rows,
                s.linkable,
                s.linked_right,
                s.linked_wrong,
                fmt(s.recall)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_on_a_hand_made_case() {
        let dir = tempfile::tempdir().unwrap();
        let truth = dir.path().join("truth.csv");
        let results = dir.path().join("results.csv");
        std::fs::write(
            &truth,
            "insurance_code,true_person_id,tags\n\
             A,001,clean\n\
             B,002,name_upper\n\
             C,003,id_missing\n\
             D,,not_in_register\n\
             E,005,name_typo;dob_typo\n",
        )
        .unwrap();
        std::fs::write(
            &results,
            "insurance_code,status,person_id,method,score,reasons\n\
             A,SYNCED,001,id,,\n\
             B,DIFF,002,id,,name_diacritics\n\
             C,SUGGESTED,009,search,1.0,id_missing\n\
             D,NOT_FOUND,,,,id_missing\n\
             E,DIFF,005,id,,name_typo\n",
        )
        .unwrap();
        let e = evaluate(&truth, &results).unwrap();
        // Asserted: A, B, C, E (4); right: A, B, E (3); linkable: A, B, C, E (4).
        assert_eq!((e.links_asserted, e.links_right, e.linkable), (4, 3, 4));
        assert_eq!(e.precision, Some(0.75));
        assert_eq!(e.recall, Some(0.75));
        assert_eq!(e.f1, Some(0.75));
        // Truly in sync: A and B. SYNCED: A.
        assert_eq!(e.synced.synced_in_sync, 1);
        assert_eq!(e.synced.not_synced_in_sync, 1);
        assert_eq!(e.synced.synced_not_in_sync, 0);
        assert_eq!(e.synced.agreement, Some(0.8));
        assert_eq!(e.tags["id_missing"].linked_wrong, 1);
        assert_eq!(e.tags["id_missing"].recall, Some(0.0));
        assert_eq!(e.tags["name_typo"].recall, Some(1.0));
        assert_eq!(e.tags["dob_typo"].rows, 1);
        assert_eq!(e.tags["not_in_register"].recall, None);
    }
}
