//! popsync reconciles an insurance participant database with the National Population Database.
//!
//! The modules are the pipeline, in the order data flows through it:
//!
//! - [`input`]: CSV files in, column mapping applied, rows out as borrowed fields (or rejects).
//! - [`normalize`]: raw field text in, typed values out (names in two forms, partial dates,
//!   genders, personal IDs).
//! - [`register`]: the compact, read-only, in-memory population register and its lookups.
//! - [`matching`]: one normalized participant in, one [`matching::Outcome`] out; knows no files.
//! - [`report`]: outcomes in, the output files of SPEC section 4 out, written atomically.
//!
//! [`timings`] counts the time each stage takes, for `--timings` and summary.json.
//!
//! [`commands`] holds one file per subcommand wiring those stages together; [`cli`] turns flags
//! into a validated [`config::Config`]; [`exit`] holds the process exit codes.

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod exit;
pub mod input;
pub mod log;
pub mod matching;
pub mod normalize;
pub mod province;
pub mod register;
pub mod report;
pub mod resources;
pub mod synth;
pub mod timings;
