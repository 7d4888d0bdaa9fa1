//! Report: outcomes in, the output files of SPEC section 4 out.
//!
//! Contract: every file is written to a temporary name in the output folder and renamed into
//! place only when the whole run has succeeded ([`output`]), so a killed run never leaves half a
//! report and never destroys the previous night's. Files are readable by their owner only.
//! Every cell that comes from input data goes through [`cell::safe`], so no cell can start a
//! spreadsheet formula. Rows are written in input order, and nothing in any CSV output depends on
//! the thread count or timing.
//!
//! - [`rows`]: the results.csv and mismatches.csv rows of one participant.
//! - [`stats`]: counts per status, reason, province and scheme.
//! - [`finalize`]: the flags that need the whole file (`duplicate_code`, `duplicate_person`),
//!   duplicates.csv.
//! - [`summary`]: summary.json; [`terminal`]: the table printed at the end; [`progress`]: bars.

pub(crate) mod cell;
pub(crate) mod changes;
pub(crate) mod finalize;
pub(crate) mod html;
pub(crate) mod manifest;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod raw;
pub(crate) mod rejects;
pub(crate) mod rows;
pub(crate) mod stats;
pub(crate) mod summary;
pub(crate) mod terminal;
