//! Everything matching reads, built once after the register is loaded and shared read-only by
//! every thread: the register, its blocking index and frequencies, the weights, the thresholds.

use crate::matching::review::Review;
use crate::matching::thresholds::Thresholds;
use crate::matching::weights::{LinkedElsewhere, Weights};
use crate::register::blocking::BlockIndex;
use crate::register::frequency::Frequencies;
use crate::register::namesakes::Namesakes;
use crate::register::spellings::Spellings;
use crate::register::Register;

/// Everything matching reads, shared read-only by all threads.
#[derive(Clone, Copy)]
pub struct Model<'a> {
    pub(crate) register: &'a Register,
    pub(crate) index: &'a BlockIndex,
    pub(crate) frequencies: &'a Frequencies,
    /// The register's syllables by their spellings, for mistyped name parts.
    pub(crate) spellings: &'a Spellings,
    pub(crate) weights: &'a Weights,
    pub(crate) thresholds: &'a Thresholds,
    /// The one-to-one evidence, once the ID path has linked every row it can.
    pub(crate) linked: Option<&'a LinkedElsewhere>,
    /// The persons the search reaches by whole name alone, where one side has no date, once
    /// the rows left to the search are known.
    pub(crate) namesakes: Option<&'a Namesakes>,
    /// Read every block of the search's first round, also those it can prove cannot change
    /// the result (slower; `--exhaustive-search`, for checking that proof on real data).
    pub(crate) exhaustive: bool,
    /// The reviewers' decisions in force (none outside a night with a history).
    pub(crate) review: Option<&'a Review>,
}

/// What the search reads from the register besides the register itself, built once after it
/// is loaded: the blocking index, the name and date frequencies and the syllables' spellings.
pub struct RegisterIndexes {
    pub(crate) blocks: BlockIndex,
    pub(crate) frequencies: Frequencies,
    pub(crate) spellings: Spellings,
}

impl RegisterIndexes {
    /// Builds them, in parallel.
    pub fn build(register: &Register) -> RegisterIndexes {
        let (blocks, (frequencies, spellings)) = rayon::join(
            || BlockIndex::build(register),
            || {
                rayon::join(
                    || Frequencies::count(register),
                    || Spellings::build(&register.syllables),
                )
            },
        );
        RegisterIndexes {
            blocks,
            frequencies,
            spellings,
        }
    }

    /// The model matching reads, before the ID path has linked anything.
    pub fn model<'a>(
        &'a self,
        register: &'a Register,
        weights: &'a Weights,
        thresholds: &'a Thresholds,
    ) -> Model<'a> {
        Model {
            register,
            index: &self.blocks,
            frequencies: &self.frequencies,
            spellings: &self.spellings,
            weights,
            thresholds,
            linked: None,
            namesakes: None,
            exhaustive: false,
            review: None,
        }
    }
}
