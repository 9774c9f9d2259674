//! MSSanté sends: an outbox job of channel `mss` with the recipients it names (in PRT order),
//! and, read back, each recipient's receipts (ZAM Z02 delivered or refused, Z03 read) matched
//! by address. Also the patient's treating physician as the GAM's `ROL` names them.

use std::collections::HashMap;

use super::db::params;
use super::outbox::{self, NewItem};
use super::{Store, StoreError, parse_utc};
use crate::domain::mss::{MssReceipt, MssRecipientKind, MssRecipientStatus, MssSend};
use crate::domain::outbox::{OutboxItemId, OutboxState};
use crate::domain::{DocumentId, PatientId};

/// A recipient as the job keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecipient {
    pub kind: MssRecipientKind,
    /// Organisations are kept as professionals' mailboxes with this flag.
    pub organisation: bool,
    pub name: String,
    pub address: String,
}

/// Inserts an MSSanté job and its recipients (in the caller's transaction).
pub fn insert_send(
    store: &Store,
    item: &NewItem<'_>,
    recipients: &[StoredRecipient],
    patient_may_not_reply: bool,
) -> Result<OutboxItemId, StoreError> {
    let id = outbox::insert(store, item)?;
    store.execute(
        "UPDATE outbox_item SET channel = 'mss', patient_may_not_reply = ?2 WHERE id = ?1",
        params![id.0, patient_may_not_reply],
    )?;
    for (position, r) in recipients.iter().enumerate() {
        let kind = match (r.kind, r.organisation) {
            (MssRecipientKind::Patient, _) => "patient",
            (MssRecipientKind::Professional, true) => "organisation",
            (MssRecipientKind::Professional, false) => "professional",
        };
        store.execute(
            "INSERT INTO outbox_recipient (item_id, position, kind, name, address)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.0, position, kind, r.name, r.address],
        )?;
    }
    store.execute(
        "UPDATE document SET mss_share = 'pending' WHERE id = ?1",
        params![item.document.0],
    )?;
    Ok(id)
}

/// A document's MSSanté sends, newest first, with each recipient's latest receipt.
pub fn sends_of(store: &Store, document: DocumentId) -> Result<Vec<MssSend>, StoreError> {
    let mut sends = Vec::new();
    for mut r in store.query(
        "SELECT id, state, reason, created_by, created_at, sent_at, patient_may_not_reply
         FROM outbox_item WHERE document_id = ?1 AND channel = 'mss' ORDER BY id DESC",
        params![document.0],
    )? {
        let state: String = r.take(1)?;
        let sent_at: Option<String> = r.take(5)?;
        sends.push(MssSend {
            item: OutboxItemId(r.take(0)?),
            state: OutboxState::from_code(&state)
                .ok_or(StoreError::Corrupt("outbox state".to_owned()))?,
            reason: r.take(2)?,
            created_by: r.take(3)?,
            created_at: parse_utc(&r.take::<String>(4)?)?,
            sent_at: sent_at.as_deref().map(parse_utc).transpose()?,
            patient_may_not_reply: r.take(6)?,
            recipients: Vec::new(),
        });
    }
    for send in &mut sends {
        send.recipients = recipients_of(store, send.item)?;
    }
    Ok(sends)
}

fn recipients_of(store: &Store, item: OutboxItemId) -> Result<Vec<MssRecipientStatus>, StoreError> {
    // Receipts by address (lower-case): a read receipt outranks a delivery, which outranks
    // nothing; a refusal stays unless a later delivery or read says otherwise.
    let mut receipts: HashMap<String, MssReceipt> = HashMap::new();
    for mut r in store.query(
        "SELECT kind, ok, recipient, code, label, received_at FROM outbox_ack
         WHERE item_id = ?1 AND kind IN ('mss', 'read') ORDER BY id",
        params![item.0],
    )? {
        let kind: String = r.take(0)?;
        let ok: bool = r.take(1)?;
        let Some(address) = r.take::<Option<String>>(2)? else {
            continue;
        };
        let code: Option<String> = r.take(3)?;
        let label: Option<String> = r.take(4)?;
        let at = parse_utc(&r.take::<String>(5)?)?;
        let receipt = match (kind.as_str(), ok) {
            ("read", true) => MssReceipt::Read { at },
            ("mss", true) => MssReceipt::Delivered { at },
            (_, _) => MssReceipt::Refused {
                code: code.unwrap_or_default(),
                label: label.unwrap_or_default(),
            },
        };
        let slot = receipts
            .entry(address.trim().to_ascii_lowercase())
            .or_default();
        let keep_read = matches!(slot, MssReceipt::Read { .. })
            && matches!(receipt, MssReceipt::Delivered { .. });
        if !keep_read {
            *slot = receipt;
        }
    }
    let mut out = Vec::new();
    for mut r in store.query(
        "SELECT kind, name, address FROM outbox_recipient WHERE item_id = ?1 ORDER BY position",
        params![item.0],
    )? {
        let kind: String = r.take(0)?;
        let address: String = r.take(2)?;
        out.push(MssRecipientStatus {
            kind: if kind == "patient" {
                MssRecipientKind::Patient
            } else {
                MssRecipientKind::Professional
            },
            name: r.take(1)?,
            receipt: receipts
                .remove(&address.trim().to_ascii_lowercase())
                .unwrap_or_default(),
            address,
        });
    }
    Ok(out)
}

/// Records the treating physician the GAM named (`ROL`): their id (RPPS or idNat) and name.
pub fn set_treating_physician(
    store: &Store,
    patient: PatientId,
    id: &str,
    name: &str,
) -> Result<(), StoreError> {
    store.execute(
        "UPDATE patient SET treating_physician_id = ?2, treating_physician_name = ?3
         WHERE id = ?1",
        params![patient.0, id, name],
    )?;
    Ok(())
}

/// The treating physician's id and name, when the GAM gave them.
pub fn treating_physician(
    store: &Store,
    patient: PatientId,
) -> Result<Option<(String, String)>, StoreError> {
    let Some(mut r) = store.query_opt(
        "SELECT treating_physician_id, treating_physician_name FROM patient WHERE id = ?1",
        params![patient.0],
    )?
    else {
        return Ok(None);
    };
    let id: Option<String> = r.take(0)?;
    let name: Option<String> = r.take(1)?;
    Ok(id
        .filter(|i| !i.trim().is_empty())
        .map(|i| (i, name.unwrap_or_default())))
}
