//! The audit-chain check, the DPO's extraction, identity links waiting for an
//! administrator, demo patients in bulk (cancellable) and cancellation.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, PoisonError};

use crate::domain::Right;
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, TaskId, services};

/// Adds demo patients (the sandbox's load test); progress and cancel.
pub(super) async fn generate_patients(
    ctx: &Arc<Context>,
    task: TaskId,
    count: usize,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    let demo = ctx.config.demo.clone().ok_or(WorkerError::Forbidden)?;
    let token = ctx.start_task(task);
    let worker = Arc::clone(ctx);
    let cancel = token.clone();
    let result = ctx
        .with_store(move |store| {
            let today = chrono::Local::now().date_naive();
            let cancelled: &AtomicBool = cancel.flag();
            let added = demo.add_patients(store, count, today, cancelled, &mut |done, total| {
                worker.emit_blocking(Event::Progress { task, done, total });
            })?;
            audit::record(
                store,
                &session.login,
                AuditAction::SandboxSeeded,
                AuditObject::Patients(added),
                "",
            )?;
            Ok(())
        })
        .await;
    ctx.end_task(task);
    result?;
    ctx.emit(Event::TaskFinished {
        task,
        cancelled: token.is_cancelled(),
    })
    .await;
    Ok(())
}

pub(super) async fn verify_audit(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadAudit)?;
    let v = ctx
        .with_store(move |store| {
            let v = audit::verify(store)?;
            audit::record(
                store,
                &session.login,
                AuditAction::AuditVerified,
                AuditObject::AuditTrail(v.rows),
                "",
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
    ctx.require(Right::ManageAccounts)?;
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
    let admin = ctx.require(Right::ManageAccounts)?.login;
    ctx.with_store(move |store| {
        if approve {
            crate::auth::external::approve_link(store, &admin, id)?;
        } else {
            crate::auth::external::refuse_link(store, &admin, id)?;
        }
        Ok(())
    })
    .await?;
    // The administrator sees the list as it is now.
    pending_links(ctx).await
}

/// The DPO's extraction of every DMP access traced here: one CSV file (semicolons, UTF-8 with
/// BOM) in `<data dir>/exports/`, readable by its owner only.
pub(super) async fn export_dmp_traces(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadAudit)?;
    let dir = crate::export::file::exports_dir(&ctx.config.data_dir);
    let path = ctx
        .with_store(move |store| {
            let rows = audit::with_action(store, AuditAction::DmpTransaction)?;
            let csv = crate::dmp::consult::csv_document(rows.iter().map(|r| r.detail.as_str()));
            let name = format!(
                "acces-dmp-{}.csv",
                crate::export::file::timestamp_for_name()
            );
            let path = crate::export::file::write_private(&dir, &name, csv.as_bytes())
                .map_err(|e| WorkerError::Store(e.into()))?;
            audit::record(
                store,
                &session.login,
                AuditAction::DmpTracesExported,
                AuditObject::AuditTrail(rows.len()),
                "",
            )?;
            Ok(path)
        })
        .await?;
    ctx.emit(Event::Exported { path }).await;
    Ok(())
}

/// The service-status board, for the panel.
pub(super) async fn service_status(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    ctx.emit(Event::Services(services::board(ctx))).await;
    Ok(())
}
