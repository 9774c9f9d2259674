//! The DMP in the patient folder, with no click: once a folder is on screen (or the patient's
//! information changed, or the user asked again), the access policy decides whether the DMP
//! may be asked; if not, nothing is sent and the folder says why. If so, TD0.2 gives the
//! badge, TD0.3 sets the authorization when the patient is informed and not opposed, and — for
//! the care kinds configured, or when asked — TD3.1 counts the documents added by others since
//! the reference event and lists the DMP's documents. Every transaction is traced.

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::access::{DmpAccess, Gate, evaluate};
use super::context::{Context, WorkerError};
use super::{DmpFolderStatus, Event, UserMessage};
use crate::dmp::consult::SearchCriteria;
use crate::domain::PatientId;
use crate::domain::consent;
use crate::domain::dmp::{DmpBadge, DmpFilter};

/// The folder's DMP sequence. `count_anyway`: count and list whatever the care kind (the user
/// asked).
pub(super) async fn run(
    ctx: &Arc<Context>,
    patient: PatientId,
    count_anyway: bool,
) -> Result<(), WorkerError> {
    let a = match evaluate(ctx, patient).await? {
        Gate::Silent => return Ok(()),
        Gate::Closed(closed) => {
            ctx.emit(Event::DmpFolder {
                patient,
                episode: closed.episode.map(|e| e.id),
                consent: closed.record,
                status: closed.status,
            })
            .await;
            return Ok(());
        }
        Gate::Open(access) => access,
    };
    let emit = |status: DmpFolderStatus| Event::DmpFolder {
        patient,
        episode: a.episode.as_ref().map(|e| e.id),
        consent: a.record.clone(),
        status,
    };
    ctx.emit(emit(DmpFolderStatus::Checking)).await;
    let (professional, who, mode) = a.parts();
    let mut report = a
        .traced(ctx, a.service.status(professional, who, mode).await)
        .await?;
    let mut authorized_now = false;
    if let Ok(r) = &report
        && r.badge == DmpBadge::NotAuthorized
        && matches!(mode, crate::dmp::consult::AccessMode::Normal)
        && consent::may_set_authorization(a.record.as_ref())
    {
        report = a
            .traced(ctx, a.service.authorize(professional, who).await)
            .await?;
        authorized_now = report.is_ok();
    }
    let badge = match report {
        Ok(r) => r.badge,
        Err(e) => {
            ctx.emit(emit(DmpFolderStatus::Failed(UserMessage {
                id: e.message_id(),
                retryable: e.is_retryable(),
            })))
            .await;
            return Ok(());
        }
    };
    ctx.emit(emit(DmpFolderStatus::Badge {
        badge,
        break_glass: matches!(mode, crate::dmp::consult::AccessMode::BreakGlass { .. }),
        authorized_now,
    }))
    .await;
    if badge == DmpBadge::Authorized && (count_anyway || a.count_by_itself) {
        count_new(ctx, &a).await?;
        list(ctx, &a, &DmpFilter::default()).await?;
    }
    Ok(())
}

/// TD3.1: documents created by others since the reference event, invisible ones included.
async fn count_new(ctx: &Arc<Context>, a: &DmpAccess) -> Result<(), WorkerError> {
    let since_utc = a
        .count_since
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(
            || Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
            |t| Utc.from_utc_datetime(&t),
        );
    let (professional, who, mode) = a.parts();
    let outcome = a
        .service
        .count_new(professional, who, mode, since_utc, &a.own_refs())
        .await;
    match a.traced(ctx, outcome).await? {
        Ok(found) => {
            ctx.emit(Event::DmpNewDocuments {
                patient: a.patient,
                count: found.count,
                invisible: found.invisible_to_patient,
                since: a.count_since,
            })
            .await;
        }
        Err(e) => tracing::info!("new-document count unavailable: {}", e.message_id()),
    }
    Ok(())
}

/// Lists the DMP's documents matching `filter` and tells the folder; the rows are kept for
/// the requests that will name them.
pub(super) async fn list(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    filter: &DmpFilter,
) -> Result<(), WorkerError> {
    let patient = a.patient;
    let criteria = SearchCriteria::from_filter(filter);
    let (professional, who, mode) = a.parts();
    let outcome = a.service.search(professional, who, mode, &criteria).await;
    let event = match a.traced(ctx, outcome).await? {
        Ok(rows) => {
            // The folder's DMP list is shown now: a reference event for later counts.
            let now = Utc::now().naive_utc();
            ctx.with_store(move |store| Ok(crate::store::dmp_seen::mark(store, patient, now)?))
                .await?;
            let rows: Vec<_> = rows.into_iter().map(Arc::new).collect();
            ctx.dmp_cache.keep_rows(patient, &rows);
            let own = a.own_refs();
            Event::DmpDocuments {
                patient,
                documents: rows.iter().map(|r| r.to_document(patient, &own)).collect(),
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
