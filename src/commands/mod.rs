//! One file per subcommand, each with the same shape: `run(args) -> Result<ExitCode>`.

pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod evaluate;
pub(crate) mod history;
pub(crate) mod man;
pub(crate) mod reconcile;
pub(crate) mod review;
pub(crate) mod synth;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::log;
use crate::stop;

/// Parses the command line, runs the command, logs any error, and returns the exit code.
pub fn main_with<T: Into<OsString> + Clone>(args: impl IntoIterator<Item = T>) -> i32 {
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // Help and version are not errors.
            let _ = e.print();
            return ExitCode::Done.code();
        }
        Err(e) => {
            // The flags could not be read, so the log format is looked up by hand: a JSON log
            // gets a JSON line for a usage error too.
            let code = ExitCode::Usage.code();
            match log_format_in(&args) {
                log::LogFormat::Text => {
                    let _ = e.print();
                }
                json => log::line(
                    json,
                    "error",
                    "usage",
                    e.render().to_string().trim_end(),
                    serde_json::json!({ "exit_code": code }),
                ),
            }
            return code;
        }
    };
    let log_format = cli.global.log_format;
    match dispatch(cli) {
        Ok(code) => code.code(),
        Err(e) if e.is_broken_pipe() => ExitCode::Done.code(),
        Err(_) if stop::stopping() => {
            // A stop is under way: its thread logs the signal and ends the process.
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            let code = e.exit_code();
            let (level, event) = match code {
                ExitCode::Busy => ("warn", "busy"),
                ExitCode::Usage => ("error", "usage"),
                _ => ("error", "failed"),
            };
            log::line(
                log_format,
                level,
                event,
                &e.to_string(),
                serde_json::json!({ "exit_code": code.code() }),
            );
            code.code()
        }
    }
}

/// `--log-format json` among arguments clap could not read.
fn log_format_in(args: &[OsString]) -> log::LogFormat {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let json = args.iter().enumerate().any(|(i, a)| {
        a == "--log-format=json"
            || (a == "--log-format" && args.get(i + 1).is_some_and(|v| v == "json"))
    });
    if json {
        log::LogFormat::Json
    } else {
        log::LogFormat::Text
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
    let global = cli.global;
    if matches!(cli.command, Command::Reconcile(_) | Command::Synth(_)) {
        // The commands that write an output folder stop cleanly on a signal.
        stop::watch(global.log_format)
            .map_err(|e| Error::other(format!("cannot watch for signals: {e}")))?;
    }
    match cli.command {
        Command::Reconcile(args) => reconcile::run(args, global),
        Command::Check(args) => check::run(args, global),
        Command::History(args) => history::run(args, global),
        Command::Review(crate::cli::ReviewCommand::Import(args)) => review::run(args, global),
        Command::Synth(args) => synth::run(args, global),
        Command::Evaluate(args) => evaluate::run(args, global),
        Command::Completions(args) => completions::run(args, global),
        Command::Man(args) => man::run(args, global),
    }
}
