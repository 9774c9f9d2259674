//! Degraded mode of an establishment workstation. The workstation keeps an encrypted cache of
//! the folders it opened (`store::cache`). When the shared record cannot be reached — a lost
//! connection, a failed reconnection, the live-updates probe timing out — the workers read
//! the cache instead, what must reach the record waits in the cache's queue
//! (`store::replay`), and the UI shows a banner. When the record answers again, the queue is
//! replayed, the return is traced, and the UI refreshes what is open.

use std::sync::{Arc, Mutex, PoisonError};

use super::Event;
use super::context::{Context, WorkerError};
use super::services::{self, Service};
use crate::domain::PatientId;
use crate::store::accounts::AccountId;
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::{Store, StoreError, cache, replay};

/// Where the record stands, for the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordStatus {
    /// The shared record is unreachable since this time (UTC, ISO 8601): the cache is read.
    Degraded { since: String },
    /// The record is back; what was recorded meanwhile was replayed.
    Restored { replayed: usize },
}

/// The cache and whether the workers use it.
#[derive(Default)]
pub(super) struct RecordLink {
    cache: Mutex<Option<Store>>,
    degraded_since: Mutex<Option<String>>,
}

impl RecordLink {
    pub fn set_cache(&self, cache: Store) {
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = Some(cache);
    }

    pub fn has_cache(&self) -> bool {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    pub fn is_degraded(&self) -> bool {
        self.degraded_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Runs `f` on the cache (on the calling blocking thread).
    pub fn with_cache<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, WorkerError>,
    ) -> Result<T, WorkerError> {
        let mut guard = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = guard.as_mut().ok_or(WorkerError::NotOpen)?;
        f(cache)
    }
}

/// Enters degraded mode (once) and tells the UI. From a blocking thread.
pub(super) fn enter(ctx: &Arc<Context>) {
    let since = {
        let mut since = ctx
            .link
            .degraded_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if since.is_some() {
            return;
        }
        let now = crate::store::now_utc_text();
        *since = Some(now.clone());
        now
    };
    tracing::warn!("shared record unreachable: degraded mode");
    services::note(ctx, Service::Record, Err("error-store-unreachable"));
    ctx.emit_blocking(Event::RecordStatus(RecordStatus::Degraded { since }));
}

/// Tries to leave degraded mode: reconnects the record, replays the queue, traces the episode
/// and tells the UI. From a blocking thread; false while the record is still unreachable.
pub(super) fn restore(ctx: &Arc<Context>) -> bool {
    let Some(since) = ctx
        .link
        .degraded_since
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
    else {
        return true;
    };
    let restored = ctx.with_record_blocking(|record| {
        if record.is_connection_lost() || record.backend_pid().is_none() {
            record.reconnect()?;
        }
        let report = ctx
            .link
            .with_cache(|cache| Ok(replay::replay_all(record, cache)?))?;
        crate::store::audit::record(
            record,
            "system",
            AuditAction::RecordDegraded,
            AuditObject::Record,
            format!(
                "from={since} to={} replayed={} already={}",
                crate::store::now_utc_text(),
                report.replayed,
                report.already
            ),
        )?;
        Ok((report, record.backend_pid()))
    });
    match restored {
        Ok((report, pid)) => {
            ctx.set_own_backend(pid);
            *ctx.link
                .degraded_since
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = None;
            tracing::info!(
                replayed = report.replayed,
                "shared record back: normal mode"
            );
            services::note(ctx, Service::Record, Ok(()));
            ctx.emit_blocking(Event::RecordStatus(RecordStatus::Restored {
                replayed: report.replayed,
            }));
            true
        }
        Err(e) => {
            tracing::warn!("shared record not back yet ({})", e.message_id());
            false
        }
    }
}

/// After a folder was shown or changed: copies it into the cache in the background when the
/// record is reachable, or says that what shows is the cache's copy when it is not.
pub(super) async fn after_folder_read(ctx: &Arc<Context>, patient: PatientId) {
    if ctx.config.shared_record.is_none() {
        return;
    }
    if ctx.link.is_degraded() {
        if let Some(cached_at) = cached_at(ctx, patient) {
            ctx.emit(Event::FolderCopy { patient, cached_at }).await;
        }
        return;
    }
    copy_to_cache(ctx, "folder", move |record, cache| {
        cache::put_folder(record, cache, patient)
    });
}

/// After a sign-in on the record: copies the account into the cache in the background, so
/// that it can sign in on this workstation while the record is unreachable.
pub(super) fn after_sign_in(ctx: &Arc<Context>, account: AccountId) {
    copy_to_cache(ctx, "account", move |record, cache| {
        cache::put_account(record, cache, account)
    });
}

/// Copies `what` from the record into the cache on a blocking thread (establishment mode,
/// record reachable); a failure costs only the copy, and is logged.
fn copy_to_cache(
    ctx: &Arc<Context>,
    what: &'static str,
    copy: impl FnOnce(&Store, &mut Store) -> Result<(), StoreError> + Send + 'static,
) {
    if ctx.config.shared_record.is_none() || ctx.link.is_degraded() || !ctx.link.has_cache() {
        return;
    }
    let worker = Arc::clone(ctx);
    tokio::task::spawn_blocking(move || {
        let copied = worker.with_record_blocking(|record| {
            worker.link.with_cache(|cache| Ok(copy(record, cache)?))
        });
        if let Err(e) = copied {
            tracing::warn!("{what} not copied to the cache ({})", e.message_id());
        }
    });
}

/// A sign-in refused while degraded is told as such: only the accounts that signed in on
/// this workstation before can sign in until the record is back.
pub(super) fn explain_refusal(ctx: &Context, error: WorkerError) -> WorkerError {
    let unknown = matches!(
        error,
        WorkerError::Auth(crate::auth::AuthError::BadCredentials)
    );
    if unknown && ctx.link.is_degraded() {
        WorkerError::OfflineLogin
    } else {
        error
    }
}

/// When a folder was copied into the cache, if it is there.
fn cached_at(ctx: &Arc<Context>, patient: PatientId) -> Option<String> {
    ctx.link
        .with_cache(|cache| Ok(cache::cached_at(cache, patient)?))
        .ok()
        .flatten()
}
