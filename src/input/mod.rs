//! Input: CSV files in, rows of borrowed fields out.
//!
//! Contract: [`InputFile::open`] reads the header and maps every canonical column to its source
//! columns (docs/input.md), failing before any row is read when a required column is missing,
//! named twice, or the file looks like the other input. [`ChunkReader`] then streams the rows in
//! reused [`Chunk`]s (every row's fields in one buffer, with their line numbers), on a thread of
//! its own so that parsing overlaps matching. [`Row::field`] gives a canonical field as text, or a
//! [`FieldError`] naming the column, which the caller turns into a row in rejects.csv. No row is
//! ever skipped: a row that cannot be read is still yielded, and rows in = rows out.

pub(crate) mod bounds;
pub(crate) mod encoding;
pub(crate) mod lines;
pub(crate) mod participant;
pub(crate) mod schema;
pub(crate) mod source;

use std::borrow::Cow;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use csv::ByteRecord;

use bounds::BoundedRows;
use encoding::{DecodingReader, Detection, Encoding};
use lines::LineCounter;
use source::{Compression, SourceDigest, SourceHandle};

use crate::error::{Error, ErrorKind, Result};
use schema::Schema;

/// An opened input file with its header mapped.
pub(crate) struct InputFile {
    /// The path as given (`-`: standard input).
    pub(crate) path: PathBuf,
    /// How the file is named in messages.
    pub(crate) label: PathBuf,
    /// The encoding the file is read in (others are converted to UTF-8 as it is read).
    pub(crate) encoding: Encoding,
    pub(crate) delimiter: u8,
    /// The size of the text to parse, when it is known before reading it (a regular file that
    /// is not compressed): it plans the whole-file arrays.
    pub(crate) size: Option<u64>,
    /// The size of the text to parse as far as it can be told before reading it, for the
    /// memory check: [`InputFile::size`], or a compressed file's size on disk times
    /// [`COMPRESSION_RATIO`] (the least CSV text compresses by), or `None` for a stream.
    pub(crate) size_estimate: Option<u64>,
    pub(crate) mapping: Mapping,
    reader: CsvReader,
    source: SourceHandle,
}

/// What CSV text compresses by at the least, with gzip or zstd: a lower bound, so the check
/// never refuses a run that fits (the synthetic participants: 2.8 with `gzip -6`, the register
/// 3.3; real exports, with their repeated codes and dates, more).
pub(crate) const COMPRESSION_RATIO: u64 = 2;

/// The CSV parser over a source, with exact line numbers and rows of bounded size underneath.
type CsvReader = csv::Reader<LineCounter<BoundedRows<Box<dyn Read + Send>>>>;

/// Where each canonical column comes from.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    /// Per canonical column: the source column indexes (several are joined with a space);
    /// empty when an optional column is absent.
    pub(crate) sources: Vec<Vec<usize>>,
    /// Per canonical column: the codes its values are translated from (`[*.values.*]`).
    pub(crate) values: Vec<Option<ValueMap>>,
    /// The canonical column names, for messages.
    pub(crate) names: Vec<&'static str>,
    /// The source column names (or numbers, for a file without a header row), per canonical
    /// column, for messages and the data-quality profile.
    pub(crate) source_names: Vec<String>,
    /// How many fields the header has; a row with another count is ragged.
    pub(crate) width: usize,
}

impl Mapping {
    /// Each canonical column `names` read from the field at its own position, as it is named.
    #[cfg(test)]
    pub(crate) fn identity(names: Vec<&'static str>) -> Mapping {
        Mapping {
            sources: (0..names.len()).map(|i| vec![i]).collect(),
            values: vec![None; names.len()],
            source_names: names.iter().map(|n| n.to_string()).collect(),
            width: names.len(),
            names,
        }
    }
}

/// A column's value codes: the export's code (trimmed, compared without regard to case) and
/// the value popsync reads instead. Values that are not codes are read as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ValueMap {
    codes: std::collections::HashMap<String, String>,
}

impl ValueMap {
    pub(crate) fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ValueMap {
        ValueMap {
            codes: pairs
                .into_iter()
                .map(|(code, value)| (code.trim().to_lowercase(), value.to_string()))
                .collect(),
        }
    }

    /// The value `raw` stands for, when it is one of the codes.
    fn get(&self, raw: &str) -> Option<&str> {
        let raw = raw.trim();
        match self.codes.get(raw) {
            Some(value) => Some(value),
            None if raw.chars().any(char::is_uppercase) => {
                self.codes.get(&raw.to_lowercase()).map(String::as_str)
            }
            None => None,
        }
    }
}

/// Why one field of one row could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// The canonical column, or `None` when the row as a whole is at fault.
    pub(crate) column: Option<&'static str>,
    pub(crate) message: String,
}

impl InputFile {
    /// Opens the source `spec` names, reads its first megabyte to tell its encoding and its
    /// delimiter, reads its header and maps the schema's columns through the spec's sources.
    /// Nothing is read twice: what was looked at is read again from memory.
    pub(crate) fn open(spec: &InputSpec) -> Result<InputFile> {
        let InputSpec { path, options, .. } = spec;
        let label = source::label(path);
        let (mut blocks, source) = source::open(path)?;
        let mut sample = Vec::with_capacity(encoding::SAMPLE_BYTES);
        (&mut blocks)
            .take(encoding::SAMPLE_BYTES as u64)
            .read_to_end(&mut sample)
            .map_err(|e| Error::io(&label, e))?;
        if sample.starts_with(b"\xef\xbb\xbf") {
            // A UTF-8 byte-order mark is not part of the first field (with or without a header).
            sample.drain(..3);
        }
        let encoding = sniff_encoding(&label, &sample, options.encoding)?;
        let delimiter = match options.delimiter {
            Some(delimiter) => delimiter,
            None => detect_delimiter(&first_line(&sample, encoding)),
        };
        let size = match source.compression() {
            Compression::None => source.size,
            _ => None,
        };
        let size_estimate = size.or(source.size.map(|s| s.saturating_mul(COMPRESSION_RATIO)));
        let text = Cursor::new(sample).chain(blocks);
        let text: Box<dyn Read + Send> = match encoding {
            Encoding::Utf8 => Box::new(text),
            other => Box::new(DecodingReader::new(text, other)),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(options.header)
            // Row width is checked here, per row, so that a ragged row becomes a reject with
            // its line number instead of an error that ends the run.
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(LineCounter::new(BoundedRows::new(text, delimiter)));
        let first = reader
            .byte_headers()
            .map_err(|e| csv_error(&label, e))?
            .clone();
        if first.len() <= 1 && first.get(0).is_none_or(|h| h.is_empty()) {
            return Err(Error::from(ErrorKind::Input {
                file: label,
                line: 1,
                column: None,
                message: if options.header {
                    "the file is empty: expected a header row".into()
                } else {
                    "the file is empty".into()
                },
            }));
        }
        // Without a header row, columns are known by their numbers, from 1.
        let header: Vec<String> = if options.header {
            first
                .iter()
                .map(|h| {
                    String::from_utf8_lossy(h)
                        .trim_start_matches('\u{feff}')
                        .trim()
                        .to_string()
                })
                .collect()
        } else {
            (1..=first.len()).map(|i| i.to_string()).collect()
        };
        let mapping = map_columns(&label, spec, delimiter, &header)?;
        Ok(InputFile {
            path: path.clone(),
            label,
            encoding,
            delimiter,
            size,
            size_estimate,
            mapping,
            reader,
            source,
        })
    }

    /// Streams the rows in chunks of `chunk_rows` on a reader thread.
    pub(crate) fn into_chunks(self, chunk_rows: usize) -> ChunkReader {
        ChunkReader::spawn(self, chunk_rows.max(1))
    }
}

/// Everything needed to open an input file: where it is, how it is read, and which source
/// columns each canonical column comes from.
#[derive(Debug, Clone)]
pub(crate) struct InputSpec {
    /// The file, or `-` for standard input.
    pub(crate) path: PathBuf,
    pub(crate) options: ReadOptions,
    pub(crate) schema: &'static Schema,
    /// Per canonical column of `schema`: its source columns (several are joined with a space).
    pub(crate) sources: Vec<Vec<String>>,
    /// Per canonical column of `schema`: whether the config maps it (a mapped column must be in
    /// the header, even an optional one).
    pub(crate) mapped: Vec<bool>,
    /// Per canonical column of `schema`: the value codes the config gives for it.
    pub(crate) values: Vec<Option<ValueMap>>,
    /// Where the config is, for messages about its mappings.
    pub(crate) config_file: Option<PathBuf>,
    /// The other input's schema and sources, to recognise two files given the wrong way round;
    /// `None` when a mapping says which column is which, and nothing is guessed.
    pub(crate) other: Option<(&'static Schema, Vec<Vec<String>>)>,
}

impl InputSpec {
    /// Opens the file and checks its header (see [`InputFile::open`]).
    pub(crate) fn open(&self) -> Result<InputFile> {
        InputFile::open(self)
    }
}

/// What was read of an input, for summary.json and manifest.json.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct InputInfo {
    /// The path as given (`-`: standard input).
    pub(crate) path: String,
    /// The bytes read from the source (before decompression).
    pub(crate) bytes: u64,
    pub(crate) rows: u64,
    /// The encoding the file was read in.
    pub(crate) encoding: &'static str,
    pub(crate) compression: Compression,
    /// The delimiter the file was read with.
    pub(crate) delimiter: String,
    /// The SHA-256 of the bytes read from the source.
    pub(crate) sha256: String,
}

/// How an input file is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadOptions {
    /// `None`: detected from the header line.
    pub(crate) delimiter: Option<u8>,
    /// `None`: detect (UTF-8, UTF-16, or a Vietnamese legacy encoding when the evidence is
    /// sure).
    pub(crate) encoding: Option<Encoding>,
    /// The first row names the columns (`false`: every row is data, and columns are known by
    /// their numbers from 1).
    pub(crate) header: bool,
}

/// The delimiters a header line is searched for, in order of preference on a tie.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter of a file whose first line is `line`: the one of `,` `;` tab `|` found most
/// often outside quotes; a comma when none is (a one-column file).
pub(crate) fn detect_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..DELIMITERS.len())
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .expect("four delimiters");
    if counts[best] == 0 {
        b','
    } else {
        DELIMITERS[best]
    }
}

/// The first line of a sample, as UTF-8 bytes (delimiters are ASCII in every 8-bit encoding,
/// not in UTF-16).
fn first_line(sample: &[u8], encoding: Encoding) -> Vec<u8> {
    const MOST: u64 = 64 << 10;
    let mut text = Vec::new();
    let read = match encoding {
        Encoding::Utf8 => Cursor::new(sample).take(MOST).read_to_end(&mut text),
        other => DecodingReader::new(Cursor::new(sample), other)
            .take(MOST)
            .read_to_end(&mut text),
    };
    if read.is_err() {
        text.clear();
    }
    text
}

/// Which encoding a file is in, from its first megabyte `sample`: UTF-16 when it starts with
/// a UTF-16 byte-order mark or is unmistakably UTF-16; UTF-8 when it holds UTF-8 text (a few
/// damaged bytes are rejected row by row); otherwise `given` (`--encoding`, which therefore
/// never turns a UTF-8 register into mojibake when only the participants file is legacy), or a
/// Vietnamese legacy encoding (Windows-1258, TCVN3, VNI) when detection is sure of it; an error
/// naming the likely encoding when there is real evidence for one but not enough to convert
/// unasked.
fn sniff_encoding(label: &Path, sample: &[u8], given: Option<Encoding>) -> Result<Encoding> {
    if let Some(utf16) = encoding::utf16(sample) {
        return Ok(utf16);
    }
    let has_utf8_letters = String::from_utf8_lossy(sample)
        .chars()
        .any(|c| !c.is_ascii() && c != '\u{fffd}');
    if has_utf8_letters || sample.is_ascii() {
        return Ok(Encoding::Utf8);
    }
    if let Some(given) = given {
        return Ok(given);
    }
    match encoding::detect(sample) {
        Detection::Sure(found) => Ok(found),
        Detection::Likely(found) if encoding::evidence(sample).words >= encoding::SURE_MIN_WORDS => {
            Err(ErrorKind::Input {
                file: label.to_path_buf(),
                line: 1,
                column: None,
                message: format!(
                    "the file is not UTF-8; it looks like {found} (read it with --encoding {found}, or convert it to UTF-8)"
                ),
            }
            .into())
        }
        _ => Ok(Encoding::Utf8),
    }
}

/// The header as an error message may show it. A file without a header row has data on its
/// first line, and data is never shown, so only what cannot be personal data is: a cell that is
/// a plain column name (ASCII letters, digits, `_`, `-`, `.`, no space: `MA_SO_BHXH`, `dob`).
/// Any other cell (`Họ và tên` in a header, or `Nguyễn Văn An` on a first line of data) is
/// shown by its position only. A line with a number or a date in it is data: then only its
/// field count and a hint. A field holding another delimiter than `delimiter` gets a hint
/// about it instead.
pub(crate) fn describe_header<S: AsRef<str>>(header: &[S], delimiter: u8) -> String {
    // A name has no date and no long number in it; a data row has both (a code, a date of
    // birth, an ID).
    let looks_like_data = |cell: &str| {
        let digits = cell.bytes().filter(u8::is_ascii_digit).count();
        let numeric = cell
            .bytes()
            .all(|b| b.is_ascii_digit() || b" /-.:".contains(&b));
        let longest_run = cell
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        (digits >= 4 && numeric) || longest_run >= 5 || cell.chars().count() > 64
    };
    // A field holding another delimiter: the file is probably delimited by it.
    let other = [
        (b';', "`;`"),
        (b'\t', "a tab"),
        (b'|', "`|`"),
        (b',', "`,`"),
    ]
    .into_iter()
    .filter(|&(d, _)| d != delimiter)
    .find(|&(d, _)| header.iter().any(|h| h.as_ref().contains(d as char)));
    if let Some((_, name)) = other {
        return format!(
            "{} field{}, and the header holds {name}: is the file delimited by it? (set `delimiter` \
             for this file in the config, or --delimiter)",
            header.len(),
            if header.len() == 1 { "" } else { "s" }
        );
    }
    if let Some(at) = header.iter().position(|h| looks_like_data(h.as_ref())) {
        return format!(
            "{} field{}, and the first line looks like data, not column names (field {} holds a \
             number or a date): does the file have a header row?",
            header.len(),
            if header.len() == 1 { "" } else { "s" },
            at + 1
        );
    }
    let plain_name = |cell: &str| {
        cell.bytes().any(|b| b.is_ascii_alphabetic())
            && cell
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
    };
    header
        .iter()
        .enumerate()
        .map(|(i, h)| match h.as_ref() {
            "" => format!("column {} (empty)", i + 1),
            name if plain_name(name) => name.to_string(),
            _ => format!("column {} (not shown: not a plain column name)", i + 1),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn find(header: &[String], name: &str) -> Vec<usize> {
    header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.eq_ignore_ascii_case(name.trim()))
        .map(|(i, _)| i)
        .collect()
}

/// Maps the schema's canonical columns of `spec` onto `header`. Strict: a column the config
/// maps must be in the header (an optional one too), a required one must be there under its
/// name or its mapping, and no source column may be read as two canonical columns.
fn map_columns(
    label: &Path,
    spec: &InputSpec,
    delimiter: u8,
    header: &[String],
) -> Result<Mapping> {
    let schema = spec.schema;
    if let Some((other_schema, other_sources)) = &spec.other {
        check_not_swapped(
            label,
            schema,
            &spec.sources,
            header,
            other_schema,
            other_sources,
        )?;
    }
    let table = format!("[{}.columns]", schema.role);
    let in_config = || match &spec.config_file {
        Some(file) => format!(" in {}", file.display()),
        None => String::new(),
    };
    let mut mapped = Vec::with_capacity(schema.columns.len());
    let mut source_names = Vec::with_capacity(schema.columns.len());
    // Which canonical column each header field is read as, to find one read as two.
    let mut taken: Vec<Option<&'static str>> = vec![None; header.len()];
    for (c, (column, names)) in schema.columns.iter().zip(&spec.sources).enumerate() {
        let explicit = spec.mapped.get(c).copied().unwrap_or(false);
        let mut indexes = Vec::with_capacity(names.len());
        for name in names {
            match find(header, name).as_slice() {
                [] if column.required && !explicit => {
                    return Err(ErrorKind::MissingColumn {
                        file: label.to_path_buf(),
                        column: column.name.to_string(),
                        hint: String::new(),
                        found: describe_header(header, delimiter),
                    }
                    .into());
                }
                [] if explicit => {
                    return Err(ErrorKind::MappedColumnMissing {
                        file: label.to_path_buf(),
                        role: schema.role,
                        column: column.name,
                        source_column: name.clone(),
                        config: in_config(),
                        found: describe_header(header, delimiter),
                    }
                    .into());
                }
                [] => {
                    // An optional column the config does not map, and the file does not have.
                    indexes.clear();
                    break;
                }
                [one] => indexes.push(*one),
                many => {
                    return Err(Error::from(ErrorKind::Input {
                        file: label.to_path_buf(),
                        line: 1,
                        column: Some(name.clone()),
                        message: format!(
                            "the header names column `{name}` {} times (fields {}): which one is meant is ambiguous",
                            many.len(),
                            many.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ")
                        ),
                    }));
                }
            }
        }
        for &i in &indexes {
            if let Some(first) = taken[i].replace(column.name) {
                return Err(Error::from(ErrorKind::Input {
                    file: label.to_path_buf(),
                    line: 1,
                    column: Some(header[i].clone()),
                    message: format!(
                        "column `{}` would be read both as `{first}` and as `{}`: map each canonical \
                         column to its own source column (`{table}`{})",
                        header[i],
                        column.name,
                        in_config()
                    ),
                }));
            }
        }
        source_names.push(
            indexes
                .iter()
                .map(|&i| header[i].clone())
                .collect::<Vec<_>>()
                .join(" + "),
        );
        mapped.push(indexes);
    }
    Ok(Mapping {
        sources: mapped,
        values: spec.values.clone(),
        names: schema.columns.iter().map(|c| c.name).collect(),
        source_names,
        width: header.len(),
    })
}

/// A file that has the other side's distinguishing columns and lacks ours was given the wrong
/// way round; say so rather than reconcile the wrong files. Asked only when no mapping says
/// which column is which.
fn check_not_swapped(
    label: &Path,
    schema: &Schema,
    sources: &[Vec<String>],
    header: &[String],
    other_schema: &Schema,
    other_sources: &[Vec<String>],
) -> Result<()> {
    let distinctive = |s: &Schema, srcs: &[Vec<String>], theirs: &Schema| -> Vec<String> {
        s.columns
            .iter()
            .zip(srcs)
            .filter(|(c, _)| theirs.index_of(c.name).is_none())
            .flat_map(|(_, names)| names.clone())
            .collect()
    };
    let mine = distinctive(schema, sources, other_schema);
    let theirs = distinctive(other_schema, other_sources, schema);
    let has = |names: &[String]| names.iter().any(|n| !find(header, n).is_empty());
    if !has(&theirs) || has(&mine) {
        return Ok(());
    }
    Err(Error::from(ErrorKind::Input {
        file: label.to_path_buf(),
        line: 1,
        column: None,
        message: format!(
            "this looks like the {} file, not the {} file (it has {} columns): were --participants and \
             --register swapped? If not, say which column is which in a config file's `[{}.columns]`, \
             and the files are read as mapped",
            other_schema.role,
            schema.role,
            theirs.iter().filter(|n| !find(header, n).is_empty()).cloned().collect::<Vec<_>>().join(", "),
            schema.role,
        ),
    }))
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        other => Error::from(ErrorKind::Input {
            file: path.to_path_buf(),
            line,
            column: None,
            message: format!("{other:?}"),
        }),
    }
}

/// One row of an input file.
pub(crate) struct Row<'a> {
    /// The line the row starts on (the header is line 1).
    pub(crate) line: u64,
    pub(crate) record: Record<'a>,
    pub(crate) mapping: &'a Mapping,
    /// The record's fields, end to end, when they are UTF-8 with no NUL byte: a field is then
    /// a slice of it (checked once per row: checking each field apart would check the usual
    /// clean row's text once per field).
    text: Option<&'a str>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(line: u64, record: Record<'a>, mapping: &'a Mapping) -> Row<'a> {
        let text = record.checked_text().or_else(|| {
            let all = record.as_slice();
            match memchr::memchr(0, all) {
                None => std::str::from_utf8(all).ok(),
                Some(_) => None,
            }
        });
        Row {
            line,
            record,
            mapping,
            text,
        }
    }

    /// Checks the row as a whole: its width must be the header's.
    pub(crate) fn check_width(&self) -> Result<(), FieldError> {
        if self.record.len() == self.mapping.width {
            return Ok(());
        }
        Err(FieldError {
            column: None,
            message: format!(
                "expected {} fields as in the header, found {}",
                self.mapping.width,
                self.record.len()
            ),
        })
    }

    /// A canonical field as text ("" when the optional column is absent). Several source columns
    /// are joined with one space, skipping empty ones.
    pub(crate) fn field(&self, column: usize) -> Result<Cow<'a, str>, FieldError> {
        let sources = &self.mapping.sources[column];
        let text = |i: usize| -> Result<&'a str, FieldError> {
            let bytes = self.record.get(i).unwrap_or(b"");
            if let Some(all) = self.text {
                // The same bytes, as a slice of the checked text; `get` is `None` when the
                // field cuts a character in two (valid end to end, not apart), and then the
                // field is checked on its own below, which reports where.
                let start = (bytes.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize);
                if let Some(field) = all.get(start..start.wrapping_add(bytes.len())) {
                    return Ok(field);
                }
            }
            if memchr::memchr(0, bytes).is_some() {
                return Err(FieldError {
                    column: Some(self.mapping.names[column]),
                    message: "NUL byte in the field (binary data in a text file?)".into(),
                });
            }
            std::str::from_utf8(bytes).map_err(|e| FieldError {
                column: Some(self.mapping.names[column]),
                message: format!(
                    "invalid UTF-8 at byte {} of the field (is the file in a legacy encoding?)",
                    e.valid_up_to() + 1
                ),
            })
        };
        let value = match sources.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(text(*one)?),
            many => {
                let mut joined = String::new();
                for &i in many {
                    let part = text(i)?.trim();
                    if !part.is_empty() {
                        if !joined.is_empty() {
                            joined.push(' ');
                        }
                        joined.push_str(part);
                    }
                }
                Cow::Owned(joined)
            }
        };
        let mapping: &'a Mapping = self.mapping;
        match &mapping.values[column] {
            Some(codes) => match codes.get(&value) {
                Some(decoded) => Ok(Cow::Borrowed(decoded)),
                None => Ok(value),
            },
            None => Ok(value),
        }
    }

    /// A field read lossily, for reports about a row that failed.
    pub(crate) fn field_lossy(&self, column: usize) -> String {
        self.mapping.sources[column]
            .iter()
            .map(|&i| String::from_utf8_lossy(self.record.get(i).unwrap_or(b"")).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The row as text for rejects.csv: fields joined with the delimiter, cut to `max_chars`.
    pub(crate) fn raw_text(&self, delimiter: u8, max_chars: usize) -> String {
        let mut out = String::new();
        for (i, field) in self.record.iter().enumerate() {
            if i > 0 {
                out.push(delimiter as char);
            }
            out.push_str(&String::from_utf8_lossy(field));
            if out.len() > max_chars * 4 {
                break;
            }
        }
        match out.char_indices().nth(max_chars) {
            Some((cut, _)) => {
                out.truncate(cut);
                out.push('…');
                out
            }
            None => out,
        }
    }
}

/// A chunk of rows: every row's fields end to end in one buffer, where each field ends, and
/// the line each row starts on.
///
/// Why one buffer and not a record per row: a row as its own record is three allocations, and
/// every chunk read before the first comes back for reuse is fresh memory the kernel zeroes
/// first; one buffer per chunk is allocated once and reused, so steady state allocates
/// nothing per row.
#[derive(Default)]
pub(crate) struct Chunk {
    /// The fields' bytes, row after row.
    text: Vec<u8>,
    /// Where each field ends in `text` (a chunk's text stays below 4 GiB: [`CHUNK_BYTES`] plus
    /// one row of at most [`bounds::ROW_BYTES`]).
    ends: Vec<u32>,
    /// Per row, where its fields start in `ends`; one more entry than rows.
    row_starts: Vec<u32>,
    /// True when `text` is UTF-8 without a NUL byte, as checked by [`Chunk::seal`] after the
    /// last row was pushed (any change clears it).
    clean: bool,
    /// The line each row starts on.
    pub(crate) lines: Vec<u64>,
    /// Bytes of text parsed so far (after decompression and decoding).
    pub(crate) bytes_read: u64,
    /// Bytes read from the source so far (as on disk), for progress.
    pub(crate) source_read: u64,
    /// The size of the file's whole text: known for a plain regular file, estimated from the
    /// bytes read so far for a compressed one, `None` for a stream.
    pub(crate) text_size: Option<u64>,
    /// Time the reader thread spent parsing this chunk (for [`crate::timings`]).
    pub(crate) parse_time: std::time::Duration,
}

impl Chunk {
    /// An empty chunk with room for `rows` rows of about `row_bytes` bytes each.
    fn with_capacity(rows: usize, row_bytes: usize, width: usize) -> Chunk {
        let mut chunk = Chunk {
            text: Vec::with_capacity((rows * row_bytes).min(CHUNK_BYTES)),
            ends: Vec::with_capacity((rows * width).min(CHUNK_BYTES / 4)),
            row_starts: Vec::with_capacity(rows + 1),
            lines: Vec::with_capacity(rows),
            ..Chunk::default()
        };
        chunk.row_starts.push(0);
        chunk
    }

    /// Empties the chunk for reuse, keeping its buffers unless a huge row grew them.
    fn clear(&mut self) {
        self.clean = false;
        if self.text.capacity() > 2 * CHUNK_BYTES {
            self.text = Vec::new();
        }
        self.text.clear();
        self.ends.clear();
        self.row_starts.clear();
        self.row_starts.push(0);
        self.lines.clear();
    }

    /// Appends a row read on line `line`.
    pub(crate) fn push(&mut self, record: &ByteRecord, line: u64) {
        self.clean = false;
        let mut end = self.text.len();
        self.text.extend_from_slice(record.as_slice());
        for field in record.iter() {
            end += field.len();
            self.ends.push(end as u32);
        }
        self.row_starts.push(self.ends.len() as u32);
        self.lines.push(line);
    }

    /// Checks the whole text at once, after the last row: UTF-8 and no NUL byte. Why here and
    /// not row by row: checking a few megabytes in one call runs about ten times faster than
    /// checking tens of thousands of 70-byte rows, and nearly every chunk of a real export is
    /// clean; a row of a chunk that is not is checked on its own ([`Row::new`]).
    pub(crate) fn seal(&mut self) {
        self.clean = memchr::memchr(0, &self.text).is_none()
            && simdutf8::basic::from_utf8(&self.text).is_ok();
    }

    /// The bytes the rows take: their text and 4 per field (what [`CHUNK_BYTES`] bounds, so
    /// that a file of thousands of empty columns makes small chunks too).
    fn bytes(&self) -> usize {
        self.text.len() + 4 * self.ends.len()
    }

    /// True when the chunk takes no more rows: it holds `chunk_rows`, or [`CHUNK_BYTES`] of
    /// rows ([`Chunk::bytes`]).
    fn is_full(&self, chunk_rows: usize) -> bool {
        self.len() >= chunk_rows || self.bytes() >= CHUNK_BYTES
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Row `i`'s fields.
    pub(crate) fn record(&self, i: usize) -> Record<'_> {
        let (first, last) = (self.row_starts[i] as usize, self.row_starts[i + 1] as usize);
        let start = match first {
            0 => 0,
            _ => self.ends[first - 1] as usize,
        };
        Record {
            text: &self.text,
            start,
            ends: &self.ends[first..last],
            clean: self.clean,
        }
    }

    /// The rows in `range`, each with the line it starts on.
    pub(crate) fn rows(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (Record<'_>, u64)> + '_ {
        range.map(|i| (self.record(i), self.lines[i]))
    }

    /// The chunk's rows cut into consecutive ranges of at most `size` rows, for parallel tasks.
    pub(crate) fn ranges(&self, size: usize) -> Vec<std::ops::Range<usize>> {
        let n = self.len();
        (0..n.div_ceil(size))
            .map(|t| t * size..n.min((t + 1) * size))
            .collect()
    }
}

/// One row's fields, borrowed from its [`Chunk`].
#[derive(Clone, Copy)]
pub(crate) struct Record<'a> {
    /// The chunk's text.
    text: &'a [u8],
    /// Where the row's first field starts in `text`.
    start: usize,
    /// Where each of its fields ends in `text`.
    ends: &'a [u32],
    /// The chunk's whole text is UTF-8 without a NUL byte ([`Chunk::seal`]).
    clean: bool,
}

impl<'a> Record<'a> {
    /// The number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i`, if the row has it.
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => self.start,
            _ => self.ends[i - 1] as usize,
        };
        Some(&self.text[start..end])
    }

    /// Where the row's last field ends in `text`.
    fn end(&self) -> usize {
        self.ends.last().map_or(self.start, |&e| e as usize)
    }

    /// Every field's bytes, end to end.
    pub(crate) fn as_slice(&self) -> &'a [u8] {
        &self.text[self.start..self.end()]
    }

    /// Every field's text, end to end, when it is UTF-8 without a NUL byte and known to be so
    /// without checking it again: its chunk is clean and the row starts and ends on a character
    /// boundary. `None` says only that the row must be checked on its own.
    pub(crate) fn checked_text(&self) -> Option<&'a str> {
        if !self.clean {
            return None;
        }
        let end = self.end();
        // A UTF-8 continuation byte is 0b10xx_xxxx; the end of the text is a boundary too.
        let boundary = |at: usize| self.text.get(at).is_none_or(|&b| b & 0xC0 != 0x80);
        if !(boundary(self.start) && boundary(end)) {
            return None;
        }
        let bytes = &self.text[self.start..end];
        // SAFETY: `clean` says the chunk's whole text is UTF-8 (checked by `Chunk::seal` after
        // its last change; the text cannot change while this borrow of it lives), and a slice
        // of UTF-8 text that starts and ends on character boundaries is UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }

    /// The fields in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let record = *self;
        (0..record.len()).filter_map(move |i| record.get(i))
    }
}

/// The rows a text of `size` bytes holds, extrapolated from `rows` found in its first
/// `bytes_read` bytes, with 2 % to spare: the whole-file arrays reserve this once after the
/// first chunk instead of growing by doubling (each doubling copies everything into freshly
/// zeroed pages: gigabytes at 100M rows). `None` when the size is not known (a stream): the
/// arrays then grow as the rows come.
pub(crate) fn expected_rows(rows: usize, bytes_read: u64, size: Option<u64>) -> Option<usize> {
    let size = size?;
    if bytes_read == 0 {
        return Some(rows);
    }
    Some((rows as f64 * size as f64 / bytes_read as f64 * 1.02) as usize)
}

/// The bytes a row is expected to take before any is read: the synthetic files' rows are
/// 64-70 bytes, and this leaves room for longer names and extra columns. Later chunks are sized
/// by the rows read so far.
const ROW_BYTES_GUESS: usize = 128;

/// A chunk ends at its row count or at this many bytes of fields ([`Chunk::bytes`]), whichever
/// comes first: rows can be long (up to [`bounds::ROW_BYTES`]), and the chunks in flight must
/// stay small.
const CHUNK_BYTES: usize = 32 << 20;

/// The record rows are parsed into is replaced by a fresh one after holding more than this,
/// so that one huge row does not keep its memory for the rest of the file.
const LARGE_RECORD: usize = 1 << 20;

/// Streams an input file in chunks from a reader thread. Chunks arrive in file order; a read
/// error (an I/O fault, not a bad row) ends the stream and is returned by [`ChunkReader::finish`].
/// Chunks read ahead ([`ChunkReader::read_ahead`]) are held and come again from
/// [`ChunkReader::next_chunk`], so a look at the first rows never reads the file twice.
pub(crate) struct ChunkReader {
    receiver: mpsc::Receiver<Chunk>,
    recycle: mpsc::SyncSender<Chunk>,
    /// Chunks read ahead, not yet taken.
    ahead: std::collections::VecDeque<Chunk>,
    handle: Option<thread::JoinHandle<Result<(u64, SourceDigest)>>>,
    info: InputInfo,
    mapping: Mapping,
    /// The source's size on disk, when it has one.
    source_size: Option<u64>,
    delimiter: u8,
}

impl ChunkReader {
    fn spawn(file: InputFile, chunk_rows: usize) -> ChunkReader {
        let InputFile {
            path,
            label,
            encoding,
            delimiter,
            mapping,
            mut reader,
            source,
            size,
            ..
        } = file;
        let source_size = source.size;
        let info = InputInfo {
            path: path.display().to_string(),
            bytes: 0,
            rows: 0,
            encoding: encoding.as_str(),
            compression: source.compression(),
            delimiter: match delimiter {
                b'\t' => "tab".to_string(),
                d => (d as char).to_string(),
            },
            sha256: String::new(),
        };
        let width = mapping.width;
        let progress = source.progress();
        let compressed = source.compression() != Compression::None;
        // What the whole-file arrays are planned by: see `Chunk::text_size`.
        let text_size = move || match (size, source_size) {
            (Some(size), _) => Some(size),
            (None, Some(on_disk)) if compressed => progress.text_estimate(on_disk),
            _ => None,
        };
        let source_progress = source.progress();
        let thread_label = label;
        // Two chunks in flight: one being matched while the next is parsed. More would only
        // hold memory; fewer would stall one of the two cores.
        let (sender, receiver) = mpsc::sync_channel::<Chunk>(2);
        let (recycle, recycled) = mpsc::sync_channel::<Chunk>(4);
        let handle = thread::Builder::new()
            .name("csv-reader".into())
            .spawn(move || -> Result<(u64, SourceDigest)> {
                let mut rows = 0u64;
                // Each row is parsed into this one record, then copied into the chunk.
                let mut record = ByteRecord::with_capacity(ROW_BYTES_GUESS, width);
                let mut row_bytes = ROW_BYTES_GUESS;
                loop {
                    let mut chunk = match recycled.try_recv() {
                        Ok(mut chunk) => {
                            chunk.clear();
                            chunk
                        }
                        Err(_) => Chunk::with_capacity(chunk_rows, row_bytes, width),
                    };
                    let started = std::time::Instant::now();
                    let mut end = false;
                    while !chunk.is_full(chunk_rows) {
                        if record.as_slice().len() > LARGE_RECORD {
                            record = ByteRecord::with_capacity(ROW_BYTES_GUESS, width);
                        }
                        let more = reader
                            .read_byte_record(&mut record)
                            .map_err(|e| csv_error(&thread_label, e))?;
                        if !more {
                            end = true;
                            break;
                        }
                        let offset = record.position().map_or(0, |p| p.byte());
                        let line = reader.get_ref().line_of(offset);
                        if swallowed_lines(&record, width, delimiter) {
                            return Err(ErrorKind::Input {
                                file: thread_label.clone(),
                                line,
                                column: None,
                                message: "a quote opened in this row is not closed where the row ends, so the \
                                          lines after it were read as part of one field; fix the quote \
                                          (rows would otherwise be lost)"
                                    .into(),
                            }
                            .into());
                        }
                        chunk.push(&record, line);
                    }
                    chunk.seal();
                    let filled = chunk.len();
                    // A fresh chunk reserves what the rows so far took, 1/8 to spare.
                    if let Some(per_row) = chunk.text.len().checked_div(filled) {
                        row_bytes = per_row.max(1) * 9 / 8;
                    }
                    chunk.bytes_read = reader.position().byte();
                    chunk.source_read = source_progress.read();
                    chunk.text_size = text_size();
                    chunk.parse_time = started.elapsed();
                    rows += filled as u64;
                    if filled > 0 && sender.send(chunk).is_err() {
                        // The consumer stopped early (it failed); nothing to report here.
                        return Err(Error::other("the rows were not all read"));
                    }
                    if end {
                        break;
                    }
                }
                drop(reader);
                let digest = source.finish().map_err(|e| Error::io(&thread_label, e))?;
                Ok((rows, digest))
            })
            .expect("spawning the reader thread");
        ChunkReader {
            receiver,
            recycle,
            ahead: std::collections::VecDeque::new(),
            handle: Some(handle),
            info,
            mapping,
            source_size,
            delimiter,
        }
    }

    /// Where each canonical column comes from.
    pub(crate) fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// The source's size on disk (`None` for a stream), against which
    /// [`Chunk::source_read`] shows progress.
    pub(crate) fn source_size(&self) -> Option<u64> {
        self.source_size
    }

    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The next chunk, or `None` at the end of the file (or after a read error).
    pub(crate) fn next_chunk(&mut self) -> Option<Chunk> {
        self.ahead.pop_front().or_else(|| self.receiver.recv().ok())
    }

    /// Reads ahead until the chunks held have at least `rows` rows or the file ends, and
    /// gives them; [`ChunkReader::next_chunk`] then gives them again, first.
    pub(crate) fn read_ahead(&mut self, rows: usize) -> &[Chunk] {
        let mut held: usize = self.ahead.iter().map(|c| c.len()).sum();
        while held < rows {
            match self.receiver.recv() {
                Ok(chunk) => {
                    held += chunk.len();
                    self.ahead.push_back(chunk);
                }
                Err(_) => break,
            }
        }
        self.ahead.make_contiguous()
    }

    /// Gives a chunk's buffers back for reuse, so steady state allocates nothing per row.
    pub(crate) fn recycle(&self, chunk: Chunk) {
        let _ = self.recycle.try_send(chunk);
    }

    /// Waits for the reader thread: what was read (rows, bytes, hash), or the error that
    /// stopped it.
    pub(crate) fn finish(mut self) -> Result<InputInfo> {
        drop(std::mem::replace(
            &mut self.receiver,
            mpsc::sync_channel(0).1,
        ));
        self.ahead.clear();
        let (rows, digest) = match self.handle.take().map(|h| h.join()) {
            Some(Ok(result)) => result?,
            Some(Err(_)) => return Err(Error::other("the CSV reader thread panicked")),
            None => (
                0,
                SourceDigest {
                    bytes: 0,
                    sha256: String::new(),
                },
            ),
        };
        Ok(InputInfo {
            rows,
            bytes: digest.bytes,
            sha256: digest.sha256,
            ..self.info
        })
    }
}

/// True when a record swallowed the lines after it: it does not have the header's width and a
/// field holds a line break followed by a delimiter — rows read as text, the mark of an
/// unterminated quote. (A quoted name with a line break is a real, if odd, value, and a ragged
/// row with one is rejected like any ragged row.)
fn swallowed_lines(record: &ByteRecord, width: usize, delimiter: u8) -> bool {
    record.len() != width
        && record.iter().any(|f| {
            memchr::memchr2(b'\n', b'\r', f)
                .is_some_and(|at| memchr::memchr(delimiter, &f[at..]).is_some())
        })
}

/// A row that could not be read, for rejects.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reject {
    /// `participants` or `register`.
    pub(crate) file: &'static str,
    pub(crate) line: u64,
    /// The canonical column at fault, if one is.
    pub(crate) column: Option<&'static str>,
    pub(crate) error: String,
    /// The row's text, truncated.
    pub(crate) raw: String,
}

/// How much of a rejected row's text is kept.
pub(crate) const REJECT_RAW_CHARS: usize = 200;

impl Reject {
    pub(crate) fn new(
        file: &'static str,
        row: &Row<'_>,
        error: FieldError,
        delimiter: u8,
    ) -> Reject {
        Reject {
            file,
            line: row.line,
            column: error.column,
            error: error.message,
            raw: row.raw_text(delimiter, REJECT_RAW_CHARS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_that_looks_like_data_is_never_shown() {
        let data = [
            "1047219298",
            "Nguyễn Bảo Mỹ",
            "06/02/1941",
            "Nữ",
            "048141142547",
        ];
        let shown = describe_header(&data, b',');
        assert!(
            shown.starts_with("5 fields, and the first line looks like data"),
            "{shown}"
        );
        for value in data {
            assert!(!shown.contains(value), "{shown}");
        }
        let names = ["MA_SO_BHXH", "HO_TEN", "NGAY_SINH", "dob"];
        assert_eq!(
            describe_header(&names, b','),
            "MA_SO_BHXH, HO_TEN, NGAY_SINH, dob"
        );
    }

    #[test]
    fn a_cell_that_could_be_a_name_is_shown_by_position_only() {
        // A first line of data without a number or a date in it.
        let shown = describe_header(&["", "Nguyễn Văn Khải", "", "NGUYEN VAN KHAI", "Nam"], b',');
        assert_eq!(
            shown,
            "column 1 (empty), column 2 (not shown: not a plain column name), column 3 (empty), \
             column 4 (not shown: not a plain column name), Nam"
        );
    }

    #[test]
    fn one_field_holding_another_delimiter_gets_a_hint() {
        assert_eq!(
            describe_header(&["MA_SO_BHXH;HO_TEN;NGAY_SINH"], b','),
            "1 field, and the header holds `;`: is the file delimited by it? (set `delimiter` for \
             this file in the config, or --delimiter)"
        );
        assert_eq!(
            describe_header(&["MA_SO_BHXH;HO_TEN", "NGAY_SINH;GIOI_TINH"], b','),
            "2 fields, and the header holds `;`: is the file delimited by it? (set `delimiter` for \
             this file in the config, or --delimiter)"
        );
        assert_eq!(
            describe_header(&["a;b"], b';'),
            "column 1 (not shown: not a plain column name)"
        );
    }

    #[test]
    fn expected_rows_extrapolates_the_first_chunk_with_room_to_spare() {
        // 1,000 rows in the first 100 kB of a 10 MB file: about 100,000 rows, and 2 % to spare.
        assert_eq!(
            expected_rows(1_000, 100_000, Some(10_000_000)),
            Some(102_000)
        );
        assert_eq!(expected_rows(7, 0, Some(10_000_000)), Some(7));
        assert_eq!(expected_rows(1_000, 100_000, None), None);
    }

    fn mapping(width: usize) -> Mapping {
        Mapping::identity(vec!["column"; width])
    }

    /// A chunk of one row, sealed as the reader seals it.
    pub(crate) fn chunk_of(record: &ByteRecord) -> Chunk {
        let mut chunk = Chunk::with_capacity(1, 64, record.len());
        chunk.push(record, 2);
        chunk.seal();
        chunk
    }

    #[test]
    fn a_chunk_of_wide_empty_rows_is_full_by_its_field_ends_not_its_text() {
        // 20,000 empty columns a row: 20 kB of commas in the file, no text in the chunk, and
        // 80 kB of field ends. Bounded by its text alone, the chunk would never be full.
        let record = ByteRecord::from(vec![""; 20_000]);
        let mut chunk = Chunk::with_capacity(16, 64, record.len());
        let mut rows = 0;
        while !chunk.is_full(1_000_000) {
            chunk.push(&record, 2 + rows);
            rows += 1;
        }
        let row_bytes = 4 * record.len();
        assert!(chunk.bytes() >= CHUNK_BYTES);
        assert!(
            chunk.bytes() < CHUNK_BYTES + row_bytes,
            "one row past the bound at most"
        );
        assert_eq!(chunk.len(), CHUNK_BYTES.div_ceil(row_bytes));
        assert!(chunk.text.is_empty());
        // A row count bound still ends a chunk of short rows first.
        let mut small = Chunk::with_capacity(4, 8, 1);
        for line in 2..6 {
            assert!(!small.is_full(4));
            small.push(&ByteRecord::from(vec!["a"]), line);
        }
        assert!(small.is_full(4));
    }

    #[test]
    fn a_row_is_checked_on_its_own_when_its_chunk_is_not_clean_or_it_cuts_a_character() {
        let m = mapping(1);
        let mut chunk = Chunk::with_capacity(4, 8, 1);
        // "é" is 0xC3 0xA9: split between two rows, the chunk's text is UTF-8 end to end.
        for field in [&b"a\xc3"[..], &b"\xa9b"[..], "Hoà".as_bytes()] {
            chunk.push(&ByteRecord::from(vec![field]), 2);
        }
        chunk.seal();
        assert!(chunk.clean);
        assert_eq!(chunk.record(0).checked_text(), None);
        assert_eq!(chunk.record(1).checked_text(), None);
        assert_eq!(chunk.record(2).checked_text(), Some("Hoà"));
        assert!(Row::new(2, chunk.record(0), &m).field(0).is_err());
        assert!(Row::new(3, chunk.record(1), &m).field(0).is_err());
        assert_eq!(Row::new(4, chunk.record(2), &m).field(0).unwrap(), "Hoà");
        // A NUL byte anywhere leaves the chunk unclean; its other rows still read.
        chunk.push(&ByteRecord::from(vec![&b"x\0"[..]]), 5);
        chunk.seal();
        assert!(!chunk.clean);
        assert_eq!(chunk.record(2).checked_text(), None);
        assert_eq!(Row::new(4, chunk.record(2), &m).field(0).unwrap(), "Hoà");
        assert!(Row::new(5, chunk.record(3), &m).field(0).is_err());
    }

    #[test]
    fn a_chunk_gives_back_each_row_as_it_was_pushed() {
        let rows = [
            ByteRecord::from(vec!["a", "", "ccc"]),
            ByteRecord::from(vec![""]),
            ByteRecord::from(vec!["", "x", ""]),
            ByteRecord::from(vec!["Nguyễn", "1990"]),
        ];
        let mut chunk = Chunk::with_capacity(2, 4, 3);
        for (line, record) in rows.iter().enumerate() {
            chunk.push(record, line as u64 + 2);
        }
        assert_eq!(chunk.len(), rows.len());
        for (i, ((record, line), expected)) in chunk.rows(0..chunk.len()).zip(&rows).enumerate() {
            assert_eq!(line, i as u64 + 2);
            assert_eq!(record.len(), expected.len());
            assert_eq!(record.as_slice(), expected.as_slice());
            assert!(record.iter().eq(expected.iter()));
            assert_eq!(record.get(expected.len()), None);
        }
        assert_eq!(
            chunk.ranges(3),
            vec![0..3, 3..4],
            "tasks cover every row once, in order"
        );
        chunk.clear();
        assert_eq!(chunk.len(), 0);
        chunk.push(&rows[3], 9);
        assert_eq!(chunk.record(0).get(1), Some(&b"1990"[..]));
    }

    #[test]
    fn fields_are_checked_as_text_whether_or_not_the_row_is_clean() {
        let m = mapping(3);
        let clean = chunk_of(&ByteRecord::from(vec!["Nguyễn Văn An", "", "é"]));
        let row = Row::new(2, clean.record(0), &m);
        assert_eq!(row.field(0).unwrap(), "Nguyễn Văn An");
        assert_eq!(row.field(1).unwrap(), "");
        assert_eq!(row.field(2).unwrap(), "é");
        // "é" cut in two between fields: UTF-8 end to end, not apart.
        let cut = chunk_of(&ByteRecord::from(vec![
            &b"a\xc3"[..],
            &b"\xa9b"[..],
            &b"ok"[..],
        ]));
        let row = Row::new(3, cut.record(0), &m);
        assert!(row
            .field(0)
            .unwrap_err()
            .message
            .contains("invalid UTF-8 at byte 2"));
        assert!(row
            .field(1)
            .unwrap_err()
            .message
            .contains("invalid UTF-8 at byte 1"));
        assert_eq!(row.field(2).unwrap(), "ok");
        // A NUL anywhere sends every field through its own check.
        let nul = chunk_of(&ByteRecord::from(vec![&b"x\0"[..], &b"fine"[..], &b""[..]]));
        let row = Row::new(4, nul.record(0), &m);
        assert!(row.field(0).unwrap_err().message.contains("NUL"));
        assert_eq!(row.field(1).unwrap(), "fine");
    }
}
