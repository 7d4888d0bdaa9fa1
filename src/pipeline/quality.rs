//! The data-quality gates, after each file is read: a column whose non-empty values are mostly
//! unreadable stops the run before anything is published (its figures would be wrong without
//! looking it); one with fewer unreadable values, or none filled at all, is a warning in the
//! log and on the report. The profiles themselves are counted as the rows are read
//! ([`crate::normalize::profile`]).

use std::path::Path;

use crate::error::{ErrorKind, Result};
use crate::input::source;
use crate::normalize::profile::{ColumnQuality, Gate, Profile};

pub(crate) use crate::normalize::profile::Quality;

/// The findings of the `role` file read from `path`, or the error that stops the run when a
/// column's unreadable share is above `max_unreadable`.
pub(crate) fn gate(
    profile: &Profile,
    path: &Path,
    role: &str,
    max_unreadable: f64,
) -> Result<Vec<ColumnQuality>> {
    let findings = profile.findings(max_unreadable);
    if let Some(stop) = findings.iter().find(|c| c.gate == Gate::Stop) {
        return Err(ErrorKind::Unreadable {
            file: source::label(path),
            message: format!(
                "{}. Hint: {}",
                stop.describe(max_unreadable),
                stop.hint(role)
            ),
        }
        .into());
    }
    Ok(findings)
}
