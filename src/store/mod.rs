//! The local store: one SQLCipher-encrypted SQLite database per data directory, opened with
//! the key from [`key`], migrated on open, in WAL mode. Repositories are plain functions on a
//! [`Store`]; they run on worker threads only (the UI never holds a `Store`).

pub mod accounts;
pub mod audit;
pub mod consent;
pub mod dmp_seen;
pub mod documents;
pub mod episodes;
pub mod identity_links;
pub mod key;
pub mod migrations;
pub mod patients;
pub mod settings;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use key::{DbKey, KeyOrigin, KeyStorage};

/// File name of the database inside the data directory.
pub const DB_FILE_NAME: &str = "chevet.db";

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("database schema {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: u32, supported: u32 },
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
}

impl StoreError {
    /// True when trying again later may succeed (the database was busy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Sql(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
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
            Self::NotFound => "error-not-found",
            Self::Duplicate => "error-duplicate",
            _ if self.is_retryable() => "error-store-busy",
            _ => "error-store-generic",
        }
    }
}

/// An open, migrated database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
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

    /// An encrypted in-memory database, for tests and benchmarks.
    pub fn open_in_memory(key: &DbKey) -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory()?;
        Self::setup(conn, key, PathBuf::from(":memory:"))
    }

    fn setup(mut conn: Connection, key: &DbKey, path: PathBuf) -> Result<Self, StoreError> {
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
        migrations::migrate(&mut conn)?;
        Ok(Self { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn in_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        match f(self) {
            Ok(value) => {
                self.conn
                    .execute_batch("COMMIT")
                    .map_err(StoreError::from)?;
                Ok(value)
            }
            Err(e) => {
                if let Err(rollback) = self.conn.execute_batch("ROLLBACK") {
                    tracing::error!("rollback failed: {rollback:#}");
                }
                Err(e)
            }
        }
    }

    /// The journal mode in force (`wal` for a file database).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?)
    }

    /// True when the SQLCipher codec is active on this connection.
    pub fn is_encrypted(&self) -> Result<bool, StoreError> {
        let version: Option<String> = self
            .conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .ok();
        Ok(version.is_some_and(|v| !v.is_empty()))
    }
}

/// Current time as stored: ISO 8601 UTC with seconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
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
