//! The « Sauvegardes » screen's work: the list of backups (age, size, verified) with whether a
//! backup passphrase is set; a backup made now on a blocking thread with its own connection
//! (the application's store stays usable), progress and cancel; the backup passphrase set (the
//! key escrowed, the change audited); the automatic daily backup with its retention (the
//! [`AUTO_KEEP`] newest automatic ones). Single-workstation mode only: an establishment
//! workstation's record is backed up on the server, its cache never.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use super::context::{Context, WorkerError, blocking};
use super::{CancelToken, Event, TaskId};
use crate::backup::{self, BackupError, BackupOptions};
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::{DB_FILE_NAME, DbKey};

/// One backup as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRow {
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    pub size_bytes: u64,
    /// `Some(true)`: its copy matches its manifest's SHA-256.
    pub verified: Option<bool>,
}

/// What the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupsInfo {
    pub rows: Vec<BackupRow>,
    /// When the backup passphrase was set (UTC text); `None`: backups are impossible.
    pub escrow_set_at: Option<String>,
    /// The escrow wraps another key (the store was re-keyed): set the passphrase again.
    pub escrow_stale: bool,
    pub dir: PathBuf,
    pub data_dir: PathBuf,
    /// Establishment mode: nothing to back up on the workstation.
    pub establishment: bool,
}

/// Where this workstation's backups go.
fn backups_dir(ctx: &Context) -> PathBuf {
    backup::backups_dir(&ctx.config.data_dir)
}

/// The store's key, read again where the store found it (the keyring or the key file).
fn store_key(ctx: &Context) -> Result<DbKey, WorkerError> {
    let cfg = &ctx.config;
    let (key, _) =
        crate::store::key::obtain_key(&cfg.data_dir, true, cfg.key_storage, &cfg.keyrings)?;
    Ok(key)
}

/// Sends the list and the escrow's state (`Event::Backups`).
pub(super) async fn send_list(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let info = read_info(ctx).await?;
    ctx.emit(Event::Backups(info)).await;
    Ok(())
}

async fn read_info(ctx: &Arc<Context>) -> Result<BackupsInfo, WorkerError> {
    let dir = backups_dir(ctx);
    let data_dir = ctx.config.data_dir.clone();
    if ctx.config.shared_record.is_some() {
        return Ok(BackupsInfo {
            establishment: true,
            dir,
            data_dir,
            ..BackupsInfo::default()
        });
    }
    let escrow = ctx
        .with_store(|store| Ok(backup::load_escrow(store)?))
        .await?;
    let escrow_set_at = escrow.as_ref().map(|r| r.created_at.clone());
    let worker = Arc::clone(ctx);
    let list_dir = dir.clone();
    let (rows, stale) = blocking(move || -> Result<_, WorkerError> {
        let stale = match &escrow {
            Some(record) => record.key_id != backup::escrow::key_id(&store_key(&worker)?)?,
            None => false,
        };
        let rows = backup::list(&list_dir, true)?
            .into_iter()
            .map(|e| BackupRow {
                name: e.name,
                created_at: e.created_at,
                size_bytes: e.size_bytes,
                verified: e.verified,
            })
            .collect::<Vec<_>>();
        Ok((rows, stale))
    })
    .await??;
    Ok(BackupsInfo {
        rows,
        escrow_set_at,
        escrow_stale: stale,
        dir,
        data_dir,
        establishment: false,
    })
}

/// Backs the store up now, on a blocking thread with its own connection: progress as
/// `Event::BackupProgress`, cancel by the task's token; then `Event::BackupCreated` and the
/// list again.
pub(super) async fn create(ctx: &Arc<Context>, task: TaskId) -> Result<(), WorkerError> {
    if ctx.config.shared_record.is_some() {
        return Err(BackupError::Establishment.into());
    }
    let escrow = ctx
        .with_store(|store| Ok(backup::load_escrow(store)?))
        .await?
        .ok_or(BackupError::NoEscrow)?;
    let token = ctx.start_task(task);
    let worker = Arc::clone(ctx);
    let outcome = blocking(move || run_copy(&worker, task, &token, &escrow)).await;
    ctx.end_task(task);
    let entry = match outcome? {
        Ok(entry) => entry,
        Err(BackupError::Cancelled) => {
            ctx.emit(Event::TaskFinished {
                task,
                cancelled: true,
            })
            .await;
            return send_list(ctx).await;
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        backup = entry.name,
        size_bytes = entry.size_bytes,
        "backup written"
    );
    ctx.emit(Event::BackupCreated { name: entry.name }).await;
    send_list(ctx).await
}

fn run_copy(
    ctx: &Arc<Context>,
    task: TaskId,
    token: &CancelToken,
    escrow: &backup::EscrowRecord,
) -> Result<backup::BackupEntry, BackupError> {
    let cfg = &ctx.config;
    let (key, _) =
        crate::store::key::obtain_key(&cfg.data_dir, true, cfg.key_storage, &cfg.keyrings)?;
    let stop = AtomicBool::new(false);
    let mut last = None;
    backup::create(
        &cfg.data_dir.join(DB_FILE_NAME),
        &key,
        escrow,
        &backups_dir(ctx),
        &BackupOptions::default(),
        &stop,
        &mut |p| {
            if token.is_cancelled() || ctx.is_stopping() {
                stop.store(true, Ordering::Release);
            }
            let permille = (p.pages_done * 1000)
                .checked_div(p.pages_total)
                .unwrap_or(0);
            if last != Some(permille) {
                last = Some(permille);
                ctx.emit_now(Event::BackupProgress {
                    task,
                    done: p.pages_done,
                    total: p.pages_total,
                });
            }
        },
    )
}

/// Sets the backup passphrase (typed twice): the key escrowed under it, the change audited;
/// then `Event::BackupPassphraseSet` and the list again.
pub(super) async fn set_passphrase(
    ctx: &Arc<Context>,
    admin: String,
    passphrase: Zeroizing<String>,
    confirmation: Zeroizing<String>,
) -> Result<(), WorkerError> {
    if ctx.config.shared_record.is_some() {
        return Err(BackupError::Establishment.into());
    }
    backup::check_passphrase(&passphrase, &confirmation)?;
    let worker = Arc::clone(ctx);
    ctx.with_store(move |store| {
        let key = store_key(&worker)?;
        backup::set_passphrase(store, &key, &passphrase, &confirmation)?;
        crate::store::audit::record(
            store,
            &admin,
            AuditAction::SettingChanged,
            AuditObject::Setting(backup::escrow::ESCROW_SETTING.to_owned()),
            "",
        )?;
        Ok(())
    })
    .await?;
    ctx.emit(Event::BackupPassphraseSet).await;
    send_list(ctx).await
}

/// Automatic backups: the first check a few minutes after the store opened (the start's own
/// work done), then every hour; a backup when the newest is a day old, kept to the
/// [`AUTO_KEEP`] newest automatic ones (backups made by hand are never deleted).
pub const AUTO_KEEP: usize = 7;
const AUTO_PREFIX: &str = "chevet-auto";
const AUTO_FIRST_DELAY_S: u64 = 180;
const AUTO_CHECK_EVERY_S: u64 = 3600;
const AUTO_AFTER_H: i64 = 24;

/// Starts the automatic backups of a single workstation (nothing in establishment mode, nor
/// while no backup passphrase is set); ends when the workers stop.
pub(super) fn start_daily(ctx: &Arc<Context>) {
    if ctx.config.shared_record.is_some() {
        return;
    }
    let ctx = Arc::clone(ctx);
    tokio::spawn(async move {
        let mut wait_s = AUTO_FIRST_DELAY_S;
        loop {
            for _ in 0..wait_s {
                if ctx.is_stopping() {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            wait_s = AUTO_CHECK_EVERY_S;
            match auto_backup(&ctx).await {
                Ok(Some(name)) => tracing::info!(backup = name, "automatic backup written"),
                Ok(None) => {}
                Err(e) => tracing::warn!("automatic backup failed: {e}"),
            }
        }
    });
}

/// One automatic backup when one is due; its name.
async fn auto_backup(ctx: &Arc<Context>) -> Result<Option<String>, WorkerError> {
    let Some(escrow) = ctx
        .with_store(|store| Ok(backup::load_escrow(store)?))
        .await?
    else {
        return Ok(None);
    };
    let worker = Arc::clone(ctx);
    blocking(move || -> Result<Option<String>, WorkerError> {
        let dir = backups_dir(&worker);
        let now = Utc::now();
        let fresh = backup::list(&dir, false)?.iter().any(|e| {
            e.created_at
                .is_some_and(|t| (now - t).num_hours() < AUTO_AFTER_H)
        });
        let key = store_key(&worker)?;
        if fresh || escrow.key_id != backup::escrow::key_id(&key)? {
            return Ok(None);
        }
        let options = BackupOptions {
            pause_ms: 5,
            name_prefix: AUTO_PREFIX,
            ..BackupOptions::default()
        };
        let stop = AtomicBool::new(false);
        let entry = backup::create(
            &worker.config.data_dir.join(DB_FILE_NAME),
            &key,
            &escrow,
            &dir,
            &options,
            &stop,
            &mut |_| {
                if worker.is_stopping() {
                    stop.store(true, Ordering::Release);
                }
            },
        )?;
        backup::manifest::prune(&dir, AUTO_PREFIX, AUTO_KEEP)?;
        Ok(Some(entry.name))
    })
    .await?
}
