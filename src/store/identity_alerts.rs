//! The identity-vigilance list (migration 15): conflicts found while reading what the GAM or
//! the messaging gateway sent — an INS already known with other traits, a merge of two
//! patients who both have documents — wait here for a person of the identity-vigilance cell.
//! Nothing is merged or rewritten silently; a decision names who took it. An identity whose
//! INS came from INSi and that the GAM downgraded (a strict trait changed, a lower status
//! sent) waits here too, for someone to verify it again.

use super::db::{Row, params};
use super::{Store, StoreError, now_text};
use crate::domain::PatientId;

/// What kind of conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// The INS sent is known here with other birth traits.
    InsTraitsDiffer,
    /// The INS sent belongs to another patient than the IPP sent.
    InsOnOtherPatient,
    /// A merge (A40) of two patients who both have documents.
    MergeWithDocuments,
    /// A merge naming a patient unknown here.
    MergeUnknownPatient,
    /// The GAM changed a strict trait of an identity whose INS came from INSi (récupérée or
    /// qualifiée): the identity went back to provisoire, its INS kept but not usable.
    TraitsChangedByGam,
    /// The GAM sent a lower status than the récupérée or qualifiée one held here: applied, the
    /// INS kept but not usable.
    StatusLoweredByGam,
}

impl AlertKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::InsTraitsDiffer => "ins-traits-differ",
            Self::InsOnOtherPatient => "ins-on-other-patient",
            Self::MergeWithDocuments => "merge-with-documents",
            Self::MergeUnknownPatient => "merge-unknown-patient",
            Self::TraitsChangedByGam => "traits-changed-by-gam",
            Self::StatusLoweredByGam => "status-lowered-by-gam",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::InsTraitsDiffer,
            Self::InsOnOtherPatient,
            Self::MergeWithDocuments,
            Self::MergeUnknownPatient,
            Self::TraitsChangedByGam,
            Self::StatusLoweredByGam,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// The message id of its French/English label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::InsTraitsDiffer => "alert-ins-traits-differ",
            Self::InsOnOtherPatient => "alert-ins-on-other-patient",
            Self::MergeWithDocuments => "alert-merge-with-documents",
            Self::MergeUnknownPatient => "alert-merge-unknown-patient",
            Self::TraitsChangedByGam => "alert-traits-changed-by-gam",
            Self::StatusLoweredByGam => "alert-status-lowered-by-gam",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub kind: AlertKind,
    pub patient: Option<PatientId>,
    pub other: Option<PatientId>,
    /// The journalled message that raised it.
    pub message: Option<i64>,
    /// ISO 8601 UTC.
    pub raised_at: String,
    pub resolved: bool,
    pub decided_by: Option<String>,
}

/// Raises an alert (in the caller's transaction); its id.
pub fn raise(
    store: &Store,
    kind: AlertKind,
    patient: Option<PatientId>,
    other: Option<PatientId>,
    message: Option<i64>,
) -> Result<i64, StoreError> {
    store.insert_id(
        "INSERT INTO identity_alert (kind, patient_id, other_id, message_id, raised_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            kind.code(),
            patient.map(|p| p.0),
            other.map(|p| p.0),
            message,
            now_text()
        ],
    )
}

/// The open alerts, oldest first.
pub fn open(store: &Store, limit: usize) -> Result<Vec<Alert>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    store
        .query(
            "SELECT id, kind, patient_id, other_id, message_id, raised_at, status, decided_by
             FROM identity_alert WHERE status = 'open' ORDER BY raised_at, id LIMIT ?1",
            params![limit],
        )?
        .iter()
        .map(from_row)
        .collect()
}

/// How many alerts are open.
pub fn open_count(store: &Store) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM identity_alert WHERE status = 'open'",
        &[],
    )
}

/// Marks an alert resolved by `by_login`; [`StoreError::Duplicate`] when already resolved.
pub fn resolve(store: &Store, id: i64, by_login: &str) -> Result<(), StoreError> {
    let changed = store.execute(
        "UPDATE identity_alert SET status = 'resolved', decided_by = ?2, decided_at = ?3
         WHERE id = ?1 AND status = 'open'",
        params![id, by_login, now_text()],
    )?;
    if changed == 0 {
        return Err(StoreError::Duplicate);
    }
    Ok(())
}

fn from_row(r: &Row) -> Result<Alert, StoreError> {
    let kind: String = r.get(1)?;
    let status: String = r.get(6)?;
    let patient: Option<i64> = r.get(2)?;
    let other: Option<i64> = r.get(3)?;
    Ok(Alert {
        id: r.get(0)?,
        kind: AlertKind::from_code(&kind)
            .ok_or_else(|| StoreError::Corrupt("alert kind".into()))?,
        patient: patient.map(PatientId),
        other: other.map(PatientId),
        message: r.get(4)?,
        raised_at: r.get(5)?,
        resolved: status == "resolved",
        decided_by: r.get(7)?,
    })
}
