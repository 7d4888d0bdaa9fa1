//! Command-line flags (clap derive; doc comments are the help text), and their conversion into
//! a validated configuration: the first of ripgrep's two stages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{
    parse_delimiter, parse_mode, parse_rate, FileConfig, ReconcileConfig, DEFAULT_MAX_UNREADABLE,
};
use crate::error::Result;
use crate::input::schema::{PARTICIPANTS, REGISTER};
use crate::normalize::IdFormat;
use crate::province::ProvinceTable;
use crate::report::language::Language;

/// Reconciles insurance participants with the National Population Database.
#[derive(Debug, Parser)]
#[command(name = "popsync", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Log lines on standard error as text, or as one JSON object a line for log collectors.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub(crate) log_format: crate::log::LogFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Link every participant to the register, verify, and write the reports.
    Reconcile(ReconcileArgs),
    /// Write realistic synthetic data with known truth (register, participants, truth.csv).
    Synth(SynthArgs),
    /// Score a results.csv against the ground truth of a synthetic dataset.
    Evaluate(EvaluateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ReconcileArgs {
    /// The participants CSV file (insurance side); `-` reads standard input. Gzip and zstd
    /// files are read as they are.
    #[arg(long, value_name = "FILE")]
    pub(crate) participants: PathBuf,

    /// The register CSV file (National Population Database); `-` reads standard input (one of
    /// the two files at most).
    #[arg(long, value_name = "FILE")]
    pub(crate) register: PathBuf,

    /// Output folder (created if missing); files in it are replaced only when the run succeeds.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// TOML file: how each input is read (delimiter, encoding, header, date order), its column
    /// mapping and value codes, thresholds and gates (see docs/input.md).
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
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) threads: usize,

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
    /// readers write them (machine files keep their English keys)
    #[arg(long, value_enum, value_name = "LANG", default_value = "vi")]
    pub(crate) lang: Lang,

    /// No summary table and no progress bars.
    #[arg(short, long)]
    pub(crate) quiet: bool,

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

    /// Earlier sets kept beside the output folder, in OUT.history/ (each run replaces the
    /// published set as a whole).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub(crate) keep: usize,

    /// Show only the last 4 digits of personal IDs in mismatches.csv, duplicates.csv and
    /// report.html.
    #[arg(long)]
    pub(crate) mask_ids: bool,

    /// Memory the run may use (16G, 512M, …); default: what the system has available. A run
    /// that would need more fails before it starts, saying how much it needs.
    #[arg(long, value_name = "SIZE", value_parser = crate::resources::parse_size)]
    pub(crate) memory_limit: Option<u64>,

    /// Permissions of the output files, in octal (they hold personal data: owner only by
    /// default).
    #[arg(long, value_name = "MODE", default_value = "600", value_parser = parse_mode)]
    pub(crate) output_mode: u32,

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
    /// The second stage: reads the config and province files and checks every value.
    pub(crate) fn into_config(self) -> Result<ReconcileConfig> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        if crate::input::source::is_stdin(&self.participants)
            && crate::input::source::is_stdin(&self.register)
        {
            return Err(crate::error::Error::usage(
                "--participants and --register cannot both be `-`: standard input holds one file",
            ));
        }
        let provinces = match &self.provinces {
            Some(path) => ProvinceTable::load(path)?,
            None => ProvinceTable::builtin().clone(),
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
                .or(file.max_unreadable())
                .unwrap_or(DEFAULT_MAX_UNREADABLE),
            id_format: self.id_format.or(file.id_format).unwrap_or_default(),
            participants: self.participants,
            register: self.register,
            out: self.out,
            config_file: self.config,
            provinces,
            thresholds: file.thresholds,
            provinces_file: self.provinces,
            threads: self.threads,
            chunk_rows: self.chunk_rows.max(1),
            exhaustive_search: self.exhaustive_search,
            min_sync_rate: self.min_sync_rate,
            excel: self.excel,
            xlsx: self.xlsx || self.split_by.is_some(),
            split_by_province: self.split_by == Some(SplitBy::Province),
            language: match self.lang {
                Lang::Vi => Language::Vietnamese,
                Lang::En => Language::English,
            },
            xlsx_sheet_rows: self.xlsx_sheet_rows,
            quiet: self.quiet,
            timings: self.timings,
            previous: self.previous,
            no_previous: self.no_previous,
            keep: self.keep,
            mask_ids: self.mask_ids,
            output_mode: self.output_mode,
            memory_limit: self.memory_limit,
            log_format: crate::log::LogFormat::Text,
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

    /// No summary on the terminal.
    #[arg(short, long)]
    pub(crate) quiet: bool,
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
