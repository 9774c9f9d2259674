//! The DMP's documents in the patient folder (DSR §3.2.2 b, d): the multi-criteria list merged
//! into the folder's document list, a DMP document read (TD3.2) into the viewer, integration
//! into the folder (provenance DMP, who, unit; duplicates refused on `id`, new versions on
//! `setId` + `versionNumber`), making documents visible after the consultation d'annonce
//! (TD3.3b), and the check, when a local copy is read, that the DMP has no newer version and
//! did not delete it. Each transaction goes to the audit trail; nothing runs unless the
//! episode's record allows consulting the DMP.

use std::sync::Arc;

use super::dmp::{DmpAccess, gate, own_structures};
use super::{folder, require};
use crate::dmp::consult::{DmpDocumentRow, LocalDocumentRef, SearchCriteria, VersionCheck};
use crate::domain::{DocumentSummary, PatientId, Provenance, Right, ShareState};
use crate::store::audit::AuditAction;
use crate::store::documents::{self, Integrated, NewDocument};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{
    DmpListRow, DmpOrigin, DmpToIntegrate, Event, IntegrationReport, TaskId, UserMessage,
};

/// TD3.1 with the user's criteria; the rows go to the folder's list.
pub(super) async fn search(
    ctx: &Arc<Context>,
    patient: PatientId,
    criteria: SearchCriteria,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let access = gate(ctx, patient).await?.open()?;
    list(ctx, &access, &criteria).await
}

/// Lists the DMP's documents matching `criteria` and tells the folder.
pub(super) async fn list(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    criteria: &SearchCriteria,
) -> Result<(), WorkerError> {
    let patient = a.patient.id;
    let own = own_structures(ctx, a);
    let own_refs: Vec<&str> = own.iter().map(String::as_str).collect();
    let (professional, who, access) = a.parts();
    let outcome = a.service.search(professional, who, access, criteria).await;
    let event = match a.traced(ctx, outcome).await? {
        Ok(rows) => {
            // The folder's DMP list is shown now: a reference event for later counts.
            let now = chrono::Utc::now().naive_utc();
            ctx.with_store(move |store| Ok(crate::store::dmp_seen::mark(store, patient, now)?))
                .await?;
            Event::DmpDocuments {
                patient,
                rows: rows
                    .into_iter()
                    .map(|row| DmpListRow {
                        own: row.authored_by(&own_refs),
                        row,
                    })
                    .collect(),
            }
        }
        Err(e) => Event::DmpDocumentsFailed {
            patient,
            message: UserMessage {
                id: e.message_id(),
                retryable: e.is_retryable(),
            },
        },
    };
    ctx.emit(event).await;
    Ok(())
}

/// Reads one DMP document (TD3.2) and opens it in the viewer, PDF first.
pub(super) async fn view(
    ctx: &Arc<Context>,
    patient: PatientId,
    row: DmpDocumentRow,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let a = gate(ctx, patient).await?.open()?;
    let (professional, who, access) = a.parts();
    let outcome = a.service.retrieve(professional, who, access, &row).await;
    let retrieved = a.traced(ctx, outcome).await??;
    let unique_id = row.unique_id.clone();
    let integrated = ctx
        .with_store(move |store| Ok(documents::by_cda_id(store, &unique_id)?))
        .await?;
    let raw = Arc::new(retrieved.bytes);
    let limits = ctx.config.cda_limits;
    let bytes = Arc::clone(&raw);
    let visibility = row.visibility();
    let mut prepared = tokio::task::spawn_blocking(move || {
        let meta = crate::cda::parse_with(&bytes, &limits)?.meta();
        let summary = DocumentSummary::not_stored(patient, meta, visibility);
        folder::prepare_document(summary, &bytes, None, &limits)
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))??;
    prepared.dmp = Some(DmpOrigin {
        row: Box::new(row),
        raw,
        integrated,
    });
    ctx.emit(Event::Document(Box::new(prepared))).await;
    Ok(())
}

/// Integrates DMP documents into the folder, one TD3.2 each unless the viewer already read
/// it; progress and cancel for several. Then the folder's list is reloaded and, when asked,
/// the first one opens.
pub(super) async fn integrate(
    ctx: &Arc<Context>,
    task: TaskId,
    patient: PatientId,
    documents: Vec<DmpToIntegrate>,
    open: bool,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let a = gate(ctx, patient).await?.open()?;
    let token = ctx.start_task(task);
    let total = documents.len();
    let unit = a.unit();
    let episode = a.episode.as_ref().map(|e| e.id);
    let mut report = IntegrationReport::default();
    for (done, item) in documents.into_iter().enumerate() {
        if token.is_cancelled() {
            report.cancelled = true;
            break;
        }
        if total > 1 {
            ctx.emit(Event::Progress { task, done, total }).await;
        }
        let raw = match item.raw {
            Some(raw) => raw,
            None => {
                let (professional, who, access) = a.parts();
                let outcome = a
                    .service
                    .retrieve(professional, who, access, &item.row)
                    .await;
                match a.traced(ctx, outcome).await? {
                    Ok(doc) => Arc::new(doc.bytes),
                    Err(e) => {
                        report.failed.push(e.message_id());
                        continue;
                    }
                }
            }
        };
        let stored = store_one(ctx, &a, episode, &unit, &item.row, raw).await;
        match stored {
            Ok(Integrated::New(id)) => report.integrated.push(id),
            Ok(Integrated::AlreadyPresent(id)) => report.already.push(id),
            Ok(Integrated::VersionTaken(_)) => report.version_taken += 1,
            Err(e) => {
                tracing::warn!("DMP document not integrated: {}", e.message_id());
                report.failed.push(e.message_id());
            }
        }
    }
    ctx.end_task(task);
    if total > 1 {
        ctx.emit(Event::TaskFinished {
            task,
            cancelled: report.cancelled,
        })
        .await;
    }
    let documents = ctx
        .with_store(move |store| Ok(documents::for_patient(store, patient)?))
        .await?;
    let first = report.first();
    ctx.emit(Event::DmpIntegrated {
        patient,
        report,
        documents,
    })
    .await;
    if open && let Some(document) = first {
        folder::open_document(ctx, document).await?;
    }
    Ok(())
}

/// Parses one DMP document and stores it with provenance DMP; traced.
async fn store_one(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    episode: Option<crate::domain::EpisodeId>,
    unit: &str,
    row: &DmpDocumentRow,
    raw: Arc<Vec<u8>>,
) -> Result<Integrated, WorkerError> {
    let limits = ctx.config.cda_limits;
    let bytes = Arc::clone(&raw);
    let mut meta = tokio::task::spawn_blocking(move || crate::cda::parse_with(&bytes, &limits))
        .await
        .map_err(|e| WorkerError::Join(e.to_string()))??
        .meta();
    meta.class_code = row.class_code.as_ref().map(|c| c.code.clone());
    if meta.cda_id != row.unique_id {
        // The DMP served another document than its metadata name: keep nothing.
        return Err(WorkerError::NotConfigured("dmp-integrate-mismatch"));
    }
    let visibility = row.visibility();
    let patient = a.patient.id;
    let login = a.session.login.clone();
    let unit = unit.to_owned();
    ctx.with_store(move |store| {
        let done = documents::integrate(
            store,
            &NewDocument {
                patient_id: patient,
                episode_id: episode,
                meta: &meta,
                provenance: Provenance::Dmp,
                visibility,
                raw: &raw,
            },
            &login,
            &unit,
        )?;
        if let Integrated::New(id) = done {
            super::trace(
                store,
                &login,
                AuditAction::DocumentIntegrated,
                "document",
                id.0.to_string(),
            )?;
        }
        Ok(done)
    })
    .await
}

/// Makes a DMP document visible to the patient and/or the legal representatives (TD3.3b).
pub(super) async fn make_visible(
    ctx: &Arc<Context>,
    patient: PatientId,
    row: DmpDocumentRow,
    to_patient: bool,
    to_legal_representatives: bool,
) -> Result<(), WorkerError> {
    require(ctx, Right::ChangeDmpVisibility)?;
    let a = gate(ctx, patient).await?.open()?;
    let (professional, who, access) = a.parts();
    let outcome = a
        .service
        .make_visible(
            professional,
            who,
            access,
            &row,
            to_patient,
            to_legal_representatives,
        )
        .await;
    let updated = a.traced(ctx, outcome).await??;
    // The folder's copy follows the DMP.
    let (unique_id, visibility) = (updated.unique_id.clone(), updated.visibility());
    let documents = ctx
        .with_store(move |store| {
            documents::set_visibility(store, &unique_id, visibility)?;
            Ok(documents::for_patient(store, patient)?)
        })
        .await?;
    ctx.emit(Event::DmpVisibilityChanged {
        patient,
        previous_entry: row.entry_uuid,
        row: Box::new(updated),
        documents,
    })
    .await;
    Ok(())
}

/// When a local document that came from or went to the DMP is read: is it still the DMP's
/// current version? Silent when the DMP may not be asked.
pub(super) async fn check_version(
    ctx: &Arc<Context>,
    summary: &DocumentSummary,
) -> Result<(), WorkerError> {
    let from_or_to_dmp =
        summary.provenance == Provenance::Dmp || summary.dmp_share == ShareState::Sent;
    if !from_or_to_dmp {
        return Ok(());
    }
    let Ok(a) = gate(ctx, summary.patient_id).await?.open() else {
        return Ok(());
    };
    let local = LocalDocumentRef {
        unique_id: summary.meta.cda_id.clone(),
        set_id: Some(summary.meta.set_id.clone()),
        version_number: Some(summary.meta.version_number),
    };
    let (professional, who, access) = a.parts();
    let outcome = a
        .service
        .newer_or_deleted(professional, who, access, &local)
        .await;
    match a.traced(ctx, outcome).await? {
        Ok(VersionCheck::Current(_) | VersionCheck::Unknown) => {}
        Ok(check) => {
            ctx.emit(Event::DmpVersion {
                document: summary.id,
                check,
            })
            .await;
        }
        Err(e) => tracing::info!("DMP version check unavailable: {}", e.message_id()),
    }
    Ok(())
}
