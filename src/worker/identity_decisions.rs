//! The identity-vigilance decisions (RNIV), each in the caller's transaction with its history
//! line (`store::identity_history`) and its audit entry:
//! - accepting INSi's identity stores its INS (with the OID) and its reference traits:
//!   provisoire → récupérée, validée → qualifiée; only without a real difference, and only if
//!   the folder's traits did not change since the search; an INS already on another folder
//!   raises an identity alert instead;
//! - refusing it stores nothing but is traced;
//! - a high-trust document checked: provisoire → validée, récupérée → qualifiée (validée
//!   without INSi); a low-trust one is traced and changes nothing;
//! - a doubt: back to provisoire, the INS kept but no longer usable.
//!
//! Errors and traces hold codes only: no INS, name or trait.

use super::context::WorkerError;
use super::identity_compare::{Agreement, InsComparison, compare};
use crate::domain::identity::{DoubtReason, IdentityDocument, IdentityEvent, TransitionError};
use crate::domain::{IdentityStatus, Patient, PatientId};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::identity_alerts::{self, AlertKind};
use crate::store::identity_history::{self, HistoryEvent, NewEntry};
use crate::store::{Store, StoreError, patients};

/// Why a decision was refused. Codes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VigilanceError {
    #[error("the folder's traits changed since the INSi search")]
    TraitsChanged,
    #[error("the identity INSi returned differs from the folder's")]
    TraitsDiffer,
    #[error(transparent)]
    Transition(#[from] TransitionError),
}

impl VigilanceError {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::TraitsChanged => "error-identity-traits-changed",
            Self::TraitsDiffer => "error-identity-traits-differ",
            Self::Transition(_) => "error-identity-transition",
        }
    }

    pub fn is_retryable(self) -> bool {
        false
    }
}

impl From<VigilanceError> for WorkerError {
    fn from(e: VigilanceError) -> Self {
        Self::NotConfigured(e.message_id())
    }
}

/// What a decision did, for the panel's notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// The status is now this one (maybe unchanged).
    Status(IdentityStatus),
    /// The INS is already another folder's: an identity alert waits in the vigilance list.
    InsOnOtherFolder,
    /// A low-trust document: traced, nothing changed.
    LowTrust,
    /// INSi's identity refused: traced, nothing stored.
    Refused,
}

impl Decided {
    /// Fluent id of the notice the panel shows.
    pub fn notice(self) -> &'static str {
        match self {
            Self::Status(s) => match s {
                IdentityStatus::Provisoire => "identity-now-provisoire",
                IdentityStatus::Recuperee => "identity-now-recuperee",
                IdentityStatus::Validee => "identity-now-validee",
                IdentityStatus::Qualifiee => "identity-now-qualifiee",
            },
            Self::InsOnOtherFolder => "identity-ins-on-other-folder",
            Self::LowTrust => "identity-document-low-trust",
            Self::Refused => "identity-ins-refused",
        }
    }
}

/// Writes a history line and its audit entry (in the caller's transaction).
pub(super) fn trace(store: &mut Store, line: &NewEntry<'_>) -> Result<(), StoreError> {
    identity_history::record(store, line)?;
    audit::record(
        store,
        line.actor,
        AuditAction::IdentityStatusChanged,
        AuditObject::Patient(line.patient.0),
        format!(
            "{}→{} {}",
            line.from.code(),
            line.to.code(),
            line.event.code()
        ),
    )?;
    Ok(())
}

/// Stores the identity INSi returned (INS, OID, reference traits), in one transaction.
pub(super) fn accept_in(
    store: &mut Store,
    actor: &str,
    patient: PatientId,
    c: &InsComparison,
) -> Result<Decided, WorkerError> {
    let p = patients::lock(store, patient)?;
    if p.identity.traits != c.local {
        return Err(VigilanceError::TraitsChanged.into());
    }
    if compare(&p.identity.traits, &c.returned.traits)
        .iter()
        .any(|r| r.agreement == Agreement::Different)
    {
        return Err(VigilanceError::TraitsDiffer.into());
    }
    let ins = &c.returned.ins;
    if let Some(holder) = patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())?
        && holder.id != patient
    {
        let id = identity_alerts::raise(
            store,
            AlertKind::InsOnOtherPatient,
            Some(patient),
            Some(holder.id),
            None,
        )?;
        audit::record(
            store,
            actor,
            AuditAction::IdentityAlert,
            AuditObject::IdentityAlert(id),
            format!("raised {}", AlertKind::InsOnOtherPatient.code()),
        )?;
        return Ok(Decided::InsOnOtherFolder);
    }
    let from = p.identity.status;
    let to = from
        .apply(IdentityEvent::InsRetrieved)
        .map_err(VigilanceError::from)?;
    let mut identity = p.identity;
    identity.traits = c.returned.traits.clone();
    identity.ins = Some(ins.clone());
    identity.status = to;
    patients::update_identity(store, patient, &identity)?;
    let mut line = NewEntry::new(patient, actor, HistoryEvent::InsAccepted, from, to);
    line.insi = Some(("00", c.calls));
    line.ins = Some(ins);
    line.detail = c.detail();
    trace(store, &line)?;
    Ok(Decided::Status(to))
}

/// Traces a refusal of INSi's identity: nothing of it is stored.
pub(super) fn refuse_in(
    store: &mut Store,
    actor: &str,
    patient: PatientId,
    c: &InsComparison,
) -> Result<Decided, WorkerError> {
    let status = patients::lock(store, patient)?.identity.status;
    let mut line = NewEntry::new(patient, actor, HistoryEvent::InsRefused, status, status);
    line.insi = Some(("00", c.calls));
    line.detail = c.detail();
    trace(store, &line)?;
    Ok(Decided::Refused)
}

/// Records an identity document checked on `today`.
pub(super) fn check_document_in(
    store: &mut Store,
    actor: &str,
    patient: PatientId,
    document: IdentityDocument,
    today: chrono::NaiveDate,
) -> Result<Decided, WorkerError> {
    let p = patients::lock(store, patient)?;
    let from = p.identity.status;
    if !document.proves_identity(p.identity.traits.birth_date, today) {
        let mut line = NewEntry::new(patient, actor, HistoryEvent::DocumentChecked, from, from);
        line.document = Some(document);
        line.detail = "low-trust".into();
        trace(store, &line)?;
        return Ok(Decided::LowTrust);
    }
    let to = from
        .apply(IdentityEvent::DocumentChecked)
        .map_err(VigilanceError::from)?;
    set_status(store, p, to)?;
    let mut line = NewEntry::new(patient, actor, HistoryEvent::DocumentChecked, from, to);
    line.document = Some(document);
    trace(store, &line)?;
    Ok(Decided::Status(to))
}

/// Puts an identity in doubt: back to provisoire, the INS kept but not usable.
pub(super) fn doubt_in(
    store: &mut Store,
    actor: &str,
    patient: PatientId,
    reason: DoubtReason,
) -> Result<Decided, WorkerError> {
    let p = patients::lock(store, patient)?;
    let from = p.identity.status;
    let to = from
        .apply(IdentityEvent::Doubt)
        .map_err(VigilanceError::from)?;
    let kept = p.identity.ins.clone();
    set_status(store, p, to)?;
    let mut line = NewEntry::new(patient, actor, HistoryEvent::Doubt, from, to);
    line.reason = Some(reason);
    line.ins = kept.as_ref();
    trace(store, &line)?;
    Ok(Decided::Status(to))
}

fn set_status(store: &Store, p: Patient, to: IdentityStatus) -> Result<(), StoreError> {
    if p.identity.status == to {
        return Ok(());
    }
    let mut identity = p.identity;
    identity.status = to;
    patients::update_identity(store, p.id, &identity)
}

#[cfg(test)]
#[path = "identity_decisions_tests.rs"]
mod tests;
