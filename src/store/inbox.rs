//! Documents to reconcile ("documents à rapprocher", migration 15): every received document
//! not filed automatically waits here, with the identity its sender gave, until a person
//! files it in a folder or refuses it. Nothing received is dropped: a decision only changes
//! the item's status, and names who took it.

use super::db::{Row, params};
use super::received::{Action, Channel, Envelope};
use super::{Store, StoreError, now_text};
use crate::domain::{DocumentId, PatientId};

/// The identity a sender gave for a document (PID, or XDM `sourcePatientInfo`).
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SentIdentity {
    pub ins: Option<String>,
    pub ins_oid: Option<String>,
    pub ipp: Option<String>,
    pub birth_name: Option<String>,
    pub given: Option<String>,
    /// ISO 8601 date.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
}

impl std::fmt::Debug for SentIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SentIdentity(…)")
    }
}

impl SentIdentity {
    /// What to type in the patient search to find this person: the birth name, else the INS
    /// or the IPP.
    pub fn search_text(&self) -> String {
        if let Some(name) = self.birth_name.as_deref().filter(|n| !n.trim().is_empty()) {
            match self.given.as_deref().filter(|g| !g.trim().is_empty()) {
                Some(given) => format!("{name} {given}"),
                None => name.to_owned(),
            }
        } else {
            self.ins
                .clone()
                .or_else(|| self.ipp.clone())
                .unwrap_or_default()
        }
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Pending,
    Filed,
    Refused,
}

impl ItemStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Filed => "filed",
            Self::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Pending, Self::Filed, Self::Refused]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A document to put in the inbox.
pub struct NewItem<'a> {
    pub message: Option<i64>,
    pub channel: Channel,
    /// The application error code (`902`…) or `import`.
    pub reason: &'a str,
    pub cda_id: Option<&'a str>,
    pub title: &'a str,
    pub raw: &'a [u8],
    pub identity: &'a SentIdentity,
    pub envelope: &'a Envelope,
    pub action: Action,
    pub replaces: Option<&'a str>,
}

/// One item (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub message: Option<i64>,
    pub channel: Channel,
    pub reason: String,
    pub cda_id: Option<String>,
    pub title: String,
    pub identity: SentIdentity,
    pub envelope: Envelope,
    pub action: Action,
    pub replaces: Option<String>,
    /// ISO 8601 UTC.
    pub received_at: String,
    pub status: ItemStatus,
    pub patient: Option<PatientId>,
    pub document: Option<DocumentId>,
    pub decided_by: Option<String>,
}

/// Puts a document in the inbox (in the caller's transaction); its id.
pub fn add(store: &Store, item: &NewItem<'_>) -> Result<i64, StoreError> {
    let identity = serde_json::to_string(item.identity)
        .map_err(|_| StoreError::Corrupt("inbox identity".into()))?;
    store.insert_id(
        "INSERT INTO inbox_item (message_id, channel, reason, cda_id, title, raw, traits,
             sender, recipients, subject, body, action, replaces, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            item.message,
            item.channel.code(),
            item.reason,
            item.cda_id,
            item.title,
            item.raw,
            identity,
            item.envelope.sender,
            item.envelope.recipients_column(),
            item.envelope.subject,
            item.envelope.body,
            item.action.code(),
            item.replaces,
            now_text()
        ],
    )
}

const COLUMNS: &str = "id, message_id, channel, reason, cda_id, title, traits, sender, recipients,
    subject, body, action, replaces, received_at, status, patient_id, document_id, decided_by";

/// The items waiting for a person, oldest first.
pub fn pending(store: &Store, limit: usize) -> Result<Vec<Item>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    store
        .query(
            &format!(
                "SELECT {COLUMNS} FROM inbox_item WHERE status = 'pending'
                 ORDER BY received_at, id LIMIT ?1"
            ),
            params![limit],
        )?
        .iter()
        .map(from_row)
        .collect()
}

/// How many items wait.
pub fn pending_count(store: &Store) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM inbox_item WHERE status = 'pending'",
        &[],
    )
}

/// One item.
pub fn get(store: &Store, id: i64) -> Result<Item, StoreError> {
    from_row(&store.query_one(
        &format!("SELECT {COLUMNS} FROM inbox_item WHERE id = ?1"),
        params![id],
    )?)
}

/// The document's bytes as received.
pub fn raw(store: &Store, id: i64) -> Result<Vec<u8>, StoreError> {
    store.query_value("SELECT raw FROM inbox_item WHERE id = ?1", params![id])
}

/// Records a person's decision on a pending item (in the caller's transaction); refused
/// with [`StoreError::Duplicate`] when someone decided first.
pub fn decide(
    store: &Store,
    id: i64,
    status: ItemStatus,
    patient: Option<PatientId>,
    document: Option<DocumentId>,
    by_login: &str,
) -> Result<(), StoreError> {
    let changed = store.execute(
        "UPDATE inbox_item SET status = ?2, patient_id = ?3, document_id = ?4,
             decided_by = ?5, decided_at = ?6
         WHERE id = ?1 AND status = 'pending'",
        params![
            id,
            status.code(),
            patient.map(|p| p.0),
            document.map(|d| d.0),
            by_login,
            now_text()
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::Duplicate);
    }
    Ok(())
}

fn from_row(r: &Row) -> Result<Item, StoreError> {
    let channel: String = r.get(2)?;
    let traits: String = r.get(6)?;
    let recipients: String = r.get(8)?;
    let action: String = r.get(11)?;
    let status: String = r.get(14)?;
    let patient: Option<i64> = r.get(15)?;
    let document: Option<i64> = r.get(16)?;
    Ok(Item {
        id: r.get(0)?,
        message: r.get(1)?,
        channel: Channel::from_code(&channel)
            .ok_or_else(|| StoreError::Corrupt("inbox channel".into()))?,
        reason: r.get(3)?,
        cda_id: r.get(4)?,
        title: r.get(5)?,
        identity: serde_json::from_str(&traits)
            .map_err(|_| StoreError::Corrupt("inbox identity".into()))?,
        envelope: Envelope::from_columns(r.get(7)?, &recipients, r.get(9)?, r.get(10)?),
        action: Action::from_code(&action)
            .ok_or_else(|| StoreError::Corrupt("inbox action".into()))?,
        replaces: r.get(12)?,
        received_at: r.get(13)?,
        status: ItemStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt("inbox status".into()))?,
        patient: patient.map(PatientId),
        document: document.map(DocumentId),
        decided_by: r.get(17)?,
    })
}
