//! Which build this is: the version and the commit build.rs names, for `--version`,
//! summary.json and manifest.json.

/// The commit the binary is built from: a short hash (`-dirty` when built from a changed
/// checkout), the `POPSYNC_COMMIT` a package build sets, or `unknown`.
pub(crate) const COMMIT: &str = env!("POPSYNC_COMMIT");

/// What `--version` prints after the name: `0.1.0 (commit 0123abcd4567)`.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("POPSYNC_COMMIT"),
    ")"
);
