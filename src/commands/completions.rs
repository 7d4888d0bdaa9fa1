//! `popsync completions SHELL`: the shell's completion script, made from the same definitions
//! as `--help`, on standard output.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, GlobalArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;

pub(crate) fn run(args: CompletionsArgs, _global: GlobalArgs) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "popsync", &mut script);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("<standard output>", e))
        }
        _ => Ok(ExitCode::Done),
    }
}
