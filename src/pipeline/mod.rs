//! The reconcile pipeline's phases over the two files, in the order they run (docs/architecture.md
//! draws them):
//!
//! 1. [`model`]: the register loaded and indexed, the weights estimated from the first
//!    participants.
//! 2. [`id_pass`]: every participant row read ([`read`]), normalized and matched by ID; decided
//!    rows written to scratch files by the [`writer`] thread, the others left to the search with
//!    a NOT_FOUND placeholder in their place.
//!    After each file is read, its data-quality [`quality`] gate: a mostly unreadable column
//!    stops the run.
//! 3. [`search_pass`]: once every ID link is known, the rows left are searched, and their final
//!    rows written to scratch files of their own.
//! 4. [`outputs`]: the finalize pass puts the searched rows in place of the placeholders and adds
//!    the whole-file flags; the other files are written; all are renamed into place together.

pub(crate) mod id_pass;
pub(crate) mod model;
pub(crate) mod outputs;
pub(crate) mod quality;
pub(crate) mod read;
pub(crate) mod search_pass;
pub(crate) mod writer;
