//! The patient list, folders, documents for the viewer and PDF pages.

use std::sync::Arc;

use super::{require, trace};
use crate::cda::content::{ViewContent, view_content};
use crate::domain::{DocumentId, PatientId, Right};
use crate::store::audit::AuditAction;
use crate::store::{documents, episodes, patients};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{AttachmentInfo, Event, LoadedDocument};

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
    // The DMP status and counts follow in the background; the folder is usable meanwhile.
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        if let Err(e) = super::dmp::folder_dmp(&worker, patient, false).await {
            worker
                .emit(Event::Failed {
                    operation: crate::worker::Operation::Dmp,
                    message: crate::worker::UserMessage {
                        id: e.message_id(),
                        retryable: e.is_retryable(),
                    },
                })
                .await;
        }
    });
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
    let limits = ctx.config.cda_limits;
    let checked = summary.clone();
    let prepared =
        tokio::task::spawn_blocking(move || prepare_document(summary, &raw, newer, &limits))
            .await
            .map_err(|e| WorkerError::Join(e.to_string()))??;
    ctx.emit(Event::Document(Box::new(prepared))).await;
    // A copy from or to the DMP: is it still the DMP's current version? In the background.
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        if let Err(e) = super::dmp_documents::check_version(&worker, &checked).await {
            tracing::info!("DMP version check not done: {}", e.message_id());
        }
    });
    Ok(())
}

/// Parses the CDA and decodes what the viewer shows first: the PDF (or N1 text/image), the
/// structured view of an N3, the images its narratives show, and the list of attachments.
pub(super) fn prepare_document(
    summary: crate::domain::DocumentSummary,
    raw: &[u8],
    newer: Option<crate::domain::DocumentSummary>,
    limits: &crate::cda::Limits,
) -> Result<LoadedDocument, WorkerError> {
    let cda = crate::cda::parse_with(raw, limits)?;
    let first = cda.pdf().or_else(|| cda.non_xml_body());
    let (main, main_error) = match first.map(view_content) {
        None => (None, None),
        Some(Ok(content)) => (Some(content), None),
        Some(Err(e)) => {
            tracing::warn!("first content not decodable: {e}");
            (None, Some(e.message_id()))
        }
    };
    let structured = (cda.body_kind() == crate::domain::BodyKind::Structured)
        .then(|| Arc::new(crate::cda::narrative::build(&cda)));
    let media_images = structured
        .iter()
        .flat_map(|s| s.media.iter().filter(|m| m.is_image()))
        .filter_map(|m| {
            let bytes = cda.media(&m.id)?.decode().ok()?;
            let image = crate::cda::content::decode_image(&bytes).ok()?;
            Some((m.id.clone(), Arc::new(image)))
        })
        .collect();
    let attachments = cda
        .attachments()
        .iter()
        .enumerate()
        .map(|(index, a)| AttachmentInfo {
            index,
            media_type: a.media_type().to_owned(),
            title: a
                .section()
                .map(|s| s.title.clone())
                .filter(|t| !t.is_empty())
                .or_else(|| a.id().map(str::to_owned))
                .unwrap_or_default(),
            size_bytes: a.estimated_size(),
        })
        .collect();
    Ok(LoadedDocument {
        summary,
        main,
        main_error,
        structured,
        media_images,
        attachments,
        newer,
        dmp: None,
    })
}

pub(super) async fn open_attachment(
    ctx: &Arc<Context>,
    document: DocumentId,
    index: usize,
    raw: Option<Arc<Vec<u8>>>,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let raw = raw_or_stored(ctx, document, raw).await?;
    let limits = ctx.config.cda_limits;
    let content = tokio::task::spawn_blocking(move || -> Result<ViewContent, WorkerError> {
        let cda = crate::cda::parse_with(&raw, &limits)?;
        let attachment = cda
            .attachments()
            .get(index)
            .ok_or(WorkerError::Store(crate::store::StoreError::NotFound))?;
        Ok(view_content(attachment)?)
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))??;
    ctx.emit(Event::Attachment {
        document,
        index,
        content,
    })
    .await;
    Ok(())
}

/// The bytes the viewer gave (a DMP document not in the store), else the stored ones.
pub(super) async fn raw_or_stored(
    ctx: &Arc<Context>,
    document: DocumentId,
    raw: Option<Arc<Vec<u8>>>,
) -> Result<Arc<Vec<u8>>, WorkerError> {
    match raw {
        Some(raw) => Ok(raw),
        None => Ok(Arc::new(
            ctx.with_store(move |store| Ok(documents::raw(store, document)?))
                .await?,
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::doc;

    fn prepared(name: &str) -> LoadedDocument {
        let raw = crate::testing::cda_fixture(name);
        prepare_document(doc(1, "x", 1), &raw, None, &crate::cda::Limits::default())
            .expect("prepare")
    }

    /// Every fixture opens on the right view: the PDF first when the document has one (N1 body
    /// or N3 PDF copy), else its N1 content, else the structured view.
    #[test]
    fn issue3_every_fixture_opens_on_the_right_view() {
        let pdf_first = [
            "BIO-CR-BIO_2024.01_TSH_1.xml",
            "BIO-CR-BIO_2024.01_Microbiologie_V1.xml",
            "BIO-CR-BIO_2024.01_Microbiologie_V2.xml",
            "eP-MED-DM_2024.01_PosoStruct.xml",
            "DOC_NON_STRUCTURE_CDA-R2-N1.xml",
            "transmission_initiale_cr_imagerie.xml",
            "remplacement_cr_imagerie.xml",
        ];
        let structured_first = [
            "LDL-SES_2022.01.xml",
            "VSM_1.4_2022.01.xml",
            "CSE-CS8_2024.01.xml",
            "BIO-TROD_2024.01_COVID-19.xml",
            "IMG_CR_IMG_2024.01.xml",
            "BIO-CR-BIO_2021.01_Auto-Presentable.xml",
        ];
        for name in pdf_first {
            let d = prepared(name);
            assert!(
                matches!(d.main, Some(ViewContent::Pdf(_))),
                "{name}: PDF first"
            );
            assert!(d.main_error.is_none(), "{name}");
        }
        for name in structured_first {
            let d = prepared(name);
            assert!(d.main.is_none(), "{name}: no PDF to show first");
            let s = d.structured.as_ref().expect(name);
            assert!(!s.is_empty(), "{name}: structured view has sections");
        }
        // N3 with a PDF copy also has its structured view one action away.
        assert!(
            prepared("BIO-CR-BIO_2024.01_TSH_1.xml")
                .structured
                .is_some()
        );
        // N1 documents have no structured view.
        assert!(
            prepared("DOC_NON_STRUCTURE_CDA-R2-N1.xml")
                .structured
                .is_none()
        );
    }

    #[test]
    fn attachments_are_listed_and_inline_images_decoded() {
        // The imaging report carries its PDF as an attached document, not as a copy.
        let d = prepared("IMG_CR_IMG_2024.01.xml");
        assert!(
            d.attachments
                .iter()
                .any(|a| a.media_type == "application/pdf")
        );
        // The prescription shows a PNG (declared JPEG) inside its narrative.
        let d = prepared("eP-MED-DM_2024.01_PosoStruct.xml");
        assert!(!d.media_images.is_empty());
    }
}
