//! Rows of bounded size: what keeps a run's memory bounded whatever it is given to read.
//!
//! The CSV parser holds a whole record in memory before it hands it over, so a file without
//! line breaks (a binary file, a device), or a quote opened and never closed, would make it read
//! the rest of the file into one record. [`BoundedRows`] sits under the parser, follows the
//! bytes as the parser will read them (a record ends at a line break outside quotes; a quote
//! opens a quoted field only at the start of a field, and `""` inside one is a quote), and
//! fails the read, naming the line the row starts on, as soon as a row grows past its limit:
//! [`HEADER_BYTES`] for the first row, [`ROW_BYTES`] for the others. A field is part of a row,
//! so the row limit bounds a field too.

use std::io::{self, Read};

/// The largest header row: column names, well below a kilobyte in any real export.
pub(crate) const HEADER_BYTES: u64 = 1 << 20;

/// The largest row (and so the largest field): real rows are a few hundred bytes; a 10 MB
/// field is still read (and cut to 200 characters in rejects.csv).
pub(crate) const ROW_BYTES: u64 = 16 << 20;

/// A reader that fails when a row outgrows its limit.
pub(crate) struct BoundedRows<R> {
    inner: R,
    delimiter: u8,
    /// Bytes read so far.
    offset: u64,
    /// Where the current row starts.
    row_start: u64,
    /// The line the current row starts on.
    row_line: u64,
    /// Line breaks (`\n`) read so far.
    newlines: u64,
    /// Rows ended so far (the first is the header).
    rows: u64,
    /// Inside a quoted field.
    quoted: bool,
    /// A quote inside a quoted field ended the last read: the next byte says whether it is a
    /// doubled quote or the field's end.
    quote_pending: bool,
    /// The last byte read (whether the next byte starts a field).
    last: Option<u8>,
}

impl<R: Read> BoundedRows<R> {
    pub(crate) fn new(inner: R, delimiter: u8) -> BoundedRows<R> {
        BoundedRows {
            inner,
            delimiter,
            offset: 0,
            row_start: 0,
            row_line: 1,
            newlines: 0,
            rows: 0,
            quoted: false,
            quote_pending: false,
            last: None,
        }
    }

    fn limit(&self) -> u64 {
        if self.rows == 0 {
            HEADER_BYTES
        } else {
            ROW_BYTES
        }
    }

    /// Follows `buf`, the bytes read at `self.offset`.
    fn follow(&mut self, buf: &[u8]) {
        let mut i = 0;
        if std::mem::take(&mut self.quote_pending) && !buf.is_empty() {
            if buf[0] == b'"' {
                i = 1; // A doubled quote: still inside the field.
            } else {
                self.quoted = false;
            }
        }
        while i < buf.len() {
            if self.quoted {
                match memchr::memchr(b'"', &buf[i..]) {
                    None => {
                        self.newlines += memchr::memchr_iter(b'\n', &buf[i..]).count() as u64;
                        break;
                    }
                    Some(at) => {
                        let q = i + at;
                        self.newlines += memchr::memchr_iter(b'\n', &buf[i..q]).count() as u64;
                        match buf.get(q + 1) {
                            Some(b'"') => i = q + 2,
                            Some(_) => {
                                self.quoted = false;
                                i = q + 1;
                            }
                            None => {
                                self.quote_pending = true;
                                i = q + 1;
                            }
                        }
                    }
                }
            } else {
                let Some(at) = memchr::memchr3(b'"', b'\n', b'\r', &buf[i..]) else {
                    break;
                };
                let p = i + at;
                match buf[p] {
                    b'"' => {
                        let before = if p > 0 { Some(buf[p - 1]) } else { self.last };
                        let field_start = match before {
                            None => true,
                            Some(b) => b == self.delimiter || b == b'\n' || b == b'\r',
                        };
                        self.quoted = field_start;
                    }
                    byte => {
                        if byte == b'\n' {
                            self.newlines += 1;
                        }
                        self.rows += 1;
                        self.row_start = self.offset + p as u64 + 1;
                        self.row_line = self.newlines + 1;
                    }
                }
                i = p + 1;
            }
        }
        if let Some(&b) = buf.last() {
            self.last = Some(b);
        }
    }
}

impl<R: Read> Read for BoundedRows<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.follow(&buf[..n]);
        self.offset += n as u64;
        let limit = self.limit();
        if self.offset - self.row_start > limit {
            let what = if self.rows == 0 {
                "the header row"
            } else {
                "a row"
            };
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {}: {what} is longer than {} MiB, the limit: is this a CSV file? (a \
                     file without line breaks, a binary file, or a quote that is never closed)",
                    self.row_line,
                    limit >> 20
                ),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a [`BoundedRows`] in reads of `step` bytes.
    fn read_all(data: &[u8], step: usize) -> io::Result<BoundedRows<&[u8]>> {
        let mut rows = BoundedRows::new(data, b',');
        let mut buf = vec![0u8; step];
        while rows.read(&mut buf)? > 0 {}
        Ok(rows)
    }

    #[test]
    fn rows_end_at_line_breaks_outside_quotes_whatever_the_read_sizes() {
        let data = b"a,b\r\n1,\"x\ny\"\n2,\"he said \"\"hi\"\"\n\",z\n3,5\"inch\n";
        for step in [1, 2, 3, 7, 64] {
            let rows = read_all(data, step).unwrap();
            // The header, rows 1 to 3 (the CRLF counts as two ends, harmlessly).
            assert_eq!(rows.rows, 5, "step {step}");
            assert!(!rows.quoted, "step {step}");
            assert_eq!(rows.newlines, 6, "step {step}");
        }
    }

    #[test]
    fn a_row_past_its_limit_fails_naming_its_line() {
        let mut data = b"a,b\n1,2\n3,\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', (ROW_BYTES + 10) as usize));
        let error = read_all(&data, 1 << 16).err().expect("the row is too long");
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(
            error
                .to_string()
                .starts_with("line 3: a row is longer than 16 MiB"),
            "{error}"
        );
        // A header without a line break fails at the header's own limit.
        let zeros = vec![0u8; (HEADER_BYTES + 1) as usize];
        let error = read_all(&zeros, 1 << 16)
            .err()
            .expect("the header is too long");
        assert!(
            error.to_string().starts_with("line 1: the header row"),
            "{error}"
        );
    }
}
