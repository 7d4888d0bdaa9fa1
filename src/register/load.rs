//! Reading the register file into a [`Register`].

use rayon::prelude::*;

use super::build::{NewPerson, RegisterBuilder, RegisterId};
use super::Register;
use crate::error::Result;
use crate::input::schema::{register as col, REGISTER};
use crate::input::{ChunkReader, FieldError, InputFile, InputInfo, InputSpec, Reject, Row};
use crate::normalize::date::{DateField, DateOrder};
use crate::normalize::id::{digits_of, parse_old_id, parse_register_cccd};
use crate::normalize::profile::{name_is_readable, Profile};
use crate::normalize::status::LifeStatus;
use crate::normalize::{name, Gender, IdFormat};
use crate::progress::Progress;
use crate::province::ProvinceTable;
use crate::timings::{Stage, Timings};

/// Rows per parallel normalization task: enough that timing a task costs nothing.
const ROWS_PER_TASK: usize = 1024;

/// A chunk's rows, normalized: a person or a reject each, in file order, and the data-quality
/// counts of each task's rows.
type Parsed = (
    Vec<std::result::Result<(NewPerson, RowNotes), Reject>>,
    Vec<Profile>,
);

/// How register rows become persons.
pub(crate) struct LoadOptions<'a> {
    pub(crate) id_format: IdFormat,
    pub(crate) provinces: &'a ProvinceTable,
    /// Rows per chunk read from the file.
    pub(crate) chunk_rows: usize,
    /// How three-part dates are ordered.
    pub(crate) dates: DateOrder,
}

/// What loading the register gives besides the register.
pub(crate) struct Loaded {
    pub(crate) register: Register,
    /// The rows that could not be read, in line order.
    pub(crate) rejects: Vec<Reject>,
    pub(crate) info: InputInfo,
    /// The data-quality counts of the register's columns.
    pub(crate) profile: Profile,
}

/// Reads every row of the register from `chunks` (opened from `spec`). Rows whose ID cannot
/// be read, or whose ID an earlier row holds, are returned as rejects; every other row becomes
/// a person.
pub(crate) fn load(
    spec: &InputSpec,
    mut chunks: ChunkReader,
    options: &LoadOptions<'_>,
    progress: &Progress,
    timings: &Timings,
) -> Result<Loaded> {
    let mapping = chunks.mapping().clone();
    let delimiter = chunks.delimiter();
    let mut profile = Profile::new(&mapping.names, &mapping.source_names);
    let mut builder = RegisterBuilder::new();
    let mut rejects = Vec::new();
    let mut rows = 0u64;
    let mut ignored_old_ids = 0u64;
    let mut invalid_dob = 0u64;
    let parse = |chunk: &crate::input::Chunk| -> Parsed {
        let tasks: Vec<(Vec<_>, Profile)> = (chunk.ranges(ROWS_PER_TASK))
            .into_par_iter()
            .map(|rows| {
                timings.time(Stage::Normalize, || {
                    let mut profile = Profile::new(&mapping.names, &mapping.source_names);
                    let persons = chunk
                        .rows(rows)
                        .map(|(record, line)| {
                            let row = Row::new(line, record, &mapping);
                            read_person(&row, options, &mut profile)
                                .map_err(|e| Reject::new(REGISTER.role, &row, e, delimiter))
                        })
                        .collect::<Vec<_>>();
                    (persons, profile)
                })
            })
            .collect();
        let mut persons = Vec::with_capacity(chunk.len());
        let mut profiles = Vec::with_capacity(tasks.len());
        for (task, profile) in tasks {
            persons.extend(task);
            profiles.push(profile);
        }
        (persons, profiles)
    };
    let mut store = |builder: &mut RegisterBuilder, (parsed, profiles): Parsed| {
        let storing = std::time::Instant::now();
        rows += parsed.len() as u64;
        for task in profiles {
            profile.merge(task);
        }
        for result in parsed {
            match result {
                Ok((person, notes)) => {
                    ignored_old_ids += notes.ignored_old_id as u64;
                    invalid_dob += notes.invalid_dob as u64;
                    builder.push(person);
                }
                Err(reject) => rejects.push(reject),
            }
        }
        timings.add(Stage::Index, storing.elapsed());
    };
    // Normalizing is the costly part and is independent per row: it runs in parallel. Storing
    // is serial in file order (interning must see rows in one order to be deterministic), so it
    // overlaps with normalizing the next chunk instead of leaving a core idle.
    // The parsed chunk not stored yet, the text's bytes read up to its end, and the text's size.
    let mut pending: Option<(Parsed, (u64, Option<u64>))> = None;
    let mut reserved = false;
    loop {
        let chunk = chunks.next_chunk();
        let Some(chunk) = chunk else {
            if let Some((parsed, _)) = pending.take() {
                store(&mut builder, parsed);
            }
            break;
        };
        timings.add(Stage::Read, chunk.parse_time);
        let (stored_bytes, parsed) = rayon::join(
            || {
                pending.take().map(|(parsed, bytes)| {
                    store(&mut builder, parsed);
                    bytes
                })
            },
            || parse(&chunk),
        );
        if let (false, Some((bytes, size))) = (reserved, stored_bytes.filter(|&(b, _)| b > 0)) {
            // The first stored chunk tells the bytes per person and the syllables per name.
            reserved = true;
            if let Some(expected) = crate::input::expected_rows(builder.len(), bytes, size) {
                builder.reserve_total(expected);
            }
        }
        pending = Some((parsed, (chunk.bytes_read, chunk.text_size)));
        progress.set(chunk.source_read);
        chunks.recycle(chunk);
    }
    let info = chunks.finish()?;
    builder.stats.rows = rows;
    builder.stats.rejected = rejects.len() as u64;
    builder.stats.ignored_old_ids = ignored_old_ids;
    builder.stats.invalid_dob = invalid_dob;
    let (register, duplicates) = timings.time(Stage::Index, || builder.finish());
    let raw = if duplicates.is_empty() || !rereadable(&spec.path) {
        vec![String::new(); duplicates.len()]
    } else {
        let lines: Vec<u64> = duplicates.iter().map(|d| d.line).collect();
        raw_text_of(spec.open()?, options.chunk_rows, &lines)?
    };
    for (d, raw) in duplicates.into_iter().zip(raw) {
        rejects.push(Reject {
            file: REGISTER.role,
            line: d.line,
            column: Some("person_id"),
            error: format!(
                "person_id {} is already held by the row on line {}",
                d.id, d.first_line
            ),
            raw,
        });
    }
    rejects.sort_by_key(|r| r.line);
    debug_assert_eq!(info.rows, rows);
    Ok(Loaded {
        register,
        rejects,
        info,
        profile,
    })
}

/// Whether the register can be read again for the text of its rows that repeat an ID: a
/// regular file can, a stream cannot (its rows are in rejects.csv with their line, without
/// their text).
fn rereadable(path: &std::path::Path) -> bool {
    !crate::input::source::is_stdin(path) && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The raw text of the rows at `lines` (ascending). A repeated ID is only seen once the whole
/// register is sorted, when the rows are gone; reading the file again costs one plain read, and
/// only in the rare run whose register repeats IDs.
fn raw_text_of(file: InputFile, chunk_rows: usize, lines: &[u64]) -> Result<Vec<String>> {
    let mut chunks = file.into_chunks(chunk_rows);
    let mapping = chunks.mapping().clone();
    let delimiter = chunks.delimiter();
    let mut wanted = lines.iter().peekable();
    let mut texts = Vec::with_capacity(lines.len());
    while let Some(chunk) = chunks.next_chunk() {
        for (record, line) in chunk.rows(0..chunk.len()) {
            while wanted.next_if(|&&l| l == line).is_some() {
                let row = Row::new(line, record, &mapping);
                texts.push(row.raw_text(delimiter, crate::input::REJECT_RAW_CHARS));
            }
        }
        chunks.recycle(chunk);
    }
    chunks.finish()?;
    texts.resize(lines.len(), String::new());
    Ok(texts)
}

#[derive(Default)]
struct RowNotes {
    ignored_old_id: bool,
    invalid_dob: bool,
}

/// Reads a register row, counting its values in `profile`.
fn read_person(
    row: &Row<'_>,
    options: &LoadOptions<'_>,
    profile: &mut Profile,
) -> Result<(NewPerson, RowNotes), FieldError> {
    let (format, provinces) = (options.id_format, options.provinces);
    row.check_width()?;
    let mut notes = RowNotes::default();
    let raw_id = row.field(col::PERSON_ID)?;
    let mut bad_id = |message: String| {
        profile.record_read(col::PERSON_ID, &raw_id, false);
        FieldError {
            column: Some("person_id"),
            message,
        }
    };
    let id = match format {
        _ if raw_id.trim().is_empty() => return Err(bad_id("person_id is empty".into())),
        IdFormat::Cccd => match parse_register_cccd(&raw_id) {
            Some(v) => RegisterId::Numeric(v),
            None => {
                return Err(bad_id(format!(
                    "person_id `{}` is not a 12-digit number",
                    raw_id.trim()
                )))
            }
        },
        IdFormat::Any => RegisterId::Text(raw_id.trim().into()),
    };
    profile.record_read(col::PERSON_ID, &raw_id, true);
    let raw_old = row.field(col::OLD_ID)?;
    let old_id = match format {
        _ if raw_old.trim().is_empty() => None,
        IdFormat::Cccd => {
            let old = parse_old_id(&raw_old);
            // A 12-digit "old ID" equal to the person's own ID carries nothing; anything else
            // unreadable is counted so the operator can see the column is damaged.
            let same_as_id = matches!((digits_of(raw_old.trim()), &id), (Some((v, 12)), RegisterId::Numeric(own)) if v == *own);
            notes.ignored_old_id = old.is_none() && !same_as_id;
            old.map(|v| RegisterId::Numeric(v as u64))
        }
        IdFormat::Any => Some(RegisterId::Text(raw_old.trim().into())),
    };
    profile.record_read(col::OLD_ID, &raw_old, !notes.ignored_old_id);
    let raw_name = row.field(col::FULL_NAME)?;
    profile.record_read(col::FULL_NAME, &raw_name, name_is_readable(&raw_name));
    let full_name = name::tidy(&raw_name);
    let raw_dob = row.field(col::DOB)?;
    let dob = match DateField::parse_in(&raw_dob, options.dates) {
        DateField::Known(d) => Some(d),
        _ => {
            notes.invalid_dob = true;
            None
        }
    };
    profile.record_read(col::DOB, &raw_dob, dob.is_some());
    let raw_gender = row.field(col::GENDER)?;
    let gender = Gender::parse(&raw_gender);
    profile.record_read(col::GENDER, &raw_gender, gender.is_known());
    let raw_status = row.field(col::STATUS)?;
    let status = LifeStatus::parse(&raw_status);
    profile.record_read(col::STATUS, &raw_status, status != LifeStatus::Unreadable);
    let deceased = status.is_deceased();
    let raw_province = row.field(col::PROVINCE_CODE)?;
    let province = provinces.place_of(provinces.classify(&raw_province));
    profile.record_read(col::PROVINCE_CODE, &raw_province, province.is_some());
    Ok((
        NewPerson {
            line: row.line,
            id,
            old_id,
            name: full_name,
            dob,
            gender,
            deceased,
            province,
        },
        notes,
    ))
}
