//! `popsync reconcile`: participants and register in, the report folder out.
//!
//! The stages run in this order, each failing before the next starts:
//! 1. check the output folder is writable and both headers map (no work is wasted on a run that
//!    cannot finish);
//! 2. load the register ([`crate::register::load`]);
//! 3. stream the participants in chunks: read on one thread, normalize + match + format in
//!    parallel, write in input order ([`process_chunk`]);
//! 4. add the whole-file flags and write the final files ([`crate::report::finalize`]);
//! 5. rename everything into place, print the summary, choose the exit code.

use std::io::Write;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::cli::ReconcileArgs;
use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::input::schema::{participant as col, PARTICIPANTS, REGISTER};
use crate::input::{FieldError, InputFile, Reject, Row};
use crate::log::{self, LogFormat};
use crate::matching::id_evidence::{IdEvidence, IdTally};
use crate::matching::weights::{self, LinkedElsewhere, Weights};
use crate::matching::{
    match_by_id, search_for, ByIdOutcome, Model, NameBuffers, Outcome, PendingSearch,
    RegisterIndexes, Status,
};
use crate::normalize::date::DateField;
use crate::normalize::participant::Participant;
use crate::normalize::{Gender, NameForms, ParsedId};
use crate::register::load::InputInfo;
use crate::register::PersonIdx;
use crate::register::{self, Register};
use crate::report::changes::PreviousRun;
use crate::report::finalize::{self, code_key, Intermediate, LinkLog, Searched, Style, NO_PERSON};
use crate::report::html::{self, HtmlInput, Sample};
use crate::report::manifest;
use crate::report::output::{OutputDir, UTF8_BOM};
use crate::report::progress::Progress;
use crate::report::rows::{self, Given, RowWriter};
use crate::report::stats::Stats;
use crate::report::{rejects, summary, terminal};
use crate::resources;
use crate::timings::{Stage, Timings};

pub(crate) fn run(args: ReconcileArgs, log_format: LogFormat) -> Result<ExitCode> {
    let mut config = args.into_config()?;
    config.log_format = log_format;
    reconcile(&config)
}

/// Runs a reconciliation with a validated configuration.
pub(crate) fn reconcile(config: &ReconcileConfig) -> Result<ExitCode> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let timings = Timings::default();
    let out = OutputDir::prepare(&config.out, config.output_mode)?;
    let previous = config
        .previous
        .as_deref()
        .map(PreviousRun::load)
        .transpose()?;
    let hashing = manifest::hash_inputs(config);
    let register_file = register::load::open(config)?;
    let participants_file = open_participants(config)?;
    check_memory(config, register_file.size, participants_file.size)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .map_err(|e| Error::other(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    pool.install(|| -> Result<ExitCode> {
        let progress = Progress::bytes(!config.quiet, register_file.size, "register");
        let (register, register_rejects, register_info) = timings.phase("register", || {
            register::load::load(register_file, config, &progress, &timings)
        })?;
        progress.finish();
        let (indexes, weights) = timings.phase("index", || {
            rayon::join(
                || timings.time(Stage::Index, || RegisterIndexes::build(&register)),
                || estimate_weights(config, &register, &timings),
            )
        });
        let (weights, sample) = weights?;
        let thresholds = config.thresholds.for_register(register.len());
        // What a searched row's ID says needs the blocking index (see `IdEvidence`); it is
        // estimated before the search, from these counts and those of the searched rows.
        let id_sample = timings.time(Stage::Index, || {
            IdTally::of_rows(&sample, &indexes.model(&register, &weights, &thresholds))
        });
        drop(sample);
        let model = Model {
            exhaustive: config.exhaustive_search,
            ..indexes.model(&register, &weights, &thresholds)
        };

        let mut rejects_file = out.create("rejects.csv")?;
        if config.excel {
            rejects_file
                .write_all(UTF8_BOM)
                .map_err(|e| Error::io(rejects_file.path(), e))?;
        }
        let mut header = csv::Writer::from_writer(Vec::new());
        rejects::write_header(&mut header).map_err(|e| Error::other(e.to_string()))?;
        let header = header
            .into_inner()
            .map_err(|e| Error::other(e.to_string()))?;
        rejects_file
            .write_all(&header)
            .map_err(|e| Error::io(rejects_file.path(), e))?;
        rejects::append(&mut rejects_file, &register_rejects)?;

        let pass = stream_participants(
            participants_file,
            config,
            (&model, &id_sample),
            &out,
            &mut rejects_file,
            &timings,
        )?;
        let FirstPass {
            mut stats,
            log,
            linked,
            weights,
            intermediate,
            info,
            rejected,
        } = pass;
        let style = Style {
            excel: config.excel,
            mask_ids: config.mask_ids,
        };
        let (mut finished, changes) = timings.phase("outputs", || {
            timings.time(Stage::Write, || {
                finalize::write_final(
                    &out,
                    style,
                    &intermediate,
                    &log,
                    &register,
                    &mut stats,
                    previous.as_ref(),
                )
            })
        })?;
        let writing_reports = Instant::now();
        finished.push(rejects_file.finish()?);

        let finished_at = SystemTime::now();
        let mut summary = summary::build(&summary::SummaryInput {
            config,
            stats: &stats,
            participants: &info,
            participants_rejected: rejected,
            register: &register_info,
            register_stats: &register.stats,
            started,
            finished: finished_at,
            threads,
            weights: &weights,
            linked: &linked,
            thresholds: &thresholds,
        });
        if let Some(previous) = &previous {
            summary["changes"] =
                summary::changes_json(&summary, previous.summary.as_ref(), &changes);
        }
        timings.add(Stage::Write, writing_reports.elapsed());
        summary["timings"] = timings.to_json(clock.elapsed());
        let writing_reports = Instant::now();
        let hashes = hashing
            .join()
            .map_err(|_| Error::other("the input hashing thread panicked"))??;
        finished.push(write_json(&out, "summary.json", &summary)?);
        finished.push(write_json(
            &out,
            "manifest.json",
            &manifest::build(config, &hashes, &summary),
        )?);
        let mut page = out.create("report.html")?;
        let html = html::render(&HtmlInput {
            summary: &summary,
            samples: &stats.samples,
            previous: previous.as_ref().and_then(|p| p.summary.as_ref()),
        });
        page.write_all(html.as_bytes())
            .map_err(|e| Error::io(page.path(), e))?;
        finished.push(page.finish()?);

        out.commit(finished)?;
        timings.add(Stage::Write, writing_reports.elapsed());
        if config.timings {
            let stderr = std::io::stderr();
            timings
                .print(&mut stderr.lock(), clock.elapsed())
                .map_err(|e| Error::io("<standard error>", e))?;
        }

        let total = stats.total;
        // In text mode the summary table says this; log collectors get one JSON line.
        if config.log_format == LogFormat::Json {
            log::line(
                config.log_format,
                "info",
                "done",
                &format!(
                    "{} of {} participants synchronized ({}); outputs in {}",
                    terminal::thousands(total.synced),
                    terminal::thousands(total.participants),
                    terminal::percent(total.sync_rate()),
                    out.path().display()
                ),
                serde_json::json!({
                    "participants": total.participants,
                    "synced": total.synced,
                    "sync_rate": total.sync_rate(),
                    "linked": total.linked,
                    "rejected": rejected,
                    "elapsed_seconds": clock.elapsed().as_secs_f64(),
                    "out": out.path().display().to_string(),
                }),
            );
        }
        if !config.quiet && config.log_format == LogFormat::Text {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            terminal::print(&mut lock, &stats, out.path(), clock.elapsed().as_secs_f64())
                .map_err(|e| Error::io("<standard output>", e))?;
        }
        let below = config
            .min_sync_rate
            .is_some_and(|min| stats.total.sync_rate().unwrap_or(0.0) < min);
        Ok(if below {
            ExitCode::BelowMinSyncRate
        } else {
            ExitCode::Done
        })
    })
}

struct FirstPass {
    stats: Stats,
    log: LinkLog,
    linked: LinkedElsewhere,
    /// The weights the search used (with the ID evidence of the searched rows).
    weights: Weights,
    intermediate: Intermediate,
    info: InputInfo,
    rejected: u64,
}

/// Rows the ID path left to the search read for the ID evidence, at most (evenly spaced): at
/// 100M about one in 13 (the search phase, this included, took 4.1 s at 10M and 85.1 s at 100M
/// in the benchmark, as before it within the noise).
const SEARCHED_SAMPLE_ROWS: usize = 400_000;

fn stream_participants(
    file: InputFile,
    config: &ReconcileConfig,
    (model, id_sample): (&Model<'_>, &IdTally),
    out: &OutputDir,
    rejects_file: &mut crate::report::output::PendingFile,
    timings: &Timings,
) -> Result<FirstPass> {
    let mapping = file.mapping.clone();
    let info_path = file.path.display().to_string();
    let size = file.size;
    let encoding = file.encoding.as_str();
    let progress = Progress::bytes(!config.quiet, size, "participants");
    let mut results_part = out.scratch()?;
    let mismatches_part = out.scratch()?;
    let mismatches_file = mismatches_part
        .as_file()
        .try_clone()
        .map_err(|e| Error::io(out.path(), e))?;
    let mut rows = 0u64;
    let mut chunks = file.into_chunks(config.chunk_rows);
    let context = Context {
        config,
        model,
        register: model.register,
        mapping: &mapping,
        timings,
    };
    // A chunk's parts are written on a thread of their own (why: written between chunks, the
    // copying and the write calls left both matching threads idle, ~1 GB at 10M rows); one
    // chunk may wait to be written while the next is matched.
    let (to_writer, parts) = std::sync::mpsc::sync_channel::<WrittenChunk>(1);
    let results_file = results_part.as_file_mut();
    let collected = std::thread::scope(|scope| {
        let writer = scope.spawn(move || {
            write_parts(
                parts,
                results_file,
                mismatches_file,
                rejects_file,
                out,
                size,
                timings,
            )
        });
        timings.phase("participants", || -> Result<Collected> {
            while let Some(chunk) = chunks.next_chunk() {
                timings.add(Stage::Read, chunk.parse_time);
                let parts = process_chunk(&context, &chunk.records, &chunk.lines, rows);
                rows += chunk.records.len() as u64;
                let written = WrittenChunk {
                    parts,
                    rows,
                    bytes_read: chunk.bytes_read,
                };
                progress.set(chunk.bytes_read);
                chunks.recycle(chunk);
                if to_writer.send(written).is_err() {
                    break; // the writer failed: its error is reported below
                }
            }
            drop(to_writer);
            let collected = writer
                .join()
                .map_err(|_| Error::other("the output writer stopped unexpectedly"))??;
            chunks.finish()?;
            Ok(collected)
        })
    })?;
    progress.finish();
    let Collected {
        mut stats,
        mut log,
        rejected,
        deferred,
    } = collected;

    // Every ID link is known now: search the rows the ID path could not link, with the one-
    // to-one evidence and the ID evidence estimated again on up to SEARCHED_SAMPLE_ROWS of
    // them, spread over the file.
    let linked = LinkedElsewhere::estimate(&log.links, model.register.len());
    let (deferred, weights) = timings.phase("search", || {
        let searched = timings.time(Stage::Index, || {
            let step = deferred.len().div_ceil(SEARCHED_SAMPLE_ROWS).max(1);
            let rows: Vec<(Participant, Option<PersonIdx>)> = (deferred.par_iter().step_by(step))
                .map(|d| (normalize(&d.given(), config), d.pending.other.map(|o| o.0)))
                .collect();
            IdTally::of_searched(&rows, model)
        });
        let weights = Weights {
            id_evidence: IdEvidence::estimate(id_sample, &searched),
            ..model.weights.clone()
        };
        let searching = Model {
            linked: Some(&linked),
            weights: &weights,
            ..*model
        };
        let context = Context {
            model: &searching,
            ..context
        };
        search_deferred(&context, deferred, out, &mut log, &mut stats).map(|d| (d, weights))
    })?;
    Ok(FirstPass {
        stats,
        log,
        linked,
        weights,
        intermediate: Intermediate {
            results: results_part,
            mismatches: mismatches_part,
            searched: deferred,
        },
        info: InputInfo {
            path: info_path,
            bytes: size,
            rows,
            encoding,
        },
        rejected,
    })
}

/// A chunk's formatted parts, for the writer thread.
struct WrittenChunk {
    parts: Vec<Part>,
    /// Rows read so far, this chunk's included.
    rows: u64,
    bytes_read: u64,
}

/// What the writer thread gathered from every part.
struct Collected {
    stats: Stats,
    log: LinkLog,
    rejected: u64,
    deferred: Vec<Deferred>,
}

/// Writes the parts of each chunk, in the order they come, to the scratch results and
/// mismatches files and rejects.csv, and gathers their counts, links and searches.
fn write_parts(
    chunks: std::sync::mpsc::Receiver<WrittenChunk>,
    results_file: &mut std::fs::File,
    mismatches_file: std::fs::File,
    rejects_file: &mut crate::report::output::PendingFile,
    out: &OutputDir,
    size: u64,
    timings: &Timings,
) -> Result<Collected> {
    let mut results_w = std::io::BufWriter::with_capacity(1 << 20, results_file);
    let mut mismatches_w = std::io::BufWriter::with_capacity(1 << 20, mismatches_file);
    let mut collected = Collected {
        stats: Stats::default(),
        log: LinkLog::default(),
        rejected: 0,
        deferred: Vec::new(),
    };
    let write_err = |name: &str, e: std::io::Error| Error::io(out.path().join(name), e);
    let mut first_chunk = true;
    for chunk in chunks {
        let writing = Instant::now();
        for part in chunk.parts {
            results_w
                .write_all(&part.results)
                .map_err(|e| write_err("results.csv", e))?;
            mismatches_w
                .write_all(&part.mismatches)
                .map_err(|e| write_err("mismatches.csv", e))?;
            collected.rejected += part.rejects.len() as u64;
            rejects::append(rejects_file, &part.rejects)?;
            collected.stats.merge(part.stats);
            collected.log.extend(part.log);
            collected.deferred.extend(part.deferred);
        }
        if std::mem::take(&mut first_chunk) {
            // The first chunk tells the bytes per row.
            let expected = crate::input::expected_rows(chunk.rows as usize, chunk.bytes_read, size);
            let log = &mut collected.log;
            log.reserve(expected.saturating_sub(log.links.len()));
        }
        timings.add(Stage::Write, writing.elapsed());
    }
    let flush_err = |e: std::io::Error| Error::io(out.path(), e);
    results_w.flush().map_err(flush_err)?;
    mismatches_w.flush().map_err(flush_err)?;
    Ok(collected)
}

/// What every worker needs, shared read-only.
struct Context<'a> {
    config: &'a ReconcileConfig,
    model: &'a Model<'a>,
    register: &'a Register,
    mapping: &'a crate::input::Mapping,
    timings: &'a Timings,
}

/// The formatted output of a run of consecutive rows.
#[derive(Default)]
struct Part {
    results: Vec<u8>,
    mismatches: Vec<u8>,
    rejects: Vec<Reject>,
    stats: Stats,
    log: LinkLog,
    deferred: Vec<Deferred>,
}

/// Rows whose ID lookups are requested from memory together: enough to overlap the waits, few
/// enough that what they bring stays in the cache until used.
const PREFETCH_ROWS: usize = 64;

/// Rows per parallel task: large enough that a task's overhead is noise, small enough that two
/// cores stay balanced within a chunk.
const ROWS_PER_TASK: usize = 2048;

/// Normalizes, matches and formats a chunk of rows in parallel; the parts come back in row
/// order, so the output is the same for any thread count.
fn process_chunk(
    context: &Context<'_>,
    records: &[csv::ByteRecord],
    lines: &[u64],
    first_row: u64,
) -> Vec<Part> {
    records
        .par_chunks(ROWS_PER_TASK)
        .zip(lines.par_chunks(ROWS_PER_TASK))
        .enumerate()
        .map(|(task, (records, lines))| {
            let first = first_row + (task * ROWS_PER_TASK) as u64;
            process_rows(context, records, lines, first)
        })
        .collect()
}

fn process_rows(
    context: &Context<'_>,
    records: &[csv::ByteRecord],
    lines: &[u64],
    first_row: u64,
) -> Part {
    let config = context.config;
    let timings = context.timings;
    let mut part = Part::default();

    // The stages run one after another over the task's rows, so that each is timed with two
    // clock reads per task instead of per row.
    let read: Vec<ReadRow<'_>> = timings.time(Stage::Normalize, || {
        records
            .iter()
            .zip(lines)
            .map(|(record, &line)| {
                let row = Row::new(line, record, context.mapping);
                match read_given(&row) {
                    Ok(given) => {
                        let participant = normalize(&given, config);
                        ReadRow::Read(given, participant)
                    }
                    Err(error) => {
                        let given = Given {
                            line,
                            fields: (0..PARTICIPANTS.columns.len())
                                .map(|c| row.field_lossy(c).into())
                                .collect(),
                        };
                        let detail = error.message.clone();
                        part.rejects.push(Reject::new(
                            PARTICIPANTS.role,
                            &row,
                            error,
                            config.delimiter,
                        ));
                        ReadRow::Rejected(given, detail)
                    }
                }
            })
            .collect()
    });
    let matched: Vec<Option<ByIdOutcome>> = timings.time(Stage::Match, || {
        let mut buffers = NameBuffers::default();
        let mut ids = Vec::with_capacity(PREFETCH_ROWS);
        read.chunks(PREFETCH_ROWS)
            .flat_map(|rows| {
                ids.clear();
                ids.extend(rows.iter().filter_map(|row| match row {
                    ReadRow::Read(_, p) => p.id.cccd(),
                    ReadRow::Rejected(..) => None,
                }));
                context.register.prefetch_id_holders(&ids);
                rows.iter()
                    .map(|row| match row {
                        ReadRow::Read(_, participant) => {
                            Some(match_by_id(participant, context.model, &mut buffers))
                        }
                        ReadRow::Rejected(..) => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    timings.time(Stage::Write, || {
        let mut out = RowWriter::with_capacity(records.len() * 64);
        for (i, (row, matched)) in read.into_iter().zip(matched).enumerate() {
            let index = first_row + i as u64;
            let (given, outcome, detail) = match (row, matched) {
                (ReadRow::Read(given, _), Some(ByIdOutcome::Linked(outcome))) => {
                    (given, outcome, String::new())
                }
                (ReadRow::Read(given, _), Some(ByIdOutcome::Search(pending))) => {
                    // Searched once every ID link is known (the one-to-one evidence): keep the
                    // row, and hold its place in results.csv.
                    part.log.links.push(NO_PERSON);
                    part.log.keys.push(code_key(given.get(col::INSURANCE_CODE)));
                    let placeholder = Outcome::not_found(pending.id_reasons);
                    out.write_result(&given, &placeholder, context.register)
                        .expect("writing to memory");
                    part.deferred.push(Deferred::new(index, &given, pending));
                    continue;
                }
                (ReadRow::Rejected(given, detail), _) => (given, Outcome::rejected(), detail),
                (ReadRow::Read(..), None) => unreachable!("every read row is matched"),
            };
            part.log.links.push(outcome.person.unwrap_or(NO_PERSON));
            part.log.keys.push(code_key(given.get(col::INSURANCE_CODE)));
            emit(
                context,
                &mut part.stats,
                &mut out,
                index,
                &given,
                &outcome,
                &detail,
            );
        }
        part.results = out.results.into_inner().expect("writing to memory");
        part.mismatches = out.mismatches.into_inner().expect("writing to memory");
    });
    part
}

/// A participant row after the normalize stage.
enum ReadRow<'a> {
    Read(Given<'a>, Participant),
    /// The row could not be read: its fields as far as they go, and why.
    Rejected(Given<'static>, String),
}

/// Counts a decided row and writes its results.csv row (and mismatches.csv row when it is not
/// SYNCED).
fn emit(
    context: &Context<'_>,
    stats: &mut Stats,
    out: &mut RowWriter,
    index: u64,
    given: &Given<'_>,
    outcome: &Outcome,
    detail: &str,
) {
    let config = context.config;
    let province = config.provinces.classify(given.get(col::PROVINCE_CODE));
    stats.record_capped(outcome.capped_blocks);
    stats.sample(
        || Sample {
            status: outcome.status.as_str(),
            line: given.line,
            insurance_code: given.get(col::INSURANCE_CODE).trim().to_string(),
            name: given.get(col::FULL_NAME).to_string(),
            reasons: outcome.reasons.to_string(),
            person_id: rows::shown_id(
                &outcome
                    .person
                    .map(|p| context.register.person_id(p))
                    .unwrap_or_default(),
                config.mask_ids,
            )
            .into_owned(),
        },
        outcome.status,
    );
    stats.record(
        outcome.status,
        outcome.reasons,
        province,
        given.get(col::SCHEME).trim(),
    );
    // Writing to a Vec cannot fail.
    out.write_result(given, outcome, context.register)
        .expect("writing to memory");
    if outcome.status != Status::Synced {
        out.write_mismatch(
            index,
            given,
            outcome,
            context.register,
            &config.provinces,
            province,
            detail,
            config.mask_ids,
        )
        .expect("writing to memory");
    }
}

/// A row left for the candidate search, with its fields (owned: the chunk it came from is
/// reused). About one row in twelve, held until every ID link is known: the fields are packed
/// into one string with their ends (~200 bytes a row, where a string per field took twice
/// that: gigabytes at 100M rows).
struct Deferred {
    index: u64,
    line: u64,
    text: Box<str>,
    ends: [u32; PARTICIPANT_FIELDS],
    pending: PendingSearch,
}

const PARTICIPANT_FIELDS: usize = 7;
const _: () = assert!(PARTICIPANTS.columns.len() == PARTICIPANT_FIELDS);

impl Deferred {
    fn new(index: u64, given: &Given<'_>, pending: PendingSearch) -> Deferred {
        let mut text = String::with_capacity(given.fields.iter().map(|f| f.len()).sum());
        let mut ends = [0u32; PARTICIPANT_FIELDS];
        for (end, field) in ends.iter_mut().zip(&given.fields) {
            text.push_str(field);
            *end = text.len() as u32;
        }
        Deferred {
            index,
            line: given.line,
            text: text.into_boxed_str(),
            ends,
            pending,
        }
    }

    fn given(&self) -> Given<'_> {
        let mut start = 0;
        let fields = self
            .ends
            .iter()
            .map(|&end| {
                let field = &self.text[start..end as usize];
                start = end as usize;
                std::borrow::Cow::Borrowed(field)
            })
            .collect();
        Given {
            line: self.line,
            fields,
        }
    }
}

/// Searches the deferred rows in parallel, in row order, with the one-to-one evidence, and
/// writes their final rows to scratch files for the finalize pass; links and counts go into
/// `log` and `stats`. Rows go in batches, so only one batch's output is in memory at a time.
fn search_deferred(
    context: &Context<'_>,
    deferred: Vec<Deferred>,
    out: &OutputDir,
    log: &mut LinkLog,
    stats: &mut Stats,
) -> Result<Searched> {
    const BATCH: usize = 1 << 16;
    let timings = context.timings;
    let results = out.scratch()?;
    let mismatches = out.scratch()?;
    let write_err = |e: std::io::Error| Error::io(out.path(), e);
    let mut results_w = std::io::BufWriter::with_capacity(
        1 << 20,
        results.as_file().try_clone().map_err(write_err)?,
    );
    let mut mismatches_w = std::io::BufWriter::with_capacity(
        1 << 20,
        mismatches.as_file().try_clone().map_err(write_err)?,
    );
    for batch in deferred.chunks(BATCH) {
        let parts: Vec<(RowWriter, Vec<Option<PersonIdx>>, Stats)> = batch
            .par_chunks(ROWS_PER_TASK / 8)
            .map(|rows| {
                // Each row's fields unpacked once, for normalizing and for writing.
                let givens: Vec<Given<'_>> = rows.iter().map(Deferred::given).collect();
                let participants: Vec<Participant> = timings.time(Stage::Normalize, || {
                    givens
                        .iter()
                        .map(|given| normalize(given, context.config))
                        .collect()
                });
                let outcomes: Vec<Outcome> = timings.time(Stage::Match, || {
                    let mut buffers = NameBuffers::default();
                    rows.iter()
                        .zip(&participants)
                        .map(|(d, p)| search_for(p, &d.pending, context.model, &mut buffers))
                        .collect()
                });
                timings.time(Stage::Write, || {
                    let mut out = RowWriter::with_capacity(rows.len() * 64);
                    let mut stats = Stats::default();
                    let persons = rows
                        .iter()
                        .zip(&givens)
                        .zip(outcomes)
                        .map(|((d, given), outcome)| {
                            emit(context, &mut stats, &mut out, d.index, given, &outcome, "");
                            outcome.person
                        })
                        .collect();
                    (out, persons, stats)
                })
            })
            .collect();
        let merging = Instant::now();
        let mut at = batch.iter();
        for (part, part_persons, part_stats) in parts {
            results_w
                .write_all(&part.results.into_inner().expect("writing to memory"))
                .map_err(write_err)?;
            mismatches_w
                .write_all(&part.mismatches.into_inner().expect("writing to memory"))
                .map_err(write_err)?;
            // The part's persons lead the zip: it stops at their end without taking a row.
            for (person, d) in part_persons.into_iter().zip(at.by_ref()) {
                log.links[d.index as usize] = person.unwrap_or(NO_PERSON);
            }
            stats.merge(part_stats);
        }
        timings.add(Stage::Write, merging.elapsed());
    }
    results_w.flush().map_err(write_err)?;
    mismatches_w.flush().map_err(write_err)?;
    Ok(Searched {
        indexes: deferred.iter().map(|d| d.index).collect(),
        results,
        mismatches,
    })
}

/// Reads a participant row's canonical fields; a row that is ragged, has invalid UTF-8 in a
/// field popsync reads, or has no insurance code cannot be read.
fn read_given<'a>(row: &Row<'a>) -> Result<Given<'a>, FieldError> {
    row.check_width()?;
    let fields = (0..PARTICIPANTS.columns.len())
        .map(|c| row.field(c))
        .collect::<Result<Vec<_>, _>>()?;
    if fields[col::INSURANCE_CODE].trim().is_empty() {
        return Err(FieldError {
            column: Some("insurance_code"),
            message: "insurance_code is empty".into(),
        });
    }
    Ok(Given {
        line: row.line,
        fields,
    })
}

fn normalize(given: &Given<'_>, config: &ReconcileConfig) -> Participant {
    Participant {
        id: ParsedId::parse(given.get(col::PERSON_ID), config.id_format),
        name: NameForms::new(given.get(col::FULL_NAME)),
        dob: DateField::parse(given.get(col::DOB)),
        gender: Gender::parse(given.get(col::GENDER)),
        province: config
            .provinces
            .place_of(config.provinces.classify(given.get(col::PROVINCE_CODE))),
    }
}

/// Opens the participants file and checks its header.
fn open_participants(config: &ReconcileConfig) -> Result<InputFile> {
    InputFile::open(
        &config.participants,
        &config.read_options(),
        &PARTICIPANTS,
        &config.participant_sources,
        (&REGISTER, &config.register_sources),
    )
}

/// Fails before any work when the run would need more memory than it may use.
fn check_memory(
    config: &ReconcileConfig,
    register_bytes: u64,
    participants_bytes: u64,
) -> Result<()> {
    let Some(limit) = config.memory_limit.or_else(resources::available_memory) else {
        return Ok(());
    };
    let needed = resources::estimate_peak(register_bytes, participants_bytes);
    if needed <= limit {
        return Ok(());
    }
    Err(Error::config(
        &config.register,
        format!(
            "a register of {} with {} of participants needs about {} of memory, and {} is available{}; \
             run on a machine with more memory or split the register",
            resources::human(register_bytes),
            resources::human(participants_bytes),
            resources::human(needed),
            resources::human(limit),
            if config.memory_limit.is_some() { " (--memory-limit)" } else { "" },
        ),
    ))
}

/// Writes a JSON output file (pretty, with a final newline).
fn write_json(
    out: &OutputDir,
    name: &'static str,
    value: &serde_json::Value,
) -> Result<crate::report::output::FinishedFile> {
    let mut file = out.create(name)?;
    serde_json::to_writer_pretty(&mut file, value).map_err(|e| Error::io(file.path(), e.into()))?;
    file.write_all(b"\n")
        .map_err(|e| Error::io(file.path(), e))?;
    file.finish()
}

/// Estimates the model's weights: `m` from the first participants (read once more, up to
/// [`weights::M_SAMPLE_ROWS`]), `u` and the ID-typo share from the register. The sample is
/// returned for the [`IdEvidence`], which needs the blocking index.
fn estimate_weights(
    config: &ReconcileConfig,
    register: &Register,
    timings: &Timings,
) -> Result<(Weights, Vec<Participant>)> {
    let started = Instant::now();
    let mut parsing = std::time::Duration::ZERO;
    let file = open_participants(config)?;
    let mapping = file.mapping.clone();
    let mut chunks = file.into_chunks(weights::M_SAMPLE_ROWS.min(config.chunk_rows.max(1024)));
    let mut sample: Vec<Participant> = Vec::new();
    while let Some(chunk) = chunks.next_chunk() {
        parsing += chunk.parse_time;
        for (record, &line) in chunk.records.iter().zip(&chunk.lines) {
            if sample.len() == weights::M_SAMPLE_ROWS {
                break;
            }
            let row = Row::new(line, record, &mapping);
            if let Ok(given) = read_given(&row) {
                sample.push(normalize(&given, config));
            }
        }
        chunks.recycle(chunk);
        if sample.len() == weights::M_SAMPLE_ROWS {
            break;
        }
    }
    drop(chunks); // Stops the reader thread: the rest of the file is not needed.
    let weights = Weights::estimate_from(&sample, register);
    // The sample's parsing is reading; normalizing and counting it is building the model.
    timings.add(Stage::Read, parsing);
    timings.add(Stage::Index, started.elapsed().saturating_sub(parsing));
    Ok((weights, sample))
}
