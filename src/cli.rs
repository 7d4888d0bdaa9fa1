//! Command-line flags (clap derive; doc comments are the help text), and their conversion into
//! a validated configuration: the first of ripgrep's two stages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{
    parse_delimiter, parse_mode, parse_rate, FileConfig, Night, ReconcileConfig, DEFAULT_KEEP,
    DEFAULT_MAX_UNREADABLE, DEFAULT_OUTPUT_MODE,
};
use crate::error::{Error, Result};
use crate::input::schema::{PARTICIPANTS, REGISTER};
use crate::input::source::is_stdin;
use crate::normalize::IdFormat;
use crate::province::ProvinceTable;
use crate::report::language::Language;

/// Reconciles insurance participants with the National Population Database.
#[derive(Debug, Parser)]
#[command(
    name = "popsync",
    version = crate::version::VERSION,
    about,
    long_about = None,
    after_help = crate::exit::HELP
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// The flags every command takes, before or after its name.
#[derive(Debug, Clone, Copy, Args)]
pub(crate) struct GlobalArgs {
    /// Log lines on standard error as text, or as one JSON object a line for log collectors.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub(crate) log_format: crate::log::LogFormat,

    /// No summary on standard output and no progress bars (log lines are still written).
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Link every participant to the register, verify, and write the reports.
    #[command(after_help = crate::exit::HELP)]
    Reconcile(ReconcileArgs),
    /// Check everything a reconcile with the same arguments needs, without running it: the
    /// config, both headers and their mapping, the output folder, the memory.
    #[command(after_help = crate::exit::HELP)]
    Check(ReconcileArgs),
    /// Show the nights the history holds: when, how many rows, how many SYNCED, the rate, the
    /// rows per status and how long the open ones have been open; overall or for one province.
    #[command(after_help = crate::exit::HELP)]
    History(HistoryArgs),
    /// Reviewers' decisions on the mismatch list (`popsync review import FILE`).
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Write realistic synthetic data with known truth (register, participants, truth.csv).
    Synth(SynthArgs),
    /// Score a results.csv against the ground truth of a synthetic dataset.
    Evaluate(EvaluateArgs),
    /// Print the completion script of a shell (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Write the man pages (popsync.1 and one per command) into a folder.
    #[command(hide = true)]
    Man(ManArgs),
}

/// Which history a command reads: `--history FILE`, or the default one of an output folder
/// (`--out DIR`, or the `out` of a night's config file).
#[derive(Debug, Args)]
pub(crate) struct HistoryLocation {
    /// The history file [default: OUT.history/history.sqlite, for --out or the config's `out`]
    #[arg(long, value_name = "FILE")]
    pub(crate) history: Option<PathBuf>,

    /// The output folder of the nights, whose history is OUT.history/history.sqlite.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,

    /// A night's config file: its `history`, or the default history of its `out`.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

impl HistoryLocation {
    /// The history file: `--history`, else the config's `history`, else the default history
    /// of `--out` or of the config's `out`.
    pub(crate) fn file(self) -> Result<PathBuf> {
        if let Some(file) = self.history {
            return Ok(file);
        }
        let night = match &self.config {
            Some(path) => FileConfig::load(path)?.night(path)?,
            None => Night::default(),
        };
        if let (Some(path), true, None) = (&self.config, night.no_history, &self.out) {
            return Err(Error::config(
                path,
                "keeps no history (`no_history = true`): give --history FILE",
            ));
        }
        if let (None, Some(file)) = (&self.out, night.history) {
            return Ok(file);
        }
        match self.out.or(night.out) {
            Some(out) => crate::config::default_history(&out),
            None => Err(Error::usage(
                "which history? give --history FILE, --out DIR (its OUT.history/history.sqlite),                  or --config FILE (a night's config)",
            )),
        }
    }
}

/// `popsync history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    #[command(flatten)]
    pub(crate) location: HistoryLocation,

    /// One province's figures: a current 2-digit code or a former 3-digit one.
    #[arg(long, value_name = "CODE")]
    pub(crate) province: Option<String>,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `popsync review …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ReviewCommand {
    /// Import reviewers' decisions (confirm or reject a person for an insurance code) from a
    /// CSV file (insurance_code,person_id,decision,reviewer,note) or a filled-in mismatch
    /// workbook; the following nights apply them. All or nothing for a bad file; a decision the
    /// last night's list does not support is refused, with its line and why.
    #[command(after_help = crate::exit::HELP)]
    Import(ReviewImportArgs),
}

/// `popsync review import`.
#[derive(Debug, Args)]
pub(crate) struct ReviewImportArgs {
    #[command(flatten)]
    pub(crate) location: HistoryLocation,

    /// The decisions: a CSV file, or a mismatches.xlsx (or a province's workbook) with its
    /// decision columns filled in.
    #[arg(value_name = "DECISIONS")]
    pub(crate) decisions: PathBuf,
}

/// `popsync completions SHELL`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell the script is for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// `popsync man DIR`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// The folder the pages are written into (created if missing).
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,
}

/// `popsync reconcile` and `popsync check`. Every value can also come from the config file
/// (`--config`): the inputs' `path` in its `[participants]` and `[register]` tables, the rest
/// as top-level keys named after their flags; a flag overrides the file.
#[derive(Debug, Args)]
pub(crate) struct ReconcileArgs {
    /// The participants CSV file (insurance side); `-` reads standard input. Gzip and zstd
    /// files are read as they are. [config: `[participants] path`]
    #[arg(long, value_name = "FILE")]
    pub(crate) participants: Option<PathBuf>,

    /// The register CSV file (National Population Database); `-` reads standard input (one of
    /// the two files at most). [config: `[register] path`]
    #[arg(long, value_name = "FILE")]
    pub(crate) register: Option<PathBuf>,

    /// Output folder (created if missing); files in it are replaced only when the run
    /// succeeds. [config: `out`]
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,

    /// TOML file: a night's settings (inputs, output folder, flags), how each input is read
    /// (delimiter, encoding, header, date order), its column mapping and value codes,
    /// thresholds and gates (see docs/input.md); relative paths in it are relative to it.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// Field delimiter of both input files: one character, or `tab` (overrides the config;
    /// default: detected from each file's header line).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub(crate) delimiter: Option<u8>,

    /// Encoding of an input file that is not UTF-8: windows-1258, tcvn3, vni, utf-16le or
    /// utf-16be (overrides the config; default: the one detection is sure of; a likely one is
    /// named in the error).
    #[arg(long, value_name = "ENCODING")]
    pub(crate) encoding: Option<crate::input::encoding::Encoding>,

    /// The largest share of a column's non-empty values that may be unreadable (a gender coded
    /// 1/0 with no value mapping, dates in another order); above it the run stops (exit 1):
    /// a fraction or a percentage [default: 20%]
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub(crate) max_unreadable: Option<f64>,

    /// How personal IDs are read (overrides the config file's `id_format`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) id_format: Option<IdFormat>,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) threads: Option<usize>,

    /// Exit with code 3 when the synchronization rate is below this (0.995 or 99.5%).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    pub(crate) min_sync_rate: Option<f64>,

    /// Province table replacing the built-in one (former_code,former_name,current_code,current_name).
    #[arg(long, value_name = "FILE")]
    pub(crate) provinces: Option<PathBuf>,

    /// Write CSV files with a UTF-8 byte-order mark, so spreadsheet programs show Vietnamese text.
    #[arg(long)]
    pub(crate) excel: bool,

    /// Also write mismatches.xlsx: the mismatch list as a workbook, IDs kept as text with their
    /// leading zeros, dates as dates, header frozen and filtered (give auditors this file)
    #[arg(long)]
    pub(crate) xlsx: bool,

    /// Also write one workbook per current province (the 34, and the unknown province) into
    /// the output's provinces/ folder, for the agencies that each review their own rows
    /// (implies --xlsx)
    #[arg(long, value_enum, value_name = "WHAT")]
    pub(crate) split_by: Option<SplitBy>,

    /// Language of report.html and of the workbooks' headers: numbers, dates and times as its
    /// readers write them (machine files keep their English keys) [default: vi]
    #[arg(long, value_enum, value_name = "LANG")]
    pub(crate) lang: Option<Lang>,

    /// Print where the time went, per stage (read, normalize, index, match, write), on standard
    /// error at the end; summary.json always has the figures (`timings`).
    #[arg(long)]
    pub(crate) timings: bool,

    /// The previous run's output folder (default: the set published in --out). changes.csv
    /// lists the rows whose status changed, and summary.json and report.html show the deltas;
    /// a previous set that is incomplete or from other data is not used, and the run says why.
    #[arg(long, value_name = "DIR", conflicts_with = "no_previous")]
    pub(crate) previous: Option<PathBuf>,

    /// Report no changes since a previous run.
    #[arg(long)]
    pub(crate) no_previous: bool,

    /// The history file: each published night's counts and open rows, and the reviewers'
    /// decisions the night applies (SQLite; created when missing) [default:
    /// OUT.history/history.sqlite] [config: `history`]
    #[arg(long, value_name = "FILE", conflicts_with = "no_history")]
    pub(crate) history: Option<PathBuf>,

    /// Keep no history: no trend or backlog ages in the report, no reviewers' decisions
    /// applied. [config: `no_history`]
    #[arg(long)]
    pub(crate) no_history: bool,

    /// Earlier sets kept beside the output folder, in OUT.history/ (each run replaces the
    /// published set as a whole) [default: 3]
    #[arg(long, value_name = "N")]
    pub(crate) keep: Option<usize>,

    /// Show only the last 4 digits of personal IDs in mismatches.csv, duplicates.csv and
    /// report.html.
    #[arg(long)]
    pub(crate) mask_ids: bool,

    /// Memory the run may use (16G, 512M, …); default: what the system has available. A run
    /// that would need more fails before it starts, saying how much it needs.
    #[arg(long, value_name = "SIZE", value_parser = crate::resources::parse_size)]
    pub(crate) memory_limit: Option<u64>,

    /// Permissions of the output files, in octal (they hold personal data: owner only by
    /// default) [default: 600]
    #[arg(long, value_name = "MODE", value_parser = parse_mode)]
    pub(crate) output_mode: Option<u32>,

    /// Participant rows per chunk streamed through the matcher (memory vs. overlap).
    #[arg(long, value_name = "ROWS", default_value_t = 65_536, hide = true)]
    pub(crate) chunk_rows: usize,

    /// The candidate search reads every block, also those it can prove cannot change the
    /// result: slower, the same output (for checking that on real data).
    #[arg(long, hide = true)]
    pub(crate) exhaustive_search: bool,

    /// Rows a worksheet of the workbooks holds, its header included (Excel's limit; lower in
    /// tests, to see a list continue on the next sheet).
    #[arg(long, value_name = "ROWS", default_value_t = crate::report::workbook::SHEET_ROWS, hide = true,
          value_parser = clap::value_parser!(u32).range(2..=crate::report::workbook::SHEET_ROWS as i64))]
    pub(crate) xlsx_sheet_rows: u32,
}

impl ReconcileArgs {
    /// The second stage: reads the config and province files, takes from the config what no
    /// flag gives, and checks every value. `global`: the flags every command takes.
    pub(crate) fn into_config(self, global: GlobalArgs) -> Result<ReconcileConfig> {
        let (file, night) = match &self.config {
            Some(path) => {
                let file = FileConfig::load(path)?;
                let night = file.night(path)?;
                (file, night)
            }
            None => (FileConfig::default(), Night::default()),
        };
        let required = |flag: Option<PathBuf>, from_file: Option<PathBuf>, what: &str| {
            flag.or(from_file)
                .ok_or_else(|| Error::usage(what.to_string()))
        };
        let participants = required(
            self.participants,
            night.participants,
            "no participants file: give --participants FILE, or `path` in the config's \
             [participants] table",
        )?;
        let register = required(
            self.register,
            night.register,
            "no register file: give --register FILE, or `path` in the config's [register] table",
        )?;
        let out = required(
            self.out,
            night.out,
            "no output folder: give --out DIR, or `out` in the config",
        )?;
        if is_stdin(&participants) && is_stdin(&register) {
            return Err(Error::usage(
                "--participants and --register cannot both be `-`: standard input holds one file",
            ));
        }
        let provinces_file = self.provinces.or(night.provinces);
        let provinces = match &provinces_file {
            Some(path) => ProvinceTable::load(path)?,
            None => ProvinceTable::builtin().clone(),
        };
        // A flag given on the command line turns a night's setting on; `--previous` and
        // `--no-previous` replace each other's setting from the file.
        let (previous, no_previous) = match (self.previous, self.no_previous) {
            (Some(dir), _) => (Some(dir), false),
            (None, true) => (None, true),
            (None, false) => (night.previous, night.no_previous),
        };
        let split_by_province = self.split_by == Some(SplitBy::Province) || night.split_by_province;
        let (history, no_history) = match (self.history, self.no_history) {
            (Some(file), _) => (Some(file), false),
            (None, true) => (None, true),
            (None, false) => (night.history, night.no_history),
        };
        Ok(ReconcileConfig {
            participant_sources: file.participants.sources(&PARTICIPANTS),
            register_sources: file.register.sources(&REGISTER),
            participant_mapped: file.participants.mapped(&PARTICIPANTS),
            register_mapped: file.register.mapped(&REGISTER),
            participant_values: file.participants.value_maps(&PARTICIPANTS),
            register_values: file.register.value_maps(&REGISTER),
            participants_read: file
                .participants
                .read_options(self.delimiter, self.encoding),
            register_read: file.register.read_options(self.delimiter, self.encoding),
            participants_dates: file.participants.date_order(),
            register_dates: file.register.date_order(),
            max_unreadable: self
                .max_unreadable
                .or(night.max_unreadable)
                .unwrap_or(DEFAULT_MAX_UNREADABLE),
            id_format: self.id_format.or(file.id_format).unwrap_or_default(),
            participants,
            register,
            out,
            config_file: self.config,
            provinces,
            thresholds: file.thresholds,
            provinces_file,
            threads: self.threads.or(night.threads).unwrap_or(0),
            chunk_rows: self.chunk_rows.max(1),
            exhaustive_search: self.exhaustive_search,
            min_sync_rate: self.min_sync_rate.or(night.min_sync_rate),
            excel: self.excel || night.excel,
            xlsx: self.xlsx || night.xlsx || split_by_province,
            split_by_province,
            language: match self.lang {
                Some(Lang::Vi) => Language::Vietnamese,
                Some(Lang::En) => Language::English,
                None => night.language.unwrap_or_default(),
            },
            xlsx_sheet_rows: self.xlsx_sheet_rows,
            quiet: global.quiet,
            timings: self.timings || night.timings,
            previous,
            no_previous,
            keep: self.keep.or(night.keep).unwrap_or(DEFAULT_KEEP),
            history,
            no_history,
            mask_ids: self.mask_ids || night.mask_ids,
            output_mode: self
                .output_mode
                .or(night.output_mode)
                .unwrap_or(DEFAULT_OUTPUT_MODE),
            memory_limit: self.memory_limit.or(night.memory_limit),
            log_format: global.log_format,
        })
    }
}

/// How the workbooks are split (`--split-by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SplitBy {
    /// One workbook per current province.
    Province,
}

/// The language of the files a person reads (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Lang {
    /// Vietnamese: 66,72%; 12.777; 24/11/2026.
    Vi,
    /// English: 66.72%; 12,777; 2026-11-24.
    En,
}

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
}

/// Scores a results.csv against the ground truth of a synthetic dataset.
#[derive(Debug, Args)]
pub(crate) struct EvaluateArgs {
    /// Ground truth: insurance_code,true_person_id,tags.
    #[arg(long, value_name = "FILE")]
    pub(crate) truth: PathBuf,

    /// results.csv of a reconciliation.
    #[arg(long, value_name = "FILE")]
    pub(crate) results: PathBuf,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}
