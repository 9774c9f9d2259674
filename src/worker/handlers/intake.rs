//! What the hospital sends: the inbox of documents to reconcile, the received documents, the
//! identity-vigilance list, the XDM import and the sandbox's simulated GAM and PFI.

use std::path::PathBuf;
use std::sync::Arc;

use crate::domain::{DocumentRef, PatientId, Right};
use crate::intake::{IntakeError, reconcile};
use crate::store::identity_alerts;
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::intake::{self, HospitalScenario};
use crate::worker::{Event, FolderChanges, documents};

/// The inbox, with the counts.
pub(super) async fn inbox(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let items = ctx
        .with_store(|store| Ok(intake::inbox_rows(store)?))
        .await?;
    ctx.emit(Event::Inbox(items)).await;
    intake::emit_counts(ctx).await
}

/// The received documents of every folder.
pub(super) async fn received(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let rows = ctx
        .with_store(|store| Ok(intake::received_rows(store)?))
        .await?;
    ctx.emit(Event::ReceivedDocuments(rows)).await;
    Ok(())
}

/// The identity-vigilance list.
pub(super) async fn alerts(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let rows = ctx
        .with_store(|store| Ok(intake::alert_rows(store)?))
        .await?;
    ctx.emit(Event::IdentityAlerts(rows)).await;
    Ok(())
}

/// Shows a document of the inbox in the viewer.
pub(super) async fn open_item(ctx: &Arc<Context>, item: i64) -> Result<(), WorkerError> {
    documents::open(ctx, DocumentRef::Received(item)).await
}

/// Files an inbox document in a folder.
pub(super) async fn file_item(
    ctx: &Arc<Context>,
    item: i64,
    patient: PatientId,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    let document = ctx
        .with_store(move |store| {
            reconcile::accept(
                store,
                item,
                patient,
                &session.login,
                &session.activity.clone().unwrap_or_default(),
            )
            .map_err(intake_error)
        })
        .await?;
    ctx.emit(Event::InboxFiled {
        item,
        patient,
        document,
    })
    .await;
    ctx.emit(Event::RecordChanged {
        patient: Some(patient),
        changes: FolderChanges::ALL,
    })
    .await;
    inbox(ctx).await
}

/// Refuses an inbox document (it stays, marked refused).
pub(super) async fn refuse_item(ctx: &Arc<Context>, item: i64) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    ctx.with_store(move |store| {
        reconcile::refuse(store, item, &session.login).map_err(intake_error)
    })
    .await?;
    inbox(ctx).await
}

/// Marks an identity-vigilance alert resolved.
pub(super) async fn resolve_alert(ctx: &Arc<Context>, id: i64) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ManageIdentity)?;
    ctx.with_store(move |store| {
        identity_alerts::resolve(store, id, &session.login)?;
        crate::store::audit::record(
            store,
            &session.login,
            crate::store::audit::AuditAction::IdentityAlert,
            crate::store::audit::AuditObject::IdentityAlert(id),
            "resolved",
        )?;
        Ok(())
    })
    .await?;
    alerts(ctx).await?;
    intake::emit_counts(ctx).await
}

/// Imports an IHE XDM archive: each document waits in the inbox, the patient search
/// pre-filled from its metadata.
pub(super) async fn import_xdm(ctx: &Arc<Context>, path: PathBuf) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    let bytes = blocking(move || std::fs::read(&path))
        .await?
        .map_err(|e| WorkerError::Store(e.into()))?;
    let done = ctx
        .with_store(move |store| Ok(intake::import_xdm(store, &bytes, &session.login)?))
        .await?;
    match done {
        Ok(report) => ctx.emit(Event::XdmImported(report)).await,
        Err(reason) => ctx.emit(Event::XdmRefused { reason }).await,
    }
    inbox(ctx).await
}

/// The sandbox's GAM or PFI sends a message to the workers' listener, over MLLP.
pub(super) async fn simulate(
    ctx: &Arc<Context>,
    scenario: HospitalScenario,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let demo = ctx
        .config
        .demo
        .clone()
        .ok_or(WorkerError::NotConfigured("error-sandbox-only"))?;
    let addr = ctx
        .hl7_addr()
        .ok_or(WorkerError::NotConfigured("error-hl7-no-listener"))?;
    let message = ctx
        .with_store(move |store| Ok(demo.hospital_message(store, scenario)?))
        .await?;
    let code = intake::send_mllp(addr, &message).await?;
    ctx.emit(Event::HospitalSent {
        scenario,
        ack_code: code,
    })
    .await;
    Ok(())
}

fn intake_error(e: IntakeError) -> WorkerError {
    match e {
        IntakeError::Store(e) => WorkerError::Store(e),
        IntakeError::AlreadyDecided => WorkerError::NotConfigured("error-inbox-already-decided"),
        IntakeError::Unreadable => WorkerError::NotConfigured("error-inbox-unreadable"),
    }
}
