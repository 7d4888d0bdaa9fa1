//! summary.json: counts and rates for machines and for the HTML report.

use std::path::Path;
use std::time::SystemTime;

use serde_json::{json, Map, Value};

use crate::input::schema::{PARTICIPANTS, REGISTER};
use crate::input::InputInfo;
use crate::matching::weights::{LinkedElsewhere, Weights};
use crate::matching::{Reason, Status, Thresholds};
use crate::normalize::profile::Quality;
use crate::normalize::IdFormat;
use crate::province::{ProvinceKey, ProvinceTable};
use crate::register::RegisterStats;
use crate::report::changes::ChangeCounts;
use crate::report::language::Language;
use crate::report::stats::{Breakdown, Counts, Stats};

/// The settings a run was made with, as summary.json records them.
pub(crate) struct RunSettings<'a> {
    pub(crate) config_file: Option<&'a Path>,
    pub(crate) id_format: IdFormat,
    pub(crate) provinces_file: Option<&'a Path>,
    pub(crate) participant_sources: &'a [Vec<String>],
    pub(crate) register_sources: &'a [Vec<String>],
    pub(crate) min_sync_rate: Option<f64>,
    pub(crate) max_unreadable: f64,
    /// The thresholds as configured.
    pub(crate) thresholds: &'a Thresholds,
    pub(crate) provinces: &'a ProvinceTable,
    /// The language of report.html and of the workbooks' headers.
    pub(crate) language: Language,
}

/// What a summary is made from.
pub(crate) struct SummaryInput<'a> {
    pub(crate) settings: &'a RunSettings<'a>,
    pub(crate) stats: &'a Stats,
    pub(crate) participants: &'a InputInfo,
    pub(crate) participants_rejected: u64,
    pub(crate) register: &'a InputInfo,
    pub(crate) register_stats: &'a RegisterStats,
    /// The run's identity (`run.id`): the history tells its published set by it.
    pub(crate) run_id: &'a str,
    pub(crate) started: SystemTime,
    pub(crate) finished: SystemTime,
    pub(crate) threads: usize,
    pub(crate) weights: &'a Weights,
    pub(crate) linked: &'a LinkedElsewhere,
    /// The thresholds as applied to this register's size.
    pub(crate) thresholds: &'a Thresholds,
    /// The inputs' column profiles.
    pub(crate) quality: &'a Quality,
}

fn counts_json(counts: &Counts) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("participants".into(), json!(counts.participants));
    m.insert("synced".into(), json!(counts.synced));
    m.insert("sync_rate".into(), json!(counts.sync_rate()));
    m.insert("linked".into(), json!(counts.linked));
    m.insert("link_rate".into(), json!(counts.link_rate()));
    m
}

fn group(code: Option<&str>, name: &str, counts: &Counts) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!(code));
    m.insert("name".into(), json!(name));
    m.extend(counts_json(counts));
    Value::Object(m)
}

/// A province's rows per status (every status) and per reason (those with rows), added to its
/// entry.
fn with_breakdown(mut entry: Value, breakdown: &Breakdown) -> Value {
    let mut statuses = Map::new();
    for status in Status::ALL {
        statuses.insert(
            status.as_str().into(),
            json!(breakdown.statuses[status as usize]),
        );
    }
    let mut reasons = Map::new();
    for &reason in Reason::ALL {
        let n = breakdown.reasons[reason as usize];
        if n > 0 {
            reasons.insert(reason.as_str().into(), json!(n));
        }
    }
    entry["statuses"] = Value::Object(statuses);
    entry["reasons"] = Value::Object(reasons);
    entry
}

/// Per current province (docs/provinces.md), each with the former provinces it absorbed; then one
/// row for empty or unknown codes. Only provinces with participants are listed, by code.
pub(crate) fn provinces_json(table: &ProvinceTable, stats: &Stats) -> Value {
    let mut rows = Vec::new();
    let breakdown = |key: &ProvinceKey| {
        stats
            .provinces
            .get(key)
            .map(|(_, b)| *b)
            .unwrap_or_default()
    };
    for (c, current) in table.current.iter().enumerate() {
        let mut total = Counts::default();
        let mut total_breakdown = Breakdown::default();
        let mut former_rows = Vec::new();
        for &f in &current.former {
            let key = ProvinceKey::Former(f as u16);
            if let Some((counts, _)) = stats.provinces.get(&key) {
                total.merge(counts);
                total_breakdown.merge(&breakdown(&key));
                former_rows.push(with_breakdown(
                    group(Some(&table.former[f].code), &table.former[f].name, counts),
                    &breakdown(&key),
                ));
            }
        }
        let key = ProvinceKey::Current(c as u16);
        if let Some((counts, _)) = stats.provinces.get(&key) {
            total.merge(counts);
            total_breakdown.merge(&breakdown(&key));
            former_rows.push(with_breakdown(
                group(
                    Some(&current.code),
                    &format!("{} (current code)", current.name),
                    counts,
                ),
                &breakdown(&key),
            ));
        }
        if total.participants == 0 {
            continue;
        }
        let mut row = with_breakdown(
            group(Some(&current.code), &current.name, &total),
            &total_breakdown,
        );
        row["former"] = Value::Array(former_rows);
        rows.push((current.code.clone(), row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rows: Vec<Value> = rows.into_iter().map(|(_, r)| r).collect();
    if let Some((counts, _)) = stats.provinces.get(&ProvinceKey::Unknown) {
        let mut row = with_breakdown(
            group(None, "unknown province", counts),
            &breakdown(&ProvinceKey::Unknown),
        );
        row["former"] = json!([]);
        rows.push(row);
    }
    Value::Array(rows)
}

pub(crate) fn build(input: &SummaryInput<'_>) -> Value {
    let config = input.settings;
    let stats = input.stats;
    let mut statuses = Map::new();
    for status in Status::ALL {
        statuses.insert(status.as_str().into(), json!(stats.status(status)));
    }
    let mut reasons = Map::new();
    for &reason in Reason::ALL {
        reasons.insert(reason.as_str().into(), json!(stats.reason(reason)));
    }
    let schemes: Vec<Value> = stats
        .schemes
        .iter()
        .map(|(scheme, (counts, breakdown))| {
            let mut m = Map::new();
            m.insert("scheme".into(), json!(scheme));
            m.extend(counts_json(counts));
            with_breakdown(Value::Object(m), breakdown)
        })
        .collect();
    let columns = |schema: &crate::input::schema::Schema, sources: &[Vec<String>]| -> Value {
        let mut m = Map::new();
        for (c, s) in schema.columns.iter().zip(sources) {
            m.insert(c.name.into(), json!(s));
        }
        Value::Object(m)
    };
    let mut totals = counts_json(&stats.total);
    totals.insert("rejected".into(), json!(input.participants_rejected));
    let elapsed = input
        .finished
        .duration_since(input.started)
        .unwrap_or_default();
    json!({
        "tool": { "name": "popsync", "version": env!("CARGO_PKG_VERSION"), "commit": crate::version::COMMIT },
        "run": {
            "id": input.run_id,
            "started": humantime::format_rfc3339_seconds(input.started).to_string(),
            "finished": humantime::format_rfc3339_seconds(input.finished).to_string(),
            "elapsed_seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "threads": input.threads,
            "process": std::process::id(),
        },
        "inputs": {
            "participants": input.participants,
            "register": {
                "path": input.register.path,
                "bytes": input.register.bytes,
                "rows": input.register.rows,
                "encoding": input.register.encoding,
                "compression": input.register.compression,
                "delimiter": input.register.delimiter,
                "sha256": input.register.sha256,
                "persons": input.register_stats.persons,
                "rejected": input.register_stats.rejected,
                "invalid_dob": input.register_stats.invalid_dob,
                "ignored_old_ids": input.register_stats.ignored_old_ids,
                "deceased": input.register_stats.deceased,
            },
        },
        "config": {
            "config_file": config.config_file.map(|p| p.display().to_string()),
            "id_format": config.id_format,
            "provinces_file": config.provinces_file.map(|p| p.display().to_string()),
            "participants_columns": columns(&PARTICIPANTS, config.participant_sources),
            "register_columns": columns(&REGISTER, config.register_sources),
            "language": config.language.code(),
        },
        "thresholds": {
            "min_sync_rate": config.min_sync_rate,
            "max_unreadable": config.max_unreadable,
            "verify": config.thresholds.verify,
            "suggest": config.thresholds.suggest,
            "margin": config.thresholds.margin,
            "possible": config.thresholds.possible,
            "block_cap": config.thresholds.block_cap,
            // `suggest` and `possible` rise with the register's size above 2^20 persons.
            "applied": {
                "suggest": input.thresholds.suggest,
                "possible": input.thresholds.possible,
            },
        },
        "weights": input.weights,
        "linked_elsewhere": input.linked,
        "search": {
            "capped_blocks": stats.capped_blocks,
            "rows_with_capped_blocks": stats.rows_with_capped_blocks,
            // Rows decided again because a stronger searched row suggested their person.
            "settled_claims": stats.settled_claims,
        },
        "totals": Value::Object(totals),
        "statuses": Value::Object(statuses),
        "reasons": Value::Object(reasons),
        "provinces": provinces_json(config.provinces, stats),
        "schemes": schemes,
        "review": {
            "linked_by_confirmation": stats.reviewed,
            "rejections_applied": stats.reason(Reason::ReviewRejected),
            "stale": stats.reason(Reason::ReviewStale),
        },
        "quality": {
            "max_unreadable": config.max_unreadable,
            "participants": input.quality.participants,
            "register": input.quality.register,
        },
    })
}

/// summary.json's `changes` when no changes are reported: why not.
pub(crate) fn skipped_changes_json(reason: &str) -> Value {
    json!({
        "previous_run": null,
        "skipped": reason,
    })
}

/// The changes since the previous run, for summary.json and report.html: the rate then and now,
/// the delta in percentage points, per-status count deltas, and the rows that changed.
pub(crate) fn changes_json(summary: &Value, previous: &Value, rows: &ChangeCounts) -> Value {
    let rate = |s: &Value| s["totals"]["sync_rate"].as_f64();
    let (now, before) = (rate(summary), rate(previous));
    let mut statuses = Map::new();
    for status in Status::ALL {
        let count = |s: &Value| s["statuses"][status.as_str()].as_i64();
        if let (Some(a), Some(b)) = (count(summary), count(previous)) {
            statuses.insert(status.as_str().into(), json!(a - b));
        }
    }
    json!({
        "previous_run": previous["run"]["started"].clone(),
        "sync_rate_previous": before,
        "sync_rate_delta_points": now.zip(before).map(|(a, b)| ((a - b) * 100.0 * 1e6).round() / 1e6),
        "statuses_delta": statuses,
        "rows": rows,
    })
}
