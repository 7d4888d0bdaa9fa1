//! One file per subcommand, each with the same shape: `run(args) -> Result<ExitCode>`.

pub(crate) mod evaluate;
pub(crate) mod reconcile;
pub(crate) mod synth;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::log;

/// Parses the command line, runs the command, prints any error, and returns the exit code.
pub fn main_with<T: Into<OsString> + Clone>(args: impl IntoIterator<Item = T>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; anything else is a usage error (exit 2).
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage.code()
            } else {
                ExitCode::Done.code()
            };
        }
    };
    let log_format = cli.log_format;
    match dispatch(cli) {
        Ok(code) => code.code(),
        Err(e) if e.is_broken_pipe() => ExitCode::Done.code(),
        Err(e) => {
            let code = e.exit_code().code();
            log::line(
                log_format,
                "error",
                "failed",
                &e.to_string(),
                serde_json::json!({ "exit_code": code }),
            );
            code
        }
    }
}

/// Runs popsync with these command-line arguments (the first is the program's name) as the
/// binary does, but returns the exit code, or the error that ended the run, without printing
/// the error (a fuzz target checks which kind of error a run ends with).
pub fn run<T: Into<OsString> + Clone>(args: impl IntoIterator<Item = T>) -> Result<ExitCode> {
    let cli = Cli::try_parse_from(args).map_err(|e| Error::usage(e.to_string()))?;
    dispatch(cli)
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let log_format = cli.log_format;
    match cli.command {
        Command::Reconcile(args) => reconcile::run(args, log_format),
        Command::Synth(args) => synth::run(args),
        Command::Evaluate(args) => evaluate::run(args),
    }
}
