//! Raw records of the CSV text popsync itself wrote, for the finalize pass.
//!
//! In: scratch files written by the csv crate's writer or by [`push_field`], which quotes as it
//! does (a `\n` after each record; a field with a quote, comma or line break quoted, its quotes
//! doubled). Out: each record's bytes as written,
//! terminator included, and the byte range of a field inside one. Guarantee: the split is the
//! csv crate's own, for any field content; bytes are never changed.
//!
//! Why not `csv::Reader`: the finalize pass copies gigabytes of rows of which only a few get a
//! flag. Parsing every field and writing it back runs at CSV speed, on one thread; finding
//! record ends with `memchr` runs at memory speed.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::ops::Range;

use crate::matching::ReasonSet;

/// Reads raw records one after another.
pub(crate) struct RawRecords<R> {
    reader: BufReader<R>,
}

impl<R: Read> RawRecords<R> {
    pub(crate) fn new(inner: R) -> RawRecords<R> {
        RawRecords {
            reader: BufReader::with_capacity(1 << 20, inner),
        }
    }

    /// Reads the next record into `record` (cleared first); false at the end of the input.
    /// A newline ends the record only outside quotes; a doubled quote toggles the quoting state
    /// twice, so the state is right without unescaping anything.
    pub(crate) fn read(&mut self, record: &mut Vec<u8>) -> io::Result<bool> {
        record.clear();
        let mut quoted = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return if record.is_empty() {
                    Ok(false)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "intermediate file ends inside a record",
                    ))
                };
            }
            let mut at = 0;
            let mut end = None;
            while let Some(i) = memchr::memchr2(b'"', b'\n', &buf[at..]) {
                let i = at + i;
                at = i + 1;
                if buf[i] == b'"' {
                    quoted = !quoted;
                } else if !quoted {
                    end = Some(at);
                    break;
                }
            }
            let taken = end.unwrap_or(buf.len());
            record.extend_from_slice(&buf[..taken]);
            self.reader.consume(taken);
            if end.is_some() {
                return Ok(true);
            }
        }
    }
}

/// The byte range of field `index` in a raw record (quotes included), or `None` when the record
/// has fewer fields.
pub(crate) fn field_span(record: &[u8], index: usize) -> Option<Range<usize>> {
    let mut start = 0;
    for field in 0..=index {
        let mut pos = start;
        if record.get(pos) == Some(&b'"') {
            pos += 1;
            loop {
                let quote = pos + memchr::memchr(b'"', &record[pos..])?;
                if record.get(quote + 1) == Some(&b'"') {
                    pos = quote + 2;
                } else {
                    pos = quote + 1;
                    break;
                }
            }
        }
        let end = memchr::memchr2(b',', b'\n', &record[pos..]).map_or(record.len(), |i| pos + i);
        if field == index {
            return Some(start..end);
        }
        if record.get(end) != Some(&b',') {
            return None;
        }
        start = end + 1;
    }
    None
}

/// Appends `value` as a CSV field, quoted as the csv crate's writer quotes it by default: only
/// when it holds a comma, a quote or a line break, its quotes doubled. Why not the writer: the
/// rows of results.csv and mismatches.csv are short cells, most needing no quotes, and the
/// writer's per-field state machine costs more than their text.
pub(crate) fn push_field(out: &mut Vec<u8>, value: &[u8]) {
    // A plain loop: cells are a few bytes, where memchr's setup costs more than the scan.
    let plain = !value
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if plain {
        out.extend_from_slice(value);
        return;
    }
    out.push(b'"');
    let mut rest = value;
    while let Some(i) = memchr::memchr(b'"', rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(b'"');
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// Appends a record of `cells` (each quoted as [`push_field`] quotes it) and its `\n`.
pub(crate) fn push_record<T: AsRef<[u8]>>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = T>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_field(out, cell.as_ref());
    }
    out.push(b'\n');
}

/// A field's value: its raw bytes without the quotes, doubled quotes undone.
pub(crate) fn unquote(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match raw {
        [b'"', inner @ .., b'"'] => {
            let mut value = Vec::with_capacity(inner.len());
            let mut rest = inner;
            while let Some(i) = memchr::memchr(b'"', rest) {
                value.extend_from_slice(&rest[..=i]);
                // The quote's double is skipped.
                rest = rest.get(i + 2..).unwrap_or(&[]);
            }
            value.extend_from_slice(rest);
            value.into()
        }
        _ => raw.into(),
    }
}

/// Field `index` of a raw record, unquoted; empty when the record has fewer fields.
pub(crate) fn field(record: &[u8], index: usize) -> std::borrow::Cow<'_, [u8]> {
    field_span(record, index).map_or(std::borrow::Cow::Borrowed(&[][..]), |span| {
        unquote(&record[span])
    })
}

/// Writes a raw record with `flags` added to its reasons field (field `reasons_at`).
pub(crate) fn write_flagged(
    w: &mut impl Write,
    record: &[u8],
    reasons_at: usize,
    flags: ReasonSet,
) -> std::io::Result<()> {
    if flags.is_empty() {
        return w.write_all(record);
    }
    let span = field_span(record, reasons_at).ok_or_else(|| {
        std::io::Error::other("internal error: intermediate row without its reasons field")
    })?;
    // Reason codes are snake_case: the field is never quoted, so text appends as is.
    w.write_all(&record[..span.end])?;
    let mut first = span.is_empty();
    for flag in flags.iter() {
        if !first {
            w.write_all(b";")?;
        }
        first = false;
        w.write_all(flag.as_str().as_bytes())?;
    }
    w.write_all(&record[span.end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pushed_field_is_quoted_exactly_as_the_csv_writer_quotes_it() {
        let values: [&[u8]; 12] = [
            b"",
            b"0123456789",
            b"a,b",
            b"say \"hi\"",
            b"\"",
            b"line\nbreak",
            b"carriage\rreturn",
            b" spaced ",
            b"#comment",
            b"'=1+1",
            "Nguyễn Thị Hoà".as_bytes(),
            b"x\"\",\n\"",
        ];
        for value in values {
            let mut ours = Vec::new();
            push_record(&mut ours, [value, &b"x"[..]]);
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record([value, &b"x"[..]]).unwrap();
            let theirs = writer.into_inner().unwrap();
            assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(value));
            let span = field_span(&ours, 0).unwrap();
            assert_eq!(unquote(&ours[span]), value, "read back whole");
        }
        let mut ours = Vec::new();
        push_record(&mut ours, values);
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(values).unwrap();
        assert_eq!(ours, writer.into_inner().unwrap(), "a record of them all");
    }

    /// Rows with every kind of field the csv writer quotes.
    fn written(rows: &[Vec<&str>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for row in rows {
            w.write_record(row).unwrap();
        }
        w.into_inner().unwrap()
    }

    fn nasty_rows() -> Vec<Vec<&'static str>> {
        vec![
            vec!["A1", "SYNCED", "", "", "1.5", ""],
            vec!["a,b", "DIFF", "x", "\"quoted\"", "", "name_typo"],
            vec!["line\nbreak", "", "\"", "\r\n", "\"\"", "id_missing;old_id"],
            vec!["", "", "", "", "", ""],
            vec!["Nguyễn \"Văn\", A", "ok"],
            vec!["\"start", "end\"", "mid\"dle\n"],
        ]
    }

    #[test]
    fn records_split_as_the_csv_crate_reads_them() {
        let rows = nasty_rows();
        let text = written(&rows);
        // A tiny buffer puts record ends, quotes and line breaks across buffer refills.
        for capacity in [1usize, 2, 3, 7, 1 << 20] {
            let mut raw = RawRecords {
                reader: BufReader::with_capacity(capacity, &text[..]),
            };
            let mut record = Vec::new();
            let mut copied = Vec::new();
            let mut count = 0;
            while raw.read(&mut record).unwrap() {
                let expected = &rows[count];
                for (i, value) in expected.iter().enumerate() {
                    assert_eq!(field(&record, i).as_ref(), value.as_bytes(), "{record:?}");
                }
                assert!(field_span(&record, expected.len()).is_none());
                copied.extend_from_slice(&record);
                count += 1;
            }
            assert_eq!(count, rows.len());
            assert_eq!(copied, text, "records are the bytes as written");
        }
    }

    #[test]
    fn a_record_cut_short_is_an_error() {
        let mut raw = RawRecords::new(&b"a,\"b\nc"[..]);
        assert!(raw.read(&mut Vec::new()).is_err());
    }
}
