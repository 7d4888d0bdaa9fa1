//! The error type of every fallible operation that ends a run.
//!
//! Row-level problems never become an [`Error`]: they become rows in rejects.csv. An `Error` is
//! what stops the run, and it always says which file (and where possible which line and column)
//! is at fault, so that a night operator can act on the message alone.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::exit::ExitCode;

/// A run-ending error. The kind is boxed so that `Result<T, Error>` stays one word wide on the
/// hot paths that return it.
#[derive(Debug)]
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ErrorKind {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// An input file's header lacks a required canonical column.
    #[error("{}: missing required column `{column}`{hint} (columns found: {found})", file.display())]
    MissingColumn {
        /// The input file.
        file: PathBuf,
        /// The canonical column, with the source column it is mapped from.
        column: String,
        /// A hint that follows the column, or empty.
        hint: String,
        /// The header's columns, as found.
        found: String,
    },
    /// An input file cannot be read at a place in it (a row that would lose the rows after it,
    /// a header that names a column twice, an encoding that cannot be read).
    #[error("{}: line {line}{}: {message}", file.display(), column.as_deref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Input {
        /// The input file.
        file: PathBuf,
        /// The line (1 is the header).
        line: u64,
        /// The column, where one is at fault.
        column: Option<String>,
        /// What is wrong, and what to do.
        message: String,
    },
    /// A column the config maps is not in the input file's header.
    #[error("{}: the header has no column `{source_column}`, which `[{role}.columns]` maps to `{column}`{config} (columns found: {found})", file.display())]
    MappedColumnMissing {
        /// The input file.
        file: PathBuf,
        /// `participants` or `register`.
        role: &'static str,
        /// The canonical column (the config's key).
        column: &'static str,
        /// The source column the config names.
        source_column: String,
        /// " in FILE": the config file, or empty.
        config: String,
        /// The header's columns, as found.
        found: String,
    },
    /// A configuration file (the column mapping, the province table) is wrong.
    #[error("{}: {message}", file.display())]
    Config {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An input's column is mostly unreadable: the figures made from it would be wrong.
    #[error("{}: {message}", file.display())]
    Unreadable {
        /// The input file.
        file: PathBuf,
        /// The column, the share, and what to do.
        message: String,
    },
    /// Another run holds the output folder: this one did nothing.
    #[error("{}: another popsync run is writing this output folder; this run stopped before doing anything (run it again once the other is done)", folder.display())]
    Busy {
        /// The output folder.
        folder: PathBuf,
    },
    /// Another popsync kept the history locked for longer than this one waits.
    #[error("{}: another popsync is writing this history and did not finish within {waited} s; nothing was changed (run again once it is done)", file.display())]
    HistoryBusy {
        /// The history file.
        file: PathBuf,
        /// How long this one waited, in seconds.
        waited: u64,
    },
    /// The command line is wrong.
    #[error("{0}")]
    Usage(String),
    /// Anything else that ends a run.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        ErrorKind::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
        .into()
    }

    pub(crate) fn usage(message: impl Into<String>) -> Error {
        ErrorKind::Usage(message.into()).into()
    }

    pub(crate) fn config(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        ErrorKind::Config {
            file: file.as_ref().to_path_buf(),
            message: message.into(),
        }
        .into()
    }

    pub(crate) fn other(message: impl Into<String>) -> Error {
        ErrorKind::Other(message.into()).into()
    }

    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        match *self.kind {
            ErrorKind::Usage(_) => ExitCode::Usage,
            ErrorKind::Busy { .. } | ErrorKind::HistoryBusy { .. } => ExitCode::Busy,
            _ => ExitCode::Failed,
        }
    }

    /// True when the error is a closed pipe on standard output (`popsync … | head`), which is
    /// not a failure of the run.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(&*self.kind, ErrorKind::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error {
            kind: Box::new(kind),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.kind)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
