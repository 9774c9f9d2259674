//! The identity-vigilance history of a patient (migration 20): every change of the identity
//! status, and every decision that left it unchanged (an INSi answer refused, no identity
//! found, a low-trust document), with who (account login, or `gam:<application>`), why (INSi
//! call, document type, doubt reason, what the GAM sent) and when. Written by the caller in
//! the same transaction as the patient's update; append-only (triggers refuse edits and
//! deletions; only a merge moves rows to the folder kept).

use super::db::{Row, params};
use super::{Store, StoreError, now_text};
use crate::domain::identity::{DoubtReason, IdentityDocument};
use crate::domain::{IdentityStatus, Ins, PatientId};

/// What happened to the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryEvent {
    /// A professional accepted the identity INSi returned: its INS and traits are stored.
    InsAccepted,
    /// A professional refused the identity INSi returned: nothing stored.
    InsRefused,
    /// INSi found no identity (`01`).
    InsNotFound,
    /// INSi found several identities (`02`).
    InsSeveral,
    /// A professional checked an identity document (a low-trust one changes nothing).
    DocumentChecked,
    /// A professional put the identity in doubt: back to provisoire.
    Doubt,
    /// The GAM (IHE PAM-FR) sent a status or traits that changed the identity's status.
    Gam,
}

impl HistoryEvent {
    pub const ALL: [Self; 7] = [
        Self::InsAccepted,
        Self::InsRefused,
        Self::InsNotFound,
        Self::InsSeveral,
        Self::DocumentChecked,
        Self::Doubt,
        Self::Gam,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::InsAccepted => "ins-accepted",
            Self::InsRefused => "ins-refused",
            Self::InsNotFound => "ins-not-found",
            Self::InsSeveral => "ins-several",
            Self::DocumentChecked => "document-checked",
            Self::Doubt => "doubt",
            Self::Gam => "gam",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    /// Fluent message id of its label in the history list.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::InsAccepted => "identity-history-ins-accepted",
            Self::InsRefused => "identity-history-ins-refused",
            Self::InsNotFound => "identity-history-ins-not-found",
            Self::InsSeveral => "identity-history-ins-several",
            Self::DocumentChecked => "identity-history-document-checked",
            Self::Doubt => "identity-history-doubt",
            Self::Gam => "identity-history-gam",
        }
    }
}

/// One line to append.
#[derive(Clone)]
pub struct NewEntry<'a> {
    pub patient: PatientId,
    /// Account login, or `gam:<sending application>`.
    pub actor: &'a str,
    pub event: HistoryEvent,
    pub from: IdentityStatus,
    pub to: IdentityStatus,
    pub document: Option<IdentityDocument>,
    pub reason: Option<DoubtReason>,
    /// The INSi answer's `CodeCR` (`00`, `01`, `02`) and how many calls the search took.
    pub insi: Option<(&'static str, u32)>,
    /// The INS accepted (or kept by a downgrade).
    pub ins: Option<&'a Ins>,
    /// Codes only: the traits that differed and how (`birth-name:accents`), what the GAM sent.
    pub detail: String,
}

impl<'a> NewEntry<'a> {
    /// A line with nothing but who, what and the statuses.
    pub fn new(
        patient: PatientId,
        actor: &'a str,
        event: HistoryEvent,
        from: IdentityStatus,
        to: IdentityStatus,
    ) -> Self {
        Self {
            patient,
            actor,
            event,
            from,
            to,
            document: None,
            reason: None,
            insi: None,
            ins: None,
            detail: String::new(),
        }
    }
}

impl std::fmt::Debug for NewEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewEntry({:?}, {:?})", self.patient, self.event)
    }
}

/// One stored line.
#[derive(Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: i64,
    pub patient: PatientId,
    /// ISO 8601 UTC.
    pub at: String,
    pub actor: String,
    pub event: HistoryEvent,
    pub from: IdentityStatus,
    pub to: IdentityStatus,
    pub document: Option<IdentityDocument>,
    pub reason: Option<DoubtReason>,
    pub insi_result: Option<String>,
    pub insi_calls: Option<u32>,
    pub ins: Option<Ins>,
    pub detail: String,
}

impl std::fmt::Debug for HistoryEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HistoryEntry({}, {:?}, {:?} → {:?})",
            self.id, self.event, self.from, self.to
        )
    }
}

/// Appends a line (in the caller's transaction); its id.
pub fn record(store: &Store, e: &NewEntry<'_>) -> Result<i64, StoreError> {
    store.insert_id(
        "INSERT INTO identity_history (patient_id, at, actor, event, from_status, to_status,
             document, reason, insi_result, insi_calls, ins_matricule, ins_oid, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            e.patient.0,
            now_text(),
            e.actor,
            e.event.code(),
            e.from.code(),
            e.to.code(),
            e.document.map(IdentityDocument::code),
            e.reason.map(DoubtReason::code),
            e.insi.map(|(code, _)| code),
            e.insi.map(|(_, calls)| i64::from(calls)),
            e.ins.map(|i| i.matricule.as_str().to_owned()),
            e.ins.map(|i| i.oid.as_str()),
            e.detail,
        ],
    )
}

const COLUMNS: &str = "id, patient_id, at, actor, event, from_status, to_status, document, reason,
    insi_result, insi_calls, ins_matricule, ins_oid, detail";

/// A patient's lines, newest first, at most `limit`.
pub fn for_patient(
    store: &Store,
    patient: PatientId,
    limit: usize,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    store
        .query(
            &format!(
                "SELECT {COLUMNS} FROM identity_history WHERE patient_id = ?1
                 ORDER BY id DESC LIMIT ?2"
            ),
            params![patient.0, limit],
        )?
        .iter()
        .map(from_row)
        .collect()
}

/// A merge keeps `into`: the lines of `from` move there (before `from` is removed).
pub fn move_all(store: &Store, from: PatientId, into: PatientId) -> Result<usize, StoreError> {
    store.execute(
        "UPDATE identity_history SET patient_id = ?2 WHERE patient_id = ?1",
        params![from.0, into.0],
    )
}

fn from_row(r: &Row) -> Result<HistoryEntry, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("identity history: {what}"));
    let status = |i: usize| -> Result<IdentityStatus, StoreError> {
        let code: String = r.get(i)?;
        IdentityStatus::from_code(&code).ok_or_else(|| corrupt("status"))
    };
    let event: String = r.get(4)?;
    let document: Option<String> = r.get(7)?;
    let reason: Option<String> = r.get(8)?;
    let calls: Option<i64> = r.get(10)?;
    let matricule: Option<String> = r.get(11)?;
    let oid: Option<String> = r.get(12)?;
    Ok(HistoryEntry {
        id: r.get(0)?,
        patient: PatientId(r.get(1)?),
        at: r.get(2)?,
        actor: r.get(3)?,
        event: HistoryEvent::from_code(&event).ok_or_else(|| corrupt("event"))?,
        from: status(5)?,
        to: status(6)?,
        document: document
            .map(|d| IdentityDocument::from_code(&d).ok_or_else(|| corrupt("document")))
            .transpose()?,
        reason: reason
            .map(|d| DoubtReason::from_code(&d).ok_or_else(|| corrupt("reason")))
            .transpose()?,
        insi_result: r.get(9)?,
        insi_calls: calls.and_then(|c| u32::try_from(c).ok()),
        ins: match (matricule, oid) {
            (Some(m), Some(o)) => Some(Ins::parse(&m, &o).map_err(|_| corrupt("INS"))?),
            _ => None,
        },
        detail: r.get(13)?,
    })
}

#[cfg(test)]
#[path = "identity_history_tests.rs"]
mod tests;
