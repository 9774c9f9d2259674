//! The DMP's documents, named by their entry (DSR §3.2.2 b, d): read one (TD3.2, checked
//! against its metadata size and hash, kept in the bounded cache) into the viewer; integrate
//! some into the folder (provenance DMP, who, unit; duplicates refused on `id`, new versions on
//! `setId` + `versionNumber`; progress and cancel); make one visible after the consultation
//! d'annonce (TD3.3b); and, when a local copy is read, check that the DMP has no newer version
//! and did not delete it. Nothing runs unless the access policy opens the gate; every
//! transaction is traced.

use std::sync::Arc;

use super::access::{DmpAccess, evaluate};
use super::context::{Context, WorkerError, blocking};
use super::{DmpOrigin, Event, IntegrationReport, TaskId, documents};
use crate::dmp::consult::{DmpDocumentRow, LocalDocumentRef, VersionCheck};
use crate::domain::dmp::{DmpEntry, DmpVersionState};
use crate::domain::{DocumentSummary, PatientId, Provenance, ShareState};
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::documents::{self as stored, Integrated, NewDocument};

/// A row the screens were shown, or a refusal asking to refresh the list.
fn row(
    ctx: &Context,
    patient: PatientId,
    entry: &DmpEntry,
) -> Result<Arc<DmpDocumentRow>, WorkerError> {
    ctx.dmp_cache
        .row(patient, entry)
        .ok_or(WorkerError::NotConfigured("dmp-document-unknown"))
}

/// The document's CDA: from the cache, else TD3.2 (traced), then kept.
async fn retrieve(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    row: &DmpDocumentRow,
) -> Result<Result<Arc<Vec<u8>>, crate::dmp::error::DmpError>, WorkerError> {
    if let Some(bytes) = ctx.dmp_cache.document(&row.unique_id) {
        return Ok(Ok(bytes));
    }
    let (professional, who, mode) = a.parts();
    let outcome = a.service.retrieve(professional, who, mode, row).await;
    Ok(a.traced(ctx, outcome).await?.map(|doc| {
        let bytes = Arc::new(doc.bytes);
        ctx.dmp_cache
            .keep_document(&row.unique_id, Arc::clone(&bytes));
        bytes
    }))
}

/// The CDA of a DMP document shown to the user (attachments, stylesheet).
pub(super) async fn bytes(
    ctx: &Arc<Context>,
    patient: PatientId,
    entry: &DmpEntry,
) -> Result<Arc<Vec<u8>>, WorkerError> {
    let row = row(ctx, patient, entry)?;
    // The gate again, even for a document read before: the record may have changed.
    let a = evaluate(ctx, patient).await?.open()?;
    Ok(retrieve(ctx, &a, &row).await??)
}

/// Reads one DMP document and opens it in the viewer, PDF first.
pub(super) async fn view(
    ctx: &Arc<Context>,
    patient: PatientId,
    entry: &DmpEntry,
) -> Result<(), WorkerError> {
    let row = row(ctx, patient, entry)?;
    let a = evaluate(ctx, patient).await?.open()?;
    let raw = retrieve(ctx, &a, &row).await??;
    let unique_id = row.unique_id.clone();
    let integrated = ctx
        .with_store(move |store| Ok(stored::by_cda_id(store, &unique_id)?))
        .await?;
    let limits = ctx.config.cda_limits;
    let document = row.to_document(patient, &a.own_refs());
    let reference = document.reference();
    let visibility = document.visibility;
    let mut prepared = blocking(move || {
        let meta = crate::cda::parse_with(&raw, &limits)?.meta();
        let summary = DocumentSummary::from_dmp(reference, patient, meta, visibility);
        documents::prepare(summary, &raw, None, &limits)
    })
    .await??;
    prepared.dmp = Some(DmpOrigin {
        document,
        integrated,
    });
    ctx.emit(Event::Document(Box::new(prepared))).await;
    Ok(())
}

/// Integrates DMP documents into the folder, one TD3.2 each unless read before; progress and
/// cancel for several. Then the folder's list follows and, when asked, the first one opens.
pub(super) async fn integrate(
    ctx: &Arc<Context>,
    task: TaskId,
    patient: PatientId,
    entries: Vec<DmpEntry>,
    open: bool,
) -> Result<(), WorkerError> {
    let rows = entries
        .iter()
        .map(|entry| row(ctx, patient, entry))
        .collect::<Result<Vec<_>, _>>()?;
    let a = evaluate(ctx, patient).await?.open()?;
    let token = ctx.start_task(task);
    let total = rows.len();
    let mut report = IntegrationReport::default();
    for (done, row) in rows.iter().enumerate() {
        if token.is_cancelled() {
            report.cancelled = true;
            break;
        }
        if total > 1 {
            ctx.emit(Event::Progress { task, done, total }).await;
        }
        let raw = match retrieve(ctx, &a, row).await? {
            Ok(raw) => raw,
            Err(e) => {
                report.failed.push(e.message_id());
                continue;
            }
        };
        match store_one(ctx, &a, row, raw).await {
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
        .with_store(move |store| Ok(stored::for_patient(store, patient)?))
        .await?;
    let first = report.first();
    ctx.emit(Event::DmpIntegrated {
        patient,
        report,
        documents,
    })
    .await;
    if open && let Some(document) = first {
        documents::open_stored(ctx, document).await?;
    }
    Ok(())
}

/// Parses one DMP document and stores it with provenance DMP, traced in the same transaction.
async fn store_one(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    row: &DmpDocumentRow,
    raw: Arc<Vec<u8>>,
) -> Result<Integrated, WorkerError> {
    let limits = ctx.config.cda_limits;
    let bytes = Arc::clone(&raw);
    let mut meta = blocking(move || crate::cda::parse_with(&bytes, &limits))
        .await??
        .meta();
    meta.class_code = row.class_code.as_ref().map(|c| c.code.clone());
    if meta.cda_id != row.unique_id {
        // The DMP served another document than its metadata name: keep nothing.
        return Err(WorkerError::NotConfigured("dmp-integrate-mismatch"));
    }
    let visibility = row.visibility();
    let patient = a.patient;
    let episode = a.episode.as_ref().map(|e| e.id);
    let login = a.session.login.clone();
    let unit = a.unit.clone();
    ctx.with_store(move |store| {
        store.in_transaction(|store| {
            let done = stored::integrate(
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
                crate::store::audit::record(
                    store,
                    &login,
                    AuditAction::DocumentIntegrated,
                    AuditObject::Document(id.0),
                    "",
                )?;
            }
            Ok(done)
        })
    })
    .await
}

/// Makes a DMP document visible to the patient and/or the legal representatives (TD3.3b);
/// the folder's copy follows.
pub(super) async fn make_visible(
    ctx: &Arc<Context>,
    patient: PatientId,
    entry: &DmpEntry,
    to_patient: bool,
    to_legal_representatives: bool,
) -> Result<(), WorkerError> {
    let row = row(ctx, patient, entry)?;
    let a = evaluate(ctx, patient).await?.open()?;
    let (professional, who, mode) = a.parts();
    let outcome = a
        .service
        .make_visible(
            professional,
            who,
            mode,
            &row,
            to_patient,
            to_legal_representatives,
        )
        .await;
    let updated = Arc::new(a.traced(ctx, outcome).await??);
    ctx.dmp_cache
        .keep_rows(patient, std::slice::from_ref(&updated));
    let (unique_id, visibility) = (updated.unique_id.clone(), updated.visibility());
    let documents = ctx
        .with_store(move |store| {
            stored::set_visibility(store, &unique_id, visibility)?;
            Ok(stored::for_patient(store, patient)?)
        })
        .await?;
    ctx.emit(Event::DmpVisibilityChanged {
        patient,
        previous: entry.clone(),
        document: Box::new(updated.to_document(patient, &a.own_refs())),
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
    let Some(document) = summary.reference.stored() else {
        return Ok(());
    };
    if !from_or_to_dmp {
        return Ok(());
    }
    let Ok(a) = evaluate(ctx, summary.patient_id).await?.open() else {
        return Ok(());
    };
    let local = LocalDocumentRef {
        unique_id: summary.meta.cda_id.clone(),
        set_id: Some(summary.meta.set_id.clone()),
        version_number: Some(summary.meta.version_number),
    };
    let (professional, who, mode) = a.parts();
    let outcome = a
        .service
        .newer_or_deleted(professional, who, mode, &local)
        .await;
    let state = match a.traced(ctx, outcome).await? {
        Ok(VersionCheck::Current(_) | VersionCheck::Unknown) => return Ok(()),
        Ok(VersionCheck::Newer(row)) => {
            let row: Arc<DmpDocumentRow> = Arc::from(row);
            ctx.dmp_cache
                .keep_rows(a.patient, std::slice::from_ref(&row));
            DmpVersionState::Newer(Box::new(row.to_document(a.patient, &a.own_refs())))
        }
        Ok(VersionCheck::Superseded) => DmpVersionState::Superseded,
        Ok(VersionCheck::Deleted) => DmpVersionState::Deleted,
        Err(e) => {
            tracing::info!("DMP version check unavailable: {}", e.message_id());
            return Ok(());
        }
    };
    ctx.emit(Event::DmpVersion { document, state }).await;
    Ok(())
}
