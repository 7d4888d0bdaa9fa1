//! Before the participants' pass: the register loaded (phase `register`), its indexes built
//! and the weights estimated (phase `index`): everything a [`Model`] borrows.

use std::time::Instant;

use crate::config::ReconcileConfig;
use crate::error::Result;
use crate::history::decisions::InForce;
use crate::input::{ChunkReader, InputFile, InputInfo, InputSpec, Reject};
use crate::matching::review::{Decision, Review};
use crate::matching::weights::{self, Weights};
use crate::matching::{Model, RegisterIndexes, Thresholds};
use crate::normalize::participant::Participant;
use crate::normalize::profile::Profile;
use crate::normalize::{IdFormat, ParsedId};
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
    /// The data-quality counts of the register's columns.
    pub(crate) register_profile: Profile,
    indexes: RegisterIndexes,
    /// The weights, before the ID evidence of the searched rows is known.
    pub(crate) weights: Weights,
    /// The thresholds as applied to this register's size.
    pub(crate) thresholds: Thresholds,
    /// The participant rows the weights' sample spans, from the file's first: the
    /// participants' pass takes the ID evidence's counts over the readable ones, from its own
    /// ID matches (see [`crate::matching::id_evidence`]).
    pub(crate) sample_rows: u64,
    /// The reviewers' decisions in force, their persons found in the register.
    pub(crate) review: Review,
}

impl OwnedModel {
    /// Loads the register from `register_file` (opened from `register`), builds its indexes,
    /// and estimates the weights from the first rows of the participants, read ahead from
    /// `participants` (which gives them again to the participants' pass).
    /// `decisions`: the reviewers' decisions in force, from the history.
    pub(crate) fn build(
        config: &ReconcileConfig,
        register: &InputSpec,
        register_file: InputFile,
        participants: &mut ChunkReader,
        decisions: Vec<InForce>,
        timings: &Timings,
    ) -> Result<OwnedModel> {
        let chunks = register_file.into_chunks(config.chunk_rows);
        let progress = Progress::bytes(!config.quiet, chunks.source_size(), "register");
        let loaded = timings.phase("register", || {
            let options = config.load_options();
            register::load::load(register, chunks, &options, &progress, timings)
        })?;
        progress.finish();
        let register = loaded.register;
        let (indexes, weights) = timings.phase("index", || {
            rayon::join(
                || timings.time(Stage::Index, || RegisterIndexes::build(&register)),
                || estimate_weights(config, participants, &register, timings),
            )
        });
        let (weights, sample_rows) = weights;
        let thresholds = config.thresholds.for_register(register.len());
        let review = timings.time(Stage::History, || {
            review_of(decisions, &register, config.id_format)
        });
        Ok(OwnedModel {
            review,
            register,
            register_rejects: loaded.rejects,
            register_info: loaded.info,
            register_profile: loaded.profile,
            indexes,
            weights,
            thresholds,
            sample_rows,
        })
    }

    /// The model matching reads; `exhaustive`: the search reads every block
    /// (`--exhaustive-search`).
    pub(crate) fn model(&self, exhaustive: bool) -> Model<'_> {
        Model {
            exhaustive,
            review: (!self.review.is_empty()).then_some(&self.review),
            ..self
                .indexes
                .model(&self.register, &self.weights, &self.thresholds)
        }
    }
}

/// Estimates the model's weights: `m` from the first participants (up to
/// [`weights::M_SAMPLE_ROWS`], read ahead from `participants` and so read once), `u` and the
/// ID-typo share from the register. Also returns how many of the file's rows the sample spans
/// (its readable rows, and the unreadable ones between them).
fn estimate_weights(
    config: &ReconcileConfig,
    participants: &mut ChunkReader,
    register: &Register,
    timings: &Timings,
) -> (Weights, u64) {
    let started = Instant::now();
    let mapping = participants.mapping().clone();
    let reader = ParticipantReader {
        mapping: &mapping,
        id_format: config.id_format,
        provinces: &config.provinces,
        delimiter: participants.delimiter(),
        dates: config.participants_dates,
    };
    let ahead = participants.read_ahead(weights::M_SAMPLE_ROWS);
    // Waiting for the rows is reading; normalizing and counting them is building the model.
    let reading = started.elapsed();
    let mut sample: Vec<Participant> = Vec::with_capacity(weights::M_SAMPLE_ROWS);
    let mut sample_rows = 0u64;
    'chunks: for chunk in ahead {
        for (record, line) in chunk.rows(0..chunk.len()) {
            if sample.len() == weights::M_SAMPLE_ROWS {
                break 'chunks;
            }
            sample_rows += 1;
            if let ReadRow::Read(_, participant) = reader.read(record, line) {
                sample.push(participant);
            }
        }
    }
    let weights = Weights::estimate_from(&sample, register);
    timings.add(Stage::Read, reading);
    timings.add(Stage::Index, started.elapsed().saturating_sub(reading));
    (weights, sample_rows)
}

/// The decisions in force with their persons found in the register (a person no longer in it
/// is `None`: a confirmation of them is stale).
fn review_of(decisions: Vec<InForce>, register: &Register, id_format: IdFormat) -> Review {
    Review::new(decisions.into_iter().map(|d| {
        let person = register.find_id(&ParsedId::parse(&d.person_id, id_format));
        let decision = Decision {
            verdict: d.verdict,
            person,
            record: d.record,
        };
        (d.insurance_code, decision)
    }))
}
