//! The journal of HL7 v2 messages received over MLLP (migration 14). Every readable message is
//! recorded here, byte for byte, before its sender gets an AA: the listener acknowledges only
//! what [`record`] committed. A message sent again (same MSH-3, MSH-4 and MSH-10) is not
//! recorded twice: [`record`] gives the first row and the ACK code it got, and the sender is
//! acknowledged again. Shared-record data: a workstation's cache refuses it
//! ([`StoreError::NeedsRecord`]). Errors never quote the message.

use super::db::params;
use super::{Store, StoreError, now_text};

/// Where a journalled message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalStatus {
    /// Recorded and acknowledged; not handled yet.
    Received,
    /// Its content was filed (patient, stay, document).
    Filed,
    /// Waiting for a person (documents to reconcile).
    ToReconcile,
    /// Refused after reading (an AE was sent).
    Rejected,
}

impl JournalStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Filed => "filed",
            Self::ToReconcile => "to-reconcile",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "received" => Self::Received,
            "filed" => Self::Filed,
            "to-reconcile" => Self::ToReconcile,
            "rejected" => Self::Rejected,
            _ => return None,
        })
    }
}

/// A message to record: its header values as sent and its bytes as received.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// MSH-3.
    pub sending_application: &'a str,
    /// MSH-4.
    pub sending_facility: &'a str,
    /// MSH-10.
    pub control_id: &'a str,
    /// MSH-9 as sent (`MDM^T02^MDM_T02`).
    pub message_type: &'a str,
    /// The frame's payload.
    pub raw: &'a [u8],
    /// The MSA-1 the sender will get once the row is committed (`AA`, `AE`, `AR`).
    pub ack_code: &'a str,
}

/// What [`record`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// A new row, committed.
    New(i64),
    /// The sender had already sent this message: its row and the ACK code it got then.
    Duplicate(i64, String),
}

impl Recorded {
    /// The journal row.
    pub fn id(&self) -> i64 {
        match self {
            Self::New(id) | Self::Duplicate(id, _) => *id,
        }
    }
}

/// One journalled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: i64,
    /// ISO 8601 UTC.
    pub received_at: String,
    pub sending_application: String,
    pub sending_facility: String,
    pub control_id: String,
    pub message_type: String,
    pub raw: Vec<u8>,
    pub status: JournalStatus,
    pub ack_code: String,
}

/// Records a received message (committed when this returns `Ok`), or finds the row of the same
/// message sent before.
pub fn record(store: &Store, message: &Incoming<'_>) -> Result<Recorded, StoreError> {
    store.require_record()?;
    let inserted = store.query_opt(
        "INSERT INTO hl7_message (received_at, sending_application, sending_facility,
             control_id, message_type, raw, status, ack_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'received', ?7)
         ON CONFLICT (sending_application, sending_facility, control_id) DO NOTHING
         RETURNING id",
        params![
            now_text(),
            message.sending_application,
            message.sending_facility,
            message.control_id,
            message.message_type,
            message.raw,
            message.ack_code
        ],
    )?;
    if let Some(row) = inserted {
        return Ok(Recorded::New(row.get(0)?));
    }
    let row = store.query_one(
        "SELECT id, ack_code FROM hl7_message
         WHERE sending_application = ?1 AND sending_facility = ?2 AND control_id = ?3",
        params![
            message.sending_application,
            message.sending_facility,
            message.control_id
        ],
    )?;
    Ok(Recorded::Duplicate(row.get(0)?, row.get(1)?))
}

/// What intake decided for a recorded message, written in the same transaction as what it
/// filed: its status, the MSA-1 and ERR codes of the ACK (`207:902`, comma separated) and a
/// fixed-wording outcome.
pub fn finish(
    store: &Store,
    id: i64,
    status: JournalStatus,
    ack_code: &str,
    ack_errors: Option<&str>,
    outcome: &str,
) -> Result<(), StoreError> {
    store.execute(
        "UPDATE hl7_message SET status = ?2, ack_code = ?3, ack_errors = ?4, outcome = ?5
         WHERE id = ?1",
        params![id, status.code(), ack_code, ack_errors, outcome],
    )?;
    Ok(())
}

/// [`finish`], writing the message's bytes at the same time: for a row [`record`]ed with
/// empty bytes in the same transaction, so that a large message is written once (SQLite
/// rewrites a whole row on UPDATE, its blob included).
#[allow(clippy::too_many_arguments)]
pub fn finish_with_raw(
    store: &Store,
    id: i64,
    status: JournalStatus,
    ack_code: &str,
    ack_errors: Option<&str>,
    outcome: &str,
    raw: &[u8],
) -> Result<(), StoreError> {
    store.execute(
        "UPDATE hl7_message SET status = ?2, ack_code = ?3, ack_errors = ?4, outcome = ?5,
             raw = ?6
         WHERE id = ?1",
        params![id, status.code(), ack_code, ack_errors, outcome, raw],
    )?;
    Ok(())
}

/// The answer a recorded message got: MSA-1 and the ERR codes, for a message sent again.
pub fn answer(store: &Store, id: i64) -> Result<(String, Option<String>), StoreError> {
    let row = store.query_one(
        "SELECT ack_code, ack_errors FROM hl7_message WHERE id = ?1",
        params![id],
    )?;
    Ok((row.get(0)?, row.get(1)?))
}

/// Sets a message's status (a person reconciled what it carried).
pub fn set_status(store: &Store, id: i64, status: JournalStatus) -> Result<(), StoreError> {
    store.execute(
        "UPDATE hl7_message SET status = ?2 WHERE id = ?1",
        params![id, status.code()],
    )?;
    Ok(())
}

/// One journalled message.
pub fn get(store: &Store, id: i64) -> Result<Option<JournalEntry>, StoreError> {
    let Some(mut row) = store.query_opt(
        "SELECT id, received_at, sending_application, sending_facility, control_id,
                message_type, raw, status, ack_code
         FROM hl7_message WHERE id = ?1",
        params![id],
    )?
    else {
        return Ok(None);
    };
    let status: String = row.take(7)?;
    Ok(Some(JournalEntry {
        id: row.get(0)?,
        received_at: row.take(1)?,
        sending_application: row.take(2)?,
        sending_facility: row.take(3)?,
        control_id: row.take(4)?,
        message_type: row.take(5)?,
        raw: row.take(6)?,
        status: JournalStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt("hl7 status".into()))?,
        ack_code: row.take(8)?,
    }))
}

/// The row of a sender's message, if recorded.
pub fn find(
    store: &Store,
    sending_application: &str,
    sending_facility: &str,
    control_id: &str,
) -> Result<Option<i64>, StoreError> {
    store
        .query_opt(
            "SELECT id FROM hl7_message
             WHERE sending_application = ?1 AND sending_facility = ?2 AND control_id = ?3",
            params![sending_application, sending_facility, control_id],
        )?
        .map(|row| row.get(0))
        .transpose()
}

/// How many messages the journal holds.
pub fn count(store: &Store) -> Result<u64, StoreError> {
    let n: i64 = store.query_value("SELECT count(*) FROM hl7_message", &[])?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DbKey;
    use crate::store::testing::each_backend;

    fn incoming<'a>(control_id: &'a str, raw: &'a [u8]) -> Incoming<'a> {
        Incoming {
            sending_application: "PFI",
            sending_facility: "CHU_X",
            control_id,
            message_type: "MDM^T02^MDM_T02",
            raw,
            ack_code: "AA",
        }
    }

    #[test]
    fn a_message_is_recorded_once_per_sender_and_control_id() {
        each_backend(|store| {
            let raw = b"MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|\xe9\x00\xff";
            let Recorded::New(id) = record(&store, &incoming("12345", raw)).expect("record") else {
                panic!("first time: a new row");
            };
            let again = record(&store, &incoming("12345", b"other bytes")).expect("again");
            assert_eq!(again, Recorded::Duplicate(id, "AA".into()));
            assert_eq!(count(&store).expect("count"), 1);
            let entry = get(&store, id).expect("get").expect("row");
            assert_eq!(entry.raw, raw, "the first bytes, as received");
            assert_eq!(
                (
                    entry.control_id.as_str(),
                    entry.status,
                    entry.ack_code.as_str()
                ),
                ("12345", JournalStatus::Received, "AA")
            );
            assert_eq!(entry.message_type, "MDM^T02^MDM_T02");
            assert_eq!(
                find(&store, "PFI", "CHU_X", "12345").expect("find"),
                Some(id)
            );

            let other_sender = Incoming {
                sending_facility: "CHU_Y",
                ..incoming("12345", raw)
            };
            assert!(matches!(
                record(&store, &other_sender).expect("other sender"),
                Recorded::New(other) if other != id
            ));
            assert!(matches!(
                record(&store, &incoming("12346", raw)).expect("next"),
                Recorded::New(_)
            ));
            assert_eq!(count(&store).expect("count"), 3);
            assert_eq!(get(&store, id + 1000).expect("get"), None);
        });
    }

    #[test]
    fn an_unknown_ack_code_is_refused() {
        each_backend(|store| {
            let bad = Incoming {
                ack_code: "OK",
                ..incoming("1", b"MSH|")
            };
            assert!(record(&store, &bad).is_err());
            assert_eq!(count(&store).expect("count"), 0);
        });
    }

    #[test]
    fn a_workstation_cache_refuses_the_journal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache =
            Store::open_cache(&dir.path().join("cache.db"), &DbKey::generate()).expect("cache");
        assert!(matches!(
            record(&cache, &incoming("1", b"MSH|")),
            Err(StoreError::NeedsRecord)
        ));
    }
}
