//! Where the event log is kept.
//!
//! A store holds the lines of a wangge event log (`wangge.log` JSON lines, hash-chained per
//! ticket: see `wangge::ticket::log`) exactly as the core wrote them, in the order they were
//! appended. It is the only state of the service: the ledger is rebuilt from it.
//!
//! # What a backend must promise ([`EventStore`])
//!
//! 1. **Atomic appends.** [`EventStore::append`] writes all of its lines or none: a reader
//!    never sees some lines of an append without the others, and never a line cut short.
//! 2. **Durable on return.** When `append` returns `Ok`, the lines survive the process being
//!    killed at any moment after (the service acknowledges an action only then).
//! 3. **Order.** [`EventStore::lines`] returns every line in the order appended.
//! 4. **Verbatim.** A line reads back byte for byte as written (the chain's digests cover the
//!    bytes).
//!
//! Another backend (PostgreSQL, a replicated log) implements the trait; nothing else in the
//! service changes.

use std::path::Path;

use rusqlite::{params, Connection};

/// Why a store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file is not an event store of a version this code reads.
    #[error("{path}: not a wangge event store of version {expected} (found {found:?})")]
    Format {
        /// The file.
        path: String,
        /// The version this code writes.
        expected: i64,
        /// What the file says.
        found: Option<i64>,
    },
}

/// A durable, ordered, append-only sequence of log lines (see the [module docs](self)).
pub trait EventStore {
    /// Every line, in the order appended.
    fn lines(&self) -> Result<Vec<String>, StoreError>;
    /// Appends lines atomically and durably.
    fn append(&mut self, lines: &[&str]) -> Result<(), StoreError>;
}

/// The version of the store's schema (`PRAGMA user_version`). Version 2: every append ends
/// with a checkpoint record (version 1 stores had none and are refused).
pub const SCHEMA_VERSION: i64 = 2;

/// An event store in one SQLite file.
///
/// The file is in WAL mode with `synchronous = FULL`: an append is one transaction, committed
/// to the write-ahead log and synced before [`EventStore::append`] returns, so an
/// acknowledged action survives a crash of the process (and of the machine), and a
/// transaction cut short by a crash is rolled back when the file is next opened — a
/// half-written event is never read. Table `events (seq INTEGER PRIMARY KEY, line TEXT NOT
/// NULL)`, one row per log line: each append is the lines of an action's events and the
/// checkpoint that seals them.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if needed) a store file.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path)?;
        SqliteStore::init(conn, &path.display().to_string())
    }

    /// A store in memory (for tests: not durable).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        SqliteStore::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, path: &str) -> Result<SqliteStore, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        match version {
            0 => {
                conn.execute_batch(&format!(
                    "BEGIN;
                     CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, line TEXT NOT NULL);
                     PRAGMA user_version = {SCHEMA_VERSION};
                     COMMIT;"
                ))?;
            }
            SCHEMA_VERSION => {}
            other => {
                return Err(StoreError::Format {
                    path: path.to_owned(),
                    expected: SCHEMA_VERSION,
                    found: Some(other),
                })
            }
        }
        Ok(SqliteStore { conn })
    }
}

impl EventStore for SqliteStore {
    fn lines(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT line FROM events ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn append(&mut self, lines: &[&str]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("INSERT INTO events (line) VALUES (?1)")?;
            for line in lines {
                stmt.execute(params![line])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
