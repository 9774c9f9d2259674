//! What the GAM may and may not do to an identity whose INS came from INSi (récupérée,
//! qualifiée): its INSi traits are kept against the GAM's spelling, and a message without a
//! status leaves it as it is; a strict trait changed, another INS, or a lower status is applied
//! as a downgrade (the INS kept, not usable), traced in the identity history, with an alert in
//! the identity-vigilance list.

use super::{alert, trace};
use crate::domain::patient::search_key;
use crate::domain::{BirthTraits, IdentityStatus, Patient, PatientId, PatientIdentity, Sex};
use crate::intake::pid::SentPatient;
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::identity_alerts::AlertKind;
use crate::store::identity_history::{self, HistoryEvent, NewEntry};
use crate::store::{Store, StoreError, patients};

/// An identity whose INS came from INSi (récupérée, qualifiée) that the GAM updates. Its
/// strict traits are INSi's: a spelling of the GAM (case, accents, separators) does not replace
/// them, and a message without a status (PID-32) leaves the status as it is. But a strict
/// trait changed, another INS, or a status that lacks one of the proofs held here (a lower
/// status) is never taken silently: the GAM's traits or status are applied, the identity
/// steps back (provisoire after a trait or INS change; the status sent otherwise), the INS is
/// kept but not usable (dropped when the new traits contradict it), the history says why and
/// an alert waits in the identity-vigilance list.
pub(super) fn guard_verified(
    store: &mut Store,
    stored: Patient,
    incoming: PatientIdentity,
    sent: &SentPatient,
    journal: i64,
    actor: &str,
) -> Result<PatientId, StoreError> {
    let s = &stored.identity;
    let mut changed = changed_traits(&s.traits, sent);
    if incoming.ins.is_some() && incoming.ins != s.ins {
        changed.push("ins");
    }
    let mut next = s.clone();
    next.ipp = incoming.ipp.clone();
    if incoming.used_name.is_some() {
        next.used_name = incoming.used_name.clone();
    }
    let (to, kind, detail) = if !changed.is_empty() {
        next.traits = BirthTraits {
            sex: sent
                .sex
                .filter(|x| *x != Sex::Unknown)
                .unwrap_or(s.traits.sex),
            birthplace_insee: incoming
                .traits
                .birthplace_insee
                .clone()
                .or_else(|| s.traits.birthplace_insee.clone()),
            ..incoming.traits
        };
        let detail = format!("traits:{}", changed.join("+"));
        (
            IdentityStatus::Provisoire,
            AlertKind::TraitsChangedByGam,
            detail,
        )
    } else if let Some(lower) = sent.status.filter(|st| lacks_a_proof(s.status, *st)) {
        let detail = format!("status:{}", lower.code());
        (lower, AlertKind::StatusLoweredByGam, detail)
    } else {
        if next != *s {
            patients::update_identity(store, stored.id, &next)?;
            trace(
                store,
                actor,
                AuditObject::Patient(stored.id.0),
                "patient updated",
            )?;
        }
        return Ok(stored.id);
    };
    next.status = to;
    if !crate::domain::patient::identity_problems(&next.traits, next.ins.as_ref(), to).is_empty() {
        next.ins = None;
        if to.requires_ins() {
            next.status = IdentityStatus::Provisoire;
        }
    }
    patients::update_identity(store, stored.id, &next)?;
    trace(
        store,
        actor,
        AuditObject::Patient(stored.id.0),
        "identity downgraded",
    )?;
    let mut line = NewEntry::new(stored.id, actor, HistoryEvent::Gam, s.status, next.status);
    line.ins = next.ins.as_ref();
    line.detail = detail;
    identity_history::record(store, &line)?;
    audit::record(
        store,
        actor,
        AuditAction::IdentityStatusChanged,
        AuditObject::Patient(stored.id.0),
        format!("{}→{} gam", s.status.code(), next.status.code()),
    )?;
    alert(store, kind, Some(stored.id), None, journal, actor)?;
    Ok(stored.id)
}

/// The strict traits the message changes (spelling aside): birth name, first names (one list
/// being the other's beginning is no change), birth date, sex, birthplace (a trait the message
/// leaves out is no change).
fn changed_traits(stored: &BirthTraits, sent: &SentPatient) -> Vec<&'static str> {
    let bare = |t: &str| search_key(t).replace(' ', "");
    let words = |t: &str| -> Vec<String> {
        search_key(t)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut out = Vec::new();
    if sent
        .birth_name
        .as_deref()
        .is_some_and(|n| bare(n) != bare(&stored.birth_name))
    {
        out.push("birth-name");
    }
    if let Some(names) = sent.first_names() {
        let (a, b) = (words(names), words(&stored.birth_first_names));
        if !(a.starts_with(&b) || b.starts_with(&a)) || a.is_empty() {
            out.push("first-names");
        }
    }
    if sent.birth_date.is_some_and(|d| d != stored.birth_date) {
        out.push("birth-date");
    }
    if sent
        .sex
        .is_some_and(|x| x != Sex::Unknown && x != stored.sex)
    {
        out.push("sex");
    }
    if let (Some(a), Some(b)) = (&sent.birthplace, &stored.birthplace_insee)
        && !a.trim().eq_ignore_ascii_case(b.trim())
    {
        out.push("birthplace");
    }
    out
}

/// The status sent lacks a proof the held one has (the INSi's, the document's).
fn lacks_a_proof(held: IdentityStatus, sent: IdentityStatus) -> bool {
    use IdentityStatus as S;
    let ins = |s: S| matches!(s, S::Recuperee | S::Qualifiee);
    let document = |s: S| matches!(s, S::Validee | S::Qualifiee);
    (ins(held) && !ins(sent)) || (document(held) && !document(sent))
}
