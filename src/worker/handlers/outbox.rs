//! The outbox's requests: the lists, a person's commands on a job, sending a patient's
//! history (or one document again) and deleting a sent document from the DMP. Each checks
//! its right and calls `worker::outbox` / `store::outbox`.

use std::sync::Arc;

use chrono::Utc;

use crate::domain::outbox::{OutboxAction, OutboxCommand, OutboxFilter, OutboxItemId};
use crate::domain::{DocumentId, PatientId, Right};
use crate::store::outbox as rows;
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};
use crate::worker::outbox::{self, Job, sender};

/// The most jobs one list shows.
const LIST_LIMIT: usize = 2_000;

pub(super) async fn list(
    ctx: &Arc<Context>,
    filter: OutboxFilter,
    patient: Option<PatientId>,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let items = ctx
        .with_store(move |s| Ok(rows::list(s, filter, patient, LIST_LIMIT)?))
        .await?;
    ctx.emit(Event::Outbox { filter, items }).await;
    Ok(())
}

pub(super) async fn command(
    ctx: &Arc<Context>,
    item: OutboxItemId,
    command: OutboxCommand,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::FeedDmp)?;
    let applied = ctx
        .with_store(move |s| {
            let applied = rows::command(s, item, command)?;
            if applied {
                crate::store::audit::record(
                    s,
                    &session.login,
                    crate::store::audit::AuditAction::OutboxCommand,
                    crate::store::audit::AuditObject::OutboxItem(item.0),
                    command_code(command),
                )?;
            }
            Ok(applied)
        })
        .await?;
    if applied && matches!(command, OutboxCommand::Resume | OutboxCommand::Retry) {
        ctx.outbox_wake.notify_waiters();
    }
    outbox::emit_changed(ctx, None).await
}

fn command_code(c: OutboxCommand) -> &'static str {
    match c {
        OutboxCommand::Hold => "hold",
        OutboxCommand::Resume => "resume",
        OutboxCommand::Cancel => "cancel",
        OutboxCommand::Retry => "retry",
    }
}

/// Queues documents now, as one batch, and follows it.
pub(super) async fn send_history(
    ctx: &Arc<Context>,
    patient: PatientId,
    documents: Vec<DocumentId>,
) -> Result<(), WorkerError> {
    let who = sender(ctx, Right::FeedDmp)?;
    let batch = format!(
        "h{}-{:04x}",
        Utc::now().timestamp_millis(),
        rand::random::<u16>()
    );
    let worker = Arc::clone(ctx);
    let b = batch.clone();
    ctx.with_store(move |s| {
        let q = who.queue(worker.dmp.as_ref().map(|d| d.client()));
        s.in_durable_transaction(|s| {
            for document in documents {
                let last = rows::latest_feed_of(s, document)?;
                let state = last
                    .map(|(id, state)| rows::final_failure(s, id).map(|f| (state, f)))
                    .transpose()?;
                if !outbox::may_send_again(state) {
                    continue;
                }
                let summary = crate::store::documents::summary(s, document)?;
                if summary.patient_id != patient {
                    continue;
                }
                outbox::queue_document(
                    s,
                    &q,
                    &Job {
                        document,
                        action: OutboxAction::Feed,
                        visibility: summary.visibility,
                        batch: Some(&b),
                        due_at: Utc::now(),
                        replaced: None,
                    },
                )?;
            }
            Ok::<_, WorkerError>(())
        })
    })
    .await?;
    ctx.outbox_wake.notify_waiters();
    outbox::follow_batch(ctx, patient, batch);
    outbox::emit_changed(ctx, Some(patient)).await
}

pub(super) async fn cancel_batch(ctx: &Arc<Context>, batch: String) -> Result<(), WorkerError> {
    ctx.require(Right::FeedDmp)?;
    ctx.with_store(move |s| Ok(rows::cancel_batch(s, &batch)?))
        .await?;
    outbox::emit_changed(ctx, None).await
}

/// Queues the deletion of a sent document, after the job that sent it.
pub(super) async fn delete_from_dmp(
    ctx: &Arc<Context>,
    document: DocumentId,
) -> Result<(), WorkerError> {
    let who = sender(ctx, Right::FeedDmp)?;
    let worker = Arc::clone(ctx);
    let patient = ctx
        .with_store(move |s| {
            let q = who.queue(worker.dmp.as_ref().map(|d| d.client()));
            s.in_durable_transaction(|s| {
                let summary = crate::store::documents::summary(s, document)?;
                outbox::queue_document(
                    s,
                    &q,
                    &Job {
                        document,
                        action: OutboxAction::Delete,
                        visibility: summary.visibility,
                        batch: None,
                        due_at: Utc::now(),
                        replaced: None,
                    },
                )?;
                Ok::<_, WorkerError>(summary.patient_id)
            })
        })
        .await?;
    ctx.outbox_wake.notify_waiters();
    outbox::emit_changed(ctx, Some(patient)).await
}
