//! popsync reconciles an insurance participant database with the National Population Database.
//!
//! The modules are the pipeline, in the order data flows through it (docs/architecture.md draws
//! it): `input` (CSV files in, rows out) → `normalize` (field text in, typed values out) →
//! `register` (the compact in-memory register and its indexes) → `matching` (one participant in,
//! one outcome out) → `report` (outcomes in, the output files out). The commands wire them
//! together; everything is private to the crate.
//!
//! What is public is the small facade below: running popsync as the binary does, and the pieces
//! that the fuzz targets, property tests and benchmarks exercise directly.
#![deny(missing_docs)]

mod cli;
mod commands;
mod config;
mod error;
mod exit;
mod fault;
mod history;
mod input;
mod log;
mod matching;
mod normalize;
mod pipeline;
mod progress;
mod province;
mod register;
mod report;
mod resources;
mod rng;
mod small_file;
mod stop;
mod synth;
mod timings;
mod version;

// Running popsync.
pub use commands::{main_with, run};
pub use error::{Error, ErrorKind};
pub use exit::ExitCode;

// Normalization of field text (fuzz targets, property tests, benchmarks).
pub use normalize::date::{DateField, DateProblem, PartialDate, Precision, WrittenDate};
pub use normalize::gender::Gender;
pub use normalize::id::{parse_old_id, parse_register_cccd, IdFormat, ParsedId};
pub use normalize::name::{canonical, fold_canonical, folded, tidy, NameForms};

// Hashing (benchmarks).
pub use rng::mix64;

/// The matching engine's building blocks, public for the micro-benchmarks
/// (`benches/hot_paths.rs`): a register built in memory, its indexes, weights and thresholds,
/// and one participant matched against it.
pub mod engine {
    pub use crate::matching::compare::{
        compare_dates, compare_names, DateLevel, NameBuffers, NameLevel,
    };
    pub use crate::matching::decide::match_participant;
    pub use crate::matching::model::{Model, RegisterIndexes};
    pub use crate::matching::outcome::Outcome;
    pub use crate::matching::thresholds::Thresholds;
    pub use crate::matching::weights::Weights;
    pub use crate::normalize::participant::Participant;
    pub use crate::province::Place;
    pub use crate::register::build::{DuplicateId, NewPerson, RegisterBuilder, RegisterId};
    pub use crate::register::ids::IdTable;
    pub use crate::register::Register;
}
