//! Log lines for schedulers: plain text for people, or one JSON object a line
//! (`--log-format json`) for log collectors. They go to standard error; they carry counts, rates,
//! paths and error messages, never a participant's name or ID.

use std::io::Write;

use serde_json::{json, Value};

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Writes one log line: `message` for people, `event` with `fields` for machines.
pub(crate) fn line(format: LogFormat, level: &str, event: &str, message: &str, fields: Value) {
    let stderr = std::io::stderr();
    let mut w = stderr.lock();
    let _ = match format {
        LogFormat::Text => writeln!(
            w,
            "popsync: {}{message}",
            match level {
                "error" => "error: ",
                "warn" => "warning: ",
                _ => "",
            }
        ),
        LogFormat::Json => {
            let mut record = json!({
                "time": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
                "level": level,
                "event": event,
                "message": message,
            });
            if let (Some(record), Value::Object(fields)) = (record.as_object_mut(), fields) {
                record.extend(fields);
            }
            writeln!(w, "{record}")
        }
    };
}
