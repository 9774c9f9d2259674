//! Restore onto another data directory (another machine, or a second directory here): the
//! target must be empty; the escrowed key is unwrapped with the backup passphrase (before any
//! copying, so a wrong passphrase costs nothing); the copy is streamed into the target while
//! its SHA-256 is computed and compared with the manifest; it is opened with the escrowed key
//! and re-keyed (`PRAGMA rekey`) to a fresh key kept where this machine keeps the target's key
//! (the keyring entry of that data directory, or its key file); then it is opened as a store
//! (migrated to this build), its escrow record re-made for the new key under the same passphrase
//! (so that this machine's backups run at once), and its audit chain walked. On failure the
//! target is emptied again.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::OpenFlags;

use super::escrow::unwrap;
use super::manifest::Manifest;
use super::{BackupError, digest_blocks, open_keyed};
use crate::export::file::create_private_dir;
use crate::store::key::{KeyOrigin, KeyStorage, Keyring, obtain_key};
use crate::store::{DB_FILE_NAME, Store};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    pub data_dir: PathBuf,
    /// The schema the backup had, and the one it has now (migrated).
    pub schema_from: u32,
    pub schema_now: u32,
    /// Where the new key is kept.
    pub key_origin: KeyOrigin,
    pub audit_rows: usize,
    pub audit_intact: bool,
}

/// Restores the backup in `folder` into the empty `data_dir`, its key unwrapped with
/// `passphrase` and replaced by a fresh key kept as `storage` says.
pub fn restore(
    folder: &Path,
    passphrase: &str,
    data_dir: &Path,
    storage: KeyStorage,
    keyrings: &[Keyring],
) -> Result<RestoreReport, BackupError> {
    let manifest = Manifest::read(folder)?;
    let supported = crate::store::migrations::latest_version();
    if manifest.schema_version > supported {
        return Err(BackupError::TooNew {
            found: manifest.schema_version,
            supported,
        });
    }
    if is_non_empty(data_dir)? {
        return Err(BackupError::TargetNotEmpty);
    }
    let old_key = unwrap(&manifest.escrow, passphrase)?;
    create_private_dir(data_dir)?;
    let keys = (&old_key, passphrase);
    let result = restore_into(folder, &manifest, keys, data_dir, storage, keyrings);
    if result.is_err() {
        empty_dir(data_dir);
    }
    result
}

fn restore_into(
    folder: &Path,
    manifest: &Manifest,
    (old_key, passphrase): (&crate::store::DbKey, &str),
    data_dir: &Path,
    storage: KeyStorage,
    keyrings: &[Keyring],
) -> Result<RestoreReport, BackupError> {
    let target = data_dir.join(DB_FILE_NAME);
    copy_checked(&manifest.database_path(folder), &target, manifest)?;
    super::copy::owner_only(&target)?;
    let (new_key, key_origin) = obtain_key(data_dir, false, storage, keyrings)?;
    {
        let conn = open_keyed(&target, old_key, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let _: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        conn.pragma_update(None, "rekey", new_key.pragma_value().as_str())?;
        conn.close().map_err(|(_, e)| e)?;
    }
    let store = Store::open(&target, &new_key)?;
    // The same passphrase opens this machine's backups: they can run unattended at once.
    super::escrow::save_escrow(&store, &super::escrow::wrap(&new_key, passphrase)?)?;
    let schema_now = crate::store::migrations::current_version(&store)?;
    let audit = crate::store::audit::verify(&store)?;
    Ok(RestoreReport {
        data_dir: data_dir.to_path_buf(),
        schema_from: manifest.schema_version,
        schema_now,
        key_origin,
        audit_rows: audit.rows,
        audit_intact: audit.is_intact(),
    })
}

/// Copies `from` to `to` in blocks, hashing what it reads; refuses a copy whose size or
/// SHA-256 is not the manifest's.
fn copy_checked(from: &Path, to: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let mut input = std::fs::File::open(from)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut output = options.open(to)?;
    let (sha256, size) = digest_blocks(&mut input, |size, block| {
        if size > manifest.size_bytes {
            return Err(BackupError::Corrupt);
        }
        Ok(output.write_all(block)?)
    })?;
    output.sync_all()?;
    if size != manifest.size_bytes || sha256 != manifest.sha256 {
        return Err(BackupError::Corrupt);
    }
    Ok(())
}

fn is_non_empty(dir: &Path) -> Result<bool, BackupError> {
    match std::fs::read_dir(dir) {
        Ok(mut read) => Ok(read.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Removes what a failed restore put in a directory that was empty.
fn empty_dir(dir: &Path) {
    if let Ok(read) = std::fs::read_dir(dir) {
        for item in read.flatten() {
            let path = item.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}
