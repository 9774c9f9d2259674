//! The patient list, folders, documents for the viewer (stored or from the DMP), their
//! attachments and PDF pages.

use std::sync::Arc;

use crate::domain::{DocumentRef, PatientId, Right};
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::{documents as stored, episodes, patients};
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::{
    Event, FolderChanges, Operation, UserMessage, degraded, dmp_folder, documents,
};

/// Most rows a search returns; the list is virtualised, so this is about memory only.
const SEARCH_LIMIT: usize = 100_000;

pub(super) async fn search_patients(
    ctx: &Arc<Context>,
    generation: u64,
    query: String,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let result = ctx
        .with_store(move |store| Ok(patients::search(store, &query, SEARCH_LIMIT)?))
        .await?;
    ctx.emit(Event::Patients { generation, result }).await;
    Ok(())
}

/// The folder on screen at once; its DMP part follows in the background (the folder is usable
/// meanwhile) and reports its own failure.
pub(super) async fn open_folder(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    let session = ctx.require(Right::OpenFolder)?;
    let clinical = session.role.has(Right::ReadDocuments);
    let (p, eps, docs) = ctx
        .with_store(move |store| {
            let p = patients::get(store, patient)?;
            let eps = episodes::for_patient(store, patient)?;
            let docs = if clinical {
                stored::for_patient(store, patient)?
            } else {
                Vec::new()
            };
            crate::store::audit::record(
                store,
                &session.login,
                AuditAction::OpenFolder,
                AuditObject::Patient(patient.0),
                "",
            )?;
            Ok((p, eps, docs))
        })
        .await?;
    ctx.emit(Event::Folder {
        patient: p,
        episodes: eps,
        documents: docs,
    })
    .await;
    if clinical {
        received_badge(ctx, patient).await;
    }
    degraded::after_folder_read(ctx, patient).await;
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        if let Err(e) = dmp_folder::run(&worker, patient, false).await {
            worker
                .emit(Event::Failed {
                    operation: Operation::RefreshDmp,
                    message: UserMessage {
                        id: e.message_id(),
                        retryable: e.is_retryable(),
                    },
                })
                .await;
        }
    });
    Ok(())
}

/// Reads again what another workstation changed in the folder on screen. Not a new access:
/// nothing is traced beyond the opening (the DMP transactions a new consent state allows are,
/// by `dmp_folder::run`).
pub(super) async fn refresh_folder(
    ctx: &Arc<Context>,
    patient: PatientId,
    changes: FolderChanges,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::OpenFolder)?;
    let clinical = session.role.has(Right::ReadDocuments);
    let (identity, documents) = ctx
        .with_store(move |store| {
            let identity = if changes.folder {
                let p = patients::get(store, patient)?;
                Some(Box::new((p, episodes::for_patient(store, patient)?)))
            } else {
                None
            };
            let documents = if changes.documents && clinical {
                Some(stored::for_patient(store, patient)?)
            } else {
                None
            };
            Ok((identity, documents))
        })
        .await?;
    let documents_read = documents.is_some();
    ctx.emit(Event::FolderRefreshed {
        patient,
        identity,
        documents,
    })
    .await;
    if documents_read {
        received_badge(ctx, patient).await;
    }
    degraded::after_folder_read(ctx, patient).await;
    if changes.consent || changes.folder {
        dmp_folder::run(ctx, patient, false).await?;
    }
    Ok(())
}

pub(super) async fn open_document(
    ctx: &Arc<Context>,
    document: DocumentRef,
) -> Result<(), WorkerError> {
    ctx.require(Right::ReadDocuments)?;
    documents::open(ctx, document).await
}

pub(super) async fn open_attachment(
    ctx: &Arc<Context>,
    document: DocumentRef,
    index: usize,
) -> Result<(), WorkerError> {
    ctx.require(Right::ReadDocuments)?;
    documents::attachment(ctx, document, index).await
}

pub(super) async fn render_pdf_page(
    ctx: &Arc<Context>,
    view: u64,
    pdf: Arc<Vec<u8>>,
    page: usize,
    width_px: u32,
) -> Result<(), WorkerError> {
    ctx.require(Right::ReadDocuments)?;
    let rendered = blocking(move || {
        crate::pdf::engine().and_then(|engine| engine.render(&pdf, page, width_px))
    })
    .await?;
    match rendered {
        Ok(rendered) => {
            ctx.emit(Event::PdfPage {
                view,
                page: Box::new(rendered),
            })
            .await;
        }
        Err(e) => {
            tracing::warn!(page, "PDF page not rendered: {e}");
            ctx.emit(Event::PdfFailed {
                view,
                page,
                message: e.message_id(),
            })
            .await;
        }
    }
    Ok(())
}

/// The folder's count of received documents not opened yet (none read from a cache).
async fn received_badge(ctx: &Arc<Context>, patient: PatientId) {
    match ctx
        .with_store(move |store| Ok(crate::store::received::unseen_count(store, patient)?))
        .await
    {
        Ok(unseen) => ctx.emit(Event::ReceivedBadge { patient, unseen }).await,
        Err(e) => tracing::debug!("received documents not counted: {}", e.message_id()),
    }
}
