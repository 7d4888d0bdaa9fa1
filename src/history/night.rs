//! A night in the history: recorded as `pending` in one transaction before its set is
//! published, marked `published` once it is, and settled by the next run that holds the same
//! output folder when the run died in between (published: kept; not published: removed); a
//! reader takes a pending night whose set is the one published as published. So the history's
//! published nights are exactly the sets that were published, whatever moment a run is killed
//! at.
//!
//! The backlog: each row that is not SYNCED is kept from night to night as a 64-bit key of its
//! insurance code and the night it became so, in one sorted blob per night (12 bytes a row),
//! so that a night of tens of millions of open rows costs a sort and a merge, not a table
//! row each.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::history::store::History;
use crate::matching::Status;
use crate::report::folder::run_id_of;
use crate::report::links::OpenRow;

/// Nights the trend in summary.json and report.html shows, tonight included.
pub(crate) const TREND_NIGHTS: usize = 30;

/// How long rows have been open, in nights: the report's buckets.
pub(crate) const AGE_BUCKETS: [(&str, u64); 4] =
    [("1", 1), ("2-7", 7), ("8-30", 30), ("31+", u64::MAX)];

/// What a night records: its identity, its published folder, its summary.json, and its rows
/// that are not SYNCED.
pub(crate) struct Night<'a> {
    pub(crate) run_id: &'a str,
    pub(crate) folder: &'a Path,
    pub(crate) summary: &'a Value,
    pub(crate) open_rows: Vec<OpenRow>,
}

impl History {
    /// Settles the nights of `folder` left pending by runs that died: the one whose set is
    /// published there is marked published, the others are removed. Called by the run that
    /// holds the folder's lock, before its own night.
    pub(crate) fn settle(&mut self, folder: &Path) -> Result<()> {
        let published = run_id_of(folder);
        let folder = folder.to_string_lossy().into_owned();
        let path = self.path.clone();
        let fail = |e| crate::history::store::sql_error(&path, e);
        let tx = self.write()?;
        {
            let mut pending = tx
                .prepare("SELECT run, run_id FROM runs WHERE state = 'pending' AND folder = ?1")
                .map_err(fail)?;
            let rows: Vec<(i64, String)> = pending
                .query_map([&folder], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(fail)?
                .collect::<rusqlite::Result<_>>()
                .map_err(fail)?;
            for (run, run_id) in rows {
                if published.as_deref() == Some(run_id.as_str()) {
                    tx.execute("UPDATE runs SET state = 'published' WHERE run = ?1", [run])
                        .map_err(fail)?;
                } else {
                    tx.execute("DELETE FROM runs WHERE run = ?1", [run])
                        .map_err(fail)?;
                }
            }
        }
        tx.commit().map_err(fail)
    }

    /// Records `night` as pending, in one transaction: the run, its inputs, its counts, and its
    /// open rows with the night each became so. Returns summary.json's `history`: the trend of
    /// the last nights (tonight last) and the backlog by age.
    pub(crate) fn record(&mut self, night: Night<'_>) -> Result<Value> {
        let path = self.path.clone();
        let fail = |e| crate::history::store::sql_error(&path, e);
        let summary = night.summary;
        let mut open = night.open_rows;
        open.sort_unstable();
        let tx = self.write()?;
        let published = published_runs(&tx).map_err(fail)?;
        let previous: Option<Vec<u8>> = match published.last() {
            Some(&last) => tx
                .query_row("SELECT rows FROM open_rows WHERE run = ?1", [last], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(fail)?,
            None => None,
        };
        let run_summary = &summary["run"];
        let totals = &summary["totals"];
        tx.execute(
            "INSERT INTO runs (run_id, state, folder, started, finished, tool_version, \
             tool_commit, participants, synced, thresholds, config) \
             VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                night.run_id,
                night.folder.to_string_lossy(),
                run_summary["started"].as_str().unwrap_or(""),
                run_summary["finished"].as_str().unwrap_or(""),
                summary["tool"]["version"].as_str().unwrap_or(""),
                summary["tool"]["commit"].as_str().unwrap_or(""),
                totals["participants"].as_u64().unwrap_or(0),
                totals["synced"].as_u64().unwrap_or(0),
                summary["thresholds"].to_string(),
                summary["config"].to_string(),
            ],
        )
        .map_err(fail)?;
        let run = tx.last_insert_rowid();
        for role in ["participants", "register"] {
            let input = &summary["inputs"][role];
            tx.execute(
                "INSERT INTO run_inputs (run, role, path, bytes, rows, sha256) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run,
                    role,
                    input["path"].as_str().unwrap_or(""),
                    input["bytes"].as_u64(),
                    input["rows"].as_u64().unwrap_or(0),
                    input["sha256"].as_str(),
                ],
            )
            .map_err(fail)?;
        }
        insert_counts(&tx, run, summary).map_err(fail)?;
        let ages = Ages::new(&published, run);
        let (rows, backlog) = carry_over(&open, previous.as_deref().unwrap_or(&[]), run, &ages);
        tx.execute(
            "INSERT INTO open_rows (run, rows) VALUES (?1, ?2)",
            params![run, rows],
        )
        .map_err(fail)?;
        for (status, buckets) in &backlog {
            for (bucket, count) in AGE_BUCKETS.iter().zip(buckets) {
                tx.execute(
                    "INSERT INTO run_backlog (run, status, nights, count) VALUES (?1, ?2, ?3, ?4)",
                    params![run, status.as_str(), bucket.0, count],
                )
                .map_err(fail)?;
            }
        }
        // Only the last published night's open rows are read again: older ones go.
        tx.execute(
            "DELETE FROM open_rows WHERE run < ?1 AND run IN (SELECT run FROM runs WHERE state = 'published')",
            [published.last().copied().unwrap_or(run)],
        )
        .map_err(fail)?;
        let trend = trend(&tx, &published, run).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(json!({
            "file": self.path.display().to_string(),
            "run": run,
            "nights": trend,
            "backlog": backlog_json(&backlog),
        }))
    }

    /// Marks the night `run_id` published, its set now in place.
    pub(crate) fn mark_published(&mut self, run_id: &str) -> Result<()> {
        let path = self.path.clone();
        let fail = |e| crate::history::store::sql_error(&path, e);
        let tx = self.write()?;
        tx.execute(
            "UPDATE runs SET state = 'published' WHERE run_id = ?1",
            [run_id],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }
}

/// The published nights' numbers, oldest first.
pub(crate) fn published_runs(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<i64>> {
    let mut statement =
        conn.prepare("SELECT run FROM runs WHERE state = 'published' ORDER BY run")?;
    let runs = statement.query_map([], |r| r.get(0))?;
    runs.collect()
}

/// A run's counts from its summary.json: overall, per current and former province, per scheme.
fn insert_counts(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    summary: &Value,
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare(
        "INSERT OR REPLACE INTO run_counts (run, scope, scope_code, kind, code, count) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut group = |scope: &str, code: &str, g: &Value| -> rusqlite::Result<()> {
        for total in ["participants", "synced", "linked"] {
            if let Some(n) = g[total].as_u64() {
                insert.execute(params![run, scope, code, "total", total, n])?;
            }
        }
        for (field, kind) in [("statuses", "status"), ("reasons", "reason")] {
            if let Some(counts) = g[field].as_object() {
                for (name, n) in counts {
                    let n = n.as_u64().unwrap_or(0);
                    if n > 0 || kind == "status" {
                        insert.execute(params![run, scope, code, kind, name, n])?;
                    }
                }
            }
        }
        Ok(())
    };
    let mut all = summary["totals"].clone();
    all["statuses"] = summary["statuses"].clone();
    all["reasons"] = summary["reasons"].clone();
    group("all", "", &all)?;
    for province in summary["provinces"].as_array().into_iter().flatten() {
        let code = province["code"].as_str().unwrap_or("unknown");
        group("current_province", code, province)?;
        for former in province["former"].as_array().into_iter().flatten() {
            group(
                "former_province",
                former["code"].as_str().unwrap_or(""),
                former,
            )?;
        }
    }
    for scheme in summary["schemes"].as_array().into_iter().flatten() {
        group("scheme", scheme["scheme"].as_str().unwrap_or(""), scheme)?;
    }
    Ok(())
}

/// A night's age in nights of the history: the published nights since it, tonight counted.
struct Ages<'a> {
    published: &'a [i64],
    tonight: i64,
}

impl<'a> Ages<'a> {
    fn new(published: &'a [i64], tonight: i64) -> Ages<'a> {
        Ages { published, tonight }
    }

    /// How many nights a row open since night `since` has been open, tonight included.
    fn of(&self, since: i64) -> u64 {
        if since >= self.tonight {
            return 1;
        }
        let from = self.published.partition_point(|&r| r < since);
        (self.published.len() - from) as u64 + 1
    }
}

/// Tonight's open rows (`open`, sorted) with the night each became so, carried over from the
/// previous night's (`previous`, sorted blob) when the row was open then too; and the rows per
/// status and age bucket.
fn carry_over(
    open: &[OpenRow],
    previous: &[u8],
    tonight: i64,
    ages: &Ages<'_>,
) -> (Vec<u8>, BTreeMap<Status, [u64; 4]>) {
    const ENTRY: usize = 12;
    let entry = |i: usize| {
        let bytes = &previous[i * ENTRY..(i + 1) * ENTRY];
        let key = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
        let since = u32::from_le_bytes(bytes[8..].try_into().expect("4 bytes"));
        (key, i64::from(since))
    };
    let before = previous.len() / ENTRY;
    let mut blob = Vec::with_capacity(open.len() * ENTRY);
    let mut backlog: BTreeMap<Status, [u64; 4]> = BTreeMap::new();
    let mut at = 0;
    for row in open {
        let key = row.key();
        while at < before && entry(at).0 < key {
            at += 1;
        }
        // A row without an insurance code (key 0) cannot be followed from night to night.
        let since = match (key, at < before) {
            (0, _) | (_, false) => tonight,
            (_, true) => match entry(at) {
                (k, since) if k == key => since,
                _ => tonight,
            },
        };
        let age = ages.of(since);
        let bucket = AGE_BUCKETS
            .iter()
            .position(|&(_, most)| age <= most)
            .expect("the last bucket has no end");
        backlog.entry(row.status()).or_default()[bucket] += 1;
        if key != 0 {
            blob.extend_from_slice(&key.to_le_bytes());
            blob.extend_from_slice(&(since as u32).to_le_bytes());
        }
    }
    (blob, backlog)
}

fn backlog_json(backlog: &BTreeMap<Status, [u64; 4]>) -> Value {
    let mut total = [0u64; 4];
    let mut by_status = Map::new();
    for (status, buckets) in backlog {
        let mut m = Map::new();
        for (i, (bucket, _)) in AGE_BUCKETS.iter().enumerate() {
            m.insert((*bucket).into(), json!(buckets[i]));
            total[i] += buckets[i];
        }
        by_status.insert(status.as_str().into(), Value::Object(m));
    }
    let mut nights = Map::new();
    for (i, (bucket, _)) in AGE_BUCKETS.iter().enumerate() {
        nights.insert((*bucket).into(), json!(total[i]));
    }
    json!({
        "open": total.iter().sum::<u64>(),
        "nights": nights,
        "by_status": by_status,
    })
}

/// The last [`TREND_NIGHTS`] nights, tonight (`run`) last: each night's time, counts and
/// rate, overall and per current province.
fn trend(conn: &rusqlite::Connection, published: &[i64], run: i64) -> rusqlite::Result<Value> {
    let mut runs: Vec<i64> = published
        .iter()
        .copied()
        .rev()
        .take(TREND_NIGHTS - 1)
        .collect();
    runs.reverse();
    runs.push(run);
    let mut nights = Vec::with_capacity(runs.len());
    for run in runs {
        nights.push(night_json(conn, run)?);
    }
    Ok(Value::Array(nights))
}

/// One night's line of the trend and of `popsync history --json`.
pub(crate) fn night_json(conn: &rusqlite::Connection, run: i64) -> rusqlite::Result<Value> {
    let (started, participants, synced): (String, u64, u64) = conn.query_row(
        "SELECT started, participants, synced FROM runs WHERE run = ?1",
        [run],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut provinces = Map::new();
    let mut statement = conn.prepare_cached(
        "SELECT scope_code, code, count FROM run_counts \
         WHERE run = ?1 AND scope = 'current_province' AND kind = 'total' \
         AND code IN ('participants', 'synced') ORDER BY scope_code",
    )?;
    let rows = statement.query_map([run], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u64>(2)?,
        ))
    })?;
    for row in rows {
        let (province, what, n) = row?;
        let entry = provinces
            .entry(province)
            .or_insert_with(|| json!({"participants": 0, "synced": 0}));
        entry[what.as_str()] = json!(n);
    }
    for entry in provinces.values_mut() {
        let (rows, synced) = (entry["participants"].as_u64(), entry["synced"].as_u64());
        entry["sync_rate"] = json!(rate(synced.unwrap_or(0), rows.unwrap_or(0)));
    }
    Ok(json!({
        "run": run,
        "started": started,
        "participants": participants,
        "synced": synced,
        "sync_rate": rate(synced, participants),
        "provinces": provinces,
    }))
}

/// SYNCED rows / rows; `None` for no rows.
pub(crate) fn rate(synced: u64, rows: u64) -> Option<f64> {
    (rows > 0).then(|| synced as f64 / rows as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(entries: &[(u64, u32)]) -> Vec<u8> {
        let mut b = Vec::new();
        for &(k, s) in entries {
            b.extend_from_slice(&k.to_le_bytes());
            b.extend_from_slice(&s.to_le_bytes());
        }
        b
    }

    #[test]
    fn open_rows_keep_the_night_they_became_open() {
        // Published nights 1, 2, 4 (3 was never published); tonight is 5.
        let published = [1, 2, 4];
        let ages = Ages::new(&published, 5);
        assert_eq!(ages.of(5), 1);
        assert_eq!(ages.of(4), 2);
        assert_eq!(ages.of(1), 4);
        let a = OpenRow::new(0x10 << 64 | 0x100, Status::Diff);
        let b = OpenRow::new(0x200, Status::Ambiguous);
        let c = OpenRow::new(0x300, Status::NotFound);
        let mut open = vec![c, a, b];
        open.sort_unstable();
        let previous = blob(&[(0x100, 1), (0x300, 4), (0x400, 2)]);
        let (rows, backlog) = carry_over(&open, &previous, 5, &ages);
        assert_eq!(rows, blob(&[(0x100, 1), (0x200, 5), (0x300, 4)]));
        assert_eq!(backlog[&Status::Diff], [0, 1, 0, 0]);
        assert_eq!(backlog[&Status::Ambiguous], [1, 0, 0, 0]);
        assert_eq!(backlog[&Status::NotFound], [0, 1, 0, 0]);
    }

    #[test]
    fn a_row_open_for_more_than_a_month_is_in_the_last_bucket() {
        let published: Vec<i64> = (1..=40).collect();
        let ages = Ages::new(&published, 41);
        let open = [OpenRow::new(0x100, Status::Suggested)];
        let (_, backlog) = carry_over(&open, &blob(&[(0x100, 3)]), 41, &ages);
        assert_eq!(backlog[&Status::Suggested], [0, 0, 0, 1]);
    }
}
