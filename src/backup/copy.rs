//! The online copy: a second SQLCipher connection on the store's file, one read transaction
//! held from the first page to the last (in WAL mode writers go on, the copy is the database
//! as it was when the snapshot began), SQLite's backup API copying a number of pages per step
//! into a new file keyed with the same key, with progress and cancel between steps. The copy
//! and its manifest are written in a hidden `.partial` folder renamed at the end, so that a
//! listed backup is always a whole one; folder `0700`, files `0600`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::OpenFlags;
use rusqlite::backup::{Backup, StepResult};

use super::escrow::{EscrowRecord, key_id};
use super::manifest::{BackupEntry, MANIFEST_FORMAT, Manifest};
use super::{BackupError, MANIFEST_FILE_NAME, digest_file, open_keyed};
use crate::export::file::{create_private_dir, write_private};
use crate::store::{DB_FILE_NAME, DbKey};

/// How the copy shares the machine with the application.
#[derive(Debug, Clone, Copy)]
pub struct BackupOptions {
    /// Pages copied per step (a page is 4 KiB): between steps, progress and cancel.
    pub pages_per_step: i32,
    /// Pause between steps, leaving the disk to the application.
    pub pause_ms: u64,
    /// The folder's name before its time: `chevet` (made by hand), `chevet-auto` (daily).
    pub name_prefix: &'static str,
}

impl Default for BackupOptions {
    fn default() -> Self {
        Self {
            pages_per_step: 1024,
            pause_ms: 1,
            name_prefix: "chevet",
        }
    }
}

/// Where a copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupProgress {
    pub pages_done: usize,
    pub pages_total: usize,
}

/// Steps in a row the source may stay busy before the copy gives up.
const MAX_BUSY_STEPS: u32 = 200;

/// Copies the database at `source` (keyed `key`) into a new backup folder in `dir`, with the
/// escrow record that opens it. `escrow` must wrap this very key.
pub fn create(
    source: &Path,
    key: &DbKey,
    escrow: &EscrowRecord,
    dir: &Path,
    options: &BackupOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<BackupEntry, BackupError> {
    if escrow.key_id != key_id(key)? {
        return Err(BackupError::EscrowStale);
    }
    create_private_dir(dir)?;
    let now = chrono::Utc::now();
    let stamp = now.format("%Y%m%d-%H%M%S");
    let name = free_name(dir, &format!("{}-{stamp}", options.name_prefix));
    let partial = dir.join(format!(".{name}.partial"));
    let result = copy_into(
        source, key, escrow, &partial, options, cancel, progress, now,
    );
    match result {
        Ok(manifest) => {
            let folder = dir.join(&name);
            std::fs::rename(&partial, &folder)?;
            Ok(BackupEntry {
                name,
                created_at: manifest.created(),
                size_bytes: manifest.size_bytes,
                schema_version: manifest.schema_version,
                producer_version: manifest.producer.version,
                verified: Some(true),
                folder,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// `base`, or `base-2`, `base-3`… when a backup of that second exists.
fn free_name(dir: &Path, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while dir.join(&name).exists() || dir.join(format!(".{name}.partial")).exists() {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[allow(clippy::too_many_arguments)]
fn copy_into(
    source: &Path,
    key: &DbKey,
    escrow: &EscrowRecord,
    partial: &Path,
    options: &BackupOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(BackupProgress),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Manifest, BackupError> {
    if !source.is_file() {
        return Err(crate::store::StoreError::NotFound.into());
    }
    let src = open_keyed(
        source,
        key,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.pragma_update(None, "query_only", "ON")?;
    // One snapshot for the whole copy: the read transaction starts at its first read.
    src.execute_batch("BEGIN")?;
    let schema_version: u32 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let _: i64 = src.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;

    create_private_dir(partial)?;
    let target = partial.join(DB_FILE_NAME);
    let mut dst = rusqlite::Connection::open_with_flags(
        &target,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    dst.pragma_update(None, "key", key.pragma_value().as_str())?;
    {
        let backup = Backup::new(&src, &mut dst)?;
        let mut busy = 0;
        loop {
            match backup.step(options.pages_per_step.max(1))? {
                StepResult::Done => break,
                StepResult::More => busy = 0,
                StepResult::Busy | StepResult::Locked => {
                    busy += 1;
                    if busy > MAX_BUSY_STEPS {
                        return Err(BackupError::Busy);
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                _ => busy = 0,
            }
            let p = backup.progress();
            let total = usize::try_from(p.pagecount).unwrap_or(0);
            let remaining = usize::try_from(p.remaining).unwrap_or(0);
            progress(BackupProgress {
                pages_done: total.saturating_sub(remaining),
                pages_total: total,
            });
            if cancel.load(Ordering::Acquire) {
                return Err(BackupError::Cancelled);
            }
            if options.pause_ms > 0 {
                std::thread::sleep(Duration::from_millis(options.pause_ms));
            }
        }
        let p = backup.progress();
        let total = usize::try_from(p.pagecount).unwrap_or(0);
        progress(BackupProgress {
            pages_done: total,
            pages_total: total,
        });
    }
    src.execute_batch("COMMIT")?;
    drop(src);
    // A single file, whatever the source's journal mode: no `-wal` to carry beside it.
    let _: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    dst.close().map_err(|(_, e)| e)?;
    owner_only(&target)?;

    let (sha256, size_bytes) = digest_file(&target)?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_owned(),
        producer: crate::export::stamp::producer(),
        created_at: crate::store::utc_text(now),
        schema_version,
        database_file: DB_FILE_NAME.to_owned(),
        size_bytes,
        sha256,
        escrow: escrow.clone(),
    };
    let bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Manifest(e.to_string()))?;
    write_private(partial, MANIFEST_FILE_NAME, &bytes)?;
    Ok(manifest)
}

#[cfg(unix)]
pub(super) fn owner_only(path: &Path) -> Result<(), BackupError> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

#[cfg(not(unix))]
pub(super) fn owner_only(_path: &Path) -> Result<(), BackupError> {
    Ok(())
}
