//! `manifest.json`, written beside each copy: who wrote it (producer and version), when, the
//! schema version, the copy's size and SHA-256, and the escrow record that opens it. The list
//! of backups reads the manifests, never the copies' contents; verifying a backup hashes its
//! copy again.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::escrow::EscrowRecord;
use super::{BackupError, MANIFEST_FILE_NAME, digest_file};
use crate::export::stamp::Producer;

/// Format tag of a manifest.
pub const MANIFEST_FORMAT: &str = "chevet-backup/1";
/// A manifest larger than this is not one.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// What a backup folder holds and how to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub producer: Producer,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub created_at: String,
    pub schema_version: u32,
    /// The copy's file name inside the folder.
    pub database_file: String,
    pub size_bytes: u64,
    /// Lower-case hex SHA-256 of the copy as written.
    pub sha256: String,
    pub escrow: EscrowRecord,
}

impl Manifest {
    /// Reads `folder/manifest.json`.
    pub fn read(folder: &Path) -> Result<Self, BackupError> {
        let path = folder.join(MANIFEST_FILE_NAME);
        let meta = std::fs::metadata(&path)?;
        if meta.len() > MAX_MANIFEST_BYTES {
            return Err(BackupError::Manifest("too large".into()));
        }
        let text = std::fs::read_to_string(&path)?;
        let manifest: Self =
            serde_json::from_str(&text).map_err(|e| BackupError::Manifest(e.to_string()))?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(BackupError::Manifest(format!(
                "format {}",
                manifest.format.chars().take(40).collect::<String>()
            )));
        }
        let file = Path::new(&manifest.database_file);
        if file.components().count() != 1 || file.file_name().is_none() {
            return Err(BackupError::Manifest("database file name".into()));
        }
        Ok(manifest)
    }

    /// The copy's path inside `folder`.
    pub fn database_path(&self, folder: &Path) -> PathBuf {
        folder.join(&self.database_file)
    }

    /// When the backup was made.
    pub fn created(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.created_at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// True when the copy in `folder` has the manifest's size and SHA-256.
    pub fn verify(&self, folder: &Path) -> Result<bool, BackupError> {
        let path = self.database_path(folder);
        if std::fs::metadata(&path)?.len() != self.size_bytes {
            return Ok(false);
        }
        let (sha, size) = digest_file(&path)?;
        Ok(size == self.size_bytes && sha == self.sha256)
    }
}

/// One backup as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupEntry {
    pub folder: PathBuf,
    /// The folder's name (`chevet-20261206-044500`).
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub size_bytes: u64,
    pub schema_version: u32,
    pub producer_version: String,
    /// `Some(true)` when the copy matches its manifest; `None` when not checked.
    pub verified: Option<bool>,
}

impl BackupEntry {
    /// Whole days since the backup (0 today); `None` without a readable time.
    pub fn age_days(&self, now: DateTime<Utc>) -> Option<i64> {
        self.created_at.map(|t| (now - t).num_days().max(0))
    }
}

/// The backups in `dir`, newest first; `verify`: hash each copy again (slow for big stores).
/// Folders without a readable manifest (a copy in progress, something else) are skipped.
pub fn list(dir: &Path, verify: bool) -> Result<Vec<BackupEntry>, BackupError> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for item in read {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !item.file_type()?.is_dir() {
            continue;
        }
        let folder = item.path();
        let Ok(manifest) = Manifest::read(&folder) else {
            continue;
        };
        let verified = if verify {
            Some(manifest.verify(&folder).unwrap_or(false))
        } else {
            None
        };
        out.push(BackupEntry {
            name,
            created_at: manifest.created(),
            size_bytes: manifest.size_bytes,
            schema_version: manifest.schema_version,
            producer_version: manifest.producer.version.clone(),
            verified,
            folder,
        });
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.name.cmp(&a.name)));
    Ok(out)
}

/// Deletes the oldest backups whose name starts with `prefix-` beyond the `keep` newest
/// (automatic backups' retention; the others are left alone); the folders removed.
pub fn prune(dir: &Path, prefix: &str, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut removed = Vec::new();
    let prefix = format!("{prefix}-");
    let ours = list(dir, false)?
        .into_iter()
        .filter(|e| e.name.starts_with(&prefix));
    for entry in ours.skip(keep) {
        std::fs::remove_dir_all(&entry.folder)?;
        removed.push(entry.folder);
    }
    Ok(removed)
}
