//! manifest.json: which data a report came from — each input's path, size and SHA-256 (of the
//! bytes as read, hashed as they were read: [`crate::input::source`]), the tool version, the
//! config and thresholds — so an audit can prove it.

use serde_json::{json, Value};

use crate::input::InputInfo;

/// manifest.json: the inputs (participants, register) as read, with their sizes and hashes,
/// and the config, thresholds and run of `summary`.
pub(crate) fn build(inputs: [&InputInfo; 2], summary: &Value) -> Value {
    let input = |info: &InputInfo| {
        json!({
            "path": info.path,
            "bytes": info.bytes,
            "sha256": info.sha256,
            "compression": info.compression,
        })
    };
    json!({
        "tool": { "name": "popsync", "version": env!("CARGO_PKG_VERSION"), "commit": crate::version::COMMIT },
        "inputs": {
            "participants": input(inputs[0]),
            "register": input(inputs[1]),
        },
        "config": summary["config"],
        "thresholds": summary["thresholds"],
        "run": summary["run"],
    })
}
