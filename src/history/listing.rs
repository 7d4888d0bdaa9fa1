//! The nights as `popsync history` shows them: each published night's time, rows, SYNCED
//! rows and rate, its rows per status and per reason, and its backlog by age, overall or for
//! one province (a current 2-digit code or a former 3-digit one).
//!
//! Reading writes nothing: a night still marked pending is shown when the set published in its
//! folder is its own (its run died after publishing, before marking it), and left out otherwise
//! (a run under way, or one that died before publishing).

use std::path::Path;

use rusqlite::params;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::history::night::{rate, AGE_BUCKETS};
use crate::history::store::History;
use crate::matching::{Reason, Status};
use crate::report::folder::run_id_of;

impl History {
    /// The published nights, oldest first, overall (`province` `None`) or for one province.
    pub(crate) fn nights(&self, province: Option<&str>) -> Result<Vec<Value>> {
        let fail = |e| self.fail(e);
        let mut statement = self
            .conn
            .prepare(
                "SELECT run, run_id, state, folder, started, finished, participants, synced \
                 FROM runs ORDER BY run",
            )
            .map_err(fail)?;
        #[allow(clippy::type_complexity)]
        let runs: Vec<(i64, String, String, String, String, String, u64, u64)> = statement
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .map_err(fail)?
            .collect::<rusqlite::Result<_>>()
            .map_err(fail)?;
        let scope = province.map(|code| {
            if code.len() == 3 {
                ("former_province", code)
            } else {
                ("current_province", code)
            }
        });
        let mut nights = Vec::new();
        for (run, run_id, state, folder, started, finished, participants, synced) in runs {
            if state == "pending" && run_id_of(Path::new(&folder)).as_deref() != Some(&run_id) {
                continue;
            }
            let (scope_name, scope_code) = scope.unwrap_or(("all", ""));
            let counts = self.counts(run, scope_name, scope_code)?;
            let (participants, synced) = match scope {
                None => (participants, synced),
                Some(_) => {
                    let total = |what: &str| counts.get("total").and_then(|t| t[what].as_u64());
                    match total("participants") {
                        Some(rows) => (rows, total("synced").unwrap_or(0)),
                        None => continue,
                    }
                }
            };
            let mut night = json!({
                "run": run,
                "started": started,
                "finished": finished,
                "folder": folder,
                "participants": participants,
                "synced": synced,
                "sync_rate": rate(synced, participants),
                "statuses": counts.get("status").cloned().unwrap_or_else(|| json!({})),
                "reasons": counts.get("reason").cloned().unwrap_or_else(|| json!({})),
            });
            if scope.is_none() {
                night["backlog"] = self.backlog(run)?;
            }
            nights.push(night);
        }
        if let (Some(code), true) = (province, nights.is_empty()) {
            return Err(Error::usage(format!(
                "no night of the history has rows of province `{code}` (a current 2-digit code \
                 or a former 3-digit one, as summary.json's provinces list them)"
            )));
        }
        Ok(nights)
    }

    /// A run's counts of one scope, by kind (`total`, `status`, `reason`).
    fn counts(&self, run: i64, scope: &str, code: &str) -> Result<Map<String, Value>> {
        let fail = |e| self.fail(e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT kind, code, count FROM run_counts \
                 WHERE run = ?1 AND scope = ?2 AND scope_code = ?3",
            )
            .map_err(fail)?;
        let rows = statement
            .query_map(params![run, scope, code], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u64>(2)?,
                ))
            })
            .map_err(fail)?;
        let mut found: Vec<(String, String, u64)> = Vec::new();
        for row in rows {
            found.push(row.map_err(fail)?);
        }
        // Statuses and reasons in their documented order, as summary.json lists them.
        let order = |code: &str| {
            (Status::ALL.iter().position(|s| s.as_str() == code))
                .or_else(|| Reason::ALL.iter().position(|r| r.as_str() == code))
                .unwrap_or(usize::MAX)
        };
        found.sort_by_key(|(_, code, _)| order(code));
        let mut counts = Map::new();
        for (kind, code, n) in found {
            let entry = counts.entry(kind).or_insert_with(|| json!({}));
            entry[code.as_str()] = json!(n);
        }
        Ok(counts)
    }

    /// A run's open rows by how many nights they have been open.
    fn backlog(&self, run: i64) -> Result<Value> {
        let fail = |e| self.fail(e);
        let mut statement = self
            .conn
            .prepare_cached("SELECT nights, count FROM run_backlog WHERE run = ?1")
            .map_err(fail)?;
        let rows = statement
            .query_map([run], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))
            .map_err(fail)?;
        let mut nights: Map<String, Value> = AGE_BUCKETS
            .iter()
            .map(|(bucket, _)| ((*bucket).to_string(), json!(0)))
            .collect();
        for row in rows {
            let (bucket, n) = row.map_err(fail)?;
            let sum = nights.get(&bucket).and_then(Value::as_u64).unwrap_or(0) + n;
            nights.insert(bucket, json!(sum));
        }
        Ok(Value::Object(nights))
    }
}
