//! Before the participants' pass: the register loaded (phase `register`), its indexes built
//! and the weights estimated (phase `index`), and the ID evidence's counts taken from the
//! weights' sample: everything a [`Model`] borrows.

use std::time::{Duration, Instant};

use crate::config::ReconcileConfig;
use crate::error::Result;
use crate::input::{InputFile, InputInfo, InputSpec, Reject};
use crate::matching::id_evidence::IdTally;
use crate::matching::weights::{self, Weights};
use crate::matching::{Model, RegisterIndexes, Thresholds};
use crate::normalize::participant::Participant;
use crate::pipeline::read::{ParticipantReader, ReadRow};
use crate::progress::Progress;
use crate::register::{self, Register};
use crate::timings::{Stage, Timings};

/// The owned pieces a [`Model`] borrows, and what loading the register found.
pub(crate) struct OwnedModel {
    pub(crate) register: Register,
    /// The register rows that could not be read, in line order.
    pub(crate) register_rejects: Vec<Reject>,
    pub(crate) register_info: InputInfo,
    indexes: RegisterIndexes,
    /// The weights, before the ID evidence of the searched rows is known.
    pub(crate) weights: Weights,
    /// The thresholds as applied to this register's size.
    pub(crate) thresholds: Thresholds,
    /// The ID evidence's counts over the weights' sample.
    pub(crate) id_tally: IdTally,
}

impl OwnedModel {
    /// Loads the register from `register_file` (opened from `register`), builds its indexes,
    /// and estimates the weights from the first rows of the participants file `participants`.
    pub(crate) fn build(
        config: &ReconcileConfig,
        register: &InputSpec,
        register_file: InputFile,
        participants: &InputSpec,
        timings: &Timings,
    ) -> Result<OwnedModel> {
        let progress = Progress::bytes(!config.quiet, register_file.size, "register");
        let (register, register_rejects, register_info) = timings.phase("register", || {
            let options = config.load_options();
            register::load::load(register, register_file, &options, &progress, timings)
        })?;
        progress.finish();
        let (indexes, weights) = timings.phase("index", || {
            rayon::join(
                || timings.time(Stage::Index, || RegisterIndexes::build(&register)),
                || estimate_weights(config, participants, &register, timings),
            )
        });
        let (weights, sample) = weights?;
        let thresholds = config.thresholds.for_register(register.len());
        // What a searched row's ID says needs the blocking index (see `IdEvidence`); it is
        // estimated before the search, from these counts and those of the searched rows.
        let id_tally = timings.time(Stage::Index, || {
            IdTally::of_rows(&sample, &indexes.model(&register, &weights, &thresholds))
        });
        Ok(OwnedModel {
            register,
            register_rejects,
            register_info,
            indexes,
            weights,
            thresholds,
            id_tally,
        })
    }

    /// The model matching reads; `exhaustive`: the search reads every block
    /// (`--exhaustive-search`).
    pub(crate) fn model(&self, exhaustive: bool) -> Model<'_> {
        Model {
            exhaustive,
            ..self
                .indexes
                .model(&self.register, &self.weights, &self.thresholds)
        }
    }
}

/// Estimates the model's weights: `m` from the first participants (read once more, up to
/// [`weights::M_SAMPLE_ROWS`]), `u` and the ID-typo share from the register. The sample is
/// returned for the ID evidence's counts, which need the blocking index.
fn estimate_weights(
    config: &ReconcileConfig,
    participants: &InputSpec,
    register: &Register,
    timings: &Timings,
) -> Result<(Weights, Vec<Participant>)> {
    let started = Instant::now();
    let mut parsing = Duration::ZERO;
    let file = participants.open()?;
    let mapping = file.mapping.clone();
    let reader = ParticipantReader {
        mapping: &mapping,
        id_format: config.id_format,
        provinces: &config.provinces,
        delimiter: file.delimiter,
    };
    let mut chunks = file.into_chunks(weights::M_SAMPLE_ROWS.min(config.chunk_rows.max(1024)));
    let mut sample: Vec<Participant> = Vec::new();
    while let Some(chunk) = chunks.next_chunk() {
        parsing += chunk.parse_time;
        for (record, &line) in chunk.records.iter().zip(&chunk.lines) {
            if sample.len() == weights::M_SAMPLE_ROWS {
                break;
            }
            if let ReadRow::Read(_, participant) = reader.read(record, line) {
                sample.push(participant);
            }
        }
        chunks.recycle(chunk);
        if sample.len() == weights::M_SAMPLE_ROWS {
            break;
        }
    }
    drop(chunks); // Stops the reader thread: the rest of the file is not needed.
    let weights = Weights::estimate_from(&sample, register);
    // The sample's parsing is reading; normalizing and counting it is building the model.
    timings.add(Stage::Read, parsing);
    timings.add(Stage::Index, started.elapsed().saturating_sub(parsing));
    Ok((weights, sample))
}
