//! Where an input's bytes come from: a file, a FIFO, or standard input (`-`); plain, gzip or
//! zstd, told apart by the first bytes, not by the name.
//!
//! Every input is read exactly once, front to back, so a pipe works like a file. A thread of
//! its own reads the source in blocks, hashes the bytes as they are (manifest.json's SHA-256 is
//! that of the file on disk, compressed or not), decompresses them, and hands the blocks to the
//! CSV parser through a bounded channel: reading, hashing and inflating overlap the parsing,
//! and a bounded number of blocks is held whatever the source's size: [`BLOCKS_IN_FLIGHT`] on
//! their way, the one being read, and as many kept for reuse (about 10 MiB at the most).
//!
//! A FIFO is opened without waiting for a writer (opening one blocks until a writer comes); the
//! reader thread then waits for the first data, so the run's other work goes on meanwhile and a
//! stop signal still ends it cleanly. A terminal is never read: a scheduled run would wait for
//! typing that never comes.

use std::fs::File;
use std::io::{self, Cursor, IsTerminal, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};

/// The bytes handed over at a time.
const BLOCK_BYTES: usize = 1 << 20;

/// Blocks read ahead of the parser: enough to keep both sides busy, few enough to be nothing.
const BLOCKS_IN_FLIGHT: usize = 4;

/// How an input is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// The compression the first bytes of a stream announce (gzip: 1f 8b; zstd: 28 b5 2f fd).
    fn of(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// True when `path` names standard input (`-`).
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How an input is named in messages: its path, or "standard input".
pub(crate) fn label(path: &Path) -> PathBuf {
    if is_stdin(path) {
        PathBuf::from("standard input")
    } else {
        path.to_path_buf()
    }
}

/// How far a source's reading has come: the bytes read from it, and the bytes of text they
/// gave (the same unless it is compressed).
#[derive(Debug, Default)]
pub(crate) struct SourceProgress {
    read: AtomicU64,
    decoded: AtomicU64,
}

impl SourceProgress {
    /// Bytes read from the source so far (before decompression).
    pub(crate) fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The size of the whole text of a compressed source of `size` bytes on disk, extrapolated
    /// from the text its bytes read so far gave, with a quarter to spare (compression varies
    /// along a file; what is reserved and not used costs address space, not memory).
    pub(crate) fn text_estimate(&self, size: u64) -> Option<u64> {
        let (read, decoded) = (
            self.read.load(Ordering::Relaxed),
            self.decoded.load(Ordering::Relaxed),
        );
        (read > 0).then(|| (size as f64 * decoded as f64 / read as f64 * 1.25) as u64)
    }
}

/// What reading a source found, once it is read to its end: the bytes as they came (before
/// decompression) and their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceDigest {
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
}

/// The reading thread of one source, and what it tells as it goes.
pub(crate) struct SourceHandle {
    /// Size on disk of a regular file; `None` for a pipe, a FIFO or a device.
    pub(crate) size: Option<u64>,
    /// How far the reading has come, for progress and for estimating a compressed file's text.
    progress: Arc<SourceProgress>,
    compression: Arc<OnceLock<Compression>>,
    thread: JoinHandle<io::Result<SourceDigest>>,
}

impl SourceHandle {
    /// How far the reading has come.
    pub(crate) fn progress(&self) -> Arc<SourceProgress> {
        Arc::clone(&self.progress)
    }

    /// The compression found, once the first block has come through (`None` before).
    pub(crate) fn compression(&self) -> Compression {
        self.compression.get().copied().unwrap_or(Compression::None)
    }

    /// Waits for the thread, which has ended when its blocks have all been read.
    pub(crate) fn finish(self) -> io::Result<SourceDigest> {
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the input reading thread panicked")))
    }
}

/// The decompressed bytes of a source, as a reader.
pub(crate) struct Blocks {
    receiver: Receiver<io::Result<Vec<u8>>>,
    recycle: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl Read for Blocks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.receiver.recv() {
                Ok(Ok(block)) => {
                    let used = std::mem::replace(&mut self.current, block);
                    let _ = self.recycle.try_send(used);
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0), // the thread ended: the source is read to its end
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Opens the source `path` names (`-`: standard input) and starts reading it on a thread.
pub(crate) fn open(path: &Path) -> Result<(Blocks, SourceHandle)> {
    let name = label(path);
    let (file, fifo) = open_file(path).map_err(|e| Error::io(&name, e))?;
    let size = match file.metadata() {
        Ok(m) if m.is_file() => Some(m.len()),
        _ => None,
    };
    let progress = Arc::new(SourceProgress::default());
    let compression = Arc::new(OnceLock::new());
    let (sender, receiver) = mpsc::sync_channel(BLOCKS_IN_FLIGHT);
    let (recycle, recycled) = mpsc::sync_channel(BLOCKS_IN_FLIGHT + 1);
    let thread = {
        let (progress, compression) = (Arc::clone(&progress), Arc::clone(&compression));
        std::thread::Builder::new()
            .name("input-source".into())
            .spawn(move || {
                let reading = Reading {
                    sender,
                    recycled,
                    progress,
                    compression,
                };
                reading.run(file, fifo)
            })
            .map_err(|e| Error::io(&name, e))?
    };
    Ok((
        Blocks {
            receiver,
            recycle,
            current: Vec::new(),
            at: 0,
        },
        SourceHandle {
            size,
            progress,
            compression,
            thread,
        },
    ))
}

/// The file behind `path`, and whether it is a FIFO (opened without blocking, see the module).
fn open_file(path: &Path) -> io::Result<(File, bool)> {
    if is_stdin(path) {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return Err(io::Error::other(
                "is a terminal: give `-` only when the data is piped in \
                 (an export command | popsync reconcile --participants - …)",
            ));
        }
        let fd = rustix::io::dup(&stdin)?;
        let file = File::from(fd);
        let fifo = file.metadata()?.file_type().is_fifo();
        return Ok((file, fifo));
    }
    let metadata = std::fs::metadata(path)?;
    let kind = metadata.file_type();
    if kind.is_dir() {
        return Err(io::Error::other("is a directory, not a CSV file"));
    }
    if kind.is_socket() {
        return Err(io::Error::other("is a socket, not a CSV file"));
    }
    let fifo = kind.is_fifo();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    if fifo {
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    if file.is_terminal() {
        return Err(io::Error::other(
            "is a terminal, not a CSV file: a scheduled run would wait for typing",
        ));
    }
    Ok((file, fifo))
}

/// The reading thread's ends of the channels.
struct Reading {
    sender: SyncSender<io::Result<Vec<u8>>>,
    recycled: Receiver<Vec<u8>>,
    progress: Arc<SourceProgress>,
    compression: Arc<OnceLock<Compression>>,
}

impl Reading {
    fn run(self, file: File, fifo: bool) -> io::Result<SourceDigest> {
        let result = self.pump(file, fifo);
        if let Err(e) = &result {
            // The parser learns of the fault from the stream itself, so that a truncated or
            // corrupt file ends the run with an error instead of looking like its end.
            let _ = self
                .sender
                .send(Err(io::Error::new(e.kind(), e.to_string())));
        }
        result
    }

    fn pump(&self, file: File, fifo: bool) -> io::Result<SourceDigest> {
        if fifo {
            wait_for_writer(&file)?;
        }
        let mut hashed = Hashed {
            inner: file,
            hasher: Sha256::new(),
            bytes: 0,
            read: &self.progress.read,
        };
        let mut head = Vec::with_capacity(4);
        (&mut hashed).take(4).read_to_end(&mut head)?;
        let compression = Compression::of(&head);
        let _ = self.compression.set(compression);
        let raw = Cursor::new(head).chain(&mut hashed);
        match compression {
            Compression::None => self.send_all(raw)?,
            Compression::Gzip => self.send_all(flate2::read::MultiGzDecoder::new(raw))?,
            Compression::Zstd => self.send_all(zstd::stream::read::Decoder::new(raw)?)?,
        }
        // A decoder may stop at the end of its data with bytes left (trailing garbage after
        // the last gzip member): they are read too, so the hash is the whole file's.
        io::copy(&mut hashed, &mut io::sink())?;
        Ok(SourceDigest {
            bytes: hashed.bytes,
            sha256: hashed
                .hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        })
    }

    fn send_all(&self, mut decoded: impl Read) -> io::Result<()> {
        loop {
            let mut block = self
                .recycled
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(BLOCK_BYTES));
            block.clear();
            (&mut decoded)
                .take(BLOCK_BYTES as u64)
                .read_to_end(&mut block)?;
            if block.is_empty() {
                return Ok(());
            }
            (self.progress.decoded).fetch_add(block.len() as u64, Ordering::Relaxed);
            if self.sender.send(Ok(block)).is_err() {
                // The parser stopped early (the run failed): nothing more is wanted.
                return Ok(());
            }
        }
    }
}

/// Waits until a FIFO opened without blocking has data or its writer has come and gone, then
/// makes its reads blocking.
fn wait_for_writer(file: &File) -> io::Result<()> {
    use rustix::event::{poll, PollFd, PollFlags};
    loop {
        let mut fds = [PollFd::new(file, PollFlags::IN)];
        match poll(&mut fds, None) {
            Ok(_) if !fds[0].revents().is_empty() => break,
            Ok(_) | Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let flags = rustix::fs::fcntl_getfl(file)?;
    rustix::fs::fcntl_setfl(file, flags - rustix::fs::OFlags::NONBLOCK)?;
    Ok(())
}

/// A reader that hashes and counts what it reads.
struct Hashed<'a> {
    inner: File,
    hasher: Sha256,
    bytes: u64,
    read: &'a AtomicU64,
}

impl Read for Hashed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        self.read.store(self.bytes, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(path: &Path) -> (Vec<u8>, Compression, SourceDigest) {
        let (mut blocks, handle) = open(path).unwrap();
        let mut out = Vec::new();
        blocks.read_to_end(&mut out).unwrap();
        let compression = handle.compression();
        (out, compression, handle.finish().unwrap())
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn plain_gzip_and_zstd_files_give_the_same_bytes_and_the_hash_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..200_000)
            .flat_map(|i| format!("{i},Nguyễn Văn An,01/02/1990\n").into_bytes())
            .collect();
        let plain = dir.path().join("p.csv");
        std::fs::write(&plain, &text).unwrap();
        let gz = dir.path().join("p.csv.gz");
        // Two members, as `cat a.gz b.gz` makes: both are read.
        let half = text.len() / 2;
        let mut gz_bytes = Vec::new();
        for part in [&text[..half], &text[half..]] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part).unwrap();
            gz_bytes.extend(e.finish().unwrap());
        }
        std::fs::write(&gz, &gz_bytes).unwrap();
        // No telling extension: compression is found by content.
        let zst = dir.path().join("p.data");
        let zst_bytes = zstd::stream::encode_all(&text[..], 3).unwrap();
        std::fs::write(&zst, &zst_bytes).unwrap();

        for (path, compression, on_disk) in [
            (&plain, Compression::None, &text),
            (&gz, Compression::Gzip, &gz_bytes),
            (&zst, Compression::Zstd, &zst_bytes),
        ] {
            let (out, found, digest) = read_all(path);
            assert!(out == text, "{}", path.display());
            assert_eq!(found, compression);
            assert_eq!(digest.bytes, on_disk.len() as u64);
            assert_eq!(digest.sha256, sha256_hex(on_disk));
        }
    }

    #[test]
    fn a_truncated_gzip_file_is_an_error_not_an_early_end() {
        let dir = tempfile::tempdir().unwrap();
        let text = "a,b\n".repeat(100_000);
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        let bytes = e.finish().unwrap();
        let path = dir.path().join("cut.gz");
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let (mut blocks, handle) = open(&path).unwrap();
        let mut out = Vec::new();
        assert!(blocks.read_to_end(&mut out).is_err());
        assert!(handle.finish().is_err());
    }

    #[test]
    fn a_fifo_is_read_once_its_writer_comes() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        // Opening does not wait for the writer.
        let (mut blocks, handle) = open(&fifo).unwrap();
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                std::fs::write(fifo, "a,b\n1,2\n").unwrap();
            })
        };
        let mut out = String::new();
        blocks.read_to_string(&mut out).unwrap();
        writer.join().unwrap();
        assert_eq!(out, "a,b\n1,2\n");
        assert_eq!(handle.size, None, "a FIFO has no size to plan by");
        assert_eq!(handle.finish().unwrap().bytes, 8);
    }

    #[test]
    fn directories_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let Err(err) = open(dir.path()) else {
            panic!("a directory was opened")
        };
        assert!(err.to_string().contains("is a directory"), "{err}");
    }
}
