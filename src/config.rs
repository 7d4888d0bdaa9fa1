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
use crate::input::schema::{Schema, PARTICIPANTS, REGISTER};
use crate::input::{InputSpec, ReadOptions};
use crate::matching::Thresholds;
use crate::normalize::IdFormat;
use crate::province::ProvinceTable;
use crate::register::load::LoadOptions;
use crate::register::Register;
use crate::report::changes::Previous;
use crate::report::finalize::Style;
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
    #[serde(default)]
    pub(crate) participants: SideConfig,
    #[serde(default)]
    pub(crate) register: SideConfig,
    /// Decision thresholds (bits of evidence); see [`Thresholds`] for the defaults.
    #[serde(default)]
    pub(crate) thresholds: Thresholds,
}

/// The `[participants]` or `[register]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SideConfig {
    #[serde(default)]
    pub(crate) columns: BTreeMap<String, ColumnSource>,
}

/// A canonical column's source: one column, or several joined with a space.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum ColumnSource {
    One(String),
    Joined(Vec<String>),
}

impl ColumnSource {
    pub(crate) fn names(&self) -> Vec<String> {
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
        Ok(config)
    }
}

impl SideConfig {
    fn check(&self, path: &Path, side: &str, schema: &Schema) -> Result<()> {
        for (column, source) in &self.columns {
            if schema.index_of(column).is_none() {
                let known: Vec<&str> = schema.columns.iter().map(|c| c.name).collect();
                return Err(Error::config(
                    path,
                    format!(
                        "[{side}.columns] has no canonical column `{column}` (known: {})",
                        known.join(", ")
                    ),
                ));
            }
            if source.names().is_empty() || source.names().iter().any(|n| n.trim().is_empty()) {
                return Err(Error::config(
                    path,
                    format!("[{side}.columns] `{column}` names an empty source column"),
                ));
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
}

/// Everything `popsync reconcile` needs, validated.
#[derive(Debug, Clone)]
pub(crate) struct ReconcileConfig {
    pub(crate) participants: PathBuf,
    pub(crate) register: PathBuf,
    pub(crate) out: PathBuf,
    pub(crate) config_file: Option<PathBuf>,
    pub(crate) delimiter: u8,
    pub(crate) id_format: IdFormat,
    /// Source columns per canonical participants column (see [`PARTICIPANTS`]).
    pub(crate) participant_sources: Vec<Vec<String>>,
    /// Source columns per canonical register column (see [`REGISTER`]).
    pub(crate) register_sources: Vec<Vec<String>>,
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
    /// No terminal summary, no progress bars.
    pub(crate) quiet: bool,
    /// Print the time per stage on standard error.
    pub(crate) timings: bool,
    /// The previous run's output folder (`None`: the set published in `out`).
    pub(crate) previous: Option<PathBuf>,
    /// Report no changes since a previous run.
    pub(crate) no_previous: bool,
    /// Earlier sets kept in the history.
    pub(crate) keep: usize,
    /// Personal IDs shown by their last 4 digits in auditor-facing files.
    pub(crate) mask_ids: bool,
    /// Unix permissions of the output files.
    pub(crate) output_mode: u32,
    /// The inputs' encoding (`None`: detect).
    pub(crate) encoding: Option<crate::input::encoding::Encoding>,
    /// Memory the run may use (`None`: what the system has available).
    pub(crate) memory_limit: Option<u64>,
    /// How log lines on standard error are written.
    pub(crate) log_format: crate::log::LogFormat,
}

impl ReconcileConfig {
    /// How both input files are read.
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            delimiter: self.delimiter,
            encoding: self.encoding,
        }
    }

    /// The participants file.
    pub(crate) fn participants_input(&self) -> InputSpec {
        InputSpec {
            path: self.participants.clone(),
            options: self.read_options(),
            schema: &PARTICIPANTS,
            sources: self.participant_sources.clone(),
            other: (&REGISTER, self.register_sources.clone()),
        }
    }

    /// The register file.
    pub(crate) fn register_input(&self) -> InputSpec {
        InputSpec {
            path: self.register.clone(),
            options: self.read_options(),
            schema: &REGISTER,
            sources: self.register_sources.clone(),
            other: (&PARTICIPANTS, self.participant_sources.clone()),
        }
    }

    /// The output folder, locked for this run, with the run's work folder beside it.
    pub(crate) fn output_dir(&self) -> Result<OutputDir> {
        OutputDir::prepare(&self.out, self.output_mode, self.keep, &RECONCILE_FILES)
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
    /// previous run's results.csv (`previous_bytes`) is held as statuses by code.
    pub(crate) fn check_memory(
        &self,
        register_bytes: u64,
        participants_bytes: u64,
        previous_bytes: u64,
    ) -> Result<()> {
        let Some(limit) = self.memory_limit.or_else(resources::available_memory) else {
            return Ok(());
        };
        let needed = resources::estimate_peak(register_bytes, participants_bytes)
            .saturating_add(previous_bytes);
        if needed <= limit {
            return Ok(());
        }
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
            delimiter: self.delimiter,
            provinces_file: self.provinces_file.as_deref(),
            participant_sources: &self.participant_sources,
            register_sources: &self.register_sources,
            min_sync_rate: self.min_sync_rate,
            thresholds: &self.thresholds,
            provinces: &self.provinces,
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
