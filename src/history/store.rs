//! The history file: a SQLite database of popsync's own, opened, checked and migrated.
//!
//! A file is popsync's history when its SQLite `application_id` is popsync's; its
//! `user_version` is the schema's version. A newer popsync's history is refused, never
//! rewritten; an older one is migrated in one transaction; a file that is not a SQLite
//! database, is damaged, or belongs to another program is an error naming it, never replaced.
//! Writers take SQLite's lock: a second writer waits up to [`BUSY_WAIT`], then fails with
//! exit 4, having changed nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::error::{Error, ErrorKind, Result};

/// "pops": the `application_id` of a popsync history.
const APPLICATION_ID: i32 = 0x706f_7073;

/// The schema this popsync writes; [`MIGRATIONS`]`[v]` takes a history from version `v` to
/// `v + 1`.
pub(crate) const SCHEMA_VERSION: i32 = 1;

/// How long a writer waits for another to finish before giving up.
pub(crate) const BUSY_WAIT: Duration = Duration::from_secs(60);

const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [SCHEMA_1];

/// The first schema (docs/history.md describes every table).
const SCHEMA_1: &str = "
CREATE TABLE runs (
    run INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'published')),
    folder TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    tool_commit TEXT NOT NULL,
    participants INTEGER NOT NULL,
    synced INTEGER NOT NULL,
    thresholds TEXT NOT NULL,
    config TEXT NOT NULL
);
CREATE TABLE run_inputs (
    run INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    role TEXT NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER,
    rows INTEGER NOT NULL,
    sha256 TEXT,
    PRIMARY KEY (run, role)
) WITHOUT ROWID;
CREATE TABLE run_counts (
    run INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    scope TEXT NOT NULL,
    scope_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (run, scope, scope_code, kind, code)
) WITHOUT ROWID;
CREATE TABLE run_backlog (
    run INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE,
    status TEXT NOT NULL,
    nights TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (run, status, nights)
) WITHOUT ROWID;
CREATE TABLE open_rows (
    run INTEGER PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
    rows BLOB NOT NULL
);
CREATE TABLE decisions (
    decision INTEGER PRIMARY KEY AUTOINCREMENT,
    insurance_code TEXT NOT NULL,
    person_id TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    reviewer TEXT NOT NULL,
    note TEXT NOT NULL,
    imported TEXT NOT NULL,
    source TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    reviewed_run INTEGER NOT NULL REFERENCES runs,
    record TEXT NOT NULL
);
CREATE INDEX decisions_by_code ON decisions (insurance_code);
";

/// An open history.
pub(crate) struct History {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

/// Whether opening a history may create it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    /// A night and an import start a history where there is none (file mode `mode`).
    CreateWithMode(u32),
    /// `popsync review import` writes into one that exists.
    Existing,
    /// `popsync history` and `popsync check` read one that exists, and write nothing (an older
    /// schema is not migrated: a writer does that).
    ReadOnly,
}

impl History {
    /// Opens the history at `path`, creating it when `open` allows, and checks that it is
    /// popsync's, of a schema this popsync reads (migrating an older one), and not damaged.
    pub(crate) fn open(path: &Path, open: Open) -> Result<History> {
        let exists = path.exists();
        if !exists {
            match open {
                Open::Existing | Open::ReadOnly => {
                    return Err(Error::config(
                        path,
                        "there is no history here: a night writes it (reconcile with this \
                         --history, or its default in the output folder's OUT.history/)",
                    ))
                }
                Open::CreateWithMode(mode) => create_file(path, mode)?,
            }
        }
        let access = match open {
            Open::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            _ => OpenFlags::SQLITE_OPEN_READ_WRITE,
        };
        let flags = access | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(path, e))?;
        let mut history = History {
            conn,
            path: path.to_path_buf(),
        };
        history.prepare(open == Open::ReadOnly)?;
        Ok(history)
    }

    /// Sets the connection up, and checks the schema, migrating an older one unless
    /// `read_only`.
    fn prepare(&mut self, read_only: bool) -> Result<()> {
        let path = self.path.clone();
        let fail = |e| sql_error(&path, e);
        self.conn.busy_timeout(BUSY_WAIT).map_err(fail)?;
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(fail)?;
        let (application, version) = self.ids().map_err(fail)?;
        if application == APPLICATION_ID && version == SCHEMA_VERSION {
            return self.check_integrity();
        }
        if read_only {
            return match (application, version) {
                (APPLICATION_ID, v) if v > SCHEMA_VERSION => Err(newer(&path, v)),
                (APPLICATION_ID, v) if v >= 1 => self.check_integrity(),
                _ => Err(not_a_history(&path)),
            };
        }
        // Checked again inside the writer's lock: another process may be doing the same.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let application: i32 = tx
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(fail)?;
        let version: i32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(fail)?;
        let from = match (application, version) {
            (0, 0) if tables == 0 => 0,
            (APPLICATION_ID, v) if v > SCHEMA_VERSION => return Err(newer(&path, v)),
            (APPLICATION_ID, v) if v >= 1 => v,
            _ => return Err(not_a_history(&path)),
        };
        for (v, step) in MIGRATIONS.iter().enumerate().skip(from as usize) {
            tx.execute_batch(step).map_err(fail)?;
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                v + 1
            ))
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        self.check_integrity()
    }

    fn ids(&self) -> rusqlite::Result<(i32, i32)> {
        let application = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok((application, version))
    }

    /// SQLite's own check of the file's structure (`quick_check`: every page, no index
    /// contents; the history is small).
    fn check_integrity(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| sql_error(&self.path, e))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(damaged(&self.path))
        }
    }

    /// A write transaction, the history's lock taken at once (waiting for another writer up
    /// to [`BUSY_WAIT`]).
    pub(crate) fn write(&mut self) -> Result<rusqlite::Transaction<'_>> {
        let path = self.path.clone();
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&path, e))
    }

    /// The error of a failed statement on this history.
    pub(crate) fn fail(&self, e: rusqlite::Error) -> Error {
        sql_error(&self.path, e)
    }
}

/// Creates an empty history file with the permissions `mode`, those of the output files (it
/// holds insurance codes and reviewers' names), and its folder when missing, with the same
/// permissions as the output folders; whatever the umask.
fn create_file(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let set_mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(path, e))
    };
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        let dir_mode = crate::report::output::folder_mode(mode);
        crate::report::folder::create_dirs(dir, dir_mode)?;
        set_mode(dir, dir_mode)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
    {
        Ok(_) => set_mode(path, mode),
        // Another process made it first: it is opened as it is.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn newer(path: &Path, version: i32) -> Error {
    Error::config(
        path,
        format!(
            "this history was written by a newer popsync (history schema {version}; this \
             popsync reads up to {SCHEMA_VERSION}): run that popsync, or give this one another \
             --history; the file is left as it is"
        ),
    )
}

fn not_a_history(path: &Path) -> Error {
    Error::config(
        path,
        "is a SQLite database, but not a popsync history: give --history a file of its own; \
         the file is left as it is",
    )
}

fn damaged(path: &Path) -> Error {
    Error::config(
        path,
        "the history is damaged (SQLite's integrity check fails): keep a copy for inspection, \
         restore it from a backup, or give --history a new file; popsync never replaces it",
    )
}

/// The error of a failed SQLite call on the history at `path`: busy (exit 4), damaged or not
/// a database, or anything else SQLite says (its message names no data).
pub(crate) fn sql_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => ErrorKind::HistoryBusy {
            file: path.to_path_buf(),
            waited: BUSY_WAIT.as_secs(),
        }
        .into(),
        Some(ErrorCode::NotADatabase) => Error::config(
            path,
            "is not a SQLite database, so not a popsync history: give --history a file of its \
             own; the file is left as it is",
        ),
        Some(ErrorCode::DatabaseCorrupt) => damaged(path),
        _ => Error::config(path, format!("the history cannot be used: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_history_is_created_and_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/history.sqlite");
        drop(History::open(&path, Open::CreateWithMode(0o600)).unwrap());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let history = History::open(&path, Open::Existing).unwrap();
        assert_eq!(history.ids().unwrap(), (APPLICATION_ID, SCHEMA_VERSION));
    }

    #[test]
    fn a_missing_history_is_not_created_for_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        assert!(History::open(&path, Open::Existing).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn a_newer_or_foreign_or_damaged_file_is_refused_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        // Opening `path` for writing fails saying `why`, and leaves its bytes as they were.
        let refused = |path: &std::path::Path, why: &str| {
            let before = std::fs::read(path).unwrap();
            let e = History::open(path, Open::CreateWithMode(0o600))
                .err()
                .unwrap();
            assert!(e.to_string().contains(why), "{e}");
            assert_eq!(std::fs::read(path).unwrap(), before);
        };
        let newer = dir.path().join("newer.sqlite");
        drop(History::open(&newer, Open::CreateWithMode(0o600)).unwrap());
        Connection::open(&newer)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99;")
            .unwrap();
        refused(&newer, "newer popsync");

        let foreign = dir.path().join("foreign.sqlite");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t (x);")
            .unwrap();
        refused(&foreign, "not a popsync history");

        let text = dir.path().join("text.sqlite");
        std::fs::write(&text, "insurance_code,person_id\n".repeat(100)).unwrap();
        refused(&text, "not a SQLite database");
    }
}
