//! `popsync synth`: realistic synthetic data with known truth (SPEC section 5).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::synth::{self, NoiseProfile, SynthParams, Tag, TagCounts};

/// Writes population.csv (the register), participants.csv and truth.csv into a folder.
#[derive(Debug, Args)]
pub(crate) struct SynthArgs {
    /// Output folder (created if missing); the three files appear together when done.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// Number of persons in the register.
    #[arg(long, value_name = "N")]
    pub(crate) register: u64,

    /// Number of participant rows (insurance codes).
    #[arg(long, value_name = "M")]
    pub(crate) participants: u64,

    /// Random seed: the same seed and sizes always give byte-identical files.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub(crate) seed: u64,

    /// TOML noise profile: error rates named after the tags of truth.csv (every key optional).
    #[arg(long, value_name = "FILE.toml")]
    pub(crate) noise: Option<PathBuf>,

    /// Worker threads (default: one per core); the output does not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) threads: usize,

    /// No summary on the terminal.
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

pub(crate) fn run(args: SynthArgs) -> Result<ExitCode> {
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
    if !args.quiet {
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
