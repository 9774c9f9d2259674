//! The patient list, folders, documents for the viewer and PDF pages.

use std::sync::Arc;

use super::{require, trace};
use crate::domain::{DocumentId, PatientId, Right};
use crate::store::audit::AuditAction;
use crate::store::{documents, episodes, patients};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, LoadedDocument};

/// Most rows a search returns; the list is virtualised, so this is about memory only.
const SEARCH_LIMIT: usize = 100_000;

pub(super) async fn search_patients(
    ctx: &Arc<Context>,
    generation: u64,
    query: String,
) -> Result<(), WorkerError> {
    require(ctx, Right::OpenFolder)?;
    let result = ctx
        .with_store(move |store| Ok(patients::search(store, &query, SEARCH_LIMIT)?))
        .await?;
    ctx.emit(Event::Patients { generation, result }).await;
    Ok(())
}

pub(super) async fn open_folder(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    let session = require(ctx, Right::OpenFolder)?;
    let clinical = session.role.has(Right::ReadDocuments);
    let (p, eps, docs) = ctx
        .with_store(move |store| {
            let p = patients::get(store, patient)?;
            let eps = episodes::for_patient(store, patient)?;
            let docs = if clinical {
                documents::for_patient(store, patient)?
            } else {
                Vec::new()
            };
            trace(
                store,
                &session.login,
                AuditAction::OpenFolder,
                "patient",
                patient.0.to_string(),
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
    Ok(())
}

pub(super) async fn open_document(
    ctx: &Arc<Context>,
    document: DocumentId,
) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadDocuments)?;
    let loaded = ctx
        .with_store(move |store| {
            let summary = documents::summary(store, document)?;
            let raw = documents::raw(store, document)?;
            let siblings = documents::for_patient(store, summary.patient_id)?;
            let newer = crate::domain::versions::newer_version(&siblings, document).cloned();
            trace(
                store,
                &session.login,
                AuditAction::ReadDocument,
                "document",
                document.0.to_string(),
            )?;
            Ok((summary, raw, newer))
        })
        .await?;
    let (summary, raw, newer) = loaded;
    let prepared = tokio::task::spawn_blocking(move || prepare_document(summary, &raw, newer))
        .await
        .map_err(|e| WorkerError::Join(e.to_string()))??;
    ctx.emit(Event::Document(Box::new(prepared))).await;
    Ok(())
}

/// Parses the CDA and decodes what the viewer shows first.
fn prepare_document(
    summary: crate::domain::DocumentSummary,
    raw: &[u8],
    newer: Option<crate::domain::DocumentSummary>,
) -> Result<LoadedDocument, WorkerError> {
    let cda = crate::cda::parse(raw)?;
    let (pdf, pdf_error) = match cda.pdf().map(|a| a.decode()) {
        None => (None, None),
        Some(Ok(bytes)) => (Some(Arc::new(bytes)), None),
        Some(Err(e)) => {
            tracing::warn!("embedded PDF not decodable: {e}");
            (None, Some("doc-pdf-undecodable"))
        }
    };
    Ok(LoadedDocument {
        summary,
        pdf,
        pdf_error,
        text: plain_text_body(&cda),
        newer,
    })
}

pub(super) async fn render_pdf_page(
    ctx: &Arc<Context>,
    view: u64,
    pdf: Arc<Vec<u8>>,
    page: usize,
    width_px: u32,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let rendered = tokio::task::spawn_blocking(move || {
        crate::pdf::engine().and_then(|engine| engine.render(&pdf, page, width_px))
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?;
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

/// The body of an N1 plain-text document, as text.
fn plain_text_body(cda: &crate::cda::CdaDocument) -> Option<String> {
    let body = cda.non_xml_body()?;
    if !body.media_type().starts_with("text/plain") {
        return None;
    }
    body.decode()
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}
