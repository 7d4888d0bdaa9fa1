//! The baseline of the 1M target (BENCHMARKS.md): the time to merely read both CSV files once. Parses every
//! record with the csv crate into one reused `ByteRecord` and counts them, doing nothing else,
//! so `popsync reconcile` time / this time is the cost of everything popsync adds.
//!
//! `cargo run --release --example plain_read -- FILE...`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut total = 0u64;
    for path in std::env::args_os().skip(1) {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(
            std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path)?),
        );
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
