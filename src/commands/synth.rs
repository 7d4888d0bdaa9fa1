//! `popsync synth`: realistic synthetic data with known truth (see [`crate::synth`]).

use std::io::Write;
use std::time::Instant;

use crate::cli::{GlobalArgs, SynthArgs};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::synth::{self, NoiseProfile, SynthParams, Tag, TagCounts};

pub(crate) fn run(args: SynthArgs, global: GlobalArgs) -> Result<ExitCode> {
    let clock = Instant::now();
    let noise = match &args.noise {
        Some(path) => NoiseProfile::load(path)?,
        None => NoiseProfile::default(),
    };
    let params = SynthParams {
        register: args.register,
        participants: args.participants,
        seed: args.seed,
        noise,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| Error::other(format!("cannot start worker threads: {e}")))?;
    let counts = pool.install(|| synth::generate(params, &args.out))?;
    if !global.quiet {
        let stdout = std::io::stdout();
        print_summary(
            &mut stdout.lock(),
            &args,
            &counts,
            clock.elapsed().as_secs_f64(),
        )
        .map_err(|e| Error::io("<standard output>", e))?;
    }
    Ok(ExitCode::Done)
}

fn print_summary(
    out: &mut impl Write,
    args: &SynthArgs,
    counts: &TagCounts,
    seconds: f64,
) -> std::io::Result<()> {
    let share = |n: u64| 100.0 * n as f64 / counts.rows.max(1) as f64;
    writeln!(
        out,
        "{}: {} register persons, {} participants ({:.1}% clean), seed {}, {seconds:.1} s",
        args.out.display(),
        args.register,
        args.participants,
        share(counts.clean),
        args.seed
    )?;
    for tag in Tag::ALL {
        let n = counts.count(tag);
        writeln!(out, "  {:<24} {n:>12} {:>6.2}%", tag.as_str(), share(n))?;
    }
    Ok(())
}
