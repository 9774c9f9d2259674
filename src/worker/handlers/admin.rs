//! Settings, the audit-chain check, bulk demo patients (cancellable) and cancellation.

use std::sync::{Arc, PoisonError};

use super::{require, trace};
use crate::domain::Right;
use crate::store::audit::{self, AuditAction, AuditEntry};
use crate::store::settings;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{CancelToken, Event, TaskId};

pub(super) async fn save_setting(
    ctx: &Arc<Context>,
    key: String,
    value: String,
) -> Result<(), WorkerError> {
    // Display preferences may be changed before signing in; the rest needs the right.
    let actor = if key.starts_with("ui.") {
        ctx.session()
            .map_or_else(|| "anonymous".to_owned(), |s| s.login)
    } else {
        require(ctx, Right::ChangeSettings)?.login
    };
    ctx.with_store(move |store| {
        settings::set(store, &key, &value)?;
        audit::append(
            store,
            &AuditEntry {
                actor: &actor,
                action: AuditAction::SettingChanged,
                object_kind: "setting",
                object_id: key.clone(),
                detail: value.clone(),
            },
        )?;
        Ok(())
    })
    .await
}

pub(super) async fn generate_patients(
    ctx: &Arc<Context>,
    task: TaskId,
    count: usize,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    if !ctx.config.sandbox {
        return Err(WorkerError::Forbidden);
    }
    let token = CancelToken::default();
    ctx.tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(task, token.clone());
    let worker = Arc::clone(ctx);
    let result = ctx
        .with_store(move |store| {
            let today = chrono::Local::now().date_naive();
            let added =
                crate::sandbox::seed::bulk(store, count, today, &token, &mut |done, total| {
                    worker.emit_blocking(Event::Progress { task, done, total });
                })?;
            trace(
                store,
                &session.login,
                AuditAction::SandboxSeeded,
                "patients",
                added.to_string(),
            )?;
            Ok(token.is_cancelled())
        })
        .await;
    ctx.tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&task);
    let cancelled = result?;
    ctx.emit(Event::TaskFinished { task, cancelled }).await;
    Ok(())
}

pub(super) async fn verify_audit(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadAudit)?;
    let v = ctx
        .with_store(move |store| {
            let v = audit::verify(store)?;
            trace(
                store,
                &session.login,
                AuditAction::AuditVerified,
                "audit",
                v.rows.to_string(),
            )?;
            Ok(v)
        })
        .await?;
    if !v.is_intact() {
        tracing::error!(first_broken = ?v.first_broken, "audit chain broken");
    }
    ctx.emit(Event::AuditVerified {
        rows: v.rows,
        intact: v.is_intact(),
    })
    .await;
    Ok(())
}

pub(super) fn cancel(ctx: &Context, task: TaskId) {
    if let Some(token) = ctx
        .tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&task)
    {
        token.cancel();
    }
}

/// Identity links waiting for an administrator's approval.
pub(super) async fn pending_links(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    require(ctx, Right::ManageAccounts)?;
    let rows = ctx
        .with_store(|store| {
            let mut rows = Vec::new();
            for link in crate::store::identity_links::pending(store)? {
                let login = crate::store::accounts::by_id(store, link.account_id)?
                    .map(|a| a.login)
                    .unwrap_or_default();
                rows.push(crate::worker::PendingLinkInfo {
                    id: link.id,
                    account_login: login,
                    trust_domain: link.trust_domain,
                    national_id: link.national_id,
                    requested_at: link.created_at,
                });
            }
            Ok(rows)
        })
        .await?;
    ctx.emit(Event::PendingLinks(rows)).await;
    Ok(())
}

/// Approves or refuses a link request, then sends the updated list.
pub(super) async fn decide_link(
    ctx: &Arc<Context>,
    id: i64,
    approve: bool,
) -> Result<(), WorkerError> {
    let admin = require(ctx, Right::ManageAccounts)?.login;
    ctx.with_store(move |store| {
        if approve {
            crate::auth::external::approve_link(store, &admin, id)?;
        } else {
            crate::auth::external::refuse_link(store, &admin, id)?;
        }
        Ok(())
    })
    .await?;
    pending_links(ctx).await
}

/// The DPO's extraction of every DMP access traced here: one CSV file (semicolons, UTF-8 with
/// BOM) in `<data dir>/exports/`, readable by its owner only.
pub(super) async fn export_dmp_traces(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadAudit)?;
    let dir = ctx.config.data_dir.join("exports");
    let path = ctx
        .with_store(move |store| {
            let rows = audit::with_action(store, AuditAction::DmpTransaction)?;
            let csv = crate::dmp::consult::csv_document(rows.iter().map(|r| r.detail.as_str()));
            let name = format!(
                "acces-dmp-{}.csv",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            );
            let path = dir.join(name);
            write_private(&dir, &path, csv.as_bytes()).map_err(|e| WorkerError::Store(e.into()))?;
            trace(
                store,
                &session.login,
                AuditAction::DmpTracesExported,
                "audit",
                rows.len().to_string(),
            )?;
            Ok(path)
        })
        .await?;
    ctx.emit(Event::Exported { path }).await;
    Ok(())
}

/// Writes a file only its owner can read, creating its folder.
fn write_private(
    dir: &std::path::Path,
    path: &std::path::Path,
    bytes: &[u8],
) -> std::io::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}
