//! manifest.json: which data a report came from — each input's path, size and SHA-256, the tool
//! version, the config and thresholds — so an audit can prove it.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The SHA-256 of a file, in lowercase hex.
pub(crate) fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((size, hex))
}

/// Hashes the inputs (participants, register) on a thread of its own while the run goes on
/// (it reads each file once more, mostly from the page cache).
pub(crate) fn hash_inputs(
    paths: [PathBuf; 2],
) -> std::thread::JoinHandle<Result<Vec<(u64, String)>>> {
    std::thread::spawn(move || paths.iter().map(|p| sha256_file(p)).collect())
}

/// manifest.json: the inputs (participants, register) at `paths` with their sizes and hashes,
/// and the config, thresholds and run of `summary`.
pub(crate) fn build(paths: [&Path; 2], hashes: &[(u64, String)], summary: &Value) -> Value {
    let input = |path: &Path, (size, sha): &(u64, String)| json!({ "path": path.display().to_string(), "bytes": size, "sha256": sha });
    json!({
        "tool": { "name": "popsync", "version": env!("CARGO_PKG_VERSION") },
        "inputs": {
            "participants": input(paths[0], &hashes[0]),
            "register": input(paths[1], &hashes[1]),
        },
        "config": summary["config"],
        "thresholds": summary["thresholds"],
        "run": summary["run"],
    })
}
