//! Sending by MSSanté: the recipients proposed for a patient (the treating physician from the
//! GAM, the patient's own mailbox), queueing a send, and a document's sends with their
//! receipts. Each checks its right and calls `worker::outbox` / `store::mss`.

use std::sync::Arc;

use crate::domain::directory::{DirectoryHit, DirectoryQuery};
use crate::domain::mss::{MssSendRequest, patient_mailbox};
use crate::domain::{DocumentId, PatientId, Right};
use crate::store::{directory, mss as rows, patients};
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};
use crate::worker::outbox::{self, sender};

pub(super) async fn proposals(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let (treating, patient_mailbox) = ctx
        .with_store(move |s| {
            let p = patients::get(s, patient)?;
            let mailbox = p
                .identity
                .ins
                .as_ref()
                .filter(|_| p.identity.status.ins_usable())
                .map(|ins| patient_mailbox(ins.matricule.as_str()));
            let treating = match rows::treating_physician(s, patient)? {
                Some((id, _)) => treating_entries(s, &id)?,
                None => Vec::new(),
            };
            Ok((treating, mailbox))
        })
        .await?;
    ctx.emit(Event::MssProposals {
        patient,
        treating,
        patient_mailbox,
    })
    .await;
    Ok(())
}

/// The directory's entries of the treating physician: by RPPS (an idNat `8…` loses its
/// prefix), persons' mailboxes first.
fn treating_entries(
    s: &crate::store::Store,
    id: &str,
) -> Result<Vec<DirectoryHit>, crate::store::StoreError> {
    let id = id.trim();
    let rpps = if id.len() == 12 && id.starts_with('8') {
        &id[1..]
    } else {
        id
    };
    let mut hits = directory::search(
        s,
        &DirectoryQuery {
            text: rpps.to_owned(),
            limit: 10,
            ..DirectoryQuery::default()
        },
    )?;
    hits.retain(|h| h.entry.person_id == rpps || h.entry.national_id == id);
    Ok(hits)
}

pub(super) async fn send(ctx: &Arc<Context>, request: MssSendRequest) -> Result<(), WorkerError> {
    let who = sender(ctx, Right::ProduceDocuments)?;
    let document = request.document;
    let patient = request.patient;
    let worker = Arc::clone(ctx);
    let item = ctx
        .with_store(move |s| {
            let mut entries = Vec::with_capacity(request.recipients.len());
            for id in &request.recipients {
                let hit = crate::store::directory_search::entry(s, *id)?.ok_or(
                    WorkerError::NotConfigured(
                        crate::outbox::mss::MssError::RecipientGone.message_id(),
                    ),
                )?;
                entries.push(hit.entry);
            }
            let q = who.queue(worker.dmp.as_ref().map(|d| d.client()));
            s.in_durable_transaction(|s| {
                let summary = crate::store::documents::summary(s, document)?;
                if summary.patient_id != patient {
                    return Err(WorkerError::Forbidden);
                }
                let item = outbox::queue_mss(s, &q, &request, &entries)?;
                crate::store::audit::record(
                    s,
                    &who.session.login,
                    crate::store::audit::AuditAction::OutboxCommand,
                    crate::store::audit::AuditObject::OutboxItem(item.0),
                    "mss-send",
                )?;
                Ok(item)
            })
        })
        .await?;
    ctx.outbox_wake.notify_waiters();
    ctx.emit(Event::MssQueued { document, item }).await;
    outbox::emit_changed(ctx, Some(patient)).await
}

pub(super) async fn sends(ctx: &Arc<Context>, document: DocumentId) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let sends = ctx
        .with_store(move |s| Ok(rows::sends_of(s, document)?))
        .await?;
    ctx.emit(Event::MssSends { document, sends }).await;
    Ok(())
}
