//! Run configuration: the TOML file `--config` names (column mappings, `id_format`, thresholds;
//! docs/input.md) and the validated [`ReconcileConfig`] that the reconcile command runs on.
//!
//! Flags are parsed in two stages, as ripgrep does: [`crate::cli`] holds the raw flags, and
//! [`crate::cli::ReconcileArgs::into_config`] turns them (plus this file) into a `ReconcileConfig`
//! in which every value has been checked, so that nothing later has to. The config then builds
//! the pieces the stages take (input specs, the output folder, the register's load options, the
//! settings summary.json records), so that no stage reads the whole config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::history::{History, Open};
use crate::input::encoding::Encoding;
use crate::input::schema::{Schema, PARTICIPANTS, REGISTER};
use crate::input::{InputSpec, ReadOptions, ValueMap};
use crate::matching::Thresholds;
use crate::normalize::date::DateOrder;
use crate::normalize::IdFormat;
use crate::province::ProvinceTable;
use crate::register::load::LoadOptions;
use crate::register::Register;
use crate::report::changes::Previous;
use crate::report::finalize::Style;
use crate::report::folder::HISTORY_FILE;
use crate::report::language::Language;
use crate::report::mismatches::RowContext;
use crate::report::output::OutputDir;
use crate::report::summary::RunSettings;
use crate::report::RECONCILE_FILES;
use crate::resources;

/// The config file as written (every key optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub(crate) id_format: Option<IdFormat>,
    // A night's settings, each named after its flag (a flag overrides it); [`FileConfig::night`]
    // checks them and makes their paths relative to the file.
    out: Option<PathBuf>,
    provinces: Option<PathBuf>,
    previous: Option<PathBuf>,
    no_previous: Option<bool>,
    history: Option<PathBuf>,
    no_history: Option<bool>,
    min_sync_rate: Option<RateValue>,
    max_unreadable: Option<RateValue>,
    keep: Option<usize>,
    lang: Option<String>,
    mask_ids: Option<bool>,
    output_mode: Option<ModeValue>,
    excel: Option<bool>,
    xlsx: Option<bool>,
    split_by: Option<String>,
    memory_limit: Option<String>,
    threads: Option<usize>,
    timings: Option<bool>,
    #[serde(default)]
    pub(crate) participants: SideConfig,
    #[serde(default)]
    pub(crate) register: SideConfig,
    /// Decision thresholds (bits of evidence); see [`Thresholds`] for the defaults.
    #[serde(default)]
    pub(crate) thresholds: Thresholds,
    /// The data-quality gates.
    #[serde(default)]
    pub(crate) quality: QualityConfig,
}

/// The `[quality]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QualityConfig {
    /// The largest share of a column's non-empty values that may be unreadable before the run
    /// stops (a fraction or a percentage, as `--max-unreadable`).
    pub(crate) max_unreadable: Option<RateValue>,
}

/// A file mode as the config writes it: `"640"`, or an octal number `0o640`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ModeValue {
    Number(u32),
    Text(String),
}

/// A night's settings from the config file, checked, with their paths relative to the file's
/// folder (`-`, standard input, stays as it is). Absent keys are `None` or `false`.
#[derive(Debug, Default)]
pub(crate) struct Night {
    pub(crate) participants: Option<PathBuf>,
    pub(crate) register: Option<PathBuf>,
    pub(crate) out: Option<PathBuf>,
    pub(crate) provinces: Option<PathBuf>,
    pub(crate) previous: Option<PathBuf>,
    pub(crate) no_previous: bool,
    pub(crate) history: Option<PathBuf>,
    pub(crate) no_history: bool,
    pub(crate) min_sync_rate: Option<f64>,
    pub(crate) max_unreadable: Option<f64>,
    pub(crate) keep: Option<usize>,
    pub(crate) language: Option<Language>,
    pub(crate) mask_ids: bool,
    pub(crate) output_mode: Option<u32>,
    pub(crate) excel: bool,
    pub(crate) xlsx: bool,
    pub(crate) split_by_province: bool,
    pub(crate) memory_limit: Option<u64>,
    pub(crate) threads: Option<usize>,
    pub(crate) timings: bool,
}

/// A rate as the config writes it: `0.2` or `"20%"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RateValue {
    Number(f64),
    Text(String),
}

impl RateValue {
    fn parse(&self) -> Result<f64, String> {
        match self {
            RateValue::Number(n) => parse_rate(&n.to_string()),
            RateValue::Text(t) => parse_rate(t),
        }
    }
}

/// The `[participants]` or `[register]` table: how the file is read and which source column
/// each canonical column comes from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SideConfig {
    /// The file (`--participants`, `--register`), relative to the config file.
    pub(crate) path: Option<PathBuf>,
    /// One ASCII character or `tab`; detected from the header line when absent.
    pub(crate) delimiter: Option<String>,
    /// The encoding when the file is not UTF-8 (as `--encoding`).
    pub(crate) encoding: Option<String>,
    /// `false`: the file has no header row, and columns are mapped by their numbers from 1.
    pub(crate) header: Option<bool>,
    /// How a three-part date is ordered when its year is last: `dd/mm/yyyy` (the default) or
    /// `mm/dd/yyyy`.
    pub(crate) date_format: Option<String>,
    #[serde(default)]
    pub(crate) columns: BTreeMap<String, ColumnSource>,
    /// Per canonical column: the export's codes and what they stand for.
    #[serde(default)]
    pub(crate) values: BTreeMap<String, BTreeMap<String, String>>,
}

/// A canonical column's source: one column, or several joined with a space; by name, or by
/// number from 1 in a file without a header row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum ColumnSource {
    One(ColumnName),
    Joined(Vec<ColumnName>),
}

/// A source column: its name in the header, or its number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum ColumnName {
    Name(String),
    Number(i64),
}

impl ColumnName {
    fn text(&self) -> String {
        match self {
            ColumnName::Name(name) => name.clone(),
            ColumnName::Number(n) => n.to_string(),
        }
    }
}

impl ColumnSource {
    pub(crate) fn names(&self) -> Vec<String> {
        self.parts().iter().map(ColumnName::text).collect()
    }

    fn parts(&self) -> Vec<ColumnName> {
        match self {
            ColumnSource::One(name) => vec![name.clone()],
            ColumnSource::Joined(names) => names.clone(),
        }
    }
}

/// Reads a TOML file into `T`; a file that does not read as `T` is an error naming the file,
/// with the parser's message (which says the line and the key).
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = crate::small_file::read_text(path).map_err(|e| Error::io(path, e))?;
    toml::from_str(&text).map_err(|e| Error::config(path, e.to_string().trim_end()))
}

impl FileConfig {
    pub(crate) fn load(path: &Path) -> Result<FileConfig> {
        let config: FileConfig = read_toml(path)?;
        config
            .participants
            .check(path, "participants", &PARTICIPANTS)?;
        config.register.check(path, "register", &REGISTER)?;
        check_thresholds(&config.thresholds).map_err(|e| Error::config(path, e))?;
        config.night(path)?;
        Ok(config)
    }

    /// The night's settings of the file at `path`, checked: a value that does not read is an
    /// error naming the file and the key.
    pub(crate) fn night(&self, path: &Path) -> Result<Night> {
        let folder = path.parent().unwrap_or(Path::new(""));
        let relative = |p: &Option<PathBuf>| -> Option<PathBuf> {
            p.as_ref().map(|p| {
                if crate::input::source::is_stdin(p) {
                    p.clone()
                } else {
                    folder.join(p)
                }
            })
        };
        let bad = |key: &str, e: String| Error::config(path, format!("{key}: {e}"));
        let rate = |key: &str, v: &Option<RateValue>| -> Result<Option<f64>> {
            v.as_ref()
                .map(|r| r.parse().map_err(|e| bad(key, e)))
                .transpose()
        };
        let max_unreadable = match (&self.max_unreadable, &self.quality.max_unreadable) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    path,
                    "max_unreadable is given twice, at the top and in [quality]: keep one",
                ))
            }
            (Some(_), None) => rate("max_unreadable", &self.max_unreadable)?,
            (None, quality) => rate("[quality] max_unreadable", quality)?,
        };
        let language = match self.lang.as_deref() {
            None => None,
            Some(code) => Some(
                Language::from_code(code)
                    .ok_or_else(|| bad("lang", format!("`{code}` is not \"vi\" or \"en\"")))?,
            ),
        };
        let split_by_province = match self.split_by.as_deref() {
            None => false,
            Some("province") => true,
            Some(other) => {
                return Err(bad(
                    "split_by",
                    format!("`{other}` is not \"province\" (the one split there is)"),
                ))
            }
        };
        let output_mode = match &self.output_mode {
            None => None,
            Some(ModeValue::Text(text)) => {
                Some(parse_mode(text).map_err(|e| bad("output_mode", e))?)
            }
            Some(ModeValue::Number(n)) if *n <= 0o777 => Some(*n),
            Some(ModeValue::Number(n)) => {
                return Err(bad(
                    "output_mode",
                    format!("{n} is not a file mode: write it as text, output_mode = \"640\""),
                ))
            }
        };
        let memory_limit = self
            .memory_limit
            .as_deref()
            .map(|m| resources::parse_size(m).map_err(|e| bad("memory_limit", e)))
            .transpose()?;
        Ok(Night {
            participants: relative(&self.participants.path),
            register: relative(&self.register.path),
            out: relative(&self.out),
            provinces: relative(&self.provinces),
            previous: relative(&self.previous),
            no_previous: self.no_previous.unwrap_or(false),
            history: relative(&self.history),
            no_history: self.no_history.unwrap_or(false),
            min_sync_rate: rate("min_sync_rate", &self.min_sync_rate)?,
            max_unreadable,
            keep: self.keep,
            language,
            mask_ids: self.mask_ids.unwrap_or(false),
            output_mode,
            excel: self.excel.unwrap_or(false),
            xlsx: self.xlsx.unwrap_or(false),
            split_by_province,
            memory_limit,
            threads: self.threads,
            timings: self.timings.unwrap_or(false),
        })
    }
}

/// Each threshold is a finite number in its range (bits of evidence: a score is a sum of a few
/// fields' weights, each well within ±30 bits): a NaN or an infinity would silently decide
/// every row one way.
pub(crate) fn check_thresholds(t: &Thresholds) -> Result<(), String> {
    let check = |key: &str, value: f64, range: std::ops::RangeInclusive<f64>| {
        if value.is_finite() && range.contains(&value) {
            Ok(())
        } else {
            Err(format!(
                "[thresholds] {key} = {value} is not a finite number between {} and {}",
                range.start(),
                range.end()
            ))
        }
    };
    check("verify", t.verify, -50.0..=50.0)?;
    check("suggest", t.suggest, 0.0..=100.0)?;
    check("margin", t.margin, 0.0..=50.0)?;
    check("possible", t.possible, 0.0..=100.0)?;
    if t.possible > t.suggest {
        return Err(format!(
            "[thresholds] possible = {} is above suggest = {}: a candidate is AMBIGUOUS below \
             `suggest` only when it reaches `possible`",
            t.possible, t.suggest
        ));
    }
    if t.block_cap == 0 {
        return Err("[thresholds] block_cap = 0: no block could be searched".into());
    }
    Ok(())
}

impl SideConfig {
    fn check(&self, path: &Path, side: &str, schema: &Schema) -> Result<()> {
        let known = || {
            schema
                .columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let header = self.header.unwrap_or(true);
        for (column, source) in &self.columns {
            if schema.index_of(column).is_none() {
                return Err(Error::config(
                    path,
                    format!(
                        "[{side}.columns] has no canonical column `{column}` (known: {})",
                        known()
                    ),
                ));
            }
            let parts = source.parts();
            if parts.is_empty() || source.names().iter().any(|n| n.trim().is_empty()) {
                return Err(Error::config(
                    path,
                    format!("[{side}.columns] `{column}` names an empty source column"),
                ));
            }
            for part in parts {
                match (part, header) {
                    (ColumnName::Number(n), false) if n >= 1 => {}
                    (ColumnName::Number(n), false) => {
                        return Err(Error::config(
                            path,
                            format!("[{side}.columns] `{column}` = {n}: columns are numbered from 1"),
                        ))
                    }
                    (ColumnName::Name(name), false) if name.trim().parse::<u64>().is_ok_and(|n| n >= 1) => {}
                    (ColumnName::Name(name), false) => {
                        return Err(Error::config(
                            path,
                            format!(
                                "[{side}.columns] `{column}` = \"{name}\": the file has no header row \
                                 (`header = false`), so its columns are named by number, from 1"
                            ),
                        ))
                    }
                    (ColumnName::Number(n), true) => {
                        return Err(Error::config(
                            path,
                            format!(
                                "[{side}.columns] `{column}` = {n}: a column number is only for a file \
                                 without a header row (`header = false`); name the column as the header does"
                            ),
                        ))
                    }
                    (ColumnName::Name(_), true) => {}
                }
            }
        }
        if !header {
            for c in schema.columns.iter().filter(|c| c.required) {
                if !self.columns.contains_key(c.name) {
                    return Err(Error::config(
                        path,
                        format!(
                            "[{side}] has `header = false`, so `[{side}.columns]` must give the number \
                             of the column `{}` comes from",
                            c.name
                        ),
                    ));
                }
            }
        }
        if let Some(raw) = &self.delimiter {
            parse_delimiter(raw)
                .map_err(|e| Error::config(path, format!("[{side}] delimiter: {e}")))?;
        }
        if let Some(raw) = &self.encoding {
            raw.parse::<Encoding>()
                .map_err(|e| Error::config(path, format!("[{side}] encoding: {e}")))?;
        }
        if let Some(raw) = &self.date_format {
            parse_date_order(raw)
                .map_err(|e| Error::config(path, format!("[{side}] date_format: {e}")))?;
        }
        for (column, codes) in &self.values {
            if schema.index_of(column).is_none() {
                return Err(Error::config(
                    path,
                    format!(
                        "[{side}.values] has no canonical column `{column}` (known: {})",
                        known()
                    ),
                ));
            }
            for (code, value) in codes {
                if let Err(expected) = value_is_readable(column, value) {
                    return Err(Error::config(
                        path,
                        format!(
                            "[{side}.values.{column}] \"{code}\" = \"{value}\": `{column}` is read as {expected}"
                        ),
                    ));
                }
            }
            let mut seen = std::collections::HashSet::new();
            for code in codes.keys() {
                if !seen.insert(code.trim().to_lowercase()) {
                    return Err(Error::config(
                        path,
                        format!(
                            "[{side}.values.{column}] gives the code \"{}\" twice (codes are compared \
                             without regard to case and surrounding spaces)",
                            code.trim()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The source columns for every canonical column of `schema`: the mapping where the config
    /// gives one, the canonical name itself otherwise.
    pub(crate) fn sources(&self, schema: &Schema) -> Vec<Vec<String>> {
        schema
            .columns
            .iter()
            .map(|c| match self.columns.get(c.name) {
                Some(source) => source.names(),
                None => vec![c.name.to_string()],
            })
            .collect()
    }

    /// Per canonical column of `schema`: whether the config maps it.
    pub(crate) fn mapped(&self, schema: &Schema) -> Vec<bool> {
        schema
            .columns
            .iter()
            .map(|c| self.columns.contains_key(c.name))
            .collect()
    }

    /// Per canonical column of `schema`: the value codes the config gives.
    pub(crate) fn value_maps(&self, schema: &Schema) -> Vec<Option<ValueMap>> {
        schema
            .columns
            .iter()
            .map(|c| {
                self.values
                    .get(c.name)
                    .map(|codes| ValueMap::new(codes.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
            })
            .collect()
    }

    /// How the file is read, with the flags (`--delimiter`, `--encoding`) over the config.
    pub(crate) fn read_options(
        &self,
        delimiter: Option<u8>,
        encoding: Option<Encoding>,
    ) -> ReadOptions {
        ReadOptions {
            delimiter: delimiter.or_else(|| {
                self.delimiter
                    .as_deref()
                    .and_then(|d| parse_delimiter(d).ok())
            }),
            encoding: encoding.or_else(|| self.encoding.as_deref().and_then(|e| e.parse().ok())),
            header: self.header.unwrap_or(true),
        }
    }

    /// How three-part dates are ordered, checked by [`FileConfig::load`].
    pub(crate) fn date_order(&self) -> DateOrder {
        self.date_format
            .as_deref()
            .and_then(|d| parse_date_order(d).ok())
            .unwrap_or_default()
    }
}

/// Whether a value mapping's target is a value the column reads: a gender for `gender`, a
/// status for `status`; any text for the other columns. `Err` says what the column reads.
fn value_is_readable(column: &str, value: &str) -> Result<(), &'static str> {
    match column {
        "gender"
            if !crate::normalize::Gender::parse(value).is_known() && !value.trim().is_empty() =>
        {
            Err("a gender: male, female, Nam, Nữ, M or F (or \"\" for unknown)")
        }
        "status"
            if crate::normalize::status::LifeStatus::parse(value)
                == crate::normalize::status::LifeStatus::Unreadable =>
        {
            Err("a status: alive or deceased (or \"\" for unknown)")
        }
        _ => Ok(()),
    }
}

/// Reads `date_format`.
pub(crate) fn parse_date_order(raw: &str) -> Result<DateOrder, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "dd/mm/yyyy" | "dd-mm-yyyy" | "dd.mm.yyyy" | "dmy" => Ok(DateOrder::DayFirst),
        "mm/dd/yyyy" | "mm-dd-yyyy" | "mm.dd.yyyy" | "mdy" => Ok(DateOrder::MonthFirst),
        _ => Err(format!(
            "`{raw}` is not a date order popsync reads: \"dd/mm/yyyy\" (the default) or \"mm/dd/yyyy\" \
             (year-first dates, yyyy-mm-dd, are read either way)"
        )),
    }
}

/// The default data-quality gate: a column with more than this share of its non-empty values
/// unreadable stops the run.
pub(crate) const DEFAULT_MAX_UNREADABLE: f64 = 0.2;

/// What [`ReconcileConfig::check_memory`] found: the memory a run needs, and what it may use
/// (`None`: not known on this system).
pub(crate) struct MemoryFit {
    pub(crate) needed: u64,
    pub(crate) limit: Option<u64>,
}

/// Earlier sets kept in the output folder's history by default.
pub(crate) const DEFAULT_KEEP: usize = 3;

/// The output files' permissions by default: they hold personal data, owner only.
pub(crate) const DEFAULT_OUTPUT_MODE: u32 = 0o600;

/// Everything `popsync reconcile` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct ReconcileConfig {
    pub(crate) participants: PathBuf,
    pub(crate) register: PathBuf,
    pub(crate) out: PathBuf,
    pub(crate) config_file: Option<PathBuf>,
    pub(crate) id_format: IdFormat,
    /// How the participants file is read (the flags over its config table).
    pub(crate) participants_read: ReadOptions,
    /// How the register file is read.
    pub(crate) register_read: ReadOptions,
    /// How the participants' three-part dates are ordered.
    pub(crate) participants_dates: DateOrder,
    /// How the register's three-part dates are ordered.
    pub(crate) register_dates: DateOrder,
    /// Source columns per canonical participants column (see [`PARTICIPANTS`]).
    pub(crate) participant_sources: Vec<Vec<String>>,
    /// Source columns per canonical register column (see [`REGISTER`]).
    pub(crate) register_sources: Vec<Vec<String>>,
    /// Per canonical participants column: whether the config maps it.
    pub(crate) participant_mapped: Vec<bool>,
    /// Per canonical register column: whether the config maps it.
    pub(crate) register_mapped: Vec<bool>,
    /// Per canonical participants column: the config's value codes.
    pub(crate) participant_values: Vec<Option<ValueMap>>,
    /// Per canonical register column: the config's value codes.
    pub(crate) register_values: Vec<Option<ValueMap>>,
    /// A column whose non-empty values are unreadable in a larger share stops the run.
    pub(crate) max_unreadable: f64,
    pub(crate) provinces: ProvinceTable,
    pub(crate) thresholds: Thresholds,
    pub(crate) provinces_file: Option<PathBuf>,
    /// Worker threads; 0 means one per core.
    pub(crate) threads: usize,
    /// Participant rows per chunk streamed through the matcher.
    pub(crate) chunk_rows: usize,
    /// The search reads every block, also those it can prove cannot change the result.
    pub(crate) exhaustive_search: bool,
    /// Exit with code 3 when the synchronization rate is below this fraction.
    pub(crate) min_sync_rate: Option<f64>,
    /// Write CSV files with a UTF-8 byte-order mark for spreadsheet programs.
    pub(crate) excel: bool,
    /// Write mismatches.xlsx, the mismatch list as a workbook.
    pub(crate) xlsx: bool,
    /// Rows a worksheet holds, its header included.
    pub(crate) xlsx_sheet_rows: u32,
    /// Also write one workbook per current province.
    pub(crate) split_by_province: bool,
    /// The language of report.html and of the workbooks' headers.
    pub(crate) language: Language,
    /// No terminal summary, no progress bars.
    pub(crate) quiet: bool,
    /// Print the time per stage on standard error.
    pub(crate) timings: bool,
    /// The previous run's output folder (`None`: the set published in `out`).
    pub(crate) previous: Option<PathBuf>,
    /// Report no changes since a previous run.
    pub(crate) no_previous: bool,
    /// Earlier sets kept beside the output folder, in OUT.history/.
    pub(crate) keep: usize,
    /// The history file (`None`: OUT.history/history.sqlite).
    pub(crate) history: Option<PathBuf>,
    /// Keep no history: no trend, no backlog ages, no reviewers' decisions applied.
    pub(crate) no_history: bool,
    /// Personal IDs shown by their last 4 digits in auditor-facing files.
    pub(crate) mask_ids: bool,
    /// Unix permissions of the output files.
    pub(crate) output_mode: u32,
    /// Memory the run may use (`None`: what the system has available).
    pub(crate) memory_limit: Option<u64>,
    /// How log lines on standard error are written.
    pub(crate) log_format: crate::log::LogFormat,
}

impl ReconcileConfig {
    /// True when the config maps a column of either file: the mapping says which column is
    /// which, and two files given the wrong way round are not guessed at.
    fn mapped(&self) -> bool {
        self.participant_mapped
            .iter()
            .chain(&self.register_mapped)
            .any(|&m| m)
    }

    /// The participants file.
    pub(crate) fn participants_input(&self) -> InputSpec {
        InputSpec {
            path: self.participants.clone(),
            options: self.participants_read,
            schema: &PARTICIPANTS,
            sources: self.participant_sources.clone(),
            mapped: self.participant_mapped.clone(),
            values: self.participant_values.clone(),
            config_file: self.config_file.clone(),
            other: (!self.mapped()).then(|| (&REGISTER, self.register_sources.clone())),
        }
    }

    /// The register file.
    pub(crate) fn register_input(&self) -> InputSpec {
        InputSpec {
            path: self.register.clone(),
            options: self.register_read,
            schema: &REGISTER,
            sources: self.register_sources.clone(),
            mapped: self.register_mapped.clone(),
            values: self.register_values.clone(),
            config_file: self.config_file.clone(),
            other: (!self.mapped()).then(|| (&PARTICIPANTS, self.participant_sources.clone())),
        }
    }

    /// The output folder, locked for this run, with the run's work folder beside it.
    pub(crate) fn output_dir(&self) -> Result<OutputDir> {
        OutputDir::prepare(&self.out, self.output_mode, self.keep, &RECONCILE_FILES)
    }

    /// The history file this night records into, `None` with `--no-history`.
    pub(crate) fn history_file(&self) -> Result<Option<PathBuf>> {
        if self.no_history {
            return Ok(None);
        }
        match &self.history {
            Some(file) => Ok(Some(file.clone())),
            None => default_history(&self.out).map(Some),
        }
    }

    /// The history this night records into, opened (created when missing, with the output
    /// files' mode) and with the nights of `published` that killed runs left pending settled;
    /// `None` with `--no-history`.
    pub(crate) fn open_history(&self, published: &Path) -> Result<Option<History>> {
        let Some(file) = self.history_file()? else {
            return Ok(None);
        };
        let mut history = History::open(&file, Open::CreateWithMode(self.output_mode))?;
        history.settle(published)?;
        Ok(Some(history))
    }

    /// The previous run's folder: the one `--previous` names (`true`), or the set published in
    /// the output folder `published`; `None` with `--no-previous`.
    fn previous_dir(&self, published: &Path) -> Option<(PathBuf, bool)> {
        if self.no_previous {
            return None;
        }
        Some(match &self.previous {
            Some(dir) => (dir.clone(), true),
            None => (published.to_path_buf(), false),
        })
    }

    /// The previous run's results.csv's size in bytes, for the memory estimate (0 when none).
    pub(crate) fn previous_bytes(&self, published: &Path) -> u64 {
        self.previous_dir(published)
            .and_then(|(dir, _)| std::fs::metadata(dir.join("results.csv")).ok())
            .map_or(0, |m| m.len())
    }

    /// The previous run, read and checked on a thread of its own (see [`Previous::load`]).
    pub(crate) fn previous_run(&self, published: &Path) -> JoinHandle<Previous> {
        let dir = self.previous_dir(published);
        let code = PARTICIPANTS
            .index_of("insurance_code")
            .expect("a canonical column");
        let code_sources = self.participant_sources[code].clone();
        std::thread::spawn(move || match dir {
            None => Previous::None("--no-previous".into()),
            Some((dir, named)) => Previous::load(&dir, named, &code_sources),
        })
    }

    /// The worker threads.
    pub(crate) fn thread_pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .map_err(|e| Error::other(format!("cannot start worker threads: {e}")))
    }

    /// Fails before any work when the run would need more memory than it may use; the
    /// previous run's results.csv (`previous_bytes`) is held as statuses by code. An input
    /// whose size is not known in advance counts for what is known of it (see
    /// [`crate::input::InputFile::size_estimate`]): a stream for nothing. On success, the
    /// memory the run needs and what it may use (`None`: not known here).
    pub(crate) fn check_memory(
        &self,
        register_bytes: Option<u64>,
        participants_bytes: Option<u64>,
        previous_bytes: u64,
    ) -> Result<MemoryFit> {
        let register_bytes = register_bytes.unwrap_or(0);
        let participants_bytes = participants_bytes.unwrap_or(0);
        let needed = resources::estimate_peak(register_bytes, participants_bytes)
            .saturating_add(previous_bytes);
        let limit = self.memory_limit.or_else(resources::available_memory);
        match limit {
            Some(limit) if needed > limit => {}
            _ => return Ok(MemoryFit { needed, limit }),
        }
        let limit = limit.expect("a limit the run exceeds");
        Err(Error::config(
            &self.register,
            format!(
                "a register of {} with {} of participants needs about {} of memory, and {} is available{}; \
                 run on a machine with more memory or split the register",
                resources::human(register_bytes),
                resources::human(participants_bytes),
                resources::human(needed),
                resources::human(limit),
                if self.memory_limit.is_some() { " (--memory-limit)" } else { "" },
            ),
        ))
    }

    /// How register rows become persons.
    pub(crate) fn load_options(&self) -> LoadOptions<'_> {
        LoadOptions {
            id_format: self.id_format,
            provinces: &self.provinces,
            chunk_rows: self.chunk_rows,
            dates: self.register_dates,
        }
    }

    /// How the auditor-facing CSV files are written.
    pub(crate) fn style(&self) -> Style {
        Style {
            excel: self.excel,
            mask_ids: self.mask_ids,
        }
    }

    /// What formatting an output row reads besides the row.
    pub(crate) fn row_context<'a>(&'a self, register: &'a Register) -> RowContext<'a> {
        RowContext {
            register,
            provinces: &self.provinces,
            mask_ids: self.mask_ids,
        }
    }

    /// The settings summary.json records.
    pub(crate) fn run_settings(&self) -> RunSettings<'_> {
        RunSettings {
            config_file: self.config_file.as_deref(),
            id_format: self.id_format,
            provinces_file: self.provinces_file.as_deref(),
            participant_sources: &self.participant_sources,
            register_sources: &self.register_sources,
            min_sync_rate: self.min_sync_rate,
            max_unreadable: self.max_unreadable,
            thresholds: &self.thresholds,
            provinces: &self.provinces,
            language: self.language,
        }
    }
}

/// Reads `--min-sync-rate`: a fraction (`0.995`) or a percentage (`99.5%`).
pub(crate) fn parse_rate(raw: &str) -> Result<f64, String> {
    let s = raw.trim();
    let (number, scale) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (s, 1.0),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{raw}` is not a rate (write 0.995 or 99.5%)"))?;
    // Round away the binary noise of the division, so `99.9%` is exactly the `0.999` that
    // 999 of 1,000 rows gives, not 0.9990000000000001.
    let rate = (value / scale * 1e12).round() / 1e12;
    if !(0.0..=1.0).contains(&rate) {
        return Err(format!("`{raw}` is not between 0 and 1 (or 0% and 100%)"));
    }
    Ok(rate)
}

/// Reads `--output-mode`: octal permissions such as `600` or `0640`.
pub(crate) fn parse_mode(raw: &str) -> Result<u32, String> {
    match u32::from_str_radix(raw.trim_start_matches("0o"), 8) {
        Ok(mode) if mode <= 0o777 => Ok(mode),
        _ => Err(format!(
            "`{raw}` is not an octal file mode such as 600 or 640"
        )),
    }
}

/// Reads `--delimiter`: one ASCII character, or `tab`.
pub(crate) fn parse_delimiter(raw: &str) -> Result<u8, String> {
    match raw {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() && s != "\"" => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "`{raw}` is not a single ASCII character (or `tab`)"
        )),
    }
}

/// The history file of the output folder `out` when `--history` names none:
/// `OUT.history/history.sqlite`, beside the earlier sets, so it survives each night's swap of
/// the published folder and `--keep`'s pruning.
pub(crate) fn default_history(out: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(out).map_err(|e| Error::io(out, e))?;
    let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
        return Err(Error::io(
            out,
            std::io::Error::other("cannot be the output folder: name a folder of its own"),
        ));
    };
    let parent = parent
        .canonicalize()
        .unwrap_or_else(|_| parent.to_path_buf());
    let mut history = name.to_os_string();
    history.push(".history");
    Ok(parent.join(history).join(HISTORY_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_as_fractions_or_percentages() {
        assert_eq!(parse_rate("0.995"), Ok(0.995));
        assert_eq!(parse_rate("99.5%"), Ok(0.995));
        assert_eq!(parse_rate("99.9%"), Ok(999.0 / 1000.0));
        assert!(parse_rate("1.5").is_err());
        assert!(parse_rate("abc").is_err());
    }

    #[test]
    fn delimiters() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
    }

    #[test]
    fn config_file_maps_columns_and_rejects_unknown_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "id_format = \"any\"\n[participants.columns]\nfull_name = [\"HO\", \"TEN\"]\ndob = \"NS\"\n",
        )
        .unwrap();
        let config = FileConfig::load(&path).unwrap();
        assert_eq!(config.id_format, Some(IdFormat::Any));
        let sources = config.participants.sources(&PARTICIPANTS);
        let full_name = PARTICIPANTS.index_of("full_name").unwrap();
        assert_eq!(
            sources[full_name],
            vec!["HO".to_string(), "TEN".to_string()]
        );
        assert_eq!(sources[0], vec!["insurance_code".to_string()]);

        std::fs::write(&path, "[participants.columns]\nfullname = \"X\"\n").unwrap();
        let err = FileConfig::load(&path).unwrap_err().to_string();
        assert!(err.contains("fullname") && err.contains("c.toml"), "{err}");
    }
}
