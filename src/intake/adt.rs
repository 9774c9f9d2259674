//! IHE PAM-FR from the GAM (`../shared/specs/hl7v2-outbox-annuaire-insi.md` H): the patient of
//! PID is created or updated by its IPP, then its stay follows the event (`intake::stay`:
//! states, ZBE movements, the ZFA consent "from the GAM"); A40 merges an IPP into another.
//!
//! Identity vigilance: an INS already held by another patient, a merge of two folders that
//! both hold documents — each raises an alert for a person and changes nothing of the
//! identities involved. An identity whose INS came from INSi (récupérée, qualifiée) keeps its
//! INSi traits against the GAM's spelling, but a strict trait changed or a lower status sent is
//! applied as a downgrade (the INS no longer usable), traced in its history, with an alert
//! (`adt_vigilance`). A merge moves the identity history to the folder kept.

use super::Outcome;
use super::pid::{self, SentPatient};
use crate::domain::{IdentityStatus, PatientId};
use crate::hl7::{AckError, ErrorLocation, Hl7Condition, Message};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::identity_alerts::{self, AlertKind};
use crate::store::identity_history::{self, HistoryEvent, NewEntry};
use crate::store::stays;
use crate::store::{Store, StoreError, patients};

/// Files one ADT message (inside the caller's transaction).
pub fn apply(store: &mut Store, msg: &Message<'_>, journal: i64) -> Result<Outcome, StoreError> {
    let trigger = msg.message_type().trigger.into_owned();
    let actor = format!("gam:{}", msg.msh().field(3).component(1).text().trim());
    let Some(pid) = msg.segment("PID") else {
        return Ok(missing("PID", 0, "segment PID absent"));
    };
    let sent = pid::read(&pid);
    let Some(ipp) = sent.ipp.clone() else {
        return Ok(missing("PID", 3, "IPP absent de PID-3"));
    };
    if trigger == "A40" {
        return merge(store, msg, &sent, &ipp, journal, &actor);
    }
    let patient = match upsert_patient(store, &sent, &ipp, journal, &actor)? {
        Ok(patient) => patient,
        Err(outcome) => return Ok(outcome),
    };
    super::treating::apply(store, msg, patient)?;
    if matches!(trigger.as_str(), "A28" | "A31" | "A47") {
        return Ok(Outcome::filed("patient", Some(patient)));
    }
    let Some(pv1) = msg.segment("PV1") else {
        return Ok(Outcome::filed("patient, no stay", Some(patient)));
    };
    let Some(visit) = text(&pv1.field(19).component(1).text()) else {
        return Ok(missing("PV1", 19, "numéro de venue absent de PV1-19"));
    };
    super::stay::apply(store, msg, &pv1, &trigger, patient, &visit, &actor)
}

pub(super) fn missing(segment: &str, field: usize, explanation: &str) -> Outcome {
    Outcome::rejected(
        AckError::message(
            Hl7Condition::RequiredFieldMissing,
            Some(ErrorLocation::field(segment, 1, field)),
        )
        .explained(explanation),
        "required field missing",
    )
}

pub(super) fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != "\"\"").then(|| s.to_owned())
}

/// Creates or updates the patient of PID; an identity conflict raises an alert.
fn upsert_patient(
    store: &mut Store,
    sent: &SentPatient,
    ipp: &str,
    journal: i64,
    actor: &str,
) -> Result<Result<PatientId, Outcome>, StoreError> {
    let Some(mut identity) = sent.to_identity(ipp) else {
        return Ok(Err(missing(
            "PID",
            5,
            "traits d'identité incomplets (PID-5, PID-7)",
        )));
    };
    let existing = patients::by_ipp(store, ipp)?;
    let mut conflict = None;
    if let Some(ins) = &identity.ins
        && let Some(holder) = patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())?
        && existing.as_ref().map(|p| p.id) != Some(holder.id)
    {
        // The INS belongs to another folder here: the identity is kept without it.
        conflict = Some(holder.id);
        identity.ins = None;
        identity.status = match identity.status {
            IdentityStatus::Qualifiee => IdentityStatus::Validee,
            IdentityStatus::Recuperee => IdentityStatus::Provisoire,
            other => other,
        };
    }
    let id = match existing {
        Some(stored) if stored.identity.status.requires_ins() => {
            vigilance::guard_verified(store, stored, identity, sent, journal, actor)?
        }
        Some(stored) => {
            let s = &stored.identity;
            if identity.used_first_name.is_none() {
                identity.used_first_name = s.used_first_name.clone();
            }
            // An INS kept by a downgrade stays (not usable) when the GAM sends none.
            if identity.ins.is_none()
                && s.ins.is_some()
                && crate::domain::patient::identity_problems(
                    &identity.traits,
                    s.ins.as_ref(),
                    identity.status,
                )
                .is_empty()
            {
                identity.ins = s.ins.clone();
            }
            if *s != identity {
                patients::update_identity(store, stored.id, &identity)?;
                trace(
                    store,
                    actor,
                    AuditObject::Patient(stored.id.0),
                    "patient updated",
                )?;
                if s.status != identity.status {
                    let mut line = NewEntry::new(
                        stored.id,
                        actor,
                        HistoryEvent::Gam,
                        s.status,
                        identity.status,
                    );
                    line.ins = identity
                        .ins
                        .as_ref()
                        .filter(|_| identity.status.requires_ins());
                    line.detail = format!("status:{}", identity.status.code());
                    identity_history::record(store, &line)?;
                }
            }
            stored.id
        }
        None => {
            let id = patients::insert(store, &identity)?;
            trace(store, actor, AuditObject::Patient(id.0), "patient created")?;
            id
        }
    };
    if let Some(holder) = conflict {
        alert(
            store,
            AlertKind::InsOnOtherPatient,
            Some(id),
            Some(holder),
            journal,
            actor,
        )?;
    }
    Ok(Ok(id))
}

pub(super) fn trace(
    store: &mut Store,
    actor: &str,
    object: AuditObject,
    detail: &str,
) -> Result<(), StoreError> {
    audit::record(store, actor, AuditAction::GamUpdate, object, detail).map(|_| ())
}

fn alert(
    store: &mut Store,
    kind: AlertKind,
    patient: Option<PatientId>,
    other: Option<PatientId>,
    journal: i64,
    actor: &str,
) -> Result<(), StoreError> {
    let id = identity_alerts::raise(store, kind, patient, other, Some(journal))?;
    audit::record(
        store,
        actor,
        AuditAction::IdentityAlert,
        AuditObject::IdentityAlert(id),
        format!("raised {}", kind.code()),
    )
    .map(|_| ())
}

/// A40: the folder of MRG-1's IPP merged into PID's. An unknown old IPP changes nothing; an
/// unknown new IPP renumbers the old folder; two folders are merged only when the old one
/// holds no document, else an alert waits for a person.
fn merge(
    store: &mut Store,
    msg: &Message<'_>,
    sent: &SentPatient,
    ipp: &str,
    journal: i64,
    actor: &str,
) -> Result<Outcome, StoreError> {
    let Some(old_ipp) = msg.segment("MRG").and_then(|m| {
        m.field(1)
            .repetitions()
            .find(|r| r.component(5).text() == "PI" || r.component(5).text().is_empty())
            .and_then(|r| text(&r.component(1).text()))
    }) else {
        return Ok(missing("MRG", 1, "IPP à fusionner absent de MRG-1"));
    };
    let old = patients::by_ipp(store, &old_ipp)?;
    let new = patients::by_ipp(store, ipp)?;
    match (old, new) {
        (None, _) => {
            let id = match upsert_patient(store, sent, ipp, journal, actor)? {
                Ok(id) => id,
                Err(outcome) => return Ok(outcome),
            };
            alert(
                store,
                AlertKind::MergeUnknownPatient,
                Some(id),
                None,
                journal,
                actor,
            )?;
            Ok(Outcome::filed("merge of an unknown folder", Some(id)))
        }
        (Some(old), None) => {
            let mut identity = old.identity.clone();
            identity.ipp = ipp.to_owned();
            patients::update_identity(store, old.id, &identity)?;
            trace(
                store,
                actor,
                AuditObject::Patient(old.id.0),
                "renumbered by merge",
            )?;
            Ok(Outcome::filed("merge: renumbered", Some(old.id)))
        }
        (Some(old), Some(new)) if old.id == new.id => {
            Ok(Outcome::filed("merge: same folder", Some(new.id)))
        }
        (Some(old), Some(new)) => {
            if patients::document_count(store, old.id)? > 0 {
                alert(
                    store,
                    AlertKind::MergeWithDocuments,
                    Some(new.id),
                    Some(old.id),
                    journal,
                    actor,
                )?;
                return Ok(Outcome::filed(
                    "merge waits for identity vigilance",
                    Some(new.id),
                ));
            }
            stays::move_all(store, old.id, new.id)?;
            identity_history::move_all(store, old.id, new.id)?;
            patients::remove_merged(store, old.id)?;
            trace(
                store,
                actor,
                AuditObject::Patient(new.id.0),
                &format!("merged patient {}", old.id.0),
            )?;
            Ok(Outcome::filed("merged", Some(new.id)))
        }
    }
}

#[cfg(test)]
#[path = "adt_tests.rs"]
mod tests;
#[path = "adt_vigilance.rs"]
mod vigilance;
