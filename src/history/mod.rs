//! What popsync keeps across nights (docs/history.md): a SQLite file of the published nights
//! (their inputs, counts and open rows) and of the reviewers' decisions.
//!
//! A stage of its own beside `report/`, used by the pipeline's last phase
//! (`pipeline/outputs.rs`) and by the `history` and `review import` commands:
//! - [`store`]: the file opened, checked (popsync's, not newer, not damaged) and migrated;
//!   writers serialized by SQLite's lock.
//! - [`night`]: a night recorded as pending before its set is published and marked published
//!   after; what a killed run left settled; the backlog's ages; the trend.
//! - [`decisions`]: a decisions file read and checked, imported in one transaction, and the
//!   decisions in force read back for a night.
//! - [`listing`]: the nights as `popsync history` shows them.

pub(crate) mod decisions;
pub(crate) mod listing;
pub(crate) mod night;
pub(crate) mod store;

pub(crate) use store::{History, Open};
