//! Small files read whole: a config, a province table, a previous set's manifest and summary.
//! Each is read only when it is a regular file, and only up to a limit, so that a path naming a
//! device, a FIFO or a huge file by mistake ends with a clear error instead of a hang or a run
//! out of memory.

use std::io::{self, Read};
use std::path::Path;

/// The most a small file may hold: far more than any config or manifest needs.
pub(crate) const LIMIT: u64 = 16 << 20;

/// The text of the regular file `path`, at most [`LIMIT`] bytes of UTF-8.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file",
        ));
    }
    if metadata.len() > LIMIT {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)?
        .take(LIMIT + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > LIMIT {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("is not UTF-8 text ({})", e.utf8_error()),
        )
    })
}

fn too_large() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "is larger than {} MiB, the most a file of this kind may hold",
            LIMIT >> 20
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_refused_without_reading_it() {
        let error = read_text(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn a_regular_file_reads_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        assert_eq!(read_text(&path).unwrap(), "a = 1\n");
        std::fs::write(&path, b"\xff").unwrap();
        assert_eq!(
            read_text(&path).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }
}
