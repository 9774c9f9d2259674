//! Reading the outbox (migration 16): the lists the screens show (with the patient's name and
//! the business acknowledgements), each document's latest job (the sharing column), a batch's
//! progress, the counts of the navigation badge and of the reliability run. Writes are in
//! `store::outbox`.

use std::collections::HashMap;

use super::db::{Row, params};
use super::{Store, StoreError, parse_utc};
use crate::domain::outbox::{
    AckKind, BatchProgress, BusinessAck, OutboxAction, OutboxFilter, OutboxItem, OutboxItemId,
    OutboxRoute, OutboxState, Sharing,
};
use crate::domain::{DocumentId, PatientId};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// Where a batch stands.
pub fn batch_progress(store: &Store, batch: &str) -> Result<BatchProgress, StoreError> {
    let mut p = BatchProgress::default();
    for row in store.query(
        "SELECT state, final_failure, count(*) FROM outbox_item WHERE batch = ?1
         GROUP BY state, final_failure",
        params![batch],
    )? {
        let state: String = row.get(0)?;
        let final_failure: bool = row.get(1)?;
        let n = usize::try_from(row.get::<i64>(2)?).unwrap_or(0);
        p.total += n;
        match state.as_str() {
            "sent" | "acknowledged" => p.sent += n,
            "failed" if final_failure => p.failed += n,
            "cancelled" | "not_sent" => p.cancelled += n,
            _ => {}
        }
    }
    Ok(p)
}

const ITEM_COLUMNS: &str = "o.id, o.document_id, o.patient_id, p.birth_name,
    p.used_first_name, p.birth_first_names, d.title, o.action, o.route, o.state,
    o.final_failure, o.due_at, o.attempts, o.reason, o.batch, o.created_by, o.updated_at";

/// The jobs a filter keeps, newest first, `limit` at most; of one patient when given.
pub fn list(
    store: &Store,
    filter: OutboxFilter,
    patient: Option<PatientId>,
    limit: usize,
) -> Result<Vec<OutboxItem>, StoreError> {
    let states = filter
        .states()
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ");
    // One patient's (a typed parameter: PostgreSQL cannot type `$1 IS NULL`), or all.
    let (of_patient, patient) = match patient {
        Some(p) => ("o.patient_id = ?2", p.0),
        None => ("?2 = ?2", 0),
    };
    let rows = store.query(
        &format!(
            "SELECT {ITEM_COLUMNS} FROM outbox_item o
             JOIN document d ON d.id = o.document_id JOIN patient p ON p.id = o.patient_id
             WHERE o.state IN ({states}) AND {of_patient}
             ORDER BY o.id DESC LIMIT ?1"
        ),
        params![limit, patient],
    )?;
    let mut items = rows
        .iter()
        .map(item_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    attach_acks(store, &mut items)?;
    Ok(items)
}

fn item_from_row(r: &Row) -> Result<OutboxItem, StoreError> {
    let family: String = r.get(3)?;
    let used: Option<String> = r.get(4)?;
    let given: String = r.get(5)?;
    let first = used.unwrap_or_else(|| given.split_whitespace().next().unwrap_or("").to_owned());
    let action: String = r.get(7)?;
    let route: String = r.get(8)?;
    let state: String = r.get(9)?;
    let due: String = r.get(11)?;
    let attempts: i64 = r.get(12)?;
    let updated: String = r.get(16)?;
    Ok(OutboxItem {
        id: OutboxItemId(r.get(0)?),
        document: DocumentId(r.get(1)?),
        patient: PatientId(r.get(2)?),
        patient_name: format!("{family} {first}"),
        title: r.get(6)?,
        action: OutboxAction::from_code(&action).ok_or_else(|| corrupt("outbox action"))?,
        route: OutboxRoute::from_code(&route).ok_or_else(|| corrupt("outbox route"))?,
        state: OutboxState::from_code(&state).ok_or_else(|| corrupt("outbox state"))?,
        final_failure: r.get(10)?,
        due_at: parse_utc(&due)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        reason: r.get(13)?,
        batch: r.get(14)?,
        created_by: r.get(15)?,
        updated_at: parse_utc(&updated)?,
        acks: Vec::new(),
    })
}

fn attach_acks(store: &Store, items: &mut [OutboxItem]) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let ids = items
        .iter()
        .map(|i| i.id.0.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut by_item: HashMap<i64, Vec<BusinessAck>> = HashMap::new();
    for r in store.query(
        &format!(
            "SELECT item_id, kind, ok, recipient, code, label, received_at FROM outbox_ack
             WHERE item_id IN ({ids}) ORDER BY id"
        ),
        &[],
    )? {
        let kind: String = r.get(1)?;
        let at: String = r.get(6)?;
        by_item.entry(r.get(0)?).or_default().push(BusinessAck {
            kind: AckKind::from_code(&kind).ok_or_else(|| corrupt("ack kind"))?,
            ok: r.get(2)?,
            recipient: r.get(3)?,
            code: r.get(4)?,
            label: r.get(5)?,
            received_at: parse_utc(&at)?,
        });
    }
    for item in items {
        item.acks = by_item.remove(&item.id.0).unwrap_or_default();
    }
    Ok(())
}

/// The latest job of each of a patient's documents (the document list's sharing column).
pub fn sharing_for_patient(
    store: &Store,
    patient: PatientId,
) -> Result<HashMap<DocumentId, Sharing>, StoreError> {
    sharing_where(store, "patient_id", patient.0)
}

/// The latest job of one document.
pub fn sharing_of(store: &Store, document: DocumentId) -> Result<Option<Sharing>, StoreError> {
    Ok(sharing_where(store, "document_id", document.0)?.remove(&document))
}

fn sharing_where(
    store: &Store,
    column: &str,
    value: i64,
) -> Result<HashMap<DocumentId, Sharing>, StoreError> {
    let mut out = HashMap::new();
    for r in store.query(
        &format!(
            "SELECT document_id, id, action, state, final_failure, due_at, reason
             FROM outbox_item WHERE {column} = ?1 AND channel = 'dmp' ORDER BY id"
        ),
        params![value],
    )? {
        let action: String = r.get(2)?;
        let state: String = r.get(3)?;
        let due: String = r.get(5)?;
        out.insert(
            DocumentId(r.get(0)?),
            Sharing {
                item: OutboxItemId(r.get(1)?),
                action: OutboxAction::from_code(&action).ok_or_else(|| corrupt("outbox action"))?,
                state: OutboxState::from_code(&state).ok_or_else(|| corrupt("outbox state"))?,
                final_failure: r.get(4)?,
                due_at: parse_utc(&due)?,
                reason: r.get(6)?,
            },
        );
    }
    Ok(out)
}

/// The job that last fed `document` (its newest feed or replacement), when any.
pub fn latest_feed_of(
    store: &Store,
    document: DocumentId,
) -> Result<Option<(OutboxItemId, OutboxState)>, StoreError> {
    store
        .query_opt(
            "SELECT id, state FROM outbox_item WHERE document_id = ?1 AND channel = 'dmp'
               AND action IN ('feed', 'replace') ORDER BY id DESC LIMIT 1",
            params![document.0],
        )?
        .map(|r| {
            let state: String = r.get(1)?;
            Ok((
                OutboxItemId(r.get(0)?),
                OutboxState::from_code(&state).ok_or_else(|| corrupt("outbox state"))?,
            ))
        })
        .transpose()
}

/// How many jobs wait for a person (held, or failed for good): the navigation badge.
pub fn needing_attention(store: &Store) -> Result<usize, StoreError> {
    let n: i64 = store.query_value(
        "SELECT count(*) FROM outbox_item
         WHERE state = 'held' OR (state = 'failed' AND final_failure = 1)",
        &[],
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// How many jobs are in each state (tests, the reliability run, `/status`).
pub fn counts(store: &Store) -> Result<HashMap<OutboxState, usize>, StoreError> {
    let mut out = HashMap::new();
    for r in store.query(
        "SELECT state, count(*) FROM outbox_item GROUP BY state",
        &[],
    )? {
        let state: String = r.get(0)?;
        let n: i64 = r.get(1)?;
        out.insert(
            OutboxState::from_code(&state).ok_or_else(|| corrupt("outbox state"))?,
            usize::try_from(n).unwrap_or(0),
        );
    }
    Ok(out)
}

/// Whether a failed job failed for good.
pub fn final_failure(store: &Store, id: OutboxItemId) -> Result<bool, StoreError> {
    store.query_value(
        "SELECT final_failure FROM outbox_item WHERE id = ?1",
        params![id.0],
    )
}
