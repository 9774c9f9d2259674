//! The DMP in the patient folder, with no click: once a folder is on screen (or the patient's
//! information changed, or the user asked again), the access policy decides whether the DMP
//! may be asked; if not, nothing is sent and the folder says why. If so, TD0.2 gives the
//! badge, TD0.3 sets the authorization when the patient is informed and not opposed, and — for
//! the care kinds configured, or when asked — TD3.1 counts the documents added by others since
//! the reference event and lists the DMP's documents. Every transaction is traced. The last
//! status this workstation saw shows first, with its age (`store::dmp_status`).

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::access::{DmpAccess, Gate, evaluate};
use super::context::{Context, WorkerError};
use super::{DmpFolderStatus, Event, UserMessage};
use crate::dmp::consult::{NewDocumentsCount, Outcome, SearchCriteria};
use crate::domain::PatientId;
use crate::domain::consent;
use crate::domain::dmp::{DmpBadge, DmpFilter};
use crate::store::dmp_status::{self, LastStatus};

/// The folder's DMP sequence. `count_anyway`: count and list whatever the care kind (the user
/// asked). The last status this workstation saw shows at once, with its age; when it says the
/// professional is authorized and a count is due, TD0.2 and the TD3.1 count go together (one
/// round trip); a count sent so and made useless by TD0.2's answer is traced, not shown.
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
    let (professional, who, mode) = a.parts();
    let break_glass = matches!(mode, crate::dmp::consult::AccessMode::BreakGlass { .. });
    let national_id = professional.national_id.clone();
    let last = last_known(ctx, patient, &national_id).await;
    match &last {
        Some(last) => {
            ctx.emit(emit(DmpFolderStatus::Badge {
                badge: last.badge,
                break_glass,
                authorized_now: false,
            }))
            .await;
            if let (DmpBadge::Authorized, Some((count, invisible))) =
                (last.badge, last.new_documents)
            {
                ctx.emit(Event::DmpNewDocuments {
                    patient,
                    count,
                    invisible,
                    since: last.count_since,
                })
                .await;
            }
            ctx.emit(Event::DmpLastKnown {
                patient,
                seen_at: last.seen_at.clone(),
            })
            .await;
        }
        None => ctx.emit(emit(DmpFolderStatus::Checking)).await,
    }
    let count_wanted = count_anyway || a.count_by_itself;
    let together = count_wanted
        && !break_glass
        && last
            .as_ref()
            .is_some_and(|l| l.badge == DmpBadge::Authorized);
    let (status, early_count) = if together {
        let (status, count) =
            tokio::join!(a.service.status(professional, who, mode), send_count(&a));
        (status, Some(count))
    } else {
        (a.service.status(professional, who, mode).await, None)
    };
    let mut report = a.traced(ctx, status).await?;
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
            if let Some(count) = early_count {
                a.traced(ctx, count).await?.ok();
            }
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
        break_glass,
        authorized_now,
    }))
    .await;
    remember(ctx, patient, &national_id, Remember::Badge(badge)).await;
    if badge == DmpBadge::Authorized && count_wanted {
        let count = match early_count {
            Some(count) => count,
            None => send_count(&a).await,
        };
        show_count(ctx, &a, count).await?;
        list(ctx, &a, &DmpFilter::default()).await?;
    } else if let Some(count) = early_count {
        a.traced(ctx, count).await?.ok();
    }
    Ok(())
}

/// What this workstation saw last (its local store: the record of a single workstation, the
/// cache of an establishment one). Absent on any failure: it only speeds things up.
async fn last_known(
    ctx: &Arc<Context>,
    patient: PatientId,
    national_id: &str,
) -> Option<LastStatus> {
    let national_id = national_id.to_owned();
    ctx.with_local(move |store| Ok(dmp_status::last(store, patient, &national_id)?))
        .await
        .inspect_err(|e| tracing::debug!("last DMP status unavailable: {}", e.message_id()))
        .ok()
        .flatten()
}

enum Remember {
    Badge(DmpBadge),
    Count(usize, usize, Option<chrono::NaiveDate>),
}

/// Keeps what the DMP just said, for the next opening (a failure is only logged).
async fn remember(ctx: &Arc<Context>, patient: PatientId, national_id: &str, what: Remember) {
    let national_id = national_id.to_owned();
    let kept = ctx
        .with_local(move |store| {
            match what {
                Remember::Badge(badge) => {
                    dmp_status::set_badge(store, patient, &national_id, badge)?;
                }
                Remember::Count(count, invisible, since) => {
                    dmp_status::set_count(store, patient, &national_id, count, invisible, since)?;
                }
            }
            Ok(())
        })
        .await;
    if let Err(e) = kept {
        tracing::debug!("last DMP status not kept: {}", e.message_id());
    }
}

/// TD3.1: documents created by others since the reference event, invisible ones included.
async fn send_count(a: &DmpAccess) -> Outcome<NewDocumentsCount> {
    let since_utc = a
        .count_since
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or_else(
            || Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
            |t| Utc.from_utc_datetime(&t),
        );
    let (professional, who, mode) = a.parts();
    a.service
        .count_new(professional, who, mode, since_utc, &a.own_refs())
        .await
}

/// Traces the count and shows it.
async fn show_count(
    ctx: &Arc<Context>,
    a: &DmpAccess,
    outcome: Outcome<NewDocumentsCount>,
) -> Result<(), WorkerError> {
    match a.traced(ctx, outcome).await? {
        Ok(found) => {
            ctx.emit(Event::DmpNewDocuments {
                patient: a.patient,
                count: found.count,
                invisible: found.invisible_to_patient,
                since: a.count_since,
            })
            .await;
            let national_id = a.parts().0.national_id.clone();
            let what = Remember::Count(found.count, found.invisible_to_patient, a.count_since);
            remember(ctx, a.patient, &national_id, what).await;
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
