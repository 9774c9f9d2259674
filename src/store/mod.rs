//! The store: either one SQLCipher-encrypted SQLite database per data directory (opened with
//! the key from [`key`], in WAL mode) or the establishment's PostgreSQL database, migrated on
//! open. Repositories are plain functions on a [`Store`] written once for both backends through
//! [`db`]; they run on worker threads only (the UI never holds a `Store`).

pub mod account_security;
pub mod accounts;
pub mod audit;
pub mod cache;
pub mod consent;
pub mod db;
pub mod directory;
pub mod directory_search;
pub mod dmp_seen;
pub mod dmp_status;
pub mod documents;
pub mod episodes;
pub mod hl7_journal;
pub mod identity_alerts;
pub mod identity_history;
pub mod identity_links;
pub mod inbox;
pub mod key;
pub mod migrations;
pub mod mss;
pub mod notify;
pub mod outbox;
mod outbox_read;
pub mod patients;
pub mod postgres;
pub mod received;
pub mod replay;
pub mod settings;
pub mod stays;
#[doc(hidden)]
pub mod testing;
pub mod usage_counters;

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use db::{Backend, Conn, FromValue, Param, Row};
pub use key::{DbKey, KeyOrigin, KeyStorage};
pub use postgres::PgTarget;

/// File name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "chevet.db";

/// File name of an establishment workstation's cache inside the data directory (never the
/// single-workstation record's name, so that switching modes mixes nothing).
pub const CACHE_FILE_NAME: &str = "chevet-cache.db";

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Shown as SQLSTATE and message only, and not offered as an error source (whose text
    /// a chain printer would show): PostgreSQL's DETAIL may quote row values (a duplicate
    /// IPP, an INS), which must reach no log.
    #[error("shared database error: {}", postgres::summary(.0))]
    Postgres(Box<::postgres::Error>),
    #[error("cannot reach the shared database: {0}")]
    Connect(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: Box<StoreError>,
    },
    #[error("database schema {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("the shared database is at schema {found}; this build needs {expected}")]
    SchemaTooOld { found: u32, expected: u32 },
    #[error("the database key does not open this database")]
    WrongKey,
    #[error("the database exists but its key was not found")]
    KeyMissing,
    #[error("the stored database key is not a valid key")]
    KeyCorrupt,
    #[error("the key file is readable by other users")]
    KeyFilePermissions,
    #[error("no keyring is reachable")]
    NoKeyring,
    #[error("keyring unusable: {0}")]
    KeyringUnusable(String),
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    Duplicate,
    #[error("invalid data in the database: {0}")]
    Corrupt(String),
    /// Degraded mode: this needs the shared record, and only its cache is at hand.
    #[error("this needs the shared record, which is unreachable")]
    NeedsRecord,
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> Self {
        Self::Postgres(Box::new(e))
    }
}

impl StoreError {
    /// True when the shared record could not be reached (network, server down, timeout), as
    /// opposed to a refusal or a bug: the workstation then works from its cache.
    pub fn is_unreachable(&self) -> bool {
        match self {
            Self::Connect(_) => true,
            Self::Postgres(e) => e.is_closed() || e.code().is_none(),
            _ => false,
        }
    }

    /// True when the database refused the statement to this role (least privilege).
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, Self::Postgres(e)
            if e.code() == Some(&::postgres::error::SqlState::INSUFFICIENT_PRIVILEGE))
    }

    /// True when trying again later may succeed (the database was busy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Sql(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            Self::Postgres(e) => postgres::is_retryable(e),
            Self::Connect(_) => true,
            _ => false,
        }
    }

    /// Fluent id of the message shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::WrongKey | Self::KeyCorrupt => "error-store-wrong-key",
            Self::KeyMissing => "error-store-key-missing",
            Self::KeyFilePermissions => "error-store-key-permissions",
            Self::NoKeyring | Self::KeyringUnusable(_) => "error-store-no-keyring",
            Self::SchemaTooNew { .. } => "error-store-too-new",
            Self::SchemaTooOld { .. } => "error-store-too-old",
            Self::Connect(_) => "error-store-unreachable",
            Self::NeedsRecord => "error-store-needs-record",
            Self::Postgres(e) if e.is_closed() || e.code().is_none() => "error-store-unreachable",
            _ if self.is_permission_denied() => "error-store-denied",
            Self::NotFound => "error-not-found",
            Self::Duplicate => "error-duplicate",
            _ if self.is_retryable() => "error-store-busy",
            _ => "error-store-generic",
        }
    }
}

/// An open, migrated database.
pub struct Store {
    conn: Conn,
    path: PathBuf,
    /// Open transactions: 0 outside, then one savepoint per nested [`Store::in_transaction`].
    depth: Cell<u32>,
    /// An establishment workstation's cache: what needs the record is queued or refused.
    cache: bool,
}

impl Store {
    /// Opens (or creates) the database file with `key`, then migrates it.
    pub fn open(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::setup(conn, key, path.to_path_buf())
    }

    /// Opens (or creates) an establishment workstation's cache: the same schema as a record,
    /// holding copies of the folders opened here and the queue of what was recorded while the
    /// shared record was unreachable. The cache is not the record: the consent history's
    /// append-only triggers are dropped here so that a folder's copy can be refreshed (the
    /// history that counts is the shared record's, where they stay).
    pub fn open_cache(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        let mut store = Self::open(path, key)?;
        store.execute_batch(
            "DROP TRIGGER IF EXISTS dmp_consent_no_update;
             DROP TRIGGER IF EXISTS dmp_consent_no_delete;",
        )?;
        store.cache = true;
        Ok(store)
    }

    /// True for an establishment workstation's cache.
    pub fn is_cache(&self) -> bool {
        self.cache
    }

    /// Refuses, on a cache, what only the shared record may do.
    pub(crate) fn require_record(&self) -> Result<(), StoreError> {
        if self.cache {
            Err(StoreError::NeedsRecord)
        } else {
            Ok(())
        }
    }

    /// An encrypted in-memory database, for tests and benchmarks.
    pub fn open_in_memory(key: &DbKey) -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory()?;
        Self::setup(conn, key, PathBuf::from(":memory:"))
    }

    /// Connects to the establishment's PostgreSQL database, then migrates it.
    pub fn connect(target: &PgTarget) -> Result<Self, StoreError> {
        let conn = postgres::PgConn::connect(target)?;
        let mut store = Self {
            conn: Conn::Postgres(Box::new(RefCell::new(conn))),
            path: PathBuf::new(),
            depth: Cell::new(0),
            cache: false,
        };
        migrations::migrate(&mut store)?;
        Ok(store)
    }

    /// Connects as a workstation: the schema must already be at this build's version (the
    /// establishment's `chevet serve` migrates it; workstations may not).
    pub fn connect_workstation(target: &PgTarget) -> Result<Self, StoreError> {
        let store = Self::connect_unmigrated(target)?;
        migrations::check(&store)?;
        Ok(store)
    }

    /// Connects without migrating nor checking the schema.
    pub fn connect_unmigrated(target: &PgTarget) -> Result<Self, StoreError> {
        let conn = postgres::PgConn::connect(target)?;
        Ok(Self {
            conn: Conn::Postgres(Box::new(RefCell::new(conn))),
            path: PathBuf::new(),
            depth: Cell::new(0),
            cache: false,
        })
    }

    /// A store on an open SQLite connection, left as it is (migration tests).
    #[doc(hidden)]
    pub fn from_sqlite_unmigrated(conn: Connection) -> Self {
        Self {
            conn: Conn::Sqlite(conn),
            path: PathBuf::from(":memory:"),
            depth: Cell::new(0),
            cache: false,
        }
    }

    fn setup(conn: Connection, key: &DbKey, path: PathBuf) -> Result<Self, StoreError> {
        conn.pragma_update(None, "key", key.pragma_value().as_str())?;
        // The first read fails with "file is not a database" when the key is wrong.
        let check: Result<i64, _> =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
        if let Err(rusqlite::Error::SqliteFailure(e, _)) = &check
            && e.code == rusqlite::ErrorCode::NotADatabase
        {
            return Err(StoreError::WrongKey);
        }
        check?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if path.as_os_str() != ":memory:" {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                tracing::warn!(mode, "WAL journal mode not available");
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        let mut store = Self {
            conn: Conn::Sqlite(conn),
            path,
            depth: Cell::new(0),
            cache: false,
        };
        migrations::migrate(&mut store)?;
        Ok(store)
    }

    /// The file of a workstation database (empty for the shared database).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// The server process serving this connection on the shared record (`None` on SQLite):
    /// live updates tell a workstation's own changes from the others' by it.
    pub fn backend_pid(&self) -> Option<i32> {
        match self.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => self.query_value("SELECT pg_backend_pid()", &[]).ok(),
        }
    }

    /// True when the shared record's connection is gone (the next use reconnects).
    pub fn is_connection_lost(&self) -> bool {
        match &self.conn {
            Conn::Sqlite(_) => false,
            Conn::Postgres(pg) => pg.borrow().is_closed(),
        }
    }

    /// Connects again to the shared record after the connection was lost.
    pub fn reconnect(&mut self) -> Result<(), StoreError> {
        if let Conn::Postgres(pg) = &self.conn {
            let target = pg.borrow().target().clone();
            *pg.borrow_mut() = postgres::PgConn::connect(&target)?;
            self.depth.set(0);
        }
        Ok(())
    }

    /// Runs one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize, StoreError> {
        self.conn.execute(sql, params)
    }

    /// Runs a query; every row.
    pub fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, StoreError> {
        self.conn.query(sql, params)
    }

    /// Runs a query; its first row, if any.
    pub fn query_opt(&self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>, StoreError> {
        Ok(self.conn.query(sql, params)?.into_iter().next())
    }

    /// Runs a query; its first row, or [`StoreError::NotFound`].
    pub fn query_one(&self, sql: &str, params: &[Param<'_>]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?.ok_or(StoreError::NotFound)
    }

    /// The first column of the first row (`SELECT count(*) …`).
    pub fn query_value<T: FromValue>(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<T, StoreError> {
        self.query_one(sql, params)?.get(0)
    }

    /// Runs an INSERT into a table with an `id` key; the new row's id.
    pub fn insert_id(&self, sql: &str, params: &[Param<'_>]) -> Result<i64, StoreError> {
        self.query_value(&format!("{sql} RETURNING id"), params)
    }

    /// Runs several statements without parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql)
    }

    /// [`Store::in_transaction`], fsynced at commit even on SQLite (`synchronous=FULL` for
    /// this transaction): what the outbox commits must survive a power cut, not only a crash.
    pub fn in_durable_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let switch = self.depth.get() == 0 && self.backend() == Backend::Sqlite;
        if switch {
            self.conn.execute_batch("PRAGMA synchronous = FULL")?;
        }
        let result = self.in_transaction(f);
        if switch && self.path.as_os_str() != ":memory:" {
            let _ = self.conn.execute_batch("PRAGMA synchronous = NORMAL");
        }
        result
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    /// Inside a caller's transaction it is a savepoint, so that it composes.
    pub fn in_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let depth = self.depth.get();
        let begin = match (depth, self.backend()) {
            (0, Backend::Sqlite) => "BEGIN IMMEDIATE".to_owned(),
            (0, Backend::Postgres) => "BEGIN".to_owned(),
            (n, _) => format!("SAVEPOINT chevet_{n}"),
        };
        self.conn.execute_batch(&begin)?;
        self.depth.set(depth + 1);
        let result = f(self);
        self.depth.set(depth);
        match result {
            Ok(value) => {
                let end = if depth == 0 {
                    "COMMIT".to_owned()
                } else {
                    format!("RELEASE chevet_{depth}")
                };
                if let Err(e) = self.conn.execute_batch(&end) {
                    self.rollback(depth);
                    return Err(e.into());
                }
                Ok(value)
            }
            Err(e) => {
                self.rollback(depth);
                Err(e)
            }
        }
    }

    fn rollback(&self, depth: u32) {
        let undo = if depth == 0 {
            "ROLLBACK".to_owned()
        } else {
            format!("ROLLBACK TO chevet_{depth}; RELEASE chevet_{depth}")
        };
        if let Err(rollback) = self.conn.execute_batch(&undo) {
            tracing::error!("rollback failed: {rollback:#}");
        }
    }

    /// The journal mode in force (`wal` for a file database).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        self.query_value("PRAGMA journal_mode", &[])
    }

    /// True when the SQLCipher codec is active on this connection.
    pub fn is_encrypted(&self) -> Result<bool, StoreError> {
        let version: Option<String> = self
            .query_opt("PRAGMA cipher_version", &[])
            .ok()
            .flatten()
            .and_then(|row| row.get(0).ok());
        Ok(version.is_some_and(|v| !v.is_empty()))
    }
}

/// Current time as stored: ISO 8601 UTC with seconds.
pub fn now_utc_text() -> String {
    now_text()
}

/// Current time as stored: ISO 8601 UTC with seconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A UTC instant as stored: ISO 8601 with seconds, so that text order is time order.
pub(crate) fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A UTC instant read back from [`utc_text`].
pub(crate) fn parse_utc(text: &str) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| StoreError::Corrupt("date-time".into()))
}

pub(crate) fn datetime_text(dt: &chrono::NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S").to_string()
}

pub(crate) fn parse_datetime(text: &str) -> Result<chrono::NaiveDateTime, StoreError> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| StoreError::Corrupt("date-time".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_database_is_encrypted_wal_and_refuses_a_wrong_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DB_FILE_NAME);
        let key = DbKey::generate();
        {
            let store = Store::open(&path, &key).expect("open");
            assert_eq!(store.journal_mode().expect("mode"), "wal");
            assert!(store.is_encrypted().expect("cipher"));
        }
        let header = std::fs::read(&path).expect("read");
        assert!(!header.starts_with(b"SQLite format 3"));
        assert!(matches!(
            Store::open(&path, &DbKey::generate()),
            Err(StoreError::WrongKey)
        ));
        assert!(Store::open(&path, &key).is_ok());
    }
}
