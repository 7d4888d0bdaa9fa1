//! The baseline of the 1M target (BENCHMARKS.md): the time to merely read both CSV files once. Parses every
//! record with the csv crate into one reused `ByteRecord` and counts them, doing nothing else,
//! so `popsync reconcile` time / this time is the cost of everything popsync adds. A gzip or
//! zstd file (told by its first bytes, as popsync does) is decompressed with the same decoders
//! popsync uses, on the reading thread: so for compressed files the time is decompression plus
//! parsing, and the difference from the plain files' time is the decompression itself.
//!
//! `cargo run --release --example plain_read -- FILE...`

use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut total = 0u64;
    for path in std::env::args_os().skip(1) {
        let mut file = BufReader::with_capacity(1 << 20, std::fs::File::open(&path)?);
        let head = file.fill_buf()?;
        let text: Box<dyn Read> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(flate2::bufread::MultiGzDecoder::new(file))
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Box::new(zstd::stream::read::Decoder::with_buffer(file)?)
        } else {
            Box::new(file)
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(text);
        let mut record = csv::ByteRecord::new();
        let mut rows = 0u64;
        while reader.read_byte_record(&mut record)? {
            rows += 1;
        }
        println!("{}: {rows} rows", path.to_string_lossy());
        total += rows;
    }
    println!("{total} rows in {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
