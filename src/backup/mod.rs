//! Backup and restore of the single-workstation store (docs/deployment.md, « Sauvegarde et
//! restauration »): `escrow` (the database key wrapped under an administrator's backup
//! passphrase, Argon2id then AES-256-GCM, kept in the store's settings so that backups run
//! unattended; the passphrase and the key in clear are never written), `copy` (a consistent
//! online copy with SQLite's backup API, page steps with progress and cancel, under one read
//! snapshot), `manifest` (`manifest.json` beside each copy: producer, time, schema, size,
//! SHA-256, the escrow record; the list with age and verification), `restore` (onto another,
//! empty data directory: the key unwrapped, the copy checked, re-keyed to a fresh key of that
//! machine, migrated, the audit chain walked).
//!
//! The establishment's PostgreSQL record is not backed up here (pg_basebackup and WAL archiving,
//! see the deployment guide).

pub mod copy;
pub mod escrow;
pub mod manifest;
pub mod restore;

use std::path::{Path, PathBuf};

pub use copy::{BackupOptions, BackupProgress, create};
pub use escrow::{EscrowRecord, check_passphrase, load_escrow, set_passphrase};
pub use manifest::{BackupEntry, Manifest, list};
pub use restore::{RestoreReport, restore};

/// The folder of backups inside a data directory, when none is configured.
pub const BACKUPS_DIR_NAME: &str = "backups";
/// The manifest beside each copy.
pub const MANIFEST_FILE_NAME: &str = "manifest.json";

/// Where backups go by default: `<data dir>/backups`.
#[must_use]
pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUPS_DIR_NAME)
}

/// Everything that can go wrong while backing up or restoring. No message carries a key, a
/// passphrase or patient data.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("database error during the copy: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// No backup passphrase was set: a backup would not be restorable elsewhere.
    #[error("no backup passphrase is set")]
    NoEscrow,
    /// The escrow record wraps another key than the store's (the store was re-keyed).
    #[error("the escrowed key is not this database's key")]
    EscrowStale,
    #[error("the backup passphrase is too short")]
    PassphraseTooShort,
    #[error("the backup passphrase is too simple")]
    PassphraseTooSimple,
    #[error("the two passphrases differ")]
    PassphraseMismatch,
    /// Another passphrase, or a damaged record: AES-GCM cannot tell them apart.
    #[error("wrong backup passphrase")]
    WrongPassphrase,
    #[error("key derivation failed: {0}")]
    Kdf(String),
    #[error("the backup was cancelled")]
    Cancelled,
    /// The copy's size or SHA-256 differs from its manifest.
    #[error("the backup copy does not match its manifest")]
    Corrupt,
    #[error("unreadable manifest: {0}")]
    Manifest(String),
    #[error("the backup was written by a newer Chevet (schema {found}, this build {supported})")]
    TooNew { found: u32, supported: u32 },
    #[error("the target data directory is not empty")]
    TargetNotEmpty,
    #[error("this is an establishment workstation: its record is backed up on the server")]
    Establishment,
    #[error("the database stayed busy")]
    Busy,
}

impl BackupError {
    /// True when trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Sql(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            Self::Io(_) | Self::Busy => true,
            _ => false,
        }
    }

    /// Fluent id of the French message saying what happened and what to do.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Store(e) => e.message_id(),
            Self::Sql(_) if self.is_retryable() => "backup-error-busy",
            Self::Sql(_) => "backup-error-database",
            Self::Io(_) => "backup-error-io",
            Self::NoEscrow => "backup-error-no-escrow",
            Self::EscrowStale => "backup-error-escrow-stale",
            Self::PassphraseTooShort => "backup-error-passphrase-short",
            Self::PassphraseTooSimple => "backup-error-passphrase-simple",
            Self::PassphraseMismatch => "backup-error-passphrase-mismatch",
            Self::WrongPassphrase => "backup-error-wrong-passphrase",
            Self::Kdf(_) => "backup-error-database",
            Self::Cancelled => "backup-error-cancelled",
            Self::Corrupt => "backup-error-corrupt",
            Self::Manifest(_) => "backup-error-manifest",
            Self::TooNew { .. } => "backup-error-too-new",
            Self::TargetNotEmpty => "backup-error-target-not-empty",
            Self::Establishment => "backup-error-establishment",
            Self::Busy => "backup-error-busy",
        }
    }
}

/// The raw 32 bytes of a database key (to wrap it), read back from its `PRAGMA key` value.
fn key_bytes(key: &crate::store::DbKey) -> Result<zeroize::Zeroizing<[u8; 32]>, BackupError> {
    let pragma = key.pragma_value();
    let hex_text = pragma
        .strip_prefix("x'")
        .and_then(|t| t.strip_suffix('\''))
        .ok_or(BackupError::Kdf("key format".into()))?;
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text, bytes.as_mut()).map_err(|_| BackupError::Kdf("key".into()))?;
    Ok(bytes)
}

/// Opens a raw SQLCipher connection on `path` with `key` and checks that the key opens it.
fn open_keyed(
    path: &Path,
    key: &crate::store::DbKey,
    flags: rusqlite::OpenFlags,
) -> Result<rusqlite::Connection, BackupError> {
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    conn.pragma_update(None, "key", key.pragma_value().as_str())?;
    let check: Result<i64, _> =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
    match check {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(crate::store::StoreError::WrongKey.into())
        }
        Err(e) => Err(e.into()),
        Ok(_) => {
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            Ok(conn)
        }
    }
}

/// SHA-256 and size of a file, read in blocks.
fn digest_file(path: &Path) -> Result<(String, u64), BackupError> {
    digest_blocks(&mut std::fs::File::open(path)?, |_, _| Ok(()))
}

/// Reads `input` to its end in 1 MiB blocks, each handed to `each` with the size read so far
/// (it may refuse it, which stops the reading); the SHA-256 (hex) and the size of all.
fn digest_blocks(
    input: &mut impl std::io::Read,
    mut each: impl FnMut(u64, &[u8]) -> Result<(), BackupError>,
) -> Result<(String, u64), BackupError> {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        each(size, &buffer[..n])?;
        hasher.update(&buffer[..n]);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

#[cfg(test)]
mod tests;
