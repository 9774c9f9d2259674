//! The outbox on a single workstation: the lanes that drain it (their own connections to the
//! same encrypted file), the jobs queued when a document is validated or when a person sends
//! the history, a person's commands, and the events that keep the screens current (debounced
//! `OutboxChanged`, a batch's progress until it ends).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::domain::outbox::{OutboxAction, OutboxItemId, OutboxState};
use crate::domain::{DocumentId, PatientId, ProfessionalInfo, Visibility};
use crate::outbox::{Drainer, OutboxError, Production, Target};
use crate::store::{DbKey, Store, documents, episodes, outbox as rows, patients, stays};
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};

impl From<OutboxError> for WorkerError {
    fn from(e: OutboxError) -> Self {
        match e {
            OutboxError::Store(e) => WorkerError::Store(e),
            OutboxError::Dmp(e) => WorkerError::Dmp(e),
            OutboxError::Cda(e) => WorkerError::Cda(e),
            OutboxError::Message(_) | OutboxError::Document(_) => {
                WorkerError::NotConfigured("error-outbox-document")
            }
            OutboxError::NotConfigured => WorkerError::NotConfigured("error-outbox-not-configured"),
            OutboxError::Mss(e) => WorkerError::NotConfigured(e.message_id()),
        }
    }
}

/// Starts the lanes on the workers' runtime (single-workstation mode).
pub(super) fn start_drainer(ctx: &Arc<Context>, path: PathBuf, key: DbKey) {
    let Some(settings) = ctx.config.outbox.clone() else {
        return;
    };
    let key = Arc::new(key);
    let changed = Arc::new(tokio::sync::Notify::new());
    let notify = Arc::clone(&changed);
    let drainer = Arc::new(Drainer {
        settings,
        open: Arc::new(move || Store::open(&path, &key)),
        dmp: ctx.dmp.as_ref().map(|d| Arc::new(d.client().clone())),
        name: "poste".to_owned(),
        on_change: Some(Arc::new(move || notify.notify_one())),
        wake: Arc::clone(&ctx.outbox_wake),
        idle: Duration::from_secs(1),
    });
    let stop = Arc::clone(&ctx.outbox_stop);
    tokio::spawn(drainer.run(Arc::clone(&stop)));
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        while !stop.is_stopped() {
            changed.notified().await;
            // Several jobs often finish together: one event for them.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let _ = emit_changed(&worker, None).await;
        }
    });
}

/// Tells the screens the outbox moved, with the count of jobs waiting for a person.
pub(super) async fn emit_changed(
    ctx: &Arc<Context>,
    patient: Option<PatientId>,
) -> Result<(), WorkerError> {
    let attention = ctx.with_store(|s| Ok(rows::needing_attention(s)?)).await?;
    ctx.emit(Event::OutboxChanged { patient, attention }).await;
    Ok(())
}

/// Who queues a job and how: the session (with the right asked), the outbox's settings and
/// the professional it goes on behalf of.
pub(crate) struct Sender {
    pub session: crate::auth::Session,
    pub settings: crate::outbox::OutboxSettings,
    pub professional: ProfessionalInfo,
}

pub(crate) fn sender(
    ctx: &Arc<Context>,
    right: crate::domain::Right,
) -> Result<Sender, WorkerError> {
    let session = ctx.require(right)?;
    let settings = ctx
        .config
        .outbox
        .clone()
        .ok_or(WorkerError::NotConfigured("error-outbox-not-configured"))?;
    let professional = session
        .professional
        .clone()
        .ok_or(WorkerError::NotConfigured("error-produce-no-professional"))?;
    Ok(Sender {
        session,
        settings,
        professional,
    })
}

impl Sender {
    /// What a job needs besides the document, for `dmp` (the direct route's client).
    pub(crate) fn queue<'a>(&'a self, dmp: Option<&'a crate::dmp::client::DmpClient>) -> Queue<'a> {
        Queue {
            settings: &self.settings,
            dmp,
            professional: &self.professional,
            login: &self.session.login,
        }
    }
}

/// What a job needs besides the document: the professional and the settings.
pub(super) struct Queue<'a> {
    pub settings: &'a crate::outbox::OutboxSettings,
    pub dmp: Option<&'a crate::dmp::client::DmpClient>,
    pub professional: &'a ProfessionalInfo,
    pub login: &'a str,
}

/// One stored document to queue.
pub(super) struct Job<'a> {
    pub document: DocumentId,
    pub action: OutboxAction,
    pub visibility: Visibility,
    pub batch: Option<&'a str>,
    pub due_at: chrono::DateTime<Utc>,
    /// The earlier version a replacement replaces.
    pub replaced: Option<DocumentId>,
}

/// A stored document with what a message about it needs.
struct Loaded {
    patient: crate::domain::Patient,
    episode: Option<crate::domain::Episode>,
    visit: Option<String>,
    cda: Vec<u8>,
    parsed: crate::cda::CdaDocument,
}

fn load(store: &Store, document: DocumentId) -> Result<Loaded, WorkerError> {
    let summary = documents::summary(store, document)?;
    let patient = patients::get(store, summary.patient_id)?;
    let episode = match summary.episode_id {
        Some(id) => episodes::for_patient(store, patient.id)?
            .into_iter()
            .find(|e| e.id == id),
        None => None,
    };
    let visit = match &episode {
        Some(e) => stays::visit_number(store, e.id)?,
        None => None,
    };
    let cda = documents::raw(store, document)?;
    let parsed = crate::cda::parse(&cda)?;
    Ok(Loaded {
        patient,
        episode,
        visit,
        cda,
        parsed,
    })
}

/// Queues a send by MSSanté of a stored document to `recipients` (directory entries) and,
/// when asked, the patient's mailbox (in the caller's transaction).
pub(super) fn queue_mss(
    store: &Store,
    q: &Queue<'_>,
    request: &crate::domain::mss::MssSendRequest,
    recipients: &[crate::domain::directory::DirectoryEntry],
) -> Result<OutboxItemId, WorkerError> {
    let Loaded {
        patient,
        episode,
        visit,
        cda,
        parsed,
    } = load(store, request.document)?;
    Ok(crate::outbox::mss::enqueue_send(
        store,
        q.settings,
        &crate::outbox::mss::MssProduction {
            document: request.document,
            patient: &patient,
            episode: episode.as_ref(),
            visit_number: visit.as_deref(),
            cda: &cda,
            parsed: &parsed,
            author: q.professional,
            recipients,
            to_patient: request.to_patient,
            patient_may_not_reply: request.patient_may_not_reply,
            body: &request.body,
            created_by: q.login,
            now: Utc::now(),
        },
    )?)
}

/// Queues one stored document (in the caller's transaction).
pub(super) fn queue_document(
    store: &Store,
    q: &Queue<'_>,
    job: &Job<'_>,
) -> Result<OutboxItemId, WorkerError> {
    let Job {
        document,
        action,
        visibility,
        batch,
        due_at,
        replaced,
    } = *job;
    let Loaded {
        patient,
        episode,
        visit,
        cda,
        parsed,
    } = load(store, document)?;
    // A replacement targets the version it replaces; a deletion, the document itself.
    let target = match (action, replaced) {
        (OutboxAction::Feed, _) => None,
        (OutboxAction::Replace, Some(earlier)) => {
            let raw = documents::raw(store, earlier)?;
            let unique_id = crate::outbox::enqueue::document_unique_id(&crate::cda::parse(&raw)?)?;
            let sent_by = rows::latest_feed_of(store, earlier)?.map(|(id, _)| id);
            Some(Target { unique_id, sent_by })
        }
        (OutboxAction::Replace | OutboxAction::Delete, _) => {
            let unique_id = crate::outbox::enqueue::document_unique_id(&parsed)?;
            let sent_by = rows::latest_feed_of(store, document)?.map(|(id, _)| id);
            Some(Target { unique_id, sent_by })
        }
    };
    Ok(crate::outbox::enqueue(
        store,
        q.settings,
        q.dmp,
        &Production {
            document,
            patient: &patient,
            episode: episode.as_ref(),
            visit_number: visit.as_deref(),
            cda: &cda,
            parsed: &parsed,
            author: q.professional,
            visibility,
            action,
            target,
            batch,
            created_by: q.login,
            due_at,
        },
    )?)
}

/// How a new version of `earlier` goes to the DMP: as a replacement when `earlier` was (or is
/// being, or will be retried to be) sent — it then waits for that job; as a plain feeding when
/// it never went. An earlier version still waiting is cancelled: only the new one leaves.
pub(super) fn replacing(
    store: &mut Store,
    earlier: DocumentId,
) -> Result<OutboxAction, WorkerError> {
    let Some((job, state)) = rows::latest_feed_of(store, earlier)? else {
        return Ok(OutboxAction::Feed);
    };
    Ok(match state {
        OutboxState::Sent | OutboxState::Acknowledged | OutboxState::Sending => {
            OutboxAction::Replace
        }
        OutboxState::Failed if !rows::final_failure(store, job)? => OutboxAction::Replace,
        OutboxState::Waiting | OutboxState::Held => {
            rows::command(store, job, crate::domain::outbox::OutboxCommand::Cancel)?;
            OutboxAction::Feed
        }
        OutboxState::Failed | OutboxState::Cancelled | OutboxState::NotSent => OutboxAction::Feed,
    })
}

/// Whether a document may be queued again by hand (never sent, cancelled, not sent, failed
/// for good).
pub(super) fn may_send_again(state: Option<(OutboxState, bool)>) -> bool {
    match state {
        None => true,
        Some((OutboxState::Cancelled | OutboxState::NotSent, _)) => true,
        Some((OutboxState::Failed, final_failure)) => final_failure,
        Some(_) => false,
    }
}

/// Follows a batch until it ends (or the workers stop), every half second.
pub(super) fn follow_batch(ctx: &Arc<Context>, patient: PatientId, batch: String) {
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        let mut last = None;
        while !worker.outbox_stop.is_stopped() {
            let b = batch.clone();
            let Ok(progress) = worker
                .with_store(move |s| Ok(rows::batch_progress(s, &b)?))
                .await
            else {
                break;
            };
            if last != Some(progress) {
                worker
                    .emit(Event::BatchProgress {
                        patient,
                        batch: batch.clone(),
                        progress,
                    })
                    .await;
                last = Some(progress);
            }
            if progress.is_finished() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
}
