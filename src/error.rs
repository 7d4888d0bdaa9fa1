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
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: missing required column `{column}`{hint} (columns found: {found})", file.display())]
    MissingColumn {
        file: PathBuf,
        column: String,
        hint: String,
        found: String,
    },
    #[error("{}: line {line}{}: {message}", file.display(), column.as_deref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Input {
        file: PathBuf,
        line: u64,
        column: Option<String>,
        message: String,
    },
    #[error("{}: {message}", file.display())]
    Config { file: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Error {
        ErrorKind::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
        .into()
    }

    pub fn usage(message: impl Into<String>) -> Error {
        ErrorKind::Usage(message.into()).into()
    }

    pub fn config(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        ErrorKind::Config {
            file: file.as_ref().to_path_buf(),
            message: message.into(),
        }
        .into()
    }

    pub fn other(message: impl Into<String>) -> Error {
        ErrorKind::Other(message.into()).into()
    }

    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        match *self.kind {
            ErrorKind::Usage(_) => ExitCode::Usage,
            _ => ExitCode::Failed,
        }
    }

    /// True when the error is a closed pipe on standard output (`popsync … | head`), which is
    /// not a failure of the run.
    pub fn is_broken_pipe(&self) -> bool {
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

pub type Result<T, E = Error> = std::result::Result<T, E>;
