//! Documents for the viewer, by reference: a stored document is read from the store (rights,
//! audit, the newer version of its chain), a DMP one through `dmp_documents` (TD3.2 or the
//! bounded cache). Either way the CDA is parsed here and the viewer gets decoded contents only:
//! the PDF or N1 content shown first, the structured view, inline images, the attachments'
//! list; attachments are decoded on request from the same bytes.

use std::sync::Arc;

use super::context::{Context, WorkerError, blocking};
use super::{AttachmentInfo, Event, LoadedDocument, audit, dmp_documents};
use crate::cda::content::{ViewContent, view_content};
use crate::domain::{DocumentId, DocumentRef, DocumentSummary, Right};
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::documents;

/// Opens a document in the viewer.
pub(super) async fn open(ctx: &Arc<Context>, document: DocumentRef) -> Result<(), WorkerError> {
    match document {
        DocumentRef::Stored(id) => open_stored(ctx, id).await,
        DocumentRef::Dmp { patient, entry } => dmp_documents::view(ctx, patient, &entry).await,
        DocumentRef::Received(item) => open_received(ctx, item).await,
    }
}

/// Opens a document of the inbox: not in any folder yet, so its summary names no patient
/// (`PatientId(0)`, never a row) and the viewer offers no folder action.
async fn open_received(ctx: &Arc<Context>, item: i64) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    let raw = ctx
        .with_store(move |store| {
            let raw = crate::store::inbox::raw(store, item)?;
            crate::store::audit::record(
                store,
                &session.login,
                AuditAction::ReadDocument,
                AuditObject::InboxItem(item),
                "",
            )?;
            Ok(raw)
        })
        .await?;
    let limits = ctx.config.cda_limits;
    let prepared = blocking(move || -> Result<LoadedDocument, WorkerError> {
        let meta = crate::cda::parse_with(&raw, &limits)?.meta();
        let summary = DocumentSummary {
            reference: DocumentRef::Received(item),
            patient_id: crate::domain::PatientId(0),
            episode_id: None,
            meta,
            provenance: crate::domain::Provenance::Mssante,
            dmp_share: crate::domain::ShareState::NotShared,
            mss_share: crate::domain::ShareState::NotShared,
            visibility: crate::domain::Visibility::default(),
            integrated_at: chrono::Utc::now().naive_utc(),
            sharing: None,
        };
        prepare(summary, &raw, None, &limits)
    })
    .await??;
    ctx.emit(Event::Document(Box::new(prepared))).await;
    Ok(())
}

/// Opens a stored document; then, in the background, asks the DMP whether a copy from or to
/// it is still current.
pub(super) async fn open_stored(
    ctx: &Arc<Context>,
    document: DocumentId,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    let (summary, raw, newer, unseen) = ctx
        .with_store(move |store| {
            let summary = documents::summary(store, document)?;
            let raw = documents::raw(store, document)?;
            let siblings = documents::for_patient(store, summary.patient_id)?;
            let newer = crate::domain::versions::newer_version(&siblings, document).cloned();
            crate::store::audit::record(
                store,
                &session.login,
                AuditAction::ReadDocument,
                AuditObject::Document(document.0),
                "",
            )?;
            // A received document opened: no longer new in the folder's badge.
            let unseen = if store.is_cache() {
                None
            } else {
                crate::store::received::mark_seen(store, document)?;
                Some(crate::store::received::unseen_count(
                    store,
                    summary.patient_id,
                )?)
            };
            Ok((summary, raw, newer, unseen))
        })
        .await?;
    if let Some(unseen) = unseen {
        ctx.emit(Event::ReceivedBadge {
            patient: summary.patient_id,
            unseen,
        })
        .await;
    }
    let limits = ctx.config.cda_limits;
    let checked = summary.clone();
    let prepared = blocking(move || prepare(summary, &raw, newer, &limits)).await??;
    ctx.emit(Event::Document(Box::new(prepared))).await;
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        if let Err(e) = dmp_documents::check_version(&worker, &checked).await {
            tracing::info!("DMP version check not done: {}", e.message_id());
        }
    });
    Ok(())
}

/// The CDA bytes of a document: from the store, or from the DMP (cache, else TD3.2).
pub(super) async fn bytes(
    ctx: &Arc<Context>,
    document: &DocumentRef,
) -> Result<Arc<Vec<u8>>, WorkerError> {
    match document {
        DocumentRef::Stored(id) => {
            let id = *id;
            Ok(Arc::new(
                ctx.with_store(move |store| Ok(documents::raw(store, id)?))
                    .await?,
            ))
        }
        DocumentRef::Dmp { patient, entry } => dmp_documents::bytes(ctx, *patient, entry).await,
        DocumentRef::Received(item) => {
            let item = *item;
            Ok(Arc::new(
                ctx.with_store(move |store| Ok(crate::store::inbox::raw(store, item)?))
                    .await?,
            ))
        }
    }
}

/// Decodes one embedded content of a document for the viewer.
pub(super) async fn attachment(
    ctx: &Arc<Context>,
    document: DocumentRef,
    index: usize,
) -> Result<(), WorkerError> {
    let raw = bytes(ctx, &document).await?;
    let limits = ctx.config.cda_limits;
    let content = blocking(move || -> Result<ViewContent, WorkerError> {
        let cda = crate::cda::parse_with(&raw, &limits)?;
        let attachment = cda
            .attachments()
            .get(index)
            .ok_or(WorkerError::Store(crate::store::StoreError::NotFound))?;
        Ok(view_content(attachment)?)
    })
    .await??;
    ctx.emit(Event::Attachment {
        document,
        index,
        content,
    })
    .await;
    Ok(())
}

/// A document the viewer reads and the audit trail names: the store's row, or the DMP entry.
pub(super) fn audit_object(document: &DocumentRef, stylesheet: bool) -> AuditObject {
    match (document, stylesheet) {
        (DocumentRef::Stored(id), false) => AuditObject::Document(id.0),
        (DocumentRef::Stored(id), true) => AuditObject::DocumentStylesheet(id.0),
        (DocumentRef::Dmp { entry, .. }, _) => AuditObject::DmpDocument(entry.0.clone()),
        (DocumentRef::Received(item), _) => AuditObject::InboxItem(*item),
    }
}

/// Traces a read of `document` by the session's user.
pub(super) async fn trace_read(
    ctx: &Arc<Context>,
    actor: &str,
    document: &DocumentRef,
    stylesheet: bool,
) -> Result<(), WorkerError> {
    let object = audit_object(document, stylesheet);
    audit::record(ctx, actor, AuditAction::ReadDocument, object, "").await
}

/// Parses the CDA and decodes what the viewer shows first: the PDF (or N1 text/image), the
/// structured view of an N3, the images its narratives show, and the list of attachments.
pub(super) fn prepare(
    summary: DocumentSummary,
    raw: &[u8],
    newer: Option<DocumentSummary>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::doc;

    fn prepared(name: &str) -> LoadedDocument {
        let raw = crate::testing::cda_fixture(name);
        prepare(doc(1, "x", 1), &raw, None, &crate::cda::Limits::default()).expect("prepare")
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
