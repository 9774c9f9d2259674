//! Documents received from outside and filed in a folder (migration 15): who sent them, to
//! whom, the mail's subject and body, and whether the folder's users opened them yet — the
//! folder's badge and the "documents reçus" list. A document deleted by its sender (MDM T04)
//! stays here and in `document`, marked deleted.

use super::db::{Row, params};
use super::{Store, StoreError, now_text};
use crate::domain::{DocumentId, PatientId};

/// How a document came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// MSSanté mail, through the messaging gateway (PFI).
    Mssante,
    /// A hospital system (laboratory, imaging) over HL7 v2.
    Hl7,
    /// An IHE XDM archive a user imported.
    Xdm,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Mssante => "mss",
            Self::Hl7 => "hl7",
            Self::Xdm => "xdm",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Mssante, Self::Hl7, Self::Xdm]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// What the sender asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    New,
    Replace,
    Delete,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Replace => "replace",
            Self::Delete => "delete",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::New, Self::Replace, Self::Delete]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// Where a received document came from (the envelope, not the document).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The sender's e-mail address, or the sending application.
    pub sender: String,
    /// The recipients' addresses.
    pub recipients: Vec<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Envelope(…)")
    }
}

impl Envelope {
    /// The recipients as one column holds them.
    pub(crate) fn recipients_column(&self) -> String {
        self.recipients.join(", ")
    }

    /// An envelope read back from its four columns.
    pub(crate) fn from_columns(
        sender: String,
        recipients: &str,
        subject: Option<String>,
        body: Option<String>,
    ) -> Self {
        Self {
            sender,
            recipients: recipients
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            subject,
            body,
        }
    }
}

/// One received document, as the "documents reçus" list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub document: DocumentId,
    pub patient: PatientId,
    pub channel: Channel,
    pub action: Action,
    pub envelope: Envelope,
    pub title: String,
    /// ISO 8601 UTC.
    pub received_at: String,
    pub seen: bool,
    pub deleted: bool,
}

/// Records that `document` was received (in the caller's transaction).
pub fn record(
    store: &Store,
    document: DocumentId,
    patient: PatientId,
    message: Option<i64>,
    channel: Channel,
    action: Action,
    envelope: &Envelope,
) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO received_document (document_id, patient_id, message_id, channel, sender,
             recipients, subject, body, action, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (document_id) DO NOTHING",
        params![
            document.0,
            patient.0,
            message,
            channel.code(),
            envelope.sender,
            envelope.recipients_column(),
            envelope.subject,
            envelope.body,
            action.code(),
            now_text()
        ],
    )?;
    Ok(())
}

/// Marks a document deleted by its sender (it stays viewable).
pub fn mark_deleted(store: &Store, document: DocumentId) -> Result<(), StoreError> {
    store.execute(
        "UPDATE document SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
        params![document.0, now_text()],
    )?;
    Ok(())
}

/// Whether a document was deleted by its sender.
pub fn is_deleted(store: &Store, document: DocumentId) -> Result<bool, StoreError> {
    let at: Option<String> = store.query_value(
        "SELECT deleted_at FROM document WHERE id = ?1",
        params![document.0],
    )?;
    Ok(at.is_some())
}

/// The sender recorded for a received document (None for a document made here).
pub fn sender_of(store: &Store, document: DocumentId) -> Result<Option<String>, StoreError> {
    store
        .query_opt(
            "SELECT sender FROM received_document WHERE document_id = ?1",
            params![document.0],
        )?
        .map(|r| r.get(0))
        .transpose()
}

/// Received documents not opened yet in a folder (the badge).
pub fn unseen_count(store: &Store, patient: PatientId) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM received_document WHERE patient_id = ?1 AND seen_at IS NULL",
        params![patient.0],
    )
}

/// Marks a received document opened.
pub fn mark_seen(store: &Store, document: DocumentId) -> Result<(), StoreError> {
    store.execute(
        "UPDATE received_document SET seen_at = ?2 WHERE document_id = ?1 AND seen_at IS NULL",
        params![document.0, now_text()],
    )?;
    Ok(())
}

const COLUMNS: &str = "r.document_id, r.patient_id, r.channel, r.action, r.sender, r.recipients,
    r.subject, r.body, d.title, r.received_at, r.seen_at, d.deleted_at";

/// The received documents, newest first: of one folder, or of every folder (`None`).
pub fn list(
    store: &Store,
    patient: Option<PatientId>,
    limit: usize,
) -> Result<Vec<Received>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = match patient {
        Some(p) => store.query(
            &format!(
                "SELECT {COLUMNS} FROM received_document r JOIN document d ON d.id = r.document_id
                 WHERE r.patient_id = ?1 ORDER BY r.received_at DESC, r.document_id DESC LIMIT ?2"
            ),
            params![p.0, limit],
        )?,
        None => store.query(
            &format!(
                "SELECT {COLUMNS} FROM received_document r JOIN document d ON d.id = r.document_id
                 ORDER BY r.received_at DESC, r.document_id DESC LIMIT ?1"
            ),
            params![limit],
        )?,
    };
    rows.iter().map(from_row).collect()
}

fn from_row(r: &Row) -> Result<Received, StoreError> {
    let channel: String = r.get(2)?;
    let action: String = r.get(3)?;
    let recipients: String = r.get(5)?;
    let seen: Option<String> = r.get(10)?;
    let deleted: Option<String> = r.get(11)?;
    Ok(Received {
        document: DocumentId(r.get(0)?),
        patient: PatientId(r.get(1)?),
        channel: Channel::from_code(&channel)
            .ok_or_else(|| StoreError::Corrupt("received channel".into()))?,
        action: Action::from_code(&action)
            .ok_or_else(|| StoreError::Corrupt("received action".into()))?,
        envelope: Envelope::from_columns(r.get(4)?, &recipients, r.get(6)?, r.get(7)?),
        title: r.get(8)?,
        received_at: r.get(9)?,
        seen: seen.is_some(),
        deleted: deleted.is_some(),
    })
}

/// A document named by a replacement or a deletion: its row, folder, whether a later version
/// already replaces it, and whether it was deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub document: DocumentId,
    pub patient: PatientId,
    pub superseded: bool,
    pub deleted: bool,
}

/// The first of `cda_ids` stored here, as a [`Target`].
pub fn target(store: &Store, cda_ids: &[String]) -> Result<Option<Target>, StoreError> {
    for cda_id in cda_ids {
        let Some(row) = store.query_opt(
            "SELECT d.id, d.patient_id, d.deleted_at,
                    (SELECT count(*) FROM document n WHERE n.replaces = d.cda_id)
             FROM document d WHERE d.cda_id = ?1",
            params![cda_id],
        )?
        else {
            continue;
        };
        let deleted: Option<String> = row.get(2)?;
        let later: i64 = row.get(3)?;
        return Ok(Some(Target {
            document: DocumentId(row.get(0)?),
            patient: PatientId(row.get(1)?),
            superseded: later > 0,
            deleted: deleted.is_some(),
        }));
    }
    Ok(None)
}
