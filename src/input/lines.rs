//! Line numbers that are right.
//!
//! `csv::Position::line()` miscounts in files with CRLF line ends (every line one too small) and
//! after blank lines, and auditors look rows up by line number. A
//! record's byte offset is reliable up to one thing: it may point into the line terminators
//! (`\r`, `\n`, blank lines) before the record rather than at its first byte. So
//! [`LineCounter`] sits under the CSV parser, notes where every run of terminator bytes and every
//! `\n` is as the bytes go by, skips a run the offset points into, and counts the newlines before
//! the record's real start. It keeps only what lies in the parser's read-ahead, not yet asked
//! about, so memory stays at the read-ahead's size, not the file's.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that records newline offsets for [`LineCounter::line_of`].
pub(crate) struct LineCounter<R> {
    inner: R,
    state: RefCell<State>,
}

struct State {
    /// Bytes read from `inner` so far.
    offset: u64,
    /// Newlines before every offset still in `newlines`.
    passed: u64,
    /// Offsets of newlines not yet passed by a query.
    newlines: VecDeque<u64>,
    /// Runs of consecutive `\r`/`\n` bytes (first, last offset) not yet passed by a query.
    runs: VecDeque<(u64, u64)>,
}

impl<R: Read> LineCounter<R> {
    pub(crate) fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            state: RefCell::new(State {
                offset: 0,
                passed: 0,
                newlines: VecDeque::new(),
                runs: VecDeque::new(),
            }),
        }
    }

    /// The 1-based line of the byte at `offset`. Offsets must be asked in non-decreasing order
    /// (records come in file order), and must be within what has been read.
    pub(crate) fn line_of(&self, offset: u64) -> u64 {
        let mut state = self.state.borrow_mut();
        while state.runs.front().is_some_and(|&(_, last)| last < offset) {
            state.runs.pop_front();
        }
        // Inside a run of terminators: the record starts after it.
        let start = match state.runs.front() {
            Some(&(first, last)) if first <= offset => last + 1,
            _ => offset,
        };
        while state.newlines.front().is_some_and(|&nl| nl < start) {
            state.newlines.pop_front();
            state.passed += 1;
        }
        state.passed + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let state = self.state.get_mut();
        let base = state.offset;
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            let at = base + i as u64;
            if buf[i] == b'\n' {
                state.newlines.push_back(at);
            }
            match state.runs.back_mut() {
                Some((_, last)) if *last + 1 == at => *last = at,
                _ => state.runs.push_back((at, at)),
            }
        }
        state.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_records_in_crlf_files_with_blank_lines_and_quoted_newlines() {
        let data = b"a,b\r\n1,x\r\n\r\n2,\"y\r\nz\"\r\n3,w\r\n\n\n4,v\n";
        let counter = LineCounter::new(&data[..]);
        let mut reader = csv::ReaderBuilder::new()
            .buffer_capacity(4)
            .from_reader(counter);
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let offset = record.position().unwrap().byte();
            lines.push(reader.get_ref().line_of(offset));
        }
        assert_eq!(lines, vec![2, 4, 6, 9]);
    }
}
