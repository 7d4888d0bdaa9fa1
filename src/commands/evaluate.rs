//! `popsync evaluate`: scores a results.csv against the truth of a synthetic dataset and prints
//! the figures (see [`crate::synth::evaluation`]).

use std::io::Write;

use crate::cli::{EvaluateArgs, GlobalArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::synth::evaluation::evaluate;

pub(crate) fn run(args: EvaluateArgs, _global: GlobalArgs) -> Result<ExitCode> {
    let evaluation = evaluate(&args.truth, &args.results)?;
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let io = |err: std::io::Error| Error::io("<standard output>", err);
    if args.json {
        serde_json::to_writer_pretty(&mut w, &evaluation).map_err(|err| io(err.into()))?;
        writeln!(w).map_err(io)?;
    } else {
        evaluation.write_table(&mut w).map_err(io)?;
    }
    Ok(ExitCode::Done)
}
