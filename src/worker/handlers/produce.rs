//! Producing a document from the local form: the author is the signed-in professional, the
//! organisation the configured establishment; the N3 document (narrative + PDF copy) is stored
//! as a local document of the patient, in the chosen episode, and traced; when the
//! professional chose to share it, its outbox job is written in the same transaction (sent
//! after the configured delay, unless held or cancelled meanwhile). A new version of a
//! produced document keeps its series and replaces it, in the DMP too.

use std::sync::Arc;

use crate::cda::produce;
use crate::cda::produce::DocumentIds;
use crate::cda::produce::form::{ProductionContext, ProductionForm, build};
use crate::domain::{DocumentId, EpisodeId, PatientId, Provenance, Right};
use crate::store::audit::{AuditAction, AuditObject};
use crate::store::documents::{self, NewDocument};
use crate::store::{episodes, patients};
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};

/// A suffix unique to this document: time in milliseconds and 4 random digits.
fn unique_suffix() -> String {
    let millis = chrono::Utc::now().timestamp_millis();
    format!("{millis}{:04}", rand::random::<u16>() % 10_000)
}

pub(super) async fn produce_document(
    ctx: &Arc<Context>,
    patient: PatientId,
    episode: Option<EpisodeId>,
    form: ProductionForm,
    sharing: crate::worker::SharingChoice,
    replaces: Option<DocumentId>,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ProduceDocuments)?;
    let professional = session
        .professional
        .clone()
        .ok_or(WorkerError::NotConfigured("error-produce-no-professional"))?;
    let establishment = ctx
        .config
        .establishment
        .clone()
        .ok_or(WorkerError::NotConfigured("error-produce-no-establishment"))?;
    let outbox_settings = ctx.config.outbox.clone().filter(|_| sharing.send_to_dmp);
    let queued = outbox_settings.is_some();
    let worker = Arc::clone(ctx);
    let document = ctx
        .with_store(move |store| {
            store.in_durable_transaction(|store| {
                let identity = patients::get(store, patient)?.identity;
                let episode = episodes::for_patient(store, patient)?
                    .into_iter()
                    .find(|e| Some(e.id) == episode);
                let context = ProductionContext::new(
                    &professional,
                    &establishment,
                    identity,
                    episode.clone(),
                    chrono::Local::now().naive_local(),
                    unique_suffix(),
                )
                .ok_or(WorkerError::NotConfigured("error-produce-no-professional"))?;
                let mut doc = build(&form, &context)?;
                if let Some(earlier) = replaces {
                    // Same series, next version, RPLC to the version it replaces.
                    let meta = documents::summary(store, earlier)?.meta;
                    doc.ids = DocumentIds::after_stored(
                        doc.ids.id.clone(),
                        &meta.cda_id,
                        &meta.set_id,
                        meta.version_number,
                    );
                }
                let produced = produce::produce(&doc)?;
                let meta = crate::cda::parse(&produced.n3)?.meta();
                let inserted = documents::insert(
                    store,
                    &NewDocument {
                        patient_id: patient,
                        episode_id: episode.map(|e| e.id),
                        meta: &meta,
                        provenance: Provenance::Local,
                        visibility: sharing.visibility,
                        raw: &produced.n3,
                    },
                )?;
                crate::store::audit::record(
                    store,
                    &session.login,
                    AuditAction::DocumentProduced,
                    AuditObject::Document(inserted.id().0),
                    "",
                )?;
                if let Some(settings) = &outbox_settings {
                    let q = crate::worker::outbox::Queue {
                        settings,
                        dmp: worker.dmp.as_ref().map(|d| d.client()),
                        professional: &professional,
                        login: &session.login,
                    };
                    let due = chrono::Utc::now()
                        + chrono::Duration::from_std(settings.delay).unwrap_or_default();
                    let action = match replaces {
                        Some(earlier) => crate::worker::outbox::replacing(store, earlier)?,
                        None => crate::domain::outbox::OutboxAction::Feed,
                    };
                    crate::worker::outbox::queue_document(
                        store,
                        &q,
                        &crate::worker::outbox::Job {
                            document: inserted.id(),
                            action,
                            visibility: sharing.visibility,
                            batch: None,
                            due_at: due,
                            replaced: replaces,
                        },
                    )?;
                }
                Ok(inserted.id())
            })
        })
        .await?;
    if queued {
        crate::worker::outbox::emit_changed(ctx, Some(patient)).await?;
    }
    tracing::info!(document = document.0, "document produced");
    ctx.emit(Event::DocumentProduced { patient, document })
        .await;
    Ok(())
}
