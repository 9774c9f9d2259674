//! The DMP requests of the patient folder: record the information/opposition then ask the DMP
//! again, ask again on demand, open the portal in context, search, integrate, make visible.
//! The access policy (`access`) decides whether anything may be sent; the work is in
//! `dmp_folder` and `dmp_documents`.

use std::sync::Arc;

use crate::dmp::client::Caller;
use crate::domain::dmp::{DmpEntry, DmpFilter, PortalPage};
use crate::domain::{ConsentChange, EpisodeId, PatientId, Right};
use crate::store::audit::{AuditAction, AuditObject};
use crate::worker::access::evaluate;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, TaskId, audit, degraded, dmp_documents, dmp_folder};

/// Records the patient's information / opposition for an episode, then re-evaluates the DMP.
pub(super) async fn record_consent(
    ctx: &Arc<Context>,
    patient: PatientId,
    episode: EpisodeId,
    change: ConsentChange,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::RecordConsent)?;
    if change.is_break_glass() && !session.role.has(Right::BreakGlass) {
        return Err(WorkerError::Forbidden);
    }
    ctx.with_store(move |store| {
        crate::store::consent::record(store, episode, &change, &session.login)?;
        Ok(())
    })
    .await?;
    degraded::after_folder_read(ctx, patient).await;
    dmp_folder::run(ctx, patient, false).await
}

/// Asks the DMP again, counting and listing whatever the care kind.
pub(super) async fn refresh(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    dmp_folder::run(ctx, patient, true).await
}

/// Opens the DMP professional web portal in the patient's context, in the system browser —
/// only when the access policy opens the gate: the context (patient, professional, mode,
/// page) goes to the portal over the DMP's mutual-TLS channel, and the browser gets only the
/// single-use address it answers, with no INS in it. Traced.
pub(super) async fn open_portal(
    ctx: &Arc<Context>,
    patient: PatientId,
    page: PortalPage,
) -> Result<(), WorkerError> {
    ctx.require(Right::ConsultDmp)?;
    let portal = ctx
        .dmp_portal
        .clone()
        .ok_or(WorkerError::NotConfigured("dmp-portal-not-configured"))?;
    let a = evaluate(ctx, patient).await?.open()?;
    let caller = Caller {
        professional: a.professional.clone(),
        purpose: a.mode.purpose(),
    };
    let url = portal
        .portal_url(&caller, &a.who.ins, page)
        .await
        .map_err(WorkerError::Dmp)?;
    audit::record(
        ctx,
        &a.session.login,
        AuditAction::DmpPortalOpened,
        AuditObject::Patient(patient.0),
        page.code(),
    )
    .await?;
    ctx.emit(Event::OpenInBrowser { url }).await;
    Ok(())
}

/// TD3.1 with the user's filter; the rows go to the folder's list.
pub(super) async fn search(
    ctx: &Arc<Context>,
    patient: PatientId,
    filter: DmpFilter,
) -> Result<(), WorkerError> {
    ctx.require(Right::ReadDocuments)?;
    let a = evaluate(ctx, patient).await?.open()?;
    dmp_folder::list(ctx, &a, &filter).await
}

pub(super) async fn integrate(
    ctx: &Arc<Context>,
    task: TaskId,
    patient: PatientId,
    entries: Vec<DmpEntry>,
    open: bool,
) -> Result<(), WorkerError> {
    ctx.require(Right::ReadDocuments)?;
    dmp_documents::integrate(ctx, task, patient, entries, open).await?;
    degraded::after_folder_read(ctx, patient).await;
    Ok(())
}

pub(super) async fn make_visible(
    ctx: &Arc<Context>,
    patient: PatientId,
    entry: DmpEntry,
    to_patient: bool,
    to_legal_representatives: bool,
) -> Result<(), WorkerError> {
    ctx.require(Right::ChangeDmpVisibility)?;
    dmp_documents::make_visible(ctx, patient, &entry, to_patient, to_legal_representatives).await
}
