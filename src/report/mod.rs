//! Report: outcomes in, the output files out.
//!
//! Contract: every file is written to a temporary name in the output folder and renamed into
//! place only when the whole run has succeeded ([`output`]), so a killed run never leaves half a
//! report and never destroys the previous night's. Files are readable by their owner only.
//! Every cell that comes from input data goes through [`cell::safe`], so no cell can start a
//! spreadsheet formula. Rows are written in input order, and nothing in any CSV output depends on
//! the thread count or timing.
//!
//! One file per output file: [`results`], [`mismatches`], [`duplicates`], [`changes`],
//! [`rejects`], [`summary`], [`manifest`], [`html`] (report.html) and [`terminal`] (the table
//! printed at the end). Beside them: [`rows`] (a task's rows formatted in memory), [`stats`]
//! (counts per status, reason, province and scheme), [`links`] (who each row links to, and the
//! whole-file flags), [`finalize`] (the pass that writes the final CSV files from the scratch
//! files), and the helpers [`output`], [`cell`], [`format`] and [`raw`].

pub(crate) mod cell;
pub(crate) mod changes;
pub(crate) mod duplicates;
pub(crate) mod finalize;
pub(crate) mod folder;
pub(crate) mod format;
pub(crate) mod html;
pub(crate) mod language;
pub(crate) mod links;
pub(crate) mod manifest;
pub(crate) mod meaning;
pub(crate) mod mismatches;
pub(crate) mod output;
pub(crate) mod raw;
pub(crate) mod rejects;
pub(crate) mod results;
pub(crate) mod rows;
pub(crate) mod run_log;
pub(crate) mod stats;
pub(crate) mod summary;
pub(crate) mod terminal;
pub(crate) mod words;
pub(crate) mod workbook;

/// The files `popsync reconcile` writes into its output folder (changes.csv only when a previous
/// run is used).
pub(crate) const RECONCILE_FILES: [&str; 10] = [
    "results.csv",
    "mismatches.csv",
    workbook::MISMATCHES_XLSX,
    workbook::PROVINCES_FOLDER,
    "duplicates.csv",
    "rejects.csv",
    "summary.json",
    "manifest.json",
    "report.html",
    "changes.csv",
];
