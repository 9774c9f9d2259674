//! The outbox's rows (migration 16): jobs written with their document, taken by exactly one
//! sender (`FOR UPDATE SKIP LOCKED` on the shared record; SQLite's write lock on a workstation)
//! under a lease, their outcome, the commands of a person (hold, resume, cancel, retry), the
//! business acknowledgements; the lists are read in `outbox_read` (re-exported here). The
//! outbox's own policy (ids, requests, back-off, rules) lives in `crate::outbox`.

use chrono::{DateTime, Duration, Utc};

use super::db::{Param, Row, params};
use super::{Backend, Store, StoreError, utc_text};
use crate::domain::outbox::{
    AckKind, BusinessAck, OutboxAction, OutboxCommand, OutboxItemId, OutboxRoute, OutboxState,
};
use crate::domain::{DocumentId, PatientId, Visibility};

pub use super::outbox_read::{
    batch_progress, counts, final_failure, latest_feed_of, list, needing_attention,
    sharing_for_patient, sharing_of,
};

/// A job to write.
#[derive(Clone)]
pub struct NewItem<'a> {
    pub document: DocumentId,
    pub patient: PatientId,
    pub action: OutboxAction,
    pub route: OutboxRoute,
    /// `Waiting` (with its due time), `Held` or `NotSent` (with the reason).
    pub state: OutboxState,
    pub due_at: DateTime<Utc>,
    pub reason: Option<&'a str>,
    pub document_unique_id: &'a str,
    pub submission_unique_id: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub target_unique_id: Option<&'a str>,
    pub depends_on: Option<OutboxItemId>,
    pub request: &'a [u8],
    /// The professional on whose behalf it goes (JSON, see `crate::outbox::author`).
    pub author: &'a str,
    pub visibility: Visibility,
    pub batch: Option<&'a str>,
    pub created_by: &'a str,
}

/// A job a sender took.
#[derive(Clone, PartialEq, Eq)]
pub struct Taken {
    pub id: OutboxItemId,
    pub document: DocumentId,
    pub patient: PatientId,
    pub action: OutboxAction,
    pub route: OutboxRoute,
    /// Attempts including this one.
    pub attempts: u32,
    /// The previous attempt's outcome is unknown: ask before sending again.
    pub verify: bool,
    pub document_unique_id: String,
    pub submission_unique_id: Option<String>,
    pub message_id: Option<String>,
    pub target_unique_id: Option<String>,
    pub entry_uuid: Option<String>,
    pub request: Vec<u8>,
    pub author: String,
    pub visibility: Visibility,
}

impl std::fmt::Debug for Taken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Taken({:?}, {:?}, attempt {})",
            self.id, self.action, self.attempts
        )
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// Writes a job (in the caller's transaction, with its document).
pub fn insert(store: &Store, item: &NewItem<'_>) -> Result<OutboxItemId, StoreError> {
    let now = utc_text(Utc::now());
    let depends = item.depends_on.map(|d| d.0);
    let (action, route, state) = (item.action.code(), item.route.code(), item.state.code());
    let due = utc_text(item.due_at);
    let bound: Vec<Param<'_>> = params![
        item.document.0,
        item.patient.0,
        action,
        route,
        state,
        due,
        item.reason,
        item.document_unique_id,
        item.submission_unique_id,
        item.message_id,
        item.target_unique_id,
        depends,
        item.request,
        item.author,
        item.visibility.invisible_patient,
        item.visibility.invisible_legal_reps,
        item.visibility.masked_ps,
        item.batch,
        item.created_by,
        now,
    ]
    .to_vec();
    store
        .insert_id(
            "INSERT INTO outbox_item (document_id, patient_id, action, route, state, due_at,
                reason, document_unique_id, submission_unique_id, message_id, target_unique_id,
                depends_on, request, author, invisible_patient, invisible_legal_reps, masked_ps,
                batch, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?20)",
            &bound,
        )
        .map(OutboxItemId)
}

/// What may be taken: due, not finished, its predecessor sent; or a crashed sender's job
/// whose lease ran out.
const TAKEABLE: &str = "((o.state = 'waiting') OR (o.state = 'failed' AND o.final_failure = 0)
        OR (o.state = 'sending' AND o.lease_until < ?1))
    AND o.due_at <= ?1
    AND (o.depends_on IS NULL OR EXISTS (SELECT 1 FROM outbox_item d
        WHERE d.id = o.depends_on AND d.state IN ('sent', 'acknowledged')))";

const TAKEN_COLUMNS: &str = "id, document_id, patient_id, action, route, attempts, verify,
    document_unique_id, submission_unique_id, message_id, target_unique_id, entry_uuid, request,
    author, invisible_patient, invisible_legal_reps, masked_ps, state";

/// Takes the next due job for `sender` until `lease` from now, or `None`. A job found still
/// `sending` after its lease belonged to a sender that stopped mid-way: it is marked to be
/// verified before anything is sent again.
pub fn take(
    store: &mut Store,
    sender: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Taken>, StoreError> {
    let now_text = utc_text(now);
    let until = utc_text(now + lease);
    let pick = match store.backend() {
        Backend::Sqlite => format!(
            "SELECT o.id FROM outbox_item o WHERE {TAKEABLE} ORDER BY o.due_at, o.id LIMIT 1"
        ),
        Backend::Postgres => format!(
            "SELECT o.id FROM outbox_item o WHERE {TAKEABLE} ORDER BY o.due_at, o.id LIMIT 1
             FOR UPDATE OF o SKIP LOCKED"
        ),
    };
    store.in_durable_transaction(|s| {
        let Some(row) = s.query_opt(&pick, params![now_text])? else {
            return Ok(None);
        };
        let id: i64 = row.get(0)?;
        let row = s.query_one(
            &format!(
                "UPDATE outbox_item SET
                    verify = CASE WHEN state = 'sending' THEN 1 ELSE verify END,
                    state = 'sending', attempts = attempts + 1, taken_by = ?2,
                    lease_until = ?3, updated_at = ?4
                 WHERE id = ?1 RETURNING {TAKEN_COLUMNS}"
            ),
            params![id, sender, until, now_text],
        )?;
        taken_from_row(&row).map(Some)
    })
}

fn taken_from_row(r: &Row) -> Result<Taken, StoreError> {
    let action: String = r.get(3)?;
    let route: String = r.get(4)?;
    let attempts: i64 = r.get(5)?;
    Ok(Taken {
        id: OutboxItemId(r.get(0)?),
        document: DocumentId(r.get(1)?),
        patient: PatientId(r.get(2)?),
        action: OutboxAction::from_code(&action).ok_or_else(|| corrupt("outbox action"))?,
        route: OutboxRoute::from_code(&route).ok_or_else(|| corrupt("outbox route"))?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        verify: r.get(6)?,
        document_unique_id: r.get(7)?,
        submission_unique_id: r.get(8)?,
        message_id: r.get(9)?,
        target_unique_id: r.get(10)?,
        entry_uuid: r.get(11)?,
        request: r.get(12)?,
        author: r.get(13)?,
        visibility: Visibility {
            invisible_patient: r.get(14)?,
            invisible_legal_reps: r.get(15)?,
            masked_ps: r.get(16)?,
        },
    })
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Taken by the DMP or the gateway (`acknowledged` when the DMP's registry confirmed it).
    Sent { acknowledged: bool },
    /// Failed; tried again at `retry_at`, or never (`None`) with the reason.
    Failed {
        reason: String,
        retry_at: Option<DateTime<Utc>>,
        /// The outcome is unknown (timeout, reset, 5xx): verify before resending.
        ambiguous: bool,
    },
}

/// Records the outcome of the attempt `sender` made (a job taken again by another sender
/// meanwhile is left alone). `sent_documents` of the document follow.
pub fn finish(
    store: &mut Store,
    id: OutboxItemId,
    sender: &str,
    outcome: &Outcome,
) -> Result<bool, StoreError> {
    let now = utc_text(Utc::now());
    store.in_durable_transaction(|s| {
        let changed = match outcome {
            Outcome::Sent { acknowledged } => {
                let state = if *acknowledged {
                    "acknowledged"
                } else {
                    "sent"
                };
                s.execute(
                    "UPDATE outbox_item SET state = ?3, verify = 0, reason = NULL,
                        taken_by = NULL, lease_until = NULL, sent_at = ?4, updated_at = ?4
                     WHERE id = ?1 AND taken_by = ?2 AND state = 'sending'",
                    params![id.0, sender, state, now],
                )?
            }
            Outcome::Failed {
                reason,
                retry_at,
                ambiguous,
            } => {
                let due = retry_at.map(utc_text);
                s.execute(
                    "UPDATE outbox_item SET state = 'failed', final_failure = ?3, reason = ?4,
                        due_at = COALESCE(?5, due_at), verify = CASE WHEN ?6 THEN 1 ELSE verify END,
                        taken_by = NULL, lease_until = NULL, updated_at = ?7
                     WHERE id = ?1 AND taken_by = ?2 AND state = 'sending'",
                    params![
                        id.0,
                        sender,
                        retry_at.is_none(),
                        reason,
                        due,
                        *ambiguous,
                        now
                    ],
                )?
            }
        };
        if changed == 1 {
            let share = match outcome {
                Outcome::Sent { .. } => "sent",
                Outcome::Failed { .. } => "failed",
            };
            // The document's column of the job's channel: the DMP's, or MSSanté's.
            for (channel, column) in [("dmp", "dmp_share"), ("mss", "mss_share")] {
                s.execute(
                    &format!(
                        "UPDATE document SET {column} = ?2 WHERE id = (SELECT document_id
                         FROM outbox_item WHERE id = ?1 AND channel = ?3)"
                    ),
                    params![id.0, share, channel],
                )?;
            }
        }
        Ok(changed == 1)
    })
}

/// Keeps the entryUUID of the version a job targets, once asked of the DMP.
pub fn set_entry_uuid(store: &Store, id: OutboxItemId, uuid: &str) -> Result<(), StoreError> {
    store.execute(
        "UPDATE outbox_item SET entry_uuid = ?2 WHERE id = ?1",
        params![id.0, uuid],
    )?;
    Ok(())
}

/// Applies a person's command when it still applies; `false` when the job moved on meanwhile
/// (e.g. it left while the person was clicking "hold").
pub fn command(
    store: &mut Store,
    id: OutboxItemId,
    command: OutboxCommand,
) -> Result<bool, StoreError> {
    let now = utc_text(Utc::now());
    let (set, allowed) = match command {
        OutboxCommand::Hold => (
            "state = 'held', reason = NULL",
            "state = 'waiting' OR (state = 'failed' AND final_failure = 0)",
        ),
        OutboxCommand::Resume => (
            "state = 'waiting', reason = NULL, due_at = ?2",
            "state = 'held'",
        ),
        OutboxCommand::Cancel => (
            "state = 'cancelled'",
            "state IN ('waiting', 'held', 'failed')",
        ),
        OutboxCommand::Retry => (
            "state = 'waiting', final_failure = 0, due_at = ?2",
            "state = 'failed'",
        ),
    };
    store.in_durable_transaction(|s| {
        let n = s.execute(
            &format!("UPDATE outbox_item SET {set}, updated_at = ?2 WHERE id = ?1 AND ({allowed})"),
            params![id.0, now],
        )?;
        if n == 1 && command == OutboxCommand::Cancel {
            s.execute(
                "UPDATE document SET dmp_share = 'none'
                 WHERE id = (SELECT document_id FROM outbox_item WHERE id = ?1
                                AND channel = 'dmp')
                   AND dmp_share IN ('pending', 'failed')",
                params![id.0],
            )?;
        }
        Ok(n == 1)
    })
}

/// Cancels every job of a batch not yet sent; returns how many.
pub fn cancel_batch(store: &mut Store, batch: &str) -> Result<usize, StoreError> {
    let now = utc_text(Utc::now());
    store.in_durable_transaction(|s| {
        s.execute(
            "UPDATE outbox_item SET state = 'cancelled', updated_at = ?2
             WHERE batch = ?1 AND state IN ('waiting', 'held', 'failed')",
            params![batch, now],
        )
    })
}

/// A job the gateway's DMP receipt still settles: sent, being sent, or waiting to be sent
/// again after an attempt whose answer was lost (the gateway had taken it: its receipt comes
/// all the same, and a resend of the same MSH-10 gets no second one).
const NOT_FINISHED: &str = "(state IN ('sent', 'sending', 'waiting', 'held')
    OR (state = 'failed' AND final_failure = 0))";

/// Records a business acknowledgement for the job that sent `message_id` (our MSH-10); a
/// DMP receipt moves it to `acknowledged` (or `failed`, final, with the DMP's reason).
/// `None` when no job sent that message.
pub fn record_ack(
    store: &mut Store,
    message_id: &str,
    ack: &BusinessAck,
    refusal_reason: Option<&str>,
) -> Result<Option<OutboxItemId>, StoreError> {
    store.in_durable_transaction(|s| {
        let Some(id) = s
            .query_opt(
                "SELECT id FROM outbox_item WHERE message_id = ?1",
                params![message_id],
            )?
            .map(|r| r.get::<i64>(0))
            .transpose()?
        else {
            return Ok(None);
        };
        let at = utc_text(ack.received_at);
        s.execute(
            "INSERT INTO outbox_ack (item_id, kind, ok, recipient, code, label, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                ack.kind.code(),
                ack.ok,
                ack.recipient,
                ack.code,
                ack.label,
                at
            ],
        )?;
        if ack.kind == AckKind::DmpReceipt {
            if ack.ok {
                s.execute(
                    &format!(
                        "UPDATE outbox_item SET state = 'acknowledged', reason = NULL,
                            taken_by = NULL, lease_until = NULL, updated_at = ?2
                         WHERE id = ?1 AND {NOT_FINISHED}"
                    ),
                    params![id, at],
                )?;
            } else {
                s.execute(
                    &format!(
                        "UPDATE outbox_item SET state = 'failed', final_failure = 1, reason = ?3,
                            taken_by = NULL, lease_until = NULL, updated_at = ?2
                         WHERE id = ?1 AND {NOT_FINISHED}"
                    ),
                    params![id, at, refusal_reason],
                )?;
                s.execute(
                    "UPDATE document SET dmp_share = 'failed'
                     WHERE id = (SELECT document_id FROM outbox_item WHERE id = ?1)",
                    params![id],
                )?;
            }
        }
        Ok(Some(OutboxItemId(id)))
    })
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
